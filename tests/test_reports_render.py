"""Report renderers: every report in every format is valid, and registry text
stays data (no formula in a spreadsheet, no markup in markdown)."""

from __future__ import annotations

import csv
import io
import json
import re
from decimal import Decimal
from pathlib import Path

import pytest

from itam.reports import REPORTS
from itam.reports.model import Column, Table
from itam.reports.render import md_escape, to_csv, to_json, to_markdown
from tests.conftest import AS_OF, copy_registry, edit, run_itam

_CELL_SEPARATOR = re.compile(r"(?<!\\)\|")
_RULE_LINE = re.compile(r"\|(---:?\|)+")


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled registry in a git repository (movements read git history)."""
    return copy_registry(tmp_path_factory.mktemp("reports") / "repo")


def report(root: Path, name: str, fmt: str, *args: str) -> str:
    result = run_itam("report", name, "--root", root, "--as-of", AS_OF, "--format", fmt, *args)
    assert result.exit_code == 0, str(result)
    assert result.stderr == ""
    return result.stdout


def markdown_tables(text: str) -> list[list[list[str]]]:
    """Each table of ``text`` as rows of cells, after checking its shape."""
    tables: list[list[list[str]]] = []
    lines = text.splitlines()
    for index, line in enumerate(lines):
        if line.startswith("|") and (index == 0 or not lines[index - 1].startswith("|")):
            assert _RULE_LINE.fullmatch(lines[index + 1]), lines[index : index + 2]
            block = []
            for row in lines[index:]:
                if not row.startswith("|"):
                    break
                block.append([c.strip() for c in _CELL_SEPARATOR.split(row)[1:-1]])
            width = len(block[0])
            assert all(len(r) == width for r in block), block
            tables.append([block[0], *block[2:]])
    return tables


def movements_args(name: str) -> tuple[str, ...]:
    return ("--from", "HEAD", "--to", "HEAD") if name == "movements" else ()


@pytest.mark.parametrize("name", list(REPORTS))
def test_markdown_of_every_report(repo: Path, name: str) -> None:
    text = report(repo, name, "md", *movements_args(name))
    assert text.startswith(f"# {md_escape(REPORTS[name].title)}\n")
    assert f"As of {AS_OF}." in text or name == "movements"
    tables = markdown_tables(text)
    assert tables, text
    assert all(table[0] and all(table[0]) for table in tables)  # every column has a heading


@pytest.mark.parametrize("name", list(REPORTS))
def test_csv_of_every_report(repo: Path, name: str) -> None:
    text = report(repo, name, "csv", *movements_args(name))
    rows = list(csv.reader(io.StringIO(text)))
    header, body = rows[0], rows[1:]
    assert header[0] == "section"  # every report groups its rows
    assert "id" in header or "rule" in header or "line" in header or "kind" in header
    assert body, text
    assert all(len(row) == len(header) for row in body)


@pytest.mark.parametrize("name", list(REPORTS))
def test_json_of_every_report(repo: Path, name: str) -> None:
    document = json.loads(report(repo, name, "json", *movements_args(name)))
    assert document["version"] == 1
    assert document["report"] == name
    keys = [c["key"] for c in document["columns"]]
    assert len(keys) == len(set(keys))
    flat = [row for part in document["sections"] for row in part["rows"]]
    assert document["rows"] == flat
    assert all(set(row) <= set(keys) for row in flat)


def _table(rows: list[dict[str, object]]) -> Table:
    return Table(
        name="t",
        title="T",
        description="d",
        as_of=AS_OF,
        columns=[
            Column("name", "Name"),
            Column("days", "Days", "number"),
            Column("v", "V", "money"),
        ],
        rows=rows,
    )


def test_csv_defuses_formulas_but_keeps_numbers() -> None:
    hostile = ['=HYPERLINK("http://x")', "+1", "-2", "@SUM(A1)", "\tcmd", "\rcmd", "plain"]
    rows: list[dict[str, object]] = [{"name": h, "days": -5, "v": Decimal("-3.5")} for h in hostile]
    parsed = list(csv.reader(io.StringIO(to_csv(_table(rows)))))
    assert parsed[0] == ["name", "days", "v"]
    assert [r[0] for r in parsed[1:]] == [
        '\'=HYPERLINK("http://x")',
        "'+1",
        "'-2",
        "'@SUM(A1)",
        "'\tcmd",
        "'\rcmd",
        "plain",
    ]
    # Our own numbers stay numbers a spreadsheet can add up.
    assert {(r[1], r[2]) for r in parsed[1:]} == {("-5", "-3.50")}


def test_markdown_escapes_markup_and_keeps_the_table_shape() -> None:
    name = "<script>alert(1)</script> [x](http://evil) *b* | c $x$ @team\nnext"
    text = to_markdown(_table([{"name": name, "days": 1234, "v": Decimal("1289.5")}]))
    assert "<script>" not in text
    assert "&lt;script&gt;alert\\(1\\)&lt;/script&gt;" not in text  # parentheses stay
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    assert "\\[x\\](http://evil)" in text
    assert "\\*b\\*" in text
    assert "\\$x\\$" in text
    assert "\\@team" in text
    (table,) = markdown_tables(text)
    assert table[0] == ["Name", "Days", "V"]
    assert table[1][1:] == ["1,234", "1,289.50"]
    assert "\n" not in table[1][0]


def test_json_keeps_amounts_exact() -> None:
    document = json.loads(to_json(_table([{"name": "a", "days": 2, "v": Decimal("0.1")}])))
    assert document["rows"] == [{"name": "a", "days": 2, "v": "0.10"}]
    assert document["sections"] == []
    assert document["totals"] is None


def test_hostile_asset_names_in_csv_and_markdown(tmp_path: Path) -> None:
    root = copy_registry(tmp_path / "repo", with_git=False)
    laptops = "registry/hardware/laptops"
    names = {
        "LT-0002": ("Latitude 7440 - Jonas Weber", "'=HYPERLINK(\"http://x\")'"),
        "LT-0003": ("MacBook Pro 14 M3 Pro - Ingrid Solberg", "'+1'"),
        "LT-0005": ("Latitude 7440 - Priya Natarajan", "'-2'"),
        "LT-0017": ("MacBook Pro 14 M3 - Kari Nilsen", "'@SUM(A1)'"),
    }
    for asset, (old, new) in names.items():
        edit(root, f"{laptops}/{asset}.yaml", f"name: {old}", f"name: {new}")
    edit(
        root,
        f"{laptops}/LT-0006.yaml",
        "name: ThinkPad T14 Gen 4 - Tom Fletcher",
        "name: '<script>alert(1)</script> | [x](http://evil)'",
    )
    rows = list(csv.DictReader(io.StringIO(report(root, "warranty", "csv"))))
    shown = {r["id"]: r["name"] for r in rows}
    assert shown["LT-0002"] == '\'=HYPERLINK("http://x")'
    assert shown["LT-0003"] == "'+1"
    assert shown["LT-0005"] == "'-2"
    assert shown["LT-0017"] == "'@SUM(A1)"
    audit = report(root, "audit", "md")
    assert "<script>" not in audit
    assert "&lt;script&gt;alert(1)&lt;/script&gt; \\| \\[x\\](http://evil)" in audit
    (due,) = markdown_tables(audit)  # nothing overdue: that section has no table
    assert [r[0] for r in due[1:]] == ["SRV-0003", "LT-0006"]
