from enum import StrEnum


class Role(StrEnum):
    AUDITOR = "auditor"
    CARRIER = "carrier"
    MERCHANT = "merchant"
    OPS = "ops"
    PLATFORM = "platform"

    def __str__(self) -> str:
        return str(self.value)
