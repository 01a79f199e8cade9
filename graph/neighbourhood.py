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
    sparql = supports(store, SparqlStore)
    level: dict[str, int] = {start: 0}
    frontier = [start]
    for d in range(1, depth + 1):
        if not frontier or out.cut:
            break
        room = cap - len(level)
        if sparql:
            ordered = _next_level(store, frontier, level, room, mentions)
        else:
            ordered = _adjacent_level(store, frontier, level, room)
        if len(ordered) > room:
            out.cut, out.omitted = True, len(ordered) - room
            ordered = ordered[:room]
        for iri in ordered:
            level[iri] = d
        frontier = ordered
    iris = list(level)
    keep = set(iris)
    info = _describe(store, iris) if sparql else _describe_docs(store, iris)
    types = {i: facts["types"] for i, facts in info.items() if isinstance(facts.get("types"), set)}
    triples = (_edges(store, iris, types, mentions) if sparql  # type: ignore[arg-type]
               else [t for t in _adjacent_links(store, iris, incoming=False) if t[0] in keep and t[2] in keep])
    out.nodes = [_node(iri, info.get(iri), level[iri]) for iri in iris]
    quotes = _quotes(store, iris) if sparql else {}
    out.edges = sorted((Edge(s, relation_name(p), o, tuple(quotes.get((s, p, o), ()))) for s, p, o in triples),
                       key=lambda e: (relation_order(e.relation), e.source, e.target))
    return out


def _ranked(triples: list[tuple[str, str, str]], frontier: list[str], seen: Mapping[str, int]) -> list[str]:
    """The neighbours of `frontier` in `triples` outside `seen`, in the walk's order (relation order, then IRI)."""
    candidates: dict[str, tuple[int, str]] = {}
    inside = set(frontier)
    for s, p, o in triples:
        other = o if s in inside else s
        if other not in seen:
            key = (relation_order(relation_name(p)), other)
            candidates[other] = min(candidates.get(other, key), key)
    return sorted(candidates, key=lambda i: candidates[i])


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


def _skipped(mentions: bool) -> set[str]:
    return set(SKIP_PREDICATES) | (set() if mentions else {CC + "mentions"})


def _in(iris: Iterable[str]) -> str:
    return ", ".join(_iri(x) for x in iris)


_LINK_NODES = {CC + "Link", CC + "Signature"}  # folded into edges and their quotes, never nodes of the walk
_PARTS_WALKED = {CC + "Annex", CC + "AnnexRow"}  # the parts a document is walked down to (a provision's: all)


def _walkable(far: str, types: set[str]) -> bool:
    """The far end of a triple is a node of the walk: not vocabulary, not a link or signature node."""
    return not far.startswith(VOCAB_PREFIXES) and not types & _LINK_NODES


def _taken(way: str, p: str, near: set[str], far: str, far_types: set[str]) -> bool:
    """Whether the walk takes a triple from a node (types `near`) to `far`: `way` out (near is the subject), in
    (near is the object: from a whole down to a part only when the part is an annex or an annex row, or the
    whole a provision) or signed (a signature folded into one edge, always taken)."""
    if way == "signed":
        return True
    if not _walkable(far, far_types):
        return False
    return way == "out" or p != ELI + "is_part_of" or bool(far_types & _PARTS_WALKED) or CC + "Provision" in near



def _triples(store: SparqlStore, near: list[str], preds: Iterable[str] | None, skipped: set[str],
             far: list[str] | None = None, both: bool = True) -> list[dict[str, str]]:
    """(way, near, p, far) of every IRI triple between `near` and (any, or one of) `far` with a predicate in
    `preds` (None: any but `skipped`), out of `near` and (`both`) into it, and the signer edges: the rows the
    walk's rules are applied to. Predicates are tested by FILTER, not VALUES, which Oxigraph plans as a scan
    of every triple with that predicate."""
    test = f"?p IN ({_in(preds)})" if preds is not None else f"?p NOT IN ({_in(skipped)})"
    signed = preds is None or CC + "signer" in preds
    to = f"VALUES ?far {{ {' '.join(_iri(x) for x in far)} }}" if far is not None else ""
    rows: list[dict[str, str]] = []
    for vals in _values(near):
        ways = [f"{{ VALUES ?near {{ {vals} }} ?near ?p ?far FILTER(isIRI(?far) && {test}) {to} BIND(\"out\" AS ?way) }}"]
        if both:
            ways.append(f"{{ VALUES ?near {{ {vals} }} ?far ?p ?near FILTER(isIRI(?far) && {test}) {to} "
                        f"BIND(\"in\" AS ?way) }}")
        if signed:
            ways.append(f"{{ VALUES ?near {{ {vals} }} ?near cc:signature/cc:signer ?far {to} BIND(cc:signer AS ?p) "
                        f"BIND(\"signed\" AS ?way) }}")
        if signed and both:
            ways.append(f"{{ VALUES ?near {{ {vals} }} ?far cc:signature/cc:signer ?near {to} BIND(cc:signer AS ?p) "
                        f"BIND(\"signed\" AS ?way) }}")
        rows += _select(store, f"SELECT DISTINCT ?way ?near ?p ?far WHERE {{ {' UNION '.join(ways)} }}")
    return rows


def _next_level(store: SparqlStore, frontier: list[str], seen: Mapping[str, int], room: int,
                mentions: bool) -> list[str]:
    """The neighbours of `frontier` outside `seen` in the walk's order (relation order, then IRI), up to `room`
    and at least one more if there are more (a lower bound on how many: those checked). One rank of relations
    at a time, each sorted here and checked in that order only as far as needed: a hub agency has ~10^5
    neighbours at 100k documents, which were all filtered and sorted by the store (minutes a page)."""
    vals = " ".join(_iri(x) for x in frontier)
    present = {r["p"] for r in _select(store, f"SELECT DISTINCT ?p WHERE {{ {{ VALUES ?s {{ {vals} }} ?s ?p ?o }} "
                                              f"UNION {{ VALUES ?o {{ {vals} }} ?s ?p ?o }} }}")}
    ranks: dict[int, list[str]] = defaultdict(list)
    for p in sorted((present | {CC + "signer"}) - _skipped(mentions)):
        ranks[relation_order(relation_name(p))].append(p)
    near_types = _types(store, frontier)
    found: list[str] = []
    for rank in sorted(ranks):
        if len(found) > room:
            break
        ways: dict[str, list[tuple[str, str, str]]] = defaultdict(list)
        for r in _triples(store, frontier, ranks[rank], set()):
            if r["far"] not in seen:
                ways[r["far"]].append((r["way"], r["p"], r["near"]))
        order = sorted(set(ways) - set(found))
        while order and len(found) <= room:
            size = max(2 * (room + 1 - len(found)), 100)  # most pass: checking a few more is cheaper than a round trip
            chunk, order = order[:size], order[size:]
            far_types = _types(store, chunk)
            found += [x for x in chunk if any(_taken(w, p, near_types.get(n, set()), x, far_types.get(x, set()))
                                               for w, p, n in ways[x])]
    return found


def _types(store: SparqlStore, iris: list[str]) -> dict[str, set[str]]:
    """The classes of each IRI, in any graph."""
    out: dict[str, set[str]] = defaultdict(set)
    for vals in _values(iris):
        for r in _select(store, f"SELECT DISTINCT ?n ?t WHERE {{ VALUES ?n {{ {vals} }} GRAPH ?g {{ ?n a ?t }} }}"):
            out[r["n"]].add(r["t"])
    return out


def _edges(store: SparqlStore, iris: list[str], types: Mapping[str, set[str]],
           mentions: bool) -> list[tuple[str, str, str]]:
    """The triples the walk takes between two of `iris` (whose classes are `types`): read out of each, since a
    hub's incoming triples run to ~10^5; a triple is taken if it is taken from either end."""
    out = set()
    for r in _triples(store, iris, None, _skipped(mentions), iris, both=False):
        way, s, p, o = r["way"], r["near"], r["p"], r["far"]
        if way == "signed" or _taken("out", p, set(), o, types.get(o, set())) or _taken(
                "in", p, types.get(o, set()), s, types.get(s, set())):
            out.add((s, p, o))
    return sorted(out)


_DETAIL_PROPS = {
    str(RDF.type): "type", CC + "number": "number", ELI + "title": "title", str(SKOS.prefLabel): "name",
    CC + "label": "label", CC + "heading": "heading", CC + "text": "text", CC + "sourceFile": "source",
    CC + "typeName": "typeName", CC + "issuerName": "issuer", ELI + "date_document": "date",
    CC + "product": "product", CC + "deadline": "deadline", CC + "target": "target",
    CC + "unitOfMeasure": "unit", CC + "abbreviation": "abbreviation",
}


def _describe(store: SparqlStore, iris: list[str]) -> dict[str, dict[str, str | set[str]]]:
    """Per IRI: its types (a set) and one value per detail property: the smallest in its own graph, else (a
    provision) in its document's, else in any graph (distinct values: an agency is named, with the same name,
    in ~10^5 graphs at 100k documents)."""
    props = {p: name for p, name in _DETAIL_PROPS.items() if name != "type"}
    test = f"FILTER(?p IN ({_in(props)}))"
    types = _types(store, iris)
    homes = {iri: [iri, doc] if prov else [iri] for iri in iris for doc, prov in [split_provision(iri)]}
    by_graph: dict[tuple[str, str], dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    anywhere: dict[tuple[str, str], list[str]] = defaultdict(list)
    for vals in _values(iris):
        for r in _select(store, f"SELECT ?n ?p ?o WHERE {{ VALUES ?n {{ {vals} }} GRAPH ?n {{ ?n ?p ?o }} {test} }}"):
            by_graph[(r["n"], r["p"])][r["n"]].append(r["o"])
        for r in _select(store, f"SELECT DISTINCT ?n ?p ?o WHERE {{ VALUES ?n {{ {vals} }} ?n ?p ?o {test} }}"):
            anywhere[(r["n"], r["p"])].append(r["o"])
    for vals in _values([x for x in iris if len(homes[x]) > 1]):  # provisions: their document's graph
        for r in _select(store, f"SELECT ?n ?g ?p ?o WHERE {{ VALUES ?n {{ {vals} }} GRAPH ?g {{ ?n ?p ?o }} {test} }}"):
            by_graph[(r["n"], r["p"])][r["g"]].append(r["o"])
    out: dict[str, dict[str, str | set[str]]] = {}
    for n in iris:
        info: dict[str, str | set[str]] = {"types": types[n]} if n in types else {}
        for p, name in props.items():
            graphs = by_graph.get((n, p), {})
            pool = next((graphs[g] for g in homes[n] if graphs.get(g)), None) or anywhere.get((n, p))
            if pool:
                info[name] = min(pool)
        if info:
            out[n] = {"types": set(), **info}
    return out


def _quotes(store: SparqlStore, iris: list[str]) -> dict[tuple[str, str, str], list[str]]:
    """Quoted text of the qualified links between two of `iris`, keyed by (subject, property, target), sorted."""
    out: dict[tuple[str, str, str], set[str]] = defaultdict(set)
    every = " ".join(_iri(x) for x in iris)
    for vals in _values(iris):
        q = f"""SELECT DISTINCT ?s ?rel ?o ?quote WHERE {{ VALUES ?s {{ {vals} }}
                ?s cc:qualifiedLink ?l . ?l cc:linkRelation ?rel ; cc:linkTarget ?o ; cc:quote ?quote
                VALUES ?o {{ {every} }} }}"""
        for r in _select(store, q):
            out[(r["s"], r["rel"], r["o"])].add(r["quote"])
    return {k: sorted(v) for k, v in out.items()}


# ---- through the Store primitives (a store without SPARQL) -------------------------------------------


def _adjacent_level(store: Store, frontier: list[str], seen: Mapping[str, int], room: int) -> list[str]:
    """The neighbours of `frontier` outside `seen`, in the walk's order. With no room left, only whether there are
    more matters: nodes are read one at a time until one has any (a lower bound on how many, as with SPARQL), not
    every hub agency a full level reached (~10 s a page at 100k documents)."""
    if room > 0:
        return _ranked(_adjacent_links(store, frontier), frontier, seen)
    for iri in frontier:
        found = _ranked(_adjacent_links(store, [iri]), [iri], seen)
        if found:
            return found
    return []


def _adjacent_links(store: Store, iris: list[str], incoming: bool = True) -> list[tuple[str, str, str]]:
    """Document links and role edges from `iris`, and to them if `incoming` (property paths such as `signed`, and
    weak mentions, left out). Edges among known nodes are all outgoing from one of them: reading a hub agency's
    ~10^4 incoming roles for them cost ~20 s a hub at 100k documents. No quotes: this path shows none."""
    out: set[tuple[str, str, str]] = set()
    for iri in iris:
        for row in [*store.links_from(iri), *(store.links_to(iri) if incoming else ())]:
            out.add((row.source.iri, RELATIONS[row.relation], row.target.iri))
        for direction in ("out", "in") if incoming else ("out",):
            for r in store.roles(iri, direction, max_provenance=0):
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
