"""The disclosure auditor (DESIGN.md section 5, issue 14): what a reader can derive from the audit.

Statistical offices protect a table with cell suppression plus an *audit*: for every hidden
cell, linear programming finds the smallest and largest value consistent with everything
published (tau-ARGUS, sdcMicro). This module does the same for the audit figures.

The model
---------
For every group key (``department``, ``role``, ``identity.<attr>`` for mentees;
``identity.<attr>`` for mentors) the people fall into one cell per value plus one
*not disclosed* cell. A mentee cell carries the counts the report publishes for groups:
``n`` (mentees), ``wm`` (without a mentor), ``g`` (gaps), the four mosaic buckets and, for
every area (``research``, ``career``, each ``identity:<attr>``), ``need`` and ``cov``; a cell
of key ``identity.<attr>`` also ``conc`` (mentees with a concordant mentor). A mentor cell
carries ``n`` (mentors). A reader knows, and the model states as linear relations:

* every figure the report publishes (group cells, concordance cells, headline totals,
  coverage by need, gaps without a candidate by need, mentor counts by identity);
* that each key's cells add up to the headline totals, in every count;
* what holds inside every cell: ``0 <= cov <= need <= n``; every mentee needs research and
  career (``need = n``); ``wm`` is mosaic bucket 0 and the buckets add up to ``n``;
  ``g`` is the sum of ``need - cov``; ``cov <= conc <= n - wm`` for the key's own attribute;
  the not-disclosed cell of ``identity.<attr>`` neither needs nor has concordance on it;
  a value the policy's ``[concordance]`` table lists needs concordance for all its members
  (the policy is public); a value that is listed at all has at least one member;
* per area, the gaps with no candidate are at most the gaps;
* sole coverage: a cell's ``sole`` (mentees with a need one mentor alone covers) is at most its
  mentees with a mentor and at most its covered needs, and at least, per area, the covered
  mentees not in mosaic buckets 2 and 3+; cells add up to ``mentees_sole_covered``. The
  per-mentor ``fragility`` counts research and career needs only, so its total is split into
  research and career pairs bounded by the headline coverage, mosaic and sole covered: all
  headline figures, so it bears on no group.

The bounds are those of the linear relaxation (HiGHS through :func:`scipy.optimize.linprog`),
rounded inwards to integers.

The rule
--------
A *sensitive* cell is a value cell with fewer than ``min_group_size`` people, or a non-empty
not-disclosed cell with fewer than ``min_group_size``. Sensitive cells are never published, and
each must stay *safe*: the interval a reader can derive for its number of people is at least
``min_group_size`` wide. While some sensitive cell is not safe (taken in key, then value
order), the published figure that costs least is hidden too: a value cell of the same key
(cost: its people; ties by value in plain string order), or, for ``identity.<attr>``, the
headline figures of the need ``identity:<attr>`` (coverage and gaps without a candidate; cost:
the mentees needing it). When nothing is left to hide, the key is withdrawn altogether (its
values are not listed). With ``--compare`` the two snapshots are modelled together and the
change of every cell (new minus old) whose size is 1 to ``min_group_size - 1`` is a sensitive
cell too; only cells of the new snapshot are hidden for it. A cell is the same in both
snapshots however each spells it (departments compare case-insensitively), and a key with no
value listed in the old snapshot had everyone in its not-disclosed cell.

Mentor identity
---------------
Mentors are listed by id (or pseudonym) with their load; by identity only their number is
published. Concordance by mentee group still says something about mentors: a group's
concordant mentees each have an active mentor of their value, who serves at most ``load`` of
them. With few mentors carrying the load, that can force a named mentor's value (three female
mentees with a concordant mentor, and one mentor with three mentees, the rest with one). For
each attribute an integer program over ``z[load, value]`` (mentors of a load having a value:
mentors of equal load are alike to a reader) finds whether all mentors of some load must have
some value, when the mentor counts alone do not say so; while one does, the concordance cells
of those values are hidden, then every concordance cell of the attribute, then its mentee
groups are withdrawn.

The auditor works on the figures, never on a backend, so both backends give identical results.
"""
from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field
from typing import Callable

import numpy as np
from scipy.sparse import coo_matrix

from .model import IDENTITY_PREFIX, Policy

SUPPRESSED = {"suppressed": True}
UNDISCLOSED = None          # the not-disclosed cell of a key, in cell addresses
MOSAIC = ("0", "1", "2", "3+")
EPS = 1e-6


# =========================================================================== the linear model


class LinearModel:
    """Variables with bounds, equalities and inequalities; min/max of one variable by HiGHS."""

    def __init__(self):
        self.index: dict[tuple, int] = {}
        self.lower: list[float] = []
        self.upper: list[float | None] = []
        self._rows: list[tuple[dict[int, float], float, bool]] = []  # (coefficients, rhs, is_equality)

    def var(self, name: tuple, lower: float = 0.0, upper: float | None = None) -> int:
        if name not in self.index:
            self.index[name] = len(self.lower)
            self.lower.append(lower)
            self.upper.append(upper)
        return self.index[name]

    def fix(self, name: tuple, value: float) -> int:
        i = self.var(name)
        self.lower[i] = self.upper[i] = float(value)
        return i

    def at_least(self, name: tuple, value: float) -> None:
        i = self.var(name)
        self.lower[i] = max(self.lower[i], float(value))

    def equal(self, coefficients: dict[int, float], rhs: float = 0.0) -> None:
        self._rows.append((coefficients, rhs, True))

    def at_most(self, coefficients: dict[int, float], rhs: float = 0.0) -> None:
        self._rows.append((coefficients, rhs, False))

    def solver(self) -> Callable[[tuple], tuple[float, float]]:
        """A function giving, for a variable name, the integer interval ``(lo, hi)`` a reader can derive.

        Published figures are constants, so the model falls apart into independent blocks
        (mostly one per key); each question is answered on its own block only.
        """
        free = [lo != hi for lo, hi in zip(self.lower, self.upper)]
        parent = list(range(len(self.lower)))

        def root(i: int) -> int:
            while parent[i] != i:
                parent[i] = parent[parent[i]]
                i = parent[i]
            return i

        for coefficients, _, _ in self._rows:
            linked = [j for j in coefficients if free[j]]
            for j in linked[1:]:
                parent[root(j)] = root(linked[0])
        blocks: dict[int, list] = {}
        for row in self._rows:
            linked = [j for j in row[0] if free[j]]
            if linked:
                blocks.setdefault(root(linked[0]), []).append(row)
        cache: dict[int, tuple] = {}

        def block(r: int) -> tuple:
            if r not in cache:
                columns = sorted({j for row in blocks.get(r, []) for j in row[0] if free[j]} | {r})
                where = {j: i for i, j in enumerate(columns)}
                parts = {True: ([], [], [], []), False: ([], [], [], [])}
                for coefficients, rhs, is_eq in blocks.get(r, []):
                    rr, cc, vv, bb = parts[is_eq]
                    for j, a in coefficients.items():
                        if free[j]:
                            rr.append(len(bb))
                            cc.append(where[j])
                            vv.append(a)
                        else:
                            rhs -= a * self.lower[j]
                    bb.append(rhs)

                def matrix(is_eq):
                    rr, cc, vv, bb = parts[is_eq]
                    if not bb:
                        return None, None
                    shape = (len(bb), len(columns))
                    return coo_matrix((vv, (rr, cc)), shape=shape).tocsr(), np.asarray(bb, dtype=float)

                cache[r] = (where, *matrix(True), *matrix(False),
                            [(self.lower[j], self.upper[j]) for j in columns])
            return cache[r]

        def interval(name: tuple) -> tuple[float, float]:
            from scipy.optimize import linprog  # 0.3 s to import: only when some cell is to be bounded

            j = self.index[name]
            if not free[j]:
                return self.lower[j], self.lower[j]
            where, a_eq, b_eq, a_ub, b_ub, bounds = block(root(j))
            ends = []
            for sign in (1.0, -1.0):
                cost = np.zeros(len(where))
                cost[where[j]] = sign
                res = linprog(cost, A_ub=a_ub, b_ub=b_ub, A_eq=a_eq, b_eq=b_eq, bounds=bounds, method="highs")
                if res.status == 3:      # unbounded
                    ends.append(-sign * math.inf)
                elif res.status != 0:
                    raise RuntimeError(f"the disclosure model has no solution ({res.message})")
                else:
                    ends.append(sign * res.fun)
            lo, hi = ends
            return (lo if lo == -math.inf else math.ceil(lo - EPS), hi if hi == math.inf else math.floor(hi + EPS))

        return interval


# =========================================================================== figures -> model


def mentee_keys(figures: dict) -> list[str]:
    return list(figures["groups"])


def identity_attrs(figures: dict) -> list[str]:
    return [k[len(IDENTITY_PREFIX):] for k in figures["groups"] if k.startswith(IDENTITY_PREFIX)]


def all_areas(figures: dict) -> list[str]:
    return ["research", "career"] + [f"identity:{a}" for a in identity_attrs(figures)]


def add_snapshot(m: LinearModel, figures: dict, concordance: dict, tag: str = "") -> None:
    """State everything ``figures`` publishes (section "The model") under variable prefix ``tag``."""
    areas = all_areas(figures)
    hidden_areas = set(figures.get("suppressed_needs", ()))
    sole = "mentees_sole_covered" in figures
    head = _headline_vars(m, figures, areas, hidden_areas, tag)
    for key, cells in figures["groups"].items():
        if not cells:      # a withdrawn key: its cells are not in the report at all
            continue
        attr = key[len(IDENTITY_PREFIX):] if key.startswith(IDENTITY_PREFIX) else None
        conc_cells = figures.get("concordance", {}).get(attr, {}) if attr else {}
        addresses = [(tag, "mentee", key, v) for v in cells] + [(tag, "mentee", key, UNDISCLOSED)]
        for address in addresses:
            value = address[3]
            cell = cells.get(value) if value is not UNDISCLOSED else None
            listed_by_policy = attr is not None and value is not UNDISCLOSED and value in concordance.get(attr, ())
            _mentee_cell(m, address, areas, attr, cell, conc_cells.get(value) if value is not UNDISCLOSED else None,
                         listed=value is not UNDISCLOSED, needs_own=listed_by_policy, sole=sole)
        for measure, total in head.items():
            coefficients = {m.var(a + (measure,)): 1.0 for a in addresses}
            coefficients[total] = coefficients.get(total, 0.0) - 1.0
            m.equal(coefficients)
    for attr, cells in figures.get("load_by_identity", {}).items():
        if not cells:
            continue
        total = m.fix((tag, "mentors"), len(figures["mentors"]))
        addresses = [(tag, "mentor", IDENTITY_PREFIX + attr, v) for v in cells]
        addresses.append((tag, "mentor", IDENTITY_PREFIX + attr, UNDISCLOSED))
        for address in addresses:
            cell = cells.get(address[3]) if address[3] is not UNDISCLOSED else None
            if cell is not None and not cell.get("suppressed"):
                m.fix(address + ("n",), cell["mentors"])
            elif address[3] is not UNDISCLOSED:
                m.at_least(address + ("n",), 1)
        coefficients = {m.var(a + ("n",)): 1.0 for a in addresses}
        coefficients[total] = -1.0
        m.equal(coefficients)


def _measures(areas: list[str], sole: bool) -> list[str]:
    return ["n", "wm", "g", *(f"mosaic{b}" for b in MOSAIC),
            *(f"need:{a}" for a in areas), *(f"cov:{a}" for a in areas), *(["sole"] if sole else [])]


def _sole_covered(m: LinearModel, v: dict[str, int], areas: list[str]) -> None:
    """Mentees with a need one mentor alone covers (``v["sole"]``), in a cell or in total: they
    have a mentor and a covered need; a covered mentee with one mentor only is one of them."""
    m.at_most({v["sole"]: 1.0, v["n"]: -1.0, v["wm"]: 1.0})
    m.at_most({v["sole"]: 1.0, **{v[f"cov:{a}"]: -1.0 for a in areas}})
    for a in areas:
        m.at_most({v[f"cov:{a}"]: 1.0, v["mosaic2"]: -1.0, v["mosaic3+"]: -1.0, v["sole"]: -1.0})


def _fragility(m: LinearModel, f: dict, head: dict[str, int], tag: str) -> None:
    """The per-mentor sole coverages count research and career needs only (audit ``_fragility``):
    their sum splits into research and career pairs, each at most the area's covered mentees,
    at least those of them with one mentor only, and at most the mentees sole covered. These
    are headline figures, always published, so the table tells nothing about a group; it is
    stated for completeness."""
    split = {}
    for a in ("research", "career"):
        pairs = split[a] = m.var((tag, "SOLE PAIRS", a))
        m.at_most({pairs: 1.0, head[f"cov:{a}"]: -1.0})
        m.at_most({head[f"cov:{a}"]: 1.0, head["mosaic2"]: -1.0, head["mosaic3+"]: -1.0, pairs: -1.0})
        m.at_most({pairs: 1.0, head["sole"]: -1.0})
    total = m.fix((tag, "SOLE PAIRS"), sum(row["sole_coverages"] for row in f["fragility"]))
    m.equal({split["research"]: 1.0, split["career"]: 1.0, total: -1.0})


def _headline_vars(m: LinearModel, f: dict, areas: list[str], hidden_areas: set[str], tag: str) -> dict[str, int]:
    """One variable per headline total (fixed when published), keyed by cell measure."""
    head = {"n": m.fix((tag, "N"), f["mentees"]), "wm": m.fix((tag, "WM"), f["mentees_without_mentor"]),
            "g": m.fix((tag, "G"), f["gaps"])}
    for b in MOSAIC:
        head[f"mosaic{b}"] = m.fix((tag, "MOSAIC", b), f["mosaic"][b])
    if "mentees_sole_covered" in f:
        head["sole"] = m.fix((tag, "SOLE"), f["mentees_sole_covered"])
    by_area = f["no_candidate"]["by_area"]
    wc_total = {}
    for a in areas:
        need, cov, wc = (tag, "NEED", a), (tag, "COV", a), (tag, "WC", a)
        if a in f["coverage"]:
            m.fix(need, f["coverage"][a]["needing"])
            m.fix(cov, f["coverage"][a]["covered"])
        elif a in hidden_areas:
            m.var(need)
            m.var(cov)
        else:                      # not listed at all: nobody needs it
            m.fix(need, 0)
            m.fix(cov, 0)
        if a in by_area:
            m.fix(wc, by_area[a]["without_candidate"])
        else:
            m.var(wc)
        # gaps with no candidate <= gaps
        m.at_most({m.index[wc]: 1.0, m.index[need]: -1.0, m.index[cov]: 1.0})
        m.at_most({m.index[cov]: 1.0, m.index[need]: -1.0})
        head[f"need:{a}"] = m.index[need]
        head[f"cov:{a}"] = m.index[cov]
        wc_total[m.index[wc]] = 1.0
    m.equal({**wc_total, m.fix((tag, "WC"), f["no_candidate"]["without_candidate"]): -1.0})
    gaps = {head[f"need:{a}"]: 1.0 for a in areas}
    for a in areas:
        gaps[head[f"cov:{a}"]] = -1.0
    gaps[head["g"]] = -1.0
    m.equal(gaps)
    if "sole" in head:
        _sole_covered(m, head, areas)
        _fragility(m, f, head, tag)
    return head


def _mentee_cell(m: LinearModel, address: tuple, areas: list[str], attr: str | None, cell: dict | None,
                 conc: dict | None, *, listed: bool, needs_own: bool, sole: bool) -> None:
    v = {measure: m.var(address + (measure,)) for measure in _measures(areas, sole)}
    n = v["n"]
    if listed:
        m.at_least(address + ("n",), 1)
    m.equal({v["wm"]: 1.0, v["mosaic0"]: -1.0})
    m.equal({**{v[f"mosaic{b}"]: 1.0 for b in MOSAIC}, n: -1.0})
    gaps = {v["g"]: -1.0}
    for a in areas:
        need, cov = v[f"need:{a}"], v[f"cov:{a}"]
        if a in ("research", "career"):
            m.equal({need: 1.0, n: -1.0})
        else:
            m.at_most({need: 1.0, n: -1.0})
        m.at_most({cov: 1.0, need: -1.0})
        gaps[need] = gaps.get(need, 0.0) + 1.0
        gaps[cov] = gaps.get(cov, 0.0) - 1.0
    m.equal(gaps)
    if sole:
        _sole_covered(m, v, areas)
    if attr is not None:
        own_need, own_cov = v[f"need:identity:{attr}"], v[f"cov:identity:{attr}"]
        if address[3] is UNDISCLOSED:
            m.equal({own_need: 1.0})
            m.equal({own_cov: 1.0})
        else:
            concordant = m.var(address + ("conc",))
            m.at_most({own_cov: 1.0, concordant: -1.0})
            m.at_most({concordant: 1.0, n: -1.0, v["wm"]: 1.0})
            if conc is not None and not conc.get("suppressed"):
                m.fix(address + ("conc",), conc["concordant"])
        if needs_own:
            m.equal({own_need: 1.0, n: -1.0})
    if cell is None or cell.get("suppressed"):
        return
    m.fix(address + ("n",), cell["mentees"])
    m.fix(address + ("wm",), cell["without_mentor"])
    m.fix(address + ("g",), cell["gaps"])
    for b in MOSAIC:
        m.fix(address + (f"mosaic{b}",), cell["mosaic"][b])
    if sole:
        m.fix(address + ("sole",), cell["sole_covered"])
    for a, c in cell["coverage"].items():
        m.fix(address + (f"need:{a}",), c["needing"])
        m.fix(address + (f"cov:{a}",), c["covered"])


# =========================================================================== the rule


@dataclass
class Hidden:
    """What is hidden beyond the raw figures: value cells, need headlines, withdrawn keys, and
    concordance cells of published groups (for mentor identity)."""

    cells: set[tuple[str, str, str]] = field(default_factory=set)   # (kind, key, value)
    areas: set[str] = field(default_factory=set)
    withdrawn: set[tuple[str, str]] = field(default_factory=set)    # (kind, key)
    concordance: set[tuple[str, str]] = field(default_factory=set)  # (attr, value)


def publish(raw: dict, hidden: Hidden) -> dict:
    """The raw (unsuppressed) figures with what ``hidden`` names taken out."""
    out = dict(raw)
    out["groups"] = {key: ({} if ("mentee", key) in hidden.withdrawn else
                           {v: SUPPRESSED if ("mentee", key, v) in hidden.cells else c for v, c in cells.items()})
                     for key, cells in raw["groups"].items()}
    out["concordance"] = {attr: ({} if ("mentee", IDENTITY_PREFIX + attr) in hidden.withdrawn else
                                 {v: SUPPRESSED if ("mentee", IDENTITY_PREFIX + attr, v) in hidden.cells
                                  or (attr, v) in hidden.concordance else c
                                  for v, c in cells.items()})
                          for attr, cells in raw["concordance"].items()}
    out["load_by_identity"] = {
        attr: ({} if ("mentor", IDENTITY_PREFIX + attr) in hidden.withdrawn else
               {v: SUPPRESSED if ("mentor", IDENTITY_PREFIX + attr, v) in hidden.cells else {"mentors": c["mentors"]}
                for v, c in cells.items()})
        for attr, cells in raw["load_by_identity"].items()}
    out["coverage"] = {a: c for a, c in raw["coverage"].items() if a not in hidden.areas}
    nc = raw["no_candidate"]
    out["no_candidate"] = {**nc, "by_area": {a: c for a, c in nc["by_area"].items() if a not in hidden.areas}}
    out["suppressed_needs"] = sorted(hidden.areas & set(raw["coverage"]))
    return out


def cell_sizes(raw: dict) -> dict[tuple, int]:
    """Every cell's true size, not-disclosed cells included: ``(kind, key, value) -> people``."""
    sizes = {}
    for key, cells in raw["groups"].items():
        for v, c in cells.items():
            sizes[("mentee", key, v)] = c["mentees"]
        if cells:   # with no value at all, "not disclosed" is everyone: the published total
            sizes[("mentee", key, UNDISCLOSED)] = raw["mentees"] - sum(c["mentees"] for c in cells.values())
    for attr, cells in raw["load_by_identity"].items():
        key = IDENTITY_PREFIX + attr
        for v, c in cells.items():
            sizes[("mentor", key, v)] = c["mentors"]
        if cells:
            sizes[("mentor", key, UNDISCLOSED)] = len(raw["mentors"]) - sum(c["mentors"] for c in cells.values())
    return sizes


def _order(cell: tuple) -> tuple:
    kind, key, value = cell
    return (kind != "mentee", key, value is not UNDISCLOSED, value or "")


def sensitive_cells(sizes: dict[tuple, int], k: int) -> list[tuple]:
    return sorted((c for c, n in sizes.items() if 0 < n < k), key=_order)


def _variable(tag: str, cell: tuple) -> tuple:
    return (tag,) + cell + ("n",)


def protect(raw: dict, *, policy: Policy, old_raw: dict | None = None, old_hidden: Hidden | None = None
            ) -> tuple[dict, Hidden]:
    """The figures to publish, and what was hidden (see the module docstring).

    ``raw`` are the audit figures with nothing suppressed. With ``old_raw`` (an earlier
    snapshot, protected on its own as ``old_hidden``) the changes between the two are
    protected too, by hiding more of the new snapshot only.
    """
    k = policy.min_group_size
    concordance = {a: set(v) for a, v in policy.concordance.items()}
    sizes = cell_sizes(raw)
    sensitive = sensitive_cells(sizes, k)
    hidden = Hidden(cells={c for c in sensitive if c[2] is not UNDISCLOSED})
    changes = [] if old_raw is None else small_changes(sizes, old_raw, k)
    primary = set(hidden.cells)
    added: list = []

    def check(state: Hidden) -> tuple[dict, tuple | None]:
        published = publish(raw, state)
        model = LinearModel()
        add_snapshot(model, published, concordance, "new")
        live = [c for c in sensitive if (c[0], c[1]) not in state.withdrawn]
        targets = {c: [_variable("new", c)] for c in live}
        if old_raw is not None:
            old_published = publish(old_raw, old_hidden or Hidden())
            add_snapshot(model, old_published, concordance, "old")
            for c, old_cell in changes:
                if (c[0], c[1]) in state.withdrawn:
                    continue
                d = model.var(("change",) + c, lower=-math.inf)
                new = model.index[_variable("new", c)]
                old = _old_cell_var(model, old_cell, old_raw, withdrawn=(c[0], c[1]) in (old_hidden or Hidden()).withdrawn)
                model.equal({d: 1.0, new: -1.0, old: 1.0})
                targets.setdefault(c, []).append(("change",) + c)
        return published, _first_unsafe(model, targets, k)

    while True:
        published, unsafe = check(hidden)
        if unsafe is None:
            break
        added.append(_hide_more(unsafe, raw, sizes, hidden))
    # Greedy steps can overshoot: give back, dearest first, every extra figure not needed.
    if not hidden.withdrawn:
        for item in sorted((a for a in added if a not in primary), key=lambda a: _cost(a, raw, sizes), reverse=True):
            trial = Hidden(cells=hidden.cells - {item}, areas=hidden.areas - {item})
            if check(trial)[1] is None:
                hidden = trial
    _protect_mentor_identity(raw, hidden)
    return {**publish(raw, hidden), "min_group_size": k}, hidden


def _cost(item, raw: dict, sizes: dict[tuple, int]) -> tuple:
    if isinstance(item, str):
        return (raw["coverage"][item]["needing"], 1, item)
    return (sizes[item], 0, item[2] or "")


def same_cell(cell: tuple) -> tuple:
    """What a cell is across two snapshots: department values compared case-insensitively
    (each snapshot spells a department as most of its people do, audit ``_group_values``)."""
    kind, key, value = cell
    return (kind, key, value.lower()) if key == "department" and value is not UNDISCLOSED else cell


def small_changes(sizes: dict[tuple, int], old_raw: dict, k: int) -> list[tuple[tuple, tuple]]:
    """``(new cell, the same cell in old_raw)`` for every cell of the new snapshot whose size
    changed by 1 to ``k - 1``, in cell order.

    The old cell is the same value however the old snapshot spells it; a value the old
    snapshot does not list had no one, and when the old snapshot lists no value of the key at
    all (or lacks the key), its not-disclosed cell was everyone: it is then ``(kind, key, None)``
    all the same, of size the old headline total.
    """
    old_sizes = cell_sizes(old_raw)
    old_of = {same_cell(c): c for c in old_sizes}
    totals = {"mentee": old_raw["mentees"], "mentor": len(old_raw["mentors"])}
    out = []
    for c in sorted(sizes, key=_order):
        old_cell = old_of.get(same_cell(c), c)
        before = old_sizes.get(old_cell, totals[c[0]] if c[2] is UNDISCLOSED else 0)
        if 0 < abs(sizes[c] - before) < k:
            out.append((c, old_cell))
    return out


def _old_cell_var(model: LinearModel, cell: tuple, old_raw: dict, *, withdrawn: bool) -> int:
    """The size variable of ``cell`` in the old snapshot as its report reads: unknown when the
    key was withdrawn; when the report lists no such value, 0, or for the not-disclosed cell of
    a key with no value listed, everyone."""
    name = _variable("old", cell)
    if name in model.index or withdrawn:
        return model.var(name)
    if cell[2] is UNDISCLOSED:
        return model.fix(name, old_raw["mentees"] if cell[0] == "mentee" else len(old_raw["mentors"]))
    return model.fix(name, 0)


def _first_unsafe(model: LinearModel, targets: dict[tuple, list[tuple]], k: int) -> tuple | None:
    interval = model.solver()
    for cell in sorted(targets, key=_order):
        for name in targets[cell]:
            lo, hi = interval(name)
            if hi - lo < k:
                return cell
    return None


def _hide_more(cell: tuple, raw: dict, sizes: dict[tuple, int], hidden: Hidden):
    """Hide the cheapest published figure that bears on ``cell`` (or withdraw its key)."""
    kind, key, _ = cell
    options = [(sizes[c], 0, c[2] or "", c) for c in sizes
               if c[0] == kind and c[1] == key and c[2] is not UNDISCLOSED and c not in hidden.cells]
    if kind == "mentee" and key.startswith(IDENTITY_PREFIX):
        area = "identity:" + key[len(IDENTITY_PREFIX):]
        if area in raw["coverage"] and area not in hidden.areas:
            options.append((raw["coverage"][area]["needing"], 1, area, area))
    if not options:
        hidden.withdrawn.add((kind, key))
        if kind == "mentee" and key.startswith(IDENTITY_PREFIX):
            hidden.areas.add("identity:" + key[len(IDENTITY_PREFIX):])
        return (kind, key)
    choice = min(options, key=lambda o: o[:3])[3]
    if isinstance(choice, str):
        hidden.areas.add(choice)
    else:
        hidden.cells.add(choice)
    return choice


# =========================================================================== mentor identity


def _protect_mentor_identity(raw: dict, hidden: Hidden) -> None:
    """Hide concordance until no named mentor's identity value can be derived (module docstring,
    "Mentor identity"): the concordance cells of the values attached, then every concordance
    cell of the attribute, then the attribute's mentee groups altogether."""
    for attr in sorted(raw["concordance"]):
        key = IDENTITY_PREFIX + attr
        while values := attached_values(publish(raw, hidden), attr):
            shown = [v for v in raw["concordance"][attr]
                     if (attr, v) not in hidden.concordance and ("mentee", key, v) not in hidden.cells]
            if any(v in shown for v in values):
                hidden.concordance |= {(attr, v) for v in values if v in shown}
            elif shown:
                hidden.concordance |= {(attr, v) for v in shown}
            else:
                hidden.withdrawn.add(("mentee", key))
                hidden.areas.add("identity:" + attr)


def attached_values(published: dict, attr: str) -> list[str]:
    """The values of ``attr`` that ``published`` gives to named mentors: in every reading
    consistent with it, all mentors of some load have that value, though the mentor counts by
    identity alone do not say so (mentors without a load too: the others may use up a count).

    A reader cannot tell apart mentors of equal load, so the unknowns are ``z[load, value]``,
    how many mentors of that load have that value (``None``: none disclosed); an integer
    program (:func:`_least`) finds the least each can be.
    """
    levels = Counter(row["load"] for row in published["mentors"])
    values = _values_of(published, attr)
    counts = _mentor_count_rows(published, attr, levels, values)
    concordance = _concordance_rows(published, attr, levels, values)
    if not concordance[0]:
        return []
    found, not_forced = [], set()
    for load in sorted(levels):
        for value in values[:-1]:
            target = (load, value)
            if value in found or target in not_forced:
                continue
            least, solution = _least(target, *_joined(counts, concordance))
            # any solution shows every (load, value) it does not fill is not forced
            not_forced |= {name for name, x in solution.items() if name[0] != "conc" and x < levels[name[0]]}
            if least == levels[load] and _least(target, *counts)[0] < levels[load]:
                found.append(value)
    return found


def _values_of(published: dict, attr: str) -> list:
    """Every value of ``attr`` the report lists, among mentees or mentors, and ``None``."""
    listed = set(published["groups"].get(IDENTITY_PREFIX + attr, {})) | set(published["load_by_identity"].get(attr, {}))
    return sorted(listed) + [None]


def _mentor_count_rows(published: dict, attr: str, levels: Counter, values: list) -> tuple[list, list, list]:
    """Each load's mentors have one value each; each value has the mentors the report gives it
    (at least one when suppressed, none when not listed)."""
    rows, low, high = [], [], []
    for level, n in levels.items():
        rows.append({(level, v): 1.0 for v in values})
        low.append(n)
        high.append(n)
    cells = published["load_by_identity"].get(attr, {})
    if cells:
        for v in values[:-1]:
            cell = cells.get(v)
            rows.append({(level, v): 1.0 for level in levels})
            if cell is None:
                low.append(0)
                high.append(0)
            elif cell.get("suppressed"):
                low.append(1)
                high.append(math.inf)
            else:
                low.append(cell["mentors"])
                high.append(cell["mentors"])
    return rows, low, high


def _concordance_rows(published: dict, attr: str, levels: Counter, values: list) -> tuple[list, list, list]:
    """A group's concordant mentees have a mentor of their value, who serves at most ``load`` of
    them (and no more than the group's mentees with a mentor). Concordant mentees are the
    published figure, or at least the group's covered concordance needs; all groups together
    have at least the covered concordance needs of the headline."""
    groups = published["groups"].get(IDENTITY_PREFIX + attr, {})
    cells = published["concordance"].get(attr, {})
    area = "identity:" + attr
    rows, low, high = [], [], []
    for v in values[:-1]:
        cell, group = cells.get(v, SUPPRESSED), groups.get(v, SUPPRESSED)
        if cell is not SUPPRESSED and not cell.get("suppressed"):
            least, cap = cell["concordant"], cell["with_mentor"]
        elif group is not SUPPRESSED and not group.get("suppressed"):
            least = group["coverage"].get(area, {}).get("covered", 0)
            cap = group["mentees"] - group["without_mentor"]
        else:
            least, cap = 0, math.inf
        rows.append({**{(level, v): float(min(level, cap)) for level in levels}, ("conc", v): -1.0})
        low.append(0)
        high.append(math.inf)
        rows.append({("conc", v): 1.0})
        low.append(least)
        high.append(math.inf)
    if area in published["coverage"] and groups:
        rows.append({("conc", v): 1.0 for v in values[:-1]})
        low.append(published["coverage"][area]["covered"])
        high.append(math.inf)
    if not any(lo > 0 for lo in low):       # nothing says any mentor has any value
        return [], [], []
    return rows, low, high


def _joined(*parts: tuple[list, list, list]) -> tuple[list, list, list]:
    return tuple(sum((p[i] for p in parts), []) for i in range(3))


def _least(target: tuple, rows: list, low: list, high: list) -> tuple[int, dict]:
    """The least ``z[target]`` over integer solutions of ``low <= rows <= high``, and a solution
    that has it.

    Solved exactly by CP-SAT on one worker (OR-Tools, which ``match`` needs too): 0.07 s to
    import, where ``scipy.optimize.milp`` took 0.3 s before its first solve. CP-SAT needs
    integer coefficients and a finite range for each unknown: the coefficients here are loads
    and counts, and every unknown is at most the largest coefficient times the sum of the
    finite bounds (each ``z`` is at most its load's mentors, a bound of one row; a group's
    concordant mentees at most the coefficients times those ``z``).
    """
    from ortools.sat.python import cp_model

    names = sorted({name for row in rows for name in row}, key=repr)
    widest = max((abs(c) for row in rows for c in row.values()), default=1)
    ceiling = int(max(1, widest) * max(1, sum(abs(b) for b in (*low, *high) if math.isfinite(b))))
    model = cp_model.CpModel()
    unknown = {name: model.NewIntVar(0, ceiling, str(i)) for i, name in enumerate(names)}
    for row, lo, hi in zip(rows, low, high):
        total = sum(_whole(c) * unknown[name] for name, c in row.items())
        if lo != -math.inf:
            model.Add(total >= _whole(lo))
        if hi != math.inf:
            model.Add(total <= _whole(hi))
    model.Minimize(unknown[target])
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.catch_sigint_signal = False  # Ctrl-C stays Python's: "interrupted", not a cut-short solve
    status = solver.Solve(model)
    if status == cp_model.INFEASIBLE:
        raise RuntimeError("the mentor identity model has no solution")
    if status != cp_model.OPTIMAL:
        raise RuntimeError(f"the mentor identity model was not solved ({solver.StatusName(status)})")
    return round(solver.ObjectiveValue()), {name: solver.Value(unknown[name]) for name in names}


def _whole(number: float) -> int:
    if number != int(number):
        raise ValueError(f"the mentor identity model has a fractional number: {number}")
    return int(number)


def unsuppressed(policy: Policy) -> Policy:
    """The policy with small-cell suppression off: figures computed with it are raw."""
    return policy.with_(min_group_size=1)


def count_hidden(figures: dict, raw: dict) -> int:
    """How many of ``raw``'s cells a report hides: group cells (suppressed, or of a withdrawn
    key) of mentees and mentors, and need headlines."""
    n = 0
    for section, published in (("groups", figures["groups"]), ("load_by_identity", figures["load_by_identity"])):
        for key, cells in raw[section].items():
            shown = published.get(key, {})
            n += sum(1 for v in cells if shown.get(v, SUPPRESSED) == SUPPRESSED)
    n += sum(1 for attr, cells in raw["concordance"].items() for v in cells
             if figures["groups"].get(IDENTITY_PREFIX + attr, {}).get(v, SUPPRESSED) != SUPPRESSED
             and figures["concordance"].get(attr, {}).get(v, SUPPRESSED) == SUPPRESSED)
    return n + sum(1 for a in raw["coverage"] if a not in figures["coverage"])


def protect_pair(raw: dict, old_raw: dict, *, policy: Policy) -> tuple[dict, dict]:
    """Both snapshots of ``--compare`` as published: the old one protected on its own, the new
    one also so that no change between them singles anyone out."""
    old, old_hidden = protect(old_raw, policy=policy)
    new, _ = protect(raw, policy=policy, old_raw=old_raw, old_hidden=old_hidden)
    return new, old
