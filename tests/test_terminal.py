"""The real command in a process of its own: Ctrl-C, a reader that leaves, and a real terminal.

Each test starts ``python -m mentornet`` (or the installed ``mentornet`` script) with pipes, a
pseudo-terminal or a signal, and bounds every wait (60 s), so a hang fails instead of blocking.
"""
from __future__ import annotations

import json
import os
import pty
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from helpers import write_dataset
from test_injection import HOSTILE, HOSTILE_SHOWN

EXAMPLE = str(Path(__file__).resolve().parent.parent / "examples" / "radiology")
AS_OF = "2026-11-25"
LIMIT = 60  # seconds, for any one process
MODULE = [sys.executable, "-m", "mentornet"]
SCRIPT = shutil.which("mentornet", path=str(Path(sys.executable).parent))
ENTRIES = [pytest.param(MODULE, id="python-m")] + (
    [pytest.param([SCRIPT], id="script")] if SCRIPT else [])

pytestmark = pytest.mark.skipif(not Path("/proc/self/maps").exists(), reason="needs Linux /proc")


@pytest.fixture
def bad(tmp_path):
    """A dataset with 30 errors: plenty of lines for a reader to leave in the middle of."""
    people = [{"id": f"r{i}", "role": "wizard"} for i in range(30)]
    return str(write_dataset(tmp_path / "bad", people, []))


def wait_until(condition, what: str, limit: float = LIMIT) -> None:
    deadline = time.monotonic() + limit
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"waited {limit} s for {what}")
        time.sleep(0.001)


def mapped(pid: int, fragment: str) -> bool:
    try:
        return fragment in Path(f"/proc/{pid}/maps").read_text()
    except OSError:  # the process has ended
        return True


# --------------------------------------------------------------------------- Ctrl-C


@pytest.mark.parametrize("entry", ENTRIES)
def test_ctrl_c_while_importing_exits_130_without_a_traceback(entry, tmp_path):
    """Ctrl-C while pandas is still being loaded (the first second of every command)."""
    proc = subprocess.Popen([*entry, "validate", EXAMPLE], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            cwd=tmp_path)
    try:
        wait_until(lambda: mapped(proc.pid, "/pandas/_libs/"), "pandas to start loading")
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=LIMIT)
    finally:
        proc.kill()
    # the whole stderr in the message: this failed twice at random under load (not yet explained)
    assert (proc.returncode, err, out) == (130, b"mentornet: interrupted\n", b""), err.decode(errors="replace")


# The child interrupts itself (a real SIGINT) at the moment its main thread is inside pandas'
# C parser, so the test does not depend on timing: then runs the command as `python -m` would.
INTERRUPT_WHILE_PARSING = textwrap.dedent("""
    import os, runpy, signal, sys, threading, time

    def interrupt_inside_the_parser():
        main = threading.main_thread().ident
        while True:
            frame = sys._current_frames().get(main)
            while frame is not None:
                if frame.f_code.co_filename.endswith("c_parser_wrapper.py"):
                    os.write(1, b"interrupted inside the CSV parser\\n")
                    os.kill(os.getpid(), signal.SIGINT)
                    return
                frame = frame.f_back
            time.sleep(0.0005)

    threading.Thread(target=interrupt_inside_the_parser, daemon=True).start()
    sys.argv = ["mentornet", *sys.argv[1:]]
    runpy.run_module("mentornet", run_name="__main__", alter_sys=True)
""")


def test_ctrl_c_while_a_csv_is_parsed_does_not_blame_the_file(tmp_path):
    rows = "".join(f"p{i},Person {i},{'resident' if i % 3 == 0 else 'faculty'},Radiology,ai;msk\n"
                   for i in range(400_000))
    directory = tmp_path / "big"
    directory.mkdir()
    (directory / "people.csv").write_text("id,name,role,department,research_interests\n" + rows)
    (directory / "relationships.csv").write_text("source,target,type\n")
    proc = subprocess.run([sys.executable, "-c", INTERRUPT_WHILE_PARSING, "validate", str(directory)],
                          capture_output=True, timeout=LIMIT, cwd=tmp_path)
    assert proc.stdout == b"interrupted inside the CSV parser\n"  # the signal came while parsing
    assert (proc.returncode, proc.stderr) == (130, b"mentornet: interrupted\n")


# --------------------------------------------------------------------------- a reader that leaves


def reader_gone() -> int:
    """The write end of a pipe whose reader has already closed (every write fails with EPIPE)."""
    read_end, write_end = os.pipe()
    os.close(read_end)
    return write_end


@pytest.mark.parametrize("entry, command, status", [
    *(pytest.param(e.values[0], ["validate", "{bad}"], 2, id=f"validate-bad-{e.id}") for e in ENTRIES),
    pytest.param(MODULE, ["gaps", EXAMPLE, "--as-of", AS_OF, "--format", "csv"], 0, id="gaps"),
    pytest.param(MODULE, ["refer", EXAMPLE, "--as-of", AS_OF, "--format", "table"], 0, id="refer")])
def test_a_reader_that_leaves_does_not_change_the_exit_status(entry, command, status, bad, tmp_path):
    """`mentornet validate bad 2>&1 | head -1` exits 2 whether or not head is still there."""
    args = [*entry, *(a.format(bad=bad) for a in command)]
    stayed = subprocess.run(args, capture_output=True, timeout=LIMIT, cwd=tmp_path)
    gone = reader_gone()
    try:
        both_gone = subprocess.run(args, stdout=gone, stderr=gone, timeout=LIMIT, cwd=tmp_path)
        stdout_gone = subprocess.run(args, stdout=gone, stderr=subprocess.PIPE, timeout=LIMIT, cwd=tmp_path)
    finally:
        os.close(gone)
    assert (stayed.returncode, both_gone.returncode, stdout_gone.returncode) == (status, status, status)
    assert stdout_gone.stderr == stayed.stderr  # no traceback, no "Exception ignored" about the pipe


def test_head_minus_one_gives_the_same_status_every_time(bad, tmp_path):
    runs = subprocess.run(["bash", "-c", 'for i in 1 2 3 4 5; do "$@" 2>&1 | head -1 >/dev/null; '
                           'echo "${PIPESTATUS[0]}"; done', "bash", *MODULE, "validate", bad],
                          capture_output=True, text=True, timeout=5 * LIMIT, cwd=tmp_path)
    assert runs.stdout.split() == ["2"] * 5, runs.stderr


# --------------------------------------------------------------------------- a real terminal


def on_a_terminal(args, cwd) -> tuple[int, str]:
    """Run with stdout on a pseudo-terminal; what the terminal received (its \\r\\n made \\n)."""
    controller, terminal = pty.openpty()
    try:
        proc = subprocess.run(args, stdout=terminal, stderr=subprocess.DEVNULL, timeout=LIMIT, cwd=cwd)
    finally:
        os.close(terminal)
    received = b""
    while True:
        try:
            chunk = os.read(controller, 65536)
        except OSError:  # EIO: the terminal's other side is closed and everything was read
            break
        if not chunk:
            break
        received += chunk
    os.close(controller)
    return proc.returncode, received.decode("utf-8").replace("\r\n", "\n")


@pytest.mark.parametrize("fmt", ["csv", "json", "table"])
def test_csv_and_json_on_a_terminal_are_escaped_and_exact_in_a_pipe(fmt, tmp_path):
    people = [{"id": "r1", "name": "Ana " + HOSTILE, "role": "resident", "research_interests": "ai"}]
    source = str(write_dataset(tmp_path / "ds", people, []))
    args = [*MODULE, "gaps", source, "--as-of", AS_OF, "--format", fmt]
    status, shown = on_a_terminal(args, tmp_path)
    assert status == 0
    assert "\x1b" not in shown and "\u202e" not in shown and "\x9b" not in shown, shown
    # escaped, not dropped (JSON writes the C0 controls as \u00NN itself)
    assert ("\\u202eevil\\u200b\\u2028x\\x9b1m" if fmt == "json" else "Ana " + HOSTILE_SHOWN) in shown
    piped = subprocess.run(args, capture_output=True, timeout=LIMIT, cwd=tmp_path)
    if fmt == "csv":  # a pipe or a file gets the data exactly
        assert "Ana " + HOSTILE in piped.stdout.decode("utf-8")
    if fmt == "json":
        assert json.loads(piped.stdout)[0]["name"] == "Ana " + HOSTILE
