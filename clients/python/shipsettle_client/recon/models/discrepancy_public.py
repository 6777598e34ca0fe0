from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.discrepancy_public_history_item import DiscrepancyPublicHistoryItem
    from ..models.discrepancy_public_ours_type_0 import DiscrepancyPublicOursType0
    from ..models.discrepancy_public_resolution_type_0 import (
        DiscrepancyPublicResolutionType0,
    )
    from ..models.discrepancy_public_theirs_type_0 import DiscrepancyPublicTheirsType0


T = TypeVar("T", bound="DiscrepancyPublic")


@_attrs_define
class DiscrepancyPublic:
    """
    Attributes:
        created_at (datetime.datetime):
        discrepancy_id (str):
        history (list[DiscrepancyPublicHistoryItem]): who moved it, when, and how
        import_id (str):
        merchant_id (None | str):
        ours (DiscrepancyPublicOursType0 | None):
        reference (None | str):
        resolution (DiscrepancyPublicResolutionType0 | None):
        status (str): open, investigating, resolved or written_off
        theirs (DiscrepancyPublicTheirsType0 | None):
        type_ (str): missing_on_our_side, missing_on_their_side, amount_differs, status_differs, duplicate, ...
    """

    created_at: datetime.datetime
    discrepancy_id: str
    history: list[DiscrepancyPublicHistoryItem]
    import_id: str
    merchant_id: None | str
    ours: DiscrepancyPublicOursType0 | None
    reference: None | str
    resolution: DiscrepancyPublicResolutionType0 | None
    status: str
    theirs: DiscrepancyPublicTheirsType0 | None
    type_: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.discrepancy_public_ours_type_0 import DiscrepancyPublicOursType0  # noqa: PLC0415
        from ..models.discrepancy_public_resolution_type_0 import (
            DiscrepancyPublicResolutionType0,  # noqa: PLC0415
        )
        from ..models.discrepancy_public_theirs_type_0 import (
            DiscrepancyPublicTheirsType0,  # noqa: PLC0415
        )

        created_at = self.created_at.isoformat()

        discrepancy_id = self.discrepancy_id

        history = []
        for history_item_data in self.history:
            history_item = history_item_data.to_dict()
            history.append(history_item)

        import_id = self.import_id

        merchant_id: None | str
        merchant_id = self.merchant_id

        ours: dict[str, Any] | None
        if isinstance(self.ours, DiscrepancyPublicOursType0):
            ours = self.ours.to_dict()
        else:
            ours = self.ours

        reference: None | str
        reference = self.reference

        resolution: dict[str, Any] | None
        if isinstance(self.resolution, DiscrepancyPublicResolutionType0):
            resolution = self.resolution.to_dict()
        else:
            resolution = self.resolution

        status = self.status

        theirs: dict[str, Any] | None
        if isinstance(self.theirs, DiscrepancyPublicTheirsType0):
            theirs = self.theirs.to_dict()
        else:
            theirs = self.theirs

        type_ = self.type_

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "created_at": created_at,
                "discrepancy_id": discrepancy_id,
                "history": history,
                "import_id": import_id,
                "merchant_id": merchant_id,
                "ours": ours,
                "reference": reference,
                "resolution": resolution,
                "status": status,
                "theirs": theirs,
                "type": type_,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.discrepancy_public_history_item import (
            DiscrepancyPublicHistoryItem,  # noqa: PLC0415
        )
        from ..models.discrepancy_public_ours_type_0 import DiscrepancyPublicOursType0  # noqa: PLC0415
        from ..models.discrepancy_public_resolution_type_0 import (
            DiscrepancyPublicResolutionType0,  # noqa: PLC0415
        )
        from ..models.discrepancy_public_theirs_type_0 import (
            DiscrepancyPublicTheirsType0,  # noqa: PLC0415
        )

        d = dict(src_dict)
        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        discrepancy_id = d.pop("discrepancy_id")

        history = []
        _history = d.pop("history")
        for history_item_data in _history:
            history_item = DiscrepancyPublicHistoryItem.from_dict(history_item_data)

            history.append(history_item)

        import_id = d.pop("import_id")

        def _parse_merchant_id(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        merchant_id = _parse_merchant_id(d.pop("merchant_id"))

        def _parse_ours(data: object) -> DiscrepancyPublicOursType0 | None:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                ours_type_0 = DiscrepancyPublicOursType0.from_dict(data)

                return ours_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(DiscrepancyPublicOursType0 | None, data)

        ours = _parse_ours(d.pop("ours"))

        def _parse_reference(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        reference = _parse_reference(d.pop("reference"))

        def _parse_resolution(data: object) -> DiscrepancyPublicResolutionType0 | None:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                resolution_type_0 = DiscrepancyPublicResolutionType0.from_dict(data)

                return resolution_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(DiscrepancyPublicResolutionType0 | None, data)

        resolution = _parse_resolution(d.pop("resolution"))

        status = d.pop("status")

        def _parse_theirs(data: object) -> DiscrepancyPublicTheirsType0 | None:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                theirs_type_0 = DiscrepancyPublicTheirsType0.from_dict(data)

                return theirs_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(DiscrepancyPublicTheirsType0 | None, data)

        theirs = _parse_theirs(d.pop("theirs"))

        type_ = d.pop("type")

        discrepancy_public = cls(
            created_at=created_at,
            discrepancy_id=discrepancy_id,
            history=history,
            import_id=import_id,
            merchant_id=merchant_id,
            ours=ours,
            reference=reference,
            resolution=resolution,
            status=status,
            theirs=theirs,
            type_=type_,
        )

        discrepancy_public.additional_properties = d
        return discrepancy_public

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
