from enum import StrEnum


class ParkedScansReason(StrEnum):
    ANOTHER_CARRIER_HOLDS_THE_NUMBER = "another-carrier-holds-the-number"
    CARRIER_UNKNOWN = "carrier-unknown"
    NO_SHIPMENT_YET = "no-shipment-yet"

    def __str__(self) -> str:
        return str(self.value)
