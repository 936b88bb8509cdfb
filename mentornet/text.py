"""Human wording for terminal tables: referrals said the way a person would say them."""
from __future__ import annotations

from types import SimpleNamespace
from typing import IO, Callable

import pandas as pd

from .output import format_score, printable

YOUR = {"mentor": "your mentor", "mentee": "your mentee", "coauthor": "your co-author",
        "colleague": "your colleague", "knows": "someone you know", "former mentor": "your former mentor",
        "former mentee": "your former mentee"}
OF = {"mentor": "mentor", "mentee": "mentee", "coauthor": "co-author", "colleague": "colleague",
      "knows": "acquaintance", "former mentor": "former mentor", "former mentee": "former mentee"}


def area_phrase(area: str) -> str:
    """'research' -> 'a research mentor'; 'identity:gender' -> 'a mentor who shares their gender'."""
    if area.startswith("identity:"):
        return f"a mentor who shares their {area.split(':', 1)[1].replace('_', ' ')}"
    return f"a {area} mentor"


def referral_sentence(row, name: Callable[[str], str]) -> str:
    """'Ask Dr. Kim (fac-kim, your mentor) to introduce you to Dr. Ray (fac-ray, Dr. Kim's co-author); shares: ai'."""
    path = row.path.split(">")
    ties = row.ties.split(">") if row.ties else []
    shares = f"; shares: {row.shares.replace(';', ', ')}" if row.shares else ""
    if len(path) == 2:
        return f"Contact {name(path[1])} ({path[1]}) directly ({YOUR.get(ties[0], 'connected')}){shares}"
    text = f"Ask {name(path[1])} ({path[1]}, {YOUR.get(ties[0], 'connected')}) to introduce you to "
    steps = []
    for prev, node, tie in zip(path[1:-1], path[2:], ties[1:]):
        who = f"{name(node)} ({node}, {name(prev)}'s {OF.get(tie, 'contact')})"
        steps.append(who)
    return text + ", who can introduce you to ".join(steps) + shares


def referral_table(names: Callable[[str], str], empty: str = "No gaps."):
    """A table writer for ``refer`` rows grouped by mentee and need; a gap without referrals
    (a row with a ``reason``) is one line saying why; ``empty`` when there are no gaps."""
    def write(frame: pd.DataFrame, stream: IO[str]) -> None:
        if frame.empty:
            stream.write(printable(empty) + "\n")
            return
        for (mentee, area), rows in frame.groupby(["mentee_id", "area"], sort=False):
            reason = rows["reason"].iloc[0] if "reason" in rows.columns else ""
            if reason:
                stream.write(printable(f"{names(mentee)} ({mentee}) needs {area_phrase(area)}: "
                                       f"no referral ({reason})") + "\n")
                continue
            stream.write(printable(f"{names(mentee)} ({mentee}) needs {area_phrase(area)}:") + "\n")
            for row in rows.itertuples(index=False):  # each line made printable whole: data newlines too
                stream.write(f"  {row.rank}. {printable(referral_sentence(row, names))} "
                             f"[{row.hops} hop{'s' if row.hops != 1 else ''}, score {format_score(row.score)}]\n")
    return write


PROPOSED, OPEN = "proposed", "open"


def match_rows(chosen: pd.DataFrame, open_gaps: pd.DataFrame) -> pd.DataFrame:
    """The committee's answer as one table: every gap once, sorted by mentee and area.

    A filled gap is a ``proposed`` row (candidate, hops, path, then name, score and shared
    interests); a gap left open is an ``open`` row with its ``reason`` and the candidate
    columns empty (``null`` in JSON, as is a proposed row's ``reason``). The contract's
    columns (``mentee_id,area,candidate_id,hops,path``) come first.
    """
    proposed = chosen.drop(columns=["ties"], errors="ignore").assign(status=PROPOSED, reason=None)
    left = open_gaps[["mentee_id", "area", "reason"]].assign(status=OPEN)
    frame = pd.concat([proposed.astype(object), left.astype(object)], ignore_index=True)
    frame = frame.astype(object).where(frame.notna(), None)  # empty in CSV, null in JSON
    columns = ["mentee_id", "area", "candidate_id", "hops", "path", "status", "reason", "candidate_name", "score",
               "shares"]
    order = sorted(range(len(frame)), key=lambda i: (frame["mentee_id"].iat[i], frame["area"].iat[i]))
    return frame.iloc[order].reset_index(drop=True)[columns]


def match_table(chosen: pd.DataFrame, names: Callable[[str], str]):
    """A table writer for ``match``: each gap of each mentee, its proposed mentor said as
    ``refer`` says it (name, id, who introduces whom, shared interests, hops and score) or why it
    stays open. ``chosen`` holds the ``ties`` of the proposed paths."""
    ties = {(m, a): t for m, a, t in zip(chosen["mentee_id"], chosen["area"], chosen["ties"])}

    def write(frame: pd.DataFrame, stream: IO[str]) -> None:
        if frame.empty:
            stream.write("No gaps: every mentee's needs are covered.\n")
            return
        for mentee, rows in frame.groupby("mentee_id", sort=False):
            stream.write(printable(f"{names(mentee)} ({mentee}):") + "\n")
            for row in rows.itertuples(index=False):
                need = f"needs {area_phrase(row.area)}"
                if row.status == OPEN:
                    stream.write(f"  {printable(need)}: left open, {printable(str(row.reason))}\n")
                    continue
                tied = SimpleNamespace(path=row.path, shares=row.shares,
                                       ties=ties.get((row.mentee_id, row.area), ""))
                stream.write(f"  {printable(need)}: {printable(referral_sentence(tied, names))} "
                             f"[{row.hops} hop{'s' if row.hops != 1 else ''}, score {format_score(row.score)}]\n")
    return write

