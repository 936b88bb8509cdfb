"""Benchmark for referrals and matching (issue 3).

Usage: python benchmarks/bench_refer.py [SIZES...]   (default 1000 10000 100000)

Times `refer` (all gaps) and `match` end to end at each size, with peak memory, and at
5,000 people compares the vectorised referrals against the straightforward
implementation (one NetworkX BFS per mentee, every reachable person filtered and ranked in
Python: mentornet._reference), checking the output is identical.
Goals: refer at 100,000 people <= 60 s and < 4 GB; match <= 120 s; >= 4x the baseline.
"""
import sys

from common import dataset, machine, python, run, table

MN = [sys.executable, "-m", "mentornet"]
AS_OF = "2026-11-25"

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


def compare(n=5000):
    import subprocess
    ds = dataset(n)
    out = subprocess.run([sys.executable, "-c", COMPARE.format(ds=ds)], capture_output=True, text=True, check=True)
    rows, fast, slow, same = out.stdout.split()
    return int(rows), float(fast), float(slow), same == "True"


def main(sizes):
    rows = []
    for n in sizes:
        ds = dataset(n)
        refer, refer_mem = run(MN + ["refer", str(ds), "--as-of", AS_OF, "--format", "csv"])
        match, match_mem = run(MN + ["match", str(ds), "--as-of", AS_OF, "--format", "csv"])
        rows.append([f"{n:,}", f"{refer:.1f}", f"{refer_mem:.0f}", f"{match:.1f}", f"{match_mem:.0f}"])
    print(f"machine: {machine()}")
    print(table(["people", "refer (s)", "refer peak MiB", "match (s)", "match peak MiB"], rows))
    n_rows, fast, slow, same = compare()
    print()
    print(table(["5,000 people", "referral rows", "vectorised (s)", "straightforward (s)", "speed-up", "identical"],
                [["all gaps", n_rows, f"{fast:.2f}", f"{slow:.2f}", f"{slow / fast:.1f}x", same]]))


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [1_000, 10_000, 100_000])
