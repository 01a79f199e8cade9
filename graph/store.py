"""The one store interface the API talks to; Oxigraph and Neo4j implement it.

Input is RDF: N-Quads/TriG with one named graph per source document (graph IRI = document IRI,
gazetteer entities in GAZETTEER_GRAPH). Loading a graph that is already stored replaces it whole,
in one transaction, and touches nothing else. Every query method returns plain dataclasses, so the
contract tests can compare the two backends answer for answer (lists are sorted by the backend).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterable, Protocol, TypeGuard, TypeVar, runtime_checkable

from cancu.registry import ROLES
from cancu.text import fold, sort_number

if TYPE_CHECKING:
    from cancu.config import Settings


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
    provenance_total: int | None = None  # how many there are when `provenance` holds only the first (max_provenance)


@dataclass(frozen=True)
class SourcePage:
    """One page of `Store.role_sources`: (document, its first role link) in document order, how many documents
    there are in all, and their annex rows in all (what a platform's task count adds up)."""

    total: int
    rows: int
    page: list[tuple[str, Provenance]]


@dataclass(frozen=True)
class EntitySummary:
    """A named entity (agency, unit, enterprise, person, platform, programme) for the search index."""

    iri: str
    kind: str
    label: str | None = None
    alt_labels: tuple[str, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class ProvisionRow:
    """One part of a document: a provision (Chương, Điều, Khoản …), an annex, or an annex row."""

    iri: str
    kind: str  # part | chapter | section | article | clause | point | item | annex | task | indicator | row | provision
    parent: str | None  # eli:is_part_of (the document or the enclosing provision)
    label: str | None = None  # cc:label as written ("Điều 1", "Phụ lục II", "11")
    heading: str | None = None
    ordinal: int | None = None
    text: str | None = None  # cc:text, only when asked for (with_text=True)


@dataclass(frozen=True)
class EntityDetail:
    """A named entity or an annex row, with what hangs on it directly (no traversal).

    kind: agency | unit | enterprise | person | platform | programme | task | indicator | row.
    label: skos:prefLabel (entities) or the row's cc:text (annex rows).
    parent: org:subOrganizationOf for agencies/units, eli:is_part_of (the annex) for annex rows.
    units: IRIs x with `x org:subOrganizationOf iri`, sorted.
    successor / succession_date: cc:successor and cc:successionDate (one step; the API follows the chain).
    attributes: literal properties worth showing, by short name (abbreviation, deadline, product,
    target, unit_of_measure, row_label), each value sorted.
    """

    iri: str
    kind: str
    label: str | None = None
    alt_labels: tuple[str, ...] = field(default_factory=tuple)
    parent: str | None = None
    units: tuple[str, ...] = field(default_factory=tuple)
    successor: str | None = None
    succession_date: str | None = None
    attributes: tuple[tuple[str, tuple[str, ...]], ...] = field(default_factory=tuple)


def provision_order(rows: list[ProvisionRow]) -> list[ProvisionRow]:
    """Document order: cc:ordinal is one sequence over a document's provisions; annex rows have none,
    so a row sorts after its annex by the numbers in its IRI (`…/hang_11_2` -> (11, 2)), then by IRI."""
    ordinal = {r.iri: r.ordinal for r in rows}

    def key(r: ProvisionRow) -> tuple:
        if r.ordinal is not None:
            return (r.ordinal, 0, (), r.iri)
        parts = r.iri.rsplit("/", 1)[-1].split("_")[1:]  # hang_11_2 -> (11, 2)
        nums = tuple(sort_number(p) for p in parts)
        parent_ord = ordinal.get(r.parent or "")
        return (parent_ord if parent_ord is not None else 1 << 30, 1, nums, r.iri)

    return sorted(rows, key=key)


# Role names of `Store.roles`: short name -> property (path) it reads, subject -> object (cancu.registry.ROLES).
ROLE_PROPERTIES: dict[str, str] = {r.code: r.path for r in ROLES}


def role_names(direction: str, roles: list[str] | None) -> list[str]:
    """The sorted role names `Store.roles` asks for (all if None); ValueError for an unknown role or
    direction, so both backends refuse alike."""
    if direction not in ("out", "in"):
        raise ValueError(f"direction must be 'out' or 'in', not {direction!r}")
    names = sorted(ROLE_PROPERTIES) if roles is None else sorted(set(roles))
    unknown = [r for r in names if r not in ROLE_PROPERTIES]
    if unknown:
        raise ValueError(f"unknown role(s) {unknown}; known: {sorted(ROLE_PROPERTIES)}")
    return names


def role_order(role: str, label: str | None, iri: str) -> tuple[str, str, str]:
    """The order of `Store.roles`: role, then the other end's label, then its IRI."""
    return (role, label or "", iri)


@dataclass(frozen=True)
class StoreStatus:
    backend: str
    ok: bool
    detail: str
    documents: int = 0
    triples: int = 0


class NotAcceptable(ValueError):
    """No format the client accepts can serve this result (HTTP 406)."""


class ResultTooLarge(Exception):
    """A query result passed the byte cap given to `SparqlStore.sparql`."""


@dataclass(frozen=True)
class SparqlResult:
    body: bytes
    media_type: str


@dataclass(frozen=True)
class SparqlFormats:
    """The media types a SPARQL answer is written in: `graph` for CONSTRUCT/DESCRIBE, `results` for SELECT/ASK.
    None: the client accepts none of that kind (NotAcceptable). api.negotiation chooses them from Accept."""

    graph: str | None = "text/turtle"
    results: str | None = "application/sparql-results+json"

    @classmethod
    def of(cls, media: str | SparqlFormats) -> SparqlFormats:
        """One media type for whichever kind the query gives ("*/*": the defaults)."""
        if isinstance(media, SparqlFormats):
            return media
        return cls() if media == "*/*" else cls(graph=media, results=media)


class RolePages(Protocol):
    """Role pages, row counts, links, document summaries and parts materialised from a store
    (graph.search_index.SearchIndex, graph.role_index, graph.link_pages, graph.provision_pages)."""

    def roles(self, iri: str, direction: str = "out", roles: list[str] | None = None, limit: int | None = None,
              offset: int = 0, kinds: list[str] | None = None, max_provenance: int | None = None) -> list[EntityRole]: ...

    def role_counts(self, iri: str, direction: str = "out") -> dict[str, int]: ...

    def role_sources(self, iri: str, direction: str = "out", exclude: Iterable[str] = (), limit: int | None = None,
                     offset: int = 0) -> SourcePage: ...

    def role_kind_counts(self, iri: str, direction: str = "out") -> dict[str, int]: ...

    def row_counts(self, iris: list[str]) -> dict[str, int]: ...

    def provisions(self, iri: str) -> list[ProvisionRow]: ...

    def task_rows(self, kinds: list[str], document: str | None, limit: int, offset: int) -> tuple[int, list[str]]: ...

    def entity(self, iri: str) -> EntityDetail | None:
        """The named entity as the store gave it when the pages were built; None if it is not one of them."""

    def entities(self, kind: str | None) -> list[EntitySummary] | None:
        """The named entities of one kind, or of every named kind (None), as the store listed them; None for a
        kind not kept."""

    def links(self, iris: list[str], relations: list[str] | None, outgoing: bool) -> dict[str, list[LinkRow]]: ...

    def summaries(self, iris: list[str]) -> dict[str, DocSummary]: ...

    def documents_by_key(self, number_key: str) -> list[DocSummary]: ...

    def list_documents(self, type: str | None, issuer: str | None, year: int | None, field: str | None,
                       ingested: bool | None, limit: int, offset: int) -> tuple[int, list[DocSummary]]: ...


class Materialised:
    """The link methods, `document`, `documents_many` and `documents_by_key`, `roles`, `role_counts`, `role_sources`, `row_counts`, named entities'
    `entity`, the lists of a named kind (`entities`), document listings and a document's parts without texts (`provisions`) from pages
    built from this very store state when they are attached (`role_pages`: graph.role_index, graph.link_pages, graph.provision_pages),
    else from the backend's own queries (`_links`, `_summaries`, `_documents_by_key`, `_roles`, `_role_counts`, `_row_counts`, `_entity`, `_entities`,
    `document_fields`, `_provisions`). A load detaches them: they describe the store as it was when
    they were built. The per-document and the batched link answers take one code path (`_links` takes a
    batch), so they cannot drift apart."""

    role_pages: RolePages | None = None

    def _links(self, iris: list[str], relations: list[str] | None, outgoing: bool) -> dict[str, list[LinkRow]]:
        raise NotImplementedError

    def _summaries(self, iris: Iterable[str]) -> dict[str, DocSummary]:
        raise NotImplementedError

    def _read_links(self, iris: list[str], relations: list[str] | None, outgoing: bool) -> dict[str, list[LinkRow]]:
        """From the pages built from this store state when they are attached (graph.link_pages), else the backend."""
        if self.role_pages is not None:
            return self.role_pages.links(iris, relations, outgoing)
        return self._links(iris, relations, outgoing)

    def links_from(self, iri: str, relations: list[str] | None = None) -> list[LinkRow]:
        """See Store.links_from."""
        return self._read_links([iri], relations, True)[iri]

    def links_to(self, iri: str, relations: list[str] | None = None) -> list[LinkRow]:
        """See Store.links_to."""
        return self._read_links([iri], relations, False)[iri]

    def links_from_many(self, iris: list[str], relations: list[str] | None = None) -> dict[str, list[LinkRow]]:
        """See Store.links_from_many."""
        return self._read_links(iris, relations, True)

    def links_to_many(self, iris: list[str], relations: list[str] | None = None) -> dict[str, list[LinkRow]]:
        """See Store.links_to_many."""
        return self._read_links(iris, relations, False)

    def document_fields(self) -> Iterable[tuple[str, str]]:
        """(document IRI, cc:field value folded) of every field `list_documents` filters on, by the backend's rules."""
        raise NotImplementedError

    def list_documents(self, type: str | None = None, issuer: str | None = None, year: int | None = None,
                       field: str | None = None, ingested: bool | None = None, limit: int = 50,
                       offset: int = 0) -> tuple[int, list[DocSummary]]:
        """See Store.list_documents: from the pages when attached (read from the store, a listing reads every
        document: ~33 s at 100k on Oxigraph), else filtered in Python, since folding is not a query language's."""
        if self.role_pages is not None:
            return self.role_pages.list_documents(type, issuer, year, field, ingested, limit, offset)
        from graph.shared import listing  # (graph.shared imports this module)

        f = fold(field or "")
        fields: dict[str, list[str]] = {}
        for iri, value in self.document_fields() if f else ():
            fields.setdefault(iri, []).append(value)
        return listing(self.documents(), type, issuer, year, ingested, limit, offset,
                       lambda d: not f or any(f in v for v in fields.get(d.iri, ())))

    def documents_many(self, iris: list[str]) -> dict[str, DocSummary]:
        """See Store.documents_many."""
        if self.role_pages is not None:
            return self.role_pages.summaries(iris)
        return self._summaries(iris)

    def _documents_by_key(self, number_key: str) -> list[DocSummary]:
        raise NotImplementedError

    def documents_by_key(self, number_key: str) -> list[DocSummary]:
        """See Store.documents_by_key: from the pages when attached (on Neo4j the key is otherwise a query to the
        server: p99 ~330 ms at 100k documents under 50 clients)."""
        if self.role_pages is not None:
            return self.role_pages.documents_by_key(number_key)
        return self._documents_by_key(number_key)

    def document(self, iri: str) -> DocSummary | None:
        """See Store.document (a look-up, and the start of every chain and link page: no round trip to a
        networked store when the pages are attached)."""
        return self.documents_many([iri]).get(iri)

    def _roles(self, iri: str, direction: str, roles: list[str] | None, limit: int | None,
               offset: int) -> list[EntityRole]:
        raise NotImplementedError

    def _role_counts(self, iri: str, direction: str) -> dict[str, int]:
        raise NotImplementedError

    def _row_counts(self, iris: list[str]) -> dict[str, int]:
        raise NotImplementedError

    def _entity(self, iri: str) -> EntityDetail | None:
        raise NotImplementedError

    def _provisions(self, iri: str, with_text: bool) -> list[ProvisionRow]:
        raise NotImplementedError

    def provisions(self, iri: str, with_text: bool = False) -> list[ProvisionRow]:
        """See Store.provisions: without texts from the pages (graph.provision_pages; read from Oxigraph, ~20
        index scans, ~1.1 ms, were most of a look-up's time at 100k documents)."""
        if self.role_pages is not None and not with_text:
            return self.role_pages.provisions(iri)
        return self._provisions(iri, with_text)

    def _entities(self, kind: str | None = None) -> list[EntitySummary]:
        raise NotImplementedError

    def entities(self, kind: str | None = None) -> list[EntitySummary]:
        """See Store.entities: a named kind's list, or every named entity, from the pages (an agency named in
        thousands of graphs made a list of agencies, or a 404's near matches, cost ~3 s to read at 100k documents)."""
        found = self.role_pages.entities(kind) if self.role_pages is not None else None
        return found if found is not None else self._entities(kind)

    def entity(self, iri: str) -> EntityDetail | None:
        """See Store.entity: a named entity (agency, platform …) from the pages, read from the store when they
        were built (an agency named in tens of thousands of graphs costs ~80 ms to read at 100k documents)."""
        found = self.role_pages.entity(iri) if self.role_pages is not None else None
        return found if found is not None else self._entity(iri)

    def roles(self, iri: str, direction: str = "out", roles: list[str] | None = None, limit: int | None = None,
              offset: int = 0, kinds: list[str] | None = None, max_provenance: int | None = None) -> list[EntityRole]:
        """See Store.roles."""
        if self.role_pages is not None:
            return self.role_pages.roles(iri, direction, roles, limit, offset, kinds, max_provenance)
        if kinds is None:
            found = self._roles(iri, direction, roles, limit, offset)
        else:  # the kinds of every other end first, then the page
            found = [r for r in self._roles(iri, direction, roles, None, 0) if r.entity_kind in kinds]
            found = found[offset:] if limit is None else found[offset:offset + limit]
        return [cap_provenance(r, max_provenance) for r in found]

    def role_counts(self, iri: str, direction: str = "out") -> dict[str, int]:
        """See Store.role_counts."""
        if self.role_pages is not None:
            return self.role_pages.role_counts(iri, direction)
        return self._role_counts(iri, direction)

    def role_kind_counts(self, iri: str, direction: str = "out") -> dict[str, int]:
        """See Store.role_kind_counts."""
        if self.role_pages is not None:
            return self.role_pages.role_kind_counts(iri, direction)
        return dict(Counter(r.entity_kind or "other" for r in self._roles(iri, direction, None, None, 0)))

    def role_sources(self, iri: str, direction: str = "out", exclude: Iterable[str] = (), limit: int | None = None,
                     offset: int = 0) -> SourcePage:
        """See Store.role_sources."""
        if self.role_pages is not None:
            return self.role_pages.role_sources(iri, direction, exclude, limit, offset)
        first: dict[str, Provenance] = {}
        for r in self._roles(iri, direction, None, None, 0):
            for p in r.provenance:
                if p.document not in first or source_order(p) < source_order(first[p.document]):
                    first[p.document] = p
        docs, left_out = self._summaries(sorted(first)), set(exclude)
        found = [(d, first[d]) for d in sorted(first) if d in docs and d not in left_out]
        page = found[offset:] if limit is None else found[offset:offset + limit]
        return SourcePage(len(found), sum(self._row_counts([d for d, _ in found]).values()), page)

    def row_counts(self, iris: list[str]) -> dict[str, int]:
        """See Store.row_counts."""
        if self.role_pages is not None:
            return self.role_pages.row_counts(iris)
        return self._row_counts(iris)

    def task_rows(self, kinds: list[str], document: str | None = None, limit: int = 50,
                  offset: int = 0) -> tuple[int, list[str]]:
        """See Store.task_rows."""
        if self.role_pages is not None:
            return self.role_pages.task_rows(kinds, document, limit, offset)
        from graph.shared import TASK_KINDS, task_listing  # graph.shared reads this module's dataclasses

        rows = task_listing({e.iri for k in kinds if k in TASK_KINDS for e in self._entities(k)}, document)
        return len(rows), rows[offset:offset + limit]


def cap_provenance(r: EntityRole, max_provenance: int | None) -> EntityRole:
    """`r` with at most `max_provenance` provenance entries (the first ones) and their total."""
    if max_provenance is None or len(r.provenance) <= max_provenance:
        return r
    return replace(r, provenance=r.provenance[:max_provenance], provenance_total=len(r.provenance))


def source_order(p: Provenance) -> tuple:
    """Which of a document's role links `role_sources` shows: the first in its text."""
    from graph.shared import provenance_key  # graph.shared reads this module's dataclasses

    return (p.start or 0, p.provision or "", provenance_key(p))


@runtime_checkable
class Store(Protocol):
    name: str
    location: str  # where its data lives (a directory, "memory", a Bolt URI and database): derived files name it
    role_pages: RolePages | None  # pages built from this store's state (graph.role_index) when attached
    embedded: bool  # in-process: calls hold the GIL and never wait on a network (api.deps.run_store)
    read_only: bool  # load() refuses; an OnDiskStore can still open a writer beside it

    def load(self, path: Path) -> int:
        """Load an N-Quads or TriG file, replacing each named graph in it; return quads loaded."""

    def status(self) -> StoreStatus: ...

    def documents_by_key(self, number_key: str) -> list[DocSummary]:
        """All documents whose folded number (cancu.numbers.DocNumber.key) equals `number_key`."""

    def document(self, iri: str) -> DocSummary | None: ...

    def documents(self) -> list[DocSummary]:
        """Every document (ingested and stubs), sorted by IRI: what the search index is built from."""

    def entities(self, kind: str | None = None) -> list[EntitySummary]:
        """Every named entity with its labels, sorted by IRI; `kind` keeps one kind.

        Without `kind`: agency, unit, enterprise, person, platform, programme (what the search index holds).
        `kind` may also be "task" or "indicator": annex rows typed cc:Task / cc:Indicator, label = cc:text,
        alt_labels = (cc:label,). An unknown kind gives [].
        """

    def list_documents(self, type: str | None = None, issuer: str | None = None, year: int | None = None,
                       field: str | None = None, ingested: bool | None = None, limit: int = 50,
                       offset: int = 0) -> tuple[int, list[DocSummary]]:
        """(total matching, one page) of documents, stubs included unless `ingested` says otherwise.

        Filters compare the values `document()` would return, after `cancu.text.fold` (case and
        diacritics ignored): `type` equal to the type name ("quyet dinh"), `issuer` a substring of the
        issuer name, `field` a substring of any cc:field value; `year` equal to DocSummary.year;
        `ingested` equal to DocSummary.ingested. Order: year descending (None last), then number/title, then IRI.
        """

    def provisions(self, iri: str, with_text: bool = False) -> list[ProvisionRow]:
        """Every part of document `iri` (transitively over eli:is_part_of, annex rows included), in
        document order (`provision_order`); `text` is filled only if `with_text`. [] for an unknown IRI."""

    def entity(self, iri: str) -> EntityDetail | None:
        """The entity or annex row with this IRI, or None if it is neither (documents are `document()`)."""

    def roles(self, iri: str, direction: str = "out", roles: list[str] | None = None, limit: int | None = None,
              offset: int = 0, kinds: list[str] | None = None, max_provenance: int | None = None) -> list[EntityRole]:
        """Role edges of `iri` (ROLE_PROPERTIES), `direction` "out" (iri is the subject) or "in" (the object).

        Each EntityRole names the other end: entity_iri, entity_kind (document | task | indicator | row |
        agency | unit | enterprise | person | platform | programme | other), entity_label (prefLabel, else
        cc:number, else eli:title, else cc:text, else cc:label; the own-graph rule for ties), and the
        provenance of the cc:Link nodes on the subject with that cc:linkRelation and cc:linkTarget.
        ValueError for an unknown role or direction. Sorted by (role, entity_label or "", entity_iri).
        `limit` / `offset` cut that sorted list in the store, so kinds and provenance are read for one page
        only (an agency holds thousands of roles); the page total is the sum of `role_counts`. `kinds` keeps
        the other ends of these kinds before the cut; `max_provenance` keeps the first provenance entries of
        each row and says how many there are (`provenance_total`): a platform is stated in thousands of documents.
        """

    def role_counts(self, iri: str, direction: str = "out") -> dict[str, int]:
        """How many role edges `roles(iri, direction)` holds per role (roles without edges left out), uncut."""

    def links_from(self, iri: str, relations: list[str] | None = None) -> list[LinkRow]:
        """Outgoing document links of `iri` (e.g. its legal bases), provenance included.
        Sorted by `graph.shared.link_key` of the target; ValueError for an unknown relation."""

    def links_to(self, iri: str, relations: list[str] | None = None) -> list[LinkRow]:
        """Incoming document links (who cites / is based on `iri`), sorted by `link_key` of the source."""

    def links_from_many(self, iris: list[str], relations: list[str] | None = None) -> dict[str, list[LinkRow]]:
        """`links_from` of every IRI at once (a key per IRI), in a fixed number of queries: a traversal asks
        once per level instead of once per document."""

    def links_to_many(self, iris: list[str], relations: list[str] | None = None) -> dict[str, list[LinkRow]]:
        """`links_to` of every IRI at once (a key per IRI), in a fixed number of queries."""

    def documents_many(self, iris: list[str]) -> dict[str, DocSummary]:
        """`document` of every IRI at once, keyed by IRI; IRIs that name no document are left out. A page
        listing hundreds of documents asks once instead of once per document."""

    def row_counts(self, iris: list[str]) -> dict[str, int]:
        """How many annex rows (kind task, indicator or row) `provisions` would list for each IRI, a key per
        IRI (0 for none or an unknown IRI), without reading the provisions themselves."""

    def task_rows(self, kinds: list[str], document: str | None = None, limit: int = 50,
                  offset: int = 0) -> tuple[int, list[str]]:
        """The annex rows `entities` lists for `kinds` (task, indicator), all or those whose IRI is under
        `document`, in /tasks order (graph.shared.row_order, then IRI): their total and one page."""

    def role_kind_counts(self, iri: str, direction: str = "out") -> dict[str, int]:
        """How many role edges `roles(iri, direction)` holds per kind of the other end (kinds without edges left out)."""

    def role_sources(self, iri: str, direction: str = "out", exclude: Iterable[str] = (), limit: int | None = None,
                     offset: int = 0) -> SourcePage:
        """The documents that assert a role edge of `iri` (the asserting graphs that are documents), those in
        `exclude` left out, each with the first such link in its text (`source_order`), sorted by document IRI:
        a platform's catalogues. One page of them, with how many there are and their annex rows in all."""

    def close(self) -> None: ...


# ---- what a backend can do beyond Store: the API asks these, never a concrete class --------------------

_T = TypeVar("_T")
_SUPPORTS: dict[tuple[type, type], bool] = {}


def supports(store: object, capability: type[_T]) -> TypeGuard[_T]:
    """isinstance(store, capability) for the capability protocols below, remembered per class: a protocol
    check costs ~40 µs and requests ask on every call (every instance of a backend has the same members).
    `store` may be a backend class too, for what a backend can do before any store is open (BulkBuildStore)."""
    key = (store if isinstance(store, type) else type(store), capability)
    found = _SUPPORTS.get(key)
    if found is None:
        found = _SUPPORTS[key] = isinstance(store, capability)
    return found


@runtime_checkable
class SparqlStore(Protocol):
    """Read-only SPARQL over the union of the document graphs (Oxigraph)."""

    def sparql(self, query: str, accept: str | SparqlFormats = "*/*", default_graph: list[str] | None = None,
               named_graphs: list[str] | None = None, max_bytes: int | None = None) -> SparqlResult:
        """The answer written in `accept`: one media type for either kind of answer ("*/*": Turtle or SPARQL JSON),
        or a SparqlFormats (api.negotiation picks one from an Accept header). PermissionError for an update,
        ValueError for a syntax error, NotAcceptable when `accept` has no media type (or an unknown one) for
        the kind of answer, ResultTooLarge past `max_bytes`."""

    def nquads(self) -> bytes:
        """Every quad as N-Quads (how an in-memory store is copied into a query worker)."""

    def graph_size(self, iri: str) -> int:
        """Quads in the named graph `iri`."""


@runtime_checkable
class CypherStore(Protocol):
    """Read-only Cypher (Neo4j)."""

    def cypher_read(self, query: str, params: dict[str, Any] | None = None, timeout: float | None = None,
                    max_rows: int | None = None) -> list[dict[str, Any]]:
        """Rows of a read-only query; PermissionError for a write clause; at most `max_rows` + 1 rows."""


@runtime_checkable
class OnDiskStore(Protocol):
    """An embedded store in a directory: a read-only handle can open a writer beside it (one process at a
    time) and a fresh reader after the write, and can tell when its directory was moved or replaced."""

    path: Path | None
    read_only: bool

    def writer(self) -> Store:
        """A writable handle on the same directory; StoreUnavailable if another process writes it."""

    def reader(self) -> Store:
        """A fresh read-only handle on the same directory (it sees what was written since)."""

    def check_place(self, max_age: float = 0.0) -> None:
        """StoreUnavailable if the directory at `path` is no longer the one opened."""


@dataclass
class BuildReport:
    """What a bulk build put in the new store, and one line per file it left out (naming the file)."""

    quads: int = 0
    files: int = 0
    errors: list[str] = field(default_factory=list)


@runtime_checkable
class BulkBuildStore(Protocol):
    """A backend (its class: there is no store to open yet) that makes a new store from many files in one bulk
    pass, faster than `load` file by file and all or nothing; `cancu load` asks it before opening the store."""

    @classmethod
    def needs_build(cls, settings: Settings) -> bool:
        """True while no store exists where `settings` put it, so a build rather than a load makes it."""

    @classmethod
    def bulk_build(cls, settings: Settings, files: list[Path],
                   on_error: Callable[[str], None] | None = None) -> BuildReport:
        """The new store from `files`; a file that cannot be loaded is one `on_error` line and is left out."""
