"""The installed command under ``python -X dev``: no Python warning reaches the user.

Dev mode shows every DeprecationWarning, including those from libraries a new release
deprecates (click 8.5 deprecated ``get_text_stream``, which once made every command end in
"internal error"). Each command runs in a subprocess, as a user runs it.
"""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

RADIOLOGY = str(Path(__file__).resolve().parent.parent / "examples" / "radiology")
PYTHON_WARNING = re.compile(r"\b\w*(Warning|Error)\b: ")


@pytest.mark.parametrize("args", [
    ["validate", RADIOLOGY],
    ["gaps", RADIOLOGY, "--format", "table"],
    ["gaps", RADIOLOGY, "--format", "csv"],
    ["refer", RADIOLOGY, "--mentee", "res-chowdhury", "--format", "table"],
    ["match", RADIOLOGY, "--format", "json"],
    ["audit", RADIOLOGY, "--format", "json"],
    ["viz", RADIOLOGY, "-o", "OUT/network.html"],
], ids=lambda a: "-".join(a[:1] + a[2:][-1:]))
def test_no_python_warning_under_dev_mode(args, tmp_path):
    args = [a.replace("OUT", str(tmp_path)) for a in args]
    result = subprocess.run([sys.executable, "-X", "dev", "-m", "mentornet", *args, "--as-of", "2026-11-25"],
                            capture_output=True, text=True, timeout=300, cwd=tmp_path)
    assert result.returncode == 0, result.stderr[-3000:]
    assert not PYTHON_WARNING.search(result.stderr), result.stderr[-3000:]
    assert result.stdout or args[0] in ("viz", "validate")
