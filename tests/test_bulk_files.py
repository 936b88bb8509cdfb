"""The import files of the bulk path (``mentornet load DIR --bulk``), without a server: how each
value is spelled for ``neo4j-admin database import full``, and what it refuses to spell.
(tests/test_neo4j_bulk.py imports them into a real store and compares it with the online load.)"""
import csv

import pytest

from mentornet.backends.neo4j.bulk import write_import_files
from mentornet.errors import DataError
from mentornet.io import read_dataset

from helpers import write_dataset


def dataset(tmp_path):
    people = [{"id": "fac-a", "name": 'Dr. "A", Jr.', "role": "faculty", "research_interests": "ai;msk",
               "notes": "line one\r\nline two", "capacity": "2"},
              {"id": "res-b", "name": "", "role": "resident", "notes": ""}]
    rels = [{"source": "fac-a", "target": "res-b", "type": "MENTORS", "focus": "research", "status": "active"},
            {"source": "res-b", "target": "fac-a", "type": "KNOWS"}]
    return read_dataset(write_dataset(tmp_path / "ds", people, rels))


def rows(path):
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.reader(fh))


def test_texts_are_quoted_nothing_is_an_empty_field_and_line_breaks_are_announced(tmp_path):
    files = write_import_files(dataset(tmp_path), tmp_path)
    text = (tmp_path / "people.csv").read_text(encoding="utf-8")
    header, first, second = rows(tmp_path / "people.csv")
    people = dict(zip(header, first)), dict(zip(header, second))
    assert people[0]["name:string"] == 'Dr. "A", Jr.' and '"Dr. ""A"", Jr."' in text
    assert people[0]["notes:string"] == "line one\nline two"  # CRLF read as LF by the reader, kept inside quotes
    assert people[0]["capacity:long"] == "2" and ',2,' in text  # a number is not quoted
    assert people[0]["research_interests:string[]"] == "ai;msk"
    assert people[1]["notes:string"] == "" and text.endswith(',"","research_lower;career_lower"\n')  # an empty
    # text is a quoted empty text; nothing stored (no capacity, no lists) is an empty, unquoted field:
    assert people[1]["capacity:long"] == "" and '"resident","true",,,,,"true",,"114;101;115;45;98",,,,""' in text
    assert people[1]["mentornet_empty_lists:string[]"] == "research_lower;career_lower"  # set by finish-import
    assert files.multiline and "--multiline-fields=true" in files.arguments()
    assert rows(tmp_path / "knows.csv")[1][:2] == ["res-b", "fac-a"]


def test_no_line_break_no_multiline_option(tmp_path):
    ds = dataset(tmp_path)
    ds.people["notes"] = ["one", "two"]
    assert not write_import_files(ds, tmp_path).multiline


def test_a_list_of_texts_and_numbers_is_refused_by_its_type(tmp_path):
    ds = dataset(tmp_path)
    ds.people.at[0, "leadership"] = ("chair", 1)
    with pytest.raises(DataError, match="of several types"):
        write_import_files(ds, tmp_path)


def test_a_list_holding_every_array_delimiter_is_refused(tmp_path):
    ds = dataset(tmp_path)
    ds.people.at[0, "research_interests"] = (";\x1f\x1e\x1d|\t",)
    with pytest.raises(DataError, match="every array delimiter"):
        write_import_files(ds, tmp_path)
