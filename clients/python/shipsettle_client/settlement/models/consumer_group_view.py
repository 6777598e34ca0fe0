from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="ConsumerGroupView")


@_attrs_define
class ConsumerGroupView:
    """
    Attributes:
        dead_lettered_share (float): share of recent events dead-lettered (4 decimals)
        group (str):
        halted (bool):
        halted_because (None | str):
        topics (list[str]):
    """

    dead_lettered_share: float
    group: str
    halted: bool
    halted_because: None | str
    topics: list[str]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        dead_lettered_share = self.dead_lettered_share

        group = self.group

        halted = self.halted

        halted_because: None | str
        halted_because = self.halted_because

        topics = self.topics

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "dead_lettered_share": dead_lettered_share,
                "group": group,
                "halted": halted,
                "halted_because": halted_because,
                "topics": topics,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        dead_lettered_share = d.pop("dead_lettered_share")

        group = d.pop("group")

        halted = d.pop("halted")

        def _parse_halted_because(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        halted_because = _parse_halted_because(d.pop("halted_because"))

        topics = cast(list[str], d.pop("topics"))

        consumer_group_view = cls(
            dead_lettered_share=dead_lettered_share,
            group=group,
            halted=halted,
            halted_because=halted_because,
            topics=topics,
        )

        consumer_group_view.additional_properties = d
        return consumer_group_view

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
