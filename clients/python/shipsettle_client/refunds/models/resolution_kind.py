from enum import StrEnum


class ResolutionKind(StrEnum):
    CLOSED = "closed"
    OTHER_CHANNEL = "other_channel"
    REFUNDED_OFFLINE = "refunded_offline"

    def __str__(self) -> str:
        return str(self.value)
