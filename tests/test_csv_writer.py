"""``output.write_csv`` writes exactly what :class:`csv.writer` writes for the cells
``output._csv_column`` makes, whether it takes the way for cells that need no quoting (joined
by commas) or hands the rows to csv.writer."""
from __future__ import annotations

import csv
import io

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mentornet import output
from mentornet.output import write_csv


DTYPES = {"text": object, "maybe": object, "str": str}


def expected(frame: pd.DataFrame) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([output.neutralise(c) for c in frame.columns])
    writer.writerows(zip(*[output._csv_column(frame[c]) for c in frame.columns]))
    return buffer.getvalue()


def written(frame: pd.DataFrame) -> str:
    stream = io.StringIO()
    write_csv(frame, stream)
    return stream.getvalue()


text = st.text(alphabet=st.sampled_from(list("ab ,\"\r\n\t=+-@é\x00;")), max_size=6)
column = st.one_of(
    st.lists(text, min_size=1, max_size=8).map(lambda v: ("text", v)),
    st.lists(text, min_size=1, max_size=8).map(lambda v: ("str", v)),  # pandas 3's string dtype
    st.lists(st.integers(-5, 10**12), min_size=1, max_size=8).map(lambda v: ("int", v)),
    st.lists(st.booleans(), min_size=1, max_size=8).map(lambda v: ("bool", v)),
    st.lists(st.floats(allow_nan=True, allow_infinity=False, width=32), min_size=1, max_size=8).map(lambda v: ("float", v)),
    st.lists(st.none() | st.just("x") | st.just(""), min_size=1, max_size=8).map(lambda v: ("maybe", v)))


@settings(max_examples=400, deadline=None)
@given(st.lists(column, min_size=1, max_size=4), st.integers(0, 8))
def test_the_same_text_as_csv_writer(columns, rows):
    frame = pd.DataFrame({f"c{i}": pd.Series((values * 9)[:rows], dtype=DTYPES.get(kind))
                          for i, (kind, values) in enumerate(columns)})
    assert written(frame) == expected(frame)


@pytest.mark.parametrize("cells", [["plain", "text"], ["", ""], ["a,b", "c"], ['say "hi"', "x"], ["two\nlines", "x"],
                                   ["carriage\rreturn", "x"], ["=1+1", "x"], ["é", "😀"]])
def test_edge_cells(cells):
    frame = pd.DataFrame({"a": pd.Series(cells, dtype=object), "b": [1, 2], "c": [True, False],
                          "d": pd.array([1, None], dtype="Int64")})
    assert written(frame) == expected(frame)
    one = frame[["a"]]
    assert written(one) == expected(one)  # a lone empty cell is quoted: '""'


def test_many_rows_in_chunks():
    n = output.CSV_CHUNK * 2 + 7
    frame = pd.DataFrame({"mentee_id": [f"P{i:07d}" for i in range(n)], "area": np.where(np.arange(n) % 2, "career", "research"),
                          "active_mentors": np.arange(n) % 3})
    text = written(frame)
    assert text == expected(frame)
    assert text.count("\n") == n + 1


def test_empty_frame():
    frame = pd.DataFrame({"a": pd.Series([], dtype=object), "b": pd.Series([], dtype=np.int64)})
    assert written(frame) == expected(frame) == "a,b\n"
