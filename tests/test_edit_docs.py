"""docs/authoring.md names only commands and options that exist, and its
examples of new, transition and audit run as shown."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

from tests.conftest import AS_OF, PROJECT, run_itam
from tests.test_docs import check_command_line, code_blocks, inline_code, itam_command_lines

AUTHORING = PROJECT / "docs" / "authoring.md"
EDITING = ("new", "transition", "audit", "fmt", "audit-session")


def doc() -> str:
    return AUTHORING.read_text(encoding="utf-8")


def _placeholder(word: str) -> bool:
    return word.isalpha() and word.isupper()


def test_the_doc_names_only_commands_and_options_that_exist() -> None:
    lines = itam_command_lines(code_blocks(doc()))
    lines += [c for c in inline_code(doc()) if re.match(r"itam [a-z]", c)]
    assert {line.split()[1] for line in lines} >= set(EDITING)
    for line in lines:
        check_command_line(line)


def test_the_examples_run_as_shown(registry: Path) -> None:
    examples = [
        line
        for line in itam_command_lines(code_blocks(doc()))
        # Examples, not the synopsis (``itam new KIND [--id ID] ...``).
        if line.split()[1] in ("new", "transition", "audit") and not _placeholder(line.split()[2])
    ]
    assert len(examples) >= 5
    for line in examples:
        words = shlex.split(line)[1:]
        result = run_itam(*words, "--root", registry, "--as-of", AS_OF)
        assert result.exit_code == 0, f"{line}\n{result}"
