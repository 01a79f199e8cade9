"""Own facts first: what a document is (number, type, title, issuer, dates, signer) is said by its own graph.

Every ingested graph also describes the documents it cites (a stub: number, type, issuer, date, sometimes a
title). Those descriptions are the citing document's claims: kept, with their graph as provenance, but never
the cited document's facts. The rule, in one place for both stores:

- an ingested document (its own graph says cc:sourceFile): its descriptive properties come from its own
  graph alone; what other graphs claim is left out of every view;
- a document known only from citations: for each single-valued descriptive property one canonical value,
  the smallest lexical form (deterministic and independent of load order, and it can be kept incrementally:
  the smallest of a new claim and the current canonical value is the smallest of all); the other titles become
  skos:altLabel; types and issuing bodies are the union of the claims.

In Oxigraph the claims graph G makes stay in G under their own predicates (`claim:title` for `eli:title`,
…; rewritten at load), and the graph VIEW_GRAPH holds the resolved description of every document known
only from citations. So SPARQL's default graph is the plain union of the graphs (one index scan per
pattern; a dataset listing every graph but some is evaluated graph by graph, ~1 s a pattern at 100k), and a
claim's provenance is its graph. In Neo4j the rule shapes each node's `_view`.
"""

from __future__ import annotations

from typing import Callable, Iterable, TypeVar

from cancu.registry import CC, CLAIM, ELI, RDF_TYPE, SKOS

VIEW_GRAPH = "https://w3id.org/cancu/graph/view"  # resolved descriptions of documents known only from citations
LEGAL_DOCUMENT = CC + "LegalDocument"
SOURCE_FILE = CC + "sourceFile"
TITLE, ALT_LABEL = ELI + "title", SKOS + "altLabel"
# Properties that describe a document (rather than relate it): only its own graph states them once ingested.
DESCRIPTIVE = frozenset({
    RDF_TYPE, CC + "typeName", CC + "number", CC + "numberKey", CC + "year", CC + "issuerName", CC + "signerName",
    CC + "place", CC + "signature", CC + "proposedBy", SOURCE_FILE, ELI + "id_local", TITLE, ELI + "date_document",
    ELI + "first_date_entry_in_force", ELI + "passed_by", ALT_LABEL})
MULTI_VALUED = frozenset({RDF_TYPE, ELI + "passed_by", ALT_LABEL})  # the union of the claims, not one value
CLAIM_OF = {p: CLAIM + p.rsplit("#", 1)[1] for p in DESCRIPTIVE}  # eli:title -> claim:title: local names are unique
CLAIMED = {c: p for p, c in CLAIM_OF.items()}
if len(CLAIMED) != len(DESCRIPTIVE):
    raise ValueError("two descriptive properties share a local name: their claim predicates would collide")

V = TypeVar("V")


def resolve_stub(values: dict[str, list[V]], lexical: Callable[[V], str]) -> dict[str, list[V]]:
    """The view of a document known only from citations, from the union of its claims (property -> values):
    one canonical value (smallest lexical form) per single-valued property, the other titles as alt labels."""
    out: dict[str, list[V]] = {}
    alts: dict[str, V] = {lexical(v): v for v in values.get(ALT_LABEL, [])}
    for prop, vals in values.items():
        if not vals or prop == ALT_LABEL:
            continue
        if prop in MULTI_VALUED:
            out[prop] = list(vals)
            continue
        canonical = min(vals, key=lexical)
        out[prop] = [canonical]
        if prop == TITLE:
            alts.update((lexical(v), v) for v in vals)
    title = lexical(out[TITLE][0]) if TITLE in out else None
    kept = [v for k, v in sorted(alts.items()) if k != title]
    if kept:
        out[ALT_LABEL] = kept
    return out


def only_own(own: dict[str, list[V]], union: dict[str, list[V]]) -> dict[str, list[V]]:
    """The union of what graphs say of an ingested document, its descriptive properties from its own graph only."""
    out = {p: v for p, v in union.items() if p not in DESCRIPTIVE}
    out.update((p, v) for p, v in own.items() if p in DESCRIPTIVE)
    return out


def cited_pairs(quads: Iterable[V], parts: Callable[[V], tuple[str, str, bool]]) -> set[tuple[str, str]]:
    """(document, graph) for each document a graph types cc:LegalDocument other than itself: what it cites.
    `parts(q)` gives (subject, graph, "q types its subject cc:LegalDocument")."""
    return {(s, g) for s, g, typing in map(parts, quads) if typing and s != g}


def is_claim(subject: str, predicate: str, graph: str, cited: set[tuple[str, str]]) -> bool:
    """A statement `graph` makes describing a document it cites (`cited`: from `cited_pairs`)."""
    return subject != graph and predicate in DESCRIPTIVE and (subject, graph) in cited
