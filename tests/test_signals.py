"""Ctrl-C and a closed pipe, as CI and people meet them (issue 8, point 7).

Run through the installed command in a real process: signals cannot be sent
to an in-process CliRunner. The output is made larger than a pipe's buffer so
that the writer really blocks (Ctrl-C) or really meets the closed end
(SIGPIPE), at a point the test controls.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from tests.conftest import AS_OF, copy_registry

ITAM = [sys.executable, "-m", "itam"]
PIPE_BUFFER = 1 << 16


def _noisy_registry(tmp_path: Path) -> Path:
    """A registry whose JSON report is far larger than a pipe's buffer."""
    root = copy_registry(tmp_path / "repo", with_git=False)
    folder = root / "registry" / "noise"
    folder.mkdir()
    for n in range(400):
        (folder / f"N-{n:04d}.yaml").write_text(
            f"id: N-{n:04d}\nkind: laptop\nstatus: deployed\nbogus_{n}: {'x' * 200}\n",
            encoding="utf-8",
        )
    return root


def _validate(root: Path, *extra: str, **popen: object) -> subprocess.Popen[bytes]:
    args = [*ITAM, "validate", "--root", str(root), "--as-of", AS_OF, "--format", "json"]
    return subprocess.Popen([*args, *extra], stderr=subprocess.PIPE, **popen)  # type: ignore[call-overload, no-any-return]


def test_ctrl_c_exits_130_with_one_line(tmp_path: Path) -> None:
    root = _noisy_registry(tmp_path)
    fifo = tmp_path / "report.fifo"
    os.mkfifo(fifo)
    # Open the reading end without blocking, so the writer's open succeeds;
    # then read nothing more: the writer fills the pipe and blocks in write.
    reader = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)
    process = _validate(root, "--output", str(fifo))
    try:
        deadline = time.monotonic() + 60
        first = b""
        while not first and time.monotonic() < deadline:
            try:
                first = os.read(reader, 1024)
            except BlockingIOError:
                time.sleep(0.05)
        assert first.startswith(b"{"), "the report never started"
        time.sleep(0.5)  # let it fill the pipe and block
        assert process.poll() is None, "the report fit in the pipe; make it larger"
        process.send_signal(signal.SIGINT)
        _out, err = process.communicate(timeout=30)
    finally:
        os.close(reader)
        if process.poll() is None:
            process.kill()
            process.communicate()
    assert process.returncode == 130, err
    assert err.decode().strip() == "itam: interrupted"
    assert fifo.is_fifo(), "the FIFO must stay a FIFO"


def test_a_closed_pipe_ends_the_run_silently(tmp_path: Path) -> None:
    root = _noisy_registry(tmp_path)
    process = _validate(root, stdout=subprocess.PIPE)
    assert process.stdout is not None
    head = process.stdout.read(100)
    assert head.startswith(b"{")
    process.stdout.close()  # like `itam validate | head -c 100`
    _out, err = process.communicate(timeout=60)
    assert err == b"", err.decode()
    # Ended by SIGPIPE, as cat would be; never a traceback, never "errors found".
    assert process.returncode == -signal.SIGPIPE


def test_the_noisy_report_is_larger_than_a_pipe(tmp_path: Path) -> None:
    root = _noisy_registry(tmp_path)
    done = subprocess.run(
        [*ITAM, "validate", "--root", str(root), "--as-of", AS_OF, "--format", "json"],
        capture_output=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 1
    assert len(done.stdout) > 4 * PIPE_BUFFER
