"""The shortcuts validation takes on big, clean files (io.py) must not hide a problem: one bad
cell at the end of a few thousand clean rows is still found, with its row and column."""
import pytest
from click.testing import CliRunner

from mentornet.cli import main

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


def test_self_relationship_between_unknown_ids(tmp_path):
    code, out = validate(dataset(tmp_path, rels_tail="zz,zz,KNOWS\n,,KNOWS\n"))
    assert code == 2
    assert f"row {N + 2}, column target: a person cannot have a relationship with themselves" in out
    assert f"row {N + 3}, column target: a person cannot" not in out
