"""One API, two stores: every endpoint family answers the same JSON on Oxigraph and on Neo4j (real corpus).

The corpus is ingested by the real CLI and loaded into an in-memory Oxigraph and the test Neo4j; each
request goes to `create_app(store)` for both and the status codes and bodies must be equal. Only the
backend's own name and address (/health) differ, and the endpoints that need SPARQL or Cypher.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.convert import doc_id
from api.ids import entity_id, task_id
from neo4j_server import CorpusStores, Neo4jInfo, corpus_rdf, corpus_stores  # noqa: F401  (fixture)

pytestmark = pytest.mark.neo4j

BKHCN = "Bộ Khoa học và Công nghệ"
BTTTT = "Bộ Thông tin và Truyền thông"


@pytest.fixture(scope="module")
def corpus(neo4j_server: Neo4jInfo, corpus_rdf: list[Path]) -> Iterator[CorpusStores]:  # noqa: F811
    yield from corpus_stores(neo4j_server, corpus_rdf)


@pytest.fixture(scope="module")
def clients(corpus: CorpusStores) -> Iterator[tuple[TestClient, TestClient]]:
    with TestClient(create_app(corpus.oxi)) as oxi, TestClient(create_app(corpus.neo)) as neo:
        yield oxi, neo


@pytest.fixture
def api(corpus: CorpusStores, clients: tuple[TestClient, TestClient]) -> tuple[TestClient, TestClient]:
    corpus.ensure()  # another test module may have emptied the database
    return clients


def same(api: tuple[TestClient, TestClient], url: str, **params: Any) -> Any:
    """GET `url` on both apps; equal status and JSON body; returns the body."""
    a, b = (c.get(url, params=params) for c in api)
    assert a.status_code == b.status_code, (url, params, a.status_code, b.status_code, b.text[:300])
    assert a.json() == b.json(), (url, params)
    assert a.status_code < 500, (url, params, a.text[:300])
    return a.json()


def _docs(corpus: CorpusStores) -> tuple[list[str], list[str]]:
    """(ingested document ids, a spread of stub ids) of the corpus."""
    docs = corpus.oxi.documents()
    ingested = [i for d in docs if d.ingested and (i := doc_id(d.iri))]
    stubs = [i for d in docs if not d.ingested and (i := doc_id(d.iri))]
    return ingested, stubs[::max(1, len(stubs) // 12)]


def test_health_is_the_same_but_for_the_backend(api: tuple[TestClient, TestClient]) -> None:
    a, b = (c.get("/health").json() for c in api)
    assert (a.pop("backend"), b.pop("backend")) == ("oxigraph", "neo4j")
    a.pop("detail"), b.pop("detail")
    assert a == b and a["state"] == "ok" and a["documents"] >= 20


def test_resolve(api: tuple[TestClient, TestClient]) -> None:
    assert same(api, "/resolve", ref="186/QĐ-BTTTT")["id"] == "qd-2022-186-btttt"
    for ref in ("749/QD-TTg", "Quyết định số 749/QĐ-TTg", "03/NQ-CP", "Luật Tổ chức Chính phủ", "99999/QĐ-XYZ"):
        same(api, "/resolve", ref=ref)
    ambiguous = [c.get("/resolve", params={"ref": "50/NQ-CP"}) for c in api]
    assert [r.status_code for r in ambiguous] == [300, 300]
    assert ambiguous[0].json() == ambiguous[1].json() and len(ambiguous[0].json()["candidates"]) >= 2
    same(api, "/resolve", ref="50/NQ-CP", year=2020)


def test_document_list(api: tuple[TestClient, TestClient]) -> None:
    assert same(api, "/documents")["total"] > 100
    for params in ({"ingested": "true"}, {"ingested": "false", "limit": 7, "offset": 14}, {"type": "nghi dinh"},
                   {"issuer": "thong tin"}, {"year": 2025}, {"field": "cong nghe"}, {"offset": 500},
                   {"type": "Quyết định", "issuer": "Thủ tướng", "limit": 3}):
        same(api, "/documents", **params)


def test_documents_one_by_one_with_links_and_chains(api: tuple[TestClient, TestClient], corpus: CorpusStores) -> None:
    ingested, stubs = _docs(corpus)
    assert len(ingested) >= 20
    for i in ingested + stubs:
        same(api, f"/documents/{i}")
        for tail in ("legal-bases", "cited-by", "citations", "relations"):
            same(api, f"/documents/{i}/{tail}")
        same(api, f"/documents/{i}/chain", direction="up", depth=3)
        same(api, f"/documents/{i}/chain", direction="down", depth=3)
    one = "qd-2022-186-btttt"
    assert same(api, f"/documents/{one}", text="true")["provisions"]
    same(api, f"/documents/{one}/chain", direction="up", depth=5, relations="based_on,cites", max_nodes=5)
    same(api, f"/documents/{one}/cited-by", relations="cites", limit=2)
    same(api, f"/eli/vn/{one.replace('-', '/', 2)}")  # the IRI dereferences to the same JSON
    for bad in ("qd-2099-1-none", "not-an-id"):
        same(api, f"/documents/{bad}")
        same(api, f"/documents/{bad}/chain")
    same(api, f"/documents/{one}/chain", relations="cited_by")
    for i in ingested[:8]:  # one provision each, with what cites it and what it cites by number
        d = same(api, f"/documents/{i}")
        for p in d["provisions"][-2:]:
            same(api, f"/documents/{i}/provisions/{p['iri'][len(d['iri']) + 1:]}")
    same(api, f"/documents/{one}/provisions/dieu_99")  # a 404 with the same suggestions


def test_tasks(api: tuple[TestClient, TestClient], corpus: CorpusStores) -> None:
    assert same(api, "/tasks")["total"] > 100
    for params in ({"document": "nq-2025-03-cp"}, {"lead": BKHCN}, {"coordinating": BTTTT, "kind": "task"},
                   {"kind": "indicator", "limit": 5, "offset": 5}, {"lead": "bo-khoa-hoc-va-cong-nghe",
                   "document": "nq-2025-03-cp"}, {"monitoring": BKHCN}, {"lead": "Bộ Không Có"}):
        same(api, "/tasks", **params)
    rows = [e.iri for k in ("task", "indicator") for e in corpus.oxi.entities(k)]
    for iri in rows[::max(1, len(rows) // 25)]:
        same(api, f"/tasks/{task_id(iri)}")
    same(api, "/tasks/nq-2025-03-cp~phu_luc_9~hang_999")


def test_agencies_enterprises_programmes_platforms(api: tuple[TestClient, TestClient], corpus: CorpusStores) -> None:
    for path in ("/agencies", "/enterprises", "/programmes", "/platforms"):
        same(api, path)
        same(api, path, q="thong tin", limit=5)
    agencies = [e.iri for k in ("agency", "unit") for e in corpus.oxi.entities(k)]
    held = [a for a in agencies if corpus.oxi.roles(a, "in")]
    for iri in held + agencies[::max(1, len(agencies) // 15)]:
        same(api, f"/agencies/{entity_id(iri)}", limit=10)
    same(api, "/agencies/bo-thong-tin-va-truyen-thong", limit=3, offset=2)
    for kind, path in (("programme", "programmes"), ("platform", "platforms"), ("enterprise", "enterprises")):
        for e in corpus.oxi.entities(kind):
            same(api, f"/{path}/{entity_id(e.iri)}")
    same(api, "/agencies/bo-khong-co")


def test_search(api: tuple[TestClient, TestClient]) -> None:
    for q in ("bo thong tin", "749/QĐ-TTg", "chuyển đổi số", "nen tang"):
        same(api, "/search", q=q)
    same(api, "/search", q="bo", kind="agency", limit=5, offset=2)


def test_query_endpoints_follow_the_backend(api: tuple[TestClient, TestClient]) -> None:
    oxi, neo = api
    q = "SELECT (COUNT(*) AS ?n) WHERE { ?d a cc:LegalDocument }"
    assert oxi.get("/sparql", params={"query": q}).status_code == 200
    r = neo.get("/sparql", params={"query": q})
    assert r.status_code == 501 and r.json()["error"]["code"] == "not_implemented"
    assert oxi.post("/cypher", json={"query": "MATCH (n) RETURN n LIMIT 1"}).status_code == 501
    assert neo.get("/viz/documents/qd-2022-186-btttt").status_code == 200


def test_entity_pages_and_iris_on_neo4j(api: tuple[TestClient, TestClient]) -> None:
    neo = api[1]
    assert neo.get("/viz/agencies/bo-thong-tin-va-truyen-thong").status_code == 200
    assert neo.get("/id/agency/bo-thong-tin-va-truyen-thong").status_code != 404


def test_cypher_answers_on_neo4j(api: tuple[TestClient, TestClient]) -> None:
    r = api[1].post("/cypher", json={"query": "MATCH (d:LegalDocument) RETURN count(d) AS n"})
    assert r.status_code == 200 and r.json()["rows"][0]["n"] > 100
