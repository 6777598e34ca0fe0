from enum import StrEnum


class TaxReportV1MerchantsMerchantIdTaxReportGetLang(StrEnum):
    EN = "en"
    ZH = "zh"

    def __str__(self) -> str:
        return str(self.value)
