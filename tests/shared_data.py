"""../shared (the gazette, the hand-made gold) is on developers' machines and in CI, not on users'; and the rule
for anything a test needs but cannot find (../shared, Java for Neo4j, Chromium).

Tests that need it skip with one line when it is absent, and fail under CI=true, where it must be there.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import NoReturn

import pytest

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
GAZETTE = SHARED / "gazette"


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")


def missing(msg: str) -> NoReturn:
    """What a test does without something it needs: skip with one line, or fail in CI, where nothing may be missing."""
    if in_ci():
        pytest.fail(f"required in CI: {msg}", pytrace=False)
    pytest.skip(msg)


def need(*paths: Path) -> None:
    """Skip (fail in CI) unless every path exists."""
    for p in paths:
        if not p.exists():
            missing(f"{p} not here (../shared)")
