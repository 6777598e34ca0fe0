"""Matching (对账): provider statements against our payouts and refunds (issue #7 item 3), and the
merchant's own records against our order figures (item 2).

Both are pure and deterministic: the same inputs give the same report, whatever their order, and
every input lands in exactly one bucket of the report.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from recon_svc.domain.imports.model import DeclaredPeriod, Direction, EntryKind, MerchantRecord, StatementEntry

DEFAULT_DATE_WINDOW = timedelta(days=3)


@dataclass(frozen=True)
class OurMovement:
    """A movement on our books that the provider should show: a payout (debit), its return
    (credit, same reference as the payout), a refund (debit), a buyer's payment (credit).
    ``reference`` is our id, the one we sent the provider (payout id → camt EndToEndId; refund id
    → request id / 商户退款单号; order id → 商户订单号). ``at`` is when the money moved, the time a
    provider's daily file dates it by: a payment's ``paid_at`` (not when the order was placed), a
    refund's completion, a payout's settlement; ``dated_by`` names which of our fields it is."""

    reference: str
    provider_reference: str | None
    kind: EntryKind
    direction: Direction
    amount_minor: int
    currency: str
    at: datetime
    dated_by: str | None = None

    def __post_init__(self) -> None:
        assert self.amount_minor >= 0, "the direction carries the sign"
        assert self.at.tzinfo is not None, "at must be timezone-aware"


class MatchMethod(StrEnum):
    REFERENCE = "reference"  # our id (or the provider's id) appears on both sides
    AMOUNT_AND_DATE = "amount_and_date"  # no usable reference: same amount and direction, near in time


@dataclass(frozen=True)
class MatchedPair:
    ours: OurMovement
    theirs: StatementEntry
    method: MatchMethod


@dataclass(frozen=True)
class AmountDiffers:
    """Same reference, different amount (or currency): both figures, for the discrepancy."""

    ours: OurMovement
    theirs: StatementEntry

    @property
    def our_amount_minor(self) -> int:
        return self.ours.amount_minor

    @property
    def their_amount_minor(self) -> int:
        return self.theirs.amount_minor

    @property
    def difference_minor(self) -> int:
        """Theirs minus ours: positive when the provider moved more than we booked."""
        return self.theirs.amount_minor - self.ours.amount_minor


@dataclass(frozen=True)
class DuplicateEntry:
    """A second (third…) statement entry for a movement of ours that is already paired."""

    ours: OurMovement
    theirs: StatementEntry


@dataclass(frozen=True)
class MatchReport:
    matched: tuple[MatchedPair, ...]
    amount_differs: tuple[AmountDiffers, ...]
    missing_on_their_side: tuple[OurMovement, ...]  # we booked it, the provider does not show it
    missing_on_our_side: tuple[StatementEntry, ...]  # the provider shows it, we have nothing
    duplicates: tuple[DuplicateEntry, ...]
    not_settled: tuple[StatementEntry, ...]  # pending / failed rows: moved no money, never paired

    @property
    def is_clean(self) -> bool:
        return not (self.amount_differs or self.missing_on_their_side or self.missing_on_our_side or self.duplicates)


PAID_AT = "paid_at"
PLACED_AT_FALLBACK = "placed_at (paid_at not recorded)"


def payment_of(
    order_id: str, amount_minor: int, currency: str, *, paid_at: datetime | None, placed_at: datetime
) -> OurMovement:
    """A buyer's payment as a wallet's bill shows it: dated by when the buyer paid, since a daily
    bill lists the payments that succeeded that day, and an order paid at 23:30 may be accepted
    after midnight. An order recon learnt of before it kept ``paid_at`` (recon migration 0005) is
    dated by when it was placed, and ``dated_by`` says so."""
    return OurMovement(
        order_id,
        None,
        EntryKind.PAYMENT,
        Direction.CREDIT,
        amount_minor,
        currency,
        paid_at or placed_at,
        PAID_AT if paid_at is not None else PLACED_AT_FALLBACK,
    )


# How a completed refund was paid (contracts.RefundedVia, kept as its value): the refund provider
# paid exactly these, so only these are on its files. A refund recon folded before it kept the
# field (recon migration 0006), or from an event older than the field, was paid back the way the
# buyer paid.
ORIGINAL_CHANNEL = "original_channel"
PAID_BY_THE_PROVIDER = frozenset({ORIGINAL_CHANNEL, "other_channel"})


def refund_paid_by_the_provider(refunded_via: str | None, refund_minor: int) -> bool:
    """Whether the refund provider moved this refund's money: not a balance credit the platform
    applied (platform_balance), not a transfer ops made (offline), and not a refund of 0 fen
    (fully discounted units: nothing was sent)."""
    return refund_minor > 0 and (refunded_via or ORIGINAL_CHANNEL) in PAID_BY_THE_PROVIDER


def refund_on_wallet_bill(
    wallet_channel: str,
    *,
    refunded_via: str | None,
    refunded_to_channel: str | None,
    order_channel: str | None,
    refund_minor: int,
) -> bool:
    """Whether a wallet's bill (WeChat Pay, Alipay) shows this refund: paid by the provider to
    that wallet — the channel it went to, or (for an event that does not name it) the order's."""
    if not refund_paid_by_the_provider(refunded_via, refund_minor):
        return False
    return (refunded_to_channel or order_channel) == wallet_channel


def movements_in_scope(
    candidates: Sequence[OurMovement], period: DeclaredPeriod, named_by_file: set[str]
) -> list[OurMovement]:
    """What a file is matched against: our movements dated inside the period it declares, and
    any it names by our id or the provider's reference whatever their date (a payout the bank
    booked a day late still pairs, and the two dates show). Nothing else: a file for one day does
    not report the movements of the day before or after as missing."""
    return [
        movement
        for movement in candidates
        if period.contains(movement.at)
        or movement.reference in named_by_file
        or (movement.provider_reference is not None and movement.provider_reference in named_by_file)
    ]


def match_statement(
    ours: Sequence[OurMovement], theirs: Sequence[StatementEntry], date_window: timedelta = DEFAULT_DATE_WINDOW
) -> MatchReport:
    """Pair our movements with statement entries, one to one.

    1. By reference: an entry whose ``reference`` is our id (or whose ``provider_reference`` is the
       one we recorded), in the same direction (a payout and its return share the payout id).
       Among several candidates one named by our own id wins over one named only by the provider's
       reference, then the one with the same amount, then the closest in time, then
       the first by our reference and by the statement's source and row. A pair whose amounts
       differ is ``amount_differs``, not a match. Other entries carrying the id of a paired
       movement are ``duplicates``.
    2. By amount: what is left pairs by equal amount, currency and direction, a compatible kind,
       and booking time within ``date_window`` — closest in time first, then our reference, then
       the statement's source and row. Neither step depends on the order of the inputs.
    3. The rest is ``missing_on_their_side`` / ``missing_on_our_side``. Entries that moved no money
       (``settled`` False) are ``not_settled`` and never paired.
    """
    # Ranks from a total order on the values (not on input positions), so the report does not
    # depend on the order the inputs came in; only equal inputs tie.
    our_order = sorted(range(len(ours)), key=lambda i: _our_key(ours[i]))
    their_order = sorted(range(len(theirs)), key=lambda j: _their_key(theirs[j]))
    our_rank = {i: rank for rank, i in enumerate(our_order)}
    their_rank = {j: rank for rank, j in enumerate(their_order)}
    settled = [j for j in their_order if theirs[j].settled]
    not_settled = tuple(theirs[j] for j in their_order if not theirs[j].settled)
    used_ours: set[int] = set()
    used_theirs: set[int] = set()
    pairs: dict[int, tuple[int, bool]] = {}  # our index → (their index, amounts equal)

    # 1. by reference
    candidates: list[tuple[tuple[int, int, timedelta, int, int], int, int]] = []
    for i in our_order:
        movement = ours[i]
        for j in settled:
            entry = theirs[j]
            if entry.direction is not movement.direction or not _same_reference(movement, entry):
                continue
            different = 0 if _same_money(movement, entry) else 1
            # our own id is the stronger tie: providers number per day or per process, and two
            # of our movements can share a provider reference that was reused
            by_provider_only = 0 if entry.reference == movement.reference else 1
            candidates.append(
                ((by_provider_only, different, abs(entry.booked_at - movement.at), our_rank[i], their_rank[j]), i, j)
            )
    for _, i, j in sorted(candidates):
        if i not in used_ours and j not in used_theirs:
            used_ours.add(i)
            used_theirs.add(j)
            pairs[i] = (j, _same_money(ours[i], theirs[j]))
    duplicates: list[DuplicateEntry] = []
    paired_by_key = {
        (ours[i].reference, ours[i].direction): i for i in sorted(pairs, key=our_rank.__getitem__, reverse=True)
    }
    for j in settled:
        entry = theirs[j]
        owner = paired_by_key.get((entry.reference or "", entry.direction))
        if j not in used_theirs and owner is not None:
            used_theirs.add(j)
            duplicates.append(DuplicateEntry(ours[owner], entry))
    by_reference = set(pairs)

    # 2. by amount, direction and date window
    candidates = []
    for i in our_order:
        if i in used_ours:
            continue
        movement = ours[i]
        for j in settled:
            entry = theirs[j]
            if j in used_theirs or entry.direction is not movement.direction or not _same_money(movement, entry):
                continue
            if not _compatible_kind(movement.kind, entry.kind):
                continue
            distance = abs(entry.booked_at - movement.at)
            if distance <= date_window:
                candidates.append(((0, 0, distance, our_rank[i], their_rank[j]), i, j))
    for _, i, j in sorted(candidates):
        if i not in used_ours and j not in used_theirs:
            used_ours.add(i)
            used_theirs.add(j)
            pairs[i] = (j, True)

    matched = [
        MatchedPair(ours[i], theirs[j], MatchMethod.REFERENCE if i in by_reference else MatchMethod.AMOUNT_AND_DATE)
        for i in our_order
        if i in pairs and pairs[i][1]
        for j in (pairs[i][0],)
    ]
    differs = [AmountDiffers(ours[i], theirs[pairs[i][0]]) for i in our_order if i in pairs and not pairs[i][1]]
    return MatchReport(
        matched=tuple(matched),
        amount_differs=tuple(differs),
        missing_on_their_side=tuple(ours[i] for i in our_order if i not in used_ours),
        missing_on_our_side=tuple(theirs[j] for j in settled if j not in used_theirs),
        duplicates=tuple(duplicates),
        not_settled=not_settled,
    )


def _our_key(movement: OurMovement) -> tuple[str, datetime, str, int, str, str, str]:
    return (
        movement.reference,
        movement.at,
        movement.direction.value,
        movement.amount_minor,
        movement.currency,
        movement.kind.value,
        movement.provider_reference or "",
    )


def _their_key(entry: StatementEntry) -> tuple[str, int, datetime, str, str, int, str, str, str, bool]:
    return (
        entry.source.value,
        entry.row,
        entry.booked_at,
        entry.reference or "",
        entry.direction.value,
        entry.amount_minor,
        entry.currency,
        entry.kind.value,
        entry.provider_reference or "",
        entry.settled,
    )


def _same_reference(movement: OurMovement, entry: StatementEntry) -> bool:
    if entry.reference is not None and entry.reference == movement.reference:
        return True
    return movement.provider_reference is not None and entry.provider_reference == movement.provider_reference


def _same_money(movement: OurMovement, entry: StatementEntry) -> bool:
    return movement.amount_minor == entry.amount_minor and movement.currency == entry.currency


def _compatible_kind(ours: EntryKind, theirs: EntryKind) -> bool:
    # Without a reference, only the amount ties the two together: do not let a bank fee pair with a
    # refund of the same size. A provider row of unknown kind may pair with anything.
    return theirs is EntryKind.OTHER or ours is theirs


# --- the merchant's own records ---------------------------------------------------------------


@dataclass(frozen=True)
class OurOrderFigure:
    """What we hold for an order in the period: the amount the merchant should have recorded, and
    our status name (e.g. ``signed_off``, ``refunded``)."""

    order_id: str
    amount_minor: int
    currency: str
    status: str | None


class DiscrepancyType(StrEnum):
    MISSING_ON_OUR_SIDE = "missing_on_our_side"
    MISSING_ON_THEIR_SIDE = "missing_on_their_side"
    AMOUNT_DIFFERS = "amount_differs"
    STATUS_DIFFERS = "status_differs"
    DUPLICATE = "duplicate"


@dataclass(frozen=True)
class Discrepancy:
    """One difference, with every figure on both sides (an empty tuple: nothing on that side)."""

    type: DiscrepancyType
    order_id: str
    ours: tuple[OurOrderFigure, ...]
    theirs: tuple[MerchantRecord, ...]

    @property
    def our_amount_minor(self) -> int | None:
        return self.ours[0].amount_minor if len(self.ours) == 1 else None

    @property
    def their_amount_minor(self) -> int | None:
        return self.theirs[0].amount_minor if len(self.theirs) == 1 else None

    @property
    def our_status(self) -> str | None:
        return self.ours[0].status if len(self.ours) == 1 else None

    @property
    def their_status(self) -> str | None:
        return self.theirs[0].status if len(self.theirs) == 1 else None

    @property
    def their_rows(self) -> tuple[int, ...]:
        return tuple(record.row for record in self.theirs)


def match_merchant_records(ours: Sequence[OurOrderFigure], theirs: Sequence[MerchantRecord]) -> list[Discrepancy]:
    """Compare by order id, then amount (and currency), then status; sorted by order id.

    An order id that appears more than once on either side is one ``duplicate`` discrepancy with
    every row, and is not compared further (which row would be the real one is the merchant's
    call). An order with both a different amount and a different status has both discrepancies.
    Statuses are compared after the mapping's ``status_map``, ignoring case; a side without a
    status is not compared.
    """
    our_by_id: dict[str, list[OurOrderFigure]] = defaultdict(list)
    their_by_id: dict[str, list[MerchantRecord]] = defaultdict(list)
    for figure in ours:
        our_by_id[figure.order_id].append(figure)
    for record in theirs:
        their_by_id[record.order_id].append(record)
    discrepancies: list[Discrepancy] = []
    for order_id in sorted(our_by_id.keys() | their_by_id.keys()):
        mine = tuple(our_by_id.get(order_id, ()))
        yours = tuple(sorted(their_by_id.get(order_id, ()), key=lambda record: record.row))

        discrepancies.extend(Discrepancy(kind, order_id, mine, yours) for kind in _compare_order(mine, yours))
    return discrepancies


def _compare_order(mine: tuple[OurOrderFigure, ...], yours: tuple[MerchantRecord, ...]) -> list[DiscrepancyType]:
    if len(mine) > 1 or len(yours) > 1:
        return [DiscrepancyType.DUPLICATE]
    if not mine:
        return [DiscrepancyType.MISSING_ON_OUR_SIDE]
    if not yours:
        return [DiscrepancyType.MISSING_ON_THEIR_SIDE]
    figure, record = mine[0], yours[0]
    kinds: list[DiscrepancyType] = []
    if figure.amount_minor != record.amount_minor or figure.currency != record.currency:
        kinds.append(DiscrepancyType.AMOUNT_DIFFERS)
    if (
        figure.status is not None
        and record.status is not None
        and figure.status.strip().casefold() != record.status.strip().casefold()
    ):
        kinds.append(DiscrepancyType.STATUS_DIFFERS)
    return kinds
