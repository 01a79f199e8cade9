"""../shared (the gazette, the hand-made gold) is on developers' machines and in CI, not on users'.

Tests that need it skip with one line when it is absent, and fail under CI=true, where it must be there.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
GAZETTE = SHARED / "gazette"


def need(*paths: Path) -> None:
    """Skip (fail in CI) unless every path exists."""
    for p in paths:
        if not p.exists():
            if os.environ.get("CI", "").lower() == "true":
                pytest.fail(f"{p} is required in CI", pytrace=False)
            pytest.skip(f"{p} not here (../shared)")
