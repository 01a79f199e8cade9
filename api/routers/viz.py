"""/viz: graph pages (pyvis) around a document, platform, agency or any IRI of the graph.

Each page is one self-contained HTML file (vis-network inlined, no CDN), so it works offline and
makes no request outside the service. `?format=json` gives the same neighbourhood as JSON.
"""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Query
from fastapi.responses import HTMLResponse, JSONResponse, Response
from pydantic import BaseModel, Field

from graph.neighbourhood import DEFAULT_CAP, MAX_CAP, MAX_DEPTH, MIN_DEPTH, exists
from graph.search_index import SearchIndex
from graph.store import Store

from api.deps import get_index, get_store
from api.errors import ApiError
from api.lookup import get_document
from api.routers.common import get_entity
from api.schemas import json_errors
from api.viz_graph import describe, neighbourhood, render_html

router = APIRouter(prefix="/viz", tags=["graph pages"])
ERRORS = json_errors(400, 404, 503)

Depth = Annotated[int, Query(ge=MIN_DEPTH, le=MAX_DEPTH, description="hops from the centre node (1–3)")]
Cap = Annotated[int, Query(ge=1, le=MAX_CAP, description="at most this many nodes; the page says when it was cut")]
Format = Annotated[str, Query(pattern="^(html|json)$", description="html (the page) or json (nodes and edges)")]
Mentions = Annotated[bool, Query(description="also walk cc:mentions (documents naming an agency anywhere in the text)")]


class VizNodeOut(BaseModel):
    iri: str
    kind: str = Field(description="document | stub | provision | annex | task | indicator | row | agency | unit | "
                                  "enterprise | platform | programme | person | other")
    label: str
    details: list[str]
    href: str | None = Field(description="the API resource (relative path)")
    viz: str | None = Field(description="the graph page centred on this node (relative path)")
    depth: int


class VizEdgeOut(BaseModel):
    source: str
    target: str
    relation: str = Field(description="based_on, cites, amends … or a role (leadAgency, governingAgency …)")
    label_vi: str | None
    quotes: list[str] = Field(description="the quoted text the link was read from")


class VizGraphOut(BaseModel):
    """The neighbourhood drawn on a page (`format=json`)."""

    start: str
    depth: int
    cap: int
    mentions: bool
    cut: bool = Field(description="true if the cap stopped the walk")
    omitted: int = Field(description="neighbours found at the last depth and not drawn (a lower bound)")
    nodes: list[VizNodeOut]
    edges: list[VizEdgeOut]


PAGE = {"model": VizGraphOut, "content": {"text/html": {"schema": {"type": "string"}}, "application/json": {
            "schema": {"$ref": "#/components/schemas/VizGraphOut"}}},  # format=json: the model under its own type
        "description": "An offline HTML page (default) or the neighbourhood as JSON (`format=json`)"}


def _page(store: Store, iri: str, title: str, depth: int, cap: int, mentions: bool, fmt: str, path: str,
          extra: dict[str, str] | None = None) -> Response:
    graph = neighbourhood(store, iri, depth, cap, mentions)
    if fmt == "json":
        return JSONResponse(VizGraphOut.model_validate(graph.to_json()).model_dump())
    extra = extra or {}
    flags = {"mentions": "true"} if mentions else {}
    links = [(d, "?" + urlencode({**extra, "depth": d, "cap": cap, **flags})) for d in range(MIN_DEPTH, MAX_DEPTH + 1)]
    html = render_html(graph, title, depth_links=links, form_action=path, hidden=extra)
    return HTMLResponse(html)


@router.get("/documents/{doc_id}", response_class=HTMLResponse, responses={**ERRORS, 200: PAGE},
            summary="Graph page around a document: legal bases, citations both ways, issuer, signer, programmes")
def viz_document(doc_id: str, store: Store = Depends(get_store), index: SearchIndex = Depends(get_index),
                 depth: Depth = 1, cap: Cap = DEFAULT_CAP, mentions: Mentions = False, format: Format = "html") -> Response:
    doc = get_document(doc_id, store, index)
    name = " ".join(p for p in (doc.type, doc.number) if p) or doc.title or doc_id
    return _page(store, doc.iri, f"{name}", depth, cap, mentions, format, f"/viz/documents/{doc_id}")


@router.get("/platforms/{platform_id}", response_class=HTMLResponse, responses={**ERRORS, 200: PAGE},
            summary="Graph page around a platform: the programme and decision naming it, agencies, enterprises")
def viz_platform(platform_id: str, store: Store = Depends(get_store), depth: Depth = 1, cap: Cap = DEFAULT_CAP,
                 mentions: Mentions = False, format: Format = "html") -> Response:
    iri = get_entity(store, platform_id, ["platform"], "platform").iri
    graph_title = _label(store, iri) or platform_id
    return _page(store, iri, graph_title, depth, cap, mentions, format, f"/viz/platforms/{platform_id}")


@router.get("/agencies/{agency_id}", response_class=HTMLResponse, responses={**ERRORS, 200: PAGE},
            summary="Graph page around an agency: documents it issued, tasks it leads or joins, units, successors")
def viz_agency(agency_id: str, store: Store = Depends(get_store), depth: Depth = 1, cap: Cap = DEFAULT_CAP,
               mentions: Mentions = False, format: Format = "html") -> Response:
    iri = get_entity(store, agency_id, ["agency"], "agency").iri
    return _page(store, iri, _label(store, iri) or agency_id, depth, cap, mentions, format, f"/viz/agencies/{agency_id}")


@router.get("", response_class=HTMLResponse, responses={**ERRORS, 200: PAGE},
            summary="Graph page around any IRI of the graph (a provision, an annex row, a unit, a person …)")
def viz_iri(iri: Annotated[str, Query(min_length=1, max_length=2000, description="an IRI of the graph")],
            store: Store = Depends(get_store), depth: Depth = 1, cap: Cap = DEFAULT_CAP,
            mentions: Mentions = False, format: Format = "html") -> Response:
    try:
        known = exists(store, iri)
    except ValueError as exc:  # not an absolute IRI (viz_graph._iri)
        raise ApiError(400, "invalid_iri", f"{exc} (expected e.g. an IRI from /documents)") from exc
    if not known:
        raise ApiError(404, "not_found", f"nothing is known about {iri}")
    return _page(store, iri, _label(store, iri) or iri.rsplit("/", 1)[-1], depth, cap, mentions, format, "/viz",
                 extra={"iri": iri})


def _label(store: Store, iri: str) -> str | None:
    node = describe(store, iri)
    return node.label if node else None
