"""What every policy check is: a named, self-documenting judge of entities."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, ClassVar

from itam.findings import Finding
from itam.pointers import get, of_dotted

if TYPE_CHECKING:
    from itam.policy.context import Context
    from itam.policy.model import Rule


EXAMPLES_AS_OF = "2026-11-22"
"""The date the date-dependent examples of checks (and of itam.rules) hold as of."""


class Check:
    """Base of all checks. The class docstring explains the check to people
    (``itam policy explain`` prints it); ``params`` declares its parameters as
    JSON Schema properties, each with a default and a description."""

    name: ClassVar[str]
    summary: ClassVar[str]
    params: ClassVar[dict[str, Any]] = {}
    required_params: ClassVar[tuple[str, ...]] = ()
    good_example: ClassVar[str] = ""
    bad_example: ClassVar[str] = ""
    # The date (YYYY-MM-DD) the examples hold as of, when they depend on the
    # run's date (a deadline, "in the future"); explanations show it.
    examples_as_of: ClassVar[str | None] = None
    # Change rules compare with the base of a pull request and run only then.
    needs_base: ClassVar[bool] = False
    # Whether one finding reads every entity the rule selects (one finding
    # per group of assets): such a rule is never judged on a part of them.
    reads_selection: ClassVar[bool] = False

    @classmethod
    def params_schema(cls) -> dict[str, Any]:
        return {
            "type": "object",
            "additionalProperties": False,
            "properties": cls.params,
            "required": list(cls.required_params),
        }

    @classmethod
    def defaults(cls) -> dict[str, Any]:
        return {k: v["default"] for k, v in cls.params.items() if "default" in v}

    def __init__(self, params: dict[str, Any]) -> None:
        """Read the merged parameters; a check without any has nothing to keep."""
        del params

    def run(self, ctx: Context, rule: Rule) -> Iterator[Finding]:
        raise NotImplementedError


def present(value: Any) -> bool:
    """Whether a field holds something: not missing, null, blank or empty."""
    if value is None:
        return False
    if isinstance(value, str | list | dict):
        return bool(value.strip() if isinstance(value, str) else value)
    return True


def nearest(data: Any, dotted: str, fallback: str = "/status") -> str:
    """The pointer of the deepest existing part of ``dotted``, else ``fallback``."""
    parts = dotted.split(".")
    for size in range(len(parts), 0, -1):
        if get(data, ".".join(parts[:size])) is not None:
            return of_dotted(".".join(parts[:size]))
    return fallback


def days(count: int) -> str:
    return "1 day" if abs(count) == 1 else f"{abs(count)} days"


FIELD_LIST = {"type": "array", "items": {"type": "string"}, "uniqueItems": True}
# The loader checks that every value of a parameter marked x-kinds is a kind.
KIND_LIST = {**FIELD_LIST, "x-kinds": True}


def in_days(count: int) -> str:
    """``today``, ``in 3 days`` or ``1 day ago``."""
    if count == 0:
        return "today"
    return f"in {days(count)}" if count > 0 else f"{days(count)} ago"
