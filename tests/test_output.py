"""Writing outputs: a regular file is replaced atomically and keeps its mode;
a symbolic link, a pipe or a device stays what it is. Run as root, as CI is,
so that nothing here passes only because permissions got in the way."""

from __future__ import annotations

import os
import socket
import stat
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from itam import output
from itam.errors import ConfigError
from itam.output import write_bytes, write_output
from tests.conftest import AS_OF, PROJECT, copy_registry

TEXT = "report: Ærø ✓\n"


@pytest.fixture
def umask_022() -> Iterator[None]:
    """A known umask, so that a kept mode is not the new-file mode by chance."""
    old = os.umask(0o022)
    yield
    os.umask(old)


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


# -- regular files -------------------------------------------------------------


@pytest.mark.usefixtures("umask_022")
def test_a_new_file_gets_the_umask_default_mode(tmp_path: Path) -> None:
    target = tmp_path / "report.txt"
    write_output(target, TEXT)
    assert target.read_text(encoding="utf-8") == TEXT
    assert stat.S_IMODE(target.stat().st_mode) == 0o644
    assert leftovers(tmp_path) == []


def test_a_new_file_follows_a_strict_umask(tmp_path: Path) -> None:
    old = os.umask(0o077)
    try:
        write_output(tmp_path / "report.txt", TEXT)
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "report.txt").stat().st_mode) == 0o600


@pytest.mark.usefixtures("umask_022")
@pytest.mark.parametrize("mode", [0o644, 0o600, 0o640, 0o664])
def test_an_existing_file_keeps_its_mode(tmp_path: Path, mode: int) -> None:
    target = tmp_path / "report.txt"
    target.write_text("old\n", encoding="utf-8")
    target.chmod(mode)
    write_output(target, TEXT)
    assert target.read_text(encoding="utf-8") == TEXT
    assert stat.S_IMODE(target.stat().st_mode) == mode
    assert leftovers(tmp_path) == []


@pytest.mark.skipif(os.geteuid() != 0, reason="only root can give a file to another user")
def test_an_existing_file_keeps_its_owner(tmp_path: Path) -> None:
    target = tmp_path / "report.txt"
    target.write_text("old\n", encoding="utf-8")
    os.chown(target, 4242, 4243)
    write_output(target, TEXT)
    info = target.stat()
    assert (info.st_uid, info.st_gid) == (4242, 4243)


def test_the_file_is_replaced_not_rewritten_in_place(tmp_path: Path) -> None:
    # A reader holding the old file keeps reading the old content, whole.
    target = tmp_path / "report.txt"
    target.write_text("old content\n", encoding="utf-8")
    with target.open(encoding="utf-8") as reader:
        write_output(target, TEXT)
        assert reader.read() == "old content\n"
    assert target.read_text(encoding="utf-8") == TEXT


def test_an_interrupt_leaves_the_old_file_and_no_temporary_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "report.txt"
    target.write_text("old\n", encoding="utf-8")

    def interrupted(_fd: int) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "fsync", interrupted)
    with pytest.raises(KeyboardInterrupt):
        write_output(target, TEXT)
    assert target.read_text(encoding="utf-8") == "old\n"
    assert leftovers(tmp_path) == []


def test_a_failed_write_is_a_config_error_and_leaves_the_old_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "report.txt"
    target.write_text("old\n", encoding="utf-8")

    def full(_fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    with pytest.raises(ConfigError, match="No space left on device") as caught:
        write_output(target, TEXT)
    assert str(target) in str(caught.value)
    assert target.read_text(encoding="utf-8") == "old\n"
    assert leftovers(tmp_path) == []


def test_bytes_are_written_as_they_are(tmp_path: Path) -> None:
    target = tmp_path / "logo.png"
    write_bytes(target, b"\x89PNG\r\n\x1a\n\x00\xff")
    assert target.read_bytes() == b"\x89PNG\r\n\x1a\n\x00\xff"


def test_a_lone_surrogate_is_written_as_an_escape(tmp_path: Path) -> None:
    target = tmp_path / "report.txt"
    write_output(target, "registry/x\udcff.yaml and \ud800\n")
    assert target.read_bytes() == b"registry/x\\xff.yaml and \\ud800\n"


def test_a_long_name_still_gets_a_temporary_file(tmp_path: Path) -> None:
    target = tmp_path / ("r" * 250)
    write_output(target, TEXT)
    assert target.read_text(encoding="utf-8") == TEXT


# -- symbolic links ------------------------------------------------------------


@pytest.mark.usefixtures("umask_022")
def test_a_symlink_stays_a_symlink_and_its_target_gets_the_text(tmp_path: Path) -> None:
    real = tmp_path / "reports" / "latest.txt"
    real.parent.mkdir()
    real.write_text("old\n", encoding="utf-8")
    real.chmod(0o640)
    link = tmp_path / "report.txt"
    link.symlink_to(Path("reports") / "latest.txt")
    write_output(link, TEXT)
    assert link.is_symlink()
    assert link.readlink() == Path("reports") / "latest.txt"
    assert real.read_text(encoding="utf-8") == TEXT
    assert stat.S_IMODE(real.stat().st_mode) == 0o640
    assert leftovers(tmp_path) == leftovers(real.parent) == []


def test_a_dangling_symlink_creates_its_target(tmp_path: Path) -> None:
    link = tmp_path / "report.txt"
    link.symlink_to(tmp_path / "new.txt")
    write_output(link, TEXT)
    assert link.is_symlink()
    assert (tmp_path / "new.txt").read_text(encoding="utf-8") == TEXT


def test_a_symlink_loop_is_refused(tmp_path: Path) -> None:
    (tmp_path / "a").symlink_to(tmp_path / "b")
    (tmp_path / "b").symlink_to(tmp_path / "a")
    with pytest.raises(ConfigError, match="cannot write"):
        write_output(tmp_path / "a", TEXT)
    assert (tmp_path / "a").is_symlink()


# -- pipes and devices ---------------------------------------------------------


def test_a_fifo_gets_the_text_and_stays_a_fifo(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received: list[bytes] = []

    def read() -> None:
        with fifo.open("rb") as reader:
            received.append(reader.read())

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    write_output(fifo, TEXT)
    reader.join(timeout=10)
    assert not reader.is_alive(), "the reader never saw the end of the text"
    assert received == [TEXT.encode("utf-8")]
    assert stat.S_ISFIFO(fifo.lstat().st_mode)
    assert leftovers(tmp_path) == []


@pytest.fixture
def null_device(tmp_path: Path) -> Path:
    """A character device of our own (like /dev/null), so no test can harm /dev."""
    node = tmp_path / "null"
    os.mknod(node, 0o666 | stat.S_IFCHR, os.makedev(1, 3))
    return node


def test_a_character_device_is_written_into_and_stays_a_device(null_device: Path) -> None:
    write_output(null_device, TEXT)
    assert stat.S_ISCHR(null_device.lstat().st_mode)
    assert os.major(null_device.stat().st_rdev) == 1


def test_a_symlink_to_a_device_stays_both(tmp_path: Path, null_device: Path) -> None:
    link = tmp_path / "report.txt"
    link.symlink_to(null_device)
    write_output(link, TEXT)
    assert link.is_symlink()
    assert stat.S_ISCHR(null_device.lstat().st_mode)


def test_dev_full_is_a_clear_no_space_error() -> None:
    with pytest.raises(ConfigError, match="No space left on device") as caught:
        write_output(Path("/dev/full"), TEXT)
    assert "/dev/full" in str(caught.value)
    assert stat.S_ISCHR(Path("/dev/full").lstat().st_mode)


def test_dev_stdout_writes_to_standard_output() -> None:
    code = "import sys; from pathlib import Path; from itam.output import write_output; "
    code += "write_output(Path(sys.argv[1]), 'hello ✓\\n')"
    done = subprocess.run(
        [sys.executable, "-c", code, "/dev/stdout"],
        capture_output=True,
        timeout=20,
        check=True,
    )
    assert done.stdout == "hello ✓\n".encode()


def test_dev_stdout_appends_when_standard_output_is_a_log(tmp_path: Path) -> None:
    # `itam ... --output /dev/stdout >> log` must add to the log, not replace it.
    log = tmp_path / "log"
    log.write_text("earlier\n", encoding="utf-8")
    code = "import sys; from pathlib import Path; from itam.output import write_output; "
    code += "write_output(Path(sys.argv[1]), 'report\\n')"
    with log.open("ab") as out:
        subprocess.run(
            [sys.executable, "-c", code, "/dev/stdout"], stdout=out, timeout=20, check=True
        )
    assert log.read_text(encoding="utf-8") == "earlier\nreport\n"


def test_the_cli_writes_its_report_to_dev_stdout(tmp_path: Path) -> None:
    root = copy_registry(tmp_path / "repo", with_git=False)
    args = ["--root", str(root), "--as-of", AS_OF, "--format", "json", "--output", "/dev/stdout"]
    done = subprocess.run(
        [sys.executable, "-m", "itam", "validate", *args],
        capture_output=True,
        timeout=120,
        cwd=PROJECT,
    )
    assert done.returncode == 0, done.stderr.decode()
    assert b'"version": 1' in done.stdout


def test_the_cli_reports_dev_full_as_a_usage_error(tmp_path: Path) -> None:
    root = copy_registry(tmp_path / "repo", with_git=False)
    args = ["--root", str(root), "--as-of", AS_OF, "--output", "/dev/full"]
    done = subprocess.run(
        [sys.executable, "-m", "itam", "validate", *args],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=PROJECT,
    )
    assert done.returncode == 2, done.stderr
    assert "cannot write /dev/full: No space left on device" in done.stderr
    assert "internal error" not in done.stderr
    assert stat.S_ISCHR(Path("/dev/full").lstat().st_mode)


# -- refusals ------------------------------------------------------------------


def test_a_folder_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="folder") as caught:
        write_output(tmp_path, TEXT)
    assert str(tmp_path) in str(caught.value)


def test_a_missing_parent_folder_is_a_clear_error(tmp_path: Path) -> None:
    target = tmp_path / "missing" / "report.txt"
    with pytest.raises(ConfigError, match="does not exist") as caught:
        write_output(target, TEXT)
    assert str(target) in str(caught.value)
    assert not target.parent.exists()


def test_a_socket_is_refused_and_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "socket"
    with socket.socket(socket.AF_UNIX) as server:
        server.bind(str(path))
        with pytest.raises(ConfigError, match="socket"):
            write_output(path, TEXT)
    assert stat.S_ISSOCK(path.lstat().st_mode)


def test_shown_names_the_byte_a_surrogate_stands_for() -> None:
    assert output.shown("\udcff") == "\\xff"
    assert output.shown("\x01") == "\\x01"
    assert output.shown("\u202e") == "\\u202e"
    assert output.escaped("a\udc80b\ud800") == "a\\x80b\\ud800"
