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

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from .analysis import sort_rows

if TYPE_CHECKING:
    from .referrals import Network, Pools

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

    ``pools`` has ``mentee_id, area, candidate_id, hops`` (the ranked pool of each gap, rows
    of one gap together); ``remaining`` maps candidate id to remaining capacity. Returns the
    chosen rows.
    """
    if pools.empty:
        return pools.iloc[0:0]
    pools = pools.reset_index(drop=True)
    mentee = pd.factorize(pools["mentee_id"])[0].astype(np.int64)
    area = pd.factorize(pools["area"])[0].astype(np.int64)
    cand, cand_ids = pd.factorize(pools["candidate_id"])
    gap = pd.factorize(mentee * (area.max() + 1) + area)[0]
    capacity = remaining.reindex(cand_ids).fillna(0).to_numpy(dtype=np.int64)
    pair = mentee * len(cand_ids) + cand
    chosen = assign(gap, cand.astype(np.int64), pair, pools["hops"].to_numpy(dtype=np.int64), capacity)
    return pools.iloc[np.flatnonzero(chosen)]


def assign(gap: np.ndarray, cand: np.ndarray, pair: np.ndarray, hops: np.ndarray,
           capacity: np.ndarray) -> np.ndarray:
    """Which pool rows the flow chooses (a boolean per row), from integer arrays alone.

    One row per (gap, candidate) offer: ``gap`` and ``cand`` are codes numbered in order of
    first appearance (as ``pandas.factorize`` numbers them), ``pair`` any integer that is equal
    exactly for rows of the same (mentee, candidate), ``hops`` the cost and ``capacity`` the
    remaining capacity of each candidate code. Nodes and arcs are numbered from these codes
    and the row order alone, so the same rows in the same order always give the solver the
    same network, and so the same answer, however the codes were made.
    """
    # A (mentee, candidate) pair offered for several of the mentee's gaps gets a node of its
    # own with capacity 1, so the candidate is proposed to that mentee at most once; every
    # other pool row is a direct gap -> candidate arc (same optimum, a far smaller network).
    shared = pd.Series(pair).duplicated(keep=False).to_numpy()
    pair_code = np.full(len(gap), -1, dtype=np.int64)
    pair_code[shared] = pd.factorize(pair[shared])[0]
    n_gap, n_pair, n_cand = int(gap.max()) + 1, int(pair_code.max()) + 1, len(capacity)
    source, sink = 0, 1
    gap_node = 2 + np.arange(n_gap)
    pair_node = 2 + n_gap + np.arange(n_pair)
    cand_node = 2 + n_gap + n_pair + np.arange(n_cand)
    pair_cand = np.zeros(n_pair, dtype=np.int64)
    pair_cand[pair_code[shared]] = cand[shared]
    row_head = cand_node[cand]
    row_head[shared] = pair_node[pair_code[shared]]
    # arcs: one per pool row first (their flows are the answer), then the rest
    tails = np.concatenate([gap_node[gap], np.full(n_gap, source), pair_node, cand_node])
    heads = np.concatenate([row_head, gap_node, cand_node[pair_cand], np.full(n_cand, sink)])
    caps = np.concatenate([np.ones(len(gap) + n_gap + n_pair, dtype=np.int64),
                           np.clip(capacity, 0, None).astype(np.int64)])
    costs = np.concatenate([hops.astype(np.int64), np.zeros(n_gap + n_pair + n_cand, np.int64)])
    # imported here, not with the module: every command imports this one, few solve a flow
    from ortools.graph.python import min_cost_flow

    flow = min_cost_flow.SimpleMinCostFlow()
    flow.add_arcs_with_capacity_and_unit_cost(tails, heads, caps, costs)
    del tails, heads, caps, costs  # the solver holds its own copy (memory at a million people)
    flow.set_node_supply(source, n_gap)   # as much as could ever flow...
    flow.set_node_supply(sink, -n_gap)    # ...the solver sends the maximum it can
    status = flow.solve_max_flow_with_min_cost()
    if status != flow.OPTIMAL:  # pragma: no cover - the network is always feasible
        raise RuntimeError(f"min-cost flow solver returned status {status}")
    return flow.flows(np.arange(len(gap))) > 0


def choose_from_pools(net: Network, gaps: pd.DataFrame, found: Pools) -> tuple[Pools, np.ndarray]:
    """The embedded backend's assignment from the candidate search's arrays: (the rows of
    ``found`` the flow chooses, whether each gap of ``gaps`` has any candidate).

    No text column is built or factorised: the rows are put in the order in which
    :func:`mentornet.referrals.pools_frame` lists them (gap by mentee then area, then rank),
    and gap, candidate and (mentee, candidate) codes are numbered from person positions in that
    order. That is exactly the network :func:`solve_match` builds from ``pools_frame``'s rows,
    arc for arc and node for node, so the choice is the same (``tests/test_match.py`` compares
    both on generated datasets).

    Why the pools are not trimmed before the solve (say, a gap's rows ranked below what could
    ever be used). Rows that no optimal assignment uses can be dropped without changing the
    optimum's value, but not without changing which optimum is returned: the gaps share
    candidates and most have several candidates at the same number of hops, so there are
    usually many optimal assignments, and OR-Tools' cost-scaling solver picks among them by a
    path that depends on every node and arc (their numbering, each arc's place in its node's
    list, and the cost scaling, which is a function of the node count). A smaller network is a
    different input, so it can return a different, equally good assignment, and the output
    (which mentor is proposed to whom) would change. Output identity comes first, so the flow
    is always solved on the whole ``match_pool`` pools.
    """
    from .referrals import Pools

    reached = np.zeros(len(gaps), dtype=bool)
    reached[found.gap] = True
    if not len(found.gap):
        return found, reached
    keys = pd.DataFrame({"mentee_id": gaps["mentee_id"].to_numpy(dtype=object),
                         "area": gaps["area"].to_numpy(dtype=object), "at": np.arange(len(gaps))})
    place = np.empty(len(gaps), dtype=np.int64)
    place[sort_rows(keys, ["mentee_id", "area"])["at"].to_numpy()] = np.arange(len(gaps))
    order = np.lexsort((found.rank, place[found.gap]))
    gap, cand = found.gap[order], found.cand[order]
    cand_code, cand_pos = pd.factorize(cand)
    pair = net.position(gaps["mentee_id"])[gap].astype(np.int64) * net.size + cand
    chosen = assign(pd.factorize(gap)[0].astype(np.int64), cand_code.astype(np.int64), pair, found.hops[order],
                    net.remaining[cand_pos])
    rows = order[chosen]
    return Pools(found.gap[rows], found.cand[rows], found.hops[rows], found.score[rows], found.rank[rows]), reached


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


def open_gaps(gaps: pd.DataFrame, chosen: pd.DataFrame, reasons: pd.DataFrame) -> pd.DataFrame:
    """Gaps left unfilled by the assignment, each with the reason: for a gap with no candidate
    at all, its reason in ``reasons`` (:func:`gap_reasons`); for one with candidates, they were
    all chosen for other gaps (to their capacity, or for this mentee's other gaps: a mentor is
    never proposed twice to the same mentee), ``candidates taken by other gaps``."""
    key = ["mentee_id", "area"]
    unfilled = without_candidate(gaps, chosen)
    frame = unfilled.merge(reasons[OPEN_COLUMNS], on=key, how="left")
    frame["reason"] = frame["reason"].fillna(TAKEN).astype(object)
    return frame[OPEN_COLUMNS].reset_index(drop=True)
