"""The bulk import files written by two processes (``write_import_files(apart=True)``, the
default from 200,000 relationships on Linux): the same files and the same failures as one
process writing them in turn, the forked process's failures reaching the caller, and the forked
process never outliving the call. Real forks, no stand-ins: the protocol's cases are driven
through :func:`bulk._apart` with units made here, and the data cases through the dataset."""
import itertools
import os
import pickle
import random
import signal
import time
from pathlib import Path

import pytest

from mentornet.backends.neo4j import bulk
from mentornet.backends.neo4j.bulk import ARRAY_DELIMITERS, write_import_files
from mentornet.errors import DataError, Problem
from mentornet.generate import generate_dataset
from mentornet.io import read_dataset

from helpers import random_dataset
from test_bulk_files import dataset


def written(directory: Path, files) -> dict:
    """Every file's bytes and the importer's arguments, the directory left out."""
    texts = {p.name: p.read_bytes() for p in sorted(directory.iterdir())}
    return {"files": texts, "arguments": [a.replace(str(directory), "D") for a in files.arguments()],
            "counts": (files.people, files.rels, files.multiline)}


def both_ways(ds, tmp_path) -> tuple[dict, dict]:
    out = []
    for apart in (False, True):
        directory = tmp_path / f"apart-{apart}"
        directory.mkdir()
        out.append(written(directory, write_import_files(ds, directory, apart=apart)))
    return out[0], out[1]


def test_a_generated_dataset_gives_the_same_files_both_ways(tmp_path):
    generate_dataset(tmp_path / "gen", people=3000, seed=7)
    ds = read_dataset(tmp_path / "gen")
    units = bulk._units(ds, tmp_path)
    here, there = bulk._share(units)
    assert here and there  # each process writes some of the files
    in_turn, apart = both_ways(ds, tmp_path)
    assert in_turn == apart
    assert set(apart["files"]) == {"people.csv", "dataset.csv", "mentors.csv", "colleague.csv", "coauthor.csv",
                                   "knows.csv"}


@pytest.mark.parametrize("seed", range(6))
def test_random_datasets_give_the_same_files_both_ways(tmp_path, seed):
    ds = random_dataset(random.Random(seed), 40, 120)
    in_turn, apart = both_ways(ds, tmp_path)
    assert in_turn == apart


def test_quotes_line_breaks_and_empty_lists_give_the_same_files_both_ways(tmp_path):
    in_turn, apart = both_ways(dataset(tmp_path), tmp_path)
    assert in_turn == apart and b'"Dr. ""A"", Jr."' in apart["files"]["people.csv"]


def test_a_delimiter_taken_only_in_the_other_process_s_files_rewrites_this_one_s(tmp_path):
    # the people (written here, first with ";") leave ";" free; a relationship's list holds it
    ds = dataset(tmp_path)
    ds.relationships.at[0, "focus"] = ("re;search",)
    in_turn, apart = both_ways(ds, tmp_path)
    assert in_turn == apart
    assert "--array-delimiter=U+001F" in apart["arguments"]
    assert b"ai\x1fmsk" in apart["files"]["people.csv"]


def test_no_delimiter_free_in_both_processes_files_is_refused_both_ways(tmp_path):
    ds = dataset(tmp_path)
    ds.people.at[0, "research_interests"] = (";",)  # each process's lists leave some delimiter free
    ds.relationships.at[0, "focus"] = ("".join(ARRAY_DELIMITERS[1:]),)
    messages = []
    for apart in (False, True):
        with pytest.raises(DataError, match="every array delimiter") as caught:
            write_import_files(ds, tmp_path, apart=apart)
        messages.append(str(caught.value))
    assert messages[0] == messages[1]


def test_a_type_the_importer_cannot_take_in_the_other_process_s_file_is_refused_both_ways(tmp_path):
    ds = dataset(tmp_path)
    ds.relationships.at[0, "focus"] = ("research", 1)
    messages = []
    for apart in (False, True):
        with pytest.raises(DataError, match="of several types") as caught:
            write_import_files(ds, tmp_path, apart=apart)
        messages.append((str(caught.value), caught.value.problems))
    assert messages[0] == messages[1] and "'focus'" in messages[0][0]


def test_a_data_error_keeps_its_problems_through_pickle():
    error = DataError([Problem("a.csv", "bad", row=3, column="x"), Problem("b.csv", "worse")])
    again = pickle.loads(pickle.dumps(error))
    assert type(again) is DataError and again.problems == error.problems and str(again) == str(error)


# ----------------------------------------------------------------------- the protocol, unit by unit


class Failed(Exception):
    pass


def unit(directory: Path, name: str, cost: int, *, prepare_fails=False, write_fails=False,
         free=frozenset(ARRAY_DELIMITERS), before=None):
    """A unit writing ``name`` (the delimiter it was given), failing where told."""
    def prepare():
        if before:
            before()
        if prepare_fails:
            raise Failed(f"prepare {name}")

        def write(delimiter):
            if write_fails:
                raise Failed(f"write {name}")
            (directory / name).write_text(delimiter)
            return bulk._Written(name, False, False, 1)
        return free, write
    return bulk._Unit(cost, prepare)


def outcome(run, units, directory: Path):
    for p in directory.iterdir():
        p.unlink()
    try:
        delimiter, done = run(units)
    except (Failed, DataError) as error:
        return "raised", type(error).__name__, str(error)
    return delimiter, [w.argument for w in done], {p.name: p.read_text() for p in directory.iterdir()}


FREE = [frozenset(ARRAY_DELIMITERS), frozenset(ARRAY_DELIMITERS[1:]), frozenset(ARRAY_DELIMITERS[:1]), frozenset()]


SHARES = {(10, 6, 3): ([0], [1, 2]), (3, 10, 6): ([1], [0, 2])}


@pytest.mark.parametrize("costs", list(SHARES))
@pytest.mark.parametrize("fates", list(itertools.product(("ok", "prepare", "write"), repeat=3)))
def test_the_two_processes_fail_as_one_would(tmp_path, fates, costs):
    # the units shared as SHARES says (the first here, or the second); every fate of each, with
    # the delimiters each leaves free varied too (the delimiter's own failure comes between the
    # prepares' and the writes')
    for free in itertools.product(FREE[:3], FREE, FREE[:2]):
        units = [unit(tmp_path, f"u{i}", cost, prepare_fails=fate == "prepare", write_fails=fate == "write",
                      free=f)
                 for i, (fate, cost, f) in enumerate(zip(fates, costs, free))]
        assert bulk._share(units) == SHARES[costs]
        assert outcome(bulk._apart, units, tmp_path) == outcome(bulk._in_turn, units, tmp_path), free


def test_a_forked_process_that_dies_is_reported(tmp_path):
    units = [unit(tmp_path, "here", 10), unit(tmp_path, "there", 5, before=lambda: os._exit(7))]
    with pytest.raises(RuntimeError, match="ended before it was done"):
        bulk._apart(units)


def test_an_exception_that_does_not_pickle_arrives_as_its_traceback(tmp_path):
    def unpicklable():
        error = Failed("no pickle")
        error.hook = lambda: None
        raise error
    units = [unit(tmp_path, "here", 10), unit(tmp_path, "there", 5, before=unpicklable)]
    with pytest.raises(RuntimeError, match="(?s)Failed: no pickle"):
        bulk._apart(units)


def test_a_failure_here_kills_the_forked_process(tmp_path):
    marker = tmp_path / "late"

    def slow():
        time.sleep(20)
        marker.write_text("the forked process outlived the call")
    units = [unit(tmp_path, "here", 10, prepare_fails=True), unit(tmp_path, "there", 5, before=slow)]
    started = time.monotonic()
    with pytest.raises(Failed, match="prepare here"):
        bulk._apart(units)
    assert time.monotonic() - started < 15
    time.sleep(0.5)
    assert not marker.exists()


def test_no_process_to_be_had_the_files_are_written_here(tmp_path, monkeypatch):
    ds = dataset(tmp_path)
    (tmp_path / "in-turn").mkdir(), (tmp_path / "no-fork").mkdir()
    expected = written(tmp_path / "in-turn", write_import_files(ds, tmp_path / "in-turn", apart=False))

    def no_fork():
        raise OSError(12, "Cannot allocate memory")
    monkeypatch.setattr(os, "fork", no_fork)
    descriptors = len(os.listdir("/proc/self/fd"))
    got = written(tmp_path / "no-fork", write_import_files(ds, tmp_path / "no-fork", apart=True))
    assert got == expected and len(os.listdir("/proc/self/fd")) == descriptors


def test_a_failed_second_write_here_is_raised(tmp_path):
    calls = []

    def failing_second_time():
        def write(delimiter):
            calls.append(delimiter)
            if len(calls) == 2:
                raise OSError(28, "No space left on device")
            return bulk._Written("here", False, False, 1)
        return frozenset(ARRAY_DELIMITERS), write
    units = [bulk._Unit(10, failing_second_time), unit(tmp_path, "there", 5, free=frozenset(ARRAY_DELIMITERS[1:]))]
    with pytest.raises(OSError, match="No space left"):
        bulk._apart(units)
    assert calls == [";", "\x1f"]  # written with what is free here, then with what is free in all


class TwoArguments(Exception):
    def __init__(self, file, why):
        super().__init__(f"{file}: {why}")


def test_an_exception_that_does_not_unpickle_arrives_as_its_traceback(tmp_path):
    def raising():
        raise TwoArguments("x.csv", "bad")
    units = [unit(tmp_path, "here", 10), unit(tmp_path, "there", 5, before=raising)]
    with pytest.raises(RuntimeError, match="(?s)TwoArguments: x.csv: bad"):
        bulk._apart(units)


def test_a_caller_that_ignores_sigchld_still_gets_the_files(tmp_path):
    before = signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # children reaped by the kernel
    try:
        delimiter, done = bulk._apart([unit(tmp_path, "here", 10), unit(tmp_path, "there", 5)])
    finally:
        signal.signal(signal.SIGCHLD, before)
    assert delimiter == ";" and [w.argument for w in done] == ["here", "there"]
    assert (tmp_path / "there").read_text() == ";"
