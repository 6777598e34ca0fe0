"""Kafka entrypoints and timer handlers of recon-svc."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from recon_svc.adapters.unit_of_work import SqlReconUnitOfWork
from recon_svc.config import ReconSettings
from recon_svc.service_layer import audit_heads, fact_folding, invariant_checks
from recon_svc.service_layer.fact_folding import Timing
from shipsettle_shared.contracts import AuditChainHeadPublished, Topic
from shipsettle_shared.envelope import EventEnvelope
from shipsettle_shared.messaging.consumer import Subscription
from shipsettle_shared.messaging.events import received
from shipsettle_shared.service import ServiceRuntime
from shipsettle_shared.timers import DueTimer, InBatches, LocalTimerHandlers


def subscriptions(runtime: ServiceRuntime) -> Sequence[Subscription]:
    settings = runtime.settings
    assert isinstance(settings, ReconSettings)
    timing = Timing(
        grace=timedelta(seconds=settings.invariant_grace_s),
        window_slack=timedelta(seconds=settings.settlement_window_slack_s),
    )

    async def fold(session: AsyncSession, envelopes: list[EventEnvelope]) -> None:
        # pydantic's ValidationError for a payload that breaks its contract: the consumer retries
        # the batch's events one at a time, then dead-letters the bad one
        facts = [received(envelope) for envelope in envelopes]
        await fact_folding.on_facts(SqlReconUnitOfWork(session), facts, now=runtime.clock.now(), timing=timing)

    async def keep_head(session: AsyncSession, envelope: EventEnvelope) -> None:
        head = received(envelope).of_kind(AuditChainHeadPublished).payload
        await audit_heads.keep_head(SqlReconUnitOfWork(session), head, now=runtime.clock.now())

    # One handler folds every fact type: a poll's consecutive facts, whatever their types, are
    # applied in one call with a constant number of statements. Other types on these topics
    # (ShippingInfoConfirmed, refund approvals, ...) are passed over by their header, unread.
    return (
        Subscription(
            group_id="recon-svc.facts",
            topics=(Topic.ORDER, Topic.SHIPMENT, Topic.SETTLEMENT, Topic.REFUND, Topic.PAYOUT, Topic.LEDGER),
            batch_handlers=dict.fromkeys(fact_folding.FACT_TYPES, fold),
            batch_across_types=True,
        ),
        # every service's audit-chain heads (shipsettle_shared/audit_routes.py), kept as evidence
        Subscription(
            group_id="recon-svc.audit",
            topics=(Topic.AUDIT,),
            handlers={AuditChainHeadPublished.event_type: keep_head},
        ),
    )


def timer_handlers(runtime: ServiceRuntime) -> LocalTimerHandlers:
    settings = runtime.settings
    assert isinstance(settings, ReconSettings)
    grace = timedelta(seconds=settings.invariant_grace_s)

    async def judge_orders(session: AsyncSession, timers: Sequence[DueTimer]) -> None:
        await invariant_checks.judge_orders(SqlReconUnitOfWork(session), timers, now=runtime.clock.now())

    async def judge_window(session: AsyncSession, timer: DueTimer) -> None:
        await invariant_checks.judge_window(SqlReconUnitOfWork(session), timer, now=runtime.clock.now(), grace=grace)

    return {fact_folding.INVARIANT_CHECK: InBatches(judge_orders), fact_folding.SETTLEMENT_WINDOW: judge_window}
