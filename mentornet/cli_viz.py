"""``mentornet viz``: the committee's self-contained interactive network (one HTML file)."""
from __future__ import annotations

from pathlib import Path

import click

from .clitools import analysis_options, open_source, pseudonymize_options, report_warnings, say
from .files import check_writable
from .policy_needs import left_out_message
from .viz import DEFAULT_MAX_NODES, render_network, write_html


@click.command()
@click.argument("source")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False), metavar="FILE.html",
              help="HTML file to write (self-contained: opens offline, from e-mail or a shared drive).")
@click.option("--mentee", metavar="ID", help="Only this mentee, their mentors and their referral paths.")
@click.option("--department", metavar="NAME",
              help="Only this department (case-insensitive), with its members' mentors and referral paths.")
@click.option("--show-identity", is_flag=True,
              help="Include identity values in tooltips, and identity needs that come only from the "
                   "policy's [concordance] table (both left out of the file by default).")
@click.option("--referrals/--no-referrals", default=True, show_default=True,
              help="Highlight the top-k referral path of every gap.")
@click.option("--without", "without", multiple=True, metavar="ID",
              help="What-if: draw these people greyed as leaving, the needs their departure opens and the "
                   "referrals after it (repeatable).")
@click.option("--max-nodes", type=click.IntRange(min=1), default=DEFAULT_MAX_NODES, show_default=True,
              help="Refuse to draw more people than this (use --department or --mentee).")
@analysis_options(formats=False)
@pseudonymize_options
def viz(source, *, output, mentee, department, show_identity, referrals, without, max_nodes, as_of, policy,
        credentials, pz):
    """Draw the mentor network as one interactive HTML file that works offline.

    Colour shows the role, size the mentoring load; mentees with gaps have a red ring and
    their uncovered areas in the label; referral paths are wide orange bands. Hover for
    details.

    \b
    Examples:
      mentornet viz examples/radiology --as-of 2026-11-25 -o network.html
      mentornet viz examples/radiology --as-of 2026-11-25 --mentee res-garcia -o garcia.html
      mentornet viz /data/hospital --department Radiology -o radiology.html
      mentornet viz examples/radiology --as-of 2026-11-25 --without fac-kim -o without-kim.html
    """
    target = Path(output)
    check_writable(target)  # before the work (mentornet.files: links, special files, permissions)
    with open_source(source, credentials) as backend:
        report_warnings(backend.warnings(policy=policy, as_of=as_of), pseudonymized=pz is not None)
        page = render_network(backend, policy=policy, as_of=as_of, mentee=mentee, department=department,
                              show_identity=show_identity, referrals=referrals, max_nodes=max_nodes,
                              pseudonymizer=pz, without=tuple(without))
    write_html(target, page.html)
    if page.identity_left_out:
        say(left_out_message(page.identity_left_out))
    opened = "" if page.opened is None else f" ({page.opened} opened by the departure)"
    say(f"wrote {output}: {page.people} people, {page.connections} connections, "
        f"{page.gaps} gaps{opened}, {page.referral_paths} referral paths")
