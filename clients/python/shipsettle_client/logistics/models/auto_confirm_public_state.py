from enum import StrEnum


class AutoConfirmPublicState(StrEnum):
    AWAITING_DELIVERY = "awaiting_delivery"
    HELD_FOR_OPS = "held_for_ops"
    NEVER = "never"
    PAUSED = "paused"
    SCHEDULED = "scheduled"
    SIGNED_OFF = "signed_off"

    def __str__(self) -> str:
        return str(self.value)
