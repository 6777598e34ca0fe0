"""A platform backend and a merchant walk one order through the running platform with the
generated client (clients/python, `make client`), never writing a request by hand: the platform
places it, the merchant confirms the shipping information and dispatches, the carrier's scan
delivers it (a carrier is not a client of ours: its push is sent as the carrier sends it), the
platform confirms receipt, and the merchant reads its balances, booked to the fen. Another
merchant's key gets a typed problem (404: another merchant's id is unknown to it), not the balances."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest
from logistics_support import ALL_LINES, FORM, ITEMS, kuaidi100_form, service_now, sf_number
from order_support import worked_example_order
from platform_support import Platform, bearer, new_merchant
from shipsettle_client.logistics import AuthenticatedClient as LogisticsClient
from shipsettle_client.logistics.api.shipments import shipments_confirm_receipt, shipments_dispatch
from shipsettle_client.logistics.models import DispatchRequest, ShipmentPublic
from shipsettle_client.logistics.models import Problem as LogisticsProblem
from shipsettle_client.orders import AuthenticatedClient as OrdersClient
from shipsettle_client.orders.api.orders import orders_place, shipping_info_confirm
from shipsettle_client.orders.models import ConfirmShippingRequest, OrderPublic, OrderRequest
from shipsettle_client.settlement import AuthenticatedClient as SettlementClient
from shipsettle_client.settlement.api.settlement import balances_read, policies_set
from shipsettle_client.settlement.models import BalancesPublic, PolicyRequest
from shipsettle_client.settlement.models import Problem as SettlementProblem
from support import eventually

pytestmark = pytest.mark.infra

KUAIDI100_SALT = "client-e2e-salt-0123456789"
# The worked example (tests/e2e/test_settlement.py): commission 1152 + 159 + 720 = 2031 (tea 5%,
# books 3%, services 8%), so the merchant's net is 343.49 + 10.00 shipping + 30.00 platform
# subsidy - 20.31 = 363.18.
POLICY = {"hold_days": 7, "default_commission_bp": 500, "commission_bp_by_category": {"books": 300, "services": 800}}
NET_MINOR = 36318


def _token(key: dict[str, str]) -> str:
    return key["api_key"]


async def test_a_backend_walks_one_order_to_booked_balances_with_the_generated_client(platform: Platform) -> None:
    merchant = await new_merchant(platform, "client")
    other = await new_merchant(platform, "client-other")
    ops_settlement = SettlementClient(base_url=platform.url("settlement-svc"), token=_token(platform.keys["ops"]))
    policy = await policies_set.asyncio_detailed(
        merchant["merchant_id"], client=ops_settlement, body=PolicyRequest.from_dict(POLICY)
    )
    assert policy.status_code == 200, policy.content
    async with httpx.AsyncClient(timeout=10) as carrier:
        await carrier.put(
            f"{platform.url('logistics-svc')}/v1/webhook-sources/kuaidi100/secret",
            json={"secret": KUAIDI100_SALT},
            headers=bearer(platform.keys["ops"]),
        )

    backend = OrdersClient(base_url=platform.url("order-svc"), token=_token(platform.keys["platform"]))
    merchant_orders = OrdersClient(base_url=platform.url("order-svc"), token=_token(merchant))
    merchant_logistics = LogisticsClient(base_url=platform.url("logistics-svc"), token=_token(merchant))
    backend_logistics = LogisticsClient(base_url=platform.url("logistics-svc"), token=_token(platform.keys["platform"]))
    merchant_settlement = SettlementClient(base_url=platform.url("settlement-svc"), token=_token(merchant))

    body: dict[str, Any] = worked_example_order(merchant["merchant_id"])
    placed = await orders_place.asyncio(
        client=backend, body=OrderRequest.from_dict(body), idempotency_key=str(uuid.uuid4())
    )
    assert isinstance(placed, OrderPublic), placed
    assert placed.order_id == body["order_id"]
    assert placed.payable_minor == 35349  # goods 414.99 - 41.50 merchant - 30.00 platform + 10.00 shipping

    confirmed = await shipping_info_confirm.asyncio(
        body["order_id"], client=merchant_orders, body=ConfirmShippingRequest.from_dict({"items": ITEMS})
    )
    assert isinstance(confirmed, OrderPublic), confirmed

    tracking_number = sf_number()
    dispatch = DispatchRequest.from_dict(
        {"order_id": body["order_id"], "carrier_code": "SF", "tracking_number": tracking_number, "lines": ALL_LINES}
    )

    async def dispatched() -> ShipmentPublic | None:
        # logistics learns of the confirmation through the bus: until then a typed 404/409
        answer = await shipments_dispatch.asyncio(client=merchant_logistics, body=dispatch)
        if isinstance(answer, LogisticsProblem) and answer.status in (404, 409):
            return None
        assert isinstance(answer, ShipmentPublic), answer
        return answer

    shipment = await eventually(dispatched, timeout_s=30)
    assert shipment.tracking_number == tracking_number

    async with httpx.AsyncClient(timeout=10) as carrier:
        now = await service_now(carrier, platform.url("logistics-svc"))
        form = kuaidi100_form(tracking_number, [("签收", "已签收", now)], KUAIDI100_SALT, "3")
        pushed = await carrier.post(
            f"{platform.url('logistics-svc')}/v1/webhooks/kuaidi100", content=form, headers=FORM
        )
        assert pushed.status_code == 200, pushed.text

    async def signed_off() -> list[ShipmentPublic] | None:
        answer = await shipments_confirm_receipt.asyncio(body["order_id"], client=backend_logistics)
        if isinstance(answer, LogisticsProblem):  # not delivered yet: the scan is applied through the bus
            return None
        return answer

    [signed] = await eventually(signed_off, timeout_s=30)
    assert signed.shipment_id == shipment.shipment_id

    async def booked() -> BalancesPublic | None:
        answer = await balances_read.asyncio(merchant["merchant_id"], client=merchant_settlement)
        assert isinstance(answer, BalancesPublic), answer
        return answer if answer.balances_minor.additional_properties.get("pending") else None

    balances = await eventually(booked, timeout_s=30)
    assert balances.balances_minor.additional_properties == {
        "pending": NET_MINOR,
        "available": 0,
        "reserved": 0,
        "in_payout": 0,
        "paid_out": 0,
        "negative_balance": 0,
    }
    assert (balances.frozen_minor, balances.owed_minor, balances.currency) == (0, 0, "CNY")

    stranger = SettlementClient(base_url=platform.url("settlement-svc"), token=_token(other))
    refused = await balances_read.asyncio(merchant["merchant_id"], client=stranger)
    assert isinstance(refused, SettlementProblem), refused
    assert refused.status == 404  # another merchant's id is answered as unknown: nothing of it shows
