from enum import StrEnum


class WebhookSourcesSetSecretSource(StrEnum):
    AFTERSHIP = "aftership"
    KUAIDI100 = "kuaidi100"

    def __str__(self) -> str:
        return str(self.value)
