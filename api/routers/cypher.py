"""POST /cypher: read-only Cypher when the store is Neo4j (Neo4jStore.cypher_read); 501 elsewhere."""

from __future__ import annotations

import os

from fastapi import APIRouter, Depends
from fastapi.encoders import jsonable_encoder

from graph.store import Store

from api.deps import get_store
from api.errors import ApiError
from api.graph_schemas import CypherIn, CypherOut
from api.schemas import ErrorResponse

router = APIRouter(tags=["sparql"])


def max_rows() -> int:
    """Rows returned per query (CANCU_CYPHER_MAX_ROWS, default 10,000): the rest is cut and flagged."""
    try:
        return int(os.environ.get("CANCU_CYPHER_MAX_ROWS", "") or 10_000)
    except ValueError:
        return 10_000


@router.post("/cypher", response_model=CypherOut,
             responses={code: {"model": ErrorResponse} for code in (400, 403, 501, 503)},
             summary="Read-only Cypher (Neo4j backend only; write clauses answer 403)")
def cypher(body: CypherIn, store: Store = Depends(get_store)) -> CypherOut:
    run = getattr(store, "cypher_read", None)
    if run is None:
        raise ApiError(501, "not_implemented", f"Cypher needs the Neo4j backend; this server runs {store.name}: use /sparql")
    try:
        rows = run(body.query, body.params)
    except PermissionError as exc:
        raise ApiError(403, "read_only", str(exc)) from exc
    except ValueError as exc:
        raise ApiError(400, "invalid_query", str(exc)) from exc
    cap = max_rows()
    return CypherOut(rows=jsonable_encoder(rows[:cap], custom_encoder={object: str}), truncated=len(rows) > cap)
