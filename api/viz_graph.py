"""The neighbourhood of one node as a small typed graph, and that graph as an offline pyvis page.

`neighbourhood(store, iri, depth, cap)` walks the RDF around `iri` breadth-first over the links a reader
cares about (document relations, programme and task roles, issuer, signer, succession, annex rows)
and returns plain dataclasses: nodes with a kind, label and API path, edges with a relation kind and
the quoted text they came from, and `cut` when the cap stopped the walk. `render_html` draws it with
pyvis's `Network` and our own template (`api/templates/viz.html`), with vis-network inlined from
`api/static/`, so the page makes no request outside the service.

What is walked: every IRI-valued triple in both directions, except bookkeeping (rdf:type, the
qualified-link and signature nodes, which are folded into `signer` edges and edge quotes) and
vocabulary IRIs. Ordinary provisions (Điều, Khoản …) are reached only upwards (a provision to its
document) or from a provision: a document's hundreds of clauses would drown its relations. Annexes
and annex rows (tasks, indicators) are walked downwards, since they carry the roles.
Within one depth, neighbours are taken in relation order (legal relations, roles, structure,
mentions), then by label, so the cut is deterministic and drops the least telling links first.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable
from urllib.parse import quote, urlsplit

import pyoxigraph as ox

from cancu.config import base_iri
from cancu.registry import RELATION_KINDS, ROLES
from cancu.vocabulary_files import vocabulary_file
from graph.store import SparqlStore, Store, supports

from api.convert import doc_id

CC = "https://w3id.org/cancu/ontology#"
ELI = "http://data.europa.eu/eli/ontology#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
ORG = "http://www.w3.org/ns/org#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
VOCAB_PREFIXES = (CC, ELI, SKOS, ORG, RDF, RDFS, "http://www.w3.org/ns/prov#", "http://www.w3.org/2002/07/owl#",
                  "http://www.w3.org/2001/XMLSchema#")
SIGNER = CC + "signer"  # folded edge: document -cc:signer-> person (through its cc:Signature node)
SKIP_PREDICATES = (RDF + "type", CC + "qualifiedLink", CC + "signature", CC + "linkTarget", CC + "linkRelation",
                   CC + "inProvision", CC + "documentTypeConcept", ELI + "type_document")

HERE = Path(__file__).resolve().parent
TEMPLATES = HERE / "templates"
STATIC = HERE / "static"
MIN_DEPTH, MAX_DEPTH, DEFAULT_CAP, MAX_CAP = 1, 3, 150, 500

# kind -> (legend label, vis shape, background, border, font colour)
KIND_STYLE: dict[str, tuple[str, str, str, str, str]] = {
    "document": ("Document (ingested)", "box", "#1f4e79", "#12304d", "#ffffff"),
    "stub": ("Document (cited only, stub)", "box", "#dfe7f0", "#6f8aa6", "#1f2d3a"),
    "provision": ("Provision (Điều, Khoản …)", "dot", "#a7b1bc", "#6c7784", "#33404d"),
    "annex": ("Annex (Phụ lục)", "square", "#c9a227", "#8a6d10", "#4a3b08"),
    "task": ("Annex row: task", "dot", "#f0a23b", "#b36b0c", "#4d3206"),
    "indicator": ("Annex row: indicator", "triangle", "#e07b53", "#a3461f", "#4d2010"),
    "row": ("Annex row", "dot", "#f2c88a", "#b38a4a", "#4d3a1a"),
    "agency": ("Agency", "hexagon", "#2e8b57", "#1b5e3a", "#1b3d2a"),
    "unit": ("Unit of an agency", "hexagon", "#93d3a8", "#4f9a68", "#1b3d2a"),
    "enterprise": ("Enterprise", "star", "#8e44ad", "#5e2a75", "#3b1a4a"),
    "platform": ("Platform", "database", "#c0392b", "#7d241b", "#ffffff"),
    "programme": ("Programme", "ellipse", "#f7dc6f", "#b7950b", "#4d3f06"),
    "person": ("Person", "diamond", "#7f8c8d", "#4d5656", "#2e3535"),
    "other": ("Other", "dot", "#d5d8dc", "#909497", "#33404d"),
}
_TYPE_KIND = [(CC + "Annex", "annex"), (CC + "Task", "task"), (CC + "Indicator", "indicator"), (CC + "AnnexRow", "row"),
              (CC + "Provision", "provision"), (CC + "Agency", "agency"), (CC + "Unit", "unit"),
              (CC + "Enterprise", "enterprise"), (CC + "Platform", "platform"), (CC + "Programme", "programme"),
              (CC + "Person", "person")]

# Relation kinds, in the order the cap keeps them (earlier = kept first).
_DOC_RELATIONS = [k.code for k in sorted(RELATION_KINDS, key=lambda k: k.rank)]
_ROLE_PROPS = [r.edge for r in ROLES if r.asserted]
_OTHER_PROPS = [ELI + "passed_by", SIGNER, ORG + "subOrganizationOf", CC + "successor", ELI + "is_part_of",
                ELI + "has_part", CC + "mentions"]
# (colour, dashed) per relation kind and role (cancu.registry), then the structural edges; the rest are grey.
_EDGE_STYLE: dict[str, tuple[str, bool]] = {
    **{k.code: (k.colour, k.dashed) for k in RELATION_KINDS}, **{r.edge: (r.colour, r.dashed) for r in ROLES},
    "subOrganizationOf": ("#4f9a68", True), "successor": ("#7d3c98", False), "is_part_of": ("#b3b6b7", False),
    "has_part": ("#b3b6b7", False),
}


@dataclass(frozen=True)
class VizNode:
    """One node: IRI, kind (a KIND_STYLE key), short label, details for the tooltip, API path, depth."""

    iri: str
    kind: str
    label: str
    details: tuple[str, ...] = ()
    href: str | None = None  # the API resource (relative path)
    viz: str | None = None  # the /viz page centred on this node (relative path)
    depth: int = 0


@dataclass(frozen=True)
class VizEdge:
    """One edge: source -relation-> target, the relation's Vietnamese label, and quotes it came from."""

    source: str
    target: str
    relation: str  # based_on, cites, … (document relations) or the property name (leadAgency, passed_by …)
    label_vi: str | None = None
    quotes: tuple[str, ...] = ()


@dataclass
class VizGraph:
    """The neighbourhood of `start`: nodes (start first), edges, and whether the cap cut it."""

    start: str
    depth: int
    cap: int
    nodes: list[VizNode] = field(default_factory=list)
    edges: list[VizEdge] = field(default_factory=list)
    cut: bool = False
    mentions: bool = False  # whether cc:mentions links were walked
    omitted: int = 0  # neighbours found at the depth where the cap was reached and not drawn (a lower bound)

    def node(self, iri: str) -> VizNode | None:
        return next((n for n in self.nodes if n.iri == iri), None)

    def to_json(self) -> dict[str, Any]:
        """Plain JSON (for `?format=json` and notebooks)."""
        return {"start": self.start, "depth": self.depth, "cap": self.cap, "mentions": self.mentions, "cut": self.cut, "omitted": self.omitted,
                "nodes": [{"iri": n.iri, "kind": n.kind, "label": n.label, "details": list(n.details),
                           "href": n.href, "viz": n.viz, "depth": n.depth} for n in self.nodes],
                "edges": [{"source": e.source, "target": e.target, "relation": e.relation, "label_vi": e.label_vi,
                           "quotes": list(e.quotes)} for e in self.edges]}


class NoSparql(RuntimeError):
    """The store has no SPARQL access (the Neo4j backend without it): only document links can be drawn."""


# ---- reading the store -------------------------------------------------------------------------------


def _select(store: Store, query: str) -> list[dict[str, str]]:
    """SELECT through the store's read-only SPARQL; rows of variable -> value (IRIs and literals as strings)."""
    if not supports(store, SparqlStore):
        raise NoSparql(f"the {getattr(store, 'name', '?')} store has no SPARQL access")
    result = store.sparql(_PREFIXES + query, "application/sparql-results+json")
    data = json.loads(result.body)
    return [{k: v["value"] for k, v in b.items()} for b in data["results"]["bindings"]]


_PREFIXES = f"PREFIX cc: <{CC}>\nPREFIX eli: <{ELI}>\nPREFIX skos: <{SKOS}>\nPREFIX org: <{ORG}>\nPREFIX rdf: <{RDF}>\n"
_SAFE_IRI = re.compile(r"^[^\s<>\"{}|\\^`]+$")


def _iri(iri: str) -> str:
    """`iri` written for a query; ValueError unless it is an absolute IRI the engine reads as one (pyoxigraph
    checks it: the pattern alone let through '%', '[' and control characters, which broke the query)."""
    if not _SAFE_IRI.match(iri):
        raise ValueError(f"not an IRI: {iri!r}")
    try:
        return str(ox.NamedNode(iri))
    except ValueError:
        raise ValueError(f"not an IRI: {iri!r}") from None


def _values(iris: Iterable[str]) -> str:
    return " ".join(_iri(i) for i in iris)


def _chunks(items: list[str], n: int = 200) -> Iterable[list[str]]:
    for i in range(0, len(items), n):
        yield items[i:i + n]


def exists(store: Store, iri: str) -> bool:
    """True if the store has any triple with `iri` as subject or object."""
    if not _SAFE_IRI.match(iri):
        return False
    try:
        rows = _select(store, f"SELECT ?x WHERE {{ {{ {_iri(iri)} ?p ?x }} UNION {{ ?x ?p {_iri(iri)} }} }} LIMIT 1")
    except NoSparql:
        return store.document(iri) is not None
    return bool(rows)


def _filter_vocab(var: str, mentions: bool = True) -> str:
    skip = ", ".join(f"<{p}>" for p in SKIP_PREDICATES + (() if mentions else (CC + "mentions",)))
    vocab = " && ".join(f'!STRSTARTS(STR(?{var}), "{ns}")' for ns in VOCAB_PREFIXES)
    return f"FILTER(isIRI(?{var}) && ?p NOT IN ({skip}) && {vocab})"


def _adjacent(store: Store, iris: list[str], mentions: bool = True) -> list[tuple[str, str, str]]:
    """(subject, predicate, object) IRI triples touching `iris`, signature nodes folded into cc:signer;
    cc:mentions edges only if `mentions`."""
    out: set[tuple[str, str, str]] = set()
    for chunk in _chunks(iris):
        vals = _values(chunk)
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


def _edges_among(store: Store, iris: list[str], mentions: bool = True) -> list[tuple[str, str, str]]:
    """Every (subject, predicate, object) between two of `iris` (the drawn graph's edges)."""
    keep = set(iris)
    return [t for t in _adjacent(store, iris, mentions) if t[0] in keep and t[2] in keep]


_DETAIL_PROPS = {
    RDF + "type": "type", CC + "number": "number", ELI + "title": "title", SKOS + "prefLabel": "name",
    CC + "label": "label", CC + "heading": "heading", CC + "text": "text", CC + "sourceFile": "source",
    CC + "typeName": "typeName", CC + "issuerName": "issuer", ELI + "date_document": "date",
    CC + "product": "product", CC + "deadline": "deadline", CC + "target": "target",
    CC + "unitOfMeasure": "unit", CC + "abbreviation": "abbreviation",
}


def _describe(store: Store, iris: list[str]) -> dict[str, dict[str, str | set[str]]]:
    """Per IRI: its types (a set) and one value per detail property (the subject's own graph wins)."""
    props = " ".join(f"<{p}>" for p in _DETAIL_PROPS)
    found: dict[str, dict[str, dict[str, list[str]]]] = defaultdict(lambda: defaultdict(lambda: defaultdict(list)))
    for chunk in _chunks(iris):
        q = f"SELECT ?n ?g ?p ?o WHERE {{ VALUES ?n {{ {_values(chunk)} }} VALUES ?p {{ {props} }} GRAPH ?g {{ ?n ?p ?o }} }}"
        for r in _select(store, q):
            found[r["n"]][_DETAIL_PROPS[r["p"]]][r["g"]].append(r["o"])
    out: dict[str, dict[str, str | set[str]]] = {}
    for iri, by_prop in found.items():
        info: dict[str, str | set[str]] = {"types": {v for vs in by_prop.get("type", {}).values() for v in vs}}
        for name, by_graph in by_prop.items():
            if name == "type":
                continue
            own = by_graph.get(iri) or by_graph.get(_doc_of(iri) or "")
            pool = own or [v for vs in by_graph.values() for v in vs]
            info[name] = min(pool)
        out[iri] = info
    return out


def _doc_of(iri: str) -> str | None:
    """The document IRI a provision IRI lives under ('…/qd/2022/186/btttt/dieu_1' -> '…/qd/2022/186/btttt')."""
    if "/eli/vn/" not in iri:
        return None
    head, rest = iri.split("/eli/vn/", 1)
    parts = rest.split("/")
    n = 3 if parts and parts[0] == "luat" else 4
    return f"{head}/eli/vn/{'/'.join(parts[:n])}" if len(parts) > n else None


# ---- building the graph ------------------------------------------------------------------------------


def _relation(pred: str) -> str:
    from graph.shared import RELATION_BY_IRI

    if pred in RELATION_BY_IRI:
        return RELATION_BY_IRI[pred]
    return re.split(r"[#/]", pred)[-1]


def _priority(rel: str) -> int:
    order = _DOC_RELATIONS + _ROLE_PROPS + [_relation(p) for p in _OTHER_PROPS]
    return order.index(rel) if rel in order else len(order)


@lru_cache(maxsize=1)
def relation_labels() -> dict[str, tuple[str | None, str | None]]:
    """Relation kind -> (Vietnamese, English) label, read from ontology.ttl (rdfs:label, else skos:prefLabel)."""
    labels: dict[str, dict[str, str]] = defaultdict(dict)
    try:
        for t in ox.parse(vocabulary_file("ontology.ttl").read_bytes(), format=ox.RdfFormat.TURTLE):
            if t.predicate.value == RDFS + "label" and isinstance(t.object, ox.Literal) and isinstance(t.subject, ox.NamedNode):
                labels[_relation(t.subject.value)].setdefault(t.object.language or "", t.object.value)
    except (OSError, SyntaxError, ValueError):
        pass
    out = {k: (v.get("vi"), v.get("en")) for k, v in labels.items()}
    for kind in RELATION_KINDS:  # a kind ontology.ttl does not label yet is still named
        out.setdefault(kind.code, (kind.vi, kind.en))
    # properties from other vocabularies that ontology.ttl does not label
    for rel, vi, en in (("signer", "người ký", "signed by"), ("passed_by", "cơ quan ban hành", "passed by"),
                        ("is_part_of", "thuộc", "is part of"), ("subOrganizationOf", "trực thuộc", "unit of")):
        if not (out.get(rel) or (None, None))[0]:
            out[rel] = (vi, en)
    return out


def _kind(info: dict[str, str | set[str]] | None) -> str:
    types = info.get("types", set()) if info else set()
    assert isinstance(types, set)
    if CC + "LegalDocument" in types:
        return "document" if info and info.get("source") else "stub"
    for cls, kind in _TYPE_KIND:
        if cls in types:
            return kind
    return "other"


def _short(text: str, n: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1].rstrip() + "…"


def _label_and_details(iri: str, kind: str, info: dict[str, Any]) -> tuple[str, tuple[str, ...]]:
    get = info.get
    if kind in ("document", "stub"):
        label = get("number") or _short(get("title") or "", 40) or iri.rsplit("/", 1)[-1]
        if get("number") is None and get("date"):
            label = f"{label} ({str(get('date'))[:4]})"
        details = [" ".join(p for p in (get("typeName"), get("number")) if p), get("title"),
                   f"ngày {get('date')}" if get("date") else None, get("issuer"),
                   "ingested" if kind == "document" else "stub: known only from citations"]
    elif kind in ("task", "indicator", "row"):
        text = get("text") or ""
        label = f"{get('label') or '?'}. {_short(text, 48)}" if text else (get("label") or iri.rsplit("/", 1)[-1])
        details = [f"{_parent_label(iri)} · hàng {get('label') or '?'}", _short(text, 300),
                   f"Sản phẩm: {_short(get('product'), 200)}" if get("product") else None,
                   f"Thời hạn: {get('deadline')}" if get("deadline") else None,
                   f"Chỉ tiêu: {get('target')} {get('unit') or ''}".strip() if get("target") else None]
    elif kind in ("provision", "annex"):
        doc = _doc_of(iri)
        label = get("label") or iri.rsplit("/", 1)[-1]
        details = [label, get("heading"), _short(get("text") or "", 300) or None,
                   f"of {doc.rsplit('/eli/vn/', 1)[-1]}" if doc else None]
    else:
        full = get("name") or iri.rsplit("/", 1)[-1]
        label = _short(str(full), 60)
        details = [str(full), f"({get('abbreviation')})" if get("abbreviation") else None, KIND_STYLE[kind][0]]
    return str(label), tuple(str(d) for d in details if d)


def _parent_label(iri: str) -> str:
    m = re.search(r"/phu_luc_(\w+)/", iri)
    return f"Phụ lục {_roman(m[1])}" if m else "Phụ lục"


def _roman(n: str) -> str:
    if not n.isdigit():
        return n.upper()
    val, out = int(n), ""
    for v, s in ((10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):
        while val >= v:
            out, val = out + s, val - v
    return out


def api_path(iri: str, kind: str) -> str | None:
    """The API resource of a node as a relative path: /documents/{id} for documents, else the IRI's path."""
    if kind in ("document", "stub"):
        did = doc_id(iri)
        if did:
            return f"/documents/{did}"
    base = base_iri()
    if iri.startswith(base + "/"):
        return urlsplit(iri).path
    return None


def viz_path(iri: str, kind: str) -> str:
    """The /viz page centred on a node (relative path)."""
    if kind in ("document", "stub") and doc_id(iri):
        return f"/viz/documents/{doc_id(iri)}"
    m = re.search(r"/id/(agency|platform)/([^/]+)$", iri)
    if m:
        return f"/viz/{'agencies' if m[1] == 'agency' else 'platforms'}/{m[2]}"
    return f"/viz?iri={quote(iri, safe='')}"


def neighbourhood(store: Store, start: str, depth: int = 1, cap: int = DEFAULT_CAP,
                  mentions: bool = False) -> VizGraph:
    """Breadth-first neighbourhood of `start` up to `depth` hops, at most `cap` nodes (start included).

    `mentions` adds cc:mentions links (a document naming an agency anywhere in its text): many and weak,
    so off by default. Uses the store's SPARQL; a store without it gets document links only."""
    depth = max(MIN_DEPTH, min(MAX_DEPTH, depth))
    cap = max(1, min(MAX_CAP, cap))
    graph = VizGraph(start=start, depth=depth, cap=cap, mentions=mentions)
    has_sparql = supports(store, SparqlStore)

    def adjacent(iris: list[str]) -> list[tuple[str, str, str]]:
        return _adjacent(store, iris, mentions) if has_sparql else _adjacent_links(store, iris)

    level: dict[str, int] = {start: 0}
    frontier = [start]
    for d in range(1, depth + 1):
        if not frontier or graph.cut:
            break
        candidates: dict[str, tuple[int, str]] = {}
        frontier_set = set(frontier)
        for s, p, o in adjacent(frontier):
            other = o if s in frontier_set else s
            if other in level:
                continue
            key = (_priority(_relation(p)), other)
            candidates[other] = min(candidates.get(other, key), key)
        ordered = sorted(candidates, key=lambda i: candidates[i])
        room = cap - len(level)
        if len(ordered) > room:
            graph.cut, graph.omitted = True, len(ordered) - room
            ordered = ordered[:room]
        for iri in ordered:
            level[iri] = d
        frontier = ordered
    iris = list(level)
    triples = _edges_among(store, iris, mentions) if has_sparql else _adjacent_links(store, iris, among=True)
    info = _describe(store, iris) if has_sparql else _describe_docs(store, iris)
    for iri in iris:
        kind = _kind(info.get(iri))
        label, details = _label_and_details(iri, kind, info.get(iri, {}))
        graph.nodes.append(VizNode(iri, kind, label, details, api_path(iri, kind), viz_path(iri, kind), level[iri]))
    quotes = _quotes(store, iris) if has_sparql else {}
    labels = relation_labels()
    for s, p, o in triples:
        rel = _relation(p)
        graph.edges.append(VizEdge(s, o, rel, (labels.get(rel) or (None, None))[0], tuple(quotes.get((s, p, o), ()))))
    graph.edges.sort(key=lambda e: (_priority(e.relation), e.source, e.target))
    return graph


def describe(store: Store, iri: str) -> VizNode | None:
    """One node on its own (kind, label, details, paths), or None if the store says nothing about it."""
    info = (_describe(store, [iri]) if supports(store, SparqlStore) else _describe_docs(store, [iri])).get(iri)
    if info is None:
        return None
    kind = _kind(info)
    label, details = _label_and_details(iri, kind, info)
    return VizNode(iri, kind, label, details, api_path(iri, kind), viz_path(iri, kind), 0)


def _quotes(store: Store, iris: list[str]) -> dict[tuple[str, str, str], list[str]]:
    """Quoted text of the qualified links whose subject is one of `iris`, keyed by (subject, property, target)."""
    out: dict[tuple[str, str, str], list[str]] = defaultdict(list)
    for chunk in _chunks(iris):
        q = f"""SELECT DISTINCT ?s ?rel ?o ?quote WHERE {{ VALUES ?s {{ {_values(chunk)} }}
                ?s cc:qualifiedLink ?l . ?l cc:linkRelation ?rel ; cc:linkTarget ?o ; cc:quote ?quote }}"""
        for r in _select(store, q):
            if r["quote"] not in out[(r["s"], r["rel"], r["o"])]:
                out[(r["s"], r["rel"], r["o"])].append(r["quote"])
    return out


def _adjacent_links(store: Store, iris: list[str], among: bool = False) -> list[tuple[str, str, str]]:
    """Fallback without SPARQL: document links and role edges, through the Store interface."""
    from graph.shared import RELATIONS
    from graph.store import ROLE_PROPERTIES

    out: set[tuple[str, str, str]] = set()
    for iri in iris:
        for row in [*store.links_from(iri), *store.links_to(iri)]:
            out.add((row.source.iri, RELATIONS[row.relation], row.target.iri))
        for direction in ("out", "in"):
            for r in store.roles(iri, direction):
                prop = ROLE_PROPERTIES[r.role]
                if "/" in prop or r.role == "mentions":  # property paths (signed) and weak mentions stay out
                    continue
                full = prop.replace("cc:", CC).replace("eli:", ELI)
                out.add((iri, full, r.entity_iri) if direction == "out" else (r.entity_iri, full, iri))
    if among:
        keep = set(iris)
        out = {t for t in out if t[0] in keep and t[2] in keep}
    return sorted(out)


def _describe_docs(store: Store, iris: list[str]) -> dict[str, dict[str, str | set[str]]]:
    """Fallback without SPARQL: documents through `document()`, entities and annex rows through `entity()`."""
    out: dict[str, dict[str, str | set[str]]] = {}
    kind_class = {kind: cls for cls, kind in _TYPE_KIND}
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


# ---- rendering ---------------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _static() -> tuple[str, str]:
    return ((STATIC / "vis-network.min.js").read_text(encoding="utf-8"),
            (STATIC / "vis-network.css").read_text(encoding="utf-8"))


def to_pyvis(graph: VizGraph, height: str = "100%"):  # -> pyvis.network.Network
    """The graph as a pyvis Network: shape and colour by kind, edge labels by relation kind, bounded physics."""
    from pyvis.network import Network

    net = Network(height=height, width="100%", directed=True, cdn_resources="in_line")
    for n in graph.nodes:
        _, shape, bg, border, font = KIND_STYLE[n.kind]
        start = n.iri == graph.start
        opts: dict[str, Any] = {
            "shape": shape, "color": {"background": bg, "border": border,
                                      "highlight": {"background": bg, "border": "#000000"}},
            "borderWidth": 4 if start else 1, "title": "\n".join(n.details) or n.label,
            "font": {"color": font if shape in ("box", "ellipse", "database") else "#1c2833",
                     "size": 16 if start else 13, "face": "DejaVu Sans, Arial, sans-serif",
                     "bold": {"color": font}},
            "widthConstraint": {"maximum": 190}, "name": n.label, "kind": n.kind, "iri": n.iri, "href": n.href, "viz": n.viz,
            "level": n.depth,
        }
        if n.kind == "stub":
            opts["shapeProperties"] = {"borderDashes": [5, 4]}
        if shape not in ("box", "ellipse", "database"):
            opts["size"] = 22 if start else (14 if n.kind in ("task", "indicator", "row", "provision") else 18)
        if start:
            opts["label"] = n.label
            opts["font"]["multi"] = "html"
            opts["label"] = f"<b>{_escape_vis(n.label)}</b>"
        net.add_node(n.iri, label=opts.pop("label", n.label), **opts)
    for e in graph.edges:
        colour, dashed = _EDGE_STYLE.get(e.relation, ("#909497", False))
        title = " · ".join(p for p in (e.relation, e.label_vi) if p)
        if e.quotes:
            title += "\n" + "\n".join(f"“{_short(q, 240)}”" for q in e.quotes[:3])
        net.add_edge(e.source, e.target, label=e.relation, title=title, color=colour, dashes=dashed,
                     relation=e.relation, width=2 if e.relation == "based_on" else 1)
    net.set_options(json.dumps(VIS_OPTIONS))
    return net


def _escape_vis(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


VIS_OPTIONS: dict[str, Any] = {
    "autoResize": True,
    "nodes": {"margin": 8},
    "edges": {"arrows": {"to": {"enabled": True, "scaleFactor": 0.6}},
              "font": {"size": 10, "align": "middle", "color": "#34495e", "strokeWidth": 3, "strokeColor": "#ffffff"},
              "smooth": {"enabled": True, "type": "dynamic"}, "selectionWidth": 2},
    "interaction": {"hover": True, "tooltipDelay": 150, "navigationButtons": False, "keyboard": False},
    "physics": {"enabled": True, "solver": "forceAtlas2Based",
                "forceAtlas2Based": {"gravitationalConstant": -90, "centralGravity": 0.012, "springLength": 140,
                                     "springConstant": 0.06, "damping": 0.5, "avoidOverlap": 0.6},
                "stabilization": {"enabled": True, "iterations": 300, "updateInterval": 25, "fit": True},
                "minVelocity": 1.0, "maxVelocity": 40},
}


def legend(graph: VizGraph) -> list[dict[str, Any]]:
    """Legend rows for the kinds present (label, shape, colours, count), in KIND_STYLE order."""
    counts: dict[str, int] = defaultdict(int)
    for n in graph.nodes:
        counts[n.kind] += 1
    return [{"kind": k, "label": s[0], "shape": s[1], "background": s[2], "border": s[3], "count": counts[k]}
            for k, s in KIND_STYLE.items() if counts[k]]


def edge_legend(graph: VizGraph) -> list[dict[str, Any]]:
    """Legend rows for the relation kinds present (kind, Vietnamese label, colour, dashed, count)."""
    counts: dict[str, int] = defaultdict(int)
    for e in graph.edges:
        counts[e.relation] += 1
    labels = relation_labels()
    rows = []
    for rel in sorted(counts, key=lambda r: (_priority(r), r)):
        colour, dashed = _EDGE_STYLE.get(rel, ("#909497", False))
        rows.append({"relation": rel, "label_vi": (labels.get(rel) or (None, None))[0], "colour": colour,
                     "dashed": dashed, "count": counts[rel]})
    return rows


def render_html(graph: VizGraph, title: str, depth_links: list[tuple[int, str]] | None = None,
                form_action: str = "", hidden: dict[str, str] | None = None, embedded: bool = False) -> str:
    """The offline page: pyvis's node/edge/option data in api/templates/viz.html, vis-network inlined.

    `depth_links` are (depth, relative href) for the depth control; `hidden` are extra form fields (iri=…);
    `embedded` drops the page chrome's height assumptions for a notebook iframe."""
    from jinja2 import Environment, FileSystemLoader, select_autoescape

    net = to_pyvis(graph)
    nodes, edges, _heading, _h, _w, options = net.get_network_data()
    js, css = _static()
    env = Environment(loader=FileSystemLoader(str(TEMPLATES)), autoescape=select_autoescape(["html"]))
    start = graph.node(graph.start)
    return env.get_template("viz.html").render(
        title=title, graph=graph, start=start, nodes=nodes, edges=edges, options=json.loads(options),
        legend=legend(graph), edge_legend=edge_legend(graph), depth_links=depth_links or [],
        form_action=form_action, hidden=hidden or {}, vis_js=js, vis_css=css, embedded=embedded,
        max_depth=MAX_DEPTH, max_cap=MAX_CAP, kind_labels={k: v[0] for k, v in KIND_STYLE.items()},
    )
