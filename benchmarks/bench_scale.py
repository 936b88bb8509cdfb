"""The scale table of issue 19: every command end to end as a ratio to the bare pandas read.

Usage: python benchmarks/bench_scale.py [--repeat N] [--commands validate,gaps,...] SIZES...
       (default sizes 10000 100000; default commands validate,gaps,refer,audit,match;
        whatif and recruit may be named too)

For each size (a dataset from `mentornet generate --seed 1`, about ten relationships per
person), each command runs in its own process right after a bare pandas read of the same two
files (its anchor), N times (default 3). The first table gives the read's seconds, then for
each command the ratio to the read run just before it and its seconds, as median (min-max);
the second the peak resident memory of each command's process (ru_maxrss of the child, the
largest of the repetitions).

With both gaps and audit, a third table checks audit's goal (at most 1.3 x gaps plus one
candidate search): at the end of each repetition the audit's own search (its gaps without a candidate,
``audit.gaps_without_candidate``) is timed alone in a process that has already read the
dataset and found the gaps, and audit's seconds are divided by 1.3 x that repetition's gaps
seconds plus that search; 1.0 or less meets the goal.
"""
import argparse
import subprocess
import sys

from common import AS_OF, bare_read, command, dataset, load, machine, paired, relationship_count, spread, table

COMMANDS = {
    "validate": (),
    "gaps": ("--format", "csv"),
    "refer": ("--format", "csv"),
    "audit": ("--format", "json"),
    "match": ("--format", "csv"),
    "whatif": ("--top-critical", "10", "--format", "csv"),
    "recruit": ("--format", "csv"),
}


AUDIT_SEARCH = """
import datetime as dt, sys, time
from mentornet import audit, io
from mentornet.snapshot import dataset_snapshot
snap = dataset_snapshot(io.read_dataset(sys.argv[1]), policy=io.read_policy(None), as_of=dt.date.fromisoformat(sys.argv[2]))
snap.gaps
start = time.perf_counter()
audit.gaps_without_candidate(snap)
print(time.perf_counter() - start)
"""


def audit_search_seconds(ds) -> float:
    """Seconds of the audit's one candidate search alone (after the read and the gaps, not timed)."""
    out = subprocess.run([sys.executable, "-c", AUDIT_SEARCH, str(ds), AS_OF], check=True,
                         capture_output=True, text=True).stdout
    return float(out.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("sizes", nargs="*", type=int, default=[10_000, 100_000])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--commands", default="validate,gaps,refer,audit,match")
    args = parser.parse_args()
    names = [c.strip() for c in args.commands.split(",") if c.strip()]
    unknown = [c for c in names if c not in COMMANDS]
    if unknown:
        parser.error(f"unknown command(s) {', '.join(unknown)}; choose from {', '.join(COMMANDS)}")
    times, peaks, budgets = [], [], []
    start_load = load()
    for n in args.sizes:
        ds = dataset(n)
        search: list[float] = []  # the audit's search alone, at the end of each repetition
        budgeted = "gaps" in names and "audit" in names
        anchor, measures = paired({c: command(c, ds, *COMMANDS[c]) for c in names}, bare_read(ds),
                                  repeat=args.repeat,
                                  then=(lambda: search.append(audit_search_seconds(ds))) if budgeted else None)
        times.append([f"{n:,}", f"{relationship_count(ds):,}", spread(anchor.seconds, unit=" s")]
                     + [f"{spread(measures[c].ratios, '{:.1f}', 'x')}; {spread(measures[c].seconds, '{:.1f}', ' s')}"
                        for c in names])
        peaks.append([f"{n:,}", f"{max(anchor.mib):.0f}"] + [f"{max(measures[c].mib):.0f}" for c in names])
        if budgeted:
            budget = [1.3 * g + s for g, s in zip(measures["gaps"].seconds, search)]
            budgets.append([f"{n:,}", spread(measures["audit"].seconds, "{:.1f}", " s"),
                            spread(measures["gaps"].seconds, "{:.1f}", " s"), spread(search, "{:.1f}", " s"),
                            spread(budget, "{:.1f}", " s"),
                            spread([a / b for a, b in zip(measures["audit"].seconds, budget)], "{:.2f}")])
    print(f"machine: {machine()}; {start_load} at the start, {load()} at the end")
    print(f"median (min-max) of {args.repeat} repetitions; each ratio is to the bare read run just before "
          "the command, in the same repetition")
    print(table(["people", "relationships", "bare pandas read"] + [f"{c} / read; seconds" for c in names], times))
    print()
    print(table(["people", "read peak MiB"] + [f"{c} peak MiB" for c in names], peaks))
    if budgets:
        print()
        print("audit against its goal: 1.3 x gaps + the audit's candidate search (timed alone)")
        print(table(["people", "audit", "gaps", "search", "budget", "audit / budget"], budgets))


if __name__ == "__main__":
    main()
