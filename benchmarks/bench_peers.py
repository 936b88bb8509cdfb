"""Referrals against the strongest peer: python-igraph's bare reachability (issue 19).

Usage: python benchmarks/bench_peers.py [--repeat N] [SIZES...]   (default 20000 100000)
Needs the optional extra: pip install -e '.[bench]' (igraph is never a runtime dependency).

In one process per size: the dataset is read once and igraph's graph is built once from the
same relationship rows (undirected, every row an edge), outside the timings. Then, in each
repetition, one after the other:

* igraph: ``Graph.neighborhood(mentees, order=3)`` for every mentee with a gap, in chunks of
  1,000 mentees (the sets are counted and dropped: holding all of them at 100,000 people would
  take tens of GB of Python lists), i.e. reachability alone: no filtering, ranking or paths;
* mentornet: ``find_referrals(ds, policy=..., as_of=...)``, the whole answer (active
  mentorships, gaps, the network arrays, candidates filtered and ranked, referral paths), from
  the dataset as read, with nothing cached from an earlier call.

Reported: median (min-max) of each, and of mentornet / igraph within the same repetition
(below 1.0x: mentornet's whole answer is faster than igraph's bare reachability).
"""
import argparse
import datetime as dt
import sys
import time

from common import dataset, load, machine, relationship_count, spread, table


def peer_times(n: int, repeat: int) -> dict:
    import igraph
    import pandas as pd

    import mentornet
    from mentornet.analysis import find_gaps
    from mentornet.referrals import find_referrals

    policy, as_of = mentornet.Policy(), dt.date(2026, 11, 25)
    ds = mentornet.read_dataset(str(dataset(n)))
    index = pd.Index(ds.people["id"])
    edges = list(zip(index.get_indexer(ds.relationships["source"]).tolist(),
                     index.get_indexer(ds.relationships["target"]).tolist()))
    start = time.perf_counter()
    graph = igraph.Graph(n=len(index), edges=edges, directed=False)
    build = time.perf_counter() - start
    mentees = index.get_indexer(find_gaps(ds, policy=policy, as_of=as_of)["mentee_id"].unique()).tolist()
    out = {"mentees": len(mentees), "build": build, "igraph": [], "mentornet": [], "reached": 0, "rows": 0}
    for r in range(repeat):
        start = time.perf_counter()
        reached = 0
        for lo in range(0, len(mentees), 1000):
            reached += sum(len(s) for s in graph.neighborhood(mentees[lo:lo + 1000], order=policy.max_hops))
        out["igraph"].append(time.perf_counter() - start)
        start = time.perf_counter()
        rows = find_referrals(ds, policy=policy, as_of=as_of)
        out["mentornet"].append(time.perf_counter() - start)
        out["reached"], out["rows"] = reached, len(rows)
        print(f"  {n:,} [{r + 1}/{repeat}] igraph {out['igraph'][-1]:.2f} s, mentornet {out['mentornet'][-1]:.2f} s; "
              f"{load()}", file=sys.stderr, flush=True)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("sizes", nargs="*", type=int, default=[20_000, 100_000])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    try:
        import igraph
    except ImportError:
        raise SystemExit("bench_peers needs python-igraph: pip install -e '.[bench]'") from None
    rows = []
    start_load = load()
    for n in args.sizes:
        t = peer_times(n, args.repeat)
        rows.append([f"{n:,}", f"{relationship_count(dataset(n)):,}", f"{t['mentees']:,}", f"{t['reached']:,}",
                     spread(t["igraph"]), f"{t['build']:.2f}", f"{t['rows']:,}", spread(t["mentornet"]),
                     spread([m / i for m, i in zip(t["mentornet"], t["igraph"])], unit="x")])
    print(f"machine: {machine()}; igraph {igraph.__version__}; {start_load} at the start, {load()} at the end")
    print(f"median (min-max) of {args.repeat} repetitions, both in one process; the ratio is within a repetition")
    print(table(["people", "relationships", "mentees with gaps", "(mentee, person) pairs within 3 hops",
                 "igraph neighborhood(order=3) (s)", "igraph graph build, once (s)", "referral rows",
                 "mentornet find_referrals (s)", "mentornet / igraph"], rows))


if __name__ == "__main__":
    main()
