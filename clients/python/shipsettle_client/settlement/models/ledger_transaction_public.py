from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.posting_public import PostingPublic


T = TypeVar("T", bound="LedgerTransactionPublic")


@_attrs_define
class LedgerTransactionPublic:
    """
    Attributes:
        caused_by_event_id (None | str):
        created_at (datetime.datetime):
        description (str):
        kind (str):
        order_id (None | str):
        postings (list[PostingPublic]):
        tx_key (str):
    """

    caused_by_event_id: None | str
    created_at: datetime.datetime
    description: str
    kind: str
    order_id: None | str
    postings: list[PostingPublic]
    tx_key: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        caused_by_event_id: None | str
        caused_by_event_id = self.caused_by_event_id

        created_at = self.created_at.isoformat()

        description = self.description

        kind = self.kind

        order_id: None | str
        order_id = self.order_id

        postings = []
        for postings_item_data in self.postings:
            postings_item = postings_item_data.to_dict()
            postings.append(postings_item)

        tx_key = self.tx_key

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "caused_by_event_id": caused_by_event_id,
                "created_at": created_at,
                "description": description,
                "kind": kind,
                "order_id": order_id,
                "postings": postings,
                "tx_key": tx_key,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.posting_public import PostingPublic  # noqa: PLC0415

        d = dict(src_dict)

        def _parse_caused_by_event_id(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        caused_by_event_id = _parse_caused_by_event_id(d.pop("caused_by_event_id"))

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        description = d.pop("description")

        kind = d.pop("kind")

        def _parse_order_id(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        order_id = _parse_order_id(d.pop("order_id"))

        postings = []
        _postings = d.pop("postings")
        for postings_item_data in _postings:
            postings_item = PostingPublic.from_dict(postings_item_data)

            postings.append(postings_item)

        tx_key = d.pop("tx_key")

        ledger_transaction_public = cls(
            caused_by_event_id=caused_by_event_id,
            created_at=created_at,
            description=description,
            kind=kind,
            order_id=order_id,
            postings=postings,
            tx_key=tx_key,
        )

        ledger_transaction_public.additional_properties = d
        return ledger_transaction_public

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
