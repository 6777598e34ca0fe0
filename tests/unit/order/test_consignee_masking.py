"""Who sees a consignee in full (order_svc/domain/personal_data.py) and what the others see
(shipsettle_shared.masking.mask_consignee)."""

from __future__ import annotations

import pytest

from order_svc.domain.orders import OrderStatus
from order_svc.domain.personal_data import sees_full_consignee
from shipsettle_shared.masking import mask_consignee

CONSIGNEE = {
    "name": "张三",
    "mobile": "13812345678",
    "province": "浙江省",
    "city": "杭州市",
    "district": "西湖区",
    "address_line": "文三路 90 号 3 幢 501",
    "postal_code": "310012",
}


@pytest.mark.parametrize("status", list(OrderStatus))
@pytest.mark.parametrize("role", ["merchant", "platform", "ops", "auditor", "carrier", "support"])
def test_only_the_merchant_sees_the_consignee_whole_and_only_while_the_order_is_to_be_shipped(
    role: str, status: OrderStatus
) -> None:
    to_be_shipped = status in (OrderStatus.PLACED, OrderStatus.CONFIRMED, OrderStatus.PARTIALLY_DISPATCHED)
    assert sees_full_consignee(role, status) is (role == "merchant" and to_be_shipped)


def test_a_masked_consignee_keeps_the_mobiles_ends_the_names_first_character_and_province_and_city() -> None:
    assert mask_consignee(CONSIGNEE) == {
        "name": "张*",
        "mobile": "138****5678",
        "province": "浙江省",
        "city": "杭州市",
        "district": "****",
        "address_line": "****",
        "postal_code": "****",
    }


def test_an_international_mobile_keeps_its_first_three_and_last_four_characters() -> None:
    assert mask_consignee({**CONSIGNEE, "mobile": "+85291234567"})["mobile"] == "+85****4567"


def test_an_erased_consignee_stays_erased_rather_than_masked_into_something_else() -> None:
    erased = {**CONSIGNEE, **dict.fromkeys(("name", "mobile", "district", "address_line", "postal_code"), "[erased]")}
    assert mask_consignee(erased) == erased
