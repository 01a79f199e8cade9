"""One contract, two backends: Oxigraph and Neo4j give identical answers to every Store method."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest

from cancu.numbers import DocNumber
from graph.neo4j_store import Neo4jStore
from graph.oxigraph_store import OxigraphStore
from graph.store import Store

pytestmark = pytest.mark.neo4j

FIXTURES = Path(__file__).parent / "fixtures"
MINI, MINI_V2 = FIXTURES / "store-mini.nq", FIXTURES / "store-mini-v2.nq"
RELATION_FILTERS = [None, ["based_on"], ["cites"], ["cites", "based_on"], []]


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


def assert_same(a: Store, b: Store, iris: list[str]) -> None:
    sa, sb = a.status(), b.status()
    assert (sa.ok, sa.documents, sa.triples) == (sb.ok, sb.documents, sb.triples)
    for key in _keys(a, iris):
        assert a.documents_by_key(key) == b.documents_by_key(key), key
    for iri in iris:
        assert a.document(iri) == b.document(iri), iri
        for rels in RELATION_FILTERS:
            assert a.links_from(iri, rels) == b.links_from(iri, rels), (iri, rels)
            assert a.links_to(iri, rels) == b.links_to(iri, rels), (iri, rels)


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
