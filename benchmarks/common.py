"""Shared helpers for the benchmark scripts: generate datasets, time commands, peak memory."""
from __future__ import annotations

import os
import platform
import subprocess
import sys
import time
from pathlib import Path

OUT = Path(__file__).resolve().parent / "out"


def machine() -> str:
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return f"{os.cpu_count()} cores, {mem:.0f} GiB, Python {platform.python_version()}"


def dataset(people: int, seed: int = 1) -> Path:
    """A generated dataset, cached under benchmarks/out/."""
    target = OUT / f"gen-{people}-{seed}"
    if not (target / "relationships.csv").exists():
        run([sys.executable, "-m", "mentornet", "generate", str(target), "--people", str(people),
             "--seed", str(seed), "--force"])
    return target


def run(cmd: list[str], stdout=subprocess.DEVNULL) -> tuple[float, float]:
    """Run ``cmd``; return (wall seconds, peak resident memory in MiB) of that process."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=stdout, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    err = proc.stderr.read().decode(errors="replace")
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"failed ({status}): {' '.join(cmd)}\n{err}")
    return elapsed, usage.ru_maxrss / 1024


def python(code: str) -> tuple[float, float]:
    return run([sys.executable, "-c", code])


def table(header: list[str], rows: list[list]) -> str:
    cells = [[str(c) for c in header]] + [[str(c) for c in r] for r in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(header))]
    lines = ["| " + " | ".join(c.ljust(w) for c, w in zip(r, widths)) + " |" for r in cells]
    lines.insert(1, "|" + "|".join("-" * (w + 2) for w in widths) + "|")
    return "\n".join(lines)
