"""Materialised role pages (graph.role_index) answer exactly what the store computes from scratch
(`Store._roles`, `Store._role_counts`), on both stores, after loads, replaces and uploads."""

from __future__ import annotations

from pathlib import Path
from typing import Iterator

import pytest
from corpus_store import corpus_store  # noqa: F401  (fixture)
from neo4j_server import CorpusStores, Neo4jInfo, corpus_rdf, corpus_stores  # noqa: F401  (fixture)

from graph.oxigraph_store import OxigraphStore
from graph.search_index import build_index
from graph.store import Store

FIXTURES = Path(__file__).parent / "fixtures"
MINI, MINI_V2 = FIXTURES / "store-mini.nq", FIXTURES / "store-mini-v2.nq"
ROLE_FILTERS = [None, ["lead"], ["coordinating", "monitoring"], ["issued", "signed"], ["mentions"],
                ["governing_agency", "focal_unit", "core_enterprise"], ["approves", "names_platform", "regulates"]]
PAGES = [(None, 0), (1, 0), (2, 1), (5, 3), (50, 0), (3, 10_000)]


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
    seen = 0
    for iri, direction in holders or role_holders(store):
        scratch = store._role_counts(iri, direction)  # type: ignore[attr-defined]
        assert index.role_counts(iri, direction) == scratch, (iri, direction)
        seen += sum(scratch.values())
        for roles in ROLE_FILTERS:
            whole = store._roles(iri, direction, roles, None, 0)  # type: ignore[attr-defined]
            for limit, offset in PAGES:
                want = whole[offset:] if limit is None else whole[offset:offset + limit]
                assert index.roles(iri, direction, roles, limit, offset) == want, (iri, direction, roles, limit)
    index.close()
    return seen


def test_corpus_role_pages_are_the_store_answers(corpus_store: OxigraphStore) -> None:  # noqa: F811
    assert assert_pages_are_the_store(corpus_store) > 1000


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


@pytest.fixture(scope="module")
def corpus(neo4j_server: Neo4jInfo, corpus_rdf: list[Path]) -> Iterator[CorpusStores]:  # noqa: F811
    yield from corpus_stores(neo4j_server, corpus_rdf)


@pytest.mark.neo4j
def test_neo4j_role_pages_are_its_own_answers(corpus: CorpusStores) -> None:
    corpus.ensure()
    assert assert_pages_are_the_store(corpus.neo) > 1000


@pytest.mark.neo4j
def test_neo4j_pages_follow_replaces(neo4j_store: Store) -> None:
    for f in (MINI, MINI_V2, MINI):
        neo4j_store.load(f)
        assert assert_pages_are_the_store(neo4j_store) > 0
