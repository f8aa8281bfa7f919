"""Support checks: operating systems and firmware past, or near, their vendor's end of support.

What an asset runs is matched to a release cycle of ``reference/`` through the
``software:`` mapping of policies/ (see ``itam.support``); the end of
support is that release's ``eol`` (end of security fixes). Operating systems
(``os.name`` + ``os.version``) and firmware (the model's ``firmware_family``
+ the asset's ``firmware``) have rules of their own, so that each can be
scoped, graded and waived apart.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, ClassVar

from itam.checks.base import EXAMPLES_AS_OF, Check, days, in_days
from itam.findings import Finding

if TYPE_CHECKING:
    from itam.entities import Entity
    from itam.policy.context import Context
    from itam.policy.model import Rule
    from itam.support import Support

# Ids listed in an unmatched finding before "and N more".
_LISTED = 5


class _SupportCheck(Check):
    # "os" or "firmware": which of an asset's software the check judges.
    source: ClassVar[str]

    def supports(self, ctx: Context, rule: Rule) -> Iterator[tuple[Entity, Support]]:
        for entity in ctx.select(rule):
            for item in ctx.software(entity):
                if item.source == self.source:
                    yield entity, item


def _extended(item: Support) -> str:
    """A note on paid extended support, when the release has some beyond its end."""
    release = item.release
    if release is None or release.eoes is None or isinstance(release.eoes, bool):
        return ""
    return f"; extended support (at extra cost) until {release.eoes.isoformat()}"


class _Unsupported(_SupportCheck):
    def run(self, ctx: Context, rule: Rule) -> Iterator[Finding]:
        for entity, item in self.supports(ctx, rule):
            end = item.release.eol if item.release is not None else None
            if end is True:
                when = "has ended (the reference gives no date)"
            elif end is None or isinstance(end, bool) or end >= ctx.as_of:
                continue
            else:
                when = f"ended on {end.isoformat()}, {days((ctx.as_of - end).days)} ago"
            yield ctx.finding(
                rule,
                entity,
                item.pointer,
                f"{item.subject()} is {item.matched()}, whose support {when} "
                f"({item.file}){_extended(item)}; upgrade it, or record a waiver with a date",
            )


class _EolApproaching(_SupportCheck):
    params: ClassVar[dict[str, Any]] = {
        "within_days": {
            "type": "integer",
            "minimum": 1,
            "default": 180,
            "description": "How many days ahead of the end of support to warn.",
        }
    }

    def __init__(self, params: dict[str, Any]) -> None:
        self.within = int(params["within_days"])

    def run(self, ctx: Context, rule: Rule) -> Iterator[Finding]:
        for entity, item in self.supports(ctx, rule):
            end = item.release.eol if item.release is not None else None
            if end is None or isinstance(end, bool):
                continue
            left = (end - ctx.as_of).days
            if 0 <= left <= self.within:
                yield ctx.finding(
                    rule,
                    entity,
                    item.pointer,
                    f"{item.subject()} is {item.matched()}, whose support ends on "
                    f"{end.isoformat()}, {in_days(left)} ({item.file}){_extended(item)}; "
                    "plan the upgrade",
                )


class _Unmatched(_SupportCheck):
    reads_selection = True

    def run(self, ctx: Context, rule: Rule) -> Iterator[Finding]:
        # One finding per distinct software, on the first asset (in file
        # order) that records it: one mapping entry fixes them all.
        groups: dict[tuple[str, str, str], list[tuple[Entity, Support]]] = {}
        for entity, item in self.supports(ctx, rule):
            if item.release is not None:
                continue
            name = (item.name or "").casefold() or f"model {entity.get('model')}"
            groups.setdefault((name, item.version or "", item.problem or ""), []).append(
                (entity, item)
            )
        for group in groups.values():
            entity, item = group[0]
            ids = [str(e.id) for e, _ in group]
            listed = ", ".join(ids[:_LISTED]) + (
                f" and {len(ids) - _LISTED} more" if len(ids) > _LISTED else ""
            )
            count = "1 asset" if len(ids) == 1 else f"{len(ids)} assets"
            yield ctx.finding(
                rule,
                entity,
                item.pointer,
                f"{item.subject()} matches no known release: {item.problem}; recorded by "
                f"{count} ({listed}); until it is mapped, nothing tells when its support ends",
            )


class SoftwareUnsupported(_Unsupported):
    """An asset in service runs an operating system whose vendor support (security
    fixes) has ended: the release's ``eol`` in reference/ has passed. Upgrade
    it, or record a waiver with a date (an extended-support contract, say)."""

    name = "software.unsupported"
    source = "os"
    summary = "an operating system is past its vendor's end of support"
    good_example = (
        "status: deployed\n"
        "os: {name: Windows 11 Enterprise, version: 24H2}    # windows 11-24h2-e: to 2027-10-12"
    )
    bad_example = (
        "status: deployed\n"
        "os: {name: Windows 11 Pro, version: 24H2}    # windows 11-24h2-w: ended 2026-10-13"
    )
    examples_as_of = EXAMPLES_AS_OF


class FirmwareUnsupported(_Unsupported):
    """An asset in service runs firmware whose vendor support has ended: the
    release (of the model's ``firmware_family``) has an ``eol`` in reference/
    that has passed. Upgrade it, or record a waiver with a date."""

    name = "firmware.unsupported"
    source = "firmware"
    summary = "firmware is past its vendor's end of support"
    good_example = (
        "model: fortinet-fortigate-100f    # firmware_family: FortiOS\n"
        "firmware: 7.4.8    # fortios 7.4: supported to 2028-11-11"
    )
    bad_example = (
        "model: fortinet-fortigate-100f    # firmware_family: FortiOS\n"
        "firmware: 7.2.10    # fortios 7.2: ended 2026-09-30"
    )
    examples_as_of = EXAMPLES_AS_OF


class SoftwareEolApproaching(_EolApproaching):
    """Warns while an asset's operating system reaches its vendor's end of
    support within ``within_days``, so that the upgrade (or the replacement
    of hardware that cannot take the next release) is planned in time."""

    name = "software.eol-approaching"
    source = "os"
    summary = "an operating system's end of support is near"
    good_example = "os: {name: Ubuntu, version: '24.04'}    # ubuntu 24.04: to 2029-05-31"
    bad_example = (
        "os: {name: Windows 10 Enterprise LTSC, version: 21H2}"
        "    # windows 10-21h2-e-lts: ends 2027-01-12"
    )
    examples_as_of = EXAMPLES_AS_OF


class FirmwareEolApproaching(_EolApproaching):
    """Warns while an asset's firmware reaches its vendor's end of support
    within ``within_days``: upgrades of network and storage gear need a
    change window, sometimes a support contract."""

    name = "firmware.eol-approaching"
    source = "firmware"
    summary = "firmware's end of support is near"
    good_example = (
        "model: netapp-aff-a250    # firmware_family: ONTAP\n"
        "firmware: 9.16.1P3    # netapp-ontap 9.16.1: supported to 2028-01-31"
    )
    bad_example = (
        "model: netapp-aff-a250    # firmware_family: ONTAP\n"
        "firmware: 9.14.1P6    # netapp-ontap 9.14.1: ends 2027-01-31"
    )
    examples_as_of = EXAMPLES_AS_OF


class SoftwareUnmatched(_Unmatched):
    """An operating system that the software mapping of policies/ does not
    turn into a release of reference/: no entry names it, its version fits no
    pattern, or the release cycle it would be is not listed. It is never
    guessed; each distinct name and version is reported once, on the first
    asset that records it, with the others counted."""

    name = "software.unmatched"
    source = "os"
    summary = "an operating system matches no known release"
    good_example = "os: {name: Windows 11 Pro, version: 25H2}    # windows 11-25h2-w"
    bad_example = "os: {name: Windows 11 Pro, version: 24H1}    # there is no 11-24h1-w"


class FirmwareUnmatched(_Unmatched):
    """Firmware that the software mapping of policies/ does not turn into a
    release of reference/: the model names no ``firmware_family``, no entry
    names the family, its version fits no pattern, or the release is not
    listed. Never guessed; reported once per distinct family and version."""

    name = "firmware.unmatched"
    source = "firmware"
    summary = "firmware matches no known release"
    good_example = "model: fortinet-fortigate-100f    # firmware_family: FortiOS\nfirmware: 7.4.8"
    bad_example = (
        "model: juniper-ex4300-48p    # Junos OS: endoflife.date has no product\n"
        "firmware: 21.4R3-S9"
    )
