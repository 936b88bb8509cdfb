"""Fuzzing the reader and ``gaps``: mutated datasets give a result or a clear error, nothing else.

A small valid dataset is mutated at the byte level (flips, truncation, insertion, deletion)
and at the cell level (random Unicode, quotes, delimiters, line breaks, huge and empty
values), and so is an Excel workbook. ``read_dataset`` must return a dataset or raise
:class:`DataError`; ``gaps`` must exit 0 or 2 without a traceback. Datasets that stay valid
but odd (strange free text and ids, extra ties) go through every exporting command, and data
carrying terminal controls through every command that writes to a terminal (nothing a terminal
acts on may reach stdout tables or stderr). Each example has a time limit (a signal alarm), so a hang
fails. Warnings are errors in the test suite, so a pandas warning counts as a crash too.

Examples are derandomised so CI is stable; set ``MENTORNET_FUZZ_EXAMPLES=5000`` (and
``MENTORNET_FUZZ_RANDOM=1`` for fresh random seeds) to fuzz harder locally.
"""
from __future__ import annotations

import contextlib
import csv
import io
import os
import signal
import tempfile
from pathlib import Path

from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mentornet import DataError, read_dataset
from mentornet.cli import main
from mentornet.output import printable

from helpers import in_new_directory
from test_injection import unsafe_characters

EXAMPLES = int(os.environ.get("MENTORNET_FUZZ_EXAMPLES", "120"))
TIME_LIMIT = 10  # seconds per example
FUZZ = settings(max_examples=EXAMPLES, deadline=None, derandomize=not os.environ.get("MENTORNET_FUZZ_RANDOM"),
                database=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

PEOPLE = [
    ["id", "name", "role", "department", "research_interests", "career_interests", "identity.gender",
     "identity.urm", "seeks_concordance", "capacity", "accepting", "leadership", "mentee"],
    ["res-a", "Ann Lee", "resident", "Rad", "ai;msk", "academic-promotion", "female", "no", "gender", "", "", "", ""],
    ["res-b", "Bo Chen", "fellow", "Rad", "neuro", "", "", "yes", "urm", "", "", "", ""],
    ["fac-c", "Cy Ray", "faculty", "Rad", "ai", "academic-promotion;leadership", "female", "no", "", "2",
     "true", "chair", "false"],
    ["fac-d", "Di Oz", "faculty", "Surg", "neuro;ai", "work-life", "male", "yes", "", "3", "yes", "", "true"],
    ["alu-e", "Ed Fox", "alumni", "", "msk", "leadership", "", "", "", "", "", "", ""],
]
RELS = [
    ["source", "target", "type", "focus", "status", "since", "last_met", "formal"],
    ["fac-c", "res-a", "MENTORS", "research;career", "active", "2024-01-01", "2026-10-01", "true"],
    ["fac-d", "res-b", "MENTORS", "career", "ended", "", "2024-05-01", "false"],
    ["fac-c", "fac-d", "COAUTHOR", "", "", "", "", ""],
    ["fac-d", "alu-e", "KNOWS", "", "", "", "", ""],
    ["alu-e", "res-a", "COLLEAGUE", "", "", "", "", ""],
]
FILES = ("people.csv", "relationships.csv")


class Huge(str):
    """A huge cell that prints short in a falsifying example."""

    def __repr__(self) -> str:
        return f"Huge({self[:10]!r} * {len(self):,} chars)"


def to_csv(rows) -> bytes:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue().encode("utf-8", "surrogatepass")


BASE = {"people.csv": to_csv(PEOPLE), "relationships.csv": to_csv(RELS)}


class Files:
    """The mutated files; printed short in a falsifying example (whole files would be megabytes)."""

    def __init__(self, files: dict[str, bytes]):
        self.files = files

    def __repr__(self) -> str:
        return "Files({" + ", ".join(f"{k!r}: {_short_bytes(v)}" for k, v in self.files.items()) + "})"


def _short_bytes(data: bytes, limit: int = 400) -> str:
    return repr(data) if len(data) <= limit else f"{data[:limit]!r} + ... ({len(data):,} bytes)"


@contextlib.contextmanager
def time_limit(seconds: int = TIME_LIMIT):
    def expired(signum, frame):
        raise TimeoutError(f"example did not finish within {seconds} s")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


@contextlib.contextmanager
def dataset_dir(files: dict[str, bytes]):
    with tempfile.TemporaryDirectory() as tmp:
        for name, data in files.items():
            Path(tmp, name).write_bytes(data)
        yield tmp


# --------------------------------------------------------------------------- strategies

NASTY_BYTES = [b"\x00", b"\xff", b"\xfe\xff", b"\xef\xbb\xbf", b'"', b",", b"\n", b"\r", b"\r\n", b";",
               b"\xc3", b"\xe2\x80\xa8", b"\t", b"\\", b"'", b"=", b'"""', b",,,,", b"\x1a"]


@st.composite
def byte_mutation(draw, data: bytes) -> bytes:
    """One to three of: flip a byte, truncate, insert bytes, delete a range, duplicate a slice."""
    for _ in range(draw(st.integers(1, 3))):
        n = len(data)
        kind = draw(st.sampled_from(["flip", "truncate", "insert", "delete", "duplicate"]))
        pos = draw(st.integers(0, n))
        if kind == "flip" and n:
            pos = min(pos, n - 1)
            data = data[:pos] + bytes([data[pos] ^ draw(st.integers(1, 255))]) + data[pos + 1:]
        elif kind == "truncate":
            data = data[:pos]
        elif kind == "insert":
            chunk = draw(st.one_of(st.sampled_from(NASTY_BYTES), st.binary(min_size=1, max_size=16)))
            data = data[:pos] + chunk + data[pos:]
        elif kind == "delete":
            data = data[:pos] + data[pos + draw(st.integers(1, 20)):]
        else:
            end = draw(st.integers(pos, min(n, pos + 80)))
            data = data[:end] + data[pos:end] + data[end:]
    return data


NASTY_CELLS = ['"', '""', '"unclosed', ",", ";", ";;", "\n", "\r\n", "\r", " ", "\t", "\x00", "\u2028",
               "=1+1", "+1", "-1", "@SUM(A1)", "NaN", "nan", "None", "null", "NULL", "N/A", "#N/A", "inf",
               "-inf", "1e309", "0x10", "1_000", "٣", "１", "true", "FALSE", "yes", "0", "-0", "+3", "3.0",
               "2026-02-30", "9999-12-31", "0001-01-01", "2026-1-1", "identity.", "identity.gender",
               "MENTORS", "mentors", "ended", "resident", "faculty", "res-a", "fac-c", " res-a ", "\ufeffid",
               "<script>alert(1)</script>", "'}) DETACH DELETE n //"]


def cell_values():
    return st.one_of(
        st.sampled_from(NASTY_CELLS),
        st.text(max_size=30),
        st.text(alphabet=st.characters(codec="utf-8"), min_size=1, max_size=10).map(lambda s: Huge(s * 100_000)),
        st.just(""),
    )


@st.composite
def cell_mutation(draw) -> Files:
    """Replace one to four cells (header included) of either table, written as proper CSV."""
    tables = {"people.csv": [row[:] for row in PEOPLE], "relationships.csv": [row[:] for row in RELS]}
    for _ in range(draw(st.integers(1, 4))):
        name = draw(st.sampled_from(FILES))
        rows = tables[name]
        r = draw(st.integers(0, len(rows) - 1))
        c = draw(st.integers(0, len(rows[r]) - 1))
        rows[r][c] = draw(cell_values())
    return Files({name: to_csv(rows) for name, rows in tables.items()})


@st.composite
def raw_cell_mutation(draw) -> Files:
    """Splice a value into a cell without CSV quoting, so it can break the file's structure."""
    name = draw(st.sampled_from(FILES))
    rows = [row[:] for row in (PEOPLE if name == "people.csv" else RELS)]
    r = draw(st.integers(0, len(rows) - 1))
    c = draw(st.integers(0, len(rows[r]) - 1))
    rows[r][c] = "\x00CELL\x00"
    text = to_csv(rows).decode("utf-8")
    value = draw(cell_values())
    return Files(dict(BASE, **{name: text.replace("\x00CELL\x00", value).encode("utf-8", "surrogatepass")}))


@st.composite
def byte_mutated_dataset(draw) -> Files:
    files = dict(BASE)
    for name in draw(st.lists(st.sampled_from(FILES), min_size=1, max_size=2, unique=True)):
        files[name] = draw(byte_mutation(files[name]))
    return Files(files)


def to_xlsx(rows) -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    for row in rows:
        wb.active.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


BASE_XLSX = to_xlsx(PEOPLE)
XLSX_VALUES = st.one_of(cell_values().filter(lambda v: "\x00" not in v and len(v) < 30_000),
                        st.integers(-10**20, 10**20), st.floats(), st.booleans(), st.none(),
                        st.datetimes(), st.dates())


@st.composite
def xlsx_mutation(draw) -> Files:
    """people.xlsx with mutated bytes (a damaged workbook) or cells of any type Excel holds."""
    if draw(st.booleans()):
        people = draw(byte_mutation(BASE_XLSX))
    else:
        rows = [row[:] for row in PEOPLE]
        for _ in range(draw(st.integers(1, 4))):
            r = draw(st.integers(0, len(rows) - 1))
            rows[r][draw(st.integers(0, len(rows[r]) - 1))] = draw(XLSX_VALUES)
        try:
            people = to_xlsx(rows)
        except Exception:  # openpyxl refuses some values (e.g. control characters): nothing to read
            people = BASE_XLSX
    return Files({"people.xlsx": people, "relationships.csv": BASE["relationships.csv"]})


any_mutation = st.one_of(byte_mutated_dataset(), cell_mutation(), raw_cell_mutation())


FREE_PEOPLE_COLUMNS = [1, 3, 4, 5, 6, 7, 8, 11]  # name, department, interests, identity, seeks, leadership
ODD_TEXT = st.one_of(st.text(max_size=12), st.sampled_from(NASTY_CELLS),
                     st.sampled_from(["ai", "AI ", "gender", "urm", "Female", "chair", "career", "research"]))


@st.composite
def odd_but_valid(draw) -> Files:
    """A valid dataset with odd free text, renamed ids and extra ties: exercises the analyses."""
    people, rels = [row[:] for row in PEOPLE], [row[:] for row in RELS]
    for _ in range(draw(st.integers(1, 8))):
        if draw(st.booleans()):
            people[draw(st.integers(1, len(people) - 1))][draw(st.sampled_from(FREE_PEOPLE_COLUMNS))] = draw(ODD_TEXT)
        else:
            rels[draw(st.integers(1, len(rels) - 1))][3] = draw(ODD_TEXT)
    ids = [row[0] for row in people[1:]]
    if draw(st.booleans()):
        old = draw(st.sampled_from(ids))
        new = draw(st.text(min_size=1, max_size=10).filter(
            lambda t: ">" not in t and t.strip() and t.strip() not in ids))
        for row in people[1:]:
            row[0] = new if row[0] == old else row[0]
        for row in rels[1:]:
            row[0], row[1] = (new if v == old else v for v in row[:2])
        ids = [row[0] for row in people[1:]]
    for _ in range(draw(st.integers(0, 6))):
        a, b = draw(st.sampled_from(ids)), draw(st.sampled_from(ids))
        if a != b:
            rels.append([a, b, draw(st.sampled_from(["MENTORS", "KNOWS", "COAUTHOR", "COLLEAGUE"])), draw(ODD_TEXT),
                         draw(st.sampled_from(["", "ended", "active"])), "",
                         draw(st.sampled_from(["", "2020-01-01", "2026-11-25", "2030-01-01"])), ""])
    return Files({"people.csv": to_csv(people), "relationships.csv": to_csv(rels)})


EVERY_COMMAND = [["gaps"], ["refer"], ["match"], ["refer", "--format", "table"], ["audit", "--format", "table"],
                 ["audit", "-o", "r.html"], ["audit", "-o", "r.xlsx"], ["audit", "-o", "r.md"], ["viz", "-o", "v.html"],
                 ["viz", "-o", "v.html", "--show-identity", "--pseudonymize"],
                 ["match", "--pseudonymize", "--format", "table"]]
GENEROUS_POLICY = "min_group_size = 1\nmax_hops = 5\ntop_k = 10\n[concordance]\ngender = ['female']\n"


# --------------------------------------------------------------------------- properties


def check_reader(files: Files) -> None:
    with dataset_dir(files.files) as d, time_limit():
        try:
            ds = read_dataset(d)
        except DataError as exc:
            assert exc.problems, "DataError without problems"
            for p in exc.problems:
                assert p.file and p.message
                assert len(p.message) < 2_000, "a message quotes a huge cell whole"
        else:
            assert ds.people["id"].is_unique


def check_gaps(files: Files) -> None:
    with dataset_dir(files.files) as d, time_limit():
        result = CliRunner().invoke(main, ["gaps", d, "--format", "csv", "--as-of", "2026-11-25"])
    assert result.exit_code in (0, 2), (result.exit_code, result.output[-2000:], result.exception)
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    if result.exit_code == 2:
        assert result.stderr.startswith("error: ") or "Usage:" in result.stderr, result.stderr[:500]
        assert result.stdout == ""


def test_base_dataset_is_valid():
    with dataset_dir(BASE) as d:
        assert len(read_dataset(d).people) == 5
    with dataset_dir({"people.xlsx": BASE_XLSX, "relationships.csv": BASE["relationships.csv"]}) as d:
        assert len(read_dataset(d).people) == 5


@FUZZ
@given(byte_mutated_dataset())
def test_reader_survives_byte_mutations(files):
    check_reader(files)


@FUZZ
@given(cell_mutation())
def test_reader_survives_cell_mutations(files):
    check_reader(files)


@FUZZ
@given(raw_cell_mutation())
def test_reader_survives_unquoted_cells(files):
    check_reader(files)


@settings(FUZZ, max_examples=max(20, EXAMPLES // 3))
@given(xlsx_mutation())
def test_reader_survives_damaged_workbooks(files):
    check_reader(files)


@FUZZ
@given(any_mutation)
def test_gaps_exits_0_or_2(files):
    check_gaps(files)


@settings(FUZZ, max_examples=max(30, EXAMPLES // 3))
@given(odd_but_valid(), st.sampled_from(EVERY_COMMAND), st.booleans())
def test_every_command_on_odd_but_valid_data(files, command, generous):
    with dataset_dir(files.files) as d, time_limit(30):
        policy = Path(d, "policy.toml")
        policy.write_text(GENEROUS_POLICY)
        runner = CliRunner(env={"MENTORNET_SALT": "fuzz-salt-0123456789"})
        with in_new_directory():
            result = runner.invoke(main, [command[0], d, "--as-of", "2026-11-25", *command[1:],
                                          *(["--policy", str(policy)] if generous else [])])
    assert result.exit_code in (0, 2), (command, result.output[-2000:], result.exception)
    assert "Traceback" not in result.output


# --------------------------------------------------------------------------- the terminal

TERMINAL_NASTY = ["\x1b[2J", "\x1b]0;pwned\x07", "\u202eevil", "\u2066x\u2069", "zero\u200bwidth", "\x9b31m",
                  "line\nbreak", "car\rriage", "\u2028", "\ufeff", "\U000e0041", "\udcff", "\x00", "\x7f"]
TERMINAL_TEXT = st.one_of(st.sampled_from(TERMINAL_NASTY),
                          st.lists(st.sampled_from(TERMINAL_NASTY + ["a", " ", "é", "山"]), min_size=1,
                                   max_size=6).map("".join),
                          st.text(max_size=12))
TERMINAL_COMMANDS = [["validate"], ["gaps", "--format", "table"], ["refer", "--format", "table"],
                     ["match", "--format", "table"], ["match", "--format", "csv"], ["audit", "--format", "table"],
                     ["viz", "--department", "nowhere", "-o", "v.html"]]


@st.composite
def terminal_controls_in_the_data(draw) -> Files:
    """Valid-looking data whose names, departments, ids, identity header and a duplicate row carry controls."""
    people, rels = [row[:] for row in PEOPLE], [row[:] for row in RELS]
    people[draw(st.integers(1, len(people) - 1))][1] = draw(TERMINAL_TEXT)  # a name
    people[draw(st.integers(1, len(people) - 1))][3] = draw(TERMINAL_TEXT)  # a department
    for _ in range(draw(st.integers(0, 3))):
        people[draw(st.integers(1, len(people) - 1))][draw(st.sampled_from(FREE_PEOPLE_COLUMNS))] = \
            draw(TERMINAL_TEXT)
    if draw(st.booleans()):  # an id, renamed everywhere (fac-c is in the duplicate row below)
        old, new = draw(st.sampled_from(["fac-c", "res-a", "fac-d"])), "id" + draw(TERMINAL_TEXT).replace(">", "")
        for row in people[1:] + rels[1:]:
            row[:2] = [new if v == old else v for v in row[:2]]
    if draw(st.booleans()):
        people[0][7] = "identity." + draw(TERMINAL_TEXT)
    rels.append(rels[1][:])  # a duplicate row: a warning that names both ids
    return Files({"people.csv": to_csv(people), "relationships.csv": to_csv(rels)})


@settings(FUZZ, max_examples=max(30, EXAMPLES // 3))
@given(terminal_controls_in_the_data(), st.sampled_from(TERMINAL_COMMANDS))
def test_nothing_a_terminal_acts_on_reaches_it(files, command):
    with dataset_dir(files.files) as d, time_limit(30), in_new_directory():
        result = CliRunner().invoke(main, [command[0], d, "--as-of", "2026-11-25", *command[1:]])
    assert result.exit_code in (0, 2), (command, result.output[-2000:], result.exception)
    assert unsafe_characters(result.stderr) == set(), result.stderr[-2000:]
    if "table" in command:
        assert unsafe_characters(result.stdout) == set(), result.stdout[-2000:]


@FUZZ
@given(st.text())
def test_printable_escapes_and_keeps_the_rest(text):
    shown = printable(text)
    assert unsafe_characters(shown) == set() and "\n" not in shown
    assert (shown == text) == (unsafe_characters(text) == set() and "\n" not in text)
