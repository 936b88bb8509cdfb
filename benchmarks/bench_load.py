"""Benchmark of loading into Neo4j: the online `load` and the bulk path, paired in each repetition.

Usage: python benchmarks/bench_load.py [--reps N] [SIZES...]   (default: 3 repetitions of 100000)

Each repetition, for each generated dataset (~10 relationships per person):

1. online: a fresh Neo4j 5.26 (tests/neo4j/start, an empty home; heap/page cache as in
   bench_neo4j.py), `mentornet load DIR URI` into the empty database, then three loads with
   `--replace` over it, one after the other: the same files (updated in place: what is not in
   the files is deleted inside that time), a later export of them (:func:`later_export`), and
   another dataset of the same size (`generate --seed 2`: the same ids, other relationships);
   then everything deleted (``Neo4jBackend.delete_loaded``, untimed) and the files loaded into
   the empty database once more: the same load on a server whose JVM has compiled its code
   during the four loads before, as a server that has run for a while has (it reuses the ids
   the delete freed, where the first load extends the store files, and finds the constraint
   and indexes there, which the first load creates on the empty database before writing);
2. bulk: `mentornet load DIR --bulk HOME --neo4j-admin tests/neo4j/admin` into a new home
   (validation, the CSV files and Neo4j's importer, a JVM start included; each timed), a server started
   on it (timed apart: a user starts their own), then `mentornet finish-import URI`
   (constraint, indexes, empty lists, dataset record). End to end = import + finish.

Prints the median (min-max) of each step over the repetitions, in relationships per second,
with the machine and its load average (other work on a shared machine shows there); beside
each online step and finish-import, the CPU seconds of the client (mentornet) and of the
server's JVM (read from /proc), how much of the server's went to the JVM's JIT compiler
threads (C1, C2) and to its garbage collector (:class:`ServerThreads`), and the relationships
per CPU second, the steadier figure when other work shares the cores.
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
import threading
import time
from collections import Counter
from pathlib import Path

from bench_neo4j import MN, PASSWORD, ROOT, Server
from common import dataset, machine, relationship_count, table

ADMIN = ROOT / "tests" / "neo4j" / "admin"


def summary(values: list[float]) -> str:
    return f"{statistics.median(values):,.0f} ({min(values):,.0f}-{max(values):,.0f})"


TICKS = os.sysconf("SC_CLK_TCK")


def proc_stat(path: Path) -> tuple[str, float, str]:
    """(name, CPU seconds, start time) of the process or thread whose ``/proc`` stat file is
    ``path``."""
    raw = path.read_text()
    fields = raw.rsplit(")", 1)[1].split()
    return raw[raw.index("(") + 1:raw.rindex(")")], (int(fields[11]) + int(fields[12])) / TICKS, fields[19]


def server_cpu(server: Server) -> float:
    """CPU seconds the server's JVM has used (the start script execs java)."""
    return proc_stat(Path(f"/proc/{server.proc.pid}/stat"))[1]


class ServerThreads:
    """The server JVM's CPU seconds by kind of thread over a step: ``jit`` (the C1 and C2
    compiler threads), ``gc`` (G1's threads) and ``other`` (everything else: Neo4j's threads,
    such as the Bolt workers running the statements, the page cache and the transaction log,
    and the JVM's own, such as the VM thread that runs part of each collection pause). Each
    thread's CPU time is read from ``/proc/PID/task`` every :attr:`EVERY` seconds, keyed by its
    id and start time (an id the kernel hands on to a new thread is a new key) and counted under
    its last name; a thread that ends during the step (the JVM stops compiler threads it no
    longer needs) counts up to its last reading, so the kinds are slightly low, never high."""

    EVERY = 0.25
    KINDS = (("jit", ("C1 CompilerThre", "C2 CompilerThre")), ("gc", ("GC Thread", "G1 ")))

    def __init__(self, server: Server):
        self._tasks = Path(f"/proc/{server.proc.pid}/task")
        self._start = self._read()
        self._last = dict(self._start)
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()

    def _read(self) -> dict[tuple[str, str], tuple[str, float]]:
        """(thread id, start time) -> (name, CPU seconds); empty once the server has ended."""
        found = {}
        try:
            tasks = list(self._tasks.iterdir())
        except OSError:  # the server has ended
            return found
        for task in tasks:
            try:
                name, seconds, start = proc_stat(task / "stat")
            except OSError:  # ended meanwhile
                continue
            found[(task.name, start)] = (name, seconds)
        return found

    def _sample(self) -> None:
        while not self._done.wait(self.EVERY):
            self._last.update(self._read())

    def stop(self) -> Counter:
        """Stop sampling; the CPU seconds of each kind since the start."""
        self._done.set()
        self._thread.join()
        self._last.update(self._read())
        spent = Counter()
        for key, (name, seconds) in self._last.items():
            kind = next((k for k, prefixes in self.KINDS if name.startswith(prefixes)), "other")
            spent[kind] += seconds - self._start.get(key, (name, 0.0))[1]
        return spent


def timed(cmd: list[str], server: Server) -> tuple[float, float, float, Counter]:
    """(wall seconds, client CPU seconds, server CPU seconds, the server's by kind of thread
    (:class:`ServerThreads`)) of one command against ``server``."""
    before, threads, started = server_cpu(server), ServerThreads(server), time.perf_counter()
    try:
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        err = proc.stderr.read().decode(errors="replace")
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - started
    finally:
        kinds = threads.stop()
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"failed ({status}): {' '.join(cmd)}\n{err}")
    return wall, usage.ru_utime + usage.ru_stime, server_cpu(server) - before, kinds


def cpu_lines(rates: dict, name: str, client: float, served: float, kinds: Counter) -> None:
    """The CPU seconds of a step ``name`` (what :func:`timed` measured) into ``rates``."""
    rates[f"{name} client CPU (s)"] = client
    rates[f"{name} server CPU (s)"] = served
    rates[f"{name} server CPU, of which JIT compiler (s)"] = kinds["jit"]
    rates[f"{name} server CPU, of which garbage collector (s)"] = kinds["gc"]


def online_step(rates: dict, name: str, rels: int, cmd: list[str], server: Server) -> None:
    wall, client, served, kinds = timed(cmd, server)
    rates[name] = rels / wall
    cpu_lines(rates, f"{name}:", client, served, kinds)
    rates[f"{name}: per CPU second"] = rels / (client + served)


def delete_everything(server: Server) -> None:
    """Empty the server's database of what the loads wrote (untimed)."""
    from mentornet.backends.neo4j import Neo4jBackend

    db = Neo4jBackend.connect(server.uri, user="neo4j", password=PASSWORD)
    try:
        db.delete_loaded()
    finally:
        db.close()


def later_export(ds: Path) -> Path:
    """The generated dataset ``ds`` as a later export might be (cached beside it): 1% of the
    people gone with their rows, every twentieth row gone, 1% new colleague pairs (rows turned
    around), every tenth person renamed."""
    target = ds.parent / f"{ds.name}-later"
    if (target / "relationships.csv").exists():
        return target
    import pandas as pd

    people = pd.read_csv(ds / "people.csv", dtype=str, keep_default_na=False)
    rels = pd.read_csv(ds / "relationships.csv", dtype=str, keep_default_na=False)
    gone = set(people["id"].iloc[::100])
    people = people[~people["id"].isin(gone)].copy()
    people.loc[people.index[::10], "name"] = people["name"].iloc[::10] + " Jr"
    rels = rels[~rels["source"].isin(gone) & ~rels["target"].isin(gone)]
    turned = rels[rels["type"] == "COLLEAGUE"].iloc[::4].rename(columns={"source": "target", "target": "source"})
    rels = pd.concat([rels.drop(rels.index[::20]), turned.iloc[:len(people) // 100]], ignore_index=True)
    target.mkdir(parents=True, exist_ok=True)
    people.to_csv(target / "people.csv", index=False)
    rels.to_csv(target / "relationships.csv", index=False)
    return target


def one_repetition(ds: Path, rels: int) -> dict[str, float]:
    rates = {}
    server = Server()
    later, other = later_export(ds), dataset(int(ds.name.split("-")[1]), seed=2)
    try:
        online_step(rates, "online, empty database", rels, MN + ["load", str(ds), server.uri], server)
        online_step(rates, "online --replace, same files", rels,
                    MN + ["load", str(ds), server.uri, "--replace"], server)
        for name, replacing in (("a later export", later), ("another dataset (seed 2)", other)):
            rows = relationship_count(replacing)
            online_step(rates, f"online --replace, {name}, {rows:,} rows", rows,
                        MN + ["load", str(replacing), server.uri, "--replace"], server)
        delete_everything(server)
        online_step(rates, "online, empty database, warm server (after the loads above)", rels,
                    MN + ["load", str(ds), server.uri], server)
    finally:
        server.stop()
    home = Path(tempfile.mkdtemp(prefix="mentornet-bench-bulk-")) / "home"
    home.mkdir()
    try:
        started = time.perf_counter()
        done = subprocess.Popen(MN + ["load", str(ds), "--bulk", str(home), "--neo4j-admin", str(ADMIN)],
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        stderr = done.stderr.read()
        _, status, usage = os.wait4(done.pid, 0)
        imported = time.perf_counter() - started
        if os.waitstatus_to_exitcode(status) != 0:
            raise SystemExit(f"the bulk import failed:\n{stderr}")
        rates["bulk: import CPU, importer's JVM included (s)"] = usage.ru_utime + usage.ru_stime
        phases = re.search(r"files ([0-9.]+) s, importer ([0-9.]+) s", stderr)
        rates["bulk: import (validate, files, importer)"] = rels / imported
        rates["bulk: of which reading and validation (s)"] = imported - float(phases[1]) - float(phases[2])
        rates["bulk: of which import files (s)"] = float(phases[1])
        rates["bulk: of which importer (s)"] = float(phases[2])
        server = Server(home)
        try:
            rates["bulk: server start on the store (s)"] = server.start_seconds
            finished, client, served, kinds = timed(MN + ["finish-import", server.uri], server)
            rates["bulk: finish-import (s)"] = finished
            cpu_lines(rates, "bulk: finish-import", client, served, kinds)
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
            unit = "s" if step.endswith("(s)") else "rel/CPU s" if step.endswith("per CPU second") else "rel/s"
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
