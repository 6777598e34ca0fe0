from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.order_read import OrderRead
from ...models.order_stage import OrderStage
from ...models.problem import Problem
from ...types import UNSET, Response, Unset


def _get_kwargs(
    order_id: str,
    *,
    until: list[OrderStage] | None | Unset = UNSET,
    wait: float | None | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    json_until: list[str] | None | Unset
    if isinstance(until, Unset):
        json_until = UNSET
    elif isinstance(until, list):
        json_until = []
        for until_type_0_item_data in until:
            until_type_0_item = until_type_0_item_data.value
            json_until.append(until_type_0_item)

    else:
        json_until = until
    params["until"] = json_until

    json_wait: float | None | Unset
    if isinstance(wait, Unset):
        json_wait = UNSET
    else:
        json_wait = wait
    params["wait"] = json_wait

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/orders/{order_id}".format(
            order_id=quote(str(order_id), safe=""),
        ),
        "params": params,
    }

    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> OrderRead | Problem | None:
    if response.status_code == 200:
        response_200 = OrderRead.from_dict(response.json())

        return response_200

    if response.status_code == 401:
        response_401 = Problem.from_dict(response.json())

        return response_401

    if response.status_code == 403:
        response_403 = Problem.from_dict(response.json())

        return response_403

    if response.status_code == 404:
        response_404 = Problem.from_dict(response.json())

        return response_404

    if response.status_code == 422:
        response_422 = Problem.from_dict(response.json())

        return response_422

    if response.status_code == 429:
        response_429 = Problem.from_dict(response.json())

        return response_429

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[OrderRead | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    order_id: str,
    *,
    client: AuthenticatedClient,
    until: list[OrderStage] | None | Unset = UNSET,
    wait: float | None | Unset = UNSET,
) -> Response[OrderRead | Problem]:
    """One order with its priced breakdown; with ?until=&wait=, as soon as it reaches a stage (long-poll)

     Without ``until``: the order now. With it: the order once it reaches one of the stages, or
    after ``wait`` seconds (``reached`` says which), so a platform backend need not poll. An
    unknown order, or another merchant's: 404 at once.

    Args:
        order_id (str):
        until (list[OrderStage] | None | Unset): Long-poll: answer as soon as the order is at one
            of these stages (repeat the parameter for several). `delivered`: every parcel dispatched
            so far delivered or signed off, as logistics reported it. The answer then carries
            `reached`.
        wait (float | None | Unset): Long-poll: the most seconds to wait for `until` (at most 25);
            at the end the order is answered as it is, with `reached: false`. Without it, no wait.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[OrderRead | Problem]
    """

    kwargs = _get_kwargs(
        order_id=order_id,
        until=until,
        wait=wait,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    order_id: str,
    *,
    client: AuthenticatedClient,
    until: list[OrderStage] | None | Unset = UNSET,
    wait: float | None | Unset = UNSET,
) -> OrderRead | Problem | None:
    """One order with its priced breakdown; with ?until=&wait=, as soon as it reaches a stage (long-poll)

     Without ``until``: the order now. With it: the order once it reaches one of the stages, or
    after ``wait`` seconds (``reached`` says which), so a platform backend need not poll. An
    unknown order, or another merchant's: 404 at once.

    Args:
        order_id (str):
        until (list[OrderStage] | None | Unset): Long-poll: answer as soon as the order is at one
            of these stages (repeat the parameter for several). `delivered`: every parcel dispatched
            so far delivered or signed off, as logistics reported it. The answer then carries
            `reached`.
        wait (float | None | Unset): Long-poll: the most seconds to wait for `until` (at most 25);
            at the end the order is answered as it is, with `reached: false`. Without it, no wait.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        OrderRead | Problem
    """

    return sync_detailed(
        order_id=order_id,
        client=client,
        until=until,
        wait=wait,
    ).parsed


async def asyncio_detailed(
    order_id: str,
    *,
    client: AuthenticatedClient,
    until: list[OrderStage] | None | Unset = UNSET,
    wait: float | None | Unset = UNSET,
) -> Response[OrderRead | Problem]:
    """One order with its priced breakdown; with ?until=&wait=, as soon as it reaches a stage (long-poll)

     Without ``until``: the order now. With it: the order once it reaches one of the stages, or
    after ``wait`` seconds (``reached`` says which), so a platform backend need not poll. An
    unknown order, or another merchant's: 404 at once.

    Args:
        order_id (str):
        until (list[OrderStage] | None | Unset): Long-poll: answer as soon as the order is at one
            of these stages (repeat the parameter for several). `delivered`: every parcel dispatched
            so far delivered or signed off, as logistics reported it. The answer then carries
            `reached`.
        wait (float | None | Unset): Long-poll: the most seconds to wait for `until` (at most 25);
            at the end the order is answered as it is, with `reached: false`. Without it, no wait.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[OrderRead | Problem]
    """

    kwargs = _get_kwargs(
        order_id=order_id,
        until=until,
        wait=wait,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    order_id: str,
    *,
    client: AuthenticatedClient,
    until: list[OrderStage] | None | Unset = UNSET,
    wait: float | None | Unset = UNSET,
) -> OrderRead | Problem | None:
    """One order with its priced breakdown; with ?until=&wait=, as soon as it reaches a stage (long-poll)

     Without ``until``: the order now. With it: the order once it reaches one of the stages, or
    after ``wait`` seconds (``reached`` says which), so a platform backend need not poll. An
    unknown order, or another merchant's: 404 at once.

    Args:
        order_id (str):
        until (list[OrderStage] | None | Unset): Long-poll: answer as soon as the order is at one
            of these stages (repeat the parameter for several). `delivered`: every parcel dispatched
            so far delivered or signed off, as logistics reported it. The answer then carries
            `reached`.
        wait (float | None | Unset): Long-poll: the most seconds to wait for `until` (at most 25);
            at the end the order is answered as it is, with `reached: false`. Without it, no wait.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        OrderRead | Problem
    """

    return (
        await asyncio_detailed(
            order_id=order_id,
            client=client,
            until=until,
            wait=wait,
        )
    ).parsed
