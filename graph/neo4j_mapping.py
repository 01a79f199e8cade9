"""The mapping from RDF named graphs to the neosemantics-style property graph, shared by the online loader
(graph.neo4j_load), the offline import (graph.neo4j_import), the reader (graph.neo4j_store) and bench/.

No database here: parsing a file into graphs, a graph into per-subject records and edges with provenance,
records into a node's labels, properties and `_view`, and the names Cypher sees. Change what is written,
bump MAPPING: Neo4jStore refuses graphs written by another mapping.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import product
from pathlib import Path
from typing import Any, Iterable, Iterator

import orjson
import pyoxigraph as ox

from cancu.registry import CC, ELI, ORG, PROV, RDF, RDF_TYPE, SKOS, XSD
from graph import own_facts
from graph.rdf_files import read_quads
from graph.shared import int_or_none
from graph.store import LoadError

PREFIXES = {"cc": CC, "eli": ELI, "skos": SKOS, "org": ORG, "prov": PROV, "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
            "rdf": RDF, "dcterms": "http://purl.org/dc/terms/"}
INT_TYPES = {XSD + t for t in ("integer", "int", "long", "short", "byte", "nonNegativeInteger", "positiveInteger",
                               "negativeInteger", "nonPositiveInteger", "unsignedInt", "unsignedLong", "gYear")}
IRI_AS_PROPERTY = {CC + "linkRelation"}  # objects are vocabulary terms, not things worth a node
RESERVED = {"uri", "graphs", "_src", "_view"}
MAPPING = 2  # what the loader writes; bump on change: Neo4jStore refuses graphs written by another mapping
BATCH = 10_000  # rows per UNWIND
_INTEGER = re.compile(r"-?(0|[1-9]\d*)")


@dataclass
class GraphData:
    """What one named graph asserts, ready to write: per-subject contributions and edges with provenance."""

    iri: str
    triples: int = 0
    contrib: dict[str, dict[str, list[Any]]] = field(default_factory=lambda: defaultdict(lambda: defaultdict(list)))
    edges: dict[tuple[str, str, str], list[tuple[str, str, int, int]]] = field(default_factory=dict)


@lru_cache(maxsize=4096)
def compact(iri: str) -> str:
    for prefix, ns in PREFIXES.items():
        if iri.startswith(ns) and len(iri) > len(ns):
            return f"{prefix}:{iri[len(ns):]}"
    return iri


@lru_cache(maxsize=4096)
def local(iri: str) -> str:
    name = re.split(r"[#/:]", iri.rstrip("/#"))[-1] or iri
    return name + "_" if name in RESERVED else name


def parse(path: Path) -> dict[str, set[ox.Quad]]:
    """The file's quads by graph IRI, sorted by graph (graph.rdf_files decides what a loadable file is;
    duplicates counted once)."""
    by_graph: dict[str, set[ox.Quad]] = defaultdict(set)
    for q in read_quads(path):
        by_graph[q.graph_name.value].add(q)
    return dict(sorted(by_graph.items()))


def _node(term: Any, graph: str) -> str:
    if isinstance(term, ox.NamedNode):
        return term.value
    if isinstance(term, ox.BlankNode):  # scoped to its graph, so re-loading the graph replaces it
        return f"{graph}#_:{term.value}"
    raise LoadError(f"unsupported term {term} (RDF-star triples cannot be loaded into Neo4j)")


def _value(lit: ox.Literal) -> Any:
    """A literal as a JSON value: int for canonical integers, {"@d"} for dates, else the lexical form."""
    dtype, lex = lit.datatype.value, lit.value
    if dtype in INT_TYPES and _INTEGER.fullmatch(lex) and (n := int_or_none(lex)) is not None:
        return n  # one Neo4j cannot hold stays text, which int_or_none reads as none again
    if dtype == XSD + "date":
        return {"@d": lex}
    return lex


def graph_data(g: str, quads: set[ox.Quad]) -> GraphData:
    """One graph's quads as per-subject literal contributions and edges (hot loop: dispatch on exact types)."""
    data = GraphData(g, len(quads))
    contrib, edges = data.contrib, data.edges
    objects: dict[tuple[str, str], list[str]] = defaultdict(list)
    named, literal = ox.NamedNode, ox.Literal
    for q in quads:
        s, p, o = q.subject, q.predicate.value, q.object
        s = s.value if type(s) is named else _node(s, g)
        if type(o) is literal:
            contrib[s][compact(p)].append(_value(o))
            continue
        o = o.value if type(o) is named else _node(o, g)
        if p == RDF_TYPE:
            contrib[s]["@type"].append(o)
        elif p in IRI_AS_PROPERTY:
            contrib[s][compact(p)].append({"@id": o})
        else:
            edges[(s, p, o)] = []
            objects[(s, p)].append(o)
    _attach_provenance(data, objects)
    return data


def _attach_provenance(data: GraphData, objects: dict[tuple[str, str], list[str]]) -> None:
    """Copy each cc:Link's (provision, quote, start, end) onto the direct edge it qualifies, in this graph."""
    for (s, p), links in list(objects.items()):
        if p != CC + "qualifiedLink":
            continue
        for link in links:
            props = data.contrib.get(link, {})
            rels = [v["@id"] for v in props.get("cc:linkRelation", [])]
            targets = objects.get((link, CC + "linkTarget"), [])
            provisions = objects.get((link, CC + "inProvision")) or [""]
            quotes = [str(v) for v in props.get("cc:quote", [])] or [""]
            starts = [v for v in props.get("cc:charStart", []) if isinstance(v, int)] or [-1]
            ends = [v for v in props.get("cc:charEnd", []) if isinstance(v, int)] or [-1]
            for rel, target in product(rels, targets):
                if (s, rel, target) in data.edges:
                    data.edges[(s, rel, target)].extend(product(provisions, quotes, starts, ends))


def chunks_by_size(by_graph: dict[str, set[ox.Quad]], limit: int, first: int | None = None) -> Iterator[list[str]]:
    """Graph IRIs in chunks of whole graphs of up to `limit` quads (a bigger graph alone); the first chunk up to
    `first` quads, so the writer, idle until then, starts sooner."""
    chunk: list[str] = []
    size = 0
    cap = limit if first is None else first
    for g, quads in by_graph.items():
        if chunk and size + len(quads) > cap:
            yield chunk
            chunk, size, cap = [], 0, limit
        chunk.append(g)
        size += len(quads)
    if chunk:
        yield chunk


def labels(records: Iterable[dict[str, list[Any]]]) -> set[str]:
    return {"Resource"} | {local(t) for per in records for t in per.get("@type", [])}


def _prop_value(v: Any) -> Any:
    if isinstance(v, dict):
        if "@d" in v:
            try:
                return dt.date.fromisoformat(v["@d"])
            except ValueError:
                return v["@d"]
        return v["@id"]
    return v


def _value_key(v: Any) -> tuple:
    """A cheap total order over the loader's JSON values (int, str, {"@d"}, {"@id"}) for stable _src records."""
    if isinstance(v, dict):
        return (2, lexical(v))
    return (0, v, "") if isinstance(v, int) else (1, v)


def cypher_name(name: str) -> str:
    return "`" + name.replace("`", "``") + "`"


def native(v: Any) -> Any:
    """A property value read back from Neo4j as the loader's Python value (neo4j DATE -> datetime.date)."""
    if isinstance(v, list):
        return [native(x) for x in v]
    return v.to_native() if hasattr(v, "to_native") else v


def _finish(uri: str, merged: dict[str, list[Any]]) -> dict[str, Any]:
    """One value as a scalar, several as a sorted list (homogeneous: mixed types become lexical strings)."""
    props: dict[str, Any] = {"uri": uri}
    for key, values in merged.items():
        if len(values) == 1:  # the common case
            props[key] = values[0]
            continue
        if not values:
            continue
        if len({type(v) for v in values}) > 1:  # Neo4j lists are homogeneous
            values = [v.isoformat() if isinstance(v, dt.date) else str(v) for v in values]
        uniq = sorted(set(values))
        props[key] = uniq[0] if len(uniq) == 1 else uniq
    return props


def _add_records(merged: dict[str, list[Any]], records: Iterable[dict[str, list[Any]]]) -> None:
    for per in records:
        for key, values in per.items():
            if key != "@type":
                merged[local(key)].extend([_prop_value(v) if type(v) is dict else v for v in values])


def properties(uri: str, records: Iterable[dict[str, list[Any]]],
               current: dict[str, Any] | None = None) -> dict[str, Any]:
    """The node's property map from the per-graph records: the union over graphs (see _finish), merged into
    `current` (the node's properties, i.e. properties over the graphs already stored) if given. That equals
    properties over all records: union, de-duplication and lexical fallback are idempotent."""
    merged: dict[str, list[Any]] = defaultdict(list)
    for key, value in (current or {}).items():
        if key not in RESERVED:
            merged[key].extend(value if isinstance(value, list) else [value])
    _add_records(merged, records)
    return _finish(uri, merged)


def _view_id(v: Any) -> Any:
    return tuple(v.items()) if type(v) is dict else v


def _view_order(v: Any) -> tuple:
    return (*_value_key(v), "@d" in v) if type(v) is dict else _value_key(v)


def union(recs: Iterable[dict[str, list[Any]]]) -> dict[str, list[Any]]:
    """Per key, the distinct values of all records, in one stable order (so arrival order leaves no trace)."""
    merged: dict[str, dict[Any, Any]] = defaultdict(dict)
    for rec in recs:
        for key, values in rec.items():
            seen = merged[key]
            for v in values:
                seen[_view_id(v)] = v
    return {k: sorted(vals.values(), key=_view_order) for k, vals in sorted(merged.items())}


def view(own: dict[str, list[Any]] | None, union: dict[str, list[Any]]) -> str:
    """The node's `_view`: [what its own graph says (or null), the union of what all graphs say], as JSON.

    Why: every answer rule (own graph wins, else the smallest value; the union for lists and types) needs
    only these two records, so readers take one property instead of one ASSERTS record per graph (a hub
    cited by thousands of documents has thousands). The union follows graph.own_facts: an ingested
    document's descriptive keys are its own graph's alone; a document known only from citations has one
    canonical value per descriptive key (other titles as skos:altLabel). Applying it again to a union of
    resolved unions gives the same (the loader merges views that way).
    """
    return record_json([own, own_view(own, union)])  # type: ignore[arg-type]


_DESCRIPTIVE_KEYS = {("@type" if p == own_facts.RDF_TYPE else compact(p)): p for p in own_facts.DESCRIPTIVE}


def own_view(own: dict[str, list[Any]] | None, union: dict[str, list[Any]]) -> dict[str, list[Any]]:
    """graph.own_facts on a record keyed by compacted predicates (a document node's only: others unchanged)."""
    if own_facts.LEGAL_DOCUMENT not in union.get("@type", ()):
        return union
    if own and own.get(compact(own_facts.SOURCE_FILE)):
        return _rekey(own_facts.only_own(_iris(own), _iris(union)))
    return _rekey(own_facts.resolve_stub(_iris(union), lexical))


def _iris(rec: dict[str, list[Any]]) -> dict[str, list[Any]]:
    """A record with its descriptive keys as full IRIs (what graph.own_facts speaks)."""
    return {_DESCRIPTIVE_KEYS.get(k, k): v for k, v in rec.items()}


def _rekey(rec: dict[str, list[Any]]) -> dict[str, list[Any]]:
    back = {iri: key for key, iri in _DESCRIPTIVE_KEYS.items()}
    return {k2: sorted(v, key=_view_order) for k, v in rec.items() for k2 in [back.get(k, k)]}


def lexical(v: Any) -> str:
    """A record value's lexical form (a date's or an IRI's text): what the own-facts rules compare."""
    return (v.get("@d") or v.get("@id") or "") if type(v) is dict else str(v)


def record_json(per: dict[str, list[Any]]) -> str:
    """Canonical JSON (sorted keys, compact, UTF-8), so equal records compare equal as text.

    orjson is several times faster; json covers what orjson rejects (ints past 64 bits, lone surrogates).
    """
    try:
        return orjson.dumps(per, option=orjson.OPT_SORT_KEYS).decode()
    except (orjson.JSONEncodeError, UnicodeDecodeError):
        return json.dumps(per, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def record(per: dict[str, list[Any]]) -> dict[str, list[Any]]:
    """One graph's contribution to one node, values in a stable order (its JSON is the ASSERTS `src`)."""
    return {k: v if len(v) == 1 else sorted(v, key=_value_key) for k, v in per.items()}


def rel_props(graph: str, prov: list[tuple[str, str, int, int]]) -> dict[str, Any]:
    """A relationship's properties: its graph, and its provenance as parallel sorted lists if it has any."""
    props: dict[str, Any] = {"graph": graph}
    if prov:
        prov = sorted(set(prov), key=lambda x: (x[2], x[0], x[1], x[3]))
        props.update(provision=[x[0] for x in prov], quote=[x[1] for x in prov],
                     start=[x[2] for x in prov], end=[x[3] for x in prov])
    return props


def node_row(s: str, recs: dict[str, dict[str, list[Any]]]) -> list[Any]:
    """[extra labels, properties] of node `s` from every graph's record about it (graph IRI -> record)."""
    if len(recs) == 1:  # the common case, made cheap: one graph, one value per key but types, no two keys alike
        ((g, rec),) = recs.items()
        if all(len(v) == 1 or k == "@type" for k, v in rec.items()):  # a record's types are distinct and sorted
            props: dict[str, Any] = {"uri": s}
            for key, values in rec.items():
                if key != "@type":
                    name, v = local(key), values[0]
                    if name in props:
                        break  # two predicates with one local name: merged by the general rule below
                    props[name] = _prop_value(v) if type(v) is dict else v
            else:  # the union of one record is that record (record_json sorts the keys)
                extra = {local(t) for t in rec.get("@type", ())} - {"Resource"}
                return [sorted(extra), {**props, "_view": view(rec if g == s else None, rec)}]
    return [sorted(labels(recs.values()) - {"Resource"}),
            {**properties(s, recs.values()), "_view": view(recs.get(s), union(recs.values()))}]


def batches(rows: list[Any]) -> Iterator[list[Any]]:
    for i in range(0, len(rows), BATCH):
        yield rows[i:i + BATCH]
