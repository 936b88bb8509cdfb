"""What every command shares: error handling, options, sources, warnings.

Command modules (``cli.py``, ``cli_audit.py``, ``cli_viz.py``, ...) import from here, so
each command stays a few lines that call one library function.
"""
from __future__ import annotations

import datetime as dt
import functools
import os
import re
import sys
from pathlib import Path

import click

from . import policy_needs
from .errors import BackendUnavailable, DataError, Problem
from .io import read_policy
from .launch import interrupted
from .output import FORMATS, printable

EXIT_INTERNAL, EXIT_INPUT, EXIT_DATABASE = 1, 2, 3
EARLIEST_AS_OF, LATEST_AS_OF = dt.date(1900, 1, 1), dt.date(2999, 12, 31)


class MentornetGroup(click.Group):
    """Turns library errors into one clear message and an exit status, never a traceback."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except DataError as exc:
            report_problems(exc.problems)
            ctx.exit(EXIT_INPUT)
        except BackendUnavailable as exc:
            say(f"mentornet: {exc.heading}: {exc}")
            ctx.exit(EXIT_DATABASE)
        except (click.exceptions.Exit, click.ClickException, click.Abort):
            raise
        except KeyboardInterrupt as exc:  # here, or click would say "Aborted!" with exit 1
            if str(exc):  # what was under way, and how far it got (LoadInterrupted)
                say(f"mentornet: {exc}")
            interrupted()
        except Exception as exc:  # noqa: BLE001 - last resort: no traceback for users
            if os.environ.get("MENTORNET_DEBUG"):
                raise
            say(f"mentornet: internal error: {type(exc).__name__}: {exc} (set MENTORNET_DEBUG=1 for details)")
            ctx.exit(EXIT_INTERNAL)


def say(message: str) -> None:
    """One line on stderr, made :func:`printable`: every message that may quote the data comes here."""
    click.echo(printable(message), err=True)


def report_problems(problems: list[Problem], limit: int = 200) -> None:
    errors = [p for p in problems if p.severity == "error"]
    warnings = [p for p in problems if p.severity != "error"]
    for p in (errors + warnings)[:limit]:
        say(f"{'error' if p.severity == 'error' else 'warning'}: {p}")
    if len(problems) > limit:
        say(f"... and {len(problems) - limit} more")
    if errors:
        say(f"mentornet: {len(errors)} error(s) in the input; nothing was written")


WARNING_EXAMPLES = 3  # warnings of one kind shown before "... and N more like these"


def report_warnings(problems, *, pseudonymized: bool = False) -> None:
    """Warnings on stderr, each kind once with a count and a few examples (``validate`` lists
    them all); nothing under ``--quiet``; under ``--pseudonymize`` only their number, since
    they name people."""
    problems = list(problems)
    if not problems or quiet():
        return
    if pseudonymized:
        say(f"{len(problems)} warning(s) not shown because they name people (--pseudonymize); "
            "run `mentornet validate` to read them")
        return
    for kind in warning_kinds(problems):
        for p in kind[:WARNING_EXAMPLES]:
            say(f"warning: {p}")
        if len(kind) > WARNING_EXAMPLES:
            say(f"  ... and {len(kind) - WARNING_EXAMPLES} more like these")
    if any(len(kind) > WARNING_EXAMPLES for kind in warning_kinds(problems)):
        say(f"{len(problems)} warnings in all: `mentornet validate` lists every one; --quiet hides them")


def warning_kinds(problems: list[Problem]) -> list[list[Problem]]:
    """Warnings grouped by kind, in the order each kind first appears.

    The kind of a warning is its file and its message with the quoted values and the numbers
    taken out: "mentor 'a' has 5 active mentees" and "mentor 'b' has 6 ..." are one kind.
    """
    kinds: dict[tuple[str, str], list[Problem]] = {}
    for p in problems:
        kinds.setdefault((p.file, KIND_VALUES.sub("_", p.message)), []).append(p)
    return list(kinds.values())


KIND_VALUES = re.compile(r"'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"|\d+(?:\.\d+)?")


def quiet() -> bool:
    ctx = click.get_current_context(silent=True)
    return bool(ctx and ctx.find_root().meta.get("mentornet.quiet"))


def _set_quiet(ctx, param, value):
    if value:
        ctx.find_root().meta["mentornet.quiet"] = True


def parse_date(ctx, param, value):
    if value is None:
        return dt.date.today()
    try:
        date = dt.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date (use YYYY-MM-DD)") from None
    if not EARLIEST_AS_OF <= date <= LATEST_AS_OF:  # dates a century before it must still be dates
        raise click.BadParameter(f"{value} is out of range (use a date from {EARLIEST_AS_OF} to {LATEST_AS_OF})")
    return date


def default_format() -> str:
    return "table" if sys.stdout.isatty() else "csv"


def analysis_options(func=None, *, formats: bool = True):
    """Options shared by every analysis command: date, policy, warnings, format and Neo4j
    credentials; ``formats=False`` for a command whose output has one form (``viz``)."""
    if func is None:
        return functools.partial(analysis_options, formats=formats)

    @click.option("--as-of", "as_of", callback=parse_date, metavar="YYYY-MM-DD",
                  help="Date the analysis is made for (default: today).")
    @click.option("--policy", "policy_file", type=click.Path(dir_okay=False),
                  help="TOML policy file (see README: Policy).")
    @click.option("--quiet", "-q", is_flag=True, expose_value=False, callback=_set_quiet,
                  help="Do not print warnings (run `mentornet validate` to read them).")
    @click.option("--user", envvar="NEO4J_USERNAME", default="neo4j", show_default=True,
                  help="Neo4j user (env NEO4J_USERNAME).")
    @click.option("--database", envvar="NEO4J_DATABASE", default=None,
                  help="Neo4j database (env NEO4J_DATABASE).")
    @click.option("--connect-timeout", envvar="MENTORNET_NEO4J_CONNECT_TIMEOUT", type=click.FloatRange(min=0.1),
                  default=10.0, show_default=True, metavar="SECONDS",
                  help="Neo4j: give up when the server has not answered a connection within this time.")
    @click.option("--query-timeout", envvar="MENTORNET_NEO4J_QUERY_TIMEOUT", type=click.FloatRange(min=0.1),
                  default=None, metavar="SECONDS",
                  help="Neo4j: stop any statement that runs longer (default: no limit).")
    @functools.wraps(func)
    def wrapper(*args, policy_file, user, database, connect_timeout, query_timeout, fmt=None, **kwargs):
        kwargs["policy"] = read_policy(policy_file)
        if formats:
            kwargs["fmt"] = fmt or default_format()
        kwargs["credentials"] = {"user": user, "database": database, "connect_timeout": connect_timeout,
                                 "query_timeout": query_timeout}
        return func(*args, **kwargs)

    if formats:
        wrapper = click.option("--format", "fmt", type=click.Choice(FORMATS), default=None,
                               help="Output format (default: table on a terminal, else csv).")(wrapper)
    return wrapper


def open_source(source: str, credentials: dict):
    """The backend for SOURCE; the Neo4j password comes from NEO4J_PASSWORD or a prompt."""
    from .backends import check_uri, is_neo4j_uri, masked_uri, open_backend

    if is_neo4j_uri(source):
        check_uri(source)  # before the password prompt
        credentials = dict(credentials, password=neo4j_password())
    elif not Path(source).exists():
        raise DataError(Problem(masked_uri(source), "no such dataset directory (or give a neo4j:// or bolt:// URI)"))
    return open_backend(source, **credentials) if is_neo4j_uri(source) else open_backend(source)


def neo4j_password() -> str:
    password = os.environ.get("NEO4J_PASSWORD")
    if password is not None:
        return password
    if not sys.stdin.isatty():
        raise DataError(Problem("NEO4J_PASSWORD", "no password: set NEO4J_PASSWORD or run in a terminal"))
    return click.prompt("Neo4j password", hide_input=True, err=True)


def pseudonymize_options(func):
    """``--pseudonymize`` and ``--salt-file``: passes ``pz``, a Pseudonymizer or None."""

    @click.option("--pseudonymize", is_flag=True,
                  help="Replace person ids and names in the output with stable salted hashes (p_...); "
                       "the salt comes from env MENTORNET_SALT or --salt-file.")
    @click.option("--salt-file", type=click.Path(dir_okay=False), metavar="FILE",
                  help="File holding the secret salt for --pseudonymize (instead of MENTORNET_SALT).")
    @functools.wraps(func)
    def wrapper(*args, pseudonymize, salt_file, **kwargs):
        from .privacy import Pseudonymizer, load_salt

        if salt_file is not None and not pseudonymize:
            raise click.UsageError("--salt-file only applies with --pseudonymize")
        kwargs["pz"] = Pseudonymizer(load_salt(salt_file)) if pseudonymize else None
        return func(*args, **kwargs)

    return wrapper


show_identity_option = click.option(
    "--show-identity", is_flag=True,
    help="Include identity needs that come only from the policy's [concordance] table "
         "(left out by default: they tell the mentee's identity).")


def without_policy_only(backend, frames, policy):
    """The rows without policy-only identity needs; how many were left out goes to stderr."""
    frames, left_out = policy_needs.hide_policy_only(backend, frames, policy=policy)
    if left_out:
        say(policy_needs.left_out_message(left_out))
    return frames, left_out
