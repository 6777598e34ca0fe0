from enum import StrEnum


class GoodsShippedReportV1MerchantsMerchantIdGoodsShippedReportGetLang(StrEnum):
    EN = "en"
    ZH = "zh"

    def __str__(self) -> str:
        return str(self.value)
