"""The one store interface the API talks to; Oxigraph and Neo4j implement it.

Input is RDF: N-Quads/TriG with one named graph per source document (graph IRI = document IRI,
gazetteer entities in GAZETTEER_GRAPH). Loading a graph that is already stored replaces it whole,
in one transaction, and touches nothing else. Every query method returns plain dataclasses, so the
contract tests can compare the two backends answer for answer (lists are sorted by the backend).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol, runtime_checkable


class StoreUnavailable(RuntimeError):
    """The backing store cannot be reached; the API answers 503 with this message."""


class LoadError(ValueError):
    """Input that cannot be loaded (names the file and the problem); nothing stored was changed."""


@dataclass(frozen=True)
class DocSummary:
    iri: str
    number: str | None = None
    type: str | None = None  # Vietnamese type name, "Quyết định"
    issuer: str | None = None  # issuer name as written
    date: str | None = None  # ISO date_document
    year: int | None = None
    title: str | None = None
    ingested: bool = False  # False for a stub known only from citations
    source_file: str | None = None


@dataclass(frozen=True)
class Provenance:
    """Where one link was asserted: the document, the provision or annex row, the quoted text."""

    document: str  # IRI of the asserting document
    provision: str | None = None  # IRI of the provision / annex row
    quote: str | None = None
    start: int | None = None
    end: int | None = None


@dataclass(frozen=True)
class LinkRow:
    """One edge between documents (or document -> entity), with its provenance."""

    source: DocSummary
    relation: str  # short name: based_on, cites, amends, ... (cancu.vocab.RELATION_PROPERTIES keys)
    target: DocSummary
    provenance: tuple[Provenance, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class EntityRole:
    """An entity linked to a subject in a role (governing_agency, lead, coordinating, ...)."""

    role: str
    entity_iri: str
    entity_label: str | None
    entity_kind: str | None  # agency | unit | enterprise | person | platform | programme | task
    provenance: tuple[Provenance, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class EntitySummary:
    """A named entity (agency, unit, enterprise, person, platform, programme) for the search index."""

    iri: str
    kind: str
    label: str | None = None
    alt_labels: tuple[str, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class StoreStatus:
    backend: str
    ok: bool
    detail: str
    documents: int = 0
    triples: int = 0


@runtime_checkable
class Store(Protocol):
    name: str

    def load(self, path: Path) -> int:
        """Load an N-Quads or TriG file, replacing each named graph in it; return quads loaded."""

    def status(self) -> StoreStatus: ...

    def documents_by_key(self, number_key: str) -> list[DocSummary]:
        """All documents whose folded number (cancu.numbers.DocNumber.key) equals `number_key`."""

    def document(self, iri: str) -> DocSummary | None: ...

    def documents(self) -> list[DocSummary]:
        """Every document (ingested and stubs), sorted by IRI: what the search index is built from."""

    def entities(self) -> list[EntitySummary]:
        """Every named entity with its labels, sorted by IRI."""

    def links_from(self, iri: str, relations: list[str] | None = None) -> list[LinkRow]:
        """Outgoing document links of `iri` (e.g. its legal bases), provenance included."""

    def links_to(self, iri: str, relations: list[str] | None = None) -> list[LinkRow]:
        """Incoming document links (who cites / is based on `iri`)."""

    def close(self) -> None: ...
