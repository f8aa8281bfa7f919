"""The sites under test, built once per session, and the pages of each type.

Page types are named before any site exists (pytest parametrizes at
collection): one per fixed page, one per report of the contract, and one
entity page per kind present in the bundled registry.
"""

from __future__ import annotations

import datetime as dt
import posixpath
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from itam.evaluation import Evaluation, evaluate
from itam.layout import Layout
from tests.browser.markup import parse_file
from tests.conftest import AS_OF, PROJECT, copy_registry, git, run_itam

# The reports of the site's contract (itam.reports.REPORTS).
REPORT_NAMES = (
    "audit",
    "warranty",
    "eol",
    "disposal",
    "refresh",
    "licenses",
    "depreciation",
    "findings",
    "movements",
)
# Ids that get a page of their own; others are listed in the inventory only.
PAGE_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")

# What a hostile pull request could write into an entity's fields.
SCRIPT = "<script>window.__pwned=1</script>"
ATTRIBUTE = '"><img src=x onerror="window.__pwned=1">'
SCRIPT_URL = "javascript:window.__pwned=1"
# Breaks out of a JavaScript string literal, as in JSON.parse('...').
QUOTE = "x'); window.__pwned=1; ('\\"
HOSTILE_ID = "LT-9666"
QUOTE_ID = "LT-9667"
HOSTILE_LOCATION = "evil-floor"
HOSTILE_VENDOR = "evil-vendor"
# What the data file's own encodings meet: a name holding its owner's name (a
# template there) where that name holds JavaScript's replacement patterns, and
# a name holding every separator a packed list would try first.
PATTERN_OWNER = "EMP-9770"
PATTERN_PERSON = "Eve $& $' $` $1 Mallory"
PATTERN_ID = "LT-9770"
PATTERN_NAME = f"Laptop - {PATTERN_PERSON}"
SEPARATORS_ID = "LT-9771"
SEPARATORS_NAME = "Spare |~^`{}[] ;!#$%*+=?@ \ufffc"


def _kinds_in_registry() -> list[str]:
    kinds: set[str] = set()
    for path in (PROJECT / "registry").rglob("*.yaml"):
        match = re.search(r"^kind:\s*([a-z][a-z0-9-]*)\s*$", path.read_text("utf-8"), re.M)
        if match:
            kinds.add(match.group(1))
    return sorted(kinds)


KINDS = _kinds_in_registry()
PAGE_TYPES = (
    "home",
    "inventory",
    "inventory-page-1",
    "rules",
    "reports",
    *(f"report-{name}" for name in REPORT_NAMES),
    *(f"entity-{kind}" for kind in KINDS),
)


@dataclass
class Site:
    """A built site, the registry it came from, and that registry's evaluation."""

    root: Path
    out: Path
    evaluation: Evaluation
    build_output: str = field(default="", repr=False)

    def entity_ids(self) -> list[str]:
        """Every entity id of the registry, in file order."""
        return [e.id for e in self.evaluation.catalog.entities if e.id is not None]

    @property
    def total(self) -> int:
        """Rows of the inventory: every entity, with an id or without."""
        return len(self.evaluation.catalog.entities)

    def first_of_kind(self, kind: str) -> str:
        """The first entity of ``kind`` (in file order) that has a page."""
        for entity in self.evaluation.catalog.of_kind(kind):
            if entity.id is not None and PAGE_ID.match(entity.id):
                return entity.id
        raise AssertionError(f"the registry has no {kind} with a page")

    def page(self, page_type: str) -> Path:
        """The file of one page type (see PAGE_TYPES)."""
        fixed = {
            "home": "index.html",
            "inventory": "inventory/index.html",
            "inventory-page-1": "inventory/page-1.html",
            "rules": "rules.html",
            "reports": "reports/index.html",
        }
        if page_type in fixed:
            return self.out / fixed[page_type]
        group, _, name = page_type.partition("-")
        if group == "report":
            return self.out / "reports" / f"{name}.html"
        assert group == "entity", page_type
        return self.out / "entities" / f"{self.first_of_kind(name)}.html"

    def links(self, page: Path) -> set[str]:
        """Where the ``<a href>`` of ``page`` lead, as site paths (``entities/X.html#id``)."""
        folder = page.parent.relative_to(self.out).as_posix()
        found = set()
        for link in parse_file(page).iter("a"):
            href = link.attrs.get("href", "")
            if not href or "://" in href or href.startswith(("#", "mailto:")):
                continue
            path, _, fragment = href.partition("#")
            target = posixpath.normpath(posixpath.join(folder, path))
            found.add(f"{target}#{fragment}" if fragment else target)
        return found

    def html_files(self) -> list[Path]:
        """Every HTML file of the site, sorted."""
        return sorted(self.out.rglob("*.html"))


def build_site(root: Path) -> Site:
    """Copy the bundled registry into a git repository at ``root`` and build its site."""
    copy_registry(root)
    return _build(root)


def _build(root: Path) -> Site:
    out = root.parent / "site"
    result = run_itam("site", "build", "--root", root, "--out", out, "--as-of", AS_OF)
    # 1 says the registry has a blocking error: the site is written either way.
    assert result.exit_code in (0, 1), f"itam site build failed\n{result}"
    assert (out / "index.html").is_file(), f"itam site build wrote no index.html\n{result}"
    evaluation = evaluate(Layout(root), dt.date.fromisoformat(AS_OF))
    return Site(root, out, evaluation, str(result))


def _write(root: Path, rel: str, data: dict[str, object]) -> None:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")


def build_hostile_site(root: Path) -> Site:
    """The bundled registry plus entities whose text is markup, script URLs and quotes.

    A location (a site of its own, which the home page's chart names) and a
    vendor carry them too; the commit adding them has markup for a subject,
    which entity pages show in their history.
    """
    copy_registry(root)
    laptop = {
        "kind": "laptop",
        "status": "deployed",
        "model": "lenovo-thinkpad-t14-gen4",
        "owner": "EMP-1001",
        "location": HOSTILE_LOCATION,
        "criticality": "medium",
        "purchase": {
            "date": "2025-09-12",
            "vendor": HOSTILE_VENDOR,
            "cost": {"amount": 1000.0, "currency": "GBP"},
        },
    }
    _write(
        root,
        f"registry/hardware/laptops/{HOSTILE_ID}.yaml",
        {
            "id": HOSTILE_ID,
            "name": SCRIPT,
            **laptop,
            "serial": ATTRIBUTE,
            "asset_tag": "EVIL-1",
            "cpu": ATTRIBUTE,
            "notes": SCRIPT_URL,
        },
    )
    _write(
        root,
        f"registry/hardware/laptops/{QUOTE_ID}.yaml",
        {"id": QUOTE_ID, "name": QUOTE, **laptop, "serial": "EVIL-QUOTE-1", "notes": QUOTE},
    )
    _write(
        root,
        f"registry/locations/{HOSTILE_LOCATION}.yaml",
        {
            "id": HOSTILE_LOCATION,
            "kind": "location",
            "name": SCRIPT,
            "type": "site",
            "notes": SCRIPT_URL,
        },
    )
    _write(
        root,
        f"registry/vendors/{HOSTILE_VENDOR}.yaml",
        {
            "id": HOSTILE_VENDOR,
            "kind": "vendor",
            "name": ATTRIBUTE,
            "roles": ["reseller"],
            "website": SCRIPT_URL,
        },
    )
    _write(
        root,
        f"registry/people/{PATTERN_OWNER}.yaml",
        {"id": PATTERN_OWNER, "kind": "person", "name": PATTERN_PERSON, "department": "IT"},
    )
    _write(
        root,
        f"registry/hardware/laptops/{PATTERN_ID}.yaml",
        {
            "id": PATTERN_ID,
            "name": PATTERN_NAME,
            **laptop,
            "owner": PATTERN_OWNER,
            "location": "lon-hq-3f",
            "serial": "PATTERN-1",
        },
    )
    _write(
        root,
        f"registry/hardware/laptops/{SEPARATORS_ID}.yaml",
        {"id": SEPARATORS_ID, "name": SEPARATORS_NAME, **laptop, "location": "lon-hq-3f",
         "serial": "SEPARATORS-1"},
    )  # fmt: skip
    git(root, "add", "-A")
    git(root, "commit", "--quiet", "-m", f"{ATTRIBUTE} {SCRIPT}")
    return _build(root)
