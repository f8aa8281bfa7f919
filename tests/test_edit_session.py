"""``itam audit-session``: scans at a location against the registry."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from itam import yamlsafe
from itam.edit.scans import read_scans
from itam.errors import ConfigError
from tests.conftest import AS_OF, git, run_itam

LOCATION = "lon-hq-3f"


def at_location(root: Path, location: str) -> dict[str, dict[str, object]]:
    """The in-service entities registered at ``location`` (no child locations
    under lon-hq-3f), by id."""
    out = {}
    for path in sorted((root / "registry").rglob("*.yaml")):
        data = yamlsafe.load(path.read_bytes(), path.name).data
        if (
            data
            and data.get("location") == location
            and data.get("status") in ("deployed", "in-stock")
        ):
            out[str(data["id"])] = data
    return out


def session(root: Path, scans: Path, *args: str) -> tuple[int, str, str]:
    result = run_itam("audit-session", LOCATION, scans, *args, "--root", root, "--as-of", AS_OF)
    return result.exit_code, result.stdout, result.stderr


def scan_file(tmp_path: Path, tags: list[str], header: str = "Asset Tag,Note") -> Path:
    path = tmp_path / "scans.csv"
    rows = [header, *(f" {tag} ,seen" for tag in tags)]
    path.write_bytes(b"\xef\xbb\xbf" + "\r\n\r\n".join(rows).encode() + b"\r\n")
    return path


def test_one_left_out_and_one_foreign_are_both_named(registry: Path, tmp_path: Path) -> None:
    expected = at_location(registry, LOCATION)
    assert len(expected) >= 3
    left_out, *rest = sorted(expected)
    tags = [str(expected[i]["asset_tag"]) for i in rest] + ["BER-20131"]  # LT-0018, in Berlin
    code, out, err = session(registry, scan_file(tmp_path, tags), "--format", "json")
    assert code == 1, err
    report = json.loads(out)
    assert [f["id"] for f in report["found"]] == rest
    assert [m["id"] for m in report["missing"]] == [left_out]
    assert report["unexpected"] == [
        {
            "scan": "BER-20131",
            "line": len(tags) * 2 + 1,
            "id": "LT-0018",
            "file": "registry/hardware/laptops/LT-0018.yaml",
            "location": "ber-office",
        }
    ]
    code, text, _ = session(registry, scan_file(tmp_path, tags))
    assert code == 1
    assert f"  {left_out}  deployed  at {LOCATION}" in text
    assert "BER-20131  (line" in text
    assert "LT-0018, registered at ber-office" in text
    assert git(registry, "status", "--porcelain") == ""


def test_everything_scanned_and_nothing_else_is_exit_0(registry: Path, tmp_path: Path) -> None:
    expected = at_location(registry, LOCATION)
    serials = [str(expected[i]["serial"]) for i in sorted(expected)]
    path = tmp_path / "scans.txt"
    path.write_text("\n".join(f"  {s.lower()}  " for s in serials) + "\n\n")
    code, out, err = session(registry, path)
    assert code == 0, out + err
    assert f"{len(serials)} found, 0 missing, 0 unexpected" in out


def test_an_unknown_scan_is_unexpected(registry: Path, tmp_path: Path) -> None:
    code, out, _ = session(registry, scan_file(tmp_path, ["NOPE-1"]), "--format", "json")
    assert code == 1
    assert json.loads(out)["unexpected"][0] == {
        "scan": "NOPE-1",
        "line": 3,
        "id": None,
        "file": None,
        "location": None,
    }


def test_write_records_audits_on_found_assets_only(registry: Path, tmp_path: Path) -> None:
    expected = at_location(registry, LOCATION)
    found = sorted(expected)[1:]
    tags = [str(expected[i]["asset_tag"]) for i in found] + ["BER-20131", "NOPE-1"]
    code, out, err = session(
        registry, scan_file(tmp_path, tags), "--write", "--by", "EMP-1010", "--date", "2026-11-20"
    )
    assert code == 1, err
    changed = git(registry, "status", "--porcelain", "--untracked-files=all").splitlines()
    files = {str(expected[i].get("id")): i for i in found}
    assert len(changed) == len(found)
    for line in changed:
        assert line.startswith(" M ")
        diff = git(registry, "diff", "-U0", "--", line[3:])
        added = [d for d in diff.splitlines() if d.startswith("+") and not d.startswith("+++")]
        removed = [d for d in diff.splitlines() if d.startswith("-") and not d.startswith("---")]
        assert removed == []
        assert added == ["+  - {date: 2026-11-20, by: EMP-1010, result: found}"], line
        assert Path(line[3:]).stem in files
    assert "recorded an audit in" in out


def test_write_needs_an_auditor(registry: Path, tmp_path: Path) -> None:
    code, _, err = session(registry, scan_file(tmp_path, ["LDN-10231"]), "--write")
    assert code == 2
    assert "--by" in err


def test_an_unknown_location_is_a_usage_error(registry: Path, tmp_path: Path) -> None:
    result = run_itam("audit-session", "mars", scan_file(tmp_path, ["x"]), "--root", registry)
    assert result.exit_code == 2
    assert "no location 'mars'" in result.stderr


@pytest.mark.parametrize(
    ("data", "values"),
    [
        (b"\xef\xbb\xbfLDN-1\r\nLDN-2\r\n\r\n  LDN-3 \r\n", ["LDN-1", "LDN-2", "LDN-3"]),
        (b"LDN-1\rLDN-2\r", ["LDN-1", "LDN-2"]),
        (b"serial;name\nPF1;a\n;b\nPF2;c\n", ["PF1", "PF2"]),
        (b'"Asset Tag","Serial"\n"LDN-1","PF1"\n', ["LDN-1"]),
        ("tag\nLDN-1\n".encode("utf-16"), ["LDN-1"]),
        (b"x,PF4K7M2Q\ny,PF4Q9H0L\n", ["PF4K7M2Q", "PF4Q9H0L"]),
    ],
)
def test_scanner_exports_are_read(data: bytes, values: list[str]) -> None:
    scans = read_scans(data, "scans.csv", known=["PF4K7M2Q", "PF4Q9H0L"])
    assert [s.value for s in scans] == values


@pytest.mark.parametrize("data", [b"", b"\n\n", b"\xff\xfe\xfa", b"a\x00b\n"])
def test_unreadable_scan_files_are_refused(data: bytes) -> None:
    with pytest.raises(ConfigError):
        read_scans(data, "scans.csv")
