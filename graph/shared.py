"""Pure helpers both stores share, so Oxigraph and Neo4j order, pick and classify the same way."""

from __future__ import annotations

from typing import Callable, Collection, Iterable, Mapping

from cancu.registry import ENTITY_KINDS as _KINDS
from cancu.registry import CC, ELI, PROVISION_CLASSES, RELATION_KINDS, SKOS, named_kinds
from cancu.text import fold
from graph.store import ROLE_PROPERTIES, DocSummary, LinkRow, Provenance


RELATIONS: dict[str, str] = {k.code: k.prop for k in RELATION_KINDS}  # short name -> property IRI
RELATION_BY_IRI: dict[str, str] = {iri: name for name, iri in RELATIONS.items()}
# Role name -> property IRI, for the roles that are one property (not "signed": cc:signature/cc:signer).
ROLE_IRIS: dict[str, str] = {name: {"cc": CC, "eli": ELI}[path.split(":", 1)[0]] + path.split(":", 1)[1]
                             for name, path in ROLE_PROPERTIES.items() if "/" not in path}


def relation_names(relations: list[str] | None) -> list[str]:
    """The sorted relation names a link query asks for (all if None); ValueError for an unknown one, so every
    backend and the link pages refuse alike."""
    if relations is None:
        return sorted(RELATIONS)
    unknown = [r for r in relations if r not in RELATIONS]
    if unknown:
        raise ValueError(f"unknown relation(s) {unknown}; known: {sorted(RELATIONS)}")
    return sorted(set(relations))


# class -> kind (cancu.registry.ENTITY_KINDS), in table order: `kind_of` takes the first class a node has
ROW_KINDS = {k.cls: k.code for k in _KINDS if k.row}
PROVISION_KINDS = {cls: k for k, cls in PROVISION_CLASSES.items()}
PART_KINDS = {**ROW_KINDS, **PROVISION_KINDS}  # a document's part's kind: a row class first (a row is a provision too)
# Literal properties EntityDetail.attributes carries, property IRI -> short name, in short-name order (theirs).
ATTRIBUTES = dict(sorted({CC + "abbreviation": "abbreviation", CC + "deadline": "deadline", CC + "product": "product",
                          CC + "target": "target", CC + "unitOfMeasure": "unit_of_measure",
                          CC + "label": "row_label"}.items(), key=lambda kv: kv[1]))
ENTITY_KINDS = {k.cls: k.code for k in named_kinds()}
DETAIL_KINDS = {**ROW_KINDS, **ENTITY_KINDS}  # what Store.entity describes: an annex row, or a named entity
NODE_KINDS = {CC + "LegalDocument": "document", **ROW_KINDS, **ENTITY_KINDS}  # the kinds Store.roles gives an end
LABEL_PROPERTIES = (SKOS + "prefLabel", CC + "number", ELI + "title", CC + "text", CC + "label")  # Store.roles' order
# Document property IRI -> DocSummary field.
DOC_PROPS = {CC + "number": "number", CC + "typeName": "type", CC + "issuerName": "issuer",
             ELI + "date_document": "date", CC + "year": "year", ELI + "title": "title", CC + "sourceFile": "source_file"}


def doc_summary(iri: str, values: Mapping[str, str | None]) -> DocSummary:
    """A DocSummary from the chosen value of each DOC_PROPS property (property IRI -> value)."""
    fields: dict[str, object] = {name: values.get(prop) for prop, name in DOC_PROPS.items()}
    fields["year"] = int_or_none(fields["year"])  # type: ignore[arg-type]
    return DocSummary(iri=iri, ingested=fields["source_file"] is not None, **fields)  # type: ignore[arg-type]


INT_BOUND = 2 ** 63  # SQLite's and Neo4j's integers: a year, offset or ordinal beyond them is no such thing


def int_or_none(value: str | None) -> int | None:
    """An integer literal's value; None for no value, one that is not an integer, or one no 64-bit integer holds
    (it would stop the page tables' build, and with it every later load)."""
    try:
        n = int(value) if value is not None else None
    except ValueError:  # also past Python's 4,300 digits
        return None
    return n if n is None or -INT_BOUND <= n < INT_BOUND else None


def provenance_key(p: Provenance) -> tuple:
    """Provenance order: (document, start), then provision and quote to break ties."""
    return (p.document, p.start if p.start is not None else -1, p.provision or "", p.quote or "", p.end or -1)


def ordered(provenance: Collection[Provenance]) -> tuple[Provenance, ...]:
    """A link's or a role edge's provenance in `provenance_key` order."""
    return tuple(sorted(provenance, key=provenance_key))


def link_key(other: DocSummary, relation: str) -> tuple:
    """Link order: (other document's number or title, date, IRI), then the relation name."""
    return (other.number or other.title or "", other.date or "", other.iri, relation)


def sort_links(links: dict[str, list[LinkRow]], outgoing: bool) -> dict[str, list[LinkRow]]:
    """Each IRI's links sorted in place by `link_key` of the other end (an outgoing link's target, else its source)."""
    for rows in links.values():
        rows.sort(key=lambda row: link_key(row.target if outgoing else row.source, row.relation))
    return links


def pick(values_by_graph: dict[str, list[str]], own_graph: str) -> str | None:
    """The value asserted in the subject's own graph wins; otherwise the smallest value."""
    own = values_by_graph.get(own_graph)
    pool = own if own else [v for vs in values_by_graph.values() for v in vs]
    return min(pool) if pool else None


def document_order(d: DocSummary) -> tuple:
    """Listing order: newest year first (unknown last), then number or title, then IRI."""
    return (-(d.year or 0), d.year is None, d.number or d.title or "", d.iri)


def number_order(d: DocSummary) -> tuple:
    """Store.documents_by_key's order: year (unknown first), then date, then IRI."""
    return (d.year or 0, d.date or "", d.iri)


TASK_KINDS = ("task", "indicator")  # the annex-row kinds Store.entities and /tasks list


def row_order(iri: str) -> str:
    """An annex row's place in /tasks: its IRI's parts (split at / and _), numbers by value, as one string that
    sorts the same in Python and SQLite (a number is its digit count then its digits, so by value up to 99
    digits; a word ends in \\x01)."""
    def part(p: str) -> str:
        if p.isdigit():
            digits = p.lstrip("0") or "0"
            return f"0{len(digits):02d}{digits}"
        return f"1{p}\x01"

    return "".join(part(p) for p in iri.replace("/", "_").split("_"))


def task_listing(iris: Iterable[str], document: str | None) -> list[str]:
    """Store.task_rows' rule over `iris`: those under `document` (every one if None), in /tasks order."""
    return sorted((x for x in iris if document is None or x.startswith(document + "/")), key=lambda x: (row_order(x), x))


def listing(docs: Iterable[DocSummary], type: str | None, issuer: str | None, year: int | None,
            ingested: bool | None, limit: int, offset: int,
            field: Callable[[DocSummary], bool] = lambda d: True) -> tuple[int, list[DocSummary]]:
    """Store.list_documents over `docs`: the type equal and the issuer contained after folding (diacritics,
    case; folding is not SPARQL), `field` the store's own test; (total, the page in `document_order`)."""
    t, i = fold(type or ""), fold(issuer or "")
    keep = sorted((d for d in docs if (not t or fold(d.type or "") == t) and (not i or i in fold(d.issuer or ""))
                   and (year is None or d.year == year) and (ingested is None or d.ingested == ingested) and field(d)),
                  key=document_order)
    return len(keep), keep[offset:offset + limit]


def kind_of(types: set[str], table: dict[str, str], default: str) -> str:
    """The first kind in `table` order whose class is among `types`."""
    return next((k for cls, k in table.items() if cls in types), default)
