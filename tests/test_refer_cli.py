"""``mentornet refer`` and ``mentornet match`` through Click's CliRunner, with exact output.

The dataset (people listed out of order on purpose):

    res-b  Bea Brooks    resident, Rad, research ai; fac-kim is her active CAREER mentor
    res-a  Ann Alvarez   resident, Rad, research msk, gender female, seeks gender concordance
    fac-kim Dr. Kim      faculty, Rad, research neuro, career teaching, gender male
    fac-ray Dr. Tess Ray faculty, Rad, research AI;msk, gender female
    fac-lee Dr. Lee      faculty, research msk
    stu-z  Zoe           student, no ties

    ties: fac-kim MENTORS res-b (career), fac-kim COAUTHOR fac-ray, res-a COLLEAGUE fac-ray,
          fac-lee COLLEAGUE res-a

Gaps: res-a career, identity:gender, research; res-b research (career covered by fac-kim);
stu-z career, research. Worked out by hand:

- res-a career (lists none -> anyone listing career interests, score 0): fac-kim, 2 hops via fac-ray.
- res-a identity:gender: fac-ray (female, 1 hop); score = research Jaccard {msk}/{ai,msk} = 0.5.
- res-a research (msk): fac-lee 1 hop, score 1; fac-ray 1 hop, score 0.5.
- res-b research (ai): fac-kim is already her mentor; fac-ray 2 hops through her mentor, score 0.5.
- stu-z: nobody in reach: one row per gap with only the reason (no suited mentor in reach).
"""
from __future__ import annotations

import csv
import io
import json

import pytest
from click.testing import CliRunner
from helpers import write_dataset

from mentornet.cli import main

AS_OF = "2026-11-25"
PEOPLE = [
    {"id": "res-b", "name": "Bea Brooks", "role": "resident", "department": "Rad", "research_interests": "ai"},
    {"id": "res-a", "name": "Ann Alvarez", "role": "resident", "department": "Rad", "research_interests": "msk",
     "identity.gender": "female", "seeks_concordance": "gender"},
    {"id": "fac-kim", "name": "Dr. Kim", "role": "faculty", "department": "Rad", "research_interests": "neuro",
     "career_interests": "teaching", "identity.gender": "male"},
    {"id": "fac-ray", "name": "Dr. Tess Ray", "role": "faculty", "department": "Rad", "research_interests": "AI;msk",
     "identity.gender": "female"},
    {"id": "fac-lee", "name": "Dr. Lee", "role": "faculty", "research_interests": "msk"},
    {"id": "stu-z", "name": "Zoe", "role": "student"},
]
RELATIONSHIPS = [
    {"source": "fac-kim", "target": "res-b", "type": "MENTORS", "focus": "career"},
    {"source": "fac-kim", "target": "fac-ray", "type": "COAUTHOR"},
    {"source": "res-a", "target": "fac-ray", "type": "COLLEAGUE"},
    {"source": "fac-lee", "target": "res-a", "type": "COLLEAGUE"},
]
REFER_HEAD = ["mentee_id", "area", "rank", "candidate_id", "hops", "score", "path"]
# mentee_id, area, rank, candidate_id, hops, score, path
ALL_ROWS = [
    ["res-a", "career", "1", "fac-kim", "2", "0.0000", "res-a>fac-ray>fac-kim"],
    ["res-a", "identity:gender", "1", "fac-ray", "1", "0.5000", "res-a>fac-ray"],
    ["res-a", "research", "1", "fac-lee", "1", "1.0000", "res-a>fac-lee"],
    ["res-a", "research", "2", "fac-ray", "1", "0.5000", "res-a>fac-ray"],
    ["res-b", "research", "1", "fac-ray", "2", "0.5000", "res-b>fac-kim>fac-ray"],
]
NO_SUITED = "no suited mentor in reach"
# the gaps without a referral: mentee_id, area, then empty cells, and the reason last
OPEN_ROWS = [["stu-z", "career", "", "", "", "", ""], ["stu-z", "research", "", "", "", "", ""]]


@pytest.fixture
def source(tmp_path):
    return str(write_dataset(tmp_path / "ds", PEOPLE, RELATIONSHIPS))


def run(*args):
    result = CliRunner().invoke(main, [str(a) for a in args])
    assert "Traceback" not in result.output
    return result


def csv_rows(text):
    return list(csv.reader(io.StringIO(text)))


# --------------------------------------------------------------------------- refer


def test_refer_csv_columns_and_order(source):
    result = run("refer", source, "--as-of", AS_OF, "--format", "csv")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("mentee_id,area,rank,candidate_id,hops,score,path,")
    rows = csv_rows(result.stdout)
    assert rows[0][:7] == REFER_HEAD
    # sorted by mentee_id, area, rank although res-b comes first in people.csv
    assert [r[:7] for r in rows[1:]] == ALL_ROWS + OPEN_ROWS
    assert rows[0][-1] == "reason" and [r[-1] for r in rows[1:]] == [""] * len(ALL_ROWS) + [NO_SUITED] * 2
    assert result.stderr == ""


def test_refer_csv_extra_columns_name_the_candidate_and_the_ties(source):
    rows = csv_rows(run("refer", source, "--as-of", AS_OF, "--format", "csv").stdout)
    extra = dict(zip(rows[0], rows[-3]))
    # res-b's referral: through her mentor fac-kim, who co-authors with fac-ray; they share "ai"
    assert (extra["candidate_name"], extra["shares"], extra["ties"]) == ("Dr. Tess Ray", "ai", "mentor>coauthor")


def test_refer_json(source):
    result = run("refer", source, "--as-of", AS_OF, "--format", "json")
    assert result.exit_code == 0, result.output
    records = json.loads(result.stdout)
    assert [list(r)[:7] for r in records] == [REFER_HEAD] * (len(ALL_ROWS) + 2)
    assert [[r[k] for k in [*REFER_HEAD, "reason"]] for r in records[-2:]] == [
        ["stu-z", "career", None, None, None, None, None, NO_SUITED],
        ["stu-z", "research", None, None, None, None, None, NO_SUITED]]
    assert [[r[k] for k in REFER_HEAD] for r in records[:-2]] == [
        ["res-a", "career", 1, "fac-kim", 2, 0.0, "res-a>fac-ray>fac-kim"],
        ["res-a", "identity:gender", 1, "fac-ray", 1, 0.5, "res-a>fac-ray"],
        ["res-a", "research", 1, "fac-lee", 1, 1.0, "res-a>fac-lee"],
        ["res-a", "research", 2, "fac-ray", 1, 0.5, "res-a>fac-ray"],
        ["res-b", "research", 1, "fac-ray", 2, 0.5, "res-b>fac-kim>fac-ray"],
    ]


def test_refer_table_says_whom_to_ask(source):
    result = run("refer", source, "--as-of", AS_OF, "--format", "table")
    assert result.exit_code == 0, result.output
    assert result.stdout == (
        "Ann Alvarez (res-a) needs a career mentor:\n"
        "  1. Ask Dr. Tess Ray (fac-ray, your colleague) to introduce you to Dr. Kim (fac-kim, Dr. Tess Ray's co-author)"
        " [2 hops, score 0.0000]\n"
        "Ann Alvarez (res-a) needs a mentor who shares their gender:\n"
        "  1. Contact Dr. Tess Ray (fac-ray) directly (your colleague); shares: msk [1 hop, score 0.5000]\n"
        "Ann Alvarez (res-a) needs a research mentor:\n"
        "  1. Contact Dr. Lee (fac-lee) directly (your colleague); shares: msk [1 hop, score 1.0000]\n"
        "  2. Contact Dr. Tess Ray (fac-ray) directly (your colleague); shares: msk [1 hop, score 0.5000]\n"
        "Bea Brooks (res-b) needs a research mentor:\n"
        "  1. Ask Dr. Kim (fac-kim, your mentor) to introduce you to Dr. Tess Ray (fac-ray, Dr. Kim's co-author);"
        " shares: ai [2 hops, score 0.5000]\n"
        "Zoe (stu-z) needs a career mentor: no referral (no suited mentor in reach)\n"
        "Zoe (stu-z) needs a research mentor: no referral (no suited mentor in reach)\n"
    )


def test_refer_table_with_three_hops_chains_the_introductions(tmp_path):
    # m - a (colleague) - b (co-author of a) - c (b mentors c): "Ask A to introduce you to B ...,
    # who can introduce you to C".
    people = [{"id": "m", "name": "Mo", "role": "resident", "research_interests": "ai"},
              {"id": "a", "name": "Al", "role": "student"}, {"id": "b", "name": "Bo", "role": "student"},
              {"id": "c", "name": "Cy", "role": "faculty", "research_interests": "ai"}]
    rels = [{"source": "m", "target": "a", "type": "COLLEAGUE"}, {"source": "a", "target": "b", "type": "COAUTHOR"},
            {"source": "c", "target": "b", "type": "MENTORS", "focus": "career"}]
    src = write_dataset(tmp_path / "ds", people, rels)
    result = run("refer", src, "--as-of", AS_OF, "--format", "table", "--mentee", "m", "--area", "research")
    assert result.stdout == (
        "Mo (m) needs a research mentor:\n"
        "  1. Ask Al (a, your colleague) to introduce you to Bo (b, Al's co-author), who can introduce you to"
        " Cy (c, Bo's mentor); shares: ai [3 hops, score 1.0000]\n")


@pytest.mark.parametrize("options, expected", [
    (["--mentee", "res-b"], [ALL_ROWS[4]]),
    (["--mentee", "res-a"], ALL_ROWS[:4]),
    (["--area", "research"], [ALL_ROWS[2], ALL_ROWS[3], ALL_ROWS[4], OPEN_ROWS[1]]),
    (["--area", "Identity:Gender"], [ALL_ROWS[1]]),
    (["--mentee", "res-a", "--area", "career"], [ALL_ROWS[0]]),
    (["--mentee", "res-b", "--area", "career"], []),   # covered by her mentor: no gap
    (["--mentee", "stu-z"], OPEN_ROWS),                # gaps, but nobody in reach
])
def test_refer_mentee_and_area_filters(source, options, expected):
    result = run("refer", source, "--as-of", AS_OF, "--format", "csv", *options)
    assert result.exit_code == 0, result.output
    rows = csv_rows(result.stdout)
    assert rows[0][:7] == REFER_HEAD
    assert [r[:7] for r in rows[1:]] == expected


def test_refer_table_without_referrals(source):
    result = run("refer", source, "--as-of", AS_OF, "--format", "table", "--mentee", "stu-z")
    assert result.exit_code == 0
    assert result.stdout == ("Zoe (stu-z) needs a career mentor: no referral (no suited mentor in reach)\n"
                             "Zoe (stu-z) needs a research mentor: no referral (no suited mentor in reach)\n")


@pytest.mark.parametrize("fmt, stdout", [
    ("table", "fac-kim has no gaps.\n"),
    ("csv", "mentee_id,area,rank,candidate_id,hops,score,path,candidate_name,shares,ties,reason\n"),
    ("json", "[]\n"),
])
def test_refer_a_mentee_without_gaps_says_so(source, fmt, stdout):
    # fac-kim is not a mentee; res-b's career need is covered by her mentor
    result = run("refer", source, "--as-of", AS_OF, "--format", fmt, "--mentee", "fac-kim")
    assert result.exit_code == 0 and result.stdout == stdout
    assert ("fac-kim has no gaps." in result.stderr) == (fmt != "table")
    assert "no candidate" not in result.output and "no referral" not in result.output
    result = run("refer", source, "--as-of", AS_OF, "--format", "table", "--mentee", "res-b", "--area", "career")
    assert result.exit_code == 0 and result.stdout == "res-b has no gaps in career.\n"


def test_refer_policy_file_sets_max_hops(source, tmp_path):
    # max_hops = 1 leaves only the 1-hop referrals (res-a identity and research).
    policy = tmp_path / "policy.toml"
    policy.write_text("max_hops = 1\ntop_k = 1\n", encoding="utf-8")
    result = run("refer", source, "--as-of", AS_OF, "--format", "csv", "--policy", policy)
    assert result.exit_code == 0, result.output
    # the others are rows with a reason: res-a lists no career interests and neither does anyone
    # one hop away; res-b's one neighbour is her mentor already; stu-z has no ties
    rows = csv_rows(result.stdout)[1:]
    assert [r[:7] for r in rows if r[3]] == [ALL_ROWS[1], ALL_ROWS[2]]
    assert [(r[0], r[1], r[-1]) for r in rows if not r[3]] == [
        ("res-a", "career", NO_SUITED), ("res-b", "research", NO_SUITED),
        ("stu-z", "career", NO_SUITED), ("stu-z", "research", NO_SUITED)]


def test_refer_as_of_decides_which_mentorships_are_stale(source):
    # fac-kim's row has no last_met, so it stays active on any date; the output does not change.
    later = run("refer", source, "--as-of", "2030-01-01", "--format", "csv")
    assert [r[:7] for r in csv_rows(later.stdout)[1:]] == ALL_ROWS + OPEN_ROWS


def test_refer_missing_dataset_exits_2_with_a_message(tmp_path):
    result = run("refer", tmp_path / "nowhere", "--format", "csv")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert "nowhere: no such dataset directory" in result.stderr
    assert "Traceback" not in result.stderr


def test_refer_dataset_without_relationships_exits_2(tmp_path):
    src = write_dataset(tmp_path / "ds", PEOPLE, RELATIONSHIPS)
    (src / "relationships.csv").unlink()
    result = run("refer", src, "--format", "csv")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert "missing file: expected relationships.csv or relationships.xlsx" in result.stderr


def test_refer_invalid_dataset_exits_2_naming_the_row(tmp_path):
    people = PEOPLE + [{"id": "bad", "role": "professor"}]
    src = write_dataset(tmp_path / "ds", people, RELATIONSHIPS)
    result = run("refer", src, "--format", "csv")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert "people.csv, row 8, column role: unknown role 'professor'" in result.stderr


def test_refer_bad_date_exits_2(source):
    result = run("refer", source, "--as-of", "25/11/2026", "--format", "csv")
    assert result.exit_code == 2
    assert "is not a date (use YYYY-MM-DD)" in result.stderr


def test_refer_help_has_an_example():
    result = run("refer", "--help")
    assert result.exit_code == 0
    assert "Example:" in result.stdout and "mentornet refer " in result.stdout
    assert "--mentee" in result.stdout and "--area" in result.stdout


# --------------------------------------------------------------------------- match

# Match by hand: res-a's identity gap can only take fac-ray, so her research gap takes fac-lee
# (fac-ray never twice for one mentee); career fac-kim; res-b research fac-ray. 4 filled;
# stu-z's two gaps are open with nobody in reach.
MATCH_ROWS = [
    ["mentee_id", "area", "candidate_id", "hops", "path", "status", "reason", "candidate_name", "score", "shares"],
    ["res-a", "career", "fac-kim", "2", "res-a>fac-ray>fac-kim", "proposed", "", "Dr. Kim", "0.0000", ""],
    ["res-a", "identity:gender", "fac-ray", "1", "res-a>fac-ray", "proposed", "", "Dr. Tess Ray", "0.5000", "msk"],
    ["res-a", "research", "fac-lee", "1", "res-a>fac-lee", "proposed", "", "Dr. Lee", "1.0000", "msk"],
    ["res-b", "research", "fac-ray", "2", "res-b>fac-kim>fac-ray", "proposed", "", "Dr. Tess Ray", "0.5000", "ai"],
    ["stu-z", "career", "", "", "", "open", "no suited mentor in reach", "", "", ""],
    ["stu-z", "research", "", "", "", "open", "no suited mentor in reach", "", "", ""],
]


def test_match_csv_has_every_gap_as_a_row_with_its_status(source):
    result = run("match", source, "--as-of", AS_OF, "--format", "csv")
    assert result.exit_code == 0, result.output
    assert csv_rows(result.stdout) == MATCH_ROWS
    assert result.stderr == "4 gap(s) filled, 2 left open\n"


def test_match_json(source):
    result = run("match", source, "--as-of", AS_OF, "--format", "json")
    assert result.exit_code == 0, result.output
    records = json.loads(result.stdout)
    assert [list(r) for r in records] == [MATCH_ROWS[0]] * 6
    assert [r["hops"] for r in records] == [2, 1, 1, 2, None, None]
    assert [r["status"] for r in records] == ["proposed"] * 4 + ["open"] * 2
    assert records[-1] == {"mentee_id": "stu-z", "area": "research", "candidate_id": None, "hops": None,
                           "path": None, "status": "open", "reason": "no suited mentor in reach",
                           "candidate_name": None, "score": None, "shares": None}
    assert records[0]["reason"] is None and records[0]["shares"] == ""


def test_match_table_names_people_and_says_why_gaps_stay_open(source):
    result = run("match", source, "--as-of", AS_OF, "--format", "table")
    assert result.exit_code == 0, result.output
    assert result.stdout == (
        "Ann Alvarez (res-a):\n"
        "  needs a career mentor: Ask Dr. Tess Ray (fac-ray, your colleague) to introduce you to "
        "Dr. Kim (fac-kim, Dr. Tess Ray's co-author) [2 hops, score 0.0000]\n"
        "  needs a mentor who shares their gender: Contact Dr. Tess Ray (fac-ray) directly (your colleague); "
        "shares: msk [1 hop, score 0.5000]\n"
        "  needs a research mentor: Contact Dr. Lee (fac-lee) directly (your colleague); shares: msk "
        "[1 hop, score 1.0000]\n"
        "Bea Brooks (res-b):\n"
        "  needs a research mentor: Ask Dr. Kim (fac-kim, your mentor) to introduce you to Dr. Tess Ray "
        "(fac-ray, Dr. Kim's co-author); shares: ai [2 hops, score 0.5000]\n"
        "Zoe (stu-z):\n"
        "  needs a career mentor: left open, no suited mentor in reach\n"
        "  needs a research mentor: left open, no suited mentor in reach\n"
        "\n4 gap(s) filled, 2 left open\n")


def test_match_missing_dataset_exits_2(tmp_path):
    result = run("match", tmp_path / "nowhere", "--format", "csv")
    assert result.exit_code == 2
    assert "no such dataset directory" in result.stderr
