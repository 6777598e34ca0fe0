from enum import StrEnum


class Funder(StrEnum):
    MERCHANT = "merchant"
    PLATFORM = "platform"

    def __str__(self) -> str:
        return str(self.value)
