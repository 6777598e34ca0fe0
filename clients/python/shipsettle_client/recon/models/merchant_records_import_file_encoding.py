from enum import StrEnum


class MerchantRecordsImportFileEncoding(StrEnum):
    GBK = "gbk"
    UTF_8 = "utf-8"

    def __str__(self) -> str:
        return str(self.value)
