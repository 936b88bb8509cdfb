"""Output files (`audit -o`, `viz -o`, `generate`): links, special files, modes and write failures
(mentornet.files; README "Output files"; SECURITY.md section 11)."""
from __future__ import annotations

import os
import stat
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from click.testing import CliRunner

from mentornet.cli import main
from mentornet.errors import DataError
from mentornet.files import check_writable, write_atomically

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "radiology"
AS_OF = "2026-11-25"


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def report_args(kind, target):
    if kind == "audit":
        return ["audit", EXAMPLE, "--as-of", AS_OF, "-o", target]
    return ["viz", EXAMPLE, "--as-of", AS_OF, "-o", target]


# --------------------------------------------------------------------------- the library rule


def test_a_link_is_followed_and_stays_a_link(tmp_path):
    real = tmp_path / "real.html"
    real.write_text("old")
    link = tmp_path / "link.html"
    link.symlink_to(real)
    write_atomically(link, b"new")
    assert link.is_symlink() and os.readlink(link) == str(real)
    assert real.read_bytes() == b"new"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["link.html", "real.html"]


def test_a_dangling_link_is_refused_and_nothing_is_created(tmp_path):
    link = tmp_path / "report.html"
    link.symlink_to(tmp_path / "elsewhere" / "x.html")
    with pytest.raises(DataError, match="symbolic link .* which does not exist"):
        write_atomically(link, b"data")
    with pytest.raises(DataError, match="which does not exist"):
        check_writable(link)
    assert link.is_symlink() and not (tmp_path / "elsewhere").exists()


def test_a_fifo_is_written_through_not_replaced(tmp_path):
    fifo = tmp_path / "pipe.html"
    os.mkfifo(fifo)
    got = {}
    reader = threading.Thread(target=lambda: got.setdefault("data", fifo.read_bytes()), daemon=True)
    reader.start()
    write_atomically(fifo, b"through the pipe")
    reader.join(10)
    assert got["data"] == b"through the pipe"
    assert stat.S_ISFIFO(fifo.lstat().st_mode)


def test_a_rewritten_file_keeps_its_mode(tmp_path):
    target = tmp_path / "report.json"
    target.write_text("old")
    target.chmod(0o600)
    write_atomically(target, b"new")
    assert stat.S_IMODE(target.stat().st_mode) == 0o600 and target.read_bytes() == b"new"


def test_a_directory_is_refused(tmp_path):
    with pytest.raises(DataError, match="is a directory"):
        check_writable(tmp_path)


# --------------------------------------------------------------------------- through the commands


@pytest.mark.parametrize("kind", ["audit", "viz"])
def test_commands_write_through_a_link_and_keep_it(kind, tmp_path):
    real = tmp_path / "real.html"
    real.write_text("old")
    real.chmod(0o600)
    link = tmp_path / "report.html"
    link.symlink_to(real)
    result = run(*report_args(kind, link))
    assert result.exit_code == 0, result.output
    assert link.is_symlink() and real.read_text().lstrip().lower().startswith("<!doctype html")
    assert stat.S_IMODE(real.stat().st_mode) == 0o600


@pytest.mark.parametrize("kind", ["audit", "viz"])
def test_commands_refuse_a_dangling_link_before_the_work(kind, tmp_path):
    link = tmp_path / "report.html"
    link.symlink_to(tmp_path / "missing.html")
    result = run(*report_args(kind, link))
    assert result.exit_code == 2
    assert "which does not exist" in result.stderr and "Traceback" not in result.output
    assert not (tmp_path / "missing.html").exists() and link.is_symlink()
    assert "wrote" not in result.stderr


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only directories")
@pytest.mark.parametrize("kind", ["audit", "viz"])
def test_commands_refuse_a_read_only_directory_before_the_work(kind, tmp_path):
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        result = run(*report_args(kind, locked / "report.html"))
    finally:
        locked.chmod(0o700)
    assert result.exit_code == 2 and "not writable" in result.stderr


# --------------------------------------------------------------------------- generate


def test_generate_refuses_a_dangling_link_without_force(tmp_path):
    out = tmp_path / "ds"
    out.mkdir()
    (out / "people.csv").symlink_to(tmp_path / "planted.csv")
    result = run("generate", out, "--people", 20)
    assert result.exit_code == 2 and "already exists" in result.stderr
    assert not (tmp_path / "planted.csv").exists()


@pytest.mark.parametrize("dangling", [True, False])
def test_generate_force_replaces_links_and_never_writes_outside(tmp_path, dangling):
    outside = tmp_path / "outside.csv"
    if not dangling:
        outside.write_text("keep me\n")
    out = tmp_path / "ds"
    out.mkdir()
    (out / "people.csv").symlink_to(outside)
    (out / "relationships.csv").symlink_to(tmp_path / "nowhere.csv")
    result = run("generate", out, "--people", 20, "--force")
    assert result.exit_code == 0, result.output
    for name in ("people.csv", "relationships.csv"):
        assert not (out / name).is_symlink() and (out / name).stat().st_size > 0
    assert (outside.read_text() == "keep me\n") if not dangling else not outside.exists()
    assert not (tmp_path / "nowhere.csv").exists()
    assert sorted(p.name for p in out.iterdir()) == ["people.csv", "relationships.csv"]


def test_generate_rewrites_atomically_keeping_the_mode(tmp_path):
    out = tmp_path / "ds"
    assert run("generate", out, "--people", 20).exit_code == 0
    (out / "people.csv").chmod(0o600)
    first = (out / "people.csv").read_bytes()
    assert run("generate", out, "--people", 20, "--seed", 1, "--force").exit_code == 0
    assert (out / "people.csv").read_bytes() != first
    assert stat.S_IMODE((out / "people.csv").stat().st_mode) == 0o600
    assert sorted(p.name for p in out.iterdir()) == ["people.csv", "relationships.csv"]


def test_generate_refuses_a_special_file_in_the_target(tmp_path):
    out = tmp_path / "ds"
    out.mkdir()
    os.mkfifo(out / "people.csv")
    result = run("generate", out, "--people", 20, "--force")
    assert result.exit_code == 2 and "not a regular file" in result.stderr
    assert stat.S_ISFIFO((out / "people.csv").lstat().st_mode)
