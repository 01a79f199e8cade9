"""/sparql: the SPARQL 1.1 Protocol, read-only.

Queries via GET ?query=, POST form (query=) or POST application/sparql-query. Updates (update=,
application/sparql-update, or an INSERT/DELETE/… sent as a query) are refused with 403: the API
opens the store read-only and nothing here writes. Results are negotiated by Accept
(SPARQL JSON/XML/CSV/TSV; Turtle, JSON-LD, N-Triples, RDF/XML for CONSTRUCT/DESCRIBE).

Cost limits (cancu.config.Settings, each configurable): before the engine sees a query, its text length, bracket
nesting and number of patterns are bounded and SERVICE is refused (api.sparql_guard: 400). It then runs in
a worker process (api.sparql_pool) with a wall-clock timeout that really stops it (503), a cap on queries at
once (beyond it a query waits up to CANCU_QUERY_QUEUE_WAIT, then 503 "busy") and a cap on the serialised
result (422). A dataset (FROM, FROM NAMED, default-graph-uri,
named-graph-uri) naming a graph the store does not hold answers 400: the endpoint answers from its data only.
"""

from __future__ import annotations

from typing import Annotated
from urllib.parse import parse_qs

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from cancu.config import Settings
from cancu.text import ascii_int
from graph.oxigraph_store import PREFIXES, is_update
from graph.store import NotAcceptable, ResultTooLarge, SparqlStore, Store, supports

from api.deps import StoreHolder, get_holder, get_store, settings_of
from api.errors import ApiError
from api.negotiation import not_acceptable, sparql_formats
from api.schemas import json_errors
from api.sparql_guard import dataset, shape
from api.sparql_pool import GraphNotInStore, Job

router = APIRouter(tags=["sparql"])
ERRORS = json_errors(400, 403, 406, 413, 415, 422, 501, 503)
RESULT_TYPES = {"application/sparql-results+json": {}, "application/sparql-results+xml": {}, "text/csv": {},
                "text/tab-separated-values": {}, "text/turtle": {}, "application/ld+json": {}, "application/n-triples": {}}
MAX_QUERY = 100_000  # characters of query text
READ_ONLY = "SPARQL Update is not allowed: this endpoint is read-only"


def check_query(query: str | None, settings: Settings) -> str:
    """The query if the endpoint will run it; else ApiError naming the rule (400), or 403 for an update."""
    if not query or not query.strip():
        raise ApiError(400, "missing_query", "pass a SPARQL query as query=…", ["SELECT * WHERE { ?s ?p ?o } LIMIT 10"])
    if len(query) > MAX_QUERY:
        raise ApiError(400, "query_too_long", f"queries are limited to {MAX_QUERY} characters")
    if is_update(query):
        raise ApiError(403, "read_only", READ_ONLY)
    measured = shape(query)
    if measured.service:
        raise ApiError(400, "federated_query_disabled", "federated queries are disabled: this endpoint does not "
                                                        "call other services (SERVICE)")
    if measured.depth > settings.sparql_max_depth:
        raise ApiError(400, "query_too_deep", f"the query nests {{ }}, ( ) or [ ] {measured.depth} deep; the limit is "
                                              f"{settings.sparql_max_depth} (CANCU_SPARQL_MAX_DEPTH)")
    if measured.patterns > settings.sparql_max_patterns:
        raise ApiError(400, "query_too_complex", f"the query has {measured.patterns} patterns and operators; the limit "
                                                 f"is {settings.sparql_max_patterns} (CANCU_SPARQL_MAX_PATTERNS)")
    return query


def _run(holder: StoreHolder, store: Store, query: str | None, request: Request, default_graphs: list[str],
         named_graphs: list[str]) -> Response:
    settings = settings_of(request)
    query = check_query(query, settings)
    if not supports(store, SparqlStore):
        raise ApiError(501, "not_implemented", f"the {store.name} backend has no SPARQL endpoint")
    accept = request.headers.get("accept", "*/*")
    own = dataset(query, PREFIXES)
    job = Job(query=query, formats=sparql_formats(accept), default_graph=default_graphs or None,
              named_graphs=named_graphs or None, max_bytes=settings.sparql_max_result, from_graphs=own.default,
              from_named=own.named)
    try:
        result = holder.sparql_pool().run(job, settings.query_timeout)
    except PermissionError as exc:
        raise ApiError(403, "read_only", str(exc)) from exc
    except NotAcceptable as exc:
        raise not_acceptable(accept, exc) from exc
    except GraphNotInStore as exc:
        raise ApiError(400, "graph_not_in_store", f"{exc}: FROM, FROM NAMED, default-graph-uri and named-graph-uri "
                                                  "may name only this store's graphs (see /documents)") from exc
    except ResultTooLarge as exc:
        raise ApiError(422, "result_too_large", f"{exc} (CANCU_SPARQL_MAX_RESULT)") from exc
    except ValueError as exc:
        raise ApiError(400, "invalid_query", str(exc)) from exc
    return Response(content=result.body, media_type=result.media_type, headers={"Vary": "Accept"})


async def _body(request: Request) -> bytes:
    """The request body, 413 once it passes what a query of MAX_QUERY characters can take (form-encoded)."""
    cap = MAX_QUERY * 9 + 4096  # a character is at most 4 UTF-8 bytes, 12 percent-encoded: ample for forms
    length = request.headers.get("content-length", "")
    if (ascii_int(length) or 0) > cap:
        raise ApiError(413, "too_large", f"queries are limited to {MAX_QUERY} characters")
    data = bytearray()
    async for chunk in request.stream():
        data += chunk
        if len(data) > cap:
            raise ApiError(413, "too_large", f"queries are limited to {MAX_QUERY} characters")
    return bytes(data)


async def _queued(request: Request, holder: StoreHolder, store: Store, query: str | None, default_graphs: list[str],
                  named_graphs: list[str]) -> Response:
    """`_run` in the thread pool once a query slot is free (waited for on the event loop)."""
    async with holder.sparql_pool().slot(settings_of(request).query_queue_wait):
        return await run_in_threadpool(_run, holder, store, query, request, default_graphs, named_graphs)


@router.get("/sparql", responses={**ERRORS, 200: {"content": RESULT_TYPES}}, response_class=Response,
            summary="SPARQL query (read-only), union of all document graphs as the default graph")
async def sparql_get(
    request: Request, store: Store = Depends(get_store), holder: StoreHolder = Depends(get_holder),
    query: Annotated[str | None, Query(description="the SPARQL query")] = None,
    update: Annotated[str | None, Query(description="refused: the endpoint is read-only")] = None,
    default_graph_uri: Annotated[list[str], Query(alias="default-graph-uri")] = [],
    named_graph_uri: Annotated[list[str], Query(alias="named-graph-uri")] = [],
) -> Response:
    if update is not None:
        raise ApiError(403, "read_only", READ_ONLY)
    return await _queued(request, holder, store, query, default_graph_uri, named_graph_uri)


@router.post("/sparql", responses={**ERRORS, 200: {"content": RESULT_TYPES}}, response_class=Response,
             summary="SPARQL query by POST (form or application/sparql-query); updates answer 403",
             openapi_extra={"requestBody": {"content": {
                 "application/x-www-form-urlencoded": {"schema": {"type": "object", "properties": {
                     "query": {"type": "string"}, "update": {"type": "string"}}}},
                 "application/sparql-query": {"schema": {"type": "string"}},
                 "application/sparql-update": {"schema": {"type": "string"}}}}})
async def sparql_post(request: Request, store: Store = Depends(get_store),
                      holder: StoreHolder = Depends(get_holder)) -> Response:
    ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
    raw = await _body(request)
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
    return await _queued(request, holder, store, query, params.get("default-graph-uri", []),
                         params.get("named-graph-uri", []))
