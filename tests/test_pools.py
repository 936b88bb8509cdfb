"""The shared candidate search (issue 19): one search per snapshot, batches, smaller limits.

The search takes mentees in batches and keeps a visited table between them; these tests force
tiny batches so that every batch boundary is crossed, and check the answer is the one the
straightforward reference gives. A snapshot's pools of a large limit, cut to a smaller one,
must equal a search with the smaller limit (what ``match`` and the audit share).
"""
from __future__ import annotations

import random
from types import MappingProxyType

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from helpers import AS_OF, random_dataset
from mentornet import referrals
from mentornet._reference import reference_referrals
from mentornet.audit import gaps_without_candidate
from mentornet.backends.networkx import NetworkXBackend
from mentornet.model import Policy
from mentornet.referrals import find_referrals, top_ranks
from mentornet.snapshot import dataset_snapshot

PATH_COLUMNS = ["mentee_id", "area", "rank", "candidate_id", "hops", "score", "path", "ties", "shares"]


def _rows(frame):
    return frame[[c for c in PATH_COLUMNS if c in frame.columns]].astype(str).values.tolist()


@settings(max_examples=25, deadline=None)
@given(rng=st.randoms(use_true_random=False), n_people=st.integers(4, 16), n_rels=st.integers(0, 30),
       batch=st.integers(1, 4), policy=st.sampled_from([Policy(), Policy(max_hops=2, top_k=5), Policy(max_hops=4)]))
def test_tiny_batches_give_the_same_referrals(rng, n_people, n_rels, batch, policy):
    ds = random_dataset(rng, n_people, n_rels)
    whole = find_referrals(ds, policy=policy, as_of=AS_OF)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(referrals, "BATCH", batch)
        batched = find_referrals(ds, policy=policy, as_of=AS_OF)
        backend = NetworkXBackend(ds)
        snap = backend.snapshot(policy=policy, as_of=AS_OF)
        paths, ties = backend.referral_paths(snap, whole["mentee_id"], whole["candidate_id"], whole["hops"])
    assert _rows(batched) == _rows(whole)
    slow = reference_referrals(ds, policy=policy, as_of=AS_OF)
    cols = ["mentee_id", "area", "rank", "candidate_id", "hops", "score", "path"]
    assert whole[cols].astype(str).values.tolist() == slow[cols].astype(str).values.tolist()
    assert paths == whole["path"].tolist() and ties == whole["ties"].tolist()


@pytest.mark.parametrize("seed", range(6))
def test_a_larger_pool_cut_to_a_limit_is_the_pool_of_that_limit(seed):
    ds = random_dataset(random.Random(seed), 16, 40)
    big = dataset_snapshot(ds, policy=Policy(), as_of=AS_OF)
    big.pools(20)
    for limit in (1, 2, 3, 20):
        cut = big.pools(limit)
        fresh = dataset_snapshot(ds, policy=Policy(), as_of=AS_OF).pools(limit)
        for field in ("gap", "cand", "hops", "score", "rank"):
            assert np.array_equal(getattr(cut, field), getattr(fresh, field)), (limit, field)


def test_match_and_the_audit_share_one_search(monkeypatch):
    ds = random_dataset(random.Random(3), 16, 40)
    calls = []
    search = referrals.candidate_pools

    def counted(*args, **kwargs):
        calls.append(kwargs["limit"])
        return search(*args, **kwargs)

    monkeypatch.setattr(referrals, "candidate_pools", counted)
    backend = NetworkXBackend(ds)
    snap = backend.snapshot(policy=Policy(), as_of=AS_OF)
    chosen, _ = backend.match(snap)
    missing = gaps_without_candidate(snap)
    assert calls == [Policy().match_pool]  # the audit's limit-1 question reused match's pools
    pools = top_ranks(snap.pools(1), 1)
    assert len(missing) == len(snap.gaps) - len(np.unique(pools.gap))
    assert len(chosen) > 0


@pytest.mark.parametrize("per_batch", [1, 2, 3, 50])
def test_batches_take_each_mentees_gaps_once_in_order(per_batch):
    gap_m = np.array([5, 2, 5, 9, 2, 2, 7, 5])
    got = list(referrals._batches(gap_m, per_batch))
    assert [len(batch) for batch, _ in got][:-1] == [per_batch] * (len(got) - 1)
    assert np.concatenate([batch for batch, _ in got]).tolist() == [2, 5, 7, 9]
    assert sorted(np.concatenate([gaps for _, gaps in got]).tolist()) == list(range(len(gap_m)))
    for batch, gaps in got:
        assert sorted(set(gap_m[gaps].tolist())) == batch.tolist()
        assert gaps.tolist() == sorted(gaps.tolist(), key=lambda i: (gap_m[i], i))


@pytest.mark.parametrize("seed", range(4))
def test_suited_in_reach_is_the_same_in_tiny_batches(seed, monkeypatch):
    ds = random_dataset(random.Random(seed), 16, 40)
    snap = dataset_snapshot(ds, policy=Policy(), as_of=AS_OF)
    whole = referrals.suited_in_reach(snap, snap.gaps)
    monkeypatch.setattr(referrals, "BATCH", 1)
    batched = referrals.suited_in_reach(snap, snap.gaps)
    assert batched.values.tolist() == whole.values.tolist()
    assert len(whole) == len(snap.gaps)


@pytest.mark.parametrize("seed", range(6))
def test_entries_of_an_area_are_the_entries_whose_row_has_a_gap_of_it(seed):
    """``_entries_of`` (slices of rows) keeps what a gather of every entry's row keeps, in order."""
    rng = np.random.default_rng(seed)
    b = 40
    r = np.sort(rng.integers(0, b, 300))
    gap_of_row = np.where(rng.random(b) < [0.0, 0.3, 0.7, 1.0][seed % 4], rng.integers(0, 99, b), -1)
    bounds = np.searchsorted(r, np.arange(b + 1))
    g, sel = referrals._entries_of(gap_of_row, bounds)
    expected = np.flatnonzero(gap_of_row[r] >= 0)
    if sel is None:
        assert len(expected) == len(r)
        sel = np.arange(len(r))
    assert sel.tolist() == expected.tolist()
    assert g.tolist() == gap_of_row[r][expected].tolist()


@pytest.mark.parametrize("seed", range(4))
def test_a_frontier_built_directly_multiplies_like_the_canonical_one(seed):
    """``_frontier`` (row pointers by binary search, columns in any order) gives the product the
    same entries as ``_csr``; ``_step`` returns each row's columns of the product."""
    import scipy.sparse as sp

    rng = np.random.default_rng(seed)
    n, b = 300, 25
    adjacency = sp.random(n, n, density=0.03, random_state=seed, format="csr")
    adjacency = ((adjacency + adjacency.T) > 0).astype(np.int32).tocsr()
    keys = np.unique(rng.integers(0, b * n, 400))
    rng.shuffle(keys)
    rows, cols = np.sort(keys // n, kind="stable"), keys[np.argsort(keys // n, kind="stable")] % n
    direct = referrals._frontier(rows, cols, (b, n)) @ adjacency
    canonical = referrals._csr(rows, cols, (b, n)) @ adjacency
    assert (direct != canonical).nnz == 0
    live = rng.random(b) < 0.6
    r, c = referrals._step(rows, cols, b, adjacency, live)
    reach = (referrals._csr(rows[live[rows]], cols[live[rows]], (b, n)) @ adjacency).tocoo()
    assert sorted(zip(r.tolist(), c.tolist())) == sorted(zip(reach.row.tolist(), reach.col.tolist()))
    assert np.all(np.diff(r) >= 0)


@pytest.mark.parametrize("policy", [Policy(), Policy(max_hops=2, match_pool=5, top_k=2,
                                                     concordance=MappingProxyType({"gender": frozenset({"female"})}))])
@pytest.mark.parametrize("seed", [1, 2])
def test_the_search_numbered_by_department_finds_the_same_pools(tmp_path, seed, policy):
    """``candidate_pools`` without paths searches a copy of the network numbered by department
    (``_by_department``); the pools are the same rows (by gap and rank) as on the dataset's
    numbering, on generated datasets with many departments and ties across them."""
    from mentornet.generate import generate_dataset
    from mentornet.io import read_dataset

    generate_dataset(tmp_path, people=1200, seed=seed)
    snap = dataset_snapshot(read_dataset(tmp_path), policy=policy, as_of=AS_OF)
    net, gaps = snap.network, snap.gaps
    args = (net, net.position(gaps["mentee_id"]), gaps["area"].to_numpy(dtype=object))
    kwargs = {"max_hops": policy.max_hops, "limit": policy.match_pool}
    local = referrals.candidate_pools(*args, **kwargs)
    plain = referrals._search(*args, **kwargs, with_paths=False)  # on the dataset's numbering
    assert len(plain.gap) > 1000 and len(np.unique(net.department)) > 5
    by_gap = [np.lexsort((p.rank, p.gap)) for p in (local, plain)]
    for field in ("gap", "cand", "hops", "score", "rank"):
        assert getattr(local, field)[by_gap[0]].tolist() == getattr(plain, field)[by_gap[1]].tolist(), field
    local_net, perm, inv = referrals._by_department(net)
    assert np.all(np.diff(local_net.department) >= 0) and inv[perm].tolist() == list(range(net.size))
    assert (local_net.adjacency != net.adjacency[perm][:, perm]).nnz == 0


@pytest.mark.parametrize("with_paths", [False, True])
def test_the_search_in_threads_finds_the_same_pools_in_the_same_order(tmp_path, with_paths, monkeypatch):
    """Batches searched on several threads (``MENTORNET_THREADS``), each with its own visited
    table, give the very arrays one thread gives: the batches' parts are joined in batch order."""
    import threading

    from mentornet.generate import generate_dataset
    from mentornet.io import read_dataset

    generate_dataset(tmp_path, people=1200, seed=4)
    policy = Policy()
    snap = dataset_snapshot(read_dataset(tmp_path), policy=policy, as_of=AS_OF)
    net, gaps = snap.network, snap.gaps
    args = (net, net.position(gaps["mentee_id"]), gaps["area"].to_numpy(dtype=object))
    kwargs = {"max_hops": policy.max_hops, "limit": policy.match_pool, "with_paths": with_paths}
    monkeypatch.setattr(referrals, "BATCH", 16)
    threads = []
    search_batch = referrals._search_batch
    monkeypatch.setattr(referrals, "_search_batch",
                        lambda *a, **k: threads.append(threading.current_thread().name) or search_batch(*a, **k))
    monkeypatch.setenv("MENTORNET_THREADS", "1")
    one = referrals.candidate_pools(*args, **kwargs)
    assert set(threads) == {threading.current_thread().name} and len(threads) > 10
    threads.clear()
    monkeypatch.setenv("MENTORNET_THREADS", "3")
    three = referrals.candidate_pools(*args, **kwargs)
    assert len({t for t in threads if t.startswith("mentornet-search")}) > 1
    assert len(one.gap) > 1000
    for field in ("gap", "cand", "hops", "score", "rank"):
        assert getattr(three, field).tolist() == getattr(one, field).tolist(), field
    if with_paths:
        assert [list(p) for p in three.paths] == [list(p) for p in one.paths]


@pytest.mark.parametrize("given, expected", [("1", 1), ("3", 3), ("", None), ("0", None), ("two", None)])
def test_search_threads_come_from_mentornet_threads_or_the_processors(given, expected, monkeypatch):
    import os

    monkeypatch.setenv("MENTORNET_THREADS", given)
    default = max(1, min(len(os.sched_getaffinity(0)), referrals.MAX_SEARCH_THREADS))
    assert referrals.search_threads() == (expected or default)
