"""The Neo4j store against a real server: idempotent loads, exact graph replacement, stubs, faults."""

from __future__ import annotations

import json
import os
import signal
import threading
import time
from pathlib import Path

import pyoxigraph as ox
import pytest

from graph import neo4j_mapping
from graph.neo4j_store import Neo4jStore, Recent
from graph.store import LoadError, StoreUnavailable
from neo4j_server import start_server, stop_server, wipe

pytestmark = pytest.mark.neo4j

FIXTURES = Path(__file__).parent / "fixtures"
MINI, MINI_V2 = FIXTURES / "store-mini.nq", FIXTURES / "store-mini-v2.nq"
BASE = "http://127.0.0.1:8000"
D1 = f"{BASE}/eli/vn/qd/2024/9001/test"
D2 = f"{BASE}/eli/vn/nd/2023/12/test"
NQ2020 = f"{BASE}/eli/vn/nq/2020/50/test"
NQ2021 = f"{BASE}/eli/vn/nq/2021/50/test"
GAZ = f"{BASE}/graph/gazetteer"


def subset(tmp: Path, name: str, graphs: set[str], src: Path = MINI) -> Path:
    """Write the quads of `src` in `graphs` to tmp/name."""
    quads = [q for q in ox.parse(path=str(src), format=ox.RdfFormat.N_QUADS) if q.graph_name.value in graphs]
    out = tmp / name
    out.write_bytes(ox.serialize(quads, format=ox.RdfFormat.N_QUADS))
    return out


def dump(store: Neo4jStore) -> tuple[list[str], list[str]]:
    """Every node and relationship with labels and properties, as sorted strings (for exact comparisons)."""
    nodes = store.cypher_read("MATCH (n) RETURN labels(n) AS l, properties(n) AS p")
    rels = store.cypher_read("MATCH (a)-[r]->(b) RETURN a.uri AS a, type(r) AS t, b.uri AS b, properties(r) AS p")
    norm = [json.dumps({**n, "l": sorted(n["l"])}, sort_keys=True, default=str) for n in nodes]
    return sorted(norm), sorted(json.dumps(r, sort_keys=True, default=str) for r in rels)


def assert_views_follow_records(store: Neo4jStore) -> None:
    """Every node's `_view` is what its per-graph ASSERTS records give now: own graph's record and the union,
    under the own-facts rule (graph.own_facts)."""
    rows = store.cypher_read("MATCH (n:Resource) RETURN n.uri AS u, n._view AS v, "
                             "[(n)<-[a:ASSERTS]-(g:NamedGraph) | [g.iri, a.src]] AS recs")
    assert rows
    for r in rows:
        recs = {g: json.loads(src) for g, src in r["recs"]}
        own = recs.get(r["u"])
        expected = [own, neo4j_mapping.own_view(own, neo4j_mapping.union(recs.values()))] if recs else None
        assert (json.loads(r["v"]) if r["v"] else None) == expected, r["u"]


def test_load_twice_gives_same_counts(neo4j_store: Neo4jStore) -> None:
    assert neo4j_store.load(MINI) == 125
    first, snapshot = neo4j_store.counts(), dump(neo4j_store)
    assert neo4j_store.load(MINI) == 125
    assert neo4j_store.counts() == first
    assert dump(neo4j_store) == snapshot
    status = neo4j_store.status()
    assert (status.ok, status.documents, status.triples) == (True, 2, 125)


def test_status_counts_are_kept_for_their_seconds_and_counted_again_after_own_loads(
        neo4j_store: Neo4jStore, tmp_path: Path) -> None:
    kept = Neo4jStore(neo4j_store.uri, neo4j_store.user, neo4j_store._password, neo4j_store.database,
                      counts_seconds=3600)
    try:
        assert (kept.status().documents, kept.status().triples) == (0, 0)
        neo4j_store.load(MINI)  # another handle (another process, for this one): not counted before its time
        assert (neo4j_store.status().documents, neo4j_store.status().triples) == (2, 125)
        assert (kept.status().documents, kept.status().triples) == (0, 0)
        kept.load(subset(tmp_path, "one.nq", {D1}))  # its own load: counted again at once
        status = kept.status()
        assert status.ok and (status.documents, status.triples) == (2, 125)
    finally:
        kept.close()


def test_recent_is_computed_by_one_caller_while_the_others_take_the_last_value() -> None:
    calls: list[int] = []
    counting, release = threading.Event(), threading.Event()

    def compute() -> int:
        calls.append(1)
        if len(calls) == 2:
            counting.set()
            release.wait(10)
        if len(calls) == 3:
            raise RuntimeError("server gone")
        return len(calls)

    recent = Recent(compute, 3600)
    assert [recent.get() for _ in range(5)] == [1] * 5 and len(calls) == 1
    recent.forget()
    first = threading.Thread(target=recent.get)
    first.start()
    assert counting.wait(10)
    assert [recent.get() for _ in range(5)] == [1] * 5  # not waiting for the one counting
    release.set()
    first.join(10)
    assert recent.get() == 2 and len(calls) == 2
    recent.forget()
    with pytest.raises(RuntimeError):
        recent.get()
    assert recent.get() == 4  # the failure kept nothing
    assert [Recent(compute, 0).get() for _ in range(2)] == [5, 6]  # 0 s: computed on every call


def test_recent_does_not_keep_a_value_that_a_forget_overlapped() -> None:
    calls: list[int] = []

    def compute() -> int:
        calls.append(1)
        if len(calls) == 1:
            recent.forget()  # this handle's load ended while the count ran: the count may predate it
        return len(calls)

    recent = Recent(compute, 3600)
    assert recent.get() == 1  # its caller gets it
    assert [recent.get() for _ in range(3)] == [2] * 3  # but it was counted again, and that one kept


def test_mapping_follows_neosemantics(neo4j_store: Neo4jStore) -> None:
    neo4j_store.load(MINI)
    row = neo4j_store.cypher_read(
        "MATCH (d:Resource:LegalDocument:Decision {uri: $u}) RETURN d.number AS n, d.numberKey AS k, d.year AS y, "
        "d.date_document AS date, [(d)-[r:based_on]->(t) | [t.uri, r.graph, r.quote, r.start]] AS bases", {"u": D1})
    assert len(row) == 1
    assert (row[0]["n"], row[0]["k"], row[0]["y"], str(row[0]["date"])) == ("9001/QĐ-TEST", "9001/qd-test", 2024,
                                                                          "2024-03-01")
    bases = sorted(row[0]["bases"])
    assert bases[0][0] == f"{BASE}/eli/vn/luat/2015-06-19/thu-nghiem" and bases[0][1] == D1
    assert bases[0][2] == ["Căn cứ Luật Thử nghiệm ngày 19 tháng 6 năm 2015;"] and bases[0][3] == [120]
    alt = neo4j_store.cypher_read("MATCH (a:Agency) RETURN a.altLabel AS alt")
    assert alt == [{"alt": ["Bộ T.N.", "Bộ TN"]}]  # multi-valued literal -> sorted list


def test_replacing_one_graph_changes_only_its_statements(neo4j_store: Neo4jStore, tmp_path: Path) -> None:
    neo4j_store.load(MINI)
    d2_before = (neo4j_store.document(D2), neo4j_store.links_from(D2), neo4j_store.document(NQ2021))
    neo4j_store.load(MINI_V2)  # D1's graph only: new title, no more citation of 50/NQ-TEST (2020)
    d1 = neo4j_store.document(D1)
    assert d1 is not None and d1.title == "Quyết định phê duyệt Nền tảng thử nghiệm A (sửa đổi)"
    assert [r.relation for r in neo4j_store.links_from(D1)] == ["based_on", "based_on"]
    assert neo4j_store.document(NQ2020) is None  # its stub lived only in D1's graph
    assert neo4j_store.cypher_read("MATCH (n:Resource {uri: $u}) RETURN n", {"u": NQ2020}) == []
    assert (neo4j_store.document(D2), neo4j_store.links_from(D2), neo4j_store.document(NQ2021)) == d2_before
    assert_views_follow_records(neo4j_store)
    replaced = dump(neo4j_store)
    # Replacing a graph must leave exactly what a fresh load of the new data gives.
    fresh = subset(tmp_path, "fresh.nq", {D2, GAZ})
    wipe(neo4j_store)
    neo4j_store.load(fresh)
    neo4j_store.load(MINI_V2)
    assert dump(neo4j_store) == replaced


def test_stub_becomes_full_document_and_keeps_incoming_links(neo4j_store: Neo4jStore, tmp_path: Path) -> None:
    neo4j_store.load(subset(tmp_path, "d1.nq", {D1, GAZ}))
    stub = neo4j_store.document(D2)
    assert stub is not None and not stub.ingested and stub.issuer == "Chính phủ"
    incoming = neo4j_store.links_to(D2)
    assert [(r.source.iri, r.relation) for r in incoming] == [(D1, "based_on")]
    neo4j_store.load(subset(tmp_path, "d2.nq", {D2}))
    full = neo4j_store.document(D2)
    assert full is not None and full.ingested and full.issuer == "Chính phủ Thử nghiệm"  # own graph wins
    after = neo4j_store.links_to(D2)
    assert [(r.source.iri, r.relation, r.provenance) for r in after] == [
        (D1, "based_on", incoming[0].provenance)]
    assert neo4j_store.cypher_read("MATCH (n {uri: $u}) RETURN count(n) AS n", {"u": D2}) == [{"n": 1}]
    assert_views_follow_records(neo4j_store)
    in_pieces = dump(neo4j_store)
    wipe(neo4j_store)
    neo4j_store.load(MINI)
    assert dump(neo4j_store) == in_pieces  # order of arrival does not matter


def test_node_left_only_referenced_after_a_replace_is_as_if_never_asserted(neo4j_store: Neo4jStore,
                                                                            tmp_path: Path) -> None:
    """Graph A says what X is; graph B only points at X. When A is replaced by a version silent on X, X must be
    exactly the bare referenced node a fresh load gives (no leftover properties, labels or _view)."""
    x, a, b = f"{BASE}/eli/vn/qd/2024/9901/test", f"{BASE}/eli/vn/qd/2024/9902/test", f"{BASE}/eli/vn/qd/2024/9903/test"
    typ, cites = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type", "http://data.europa.eu/eli/ontology#cites"
    doc = "https://w3id.org/cancu/ontology#LegalDocument"
    graph_a = [f"<{a}> <{typ}> <{doc}> <{a}> .", f"<{x}> <{typ}> <{doc}> <{a}> .", f"<{a}> <{cites}> <{x}> <{a}> ."]
    graph_b = [f"<{b}> <{typ}> <{doc}> <{b}> .", f"<{b}> <{cites}> <{x}> <{b}> ."]
    a_silent = [f"<{a}> <{typ}> <{doc}> <{a}> ."]
    (first := tmp_path / "first.nq").write_text("\n".join(graph_a + graph_b) + "\n", encoding="utf-8")
    (second := tmp_path / "second.nq").write_text("\n".join(a_silent) + "\n", encoding="utf-8")
    (fresh := tmp_path / "fresh.nq").write_text("\n".join(a_silent + graph_b) + "\n", encoding="utf-8")
    neo4j_store.load(first)
    assert neo4j_store.document(x) is not None
    neo4j_store.load(second)
    assert neo4j_store.document(x) is None
    assert_views_follow_records(neo4j_store)
    replaced = dump(neo4j_store)
    wipe(neo4j_store)
    neo4j_store.load(fresh)
    assert dump(neo4j_store) == replaced


def test_database_of_another_loader_version_is_refused(neo4j_server, neo4j_store) -> None:  # type: ignore[no-untyped-def]
    neo4j_store.load(MINI)
    Neo4jStore(neo4j_server.uri, neo4j_server.user, neo4j_server.password).close()  # same version: opens
    neo4j_store._driver.execute_query("MATCH (g:NamedGraph {iri: $g}) REMOVE g.mapping", g=D1)  # as the old loader wrote
    try:
        with pytest.raises(StoreUnavailable) as old:
            Neo4jStore(neo4j_server.uri, neo4j_server.user, neo4j_server.password)
    finally:
        wipe(neo4j_store)  # the next test's store must open
    assert "another cancu loader version" in str(old.value) and D1 in str(old.value) and "\n" not in str(old.value)


def test_bad_credentials_and_unreachable_server_are_one_line(neo4j_server, neo4j_store) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(StoreUnavailable) as bad:
        Neo4jStore(neo4j_server.uri, neo4j_server.user, "wrong-password")
    assert "refused user 'neo4j'" in str(bad.value) and "\n" not in str(bad.value)
    with pytest.raises(StoreUnavailable) as down:
        Neo4jStore("bolt://127.0.0.1:9", "neo4j", "x")
    assert "cannot reach Neo4j at bolt://127.0.0.1:9" in str(down.value) and "\n" not in str(down.value)
    with pytest.raises(StoreUnavailable):
        Neo4jStore("http://127.0.0.1:9", "neo4j", "x")


def test_cypher_read_refuses_writes(neo4j_store: Neo4jStore) -> None:
    neo4j_store.load(MINI)
    rows = neo4j_store.cypher_read("MATCH (n:LegalDocument) WHERE n.title CONTAINS 'SET' RETURN count(n) AS n")
    assert rows == [{"n": 0}]
    with pytest.raises(PermissionError, match="MERGE"):
        neo4j_store.cypher_read("MERGE (n:Resource {uri: 'x'})")
    with pytest.raises(PermissionError):  # not caught by the clause check, refused by READ access mode
        neo4j_store.cypher_read("CALL db.createLabel('Evil')")
    with pytest.raises(ValueError, match="syntax"):
        neo4j_store.cypher_read("MATCH (n RETURN n")


def test_triples_outside_a_named_graph_are_refused(neo4j_store: Neo4jStore, tmp_path: Path) -> None:
    bad = tmp_path / "default.nq"
    bad.write_text('<http://x/a> <http://x/p> "v" .\n' + MINI.read_text(encoding="utf-8"), encoding="utf-8")
    with pytest.raises(LoadError, match="outside a named graph"):
        neo4j_store.load(bad)
    assert neo4j_store.counts() == (0, 0)  # nothing written


def _synthetic(path: Path, docs: int, provisions: int) -> Path:
    """`docs` document graphs of `provisions` articles each, every one citing the previous document."""
    lines = []
    for d in range(docs):
        doc = f"{BASE}/eli/vn/qd/2024/{9100 + d}/test"
        g = f"<{doc}>"
        lines += [f'<{doc}> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <https://w3id.org/cancu/ontology#LegalDocument> {g} .',
                  f'<{doc}> <https://w3id.org/cancu/ontology#number> "{9100 + d}/QĐ-TEST" {g} .',
                  f'<{doc}> <https://w3id.org/cancu/ontology#sourceFile> "corpus/{d}.txt" {g} .']
        if d:
            lines.append(f"<{doc}> <http://data.europa.eu/eli/ontology#cites> <{BASE}/eli/vn/qd/2024/{9099 + d}/test> {g} .")
        for p in range(provisions):
            lines += [f"<{doc}/dieu_{p}> <http://data.europa.eu/eli/ontology#is_part_of> <{doc}> {g} .",
                      f'<{doc}/dieu_{p}> <https://w3id.org/cancu/ontology#text> "Điều {p} của văn bản thử nghiệm {d}." {g} .']
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_server_killed_mid_load_leaves_whole_graphs_and_rerun_finishes(
        neo4j_store: Neo4jStore, tmp_path: Path) -> None:
    data = _synthetic(tmp_path / "synthetic.nq", docs=8, provisions=100)
    neo4j_store.load(data)
    expected = dump(neo4j_store)
    state, dbdir = tmp_path / "private.json", tmp_path / "db"
    info = start_server(state, data=dbdir)
    try:
        store = Neo4jStore(info.uri, info.user, info.password, tx_quads=1)  # one graph per transaction
        # a handle that keeps its counts an hour and loads nothing: only its liveness query can see the server gone
        watcher = Neo4jStore(info.uri, info.user, info.password, counts_seconds=3600)

        def kill_after_three(done: int, total: int) -> None:
            if done == 3:
                assert watcher.status().ok  # the counts are now kept
                os.kill(info.pid, signal.SIGKILL)
                deadline = time.monotonic() + 30
                while time.monotonic() < deadline and Path(f"/proc/{info.pid}").exists():
                    time.sleep(0.1)

        with pytest.raises(StoreUnavailable) as lost:
            store.load(data, progress=kill_after_three)
        msg = str(lost.value)
        assert "3 of 8 graphs committed" in msg and "re-run the load" in msg and "\n" not in msg
        assert not store.status().ok  # health shows the store down instead of raising
        assert not watcher.status().ok
        watcher.close()
        store.close()
        info = start_server(state, data=dbdir)  # same database, recovered from its transaction log
        store = Neo4jStore(info.uri, info.user, info.password)
        graphs = store.cypher_read("MATCH (g:NamedGraph) RETURN g.iri AS g, g.triples AS t")
        assert len(graphs) == 3
        quads = list(ox.parse(path=str(data), format=ox.RdfFormat.N_QUADS))
        for g in graphs:  # each committed graph is whole: all its subjects and edges, nothing from the lost ones
            mine = [q for q in quads if q.graph_name.value == g["g"]]
            subjects = {q.subject.value for q in mine}
            edges = {(q.subject.value, q.object.value) for q in mine if isinstance(q.object, ox.NamedNode)
                     and q.predicate.value != "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"}
            assert g["t"] == len(mine)
            asserted = store.cypher_read("MATCH (:NamedGraph {iri: $g})-[:ASSERTS]->(n:Resource) RETURN n.uri AS u",
                                         {"g": g["g"]})
            assert sorted(r["u"] for r in asserted) == sorted(subjects)
            assert store.cypher_read("MATCH (a)-[r]->(b) WHERE r.graph = $g RETURN count(r) AS n",
                                     {"g": g["g"]}) == [{"n": len(edges)}]
        committed = [g["g"] for g in graphs]
        assert store.cypher_read("MATCH (a)-[r]->() WHERE r.graph IS NOT NULL AND NOT r.graph IN $c "
                                 "RETURN count(r) AS n", {"c": committed}) == [{"n": 0}]
        assert store.cypher_read("MATCH (n:Resource) WHERE NOT (n)<-[:ASSERTS]-() AND NOT ()-->(n) "
                                 "RETURN count(n) AS n") == [{"n": 0}]  # no node left over from a lost graph
        store.load(data)  # the re-run finishes the job
        assert dump(store) == expected
        store.close()
    finally:
        stop_server(state)
