"""Content negotiation for resources: JSON (default), JSON-LD and Turtle; on IRIs also a page
(text/html: a 303 to the reader or the entity page) and Akoma Ntoso (application/akn+xml).

JSON is our own response model; JSON-LD and Turtle are the resource's triples from the store
(a CONSTRUCT of the resource, its signature and its qualified links, 500 a page), so the RDF a client gets
is exactly what ingest emitted. `?format=json|jsonld|ttl` overrides the header (handy in a browser).
"""

from __future__ import annotations

from collections.abc import Sequence

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


LINK_PAGE = 500  # qualified links (provenance) in one RDF representation; the rest by its "next" link


def describe_query(iri: str, links: Sequence[str]) -> str:
    """The resource, its signature and these of its qualified links (provenance) as one graph."""
    me, page = f"<{iri}>", ", ".join(f"<{x}>" for x in links)
    return (
        "CONSTRUCT { " + me + " ?p ?o . ?s ?sp ?so . " + me + " cc:qualifiedLink ?l . ?l ?lp ?lo } WHERE { "
        "{ " + me + " ?p ?o FILTER(?p != cc:qualifiedLink) } UNION { " + me + " cc:signature ?s . ?s ?sp ?so } UNION "
        "{ " + me + " cc:qualifiedLink ?l . ?l ?lp ?lo FILTER(?l IN (" + page + ")) } }"
    )


def qualified_links(store: SparqlStore, iri: str) -> list[str]:
    """The resource's qualified links (IRIs: ingest names each one) in IRI order. An entity gets one from every document naming it in a role
    (8,171 for the platform named most at 100k documents, 7.7 MB of JSON-LD in one answer), so they come in pages.
    Read as tab-separated values and sorted here: Oxigraph took ~0.8 s to ORDER BY them, this ~70 ms."""
    body = store.sparql(f"SELECT ?l WHERE {{ <{iri}> cc:qualifiedLink ?l }}", "text/tab-separated-values").body
    return sorted(line[1:-1] for line in body.decode("utf-8").splitlines()[1:] if line.startswith("<"))


def is_known(store: Store, iri: str) -> bool:
    """True if the store has any triple about `iri` (without SPARQL: a document or entity it knows)."""
    if not supports(store, SparqlStore):
        return store.document(iri) is not None or store.entity(iri) is not None
    try:
        result = store.sparql(f"ASK {{ <{iri}> ?p ?o }}", "application/sparql-results+json")
    except ValueError:  # not an IRI SPARQL accepts
        return False
    return b'"boolean":true' in result.body.replace(b" ", b"")


def rdf_response(store: Store, iri: str, kind: str, request: Request, offset: int = 0) -> Response:
    """The resource's triples as JSON-LD or Turtle, with its qualified links from `offset` on, LINK_PAGE of them
    (an RFC 8288 `Link: <…>; rel="next"` header names the next page); 406 if this backend cannot produce RDF."""
    if not supports(store, SparqlStore):
        raise ApiError(406, "not_acceptable", f"the {store.name} backend serves JSON only", ["application/json"])
    links = qualified_links(store, iri)
    try:
        result = store.sparql(describe_query(iri, links[offset:offset + LINK_PAGE]), MEDIA_TYPES[kind])
    except NotAcceptable as exc:
        raise ApiError(406, "not_acceptable", str(exc)) from exc
    media = result.media_type + ("; charset=utf-8" if kind == TURTLE else "")
    headers = {"Vary": "Accept"}
    if offset + LINK_PAGE < len(links):  # relative: the client's Host is not echoed
        nxt = request.url.include_query_params(offset=offset + LINK_PAGE)
        headers["Link"] = f'<{nxt.path}?{nxt.query}>; rel="next"'
    return Response(content=result.body, media_type=media, headers=headers)
