"""A change cannot switch off the rules it is judged by (issue 8, point 4).

In pull-request mode the change rules run under the base revision's policies
as well as the head's, a finding under either blocks, and every edit of
policies/ or schemas/ is reported as ``policy.changed`` for reviewers.
"""

from __future__ import annotations

from pathlib import Path

from tests.conftest import LT1, LT10, Validate, edit, findings, git

CHANGES = "policies/changes.yaml"
LIFECYCLE = "policies/lifecycle.yaml"


def _branch(root: Path) -> None:
    git(root, "checkout", "--quiet", "-b", "change")


def _commit(root: Path) -> None:
    git(root, "add", "--all")
    git(root, "commit", "--quiet", "-m", "change")


def test_deleting_an_asset_and_its_rule_together_is_blocked(
    registry: Path, validate: Validate
) -> None:
    _branch(registry)
    (registry / LT10).unlink()
    text = (registry / CHANGES).read_text(encoding="utf-8")
    start = text.index("  - id: entity.deleted")
    end = text.index("  - id: entity.id-changed")
    (registry / CHANGES).write_text(text[:start] + text[end:], encoding="utf-8")
    _commit(registry)
    result = validate(registry, "--base", "main", "--format", "json")
    assert result.exit_code == 1, str(result)
    deleted = findings(result, "entity.deleted", "LT-0010")
    assert [f["change"] for f in deleted] == ["new"], str(result)
    (changed,) = findings(result, "policy.changed")
    assert changed["file"] == CHANGES
    assert "removes rule entity.deleted" in changed["message"]
    assert changed["severity"] == "warning"


def test_allowing_a_transition_and_using_it_in_one_change_is_blocked(
    registry: Path, validate: Validate
) -> None:
    _branch(registry)
    edit(
        registry,
        LIFECYCLE,
        "      retired: [in-stock, disposed]\n",
        "      retired: [in-stock, disposed, deployed]\n",
    )
    edit(registry, LT10, "status: retired", "status: deployed")
    _commit(registry)
    result = validate(registry, "--base", "main", "--format", "json")
    assert result.exit_code == 1, str(result)
    assert findings(result, "lifecycle.transition", "LT-0010"), str(result)
    (changed,) = findings(result, "policy.changed")
    assert "allows retired → deployed" in changed["message"]


def test_lowering_a_severity_is_reported_as_relaxing(registry: Path, validate: Validate) -> None:
    _branch(registry)
    edit(
        registry,
        CHANGES,
        "  - id: entity.frozen\n    severity: error\n",
        "  - id: entity.frozen\n    severity: info\n",
    )
    _commit(registry)
    result = validate(registry, "--base", "main", "--format", "json")
    (changed,) = findings(result, "policy.changed")
    assert "changes entity.frozen: error → info" in changed["message"]
    assert changed["line"] is not None
    # Reported, not blocking: the change itself breaks nothing.
    assert result.exit_code == 0, str(result)


def test_a_schema_edit_is_reported_and_unchanged_rules_are_not(
    registry: Path, validate: Validate
) -> None:
    _branch(registry)
    edit(registry, LT1, "status: deployed", "status: deployed  # fine")
    _commit(registry)
    quiet = validate(registry, "--base", "main", "--format", "json")
    assert findings(quiet, "policy.changed") == []
    schema = "schemas/kinds/laptop.schema.json"
    text = (registry / schema).read_text(encoding="utf-8")
    (registry / schema).write_text(
        text.replace('"description"', '"$comment": "x", "description"', 1), encoding="utf-8"
    )
    _commit(registry)
    result = validate(registry, "--base", "main", "--format", "markdown")
    assert "policy.changed" in result.stdout
    assert schema in result.stdout
