"""Content negotiation for resources: JSON (default), JSON-LD and Turtle; on IRIs also a page
(text/html: a 303 to the reader or the entity page) and Akoma Ntoso (application/akn+xml).

JSON is our own response model; JSON-LD and Turtle are the resource's triples from the store
(a CONSTRUCT of the resource, its signature and its qualified links), so the RDF a client gets is
exactly what ingest emitted. `?format=json|jsonld|ttl` overrides the header (handy in a browser).
"""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import Response

from graph.store import NotAcceptable, SparqlFormats, SparqlStore, Store, supports

from api.errors import ApiError

JSON, JSONLD, TURTLE = "json", "jsonld", "turtle"
_MEDIA = {"application/json": JSON, "application/ld+json": JSONLD, "text/turtle": TURTLE,
          "application/x-turtle": TURTLE, "text/html": JSON, "*/*": JSON, "application/*": JSON, "text/*": TURTLE}
_FORMAT_PARAM = {"json": JSON, "jsonld": JSONLD, "json-ld": JSONLD, "ttl": TURTLE, "turtle": TURTLE}
MEDIA_TYPES = {JSONLD: "application/ld+json", TURTLE: "text/turtle"}
HTML, AKN = "html", "akn"
_PAGE_MEDIA = {"text/html": HTML, "application/xhtml+xml": HTML, "application/akn+xml": AKN}


# What /sparql writes, by the media type a client names (graphs: CONSTRUCT/DESCRIBE; results: SELECT/ASK)
GRAPH_MEDIA = {"text/turtle": "text/turtle", "application/x-turtle": "text/turtle",
               "application/ld+json": "application/ld+json", "application/n-triples": "application/n-triples",
               "application/rdf+xml": "application/rdf+xml", "text/n3": "text/n3",
               "application/n-quads": "application/n-quads", "application/trig": "application/trig",
               "*/*": "text/turtle", "text/*": "text/turtle", "application/json": "application/ld+json"}
RESULTS_MEDIA = {"application/sparql-results+json": "application/sparql-results+json",
                 "application/json": "application/sparql-results+json",
                 "application/sparql-results+xml": "application/sparql-results+xml",
                 "application/xml": "application/sparql-results+xml", "text/csv": "text/csv",
                 "text/tab-separated-values": "text/tab-separated-values",
                 "*/*": "application/sparql-results+json", "application/*": "application/sparql-results+json",
                 "text/*": "application/sparql-results+json"}


def accepted(accept: str) -> list[str]:
    """Media types of an Accept header, best first (by q, then order); '*/*' if empty."""
    items = []
    for pos, part in enumerate((accept or "*/*").split(",")):
        bits = [b.strip() for b in part.split(";")]
        q = 1.0
        for b in bits[1:]:
            if b.startswith("q="):
                try:
                    q = float(b[2:])
                except ValueError:
                    q = 0.0
        if bits[0] and q > 0:
            items.append((-q, pos, bits[0].lower()))
    return [m for _, _, m in sorted(items)]


def sparql_formats(accept: str) -> SparqlFormats:
    """The best graph and results media types an Accept header allows (None where it allows none)."""
    media = accepted(accept)
    return SparqlFormats(graph=next((GRAPH_MEDIA[m] for m in media if m in GRAPH_MEDIA), None),
                         results=next((RESULTS_MEDIA[m] for m in media if m in RESULTS_MEDIA), None))


def not_acceptable(accept: str, exc: NotAcceptable) -> ApiError:
    """406 naming what the client asked for and what would do."""
    graph = "a graph" in str(exc)
    served = sorted({m for m in (GRAPH_MEDIA if graph else RESULTS_MEDIA) if "*" not in m})
    return ApiError(406, "not_acceptable", f"cannot serve {accept!r} for {'a graph' if graph else 'query results'}; "
                                           f"use one of {', '.join(served)}")


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
    if not supports(store, SparqlStore):
        return store.document(iri) is not None or store.entity(iri) is not None
    try:
        result = store.sparql(f"ASK {{ <{iri}> ?p ?o }}", "application/sparql-results+json")
    except ValueError:  # not an IRI SPARQL accepts
        return False
    return b'"boolean":true' in result.body.replace(b" ", b"")


def rdf_response(store: Store, iri: str, kind: str) -> Response:
    """The resource's triples as JSON-LD or Turtle; 406 if this backend cannot produce RDF."""
    if not supports(store, SparqlStore):
        raise ApiError(406, "not_acceptable", f"the {store.name} backend serves JSON only", ["application/json"])
    try:
        result = store.sparql(describe_query(iri), MEDIA_TYPES[kind])
    except NotAcceptable as exc:
        raise ApiError(406, "not_acceptable", str(exc)) from exc
    media = result.media_type + ("; charset=utf-8" if kind == TURTLE else "")
    return Response(content=result.body, media_type=media, headers={"Vary": "Accept"})
