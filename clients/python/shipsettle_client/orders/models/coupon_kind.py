from enum import StrEnum


class CouponKind(StrEnum):
    FIXED = "fixed"
    PERCENTAGE = "percentage"
    THRESHOLD = "threshold"

    def __str__(self) -> str:
        return str(self.value)
