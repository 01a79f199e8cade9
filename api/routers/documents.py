"""/documents/{id}: metadata, legal bases, citations out and in (with provenance)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from graph.search_index import SearchIndex
from graph.store import DocSummary, LinkRow, Store

from api.convert import doc_out, link_out
from api.deps import get_index, get_store
from api.errors import ApiError
from api.lookup import get_document
from api.negotiation import JSON, rdf_response, representation
from api.schemas import DocumentOut, ErrorResponse, LinkPage

router = APIRouter(prefix="/documents", tags=["documents"])
ERRORS = {400: {"model": ErrorResponse}, 404: {"model": ErrorResponse}, 503: {"model": ErrorResponse}}
RDF_CONTENT = {"application/ld+json": {}, "text/turtle": {"schema": {"type": "string"}}}

Limit = Annotated[int, Query(ge=1, le=500, description="page size")]
Offset = Annotated[int, Query(ge=0, description="items to skip")]
Relations = Annotated[list[str] | None, Query(description="only these relation kinds (based_on, cites, amends …)")]


def document_response(request: Request, doc: DocSummary, store: Store, fmt: str | None) -> DocumentOut | Response:
    """JSON by default; JSON-LD or Turtle by Accept (or ?format=)."""
    kind = representation(request, fmt)
    if kind == JSON:
        return doc_out(doc)
    return rdf_response(store, doc.iri, kind)


@router.get("/{doc_id}", response_model=DocumentOut, responses={**ERRORS, 406: {"model": ErrorResponse},
            200: {"content": RDF_CONTENT}}, summary="One document's metadata (JSON, JSON-LD or Turtle)")
def read_document(doc_id: str, request: Request, store: Store = Depends(get_store),
                  index: SearchIndex = Depends(get_index),
                  format: Annotated[str | None, Query(description="json | jsonld | ttl (overrides Accept)")] = None):
    return document_response(request, get_document(doc_id, store, index), store, format)


def _page(doc: DocSummary, rows: list[LinkRow], outgoing: bool, relations: list[str], limit: int, offset: int) -> LinkPage:
    return LinkPage(document=doc_out(doc), direction="outgoing" if outgoing else "incoming", relations=relations,
                    total=len(rows), limit=limit, offset=offset,
                    items=[link_out(r, outgoing) for r in rows[offset:offset + limit]])


def _links(doc_id: str, store: Store, index: SearchIndex, relations: list[str] | None, outgoing: bool,
           limit: int, offset: int) -> LinkPage:
    from graph.oxigraph_store import RELATIONS

    unknown = [r for r in relations or [] if r not in RELATIONS]
    if unknown:
        raise ApiError(400, "invalid_relation", f"unknown relation kind(s): {', '.join(unknown)}", sorted(RELATIONS))
    doc = get_document(doc_id, store, index)
    rows = store.links_from(doc.iri, relations) if outgoing else store.links_to(doc.iri, relations)
    return _page(doc, rows, outgoing, relations or sorted(RELATIONS), limit, offset)


@router.get("/{doc_id}/legal-bases", response_model=LinkPage, responses=ERRORS,
            summary="Căn cứ: the documents this one is based on, with the quoted Căn cứ lines")
def legal_bases(doc_id: str, store: Store = Depends(get_store), index: SearchIndex = Depends(get_index),
                limit: Limit = 100, offset: Offset = 0) -> LinkPage:
    return _links(doc_id, store, index, ["based_on"], True, limit, offset)


@router.get("/{doc_id}/citations", response_model=LinkPage, responses=ERRORS,
            summary="Every outgoing link (legal bases, citations in the body, amendments …)")
def citations(doc_id: str, store: Store = Depends(get_store), index: SearchIndex = Depends(get_index),
              relation: Relations = None, limit: Limit = 100, offset: Offset = 0) -> LinkPage:
    return _links(doc_id, store, index, relation, True, limit, offset)


@router.get("/{doc_id}/cited-by", response_model=LinkPage, responses=ERRORS,
            summary="Every document that links to this one, with the kind of link and where it was made")
def cited_by(doc_id: str, store: Store = Depends(get_store), index: SearchIndex = Depends(get_index),
             relation: Relations = None, limit: Limit = 100, offset: Offset = 0) -> LinkPage:
    return _links(doc_id, store, index, relation, False, limit, offset)
