"""``itam site build``: the pages of the contract, escaping, atomic swap, reproducibility.

The golden site (``tests/golden/site/``) is the build of a small fixed
registry (``tests/golden/input/``: a handful of entities, committed in three
commits with pinned dates) as of 2026-11-22. After an intended change to the
templates, the site's code or the reports, regenerate it and review the diff:

    ITAM_REGENERATE_GOLDEN=1 .venv/bin/pytest tests/test_site_build.py -k golden

That also refreshes the golden input's copies of ``schemas/`` and
``policies/`` (all but its empty ``waivers.yaml``) from the project.

These tests read the HTML as text and with ``html.parser``; the browser tests
(search, sort, filters, axe, HTML validity) drive the same pages in Chromium.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import signal
import subprocess
from collections import Counter
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import pytest

from itam.errors import ConfigError
from itam.evaluation import evaluate
from itam.layout import Layout
from itam.reports import REPORTS
from itam.sitegen import build as site_build
from itam.sitegen import build_site, render_report_html
from itam.sitegen.datafile import decode_script, script
from itam.sitegen.publish import MARKER
from tests.conftest import AS_OF, LAPTOPS, PROJECT, copy_registry, edit, git, run_itam

GOLDEN = Path(__file__).resolve().parent / "golden"
GOLDEN_INPUT = GOLDEN / "input"
GOLDEN_SITE = GOLDEN / "site"
DAY = dt.date.fromisoformat(AS_OF)
HOSTILE_NAME = "<script>alert(1)</script> \"'&</script><!--"
HOSTILE_NOTES = '"><img src=x onerror=alert(1)>'


# -- helpers ---------------------------------------------------------------------------


def commit(root: Path, message: str, date: str) -> str:
    """Commit everything with a pinned identity and clock; the commit's hash."""
    env = {
        "GIT_AUTHOR_NAME": "Registry Maintainer",
        "GIT_AUTHOR_EMAIL": "maintainer@example.invalid",
        "GIT_COMMITTER_NAME": "Registry Maintainer",
        "GIT_COMMITTER_EMAIL": "maintainer@example.invalid",
        "GIT_AUTHOR_DATE": date,
        "GIT_COMMITTER_DATE": date,
        "HOME": str(root),
        "GIT_CONFIG_NOSYSTEM": "1",
        "PATH": "/usr/local/bin:/usr/bin:/bin",
    }

    def run(*args: str) -> str:
        return subprocess.run(
            ["git", *args], cwd=root, env=env, check=True, capture_output=True, text=True
        ).stdout

    run("add", "-A")
    run("commit", "--quiet", "-m", message)
    return run("rev-parse", "HEAD").strip()


def golden_repo(dest: Path) -> Path:
    """The golden registry in a git repository of three commits with pinned dates."""
    shutil.copytree(GOLDEN_INPUT, dest)
    subprocess.run(["git", "init", "--quiet", "--initial-branch=main"], cwd=dest, check=True)
    laptop = dest / "registry/hardware/laptops/LT-0001.yaml"
    spare = dest / "registry/hardware/laptops/LT-0002.yaml"
    final_laptop, final_spare = (
        laptop.read_text(encoding="utf-8"),
        spare.read_text(encoding="utf-8"),
    )
    laptop.write_text(final_laptop.split("audits:")[0] + "notes: New.\n", encoding="utf-8")
    spare.unlink()
    commit(dest, "Register the London office", "2026-01-05T09:30:00+00:00")
    (dest / "registry/spares").mkdir()
    (dest / "registry/spares/LT-0002.yaml").write_text(final_spare, encoding="utf-8")
    commit(dest, "Add a spare laptop", "2026-02-01T10:00:00+00:00")
    (dest / "registry/spares/LT-0002.yaml").unlink()
    (dest / "registry/spares").rmdir()
    spare.write_text(final_spare, encoding="utf-8")
    laptop.write_text(final_laptop, encoding="utf-8")
    commit(dest, "Audit LT-0001; file the spare with the laptops", "2026-03-18T14:00:00+00:00")
    return dest


def files_of(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def siblings(out: Path) -> list[str]:
    """Whatever a build left beside its output folder."""
    return sorted(p.name for p in out.parent.iterdir() if p.name != out.name)


class _Page(HTMLParser):
    """The facts of one page the tests look at: ids, links, elements by id."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: list[str] = []
        self.links: list[str] = []
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        self.tags.append((tag, found))
        if found.get("id"):
            self.ids.append(str(found["id"]))
        for name in ("href", "src"):
            if found.get(name):
                self.links.append(str(found[name]))

    def handle_data(self, data: str) -> None:
        self.text.append(data)

    def by_id(self, element_id: str) -> tuple[str, dict[str, str | None]]:
        matches = [t for t in self.tags if t[1].get("id") == element_id]
        assert len(matches) == 1, f"{len(matches)} elements with id {element_id!r}"
        return matches[0]


def parse(path: Path) -> _Page:
    page = _Page()
    page.feed(path.read_text(encoding="utf-8"))
    page.close()
    return page


@pytest.fixture(scope="module")
def bundled(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The site of the bundled registry, built once for the tests that only read it."""
    root = copy_registry(tmp_path_factory.mktemp("bundled") / "repo")
    out = root.parent / "site"
    build_site(Layout(root), out, DAY)
    return out


@pytest.fixture
def golden(tmp_path: Path) -> Path:
    return golden_repo(tmp_path / "repo")


# -- golden output and reproducibility ------------------------------------------------------


def test_golden_site(tmp_path: Path) -> None:
    """The site of the golden registry, byte for byte (regenerate: see the module docstring)."""
    if os.environ.get("ITAM_REGENERATE_GOLDEN"):
        for name in ("schemas", "policies", "reference"):
            kept = {"policies": {"waivers.yaml"}}.get(name, set())
            for path in (GOLDEN_INPUT / name).rglob("*"):
                if path.is_file() and path.name not in kept:
                    path.unlink()
            for path in (PROJECT / name).rglob("*"):
                target = GOLDEN_INPUT / name / path.relative_to(PROJECT / name)
                if path.is_file() and path.suffix in (".json", ".yaml") and path.name not in kept:
                    target.parent.mkdir(parents=True, exist_ok=True)
                    shutil.copyfile(path, target)
    root = golden_repo(tmp_path / "repo")
    out = tmp_path / "site"
    build_site(Layout(root), out, DAY)
    built = files_of(out)
    if os.environ.get("ITAM_REGENERATE_GOLDEN"):
        shutil.rmtree(GOLDEN_SITE, ignore_errors=True)
        shutil.copytree(out, GOLDEN_SITE)
    expected = files_of(GOLDEN_SITE)
    assert sorted(built) == sorted(expected)
    changed = [name for name in built if built[name] != expected[name]]
    assert changed == [], f"differs from tests/golden/site: {changed}"
    assert str(tmp_path).encode() not in b"".join(built.values()), "an absolute path leaked"


def test_the_pool_and_the_cache_change_no_byte(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Entity pages written by worker processes while the parent plans the
    rest, and an evaluation answered from the cache, give the same site as
    one process without a cache."""
    from itam.analysis import RunOptions
    from itam.analysis import pool as analysis_pool
    from itam.sitegen import build as site_build

    root = copy_registry(tmp_path / "repo")
    alone = tmp_path / "alone"
    build_site(Layout(root), alone, DAY, options=RunOptions(workers=1))
    monkeypatch.setattr(site_build, "POOL_MIN_PAGES", 1)
    monkeypatch.setattr(site_build, "CHUNK", 7)
    monkeypatch.setattr(analysis_pool, "MIN_FILES_PER_WORKER", 1)
    cached = RunOptions(cache=tmp_path / "cache", workers=2)
    pooled = tmp_path / "pooled"
    build_site(Layout(root), pooled, DAY, options=cached)  # fills the cache
    build_site(Layout(root), pooled, DAY, options=cached)  # reads it
    assert (tmp_path / "cache").is_dir()
    assert len(files_of(alone)) > 100
    assert files_of(pooled) == files_of(alone)


_BUILDER = os.getpid()
_REAL_DRAIN = site_build._drain


def _failing_drain() -> int:
    # Helpers are forked: they run this too, found as the module's _drain.
    if os.getpid() != _BUILDER:
        raise RuntimeError("a helper's disk is full")
    return _REAL_DRAIN()


def _killed_drain() -> int:
    # What the out-of-memory killer does to a helper.
    if os.getpid() != _BUILDER:
        os.kill(os.getpid(), signal.SIGKILL)
    return _REAL_DRAIN()


def _built_then_helpers_break(
    golden: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, drain: Callable[[], int]
) -> tuple[Path, dict[str, bytes]]:
    """A site built, and its files; every later build forks helpers that run ``drain``."""
    out = tmp_path / "out" / "site"
    build_site(Layout(golden), out, DAY)
    monkeypatch.setattr(site_build, "_drain", drain)
    monkeypatch.setattr(site_build, "POOL_MIN_PAGES", 1)
    return out, files_of(out)


def test_a_helper_killed_outright_fails_the_build_without_a_hang(
    golden: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from itam.analysis import RunOptions

    out, before = _built_then_helpers_break(golden, tmp_path, monkeypatch, _killed_drain)

    def hung(*_: object) -> None:
        raise TimeoutError("the build waited for a dead helper")

    previous = signal.signal(signal.SIGALRM, hung)
    signal.alarm(120)
    try:
        with pytest.raises(RuntimeError, match="stopped \\(exit code -9\\)"):
            build_site(Layout(golden), out, DAY, options=RunOptions(workers=2))
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
    assert files_of(out) == before
    assert siblings(out) == []


def test_a_helper_that_fails_fails_the_build(
    golden: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An error in a forked page writer reaches the build, and the previous
    site stays as it was, though this process wrote its own share."""
    from itam.analysis import RunOptions

    out, before = _built_then_helpers_break(golden, tmp_path, monkeypatch, _failing_drain)
    monkeypatch.setattr(site_build, "CHUNK", 3)
    with pytest.raises(RuntimeError, match="a helper's disk is full"):
        build_site(Layout(golden), out, DAY + dt.timedelta(days=30), options=RunOptions(workers=2))
    assert files_of(out) == before
    assert siblings(out) == []


def test_the_same_commit_and_date_give_the_same_bytes(golden: Path, tmp_path: Path) -> None:
    first, second = tmp_path / "one", tmp_path / "two"
    build_site(Layout(golden), first, DAY)
    build_site(Layout(golden), second, DAY)
    assert files_of(first) == files_of(second)
    build_site(Layout(golden), second, DAY + dt.timedelta(days=1))
    assert files_of(first) != files_of(second), "a later as-of date must show"


def test_source_date_epoch_pins_the_default_date(golden: Path, tmp_path: Path) -> None:
    epoch = str(int(dt.datetime(2026, 11, 22, 12, tzinfo=dt.UTC).timestamp()))
    result = run_itam(
        "site", "build", "--root", golden, "--out", tmp_path / "s", env={"SOURCE_DATE_EPOCH": epoch}
    )
    assert result.exit_code == 1, result  # the golden registry holds errors
    assert 'datetime="2026-11-22"' in (tmp_path / "s/index.html").read_text(encoding="utf-8")


# -- pages of the contract --------------------------------------------------------------


def test_every_page_of_the_contract_is_there(bundled: Path) -> None:
    for rel in ("index.html", "inventory/index.html", "rules.html", "reports/index.html"):
        assert (bundled / rel).is_file(), rel
    for rel in ("assets/site.css", "assets/inventory.js", "assets/inventory-data.js"):
        assert (bundled / rel).is_file(), rel
    for name in REPORTS:
        assert (bundled / f"reports/{name}.html").is_file(), name
        assert (bundled / f"reports/{name}.csv").is_file(), name
    evaluation = evaluate(Layout(PROJECT), DAY)
    for entity in evaluation.catalog:
        assert entity.id is not None
        assert (bundled / f"entities/{entity.id}.html").is_file(), entity.id
    assert len(list((bundled / "entities").iterdir())) == len(evaluation.catalog)


def test_every_page_has_the_shared_frame(bundled: Path) -> None:
    pages = sorted(bundled.rglob("*.html"))
    assert len(pages) > 150
    for path in pages:
        html = path.read_text(encoding="utf-8")
        page = parse(path)
        assert html.startswith('<!DOCTYPE html>\n<html lang="en">'), path
        assert sum(1 for tag, _ in page.tags if tag == "main") == 1, path
        assert ("a", {"class": "skip-link", "href": "#main"}) in page.tags, path
        nav = [a.get("href") for tag, a in page.tags if tag == "a" and a.get("href")]
        root = "../" * path.relative_to(bundled).as_posix().count("/")
        for target in ("index.html", "inventory/index.html", "reports/index.html", "rules.html"):
            assert root + target in nav, (path, target)
        text = " ".join(page.text)
        assert "Policy digest" in text, path
        assert "As of" in text, path
        assert f'<time datetime="{AS_OF}">' in html, path


def test_ids_are_unique_and_internal_links_resolve(bundled: Path) -> None:
    anchors: dict[Path, set[str]] = {}
    for path in sorted(bundled.rglob("*.html")):
        page = parse(path)
        duplicates = [i for i, n in Counter(page.ids).items() if n > 1]
        assert duplicates == [], (path, duplicates)
        anchors[path.resolve()] = set(page.ids)
    for path in sorted(bundled.rglob("*.html")):
        for link in parse(path).links:
            parts = urlsplit(link)
            if parts.scheme in ("http", "https"):
                continue
            assert not parts.scheme, (path, link)
            assert not parts.netloc, (path, link)
            target = (path.parent / unquote(parts.path)).resolve() if parts.path else path.resolve()
            assert target.is_file(), (path, link)
            assert bundled.resolve() in target.parents, (path, link)
            if parts.fragment and target.suffix == ".html":
                assert parts.fragment in anchors[target], (path, link)


def test_the_inventory_keeps_the_dom_contract(bundled: Path) -> None:
    page = parse(bundled / "inventory/index.html")
    tag, attrs = page.by_id("search")
    assert (tag, attrs.get("type")) == ("input", "search")
    for key in ("kind", "status", "location", "owner", "severity"):
        assert page.by_id(f"filter-{key}")[0] == "select"
    assert page.by_id("inventory")[0] == "table"
    tag, attrs = page.by_id("result-count")
    assert (tag, attrs.get("aria-live")) == ("p", "polite")
    html = (bundled / "inventory/index.html").read_text(encoding="utf-8")
    table = html[html.index('<table id="inventory"') : html.index("</table>")]
    assert "<caption" in table
    heads = [a for t, a in page.tags if t == "th" and a.get("scope") == "col"]
    buttons = [a["data-sort"] for t, a in page.tags if t == "button" and a.get("data-sort")]
    assert len(heads) == len(buttons) >= 10
    assert {"id", "name", "serial", "warranty", "findings"} <= set(buttons)
    rows = [str(a["data-id"]) for t, a in page.tags if t == "tr" and a.get("data-id") is not None]
    assert len(rows) == 100
    assert rows == sorted(rows)
    assert f'<tr data-id="{rows[0]}">\n<td><a href="../entities/{rows[0]}.html">' in html
    assert '<script defer src="../assets/inventory-data.js"></script>' in html
    noscript = html[html.index("<noscript>") : html.index("</noscript>")]
    assert 'href="../inventory/page-1.html"' in noscript
    static = parse(bundled / "inventory/page-1.html")
    assert len([a for t, a in static.tags if t == "tr" and "data-id" in a]) == 163


def test_the_data_file_holds_every_entity_as_columns(bundled: Path) -> None:
    data = decode_script((bundled / "assets/inventory-data.js").read_bytes())
    assert data["total"] == 163
    columns = data["columns"]
    assert {"id", "name", "serial", "asset_tag", "kind", "status", "owner", "location"} <= set(
        columns
    )
    # Repeating strings are indexes into tables, from 1; 0 means none.
    kinds = [entry[0] for entry in data["tables"]["kind"]]
    assert len(kinds) == len(set(kinds)) == 14
    assert all(0 < i <= len(kinds) for i in columns["kind"])
    ids = _strings(columns["id"])
    assert ids == sorted(ids)
    laptop = ids.index("LT-0001")
    assert kinds[columns["kind"][laptop] - 1] == "laptop"
    assert _strings(columns["serial"])[laptop] == "PF4K7M2Q"


def test_an_entity_page_shows_fields_derived_values_findings_and_references(
    bundled: Path,
) -> None:
    html = (bundled / "entities/LT-0005.html").read_text(encoding="utf-8")
    assert "Warranty ends" in html
    assert "Book value" in html
    assert "Next audit due" in html
    assert 'href="../rules.html#rule-warranty.expiring"' in html
    assert 'href="../entities/EMP-1005.html"' in html  # owner, linked
    assert '<dt title="purchase">Purchase</dt>' in html  # nested data as a list
    assert "GBP 1,545.00" in html  # money as money, not a dict
    person = (bundled / "entities/EMP-1005.html").read_text(encoding="utf-8")
    assert "Referred to by" in person
    assert 'href="../entities/LT-0005.html"' in person


def test_rules_have_anchors_for_every_finding(bundled: Path) -> None:
    ids = set(parse(bundled / "rules.html").ids)
    evaluation = evaluate(Layout(PROJECT), DAY)
    for finding in evaluation.findings:
        assert f"rule-{finding.rule}" in ids


# -- escaping ---------------------------------------------------------------------------


def test_hostile_text_is_shown_as_text_and_runs_nothing(tmp_path: Path) -> None:
    root = copy_registry(tmp_path / "repo", with_git=False)
    laptop = root / "registry/hardware/laptops/LT-0014.yaml"
    text = laptop.read_text(encoding="utf-8")
    name_line = next(line for line in text.splitlines() if line.startswith("name:"))
    hostile = text.replace(name_line, "name: " + _yaml_quoted(HOSTILE_NAME))
    laptop.write_text(hostile + "notes: " + _yaml_quoted(HOSTILE_NOTES) + "\n", encoding="utf-8")
    vendor = root / "registry/vendors/dell.yaml"
    vendor.write_text(
        vendor.read_text(encoding="utf-8").replace(
            "website: https://www.dell.com", "website: javascript:alert(1)"
        ),
        encoding="utf-8",
    )
    out = tmp_path / "site"
    build_site(Layout(root), out, DAY)
    for path in sorted(out.rglob("*.html")):
        html = path.read_text(encoding="utf-8")
        assert "<script>alert" not in html, path
        assert "<img src=x" not in html, path
        page = parse(path)
        for tag, attrs in page.tags:
            assert not any(name.startswith("on") for name in attrs), (path, tag, attrs)
            assert not str(attrs.get("href") or "").lower().startswith("javascript:"), path
            if tag == "script":
                assert attrs.get("src"), (path, "an inline script")
    entity = (out / "entities/LT-0014.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in entity
    assert HOSTILE_NOTES in " ".join(parse(out / "entities/LT-0014.html").text)
    assert "javascript:alert(1)" in (out / "entities/dell.html").read_text(encoding="utf-8")
    source = (out / "assets/inventory-data.js").read_bytes()
    for unsafe in (b"<", b">", b"</script", b"<!--"):
        assert unsafe not in source
    data = decode_script(source)
    names = _strings(data["columns"]["name"], data)
    ids = _strings(data["columns"]["id"])
    assert names[ids.index("LT-0014")] == HOSTILE_NAME


def _yaml_quoted(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _list(value: object) -> list[str]:
    """A list of the data file: packed in one string led by its separator, or a list."""
    if isinstance(value, str):
        return value[1:].split(value[0])
    assert isinstance(value, list)
    return [str(v) for v in value]


def _strings(column: object, data: dict[str, Any] | None = None) -> list[str]:
    """A string column of the data file, decoded as the script does (``data``, the
    whole file, for a name column of templates that take the owner's label)."""
    if isinstance(column, str | list):
        return _list(column)
    assert isinstance(column, dict)
    if "dict" in column:
        entries = _list(column["dict"])
        if not column.get("owner"):
            return [entries[i] for i in column["index"]]
        assert data is not None
        owners, of_row = data["tables"]["owner"], data["columns"]["owner"]
        return [
            entries[i >> 1].replace("\x1a", owners[of_row[row] - 1][1], 1)
            if i & 1
            else entries[i >> 1]
            for row, i in enumerate(column["index"])
        ]
    prefixes, suffixes = column["front"]
    out, previous = [], ""
    for length, suffix in zip(prefixes, _list(suffixes), strict=True):
        units = previous.encode("utf-16-le")[: 2 * length].decode("utf-16-le")
        previous = units + suffix
        out.append(previous)
    return out


@pytest.mark.parametrize(
    "text",
    [
        "</script><script>alert(1)</script>",
        "<!-- <script>",
        "line\u2028separator\u2029paragraph",
        "quote ' and \" and \\ backslash \\' \\u0041",
        "emoji \U0001f600 and é",
        "lone \udcff surrogate",
    ],
)
def test_the_data_script_cannot_be_broken_out_of(text: str) -> None:
    source = script({"names": [text, text + "x"]})
    body = source.decode("utf-8")
    for unsafe in ("<", ">", "&", "\u2028", "\u2029"):
        assert unsafe not in body
    assert body.count("'") == 2 + body.count("\\'")  # only the literal's own quotes are bare
    assert decode_script(source) == {"names": [text, text + "x"]}


def test_front_coded_columns_count_utf16_units() -> None:
    from itam.sitegen.datafile import strings as encode

    values = [f"\U0001f600-registry-{n:04d}" for n in range(20)] + ["\U0001f600b"]
    column = encode(values)
    assert "front" in column
    assert column["front"][0][1] == len("\U0001f600-registry-000".encode("utf-16-le")) // 2
    assert _strings(column) == values


# -- history and --at -------------------------------------------------------------------


def test_an_entity_page_lists_the_commits_of_git_log_follow(golden: Path, tmp_path: Path) -> None:
    build_site(Layout(golden), tmp_path / "s", DAY)
    rel = "registry/hardware/laptops/LT-0002.yaml"
    expected = subprocess.run(
        ["git", "log", "--follow", "--format=%H", "--", rel],
        cwd=golden,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split()
    assert len(expected) == 2
    page = parse(tmp_path / "s/entities/LT-0002.html")
    shown = [a["title"] for t, a in page.tags if t == "span" and a.get("title") in expected]
    assert shown == expected
    html = (tmp_path / "s/entities/LT-0002.html").read_text(encoding="utf-8")
    assert "moved from registry/spares/LT-0002.yaml" in html


def test_at_a_past_commit_the_site_shows_that_commit(golden: Path, tmp_path: Path) -> None:
    previous = git(golden, "rev-parse", "HEAD~1").strip()
    result = run_itam(
        "site",
        "build",
        "--root",
        golden,
        "--out",
        tmp_path / "s",
        "--as-of",
        AS_OF,
        "--at",
        "HEAD~1",
    )
    assert result.exit_code in (0, 1), result
    footer = (tmp_path / "s/index.html").read_text(encoding="utf-8")
    assert f'title="{previous}"' in footer
    assert "(work tree)" not in footer
    laptop = (tmp_path / "s/entities/LT-0001.html").read_text(encoding="utf-8")
    assert "no audit recorded" in laptop
    assert "Audit LT-0001" not in laptop  # the history stops at HEAD~1
    assert "Register the London office" in laptop
    assert "moved from" not in (tmp_path / "s/entities/LT-0002.html").read_text(encoding="utf-8")


def test_a_registry_outside_git_builds_without_history(tmp_path: Path) -> None:
    root = copy_registry(tmp_path / "plain", with_git=False)
    build_site(Layout(root), tmp_path / "s", DAY)
    html = (tmp_path / "s/entities/LT-0001.html").read_text(encoding="utf-8")
    assert "not in a git repository" in html
    assert "work tree, no commit" in html


# -- atomic swap and --out ---------------------------------------------------------------


@pytest.mark.parametrize("error", [RuntimeError("disk on fire"), KeyboardInterrupt()])
def test_a_failed_build_leaves_the_previous_site_as_it_was(
    golden: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, error: BaseException
) -> None:
    out = tmp_path / "out" / "site"
    build_site(Layout(golden), out, DAY)
    before = files_of(out)
    real_save = site_build._save
    written = []

    def failing(path: Path, text: str) -> None:
        real_save(path, text)
        written.append(path)
        if len(written) == 5:
            raise error

    monkeypatch.setattr(site_build, "_save", failing)
    with pytest.raises(type(error)):
        build_site(Layout(golden), out, DAY + dt.timedelta(days=30))
    assert len(written) == 5
    assert files_of(out) == before
    assert siblings(out) == []


def test_a_broken_policy_is_exit_2_and_keeps_the_previous_site(
    golden: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out" / "site"
    build_site(Layout(golden), out, DAY)
    before = files_of(out)
    (golden / "policies/audit.yaml").write_text("audit: {grace_days: soon}\n", encoding="utf-8")
    result = run_itam("site", "build", "--root", golden, "--out", out, "--as-of", AS_OF)
    assert result.exit_code == 2, result
    assert "Traceback" not in result.stderr
    assert files_of(out) == before
    assert siblings(out) == []


def test_a_rebuild_replaces_the_previous_site_whole(golden: Path, tmp_path: Path) -> None:
    out = tmp_path / "out" / "site"
    build_site(Layout(golden), out, DAY)
    (out / "stale.html").write_text("old", encoding="utf-8")
    build_site(Layout(golden), out, DAY)
    assert not (out / "stale.html").exists()
    assert (out / MARKER).is_file()
    assert siblings(out) == []


def test_a_build_removes_what_a_killed_build_left_and_nothing_else(
    golden: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out" / "site"
    build_site(Layout(golden), out, DAY)
    beside = out.parent
    for name in (".site.new-0a1b2c3d", ".site.old-deadbeef"):  # a killed build's
        (beside / name / "entities").mkdir(parents=True)
        (beside / name / MARKER).write_text("x", encoding="utf-8")
        (beside / name / "entities" / "LT-1.html").write_text("x", encoding="utf-8")
    (beside / ".site.new-cafebabe").mkdir()  # no marker: not ours
    (beside / ".other.new-01234567").mkdir()  # another site's
    (beside / ".other.new-01234567" / MARKER).write_text("x", encoding="utf-8")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / MARKER).write_text("x", encoding="utf-8")
    (beside / ".site.old-76543210").symlink_to(elsewhere)  # a link is never followed

    build_site(Layout(golden), out, DAY)

    assert siblings(out) == [".other.new-01234567", ".site.new-cafebabe", ".site.old-76543210"]
    assert (elsewhere / MARKER).is_file()
    assert (out / MARKER).is_file()


def test_a_second_build_beside_a_running_one_is_refused(golden: Path, tmp_path: Path) -> None:
    import fcntl

    out = tmp_path / "out" / "site"
    build_site(Layout(golden), out, DAY)
    before = files_of(out)
    handle = os.open(out.parent, os.O_RDONLY)
    try:
        fcntl.flock(handle, fcntl.LOCK_EX)  # what a build in progress holds
        result = run_itam("site", "build", "--root", golden, "--out", out, "--as-of", "2026-12-01")
    finally:
        os.close(handle)
    assert result.exit_code == 2, result
    assert "another itam site build is writing in" in result.stderr
    assert "Traceback" not in result.stderr
    assert files_of(out) == before
    assert siblings(out) == []


def test_removing_an_old_site_never_follows_a_link(tmp_path: Path) -> None:
    from itam.sitegen.publish import remove_tree

    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "precious.txt").write_text("keep me", encoding="utf-8")
    old = tmp_path / "old"
    (old / "entities" / "deep").mkdir(parents=True)
    for n in range(300):  # more files than threads, in every folder
        (old / f"{n}.html").write_text("x", encoding="utf-8")
        (old / "entities" / f"{n}.html").write_text("x", encoding="utf-8")
    (old / "entities" / "deep" / "page.html").write_text("x", encoding="utf-8")
    (old / "entities" / "to-folder").symlink_to(outside)
    (old / "to-file").symlink_to(outside / "precious.txt")
    remove_tree(old)
    assert not old.exists()
    assert (outside / "precious.txt").read_text(encoding="utf-8") == "keep me"
    assert sorted(p.name for p in outside.iterdir()) == ["precious.txt"]


@pytest.mark.parametrize(
    ("where", "message"),
    [
        (".", "would replace the registry"),
        ("..", "would replace the registry"),
        ("registry/site", "inside registry/"),
        ("schemas", "inside schemas/"),
        ("policies/out", "inside policies/"),
        ("a-file", "is a file"),
        ("not-a-site", "not a site built by itam"),
        ("link", "symbolic link"),
    ],
)
def test_an_out_that_could_destroy_something_is_refused(
    golden: Path, where: str, message: str
) -> None:
    (golden / "a-file").write_text("keep me", encoding="utf-8")
    (golden / "not-a-site").mkdir()
    (golden / "not-a-site/precious.txt").write_text("keep me", encoding="utf-8")
    target = golden.parent / "elsewhere"
    target.mkdir()
    (golden / "link").symlink_to(target)
    before = files_of(golden)
    with pytest.raises(ConfigError, match=message):
        build_site(Layout(golden), golden / where, DAY)
    result = run_itam("site", "build", "--root", golden, "--out", golden / where, "--as-of", AS_OF)
    assert result.exit_code == 2, result
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert files_of(golden) == before


def test_an_empty_folder_may_become_the_site(golden: Path, tmp_path: Path) -> None:
    out = tmp_path / "empty"
    out.mkdir()
    build_site(Layout(golden), out, DAY)
    assert (out / "index.html").is_file()


# -- the command ---------------------------------------------------------------------------


def test_the_command_exits_0_without_blocking_errors(tmp_path: Path) -> None:
    root = copy_registry(tmp_path / "repo")
    result = run_itam("site", "build", "--root", root, "--as-of", AS_OF)
    assert result.exit_code == 0, result
    assert (root / "_site/index.html").is_file()
    assert "written to" in result.stderr


def test_the_command_exits_1_with_blocking_errors_and_still_writes(
    golden: Path, tmp_path: Path
) -> None:
    result = run_itam("site", "build", "--root", golden, "--out", tmp_path / "s", "--as-of", AS_OF)
    assert result.exit_code == 1, result
    assert "blocking findings" in result.stderr
    assert (tmp_path / "s/entities/LT-0001.html").is_file()


@pytest.mark.parametrize(
    "args",
    [
        ("--at", "no-such-branch"),
        ("--at", "--upload-pack=touch /tmp/x"),
        ("--at", "HEAD:registry"),
        ("--base-url", "javascript:alert(1)//"),
        ("--as-of", "2026-02-30"),
    ],
)
def test_bad_arguments_are_exit_2_without_a_traceback(
    golden: Path, tmp_path: Path, args: tuple[str, str]
) -> None:
    result = run_itam("site", "build", "--root", golden, "--out", tmp_path / "s", *args)
    assert result.exit_code == 2, result
    assert "Traceback" not in result.stderr + result.stdout
    assert not (tmp_path / "s").exists()


def test_base_url_sets_canonical_links_only(golden: Path, tmp_path: Path) -> None:
    base = "https://example.github.io/registry"
    result = run_itam(
        "site", "build", "--root", golden, "--out", tmp_path / "s", "--as-of", AS_OF,
        "--base-url", base,
    )  # fmt: skip
    assert result.exit_code == 1, result
    home = (tmp_path / "s/index.html").read_text(encoding="utf-8")
    entity = (tmp_path / "s/entities/LT-0001.html").read_text(encoding="utf-8")
    assert f'<link rel="canonical" href="{base}/">' in home
    assert f'<link rel="canonical" href="{base}/entities/LT-0001.html">' in entity
    assert 'href="../inventory/index.html"' in entity  # navigation stays relative


def test_a_report_renders_as_one_standalone_page(golden: Path) -> None:
    evaluation = evaluate(Layout(golden), DAY)
    table = REPORTS["audit"].build(evaluation)
    html = render_report_html(table, evaluation)
    assert html.startswith("<!DOCTYPE html>")
    assert "<style>" in html
    assert "assets/site.css" not in html
    assert table.title in html
    assert 'href="entities/' not in html
    assert 'href="../' not in html


# -- an organisation's own templates -------------------------------------------------------


def test_a_registry_overrides_templates_and_assets_file_by_file(
    golden: Path, tmp_path: Path
) -> None:
    own = golden / "site"
    (own / "templates").mkdir(parents=True)
    (own / "static").mkdir()
    partials = (PROJECT / "site/templates/_partials.html").read_text(encoding="utf-8")
    (own / "templates/_partials.html").write_text(
        partials.replace("Generated by itam", "Kept by the Example Ltd IT team; generated by itam"),
        encoding="utf-8",
    )
    (own / "static/logo.svg").write_text("<svg></svg>", encoding="utf-8")
    build_site(Layout(golden), tmp_path / "s", DAY)
    assert "Example Ltd IT team" in (tmp_path / "s/entities/LT-0001.html").read_text("utf-8")
    assert (tmp_path / "s/assets/logo.svg").read_text(encoding="utf-8") == "<svg></svg>"
    assert (tmp_path / "s/assets/site.css").read_bytes() == (
        PROJECT / "site/static/site.css"
    ).read_bytes()


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("{% extends 'base.html' %}{% block content %}{{ view.name }", "template error"),
        ("{% extends 'base.html' %}{% block content %}{{ nothing.here }}{% endblock %}", "nothing"),
    ],
)
def test_a_broken_template_is_exit_2(
    golden: Path, tmp_path: Path, source: str, message: str
) -> None:
    (golden / "site/templates").mkdir(parents=True)
    (golden / "site/templates/entity.html").write_text(source, encoding="utf-8")
    result = run_itam("site", "build", "--root", golden, "--out", tmp_path / "s", "--as-of", AS_OF)
    assert result.exit_code == 2, result
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "s").exists()


def test_a_template_linked_from_outside_the_registry_is_refused(
    golden: Path, tmp_path: Path
) -> None:
    secret = tmp_path / "secret.html"
    secret.write_text("top secret", encoding="utf-8")
    (golden / "site/templates").mkdir(parents=True)
    (golden / "site/templates/rules.html").symlink_to(secret)
    result = run_itam("site", "build", "--root", golden, "--out", tmp_path / "s", "--as-of", AS_OF)
    assert result.exit_code == 2, result
    assert "symbolic link" in result.stderr
    assert not (tmp_path / "s").exists()


# -- what the site reads from the policy --------------------------------------------------


def _tone(html: str, label: str) -> str:
    """The colour of one derived fact on an entity page ("" when it has none)."""
    found = re.search(rf'<div class="fact(?: tone-(\w+))?"><dt>{re.escape(label)}</dt>', html)
    assert found, label
    return found.group(1) or ""


def test_deadline_colours_follow_the_policys_lead_times(tmp_path: Path) -> None:
    root = copy_registry(tmp_path / "repo", with_git=False)
    edit(root, "policies/warranty.yaml", "within_days: 90", "within_days: 30")
    edit(root, "policies/audit.yaml", "within_days: 30", "within_days: 200")
    evaluation = evaluate(Layout(root), DAY)
    build_site(Layout(root), tmp_path / "site", DAY)

    def page(entity_id: str) -> str:
        return (tmp_path / f"site/entities/{entity_id}.html").read_text(encoding="utf-8")

    # Ends in 39 days: inside the 90 days the site used to assume, outside the policy's 30.
    laptop = evaluation.entity("LT-0005")
    assert laptop is not None
    warranty_end = evaluation.derived(laptop).warranty_end
    assert warranty_end is not None
    assert 30 < (warranty_end - DAY).days <= 90
    assert _tone(page("LT-0005"), "Warranty ends") == ""
    # Due in more than 90 days, within the policy's 200: amber, as audit.due warns.
    due_later = [
        f.entity
        for f in evaluation.by_rule["audit.due"]
        if f.entity
        and (due := evaluation.derived(evaluation.catalog.by_id[f.entity]).audit_due) is not None
        and (due - DAY).days > 90
    ]
    assert due_later
    for entity_id in due_later:
        assert _tone(page(entity_id), "Next audit due") == "warn", entity_id


def test_an_audit_in_its_grace_period_is_amber_not_red(tmp_path: Path) -> None:
    root = copy_registry(tmp_path / "repo", with_git=False)
    # Audited 2025-11-12, every 365 days: due ten days before the as-of date,
    # inside the 30 days of grace, so audit.due warns and audit.overdue does not.
    edit(
        root,
        f"{LAPTOPS}/LT-0016.yaml",
        "{date: 2026-03-18, by: EMP-1001",
        "{date: 2025-11-12, by: EMP-1001",
    )
    evaluation = evaluate(Layout(root), DAY)
    assert [f.entity for f in evaluation.by_rule["audit.due"]].count("LT-0016") == 1
    assert "LT-0016" not in [f.entity for f in evaluation.by_rule.get("audit.overdue", [])]
    build_site(Layout(root), tmp_path / "site", DAY)
    html = (tmp_path / "site/entities/LT-0016.html").read_text(encoding="utf-8")
    assert _tone(html, "Next audit due") == "warn"


# -- git, once and through GitView ----------------------------------------------------------


def test_a_site_build_opens_the_repository_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import itam.reports
    from itam.gitsource import GitView

    root = copy_registry(tmp_path / "repo")
    # The movements report reads another commit on its own; the site's own git reads are counted.
    monkeypatch.setattr(
        itam.reports, "REPORTS", {k: v for k, v in REPORTS.items() if k != "movements"}
    )
    opened: list[Path] = []
    original = GitView.__init__

    def counting(self: GitView, where: Path) -> None:
        opened.append(where)
        original(self, where)

    monkeypatch.setattr(GitView, "__init__", counting)
    build_site(Layout(root), tmp_path / "site", DAY)
    assert len(opened) == 1
    assert 'title="' in (tmp_path / "site/entities/LT-0001.html").read_text(encoding="utf-8")


def test_the_site_and_the_reports_call_git_only_through_gitview() -> None:
    import ast

    package = PROJECT / "tool/itam"
    offenders = []
    for folder in ("sitegen", "reports"):
        for path in sorted((package / folder).glob("*.py")):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for node in ast.walk(tree):
                if isinstance(node, ast.Attribute) and node.attr == "repo":
                    offenders.append(f"{path.relative_to(PROJECT)}:{node.lineno}")
                if isinstance(node, ast.Import | ast.ImportFrom):
                    names = [a.name for a in node.names] + [getattr(node, "module", "") or ""]
                    if any(n == "git" or n.startswith(("git.", "subprocess")) for n in names):
                        offenders.append(f"{path.relative_to(PROJECT)}:{node.lineno}")
    assert offenders == []


# -- locations ------------------------------------------------------------------------------


def test_the_location_walk_stops_at_a_cycle_and_an_unknown_parent(tmp_path: Path) -> None:
    from itam.sitegen.locations import Locations

    root = copy_registry(tmp_path / "repo", with_git=False)
    folder = root / "registry/locations"
    for loc_id, parent in (("loop-a", "loop-b"), ("loop-b", "loop-a"), ("orphan", "nowhere")):
        (folder / f"{loc_id}.yaml").write_text(
            f"id: {loc_id}\nkind: location\nname: {loc_id.title()}\ntype: room\nparent: {parent}\n",
            encoding="utf-8",
        )
    evaluation = evaluate(Layout(root), DAY)
    locations = Locations(evaluation.catalog)
    assert locations.chain("loop-a") == ("loop-a", "loop-b")
    assert locations.chain("loop-b") == ("loop-b", "loop-a")
    assert locations.chain("orphan") == ("orphan", "nowhere")
    assert locations.site("orphan") == "nowhere"
    assert locations.chain("lon-hq-3f")[-1] == locations.site("lon-hq-3f") == "lon-hq"
    build_site(Layout(root), tmp_path / "site", DAY)  # and the site is built all the same


# -- the data file and the script, small -----------------------------------------------------


def _realistic_rows(count: int) -> list[Any]:
    """Rows as a real registry has them: people, and assets named after model and owner."""
    from random import Random

    from itam.sitegen.inventory import Row
    from itam.sitegen.pages import Ref

    rng = Random(7)  # noqa: S311 - test data, not secrets
    first = ["Amelia", "Oliver", "Sara", "Lars", "Zofia", "Mateusz", "Ines", "Hannah", "Léa"]
    last = ["Hart", "Nowak", "Dubois", "Berg", "García", "Price", "Larsen", "Schmidt", "Byrne"]
    models = [("dell-latitude-7440", "Latitude 7440"), ("apple-mbp-14", "MacBook Pro 14")]
    people = [f"{rng.choice(first)} {rng.choice(last)}" for _ in range(count // 8)]
    rows = []
    for n in range(count):
        if n % 8 == 0:
            pid = f"EMP-{n // 8:05d}"
            rows.append(
                Row(pid, f"entities/{pid}.html", people[n // 8], "person", "Person", "", "",
                    None, None, None, "", "", None, None, 0, 0)
            )  # fmt: skip
            continue
        who = rng.randrange(len(people))
        owner = Ref(f"EMP-{who:05d}", people[who], f"entities/EMP-{who:05d}.html", "person")
        model, short = rng.choice(models)
        rows.append(
            Row(
                f"LT-{n:06d}", f"entities/LT-{n:06d}.html", f"{short} - {owner.label}", "laptop",
                "Laptop", "deployed", "deployed", owner,
                Ref("lon-hq", "London HQ", "entities/lon-hq.html", "location"),
                Ref(model, model, f"entities/{model}.html", "model"),
                "".join(rng.choice("ABCDEFGHJKLMNPQRSTUVWXYZ0123456789") for _ in range(8)),
                f"{rng.choice(['LON', 'FRA', 'OSL'])}-{rng.randrange(100000):05d}",
                DAY + dt.timedelta(days=rng.randrange(1500)),
                DAY + dt.timedelta(days=rng.randrange(400)), 0, 0,
            )
        )  # fmt: skip
    return rows


def _no_locations() -> Any:
    from itam.entities import Catalog
    from itam.sitegen.locations import Locations

    return Locations(Catalog([]))


def test_the_data_file_of_realistic_rows_stays_small() -> None:
    from itam.sitegen.datafile import data
    from itam.sitegen.pages import Ref

    rows = _realistic_rows(5000)
    source = script(data(rows, _no_locations(), lambda i: Ref(i, i, None), DAY))
    # 59 bytes a row before names became templates and lists were packed; at
    # 100,000 entities of benchmarks/generate.py the file is 6.6 MB (target 7 MB).
    assert len(source) / len(rows) <= 52
    decoded = decode_script(source)
    assert _strings(decoded["columns"]["name"], decoded) == [r.name for r in rows]
    assert _strings(decoded["columns"]["serial"]) == [r.serial for r in rows]
    assert _strings(decoded["columns"]["id"]) == [r.id for r in rows]


def test_names_that_hold_the_owners_name_share_a_template() -> None:
    from itam.sitegen.datafile import OWNER_MARK, decoded_strings, strings, unpacked

    owners = ["Amelia Hart", "Lars Berg", "", "Lars Berg", "Ines \x1a"]
    names = ["Latitude - Amelia Hart", "Latitude - Lars Berg", "Spare", "Lars Berg's phone",
             "Latitude - Ines \x1a"]  # fmt: skip
    column = strings(names * 50, owners * 50)
    assert column["owner"] == 1
    entries = unpacked(column["dict"])
    assert "Latitude - " + OWNER_MARK in entries
    assert "Latitude - Ines \x1a" in entries  # a mark of its own is never a template
    assert decoded_strings(column, owners * 50) == names * 50


def test_a_packed_list_uses_a_separator_no_value_holds() -> None:
    from itam.sitegen.datafile import packed, unpacked

    assert packed(["a|b", "c"])[0] != "|"
    assert unpacked(packed(["a|b", "c", ""])) == ["a|b", "c", ""]
    assert unpacked(packed([""])) == [""]
    assert packed([]) == []
    printable = "".join(chr(c) for c in range(0x21, 0x7F))
    assert packed([printable, "x"]) == [printable, "x"]  # every candidate taken: a list
    assert packed(["García", "x"]) == "|García|x"
    assert packed(["Łukasz", "x"]) == ["Łukasz", "x"]  # wider than Latin-1: each its own width


def test_the_shipped_inventory_script_is_compact(bundled: Path) -> None:
    shipped = (bundled / "assets/inventory.js").read_bytes()
    source = (PROJECT / "site/static/inventory.js").read_bytes()
    # 12.4 KB before it was compacted, 8.0 KB then; 8.3 KB since it draws a
    # long owner list from the data file. The source keeps its comments.
    assert len(shipped) <= 8400, len(shipped)
    assert len(source) > len(shipped)
    assert b"/*" not in shipped
    assert b"\n  " not in shipped


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("let  a = b - -c; // note\nf( x )\n", "let a=b- -c;\nf(x)\n"),
        ("x = a + +b\n[1].map( f )\n", "x=a+ +b\n[1].map(f)\n"),
        (
            "const s = \"// not a comment\", t = '/* nor this */';\n",
            "const s=\"// not a comment\",t='/* nor this */';\n",
        ),
        ("/* head\n */\nx = 1 .toString() / 2\n", "x=1 .toString()/2\n"),
    ],
)
def test_compacting_a_script_keeps_its_meaning(source: str, expected: str) -> None:
    from itam.sitegen.compact import compact_script

    assert compact_script(source) == expected


@pytest.mark.parametrize(
    "source", ["x = /ab+c/.test(y);\n", "f(() => { return /x/; });\n", "t = `a ${b}`;\n"]
)
def test_a_script_the_compactor_cannot_read_ships_as_written(source: str) -> None:
    from itam.sitegen.compact import compact_script, shipped

    assert compact_script(source) == source
    assert shipped("logo.svg", b"<svg>  </svg>") == b"<svg>  </svg>"


def test_an_entity_page_shows_the_next_maintenance_with_the_policys_warning(
    bundled: Path,
) -> None:
    evaluation = evaluate(Layout(PROJECT), DAY)
    ups = evaluation.entity("PER-0004")
    assert ups is not None
    upcoming = evaluation.derived(ups).next_maintenance
    assert upcoming is not None
    assert upcoming.due is not None
    assert "PER-0004" in {f.entity for f in evaluation.by_rule["maintenance.due"]}
    html = (bundled / "entities/PER-0004.html").read_text(encoding="utf-8")
    assert _tone(html, "Next maintenance") == "warn"
    assert upcoming.due.isoformat() in html
    assert f"UPS battery check, every {upcoming.interval_days:,} days" in html
