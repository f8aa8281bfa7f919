#!/usr/bin/env python3
"""Set up and run the project in one command each, on a fresh machine.

    python3 dev.py demo    # create .venv, install itam, validate the registry, build its site
    python3 dev.py test    # create .venv, install itam with test tools, run lint, types, tests

Needs only Python 3.11+ and git. The virtual environment is reused while
pyproject.toml and constraints.txt are unchanged.

``test`` also installs what the site's browser tests drive, each only when it
is missing, so a second run costs nothing:

- Debian's ``chromium`` (Playwright's own browser download does not work
  behind a closed network, so Playwright drives this one by its path), and a
  Java runtime for the HTML checker, with ``apt-get`` (as root, on Debian);
- ``axe-core`` (accessibility rules) and ``vnu-jar`` (the Nu HTML checker)
  from npm, unpacked under ``.venv/share/``; npm itself comes from apt when
  the machine has none.

Where apt cannot run (not root, not Debian) this says why and goes on; the
browser tests then fail with that reason rather than skip. ITAM_CHROMIUM=PATH
names another Chromium for them (then apt is not asked for one).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import venv
from pathlib import Path, PurePosixPath

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
SHARE = VENV / "share"
STAMP = VENV / ".itam-installed"
# The SARIF 2.1.0 schema, for the test that checks `--format sarif`. No Python
# package carries it; Microsoft's jest-sarif package on npm does (MIT).
SARIF_PACKAGE = "@microsoft/jest-sarif@1.0.0-beta.0"
SARIF_MEMBER = "package/lib/schemas/sarif-2.1.0-rtm.5.json"
SARIF_SCHEMA = SHARE / "sarif-schema-2.1.0.json"
# npm packages the browser tests read, unpacked whole into SHARE/<name>/
# (axe-core/axe.min.js, vnu-jar/build/dist/vnu.jar). Exact versions, like
# constraints.txt; a changed version here is fetched on the next run.
NPM_PACKAGES = {"axe-core": "4.14.1", "vnu-jar": "26.9.27"}
# Debian packages by the command each provides; installed only when the
# command is missing, so a machine that has a browser or a JVM keeps its own.
APT_PACKAGES = {"chromium": "chromium", "java": "default-jre-headless", "npm": "npm"}


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
    STAMP.write_text(wanted)


def _note(text: str) -> None:
    print(f"note: {text}", flush=True)


def _install_system_packages() -> None:
    """apt-get install the Debian packages whose command is missing, with one update."""
    missing = [pkg for command, pkg in APT_PACKAGES.items() if shutil.which(command) is None]
    if os.environ.get("ITAM_CHROMIUM"):  # a browser of the developer's own choosing
        missing = [pkg for pkg in missing if pkg != "chromium"]
    if not missing:
        return
    apt = shutil.which("apt-get")
    if apt is None or not hasattr(os, "geteuid") or os.geteuid() != 0:
        why = "apt-get is not here" if apt is None else "this is not root"
        _note(f"cannot install {', '.join(missing)} ({why}); the browser tests will fail")
        return
    # A fresh machine's package lists are empty or stale: update once, first.
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for args in ([apt, "update", "-q"], [apt, "install", "-y", "-q", *missing]):
        print("+", " ".join(args), flush=True)
        if subprocess.call(args, cwd=ROOT, env=env) != 0:
            _note(f"apt-get could not install {', '.join(missing)}; the browser tests will fail")
            return


def _npm_pack(npm: str, spec: str, folder: Path) -> Path | None:
    """Fetch one npm package's tarball into ``folder`` (npm checks its integrity)."""
    if _run(npm, "pack", "--silent", "--pack-destination", folder, spec) != 0:
        return None
    (archive,) = folder.glob("*.tgz")
    return archive


def _unpack(archive: Path, dest: Path) -> None:
    """Unpack the regular files under ``package/`` into ``dest``; nothing else, nowhere else."""
    staging = dest.with_name(dest.name + ".partial")
    shutil.rmtree(staging, ignore_errors=True)
    with tarfile.open(archive) as tar:
        for member in tar.getmembers():
            parts = PurePosixPath(member.name).parts
            if not member.isfile() or parts[:1] != ("package",) or ".." in parts:
                continue
            target = staging.joinpath(*parts[1:])
            target.parent.mkdir(parents=True, exist_ok=True)
            source = tar.extractfile(member)
            assert source is not None
            target.write_bytes(source.read())
    shutil.rmtree(dest, ignore_errors=True)
    staging.rename(dest)


def _installed_version(dest: Path) -> str | None:
    try:
        version = json.loads((dest / "package.json").read_text(encoding="utf-8"))["version"]
    except (OSError, ValueError, KeyError):
        return None
    return version if isinstance(version, str) else None


def _install_npm_files() -> None:
    """The SARIF schema and the browser tests' npm packages, each unless already there."""
    wanted = {
        name: version
        for name, version in NPM_PACKAGES.items()
        if _installed_version(SHARE / name) != version
    }
    if SARIF_SCHEMA.exists() and not wanted:
        return
    npm = shutil.which("npm")
    if npm is None:
        _note("npm is missing: the SARIF and browser tests will fail")
        return
    SHARE.mkdir(parents=True, exist_ok=True)
    if not SARIF_SCHEMA.exists():
        with tempfile.TemporaryDirectory() as folder:
            archive = _npm_pack(npm, SARIF_PACKAGE, Path(folder))
            if archive is None:
                _note("could not fetch the SARIF schema; its test will fail")
            else:
                with tarfile.open(archive) as tar:
                    member = tar.extractfile(SARIF_MEMBER)
                    assert member is not None
                    SARIF_SCHEMA.write_bytes(member.read())
    for name, version in wanted.items():
        with tempfile.TemporaryDirectory() as folder:
            archive = _npm_pack(npm, f"{name}@{version}", Path(folder))
            if archive is None:
                _note(f"could not fetch {name}@{version}; the browser tests will fail")
                continue
            _unpack(archive, SHARE / name)


def demo() -> int:
    """Validate the bundled example registry and build its site."""
    judged = _run(BIN / "itam", "validate", "--root", ROOT)
    # The site shows findings too, so it is built whatever validate found.
    built = _run(BIN / "itam", "site", "build", "--root", ROOT)
    if built == 2:
        return 2
    print(f"the site is at {ROOT / '_site' / 'index.html'} (open it in a browser)", flush=True)
    return judged


# pytest-xdist on every core, whole files per worker so that their module
# fixtures (a built site, a browser) are made once, as in one process.
PARALLEL = ("-n", "auto", "--dist", "loadfile")


def test() -> int:
    """Lint, type-check and run the whole test suite."""
    _install_system_packages()
    _install_npm_files()
    steps: dict[str, tuple[str | Path, ...]] = {
        "ruff check": (BIN / "ruff", "check", "tool", "tests", "benchmarks", "dev.py"),
        "ruff format": (BIN / "ruff", "format", "--check", "tool", "tests", "benchmarks", "dev.py"),
        "mypy": (BIN / "mypy",),
        "pytest": (BIN / "python", "-m", "pytest", *PARALLEL, *sys.argv[2:]),
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
