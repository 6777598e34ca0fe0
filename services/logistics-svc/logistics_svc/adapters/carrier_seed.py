"""Seed data for the carrier registry: the common mainland carriers. Data only.

Tracking-number patterns and aggregator codes are taken from public sources, cited per carrier
in ``sources`` (repository@commit:path, or URL). Where a pattern is wider than what its sources
write, the comment above it says so. Patterns are matched in full, case-insensitively, after
whitespace is removed (``Carrier.validate_tracking_number``).

Some formats are shared between carriers and cannot tell them apart: 12 digits (SF's older
numbers, ZTO's older numbers), 13 digits (EMS / China Post, Yunda) and 15 digits starting 43
(STO, Yunda). A number is always validated against the carrier the merchant names.

PRICES AND PROMISED DAYS ARE ILLUSTRATIVE DEFAULTS, NOT CARRIER TARIFFS. They give the
recommendation something sensible to rank until ops replace them with the rates and service
commitments of the merchant's own contracts (协议价).

Codes, verified in the sources cited:
- Kuaidi100 ``com`` (official kuaidi100-api/kuaidi100-MCP estimate_price list): shunfeng, jd,
  zhongtong, yuantong, shentong, yunda, ems.
- AfterShip ``slug`` (AfterShip's own courier list in AfterShip/aftership-apps-woocommerce):
  sf-express, jd-express, zto-domestic, yto, sto, yundaex, china-ems.
"""

from __future__ import annotations

from logistics_svc.domain.carriers import Carrier, RateCard, ServiceLevel, Zone, ZoneRate

# --- the sources ---------------------------------------------------------------------------------

_BF_ZH = "https://github.com/BF-zh/Courier-Validation/blob/cb7411656c23d66c5fe6f591751b8e1b6a6f4332"
_BF_ZH_TESTS = f"{_BF_ZH}/test/index.test.ts (example numbers)"
_CHINAGOODS = (
    "https://github.com/phillip2019/hive-third-functions/blob/a4aa913bd438bb78aac1963b1ad26d7f2321bf87/"
    "src/main/java/com/chinagoods/bigdata/functions/logistic/UDFLogisticNoValid.java"
)
_CHINAGOODS_EARLIER = (
    "https://github.com/phillip2019/hive-third-functions/blob/2a448435bead2d2809eb04536b83ccd54af28216/"
    "src/main/java/com/chinagoods/bigdata/functions/logistic/UDFLogisticNoValid.java (example numbers)"
)
_KUAIDI100_CODES = (
    "https://github.com/kuaidi100-api/kuaidi100-MCP/blob/113f9e8b7f060525a6512321526af19dbdefc783/"
    "src/mcp_server_kuaidi100/api_mcp.py (estimate_price: kuaidi_com codes)"
)
_AFTERSHIP_SLUGS = (
    "https://github.com/AfterShip/aftership-apps-woocommerce/blob/32ee84aa80ef47acb776114b9157cacbe5cd4531/"
    "assets/js/couriers.json (AfterShip courier slugs)"
)
_S10 = (
    "https://github.com/jkeen/tracking_number_data/blob/01405b44303017cb2cfaca4e66f82e4cc7e17d9d/"
    "couriers/s10.json (UPU S10: service indicator E? = EMS, country code CN = China Post)"
)
_TRACKINGMORE_EMS_EXAMPLE = (
    "https://github.com/randellman/git_learn/blob/d3282910e4c6971eda534e81271909997807dc98/"
    "trackingmorecom/track.class.java/Test.java (TrackingMore API samples: EA152563251CN to detect, "
    "EA152563254CN created as china-ems)"
)
_SF_12_DIGITS = (
    "https://cnblogs.com/jimmiy/p/14622287.html (juhe.cn express API example: com=sf, no=575677355677, company 顺丰)"
)


def _rates(
    same_province: tuple[int, int], regional: tuple[int, int], national: tuple[int, int], remote: tuple[int, int]
) -> RateCard:
    """(首重 fen for the first 1000 g, 续重 fen per started further 1000 g) per zone."""
    return RateCard(
        rates_by_zone={
            Zone.SAME_PROVINCE: ZoneRate(*same_province),
            Zone.REGIONAL: ZoneRate(*regional),
            Zone.NATIONAL: ZoneRate(*national),
            Zone.REMOTE: ZoneRate(*remote),
        }
    )


def _days(same_province: int, regional: int, national: int, remote: int) -> dict[Zone, int]:
    return {
        Zone.SAME_PROVINCE: same_province,
        Zone.REGIONAL: regional,
        Zone.NATIONAL: national,
        Zone.REMOTE: remote,
    }


SF_EXPRESS = Carrier(
    code="SF",
    name="SF Express",
    name_zh="顺丰速运",
    # "SF" + one letter or digit + 12 digits (BF-zh SF.ts: /^SF[a-z0-9]\d{12}$/i; e.g.
    # SF1385628716739), or the older 12-digit numbers (e.g. 575677355677). The 12-digit
    # alternative is a generalisation: any 12 digits.
    tracking_pattern=r"SF[0-9A-Z]\d{12}|\d{12}",
    kuaidi100_code="shunfeng",
    aftership_slug="sf-express",  # AfterShip also lists "sf-express-cn" (SF Express China)
    service_levels=(
        ServiceLevel("standard", _days(1, 2, 3, 4), description="顺丰标快"),
        ServiceLevel(
            "express",
            _days(1, 1, 2, 3),
            rate_card=_rates((1500, 300), (1800, 600), (2300, 1000), (3000, 1500)),
            description="顺丰特快",
        ),
    ),
    rate_card=_rates((1200, 200), (1400, 400), (1800, 600), (2500, 1200)),
    sources=(
        f"pattern: {_BF_ZH}/src/pattern/SF.ts",
        f"examples: {_BF_ZH_TESTS}",
        f"12-digit numbers: {_SF_12_DIGITS}",
        f"kuaidi100_code: {_KUAIDI100_CODES}",
        f"aftership_slug: {_AFTERSHIP_SLUGS}",
    ),
)

JD_LOGISTICS = Carrier(
    code="JD",
    name="JD Logistics",
    name_zh="京东物流",
    # "JD" + two letters or digits + 11 digits, 15 characters in all (BF-zh JD.ts:
    # /^JD[a-z0-9]{2}\d{11}$/i; e.g. JDX024407261700). It contains the narrower forms in
    # hive-third-functions (JD[XK]\d{12}, JDV[A-Z]\d{11}; e.g. JDVA11408814483).
    tracking_pattern=r"JD[0-9A-Z]{2}\d{11}",
    kuaidi100_code="jd",
    aftership_slug="jd-express",  # AfterShip's name for it is 京东物流; "jd-worldwide" is JD's international arm
    service_levels=(
        ServiceLevel("standard", _days(1, 2, 3, 5), description="京东标快"),
        ServiceLevel(
            "express",
            _days(1, 1, 2, 4),
            rate_card=_rates((1400, 400), (1700, 700), (2100, 1000), (3000, 1500)),
            description="京东特快",
        ),
    ),
    rate_card=_rates((1100, 300), (1300, 500), (1600, 700), (2500, 1200)),
    sources=(
        f"pattern: {_BF_ZH}/src/pattern/JD.ts",
        f"examples: {_BF_ZH_TESTS}",
        f"narrower forms and example: {_CHINAGOODS}",
        f"kuaidi100_code: {_KUAIDI100_CODES}",
        f"aftership_slug: {_AFTERSHIP_SLUGS}",
    ),
)

ZTO_EXPRESS = Carrier(
    code="ZTO",
    name="ZTO Express",
    name_zh="中通快递",
    # 14 digits starting 73, 74, 75, 76 or 78 (BF-zh ZTO.ts: /^7[3-68]\d{12}$/; e.g.
    # 73610555582883, and 78636098066239 in hive-third-functions), or the older 12-digit
    # numbers. The 12-digit alternative is a generalisation of hive-third-functions' list of
    # 12-digit prefixes (2008…, 4…, 5711…, 90…, …) to any 12 digits.
    tracking_pattern=r"7[3-68]\d{12}|\d{12}",
    kuaidi100_code="zhongtong",
    aftership_slug="zto-domestic",  # "ZTO Express China"; "zto-express" is AfterShip's ZTO Express Global
    service_levels=(ServiceLevel("standard", _days(2, 3, 4, 7), description="中通标准快递"),),
    rate_card=_rates((600, 100), (700, 200), (900, 400), (1800, 1000)),
    sources=(
        f"pattern: {_BF_ZH}/src/pattern/ZTO.ts",
        f"examples: {_BF_ZH_TESTS}",
        f"12-digit prefixes: {_CHINAGOODS}",
        f"examples: {_CHINAGOODS_EARLIER}",
        f"kuaidi100_code: {_KUAIDI100_CODES}",
        f"aftership_slug: {_AFTERSHIP_SLUGS}",
    ),
)

YTO_EXPRESS = Carrier(
    code="YTO",
    name="YTO Express",
    name_zh="圆通速递",
    # "YT" + 13 digits (BF-zh YTO.ts: /^YT\d{13}$/i; e.g. YT8962646785389). Older YTO numbers
    # (hive-third-functions accepts e.g. two letters or digits + 8 or 10–13 digits, or 18 digits
    # starting 6–9) are not accepted by default: they overlap every other carrier's numeric
    # formats. Ops can add them.
    tracking_pattern=r"YT\d{13}",
    kuaidi100_code="yuantong",
    aftership_slug="yto",
    service_levels=(ServiceLevel("standard", _days(2, 3, 4, 7), description="圆通标准快递"),),
    rate_card=_rates((600, 100), (750, 200), (900, 400), (1800, 1000)),
    sources=(
        f"pattern: {_BF_ZH}/src/pattern/YTO.ts",
        f"examples: {_BF_ZH_TESTS}",
        f"older forms (not adopted): {_CHINAGOODS}",
        f"kuaidi100_code: {_KUAIDI100_CODES}",
        f"aftership_slug: {_AFTERSHIP_SLUGS}",
    ),
)

STO_EXPRESS = Carrier(
    code="STO",
    name="STO Express",
    name_zh="申通快递",
    # 77 or 43 followed by 12–15 digits (BF-zh STO.ts: /^(77|43)\d{12,15}$/; e.g.
    # 773277027280336, and 77316523125896 in hive-third-functions).
    tracking_pattern=r"(?:77|43)\d{12,15}",
    kuaidi100_code="shentong",
    aftership_slug="sto",
    service_levels=(ServiceLevel("standard", _days(2, 3, 4, 7), description="申通标准快递"),),
    rate_card=_rates((550, 100), (700, 200), (850, 400), (1800, 1000)),
    sources=(
        f"pattern: {_BF_ZH}/src/pattern/STO.ts",
        f"examples: {_BF_ZH_TESTS}",
        f"example: {_CHINAGOODS}",
        f"kuaidi100_code: {_KUAIDI100_CODES}",
        f"aftership_slug: {_AFTERSHIP_SLUGS}",
    ),
)

YUNDA_EXPRESS = Carrier(
    code="YUNDA",
    name="Yunda Express",
    name_zh="韵达快递",
    # 15 digits starting 3 or 4 (BF-zh YUNDA.ts: /^[34]\d{14}$/; e.g. 463431409940372, and
    # 462598779470531 in hive-third-functions), or 13 digits (hive-third-functions: any 13
    # digits; BF-zh narrows them to a leading 5, e.g. 5301156237108).
    tracking_pattern=r"[34]\d{14}|\d{13}",
    kuaidi100_code="yunda",
    aftership_slug="yundaex",
    service_levels=(ServiceLevel("standard", _days(2, 3, 4, 7), description="韵达标准快递"),),
    rate_card=_rates((550, 100), (700, 250), (900, 400), (2000, 1000)),
    sources=(
        f"pattern: {_BF_ZH}/src/pattern/YUNDA.ts",
        f"examples: {_BF_ZH_TESTS}",
        f"13 digits and example: {_CHINAGOODS}",
        f"example: {_CHINAGOODS_EARLIER}",
        f"kuaidi100_code: {_KUAIDI100_CODES}",
        f"aftership_slug: {_AFTERSHIP_SLUGS}",
    ),
)

CHINA_EMS = Carrier(
    code="EMS",
    name="China Post EMS",
    name_zh="中国邮政 EMS",
    # Three forms, all 13 characters:
    # - UPU S10 with the EMS service indicator and China Post's country code, E? + 9 digits + CN
    #   (e.g. EA152563251CN). hive-third-functions accepts any S10 number; narrowed here to the
    #   EMS indicator and CN from jkeen/tracking_number_data's S10 tables. The S10 check digit
    #   is not verified.
    # - 13 digits starting 1, 8 or 9 (BF-zh EMS.ts: /^[981]\d{12}$/; e.g. 1207119765021), or
    #   50–52 (hive-third-functions: (10|11|12|50|51|52|95|97|98|99)\d{11}; e.g. 1240921381750,
    #   9889510569807 — China Post parcel numbers, which EMS also carries).
    # - P + a letter + 11 digits (BF-zh EMS.ts: /^P[a-z]\d{11}$/i).
    tracking_pattern=r"E[A-Z]\d{9}CN|(?:[189]\d|5[0-2])\d{11}|P[A-Z]\d{11}",
    kuaidi100_code="ems",
    aftership_slug="china-ems",  # AfterShip: "China EMS (ePacket)", 中国邮政速递物流
    service_levels=(ServiceLevel("standard", _days(2, 3, 4, 5), description="EMS 标准快递"),),
    rate_card=_rates((1000, 300), (1200, 500), (1500, 800), (2000, 1000)),
    sources=(
        f"pattern: {_BF_ZH}/src/pattern/EMS.ts",
        f"examples: {_BF_ZH_TESTS}",
        f"13-digit prefixes, S10 form, examples: {_CHINAGOODS}",
        f"examples: {_CHINAGOODS_EARLIER}",
        f"S10 form: {_S10}",
        f"S10 example: {_TRACKINGMORE_EMS_EXAMPLE}",
        f"kuaidi100_code: {_KUAIDI100_CODES}",
        f"aftership_slug: {_AFTERSHIP_SLUGS}",
    ),
)

SEED_CARRIERS: tuple[Carrier, ...] = (
    SF_EXPRESS,
    JD_LOGISTICS,
    ZTO_EXPRESS,
    YTO_EXPRESS,
    STO_EXPRESS,
    YUNDA_EXPRESS,
    CHINA_EMS,
)
