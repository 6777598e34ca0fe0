"""Statement files built by hand from the vendors' documented formats (/work/shared/formats/):
camt.053 documents, WeChat Pay trade bills and Alipay 业务明细 bills, for the recon unit and
end-to-end tests."""

from __future__ import annotations

from datetime import date, timedelta


def camt053(
    entries: list[str],
    *,
    opening: str,
    closing: str,
    version: str = "02",
    statement_id: str = "STMT-20261127",
    account: str = "6222000000000000001",
    period: tuple[str, str] | None = ("2026-11-27T00:00:00+08:00", "2026-11-27T23:59:59+08:00"),
) -> bytes:
    """A camt.053 document as formats/camt053/README.md "Structure and rules" lays it out; its
    ``FrToDt`` is ``period`` (both ends inclusive), left out when None."""
    from_to = f"<FrToDt><FrDtTm>{period[0]}</FrDtTm><ToDtTm>{period[1]}</ToDtTm></FrToDt>" if period else ""
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.{version}">
  <BkToCstmrStmt>
    <GrpHdr><MsgId>MSG-{statement_id}</MsgId><CreDtTm>2026-11-27T23:00:00+08:00</CreDtTm></GrpHdr>
    <Stmt>
      <Id>{statement_id}</Id>
      <CreDtTm>2026-11-27T23:00:00+08:00</CreDtTm>
      {from_to}
      <Acct><Id><Othr><Id>{account}</Id></Othr></Id><Ccy>CNY</Ccy></Acct>
      <Bal><Tp><CdOrPrtry><Cd>OPBD</Cd></CdOrPrtry></Tp><Amt Ccy="CNY">{opening}</Amt><CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>2026-11-27</Dt></Dt></Bal>
      <Bal><Tp><CdOrPrtry><Cd>CLBD</Cd></CdOrPrtry></Tp><Amt Ccy="CNY">{closing}</Amt><CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>2026-11-27</Dt></Dt></Bal>
      {"".join(entries)}
    </Stmt>
  </BkToCstmrStmt>
</Document>
""".encode()


def payout_entry(amount: str, payout_id: str, provider_reference: str, booked: str, *, status: str = "BOOK") -> str:
    """An executed payout: DBIT, PMNT/ICDT/DMCT, EndToEndId = our payout id (.02: no TxDtls/Amt)."""
    return f"""
      <Ntry>
        <Amt Ccy="CNY">{amount}</Amt><CdtDbtInd>DBIT</CdtDbtInd><Sts>{status}</Sts>
        <BookgDt><DtTm>{booked}</DtTm></BookgDt><ValDt><Dt>{booked[:10]}</Dt></ValDt>
        <AcctSvcrRef>{provider_reference}</AcctSvcrRef>
        <BkTxCd><Domn><Cd>PMNT</Cd><Fmly><Cd>ICDT</Cd><SubFmlyCd>DMCT</SubFmlyCd></Fmly></Domn></BkTxCd>
        <NtryDtls><TxDtls>
          <Refs><AcctSvcrRef>{provider_reference}</AcctSvcrRef><EndToEndId>{payout_id}</EndToEndId></Refs>
          <AmtDtls><TxAmt><Amt Ccy="CNY">{amount}</Amt></TxAmt></AmtDtls>
          <RltdPties><Cdtr><Nm>杭州小店</Nm></Cdtr></RltdPties>
          <RmtInf><Ustrd>ShipSettle payout {payout_id}</Ustrd></RmtInf>
        </TxDtls></NtryDtls>
      </Ntry>"""


def return_entry(amount: str, payout_id: str, provider_reference: str, booked: str) -> str:
    """A returned payout: CRDT, PMNT/ICDT/RRTN, RtrInf, the merchant as debtor."""
    return f"""
      <Ntry>
        <Amt Ccy="CNY">{amount}</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts>
        <BookgDt><DtTm>{booked}</DtTm></BookgDt>
        <AcctSvcrRef>{provider_reference}-RTN</AcctSvcrRef>
        <BkTxCd><Domn><Cd>PMNT</Cd><Fmly><Cd>ICDT</Cd><SubFmlyCd>RRTN</SubFmlyCd></Fmly></Domn></BkTxCd>
        <NtryDtls><TxDtls>
          <Refs><AcctSvcrRef>{provider_reference}-RTN</AcctSvcrRef><EndToEndId>{payout_id}</EndToEndId><TxId>{provider_reference}</TxId></Refs>
          <RltdPties><Dbtr><Nm>杭州小店</Nm></Dbtr></RltdPties>
          <RtrInf><Rsn><Cd>AC04</Cd></Rsn><AddtlInf>beneficiary account closed</AddtlInf></RtrInf>
        </TxDtls></NtryDtls>
      </Ntry>"""


WECHAT_HEADER = (
    "交易时间,公众账号ID,商户号,特约商户号,设备号,微信订单号,商户订单号,用户标识,交易类型,交易状态,付款银行,货币种类,"
    "应结订单金额,代金券金额,微信退款单号,商户退款单号,退款金额,充值券退款金额,退款类型,退款状态,商品名称,商户数据包,"
    "手续费,费率,订单金额,申请退款金额,费率备注"
)
WECHAT_SUMMARY_HEADER = "总交易单数,应结订单总金额,退款总金额,充值券退款总金额,手续费总金额,订单总金额,申请退款总金额"


def wechat_row(
    at: str, wechat_order: str, order: str, status: str, amount: str, *, refund: tuple[str, str, str] | None = None
) -> str:
    """A 2018+ ALL detail row (formats/wechat/README.md "Header layouts"): every field backticked."""
    wechat_refund, refund_id, refund_amount = refund or ("0", "0", "0.00")
    fields = [
        at, "wx2421b1c4370ec43b", "1900000109", "0", "", wechat_order, order, "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o",
        "JSAPI", status, "CMB_DEBIT", "CNY", amount if status == "SUCCESS" else "0.00", "0.00",
        wechat_refund, refund_id, refund_amount, "0.00", "ORIGINAL" if refund else "", "SUCCESS" if refund else "",
        "女装 连衣裙", "", "0.00360", "0.60%", amount, refund_amount, "",
    ]  # fmt: skip
    return ",".join("`" + field for field in fields)


def wechat_bill(rows: list[str], summary: str) -> bytes:
    return ("\n".join([WECHAT_HEADER, *rows, WECHAT_SUMMARY_HEADER, summary]) + "\n").encode()


ALIPAY_HEADER = (
    "支付宝交易号,商户订单号,业务类型,商品名称,创建时间,完成时间,门店编号,门店名称,操作员,终端号,对方账户,"
    "订单金额（元）,商家实收（元）,支付宝红包（元）,集分宝（元）,支付宝优惠（元）,商家优惠（元）,券核销金额（元）,"
    "券名称,商家红包消费金额（元）,卡消费金额（元）,退款批次号/请求号,服务费（元）,分润（元）,备注"
)


def alipay_row(
    trade_no: str, order: str, business_type: str, created: str, finished: str, amount: str, *, refund_request: str = ""
) -> str:
    """A 业务明细 row (formats/alipay/README.md "业务明细 (trade) layout"): 25 fields, the id-like
    ones with Alipay's trailing TAB; a refund (退款) repeats the order's ids with a negative amount."""
    fields = [
        f"{trade_no}\t", f"{order}\t", f"{business_type}\t", "杯子", created, finished, "\t", "\t", "\t", "\t",
        "*三(138***@qq.com)\t", amount, amount, "0.00", "0.00", "0.00", "0.00", "0.00", "", "0.00\t", "0.00",
        f"{refund_request}\t", "0.00", "0.00", "",
    ]  # fmt: skip
    return ",".join(fields)


def alipay_bill(
    day: date, rows: list[str], *, trades: tuple[int, str], refunds: tuple[int, str] = (0, "0.00")
) -> bytes:
    """A daily 业务明细 bill in GBK, as Alipay serves it: the preamble declares the day (终止日期 is
    00:00:00 of the next day, exclusive), the footer states the trades' and refunds' count and total."""
    end = day + timedelta(days=1)
    lines = [
        "#支付宝业务明细查询",
        "#账号：[20880211096256330156]",
        f"#起始日期：[{day:%Y年%m月%d日} 00:00:00]   终止日期：[{end:%Y年%m月%d日} 00:00:00]",
        "#-----------------------------------------业务明细列表----------------------------------------",
        ALIPAY_HEADER,
        *rows,
        "#-----------------------------------------业务明细列表结束------------------------------------",
        f"#交易合计：{trades[0]}笔，商家实收共{trades[1]}元，商家优惠共0.00元",
        f"#退款合计：{refunds[0]}笔，商家实收退款共{refunds[1]}元，商家优惠退款共0.00元",
        f"#导出时间：[{end:%Y年%m月%d日} 09:12:30]",
    ]
    return ("\n".join(lines) + "\n").encode("gbk")
