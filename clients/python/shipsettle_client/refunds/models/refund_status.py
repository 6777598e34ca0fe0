from enum import StrEnum


class RefundStatus(StrEnum):
    AWAITING_INSPECTION = "awaiting_inspection"
    AWAITING_RETURN = "awaiting_return"
    CLOSED = "closed"
    COMPLETED = "completed"
    ESCALATED = "escalated"
    REFUNDING = "refunding"
    REFUND_FAILED = "refund_failed"
    REJECTED = "rejected"
    REQUESTED = "requested"
    RETURN_IN_TRANSIT = "return_in_transit"

    def __str__(self) -> str:
        return str(self.value)
