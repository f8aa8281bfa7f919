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
import shutil
import subprocess
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from itam.errors import ConfigError
from itam.evaluation import evaluate
from itam.layout import Layout
from itam.reports import REPORTS
from itam.sitegen import build as site_build
from itam.sitegen import build_site, render_report_html
from itam.sitegen.inventory import decode_script, script
from itam.sitegen.publish import MARKER
from tests.conftest import AS_OF, PROJECT, copy_registry, git, run_itam

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
        for name in ("schemas", "policies"):
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
    names = _strings(data["columns"]["name"])
    ids = _strings(data["columns"]["id"])
    assert names[ids.index("LT-0014")] == HOSTILE_NAME


def _yaml_quoted(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _strings(column: object) -> list[str]:
    """A string column of the data file, decoded as the script does."""
    if isinstance(column, list):
        return [str(v) for v in column]
    assert isinstance(column, dict)
    if "dict" in column:
        return [column["dict"][i] for i in column["index"]]
    prefixes, suffixes = column["front"]
    out, previous = [], ""
    for length, suffix in zip(prefixes, suffixes, strict=True):
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
    from itam.sitegen.inventory import _strings as encode

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
