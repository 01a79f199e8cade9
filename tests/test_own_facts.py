"""Own facts first (graph.own_facts): an ingested document's own graph alone says what it is; what other
graphs say of it stays their claim. The corpus plus one plainly fictional upload that cites the real
749/QĐ-TTg with a wrong issuer and date ("của Bộ Công an", 25/12/2020) and Luật Tổ chức Chính phủ 2025 with
another spelling. Oxigraph here; tests/test_store_contract.py holds Neo4j to the same answers."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib

from cancu.registry import CLAIM
from corpus_store import B, ROOT, ingest_corpus
from graph.oxigraph_store import OxigraphStore
from graph.own_facts import VIEW_GRAPH
from graph.store import Store
from fictional_texts import ARTICLE, fictional_text

QD749 = f"{B}/eli/vn/qd/2020/749/ttg"
LAW = f"{B}/eli/vn/luat/2025-02-18/to-chuc-chinh-phu"
UPLOAD = f"{B}/eli/vn/qd/2099/9999/test"
BCA = f"{B}/id/agency/bo-cong-an"
FICTIONAL = fictional_text("9999/QĐ-TEST", "ngày 02 tháng 03 năm 2099", "VỀ VIỆC THỬ NGHIỆM NỀN TẢNG GIẢ LẬP",
                           ["Luật tổ chức Chính phủ ngày 18 tháng 02 năm 2025",
                            "Quyết định số 749/QĐ-TTg ngày 25 tháng 12 năm 2020 của Bộ Công an"], "QUYẾT ĐỊNH:\n\n" + ARTICLE)


def fictional_upload(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fictional upload's N-Quads, written by `cancu ingest`."""
    src = tmp_path_factory.mktemp("fictional")
    (src / "9999-QD-TEST.txt").write_text(FICTIONAL, encoding="utf-8")
    out = tmp_path_factory.mktemp("fictional-rdf")
    run = subprocess.run([sys.executable, "-m", "cancu.cli", "ingest", str(src), "-o", str(out)], cwd=ROOT,
                         capture_output=True, text=True, env={**os.environ, "CANCU_BASE": B})
    assert run.returncode == 0, run.stderr[-2000:]
    return out / "qd-2099-9999-test.nq"


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[Path], Path]:
    """(the corpus's N-Quads, the fictional upload's), both written by `cancu ingest`."""
    return ingest_corpus(tmp_path_factory.mktemp("corpus-rdf")), fictional_upload(tmp_path_factory)


def loaded(paths: list[Path]) -> OxigraphStore:
    store = OxigraphStore(None)
    for p in paths:
        store.load(p)
    return store


@pytest.fixture(scope="module")
def store(files: tuple[list[Path], Path]) -> OxigraphStore:
    corpus, upload = files
    return loaded([*corpus, upload])


def select(store: OxigraphStore, query: str) -> list[str]:
    import json

    body = json.loads(store.sparql(query, "application/sparql-results+json").body)
    return sorted(b[v]["value"] for b in body["results"]["bindings"] for v in b)


def assert_own_facts(store: Store) -> None:
    """The API's view on any store: 749/QĐ-TTg keeps its own issuer and date; Bộ Công an issued nothing of it."""
    doc = store.document(QD749)
    assert doc is not None and doc.ingested
    assert (doc.number, doc.issuer, doc.date) == ("749/QĐ-TTg", "Thủ tướng Chính phủ", "2020-06-03")
    assert QD749 not in [r.entity_iri for r in store.roles(BCA, "in", ["issued"])]
    assert QD749 in [r.entity_iri for r in store.roles(f"{B}/id/agency/thu-tuong-chinh-phu", "in", ["issued"])]
    assert [r.entity_iri for r in store.roles(QD749, "out", ["issued"])] == [f"{B}/id/agency/thu-tuong-chinh-phu"]
    law = store.document(LAW)  # known only from citations: one canonical title, whoever spelled it how
    assert law is not None and not law.ingested and law.title == "Luật Tổ chức Chính phủ"
    assert UPLOAD in [r.source.iri for r in store.links_to(QD749, ["based_on"])]  # the citation itself stays


def test_the_api_shows_a_documents_own_facts(store: OxigraphStore) -> None:
    assert_own_facts(store)


def test_sparql_default_view_has_own_facts_and_claims_stay_with_provenance(store: OxigraphStore) -> None:
    eli = "PREFIX eli: <http://data.europa.eu/eli/ontology#> PREFIX skos: <http://www.w3.org/2004/02/skos/core#>"
    assert select(store, f"{eli} SELECT ?d WHERE {{ <{QD749}> eli:date_document ?d }}") == ["2020-06-03"]
    assert select(store, f"{eli} SELECT ?a WHERE {{ <{QD749}> eli:passed_by ?a }}") == [
        f"{B}/id/agency/thu-tuong-chinh-phu"]
    assert QD749 not in select(store, f"{eli} SELECT ?d WHERE {{ ?d eli:passed_by <{BCA}> }}")
    assert select(store, f"{eli} SELECT ?t WHERE {{ <{LAW}> eli:title ?t }}") == ["Luật Tổ chức Chính phủ"]
    assert "Luật tổ chức Chính phủ" in select(store, f"{eli} SELECT ?t WHERE {{ <{LAW}> skos:altLabel ?t }}")
    # the upload's claim is kept, in its graph, under the claim: predicates
    claim = f"PREFIX claim: <{CLAIM}>"
    assert select(store, f"{claim} SELECT ?a ?d WHERE {{ GRAPH <{UPLOAD}> {{ <{QD749}> claim:passed_by ?a ; "
                         f"claim:date_document ?d }} }}") == ["2020-12-25", BCA]
    assert select(store, f"{claim} SELECT ?g WHERE {{ GRAPH ?g {{ <{QD749}> claim:passed_by <{BCA}> }} }}") == [UPLOAD]
    assert not select(store, f"{eli} SELECT ?g WHERE {{ GRAPH ?g {{ <{QD749}> eli:passed_by <{BCA}> }} }}")
    assert select(store, f"{eli} SELECT ?g WHERE {{ GRAPH ?g {{ <{UPLOAD}> eli:based_on <{QD749}> }} }}") == [UPLOAD]


def test_the_order_of_loading_leaves_no_trace(files: tuple[list[Path], Path], store: OxigraphStore) -> None:
    corpus, upload = files
    for order in ([upload, *corpus], [*reversed(corpus), upload], [upload, *corpus, upload]):
        other = loaded(order)
        assert set(other._store) == set(store._store)  # noqa: SLF001 - every graph, the view included
    without = loaded(corpus)  # and taking the upload away again: as if it never came
    assert not set(without._store.quads_for_pattern(None, None, None, ox.NamedNode(UPLOAD)))  # noqa: SLF001


def test_shapes_hold_over_the_default_view(store: OxigraphStore) -> None:
    """SHACL over the union SPARQL's default graph shows (every document's own graph, the view, the gazetteer)."""
    from graph.validate import check

    data = rdflib.Graph().parse(data=store.sparql("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", "application/n-triples")
                                .body.decode(), format="nt")
    assert len(data) > 10_000 and (rdflib.URIRef(LAW), None, None) in data
    documents = {str(s) for s in data.subjects(rdflib.RDF.type, rdflib.URIRef("https://w3id.org/cancu/ontology#LegalDocument"))}
    assert QD749 in documents and LAW in documents
    # Documents only: an entity named by several documents may still carry one prefLabel per spelling (not yet resolved).
    violations = [r for r in check(data) if r.severity == "Violation" and r.focus.strip("<>") in documents]
    assert not violations, violations[:5]
    assert VIEW_GRAPH in select(store, "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")


def test_a_store_of_the_earlier_layout_is_refused_with_what_to_do(files: tuple[list[Path], Path],
                                                                  tmp_path: Path) -> None:
    """A view without the layout mark was built when claims lived in graphs `G#claims`: the plain union SPARQL
    now reads would show them as facts, so the store is refused, saying to rebuild it."""
    from graph.store import StoreUnavailable

    old = ox.Store(str(tmp_path / "old"))
    old.add(ox.Quad(ox.NamedNode(UPLOAD), ox.NamedNode("http://data.europa.eu/eli/ontology#title"),
                    ox.Literal("Nền tảng thử nghiệm A"), ox.NamedNode(VIEW_GRAPH)))
    old.flush()
    del old
    with pytest.raises(StoreUnavailable, match="and run `cancu load` to build it again"):
        OxigraphStore(tmp_path / "old", read_only=True)
    fresh = OxigraphStore(tmp_path / "new")  # an empty store, and one loaded in this layout, open as ever
    fresh.load(files[1])  # the upload cites documents: the view holds their descriptions, and the mark
    fresh.close()
    reopened = OxigraphStore(tmp_path / "new", read_only=True)
    assert reopened.status().ok and reopened.document(QD749) is not None
