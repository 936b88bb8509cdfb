"""``output.indented_json``, the one writer of the commands' indented JSON, writes exactly what
``json.dumps(value, indent=2, ensure_ascii=False)`` writes: the audit's figures, the rows of
``--format json`` and ``validate --format json`` are the same text as before, only sooner."""
from __future__ import annotations

import enum
import io
import json
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mentornet.output import indented_json, write_indented_json


def expected(value) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False)


scalars = (st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True, allow_infinity=True)
           | st.text())
keys = st.text() | st.integers() | st.floats(allow_nan=False) | st.booleans() | st.none()
values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=5) | st.tuples(inner, inner)
    | st.dictionaries(keys, inner, max_size=5),
    max_leaves=40)


@settings(max_examples=400, deadline=None)
@given(values)
def test_the_same_text_as_the_json_module(value):
    assert indented_json(value) == expected(value)


class Level(enum.IntEnum):
    HIGH = 3


class Name(str):
    pass


@pytest.mark.parametrize("value", [
    {}, [], (), "", 0, -0.0, 1e300, math.nan, -math.inf, "\u2028\x00\"\\</script>é😀",
    {"rows": [{"id": "P1", "load": 3, "share": 0.25, "ok": True, "none": None, "list": [], "map": {}}]},
    {1: "a", 2.5: "b", True: "c", None: "d"},
    [Level.HIGH, Name("x"), {Name("k"): Level.HIGH}, (1, (2, [3]))],
    {"nested": [[[]], [{}], [[1, 2], {"a": [{"b": {}}]}]]},
    [{1: "a"}, {True: "b"}, {1.0: "c"}, {"1": "d"}],  # one dict key, four JSON keys: a key's text is not reused
    [{"id": "P1", "n": 1}, {"id": "P2", "n": 2}, {"n": 3, "id": "P3"}, {"id": "P4"}],  # rows repeat keys
])
def test_edge_values(value):
    assert indented_json(value) == expected(value)


@pytest.mark.parametrize("value", [{"a": object()}, [1, {2, 3}], {(1, 2): "tuple key"}, b"bytes"])
def test_what_json_refuses_is_refused(value):
    with pytest.raises(TypeError):
        expected(value)
    with pytest.raises(TypeError):
        indented_json(value)


class Recorded(io.StringIO):
    def __init__(self):
        super().__init__()
        self.sizes = []

    def write(self, text):
        self.sizes.append(len(text))
        return super().write(text)


def test_rows_are_written_as_they_are_made_not_held_whole():
    """``--format json`` of many rows streams them (as json.dump did): the same text, written a
    few thousand rows at a time, never all of it at once."""
    rows = [{"mentee_id": f"P{i:06d}", "area": "research", "rank": i % 3 + 1, "score": i / 7, "path": None}
            for i in range(30_000)]
    stream = Recorded()
    write_indented_json(rows, stream)
    assert stream.getvalue() == expected(rows)
    assert len(stream.sizes) > 5
    assert max(stream.sizes) < len(stream.getvalue()) / 4


@settings(max_examples=100, deadline=None)
@given(values)
def test_written_the_same_as_made(value):
    stream = io.StringIO()
    write_indented_json(value, stream)
    assert stream.getvalue() == expected(value)
