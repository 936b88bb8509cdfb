"""Exit statuses users and scripts rely on: 1 for an internal error (one line, no traceback)."""
from __future__ import annotations

import pytest
from click.testing import CliRunner

from mentornet.backends.networkx import NetworkXBackend
from mentornet.cli import main

from helpers import write_dataset

EXPORTING = ["gaps", "refer", "match", "audit", "viz"]


@pytest.fixture
def source(tmp_path):
    return str(write_dataset(tmp_path, [{"id": "r1", "role": "resident"}], []))


def broken(self, *args, **kwargs):
    raise RuntimeError("something the authors did not foresee")


def test_internal_error_is_exit_1_in_one_line_without_traceback(source, monkeypatch):
    monkeypatch.setattr(NetworkXBackend, "gaps", broken)
    monkeypatch.delenv("MENTORNET_DEBUG", raising=False)
    result = CliRunner().invoke(main, ["gaps", source])
    assert result.exit_code == 1 and result.stdout == ""
    assert result.stderr == ("mentornet: internal error: RuntimeError: something the authors did not foresee "
                             "(set MENTORNET_DEBUG=1 for details)\n")


def test_debug_shows_the_exception(source, monkeypatch):
    monkeypatch.setattr(NetworkXBackend, "gaps", broken)
    result = CliRunner(env={"MENTORNET_DEBUG": "1"}).invoke(main, ["gaps", source])
    assert result.exit_code == 1 and isinstance(result.exception, RuntimeError)


@pytest.mark.parametrize("command", EXPORTING)
def test_every_exporting_command_offers_pseudonymize(command):
    text = CliRunner().invoke(main, [command, "--help"]).stdout
    assert "--pseudonymize" in text and "--salt-file" in text
