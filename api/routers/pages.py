"""HTML pages for people: the home page (`/`), the document reader (`/read/{id}`), entity pages
(`/browse/...`). Server-rendered with Jinja2 (autoescaped); every response carries a
Content-Security-Policy that allows nothing outside the service and only this response's inline
script (by nonce). `/` answers a JSON index of the API to `Accept: application/json`.
"""

from __future__ import annotations

import secrets
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response

import cancu
from cancu.iri import split_provision

from graph.search_index import SearchIndex, fts_query
from graph.store import Store

from api.browse import KIND_LABELS, entity_facts, home, role_groups
from api.convert import doc_id
from api.deps import get_index, get_role_store, get_store
from api.errors import ApiError
from api.ids import KINDS_BY_PATH
from api.ids import entity_href as api_href
from api.lookup import get_document
from api.negotiation import AKN, accepted
from api.page_urls import anchor_id, entity_href, read_href
from api.reader import build, doc_name
from api.routers.common import get_entity, get_task
from api.schemas import json_errors
from api.viz_graph import PAGES, viz_path

router = APIRouter(tags=["pages"])
ERRORS = json_errors(400, 404, 503)
HTML = {"content": {"text/html": {"schema": {"type": "string"}}}}
Offset = Annotated[int, Query(ge=0, le=1_000_000_000, description="role entries to skip (100 a page)")]


def csp(nonce: str) -> str:
    """No request outside the service; only this response's own inline script and style run."""
    return (f"default-src 'none'; script-src 'nonce-{nonce}'; style-src 'nonce-{nonce}'; img-src 'self' data:; "
            "connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'self'")


def page(template: str, status: int = 200, **context: object) -> HTMLResponse:
    nonce = secrets.token_urlsafe(16)
    policy = csp(nonce)
    html = PAGES.get_template(template).render(nonce=nonce, csp=policy, **context)
    return HTMLResponse(html, status_code=status, headers={"Content-Security-Policy": policy, "Vary": "Accept",
                                                           "X-Content-Type-Options": "nosniff"})


def wants_json(request: Request) -> bool:
    """True if the client ranks JSON above HTML (a browser sends text/html first)."""
    for media in accepted(request.headers.get("accept", "")):
        if media in ("text/html", "application/xhtml+xml", "*/*", "text/*"):
            return False
        if media in ("application/json", "application/*"):
            return True
    return False


def api_index(request: Request) -> dict:
    routes = [{"path": path, "method": method.upper(), "summary": op.get("summary", "")}
              for path, ops in request.app.openapi()["paths"].items() for method, op in ops.items()]
    return {"name": "cancu", "version": cancu.__version__,
            "description": "Vietnamese legal documents as a knowledge graph: legal bases, citations, agencies, "
                           "platforms, each link with its provenance.",
            "openapi": "/openapi.json", "docs": "/docs", "endpoints": routes}


def _hits(index: SearchIndex, q: str | None) -> list[dict]:
    if not q or fts_query(q) is None:
        return []
    _, hits = index.search(q, limit=20)
    out = []
    for h in hits:
        href = read_href(h.iri) if h.kind == "document" else entity_href(h.kind, h.iri)
        label = f"{h.number} — {h.label}" if h.kind == "document" and h.number and h.number != h.label else h.label
        out.append({"label": label, "kind": h.kind, "href": href or f"/viz?iri={quote(h.iri, safe='')}"})
    return out


@router.get("/", response_class=HTMLResponse, responses={200: HTML}, summary="Home page (HTML), or a JSON index of the API")
def home_page(request: Request, store: Store = Depends(get_store), index: SearchIndex = Depends(get_index),
              q: Annotated[str | None, Query(max_length=300, description="search (the page also searches as you type)")] = None) -> Response:
    if wants_json(request):
        return JSONResponse(api_index(request), headers={"Vary": "Accept"})
    data = home(store, index)
    return page("home.html", q=q, hits=_hits(index, q), counts=data.counts, most_cited=data.most_cited,
                cited_note=data.cited_note, documents=data.documents, more_documents=data.more_documents,
                sections=data.sections)


def parse_hl(hl: str | None) -> tuple[int, int] | None:
    if not hl:
        return None
    start, end = (int(x) for x in hl.split("-"))
    if end < start:
        raise ApiError(400, "invalid_span", f"hl={hl!r}: the end comes before the start", ["120-145"])
    return start, end


def reader_page(store: Store, doc_id_: str, index: SearchIndex, hl: tuple[int, int] | None) -> HTMLResponse:
    doc = get_document(doc_id_, store, index)
    r = build(store, doc, hl)
    did = doc_id(doc.iri)
    path = doc.iri.split("/eli/", 1)[1] if "/eli/" in doc.iri else None
    roles = lambda name: [{"label": x.entity_label or x.entity_iri, "href": entity_href(x.entity_kind, x.entity_iri)}  # noqa: E731
                          for x in r.roles if x.role == name]
    return page("reader.html", doc=doc, name=doc_name(doc), outline=r.outline, body=r.body, fallback=r.fallback,
                preamble_links=r.preamble_links, relations=r.relations, placed_links=r.placed_links,
                unplaced_links=r.unplaced_links, issuers=roles("issued"), signers=roles("signed"),
                approves=roles("approves"), viz_href=f"/viz/documents/{did}", api_href=f"/documents/{did}",
                ttl_href=f"/eli/{path}?format=ttl" if path else f"/documents/{did}?format=ttl",
                akn_href=f"/eli/{path}?format=akn" if path else "")


@router.get("/read/{doc_id}", response_class=HTMLResponse, responses={**ERRORS, 200: HTML},
            summary="Reader: the full text with its outline, every citation linked in place, relations both ways")
def read(doc_id: str, store: Store = Depends(get_store), index: SearchIndex = Depends(get_index),
         hl: Annotated[str | None, Query(pattern=r"^\d{1,9}-\d{1,9}$", description="highlight this character span: 120-145")] = None) -> HTMLResponse:
    return reader_page(store, doc_id, index, parse_hl(hl))


def _entity_page(store: Store, iri: str, kind: str, title: str, alt: list[str], facts: list, path: str,
                 offset: int) -> HTMLResponse:
    return page("entity.html", title=title, kind_label=KIND_LABELS.get(kind, kind), alt_labels=alt, iri=iri,
                facts=facts, groups=role_groups(store, iri, path, offset), viz_href=viz_path(iri, kind),
                api_href=api_href(kind, iri))


@router.get("/browse/tasks/{task_id}", response_class=HTMLResponse, responses={**ERRORS, 200: HTML},
            summary="An annex row (task, indicator) as a page: its text, agencies by role, the place in its document")
def task_page(task_id: str, store: Store = Depends(get_role_store), offset: Offset = 0) -> HTMLResponse:
    ent, doc = get_task(store, task_id)
    iri = ent.iri
    facts = entity_facts(store, ent)
    if doc is not None:
        anchor = anchor_id(doc.iri, iri)
        facts.insert(0, ("văn bản (document)", {"text": f"{doc_name(doc)} — {anchor}", "href": f"{read_href(doc.iri)}#{anchor}"}))
    title = ent.label or task_id
    return _entity_page(store, iri, ent.kind, title if len(title) < 300 else title[:297] + "…", [], facts,
                        f"/browse/tasks/{task_id}", offset)


@router.get("/browse/{kind_path}/{item_id}", response_class=HTMLResponse, responses={**ERRORS, 200: HTML},
            summary="An agency, enterprise, platform or programme as a page: what connects to it, by role, with quotes")
def entity_page(kind_path: str, item_id: str, store: Store = Depends(get_role_store), offset: Offset = 0) -> HTMLResponse:
    kinds = KINDS_BY_PATH.get(kind_path)
    if kinds is None:
        raise ApiError(404, "not_found", f"no page kind {kind_path!r}", sorted(KINDS_BY_PATH) + ["tasks"])
    ent = get_entity(store, item_id, kinds, kind_path.rstrip("s"))
    return _entity_page(store, ent.iri, ent.kind, ent.label or item_id, list(ent.alt_labels),
                        entity_facts(store, ent), f"/browse/{kind_path}/{item_id}", offset)


def _document_of(store: Store, iri: str) -> tuple[str, str] | None:
    """(document IRI, anchor) of a provision or annex-row IRI whose document the store holds."""
    head, anchor = split_provision(iri)
    return (head, anchor) if anchor and store.document(head) is not None else None


def iri_page(store: Store, iri: str, kind: str) -> Response:
    """An IRI asked for as a page (303 to it) or, for a document, as Akoma Ntoso."""
    from api.akn import MEDIA_TYPE, AknUnavailable, export

    doc = store.document(iri)
    if kind == AKN:
        if doc is None:
            raise ApiError(406, "not_acceptable", f"Akoma Ntoso is served for documents only, and {iri} is none",
                           ["application/json", "application/ld+json", "text/turtle", "text/html"])
        try:
            return Response(export(store, doc), media_type=MEDIA_TYPE, headers={"Vary": "Accept"})
        except AknUnavailable as exc:
            raise ApiError(406, "not_acceptable", str(exc), ["application/json", "text/html"]) from exc
    if doc is not None:
        return RedirectResponse(read_href(doc.iri) or "/", status_code=303, headers={"Vary": "Accept"})
    ent = store.entity(iri)
    href = entity_href(ent.kind, iri) if ent else None
    if href is None and "/eli/" in iri:
        found = _document_of(store, iri)
        if found is not None:
            href = f"{read_href(found[0])}#{found[1]}"
    if href is None and ent is not None:
        href = f"/viz?iri={quote(iri, safe='')}"
    if href is None:
        raise ApiError(404, "not_found", f"nothing is known about {iri}")
    return RedirectResponse(href, status_code=303, headers={"Vary": "Accept"})


__all__ = ["router", "reader_page", "iri_page"]
