"""Disposal checks: evidence, a certified vendor, and retirement first."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, ClassVar

from itam.checks.base import FIELD_LIST, KIND_LIST, Check, nearest, present
from itam.dates import parse_date
from itam.findings import Finding
from itam.pointers import get

if TYPE_CHECKING:
    from itam.policy.context import Context
    from itam.policy.model import Rule

STORAGE_KINDS = ["laptop", "desktop", "server", "mobile-device", "storage"]
STANDARDS = ["R2", "e-Stewards", "NAID AAA"]


class DisposalEvidence(Check):
    """A disposed asset needs its disposal certificate and, for kinds that
    hold data (``storage_kinds``), evidence of data sanitisation following
    NIST SP 800-88: the method (clear, purge or destroy), the date, who did it
    and the certificate. The sanitisation must not be dated after the
    disposal: data is wiped before the device leaves."""

    name = "disposal.evidence"
    summary = "disposal certificate and data-sanitisation evidence"
    params: ClassVar[dict[str, Any]] = {
        "storage_kinds": {
            **KIND_LIST,
            "default": STORAGE_KINDS,
            "description": "Kinds that hold data and need sanitisation evidence.",
        },
        "fields": {
            **FIELD_LIST,
            "default": ["disposal.certificate"],
            "description": "Fields every disposed asset needs.",
        },
        "sanitization_fields": {
            **FIELD_LIST,
            "default": [
                "disposal.sanitization.method",
                "disposal.sanitization.date",
                "disposal.sanitization.by",
                "disposal.sanitization.certificate",
            ],
            "description": "Fields a disposed asset of a storage kind needs.",
        },
    }
    good_example = (
        "status: disposed\ndisposal:\n  certificate: GIT-2025-0412\n  sanitization:\n"
        "    method: purge\n    date: 2025-03-02\n    by: GreenIT technician\n"
        "    certificate: GIT-WIPE-77812"
    )
    bad_example = "status: disposed\ndisposal: {date: 2025-03-04, method: recycling}"

    def __init__(self, params: dict[str, Any]) -> None:
        self.storage_kinds = frozenset(params["storage_kinds"])
        self.fields = list(params["fields"])
        self.sanitization = list(params["sanitization_fields"])

    def run(self, ctx: Context, rule: Rule) -> Iterator[Finding]:
        for entity in ctx.select(rule):
            wanted = list(self.fields)
            if entity.kind in self.storage_kinds:
                wanted += self.sanitization
            missing = [f for f in wanted if not present(get(entity.data, f))]
            if missing:
                yield ctx.finding(
                    rule,
                    entity,
                    nearest(entity.data, "disposal.sanitization"),
                    f"disposal evidence missing: {', '.join(missing)}",
                )
            wiped = parse_date(get(entity.data, "disposal.sanitization.date"))
            disposed = parse_date(get(entity.data, "disposal.date"))
            if wiped and disposed and wiped > disposed:
                yield ctx.finding(
                    rule,
                    entity,
                    "/disposal/sanitization/date",
                    f"data was sanitised on {wiped.isoformat()}, after the disposal on "
                    f"{disposed.isoformat()}: data must be wiped before the device leaves",
                )


class DisposalVendorCertified(Check):
    """The vendor named in ``disposal.vendor`` must have the ``role`` (default
    disposal) and a certification of one of ``standards`` that had not expired
    on the disposal date."""

    name = "disposal.vendor-certified"
    summary = "disposal went through a certified vendor"
    params: ClassVar[dict[str, Any]] = {
        "role": {"type": "string", "default": "disposal", "description": "The vendor role."},
        "standards": {
            **FIELD_LIST,
            "default": STANDARDS,
            "description": "Certifications that count.",
        },
    }
    good_example = "disposal: {vendor: greenit-recycling, date: 2025-03-04}  # R2 until 2027-03-31"
    bad_example = "disposal: {vendor: cdw, date: 2025-03-04}    # a reseller, no R2/e-Stewards"

    def __init__(self, params: dict[str, Any]) -> None:
        self.role = str(params["role"])
        self.standards = frozenset(params["standards"])

    def run(self, ctx: Context, rule: Rule) -> Iterator[Finding]:
        for entity in ctx.select(rule):
            vendor_id = get(entity.data, "disposal.vendor")
            if not isinstance(vendor_id, str):
                continue
            vendor = ctx.catalog.get(vendor_id)
            if vendor is None or vendor.kind != "vendor":
                continue  # integrity.reference reports it
            when = parse_date(get(entity.data, "disposal.date")) or ctx.as_of
            problem = self._problem(vendor.data, when)
            if problem:
                yield ctx.finding(
                    rule, entity, "/disposal/vendor", f"disposal vendor {vendor_id} {problem}"
                )

    def _problem(self, vendor: dict[str, Any], when: Any) -> str | None:
        roles = vendor.get("roles")
        if not isinstance(roles, list) or self.role not in roles:
            return f"does not have the {self.role!r} role"
        certifications = vendor.get("certifications")
        valid = [
            c
            for c in (certifications if isinstance(certifications, list) else [])
            if isinstance(c, dict)
            and c.get("standard") in self.standards
            and ((expires := parse_date(c.get("expires"))) is None or expires >= when)
        ]
        if not valid:
            return (
                f"held no valid {' / '.join(sorted(self.standards))} certification "
                f"on {when.isoformat()}"
            )
        return None


class DisposalAfterRetirement(Check):
    """An asset is retired (decommissioned) before it is disposed of: the
    retirement date must be on record and not after the disposal date, and
    the disposal date must not lie in the future."""

    name = "disposal.after-retirement"
    summary = "disposal follows retirement"
    good_example = "retirement: {date: 2025-01-31}\ndisposal: {date: 2025-03-04}"
    bad_example = "retirement: {date: 2025-04-30}\ndisposal: {date: 2025-03-04}"

    def run(self, ctx: Context, rule: Rule) -> Iterator[Finding]:
        for entity in ctx.select(rule):
            disposed = parse_date(get(entity.data, "disposal.date"))
            retired = parse_date(get(entity.data, "retirement.date"))
            if retired is None:
                yield ctx.finding(
                    rule,
                    entity,
                    nearest(entity.data, "retirement.date"),
                    "disposed without a retirement date: record retirement.date and reason",
                )
            elif disposed is not None and disposed < retired:
                yield ctx.finding(
                    rule,
                    entity,
                    "/disposal/date",
                    f"disposed on {disposed.isoformat()}, before its retirement on "
                    f"{retired.isoformat()}",
                )
            if disposed is not None and disposed > ctx.as_of:
                yield ctx.finding(
                    rule,
                    entity,
                    "/disposal/date",
                    f"the disposal date {disposed.isoformat()} lies in the future",
                )
