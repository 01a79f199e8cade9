"""POST /cypher: read-only Cypher when the store is Neo4j (Neo4jStore.cypher_read); 501 elsewhere.

A query runs under a Neo4j transaction timeout of CANCU_QUERY_TIMEOUT: the server stops it (503 here),
so a slow query does not keep running after its answer; at most CANCU_CYPHER_MAX_ROWS + 1 rows are read.
"""

from __future__ import annotations

from fastapi import APIRouter, Depends

from cancu.config import Settings

from graph.store import CypherStore, Store, supports

from api.deps import get_settings, get_store
from api.errors import ApiError
from api.graph_schemas import CypherIn, CypherOut
from api.schemas import errors

router = APIRouter(tags=["sparql"])


@router.post("/cypher", response_model=CypherOut,
             responses=errors(400, 403, 501, 503),
             summary="Read-only Cypher (Neo4j backend only; write clauses answer 403)")
def cypher(body: CypherIn, store: Store = Depends(get_store), settings: Settings = Depends(get_settings)) -> CypherOut:
    if not supports(store, CypherStore):
        raise ApiError(501, "not_implemented", f"Cypher needs the Neo4j backend; this server runs {store.name}: use /sparql")
    cap = settings.cypher_max_rows
    try:
        rows = store.cypher_read(body.query, body.params, timeout=settings.query_timeout, max_rows=cap)
    except TimeoutError as exc:  # the server-side transaction timeout stopped the query: nothing keeps running
        raise ApiError(503, "query_timeout", f"{exc} (CANCU_QUERY_TIMEOUT); narrow it or add LIMIT") from exc
    except PermissionError as exc:
        raise ApiError(403, "read_only", str(exc)) from exc
    except ValueError as exc:
        raise ApiError(400, "invalid_query", str(exc)) from exc
    return CypherOut(rows=[_plain(r) for r in rows[:cap]], truncated=len(rows) > cap)


def _plain(value: object) -> object:
    """JSON-ready values: containers walked, scalars kept, driver objects (nodes, dates …) as text."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)
