"""What the command line does before and around its work, each in a process of its own.

The command keeps the memory it frees (``launch.keep_freed_memory``): each case frees a 200 MB array and reads the process's resident size from ``/proc`` before and
after: glibc's default hands a block that large back to the kernel at once; once the command
line has started, the block stays for the next allocation to reuse.
"""
from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import pytest

GLIBC = sys.platform == "linux" and hasattr(os, "confstr") and (
    (os.confstr("CS_GNU_LIBC_VERSION") or "").startswith("glibc"))
only_glibc = pytest.mark.skipif(not GLIBC, reason="glibc's allocator only (a no-op elsewhere)")

BLOCK = 200_000_000  # bytes

PROBE = textwrap.dedent(f"""
    import os, sys
    import numpy as np

    def resident():
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")

    how = sys.argv[1]
    if how == "command line":
        from mentornet import launch
        sys.argv = ["mentornet", "--version"]
        try:
            launch.run()
        except SystemExit as done:
            assert done.code in (0, None), done.code
    elif how == "library":
        from mentornet.launch import keep_freed_memory
        assert keep_freed_memory() is True
    block = np.ones({BLOCK} // 8)
    before = resident()
    del block
    print(before - resident(), file=sys.stderr)
""")


def released_by_free(how: str) -> int:
    """Bytes the process's resident size fell by when the block was freed."""
    done = subprocess.run([sys.executable, "-c", PROBE, how], capture_output=True, text=True, timeout=60,
                          env={**os.environ, "PYTHONWARNINGS": "ignore"})
    assert done.returncode == 0, done.stderr
    return int(done.stderr.strip().splitlines()[-1])


@only_glibc
def test_without_it_a_freed_block_goes_back_to_the_kernel():
    """The premise: glibc's default returns a large freed block at once (else the setting does nothing)."""
    assert released_by_free("default") > BLOCK * 0.9


@only_glibc
@pytest.mark.parametrize("how", ["command line", "library"])
def test_freed_memory_is_kept_for_reuse(how):
    assert released_by_free(how) < BLOCK * 0.1


def test_commands_that_solve_no_flow_do_not_import_the_solver():
    """OR-Tools (about 60 ms to import) is loaded by ``match`` and ``recruit`` only."""
    example = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "examples", "radiology")
    probe = textwrap.dedent(f"""
        import sys
        from mentornet import launch
        sys.argv = ["mentornet", sys.argv[1], {example!r}, "--as-of", "2026-11-25"]
        try:
            launch.run()
        except SystemExit as done:
            assert done.code in (0, None), done.code
        print("ortools.graph.python.min_cost_flow" in sys.modules, file=sys.stderr)
    """)
    seen = {}
    for command in ("gaps", "refer", "match"):
        done = subprocess.run([sys.executable, "-c", probe, command], capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, done.stderr
        seen[command] = done.stderr.strip().splitlines()[-1]
    assert seen == {"gaps": "False", "refer": "False", "match": "True"}
