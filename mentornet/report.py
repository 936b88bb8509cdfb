"""The diversity-office audit (DESIGN.md section 3 "Audit", section 5): figures and reports.

The audit is built in two layers so that every backend gives identical figures:

1. **Tables** (:class:`AuditTables`): a few per-entity tables that a backend must supply.
   :func:`audit_tables` computes them for the embedded backend from a :class:`Dataset`; the
   Neo4j backend computes the same tables inside the database.
2. **Figures** (:func:`audit_figures`): pure Python that composes every figure from the
   tables, shared by all backends. Counting, grouping, sorting and small-cell suppression all
   happen here, never in a backend.

Rendering (:func:`render`) turns the figures into JSON, Markdown, one self-contained HTML
page (charts drawn by matplotlib, inlined as SVG images), an XLSX workbook, CSV or a terminal
summary. Nothing here reads datasets from disk, prints or imports click.

Small-cell suppression
----------------------
What is published is decided by :mod:`mentornet.disclosure` (issue 14), hooked into
:func:`audit`: it takes the figures unsuppressed and hides until no small cell can be
narrowed down. The rule below is what :func:`audit_figures` applies for a given
``min_group_size`` on its own.

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

import base64
import datetime as dt
import io
import json
import math
import os
import re
import tempfile
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numpy as np
import pandas as pd

from . import analysis, disclosure, referrals
from .errors import DataError, Problem
from .model import IDENTITY_PREFIX, MENTORS, Dataset, Policy
from .output import neutralise, write_csv, write_table

MOSAIC_BUCKETS = ("0", "1", "2", "3+")
LIST_ROWS = 100      # rows of a list of people in the readable reports
BUSIEST_ROWS = 25    # mentors shown in the readable mentor-load table
BUSIEST_FRACTION = 0.10
REPORT_FORMATS = {".html": "html", ".htm": "html", ".md": "md", ".markdown": "md", ".json": "json",
                  ".xlsx": "xlsx"}


# =========================================================================== tables


@dataclass(frozen=True)
class AuditTables:
    """What a backend must supply for an audit; row order does not matter.

    ``identity_attributes``
        every identity attribute name (lower case, without the ``identity.`` prefix).
    ``mentees``
        one row per mentee (DESIGN.md section 3): ``id``; ``department`` (trimmed, as given,
        ``""`` when absent); ``role`` (lower case); one ``identity.<attr>`` column per attribute
        holding the lower-cased value (``""`` = not disclosed); ``active_mentors`` (int: number of
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
        not active and no active row: ``last_met`` the latest one among those rows (``""`` when
        none has one); ``status`` ``"active"`` when any of those rows has status active (it
        lapsed: not met within ``stale_after_days``), else ``"ended"``.
    ``no_candidate``
        ``mentee_id, area`` of each gap that has no candidate at all (section 3 "Candidate").
    """

    identity_attributes: tuple[str, ...]
    mentees: pd.DataFrame
    mentors: pd.DataFrame
    conflicts: pd.DataFrame
    stale: pd.DataFrame
    no_candidate: pd.DataFrame


def audit_tables(ds: Dataset, *, policy: Policy, as_of: dt.date) -> AuditTables:
    """The audit tables of the embedded backend, from the analysis functions."""
    active = analysis.active_mentorships(ds, policy=policy, as_of=as_of)
    gaps = analysis.find_gaps(ds, policy=policy, as_of=as_of)
    attrs = tuple(ds.identity_attributes)
    identity_cols = [IDENTITY_PREFIX + a for a in attrs]
    people = ds.people

    mentees = people.loc[people["mentee"].to_numpy(), ["id", "department", "role", *identity_cols]]
    mentees = mentees.reset_index(drop=True)
    for col in identity_cols:
        mentees[col] = mentees[col].str.lower()
    ids = mentees["id"]
    counts = active.groupby("mentee_id")["mentor_id"].nunique()
    mentees["active_mentors"] = counts.reindex(ids).fillna(0).astype(int).to_numpy()
    mentees["needs"] = _tuples_by_mentee(analysis.mentee_needs(ds, policy=policy), "area", ids)
    mentees["gaps"] = _tuples_by_mentee(gaps, "area", ids)
    covered = analysis.covered_needs(ds, active)
    concordant = covered[covered["area"].str.startswith("identity:")].drop_duplicates()
    concordant = concordant.assign(attr=concordant["area"].str.slice(len("identity:")))
    mentees["concordant"] = _tuples_by_mentee(concordant, "attr", ids)

    load = analysis.mentor_load(ds, active, policy=policy)
    keep = analysis.mentor_eligible(ds) | (load["load"].to_numpy() > 0)
    mentors = load.loc[keep, ["id", "load", "capacity"]].reset_index(drop=True)
    identity = people.loc[keep, identity_cols].reset_index(drop=True)
    for col in identity_cols:
        mentors[col] = identity[col].str.lower().to_numpy()

    no_candidate = gaps_without_candidate(ds, gaps[["mentee_id", "area"]], policy=policy, as_of=as_of)
    return AuditTables(
        identity_attributes=attrs, mentees=mentees, mentors=mentors,
        conflicts=analysis.leadership_conflicts(ds, active),
        stale=stale_pairs(ds, policy=policy, as_of=as_of, active=active), no_candidate=no_candidate,
    )


def _tuples_by_mentee(rows: pd.DataFrame, column: str, ids: pd.Series) -> list[tuple]:
    """For each id, the sorted distinct values of ``column`` in its rows."""
    pairs = rows[["mentee_id", column]].drop_duplicates().sort_values(["mentee_id", column], kind="mergesort")
    found: dict[str, list] = {}
    for mentee, value in zip(pairs["mentee_id"].to_numpy(), pairs[column].to_numpy()):
        found.setdefault(mentee, []).append(value)
    return [tuple(found.get(i, ())) for i in ids]


def stale_pairs(ds: Dataset, *, policy: Policy, as_of: dt.date, active: pd.DataFrame | None = None) -> pd.DataFrame:
    """Pairs with a non-active ``MENTORS`` row and no active one (see :class:`AuditTables`)."""
    if active is None:
        active = analysis.active_mentorships(ds, policy=policy, as_of=as_of)
    rels = ds.relationships
    rows = rels[rels["type"].to_numpy() == MENTORS]
    rows = rows[~analysis.active_mask(rows, policy=policy, as_of=as_of)]
    rows = rows.rename(columns={"source": "mentor_id", "target": "mentee_id"})
    active_keys = set(zip(active["mentor_id"], active["mentee_id"]))
    no_active_row = [(m, t) not in active_keys for m, t in zip(rows["mentor_id"], rows["mentee_id"])]
    rows = rows[np.asarray(no_active_row, dtype=bool)]
    columns = ["mentor_id", "mentee_id", "last_met", "status"]
    if rows.empty:
        return pd.DataFrame({c: pd.Series(dtype=str) for c in columns})
    out = (rows.assign(lapsed=rows["status"].eq("active"))
           .groupby(["mentor_id", "mentee_id"], sort=True).agg(last_met=("last_met", "max"), lapsed=("lapsed", "any")))
    out["status"] = np.where(out["lapsed"].to_numpy(), "active", "ended")
    return out.reset_index()[columns]


def gaps_without_candidate(ds: Dataset, gaps: pd.DataFrame, *, policy: Policy, as_of: dt.date) -> pd.DataFrame:
    """The gaps (``mentee_id, area``) for which no candidate is in reach."""
    if gaps.empty:
        return gaps[["mentee_id", "area"]].reset_index(drop=True)
    net = referrals.build_network(ds, policy=policy, as_of=as_of)
    found = referrals.rank_candidates(net, gaps, policy=policy, limit=1, with_paths=False)
    reached = set(zip(found["mentee_id"], found["area"]))
    keep = [(m, a) not in reached for m, a in zip(gaps["mentee_id"], gaps["area"])]
    return gaps.loc[np.asarray(keep, dtype=bool), ["mentee_id", "area"]].reset_index(drop=True)


def audit(backend, *, policy: Policy, as_of: dt.date, raw: bool = False) -> dict:
    """The audit figures of an open backend (its own ``audit_tables`` when it has one).

    They pass the disclosure auditor before anyone sees them; ``raw`` skips it (for
    ``--compare``, which protects two snapshots together).
    """
    if hasattr(backend, "audit_tables"):
        tables = backend.audit_tables(policy=policy, as_of=as_of)
    else:
        tables = audit_tables(backend.dataset, policy=policy, as_of=as_of)
    # --- disclosure hook (issue 14): figures unsuppressed, then mentornet.disclosure decides
    figures = audit_figures(tables, policy=disclosure.unsuppressed(policy), as_of=as_of)
    return figures if raw else disclosure.protect(figures, policy=policy)[0]


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
    mentees = _lower_identity(tables.mentees, attrs)
    areas = _areas(mentees, attrs)
    mentors = _lower_identity(tables.mentors, attrs).sort_values("id", kind="mergesort", ignore_index=True)
    return {
        "as_of": as_of.isoformat(),
        "min_group_size": k,
        "mentees": int(len(mentees)),
        "mentees_without_mentor": int((mentees["active_mentors"] == 0).sum()),
        "gaps": int(mentees["gaps"].map(len).sum()),
        "coverage": _coverage(mentees, areas),
        "mosaic": _mosaic(mentees),
        "groups": _groups(mentees, attrs, k),
        "concordance": _concordance(mentees, attrs, k),
        "mentors": [{"id": str(i), "load": int(l), "capacity": int(c)}
                    for i, l, c in zip(mentors["id"], mentors["load"], mentors["capacity"])],
        "over_capacity": sorted(str(i) for i in mentors.loc[mentors["load"] > mentors["capacity"], "id"]),
        "load_distribution": _load_distribution(mentors),
        "busiest_share": _busiest_share(mentors),
        "load_by_identity": _load_by_identity(mentors, attrs, k),
        "conflicts": [{"mentor_id": str(m), "mentee_id": str(t)} for m, t in
                      sorted(zip(tables.conflicts["mentor_id"], tables.conflicts["mentee_id"]))],
        "stale": [{"mentor_id": str(m), "mentee_id": str(t), "last_met": d or None, "status": str(s)}
                  for m, t, d, s in sorted(zip(tables.stale["mentor_id"], tables.stale["mentee_id"],
                                               tables.stale["last_met"], tables.stale["status"]))],
        "no_candidate": _no_candidate(mentees, tables.no_candidate, areas),
    }


def _lower_identity(frame: pd.DataFrame, attrs: list[str]) -> pd.DataFrame:
    """A copy with identity values in lower case, whatever case a backend returned them in."""
    return frame.assign(**{IDENTITY_PREFIX + a: frame[IDENTITY_PREFIX + a].fillna("").astype(str).str.lower()
                           for a in attrs})


def _areas(mentees: pd.DataFrame, attrs: list[str]) -> list[str]:
    """research, career, then each identity area some mentee needs."""
    needed = {a for needs in mentees["needs"] for a in needs}
    return ["research", "career"] + [f"identity:{a}" for a in attrs if f"identity:{a}" in needed]


def rate(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def _coverage(mentees: pd.DataFrame, areas: list[str]) -> dict:
    needing = {a: 0 for a in areas}
    gaps = {a: 0 for a in areas}
    for needs in mentees["needs"]:
        for a in needs:
            needing[a] = needing.get(a, 0) + 1
    for open_ in mentees["gaps"]:
        for a in open_:
            gaps[a] = gaps.get(a, 0) + 1
    return {a: {"needing": needing[a], "covered": needing[a] - gaps[a]} for a in areas}


def _mosaic(mentees: pd.DataFrame) -> dict:
    buckets = np.minimum(mentees["active_mentors"].to_numpy(dtype=int), 3)
    return {label: int((buckets == i).sum()) for i, label in enumerate(MOSAIC_BUCKETS)}


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
        return mentees[key].astype(str)
    folded = mentees["department"].str.lower()
    spelling = (pd.DataFrame({"fold": folded, "dept": mentees["department"]})
                .value_counts().reset_index(name="n")
                .sort_values(["fold", "n", "dept"], ascending=[True, False, True], kind="mergesort")
                .drop_duplicates("fold").set_index("fold")["dept"])
    return folded.map(spelling).fillna("")


def _sort_values(values) -> list[str]:
    return sorted(values, key=lambda v: (v.lower(), v))


def _partition(values: pd.Series, k: int) -> tuple[list[str], set[str], dict[str, np.ndarray]]:
    """(ordered values, suppressed values, row mask per value) for one key."""
    disclosed = values.ne("").to_numpy()
    order = _sort_values(values[disclosed].unique())
    masks = {v: (values == v).to_numpy() for v in order}
    sizes = {v: int(m.sum()) for v, m in masks.items()}
    return order, suppressed_cells(sizes, int((~disclosed).sum()), k), masks


def _cells(rows: pd.DataFrame, values: pd.Series, k: int, figures) -> dict:
    """One cell per value of a key: ``figures(rows of that value)``, or suppressed."""
    order, hidden, masks = _partition(values, k)
    return {v: {"suppressed": True} if v in hidden else figures(rows[masks[v]]) for v in order}


def _groups(mentees: pd.DataFrame, attrs: list[str], k: int) -> dict:
    out = {}
    for key in ["department", "role"] + [IDENTITY_PREFIX + a for a in attrs]:
        own = ["research", "career"] + ([f"identity:{key[len(IDENTITY_PREFIX):]}"]
                                        if key.startswith(IDENTITY_PREFIX) else [])
        out[key] = _cells(mentees, _group_values(mentees, key), k, lambda rows, own=own: _group_cell(rows, own))
    return out


def _group_cell(rows: pd.DataFrame, areas: list[str]) -> dict:
    return {
        "mentees": int(len(rows)),
        "without_mentor": int((rows["active_mentors"] == 0).sum()),
        "gaps": int(rows["gaps"].map(len).sum()),
        "coverage": _coverage(rows, areas),
        "mosaic": _mosaic(rows),
    }


def _concordance(mentees: pd.DataFrame, attrs: list[str], k: int) -> dict:
    def figures(rows, attr):
        concordant = int(rows["concordant"].map(lambda c: attr in c).sum())
        return {"mentees": int(len(rows)), "with_mentor": int((rows["active_mentors"] > 0).sum()),
                "concordant": concordant, "rate": rate(concordant, len(rows))}

    return {attr: _cells(mentees, mentees[IDENTITY_PREFIX + attr].astype(str), k,
                         lambda rows, attr=attr: figures(rows, attr))
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
    def figures(rows):
        load = int(rows["load"].sum())
        return {"mentors": int(len(rows)), "load": load, "mean_load": rate(load, len(rows)),
                "at_or_over_capacity": int((rows["load"] >= rows["capacity"]).sum())}

    return {attr: _cells(mentors, mentors[IDENTITY_PREFIX + attr].astype(str), k, figures) for attr in attrs}


def _no_candidate(mentees: pd.DataFrame, missing: pd.DataFrame, areas: list[str]) -> dict:
    coverage = _coverage(mentees, areas)
    counts = missing.drop_duplicates(["mentee_id", "area"])["area"].value_counts()
    by_area = {a: {"gaps": c["needing"] - c["covered"], "without_candidate": int(counts.get(a, 0))}
               for a, c in coverage.items()}
    return {"gaps": sum(c["gaps"] for c in by_area.values()),
            "without_candidate": sum(c["without_candidate"] for c in by_area.values()),
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


# =========================================================================== sections


@dataclass(frozen=True)
class Section:
    """One titled table of the report, shared by every output format."""

    key: str
    title: str
    frame: pd.DataFrame
    note: str = ""
    index: int = 1  # how many leading columns name a row (for the long CSV)


def percent(value: float | None) -> str:
    return "" if value is None else f"{100 * value:.1f}%"


def _frame(rows: list[list], columns: list[str]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=columns, dtype=object)


def sections(figures: dict, *, full: bool = False) -> list[Section]:
    """The report as titled tables, in reading order.

    Lists of people (mentor load, over capacity, conflicts, stale pairs) are cut to a
    readable length unless ``full`` (the spreadsheet and CSV exports); JSON always has all.
    """
    limit = None if full else LIST_ROWS
    out = [_summary(figures), _coverage_section(figures), _mosaic_section(figures), _groups_section(figures),
           _concordance_section(figures), _load_section(figures, None if full else BUSIEST_ROWS),
           _over_capacity_section(figures, limit), _distribution_section(figures),
           _load_identity_section(figures)]
    conflicts = [[c["mentor_id"], c["mentee_id"]] for c in figures["conflicts"]]
    out.append(Section("conflicts", "Leadership conflicts", _frame(conflicts[:limit], ["mentor", "mentee"]),
                       "A leader (chair, program director, ...) actively mentors a trainee of their own department."
                       + _more(len(conflicts), limit)))
    stale = [[s["mentor_id"], s["mentee_id"], s["last_met"] or "", "ended" if s["status"] == "ended" else "lapsed"]
             for s in figures["stale"]]
    out.append(Section("stale", "Stale or ended mentorships", _frame(
        stale[:limit], ["mentor", "mentee", "last met", "status"]),
        "Pairs whose mentoring rows are all inactive: lapsed (status active, not met within the "
        "stale_after_days policy) or ended." + _more(len(stale), limit), index=2))
    nc = figures["no_candidate"]
    out.append(Section("no_candidate", "Gaps with no candidate in reach", _frame(
        [[a, c["gaps"], c["without_candidate"]] for a, c in nc["by_area"].items()],
        ["need", "gaps", "no candidate"]),
        f"{nc['without_candidate']} of {nc['gaps']} gaps have no suitable mentor with room within reach "
        "of the mentee's network."))
    if "compare" in figures:
        out.append(_compare_section(figures))
    return out


def _count_and_share(part: int, whole: int) -> str:
    share = rate(part, whole)
    return f"{part}" if share is None else f"{part} ({percent(share)})"


def _summary(f: dict) -> Section:
    b = f["busiest_share"]
    nc = f["no_candidate"]
    rows = [
        ["as of", f["as_of"]],
        ["mentees", f["mentees"]],
        ["mentees without any active mentor", _count_and_share(f["mentees_without_mentor"], f["mentees"])],
        ["gaps (needs without a mentor)", f["gaps"]],
        ["gaps with no candidate in reach", nc["without_candidate"]],
        ["mentors (eligible or mentoring)", len(f["mentors"])],
        ["active mentorships", b["mentorships"]],
        ["mentors over capacity", len(f["over_capacity"])],
        [f"share of mentorships carried by the busiest 10% of mentors ({b['busiest']})", percent(b["share"])],
        ["leadership conflicts", len(f["conflicts"])],
        ["stale or ended mentorships", len(f["stale"])],
    ]
    return Section("summary", "Summary", _frame(rows, ["figure", "value"]),
                   f"Groups with fewer than {f['min_group_size']} people are suppressed, and so is every "
                   "cell that would let a reader work one out by subtraction.")


def _coverage_section(f: dict) -> Section:
    rows = [[a, c["needing"], c["covered"], percent(rate(c["covered"], c["needing"]))]
            for a, c in f["coverage"].items()]
    hidden = f.get("suppressed_needs", [])
    return Section("coverage", "Coverage by need", _frame(rows, ["need", "needing", "covered", "rate"]),
                   "A need is covered by an active mentor with that focus (research, career) or who shares "
                   "the mentee's identity value."
                   + (f" Suppressed, since they would let a small group be worked out: {', '.join(hidden)}."
                      if hidden else ""))


def _mosaic_section(f: dict) -> Section:
    rows = [[b, n, percent(rate(n, f["mentees"]))] for b, n in f["mosaic"].items()]
    return Section("mosaic", "Mosaic: distinct active mentors per mentee",
                   _frame(rows, ["active mentors", "mentees", "share"]))


def _covered_text(c: dict | None) -> str:
    if not c or not c["needing"]:
        return ""
    return f"{c['covered']} of {c['needing']}"  # not 12/16, which a spreadsheet reads as a date


def _groups_section(f: dict) -> Section:
    rows = []
    for key, cells in f["groups"].items():
        for value, c in cells.items():
            if c.get("suppressed"):
                rows.append([key, value, "suppressed", "", "", "", "", "", "", "", "", ""])
                continue
            own = next((v for a, v in c["coverage"].items() if a.startswith("identity:")), None)
            rows.append([key, value, c["mentees"], c["without_mentor"], c["gaps"],
                         _covered_text(c["coverage"]["research"]), _covered_text(c["coverage"]["career"]),
                         _covered_text(own), *c["mosaic"].values()])
    columns = ["group", "value", "mentees", "without mentor", "gaps", "research", "career", "concordance need",
               "mosaic 0", "mosaic 1", "mosaic 2", "mosaic 3+"]
    return Section("groups", "By group", _frame(rows, columns),
                   "Coverage columns read 'covered of needing'. Mentees with no value for a group are not grouped. "
                   f"Suppressed: fewer than {f['min_group_size']} mentees, or hidden so that no suppressed "
                   "cell can be worked out from the totals.", index=2)


def _concordance_section(f: dict) -> Section:
    rows = []
    for attr, cells in f["concordance"].items():
        for value, c in cells.items():
            if c.get("suppressed"):
                rows.append([attr, value, "suppressed", "", "", ""])
            else:
                rows.append([attr, value, c["mentees"], c["with_mentor"], c["concordant"], percent(c["rate"])])
    return Section("concordance", "Identity concordance by group", _frame(
        rows, ["attribute", "value", "mentees", "with a mentor", "with a concordant mentor", "rate"]),
        "Share of each group's mentees with at least one active mentor who shares their value, "
        "whether or not they asked for it.", index=2)


def _more(total: int, limit: int | None) -> str:
    if limit is None or total <= limit:
        return ""
    return f" Showing {limit} of {total}; the JSON and XLSX reports list all."


def _load_section(f: dict, limit: int | None) -> Section:
    over = set(f["over_capacity"])
    ordered = sorted((m for m in f["mentors"] if m["load"] > 0), key=lambda m: (-m["load"], m["id"]))
    rows = [[m["id"], m["load"], m["capacity"], m["capacity"] - m["load"], "over capacity" if m["id"] in over else ""]
            for m in ordered[:limit]]
    idle = len(f["mentors"]) - len(ordered)
    shown = "" if limit is None or len(ordered) <= limit else f"The busiest {limit} of {len(ordered)} mentors. "
    return Section("mentors", "Mentor load", _frame(rows, ["mentor", "load", "capacity", "room", "flag"]),
                   f"{shown}{idle} more mentor-eligible people have no active mentee.")


def _over_capacity_section(f: dict, limit: int | None) -> Section:
    mentors = {m["id"]: m for m in f["mentors"]}
    rows = [[i, mentors[i]["load"], mentors[i]["capacity"]] for i in f["over_capacity"]]
    return Section("over_capacity", "Mentors over capacity", _frame(rows[:limit], ["mentor", "load", "capacity"]),
                   "More active mentees than their capacity (or the policy default)." + _more(len(rows), limit))


def _distribution_section(f: dict) -> Section:
    b = f["busiest_share"]
    rows = [[load, n] for load, n in f["load_distribution"].items()]
    return Section("load_distribution", "Load distribution", _frame(rows, ["active mentees", "mentors"]),
                   f"The busiest {b['busiest']} of {b['mentors']} mentors (10%, rounded up) carry "
                   f"{b['busiest_mentorships']} of {b['mentorships']} active mentorships ({percent(b['share'])}).")


def _load_identity_section(f: dict) -> Section:
    rows = []
    for attr, cells in f["load_by_identity"].items():
        for value, c in cells.items():
            rows.append([attr, value, "suppressed" if c.get("suppressed") else c["mentors"]])
    return Section("load_by_identity", "Mentors by identity", _frame(rows, ["attribute", "value", "mentors"]),
                   f"Mentor groups with fewer than {f['min_group_size']} people are suppressed the same way as "
                   "mentee groups. Load is not split by identity: with the per-mentor table it would name "
                   "mentors' identities (SECURITY.md).", index=2)


def _points(change: float | None) -> str:
    """A change of rate in words ("up 3.1 pts"): no leading sign a spreadsheet would evaluate."""
    if change is None:
        return ""
    points = round(100 * change, 1)
    return "no change" if points == 0 else f"{'up' if points > 0 else 'down'} {abs(points):.1f} pts"


def _compare_section(f: dict) -> Section:
    c = f["compare"]
    rows = []
    for name, r in c["figures"].items():
        if name.endswith(".rate") or name == "busiest_share":
            rows.append([name, percent(r["old"]), percent(r["new"]), _points(r["change"])])
        else:
            rows.append([name, r["old"], r["new"], r["change"]])
    return Section("compare", f"Change since {c['as_of']}", _frame(rows, ["figure", "before", "now", "change"]),
                   "Headline figures only: group cells are not compared, since the difference of two "
                   "snapshots could single out one person.")


# =========================================================================== rendering


def render(figures: dict, fmt: str, *, title: str = "Mentor audit") -> bytes:
    """The report in ``fmt``: ``json``, ``md``, ``html``, ``xlsx``, ``csv`` or ``table``."""
    renderers: dict[str, Callable[[dict, str], bytes]] = {
        "json": lambda f, t: render_json(f).encode("utf-8"),
        "md": lambda f, t: render_markdown(f, title=t).encode("utf-8"),
        "html": lambda f, t: render_html(f, title=t).encode("utf-8"),
        "xlsx": lambda f, t: render_xlsx(f),
        "csv": lambda f, t: render_csv(f).encode("utf-8"),  # full lists
        "table": lambda f, t: render_text(f, title=t).encode("utf-8"),
    }
    return renderers[fmt](figures, title)


def render_json(figures: dict) -> str:
    return json.dumps(figures, indent=2, ensure_ascii=False) + "\n"


def render_text(figures: dict, *, title: str = "Mentor audit") -> str:
    """A readable terminal summary: every section as an aligned table."""
    out = io.StringIO()
    out.write(f"{title} as of {figures['as_of']}\n")
    for s in sections(figures):
        out.write(f"\n{s.title}\n")
        write_table(s.frame, out)
        if s.note:
            out.write(f"{s.note}\n")
    return out.getvalue()


def render_csv(figures: dict) -> str:
    """Every table in one long CSV: ``section,item,column,value`` (formulas neutralised).

    ``item`` names the row (for group tables ``key / value``, for stale pairs
    ``mentor / mentee``); there is one line per remaining cell.
    """
    rows = []
    for s in sections(figures, full=True):
        for record in s.frame.itertuples(index=False, name=None):
            item = " / ".join(str(v) for v in record[: s.index])
            for column, value in zip(s.frame.columns[s.index:], record[s.index:]):
                rows.append([s.title, item, column, value])
    out = io.StringIO()
    write_csv(pd.DataFrame(rows, columns=["section", "item", "column", "value"], dtype=object), out)
    return out.getvalue()


# Inside a table cell (never at the start of a line) only these make markup: code, emphasis,
# links and images, strikethrough, math ($) and the pipe that starts a new column.
MD_SPECIAL = re.compile(r"([\\`*_\[\]|~$])")


def md_escape(value) -> str:
    """Text that Markdown shows literally inside a table cell: HTML escaped, markup backslash-escaped."""
    text = " ".join(str(value).split())
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return MD_SPECIAL.sub(r"\\\1", text)


def render_markdown(figures: dict, *, title: str = "Mentor audit") -> str:
    lines = [f"# {md_escape(title)}", "", f"As of {figures['as_of']}.", ""]
    for s in sections(figures):
        lines += [f"## {md_escape(s.title)}", ""]
        if s.frame.empty:
            lines += ["(none)", ""]
        else:
            lines.append("| " + " | ".join(md_escape(c) for c in s.frame.columns) + " |")
            lines.append("|" + "|".join("---" for _ in s.frame.columns) + "|")
            for record in s.frame.itertuples(index=False, name=None):
                lines.append("| " + " | ".join(md_escape(v) for v in record) + " |")
            lines.append("")
        if s.note:
            lines += [md_escape(s.note), ""]
    return "\n".join(lines)


# --------------------------------------------------------------------------- HTML


def render_html(figures: dict, *, title: str = "Mentor audit") -> str:
    """One self-contained printable page: tables plus matplotlib charts as inline SVG images."""
    from jinja2 import Environment, PackageLoader

    env = Environment(loader=PackageLoader("mentornet", "templates"), autoescape=True,
                      trim_blocks=True, lstrip_blocks=True)
    template = env.get_template("audit.html.j2")
    return template.render(title=title, figures=figures, sections=sections(figures), charts=charts(figures))


@dataclass(frozen=True)
class Chart:
    key: str
    title: str
    data_uri: str
    description: str


def charts(figures: dict) -> list[Chart]:
    """The report's charts as ``data:image/svg+xml`` URIs (an image never runs scripts)."""
    import matplotlib

    with matplotlib.rc_context(CHART_STYLE), warnings.catch_warnings():
        # a name in a script the bundled font lacks is drawn as a box, not an error
        warnings.filterwarnings("ignore", message=r"Glyph .* missing from", category=UserWarning)
        made = [_coverage_chart(figures), _group_chart(figures), _concordance_chart(figures),
                _load_chart(figures), _mosaic_chart(figures)]
    return [c for c in made if c is not None]


CHART_STYLE = {
    "text.parse_math": False,      # data text is never read as mathtext
    "svg.fonttype": "path",        # glyphs as paths: no fonts needed offline, no text in markup
    "svg.hashsalt": "mentornet",   # identical ids on every run
    "font.size": 9,
    "axes.spines.top": False,
    "axes.spines.right": False,
}
COLOURS = ("#2b6cb0", "#dd6b20", "#38a169", "#805ad5")


def _svg(fig) -> str:
    buf = io.BytesIO()
    fig.savefig(buf, format="svg", bbox_inches="tight", metadata={"Date": None})
    return "data:image/svg+xml;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


def _figure(height: float):
    from matplotlib.figure import Figure

    fig = Figure(figsize=(7.5, height))
    return fig, fig.add_subplot()


def short(text: str, width: int = 38) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= width else text[: width - 1] + "…"


def _hbars(ax, labels: list[str], series: list[tuple[str, list[float]]], xlabel: str):
    n, m = len(labels), len(series)
    height = 0.8 / m
    y = np.arange(n)
    for j, (name, values) in enumerate(series):
        ax.barh(y - 0.4 + height * (j + 0.5), values, height=height, label=name, color=COLOURS[j % len(COLOURS)])
    ax.set_yticks(y, [short(lbl) for lbl in labels])
    ax.invert_yaxis()
    ax.set_xlim(0, 100)
    ax.set_xlabel(xlabel)
    if m > 1:
        ax.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=m, frameon=False)


def _coverage_chart(f: dict) -> Chart | None:
    cov = f["coverage"]
    fig, ax = _figure(0.5 + 0.4 * len(cov))
    labels = list(cov)
    values = [100 * (rate(c["covered"], c["needing"]) or 0) for c in cov.values()]
    _hbars(ax, labels, [("covered", values)], "% of mentees needing it who have it covered")
    for i, c in enumerate(cov.values()):
        ax.annotate(f"{c['covered']}/{c['needing']}", (values[i], i), xytext=(3, 0),
                    textcoords="offset points", va="center")
    return Chart("coverage", "Coverage by need", _svg(fig),
                 "Share of mentees with each need who have an active mentor covering it.")


def _group_chart(f: dict) -> Chart | None:
    labels, research, career, anyone = [], [], [], []
    for key, cells in f["groups"].items():
        for value, c in cells.items():
            if c.get("suppressed"):
                continue
            labels.append(f"{key}: {value}")
            research.append(100 * (rate(c["coverage"]["research"]["covered"], c["coverage"]["research"]["needing"]) or 0))
            career.append(100 * (rate(c["coverage"]["career"]["covered"], c["coverage"]["career"]["needing"]) or 0))
            anyone.append(100 * (rate(c["mentees"] - c["without_mentor"], c["mentees"]) or 0))
    if not labels:
        return None
    fig, ax = _figure(0.8 + 0.45 * len(labels))
    _hbars(ax, labels, [("any mentor", anyone), ("research covered", research), ("career covered", career)],
           "% of the group's mentees")
    return Chart("groups", "Coverage by group", _svg(fig),
                 "Suppressed groups are left out of this chart.")


def _concordance_chart(f: dict) -> Chart | None:
    labels, values = [], []
    for attr, cells in f["concordance"].items():
        for value, c in cells.items():
            if not c.get("suppressed"):
                labels.append(f"{attr}: {value}")
                values.append(100 * (c["rate"] or 0))
    if not labels:
        return None
    fig, ax = _figure(0.6 + 0.35 * len(labels))
    _hbars(ax, labels, [("concordant", values)], "% of the group with a mentor sharing their value")
    return Chart("concordance", "Identity concordance by group", _svg(fig),
                 "Suppressed groups are left out of this chart.")


def _load_chart(f: dict) -> Chart | None:
    dist = f["load_distribution"]
    fig, ax = _figure(2.6)
    ax.bar(list(dist), list(dist.values()), color=COLOURS[0])
    ax.set_xlabel("active mentees")
    ax.set_ylabel("mentors")
    ax.yaxis.get_major_locator().set_params(integer=True)
    return Chart("load_distribution", "Mentor load distribution", _svg(fig),
                 "Number of mentors by how many active mentees they have.")


def _mosaic_chart(f: dict) -> Chart | None:
    mosaic = f["mosaic"]
    fig, ax = _figure(2.4)
    ax.bar(list(mosaic), list(mosaic.values()), color=COLOURS[2])
    ax.set_xlabel("distinct active mentors")
    ax.set_ylabel("mentees")
    ax.yaxis.get_major_locator().set_params(integer=True)
    return Chart("mosaic", "Mosaic of mentors", _svg(fig), "Number of mentees by how many active mentors they have.")


# --------------------------------------------------------------------------- XLSX


ILLEGAL_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


def xlsx_cell(value):
    """A cell value a spreadsheet shows as typed: formulas neutralised, control characters dropped."""
    if hasattr(value, "item"):
        value = value.item()
    if value is None:
        return None
    if isinstance(value, (bool, int, float)):
        return value
    return neutralise(ILLEGAL_XML.sub("", str(value)))


def render_xlsx(figures: dict) -> bytes:
    """One sheet per section; every text cell is stored as text, never as a formula."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    wb.remove(wb.active)
    for s in sections(figures, full=True):
        ws = wb.create_sheet(SHEET_FORBIDDEN.sub(" ", s.title)[:31])
        ws.append([xlsx_cell(c) for c in s.frame.columns])
        for cell in ws[1]:
            cell.font = Font(bold=True)
        for record in s.frame.itertuples(index=False, name=None):
            ws.append([xlsx_cell(v) for v in record])
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell.value, str):
                    cell.data_type = "s"
        if s.note:
            ws.append([])
            ws.append([xlsx_cell(s.note)])
            ws.cell(ws.max_row, 1).data_type = "s"
        for column in ws.columns:
            width = max(len(str(c.value or "")) for c in column)
            ws.column_dimensions[column[0].column_letter].width = min(60, max(8, width + 2))
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


# --------------------------------------------------------------------------- files


def report_format(path: str | Path) -> str:
    """The report format for an output file name, from its suffix."""
    suffix = Path(path).suffix.lower()
    if suffix not in REPORT_FORMATS:
        raise DataError(Problem(str(path), "unknown report type: use a file ending in .html, .md, .json or .xlsx"))
    return REPORT_FORMATS[suffix]


def check_writable(path: str | Path) -> None:
    """Fail before any work when the report cannot be written there."""
    path = Path(path)
    parent = path.parent if str(path.parent) else Path(".")
    if not parent.is_dir():
        raise DataError(Problem(str(path), f"no such directory: {parent}"))
    if path.is_dir():
        raise DataError(Problem(str(path), "is a directory"))


def write_atomically(path: str | Path, data: bytes) -> None:
    """Write ``data`` to a temporary file beside ``path``, then rename it into place."""
    path = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent if str(path.parent) else ".")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.chmod(tmp, 0o644 & ~_umask())
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
