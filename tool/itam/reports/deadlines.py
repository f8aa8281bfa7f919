"""Dates that draw near: what the warranty and end-of-life reports share.

Both list the assets their rules cover whose date (warranty end, end of life)
falls within a lead time ahead, or has passed. The scope and the lead time
are the policy's, read from the rules that run the same checks, so that a
report lists an asset as coming up exactly when ``itam validate`` warns
about it:

* covered are the entities any rule running either check selects (a policy
  may run one check under several ids, each with its own scope);
* an asset's lead time is the longest ``within_days`` of the rules running
  the warning check that select it (the rule that warns first); an asset
  only the "passed" rules cover has none, and is listed once its date has
  passed;
* when the policy runs neither check, the entities in a state of the given
  classes are covered, and when it runs no warning check, the check's own
  default lead time stands in: the report still shows what draws near.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from itam.checks import CHECKS
from itam.reports.scope import flags, in_classes
from itam.reports.values import identity, iso, text

if TYPE_CHECKING:
    from itam.derive import Derived
    from itam.entities import Entity
    from itam.evaluation import Evaluation

WINDOW = "within_days"


@dataclass(frozen=True, slots=True)
class Deadline:
    """One kind of date a report watches, and the checks that judge it."""

    warns: str  # the check that warns ahead: warranty.expiring
    passed: str  # the check for a date passed in service: warranty.expired-in-service
    classes: tuple[str, ...]  # covered when the policy runs neither check
    date: Callable[[Derived], dt.date | None]


@dataclass(frozen=True, slots=True)
class Due:
    """A covered asset whose date is within its lead time, or passed."""

    entity: Entity
    derived: Derived
    date: dt.date
    days_left: int  # negative: passed


def due_row(
    evaluation: Evaluation, due: Due, date_key: str, source: str | None, rules: str
) -> dict[str, Any]:
    """The row of an asset coming up or past: who and where it is, its date
    as ``date_key`` and where that came from (``source``), the days left, and
    the finding of the rules whose ids start with ``rules`` on it."""
    entity = due.entity
    return {
        **identity(entity),
        "status": text(entity.get("status")),
        "model": text(entity.get("model")),
        "location": text(entity.get("location")),
        "owner": text(entity.get("owner")),
        date_key: iso(due.date),
        "source": source,
        "days_left": due.days_left,
        **flags(evaluation, entity.id, (rules,)),
    }


@dataclass(frozen=True, slots=True)
class Listing:
    """What a deadline report shows: assets coming up, assets past, the lead times."""

    coming: list[Due]
    passed: list[Due]
    windows: tuple[int, ...]  # the distinct lead times in force, shortest first

    def window_text(self) -> str:
        """``"within 90 days"``, or the range when rules differ."""
        if not self.windows:
            return "within their lead time"
        low, high = self.windows[0], self.windows[-1]
        if low == high:
            return f"within {low} days"
        return f"within their rules' lead time ({low} to {high} days)"


def _default_window(check: str) -> int:
    found = CHECKS.get(check)
    return int(found.defaults().get(WINDOW, 0)) if found is not None else 0


def _scope(evaluation: Evaluation, deadline: Deadline) -> tuple[list[Entity], dict[int, int]]:
    """Covered entities in file order, and each one's lead time (by ``id()``)."""
    rules = [r for r in evaluation.policy.rules if r.check in (deadline.warns, deadline.passed)]
    context = evaluation.context
    if not rules:
        default = _default_window(deadline.warns)
        chosen = [e for e in evaluation.catalog if in_classes(evaluation, e, deadline.classes)]
        return chosen, {id(e): default for e in chosen}
    seen: dict[int, Entity] = {}
    windows: dict[int, int] = {}
    warners = [r for r in rules if r.check == deadline.warns]
    for rule in rules:
        for entity in context.select(rule):
            seen.setdefault(id(entity), entity)
    for rule in warners:
        within = int(rule.params[WINDOW])
        for entity in context.select(rule):
            windows[id(entity)] = max(windows.get(id(entity), within), within)
    if not warners:
        default = _default_window(deadline.warns)
        windows = dict.fromkeys(seen, default)
    return sorted(seen.values(), key=lambda e: e.file), windows


def listing(evaluation: Evaluation, deadline: Deadline) -> Listing:
    """The covered assets whose date is within their lead time or has passed."""
    entities, windows = _scope(evaluation, deadline)
    coming: list[Due] = []
    passed: list[Due] = []
    for entity in entities:
        derived = evaluation.derived(entity)
        day = deadline.date(derived)
        if day is None:
            continue
        left = (day - evaluation.as_of).days
        if left < 0:
            passed.append(Due(entity, derived, day, left))
        elif id(entity) in windows and left <= windows[id(entity)]:
            coming.append(Due(entity, derived, day, left))
    return Listing(coming, passed, tuple(sorted(set(windows.values()))))
