"""Content negotiation for resources: JSON (default), JSON-LD and Turtle; on IRIs also a page
(text/html: a 303 to the reader or the entity page) and Akoma Ntoso (application/akn+xml).

JSON is our own response model; JSON-LD and Turtle are the resource's triples from the store
(a CONSTRUCT of the resource, its signature and its qualified links), so the RDF a client gets is
exactly what ingest emitted. `?format=json|jsonld|ttl` overrides the header (handy in a browser).
"""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import Response

from graph.oxigraph_store import NotAcceptable, accepted
from graph.store import Store

from api.errors import ApiError

JSON, JSONLD, TURTLE = "json", "jsonld", "turtle"
_MEDIA = {"application/json": JSON, "application/ld+json": JSONLD, "text/turtle": TURTLE,
          "application/x-turtle": TURTLE, "text/html": JSON, "*/*": JSON, "application/*": JSON, "text/*": TURTLE}
_FORMAT_PARAM = {"json": JSON, "jsonld": JSONLD, "json-ld": JSONLD, "ttl": TURTLE, "turtle": TURTLE}
MEDIA_TYPES = {JSONLD: "application/ld+json", TURTLE: "text/turtle"}
HTML, AKN = "html", "akn"
_PAGE_MEDIA = {"text/html": HTML, "application/xhtml+xml": HTML, "application/akn+xml": AKN}


def representation(request: Request, fmt: str | None = None) -> str:
    """json | jsonld | turtle for this request; 406 in the common error shape if none fits."""
    if fmt:
        if fmt.lower() not in _FORMAT_PARAM:
            raise ApiError(400, "invalid_format", f"unknown format {fmt!r}", sorted(_FORMAT_PARAM))
        return _FORMAT_PARAM[fmt.lower()]
    for media in accepted(request.headers.get("accept", "")):
        if media in _MEDIA:
            return _MEDIA[media]
    raise ApiError(406, "not_acceptable",
                   f"cannot serve {request.headers.get('accept')!r}; use application/json, application/ld+json or text/turtle",
                   ["application/json", "application/ld+json", "text/turtle"])


def page_representation(request: Request, fmt: str | None = None) -> str | None:
    """html | akn when `?format=` names one or the client ranks a page or Akoma Ntoso above every type
    `representation` serves; None otherwise (then `representation` decides, as before)."""
    if fmt:
        return {HTML: HTML, AKN: AKN}.get(fmt.lower())
    for media in accepted(request.headers.get("accept", "")):
        if media in _PAGE_MEDIA:
            return _PAGE_MEDIA[media]
        if media in _MEDIA:
            return None
    return None


def describe_query(iri: str) -> str:
    """The resource, its signature and its qualified links (provenance) as one graph."""
    me = f"<{iri}>"
    return (
        "CONSTRUCT { " + me + " ?p ?o . ?x ?xp ?xo } WHERE { { " + me + " ?p ?o } UNION "
        "{ " + me + " cc:qualifiedLink|cc:signature ?x . ?x ?xp ?xo } }"
    )


def is_known(store: Store, iri: str) -> bool:
    """True if the store has any triple about `iri` (without SPARQL: a document or entity it knows)."""
    sparql = getattr(store, "sparql", None)
    if sparql is None:
        return store.document(iri) is not None or store.entity(iri) is not None
    try:
        result = sparql(f"ASK {{ <{iri}> ?p ?o }}", accept="application/sparql-results+json")
    except ValueError:  # not an IRI SPARQL accepts
        return False
    return b'"boolean":true' in result.body.replace(b" ", b"")


def rdf_response(store: Store, iri: str, kind: str) -> Response:
    """The resource's triples as JSON-LD or Turtle; 406 if this backend cannot produce RDF."""
    sparql = getattr(store, "sparql", None)
    if sparql is None:
        raise ApiError(406, "not_acceptable", f"the {store.name} backend serves JSON only", ["application/json"])
    try:
        result = sparql(describe_query(iri), accept=MEDIA_TYPES[kind])
    except NotAcceptable as exc:
        raise ApiError(406, "not_acceptable", str(exc)) from exc
    media = result.media_type + ("; charset=utf-8" if kind == TURTLE else "")
    return Response(content=result.body, media_type=media, headers={"Vary": "Accept"})
