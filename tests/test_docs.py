"""The documentation and the tool agree: help texts, the commands and options
the README and the workflows use, the rule ids the README names, and the test
command CI runs."""

from __future__ import annotations

import importlib.util
import os
import re
from collections.abc import Iterator

import click
import pytest
import yaml

from itam.cli import cli
from tests.conftest import PROJECT

README = PROJECT / "README.md"
TEST_COMMAND = "python3 dev.py test"
RULE_ID = re.compile(r"[a-z]+\.(?:\*|[a-z0-9]+(?:-[a-z0-9]+)*)")


def commands(group: click.Command = cli, path: str = "itam") -> Iterator[tuple[str, click.Command]]:
    yield path, group
    if isinstance(group, click.Group):
        for name, sub in sorted(group.commands.items()):
            yield from commands(sub, f"{path} {name}")


def readme() -> str:
    return README.read_text(encoding="utf-8")


def code_blocks(markdown: str) -> list[str]:
    return re.findall(r"^```[^\n]*\n(.*?)^```", markdown, flags=re.DOTALL | re.MULTILINE)


def inline_code(markdown: str) -> list[str]:
    prose = re.sub(r"^```[^\n]*\n.*?^```", "", markdown, flags=re.DOTALL | re.MULTILINE)
    return re.findall(r"`([^`\n]+)`", prose)


def itam_command_lines(texts: list[str]) -> list[str]:
    """Lines that run ``itam`` (also as .venv/bin/itam), from their ``itam`` on."""
    found = []
    for text in texts:
        for line in _joined_lines(text):
            match = re.search(r"(?:^|[\s/])(itam(?: .*)?)$", line.strip())
            if match and not line.lstrip().startswith("#"):
                found.append(match.group(1).split(" #")[0].strip())
    return found


def _joined_lines(text: str) -> list[str]:
    """Lines, with continuations (a trailing backslash, or an indented line of
    options under a synopsis) joined to the line they continue."""
    lines: list[str] = []
    for line in text.splitlines():
        continues = line[:1].isspace() and line.strip().startswith(("[", "-"))
        if lines and (lines[-1].endswith("\\") or continues):
            lines[-1] = lines[-1].removesuffix("\\").rstrip() + " " + line.strip()
        else:
            lines.append(line.rstrip())
    return lines


def resolve(words: list[str]) -> tuple[click.Command, list[str]]:
    """The command that ``itam WORDS`` names, and the words after it."""
    command: click.Command = cli
    rest = words
    while isinstance(command, click.Group) and rest and re.fullmatch(r"[a-z][a-z-]*", rest[0]):
        sub = command.commands.get(rest[0])
        assert sub is not None, f"no command {rest[0]!r} in {command.name}: {' '.join(words)}"
        command, rest = sub, rest[1:]
    return command, rest


def options_of(command: click.Command) -> dict[str, click.Parameter]:
    out: dict[str, click.Parameter] = {}
    for param in command.params:
        for name in (*param.opts, *param.secondary_opts):
            out[name] = param
    out["--help"] = out["-h"] = click.Option(["--help"])
    return out


def check_command_line(line: str) -> None:
    words = line.split()[1:]
    command, rest = resolve(words)
    options = options_of(command)
    for index, word in enumerate(rest):
        for option in re.findall(r"(?<![\w-])(--?[a-z][a-z-]*)", word):
            assert option in options, f"{line!r}: {command.name} has no option {option}"
            param = options[option]
            if isinstance(param.type, click.Choice) and index + 1 < len(rest):
                shown = rest[index + 1].strip("[]\"'")
                if not shown.startswith(("$", "<")):
                    for choice in shown.split("|"):
                        assert choice in param.type.choices, f"{line!r}: {option} {choice}"


# -- help texts ------------------------------------------------------------------


@pytest.mark.parametrize(("path", "command"), list(commands()), ids=[p for p, _ in commands()])
def test_every_command_has_help(path: str, command: click.Command) -> None:
    assert (command.help or "").strip(), f"{path} has no help text"
    assert command.get_short_help_str().strip(), path
    for param in command.params:
        if isinstance(param, click.Option) and not param.hidden:
            assert (param.help or "").strip(), f"{path} {param.opts[0]} has no help text"


def test_there_are_commands() -> None:
    names = {path for path, _ in commands()}
    assert {"itam validate", "itam policy", "itam policy list", "itam policy explain"} <= names


# -- commands the README and the workflows name ---------------------------------------


def test_readme_names_only_commands_that_exist() -> None:
    lines = itam_command_lines(code_blocks(readme()))
    assert any(line.startswith("itam validate") for line in lines), lines
    for line in lines:
        check_command_line(line)


def test_readme_inline_commands_exist() -> None:
    lines = [c for c in inline_code(readme()) if re.match(r"itam [a-z]", c)]
    assert lines, "the README names no itam command in its prose"
    for line in lines:
        check_command_line(line)


def test_workflows_and_hooks_use_commands_that_exist() -> None:
    texts = []
    for path in sorted((PROJECT / ".github" / "workflows").glob("*.y*ml")):
        for job in yaml.safe_load(path.read_text(encoding="utf-8"))["jobs"].values():
            texts += [step["run"] for step in job.get("steps", []) if "run" in step]
    hooks = PROJECT / ".pre-commit-hooks.yaml"
    if hooks.exists():
        texts += [hook["entry"] for hook in yaml.safe_load(hooks.read_text(encoding="utf-8"))]
    lines = itam_command_lines(texts)
    assert lines, "no workflow runs itam"
    for line in lines:
        check_command_line(line)


def test_readme_dev_commands_exist() -> None:
    used = set(re.findall(r"python3 dev\.py ([a-z]+)", readme()))
    assert {"demo", "test"} <= used
    spec = importlib.util.spec_from_file_location("dev", PROJECT / "dev.py")
    assert spec is not None
    assert spec.loader is not None
    dev = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(dev)
    for name in used:
        assert callable(getattr(dev, name, None)), f"dev.py has no command {name}"


# -- rule ids ------------------------------------------------------------------------


def readme_rule_ids() -> set[str]:
    """Rule ids in backticks in the README's tables."""
    ids: set[str] = set()
    for line in readme().splitlines():
        if line.startswith("|"):
            ids.update(c for c in re.findall(r"`([^`]+)`", line) if RULE_ID.fullmatch(c))
    return ids


def emittable_rules() -> set[str]:
    """Every rule id the tool can emit: the rule catalogue of the bundled
    policy (``tests/test_rules.py`` proves the code emits nothing else)."""
    from itam.layout import Layout
    from itam.policy.load import load_policy
    from itam.rules import catalogue
    from itam.schemas import SchemaSet

    layout = Layout(PROJECT)
    return set(catalogue(load_policy(layout, SchemaSet(layout.schemas, layout.root).kinds)))


def test_readme_rule_ids_exist() -> None:
    documented = readme_rule_ids()
    assert {"file.*", "yaml.*", "schema.*", "integrity.*"} <= documented
    known = emittable_rules()
    for rule in sorted(documented):
        prefix = rule.removesuffix("*")
        assert (
            any(k == rule or k.startswith(prefix) for k in known)
            if rule.endswith("*")
            else rule in known
        ), f"README names {rule}, which the tool cannot emit"


def test_the_rules_scan_finds_the_rules() -> None:
    # The scan above would pass vacuously if it found nothing.
    known = emittable_rules()
    for rule in (
        "yaml.duplicate-key",
        "schema.unknown-field",
        "schema.format",
        "integrity.unique-serial",
        "integrity.unique-mac",
        "file.symlink",
        "lifecycle.required-fields",
    ):
        assert rule in known, rule


def test_readme_names_every_rule_family() -> None:
    families = {rule.split(".")[0] for rule in emittable_rules()}
    documented = {rule.split(".")[0] for rule in readme_rule_ids()}
    assert families - documented == set()


def test_readme_synopsis_names_every_validate_option() -> None:
    [synopsis] = [
        line
        for line in itam_command_lines(code_blocks(readme()))
        if line.startswith("itam validate")
    ]
    command, _ = resolve(["validate"])
    for param in command.params:
        if isinstance(param, click.Option):
            assert param.opts[-1] in synopsis, param.opts[-1]
            if isinstance(param.type, click.Choice):
                for choice in param.type.choices:
                    assert choice in synopsis, choice


# -- the test command ------------------------------------------------------------


def test_ci_run_calls_the_readme_test_command() -> None:
    assert TEST_COMMAND in "\n".join(code_blocks(readme()))
    script = PROJECT / ".ci" / "run"
    lines = [
        line.strip()
        for line in script.read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.lstrip().startswith("#")
    ]
    assert any(
        re.fullmatch(rf"(exec )?{re.escape(TEST_COMMAND)}( \"\$@\")?", line) for line in lines
    ), lines
    assert os.access(script, os.X_OK), ".ci/run is not executable"
    assert script.read_text(encoding="utf-8").startswith("#!")


def test_the_ci_workflow_runs_the_test_command() -> None:
    workflow = yaml.safe_load((PROJECT / ".github" / "workflows" / "ci.yaml").read_text("utf-8"))
    runs = [step.get("run", "") for job in workflow["jobs"].values() for step in job["steps"]]
    assert any(TEST_COMMAND in run or ".ci/run" in run for run in runs), runs
