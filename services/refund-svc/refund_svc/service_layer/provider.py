"""Executing refunds through the refund provider: sending an attempt (a timer, resent until the
provider answers), checking on one with no callback yet, and applying the provider's outcome from
its verified callback.

The provider deduplicates on the attempt's request id, so a resend after any crash never refunds
twice; an outcome names its attempt, so one for an earlier attempt, or for a refund already
settled, moves nothing. The refund's row is locked while the provider is called.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Protocol

from refund_svc.domain.channels import PROVIDER_CHANNELS
from refund_svc.domain.refund import Refund
from refund_svc.domain.workflow import Deadlines
from refund_svc.service_layer.unit_of_work import RefundUnitOfWork, keep
from shipsettle_shared.failpoints import failpoint
from shipsettle_shared.provider_client import ProviderConflict, ProviderRefused, ProviderStatus


class RefundProvider(Protocol):
    """The refund provider's API (shipsettle_shared.provider_client.ProviderClient)."""

    async def send(self, body: dict[str, Any]) -> ProviderStatus: ...

    async def status(self, request_id: str) -> ProviderStatus | None: ...


def _provider_request(refund: Refund, callback_url: str) -> dict[str, Any]:
    """The attempt as the provider takes it: the same body on every resend."""
    assert refund.payment is not None
    return {
        "request_id": refund.provider_request_id,
        "amount_minor": refund.amounts.refund_minor,
        "currency": refund.currency,
        "reference": f"ShipSettle refund {refund.refund_id} of order {refund.order_id}"[:140],
        "callback_url": callback_url,
        "beneficiary": {
            "original_channel": PROVIDER_CHANNELS[refund.channel],
            "original_transaction_id": refund.beneficiary_account or refund.payment.transaction_id,
        },
    }


async def send_refund(
    uow: RefundUnitOfWork,
    request_id: str,
    *,
    provider: RefundProvider,
    callback_url: str,
    now: datetime,
    deadlines: Deadlines,
) -> None:
    """Send (or re-send) attempt ``request_id``. An outage raises ProviderUnavailable and the timer
    retries; a refusal fails the refund for good (ops settle it another way)."""
    refund = await uow.refunds.refund_paying(request_id)
    if refund is None or not refund.is_paying(request_id):
        return
    if refund.channel not in PROVIDER_CHANNELS:  # sent before balance refunds had their own route
        refund.request_balance_credit(now=now, deadlines=deadlines)
    else:
        try:
            answer = await _send(provider, _provider_request(refund, callback_url))
        except ProviderRefused as error:
            refund.refused_by_provider(str(error), now=now)
        else:
            refund.sent(provider_reference=answer.provider_reference, check_key=request_id, now=now)
            _settle(refund, answer, now=now)
            refund.outcome_received(request_id, now=now)  # an outcome at once: no check is armed
    await keep(uow, refund)
    await uow.flush()


async def _send(provider: RefundProvider, body: dict[str, Any]) -> ProviderStatus:
    """The provider's answer to the attempt. A 409 means it holds the request id with another
    body and may have paid the first: its status is the answer then, never a failure."""
    failpoint("refund.before_send")
    try:
        answer = await provider.send(body)
    except ProviderConflict:
        known = await provider.status(str(body["request_id"]))
        if known is None:
            raise
        return known
    failpoint("refund.after_send")
    return answer


async def check_refund_status(
    uow: RefundUnitOfWork, check_key: str, *, provider: RefundProvider, now: datetime
) -> None:
    """No callback yet (``check_key``: the attempt's request id, then ``@`` and when it was asked
    again): ask the provider; still in flight, ask again later."""
    request_id = check_key.split("@", 1)[0]
    refund = await uow.refunds.refund_paying(request_id)
    if refund is None or not refund.is_paying(request_id):
        return
    answer = await provider.status(request_id)
    if answer is None or answer.status == "accepted":
        refund.still_in_flight(request_id, now=now)
    else:
        _settle(refund, answer, now=now)
    await keep(uow, refund)
    await uow.flush()


async def apply_provider_outcome(uow: RefundUnitOfWork, outcome: ProviderStatus, *, now: datetime) -> bool:
    """From a verified callback. False for a request id refund-svc never sent."""
    refund = await uow.refunds.refund_paying(outcome.request_id)
    if refund is None:
        # an outcome of an earlier attempt ("{refund_id}-{attempt}"): nothing to do
        return await uow.refunds.has_refund(outcome.request_id.rsplit("-", 1)[0])
    paying = refund.is_paying(outcome.request_id)
    _settle(refund, outcome, now=now)
    if paying:  # the same callback again changes nothing, and writes nothing
        refund.outcome_received(outcome.request_id, now=now)
    await keep(uow, refund)
    await uow.flush()
    return True


def _settle(refund: Refund, outcome: ProviderStatus, *, now: datetime) -> None:
    refund.settle(outcome.request_id, outcome.status, outcome.provider_reference, outcome.reason, now)
