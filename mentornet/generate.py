"""Synthetic, realistic mentor-network datasets (the ``generate`` command).

:func:`generate_dataset` writes ``people.csv`` and ``relationships.csv`` in the format of
DESIGN.md section 2 for a health system of any size: departments of skewed sizes spread
over one or more institutions, trainees and faculty in realistic proportions, dense
colleague ties inside departments, co-authorship across them, and mentorships with the
untidiness real data has (stale and ended rows, duplicates, mentors over capacity, a few
leaders mentoring their own trainees, concordance asked on an undisclosed attribute).

Everything is drawn from one ``numpy.random.Generator`` seeded by ``seed`` and vectorised,
so the same seed gives byte-identical files (with the same numpy version) and 100,000
people with about a million relationships take a few seconds.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from .errors import DataError, Problem
from .files import write_atomically

PEOPLE_COLUMNS = (
    "id", "name", "role", "department", "institution", "career_stage", "mentee",
    "research_interests", "career_interests", "identity.gender", "identity.urm",
    "identity.first_gen", "seeks_concordance", "capacity", "accepting", "leadership",
)
RELATIONSHIP_COLUMNS = ("source", "target", "type", "focus", "status", "since", "last_met", "formal")

#: Dates are drawn relative to this day, so a run with ``--as-of 2026-11-25`` sees some
#: mentorships as stale (last met more than a year before) and most as active.
REFERENCE_DATE = dt.date(2026, 11, 25)

ROLES = ("student", "resident", "fellow", "faculty", "alumni", "external")
STUDENT, RESIDENT, FELLOW, FACULTY, ALUMNI, EXTERNAL = range(6)
ROLE_SHARES = (0.15, 0.25, 0.08, 0.40, 0.07, 0.05)
REL_TYPES = ("MENTORS", "COLLEAGUE", "COAUTHOR", "KNOWS")
MENTORS, COLLEAGUE, COAUTHOR, KNOWS = range(4)

# Department -> (relative size, its own research topics). Ordered by size, so a small
# dataset keeps the largest departments; Radiology is always among them.
DEPARTMENTS = {
    "Internal Medicine": (20, ("cardiology", "diabetes", "infectious-disease", "hospital-medicine",
                               "nephrology", "pulmonology", "gastroenterology", "geriatrics")),
    "Radiology": (13, ("ai-imaging", "neuroradiology", "oncology-imaging", "interventional-radiology",
                       "breast-imaging", "musculoskeletal-imaging", "cardiac-imaging",
                       "pediatric-imaging", "imaging-informatics", "imaging-physics")),
    "Surgery": (12, ("surgical-outcomes", "trauma", "transplant", "minimally-invasive-surgery",
                     "surgical-education", "vascular-surgery")),
    "Pediatrics": (10, ("neonatology", "pediatric-infectious-disease", "child-development",
                        "pediatric-oncology", "adolescent-health", "pediatric-imaging")),
    "Emergency Medicine": (7, ("resuscitation", "emergency-ultrasound", "toxicology",
                               "disaster-medicine", "sepsis")),
    "Anesthesiology": (7, ("pain-medicine", "critical-care", "regional-anesthesia",
                           "perioperative-outcomes", "patient-safety")),
    "Psychiatry": (6, ("depression", "addiction", "child-psychiatry", "psychopharmacology",
                       "physician-wellness")),
    "Neurology": (5, ("stroke", "epilepsy", "neurodegeneration", "multiple-sclerosis",
                      "neuroradiology")),
    "Obstetrics and Gynecology": (5, ("maternal-fetal-medicine", "reproductive-endocrinology",
                                      "gynecologic-oncology", "maternal-health")),
    "Family Medicine": (5, ("primary-care", "preventive-medicine", "rural-health",
                            "community-health")),
    "Oncology": (4, ("immunotherapy", "oncology-imaging", "precision-oncology", "survivorship",
                     "clinical-trials")),
    "Pathology": (3, ("digital-pathology", "molecular-pathology", "cytopathology",
                      "hematopathology", "ai-imaging")),
    "Orthopaedics": (3, ("sports-medicine", "joint-replacement", "spine", "musculoskeletal-imaging")),
    "Dermatology": (2, ("dermatopathology", "skin-cancer", "teledermatology",
                        "inflammatory-skin-disease")),
    "Radiation Oncology": (1.5, ("radiotherapy-planning", "proton-therapy", "oncology-imaging",
                                 "imaging-physics")),
    "Ophthalmology": (1.5, ("retina", "glaucoma", "ai-imaging", "ocular-oncology")),
}
GENERAL_TOPICS = ("ai", "health-equity", "medical-education", "quality-improvement",
                  "health-services-research", "global-health", "implementation-science",
                  "physician-wellness")
CAREER_TOPICS = ("academic-promotion", "private-practice", "leadership", "work-life", "teaching",
                 "research-funding", "clinical-excellence")
CAREER_WEIGHTS = (20, 9, 12, 18, 14, 13, 14)

INSTITUTIONS = ("Northlake University Hospital", "Riverbend Medical Center", "St. Agnes Hospital",
                "Cedar Hills Medical Center", "Westfield Regional Hospital",
                "Lakeshore Veterans Medical Center", "Summit County General Hospital",
                "Bayside Children's and Women's Hospital")
EXTERNAL_ORGS = ("", "Valley Radiology Associates", "Metro Imaging Partners",
                 "Coastal Community Health", "Pinecrest Medical Group", "State Health Department",
                 "Harbor Teleradiology", "Greenway Family Practice")

FEMALE_NAMES = ("Aisha", "Ana", "Chloé", "Elena", "Emily", "Fatima", "Grace", "Hannah", "Ingrid",
                "Jasmine", "Julia", "Keisha", "Laura", "Leila", "Maria", "Mei", "Nadia", "Ngozi",
                "Olivia", "Priya", "Rachel", "Rosa", "Sarah", "Sofia", "Tamara", "Yuki", "Zoë",
                "Amara", "Claire", "Deepa")
MALE_NAMES = ("Adam", "Ahmed", "Andrés", "Ben", "Carlos", "Daniel", "David", "Ethan", "Hiroshi",
              "Ibrahim", "James", "Jamal", "José", "Kwame", "Liam", "Lucas", "Marcus", "Mateo",
              "Michael", "Nikhil", "Omar", "Paul", "Rahul", "Samuel", "Søren", "Thomas", "Wei",
              "Yusuf", "Diego", "Kevin")
NEUTRAL_NAMES = ("Alex", "Avery", "Casey", "Jamie", "Jordan", "Morgan", "Quinn", "Riley", "Rowan",
                 "Sam", "Skyler", "Taylor")
LAST_NAMES = ("Adeyemi", "Ali", "Anderson", "Bauer", "Brown", "Chen", "Cohen", "Davis", "Diallo",
              "Fischer", "García", "Gupta", "Hernández", "Hoffmann", "Ito", "Jackson", "Johnson",
              "Kim", "Kowalski", "Lee", "Li", "López", "Martin", "Martínez", "Mensah", "Miller",
              "Müller", "Nakamura", "Nguyen", "Núñez", "O'Brien", "Okafor", "Park", "Patel",
              "Petrov", "Rahman", "Reyes", "Robinson", "Rossi", "Santos", "Schmidt", "Shah",
              "Singh", "Smith", "Tanaka", "Taylor", "Thompson", "Walker", "Wang", "Washington",
              "White", "Williams", "Wilson", "Wright", "Yamamoto", "Zhang")

# Per role: (female, male, nonbinary) shares, P(urm = yes), P(first_gen = yes).
GENDER_SHARES = ((0.51, 0.47, 0.02), (0.46, 0.525, 0.015), (0.43, 0.56, 0.01),
                 (0.39, 0.60, 0.01), (0.42, 0.57, 0.01), (0.36, 0.63, 0.01))
URM_SHARE = (0.19, 0.14, 0.12, 0.09, 0.11, 0.10)
FIRST_GEN_SHARE = (0.22, 0.17, 0.15, 0.12, 0.13, 0.12)
UNDISCLOSED = {"gender": 0.06, "urm": 0.11, "first_gen": 0.14}

# Per role: (career_stage values, probabilities).
CAREER_STAGES = (
    (("MS1", "MS2", "MS3", "MS4"), (0.25, 0.25, 0.25, 0.25)),
    (("PGY-1", "PGY-2", "PGY-3", "PGY-4", "PGY-5"), (0.24, 0.22, 0.2, 0.19, 0.15)),
    (("PGY-6", "PGY-7"), (0.7, 0.3)),
    (("early", "mid", "senior"), (0.36, 0.35, 0.29)),
    (("early", "mid", "senior", ""), (0.3, 0.4, 0.2, 0.1)),
    (("mid", "senior", ""), (0.4, 0.4, 0.2)),
)
# Mean number of ties of each kind a person of each role starts (the other end is drawn).
COLLEAGUE_RATE = (4.5, 7.5, 7.5, 9.0, 0.0, 0.0)
COAUTHOR_RATE = (0.3, 1.0, 2.0, 3.5, 0.0, 0.0)
KNOWS_RATE = (0.25, 0.25, 0.25, 0.25, 7.0, 6.0)
COLLEAGUE_WINDOW = 25  # "division": colleagues next to each other in the sorted department
# Number of mentors a mentee has: P(0), P(1), ... (about half of residents have none).
MENTOR_COUNT_P = {STUDENT: (0.40, 0.35, 0.17, 0.06, 0.02), RESIDENT: (0.30, 0.36, 0.22, 0.09, 0.03),
                  FELLOW: (0.25, 0.37, 0.24, 0.11, 0.03), FACULTY: (0.35, 0.40, 0.20, 0.05, 0.0)}
FOCUS_BY_FACULTY = (("research", 25), ("career", 19), ("research;career", 20),
                    ("career;psychosocial", 10), ("clinical", 8), ("research;clinical", 5),
                    ("psychosocial", 4), ("career;clinical", 4), ("", 5))
FOCUS_BY_OUTSIDER = (("career", 35), ("career;psychosocial", 25), ("psychosocial", 10),
                     ("peer", 10), ("clinical", 10), ("career;peer", 10))
# How far back a mentorship of a student, resident, fellow or faculty mentee may start.
MAX_MENTORSHIP_DAYS = (4 * 365, 5 * 365, 7 * 365, 10 * 365, 0, 0)


@dataclass(frozen=True)
class _People:
    """The columns the relationship generators need, as integer codes."""

    role: np.ndarray
    inst: np.ndarray        # institution index (internal people and alumni)
    dept: np.ndarray
    unit: np.ndarray        # inst * n_departments + dept
    stage: np.ndarray       # 0 early, 1 mid, 2 senior, -1 other (faculty only)
    leader: np.ndarray      # bool
    mentee: np.ndarray      # bool, after defaults
    capacity: np.ndarray    # explicit capacity, -1 when blank


def generate_dataset(directory, *, people: int, seed: int = 0) -> dict:
    """Write a synthetic ``people.csv`` and ``relationships.csv`` into ``directory``.

    Returns a summary: ``{"people": N, "relationships": M, "roles": {...},
    "relationship_types": {...}, "institutions": k, "departments": d}``.
    """
    if isinstance(people, bool) or not isinstance(people, (int, np.integer)) or people < 1:
        raise ValueError(f"people must be a positive integer, not {people!r}")
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ValueError(f"seed must be a non-negative integer, not {seed!r}")
    rng = np.random.default_rng(int(seed))
    n = int(people)
    departments = _department_names(n)
    institutions = INSTITUTIONS[:_institution_count(n)]
    pop, people_frame = _make_people(rng, n, departments, institutions)
    rels = _make_relationships(rng, pop, people_frame["id"].to_numpy())

    out = Path(directory)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise DataError(Problem(str(out), f"cannot make the directory: {exc.strerror or exc}")) from None
    _write_csv(people_frame, out / "people.csv")
    _write_csv(rels, out / "relationships.csv")
    type_counts = rels["type"].value_counts()
    return {
        "people": n,
        "relationships": len(rels),
        "roles": {r: int((pop.role == i).sum()) for i, r in enumerate(ROLES)},
        "relationship_types": {t: int(type_counts.get(t, 0)) for t in REL_TYPES},
        "institutions": len(institutions),
        "departments": len(departments),
    }


# --------------------------------------------------------------------------- sizes


def _department_names(n: int) -> tuple[str, ...]:
    """The largest departments, about one per 50 people (at least one, at most all)."""
    return tuple(DEPARTMENTS)[: int(np.clip(n // 50, 1, len(DEPARTMENTS)))]


def _institution_count(n: int) -> int:
    """One institution up to 20,000 people, then one more per 20,000."""
    return int(np.clip(-(-n // 20_000), 1, len(INSTITUTIONS)))


# --------------------------------------------------------------------------- people


def _make_people(rng, n, departments, institutions) -> tuple[_People, pd.DataFrame]:
    """Draw every person; return the integer codes and the ``people.csv`` frame."""
    role = rng.choice(len(ROLES), size=n, p=ROLE_SHARES)
    dept_w = np.array([DEPARTMENTS[d][0] for d in departments], dtype=float)
    dept = rng.choice(len(departments), size=n, p=dept_w / dept_w.sum())
    inst_w = 1.0 / np.arange(1, len(institutions) + 1) ** 0.7  # a flagship and smaller sites
    inst = rng.choice(len(institutions), size=n, p=inst_w / inst_w.sum())
    unit = inst * len(departments) + dept
    role = _with_faculty_in_every_unit(role, unit)

    stage_text = _choice_by_group(rng, role, CAREER_STAGES)
    stage = np.select([stage_text == "early", stage_text == "mid", stage_text == "senior"], [0, 1, 2], -1)
    stage = np.where(role == FACULTY, stage, -1)
    leadership, leader = _leadership(rng, role, unit, stage)

    gender_true = _draw_gender(rng, role)
    gender = _undisclose(rng, np.array(["female", "male", "nonbinary"], dtype=object)[gender_true], "gender")
    urm = _undisclose(rng, _yes_no(rng.random(n) < np.take(URM_SHARE, role)), "urm")
    first_gen = _undisclose(rng, _yes_no(rng.random(n) < np.take(FIRST_GEN_SHARE, role)), "first_gen")
    mentee_text = _mentee_column(rng, role, stage)
    mentee = (mentee_text == "true") | ((mentee_text == "") & (role <= FELLOW))
    eligible = role >= FACULTY
    capacity = _capacity(rng, eligible, mentee)

    frame = pd.DataFrame({
        "id": _ids(n),
        "name": _names(rng, gender_true),
        "role": np.array(ROLES, dtype=object)[role],
        "department": np.array(departments, dtype=object)[dept],
        "institution": _institution_column(rng, role, inst, institutions),
        "career_stage": stage_text,
        "mentee": mentee_text,
        "research_interests": _research_interests(rng, role, dept, departments),
        "career_interests": _career_interests(rng, n),
        "identity.gender": gender,
        "identity.urm": urm,
        "identity.first_gen": first_gen,
        "seeks_concordance": _seeks_concordance(rng, mentee, gender, urm, first_gen),
        "capacity": np.where(capacity >= 0, capacity.astype(str), "").astype(object),
        "accepting": np.where(eligible, _pick(rng, n, ("true", "false", ""), (0.70, 0.12, 0.18)), ""),
        "leadership": leadership,
    }, dtype=object)
    pop = _People(role=role, inst=inst, dept=dept, unit=unit, stage=stage, leader=leader, mentee=mentee,
                  capacity=capacity)
    return pop, frame


def _with_faculty_in_every_unit(role, unit) -> np.ndarray:
    """``role`` where the first member of a department without faculty (only likely for a
    small N) becomes faculty, so that every department has a chair."""
    has_faculty = np.zeros(unit.max() + 1, dtype=bool)
    has_faculty[unit[role == FACULTY]] = True
    members = np.flatnonzero(role <= FACULTY)
    units, first = np.unique(unit[members], return_index=True)
    role = role.copy()
    role[members[first[~has_faculty[units]]]] = FACULTY
    return role


def _choice_by_group(rng, group, table) -> np.ndarray:
    """For each element, a value drawn from ``table[group]`` = (values, probabilities)."""
    out = np.empty(len(group), dtype=object)
    for g, (values, probs) in enumerate(table):
        idx = np.flatnonzero(group == g)
        out[idx] = _pick(rng, len(idx), values, probs)
    return out


def _pick(rng, size, values, probs) -> np.ndarray:
    """``size`` values drawn from ``values`` with probabilities ``probs`` (normalised)."""
    p = np.asarray(probs, dtype=float)
    return np.array(values, dtype=object)[rng.choice(len(values), size=size, p=p / p.sum())]


def _yes_no(flags) -> np.ndarray:
    return np.where(flags, "yes", "no").astype(object)


def _draw_gender(rng, role) -> np.ndarray:
    """0 female, 1 male, 2 nonbinary, with role-dependent shares."""
    cum = np.cumsum(np.array(GENDER_SHARES), axis=1)[role]
    u = rng.random(len(role))[:, None]
    return (u > cum[:, :2]).sum(axis=1)


def _undisclose(rng, values, attr) -> np.ndarray:
    """Blank out a realistic share of a self-reported identity column."""
    return np.where(rng.random(len(values)) < UNDISCLOSED[attr], "", values).astype(object)


def _ids(n) -> np.ndarray:
    width = len(str(n))
    return np.array([f"P{i:0{width}d}" for i in range(1, n + 1)], dtype=object)


def _names(rng, gender) -> np.ndarray:
    pools = [np.array(p, dtype=object) for p in (FEMALE_NAMES, MALE_NAMES, NEUTRAL_NAMES)]
    # A few nonbinary people have a gendered first name, and vice versa.
    pool_of = np.where(rng.random(len(gender)) < 0.1, rng.integers(0, 3, len(gender)), gender)
    first = np.empty(len(gender), dtype=object)
    for g, pool in enumerate(pools):
        idx = np.flatnonzero(pool_of == g)
        first[idx] = pool[rng.integers(0, len(pool), len(idx))]
    last = np.array(LAST_NAMES, dtype=object)[rng.integers(0, len(LAST_NAMES), len(gender))]
    return first + " " + last


def _institution_column(rng, role, inst, institutions) -> np.ndarray:
    """Employer: own institution; alumni often blank; external people a practice or nothing."""
    out = np.array(institutions, dtype=object)[inst]
    out[(role == ALUMNI) & (rng.random(len(role)) < 0.4)] = ""
    ext = np.flatnonzero(role == EXTERNAL)
    out[ext] = np.array(EXTERNAL_ORGS, dtype=object)[rng.integers(0, len(EXTERNAL_ORGS), len(ext))]
    return out


def _mentee_column(rng, role, stage) -> np.ndarray:
    """Mostly blank (the default applies); early-career faculty often say ``true``."""
    trainee = _pick(rng, len(role), ("", "true", "false"), (0.85, 0.12, 0.03))
    early = _pick(rng, len(role), ("true", "", "false"), (0.55, 0.35, 0.10))
    mid = _pick(rng, len(role), ("", "false", "true"), (0.85, 0.12, 0.03))
    senior = _pick(rng, len(role), ("", "false"), (0.9, 0.1))
    other = _pick(rng, len(role), ("", "false"), (0.97, 0.03))
    return np.select([role <= FELLOW, stage == 0, stage == 1, stage == 2], [trainee, early, mid, senior],
                     other).astype(object)


def _leadership(rng, role, unit, stage) -> tuple[np.ndarray, np.ndarray]:
    """One chair per department (per institution), a program director, and for larger
    departments vice chairs, associate program directors and division chiefs."""
    out = np.full(len(role), "", dtype=object)
    faculty = np.flatnonzero(role == FACULTY)
    # Senior faculty first, then mid, then early; random order within a stage.
    faculty = faculty[np.lexsort((rng.random(len(faculty)), -stage[faculty], unit[faculty]))]
    bounds = np.flatnonzero(np.diff(unit[faculty])) + 1
    for members in np.split(faculty, bounds) if len(faculty) else []:
        k = len(members)
        posts = ["chair", "program_director"]
        posts += ["vice_chair"] * min(2, k // 60)
        posts += ["associate_program_director"] * min(2, k // 80)
        posts += ["division_chief"] * min(6, k // 50)
        if k >= 60 and rng.random() < 0.3:
            posts[1] = "program_director;vice_chair"  # the vice chair for education
        for title, who in zip(posts, members):
            out[who] = title
    leader = out != ""
    return out, leader


def _research_interests(rng, role, dept, departments) -> np.ndarray:
    """1-3 distinct topics each, mostly from the person's department, some cross-cutting."""
    pools, weights = [], []
    for d in departments:
        own = DEPARTMENTS[d][1]
        topics = own + tuple(t for t in GENERAL_TOPICS if t not in own)
        pools.append(topics)
        weights.append((3.0,) * len(own) + (1.0,) * (len(topics) - len(own)))
    k = rng.choice(3, size=len(dept), p=(0.35, 0.4, 0.25)) + 1
    chosen = _distinct_picks(rng, dept, pools, weights, k=k)
    empty = rng.random(len(dept)) < np.where(role == STUDENT, 0.15, 0.04)
    chosen[empty] = ""
    return chosen


def _career_interests(rng, n) -> np.ndarray:
    k = rng.choice(3, size=n, p=(0.4, 0.4, 0.2)) + 1
    chosen = _distinct_picks(rng, np.zeros(n, dtype=int), [CAREER_TOPICS], [CAREER_WEIGHTS], k=k)
    chosen[rng.random(n) < 0.1] = ""
    return chosen


def _distinct_picks(rng, group, pools, weights, *, k) -> np.ndarray:
    """For each element, ``k`` distinct items of ``pools[group]`` (weighted), joined by ``;``.

    Weighted sampling without replacement by the largest ``u ** (1 / w)`` keys
    (Efraimidis-Spirakis), all rows at once.
    """
    width = max(len(p) for p in pools)
    table = np.full((len(pools), width), "", dtype=object)
    w = np.zeros((len(pools), width))
    for g, (pool, ws) in enumerate(zip(pools, weights)):
        table[g, : len(pool)] = pool
        w[g, : len(pool)] = ws
    wg = w[group]
    keys = np.where(wg > 0, rng.random(wg.shape) ** (1.0 / np.where(wg > 0, wg, 1.0)), -1.0)
    top = np.argsort(-keys, axis=1, kind="stable")[:, :3]
    rows = table[group]
    picked = [rows[np.arange(len(group)), top[:, j]] for j in range(3)]
    out = picked[0].copy()
    for j in (1, 2):
        take = k > j
        out[take] = out[take] + ";" + picked[j][take]
    return out


def _seeks_concordance(rng, mentee, gender, urm, first_gen) -> np.ndarray:
    """Some mentees ask for identity concordance, occasionally on an undisclosed attribute."""
    n = len(mentee)
    u = rng.random((3, n))
    p_gender = np.select([gender == "female", gender == "nonbinary", gender == "male"],
                         [0.30, 0.45, 0.04], 0.03)
    p_urm = np.select([urm == "yes", urm == "no"], [0.35, 0.02], 0.04)
    p_first = np.select([first_gen == "yes", first_gen == "no"], [0.15, 0.01], 0.02)
    code = (u[0] < p_gender) * 1 + (u[1] < p_urm) * 2 + (u[2] < p_first) * 4
    names = np.array(["", "gender", "urm", "gender;urm", "first_gen", "gender;first_gen",
                      "urm;first_gen", "gender;urm;first_gen"], dtype=object)
    return np.where(mentee, names[code], "").astype(object)


def _capacity(rng, eligible, mentee) -> np.ndarray:
    """An explicit capacity (0-6) for about 40% of mentor-eligible people; blank = default."""
    n = len(eligible)
    value = rng.choice(7, size=n, p=np.array([8, 15, 22, 22, 15, 10, 8]) / 100)
    value = np.where(mentee, np.minimum(value, 1), value)  # early-career faculty take few
    given = eligible & (rng.random(n) < 0.4)
    return np.where(given, value, -1)


# --------------------------------------------------------------------------- relationships


def _make_relationships(rng, pop: _People, ids: np.ndarray) -> pd.DataFrame:
    """All relationship rows, sorted by source, target and type."""
    ties = [(_colleague_pairs(rng, pop), COLLEAGUE), (_coauthor_pairs(rng, pop), COAUTHOR),
            (_knows_pairs(rng, pop), KNOWS)]
    frames = [_mentor_rows(rng, pop)]
    for (a, b), kind in ties:
        a, b = _unique_undirected(rng, a, b, len(ids))
        frames.append(_acquaintance_rows(a, b, kind))
    rows = pd.concat(frames, ignore_index=True)
    rows = rows.iloc[np.lexsort([rows[c].to_numpy() for c in ("type", "target", "source")])]
    return pd.DataFrame({
        "source": ids[rows["source"].to_numpy()],
        "target": ids[rows["target"].to_numpy()],
        "type": np.array(REL_TYPES, dtype=object)[rows["type"].to_numpy()],
        **{c: rows[c].to_numpy() for c in RELATIONSHIP_COLUMNS[3:]},
    }, dtype=object)


def _sample_in_groups(rng, members, keys, wanted) -> np.ndarray:
    """For each value in ``wanted``, a uniformly drawn element of ``members`` whose key
    equals it, or -1 when there is none. ``members`` may repeat elements (weights)."""
    order = np.argsort(keys, kind="stable")
    members, keys = members[order], keys[order]
    start = np.searchsorted(keys, wanted, side="left")
    size = np.searchsorted(keys, wanted, side="right") - start
    pos = start + np.floor(rng.random(len(wanted)) * size).astype(np.int64)
    if len(members) == 0:
        return np.full(len(wanted), -1, dtype=np.int64)
    return np.where(size > 0, members[np.minimum(pos, len(members) - 1)], -1)


def _emitters(rng, pop, rates) -> np.ndarray:
    """Person indices repeated once per tie they start (Poisson with a per-role mean)."""
    counts = rng.poisson(np.take(rates, pop.role))
    return np.repeat(np.arange(len(pop.role)), counts)


def _colleague_pairs(rng, pop):
    """Dense ties inside each department: to nearby people in a role-sorted order
    (a division or a residency class) and to anyone in the department."""
    members = np.flatnonzero(pop.role <= FACULTY)
    members = members[np.lexsort((rng.random(len(members)), pop.role[members], pop.unit[members]))]
    units = pop.unit[members]
    rank = np.empty(len(pop.role), dtype=np.int64)
    rank[members] = np.arange(len(members))
    src = _emitters(rng, pop, COLLEAGUE_RATE)
    at = rank[src]
    start = np.searchsorted(units, units[at], side="left")
    size = np.searchsorted(units, units[at], side="right") - start
    rel = at - start
    window = np.minimum(COLLEAGUE_WINDOW, np.maximum(size - 1, 1))
    step = (1 + np.floor(rng.random(len(src)) * window).astype(np.int64)) * rng.choice((-1, 1), len(src))
    near = (rel + step) % np.maximum(size, 1)
    anywhere = np.floor(rng.random(len(src)) * size).astype(np.int64)
    other = np.where(rng.random(len(src)) < 0.6, near, anywhere)
    return src, members[start + np.minimum(other, np.maximum(size - 1, 0))]


def _coauthor_pairs(rng, pop):
    """Co-authorship: a third inside the department, the rest across departments of the
    same institution or the whole system; faculty write most papers."""
    role = pop.role
    pool = np.repeat(np.arange(len(role)), np.select([role == FACULTY, role == FELLOW, role == RESIDENT],
                                                     [3, 2, 1], 0))
    src = _emitters(rng, pop, COAUTHOR_RATE)
    mode = rng.choice(3, size=len(src), p=(0.3, 0.45, 0.25))
    tgt = np.full(len(src), -1, dtype=np.int64)
    for m, key in enumerate((pop.unit, pop.inst, np.zeros_like(pop.unit))):
        sel = np.flatnonzero(mode == m)
        tgt[sel] = _sample_in_groups(rng, pool, key[pool], key[src[sel]])
    return src, tgt


def _knows_pairs(rng, pop):
    """Alumni know people of their old department, external people those of their specialty,
    and a few insiders know an alumnus or an outsider."""
    role = pop.role
    insiders = np.flatnonzero(role <= FACULTY)
    outsiders = np.flatnonzero(role >= ALUMNI)
    src = _emitters(rng, pop, KNOWS_RATE)
    r = role[src]
    local = rng.random(len(src)) < 0.7
    tgt = np.full(len(src), -1, dtype=np.int64)
    everyone = np.zeros(len(role), dtype=np.int64)
    plans = (
        ((r == ALUMNI) & local, insiders, pop.unit),
        ((r == EXTERNAL) & local, insiders, pop.dept),
        ((r >= ALUMNI) & ~local, insiders, everyone),
        (r <= FACULTY, outsiders, everyone),
    )
    for mask, pool, key in plans:
        sel = np.flatnonzero(mask)
        tgt[sel] = _sample_in_groups(rng, pool, key[pool], key[src[sel]])
    return src, tgt


def _unique_undirected(rng, a, b, n):
    """Drop missing ends, self-ties and repeats of the same unordered pair; orient randomly."""
    keep = (a >= 0) & (b >= 0) & (a != b)
    lo, hi = np.minimum(a[keep], b[keep]), np.maximum(a[keep], b[keep])
    code = np.sort(lo.astype(np.int64) * n + hi)
    code = code[np.r_[True, code[1:] != code[:-1]]] if len(code) else code
    lo, hi = code // n, code % n
    flip = rng.random(len(code)) < 0.5
    return np.where(flip, hi, lo), np.where(flip, lo, hi)


def _acquaintance_rows(a, b, kind) -> pd.DataFrame:
    blank = np.full(len(a), "", dtype=object)
    return pd.DataFrame({"source": a, "target": b, "type": np.full(len(a), kind),
                         **{c: blank for c in RELATIONSHIP_COLUMNS[3:]}})


def _mentor_pairs(rng, pop):
    """(mentor, mentee) pairs: mostly non-leader faculty of the mentee's department
    (senior faculty more often), some alumni/external people of the same specialty,
    some faculty elsewhere in the institution."""
    role, stage, n = pop.role, pop.stage, len(pop.role)
    mentees = np.flatnonzero(pop.mentee & (role <= FACULTY))
    counts = np.zeros(len(mentees), dtype=np.int64)
    for r, probs in MENTOR_COUNT_P.items():
        sel = np.flatnonzero(role[mentees] == r)
        counts[sel] = rng.choice(len(probs), size=len(sel), p=np.array(probs) / sum(probs))
    tgt = np.repeat(mentees, counts)

    plain_faculty = (role == FACULTY) & ~pop.leader
    # Senior faculty are asked more often; a stated capacity mostly reflects actual load.
    weight = np.where(pop.capacity >= 0, 2 * pop.capacity + 1, stage + 4)
    pool = np.repeat(np.arange(n), np.where(plain_faculty, weight, 0))
    senior_pool = np.repeat(np.arange(n), np.where(plain_faculty & (stage >= 1), weight, 0))
    outsiders = np.flatnonzero(role >= ALUMNI)
    everyone = np.zeros(n, dtype=np.int64)

    mode = rng.choice(3, size=len(tgt), p=(0.85, 0.08, 0.07))
    faculty_mentee = role[tgt] == FACULTY
    src = np.full(len(tgt), -1, dtype=np.int64)
    plans = (
        ((mode == 0) & ~faculty_mentee, pool, pop.unit),
        ((mode == 0) & faculty_mentee, senior_pool, pop.unit),
        (mode == 1, outsiders, pop.dept),
        (mode == 2, pool, pop.inst),
    )
    for mask, members, key in plans:
        sel = np.flatnonzero(mask)
        src[sel] = _sample_in_groups(rng, members, key[members], key[tgt[sel]])
    missing = np.flatnonzero(src < 0)                          # e.g. a department of one
    src[missing] = _sample_in_groups(rng, pool, everyone[pool], everyone[tgt[missing]])
    keep = (src >= 0) & (src != tgt)
    src, tgt = src[keep], tgt[keep]
    _, first = np.unique(src * n + tgt, return_index=True)
    first.sort()
    return src[first], tgt[first]


def _leader_conflicts(rng, pop):
    """A few leaders (about one per eight departments) mentoring a trainee of their own
    department: a warning the audit should surface."""
    leaders = np.flatnonzero(pop.leader)
    trainees = np.flatnonzero((pop.role <= FELLOW) & pop.mentee)
    n_units = len(np.unique(pop.unit[pop.role <= FACULTY]))
    k = min(len(leaders), max(1, n_units // 8))
    chosen = rng.choice(leaders, size=k, replace=False) if k else leaders[:0]
    mentee = _sample_in_groups(rng, trainees, pop.unit[trainees], pop.unit[chosen])
    keep = mentee >= 0
    return chosen[keep], mentee[keep]


def _mentor_rows(rng, pop) -> pd.DataFrame:
    """MENTORS rows with focus, status, dates and formality, plus a few duplicated rows."""
    src, tgt = _mentor_pairs(rng, pop)
    lead_src, lead_tgt = _leader_conflicts(rng, pop)
    src, tgt = np.concatenate([src, lead_src]), np.concatenate([tgt, lead_tgt])
    m = len(src)

    by_faculty = pop.role[src] == FACULTY
    focus = np.where(by_faculty, _pick(rng, m, *zip(*FOCUS_BY_FACULTY)),
                     _pick(rng, m, *zip(*FOCUS_BY_OUTSIDER)))
    ended = rng.random(m) < 0.12
    status = np.where(ended, "ended", np.where(rng.random(m) < 0.1, "", "active"))
    since, last_met = _mentorship_dates(rng, ended, np.take(MAX_MENTORSHIP_DAYS, pop.role[tgt]))
    formal = _pick(rng, m, ("true", "false", ""), (0.40, 0.35, 0.25))
    rows = pd.DataFrame({"source": src, "target": tgt, "type": np.full(m, MENTORS), "focus": focus,
                         "status": status.astype(object), "since": since, "last_met": last_met,
                         "formal": formal})
    return pd.concat([rows, _duplicates(rng, rows)], ignore_index=True)


def _mentorship_dates(rng, ended, max_days) -> tuple[np.ndarray, np.ndarray]:
    """ISO ``since`` (at most ``max_days`` before REFERENCE_DATE) and ``last_met``: most
    active pairs met within the year before REFERENCE_DATE, about 15% longer ago (stale),
    about 15% without a date."""
    m = len(ended)
    ref = np.datetime64(REFERENCE_DATE, "D")
    since = ref - np.floor(30 + rng.random(m) * (max_days - 30)).astype(np.int64)
    recent = ref - rng.integers(0, 330, m)
    old = ref - rng.integers(380, 1200, m)
    active_met = np.where(rng.random(m) < 0.82, recent, old)
    ended_met = np.minimum(since + rng.integers(90, 1500, m), ref - 30)
    last_met = np.maximum(np.where(ended, ended_met, active_met), since)
    blank = rng.random(m) < np.where(ended, 0.3, 0.15)
    since_text = np.datetime_as_string(since, unit="D").astype(object)
    met_text = np.datetime_as_string(last_met, unit="D").astype(object)
    since_text[rng.random(m) < 0.05] = ""
    met_text[blank] = ""
    return since_text, met_text


def _duplicates(rng, rows: pd.DataFrame) -> pd.DataFrame:
    """A few repeated MENTORS rows, half verbatim and half with another focus."""
    k = min(len(rows), max(2, min(50, len(rows) // 2000)))
    dup = rows.iloc[np.sort(rng.choice(len(rows), size=k, replace=False))].copy()
    refocus = np.arange(k) % 2 == 1
    new_focus = _pick(rng, int(refocus.sum()), ("career", "psychosocial", "research"), (1, 1, 1))
    dup.loc[dup.index[refocus], "focus"] = new_focus
    return dup


# --------------------------------------------------------------------------- output


def _write_csv(frame: pd.DataFrame, path: Path) -> None:
    """Write ``frame`` (all cells ``str``) as UTF-8 CSV with ``\\n`` line ends.

    Joining the cells directly is several times faster than ``DataFrame.to_csv``; it is
    used when counting separators proves no cell needs quoting, else pandas writes it.
    """
    lines = [",".join(frame.columns)]
    lines += map(",".join, zip(*(frame[c].to_numpy() for c in frame.columns)))
    text = "\n".join(lines) + "\n"
    plain = (text.count(",") == len(lines) * (frame.shape[1] - 1) and text.count("\n") == len(lines)
             and '"' not in text and "\r" not in text)
    if not plain:
        text = frame.to_csv(index=False, lineterminator="\n")
    # Atomically, and replacing a link rather than following it (mentornet.files).
    write_atomically(path, text.encode("utf-8"), follow_links=False)
