from enum import StrEnum


class BalanceCreditBodyOutcome(StrEnum):
    CREDITED = "credited"
    DECLINED = "declined"

    def __str__(self) -> str:
        return str(self.value)
