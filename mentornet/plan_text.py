"""Human wording for ``whatif`` and ``recruit`` in a terminal: each row said as advice."""
from __future__ import annotations

from typing import IO, Callable

import pandas as pd

from .output import printable
from .text import area_phrase


def _who(i: str, name: Callable[[str], str]) -> str:
    return f"{name(i)} ({i})"


def _and(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def departure_sentence(row, name: Callable[[str], str]) -> str:
    """'Dr. X (x)'s departure leaves Dr. Y (y) without a research mentor; best next step: ask ...'."""
    lost = [_who(i, name) for i in row.lost_mentor_ids.split(";")]
    whose = f"{_and(lost)}'s departure" if len(lost) == 1 else f"The departures of {_and(lost)}"
    need = area_phrase(row.area).removeprefix("a ").removeprefix("an ")
    text = f"{whose} leaves {_who(row.mentee_id, name)} without {'an' if need[0] in 'aeiou' else 'a'} {need}"
    if not row.candidate_id:
        return text + "; no one else is within reach: see `mentornet recruit`"
    path = row.path.split(">")
    if len(path) <= 2:
        return text + f"; best next step: contact {_who(row.candidate_id, name)} directly"
    chain = "".join(f", who can introduce them to {_who(i, name)}" for i in path[3:])
    return text + (f"; best next step: ask {_who(path[1], name)} to introduce "
                   f"{name(row.mentee_id)} to {_who(path[2], name)}{chain} ({row.hops} hops)")


def whatif_table(names: Callable[[str], str], summary: dict):
    def write(frame: pd.DataFrame, stream: IO[str]) -> None:
        for row in frame.itertuples(index=False):
            stream.write(printable(departure_sentence(row, names)) + "\n")
        stream.write(("\n" if len(frame) else "") + summary_line(summary) + "\n")
    return write


def summary_line(summary: dict) -> str:
    return (f"{summary['mentees_affected']} mentee(s) affected, {summary['needs_opened']} need(s) opened, "
            f"{summary['with_referral']} with a referral after the departure")


def profile_sentence(row, default_capacity: int) -> str:
    """'Radiology: a mentor for research in AI would serve 7 open gaps (3 mentors at the default capacity)'."""
    if row.area == "identity":
        attr, _, value = row.profile.partition("=")
        wanted = f"a mentor whose {attr.replace('_', ' ')} is {value}"
    elif row.profile == "*":
        wanted = f"a {row.area} mentor"
    else:
        wanted = f"a mentor for {row.area} in {row.profile}"
    department = row.department or "No department"
    gaps = f"{row.open_gaps} open gap{'s' if row.open_gaps != 1 else ''}"
    mentors = f"{row.mentors_needed} mentor{'s' if row.mentors_needed != 1 else ''}"
    return f"{department}: {wanted} would serve {gaps} ({mentors} at the default capacity of {default_capacity})"


def recruit_table(default_capacity: int, hidden: int):
    def write(frame: pd.DataFrame, stream: IO[str]) -> None:
        if frame.empty:
            stream.write("No open gaps left by match: nothing to recruit for.\n")
        for row in frame.itertuples(index=False):
            stream.write(printable(profile_sentence(row, default_capacity)) + "\n")
        if hidden:
            stream.write(hidden_line(hidden) + "\n")
    return write


def hidden_line(hidden: int) -> str:
    return (f"{hidden} identity profile(s) serving fewer mentees than min_group_size not shown "
            "(--show-identity to list them)")
