"""The GitHub workflows and the pre-commit hook that ship with the registry.

Every workflow is valid against the GitHub workflow schema vendored by
check-jsonschema, grants no permission by default, bounds every job's time,
pins every action to a commit and cancels superseded runs. The pull-request
workflow has the whole history (the merge base must be in the clone) and
runs ``itam validate --base``; the nightly one runs on a schedule.
"""

from __future__ import annotations

import importlib.resources
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.conftest import PROJECT

WORKFLOWS = PROJECT / ".github" / "workflows"
WORKFLOW_FILES = sorted([*WORKFLOWS.glob("*.yaml"), *WORKFLOWS.glob("*.yml")])
PINNED = re.compile(r"^[A-Za-z0-9_.-]+/[A-Za-z0-9_./-]+@[0-9a-f]{40}$")


def load_workflow(path: Path) -> dict[str, Any]:
    """The workflow as GitHub reads it: under YAML 1.1 the key ``on`` is True."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(data, dict), f"{path.name} is not a mapping"
    if True in data:
        assert "on" not in data, f"{path.name} has both `on` and a key read as true"
        data["on"] = data.pop(True)
    return data


def triggers(workflow: dict[str, Any]) -> dict[str, Any]:
    """The ``on:`` block as a mapping, whichever of its three forms is used."""
    on = workflow["on"]
    if isinstance(on, str):
        return {on: None}
    if isinstance(on, list):
        return dict.fromkeys(on)
    assert isinstance(on, dict)
    return on


def steps(workflow: dict[str, Any]) -> Iterator[dict[str, Any]]:
    for job in workflow["jobs"].values():
        yield from job.get("steps", [])


def run_scripts(workflow: dict[str, Any]) -> list[str]:
    return [step["run"] for step in steps(workflow) if "run" in step]


@pytest.fixture(scope="module")
def workflow_schema() -> dict[str, Any]:
    vendor = importlib.resources.files("check_jsonschema.builtin_schemas.vendor")
    schema: dict[str, Any] = json.loads(
        (vendor / "github-workflows.json").read_text(encoding="utf-8")
    )
    return schema


@pytest.fixture(scope="module")
def workflows() -> dict[str, dict[str, Any]]:
    return {path.name: load_workflow(path) for path in WORKFLOW_FILES}


def by_trigger(workflows: dict[str, dict[str, Any]], event: str) -> dict[str, dict[str, Any]]:
    return {name: w for name, w in workflows.items() if event in triggers(w)}


def test_there_are_workflows() -> None:
    names = {path.name for path in WORKFLOW_FILES}
    assert len(names) >= 2
    assert all(path.suffix == ".yaml" for path in WORKFLOW_FILES), "one extension: .yaml"


@pytest.mark.parametrize("path", WORKFLOW_FILES, ids=lambda p: p.name)
def test_workflow_is_valid_against_the_github_schema(
    path: Path, workflow_schema: dict[str, Any]
) -> None:
    from jsonschema.validators import validator_for

    cls = validator_for(workflow_schema)
    cls.check_schema(workflow_schema)
    errors = sorted(
        cls(workflow_schema).iter_errors(load_workflow(path)), key=lambda e: list(e.absolute_path)
    )
    assert errors == [], "\n".join(f"{list(e.absolute_path)}: {e.message}" for e in errors)


def test_the_schema_check_catches_a_broken_workflow(workflow_schema: dict[str, Any]) -> None:
    from jsonschema.validators import validator_for

    broken: dict[str, Any] = {
        "on": "pull_request",
        "jobs": {"x": {"runs-on": "ubuntu-latest", "stepz": []}},
    }
    assert list(validator_for(workflow_schema)(workflow_schema).iter_errors(broken))


@pytest.mark.parametrize("path", WORKFLOW_FILES, ids=lambda p: p.name)
def test_workflow_grants_no_permissions_by_default(path: Path) -> None:
    workflow = load_workflow(path)
    assert workflow.get("permissions") == {}, "set top-level `permissions: {}`"
    for name, job in workflow["jobs"].items():
        granted = job.get("permissions", {})
        assert isinstance(granted, dict), f"job {name}: name each permission"
        if (path.name, name) in DEPLOYERS:
            # Publishing needs exactly these, in the one job that publishes,
            # which runs no code of the repository.
            assert granted == DEPLOYERS[path.name, name], f"job {name}: {granted}"
            assert "run" not in str(job.get("steps")), f"job {name} runs commands"
            continue
        assert set(granted.values()) <= {"read", "none"}, f"job {name} writes: {granted}"


# The only job allowed to write: GitHub Pages' deployment.
DEPLOYERS = {("pages.yaml", "deploy"): {"pages": "write", "id-token": "write"}}


@pytest.mark.parametrize("path", WORKFLOW_FILES, ids=lambda p: p.name)
def test_every_job_has_a_timeout(path: Path) -> None:
    for name, job in load_workflow(path)["jobs"].items():
        timeout = job.get("timeout-minutes")
        assert isinstance(timeout, int), f"job {name} lacks timeout-minutes"
        assert 0 < timeout <= 60, f"job {name}: timeout-minutes {timeout}"


@pytest.mark.parametrize("path", WORKFLOW_FILES, ids=lambda p: p.name)
def test_every_action_is_pinned_to_a_commit(path: Path) -> None:
    workflow = load_workflow(path)
    uses = [step["uses"] for step in steps(workflow) if "uses" in step]
    uses += [job["uses"] for job in workflow["jobs"].values() if "uses" in job]
    for ref in uses:
        assert PINNED.fullmatch(ref), f"{ref!r} is not pinned to a 40-hex commit"


@pytest.mark.parametrize("path", WORKFLOW_FILES, ids=lambda p: p.name)
def test_superseded_runs_are_cancelled(path: Path) -> None:
    workflow = load_workflow(path)
    concurrency = workflow.get("concurrency")
    assert isinstance(concurrency, dict), "set a top-level concurrency group"
    assert concurrency.get("group")
    assert concurrency.get("cancel-in-progress") is True


@pytest.mark.parametrize("path", WORKFLOW_FILES, ids=lambda p: p.name)
def test_checkouts_do_not_keep_credentials(path: Path) -> None:
    for step in steps(load_workflow(path)):
        if str(step.get("uses", "")).startswith("actions/checkout@"):
            assert step.get("with", {}).get("persist-credentials") is False


@pytest.mark.parametrize("path", WORKFLOW_FILES, ids=lambda p: p.name)
def test_no_expression_is_pasted_into_a_shell_script(path: Path) -> None:
    # ${{ github.base_ref }} inside `run:` is script injection; pass it through env.
    for script in run_scripts(load_workflow(path)):
        assert "${{" not in script, script


def test_the_pull_request_workflow_validates_the_change_against_its_base(
    workflows: dict[str, dict[str, Any]],
) -> None:
    judging = {
        name: w
        for name, w in by_trigger(workflows, "pull_request").items()
        if any("itam validate --base" in script for script in run_scripts(w))
    }
    assert judging, "no pull-request workflow runs `itam validate --base`"
    for name, workflow in judging.items():
        all_steps = list(steps(workflow))
        checkouts = [
            i
            for i, s in enumerate(all_steps)
            if str(s.get("uses", "")).startswith("actions/checkout@")
        ]
        assert checkouts, f"{name} does not check out"
        for index in checkouts:
            assert all_steps[index].get("with", {}).get("fetch-depth") == 0, (
                f"{name}: the merge base must be in the clone (fetch-depth: 0)"
            )
        validating = [
            i for i, s in enumerate(all_steps) if "itam validate --base" in s.get("run", "")
        ]
        assert min(checkouts) < min(validating)
        scripts = " ".join(run_scripts(workflow))
        assert "--format github" in scripts
        assert '--also "markdown:' in scripts
        assert "GITHUB_STEP_SUMMARY" in scripts
        # One evaluation writes the annotations and the summary.
        assert scripts.count("itam validate") == 1
        assert _restores_the_cache(workflow), f"{name} does not restore .itam-cache"


def _restores_the_cache(workflow: dict[str, Any]) -> bool:
    return any(
        str(s.get("uses", "")).startswith("actions/cache@")
        and s.get("with", {}).get("path") == ".itam-cache"
        for s in steps(workflow)
    )


def test_the_nightly_workflow_runs_on_a_schedule(workflows: dict[str, dict[str, Any]]) -> None:
    scheduled = by_trigger(workflows, "schedule")
    assert scheduled, "no workflow has a schedule"
    for name, workflow in scheduled.items():
        schedule = triggers(workflow)["schedule"]
        assert isinstance(schedule, list)
        assert schedule
        for entry in schedule:
            assert len(str(entry["cron"]).split()) == 5, f"{name}: {entry}"
        scripts = run_scripts(workflow)
        assert any("itam validate" in s for s in scripts)
        assert not any("--base" in s for s in scripts), "nightly judges the whole registry"
        assert " ".join(scripts).count("itam validate") == 1
        assert _restores_the_cache(workflow), f"{name} does not restore .itam-cache"
    assert "nightly.yaml" in scheduled


# --- pre-commit --------------------------------------------------------------


def test_pre_commit_hook_runs_itam_validate() -> None:
    hooks = yaml.safe_load((PROJECT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert isinstance(hooks, list)
    assert hooks
    for hook in hooks:
        assert isinstance(hook, dict)
        assert {"id", "name", "entry", "language"} <= hook.keys()
    (hook,) = [h for h in hooks if str(h["entry"]).split()[:2] == ["itam", "validate"]]
    assert hook["entry"] == "itam validate"
    assert hook["language"] == "python"
    assert hook.get("pass_filenames") is False  # the whole registry is read anyway
    files = re.compile(hook["files"])
    assert files.search("registry/hardware/laptops/LT-0001.yaml")
    assert files.search("schemas/kinds/laptop.schema.json")
    assert files.search("policies/lifecycle.yaml")
    assert not files.search("README.md")
    assert not files.search("tool/itam/cli.py")
