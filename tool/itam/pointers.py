"""Places inside an entity: JSON pointers and the dotted paths policies write."""

from __future__ import annotations

from typing import Any


def escape(token: str) -> str:
    """One JSON pointer token (RFC 6901: ``~`` and ``/`` escaped)."""
    return token.replace("~", "~0").replace("/", "~1")


def unescape(token: str) -> str:
    """The key a JSON pointer token names: ``~1`` is ``/``, then ``~0`` is ``~`` (RFC 6901)."""
    return token.replace("~1", "/").replace("~0", "~")


def of_dotted(dotted: str) -> str:
    """The JSON pointer of a dotted path: ``purchase.cost`` → ``/purchase/cost``."""
    return "".join(f"/{escape(part)}" for part in dotted.split("."))


def get(data: Any, dotted: str) -> Any:
    """The value at a dotted path (``disposal.sanitization.method``), or None."""
    for part in dotted.split("."):
        if not isinstance(data, dict):
            return None
        data = data.get(part)
    return data
