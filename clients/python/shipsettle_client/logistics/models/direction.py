from enum import StrEnum


class Direction(StrEnum):
    OUTBOUND = "outbound"
    RETURN = "return"

    def __str__(self) -> str:
        return str(self.value)
