from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.audit_verification_head_check import AuditVerificationHeadCheck

if TYPE_CHECKING:
    from ..models.chain_break_public import ChainBreakPublic
    from ..models.chain_point import ChainPoint
    from ..models.kept_head import KeptHead


T = TypeVar("T", bound="AuditVerification")


@_attrs_define
class AuditVerification:
    """
    Attributes:
        chain (str): <service>:<database>
        first_break (ChainBreakPublic | None):
        head_check (AuditVerificationHeadCheck): against recon's last kept head: matched; mismatched (first_break says
            how); none_published yet; recon unavailable (the local chain alone was checked); not_reached (a break was found
            before the head)
        intact (bool): no broken link, and the head recon kept (if reachable) matches
        published_head (KeptHead | None):
        rows_checked (int):
        tail (ChainPoint | None): the chain's last row; null when it is empty
    """

    chain: str
    first_break: ChainBreakPublic | None
    head_check: AuditVerificationHeadCheck
    intact: bool
    published_head: KeptHead | None
    rows_checked: int
    tail: ChainPoint | None
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.chain_break_public import ChainBreakPublic  # noqa: PLC0415
        from ..models.chain_point import ChainPoint  # noqa: PLC0415
        from ..models.kept_head import KeptHead  # noqa: PLC0415

        chain = self.chain

        first_break: dict[str, Any] | None
        if isinstance(self.first_break, ChainBreakPublic):
            first_break = self.first_break.to_dict()
        else:
            first_break = self.first_break

        head_check = self.head_check.value

        intact = self.intact

        published_head: dict[str, Any] | None
        if isinstance(self.published_head, KeptHead):
            published_head = self.published_head.to_dict()
        else:
            published_head = self.published_head

        rows_checked = self.rows_checked

        tail: dict[str, Any] | None
        if isinstance(self.tail, ChainPoint):
            tail = self.tail.to_dict()
        else:
            tail = self.tail

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "chain": chain,
                "first_break": first_break,
                "head_check": head_check,
                "intact": intact,
                "published_head": published_head,
                "rows_checked": rows_checked,
                "tail": tail,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.chain_break_public import ChainBreakPublic  # noqa: PLC0415
        from ..models.chain_point import ChainPoint  # noqa: PLC0415
        from ..models.kept_head import KeptHead  # noqa: PLC0415

        d = dict(src_dict)
        chain = d.pop("chain")

        def _parse_first_break(data: object) -> ChainBreakPublic | None:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                first_break_type_0 = ChainBreakPublic.from_dict(data)

                return first_break_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(ChainBreakPublic | None, data)

        first_break = _parse_first_break(d.pop("first_break"))

        head_check = AuditVerificationHeadCheck(d.pop("head_check"))

        intact = d.pop("intact")

        def _parse_published_head(data: object) -> KeptHead | None:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                published_head_type_0 = KeptHead.from_dict(data)

                return published_head_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(KeptHead | None, data)

        published_head = _parse_published_head(d.pop("published_head"))

        rows_checked = d.pop("rows_checked")

        def _parse_tail(data: object) -> ChainPoint | None:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                tail_type_0 = ChainPoint.from_dict(data)

                return tail_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(ChainPoint | None, data)

        tail = _parse_tail(d.pop("tail"))

        audit_verification = cls(
            chain=chain,
            first_break=first_break,
            head_check=head_check,
            intact=intact,
            published_head=published_head,
            rows_checked=rows_checked,
            tail=tail,
        )

        audit_verification.additional_properties = d
        return audit_verification

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
