"""Benchmark for planning (issue 18): `whatif --top-critical 10` against one `refer` of the mentees
it affects, and `recruit` against `match`, each pair measured in the same repetition.

Usage: python benchmarks/bench_plan.py [--reps N] [--neo4j] [SIZES...]
       (default 3 repetitions at 20,000 people; the issue names 100,000)

Goals (issue 18): `whatif` within 1.5x of one `refer` of the affected mentees; `recruit` within
1.2x of `match`.

Like for like: each side of a pair is its own Python process that runs the same steps, so
neither pays anything the other does not:
- whatif side: read the files, then (timed) snapshot, rule warnings, the 10 most critical
  mentors, :func:`mentornet.planning.whatif`;
- refer side: read the files, then (timed) snapshot, rule warnings, the top-k referrals with
  paths of every gap of the mentees the whatif affects (one ``ranked_candidates`` call, what
  ``refer`` does for them).
"from a read dataset" is the timed part; "from files" is the whole process (start, imports,
reading the same files, the timed part). `recruit` and `match` are the two commands end to end
(both read the files and print CSV). The order of the two sides alternates between
repetitions; each ratio is taken within a repetition, then summarised as median (min-max).

``--neo4j`` also starts a Neo4j 5.26 (tests/neo4j/start, as benchmarks/bench_neo4j.py does),
loads each dataset and times `whatif --top-critical 10` and `recruit` on the bolt:// URI against
the directory, end to end, checking both print the same CSV.
"""
from __future__ import annotations

import hashlib
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from common import dataset, machine, run, table

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
start = time.perf_counter()
backend = NetworkXBackend(ds)
snap = backend.snapshot(policy=policy, as_of=as_of)
backend.warnings(snap)
if side == "whatif":
    rows = planning.whatif(backend, snap, planning.top_critical(backend, snap, int(sys.argv[5])))
    mentees = sorted(set(rows["mentee_id"]))
else:
    rows = backend.ranked_candidates(snap, limit=policy.top_k, mentees=mentees, with_paths=True)
print(json.dumps({"seconds": time.perf_counter() - start, "rows": len(rows), "mentees": mentees}))
"""


def side(ds: Path, which: str, mentees: list[str]) -> dict:
    """One side in its own process: the timed part, the whole process and its peak memory."""
    with tempfile.TemporaryFile() as out:
        wall, mib = run([sys.executable, "-c", SIDE, str(ds), which, json.dumps(mentees), AS_OF, str(TOP_CRITICAL)],
                        stdout=out)
        out.seek(0)
        result = json.loads(out.read())
    return {**result, "wall": wall, "mib": mib}


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
        steps = [lambda: w.append(side(ds, "whatif", [])), lambda: r.append(side(ds, "refer", mentees))]
        for step in steps if rep % 2 == 0 else steps[::-1]:
            step()
        cli = [lambda: rec.append(run(MN + ["recruit", str(ds), "--as-of", AS_OF, "--format", "csv"])),
               lambda: mat.append(run(MN + ["match", str(ds), "--as-of", AS_OF, "--format", "csv"]))]
        for step in cli if rep % 2 == 0 else cli[::-1]:
            step()
        print(f"  {n:,} people, repetition {rep + 1}: whatif {w[-1]['seconds']:.2f} s / refer of the affected "
              f"{r[-1]['seconds']:.2f} s (from files {w[-1]['wall']:.1f} / {r[-1]['wall']:.1f} s); "
              f"recruit {rec[-1][0]:.1f} s / match {mat[-1][0]:.1f} s", file=sys.stderr)
    assert all(x["mentees"] == mentees for x in w), "whatif affected different mentees between runs"
    secs = lambda rows, key: [x[key] for x in rows]  # noqa: E731
    rec_s, mat_s = [t for t, _ in rec], [t for t, _ in mat]
    what = (f"whatif --top-critical {TOP_CRITICAL} ({w[0]['rows']} rows) / refer of the {len(mentees)} "
            f"mentees it affects ({r[0]['rows']} rows)")
    return [
        [f"{n:,}", what + ", from a read dataset", summary(secs(w, "seconds")), summary(secs(r, "seconds")),
         ratios(secs(w, "seconds"), secs(r, "seconds")), "1.5x", ""],
        [f"{n:,}", what + ", from files", summary(secs(w, "wall")), summary(secs(r, "wall")),
         ratios(secs(w, "wall"), secs(r, "wall")), "", f"{max(secs(w, 'mib')):.0f} / {max(secs(r, 'mib')):.0f}"],
        [f"{n:,}", "recruit / match, end to end", summary(rec_s), summary(mat_s), ratios(rec_s, mat_s), "1.2x",
         f"{max(m for _, m in rec):.0f} / {max(m for _, m in mat):.0f}"],
    ]


def on_neo4j(sizes: list[int], reps: int) -> list[list]:
    """whatif --top-critical 10 and recruit on Neo4j against the directory, end to end."""
    from bench_neo4j import PASSWORD, Server

    os.environ["NEO4J_PASSWORD"] = PASSWORD
    os.environ.setdefault("NEO4J_USERNAME", "neo4j")
    server = Server()
    rows = []
    scratch = Path(tempfile.mkdtemp(prefix="mentornet-bench-plan-"))
    try:
        for n in sizes:
            ds = dataset(n)
            load_s, _ = run(MN + ["load", str(ds), server.uri, "--replace"])
            rows.append([f"{n:,}", "load", "", f"{load_s:.1f}", "", ""])
            for args in (["whatif", "--top-critical", str(TOP_CRITICAL)], ["recruit"]):
                neo, emb, same = [], [], True
                for rep in range(reps):
                    pair = [(neo, server.uri), (emb, str(ds))]
                    digests = {}
                    for times, source in pair if rep % 2 == 0 else pair[::-1]:
                        out = scratch / f"{args[0]}-{len(times)}-{'neo4j' if source == server.uri else 'dir'}.csv"
                        with open(out, "wb") as fh:
                            times.append(run(MN + [args[0], source, *args[1:], "--as-of", AS_OF, "--format", "csv"],
                                             stdout=fh))
                        digests[source] = hashlib.sha256(out.read_bytes()).hexdigest()
                    same &= digests[server.uri] == digests[str(ds)]
                    print(f"  {n:,} people, {args[0]} repetition {rep + 1}: neo4j {neo[-1][0]:.1f} s, "
                          f"embedded {emb[-1][0]:.1f} s", file=sys.stderr)
                lines = sum(1 for _ in open(out, encoding="utf-8")) - 1
                rows.append([f"{n:,}", f"{' '.join(args)} ({lines:,} rows)", summary([t for t, _ in neo]),
                             summary([t for t, _ in emb]),
                             f"{max(m for _, m in neo):.0f} / {max(m for _, m in emb):.0f}",
                             ratios([t for t, _ in neo], [t for t, _ in emb]) + ("" if same else " (OUTPUT DIFFERS)")])
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
    print(f"machine: {machine()}; {reps} repetitions, figures as median (min-max)")
    rows = [row for n in sizes for row in embedded(n, reps)]
    print(table(["people", "pair", "planning command", "baseline", "ratio", "goal", "peak MiB"], rows))
    if neo4j:
        print(table(["people", "command", "neo4j", "embedded", "client peak MiB (neo4j / embedded)",
                     "neo4j / embedded"], on_neo4j(sizes, reps)))


if __name__ == "__main__":
    main(sys.argv[1:])
