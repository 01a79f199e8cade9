"""Cost limits of the open query endpoints, one place, each read from the environment when used.

A SPARQL query runs in a worker process (api.sparql_pool), so its timeout is real: past it the worker is
killed and replaced, and the client gets 503. Before that, api.sparql_guard refuses what could crash the
engine (nesting, size) or reach the network (SERVICE).
"""

from __future__ import annotations

import os


def _env_float(name: str, default: float) -> float:
    try:
        return float(os.environ.get(name, "") or default)
    except ValueError:
        return default


def timeout() -> float:
    """Seconds a query may run before the client gets 503 and its worker is killed: CANCU_QUERY_TIMEOUT, default 30."""
    return _env_float("CANCU_QUERY_TIMEOUT", 30.0)


def slots() -> int:
    """Queries running at once, one worker process each (more get 503 "busy"): CANCU_QUERY_SLOTS, default 4."""
    return max(1, int(_env_float("CANCU_QUERY_SLOTS", 4)))


MAX_QUERY = 100_000  # characters of query text


def max_depth() -> int:
    """Deepest nesting of { } ( ) [ ] in a query: CANCU_SPARQL_MAX_DEPTH, default 64 (the engine crashes past ~2,000)."""
    return max(1, int(_env_float("CANCU_SPARQL_MAX_DEPTH", 64)))


def max_patterns() -> int:
    """Triple patterns, pattern keywords and operators in a query: CANCU_SPARQL_MAX_PATTERNS, default 1,000
    (the engine crashes past ~2,500 MINUS or BIND in a row)."""
    return max(1, int(_env_float("CANCU_SPARQL_MAX_PATTERNS", 1000)))


def max_result_bytes() -> int:
    """Bytes of one serialised result: CANCU_SPARQL_MAX_RESULT, default 50 MB (past it: 422, add LIMIT)."""
    return max(1024, int(_env_float("CANCU_SPARQL_MAX_RESULT", 50_000_000)))
