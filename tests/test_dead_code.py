"""No unused code: vulture over the packages, bench/, scripts/ and tests (a name the tests use counts as used),
with the settings in pyproject.toml ([tool.vulture]) and the names only templates or frameworks use listed in
tests/vulture_whitelist.py."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_no_unused_code() -> None:
    res = subprocess.run([sys.executable, "-m", "vulture"], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert res.returncode == 0 and not res.stdout.strip(), (
        "unused code (delete it, or list a name used from outside in tests/vulture_whitelist.py):\n"
        + res.stdout + res.stderr)
