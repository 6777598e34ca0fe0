"""order-svc's main use cases through the service layer, on in-memory storage (order_fakes.py):
an order placed (and the same request again), its shipping information confirmed and corrected,
the order cancelled, and the events it consumes: each onto the order's timeline, a dispatch
moving its order (end to end: tests/e2e/test_orders.py)."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import timedelta
from typing import Any

import pytest
from order_fakes import CONSIGNEE, NOW, FakeOrderStatements, FakeOrderUnitOfWork, placed_order

from order_svc.domain.orders import Actor, OrderRuleViolation, OrderStatus, ShippingCheckItem
from order_svc.domain.pricing import LineInput
from order_svc.service_layer import messagebus
from order_svc.service_layer import orders as service
from order_svc.service_layer.orders import IdempotentRequest, PlacedLine, PlaceOrder
from order_svc.service_layer.timeline import ReportedEvent
from shipsettle_shared import contracts
from shipsettle_shared.consignee_transit import open_consignee
from shipsettle_shared.domain_errors import Refusal
from shipsettle_shared.messaging.consumer import PermanentEventError
from shipsettle_shared.messaging.events import EventMetadata
from shipsettle_shared.problems import Conflict

MERCHANT = Actor(key_id="key-m1", role="merchant")
ITEMS = [ShippingCheckItem("L1", 2, "500g/罐")]
LATER = NOW + timedelta(hours=1)


def placing(order_id: str = "PO-1", *, paid_minor: int = 25600) -> PlaceOrder:
    order = placed_order(order_id)
    return PlaceOrder(
        order_id=order_id,
        merchant_id=order.merchant_id,
        buyer_ref=order.buyer_ref,
        currency="CNY",
        lines=[PlacedLine(LineInput("L1", "TEA-1", 2, 12800, 1300, "tea"), name="龙井", spec="500g/罐")],
        coupons=[],
        shipping_fee_minor=0,
        consignee=CONSIGNEE,
        payment=replace(order.payment, amount_minor=paid_minor),
    )


def answer(order: Any) -> tuple[int, dict[str, Any]]:
    return 201, {"order_id": order.order_id, "payable_minor": order.priced.payable_minor}


async def test_a_placed_order_is_stored_with_its_announcement_and_the_same_request_again_gets_the_first_answer() -> (
    None
):
    statements = FakeOrderStatements()
    request = IdempotentRequest("key-platform", "place-1", "hash-1")
    first = await service.place_order(statements, placing(), request, answer, now=NOW)
    assert first == (201, {"order_id": "PO-1", "payable_minor": 25600})
    (announced,) = statements.events
    assert isinstance(announced, contracts.OrderPlaced)
    assert (announced.payable_minor, announced.payment.amount_minor, announced.lines[0].vat_minor) == (
        25600,
        25600,
        2945,  # 25600 - round(25600 / 1.13)
    )
    again = await service.place_order(statements, placing(), request, answer, now=LATER)
    assert again == first
    assert len(statements.events) == 1
    with pytest.raises(Conflict):  # the same key with another request
        await service.place_order(statements, placing(), replace(request, fingerprint="hash-2"), answer, now=LATER)
    with pytest.raises(service.OrderAlreadyExists):  # the same order under another key
        await service.place_order(statements, placing(), replace(request, key="place-2"), answer, now=LATER)


async def test_a_payment_that_differs_from_the_computed_amount_is_refused_with_its_figures_and_nothing_is_stored() -> (
    None
):
    statements = FakeOrderStatements()
    request = IdempotentRequest("key-platform", "place-1", "hash-1")
    with pytest.raises(service.PaymentDoesNotMatch) as refused:
        await service.place_order(statements, placing(paid_minor=25500), request, answer, now=NOW)
    assert refused.value.extensions["difference_minor"] == -100
    assert (statements.orders, statements.keys, statements.events) == ({}, {}, [])


async def test_a_confirmation_moves_the_order_and_announces_the_consignee_sealed_for_the_bus() -> None:
    statements = FakeOrderStatements(placed_order())
    confirmed = await service.confirm_shipping(
        statements, "PO-1", ITEMS, None, by=MERCHANT, now=LATER, merchant_scope="m-1"
    )
    assert (confirmed.status, confirmed.shipping_confirmed_at) == (OrderStatus.CONFIRMED, LATER)
    assert statements.orders["PO-1"] == confirmed
    assert statements.shipping_changes == [("PO-1", "confirmed", "merchant:key-m1", "")]
    (announced,) = statements.events
    assert isinstance(announced, contracts.ShippingInfoConfirmed)
    assert open_consignee(statements.kms, "PO-1", announced.consignee_sealed)["mobile"] == "13812345678"


async def test_a_correction_names_the_fields_it_changed_and_none_is_accepted_after_dispatch() -> None:
    statements = FakeOrderStatements(placed_order())
    moved = replace(CONSIGNEE, address_line="文一西路 969 号", postal_code="311121")
    corrected = await service.correct_shipping(
        statements, "PO-1", moved, "buyer moved", by=MERCHANT, now=LATER, merchant_scope=None
    )
    assert corrected.consignee == moved
    (announced,) = statements.events
    assert isinstance(announced, contracts.ShippingInfoCorrected)
    assert (announced.changed_fields, announced.reason) == (["address_line", "postal_code"], "buyer moved")

    statements.orders["PO-1"] = corrected.record_dispatch({"L1": 1})
    with pytest.raises(OrderRuleViolation) as refused:
        await service.correct_shipping(
            statements, "PO-1", CONSIGNEE, "moved back", by=MERCHANT, now=LATER, merchant_scope=None
        )
    assert (refused.value.refusal, refused.value.code) == (Refusal.CONFLICT, "already-dispatched")
    assert len(statements.events) == 1


async def test_a_cancellation_before_dispatch_announces_the_full_refund_and_another_merchants_order_is_not_found() -> (
    None
):
    uow = FakeOrderUnitOfWork(placed_order())
    with pytest.raises(service.OrderNotFound):
        await service.cancel_order(uow, "PO-1", "out of stock", by=MERCHANT, now=LATER, merchant_scope="m-2")
    cancelled = await service.cancel_order(uow, "PO-1", "out of stock", by=MERCHANT, now=LATER, merchant_scope="m-1")
    assert (cancelled.status, uow.orders.orders["PO-1"]) == (OrderStatus.CANCELLED, cancelled)
    (announced,) = uow.events
    assert isinstance(announced, contracts.OrderCancelled)
    assert (announced.refund_minor, announced.cancelled_by) == (25600, "merchant:key-m1")


def reported(payload: contracts.EventPayload, *, producer: str = "logistics-svc") -> ReportedEvent:
    meta = EventMetadata(
        event_id=uuid.uuid4(),
        event_type=payload.event_type,
        schema_version=1,
        occurred_at=LATER,
        producer=producer,
        aggregate_type="order",
        aggregate_id=str(getattr(payload, "order_id", "")),
        correlation_id="c-1",
    )
    return ReportedEvent(meta, payload.model_dump(mode="json"))


def dispatched(order_id: str, quantity: int) -> ReportedEvent:
    return reported(
        contracts.ShipmentDispatched(
            order_id=order_id,
            merchant_id="m-1",
            shipment_id=f"SH-{order_id}-{quantity}",
            carrier_code="SF",
            tracking_number="SF1234567890123",
            lines=[contracts.ShipmentLine(line_id="L1", quantity=quantity)],
            dispatched_at=LATER,
        )
    )


async def test_a_dispatch_consumed_goes_onto_the_timeline_and_moves_its_order_and_a_redelivery_is_kept_once() -> None:
    uow = FakeOrderUnitOfWork(placed_order(), placed_order("PO-2"))
    first, second = dispatched("PO-1", 1), dispatched("PO-2", 2)
    await messagebus.handle(uow, [first, second], now=LATER)
    orders = uow.orders.orders
    assert (orders["PO-1"].status, orders["PO-1"].dispatched_quantities) == (
        OrderStatus.PARTIALLY_DISPATCHED,
        {"L1": 1},
    )
    assert orders["PO-2"].status is OrderStatus.DISPATCHED
    assert uow.orders.locked == ["PO-1", "PO-2"]  # in one read, in order-id order
    (entry,) = uow.timeline.of("PO-1")
    assert (entry["event_type"], entry["producer"], entry["summary"]) == (
        "ShipmentDispatched",
        "logistics-svc",
        "Dispatched with SF, tracking number SF1234567890123 (1 items)",
    )
    assert uow.timeline.statements == 1  # both events' entries in one

    await messagebus.handle(uow, [first], now=LATER)
    assert len(uow.timeline.of("PO-1")) == 1


async def test_a_sign_off_is_listed_on_the_timeline_without_the_consignee_and_changes_no_order() -> None:
    uow = FakeOrderUnitOfWork(placed_order())
    before = uow.orders.orders["PO-1"]
    signed = reported(
        contracts.OrderSignedOff(
            order_id="PO-1",
            merchant_id="m-1",
            shipment_id="SH-1",
            lines=[contracts.ShipmentLine(line_id="L1", quantity=2)],
            signed_off_at=LATER,
            how="buyer_confirmed",
            order_fully_signed_off=True,
        )
    )
    corrected = reported(
        contracts.ShippingInfoCorrected(
            order_id="PO-1",
            merchant_id="m-1",
            buyer_ref="buyer-42",
            consignee_sealed=contracts.SealedConsignee(
                province="浙江省", city="杭州市", kek_id="k", key_id="d", wrapped_key="w", sealed="s"
            ),
            changed_fields=["mobile"],
            reason="buyer called",
            corrected_by="merchant:key-m1",
            corrected_at=LATER,
        ),
        producer="order-svc",
    )
    await messagebus.handle(uow, [signed], now=LATER)
    await messagebus.handle(uow, [corrected], now=LATER)
    assert uow.orders.orders["PO-1"] is before
    assert uow.orders.locked == []
    entries = {entry["event_type"]: entry for entry in uow.timeline.of("PO-1")}
    assert entries["OrderSignedOff"]["summary"] == "OrderSignedOff"  # no sentence for it: its type
    assert entries["OrderSignedOff"]["details"]["how"] == "buyer_confirmed"
    assert entries["ShippingInfoCorrected"]["summary"] == (
        "Shipping information corrected by merchant:key-m1: mobile (buyer called)"
    )
    assert "consignee_sealed" not in entries["ShippingInfoCorrected"]["details"]


async def test_a_dispatch_of_an_order_unknown_here_is_refused_for_good() -> None:
    uow = FakeOrderUnitOfWork(placed_order())
    with pytest.raises(PermanentEventError, match="PO-unknown"):
        await messagebus.handle(uow, [dispatched("PO-1", 1), dispatched("PO-unknown", 1)], now=LATER)
