"""The API over an in-memory Oxigraph store loaded with the fictional fixture (no mocks)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Iterator

import pyoxigraph as ox
import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from graph.oxigraph_store import OxigraphStore

FIXTURE = Path(__file__).parent / "fixtures" / "api_fixture.trig"
B = "http://127.0.0.1:8000"
D1_ID, D1 = "qd-2021-9001-test", f"{B}/eli/vn/qd/2021/9001/test"


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("CANCU_BASE", B)  # the fixture's IRIs use this base
        store = OxigraphStore(None)
        store.load(FIXTURE)
        with TestClient(create_app(store)) as c:
            yield c


def assert_error(resp, status: int, code: str) -> dict:
    assert resp.status_code == status, resp.text
    body = resp.json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message", "suggestions"}
    assert body["error"]["code"] == code and body["error"]["message"]
    return body["error"]


@pytest.mark.parametrize("ref", ["9001/QĐ-TEST", "9001/QD-TEST", "QĐ 9001/QĐ-TEST", "Quyết định số 9001/QĐ-TEST",
                                 "QĐ 9001", "quyết định số 9001/qđ-test", "9001/QÐ-TEST"])
def test_resolve_spellings(client: TestClient, ref: str) -> None:
    r = client.get("/resolve", params={"ref": ref})
    assert r.status_code == 200, r.text
    body = r.json()
    assert (body["id"], body["iri"], body["number"], body["type"], body["issuer"], body["date"], body["ingested"]) == (
        D1_ID, D1, "9001/QĐ-TEST", "Quyết định", "Bộ Thử nghiệm", "2021-03-15", True)
    assert body["ambiguous"] is False


def test_resolve_ambiguous_number_does_not_guess(client: TestClient) -> None:
    r = client.get("/resolve", params={"ref": "77/NQ-TEST"})
    assert r.status_code == 300
    body = r.json()
    assert body["ambiguous"] is True and "ambiguous" in body["message"]
    assert [(c["id"], c["date"], c["year"]) for c in body["candidates"]] == [
        ("nq-2020-77-test", "2020-05-05", 2020), ("nq-2021-77-test", "2021-01-10", 2021)]


def test_resolve_year_disambiguates(client: TestClient) -> None:
    assert client.get("/resolve", params={"ref": "77/NQ-TEST", "year": 2021}).json()["id"] == "nq-2021-77-test"
    assert client.get("/resolve", params={"ref": "Nghị quyết số 77/NQ-TEST năm 2020"}).json()["id"] == "nq-2020-77-test"
    err = assert_error(client.get("/resolve", params={"ref": "77/NQ-TEST", "year": 2019}), 404, "not_found")
    assert err["suggestions"] == ["nq-2020-77-test", "nq-2021-77-test"]


def test_resolve_unknown_suggests_near_matches(client: TestClient) -> None:
    err = assert_error(client.get("/resolve", params={"ref": "9001/QĐ-TTG"}), 404, "not_found")
    assert "9001/QĐ-TEST" in err["suggestions"]  # same number, another issuer
    err = assert_error(client.get("/resolve", params={"ref": "9003/QĐ-TEST"}), 404, "not_found")
    assert "9001/QĐ-TEST" in err["suggestions"] or "9002/QĐ-TEST" in err["suggestions"]
    assert_error(client.get("/resolve", params={"ref": "hello"}), 400, "invalid_reference")
    assert_error(client.get("/resolve"), 422, "invalid_request")


def test_document_metadata(client: TestClient) -> None:
    body = client.get(f"/documents/{D1_ID}").json()
    assert isinstance(body.pop("provisions"), list)  # the provisions are checked in test_api_graph.py
    assert body == {"id": D1_ID, "iri": D1, "number": "9001/QĐ-TEST", "type": "Quyết định", "issuer": "Bộ Thử nghiệm",
                    "date": "2021-03-15", "year": 2021, "title": "Quyết định phê duyệt Chương trình chuyển đổi số thử nghiệm",
                    "ingested": True, "source_file": "corpus/test/9001-QD-TEST.txt"}
    law = client.get("/documents/luat-2018-06-20-thu-nghiem").json()
    assert (law["title"], law["ingested"]) == ("Luật Thử nghiệm", False)


def test_document_errors(client: TestClient) -> None:
    err = assert_error(client.get("/documents/qd-2020-9001-test"), 404, "not_found")
    assert D1_ID in err["suggestions"]
    assert_error(client.get("/documents/not-an-id"), 400, "invalid_id")
    assert_error(client.get("/documents/not-an-id/legal-bases"), 400, "invalid_id")


def test_legal_bases(client: TestClient) -> None:
    body = client.get(f"/documents/{D1_ID}/legal-bases").json()
    assert body["total"] == 3 and body["direction"] == "outgoing"
    items = body["items"]
    assert [(i["document"]["number"] or i["document"]["title"], i["document"]["date"]) for i in items] == [
        ("12/2019/NĐ-TEST", "2019-02-01"), ("77/NQ-TEST", "2021-01-10"), ("Luật Thử nghiệm", "2018-06-20")]
    nq = items[1]
    assert nq["relation"] == "based_on" and nq["document"]["id"] == "nq-2021-77-test"
    assert (nq["document"]["type"], nq["document"]["issuer"], nq["document"]["ingested"]) == (
        "Nghị quyết", "Chính phủ Thử nghiệm", True)
    assert nq["provenance"] == [{"document": D1, "document_id": D1_ID, "provision": None, "start": 257, "end": 330,
                                 "quote": "Căn cứ Nghị quyết số 77/NQ-TEST ngày 10 tháng 01 năm 2021 của Chính phủ;"}]
    assert items[0]["document"]["ingested"] is False  # a stub known only from the citation


def test_citations_outgoing_all_kinds(client: TestClient) -> None:
    items = client.get(f"/documents/{D1_ID}/citations").json()["items"]
    assert [(i["relation"], i["document"]["id"]) for i in items] == [
        ("based_on", "nd-2019-12-test"), ("cites", "nq-2020-77-test"), ("based_on", "nq-2021-77-test"),
        ("based_on", "luat-2018-06-20-thu-nghiem")]
    assert [p["provision"].rsplit("/", 1)[1] for p in items[1]["provenance"]] == ["dieu_1", "dieu_2"]
    only = client.get(f"/documents/{D1_ID}/citations", params={"relation": "cites"}).json()
    assert only["total"] == 1 and only["relations"] == ["cites"]
    assert_error(client.get(f"/documents/{D1_ID}/citations", params={"relation": "likes"}), 400, "invalid_relation")


def test_cited_by_with_relation_kinds(client: TestClient) -> None:
    body = client.get(f"/documents/{D1_ID}/cited-by").json()
    assert body["direction"] == "incoming"
    assert [(i["document"]["number"], i["relation"]) for i in body["items"]] == [
        ("555/BTN-KHCN", "cites"), ("9002/QĐ-TEST", "based_on")]
    cites = body["items"][0]
    assert cites["relation_label"].startswith("dẫn chiếu")
    assert cites["provenance"][0]["provision"] == f"{B}/eli/vn/cv/2021/555/btn-khcn/dieu_1"
    assert body["items"][1]["relation_label"].startswith("căn cứ")


def test_pagination(client: TestClient) -> None:
    page = client.get(f"/documents/{D1_ID}/citations", params={"limit": 2, "offset": 1}).json()
    assert (page["total"], page["limit"], page["offset"]) == (4, 2, 1)
    assert [i["document"]["id"] for i in page["items"]] == ["nq-2020-77-test", "nq-2021-77-test"]
    assert_error(client.get(f"/documents/{D1_ID}/citations", params={"limit": 0}), 422, "invalid_request")
    assert_error(client.get(f"/documents/{D1_ID}/citations", params={"offset": -1}), 422, "invalid_request")


def test_content_negotiation(client: TestClient) -> None:
    r = client.get(f"/documents/{D1_ID}", headers={"Accept": "text/turtle"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/turtle")
    triples = list(ox.parse(r.content, format=ox.RdfFormat.TURTLE))
    preds = {t.predicate.value for t in triples if t.subject.value == D1}
    assert "http://data.europa.eu/eli/ontology#based_on" in preds
    assert any(t.subject.value == f"{D1}/link/3" for t in triples)  # provenance travels with the resource
    r = client.get(f"/documents/{D1_ID}", headers={"Accept": "application/ld+json"})
    assert r.headers["content-type"].startswith("application/ld+json")
    assert any(node.get("@id") == D1 for node in r.json())
    r = client.get(f"/documents/{D1_ID}", headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"})
    assert r.json()["id"] == D1_ID
    assert client.get(f"/documents/{D1_ID}?format=ttl").headers["content-type"].startswith("text/turtle")
    assert_error(client.get(f"/documents/{D1_ID}", headers={"Accept": "image/png"}), 406, "not_acceptable")


def test_iris_dereference(client: TestClient) -> None:
    assert client.get("/eli/vn/qd/2021/9001/test").json()["id"] == D1_ID
    r = client.get("/eli/vn/qd/2021/9001/test", headers={"Accept": "text/turtle"})
    assert r.status_code == 200 and b"9001/Q" in r.content
    prov = client.get("/eli/vn/qd/2021/9001/test/dieu_1")
    assert prov.status_code == 200 and prov.headers["content-type"].startswith("application/ld+json")
    agency = client.get("/id/agency/bo-thu-nghiem", headers={"Accept": "text/turtle"})
    assert agency.status_code == 200 and "Bộ Thử nghiệm" in agency.text
    assert_error(client.get("/eli/vn/qd/2021/1/none"), 404, "not_found")
    assert_error(client.get("/id/agency/nobody"), 404, "not_found")


def test_health(client: TestClient) -> None:
    body = client.get("/health").json()
    assert (body["backend"], body["state"], body["documents"], body["triples"]) == ("oxigraph", "ok", 4, 211)


def test_store_down_answers_503(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CANCU_OXIGRAPH", str(tmp_path / "never-loaded"))
    monkeypatch.setenv("CANCU_DATA", str(tmp_path))
    monkeypatch.setenv("CANCU_STORE", "oxigraph")
    with TestClient(create_app()) as c:
        err = assert_error(c.get("/health"), 503, "store_unavailable")
        assert "cancu load" in err["message"]
        assert_error(c.get("/resolve", params={"ref": "749/QĐ-TTg"}), 503, "store_unavailable")
        assert_error(c.get("/search", params={"q": "bo"}), 503, "store_unavailable")


def test_default_app_serves_the_loaded_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import gc

    from graph.search_index import build_index

    monkeypatch.setenv("CANCU_BASE", B)
    monkeypatch.setenv("CANCU_DATA", str(tmp_path))
    monkeypatch.setenv("CANCU_OXIGRAPH", str(tmp_path / "oxigraph"))
    writer = OxigraphStore(tmp_path / "oxigraph")
    writer.load(FIXTURE)
    build_index(writer, tmp_path / "search.sqlite")
    writer.close()
    del writer
    gc.collect()
    with TestClient(create_app()) as c:
        health = c.get("/health").json()
        assert health["documents"] == 4 and "read-only" in health["detail"]
        assert health["search_index"].endswith("search.sqlite")
        assert c.get("/resolve", params={"ref": "QĐ 9001"}).json()["id"] == D1_ID


def test_search(client: TestClient) -> None:
    body = client.get("/search", params={"q": "bo thong tin"}).json()
    assert body["items"][0]["label"] == "Bộ Thông tin và Truyền thông" and body["total"] == 1
    docs = client.get("/search", params={"q": "ke hoach van hanh", "kind": "document"}).json()
    assert [i["id"] for i in docs["items"]] == ["qd-2022-9002-test"]
    page = client.get("/search", params={"q": "thu nghiem", "limit": 2, "offset": 2}).json()
    assert page["total"] > 4 and len(page["items"]) == 2
    assert_error(client.get("/search", params={"q": "--"}), 400, "invalid_query")
    assert_error(client.get("/search", params={"q": "x", "kind": "cat"}), 400, "invalid_kind")


def test_sparql_get_and_post(client: TestClient) -> None:
    q = "SELECT ?n WHERE { ?d cc:numberKey \"77/nq-test\" ; cc:number ?n } ORDER BY ?n"
    r = client.get("/sparql", params={"query": q})
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/sparql-results+json")
    assert len(r.json()["results"]["bindings"]) >= 2
    r = client.post("/sparql", data={"query": q}, headers={"Accept": "text/csv"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv") and r.text.startswith("n")
    r = client.post("/sparql", content=f"ASK {{ <{D1}> ?p ?o }}", headers={"Content-Type": "application/sparql-query"})
    assert json.loads(r.content)["boolean"] is True
    r = client.get("/sparql", params={"query": f"DESCRIBE <{D1}>"}, headers={"Accept": "text/turtle"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/turtle")
    r = client.get("/sparql", params={"query": "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }",
                                      "default-graph-uri": f"{B}/graph/gazetteer"})
    assert int(r.json()["results"]["bindings"][0]["n"]["value"]) == 14


def test_sparql_is_read_only(client: TestClient) -> None:
    update = f"DELETE WHERE {{ <{D1}> ?p ?o }}"
    assert_error(client.get("/sparql", params={"query": update}), 403, "read_only")
    assert_error(client.get("/sparql", params={"update": update}), 403, "read_only")
    assert_error(client.post("/sparql", data={"update": update}), 403, "read_only")
    assert_error(client.post("/sparql", content=update, headers={"Content-Type": "application/sparql-update"}), 403, "read_only")
    assert_error(client.post("/sparql", content=update, headers={"Content-Type": "application/sparql-query"}), 403, "read_only")
    assert client.get(f"/documents/{D1_ID}").status_code == 200  # still there


def test_sparql_errors(client: TestClient) -> None:
    assert_error(client.get("/sparql", params={"query": "SELECT WHERE {"}), 400, "invalid_query")
    assert_error(client.get("/sparql"), 400, "missing_query")
    assert_error(client.post("/sparql", content="x", headers={"Content-Type": "text/plain"}), 415, "unsupported_media_type")
    assert_error(client.get("/sparql", params={"query": "ASK { ?s ?p ?o }"}, headers={"Accept": "image/png"}),
                 406, "not_acceptable")


def test_openapi_and_docs(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    for path in ("/resolve", "/documents/{doc_id}", "/documents/{doc_id}/legal-bases", "/documents/{doc_id}/cited-by",
                 "/documents/{doc_id}/citations", "/health", "/search", "/sparql", "/eli/vn/{rest}"):
        assert path in spec["paths"], path
    assert "300" in spec["paths"]["/resolve"]["get"]["responses"]
    assert client.get("/docs").status_code == 200


def test_unknown_route_uses_error_shape(client: TestClient) -> None:
    assert_error(client.get("/nowhere"), 404, "not_found")
