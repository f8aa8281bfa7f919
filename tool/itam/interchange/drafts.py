"""Draft entities for the devices a discovery found and the registry lacks.

``itam reconcile --write`` drafts one entity per unknown device, so that an
engineer completes and reviews it in a pull request rather than typing it:

* its model is the registry's model whose name the device's model names
  (``PowerEdge R750`` → ``dell-poweredge-r750``), and its kind is that
  model's ``category``; a device whose model the registry does not hold, or
  holds under several names, is not drafted (add the model first);
* its id is the next of the kind's series, its folder where that kind's
  entities are (``itam.edit``), its status the lifecycle's initial state (the
  first state no transition leads to: ``planned`` in the bundled policy);
* it holds what the discovery saw and the kind's schema declares: name,
  serial, host name, MAC addresses, OS name and version, and a note saying
  where it came from.

Devices without the key (no serial on a serial match) are never drafted:
they may be registered devices the discovery could not identify. All drafts
are judged together against the whole registry (``judge_writes``); one that
would add a blocking error is left out, with the errors as its reason, and
the rest are judged again, so what is written validates. Nothing is written
over an existing file.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import PurePath
from typing import Any

from itam.edit import folder_for, judge_writes, new_errors, next_id, render_entity, write_files
from itam.entities import Entity
from itam.evaluation import Evaluation
from itam.findings import Finding
from itam.interchange.discovery import Device
from itam.interchange.reconcile import Reconciliation, fold
from itam.layout import Layout
from itam.policy.model import Lifecycle

MAX_ROUNDS = 5
"""Judgements before giving up on drafts that keep failing each other."""


@dataclass(slots=True)
class Draft:
    """What became of one unknown device."""

    device: Device
    id: str | None = None
    file: str | None = None
    data: dict[str, Any] | None = None
    reason: str | None = None

    def as_dict(self, written: bool) -> dict[str, Any]:
        return {
            "device": self.device.label,
            "where": self.device.where,
            "id": self.id if written else None,
            "file": self.file if written else None,
            "reason": self.reason,
        }


def initial_state(lifecycle: Lifecycle) -> str | None:
    """The first declared state no transition leads to, else the first state."""
    targets = {t for following in lifecycle.transitions.values() for t in following}
    for name in lifecycle.states:
        if name not in targets:
            return name
    return next(iter(lifecycle.states), None)


def model_for(evaluation: Evaluation, device: Device) -> tuple[Entity | None, str | None]:
    """The registry model the device's model names, or None and why not."""
    if not device.model:
        return None, "the discovery names no model"
    wanted = fold(device.model)
    scored: list[tuple[int, Entity]] = []
    for model in evaluation.catalog.of_kind("model"):
        name = fold(model.get("name") if isinstance(model.get("name"), str) else "")
        if not name or not wanted:
            continue
        if name == wanted:
            scored.append((3, model))
        elif name.endswith(wanted) or wanted.endswith(name):
            scored.append((2, model))  # with or without the maker's name in front
        elif wanted in name or name in wanted:
            scored.append((1, model))  # and a variant after it: "(Intel)"
    if not scored:
        return None, f"the registry has no model {device.model!r}; add it first"
    best = max(score for score, _ in scored)
    found = sorted((m.id or "" for score, m in scored if score == best))
    if len(found) > 1:
        return None, f"its model {device.model!r} could be any of {', '.join(found)}"
    return evaluation.catalog.get(found[0]), None


def _declared(evaluation: Evaluation, kind: str) -> tuple[set[str], set[str], set[str]]:
    schema = evaluation.schemas.kind(kind)
    if schema is None:
        return set(), set(), set()
    props = schema.properties
    return props.get((), set()), props.get(("network",), set()), props.get(("os",), set())


def _data(
    evaluation: Evaluation, device: Device, kind: str, model: Entity, entity_id: str, status: str
) -> dict[str, Any]:
    top, network_props, os_props = _declared(evaluation, kind)
    data: dict[str, Any] = {
        "id": entity_id,
        "kind": kind,
        "name": device.label,
        "status": status,
        "model": model.id,
    }
    if device.serial and "serial" in top:
        data["serial"] = device.serial
    network: dict[str, Any] = {}
    hostname = (device.fqdn or device.hostname).lower()
    if hostname and "hostname" in network_props:
        network["hostname"] = hostname
    if device.macs and "mac_addresses" in network_props:
        network["mac_addresses"] = list(device.macs)
    if network and "network" in top:
        data["network"] = network
    system = {
        k: v
        for k, v in (("name", device.os_name), ("version", device.os_version))
        if v and k in os_props
    }
    if system and "os" in top:
        data["os"] = system
    if "notes" in top:
        seen = PurePath(device.source).name + (f":{device.line}" if device.line else "")
        data["notes"] = (
            f"Drafted by itam reconcile from {seen}, as of "
            f"{evaluation.as_of.isoformat()}: check it, complete it, then move it on."
        )
    return data


def plan_drafts(evaluation: Evaluation, result: Reconciliation) -> list[Draft]:
    """A draft (or the reason there is none) for each unknown device."""
    drafts: list[Draft] = []
    taken: list[str] = []
    for unknown in result.unknown:
        draft = Draft(unknown.device)
        drafts.append(draft)
        if not unknown.reason.startswith("no entity has"):
            draft.reason = f"{unknown.reason}: it may be a registered device; not drafted"
            continue
        model, why = model_for(evaluation, unknown.device)
        if model is None:
            draft.reason = why
            continue
        kind = model.get("category")
        lifecycle = evaluation.policy.lifecycle_of(kind) if isinstance(kind, str) else None
        status = initial_state(lifecycle) if lifecycle is not None else None
        if not isinstance(kind, str) or kind not in evaluation.schemas.kinds or status is None:
            draft.reason = f"model {model.id}'s category {kind!r} is not a kind with a lifecycle"
            continue
        entity_id = next_id(evaluation.catalog, kind, taken)
        if entity_id is None:
            draft.reason = f"kind {kind} has no id series to number a draft"
            continue
        taken.append(entity_id)
        draft.id = entity_id
        draft.file = f"{folder_for(evaluation.catalog, kind)}/{entity_id}.yaml"
        draft.data = _data(evaluation, unknown.device, kind, model, entity_id, status)
    return drafts


def draft_unknown(
    layout: Layout, evaluation: Evaluation, result: Reconciliation
) -> list[dict[str, Any]]:
    """Write a validated draft for each unknown device that can have one;
    what became of each, as JSON-ready data."""
    drafts = plan_drafts(evaluation, result)
    pending = {d.file: d for d in drafts if d.file is not None and d.data is not None}
    for file, draft in list(pending.items()):
        if (layout.root / file).exists():
            draft.reason = f"{file} exists already"
            del pending[file]
    for _ in range(MAX_ROUNDS):
        if not pending:
            break
        writes = {
            f: render_entity(d.data or {}, evaluation.schemas).encode() for f, d in pending.items()
        }
        judged = judge_writes(layout, evaluation.as_of, writes)
        failed = _errors_by_file(new_errors(evaluation, judged, writes))
        if not failed:
            write_files(layout, writes)
            break
        for file, messages in failed.items():
            pending[file].reason = "it would not validate: " + "; ".join(messages)
            del pending[file]
    else:
        for draft in pending.values():
            draft.reason = "the drafts kept failing each other's checks"
        pending = {}
    return [d.as_dict(d.file in pending) for d in drafts]


def _errors_by_file(findings: Iterable[Finding]) -> Mapping[str, list[str]]:
    out: dict[str, list[str]] = {}
    for finding in findings:
        if finding.file is not None:
            out.setdefault(finding.file, []).append(f"[{finding.rule}] {finding.message}")
    return out
