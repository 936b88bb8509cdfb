"""Output files (`audit -o`, `viz -o`, `generate`): links, special files, modes and write failures
(mentornet.files; README "Output files"; SECURITY.md section 11).

Every path these tests write is inside ``tmp_path``: the FIFO, the character devices (made
with os.mknod, root only) and the links are created there. Never name the machine's /dev files
here: a wrong write path once replaced them with regular files."""
from __future__ import annotations

import os
import stat
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from click.testing import CliRunner

from mentornet.cli import main
from mentornet.errors import DataError
from mentornet.files import check_writable, write_atomically

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "radiology"
AS_OF = "2026-11-25"


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def report_args(kind, target):
    if kind == "audit":
        return ["audit", EXAMPLE, "--as-of", AS_OF, "-o", target]
    return ["viz", EXAMPLE, "--as-of", AS_OF, "-o", target]


def char_device(tmp_path, name, minor):
    """A character device inside ``tmp_path``: major 1, minor 3 is a null device (writes
    vanish), minor 7 a full one (every write fails with ENOSPC). Never the machine's own."""
    if os.geteuid() != 0:
        pytest.skip("creating a character device (os.mknod) needs root")
    path = tmp_path / name
    try:
        os.mknod(path, stat.S_IFCHR | 0o666, os.makedev(1, minor))
    except PermissionError:
        pytest.skip("this container may not create character devices (os.mknod: permission denied)")
    return path


def read_fifo_in_background(fifo):
    """Start reading ``fifo`` to its end in a thread; ``got["data"]`` holds what came."""
    got = {}
    reader = threading.Thread(target=lambda: got.setdefault("data", fifo.read_bytes()), daemon=True)
    reader.start()
    return reader, got


# --------------------------------------------------------------------------- the library rule


def test_a_link_is_followed_and_stays_a_link(tmp_path):
    real = tmp_path / "real.html"
    real.write_text("old")
    link = tmp_path / "link.html"
    link.symlink_to(real)
    write_atomically(link, b"new")
    assert link.is_symlink() and os.readlink(link) == str(real)
    assert real.read_bytes() == b"new"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["link.html", "real.html"]


def test_a_dangling_link_is_refused_and_nothing_is_created(tmp_path):
    link = tmp_path / "report.html"
    link.symlink_to(tmp_path / "elsewhere" / "x.html")
    with pytest.raises(DataError, match="symbolic link .* which does not exist"):
        write_atomically(link, b"data")
    with pytest.raises(DataError, match="which does not exist"):
        check_writable(link)
    assert link.is_symlink() and not (tmp_path / "elsewhere").exists()


def test_a_fifo_is_written_through_not_replaced(tmp_path):
    fifo = tmp_path / "pipe.html"
    os.mkfifo(fifo)
    reader, got = read_fifo_in_background(fifo)
    write_atomically(fifo, b"through the pipe")
    reader.join(10)
    assert got["data"] == b"through the pipe"
    assert stat.S_ISFIFO(fifo.lstat().st_mode)


def test_a_null_device_is_written_through_not_replaced(tmp_path):
    null = char_device(tmp_path, "null", 3)
    before = null.lstat()
    write_atomically(null, b"nothing")
    after = null.lstat()
    assert stat.S_ISCHR(after.st_mode) and (after.st_ino, after.st_rdev) == (before.st_ino, before.st_rdev)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["null"]


def test_a_link_to_a_device_writes_through_and_keeps_both(tmp_path):
    null = char_device(tmp_path, "null", 3)
    link = tmp_path / "report.html"
    link.symlink_to(null)
    write_atomically(link, b"nothing")
    assert link.is_symlink() and stat.S_ISCHR(null.lstat().st_mode) and null.lstat().st_rdev == os.makedev(1, 3)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["null", "report.html"]


def test_a_full_device_is_a_data_error_naming_the_file(tmp_path):
    full = char_device(tmp_path, "full", 7)
    with pytest.raises(DataError) as info:
        write_atomically(full, b"x" * 100_000)
    assert f"{full}: cannot write: No space left on device" in str(info.value)
    assert stat.S_ISCHR(full.lstat().st_mode) and full.lstat().st_rdev == os.makedev(1, 7)


def test_a_rewritten_file_keeps_its_mode(tmp_path):
    target = tmp_path / "report.json"
    target.write_text("old")
    target.chmod(0o600)
    write_atomically(target, b"new")
    assert stat.S_IMODE(target.stat().st_mode) == 0o600 and target.read_bytes() == b"new"


def test_a_directory_is_refused(tmp_path):
    with pytest.raises(DataError, match="is a directory"):
        check_writable(tmp_path)


# --------------------------------------------------------------------------- through the commands


@pytest.mark.parametrize("kind", ["audit", "viz"])
def test_commands_write_through_a_link_and_keep_it(kind, tmp_path):
    real = tmp_path / "real.html"
    real.write_text("old")
    real.chmod(0o600)
    link = tmp_path / "report.html"
    link.symlink_to(real)
    result = run(*report_args(kind, link))
    assert result.exit_code == 0, result.output
    assert link.is_symlink() and real.read_text().lstrip().lower().startswith("<!doctype html")
    assert stat.S_IMODE(real.stat().st_mode) == 0o600


@pytest.mark.parametrize("kind", ["audit", "viz"])
def test_commands_refuse_a_dangling_link_before_the_work(kind, tmp_path):
    link = tmp_path / "report.html"
    link.symlink_to(tmp_path / "missing.html")
    result = run(*report_args(kind, link))
    assert result.exit_code == 2
    assert "which does not exist" in result.stderr and "Traceback" not in result.output
    assert not (tmp_path / "missing.html").exists() and link.is_symlink()
    assert "wrote" not in result.stderr


@pytest.mark.parametrize("kind", ["audit", "viz"])
def test_commands_report_a_full_device_with_exit_2(kind, tmp_path):
    full = char_device(tmp_path, "full", 7)
    link = tmp_path / "report.html"  # a link to a full device: every write fails with "No space left"
    link.symlink_to(full)
    result = run(*report_args(kind, link))
    assert result.exit_code == 2, result.output
    assert "report.html: cannot write: No space left on device" in result.stderr
    assert "internal error" not in result.stderr and "Traceback" not in result.output
    assert link.is_symlink() and stat.S_ISCHR(full.lstat().st_mode) and full.lstat().st_rdev == os.makedev(1, 7)


@pytest.mark.parametrize("kind", ["audit", "viz"])
def test_commands_write_through_a_device_and_leave_it_a_device(kind, tmp_path):
    null = char_device(tmp_path, "null.html", 3)  # audit -o tells the format by the name's ending
    before = null.lstat()
    result = run(*report_args(kind, null))
    assert result.exit_code == 0, result.output
    after = null.lstat()
    assert stat.S_ISCHR(after.st_mode) and (after.st_ino, after.st_rdev) == (before.st_ino, before.st_rdev)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["null.html"]


def test_a_write_failure_on_a_regular_file_exits_2_and_keeps_the_old_file(tmp_path):
    # A file-size limit below the page's size: the write fails part way (EFBIG, as a full disk
    # fails with ENOSPC). The old report stays whole and no temporary file is left behind.
    target = tmp_path / "report.html"
    target.write_text("the old report")
    limited = ("import resource, runpy, sys; resource.setrlimit(resource.RLIMIT_FSIZE, (50_000, 50_000)); "
               "sys.argv[0] = 'mentornet'; runpy.run_module('mentornet', run_name='__main__')")
    done = subprocess.run(
        [sys.executable, "-c", limited, "viz", str(EXAMPLE), "--as-of", AS_OF, "-o", str(target)],
        capture_output=True, timeout=300, cwd=tmp_path)
    assert done.returncode == 2, done.stderr
    assert b"report.html: cannot write: File too large" in done.stderr
    assert b"Traceback" not in done.stderr and b"internal error" not in done.stderr
    assert target.read_text() == "the old report"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.html"]


def test_viz_through_a_link_to_a_pipe_writes_into_the_pipe(tmp_path):
    # As -o /dev/stdout does (a link to /proc/self/fd/1, a pipe under a shell's |): a link to a
    # link to a FIFO, all inside tmp_path. The page goes into the pipe; nothing is replaced.
    fifo = tmp_path / "fd1"
    os.mkfifo(fifo)
    (tmp_path / "self").symlink_to(fifo)
    stdout = tmp_path / "stdout"
    stdout.symlink_to(tmp_path / "self")
    reader, got = read_fifo_in_background(fifo)
    result = run(*report_args("viz", stdout))
    reader.join(60)
    assert result.exit_code == 0, result.output
    assert got["data"].lstrip().lower().startswith(b"<!doctype html") and got["data"].rstrip().endswith(b"</html>")
    assert stat.S_ISFIFO(fifo.lstat().st_mode) and stdout.is_symlink() and (tmp_path / "self").is_symlink()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["fd1", "self", "stdout"]


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only directories")
@pytest.mark.parametrize("kind", ["audit", "viz"])
def test_commands_refuse_a_read_only_directory_before_the_work(kind, tmp_path):
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        result = run(*report_args(kind, locked / "report.html"))
    finally:
        locked.chmod(0o700)
    assert result.exit_code == 2 and "not writable" in result.stderr


# --------------------------------------------------------------------------- generate


def test_generate_refuses_a_dangling_link_without_force(tmp_path):
    out = tmp_path / "ds"
    out.mkdir()
    (out / "people.csv").symlink_to(tmp_path / "planted.csv")
    result = run("generate", out, "--people", 20)
    assert result.exit_code == 2 and "already exists" in result.stderr
    assert not (tmp_path / "planted.csv").exists()


@pytest.mark.parametrize("dangling", [True, False])
def test_generate_force_replaces_links_and_never_writes_outside(tmp_path, dangling):
    outside = tmp_path / "outside.csv"
    if not dangling:
        outside.write_text("keep me\n")
    out = tmp_path / "ds"
    out.mkdir()
    (out / "people.csv").symlink_to(outside)
    (out / "relationships.csv").symlink_to(tmp_path / "nowhere.csv")
    result = run("generate", out, "--people", 20, "--force")
    assert result.exit_code == 0, result.output
    for name in ("people.csv", "relationships.csv"):
        assert not (out / name).is_symlink() and (out / name).stat().st_size > 0
    assert (outside.read_text() == "keep me\n") if not dangling else not outside.exists()
    assert not (tmp_path / "nowhere.csv").exists()
    assert sorted(p.name for p in out.iterdir()) == ["people.csv", "relationships.csv"]


def test_generate_rewrites_atomically_keeping_the_mode(tmp_path):
    out = tmp_path / "ds"
    assert run("generate", out, "--people", 20).exit_code == 0
    (out / "people.csv").chmod(0o600)
    first = (out / "people.csv").read_bytes()
    assert run("generate", out, "--people", 20, "--seed", 1, "--force").exit_code == 0
    assert (out / "people.csv").read_bytes() != first
    assert stat.S_IMODE((out / "people.csv").stat().st_mode) == 0o600
    assert sorted(p.name for p in out.iterdir()) == ["people.csv", "relationships.csv"]


def test_generate_refuses_a_special_file_in_the_target(tmp_path):
    out = tmp_path / "ds"
    out.mkdir()
    os.mkfifo(out / "people.csv")
    result = run("generate", out, "--people", 20, "--force")
    assert result.exit_code == 2 and "not a regular file" in result.stderr
    assert stat.S_ISFIFO((out / "people.csv").lstat().st_mode)


def test_generate_under_a_file_exits_2_before_the_work(tmp_path):
    (tmp_path / "notes.txt").write_text("a file, not a directory")
    result = run("generate", tmp_path / "notes.txt" / "ds", "--people", 20)
    assert result.exit_code == 2, result.output
    assert f"cannot make the directory: {tmp_path / 'notes.txt'} is not a directory" in result.stderr
    assert "internal error" not in result.stderr and "Traceback" not in result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt"]


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only directories and files")
def test_a_read_only_file_is_refused_not_replaced(tmp_path):
    target = tmp_path / "report.html"
    target.write_text("old")
    target.chmod(0o400)
    with pytest.raises(DataError, match="read-only"):
        write_atomically(target, b"new")
    assert target.read_text() == "old"
