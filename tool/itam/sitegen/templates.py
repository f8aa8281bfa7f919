"""Where the site's templates and static files come from, and the one Jinja environment.

An organisation customises its site in its own registry repository: a file
in ``<root>/site/templates/`` or ``<root>/site/static/`` replaces the one of
the same name that ships with itam (``site/`` of this project), file by file,
so a changed ``base.html`` or ``site.css`` is all it takes. Templates are read
like any other configuration file (``itam.files.read_config``): no symbolic
link out of the root, no pipe, no file over 1 MiB.

Templates are code of the repository, reviewed like its workflows and run
only from it: entity data never becomes template source. The environment
autoescapes everything and fails on any undefined name instead of printing
nothing. It is not sandboxed: Jinja's sandbox checks every attribute access
and doubled the time to render an entity page (1 ms to 2 ms), which at
100,000 pages is 100 s, while a template able to escape it can only come
from a commit of the registry itself, where the tool's own code lives too.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from jinja2 import (
    BaseLoader,
    Environment,
    StrictUndefined,
    TemplateError,
    TemplateNotFound,
    TemplateSyntaxError,
)

from itam import files
from itam.errors import ConfigError
from itam.sitegen import filters, markup

PROJECT = Path(__file__).resolve().parents[3]
"""The itam project holding the default templates (``site/``)."""

SITE_FOLDER = "site"
TEMPLATES = "templates"
STATIC = "static"


@dataclass(frozen=True, slots=True)
class Source:
    """One place templates and static files may come from: a folder and the
    root that it must stay inside."""

    root: Path
    folder: Path


def sources(root: Path) -> list[Source]:
    """The registry's own ``site/`` first, then the project's; each only if it exists."""
    found: list[Source] = []
    for base in (root, PROJECT):
        folder = base / SITE_FOLDER
        if folder.is_dir() and all(s.folder.resolve() != folder.resolve() for s in found):
            found.append(Source(base.resolve(), folder))
    if not found:
        raise ConfigError(f"no site/ folder with templates in {root} or in {PROJECT}")
    return found


class _Loader(BaseLoader):
    """Templates by name from the first source that has them, read safely."""

    def __init__(self, places: list[Source]) -> None:
        self.places = places

    def get_source(
        self, environment: Environment, template: str
    ) -> tuple[str, str | None, Callable[[], bool] | None]:
        parts = template.split("/")
        if any(part in ("", ".", "..") or part.startswith(".") for part in parts):
            raise TemplateNotFound(template)
        for place in self.places:
            path = place.folder.joinpath(TEMPLATES, *parts)
            if path.is_file() or path.is_symlink():
                data = files.read_config(path, place.root)
                try:
                    text = data.decode("utf-8")
                except UnicodeDecodeError:
                    raise ConfigError(
                        "a template must be UTF-8 text", path.relative_to(place.root).as_posix()
                    ) from None
                return text, str(path), lambda: True
        raise TemplateNotFound(template)


PAGES = (
    "index.html",
    "inventory.html",
    "inventory_page.html",
    "entity.html",
    "report.html",
    "reports_index.html",
    "rules.html",
)
"""The template of each page type; all are compiled before anything is written."""


def environment(root: Path) -> Environment:
    """The site's Jinja environment for the registry at ``root``, every page
    template compiled; a template that does not compile is a ConfigError."""
    with template_errors():
        return _environment(root)


@contextmanager
def template_errors() -> Iterator[None]:
    """Turn a broken template (syntax, an unknown name, a missing file) into a
    ConfigError naming it, so that a customised site fails with exit 2, not a traceback."""
    try:
        yield
    except TemplateSyntaxError as exc:
        raise ConfigError(f"template error: {exc.message}", exc.filename, exc.lineno) from None
    except TemplateError as exc:
        raise ConfigError(f"template error: {exc}") from None


def _environment(root: Path) -> Environment:
    env = Environment(
        loader=_Loader(sources(root)),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,
        cache_size=-1,
    )
    filters.register(env)
    env.filters.update(markup.FILTERS)
    # The shared macros and partials as globals, built once: an `{% import %}`
    # in each template would rebuild them for every one of 100,000 pages.
    env.globals["m"] = env.get_template("_macros.html").module
    env.globals["partials"] = env.get_template("_partials.html").module
    for name in PAGES:
        env.get_template(name)
    return env


def static_files(root: Path) -> dict[str, bytes]:
    """Every file of ``site/static/`` by name (its path below that folder);
    the registry's own replace the project's of the same name."""
    found: dict[str, bytes] = {}
    for place in reversed(sources(root)):
        folder = place.folder / STATIC
        if not folder.is_dir():
            continue
        for source in files.config_files(place.root, folder, lambda _name: True):
            name = Path(source.path).relative_to(folder).as_posix()
            found[name] = files.read_config(source.path, place.root)
    return dict(sorted(found.items()))
