from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="KeptHead")


@_attrs_define
class KeptHead:
    """The head of a chain recon kept last (recon-svc's ``GET /v1/audit/heads/{chain}``).

    Attributes:
        chain (str):
        discontinuous_at (int | None): the row of the first head whose anchor hash differed from the head recon had kept
            there (the chain was changed under a published head); null when every head continued the last
        head_at (datetime.datetime):
        heads_received (int): how many heads of this chain recon has kept
        received_at (datetime.datetime):
        row_hash (str):
        seq (int):
    """

    chain: str
    discontinuous_at: int | None
    head_at: datetime.datetime
    heads_received: int
    received_at: datetime.datetime
    row_hash: str
    seq: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        chain = self.chain

        discontinuous_at: int | None
        discontinuous_at = self.discontinuous_at

        head_at = self.head_at.isoformat()

        heads_received = self.heads_received

        received_at = self.received_at.isoformat()

        row_hash = self.row_hash

        seq = self.seq

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "chain": chain,
                "discontinuous_at": discontinuous_at,
                "head_at": head_at,
                "heads_received": heads_received,
                "received_at": received_at,
                "row_hash": row_hash,
                "seq": seq,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        chain = d.pop("chain")

        def _parse_discontinuous_at(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        discontinuous_at = _parse_discontinuous_at(d.pop("discontinuous_at"))

        head_at = datetime.datetime.fromisoformat(d.pop("head_at"))

        heads_received = d.pop("heads_received")

        received_at = datetime.datetime.fromisoformat(d.pop("received_at"))

        row_hash = d.pop("row_hash")

        seq = d.pop("seq")

        kept_head = cls(
            chain=chain,
            discontinuous_at=discontinuous_at,
            head_at=head_at,
            heads_received=heads_received,
            received_at=received_at,
            row_hash=row_hash,
            seq=seq,
        )

        kept_head.additional_properties = d
        return kept_head

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
