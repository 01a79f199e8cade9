"""The write side of graph.neo4j_store: RDF named graphs -> the neosemantics-style property graph.

Why its own module: loading is a pipeline (parse, group, prepare rows, write) with its own costs, while
the store's read side only needs the mapping helpers (`_compact`, `_local`) defined here.

Per file: a worker process parses the whole file and buckets its quads by graph (so a bad file writes
nothing), then turns chunks of whole graphs (up to `tx_quads` quads each) into rows and queues them, up
to `AHEAD` chunks ahead, while the caller writes each chunk in one transaction. A process, not a thread:
profiling showed a warm server busy for less than a third of the load, the rest being Python-side
parsing, grouping, JSON records and driver packing, which one interpreter runs on one core only.
"""

from __future__ import annotations

import datetime as dt
import gc
import json
import multiprocessing as mp
import queue
import re
from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import product
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

import orjson
import pyoxigraph as ox
from neo4j import Driver
from neo4j.exceptions import AuthError, DriverError, Neo4jError, ServiceUnavailable, SessionExpired

from graph import own_facts
from graph.rdf_files import read_quads
from graph.store import LoadError, StoreUnavailable

CC = "https://w3id.org/cancu/ontology#"
ELI = "http://data.europa.eu/eli/ontology#"
XSD = "http://www.w3.org/2001/XMLSchema#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
PREFIXES = {"cc": CC, "eli": ELI, "skos": "http://www.w3.org/2004/02/skos/core#", "org": "http://www.w3.org/ns/org#",
            "prov": "http://www.w3.org/ns/prov#", "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
            "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#", "dcterms": "http://purl.org/dc/terms/"}
INT_TYPES = {XSD + t for t in ("integer", "int", "long", "short", "byte", "nonNegativeInteger", "positiveInteger",
                               "negativeInteger", "nonPositiveInteger", "unsignedInt", "unsignedLong", "gYear")}
IRI_AS_PROPERTY = {CC + "linkRelation"}  # objects are vocabulary terms, not things worth a node
RESERVED = {"uri", "graphs", "_src", "_view"}
MAPPING = 2  # what the loader writes; bump on change: Neo4jStore refuses graphs written by another mapping
BATCH = 10_000  # rows per UNWIND
AHEAD = 2  # chunks prepared ahead of the one being written
_INTEGER = re.compile(r"-?(0|[1-9]\d*)")


@dataclass
class _GraphData:
    """What one named graph asserts, ready to write: per-subject contributions and edges with provenance."""

    iri: str
    triples: int = 0
    contrib: dict[str, dict[str, list[Any]]] = field(default_factory=lambda: defaultdict(lambda: defaultdict(list)))
    edges: dict[tuple[str, str, str], list[tuple[str, str, int, int]]] = field(default_factory=dict)


def one_line(exc: BaseException) -> str:
    """A driver error as one short line (the driver's messages span lines and repeat GQL boilerplate)."""
    msg = exc.message if isinstance(exc, Neo4jError) and exc.message else str(exc)
    return re.sub(r"\s+", " ", msg).strip()[:300] or type(exc).__name__


def load(driver: Driver, path: Path, *, uri: str, user: str, database: str | None = None, tx_quads: int = 50_000,
         progress: Callable[[int, int], None] | None = None) -> int:
    """Load N-Quads/TriG, replacing each named graph in it (whole graphs per transaction); return quads read.

    `progress(graphs_done, graphs_total)` is called after each commit.
    """
    path = Path(path)
    rows: mp.Queue = _CTX.Queue(AHEAD)
    worker = _CTX.Process(target=_produce, args=(str(path), tx_quads, rows), daemon=True)
    worker.start()
    try:
        done, total, quads = 0, *_next(rows, worker)
        while (prep := _next(rows, worker)) is not None:
            done = _commit(driver, prep, path, done, total, uri, user, database, progress)
    finally:
        if worker.is_alive():  # the caller failed first: the rest of the file is not wanted
            worker.kill()
        worker.join()
        rows.close()
    return quads


# fork: starts in milliseconds and, unlike spawn/forkserver, does not re-run the caller's __main__ (the CLI,
# the API server) in the worker; safe here since the worker touches none of the caller's locks or connections.
_CTX = mp.get_context("fork")


def _produce(path: str, tx_quads: int, out: mp.Queue) -> None:
    """Worker process: put (graphs, quads) of the file, then each chunk's _Prepared, then None; or a LoadError."""
    # No cyclic GC in this process: it builds millions of small containers and keeps them, and the collector,
    # triggered by allocation counts, rescans them over and over (parse + grouping measured 6.2 -> 3.1 µs a
    # quad). Nothing here makes reference cycles worth collecting, and the process ends with its file.
    gc.disable()
    try:
        by_graph = _parse(Path(path))
        out.put((len(by_graph), sum(len(qs) for qs in by_graph.values())))
        for chunk in list(_chunks_by_size(by_graph, tx_quads, tx_quads // 5)):  # listed: sent graphs are dropped
            out.put(_prepare([_graph_data(g, by_graph.pop(g)) for g in chunk]))
        out.put(None)
    except LoadError as exc:
        out.put(exc)
    except Exception as exc:  # noqa: BLE001 - a bug: surfaces in the caller, not a silent dead worker
        out.put(RuntimeError(f"{path}: loader worker failed: {type(exc).__name__}: {exc}"))


def _next(rows: mp.Queue, worker: Any) -> Any:
    """The worker's next item; its error raised here, as is its death without one."""
    while True:
        try:
            item = rows.get(timeout=1.0)
        except queue.Empty:
            if not worker.is_alive() and rows.empty():
                raise RuntimeError(f"loader worker exited with code {worker.exitcode} before finishing") from None
            continue
        if isinstance(item, Exception):
            raise item
        return item


def _commit(driver: Driver, prep: _Prepared, path: Path, done: int, total: int, uri: str, user: str,
            database: str | None, progress: Callable[[int, int], None] | None) -> int:
    """Write one prepared chunk in one transaction; return graphs done (errors name the file and what was committed)."""
    try:
        with driver.session(database=database) as session:
            with session.begin_transaction() as tx:
                _write_chunk(tx, prep)
                tx.commit()
    except (ServiceUnavailable, SessionExpired, OSError, DriverError) as exc:
        raise StoreUnavailable(
            f"lost Neo4j at {uri} while loading {path}: {done} of {total} graphs committed, none "
            f"half-written; re-run the load to finish ({one_line(exc)})") from None
    except AuthError as exc:
        raise StoreUnavailable(f"Neo4j at {uri} refused user {user!r}: {one_line(exc)}") from None
    except Neo4jError as exc:
        raise LoadError(f"{path}: Neo4j rejected graph {prep.graphs[0][0]}: {one_line(exc)}") from None
    done += len(prep.graphs)
    if progress:
        progress(done, total)
    return done


@lru_cache(maxsize=4096)
def _compact(iri: str) -> str:
    for prefix, ns in PREFIXES.items():
        if iri.startswith(ns) and len(iri) > len(ns):
            return f"{prefix}:{iri[len(ns):]}"
    return iri


@lru_cache(maxsize=4096)
def _local(iri: str) -> str:
    name = re.split(r"[#/:]", iri.rstrip("/#"))[-1] or iri
    return name + "_" if name in RESERVED else name


def _parse(path: Path) -> dict[str, set[ox.Quad]]:
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
    if dtype in INT_TYPES and _INTEGER.fullmatch(lex):
        return int(lex)
    if dtype == XSD + "date":
        return {"@d": lex}
    return lex


def _graph_data(g: str, quads: set[ox.Quad]) -> _GraphData:
    """One graph's quads as per-subject literal contributions and edges (hot loop: dispatch on exact types)."""
    data = _GraphData(g, len(quads))
    contrib, edges = data.contrib, data.edges
    objects: dict[tuple[str, str], list[str]] = defaultdict(list)
    named, literal = ox.NamedNode, ox.Literal
    for q in quads:
        s, p, o = q.subject, q.predicate.value, q.object
        s = s.value if type(s) is named else _node(s, g)
        if type(o) is literal:
            contrib[s][_compact(p)].append(_value(o))
            continue
        o = o.value if type(o) is named else _node(o, g)
        if p == RDF_TYPE:
            contrib[s]["@type"].append(o)
        elif p in IRI_AS_PROPERTY:
            contrib[s][_compact(p)].append({"@id": o})
        else:
            edges[(s, p, o)] = []
            objects[(s, p)].append(o)
    _attach_provenance(data, objects)
    return data


def _attach_provenance(data: _GraphData, objects: dict[tuple[str, str], list[str]]) -> None:
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


def _chunks_by_size(by_graph: dict[str, set[ox.Quad]], limit: int, first: int | None = None) -> Iterator[list[str]]:
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


def _labels(records: Iterable[dict[str, list[Any]]]) -> set[str]:
    return {"Resource"} | {_local(t) for per in records for t in per.get("@type", [])}


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
        return (2, v.get("@d") or v.get("@id") or "")
    return (0, v, "") if isinstance(v, int) else (1, v)


def _cypher_name(name: str) -> str:
    return "`" + name.replace("`", "``") + "`"


def _native(v: Any) -> Any:
    """A property value read back from Neo4j as the loader's Python value (neo4j DATE -> datetime.date)."""
    if isinstance(v, list):
        return [_native(x) for x in v]
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
                merged[_local(key)].extend([_prop_value(v) if type(v) is dict else v for v in values])


def _properties(uri: str, records: Iterable[dict[str, list[Any]]]) -> dict[str, Any]:
    """The node's property map from the per-graph records: the union over graphs (see _finish)."""
    merged: dict[str, list[Any]] = defaultdict(list)
    _add_records(merged, records)
    return _finish(uri, merged)


def _merged_properties(uri: str, current: dict[str, Any], records: Iterable[dict[str, list[Any]]]) -> dict[str, Any]:
    """`current` (the node's properties, i.e. _properties over the graphs already stored) plus more records.

    Equal to _properties over all records: union, de-duplication and lexical fallback are idempotent.
    """
    merged: dict[str, list[Any]] = defaultdict(list)
    for key, value in current.items():
        if key not in RESERVED:
            merged[key].extend(value if isinstance(value, list) else [value])
    _add_records(merged, records)
    return _finish(uri, merged)


def _view_id(v: Any) -> Any:
    return tuple(v.items()) if type(v) is dict else v


def _view_order(v: Any) -> tuple:
    return (*_value_key(v), "@d" in v) if type(v) is dict else _value_key(v)


def _union(recs: Iterable[dict[str, list[Any]]]) -> dict[str, list[Any]]:
    """Per key, the distinct values of all records, in one stable order (so arrival order leaves no trace)."""
    merged: dict[str, dict[Any, Any]] = defaultdict(dict)
    for rec in recs:
        for key, values in rec.items():
            seen = merged[key]
            for v in values:
                seen[_view_id(v)] = v
    return {k: sorted(vals.values(), key=_view_order) for k, vals in sorted(merged.items())}


def _view(own: dict[str, list[Any]] | None, union: dict[str, list[Any]]) -> str:
    """The node's `_view`: [what its own graph says (or null), the union of what all graphs say], as JSON.

    Why: every answer rule (own graph wins, else the smallest value; the union for lists and types) needs
    only these two records, so readers take one property instead of one ASSERTS record per graph (a hub
    cited by thousands of documents has thousands). The union follows graph.own_facts: an ingested
    document's descriptive keys are its own graph's alone; a document known only from citations has one
    canonical value per descriptive key (other titles as skos:altLabel). Applying it again to a union of
    resolved unions gives the same (the loader merges views that way).
    """
    return _record_json([own, _own_facts(own, union)])  # type: ignore[arg-type]


_DESCRIPTIVE_KEYS = {("@type" if p == own_facts.RDF_TYPE else _compact(p)): p for p in own_facts.DESCRIPTIVE}


def _own_facts(own: dict[str, list[Any]] | None, union: dict[str, list[Any]]) -> dict[str, list[Any]]:
    """graph.own_facts on a record keyed by compacted predicates (a document node's only: others unchanged)."""
    if own_facts.LEGAL_DOCUMENT not in union.get("@type", ()):
        return union
    if own and own.get(_compact(own_facts.SOURCE_FILE)):
        return _rekey(own_facts.only_own(_iris(own), _iris(union)))
    return _rekey(own_facts.resolve_stub(_iris(union), _lexical_value))


def _iris(rec: dict[str, list[Any]]) -> dict[str, list[Any]]:
    """A record with its descriptive keys as full IRIs (what graph.own_facts speaks)."""
    return {_DESCRIPTIVE_KEYS.get(k, k): v for k, v in rec.items()}


def _rekey(rec: dict[str, list[Any]]) -> dict[str, list[Any]]:
    back = {iri: key for key, iri in _DESCRIPTIVE_KEYS.items()}
    return {k2: sorted(v, key=_view_order) for k, v in rec.items() for k2 in [back.get(k, k)]}


def _lexical_value(v: Any) -> str:
    return (v.get("@d") or v.get("@id") or "") if type(v) is dict else str(v)


def _record_json(per: dict[str, list[Any]]) -> str:
    """Canonical JSON (sorted keys, compact, UTF-8), so equal records compare equal as text.

    orjson is several times faster; json covers what orjson rejects (ints past 64 bits, lone surrogates).
    """
    try:
        return orjson.dumps(per, option=orjson.OPT_SORT_KEYS).decode()
    except (orjson.JSONEncodeError, UnicodeDecodeError):
        return json.dumps(per, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


@dataclass
class _Prepared:
    """A chunk's rows, computed without the database (in the worker process, while a chunk is written)."""

    graphs: list[tuple[str, int]]  # (graph IRI, triples)
    records: dict[str, dict[str, str]]  # subject -> graph -> record JSON
    fresh: dict[str, list[Any]]  # subject -> [extra labels, properties] if its node is new (the common case)
    objects: set[str]  # edge targets that are no subject of the chunk
    rels: list[tuple[str, str, str, dict[str, Any]]]  # (subject, type, object, properties)


def _record(per: dict[str, list[Any]]) -> dict[str, list[Any]]:
    """One graph's contribution to one node, values in a stable order (its JSON is the ASSERTS `src`)."""
    return {k: v if len(v) == 1 else sorted(v, key=_value_key) for k, v in per.items()}


def _rel_props(graph: str, prov: list[tuple[str, str, int, int]]) -> dict[str, Any]:
    """A relationship's properties: its graph, and its provenance as parallel sorted lists if it has any."""
    props: dict[str, Any] = {"graph": graph}
    if prov:
        prov = sorted(set(prov), key=lambda x: (x[2], x[0], x[1], x[3]))
        props.update(provision=[x[0] for x in prov], quote=[x[1] for x in prov],
                     start=[x[2] for x in prov], end=[x[3] for x in prov])
    return props


def _node_row(s: str, recs: dict[str, dict[str, list[Any]]]) -> list[Any]:
    """[extra labels, properties] of node `s` from every graph's record about it (graph IRI -> record)."""
    if len(recs) == 1:  # the common case, made cheap: one graph, one value per key but types, no two keys alike
        ((g, rec),) = recs.items()
        if all(len(v) == 1 or k == "@type" for k, v in rec.items()):  # a record's types are distinct and sorted
            props: dict[str, Any] = {"uri": s}
            for key, values in rec.items():
                if key != "@type":
                    name, v = _local(key), values[0]
                    if name in props:
                        break  # two predicates with one local name: merged by the general rule below
                    props[name] = _prop_value(v) if type(v) is dict else v
            else:  # the union of one record is that record (_record_json sorts the keys)
                labels = {_local(t) for t in rec.get("@type", ())} - {"Resource"}
                return [sorted(labels), {**props, "_view": _view(rec if g == s else None, rec)}]
    return [sorted(_labels(recs.values()) - {"Resource"}),
            {**_properties(s, recs.values()), "_view": _view(recs.get(s), _union(recs.values()))}]


def _prepare(chunk: list[_GraphData]) -> _Prepared:
    records: dict[str, dict[str, str]] = {}
    parsed: dict[str, dict[str, dict[str, list[Any]]]] = defaultdict(dict)  # the records before JSON
    for g in chunk:
        for s, per in g.contrib.items():
            rec = _record(per)
            records.setdefault(s, {})[g.iri] = _record_json(rec)
            parsed[s][g.iri] = rec
    rels = [(s, _local(p), o, _rel_props(g.iri, prov)) for g in chunk for (s, p, o), prov in g.edges.items()]
    objects = {o for g in chunk for (_, _, o) in g.edges} - records.keys()
    fresh = {s: _node_row(s, recs) for s, recs in parsed.items()}
    return _Prepared([(g.iri, g.triples) for g in chunk], records, fresh, objects, rels)


def _write_chunk(tx: Any, prep: _Prepared) -> None:
    """Replace the chunk's graphs: drop what they said before, write what they say now, delete orphans.

    Touches only the chunk's statements: the per-graph records of the chunk's graphs (ASSERTS
    relationships), the nodes they name, and their relationships. A node's properties are the union over
    graphs, so a graph that only adds (a new one, or one saying the same again) merges into the node's
    current properties; only a node whose record from a replaced graph changed is recomputed from its
    records. Nodes are written only when their properties or labels change. Each node is looked up once
    (by `uri`); relationships are then created between node ids, all types in one statement.
    """
    chunk, new = prep.graphs, prep.records
    gs = [g for g, _ in chunk]
    old: dict[str, dict[str, str]] = defaultdict(dict)  # subject -> graph -> record JSON (chunk graphs only)
    for r in tx.run("UNWIND $gs AS g MATCH (:NamedGraph {iri: g})-[a:ASSERTS]->(n:Resource) "
                    "RETURN g, n.uri AS u, a.src AS src", gs=gs):
        old[r["u"]][r["g"]] = r["src"]
    old_objects: set[str] = set()
    if old:
        old_rows = [[u, g] for u, per in old.items() for g in per]
        for batch in _batches(old_rows):
            old_objects.update(r["o"] for r in tx.run(
                "UNWIND $rows AS r MATCH (n:Resource {uri: r[0]})-[x]->(m) WHERE x.graph = r[1] "
                "WITH x, m.uri AS o DELETE x RETURN DISTINCT o", rows=batch))
        tx.run("UNWIND $gs AS g MATCH (:NamedGraph {iri: g})-[a:ASSERTS]->() DELETE a", gs=gs)
    subjects = sorted(set(old) | new.keys())
    objects = sorted(prep.objects - old.keys())
    ids: dict[str, int] = {}
    current: dict[str, tuple[set[str], dict[str, Any]]] = {}
    for batch in _batches(subjects):
        for r in tx.run("UNWIND $us AS u MATCH (n:Resource {uri: u}) RETURN u, id(n) AS i, labels(n) AS l, "
                        "properties(n) AS p", us=batch):
            ids[r["u"]] = r["i"]
            current[r["u"]] = (set(r["l"]), r["p"])
    for batch in _batches(objects):
        ids.update((r["u"], r["i"]) for r in tx.run("UNWIND $us AS u MATCH (n:Resource {uri: u}) RETURN u, id(n) AS i",
                                                    us=batch))
    recompute = sorted(s for s in old if old[s] != new.get(s, {}))  # a replaced graph now says something else
    others: dict[str, dict[str, dict[str, list[Any]]]] = defaultdict(dict)
    for batch in _batches(recompute):
        for r in tx.run("UNWIND $us AS u MATCH (n:Resource {uri: u})<-[a:ASSERTS]-(g:NamedGraph) "
                        "RETURN u, g.iri AS g, a.src AS src", us=batch):  # the chunk's records were deleted above
            others[r["u"]][r["g"]] = json.loads(r["src"])
    creates: list[list[Any]] = []
    updates: list[list[Any]] = []
    for s in subjects:
        if s in old and old[s] == new.get(s, {}):
            continue  # same records as before: same properties and labels
        if s not in current:  # then the chunk asserts it (a node of an old record exists)
            creates.append(prep.fresh[s])
            continue
        recs = {g: json.loads(src) for g, src in new.get(s, {}).items()}  # nodes already stored: rare on a fresh load
        labels_before, props_before = current[s]
        props_before = {k: _native(v) for k, v in props_before.items()}
        if s in old:  # recompute from every graph's record
            every = {**others.get(s, {}), **recs}
            labels, props = _labels(every.values()), _properties(s, every.values())
            if every:  # a node no graph asserts any more has no view, as if only ever referenced
                props["_view"] = _view(every.get(s), _union(every.values()))
        else:  # only adding: merge into what the node has
            own, union = json.loads(props_before["_view"]) if "_view" in props_before else (None, {})
            labels, props = labels_before | _labels(recs.values()), _merged_properties(s, props_before, recs.values())
            props["_view"] = _view(recs.get(s, own), _union([union, *recs.values()]))
        if labels != labels_before or props != props_before:
            updates.append([ids[s], props, sorted(labels - labels_before), sorted(labels_before - labels)])
    creates += [[[], {"uri": o}] for o in objects if o not in ids]  # objects no graph says anything about yet
    by_labels: dict[tuple[str, ...], list[dict[str, Any]]] = defaultdict(list)
    for labels, props in creates:
        by_labels[tuple(labels)].append(props)
    for labels, rows in sorted(by_labels.items()):  # static labels: planned once per label set
        query = ("UNWIND $rows AS r CREATE (n:Resource" + "".join(f":{_cypher_name(x)}" for x in labels) + ") "
                 "SET n = r RETURN collect([r.uri, id(n)]) AS ids")  # one record, not one per node
        for batch in _batches(rows):
            ids.update(tx.run(query, rows=batch).single(strict=True)["ids"])
    for batch in _batches(updates):
        tx.run("UNWIND $rows AS r MATCH (n) WHERE id(n) = r[0] SET n = r[1] SET n:$(r[2]) REMOVE n:$(r[3])",
               rows=batch)
    gids = {r["g"]: r["i"] for r in tx.run(
        "UNWIND $rows AS r MERGE (x:NamedGraph {iri: r[0]}) SET x.triples = r[1], x.mapping = $m "
        "RETURN r[0] AS g, id(x) AS i", rows=[list(g) for g in chunk], m=MAPPING)}
    rels: list[list[Any]] = [[gids[g], ids[s], "ASSERTS", {"src": src}] for s, per in new.items() for g, src in per.items()]
    rels += [[ids[s], ids[o], t, props] for s, t, o, props in prep.rels]
    by_type: dict[tuple[str, tuple[str, ...]], list[list[Any]]] = defaultdict(list)
    for a, b, t, props in rels:
        keys = tuple(props)
        by_type[(t, keys)].append([a, b, *props.values()])
    for (t, keys), rows in sorted(by_type.items()):  # static types and property keys: planned once
        sets = ", ".join(f"{_cypher_name(k)}: r[{i + 2}]" for i, k in enumerate(keys))
        query = (f"UNWIND $rows AS r MATCH (a) WHERE id(a) = r[0] MATCH (b) WHERE id(b) = r[1] "
                 f"CREATE (a)-[:{_cypher_name(t)} {{{sets}}}]->(b)")
        for batch in _batches(rows):
            tx.run(query, rows=batch)
    gone = sorted(set(old) | old_objects)
    for batch in _batches(gone):  # nodes no graph asserts or references any more
        tx.run("UNWIND $us AS u MATCH (n:Resource {uri: u}) WHERE NOT (n)--() DELETE n", us=batch)


def _batches(rows: list[Any]) -> Iterator[list[Any]]:
    for i in range(0, len(rows), BATCH):
        yield rows[i:i + BATCH]
