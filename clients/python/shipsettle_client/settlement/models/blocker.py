from enum import StrEnum


class Blocker(StrEnum):
    APPLICATION_NOT_SUBMITTED = "application_not_submitted"
    IN_HOLD_UNTIL = "in_hold_until"
    IN_REVIEW = "in_review"
    NOT_CONFIRMED = "not_confirmed"
    NOT_DELIVERED = "not_delivered"
    NOT_DISPATCHED = "not_dispatched"
    NO_TRACKING_NUMBER = "no_tracking_number"
    PAID_OUT = "paid_out"
    PAYOUT_FAILED = "payout_failed"
    REFUNDED = "refunded"
    REFUND_OPEN = "refund_open"
    TRACKING_UNDER_REVIEW = "tracking_under_review"
    WAITING_FOR_SIGN_OFF = "waiting_for_sign_off"

    def __str__(self) -> str:
        return str(self.value)
