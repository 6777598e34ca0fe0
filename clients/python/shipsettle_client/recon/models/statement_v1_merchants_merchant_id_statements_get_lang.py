from enum import StrEnum


class StatementV1MerchantsMerchantIdStatementsGetLang(StrEnum):
    EN = "en"
    ZH = "zh"

    def __str__(self) -> str:
        return str(self.value)
