"""Building a fresh Oxigraph store with the bulk loader (graph.oxigraph_bulk): the same store the
transactional `load` makes, bad files skipped whole, and never a half-built store at the target."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from graph.oxigraph_bulk import build, staging_path
from graph.oxigraph_store import OxigraphStore
from neo4j_server import corpus_rdf  # noqa: F401  (session fixture: the corpus ingested by the real CLI)

GRAPH_A = "http://example.org/eli/vn/qd/2099/1/thu-nghiem"  # fictional documents
GRAPH_B = "http://example.org/eli/vn/qd/2099/2/thu-nghiem"
TITLE = "http://data.europa.eu/eli/ontology#title"


def quads_of(store: OxigraphStore) -> set[str]:
    return {str(q) for q in store._store}  # noqa: SLF001 - compare the raw content


def write(path: Path, graph: str, title: str) -> Path:
    path.write_text(f'<{graph}> <{TITLE}> "{title}" <{graph}> .\n', encoding="utf-8")
    return path


def test_bulk_build_equals_transactional_load_on_the_corpus(corpus_rdf: list[Path], tmp_path: Path) -> None:  # noqa: F811
    report = build(tmp_path / "bulk", corpus_rdf)
    assert report.errors == [] and report.files == len(corpus_rdf)
    bulk, loaded = OxigraphStore(tmp_path / "bulk"), OxigraphStore(tmp_path / "tx")
    total = sum(loaded.load(f) for f in corpus_rdf)
    assert report.quads == total
    assert quads_of(bulk) == quads_of(loaded)
    assert bulk.status().documents == loaded.status().documents > 20
    assert not staging_path(tmp_path / "bulk").exists()


def test_bad_file_is_skipped_whole_and_named(tmp_path: Path) -> None:
    good = write(tmp_path / "a.nq", GRAPH_A, "Quyết định thử nghiệm A")
    bad = tmp_path / "b.nq"
    bad.write_text(f'<{GRAPH_B}> <{TITLE}> "Quyết định thử nghiệm B" <{GRAPH_B}> .\n<{GRAPH_B}> <{TITLE}> "unterminated\n',
                   encoding="utf-8")
    errors: list[str] = []
    report = build(tmp_path / "store", [good, bad], on_error=errors.append)
    assert report.files == 1 and len(report.errors) == 1 and errors == report.errors
    assert str(bad) in errors[0]
    store = OxigraphStore(tmp_path / "store")
    assert {q.graph_name.value for q in store._store} == {GRAPH_A}  # noqa: SLF001 - nothing of b.nq


def test_triple_outside_a_named_graph_is_refused(tmp_path: Path) -> None:
    stray = tmp_path / "stray.nq"
    stray.write_text(f'<{GRAPH_A}> <{TITLE}> "không có đồ thị" .\n', encoding="utf-8")
    report = build(tmp_path / "store", [stray])
    assert report.files == 0 and "outside a named graph" in report.errors[0]


def test_a_triple_term_is_refused(tmp_path: Path) -> None:
    """RDF 1.2 lets a statement be a value; every reader here takes a value for an IRI or a literal (a title
    that is a triple term stopped the index build), so the file is refused whole, named, and the batch goes on."""
    good = write(tmp_path / "a.nq", GRAPH_A, "Quyết định thử nghiệm A")
    quoted = tmp_path / "quoted.nq"
    quoted.write_text(f'<{GRAPH_B}> <{TITLE}> <<( <{GRAPH_B}> <{TITLE}> "lồng" )>> <{GRAPH_B}> .\n', encoding="utf-8")
    report = build(tmp_path / "store", [good, quoted])
    assert report.files == 1 and len(report.errors) == 1 and str(quoted) in report.errors[0]
    assert "triple term" in report.errors[0]


def test_a_graph_in_two_files_is_replaced_not_merged(tmp_path: Path) -> None:
    first = write(tmp_path / "1.nq", GRAPH_A, "bản cũ")
    second = write(tmp_path / "2.nq", GRAPH_A, "bản mới")
    build(tmp_path / "store", [first, second])
    titles = {q.object.value for q in OxigraphStore(tmp_path / "store")._store.quads_for_pattern(None, ox.NamedNode(TITLE), None)}  # noqa: SLF001
    assert titles == {"bản mới"}


def test_files_sharing_graphs_end_as_the_last_file_says(tmp_path: Path) -> None:
    """A{1,2}, B{2,3}, C{3}: graph 1 from A, 2 from B, 3 from C, as per-file `load` in order would give."""
    graph_c = "http://example.org/eli/vn/qd/2099/3/thu-nghiem"
    a, b, c = tmp_path / "a.nq", tmp_path / "b.nq", tmp_path / "c.nq"
    a.write_text(f'<{GRAPH_A}> <{TITLE}> "A1" <{GRAPH_A}> .\n<{GRAPH_B}> <{TITLE}> "A2" <{GRAPH_B}> .\n', encoding="utf-8")
    b.write_text(f'<{GRAPH_B}> <{TITLE}> "B2" <{GRAPH_B}> .\n<{graph_c}> <{TITLE}> "B3" <{graph_c}> .\n', encoding="utf-8")
    c.write_text(f'<{graph_c}> <{TITLE}> "C3" <{graph_c}> .\n', encoding="utf-8")
    for workers in (1, 2, 3):
        target = tmp_path / f"store{workers}"
        build(target, [a, b, c], workers=workers)
        got = {(q.graph_name.value, q.object.value) for q in OxigraphStore(target)._store}  # noqa: SLF001
        assert got == {(GRAPH_A, "A1"), (GRAPH_B, "B2"), (graph_c, "C3")}


def test_an_interrupted_build_leaves_no_store_and_the_next_build_finishes(tmp_path: Path) -> None:
    files = [write(tmp_path / "a.nq", GRAPH_A, "A"), tmp_path / "missing.nq", write(tmp_path / "b.nq", GRAPH_B, "B")]

    def stop(message: str) -> None:
        raise KeyboardInterrupt(message)  # what a user's Ctrl-C mid-build looks like

    with pytest.raises(KeyboardInterrupt):
        build(tmp_path / "store", files, on_error=stop)
    assert not (tmp_path / "store").exists() and staging_path(tmp_path / "store").exists()
    report = build(tmp_path / "store", files)
    assert report.files == 2 and "no such file" in report.errors[0]
    assert {q.graph_name.value for q in OxigraphStore(tmp_path / "store")._store} == {GRAPH_A, GRAPH_B}  # noqa: SLF001


def test_an_existing_store_is_never_rebuilt_over(tmp_path: Path) -> None:
    target = tmp_path / "store"
    build(target, [write(tmp_path / "a.nq", GRAPH_A, "A")])
    with pytest.raises(FileExistsError):
        build(target, [write(tmp_path / "b.nq", GRAPH_B, "B")])
    assert {q.graph_name.value for q in OxigraphStore(target)._store} == {GRAPH_A}  # noqa: SLF001


def test_bulk_build_is_a_capability_the_cli_asks_of_the_backend(tmp_path: Path) -> None:
    """graph.store.BulkBuildStore: asked of the backend's class (no store is open yet), answered per backend."""
    from cancu.config import Settings
    from graph import store_class
    from graph.store import BulkBuildStore, supports

    settings = Settings.from_env({"CANCU_DATA": str(tmp_path)})
    backend = store_class(settings)
    assert supports(backend, BulkBuildStore) and backend.needs_build(settings)
    bad = tmp_path / "bad.nq"
    bad.write_text("<not a quad\n", encoding="utf-8")
    said: list[str] = []
    report = backend.bulk_build(settings, [write(tmp_path / "a.nq", GRAPH_A, "A"), bad], on_error=said.append)
    assert (report.files, report.quads) == (1, 1) and len(said) == 1 and "bad.nq" in said[0]
    assert not backend.needs_build(settings) and settings.oxigraph_path.is_dir()
    assert not supports(object, BulkBuildStore)  # a class is judged by its own members, not its metaclass's
    assert not supports(store_class(settings, "neo4j"), BulkBuildStore)  # a new Neo4j database: --neo4j-import
