from enum import StrEnum


class BodyVouchersUploadKind(StrEnum):
    INVOICE = "invoice"
    LOGISTICS_DOCUMENT = "logistics_document"

    def __str__(self) -> str:
        return str(self.value)
