"""Benchmark for the foundation: `validate` and `gaps` end to end against a bare pandas read.

Usage: python benchmarks/bench_gaps.py [SIZES...]   (default 10000 100000)

Each run of `validate` and of `gaps` comes right after a bare pandas read of the same two files
(its anchor, in the same repetition); each figure is the median (min-max) of three repetitions,
of the seconds and of the ratio to the read run just before.
Goal (issue 19): at 100,000 people, `gaps` within 2.5x of the bare read.
"""
import sys

from common import (REPEAT, bare_read, command, dataset, load, machine, paired, relationship_count, spread,
                    table)


def main(sizes):
    rows = []
    start_load = load()
    for n in sizes:
        ds = dataset(n)
        anchor, m = paired({"validate": command("validate", ds),
                            "gaps": command("gaps", ds, "--format", "csv")}, bare_read(ds))
        rows.append([f"{n:,}", f"{relationship_count(ds):,}", spread(anchor.seconds),
                     spread(m["validate"].seconds), spread(m["validate"].ratios, "{:.1f}", "x"),
                     spread(m["gaps"].seconds), spread(m["gaps"].ratios, "{:.1f}", "x"),
                     f"{max(m['validate'].mib + m['gaps'].mib):.0f}"])
    print(f"machine: {machine()}; {start_load} at the start, {load()} at the end")
    print(f"median (min-max) of {REPEAT} repetitions; each ratio is to the read run just before it")
    print(table(["people", "relationships", "bare pandas read (s)", "validate (s)", "validate / read",
                 "gaps (s)", "gaps / read", "peak MiB"], rows))


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [10_000, 100_000])
