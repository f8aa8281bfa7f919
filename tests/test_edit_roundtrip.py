"""The round-trip editor: a change touches its own bytes and nothing else."""

from __future__ import annotations

import difflib
from pathlib import Path
from typing import Any

import pytest

from itam import yamlsafe
from itam.edit import DELETE, EditError, apply_changes, parse_value, render_entity
from itam.edit.scalars import inline
from itam.schemas import SchemaSet
from tests.conftest import PROJECT

FIXTURE = PROJECT / "tests" / "fixtures" / "edit" / "LT-0101.yaml"


@pytest.fixture(scope="module")
def schemas() -> SchemaSet:
    return SchemaSet(PROJECT / "schemas", PROJECT)


def text() -> str:
    return FIXTURE.read_text(encoding="utf-8")


def data_of(source: str) -> dict[str, Any]:
    doc = yamlsafe.load(source.encode("utf-8"), "x.yaml")
    assert doc.data is not None, doc.findings
    return doc.data


def changed_lines(old: str, new: str) -> tuple[list[str], list[str]]:
    """The lines removed from ``old`` and added in ``new``."""
    removed: list[str] = []
    added: list[str] = []
    a, b = old.splitlines(True), new.splitlines(True)
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b).get_opcodes():
        if tag != "equal":
            removed += a[i1:i2]
            added += b[j1:j2]
    return removed, added


def test_a_scalar_change_touches_only_its_value(schemas: SchemaSet) -> None:
    old = text()
    new = apply_changes(old, {"status": "deployed", "owner": "EMP-1001"}, schemas)
    assert (
        new.replace("status: deployed", "status: in-stock").replace("owner: EMP-1001\n", "") == old
    )
    removed, added = changed_lines(old, new)
    assert removed == ["status: in-stock\n"]
    assert added == ["status: deployed\n", "owner: EMP-1001\n"]
    # The schema puts owner before location: the new key goes there.
    assert new.index("owner: EMP-1001") < new.index("location: lon-hq-stores")


def test_values_inside_flow_collections_keep_the_flow_style(schemas: SchemaSet) -> None:
    old = text()
    new = apply_changes(
        old,
        {
            "purchase.cost.amount": "1300.00",
            "network.mac_addresses": [
                "a4:c3:f0:5e:21:01",
                "a4:c3:f0:5e:21:02",
                "a4:c3:f0:5e:21:03",
            ],
            "tags": ["spare", "stores", "finance"],
        },
        schemas,
    )
    removed, added = changed_lines(old, new)
    assert added == [
        "  mac_addresses: [a4:c3:f0:5e:21:01, a4:c3:f0:5e:21:02, a4:c3:f0:5e:21:03]\n",
        "  cost: {amount: 1300.00, currency: GBP}\n",
        "tags: [spare, stores, finance]\n",
    ]
    assert len(removed) == 3
    assert data_of(new)["purchase"]["cost"]["amount"] == "1300.00"


def test_an_audit_is_appended_in_the_lists_own_style(schemas: SchemaSet) -> None:
    old = text()
    audits = data_of(old)["audits"]
    record = {"date": "2026-11-22", "by": "EMP-1011", "result": "found", "notes": "Desk 3F: ok"}
    new = apply_changes(old, {"audits": [*audits, record]}, schemas)
    removed, added = changed_lines(old, new)
    assert removed == []
    assert added == ['  - {date: 2026-11-22, by: EMP-1011, result: found, notes: "Desk 3F: ok"}\n']
    # Right after the last record, before the next field; its comment stays.
    assert "result: found}   # label replaced\n  - {date: 2026-11-22" in new


def test_a_block_list_of_block_mappings_gets_a_block_item() -> None:
    old = (
        "id: V-1\nkind: vendor\nname: V\n"
        "certifications:\n  - standard: R2\n    expires: 2027-03-31\n"
    )
    new = apply_changes(
        old,
        {
            "certifications": [
                {"standard": "R2", "expires": "2027-03-31"},
                {"standard": "ISO 14001"},
            ]
        },
    )
    assert new == old + "  - standard: ISO 14001\n"


def test_missing_parents_are_created_in_schema_order(schemas: SchemaSet) -> None:
    old = text()
    new = apply_changes(
        old, {"retirement.date": "2026-11-22", "retirement.reason": "beyond repair"}, schemas
    )
    removed, added = changed_lines(old, new)
    assert removed == []
    assert added == ["retirement:\n", "  date: 2026-11-22\n", "  reason: beyond repair\n"]
    # hardware.schema.json lists retirement after audits, before notes and tags.
    assert new.index("retirement:") > new.index("audits:")
    assert data_of(new)["retirement"] == {"date": "2026-11-22", "reason": "beyond repair"}


def test_block_scalars_crlf_and_bom_are_kept(schemas: SchemaSet) -> None:
    old = "\ufeff" + text().replace("\n", "\r\n")
    new = apply_changes(old, {"status": "deployed", "owner": "EMP-1001", "memory_gb": 32}, schemas)
    assert new.startswith("\ufeff# A laptop written by hand")
    assert "\n" not in new.replace("\r\n", "")
    assert "notes: >-\r\n  Kept in the stores as a spare for the finance team;\r\n" in new
    expected = old.replace("status: in-stock", "status: deployed").replace(
        "memory_gb: 16", "memory_gb: 32"
    )
    assert new.replace("owner: EMP-1001\r\n", "") == expected


def test_a_block_scalar_can_be_replaced(schemas: SchemaSet) -> None:
    old = text()
    new = apply_changes(old, {"notes": "First line.\nSecond line."}, schemas)
    assert new.endswith("notes: |-\n  First line.\n  Second line.\n")
    assert new.startswith(old[: old.index("notes:")])


def test_a_key_can_be_removed() -> None:
    old = "id: A-1\nkind: laptop\nname: A # the name\nrepair:\n  ticket: T-1\nstatus: deployed\n"
    new = apply_changes(old, {"repair": DELETE})
    assert new == "id: A-1\nkind: laptop\nname: A # the name\nstatus: deployed\n"


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ("yes", '"yes"'),
        ("NO", '"NO"'),
        ("1.0", '"1.0"'),
        ("0191", '"0191"'),
        ("22:22", '"22:22"'),
        ("#x", '"#x"'),
        (": x", '": x"'),
        ("a: b", '"a: b"'),
        ("a #b", '"a #b"'),
        ("null", '"null"'),
        ("", '""'),
        ("2026-01-01", "2026-01-01"),
        ("2023-02-30", '"2023-02-30"'),
        ("Intel Core i7", "Intel Core i7"),
        ('organisation "Example"', 'organisation "Example"'),
        (32, "32"),
        (12.5, "12.5"),
        (True, "true"),
    ],
)
def test_new_values_are_quoted_where_a_reader_would_misread_them(value: Any, written: str) -> None:
    assert inline(value) == written
    old = "id: A-1\nkind: thing\nname: A\n"
    new = apply_changes(old, {"notes": value})
    assert data_of(new)["notes"] == value
    assert new == old + f"notes: {written}\n"


def test_decimals_stay_plain_only_where_a_number_is_accepted(schemas: SchemaSet) -> None:
    old = text()
    new = apply_changes(old, {"purchase.cost.amount": "99.50", "os.version": "10.10"}, schemas)
    assert "cost: {amount: 99.50, currency: GBP}" in new
    assert 'version: "10.10"' in new


def test_set_values_are_read_as_in_a_file() -> None:
    assert parse_value("32") == 32
    assert parse_value("2026-01-01") == "2026-01-01"
    assert parse_value("yes") == "yes"
    assert parse_value('"32"') == "32"
    assert parse_value("true") is True
    assert parse_value("a #b") == "a #b"
    assert parse_value("a: b") == "a: b"
    assert parse_value("1289.00") == "1289.00"


def test_a_change_that_would_drop_a_comment_is_refused(schemas: SchemaSet) -> None:
    with pytest.raises(EditError, match="comment on line 12"):
        apply_changes(text(), {"os": "Windows"}, schemas)


@pytest.mark.parametrize(
    "source",
    [
        "id: A\nid: B\n",  # duplicate key
        "a: &x 1\nb: *x\n",  # alias
        "- a\n- b\n",  # not a mapping
        "a: [1,\n",  # syntax
        "id: a\rkind: x\r",  # classic Mac line endings
    ],
)
def test_a_file_that_does_not_load_cleanly_is_refused(source: str) -> None:
    with pytest.raises(EditError, match="cannot edit this file safely"):
        apply_changes(source, {"status": "x"}, file="registry/x.yaml")


def test_a_path_through_text_is_refused() -> None:
    with pytest.raises(EditError, match="not a mapping"):
        apply_changes("id: A\nos: Windows\n", {"os.version": "11"})


def test_render_entity_follows_the_bundled_style(schemas: SchemaSet) -> None:
    data = {
        "notes": "Spare.",
        "audits": [{"result": "found", "date": "2026-01-02", "by": "EMP-1010"}],
        "purchase": {"cost": {"currency": "GBP", "amount": "1289.00"}, "date": "2026-01-01"},
        "status": "planned",
        "name": "Spare",
        "kind": "laptop",
        "id": "LT-0500",
        "model": "lenovo-thinkpad-t14-gen4",
        "network": {"mac_addresses": ["a4:c3:f0:5e:21:01"]},
        "encryption": {"enabled": True, "method": "BitLocker"},
        "os": {"name": "Ubuntu", "version": "24.04"},
    }
    assert render_entity(data, schemas) == (
        "id: LT-0500\n"
        "kind: laptop\n"
        "name: Spare\n"
        "status: planned\n"
        "model: lenovo-thinkpad-t14-gen4\n"
        "os:\n"
        "  name: Ubuntu\n"
        '  version: "24.04"\n'
        "network:\n"
        "  mac_addresses: [a4:c3:f0:5e:21:01]\n"
        "purchase:\n"
        "  date: 2026-01-01\n"
        "  cost: {amount: 1289.00, currency: GBP}\n"
        "encryption: {enabled: true, method: BitLocker}\n"
        "audits:\n"
        "  - {date: 2026-01-02, by: EMP-1010, result: found}\n"
        "notes: Spare.\n"
    )


def test_every_bundled_file_reads_back_the_same_when_rendered(schemas: SchemaSet) -> None:
    for path in sorted((PROJECT / "registry").rglob("*.yaml")):
        data = data_of(path.read_text(encoding="utf-8"))
        assert data_of(render_entity(data, schemas)) == data, path


def test_the_fixture_is_unchanged_by_an_empty_edit(tmp_path: Path) -> None:
    assert apply_changes(text(), {}) == text()
    assert apply_changes(text(), {"status": "in-stock"}) == text()


def test_every_bundled_asset_takes_an_audit_as_added_lines_only(schemas: SchemaSet) -> None:
    record = {"date": "2026-11-22", "by": "EMP-1010", "result": "found"}
    for path in sorted((PROJECT / "registry" / "hardware").rglob("*.yaml")):
        old = path.read_text(encoding="utf-8")
        audits = data_of(old).get("audits", [])
        new = apply_changes(old, {"audits": [*audits, record]}, schemas)
        removed, added = changed_lines(old, new)
        assert removed == [], path
        item = "  - {date: 2026-11-22, by: EMP-1010, result: found}\n"
        assert added == ([item] if audits else ["audits:\n", item]), path
