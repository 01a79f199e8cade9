"""A link's provenance names the document whose graph asserted it, not the link's subject (Oxigraph, corpus).

982/QĐ-TTg and 1527/QĐ-BKHCN each state that 71/NQ-CP implements 57-NQ/TW; the quote and span are theirs."""

from __future__ import annotations

from graph.store import Store
from corpus_store import B, corpus_store  # noqa: F401  (fixture)

NQ71, NQ03 = f"{B}/eli/vn/nq/2025/71/cp", f"{B}/eli/vn/nq/2025/03/cp"
NQ57 = f"{B}/eli/vn/nq/2024/57/tw"
QD982, QD1527 = f"{B}/eli/vn/qd/2026/982/ttg", f"{B}/eli/vn/qd/2025/1527/bkhcn"


def asserting_documents(store: Store, source: str, relation: str, target: str) -> set[str]:
    """Who asserted `source relation target`, read from both ends: links_from the source, links_to the target."""
    out = {p.document for r in store.links_from(source, [relation]) if r.target.iri == target for p in r.provenance}
    back = {p.document for r in store.links_to(target, [relation]) if r.source.iri == source for p in r.provenance}
    assert out == back, (out, back)
    return out


def assert_provenance_is_the_asserting_graph(store: Store) -> None:
    """The corpus case, and for every document: a provenance's provision lies in the document it names."""
    assert {QD982, QD1527} <= asserting_documents(store, NQ71, "implements", NQ57)
    assert NQ71 in asserting_documents(store, NQ03, "implements", NQ57)  # 71/NQ-CP says it of 03/NQ-CP
    for doc in store.documents():
        for row in store.links_from(doc.iri) + store.links_to(doc.iri):
            for p in row.provenance:
                assert p.provision is None or p.provision.startswith(p.document + "/"), (row, p)


def test_provenance_names_the_asserting_document(corpus_store: Store) -> None:  # noqa: F811
    assert_provenance_is_the_asserting_graph(corpus_store)
