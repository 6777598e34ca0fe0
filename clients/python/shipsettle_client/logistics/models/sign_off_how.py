from enum import StrEnum


class SignOffHow(StrEnum):
    AUTO_CONFIRMED = "auto_confirmed"
    BUYER_CONFIRMED = "buyer_confirmed"

    def __str__(self) -> str:
        return str(self.value)
