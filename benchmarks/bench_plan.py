"""Benchmark for planning (issue 18): `whatif --top-critical 10` and `recruit` against `refer` and
`match` in the same run.

Usage: python benchmarks/bench_plan.py [SIZES...]   (default 20000; the issue names 100,000)

Each command runs end to end (reading the files included) on a generated dataset. Ratios:
`whatif` to `refer` (all gaps) and to a `refer` of only the mentees the departure affects (the
issue's goal: within 1.5x of that); `recruit` to `match` (goal: within 1.2x; `recruit` runs
`match` and then groups its open gaps).
"""
import subprocess
import sys

from common import dataset, machine, run, table

MN = [sys.executable, "-m", "mentornet"]
AS_OF = "2026-11-25"

AFFECTED = """
import datetime as dt, time, mentornet
from mentornet.backends.networkx import NetworkXBackend
ds = mentornet.read_dataset(r'{ds}')
b = NetworkXBackend(ds)
snap = b.snapshot(policy=mentornet.Policy(), as_of=dt.date(2026, 11, 25))
mentees = {mentees!r}
t = time.perf_counter()
for m in mentees:
    b.ranked_candidates(snap, limit=snap.policy.top_k, mentee=m)
print(f"{{time.perf_counter() - t:.2f}}")
"""


def main(sizes):
    rows = []
    for n in sizes:
        ds = dataset(n)
        out = subprocess.run(MN + ["whatif", str(ds), "--as-of", AS_OF, "--top-critical", "10", "--format", "csv"],
                             capture_output=True, text=True, check=True)
        mentees = sorted({line.split(",")[0] for line in out.stdout.splitlines()[1:]})
        whatif, whatif_mem = run(MN + ["whatif", str(ds), "--as-of", AS_OF, "--top-critical", "10", "--format", "csv"])
        refer, _ = run(MN + ["refer", str(ds), "--as-of", AS_OF, "--format", "csv"])
        recruit, recruit_mem = run(MN + ["recruit", str(ds), "--as-of", AS_OF, "--format", "csv"])
        match, _ = run(MN + ["match", str(ds), "--as-of", AS_OF, "--format", "csv"])
        # the referral part alone, in process, for the affected mentees (files read outside the timing)
        affected = float(subprocess.run([sys.executable, "-c", AFFECTED.format(ds=ds, mentees=mentees)],
                                        capture_output=True, text=True, check=True).stdout)
        rows.append([f"{n:,}", len(mentees), f"{whatif:.1f}", f"{whatif_mem:.0f}", f"{refer:.1f}",
                     f"{whatif / refer:.2f}x", f"{affected:.1f}", f"{recruit:.1f}", f"{recruit_mem:.0f}",
                     f"{match:.1f}", f"{recruit / match:.2f}x"])
    print(f"machine: {machine()}")
    print(table(["people", "mentees affected", "whatif --top-critical 10 (s)", "whatif peak MiB", "refer (s)",
                 "whatif/refer", "refer of affected, in process (s)", "recruit (s)", "recruit peak MiB",
                 "match (s)", "recruit/match"], rows))


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [20_000])
