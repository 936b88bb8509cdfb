"""The committee view: a self-contained, offline, interactive HTML network (``viz``).

Three steps, each a function of its own:

1. :func:`view_inputs` gathers what the view shows from a backend: the people drawn, one
   connection per pair of people, gaps, referral paths and mentoring load.
2. :func:`layout_positions` places the nodes in Python (a vectorised Fruchterman-Reingold,
   per department for large views), so the browser never has to run a layout.
3. :func:`render_network` fills ``templates/network.html.j2`` (Jinja2, autoescaped) with the
   vis-network script and stylesheet that ship inside the ``pyvis`` package, inlined, and the
   data as JSON in a ``<script type="application/json">`` block that the page reads as text.

pyvis is the source of the vis-network assets only: its own template pulls Bootstrap from a
CDN and writes a ``lib/`` folder into the working directory, and its ``add_edge`` is
quadratic, so neither is used. Nothing here writes a file except :func:`write_html`.

Privacy and safety (DESIGN.md section 5): identity values enter the page only when
``show_identity`` is true. Every value from the data reaches the browser as JSON text
(``<``, ``>``, ``&``, U+2028 and U+2029 escaped) and is put on screen with ``textContent``
or drawn on the canvas, never parsed as HTML.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import json
from dataclasses import dataclass
import importlib.util
from pathlib import Path

import numpy as np
import pandas as pd

from . import analysis
from .errors import DataError, Problem
from .files import write_atomically
from .templates import template
from .model import IDENTITY_PREFIX, MENTOR_ROLES, MENTORS, ROLES, Dataset, Policy, fold, fold_values
from .policy_needs import hide_policy_only

DEFAULT_MAX_NODES = 5000
PHYSICS_MAX_NODES = 300      # above this the browser does not simulate: positions are final
GROUPED_LAYOUT_ABOVE = 400   # above this each department is laid out on its own, then packed
REPULSION_BLOCK = 1 << 18    # pairs per block of the layout's repulsion: a few of its arrays fit the cache
SPACING = 70.0               # typical distance between neighbouring nodes, in pixels
VIS_ASSETS = ("lib", "vis-9.1.2")

ROLE_COLOURS = {  # Okabe-Ito, readable by colour-blind viewers
    "student": "#CC79A7", "resident": "#56B4E9", "fellow": "#009E73",
    "faculty": "#0072B2", "alumni": "#F0E442", "external": "#8C6D31",
}
# One drawn connection per pair of people, styled by its strongest relation (lowest code).
EDGE_KINDS = ("active", "stale", "ended", "COAUTHOR", "COLLEAGUE", "KNOWS")
TIE_KINDS = ("COAUTHOR", "COLLEAGUE", "KNOWS")  # can be hidden; hidden at first above PHYSICS_MAX_NODES
EDGE_STYLES = {
    "active": {"label": "mentoring (arrow: mentor to mentee)", "color": "#2F2F2F", "width": 2.5, "dashes": False},
    "stale": {"label": "stale mentorship (not met recently)", "color": "#8A8A8A", "width": 2, "dashes": [8, 6]},
    "ended": {"label": "ended mentorship", "color": "#B0B0B0", "width": 1.5, "dashes": [2, 5]},
    "COAUTHOR": {"label": "co-authors", "color": "#74C476", "width": 1.2, "dashes": False},
    "COLLEAGUE": {"label": "colleagues", "color": "#9ECAE1", "width": 1, "dashes": False},
    "KNOWS": {"label": "acquaintances", "color": "#D0D0D0", "width": 1, "dashes": False},
}
GAP_COLOUR = "#D62728"
REFERRAL_COLOUR = "#FF8C00"


@dataclass(frozen=True)
class ViewInputs:
    """What one view shows; every table is restricted to the people drawn.

    ``people``: the dataset's people columns for those drawn, plus ``load`` and ``capacity``
    (policy default applied); with ``departed``, ``load`` is the load after the departure (the
    departed carry none) and ``load_before`` the load before it. ``relations``: one row per relationship fact between two drawn
    people, ``source, target, kind`` (a name of :data:`EDGE_KINDS`), ``focus``, ``last_met``;
    mentoring rows between one pair are merged (focus union of the rows of the best state).
    ``gaps``: ``mentee_id, area``. ``referrals``: the ``refer`` columns. ``focus_ids``: the
    people the view is about (all, a department's members, or the mentee); the others are
    drawn as context. ``subject``: a short description of the view.
    """

    people: pd.DataFrame
    relations: pd.DataFrame
    gaps: pd.DataFrame
    referrals: pd.DataFrame
    focus_ids: frozenset
    subject: str
    departed: frozenset = frozenset()  # ``--without``: people drawn greyed, leaving
    opened: pd.DataFrame | None = None  # ``--without``: ``mentee_id, area`` of the needs their departure opens


@dataclass(frozen=True)
class NetworkPage:
    """The rendered page and what it shows."""

    html: str
    people: int
    connections: int
    gaps: int
    referral_paths: int
    identity_left_out: int = 0   # policy-only identity needs left out (no show_identity)
    opened: int | None = None    # with departures (``without``): the needs they open, of the people in focus


def view_inputs(backend, *, policy: Policy, as_of: dt.date, mentee: str | None = None,
                department: str | None = None, referrals: bool = True,
                max_nodes: int = DEFAULT_MAX_NODES, without=()) -> ViewInputs:
    """Gather the people, connections, gaps and referrals of one view.

    Views: everyone; ``department`` (case-insensitive): its members, everyone with a
    mentoring row (any state) to a member, and the people on members' referral paths;
    ``mentee``: that person, their mentors (any state) and their referral paths.

    Everything comes through the backend interface (:class:`mentornet.backends.base.Backend`),
    so a Neo4j URI draws the network held in the database: the people and relationship rows
    (``people``, ``relationship_rows``), gaps, referrals and mentor load, all under one snapshot
    of the rules. A department or mentee view asks only for what it draws: the members (or the
    mentee) and their rows first, then the people, rows between them, gaps and load of those
    drawn; so a database sends a department, not the whole network. (With ``without``, the
    needs the departure opens are found for everyone, by :func:`mentornet.planning.whatif`.)

    ``without``: the departure stress test drawn (``viz --without``): those people stay on the
    page, greyed; the gaps and referrals are those after their departure
    (:meth:`Backend.without <mentornet.backends.base.Backend.without>`), and the needs it opens
    are listed in ``opened``.
    """
    if mentee is not None and department is not None:
        raise DataError(Problem("--mentee", "give either --mentee or --department, not both"))
    full = backend.snapshot(policy=policy, as_of=as_of)
    opened = None
    if without:
        from . import planning

        planning.check_ids(backend, list(without))
        opened = planning.whatif(backend, full, without)[["mentee_id", "area"]]
    snap = backend.without(full, without) if without else full

    if mentee is None and department is None:
        people = backend.people()
        _check_size(len(people), max_nodes, "the whole network")
        gaps = backend.gaps(snap)[["mentee_id", "area"]]
        refs = backend.refer(snap) if referrals else _no_referrals()
        focus = drawn = set(people["id"])
        asked = None  # everyone's load
        subject = "all people"
        relations = relation_rows(backend.relationship_rows(), policy=policy, as_of=as_of)
    else:
        # part of the network: only the people, rows, gaps and load the view draws are asked for
        if mentee is not None:
            members = backend.people([mentee])
            if members.empty:
                raise DataError(Problem("--mentee", f"no person with id {mentee!r} in the dataset"))
            refs = backend.refer(snap, mentee=mentee) if referrals else _no_referrals()
            focus = {mentee}
            rows = backend.relationship_rows(focus)
            mentoring = _mentoring(rows[rows["target"].eq(mentee).to_numpy()], policy=policy, as_of=as_of)
            drawn = focus | set(mentoring["source"]) | _path_ids(refs)  # the mentee's mentors, any state
            subject = f"mentee {_name_of(members, mentee)} ({mentee})"
        else:
            wanted = fold(department.strip())
            members = backend.people(department=wanted) if wanted else None
            if members is None or members.empty:
                raise DataError(Problem("--department", f"no one in department {department!r}; "
                                                       f"departments: {_department_list(backend.people())}"))
            focus = set(members["id"])
            # the referrals of the members' gaps only (a gap's ranking does not depend on other gaps)
            asking = sorted(set(backend.gaps(snap, mentees=focus)["mentee_id"]))
            refs = (backend.ranked_candidates(snap, limit=snap.policy.top_k, mentees=asking) if referrals and asking
                    else _no_referrals())
            # everyone with a mentoring row (any state) to or from a member
            mentoring = _mentoring(backend.relationship_rows(focus), policy=policy, as_of=as_of)
            drawn = focus | set(mentoring["source"]) | set(mentoring["target"]) | _path_ids(refs)
            subject = f"department {_common_spelling(members['department'])}"
        _check_size(len(drawn), max_nodes, subject)
        asked = drawn
        people = backend.people(drawn)
        gaps = backend.gaps(snap, mentees=drawn)[["mentee_id", "area"]]
        # a pair's fact comes from that pair's rows alone, so the rows between drawn people are enough
        relations = relation_rows(backend.relationship_rows(drawn, among=True), policy=policy, as_of=as_of)

    shown = people  # every one of them is drawn, and the relations and gaps are of them alone
    # The load the view is about: after the departure (a removed mentee frees their mentors' load;
    # the departed carry none). Those without a row have no mentee and the capacity they were given.
    load = backend.mentor_load(snap, asked)
    capacity = shown["capacity"].fillna(policy.default_capacity).astype("int64")
    shown = shown.assign(
        load=load["load"].reindex(shown["id"]).fillna(0).astype("int64").to_numpy(),
        capacity=load["capacity"].reindex(shown["id"]).fillna(pd.Series(capacity.to_numpy(), index=shown["id"]))
        .astype("int64").to_numpy())
    if without:  # what the departed carried, for their tooltip
        before = backend.mentor_load(full, asked)["load"]
        shown = shown.assign(load_before=before.reindex(shown["id"]).fillna(0).astype("int64").to_numpy())
    return ViewInputs(
        people=shown.reset_index(drop=True),
        relations=relations.reset_index(drop=True),
        gaps=gaps.reset_index(drop=True),
        referrals=refs.reset_index(drop=True),
        focus_ids=frozenset(focus),
        subject=subject + (f", without {', '.join(sorted(set(without)))}" if without else ""),
        departed=frozenset(without),
        opened=None if opened is None else opened[opened["mentee_id"].isin(drawn)].reset_index(drop=True),
    )


def _check_size(count: int, max_nodes: int, what: str) -> None:
    if count > max_nodes:
        raise DataError(Problem(
            "viz", f"{what} has {count:,} people, more than the {max_nodes:,} a browser can draw "
                   "responsively; draw part of it with --department NAME or --mentee ID "
                   "(or raise --max-nodes)"))


def _name_of(people: pd.DataFrame, pid: str) -> str:
    return str(people.loc[people["id"].eq(pid), "name"].iloc[0])


def _common_spelling(values: pd.Series) -> str:
    """The most frequent trimmed spelling (ties: the first in plain string order)."""
    counts = values.str.strip().value_counts()
    return str(counts[counts.eq(counts.max())].sort_index().index[0])


def _department_list(people: pd.DataFrame, limit: int = 20) -> str:
    named = people["department"][people["department"].str.strip().ne("")]
    names = sorted((_common_spelling(group) for _, group in named.groupby(fold_values(named.str.strip()))),
                   key=fold)
    if not names:
        return "(none given in the dataset)"
    more = f", ... ({len(names) - limit} more)" if len(names) > limit else ""
    return ", ".join(names[:limit]) + more


def _no_referrals() -> pd.DataFrame:
    from .referrals import REFER_COLUMNS

    return pd.DataFrame({c: pd.Series(dtype=object) for c in REFER_COLUMNS})


def _path_ids(refs: pd.DataFrame) -> set:
    return set(refs["path"].str.split(">").explode().dropna()) if len(refs) else set()


def _mentoring(rels: pd.DataFrame, *, policy: Policy, as_of: dt.date) -> pd.DataFrame:
    """The mentorship facts (:func:`relation_rows` of kind active, stale or ended) of ``rels``."""
    relations = relation_rows(rels, policy=policy, as_of=as_of)
    return relations[relations["kind"].isin(("active", "stale", "ended"))]


def relation_rows(rels: pd.DataFrame, *, policy: Policy, as_of: dt.date) -> pd.DataFrame:
    """Relationship rows reduced to facts: one per acquaintance (pair, type), one per mentorship.

    Columns ``source, target, kind, focus, last_met``. A mentorship's kind is ``active``,
    ``stale`` (status active, not met within ``stale_after_days``) or ``ended``; when one
    pair has rows in several states the best state is kept, with the union of its foci and
    its latest ``last_met``. Acquaintance pairs are undirected (source < target).
    """
    # a mentorship that has not started by as_of is drawn as an acquaintance (KNOWS)
    is_mentoring = rels["type"].eq(MENTORS).to_numpy() & analysis.started_mask(rels, as_of=as_of)
    ment = rels[is_mentoring]
    state = np.where(analysis.active_mask(ment, policy=policy, as_of=as_of), "active",
                     np.where(ment["status"].eq("ended"), "ended", "stale"))
    ment = ment.assign(kind=state, rank=pd.Series(state, index=ment.index).map(EDGE_KINDS.index))
    best = ment.groupby(["source", "target"], sort=False)["rank"].transform("min")
    ment = ment[ment["rank"].eq(best)]
    merged = (ment.groupby(["source", "target"], sort=False)
              .agg(kind=("kind", "first"), focus=("focus", lambda fs: tuple(sorted(set().union(*fs)))),
                   last_met=("last_met", "max"))
              .reset_index())
    ties = rels[~is_mentoring]
    a, b = ties["source"].to_numpy(), ties["target"].to_numpy()
    ties = pd.DataFrame({"source": np.where(a < b, a, b), "target": np.where(a < b, b, a),
                         "kind": ties["type"].replace({MENTORS: "KNOWS"}).to_numpy()}).drop_duplicates(ignore_index=True)
    ties = ties.assign(focus=[()] * len(ties), last_met="")
    return pd.concat([merged, ties], ignore_index=True)[["source", "target", "kind", "focus", "last_met"]]


# --------------------------------------------------------------------------- layout


def layout_positions(n: int, edges_i: np.ndarray, edges_j: np.ndarray, *, groups=None,
                     seed: int = 7) -> np.ndarray:
    """(n, 2) pixel positions: force-directed, each group (department) packed on its own."""
    edges_i, edges_j = np.asarray(edges_i, dtype=np.int64), np.asarray(edges_j, dtype=np.int64)
    if groups is None or n <= GROUPED_LAYOUT_ABOVE:
        return _to_pixels(spring_positions(n, edges_i, edges_j, seed=seed), n)
    codes, _ = pd.factorize(pd.Series(groups), sort=True)
    positions = np.zeros((n, 2))
    boxes = []
    for g in range(codes.max() + 1):
        members = np.flatnonzero(codes == g)
        local = np.full(n, -1)
        local[members] = np.arange(len(members))
        keep = (local[edges_i] >= 0) & (local[edges_j] >= 0)
        unit = spring_positions(len(members), local[edges_i[keep]], local[edges_j[keep]], seed=seed + g)
        boxes.append((members, _to_pixels(unit, len(members))))
    for members, placed in _pack(boxes):
        positions[members] = placed
    return positions


def spring_positions(n: int, edges_i: np.ndarray, edges_j: np.ndarray, *, seed: int,
                     iterations: int | None = None) -> np.ndarray:
    """Fruchterman-Reingold (the networkx ``spring_layout`` rule) in numpy, scaled to [-1, 1].

    Repulsion is computed in row blocks of about 256k pairs, in buffers made once: a block's
    arrays stay in the processor's cache (blocks of 4M pairs went to memory and took 2.3 times
    as long for 7,000 people). Each row's sums are the same whatever the block, so the positions
    do not depend on it. A weak pull to the centre keeps people without ties near the rest.
    """
    if n <= 1:
        return np.zeros((n, 2))
    rng = np.random.default_rng(seed)
    pos = rng.random((n, 2))
    k = 1.0 / np.sqrt(n)
    iterations = iterations or (50 if n <= 1500 else 30)
    temperature, cooling = 0.1, 0.1 / (iterations + 1)
    block = max(1, REPULSION_BLOCK // n)
    dx, dy, push, dy2 = (np.empty((min(block, n), n)) for _ in range(4))
    x, y = pos[:, 0], pos[:, 1]  # views: updated in place with pos
    for _ in range(iterations):
        disp = np.empty_like(pos)
        for start in range(0, n, block):
            rows = slice(start, min(start + block, n))
            size = rows.stop - start
            bx, by, bp, bq = dx[:size], dy[:size], push[:size], dy2[:size]
            np.subtract(x[rows, None], x[None, :], out=bx)
            np.subtract(y[rows, None], y[None, :], out=by)
            np.multiply(bx, bx, out=bp)  # push = k * k / max(dx * dx + dy * dy, 1e-6)
            bp += np.multiply(by, by, out=bq)
            np.divide(k * k, np.maximum(bp, 1e-6, out=bp), out=bp)
            disp[rows, 0] = np.multiply(bx, bp, out=bx).sum(axis=1)
            disp[rows, 1] = np.multiply(by, bp, out=by).sum(axis=1)
        if len(edges_i):
            delta = pos[edges_i] - pos[edges_j]
            pull = delta * (np.sqrt((delta ** 2).sum(axis=1)) / k)[:, None]
            for axis in (0, 1):
                disp[:, axis] -= np.bincount(edges_i, pull[:, axis], minlength=n)
                disp[:, axis] += np.bincount(edges_j, pull[:, axis], minlength=n)
        disp -= (pos - pos.mean(axis=0)) * (2.0 / k)
        length = np.maximum(np.sqrt((disp ** 2).sum(axis=1)), 1e-9)
        pos += disp * (np.minimum(length, temperature) / length)[:, None]
        temperature -= cooling
    pos -= pos.mean(axis=0)
    return pos / max(np.abs(pos).max(), 1e-9)


def _to_pixels(unit: np.ndarray, n: int) -> np.ndarray:
    return unit * (SPACING * np.sqrt(max(n, 1)) / 2)


def _pack(boxes):
    """Shelf-pack laid-out groups, largest first, into rows of about square total extent."""
    order = sorted(range(len(boxes)), key=lambda b: -len(boxes[b][0]))
    sides = {b: (np.ptp(boxes[b][1], axis=0) if len(boxes[b][0]) > 1 else np.zeros(2)) + 3 * SPACING
             for b in order}
    width = np.sqrt(sum(s[0] * s[1] for s in sides.values())) * 1.2
    x = y = row_height = 0.0
    for b in order:
        members, placed = boxes[b]
        w, h = sides[b]
        if x > 0 and x + w > width:
            x, y, row_height = 0.0, y + row_height, 0.0
        corner = placed.min(axis=0) if len(placed) else np.zeros(2)
        yield members, placed - corner + np.array([x, y]) + 1.5 * SPACING
        x += w
        row_height = max(row_height, h)


# --------------------------------------------------------------------------- rendering


def build_network_html(backend_or_dataset, *, policy: Policy, as_of: dt.date, mentee: str | None = None,
                       department: str | None = None, show_identity: bool = False, referrals: bool = True,
                       max_nodes: int = DEFAULT_MAX_NODES, without=()) -> str:
    """The self-contained HTML page of one view (see :func:`view_inputs` for the views)."""
    return render_network(backend_or_dataset, policy=policy, as_of=as_of, mentee=mentee,
                          department=department, show_identity=show_identity, referrals=referrals,
                          max_nodes=max_nodes, without=without).html


def render_network(backend_or_dataset, *, policy: Policy, as_of: dt.date, mentee: str | None = None,
                   department: str | None = None, show_identity: bool = False, referrals: bool = True,
                   max_nodes: int = DEFAULT_MAX_NODES, pseudonymizer=None, without=()) -> NetworkPage:
    """Like :func:`build_network_html`, with counts of what the page shows.

    With a :class:`~mentornet.privacy.Pseudonymizer`, ids and names on the page are pseudonyms.
    """
    backend = backend_or_dataset
    if isinstance(backend_or_dataset, Dataset):
        from .backends.networkx import NetworkXBackend

        backend = NetworkXBackend(backend_or_dataset)
    inputs = view_inputs(backend, policy=policy, as_of=as_of, mentee=mentee, department=department,
                         referrals=referrals, max_nodes=max_nodes, without=without)
    left_out = 0
    if not show_identity:
        (gaps, refs), left_out = hide_policy_only(backend, [inputs.gaps, inputs.referrals], policy=policy)
        opened = inputs.opened
        if opened is not None:  # each opened need is also a gap after the departure: counted above
            (opened,), _ = hide_policy_only(backend, [opened], policy=policy)
        inputs = dataclasses.replace(inputs, gaps=gaps, referrals=refs, opened=opened)
    if pseudonymizer is not None:
        inputs = pseudonymize_view(inputs, pseudonymizer, mentee=mentee)
    data = page_data(inputs, policy=policy, as_of=as_of, show_identity=show_identity,
                     highlight_ranks=policy.top_k if mentee is not None else 1)
    html = template("network.html.j2").render(
        subject=inputs.subject, as_of=as_of.isoformat(), data_json=json_for_script(data),
        vis_js=_vis_asset("vis-network.min.js"), vis_css=_vis_asset("vis-network.css"),
        roles=[(role, ROLE_COLOURS[role]) for role in ROLES],
        edge_styles=[(kind, EDGE_STYLES[kind]) for kind in EDGE_KINDS],
        gap_colour=GAP_COLOUR, referral_colour=REFERRAL_COLOUR, show_identity=show_identity,
        referrals=referrals, counts=data["counts"], highlight_ranks=data["highlight_ranks"],
        tie_kinds=TIE_KINDS, physics_max=PHYSICS_MAX_NODES, departures=data["departures"],
    )
    counts = data["counts"]
    return NetworkPage(html=html, people=counts["people"], connections=counts["connections"],
                       gaps=counts["gaps"], referral_paths=counts["referrals"], identity_left_out=left_out,
                       opened=counts["opened"] if data["departures"] else None)


def pseudonymize_view(inputs: ViewInputs, pz, *, mentee: str | None = None) -> ViewInputs:
    """The same view with every person id and name replaced by its pseudonym."""
    from .privacy import pseudonymize_frame

    subject = f"mentee {pz.id(mentee)}" if mentee is not None else inputs.subject
    return ViewInputs(
        people=pseudonymize_frame(inputs.people, pz, ids=["id"], names={"name": "id"}),
        relations=pseudonymize_frame(inputs.relations, pz, ids=["source", "target"]),
        gaps=pseudonymize_frame(inputs.gaps, pz, ids=["mentee_id"]),
        referrals=pseudonymize_frame(inputs.referrals, pz, ids=["mentee_id", "candidate_id"], paths=["path"],
                                     names={"candidate_name": "candidate_id"}),
        focus_ids=frozenset(pz.ids(inputs.focus_ids)),
        subject=subject if not inputs.departed else f"{subject.split(', without ')[0]}, without "
                + ", ".join(sorted(pz.ids(inputs.departed))),
        departed=frozenset(pz.ids(inputs.departed)),
        opened=None if inputs.opened is None else pseudonymize_frame(inputs.opened, pz, ids=["mentee_id"]),
    )


def page_data(inputs: ViewInputs, *, policy: Policy, as_of: dt.date, show_identity: bool,
              highlight_ranks: int = 1) -> dict:
    """The JSON the page reads: nodes with positions, connections and referral paths by index.

    Every referral is listed in tooltips; the paths of ranks up to ``highlight_ranks`` are
    drawn (the best candidate per gap in a broad view, all top-k for one mentee).
    """
    people = inputs.people
    ids = people["id"].tolist()
    index = {pid: i for i, pid in enumerate(ids)}
    rel = inputs.relations
    src = rel["source"].map(index).to_numpy(dtype=np.int64)
    tgt = rel["target"].map(index).to_numpy(dtype=np.int64)
    edges = _connections(src, tgt, rel)
    pairs = np.array([(e[0], e[1]) for e in edges], dtype=np.int64).reshape(-1, 2)
    xy = layout_positions(len(ids), pairs[:, 0], pairs[:, 1],
                          groups=fold_values(people["department"].str.strip()).to_numpy())

    gaps = inputs.gaps.groupby("mentee_id", sort=False)["area"].agg(list).to_dict()
    focus_gaps = inputs.gaps[inputs.gaps["mentee_id"].isin(inputs.focus_ids)]  # the sidebar's list
    # The focus people's own mentors (any state) are part of the view, not faded context.
    mentoring = rel[rel["kind"].isin(("active", "stale", "ended")) & rel["target"].isin(inputs.focus_ids)]
    own = inputs.focus_ids | set(mentoring["source"])
    opened = {} if inputs.opened is None else inputs.opened.groupby("mentee_id", sort=False)["area"].agg(list).to_dict()
    refs = inputs.referrals
    paths = []
    for row in refs.itertuples(index=False):
        paths.append({"mentee": index[row.mentee_id], "area": row.area, "rank": int(row.rank),
                      "hops": int(row.hops), "score": round(float(row.score), 4),
                      "path": [index[p] for p in row.path.split(">")]})
    suggested: dict[int, list] = {}
    for n, p in enumerate(paths):
        p["drawn"] = p["rank"] <= highlight_ranks
        suggested.setdefault(p["path"][-1], []).append(n)

    identity_cols = [c for c in people.columns if c.startswith(IDENTITY_PREFIX)] if show_identity else []
    nodes = []
    for i, row in enumerate(people.to_dict("records")):
        node = {
            "id": row["id"], "name": row["name"], "role": row["role"], "department": row["department"],
            "research": list(row["research_interests"]), "career": list(row["career_interests"]),
            "leadership": list(row["leadership"]), "mentee": bool(row["mentee"]),
            "accepting": bool(row["accepting"]), "load": int(row["load"]),
            "capacity": int(row["capacity"]), "eligible": row["role"] in MENTOR_ROLES,
            "gaps": gaps.get(row["id"], []), "suggested": suggested.get(i, []),
            "focus": row["id"] in inputs.focus_ids, "context": row["id"] not in own,
            "departed": row["id"] in inputs.departed, "opened": opened.get(row["id"], []),
            "load_before": int(row["load_before"]) if row["id"] in inputs.departed else 0,
            "x": round(float(xy[i, 0]), 1), "y": round(float(xy[i, 1]), 1),
        }
        if show_identity:
            node["identity"] = [[c[len(IDENTITY_PREFIX):], row[c]] for c in identity_cols if row[c]]
        nodes.append(node)

    return {
        "subject": inputs.subject, "as_of": as_of.isoformat(),
        "stale_after_days": policy.stale_after_days,
        "physics": len(nodes) <= PHYSICS_MAX_NODES, "highlight_ranks": highlight_ranks,
        "departures": bool(inputs.departed),
        "nodes": nodes, "edges": edges, "referrals": paths,
        "roles": ROLE_COLOURS, "edge_kinds": list(EDGE_KINDS), "edge_styles": EDGE_STYLES,
        "gap_colour": GAP_COLOUR, "referral_colour": REFERRAL_COLOUR,
        "counts": {"people": len(nodes), "connections": len(edges),
                   "mentees_with_gaps": int(focus_gaps["mentee_id"].nunique()), "gaps": int(len(focus_gaps)),
                   "referrals": len(paths), "drawn_paths": sum(p["drawn"] for p in paths),
                   "opened": sum(len(areas) for m, areas in opened.items() if m in inputs.focus_ids)},
    }


def _connections(src: np.ndarray, tgt: np.ndarray, rel: pd.DataFrame) -> list:
    """One ``[from, to, kind, facts]`` per pair of people, its kind the strongest fact.

    ``from`` is the mentor when the strongest fact is a mentorship. Each fact is
    ``[kind, from, to, focus, last_met]``.
    """
    kinds = rel["kind"].map(EDGE_KINDS.index).to_numpy()
    low, high = np.minimum(src, tgt), np.maximum(src, tgt)
    order = np.lexsort((kinds, high, low))
    focus, last_met = rel["focus"].tolist(), rel["last_met"].tolist()
    src_list, tgt_list, low_list, high_list = src.tolist(), tgt.tolist(), low.tolist(), high.tolist()
    edges: list = []
    last_key = None
    for r in order.tolist():
        key = (low_list[r], high_list[r])
        kind = EDGE_KINDS[kinds[r]]
        fact = [kind, src_list[r], tgt_list[r], list(focus[r]), last_met[r]]
        if key != last_key:
            edges.append([src_list[r], tgt_list[r], kind, [fact]])
            last_key = key
        else:
            edges[-1][3].append(fact)
    return edges


_SCRIPT_ESCAPES = {ord("<"): "\\u003c", ord(">"): "\\u003e", ord("&"): "\\u0026",
                   0x2028: "\\u2028", 0x2029: "\\u2029"}


def json_for_script(data) -> str:
    """JSON that is safe inside ``<script type="application/json">`` (no ``</script>``, no ``<!--``)."""
    from markupsafe import Markup

    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return Markup(text.translate(_SCRIPT_ESCAPES))


def _vis_asset(name: str) -> str:
    """A vis-network file shipped inside the pyvis package, checked safe to inline."""
    from markupsafe import Markup

    spec = importlib.util.find_spec("pyvis")  # locates the package without importing it (slow)
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("the pyvis package (which ships vis-network) is not installed")
    path = Path(list(spec.submodule_search_locations)[0]).joinpath(*VIS_ASSETS, name)
    text = path.read_text(encoding="utf-8")
    if "</script" in text.lower() or "</style" in text.lower():
        raise RuntimeError(f"{name} from pyvis cannot be inlined safely")
    return Markup(text)


def write_html(path, html: str) -> Path:
    """Write ``html`` as UTF-8 to ``path`` atomically (:func:`mentornet.files.write_atomically`)."""
    path = Path(path)
    if not path.parent.is_dir():
        raise DataError(Problem(str(path), "the directory to write into does not exist"))
    return write_atomically(path, html.encode("utf-8"))
