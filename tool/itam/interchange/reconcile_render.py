"""A reconciliation as text for a terminal, JSON for scripts, or markdown for a
pull request or a job summary.

Every value from the discovery or the registry is data: control characters
are shown as escapes in text, markdown escapes what GitHub would render
(``itam.reports.render.md_escape``), JSON is JSON.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

from itam.entities import Entity
from itam.interchange.discovery import Device
from itam.interchange.reconcile import KEY_FIELDS, Reconciliation
from itam.output import escaped
from itam.pointers import get
from itam.reports.render import md_escape

_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")


def _shown(text: str) -> str:
    return escaped(text, _CONTROL)


def _device(device: Device) -> dict[str, Any]:
    return {
        "where": device.where,
        "source": device.source,
        "line": device.line,
        "hostname": device.hostname or None,
        "fqdn": device.fqdn or None,
        "name": device.name or None,
        "serial": device.serial or None,
        "macs": list(device.macs),
        "ip": device.ip or None,
        "type": device.type or None,
        "manufacturer": device.manufacturer or None,
        "model": device.model or None,
        "os_name": device.os_name or None,
        "os_version": device.os_version or None,
    }


def _entity(entity: Entity, key: str) -> dict[str, Any]:
    value = get(entity.data, KEY_FIELDS[key])
    return {
        "id": entity.id,
        "kind": entity.kind,
        "status": entity.get("status"),
        "file": entity.file,
        key: value if isinstance(value, str | list) else None,
        "location": entity.get("location"),
        "owner": entity.get("owner"),
    }


def counts(result: Reconciliation) -> dict[str, int]:
    """How many of each finding, as the summary line and JSON give them."""
    return {
        "devices": result.devices,
        "matched": len(result.matched),
        "unknown": len(result.unknown),
        "ambiguous": len(result.ambiguous),
        "not_seen": len(result.not_seen),
        "disagreeing": len(result.disagreeing),
        "in_service_without_key": len(result.unkeyed),
        "problems": len(result.problems),
    }


def as_json(result: Reconciliation, drafted: list[dict[str, Any]] | None = None) -> str:
    """The reconciliation as one JSON object."""
    document = {
        "version": 1,
        "as_of": result.as_of,
        "discovery": result.source,
        "key": result.key,
        "agrees": not result.differs,
        "counts": counts(result),
        "unknown": [{**_device(u.device), "reason": u.reason} for u in result.unknown],
        "ambiguous": [
            {"device": _device(a.device), "entities": [e.id for e in a.entities]}
            for a in result.ambiguous
        ],
        "not_seen": [_entity(e, result.key) for e in result.not_seen],
        "disagreeing": [
            {
                "id": m.entity.id,
                "file": m.entity.file,
                "device": _device(m.device),
                "fields": [
                    {"field": d.field, "registry": d.registry, "discovery": d.discovery}
                    for d in m.differences
                ],
            }
            for m in result.disagreeing
        ],
        "in_service_without_key": [e.id for e in result.unkeyed],
        "problems": [
            {"source": p.source, "line": p.line, "message": p.message} for p in result.problems
        ],
        "drafted": drafted or [],
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def _describe(device: Device) -> str:
    parts = [device.label or "(unnamed)"]
    if device.serial and device.serial != device.label:
        parts.append(f"serial {device.serial}")
    if device.macs:
        parts.append(
            f"mac {device.macs[0]}" + (f" (+{len(device.macs) - 1})" if device.macs[1:] else "")
        )
    made = " ".join(p for p in (device.manufacturer, device.model) if p)
    if made:
        parts.append(made)
    return ", ".join(parts)


def _summary(result: Reconciliation) -> str:
    n = counts(result)
    devices = "1 device" if n["devices"] == 1 else f"{n['devices']} devices"
    return (
        f"{devices} of {result.source} on {result.key}, as of {result.as_of}: "
        f"{n['matched']} matched ({n['disagreeing']} disagreeing), {n['unknown']} unknown, "
        f"{n['ambiguous']} ambiguous, {n['not_seen']} in service not seen"
    )


def as_text(result: Reconciliation, drafted: list[dict[str, Any]] | None = None) -> str:
    """The reconciliation as lines for a terminal."""
    lines = [_shown(_summary(result))]
    if not result.differs:
        lines.append("Everything agrees.")
    if result.unknown:
        lines += ["", "Unknown devices (the registry does not know them):"]
        lines += [
            f"  {_shown(_describe(u.device))}  [{_shown(u.device.where)}: {u.reason}]"
            for u in result.unknown
        ]
    if result.ambiguous:
        lines += ["", f"Devices matching several entities (they share a {result.key}):"]
        lines += [
            f"  {_shown(_describe(a.device))}  [{_shown(a.device.where)}]: "
            + ", ".join(_shown(e.id or e.file) for e in a.entities)
            for a in result.ambiguous
        ]
    if result.not_seen:
        lines += ["", "In service, not seen:"]
        for entity in result.not_seen:
            lines.append(
                f"  {_shown(entity.id or '')}  {_shown(str(entity.kind))}  "
                f"{_shown(str(entity.get('status')))}  {result.key} "
                f"{_shown(_key_value(entity, result.key))}  ({_shown(entity.file)})"
            )
    if result.disagreeing:
        lines += ["", "Fields that disagree (registry, then discovery):"]
        for match in result.disagreeing:
            lines.append(
                f"  {_shown(match.entity.id or '')} ({_shown(match.entity.file)}) is "
                f"{_shown(match.device.label)} [{_shown(match.device.where)}]"
            )
            lines += [
                f"    {d.field}: {_shown(d.registry)}  vs  {_shown(d.discovery)}"
                for d in match.differences
            ]
    if result.unkeyed:
        lines += [
            "",
            f"{len(result.unkeyed)} entities in service have no {KEY_FIELDS[result.key]} in the "
            "registry and could not be looked for: "
            + ", ".join(_shown(e.id or e.file) for e in result.unkeyed[:20])
            + (" ..." if len(result.unkeyed) > 20 else ""),
        ]
    if result.problems:
        lines += ["", "Problems reading the discovery:"]
        lines += [
            f"  {_shown(p.source)}{f':{p.line}' if p.line else ''}: {_shown(p.message)}"
            for p in result.problems
        ]
    lines += _drafted_lines(drafted, _shown)
    return "\n".join(lines) + "\n"


def _drafted_lines(drafted: list[dict[str, Any]] | None, show: Callable[[str], str]) -> list[str]:
    if not drafted:
        return []
    lines = ["", "Drafts for the unknown devices:"]
    for draft in drafted:
        if draft.get("file"):
            lines.append(f"  wrote {show(draft['file'])} for {show(draft['device'])}")
        else:
            lines.append(f"  not drafted: {show(draft['device'])}: {show(draft['reason'])}")
    return lines


def _md_section(title: str, headers: list[str], rows: list[list[str]]) -> list[str]:
    if not rows:
        return []
    lines = [f"## {title}", "", "| " + " | ".join(headers) + " |"]
    lines.append("|" + "---|" * len(headers))
    lines += ["| " + " | ".join(md_escape(cell) for cell in row) + " |" for row in rows]
    return [*lines, ""]


def _key_value(entity: Entity, key: str) -> str:
    value = get(entity.data, KEY_FIELDS[key])
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value) if value is not None else ""


def as_markdown(result: Reconciliation, drafted: list[dict[str, Any]] | None = None) -> str:
    """The reconciliation as GitHub-flavoured markdown."""
    lines = ["# Discovery reconciliation", "", md_escape(_summary(result)), ""]
    if not result.differs:
        lines += ["Everything agrees.", ""]
    lines += _md_section(
        "Unknown devices",
        ["device", "where", "why"],
        [[_describe(u.device), u.device.where, u.reason] for u in result.unknown],
    )
    lines += _md_section(
        "Devices matching several entities",
        ["device", "entities"],
        [
            [_describe(a.device), ", ".join(e.id or e.file for e in a.entities)]
            for a in result.ambiguous
        ],
    )
    lines += _md_section(
        "In service, not seen",
        ["id", "kind", "status", result.key, "file"],
        [
            [e.id or "", str(e.kind), str(e.get("status")), _key_value(e, result.key), e.file]
            for e in result.not_seen
        ],
    )
    lines += _md_section(
        "Fields that disagree",
        ["id", "device", "field", "registry", "discovery"],
        [
            [m.entity.id or "", m.device.label, d.field, d.registry, d.discovery]
            for m in result.disagreeing
            for d in m.differences
        ],
    )
    if result.problems:
        lines += ["## Problems reading the discovery", ""]
        lines += [
            f"- {md_escape(p.source + (f':{p.line}' if p.line else ''))}: {md_escape(p.message)}"
            for p in result.problems
        ]
        lines.append("")
    drafts = _drafted_lines(drafted, str)
    if drafts:
        lines += ["## Drafts", ""] + [f"- {md_escape(line.strip())}" for line in drafts[2:]]
    return "\n".join(lines).rstrip("\n") + "\n"


RENDERERS: dict[str, Callable[[Reconciliation, list[dict[str, Any]] | None], str]] = {
    "text": as_text,
    "json": as_json,
    "markdown": as_markdown,
}
"""The ``--format`` choices of reconcile."""
