"""Schemas and policies are refused as registry files are: no link out of the
root, no pipe or device, no bad name, nothing over the size cap. Each is exit
2 with the file named, never a hang and never the file's content.

Hostile cases run the installed CLI in a subprocess with a timeout, so a
regression fails the test instead of freezing or exhausting the suite.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from itam import files
from itam.errors import ConfigError
from tests.conftest import AS_OF, PROJECT, copy_registry

SECRET = "TOP-SECRET-config-5e1b"
LAPTOP = "schemas/kinds/laptop.schema.json"


def itam(*args: str | Path) -> subprocess.CompletedProcess[str]:
    """The CLI in a subprocess; a hang fails the test after 20 seconds."""
    return subprocess.run(
        [sys.executable, "-m", "itam", *map(str, args)],
        capture_output=True,
        text=True,
        timeout=20,
        cwd=PROJECT,
        check=False,
    )


def validate(root: Path) -> subprocess.CompletedProcess[str]:
    return itam("validate", "--root", root, "--as-of", AS_OF, "--format", "json")


def assert_refused(done: subprocess.CompletedProcess[str], rel: str, *needles: str) -> None:
    """Exit 2 with one line naming ``rel``, no traceback, no secret."""
    shown = done.stdout + done.stderr
    assert done.returncode == 2, shown
    assert f"itam: {rel}: " in done.stderr, shown
    for needle in needles:
        assert needle in done.stderr, shown
    assert "Traceback" not in shown
    assert "internal error" not in shown
    assert SECRET not in shown


@pytest.fixture
def root(tmp_path: Path) -> Path:
    return copy_registry(tmp_path / "repo", with_git=False)


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    """A folder beside the root with a secret in a valid schema and a valid policy."""
    folder = tmp_path / "outside"
    folder.mkdir()
    (folder / "secret.schema.json").write_text(f'{{"title": "{SECRET}", "x": }}\n')
    (folder / "secret.yaml").write_text(f"rules: {SECRET}\n")
    return folder


def test_the_bundled_copy_is_valid(root: Path) -> None:
    done = validate(root)
    assert done.returncode == 0, done.stdout + done.stderr


# -- pipes and devices ------------------------------------------------------------


@pytest.mark.parametrize(
    "rel", [LAPTOP, "schemas/kinds/tablet.schema.json", "schemas/common.schema.json"]
)
def test_a_fifo_among_the_schemas_is_refused_without_hanging(root: Path, rel: str) -> None:
    (root / rel).unlink(missing_ok=True)
    os.mkfifo(root / rel)
    assert_refused(validate(root), rel, "not a regular file")


@pytest.mark.parametrize("rel", ["policies/audit.yaml", "policies/notes.txt"])
def test_a_fifo_among_the_policies_is_refused_without_hanging(root: Path, rel: str) -> None:
    (root / rel).unlink(missing_ok=True)
    os.mkfifo(root / rel)
    assert_refused(validate(root), rel, "not a regular file")
    assert_refused(itam("policy", "list", "--root", root), rel)


def test_a_schema_linked_to_dev_zero_is_refused_unread(root: Path) -> None:
    (root / LAPTOP).unlink()
    (root / LAPTOP).symlink_to("/dev/zero")
    assert_refused(validate(root), LAPTOP, "outside")


def test_a_schema_linked_to_a_fifo_inside_the_root_is_refused(root: Path) -> None:
    os.mkfifo(root / "pipe")
    (root / LAPTOP).unlink()
    (root / LAPTOP).symlink_to(root / "pipe")
    assert_refused(validate(root), LAPTOP, "not a regular file")


# -- links out of the root ----------------------------------------------------------


def test_a_schema_linked_outside_the_root_is_refused_unread(root: Path, outside: Path) -> None:
    (root / LAPTOP).unlink()
    (root / LAPTOP).symlink_to(outside / "secret.schema.json")
    assert_refused(validate(root), LAPTOP, "outside")


def test_a_relative_link_climbing_out_is_refused(root: Path, outside: Path) -> None:
    link = root / "schemas" / "extra.schema.json"
    link.symlink_to(Path("..", "..", "outside", "secret.schema.json"))
    assert_refused(validate(root), "schemas/extra.schema.json", "outside")


def test_a_linked_schema_folder_is_refused(root: Path, outside: Path) -> None:
    (root / "schemas" / "kinds" / "more").symlink_to(outside, target_is_directory=True)
    assert_refused(validate(root), "schemas/kinds/more", "outside")


def test_a_policy_linked_outside_the_root_is_refused_unread(root: Path, outside: Path) -> None:
    (root / "policies" / "audit.yaml").unlink()
    (root / "policies" / "audit.yaml").symlink_to(outside / "secret.yaml")
    assert_refused(validate(root), "policies/audit.yaml", "outside")


def test_a_broken_link_among_the_schemas_is_refused(root: Path) -> None:
    (root / "schemas" / "gone.schema.json").symlink_to(root / "nowhere.json")
    assert_refused(validate(root), "schemas/gone.schema.json", "broken")


def test_a_link_to_a_schema_inside_the_root_is_read(root: Path) -> None:
    # As in registry/: a link that stays inside the root is an ordinary file.
    real = root / "shared" / "laptop.schema.json"
    real.parent.mkdir()
    (root / LAPTOP).rename(real)
    (root / LAPTOP).symlink_to(real)
    done = validate(root)
    assert done.returncode == 0, done.stdout + done.stderr


# -- size and names -------------------------------------------------------------------


def test_a_huge_schema_is_refused(root: Path) -> None:
    common = root / "schemas" / "common.schema.json"
    text = common.read_text(encoding="utf-8")
    common.write_text(text + " " * files.CONFIG_MAX_BYTES, encoding="utf-8")
    assert_refused(validate(root), "schemas/common.schema.json", "larger than")


def test_a_huge_policy_is_refused(root: Path) -> None:
    audit = root / "policies" / "audit.yaml"
    audit.write_text(audit.read_text(encoding="utf-8") + "#" * files.CONFIG_MAX_BYTES)
    assert_refused(validate(root), "policies/audit.yaml", "larger than")


def test_a_schema_with_a_name_that_is_not_utf8_is_refused(root: Path) -> None:
    name = os.fsdecode(b"x\xff.schema.json")
    (root / "schemas" / "kinds" / name).write_text("{}\n", encoding="utf-8")
    assert_refused(validate(root), "schemas/kinds/x\\xff.schema.json", "UTF-8")


def test_a_policy_with_a_control_character_in_its_name_is_refused(root: Path) -> None:
    (root / "policies" / "x\x1b[2J.yaml").write_text("{}\n", encoding="utf-8")
    assert_refused(validate(root), "policies/x\\x1b[2J.yaml", "control")


# -- read_config itself -----------------------------------------------------------------


def test_read_config_reads_a_regular_file_up_to_the_cap(tmp_path: Path) -> None:
    (tmp_path / "a.json").write_bytes(b"x" * 10)
    assert files.read_config(tmp_path / "a.json", tmp_path, cap=10) == b"x" * 10
    with pytest.raises(ConfigError, match="larger than the 9 bytes") as caught:
        files.read_config(tmp_path / "a.json", tmp_path, cap=9)
    assert caught.value.file == "a.json"


def test_read_config_refuses_a_path_that_climbs_out(tmp_path: Path, outside: Path) -> None:
    root = tmp_path / "repo"
    root.mkdir()
    with pytest.raises(ConfigError, match="outside") as caught:
        files.read_config(root / ".." / "outside" / "secret.yaml", root)
    assert SECRET not in str(caught.value)


def test_read_config_refuses_a_path_through_a_linked_folder(tmp_path: Path, outside: Path) -> None:
    root = tmp_path / "repo"
    root.mkdir()
    (root / "linked").symlink_to(outside, target_is_directory=True)
    with pytest.raises(ConfigError, match="outside") as caught:
        files.read_config(root / "linked" / "secret.yaml", root)
    assert caught.value.file == "linked/secret.yaml"


@pytest.mark.parametrize(
    ("name", "says"), [("missing.json", "cannot read"), (".", "not a regular file")]
)
def test_read_config_names_what_it_cannot_read(tmp_path: Path, name: str, says: str) -> None:
    (tmp_path / "sub").mkdir()
    with pytest.raises(ConfigError, match=says):
        files.read_config(tmp_path / "sub" / name, tmp_path)


# -- schemas that would take forever to walk -----------------------------------------


@pytest.mark.parametrize("shape", ["allOf", "properties"])
def test_a_schema_whose_references_double_at_each_step_is_refused_at_once(
    root: Path, shape: str
) -> None:
    """Forty definitions, each naming the one before twice: 2^40 nodes to walk
    or validate against, from a file of forty lines."""
    import json

    path = root / LAPTOP
    schema = json.loads(path.read_text(encoding="utf-8"))
    defs = schema.setdefault("$defs", {})
    defs["step0"] = {"type": "object"}
    for n in range(1, 41):
        before = {"$ref": f"#/$defs/step{n - 1}"}
        defs[f"step{n}"] = (
            {"allOf": [before, before]}
            if shape == "allOf"
            else {"properties": {"left": before, "right": before}}
        )
    schema.setdefault("allOf", []).append({"$ref": "#/$defs/step40"})
    path.write_text(json.dumps(schema), encoding="utf-8")
    assert_refused(validate(root), LAPTOP, "more than 100,000 schema nodes")
    # fmt walks the kind schemas for their key order before any validation.
    assert_refused(itam("fmt", "--check", "--root", root), LAPTOP, "more than 100,000")
