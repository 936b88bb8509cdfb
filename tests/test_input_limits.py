"""Values out of range are usage errors (exit 2) naming the key or option, never an internal error (exit 1)."""
from __future__ import annotations

import pytest
from click.testing import CliRunner

from mentornet.cli import main

EXAMPLE = "examples/radiology"


def run(args):
    result = CliRunner(env={"NEO4J_PASSWORD": "not-used"}).invoke(main, args)
    return result.exit_code, result.stderr


@pytest.mark.parametrize("text, fragment", [
    ("stale_after_days = 1000000000\n", "column stale_after_days: stale_after_days = 1000000000 is out of range: "
                                        "at most 36,500"),
    ("max_hops = 1000000000000\n", "column max_hops"),
    ("top_k = 99999999999999999999\n", "column top_k"),
    ("default_capacity = 1000000001\n", "column default_capacity"),
])
def test_policy_values_out_of_range_exit_2_naming_the_key(tmp_path, text, fragment):
    policy = tmp_path / "policy.toml"
    policy.write_text(text)
    for command in (["gaps", EXAMPLE], ["audit", EXAMPLE, "-o", str(tmp_path / "a.json")]):
        code, err = run(command + ["--policy", str(policy), "--as-of", "2026-11-25"])
        assert code == 2, err
        assert fragment in err and "internal error" not in err
    assert not (tmp_path / "a.json").exists()


def test_largest_policy_values_still_work(tmp_path):
    policy = tmp_path / "policy.toml"
    policy.write_text("stale_after_days = 36500\n")
    code, err = run(["gaps", EXAMPLE, "--policy", str(policy), "--as-of", "1900-01-01"])
    assert code == 0, err


@pytest.mark.parametrize("value", ["0001-01-01", "1899-12-31", "3000-01-01", "9999-12-31"])
def test_as_of_out_of_range_exits_2_naming_the_option(value):
    code, err = run(["gaps", EXAMPLE, "--as-of", value])
    assert code == 2 and "'--as-of'" in err and f"{value} is out of range" in err


@pytest.mark.parametrize("param, fragment", [
    ("x:=" + "[" * 5000 + "]" * 5000, "x:= is nested more than 32 levels deep"),
    ("x:=" + "[" * 5000 + "1" + "]" * 5000, "x:= is nested more than 32 levels deep"),
    ("x:=" + "[" * 600_000 + "]" * 600_000, "(at most 1,000,000)"),
    ("x:=" + "[" * 100_000, "x:= is nested more than 32 levels deep"),
    ("x:={", "x:= needs a JSON value"),
    ("big=" + "a" * 1_000_001, "'big': the value has 1,000,001 characters"),
])
def test_query_parameter_too_deep_or_too_big_exits_2(param, fragment):
    code, err = run(["query", "gaps", "bolt://127.0.0.1:1", "-p", param])
    assert code == 2, err
    assert fragment in err and "internal error" not in err


# --------------------------------------------------------------------------- options a review found misread


@pytest.mark.parametrize("value", ["0001-01-01", "9999-12-31"])
def test_compare_as_of_is_checked_as_as_of_is(value):
    code, err = run(["audit", EXAMPLE, "--as-of", "2026-11-25", "--compare", EXAMPLE, "--compare-as-of", value,
                     "--format", "json"])
    assert code == 2 and "'--compare-as-of'" in err and f"{value} is out of range" in err
    assert "internal error" not in err


def test_compare_as_of_without_compare_is_a_usage_error():
    # it dates the earlier snapshot: alone it was ignored without a word
    code, err = run(["audit", EXAMPLE, "--as-of", "2026-11-25", "--compare-as-of", "2025-11-25", "--format", "json"])
    assert code == 2 and "--compare-as-of dates the earlier snapshot of --compare" in err


def test_recruit_with_a_default_capacity_of_0_exits_2_naming_it(tmp_path):
    policy = tmp_path / "policy.toml"
    policy.write_text("default_capacity = 0\n")
    code, err = run(["recruit", EXAMPLE, "--as-of", "2026-11-25", "--policy", str(policy), "--format", "csv"])
    assert code == 2 and "default_capacity is 0, and recruit counts the mentors needed at it" in err
    assert "internal error" not in err
    code, err = run(["gaps", EXAMPLE, "--as-of", "2026-11-25", "--policy", str(policy), "--format", "csv"])
    assert code == 0, err  # the other commands take it: nobody has room


def test_two_concordance_keys_naming_one_attribute_are_an_error(tmp_path):
    policy = tmp_path / "policy.toml"
    policy.write_text('[concordance]\ngender = ["female"]\nGender = ["nonbinary"]\n')
    code, err = run(["gaps", EXAMPLE, "--as-of", "2026-11-25", "--policy", str(policy)])
    assert code == 2 and "concordance.gender and concordance.Gender both name the attribute 'gender'" in err


@pytest.mark.parametrize("param, fragment", [
    ("Cutoff=2026-11-01", "has no parameter 'Cutoff' ('Cutoff': did you mean 'cutoff'?)"),
    ("default_capacity:=5", "has no parameter 'default_capacity'; its parameters: as_of, cutoff"),
])
def test_query_parameter_the_query_does_not_read_exits_2_before_connecting(param, fragment):
    # a misspelt name left the default in place with exit 0; the port is closed, so this is checked first
    code, err = run(["query", "stale_mentorships", "bolt://127.0.0.1:1", "-p", param])
    assert code == 2 and fragment in err, err


def test_a_concordance_attribute_the_dataset_lacks_is_a_warning_naming_it(tmp_path):
    policy = tmp_path / "policy.toml"
    policy.write_text('[concordance]\ngendr = ["female"]\n')  # a typo of gender: it made no need, silently
    result = CliRunner().invoke(main, ["gaps", EXAMPLE, "--as-of", "2026-11-25", "--policy", str(policy),
                                       "--format", "csv"])
    assert result.exit_code == 0
    assert ("[concordance] names 'gendr', but the dataset has no identity.gendr column (its identity columns: "
            "identity.first_gen, identity.gender, identity.urm)") in result.stderr
    policy.write_text('[concordance]\ngender = ["female"]\n')
    assert "[concordance] names" not in CliRunner().invoke(
        main, ["gaps", EXAMPLE, "--as-of", "2026-11-25", "--policy", str(policy), "--format", "csv"]).stderr
