"""The write side of graph.neo4j_store: RDF named graphs -> the neosemantics-style property graph.

Why its own module: loading is a pipeline (parse, group, prepare rows, write) with its own costs; what the
rows are (the mapping) is graph.neo4j_mapping, shared with the offline import and the reader.

Per file: a worker process parses the whole file and buckets its quads by graph (so a bad file writes
nothing), then turns chunks of whole graphs (up to `tx_quads` quads each) into rows and queues them, up
to `AHEAD` chunks ahead, while the caller writes each chunk in one transaction. A process, not a thread:
profiling showed a warm server busy for less than a third of the load, the rest being Python-side
parsing, grouping, JSON records and driver packing, which one interpreter runs on one core only.
"""

from __future__ import annotations

import gc
import json
import multiprocessing as mp
import queue
import re
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from neo4j import Driver
from neo4j.exceptions import AuthError, DriverError, Neo4jError, ServiceUnavailable, SessionExpired

from graph.neo4j_mapping import (MAPPING, GraphData, batches, chunks_by_size, cypher_name, graph_data, labels,
                                 local, native, node_row, parse, properties, record, record_json, rel_props, union, view)
from graph.store import LoadError, StoreUnavailable

AHEAD = 2  # chunks prepared ahead of the one being written


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
    """Worker process: put (graphs, quads) of the file, then each chunk's Prepared, then None; or a LoadError."""
    # No cyclic GC in this process: it builds millions of small containers and keeps them, and the collector,
    # triggered by allocation counts, rescans them over and over (parse + grouping measured 6.2 -> 3.1 µs a
    # quad). Nothing here makes reference cycles worth collecting, and the process ends with its file.
    gc.disable()
    try:
        by_graph = parse(Path(path))
        out.put((len(by_graph), sum(len(qs) for qs in by_graph.values())))
        for chunk in list(chunks_by_size(by_graph, tx_quads, tx_quads // 5)):  # listed: sent graphs are dropped
            out.put(prepare([graph_data(g, by_graph.pop(g)) for g in chunk]))
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


def _commit(driver: Driver, prep: Prepared, path: Path, done: int, total: int, uri: str, user: str,
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


@dataclass
class Prepared:
    """A chunk's rows, computed without the database (in the worker process, while a chunk is written)."""

    graphs: list[tuple[str, int]]  # (graph IRI, triples)
    records: dict[str, dict[str, str]]  # subject -> graph -> record JSON
    fresh: dict[str, list[Any]]  # subject -> [extra labels, properties] if its node is new (the common case)
    objects: set[str]  # edge targets that are no subject of the chunk
    rels: list[tuple[str, str, str, dict[str, Any]]]  # (subject, type, object, properties)


def prepare(chunk: list[GraphData]) -> Prepared:
    records: dict[str, dict[str, str]] = {}
    parsed: dict[str, dict[str, dict[str, list[Any]]]] = defaultdict(dict)  # the records before JSON
    for g in chunk:
        for s, per in g.contrib.items():
            rec = record(per)
            records.setdefault(s, {})[g.iri] = record_json(rec)
            parsed[s][g.iri] = rec
    rels = [(s, local(p), o, rel_props(g.iri, prov)) for g in chunk for (s, p, o), prov in g.edges.items()]
    objects = {o for g in chunk for (_, _, o) in g.edges} - records.keys()
    fresh = {s: node_row(s, recs) for s, recs in parsed.items()}
    return Prepared([(g.iri, g.triples) for g in chunk], records, fresh, objects, rels)


def create_relationships(tx: Any, rels: list[list[Any]]) -> None:
    """CREATE each [node id, node id, type, properties] relationship, one UNWIND query per (type, property keys):
    static types and keys, so each query is planned once (the loader and bench.neo4j_ceiling's minimal writer)."""
    by_type: dict[tuple[str, tuple[str, ...]], list[list[Any]]] = defaultdict(list)
    for a, b, t, props in rels:
        by_type[(t, tuple(props))].append([a, b, *props.values()])
    for (t, keys), rows in sorted(by_type.items()):
        sets = ", ".join(f"{cypher_name(k)}: r[{i + 2}]" for i, k in enumerate(keys))
        query = (f"UNWIND $rows AS r MATCH (a) WHERE id(a) = r[0] MATCH (b) WHERE id(b) = r[1] "
                 f"CREATE (a)-[:{cypher_name(t)} {{{sets}}}]->(b)")
        for batch in batches(rows):
            tx.run(query, rows=batch)


def _write_chunk(tx: Any, prep: Prepared) -> None:
    """Replace the chunk's graphs: drop what they said before, write what they say now, delete orphans.

    Touches only the chunk's statements: the per-graph records of the chunk's graphs (ASSERTS
    relationships), the nodes they name, and their relationships. A node's properties are the union over
    graphs, so a graph that only adds (a new one, or one saying the same again) merges into the node's
    current properties; only a node whose record from a replaced graph changed is recomputed from its
    records: cost grows with the graphs loaded, not with how many graphs cite a hub node. Nodes are written
    only when their properties or labels change. Each node is looked up once (by `uri`); relationships are
    then created between node ids, all types in one statement.
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
        for batch in batches(old_rows):
            old_objects.update(r["o"] for r in tx.run(
                "UNWIND $rows AS r MATCH (n:Resource {uri: r[0]})-[x]->(m) WHERE x.graph = r[1] "
                "WITH x, m.uri AS o DELETE x RETURN DISTINCT o", rows=batch))
        tx.run("UNWIND $gs AS g MATCH (:NamedGraph {iri: g})-[a:ASSERTS]->() DELETE a", gs=gs)
    subjects = sorted(set(old) | new.keys())
    objects = sorted(prep.objects - old.keys())
    ids: dict[str, int] = {}
    current: dict[str, tuple[set[str], dict[str, Any]]] = {}
    for batch in batches(subjects):
        for r in tx.run("UNWIND $us AS u MATCH (n:Resource {uri: u}) RETURN u, id(n) AS i, labels(n) AS l, "
                        "properties(n) AS p", us=batch):
            ids[r["u"]] = r["i"]
            current[r["u"]] = (set(r["l"]), r["p"])
    for batch in batches(objects):
        ids.update((r["u"], r["i"]) for r in tx.run("UNWIND $us AS u MATCH (n:Resource {uri: u}) RETURN u, id(n) AS i",
                                                    us=batch))
    recompute = sorted(s for s in old if old[s] != new.get(s, {}))  # a replaced graph now says something else
    others: dict[str, dict[str, dict[str, list[Any]]]] = defaultdict(dict)
    for batch in batches(recompute):
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
        props_before = {k: native(v) for k, v in props_before.items()}
        if s in old:  # recompute from every graph's record
            every = {**others.get(s, {}), **recs}
            node_labels, props = labels(every.values()), properties(s, every.values())
            if every:  # a node no graph asserts any more has no view, as if only ever referenced
                props["_view"] = view(every.get(s), union(every.values()))
        else:  # only adding: merge into what the node has
            own, union_before = json.loads(props_before["_view"]) if "_view" in props_before else (None, {})
            node_labels, props = labels_before | labels(recs.values()), properties(s, recs.values(), props_before)
            props["_view"] = view(recs.get(s, own), union([union_before, *recs.values()]))
        if node_labels != labels_before or props != props_before:
            updates.append([ids[s], props, sorted(node_labels - labels_before), sorted(labels_before - node_labels)])
    creates += [[[], {"uri": o}] for o in objects if o not in ids]  # objects no graph says anything about yet
    by_labels: dict[tuple[str, ...], list[dict[str, Any]]] = defaultdict(list)
    for node_labels, props in creates:
        by_labels[tuple(node_labels)].append(props)
    for node_labels, rows in sorted(by_labels.items()):  # static labels: planned once per label set
        query = ("UNWIND $rows AS r CREATE (n:Resource" + "".join(f":{cypher_name(x)}" for x in node_labels) + ") "
                 "SET n = r RETURN collect([r.uri, id(n)]) AS ids")  # one record, not one per node
        for batch in batches(rows):
            ids.update(tx.run(query, rows=batch).single(strict=True)["ids"])
    for batch in batches(updates):
        tx.run("UNWIND $rows AS r MATCH (n) WHERE id(n) = r[0] SET n = r[1] SET n:$(r[2]) REMOVE n:$(r[3])",
               rows=batch)
    gids = {r["g"]: r["i"] for r in tx.run(
        "UNWIND $rows AS r MERGE (x:NamedGraph {iri: r[0]}) SET x.triples = r[1], x.mapping = $m "
        "RETURN r[0] AS g, id(x) AS i", rows=[list(g) for g in chunk], m=MAPPING)}
    rels: list[list[Any]] = [[gids[g], ids[s], "ASSERTS", {"src": src}] for s, per in new.items() for g, src in per.items()]
    rels += [[ids[s], ids[o], t, props] for s, t, o, props in prep.rels]
    create_relationships(tx, rels)
    gone = sorted(set(old) | old_objects)
    for batch in batches(gone):  # nodes no graph asserts or references any more
        tx.run("UNWIND $us AS u MATCH (n:Resource {uri: u}) WHERE NOT (n)--() DELETE n", us=batch)


