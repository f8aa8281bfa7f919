"""Where the browser tests' tools are, and what a page did while it loaded.

``python3 dev.py test`` installs them: Debian's chromium and a Java runtime
with apt-get, axe-core and the Nu HTML checker (vnu-jar) from npm under
``.venv/share/``. A missing tool fails its tests with the reason and the fix;
nothing is skipped, except on a platform other than Linux outside CI, where
Debian's chromium cannot exist (ITAM_CHROMIUM=PATH names another Chromium).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import unquote, urlsplit

import pytest

if TYPE_CHECKING:
    from playwright.sync_api import ConsoleMessage, Page, Request

SHARE = Path(sys.prefix) / "share"
AXE = SHARE / "axe-core" / "axe.min.js"
VNU = SHARE / "vnu-jar" / "build" / "dist" / "vnu.jar"
INSTALL_HINT = "`python3 dev.py test` installs it (as root, on Debian)"
# As root Chromium needs --no-sandbox (Playwright adds it). The rest keep a
# headless browser from calling home: on a closed network those connections
# fail by the dozen and slow every start.
CHROMIUM_ARGS = [
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--no-default-browser-check",
]


def chromium_executable() -> str:
    """Debian's chromium (or ITAM_CHROMIUM); fail, never skip, where it should exist."""
    named = os.environ.get("ITAM_CHROMIUM")
    if named:
        if not os.access(named, os.X_OK):
            pytest.fail(f"ITAM_CHROMIUM={named} is not an executable file")
        return named
    for name in ("chromium", "chromium-browser"):
        found = shutil.which(name)
        if found:
            return found
    reason = f"Debian's chromium is not installed: {INSTALL_HINT}, or set ITAM_CHROMIUM"
    if sys.platform != "linux" and not os.environ.get("CI"):
        pytest.skip(f"{reason} (no Debian package can exist on {sys.platform})")
    pytest.fail(reason)


def required_file(path: Path, what: str) -> Path:
    """``path``, or a failure saying which tool is missing and how to get it."""
    if not path.is_file():
        pytest.fail(f"{what} is missing at {path}: {INSTALL_HINT}")
    return path


def java_executable() -> str:
    """The Java runtime the Nu HTML checker runs on."""
    found = shutil.which("java")
    if found is None:
        pytest.fail(f"no Java runtime for the HTML checker: {INSTALL_HINT}")
    return found


LOCAL_SCHEMES = frozenset({"file", "data", "blob", "about"})


@dataclass
class Watch:
    """Everything a page reported while loading: console errors, script errors, requests."""

    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)
    bad_status: list[str] = field(default_factory=list)

    def remote(self, allowed: frozenset[str] = LOCAL_SCHEMES) -> list[str]:
        """Requested URLs whose scheme is not one of ``allowed``."""
        return [url for url in self.requests if urlsplit(url).scheme not in allowed]

    def problems(self, allowed: frozenset[str] = LOCAL_SCHEMES) -> list[str]:
        """One line per thing that went wrong; empty when the page loaded cleanly."""
        return [
            *(f"console error: {text}" for text in self.console_errors),
            *(f"script error: {text}" for text in self.page_errors),
            *(f"failed request: {text}" for text in self.failed),
            *(f"HTTP error: {text}" for text in self.bad_status),
            *(f"request leaves the site: {url}" for url in self.remote(allowed)),
        ]

    def clear(self) -> None:
        for records in (
            self.console_errors,
            self.page_errors,
            self.failed,
            self.requests,
            self.bad_status,
        ):
            records.clear()


def watch(page: Page) -> Watch:
    """Start recording what ``page`` does; the returned Watch fills as it runs."""
    seen = Watch()

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error":
            seen.console_errors.append(f"{message.text} ({message.location.get('url', '')})")

    def on_failed(request: Request) -> None:
        seen.failed.append(f"{request.url}: {request.failure}")

    page.on("console", on_console)
    page.on("pageerror", lambda error: seen.page_errors.append(str(error)))
    page.on("request", lambda request: seen.requests.append(request.url))
    page.on("requestfailed", on_failed)
    page.on(
        "response",
        lambda response: (
            seen.bad_status.append(f"{response.status} {response.url}")
            if response.status >= 400
            else None
        ),
    )
    return seen


def settle(page: Page) -> None:
    """Wait two frames: deferred scripts ran before load, and work a page queued for the next
    frame (the inventory redraws in requestAnimationFrame) is done now."""
    page.evaluate(
        "() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))"
    )


def file_url(path: Path) -> str:
    """The file:// URL of a path on disk."""
    return path.resolve().as_uri()


# -- axe-core ------------------------------------------------------------------------

AXE_RUN = """async () => {
  const result = await axe.run(document, {resultTypes: ["violations"]});
  return result.violations.map(v => ({
    id: v.id, impact: v.impact || "", help: v.help,
    nodes: v.nodes.slice(0, 5).map(n => n.target.join(" ")),
  }));
}"""
BLOCKING_IMPACTS = frozenset({"serious", "critical"})


def axe_violations(page: Page) -> list[dict[str, object]]:
    """axe-core's violations on the page as loaded (axe injected from the npm file)."""
    page.add_script_tag(path=str(required_file(AXE, "axe-core")))
    violations: list[dict[str, object]] = page.evaluate(AXE_RUN)
    return violations


def blocking(violations: list[dict[str, object]]) -> list[str]:
    """The serious and critical violations, one readable line each."""
    return [
        f"{v['impact']} {v['id']}: {v['help']} at {v['nodes']}"
        for v in violations
        if v["impact"] in BLOCKING_IMPACTS
    ]


# -- the Nu HTML checker -------------------------------------------------------------


def vnu_errors(files: list[Path], timeout: float = 120) -> list[str]:
    """The Nu HTML checker's errors over ``files`` (HTML, and CSS), in one JVM run."""
    jar = required_file(VNU, "the Nu HTML checker (vnu-jar)")
    # The checker's schema needs a deep stack; a client JIT starts it in half the time.
    java = [java_executable(), "-Xss2m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"]
    command = [*java, "-jar", str(jar), "--errors-only", "--format", "json"]
    if any(path.suffix == ".css" for path in files):
        command.append("--also-check-css")
    done = subprocess.run(
        [*command, *map(str, files)], capture_output=True, text=True, timeout=timeout, check=False
    )
    # The checker writes its report to stderr and exits 1 when it found errors.
    try:
        report = json.loads(done.stderr or done.stdout)
    except ValueError:
        return [f"vnu exited {done.returncode} without a JSON report: {done.stderr[-2000:]}"]
    lines = [
        f"{Path(unquote(urlsplit(m.get('url', '')).path)).name}:{m.get('lastLine', '?')}: "
        f"{m.get('message', '')} [{' '.join(m.get('extract', '').split())[:120]}]"
        for m in report.get("messages", [])
        if m.get("type") in ("error", "non-document-error")
    ]
    if done.returncode not in (0, 1) or (done.returncode == 1 and not lines):
        lines.append(f"vnu exited {done.returncode}: {done.stderr[-2000:]}")
    return lines
