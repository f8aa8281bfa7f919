"""Pull-request mode judges again only what a change can affect.

With the base's judgement remembered in the cache, ``itam validate --base``
runs the whole-registry rules on the entities a change can affect
(``itam.affected``) and keeps the base's findings for the rest. Its report
must be the one a judgement of everything gives: each test here makes random
changes of the kinds that reach across entities (a serial made a duplicate, a
model or a location swapped, a location moved under another, seats taken or
given back, an id renamed, a file deleted or copied, a vendor's certification
dropped) to a generated registry with findings, and compares the two reports
field by field.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import random
import shutil
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from itam import evaluation
from itam.analysis import RunOptions, runs
from itam.analysis.cache import DATABASE
from itam.analysis.encode import encode_final
from itam.evaluation import evaluate, report_of
from itam.layout import Layout
from itam.pullrequest import Revisions
from itam.report import Report
from tests.conftest import AS_OF, PROJECT, git, run_itam

GENERATE = PROJECT / "benchmarks" / "generate.py"
ENTITIES = 400
SCENARIOS = 30
DATES = (dt.date(2026, 11, 22), dt.date(2029, 3, 31))

Files = dict[str, dict[str, Any]]
Mutation = Callable[[random.Random, Path, Files], None]


@pytest.fixture(scope="module")
def grown(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A generated registry with findings on a tenth of its files, on ``main``."""
    import importlib.util
    import sys

    spec = importlib.util.spec_from_file_location("generate_for_incremental", GENERATE)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    root = tmp_path_factory.mktemp("incremental") / "registry"
    module.generate(root, ENTITIES, findings=True, seed=7)
    return root


def _files(root: Path) -> Files:
    out = {}
    for path in sorted((root / "registry").rglob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        if isinstance(data, dict) and isinstance(data.get("id"), str):
            out[path.relative_to(root).as_posix()] = data
    return out


def _of_kind(files: Files, *kinds: str) -> list[str]:
    return [rel for rel, data in files.items() if data.get("kind") in kinds]


def _write(root: Path, rel: str, data: dict[str, Any]) -> None:
    (root / rel).write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")


HARDWARE = ("laptop", "desktop", "server", "network-device", "storage", "mobile-device")


def _duplicate_serial(rng: random.Random, root: Path, files: Files) -> None:
    one, other = rng.sample(_of_kind(files, *HARDWARE), 2)
    field = rng.choice(["serial", "asset_tag"])
    if field in files[other]:
        files[one][field] = str(files[other][field]).upper()
        _write(root, one, files[one])


def _swap(field: str, kinds: tuple[str, ...], targets: tuple[str, ...]) -> Mutation:
    def mutate(rng: random.Random, root: Path, files: Files) -> None:
        rel = rng.choice(_of_kind(files, *kinds))
        choices = [files[t]["id"] for t in _of_kind(files, *targets)] + ["NO-SUCH-THING"]
        files[rel][field] = rng.choice(choices)
        _write(root, rel, files[rel])

    return mutate


def _seats(rng: random.Random, root: Path, files: Files) -> None:
    licenses = [files[r]["id"] for r in _of_kind(files, "software-license")]
    holder = rng.choice(_of_kind(files, "laptop", "person"))
    held = files[holder].setdefault("licenses", [])
    if held and rng.random() < 0.5:
        held.pop(rng.randrange(len(held)))
    elif licenses:
        held.append(rng.choice(licenses))
    _write(root, holder, files[holder])


def _fewer_seats(rng: random.Random, root: Path, files: Files) -> None:
    rel = rng.choice(_of_kind(files, "software-license"))
    if isinstance(files[rel].get("seats"), int):
        files[rel]["seats"] = rng.randint(0, 2)
        _write(root, rel, files[rel])


def _status(rng: random.Random, root: Path, files: Files) -> None:
    rel = rng.choice(_of_kind(files, *HARDWARE))
    files[rel]["status"] = rng.choice(["deployed", "in-stock", "retired", "in-repair"])
    _write(root, rel, files[rel])


def _delete(rng: random.Random, root: Path, files: Files) -> None:
    rel = rng.choice(sorted(files))
    (root / rel).unlink()
    del files[rel]


def _copy(rng: random.Random, root: Path, files: Files) -> None:
    rel = rng.choice(sorted(files))
    data = dict(files[rel])
    data["id"] = f"{data['id']}-COPY"
    new = rel.replace(".yaml", "-COPY.yaml")
    files[new] = data
    _write(root, new, data)


def _rename_id(rng: random.Random, root: Path, files: Files) -> None:
    rel, other = rng.sample(sorted(files), 2)
    files[rel]["id"] = rng.choice([files[other]["id"], files[rel]["id"] + "X"])
    _write(root, rel, files[rel])


def _model_dates(rng: random.Random, root: Path, files: Files) -> None:
    rel = rng.choice(_of_kind(files, "model"))
    files[rel]["end_of_life"] = dt.date(2026, rng.randint(1, 12), 1)
    files[rel]["warranty_months"] = rng.choice([1, 12, 60])
    _write(root, rel, files[rel])


def _vendor(rng: random.Random, root: Path, files: Files) -> None:
    rel = rng.choice(_of_kind(files, "vendor"))
    files[rel].pop(rng.choice(["certifications", "roles"]), None)
    _write(root, rel, files[rel])


def _break(rng: random.Random, root: Path, files: Files) -> None:
    rel = rng.choice(sorted(files))
    (root / rel).write_text(rng.choice(["kind: [unclosed\n", "- a list\n", ""]), encoding="utf-8")
    del files[rel]


def _kind(rng: random.Random, root: Path, files: Files) -> None:
    rel = rng.choice(_of_kind(files, *HARDWARE))
    files[rel]["kind"] = rng.choice(["desktop", "location", "person"])
    _write(root, rel, files[rel])


def _covers(rng: random.Random, root: Path, files: Files) -> None:
    rel = rng.choice(_of_kind(files, "contract"))
    hardware = [files[r]["id"] for r in _of_kind(files, *HARDWARE)]
    files[rel]["covers"] = rng.sample(hardware, rng.randint(0, 3))
    _write(root, rel, files[rel])


def _criticality(rng: random.Random, root: Path, files: Files) -> None:
    rel = rng.choice(_of_kind(files, *HARDWARE))
    files[rel]["criticality"] = rng.choice(["low", "critical", "urgent"])
    files[rel]["tags"] = rng.sample(["pci", "lab", "vip"], rng.randint(0, 2))
    _write(root, rel, files[rel])


def _disposal_vendor(rng: random.Random, root: Path, files: Files) -> None:
    disposed = [r for r in sorted(files) if isinstance(files[r].get("disposal"), dict)]
    if disposed:
        rel = rng.choice(disposed)
        vendors = [files[r]["id"] for r in _of_kind(files, "vendor")]
        files[rel]["disposal"]["vendor"] = rng.choice(vendors)
        _write(root, rel, files[rel])


def _ends(rng: random.Random, root: Path, files: Files) -> None:
    rel = rng.choice(_of_kind(files, "software-license", "saas-subscription", "contract"))
    files[rel]["end"] = dt.date(rng.choice([2025, 2026, 2027]), rng.randint(1, 12), 1)
    _write(root, rel, files[rel])


def _uproot(rng: random.Random, root: Path, files: Files) -> None:
    """A location that holds others renamed or deleted: what sits in its
    rooms and racks leaves it (a maintenance schedule scoped to it, say)."""
    parents = {files[r].get("parent") for r in _of_kind(files, "location")}
    held = [r for r in _of_kind(files, "location") if files[r]["id"] in parents]
    rel = rng.choice(held)
    if rng.random() < 0.5:
        (root / rel).unlink()
        del files[rel]
    else:
        files[rel]["id"] += "-OLD"
        _write(root, rel, files[rel])


MUTATIONS: list[Mutation] = [
    _uproot,
    _uproot,
    _covers,
    _criticality,
    _disposal_vendor,
    _ends,
    _swap("connected_to", ("peripheral",), HARDWARE),
    _swap("manager", ("person",), ("person",)),
    _duplicate_serial,
    _swap("model", HARDWARE, ("model",)),
    _swap("location", HARDWARE, ("location",)),
    _swap("parent", ("location",), ("location",)),
    _swap("owner", HARDWARE, ("person",)),
    _seats,
    _fewer_seats,
    _status,
    _delete,
    _copy,
    _rename_id,
    _model_dates,
    _vendor,
    _break,
    _kind,
]


def _comparable(report: Report) -> dict[str, Any]:
    return {
        "entities": report.entities,
        "files": report.files,
        "base": report.base,
        "transitions": report.transitions,
        "rules": report.rules,
        "findings": [encode_final(f) for f in report.findings],
    }


def _calls(monkeypatch: pytest.MonkeyPatch, name: str) -> list[int]:
    """One item for each call of ``itam.evaluation``'s ``name`` from now on
    (the real function still runs)."""
    calls: list[int] = []
    real = getattr(evaluation, name)

    def counting(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(evaluation, name, counting)
    return calls


@pytest.fixture
def counted(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many times a run judged again only what its change can affect."""
    return _calls(monkeypatch, "reassess")


@pytest.mark.parametrize("as_of", DATES, ids=str)
def test_random_changes_are_judged_as_a_full_judgement_would(
    grown: Path, tmp_path: Path, as_of: dt.date, counted: list[int]
) -> None:
    root = tmp_path / "registry"
    shutil.copytree(grown, root)
    layout = Layout.at(root)
    cache = RunOptions(cache=root / ".itam-cache", workers=1)
    # The expected report: the head judged in full (the files' analysis
    # cached too, for speed).
    full = RunOptions(cache=tmp_path / "full-cache", workers=1, incremental=False)
    # A run on main remembers its judgement, as the nightly run would.
    report_of(layout, as_of, cache)
    rng = random.Random(as_of.toordinal())  # noqa: S311  # test data, not secrets
    for scenario in range(SCENARIOS):
        files = _files(root)
        for _ in range(rng.randint(1, 4)):
            rng.choice(MUTATIONS)(rng, root, files)
        expected = evaluate(layout, as_of, Revisions("main"), options=full).report()
        judged = evaluate(layout, as_of, Revisions("main"), options=cache).report()
        got, want = _comparable(judged), _comparable(expected)
        extra = [f for f in got["findings"] if f not in want["findings"]]
        missing = [f for f in want["findings"] if f not in got["findings"]]
        assert (extra, missing) == ([], []), f"scenario {scenario}"
        assert got == want, f"scenario {scenario}"
        git(root, "checkout", "--quiet", "--", ".")
        git(root, "clean", "--quiet", "-fd", "--", "registry")
    # Every scenario was judged in part: the comparison above is not of two
    # full judgements.
    assert len(counted) == SCENARIOS


def test_a_change_two_references_away_is_judged_again(
    grown: Path, tmp_path: Path, counted: list[int]
) -> None:
    """Racked gear sits in fra-dc1, inside Hesse, inside a region the rack
    inspections are scoped to: taking Hesse out of the region takes the gear
    out of the schedule, though nothing it refers to directly changed."""
    root = tmp_path / "registry"
    shutil.copytree(grown, root)
    places = root / "registry" / "locations"
    (places / "de-region.yaml").write_text("id: de-region\nkind: location\nname: Germany\n")
    hesse = places / "de-hesse.yaml"
    hesse.write_text("id: de-hesse\nkind: location\nname: Hesse\nparent: de-region\n")
    dc = places / "fra-dc1.yaml"
    dc.write_text(dc.read_text(encoding="utf-8") + "parent: de-hesse\n", encoding="utf-8")
    maintenance = root / "policies" / "maintenance.yaml"
    text = maintenance.read_text(encoding="utf-8")
    maintenance.write_text(text.replace("[fra-dc1]", "[de-region]"), encoding="utf-8")
    git(root, "add", "-A")
    git(root, "commit", "--quiet", "-m", "Scope rack inspections to the region")
    layout, as_of = Layout.at(root), DATES[1]
    cache = RunOptions(cache=root / ".itam-cache", workers=1)
    before = report_of(layout, as_of, cache)
    hesse.write_text("id: de-hesse\nkind: location\nname: Hesse\n")
    judged = evaluate(layout, as_of, Revisions("main"), options=cache).report()
    full = RunOptions(cache=None, workers=1, incremental=False)
    expected = evaluate(layout, as_of, Revisions("main"), options=full).report()
    assert _comparable(judged) == _comparable(expected)
    assert counted == [1]

    def inspected(report: Report) -> set[str | None]:
        return {f.file for f in report.findings if "rack-inspection" in f.message}

    # The scenario means something: racked gear lost its overdue inspections.
    gone = inspected(before) - inspected(expected)
    assert gone
    assert all(f is not None and "/hardware/" in f for f in gone)


@pytest.mark.parametrize(
    "stored",
    [
        "not json",
        '{"keys": [], "whole": [["only", "a", "few", "fields"]]}',
        '{"keys": "none", "whole": []}',
        '[["a", "b", "c", "d"]]',  # what an earlier version kept there
    ],
)
def test_a_judgement_that_does_not_decode_is_judged_afresh(
    grown: Path, tmp_path: Path, stored: str
) -> None:
    root = tmp_path / "registry"
    shutil.copytree(grown, root)
    layout, as_of = Layout.at(root), DATES[0]
    cache = RunOptions(cache=root / ".itam-cache", workers=1)
    report_of(layout, as_of, cache)
    with contextlib.closing(sqlite3.connect(root / ".itam-cache" / DATABASE)) as db, db:
        changed = db.execute(
            "UPDATE runs SET value = ? WHERE substr(key, 1, 4) = X'62617365'", (stored,)
        ).rowcount
    assert changed == 1
    laptop = next((root / "registry" / "hardware" / "laptops").glob("*.yaml"))
    laptop.write_text(laptop.read_text(encoding="utf-8").replace("serial:", "serial: X"))
    judged = evaluate(layout, as_of, Revisions("main"), options=cache).report()
    full = RunOptions(cache=None, workers=1, incremental=False)
    expected = evaluate(layout, as_of, Revisions("main"), options=full).report()
    assert _comparable(judged) == _comparable(expected)
    # The base was judged again, and its judgement written over what did not decode.
    with contextlib.closing(sqlite3.connect(root / ".itam-cache" / DATABASE)) as db:
        (key,) = db.execute("SELECT key FROM runs WHERE substr(key, 1, 4) = X'62617365'").fetchone()
    assert runs.recall_judgement(root / ".itam-cache", key[4:]) is not None


def test_a_site_built_on_main_serves_the_pull_requests_on_it(
    grown: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The pages build on a push to main remembers main's judgement, as
    validate does: a pull request branched there does not judge it again."""
    root = tmp_path / "registry"
    shutil.copytree(grown, root)
    built = run_itam("site", "build", "--root", root, "--out", tmp_path / "site", "--as-of", AS_OF)
    # Exit 1: the registry has findings; the site is written all the same.
    assert built.exit_code == 1, built.stderr
    assert "written to" in built.stderr
    judged_in_full = _calls(monkeypatch, "_judge_base")
    laptop = next((root / "registry" / "hardware" / "laptops").glob("*.yaml"))
    laptop.write_text(laptop.read_text(encoding="utf-8") + "notes: moved desks\n")
    cache = RunOptions(cache=root / ".itam-cache", workers=1)
    as_of = dt.date.fromisoformat(AS_OF)
    report = evaluate(Layout.at(root), as_of, Revisions("main"), options=cache).report()
    assert judged_in_full == []
    full = RunOptions(cache=None, workers=1, incremental=False)
    expected = evaluate(Layout.at(root), as_of, Revisions("main"), options=full).report()
    assert _comparable(report) == _comparable(expected)
