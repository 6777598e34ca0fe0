from enum import StrEnum


class PaymentRequestChannel(StrEnum):
    ALIPAY = "alipay"
    BALANCE = "balance"
    BANK_CARD = "bank_card"
    UNIONPAY = "unionpay"
    WECHAT_PAY = "wechat_pay"

    def __str__(self) -> str:
        return str(self.value)
