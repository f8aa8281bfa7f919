"""Acceptance scenarios on a copy of the bundled registry.

Each scenario edits one YAML file as text, the way a person would in a pull
request (never by loading and re-dumping it), and expects the run to fail
with one error at the right line of that file. The bundled registry itself
must be clean and cover every kind and every lifecycle state.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml

from itam import yamlsafe
from tests.conftest import (
    AS_OF,
    LT1,
    LT2,
    PROJECT,
    Validate,
    copy_registry,
    edit,
    errors_on,
)


def failed_with(validate: Validate, root: Path, rel: Path | str, rule: str) -> dict[str, Any]:
    """Validate; the run fails with exactly one ``rule`` error, with a line, on ``rel``."""
    result = validate(root, "--format", "json")
    assert result.exit_code == 1, str(result)
    found = errors_on(result, rel, rule)
    assert len(found) == 1, f"{rule} on {rel}:\n{result.stdout}"
    assert found[0]["line"] is not None, found[0]
    assert found[0]["column"] is not None, found[0]
    return found[0]


# -- the scenarios ----------------------------------------------------------------


def test_a_duplicated_key(registry: Path, validate: Validate) -> None:
    line = edit(registry, LT1, "asset_tag: LDN-10231\n", "asset_tag: LDN-10231\nserial: X1\n")
    finding = failed_with(validate, registry, LT1, "yaml.duplicate-key")
    assert finding["line"] == line + 1
    assert "'serial'" in finding["message"]


def test_a_duplicated_nested_key(registry: Path, validate: Validate) -> None:
    line = edit(registry, LT1, "  months: 48\n", "  months: 48\n  months: 60\n")
    finding = failed_with(validate, registry, LT1, "yaml.duplicate-key")
    assert (finding["line"], finding["column"]) == (line + 1, 3)


def test_an_impossible_date(registry: Path, validate: Validate) -> None:
    line = edit(registry, LT1, "  date: 2023-09-12\n", "  date: 2023-02-30\n")
    finding = failed_with(validate, registry, LT1, "yaml.invalid-date")
    assert finding["line"] == line
    assert "2023-02-30" in finding["message"]


def test_a_misspelt_field(registry: Path, validate: Validate) -> None:
    line = edit(registry, LT1, "\nwarranty:\n", "\nwarrenty:\n") + 1
    finding = failed_with(validate, registry, LT1, "schema.unknown-field")
    assert (finding["line"], finding["column"]) == (line, 1)
    assert finding["path"] == "/warrenty"
    assert "'warrenty'" in finding["message"]
    assert "did you mean 'warranty'" in finding["message"]


def test_a_file_renamed_away_from_its_id(registry: Path, validate: Validate) -> None:
    renamed = Path(LT1).with_name("LT-0100.yaml")
    (registry / LT1).rename(registry / renamed)
    finding = failed_with(validate, registry, renamed, "integrity.id-filename")
    assert finding["line"] == 1
    assert "LT-0001" in finding["message"]
    assert "LT-0100" in finding["message"]


def test_a_location_that_does_not_exist(registry: Path, validate: Validate) -> None:
    line = edit(registry, LT1, "location: lon-hq-3f\n", "location: lon-hq-4f\n")
    finding = failed_with(validate, registry, LT1, "integrity.reference")
    assert finding["line"] == line
    assert finding["path"] == "/location"
    assert "'lon-hq-4f'" in finding["message"]


def test_a_serial_used_twice(registry: Path, validate: Validate) -> None:
    line = edit(registry, LT2, "serial: 8JQ4KZ3\n", "serial: PF4K7M2Q\n")
    result = validate(registry, "--format", "json")
    assert result.exit_code == 1, str(result)
    [on_first] = errors_on(result, LT1, "integrity.unique-serial")
    [on_second] = errors_on(result, LT2, "integrity.unique-serial")
    lt1_lines = (registry / LT1).read_text(encoding="utf-8").splitlines()
    assert lt1_lines[on_first["line"] - 1] == "serial: PF4K7M2Q"
    assert on_second["line"] == line
    assert "LT-0002" in on_first["message"]
    assert "LT-0001" in on_second["message"]


def test_a_python_tag_is_refused_and_never_run(
    registry: Path, validate: Validate, tmp_path: Path
) -> None:
    witness = tmp_path / "executed"
    line = edit(
        registry,
        LT1,
        "notes: Bought with Lenovo Premier Support, 4 years on site.\n",
        f"notes: !!python/object/apply:os.system ['touch {witness}']\n",
    )
    finding = failed_with(validate, registry, LT1, "yaml.tag")
    assert finding["line"] == line
    assert "!!python/object/apply:os.system" in finding["message"]
    assert not witness.exists(), "the YAML payload was executed"


def test_a_python_tag_on_a_scalar_is_refused_and_never_run(
    registry: Path, validate: Validate, tmp_path: Path
) -> None:
    witness = tmp_path / "executed"
    line = edit(
        registry,
        LT1,
        "notes: Bought with Lenovo Premier Support, 4 years on site.\n",
        f"notes: !!python/object/apply:os.system 'touch {witness}'\n",
    )
    finding = failed_with(validate, registry, LT1, "yaml.tag")
    assert finding["line"] == line
    assert not witness.exists(), "the YAML payload was executed"


def test_a_scenario_leaves_the_other_files_alone(registry: Path, validate: Validate) -> None:
    edit(registry, LT1, "\nwarranty:\n", "\nwarrenty:\n")
    result = validate(registry, "--format", "json")
    errors = [
        f for f in result.json()["findings"] if f["severity"] == "error" and not f.get("waiver")
    ]
    assert {f["file"] for f in errors} == {LT1}


def test_a_key_with_a_line_break_stays_on_one_report_line(
    registry: Path, validate: Validate
) -> None:
    with (registry / LT1).open("a", encoding="utf-8") as handle:
        handle.write('"warr\\nanty": 1\n"a\\rb": 2\n')
    result = validate(registry, "--format", "text", registry / LT1)
    assert result.exit_code == 1, str(result)
    *findings, summary = result.stdout.split("\n")[:-1]
    assert summary.startswith("itam: FAILED: ")
    assert findings, result.stdout
    for line in findings:
        assert line.startswith((f"{LT1}:", "    why: ")), repr(line)
        assert "\r" not in line, repr(line)


# -- a rule that needs an organisation's schema -----------------------------------


def test_schema_const_on_an_organisation_field(registry: Path, validate: Validate) -> None:
    # No shipped schema can fail a const (the kind's const always matches the
    # kind that chose the schema), so an organisation's field shows the rule.
    extensions = registry / "schemas" / "extensions.schema.json"
    schema = json.loads(extensions.read_text(encoding="utf-8"))
    schema["$defs"]["laptop"]["properties"]["acme_tenant"] = {
        "description": "The one tenant this registry serves.",
        "const": "acme",
    }
    extensions.write_text(json.dumps(schema, indent=2), encoding="utf-8")
    line = edit(registry, LT1, "criticality: medium\n", "criticality: medium\nacme_tenant: acme\n")
    assert validate(registry).exit_code == 0
    edit(registry, LT1, "acme_tenant: acme\n", "acme_tenant: other\n")
    finding = failed_with(validate, registry, LT1, "schema.const")
    assert finding["line"] == line + 1
    assert "'acme'" in finding["message"]
    assert "'other'" in finding["message"]


# -- dates out of the calendar's range ---------------------------------------------


def test_a_purchase_date_at_the_end_of_the_calendar(registry: Path, validate: Validate) -> None:
    # LT-0002 has no warranty block: its warranty runs from the purchase date.
    line = edit(registry, LT2, "  date: 2024-02-20\n", "  date: 9999-12-01\n")
    result = validate(registry, "--format", "json")
    assert result.exit_code in (0, 1), str(result)
    assert any(f["file"] == LT2 and f["line"] == line for f in result.json()["findings"])


def test_a_warranty_start_at_the_end_of_the_calendar(registry: Path, validate: Validate) -> None:
    edit(registry, LT1, "  start: 2023-09-12\n", "  start: 9999-12-01\n")
    result = validate(registry, "--format", "json")
    assert result.exit_code in (0, 1), str(result)


def test_an_audit_at_the_end_of_the_calendar(registry: Path, validate: Validate) -> None:
    edit(registry, LT1, "{date: 2026-03-18, by: EMP-1010", "{date: 9999-12-31, by: EMP-1010")
    result = validate(registry, "--format", "json")
    assert result.exit_code in (0, 1), str(result)


# -- the bundled registry ----------------------------------------------------------


def bundled_entities() -> list[dict[str, Any]]:
    """Every bundled entity, read with itam's own loader."""
    entities = []
    folder = PROJECT / "registry"
    for path in sorted(folder.rglob("*.y*ml")):
        doc = yamlsafe.load(path.read_bytes(), path.relative_to(PROJECT).as_posix())
        assert doc.data is not None, doc.findings
        entities.append(doc.data)
    return entities


def test_the_bundled_registry_is_clean(tmp_path: Path, validate: Validate) -> None:
    root = copy_registry(tmp_path / "repo", with_git=False)
    result = validate(root, "--format", "json")
    assert result.exit_code == 0, str(result)
    report = result.json()
    assert report["summary"]["error"] == 0
    blocking = [f for f in report["findings"] if f["severity"] == "error" and "waiver" not in f]
    assert blocking == []
    assert report["counts"]["entities"] >= 60
    assert report["as_of"] == AS_OF


def test_the_bundled_registry_covers_every_kind() -> None:
    kinds = {p.name.removesuffix(".schema.json") for p in (PROJECT / "schemas" / "kinds").iterdir()}
    assert len(kinds) >= 14
    present = {e.get("kind") for e in bundled_entities()}
    assert kinds - present == set()


def test_the_bundled_registry_covers_every_lifecycle_state() -> None:
    with (PROJECT / "policies" / "lifecycle.yaml").open(encoding="utf-8") as handle:
        lifecycles = yaml.safe_load(handle)["lifecycles"]
    entities = bundled_entities()
    missing = []
    for name, lifecycle in lifecycles.items():
        kinds = set(lifecycle["kinds"])
        states = {e.get("status") for e in entities if e.get("kind") in kinds}
        missing += [f"{name}: {state}" for state in lifecycle["states"] if state not in states]
    assert missing == []
    assert {
        "planned",
        "ordered",
        "in-stock",
        "deployed",
        "in-repair",
        "retired",
        "disposed",
    } <= set(lifecycles["hardware"]["states"])


def test_the_bundled_registry_uses_only_declared_states() -> None:
    with (PROJECT / "policies" / "lifecycle.yaml").open(encoding="utf-8") as handle:
        lifecycles = yaml.safe_load(handle)["lifecycles"]
    declared = {
        kind: set(lifecycle["states"])
        for lifecycle in lifecycles.values()
        for kind in lifecycle["kinds"]
    }
    for entity in bundled_entities():
        if entity.get("kind") in declared:
            assert entity.get("status") in declared[entity["kind"]], entity["id"]
