"""One contract, two backends: Oxigraph and Neo4j give identical answers to every Store method."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest

from cancu.numbers import DocNumber
from graph.neo4j_store import Neo4jStore
from graph.oxigraph_store import OxigraphStore
from graph.store import Store
from neo4j_server import CorpusStores, Neo4jInfo, corpus_rdf, corpus_stores  # noqa: F401  (fixture)

pytestmark = pytest.mark.neo4j

FIXTURES = Path(__file__).parent / "fixtures"
MINI, MINI_V2 = FIXTURES / "store-mini.nq", FIXTURES / "store-mini-v2.nq"
RELATION_FILTERS = [None, ["based_on"], ["cites"], ["cites", "based_on"], []]
ROLE_FILTERS = [None, ["lead"], ["coordinating", "monitoring"], ["issued", "signed"], ["approves", "names_platform"],
                ["operating", "connecting", "regulates"], []]
PAGES = [(1, 0), (2, 1), (5, 3), (500, 0), (3, 10_000)]  # (limit, offset) of Store.roles
ENTITY_KINDS = [None, "agency", "unit", "enterprise", "person", "platform", "programme", "task", "indicator", "row", "x"]
LISTINGS = [{}, {"type": "quyet dinh"}, {"type": "Nghị định"}, {"issuer": "chinh phu"}, {"issuer": "BỘ THÔNG TIN"},
            {"year": 2025}, {"year": 1900}, {"field": "cong nghe"}, {"ingested": True}, {"ingested": False},
            {"limit": 5, "offset": 3}, {"limit": 500, "offset": 0}, {"offset": 10_000},
            {"type": "quyet dinh", "ingested": True, "limit": 3, "offset": 1}]


def _iris(path: Path) -> list[str]:
    """Every IRI in the file plus one unknown, so both stores are asked about stubs, entities and misses."""
    seen = {t.value for q in ox.parse(path=str(path), format=ox.RdfFormat.N_QUADS)
            for t in (q.subject, q.object) if isinstance(t, ox.NamedNode)}
    return sorted(seen | {"http://127.0.0.1:8000/eli/vn/qd/2099/1/none"})


def _keys(store: Store, iris: list[str]) -> list[str]:
    """The number key of every document in the store, plus one that matches nothing."""
    found = {"1/none"}
    for iri in iris:
        doc = store.document(iri)
        if doc and doc.number:
            found.add(DocNumber.parse(doc.number).key)
    return sorted(found)


def assert_same_store(a: Store, b: Store) -> None:
    """The whole-store methods: status counts, documents, entities of every kind, filtered listings."""
    sa, sb = a.status(), b.status()
    assert (sa.ok, sa.documents, sa.triples) == (sb.ok, sb.documents, sb.triples)
    assert a.documents() == b.documents()
    for kind in ENTITY_KINDS:
        assert a.entities(kind) == b.entities(kind), kind
    for kwargs in LISTINGS:
        assert a.list_documents(**kwargs) == b.list_documents(**kwargs), kwargs


def assert_same_about(a: Store, b: Store, iri: str, full: bool = True) -> None:
    """Every per-IRI method for one IRI (`full`: every relation and role filter, both provision modes)."""
    assert a.document(iri) == b.document(iri), iri
    assert a.entity(iri) == b.entity(iri), iri
    assert a.provisions(iri, with_text=True) == b.provisions(iri, with_text=True), iri
    for rels in RELATION_FILTERS if full else [None]:
        assert a.links_from(iri, rels) == b.links_from(iri, rels), (iri, rels)
        assert a.links_to(iri, rels) == b.links_to(iri, rels), (iri, rels)
    for roles in ROLE_FILTERS if full else [None]:
        for direction in ("out", "in"):
            assert a.roles(iri, direction, roles) == b.roles(iri, direction, roles), (iri, direction, roles)
    for direction in ("out", "in"):
        assert a.role_counts(iri, direction) == b.role_counts(iri, direction), (iri, direction)
    if full:
        assert a.provisions(iri) == b.provisions(iri), iri


def assert_many_is_per_iri(store: Store, iris: list[str]) -> None:
    """links_*_many over all `iris` at once answer, IRI by IRI, what links_from / links_to answer."""
    for rels in RELATION_FILTERS:
        assert store.links_from_many(iris, rels) == {i: store.links_from(i, rels) for i in iris}, rels
        assert store.links_to_many(iris, rels) == {i: store.links_to(i, rels) for i in iris}, rels


def assert_bulk_is_per_iri(store: Store, iris: list[str]) -> None:
    """documents_many and row_counts over all `iris` at once answer what document / provisions answer."""
    assert store.documents_many(iris) == {i: d for i in iris if (d := store.document(i)) is not None}
    assert store.row_counts(iris) == {i: sum(p.kind in ("task", "indicator", "row") for p in store.provisions(i))
                                      for i in iris}
    assert store.documents_many([]) == {} and store.row_counts([]) == {}


def assert_pages_are_slices(store: Store, iri: str, direction: str) -> None:
    """A page of roles is the slice of the whole sorted list; role_counts counts that list per role."""
    for roles in ROLE_FILTERS:
        whole = store.roles(iri, direction, roles)
        for limit, offset in PAGES:
            assert store.roles(iri, direction, roles, limit, offset) == whole[offset:offset + limit], (iri, roles)
    assert store.role_counts(iri, direction) == Counter(r.role for r in store.roles(iri, direction)), iri


def assert_same(a: Store, b: Store, iris: list[str]) -> None:
    assert_same_store(a, b)
    for rels in RELATION_FILTERS:
        assert a.links_from_many(iris, rels) == b.links_from_many(iris, rels), rels
        assert a.links_to_many(iris, rels) == b.links_to_many(iris, rels), rels
    for store in (a, b):
        assert_bulk_is_per_iri(store, iris)
    assert a.documents_many(iris) == b.documents_many(iris) and a.row_counts(iris) == b.row_counts(iris)
    for key in _keys(a, iris):
        assert a.documents_by_key(key) == b.documents_by_key(key), key
    for iri in iris:
        assert_same_about(a, b, iri)


@pytest.fixture
def both(neo4j_store: Neo4jStore) -> Iterator[tuple[Store, Store]]:
    oxi = OxigraphStore()
    yield oxi, neo4j_store
    oxi.close()


def test_same_answers_after_load(both: tuple[Store, Store]) -> None:
    oxi, neo = both
    assert oxi.load(MINI) == neo.load(MINI)
    assert_same(oxi, neo, _iris(MINI))


def test_same_answers_after_replacing_a_graph(both: tuple[Store, Store]) -> None:
    oxi, neo = both
    for store in (oxi, neo):
        store.load(MINI)
        store.load(MINI_V2)
        store.load(MINI_V2)
    assert_same(oxi, neo, _iris(MINI))


def test_unknown_relation_is_refused_alike(both: tuple[Store, Store]) -> None:
    oxi, neo = both
    for store in (oxi, neo):
        with pytest.raises(ValueError, match="unknown relation"):
            store.links_from("http://127.0.0.1:8000/eli/vn/qd/2024/9001/test", ["cited_by"])
        with pytest.raises(ValueError, match="unknown relation"):
            store.links_to_many(["http://127.0.0.1:8000/eli/vn/qd/2024/9001/test"], ["cited_by"])


def test_unknown_role_or_direction_is_refused_alike(both: tuple[Store, Store]) -> None:
    oxi, neo = both
    for store in (oxi, neo):
        with pytest.raises(ValueError, match="unknown role"):
            store.roles("http://127.0.0.1:8000/id/agency/bo-thu-nghiem", "in", ["chairs"])
        with pytest.raises(ValueError, match="direction"):
            store.roles("http://127.0.0.1:8000/id/agency/bo-thu-nghiem", "both")
        with pytest.raises(ValueError, match="direction"):
            store.role_counts("http://127.0.0.1:8000/id/agency/bo-thu-nghiem", "both")


def test_every_protocol_method_is_implemented_by_both() -> None:
    """Neo4jStore has every Store method; `sparql` stays Oxigraph-only (the API answers 501 / JSON-only there)."""
    methods = {m for m in dir(Store) if not m.startswith("_")} - {"name"}
    assert methods <= {m for m in dir(Neo4jStore) if callable(getattr(Neo4jStore, m))}
    assert not hasattr(Neo4jStore, "sparql") and hasattr(OxigraphStore, "sparql")


# ---- the real corpus (ingested by the CLI), both stores, every method -----------------------------------


@pytest.fixture(scope="module")
def corpus(neo4j_server: Neo4jInfo, corpus_rdf: list[Path]) -> Iterator[CorpusStores]:  # noqa: F811
    yield from corpus_stores(neo4j_server, corpus_rdf)


@pytest.fixture
def real(corpus: CorpusStores) -> tuple[Store, Store]:
    corpus.ensure()  # another test may have emptied the database
    return corpus.oxi, corpus.neo


def _sample(items: list[str], n: int) -> list[str]:
    """About `n` items spread evenly over the sorted list (first and last included): deterministic."""
    items = sorted(items)
    if len(items) <= n:
        return items
    step = (len(items) - 1) / (n - 1)
    return sorted({items[round(i * step)] for i in range(n)})


def test_corpus_whole_store_answers_are_identical(real: tuple[Store, Store]) -> None:
    oxi, neo = real
    assert oxi.status().documents >= 20 and len(oxi.documents()) > 100  # the corpus, with its stubs
    assert_same_store(oxi, neo)


def test_corpus_every_document_is_answered_alike(real: tuple[Store, Store]) -> None:
    oxi, neo = real
    docs = [d.iri for d in oxi.documents()]
    for key in _keys(oxi, docs):
        assert oxi.documents_by_key(key) == neo.documents_by_key(key), key
    for iri in docs:
        assert_same_about(oxi, neo, iri)
    assert any(oxi.provisions(i) for i in docs) and any(oxi.roles(i, "out") for i in docs)


def test_corpus_entities_and_tasks_are_answered_alike(real: tuple[Store, Store]) -> None:
    oxi, neo = real
    entities = [e.iri for e in oxi.entities()]
    rows = [e.iri for k in ("task", "indicator") for e in oxi.entities(k)]
    assert len(entities) > 100 and len(rows) > 100
    for iri in _sample(entities, 80) + _sample(rows, 60):
        assert_same_about(oxi, neo, iri, full=False)
    held = [e for e in entities if oxi.roles(e, "in")][:40]  # agencies that lead, coordinate, issue …
    assert held
    for iri in held:
        for roles in ROLE_FILTERS:
            assert oxi.roles(iri, "in", roles) == neo.roles(iri, "in", roles), (iri, roles)


def test_corpus_provisions_and_misses_are_answered_alike(real: tuple[Store, Store]) -> None:
    oxi, neo = real
    parts = [p.iri for d in oxi.documents() for p in oxi.provisions(d.iri)]
    assert len(parts) > 500
    for iri in _sample(parts, 60) + ["http://127.0.0.1:8000/eli/vn/qd/2099/1/none", "not an iri", ""]:
        assert_same_about(oxi, neo, iri, full=False)


def test_corpus_batched_links_are_the_per_document_links(real: tuple[Store, Store]) -> None:
    """Every document of the corpus in one batch (plus a miss, a non-IRI and a repeat), on both stores: links,
    summaries and row counts."""
    oxi, neo = real
    docs = [d.iri for d in oxi.documents()]
    iris = docs + ["http://127.0.0.1:8000/eli/vn/qd/2099/1/none", "not an iri", docs[0]]
    assert any(oxi.links_to(i) for i in docs) and any(oxi.links_from(i, ["based_on"]) for i in docs)
    for store in (oxi, neo):
        assert_many_is_per_iri(store, iris)
        assert store.links_from_many([]) == {}
        assert_bulk_is_per_iri(store, iris)
    assert sum(oxi.row_counts(docs).values()) > 100  # the corpus's annexes have rows
    assert oxi.documents_many(iris) == neo.documents_many(iris) and oxi.row_counts(iris) == neo.row_counts(iris)
    for rels in RELATION_FILTERS:
        assert oxi.links_from_many(iris, rels) == neo.links_from_many(iris, rels), rels
        assert oxi.links_to_many(iris, rels) == neo.links_to_many(iris, rels), rels


def test_corpus_role_pages_and_counts(real: tuple[Store, Store]) -> None:
    """Pages and counts of roles, for every document and every entity holding a role, on both stores."""
    oxi, neo = real
    docs = [d.iri for d in oxi.documents()]
    held = [e.iri for e in oxi.entities() if oxi.role_counts(e.iri, "in")]
    assert len(held) > 10 and max(sum(oxi.role_counts(e, "in").values()) for e in held) > max(n for n, _ in PAGES[:3])
    for iri, direction in [(d, "out") for d in docs] + [(e, "in") for e in held]:
        for store in (oxi, neo):
            assert_pages_are_slices(store, iri, direction)
        assert oxi.role_counts(iri, direction) == neo.role_counts(iri, direction), iri
        for limit, offset in PAGES:
            assert oxi.roles(iri, direction, None, limit, offset) == neo.roles(iri, direction, None, limit, offset)


def test_corpus_provenance_is_the_asserting_graph(real: tuple[Store, Store]) -> None:
    """A relation 982/QĐ-TTg states about 71/NQ-CP is 982's claim on both stores (quote and span are 982's)."""
    from test_provenance_graph import assert_provenance_is_the_asserting_graph

    for store in real:
        assert_provenance_is_the_asserting_graph(store)


def test_own_facts_first_on_both_stores(neo4j_server: Neo4jInfo, corpus_rdf: list[Path],  # noqa: F811
                                        tmp_path_factory: pytest.TempPathFactory) -> None:
    """The corpus plus the fictional upload citing 749/QĐ-TTg "của Bộ Công an": Neo4j's `_view` and roles keep
    749's own issuer and date and one canonical title for a law known only from citations, as Oxigraph does."""
    from test_own_facts import assert_own_facts, fictional_upload

    upload = fictional_upload(tmp_path_factory)
    for pair in corpus_stores(neo4j_server, [*corpus_rdf, upload]):
        for store in (pair.oxi, pair.neo):
            assert_own_facts(store)
        assert_same_store(pair.oxi, pair.neo)
        for iri in ("http://127.0.0.1:8000/eli/vn/qd/2020/749/ttg", "http://127.0.0.1:8000/id/agency/bo-cong-an",
                    "http://127.0.0.1:8000/eli/vn/luat/2025-02-18/to-chuc-chinh-phu"):
            assert_same_about(pair.oxi, pair.neo, iri)
