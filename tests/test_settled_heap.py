"""A served worker takes its long-lived heap out of the cyclic collector's walks (api.deps.settle_heap): at
start, and again once it has opened its store and index; an app that shares its process (tests) leaves the
collector alone."""

from __future__ import annotations

import gc
from pathlib import Path
from typing import Callable, Iterator

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.server import served_app
from cancu.config import Settings
from graph.oxigraph_store import OxigraphStore

FIXTURE = Path(__file__).parent / "fixtures" / "api_fixture.trig"


@pytest.fixture
def frozen() -> Iterator[Callable[[], int]]:
    """How many objects are frozen, counted from none."""
    gc.unfreeze()
    yield gc.get_freeze_count
    gc.unfreeze()  # this process is the test run's: give every frozen object back to the collector


def store() -> OxigraphStore:
    s = OxigraphStore(None)
    s.load(FIXTURE)
    return s


def test_a_served_app_freezes_its_heap_at_start_and_after_opening_its_index(frozen: Callable[[], int]) -> None:
    with TestClient(create_app(store(), settings=Settings.from_env({}), settle=True)) as c:
        at_start = frozen()
        assert at_start > 0
        c.get("/search?q=thu+nghiem")  # opens the index
        assert frozen() > at_start


def test_an_app_sharing_its_process_leaves_the_collector_alone(frozen: Callable[[], int]) -> None:
    with TestClient(create_app(store(), settings=Settings.from_env({}))) as c:
        c.get("/search?q=thu+nghiem")
        assert frozen() == 0


def test_the_workers_of_cancu_serve_are_served_apps(frozen: Callable[[], int], tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CANCU_DATA", str(tmp_path))  # no store there: the app starts and answers 503
    with TestClient(served_app()) as c:
        assert frozen() > 0
        assert c.get("/health").status_code in (200, 503)
