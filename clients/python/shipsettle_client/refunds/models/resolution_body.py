from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..models.resolution_kind import ResolutionKind
from ..types import UNSET, Unset

T = TypeVar("T", bound="ResolutionBody")


@_attrs_define
class ResolutionBody:
    """
    Attributes:
        how (ResolutionKind):
        reason (str): why, for the record
        account (None | str | Unset): other_channel: the buyer's account on that channel (not for balance)
        channel (None | str | Unset): other_channel: wechat_pay, alipay, unionpay, bank_card or balance
        reference (None | str | Unset): refunded_offline: the transfer's reference
    """

    how: ResolutionKind
    reason: str
    account: None | str | Unset = UNSET
    channel: None | str | Unset = UNSET
    reference: None | str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        how = self.how.value

        reason = self.reason

        account: None | str | Unset
        if isinstance(self.account, Unset):
            account = UNSET
        else:
            account = self.account

        channel: None | str | Unset
        if isinstance(self.channel, Unset):
            channel = UNSET
        else:
            channel = self.channel

        reference: None | str | Unset
        if isinstance(self.reference, Unset):
            reference = UNSET
        else:
            reference = self.reference

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "how": how,
                "reason": reason,
            }
        )
        if account is not UNSET:
            field_dict["account"] = account
        if channel is not UNSET:
            field_dict["channel"] = channel
        if reference is not UNSET:
            field_dict["reference"] = reference

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        how = ResolutionKind(d.pop("how"))

        reason = d.pop("reason")

        def _parse_account(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        account = _parse_account(d.pop("account", UNSET))

        def _parse_channel(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        channel = _parse_channel(d.pop("channel", UNSET))

        def _parse_reference(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        reference = _parse_reference(d.pop("reference", UNSET))

        resolution_body = cls(
            how=how,
            reason=reason,
            account=account,
            channel=channel,
            reference=reference,
        )

        return resolution_body
