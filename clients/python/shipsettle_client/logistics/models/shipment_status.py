from enum import StrEnum


class ShipmentStatus(StrEnum):
    DELIVERED = "delivered"
    DISPATCHED = "dispatched"
    EXCEPTION = "exception"
    FAILED_ATTEMPT = "failed_attempt"
    INFO_RECEIVED = "info_received"
    IN_TRANSIT = "in_transit"
    LOST = "lost"
    OUT_FOR_DELIVERY = "out_for_delivery"
    RETURNED_TO_SENDER = "returned_to_sender"
    SIGNED_OFF = "signed_off"

    def __str__(self) -> str:
        return str(self.value)
