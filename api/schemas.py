"""Pydantic models for every response (they are also the OpenAPI schema at /docs)."""

from __future__ import annotations

from pydantic import BaseModel, Field

from api.deps import COUNTS_SECONDS
from graph.search_index import MATCH_CAP


class ErrorBody(BaseModel):
    code: str = Field(description="machine-readable: not_found, invalid_id, ambiguous_reference, store_unavailable …")
    message: str
    suggestions: list[str] = Field(default_factory=list, description="near matches (ids or numbers) to try instead")


class ErrorResponse(BaseModel):
    error: ErrorBody


def errors(*codes: int) -> dict[int | str, dict]:
    """OpenAPI `responses` for the errors of a JSON route: one shape for all of them (api.errors)."""
    return {code: {"model": ErrorResponse} for code in codes}


def json_errors(*codes: int) -> dict[int | str, dict]:
    """OpenAPI `responses` for errors of a route whose success is not JSON (HTML pages, SPARQL results): FastAPI
    would document a `model` under the route's own media type, but errors are always JSON (api.errors)."""
    content = {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorResponse"}}}
    return {code: {"description": "error", "content": content} for code in codes}


class Page(BaseModel):  # a slice of a list, and how long the list is
    total: int
    limit: int
    offset: int


class DocumentOut(BaseModel):
    """A document, ingested or known only from citations (a stub: `ingested` false)."""

    id: str | None = Field(description="API id, e.g. qd-2020-749-ttg; None if the IRI is not a document IRI")
    iri: str
    number: str | None = None
    type: str | None = None
    issuer: str | None = None
    date: str | None = Field(default=None, description="ISO date of signing (eli:date_document)")
    year: int | None = None
    title: str | None = None
    ingested: bool = False
    source_file: str | None = None


class ResolvedDocument(BaseModel):
    """/resolve with exactly one match."""

    ref: str
    key: str | None
    ambiguous: bool = False
    id: str | None
    iri: str
    number: str | None = None
    type: str | None = None
    issuer: str | None = None
    date: str | None = None
    year: int | None = None
    title: str | None = None
    ingested: bool = False


class Candidate(DocumentOut):
    pass


class AmbiguousReference(BaseModel):
    """/resolve with several matches (HTTP 300 Multiple Choices): pick one by id, or pass year=."""

    ref: str
    key: str | None
    ambiguous: bool = True
    message: str
    candidates: list[Candidate]


class ProvenanceOut(BaseModel):
    document: str = Field(description="IRI of the document that asserts the link")
    document_id: str | None = None
    provision: str | None = Field(default=None, description="IRI of the provision / annex row; None for the preamble")
    quote: str | None = None
    start: int | None = None
    end: int | None = None


class LinkOut(BaseModel):
    relation: str = Field(description="based_on, cites, amends, replaces, repeals, guides, details, …")
    relation_label: str = Field(description="the kind in words: 'căn cứ ban hành (legal basis)' …")
    document: DocumentOut = Field(description="the other document: the target for outgoing links, the source for incoming")
    provenance: list[ProvenanceOut] = Field(default_factory=list)


class LinkPage(BaseModel):
    document: DocumentOut
    direction: str = Field(description="outgoing | incoming")
    relations: list[str]
    total: int
    limit: int
    offset: int
    items: list[LinkOut]


class HealthOut(BaseModel):
    backend: str
    state: str = Field(description="ok | unavailable")
    detail: str
    documents: int = Field(description=f"ingested documents (stubs not counted); on Neo4j at most "
                                       f"{COUNTS_SECONDS:g} s old, unless this server wrote since")
    triples: int = Field(description="quads of the loaded graphs; as old as `documents`")
    search_index: str


class SearchHitOut(BaseModel):
    kind: str
    iri: str
    id: str | None = None
    label: str
    number: str | None = None
    score: float


class SearchPage(BaseModel):
    """One page of hits. A broad query is cut at the first `total` matches (see `total_is_lower_bound`)."""

    query: str
    total: int = Field(description="matches counted: exact, unless total_is_lower_bound")
    total_is_lower_bound: bool = Field(
        default=False, description=f"true when more entries match than a search looks at ({MATCH_CAP:,}): then `total` is "
        "that cap, only the first matches in index order (named entities, then documents newest first) were "
        "ranked, and pages past it are empty; add words to narrow the query")
    limit: int
    offset: int
    items: list[SearchHitOut]
