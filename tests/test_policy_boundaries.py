"""Each failing policy example fails for its own rule and nothing else.

The example harness (test_examples.py) only asks that a failing case reports
its rule. Here the policy examples (cases named ``EX-*``) must report exactly
their rule, so that the boundaries between neighbouring rules hold:

- a warranty that ends today is expiring, not expired (EX-WEXP-F3);
- an audit on the last day of its grace period is due, not overdue (EX-AUDDUE-F3);
- an end of life today is approaching, not passed (EX-EOLAPP-F5);
- a license whose term ends today needs a renewal decision, but has not
  expired in use (EX-SUBREN-F4);
- month-end and leap-day warranty arithmetic lands on the right day
  (EX-WEXP-F4, EX-WEIS-F2, EX-WEIS-F3, EX-WEIS-F5).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from tests.conftest import Result, copy_registry
from tests.test_examples import _as_of, _case_id, _cases, _install

# Cases that rightly report a second rule besides their own.
ALSO = {
    # Never retired: disposal.after-retirement, and the disposed state requires retirement.date.
    "disposal.after-retirement/EX-DISPAR-F3.yaml": {"lifecycle.required-fields"},
}


def _policy_cases() -> list[Path]:
    return [case for case in _cases("fail") if case.name.startswith("EX-")]


def test_there_are_policy_examples() -> None:
    cases = _policy_cases()
    assert len(cases) >= 17 * 2
    assert set(ALSO) <= {_case_id(c) for c in cases}


def test_each_failing_example_fails_for_its_own_rule_alone(
    tmp_path: Path, validate: Callable[..., Result]
) -> None:
    by_date: dict[str, list[Path]] = {}
    for case in _policy_cases():
        by_date.setdefault(_as_of(case), []).append(case)
    wrong = []
    for when, group in sorted(by_date.items()):
        root = copy_registry(tmp_path / f"repo-{when}", with_git=False)
        installed = {f: c for c in group for f in _install(c, root)}
        result = validate(root, "--format", "json", "--as-of", when)
        assert result.exit_code in (0, 1), str(result)
        got: dict[Path, set[str]] = {case: set() for case in group}
        for finding in result.json()["findings"]:
            if finding["file"] in installed:
                got[installed[finding["file"]]].add(finding["rule"])
        for case, rules in got.items():
            expected = {case.parent.parent.name} | ALSO.get(_case_id(case), set())
            if rules != expected:
                wrong.append(f"{_case_id(case)} as of {when}: {sorted(rules)}")
    assert not wrong, "\n".join(wrong)
