"""/documents: list and filter; /documents/{id}: metadata with provisions, legal bases, citations out and in."""

from __future__ import annotations

import re
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from cancu.iri import split_provision
from graph.search_index import SearchIndex
from graph.store import DocSummary, LinkRow, Store

from api.convert import doc_fields, doc_out, link_out
from api.deps import get_index, get_store, run_store
from api.errors import ApiError
from api.lookup import get_document
from api.negotiation import JSON, rdf_response, representation
from api.graph_schemas import (DocumentDetailOut, DocumentListPage, ProvisionCitationOut, ProvisionDetailOut,
                               ProvisionOut)
from api.ids import ROW_KINDS, task_id
from api.routers.common import RDF_CONTENT, Format, Limit, LinkOffset, Offset
from api.schemas import LinkPage, errors

router = APIRouter(prefix="/documents", tags=["documents"])
ERRORS = errors(400, 404, 503)
Relations = Annotated[list[str] | None, Query(description="only these relation kinds (based_on, cites, amends …)")]


def document_response(request: Request, doc: DocSummary, store: Store, fmt: str | None,
                      text: bool = False, offset: int = 0) -> DocumentDetailOut | Response:
    """JSON by default (metadata and provisions); JSON-LD or Turtle by Accept (or ?format=)."""
    kind = representation(request, fmt)
    if kind == JSON:
        provisions = [ProvisionOut(**vars(p), task_id=task_id(p.iri) if p.kind in ROW_KINDS else None)
                      for p in store.provisions(doc.iri, with_text=text)]
        return DocumentDetailOut(**doc_fields(doc), provisions=provisions)
    return rdf_response(store, doc.iri, kind, request, offset)


@router.get("", response_model=DocumentListPage, responses=errors(400, 503),
            summary="List documents (stubs included unless ingested=true), filtered; newest first")
def list_documents(
    store: Store = Depends(get_store),
    type: Annotated[str | None, Query(max_length=100, description="type name, diacritics optional: 'Quyết định', 'nghi dinh'")] = None,
    issuer: Annotated[str | None, Query(max_length=200, description="part of the issuer's name: 'thong tin'")] = None,
    year: Annotated[int | None, Query(ge=1900, le=2100)] = None,
    field: Annotated[str | None, Query(max_length=200, description="part of the field (lĩnh vực)")] = None,
    ingested: Annotated[bool | None, Query(description="true: only ingested documents; false: only stubs")] = None,
    limit: Limit = 50, offset: Offset = 0,
) -> DocumentListPage:
    total, docs = store.list_documents(type=type, issuer=issuer, year=year, field=field, ingested=ingested,
                                       limit=limit, offset=offset)
    return DocumentListPage(total=total, limit=limit, offset=offset, items=[doc_out(d) for d in docs])


@router.get("/{doc_id}", response_model=DocumentDetailOut, responses={**errors(400, 404, 406, 503),
            200: {"content": RDF_CONTENT}}, summary="One document: metadata and provisions (JSON, JSON-LD or Turtle)")
async def read_document(doc_id: str, request: Request, store: Store = Depends(get_store),
                        index: SearchIndex = Depends(get_index),
                        format: Format = None,
                        text: Annotated[bool, Query(description="include each provision's text")] = False,
                        offset: LinkOffset = 0):
    # async, not `def`: a `def` route with a response model costs two thread-pool hops (the route, then
    # FastAPI's validation of what it returned); run_store makes at most one, and none for JSON without texts,
    # which reads only the pages (the summary and the parts).
    paged = not text and representation(request, format) == JSON
    return await run_store(store, lambda: document_response(request, get_document(doc_id, store, index), store,
                                                            format, text, offset), paged=paged)


def _links(doc_id: str, store: Store, index: SearchIndex, relations: list[str] | None, outgoing: bool,
           limit: int, offset: int) -> LinkPage:
    from graph.shared import RELATIONS

    unknown = [r for r in relations or [] if r not in RELATIONS]
    if unknown:
        raise ApiError(400, "invalid_relation", f"unknown relation kind(s): {', '.join(unknown)}", sorted(RELATIONS))
    doc = get_document(doc_id, store, index)
    rows = store.links_from(doc.iri, relations) if outgoing else store.links_to(doc.iri, relations)
    return LinkPage(document=doc_out(doc), direction="outgoing" if outgoing else "incoming",
                    relations=relations or sorted(RELATIONS), total=len(rows), limit=limit, offset=offset,
                    items=[link_out(r, outgoing) for r in rows[offset:offset + limit]])


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


_PROVISION_ID = re.compile(r"[a-z0-9_]{1,40}(?:/[a-z0-9_]{1,40}){0,9}")


def _provision_links(store: Store, rows: list[LinkRow], outgoing: bool) -> list[ProvisionCitationOut]:
    others = [(r.target if outgoing else r.source).iri for r in rows]
    docs = store.documents_many(sorted({split_provision(o)[0] for o in others}))
    out = []
    for r, o in zip(rows, others):
        link = link_out(r, outgoing)  # its document is the provision's document, not the provision
        home = split_provision(o)[0]
        out.append(ProvisionCitationOut(**link.model_dump(exclude={"document"}), provision=o,
                                        document=doc_out(docs.get(home) or DocSummary(iri=home))))
    return out


@router.get("/{doc_id}/provisions/{provision:path}", response_model=ProvisionDetailOut, responses=ERRORS,
            summary="One provision ('dieu_18/khoan_2', or its full id): its text and the provisions that cite it by number")
def read_provision(doc_id: str, provision: str, store: Store = Depends(get_store),
                   index: SearchIndex = Depends(get_index),
                   text: Annotated[bool, Query(description="include the provision's text")] = True) -> ProvisionDetailOut:
    if not _PROVISION_ID.fullmatch(provision):
        raise ApiError(400, "invalid_provision", f"not a provision id: {provision[:80]!r} (e.g. 'dieu_18/khoan_2')")
    doc = get_document(doc_id, store, index)
    rows = store.provisions(doc.iri, with_text=text)
    own = {p.iri: p for p in rows}
    iri = f"{doc.iri}/{provision}"
    if iri not in own:  # a pinpoint names an article without its chapter: "dieu_18" for "chuong_ii/dieu_18"
        tail = [p for p in own if p.endswith("/" + provision)]
        iri = tail[0] if len(tail) == 1 else iri
    mine = own.get(iri)
    # a citation from a batch that held this document names the full id; one from elsewhere the article on
    short = iri[iri.find("/dieu_") + 1:] if "/dieu_" in iri else None
    named = [iri] + ([f"{doc.iri}/{short}"] if short and f"{doc.iri}/{short}" != iri else [])
    cited_by = _provision_links(store, [r for n in named for r in store.links_to(n, ["cites"])], outgoing=False)
    cites = _provision_links(store, store.links_from(iri, ["cites"]), outgoing=True)
    if mine is None and not cited_by:
        near = [p.iri.removeprefix(doc.iri + "/") for p in rows if provision.split("/")[-1] in p.iri][:5]
        raise ApiError(404, "provision_not_found", f"{doc_id} has no provision {provision!r}", near)
    detail = ProvisionOut(**vars(mine)) if mine else None
    return ProvisionDetailOut(document=doc_out(doc), provision=iri, found=mine is not None, detail=detail,
                              cited_by=cited_by, cites=cites)
