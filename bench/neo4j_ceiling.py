"""How fast can any Bolt loader write this graph into Neo4j on this machine? A ceiling, side by side.

    python -m bench.neo4j_ceiling --size 10k [--writers 1,2]

Why: the Neo4j target is 3x rdflib-neo4j. This measures, in one run on fresh servers of the same
version and settings, (1) the peer, (2) our loader, (2b) our offline import (graph.neo4j_import, clock
until the started server answers with its indexes online), and (3) a minimal writer that sends the very
nodes and relationships our loader creates, prepared in advance (parsing, grouping, JSON, properties
all done before the clock starts), with nothing but `UNWIND … CREATE` of nodes (objects: `MERGE` on
`uri`, since hubs recur across chunks) and `CREATE` of relationships between returned ids, in
transactions of whole graphs like ours, from 1 and 2 concurrent sessions. No per-graph records, no
look-ups of existing nodes, no deletes: only what the server must do to hold the graph. If even that
is below 3x the peer, no transactional loader can reach the target here; what remains is the server's
own cost per record. Writes bench/results/neo4j_ceiling_<size>.json.
"""

from __future__ import annotations

import argparse
import threading
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

from bench.common import SIZES, corpus_dir, machine, write_result
from bench.store_load import load_ours, load_ours_import, load_peer, with_neo4j
from bench.synth import ensure, rdf_files


def _prepared(files: list[Path], tx_quads: int = 50_000) -> tuple[list[Any], int]:
    """Every chunk of every file as graph.neo4j_load prepares it (not timed)."""
    from graph import neo4j_mapping as nm
    from graph.neo4j_load import prepare

    chunks, quads = [], 0
    for f in files:
        by_graph = nm.parse(f)
        quads += sum(len(q) for q in by_graph.values())
        for chunk in nm.chunks_by_size(by_graph, tx_quads):
            chunks.append(prepare([nm.graph_data(g, by_graph[g]) for g in chunk]))
    return chunks, quads


def _write_minimal(tx: Any, prep: Any) -> None:
    """The chunk's nodes and relationships with the least work the server can be asked for."""
    from graph.neo4j_load import create_relationships
    from graph.neo4j_mapping import batches, cypher_name

    ids: dict[str, int] = {}
    by_labels: dict[tuple[str, ...], list[dict[str, Any]]] = defaultdict(list)
    for labels, props in prep.fresh.values():
        by_labels[tuple(labels)].append(props)
    for labels, rows in by_labels.items():
        query = ("UNWIND $rows AS r MERGE (n:Resource {uri: r.uri}) SET n = r"
                 + "".join(f" SET n:{cypher_name(x)}" for x in labels) + " RETURN collect([r.uri, id(n)]) AS ids")
        for batch in batches(rows):  # MERGE: a chunk's subject may be an earlier chunk's object (a hub)
            ids.update(tx.run(query, rows=batch).single(strict=True)["ids"])
    objects = sorted(prep.objects)
    for batch in batches(objects):
        ids.update(tx.run("UNWIND $us AS u MERGE (n:Resource {uri: u}) RETURN collect([u, id(n)]) AS ids",
                          us=batch).single(strict=True)["ids"])
    create_relationships(tx, [[ids[s], ids[o], t, props] for s, t, o, props in prep.rels])


def _ceiling(chunks: list[Any], quads: int, writers: int, data: Path) -> dict[str, Any]:
    def work(info: dict, _data: Path) -> dict[str, Any]:
        from graph.neo4j_store import Neo4jStore

        store = Neo4jStore(info["uri"], info["user"], info["password"])  # same schema as ours
        driver = store._driver  # noqa: SLF001
        todo = list(enumerate(chunks))
        lock, errors = threading.Lock(), []

        def run() -> None:
            while True:
                with lock:
                    if not todo:
                        return
                    _, prep = todo.pop(0)
                try:
                    with driver.session() as s:
                        s.execute_write(_write_minimal, prep)
                except Exception as exc:  # noqa: BLE001 - reported in the result
                    errors.append(f"{type(exc).__name__}: {exc}"[:300])
                    return

        t0 = time.perf_counter()
        threads = [threading.Thread(target=run) for _ in range(writers)]
        for th in threads:
            th.start()
        for th in threads:
            th.join()
        dt = time.perf_counter() - t0
        store.close()
        return {"writers": writers, "quads": quads, "seconds": round(dt, 2), "triples_s": round(quads / dt),
                "errors": errors[:3]}

    return with_neo4j(work, data)


def run(size: str, writers: list[int], peer_seconds: float) -> dict[str, Any]:
    d = corpus_dir(size)
    ensure(d, SIZES[size])
    files = rdf_files(d)
    work = d / "neo4j-ceiling"
    chunks, quads = _prepared(files)
    out: dict[str, Any] = {"machine": machine(), "size": size, "quads": quads,
                           "peer": load_peer(d, work, peer_seconds), "ours": load_ours(d, work),
                           "import": load_ours_import(d, work)}
    out["minimal"] = [_ceiling(chunks, quads, w, work) for w in writers]
    best = max(m["triples_s"] for m in out["minimal"])
    out["ceiling_vs_peer"] = round(best / out["peer"]["triples_s"], 2)
    out["ours_vs_peer"] = round(out["ours"]["triples_s"] / out["peer"]["triples_s"], 2)
    out["import_vs_peer"] = round(out["import"]["triples_s"] / out["peer"]["triples_s"], 2)
    write_result(f"neo4j_ceiling_{size}", out)
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--size", default="10k", choices=list(SIZES))
    ap.add_argument("--writers", default="1,2", help="concurrent sessions of the minimal writer, comma-separated")
    ap.add_argument("--peer-seconds", type=float, default=900)
    args = ap.parse_args(argv)
    r = run(args.size, [int(w) for w in args.writers.split(",")], args.peer_seconds)
    print(f"{r['size']}: peer {r['peer']['triples_s']:,}/s, ours {r['ours']['triples_s']:,}/s "
          f"({r['ours_vs_peer']}x), offline import {r['import']['triples_s']:,}/s ({r['import_vs_peer']}x), "
          "minimal writer " +
          ", ".join(f"{m['writers']} session(s) {m['triples_s']:,}/s" for m in r["minimal"]) +
          f" -> ceiling {r['ceiling_vs_peer']}x the peer")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
