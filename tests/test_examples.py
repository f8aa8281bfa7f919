"""Every rule has passing and failing examples on disk, found by folder.

    tests/examples/<rule id>/pass/<case>
    tests/examples/<rule id>/fail/<case>

A case takes one of these shapes:

* ``<case>.yaml`` (or any other file): copied to ``registry/examples/``;
* ``<case>/``, a folder of files: copied to ``registry/examples/<case>/``,
  except what is under its ``root/``, which is laid over the registry root:
  ``root/policies/waivers.yaml`` replaces the bundled waivers,
  ``root/schemas/extensions.schema.json`` adds fields of one's own;
* ``<case>/`` holding ``before/``, ``after/`` or both: a change, judged with
  ``--base HEAD``. The registry is a git repository; ``before/`` is installed
  as above and committed, then ``registry/examples/<case>/`` is replaced by
  ``after/``: a file missing there is deleted, a missing folder is empty, and
  a ``root/`` of ``after/`` adds or replaces files (it deletes none);
* ``<case>.recipe``: input that git cannot hold or that would be silly to
  commit (a named pipe, a file over 1 MiB, a file name that is not UTF-8, a
  link out of the root). Its last line names one of RECIPES, which creates
  the input in ``registry/examples/<case>/``.

Each case is installed in a copy of the bundled registry (so that its
references resolve) and validated as of AS_OF. A failing case must produce its
rule, as an error or warning, on one of its files. Passing cases must produce
no finding on their files: plain files and folders all together, the other
shapes one by one. A case may carry ``# as-of: YYYY-MM-DD`` on its first line
(of its first file, in sorted order) to be judged as of another date.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from itam.yamlsafe import MAX_FILE_BYTES
from tests.conftest import AS_OF, Result, copy_registry, git

EXAMPLES = Path(__file__).parent / "examples"
AS_OF_LINE = re.compile(r"#\s*as-of:\s*([0-9]{4}-[0-9]{2}-[0-9]{2})")
OVERLAY = "root"
# Linux refuses paths of PATH_MAX (4096) bytes or more with ENAMETOOLONG.
PATH_MAX = 4096

ENTITY = b"kind: laptop\nname: Example laptop\nstatus: planned\nmodel: lenovo-thinkpad-t14-gen5\n"


def _fifo(folder: Path) -> None:
    os.mkfifo(folder / "ex-fifo.yaml")


def _file_over_1_mib(folder: Path) -> None:
    padding = b"# pasted log line\n" * (MAX_FILE_BYTES // 18 + 1)
    (folder / "ex-too-large.yaml").write_bytes(b"id: ex-too-large\n" + ENTITY + padding)


def _name_not_utf8(folder: Path) -> None:
    # Byte 0xfc is 'ü' in Latin-1 and never valid on its own in UTF-8.
    name = os.fsdecode(b"b\xfcro.yaml")  # undecodable bytes survive as surrogates
    (folder / name).write_bytes(b"id: ex-bad-name\n" + ENTITY)


def _name_with_control_character(folder: Path) -> None:
    (folder / "ex-bad-name-\x1b[8m.yaml").write_bytes(b"id: ex-bad-name\n" + ENTITY)


def _symlink_out_of_root(folder: Path) -> None:
    # folder is <root>/registry/examples/<case>: three levels up is the root.
    outside = folder.parents[3] / "outside-secret.yaml"
    outside.write_bytes(b"id: EMP-9999\nkind: person\nname: A secret outside the root\n")
    (folder / "EMP-9999.yaml").symlink_to(outside)


def _path_too_long(folder: Path) -> None:
    # Folders short enough to be listed, holding a file whose full path is too
    # long to open; created relative to an open folder, as no path can reach it.
    deepest = folder
    while len(os.fsencode(deepest)) < PATH_MAX - 250:
        deepest = deepest / ("d" * 200)
    deepest.mkdir(parents=True)
    # At most 250 bytes, under the 255 a single name may have.
    name = "x" * (PATH_MAX - len(os.fsencode(deepest))) + ".yaml"
    handle = os.open(deepest, os.O_RDONLY)
    try:
        os.close(os.open(name, os.O_WRONLY | os.O_CREAT, 0o644, dir_fd=handle))
    finally:
        os.close(handle)


RECIPES: dict[str, Callable[[Path], None]] = {
    "fifo": _fifo,
    "file-over-1-mib": _file_over_1_mib,
    "name-not-utf8": _name_not_utf8,
    "name-with-control-character": _name_with_control_character,
    "symlink-out-of-root": _symlink_out_of_root,
    "path-too-long": _path_too_long,
}


def _cases(outcome: str) -> list[Path]:
    return sorted(EXAMPLES.glob(f"*/{outcome}/*"))


def _case_id(case: Path) -> str:
    return f"{case.parent.parent.name}/{case.name}"


def _is_change(case: Path) -> bool:
    return case.is_dir() and any((case / side).is_dir() for side in ("before", "after"))


def _is_plain(case: Path) -> bool:
    """A file or folder of entity files, which can share a registry with others."""
    if case.is_dir():
        return not _is_change(case) and not (case / OVERLAY).exists()
    return case.suffix != ".recipe"


def _as_of(case: Path) -> str:
    first = next(
        iter(sorted(p for p in case.rglob("*") if p.is_file()) if case.is_dir() else [case])
    )
    match = AS_OF_LINE.match(first.read_text(encoding="utf-8", errors="replace"))
    return match.group(1) if match else AS_OF


def _folder(case: Path) -> str:
    """Where a case's entity files go, relative to the root."""
    name = case.stem if case.suffix == ".recipe" else case.name
    return f"registry/examples/{name}"


def _copy(source: Path, folder: Path, root: Path) -> set[str]:
    """Copy ``source``'s files into ``folder``, and those under its root/ over ``root``."""
    files = set()
    for path in sorted(p for p in source.rglob("*") if p.is_file()):
        parts = path.relative_to(source).parts
        target = root.joinpath(*parts[1:]) if parts[0] == OVERLAY else folder.joinpath(*parts)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, target)
        files.add(target.relative_to(root).as_posix())
    return files


def _install(case: Path, root: Path) -> set[str]:
    """Put a case that is not a change in place; return the files it placed."""
    folder = root / _folder(case)
    if case.suffix == ".recipe":
        recipe = case.read_text(encoding="utf-8").split()[-1]
        folder.mkdir(parents=True)
        RECIPES[recipe](folder)
        return set()
    if case.is_dir():
        return _copy(case, folder, root)
    folder.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(case, folder)
    return {_folder(case)}


def _install_change(case: Path, root: Path) -> set[str]:
    """Commit ``before/``, then leave ``after/`` in the work tree."""
    folder = root / _folder(case)
    files = _copy(case / "before", folder, root) if (case / "before").is_dir() else set()
    git(root, "add", "-A")
    git(root, "commit", "--quiet", "--allow-empty", "-m", f"before {case.name}")
    shutil.rmtree(folder, ignore_errors=True)
    if (case / "after").is_dir():
        files |= _copy(case / "after", folder, root)
    return files


def _judge(case: Path, tmp_path: Path, validate: Callable[..., Result]) -> tuple[Result, set[str]]:
    change = _is_change(case)
    root = copy_registry(tmp_path / "repo", with_git=change)
    files = _install_change(case, root) if change else _install(case, root)
    extra = ("--base", "HEAD") if change else ()
    return validate(root, "--format", "json", "--as-of", _as_of(case), *extra), files


def _belongs(file: str | None, files: set[str], case: Path) -> bool:
    """Whether a finding's file is one the case put in place (recipes' names
    may be shown escaped, so their folder is what counts)."""
    return file is not None and (file in files or file.startswith(_folder(case) + "/"))


def _placed(file: str, files: set[str], case: Path) -> bool:
    # Waivers and policies sit in policies/ whatever a case overlays.
    return _belongs(file, files, case) or file.startswith("policies/")


def _cases_of(rule: str, outcome: str) -> list[Path]:
    return sorted((EXAMPLES / rule / outcome).glob("*"))


def test_every_rule_has_examples() -> None:
    rules = sorted(p.name for p in EXAMPLES.iterdir() if p.is_dir())
    assert rules, "no examples found"
    for rule in rules:
        assert _cases_of(rule, "fail"), f"{rule} has no failing example"


def test_every_recipe_is_known() -> None:
    for case in EXAMPLES.glob("*/*/*.recipe"):
        assert case.read_text(encoding="utf-8").split()[-1] in RECIPES, case


@pytest.mark.parametrize("case", _cases("fail"), ids=_case_id)
def test_failing_example(case: Path, tmp_path: Path, validate: Callable[..., Result]) -> None:
    rule = case.parent.parent.name
    result, files = _judge(case, tmp_path, validate)
    assert result.exit_code in (0, 1), str(result)
    found = [
        f
        for f in result.json()["findings"]
        if f["rule"] == rule
        and (
            f["file"] is None
            or _belongs(f["file"], files, case)
            or f["file"].startswith("policies/")
        )
    ]
    assert found, f"{rule} not reported on {sorted(files) or _folder(case)}:\n{result.stdout}"
    for finding in found:
        assert finding["message"], finding
        # Rules about a whole file (a pipe, a bad name) have no line to point at.
        on_yaml = _belongs(finding["file"], files, case) and finding["file"].endswith(".yaml")
        if on_yaml and not rule.startswith("file."):
            assert finding["line"] is not None, finding
    if any(f["severity"] == "error" for f in found):
        assert result.exit_code == 1, str(result)


def _unexpected(result: Result, files: set[str], cases: dict[str, Path]) -> list[str]:
    return [
        f"{_case_id(cases[f['file']])}: [{f['rule']}] {f['message']}"
        for f in result.json()["findings"]
        if f["file"] in files
    ]


def test_passing_examples_together(tmp_path: Path, validate: Callable[..., Result]) -> None:
    cases = [c for c in _cases("pass") if _is_plain(c)]
    assert cases, "no passing examples"
    by_date: dict[str, list[Path]] = {}
    for case in cases:
        by_date.setdefault(_as_of(case), []).append(case)
    for when, group in sorted(by_date.items()):
        root = copy_registry(tmp_path / f"repo-{when}", with_git=False)
        installed = {f: c for c in group for f in _install(c, root)}
        result = validate(root, "--format", "json", "--as-of", when)
        unexpected = _unexpected(result, set(installed), installed)
        assert not unexpected, "\n".join(unexpected)


ALONE = [c for c in _cases("pass") if not _is_plain(c)]


@pytest.mark.parametrize("case", ALONE, ids=_case_id)
def test_passing_example_alone(case: Path, tmp_path: Path, validate: Callable[..., Result]) -> None:
    result, files = _judge(case, tmp_path, validate)
    assert result.exit_code in (0, 1), str(result)
    unexpected = _unexpected(result, files, dict.fromkeys(files, case))
    assert not unexpected, "\n".join(unexpected)
