from enum import StrEnum


class MoveV1DiscrepanciesDiscrepancyIdActionPostAction(StrEnum):
    INVESTIGATE = "investigate"
    RESOLVE = "resolve"
    WRITE_OFF = "write-off"

    def __str__(self) -> str:
        return str(self.value)
