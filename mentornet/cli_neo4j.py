"""``mentornet load`` and ``mentornet query``: the commands that only make sense with Neo4j."""
from __future__ import annotations

import sys

import json
import re
import time

import click

from .clitools import analysis_options, neo4j_password, report_warnings, say
from .errors import DataError, Problem
from .output import emit


def _require_uri(uri: str) -> str:
    from .backends import check_uri, is_neo4j_uri, masked_uri

    if not is_neo4j_uri(uri):
        raise DataError(Problem(masked_uri(uri), "not a Neo4j URI (expected neo4j://, neo4j+s://, bolt:// or bolt+s://)"))
    check_uri(uri)
    return uri


def _connect(uri: str, credentials: dict):
    from .backends.neo4j import Neo4jBackend

    return Neo4jBackend.connect(uri, password=neo4j_password(), **credentials)


def _progress(kind: str, done: int, total: int) -> None:
    say(f"loading {kind}: {done:,} of {total:,}")


@click.command()
@click.argument("directory", type=click.Path(file_okay=False))
@click.argument("uri", metavar="[NEO4J_URI]", required=False)
@click.option("--replace", is_flag=True,
              help="Replace what earlier loads wrote (the :Mentornet people and their relationships; "
                   "never another application's nodes): updated in place when the database mostly holds "
                   "these files, else deleted first; with --bulk, the whole database.")
@click.option("--bulk", "bulk_home", metavar="NEO4J_HOME", type=click.Path(file_okay=False),
              help="Instead of NEO4J_URI: import offline into a new database of the stopped Neo4j at NEO4J_HOME "
                   "with neo4j-admin, then start Neo4j and run `mentornet finish-import NEO4J_URI`.")
@click.option("--neo4j-admin", "admin", metavar="PATH", type=click.Path(dir_okay=False),
              help="With --bulk: the neo4j-admin to run (default NEO4J_HOME/bin/neo4j-admin).")
@click.option("--user", envvar="NEO4J_USERNAME", default="neo4j", show_default=True,
              help="Neo4j user (env NEO4J_USERNAME).")
@click.option("--database", envvar="NEO4J_DATABASE", default=None,
              help="Neo4j database (env NEO4J_DATABASE).")
def load(directory, uri, *, replace, bulk_home, admin, user, database):
    """Validate DIRECTORY, then load it into Neo4j (re-running converges).

    A dataset with any error changes nothing. The uniqueness constraint on the person id
    and the indexes are created first; people and relationships are written in batches.
    The password comes from NEO4J_PASSWORD or a prompt.

    With --bulk NEO4J_HOME (no NEO4J_URI) a new database is written offline by Neo4j's
    importer, faster; see the README, "Neo4j".

    \b
    Examples:
      NEO4J_PASSWORD=... mentornet load examples/radiology bolt://127.0.0.1:7687 --replace
      mentornet load big/ --bulk /opt/neo4j     # Neo4j stopped; then start it and:
      NEO4J_PASSWORD=... mentornet finish-import bolt://127.0.0.1:7687
    """
    from .io import read_dataset

    if bulk_home is None and uri is None:
        raise click.UsageError("give a NEO4J_URI, or --bulk NEO4J_HOME")
    if bulk_home is not None and uri is not None:
        raise click.UsageError("give a NEO4J_URI or --bulk NEO4J_HOME, not both (the import runs offline)")
    if admin is not None and bulk_home is None:
        raise click.UsageError("--neo4j-admin goes with --bulk")
    if uri is not None:
        _require_uri(uri)
    dataset = read_dataset(directory)  # a DataError here means nothing was written
    report_warnings(list(dataset.warnings))
    if bulk_home is not None:
        from .backends.neo4j.bulk import run_import

        files = run_import(dataset, bulk_home, database=database or "neo4j", replace=replace, admin=admin,
                           progress=say)
        say(f"imported {files.people:,} people and {files.rels:,} relationships into database "
            f"{database or 'neo4j'} of {bulk_home} in {files.seconds['files'] + files.seconds['importer']:.1f} s "
            f"(files {files.seconds['files']:.1f} s, importer {files.seconds['importer']:.1f} s); start Neo4j, "
            f"then run `mentornet finish-import NEO4J_URI` (the constraint, the indexes and the dataset record)")
        return
    started = time.perf_counter()
    with _connect(uri, {"user": user, "database": database}) as backend:
        written = backend.load(dataset, replace=replace, progress=_progress)
    seconds = max(time.perf_counter() - started, 1e-9)
    say(f"loaded {written['people']:,} people and {written['relationships']:,} relationships "
        f"into {uri} in {seconds:.1f} s")


@click.command("finish-import")
@click.argument("uri", metavar="NEO4J_URI")
@click.option("--user", envvar="NEO4J_USERNAME", default="neo4j", show_default=True,
              help="Neo4j user (env NEO4J_USERNAME).")
@click.option("--database", envvar="NEO4J_DATABASE", default=None,
              help="Neo4j database (env NEO4J_DATABASE).")
def finish_import(uri, *, user, database):
    """Complete a bulk import (load DIR --bulk NEO4J_HOME) once Neo4j runs on it.

    Creates the uniqueness constraint and the indexes, sets the empty lists the importer
    cannot write, and writes the dataset record; until then every analysis refuses the
    database. Running it again changes nothing.

    \b
    Example:
      NEO4J_PASSWORD=... mentornet finish-import bolt://127.0.0.1:7687
    """
    from .backends.neo4j.bulk import finish_import as finish

    _require_uri(uri)
    started = time.perf_counter()
    with _connect(uri, {"user": user, "database": database}) as backend:
        done = finish(backend)
    say(f"finished the import in {uri} in {time.perf_counter() - started:.1f} s "
        f"({done['empty_lists']:,} empty lists set; constraint and indexes online)")


MAX_PARAMETER = 1_000_000  # characters in one -p value
MAX_PARAMETER_DEPTH = 32  # nesting of a -p key:=json value


def _parse_parameter(text: str) -> tuple[str, object]:
    """``key=text`` gives a string; ``key:=json`` a number, list, map, true/false or null."""
    key, sep, value = text.partition("=")
    if not sep or not key.rstrip(":").strip():
        raise DataError(Problem("-p", f"expected key=value or key:=json, got {text!r}"))
    if len(value) > MAX_PARAMETER:
        raise DataError(Problem("-p", f"{key.rstrip(':').strip()[:60]!r}: the value has {len(value):,} characters "
                                      f"(at most {MAX_PARAMETER:,})"))
    if key.endswith(":"):
        key = key[:-1]
        try:
            parsed = json.loads(value)
        except RecursionError:
            parsed = None
        except ValueError:
            raise DataError(Problem("-p", f"{key.strip()}:= needs a JSON value, got {value[:60]!r}")) from None
        if parsed is None and value.strip() != "null" or _depth(parsed) > MAX_PARAMETER_DEPTH:
            raise DataError(Problem("-p", f"{key.strip()}:= is nested more than {MAX_PARAMETER_DEPTH} levels deep"))
        return key.strip(), parsed
    return key.strip(), value


def _depth(value) -> int:
    """How deeply lists and maps nest in ``value`` (iterative: a parsed value may be deep)."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, level = stack.pop()
        children = item.values() if isinstance(item, dict) else item if isinstance(item, list) else None
        if children is not None:
            deepest = max(deepest, level)
            if level <= MAX_PARAMETER_DEPTH:
                stack.extend((child, level + 1) for child in children)
    return deepest


@click.command()
@click.argument("name", required=False)
@click.argument("uri", metavar="[NEO4J_URI]", required=False)
@click.option("--list", "list_", is_flag=True, help="List the named queries with their descriptions.")
@click.option("--show", is_flag=True,
              help="Print the query's Cypher, shared fragments included, to paste into Neo4j Browser.")
@click.option("-p", "--param", "params", multiple=True, metavar="KEY=VALUE",
              help="A parameter: key=text, or key:=json for numbers, lists and maps. Repeatable.")
@analysis_options
def query(name, uri, *, list_, show, params, as_of, policy, fmt, credentials):
    """Run a named query from cypher/ inside Neo4j, or --list them.

    Parameters are always passed as parameters, never pasted into the Cypher. The usual
    ones are filled in from --as-of and --policy: $cutoff (last_met on or after it counts
    as active), $concordance, $attrs (identity attributes) and $default_capacity; -p
    overrides them.

    \b
    Examples:
      mentornet query --list
      mentornet query gaps --show
      mentornet query gaps bolt://127.0.0.1:7687 --as-of 2026-11-25
      mentornet query stale_mentorships bolt://127.0.0.1:7687 -p cutoff=2025-06-01
    """
    from .backends.neo4j import statement, statements

    if list_:
        rows = [(s.name, s.description, s.parameters) for s in statements(kind="read")]
        import pandas as pd

        emit(pd.DataFrame(rows, columns=["name", "description", "parameters"]), fmt,
             sys.stdout)
        return
    if show and name:
        found = statement(name)
        if found.kind != "read":
            raise DataError(Problem("query", f"{name!r} is a statement used by load, not a query"))
        sys.stdout.write(found.text)
        return
    if not name or not uri:
        raise click.UsageError("give a query NAME and a NEO4J_URI, or --list")
    _require_uri(uri)
    found = statement(name)  # an unknown name is a usage error before connecting
    given = dict(_parse_parameter(p) for p in params)
    _check_parameter_names(found, given)
    with _connect(uri, credentials) as backend:
        values = {**backend.standard_parameters(policy=policy, as_of=as_of), **given}
        rows = backend.run_query(name, values)
    emit(rows, fmt, sys.stdout)


def _check_parameter_names(found, given: dict) -> None:
    """A ``-p`` name the statement never reads is an error (a misspelt or mis-cased name would
    otherwise leave the default in place without a word)."""
    used = set(re.findall(r"\$([A-Za-z_][A-Za-z0-9_]*)", found.text))
    unknown = [key for key in given if key not in used]
    if unknown:
        folded = {u.lower(): u for u in used}
        hints = "".join(f" ({key!r}: did you mean {folded[key.lower()]!r}?)" for key in unknown if key.lower() in folded)
        raise DataError(Problem("-p", f"the query {found.name!r} has no parameter {', '.join(map(repr, unknown))}"
                                      f"{hints}; its parameters: {', '.join(sorted(used)) or 'none'}"))
