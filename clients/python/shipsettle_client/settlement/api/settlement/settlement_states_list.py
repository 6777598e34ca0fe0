from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.problem import Problem
from ...models.settlement_states import SettlementStates
from ...types import Response


def _get_kwargs(
    merchant_id: str,
) -> dict[str, Any]:

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/merchants/{merchant_id}/settlement-states".format(
            merchant_id=quote(str(merchant_id), safe=""),
        ),
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Problem | SettlementStates | None:
    if response.status_code == 200:
        response_200 = SettlementStates.from_dict(response.json())

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


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[Problem | SettlementStates]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    merchant_id: str,
    *,
    client: AuthenticatedClient,
) -> Response[Problem | SettlementStates]:
    """Every order of a merchant with its settlement state and expected date

     Blockers, earliest stage first: not_confirmed (shipping information not confirmed, 核对发货信息),
    not_dispatched, no_tracking_number (物流单号), tracking_under_review (logistics flagged the parcel for
    ops, e.g. delivered before it was dispatched: not signed off automatically until ops clear it),
    not_delivered, waiting_for_sign_off (签收 / 确认收货), refund_open, in_hold_until (with the date),
    application_not_submitted (结算申请), in_review (from submission until the bank's answer), payout_failed
    (with the reason); finished: paid_out (with the date), refunded. One entry per order the merchant
    has in settlement: its state (the earliest blocker, or paid out or refunded when nothing blocks),
    its blockers and when all of its money is expected. Read at one moment, so the orders agree with
    each other and with the balances. For one order's segments and assumptions, see the order's
    settlement-eta. Applications take the merchant's available funds, not orders: released order amounts
    are assigned to applications first in, first out by release time, split where an application ends
    inside an order's amount.

    Args:
        merchant_id (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | SettlementStates]
    """

    kwargs = _get_kwargs(
        merchant_id=merchant_id,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    merchant_id: str,
    *,
    client: AuthenticatedClient,
) -> Problem | SettlementStates | None:
    """Every order of a merchant with its settlement state and expected date

     Blockers, earliest stage first: not_confirmed (shipping information not confirmed, 核对发货信息),
    not_dispatched, no_tracking_number (物流单号), tracking_under_review (logistics flagged the parcel for
    ops, e.g. delivered before it was dispatched: not signed off automatically until ops clear it),
    not_delivered, waiting_for_sign_off (签收 / 确认收货), refund_open, in_hold_until (with the date),
    application_not_submitted (结算申请), in_review (from submission until the bank's answer), payout_failed
    (with the reason); finished: paid_out (with the date), refunded. One entry per order the merchant
    has in settlement: its state (the earliest blocker, or paid out or refunded when nothing blocks),
    its blockers and when all of its money is expected. Read at one moment, so the orders agree with
    each other and with the balances. For one order's segments and assumptions, see the order's
    settlement-eta. Applications take the merchant's available funds, not orders: released order amounts
    are assigned to applications first in, first out by release time, split where an application ends
    inside an order's amount.

    Args:
        merchant_id (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | SettlementStates
    """

    return sync_detailed(
        merchant_id=merchant_id,
        client=client,
    ).parsed


async def asyncio_detailed(
    merchant_id: str,
    *,
    client: AuthenticatedClient,
) -> Response[Problem | SettlementStates]:
    """Every order of a merchant with its settlement state and expected date

     Blockers, earliest stage first: not_confirmed (shipping information not confirmed, 核对发货信息),
    not_dispatched, no_tracking_number (物流单号), tracking_under_review (logistics flagged the parcel for
    ops, e.g. delivered before it was dispatched: not signed off automatically until ops clear it),
    not_delivered, waiting_for_sign_off (签收 / 确认收货), refund_open, in_hold_until (with the date),
    application_not_submitted (结算申请), in_review (from submission until the bank's answer), payout_failed
    (with the reason); finished: paid_out (with the date), refunded. One entry per order the merchant
    has in settlement: its state (the earliest blocker, or paid out or refunded when nothing blocks),
    its blockers and when all of its money is expected. Read at one moment, so the orders agree with
    each other and with the balances. For one order's segments and assumptions, see the order's
    settlement-eta. Applications take the merchant's available funds, not orders: released order amounts
    are assigned to applications first in, first out by release time, split where an application ends
    inside an order's amount.

    Args:
        merchant_id (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | SettlementStates]
    """

    kwargs = _get_kwargs(
        merchant_id=merchant_id,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    merchant_id: str,
    *,
    client: AuthenticatedClient,
) -> Problem | SettlementStates | None:
    """Every order of a merchant with its settlement state and expected date

     Blockers, earliest stage first: not_confirmed (shipping information not confirmed, 核对发货信息),
    not_dispatched, no_tracking_number (物流单号), tracking_under_review (logistics flagged the parcel for
    ops, e.g. delivered before it was dispatched: not signed off automatically until ops clear it),
    not_delivered, waiting_for_sign_off (签收 / 确认收货), refund_open, in_hold_until (with the date),
    application_not_submitted (结算申请), in_review (from submission until the bank's answer), payout_failed
    (with the reason); finished: paid_out (with the date), refunded. One entry per order the merchant
    has in settlement: its state (the earliest blocker, or paid out or refunded when nothing blocks),
    its blockers and when all of its money is expected. Read at one moment, so the orders agree with
    each other and with the balances. For one order's segments and assumptions, see the order's
    settlement-eta. Applications take the merchant's available funds, not orders: released order amounts
    are assigned to applications first in, first out by release time, split where an application ends
    inside an order's amount.

    Args:
        merchant_id (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | SettlementStates
    """

    return (
        await asyncio_detailed(
            merchant_id=merchant_id,
            client=client,
        )
    ).parsed
