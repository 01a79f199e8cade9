"""Dereferencing: the graph's IRIs ({base}/eli/vn/…, {base}/id/…) answer HTTP with the resource.

A document IRI gives the same representations as /documents/{id} (JSON, JSON-LD, Turtle); any other
IRI the store knows (a provision, an annex row, an agency, a platform) gives its triples as JSON-LD
or Turtle, and for plain JSON a 303 to its API resource (/agencies/…, /tasks/…) where there is one.
A browser (text/html, or ?format=html) is sent to the page (303 to /read/… or /browse/…), and a
document answers Akoma Ntoso to application/akn+xml (or ?format=akn). The IRI is rebuilt from cancu.config.base_iri(), so CANCU_BASE must be the
address the API is served at for IRIs to dereference.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import RedirectResponse, Response

from cancu.config import base_iri
from cancu.vocabulary_files import vocabulary_file
from cancu.iri import ELI_PATH
from graph.store import Store

from api.convert import doc_id
from api.deps import get_store
from api.errors import ApiError
from api.ids import entity_href
from api.negotiation import JSON, JSONLD, is_known, page_representation, rdf_response, representation
from api.routers.common import LinkOffset
from api.routers.documents import RDF_CONTENT, document_response
from api.routers.pages import iri_page
from api.graph_schemas import DocumentDetailOut
from api.schemas import json_errors

router = APIRouter(tags=["linked data"])
Format = Annotated[str | None, Query(description="json | jsonld | ttl | html | akn (overrides Accept)")]
ERRORS = {303: {"description": "a browser (text/html): the reader or entity page"}, **json_errors(400, 404, 406, 503)}
IRI_CONTENT = {**RDF_CONTENT, "application/akn+xml": {"schema": {"type": "string"}}}


def _resource(iri: str, request: Request, store: Store, fmt: str | None, offset: int = 0):
    page = page_representation(request, fmt)
    if page is not None:
        return iri_page(store, iri, page)
    doc = store.document(iri)
    if doc is not None:
        return document_response(request, doc, store, fmt, offset=offset)
    kind = representation(request, fmt)
    if not is_known(store, iri):
        near = [i for i in [doc_id(iri.rsplit("/", 1)[0])] if i]
        raise ApiError(404, "not_found", f"nothing is known about {iri}", near)
    if kind == JSON:  # plain JSON lives at the API resource (/agencies/…, /tasks/…): 303 there
        entity = store.entity(iri)
        href = entity_href(entity.kind, iri) if entity else None
        if href and not href.startswith("/id/"):
            return RedirectResponse(href, status_code=303)
        kind = JSONLD  # provisions and people have no JSON model of their own: JSON-LD
    return rdf_response(store, iri, kind, request, offset)


@router.get("/eli/vn/{rest:path}", response_model=DocumentDetailOut, responses={**ERRORS, 200: {"content": IRI_CONTENT}},
            summary="Dereference a document (or provision) IRI")
def eli_resource(rest: str, request: Request, store: Store = Depends(get_store), format: Format = None,
                 offset: LinkOffset = 0):
    return _resource(f"{base_iri()}{ELI_PATH}{rest.strip('/')}", request, store, format, offset)


@router.get("/context.jsonld", response_class=Response, summary="The JSON-LD context of cancu's vocabulary",
            responses={200: {"content": {"application/ld+json": {"schema": {"type": "object"}}}}})
def context() -> Response:
    return Response(vocabulary_file("context.jsonld").read_bytes(), media_type="application/ld+json")


@router.get("/id/{rest:path}", response_class=Response, responses={**ERRORS, 200: {"content": RDF_CONTENT}},
            summary="Dereference an entity IRI (agency, unit, enterprise, person, platform, programme)")
def entity_resource(rest: str, request: Request, store: Store = Depends(get_store), format: Format = None,
                    offset: LinkOffset = 0) -> Response:
    return _resource(f"{base_iri()}/id/{rest.strip('/')}", request, store, format, offset)

