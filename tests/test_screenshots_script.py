"""scripts/screenshots.py: an unknown screenshot's name is refused with one line and status 2, before any server
starts (taking the screenshots themselves is a script, not a test)."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_an_unknown_name_is_refused_plainly():
    out = subprocess.run([sys.executable, "scripts/screenshots.py", "predict", "homepage"], cwd=ROOT,
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 2
    assert "no screenshot named 'homepage'; there are predict, train, digits" in out.stderr
    assert "Traceback" not in out.stderr and out.stdout == ""
