"""The neighbourhood of one node: which nodes and edges surround an IRI, read through the Store interface, so the
graph pages (api.viz_graph draws it) and the notebooks get the same answer from every backend.

`walk_neighbourhood(store, iri, depth, cap)` goes breadth-first over the links a reader cares about (document
relations, programme and task roles, issuer, signer, succession, annex rows) and returns plain dataclasses:
nodes with a kind and their facts (number, title, name …), edges with a relation name and the quoted text they
came from, and `cut` when the cap stopped the walk.

What is walked: every IRI-valued triple in both directions, except bookkeeping (rdf:type, the qualified-link and
signature nodes, which are folded into `signer` edges and edge quotes) and vocabulary IRIs. Ordinary provisions
(Điều, Khoản …) are reached only upwards (a provision to its document) or from a provision: a document's hundreds
of clauses would drown its relations. Annexes and annex rows (tasks, indicators) are walked downwards, since they
carry the roles. Within one depth, neighbours are taken in relation order (legal relations, roles, structure,
mentions), then by IRI, so the cut is deterministic and drops the least telling links first.

A store with SPARQL (SparqlStore) is read with a few SELECTs per level; any other store through links_from /
links_to / roles / document / entity (document links and role edges only).
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Iterable, Mapping

import pyoxigraph as ox
from rdflib.namespace import ORG, OWL, PROV, RDF, RDFS, SKOS, XSD

from cancu.iri import split_provision
from cancu.registry import CC, ELI, ENTITY_KINDS, RELATION_KINDS, ROLES
from graph.shared import RELATION_BY_IRI, RELATIONS, ROLE_IRIS
from graph.store import SparqlStore, Store, supports

MIN_DEPTH, MAX_DEPTH, DEFAULT_CAP, MAX_CAP = 1, 3, 150, 500
VOCAB_PREFIXES = (CC, ELI, str(SKOS), str(ORG), str(RDF), str(RDFS), str(PROV), str(OWL), str(XSD))
SKIP_PREDICATES = (str(RDF.type), CC + "qualifiedLink", CC + "signature", CC + "linkTarget", CC + "linkRelation",
                   CC + "inProvision", CC + "documentTypeConcept", ELI + "type_document")
# class -> node kind, the first class a node has wins: annexes and annex rows before the provisions they also are
TYPE_KIND: dict[str, str] = {CC + "Annex": "annex", **{k.cls: k.code for k in ENTITY_KINDS if k.row},
                             CC + "Provision": "provision", **{k.cls: k.code for k in ENTITY_KINDS if not k.row}}

# Relation names, in the order the cap keeps them (earlier = kept first).
_ORDER = [*(k.code for k in sorted(RELATION_KINDS, key=lambda k: k.rank)), *(r.edge for r in ROLES if r.asserted),
          "passed_by", "signer", "subOrganizationOf", "successor", "is_part_of", "has_part", "mentions"]


@dataclass(frozen=True)
class Node:
    """One node: its kind (document | stub | provision | annex | an entity kind's code | other), the level it was
    reached at, and its facts, one value per property (number, title, name, label, text … ; the own graph wins)."""

    iri: str
    kind: str
    depth: int = 0
    facts: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Edge:
    """source -relation-> target, with the quotes of the links that state it."""

    source: str
    relation: str  # based_on, cites, … (document relations) or the property's local name (leadAgency, passed_by …)
    target: str
    quotes: tuple[str, ...] = ()


@dataclass
class Neighbourhood:
    """The nodes around `start` (start first, then by level) and every edge among them, in relation order."""

    start: str
    depth: int
    cap: int
    mentions: bool = False  # whether cc:mentions links were walked
    nodes: list[Node] = field(default_factory=list)
    edges: list[Edge] = field(default_factory=list)
    cut: bool = False
    omitted: int = 0  # neighbours found at the depth where the cap was reached and left out (a lower bound)


def relation_name(prop: str) -> str:
    """A property's name on edges: the relation kind's code, else the IRI's local name."""
    return RELATION_BY_IRI.get(prop) or re.split(r"[#/]", prop)[-1]


def relation_order(relation: str) -> int:
    """Where a relation name stands in the order the cap keeps (unknown ones last)."""
    return _ORDER.index(relation) if relation in _ORDER else len(_ORDER)


def walk_neighbourhood(store: Store, start: str, depth: int = 1, cap: int = DEFAULT_CAP,
                       mentions: bool = False) -> Neighbourhood:
    """Breadth-first neighbourhood of `start` up to `depth` hops (clamped to 1–3), at most `cap` nodes (start
    included, clamped to 1–500). `mentions` adds cc:mentions links (a document naming an agency anywhere in its
    text): many and weak, so off by default."""
    depth = max(MIN_DEPTH, min(MAX_DEPTH, depth))
    cap = max(1, min(MAX_CAP, cap))
    out = Neighbourhood(start=start, depth=depth, cap=cap, mentions=mentions)
    has_sparql = supports(store, SparqlStore)

    def adjacent(iris: list[str]) -> list[tuple[str, str, str]]:
        return _adjacent(store, iris, mentions) if has_sparql else _adjacent_links(store, iris)

    level: dict[str, int] = {start: 0}
    frontier = [start]
    for d in range(1, depth + 1):
        if not frontier or out.cut:
            break
        candidates: dict[str, tuple[int, str]] = {}
        frontier_set = set(frontier)
        for s, p, o in adjacent(frontier):
            other = o if s in frontier_set else s
            if other in level:
                continue
            key = (relation_order(relation_name(p)), other)
            candidates[other] = min(candidates.get(other, key), key)
        ordered = sorted(candidates, key=lambda i: candidates[i])
        room = cap - len(level)
        if len(ordered) > room:
            out.cut, out.omitted = True, len(ordered) - room
            ordered = ordered[:room]
        for iri in ordered:
            level[iri] = d
        frontier = ordered
    iris = list(level)
    keep = set(iris)
    triples = [t for t in adjacent(iris) if t[0] in keep and t[2] in keep]
    info = _describe(store, iris) if has_sparql else _describe_docs(store, iris)
    out.nodes = [_node(iri, info.get(iri), level[iri]) for iri in iris]
    quotes = _quotes(store, iris) if has_sparql else {}
    out.edges = sorted((Edge(s, relation_name(p), o, tuple(quotes.get((s, p, o), ()))) for s, p, o in triples),
                       key=lambda e: (relation_order(e.relation), e.source, e.target))
    return out


def describe_node(store: Store, iri: str) -> Node | None:
    """One node on its own (kind and facts), or None if the store says nothing about it."""
    info = (_describe(store, [iri]) if supports(store, SparqlStore) else _describe_docs(store, [iri])).get(iri)
    return None if info is None else _node(iri, info, 0)


def exists(store: Store, iri: str) -> bool:
    """True if the store has any triple with `iri` as subject or object."""
    if not _SAFE_IRI.match(iri):
        return False
    if not supports(store, SparqlStore):
        return store.document(iri) is not None
    return bool(_select(store, f"SELECT ?x WHERE {{ {{ {_iri(iri)} ?p ?x }} UNION {{ ?x ?p {_iri(iri)} }} }} LIMIT 1"))


def _node(iri: str, info: dict[str, str | set[str]] | None, depth: int) -> Node:
    info = info or {}
    types = info.get("types", set())
    assert isinstance(types, set)
    if CC + "LegalDocument" in types:
        kind = "document" if info.get("source") else "stub"
    else:
        kind = next((k for cls, k in TYPE_KIND.items() if cls in types), "other")
    return Node(iri, kind, depth, {k: v for k, v in info.items() if isinstance(v, str)})


# ---- through SPARQL ----------------------------------------------------------------------------------

_PREFIXES = f"PREFIX cc: <{CC}>\nPREFIX eli: <{ELI}>\nPREFIX skos: <{SKOS}>\nPREFIX org: <{ORG}>\nPREFIX rdf: <{RDF}>\n"
_SAFE_IRI = re.compile(r"^[^\s<>\"{}|\\^`]+$")


def _select(store: SparqlStore, query: str) -> list[dict[str, str]]:
    """SELECT through the store's read-only SPARQL; rows of variable -> value (IRIs and literals as strings)."""
    result = store.sparql(_PREFIXES + query, "application/sparql-results+json")
    data = json.loads(result.body)
    return [{k: v["value"] for k, v in b.items()} for b in data["results"]["bindings"]]


def _iri(iri: str) -> str:
    """`iri` written for a query; ValueError unless it is an absolute IRI the engine reads as one (pyoxigraph
    checks it: the pattern alone let through '%', '[' and control characters, which broke the query)."""
    if not _SAFE_IRI.match(iri):
        raise ValueError(f"not an IRI: {iri!r}")
    try:
        return str(ox.NamedNode(iri))
    except ValueError:
        raise ValueError(f"not an IRI: {iri!r}") from None


def _values(iris: list[str], n: int = 200) -> Iterable[str]:
    """The IRIs as the terms of SPARQL VALUES blocks of `n` each (ValueError for one that is not an IRI)."""
    for i in range(0, len(iris), n):
        yield " ".join(_iri(x) for x in iris[i:i + n])


def _filter_vocab(var: str, mentions: bool = True) -> str:
    skip = ", ".join(f"<{p}>" for p in SKIP_PREDICATES + (() if mentions else (CC + "mentions",)))
    vocab = " && ".join(f'!STRSTARTS(STR(?{var}), "{ns}")' for ns in VOCAB_PREFIXES)
    return f"FILTER(isIRI(?{var}) && ?p NOT IN ({skip}) && {vocab})"


def _adjacent(store: SparqlStore, iris: list[str], mentions: bool = True) -> list[tuple[str, str, str]]:
    """(subject, predicate, object) IRI triples touching `iris`, signature nodes folded into cc:signer;
    cc:mentions edges only if `mentions`."""
    out: set[tuple[str, str, str]] = set()
    for vals in _values(iris):
        q = f"""SELECT DISTINCT ?s ?p ?o WHERE {{
          {{ VALUES ?s {{ {vals} }} ?s ?p ?o . {_filter_vocab('o', mentions)}
             FILTER NOT EXISTS {{ ?o a cc:Link }} FILTER NOT EXISTS {{ ?o a cc:Signature }} }}
          UNION
          {{ VALUES ?o {{ {vals} }} ?s ?p ?o . {_filter_vocab('s', mentions)}
             FILTER NOT EXISTS {{ ?s a cc:Link }} FILTER NOT EXISTS {{ ?s a cc:Signature }}
             FILTER(?p != eli:is_part_of || EXISTS {{ ?s a cc:Annex }} || EXISTS {{ ?s a cc:AnnexRow }}
                    || EXISTS {{ ?o a cc:Provision }}) }}
          UNION {{ VALUES ?s {{ {vals} }} ?s cc:signature/cc:signer ?o . BIND(cc:signer AS ?p) }}
          UNION {{ VALUES ?o {{ {vals} }} ?s cc:signature/cc:signer ?o . BIND(cc:signer AS ?p) }}
        }}"""
        for r in _select(store, q):
            out.add((r["s"], r["p"], r["o"]))
    return sorted(out)


_DETAIL_PROPS = {
    str(RDF.type): "type", CC + "number": "number", ELI + "title": "title", str(SKOS.prefLabel): "name",
    CC + "label": "label", CC + "heading": "heading", CC + "text": "text", CC + "sourceFile": "source",
    CC + "typeName": "typeName", CC + "issuerName": "issuer", ELI + "date_document": "date",
    CC + "product": "product", CC + "deadline": "deadline", CC + "target": "target",
    CC + "unitOfMeasure": "unit", CC + "abbreviation": "abbreviation",
}


def _describe(store: SparqlStore, iris: list[str]) -> dict[str, dict[str, str | set[str]]]:
    """Per IRI: its types (a set) and one value per detail property (the subject's own graph wins, then its
    document's)."""
    props = " ".join(f"<{p}>" for p in _DETAIL_PROPS)
    found: dict[str, dict[str, dict[str, list[str]]]] = defaultdict(lambda: defaultdict(lambda: defaultdict(list)))
    for vals in _values(iris):
        q = f"SELECT ?n ?g ?p ?o WHERE {{ VALUES ?n {{ {vals} }} VALUES ?p {{ {props} }} GRAPH ?g {{ ?n ?p ?o }} }}"
        for r in _select(store, q):
            found[r["n"]][_DETAIL_PROPS[r["p"]]][r["g"]].append(r["o"])
    out: dict[str, dict[str, str | set[str]]] = {}
    for iri, by_prop in found.items():
        info: dict[str, str | set[str]] = {"types": {v for vs in by_prop.get("type", {}).values() for v in vs}}
        document, provision = split_provision(iri)
        for name, by_graph in by_prop.items():
            if name == "type":
                continue
            own = by_graph.get(iri) or (by_graph.get(document) if provision else None)
            pool = own or [v for vs in by_graph.values() for v in vs]
            info[name] = min(pool)
        out[iri] = info
    return out


def _quotes(store: SparqlStore, iris: list[str]) -> dict[tuple[str, str, str], list[str]]:
    """Quoted text of the qualified links whose subject is one of `iris`, keyed by (subject, property, target)."""
    out: dict[tuple[str, str, str], list[str]] = defaultdict(list)
    for vals in _values(iris):
        q = f"""SELECT DISTINCT ?s ?rel ?o ?quote WHERE {{ VALUES ?s {{ {vals} }}
                ?s cc:qualifiedLink ?l . ?l cc:linkRelation ?rel ; cc:linkTarget ?o ; cc:quote ?quote }}"""
        for r in _select(store, q):
            if r["quote"] not in out[(r["s"], r["rel"], r["o"])]:
                out[(r["s"], r["rel"], r["o"])].append(r["quote"])
    return out


# ---- through the Store primitives (a store without SPARQL) -------------------------------------------


def _adjacent_links(store: Store, iris: list[str]) -> list[tuple[str, str, str]]:
    """Document links and role edges touching `iris` (property paths such as `signed`, and weak mentions, left out)."""
    out: set[tuple[str, str, str]] = set()
    for iri in iris:
        for row in [*store.links_from(iri), *store.links_to(iri)]:
            out.add((row.source.iri, RELATIONS[row.relation], row.target.iri))
        for direction in ("out", "in"):
            for r in store.roles(iri, direction):
                full = ROLE_IRIS.get(r.role)
                if full is None or r.role == "mentions":
                    continue
                out.add((iri, full, r.entity_iri) if direction == "out" else (r.entity_iri, full, iri))
    return sorted(out)


def _describe_docs(store: Store, iris: list[str]) -> dict[str, dict[str, str | set[str]]]:
    """Documents through `document()`, entities and annex rows through `entity()`."""
    out: dict[str, dict[str, str | set[str]]] = {}
    kind_class = {kind: cls for cls, kind in TYPE_KIND.items()}
    for iri in iris:
        d = store.document(iri)
        if d is not None:
            info: dict[str, str | set[str]] = {"types": {CC + "LegalDocument"}}
            for k, v in (("number", d.number), ("title", d.title), ("typeName", d.type), ("issuer", d.issuer),
                         ("date", d.date), ("source", d.source_file)):
                if v:
                    info[k] = v
            out[iri] = info
            continue
        e = store.entity(iri)
        if e is not None:
            out[iri] = {"types": {kind_class.get(e.kind, CC + "Agency")}, "name": e.label or iri}
    return out
