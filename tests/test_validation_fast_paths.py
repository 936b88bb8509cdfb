"""The shortcuts validation takes on big, clean files (io.py) must not hide a problem: one bad
cell at the end of a few thousand clean rows is still found, with its row and column."""
import os
import subprocess
import sys
from unittest.mock import patch

import pandas as pd
import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from mentornet import io
from mentornet.cli import main
from mentornet.model import processors

N = 3_000


def dataset(tmp_path, *, people_tail="", rels_tail=""):
    people = ["id,name,role"] + [f"p{i},Person {i},{'faculty' if i % 2 else 'resident'}" for i in range(N)]
    rels = ["source,target,type"] + [f"p{i},p{(i + 1) % N},KNOWS" for i in range(N)]
    (tmp_path / "people.csv").write_text("\n".join(people) + "\n" + people_tail, encoding="utf-8")
    (tmp_path / "relationships.csv").write_text("\n".join(rels) + "\n" + rels_tail, encoding="utf-8")
    return tmp_path


def validate(ds):
    result = CliRunner().invoke(main, ["validate", str(ds)])
    return result.exit_code, result.output


def test_clean_big_dataset_passes(tmp_path):
    code, out = validate(dataset(tmp_path))
    assert code == 0, out


@pytest.mark.parametrize("char", ["\u200b", "\u00a0", "\x07", "\u202e"])
def test_invisible_character_in_the_last_relationship_row(tmp_path, char):
    code, out = validate(dataset(tmp_path, rels_tail=f"p1,p{char}2,KNOWS\n"))
    assert code == 2
    assert f"relationships.csv, row {N + 2}, column target: target 'p" in out
    assert f"contains the invisible character U+{ord(char):04X}" in out


def test_invisible_character_in_the_last_person_id(tmp_path):
    code, out = validate(dataset(tmp_path, people_tail="q\u200d1,Q,faculty\n"))
    assert code == 2
    assert f"people.csv, row {N + 2}, column id: id 'q" in out
    assert "contains the invisible character U+200D (ZERO WIDTH JOINER)" in out


def test_short_row_at_the_end_is_found(tmp_path):
    code, out = validate(dataset(tmp_path, rels_tail="p1,p2\n"))
    assert code == 2
    assert f"relationships.csv, row {N + 2}: row has 2 cells, fewer than the header's 3" in out


def test_short_row_beside_a_blank_looking_row_is_found(tmp_path):
    # a row of spaces has no separator: the separator count alone cannot vouch for the rest
    code, out = validate(dataset(tmp_path, rels_tail="   \np1,p2\n"))
    assert code == 2
    assert f"relationships.csv, row {N + 3}: row has 2 cells, fewer than the header's 3" in out


def test_rows_of_spaces_and_separators_are_blank(tmp_path):
    code, out = validate(dataset(tmp_path, rels_tail=" , , \n   \n"))
    assert code == 0, out


def test_duplicate_rows_at_the_end_are_warned(tmp_path):
    code, out = validate(dataset(tmp_path, rels_tail="p0,p1,knows\n p0 ,p1,KNOWS\np0,p1,MENTORS\n"))
    assert code == 0, out
    assert f"row {N + 2}: duplicate KNOWS row p0 -> p1 (also row 2); rows are merged" in out
    assert f"row {N + 3}: duplicate KNOWS row p0 -> p1 (also row 2); rows are merged" in out
    assert f"row {N + 4}: duplicate" not in out


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["a", "b", "c"]), st.sampled_from(["a", "b", "d"]),
                          st.sampled_from(["KNOWS", "MENTORS"])), max_size=40))
def test_each_duplicate_names_the_first_row_of_its_kind(triples):
    """Every later row of a (source, target, type) is warned, naming the first such row, as a
    plain scan in row order says; whether io hands the numbers in or they are made here."""
    import pandas as pd
    rels = pd.DataFrame(triples, columns=["source", "target", "type"])
    rels["row"] = range(2, len(rels) + 2)
    seen, want = {}, []
    for row, triple in zip(rels["row"], triples):
        if triple in seen:
            want.append(f"duplicate {triple[2]} row {triple[0]} -> {triple[1]} (also row {seen[triple]}); rows are merged")
        seen.setdefault(triple, row)
    people = {p: i for i, p in enumerate("abcd")}
    key = (rels["source"].map(people) * 5 + rels["target"].map(people)) * 3 + (rels["type"] == "MENTORS")
    for given_key in (None, key.to_numpy()):
        found = [p.message for p in io._duplicate_warnings(rels, "relationships.csv", given_key)]
        assert found == want[:io.MAX_REPORTED] + ([f"... and {len(want) - io.MAX_REPORTED} more duplicate rows"]
                                                  if len(want) > io.MAX_REPORTED else [])


def test_self_relationship_between_unknown_ids(tmp_path):
    code, out = validate(dataset(tmp_path, rels_tail="zz,zz,KNOWS\n,,KNOWS\n"))
    assert code == 2
    assert f"row {N + 2}, column target: a person cannot have a relationship with themselves" in out
    assert f"row {N + 3}, column target: a person cannot" not in out


def dataset_with(tmp_path, rel_row, *, people_tail="", middle=N // 2):
    """The clean dataset with one relationship line replaced in the middle."""
    ds = dataset(tmp_path, people_tail=people_tail)
    path = ds / "relationships.csv"
    lines = path.read_text(encoding="utf-8").split("\n")
    lines[middle] = rel_row
    path.write_text("\n".join(lines), encoding="utf-8")
    return ds


@pytest.mark.parametrize("target", ["p2 ", "\tp2", "p2\u00a0", "\u3000p2"])
def test_a_padded_id_in_the_middle_is_trimmed(tmp_path, target):
    # the trimming check runs on every distinct cell at once: one padded cell among thousands
    # of clean ones must still be trimmed (else it names no person: exit 2)
    code, out = validate(dataset_with(tmp_path, f"p1,{target},KNOWS"))
    assert code == 0, out


def test_a_decomposed_id_in_the_middle_is_composed(tmp_path):
    # 'qé' written decomposed (e + U+0301) in one relationship names the person 'qé' (composed)
    ds = dataset_with(tmp_path, "p1,qe\u0301,KNOWS", people_tail="q\u00e9,Q,faculty\n")
    code, out = validate(ds)
    assert code == 0, out


def test_blank_rows_in_the_middle_keep_the_row_numbers(tmp_path):
    # blank rows (empty, spaces, separators, a tab) are looked for among the lines that can be
    # blank; the rows after them keep the numbers a spreadsheet shows
    code, out = validate(dataset(tmp_path, rels_tail="\n , , \n\t\n,,\np1,p2\n"))
    assert code == 2
    assert f"relationships.csv, row {N + 6}: row has 2 cells, fewer than the header's 3" in out
    assert out.count("fewer than the header's") == 1, out  # the blank rows are not short rows


def test_a_row_that_starts_filled_is_not_blank(tmp_path):
    # '#' or a letter in the first cell: the row is a row (here a short one), not a blank one
    code, out = validate(dataset(tmp_path, rels_tail="#,p1,KNOWS\n"))
    assert code == 2
    assert f"relationships.csv, row {N + 2}, column source: unknown person '#'" in out


# --------------------------------------------------------------------------- lines that may be blank

LINE_PIECES = st.sampled_from(["p1", "x", ",", ";", " ", "\t", "\n", "\n\n", "é", "#", "\x1f", "~", "!", "\x7f"])


@settings(max_examples=300, deadline=None, derandomize=True, database=None)
@given(st.lists(LINE_PIECES, max_size=60), st.sampled_from([",", ";"]), st.booleans())
def test_lines_that_may_be_blank_are_found_by_search_as_by_every_first_byte(pieces, sep, many):
    # the search for line ends before a possible blank line (and its way out when there are
    # many) gives the positions reading every line's first byte gives
    body = "".join(pieces).encode("utf-8")
    rows = body.count(b"\n") + (0 if body.endswith(b"\n") else 1) - 1
    if rows < 0:
        return
    with patch.object(io, "MANY_BLANK_LINES", 2 if many else io.MANY_BLANK_LINES):
        found = io._maybe_blank(body, sep, rows, io._unquoted_records(body))
    assert found.tolist() == io._maybe_blank_lines(body, sep, rows).tolist()


def test_a_file_of_many_blank_looking_lines_keeps_its_blank_rows_and_numbers(tmp_path):
    # every row starts with the separator (an empty first column), past the search's limit
    with patch.object(io, "MANY_BLANK_LINES", 10):
        people = "x,id,role\n" + "".join(f",p{i},faculty\n" for i in range(40)) + ",,\n , ,\n,p40,dean\n"
        (tmp_path / "people.csv").write_text(people, encoding="utf-8")
        (tmp_path / "relationships.csv").write_text("source,target,type\n", encoding="utf-8")
        code, out = validate(tmp_path)
    assert code == 2
    assert "people.csv, row 44, column role: unknown role 'dean'" in out


@pytest.mark.parametrize("tail", ["zz,p1,KNOWS\np2 ,yy,KNOWS\n\u3000p3,p4,KNOWS\np5,qe\u0301,KNOWS\n",
                                  "p1,p2 ,KNOWS\n"])
def test_the_id_columns_read_alike_on_one_thread_and_two(tmp_path, monkeypatch, tail):
    # source and target are factorized side by side on two threads (io._distinct_ids); one
    # thread must find the same people, the same unknown ids and the same rows
    monkeypatch.setattr(io, "THREADED_IDS", 0)  # threads for these 3,000 rows too
    ds = dataset(tmp_path, people_tail="q\u00e9,Q,faculty\n", rels_tail=tail)
    found = []
    for threads in ("1", "2"):
        monkeypatch.setenv("MENTORNET_THREADS", threads)
        try:
            read = io.read_dataset(ds)
            found.append((read.relationships, read.relationship_people, [str(w) for w in read.warnings]))
        except io.DataError as exc:
            found.append([str(p) for p in exc.problems])
    if isinstance(found[0], list):
        assert found[0] == found[1] and "unknown person 'zz'" in " ".join(found[0])
        return
    (rels, people, warnings), (rels2, people2, warnings2) = found
    pd.testing.assert_frame_equal(rels, rels2)
    assert [list(a) for a in people] == [list(b) for b in people2] and warnings == warnings2
    assert rels["target"].iat[-1] == "p2" and people[1][-1] == 2


def test_the_id_columns_are_read_at_the_interpreters_exit(tmp_path):
    # no thread can start then: the columns are factorized in turn
    ds = dataset(tmp_path, rels_tail="p1,zz,KNOWS\n")
    code = ("import atexit\n"
            "from mentornet import io\n"
            "io.THREADED_IDS = 0\n"
            "def read():\n"
            "    try:\n"
            f"        io.read_dataset({str(ds)!r})\n"
            "    except io.DataError as exc:\n"
            "        print([str(p) for p in exc.problems])\n"
            "atexit.register(read)\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                          env={**os.environ, "MENTORNET_THREADS": "2"})
    assert done.returncode == 0 and not done.stderr, done.stderr
    assert f"row {N + 2}, column target: unknown person 'zz'" in done.stdout


@pytest.mark.parametrize("given", ["\u00b2", "\u2460", "0", "-1", "two", ""])
def test_a_thread_count_that_is_not_a_number_is_the_machines(monkeypatch, given):
    monkeypatch.setenv("MENTORNET_THREADS", given)
    assert processors(at_most=1) == 1
    monkeypatch.setenv("MENTORNET_THREADS", "3")
    assert processors(at_most=1) == 3  # a number given is taken as it is
