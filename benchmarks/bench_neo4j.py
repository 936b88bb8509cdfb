"""Benchmark for the Neo4j backend: `load`, then `gaps` and `refer` inside Neo4j vs the embedded backend.

Usage: python benchmarks/bench_neo4j.py [--match] [--audit] [--repeat N] [SIZES...]
       (default 100000; --match and --audit also time `match` and `audit`; --repeat N runs
        each command N times on each backend, the two one after the other, default 1)

Starts a Neo4j 5.26 through tests/neo4j/start on a free port with a temporary home
(heap MENTORNET_NEO4J_HEAP, default here 4g; page cache MENTORNET_NEO4J_PAGECACHE, default
here 2g), loads each generated dataset with `mentornet load --replace`, then runs `gaps` and
`refer` on the bolt:// URI and on the directory, checks both print the same CSV, and prints
one table: sizes, load rate, times, peak memory (client processes; the server's JVM apart),
and the Neo4j / embedded ratio (with --repeat, the median (min-max) of the times and of the
ratios taken within each repetition).

Goals (issue 4): load at least 20,000 relationships/s; `gaps` and `refer` inside Neo4j within
3x of the embedded backend.
"""
from __future__ import annotations

import hashlib
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import dataset, load, machine, run, spread, table

ROOT = Path(__file__).resolve().parents[1]
START = ROOT / "tests" / "neo4j" / "start"
MN = [sys.executable, "-m", "mentornet"]
AS_OF = "2026-11-25"
PASSWORD = secrets.token_urlsafe(18)  # this run's server only


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """tests/neo4j/start in the background; stopped with SIGTERM."""

    def __init__(self, home: Path | None = None):
        """A server on a new empty home, or on ``home`` (e.g. one the bulk import wrote); the
        temporary directory it makes is removed by :meth:`stop`, ``home`` is not."""
        self.port = free_port()
        self.workdir = Path(tempfile.mkdtemp(prefix="mentornet-bench-neo4j-"))
        self.home = home or self.workdir / "home"
        self.uri = f"bolt://127.0.0.1:{self.port}"
        env = {**os.environ, "MENTORNET_NEO4J_PASSWORD": PASSWORD, "MENTORNET_NEO4J_WATCH_PID": str(os.getpid())}
        env.setdefault("MENTORNET_NEO4J_HEAP", "4g")
        env.setdefault("MENTORNET_NEO4J_PAGECACHE", "2g")
        self.log = open(self.workdir / "start.log", "wb")
        self.proc = subprocess.Popen([str(START), str(self.port), str(self.home)], stdout=self.log,
                                     stderr=subprocess.STDOUT, env=env, start_new_session=True)
        started = time.perf_counter()
        deadline = time.monotonic() + 600
        while self.uri not in (self.workdir / "start.log").read_text(errors="replace"):
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise SystemExit("Neo4j did not start:\n" + (self.workdir / "start.log").read_text(errors="replace"))
            time.sleep(0.5)
        self.start_seconds = time.perf_counter() - started

    def peak_mib(self) -> float:
        """Peak resident memory of the server JVM (the start script execs java)."""
        try:
            for line in Path(f"/proc/{self.proc.pid}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
        except OSError:
            pass
        return float("nan")

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=120)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        self.log.close()
        shutil.rmtree(self.workdir, ignore_errors=True)


def timed(cmd: list[str], out: Path) -> tuple[float, float, str]:
    """(seconds, peak MiB, sha256 of stdout) of one command."""
    with open(out, "wb") as fh:
        seconds, mib = run(cmd, stdout=fh)
    return seconds, mib, hashlib.sha256(out.read_bytes()).hexdigest()


def main(sizes, commands=("gaps", "refer"), repeat=1):
    os.environ["NEO4J_PASSWORD"] = PASSWORD
    os.environ.setdefault("NEO4J_USERNAME", "neo4j")
    server = Server()
    rows = []
    scratch = Path(tempfile.mkdtemp(prefix="mentornet-bench-out-"))
    try:
        for n in sizes:
            ds = dataset(n)
            rels = sum(1 for _ in open(ds / "relationships.csv", encoding="utf-8")) - 1
            load_s, load_mib = run(MN + ["load", str(ds), server.uri, "--replace"])
            rows.append([f"{n:,}", f"{rels:,}", "load", f"{load_s:.1f}", f"{rels / load_s:,.0f} rel/s", "",
                         f"{load_mib:.0f}", ""])
            for command in commands:
                args = [command, "--as-of", AS_OF, "--format", "csv"]
                neo, emb, ratios, same, neo_mib, emb_mib = [], [], [], True, 0.0, 0.0
                for _ in range(repeat):
                    neo_s, neo_peak, neo_hash = timed(MN + [args[0], server.uri, *args[1:]],
                                                      scratch / f"{command}-neo4j.csv")
                    emb_s, emb_peak, emb_hash = timed(MN + [args[0], str(ds), *args[1:]],
                                                      scratch / f"{command}-dir.csv")
                    neo_mib, emb_mib = max(neo_mib, neo_peak), max(emb_mib, emb_peak)  # the largest of the repetitions
                    neo.append(neo_s)
                    emb.append(emb_s)
                    ratios.append(neo_s / emb_s)
                    same = same and neo_hash == emb_hash
                    print(f"  {command}: neo4j {neo_s:.1f} s, embedded {emb_s:.1f} s; {load()}", file=sys.stderr, flush=True)
                lines = sum(1 for _ in open(scratch / f"{command}-dir.csv", encoding="utf-8")) - 1
                rows.append([f"{n:,}", f"{rels:,}", f"{command} ({lines:,} rows)", spread(neo, "{:.1f}"), "",
                             spread(emb, "{:.1f}"), f"{neo_mib:.0f} / {emb_mib:.0f}",
                             spread(ratios, "{:.2f}", "x") + ("" if same else " (OUTPUT DIFFERS)")])
        server_mib = server.peak_mib()
    finally:
        server.stop()
        shutil.rmtree(scratch, ignore_errors=True)
    print(f"machine: {machine()}; {load()} at the end; Neo4j server peak RSS {server_mib:,.0f} MiB "
          f"(heap {os.environ.get('MENTORNET_NEO4J_HEAP', '4g')})")
    print(table(["people", "relationships", "step", "neo4j (s)", "rate", "embedded (s)",
                 "client peak MiB (neo4j / embedded)", "neo4j / embedded"], rows))


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("sizes", nargs="*", type=int, default=[100_000])
    parser.add_argument("--match", action="store_true")
    parser.add_argument("--audit", action="store_true")
    parser.add_argument("--repeat", type=int, default=1)
    options = parser.parse_args()
    if options.repeat < 1:
        parser.error("--repeat must be at least 1")
    main(options.sizes, ("gaps", "refer") + ("audit",) * options.audit + ("match",) * options.match,
         options.repeat)
