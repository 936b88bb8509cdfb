"""The broken-dataset corpus (tests/corpus): every command that reads a dataset refuses each case.

For every case of ``tests/corpus/manifest.toml`` and every command, the command must exit 2,
name the file (and row and column where they exist) on stderr, print no traceback, write
nothing to stdout, the working directory or the dataset directory, and create no output file.
"""
from __future__ import annotations

import os
import signal
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from mentornet.cli import main

from helpers import in_new_directory, write_dataset

try:
    import tomllib
except ModuleNotFoundError:  # pragma: no cover - Python 3.10
    import tomli as tomllib

CORPUS = Path(__file__).parent / "corpus"
CASES = tomllib.loads((CORPUS / "manifest.toml").read_text(encoding="utf-8"))["case"]
GOOD_PEOPLE = [{"id": "res-a", "role": "resident"}, {"id": "fac-b", "role": "faculty", "research_interests": "ai"}]
GOOD_RELS = [{"source": "fac-b", "target": "res-a", "type": "KNOWS"}]

# Every command that reads a dataset, with the options that make it write (relative paths:
# the command runs in an empty working directory, which must stay empty).
COMMANDS = {
    "validate": lambda src, good: ["validate", src],
    "gaps": lambda src, good: ["gaps", src, "--format", "csv"],
    "refer": lambda src, good: ["refer", src, "--format", "json"],
    "match": lambda src, good: ["match", src, "--format", "csv"],
    "audit": lambda src, good: ["audit", src, "-o", "report.json"],
    "audit-compare": lambda src, good: ["audit", good, "--compare", src, "-o", "report.html"],
    "viz": lambda src, good: ["viz", src, "-o", "network.html"],
    # load validates before it connects: a broken dataset never reaches a database (port 1
    # has no server, so a load that got as far as connecting would exit 3, not 2)
    "load": lambda src, good: ["load", src, "bolt://127.0.0.1:1"],
}
NO_POLICY = {"load"}  # commands without --policy
TIME_LIMIT = 60  # seconds per command: a hang (e.g. reading a pipe) fails instead of blocking CI


# --------------------------------------------------------------------------- generated cases


def _million_rows(d: Path) -> None:
    """1,000 people; 1,000,000 relationship rows, the last naming an unknown person."""
    with open(d / "people.csv", "w", encoding="utf-8") as fh:
        fh.write("id,role\n")
        fh.writelines(f"p{i},faculty\n" for i in range(1000))
    with open(d / "relationships.csv", "w", encoding="utf-8") as fh:
        fh.write("source,target,type\n")
        fh.writelines(f"p{i % 1000},p{(7 * i + 1) % 1000},KNOWS\n" for i in range(999_999))
        fh.write("p1,nobody,KNOWS\n")


def _megabyte_cell(d: Path) -> None:
    """A quoted 1 MB cell (it holds commas): longer than Python's csv module allows by default."""
    write_dataset(d, [{"id": "res-a", "role": "resident"}, {"id": "fac-b", "role": "x," * 500_000}], [])


def _wide_header(d: Path) -> None:
    """A header of 100,000 cells (a mangled export): refused at once, not after seconds of parsing."""
    write_dataset(d, GOOD_PEOPLE, GOOD_RELS)
    (d / "relationships.csv").write_text("source,target,type" + ",x" * 100_000 + "\n", encoding="utf-8")


def _fifo(d: Path) -> None:
    write_dataset(d, GOOD_PEOPLE, GOOD_RELS)
    (d / "people.csv").unlink()
    os.mkfifo(d / "people.csv")


def _unreadable(d: Path) -> None:
    """A file that cannot be read whoever we are: reading /proc/self/mem at offset 0 is EIO."""
    if not Path("/proc/self/mem").exists():
        pytest.skip("needs Linux /proc")
    write_dataset(d, GOOD_PEOPLE, GOOD_RELS)
    (d / "people.csv").unlink()
    os.symlink("/proc/self/mem", d / "people.csv")


def _unreadable_permissions(d: Path) -> None:
    if os.geteuid() == 0:
        pytest.skip("running as root, which reads any file whatever its mode; "
                    "the unreadable-file case covers an unreadable file for root")
    write_dataset(d, GOOD_PEOPLE, GOOD_RELS)
    (d / "people.csv").chmod(0)


def _dangling_symlink(d: Path) -> None:
    write_dataset(d, GOOD_PEOPLE, GOOD_RELS)
    (d / "people.csv").unlink()
    os.symlink(d / "gone.csv", d / "people.csv")


GENERATED = {
    "million-rows": _million_rows,
    "megabyte-cell": _megabyte_cell,
    "wide-header": _wide_header,
    "fifo-as-file": _fifo,
    "unreadable-file": _unreadable,
    "unreadable-permissions": _unreadable_permissions,
    "dangling-symlink": _dangling_symlink,
}


# --------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def good(tmp_path_factory) -> str:
    return str(write_dataset(tmp_path_factory.mktemp("good"), GOOD_PEOPLE, GOOD_RELS))


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """Generated cases, built once per module (the million-row file takes a second)."""
    made: dict[str, Path] = {}

    def build(name: str) -> Path:
        if name not in made:
            d = tmp_path_factory.mktemp(name)
            GENERATED[name](d)
            made[name] = d
        return made[name]

    return build


@pytest.fixture(autouse=True)
def time_limit():
    def expired(signum, frame):
        raise TimeoutError(f"command did not finish within {TIME_LIMIT} s")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.alarm(TIME_LIMIT)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, previous)


def snapshot(directory: Path) -> dict:
    """Every entry under ``directory`` with its size and modification time."""
    found = {}
    for root, dirs, files in os.walk(directory):
        for name in dirs + files:
            path = Path(root, name)
            st = path.lstat()
            found[str(path.relative_to(directory))] = (st.st_size, st.st_mtime_ns)
    return found


# --------------------------------------------------------------------------- tests


def test_corpus_has_every_kind_of_case():
    names = [c["name"] for c in CASES]
    assert len(names) == len(set(names)) and len(names) >= 30
    committed = {c["name"] for c in CASES if not c.get("generated")}
    on_disk = {p.name for p in CORPUS.iterdir() if p.is_dir()}
    assert committed == on_disk
    assert {c["name"] for c in CASES if c.get("generated")} == set(GENERATED)


RUNS = [pytest.param(case, command, id=f"{case['name']}-{command}")
        for case in CASES for command in COMMANDS if not (case.get("policy") and command in NO_POLICY)]


@pytest.mark.parametrize("case, command", RUNS)
def test_every_command_refuses_the_case(case, command, good, built, tmp_path):
    source = built(case["name"]) if case.get("generated") else CORPUS / case["name"]
    args = COMMANDS[command](str(source), good)
    if case.get("policy"):
        args += ["--policy", str(source / case["policy"])]
    before = snapshot(source)
    runner = CliRunner(env={"NEO4J_PASSWORD": "not-used", "MENTORNET_SALT": None})
    with in_new_directory(tmp_path) as cwd:
        result = runner.invoke(main, args)
        assert os.getcwd() == cwd
        assert os.listdir(cwd) == [], "a file was written"

    assert result.exit_code == 2, (result.output, result.exception)
    assert isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output
    assert result.stdout == ""
    for fragment in case["expect"]:
        assert fragment in result.stderr, (fragment, result.stderr[:2000])
    assert "nothing was written" in result.stderr
    assert len(result.stderr) < 20_000  # a huge cell is never echoed whole
    assert snapshot(source) == before


@pytest.mark.parametrize("command", ["validate", "gaps", "refer", "match", "audit", "viz"])
def test_header_only_files_are_a_valid_empty_dataset(command, tmp_path):
    """A department with no people yet is valid: the commands succeed with nothing to report."""
    source = write_dataset(tmp_path / "empty", [], [])
    assert (source / "people.csv").read_text().count("\n") == 1
    args = [command, str(source), "--as-of", "2026-11-25"] + (["-o", "out.html"] if command in ("audit", "viz") else [])
    runner = CliRunner()
    with in_new_directory(tmp_path):
        result = runner.invoke(main, args)
    assert result.exit_code == 0, (result.output, result.exception)
    assert "Traceback" not in result.output


def test_a_quoted_megabyte_name_is_read_whole(tmp_path):
    from mentornet import read_dataset

    name = "Dr. " + "a, b \"c\"; " * 100_000
    source = write_dataset(tmp_path, [{"id": "res-a", "role": "resident", "name": name}], [])
    assert read_dataset(source).people["name"].iat[0] == name.strip()


@pytest.mark.skipif(sys.platform != "linux", reason="named pipes and /proc are Linux features here")
def test_reading_a_pipe_does_not_block(built):
    from mentornet import DataError, read_dataset

    with pytest.raises(DataError, match="not a regular file"):
        read_dataset(built("fifo-as-file"))
