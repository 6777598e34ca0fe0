from enum import StrEnum


class DecideV1SettlementApplicationsApplicationIdDecisionPostDecision(StrEnum):
    APPROVE = "approve"
    REJECT = "reject"

    def __str__(self) -> str:
        return str(self.value)
