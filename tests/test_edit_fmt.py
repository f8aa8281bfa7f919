"""``itam fmt``: one layout, every value and every comment kept."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from itam import yamlsafe
from itam.edit.scalars import same
from tests.conftest import LT1, PROJECT, git, run_itam

COMMENTED = PROJECT / "tests" / "fixtures" / "edit" / "LT-0101.yaml"
LT101 = "registry/hardware/laptops/LT-0101.yaml"


def values(root: Path) -> dict[str, Any]:
    """Every registry file's data, by path."""
    out = {}
    for path in sorted((root / "registry").rglob("*.yaml")):
        doc = yamlsafe.load(path.read_bytes(), path.name)
        out[path.relative_to(root).as_posix()] = doc.data
    return out


def comments(root: Path) -> list[str]:
    """Every comment line of the registry, sorted."""
    return sorted(
        line.strip()
        for path in (root / "registry").rglob("*.yaml")
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.lstrip().startswith("#") or " # " in line
    )


def fmt(root: Path, *args: str | Path) -> tuple[int, str, str]:
    result = run_itam("fmt", *args, "--root", root)
    return result.exit_code, result.stdout, result.stderr


def test_fmt_never_changes_a_value_and_keeps_every_comment(registry: Path) -> None:
    before, notes = values(registry), comments(registry)
    code, out, err = fmt(registry, "--check")
    listed = sorted(line.removeprefix("would reformat ") for line in out.splitlines())
    assert code == (1 if listed else 0), err
    code, out, err = fmt(registry)
    assert code == 0, err
    assert sorted(line.removeprefix("reformatted ") for line in out.splitlines()) == listed
    after = values(registry)
    assert after.keys() == before.keys()
    for rel in before:
        assert same(after[rel], before[rel]), rel
    assert comments(registry) == notes
    changed = git(registry, "diff", "--name-only").split()
    assert sorted(changed) == listed
    code, out, _ = fmt(registry, "--check")
    assert (code, out) == (0, "")


def test_a_second_run_changes_nothing(registry: Path) -> None:
    fmt(registry)
    code, out, _ = fmt(registry, "--check")
    assert (code, out) == (0, "")


def test_the_bundled_registry_is_formatted() -> None:
    code, out, _ = fmt(PROJECT, "--check")
    assert (code, out) == (0, ""), f"run `itam fmt` on the bundled registry:\n{out}"


def test_misreadable_text_is_quoted_and_key_order_follows_the_schema(registry: Path) -> None:
    path = registry / "registry/locations/osl-office.yaml"
    path.write_text(
        "# Oslo\n"
        "kind: location\n"
        "id: osl-office\n"
        "name: Oslo office\n"
        "timezone: Europe/Oslo\n"
        "type: site\n"
        "address:\n"
        "    street: 'Dronning Eufemias gate 16'\n"
        "    postal_code: '0191'\n"
        "    city: Oslo\n"
        "    country: NO\n"
    )
    code, _, err = fmt(registry, registry / "registry/locations")
    assert code == 0, err
    assert path.read_text() == (
        "# Oslo\n"
        "id: osl-office\n"
        "kind: location\n"
        "name: Oslo office\n"
        "type: site\n"
        "address:\n"
        "  street: Dronning Eufemias gate 16\n"
        "  city: Oslo\n"
        '  postal_code: "0191"\n'
        '  country: "NO"\n'
        "timezone: Europe/Oslo\n"
    )


def test_comments_move_with_their_top_level_field(registry: Path) -> None:
    path = registry / LT1
    text = path.read_text()
    text = text.replace("model: lenovo", "# the model decides the warranty\nmodel: lenovo")
    text = text.replace("memory_gb: 32", "memory_gb: 32  # upgraded in 2024")
    path.write_text(text.replace("status: deployed\n", "") + "status: deployed\n# end\n")
    code, _, err = fmt(registry, registry / LT1)
    assert code == 0, err
    result = path.read_text()
    assert "# the model decides the warranty\nmodel: lenovo-thinkpad-t14-gen4\n" in result
    assert "memory_gb: 32  # upgraded in 2024\n" in result
    assert result.startswith(
        "id: LT-0001\nkind: laptop\nname: ThinkPad T14 Gen 4 - Amelia Hart\nstatus: deployed\n"
    )
    assert result.endswith("# end\n")


def test_a_comment_the_layout_cannot_keep_leaves_the_file_alone(registry: Path) -> None:
    path = registry / LT101
    shutil.copy(COMMENTED, path)
    old = path.read_bytes()
    code, out, err = fmt(registry, "--check", path)
    assert (code, out) == (0, "")
    assert "layout kept as it is: the comments on lines 12, 15, 23" in err
    assert fmt(registry, path)[0] == 0
    assert path.read_bytes() == old


def test_crlf_and_bom_are_kept(registry: Path) -> None:
    path = registry / LT1
    path.write_bytes(
        b"\xef\xbb\xbf" + path.read_bytes().replace(b"\n", b"\r\n").replace(b"\n  ", b"\n    ")
    )
    assert fmt(registry, path)[0] == 0
    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbfid: LT-0001\r\n")
    assert b"\n" not in data.replace(b"\r\n", b"")
    assert b"os:\r\n  name: Windows 11 Enterprise\r\n  version: 24H2\r\n" in data


def test_folded_text_stays_folded_where_it_was(registry: Path) -> None:
    path = registry / "registry/vendors/dell.yaml"
    old = path.read_text()
    assert "notes: >-\n" in old
    path.write_text(old.replace("\n  ", "\n      "))  # deeper than canonical
    assert fmt(registry, path)[0] == 0
    assert path.read_text() == old


def test_an_unloadable_file_is_reported_and_not_touched(registry: Path) -> None:
    path = registry / LT1
    path.write_text(path.read_text() + "id: LT-0001\n")
    old = path.read_bytes()
    code, _, err = fmt(registry)
    assert code == 1
    assert f"{LT1}:" in err
    assert "appears twice" in err
    assert path.read_bytes() == old


def test_paths_outside_the_registry_are_refused(registry: Path) -> None:
    assert fmt(registry, "--check", registry / "schemas")[0] == 2
    assert fmt(registry, "--check", registry / "nothing-here")[0] == 2
