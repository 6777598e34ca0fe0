from enum import StrEnum


class SetAggregatorSecretV1WebhookSourcesSourceSecretPutSource(StrEnum):
    AFTERSHIP = "aftership"
    KUAIDI100 = "kuaidi100"

    def __str__(self) -> str:
        return str(self.value)
