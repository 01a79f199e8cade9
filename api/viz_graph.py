"""A graph page: the neighbourhood of one node (graph.neighbourhood reads it from the store) as a small typed
graph with labels, tooltips and links, drawn as an offline pyvis page.

`neighbourhood(store, iri, depth, cap)` gives VizNode / VizEdge dataclasses: nodes with a kind, short label,
details and API path, edges with the relation's Vietnamese label and the quoted text they came from, and `cut`
when the cap stopped the walk. `render_html` draws it with pyvis's `Network` and our own template
(`api/templates/viz.html`), with vis-network inlined from `api/static/`, so the page makes no request outside
the service. Node styles come from cancu.registry.ENTITY_KINDS (plus documents, provisions and annexes), edge
styles from its RELATION_KINDS and ROLES.
"""

from __future__ import annotations

import html
import json
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Mapping
from urllib.parse import quote, urlsplit

import pyoxigraph as ox
from jinja2 import Environment, FileSystemLoader, select_autoescape
from rdflib.namespace import RDFS

from cancu.config import base_iri
from cancu.iri import ELI_PATH, split_provision
from cancu.registry import ENTITY_KINDS, RELATION_KINDS, ROLES
from cancu.text import ascii_int
from cancu.vocabulary_files import vocabulary_file
from graph.neighbourhood import (DEFAULT_CAP, MAX_CAP, MAX_DEPTH, Node, describe_node, relation_name,
                                 relation_order, walk_neighbourhood)
from graph.store import Store

from api.convert import doc_id
from api.ids import ROW_KINDS

HERE = Path(__file__).resolve().parent
TEMPLATES = HERE / "templates"
# the pages' templates (the reader, home and entity pages, and the graph page here), autoescaped, read once
PAGES = Environment(loader=FileSystemLoader(str(TEMPLATES)), autoescape=select_autoescape(["html"]), auto_reload=False)
STATIC = HERE / "static"

# kind -> (legend label, vis shape, background, border, font colour); annex rows before entities
KIND_STYLE: dict[str, tuple[str, str, str, str, str]] = {
    "document": ("Document (ingested)", "box", "#1f4e79", "#12304d", "#ffffff"),
    "stub": ("Document (cited only, stub)", "box", "#dfe7f0", "#6f8aa6", "#1f2d3a"),
    "provision": ("Provision (Điều, Khoản …)", "dot", "#a7b1bc", "#6c7784", "#33404d"),
    "annex": ("Annex (Phụ lục)", "square", "#c9a227", "#8a6d10", "#4a3b08"),
    **{k.code: (k.legend, *k.style) for k in sorted(ENTITY_KINDS, key=lambda k: not k.row)},
    "other": ("Other", "dot", "#d5d8dc", "#909497", "#33404d"),
}
VIZ_PATHS = {k.code: k.path for k in ENTITY_KINDS if k.viz and k.path}  # IRI kind segment -> /viz/{path}/{slug}

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
        return {**vars(self), "nodes": [{**vars(n), "details": list(n.details)} for n in self.nodes],
                "edges": [{**vars(e), "quotes": list(e.quotes)} for e in self.edges]}


# ---- presentation ------------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def relation_labels() -> dict[str, tuple[str | None, str | None]]:
    """Relation kind -> (Vietnamese, English) label, read from ontology.ttl (rdfs:label, else skos:prefLabel)."""
    labels: dict[str, dict[str, str]] = defaultdict(dict)
    try:
        for t in ox.parse(vocabulary_file("ontology.ttl").read_bytes(), format=ox.RdfFormat.TURTLE):
            if t.predicate.value == str(RDFS.label) and isinstance(t.object, ox.Literal) and isinstance(t.subject, ox.NamedNode):
                labels[relation_name(t.subject.value)].setdefault(t.object.language or "", t.object.value)
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


def _short(text: str, n: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1].rstrip() + "…"


def _label_and_details(iri: str, kind: str, info: Mapping[str, str]) -> tuple[str, tuple[str, ...]]:
    get = info.get
    if kind in ("document", "stub"):
        label = get("number") or _short(get("title") or "", 40) or iri.rsplit("/", 1)[-1]
        if get("number") is None and get("date"):
            label = f"{label} ({str(get('date'))[:4]})"
        details = [" ".join(p for p in (get("typeName"), get("number")) if p), get("title"),
                   f"ngày {get('date')}" if get("date") else None, get("issuer"),
                   "ingested" if kind == "document" else "stub: known only from citations"]
    elif kind in ROW_KINDS:
        text = get("text") or ""
        label = f"{get('label') or '?'}. {_short(text, 48)}" if text else (get("label") or iri.rsplit("/", 1)[-1])
        details = [f"{_parent_label(iri)} · hàng {get('label') or '?'}", _short(text, 300),
                   f"Sản phẩm: {_short(get('product'), 200)}" if get("product") else None,
                   f"Thời hạn: {get('deadline')}" if get("deadline") else None,
                   f"Chỉ tiêu: {get('target')} {get('unit') or ''}".strip() if get("target") else None]
    elif kind in ("provision", "annex"):
        doc, provision = split_provision(iri)
        label = get("label") or iri.rsplit("/", 1)[-1]
        details = [label, get("heading"), _short(get("text") or "", 300) or None,
                   f"of {doc.rsplit(ELI_PATH, 1)[-1]}" if provision else None]
    else:
        full = get("name") or iri.rsplit("/", 1)[-1]
        label = _short(str(full), 60)
        details = [str(full), f"({get('abbreviation')})" if get("abbreviation") else None, KIND_STYLE[kind][0]]
    return str(label), tuple(str(d) for d in details if d)


def _parent_label(iri: str) -> str:
    m = re.search(r"/phu_luc_(\w+)/", iri)
    return f"Phụ lục {_roman(m[1])}" if m else "Phụ lục"


_ROMAN = ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"), (50, "L"), (40, "XL"),
          (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"))


def _roman(n: str) -> str:
    """An annex number as its label writes it ('2' -> 'II'); Roman numerals stop at 3999, so a number past
    them (or 0) stays arabic, and a part that is no number is upper-cased ('2a' -> '2A')."""
    val = ascii_int(n)
    if val is None or not 0 < val < 4000:
        return n.upper()
    out = []
    for v, s in _ROMAN:
        count, val = divmod(val, v)
        out.append(s * count)
    return "".join(out)


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
    m = re.search(r"/id/([^/]+)/([^/]+)$", iri)
    if m and m[1] in VIZ_PATHS:
        return f"/viz/{VIZ_PATHS[m[1]]}/{m[2]}"
    return f"/viz?iri={quote(iri, safe='')}"


def neighbourhood(store: Store, start: str, depth: int = 1, cap: int = DEFAULT_CAP,
                  mentions: bool = False) -> VizGraph:
    """graph.neighbourhood's walk around `start` (`depth` hops, at most `cap` nodes; `mentions` adds the weak
    cc:mentions links), labelled for a graph page."""
    found = walk_neighbourhood(store, start, depth, cap, mentions)
    labels = relation_labels()
    return VizGraph(start=found.start, depth=found.depth, cap=found.cap, mentions=found.mentions, cut=found.cut,
                    omitted=found.omitted, nodes=[_viz_node(n) for n in found.nodes],
                    edges=[VizEdge(e.source, e.target, e.relation, (labels.get(e.relation) or (None, None))[0], e.quotes)
                           for e in found.edges])


def describe(store: Store, iri: str) -> VizNode | None:
    """One node on its own (kind, label, details, paths), or None if the store says nothing about it."""
    node = describe_node(store, iri)
    return None if node is None else _viz_node(node)


def _viz_node(n: Node) -> VizNode:
    label, details = _label_and_details(n.iri, n.kind, n.facts)
    return VizNode(n.iri, n.kind, label, details, api_path(n.iri, n.kind), viz_path(n.iri, n.kind), n.depth)


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
            opts["size"] = 22 if start else (14 if n.kind in (*ROW_KINDS, "provision") else 18)
        if start:
            opts["font"]["multi"] = "html"
            opts["label"] = f"<b>{html.escape(n.label, quote=False)}</b>"
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
    counts = Counter(n.kind for n in graph.nodes)
    return [{"kind": k, "label": s[0], "shape": s[1], "background": s[2], "border": s[3], "count": counts[k]}
            for k, s in KIND_STYLE.items() if counts[k]]


def edge_legend(graph: VizGraph) -> list[dict[str, Any]]:
    """Legend rows for the relation kinds present (kind, Vietnamese label, colour, dashed, count)."""
    counts = Counter(e.relation for e in graph.edges)
    labels = relation_labels()
    rows = []
    for rel in sorted(counts, key=lambda r: (relation_order(r), r)):
        colour, dashed = _EDGE_STYLE.get(rel, ("#909497", False))
        rows.append({"relation": rel, "label_vi": (labels.get(rel) or (None, None))[0], "colour": colour,
                     "dashed": dashed, "count": counts[rel]})
    return rows


def render_html(graph: VizGraph, title: str, depth_links: list[tuple[int, str]] | None = None,
                form_action: str = "", hidden: dict[str, str] | None = None, embedded: bool = False) -> str:
    """The offline page: pyvis's node/edge/option data in api/templates/viz.html, vis-network inlined.

    `depth_links` are (depth, relative href) for the depth control; `hidden` are extra form fields (iri=…);
    `embedded` drops the page chrome's height assumptions for a notebook iframe."""
    net = to_pyvis(graph)
    nodes, edges, _heading, _h, _w, options = net.get_network_data()
    js, css = _static()
    start = graph.node(graph.start)
    return PAGES.get_template("viz.html").render(
        title=title, graph=graph, start=start, nodes=nodes, edges=edges, options=json.loads(options),
        legend=legend(graph), edge_legend=edge_legend(graph), depth_links=depth_links or [],
        form_action=form_action, hidden=hidden or {}, vis_js=js, vis_css=css, embedded=embedded,
        max_depth=MAX_DEPTH, max_cap=MAX_CAP, kind_labels={k: v[0] for k, v in KIND_STYLE.items()},
    )
