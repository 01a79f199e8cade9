"""OxigraphStore and the search index on the hand-written fixture (real pyoxigraph, no mocks)."""

from __future__ import annotations

import gc
import json
from pathlib import Path

import pyoxigraph as ox
import pytest

from graph import open_store
from graph.oxigraph_store import NotAcceptable, OxigraphStore, SummaryMemo, is_update
from graph.shared import provenance_key
from graph.search_index import SearchIndex, build_index
from graph.store import DocSummary, LoadError, Provenance, Store, StoreUnavailable

FIXTURE = Path(__file__).parent / "fixtures" / "api_fixture.trig"
B = "http://127.0.0.1:8000"
D1 = f"{B}/eli/vn/qd/2021/9001/test"
D2 = f"{B}/eli/vn/nq/2021/77/test"
D2020 = f"{B}/eli/vn/nq/2020/77/test"
ND12 = f"{B}/eli/vn/nd/2019/12/test"
LAW = f"{B}/eli/vn/luat/2018-06-20/thu-nghiem"
CV = f"{B}/eli/vn/cv/2021/555/btn-khcn"
D9002 = f"{B}/eli/vn/qd/2022/9002/test"
FIXTURE_QUADS = 211


@pytest.fixture()
def store() -> OxigraphStore:
    s = OxigraphStore(None)
    s.load(FIXTURE)
    return s


def quads(s: OxigraphStore) -> set[str]:
    return {str(q) for q in s._store}


def graph_quads(s: OxigraphStore, graph: str) -> set[str]:
    return {str(q) for q in s._store.quads_for_pattern(None, None, None, ox.NamedNode(graph))}


def test_is_a_store(store: OxigraphStore) -> None:
    assert isinstance(store, Store)


def test_status_counts_ingested_documents_and_quads(store: OxigraphStore) -> None:
    st = store.status()
    assert (st.backend, st.ok, st.documents, st.triples) == ("oxigraph", True, 4, FIXTURE_QUADS)


def test_reload_is_idempotent(store: OxigraphStore) -> None:
    before = quads(store)
    assert store.load(FIXTURE) == FIXTURE_QUADS
    assert quads(store) == before
    assert store.status().triples == FIXTURE_QUADS and store.status().documents == 4


def test_nquads_and_trig_load_the_same(tmp_path: Path, store: OxigraphStore) -> None:
    nq = tmp_path / "fixture.nq"
    nq.write_bytes(ox.serialize(ox.parse(path=str(FIXTURE), format=ox.RdfFormat.TRIG), format=ox.RdfFormat.N_QUADS))
    other = OxigraphStore(None)
    assert other.load(nq) == FIXTURE_QUADS
    assert quads(other) == quads(store)


def test_loading_a_graph_replaces_only_that_graph(tmp_path: Path, store: OxigraphStore) -> None:
    untouched = {g: graph_quads(store, g) for g in (D1, CV, D9002, f"{B}/graph/gazetteer")}
    new = tmp_path / "77-NQ-TEST.trig"
    new.write_text(f"""@prefix cc: <https://w3id.org/cancu/ontology#> . @prefix eli: <http://data.europa.eu/eli/ontology#> .
<{D2}> {{ <{D2}> a cc:LegalDocument, cc:Resolution ; cc:number "77/NQ-TEST" ; cc:numberKey "77/nq-test" ;
  cc:year 2021 ; cc:typeName "Nghị quyết" ; cc:issuerName "Chính phủ Thử nghiệm" ;
  eli:title "Tiêu đề đã sửa"@vi ; cc:sourceFile "corpus/test/77-NQ-TEST-2021.txt" . }}""", encoding="utf-8")
    assert store.load(new) == 9
    assert graph_quads(store, D2) and len(graph_quads(store, D2)) == 9
    assert {g: graph_quads(store, g) for g in untouched} == untouched
    assert store.document(D2).title == "Tiêu đề đã sửa"
    assert store.links_from(D2) == []  # its based_on edge went with the old graph
    assert [r.relation for r in store.links_to(D2)] == ["based_on"]  # D1's Căn cứ line is D1's, still there


@pytest.mark.parametrize("content, problem", [
    ('<http://a/s> <http://a/p> "unterminated <http://a/g> .\n', "line 2"),
    ("<http://a/s> <http://a/p> <http://a/o> .\n", "outside a named graph"),
    ('<http://a/s> <http://a/p> <<( <http://a/s> <http://a/p> "x" )>> <http://a/g> .\n', "triple term"),
    ("not rdf at all\n", ""),
])
def test_bad_input_raises_and_leaves_store_unchanged(tmp_path: Path, store: OxigraphStore, content: str, problem: str) -> None:
    before = quads(store)
    bad = tmp_path / "broken.nq"
    good_line = f'<{D2}> <{B}/p> "would replace D2" <{D2}> .\n'
    bad.write_text(good_line + content, encoding="utf-8")
    with pytest.raises(LoadError) as err:
        store.load(bad)
    assert "broken.nq" in str(err.value)
    assert problem.lower() in str(err.value).lower()
    assert quads(store) == before


def test_missing_file_and_unknown_format(tmp_path: Path, store: OxigraphStore) -> None:
    with pytest.raises(LoadError, match="no such file"):
        store.load(tmp_path / "absent.nq")
    ttl = tmp_path / "x.ttl"
    ttl.write_text("<http://a/s> <http://a/p> 1 .")
    with pytest.raises(LoadError, match="x.ttl"):
        store.load(ttl)


def test_document_prefers_its_own_graph(store: OxigraphStore) -> None:
    d2 = store.document(D2)  # D1's stub says issuer "Chính phủ"; D2's own graph says otherwise
    assert (d2.number, d2.type, d2.issuer, d2.date, d2.year, d2.ingested) == (
        "77/NQ-TEST", "Nghị quyết", "Chính phủ Thử nghiệm", "2021-01-10", 2021, True)
    assert d2.source_file == "corpus/test/77-NQ-TEST-2021.txt"


def test_stub_merges_what_the_citations_say(store: OxigraphStore) -> None:
    nd = store.document(ND12)
    assert (nd.number, nd.date, nd.year, nd.ingested, nd.source_file) == ("12/2019/NĐ-TEST", "2019-02-01", 2019, False, None)
    law = store.document(LAW)
    assert (law.title, law.type, law.number) == ("Luật Thử nghiệm", "Luật", None)


def test_unknown_and_non_document_iris(store: OxigraphStore) -> None:
    assert store.document(f"{B}/eli/vn/qd/2021/1/none") is None
    assert store.document(f"{B}/id/agency/bo-thu-nghiem") is None
    assert store.document("not an iri") is None


def test_documents_by_key_returns_every_same_number(store: OxigraphStore) -> None:
    docs = store.documents_by_key("77/nq-test")
    assert [(d.iri, d.year, d.ingested) for d in docs] == [(D2020, 2020, False), (D2, 2021, True)]
    assert store.documents_by_key("1/none") == []


def test_links_from_sorted_with_provenance(store: OxigraphStore) -> None:
    rows = store.links_from(D1)
    assert [(r.relation, r.target.iri) for r in rows] == [
        ("based_on", ND12), ("cites", D2020), ("based_on", D2), ("based_on", LAW)]  # by number or title, date
    assert all(r.source.iri == D1 for r in rows)
    cites = rows[1]
    assert [(p.start, p.provision) for p in cites.provenance] == [(900, f"{D1}/dieu_1"), (1500, f"{D1}/dieu_2")]
    assert cites.provenance[0].quote == "Nghị quyết số 77/NQ-TEST năm 2020"
    assert cites.provenance[0].document == D1 and cites.provenance[0].end == 933
    law = rows[3]
    assert law.provenance[0].provision is None and law.provenance[0].quote.startswith("Căn cứ Luật Thử nghiệm")


def test_links_filter_by_relation(store: OxigraphStore) -> None:
    assert [r.target.iri for r in store.links_from(D1, ["based_on"])] == [ND12, D2, LAW]
    assert [r.target.iri for r in store.links_from(D1, ["cites"])] == [D2020]
    assert store.links_from(D1, []) == []
    with pytest.raises(ValueError, match="unknown relation"):
        store.links_from(D1, ["nope"])


def test_links_to_with_relation_kinds(store: OxigraphStore) -> None:
    rows = store.links_to(D1)
    assert [(r.source.number, r.relation) for r in rows] == [("555/BTN-KHCN", "cites"), ("9002/QĐ-TEST", "based_on")]
    assert rows[0].target.iri == D1 and rows[0].provenance[0].document == CV
    assert rows[0].provenance[0].provision == f"{CV}/dieu_1"
    assert [r.source.iri for r in store.links_to(ND12)] == [D2, D1]  # by number: 77/NQ-TEST < 9001/QĐ-TEST


def test_sparql_select_construct_and_refusals(store: OxigraphStore) -> None:
    res = store.sparql("SELECT (COUNT(*) AS ?n) WHERE { ?d cc:sourceFile ?f }", "application/sparql-results+json")
    assert res.media_type == "application/sparql-results+json"
    assert json.loads(res.body)["results"]["bindings"][0]["n"]["value"] == "4"
    ttl = store.sparql(f"CONSTRUCT {{ <{D1}> ?p ?o }} WHERE {{ <{D1}> ?p ?o }}", "text/turtle")
    assert ttl.media_type == "text/turtle"
    assert len(list(ox.parse(ttl.body, format=ox.RdfFormat.TURTLE))) > 10
    with pytest.raises(PermissionError):
        store.sparql("PREFIX x: <http://x/> # comment\nDELETE WHERE { ?s ?p ?o }", "*/*")
    with pytest.raises(ValueError, match="syntax"):
        store.sparql("SELECT WHERE {", "*/*")
    with pytest.raises(NotAcceptable):
        store.sparql("SELECT * WHERE { ?s ?p ?o } LIMIT 1", "image/png")
    assert store.status().triples == FIXTURE_QUADS


def test_is_update() -> None:
    assert is_update("insert data { <a:b> <a:c> <a:d> }")
    assert is_update("PREFIX cc: <https://w3id.org/cancu/ontology#>\nBASE <http://x/>\n CLEAR ALL")
    assert not is_update("SELECT * WHERE { ?s <http://x/insert> ?o }")
    assert not is_update("# DROP ALL\nASK { ?s ?p ?o }")


def test_on_disk_store_and_read_only(tmp_path: Path) -> None:
    path = tmp_path / "oxigraph"
    writer = OxigraphStore(path)
    writer.load(FIXTURE)
    writer.close()
    del writer
    gc.collect()
    reader = OxigraphStore(path, read_only=True)
    assert reader.status().documents == 4 and "read-only" in reader.status().detail
    assert reader.document(D1).number == "9001/QĐ-TEST"
    with pytest.raises(PermissionError):
        reader.load(FIXTURE)
    with pytest.raises(StoreUnavailable, match="cancu load"):
        OxigraphStore(tmp_path / "missing", read_only=True)


def test_open_store_factory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CANCU_OXIGRAPH", str(tmp_path / "ox"))
    s = open_store("oxigraph")
    assert isinstance(s, OxigraphStore) and s.path == tmp_path / "ox" and not s.read_only
    with pytest.raises(ValueError, match="unknown store kind"):
        open_store("sqlite")


def test_search_index_folds_diacritics(tmp_path: Path, store: OxigraphStore) -> None:
    index = build_index(store, tmp_path / "search.sqlite")
    assert isinstance(index, SearchIndex) and index.count() == 7
    total, hits = index.search("bo thong tin")
    assert total == 1 and hits[0].label == "Bộ Thông tin và Truyền thông" and hits[0].kind == "agency"
    assert index.search("BỘ TT&TT")[1][0].label == "Bộ Thông tin và Truyền thông"  # an alternative label
    assert index.search("cuc doi moi")[1][0].label == "Cục Đổi mới Thử nghiệm"  # đ folded to d
    assert index.search("9001/QD-TEST")[1][0].iri == D1
    total, hits = index.search("nen tang thu nghiem")
    assert hits[0].kind == "platform" and total >= 3
    assert index.search("nen tang thu nghiem", limit=1, offset=1)[1][0].iri == hits[1].iri
    assert index.search("!!!") == (0, [])
    assert [k.iri for k in index.keyed_documents("77/")] == [D2020, D2]
    rebuilt = build_index(store, tmp_path / "search.sqlite")  # rebuilding replaces the file
    assert rebuilt.count() == 7


TRICKY = f"""@prefix cc: <https://w3id.org/cancu/ontology#> . @prefix eli: <http://data.europa.eu/eli/ontology#> .
<{B}/eli/vn/qd/2023/1/test> {{
  <{B}/eli/vn/qd/2023/1/test> a cc:LegalDocument ; cc:number "1/QĐ-TEST" ; eli:based_on <{D2}> ;
    cc:qualifiedLink <{B}/eli/vn/qd/2023/1/test/link/1>, <{B}/eli/vn/qd/2023/1/test/link/2> .
  <{B}/eli/vn/qd/2023/1/test/link/1> cc:linkRelation eli:based_on ; cc:linkTarget <{D2}> ;
    cc:quote "12 34 <x> \\u001f 𝔸 \\"q\\"\\nend", "Căn cứ" ; cc:charStart 5 ; cc:inProvision [ cc:label "?" ] .
  <{B}/eli/vn/qd/2023/1/test/link/2> cc:linkRelation eli:cites ; cc:linkTarget <{D2}> ; cc:quote "body" .
}}"""


def test_link_provenance_gives_every_combination_of_a_links_values(tmp_path: Path, store: OxigraphStore) -> None:
    """Two quotes (one holding spaces, digits, a control and a non-BMP character) and no cc:charEnd make two
    provenance entries, as the OPTIONAL joins did; a blank-node provision counts as none; the cites link does
    not leak into based_on."""
    src = tmp_path / "tricky.trig"
    src.write_text(TRICKY, encoding="utf-8")
    store.load(src)
    doc = f"{B}/eli/vn/qd/2023/1/test"
    want = [Provenance(document=doc, quote=q, start=5) for q in ("12 34 <x> \x1f 𝔸 \"q\"\nend", "Căn cứ")]
    [row] = store.links_from(doc, ["based_on"])
    assert (row.target.iri, row.provenance) == (D2, tuple(sorted(want, key=provenance_key)))
    assert [r.provenance for r in store.links_to(D2, ["based_on"]) if r.source.iri == doc] == [row.provenance]
    assert store.links_from(doc, ["cites"]) == []  # a cc:Link without the eli:cites edge makes no row


def test_link_summaries_are_forgotten_when_a_graph_is_replaced(tmp_path: Path, store: OxigraphStore) -> None:
    """links_* remember the summaries of link ends (SummaryMemo); a load must not leave them stale."""
    assert [r.target.number for r in store.links_from(D1, ["based_on"]) if r.target.iri == D2] == ["77/NQ-TEST"]
    src = tmp_path / "d2.trig"
    src.write_text(f"<{D2}> {{ <{D2}> a <https://w3id.org/cancu/ontology#LegalDocument> ; "
                   f"<https://w3id.org/cancu/ontology#number> \"78/NQ-TEST\" . }}", encoding="utf-8")
    store.load(src)
    assert [r.target.number for r in store.links_from(D1, ["based_on"]) if r.target.iri == D2] == ["78/NQ-TEST"]


def test_summary_memo_drops_the_least_recently_used() -> None:
    memo = SummaryMemo(2)
    memo.put_many({"a": DocSummary("a"), "b": None})
    assert memo.get_many(["a"]) == ({"a": DocSummary("a")}, [])  # "a" is now the most recent
    memo.put_many({"c": DocSummary("c")})
    assert memo.get_many(["c", "b", "a", "a"]) == ({"c": DocSummary("c"), "a": DocSummary("a")}, ["b"])
    memo.clear()
    assert memo.get_many(["a"]) == ({}, ["a"])


def test_capabilities_are_asked_of_the_interface(store: OxigraphStore) -> None:
    """What the API may ask of a store is declared in graph.store (protocols), answered per backend."""
    from graph.store import CypherStore, OnDiskStore, SparqlFormats, SparqlStore, supports

    assert supports(store, SparqlStore) and supports(store, OnDiskStore) and not supports(store, CypherStore)
    assert not supports(object(), SparqlStore)
    ask = f"ASK {{ <{D1}> ?p ?o }}"
    assert store.sparql(ask, SparqlFormats(graph=None, results="text/csv")).media_type.startswith("text/csv")
    with pytest.raises(NotAcceptable):  # a CONSTRUCT when the client takes no graph format
        store.sparql(f"CONSTRUCT WHERE {{ <{D1}> ?p ?o }}", SparqlFormats(graph=None))
