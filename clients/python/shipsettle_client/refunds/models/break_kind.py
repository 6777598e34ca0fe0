from enum import StrEnum


class BreakKind(StrEnum):
    EDITED = "edited"
    MISSING = "missing"
    RELINKED = "relinked"
    REWRITTEN = "rewritten"
    TRUNCATED = "truncated"

    def __str__(self) -> str:
        return str(self.value)
