"""People and hardware: the bulk of a generated registry.

Each asset is drawn in two steps: its facts (state, model, owner, site,
location, criticality, purchase date), then its fields, dated from those facts
and the schedules of policies/ so that nothing is due, expiring or overdue as
of ``AS_OF``: audits and maintenance jobs are recent, warranties of assets in
service end outside the 90-day warning (an extended warranty where the
model's default would), infrastructure in service is covered by an active
support contract, models in service are far from end of life, disposals went
through the certified recycler with sanitisation evidence, and every
reference resolves.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
import zlib
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from synthetic import defects, places, policy
from synthetic.agreements import Agreements, purchase
from synthetic.book import AS_OF, Book, add_months
from synthetic.places import Site
from synthetic.values import (
    CATEGORY,
    DEPARTMENTS,
    FIRST,
    HARDWARE,
    INFRA,
    INFRA_NOTES,
    JOBS,
    LAST,
    MAINTENANCE,
    NOTES,
    OS,
    OUIS,
    RELOCATED,
    RESELLERS,
    RETIREMENT,
    SERIALS,
    SPEC,
    STATES,
    SUPPORT,
)
from synthetic.yamltext import (
    block_list,
    block_map,
    flow_list,
    flow_map,
    inline,
    mac_text,
    money,
    scalar,
)

AUDITED = frozenset({"deployed", "in-stock", "in-repair"})
TAGS = ("loaner", "vip", "refresh-2027", "lab")


@dataclass
class Person:
    id: str
    name: str
    department: str
    site: Site | None  # None: works from home
    email: str
    computers: list[str] = field(default_factory=list)  # deployed laptops and desktops


class Grower:
    """Plans and writes every generated entity of one registry."""

    def __init__(
        self, root: Path, seed: int, findings: bool, bundled: dict[str, list[Any]]
    ) -> None:
        self.book = Book(seed, bundled)
        self.findings = findings
        self.schedules = policy.read(root)
        self.models = {str(m["id"]): m for m in bundled.get("model", [])}
        self.places = places.bundled(bundled.get("location", []))
        self.agreements = Agreements(self.book)
        self.people: list[Person] = []
        self.by_id: dict[str, Person] = {}
        self.it_people: list[Person] = []
        self.staff = [
            str(e["id"]) for e in bundled.get("person", []) if e.get("department") == "IT"
        ]
        self.addresses = 0

    def grow(self, plan: dict[str, int]) -> None:
        """Write ``plan[kind]`` new entities of each kind into the book."""
        places.grow(self.book, self.places, plan["location"])
        self.plan_people(plan["person"])
        self.agreements.plan(plan["software-license"], plan["saas-subscription"], plan["contract"])
        for kind in HARDWARE:  # peripherals last: they connect to computers
            self.grow_hardware(kind, plan[kind])
        self.write_people()
        owners = [p.id for p in self.people] or self.staff
        scopes = [s.city for s in self.places.offices] or ["group"]
        self.agreements.write(owners, self.staff, scopes, self.findings)

    # --- people

    def plan_people(self, count: int) -> None:
        """People before their files: assets name their owners."""
        rng = self.book.rng
        emails: set[str] = set()
        departments = [(d, w) for d, _, w in DEPARTMENTS]
        for index in range(count):
            first, last = rng.choice(FIRST), rng.choice(LAST)
            department = "IT" if index == 0 else self.book.weighted(departments)
            offices = self.places.offices
            site = None if rng.random() < 0.1 or not offices else rng.choice(offices)
            base = f"{_ascii(first)}.{_ascii(last)}"
            email, n = base, 1
            while email in emails:
                n += 1
                email = f"{base}{n}"
            emails.add(email)
            person = Person(self.book.next_id("person"), f"{first} {last}", department, site, email)
            self.people.append(person)
            self.by_id[person.id] = person
            if department == "IT":
                self.staff.append(person.id)
                self.it_people.append(person)

    def write_people(self) -> None:
        book, rng = self.book, self.book.rng
        centre = {d: c for d, c, _ in DEPARTMENTS}
        by_department: dict[str, list[Person]] = defaultdict(list)
        for person in self.people:
            fields = {
                "id": inline(person.id),
                "kind": " person",
                "name": inline(scalar(person.name)),
                "email": inline(f"{person.email}@example.com"),
                "department": inline(scalar(person.department)),
            }
            colleagues = by_department[person.department]
            if colleagues:
                fields["manager"] = inline(rng.choice(colleagues[:8]).id)
            colleagues.append(person)
            held = self.agreements.seats(rng.choice((1, 1, 2, 2, 3)))
            if held:
                fields["licenses"] = inline(flow_list(a.id for a in held))
            fields["cost_center"] = inline(centre[person.department])
            if self.findings and book.defect_here():
                defects.person(book, fields)
            book.write("person", person.id, fields)

    # --- hardware

    def _models(self, kind: str, current: bool) -> list[str]:
        """Models of ``kind``; current ones stay a year clear of the
        end-of-life warning (180 days)."""
        limit = AS_OF + dt.timedelta(days=400)
        out = []
        for model_id, model in self.models.items():
            if model.get("category") == kind:
                eol = model.get("end_of_life")
                if (not isinstance(eol, dt.date) or eol > limit) == current:
                    out.append(model_id)
        return out

    def grow_hardware(self, kind: str, count: int) -> None:
        current = self._models(kind, True) or self._models(kind, False)
        old = self._models(kind, False) or current
        if not current:
            raise ValueError(f"the bundled registry has no model of category {kind}")
        for _ in range(count):
            self._asset(kind, current, old)

    def _asset(self, kind: str, current: list[str], old: list[str]) -> None:
        book, rng = self.book, self.book.rng
        state = book.weighted(STATES)
        in_service = state in ("deployed", "in-stock", "ordered", "planned")
        model_id = rng.choice(current if in_service or rng.random() < 0.5 else old)
        model = self.models[model_id]
        maker = str(model.get("manufacturer"))
        spec = {**CATEGORY.get(kind, {}), **SPEC.get(model_id, {})}
        entity_id = book.next_id(kind)
        infra = kind in INFRA
        owner = self._owner(kind, infra, state, entity_id)
        site = (owner.site if owner and not infra else None) or self._site(infra)
        location = self._where(kind, site, owner, state)
        criticality = self._criticality(kind)
        tags = [rng.choice(TAGS)] if rng.random() < 0.08 else []
        bought = self._bought(state, model)
        until = self._until(state, bought)
        facts = policy.Facts(
            kind,
            model_id,
            state,
            self.schedules.classes.get(state),
            criticality,
            frozenset(tags),
            self.places.chain(location),
        )
        short = str(model.get("name", model_id)).split(" ", 1)[-1]
        host = _hostname(kind, site, entity_id, spec)
        fields = {"id": inline(entity_id), "kind": inline(kind)}
        fields["name"] = inline(scalar(self._name(kind, short, state, owner, host, spec)))
        fields["status"] = inline(state)
        fields["model"] = inline(model_id)
        if state not in ("planned", "ordered"):
            shape = SERIALS.get(maker, "xxxxxxxxxx")
            fields["serial"] = inline(scalar(book.unique("serial", lambda: book.shaped(shape))))
            tag = book.unique("asset_tag", lambda: f"{site.tag}-{rng.randint(10000, 99999)}")
            fields["asset_tag"] = inline(tag)
        if owner and state not in ("disposed", "retired", "planned"):
            fields["owner"] = inline(owner.id)
        if location:
            fields["location"] = inline(location)
        if criticality:
            fields["criticality"] = inline(criticality)
        self._specifics(kind, fields, spec, maker, site, host, state, owner)
        if bought:
            currency, rate = site.currency
            cost = money(spec["price"] * rate * rng.uniform(0.85, 1.15), currency)
            vendor = RESELLERS.get(site.country, "cdw" if currency == "GBP" else "bechtle")
            fields["purchase"] = purchase(book, bought, vendor, cost, invoice=state != "ordered")
            self._warranty(kind, fields, state, bought, maker, model, entity_id)
        if kind in ("laptop", "desktop"):
            method = "FileVault" if maker == "apple" else "BitLocker"
            fields["encryption"] = inline(flow_map((("enabled", "true"), ("method", method))))
        if kind in ("laptop", "desktop", "mobile-device"):
            system = "Jamf Pro" if maker == "apple" else "Microsoft Intune"
            fields["mdm"] = inline(flow_map((("enrolled", "true"), ("system", system))))
        if kind == "mobile-device":
            method = "iOS data protection" if maker == "apple" else "Android file-based encryption"
            fields["encryption"] = inline(flow_map((("enabled", "true"), ("method", method))))
        if state not in ("retired", "disposed", "planned"):
            held = self.agreements.take(kind, 0.6 if infra else 0.15)
            if held:
                fields["licenses"] = inline(flow_list(held))
        interval = self.schedules.audit_interval(facts)
        if bought and (state in AUDITED or state in ("retired", "lost")):
            fields["audits"] = self._audits(bought, interval, until)
        if bought and state != "ordered":
            jobs = self._maintenance(bought, until or AS_OF, maker, facts)
            if jobs:
                fields["maintenance"] = jobs
        self._state_fields(kind, fields, state, until, maker)
        if rng.random() < 0.45 and "notes" not in fields:
            fields["notes"] = inline(scalar(rng.choice(INFRA_NOTES if infra else NOTES)))
        if tags:
            fields["tags"] = inline(flow_list(tags))
        if self.findings and book.defect_here():
            defects.asset(book, kind, fields, state in AUDITED, interval, self.staff)
        book.write(kind, entity_id, fields)

    def _site(self, infra: bool) -> Site:
        rng = self.book.rng
        if infra and self.places.datacenters and rng.random() < 0.7:
            return rng.choice(self.places.datacenters)
        return rng.choice(self.places.offices or self.places.datacenters)

    def _owner(self, kind: str, infra: bool, state: str, entity_id: str) -> Person | None:
        rng = self.book.rng
        if infra or (kind == "peripheral" and rng.random() < 0.15):
            return rng.choice(self.it_people) if self.it_people else None
        if state == "in-stock" or not self.people:
            return None
        person = rng.choice(self.people)
        if kind in ("laptop", "desktop") and state == "deployed":
            person.computers.append(entity_id)
        return person

    def _name(
        self,
        kind: str,
        short: str,
        state: str,
        owner: Person | None,
        host: str,
        spec: dict[str, Any],
    ) -> str:
        if kind in INFRA:
            role = {
                "server": self.book.rng.choice(
                    (
                        "vSphere host",
                        "database server",
                        "backup server",
                        "Kubernetes node",
                        "file server",
                    )
                ),
                "network-device": str(spec.get("role", "switch")).replace("-", " "),
                "storage": "shared storage",
            }[kind]
            return f"{host} - {role}"
        if kind == "peripheral" and spec.get("networked"):
            return f"{host} - {short}"
        who = owner.name if owner else "spare"
        if state in ("retired", "disposed"):
            return f"{short} - ex {who}"
        if state in ("planned", "ordered"):
            return f"{short} - {who} (on order)"
        return f"{short} - {who}"

    def _where(self, kind: str, site: Site, owner: Person | None, state: str) -> str | None:
        if state in ("planned", "ordered", "disposed", "lost"):
            return None
        if state in ("retired", "in-stock"):
            return site.stores or site.site
        if kind in INFRA:
            return site.site if site.datacenter else site.comms or site.site
        if owner is not None and owner.site is None and kind in ("laptop", "mobile-device"):
            return "remote"
        if kind == "mobile-device" or not site.floors:
            return site.site
        return self.book.rng.choice(site.floors)

    def _criticality(self, kind: str) -> str | None:
        roll = self.book.rng.random()
        if kind in INFRA:
            return "critical" if roll < 0.3 else "high" if roll < 0.8 else "medium"
        if kind in ("laptop", "desktop") and roll >= 0.6:
            return "high" if roll < 0.65 else "medium" if roll < 0.9 else "low"
        return None

    def _specifics(
        self,
        kind: str,
        fields: dict[str, str],
        spec: dict[str, Any],
        maker: str,
        site: Site,
        host: str,
        state: str,
        owner: Person | None,
    ) -> None:
        """The fields of the kind: role and type, CPU, OS, firmware, rack, network."""
        rng = self.book.rng
        if kind == "server":
            role = rng.choice(("hypervisor", "database", "backup", "kubernetes", "file"))
            fields["role"] = inline(role)
        if kind in ("laptop", "desktop", "server"):
            fields["cpu"] = inline(scalar(rng.choice(spec.get("cpu", ["Intel Core i5"]))))
            fields["memory_gb"] = inline(str(rng.choice(spec["memory"])))
            fields["storage_gb"] = inline(str(rng.choice(spec["storage"])))
        if kind == "network-device":
            fields["role"] = inline(spec["role"])
            fields["firmware"] = inline(scalar(spec["firmware"]))
            fields["ports"] = inline(str(spec["ports"]))
        if kind == "storage":
            fields["type"] = inline(spec["type"])
            fields["capacity_tb"] = inline(rng.choice(spec["capacity"]))
            fields["firmware"] = inline(scalar(spec["firmware"]))
        if kind == "peripheral":
            fields["type"] = inline(spec["type"])
            computers = owner.computers if owner else []
            if computers and spec["type"] in ("monitor", "dock"):
                fields["connected_to"] = inline(rng.choice(computers))
        if kind in ("laptop", "desktop", "server", "mobile-device"):
            family = "server" if kind == "server" else "apple" if maker == "apple" else "windows"
            if kind == "mobile-device":
                family = "apple-mobile" if maker == "apple" else "mobile"
            name, version = rng.choice(OS[family])
            fields["os"] = block_map((("name", scalar(name)), ("version", scalar(version))))
        if kind == "mobile-device" and state not in ("planned", "ordered"):
            imei = "35" + "".join(str(rng.randrange(10)) for _ in range(13))
            fields["imei"] = inline(scalar(imei))
        if kind in INFRA and site.datacenter and site.racks and state in ("deployed", "in-repair"):
            rack = (("location", rng.choice(site.racks)), ("unit", str(rng.randint(1, 42))))
            fields["rack"] = block_map(rack)
        networked = kind in ("laptop", "desktop") or kind in INFRA or spec.get("networked")
        if networked and state not in ("planned", "ordered", "disposed"):
            fields["network"] = self._network(kind, maker, site, host)

    def _network(self, kind: str, maker: str, site: Site, host: str) -> str:
        book, rng = self.book, self.book.rng
        oui = OUIS.get(maker, ("02:00:5e",))
        nics = rng.randint(2, 4) if kind in ("server", "storage") else 1

        def mac() -> str:
            return rng.choice(oui) + ":" + ":".join(f"{rng.randrange(256):02x}" for _ in range(3))

        macs = [book.unique("mac", mac) for _ in range(nics)]
        managed = kind in INFRA or kind == "peripheral"
        pairs = [("hostname", host + (".corp.example.com" if managed else ""))]
        pairs.append(("mac_addresses", flow_list(mac_text(m) for m in macs)))
        if managed:
            self.addresses += 1
            subnet = zlib.crc32(site.site.encode()) % 200 + 20
            n = self.addresses
            ip = f"10.{subnet}.{n // 250 % 250}.{n % 250 + 2}"
            ips = [ip, ip.replace("10.", "172.", 1)] if kind == "server" else [ip]
            pairs.append(("ip_addresses", flow_list(ips)))
        return block_map(pairs)

    def _bought(self, state: str, model: dict[str, Any]) -> dt.date | None:
        book = self.book
        if state == "planned":
            return None
        if state == "ordered":
            return book.days_ago(1, 20)
        if state == "in-stock":
            return book.days_ago(5, 200)
        released = model.get("released")
        oldest = (AS_OF - released).days if isinstance(released, dt.date) else 2000
        if state in ("retired", "disposed"):
            return book.days_ago(min(1100, oldest), min(2200, oldest))
        return book.days_ago(30, max(31, min(1500, oldest)))

    def _warranty(
        self,
        kind: str,
        fields: dict[str, str],
        state: str,
        bought: dt.date,
        maker: str,
        model: dict[str, Any],
        entity_id: str,
    ) -> None:
        """The warranty; for assets in service, clear of the 90-day warning."""
        rng = self.book.rng
        if kind in INFRA and state in ("deployed", "in-repair", "ordered"):
            contract = self.agreements.support(maker, "active")
            if contract is not None and contract.end is not None:
                contract.covers.append(entity_id)
                cover = (
                    ("start", max(bought, contract.start).isoformat()),
                    ("end", contract.end.isoformat()),
                    ("contract", contract.id),
                    ("provider", maker if maker in SUPPORT else contract.vendor),
                )
                fields["warranty"] = block_map(cover)
                return
            months = 60
        elif kind in INFRA:
            ended = self.agreements.support(maker, "ended")
            if ended is not None:
                ended.covers.append(entity_id)
            months = 36
        else:
            months = int(model.get("warranty_months") or 12)
            if kind == "laptop" and rng.random() < 0.5:
                months = rng.choice((36, 48))
        if state == "deployed" and -10 <= (add_months(bought, months) - AS_OF).days <= 100:
            months += 12  # an extended warranty, recorded in the asset's file
        if kind in INFRA or months != model.get("warranty_months") or rng.random() < 0.3:
            term = (("start", bought.isoformat()), ("months", str(months)), ("provider", maker))
            fields["warranty"] = block_map(term)
        if kind == "laptop" and state == "deployed" and rng.random() < 0.1:
            lease = self.agreements.lease()
            if lease is not None:
                lease.covers.append(entity_id)

    def _audits(self, bought: dt.date, interval: int, until: dt.date | None) -> str:
        """Audit records since the purchase, five at most. In service the last
        is recent enough that the next is not due within 45 days; otherwise
        the audits stop before the asset was retired or lost (``until``)."""
        rng = self.book.rng
        if until is not None:
            last = until - dt.timedelta(days=rng.randint(0, min((until - bought).days, 300)))
        else:
            age = (AS_OF - bought).days
            last = AS_OF - dt.timedelta(days=rng.randint(1, max(1, min(age, interval - 45))))
        dates = [last]
        while len(dates) < 5 and (dates[-1] - bought).days > interval:
            dates.append(dates[-1] - dt.timedelta(days=interval - rng.randint(0, 30)))
        records = []
        for index, day in enumerate(reversed(dates)):
            pairs = [("date", day.isoformat()), ("by", rng.choice(self.staff))]
            if index < len(dates) - 1 and rng.random() < 0.2:
                pairs.append(("result", "relocated"))
                pairs.append(("notes", scalar(rng.choice(RELOCATED), True)))
            else:
                pairs.append(("result", "found"))
            records.append(flow_map(pairs))
        return block_list(records)

    def _maintenance(
        self, bought: dt.date, until: dt.date, maker: str, facts: policy.Facts
    ) -> str | None:
        """Scheduled jobs recent enough for assets in service, and now and
        then a repair before ``until``; oldest first."""
        rng = self.book.rng
        age = max(2, (until - bought).days)
        jobs: list[tuple[dt.date, str]] = []
        if facts.state_class == "deployed":
            for name, days in self.schedules.maintenance_of(facts):
                when = AS_OF - dt.timedelta(days=rng.randint(1, max(1, min(age - 1, days - 45))))
                pairs = (
                    ("date", when.isoformat()),
                    ("type", name),
                    ("ticket", f"CHG-{rng.randint(1000, 9999)}"),
                    ("description", scalar(JOBS.get(name, "Done as scheduled."), True)),
                )
                jobs.append((when, flow_map(pairs)))
        if rng.random() < 0.25:
            when = bought + dt.timedelta(days=rng.randint(1, age - 1))
            vendor = (
                maker if maker in SUPPORT or maker in ("lenovo", "apple", "samsung") else "dell"
            )
            pairs = (
                ("date", when.isoformat()),
                ("ticket", f"INC-{rng.randint(10000, 29999)}"),
                ("vendor", vendor),
                ("description", scalar(rng.choice(MAINTENANCE), True)),
            )
            jobs.append((when, flow_map(pairs)))
        return block_list(text for _, text in sorted(jobs)) if jobs else None

    def _until(self, state: str, bought: dt.date | None) -> dt.date | None:
        """When an asset left service: its retirement or its loss."""
        if bought is None or state not in ("retired", "disposed", "lost"):
            return None
        age = (AS_OF - bought).days
        if state == "lost":
            return self.book.days_ago(5, min(age - 1, 400))
        return self.book.days_ago(60, min(age - 1, 900))

    def _state_fields(
        self, kind: str, fields: dict[str, str], state: str, until: dt.date | None, maker: str
    ) -> None:
        """What the state requires: a repair ticket, a retirement, a disposal, a loss."""
        book, rng = self.book, self.book.rng
        if state == "in-repair":
            vendor = maker if maker in ("dell", "lenovo", "hpe", "cisco", "apple") else "dell"
            fields["repair"] = block_map(
                (
                    ("since", book.days_ago(1, 25).isoformat()),
                    ("ticket", f"INC-{rng.randint(20000, 29999)}"),
                    ("vendor", vendor),
                    ("description", scalar(rng.choice(MAINTENANCE))),
                )
            )
        elif state in ("retired", "disposed") and until is not None:
            reason = scalar(rng.choice(RETIREMENT))
            fields["retirement"] = block_map((("date", until.isoformat()), ("reason", reason)))
            if state == "disposed":
                fields["disposal"] = self._disposal(kind, until)
        elif state == "lost" and until is not None:
            fields["loss"] = block_map(
                (
                    ("date", until.isoformat()),
                    ("type", rng.choice(("lost", "stolen"))),
                    ("report", f"INC-{rng.randint(10000, 29999)}"),
                )
            )
        elif state == "planned":
            fields["notes"] = inline("Budgeted for a new hire; order once the offer is signed.")

    def _disposal(self, kind: str, retired: dt.date) -> str:
        """Through the certified recycler, after the retirement, data wiped first."""
        rng = self.book.rng
        disposed = min(AS_OF, retired + dt.timedelta(days=rng.randint(10, 50)))
        wiped = max(retired, disposed - dt.timedelta(days=rng.randint(0, 3)))
        pairs = [
            ("date", disposed.isoformat()),
            ("method", rng.choice(("recycling", "resale", "recycling", "destruction"))),
            ("vendor", "greenit-recycling"),
            ("certificate", f"GIT-COD-{disposed.year}-{rng.randint(1000, 9999)}"),
        ]
        if kind in ("laptop", "desktop", "server", "mobile-device", "storage"):
            evidence = (
                ("method", rng.choice(("purge", "destroy"))),
                ("standard", "NIST SP 800-88 Rev. 1"),
                ("date", wiped.isoformat()),
                ("by", "GreenIT Recycling Ltd"),
                ("certificate", f"GIT-DS-{disposed.year}-{rng.randint(1000, 9999)}"),
            )
            pairs.append(("sanitization", block_map(evidence, indent="    ")))
        return block_map(pairs)


def _hostname(kind: str, site: Site, entity_id: str, spec: dict[str, Any]) -> str:
    short = {
        "laptop": "lt",
        "desktop": "dt",
        "server": "srv",
        "storage": "san" if spec.get("type") == "san" else "nas",
        "network-device": {"firewall": "fw", "access-point": "ap"}.get(spec.get("role", ""), "sw"),
        "peripheral": {"printer": "prn", "ups": "ups", "conference": "room"}.get(
            spec.get("type", ""), "per"
        ),
    }.get(kind, "dev")
    return f"{site.code}-{short}{entity_id.rpartition('-')[2]}"


def _ascii(text: str) -> str:
    """A name as the local part of an e-mail address."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return plain.lower().replace("'", "")
