from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.approval_applied import ApprovalApplied
from ...models.decision_request import DecisionRequest
from ...models.http_validation_error import HTTPValidationError
from ...types import UNSET, Response, Unset


def _get_kwargs(
    approval_id: str,
    *,
    body: DecisionRequest,
    authorization: None | str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(authorization, Unset):
        headers["authorization"] = authorization

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/approvals/{approval_id}/approve".format(
            approval_id=quote(str(approval_id), safe=""),
        ),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ApprovalApplied | HTTPValidationError | None:
    if response.status_code == 200:
        response_200 = ApprovalApplied.from_dict(response.json())

        return response_200

    if response.status_code == 422:
        response_422 = HTTPValidationError.from_dict(response.json())

        return response_422

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[ApprovalApplied | HTTPValidationError]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    approval_id: str,
    *,
    client: AuthenticatedClient | Client,
    body: DecisionRequest,
    authorization: None | str | Unset = UNSET,
) -> Response[ApprovalApplied | HTTPValidationError]:
    """Approve a proposal with a second ops key: the action is applied (ops)

     Applies the action in the transaction that records the approval. Refused, changing
    nothing: 404 unknown; 403 ``four-eyes-same-key`` (the proposer's own key); 409
    ``approval-not-pending`` (approved or withdrawn), ``approval-expired``,
    ``proposer-key-revoked``; and the action's own refusals (e.g. 409 ``not-in-review``).

    Args:
        approval_id (str):
        authorization (None | str | Unset): Bearer <API key>
        body (DecisionRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ApprovalApplied | HTTPValidationError]
    """

    kwargs = _get_kwargs(
        approval_id=approval_id,
        body=body,
        authorization=authorization,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    approval_id: str,
    *,
    client: AuthenticatedClient | Client,
    body: DecisionRequest,
    authorization: None | str | Unset = UNSET,
) -> ApprovalApplied | HTTPValidationError | None:
    """Approve a proposal with a second ops key: the action is applied (ops)

     Applies the action in the transaction that records the approval. Refused, changing
    nothing: 404 unknown; 403 ``four-eyes-same-key`` (the proposer's own key); 409
    ``approval-not-pending`` (approved or withdrawn), ``approval-expired``,
    ``proposer-key-revoked``; and the action's own refusals (e.g. 409 ``not-in-review``).

    Args:
        approval_id (str):
        authorization (None | str | Unset): Bearer <API key>
        body (DecisionRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ApprovalApplied | HTTPValidationError
    """

    return sync_detailed(
        approval_id=approval_id,
        client=client,
        body=body,
        authorization=authorization,
    ).parsed


async def asyncio_detailed(
    approval_id: str,
    *,
    client: AuthenticatedClient | Client,
    body: DecisionRequest,
    authorization: None | str | Unset = UNSET,
) -> Response[ApprovalApplied | HTTPValidationError]:
    """Approve a proposal with a second ops key: the action is applied (ops)

     Applies the action in the transaction that records the approval. Refused, changing
    nothing: 404 unknown; 403 ``four-eyes-same-key`` (the proposer's own key); 409
    ``approval-not-pending`` (approved or withdrawn), ``approval-expired``,
    ``proposer-key-revoked``; and the action's own refusals (e.g. 409 ``not-in-review``).

    Args:
        approval_id (str):
        authorization (None | str | Unset): Bearer <API key>
        body (DecisionRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ApprovalApplied | HTTPValidationError]
    """

    kwargs = _get_kwargs(
        approval_id=approval_id,
        body=body,
        authorization=authorization,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    approval_id: str,
    *,
    client: AuthenticatedClient | Client,
    body: DecisionRequest,
    authorization: None | str | Unset = UNSET,
) -> ApprovalApplied | HTTPValidationError | None:
    """Approve a proposal with a second ops key: the action is applied (ops)

     Applies the action in the transaction that records the approval. Refused, changing
    nothing: 404 unknown; 403 ``four-eyes-same-key`` (the proposer's own key); 409
    ``approval-not-pending`` (approved or withdrawn), ``approval-expired``,
    ``proposer-key-revoked``; and the action's own refusals (e.g. 409 ``not-in-review``).

    Args:
        approval_id (str):
        authorization (None | str | Unset): Bearer <API key>
        body (DecisionRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ApprovalApplied | HTTPValidationError
    """

    return (
        await asyncio_detailed(
            approval_id=approval_id,
            client=client,
            body=body,
            authorization=authorization,
        )
    ).parsed
