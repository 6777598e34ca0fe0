from enum import StrEnum


class OrderStatus(StrEnum):
    CANCELLED = "cancelled"
    CONFIRMED = "confirmed"
    DISPATCHED = "dispatched"
    PARTIALLY_DISPATCHED = "partially_dispatched"
    PLACED = "placed"

    def __str__(self) -> str:
        return str(self.value)
