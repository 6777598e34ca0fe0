from enum import StrEnum


class RefundKind(StrEnum):
    CANCELLATION = "cancellation"
    REFUND_ONLY = "refund_only"
    RETURN_AND_REFUND = "return_and_refund"

    def __str__(self) -> str:
        return str(self.value)
