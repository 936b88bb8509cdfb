"""Pseudonymisation: person ids and names replaced by stable salted hashes (``--pseudonymize``).

A pseudonym is ``p_`` followed by the first 12 hex digits of HMAC-SHA256(salt, id): the same
salt gives the same pseudonym in every run and every output, so exports can still be joined
with each other, while without the salt no one can tell whom a pseudonym stands for (ids are
guessable, which is why the salt must be secret and long). A person's name is replaced by
the pseudonym of their id. The salt itself is never written anywhere.

Outputs are pseudonymised after the analysis, so rankings and paths (whose ties break on
ids) are exactly those of the plain run; rows are then re-sorted on the pseudonyms, so the
order of the rows does not hint at the original ids.
"""
from __future__ import annotations

import hashlib
import hmac
import os
from collections.abc import Iterable, Mapping
from pathlib import Path

import pandas as pd

from .errors import DataError, Problem

SALT_ENV = "MENTORNET_SALT"
MIN_SALT_LENGTH = 16
PREFIX = "p_"
DIGITS = 12
MAKE_SALT = "python -c 'import secrets; print(secrets.token_hex(32))'"


def load_salt(salt_file: str | Path | None = None, environ: Mapping[str, str] | None = None) -> bytes:
    """The salt from ``salt_file`` (trailing whitespace dropped), else from ``$MENTORNET_SALT``."""
    environ = os.environ if environ is None else environ
    if salt_file is not None:
        where = str(salt_file)
        try:
            salt = Path(salt_file).read_bytes().strip()
        except OSError as exc:
            raise DataError(Problem(where, f"cannot read the salt file: {exc.strerror or exc}")) from None
    elif environ.get(SALT_ENV):
        where, salt = SALT_ENV, environ[SALT_ENV].strip().encode("utf-8")
    else:
        raise DataError(Problem(SALT_ENV, f"--pseudonymize needs a secret salt: set {SALT_ENV} or give "
                                          f"--salt-file FILE (make one with: {MAKE_SALT})"))
    if len(salt) < MIN_SALT_LENGTH:
        raise DataError(Problem(where, f"the salt is too short ({len(salt)} bytes; at least {MIN_SALT_LENGTH}, "
                                       f"e.g. from: {MAKE_SALT}); a short salt lets anyone recompute "
                                       "the pseudonyms"))
    return salt


def pseudonym(value: str, salt: bytes) -> str:
    """``p_`` + the first 12 hex digits of HMAC-SHA256(salt, value)."""
    digest = hmac.new(salt, str(value).encode("utf-8"), hashlib.sha256).hexdigest()
    return PREFIX + digest[:DIGITS]


class Pseudonymizer:
    """Maps ids to pseudonyms with one salt, remembering them (and refusing a collision)."""

    def __init__(self, salt: bytes):
        self._salt = salt
        self._known: dict[str, str] = {}
        self._owner: dict[str, str] = {}

    def __repr__(self) -> str:  # never show the salt, even in a debugger or a log
        return f"Pseudonymizer({len(self._known)} ids)"

    def id(self, value: str) -> str:
        value = str(value)
        found = self._known.get(value)
        if found is None:
            found = pseudonym(value, self._salt)
            owner = self._owner.setdefault(found, value)
            if owner != value:  # 48 bits: about one chance in 10^5 for 100,000 people
                raise RuntimeError("two ids have the same pseudonym; choose another salt")
            self._known[value] = found
        return found

    def path(self, value: str, sep: str = ">") -> str:
        """A referral path ``a>b>c`` with every id replaced."""
        return sep.join(self.id(part) for part in str(value).split(sep)) if value else value

    def ids(self, values: Iterable[str]) -> list[str]:
        return [self.id(v) for v in values]


def pseudonymize_frame(frame: pd.DataFrame, pz: Pseudonymizer, *, ids: Iterable[str] = (),
                       names: Mapping[str, str] | None = None, paths: Iterable[str] = (),
                       sort_by: list[str] | None = None) -> pd.DataFrame:
    """A copy of ``frame`` with id, path and name columns replaced (columns absent are skipped).

    ``names`` maps a name column to the id column whose pseudonym replaces it.
    ``sort_by`` re-sorts the rows on those columns afterwards (stable).
    """
    out = frame.copy()
    for col in ids:
        if col in out.columns:
            out[col] = [pz.id(v) for v in out[col]]
    for col in paths:
        if col in out.columns:
            out[col] = [pz.path(v) for v in out[col]]
    for name_col, id_col in (names or {}).items():
        if name_col in out.columns and id_col in out.columns:
            out[name_col] = out[id_col] if id_col in ids else [pz.id(v) for v in out[id_col]]
    if sort_by and not out.empty:
        out = out.sort_values([c for c in sort_by if c in out.columns], kind="mergesort", ignore_index=True)
    return out


# What each exporting command writes, and where the people are in it.
GAPS = {"ids": ["mentee_id"], "names": {"name": "mentee_id"}, "sort_by": ["mentee_id", "area"]}
REFER = {"ids": ["mentee_id", "candidate_id"], "paths": ["path"], "names": {"candidate_name": "candidate_id"},
         "sort_by": ["mentee_id", "area", "rank"]}
MATCH = {"ids": ["mentee_id", "candidate_id"], "paths": ["path"], "names": {"candidate_name": "candidate_id"},
         "sort_by": ["mentee_id", "area"]}
OPEN_GAPS = {"ids": ["mentee_id"], "sort_by": ["mentee_id", "area"]}


def pseudonymize_audit(figures: dict, pz: Pseudonymizer) -> dict:
    """Audit figures with every person id replaced (the lists of mentors, conflicts and stale pairs)."""
    out = dict(figures)
    if "mentors" in out:
        out["mentors"] = sorted(({**m, "id": pz.id(m["id"])} for m in out["mentors"]), key=lambda m: m["id"])
    if "over_capacity" in out:
        out["over_capacity"] = sorted(pz.ids(out["over_capacity"]))
    if "fragility" in out:  # a pseudonym is its own name
        out["fragility"] = sorted(({**f, "id": pz.id(f["id"]), **({"name": pz.id(f["id"])} if "name" in f else {})}
                                   for f in out["fragility"]), key=lambda f: (-f["sole_coverages"], f["id"]))
    for key in ("conflicts", "stale"):
        if key in out:
            out[key] = sorted(({**r, "mentor_id": pz.id(r["mentor_id"]), "mentee_id": pz.id(r["mentee_id"])}
                               for r in out[key]), key=lambda r: (r["mentor_id"], r["mentee_id"]))
    return out
