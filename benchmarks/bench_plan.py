"""Benchmark for planning (issue 18): `whatif --top-critical 10` and `recruit` against `refer` and
`match` in the same run.

Usage: python benchmarks/bench_plan.py [SIZES...]   (default 20000; the issue names 100,000)

Each command runs end to end (reading the files included) on a generated dataset, right after a
bare pandas read of the same files (its anchor); median (min-max) of three repetitions. Ratios,
within each repetition: `whatif` to `refer` (all gaps) and to a `refer` of only the mentees the
departure affects, in process (the issue's goal: within 1.5x of that); `recruit` to `match`
(goal: within 1.2x; `recruit` runs `match` and then groups its open gaps).
"""
import subprocess
import sys

from common import AS_OF, MN, REPEAT, bare_read, command, dataset, load, machine, paired, spread, table

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
    start_load = load()
    for n in sizes:
        ds = dataset(n)
        out = subprocess.run(MN + ["whatif", str(ds), "--as-of", AS_OF, "--top-critical", "10", "--format", "csv"],
                             capture_output=True, text=True, check=True)
        mentees = sorted({line.split(",")[0] for line in out.stdout.splitlines()[1:]})
        anchor, m = paired({"whatif": command("whatif", ds, "--top-critical", "10", "--format", "csv"),
                            "refer": command("refer", ds, "--format", "csv"),
                            "recruit": command("recruit", ds, "--format", "csv"),
                            "match": command("match", ds, "--format", "csv")}, bare_read(ds))
        # the referral part alone, in process, for the affected mentees (files read outside the timing)
        affected = [float(subprocess.run([sys.executable, "-c", AFFECTED.format(ds=ds, mentees=mentees)],
                                         capture_output=True, text=True, check=True).stdout) for _ in range(REPEAT)]
        w, rf, rc, mt = m["whatif"].seconds, m["refer"].seconds, m["recruit"].seconds, m["match"].seconds
        rows.append([f"{n:,}", len(mentees), spread(anchor.seconds), spread(w, "{:.1f}"), f"{max(m['whatif'].mib):.0f}",
                     spread(rf, "{:.1f}"), spread([a / b for a, b in zip(w, rf)], unit="x"), spread(affected, "{:.1f}"),
                     spread(rc, "{:.1f}"), f"{max(m['recruit'].mib):.0f}", spread(mt, "{:.1f}"),
                     spread([a / b for a, b in zip(rc, mt)], unit="x")])
    print(f"machine: {machine()}; {start_load} at the start, {load()} at the end")
    print(f"median (min-max) of {REPEAT} repetitions; ratios within a repetition")
    print(table(["people", "mentees affected", "bare read (s)", "whatif --top-critical 10 (s)", "whatif peak MiB",
                 "refer (s)", "whatif/refer", "refer of affected, in process (s)", "recruit (s)", "recruit peak MiB",
                 "match (s)", "recruit/match"], rows))


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [20_000])
