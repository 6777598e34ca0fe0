from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..models.coupon_kind import CouponKind
from ..models.funder import Funder
from ..types import UNSET, Unset

T = TypeVar("T", bound="CouponRequest")


@_attrs_define
class CouponRequest:
    """
    Attributes:
        coupon_id (str):
        funded_by (Funder):
        kind (CouponKind):
        amount_off (None | str | Unset): threshold and fixed coupons
        cap (None | str | Unset): percentage coupons: the most it takes off
        max_repeats (int | None | Unset):
        percent_off (None | str | Unset): e.g. '10' or '12.5'
        repeat (bool | Unset): threshold coupons: 每满 threshold 减 amount_off Default: False.
        threshold (None | str | Unset): threshold coupons: minimum goods amount
    """

    coupon_id: str
    funded_by: Funder
    kind: CouponKind
    amount_off: None | str | Unset = UNSET
    cap: None | str | Unset = UNSET
    max_repeats: int | None | Unset = UNSET
    percent_off: None | str | Unset = UNSET
    repeat: bool | Unset = False
    threshold: None | str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        coupon_id = self.coupon_id

        funded_by = self.funded_by.value

        kind = self.kind.value

        amount_off: None | str | Unset
        if isinstance(self.amount_off, Unset):
            amount_off = UNSET
        else:
            amount_off = self.amount_off

        cap: None | str | Unset
        if isinstance(self.cap, Unset):
            cap = UNSET
        else:
            cap = self.cap

        max_repeats: int | None | Unset
        if isinstance(self.max_repeats, Unset):
            max_repeats = UNSET
        else:
            max_repeats = self.max_repeats

        percent_off: None | str | Unset
        if isinstance(self.percent_off, Unset):
            percent_off = UNSET
        else:
            percent_off = self.percent_off

        repeat = self.repeat

        threshold: None | str | Unset
        if isinstance(self.threshold, Unset):
            threshold = UNSET
        else:
            threshold = self.threshold

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "coupon_id": coupon_id,
                "funded_by": funded_by,
                "kind": kind,
            }
        )
        if amount_off is not UNSET:
            field_dict["amount_off"] = amount_off
        if cap is not UNSET:
            field_dict["cap"] = cap
        if max_repeats is not UNSET:
            field_dict["max_repeats"] = max_repeats
        if percent_off is not UNSET:
            field_dict["percent_off"] = percent_off
        if repeat is not UNSET:
            field_dict["repeat"] = repeat
        if threshold is not UNSET:
            field_dict["threshold"] = threshold

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        coupon_id = d.pop("coupon_id")

        funded_by = Funder(d.pop("funded_by"))

        kind = CouponKind(d.pop("kind"))

        def _parse_amount_off(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        amount_off = _parse_amount_off(d.pop("amount_off", UNSET))

        def _parse_cap(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        cap = _parse_cap(d.pop("cap", UNSET))

        def _parse_max_repeats(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        max_repeats = _parse_max_repeats(d.pop("max_repeats", UNSET))

        def _parse_percent_off(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        percent_off = _parse_percent_off(d.pop("percent_off", UNSET))

        repeat = d.pop("repeat", UNSET)

        def _parse_threshold(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        threshold = _parse_threshold(d.pop("threshold", UNSET))

        coupon_request = cls(
            coupon_id=coupon_id,
            funded_by=funded_by,
            kind=kind,
            amount_off=amount_off,
            cap=cap,
            max_repeats=max_repeats,
            percent_off=percent_off,
            repeat=repeat,
            threshold=threshold,
        )

        return coupon_request
