from enum import StrEnum


class OrderStage(StrEnum):
    CANCELLED = "cancelled"
    CONFIRMED = "confirmed"
    DELIVERED = "delivered"
    DISPATCHED = "dispatched"
    PARTIALLY_DISPATCHED = "partially_dispatched"
    PLACED = "placed"

    def __str__(self) -> str:
        return str(self.value)
