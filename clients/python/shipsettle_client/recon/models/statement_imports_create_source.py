from enum import StrEnum


class StatementImportsCreateSource(StrEnum):
    ALIPAY_ACCOUNT_BILL = "alipay_account_bill"
    ALIPAY_TRADE_BILL = "alipay_trade_bill"
    CAMT053 = "camt053"
    SANDBOX_REFUNDS = "sandbox_refunds"
    WECHAT_TRADE_BILL = "wechat_trade_bill"

    def __str__(self) -> str:
        return str(self.value)
