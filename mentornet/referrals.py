"""Candidates, ranking and referral paths (DESIGN.md section 3), vectorised for large networks.

The straightforward method runs one breadth-first search per mentee and filters every
person it reaches in Python. This module does the same work in batches of mentees with
sparse-matrix products (scipy), which walk the acquaintance network in C:

* hop ``h`` of a batch is ``frontier @ A`` less the people already reached (looked up in one
  visited table kept for the whole search and cleared entry by entry); only mentor
  candidates are kept at the last hop, and a mentee stops early once each of its gaps has
  enough candidates (candidates at a later hop always rank lower, so they cannot change
  the answer);
* interests are bit sets, so shared topics and Jaccard scores are popcounts; each hop's
  candidates are ranked by one ``argsort`` of a packed integer key (:class:`_Ranker`), and
  the result is arrays (:class:`Pools`), made into rows once at the end;
* referral paths are found for all referrals of a batch at once by intersecting the
  mentee's BFS layers with the candidate's neighbourhood, then choosing the smallest
  next node step by step (first hop: the mentee's active mentors first).

:mod:`mentornet._reference` holds the plain one-BFS-per-mentee version used as the test
oracle and the benchmark baseline; both must return identical rows.
"""
from __future__ import annotations

import datetime as dt
import queue
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from . import analysis
from .model import IDENTITY_PREFIX, MENTOR_ROLES, MENTORS, TRAINEE_ROLES, Dataset, Policy, fold, processors
from .snapshot import DatasetSnapshot, dataset_snapshot

if TYPE_CHECKING:
    import scipy.sparse as sp

REFER_COLUMNS = ["mentee_id", "area", "rank", "candidate_id", "hops", "score", "path",
                 "candidate_name", "shares", "ties"]
BATCH = 512
MAX_SEARCH_THREADS = 4
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
    research_size: np.ndarray  # topics per person
    career_size: np.ndarray

    @property
    def size(self) -> int:
        return len(self.ids)

    @cached_property
    def index(self) -> pd.Index:
        return pd.Index(self.ids)

    def position(self, ids) -> np.ndarray:
        return self.index.get_indexer(ids)

    @cached_property
    def leader_department(self) -> np.ndarray:
        """A leader's department code, -2 for everyone else (see :func:`leadership_conflict`)."""
        return np.where(self.leader & (self.department >= 0), self.department, -2)

    @cached_property
    def trainee_department(self) -> np.ndarray:
        """A trainee's department code, -3 for everyone else (see :func:`leadership_conflict`)."""
        return np.where(self.trainee & (self.department >= 0), self.department, -3)

    @cached_property
    def research_words(self) -> tuple[np.ndarray, ...]:
        """``research`` one contiguous array per 64-bit word (see :func:`_shared_count`)."""
        return tuple(np.ascontiguousarray(self.research[:, w]) for w in range(self.research.shape[1]))

    @cached_property
    def career_words(self) -> tuple[np.ndarray, ...]:
        return tuple(np.ascontiguousarray(self.career[:, w]) for w in range(self.career.shape[1]))


def _bitsets(lists: pd.Series) -> tuple[np.ndarray, list[str]]:
    """Tuples of topics to (N, W) uint64 bit sets over the folded vocabulary (each distinct
    tuple worked out once: people share a few combinations of topics)."""
    distinct: dict[tuple, int] = {}
    codes = np.fromiter((distinct.setdefault(items, len(distinct)) for items in map(tuple, lists.tolist())),
                        dtype=np.int64, count=len(lists))
    vocab = sorted({fold(t) for items in distinct for t in items})
    code = {t: i for i, t in enumerate(vocab)}
    words = max(1, (len(vocab) + 63) // 64)
    bits = np.zeros((len(distinct), words), dtype=np.uint64)
    rows, cols = [], []
    for i, items in enumerate(distinct):
        for t in items:
            rows.append(i)
            cols.append(code[fold(t)])
    if rows:
        rows, cols = np.asarray(rows), np.asarray(cols)
        np.bitwise_or.at(bits, (rows, cols // 64), np.left_shift(np.uint64(1), (cols % 64).astype(np.uint64)))
    return bits[codes], vocab


def build_network(ds: Dataset, *, policy: Policy, as_of: dt.date) -> Network:
    """Everything :func:`rank_candidates` needs (a thin wrapper of :func:`network_of`)."""
    return dataset_snapshot(ds, policy=policy, as_of=as_of).network


def network_of(snap: DatasetSnapshot) -> Network:
    """Everything :func:`rank_candidates` needs, from a snapshot's active mentorships and load."""
    ds, policy, as_of = snap.dataset, snap.policy, snap.as_of
    people = ds.people
    n = len(people)
    ids = people["id"].to_numpy(dtype=object)
    rels = ds.relationships
    src, dst = ds.relationship_people  # found once, while the ids were validated
    import scipy.sparse as sp  # loaded by the commands that walk the network only (not gaps, validate)

    adjacency = sp.coo_matrix((np.ones(2 * len(src), dtype=np.int32),
                               (np.concatenate([src, dst]), np.concatenate([dst, src]))), shape=(n, n)).tocsr()
    adjacency.data[:] = 1
    adjacency.sort_indices()

    load = snap.load
    remaining = load["remaining"].to_numpy()
    eligible = (people["role"].isin(MENTOR_ROLES).to_numpy() & people["accepting"].to_numpy() & (remaining > 0))
    mentor_keys = np.unique(snap.active_rows.mentor.astype(np.int64) * n + snap.active_rows.mentee)

    research, research_vocab = _bitsets(people["research_interests"])
    career, career_vocab = _bitsets(people["career_interests"])
    dept = ds.folded_codes("department")[0]
    tie_keys, tie_codes = _tie_table(rels, src, dst, n, policy=policy, as_of=as_of)
    eligible_cols = np.flatnonzero(eligible)
    return Network(
        ids=ids, id_rank=ds.id_ranks, by_rank=ds.id_order, adjacency=adjacency, eligible=eligible,
        to_eligible=adjacency[:, eligible_cols].tocsr(), eligible_cols=eligible_cols,
        remaining=remaining, research=research, career=career,
        identity={a: ds.folded_codes(IDENTITY_PREFIX + a)[0] for a in ds.identity_attributes},
        leader=analysis.leaders(people),
        trainee=people["role"].isin(TRAINEE_ROLES).to_numpy(), department=dept,
        mentor_keys=mentor_keys, tie_keys=tie_keys, tie_codes=tie_codes,
        research_vocab=research_vocab, career_vocab=career_vocab,
        research_size=_popcount(research), career_size=_popcount(career),
    )


def _tie_table(rels, src, dst, n, *, policy, as_of):
    """For each ordered pair with a relationship, the strongest description of b as seen by a."""
    is_mentor = rels["type"].to_numpy() == MENTORS
    active = np.zeros(len(rels), dtype=bool)
    if is_mentor.any():
        active[is_mentor] = analysis.active_mask(rels[is_mentor], policy=policy, as_of=as_of)
    # a mentorship that has not started yet is an acquaintance ("knows"), not a former one
    is_mentor &= analysis.started_mask(rels, as_of=as_of)
    types = rels["type"].to_numpy()  # upper case (io)
    kind = np.select([types == "COAUTHOR", types == "COLLEAGUE"], [2, 3], 4)  # KNOWS, and MENTORS not started
    # seen from the target (a = dst): the source is their mentor; from the source: their mentee
    from_dst = np.where(is_mentor, np.where(active, 0, 5), kind)
    from_src = np.where(is_mentor, np.where(active, 1, 6), kind)
    keys = np.concatenate([dst.astype(np.int64) * n + src, src.astype(np.int64) * n + dst])
    codes = np.concatenate([from_dst, from_src]).astype(np.int64)
    order = np.argsort(keys * 8 + codes)  # by pair, strongest description first (codes < 8)
    keys, codes = keys[order], codes[order]
    first = np.ones(len(keys), dtype=bool)
    first[1:] = keys[1:] != keys[:-1]
    return keys[first], codes[first]


# --------------------------------------------------------------------------- suitability


_BYTE_POPCOUNT = np.array([bin(i).count("1") for i in range(256)], dtype=np.uint8)


def _popcount(bits: np.ndarray) -> np.ndarray:
    """Set bits per row of a 2-D unsigned bitset array."""
    if _HAS_BITWISE_COUNT:  # word by word: a row sum over a short axis is several times slower
        count = np.zeros(len(bits), dtype=np.int64)
        for w in range(bits.shape[1]):
            count += np.bitwise_count(bits[:, w])
        return count
    # numpy < 2.0: count the bytes of each row through a table.
    bits = np.ascontiguousarray(bits)
    as_bytes = bits.view(np.uint8).reshape(len(bits), bits.shape[1] * bits.itemsize)  # also for no rows
    return _BYTE_POPCOUNT[as_bytes].sum(axis=1, dtype=np.int64)


_HAS_BITWISE_COUNT = hasattr(np, "bitwise_count")  # numpy 2.0 and later


def _shared_count(words: tuple[np.ndarray, ...], m: np.ndarray, c: np.ndarray) -> np.ndarray:
    """Topics ``m`` and ``c`` share, pair by pair, from bit sets stored a word per array
    (``Network.research_words``): one 1-D gather per word, about nine times faster than
    gathering whole rows of the (N, W) array and summing them."""
    count = np.zeros(len(m), dtype=np.int64)
    for word in words:
        both = word[m] & word[c]
        count += np.bitwise_count(both) if _HAS_BITWISE_COUNT else _popcount(both[:, None])
    return count


def suitability(net: Network, area: str, mentees: np.ndarray, cands: np.ndarray):
    """(suited mask, score) for each (mentee, candidate) pair and one need area."""
    if area in ("research", "career"):
        words, size = (net.research_words, net.research_size) if area == "research" \
            else (net.career_words, net.career_size)
        inter = _shared_count(words, mentees, cands)
        union = size[mentees] + size[cands] - inter
        m_lists = size[mentees] > 0
        suited = np.where(m_lists, inter > 0, size[cands] > 0)
        score = np.where(m_lists, inter / np.maximum(union, 1), 0.0)
        return suited, score
    attr = area.split(":", 1)[1]
    codes = net.identity[attr]
    suited = (codes[mentees] == codes[cands]) & (codes[mentees] >= 0)
    inter = _shared_count(net.research_words, mentees, cands)
    union = net.research_size[mentees] + net.research_size[cands] - inter
    return suited, np.where(union > 0, inter / np.maximum(union, 1), 0.0)


def mentors_already(net: Network, mentees: np.ndarray, cands: np.ndarray) -> np.ndarray:
    """Whether each candidate is already an active mentor of the mentee beside it: a binary search
    in the sorted ``net.mentor_keys`` (``np.isin`` would sort all of them again on every call,
    which at a million people was nine tenths of ``refer``)."""
    keys = cands.astype(np.int64) * net.size + mentees
    if not len(net.mentor_keys):
        return np.zeros(len(keys), dtype=bool)
    pos = np.minimum(np.searchsorted(net.mentor_keys, keys), len(net.mentor_keys) - 1)
    return net.mentor_keys[pos] == keys


def leadership_conflict(net: Network, mentees: np.ndarray, cands: np.ndarray) -> np.ndarray:
    """Whether each candidate is a leader of the department of the trainee beside it (DESIGN.md
    section 3): one comparison of the two department codes, which differ whenever either
    person is not a leader or trainee of a known department."""
    return net.leader_department[cands] == net.trainee_department[mentees]


def allowed(net: Network, mentees: np.ndarray, cands: np.ndarray) -> np.ndarray:
    """Rules that do not depend on the need: not already a mentor, no leadership conflict."""
    already = mentors_already(net, mentees, cands)
    return ~already & ~leadership_conflict(net, mentees, cands) & (cands != mentees)


# --------------------------------------------------------------------------- reach


class _Visited:
    """Who each mentee of a batch has reached: one flat boolean table of ``rows x N`` kept for
    the whole search and cleared entry by entry (never re-allocated or zeroed whole)."""

    def __init__(self, rows: int, n: int):
        self.n = n
        self.seen = np.zeros(rows * n, dtype=bool)
        self.marked: list[np.ndarray] = []

    def mark(self, rows: np.ndarray, cols: np.ndarray) -> None:
        keys = rows * self.n + cols
        self.seen[keys] = True
        self.marked.append(keys)

    def new(self, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
        return ~self.seen[rows * self.n + cols]

    def visit(self, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
        """Which of the distinct entries are new (as :meth:`new`), marking them (as :meth:`mark`):
        the keys computed once."""
        keys = rows * self.n + cols
        new = ~self.seen[keys]
        keys = keys[new]
        self.seen[keys] = True
        self.marked.append(keys)
        return new

    def clear(self) -> None:
        for keys in self.marked:
            self.seen[keys] = False
        self.marked = []


def search_threads() -> int:
    """Threads the candidate search uses: ``MENTORNET_THREADS`` if set, else the processors
    this process may run on, at most :data:`MAX_SEARCH_THREADS` (each holds a visited table of
    up to 512 MB)."""
    return processors(at_most=MAX_SEARCH_THREADS)


def _batch_rows(n: int) -> int:
    """Mentees per batch: the visited table stays within about 512 MB. Each sparse product
    costs O(N) besides its work (scipy's work arrays span every column: about 9 ms a product
    at a million people), so fewer, larger batches matter there: a 256 MB table made 1,700
    batches of 268 mentees at a million people, and the products' fixed cost grew with the
    square of the network's size."""
    return int(min(BATCH, max(64, (1 << 29) // max(n, 1))))


def _batches(gap_m: np.ndarray, per_batch: int):
    """The mentees of ``gap_m`` (person positions, one per gap) in batches: for each batch, its
    mentees (distinct, ascending) and the indices of their gaps, which are one slice of the
    gaps ordered by mentee (stable, so a mentee's gaps keep their order)."""
    order = np.argsort(gap_m, kind="stable")
    mentees = np.unique(gap_m)
    bounds = np.append(np.searchsorted(gap_m[order], mentees), len(order))
    for start in range(0, len(mentees), per_batch):
        stop = min(start + per_batch, len(mentees))
        yield mentees[start:stop], order[bounds[start]:bounds[stop]]


def _csr(rows: np.ndarray, cols: np.ndarray, shape) -> sp.csr_matrix:
    import scipy.sparse as sp

    return sp.csr_matrix((np.ones(len(rows), dtype=np.int32), (rows, cols)), shape=shape)


def _frontier(rows: np.ndarray, cols: np.ndarray, shape) -> sp.csr_matrix:
    """The 0/1 matrix of distinct (row, column) entries whose ``rows`` are ascending, built
    directly (row pointers by binary search): :func:`_csr` goes through COO and sorts every
    row's columns, which a product's left operand does not need (the product's entries are
    the same; only their order within a row may differ, and the search orders what it keeps
    by its ranking key, a total order)."""
    import scipy.sparse as sp

    index = np.int32 if max(shape) < 2**31 - 1 and len(rows) < 2**31 - 1 else np.int64
    indptr = np.searchsorted(rows, np.arange(shape[0] + 1)).astype(index)
    return sp.csr_matrix((np.ones(len(rows), dtype=np.int32), cols.astype(index), indptr), shape=shape)


def _step(rows, cols, b, adjacency, live=None):
    """(row, column) of every entry of ``frontier @ adjacency`` (frontier rows of ``live``;
    ``rows`` ascending, as every layer's are: a product's rows come out in order)."""
    if live is not None:
        keep = live[rows]
        rows, cols = rows[keep], cols[keep]
    product = _frontier(rows, cols, (b, adjacency.shape[0])) @ adjacency
    out_rows = np.repeat(np.arange(b, dtype=np.int64), np.diff(product.indptr))
    return out_rows, product.indices.astype(np.int64)


def _bfs_layers(net: Network, batch: np.ndarray, depth: int, visited: _Visited) -> list:
    """BFS layers 0..depth of each mentee in ``batch``, as (row, person) arrays."""
    b = len(batch)
    rows, cols = np.arange(b, dtype=np.int64), batch.astype(np.int64)
    visited.mark(rows, cols)
    layers = [(rows, cols)]
    for _ in range(depth):
        r, c = _step(*layers[-1], b, net.adjacency)
        new = visited.visit(r, c)
        r, c = r[new], c[new]
        layers.append((r, c))
    visited.clear()
    return layers


def _layer_matrices(layers, b, n) -> list:
    return [_csr(r, c, (b, n)) for r, c in layers]


# --------------------------------------------------------------------------- ranking


class _Ranker:
    """The ranking of DESIGN.md section 3 (hops, then score descending, remaining capacity
    descending, id) as one integer per (gap, candidate) of a hop: the gap, the score's place
    among all possible Jaccard values, room and id rank packed in the bits of an int64, so one
    ``argsort`` orders a hop's candidates gap by gap. Scores are compared as the same floats the
    rows show (equal fractions are equal floats; IEEE division is correctly rounded)."""

    def __init__(self, net: Network, gaps: int):
        most = int(max(net.research_size.max(initial=0), net.career_size.max(initial=0)))
        top = 2 * most  # a union has at most two sets' items
        inter, union = np.meshgrid(np.arange(top + 1), np.arange(top + 1), indexing="ij")
        values = np.where(union > 0, inter / np.maximum(union, 1), 0.0)
        distinct = np.unique(values)
        # place 0 = the highest score
        self.score_place = (len(distinct) - 1 - np.searchsorted(distinct, values)).astype(np.int64)
        self.distinct = distinct
        self.id_bits = max(1, int(net.size - 1).bit_length())
        self.room_max = int(net.remaining[net.eligible].max(initial=1))
        self.room_bits = max(1, self.room_max.bit_length())
        self.score_bits = max(1, (len(distinct) - 1).bit_length())
        self.gap_bits = max(1, int(gaps).bit_length())
        self.packed = self.gap_bits + self.score_bits + self.room_bits + self.id_bits <= 62

    def order(self, net, gap, cand, inter, union) -> np.ndarray:
        """Positions of the hits sorted by gap, then rank."""
        place = self.score_place[inter, union]
        room = self.room_max - net.remaining[cand]
        idr = net.id_rank[cand]
        if not self.packed:
            return np.lexsort((idr, room, place, gap))
        key = gap.astype(np.int64)
        key = (key << self.score_bits) | place
        key = (key << self.room_bits) | room
        key = (key << self.id_bits) | idr
        return np.argsort(key)


def _suited(net, kind, attr, m, c):
    """(positions of the suited (mentee, candidate) pairs for one area, and their Jaccard
    numerator and denominator)."""
    if kind < 2:
        words, size = (net.research_words, net.research_size) if kind == 0 else (net.career_words, net.career_size)
        sm, sc = size[m], size[c]
        inter = _shared_count(words, m, c)  # 0 when the mentee lists nothing
        lists = sm > 0
        suited = np.flatnonzero(np.where(lists, inter > 0, sc > 0))
        inter, lists = inter[suited], lists[suited]
        union = np.where(lists, sm[suited] + sc[suited] - inter, 0)
        return suited, inter, union
    codes = net.identity[attr]
    cm = codes[m]
    suited = np.flatnonzero((cm == codes[c]) & (cm >= 0))
    m, c = m[suited], c[suited]
    inter = _shared_count(net.research_words, m, c)
    return suited, inter, net.research_size[m] + net.research_size[c] - inter


def _entries_of(gap_of_row: np.ndarray, bounds: np.ndarray) -> tuple[np.ndarray, np.ndarray | None]:
    """(gap, position) of the entries of a hop whose row has a gap (``gap_of_row`` >= 0) in one
    area, from the rows' slices of the entries (``bounds``, entries grouped by ascending row):
    the work is in proportion to the entries kept. Position None: every entry is kept, in
    order."""
    rows = np.flatnonzero(gap_of_row >= 0)
    lengths = bounds[rows + 1] - bounds[rows]
    g = np.repeat(gap_of_row[rows], lengths)
    if len(g) == bounds[-1]:
        return g, None
    starts = np.repeat(bounds[rows] - (np.cumsum(lengths) - lengths), lengths)
    return g, np.arange(len(g), dtype=np.int64) + starts


def _area_kinds(net: Network, areas: np.ndarray) -> tuple[np.ndarray, list]:
    """Each area as a small code: 0 research, 1 career, 2 + i the i-th identity attribute."""
    attrs = list(net.identity)
    names = {"research": 0, "career": 1, **{f"identity:{a}": 2 + i for i, a in enumerate(attrs)}}
    return np.array([names[a] for a in areas], dtype=np.int64), attrs


@dataclass
class Pools:
    """The best candidates of each gap, as arrays: a gap's rows together in rank order, gaps in
    the search's order (by batch; consumers sort by gap and rank); ``gap`` indexes the gaps
    given to :func:`candidate_pools`."""

    gap: np.ndarray
    cand: np.ndarray
    hops: np.ndarray
    score: np.ndarray
    rank: np.ndarray
    paths: tuple | None = None  # when asked: (path texts, tie texts), object arrays per row


def top_ranks(pools: Pools, limit: int) -> Pools:
    """The rows of ``pools`` ranked ``limit`` or better (paths kept when there are any)."""
    keep = np.flatnonzero(pools.rank <= limit)
    if len(keep) == len(pools.rank):
        return pools
    paths = None if pools.paths is None else (pools.paths[0][keep], pools.paths[1][keep])
    return Pools(pools.gap[keep], pools.cand[keep], pools.hops[keep], pools.score[keep], pools.rank[keep], paths)


def _by_department(net: Network) -> tuple[Network, np.ndarray, np.ndarray]:
    """(a copy of ``net`` with people numbered department by department, in dataset order
    within one; ``perm``, each new position's old one; ``inv``, each old position's new one).

    Most ties are within a department, so a mentee's few hops span a short range of numbers
    and the search's look-ups (visited table, the products' work arrays, per-person arrays)
    stay in the cache: at a million people they otherwise miss on nearly every entry. The
    answer does not depend on numbering: the ranking breaks ties by id (``id_rank``), each
    mentee is searched alone whatever its batch, and the pools' consumers order rows by gap
    and rank. The copy has no tie table (it finds no paths)."""
    n = net.size
    perm = np.argsort(net.department, kind="stable")
    inv = np.empty(n, dtype=np.int64)
    inv[perm] = np.arange(n)
    adjacency = net.adjacency[perm][:, perm]
    adjacency.sort_indices()
    eligible = net.eligible[perm]
    eligible_cols = np.flatnonzero(eligible)
    mentor_keys = np.sort(inv[net.mentor_keys // n] * n + inv[net.mentor_keys % n])
    local = Network(
        ids=net.ids[perm], id_rank=net.id_rank[perm], by_rank=inv[net.by_rank], adjacency=adjacency,
        to_eligible=adjacency[:, eligible_cols].tocsr(), eligible_cols=eligible_cols, eligible=eligible,
        remaining=net.remaining[perm], research=net.research[perm], career=net.career[perm],
        identity={a: codes[perm] for a, codes in net.identity.items()}, leader=net.leader[perm],
        trainee=net.trainee[perm], department=net.department[perm], mentor_keys=mentor_keys,
        tie_keys=np.zeros(0, dtype=np.int64), tie_codes=np.zeros(0, dtype=np.int64),
        research_vocab=net.research_vocab, career_vocab=net.career_vocab,
        research_size=net.research_size[perm], career_size=net.career_size[perm])
    return local, perm, inv


def candidate_pools(net: Network, gap_m: np.ndarray, gap_area: np.ndarray, *, max_hops: int, limit: int,
                    with_paths: bool = False) -> Pools:
    """The best ``limit`` candidates of each gap (mentee position ``gap_m``, area ``gap_area``).

    Mentees are taken in batches; hop ``h`` of a batch is the people one step beyond hop
    ``h - 1`` not reached before (a sparse product and a look-up in a visited table). Only
    mentor-eligible people are candidates, and the last hop reaches only them. A mentee stops
    once each of its gaps has ``limit`` candidates: candidates at a later hop always rank lower.
    A gap that has its ``limit`` candidates is no longer looked at while its mentee's other gaps
    go on (every later candidate of it would rank past ``limit``). An active mentor of the
    mentee is always at hop 1 (their ``MENTORS`` row is a tie), so only hop 1 checks it.
    """
    if not with_paths and net.size:  # on a copy numbered by department (_by_department)
        local, perm, inv = _by_department(net)
        found = _search(local, inv[gap_m], gap_area, max_hops=max_hops, limit=limit, with_paths=False)
        found.cand = perm[found.cand]
        return found
    return _search(net, gap_m, gap_area, max_hops=max_hops, limit=limit, with_paths=with_paths)


def _search(net: Network, gap_m: np.ndarray, gap_area: np.ndarray, *, max_hops: int, limit: int,
            with_paths: bool) -> Pools:
    """:func:`candidate_pools` on ``net``'s own numbering. Batches are independent (each mentee
    is searched alone, and a visited table is cleared after each batch), so they run on
    :func:`search_threads` threads, a table each; the parts are joined in batch order, so the
    arrays are the same whatever the number of threads. Most of a batch's work is in numpy
    and scipy calls that release the GIL: at 100,000 people on 2 cores, the search without
    paths took 3.5-4.2 s on two threads against 6.0-6.2 s on one."""
    kinds, attrs = _area_kinds(net, gap_area)
    n = net.size
    per_batch = _batch_rows(n)
    ranker = _Ranker(net, min(len(gap_m), per_batch * (2 + len(attrs))))
    batches = list(_batches(gap_m, per_batch))
    workers = min(len(batches), search_threads())
    tables = queue.SimpleQueue()  # one visited table per thread at work
    for _ in range(workers):
        tables.put(_Visited(per_batch, n))

    def search(batch_gaps):
        visited = tables.get()
        try:
            return _search_batch(net, *batch_gaps, gap_m, kinds, attrs, max_hops=max_hops, limit=limit,
                                 visited=visited, ranker=ranker, with_paths=with_paths)
        finally:
            tables.put(visited)

    if workers > 1:  # (Network's cached properties are pure: two threads at worst compute one twice)
        pool = ThreadPoolExecutor(workers, thread_name_prefix="mentornet-search")
        try:
            parts = list(pool.map(search, batches))  # in batch order, whichever thread ends first
        finally:  # after Ctrl-C, the batches not yet begun are dropped, not searched
            pool.shutdown(wait=True, cancel_futures=True)
    else:
        parts = [search(b) for b in batches]
    if not parts:
        none = np.zeros(0, dtype=object)
        return Pools(*(np.zeros(0, dtype=np.int64) for _ in range(5)), paths=(none, none) if with_paths else None)
    paths = (np.concatenate([p[5][0] for p in parts]), np.concatenate([p[5][1] for p in parts])) if with_paths \
        else None
    return Pools(*(np.concatenate([p[i] for p in parts]) for i in range(5)), paths=paths)


def _search_batch(net, batch, gaps, gap_m, kinds, attrs, *, max_hops, limit, visited, ranker, with_paths):
    n, b = net.size, len(batch)
    local_row = np.searchsorted(batch, gap_m[gaps])        # each gap's mentee row in the batch
    gap_of = np.full((b, 2 + len(attrs)), -1, dtype=np.int64)  # (row, area kind) -> local gap
    gap_of[local_row, kinds[gaps]] = np.arange(len(gaps))
    found = np.zeros(len(gaps), dtype=np.int64)
    live = np.ones(b, dtype=bool)
    rows, cols = np.arange(b, dtype=np.int64), batch.astype(np.int64)
    visited.mark(rows, cols)
    layers = [(rows, cols)]
    hits = []
    for hop in range(1, max_hops + 1):
        if hop < max_hops:
            r, c = _step(*layers[-1], b, net.adjacency, live)
            new = visited.visit(r, c)
            r, c = r[new], c[new]
            layers.append((r, c))
            keep = net.eligible[c]
            r, c = r[keep], c[keep]
        else:  # the last hop: only candidates, and no further layer
            r, c = _step(*layers[-1], b, net.to_eligible, live)
            c = net.eligible_cols[c]
            new = visited.new(r, c)
            r, c = r[new], c[new]
        m = batch[r]
        ok = ~leadership_conflict(net, m, c)
        if hop == 1:
            ok &= ~mentors_already(net, m, c) & (c != m)
        r, c, m = r[ok], c[ok], m[ok]
        bounds = np.searchsorted(r, np.arange(b + 1))  # row i's entries: bounds[i]:bounds[i + 1]
        g_parts, c_parts, i_parts, u_parts = [], [], [], []
        for kind in np.unique(kinds[gaps]):
            g, sel = _entries_of(gap_of[:, kind], bounds)
            if not len(g):
                continue
            ms, cs = (m, c) if sel is None else (m[sel], c[sel])
            suited, inter, union = _suited(net, kind, attrs[kind - 2] if kind >= 2 else None, ms, cs)
            g_parts.append(g[suited])
            c_parts.append(cs[suited])
            i_parts.append(inter)
            u_parts.append(union)
        if g_parts:
            g, c = np.concatenate(g_parts), np.concatenate(c_parts)
            inter, union = np.concatenate(i_parts), np.concatenate(u_parts)
            ordered = ranker.order(net, g, c, inter, union)
            g, c, inter, union = g[ordered], c[ordered], inter[ordered], union[ordered]
            first = np.ones(len(g), dtype=bool)
            first[1:] = g[1:] != g[:-1]
            starts = np.flatnonzero(first)
            place = np.arange(len(g)) - np.repeat(starts, np.diff(np.append(starts, len(g))))
            rank = found[g] + place + 1
            take = rank <= limit
            g, c, inter, union, rank = g[take], c[take], inter[take], union[take], rank[take]
            np.add.at(found, g, 1)
            hits.append((g, c, np.full(len(g), hop, dtype=np.int64), inter, union, rank))
        full = found >= limit
        gap_of[local_row[full], kinds[gaps[full]]] = -1  # a full gap's later candidates would rank past limit
        satisfied = np.ones(b, dtype=bool)
        np.logical_and.at(satisfied, local_row, full)
        live &= ~satisfied
        if not live.any() or (hop < max_hops and not len(layers[-1][0])):
            break
    visited.clear()
    if not hits:
        empty, none = np.zeros(0, dtype=np.int64), np.zeros(0, dtype=object)
        return empty, empty, empty, np.zeros(0), empty, (none, none)
    g, c, hops, inter, union, rank = (np.concatenate([h[i] for h in hits]) for i in range(6))
    ordered = np.lexsort((rank, g))
    g, c, hops, inter, union, rank = g[ordered], c[ordered], hops[ordered], inter[ordered], union[ordered], rank[ordered]
    score = np.where(union > 0, inter / np.maximum(union, 1), 0.0)
    paths = None
    if with_paths:
        paths = _paths(net, _layer_matrices(layers, b, n), local_row[g], batch[local_row[g]], c, hops)
    return gaps[g], c, hops, score, rank, paths


def rank_candidates(net: Network, gaps: pd.DataFrame, *, policy: Policy, limit: int,
                    with_paths: bool = True) -> pd.DataFrame:
    """The best ``limit`` candidates for every gap, ranked, with referral paths.

    ``gaps`` has ``mentee_id`` and ``area``. Returns columns of :data:`REFER_COLUMNS`
    (``path`` and ``ties`` empty when ``with_paths`` is false), sorted by mentee, area, rank.
    """
    if gaps.empty:
        return _empty()
    pools = candidate_pools(net, net.position(gaps["mentee_id"]), gaps["area"].to_numpy(dtype=object),
                            max_hops=policy.max_hops, limit=limit, with_paths=with_paths)
    return pools_frame(net, gaps, pools)


def pools_frame(net: Network, gaps: pd.DataFrame, pools: Pools) -> pd.DataFrame:
    """The rows of :data:`REFER_COLUMNS` for ``pools`` (of ``gaps``), sorted by mentee, area, rank."""
    if not len(pools.gap):
        return _empty()
    keys = pd.DataFrame({"mentee_id": gaps["mentee_id"].to_numpy(dtype=object),
                         "area": gaps["area"].to_numpy(dtype=object), "at": np.arange(len(gaps))})
    place = np.empty(len(gaps), dtype=np.int64)
    place[analysis.sort_rows(keys, ["mentee_id", "area"])["at"].to_numpy()] = np.arange(len(gaps))
    order = np.lexsort((pools.rank, place[pools.gap]))
    g, cands = pools.gap[order], pools.cand[order]
    mentees = keys["mentee_id"].to_numpy()[g]
    areas = keys["area"].to_numpy()[g]
    frame = pd.DataFrame({
        "mentee_id": mentees, "area": areas, "rank": pools.rank[order], "candidate_id": net.ids[cands],
        "hops": pools.hops[order], "score": pools.score[order],
    })
    frame["path"], frame["ties"] = ("", "") if pools.paths is None else (pools.paths[0][order], pools.paths[1][order])
    frame["candidate_name"] = ""
    frame["shares"] = _shares(net, net.position(mentees), cands, areas)  # match shows them too
    return frame[REFER_COLUMNS]


def _empty() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype=object) for c in REFER_COLUMNS})

def _shares(net, mentees, cands, areas) -> np.ndarray:
    """Interests the mentee and candidate share for the need (research for identity needs),
    as ``;``-joined text, built once per distinct shared set."""
    out = np.full(len(mentees), "", dtype=object)
    career = np.asarray(areas == "career")
    for use_career in (False, True):
        sel = np.flatnonzero(career == use_career)
        if not len(sel):
            continue
        bits = net.career if use_career else net.research
        vocab = net.career_vocab if use_career else net.research_vocab
        common = np.ascontiguousarray(bits[mentees[sel]] & bits[cands[sel]])
        flat = common[:, 0] if common.shape[1] == 1 else common.view(np.dtype((np.void, 8 * common.shape[1])))[:, 0]
        uniq, inverse = np.unique(flat, return_inverse=True)
        rows = uniq.reshape(-1, 1) if common.shape[1] == 1 else np.frombuffer(uniq.tobytes(), dtype=np.uint64).reshape(len(uniq), -1)
        text = np.array([";".join(vocab[w * 64 + i] for w, word in enumerate(row) for i in range(64) if int(word) >> i & 1)
                         for row in rows] + [""], dtype=object)[:-1]
        out[sel] = text[inverse.reshape(-1)]
    return out


# --------------------------------------------------------------------------- paths


def _paths(net, layers, rows, mentees, cands, hops) -> tuple[np.ndarray, np.ndarray]:
    """Referral paths and tie descriptions (object arrays of text) for each (mentee,
    candidate), each distinct pair computed once. ``layers`` None: every ``hops`` is at most
    :data:`DIRECT_HOPS` and is the pair's distance, and the paths are found without BFS layers
    (:func:`_short_paths`; ``rows`` is then unused)."""
    n = net.size
    _, first, inverse = np.unique(mentees.astype(np.int64) * n + cands, return_index=True, return_inverse=True)
    mentees, cands, hops = mentees[first], cands[first], hops[first]
    rows = None if layers is None else rows[first]
    text = np.empty(len(first), dtype=object)
    ties = np.empty(len(first), dtype=object)
    for h in np.unique(hops):
        sel = np.flatnonzero(hops == h)
        if layers is None:
            nodes = _short_paths(net, mentees[sel], cands[sel], int(h))
        else:
            nodes = _paths_of_length(net, layers, rows[sel], mentees[sel], cands[sel], int(h))
        text[sel] = [">".join(seq) for seq in zip(*(net.ids[nodes[:, j]] for j in range(h + 1)))]
        ties[sel] = _tie_text(net, nodes)
    inverse = inverse.reshape(-1)
    return text[inverse], ties[inverse]


def _tie_text(net, nodes: np.ndarray) -> np.ndarray:
    """How each node of each path relates to the one before it (``mentor`` = it mentors the one
    before), ``>``-joined, one text per path (built once per distinct sequence of ties)."""
    steps = nodes.shape[1] - 1
    combo = np.zeros(len(nodes), dtype=np.int64)
    for j in range(steps):
        keys = nodes[:, j].astype(np.int64) * net.size + nodes[:, j + 1]
        combo = combo * len(TIE_ORDER) + net.tie_codes[np.searchsorted(net.tie_keys, keys)]
    uniq, inverse = np.unique(combo, return_inverse=True)
    words = []
    for code in uniq.tolist():
        parts = []
        for _ in range(steps):
            code, tie = divmod(code, len(TIE_ORDER))
            parts.append(TIE_ORDER[tie])
        words.append(">".join(reversed(parts)))
    return np.array(words + [""], dtype=object)[:-1][inverse.reshape(-1)]


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
    # on[i]: nodes at distance i from m that lie on a shortest path to c (i = h-1 .. 1).
    # The neighbours of one node per row are rows of the adjacency (a gather); only a row of
    # several nodes needs a sparse product, whose work arrays span all N columns. Every
    # matrix is made canonical (sorted rows) before ``multiply``, which otherwise also
    # allocates arrays of N columns on each call.
    on = {}
    for i in range(h - 1, 0, -1):
        if i == h - 1:
            reach = net.adjacency[cands]
        else:
            reach = on[i + 1] @ net.adjacency
            reach.sort_indices()
        reach.data[:] = 1
        on[i] = reach.multiply(layers[i][rows]).tocsr()
        on[i].eliminate_zeros()
    # first hop: the mentee's active mentors first, then by id
    first = on[1].tocoo()
    m_first = mentees[first.row]
    mentor = mentors_already(net, m_first, first.col)
    key = net.id_rank[first.col] + np.where(mentor, 0, n)
    result[:, 1] = _row_argmin(first.row, first.col, key, k)
    for i in range(2, h):
        nxt = net.adjacency[result[:, i - 1]].multiply(on[i]).tocoo()
        result[:, i] = _row_argmin(nxt.row, nxt.col, net.id_rank[nxt.col], k)
    return result


DIRECT_HOPS = 2  # paths this short are found from adjacency rows alone (_short_paths)


def _short_paths(net, mentees, cands, h) -> np.ndarray:
    """The paths :func:`_paths_of_length` finds, for pairs at distance ``h`` of at most
    :data:`DIRECT_HOPS`, from adjacency rows alone (no BFS of the mentee).

    Why the same nodes. When ``h = 2`` is the distance from ``m`` to ``c``, the set
    :func:`_paths_of_length` chooses the middle node from (the neighbours of ``c`` at distance
    1 from ``m``) is ``N(m) & N(c)``: ``m`` itself is not a neighbour of ``c``. The middle
    node is chosen by the same key (the mentee's active mentors first, then id).
    ``tests/test_match.py`` compares both on generated networks. (For three hops the same
    argument holds, but finding the middle nodes pair by pair costs several times more than
    the mentee's BFS shared by its pairs.)
    """
    k, n = len(mentees), net.size
    result = np.empty((k, h + 1), dtype=np.int64)
    result[:, 0], result[:, h] = mentees, cands
    if h == 1 or not k:
        return result
    if h != 2:
        raise ValueError(f"_short_paths: {h} hops")
    adj = net.adjacency
    first = adj[mentees].multiply(adj[cands]).tocoo()
    mentor = mentors_already(net, mentees[first.row], first.col)
    key = net.id_rank[first.col] + np.where(mentor, 0, n)
    result[:, 1] = _row_argmin(first.row, first.col, key, k)
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
    if gaps is snap.gaps and not with_paths:  # the snapshot's one shared search
        rows = pools_frame(snap.network, gaps, snap.pools(limit))
    else:
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
        gaps = gaps[gaps["area"] == fold(area.strip())]
    return gaps


def paths_for(net: Network, mentee_ids, candidate_ids, hops) -> tuple[list[str], list[str]]:
    """Referral paths and tie descriptions for given (mentee, candidate, hops) triples."""
    mentees, cands = net.position(mentee_ids), net.position(candidate_ids)
    hops = np.asarray(hops, dtype=np.int64)
    paths = np.full(len(mentees), "", dtype=object)
    ties = np.full(len(mentees), "", dtype=object)
    if len(mentees) == 0:
        return paths.tolist(), ties.tolist()
    short = np.flatnonzero(hops <= DIRECT_HOPS)  # hops are distances (the search's)
    if len(short):
        paths[short], ties[short] = _paths(net, None, None, mentees[short], cands[short], hops[short])
    long = np.flatnonzero(hops > DIRECT_HOPS)
    if not len(long):
        return paths.tolist(), ties.tolist()
    per_batch = _batch_rows(net.size)
    visited = _Visited(per_batch, net.size)
    for batch, here in _batches(mentees[long], per_batch):
        sel = long[here]
        rows = np.searchsorted(batch, mentees[sel])
        layers = _bfs_layers(net, batch, int(hops[sel].max()) - 1, visited)
        paths[sel], ties[sel] = _paths(net, _layer_matrices(layers, len(batch), net.size), rows, mentees[sel],
                                       cands[sel], hops[sel])
    return paths.tolist(), ties.tolist()


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
        low = fold(area.strip())
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
    per_batch = _batch_rows(net.size)
    visited = _Visited(per_batch, net.size)
    for batch, here in _batches(gap_m, per_batch):
        layers = _bfs_layers(net, batch, snap.policy.max_hops, visited)[1:]
        rows = np.concatenate([r for r, _ in layers])
        cands = np.concatenate([c for _, c in layers])
        m = batch[rows]
        keep = role_ok[cands] & (cands != m) & ~mentors_already(net, m, cands)
        rows, cands, m = rows[keep], cands[keep], m[keep]
        conflict = leadership_conflict(net, m, cands)
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
