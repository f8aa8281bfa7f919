"""`itam export csv|json|jsonl`: every entity with its derived values, the same
rows in every format, safe in a spreadsheet, and as of a past commit."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path

import pytest

from itam.evaluation import Evaluation, evaluate
from itam.inventory import EXPORT_FIELDS
from itam.layout import Layout
from tests.conftest import AS_OF, LT1, LT10, Result, copy_registry, edit, git, run_itam


@pytest.fixture(scope="module")
def shared(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return copy_registry(tmp_path_factory.mktemp("export") / "repo")


@pytest.fixture(scope="module")
def judged(shared: Path) -> Evaluation:
    return evaluate(Layout.at(shared), dt.date.fromisoformat(AS_OF))


def export(root: Path, *args: str | Path, code: int = 0) -> Result:
    result = run_itam("export", *args, "--root", root, "--as-of", AS_OF)
    assert result.exit_code == code, str(result)
    assert "Traceback" not in result.stderr
    return result


def test_every_entity_once_in_id_order_with_every_field(shared: Path, judged: Evaluation) -> None:
    rows = list(csv.DictReader(io.StringIO(export(shared, "csv").stdout)))
    assert list(rows[0]) == list(EXPORT_FIELDS)
    assert [r["id"] for r in rows] == sorted(e.id for e in judged.catalog if e.id)
    assert len(rows) == len(judged.catalog)
    # Deterministic: a second run is byte for byte the same.
    assert export(shared, "csv").stdout == export(shared, "csv").stdout


def iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day is not None else None


def test_derived_values_are_the_evaluations(shared: Path, judged: Evaluation) -> None:
    rows = {r["id"]: r for r in json.loads(export(shared, "json").stdout)["rows"]}
    for entity in judged.catalog.of_kind("laptop", "server"):
        assert entity.id is not None
        row, derived = rows[entity.id], judged.derived(entity)
        assert row["warranty_end"] == iso(derived.warranty_end), entity.id
        assert row["next_audit"] == iso(derived.audit_due), entity.id
        assert row["end_of_life"] == iso(derived.end_of_life), entity.id
        assert row["age_days"] == derived.age_days, entity.id
        value = derived.book_value
        assert row["book_value"] == (str(value) if value is not None else None), entity.id
        opened = [f for f in judged.findings_of(entity.id) if f.waiver is None]
        assert row["open_findings"] == len(opened), entity.id
    lt1 = rows["LT-0001"]
    assert (lt1["purchase_cost"], lt1["currency"], lt1["purchased"]) == (
        "1289.00",
        "GBP",
        "2023-09-12",
    )
    assert lt1["file"] == LT1


def test_json_and_jsonl_hold_the_same_rows(shared: Path) -> None:
    document = json.loads(export(shared, "json", "kind=server").stdout)
    assert (document["version"], document["as_of"], document["at"]) == (1, AS_OF, None)
    lines = export(shared, "jsonl", "kind=server").stdout.splitlines()
    assert [json.loads(line) for line in lines] == document["rows"]
    assert len(lines) == len(document["rows"]) > 3
    fields = export(shared, "jsonl", "kind=server", "--fields", "id,serial,os.version")
    assert json.loads(fields.stdout.splitlines()[0]) == {
        "id": "SRV-0001",
        "serial": "9FJ2KQ3",
        "os.version": "8.0 Update 3",
    }


def test_csv_defuses_formulas_but_not_numbers(tmp_path: Path) -> None:
    root = copy_registry(tmp_path / "repo")
    edit(root, LT1, "name: ThinkPad T14 Gen 4 - Amelia Hart", "name: '+1+cmd|calc'")
    edit(root, LT1, "serial: PF4K7M2Q", 'serial: "-2+3"')
    edit(root, LT10, "name: Latitude 7420 - ex Daniel Price", 'name: "\\tx"')
    rows = {r["id"]: r for r in csv.DictReader(io.StringIO(export(root, "csv").stdout))}
    assert rows["LT-0001"]["name"] == "'+1+cmd|calc"
    assert rows["LT-0001"]["serial"] == "'-2+3"
    assert rows["LT-0010"]["name"] == "'\tx"
    assert rows["LT-0001"]["purchase_cost"] == "1289.00"
    assert rows["LT-0001"]["open_findings"].isdigit()


def test_at_exports_a_past_commit(tmp_path: Path) -> None:
    root = copy_registry(tmp_path / "repo")
    before = git(root, "rev-parse", "HEAD").strip()
    git(root, "rm", "--quiet", LT10)
    git(root, "commit", "--quiet", "-m", "remove LT-0010")
    now = json.loads(export(root, "json").stdout)
    then = json.loads(export(root, "json", "--at", before).stdout)
    assert then["at"] == before
    assert "LT-0010" in {r["id"] for r in then["rows"]}
    assert "LT-0010" not in {r["id"] for r in now["rows"]}
    assert len(then["rows"]) == len(now["rows"]) + 1
    assert "unknown ref" in export(root, "csv", "--at", "v9.9", code=2).stderr


def test_output_and_usage_errors(shared: Path, tmp_path: Path) -> None:
    target = tmp_path / "out" / "inventory.jsonl"
    target.parent.mkdir()
    result = export(shared, "jsonl", "--output", target)
    assert result.stdout == ""
    assert "exported to" in result.stderr
    assert len(target.read_text(encoding="utf-8").splitlines()) > 100
    assert "unknown field" in export(shared, "csv", "--fields", "id,warranty_ends", code=2).stderr
    assert export(shared, "xlsx", code=2).stdout == ""
    assert "FIELD OP VALUE" in export(shared, "csv", "kind", code=2).stderr
