from enum import StrEnum


class AccountType(StrEnum):
    CARD = "card"
    CORPORATE = "corporate"

    def __str__(self) -> str:
        return str(self.value)
