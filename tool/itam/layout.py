"""Where a registry's parts live, and how its root is found."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from itam.errors import ConfigError

REGISTRY_FOLDER = "registry"


@dataclass(frozen=True, slots=True)
class Layout:
    """The folders of a registry repository."""

    root: Path

    @property
    def registry(self) -> Path:
        return self.root / REGISTRY_FOLDER

    @property
    def schemas(self) -> Path:
        return self.root / "schemas"

    @property
    def policies(self) -> Path:
        return self.root / "policies"

    @classmethod
    def at(cls, root: Path | None, cwd: Path | None = None) -> Layout:
        """The registry at ``root``, or the one holding ``cwd`` (see ``find_root``)."""
        if root is None:
            root = find_root(cwd or Path.cwd())
        root = root.resolve()
        if not root.is_dir():
            raise ConfigError(f"the registry root {root} is not a readable folder")
        layout = cls(root)
        if not layout.registry.is_dir():
            raise ConfigError(f"{root} is not an itam registry: it has no registry/ folder")
        for folder in (layout.registry, layout.schemas, layout.policies):
            # A folder that is a symlink out of the root would expose other files.
            if folder.exists() and root not in folder.resolve().parents:
                raise ConfigError(f"{folder.name}/ is a link to a place outside {root}")
        return layout


def find_root(start: Path) -> Path:
    """The registry holding ``start``: the nearest folder at or above it with a
    ``registry/`` folder, up to the git work tree's top; else that top.

    A registry may live in a sub-folder of a larger repository, and people run
    ``itam`` from anywhere inside it, ``registry/laptops`` included.
    """
    start = start.resolve()
    for folder in (start, *start.parents):
        if (folder / REGISTRY_FOLDER).is_dir():
            return folder
        if (folder / ".git").exists():
            return folder
    raise ConfigError(
        f"{start} is not inside a git work tree; pass --root DIR to name the registry"
    )
