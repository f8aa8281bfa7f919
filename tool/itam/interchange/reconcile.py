"""A discovery export compared with the registry: what is on the network that
the registry does not know, what the registry says is in service that was
not seen, and what the two say differently.

Devices are matched with entities on one key:

* ``serial`` (the default): the entity's ``serial``, ignoring case and
  punctuation (``VMware-56 4d`` is ``vmware564d``); placeholder serials
  (``To Be Filled By O.E.M.``) match nothing;
* ``mac``: any of ``network.mac_addresses``, whatever the separators and case;
* ``hostname``: ``network.hostname`` ignoring case; a short name
  (``lon-lt-0001``) matches the FQDN it starts (``lon-lt-0001.corp.example.com``).

Only kinds whose schema declares the key's field take part (hardware, in the
bundled schemas). The expected devices are those entities in service: their
state is of class ``deployed`` under the policy's lifecycles. Filters (as in
``itam list``) narrow what is expected, never what may match, so a device
found elsewhere is not taken for shadow IT.

For each match, the fields both sides hold are compared where comparable:
host name, serial and MAC addresses (those that are not the key), OS name
and version, and the model and manufacturer of the entity's model. Names
compare ignoring case and punctuation, one containing the other (``Debian``
and ``Debian GNU/Linux 7.8``; ``Dell PowerEdge R750`` and ``PowerEdge
R750``); MAC addresses disagree when the two lists share none. The
comparison reads the evaluation and the discovery and writes nothing.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from itam.entities import Entity
from itam.evaluation import Evaluation
from itam.interchange.discovery import Device, Discovery, Problem, normal_mac
from itam.output import escaped
from itam.pointers import get

KEYS = ("serial", "mac", "hostname")
IN_SERVICE = "deployed"
"""The state class of what should be seen: in use by a person or in production."""

# Where each key lives in an entity, as (object place, property) in its schema.
KEY_PLACES = {
    "serial": ((), "serial"),
    "mac": (("network",), "mac_addresses"),
    "hostname": (("network",), "hostname"),
}
KEY_FIELDS = {"serial": "serial", "mac": "network.mac_addresses", "hostname": "network.hostname"}
_NON_ALNUM = re.compile(r"[^0-9a-z]+")


@dataclass(frozen=True, slots=True)
class Difference:
    """One field the entity and the device hold differently."""

    field: str
    registry: str
    discovery: str


@dataclass(frozen=True, slots=True)
class Match:
    """A device and the entity it is, with the fields they disagree on."""

    device: Device
    entity: Entity
    differences: tuple[Difference, ...]


@dataclass(frozen=True, slots=True)
class Unknown:
    """A device no entity matches, and why."""

    device: Device
    reason: str


@dataclass(frozen=True, slots=True)
class Ambiguous:
    """A device that matches several entities (they share its key)."""

    device: Device
    entities: tuple[Entity, ...]


@dataclass(slots=True)
class Reconciliation:
    """What the comparison found; see the module docstring."""

    key: str
    as_of: str
    source: str
    devices: int
    matched: list[Match] = field(default_factory=list)
    unknown: list[Unknown] = field(default_factory=list)
    ambiguous: list[Ambiguous] = field(default_factory=list)
    not_seen: list[Entity] = field(default_factory=list)
    # In service but without the key in the registry: cannot be looked for.
    unkeyed: list[Entity] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def disagreeing(self) -> list[Match]:
        return [m for m in self.matched if m.differences]

    @property
    def differs(self) -> bool:
        """Whether anything disagrees: the exit code is 1 then."""
        return bool(self.unknown or self.ambiguous or self.not_seen or self.disagreeing)


def fold(text: str) -> str:
    """Text as names compare: lower case, letters and digits only."""
    return _NON_ALNUM.sub("", text.casefold())


def alike(a: str, b: str) -> bool:
    """Two names of one thing: equal, or one containing the other, ignoring
    case and punctuation."""
    fa, fb = fold(a), fold(b)
    return bool(fa and fb) and (fa in fb or fb in fa)


def _host(text: str) -> str:
    return text.strip().casefold().rstrip(".")


def same_host(a: str, b: str) -> bool:
    """Host names of one host: equal ignoring case, or a short name and an FQDN it starts."""
    ha, hb = _host(a), _host(b)
    if not ha or not hb:
        return False
    if ha == hb:
        return True
    if "." in ha and "." in hb:
        return False
    return ha.split(".", 1)[0] == hb.split(".", 1)[0]


def _text(value: object) -> str:
    return value.strip() if isinstance(value, str) else ""


def in_scope(evaluation: Evaluation, key: str) -> list[Entity]:
    """Entities of the kinds whose schema declares the key's field, by id."""
    place, name = KEY_PLACES[key]
    kinds = []
    for kind in evaluation.schemas.kinds:
        schema = evaluation.schemas.kind(kind)
        if schema is not None and name in schema.properties.get(place, set()):
            kinds.append(kind)
    return sorted(
        evaluation.catalog.of_kind(*kinds) if kinds else [],
        key=lambda e: (e.id or "", e.file),
    )


def keys_of(entity: Entity, key: str) -> list[str]:
    """The entity's values of ``key``, as they are matched."""
    if key == "serial":
        serial = _text(entity.get("serial"))
        return [fold(serial)] if fold(serial) else []
    if key == "mac":
        macs = get(entity.data, "network.mac_addresses")
        if not isinstance(macs, list):
            return []
        return [m for m in (normal_mac(v) for v in macs if isinstance(v, str)) if m]
    hostname = _host(_text(get(entity.data, "network.hostname")))
    return [hostname] if hostname else []


class _Index:
    """Entities by the values of one key; host names by their first label too."""

    def __init__(self, entities: Iterable[Entity], key: str) -> None:
        self.key = key
        self.full: dict[str, list[Entity]] = defaultdict(list)
        self.short: dict[str, list[tuple[Entity, str]]] = defaultdict(list)
        for entity in entities:
            for value in keys_of(entity, key):
                self.full[value].append(entity)
                if key == "hostname":
                    self.short[value.split(".", 1)[0]].append((entity, value))

    def find(self, device: Device) -> list[Entity]:
        found: dict[int, Entity] = {}
        for value in self._values(device):
            hits = list(self.full.get(value, ()))
            if not hits and self.key == "hostname":
                hits = [
                    e
                    for e, full in self.short.get(value.split(".", 1)[0], ())
                    if same_host(value, full)
                ]
            for entity in hits:
                found.setdefault(id(entity), entity)
        return sorted(found.values(), key=lambda e: (e.id or "", e.file))

    def _values(self, device: Device) -> list[str]:
        if self.key == "serial":
            return [fold(device.serial)] if fold(device.serial) else []
        if self.key == "mac":
            return list(device.macs)
        return [_host(n) for n in (device.hostname, device.fqdn) if _host(n)]


def _device_key(device: Device, key: str) -> bool:
    if key == "serial":
        return bool(device.serial)
    if key == "mac":
        return bool(device.macs)
    return bool(device.hostname or device.fqdn)


def reconcile(
    evaluation: Evaluation,
    discovery: Discovery,
    key: str = "serial",
    expected: Sequence[Entity] | None = None,
) -> Reconciliation:
    """Compare ``discovery`` with the registry on ``key``.

    ``expected`` limits the entities that should have been seen (``itam
    list`` filters); by default every entity in scope.
    """
    scope = in_scope(evaluation, key)
    index = _Index(scope, key)
    out = Reconciliation(
        key=key,
        as_of=evaluation.as_of.isoformat(),
        source=discovery.source,
        devices=len(discovery.devices),
        problems=list(discovery.problems),
    )
    seen: set[int] = set()
    for device in discovery.devices:
        if not _device_key(device, key):
            out.unknown.append(Unknown(device, f"it reports no {key} to match on"))
            continue
        found = index.find(device)
        if not found:
            out.unknown.append(Unknown(device, f"no entity has its {key}"))
        elif len(found) > 1:
            out.ambiguous.append(Ambiguous(device, tuple(found)))
            seen.update(id(e) for e in found)
        else:
            entity = found[0]
            seen.add(id(entity))
            out.matched.append(
                Match(device, entity, tuple(compare(evaluation, entity, device, key)))
            )
    wanted = {id(e) for e in expected} if expected is not None else None
    for entity in scope:
        if wanted is not None and id(entity) not in wanted:
            continue
        state = evaluation.context.state(entity)
        if state is None or state.state_class != IN_SERVICE or id(entity) in seen:
            continue
        (out.not_seen if keys_of(entity, key) else out.unkeyed).append(entity)
    return out


def compare(evaluation: Evaluation, entity: Entity, device: Device, key: str) -> list[Difference]:
    """The fields ``entity`` and ``device`` both hold and disagree on."""
    out: list[Difference] = []

    def differ(name: str, mine: str, theirs: str) -> None:
        out.append(Difference(name, escaped(mine), theirs))

    hostname = _text(get(entity.data, "network.hostname"))
    names = [n for n in (device.hostname, device.fqdn) if n]
    if key != "hostname" and hostname and names and not any(same_host(hostname, n) for n in names):
        differ("network.hostname", hostname, names[0])
    serial = _text(entity.get("serial"))
    if key != "serial" and serial and device.serial and fold(serial) != fold(device.serial):
        differ("serial", serial, device.serial)
    macs = keys_of(entity, "mac")
    if key != "mac" and macs and device.macs and not set(macs) & set(device.macs):
        differ("network.mac_addresses", ", ".join(macs), ", ".join(device.macs))
    for name, theirs in (("os.name", device.os_name), ("os.version", device.os_version)):
        mine = _text(get(entity.data, name))
        if mine and theirs and not alike(mine, theirs):
            differ(name, mine, theirs)
    model_id = entity.get("model")
    model = evaluation.catalog.get(model_id) if isinstance(model_id, str) else None
    if model is not None and model.kind == "model":
        label = _text(model.get("name"))
        if label and device.model and not alike(label, device.model):
            differ("model", f"{model.id} ({label})", device.model)
        maker_id = _text(model.get("manufacturer"))
        maker = evaluation.catalog.get(maker_id) if maker_id else None
        names_of_maker = [maker_id, _text(maker.get("name")) if maker is not None else ""]
        if (
            device.manufacturer
            and maker_id
            and not any(alike(n, device.manufacturer) for n in names_of_maker if n)
        ):
            differ("manufacturer", maker_id, device.manufacturer)
    return out
