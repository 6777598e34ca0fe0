"""Carrier registry, zoning, quotes and the carrier recommendation (logistics-svc domain).

Every expected figure is worked out by hand in the test, never by the code under test. Example
tracking numbers come from the public sources cited in the seed data
(logistics_svc/adapters/carrier_seed.py); the source of each is named next to it.
"""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest

from logistics_svc.adapters.carrier_seed import (
    CHINA_EMS,
    JD_LOGISTICS,
    SEED_CARRIERS,
    SF_EXPRESS,
    STO_EXPRESS,
    YTO_EXPRESS,
    YUNDA_EXPRESS,
    ZTO_EXPRESS,
)
from logistics_svc.domain.carriers import (
    REGION_BY_PROVINCE,
    Carrier,
    CarrierDefinitionError,
    RateCard,
    ServiceLevel,
    UnknownProvinceError,
    Zone,
    ZoneRate,
    canonical_province,
    zone_between,
)
from logistics_svc.domain.recommendation import recommend

BF_ZH = "BF-zh/Courier-Validation test/index.test.ts"
CHINAGOODS = "phillip2019/hive-third-functions UDFLogisticNoValid.java"
CHINAGOODS_EARLIER = "phillip2019/hive-third-functions UDFLogisticNoValid.java @2a44843"
JUHE_SF = "cnblogs.com/jimmiy/p/14622287.html (juhe.cn API example)"
TRACKINGMORE = "randellman/git_learn trackingmorecom/track.class.java/Test.java"


# --- fixtures: hand-built carriers with round prices ------------------------------------------


def rates(
    same_province: tuple[int, int] = (500, 100),
    regional: tuple[int, int] = (600, 200),
    national: tuple[int, int] = (1800, 600),
    remote: tuple[int, int] = (2500, 1200),
) -> RateCard:
    return RateCard(
        {
            Zone.SAME_PROVINCE: ZoneRate(*same_province),
            Zone.REGIONAL: ZoneRate(*regional),
            Zone.NATIONAL: ZoneRate(*national),
            Zone.REMOTE: ZoneRate(*remote),
        }
    )


def days(same_province: int = 1, regional: int = 2, national: int = 3, remote: int = 5) -> dict[Zone, int]:
    return {Zone.SAME_PROVINCE: same_province, Zone.REGIONAL: regional, Zone.NATIONAL: national, Zone.REMOTE: remote}


def carrier(
    code: str,
    national: tuple[int, int] = (1800, 600),
    national_days: int = 3,
    active: bool = True,
    levels: tuple[ServiceLevel, ...] | None = None,
) -> Carrier:
    return Carrier(
        code=code,
        name=f"{code} Express",
        name_zh=f"{code}快递",
        tracking_pattern=r"T\d{6}",
        kuaidi100_code=code.lower(),
        aftership_slug=code.lower(),
        service_levels=levels or (ServiceLevel("standard", days(national=national_days)),),
        rate_card=rates(national=national),
        active=active,
    )


# --- seeded carriers: codes --------------------------------------------------------------------


def test_the_seven_common_mainland_carriers_are_seeded_with_our_codes() -> None:
    assert [seeded.code for seeded in SEED_CARRIERS] == ["SF", "JD", "ZTO", "YTO", "STO", "YUNDA", "EMS"]
    assert {seeded.name_zh for seeded in SEED_CARRIERS} == {
        "顺丰速运",
        "京东物流",
        "中通快递",
        "圆通速递",
        "申通快递",
        "韵达快递",
        "中国邮政 EMS",
    }


def test_seeded_carriers_carry_the_kuaidi100_and_aftership_codes_found_in_the_sources() -> None:
    # Kuaidi100: kuaidi100-api/kuaidi100-MCP api_mcp.py; AfterShip: aftership-apps-woocommerce couriers.json
    codes = {seeded.code: (seeded.kuaidi100_code, seeded.aftership_slug) for seeded in SEED_CARRIERS}
    assert codes == {
        "SF": ("shunfeng", "sf-express"),
        "JD": ("jd", "jd-express"),
        "ZTO": ("zhongtong", "zto-domestic"),
        "YTO": ("yuantong", "yto"),
        "STO": ("shentong", "sto"),
        "YUNDA": ("yunda", "yundaex"),
        "EMS": ("ems", "china-ems"),
    }


def test_every_seeded_carrier_cites_its_sources_for_the_pattern_and_both_codes() -> None:
    for seeded in SEED_CARRIERS:
        kinds = {source.split(":", 1)[0] for source in seeded.sources}
        assert {"pattern", "kuaidi100_code", "aftership_slug"} <= kinds, seeded.code
        assert seeded.active


# --- seeded carriers: tracking numbers ---------------------------------------------------------


@pytest.mark.parametrize(
    ("seeded", "number", "source"),
    [
        (SF_EXPRESS, "SF1385628716739", BF_ZH),
        (SF_EXPRESS, "575677355677", JUHE_SF),
        (JD_LOGISTICS, "JDX024407261700", BF_ZH),
        (JD_LOGISTICS, "JDVA11408814483", CHINAGOODS),
        (ZTO_EXPRESS, "73610555582883", BF_ZH),
        (ZTO_EXPRESS, "78636098066239", CHINAGOODS_EARLIER),
        (YTO_EXPRESS, "YT8962646785389", BF_ZH),
        (STO_EXPRESS, "773277027280336", BF_ZH),
        (STO_EXPRESS, "77316523125896", CHINAGOODS),
        (YUNDA_EXPRESS, "463431409940372", BF_ZH),
        (YUNDA_EXPRESS, "462598779470531", CHINAGOODS),
        (YUNDA_EXPRESS, "5301156237108", CHINAGOODS_EARLIER),
        (CHINA_EMS, "1207119765021", BF_ZH),
        (CHINA_EMS, "1240921381750", CHINAGOODS),
        (CHINA_EMS, "9889510569807", CHINAGOODS_EARLIER),
        (CHINA_EMS, "EA152563251CN", TRACKINGMORE),
    ],
)
def test_each_seeded_carrier_accepts_the_example_numbers_of_its_sources(
    seeded: Carrier, number: str, source: str
) -> None:
    assert seeded.validate_tracking_number(number), f"{seeded.code} should accept {number} ({source})"


@pytest.mark.parametrize(
    ("seeded", "number", "why"),
    [
        (SF_EXPRESS, "SF138562871673", "SF + 12 digits: one short"),
        (SF_EXPRESS, "SF13856287167390", "SF + 14 digits: one long"),
        (SF_EXPRESS, "JD1385628716739", "wrong prefix"),
        (SF_EXPRESS, "57567735567", "11 digits"),
        (JD_LOGISTICS, "JDX02440726170", "14 characters"),
        (JD_LOGISTICS, "JT5261988016578", "J&T's format (BF-zh example)"),
        (JD_LOGISTICS, "024407261700", "no JD prefix"),
        (ZTO_EXPRESS, "7361055558288", "13 digits"),
        (ZTO_EXPRESS, "736105555828831", "15 digits"),
        (ZTO_EXPRESS, "13610555582883", "14 digits not starting 73-76 or 78"),
        (YTO_EXPRESS, "YT896264678538", "YT + 12 digits"),
        (YTO_EXPRESS, "8962646785389", "no YT prefix"),
        (STO_EXPRESS, "773165231258", "77 + 10 digits"),
        (STO_EXPRESS, "993277027280336", "wrong prefix"),
        (YUNDA_EXPRESS, "963431409940372", "15 digits starting 9"),
        (YUNDA_EXPRESS, "46343140994037", "14 digits"),
        (CHINA_EMS, "120711976502", "12 digits"),
        (CHINA_EMS, "2207119765021", "13 digits starting 2"),
        (CHINA_EMS, "EA152563251US", "an S10 number of another post"),
        (CHINA_EMS, "RB123456785GB", "an S10 registered letter (jkeen/tracking_number_data s10.json)"),
    ],
)
def test_each_seeded_carrier_rejects_clearly_wrong_numbers(seeded: Carrier, number: str, why: str) -> None:
    assert not seeded.validate_tracking_number(number), f"{seeded.code} should refuse {number}: {why}"


@pytest.mark.parametrize(
    ("number", "only_carrier"),
    [
        ("SF1385628716739", "SF"),
        ("JDX024407261700", "JD"),
        ("73610555582883", "ZTO"),
        ("YT8962646785389", "YTO"),
        ("773277027280336", "STO"),
        ("77316523125896", "STO"),
        ("463431409940372", "YUNDA"),
        ("EA152563251CN", "EMS"),
    ],
)
def test_a_number_in_a_distinguishable_format_fits_one_seeded_carrier_only(number: str, only_carrier: str) -> None:
    assert {seeded.code for seeded in SEED_CARRIERS if seeded.validate_tracking_number(number)} == {only_carrier}


def test_formats_the_sources_share_are_accepted_by_each_carrier_that_uses_them() -> None:
    # 13 digits: China Post / EMS and Yunda; 12 digits: older SF and ZTO numbers.
    assert {seeded.code for seeded in SEED_CARRIERS if seeded.validate_tracking_number("1207119765021")} == {
        "EMS",
        "YUNDA",
    }
    assert {seeded.code for seeded in SEED_CARRIERS if seeded.validate_tracking_number("575677355677")} == {
        "SF",
        "ZTO",
    }


def test_tracking_numbers_are_matched_whole_ignoring_whitespace_and_letter_case() -> None:
    assert SF_EXPRESS.validate_tracking_number(" sf 1385 6287 16739 ")
    assert JD_LOGISTICS.validate_tracking_number("jdva11408814483")
    assert CHINA_EMS.validate_tracking_number("ea152563251cn")
    assert not SF_EXPRESS.validate_tracking_number("XSF1385628716739")  # a full match, not a search
    assert not ZTO_EXPRESS.validate_tracking_number("７３６１０５５５５８２８８３")  # full-width digits
    assert not SF_EXPRESS.validate_tracking_number("")


# --- zones -------------------------------------------------------------------------------------


def test_the_zoning_covers_exactly_the_31_mainland_provincial_divisions() -> None:
    assert set(REGION_BY_PROVINCE) == {
        *("北京", "天津", "河北", "山西", "内蒙古", "辽宁", "吉林", "黑龙江"),
        *("上海", "江苏", "浙江", "安徽", "福建", "江西", "山东", "河南", "湖北", "湖南"),
        *("广东", "广西", "海南", "重庆", "四川", "贵州", "云南", "西藏"),
        *("陕西", "甘肃", "青海", "宁夏", "新疆"),
    }
    assert len(REGION_BY_PROVINCE) == 31


@pytest.mark.parametrize(
    ("name", "short"),
    [
        ("浙江省", "浙江"),
        ("浙江", "浙江"),
        (" 上海市 ", "上海"),
        ("内蒙古自治区", "内蒙古"),
        ("广西壮族自治区", "广西"),
        ("宁夏回族自治区", "宁夏"),
        ("新疆维吾尔自治区", "新疆"),
        ("黑龙江省", "黑龙江"),
    ],
)
def test_province_names_are_read_with_or_without_their_suffix(name: str, short: str) -> None:
    assert canonical_province(name) == short


@pytest.mark.parametrize(
    ("origin", "destination", "zone"),
    [
        ("浙江省", "浙江", Zone.SAME_PROVINCE),
        ("上海市", "上海", Zone.SAME_PROVINCE),
        ("新疆维吾尔自治区", "新疆", Zone.SAME_PROVINCE),  # same province wins over remote
        ("浙江", "上海市", Zone.REGIONAL),  # 华东
        ("广东省", "广西壮族自治区", Zone.REGIONAL),  # 华南
        ("四川", "重庆市", Zone.REGIONAL),  # 西南
        ("黑龙江省", "辽宁", Zone.REGIONAL),  # 东北
        ("河南", "湖北", Zone.REGIONAL),  # 华中
        ("浙江", "广东", Zone.NATIONAL),  # 华东 → 华南
        ("北京市", "上海市", Zone.NATIONAL),  # 华北 → 华东
        ("陕西", "海南省", Zone.NATIONAL),  # 西北 → 华南
        ("广东", "新疆维吾尔自治区", Zone.REMOTE),
        ("西藏自治区", "浙江", Zone.REMOTE),  # a remote origin counts too
        ("北京", "内蒙古自治区", Zone.REMOTE),  # remote wins over regional (both 华北)
        ("新疆", "西藏", Zone.REMOTE),
        ("青海省", "甘肃省", Zone.REMOTE),
    ],
)
def test_zones_between_hand_picked_provinces(origin: str, destination: str, zone: Zone) -> None:
    assert zone_between(origin, destination) is zone


@pytest.mark.parametrize("name", ["香港", "台湾省", "火星", "", "Zhejiang"])
def test_a_place_outside_the_mainland_zoning_is_refused(name: str) -> None:
    with pytest.raises(UnknownProvinceError):
        zone_between(name, "浙江")


# --- quotes ------------------------------------------------------------------------------------


def test_a_parcel_of_2300_g_to_the_national_zone_costs_the_first_kilogram_and_two_started_kilograms() -> None:
    fixture = carrier("AAA", national=(1800, 600))
    # 1800 for the first 1000 g, then 1300 g more = 2 started kilograms at 600: 1800 + 1200
    assert fixture.quote(Zone.NATIONAL, 2300) == 3000


@pytest.mark.parametrize(
    ("zone", "weight_g", "expected_minor"),
    [
        (Zone.NATIONAL, 1, 1800),  # anything up to the first kilogram is the first-weight price
        (Zone.NATIONAL, 1000, 1800),
        (Zone.NATIONAL, 1001, 2400),  # 1 g over starts a kilogram: 1800 + 600
        (Zone.NATIONAL, 3000, 3000),  # 1800 + 2 x 600
        (Zone.NATIONAL, 3001, 3600),  # 1800 + 3 x 600
        (Zone.SAME_PROVINCE, 2300, 700),  # 500 + 2 x 100
        (Zone.REGIONAL, 2300, 1000),  # 600 + 2 x 200
        (Zone.REMOTE, 5500, 8500),  # 2500 + 5 x 1200
    ],
)
def test_quotes_by_zone_and_weight(zone: Zone, weight_g: int, expected_minor: int) -> None:
    assert carrier("AAA").quote(zone, weight_g) == expected_minor


def test_a_service_level_with_its_own_rate_card_is_priced_by_it() -> None:
    express = ServiceLevel("express", days(national=1), rate_card=rates(national=(2300, 1000)))
    fixture = carrier("AAA", levels=(ServiceLevel("standard", days()), express))
    assert fixture.quote(Zone.NATIONAL, 2300, "standard") == 3000  # 1800 + 2 x 600, the carrier's card
    assert fixture.quote(Zone.NATIONAL, 2300, "express") == 4300  # 2300 + 2 x 1000


def test_a_rate_card_with_other_weight_steps_counts_started_steps() -> None:
    card = RateCard(
        {zone: ZoneRate(1000, 150) for zone in Zone},
        first_weight_g=3000,
        additional_step_g=500,
    )
    # 4200 g: 1200 g over the first 3000 g = 3 started steps of 500 g: 1000 + 3 x 150
    assert card.quote(Zone.NATIONAL, 4200) == 1450
    assert card.billed_weight_g(4200) == 4500


@pytest.mark.parametrize("weight_g", [0, -1, 1.5, True, "2300"])
def test_a_weight_that_is_not_a_positive_whole_number_of_grams_is_refused(weight_g: object) -> None:
    with pytest.raises(ValueError, match="weight_g"):
        carrier("AAA").quote(Zone.NATIONAL, weight_g)  # type: ignore[arg-type]


def test_promised_days_are_read_per_zone_and_service_level() -> None:
    fixture = carrier("AAA", national_days=4)
    assert fixture.promised_days(Zone.NATIONAL, "standard") == 4
    assert fixture.promised_days(Zone.REMOTE, "standard") == 5
    with pytest.raises(KeyError):
        fixture.promised_days(Zone.NATIONAL, "overnight")


# --- carrier definitions -----------------------------------------------------------------------


def test_a_tracking_pattern_that_does_not_compile_is_refused() -> None:
    with pytest.raises(CarrierDefinitionError) as refused:
        dataclasses.replace(carrier("AAA"), tracking_pattern="SF[0-9")
    assert refused.value.field == "tracking_pattern"


def test_a_tracking_pattern_that_accepts_an_empty_number_is_refused() -> None:
    with pytest.raises(CarrierDefinitionError) as refused:
        dataclasses.replace(carrier("AAA"), tracking_pattern=r"\d*")
    assert refused.value.field == "tracking_pattern"


def test_a_negative_price_is_refused() -> None:
    with pytest.raises(CarrierDefinitionError) as refused:
        dataclasses.replace(carrier("AAA"), rate_card=rates(national=(-1, 600)))
    assert refused.value.field == "rate_card.rates_by_zone.national.first_weight_minor"


def test_a_price_that_is_not_whole_fen_is_refused() -> None:
    with pytest.raises(CarrierDefinitionError) as refused:
        dataclasses.replace(carrier("AAA"), rate_card=rates(regional=(600, 12.5)))  # type: ignore[arg-type]
    assert refused.value.field == "rate_card.rates_by_zone.regional.additional_weight_minor"


def test_a_rate_card_that_leaves_a_zone_unpriced_is_refused() -> None:
    unpriced_remote = RateCard({zone: ZoneRate(1000, 100) for zone in Zone if zone is not Zone.REMOTE})
    with pytest.raises(CarrierDefinitionError) as refused:
        dataclasses.replace(carrier("AAA"), rate_card=unpriced_remote)
    assert refused.value.field == "rate_card.rates_by_zone.remote"


def test_a_service_level_without_promised_days_for_every_zone_is_refused() -> None:
    no_remote = {zone: 2 for zone in Zone if zone is not Zone.REMOTE}
    with pytest.raises(CarrierDefinitionError) as refused:
        carrier("AAA", levels=(ServiceLevel("standard", no_remote),))
    assert refused.value.field == "service_levels[0].promised_days_by_zone.remote"


def test_a_carrier_without_codes_is_refused() -> None:
    with pytest.raises(CarrierDefinitionError) as refused:
        dataclasses.replace(carrier("AAA"), code=" ", aftership_slug="")
    assert [where for where, _ in refused.value.problems] == ["code", "aftership_slug"]


def test_every_problem_of_a_definition_is_reported_at_once() -> None:
    with pytest.raises(CarrierDefinitionError) as refused:
        dataclasses.replace(carrier("AAA"), tracking_pattern="(", rate_card=rates(remote=(2500, -5)))
    assert [where for where, _ in refused.value.problems] == [
        "tracking_pattern",
        "rate_card.rates_by_zone.remote.additional_weight_minor",
    ]


def test_ops_can_change_a_carriers_pattern_and_the_new_pattern_is_used() -> None:
    only_current_numbers = dataclasses.replace(SF_EXPRESS, tracking_pattern=r"SF\d{13}")
    assert only_current_numbers.validate_tracking_number("SF1385628716739")
    assert not only_current_numbers.validate_tracking_number("575677355677")


def test_every_seeded_carrier_survives_its_stored_form() -> None:
    for seeded in SEED_CARRIERS:
        assert Carrier.from_definition(seeded.to_definition()) == seeded


def test_a_stored_definition_naming_an_unknown_zone_is_refused() -> None:
    definition = carrier("AAA").to_definition()
    definition["service_levels"][0]["promised_days_by_zone"]["moon"] = 9
    with pytest.raises(CarrierDefinitionError) as refused:
        Carrier.from_definition(definition)
    assert refused.value.field == "service_levels[0].promised_days_by_zone.moon"


def test_a_stored_definition_missing_a_field_is_refused() -> None:
    definition = carrier("AAA").to_definition()
    del definition["tracking_pattern"]
    with pytest.raises(CarrierDefinitionError) as refused:
        Carrier.from_definition(definition)
    assert refused.value.field == "tracking_pattern"


# --- recommendation ----------------------------------------------------------------------------

SHIP = date(2026, 11, 25)


def test_carriers_that_meet_the_deadline_are_ranked_by_cost_then_speed_then_code() -> None:
    # 浙江 → 广东 is the national zone; 2300 g is the first kilogram + 2 started kilograms.
    carriers = [
        carrier("AAA", national=(900, 400), national_days=4),  # 900 + 800 = 1700, 11-29
        carrier("BBB", national=(1000, 350), national_days=3),  # 1000 + 700 = 1700, 11-28
        carrier("CCC", national=(1100, 300), national_days=3),  # 1100 + 600 = 1700, 11-28
        carrier("DDD", national=(700, 200), national_days=6),  # 700 + 400 = 1100, 12-01: late
        carrier("EEE", national=(1500, 500), national_days=1),  # 1500 + 1000 = 2500, 11-26
        carrier("FFF", national=(800, 300), national_days=4),  # 800 + 600 = 1400, 11-29
        carrier("ZZZ", national=(100, 0), national_days=1, active=False),  # 100, but inactive
    ]
    result = recommend(carriers, "浙江省", "广东", 2300, SHIP, date(2026, 11, 29))

    assert result.meets_deadline
    assert result.zone is Zone.NATIONAL
    assert [(o.rank, o.carrier_code, o.cost_minor, o.promised_days) for o in result.options] == [
        (1, "FFF", 1400, 4),
        (2, "BBB", 1700, 3),  # ties on 1700: 3 days before 4 days ...
        (3, "CCC", 1700, 3),  # ... and BBB before CCC by code
        (4, "AAA", 1700, 4),
        (5, "EEE", 2500, 1),
    ]
    assert [o.expected_delivery for o in result.options] == [
        date(2026, 11, 29),
        date(2026, 11, 28),
        date(2026, 11, 28),
        date(2026, 11, 29),
        date(2026, 11, 26),
    ]
    where = "for 2300 g (billed as 3 kg) to 广东 (华南, national zone)"
    assert result.options[0].reason == (
        f"cheapest of 5 that arrive by 2026-11-29: ¥14.00 {where}, 4 days, expected 2026-11-29"
    )
    assert result.options[1].reason == (
        f"2nd of 5 that arrive by 2026-11-29: ¥17.00 {where}, 3 days, expected 2026-11-28; ¥3.00 more than FFF standard"
    )
    assert result.options[2].reason.endswith("; same price and speed as BBB standard, placed after it by carrier code")
    assert result.options[3].reason.endswith("; same price as CCC standard but slower (4 days against 3 days)")
    assert result.options[4].reason.endswith("1 day, expected 2026-11-26; ¥8.00 more than AAA standard")

    assert [(m.carrier_code, m.cost_minor, m.days_late) for m in result.missed] == [("DDD", 1100, 2)]
    assert (
        result.missed[0].reason == "misses the deadline 2026-11-29 by 2 days: 6 days from 2026-11-25 means 2026-12-01"
    )
    assert result.reason == (
        "FFF standard is the cheapest of the 5 of 6 options that arrive by 2026-11-29: ¥14.00, 4 days, "
        "expected 2026-11-29; 1 would arrive too late"
    )


def two_speed_carriers() -> list[Carrier]:
    express = ServiceLevel("express", days(national=2), rate_card=rates(national=(1500, 500)))
    return [
        # standard: 600 + 2 x 200 = 1000, 4 days; express: 1500 + 2 x 500 = 2500, 2 days
        carrier("QQQ", national=(600, 200), levels=(ServiceLevel("standard", days(national=4)), express)),
        carrier("RRR", national=(500, 100), national_days=5),  # 500 + 2 x 100 = 700, 5 days
    ]


def test_when_only_the_faster_dearer_service_meets_the_deadline_it_is_recommended() -> None:
    result = recommend(two_speed_carriers(), "浙江", "广东省", 2300, SHIP, date(2026, 11, 27))

    assert result.meets_deadline
    assert result.best is not None
    assert (result.best.carrier_code, result.best.service_level, result.best.cost_minor) == ("QQQ", "express", 2500)
    assert result.best.reason == (
        "the only option that arrives by 2026-11-27: ¥25.00 for 2300 g (billed as 3 kg) to 广东 "
        "(华南, national zone), 2 days, expected 2026-11-27"
    )
    # the cheaper ones miss: 4 days → 11-29 (2 late), 5 days → 11-30 (3 late), soonest first
    assert [(m.carrier_code, m.service_level, m.cost_minor, m.days_late) for m in result.missed] == [
        ("QQQ", "standard", 1000, 2),
        ("RRR", "standard", 700, 3),
    ]
    assert result.reason == (
        "QQQ express is the only one of 3 options that arrives by 2026-11-27: ¥25.00, 2 days, "
        "expected 2026-11-27; 2 would arrive too late"
    )


def test_when_no_carrier_meets_the_deadline_the_answer_says_so_and_how_late_the_fastest_would_be() -> None:
    result = recommend(two_speed_carriers(), "浙江", "广东", 2300, SHIP, date(2026, 11, 26))

    assert not result.meets_deadline
    assert result.options == ()
    assert result.best is None
    # fastest: QQQ express, 2 days → 2026-11-27, one day after the deadline
    assert (result.missed[0].carrier_code, result.missed[0].service_level, result.missed[0].days_late) == (
        "QQQ",
        "express",
        1,
    )
    assert result.reason == (
        "none of the 3 options arrives by 2026-11-26: the fastest, QQQ express (2 days, ¥25.00), "
        "is expected 2026-11-27, 1 day late"
    )


def test_an_inactive_carrier_is_never_recommended_even_when_cheapest_and_fastest() -> None:
    carriers = [
        carrier("ZZZ", national=(100, 0), national_days=1, active=False),
        carrier("AAA", national=(1800, 600), national_days=3),
    ]
    result = recommend(carriers, "浙江", "广东", 2300, SHIP, date(2026, 11, 28))
    assert [o.carrier_code for o in result.options] == ["AAA"]
    assert result.missed == ()

    only_inactive = recommend(carriers[:1], "浙江", "广东", 2300, SHIP, date(2026, 11, 28))
    assert not only_inactive.meets_deadline
    assert only_inactive.options == ()
    assert only_inactive.missed == ()
    assert only_inactive.reason == "no active carrier to consider"


def test_delivery_on_the_deadline_day_meets_it() -> None:
    # 3 calendar days from 2026-11-25 is 2026-11-28, the deadline itself
    result = recommend([carrier("AAA", national_days=3)], "浙江", "广东", 500, SHIP, date(2026, 11, 28))
    assert result.meets_deadline
    assert result.options[0].expected_delivery == date(2026, 11, 28)
    assert result.options[0].cost_minor == 1800  # 500 g is within the first kilogram


def test_the_recommendation_uses_the_zone_between_the_two_provinces() -> None:
    # same province: 500 + 2 x 100 = 700, 1 day
    result = recommend([carrier("AAA")], "广东省", "广东", 2300, SHIP, date(2026, 11, 26))
    assert result.zone is Zone.SAME_PROVINCE
    assert (result.options[0].cost_minor, result.options[0].promised_days) == (700, 1)
    assert "to 广东 (华南, same-province zone)" in result.options[0].reason


def test_a_deadline_before_the_ship_date_or_a_bad_weight_is_refused() -> None:
    with pytest.raises(ValueError, match="deadline"):
        recommend([carrier("AAA")], "浙江", "广东", 2300, SHIP, date(2026, 11, 24))
    with pytest.raises(ValueError, match="weight_g"):
        recommend([], "浙江", "广东", 0, SHIP, date(2026, 11, 28))
    with pytest.raises(UnknownProvinceError):
        recommend([carrier("AAA")], "浙江", "香港", 2300, SHIP, date(2026, 11, 28))


def test_the_seeded_carriers_can_be_ranked_for_a_real_route() -> None:
    result = recommend(SEED_CARRIERS, "浙江省", "广东省", 2300, SHIP, date(2026, 12, 1))
    assert result.meets_deadline
    costs = [option.cost_minor for option in result.options]
    assert costs == sorted(costs)
    assert len(result.options) + len(result.missed) == 9  # SF and JD have two service levels each
