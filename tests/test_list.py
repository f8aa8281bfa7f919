"""`itam list`: filters on stored and derived fields, the three formats, and
the inventory of a past commit, on real copies of the bundled registry."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal
from pathlib import Path

import pytest

from itam.evaluation import Evaluation, evaluate
from itam.layout import Layout
from tests.conftest import AS_OF, LT1, LT10, Result, copy_registry, edit, git, run_itam


@pytest.fixture(scope="module")
def shared(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One unedited copy for the tests that only read."""
    return copy_registry(tmp_path_factory.mktemp("list") / "repo")


@pytest.fixture(scope="module")
def judged(shared: Path) -> Evaluation:
    """The evaluation the rows must agree with."""
    return evaluate(Layout.at(shared), dt.date.fromisoformat(AS_OF))


def itam_list(root: Path, *args: str | Path, code: int = 0) -> Result:
    result = run_itam("list", "--root", root, "--as-of", AS_OF, *args)
    assert result.exit_code == code, str(result)
    assert "Traceback" not in result.stderr
    return result


def ids(root: Path, *filters: str) -> list[str]:
    rows = itam_list(root, *filters, "--format", "json", "--fields", "id").json()["rows"]
    return [row["id"] for row in rows]


def test_kind_filter_lists_every_laptop_in_id_order(shared: Path, judged: Evaluation) -> None:
    expected = sorted(e.id for e in judged.catalog.of_kind("laptop") if e.id)
    assert ids(shared, "kind=laptop") == expected
    assert len(expected) > 10


def test_filters_on_derived_dates_compare_as_dates(shared: Path, judged: Evaluation) -> None:
    limit = dt.date(2027, 1, 1)
    expected = sorted(
        e.id
        for e in judged.catalog
        if e.id
        and e.get("status") == "deployed"
        and (end := judged.derived(e).warranty_end) is not None
        and end < limit
    )
    assert expected, "the bundled registry has deployed assets whose warranty ends before 2027"
    assert ids(shared, "warranty.end<2027-01-01", "status=deployed") == expected
    assert ids(shared, "warranty_end<2027-01-01", "status=deployed") == expected
    # Inclusive bounds and the other derived dates.
    audits = sorted(
        e.id for e in judged.catalog if e.id and judged.derived(e).audit_due == dt.date(2027, 3, 18)
    )
    assert ids(shared, "next_audit>=2027-03-18", "audit_due<=2027-03-18") == audits
    assert "LT-0001" in audits


def test_numbers_compare_as_exact_decimals(shared: Path, judged: Evaluation) -> None:
    big = sorted(
        e.id
        for e in judged.catalog
        if e.id and (v := judged.derived(e).book_value) is not None and v > Decimal("1000.005")
    )
    assert ids(shared, "book_value>1000.005") == big
    # 32 and 32.0 are one number; memory_gb is stored as the integer 32.
    assert ids(shared, "memory_gb=32.0") == ids(shared, "memory_gb=32")
    assert "LT-0001" in ids(shared, "memory_gb=32")
    assert ids(shared, "memory_gb>=16", "memory_gb<16") == []


def test_location_includes_the_locations_inside_it(shared: Path) -> None:
    london = ids(shared, "location=lon-hq")
    assert "LT-0001" in london  # at lon-hq-3f, inside lon-hq
    assert "LT-0002" not in london  # at ber-office
    assert ids(shared, "location=lon-hq-3f", "location!=lon-hq") == []
    assert set(ids(shared, "location=lon-hq-3f")) < set(london)


def test_text_operators_and_missing_values(shared: Path, judged: Evaluation) -> None:
    macbooks = ids(shared, "name~MACBOOK")
    assert macbooks
    assert all("macbook" in str(judged.catalog.by_id[i].get("name")).lower() for i in macbooks)
    assert set(ids(shared, "name!~macbook")).isdisjoint(macbooks)
    unowned = ids(shared, "kind=laptop", "owner=")
    assert unowned
    assert all(judged.catalog.by_id[i].get("owner") is None for i in unowned)
    assert set(ids(shared, "kind=laptop", "owner!=")).isdisjoint(unowned)
    # A list matches when any item does: the MAC addresses of SRV-0001.
    assert ids(shared, "network.mac_addresses=b4:96:91:5c:0e:a1") == ["SRV-0001"]
    assert "SRV-0001" not in ids(shared, "network.mac_addresses!=b4:96:91:5c:0e:a1")
    # Text is compared as written: a serial is not a number.
    assert ids(shared, "serial=PF4K7M2Q") == ["LT-0001"]
    assert ids(shared, "serial=pf4k7m2q") == []


def test_findings_and_severity_read_the_evaluation(shared: Path, judged: Evaluation) -> None:
    def open_of(entity_id: str) -> list[str]:
        return [str(f.severity) for f in judged.findings_of(entity_id) if f.waiver is None]

    with_findings = sorted(e.id for e in judged.catalog if e.id and open_of(e.id))
    assert with_findings
    assert ids(shared, "findings>0") == with_findings
    errors = sorted(e.id for e in judged.catalog if e.id and "error" in open_of(e.id))
    assert ids(shared, "severity=error") == errors
    warned = sorted(
        e.id for e in judged.catalog if e.id and {"error", "warning"} & set(open_of(e.id))
    )
    assert ids(shared, "severity>=warning") == warned
    rows = itam_list(shared, "id=LT-0002", "--format", "json", "--fields", "id,findings,severity")
    row = rows.json()["rows"][0]
    assert row == {
        "id": "LT-0002",
        "open_findings": len(open_of("LT-0002")),
        "worst_severity": open_of("LT-0002")[0] if open_of("LT-0002") else None,
    }


def test_unknown_fields_and_bad_filters_are_usage_errors(shared: Path) -> None:
    typo = itam_list(shared, "warrenty.end<2027-01-01", code=2)
    assert "unknown field 'warrenty.end'" in typo.stderr
    assert "did you mean 'warranty.end'" in typo.stderr
    for known in ("warranty_end", "next_audit", "book_value", "open_findings", "network.*"):
        assert known in typo.stderr
    assert "neither" in itam_list(shared, "name<abc", code=2).stderr
    assert "FIELD OP VALUE" in itam_list(shared, "kind", code=2).stderr
    assert "unknown field" in itam_list(shared, "--fields", "id,nope", code=2).stderr
    assert itam_list(shared, "--format", "xml", code=2).stdout == ""


def test_table_fits_the_terminal_and_escapes_control_characters(tmp_path: Path) -> None:
    from itam.listing import width

    root = copy_registry(tmp_path / "repo")
    edit(
        root, LT1, "name: ThinkPad T14 Gen 4 - Amelia Hart", 'name: "\\e[31mred\\e[0m 東京 laptop"'
    )

    def table(columns: int) -> Result:
        env = {"COLUMNS": str(columns)}
        result = run_itam("list", "--root", root, "--as-of", AS_OF, "kind=laptop", env=env)
        assert result.exit_code == 0, str(result)
        return result

    wide = table(200)
    lines = wide.stdout.splitlines()
    assert lines[0].split() == ["ID", "Kind", "Status", "Owner", "Location", "Name"]
    laptops = ids(root, "kind=laptop")
    assert len(lines) == 1 + len(laptops)
    assert f"{len(laptops)} of " in wide.stderr
    assert "\x1b" not in wide.stdout
    assert lines[1].endswith("\\x1b[31mred\\x1b[0m 東京 laptop")
    narrow = table(60).stdout.splitlines()
    assert all(width(line) <= 60 for line in narrow), narrow
    assert sum(line.endswith("…") for line in narrow) > 5
    # Two cells a wide character: the columns stay aligned after it.
    assert width("東京") == 4


def test_csv_is_spreadsheet_safe_and_keeps_numbers(tmp_path: Path) -> None:
    root = copy_registry(tmp_path / "repo")
    edit(root, LT1, "name: ThinkPad T14 Gen 4 - Amelia Hart", 'name: "=HYPERLINK(\\"x\\")"')
    edit(root, LT10, "name: Latitude 7420 - ex Daniel Price", 'name: "@SUM(A1)"')
    out = itam_list(
        root, "kind=laptop", "--format", "csv", "--fields", "id,name,book_value,age_days"
    )
    rows = list(csv.DictReader(io.StringIO(out.stdout)))
    by_id = {row["id"]: row for row in rows}
    assert by_id["LT-0001"]["name"] == '\'=HYPERLINK("x")'
    assert by_id["LT-0010"]["name"] == "'@SUM(A1)"
    assert by_id["LT-0001"]["book_value"] == "0.00"
    assert by_id["LT-0001"]["age_days"].isdigit()
    assert list(rows[0]) == ["id", "name", "book_value", "age_days"]


def test_json_is_one_object_with_version_as_of_and_rows(shared: Path) -> None:
    doc = itam_list(shared, "id=LT-0001", "--format", "json").json()
    assert doc["version"] == 1
    assert doc["as_of"] == AS_OF
    assert doc["at"] is None
    assert [f["key"] for f in doc["fields"]] == [
        "id",
        "kind",
        "status",
        "owner",
        "location",
        "name",
    ]
    assert doc["rows"] == [
        {
            "id": "LT-0001",
            "kind": "laptop",
            "status": "deployed",
            "owner": "EMP-1001",
            "location": "lon-hq-3f",
            "name": "ThinkPad T14 Gen 4 - Amelia Hart",
        }
    ]
    # Fields filtered on are shown too, so one sees why a row is there.
    shown = itam_list(shared, "warranty.end<2027-01-01", "--format", "json").json()
    assert shown["fields"][-1]["key"] == "warranty_end"
    nested = itam_list(shared, "id=SRV-0001", "--format", "json", "--fields", "os,purchase_cost")
    assert nested.json()["rows"][0] == {
        "os": {"name": "VMware ESXi", "version": "8.0 Update 3"},
        "purchase_cost": "18450.00",
    }


def test_at_lists_the_registry_of_a_past_commit(tmp_path: Path) -> None:
    root = copy_registry(tmp_path / "repo")
    before = git(root, "rev-parse", "HEAD").strip()
    git(root, "rm", "--quiet", LT10)
    git(root, "commit", "--quiet", "-m", "LT-0010 leaves the registry")
    assert "LT-0010" not in ids(root, "kind=laptop")
    past = itam_list(root, "kind=laptop", "--at", before, "--format", "json", "--fields", "id")
    assert past.json()["at"] == before
    assert "LT-0010" in [row["id"] for row in past.json()["rows"]]
    unknown = itam_list(root, "--at", "no-such-branch", code=2)
    assert "unknown ref 'no-such-branch'" in unknown.stderr
    assert "refusing ref" in itam_list(root, "--at", "--upload-pack=x", code=2).stderr


def test_output_file_is_written_atomically(shared: Path, tmp_path: Path) -> None:
    target = tmp_path / "laptops.csv"
    result = itam_list(shared, "kind=laptop", "--format", "csv", "--output", target)
    assert result.stdout == ""
    assert target.read_text(encoding="utf-8").startswith("id,kind,status,owner,location,name")
    folder = itam_list(shared, "--format", "csv", "--output", tmp_path, code=2)
    assert "itam:" in folder.stderr
