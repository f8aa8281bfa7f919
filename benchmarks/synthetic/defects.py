"""The defects of the findings variant, each confined to the file it is in.

A nightly run after deadlines passed, or a first import, sees a mix: audits
overdue, infrastructure in service out of warranty, references to ids no
entity has, and schema errors (a number written as text, a value outside its
list, a misspelt field, a date in the wrong form, an e-mail without @). No
defect changes an id or a value another file relies on, so the rest of the
registry stays as clean as in the clean variant. Draws come from the book's
defect stream only.
"""

from __future__ import annotations

import datetime as dt
import re

from synthetic.book import AS_OF, Book
from synthetic.values import INFRA
from synthetic.yamltext import block_list, flow_map, inline

MISSPELT = {"warranty": "warrenty", "purchase": "purchse", "notes": "note"}


def asset(
    book: Book, kind: str, fields: dict[str, str], audited: bool, interval: int, staff: list[str]
) -> None:
    """One defect in a hardware asset's fields."""
    rng = book.defect_rng
    options = [("reference", 25), ("schema", 30)]
    if audited and "audits" in fields:
        options.append(("audit", 30))
    deployed = fields.get("status") == " deployed"
    if kind in INFRA and deployed and "end:" in fields.get("warranty", ""):
        options.append(("warranty", 30))
    what = rng.choices([o for o, _ in options], [w for _, w in options])[0]
    book.defects[what] += 1
    if what == "audit":
        last = AS_OF - dt.timedelta(days=interval + 31 + rng.randint(1, 300))
        record = flow_map(
            (("date", last.isoformat()), ("by", rng.choice(staff)), ("result", "found"))
        )
        fields["audits"] = block_list([record])
    elif what == "warranty":
        ended = AS_OF - dt.timedelta(days=rng.randint(1, 400))
        fields["warranty"] = re.sub(r"end: \S+", f"end: {ended.isoformat()}", fields["warranty"])
    elif what == "reference":
        key = rng.choice([k for k in ("location", "owner", "model") if k in fields])
        value = fields[key].strip()
        broken = {
            "location": f"{value}-annex",
            "owner": f"EMP-{rng.randint(900000, 999999)}",
            "model": f"{value}-gen9",
        }[key]
        fields[key] = inline(broken)
    else:
        _schema(book, fields)


def _schema(book: Book, fields: dict[str, str]) -> None:
    rng = book.defect_rng
    options = ["unknown", "enum"]
    if "memory_gb" in fields:
        options.append("type")
    if "purchase" in fields:
        options.append("pattern")
    what = rng.choice(options)
    if what == "type":
        fields["memory_gb"] = inline(f'"{fields["memory_gb"].strip()} GB"')
    elif what == "pattern":
        fields["purchase"] = re.sub(
            r"date: (\d{4})-(\d\d)-(\d\d)", r"date: \3/\2/\1", fields["purchase"], count=1
        )
    elif what == "enum":
        fields["criticality"] = inline("urgent")
    else:
        key = next((k for k in MISSPELT if k in fields), None)
        if key is None:
            fields["comment"] = inline("added by hand")
            return
        renamed = {(MISSPELT[key] if k == key else k): v for k, v in fields.items()}
        fields.clear()
        fields.update(renamed)


def person(book: Book, fields: dict[str, str]) -> None:
    """A manager nobody is, or an e-mail address without its @."""
    rng = book.defect_rng
    if rng.random() < 0.5:
        book.defects["reference"] += 1
        fields["manager"] = inline(f"EMP-{rng.randint(900000, 999999)}")
    else:
        book.defects["schema"] += 1
        fields["email"] = inline(fields["email"].strip().replace("@", " at "))


def agreement(book: Book, fields: dict[str, str]) -> None:
    """A vendor that is not in the registry, or a criticality outside its list."""
    if book.defect_rng.random() < 0.5:
        book.defects["reference"] += 1
        fields["vendor"] = inline(f"{fields['vendor'].strip()}-emea")
    else:
        book.defects["schema"] += 1
        fields["criticality"] = inline("urgent")
