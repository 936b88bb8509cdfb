"""Planning for departures and hiring (DESIGN.md section 3): sole coverage, the departure stress
test (``whatif``) and recruitment demand (``recruit``).

Written once on the :class:`~mentornet.backends.base.Backend` interface: each backend answers
only the primitive questions (``covering_mentors``, ``without``, ``find_gaps``,
``ranked_candidates``, ``match``, ``people``, ``names``); the rules live here.
"""
from __future__ import annotations

import math

import numpy as np
import pandas as pd

from .analysis import need_keys, sort_rows
from .errors import DataError, Problem
from .model import IDENTITY_PREFIX, fold
from .snapshot import Snapshot

WHATIF_COLUMNS = ["mentee_id", "area", "lost_mentor_ids", "candidate_id", "hops", "path"]
RECRUIT_COLUMNS = ["department", "area", "profile", "open_gaps", "mentees", "mentors_needed"]
KEY = ["mentee_id", "area"]


# ----------------------------------------------------------------------------- sole coverage


def sole_coverage(covering: pd.DataFrame) -> pd.DataFrame:
    """``id, sole_coverages`` of every mentor who alone covers at least one need, sorted by
    sole_coverages descending, then id (plain string order)."""
    counts = covering.loc[_alone(covering), "mentor_id"].value_counts()
    frame = pd.DataFrame({"id": counts.index.astype(object), "sole_coverages": counts.to_numpy().astype("int64")})
    frame = sort_rows(frame, ["id"])
    return frame.sort_values("sole_coverages", ascending=False, kind="mergesort", ignore_index=True)


def fragility(backend, snap: Snapshot, *, covering: pd.DataFrame | None = None) -> list[dict]:
    """The audit's ``fragility`` figure: ``{id, sole_coverages}`` per mentor with at least one
    (``covering``: ``backend.covering_mentors(snap)`` when already asked)."""
    frame = sole_coverage(backend.covering_mentors(snap) if covering is None else covering)
    return [{"id": i, "sole_coverages": int(n)} for i, n in zip(frame["id"], frame["sole_coverages"])]


def solely_covered_mentees(covering: pd.DataFrame) -> set[str]:
    """Mentees with at least one need covered by exactly one mentor."""
    return set(covering.loc[_alone(covering), "mentee_id"])


def _alone(covering: pd.DataFrame) -> np.ndarray:
    """Which rows of ``covering`` are the only mentor covering their need (mentee and area):
    each need numbered once, its rows counted (a row missing either is no need, as pandas'
    grouping leaves it out)."""
    known = covering[KEY].notna().all(axis=1).to_numpy()
    need, _ = need_keys(covering[known], covering.iloc[:0])
    alone = np.zeros(len(covering), dtype=bool)
    alone[known] = np.bincount(need)[need] == 1
    return alone


def top_critical(backend, snap: Snapshot, k: int, *, covering: pd.DataFrame | None = None) -> list[str]:
    """The ``k`` mentors with the most sole coverages, ties by id."""
    return [row["id"] for row in fragility(backend, snap, covering=covering)[:k]]


# ----------------------------------------------------------------------------- whatif


def check_ids(backend, ids, option: str = "--without") -> None:
    """Every id must name a person of the dataset: an unknown one is a usage error."""
    known = backend.names(ids)
    unknown = [i for i in ids if i not in known]
    if unknown:
        raise DataError([Problem(option, f"no person with id {i!r} in {backend.label}") for i in unknown])


def read_id_file(path: str) -> list[str]:
    """One id a line (blank lines and surrounding spaces ignored)."""
    try:
        with open(path, encoding="utf-8-sig") as handle:
            return [line.strip() for line in handle if line.strip()]
    except (OSError, UnicodeDecodeError) as exc:
        raise DataError(Problem(path, f"cannot read the id list: {exc.__class__.__name__}")) from None


def whatif(backend, snap: Snapshot, without, *, covering: pd.DataFrame | None = None) -> pd.DataFrame:
    """The departure stress test: one row per (mentee, need) of a remaining mentee covered
    before and a gap once ``without`` are gone, with the removed people who covered it and the
    rank-1 referral on the reduced dataset (empty when none). Sorted by mentee_id, area.
    ``covering``: ``backend.covering_mentors(snap)`` when already asked (a database query)."""
    gone = sorted(set(without))
    if not gone:
        return _empty_whatif()
    if covering is None:
        covering = backend.covering_mentors(snap)
    lost = covering[covering["mentor_id"].isin(gone).to_numpy()]
    if lost.empty:
        return _empty_whatif()
    lost = (lost.groupby(KEY, sort=False)["mentor_id"].agg(lambda ids: ";".join(sorted(ids)))
            .rename("lost_mentor_ids").reset_index())
    reduced = backend.without(snap, gone)
    after = backend.find_gaps(reduced)[KEY]
    rows = after.merge(lost, on=KEY)  # a need that only removed mentors covered, of a remaining mentee
    best = backend.ranked_candidates(reduced, limit=1, mentees=sorted(set(rows["mentee_id"])), with_paths=True)
    if not best.empty:
        ref = best[best["rank"] == 1][[*KEY, "candidate_id", "hops", "path"]]
        rows = rows.merge(ref, on=KEY, how="left")
    else:
        rows = rows.assign(candidate_id=None, hops=None, path=None)
    rows["hops"] = [("" if pd.isna(h) else int(h)) for h in rows["hops"]]
    rows["candidate_id"] = rows["candidate_id"].fillna("").astype(object)
    rows["path"] = rows["path"].fillna("").astype(object)
    return sort_rows(rows, KEY)[WHATIF_COLUMNS]


def whatif_summary(rows: pd.DataFrame) -> dict[str, int]:
    return {"mentees_affected": int(rows["mentee_id"].nunique()), "needs_opened": len(rows),
            "with_referral": int((rows["candidate_id"] != "").sum())}


def _empty_whatif() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype=object) for c in WHATIF_COLUMNS})


# ----------------------------------------------------------------------------- recruit


def recruit(backend, snap: Snapshot) -> pd.DataFrame:
    """Every recruitment profile the gaps ``match`` leaves open ask for (all rows, sorted)."""
    _check_capacity(snap.policy.default_capacity)  # before the match, which takes a while
    _, open_ = backend.match(snap, with_paths=False)
    return demand(open_, backend.people(), default_capacity=snap.policy.default_capacity)


def _check_capacity(default_capacity: int) -> None:
    """``mentors_needed`` is mentees / default_capacity: a capacity of 0 (a mentor who takes no
    mentee, which the policy allows for the other commands) is a :class:`DataError`."""
    if default_capacity < 1:
        raise DataError(Problem("policy", f"default_capacity is {default_capacity}, and recruit counts the mentors "
                                          "needed at it (mentees / default_capacity); set it to 1 or more"))


def demand(open_: pd.DataFrame, people: pd.DataFrame, *, default_capacity: int) -> pd.DataFrame:
    """Open gaps (``mentee_id, area``) to profile rows: a research/career gap gives one profile per
    interest the mentee lists in that area (``*`` when none), ``identity:<attr>`` the profile
    ``<attr>=<value>`` with the mentee's value (lower case); grouped by (department, area kind,
    profile)."""
    if open_.empty:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in RECRUIT_COLUMNS})
    _check_capacity(default_capacity)
    who = people.set_index("id")
    records = []
    for mentee, area in zip(open_["mentee_id"], open_["area"]):
        person = who.loc[mentee]
        department = person["department"] or ""
        if area.startswith("identity:"):
            attr = area.split(":", 1)[1]
            records.append((department, "identity", f"{attr}={fold(str(person[IDENTITY_PREFIX + attr]))}", mentee))
        else:
            interests = sorted({t.strip() for t in person[f"{area}_interests"] if t.strip()}) or ["*"]
            records.extend((department, area, topic, mentee) for topic in interests)
    frame = pd.DataFrame(records, columns=["department", "area", "profile", "mentee_id"])
    grouped = frame.groupby(["department", "area", "profile"], sort=False).agg(
        open_gaps=("mentee_id", "size"), mentees=("mentee_id", "nunique")).reset_index()
    grouped["mentors_needed"] = [math.ceil(n / default_capacity) for n in grouped["mentees"]]
    grouped = grouped.astype({"open_gaps": "int64", "mentees": "int64", "mentors_needed": "int64"})
    grouped = sort_rows(grouped, ["department", "area", "profile"])
    return grouped.sort_values("open_gaps", ascending=False, kind="mergesort", ignore_index=True)[RECRUIT_COLUMNS]


def shown_profiles(rows: pd.DataFrame, *, min_group_size: int, show_identity: bool,
                   top: int) -> tuple[pd.DataFrame, int]:
    """(the top ``top`` rows that may be shown, how many identity rows were hidden): an identity
    profile serving fewer than ``min_group_size`` mentees is only counted, unless ``show_identity``."""
    small = (rows["area"].eq("identity") & rows["mentees"].lt(min_group_size) & (not show_identity)).to_numpy()
    return rows[~small].head(top).reset_index(drop=True), int(small.sum())
