"""``itam reference import endoflife``: product files in, compact reference files out.

Every source file is read and checked before anything is written, so one bad
file leaves ``reference/`` exactly as it was. A reference file whose content
would not change is not touched at all; the others are replaced atomically.
"""

from __future__ import annotations

import stat
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from itam import files
from itam.errors import ConfigError
from itam.output import replace_file
from itam.reference import store
from itam.reference.endoflife import parse_product
from itam.reference.model import Product

SOURCE_MAX_BYTES = files.CONFIG_MAX_BYTES
"""endoflife.date's largest product file (samsung-mobile) is about 100 KB."""


@dataclass(frozen=True, slots=True)
class Outcome:
    """What the import did to one reference file."""

    path: Path
    product: str
    # "written" (new), "updated" or "unchanged".
    status: str
    detail: str


def _shown(path: Path) -> str:
    # A name with an escape sequence must not rewrite the terminal's line.
    return files.shown_name(str(path))


def _read_source(path: Path) -> bytes:
    shown = _shown(path)
    try:
        data = files.read_capped(path, SOURCE_MAX_BYTES)
    except FileNotFoundError:
        raise ConfigError("no such file", shown) from None
    except OSError as exc:
        raise ConfigError(f"cannot read: {exc.strerror or exc}", shown) from None
    if len(data) > SOURCE_MAX_BYTES:
        raise ConfigError(
            f"larger than the {SOURCE_MAX_BYTES:,} bytes a product file may be", shown
        )
    return data


def _changes(old: Product, new: Product) -> str:
    """What an import changes, for its one-line report: ``releases: 2 changed, 1 added``."""
    added = new.releases.keys() - old.releases.keys()
    removed = old.releases.keys() - new.releases.keys()
    common = new.releases.keys() & old.releases.keys()
    changed = [c for c in common if new.releases[c] != old.releases[c]]
    counts = [
        f"{len(items)} {verb}"
        for items, verb in ((changed, "changed"), (added, "added"), (removed, "removed"))
        if items
    ]
    parts = [f"releases: {', '.join(counts)}"] if counts else []
    if (old.title, old.source, old.licence) != (new.title, new.source, new.licence):
        parts.append("title, source or licence changed")
    return "; ".join(parts) or "rewritten in the current layout"


def _existing(target: Path) -> bytes | None:
    """The bytes of the reference file at ``target``, None when there is none;
    anything but a regular file there is refused, never followed or replaced."""
    try:
        info = target.lstat()
    except FileNotFoundError:
        return None
    if not stat.S_ISREG(info.st_mode):
        raise ConfigError(
            "exists and is not a regular file (a link, folder or device); remove it first",
            _shown(target),
        )
    try:
        return files.read_capped(target, files.CONFIG_MAX_BYTES)
    except OSError as exc:
        raise ConfigError(f"cannot read: {exc.strerror or exc}", _shown(target)) from None


def _output_folder(folder: Path) -> None:
    if folder.is_symlink() and not folder.is_dir():
        raise ConfigError("is a broken symbolic link, not a folder", _shown(folder))
    if folder.exists() and not folder.is_dir():
        raise ConfigError("is not a folder", _shown(folder))
    if not folder.exists():
        if not folder.parent.is_dir():
            raise ConfigError("cannot create it: its parent is not a folder", _shown(folder))
        folder.mkdir()


def import_endoflife(
    sources: Sequence[Path], folder: Path, root: Path | None = None
) -> list[Outcome]:
    """Import endoflife.date product files into reference files in ``folder``.

    A product's id is its file's stem, as on endoflife.date
    (``products/windows.md`` is ``windows``). Raises ConfigError, before
    writing anything, for a file that cannot be read or is not a product file,
    two files of one product, or (with ``root``) a ``folder`` that leads
    outside ``root`` through a symbolic link.
    """
    products: dict[str, Product] = {}
    for path in sources:
        product = parse_product(_read_source(path), _shown(path), path.stem)
        if product.id in products:
            raise ConfigError(f"a second file of product {product.id!r}", _shown(path))
        products[product.id] = product
    _output_folder(folder)
    if root is not None and not folder.resolve().is_relative_to(root.resolve()):
        raise ConfigError(f"is a link to a place outside {root}", _shown(folder))
    planned: list[tuple[Outcome, bytes | None]] = []
    for product_id, product in sorted(products.items()):
        target = folder / f"{product_id}.yaml"
        new = store.render(product)
        # What is written must read back as what was imported.
        if store.parse(new, target.name) != product:
            raise ConfigError("internal error: the file does not read back", _shown(target))
        old = _existing(target)
        if old == new:
            planned.append((Outcome(target, product_id, "unchanged", ""), None))
            continue
        if old is None:
            detail = f"{len(product.releases)} releases"
            planned.append((Outcome(target, product_id, "written", detail), new))
            continue
        try:
            detail = _changes(store.parse(old, target.name), product)
        except ConfigError:
            detail = "replaced a file that was not a valid reference file"
        planned.append((Outcome(target, product_id, "updated", detail), new))
    for outcome, data in planned:
        if data is not None:
            try:
                replace_file(outcome.path, data)
            except OSError as exc:
                raise ConfigError(
                    f"cannot write: {exc.strerror or exc}", _shown(outcome.path)
                ) from None
    return [outcome for outcome, _ in planned]
