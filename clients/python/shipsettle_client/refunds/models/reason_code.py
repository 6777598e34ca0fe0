from enum import StrEnum


class ReasonCode(StrEnum):
    CANCELLED = "cancelled"
    DAMAGED = "damaged"
    NOT_RECEIVED = "not_received"
    NO_REASON = "no_reason"
    OTHER = "other"
    QUALITY = "quality"
    WRONG_ITEM = "wrong_item"

    def __str__(self) -> str:
        return str(self.value)
