"""The offline import (graph.neo4j_import) against a real Neo4j: the same graph as the online loader, or a clear refusal."""

from __future__ import annotations

import importlib.util
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from neo4j_server import (ROOT, corpus_rdf, neo4j_server, neo4j_store, require_java, start_server,  # noqa: F401
                          stop_server)

from graph.neo4j_import import SETTLE_LABEL, import_files
from graph.neo4j_store import Neo4jStore
from graph.store import LoadError

pytestmark = pytest.mark.neo4j


def _neo4j_jars() -> Path:
    require_java()
    spec = importlib.util.spec_from_file_location("cancu_neo4j_server", ROOT / "scripts" / "neo4j_server.py")
    mod = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    spec.loader.exec_module(mod)  # type: ignore[union-attr]
    return mod.fetch() / "lib"


def _plain(v: Any) -> Any:
    if isinstance(v, list):
        return tuple(_plain(x) for x in v)
    return v.iso_format() if hasattr(v, "iso_format") else v


def dump(store: Neo4jStore) -> tuple[dict[Any, Any], Counter]:
    """Every node (by uri or graph iri: labels, properties) and every relationship (ends, type, properties)."""
    def key(labels: list[str], props: dict[str, Any]) -> Any:
        return ("graph", props["iri"]) if "NamedGraph" in labels else props.get("uri", tuple(sorted(labels)))

    nodes, ids = {}, {}
    for r in store._driver.execute_query("MATCH (n) RETURN elementId(n) AS i, labels(n) AS l, properties(n) AS p").records:
        k = key(r["l"], r["p"])
        assert k not in nodes, f"two nodes for {k}"
        nodes[k] = (tuple(sorted(r["l"])), tuple(sorted((p, _plain(v)) for p, v in r["p"].items())))
        ids[r["i"]] = k
    rels: Counter = Counter()
    for r in store._driver.execute_query("MATCH (a)-[x]->(b) RETURN elementId(a) AS a, type(x) AS t, "
                                         "properties(x) AS p, elementId(b) AS b").records:
        rels[(ids[r["a"]], r["t"], ids[r["b"]], tuple(sorted((p, _plain(v)) for p, v in r["p"].items())))] += 1
    return nodes, rels


def _imported(tmp_path: Path, files: list[Path]) -> tuple[Path, Any]:
    data = tmp_path / "neo4j-import"
    (data / "home").mkdir(parents=True, exist_ok=True)
    report = import_files(files, data / "home", lib=_neo4j_jars(), conf=data)
    return data, report


def test_import_gives_the_online_loaders_graph_on_the_corpus(neo4j_store: Neo4jStore, corpus_rdf: list[Path],
                                                             tmp_path: Path) -> None:
    for f in corpus_rdf:
        neo4j_store.load(f)
    online = dump(neo4j_store)
    data, report = _imported(tmp_path, corpus_rdf)
    assert report.graphs == len({g for (kind, g) in (k for k in online[0] if isinstance(k, tuple)) if kind == "graph"})
    assert report.settle_types, "the corpus has preamble links (provision ['']), which CSV cannot carry"
    info = start_server(tmp_path / "state.json", data)
    try:
        raw = Neo4jStore(info.uri, info.user, info.password, ensure_schema=False)
        marks = raw._driver.execute_query(f"MATCH (x:{SETTLE_LABEL}) RETURN count(x) AS n").records[0]["n"]
        raw.close()
        assert marks == 1  # not settled until a store opens it with its schema
        store = Neo4jStore(info.uri, info.user, info.password)
        imported = dump(store)
        store.close()
    finally:
        stop_server(tmp_path / "state.json")
    assert set(imported[0]) == set(online[0])
    diff = [k for k in online[0] if online[0][k] != imported[0][k]]
    assert not diff, f"{len(diff)} nodes differ, e.g. {diff[0]}: {online[0][diff[0]]} != {imported[0][diff[0]]}"
    assert imported[1] == online[1], (online[1] - imported[1], imported[1] - online[1])


def test_import_refuses_an_existing_database_and_keeps_it(tmp_path: Path) -> None:
    first = tmp_path / "a.nq"
    first.write_text('<https://example.org/doc/A> <http://www.w3.org/2000/01/rdf-schema#label> "Nền tảng thử '
                     'nghiệm A" <https://example.org/doc/A> .\n', encoding="utf-8")
    data, _ = _imported(tmp_path, [first])
    before = sorted(p.name for p in (data / "home" / "data" / "databases" / "neo4j").iterdir())
    with pytest.raises(LoadError, match=r"database neo4j already exists in .*neo4j-import/home"):
        _imported(tmp_path, [first])
    assert sorted(p.name for p in (data / "home" / "data" / "databases" / "neo4j").iterdir()) == before


def test_import_refuses_a_graph_split_across_files(tmp_path: Path) -> None:
    a, b = tmp_path / "a.nq", tmp_path / "b.nq"
    a.write_text('<https://example.org/x> <https://example.org/p> "Công ty X" <https://example.org/g> .\n', encoding="utf-8")
    b.write_text('<https://example.org/y> <https://example.org/p> "Công ty Y" <https://example.org/g> .\n', encoding="utf-8")
    with pytest.raises(LoadError, match=r"b\.nq: graph https://example.org/g is also in .*a\.nq"):
        _imported(tmp_path, [a, b])
    assert not (tmp_path / "neo4j-import" / "home" / "data").exists()


def test_import_of_a_bad_file_names_it_and_writes_nothing(tmp_path: Path) -> None:
    bad = tmp_path / "bad.nq"
    bad.write_text("<https://example.org/x> <https://example.org/p> \"unterminated .\n", encoding="utf-8")
    with pytest.raises(LoadError, match=r"bad\.nq"):
        _imported(tmp_path, [bad])
    assert not (tmp_path / "neo4j-import" / "home" / "data").exists()


def test_a_failed_import_names_the_cause_and_leaves_no_store_files(tmp_path: Path) -> None:
    from graph.neo4j_import import run_importer

    nodes, rels = tmp_path / "n.csv", tmp_path / "r.csv"
    nodes.write_text('"uri:ID(R)",":LABEL"\n"https://example.org/a","Resource"\n', encoding="utf-8")
    rels.write_text('":START_ID(R)",":END_ID(R)",":TYPE"\n"https://example.org/a","https://example.org/none","x"\n',
                    encoding="utf-8")
    home = tmp_path / "home"
    home.mkdir()
    with pytest.raises(LoadError, match=r"failed: .*https://example.org/none"):
        run_importer([f"--nodes={nodes}", f"--relationships={rels}"], home, lib=_neo4j_jars(), conf=tmp_path)
    assert not (home / "data" / "databases" / "neo4j").exists()
    assert not (home / "data" / "transactions" / "neo4j").exists()


def test_cli_imports_once_and_refuses_the_second_time(corpus_rdf: list[Path], tmp_path: Path) -> None:
    import subprocess
    import sys

    home = tmp_path / "home"
    home.mkdir()
    cmd = [sys.executable, "-m", "cancu.cli", "load", str(corpus_rdf[0].parent), "--neo4j-import", str(home),
           "--neo4j-lib", str(_neo4j_jars())]
    env = {**__import__("os").environ, "NEO4J_CONF": str(tmp_path), "CANCU_DATA": str(tmp_path / "data")}
    first = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=600, env=env)
    assert first.returncode == 0, first.stderr[-2000:]
    assert f"imported {len(corpus_rdf)} files" in first.stderr
    store_files = sorted(p.name for p in (home / "data" / "databases" / "neo4j").iterdir())
    again = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=600, env=env)
    assert again.returncode == 1 and "nothing imported" in again.stderr and "Traceback" not in again.stderr
    assert sorted(p.name for p in (home / "data" / "databases" / "neo4j").iterdir()) == store_files


def test_import_into_a_missing_home_is_one_line(tmp_path: Path) -> None:
    from graph.store import StoreUnavailable

    with pytest.raises(StoreUnavailable, match=r"nope: no such directory"):
        import_files([tmp_path / "a.nq"], tmp_path / "nope")


def test_an_integer_past_64_bits_is_imported_as_text_as_online(tmp_path: Path) -> None:
    """Neo4j holds no larger integer: the import keeps it as text, as the online loader does (graph.neo4j_mapping),
    and the document's year reads as none, as on every store (test_role_pages); the import refused the file before."""
    d = "http://127.0.0.1:8000/eli/vn/qd/2024/9999/test"
    big = tmp_path / "big.nq"
    big.write_text(f'<{d}> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <https://w3id.org/cancu/ontology#LegalDocument> <{d}> .\n'
                   f'<{d}> <https://w3id.org/cancu/ontology#number> "9999/QĐ-TEST" <{d}> .\n'
                   f'<{d}> <https://w3id.org/cancu/ontology#year> '
                   f'"123456789012345678901234567890"^^<http://www.w3.org/2001/XMLSchema#integer> <{d}> .\n',
                   encoding="utf-8")
    data, report = _imported(tmp_path, [big])
    assert report.graphs == 1
    info = start_server(tmp_path / "state.json", data)
    try:
        store = Neo4jStore(info.uri, info.user, info.password)
        doc = store.document(d)
        store.close()
    finally:
        stop_server(tmp_path / "state.json")
    assert doc is not None and (doc.number, doc.year) == ("9999/QĐ-TEST", None)
