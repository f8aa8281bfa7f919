"""The analysis cache and the process pool change how fast a run is, never what it finds."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

import pytest

from itam import assess
from itam.analysis import RunOptions, pool
from itam.analysis.cache import DATABASE
from itam.cli.options import ProgressLine
from itam.evaluation import evaluate
from itam.judge import Analyser
from itam.layout import Layout
from itam.policy.load import load_config
from itam.reporters import REPORTERS
from tests.conftest import AS_OF, LT1, LT2, PROJECT, Validate, copy_registry, edit, git

CACHE = ".itam-cache"


def report_json(root: Path, options: RunOptions) -> str:
    evaluation = evaluate(Layout(root), dt.date.fromisoformat(AS_OF), options=options)
    return REPORTERS["json"](evaluation.report())


@pytest.fixture
def broken(tmp_path: Path) -> Path:
    """The bundled registry with findings of several kinds, committed."""
    root = copy_registry(tmp_path / "repo")
    edit(root, LT1, "memory_gb: 32", "memory_gb: lots")
    edit(root, LT2, "status: deployed", "status: banana")
    (root / "registry/hardware/laptops/LT-0099.yaml").write_bytes(b"id: [unclosed\n")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "break things")
    return root


def test_the_pool_finds_what_one_process_finds(
    broken: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    edit(broken, LT1, "owner: EMP-1001", "owner: EMP-9999")  # an integrity finding too
    alone = report_json(broken, RunOptions(workers=1))
    # The bundled registry is small; let every worker take a few files, and
    # the integrity rules run in their own process beside the policy's.
    monkeypatch.setattr(pool, "MIN_FILES_PER_WORKER", 1)
    monkeypatch.setattr(assess, "SIDE_BY_SIDE", 1)
    pooled = report_json(broken, RunOptions(workers=3))
    assert pooled == alone
    # The findings compared are real ones, of the files' and the registry's rules.
    assert '"rule": "schema.type"' in alone
    assert '"rule": "integrity.reference"' in alone
    assert '"rule": "lifecycle.state"' in alone


def test_beside_returns_what_the_work_returns_and_raises_what_it_raises() -> None:
    numbers = list(range(1000))
    assert pool.Beside(lambda: sum(numbers), parallel=True).result() == sum(numbers)
    assert pool.Beside(lambda: sum(numbers), parallel=False).result() == sum(numbers)

    def broken() -> int:
        raise ValueError("no good")

    with pytest.raises(ValueError, match="no good"):
        pool.Beside(broken, parallel=True).result()


def test_the_cache_gives_what_analysis_gives(broken: Path) -> None:
    uncached = report_json(broken, RunOptions(workers=1))
    options = RunOptions(cache=broken / CACHE, workers=1)
    first = report_json(broken, options)
    second = report_json(broken, options)
    assert first == second == uncached
    with sqlite3.connect(broken / CACHE / DATABASE) as db:
        (entries,) = db.execute("SELECT count(*) FROM entries").fetchone()
    assert entries == len(list((broken / "registry").rglob("*.yaml")))


def test_a_second_analysis_answers_from_the_cache(broken: Path) -> None:
    from itam.judge import Analyser
    from itam.policy.load import load_config
    from itam.snapshot import read_worktree

    layout = Layout(broken)
    schemas, _policy = load_config(layout)
    files = read_worktree(layout).files
    options = RunOptions(cache=broken / CACHE, workers=1)
    first = Analyser(schemas, options, "digest")
    first.many(files)
    assert first.cache is not None
    assert (first.cache.hits, first.cache.misses) == (0, len(files))
    second = Analyser(schemas, options, "digest")
    again = second.many(files)
    assert second.cache is not None
    assert (second.cache.hits, second.cache.misses) == (len(files), 0)
    assert [r.findings for r in again.values()] == [r.findings for r in first.many(files).values()]
    # Other schemas are another namespace: nothing of the first is reused.
    third = Analyser(schemas, options, "other schemas")
    third.many(files)
    assert third.cache is not None
    assert third.cache.hits == 0


def test_an_edit_after_a_cached_run_is_judged_afresh(broken: Path, validate: Validate) -> None:
    first = validate(broken, "--format", "json")
    assert any(f["file"] == LT1 for f in first.json()["findings"])
    edit(broken, LT1, "memory_gb: lots", "memory_gb: 32")
    second = validate(broken, "--format", "json")
    assert not any(f["file"] == LT1 for f in second.json()["findings"])
    assert second.json() == validate(broken, "--format", "json", "--no-cache").json()


def test_nothing_changed_gives_the_same_report_from_the_cache(
    broken: Path, validate: Validate
) -> None:
    cold = validate(broken, "--format", "json")
    warm = validate(broken, "--format", "json")
    assert warm.stdout == cold.stdout
    assert warm.exit_code == cold.exit_code == 1
    with sqlite3.connect(broken / CACHE / DATABASE) as db:
        kinds = db.execute("SELECT substr(key, 1, 4) = X'62617365' FROM runs").fetchall()
    # The report, and the judgement kept for pull requests on this revision.
    assert sorted(kinds) == [(0,), (1,)]
    # Another date is another run: the deadlines are judged again.
    later = validate(broken, "--format", "json", "--as-of", "2031-06-30")
    assert later.json()["as_of"] == "2031-06-30"
    assert later.stdout != cold.stdout


def test_a_corrupt_cache_is_ignored(broken: Path, validate: Validate) -> None:
    expected = validate(broken, "--format", "json", "--no-cache").stdout
    (broken / CACHE).mkdir()
    (broken / CACHE / DATABASE).write_bytes(b"SQLite format 3\0" + b"\xff" * 5000)
    result = validate(broken, "--format", "json")
    assert result.stdout == expected
    assert "Traceback" not in result.stderr


def test_entries_that_do_not_decode_are_misses(broken: Path, validate: Validate) -> None:
    expected = validate(broken, "--format", "json", "--no-cache").stdout
    validate(broken, "--format", "json")
    with sqlite3.connect(broken / CACHE / DATABASE) as db:
        db.execute("UPDATE entries SET value = '[{\"x\": NaN}, 7]'")
        db.execute("UPDATE runs SET value = 'not json'")
    assert validate(broken, "--format", "json").stdout == expected


@pytest.mark.parametrize(
    "value",
    [
        '[{"a": ' * 900 + "1" + "}" * 900 + ", []]",  # decodes, then too deep to walk
        '[{"a": 1}, []], [{"b": 2}, []]',  # two entries in one: batch and entry both refuse it
        '[{"a": 1}',  # cut short
    ],
    ids=["deep", "two-in-one", "cut"],
)
def test_forged_entries_are_misses_without_a_traceback(
    broken: Path, validate: Validate, value: str
) -> None:
    expected = validate(broken, "--format", "json", "--no-cache").stdout
    validate(broken, "--format", "json")
    with sqlite3.connect(broken / CACHE / DATABASE) as db:
        (key,) = db.execute("SELECT key FROM entries LIMIT 1").fetchone()
        db.execute("UPDATE entries SET value = ? WHERE key = ?", (value, key))
        db.execute("DELETE FROM runs")
    result = validate(broken, "--format", "json")
    assert result.stdout == expected
    assert "Traceback" not in result.stderr


def test_a_committed_cache_is_never_trusted(broken: Path, validate: Validate) -> None:
    expected = validate(broken, "--format", "json", "--no-cache").stdout
    validate(broken, "--format", "json")  # fills the cache
    # A pull request can commit the folder whatever .gitignore says, with
    # entries that would hide its errors.
    with sqlite3.connect(broken / CACHE / DATABASE) as db:
        db.execute("UPDATE runs SET value = replace(value, '\"error\"', '\"info\"')")
    git(broken, "add", "--force", CACHE)
    git(broken, "commit", "-qm", "a planted cache")
    result = validate(broken, "--format", "json")
    assert "not using the cache" in result.stderr
    assert "git tracks files in it" in result.stderr
    assert result.stdout == expected
    assert result.exit_code == 1


def test_a_linked_cache_folder_is_refused(broken: Path, tmp_path: Path, validate: Validate) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (broken / CACHE).symlink_to(elsewhere)
    result = validate(broken, "--format", "json")
    assert "not a plain folder" in result.stderr
    assert list(elsewhere.iterdir()) == []


def test_the_cache_folder_keeps_itself_out_of_git(broken: Path, validate: Validate) -> None:
    validate(broken)
    assert (broken / CACHE / DATABASE).is_file()
    assert git(broken, "status", "--porcelain", "--untracked-files=all") == ""


def test_a_database_that_cannot_be_opened_costs_speed_only(
    broken: Path, validate: Validate
) -> None:
    expected = validate(broken, "--format", "json", "--no-cache").stdout
    (broken / CACHE / DATABASE).mkdir(parents=True)  # a folder where the file goes
    result = validate(broken, "--format", "json")
    assert result.stdout == expected
    assert result.stderr == ""


def test_also_writes_a_second_format_from_the_same_run(
    broken: Path, tmp_path: Path, validate: Validate
) -> None:
    summary = tmp_path / "summary.md"
    sarif = tmp_path / "out.sarif"
    result = validate(
        broken, "--format", "github", "--also", f"markdown:{summary}", "--also", f"sarif:{sarif}"
    )
    assert result.exit_code == 1
    assert "::error" in result.stdout
    alone = validate(broken, "--format", "markdown")
    assert summary.read_text() == alone.stdout
    assert sarif.read_text() == validate(broken, "--format", "sarif").stdout


@pytest.mark.parametrize("value", ["markdown", "nope:x.md", "markdown:"])
def test_also_refuses_what_is_not_format_and_file(
    broken: Path, value: str, validate: Validate
) -> None:
    result = validate(broken, "--also", value)
    assert result.exit_code == 2
    assert "--also" in result.stderr


def test_the_progress_line_waits_a_second_then_rewrites_itself(
    capsys: pytest.CaptureFixture[str],
) -> None:
    line = ProgressLine()
    line("parsed", 10, 100)
    assert capsys.readouterr().err == ""  # a short run says nothing
    line.started -= 2
    line("parsed", 50, 100)
    line("parsed", 100, 100)
    line.clear()
    err = capsys.readouterr().err
    assert "\ritam: parsed 50 of 100 files\x1b[K" in err
    assert "parsed 100 of 100 files; judging the registry" in err
    assert err.endswith("\r\x1b[K")


def test_no_progress_on_a_pipe(broken: Path, validate: Validate) -> None:
    assert "itam: parsed" not in validate(broken).stderr


def test_pull_request_mode_gives_the_same_marks_from_the_cache(
    broken: Path, validate: Validate
) -> None:
    git(broken, "switch", "-qc", "pr")
    edit(broken, LT1, "memory_gb: lots", "memory_gb: 16")  # fixes a base error
    edit(broken, LT2, "\nkind: laptop\n", "\nkind: laptop\nnot_a_field: 1\n")  # a new one
    git(broken, "commit", "-qam", "change")
    expected = validate(broken, "--base", "main", "--format", "json", "--no-cache")
    first = validate(broken, "--base", "main", "--format", "json")
    second = validate(broken, "--base", "main", "--format", "json")  # base keys remembered
    assert first.stdout == second.stdout == expected.stdout
    marks = {f.get("change") for f in expected.json()["findings"]}
    assert {"new", "base"} <= marks
    with sqlite3.connect(broken / CACHE / DATABASE) as db:
        (bases,) = db.execute(
            "SELECT count(*) FROM runs WHERE hex(substr(key, 1, 4)) = '62617365'"
        ).fetchone()
    assert bases == 1


def test_a_second_revision_in_one_run_keeps_the_first_in_the_cache(tmp_path: Path) -> None:
    """Pull-request mode analyses the head's files, then the base's: storing
    the base's few own files must not drop the head's from the cache (once
    it holds more than 1,000 entries, those no run names are dropped)."""
    schemas, _ = load_config(Layout(PROJECT))
    head = {
        f"registry/people/P-{i:04}.yaml": f"id: P-{i:04}\nkind: person\nname: P {i}\n".encode()
        for i in range(1200)
    }
    base = {**head, "registry/people/P-0000.yaml": b"id: P-0000\nkind: person\nname: Old\n"}
    options = RunOptions(cache=tmp_path / CACHE, workers=1)
    run = Analyser(schemas, options, "schemas")
    run.many(head)
    run.many(base)
    again = Analyser(schemas, options, "schemas")
    again.many(head)
    assert again.cache is not None
    assert (again.cache.hits, again.cache.misses) == (len(head), 0)
