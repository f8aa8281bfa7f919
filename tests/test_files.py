"""File discovery: what is read, what is refused, and that refusing never reads."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest

from itam import files
from itam.errors import ConfigError
from itam.files import SourceFile
from itam.findings import Finding
from itam.layout import Layout

SECRET = "TOP-SECRET-do-not-print-4f2a"


@pytest.fixture
def root(tmp_path: Path) -> Path:
    """A registry root with one good entity file in registry/hardware/."""
    root = tmp_path / "repo"
    (root / "registry" / "hardware").mkdir(parents=True)
    (root / "registry" / "hardware" / "lt-0042.yaml").write_text("id: lt-0042\n")
    return root


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    """A folder beside the root, holding a secret YAML file."""
    folder = tmp_path / "outside"
    folder.mkdir()
    (folder / "secret.yaml").write_text(f"id: secret\nkind: {SECRET}\n")
    return folder


def scan(root: Path) -> tuple[list[SourceFile], list[Finding]]:
    return files.scan(root, root / "registry")


def rels(sources: list[SourceFile]) -> list[str]:
    return [s.rel for s in sources]


def by_file(findings: list[Finding]) -> dict[str | None, str]:
    return {f.file: f.rule for f in findings}


def test_plain_registry_is_read(root: Path) -> None:
    sources, findings = scan(root)
    assert rels(sources) == ["registry/hardware/lt-0042.yaml"]
    assert findings == []


def test_symlink_to_a_file_outside_the_root_is_refused_unread(root: Path, outside: Path) -> None:
    (root / "registry" / "hardware" / "leak.yaml").symlink_to(outside / "secret.yaml")
    sources, findings = scan(root)
    assert rels(sources) == ["registry/hardware/lt-0042.yaml"]
    assert by_file(findings) == {"registry/hardware/leak.yaml": "file.symlink"}
    assert all(SECRET not in f.message for f in findings)
    assert "outside" in findings[0].message


def test_relative_symlink_climbing_out_of_the_root_is_refused(root: Path, outside: Path) -> None:
    (root / "registry" / "hardware" / "leak.yaml").symlink_to("../../../outside/secret.yaml")
    sources, findings = scan(root)
    assert rels(sources) == ["registry/hardware/lt-0042.yaml"]
    assert by_file(findings) == {"registry/hardware/leak.yaml": "file.symlink"}


def test_symlink_to_a_folder_outside_the_root_is_not_entered(root: Path, outside: Path) -> None:
    (root / "registry" / "elsewhere").symlink_to(outside, target_is_directory=True)
    sources, findings = scan(root)
    assert rels(sources) == ["registry/hardware/lt-0042.yaml"]
    assert by_file(findings) == {"registry/elsewhere": "file.symlink"}
    assert all(SECRET not in f.message for f in findings)


def test_symlink_to_a_folder_inside_the_root_is_refused(root: Path) -> None:
    (root / "registry" / "laptops").symlink_to(
        root / "registry" / "hardware", target_is_directory=True
    )
    sources, findings = scan(root)
    assert rels(sources) == ["registry/hardware/lt-0042.yaml"]
    assert by_file(findings) == {"registry/laptops": "file.symlink"}
    assert "folder" in findings[0].message


def test_broken_symlink_is_reported(root: Path) -> None:
    (root / "registry" / "hardware" / "gone.yaml").symlink_to(root / "nowhere.yaml")
    sources, findings = scan(root)
    assert rels(sources) == ["registry/hardware/lt-0042.yaml"]
    assert by_file(findings) == {"registry/hardware/gone.yaml": "file.symlink"}


def test_symlink_loop_is_reported(root: Path) -> None:
    folder = root / "registry" / "hardware"
    (folder / "a.yaml").symlink_to(folder / "b.yaml")
    (folder / "b.yaml").symlink_to(folder / "a.yaml")
    sources, findings = scan(root)
    assert rels(sources) == ["registry/hardware/lt-0042.yaml"]
    assert by_file(findings) == {
        "registry/hardware/a.yaml": "file.symlink",
        "registry/hardware/b.yaml": "file.symlink",
    }


def test_symlink_to_a_registry_file_inside_the_root_is_read(root: Path) -> None:
    (root / "registry" / "alias.yaml").symlink_to(Path("hardware") / "lt-0042.yaml")
    sources, findings = scan(root)
    assert rels(sources) == ["registry/alias.yaml", "registry/hardware/lt-0042.yaml"]
    assert findings == []
    assert sources[0].path.read_text() == "id: lt-0042\n"


def _scan_in_thread(root: Path) -> tuple[list[SourceFile], list[Finding]]:
    """Scan in a daemon thread, so a blocking open() fails the test instead of hanging it."""
    result: list[tuple[list[SourceFile], list[Finding]]] = []
    worker = threading.Thread(target=lambda: result.append(scan(root)), daemon=True)
    worker.start()
    worker.join(timeout=10)
    assert not worker.is_alive(), "scanning hung on a FIFO"
    return result[0]


def test_fifo_is_refused_without_hanging(root: Path) -> None:
    os.mkfifo(root / "registry" / "hardware" / "pipe.yaml")
    sources, findings = _scan_in_thread(root)
    assert rels(sources) == ["registry/hardware/lt-0042.yaml"]
    assert by_file(findings) == {"registry/hardware/pipe.yaml": "file.not-regular"}


def test_symlink_to_a_fifo_inside_the_root_is_refused(root: Path) -> None:
    os.mkfifo(root / "pipe")
    (root / "registry" / "hardware" / "pipe.yaml").symlink_to(root / "pipe")
    sources, findings = _scan_in_thread(root)
    assert rels(sources) == ["registry/hardware/lt-0042.yaml"]
    assert by_file(findings) == {"registry/hardware/pipe.yaml": "file.not-regular"}


@pytest.mark.parametrize("name", ["notes.txt", "lt-0043.json", "README.md", "lt-0044.yaml~"])
def test_non_yaml_file_is_reported(root: Path, name: str) -> None:
    (root / "registry" / "hardware" / name).write_text("id: lt-0043\n")
    sources, findings = scan(root)
    assert rels(sources) == ["registry/hardware/lt-0042.yaml"]
    assert by_file(findings) == {f"registry/hardware/{name}": "file.not-yaml"}


def test_hidden_files_and_folders_are_skipped(root: Path) -> None:
    registry = root / "registry"
    (registry / ".gitkeep").write_text("")
    (registry / ".draft.yaml").write_text("id: [unclosed\n")
    (registry / ".trash").mkdir()
    (registry / ".trash" / "lt-0099.yaml").write_text("id: [unclosed\n")
    (registry / ".trash" / "notes.txt").write_text("")
    sources, findings = scan(root)
    assert rels(sources) == ["registry/hardware/lt-0042.yaml"]
    assert findings == []


@pytest.mark.parametrize("name", ["lt-0043.yml", "lt-0043.YAML", "lt-0043.Yml"])
def test_yml_and_any_case_of_the_suffix_are_read(root: Path, name: str) -> None:
    (root / "registry" / "hardware" / name).write_text("id: lt-0043\n")
    sources, findings = scan(root)
    assert rels(sources) == ["registry/hardware/lt-0042.yaml", f"registry/hardware/{name}"]
    assert findings == []


def test_sources_are_sorted_with_posix_paths(root: Path) -> None:
    for folder, name in (("people", "b.yaml"), ("people", "a.yaml"), ("contracts", "z.yaml")):
        (root / "registry" / folder).mkdir(exist_ok=True)
        (root / "registry" / folder / name).write_text("id: x\n")
    sources, _ = scan(root)
    assert rels(sources) == [
        "registry/contracts/z.yaml",
        "registry/hardware/lt-0042.yaml",
        "registry/people/a.yaml",
        "registry/people/b.yaml",
    ]


def test_read_capped_reads_one_byte_past_the_cap(tmp_path: Path) -> None:
    path = tmp_path / "big.yaml"
    path.write_bytes(b"#" * 100)
    assert files.read_capped(path, 10) == b"#" * 11
    assert files.read_capped(path, 1000) == b"#" * 100


def test_registry_folder_that_is_a_symlink_out_of_the_root_is_refused(
    tmp_path: Path, outside: Path
) -> None:
    root = tmp_path / "repo"
    root.mkdir()
    (root / "registry").symlink_to(outside, target_is_directory=True)
    with pytest.raises(ConfigError, match="outside"):
        Layout.at(root)
