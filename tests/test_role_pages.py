"""Materialised role, link and part pages (graph.role_index, graph.link_pages, graph.provision_pages) answer exactly
what the store computes from scratch (`Store._roles`, `Store._role_counts`, `Store._links`, `Store._summaries`,
`Store._provisions`), on both stores, after loads, replaces and uploads."""

from __future__ import annotations

from pathlib import Path
from typing import Iterator

import pytest

from corpus_store import corpus_store  # noqa: F401  (fixture)
from neo4j_server import CorpusStores, Neo4jInfo, corpus_rdf, corpus_stores  # noqa: F401  (fixture)

from cancu.iri import split_provision
from cancu.numbers import DocNumber
from graph.oxigraph_store import OxigraphStore
from graph.role_index import NAMED_KINDS
from graph.search_index import SearchIndex, build_index
from graph.store import DocSummary, Store

FIXTURES = Path(__file__).parent / "fixtures"
MINI, MINI_V2 = FIXTURES / "store-mini.nq", FIXTURES / "store-mini-v2.nq"
ROLE_FILTERS = [None, ["lead"], ["coordinating", "monitoring"], ["issued", "signed"], ["mentions"],
                ["governing_agency", "focal_unit", "core_enterprise"], ["approves", "names_platform", "regulates"]]
PAGES = [(None, 0), (1, 0), (2, 1), (5, 3), (50, 0), (3, 10_000)]
RELATION_FILTERS = [None, ["based_on"], ["cites", "amends"], ["consolidates", "replaces", "repeals"], []]
MISS = "http://127.0.0.1:8000/eli/vn/qd/2099/9999/test"
CUTS = [(None, None), (["agency", "unit"], None), (["enterprise"], 1), (None, 2), (["document", "task"], 1), ([], None)]


def role_holders(store: Store) -> list[tuple[str, str]]:
    """(IRI, direction) of every document, named entity and annex row, in both directions, plus a miss."""
    iris = [d.iri for d in store.documents()] + [e.iri for e in store.entities()]
    iris += [e.iri for k in ("task", "indicator") for e in store.entities(k)]
    iris.append("http://127.0.0.1:8000/id/agency/khong-co")
    return [(i, d) for i in iris for d in ("out", "in")]


def assert_pages_are_the_store(store: Store, holders: list[tuple[str, str]] | None = None) -> int:
    """Build the index from `store`, attach its pages, and compare every page and count with the store's own
    queries; returns how many role edges were compared (so a caller can assert it saw some)."""
    index = build_index(store, None)  # type: ignore[arg-type]
    assert index.has_roles
    entities = [e.iri for e in store.entities()]
    assert [index.entity(i) for i in entities] == [store._entity(i) for i in entities]  # type: ignore[attr-defined]
    assert index.entity("http://127.0.0.1:8000/id/agency/khong-co") is None
    for kind in [*NAMED_KINDS, None]:  # the lists of each kind, an entity typed twice under both; then every one once
        assert index.entities(kind) == store._entities(kind), kind  # type: ignore[attr-defined]
    assert index.entities("task") is None  # annex rows are the store's to list
    assert_task_rows_are_the_store(store, index)
    seen = 0
    for iri, direction in holders or role_holders(store):
        scratch = store._role_counts(iri, direction)  # type: ignore[attr-defined]
        assert index.role_counts(iri, direction) == scratch, (iri, direction)
        assert index.role_kind_counts(iri, direction) == store.role_kind_counts(iri, direction), (iri, direction)
        whole_sources = store.role_sources(iri, direction)
        assert index.role_sources(iri, direction) == whole_sources, iri
        some = [d for d, _ in whole_sources.page[::3]]  # paged, and with some documents left out
        for limit, offset in PAGES:
            assert index.role_sources(iri, direction, some, limit, offset) == store.role_sources(
                iri, direction, some, limit, offset), (iri, limit, offset)
        assert index.row_counts([iri]) == store.row_counts([iri]), iri
        seen += sum(scratch.values())
        for roles in ROLE_FILTERS:
            whole = store._roles(iri, direction, roles, None, 0)  # type: ignore[attr-defined]
            for limit, offset in PAGES:
                want = whole[offset:] if limit is None else whole[offset:offset + limit]
                assert index.roles(iri, direction, roles, limit, offset) == want, (iri, direction, roles, limit)
            for kinds, cap in CUTS:  # the store's answer cut by kind and provenance (Materialised without pages)
                for limit, offset in PAGES[:4]:
                    want = store.roles(iri, direction, roles, limit, offset, kinds, cap)
                    assert index.roles(iri, direction, roles, limit, offset, kinds, cap) == want, (iri, roles, kinds, cap)
    seen += assert_links_are_the_store(store, index)
    seen += assert_parts_are_the_store(store, index)
    index.close()
    return seen


def assert_parts_are_the_store(store: Store, index: SearchIndex) -> int:
    """Every document's parts, every part's own parts, and those of entities and a miss, as the store reads them
    (without texts: those stay in the store), also through Store.provisions with the pages attached; returns the
    parts compared."""
    assert store.role_pages is None  # the store's own reading is the reference
    docs = [d.iri for d in store.documents()]
    iris = [*docs, *(p.iri for d in docs for p in store._provisions(d, False)),  # type: ignore[attr-defined]
            *(e.iri for e in store.entities()), MISS, "<bad iri>"]
    want = {i: store._provisions(i, False) for i in iris}  # type: ignore[attr-defined]
    assert {i: index.provisions(i) for i in iris} == want
    store.role_pages = index
    try:
        assert {i: store.provisions(i) for i in iris} == want
        some = docs[:20]  # texts are read from the store, pages attached or not
        assert [store.provisions(i, with_text=True) for i in some] == [
            store._provisions(i, True) for i in some]  # type: ignore[attr-defined]
    finally:
        store.role_pages = None
    return sum(len(rows) for rows in want.values())


def assert_task_rows_are_the_store(store: Store, index: SearchIndex) -> None:
    """Annex-row listings (/tasks without an agency) by kind, document and page, as the store lists them."""
    assert store.role_pages is None  # the store's own listing is the reference
    rows = store.task_rows(["task", "indicator"], None, 10**9, 0)[1]
    homes = sorted({split_provision(x)[0] for x in rows})[:20]
    for kinds in (["task"], ["indicator"], ["task", "indicator"], []):
        for home in (None, *homes, "http://127.0.0.1:8000/eli/vn/qd/2021/khong-co"):
            for limit, offset in ((50, 0), (3, 2), (10**9, 0), (10, 10**6), (0, 0)):
                assert index.task_rows(kinds, home, limit, offset) == store.task_rows(kinds, home, limit, offset), \
                    (kinds, home, limit, offset)


def assert_links_are_the_store(store: Store, index: SearchIndex) -> int:
    """Every link in both directions, per IRI and in one batch, under each relation filter, and every summary,
    as the store computes them; returns how many links were compared."""
    docs = [d.iri for d in store.documents()]
    holders = sorted({*docs, *(p.iri for d in docs for p in store.provisions(d))})  # pinpoints cite from provisions
    whole = store._links(holders, None, True)  # type: ignore[attr-defined]
    iris = sorted(set(holders) | {r.target.iri for rows in whole.values() for r in rows}) + [MISS]
    for relations in RELATION_FILTERS:
        for outgoing in (True, False):
            assert index.links(iris, relations, outgoing) == store._links(iris, relations, outgoing)  # type: ignore[attr-defined]
            for iri in iris[:200]:
                assert index.links([iri], relations, outgoing) == store._links([iri], relations, outgoing), iri  # type: ignore[attr-defined]
    assert index.summaries(iris) == store._summaries(iris)  # type: ignore[attr-defined]
    assert_listings_are_the_store(store, index)
    with pytest.raises(ValueError, match="unknown relation"):
        index.links(iris, ["based_on", "khong_co"], True)
    return sum(len(rows) for rows in whole.values())


def assert_listings_are_the_store(store: Store, index: SearchIndex) -> None:
    """Document listings under every filter (diacritics and case folded) and page, as the store lists them."""
    assert store.role_pages is None  # the store's own listing is the reference
    docs = store.documents()
    types = sorted({d.type for d in docs if d.type})[:3]
    years = sorted({d.year for d in docs if d.year})[-2:]
    fields = sorted({v for _, v in store.document_fields()})[:2]
    filters = [{}, {"ingested": True}, {"ingested": False}, {"year": 1900}, {"year": 10**30}, {"type": "khong co"},
               *({"type": t.upper()} for t in types), *({"year": y, "ingested": True} for y in years),
               {"issuer": "bo"}, {"issuer": "Bộ Thông tin"}, {"issuer": "thu nghiem", "ingested": True},
               *({"field": f[2:8]} for f in fields), {"field": "khong co"}]
    for kwargs in filters:
        for limit, offset in ((50, 0), (3, 2), (1000, 0), (10, 10_000), (10**30, 1), (10, 10**30), (0, 0)):
            want = store.list_documents(**kwargs, limit=limit, offset=offset)
            assert index.list_documents(kwargs.get("type"), kwargs.get("issuer"), kwargs.get("year"),
                                        kwargs.get("field"), kwargs.get("ingested"), limit, offset) == want, kwargs
    assert store.list_documents()[0] == len(docs)


def test_corpus_role_pages_are_the_store_answers(corpus_store: OxigraphStore) -> None:  # noqa: F811
    assert corpus_store.role_pages is None  # the store's own queries are the reference
    assert assert_pages_are_the_store(corpus_store) > 1000
    assert assert_numbers_are_the_store(corpus_store) > 50


def assert_numbers_are_the_store(store: Store) -> int:
    """Every number key the store holds, every document's number and a miss, looked up (Store.documents_by_key)
    with the pages attached as the store finds them; returns the documents found."""
    keys = {"1/none", *(k for _, k in store.number_keys())}  # type: ignore[attr-defined]
    for d in store.documents():
        try:
            keys.add(DocNumber.parse(d.number or "").key)
        except ValueError:
            pass
    want = {k: store._documents_by_key(k) for k in sorted(keys)}  # type: ignore[attr-defined]
    store.role_pages = build_index(store, None)
    try:
        assert {k: store.documents_by_key(k) for k in sorted(keys)} == want
    finally:
        store.role_pages = None
    return sum(len(found) for found in want.values())


def assert_chains_are_the_store(store: OxigraphStore, docs: list[DocSummary]) -> int:
    """The chain walk from each of `docs`, both ways, over the pages and over the store's own queries: the same
    nodes, depths, edges with provenance and cut; returns the edges compared."""
    from graph.walk import walk_chain

    walks = []
    for pages in (build_index(store, None), None):
        store.role_pages = pages  # as the API attaches them
        walks.append([(w.nodes, w.depth_of, w.edges, w.truncated) for d in docs for up in (True, False)
                      for relations in (["based_on"], ["based_on", "cites", "amends"])
                      for w in [walk_chain(store, d, up, 3, relations, max_nodes=40)]])
    assert walks[0] == walks[1]
    return sum(len(w[2]) for w in walks[1])


def test_corpus_chains_on_the_pages_are_the_store_chains(corpus_store: OxigraphStore) -> None:  # noqa: F811
    assert assert_chains_are_the_store(corpus_store, corpus_store.documents()) > 100


def test_synthetic_link_pages_are_the_store_answers(synthetic: OxigraphStore) -> None:
    """The synthetic corpus cites by legal basis thousands of times, hubs included (the chain walk's shape)."""
    assert assert_links_are_the_store(synthetic, build_index(synthetic, None)) > 1000
    assert assert_numbers_are_the_store(synthetic) > 100
    assert assert_chains_are_the_store(synthetic, synthetic.documents()[::10]) > 100


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> Iterator[OxigraphStore]:
    """200 fictional documents of bench.synth: its platforms are listed by many catalogues, so a platform's
    roles are stated many times over (the national-scale shape the cuts are for)."""
    from bench import synth

    out = tmp_path_factory.mktemp("synth")
    synth.write_corpus(out, 200, 7)
    assert synth.write_rdf(out, workers=1)["errors"] == 0
    store = OxigraphStore(None)
    for f in sorted((out / "rdf").glob("*.nq")):
        store.load(f)
    yield store
    store.close()


def test_synthetic_role_pages_are_the_store_answers(synthetic: OxigraphStore) -> None:
    platforms = [(e.iri, "out") for e in synthetic.entities("platform")]
    agencies = sorted(((e.iri, "in") for e in synthetic.entities("agency")),
                      key=lambda h: -sum(synthetic.role_counts(*h).values()))[:5]
    assert platforms and assert_pages_are_the_store(synthetic, platforms + agencies) > 500


def test_a_cut_keeps_the_first_provenance_and_says_how_many(synthetic: OxigraphStore) -> None:
    many = [(e.iri, r) for e in synthetic.entities("platform") for r in synthetic.roles(e.iri, "out")
            if len(r.provenance) > 1]
    assert many, "a synthetic platform's role is stated in several catalogues"
    iri, whole = many[0]
    for store in (synthetic, _with_pages(synthetic)):
        cut = [r for r in store.roles(iri, "out", max_provenance=1)
               if (r.entity_iri, r.role) == (whole.entity_iri, whole.role)][0]
        assert cut.provenance == whole.provenance[:1] and cut.provenance_total == len(whole.provenance)
    synthetic.role_pages = None


def _with_pages(store: OxigraphStore) -> OxigraphStore:
    store.role_pages = build_index(store, None)
    return store


def test_pages_follow_loads_and_replaces() -> None:
    store = OxigraphStore(None)
    for f in (MINI, MINI_V2, MINI, MINI_V2):
        store.load(f)
        assert assert_pages_are_the_store(store) > 0


def test_a_load_detaches_pages_built_before_it() -> None:
    """Pages describe the store they were built from: the next load must not leave the old ones in use."""
    store = OxigraphStore(None)
    store.load(MINI)
    index = build_index(store, None)
    store.role_pages = index
    store.load(MINI_V2)
    assert store.role_pages is None
    assert assert_pages_are_the_store(store) > 0


def link_tables(path: Path) -> dict[str, list[tuple]]:
    """The tables built from the cc:Link provenance, each sorted."""
    import sqlite3

    with sqlite3.connect(path) as conn:
        return {t: sorted(conn.execute(f"SELECT * FROM {t}").fetchall(), key=repr)
                for t in ("link_page", "doc_field", "role_prov", "role_source", "part")}


def assert_links_read_elsewhere_are_the_same(store: Store, tmp_path: Path) -> dict[str, int]:
    """The page tables read by processes of their own (graph.elsewhere) are the rows read here, and the build leaves
    no file of its own behind; returns the rows compared, by table."""
    here = build_index(store, tmp_path / "here.sqlite", parallel=False)  # type: ignore[arg-type]
    there = build_index(store, tmp_path / "there.sqlite", parallel=True)  # type: ignore[arg-type]
    for table in ("role_link", "doc_link", "doc_field", "part"):
        assert here.meta(f"seconds_elsewhere_{table}") is None and float(there.meta(f"seconds_elsewhere_{table}")) > 0
    here.close(), there.close()
    rows = link_tables(tmp_path / "here.sqlite")
    assert link_tables(tmp_path / "there.sqlite") == rows
    assert sorted(p.name for p in tmp_path.iterdir() if "sqlite" in p.name) == ["here.sqlite", "there.sqlite"]
    return {t: len(r) for t, r in rows.items()}


def test_page_tables_read_by_processes_of_their_own_are_the_same(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from corpus_store import B, ingest_corpus

    monkeypatch.setenv("CANCU_BASE", B)
    store = OxigraphStore(tmp_path / "oxigraph")
    for f in ingest_corpus(tmp_path / "rdf"):
        store.load(f)
    rows = assert_links_read_elsewhere_are_the_same(store, tmp_path)
    assert rows.pop("doc_field") > 5 and min(rows.values()) > 100
    store.close()


def test_a_reading_process_that_fails_costs_one_line_and_its_table_is_read_here(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    from functools import partial

    store = OxigraphStore(tmp_path / "oxigraph")
    store.load(FIXTURES / "api_fixture.trig")
    want = link_tables(build_index(store, tmp_path / "want.sqlite", parallel=False).path)
    monkeypatch.setattr(store, "reopener", lambda: partial(OxigraphStore, tmp_path / "nowhere", True))
    got = build_index(store, tmp_path / "got.sqlite", parallel=True)
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 4 and all(f"page tables: the process reading {t} failed" in line and "nowhere" in line
                                   for t, line in zip(("role_link", "doc_field", "doc_link", "part"), lines))
    assert got.meta("seconds_elsewhere_doc_link") is None and link_tables(got.path) == want and want["link_page"]
    store.close()


@pytest.mark.neo4j
def test_neo4j_page_tables_read_by_processes_of_their_own_are_the_same(neo4j_store: Store, tmp_path: Path) -> None:
    for f in (FIXTURES / "api_fixture.trig", MINI):
        neo4j_store.load(f)
    assert assert_links_read_elsewhere_are_the_same(neo4j_store, tmp_path)["link_page"] > 5


@pytest.fixture(scope="module")
def corpus(neo4j_server: Neo4jInfo, corpus_rdf: list[Path]) -> Iterator[CorpusStores]:  # noqa: F811
    yield from corpus_stores(neo4j_server, corpus_rdf)


@pytest.mark.neo4j
def test_neo4j_role_pages_are_its_own_answers(corpus: CorpusStores) -> None:
    corpus.ensure()
    assert assert_pages_are_the_store(corpus.neo) > 1000
    assert assert_numbers_are_the_store(corpus.neo) > 50


@pytest.mark.neo4j
def test_neo4j_pages_follow_replaces(neo4j_store: Store) -> None:
    for f in (MINI, MINI_V2, MINI):
        neo4j_store.load(f)
        assert assert_pages_are_the_store(neo4j_store) > 0


PARTS_TRIG = """
@prefix cc: <https://w3id.org/cancu/ontology#> . @prefix eli: <http://data.europa.eu/eli/ontology#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
<http://127.0.0.1:8000/eli/vn/qd/2024/9999/test> {
  <http://127.0.0.1:8000/eli/vn/qd/2024/9999/test> a cc:LegalDocument, cc:Decision ; cc:number "9999/QĐ-TEST" .
  <http://127.0.0.1:8000/eli/vn/qd/2024/9999/test/dieu_1> a cc:Article ; eli:is_part_of <http://127.0.0.1:8000/eli/vn/qd/2024/9999/test> ;
      cc:label "Điều 1", "Điều 01" ; cc:ordinal "2"^^xsd:integer .
  <http://127.0.0.1:8000/eli/vn/qd/2024/9999/test/khong_kieu> eli:is_part_of <http://127.0.0.1:8000/eli/vn/qd/2024/9999/test> .
  <http://127.0.0.1:8000/eli/vn/qd/2024/9999/test/khong_kieu/muc_a> a <http://example.org/LopKhac> ;
      eli:is_part_of <http://127.0.0.1:8000/eli/vn/qd/2024/9999/test/khong_kieu> ; cc:heading "Mục thử nghiệm, \\"A\\"\\nhai dòng" .
}
<http://127.0.0.1:8000/eli/vn/qd/2024/9998/test> {
  <http://127.0.0.1:8000/eli/vn/qd/2024/9999/test/dieu_1> eli:is_part_of <http://127.0.0.1:8000/eli/vn/qd/2024/9998/test> ;
      cc:label "Điều 0" ; cc:ordinal "10"^^xsd:integer .
  <http://127.0.0.1:8000/eli/vn/qd/2024/9999/test/dieu_1/khoan_1> a cc:Clause, cc:Task ;
      eli:is_part_of <http://127.0.0.1:8000/eli/vn/qd/2024/9999/test/dieu_1> .
}
"""


@pytest.mark.parametrize("parallel", [False, True])
def test_parts_keep_the_stores_rules_at_their_edges(tmp_path: Path, parallel: bool) -> None:
    """A fictional document whose parts hit each rule of Store.provisions: a part no graph types is walked
    through but left out, a class outside the kinds is a "provision", a part of two documents and with two
    labels in two graphs takes the smallest of each, a row kind wins over a provision kind, and a heading with
    a comma, quotes and a line break comes back whole (read here, or by a process of its own)."""
    d = "http://127.0.0.1:8000/eli/vn/qd/2024/9999/test"
    (tmp_path / "parts.trig").write_text(PARTS_TRIG, encoding="utf-8")
    store = OxigraphStore(tmp_path / "oxigraph")
    store.load(tmp_path / "parts.trig")
    want = store._provisions(d, False)
    assert [(p.iri.removeprefix(d), p.kind, p.parent, p.label, p.heading, p.ordinal) for p in want] == [
        ("/dieu_1", "article", "http://127.0.0.1:8000/eli/vn/qd/2024/9998/test", "Điều 0", None, 10),
        ("/dieu_1/khoan_1", "task", d + "/dieu_1", None, None, None),
        ("/khong_kieu/muc_a", "provision", d + "/khong_kieu", None, 'Mục thử nghiệm, "A"\nhai dòng', None)]
    index = build_index(store, tmp_path / "search.sqlite", parallel=parallel)
    assert (index.meta("seconds_elsewhere_part") is not None) == parallel
    for iri in (d, d + "/dieu_1", d + "/khong_kieu", "http://127.0.0.1:8000/eli/vn/qd/2024/9998/test", MISS):
        assert index.provisions(iri) == store._provisions(iri, False), iri
    index.close(), store.close()


LINKS_TRIG = """
@prefix cc: <https://w3id.org/cancu/ontology#> . @prefix eli: <http://data.europa.eu/eli/ontology#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> . @prefix org: <http://www.w3.org/ns/org#> .
@prefix t: <http://127.0.0.1:8000/eli/vn/qd/2024/> .
t:9999\\/test {
  t:9999\\/test a cc:LegalDocument, cc:Decision ; cc:number "9999/QĐ-TEST" ; cc:numberKey "9999/qd-test" ;
      eli:based_on t:9998\\/test ;
      eli:cites t:9998\\/test, t:9997\\/test ; cc:leadAgency <http://127.0.0.1:8000/id/agency/co-quan-x>, _:khong-ten ;
      cc:qualifiedLink t:9999\\/test\\/link\\/1, t:9999\\/test\\/link\\/2, t:9999\\/test\\/link\\/3, t:9999\\/test\\/link\\/4,
                       t:9999\\/test\\/link\\/6, t:9999\\/test\\/link\\/7 .
  <http://127.0.0.1:8000/id/agency/co-quan-x> a org:Organization ; cc:label "Cơ quan X" ; cc:numberKey "9999/qd-test" .
  t:9999\\/test\\/link\\/1 a cc:Link ; cc:linkRelation eli:based_on ; cc:linkTarget t:9998\\/test ;
      cc:inProvision t:9999\\/test\\/dieu_1, _:trong ; cc:quote "Căn cứ thử nghiệm A", "Căn cứ thử nghiệm B" ;
      cc:charStart "5"^^xsd:integer .
  t:9999\\/test\\/link\\/2 cc:linkRelation eli:based_on, eli:cites ; cc:linkTarget t:9998\\/test ; cc:quote "hai quan hệ" .
  t:9999\\/test\\/link\\/3 cc:linkRelation eli:based_on ; cc:linkTarget _:khong-ten-dich ; cc:quote "đích trống" .
  t:9999\\/test\\/link\\/4 cc:linkRelation eli:based_on ; cc:quote "không có đích" .
  t:9999\\/test\\/link\\/5 cc:linkRelation eli:based_on ; cc:linkTarget t:9998\\/test ; cc:quote "không ai dẫn" .
  t:9999\\/test\\/link\\/6 cc:linkRelation cc:leadAgency ; cc:linkTarget <http://127.0.0.1:8000/id/agency/co-quan-x> ;
      cc:inProvision _:dieu-trong ; cc:quote "Cơ quan X chủ trì" ; cc:charStart "1"^^xsd:integer ; cc:charEnd "9"^^xsd:integer .
  t:9999\\/test\\/link\\/7 cc:linkRelation cc:leadAgency ; cc:linkTarget _:khong-ten ; cc:quote "không tên" .
}
t:9998\\/test {
  t:9998\\/test a cc:LegalDocument, cc:Decision ; cc:number "9998/QĐ-TEST" ;
      cc:numberKey "9999/qd-test"@vi, "9998/qd-test", "9998/qd-test-2" .
  t:9999\\/test cc:qualifiedLink t:9998\\/test\\/link\\/1 .
  t:9998\\/test\\/link\\/1 cc:linkRelation eli:based_on ; cc:linkTarget t:9998\\/test ; cc:quote "nói trong văn bản khác" .
}
"""


@pytest.mark.parametrize("parallel", [False, True])
def test_links_and_keys_keep_the_stores_rules_at_their_edges(tmp_path: Path, parallel: bool) -> None:
    """Fictional links hitting each rule of a link's provenance, read all at once for the pages as the store reads
    them one document at a time: a document link drops a blank-node target or value, gives every combination of
    several values, counts a link once per relation, is asserted by the graph it sits in, and needs a subject and a
    target; a role link keeps a blank value but needs named ends. A number key finds documents only, by a plain
    string."""
    a, b = "http://127.0.0.1:8000/eli/vn/qd/2024/9999/test", "http://127.0.0.1:8000/eli/vn/qd/2024/9998/test"
    agency = "http://127.0.0.1:8000/id/agency/co-quan-x"
    (tmp_path / "links.trig").write_text(LINKS_TRIG, encoding="utf-8")
    store = OxigraphStore(tmp_path / "oxigraph")
    store.load(tmp_path / "links.trig")
    want = store._links([a], None, True)[a]  # type: ignore[attr-defined]
    assert [(r.relation, r.target.iri, [(p.document, p.provision, p.quote, p.start, p.end) for p in r.provenance])
            for r in want] == [
        ("cites", "http://127.0.0.1:8000/eli/vn/qd/2024/9997/test", []),
        ("based_on", b, [(b, None, "nói trong văn bản khác", None, None), (a, None, "hai quan hệ", None, None),
                         (a, a + "/dieu_1", "Căn cứ thử nghiệm A", 5, None), (a, a + "/dieu_1", "Căn cứ thử nghiệm B", 5, None)]),
        ("cites", b, [(a, None, "hai quan hệ", None, None)])]
    index = build_index(store, tmp_path / "search.sqlite", parallel=parallel)
    assert (index.meta("seconds_elsewhere_doc_link") is not None) == parallel
    iris = [a, b, "http://127.0.0.1:8000/eli/vn/qd/2024/9997/test", MISS]
    for outgoing in (True, False):
        assert index.links(iris, None, outgoing) == store._links(iris, None, outgoing)  # type: ignore[attr-defined]
    assert [d.iri for d in store._documents_by_key("9999/qd-test")] == [a]  # type: ignore[attr-defined]
    for key in ("9999/qd-test", "9998/qd-test", "9998/qd-test-2", "9997/qd-test"):  # a document of two keys is under each
        assert index.documents_by_key(key) == store._documents_by_key(key), key  # type: ignore[attr-defined]
    lead = store._roles(a, "out", ["lead"], None, 0)  # type: ignore[attr-defined]
    assert [(r.entity_iri, [(p.provision, p.quote, p.start, p.end) for p in r.provenance]) for r in lead] == [
        (agency, [("dieu-trong", "Cơ quan X chủ trì", 1, 9)])]  # a blank-node provision counts, by its id
    for iri, direction in ((a, "out"), (agency, "in")):
        assert index.roles(iri, direction, None, None, 0) == store._roles(iri, direction, None, None, 0)  # type: ignore[attr-defined]
        assert index.role_sources(iri, direction) == store.role_sources(iri, direction)
    index.close(), store.close()


TWICE_TRIG = """
@prefix cc: <https://w3id.org/cancu/ontology#> . @prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix t: <http://127.0.0.1:8000/eli/vn/qd/2024/> . @prefix id: <http://127.0.0.1:8000/id/> .
t:9999\\/test {
  t:9999\\/test a cc:LegalDocument, cc:Decision ; cc:number "9999/QĐ-TEST" ; cc:leadAgency id:unit\\/don-vi-y .
  id:unit\\/don-vi-y a cc:Unit, cc:Agency ; skos:prefLabel "Đơn vị Y" ; skos:altLabel "ĐVY" .
  id:enterprise\\/cong-ty-x a cc:Enterprise ; skos:prefLabel "Công ty X", "Công ty X (cũ)" .
}
"""


def test_every_named_entity_from_the_pages_is_the_stores_list(tmp_path: Path) -> None:
    """Every named entity at once (what an agency page names its parent and units from) is the store's list: an
    entity of two kinds once, under the least of them, and under each kind in that kind's list."""
    (tmp_path / "twice.trig").write_text(TWICE_TRIG, encoding="utf-8")
    store = OxigraphStore(None)
    store.load(tmp_path / "twice.trig")
    index = build_index(store, None)
    unit = "http://127.0.0.1:8000/id/unit/don-vi-y"
    every = index.entities(None)
    assert every == store._entities(None)  # type: ignore[attr-defined]
    assert [(e.iri.rsplit("/", 1)[1], e.kind, e.label, e.alt_labels) for e in every] == [
        ("cong-ty-x", "enterprise", "Công ty X", ()), ("don-vi-y", "agency", "Đơn vị Y", ("ĐVY",))]
    assert [(e.iri, e.kind) for k in ("agency", "unit") for e in index.entities(k)] == [(unit, "agency"), (unit, "unit")]
    index.close(), store.close()


def test_an_index_without_pages_searches_and_leaves_the_store_to_answer(tmp_path: Path) -> None:
    """The load benchmark's baseline: the same search, no page tables, so the store is not handed stale pages."""
    store = OxigraphStore(None)
    store.load(MINI)
    bare, full = build_index(store, tmp_path / "bare.sqlite", pages=False), build_index(store, tmp_path / "full.sqlite")
    assert not bare.has_roles and full.has_roles
    assert bare.search("thu nghiem") == full.search("thu nghiem") and bare.search("thu nghiem")[0] > 0
    assert bare.meta("seconds_roles") is None and full.meta("seconds_parts") is not None
    bare.close(), full.close()


def test_a_documents_parts_are_read_by_index_only() -> None:
    """Per request, a walk down the part table: no step may scan it (a scan is ~0.3 s at 100k documents)."""
    from graph import provision_pages

    store = OxigraphStore(None)
    store.load(MINI)
    index = build_index(store, None)
    plan = [row[-1] for row in index._conn.execute("EXPLAIN QUERY PLAN " + provision_pages._UNDER, (MISS,))]
    assert any("USING INDEX part_parent" in step for step in plan), plan
    assert not [step for step in plan if step.startswith("SCAN") and " part" in step], plan
    index.close()


COMMA_TRIG = """
@prefix cc: <https://w3id.org/cancu/ontology#> . @prefix eli: <http://data.europa.eu/eli/ontology#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
<http://127.0.0.1:8000/eli/vn/qd/2024/9999/test> {
  <http://127.0.0.1:8000/eli/vn/qd/2024/9999/test> a cc:LegalDocument, cc:Decision ; cc:number "9999/QĐ-TEST" ;
      cc:leadAgency <http://127.0.0.1:8000/id/agency/co-quan-x,y> ; cc:coordinatingAgency <http://127.0.0.1:8000/id/agency/co-quan-z> .
  <http://127.0.0.1:8000/id/agency/co-quan-x,y> a cc:Agency ; skos:prefLabel "Cơ quan X, Y" .
  <http://127.0.0.1:8000/id/agency/co-quan-z> a cc:Agency ; skos:prefLabel "Cơ quan Z" .
  <http://127.0.0.1:8000/eli/vn/qd/2024/9999/test/dieu_1,2> a cc:Article ;
      eli:is_part_of <http://127.0.0.1:8000/eli/vn/qd/2024/9999/test> ; cc:label "Điều 1, 2" .
  <http://127.0.0.1:8000/eli/vn/qd/2024/9999/test/dieu_1,2/khoan_1> a cc:Clause ;
      eli:is_part_of <http://127.0.0.1:8000/eli/vn/qd/2024/9999/test/dieu_1,2> .
}
"""


@pytest.mark.parametrize("parallel", [False, True])
def test_an_iri_with_a_comma_is_read_whole(tmp_path: Path, parallel: bool) -> None:
    """A comma is allowed in an IRI, and pyoxigraph 0.5.13 writes IRIs bare in SPARQL CSV (graph.oxigraph_store
    reads its bulk answers so): a fictional agency and parts whose IRIs have one are paged as the store answers,
    read here or by processes of their own, beside an end without one."""
    d = "http://127.0.0.1:8000/eli/vn/qd/2024/9999/test"
    (tmp_path / "comma.trig").write_text(COMMA_TRIG, encoding="utf-8")
    store = OxigraphStore(tmp_path / "oxigraph")
    store.load(tmp_path / "comma.trig")
    assert sorted((p.iri.removeprefix(d), p.label) for p in store._provisions(d, False)) == [  # type: ignore[attr-defined]
        ("/dieu_1,2", "Điều 1, 2"), ("/dieu_1,2/khoan_1", None)]
    assert sorted((r.entity_iri.rsplit("/", 1)[1], r.entity_kind, r.entity_label) for r in store._roles(  # type: ignore[attr-defined]
        d, "out", None, None, 0)) == [("co-quan-x,y", "agency", "Cơ quan X, Y"), ("co-quan-z", "agency", "Cơ quan Z")]
    assert assert_pages_are_the_store(store) > 0
    index = build_index(store, tmp_path / "search.sqlite", parallel=parallel)
    assert (index.meta("seconds_elsewhere_part") is not None) == parallel
    for iri in (d, d + "/dieu_1,2"):
        assert index.provisions(iri) == store._provisions(iri, False), iri  # type: ignore[attr-defined]
    for direction in ("out", "in"):
        assert index.roles(d, direction, None, None, 0) == store._roles(d, direction, None, None, 0)  # type: ignore[attr-defined]
    index.close(), store.close()


BLANK_LABEL_TRIG = """
@prefix cc: <https://w3id.org/cancu/ontology#> . @prefix skos: <http://www.w3.org/2004/02/skos/core#> .
<http://127.0.0.1:8000/eli/vn/qd/2024/9999/test> {
  <http://127.0.0.1:8000/eli/vn/qd/2024/9999/test> a cc:LegalDocument, cc:Decision ; cc:number "9999/QĐ-TEST" ;
      cc:leadAgency <http://127.0.0.1:8000/id/agency/co-quan-a> ; cc:coordinatingAgency <http://127.0.0.1:8000/id/agency/co-quan-b> .
  <http://127.0.0.1:8000/id/agency/co-quan-a> a cc:Agency ; skos:prefLabel [ cc:label "nhãn lồng" ] ; cc:label "Cơ quan A" .
  <http://127.0.0.1:8000/id/agency/co-quan-b> a cc:Agency ; skos:prefLabel [ cc:label "nhãn lồng B" ] .
}
"""


def blank_label_roles(store: Store) -> list[tuple[str, str | None, str | None, str | None]]:
    """Each agency's (name, label on the document's page, label in the list, label on its own page)."""
    d = "http://127.0.0.1:8000/eli/vn/qd/2024/9999/test"
    listed = {e.iri: e.label for e in store.entities("agency")}
    return sorted((r.entity_iri.rsplit("/", 1)[1], r.entity_label, listed[r.entity_iri],
                   getattr(store.entity(r.entity_iri), "label", "?")) for r in store.roles(d, "out", None, None, 0))


def test_a_blank_node_where_a_label_stands_is_no_label(tmp_path: Path) -> None:
    """A label property whose value is a blank node (fictional) is passed over for the next property, as Neo4j
    has no property for it: the store's roles and the pages built from them read it so, and the build goes on."""
    (tmp_path / "blank.trig").write_text(BLANK_LABEL_TRIG, encoding="utf-8")
    store = OxigraphStore(None)
    store.load(tmp_path / "blank.trig")
    assert blank_label_roles(store) == [("co-quan-a", "Cơ quan A", None, None), ("co-quan-b", None, None, None)]
    assert assert_pages_are_the_store(store) > 0
    store.close()


@pytest.mark.neo4j
def test_neo4j_reads_a_blank_node_label_as_oxigraph_does(neo4j_store: Store, tmp_path: Path) -> None:
    (tmp_path / "blank.trig").write_text(BLANK_LABEL_TRIG, encoding="utf-8")
    neo4j_store.load(tmp_path / "blank.trig")
    assert blank_label_roles(neo4j_store) == [("co-quan-a", "Cơ quan A", None, None), ("co-quan-b", None, None, None)]
    assert assert_pages_are_the_store(neo4j_store) > 0


HUGE_TRIG = """
@prefix cc: <https://w3id.org/cancu/ontology#> . @prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
<http://127.0.0.1:8000/eli/vn/qd/2024/9999/test> {
  <http://127.0.0.1:8000/eli/vn/qd/2024/9999/test> a cc:LegalDocument, cc:Decision ; cc:number "9999/QĐ-TEST" ;
      cc:year "YEAR"^^xsd:integer ;
      cc:leadAgency <http://127.0.0.1:8000/id/agency/co-quan-x> ;
      cc:qualifiedLink <http://127.0.0.1:8000/eli/vn/qd/2024/9999/test/link/1> .
  <http://127.0.0.1:8000/id/agency/co-quan-x> a cc:Agency ; skos:prefLabel "Cơ quan X" .
  <http://127.0.0.1:8000/eli/vn/qd/2024/9999/test/link/1> cc:linkRelation cc:leadAgency ;
      cc:linkTarget <http://127.0.0.1:8000/id/agency/co-quan-x> ; cc:quote "Cơ quan X chủ trì" ;
      cc:charStart "99999999999999999999999"^^xsd:integer ; cc:charEnd "9223372036854775807"^^xsd:integer .
}
""".replace("YEAR", "9" * 5000)  # past int()'s 4,300 digits too


def assert_huge_values_are_none(store: Store, tmp_path: Path) -> None:
    """HUGE_TRIG loaded into `store`: its year and start read as no value, the largest 64-bit end is kept, and
    the pages are the store's answers."""
    (tmp_path / "huge.trig").write_text(HUGE_TRIG, encoding="utf-8")
    store.load(tmp_path / "huge.trig")
    d = "http://127.0.0.1:8000/eli/vn/qd/2024/9999/test"
    assert store.document(d).year is None  # type: ignore[union-attr]
    [lead] = store._roles(d, "out", ["lead"], None, 0)  # type: ignore[attr-defined]
    assert [(p.start, p.end) for p in lead.provenance] == [(None, 2 ** 63 - 1)]
    assert assert_pages_are_the_store(store) > 0


def test_an_integer_no_64_bit_integer_holds_is_no_value(tmp_path: Path) -> None:
    """A year or offset past 64 bits (fictional) would not go into SQLite: it stopped the page tables' build, and
    so every later load of the store. It is read as no value, the largest 64-bit one is kept."""
    store = OxigraphStore(tmp_path / "oxigraph")
    assert_huge_values_are_none(store, tmp_path)
    build_index(store, tmp_path / "search.sqlite", parallel=True).close()
    store.close()


@pytest.mark.neo4j
def test_neo4j_reads_an_integer_past_64_bits_as_oxigraph_does(neo4j_store: Store, tmp_path: Path) -> None:
    """Neo4j holds no larger integer either: the value is kept as text and read as none (it stopped the load)."""
    assert_huge_values_are_none(neo4j_store, tmp_path)


ODD_PARTS_TRIG = """
@prefix cc: <https://w3id.org/cancu/ontology#> . @prefix eli: <http://data.europa.eu/eli/ontology#> .
<http://127.0.0.1:8000/eli/vn/qd/2024/9999/test> {
  <http://127.0.0.1:8000/eli/vn/qd/2024/9999/test> a cc:LegalDocument, cc:Decision ; cc:number "9999/QĐ-TEST" .
  <http://127.0.0.1:8000/eli/vn/qd/2024/9999/test/dieu_1> a cc:Article ; cc:label "Điều 1" ;
      eli:is_part_of "http://127.0.0.1:8000/eli/vn/qd/2024/9999/test" .
  <http://127.0.0.1:8000/eli/vn/qd/2024/9999/test/dieu_2> a cc:Article ; cc:label "Điều 2" ;
      eli:is_part_of <http://127.0.0.1:8000/eli/vn/qd/2024/9999/test> .
  _:hang a cc:Task ; cc:text "Nhiệm vụ thử nghiệm không tên" ; eli:is_part_of <http://127.0.0.1:8000/eli/vn/qd/2024/9999/test> .
}
"""


def test_a_literal_parent_and_a_nameless_row_are_read_as_the_store_reads_them(tmp_path: Path) -> None:
    """A parent given as a literal (fictional) is no parent, though SPARQL CSV writes it as it writes an IRI; an
    annex row that is a blank node has no id to list it by, in the store's listing as in the pages."""
    (tmp_path / "odd.trig").write_text(ODD_PARTS_TRIG, encoding="utf-8")
    store = OxigraphStore(None)
    store.load(tmp_path / "odd.trig")
    d = "http://127.0.0.1:8000/eli/vn/qd/2024/9999/test"
    assert [p.iri.removeprefix(d) for p in store._provisions(d, False) if p.kind == "article"] == [  # type: ignore[attr-defined]
        "/dieu_2"]
    assert store.task_rows(["task"]) == (0, [])
    assert assert_pages_are_the_store(store) > 0
    store.close()
