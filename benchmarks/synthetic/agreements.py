"""Licenses, subscriptions and contracts: planned first, written last.

Assets and people take seats and contract cover while they are written;
each agreement's file comes after, with as many seats as were taken (plus a
few spare) and the list of assets its contract covers. Active agreements
renew or end well outside the notice windows of policies/.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from synthetic import defects
from synthetic.book import AS_OF, Book, add_months
from synthetic.values import AGREEMENT_STATES, INVOICE, LICENSES, SAAS, SUPPORT
from synthetic.yamltext import block_map, flow_list, inline, money, scalar


@dataclass
class Agreement:
    """One license, subscription or contract before its file is written."""

    id: str
    kind: str
    vendor: str
    status: str
    start: dt.date
    end: dt.date | None
    product: str  # the product, or the contract type
    holder: str = ""  # who takes seats: person, server, laptop
    held: int = 0
    covers: list[str] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)


def purchase(book: Book, when: dt.date, vendor: str, cost: str | None, invoice: bool = True) -> str:
    """A ``purchase`` block."""
    rng = book.rng
    pairs = [
        ("date", when.isoformat()),
        ("vendor", vendor),
        ("order", f"PO-{when.year}-{rng.randint(1, 999):04d}"),
    ]
    if invoice:
        prefix = INVOICE.get(vendor, "INV-").format(year=when.year, country="NO")
        pairs.append(("invoice", f"{prefix}{rng.randint(1000000, 9999999)}"))
    if cost:
        pairs.append(("cost", cost))
    return block_map(pairs)


class Agreements:
    """The registry's agreements and the pools assets draw them from."""

    def __init__(self, book: Book) -> None:
        self.book = book
        self.all: list[Agreement] = []
        self.pools: dict[str, list[Agreement]] = defaultdict(list)

    def plan(self, licenses: int, subscriptions: int, contracts: int) -> None:
        """Ids, products, states and terms; the first of each product is active."""
        book, rng = self.book, self.book.rng
        for index in range(subscriptions):
            vendor, product, plan, price = SAAS[index % len(SAAS)]
            status = "active" if index < len(SAAS) else book.weighted(AGREEMENT_STATES)
            entity_id = book.next_id("saas-subscription")
            a = Agreement(
                entity_id,
                "saas-subscription",
                vendor,
                status,
                book.days_ago(60, 2000),
                None,
                product,
            )
            a.holder, a.extra = "person", {"plan": plan, "price": price}
            self.all.append(a)
        for index in range(licenses):
            vendor, product, kind, metric, holder, price = LICENSES[index % len(LICENSES)]
            status = "active" if index < len(LICENSES) else book.weighted(AGREEMENT_STATES)
            end = None
            if status == "ended":
                end = book.days_ago(30, 700)
            elif kind == "subscription":
                end = AS_OF + dt.timedelta(days=rng.randint(120, 1100))
            entity_id = book.next_id("software-license")
            a = Agreement(
                entity_id, "software-license", vendor, status, book.days_ago(60, 1500), end, product
            )
            a.holder, a.extra = holder, {"type": kind, "metric": metric, "price": price}
            self.all.append(a)
        vendors = sorted({v for v, _ in SUPPORT.values()})
        for index in range(contracts):
            roll = rng.random()
            kind = "support" if roll < 0.75 or index < 4 else "lease" if roll < 0.9 else "service"
            status = "active" if index < 8 else book.weighted(AGREEMENT_STATES)
            vendor = {"lease": "grenke", "service": "equinix"}.get(kind) or vendors[
                index % len(vendors)
            ]
            if status == "ended":
                start, end = book.days_ago(1900, 2600), book.days_ago(30, 900)
            elif status == "planned":
                start = AS_OF + dt.timedelta(days=rng.randint(20, 120))
                end = add_months(start, 36)
            else:
                start = book.days_ago(100, 1400)
                end = AS_OF + dt.timedelta(days=rng.randint(150, 1600))
            self.all.append(
                Agreement(book.next_id("contract"), "contract", vendor, status, start, end, kind)
            )
        for a in self.all:
            if a.kind != "contract" and a.status == "active":
                self.pools[a.holder].append(a)
            elif a.product == "support":
                self.pools[f"support:{a.status}:{a.vendor}"].append(a)
                self.pools[f"support:{a.status}"].append(a)
            elif a.product == "lease" and a.status == "active":
                self.pools["lease"].append(a)

    def take(self, holder: str, chance: float) -> list[str]:
        """With ``chance``, a seat of an active license that ``holder`` kinds hold."""
        pool = self.pools.get(holder)
        if not pool or self.book.rng.random() >= chance:
            return []
        agreement = self.book.rng.choice(pool)
        agreement.held += 1
        return [agreement.id]

    def seats(self, count: int) -> list[Agreement]:
        """``count`` different per-user seats for a person."""
        pool = self.pools.get("person", [])
        held = self.book.rng.sample(pool, min(len(pool), count))
        for agreement in held:
            agreement.held += 1
        return held

    def support(self, manufacturer: str, status: str) -> Agreement | None:
        """A support contract in ``status`` for a maker's hardware, its own vendor's if any."""
        vendor = SUPPORT.get(manufacturer, ("park-place", ""))[0]
        pool = self.pools.get(f"support:{status}:{vendor}") or self.pools.get(f"support:{status}")
        return self.book.rng.choice(pool) if pool else None

    def lease(self) -> Agreement | None:
        pool = self.pools.get("lease")
        return self.book.rng.choice(pool) if pool else None

    def write(self, owners: list[str], staff: list[str], scopes: list[str], findings: bool) -> None:
        """Every agreement's file, now that seats and cover are known."""
        book, rng = self.book, self.book.rng
        for a in self.all:
            fields = {"id": inline(a.id), "kind": inline(a.kind)}
            scope = rng.choice(scopes)
            if a.kind == "contract":
                self._contract(a, fields, scope, staff)
            else:
                fields["name"] = inline(scalar(f"{a.product} - {scope}"))
                fields["status"] = inline(a.status)
                fields["vendor"] = inline(a.vendor)
                fields["owner"] = inline(rng.choice(owners))
                spare = rng.randint(0, max(2, a.held // 10)) if a.status == "active" else 0
                seats = max(1, a.held + spare)
                currency = rng.choice(("EUR", "GBP", "USD"))
                cost = money(seats * a.extra["price"], currency)
                if a.kind == "saas-subscription":
                    self._subscription(a, fields, seats, cost)
                else:
                    self._license(a, fields, seats, cost)
            if findings and book.defect_here():
                defects.agreement(book, fields)
            book.write(a.kind, a.id, fields)

    def _subscription(self, a: Agreement, fields: dict[str, str], seats: int, cost: str) -> None:
        rng = self.book.rng
        fields["criticality"] = inline(rng.choice(("medium", "high", "critical")))
        fields["plan"] = inline(scalar(a.extra["plan"]))
        fields["seats"] = inline(str(seats))
        fields["start"] = inline(a.start.isoformat())
        fields["billing"] = block_map((("period", "annual"), ("cost", cost)))
        if a.status == "ended":
            renewal = self.book.days_ago(30, 600)
            fields["renewal"] = inline(renewal.isoformat())
            fields["end"] = inline(renewal.isoformat())
            fields["auto_renew"] = " false"
        else:
            renewal = AS_OF + dt.timedelta(days=rng.randint(100, 360))
            fields["renewal"] = inline(renewal.isoformat())
            fields["auto_renew"] = inline(rng.choice(("true", "false")))
            fields["notice_days"] = inline(str(rng.choice((30, 30, 60))))
        fields["purchase"] = purchase(self.book, a.start, rng.choice(("cdw", "bechtle")), None)

    def _license(self, a: Agreement, fields: dict[str, str], seats: int, cost: str) -> None:
        rng = self.book.rng
        fields["product"] = inline(scalar(a.product))
        fields["license_type"] = inline(a.extra["type"])
        fields["metric"] = inline(a.extra["metric"])
        fields["seats"] = inline(str(seats))
        fields["start"] = inline(a.start.isoformat())
        if a.end:
            fields["end"] = inline(a.end.isoformat())
        reference = f"Vendor portal, agreement {rng.randint(1000000, 9999999)}"
        fields["key_reference"] = inline(scalar(reference))
        fields["purchase"] = purchase(self.book, a.start, rng.choice(("cdw", "bechtle")), cost)

    def _contract(self, a: Agreement, fields: dict[str, str], scope: str, staff: list[str]) -> None:
        rng = self.book.rng
        products = dict(SUPPORT.values())
        name = {
            "support": f"{products.get(a.vendor, 'Support')}, {scope} infrastructure",
            "lease": f"GRENKE lease, {scope} laptops",
            "service": f"Colocation and remote hands, {scope}",
        }[a.product]
        fields["name"] = inline(scalar(name))
        fields["status"] = inline(a.status)
        fields["vendor"] = inline(a.vendor)
        fields["owner"] = inline(rng.choice(staff))
        fields["criticality"] = inline(rng.choice(("medium", "high", "critical")))
        fields["type"] = inline(a.product)
        fields["reference"] = inline(scalar(str(rng.randint(1000000000, 9999999999))))
        fields["start"] = inline(a.start.isoformat())
        if a.end:
            fields["end"] = inline(a.end.isoformat())
        fields["notice_days"] = inline(str(rng.choice((30, 60, 90))))
        if a.covers:
            fields["covers"] = inline(flow_list(a.covers))
        fields["cost"] = inline(
            money(rng.randint(20, 400) * 100, rng.choice(("EUR", "GBP", "USD")))
        )
