"""The diversity-office audit (DESIGN.md section 3 "Audit", section 5): its contract and figures.

The audit is built in two layers so that every backend gives identical figures:

1. **Tables** (:class:`AuditTables`): a few per-entity tables that a backend must supply.
   :func:`tables_of` computes them for the embedded backend from a dataset snapshot; the
   Neo4j backend computes the same tables inside the database. Each backend hands them over
   as :meth:`mentornet.backends.base.Backend.audit_tables`.
2. **Figures** (:func:`audit_figures`): pure Python that composes every figure from the
   tables, shared by all backends. Counting, grouping, sorting and small-cell suppression all
   happen here, never in a backend.

Rendering the figures (JSON, Markdown, HTML with charts, XLSX, CSV, terminal) is
:mod:`mentornet.report`, above the backends; this module is pure and sits below them.
Nothing here reads datasets from disk, prints or imports click.

Small-cell suppression
----------------------
Group figures (``groups``, ``concordance`` by mentee group; ``load_by_identity`` by mentor
group) are protected by one rule, applied to each key separately. The cells of a key are
its values (identity values compared in lower case, departments case-insensitively); people
with no value for the key form one more, never-published "not disclosed" cell.

* **Primary**: a value cell with fewer than ``min_group_size`` people is suppressed
  (``{"suppressed": true}``). The not-disclosed cell is never printed; it is not an identity
  group and is not protected on its own, but it counts as a hidden cell below.
* **Complementary**: the headline totals (all mentees, mentees without a mentor, gaps,
  coverage, mosaic; all mentors and their loads) are published, so the hidden cells of a key
  can be added up by subtraction. While a key has any suppressed value cell, its hidden cells
  (suppressed values plus the non-empty not-disclosed cell) must (a) be at least two,
  (b) hold at least ``min_group_size`` people together, and (c) hold more people than
  there are hidden value cells (otherwise a reader who knows each hidden cell has at
  least one person could tell them all). Until they do, the smallest published cell of the key
  (ties: lowest value in plain string order) is suppressed as well. If no published cell is left,
  the whole key is suppressed. So when exactly one value cell is small and everyone disclosed,
  the next-smallest value cell is suppressed too, and a "not disclosed" count is never printed.
* Inside a published group cell, counts are not suppressed further (the contract's unit is the
  group). To avoid small intersections of identities, a group cell reports coverage only for
  ``research``, ``career`` and, for an identity key, that key's own attribute.
* Mentor identity groups (``load_by_identity``) use the same rule with people = mentors (every
  person in ``mentors``), undisclosed mentors forming the not-disclosed cell.
* ``--compare`` shows changes in headline figures only, never in group cells: the difference
  of two snapshots' group cells could single out the one person who joined or left.
"""
from __future__ import annotations

import datetime as dt
import itertools
import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from . import analysis, matching, planning
from .model import IDENTITY_PREFIX, Dataset, Policy, fold, fold_values
from .snapshot import DatasetSnapshot, dataset_snapshot

MOSAIC_BUCKETS = ("0", "1", "2", "3+")
BUSIEST_FRACTION = 0.10
MAX_SET_BITS = 64  # distinct values a mentee's set is packed in one 64-bit word for (else listed one by one)


# =========================================================================== tables


@dataclass(frozen=True)
class AuditTables:
    """What a backend must supply for an audit; row order does not matter.

    ``identity_attributes``
        every identity attribute name (lower case, without the ``identity.`` prefix).
    ``mentees``
        one row per mentee (DESIGN.md section 3): ``id``; ``department`` (trimmed, as given,
        ``""`` when absent); ``role`` (lower case); one ``identity.<attr>`` column per attribute
        holding the value folded (:func:`mentornet.model.fold`; ``""`` = not disclosed: the figures
        compare and group these as they are); ``active_mentors`` (int: number of
        distinct active mentors); ``needs`` and ``gaps`` (tuples of areas ``research``,
        ``career``, ``identity:<attr>``); ``concordant`` (tuple of attributes on which the mentee
        has an active mentor, any focus, with the mentee's own disclosed value).
    ``mentors``
        one row per person who is mentor-eligible or has load > 0: ``id``, ``load`` (distinct
        active mentees), ``capacity`` (given or the policy default) and the ``identity.<attr>``
        columns as for mentees.
    ``conflicts``
        ``mentor_id, mentee_id`` of each active mentorship in a leadership conflict.
    ``stale``
        ``mentor_id, mentee_id, last_met, status`` for each pair with a ``MENTORS`` row that is
        stale (started and not active: :func:`mentornet.analysis.stale_mask`) and no active row:
        ``last_met`` the latest one among those rows (``""`` when none has one); ``status``
        ``"lapsed"`` when any of those rows has status active (not met within
        ``stale_after_days``), else ``"ended"``. A row that has not started is in neither.
    ``no_candidate``
        ``mentee_id, area, reason`` of each gap that has no candidate at all (section 3
        "Candidate"), with its open-gap reason (:func:`mentornet.matching.gap_reasons`).
    ``covering``
        ``mentee_id, area, mentor_id, mentor_name``: each active mentor covering each need (for
        sole coverage, ``fragility``); ``None`` leaves those figures out.
    """

    identity_attributes: tuple[str, ...]
    mentees: pd.DataFrame
    mentors: pd.DataFrame
    conflicts: pd.DataFrame
    stale: pd.DataFrame
    no_candidate: pd.DataFrame
    covering: pd.DataFrame | None = None


def audit_tables(ds: Dataset, *, policy: Policy, as_of: dt.date) -> AuditTables:
    """The audit tables of a dataset (a thin wrapper of :func:`tables_of`)."""
    return tables_of(dataset_snapshot(ds, policy=policy, as_of=as_of))


def tables_of(snap: DatasetSnapshot) -> AuditTables:
    """The audit tables of the embedded backend, from the snapshot's derived facts."""
    ds, active, gaps = snap.dataset, snap.active, snap.gaps
    attrs = tuple(ds.identity_attributes)
    identity_cols = [IDENTITY_PREFIX + a for a in attrs]
    people = ds.people

    mentees = people.loc[people["mentee"].to_numpy(), ["id", "department", "role", *identity_cols]]
    mentees = mentees.reset_index(drop=True)
    for col in identity_cols:  # folded, "" for none, as AuditTables holds them
        mentees[col] = fold_values(mentees[col]).fillna("")
    ids = mentees["id"]
    mentee = snap.active_rows.mentee  # active holds each (mentor, mentee) once: a mentee's rows are their mentors
    mentees["active_mentors"] = np.bincount(mentee[mentee >= 0], minlength=len(people))[people["mentee"].to_numpy()]
    mentees["needs"] = _tuples_by_mentee(snap.needs, "area", ids)
    mentees["gaps"] = _tuples_by_mentee(gaps, "area", ids)
    # each concordance need covered names its attribute (a repeat adds nothing to a set)
    codes, areas = pd.factorize(snap.covered["area"].to_numpy(dtype=object))
    attr = np.array([a[len("identity:"):] if a.startswith("identity:") else None for a in areas.tolist()] + [None],
                    dtype=object)[codes]
    on_attr = attr != None  # noqa: E711 (elementwise)
    concordant = pd.DataFrame({"mentee_id": snap.covered["mentee_id"].to_numpy(dtype=object)[on_attr],
                               "attr": attr[on_attr]})
    mentees["concordant"] = _tuples_by_mentee(concordant, "attr", ids)

    load = snap.load
    keep = analysis.mentor_eligible(ds) | (load["load"].to_numpy() > 0)
    mentors = load.loc[keep, ["id", "load", "capacity"]].reset_index(drop=True)
    identity = people.loc[keep, identity_cols].reset_index(drop=True)
    for col in identity_cols:
        mentors[col] = fold_values(identity[col]).fillna("").to_numpy()

    return AuditTables(
        identity_attributes=attrs, mentees=mentees, mentors=mentors, conflicts=snap.conflicts,
        stale=stale_pairs(ds, policy=snap.policy, as_of=snap.as_of, active=active, active_rows=snap.active_rows),
        no_candidate=gaps_without_candidate(snap),
        covering=with_mentor_names(snap.covering, dict(zip(people["id"].tolist(), people["name"].tolist()))),
    )


def with_mentor_names(covering: pd.DataFrame, names: dict) -> pd.DataFrame:
    """``covering`` with ``mentor_name`` (the id when the person has no name)."""
    return covering.assign(mentor_name=[names.get(i) or i for i in covering["mentor_id"].tolist()])


def _tuples_by_mentee(rows: pd.DataFrame, column: str, ids: pd.Series) -> list[tuple]:
    """For each id, the sorted distinct values of ``column`` in its rows."""
    found: list[tuple] = [()] * len(ids)
    mentee, = analysis.positions(ids, rows["mentee_id"])
    known = mentee >= 0
    codes, values = pd.factorize(rows[column].to_numpy()[known])
    if not len(values):
        return found
    order = np.argsort(np.asarray(sorted(range(len(values)), key=lambda i: values[i])))  # rank in string order
    ordered = np.asarray(sorted(values), dtype=object)
    if len(values) <= MAX_SET_BITS:  # each mentee's values as one set of bits: a tuple per distinct set
        bits = np.zeros(len(ids), dtype=np.uint64)
        np.bitwise_or.at(bits, mentee[known], np.left_shift(np.uint64(1), order[codes].astype(np.uint64)))
        sets, which = np.unique(bits, return_inverse=True)
        tuples = [tuple(ordered[i] for i in range(len(values)) if held >> i & 1) for held in sets.tolist()]
        return [tuples[w] for w in which.tolist()]
    keys = np.unique(mentee[known].astype(np.int64) * len(values) + order[codes])  # by mentee, then value
    lists: dict[int, list] = {}
    for owner, value in zip((keys // len(values)).tolist(), ordered[keys % len(values)].tolist()):
        lists.setdefault(owner, []).append(value)
    for owner, held in lists.items():
        found[owner] = tuple(held)
    return found


def stale_pairs(ds: Dataset, *, policy: Policy, as_of: dt.date, active: pd.DataFrame | None = None,
                active_rows: analysis.ActiveRows | None = None) -> pd.DataFrame:
    """Pairs with a stale ``MENTORS`` row and no active one (see :class:`AuditTables`);
    ``active_rows``: the people of ``active`` when known (:func:`mentornet.analysis.active_rows`)."""
    if active is None:
        active, active_rows = analysis.active_pairs(ds, policy=policy, as_of=as_of)
    active_rows = analysis.active_rows(ds, active, active_rows)
    rels = ds.relationships
    mentoring = ds.mentoring_rows
    stale = mentoring[analysis.stale_mask(rels[analysis.DATE_RULE_COLUMNS].iloc[mentoring], policy=policy,
                                          as_of=as_of)]
    source, target = ds.relationship_people
    width = len(ds.people) + 1  # one number per (mentor, mentee); every id is a person's
    active_keys = active_rows.mentor.astype(np.int64) * width + active_rows.mentee
    stale = stale[~np.isin(source[stale] * width + target[stale], active_keys)]
    rows = rels.iloc[stale].rename(columns={"source": "mentor_id", "target": "mentee_id"})
    columns = ["mentor_id", "mentee_id", "last_met", "status"]
    if rows.empty:
        return pd.DataFrame({c: pd.Series(dtype=str) for c in columns})
    # each pair's rows together in id order, its latest last_met last ("" is the earliest); the
    # pair is lapsed when any of its rows is still active
    met, _ = pd.factorize(rows["last_met"].to_numpy(dtype=object), sort=True)
    people = np.concatenate([source[stale], target[stale]])
    if people.min() >= 0:  # the people's id ranks
        rank, top = ds.id_ranks[people], len(ds.people)
    else:  # a dataset made by hand that names someone who is not a person: the ids' own order
        rank, ranked = pd.factorize(np.concatenate([rows["mentor_id"].to_numpy(dtype=object),
                                                    rows["mentee_id"].to_numpy(dtype=object)]), sort=True)
        top = len(ranked)
    pair = rank[:len(stale)] * (top + 1) + rank[len(stale):]
    order = np.lexsort((met, pair))
    pair = pair[order]
    first = np.flatnonzero(np.concatenate([[True], pair[1:] != pair[:-1]]))
    last = order[np.append(first[1:], len(order)) - 1]
    out = pd.DataFrame({c: pd.Series(rows[c].to_numpy()[last], dtype=object) for c in columns[:3]})
    out["status"] = np.where(np.logical_or.reduceat(rows["status"].eq("active").to_numpy()[order], first),
                             "lapsed", "ended")
    return out


def gaps_without_candidate(snap: DatasetSnapshot) -> pd.DataFrame:
    """The snapshot's gaps (``mentee_id, area, reason``) for which no candidate is in reach, with
    the reason; from the snapshot's one candidate search (:meth:`DatasetSnapshot.pools`)."""
    gaps = snap.gaps
    reached = np.zeros(len(gaps), dtype=bool)
    reached[snap.pools(1).gap] = True
    missing = gaps.loc[~reached, ["mentee_id", "area"]].reset_index(drop=True)
    from .referrals import suited_in_reach  # scipy.sparse loads only for the commands that walk the network

    return matching.gap_reasons(suited_in_reach(snap, missing))


def audit(backend, snap=None, *, policy: Policy | None = None, as_of: dt.date | None = None,
          raw: bool = False) -> dict:
    """The audit figures of an open backend (a :class:`mentornet.backends.base.Backend`), under
    the snapshot ``snap`` or the rules ``policy`` and ``as_of``.

    They pass the disclosure auditor (:mod:`mentornet.disclosure`) before anyone sees them;
    ``raw`` skips it (for ``--compare``, which protects two snapshots together).
    """
    snap = backend.snapshot(snap, policy=policy, as_of=as_of)
    from . import disclosure  # loads only for the audit

    figures = audit_figures(backend.audit_tables(snap), policy=disclosure.unsuppressed(snap.policy), as_of=snap.as_of)
    return figures if raw else disclosure.protect(figures, policy=snap.policy)[0]


# =========================================================================== figures


def audit_figures(tables: AuditTables, *, policy: Policy, as_of: dt.date) -> dict:
    """Every audit figure, composed from the tables (JSON-ready, stable key order).

    Keys of DESIGN.md section 3 (``as_of``, ``mentees``, ``mentees_without_mentor``,
    ``coverage``, ``mosaic``, ``groups``, ``mentors``, ``over_capacity``, ``conflicts``,
    ``stale``) plus: ``min_group_size``; ``gaps`` (number of gaps); ``concordance``
    (attribute -> mentee value -> ``{mentees, with_mentor, concordant, rate}``: how many of
    the group have an active mentor sharing that value, suppressed like ``groups``);
    ``load_distribution`` (load -> number of mentors, every load from 0 to the largest);
    ``busiest_share`` (the busiest 10% of ``mentors``, rounded up, and the share of all
    mentorships they carry); ``load_by_identity`` (attribute -> mentor value ->
    ``{mentors, load, mean_load, at_or_over_capacity}``, suppressed by mentor count);
    ``no_candidate`` (gaps with no candidate in reach, in total and by area).
    Identity attributes are taken in plain string order; group values are sorted
    case-insensitively. Rates are fractions rounded to 4 places (``null`` when undefined).
    """
    k = policy.min_group_size
    attrs = sorted(tables.identity_attributes)
    areas = _areas(tables.mentees, attrs)
    mentees = _with_flags(tables.mentees, attrs)  # identity values folded by the backend (AuditTables)
    mentors = tables.mentors.sort_values("id", kind="mergesort", ignore_index=True)
    if tables.covering is not None:
        sole = planning.solely_covered_mentees(tables.covering)
        mentees = mentees.assign(sole_covered=mentees["id"].isin(sole).to_numpy())
    counted = _counted(mentees)
    everyone = _total(counted)
    figures = {
        "as_of": as_of.isoformat(),
        "min_group_size": k,
        "mentees": everyone[ROWS],
        "mentees_without_mentor": everyone[WITHOUT_MENTOR],
        "gaps": everyone[GAP_COUNT],
        "coverage": _coverage(everyone, areas),
        "mosaic": _mosaic(everyone),
        "groups": _groups(mentees, counted, attrs, k),
        "concordance": _concordance(mentees, counted, attrs, k),
        "mentors": [{"id": str(i), "load": int(l), "capacity": int(c)}
                    for i, l, c in zip(mentors["id"].tolist(), mentors["load"].tolist(), mentors["capacity"].tolist())],
        "over_capacity": sorted(str(i) for i in mentors.loc[mentors["load"] > mentors["capacity"], "id"]),
        "load_distribution": _load_distribution(mentors),
        "busiest_share": _busiest_share(mentors),
        "load_by_identity": _load_by_identity(mentors, attrs, k),
        "conflicts": [{"mentor_id": str(m), "mentee_id": str(t)} for m, t in
                      sorted(zip(tables.conflicts["mentor_id"], tables.conflicts["mentee_id"]))],
        "stale": [{"mentor_id": str(m), "mentee_id": str(t), "last_met": d or None, "status": str(s)}
                  for m, t, d, s in sorted(zip(tables.stale["mentor_id"], tables.stale["mentee_id"],
                                               tables.stale["last_met"], tables.stale["status"]))],
        "no_candidate": _no_candidate(everyone, tables.no_candidate, areas),
    }
    if tables.covering is not None:
        figures["mentees_sole_covered"] = everyone["sole_covered"]
        figures["fragility"] = _fragility(tables.covering)
    return figures


def _fragility(covering: pd.DataFrame) -> list[dict]:
    """``{id, sole_coverages, name}`` of every mentor who alone covers at least one research or
    career need (DESIGN.md section 3, sole coverage), most first, then by id. Concordance needs
    are left out: a named mentor alone covering one shares an identity value with a mentee
    (SECURITY.md section 3, mentor identity)."""
    names = dict(zip(covering["mentor_id"].tolist(), covering["mentor_name"].tolist()))
    frame = planning.sole_coverage(covering[covering["area"].isin(["research", "career"]).to_numpy()])
    return [{"id": str(i), "sole_coverages": int(n), "name": str(names[i])}
            for i, n in zip(frame["id"], frame["sole_coverages"])]


def _areas(mentees: pd.DataFrame, attrs: list[str]) -> list[str]:
    """research, career, then each identity area some mentee needs."""
    needed = {a for needs in mentees["needs"] for a in needs}
    return ["research", "career"] + [f"identity:{a}" for a in attrs if f"identity:{a}" in needed]


def rate(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


GAP_COUNT = "\0gaps"  # the flag columns of _with_flags: names no backend's column can have


def _flag(kind: str, name: str) -> str:
    return f"\0{kind}:{name}"


def _with_flags(mentees: pd.DataFrame, attrs: list[str]) -> pd.DataFrame:
    """``mentees`` with, per area, whether each mentee needs it and has a gap in it, per
    attribute whether the mentee is concordant on it, and the number of gaps: counted once
    here, so that every group cell only adds up the rows it holds."""
    areas = ["research", "career"] + [f"identity:{a}" for a in attrs]
    n = len(mentees)
    flags = {}
    for kind, column, names in (("need", "needs", areas), ("gap", "gaps", areas), ("concordant", "concordant", attrs)):
        held = mentees[column].tolist()
        sizes = np.fromiter(map(len, held), dtype=np.int64, count=n)
        owner = np.repeat(np.arange(n), sizes)
        codes, values = pd.factorize(np.fromiter(itertools.chain.from_iterable(held), dtype=object,
                                                 count=int(sizes.sum())))  # each value compared once
        code = {value: i for i, value in enumerate(values.tolist())}
        for name in names:
            found = flags[_flag(kind, name)] = np.zeros(n, dtype=bool)
            if name in code:
                found[owner[codes == code[name]]] = True
        if kind == "gap":
            flags[GAP_COUNT] = sizes
    return mentees.assign(**flags)


def _coverage(sums: dict[str, int], areas: list[str]) -> dict:
    """Per area: mentees needing it and how many of them have it covered, from the column sums
    (:func:`_sums`) of some mentees' flags (:func:`_with_flags`)."""
    counts = {}
    for a in areas:
        needing = sums[_flag("need", a)]
        counts[a] = {"needing": needing, "covered": needing - sums[_flag("gap", a)]}
    return counts


def _mosaic(sums: dict[str, int]) -> dict:
    return {label: sums[_flag("mosaic", label)] for label in MOSAIC_BUCKETS}


def suppressed_cells(sizes: dict[str, int], undisclosed: int, k: int) -> set[str]:
    """The values of one key whose cells must be hidden (rule in the module docstring)."""
    hidden = {v for v, n in sizes.items() if n < k}

    def safe() -> bool:
        if not hidden:
            return True
        parts = [sizes[v] for v in hidden] + ([undisclosed] if undisclosed > 0 else [])
        return len(parts) >= 2 and sum(parts) >= k and sum(parts) > len(hidden)

    while not safe():
        shown = [v for v in sizes if v not in hidden]
        if not shown:
            break
        hidden.add(min(shown, key=lambda v: (sizes[v], v)))
    return hidden


def _group_values(mentees: pd.DataFrame, key: str) -> pd.Series:
    """Each mentee's value for a group key ("" = none); departments in one spelling."""
    if key != "department":
        return mentees[key].fillna("").astype(str)  # missing: none
    folded = fold_values(mentees["department"])
    spelling = (pd.DataFrame({"fold": folded, "dept": mentees["department"]})
                .value_counts().reset_index(name="n")
                .sort_values(["fold", "n", "dept"], ascending=[True, False, True], kind="mergesort")
                .drop_duplicates("fold").set_index("fold")["dept"])
    return folded.map(spelling).fillna("")


def _sort_values(values) -> list[str]:
    return sorted(values, key=lambda v: (fold(v), v))


def _partition(values: pd.Series, k: int) -> tuple[list[str], set[str], np.ndarray, dict[str, int]]:
    """(ordered values, suppressed values, each row's code, the code of each value) for one key."""
    codes, distinct = pd.factorize(values.to_numpy(dtype=object))  # each cell's value compared once
    code = {v: i for i, v in enumerate(distinct.tolist())}
    order = _sort_values(v for v in code if v != "")
    counts = np.bincount(codes, minlength=len(code))
    sizes = {v: int(counts[code[v]]) for v in order}
    undisclosed = int(counts[code[""]]) if "" in code else 0
    return order, suppressed_cells(sizes, undisclosed, k), codes, code


ROWS = "\0rows"  # in the sums of _sums: how many rows were added up


def _sums(columns: dict[str, np.ndarray], codes: np.ndarray, n: int) -> dict[str, list[int]]:
    """``ROWS`` and each of ``columns`` (integers or flags, one item per row) added up for each
    of ``n`` groups (``codes``: each row's group). Every figure of a cell is such a total, so a
    cell is made from these sums, not from a copy of its rows."""
    totals = {ROWS: np.bincount(codes, minlength=n).tolist()}
    for name, values in columns.items():  # integer weights add up exactly in float64 below 2**53
        totals[name] = np.bincount(codes, weights=values, minlength=n).astype(np.int64).tolist()
    return totals


def _total(columns: dict[str, np.ndarray]) -> dict[str, int]:
    """:func:`_sums` of all the rows, each one number."""
    n = len(next(iter(columns.values())))
    return {name: values[0] for name, values in _sums(columns, np.zeros(n, dtype=np.intp), 1).items()}


def _cells(columns: dict[str, np.ndarray], values: pd.Series, k: int, figures) -> dict:
    """One cell per value of a key: ``figures(sums of that value's rows of columns)``, or suppressed."""
    order, hidden, codes, code = _partition(values, k)
    sums = _sums(columns, codes, len(code))
    return {v: {"suppressed": True} if v in hidden else figures({name: t[code[v]] for name, t in sums.items()})
            for v in order}


def _groups(mentees: pd.DataFrame, counted: dict[str, np.ndarray], attrs: list[str], k: int) -> dict:
    out = {}
    for key in ["department", "role"] + [IDENTITY_PREFIX + a for a in attrs]:
        own = ["research", "career"] + ([f"identity:{key[len(IDENTITY_PREFIX):]}"]
                                        if key.startswith(IDENTITY_PREFIX) else [])
        added = [GAP_COUNT, *(_flag(kind, a) for kind in ("need", "gap") for a in own),
                 *(_flag("mosaic", label) for label in MOSAIC_BUCKETS), *(c for c in ["sole_covered"] if c in counted)]
        out[key] = _cells({name: counted[name] for name in added}, _group_values(mentees, key), k,
                          lambda sums, own=own: _group_cell(sums, own))
    return out


WITHOUT_MENTOR = _flag("mosaic", MOSAIC_BUCKETS[0])


def _counted(mentees: pd.DataFrame) -> dict[str, np.ndarray]:
    """The columns group cells add up, as numbers: the flags of :func:`_with_flags`,
    ``sole_covered``, and per mosaic bucket whether a mentee's active mentors fall in it (the
    first: none)."""
    counted = {c: mentees[c].to_numpy(dtype=np.float64) for c in mentees.columns
               if c.startswith("\0") or c == "sole_covered"}
    buckets = np.minimum(mentees["active_mentors"].to_numpy(dtype=int), len(MOSAIC_BUCKETS) - 1)
    counted.update({_flag("mosaic", label): (buckets == i).astype(np.float64)
                    for i, label in enumerate(MOSAIC_BUCKETS)})
    return counted


def _group_cell(sums: dict[str, int], areas: list[str]) -> dict:
    return {
        "mentees": sums[ROWS],
        "without_mentor": sums[WITHOUT_MENTOR],
        "gaps": sums[GAP_COUNT],
        "coverage": _coverage(sums, areas),
        "mosaic": _mosaic(sums),
        **({"sole_covered": sums["sole_covered"]} if "sole_covered" in sums else {}),
    }


def _concordance(mentees: pd.DataFrame, counted: dict[str, np.ndarray], attrs: list[str], k: int) -> dict:
    def figures(sums, attr):
        concordant = sums[_flag("concordant", attr)]
        return {"mentees": sums[ROWS], "with_mentor": sums[ROWS] - sums[WITHOUT_MENTOR],
                "concordant": concordant, "rate": rate(concordant, sums[ROWS])}

    return {attr: _cells({name: counted[name] for name in (WITHOUT_MENTOR, _flag("concordant", attr))},
                         mentees[IDENTITY_PREFIX + attr], k, lambda sums, attr=attr: figures(sums, attr))
            for attr in attrs}


def _load_distribution(mentors: pd.DataFrame) -> dict:
    loads = mentors["load"].to_numpy(dtype=int)
    top = int(loads.max()) if len(loads) else 0
    counts = np.bincount(loads, minlength=top + 1) if len(loads) else np.zeros(1, dtype=int)
    return {str(i): int(n) for i, n in enumerate(counts)}


def _busiest_share(mentors: pd.DataFrame) -> dict:
    """The busiest 10% of mentors (rounded up) and the share of all mentorships they carry."""
    loads = np.sort(mentors["load"].to_numpy(dtype=int))[::-1]
    busiest = math.ceil(BUSIEST_FRACTION * len(loads))
    total, carried = int(loads.sum()), int(loads[:busiest].sum())
    return {"mentors": int(len(loads)), "busiest": busiest, "mentorships": total,
            "busiest_mentorships": carried, "share": rate(carried, total)}


def _load_by_identity(mentors: pd.DataFrame, attrs: list[str], k: int) -> dict:
    def figures(sums):
        return {"mentors": sums[ROWS], "load": sums["load"], "mean_load": rate(sums["load"], sums[ROWS]),
                "at_or_over_capacity": sums["full"]}

    loads = {"load": mentors["load"].to_numpy(dtype=np.float64),
             "full": (mentors["load"] >= mentors["capacity"]).to_numpy(dtype=np.float64)}
    return {attr: _cells(loads, mentors[IDENTITY_PREFIX + attr], k, figures) for attr in attrs}  # text (AuditTables)


def _no_candidate(everyone: dict[str, int], missing: pd.DataFrame, areas: list[str]) -> dict:
    """Gaps and gaps without a candidate, in total and by area, each with the count by reason
    (``everyone``: the sums of every mentee's flags)."""
    coverage = _coverage(everyone, areas)
    missing = missing.drop_duplicates(["mentee_id", "area"])
    reasons = matching.REASONS[:-1]  # "taken by other gaps" is match's alone

    def by_reason(rows):
        counts = rows["reason"].value_counts()
        return {r: int(counts.get(r, 0)) for r in reasons}

    by_area = {a: {"gaps": c["needing"] - c["covered"],
                   "without_candidate": int((missing["area"] == a).sum()),
                   "by_reason": by_reason(missing[missing["area"] == a])}
               for a, c in coverage.items()}
    return {"gaps": sum(c["gaps"] for c in by_area.values()),
            "without_candidate": sum(c["without_candidate"] for c in by_area.values()),
            "by_reason": by_reason(missing[missing["area"].isin(list(by_area))]),
            "by_area": by_area}


# =========================================================================== comparison


def headline(figures: dict) -> dict[str, float | int | None]:
    """The headline figures of one audit, flat and named, for comparing two snapshots."""
    out = {
        "mentees": figures["mentees"],
        "mentees_without_mentor": figures["mentees_without_mentor"],
        "gaps": figures["gaps"],
    }
    for area, c in figures["coverage"].items():
        out[f"coverage.{area}.needing"] = c["needing"]
        out[f"coverage.{area}.covered"] = c["covered"]
        out[f"coverage.{area}.rate"] = rate(c["covered"], c["needing"])
    for bucket, n in figures["mosaic"].items():
        out[f"mosaic.{bucket}"] = n
    busiest = figures["busiest_share"]
    out.update({
        "mentors": len(figures["mentors"]),
        "mentorships": busiest["mentorships"],
        "over_capacity": len(figures["over_capacity"]),
        "busiest_share": busiest["share"],
        "conflicts": len(figures["conflicts"]),
        "stale": len(figures["stale"]),
        "gaps_without_candidate": figures["no_candidate"]["without_candidate"],
    })
    return out


def compare(new: dict, old: dict) -> dict:
    """``new`` with a ``compare`` key: each headline figure's old value, new value and change.

    A figure missing from one snapshot (an identity need nobody had) counts as 0 there; a
    rate that is undefined in either snapshot has no change (``null``).
    """
    a, b = headline(old), headline(new)
    hidden = tuple(f"coverage.{area}." for area in [*old.get("suppressed_needs", ()), *new.get("suppressed_needs", ())])
    names = [n for n in list(b) + [n for n in a if n not in b] if not n.startswith(hidden)]
    rows = {}
    for name in names:
        zero = None if name.endswith(".rate") else 0
        before, after = a.get(name, zero), b.get(name, zero)
        change = None if before is None or after is None else round(after - before, 4)
        rows[name] = {"old": before, "new": after, "change": change}
    return {**new, "compare": {"as_of": old["as_of"], "figures": rows}}
