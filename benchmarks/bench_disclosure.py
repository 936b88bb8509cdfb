"""How many cells the disclosure auditor (issue 14) hides, before and after, and what it costs.

    python benchmarks/bench_disclosure.py DATASET_DIR [DATASET_DIR ...] [--policy FILE]

For each dataset: cells hidden under the rule before issue 14 (primary plus the old
complementary rule, groups and mentor identity groups) and under the auditor (the same cells
plus hidden need headlines), the time of the audit figures and the time the auditor adds.
"""
from __future__ import annotations

import argparse
import datetime as dt
import time

from mentornet import Policy, read_dataset
from mentornet.disclosure import count_hidden, protect, unsuppressed
from mentornet.io import read_policy
from mentornet.audit import audit_figures, audit_tables

AS_OF = dt.date(2026, 11, 25)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("datasets", nargs="+")
    parser.add_argument("--policy")
    args = parser.parse_args()
    policy = read_policy(args.policy) if args.policy else Policy()
    print(f"{'dataset':40} {'cells':>6} {'before':>7} {'after':>6} {'figures s':>10} {'auditor s':>10}")
    for path in args.datasets:
        ds = read_dataset(path)
        tables = audit_tables(ds, policy=policy, as_of=AS_OF)
        start = time.perf_counter()
        old = audit_figures(tables, policy=policy, as_of=AS_OF)
        raw = audit_figures(tables, policy=unsuppressed(policy), as_of=AS_OF)
        figures_s = (time.perf_counter() - start) / 2
        start = time.perf_counter()
        new, _ = protect(raw, policy=policy)
        auditor_s = time.perf_counter() - start
        cells = (sum(len(c) for c in raw["groups"].values()) + sum(len(c) for c in raw["load_by_identity"].values())
                 + len(raw["coverage"]))
        print(f"{path:40} {cells:6} {count_hidden(old, raw):7} {count_hidden(new, raw):6} {figures_s:10.2f} {auditor_s:10.2f}")


if __name__ == "__main__":
    main()
