"""Benchmark of loading into Neo4j: the online `load` and the bulk path, paired in each repetition.

Usage: python benchmarks/bench_load.py [--reps N] [SIZES...]   (default: 3 repetitions of 100000)

Each repetition, for each generated dataset (~10 relationships per person):

1. online: a fresh Neo4j 5.26 (tests/neo4j/start, an empty home; heap/page cache as in
   bench_neo4j.py), `mentornet load DIR URI` into the empty database, then
   `mentornet load DIR URI --replace` over it (the batched delete is inside that time);
2. bulk: `mentornet load DIR --bulk HOME --neo4j-admin tests/neo4j/admin` into a new home
   (validation, the CSV files and Neo4j's importer, a JVM start included; each timed), a server started
   on it (timed apart: a user starts their own), then `mentornet finish-import URI`
   (constraint, indexes, empty lists, dataset record). End to end = import + finish.

Prints the median (min-max) of each step over the repetitions, in relationships per second,
with the machine and its load average (other work on a shared machine shows there).
Goals (issue 19): online >= 40k rel/s into an empty database on a quiet machine, --replace
not below the first load's rate; bulk >= 60k rel/s end to end at ~1M relationships.
"""
from __future__ import annotations

import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench_neo4j import MN, PASSWORD, ROOT, Server
from common import dataset, machine, run, table

ADMIN = ROOT / "tests" / "neo4j" / "admin"


def summary(values: list[float]) -> str:
    return f"{statistics.median(values):,.0f} ({min(values):,.0f}-{max(values):,.0f})"


def one_repetition(ds: Path, rels: int) -> dict[str, float]:
    rates = {}
    server = Server()
    try:
        seconds, _ = run(MN + ["load", str(ds), server.uri])
        rates["online, empty database"] = rels / seconds
        seconds, _ = run(MN + ["load", str(ds), server.uri, "--replace"])
        rates["online --replace"] = rels / seconds
    finally:
        server.stop()
    home = Path(tempfile.mkdtemp(prefix="mentornet-bench-bulk-")) / "home"
    home.mkdir()
    try:
        started = time.perf_counter()
        done = subprocess.run(MN + ["load", str(ds), "--bulk", str(home), "--neo4j-admin", str(ADMIN)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        imported = time.perf_counter() - started
        if done.returncode != 0:
            raise SystemExit(f"the bulk import failed:\n{done.stderr}")
        phases = re.search(r"files ([0-9.]+) s, importer ([0-9.]+) s", done.stderr)
        rates["bulk: import (validate, files, importer)"] = rels / imported
        rates["bulk: of which reading and validation (s)"] = imported - float(phases[1]) - float(phases[2])
        rates["bulk: of which import files (s)"] = float(phases[1])
        rates["bulk: of which importer (s)"] = float(phases[2])
        server = Server(home)
        try:
            rates["bulk: server start on the store (s)"] = server.start_seconds
            finished, _ = run(MN + ["finish-import", server.uri])
            rates["bulk: finish-import (s)"] = finished
            rates["bulk: end to end (import + finish)"] = rels / (imported + finished)
        finally:
            server.stop()
    finally:
        shutil.rmtree(home.parent, ignore_errors=True)
    return rates


def main(sizes: list[int], reps: int) -> None:
    os.environ["NEO4J_PASSWORD"] = PASSWORD
    os.environ.setdefault("NEO4J_USERNAME", "neo4j")
    rows = []
    loads = []
    for n in sizes:
        ds = dataset(n)
        rels = sum(1 for _ in open(ds / "relationships.csv", encoding="utf-8")) - 1
        found: dict[str, list[float]] = {}
        for _ in range(reps):
            loads.append(os.getloadavg()[0])
            for step, value in one_repetition(ds, rels).items():
                found.setdefault(step, []).append(value)
        for step, values in found.items():
            unit = "s" if step.endswith("(s)") else "rel/s"
            shown = (f"{statistics.median(values):.1f} ({min(values):.1f}-{max(values):.1f})" if unit == "s"
                     else summary(values))
            rows.append([f"{n:,}", f"{rels:,}", step.replace(" (s)", ""), shown, unit])
    print(f"machine: {machine()}; load average at the start of each repetition: "
          f"{', '.join(f'{x:.1f}' for x in loads)}; {reps} repetitions, median (min-max)")
    print(table(["people", "relationships", "step", "value", "unit"], rows))


if __name__ == "__main__":
    args = sys.argv[1:]
    reps = 3
    if "--reps" in args:
        i = args.index("--reps")
        reps = int(args[i + 1])
        del args[i:i + 2]
    main([int(a) for a in args] or [100_000], reps)
