"""The checker: after a surge settles, from the services' APIs (and, where an API has no view,
read-only SQL on their databases), is every order final, every fen where the driver's own
arithmetic says, and nothing lost, duplicated or paid twice?

    python -m surge.check var/surge/run-<id>.json     # prints the JSON report; exit 1 on failure

Counts ``lost``, ``duplicated``, ``regressed`` and ``unclassified_errors`` must all be zero.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from collections import Counter
from collections.abc import Awaitable, Callable, Iterable
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import asyncpg
import httpx

CHINA = timezone(timedelta(hours=8))
FINAL_BALANCE_ACCOUNTS = ("pending", "available", "reserved", "in_payout", "negative_balance")
# How a completed refund reached the buyer when the refund provider paid it (the others — a
# platform balance credit, ops offline — move nothing at the provider).
THROUGH_PROVIDER = ("original_channel", "other_channel")


def unsettled_refunds(open_refunds: Iterable[dict[str, Any]], merchants: Iterable[str]) -> dict[str, list[str]]:
    """The run's refunds still open at the end (from GET /v1/refund-sla): ``failed`` ones (a
    failure nobody settled) and the rest (``open``: still waiting for someone)."""
    ours = set(merchants)
    found: dict[str, list[str]] = {"failed": [], "open": []}
    for refund in open_refunds:
        if refund["merchant_id"] not in ours:
            continue
        if refund["status"] == "refund_failed":
            found["failed"].append(f"{refund['refund_id']}: failed ({refund.get('failure_reason')}), never settled")
        else:
            found["open"].append(
                f"{refund['refund_id']}: still {refund['status']}, waiting for {refund['waiting_for']}"
            )
    return found


def frozen_left(balances: dict[str, dict[str, Any]]) -> list[str]:
    """Merchants with money still frozen against a refund at the end (it must have been reversed
    or released: every refund has ended)."""
    return [
        f"{merchant_id}: {found['frozen_minor']} frozen"
        for merchant_id, found in sorted(balances.items())
        if found.get("frozen_minor")
    ]


class Report:
    def __init__(self) -> None:
        self.checks: dict[str, list[str]] = {}
        self.lost: list[str] = []
        self.duplicated: list[str] = []

    def check(self, name: str) -> list[str]:
        return self.checks.setdefault(name, [])

    def fail(self, name: str, message: str) -> None:
        self.check(name).append(message)


class Checker:
    def __init__(self, record: dict[str, Any], concurrency: int = 16) -> None:
        self.record = record
        self.urls: dict[str, str] = record["urls"]
        self.keys: dict[str, str] = record["keys"]
        self.client = httpx.AsyncClient(timeout=30)
        self.gate = asyncio.Semaphore(concurrency)
        self.report = Report()
        self.orders: dict[str, dict[str, Any]] = {k: v for k, v in record["orders"].items() if v["placed"]}
        self.merchants: dict[str, dict[str, Any]] = record["merchants"]
        self.balances: dict[str, dict[str, Any]] = {}
        self.payouts: dict[str, list[dict[str, Any]]] = {}
        self.refunds: dict[str, dict[str, Any]] = {}
        self.settlement_states: dict[str, str] = {}  # order id -> state, read merchant by merchant

    async def get(self, service: str, path: str, who: str = "auditor", **params: Any) -> httpx.Response:
        key = self.merchants[who]["api_key"] if who in self.merchants else self.keys[who]
        for attempt in range(5):
            try:
                return await self.client.get(
                    f"{self.urls[service]}{path}", headers={"Authorization": f"Bearer {key}"}, params=params or None
                )
            except httpx.TransportError:
                await asyncio.sleep(0.2 * (attempt + 1))
        raise RuntimeError(f"{service} unreachable for {path}")

    async def every(self, service: str, path: str, who: str = "auditor", **params: Any) -> list[dict[str, Any]]:
        """Every item of a paginated list, following ``next_cursor`` (pages of 200)."""
        items: list[dict[str, Any]] = []
        cursor: str | None = None
        while True:
            response = await self.get(service, path, who, **params, limit=200, **({"cursor": cursor} if cursor else {}))
            response.raise_for_status()
            page = response.json()
            items += page["items"]
            cursor = page["next_cursor"]
            if cursor is None:
                return items

    async def each(self, items: Iterable[str], work: Callable[[str], Awaitable[None]]) -> None:
        async def guarded(item: str) -> None:
            async with self.gate:
                await work(item)

        await asyncio.gather(*(guarded(item) for item in items))

    # --- orders ---------------------------------------------------------------------------

    async def read_settlement_states(self, merchant_id: str) -> None:
        """Every order's state as settlement tells it, one read per merchant (per order, each read
        would replay the merchant's whole ledger for its first-in-first-out allocation)."""
        found = await self.get("settlement-svc", f"/v1/merchants/{merchant_id}/settlement-states", "ops")
        found.raise_for_status()
        self.settlement_states.update({entry["order_id"]: entry["state"] for entry in found.json()["orders"]})

    async def check_order(self, order_id: str) -> None:
        """Final state, conservation as recon sees it, and no money booked for an unsigned parcel."""
        order = self.orders[order_id]
        placed = await self.get("order-svc", f"/v1/orders/{order_id}", "ops")
        if placed.status_code == 404:
            self.report.lost.append(f"{order_id}: unknown to order-svc")
            return
        status = placed.json()["status"]
        wanted = "cancelled" if order["fate"] != "ship" else "dispatched"
        if status != wanted:
            self.report.fail("orders_final", f"{order_id}: order-svc says {status}, expected {wanted}")
        settlement_state = self.settlement_states.get(order_id)
        if settlement_state is None:
            self.report.lost.append(f"{order_id}: unknown to settlement-svc")
        elif settlement_state != order["expected_state"]:
            self.report.fail(
                "orders_final", f"{order_id}: settlement state {settlement_state}, expected {order['expected_state']}"
            )
        money = await self.get("recon-svc", f"/v1/orders/{order_id}/money")
        if money.status_code == 404:
            self.report.lost.append(f"{order_id}: unknown to recon-svc")
        else:
            figures = money.json()
            if figures.get("escrow_minor") != 0:
                self.report.fail("conservation", f"{order_id}: escrow {figures.get('escrow_minor')} left")
            if (figures.get("merchant_net_minor") or 0) != order["expected_net_minor"]:
                self.report.fail(
                    "order_net",
                    f"{order_id}: recon merchant net {figures.get('merchant_net_minor')}, driver {order['expected_net_minor']}",
                )
            refunded = order.get("expected_refunded_minor")
            if refunded is not None and (figures.get("refunded_to_buyer_minor") or 0) != refunded:
                self.report.fail(
                    "order_refunded",
                    f"{order_id}: recon refunded {figures.get('refunded_to_buyer_minor')}, driver {refunded}",
                )
        if order["fate"] != "ship":
            return
        settlement = await self.get("settlement-svc", f"/v1/orders/{order_id}/settlement", "ops")
        shipments = await self.get("logistics-svc", f"/v1/orders/{order_id}/shipments", "ops")
        if settlement.status_code != 200 or shipments.status_code != 200:
            self.report.lost.append(
                f"{order_id}: settlement {settlement.status_code}, logistics {shipments.status_code}"
            )
            return
        signed = {s["shipment_id"] for s in shipments.json() if s.get("signed_off_at")}
        holds = settlement.json()["holds"]
        for hold in holds:
            if hold["shipment_id"] not in signed:
                self.report.fail(
                    "no_money_without_sign_off", f"{order_id}: hold for {hold['shipment_id']} not signed off"
                )
        per_shipment = Counter(hold["shipment_id"] for hold in holds)
        self.report.duplicated += [f"{order_id}: {n} holds for {s}" for s, n in per_shipment.items() if n > 1]
        if len(per_shipment) < order["parcels"]:
            self.report.lost.append(f"{order_id}: {len(per_shipment)} of {order['parcels']} parcels booked")

    # --- merchants --------------------------------------------------------------------------

    async def check_merchant(self, merchant_id: str) -> None:
        merchant = self.merchants[merchant_id]
        expected = merchant["expected_net_minor"]
        found = (await self.get("settlement-svc", f"/v1/merchants/{merchant_id}/balances", merchant_id)).json()
        self.balances[merchant_id] = found
        amounts = found["balances_minor"]
        want = {**dict.fromkeys(FINAL_BALANCE_ACCOUNTS, 0), "paid_out": max(expected, 0)}
        if expected < 0:
            want["negative_balance"] = expected
        got = {k: amounts.get(k) for k in want}
        if got != want:
            self.report.fail("balances", f"{merchant_id}: {got}, driver expects {want}")
        payouts = await self.every("settlement-svc", f"/v1/merchants/{merchant_id}/payouts", merchant_id)
        self.payouts[merchant_id] = payouts
        paid = [p for p in payouts if p["status"] == "paid"]
        # A payout the bank failed or returned is final too: its money went back to available and
        # the merchant applied again (the balances above show it all paid out in the end).
        unfinished = [p["status"] for p in payouts if p["status"] not in ("paid", "failed", "returned")]
        if unfinished:
            self.report.fail("payouts", f"{merchant_id}: payouts not final: {unfinished}")
        if sum(p["amount_minor"] for p in paid) != max(expected, 0):
            self.report.fail(
                "payouts", f"{merchant_id}: paid {sum(p['amount_minor'] for p in paid)}, driver {expected}"
            )
        per_application = Counter(p["application_id"] for p in payouts)
        self.report.duplicated += [f"{merchant_id}: {n} payouts for {a}" for a, n in per_application.items() if n > 1]
        unknown = set(per_application) - set(merchant["application_ids"])
        if unknown:
            self.report.fail("payouts", f"{merchant_id}: payouts for applications the driver never made: {unknown}")
        await self.check_statement(merchant_id, found)

    async def check_statement(self, merchant_id: str, balances: dict[str, Any]) -> None:
        """Recon's statement for the whole run closes on settlement's balances to the fen."""
        now = datetime.fromisoformat((await self.client.get(f"{self.urls['recon-svc']}/_test/clock")).json()["now"])
        period = {
            "from": str(date.fromisoformat(self.record["first_day"]) - timedelta(days=1)),
            "to": str(now.astimezone(CHINA).date() + timedelta(days=1)),
        }
        response = await self.get("recon-svc", f"/v1/merchants/{merchant_id}/statements", merchant_id, **period)
        if response.status_code != 200:
            self.report.fail("statements", f"{merchant_id}: {response.status_code} {response.text[:200]}")
            return
        document = response.json()
        amounts = balances["balances_minor"]
        ledger_close = sum(v for k, v in amounts.items() if k != "paid_out") + balances["frozen_minor"]
        lines = sum(document["lines_minor"].values())
        problems = []
        if document["closing_balance_minor"] != ledger_close:
            problems.append(f"closing {document['closing_balance_minor']} != ledger {ledger_close}")
        if document["opening_balance_minor"] + lines != document["closing_balance_minor"]:
            problems.append(f"opening {document['opening_balance_minor']} + lines {lines} != closing")
        if document["paid_out_to_date_minor"] != amounts["paid_out"]:
            problems.append(f"paid out to date {document['paid_out_to_date_minor']} != ledger {amounts['paid_out']}")
        for problem in problems:
            self.report.fail("statements", f"{merchant_id}: {problem}")

    # --- refunds --------------------------------------------------------------------------

    async def check_refund(self, order_id: str) -> None:
        order = self.orders[order_id]
        response = await self.get("refund-svc", f"/v1/refunds/{order['refund_id']}", "ops")
        if response.status_code != 200:
            self.report.lost.append(f"refund {order['refund_id']} of {order_id}: {response.status_code}")
            return
        refund = response.json()
        self.refunds[refund["refund_id"]] = refund
        if refund["status"] != order["refund_expected"]:
            self.report.fail(
                "refunds_final", f"{refund['refund_id']}: {refund['status']}, expected {order['refund_expected']}"
            )

    # --- the whole platform ------------------------------------------------------------------

    async def check_ledger(self) -> None:
        check = (await self.get("settlement-svc", "/v1/ledger/check")).json()
        if not check["ok"] or check["unbalanced_transactions"] or check["balances_differing_from_postings"]:
            self.report.fail(
                "ledger_sums_to_zero",
                f"unbalanced {check['unbalanced_transactions'][:5]} drift {check['balances_differing_from_postings'][:5]}",
            )
        parked = [row for row in check["parked_events"] if row["order_id"] in self.orders]
        for row in parked:
            self.report.fail("nothing_parked", f"{row['order_id']}: {row['event_type']} parked: {row['reason']}")

    async def check_sandboxes(self) -> None:
        """The bank's executions are exactly the paid payouts; the refund provider's exactly the
        completed refunds (one each, for the amount), nothing for closed ones."""
        headers = {"Authorization": f"Bearer {self.record['sandbox_secret']}"}
        payouts = {p["payout_id"]: p for found in self.payouts.values() for p in found}
        executions = (
            await self.client.get(f"{self.urls['payout-sandbox']}/_sandbox/executions", headers=headers)
        ).json()
        ours = [e for e in executions["executions"] if e["request_id"] in payouts]
        counts = Counter(e["request_id"] for e in ours)
        self.report.duplicated += [f"payout {r} executed {n} times" for r, n in counts.items() if n > 1]
        for payout_id, payout in payouts.items():
            amounts = [e["amount_minor"] for e in ours if e["request_id"] == payout_id]
            if payout["status"] == "paid" and amounts[:1] != [payout["amount_minor"]]:
                self.report.fail(
                    "bank_matches_payouts", f"{payout_id}: bank executed {amounts}, payout {payout['amount_minor']}"
                )
        paid = [p for p in payouts.values() if p["status"] == "paid"]
        if len(counts) != len(paid) or sum(e["amount_minor"] for e in ours) != sum(p["amount_minor"] for p in paid):
            self.report.fail("bank_matches_payouts", f"{len(counts)} executions for {len(paid)} paid payouts")
        executions = (
            await self.client.get(f"{self.urls['refund-sandbox']}/_sandbox/executions", headers=headers)
        ).json()
        by_refund: dict[str, list[int]] = {}
        for execution in executions["executions"]:
            refund_id = execution["request_id"].rsplit("-", 1)[0]
            by_refund.setdefault(refund_id, []).append(execution["amount_minor"])
        for refund_id, refund in self.refunds.items():
            moved = by_refund.get(refund_id, [])
            if len(moved) > 1:
                self.report.duplicated.append(f"refund {refund_id} executed {len(moved)} times")
            through_provider = refund["status"] == "completed" and refund.get("refunded_via") in THROUGH_PROVIDER
            wanted = (
                [refund["amounts"]["refund_minor"]] if through_provider and refund["amounts"]["refund_minor"] else []
            )
            if moved[:1] != wanted:
                self.report.fail("refund_provider_matches", f"{refund_id} ({refund['status']}): provider moved {moved}")

    async def check_refunds_settled(self) -> None:
        """No refund of the run left failed or open (the SLA view lists every open refund), and no
        money left frozen: in the balances (API) nor on a refund settlement still holds open (SQL)."""
        found = unsettled_refunds(await self.every("refund-svc", "/v1/refund-sla"), self.merchants)
        for message in found["failed"]:
            self.report.fail("no_failed_refunds", message)
        for message in found["open"]:
            self.report.fail("no_open_refunds", message)
        for message in frozen_left(self.balances):
            self.report.fail("nothing_frozen", message)
        rows = await self.sql(
            "settlement-svc",
            "select refund_id, status, frozen_minor from settlement_refunds "
            "where merchant_id = any($1) and (status = 'open' or frozen_minor <> 0)",
            list(self.merchants),
        )
        for row in rows:
            self.report.fail(
                "nothing_frozen",
                f"{row['refund_id']}: settlement holds it {row['status']}, {row['frozen_minor']} frozen",
            )

    async def check_violations(self) -> None:
        """recon's live invariant checker: nothing open for the run's orders (API), and the same
        from its table (read-only SQL) in case the API's newest-500 page hides one."""
        found = await self.every("recon-svc", "/v1/invariants/violations")
        for violation in found:
            if violation["order_id"] in self.orders:
                self.report.fail(
                    "no_invariant_violations", f"{violation['order_id']}: {violation['check']} {violation['message']}"
                )
        rows = await self.sql(
            "recon-svc",
            "select check_name, order_id from invariant_violations where resolved_at is null and merchant_id = any($1)",
            list(self.merchants),
        )
        listed = {(v["check"], v["order_id"]) for v in found}
        for row in rows:
            if (row["check_name"], row["order_id"]) not in listed:
                self.report.fail("no_invariant_violations", f"{row['order_id']}: {row['check_name']} (database)")

    async def check_ledger_rows(self) -> None:
        """Read-only SQL where no API lists it: sign-off transactions per order (one per parcel)."""
        rows = await self.sql(
            "settlement-svc",
            "select order_id, count(*) as n from ledger_transactions where kind = 'sign_off' "
            "and merchant_id = any($1) group by order_id",
            list(self.merchants),
        )
        for row in rows:
            order = self.orders.get(row["order_id"])
            if order is None:
                self.report.fail(
                    "no_money_without_sign_off", f"{row['order_id']}: booked but never placed by the driver"
                )
            elif row["n"] > order["parcels"]:
                self.report.duplicated.append(
                    f"{row['order_id']}: {row['n']} sign-off transactions, {order['parcels']} parcels"
                )

    async def sql(self, service: str, query: str, *arguments: Any) -> list[asyncpg.Record]:
        # the SQLAlchemy URL's query (?ssl=disable) is a driver option, not a server setting
        dsn = self.record["database_urls"][service].replace("postgresql+asyncpg://", "postgresql://").split("?")[0]
        connection = await asyncpg.connect(dsn, ssl=False)
        try:
            async with connection.transaction(readonly=True):
                return list(await connection.fetch(query, *arguments))
        finally:
            await connection.close()

    async def run(self) -> dict[str, Any]:
        try:
            await self.each(self.merchants, self.read_settlement_states)
            await self.each(self.orders, self.check_order)
            await self.each(self.merchants, self.check_merchant)
            await self.each([o for o, v in self.orders.items() if v["refund_id"]], self.check_refund)
            lost_refunds = [o for o, v in self.orders.items() if v["refund_expected"] and not v["refund_id"]]
            self.report.lost += [f"{o}: refund never opened" for o in lost_refunds]
            await self.check_ledger()
            await self.check_sandboxes()
            await self.check_refunds_settled()
            await self.check_violations()
            await self.check_ledger_rows()
        finally:
            await self.client.aclose()
        return self.summary()

    def summary(self) -> dict[str, Any]:
        record = self.record
        not_placed = [o for o, v in record["orders"].items() if not v["placed"]]
        counts = {
            "lost": len(self.report.lost) + len(not_placed),
            "duplicated": len(self.report.duplicated),
            "regressed": len(record["regressed"]),
            "unclassified_errors": len(record["unclassified_errors"]),
        }
        checks = {
            name: {"ok": not failures, "failures": failures[:20]} for name, failures in self.report.checks.items()
        }
        for name in (
            "orders_final",
            "conservation",
            "order_net",
            "balances",
            "payouts",
            "statements",
            "refunds_final",
            "no_failed_refunds",
            "no_open_refunds",
            "nothing_frozen",
            "ledger_sums_to_zero",
            "bank_matches_payouts",
            "refund_provider_matches",
            "no_invariant_violations",
            "no_money_without_sign_off",
        ):
            checks.setdefault(name, {"ok": True, "failures": []})
        ok = not any(counts.values()) and all(check["ok"] for check in checks.values())
        duration = record["duration_s"]
        return {
            "ok": ok,
            "counts": counts,
            "orders": len(record["orders"]),
            "merchants": len(self.merchants),
            "payouts": sum(len(p) for p in self.payouts.values()),
            "refunds": len(self.refunds),
            "paid_out_minor": sum(p["amount_minor"] for found in self.payouts.values() for p in found),
            "duration_s": duration,
            "throughput_orders_per_s": round(len(record["orders"]) / duration, 2) if duration else None,
            "carrier": record["carrier"],
            "phase_s": record["phase_s"],
            "notes": record.get("notes", [])[:5],
            "checks": checks,
            "examples": {
                "lost": (self.report.lost + not_placed)[:10],
                "duplicated": self.report.duplicated[:10],
                "regressed": record["regressed"][:10],
                "unclassified_errors": record["unclassified_errors"][:10],
            },
        }


async def check(record: dict[str, Any]) -> dict[str, Any]:
    return await Checker(record).run()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("record", type=Path, help="the run record the driver wrote (var/surge/run-<id>.json)")
    args = parser.parse_args(argv)
    result = asyncio.run(check(json.loads(args.record.read_text())))
    print(json.dumps(result, indent=2, ensure_ascii=False))
    return 0 if result["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
