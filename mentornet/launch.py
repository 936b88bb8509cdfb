"""The ``mentornet`` command's entry point: in charge before anything slow is imported.

Two rules hold however early or late they are tested (SECURITY.md, section 10):

- Ctrl-C ends the command with exit status 130 and one line, ``mentornet: interrupted``, never
  a traceback, even while Python is still importing pandas;
- a reader that goes away (``mentornet validate bad 2>&1 | head -1``) does not change the exit
  status: what is written after it has gone is discarded, and the command ends with the status
  it would have had if the reader had stayed.

This module imports only the standard library, and the package's ``__init__`` imports the
library lazily, so nothing slow runs before :func:`run` takes over. It also tells the C
library's allocator to keep the memory a command frees (:func:`keep_freed_memory`).
"""
from __future__ import annotations

import ctypes
import os
import signal
import sys
from typing import NoReturn

EXIT_INTERRUPTED = 130  # 128 + SIGINT, as shells report a command ended by Ctrl-C


def run() -> None:
    """``mentornet ...``: the Click command line, with the two rules above."""
    for name in ("stdout", "stderr"):
        if getattr(sys, name) is not None:
            setattr(sys, name, ReaderMayLeave(getattr(sys, name)))
    signal.signal(signal.SIGINT, _on_ctrl_c)
    keep_freed_memory()
    try:
        try:
            from .cli import main
        except BaseException:
            # an extension module's initialisation may swallow the KeyboardInterrupt or turn it
            # into another error; the flag says what really happened
            if _ctrl_c:
                interrupted()
            raise
        if _ctrl_c:  # pressed during the imports, and swallowed by one of them
            interrupted()
        main(prog_name="mentornet")
    except KeyboardInterrupt:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C must not cut the goodbye short
        interrupted()


_ctrl_c = False

# glibc's mallopt parameters (malloc.h)
M_TRIM_THRESHOLD = -1
M_MMAP_THRESHOLD = -3
KEEP_BELOW = (1 << 31) - 1  # the largest value mallopt takes (an int): 2 GiB


def keep_freed_memory() -> bool:
    """Let glibc's allocator keep freed blocks for the next array instead of giving them back.

    By default glibc gives every block above a threshold (dynamic, at most 32 MiB) a mapping of
    its own and unmaps it when it is freed, and returns the free top of its heap to the kernel
    beyond 128 KiB. The analysis builds and drops hundreds of arrays of tens to hundreds of MiB
    at a million people, so each was mapped, faulted in page by page, and unmapped again: on
    this project's 2-core test machine, ``validate`` at 1,000,000 people spent 16.4 s in the
    kernel against 3.4 s with both thresholds raised, and its wall time fell from 80 to 48 s.
    Raising both to 2 GiB makes a freed block reusable by the next allocation. The cost is some
    peak memory, as freed blocks stay with the process and do not always fit the next request:
    at 1,000,000 people ``gaps`` 3.08 -> 3.13 GiB, ``refer`` 3.25 -> 3.83 GiB and ``match`` 6.5 ->
    6.7 GiB, all far below the 10 GB the project allows itself at that size (README, Performance).

    Only where the C library is glibc (a no-op elsewhere: macOS, musl); returns whether both
    thresholds were set. The command line calls it first; a program using the library may call
    it too.
    """
    try:
        if not os.confstr("CS_GNU_LIBC_VERSION").startswith("glibc"):
            return False
        mallopt = ctypes.CDLL(None).mallopt
    except (AttributeError, OSError, ValueError):  # no confstr name, no glibc, no symbol
        return False
    mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
    return bool(mallopt(M_MMAP_THRESHOLD, KEEP_BELOW)) and bool(mallopt(M_TRIM_THRESHOLD, KEEP_BELOW))


def _on_ctrl_c(signum, frame) -> None:
    """Python's own handler (raise KeyboardInterrupt), remembering that Ctrl-C was pressed."""
    global _ctrl_c
    _ctrl_c = True
    raise KeyboardInterrupt


def interrupted() -> NoReturn:
    """Say so in one line and exit 130 (also used by the command group, which Click would make exit 1)."""
    sys.stderr.write("mentornet: interrupted\n")
    sys.stderr.flush()
    raise SystemExit(EXIT_INTERRUPTED)


class ReaderMayLeave:
    """``sys.stdout`` or ``sys.stderr`` whose reader may close the pipe.

    The first write or flush that finds the reader gone points the file descriptor at
    ``/dev/null``, so everything after it (including what is still buffered) is discarded
    without an error, and the command carries on to its own exit status.
    """

    def __init__(self, stream):
        self._stream = stream

    def write(self, text: str) -> int:
        try:
            return self._stream.write(text)
        except BrokenPipeError:
            self._discard()
            return len(text)

    def flush(self) -> None:
        try:
            self._stream.flush()
        except BrokenPipeError:
            self._discard()

    def _discard(self) -> None:
        null = os.open(os.devnull, os.O_WRONLY)
        try:
            os.dup2(null, self._stream.fileno())
        finally:
            os.close(null)

    def __getattr__(self, name):
        return getattr(self._stream, name)
