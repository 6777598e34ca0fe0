from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.statement_import_public_report import StatementImportPublicReport


T = TypeVar("T", bound="StatementImportPublic")


@_attrs_define
class StatementImportPublic:
    """
    Attributes:
        document_id (None | str):
        entries (int):
        import_id (str):
        imported_at (datetime.datetime):
        imported_by (str):
        matched (int):
        period_end (datetime.datetime | None):
        period_start (datetime.datetime | None):
        report (StatementImportPublicReport): the matching's counts and what it could not match
        sha256 (str):
        source (str):
    """

    document_id: None | str
    entries: int
    import_id: str
    imported_at: datetime.datetime
    imported_by: str
    matched: int
    period_end: datetime.datetime | None
    period_start: datetime.datetime | None
    report: StatementImportPublicReport
    sha256: str
    source: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        document_id: None | str
        document_id = self.document_id

        entries = self.entries

        import_id = self.import_id

        imported_at = self.imported_at.isoformat()

        imported_by = self.imported_by

        matched = self.matched

        period_end: None | str
        if isinstance(self.period_end, datetime.datetime):
            period_end = self.period_end.isoformat()
        else:
            period_end = self.period_end

        period_start: None | str
        if isinstance(self.period_start, datetime.datetime):
            period_start = self.period_start.isoformat()
        else:
            period_start = self.period_start

        report = self.report.to_dict()

        sha256 = self.sha256

        source = self.source

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "document_id": document_id,
                "entries": entries,
                "import_id": import_id,
                "imported_at": imported_at,
                "imported_by": imported_by,
                "matched": matched,
                "period_end": period_end,
                "period_start": period_start,
                "report": report,
                "sha256": sha256,
                "source": source,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.statement_import_public_report import StatementImportPublicReport  # noqa: PLC0415

        d = dict(src_dict)

        def _parse_document_id(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        document_id = _parse_document_id(d.pop("document_id"))

        entries = d.pop("entries")

        import_id = d.pop("import_id")

        imported_at = datetime.datetime.fromisoformat(d.pop("imported_at"))

        imported_by = d.pop("imported_by")

        matched = d.pop("matched")

        def _parse_period_end(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                period_end_type_0 = datetime.datetime.fromisoformat(data)

                return period_end_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        period_end = _parse_period_end(d.pop("period_end"))

        def _parse_period_start(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                period_start_type_0 = datetime.datetime.fromisoformat(data)

                return period_start_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        period_start = _parse_period_start(d.pop("period_start"))

        report = StatementImportPublicReport.from_dict(d.pop("report"))

        sha256 = d.pop("sha256")

        source = d.pop("source")

        statement_import_public = cls(
            document_id=document_id,
            entries=entries,
            import_id=import_id,
            imported_at=imported_at,
            imported_by=imported_by,
            matched=matched,
            period_end=period_end,
            period_start=period_start,
            report=report,
            sha256=sha256,
            source=source,
        )

        statement_import_public.additional_properties = d
        return statement_import_public

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
