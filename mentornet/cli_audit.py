"""``mentornet audit``: the coverage and load report for a diversity office."""
from __future__ import annotations

import sys

import click

from . import privacy
from .files import write_atomically
from .output import PrintableStream, for_terminal
from .clitools import analysis_options, open_source, parse_date, pseudonymize_options, report_warnings, say


def _optional_date(ctx, param, value):
    """A date checked as ``--as-of`` is (:func:`mentornet.clitools.parse_date`), or None."""
    return None if value is None else parse_date(ctx, param, value)


@click.command()
@click.argument("source")
@click.option("-o", "--output", type=click.Path(dir_okay=False),
              help="Write the report to FILE instead: .html (printable, with charts), .md, .json or .xlsx.")
@click.option("--compare", "old_source", metavar="OLD_DATASET",
              help="An earlier snapshot (directory or URI): add the change in each headline figure.")
@click.option("--compare-as-of", "old_as_of", callback=_optional_date, metavar="YYYY-MM-DD",
              help="Date the earlier snapshot is analysed for (default: the --as-of date).")
@analysis_options
@pseudonymize_options
def audit(source, *, output, old_source, old_as_of, as_of, policy, fmt, credentials, pz):
    """Coverage, concordance and mentor load, by group, with small groups suppressed.

    Groups (department, role, each identity attribute) with fewer than min_group_size
    mentees are suppressed, and so is any cell that would let a reader work one out
    from the totals. Prints a summary (or --format json/csv), or writes -o FILE.

    \b
    Examples:
      mentornet audit examples/radiology --as-of 2026-11-25
      mentornet audit examples/radiology --as-of 2026-11-25 -o report.html
      mentornet audit data/2026 --compare data/2025 --compare-as-of 2025-11-25 --format json
    """
    from . import audit as figures_of, disclosure, report  # matplotlib and the templates load only here

    if old_as_of is not None and old_source is None:
        raise click.UsageError("--compare-as-of dates the earlier snapshot of --compare OLD_DATASET; give both")
    target_format = None
    if output is not None:
        target_format = report.report_format(output)
        report.check_writable(output)
    with open_source(source, credentials) as backend:
        snap = backend.snapshot(policy=policy, as_of=as_of)
        report_warnings(backend.warnings(snap), pseudonymized=pz is not None)
        figures = figures_of.audit(backend, snap, raw=old_source is not None)
        named = pz is None and (target_format or fmt) in report.NAMED_FORMATS  # a pseudonym is its own name
        names = backend.names(report.people_in(figures)) if named else {}
    if old_source is not None:
        with open_source(old_source, credentials) as old:
            before = figures_of.audit(old, policy=policy, as_of=old_as_of or as_of, raw=True)
        figures, before = disclosure.protect_pair(figures, before, policy=policy)
        figures = figures_of.compare(figures, before)
    if pz is not None:
        figures = privacy.pseudonymize_audit(figures, pz)
    if output is not None:
        data = report.render(figures, target_format, names=names)
        write_atomically(output, data)
        say(f"wrote {output}")
        return
    text = report.render(figures, fmt, names=names).decode("utf-8")
    (PrintableStream(sys.stdout) if fmt == "table" else for_terminal(sys.stdout)).write(text)
