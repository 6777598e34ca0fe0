"""The carrier registry model: who can carry a parcel, what it costs and how long it takes.
Pure: no I/O.

A carrier (承运商) has our code, names, the format of its tracking numbers (物流单号), its codes at
the tracking aggregators (Kuaidi100 ``com``, AfterShip ``slug``), service levels with promised
days per zone, and a rate card (运费价目表) by zone and weight. Ops add and change carriers; a
definition is checked when it is built, so a carrier that cannot validate a tracking number or
price a parcel never enters the registry. The carrier's webhook secret is not part of the
definition: it is stored apart (``adapters/tables.py``) and never travels with it.

Zoning (mainland China, 31 provincial divisions; Hong Kong, Macao and Taiwan are not zoned),
decided in this order:

1. ``SAME_PROVINCE`` (同省): origin and destination are the same provincial division.
2. ``REMOTE`` (偏远): either end is in 新疆, 西藏, 青海 or 内蒙古. Remote wins over regional,
   as carriers surcharge these provinces even from their neighbours (内蒙古 → 北京 is remote).
3. ``REGIONAL`` (区域内): both ends in the same geographic region of ``REGION_BY_PROVINCE``
   (华北, 东北, 华东, 华中, 华南, 西南, 西北 — the conventional seven).
4. ``NATIONAL`` (跨区域): everything else.

Pricing (首重 + 续重): a parcel up to the first weight (default 1000 g) costs the zone's
first-weight price; every further started step (default 1000 g) costs the zone's additional
price. So 2300 g is the first kilogram plus two started kilograms. Amounts are integer minor
units (fen); weights are integer grams.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType
from typing import Any

from shipsettle_shared.money import CURRENCY_EXPONENTS


class Zone(StrEnum):
    SAME_PROVINCE = "same_province"  # 同省
    REGIONAL = "regional"  # 区域内
    NATIONAL = "national"  # 跨区域
    REMOTE = "remote"  # 偏远地区


ZONE_DESCRIPTIONS: Mapping[Zone, str] = MappingProxyType(
    {
        Zone.SAME_PROVINCE: "same-province zone",
        Zone.REGIONAL: "regional zone",
        Zone.NATIONAL: "national zone",
        Zone.REMOTE: "remote zone",
    }
)


class Region(StrEnum):
    NORTH = "华北"
    NORTHEAST = "东北"
    EAST = "华东"
    CENTRAL = "华中"
    SOUTH = "华南"
    SOUTHWEST = "西南"
    NORTHWEST = "西北"


# The 31 mainland provincial divisions by their short names, grouped into the seven
# conventional geographic regions.
REGION_BY_PROVINCE: Mapping[str, Region] = MappingProxyType(
    {
        "北京": Region.NORTH,
        "天津": Region.NORTH,
        "河北": Region.NORTH,
        "山西": Region.NORTH,
        "内蒙古": Region.NORTH,
        "辽宁": Region.NORTHEAST,
        "吉林": Region.NORTHEAST,
        "黑龙江": Region.NORTHEAST,
        "上海": Region.EAST,
        "江苏": Region.EAST,
        "浙江": Region.EAST,
        "安徽": Region.EAST,
        "福建": Region.EAST,
        "江西": Region.EAST,
        "山东": Region.EAST,
        "河南": Region.CENTRAL,
        "湖北": Region.CENTRAL,
        "湖南": Region.CENTRAL,
        "广东": Region.SOUTH,
        "广西": Region.SOUTH,
        "海南": Region.SOUTH,
        "重庆": Region.SOUTHWEST,
        "四川": Region.SOUTHWEST,
        "贵州": Region.SOUTHWEST,
        "云南": Region.SOUTHWEST,
        "西藏": Region.SOUTHWEST,
        "陕西": Region.NORTHWEST,
        "甘肃": Region.NORTHWEST,
        "青海": Region.NORTHWEST,
        "宁夏": Region.NORTHWEST,
        "新疆": Region.NORTHWEST,
    }
)

REMOTE_PROVINCES: frozenset[str] = frozenset({"新疆", "西藏", "青海", "内蒙古"})

# Longest first, so "广西壮族自治区" loses "壮族自治区" rather than only "自治区".
_PROVINCE_SUFFIXES = ("维吾尔自治区", "壮族自治区", "回族自治区", "自治区", "省", "市")


class UnknownProvinceError(ValueError):
    def __init__(self, name: str) -> None:
        super().__init__(
            f"{name!r} is not one of the 31 mainland provincial divisions (e.g. '浙江' or '浙江省', '广西壮族自治区')"
        )
        self.name = name


def canonical_province(name: str) -> str:
    """The short name of a mainland provincial division, with or without its 省 / 市 / 自治区
    suffix ("浙江省" and "浙江" both give "浙江")."""
    if not isinstance(name, str):
        raise UnknownProvinceError(repr(name))
    stripped = name.strip()
    if stripped in REGION_BY_PROVINCE:
        return stripped
    for suffix in _PROVINCE_SUFFIXES:
        if stripped.endswith(suffix) and stripped[: -len(suffix)] in REGION_BY_PROVINCE:
            return stripped[: -len(suffix)]
    raise UnknownProvinceError(name)


def region_of(province: str) -> Region:
    return REGION_BY_PROVINCE[canonical_province(province)]


def zone_between(origin_province: str, destination_province: str) -> Zone:
    """The pricing zone of a parcel, by the rules in this module's docstring."""
    origin = canonical_province(origin_province)
    destination = canonical_province(destination_province)
    if origin == destination:
        return Zone.SAME_PROVINCE
    if origin in REMOTE_PROVINCES or destination in REMOTE_PROVINCES:
        return Zone.REMOTE
    if REGION_BY_PROVINCE[origin] is REGION_BY_PROVINCE[destination]:
        return Zone.REGIONAL
    return Zone.NATIONAL


# --- definition errors ------------------------------------------------------------------------


class CarrierDefinitionError(ValueError):
    """A carrier definition that is refused. ``problems`` lists every (field, message) found,
    so ops can fix a definition in one go; ``field`` is the first of them."""

    def __init__(self, problems: Iterable[tuple[str, str]]) -> None:
        self.problems: tuple[tuple[str, str], ...] = tuple(problems)
        super().__init__("; ".join(f"{where}: {message}" for where, message in self.problems))
        self.field = self.problems[0][0] if self.problems else ""


def _is_int(value: object) -> bool:
    return type(value) is int  # bool is an int subclass and is refused on purpose


def check_weight_g(weight_g: object) -> int:
    """A parcel weight: a positive whole number of grams (never a float, never a bool)."""
    if not isinstance(weight_g, int) or isinstance(weight_g, bool):
        raise ValueError(f"weight_g must be a whole number of grams, got {weight_g!r}")
    if weight_g <= 0:
        raise ValueError(f"weight_g must be positive, got {weight_g}")
    return weight_g


# --- rate cards and service levels -------------------------------------------------------------


@dataclass(frozen=True)
class ZoneRate:
    first_weight_minor: int  # 首重: price up to the rate card's first weight
    additional_weight_minor: int  # 续重: price per started additional step


@dataclass(frozen=True)
class RateCard:
    rates_by_zone: Mapping[Zone, ZoneRate]
    first_weight_g: int = 1000
    additional_step_g: int = 1000
    currency: str = "CNY"

    def __post_init__(self) -> None:
        object.__setattr__(self, "rates_by_zone", MappingProxyType(dict(self.rates_by_zone)))

    def problems(self, where: str = "rate_card") -> list[tuple[str, str]]:
        found: list[tuple[str, str]] = []
        if not _is_int(self.first_weight_g) or self.first_weight_g <= 0:
            found.append((f"{where}.first_weight_g", "must be a positive whole number of grams"))
        if not _is_int(self.additional_step_g) or self.additional_step_g <= 0:
            found.append((f"{where}.additional_step_g", "must be a positive whole number of grams"))
        if self.currency not in CURRENCY_EXPONENTS:
            found.append((f"{where}.currency", f"unsupported currency {self.currency!r}"))
        for zone in Zone:
            rate = self.rates_by_zone.get(zone)
            if rate is None:
                found.append((f"{where}.rates_by_zone.{zone.value}", "every zone must be priced"))
                continue
            for name in ("first_weight_minor", "additional_weight_minor"):
                amount = getattr(rate, name)
                if not _is_int(amount) or amount < 0:
                    found.append(
                        (f"{where}.rates_by_zone.{zone.value}.{name}", "must be a non-negative whole number of fen")
                    )
        for key in self.rates_by_zone:
            if not isinstance(key, Zone):
                found.append((f"{where}.rates_by_zone", f"{key!r} is not a zone"))
        return found

    def additional_steps(self, weight_g: int) -> int:
        """How many started additional steps (续重) a parcel is charged beyond the first weight."""
        weight_g = check_weight_g(weight_g)
        if weight_g <= self.first_weight_g:
            return 0
        return -(-(weight_g - self.first_weight_g) // self.additional_step_g)

    def billed_weight_g(self, weight_g: int) -> int:
        """The weight that is charged: the first weight, plus every started step above it."""
        return self.first_weight_g + self.additional_steps(weight_g) * self.additional_step_g

    def quote(self, zone: Zone, weight_g: int) -> int:
        """Price in minor units of a parcel of ``weight_g`` grams to ``zone``."""
        rate = self.rates_by_zone[zone]
        return rate.first_weight_minor + self.additional_steps(weight_g) * rate.additional_weight_minor


@dataclass(frozen=True)
class ServiceLevel:
    """A product of the carrier (e.g. 标快, 特快). Promised days are calendar days from the day
    the parcel is handed over; 0 means same day. ``rate_card``, when set, replaces the carrier's
    rate card for this service level."""

    name: str
    promised_days_by_zone: Mapping[Zone, int]
    rate_card: RateCard | None = None
    description: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "promised_days_by_zone", MappingProxyType(dict(self.promised_days_by_zone)))

    def problems(self, where: str) -> list[tuple[str, str]]:
        found: list[tuple[str, str]] = []
        if not isinstance(self.name, str) or not self.name.strip():
            found.append((f"{where}.name", "must not be empty"))
        for zone in Zone:
            days = self.promised_days_by_zone.get(zone)
            if days is None:
                found.append((f"{where}.promised_days_by_zone.{zone.value}", "every zone needs promised days"))
            elif not _is_int(days) or days < 0:
                found.append(
                    (f"{where}.promised_days_by_zone.{zone.value}", "must be a non-negative whole number of days")
                )
        if self.rate_card is not None:
            found.extend(self.rate_card.problems(f"{where}.rate_card"))
        return found


# --- carriers ------------------------------------------------------------------------------------

_WHITESPACE = re.compile(r"\s+")

# Where each tracking aggregator's own code for a carrier lives in its definition.
AGGREGATOR_CODE_FIELDS: Mapping[str, str] = MappingProxyType(
    {"kuaidi100": "kuaidi100_code", "aftership": "aftership_slug"}
)


def carrier_for_vendor_code(carriers: Iterable[Carrier], source: str, vendor_code: str | None) -> str | None:
    """Our code of the carrier that an aggregator's carrier code (Kuaidi100 ``com``, AfterShip
    ``slug``) names, compared in any letter case. None when no carrier of the registry has that
    code, or more than one has: a scan is never attributed to a carrier by a guess, since the
    carrier decides which shipment it can move."""
    if not vendor_code or not vendor_code.strip():
        return None
    wanted = vendor_code.strip().lower()
    named = {
        carrier.code
        for carrier in carriers
        if (code := carrier.vendor_code(source)) is not None and code.lower() == wanted
    }
    return named.pop() if len(named) == 1 else None


# ASCII: "\d" must not accept full-width or other Unicode digits; IGNORECASE: "sf…" is "SF…".
_PATTERN_FLAGS = re.ASCII | re.IGNORECASE


def normalise_tracking_number(number: str) -> str:
    """A tracking number as stored and compared: whitespace removed (numbers are often pasted as
    "SF 1385 6287 16739"), letters upper-cased."""
    return _WHITESPACE.sub("", number).upper()


@dataclass(frozen=True)
class Carrier:
    code: str  # ours: SF, JD, ZTO, ...
    name: str
    name_zh: str
    tracking_pattern: str  # regular expression a whole tracking number must match
    kuaidi100_code: str  # Kuaidi100 "com"
    aftership_slug: str  # AfterShip "slug"
    service_levels: tuple[ServiceLevel, ...]
    rate_card: RateCard
    active: bool = True
    sources: tuple[str, ...] = ()  # where the pattern and the codes come from
    _compiled_pattern: re.Pattern[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "service_levels", tuple(self.service_levels))
        object.__setattr__(self, "sources", tuple(self.sources))
        compiled = self.check()
        object.__setattr__(self, "_compiled_pattern", compiled)

    def check(self) -> re.Pattern[str]:
        """Refuse a definition that could not validate a number or price a parcel; returns the
        compiled tracking pattern. Raises CarrierDefinitionError listing every problem."""
        found: list[tuple[str, str]] = []
        for name in ("code", "name", "kuaidi100_code", "aftership_slug"):
            value = getattr(self, name)
            if not isinstance(value, str) or not value.strip():
                found.append((name, "must not be empty"))
            elif name != "name" and _WHITESPACE.search(value):
                found.append((name, "must not contain whitespace"))
        if not isinstance(self.active, bool):
            found.append(("active", "must be true or false"))
        compiled: re.Pattern[str] | None = None
        if not isinstance(self.tracking_pattern, str) or not self.tracking_pattern.strip():
            found.append(("tracking_pattern", "must not be empty"))
        else:
            try:
                compiled = re.compile(self.tracking_pattern, _PATTERN_FLAGS)
            except re.error as error:
                found.append(("tracking_pattern", f"does not compile: {error}"))
            else:
                if compiled.fullmatch(""):
                    found.append(("tracking_pattern", "must not accept an empty tracking number"))
        found.extend(self.rate_card.problems("rate_card"))
        if not self.service_levels:
            found.append(("service_levels", "at least one service level is needed"))
        seen: set[str] = set()
        for index, level in enumerate(self.service_levels):
            found.extend(level.problems(f"service_levels[{index}]"))
            if level.name in seen:
                found.append((f"service_levels[{index}].name", f"{level.name!r} appears twice"))
            seen.add(level.name)
        if found or compiled is None:
            raise CarrierDefinitionError(found)
        return compiled

    def validate_tracking_number(self, number: str) -> bool:
        """Whether the whole number (whitespace removed, any letter case) has this carrier's format."""
        if not isinstance(number, str):
            return False
        return self._compiled_pattern.fullmatch(normalise_tracking_number(number)) is not None

    def vendor_code(self, source: str) -> str | None:
        """This carrier's code at a tracking aggregator (``source`` kuaidi100 or aftership), or None
        for a source that is not an aggregator."""
        field_name = AGGREGATOR_CODE_FIELDS.get(source)
        return str(getattr(self, field_name)) if field_name else None

    @property
    def names(self) -> frozenset[str]:
        """What names this carrier, lower-cased: our code, its Kuaidi100 ``com`` and its AfterShip
        ``slug`` (a native webhook body may name its carrier any of these ways)."""
        return frozenset({self.code.lower(), self.kuaidi100_code.lower(), self.aftership_slug.lower()})

    def answers_to(self, name: str) -> bool:
        """Whether ``name`` (any letter case) is one of this carrier's ``names``."""
        return name.strip().lower() in self.names

    def service_level(self, name: str) -> ServiceLevel:
        for level in self.service_levels:
            if level.name == name:
                return level
        raise KeyError(f"carrier {self.code} has no service level {name!r}")

    def rate_card_for(self, service_level: str | None = None) -> RateCard:
        if service_level is None:
            return self.rate_card
        return self.service_level(service_level).rate_card or self.rate_card

    def quote(self, zone: Zone, weight_g: int, service_level: str | None = None) -> int:
        """Price in minor units (fen for CNY) of a parcel of ``weight_g`` grams to ``zone``: the
        service level's own rate card if it has one, else the carrier's. Raises ValueError for a
        weight that is not a positive whole number of grams."""
        return self.rate_card_for(service_level).quote(zone, weight_g)

    def promised_days(self, zone: Zone, service_level: str) -> int:
        return self.service_level(service_level).promised_days_by_zone[zone]

    # -- the stored form (CarrierRow.definition) -------------------------------------------------

    def to_definition(self) -> dict[str, Any]:
        """The JSON-ready form ops edit and the registry stores (integers and strings only)."""
        return {
            "code": self.code,
            "name": self.name,
            "name_zh": self.name_zh,
            "tracking_pattern": self.tracking_pattern,
            "kuaidi100_code": self.kuaidi100_code,
            "aftership_slug": self.aftership_slug,
            "active": self.active,
            "rate_card": _rate_card_to_definition(self.rate_card),
            "service_levels": [
                {
                    "name": level.name,
                    "description": level.description,
                    "promised_days_by_zone": {zone.value: days for zone, days in level.promised_days_by_zone.items()},
                    "rate_card": None if level.rate_card is None else _rate_card_to_definition(level.rate_card),
                }
                for level in self.service_levels
            ],
            "sources": list(self.sources),
        }

    @classmethod
    def from_definition(cls, definition: Mapping[str, Any]) -> Carrier:
        """Build (and check) a carrier from its stored form. Raises CarrierDefinitionError."""
        try:
            levels = tuple(
                ServiceLevel(
                    name=level["name"],
                    description=level.get("description", ""),
                    promised_days_by_zone=_zone_keyed(
                        level["promised_days_by_zone"], f"service_levels[{index}].promised_days_by_zone"
                    ),
                    rate_card=None
                    if level.get("rate_card") is None
                    else _rate_card_from_definition(level["rate_card"], f"service_levels[{index}].rate_card"),
                )
                for index, level in enumerate(definition["service_levels"])
            )
            return cls(
                code=definition["code"],
                name=definition["name"],
                name_zh=definition.get("name_zh", ""),
                tracking_pattern=definition["tracking_pattern"],
                kuaidi100_code=definition["kuaidi100_code"],
                aftership_slug=definition["aftership_slug"],
                service_levels=levels,
                rate_card=_rate_card_from_definition(definition["rate_card"], "rate_card"),
                active=definition.get("active", True),
                sources=tuple(definition.get("sources", ())),
            )
        except KeyError as missing:
            raise CarrierDefinitionError([(str(missing.args[0]), "is required")]) from None
        except (TypeError, AttributeError) as error:
            raise CarrierDefinitionError(
                [("definition", f"is not shaped like a carrier definition: {error}")]
            ) from None


def _zone_keyed(values: Mapping[str, Any], where: str) -> dict[Zone, Any]:
    keyed: dict[Zone, Any] = {}
    for key, value in values.items():
        try:
            keyed[Zone(key)] = value
        except ValueError:
            accepted = ", ".join(zone.value for zone in Zone)
            raise CarrierDefinitionError([(f"{where}.{key}", f"is not a zone; zones are {accepted}")]) from None
    return keyed


def _rate_card_to_definition(card: RateCard) -> dict[str, Any]:
    return {
        "first_weight_g": card.first_weight_g,
        "additional_step_g": card.additional_step_g,
        "currency": card.currency,
        "rates_by_zone": {
            zone.value: {
                "first_weight_minor": rate.first_weight_minor,
                "additional_weight_minor": rate.additional_weight_minor,
            }
            for zone, rate in card.rates_by_zone.items()
        },
    }


def _rate_card_from_definition(definition: Mapping[str, Any], where: str) -> RateCard:
    rates = _zone_keyed(definition["rates_by_zone"], f"{where}.rates_by_zone")
    return RateCard(
        rates_by_zone={
            zone: ZoneRate(rate["first_weight_minor"], rate["additional_weight_minor"]) for zone, rate in rates.items()
        },
        first_weight_g=definition.get("first_weight_g", 1000),
        additional_step_g=definition.get("additional_step_g", 1000),
        currency=definition.get("currency", "CNY"),
    )
