"""``mentornet whatif`` and ``mentornet recruit``: planning for departures and hiring."""
from __future__ import annotations

import sys

import click

from . import planning
from .clitools import analysis_options, open_source, report_warnings, say, show_identity_option, without_policy_only
from .errors import DataError, Problem
from .output import emit
from .plan_text import hidden_line, recruit_table, summary_line, whatif_table


@click.command()
@click.argument("source")
@click.option("--without", "without", multiple=True, metavar="ID",
              help="A person who leaves (repeatable). Removing a mentee frees their mentors' capacity.")
@click.option("--without-file", type=click.Path(dir_okay=False), metavar="FILE",
              help="A file of ids who leave, one a line.")
@click.option("--top-critical", type=click.IntRange(min=1), metavar="K",
              help="The K mentors with the most sole coverages leave (ties by id).")
@show_identity_option
@analysis_options
def whatif(source, *, without, without_file, top_critical, show_identity, as_of, policy, fmt, credentials):
    """Departure stress test: which covered needs open when people leave, and who could step in.

    One row per need of a remaining mentee that is covered now and a gap after the departure:
    mentee_id, area, lost_mentor_ids, then the best referral on the reduced network
    (candidate_id, hops, path; empty when none). A summary follows (on stderr for csv/json).

    \b
    Examples:
      mentornet whatif examples/radiology --as-of 2026-11-25 --without fac-okafor
      mentornet whatif examples/radiology --as-of 2026-11-25 --top-critical 2 --format csv
    """
    ids = list(without)
    if without_file is not None:
        ids += planning.read_id_file(without_file)
    if not ids and top_critical is None:
        raise DataError(Problem("whatif", "name who leaves: --without ID, --without-file FILE or --top-critical K"))
    with open_source(source, credentials) as backend:
        snap = backend.snapshot(policy=policy, as_of=as_of)
        report_warnings(backend.warnings(snap))
        planning.check_ids(backend, ids)
        covering = backend.covering_mentors(snap)  # asked once: top_critical and whatif both start from it
        if top_critical is not None:
            ids += planning.top_critical(backend, snap, top_critical, covering=covering)
        rows = planning.whatif(backend, snap, ids, covering=covering)
        if not show_identity:
            (rows,), _ = without_policy_only(backend, [rows], policy)
        summary = planning.whatif_summary(rows)
        names = backend.names(set(ids) | set(rows["mentee_id"]) | set(rows["path"].str.split(">").explode().dropna()))
    if fmt != "table":
        say("leaving: " + ", ".join(sorted(set(ids))))
    emit(rows, fmt, sys.stdout, table=whatif_table(lambda i: names.get(i, i), summary))
    if fmt != "table":
        say(summary_line(summary))


@click.command()
@click.argument("source")
@click.option("--top", type=click.IntRange(min=1), default=20, show_default=True, help="How many profiles to list.")
@click.option("--show-identity", is_flag=True,
              help="List identity profiles serving fewer than min_group_size mentees too.")
@analysis_options
def recruit(source, *, top, show_identity, as_of, policy, fmt, credentials):
    """Which mentor profiles the gaps match leaves open ask for, per department.

    Rows: department, area (research, career, identity), profile (an interest, * for any, or
    attr=value), open_gaps, mentees, mentors_needed (mentees / default capacity, rounded up).

    \b
    Example:
      mentornet recruit examples/radiology --as-of 2026-11-25 --top 10
    """
    with open_source(source, credentials) as backend:
        snap = backend.snapshot(policy=policy, as_of=as_of)
        report_warnings(backend.warnings(snap))
        rows = planning.recruit(backend, snap)
    shown, hidden = planning.shown_profiles(rows, min_group_size=policy.min_group_size,
                                            show_identity=show_identity, top=top)
    emit(shown, fmt, sys.stdout, table=recruit_table(policy.default_capacity, hidden))
    if fmt != "table" and hidden:
        say(hidden_line(hidden))
