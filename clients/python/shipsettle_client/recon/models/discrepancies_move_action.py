from enum import StrEnum


class DiscrepanciesMoveAction(StrEnum):
    INVESTIGATE = "investigate"
    RESOLVE = "resolve"
    WRITE_OFF = "write-off"

    def __str__(self) -> str:
        return str(self.value)
