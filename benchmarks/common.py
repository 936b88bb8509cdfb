"""Shared helpers for the benchmark scripts: generate datasets, time commands, peak memory.

The machine is shared, so a time on its own says little. Every measurement is paired with
its **anchor**, the bare pandas read of the same two files, run just before it in the same
repetition (:func:`paired`); a figure is reported as the median (min-max) over at least three
repetitions, of the seconds and of the ratio to the anchor (:func:`spread`).
"""
from __future__ import annotations

import compileall
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

OUT = Path(__file__).resolve().parent / "out"
MN = [sys.executable, "-m", "mentornet"]
AS_OF = "2026-11-25"
REPEAT = 3

# Byte-compiled once, as pip compiles an installed copy: with PYTHONDONTWRITEBYTECODE set (CI
# sets it, and so may a shell), an editable checkout would compile every module of mentornet
# again in each timed process, about 0.1 s that no installed copy pays.
compileall.compile_dir(Path(__file__).resolve().parent.parent / "mentornet", quiet=1)


def machine() -> str:
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return f"{os.cpu_count()} cores, {mem:.0f} GiB, Python {platform.python_version()}"


def load() -> str:
    """The 1, 5 and 15 minute load averages (other work on the machine)."""
    return "load average " + ", ".join(f"{x:.2f}" for x in os.getloadavg())


def dataset(people: int, seed: int = 1) -> Path:
    """A generated dataset, cached under benchmarks/out/."""
    target = OUT / f"gen-{people}-{seed}"
    if not (target / "relationships.csv").exists():
        run(MN + ["generate", str(target), "--people", str(people), "--seed", str(seed), "--force"])
    return target


def relationship_count(ds: Path) -> int:
    with open(ds / "relationships.csv", "rb") as fh:
        return sum(1 for _ in fh) - 1


def run(cmd: list[str], stdout=subprocess.DEVNULL) -> tuple[float, float]:
    """Run ``cmd``; return (wall seconds, peak resident memory in MiB) of that process."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=stdout, stderr=subprocess.PIPE)
    err = proc.stderr.read().decode(errors="replace")  # drained while it runs: a full pipe would block it
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"failed ({status}): {' '.join(cmd)}\n{err}")
    return elapsed, usage.ru_maxrss / 1024


def python(code: str) -> tuple[float, float]:
    return run([sys.executable, "-c", code])


def bare_read(ds: Path) -> list[str]:
    """The anchor: pandas reading the two CSV files as text, nothing else."""
    return [sys.executable, "-c",
            "import pandas as pd; "
            f"pd.read_csv(r'{ds}/people.csv', dtype=str, keep_default_na=False); "
            f"pd.read_csv(r'{ds}/relationships.csv', dtype=str, keep_default_na=False)"]


def command(name: str, ds: Path, *args: str) -> list[str]:
    """``mentornet NAME DS --as-of AS_OF ARGS`` (machine-readable output, to /dev/null)."""
    return MN + [name, str(ds), "--as-of", AS_OF, *args]


class Measure:
    """Seconds and peak MiB of one command over the repetitions, each with its anchor's seconds."""

    def __init__(self):
        self.seconds: list[float] = []
        self.anchors: list[float] = []
        self.mib: list[float] = []

    def add(self, seconds: float, anchor: float, mib: float) -> None:
        self.seconds.append(seconds)
        self.anchors.append(anchor)
        self.mib.append(mib)

    @property
    def ratios(self) -> list[float]:
        return [s / a for s, a in zip(self.seconds, self.anchors)]


def paired(commands: dict[str, list[str]], anchor: list[str], *, repeat: int = REPEAT,
           progress: bool = True, then=None) -> tuple[Measure, dict[str, Measure]]:
    """Run every command ``repeat`` times, each run right after a run of ``anchor``; ``then()``,
    when given, at the end of each repetition (a measurement to pair with that repetition's).

    Returns (the anchor's own measure, each command's measure); a command's ratios are to the
    anchor run just before it, in the same repetition.
    """
    anchor_measure = Measure()
    measures = {name: Measure() for name in commands}
    for r in range(repeat):
        for name, cmd in commands.items():
            a, a_mib = run(anchor)
            anchor_measure.add(a, a, a_mib)
            s, mib = run(cmd)
            measures[name].add(s, a, mib)
            if progress:
                print(f"  [{r + 1}/{repeat}] {name}: {s:.2f} s, read {a:.2f} s ({s / a:.1f}x), {mib:.0f} MiB; {load()}",
                      file=sys.stderr, flush=True)
        if then is not None:
            then()
    return anchor_measure, measures


def spread(values: list[float], fmt: str = "{:.2f}", unit: str = "") -> str:
    """``median (min-max)`` of ``values``."""
    if not values:
        return ""
    med = fmt.format(statistics.median(values)) + unit
    if len(values) == 1:
        return med
    return f"{med} ({fmt.format(min(values))}-{fmt.format(max(values))})"


def table(header: list[str], rows: list[list]) -> str:
    cells = [[str(c) for c in header]] + [[str(c) for c in r] for r in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(header))]
    lines = ["| " + " | ".join(c.ljust(w) for c, w in zip(r, widths)) + " |" for r in cells]
    lines.insert(1, "|" + "|".join("-" * (w + 2) for w in widths) + "|")
    return "\n".join(lines)
