"""Benchmark for the foundation: `validate` and `gaps` end to end against a bare pandas read.

Usage: python benchmarks/bench_gaps.py [SIZES...]   (default 10000 100000)

Goal (issue 2): at 100,000 people, `gaps` end to end within 5x of the time pandas takes
only to read the two CSV files, and peak memory under 2 GB.
"""
import statistics
import sys

from common import dataset, machine, python, run, table

REPEAT = 3  # each figure is the median of this many runs (the machine is shared)


def median_run(measure):
    runs = [measure() for _ in range(REPEAT)]
    return statistics.median(r[0] for r in runs), max(r[1] for r in runs)

MN = [sys.executable, "-m", "mentornet"]


def main(sizes):
    rows = []
    for n in sizes:
        ds = dataset(n)
        rels = sum(1 for _ in open(ds / "relationships.csv")) - 1
        bare, bare_mem = median_run(lambda: python(
            "import pandas as pd; "
            f"pd.read_csv(r'{ds}/people.csv', dtype=str, keep_default_na=False); "
            f"pd.read_csv(r'{ds}/relationships.csv', dtype=str, keep_default_na=False)"))
        val, val_mem = median_run(lambda: run(MN + ["validate", str(ds), "--as-of", "2026-11-25"]))
        gaps, gaps_mem = median_run(lambda: run(MN + ["gaps", str(ds), "--as-of", "2026-11-25", "--format", "csv"]))
        rows.append([f"{n:,}", f"{rels:,}", f"{bare:.2f}", f"{val:.2f}", f"{gaps:.2f}",
                     f"{gaps / bare:.1f}x", f"{max(val_mem, gaps_mem):.0f}"])
    print(f"machine: {machine()}")
    print(f"median of {REPEAT} runs each")
    print(table(["people", "relationships", "bare pandas read (s)", "validate (s)", "gaps (s)",
                 "gaps / bare read", "peak MiB"], rows))


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [10_000, 100_000])
