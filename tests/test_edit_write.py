"""The write step: judged first, atomic, only plain files inside registry/."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest

from itam.edit import EditError, judge_writes, new_errors, write_files
from itam.evaluation import evaluate
from itam.layout import Layout
from tests.conftest import AS_OF, LT1, LT2

DAY = dt.date.fromisoformat(AS_OF)


def test_a_failed_write_leaves_the_old_file(
    registry: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    layout = Layout.at(registry)
    old = (registry / LT1).read_bytes()

    def full(_fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    with pytest.raises(EditError, match="No space left"):
        write_files(layout, {LT1: b"id: LT-0001\n"})
    assert (registry / LT1).read_bytes() == old
    assert sorted(p.name for p in (registry / LT1).parent.iterdir() if p.name.startswith(".")) == []


def test_new_folders_are_created(registry: Path) -> None:
    write_files(Layout.at(registry), {"registry/new/place/X-1.yaml": b"id: X-1\n"})
    assert (registry / "registry/new/place/X-1.yaml").read_bytes() == b"id: X-1\n"


@pytest.mark.parametrize(
    "rel",
    [
        "schemas/kinds/laptop.schema.json",
        "registry/../schemas/x.json",
        "/etc/passwd",
        "registry",
        "registry/./x.yaml",
        "registry\\x.yaml",
        "",
    ],
)
def test_paths_outside_the_registry_are_refused(registry: Path, rel: str) -> None:
    with pytest.raises(EditError, match="only files inside registry/"):
        write_files(Layout.at(registry), {rel: b"x"})


def test_a_symbolic_link_is_never_followed(registry: Path, tmp_path: Path) -> None:
    outside = tmp_path / "outside.yaml"
    outside.write_bytes(b"keep")
    link = registry / LT2
    link.unlink()
    link.symlink_to(outside)
    with pytest.raises(EditError, match="symbolic link"):
        write_files(Layout.at(registry), {LT2: b"id: LT-0002\n"})
    assert outside.read_bytes() == b"keep"
    folder = registry / "registry/elsewhere"
    folder.symlink_to(tmp_path)
    with pytest.raises(EditError, match="symbolic link"):
        write_files(Layout.at(registry), {"registry/elsewhere/x.yaml": b"x"})
    assert not (tmp_path / "x.yaml").exists()


def test_nothing_is_written_when_one_path_is_bad(registry: Path) -> None:
    old = (registry / LT1).read_bytes()
    with pytest.raises(EditError):
        write_files(Layout.at(registry), {LT1: b"changed", "../escape.yaml": b"x"})
    assert (registry / LT1).read_bytes() == old


def test_judged_writes_name_only_the_errors_they_bring(registry: Path) -> None:
    layout = Layout.at(registry)
    before = evaluate(layout, DAY)
    text = (registry / LT1).read_text()
    broken = text.replace("memory_gb: 32", "memory_gb: lots").encode()
    after = judge_writes(layout, DAY, {LT1: broken})
    errors = new_errors(before, after, [LT1])
    line = text[: text.index("memory_gb")].count("\n") + 1
    assert [(f.rule, f.file, f.line) for f in errors] == [("schema.type", LT1, line)]
    assert (registry / LT1).read_text() == text
    unchanged = judge_writes(layout, DAY, {LT1: text.encode()})
    assert new_errors(before, unchanged, [LT1]) == []
