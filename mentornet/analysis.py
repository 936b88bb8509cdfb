"""Needs, coverage and gaps (DESIGN.md section 3): pure functions on a :class:`Dataset`.

Everything here is vectorised with pandas so that a 100,000-person, million-relationship
dataset is answered in a few seconds. Nothing here reads files or prints.
"""
from __future__ import annotations

import datetime as dt
import operator
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .errors import Problem
from .model import (
    IDENTITY_PREFIX,
    MENTOR_ROLES,
    TRAINEE_ROLES,
    Dataset,
    Policy,
    each_distinct,
    stale_cutoff,
)

GAP_COLUMNS = ["mentee_id", "area", "name", "role", "department", "active_mentors"]
DATE_RULE_COLUMNS = ["status", "since", "last_met"]  # all that active_mask and stale_mask read of a row


def started_mask(rows: pd.DataFrame, *, as_of: dt.date) -> np.ndarray:
    """Which MENTORS rows have started by ``as_of``: no ``since``, or ``since`` on or before it.
    A row that has not started is neither active nor stale (DESIGN.md section 3)."""
    empty, early = _compared(rows, "since", (operator.eq, ""), (operator.le, as_of.isoformat()))
    return empty | early


def active_mask(rows: pd.DataFrame, *, policy: Policy, as_of: dt.date) -> np.ndarray:
    """Which MENTORS rows are active on ``as_of`` (started, status active and met recently enough)."""
    return _active_once_started(rows, policy=policy, as_of=as_of) & started_mask(rows, as_of=as_of)


def _active_once_started(rows: pd.DataFrame, *, policy: Policy, as_of: dt.date) -> np.ndarray:
    """The rest of :func:`active_mask`: status active and, when met, met recently enough."""
    never, recent = _compared(rows, "last_met", (operator.eq, ""), (operator.ge, stale_cutoff(as_of, policy)))
    active, = _compared(rows, "status", (operator.eq, "active"))
    return active & (never | recent)


def _compared(rows: pd.DataFrame, column: str, *tests) -> list[np.ndarray]:
    """``rows[column] op text`` for each ``(op, text)`` of ``tests`` (ISO dates compare as
    text), as bool arrays. When every cell is text, as io gives them, numpy compares the
    column's objects: pandas compares an object column several times slower. Otherwise (a
    frame made by hand holding None, pd.NA or timestamps) pandas compares, as it always did:
    numpy would raise, or with numpy 1.24 warn and return one False for the whole column."""
    values = rows[column].to_numpy(dtype=object)
    if pd.api.types.infer_dtype(values, skipna=False) in ("string", "empty"):
        return [np.asarray(op(values, text), dtype=bool) for op, text in tests]
    return [op(rows[column], text).to_numpy(dtype=bool) for op, text in tests]


def stale_mask(rows: pd.DataFrame, *, policy: Policy, as_of: dt.date) -> np.ndarray:
    """Which MENTORS rows are stale on ``as_of``: started and not active (lapsed or ended); the
    start is read once (``started & ~(rest & started)`` is ``started & ~rest``)."""
    return started_mask(rows, as_of=as_of) & ~_active_once_started(rows, policy=policy, as_of=as_of)


def active_mentorships(ds: Dataset, *, policy: Policy, as_of: dt.date) -> pd.DataFrame:
    """One row per (mentor, mentee) with an active mentorship; ``focus`` is the union of its rows.

    Columns: ``mentor_id, mentee_id, focus`` (sorted tuple), ``research``, ``career`` (booleans),
    sorted by mentee_id then mentor_id.
    """
    return active_pairs(ds, policy=policy, as_of=as_of)[0]


def active_pairs(ds: Dataset, *, policy: Policy, as_of: dt.date) -> tuple[pd.DataFrame, ActiveRows]:
    """(:func:`active_mentorships`, each of its mentors and mentees as positions in ``ds.people``).

    Pairs are told apart and ordered by the people's positions and id ranks
    (:attr:`Dataset.relationship_people`, :attr:`Dataset.id_ranks`): no id is hashed or compared."""
    rels = ds.relationships
    mentoring = ds.mentoring_rows
    live = mentoring[active_mask(rels[DATE_RULE_COLUMNS].iloc[mentoring], policy=policy, as_of=as_of)]
    if not len(live):
        empty = np.empty(0, dtype=np.int64)
        return pd.DataFrame({"mentor_id": pd.Series(dtype=str), "mentee_id": pd.Series(dtype=str),
                             "focus": pd.Series(dtype=object), "research": pd.Series(dtype=bool),
                             "career": pd.Series(dtype=bool)}), ActiveRows(empty, empty)
    source, target = ds.relationship_people
    ranks = ds.id_ranks
    key = ranks[target[live]] * len(ranks) + ranks[source[live]]  # by mentee id, then mentor id
    order = np.argsort(key, kind="stable")  # a pair's rows stay in file order
    live, key = live[order], key[order]
    first = np.flatnonzero(np.append(True, key[1:] != key[:-1]))  # the first row of each pair
    row_focus = rels["focus"].to_numpy()[live]
    sorted_focus: dict[tuple, tuple] = {}  # a handful of distinct lists
    focus = [sorted_focus.get(f) or sorted_focus.setdefault(f, tuple(sorted(set(f)))) for f in row_focus[first]]
    for i in np.flatnonzero(np.diff(np.append(first, len(live))) > 1).tolist():  # a pair on several rows
        focus[i] = tuple(sorted(set().union(*row_focus[first[i]:(first[i + 1] if i + 1 < len(first) else len(live))])))
    live = live[first]
    pairs = pd.DataFrame({"mentor_id": pd.Series(rels["source"].to_numpy()[live], dtype=object),
                          "mentee_id": pd.Series(rels["target"].to_numpy()[live], dtype=object),
                          "focus": pd.Series(focus, dtype=object)})
    areas = {f: ("research" in f, "career" in f) for f in set(focus)}
    pairs["research"] = np.array([areas[f][0] for f in focus], dtype=bool)
    pairs["career"] = np.array([areas[f][1] for f in focus], dtype=bool)
    return pairs, ActiveRows(source[live], target[live])


@dataclass(frozen=True)
class ActiveRows:
    """The mentor and mentee of each active mentorship (a row of :func:`active_mentorships`) as
    positions in ``people`` (-1: not a person), found once per snapshot for every rule that
    looks people up."""

    mentor: np.ndarray
    mentee: np.ndarray


def active_rows(ds: Dataset, active: pd.DataFrame, rows: ActiveRows | None = None) -> ActiveRows:
    """``rows`` when given (the snapshot's), else :class:`ActiveRows` of ``active`` looked up."""
    return rows if rows is not None else ActiveRows(*person_rows(ds, active["mentor_id"], active["mentee_id"]))


def person_rows(ds: Dataset, *ids) -> list[np.ndarray]:
    """For each sequence of person ids, each id's row in ``ds.people`` (-1 when not a person),
    with one lookup table for all of them."""
    return positions(ds.people["id"], *ids)


def positions(keys, *queries) -> list[np.ndarray]:
    """For each of ``queries``, the position of each value in ``keys`` (distinct values), -1
    when it is not one of them."""
    keys = np.asarray(keys, dtype=object)
    parts = [np.asarray(q, dtype=object) for q in queries]
    # keys are distinct, so they take the codes 0..n-1 in order; any other value takes n or more
    codes, _ = pd.factorize(np.concatenate([keys, *parts]))
    found, start = [], len(keys)
    for part in parts:
        at = codes[start:start + len(part)]
        found.append(np.where(at < len(keys), at, -1))
        start += len(part)
    return found


def leaders(people: pd.DataFrame) -> np.ndarray:
    """Whether each person holds a leadership role (the conflict rule of DESIGN.md section 3)."""
    return each_distinct(people["leadership"], len, bool)


def per_person(values, missing=np.nan) -> np.ndarray:
    """``values`` (one per person row) with ``missing`` appended, so that indexing it with
    :func:`person_rows` gives ``missing`` for an id that is not a person (as reindexing would)."""
    return np.append(np.asarray(values, dtype=object), np.array([missing], dtype=object))


def _same_identity(ds: Dataset, active: pd.DataFrame, rows: ActiveRows | None = None) -> dict[str, np.ndarray]:
    """Per identity attribute: which active mentorships join a mentor and mentee who disclosed
    the same value (``rows``: :func:`active_rows`)."""
    rows = active_rows(ds, active, rows)
    mentor, mentee = rows.mentor, rows.mentee
    found = {}
    for attr in ds.identity_attributes:
        values = np.append(ds.folded_codes(IDENTITY_PREFIX + attr)[0], -2)  # -2: not a person
        mentor_value, mentee_value = values[mentor], values[mentee]
        found[attr] = (mentor_value == mentee_value) & (mentee_value >= 0)
    return found


def mentee_needs(ds: Dataset, *, policy: Policy) -> pd.DataFrame:
    """One row per (mentee_id, area) need, in person order then research, career, identity:*."""
    return mentee_needs_at(ds, policy=policy)[0]


def mentee_needs_at(ds: Dataset, *, policy: Policy) -> tuple[pd.DataFrame, np.ndarray]:
    """(:func:`mentee_needs`, each need's mentee as a position in ``ds.people``: the needs are
    made from the people's rows, so their positions come free, for :func:`gaps_from`)."""
    people = ds.people
    where = np.flatnonzero(people["mentee"].to_numpy())  # only the columns read are taken of the mentees' rows
    ids = people["id"].to_numpy()[where]
    seeks = people["seeks_concordance"].iloc[where]
    parts = [pd.DataFrame({"mentee_id": ids, "area": area}) for area in ("research", "career")]
    at = [where, where]
    for attr in ds.identity_attributes:
        codes, values = ds.folded_codes(IDENTITY_PREFIX + attr)
        codes = codes[where]
        asked = each_distinct(seeks, lambda sought, a=attr: a in sought, bool)
        wanted = policy.concordance.get(attr, frozenset())
        listed = np.isin(codes, [i for i, v in enumerate(values.tolist()) if v in wanted])
        need = (codes >= 0) & (asked | listed)
        parts.append(pd.DataFrame({"mentee_id": ids[need], "area": f"identity:{attr}"}))
        at.append(where[need])
    return pd.concat(parts, ignore_index=True), np.concatenate(at).astype(np.int64, copy=False)


def covered_needs(ds: Dataset, active: pd.DataFrame, *, rows: ActiveRows | None = None) -> pd.DataFrame:
    """(mentee_id, area) pairs covered by the active mentorships (``rows``: :func:`active_rows`)."""
    return covered_needs_at(ds, active, rows=rows)[0]


def covered_needs_at(ds: Dataset, active: pd.DataFrame, *,
                     rows: ActiveRows | None = None) -> tuple[pd.DataFrame, np.ndarray | None]:
    """(:func:`covered_needs`, each row's mentee as a position in ``ds.people``, for
    :func:`gaps_from`; None when some active mentee is not a person).

    A part's rows are its distinct mentee ids in the order they first appear, and its positions
    the distinct positions in the order they first appear: the same order, because each id has
    one position, so as many distinct positions as distinct ids means each position has one id."""
    rows = active_rows(ds, active, rows)
    covers = {area: active[area].to_numpy() for area in ("research", "career")}
    covers.update({f"identity:{attr}": same for attr, same in _same_identity(ds, active, rows).items()})
    parts, at = [], []
    for area, cover in covers.items():
        parts.append(pd.DataFrame({"mentee_id": active["mentee_id"][cover].unique(), "area": area}))
        at.append(pd.unique(rows.mentee[cover]))
    covered = pd.concat(parts, ignore_index=True)
    aligned = all(len(p) == len(a) for p, a in zip(parts, at)) and not (rows.mentee < 0).any()
    return covered, (np.concatenate(at).astype(np.int64, copy=False) if aligned else None)


def covering_mentors(ds: Dataset, needs: pd.DataFrame, active: pd.DataFrame, *,
                     rows: ActiveRows | None = None) -> pd.DataFrame:
    """``mentee_id, area, mentor_id``: each active mentor covering each need (the coverage rule
    of :func:`covered_needs`, kept per mentor), sorted; for sole coverage and ``whatif``."""
    rows = active_rows(ds, active, rows)
    covers = {area: active[area].to_numpy() for area in ("research", "career")}
    covers.update({f"identity:{attr}": same for attr, same in _same_identity(ds, active, rows).items()})
    parts = [active.loc[cover, ["mentee_id", "mentor_id"]].assign(area=area) for area, cover in covers.items()]
    frame = pd.concat(parts, ignore_index=True)[["mentee_id", "area", "mentor_id"]]
    # as numbers: people by position (the rule) and id rank (the order), areas by place in the list / in string order
    picked = np.concatenate([np.flatnonzero(cover) for cover in covers.values()])
    area = np.repeat(np.arange(len(covers)), [int(np.count_nonzero(cover)) for cover in covers.values()])
    areas = pd.Index(list(covers))
    need_mentee, = person_rows(ds, needs["mentee_id"])
    need_area = areas.get_indexer(needs["area"].to_numpy(dtype=object))
    need_keys = (need_mentee.astype(np.int64) * len(areas) + need_area)[(need_area >= 0) & (need_mentee >= 0)]
    of_need = np.isin(rows.mentee[picked].astype(np.int64) * len(areas) + area, need_keys)
    picked, area = picked[of_need], area[of_need]
    ranks, area_rank = ds.id_ranks, _string_ranks(np.asarray(list(covers), dtype=object))
    key = (ranks[rows.mentee[picked]] * len(areas) + area_rank[area]) * len(ranks) + ranks[rows.mentor[picked]]
    order = np.argsort(key, kind="stable")
    distinct = np.ones(len(order), dtype=bool)
    distinct[1:] = key[order][1:] != key[order][:-1]  # a row twice (it cannot be) is kept once
    return frame.iloc[np.flatnonzero(of_need)[order[distinct]]].reset_index(drop=True)


def need_keys(rows: pd.DataFrame, needs: pd.DataFrame,
              people: tuple[np.ndarray, np.ndarray] | None = None) -> tuple[np.ndarray, np.ndarray]:
    """(mentee, area) of ``rows`` and of ``needs`` as numbers, equal when the pair is equal;
    ``people``: the mentees of both as positions in the people table, when known (then the ids
    are not hashed again)."""
    def codes(column: str) -> tuple[np.ndarray, int]:
        found, uniques = pd.factorize(np.concatenate([rows[column].to_numpy(dtype=object),
                                                      needs[column].to_numpy(dtype=object)]))
        return found.astype(np.int64), len(uniques) + 1

    mentee = np.concatenate(people) if people is not None else codes("mentee_id")[0]
    area, areas = codes("area")
    both = mentee * areas + area
    return both[:len(rows)], both[len(rows):]


def find_gaps(ds: Dataset, *, policy: Policy, as_of: dt.date, active: pd.DataFrame | None = None) -> pd.DataFrame:
    """Every need without coverage, sorted by mentee_id then area.

    Columns: ``mentee_id, area, name, role, department, active_mentors``.
    """
    if active is None:
        active = active_mentorships(ds, policy=policy, as_of=as_of)
    return gaps_from(ds, mentee_needs(ds, policy=policy), covered_needs(ds, active), active)


def gaps_from(ds: Dataset, needs: pd.DataFrame, covered: pd.DataFrame, active: pd.DataFrame, *,
              rows: ActiveRows | None = None, people: tuple[np.ndarray, np.ndarray | None] | None = None) \
        -> pd.DataFrame:
    """The gaps (see :func:`find_gaps`) of already computed needs, coverage and active mentorships
    (``rows``: :func:`active_rows`; ``people``: the mentees of ``needs`` and of ``covered`` as
    positions in ``ds.people``, from :func:`mentee_needs_at` and :func:`covered_needs_at`, when
    known: then no id is looked up)."""
    if people is not None and people[1] is None:
        people = None
    need_key, covered_key = need_keys(needs, covered, people)
    uncovered = ~np.isin(need_key, covered_key)
    gaps = needs.loc[uncovered, ["mentee_id", "area"]]
    mentee = people[0][uncovered] if people is not None else person_rows(ds, gaps["mentee_id"])[0]
    active_mentee = active_rows(ds, active, rows).mentee
    # a need is a person's (each person once), so (mentee, area) orders the gaps without ties
    order = np.lexsort((_string_ranks(gaps["area"].to_numpy(dtype=object)), ds.id_ranks[mentee]))
    mentee = mentee[order]
    frame = gaps.iloc[order].reset_index(drop=True)
    for column in ("name", "role", "department"):
        frame[column] = ds.people[column].iloc[mentee].reset_index(drop=True)
    # active holds each (mentor, mentee) once: a mentee's rows are its active mentors
    counts = np.bincount(active_mentee[active_mentee >= 0], minlength=len(ds.people))
    frame["active_mentors"] = counts[mentee].astype(np.int64)
    return frame[GAP_COLUMNS]


def _string_ranks(values: np.ndarray) -> np.ndarray:
    """Each value's place among the distinct ``values`` in plain string order (equal values, equal places)."""
    codes, uniques = pd.factorize(values)
    place = np.empty(len(uniques), dtype=np.int64)
    place[np.argsort(np.asarray(uniques, dtype=object), kind="stable")] = np.arange(len(uniques))
    return place[codes]


def sort_rows(frame: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Sort by plain string order of the key columns (what DESIGN.md section 4 asks for)."""
    return frame.sort_values(keys, kind="mergesort", ignore_index=True)


def mentor_load(ds: Dataset, active: pd.DataFrame, *, policy: Policy, rows: ActiveRows | None = None) -> pd.DataFrame:
    """Load, capacity and remaining capacity for every person, indexed by id (``rows``: :func:`active_rows`)."""
    people = ds.people
    rows = active_rows(ds, active, rows)
    # active holds each (mentor, mentee) once, so a mentor's rows are their distinct mentees
    mentor = rows.mentor[(rows.mentor >= 0) & (rows.mentee >= 0)]
    frame = pd.DataFrame({
        "id": people["id"].to_numpy(),
        "load": np.bincount(mentor, minlength=len(people)).astype(int),
        "capacity": people["capacity"].fillna(policy.default_capacity).astype(int).to_numpy(),
    })
    frame["remaining"] = frame["capacity"] - frame["load"]
    return frame.set_index("id", drop=False)


def leadership_conflicts(ds: Dataset, active: pd.DataFrame, *, rows: ActiveRows | None = None) -> pd.DataFrame:
    """Active mentorships where a leader mentors a trainee of their own department (``rows``:
    :func:`active_rows`)."""
    people = ds.people
    rows = active_rows(ds, active, rows)
    mentor, mentee = rows.mentor, rows.mentee
    department = np.append(ds.folded_codes("department")[0], -2)  # -1: no department, -2: not a person
    leader = per_person(leaders(people), False).astype(bool)
    trainee = per_person(people["role"].isin(TRAINEE_ROLES).to_numpy(), False).astype(bool)
    dept_m, dept_t = department[mentor], department[mentee]
    conflict = leader[mentor] & trainee[mentee] & (dept_m == dept_t) & (dept_t >= 0)
    return active.loc[conflict, ["mentor_id", "mentee_id"]].reset_index(drop=True)


def dataset_warnings(ds: Dataset, *, policy: Policy, as_of: dt.date,
                     active: pd.DataFrame | None = None) -> list[Problem]:
    """Warnings that depend on the date and policy: over-capacity mentors, leadership conflicts."""
    if active is None:
        active = active_mentorships(ds, policy=policy, as_of=as_of)
    load = mentor_load(ds, active, policy=policy)
    over = load.loc[load["remaining"] < 0, ["id", "load", "capacity"]].rename(columns={"id": "mentor_id"})
    return rule_warnings(ds.source or "people", over, leadership_conflicts(ds, active))


def _by_text(frame: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """``frame``'s rows in plain string order of ``keys``, each value compared as its text (a
    Dataset made by hand may hold ids that are not text), rows with equal keys as given."""
    texts = pd.DataFrame({key: [str(v) for v in frame[key]] for key in keys})
    texts["position"] = np.arange(len(texts))
    return frame.iloc[sort_rows(texts, keys)["position"].to_numpy()]


def policy_warnings(policy: Policy, attributes) -> list[Problem]:
    """A ``[concordance]`` attribute the dataset has no ``identity.<attr>`` column for makes no
    need at all: most likely a misspelt name (``gendr``), said rather than ignored. (A warning,
    not an error: one policy file may serve datasets that collect different attributes.)"""
    known = sorted(attributes)
    listed = ", ".join(f"identity.{a}" for a in known) or "none"
    return [Problem("policy", f"[concordance] names {attr!r}, but the dataset has no identity.{attr} column "
                              f"(its identity columns: {listed}), so that rule makes no need",
                    column=f"concordance.{attr}", severity="warning")
            for attr in sorted(policy.concordance) if attr not in known]


def rule_warnings(where: str, over_capacity: pd.DataFrame, conflicts: pd.DataFrame) -> list[Problem]:
    """The warning texts for over-capacity mentors (``mentor_id, load, capacity``) and
    leadership conflicts (``mentor_id, mentee_id``); written once for every backend. Whatever
    the order given, the mentors are listed by id and the conflicts by mentee, then mentor
    (plain string order): the embedded backend's facts come in the people file's order, the
    database's in its own, and the first few shown must be the same either way."""
    over_capacity = _by_text(over_capacity, ["mentor_id"])
    conflicts = _by_text(conflicts, ["mentee_id", "mentor_id"])
    found = []
    for pid, l, c in zip(over_capacity["mentor_id"], over_capacity["load"], over_capacity["capacity"]):
        found.append(Problem(where, f"mentor {pid!r} has {l} active mentees, over capacity {c}",
                             severity="warning"))
    for mentor, mentee in zip(conflicts["mentor_id"], conflicts["mentee_id"]):
        found.append(Problem(where, f"leader {mentor!r} mentors {mentee!r}, a trainee of their own "
                                    "department (leadership conflict)", severity="warning"))
    return found


def mentor_eligible(ds: Dataset) -> np.ndarray:
    return ds.people["role"].isin(MENTOR_ROLES).to_numpy()
