"""``with_duplicate_numbers``: the number that tells apart relationships with the same source,
target and type (the key of both loads), checked against its definition counted row by row."""
import random

import pandas as pd
import pytest

from mentornet.backends.neo4j import load
from mentornet.backends.neo4j.load import with_duplicate_numbers


def counted_by_hand(rows):
    seen: dict = {}
    numbers = []
    for row in rows:
        key = (row["type"], row["source"], row["target"])
        numbers.append(seen.get(key, 0))
        seen[key] = numbers[-1] + 1
    return numbers


def random_rows(count, people, seed):
    rng = random.Random(seed)
    ids = [f"p{i}" for i in range(people)]
    return [{"source": rng.choice(ids), "target": rng.choice(ids), "type": rng.choice(["MENTORS", "KNOWS", "COAUTHOR"]),
             "row": i + 2} for i in range(count)]


@pytest.mark.parametrize("count,people", [(0, 3), (1, 3), (7, 2), (500, 4), (5_000, 60), (5_000, 5_000)])
def test_each_row_counts_the_earlier_rows_with_its_source_target_and_type(count, people):
    rows = random_rows(count, people, seed=count + people)
    frame = pd.DataFrame(rows, columns=["source", "target", "type", "row"])
    numbered = with_duplicate_numbers(frame)
    assert numbered["duplicate"].tolist() == counted_by_hand(rows)
    assert numbered.drop(columns="duplicate").equals(frame)  # the rows themselves untouched, in their order


def test_the_count_is_the_same_when_the_key_must_be_renumbered_on_the_way(monkeypatch):
    rows = random_rows(3_000, 40, seed=7)
    frame = pd.DataFrame(rows)
    monkeypatch.setattr(load, "KEY_LIMIT", 50)  # every column after the first overflows the limit
    assert with_duplicate_numbers(frame)["duplicate"].tolist() == counted_by_hand(rows)


def test_a_missing_end_is_a_value_of_its_own_and_moves_no_other_rows_number():
    frame = pd.DataFrame({"type": ["MENTORS", "KNOWS", "MENTORS", "MENTORS"], "source": ["a", None, "b", None],
                          "target": ["t", "t", "t", "t"]})
    assert with_duplicate_numbers(frame)["duplicate"].tolist() == [0, 0, 0, 0]
