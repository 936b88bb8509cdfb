"""Rendering of the audit figures (:mod:`mentornet.audit`): the same titled tables as JSON,
Markdown, one self-contained HTML page (charts drawn by matplotlib, inlined as SVG images), an
XLSX workbook, CSV or a terminal summary.

This module sits above the backends: it only reads the figures' dict. Nothing here reads
datasets, prints or imports click; files are written by :func:`mentornet.files.write_atomically`.
"""
from __future__ import annotations

import base64
import io
import re
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numpy as np
import pandas as pd

from . import files
from .audit import rate
from .errors import DataError, Problem
from .output import indented_json, neutralise, write_csv, write_table

LIST_ROWS = 100      # rows of a list of people in the readable reports
BUSIEST_ROWS = 25    # mentors shown in the readable mentor-load table
REPORT_FORMATS = {".html": "html", ".htm": "html", ".md": "md", ".markdown": "md", ".json": "json",
                  ".xlsx": "xlsx"}


# =========================================================================== sections


@dataclass(frozen=True)
class Section:
    """One titled table of the report, shared by every output format."""

    key: str
    title: str
    frame: pd.DataFrame
    note: str = ""
    index: int = 1  # how many leading columns name a row (for the long CSV)


@dataclass(frozen=True)
class Number:
    """A figure that reads as ``text`` in a table and is stored as ``value`` with
    ``number_format`` in a spreadsheet (a rate is 0.621 shown as 62.1%, never the text "62.1%")."""

    value: float | int
    text: str
    number_format: str

    def __str__(self) -> str:
        return self.text


def percent(value: float | None) -> Number | str:
    return "" if value is None else Number(value, f"{100 * value:.1f}%", "0.0%")


def signed(change: float | int | None) -> Number | str:
    """A change in a count, with its sign: +1, −1 (a minus sign, not a hyphen) or 0."""
    if change is None:
        return ""
    text = "0" if change == 0 else f"+{change:g}" if change > 0 else f"\u2212{-change:g}"
    return Number(change, text, '+0;"\u2212"0;0')


def points(change: float | None) -> Number | str:
    """A change of rate in percentage points, signed: +3.1 pts, −3.1 pts, 0.0 pts."""
    if change is None:
        return ""
    pts = round(100 * change, 1)
    text = "0.0 pts" if pts == 0 else f"+{pts:.1f} pts" if pts > 0 else f"\u2212{-pts:.1f} pts"
    return Number(pts, text, '+0.0" pts";"\u2212"0.0" pts";0.0" pts"')


def person(names: dict[str, str] | None, pid: str) -> str:
    """``Dr. Kim (fac-kim)``: a person by name with the id beside it (DESIGN.md section 4)."""
    name = (names or {}).get(pid)
    return f"{name} ({pid})" if name and name != pid else pid


def _frame(rows: list[list], columns: list[str]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=columns, dtype=object)


def sections(figures: dict, *, full: bool = False, names: dict[str, str] | None = None) -> list[Section]:
    """The report as titled tables, in reading order.

    Lists of people (mentor load, over capacity, conflicts, stale pairs) are cut to a
    readable length unless ``full`` (the spreadsheet and CSV exports); JSON always has all.
    ``names`` maps ids to names for the tables people read: each person is then shown as
    ``name (id)``.
    """
    limit = None if full else LIST_ROWS
    who = lambda pid: person(names, pid)  # noqa: E731
    out = [_summary(figures), _coverage_section(figures), _mosaic_section(figures), _groups_section(figures),
           _concordance_section(figures), _load_section(figures, None if full else BUSIEST_ROWS, who),
           _over_capacity_section(figures, limit, who), _distribution_section(figures),
           _load_identity_section(figures)]
    conflicts = [[who(c["mentor_id"]), who(c["mentee_id"])] for c in figures["conflicts"]]
    out.append(Section("conflicts", "Leadership conflicts", _frame(conflicts[:limit], ["mentor", "mentee"]),
                       "A leader (chair, program director, ...) actively mentors a trainee of their own department."
                       + _more(len(conflicts), limit)))
    stale = [[who(s["mentor_id"]), who(s["mentee_id"]), s["last_met"] or "", "ended" if s["status"] == "ended" else "lapsed"]
             for s in figures["stale"]]
    out.append(Section("stale", "Stale or ended mentorships", _frame(
        stale[:limit], ["mentor", "mentee", "last met", "status"]),
        "Pairs whose mentoring rows are all inactive: lapsed (status active, not met within the "
        "stale_after_days policy) or ended." + _more(len(stale), limit), index=2))
    nc = figures["no_candidate"]
    reasons = list(nc["by_reason"])
    out.append(Section("no_candidate", "Gaps with no candidate in reach", _frame(
        [[a, c["gaps"], c["without_candidate"], *(c["by_reason"][r] for r in reasons)]
         for a, c in nc["by_area"].items()],
        ["need", "gaps", "no candidate", *reasons]),
        f"{nc['without_candidate']} of {nc['gaps']} gaps have no suitable mentor with room within reach "
        "of the mentee's network; each is counted under the first true reason: nobody suited within "
        "reach, suited mentors all full or not accepting, or only leaders of the mentee's department "
        "(the leadership-conflict rule)."))
    if "fragility" in figures:
        out.append(_fragility_section(figures, limit))
    if "compare" in figures:
        out.append(_compare_section(figures))
    return out


def _count_and_share(part: int, whole: int) -> Number | int:
    share = rate(part, whole)
    return part if share is None else Number(part, f"{part} ({percent(share)})", f'0" ({percent(share)})"')


def _summary(f: dict) -> Section:
    b = f["busiest_share"]
    nc = f["no_candidate"]
    rows = [
        ["as of", f["as_of"]],
        ["mentees", f["mentees"]],
        ["mentees without any active mentor", _count_and_share(f["mentees_without_mentor"], f["mentees"])],
        ["gaps (needs without a mentor)", f["gaps"]],
        ["gaps with no candidate in reach", nc["without_candidate"]],
        ["mentors (eligible or mentoring)", len(f["mentors"])],
        ["active mentorships", b["mentorships"]],
        ["mentors over capacity", len(f["over_capacity"])],
        [f"share of mentorships carried by the busiest 10% of mentors ({b['busiest']})", percent(b["share"])],
        ["leadership conflicts", len(f["conflicts"])],
        ["stale or ended mentorships", len(f["stale"])],
    ]
    return Section("summary", "Summary", _frame(rows, ["figure", "value"]),
                   f"Groups with fewer than {f['min_group_size']} people are suppressed, and so is every "
                   "cell that would let a reader work one out by subtraction.")


def _coverage_section(f: dict) -> Section:
    rows = [[a, c["needing"], c["covered"], percent(rate(c["covered"], c["needing"]))]
            for a, c in f["coverage"].items()]
    hidden = f.get("suppressed_needs", [])
    return Section("coverage", "Coverage by need", _frame(rows, ["need", "needing", "covered", "rate"]),
                   "A need is covered by an active mentor with that focus (research, career) or who shares "
                   "the mentee's identity value."
                   + (f" Suppressed, since they would let a small group be worked out: {', '.join(hidden)}."
                      if hidden else ""))


def _mosaic_section(f: dict) -> Section:
    rows = [[b, n, percent(rate(n, f["mentees"]))] for b, n in f["mosaic"].items()]
    return Section("mosaic", "Mosaic: distinct active mentors per mentee",
                   _frame(rows, ["active mentors", "mentees", "share"]))


def _covered_text(c: dict | None) -> str:
    if not c or not c["needing"]:
        return ""
    return f"{c['covered']} of {c['needing']}"  # not 12/16, which a spreadsheet reads as a date


def _groups_section(f: dict) -> Section:
    rows = []
    for key, cells in f["groups"].items():
        for value, c in cells.items():
            if c.get("suppressed"):
                rows.append([key, value, "suppressed", "", "", "", "", "", "", "", "", ""])
                continue
            own = next((v for a, v in c["coverage"].items() if a.startswith("identity:")), None)
            rows.append([key, value, c["mentees"], c["without_mentor"], c["gaps"],
                         _covered_text(c["coverage"]["research"]), _covered_text(c["coverage"]["career"]),
                         _covered_text(own), *c["mosaic"].values()])
    columns = ["group", "value", "mentees", "without mentor", "gaps", "research", "career", "concordance need",
               "mosaic 0", "mosaic 1", "mosaic 2", "mosaic 3+"]
    return Section("groups", "By group", _frame(rows, columns),
                   "Coverage columns read 'covered of needing'. Mentees with no value for a group are not grouped. "
                   f"Suppressed: fewer than {f['min_group_size']} mentees, or hidden so that no suppressed "
                   "cell can be worked out from the totals.", index=2)


def _concordance_section(f: dict) -> Section:
    rows = []
    for attr, cells in f["concordance"].items():
        for value, c in cells.items():
            if c.get("suppressed"):
                rows.append([attr, value, "suppressed", "", "", ""])
            else:
                rows.append([attr, value, c["mentees"], c["with_mentor"], c["concordant"], percent(c["rate"])])
    return Section("concordance", "Identity concordance by group", _frame(
        rows, ["attribute", "value", "mentees", "with a mentor", "with a concordant mentor", "rate"]),
        "Share of each group's mentees with at least one active mentor who shares their value, "
        "whether or not they asked for it.", index=2)


def _more(total: int, limit: int | None) -> str:
    if limit is None or total <= limit:
        return ""
    return f" Showing {limit} of {total}; the JSON and XLSX reports list all."


def _load_section(f: dict, limit: int | None, who: Callable[[str], str]) -> Section:
    over = set(f["over_capacity"])
    ordered = sorted((m for m in f["mentors"] if m["load"] > 0), key=lambda m: (-m["load"], m["id"]))
    rows = [[who(m["id"]), m["load"], m["capacity"], m["capacity"] - m["load"], "over capacity" if m["id"] in over else ""]
            for m in ordered[:limit]]
    idle = len(f["mentors"]) - len(ordered)
    shown = "" if limit is None or len(ordered) <= limit else f"The busiest {limit} of {len(ordered)} mentors. "
    return Section("mentors", "Mentor load", _frame(rows, ["mentor", "load", "capacity", "room", "flag"]),
                   f"{shown}{idle} more mentor-eligible people have no active mentee.")


def _over_capacity_section(f: dict, limit: int | None, who: Callable[[str], str]) -> Section:
    mentors = {m["id"]: m for m in f["mentors"]}
    rows = [[who(i), mentors[i]["load"], mentors[i]["capacity"]] for i in f["over_capacity"]]
    return Section("over_capacity", "Mentors over capacity", _frame(rows[:limit], ["mentor", "load", "capacity"]),
                   "More active mentees than their capacity (or the policy default)." + _more(len(rows), limit))


def _fragility_section(f: dict, limit: int | None) -> Section:
    """Sole coverage (DESIGN.md section 3): mentors on whom covered needs hang alone."""
    rows = [[f"{m.get('name') or m['id']} ({m['id']})", m["sole_coverages"]] for m in f["fragility"]]
    return Section("fragility", "Sole coverage (who would leave needs open)",
                   _frame(rows[:limit], ["mentor", "research and career needs covered by them alone"]),
                   f"{f['mentees_sole_covered']} of {f['mentees']} mentees have a need that one mentor alone covers; "
                   "`mentornet whatif --without ID` shows what a departure would open." + _more(len(rows), limit))


def _distribution_section(f: dict) -> Section:
    b = f["busiest_share"]
    rows = [[load, n] for load, n in f["load_distribution"].items()]
    return Section("load_distribution", "Load distribution", _frame(rows, ["active mentees", "mentors"]),
                   f"The busiest {b['busiest']} of {b['mentors']} mentors (10%, rounded up) carry "
                   f"{b['busiest_mentorships']} of {b['mentorships']} active mentorships ({percent(b['share'])}).")


def _load_identity_section(f: dict) -> Section:
    rows = []
    for attr, cells in f["load_by_identity"].items():
        for value, c in cells.items():
            rows.append([attr, value, "suppressed" if c.get("suppressed") else c["mentors"]])
    return Section("load_by_identity", "Mentors by identity", _frame(rows, ["attribute", "value", "mentors"]),
                   f"Mentor groups with fewer than {f['min_group_size']} people are suppressed the same way as "
                   "mentee groups. Load is not split by identity: with the per-mentor table it would name "
                   "mentors' identities (SECURITY.md).", index=2)


COMPARE_LABELS = {
    "mentees": "mentees",
    "mentees_without_mentor": "mentees without any active mentor",
    "gaps": "gaps (needs without a mentor)",
    "mentors": "mentors (eligible or mentoring)",
    "mentorships": "active mentorships",
    "over_capacity": "mentors over capacity",
    "busiest_share": "share of mentorships carried by the busiest 10% of mentors",
    "conflicts": "leadership conflicts",
    "stale": "stale or ended mentorships",
    "gaps_without_candidate": "gaps with no candidate in reach",
}
COVERAGE_LABELS = {"needing": "mentees needing it", "covered": "covered", "rate": "coverage rate"}


def compare_label(key: str) -> str:
    """The words for a headline figure's key (``coverage.research.rate`` -> ``research need:
    coverage rate``); a key not known here is shown as it is."""
    if key in COMPARE_LABELS:
        return COMPARE_LABELS[key]
    parts = key.split(".")
    if parts[0] == "coverage" and len(parts) == 3 and parts[2] in COVERAGE_LABELS:
        return f"{_need_words(parts[1])}: {COVERAGE_LABELS[parts[2]]}"
    if parts[0] == "mosaic" and len(parts) == 2:
        return f"mentees with {parts[1]} active mentor{'' if parts[1] == '1' else 's'}"
    return key


def _need_words(area: str) -> str:
    if area.startswith("identity:"):
        return f"shared {area.split(':', 1)[1].replace('_', ' ')} need"
    return f"{area} need"


def _compare_section(f: dict) -> Section:
    c = f["compare"]
    rows = []
    for name, r in c["figures"].items():
        if name.endswith(".rate") or name == "busiest_share":
            rows.append([compare_label(name), percent(r["old"]), percent(r["new"]), points(r["change"])])
        else:
            rows.append([compare_label(name), r["old"], r["new"], signed(r["change"])])
    return Section("compare", f"Change since {c['as_of']}", _frame(rows, ["figure", "before", "now", "change"]),
                   "Headline figures only: group cells are not compared, since the difference of two "
                   "snapshots could single out one person.")


# =========================================================================== rendering


def render(figures: dict, fmt: str, *, title: str = "Mentor audit", names: dict[str, str] | None = None) -> bytes:
    """The report in ``fmt``: ``json``, ``md``, ``html``, ``xlsx``, ``csv`` or ``table``.

    ``names`` (id -> name) puts each person's name beside the id in the formats people read
    (:data:`NAMED_FORMATS`); JSON and CSV keep the ids alone.
    """
    renderers: dict[str, Callable[[dict, str], bytes]] = {
        "json": lambda f, t: render_json(f).encode("utf-8"),
        "md": lambda f, t: render_markdown(f, title=t, names=names).encode("utf-8"),
        "html": lambda f, t: render_html(f, title=t, names=names).encode("utf-8"),
        "xlsx": lambda f, t: render_xlsx(f, names=names),
        "csv": lambda f, t: render_csv(f).encode("utf-8"),  # full lists
        "table": lambda f, t: render_text(f, title=t, names=names).encode("utf-8"),
    }
    return renderers[fmt](figures, title)


NAMED_FORMATS = ("md", "html", "xlsx", "table")  # the formats that put names beside ids


def people_in(figures: dict) -> set[str]:
    """The ids of everyone the readable tables list (to look their names up)."""
    ids = {m["id"] for m in figures.get("mentors", [])} | set(figures.get("over_capacity", []))
    for key in ("conflicts", "stale"):
        ids |= {i for r in figures.get(key, []) for i in (r["mentor_id"], r["mentee_id"])}
    return ids


def render_json(figures: dict) -> str:
    return indented_json(figures) + "\n"


def render_text(figures: dict, *, title: str = "Mentor audit", names: dict[str, str] | None = None) -> str:
    """A readable terminal summary: every section as an aligned table."""
    out = io.StringIO()
    out.write(f"{title} as of {figures['as_of']}\n")
    for s in sections(figures, names=names):
        out.write(f"\n{s.title}\n")
        write_table(s.frame, out)
        if s.note:
            out.write(f"{s.note}\n")
    return out.getvalue()


def render_csv(figures: dict) -> str:
    """Every table in one long CSV: ``section,item,column,value`` (formulas neutralised).

    ``item`` names the row (for group tables ``key / value``, for stale pairs
    ``mentor / mentee``); there is one line per remaining cell.
    """
    rows = []
    for s in sections(figures, full=True):
        for record in s.frame.itertuples(index=False, name=None):
            item = " / ".join(str(v) for v in record[: s.index])
            for column, value in zip(s.frame.columns[s.index:], record[s.index:]):
                rows.append([s.title, item, column, value.value if isinstance(value, Number) else value])
    out = io.StringIO()
    write_csv(pd.DataFrame(rows, columns=["section", "item", "column", "value"], dtype=object), out)
    return out.getvalue()


# Inside a table cell (never at the start of a line) only these make markup: code, emphasis,
# links and images, strikethrough, math ($) and the pipe that starts a new column.
MD_SPECIAL = re.compile(r"([\\`*_\[\]|~$])")


def md_escape(value) -> str:
    """Text that Markdown shows literally inside a table cell: HTML escaped, markup backslash-escaped."""
    text = " ".join(str(value).split())
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return MD_SPECIAL.sub(r"\\\1", text)


def render_markdown(figures: dict, *, title: str = "Mentor audit", names: dict[str, str] | None = None) -> str:
    lines = [f"# {md_escape(title)}", "", f"As of {figures['as_of']}.", ""]
    for s in sections(figures, names=names):
        lines += [f"## {md_escape(s.title)}", ""]
        if s.frame.empty:
            lines += ["(none)", ""]
        else:
            lines.append("| " + " | ".join(md_escape(c) for c in s.frame.columns) + " |")
            lines.append("|" + "|".join("---" for _ in s.frame.columns) + "|")
            for record in s.frame.itertuples(index=False, name=None):
                lines.append("| " + " | ".join(md_escape(v) for v in record) + " |")
            lines.append("")
        if s.note:
            lines += [md_escape(s.note), ""]
    return "\n".join(lines)


# --------------------------------------------------------------------------- HTML


def render_html(figures: dict, *, title: str = "Mentor audit", names: dict[str, str] | None = None) -> str:
    """One self-contained printable page: tables plus matplotlib charts as inline SVG images."""
    from .templates import template

    return template("audit.html.j2").render(title=title, figures=figures, sections=sections(figures, names=names),
                                             charts=charts(figures))


@dataclass(frozen=True)
class Chart:
    key: str
    title: str
    data_uri: str
    description: str


def charts(figures: dict) -> list[Chart]:
    """The report's charts as ``data:image/svg+xml`` URIs (an image never runs scripts)."""
    import matplotlib

    with matplotlib.rc_context(CHART_STYLE), warnings.catch_warnings():
        # a name in a script the bundled font lacks is drawn as a box, not an error
        warnings.filterwarnings("ignore", message=r"Glyph .* missing from", category=UserWarning)
        made = [_coverage_chart(figures), _group_chart(figures), _concordance_chart(figures),
                _load_chart(figures), _mosaic_chart(figures)]
    return [c for c in made if c is not None]


CHART_STYLE = {
    "text.parse_math": False,      # data text is never read as mathtext
    "svg.fonttype": "path",        # glyphs as paths: no fonts needed offline, no text in markup
    "svg.hashsalt": "mentornet",   # identical ids on every run
    "font.size": 9,
    "axes.spines.top": False,
    "axes.spines.right": False,
}
COLOURS = ("#2b6cb0", "#dd6b20", "#38a169", "#805ad5")


def _svg(fig) -> str:
    buf = io.BytesIO()
    fig.savefig(buf, format="svg", bbox_inches="tight", metadata={"Date": None})
    return "data:image/svg+xml;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


def _figure(height: float):
    from matplotlib.figure import Figure

    fig = Figure(figsize=(7.5, height))
    return fig, fig.add_subplot()


def short(text: str, width: int = 38) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= width else text[: width - 1] + "…"


def _hbars(ax, labels: list[str], series: list[tuple[str, list[float]]], xlabel: str):
    n, m = len(labels), len(series)
    height = 0.8 / m
    y = np.arange(n)
    for j, (name, values) in enumerate(series):
        ax.barh(y - 0.4 + height * (j + 0.5), values, height=height, label=name, color=COLOURS[j % len(COLOURS)])
    ax.set_yticks(y, [short(lbl) for lbl in labels])
    ax.invert_yaxis()
    ax.set_xlim(0, 100)
    ax.set_xlabel(xlabel)
    if m > 1:
        ax.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=m, frameon=False)


def _coverage_chart(f: dict) -> Chart | None:
    cov = f["coverage"]
    fig, ax = _figure(0.5 + 0.4 * len(cov))
    labels = list(cov)
    values = [100 * (rate(c["covered"], c["needing"]) or 0) for c in cov.values()]
    _hbars(ax, labels, [("covered", values)], "% of mentees needing it who have it covered")
    for i, c in enumerate(cov.values()):
        ax.annotate(f"{c['covered']}/{c['needing']}", (values[i], i), xytext=(3, 0),
                    textcoords="offset points", va="center")
    return Chart("coverage", "Coverage by need", _svg(fig),
                 "Share of mentees with each need who have an active mentor covering it.")


def _group_chart(f: dict) -> Chart | None:
    labels, research, career, anyone = [], [], [], []
    for key, cells in f["groups"].items():
        for value, c in cells.items():
            if c.get("suppressed"):
                continue
            labels.append(f"{key}: {value}")
            research.append(100 * (rate(c["coverage"]["research"]["covered"], c["coverage"]["research"]["needing"]) or 0))
            career.append(100 * (rate(c["coverage"]["career"]["covered"], c["coverage"]["career"]["needing"]) or 0))
            anyone.append(100 * (rate(c["mentees"] - c["without_mentor"], c["mentees"]) or 0))
    if not labels:
        return None
    fig, ax = _figure(0.8 + 0.45 * len(labels))
    _hbars(ax, labels, [("any mentor", anyone), ("research covered", research), ("career covered", career)],
           "% of the group's mentees")
    return Chart("groups", "Coverage by group", _svg(fig),
                 "Suppressed groups are left out of this chart.")


def _concordance_chart(f: dict) -> Chart | None:
    labels, values = [], []
    for attr, cells in f["concordance"].items():
        for value, c in cells.items():
            if not c.get("suppressed"):
                labels.append(f"{attr}: {value}")
                values.append(100 * (c["rate"] or 0))
    if not labels:
        return None
    fig, ax = _figure(0.6 + 0.35 * len(labels))
    _hbars(ax, labels, [("concordant", values)], "% of the group with a mentor sharing their value")
    return Chart("concordance", "Identity concordance by group", _svg(fig),
                 "Suppressed groups are left out of this chart.")


def _load_chart(f: dict) -> Chart | None:
    dist = f["load_distribution"]
    fig, ax = _figure(2.6)
    ax.bar(list(dist), list(dist.values()), color=COLOURS[0])
    ax.set_xlabel("active mentees")
    ax.set_ylabel("mentors")
    ax.yaxis.get_major_locator().set_params(integer=True)
    return Chart("load_distribution", "Mentor load distribution", _svg(fig),
                 "Number of mentors by how many active mentees they have.")


def _mosaic_chart(f: dict) -> Chart | None:
    mosaic = f["mosaic"]
    fig, ax = _figure(2.4)
    ax.bar(list(mosaic), list(mosaic.values()), color=COLOURS[2])
    ax.set_xlabel("distinct active mentors")
    ax.set_ylabel("mentees")
    ax.yaxis.get_major_locator().set_params(integer=True)
    return Chart("mosaic", "Mosaic of mentors", _svg(fig), "Number of mentees by how many active mentors they have.")


# --------------------------------------------------------------------------- XLSX


ILLEGAL_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


def xlsx_cell(value):
    """A cell value a spreadsheet shows as typed: formulas neutralised, control characters dropped."""
    if isinstance(value, Number):
        return value.value
    if hasattr(value, "item"):
        value = value.item()
    if value is None:
        return None
    if isinstance(value, (bool, int, float)):
        return value
    return neutralise(ILLEGAL_XML.sub("", str(value)))


SHEET_NAMES = {"summary": "Summary", "coverage": "Coverage", "mosaic": "Mosaic", "groups": "By group",
               "concordance": "Concordance", "mentors": "Mentor load", "over_capacity": "Over capacity",
               "load_distribution": "Load distribution", "load_by_identity": "Load by identity",
               "conflicts": "Leadership conflicts", "stale": "Stale or ended", "no_candidate": "No candidate",
               "fragility": "Sole coverage", "compare": "Change"}


def sheet_name(section: Section) -> str:
    """A short sheet name (at most 31 characters, none of ``[]:*?/\\``)."""
    name = SHEET_NAMES.get(section.key) or section.title
    return " ".join(SHEET_FORBIDDEN.sub(" ", name).split())[:31]


def render_xlsx(figures: dict, *, names: dict[str, str] | None = None) -> bytes:
    """One sheet per section; numbers are stored as numbers (rates with a percent format),
    every text cell as text, never as a formula."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    wb.remove(wb.active)
    for s in sections(figures, full=True, names=names):
        ws = wb.create_sheet(sheet_name(s))
        ws.append([xlsx_cell(c) for c in s.frame.columns])
        for cell in ws[1]:
            cell.font = Font(bold=True)
        for record in s.frame.itertuples(index=False, name=None):
            ws.append([xlsx_cell(v) for v in record])
            for cell, value in zip(ws[ws.max_row], record):
                if isinstance(value, Number):
                    cell.number_format = value.number_format
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell.value, str):
                    cell.data_type = "s"
        if s.note:
            ws.append([])
            ws.append([xlsx_cell(s.note)])
            ws.cell(ws.max_row, 1).data_type = "s"
        for column in ws.columns:
            width = max(len(_shown(c)) for c in column)
            ws.column_dimensions[column[0].column_letter].width = min(60, max(8, width + 2))
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _shown(cell) -> str:
    """About what a spreadsheet shows in the cell (for the column width)."""
    if isinstance(cell.value, float) and "%" in cell.number_format:
        return f"{100 * cell.value:.1f}%"
    return str(cell.value if cell.value is not None else "")


# --------------------------------------------------------------------------- files


def report_format(path: str | Path) -> str:
    """The report format for an output file name, from its suffix."""
    suffix = Path(path).suffix.lower()
    if suffix not in REPORT_FORMATS:
        raise DataError(Problem(str(path), "unknown report type: use a file ending in .html, .md, .json or .xlsx"))
    return REPORT_FORMATS[suffix]


def check_writable(path: str | Path) -> None:
    """Fail before any work when the report cannot be written there (:mod:`mentornet.files`)."""
    files.check_writable(path)
