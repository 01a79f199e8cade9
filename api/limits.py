"""Cost limits for open query endpoints: a wall-clock timeout and a cap on queries running at once.

pyoxigraph cannot cancel a running query, so a query that passes its timeout keeps its worker thread
until it finishes; the client gets 503 at the deadline, and at most CANCU_QUERY_SLOTS such queries
run at once (further ones get 503 "busy" immediately instead of queueing). CPU time of an abandoned
query and the size of a result that finishes in time are not bounded.
"""

from __future__ import annotations

import os
import threading
from typing import Callable, TypeVar

from api.errors import ApiError

T = TypeVar("T")


def _env_float(name: str, default: float) -> float:
    try:
        return float(os.environ.get(name, "") or default)
    except ValueError:
        return default


SLOTS = max(1, int(_env_float("CANCU_QUERY_SLOTS", 4)))
_slots = threading.BoundedSemaphore(SLOTS)


def timeout() -> float:
    """Seconds a query may run before the client gets 503: CANCU_QUERY_TIMEOUT, default 30."""
    return _env_float("CANCU_QUERY_TIMEOUT", 30.0)


def bounded(fn: Callable[[], T]) -> T:
    """Run `fn` in a query slot with the timeout; 503 if no slot is free or the deadline passes.

    A daemon thread per query (not a pool): an abandoned query must not keep the server from exiting.
    """
    if not _slots.acquire(blocking=False):
        raise ApiError(503, "busy", f"{SLOTS} queries are already running; try again shortly")
    done = threading.Event()
    box: dict[str, object] = {}

    def work() -> None:
        try:
            box["value"] = fn()
        except BaseException as exc:  # re-raised in the caller's thread
            box["error"] = exc
        finally:
            _slots.release()
            done.set()

    threading.Thread(target=work, name="cancu-query", daemon=True).start()
    if not done.wait(timeout()):
        raise ApiError(503, "query_timeout", f"the query ran longer than {timeout():g} s (CANCU_QUERY_TIMEOUT); "
                                             "narrow it or add LIMIT")
    if "error" in box:
        raise box["error"]  # type: ignore[misc]
    return box["value"]  # type: ignore[return-value]
