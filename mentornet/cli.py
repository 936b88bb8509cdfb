"""The ``mentornet`` command line: parse options, call the library, format rows, map errors.

Exit status: 0 success, 1 unexpected internal error, 2 bad input or usage,
3 database unreachable or authentication failed.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from . import __version__
from . import privacy
from .clitools import (EXIT_INPUT, MentornetGroup, analysis_options, open_source, pseudonymize_options, quiet,
                       report_warnings, say, show_identity_option, without_policy_only)
from .errors import DataError, Problem
from .output import emit, for_terminal, write_validation_json
from .referrals import with_open_gaps
from .text import match_rows, match_table, referral_table


@click.group(cls=MentornetGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="mentornet")
def main():
    """Analyse mentor networks: who lacks which kind of mentor, and who could help.

    SOURCE is a dataset directory (people.csv + relationships.csv) or a Neo4j URI.

    \b
    Example:
      mentornet gaps examples/radiology --as-of 2026-11-25
    """


@main.command()
@click.argument("source")
@analysis_options
def validate(source, *, as_of, policy, fmt, credentials):
    """Report every problem in a dataset; exit 0 when clean, 2 on errors.

    Every warning is listed (other commands show each kind once, with a count). With
    --format json the report is one JSON object on stdout: source, errors, warnings and
    each problem's file, row, column, severity and message.

    \b
    Example:
      mentornet validate examples/radiology
    """
    try:
        with open_source(source, credentials) as backend:
            found = backend.warnings(policy=policy, as_of=as_of)
    except DataError as exc:
        if fmt != "json":
            raise
        write_validation_json(source, exc.problems, for_terminal(sys.stdout))
        raise click.exceptions.Exit(EXIT_INPUT) from None
    if fmt == "json":
        write_validation_json(source, found, for_terminal(sys.stdout))
        return
    if not quiet():
        for p in found:
            say(f"warning: {p}")
    say(f"{source}: no errors ({len(found)} warning(s))")


@main.command()
@click.argument("source")
@show_identity_option
@analysis_options
@pseudonymize_options
def gaps(source, *, show_identity, as_of, policy, fmt, credentials, pz):
    """List every mentee need without an active mentor covering it.

    One row per gap: mentee_id, area (research, career, identity:<attr>), then details.

    \b
    Example:
      mentornet gaps examples/radiology --as-of 2026-11-25 --format csv
    """
    with open_source(source, credentials) as backend:
        snap = backend.snapshot(policy=policy, as_of=as_of)
        report_warnings(backend.warnings(snap), pseudonymized=pz is not None)
        rows = backend.gaps(snap)
        if not show_identity:
            (rows,), _ = without_policy_only(backend, [rows], policy)
    if pz is not None:
        rows = privacy.pseudonymize_frame(rows, pz, **privacy.GAPS)
    emit(rows, fmt, sys.stdout)


@main.command()
@click.argument("source")
@click.option("--mentee", help="Only this mentee (id).")
@click.option("--area", help="Only this need: research, career or identity:<attr>.")
@show_identity_option
@analysis_options
@pseudonymize_options
def refer(source, *, mentee, area, show_identity, as_of, policy, fmt, credentials, pz):
    """Suggest the top-k mentors for every gap, with the path of introductions.

    Candidates are ranked by hops, then shared interests (Jaccard), then room left, then id.
    A gap with no candidate is listed with the reason (column `reason` in csv/json).

    \b
    Example:
      mentornet refer examples/radiology --as-of 2026-11-25 --mentee res-alvarez
    """
    with open_source(source, credentials) as backend:
        snap = backend.snapshot(policy=policy, as_of=as_of)
        report_warnings(backend.warnings(snap), pseudonymized=pz is not None)
        rows = backend.refer(snap, mentee=mentee, area=area)
        open_gaps = backend.refer_open(snap, referrals=rows, mentee=mentee, area=area)
        if not show_identity:
            (rows, open_gaps), _ = without_policy_only(backend, [rows, open_gaps], policy)
        if pz is not None:  # a pseudonym is its own name
            rows, names = privacy.pseudonymize_frame(rows, pz, **privacy.REFER), {}
            open_gaps = privacy.pseudonymize_frame(open_gaps, pz, **privacy.OPEN_GAPS)
        else:
            names = backend.names(set(rows["path"].str.split(">").explode().dropna())
                                  | set(rows["mentee_id"]) | set(open_gaps["mentee_id"]))
    rows = with_open_gaps(rows, open_gaps)
    empty = "No gaps." if mentee is None else f"{mentee} has no gaps" + ("" if area is None else f" in {area}") + "."
    if rows.empty and fmt != "table":
        say(empty)
    emit(rows, fmt, sys.stdout, table=referral_table(lambda i: names.get(i, i), empty=empty))


@main.command()
@click.argument("source")
@show_identity_option
@analysis_options
@pseudonymize_options
def match(source, *, show_identity, as_of, policy, fmt, credentials, pz):
    """Propose one new mentor per gap for the whole committee, within mentor capacity.

    Fills as many gaps as possible, then uses the fewest total hops (min-cost max-flow).
    Every gap is one row: status `proposed` (the candidate, path, name, score, shared
    interests) or `open` (the reason it stays open).

    \b
    Example:
      mentornet match examples/radiology --as-of 2026-11-25
    """
    with open_source(source, credentials) as backend:
        snap = backend.snapshot(policy=policy, as_of=as_of)
        report_warnings(backend.warnings(snap), pseudonymized=pz is not None)
        chosen, open_gaps = backend.match(snap)
        if not show_identity:
            (chosen, open_gaps), _ = without_policy_only(backend, [chosen, open_gaps], policy)
        if pz is not None:  # a pseudonym is its own name
            chosen = privacy.pseudonymize_frame(chosen, pz, **privacy.MATCH)
            open_gaps = privacy.pseudonymize_frame(open_gaps, pz, **privacy.OPEN_GAPS)
            names = {}
        else:
            names = backend.names({i for path in chosen["path"] for i in path.split(">")} | set(open_gaps["mentee_id"]))
    rows = match_rows(chosen, open_gaps)
    emit(rows, fmt, sys.stdout, table=match_table(chosen, lambda i: names.get(i, i)))
    summary = f"{len(chosen)} gap(s) filled, {len(open_gaps)} left open"
    if fmt == "table":
        sys.stdout.write(f"\n{summary}\n")
    else:
        say(summary)


@main.command()
@click.argument("directory", type=click.Path(file_okay=False))
@click.option("--people", "n_people", type=click.IntRange(min=10), default=1000, show_default=True,
              help="Number of people.")
@click.option("--seed", type=int, default=0, show_default=True, help="Random seed (same seed, same files).")
@click.option("--force", is_flag=True, help="Overwrite people.csv/relationships.csv if present.")
def generate(directory, n_people, seed, force):
    """Write a synthetic, realistic health-system dataset to DIRECTORY.

    \b
    Example:
      mentornet generate /tmp/hospital --people 10000 --seed 7
    """
    from .files import check_directory, check_writable
    from .generate import generate_dataset

    target = Path(directory)
    files = (target / "people.csv", target / "relationships.csv")
    existing = [p for p in files if os.path.lexists(p)]  # a link, even one pointing nowhere, is there
    if existing and not force:
        raise DataError(Problem(str(existing[0]), "already exists; use --force to overwrite"))
    check_directory(target)  # before the work (mentornet.files)
    if target.is_dir():
        for path in files:
            check_writable(path, follow_links=False)
    summary = generate_dataset(target, people=n_people, seed=seed)
    say(f"wrote {target}: {summary}")


# Commands that live in their own modules are registered here.
from .cli_neo4j import finish_import, load, query  # noqa: E402
main.add_command(load); main.add_command(query); main.add_command(finish_import)
from .cli_audit import audit  # noqa: E402
main.add_command(audit)
from .cli_viz import viz  # noqa: E402
main.add_command(viz)
from .cli_plan import recruit, whatif  # noqa: E402
main.add_command(whatif); main.add_command(recruit)

if __name__ == "__main__":  # pragma: no cover
    main()
