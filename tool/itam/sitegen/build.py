"""Build the site in named steps: check --out, evaluate, lay the groundwork, write, swap in.

1. ``output_folder``: refuse an --out that could destroy something (see
   ``itam.sitegen.publish``);
2. ``evaluate``: the one evaluation (``at`` judges a past commit from git
   objects), with the git history of every file read in one pass from the
   same opening of the repository (``groundwork``), and the schemas'
   reference fields;
3. write, into a fresh folder beside --out: for a large registry, forked
   helpers start on the entity pages (each inherits the evaluation and the
   compiled templates instead of receiving them; a page's context is built
   as it is written, since 100,000 would not fit in memory at once), while
   this process plans every other page (``make_plan``), writing each as soon
   as it is planned, then joins the helpers until no entity page is left;
4. swap the folder in.

The same commit and as-of date give the same bytes: everything is sorted,
nothing says when it was built.
"""

from __future__ import annotations

import datetime as dt
import gc
import multiprocessing
import multiprocessing.process
import os
import signal
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from jinja2 import Environment

from itam.analysis import RunOptions
from itam.entities import Entity
from itam.errors import ConfigError
from itam.evaluation import Evaluation, evaluate
from itam.history import History
from itam.history import read as read_history
from itam.layout import Layout
from itam.output import utf8
from itam.reports.model import Table
from itam.rules import RuleInfo, catalogue
from itam.sitegen import (
    compact,
    dashboard,
    datafile,
    inventory,
    publish,
    reportpages,
    rulespage,
    templates,
)
from itam.sitegen.entity import audited_entities, entity_view
from itam.sitegen.locations import Locations
from itam.sitegen.pages import (
    ID_PAGE,
    Chrome,
    InventoryPageView,
    InventoryView,
    Page,
    Ref,
    ReportsIndexView,
    SiteInfo,
    entity_path,
)
from itam.sitegen.references import References, schema_facts

if TYPE_CHECKING:
    from itam.gitsource import GitView

SITE_TITLE = "IT asset registry"
POOL_MIN_PAGES = 2000
"""Below this many entity pages a pool costs more than it saves."""
CHUNK = 500
REPORT_ROWS = 1000
"""Rows a report page shows per section; the whole table is its CSV beside it."""
ASSETS = "assets"
DATA_FILE = f"{ASSETS}/inventory-data.js"


@dataclass(frozen=True, slots=True)
class Planned:
    """A page to write: where, with which template, showing what."""

    page: Page
    template: str
    view: Any


@dataclass(frozen=True, slots=True)
class Built:
    """What a build wrote."""

    out: Path
    pages: int
    entities: int
    blocking: int  # findings that fail a run: the CLI exits 1 when there are any
    data_bytes: int


class EntityPages:
    """Builds and renders entity pages: what each worker of the pool runs."""

    def __init__(
        self,
        env: Environment,
        site: SiteInfo,
        evaluation: Evaluation,
        references: References,
        history: History,
        history_known: bool,
        rules: dict[str, RuleInfo],
        ref_for: Callable[[str], Ref],
    ) -> None:
        self.template = env.get_template("entity.html")
        partials: Any = env.globals["partials"]  # the module of _partials.html
        any_entity = Page(entity_path("-"), "", "inventory")
        self.chrome = Chrome(
            partials.site_header(site, any_entity), partials.site_footer(site, any_entity)
        )
        self.audited = audited_entities(evaluation)
        self.site = site
        self.evaluation = evaluation
        self.references = references
        self.history = history
        self.history_known = history_known
        self.rules = rules
        self.ref_for = ref_for

    def render(self, entity: Entity) -> tuple[str, str]:
        """The page's path below the site's root, and its HTML."""
        assert entity.id is not None
        changes = self.history.get(entity.file, [])
        note = ""
        if not changes:
            note = (
                "This file is not committed yet, so it has no history."
                if self.history_known
                else "The registry is not in a git repository, so there is no history."
            )
        view = entity_view(
            self.evaluation,
            entity,
            self.references,
            changes,
            note,
            self.rules,
            self.ref_for,
            self.audited,
        )
        page = Page(entity_path(entity.id), f"{view.name} ({entity.id})", "inventory")
        return page.path, self.template.render(
            site=self.site, page=page, view=view, chrome=self.chrome
        )


@dataclass(frozen=True, slots=True)
class Groundwork:
    """What every page needs, the entity pages first: ready before any is written."""

    root: Path
    site: SiteInfo
    env: Environment
    ref_for: _Refs
    entities: list[Entity]
    entity_pages: EntityPages


@dataclass(slots=True)
class Plan:
    """What planning every page but the entity pages left to write: the
    assets (the data file among them)."""

    assets: dict[str, bytes] = field(default_factory=dict)
    blocking: int = 0


def build_site(
    layout: Layout,
    out: Path | None,
    as_of: dt.date,
    at: str | None = None,
    base_url: str | None = None,
    options: RunOptions | None = None,
) -> Built:
    """Build the site of the registry at ``layout`` (or of the commit ``at``)
    as of ``as_of`` into ``out`` (default ``_site/`` under the root).

    ``base_url`` (an absolute http(s) URL or a path starting with ``/``) only
    sets each page's canonical URL; every link stays relative. ``options``
    are the evaluation's (cache, workers, progress); its worker count also
    caps the processes writing entity pages (default: one per core). Raises
    ConfigError for a refused --out, a bad base URL or an unknown ref; the
    previous site stays as it was whenever the build fails.
    """
    options = options or RunOptions()
    target = publish.output_folder(layout, out)
    base = normalise_base_url(base_url)
    try:
        # One opening of the repository serves --at and every file's history.
        with _repository(layout, at) as view:
            evaluation = evaluate(layout, as_of, at=at, options=options, repository=view)
            # The findings are made and located: the files' bytes are not read again.
            for entity in evaluation.catalog:
                entity.doc.release()
            _freeze()
            ground = groundwork(layout, evaluation, view, at, base)
        _freeze()
        with (
            publish.staging(target) as folder,
            templates.template_errors(),
            _EntityWriter(ground, folder, options.worker_count()),
        ):
            # Helpers are writing the entity pages meanwhile; this process
            # writes the rest of the site, then joins them (on leaving the block).
            pages = _PageWriter(ground, folder)
            plan = make_plan(ground, evaluation, pages)
            write_assets(plan, folder)
    finally:
        gc.unfreeze()
    return Built(
        out=target,
        pages=pages.written + len(ground.entities),
        entities=len(evaluation.catalog),
        blocking=plan.blocking,
        data_bytes=len(plan.assets.get(DATA_FILE, b"")),
    )


def normalise_base_url(value: str | None) -> str | None:
    """``value`` ending in ``/``; ConfigError unless it is http(s) or an absolute path."""
    if value is None or value == "":
        return None
    parts = urlsplit(value)
    absolute = parts.scheme.lower() in ("http", "https") and bool(parts.netloc)
    path_only = not parts.scheme and not parts.netloc and value.startswith("/")
    if not (absolute or path_only) or any(c.isspace() or ord(c) < 0x20 for c in value):
        raise ConfigError(
            f"--base-url {value!r} must be an http(s) URL or a path starting with '/', "
            "e.g. https://example.github.io/registry/"
        )
    return value if value.endswith("/") else value + "/"


def _freeze() -> None:
    # The evaluation and the plan live until the end of the build: kept out of
    # the cyclic collector's scans (a full one over 100,000 entities takes a
    # second, and planning would trigger several), and out of the memory pages
    # a forked worker would otherwise copy when the collector touched them.
    gc.freeze()


# -- plan ---------------------------------------------------------------------------


class _Refs:
    """How every page names an entity by id: its name and its page, computed once per id."""

    def __init__(self, evaluation: Evaluation) -> None:
        self.catalog = evaluation.catalog
        self.cache: dict[str, Ref] = {}

    def has_page(self, entity_id: str) -> bool:
        return bool(ID_PAGE.fullmatch(entity_id)) and entity_id in self.catalog.by_id

    def __call__(self, entity_id: str) -> Ref:
        found = self.cache.get(entity_id)
        if found is None:
            target = self.catalog.get(entity_id)
            name = target.get("name") if target is not None else None
            found = self.cache[entity_id] = Ref(
                id=entity_id,
                label=name if isinstance(name, str) and name else entity_id,
                path=entity_path(entity_id) if self.has_page(entity_id) else None,
                kind=target.kind if target is not None else None,
            )
        return found

    def path(self, entity_id: str) -> str | None:
        return self(entity_id).path


def open_repository(layout: Layout) -> GitView | None:
    """The git repository holding the registry, or None outside git."""
    from itam.gitsource import GitView  # GitPython costs ~70 ms to import

    try:
        return GitView(layout.root)
    except ConfigError:
        return None


def head_commit(view: GitView | None) -> str | None:
    """The commit HEAD names, or None outside git or before the first commit."""
    if view is None:
        return None
    try:
        return view.head().hexsha
    except ConfigError:
        return None


@contextmanager
def _repository(layout: Layout, at: str | None) -> Iterator[GitView | None]:
    """The registry's repository, open for the block; None outside git,
    unless --at needs one."""
    view = open_repository(layout)
    if view is None:
        if at is not None:
            raise ConfigError(f"{layout.root} is not inside a git repository; --at needs one")
        yield None
        return
    with view:
        yield view


def groundwork(
    layout: Layout,
    evaluation: Evaluation,
    view: GitView | None,
    at: str | None,
    base_url: str | None,
) -> Groundwork:
    """The site's facts and everything an entity page is drawn from; ``view``
    is the registry's repository (None outside git)."""
    env = templates.environment(layout.root)
    commit, history = None, {}
    if view is not None:
        commit = head_commit(view) if at is None else evaluation.label
        history = read_history(view, at)
    site = SiteInfo(
        title=SITE_TITLE,
        commit=commit,
        work_tree=at is None,
        policy_digest=evaluation.policy_digest,
        as_of=evaluation.as_of.isoformat(),
        base_url=base_url,
        entities=len(evaluation.catalog),
    )
    facts = schema_facts(evaluation.schemas)
    ref_for = _Refs(evaluation)
    entities = [
        e
        for e in evaluation.catalog
        if e.id is not None and ref_for.has_page(e.id) and evaluation.catalog.by_id[e.id] is e
    ]
    entity_pages = EntityPages(
        env,
        site,
        evaluation,
        References(evaluation.catalog, facts.references),
        history,
        bool(history) or commit is not None,
        catalogue(evaluation.policy),
        ref_for,
    )
    return Groundwork(layout.root, site, env, ref_for, entities, entity_pages)


def make_plan(ground: Groundwork, evaluation: Evaluation, emit: Callable[[Planned], None]) -> Plan:
    """Every page but the entity pages, each given to ``emit`` as soon as it
    is planned (so that its view can go once it is written), and every asset."""
    ref_for = ground.ref_for
    rows = inventory.rows(evaluation, ref_for)
    locations = Locations(evaluation.catalog)
    assets: dict[str, bytes] = {}
    tables = _reports(evaluation, ref_for, emit, assets)
    links = [reportpages.report_link(table) for table in tables.values()]
    home = dashboard.home_view(
        evaluation,
        rows,
        locations,
        links,
        tables,
    )
    del tables  # the report pages are written: only their links are left to show
    emit(Planned(Page("index.html", "Overview", "home"), "index.html", home))
    for page in _inventory_pages(rows, locations, ref_for, evaluation.as_of):
        emit(page)
    emit(
        Planned(
            Page("reports/index.html", "Reports", "reports"),
            "reports_index.html",
            ReportsIndexView(
                tuple(links),
                "" if links else "No reports are available in this version of itam.",
            ),
        )
    )
    emit(
        Planned(
            Page("rules.html", "Rules", "rules"),
            "rules.html",
            rulespage.rules_view(evaluation, ground.entity_pages.rules),
        )
    )
    for name, data in templates.static_files(ground.root).items():
        assets[f"{ASSETS}/{name}"] = compact.shipped(name, data)
    assets[DATA_FILE] = datafile.script(datafile.data(rows, locations, ref_for, evaluation.as_of))
    assets[publish.MARKER] = publish.MARKER_TEXT.encode()
    return Plan(
        assets=dict(sorted(assets.items())),
        blocking=sum(1 for f in evaluation.findings if f.blocking),
    )


def _reports(
    evaluation: Evaluation,
    ref_for: _Refs,
    emit: Callable[[Planned], None],
    assets: dict[str, bytes],
) -> dict[str, Table]:
    """Every report, built once: a page and a CSV each, and the tables by name
    (the dashboard reads its figures from them)."""
    from itam.reports import REPORTS
    from itam.reports.render import to_csv

    built = {}
    for spec in REPORTS.values():
        table = spec.build(evaluation)
        link = reportpages.report_link(table)
        csv = f"reports/{table.name}.csv"
        view = reportpages.report_view(table, ref_for.path, limit=REPORT_ROWS, csv=csv)
        emit(Planned(Page(link.path, table.title, "reports"), "report.html", view))
        assets[csv] = to_csv(table).encode("utf-8")
        built[spec.name] = table
    return built


def _inventory_pages(
    rows: list[inventory.Row], locations: Locations, ref_for: _Refs, as_of: dt.date
) -> Iterator[Planned]:
    # One page at a time: at 100,000 rows their HTML together is tens of megabytes.
    size = inventory.STATIC_PAGE_ROWS
    count = max(1, -(-len(rows) // size))
    static = tuple(f"inventory/page-{n}.html" for n in range(1, count + 1))
    yield Planned(
        Page("inventory/index.html", "Inventory", "inventory"),
        "inventory.html",
        InventoryView(
            columns=inventory.COLUMNS,
            body=inventory.rows_html(rows[: inventory.FIRST_ROWS], "../", as_of),
            shown=min(len(rows), inventory.FIRST_ROWS),
            total=len(rows),
            filters=inventory.filters(rows, locations, ref_for),
            static_pages=static,
            page_size=inventory.FIRST_ROWS,
        ),
    )
    for number, path in enumerate(static, start=1):
        chunk = rows[(number - 1) * size : number * size]
        first = (number - 1) * size + 1
        yield Planned(
            Page(path, f"Inventory, page {number} of {count}", "inventory"),
            "inventory_page.html",
            InventoryPageView(
                columns=inventory.COLUMNS,
                body=inventory.rows_html(chunk, "../", as_of),
                number=number,
                count=count,
                first=first if chunk else 0,
                last=first + len(chunk) - 1,
                total=len(rows),
            ),
        )


# -- write ----------------------------------------------------------------------------


_NEW_FILE = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC | os.O_NOFOLLOW


def _save(path: Path, text: str) -> None:
    # Into the build's own new folder: O_EXCL, nothing there to follow or
    # replace. Three system calls a file; at 100,000 pages they add up.
    data = memoryview(utf8(text))
    handle = os.open(path, _NEW_FILE, 0o644)
    try:
        while data:
            data = data[os.write(handle, data) :]
    finally:
        os.close(handle)


class _PageWriter:
    """Renders and saves each page ``make_plan`` gives it, at once, and counts them."""

    def __init__(self, ground: Groundwork, folder: Path) -> None:
        self.env = ground.env
        self.site = ground.site
        self.folder = folder
        self.written = 0

    def __call__(self, planned: Planned) -> None:
        template = self.env.get_template(planned.template)
        html = template.render(site=self.site, page=planned.page, view=planned.view)
        target = self.folder / planned.page.path
        target.parent.mkdir(exist_ok=True)
        _save(target, html)
        self.written += 1


def write_assets(plan: Plan, folder: Path) -> None:
    """Write every asset of ``plan`` under ``folder``."""
    for path, data in plan.assets.items():
        target = folder / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)


@dataclass(frozen=True, slots=True)
class _Job:
    """The entity pages to write, inherited by forked helpers."""

    pages: EntityPages
    entities: list[Entity]
    folder: Path
    claimed: Any  # the next entity no process has taken, shared: multiprocessing.Value


_JOB: _Job | None = None
"""Set just before the helpers are forked, for them to inherit."""


def _drain() -> int:
    """Take the next chunk of entity pages and write it, until none is left;
    return how many this process wrote. Every helper runs it from the start,
    this process once it has written the rest of the site: no one waits on a
    share fixed in advance."""
    job = _JOB
    assert job is not None
    total = len(job.entities)
    written = 0
    while True:
        with job.claimed.get_lock():
            start = job.claimed.value
            end = min(start + CHUNK, total)
            job.claimed.value = end
        if start >= end:
            return written
        for entity in job.entities[start:end]:
            path, html = job.pages.render(entity)
            _save(job.folder / path, html)
        written += end - start


class _Alone:
    """``multiprocessing.Value``'s interface for a build without helpers."""

    def __init__(self) -> None:
        self.value = 0

    def get_lock(self) -> AbstractContextManager[None]:
        return nullcontext()


def _helper(results: Connection) -> None:
    """A forked helper: ``_drain``, then what it wrote or the error it met, sent back."""
    # Ctrl-C reaches the whole process group; the parent alone stops the helpers.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        answer: tuple[str, Any] = ("written", _drain())
    except BaseException as exc:  # every error goes back to the parent
        answer = ("error", exc)
    try:
        results.send(answer)
    except Exception:  # an error that does not pickle: its text then
        results.send(("error", RuntimeError(repr(answer[1]))))
    finally:
        results.close()


class _EntityWriter:
    """Writes every entity page under ``folder``: helpers forked on entering
    (for a large registry; each inherits the evaluation and the compiled
    templates instead of receiving them) start at once, and this process joins
    them when the block ends, having written the rest of the site meanwhile.
    Two processes on two cores, rather than a pool of two beside this one:
    each forked helper copies the memory of every entity it draws (reading an
    object writes its reference count), so one fewer helper is a third of a
    gigabyte less at 100,000 entities. A helper that dies (killed, out of
    memory) fails the build: nothing waits for it forever."""

    def __init__(self, ground: Groundwork, folder: Path, workers: int) -> None:
        self.ground = ground
        self.folder = folder
        self.helpers = min(workers, os.cpu_count() or 1) - 1
        self.running: list[tuple[multiprocessing.process.BaseProcess, Connection]] = []

    def __enter__(self) -> _EntityWriter:
        global _JOB
        (self.folder / "entities").mkdir(exist_ok=True)
        total = len(self.ground.entities)
        parallel = (
            total >= POOL_MIN_PAGES
            and self.helpers >= 1
            and "fork" in multiprocessing.get_all_start_methods()
        )
        context = multiprocessing.get_context("fork") if parallel else None
        claimed = context.Value("q", 0) if context is not None else _Alone()
        _JOB = _Job(self.ground.entity_pages, self.ground.entities, self.folder, claimed)
        if context is not None:
            for _ in range(self.helpers):
                mine, theirs = context.Pipe(duplex=False)
                process = context.Process(target=_helper, args=(theirs,), daemon=True)
                process.start()
                theirs.close()  # so that a helper's death reads as the end of its pipe
                self.running.append((process, mine))
        return self

    def __exit__(self, kind: type[BaseException] | None, *_: object) -> None:
        global _JOB
        try:
            if kind is None:
                written = _drain() + sum(self._wait(p, pipe) for p, pipe in self.running)
                assert written == len(self.ground.entities)
        finally:
            _JOB = None
            for process, pipe in self.running:
                if process.is_alive():  # the build failed: nothing to wait for
                    process.terminate()
                process.join()
                pipe.close()

    @staticmethod
    def _wait(process: multiprocessing.process.BaseProcess, pipe: Connection) -> int:
        """How many pages the helper wrote; its error, raised here, if it met one."""
        try:
            what, value = pipe.recv()
        except EOFError:
            process.join()
            raise RuntimeError(
                f"a process writing entity pages stopped (exit code {process.exitcode}); "
                "the previous site is left as it was"
            ) from None
        if what == "error":
            raise value
        return int(value)
