"""Benchmark for planning (issue 18): `whatif --top-critical 10` against one `refer` of the mentees
it affects, and `recruit` against `match`, each pair measured in the same repetition.

Usage: python benchmarks/bench_plan.py [--reps N] [--neo4j] [SIZES...]
       (default 3 repetitions at 20,000 people; the issue names 100,000)

Goals (issue 18): `whatif` within 1.5x of one `refer` of the affected mentees; `recruit` within
1.2x of `match`.

Like for like: each side of a pair is its own Python process that runs the same steps, so
neither pays anything the other does not:
- whatif side: read the files, then (timed) snapshot, rule warnings, the covering mentors, the
  10 most critical mentors, :func:`mentornet.planning.whatif` (what the command does);
- refer side: read the files, then (timed) snapshot, rule warnings, the top-k referrals with
  paths of every gap of the mentees the whatif affects (one ``ranked_candidates`` call, what
  ``refer`` does for them).
"from a read dataset" is the timed part; "from files" is the whole process (start, imports,
reading the same files, the timed part). `recruit` and `match` are the two commands end to end
(both read the files and print CSV). The two sides of a pair run back to back, their order
alternating between repetitions; each ratio is taken within a repetition, then summarised as
median (min-max), of wall time and of CPU time (user + system: the steadier figure on a machine
shared with other work, where wall time includes waiting for a core).

``--neo4j`` also starts a Neo4j 5.26 (tests/neo4j/start, as benchmarks/bench_neo4j.py does),
loads each dataset and times `whatif --top-critical 10` and `recruit` on the bolt:// URI against
the directory, end to end, checking both print the same CSV (the Neo4j side's CPU time is the
client's plus what the server used meanwhile).
"""
from __future__ import annotations

import hashlib
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import dataset, load, machine, table

MN = [sys.executable, "-m", "mentornet"]
AS_OF = "2026-11-25"
TOP_CRITICAL = 10

SIDE = """
import datetime as dt, json, sys, time
import mentornet
from mentornet import planning
from mentornet.backends.networkx import NetworkXBackend

ds = mentornet.read_dataset(sys.argv[1])
side, mentees = sys.argv[2], json.loads(sys.argv[3])
policy, as_of = mentornet.Policy(), dt.date.fromisoformat(sys.argv[4])
start, cpu = time.perf_counter(), time.process_time()
backend = NetworkXBackend(ds)
snap = backend.snapshot(policy=policy, as_of=as_of)
backend.warnings(snap)
if side == "whatif":
    covering = backend.covering_mentors(snap)
    gone = planning.top_critical(backend, snap, int(sys.argv[5]), covering=covering)
    rows = planning.whatif(backend, snap, gone, covering=covering)
    mentees = sorted(set(rows["mentee_id"]))
else:
    rows = backend.ranked_candidates(snap, limit=policy.top_k, mentees=mentees, with_paths=True)
print(json.dumps({"seconds": time.perf_counter() - start, "cpu": time.process_time() - cpu, "rows": len(rows),
                  "mentees": mentees}))
"""


def run(cmd: list[str], stdout=subprocess.DEVNULL) -> dict:
    """Run ``cmd``: wall seconds, CPU seconds (user + system) and peak resident MiB of that process.

    CPU time is the steadier figure on a machine shared with other work (wall time there
    includes waiting for a core); both are reported."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=stdout, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    err = proc.stderr.read().decode(errors="replace")
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"failed ({status}): {' '.join(cmd)}\n{err}")
    return {"wall": wall, "cpu_total": usage.ru_utime + usage.ru_stime, "mib": usage.ru_maxrss / 1024}


def side(ds: Path, which: str, mentees: list[str]) -> dict:
    """One side in its own process: the timed part, the whole process and its peak memory."""
    with tempfile.TemporaryFile() as out:
        process = run([sys.executable, "-c", SIDE, str(ds), which, json.dumps(mentees), AS_OF, str(TOP_CRITICAL)],
                      stdout=out)
        out.seek(0)
        return {**json.loads(out.read()), **process}


def summary(values, unit="s", digits=1) -> str:
    """median (min-max) of a list of figures."""
    fmt = f"{{:.{digits}f}}"
    return f"{fmt.format(statistics.median(values))}{unit} ({fmt.format(min(values))}-{fmt.format(max(values))})"


def ratios(a, b) -> str:
    return summary([x / y for x, y in zip(a, b)], unit="x", digits=2)


def embedded(n: int, reps: int) -> list[list]:
    ds = dataset(n)
    mentees = side(ds, "whatif", [])["mentees"]  # a first run, untimed: which mentees the departure affects
    w, r, rec, mat = [], [], [], []
    for rep in range(reps):
        steps = [lambda: w.append(side(ds, "whatif", [])), lambda: r.append(side(ds, "refer", mentees)),
                 lambda: rec.append(run(MN + ["recruit", str(ds), "--as-of", AS_OF, "--format", "csv"])),
                 lambda: mat.append(run(MN + ["match", str(ds), "--as-of", AS_OF, "--format", "csv"]))]
        for a, b in ((0, 1), (2, 3)):  # each pair back to back, its order alternating
            for step in (steps[a], steps[b]) if rep % 2 == 0 else (steps[b], steps[a]):
                step()
        print(f"  {n:,} people, repetition {rep + 1}: whatif {w[-1]['seconds']:.2f} s ({w[-1]['cpu']:.2f} s CPU) / "
              f"refer of the affected {r[-1]['seconds']:.2f} s ({r[-1]['cpu']:.2f} s CPU); from files "
              f"{w[-1]['wall']:.1f} / {r[-1]['wall']:.1f} s; recruit {rec[-1]['wall']:.1f} s / "
              f"match {mat[-1]['wall']:.1f} s", file=sys.stderr)
    assert all(x["mentees"] == mentees for x in w), "whatif affected different mentees between runs"
    what = (f"whatif --top-critical {TOP_CRITICAL} ({w[0]['rows']} rows) / refer of the {len(mentees)} "
            f"mentees it affects ({r[0]['rows']} rows)")
    peak = lambda a, b: f"{max(x['mib'] for x in a):.0f} / {max(x['mib'] for x in b):.0f}"  # noqa: E731
    return [pair_row(n, what + ", from a read dataset", w, r, "seconds", "cpu", "1.5x", ""),
            pair_row(n, what + ", from files", w, r, "wall", "cpu_total", "", peak(w, r)),
            pair_row(n, "recruit / match, end to end", rec, mat, "wall", "cpu_total", "1.2x", peak(rec, mat))]


def pair_row(n, what, a, b, wall, cpu, goal, peak) -> list:
    """One table row: both sides' wall time, the ratio of wall times and of CPU times."""
    key = lambda rows, k: [x[k] for x in rows]  # noqa: E731
    return [f"{n:,}", what, summary(key(a, wall)), summary(key(b, wall)), ratios(key(a, wall), key(b, wall)),
            ratios(key(a, cpu), key(b, cpu)), goal, peak]


def server_cpu(pid: int) -> float:
    """CPU seconds (user + system) the Neo4j server process has used so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def on_neo4j(sizes: list[int], reps: int) -> list[list]:
    """whatif --top-critical 10 and recruit on Neo4j against the directory, end to end; the
    Neo4j side's CPU is the client's plus what the server used meanwhile."""
    from bench_neo4j import PASSWORD, Server

    os.environ["NEO4J_PASSWORD"] = PASSWORD
    os.environ.setdefault("NEO4J_USERNAME", "neo4j")
    server = Server()
    rows = []
    scratch = Path(tempfile.mkdtemp(prefix="mentornet-bench-plan-"))
    try:
        for n in sizes:
            ds = dataset(n)
            loaded = run(MN + ["load", str(ds), server.uri, "--replace"])
            rows.append([f"{n:,}", "load", f"{loaded['wall']:.1f}s", "", "", "", ""])
            for args in (["whatif", "--top-critical", str(TOP_CRITICAL)], ["recruit"]):
                neo, emb, same = [], [], True
                for rep in range(reps):
                    digests = {}
                    pair = [(neo, server.uri), (emb, str(ds))]
                    for times, source in pair if rep % 2 == 0 else pair[::-1]:
                        out = scratch / f"{args[0]}-{'neo4j' if times is neo else 'dir'}.csv"
                        before = server_cpu(server.proc.pid)
                        with open(out, "wb") as fh:
                            result = run(MN + [args[0], source, *args[1:], "--as-of", AS_OF, "--format", "csv"],
                                         stdout=fh)
                        if times is neo:
                            result["cpu_total"] += server_cpu(server.proc.pid) - before
                        times.append(result)
                        digests[source] = hashlib.sha256(out.read_bytes()).hexdigest()
                    same &= digests[server.uri] == digests[str(ds)]
                    print(f"  {n:,} people, {args[0]} repetition {rep + 1}: neo4j {neo[-1]['wall']:.1f} s, "
                          f"embedded {emb[-1]['wall']:.1f} s", file=sys.stderr)
                lines = sum(1 for _ in open(out, encoding="utf-8")) - 1
                row = pair_row(n, f"{' '.join(args)} ({lines:,} rows)", neo, emb, "wall", "cpu_total", "",
                               f"{max(x['mib'] for x in neo):.0f} / {max(x['mib'] for x in emb):.0f}")
                rows.append(row[:4] + [row[4] + ("" if same else " (OUTPUT DIFFERS)")] + row[5:6] + row[7:])
        server_mib = server.peak_mib()
    finally:
        server.stop()
    print(f"Neo4j server peak RSS {server_mib:,.0f} MiB (heap {os.environ.get('MENTORNET_NEO4J_HEAP', '4g')})")
    return rows


def main(argv):
    reps = 3
    if "--reps" in argv:
        at = argv.index("--reps")
        reps = int(argv[at + 1])
        del argv[at:at + 2]
    neo4j = "--neo4j" in argv
    sizes = [int(a) for a in argv if a != "--neo4j"] or [20_000]
    print(f"machine: {machine()}; {load()} at the start; {reps} repetitions, figures as median (min-max)")
    rows = [row for n in sizes for row in embedded(n, reps)]
    print(table(["people", "pair", "planning command", "baseline", "ratio (wall)", "ratio (CPU)", "goal",
                 "peak MiB"], rows))
    if neo4j:
        print(table(["people", "command", "neo4j", "embedded", "neo4j / embedded (wall)",
                     "(CPU: client + server)", "client peak MiB (neo4j / embedded)"], on_neo4j(sizes, reps)))
    print(f"{load()} at the end")


if __name__ == "__main__":
    main(sys.argv[1:])
