"""Candidates, ranking and referral paths (DESIGN.md section 3), vectorised for large networks.

The straightforward method runs one breadth-first search per mentee and filters every
person it reaches in Python. This module does the same work in batches of mentees with
sparse-matrix products (scipy), which walk the acquaintance network in C:

* hop ``h`` of a batch is ``(frontier @ A) - visited``; only mentor candidates are kept
  at the last hop, and a mentee stops early once each of its gaps has enough candidates
  (candidates at a later hop always rank lower, so they cannot change the answer);
* interests are bit sets, so shared topics and Jaccard scores are popcounts;
* referral paths are found for all referrals of a batch at once by intersecting the
  mentee's BFS layers with the candidate's neighbourhood, then choosing the smallest
  next node step by step (first hop: the mentee's active mentors first).

:mod:`mentornet._reference` holds the plain one-BFS-per-mentee version used as the test
oracle and the benchmark baseline; both must return identical rows.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd
import scipy.sparse as sp

from . import analysis
from .model import IDENTITY_PREFIX, MENTOR_ROLES, MENTORS, TRAINEE_ROLES, Dataset, Policy
from .snapshot import DatasetSnapshot, dataset_snapshot

REFER_COLUMNS = ["mentee_id", "area", "rank", "candidate_id", "hops", "score", "path",
                 "candidate_name", "shares", "ties"]
BATCH = 512
# How a tie between two people on a path is described, strongest first.
TIE_ORDER = ("mentor", "mentee", "coauthor", "colleague", "knows", "former mentor", "former mentee")


@dataclass
class Network:
    """The arrays every referral question needs, indexed by person position."""

    ids: np.ndarray            # person ids (object array, dataset order)
    id_rank: np.ndarray        # rank of each id in plain string order
    by_rank: np.ndarray        # person position for each rank
    adjacency: sp.csr_matrix   # undirected acquaintance network (every relationship row)
    to_eligible: sp.csr_matrix # adjacency restricted to eligible columns (the last hop)
    eligible_cols: np.ndarray  # positions of eligible people
    eligible: np.ndarray       # mentor-eligible, accepting, remaining capacity > 0
    remaining: np.ndarray
    research: np.ndarray       # (N, W) uint64 bit sets of lower-cased topics
    career: np.ndarray
    identity: dict             # attr -> int codes (-1 undisclosed)
    leader: np.ndarray
    trainee: np.ndarray
    department: np.ndarray     # int codes, -1 when empty
    mentor_keys: np.ndarray    # sorted mentor*N + mentee keys of active mentorships
    tie_keys: np.ndarray       # sorted a*N + b keys of ties (both directions)
    tie_codes: np.ndarray      # index into TIE_ORDER for each tie key
    research_vocab: list
    career_vocab: list

    @property
    def size(self) -> int:
        return len(self.ids)

    def position(self, ids) -> np.ndarray:
        return pd.Index(self.ids).get_indexer(ids)


def _bitsets(lists: pd.Series) -> tuple[np.ndarray, list[str]]:
    """Tuples of topics to (N, W) uint64 bit sets over the lower-cased vocabulary."""
    vocab = sorted({t.lower() for items in lists for t in items})
    code = {t: i for i, t in enumerate(vocab)}
    words = max(1, (len(vocab) + 63) // 64)
    bits = np.zeros((len(lists), words), dtype=np.uint64)
    rows, cols = [], []
    for i, items in enumerate(lists):
        for t in items:
            rows.append(i)
            cols.append(code[t.lower()])
    if rows:
        rows, cols = np.asarray(rows), np.asarray(cols)
        np.bitwise_or.at(bits, (rows, cols // 64), np.left_shift(np.uint64(1), (cols % 64).astype(np.uint64)))
    return bits, vocab


def _codes(values: pd.Series) -> np.ndarray:
    low = values.str.lower()
    codes, _ = pd.factorize(low)
    codes = codes.astype(np.int64)
    codes[low.eq("").to_numpy()] = -1
    return codes


def build_network(ds: Dataset, *, policy: Policy, as_of: dt.date) -> Network:
    """Everything :func:`rank_candidates` needs (a thin wrapper of :func:`network_of`)."""
    return dataset_snapshot(ds, policy=policy, as_of=as_of).network


def network_of(snap: DatasetSnapshot) -> Network:
    """Everything :func:`rank_candidates` needs, from a snapshot's active mentorships and load."""
    ds, policy, as_of = snap.dataset, snap.policy, snap.as_of
    people = ds.people
    n = len(people)
    ids = people["id"].to_numpy(dtype=object)
    order = np.argsort(ids.astype(str), kind="stable")
    id_rank = np.empty(n, dtype=np.int64)
    id_rank[order] = np.arange(n)
    index = pd.Index(ids)

    rels = ds.relationships
    src = index.get_indexer(rels["source"])
    dst = index.get_indexer(rels["target"])
    adjacency = sp.coo_matrix((np.ones(2 * len(src), dtype=np.int32),
                               (np.concatenate([src, dst]), np.concatenate([dst, src]))), shape=(n, n)).tocsr()
    adjacency.data[:] = 1
    adjacency.sort_indices()

    active, load = snap.active, snap.load
    remaining = load["remaining"].to_numpy()
    eligible = (people["role"].isin(MENTOR_ROLES).to_numpy() & people["accepting"].to_numpy() & (remaining > 0))
    m_idx = index.get_indexer(active["mentor_id"])
    t_idx = index.get_indexer(active["mentee_id"])
    mentor_keys = np.unique(m_idx.astype(np.int64) * n + t_idx)

    research, research_vocab = _bitsets(people["research_interests"])
    career, career_vocab = _bitsets(people["career_interests"])
    dept = _codes(people["department"])
    tie_keys, tie_codes = _tie_table(rels, src, dst, n, policy=policy, as_of=as_of)
    eligible_cols = np.flatnonzero(eligible)
    return Network(
        ids=ids, id_rank=id_rank, by_rank=order, adjacency=adjacency, eligible=eligible,
        to_eligible=adjacency[:, eligible_cols].tocsr(), eligible_cols=eligible_cols,
        remaining=remaining, research=research, career=career,
        identity={a: _codes(people[IDENTITY_PREFIX + a]) for a in ds.identity_attributes},
        leader=people["leadership"].map(len).to_numpy() > 0,
        trainee=people["role"].isin(TRAINEE_ROLES).to_numpy(), department=dept,
        mentor_keys=mentor_keys, tie_keys=tie_keys, tie_codes=tie_codes,
        research_vocab=research_vocab, career_vocab=career_vocab,
    )


def _tie_table(rels, src, dst, n, *, policy, as_of):
    """For each ordered pair with a relationship, the strongest description of b as seen by a."""
    is_mentor = rels["type"].to_numpy() == MENTORS
    active = np.zeros(len(rels), dtype=bool)
    if is_mentor.any():
        active[is_mentor] = analysis.active_mask(rels[is_mentor], policy=policy, as_of=as_of)
    # a mentorship that has not started yet is an acquaintance ("knows"), not a former one
    is_mentor &= analysis.started_mask(rels, as_of=as_of)
    kind = rels["type"].str.lower().map({"coauthor": 2, "colleague": 3, "knows": 4, "mentors": 4}).to_numpy()
    # seen from the target (a = dst): the source is their mentor; from the source: their mentee
    from_dst = np.where(is_mentor, np.where(active, 0, 5), kind)
    from_src = np.where(is_mentor, np.where(active, 1, 6), kind)
    keys = np.concatenate([dst.astype(np.int64) * n + src, src.astype(np.int64) * n + dst])
    codes = np.concatenate([from_dst, from_src]).astype(np.int64)
    frame = pd.DataFrame({"k": keys, "c": codes}).groupby("k", sort=True)["c"].min()
    return frame.index.to_numpy(), frame.to_numpy()


# --------------------------------------------------------------------------- suitability


_BYTE_POPCOUNT = np.array([bin(i).count("1") for i in range(256)], dtype=np.uint8)


def _popcount(bits: np.ndarray) -> np.ndarray:
    """Set bits per row of a 2-D unsigned bitset array."""
    if _HAS_BITWISE_COUNT:
        return np.bitwise_count(bits).sum(axis=1, dtype=np.int64)
    # numpy < 2.0: count the bytes of each row through a table.
    as_bytes = np.ascontiguousarray(bits).view(np.uint8).reshape(len(bits), -1)
    return _BYTE_POPCOUNT[as_bytes].sum(axis=1, dtype=np.int64)


_HAS_BITWISE_COUNT = hasattr(np, "bitwise_count")  # numpy 2.0 and later


def suitability(net: Network, area: str, mentees: np.ndarray, cands: np.ndarray):
    """(suited mask, score) for each (mentee, candidate) pair and one need area."""
    if area in ("research", "career"):
        bits = net.research if area == "research" else net.career
        mb, cb = bits[mentees], bits[cands]
        inter = _popcount(mb & cb)
        union = _popcount(mb | cb)
        m_lists = _popcount(mb) > 0
        suited = np.where(m_lists, inter > 0, _popcount(cb) > 0)
        score = np.where(m_lists, inter / np.maximum(union, 1), 0.0)
        return suited, score
    attr = area.split(":", 1)[1]
    codes = net.identity[attr]
    suited = (codes[mentees] == codes[cands]) & (codes[mentees] >= 0)
    mb, cb = net.research[mentees], net.research[cands]
    inter, union = _popcount(mb & cb), _popcount(mb | cb)
    return suited, np.where(union > 0, inter / np.maximum(union, 1), 0.0)


def allowed(net: Network, mentees: np.ndarray, cands: np.ndarray) -> np.ndarray:
    """Rules that do not depend on the need: not already a mentor, no leadership conflict."""
    keys = cands.astype(np.int64) * net.size + mentees
    pos = np.searchsorted(net.mentor_keys, keys)
    pos[pos >= len(net.mentor_keys)] = 0
    already = (net.mentor_keys[pos] == keys) if len(net.mentor_keys) else np.zeros(len(keys), bool)
    dm = net.department[mentees]
    conflict = net.leader[cands] & net.trainee[mentees] & (dm >= 0) & (net.department[cands] == dm)
    return ~already & ~conflict & (cands != mentees)


# --------------------------------------------------------------------------- ranking


def rank_candidates(net: Network, gaps: pd.DataFrame, *, policy: Policy, limit: int,
                    with_paths: bool = True) -> pd.DataFrame:
    """The best ``limit`` candidates for every gap, ranked, with referral paths.

    ``gaps`` has ``mentee_id`` and ``area``. Returns columns of :data:`REFER_COLUMNS`
    (``path`` and ``ties`` empty when ``with_paths`` is false), sorted by mentee, area, rank.
    """
    if gaps.empty:
        return _empty()
    gap_m = net.position(gaps["mentee_id"])
    gap_area = gaps["area"].to_numpy(dtype=object)
    order = np.argsort(gap_m, kind="stable")
    gap_m, gap_area = gap_m[order], gap_area[order]
    mentees = np.unique(gap_m)
    out = []
    for start in range(0, len(mentees), BATCH):
        batch = mentees[start:start + BATCH]
        lo, hi = np.searchsorted(gap_m, [batch[0], batch[-1] + 1])
        out.append(_rank_batch(net, batch, gap_m[lo:hi], gap_area[lo:hi], policy=policy, limit=limit,
                               with_paths=with_paths))
    frame = pd.concat(out, ignore_index=True)
    return analysis.sort_rows(frame, ["mentee_id", "area", "rank"])[REFER_COLUMNS]


def _empty() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype=object) for c in REFER_COLUMNS})


def _rank_batch(net, batch, gap_m, gap_area, *, policy, limit, with_paths):
    n, b = net.size, len(batch)
    row_of = {m: i for i, m in enumerate(batch)}
    gap_row = np.array([row_of[m] for m in gap_m], dtype=np.int64)
    frontier = sp.csr_matrix((np.ones(b, dtype=np.int32), (np.arange(b), batch)), shape=(b, n))
    visited = frontier.copy()
    layers = [frontier]
    found = []  # per hop: DataFrame of (gap, cand, hops, score)
    counts = np.zeros(len(gap_m), dtype=np.int64)
    live = np.ones(b, dtype=bool)
    eligible_cols = net.eligible_cols
    for hop in range(1, policy.max_hops + 1):
        keep = sp.diags(live.astype(np.int32), dtype=np.int32)
        if hop < policy.max_hops:
            step, visited = _next_layer(keep @ layers[-1], visited, net.adjacency)
            layers.append(step)
            cand_part = step[:, eligible_cols].tocoo()
        else:  # the last hop only needs candidates, never a further layer
            step, _ = _next_layer(keep @ layers[-1], visited[:, eligible_cols], net.to_eligible)
            cand_part = step.tocoo()
        rows, cands = cand_part.row.astype(np.int64), eligible_cols[cand_part.col]
        hits = _evaluate(net, batch, rows, cands, gap_row, gap_area, hop)
        if len(hits):
            found.append(hits)
            counts += np.bincount(hits["gap"].to_numpy(), minlength=len(gap_m))
        satisfied = np.ones(b, dtype=bool)
        np.logical_and.at(satisfied, gap_row, counts >= limit)
        live &= ~satisfied
        if not live.any() or step.nnz == 0:
            break
    if not found:
        return _empty()
    hits = pd.concat(found, ignore_index=True)
    hits = hits.assign(rem=net.remaining[hits["cand"].to_numpy()], idr=net.id_rank[hits["cand"].to_numpy()])
    hits = hits.sort_values(["gap", "hops", "score", "rem", "idr"], ascending=[True, True, False, False, True],
                            kind="mergesort")
    hits["rank"] = hits.groupby("gap").cumcount() + 1
    hits = hits[hits["rank"] <= limit]
    g = hits["gap"].to_numpy()
    cands = hits["cand"].to_numpy()
    mentees = gap_m[g]
    areas = gap_area[g]
    frame = pd.DataFrame({
        "mentee_id": net.ids[mentees], "area": areas, "rank": hits["rank"].to_numpy(),
        "candidate_id": net.ids[cands], "hops": hits["hops"].to_numpy(), "score": hits["score"].to_numpy(),
    })
    frame["candidate_name"] = ""
    frame["shares"] = _shares(net, mentees, cands, areas)  # match shows them too
    if with_paths:
        paths, ties = _paths(net, layers, gap_row[g], mentees, cands, hits["hops"].to_numpy())
        frame["path"], frame["ties"] = paths, ties
    else:
        frame["path"], frame["ties"] = "", ""
    return frame


def _evaluate(net, batch, rows, cands, gap_row, gap_area, hop) -> pd.DataFrame:
    """Expand (mentee row, candidate) pairs to the mentee's gaps; keep suited, allowed ones."""
    if len(rows) == 0:
        return pd.DataFrame()
    mentees = batch[rows]
    ok = allowed(net, mentees, cands)
    rows, cands, mentees = rows[ok], cands[ok], mentees[ok]
    parts = []
    for area in np.unique(gap_area):
        gaps_here = np.flatnonzero(gap_area == area)
        # at most one gap per (mentee, area): map mentee row -> gap index
        gap_of_row = np.full(len(batch), -1, dtype=np.int64)
        gap_of_row[gap_row[gaps_here]] = gaps_here
        g = gap_of_row[rows]
        sel = g >= 0
        if not sel.any():
            continue
        suited, score = suitability(net, area, mentees[sel], cands[sel])
        parts.append(pd.DataFrame({"gap": g[sel][suited], "cand": cands[sel][suited], "hops": hop,
                                   "score": score[suited]}))
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()


def _shares(net, mentees, cands, areas) -> list[str]:
    """Interests the mentee and candidate share for the need (research for identity needs)."""
    out = [""] * len(mentees)
    career = np.asarray(areas == "career")
    for use_career in (False, True):
        sel = np.flatnonzero(career == use_career)
        if not len(sel):
            continue
        bits = net.career if use_career else net.research
        vocab = net.career_vocab if use_career else net.research_vocab
        common = bits[mentees[sel]] & bits[cands[sel]]
        uniq, inverse = np.unique(common, axis=0, return_inverse=True)
        text = [";".join(vocab[w * 64 + i] for w, word in enumerate(row) for i in range(64) if int(word) >> i & 1)
                for row in uniq]
        for i, k in zip(sel, inverse.reshape(-1)):
            out[i] = text[k]
    return out


# --------------------------------------------------------------------------- paths


def _paths(net, layers, rows, mentees, cands, hops):
    """Referral paths for each (mentee, candidate), computed once per distinct pair."""
    pairs = pd.DataFrame({"row": rows, "m": mentees, "c": cands, "h": hops})
    unique = pairs.drop_duplicates(["m", "c"]).reset_index(drop=True)
    nodes = np.full((len(unique), int(unique["h"].max()) + 1), -1, dtype=np.int64)
    for h in np.unique(unique["h"]):
        sel = np.flatnonzero(unique["h"].to_numpy() == h)
        nodes[sel, : h + 1] = _paths_of_length(net, layers, unique["row"].to_numpy()[sel],
                                               unique["m"].to_numpy()[sel], unique["c"].to_numpy()[sel], int(h))
    text, ties = [], []
    for seq in nodes:
        seq = seq[seq >= 0]
        text.append(">".join(net.ids[seq]))
        ties.append(">".join(tie_label(net, a, b) for a, b in zip(seq[:-1], seq[1:])))
    lookup = {(m, c): i for i, (m, c) in enumerate(zip(unique["m"], unique["c"]))}
    index = [lookup[(m, c)] for m, c in zip(mentees, cands)]
    return [text[i] for i in index], [ties[i] for i in index]


def tie_label(net, a, b) -> str:
    """How ``b`` relates to ``a`` (``mentor`` = b mentors a)."""
    key = np.int64(a) * net.size + b
    pos = np.searchsorted(net.tie_keys, key)
    return TIE_ORDER[int(net.tie_codes[pos])]


def _paths_of_length(net, layers, rows, mentees, cands, h) -> np.ndarray:
    """Smallest shortest paths m > ... > c of ``h`` hops, one per row, as position arrays."""
    k, n = len(rows), net.size
    result = np.empty((k, h + 1), dtype=np.int64)
    result[:, 0], result[:, h] = mentees, cands
    if h == 1:
        return result
    # on[i]: nodes at distance i from m that lie on a shortest path to c (i = h-1 .. 1)
    on = {h: sp.csr_matrix((np.ones(k, np.int32), (np.arange(k), cands)), shape=(k, n))}
    for i in range(h - 1, 0, -1):
        reach = on[i + 1] @ net.adjacency
        reach.data[:] = 1
        on[i] = reach.multiply(layers[i][rows]).tocsr()
        on[i].eliminate_zeros()
    # first hop: the mentee's active mentors first, then by id
    first = on[1].tocoo()
    m_first = mentees[first.row]
    mentor = np.isin(first.col.astype(np.int64) * n + m_first, net.mentor_keys)
    key = net.id_rank[first.col] + np.where(mentor, 0, n)
    result[:, 1] = _row_argmin(first.row, first.col, key, k)
    for i in range(2, h):
        prev = sp.csr_matrix((np.ones(k, np.int32), (np.arange(k), result[:, i - 1])), shape=(k, n))
        nxt = (prev @ net.adjacency).multiply(on[i]).tocoo()
        result[:, i] = _row_argmin(nxt.row, nxt.col, net.id_rank[nxt.col], k)
    return result


def _row_argmin(row, col, key, k) -> np.ndarray:
    order = np.lexsort((key, row))
    row, col = row[order], col[order]
    first = np.ones(len(row), dtype=bool)
    first[1:] = row[1:] != row[:-1]
    out = np.full(k, -1, dtype=np.int64)
    out[row[first]] = col[first]
    return out


# --------------------------------------------------------------------------- public


def find_referrals(ds: Dataset, *, policy: Policy, as_of: dt.date, mentee: str | None = None,
                   area: str | None = None, gaps: pd.DataFrame | None = None) -> pd.DataFrame:
    """Top ``policy.top_k`` referrals per gap with paths (DESIGN.md section 3)."""
    check_filters(ds, mentee=mentee, area=area)
    snap = dataset_snapshot(ds, policy=policy, as_of=as_of)
    return ranked_referrals(snap, limit=policy.top_k, mentee=mentee, area=area, gaps=gaps)


def ranked_referrals(snap: DatasetSnapshot, *, limit: int, mentee: str | None = None, area: str | None = None,
                     with_paths: bool = True, gaps: pd.DataFrame | None = None) -> pd.DataFrame:
    """The best ``limit`` candidates of each of the snapshot's gaps (or of ``gaps``), of
    ``mentee`` / ``area`` when given, with candidate names and (``with_paths``) paths."""
    gaps = filter_gaps(snap.gaps if gaps is None else gaps, mentee=mentee, area=area)
    rows = rank_candidates(snap.network, gaps, policy=snap.policy, limit=limit, with_paths=with_paths)
    people = snap.dataset.people
    names = pd.Series(people["name"].to_numpy(), index=people["id"].to_numpy())
    rows["candidate_name"] = names.reindex(rows["candidate_id"]).to_numpy()
    return rows


def filter_gaps(gaps: pd.DataFrame, *, mentee: str | None, area: str | None) -> pd.DataFrame:
    """Only the gaps of ``mentee`` and/or ``area`` (``area`` is matched case-insensitively)."""
    if mentee is not None:
        gaps = gaps[gaps["mentee_id"] == mentee]
    if area is not None:
        gaps = gaps[gaps["area"] == area.strip().lower()]
    return gaps


def _layers(net: Network, batch: np.ndarray, depth: int) -> list:
    """BFS layers 0..depth of each mentee in ``batch`` (one sparse row per mentee)."""
    b, n = len(batch), net.size
    frontier = sp.csr_matrix((np.ones(b, dtype=np.int32), (np.arange(b), batch)), shape=(b, n))
    visited, layers = frontier.copy(), [frontier]
    for _ in range(depth):
        step, visited = _next_layer(layers[-1], visited, net.adjacency)
        layers.append(step)
    return layers


def _next_layer(frontier, visited, adjacency):
    """(people one hop beyond ``frontier`` not yet visited, visited including them), per row."""
    step = frontier @ adjacency
    step.data[:] = 1
    step = (step - step.multiply(visited)).tocsr()
    step.eliminate_zeros()
    seen = (visited + step).tocsr()
    seen.data[:] = 1
    return step, seen


def paths_for(net: Network, mentee_ids, candidate_ids, hops) -> tuple[list[str], list[str]]:
    """Referral paths and tie descriptions for given (mentee, candidate, hops) triples."""
    mentees, cands = net.position(mentee_ids), net.position(candidate_ids)
    hops = np.asarray(hops, dtype=np.int64)
    paths, ties = [""] * len(mentees), [""] * len(mentees)
    if len(mentees) == 0:
        return paths, ties
    unique = np.unique(mentees)
    for start in range(0, len(unique), BATCH):
        batch = unique[start:start + BATCH]
        sel = np.flatnonzero(np.isin(mentees, batch))
        rows = np.searchsorted(batch, mentees[sel])
        layers = _layers(net, batch, int(hops[sel].max()) - 1)
        p, t = _paths(net, layers, rows, mentees[sel], cands[sel], hops[sel])
        for i, pi, ti in zip(sel, p, t):
            paths[i], ties[i] = pi, ti
    return paths, ties


def match_pools(ds: Dataset, *, policy: Policy, as_of: dt.date) -> tuple[pd.DataFrame, pd.DataFrame, Network]:
    """Gaps, and the best ``match_pool`` candidates of each (without paths)."""
    snap = dataset_snapshot(ds, policy=policy, as_of=as_of)
    pools = rank_candidates(snap.network, snap.gaps, policy=policy, limit=policy.match_pool, with_paths=False)
    return snap.gaps, pools, snap.network


def check_filters(ds: Dataset, *, mentee: str | None, area: str | None) -> None:
    """An unknown mentee id or a malformed area is a usage error, not an empty answer."""
    from .errors import DataError, Problem

    if mentee is not None and not ds.people["id"].eq(mentee).any():
        raise DataError(Problem("--mentee", f"no person with id {mentee!r} in {ds.source or 'the dataset'}"))
    if area is not None:
        low = area.strip().lower()
        known = {"research", "career"} | {f"identity:{a}" for a in ds.identity_attributes}
        if low not in known:
            raise DataError(Problem("--area", f"unknown area {area!r} (expected one of {', '.join(sorted(known))})"))


def suited_in_reach(snap: DatasetSnapshot, gaps: pd.DataFrame) -> pd.DataFrame:
    """For each gap (``mentee_id, area``): ``suited``, whether someone within ``max_hops`` is
    mentor-eligible, not already an active mentor of the mentee and suited to the need, whatever
    their capacity, acceptance or leadership conflicts; ``unconflicted``, whether any of those is
    not a leader of the mentee's department (the leadership-conflict rule). The facts the
    open-gap reasons are composed from (:func:`mentornet.matching.gap_reasons`)."""
    columns = ["mentee_id", "area", "suited", "unconflicted"]
    if gaps.empty:
        return pd.DataFrame({c: pd.Series(dtype=object if c in ("mentee_id", "area") else bool) for c in columns})
    net, people = snap.network, snap.dataset.people
    role_ok = people["role"].isin(MENTOR_ROLES).to_numpy()
    gap_m = net.position(gaps["mentee_id"])
    gap_area = gaps["area"].to_numpy(dtype=object)
    suited = np.zeros(len(gaps), dtype=bool)
    unconflicted = np.zeros(len(gaps), dtype=bool)
    mentees = np.unique(gap_m)
    for start in range(0, len(mentees), BATCH):
        batch = mentees[start:start + BATCH]
        layers = _layers(net, batch, snap.policy.max_hops)
        reach = sum(layers[1:], sp.csr_matrix((len(batch), net.size), dtype=np.int32)).tocoo()
        rows, cands = reach.row.astype(np.int64), reach.col.astype(np.int64)
        m = batch[rows]
        keep = role_ok[cands] & (cands != m) & ~np.isin(cands * net.size + m, net.mentor_keys)
        rows, cands, m = rows[keep], cands[keep], m[keep]
        dm = net.department[m]
        conflict = net.leader[cands] & net.trainee[m] & (dm >= 0) & (net.department[cands] == dm)
        here = np.flatnonzero(np.isin(gap_m, batch))
        for area in np.unique(gap_area[here]):
            gaps_here = here[gap_area[here] == area]
            gap_of_row = np.full(len(batch), -1, dtype=np.int64)  # one gap per (mentee, area)
            gap_of_row[np.searchsorted(batch, gap_m[gaps_here])] = gaps_here
            g = gap_of_row[rows]
            sel = g >= 0
            ok, _ = suitability(net, area, m[sel], cands[sel])
            suited[g[sel][ok]] = True
            unconflicted[g[sel][ok & ~conflict[sel]]] = True
    return pd.DataFrame({"mentee_id": gaps["mentee_id"].to_numpy(), "area": gap_area,
                         "suited": suited, "unconflicted": unconflicted})


REFER_OUTPUT_COLUMNS = [*REFER_COLUMNS, "reason"]


def with_open_gaps(rows: pd.DataFrame, open_gaps: pd.DataFrame) -> pd.DataFrame:
    """What ``refer`` writes: the referrals (``reason`` empty), and one row per gap that has
    none, with only ``mentee_id``, ``area`` and ``reason`` filled (every other cell missing:
    empty in CSV, null in JSON), sorted by mentee, area, rank."""
    rows = rows.assign(reason="")
    open_rows = pd.DataFrame({c: [None] * len(open_gaps) for c in REFER_OUTPUT_COLUMNS})
    for col in ("mentee_id", "area", "reason"):
        open_rows[col] = open_gaps[col].to_numpy(dtype=object)
    open_rows["score"] = np.nan
    rows = rows.astype({"rank": object, "hops": object})
    frame = pd.concat([rows, open_rows.astype({"rank": object, "hops": object})], ignore_index=True) \
        if len(open_rows) else rows
    return analysis.sort_rows(frame, ["mentee_id", "area"])[REFER_OUTPUT_COLUMNS]
