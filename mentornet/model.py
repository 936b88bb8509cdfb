"""The dataset and the policy: plain data, no I/O.

A :class:`Dataset` holds two normalised pandas DataFrames (see :mod:`mentornet.io`
for how they are read and validated):

``people``
    ``id, name, role, department, institution, career_stage, mentee, research_interests,
    career_interests, seeks_concordance, capacity, accepting, leadership`` plus one
    ``identity.<attr>`` column per identity attribute (attribute names in lower case) and any
    unknown columns, kept as text. List columns hold tuples of trimmed strings; ``mentee`` and
    ``accepting`` are booleans with the defaults applied; ``capacity`` is a nullable integer
    (missing = policy default); an undisclosed identity value is ``""``.

``relationships``
    ``source, target, type, focus, status, since, last_met, formal, row``: ``type`` in upper
    case, ``status`` and ``focus`` items in lower case, dates as ISO text (``""`` when absent),
    ``formal`` a nullable boolean and ``row`` the row number in the input file. Every source
    and target is the id of a person in ``people``.
"""
from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field, replace
from functools import cached_property
from types import MappingProxyType
from typing import Mapping

import numpy as np
import pandas as pd

from .errors import Problem

ROLES = ("student", "resident", "fellow", "faculty", "alumni", "external")
TRAINEE_ROLES = frozenset({"student", "resident", "fellow"})
MENTOR_ROLES = frozenset({"faculty", "alumni", "external"})
MENTEE_BY_DEFAULT = TRAINEE_ROLES
MENTORS = "MENTORS"
ACQUAINTANCE_TYPES = ("COLLEAGUE", "COAUTHOR", "KNOWS")
REL_TYPES = (MENTORS,) + ACQUAINTANCE_TYPES
STATUSES = ("active", "ended")
FOCI = ("research", "career", "psychosocial", "peer", "clinical")
IDENTITY_PREFIX = "identity."
BASE_AREAS = ("research", "career")


def fold(text: str) -> str:
    """``text`` case-folded: the one folding behind every case-insensitive comparison (topics,
    identity values, departments, attribute names, enumerated values and booleans), so two
    values are the same when ``fold(a) == fold(b)``.

    Python's ``str.lower``, with the Unicode of the running Python. The Neo4j backend never folds
    in Cypher: Java 17 knows Unicode 13, so its ``toLower`` leaves letters added since (U+2C2F,
    U+A7C0, ...) as they are. ``load`` stores keys folded here (``departmentKey``,
    ``identityKey.<attr>``, ``research_lower``, ``career_lower``) and the statements compare those.
    """
    return text.lower()


def fold_values(values: pd.Series) -> pd.Series:
    """:func:`fold` of each value of a Series, worked out once per distinct value (a column of
    identity values or departments holds few): a value that is not text is folded as its ``str``,
    and a missing one (None, NaN) is None in the result (an object Series)."""
    folded = each_distinct(values, lambda v: None if pd.isna(v) else fold(v if isinstance(v, str) else str(v)))
    return pd.Series(folded, index=values.index, dtype=object)


def nul_joined(values) -> str | None:
    """``values`` joined by NUL when every one is text holding no NUL of its own, else None:
    one string in which to check them all at once, since a value starts at the start or
    after a NUL and ends before a NUL or at the end (``io._cleaned``, ``output._plain_safe_text``)."""
    try:
        joined = "\x00".join(values)
    except TypeError:  # not all text
        return None
    if joined.count("\x00") != max(len(values) - 1, 0):  # a value holds NUL itself
        return None
    return joined


def processors(at_most: int) -> int:
    """Threads a step that works in parallel uses: ``MENTORNET_THREADS`` as it is, if set (a
    whole number, 1 or more, in ASCII digits), else the processors this process may run on, at
    most ``at_most``."""
    given = os.environ.get("MENTORNET_THREADS", "").strip()
    if given.isascii() and given.isdigit() and int(given) > 0:  # '²' is a digit int() refuses
        return int(given)
    try:
        available = len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        available = os.cpu_count() or 1
    return max(1, min(available, at_most))


def each_distinct(values: pd.Series, func, dtype=object) -> np.ndarray:
    """``func(value)`` of each of ``values`` (an array of ``dtype``), computed once per distinct
    value: the texts and lists people give (identities, departments, leadership roles, the
    identities sought) repeat a lot. A missing value is passed to ``func`` too, not given
    another value's answer."""
    codes, distinct = pd.factorize(values.to_numpy(dtype=object), use_na_sentinel=False)
    found = np.empty(len(distinct), dtype=dtype)
    found[:] = [func(v) for v in distinct.tolist()]
    return found[codes]


@dataclass(frozen=True)
class Policy:
    """Tunable rules of DESIGN.md section 3, with their defaults.

    ``concordance`` maps an identity attribute (lower case) to the values (lower case) for
    which concordance is a need even when the mentee did not ask for it.
    """

    stale_after_days: int = 365
    max_hops: int = 3
    top_k: int = 3
    default_capacity: int = 3
    min_group_size: int = 5
    match_pool: int = 20
    concordance: Mapping[str, frozenset[str]] = field(
        default_factory=lambda: MappingProxyType({})
    )

    def with_(self, **changes) -> "Policy":
        return replace(self, **changes)


INT_POLICY_FIELDS = {
    "stale_after_days": 0,
    "max_hops": 1,
    "top_k": 1,
    "default_capacity": 0,
    "min_group_size": 1,
    "match_pool": 1,
}
# Largest accepted values: far beyond any real policy, and small enough that dates stay dates
# (a cutoff of as_of minus 10^9 days is before year 1) and loops stay short.
INT_POLICY_MAXIMUM = {
    "stale_after_days": 36_500,  # 100 years
    "max_hops": 100,
    "top_k": 10_000,
    "default_capacity": 1_000_000,
    "min_group_size": 1_000_000,
    "match_pool": 10_000,
}


@dataclass(frozen=True)
class Dataset:
    """People and relationships, validated and normalised; never modified in place.

    ``endpoints``: each relationship's source and target as positions in ``people`` (int64
    arrays), when the maker already knows them (:mod:`mentornet.io` finds them while it
    validates the ids); :attr:`relationship_people` looks them up otherwise.
    """

    people: pd.DataFrame
    relationships: pd.DataFrame
    source: str = ""
    warnings: tuple[Problem, ...] = ()
    endpoints: tuple[np.ndarray, np.ndarray] | None = field(default=None, repr=False, compare=False)

    @cached_property
    def relationship_people(self) -> tuple[np.ndarray, np.ndarray]:
        """(source, target): each relationship's people as positions in ``people``, so that no
        command hashes the ids of a million relationships again."""
        if self.endpoints is not None:
            return self.endpoints
        index = pd.Index(self.people["id"].to_numpy(dtype=object))
        found = []
        for column in ("source", "target"):
            codes, ids = pd.factorize(self.relationships[column].to_numpy(dtype=object))  # each id looked up once
            found.append(index.get_indexer(ids)[codes].astype(np.int64))
        return found[0], found[1]

    @cached_property
    def mentoring_rows(self) -> np.ndarray:
        """Positions of the ``MENTORS`` rows in ``relationships`` (the rows every mentorship rule
        reads: the active and stale ones of each snapshot)."""
        return np.flatnonzero(self.relationships["type"].to_numpy() == MENTORS)

    def folded_codes(self, column: str) -> tuple[np.ndarray, np.ndarray]:
        """(each person's code for the :func:`fold` of their ``column`` value, -1 when it is
        empty; the folded value of each code), codes in order of first appearance. Worked out
        once per distinct value and kept, so every rule comparing identity values or
        departments compares numbers."""
        kept = self.__dict__.setdefault("_folded_codes", {})
        if column not in kept:
            codes, distinct = pd.factorize(self.people[column].to_numpy(dtype=object))
            folded = np.empty(len(distinct), dtype=object)
            folded[:] = [fold(v) for v in distinct.tolist()]
            folded_codes, values = pd.factorize(folded)
            found = folded_codes[codes].astype(np.int64)
            found[(folded == "")[codes]] = -1
            kept[column] = (found, np.asarray(values, dtype=object))
        return kept[column]

    @cached_property
    def id_order(self) -> np.ndarray:
        """Positions of the people with their ids in plain string order (ids are distinct)."""
        return np.argsort(self.people["id"].to_numpy(dtype=object).astype(str), kind="stable")

    @cached_property
    def id_ranks(self) -> np.ndarray:
        """Each person's place in :attr:`id_order` (int64)."""
        ranks = np.empty(len(self.people), dtype=np.int64)
        ranks[self.id_order] = np.arange(len(self.people))
        return ranks

    @property
    def identity_attributes(self) -> list[str]:
        """Identity attribute names (without the prefix), in column order."""
        return [c[len(IDENTITY_PREFIX):] for c in self.people.columns if c.startswith(IDENTITY_PREFIX)]


def stale_cutoff(as_of: dt.date, policy: Policy) -> str:
    """The earliest ``last_met`` (ISO text) that still counts as active on ``as_of``."""
    return (as_of - dt.timedelta(days=policy.stale_after_days)).isoformat()
