"""Carrier recommendation (SPEC section 2, step 3): the cheapest carrier that meets the deadline,
and why. Pure: no I/O.

Rules:
- Every active carrier × service level is an option; inactive carriers are never considered.
- Days are calendar days with no holiday or weekend calendar: an option handed over on
  ``ship_date`` with N promised days is expected on ``ship_date + N`` days. It meets the deadline
  when that date is on or before ``deadline``.
- Options that meet the deadline are ranked by cost, then by fewer promised days, then by
  carrier code, then by service level name — so the order never depends on the registry's order.
- Options that miss are listed apart, soonest first, each with how many days late it would be.
  When none meets the deadline the recommendation says so, naming the fastest option.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from logistics_svc.domain.carriers import (
    ZONE_DESCRIPTIONS,
    Carrier,
    RateCard,
    Zone,
    canonical_province,
    check_weight_g,
    region_of,
    zone_between,
)
from shipsettle_shared.money import CurrencyMismatchError, Money


@dataclass(frozen=True)
class RankedOption:
    """An option that arrives by the deadline; rank 1 is the recommendation."""

    rank: int
    carrier_code: str
    carrier_name: str
    service_level: str
    cost_minor: int
    currency: str
    promised_days: int
    expected_delivery: date
    reason: str


@dataclass(frozen=True)
class MissedOption:
    """An option that would arrive after the deadline."""

    carrier_code: str
    carrier_name: str
    service_level: str
    cost_minor: int
    currency: str
    promised_days: int
    expected_delivery: date
    days_late: int
    reason: str


@dataclass(frozen=True)
class Recommendation:
    origin_province: str
    destination_province: str
    zone: Zone
    weight_g: int
    ship_date: date
    deadline: date
    meets_deadline: bool
    options: tuple[RankedOption, ...]  # meet the deadline, best first
    missed: tuple[MissedOption, ...]  # miss it, soonest first
    reason: str

    @property
    def best(self) -> RankedOption | None:
        return self.options[0] if self.options else None


@dataclass(frozen=True)
class _Candidate:
    carrier: Carrier
    service_level: str
    cost_minor: int
    currency: str
    billed_weight_g: int
    promised_days: int
    expected_delivery: date

    @property
    def label(self) -> str:
        return f"{self.carrier.code} {self.service_level}"


def recommend(
    carriers: Iterable[Carrier],
    origin_province: str,
    destination_province: str,
    weight_g: int,
    ship_date: date,
    deadline: date,
) -> Recommendation:
    """Rank the carriers for one parcel. Raises UnknownProvinceError for a province outside the
    mainland zoning, ValueError for a weight that is not a positive whole number of grams or a
    deadline before the ship date, and CurrencyMismatchError when rate cards mix currencies."""
    if deadline < ship_date:
        raise ValueError(f"deadline {deadline.isoformat()} is before the ship date {ship_date.isoformat()}")
    weight_g = check_weight_g(weight_g)
    origin = canonical_province(origin_province)
    destination = canonical_province(destination_province)
    zone = zone_between(origin, destination)

    candidates: list[_Candidate] = []
    for carrier in carriers:
        if not carrier.active:
            continue
        for level in carrier.service_levels:
            card: RateCard = carrier.rate_card_for(level.name)
            days = level.promised_days_by_zone[zone]
            candidates.append(
                _Candidate(
                    carrier=carrier,
                    service_level=level.name,
                    cost_minor=card.quote(zone, weight_g),
                    currency=card.currency,
                    billed_weight_g=card.billed_weight_g(weight_g),
                    promised_days=days,
                    expected_delivery=ship_date + timedelta(days=days),
                )
            )
    currencies = {candidate.currency for candidate in candidates}
    if len(currencies) > 1:
        raise CurrencyMismatchError(f"rate cards in {', '.join(sorted(currencies))} cannot be ranked together")

    eligible = sorted(
        (candidate for candidate in candidates if candidate.expected_delivery <= deadline),
        key=lambda c: (c.cost_minor, c.promised_days, c.carrier.code, c.service_level),
    )
    late = sorted(
        (candidate for candidate in candidates if candidate.expected_delivery > deadline),
        key=lambda c: (c.promised_days, c.cost_minor, c.carrier.code, c.service_level),
    )
    where = f"to {destination} ({region_of(destination).value}, {ZONE_DESCRIPTIONS[zone]})"

    options = tuple(
        RankedOption(
            rank=index + 1,
            carrier_code=candidate.carrier.code,
            carrier_name=candidate.carrier.name,
            service_level=candidate.service_level,
            cost_minor=candidate.cost_minor,
            currency=candidate.currency,
            promised_days=candidate.promised_days,
            expected_delivery=candidate.expected_delivery,
            reason=_ranked_reason(index, eligible, weight_g, where, deadline),
        )
        for index, candidate in enumerate(eligible)
    )
    missed = tuple(
        MissedOption(
            carrier_code=candidate.carrier.code,
            carrier_name=candidate.carrier.name,
            service_level=candidate.service_level,
            cost_minor=candidate.cost_minor,
            currency=candidate.currency,
            promised_days=candidate.promised_days,
            expected_delivery=candidate.expected_delivery,
            days_late=(candidate.expected_delivery - deadline).days,
            reason=(
                f"misses the deadline {deadline.isoformat()} by {_days((candidate.expected_delivery - deadline).days)}: "
                f"{_days(candidate.promised_days)} from {ship_date.isoformat()} means "
                f"{candidate.expected_delivery.isoformat()}"
            ),
        )
        for candidate in late
    )
    return Recommendation(
        origin_province=origin,
        destination_province=destination,
        zone=zone,
        weight_g=weight_g,
        ship_date=ship_date,
        deadline=deadline,
        meets_deadline=bool(options),
        options=options,
        missed=missed,
        reason=_overall_reason(eligible, late, deadline),
    )


def _ranked_reason(index: int, eligible: list[_Candidate], weight_g: int, where: str, deadline: date) -> str:
    candidate = eligible[index]
    count = len(eligible)
    if count == 1:
        lead = f"the only option that arrives by {deadline.isoformat()}"
    elif index == 0:
        lead = f"cheapest of {count} that arrive by {deadline.isoformat()}"
    else:
        lead = f"{_ordinal(index + 1)} of {count} that arrive by {deadline.isoformat()}"
    facts = (
        f"{_money(candidate.cost_minor, candidate.currency)} for {_grams(weight_g)} "
        f"(billed as {_grams(candidate.billed_weight_g)}) {where}, "
        f"{_days(candidate.promised_days)}, expected {candidate.expected_delivery.isoformat()}"
    )
    if index == 0:
        return f"{lead}: {facts}"
    above = eligible[index - 1]
    if candidate.cost_minor > above.cost_minor:
        why = f"{_money(candidate.cost_minor - above.cost_minor, candidate.currency)} more than {above.label}"
    elif candidate.promised_days > above.promised_days:
        why = (
            f"same price as {above.label} but slower "
            f"({_days(candidate.promised_days)} against {_days(above.promised_days)})"
        )
    else:
        why = f"same price and speed as {above.label}, placed after it by carrier code"
    return f"{lead}: {facts}; {why}"


def _overall_reason(eligible: list[_Candidate], late: list[_Candidate], deadline: date) -> str:
    considered = len(eligible) + len(late)
    if considered == 0:
        return "no active carrier to consider"
    if eligible:
        best = eligible[0]
        which = (
            f"the only one of {considered} options that arrives"
            if len(eligible) == 1
            else f"the cheapest of the {len(eligible)} of {considered} options that arrive"
        )
        summary = (
            f"{best.label} is {which} by {deadline.isoformat()}: {_money(best.cost_minor, best.currency)}, "
            f"{_days(best.promised_days)}, expected {best.expected_delivery.isoformat()}"
        )
        if late:
            summary += f"; {len(late)} would arrive too late"
        return summary
    fastest = late[0]
    days_late = (fastest.expected_delivery - deadline).days
    return (
        f"none of the {considered} options arrives by {deadline.isoformat()}: the fastest, {fastest.label} "
        f"({_days(fastest.promised_days)}, {_money(fastest.cost_minor, fastest.currency)}), is expected "
        f"{fastest.expected_delivery.isoformat()}, {_days(days_late)} late"
    )


def _money(amount_minor: int, currency: str) -> str:
    text = Money(amount_minor, currency).to_decimal_string()
    return f"¥{text}" if currency == "CNY" else f"{text} {currency}"


def _grams(weight_g: int) -> str:
    if weight_g % 1000 == 0:
        return f"{weight_g // 1000} kg"
    return f"{weight_g} g"


def _days(days: int) -> str:
    return "1 day" if days == 1 else f"{days} days"


def _ordinal(number: int) -> str:
    suffix = "th" if 10 <= number % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    return f"{number}{suffix}"
