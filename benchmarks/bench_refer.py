"""Benchmark for referrals and matching (issue 3).

Usage: python benchmarks/bench_refer.py [SIZES...]   (default 1000 10000 100000)

Times `refer` (all gaps) and `match` end to end at each size, each run right after a bare
pandas read of the same files (its anchor); median (min-max) of three repetitions, of the
seconds, the ratio to that read and the peak memory. Then, at 5,000 people, compares the
vectorised referrals against the straightforward implementation (one NetworkX BFS per mentee,
every reachable person filtered and ranked in Python: mentornet._reference), both in one
process per repetition, checking the output is identical.
Goals: refer at 100,000 people <= 60 s and < 4 GB; match <= 120 s (issue 19: <= 30 s).
"""
import subprocess
import sys

from common import REPEAT, bare_read, command, dataset, load, machine, paired, spread, table

COMPARE = """
import datetime as dt, time, mentornet
from mentornet.referrals import find_referrals
from mentornet._reference import reference_referrals
ds = mentornet.read_dataset(r'{ds}')
p, d = mentornet.Policy(), dt.date(2026, 11, 25)
t = time.perf_counter(); fast = find_referrals(ds, policy=p, as_of=d); t_fast = time.perf_counter() - t
t = time.perf_counter(); slow = reference_referrals(ds, policy=p, as_of=d); t_slow = time.perf_counter() - t
cols = ["mentee_id", "area", "rank", "candidate_id", "hops", "score", "path"]
same = fast[cols].astype(str).reset_index(drop=True).equals(slow[cols].astype(str).reset_index(drop=True))
print(f"{{len(fast)}} {{t_fast:.2f}} {{t_slow:.2f}} {{same}}")
"""


def compare(n=5000, repeat=REPEAT):
    ds = dataset(n)
    fast, slow, same = [], [], True
    for _ in range(repeat):
        out = subprocess.run([sys.executable, "-c", COMPARE.format(ds=ds)], capture_output=True, text=True, check=True)
        rows, f, s, ok = out.stdout.split()
        fast.append(float(f))
        slow.append(float(s))
        same &= ok == "True"
    return int(rows), fast, slow, same


def main(sizes):
    rows = []
    start_load = load()
    for n in sizes:
        ds = dataset(n)
        anchor, m = paired({"refer": command("refer", ds, "--format", "csv"),
                            "match": command("match", ds, "--format", "csv")}, bare_read(ds))
        rows.append([f"{n:,}", spread(anchor.seconds), spread(m["refer"].seconds, "{:.1f}"),
                     spread(m["refer"].ratios, "{:.1f}", "x"), spread(m["refer"].mib, "{:.0f}"),
                     spread(m["match"].seconds, "{:.1f}"), spread(m["match"].ratios, "{:.1f}", "x"),
                     spread(m["match"].mib, "{:.0f}")])
    n_rows, fast, slow, same = compare()
    print(f"machine: {machine()}; {start_load} at the start, {load()} at the end")
    print(f"median (min-max) of {REPEAT} repetitions; each ratio is to the read run just before it")
    print(table(["people", "bare read (s)", "refer (s)", "refer / read", "refer peak MiB", "match (s)",
                 "match / read", "match peak MiB"], rows))
    print()
    print(table(["5,000 people", "referral rows", "vectorised (s)", "straightforward (s)", "speed-up", "identical"],
                [["all gaps", n_rows, spread(fast), spread(slow),
                  spread([s / f for f, s in zip(fast, slow)], "{:.0f}", "x"), same]]))


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [1_000, 10_000, 100_000])
