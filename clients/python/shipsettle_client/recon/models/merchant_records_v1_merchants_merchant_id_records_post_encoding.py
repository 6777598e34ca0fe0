from enum import StrEnum


class MerchantRecordsV1MerchantsMerchantIdRecordsPostEncoding(StrEnum):
    GBK = "gbk"
    UTF_8 = "utf-8"

    def __str__(self) -> str:
        return str(self.value)
