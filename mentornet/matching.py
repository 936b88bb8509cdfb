"""Committee assignment (DESIGN.md section 3, "Match") as an exact min-cost max-flow.

The flow network is source -> gap (capacity 1) -> candidate (1, cost = hops; through a
(mentee, candidate) node of capacity 1 where that pair serves several gaps) -> sink
(remaining capacity). OR-Tools' ``SimpleMinCostFlow`` (a C++ cost-scaling
solver) computes the maximum flow of minimum cost exactly: the most gaps filled, then the
fewest total hops. Arcs are added in a fixed order (pools sorted by gap, then rank), so the
same pools always give the same assignment on both backends. A pure-Python flow
(NetworkX) was two orders of magnitude slower on a 100,000-person network, and an LP
(HiGHS) grew to minutes at 10,000 people.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
from ortools.graph.python import min_cost_flow

MATCH_COLUMNS = ["mentee_id", "area", "candidate_id", "hops", "path"]
MATCH_DETAILS = ["candidate_name", "score", "shares", "ties"]  # after the contract's columns, as in refer
# Open-gap reasons (DESIGN.md section 3), in the order the first true one is given.
NO_SUITED = "no suited mentor in reach"
FULL = "suited mentors are full or not accepting"
ONLY_LEADERS = "only leaders of the mentee's department"
TAKEN = "candidates taken by other gaps"  # match only
REASONS = (NO_SUITED, FULL, ONLY_LEADERS, TAKEN)
OPEN_COLUMNS = ["mentee_id", "area", "reason"]


def solve_match(pools: pd.DataFrame, remaining: pd.Series) -> pd.DataFrame:
    """Choose at most one row of ``pools`` per gap.

    ``pools`` has ``mentee_id, area, candidate_id, hops`` (the ranked pool of each gap);
    ``remaining`` maps candidate id to remaining capacity. Returns the chosen rows.
    """
    if pools.empty:
        return pools.iloc[0:0]
    pools = pools.reset_index(drop=True)
    mentee = pd.factorize(pools["mentee_id"])[0].astype(np.int64)
    area = pd.factorize(pools["area"])[0].astype(np.int64)
    cand, cand_ids = pd.factorize(pools["candidate_id"])
    cand = cand.astype(np.int64)
    gap = pd.factorize(mentee * (area.max() + 1) + area)[0]
    pair_key = mentee * len(cand_ids) + cand
    # A (mentee, candidate) pair offered for several of the mentee's gaps gets a node of its
    # own with capacity 1, so the candidate is proposed to that mentee at most once; every
    # other pool row is a direct gap -> candidate arc (same optimum, a far smaller network).
    shared = pd.Series(pair_key).duplicated(keep=False).to_numpy()
    pair = np.full(len(pools), -1, dtype=np.int64)
    pair[shared] = pd.factorize(pair_key[shared])[0]
    n_gap, n_pair, n_cand = gap.max() + 1, pair.max() + 1, len(cand_ids)
    source, sink = 0, 1
    gap_node = 2 + np.arange(n_gap)
    pair_node = 2 + n_gap + np.arange(n_pair)
    cand_node = 2 + n_gap + n_pair + np.arange(n_cand)
    pair_cand = np.zeros(n_pair, dtype=np.int64)
    pair_cand[pair[shared]] = cand[shared]
    row_head = cand_node[cand]
    row_head[shared] = pair_node[pair[shared]]
    capacity = remaining.reindex(cand_ids).fillna(0).clip(lower=0).to_numpy(dtype=np.int64)
    # arcs: one per pool row first (their flows are the answer), then the rest
    tails = np.concatenate([gap_node[gap], np.full(n_gap, source), pair_node, cand_node])
    heads = np.concatenate([row_head, gap_node, cand_node[pair_cand], np.full(n_cand, sink)])
    caps = np.concatenate([np.ones(len(pools) + n_gap + n_pair, dtype=np.int64), capacity])
    costs = np.concatenate([pools["hops"].to_numpy(dtype=np.int64), np.zeros(n_gap + n_pair + n_cand, np.int64)])
    flow = min_cost_flow.SimpleMinCostFlow()
    flow.add_arcs_with_capacity_and_unit_cost(tails, heads, caps, costs)
    flow.set_node_supply(source, int(n_gap))   # as much as could ever flow...
    flow.set_node_supply(sink, -int(n_gap))    # ...the solver sends the maximum it can
    status = flow.solve_max_flow_with_min_cost()
    if status != flow.OPTIMAL:  # pragma: no cover - the network is always feasible
        raise RuntimeError(f"min-cost flow solver returned status {status}")
    chosen = flow.flows(np.arange(len(pools))) > 0
    return pools.iloc[np.flatnonzero(chosen)]


def gap_reasons(reach: pd.DataFrame) -> pd.DataFrame:
    """Why gaps without any candidate stay open, from the backend's facts on each
    (:meth:`mentornet.backends.base.Backend.suited_reach`: ``mentee_id, area, suited,
    unconflicted``). Nobody suited within reach: ``no suited mentor in reach``. Someone suited
    who is not a leader of the mentee's department: since the gap has no candidate, every such
    person is full or not accepting, so that is the cause. Otherwise every suited person is a
    leader of the mentee's department: the conflict rule is the cause (whether or not they also
    have room). Returns ``mentee_id, area, reason`` in the order given."""
    suited = reach["suited"].to_numpy(dtype=bool)
    free = reach["unconflicted"].to_numpy(dtype=bool)
    reason = np.where(~suited, NO_SUITED, np.where(free, FULL, ONLY_LEADERS)).astype(object)
    return pd.DataFrame({"mentee_id": reach["mentee_id"].to_numpy(dtype=object),
                         "area": reach["area"].to_numpy(dtype=object), "reason": reason})


def without_candidate(gaps: pd.DataFrame, found: pd.DataFrame) -> pd.DataFrame:
    """The gaps (``mentee_id, area``) of ``gaps`` with no row in ``found`` (candidates)."""
    key = ["mentee_id", "area"]
    reached = pd.MultiIndex.from_frame(found[key].drop_duplicates()) if len(found) else None
    if reached is None:
        return gaps[key].reset_index(drop=True)
    keep = ~pd.MultiIndex.from_frame(gaps[key]).isin(reached)
    return gaps.loc[keep, key].reset_index(drop=True)


def open_gaps(gaps: pd.DataFrame, pools: pd.DataFrame, chosen: pd.DataFrame,
              reasons: pd.DataFrame) -> pd.DataFrame:
    """Gaps left unfilled by the assignment, each with the reason: for a gap with no candidate
    at all, its reason in ``reasons`` (:func:`gap_reasons`); for one with candidates, they were
    all chosen for other gaps (to their capacity, or for this mentee's other gaps: a mentor is
    never proposed twice to the same mentee), ``candidates taken by other gaps``."""
    key = ["mentee_id", "area"]
    unfilled = without_candidate(gaps, chosen)
    frame = unfilled.merge(reasons[OPEN_COLUMNS], on=key, how="left")
    frame["reason"] = frame["reason"].fillna(TAKEN).astype(object)
    return frame[OPEN_COLUMNS].reset_index(drop=True)
