#!/usr/bin/env python3
"""Set up and run the project in one command each, on a fresh machine.

    python3 dev.py demo    # create .venv, install itam, validate the bundled registry
    python3 dev.py test    # create .venv, install itam with test tools, run lint, types, tests

Needs only Python 3.11+ and git. The virtual environment is reused while
pyproject.toml and constraints.txt are unchanged.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
STAMP = VENV / ".itam-installed"
# The SARIF 2.1.0 schema, for the test that checks `--format sarif`. No Python
# package carries it; Microsoft's jest-sarif package on npm does (MIT).
SARIF_PACKAGE = "@microsoft/jest-sarif@1.0.0-beta.0"
SARIF_MEMBER = "package/lib/schemas/sarif-2.1.0-rtm.5.json"
SARIF_SCHEMA = VENV / "share" / "sarif-schema-2.1.0.json"


def _run(*args: str | Path) -> int:
    print("+", " ".join(str(a) for a in args), flush=True)
    return subprocess.call([str(a) for a in args], cwd=ROOT)


def _setup() -> None:
    wanted = hashlib.sha256(
        (ROOT / "pyproject.toml").read_bytes() + (ROOT / "constraints.txt").read_bytes()
    ).hexdigest()
    if STAMP.exists() and STAMP.read_text() == wanted:
        return
    if not (BIN / "python").exists():
        print(f"+ creating {VENV}", flush=True)
        venv.EnvBuilder(with_pip=True, clear=True).create(VENV)
    pip = (BIN / "python", "-m", "pip", "install", "--quiet", "--disable-pip-version-check")
    if _run(*pip, "-c", "constraints.txt", "-e", ".[test]") != 0:
        sys.exit("installing itam failed")
    _install_sarif_schema()
    STAMP.write_text(wanted)


def _install_sarif_schema() -> None:
    npm = shutil.which("npm")
    if SARIF_SCHEMA.exists() or npm is None:
        return
    with tempfile.TemporaryDirectory() as folder:
        if _run(npm, "pack", "--silent", "--pack-destination", folder, SARIF_PACKAGE) != 0:
            print("note: could not fetch the SARIF schema; its test will fail", flush=True)
            return
        (archive,) = Path(folder).glob("*.tgz")
        with tarfile.open(archive) as tar:
            member = tar.extractfile(SARIF_MEMBER)
            assert member is not None
            SARIF_SCHEMA.parent.mkdir(parents=True, exist_ok=True)
            SARIF_SCHEMA.write_bytes(member.read())


def demo() -> int:
    """Validate the bundled example registry."""
    return _run(BIN / "itam", "validate", "--root", ROOT)


def test() -> int:
    """Lint, type-check and run the whole test suite."""
    steps: dict[str, tuple[str | Path, ...]] = {
        "ruff check": (BIN / "ruff", "check", "tool", "tests", "benchmarks", "dev.py"),
        "ruff format": (BIN / "ruff", "format", "--check", "tool", "tests", "benchmarks", "dev.py"),
        "mypy": (BIN / "mypy",),
        "pytest": (BIN / "python", "-m", "pytest", *sys.argv[2:]),
    }
    failed = [name for name, step in steps.items() if _run(*step) != 0]
    if failed:
        print(f"FAILED: {', '.join(failed)}", flush=True)
        return 1
    return 0


def main() -> int:
    if sys.version_info < (3, 11):  # noqa: UP036 - this file runs before anything checks
        sys.exit("itam needs Python 3.11 or newer")
    commands = {"demo": demo, "test": test}
    if len(sys.argv) < 2 or sys.argv[1] not in commands:
        print(__doc__)
        return 2
    _setup()
    return commands[sys.argv[1]]()


if __name__ == "__main__":
    sys.exit(main())
