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
"""
import argparse

from common import bare_read, command, dataset, load, machine, paired, relationship_count, spread, table

COMMANDS = {
    "validate": (),
    "gaps": ("--format", "csv"),
    "refer": ("--format", "csv"),
    "audit": ("--format", "json"),
    "match": ("--format", "csv"),
    "whatif": ("--top-critical", "10", "--format", "csv"),
    "recruit": ("--format", "csv"),
}


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
    times, peaks = [], []
    start_load = load()
    for n in args.sizes:
        ds = dataset(n)
        anchor, measures = paired({c: command(c, ds, *COMMANDS[c]) for c in names}, bare_read(ds),
                                  repeat=args.repeat)
        times.append([f"{n:,}", f"{relationship_count(ds):,}", spread(anchor.seconds, unit=" s")]
                     + [f"{spread(measures[c].ratios, '{:.1f}', 'x')}; {spread(measures[c].seconds, '{:.1f}', ' s')}"
                        for c in names])
        peaks.append([f"{n:,}", f"{max(anchor.mib):.0f}"] + [f"{max(measures[c].mib):.0f}" for c in names])
    print(f"machine: {machine()}; {start_load} at the start, {load()} at the end")
    print(f"median (min-max) of {args.repeat} repetitions; each ratio is to the bare read run just before "
          "the command, in the same repetition")
    print(table(["people", "relationships", "bare pandas read"] + [f"{c} / read; seconds" for c in names], times))
    print()
    print(table(["people", "read peak MiB"] + [f"{c} peak MiB" for c in names], peaks))


if __name__ == "__main__":
    main()
