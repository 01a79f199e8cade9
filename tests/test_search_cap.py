"""A broad search looks at no more than MATCH_CAP matches and says so (real Oxigraph store and FTS5 index)."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from graph.oxigraph_store import OxigraphStore
from graph.search_index import MATCH_CAP, build_index

B = "http://127.0.0.1:8000"
CC = "https://w3id.org/cancu/ontology#"
ELI = "http://data.europa.eu/eli/ontology#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
N_DOCS = MATCH_CAP + 200  # more matches for "thu nghiem" than a search looks at
AGENCY = f"{B}/id/agency/bo-thu-nghiem"


def _doc(k: int) -> str:
    return f"{B}/eli/vn/qd/{1900 + k // 10}/{k}/test"


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> OxigraphStore:
    """N_DOCS decisions titled 'Thử nghiệm …' (one a year per ten numbers) and one agency 'Bộ Thử nghiệm'."""
    lines = []
    for k in range(N_DOCS):
        d, year = _doc(k), 1900 + k // 10
        lines += [f'<{d}> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <{CC}LegalDocument> <{d}> .',
                  f'<{d}> <{CC}number> "{k}/{year}/QĐ-TEST" <{d}> .',
                  f'<{d}> <{CC}year> "{year}" <{d}> .',
                  f'<{d}> <{ELI}title> "Thử nghiệm số {k}" <{d}> .',
                  f'<{d}> <{CC}sourceFile> "f{k}.txt" <{d}> .']
    lines += [f'<{AGENCY}> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <{CC}Agency> <{B}/graph/gazetteer> .',
              f'<{AGENCY}> <{SKOS}prefLabel> "Bộ Thử nghiệm" <{B}/graph/gazetteer> .']
    path: Path = tmp_path_factory.mktemp("cap") / "many.nq"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    s = OxigraphStore(None)
    s.load(path)
    return s


def test_broad_query_counts_and_ranks_the_first_matches_only(store: OxigraphStore) -> None:
    index = build_index(store, None)
    total, hits = index.search("thu nghiem", limit=MATCH_CAP)
    assert total == MATCH_CAP and len(hits) == MATCH_CAP
    assert hits[0].iri == AGENCY  # entities come first in index order: a broad query still finds them
    years = {int(h.iri.split("/")[-3]) for h in hits if h.kind == "document"}
    assert min(years) > 1900 and max(years) == 1900 + (N_DOCS - 1) // 10  # newest documents kept, oldest cut
    assert index.search("thu nghiem", offset=MATCH_CAP)[1] == []  # nothing past the cap
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)


def test_narrow_query_total_is_exact(store: OxigraphStore) -> None:
    index = build_index(store, None)
    total, hits = index.search("thu nghiem so 7")  # 7, 70-79, 700-799 and 7xx: fewer than the cap
    expected = sum(1 for k in range(N_DOCS) if str(k).startswith("7"))
    assert total == expected < MATCH_CAP and len(hits) == min(20, expected)
    assert index.search("1005/QD-TEST")[0] == 1


def test_api_says_when_the_total_is_a_lower_bound(store: OxigraphStore) -> None:
    with TestClient(create_app(store)) as c:
        broad = c.get("/search", params={"q": "thu nghiem", "limit": 5}).json()
        assert broad["total"] == MATCH_CAP and broad["total_is_lower_bound"] is True
        assert broad["items"][0]["kind"] == "agency" and len(broad["items"]) == 5
        narrow = c.get("/search", params={"q": "thu nghiem so 1005"}).json()
        assert narrow["total"] == 1 and narrow["total_is_lower_bound"] is False
        assert narrow["items"][0]["id"] == "qd-2000-1005-test"
        schema = c.get("/openapi.json").json()["components"]["schemas"]["SearchPage"]
        assert "(1,000)" in schema["properties"]["total_is_lower_bound"]["description"]  # the cap, documented
