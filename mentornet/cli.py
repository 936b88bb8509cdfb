"""The ``mentornet`` command line: parse options, call the library, format rows, map errors.

Exit status: 0 success, 1 unexpected internal error, 2 bad input or usage,
3 database unreachable or authentication failed.
"""
from __future__ import annotations

import datetime as dt
import functools
import os
import sys
from pathlib import Path

import click

from . import __version__
from .errors import BackendUnavailable, DataError, Problem
from .io import read_policy
from .output import FORMATS, emit
from .text import referral_table

EXIT_INTERNAL, EXIT_INPUT, EXIT_DATABASE = 1, 2, 3


class MentornetGroup(click.Group):
    """Turns library errors into one clear message and an exit status, never a traceback."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except DataError as exc:
            report_problems(exc.problems)
            ctx.exit(EXIT_INPUT)
        except BackendUnavailable as exc:
            click.echo(f"mentornet: database unavailable: {exc}", err=True)
            ctx.exit(EXIT_DATABASE)
        except (click.exceptions.Exit, click.ClickException, click.Abort):
            raise
        except KeyboardInterrupt:
            click.echo("mentornet: interrupted", err=True)
            ctx.exit(130)
        except Exception as exc:  # noqa: BLE001 - last resort: no traceback for users
            if os.environ.get("MENTORNET_DEBUG"):
                raise
            click.echo(f"mentornet: internal error: {type(exc).__name__}: {exc} "
                       "(set MENTORNET_DEBUG=1 for details)", err=True)
            ctx.exit(EXIT_INTERNAL)


def report_problems(problems: list[Problem], limit: int = 200) -> None:
    errors = [p for p in problems if p.severity == "error"]
    warnings = [p for p in problems if p.severity != "error"]
    for p in (errors + warnings)[:limit]:
        click.echo(f"{'error' if p.severity == 'error' else 'warning'}: {p}", err=True)
    if len(problems) > limit:
        click.echo(f"... and {len(problems) - limit} more", err=True)
    if errors:
        click.echo(f"mentornet: {len(errors)} error(s) in the input; nothing was written", err=True)


def report_warnings(problems) -> None:
    for p in list(problems)[:200]:
        click.echo(f"warning: {p}", err=True)
    if len(problems) > 200:
        click.echo(f"... and {len(problems) - 200} more warnings", err=True)


def parse_date(ctx, param, value):
    if value is None:
        return dt.date.today()
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date (use YYYY-MM-DD)") from None


def default_format() -> str:
    return "table" if sys.stdout.isatty() else "csv"


def analysis_options(func):
    """Options shared by every analysis command: date, policy, format and Neo4j credentials."""

    @click.option("--as-of", "as_of", callback=parse_date, metavar="YYYY-MM-DD",
                  help="Date the analysis is made for (default: today).")
    @click.option("--policy", "policy_file", type=click.Path(dir_okay=False),
                  help="TOML policy file (see README: Policy).")
    @click.option("--format", "fmt", type=click.Choice(FORMATS), default=None,
                  help="Output format (default: table on a terminal, else csv).")
    @click.option("--user", envvar="NEO4J_USERNAME", default="neo4j", show_default=True,
                  help="Neo4j user (env NEO4J_USERNAME).")
    @click.option("--database", envvar="NEO4J_DATABASE", default=None,
                  help="Neo4j database (env NEO4J_DATABASE).")
    @functools.wraps(func)
    def wrapper(*args, policy_file, fmt, user, database, **kwargs):
        kwargs["policy"] = read_policy(policy_file)
        kwargs["fmt"] = fmt or default_format()
        kwargs["credentials"] = {"user": user, "database": database}
        return func(*args, **kwargs)

    return wrapper


def open_source(source: str, credentials: dict):
    """The backend for SOURCE; the Neo4j password comes from NEO4J_PASSWORD or a prompt."""
    from .backends import is_neo4j_uri, open_backend

    if is_neo4j_uri(source):
        credentials = dict(credentials, password=neo4j_password())
    elif not Path(source).exists():
        raise DataError(Problem(source, "no such dataset directory (or give a neo4j:// or bolt:// URI)"))
    return open_backend(source, **credentials) if is_neo4j_uri(source) else open_backend(source)


def neo4j_password() -> str:
    password = os.environ.get("NEO4J_PASSWORD")
    if password is not None:
        return password
    if not sys.stdin.isatty():
        raise DataError(Problem("NEO4J_PASSWORD", "no password: set NEO4J_PASSWORD or run in a terminal"))
    return click.prompt("Neo4j password", hide_input=True, err=True)


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

    \b
    Example:
      mentornet validate examples/radiology
    """
    with open_source(source, credentials) as backend:
        found = backend.warnings(policy=policy, as_of=as_of)
    report_warnings(found)
    click.echo(f"{source}: no errors ({len(found)} warning(s))", err=True)


@main.command()
@click.argument("source")
@analysis_options
def gaps(source, *, as_of, policy, fmt, credentials):
    """List every mentee need without an active mentor covering it.

    One row per gap: mentee_id, area (research, career, identity:<attr>), then details.

    \b
    Example:
      mentornet gaps examples/radiology --as-of 2026-11-25 --format csv
    """
    with open_source(source, credentials) as backend:
        report_warnings(backend.warnings(policy=policy, as_of=as_of))
        rows = backend.gaps(policy=policy, as_of=as_of)
    emit(rows, fmt, click.get_text_stream("stdout"))


@main.command()
@click.argument("source")
@click.option("--mentee", help="Only this mentee (id).")
@click.option("--area", help="Only this need: research, career or identity:<attr>.")
@analysis_options
def refer(source, *, mentee, area, as_of, policy, fmt, credentials):
    """Suggest the top-k mentors for every gap, with the path of introductions.

    Candidates are ranked by hops, then shared interests (Jaccard), then room left, then id.

    \b
    Example:
      mentornet refer examples/radiology --as-of 2026-11-25 --mentee res-alvarez
    """
    with open_source(source, credentials) as backend:
        report_warnings(backend.warnings(policy=policy, as_of=as_of))
        rows = backend.refer(policy=policy, as_of=as_of, mentee=mentee, area=area)
        names = backend.names(set(rows["path"].str.split(">").explode().dropna()) | set(rows["mentee_id"]))
    emit(rows, fmt, click.get_text_stream("stdout"), table=referral_table(lambda i: names.get(i, i)))


@main.command()
@click.argument("source")
@analysis_options
def match(source, *, as_of, policy, fmt, credentials):
    """Propose one new mentor per gap for the whole committee, within mentor capacity.

    Fills as many gaps as possible, then uses the fewest total hops (min-cost max-flow).
    Gaps left open, with the reason, are listed after the table (on stderr for csv/json).

    \b
    Example:
      mentornet match examples/radiology --as-of 2026-11-25
    """
    with open_source(source, credentials) as backend:
        report_warnings(backend.warnings(policy=policy, as_of=as_of))
        rows, open_gaps = backend.match(policy=policy, as_of=as_of)
    out = click.get_text_stream("stdout")
    emit(rows, fmt, out)
    summary = f"{len(rows)} gap(s) filled, {len(open_gaps)} left open"
    if fmt == "table":
        out.write(f"\n{summary}\n")
        if not open_gaps.empty:
            emit(open_gaps, "table", out)
    else:
        click.echo(summary, err=True)
        for row in open_gaps.itertuples(index=False):
            click.echo(f"open: {row.mentee_id} {row.area}: {row.reason}", err=True)


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
    from .generate import generate_dataset

    target = Path(directory)
    existing = [p for p in (target / "people.csv", target / "relationships.csv") if p.exists()]
    if existing and not force:
        raise DataError(Problem(str(existing[0]), "already exists; use --force to overwrite"))
    summary = generate_dataset(target, people=n_people, seed=seed)
    click.echo(f"wrote {target}: {summary}", err=True)


if __name__ == "__main__":  # pragma: no cover
    main()
