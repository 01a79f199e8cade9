"""/sparql: the SPARQL 1.1 Protocol, read-only.

Queries via GET ?query=, POST form (query=) or POST application/sparql-query. Updates (update=,
application/sparql-update, or an INSERT/DELETE/… sent as a query) are refused with 403: the API
opens the store read-only and nothing here writes. Results are negotiated by Accept
(SPARQL JSON/XML/CSV/TSV; Turtle, JSON-LD, N-Triples, RDF/XML for CONSTRUCT/DESCRIBE).

Cost limits: query text ≤ MAX_QUERY characters; a wall-clock timeout and a cap on concurrent queries
(api.limits: CANCU_QUERY_TIMEOUT, CANCU_QUERY_SLOTS). Not bounded: result size, and the CPU of a query
that outlives its timeout (Oxigraph cannot cancel it; it holds one slot until it ends).
"""

from __future__ import annotations

from typing import Annotated
from urllib.parse import parse_qs

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from graph.oxigraph_store import NotAcceptable, is_update
from graph.store import Store

from api.deps import get_store
from api.errors import ApiError
from api.limits import bounded
from api.schemas import ErrorResponse

router = APIRouter(tags=["sparql"])
MAX_QUERY = 100_000
ERRORS = {400: {"model": ErrorResponse}, 403: {"model": ErrorResponse}, 406: {"model": ErrorResponse},
          415: {"model": ErrorResponse}, 503: {"model": ErrorResponse}}
RESULT_TYPES = {"application/sparql-results+json": {}, "application/sparql-results+xml": {}, "text/csv": {},
                "text/tab-separated-values": {}, "text/turtle": {}, "application/ld+json": {}, "application/n-triples": {}}
READ_ONLY = "SPARQL Update is not allowed: this endpoint is read-only"


def _run(store: Store, query: str | None, request: Request, default_graphs: list[str], named_graphs: list[str]) -> Response:
    if not query or not query.strip():
        raise ApiError(400, "missing_query", "pass a SPARQL query as query=…", ["SELECT * WHERE { ?s ?p ?o } LIMIT 10"])
    if len(query) > MAX_QUERY:
        raise ApiError(400, "query_too_long", f"queries are limited to {MAX_QUERY} characters")
    if is_update(query):
        raise ApiError(403, "read_only", READ_ONLY)
    sparql = getattr(store, "sparql", None)
    if sparql is None:
        raise ApiError(501, "not_implemented", f"the {store.name} backend has no SPARQL endpoint")
    try:
        accept = request.headers.get("accept", "*/*")
        result = bounded(lambda: sparql(query, accept=accept, default_graph=default_graphs or None,
                                        named_graphs=named_graphs or None))
    except PermissionError as exc:
        raise ApiError(403, "read_only", str(exc)) from exc
    except NotAcceptable as exc:
        raise ApiError(406, "not_acceptable", str(exc)) from exc
    except ValueError as exc:
        raise ApiError(400, "invalid_query", str(exc)) from exc
    return Response(content=result.body, media_type=result.media_type, headers={"Vary": "Accept"})


@router.get("/sparql", responses={**ERRORS, 200: {"content": RESULT_TYPES}}, response_class=Response,
            summary="SPARQL query (read-only), union of all document graphs as the default graph")
def sparql_get(
    request: Request, store: Store = Depends(get_store),
    query: Annotated[str | None, Query(description="the SPARQL query")] = None,
    update: Annotated[str | None, Query(description="refused: the endpoint is read-only")] = None,
    default_graph_uri: Annotated[list[str], Query(alias="default-graph-uri")] = [],
    named_graph_uri: Annotated[list[str], Query(alias="named-graph-uri")] = [],
) -> Response:
    if update is not None:
        raise ApiError(403, "read_only", READ_ONLY)
    return _run(store, query, request, default_graph_uri, named_graph_uri)


@router.post("/sparql", responses={**ERRORS, 200: {"content": RESULT_TYPES}}, response_class=Response,
             summary="SPARQL query by POST (form or application/sparql-query); updates answer 403",
             openapi_extra={"requestBody": {"content": {
                 "application/x-www-form-urlencoded": {"schema": {"type": "object", "properties": {
                     "query": {"type": "string"}, "update": {"type": "string"}}}},
                 "application/sparql-query": {"schema": {"type": "string"}},
                 "application/sparql-update": {"schema": {"type": "string"}}}}})
async def sparql_post(request: Request, store: Store = Depends(get_store)) -> Response:
    ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
    raw = await request.body()
    params = parse_qs(request.url.query)
    if ctype == "application/sparql-update":
        raise ApiError(403, "read_only", READ_ONLY)
    if ctype == "application/sparql-query":
        query = raw.decode("utf-8", errors="replace")
    elif ctype == "application/x-www-form-urlencoded":
        form = parse_qs(raw.decode("utf-8", errors="replace"))
        if "update" in form:
            raise ApiError(403, "read_only", READ_ONLY)
        params = {**params, **form}
        query = (form.get("query") or [None])[0]
    else:
        raise ApiError(415, "unsupported_media_type",
                       f"POST a query as application/x-www-form-urlencoded or application/sparql-query, not {ctype or 'nothing'}")
    from starlette.concurrency import run_in_threadpool

    return await run_in_threadpool(_run, store, query, request, params.get("default-graph-uri", []),
                                   params.get("named-graph-uri", []))
