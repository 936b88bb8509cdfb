"""Small-cell suppression in the audit: the min_group_size boundary and the subtraction case."""
from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from mentornet import Policy
from mentornet.audit import audit_figures, audit_tables, suppressed_cells

from helpers import AS_OF, dataset

SUPPRESSED = {"suppressed": True}


def mentees(spec: dict[str, int], column: str = "department", start: int = 0) -> list[dict]:
    """``{value: count}`` -> that many residents with ``column`` = value (``""`` = not disclosed)."""
    people, i = [], start
    for value, count in spec.items():
        for _ in range(count):
            people.append({"id": f"m{i:03d}", "role": "resident", column: value})
            i += 1
    return people


def groups(tmp_path, people, key="department", k=5, rels=()):
    ds = dataset(tmp_path, people, list(rels))
    policy = Policy().with_(min_group_size=k)
    return audit_figures(audit_tables(ds, policy=policy, as_of=AS_OF), policy=policy, as_of=AS_OF)["groups"][key]


def shown(cells: dict) -> dict:
    return {v: c["mentees"] for v, c in cells.items() if c != SUPPRESSED}


# --------------------------------------------------------------------------- the boundary


def test_group_of_five_is_shown(tmp_path):
    assert shown(groups(tmp_path, mentees({"A": 6, "B": 5}))) == {"A": 6, "B": 5}


def test_group_of_four_is_suppressed_and_so_is_its_complement(tmp_path):
    # B (4) is below 5. Were A (6) shown, "mentees" (10) - 6 would give B back: A goes too.
    cells = groups(tmp_path, mentees({"A": 6, "B": 4}))
    assert cells == {"A": SUPPRESSED, "B": SUPPRESSED}


def test_boundary_follows_policy(tmp_path):
    assert shown(groups(tmp_path, mentees({"A": 6, "B": 4}), k=4)) == {"A": 6, "B": 4}


# --------------------------------------------------------------------------- subtraction


def test_one_small_cell_hides_the_next_smallest(tmp_path):
    cells = groups(tmp_path, mentees({"A": 7, "B": 5, "C": 4}))
    assert cells["C"] == SUPPRESSED and cells["B"] == SUPPRESSED
    assert cells["A"]["mentees"] == 7  # 16 - 7 = 9 = B + C: neither can be told


def test_every_published_figure_leaves_the_hidden_cells_together(tmp_path):
    # Totals published at the top (mentees, without_mentor, gaps) minus the published cells
    # give only the sum over B and C, never one of them.
    people = mentees({"A": 7, "B": 5, "C": 4})
    rels = [{"source": "f", "target": "m012", "type": "MENTORS", "focus": "research"}]  # a C mentee
    ds = dataset(tmp_path, people + [{"id": "f", "role": "faculty"}], rels)
    f = audit_figures(audit_tables(ds, policy=Policy(), as_of=AS_OF), policy=Policy(), as_of=AS_OF)
    cells = f["groups"]["department"]
    assert cells["B"] == cells["C"] == SUPPRESSED
    a = cells["A"]
    assert f["mentees"] - a["mentees"] == 9
    assert f["mentees_without_mentor"] - a["without_mentor"] == 8
    assert f["gaps"] - a["gaps"] == 17


def test_two_small_cells_that_together_are_large_enough(tmp_path):
    cells = groups(tmp_path, mentees({"A": 9, "B": 6, "C": 3, "D": 2}))
    assert shown(cells) == {"A": 9, "B": 6}


def test_hidden_cells_must_not_all_be_ones(tmp_path):
    # five single-person departments: hidden together they hold 5 people, but a reader who
    # knows every hidden cell is non-empty could tell each is 1, so the next one goes too
    spec = {"A": 8, "B": 6, **{c: 1 for c in "CDEFG"}}
    cells = groups(tmp_path, mentees(spec))
    assert shown(cells) == {"A": 8}


def test_undisclosed_people_are_never_shown_and_can_protect(tmp_path):
    # nonbinary (1) is small. Four people did not disclose: hidden = 1 + 4 = 5 in two cells, so
    # female and male stay, and no "not disclosed" count is printed.
    people = mentees({"female": 6, "male": 6, "nonbinary": 1, "": 4}, column="identity.gender")
    cells = groups(tmp_path, people, key="identity.gender")
    assert cells == {"female": cells["female"], "male": cells["male"], "nonbinary": SUPPRESSED}
    assert shown(cells) == {"female": 6, "male": 6}


def test_undisclosed_too_few_to_protect(tmp_path):
    # hidden = nonbinary 1 + 3 undisclosed = 4 < 5: the next smallest (female, by name on a tie) goes
    people = mentees({"female": 6, "male": 6, "nonbinary": 1, "": 3}, column="identity.gender")
    assert shown(groups(tmp_path, people, key="identity.gender")) == {"male": 6}


def test_undisclosed_alone_does_not_suppress(tmp_path):
    # one person did not disclose; no value cell is small, so every value is shown (the
    # not-disclosed remainder is not an identity group, and is never printed)
    people = mentees({"yes": 5, "no": 5, "": 1}, column="identity.urm")
    assert shown(groups(tmp_path, people, key="identity.urm")) == {"no": 5, "yes": 5}


def test_single_small_group_with_everyone_disclosed_is_hidden(tmp_path):
    assert groups(tmp_path, mentees({"A": 3})) == {"A": SUPPRESSED}


def test_mentor_identity_groups_use_the_same_rule(tmp_path):
    people = [{"id": f"f{i:02d}", "role": "faculty", "identity.urm": "yes" if i < 4 else "no"} for i in range(10)]
    ds = dataset(tmp_path, people, [])
    f = audit_figures(audit_tables(ds, policy=Policy(), as_of=AS_OF), policy=Policy(), as_of=AS_OF)
    assert f["load_by_identity"]["urm"] == {"no": SUPPRESSED, "yes": SUPPRESSED}
    people[3]["identity.urm"] = "Yes"
    people[4]["identity.urm"] = "YES"
    ds = dataset(tmp_path / "b", people, [])
    f = audit_figures(audit_tables(ds, policy=Policy(), as_of=AS_OF), policy=Policy(), as_of=AS_OF)
    assert f["load_by_identity"]["urm"]["yes"]["mentors"] == 5
    assert f["load_by_identity"]["urm"]["no"]["mentors"] == 5


# --------------------------------------------------------------------------- the rule itself


@settings(max_examples=300, deadline=None)
@given(sizes=st.dictionaries(st.sampled_from("ABCDEFGH"), st.integers(1, 12), max_size=8),
       undisclosed=st.integers(0, 8), k=st.integers(1, 6))
def test_rule_never_leaves_a_cell_recoverable(sizes, undisclosed, k):
    hidden = suppressed_cells(sizes, undisclosed, k)
    assert {v for v, n in sizes.items() if n < k} <= hidden          # every small cell hidden
    if hidden and len(hidden) < len(sizes):                           # something is still shown
        parts = [sizes[v] for v in hidden] + ([undisclosed] if undisclosed else [])
        assert len(parts) >= 2                                        # no lone hidden cell
        assert sum(parts) >= k                                        # their total is not small
        assert sum(parts) > len(hidden)                               # not all provably ones
    if not any(n < k for n in sizes.values()):
        assert hidden == set()                                        # nothing hidden needlessly


def test_rule_hides_smallest_published_first():
    assert suppressed_cells({"A": 10, "B": 6, "C": 2}, 0, 5) == {"B", "C"}
    assert suppressed_cells({"A": 6, "B": 6, "C": 2}, 0, 5) == {"A", "C"}  # tie: plain string order
