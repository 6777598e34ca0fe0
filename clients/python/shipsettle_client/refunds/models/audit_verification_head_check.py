from enum import StrEnum


class AuditVerificationHeadCheck(StrEnum):
    MATCHED = "matched"
    MISMATCHED = "mismatched"
    NONE_PUBLISHED = "none_published"
    NOT_REACHED = "not_reached"
    UNAVAILABLE = "unavailable"

    def __str__(self) -> str:
        return str(self.value)
