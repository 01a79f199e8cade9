"""Shared pieces of the entity routers: paging parameters, error docs, entity look-up, negotiation."""

from __future__ import annotations

import threading
import weakref
from typing import Annotated, Callable

from fastapi import Query, Request
from fastapi.responses import Response
from pydantic import BaseModel

from cancu.text import fold
from graph.search_index import SearchIndex
from cancu.iri import DocId
from graph.store import DocSummary, EntityDetail, EntitySummary, Store

from api.deps import run_store
from api.errors import ApiError
from api.graph_schemas import EntityOut, EntityPage
from api.graph_views import entity_out
from api.ids import ROW_KINDS, check_slug, entity_iri, near_entities, task_iri
from api.negotiation import JSON, rdf_response, representation
from api.rendered import rendered
from api.schemas import errors

ERRORS = errors(400, 404, 406, 503)
RDF_CONTENT = {"application/ld+json": {}, "text/turtle": {"schema": {"type": "string"}}}
Limit = Annotated[int, Query(ge=1, le=500, description="page size")]
Offset = Annotated[int, Query(ge=0, le=1_000_000_000, description="items to skip")]
Format = Annotated[str | None, Query(description="json | jsonld | ttl (overrides Accept)")]
LinkOffset = Annotated[int, Query(ge=0, le=1_000_000_000, description="JSON-LD and Turtle: qualified links to skip "
                                                                    "(500 a page; the Link header names the next)")]
Filter = Annotated[str | None, Query(max_length=200, description="part of the name, diacritics and case ignored")]


def list_entities(store: Store, kinds: list[str], q: str | None, limit: int, offset: int) -> EntityPage:
    items = [e for k in kinds for e in store.entities(k)]
    if q:
        key = fold(q)
        items = [e for e in items if any(key in fold(x) for x in (e.label, *e.alt_labels) if x)]
    items.sort(key=lambda e: (fold(e.label or ""), e.iri))
    page = [entity_out(e.iri, e.kind, e.label) for e in items[offset:offset + limit]]
    return EntityPage(total=len(items), limit=limit, offset=offset, items=page)


def get_entity(store: Store, raw_id: str, kinds: list[str], what: str) -> EntityDetail:
    """The entity with this slug under one of `kinds`; 404 with near ids if none."""
    slug = check_slug(raw_id)
    for kind in kinds:
        found = store.entity(entity_iri(kind, slug))
        if found is not None and found.kind == kind:
            return found
    known: list[EntitySummary] = [e for k in kinds for e in store.entities(k)]
    raise ApiError(404, "not_found", f"no {what} with id {slug!r}", near_entities(slug, known))


def get_task(store: Store, raw_id: str, near: Callable[[], list[str]] = list) -> tuple[EntityDetail, DocSummary | None]:
    """The annex row with this task id and its document (None if not stored); 400 if the id is malformed, 404
    with the ids `near()` gives if there is no such row."""
    ent = store.entity(task_iri(raw_id))
    if ent is None or ent.kind not in ROW_KINDS:
        raise ApiError(404, "not_found", f"no task with id {raw_id!r}", near())
    return ent, store.document(DocId.parse(raw_id.strip().lower().split("~", 1)[0]).iri())


async def entity_page(request: Request, store: Store, index: SearchIndex, fmt: str | None, raw_id: str,
                      kinds: list[str], what: str, build: Callable[[EntityDetail], BaseModel],
                      offset: int = 0) -> Response | BaseModel:
    """An entity's page: its RDF when the client asks for it (qualified links from `offset`), else the JSON
    `build` makes of it, kept rendered (api.rendered). A missing entity is a 404 either way."""
    kind = representation(request, fmt)
    if kind != JSON:
        return await run_store(store, lambda: rdf_response(store, get_entity(store, raw_id, kinds, what).iri, kind,
                                                           request, offset))
    return await rendered(request, store, index, lambda: build(get_entity(store, raw_id, kinds, what)))


def as_rdf(request: Request, fmt: str | None, store: Store, iri: str, offset: int = 0) -> Response | None:
    """`iri` as JSON-LD or Turtle if the client asked for RDF; None when it wants JSON (the route's own model)."""
    kind = representation(request, fmt)
    return None if kind == JSON else rdf_response(store, iri, kind, request, offset)


_LABELS: "weakref.WeakKeyDictionary[Store, dict[str, EntityOut]]" = weakref.WeakKeyDictionary()
_LABELS_LOCK = threading.Lock()  # one reading per handle: 50 first requests would each read every entity (~3 s at 100k)


def forget_labels() -> None:
    """Drop cached entity labels after a write."""
    _LABELS.clear()


def labels(store: Store) -> dict[str, EntityOut]:
    """Every named entity as EntityOut, by IRI (for parents, units, successors), computed once per store
    handle: a handle sees one snapshot, and a write (POST /documents) swaps in a new handle."""
    found = _LABELS.get(store)
    if found is None:
        with _LABELS_LOCK:
            found = _LABELS.get(store)
            if found is None:
                found = _LABELS[store] = {e.iri: entity_out(e.iri, e.kind, e.label) for e in store.entities()}
    return found
