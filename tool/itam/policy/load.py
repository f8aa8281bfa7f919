"""Read ``policies/*.yaml`` into a Policy, or fail with file and line (exit 2).

A policy mistake is a configuration error, not a finding: a rule with a
misspelt parameter would otherwise pass everything silently.
"""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

from itam import files, yamlsafe
from itam.checks import CHECKS
from itam.configdoc import EmptyFile, load_checked
from itam.dates import parse_date
from itam.errors import ConfigError
from itam.findings import Severity
from itam.layout import Layout
from itam.policy.model import (
    AuditInterval,
    Depreciation,
    Lifecycle,
    MaintenanceInterval,
    MaintenanceType,
    Place,
    Policy,
    Requirement,
    Rule,
    Selector,
    SoftwareMatch,
    State,
    Waiver,
)
from itam.reference.store import load_reference
from itam.rules import BUILT_IN
from itam.schema_messages import schema_findings
from itam.schemas import KindSchema, SchemaSet, standalone
from itam.suggest import did_you_mean
from itam.support import DEFAULT_CYCLE, DEFAULT_VERSION, compile_version, cycle_groups, normal

REFERENCE_FOLDER = "reference"
"""Where the reference data rules judge by lives, beside policies/ (see itam.reference)."""

MAINTENANCE_GRACE_DAYS = 14
"""Days a maintenance job may be late before it is overdue, unless policies/ say otherwise."""

BUILT_IN_IDS = frozenset(info.id for info in BUILT_IN)


def _policy_schema() -> KindSchema:
    text = resources.files("itam.policy").joinpath("policy.schema.json").read_text("utf-8")
    return standalone(json.loads(text), "policy", "policy.schema.json")


class _Reader:
    """Reads every policy file first, then builds the Policy in dependency
    order: lifecycles (states are named by selectors), then the rest."""

    def __init__(self, kinds: list[str]) -> None:
        self.kinds = set(kinds)
        self.schema = _policy_schema()
        self.policy = Policy()
        self.rule_places: dict[str, Place] = {}
        self.section_places: dict[str, str] = {}
        self.states: set[str] = set()
        self.docs: list[yamlsafe.Document] = []

    def fail(self, doc: yamlsafe.Document, pointer: str, message: str) -> ConfigError:
        line, _ = doc.locate(pointer)
        return ConfigError(message, doc.file, line)

    def read(self, source: bytes, rel: str) -> None:
        try:
            doc, data = load_checked(source, rel, self.schema)
        except EmptyFile:
            return  # a file of comments only declares nothing
        for section in ("audit", "depreciation", "maintenance", "software"):
            if section in data:
                if section in self.section_places:
                    raise self.fail(
                        doc,
                        f"/{section}",
                        f"{section} is already set in {self.section_places[section]}",
                    )
                self.section_places[section] = rel
        self.docs.append(doc)

    def finish(self) -> Policy:
        for doc in self.docs:
            for name, body in doc.data.get("lifecycles", {}).items():  # type: ignore[union-attr]
                self.lifecycle(doc, name, body)
        for doc in self.docs:
            data: dict[str, Any] = doc.data  # type: ignore[assignment]
            audit = data.get("audit")
            if audit:
                self.policy.audit_grace_days = audit.get("grace_days", 30)
                for index, item in enumerate(audit["intervals"]):
                    here = f"/audit/intervals/{index}/when"
                    selector = self.selector(doc, here, item.get("when"))
                    self.policy.audit_intervals.append(AuditInterval(selector, item["days"]))
            for index, item in enumerate(data.get("depreciation", [])):
                selector = self.selector(doc, f"/depreciation/{index}/when", item.get("when"))
                salvage = float(item.get("salvage_percent", 0))
                self.policy.depreciation.append(Depreciation(selector, item["months"], salvage))
            if data.get("maintenance"):
                self.maintenance(doc, data["maintenance"])
            for index, body in enumerate(data.get("software", [])):
                self.software(doc, index, body)
        for doc in self.docs:
            data = doc.data  # type: ignore[assignment]
            for index, body in enumerate(data.get("rules", [])):
                self.rule(doc, index, body)
            for index, body in enumerate(data.get("waivers", [])):
                self.waiver(doc, index, body)
        return self.policy

    def maintenance(self, doc: yamlsafe.Document, body: dict[str, Any]) -> None:
        grace = body.get("grace_days", MAINTENANCE_GRACE_DAYS)
        for name, spec in body["types"].items():
            here = f"/maintenance/types/{name}"
            intervals = tuple(
                MaintenanceInterval(
                    self.selector(doc, f"{here}/intervals/{index}/when", item.get("when")),
                    item["days"],
                )
                for index, item in enumerate(spec["intervals"])
            )
            line, column = doc.locate(here)
            self.policy.maintenance_types.append(
                MaintenanceType(
                    name,
                    " ".join(spec.get("description", "").split()),
                    intervals,
                    spec.get("grace_days", grace),
                    Place(doc.file, line, column),
                )
            )

    def software(self, doc: yamlsafe.Document, index: int, body: dict[str, Any]) -> None:
        here = f"/software/{index}"
        if ("os" in body) == ("firmware" in body):
            raise self.fail(
                doc,
                here,
                "a software entry matches either os: (operating system names) or "
                "firmware: (firmware families), not both and not neither",
            )
        products = self.policy.reference.products
        if body["product"] not in products:
            raise self.fail(
                doc,
                f"{here}/product",
                _unknown("product", body["product"], set(products))
                + f" in {REFERENCE_FOLDER}/; import it with `itam reference import`",
            )
        pattern = body.get("version", DEFAULT_VERSION)
        try:
            compiled = compile_version(pattern)
        except ValueError as exc:
            raise self.fail(
                doc, f"{here}/version", f"version is not a pattern RE2 can run: {exc}"
            ) from None
        cycle = body.get("cycle", DEFAULT_CYCLE)
        unknown = sorted(n for n in cycle_groups(cycle) if n > compiled.groups)
        if unknown:
            raise self.fail(
                doc,
                f"{here}/cycle" if "cycle" in body else f"{here}/version",
                f"cycle {cycle!r} uses group {{{unknown[0]}}}, but the version pattern "
                f"{pattern!r} has {compiled.groups} group(s)",
            )
        line, column = doc.locate(here)
        source = "os" if "os" in body else "firmware"
        self.policy.software.append(
            SoftwareMatch(
                source=source,
                names=tuple(body[source]),
                product=body["product"],
                version=pattern,
                cycle=cycle,
                place=Place(doc.file, line, column),
                compiled=compiled,
                keys=frozenset(normal(name) for name in body[source]),
            )
        )

    def waiver(self, doc: yamlsafe.Document, index: int, body: dict[str, Any]) -> None:
        line, column = doc.locate(f"/waivers/{index}")
        expires = parse_date(body["expires"])
        if expires is None:  # the schema checked the pattern; this catches 2027-02-30
            raise self.fail(doc, f"/waivers/{index}/expires", "expires is not a calendar date")
        self.policy.waivers.append(
            Waiver(
                rule=body["rule"],
                entities=tuple(body["entities"]),
                reason=body["reason"],
                approved_by=body["approved_by"],
                expires=expires,
                place=Place(doc.file, line, column),
            )
        )

    def lifecycle(self, doc: yamlsafe.Document, name: str, body: dict[str, Any]) -> None:
        here = f"/lifecycles/{name}"
        if any(lc.name == name for lc in self.policy.lifecycles):
            raise self.fail(doc, here, f"lifecycle {name!r} is declared twice")
        for kind in body["kinds"]:
            if kind not in self.kinds:
                raise self.fail(doc, f"{here}/kinds", _unknown("kind", kind, self.kinds))
            if self.policy.lifecycle_of(kind) is not None:
                raise self.fail(doc, f"{here}/kinds", f"kind {kind!r} is in two lifecycles")
        states = {}
        for state_name, spec in body["states"].items():
            requires = tuple(
                Requirement((item,) if isinstance(item, str) else tuple(item["any"]))
                for item in spec.get("requires", [])
            )
            states[state_name] = State(
                state_name,
                spec["class"],
                bool(spec.get("terminal", False)),
                requires,
                spec.get("description", ""),
            )
        transitions = {}
        for source, targets in body["transitions"].items():
            for state in (source, *targets):
                if state not in states:
                    raise self.fail(
                        doc,
                        f"{here}/transitions/{source}",
                        _unknown("state", state, set(states)),
                    )
            if states[source].terminal and targets:
                raise self.fail(
                    doc,
                    f"{here}/transitions/{source}",
                    f"{source!r} is terminal and cannot move to another state",
                )
            transitions[source] = frozenset(targets)
        self.states.update(states)
        line, column = doc.locate(here)
        self.policy.lifecycles.append(
            Lifecycle(
                name, frozenset(body["kinds"]), states, transitions, Place(doc.file, line, column)
            )
        )

    def selector(self, doc: yamlsafe.Document, here: str, body: dict[str, Any] | None) -> Selector:
        if not body:
            return Selector()
        for kind in body.get("kinds", []):
            if kind not in self.kinds:
                raise self.fail(doc, f"{here}/kinds", _unknown("kind", kind, self.kinds))
        for state in body.get("states", []):
            if self.policy.lifecycles and state not in self.states:
                raise self.fail(doc, f"{here}/states", _unknown("state", state, self.states))
        return Selector(**{key: frozenset(values) for key, values in body.items()})

    def rule(self, doc: yamlsafe.Document, index: int, body: dict[str, Any]) -> None:
        here = f"/rules/{index}"
        rule_id = body["id"]
        if rule_id in self.rule_places:
            first = self.rule_places[rule_id]
            raise self.fail(
                doc, f"{here}/id", f"rule {rule_id!r} is already declared at {first.file}"
            )
        if rule_id in BUILT_IN_IDS:
            # Its findings would be indistinguishable from the tool's own, and
            # a waiver of one would waive both.
            raise self.fail(
                doc, f"{here}/id", f"{rule_id!r} is a built-in rule of itam; name yours otherwise"
            )
        check_name = body.get("check", rule_id)
        check = CHECKS.get(check_name)
        if check is None:
            field = "check" if "check" in body else "id"
            raise self.fail(doc, f"{here}/{field}", _unknown("check", check_name, set(CHECKS)))
        schema = standalone(check.params_schema(), check_name, doc.file)
        params = body.get("params", {})
        errors = list(schema_findings(doc, None, params, schema))
        if errors:
            problem = errors[0]
            pointer = f"{here}/params{problem.path}"
            raise self.fail(doc, pointer, f"rule {rule_id}: params: {problem.message}")
        for name, spec in check.params.items():
            for value in params.get(name, []) if spec.get("x-kinds") else []:
                if value not in self.kinds:
                    raise self.fail(
                        doc,
                        f"{here}/params/{name}",
                        f"rule {rule_id}: params: {name}: " + _unknown("kind", value, self.kinds),
                    )
        if check_name.startswith("audit.") and not self.policy.audit_intervals:
            raise self.fail(
                doc,
                f"{here}/id",
                f"rule {rule_id} needs audit intervals: add an `audit:` section with "
                "`intervals` to a policy file",
            )
        if check_name.startswith("maintenance.") and not self.policy.maintenance_types:
            raise self.fail(
                doc,
                f"{here}/id",
                f"rule {rule_id} needs maintenance types: add a `maintenance:` section with "
                "`types` to a policy file",
            )
        if check_name.startswith(("software.", "firmware.")) and not self.policy.software:
            raise self.fail(
                doc,
                f"{here}/id",
                f"rule {rule_id} needs a software mapping: add a `software:` section to a "
                "policy file that names the products of reference/",
            )
        merged = {**check.defaults(), **params}
        try:
            impl = check(merged)
        except ConfigError as exc:
            pointer = f"{here}/params{exc.pointer or ''}"
            raise self.fail(doc, pointer, f"rule {rule_id}: {exc.message}") from None
        line, column = doc.locate(here)
        place = Place(doc.file, line, column)
        self.rule_places[rule_id] = place
        self.policy.rules.append(
            Rule(
                id=rule_id,
                check=check_name,
                severity=Severity(body["severity"]),
                selector=self.selector(doc, f"{here}/applies_to", body.get("applies_to")),
                params=merged,
                rationale=body["rationale"],
                place=place,
                impl=impl,
            )
        )


def _unknown(what: str, name: str, known: set[str]) -> str:
    return f"unknown {what} {name!r}{did_you_mean(name, known)}"


def load_policy(layout: Layout, kinds: list[str]) -> Policy:
    """The policy in ``policies/`` (empty when the folder does not exist), with
    the reference data of ``reference/`` it judges by."""
    reader = _Reader(kinds)
    folder = layout.policies
    if not folder.is_dir():
        return reader.policy
    # Read first: the software mapping names its products.
    reader.policy.reference = load_reference(layout.root, layout.root / REFERENCE_FOLDER)
    # Notes such as a README may sit beside the policies; only YAML is policy.
    for source in files.config_files(layout.root, folder, files.is_yaml):
        reader.read(files.read_config(source.path, layout.root), source.rel)
    return reader.finish()


def load_config(layout: Layout) -> tuple[SchemaSet, Policy]:
    """The schemas of ``layout`` and the policy, checked against their kinds."""
    schemas = SchemaSet(layout.schemas, layout.root)
    return schemas, load_policy(layout, schemas.kinds)
