from enum import StrEnum


class DiscrepanciesListStatusType0(StrEnum):
    INVESTIGATING = "investigating"
    OPEN = "open"
    RESOLVED = "resolved"
    WRITTEN_OFF = "written_off"

    def __str__(self) -> str:
        return str(self.value)
