"""``itam import snipeit``: Snipe-IT look-alike exports into a copy of the bundled registry."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from itam import yamlsafe
from itam.interchange.importer import STRUCTURAL
from itam.numbers import decimal_of
from tests.conftest import AS_OF, Result, copy_registry, git, run_itam

FIXTURES = Path(__file__).parent / "fixtures" / "import"
ASSETS = FIXTURES / "snipeit-assets.csv"


@pytest.fixture
def root(tmp_path: Path) -> Path:
    return copy_registry(tmp_path / "repo")


def snipeit(root: Path, *args: str | Path) -> Result:
    return run_itam("import", "snipeit", *args, "--root", root, "--as-of", AS_OF)


def snapshot(root: Path) -> dict[str, tuple[bytes, int]]:
    """Every registry file's bytes and modification time."""
    return {
        p.relative_to(root).as_posix(): (p.read_bytes(), p.stat().st_mtime_ns)
        for p in sorted((root / "registry").rglob("*"))
        if p.is_file()
    }


def load(root: Path, rel: str) -> dict[str, Any]:
    doc = yamlsafe.load((root / rel).read_bytes(), rel)
    assert doc.data is not None, doc.findings
    return doc.data


def validate_json(root: Path) -> dict[str, Any]:
    result = run_itam("validate", "--root", root, "--as-of", AS_OF, "--format", "json")
    return dict(result.json())


def test_the_asset_file_imports_into_entities_that_validate(root: Path) -> None:
    before = snapshot(root)
    result = snipeit(root, ASSETS, "--currency", "GBP")
    assert result.exit_code == 1, result  # some rows are rejected, the rest imported
    new = sorted(set(snapshot(root)) - set(before))
    assert new == [
        "registry/hardware/desktops/DT-0005.yaml",
        "registry/hardware/laptops/LT-0019.yaml",
        "registry/hardware/mobile/MOB-0007.yaml",
        "registry/models/thinkpad-t14-gen-4.yaml",
        "registry/people/EMP-1016.yaml",
        "registry/people/EMP-1017.yaml",
        "registry/vendors/byte-shop-ltd.yaml",
        "registry/vendors/byte-shop.yaml",
    ]
    laptop = load(root, "registry/hardware/laptops/LT-0019.yaml")
    assert laptop["asset_tag"] == "ACM-1001"
    assert laptop["status"] == "deployed"  # checked out to Jane Doe
    assert laptop["owner"] == "EMP-1016"
    assert laptop["location"] == "lon-hq"  # matched by name
    assert laptop["model"] == "thinkpad-t14-gen-4"
    assert laptop["purchase"]["date"] == "2025-03-14"
    assert decimal_of(laptop["purchase"]["cost"]["amount"]) == decimal_of("1234.50")
    assert laptop["purchase"]["cost"]["currency"] == "GBP"
    assert laptop["warranty"] == {"start": "2025-03-14", "months": 36}
    assert load(root, "registry/people/EMP-1016.yaml") == {
        "id": "EMP-1016",
        "kind": "person",
        "name": "Jane Doe",
        "email": "jane.doe@example.com",
    }
    desktop = load(root, "registry/hardware/desktops/DT-0005.yaml")
    assert desktop["model"] == "dell-optiplex-7010-sff"  # "Dell" + "OptiPlex 7010 SFF"
    assert desktop["status"] == "in-stock"
    phone = load(root, "registry/hardware/mobile/MOB-0007.yaml")
    assert phone["model"] == "samsung-galaxy-s23"
    assert "serial" not in phone  # 3.54962E+15 is reported, never expanded
    assert "scientific notation" in result.stdout
    report = validate_json(root)
    on_new = [f for f in report["findings"] if f["file"] in new and f["severity"] == "error"]
    assert {f["rule"].split(".")[0] for f in on_new} <= {"audit", "security"}
    assert not [f for f in on_new if f["rule"].split(".")[0] in STRUCTURAL]


def test_rejected_rows_name_their_line_and_why(root: Path) -> None:
    result = snipeit(root, ASSETS, "--currency", "GBP")
    out = result.stdout
    src = str(ASSETS)
    assert f"{src}:5: rejected 'ACM-1004'" in out
    assert "an entity that is retired needs retirement.date (column 'Status')" in out
    assert f"{src}:6: rejected 'ACM-1005'" in out  # checked out to a room: no owner
    assert f"{src}:7: rejected 'ACM-1006'" in out
    assert "--category 'Ornamental Railings=KIND'" in out
    assert f"{src}:8: rejected 'ACM-1001'" in out
    assert "is also on line 2" in out
    assert "7 rows: 3 created, 4 rejected" in out


def test_a_second_import_changes_nothing(root: Path) -> None:
    first = snipeit(root, ASSETS, "--currency", "GBP")
    assert "8 files written" in first.stdout
    before = snapshot(root)
    second = snipeit(root, ASSETS, "--currency", "GBP")
    assert second.exit_code == 1
    assert snapshot(root) == before  # same bytes, same modification times
    assert "3 unchanged, 4 rejected" in second.stdout
    assert "nothing to write" in second.stdout
    assert "created" not in second.stdout.replace("3 created", "")


def test_a_changed_row_updates_only_its_fields(root: Path, tmp_path: Path) -> None:
    snipeit(root, ASSETS, "--currency", "GBP")
    laptop = root / "registry/hardware/laptops/LT-0019.yaml"
    text = laptop.read_text()
    # By hand, after the first import: a comment and a field Snipe-IT does not have.
    text = text.replace("asset_tag: ACM-1001\n", "asset_tag: ACM-1001  # label on the lid\n")
    text += "cpu: Intel Core i7-1365U\n"
    laptop.write_text(text)
    changed = tmp_path / "changed.csv"
    changed.write_bytes(
        ASSETS.read_bytes()
        .replace(b'"$1,234.50"', b'"$1,300.00"')
        .replace(b"Bought for the design team", b"Moved to the web team")
    )
    before = snapshot(root)
    result = snipeit(root, changed, "--currency", "GBP")
    after = snapshot(root)
    touched = sorted(rel for rel in after if after[rel] != before[rel])
    assert touched == ["registry/hardware/laptops/LT-0019.yaml"]
    assert f"{changed}:2: updated LT-0019" in result.stdout
    assert "notes, purchase.cost.amount" in result.stdout
    new_text = laptop.read_text()
    assert new_text == text.replace("amount: 1234.50", "amount: 1300.00").replace(
        "Bought for the design team", "Moved to the web team"
    )


def test_a_dry_run_writes_nothing_and_says_what_it_would_do(root: Path) -> None:
    before = snapshot(root)
    result = snipeit(root, ASSETS, "--currency", "GBP", "--dry-run")
    assert result.exit_code == 1
    assert snapshot(root) == before
    assert f"{ASSETS}:2: would create LT-0019" in result.stdout
    assert "would also create" in result.stdout
    assert "nothing written (dry run)" in result.stdout
    assert git(root, "status", "--porcelain") == ""


def test_the_bad_export_is_read_and_reported_line_by_line(root: Path) -> None:
    bad = FIXTURES / "snipeit-assets-bad.csv"
    result = snipeit(root, bad, "--currency", "USD")
    assert result.exit_code == 1, result
    out, src = result.stdout, str(bad)
    assert "Traceback" not in out + result.stderr
    assert f"{src}:1: note: columns 6 and 13 are both named 'Category'" in out
    assert f"{src}:1: note: column 14 has no header" in out
    # CR-only lines: each row is reported on its own physical line. Line 2's
    # location did not decode, and a deployed laptop needs one.
    assert f"{src}:2: rejected 'BAD-0001'" in out
    assert "the bytes \\x89 are not UTF-8 text" in out
    assert "an entity that is deployed needs location" in out
    assert "part_number: '7.01E+11' is a number in scientific notation" in out
    assert f"{src}:3: rejected 'BAD-0002'" in out
    assert "serial: '1.23457E+11' is a number in scientific notation" in out
    assert f"{src}:4: created LT-0019" in out  # its notes span lines 4 and 5
    assert f"{src}:6: rejected (no key)" in out
    assert "asset_tag: column 'Asset Tag' is blank" in out
    # Nothing in the file tells 4/5/16 from 5/4/16: read as month first, and said.
    assert "no date in it tells the month from the day" in out
    laptop = load(root, "registry/hardware/laptops/LT-0019.yaml")
    assert laptop["purchase"]["date"] == "2015-12-11"
    assert laptop["status"] == "in-stock"
    assert laptop["notes"] == "two\nlines"  # a line break, whatever the file's line endings


def test_licenses_import_without_their_keys(root: Path) -> None:
    licenses = FIXTURES / "snipeit-licenses.csv"
    result = snipeit(root, licenses, "--currency", "USD")
    assert result.exit_code == 1, result
    out = result.stdout
    assert f"{licenses}:2: created LIC-0006" in out
    assert f"{licenses}:5: created LIC-0007" in out  # line 2's notes span lines 2-4
    assert f"{licenses}:6: rejected 'No Vendor Tool'" in out
    assert "vendor: column 'manufacturer' or 'supplier' is blank" in out
    assert f"{licenses}:7: rejected 'Bad Seats Tool'" in out
    assert "seats: 'many' is not a whole number" in out
    assert "never the key" in out
    design = load(root, "registry/software/LIC-0006.yaml")
    assert design["status"] == "active"  # ends 2027-02-26, after the run's date
    assert design["seats"] == 5
    assert design["vendor"] == "adobe"
    assert design["notes"] == "Renewed yearly.\n\nAsk IT before adding seats."
    assert load(root, "registry/software/LIC-0007.yaml")["status"] == "ended"
    written = b"".join(p.read_bytes() for p in (root / "registry").rglob("*.yaml"))
    assert b"4c2713a1-5b73-4ecb-b2e9-62bf0ff57165" not in written


def test_hostile_cells_never_become_paths_or_forged_lines(root: Path, tmp_path: Path) -> None:
    hostile = FIXTURES / "hostile.csv"
    before = set(snapshot(root))
    result = snipeit(root, hostile)
    assert result.exit_code == 1, result
    new = sorted(set(snapshot(root)) - before)
    assert new == [
        "registry/hardware/laptops/LT-0019.yaml",
        "registry/hardware/laptops/LT-0020.yaml",
        "registry/hardware/laptops/LT-0021.yaml",
        "registry/hardware/laptops/LT-0022.yaml",
        "registry/locations/etc.yaml",
        "registry/locations/img-src-x-onerror-alert-1.yaml",
    ]
    assert not any(p.name in ("passwd", "etc", "b") for p in tmp_path.rglob("*"))
    formula = load(root, "registry/hardware/laptops/LT-0019.yaml")
    assert formula["name"] == "=cmd|' /C calc'!A0"  # data, kept as written
    assert formula["notes"] == "@SUM(1+1)"
    assert load(root, "registry/hardware/laptops/LT-0020.yaml")["name"] == (
        "<script>alert(1)</script>"
    )
    assert load(root, "registry/hardware/laptops/LT-0021.yaml")["asset_tag"] == "a/../../b"
    out = result.stdout
    assert f"{hostile}:4: rejected 'HOS-\\n0003'" in out
    assert f"{hostile}:6: rejected '../../etc/passwd'" in out
    for line in out.splitlines():
        assert line.startswith((str(hostile), "    ")), line


def test_new_files_go_under_into(root: Path) -> None:
    result = snipeit(root, ASSETS, "--currency", "GBP", "--into", root / "registry" / "imported")
    assert "registry/imported/hardware/laptops/LT-0019.yaml" in result.stdout
    assert (root / "registry/imported/people/EMP-1016.yaml").is_file()
    again = snipeit(root, ASSETS, "--currency", "GBP", "--into", root / "registry" / "imported")
    assert "nothing to write" in again.stdout


def test_the_json_report(root: Path) -> None:
    result = snipeit(root, ASSETS, "--format", "json", "--dry-run")
    body = json.loads(result.stdout)
    assert body["counts"] == {
        "created": 3,
        "updated": 0,
        "unchanged": 0,
        "rejected": 4,
        "skipped": 0,
    }
    first = body["rows"][0]
    assert (first["line"], first["key"], first["action"], first["id"]) == (
        2,
        "ACM-1001",
        "created",
        "LT-0019",
    )
    assert any("--currency" in w for w in first["warnings"])
    assert body["written"] == []


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["missing.csv"], "no such file"),
        ([str(FIXTURES)], "is a folder"),
        ([str(ASSETS), "--kind", "laptops"], "--kind: 'laptops' is not a kind"),
        ([str(ASSETS), "--status", "Ready to Deploy=shelved"], "--status: 'shelved'"),
        ([str(ASSETS), "--category", "no-equals-sign"], "TEXT=VALUE"),
        ([str(ASSETS), "--currency", "dollars"], "ISO 4217"),
        ([str(ASSETS), "--encoding", "klingon"], "unknown encoding"),
        ([str(ASSETS), "--into", "/tmp"], "new files go inside"),
        ([str(FIXTURES / "bad-map.yaml")], "not a Snipe-IT file"),
    ],
)
def test_unusable_input_is_exit_2_with_one_line(root: Path, args: list[str], message: str) -> None:
    before = snapshot(root)
    result = snipeit(root, *args)
    assert result.exit_code == 2, result
    assert message in result.stderr + result.stdout
    assert "Traceback" not in result.stderr
    assert snapshot(root) == before


def test_stock_files_are_refused_with_the_reason(root: Path, tmp_path: Path) -> None:
    accessories = tmp_path / "accessories.csv"
    accessories.write_text("Company,Name,Category,QTY,Min Amount\nAcme,Mouse,Mice,61,5\n")
    result = snipeit(root, accessories)
    assert result.exit_code == 2
    assert "accessories are counted in stock" in result.stderr


def test_a_category_and_a_status_given_on_the_command_line(root: Path) -> None:
    result = snipeit(
        root,
        ASSETS,
        "--category",
        "Ornamental Railings=peripheral",
        "--status",
        "Broken - Not Fixable=in-stock",
        "--dry-run",
    )
    assert f"{ASSETS}:7: would create PER-0009" in result.stdout
    assert f"{ASSETS}:5: would create SRV-0009" in result.stdout


def test_an_existing_entity_keeps_what_the_row_does_not_say(root: Path, tmp_path: Path) -> None:
    source = tmp_path / "one.csv"
    source.write_text(
        "Asset Tag,Name,Category,Model,Manufacturer,Notes\n"
        "LDN-10231,ThinkPad T14 Gen 4 - Amelia Hart,Laptops,ThinkPad T14 Gen 4 (Intel),"
        "Lenovo,Moved to finance\n"
    )
    old = (root / "registry/hardware/laptops/LT-0001.yaml").read_text()
    result = snipeit(root, source)
    assert result.exit_code == 0, result
    assert f"{source}:2: updated LT-0001" in result.stdout
    # No status column: "in-stock" is only a new asset's default, so the
    # deployed laptop stays deployed; its model is found as Lenovo + the name.
    new = (root / "registry/hardware/laptops/LT-0001.yaml").read_text()
    assert new == old.replace(
        "notes: Bought with Lenovo Premier Support, 4 years on site.", "notes: Moved to finance"
    )
    assert git(root, "status", "--porcelain") == " M registry/hardware/laptops/LT-0001.yaml\n"


def test_strict_rejects_rows_the_policies_would_flag(root: Path) -> None:
    result = snipeit(root, ASSETS, "--currency", "GBP", "--strict", "--dry-run")
    assert result.exit_code == 1
    assert f"{ASSETS}:2: rejected 'ACM-1001'" in result.stdout
    assert "why: audit.overdue" in result.stdout
    assert "7 rows: 7 rejected" in result.stdout


def test_suppliers_match_vendors_by_their_id_and_keep_their_names(
    root: Path, tmp_path: Path
) -> None:
    source = tmp_path / "suppliers.csv"
    source.write_text(
        "Name,Address,City,Contact,Email,URL,Notes\n"
        "Byte Shop,1 High St,London,Jo,sales@byteshop.example,https://byteshop.example,Reseller\n"
        "Dell,,,,,,\n"
    )
    result = snipeit(root, source)
    assert result.exit_code == 0, result
    assert f"{source}:3: unchanged dell" in result.stdout  # not a second vendor "dell-2"
    assert load(root, "registry/vendors/byte-shop.yaml") == {
        "id": "byte-shop",
        "kind": "vendor",
        "name": "Byte Shop",
        "roles": ["reseller"],
        "website": "https://byteshop.example",
        "support_email": "sales@byteshop.example",
        "notes": "Reseller",
    }
    assert load(root, "registry/vendors/dell.yaml")["name"] == "Dell Technologies"
