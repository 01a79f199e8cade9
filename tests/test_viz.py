"""/viz graph pages over an in-memory Oxigraph store loaded with the fictional API fixture (no mocks)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Iterator

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.viz_graph import neighbourhood
from graph.oxigraph_store import OxigraphStore

FIXTURE = Path(__file__).parent / "fixtures" / "api_fixture.trig"
B = "http://127.0.0.1:8000"
D1 = f"{B}/eli/vn/qd/2021/9001/test"
AGENCY = f"{B}/id/agency/bo-thu-nghiem"
PLATFORM = f"{B}/id/platform/nen-tang-thu-nghiem-a"
URL_ATTR = re.compile(r"""\b(?:src|href|action)\s*=\s*["']?\s*(https?:)?//([^/"'\s>]*)""", re.IGNORECASE)


@pytest.fixture(scope="module")
def store() -> Iterator[OxigraphStore]:
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("CANCU_BASE", B)
        s = OxigraphStore(None)
        s.load(FIXTURE)
        yield s


@pytest.fixture(scope="module")
def client(store: OxigraphStore) -> Iterator[TestClient]:
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("CANCU_BASE", B)
        app = create_app(store)
        with TestClient(app) as c:
            yield c


def page_data(html: str) -> tuple[list[dict], list[dict]]:
    """The vis DataSets written into the page."""
    nodes = json.loads(re.search(r"new vis\.DataSet\((\[.*?\])\);\n", html, re.S)[1])
    edges = json.loads(re.findall(r"new vis\.DataSet\((\[.*?\])\);\n", html, re.S)[1])
    return nodes, edges


def assert_offline(html: str) -> None:
    """No src/href/action to another host; no CDN; no ../node_modules; vis-network inlined."""
    for m in URL_ATTR.finditer(html):
        raise AssertionError(f"page links outside the service: {m.group(0)!r}")
    for bad in ("cdn.jsdelivr", "cdnjs.cloudflare", "unpkg.com", "node_modules", "<script src", "<link "):
        assert bad not in html, bad
    assert "vis-network" in html and "@version 9.1.2" in html  # the library itself is in the page


def test_document_page_nodes_edges_legend(client: TestClient) -> None:
    r = client.get("/viz/documents/qd-2021-9001-test")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    html = r.text
    nodes, edges = page_data(html)
    by_id = {n["id"]: n for n in nodes}
    assert by_id[D1]["kind"] == "document" and by_id[D1]["label"].endswith("9001/QĐ-TEST</b>")
    assert by_id[D1]["href"] == "/documents/qd-2021-9001-test"
    assert by_id[f"{B}/eli/vn/nd/2019/12/test"]["kind"] == "stub"
    assert by_id[f"{B}/eli/vn/luat/2018-06-20/thu-nghiem"]["label"] == "Luật Thử nghiệm (2018)"
    assert by_id[AGENCY]["kind"] == "agency" and by_id[AGENCY]["href"] == "/id/agency/bo-thu-nghiem"
    assert by_id[f"{B}/id/person/nguyen-van-thu"]["kind"] == "person"
    assert by_id[f"{B}/id/programme/chuong-trinh-chuyen-doi-so-thu-nghiem"]["kind"] == "programme"
    # stub and ingested documents look different; every node has a shape and colour
    assert by_id[f"{B}/eli/vn/nd/2019/12/test"]["color"] != by_id[D1]["color"]
    assert all(n.get("shape") and n.get("color") for n in nodes)
    triples = {(e["from"], e["label"], e["to"]) for e in edges}
    assert {(D1, "based_on", f"{B}/eli/vn/nq/2021/77/test"), (D1, "based_on", f"{B}/eli/vn/nd/2019/12/test"),
            (D1, "cites", f"{B}/eli/vn/nq/2020/77/test"), (f"{B}/eli/vn/cv/2021/555/btn-khcn", "cites", D1),
            (f"{B}/eli/vn/qd/2022/9002/test", "based_on", D1), (D1, "passed_by", AGENCY),
            (D1, "signer", f"{B}/id/person/nguyen-van-thu"),
            (D1, "approves", f"{B}/id/programme/chuong-trinh-chuyen-doi-so-thu-nghiem")} <= triples
    # an edge between two neighbours is drawn too (77/NQ-TEST of 2021 is based on 12/2019/NĐ-TEST)
    assert (f"{B}/eli/vn/nq/2021/77/test", "based_on", f"{B}/eli/vn/nd/2019/12/test") in triples
    # provenance: the quoted Căn cứ line is on the edge
    basis = next(e for e in edges if e["from"] == D1 and e["to"] == f"{B}/eli/vn/nd/2019/12/test")
    assert "Căn cứ Nghị định số 12/2019/NĐ-TEST" in basis["title"]
    # legend: node kinds and relation kinds present, physics stopped once stabilised
    assert 'id="legend"' in html and "Document (ingested)" in html and "Document (cited only, stub)" in html
    assert 'data-relation="based_on"' in html and "căn cứ ban hành" in html
    assert "stabilizationIterationsDone" in html and "setOptions({physics: false})" in html
    assert '"iterations": 300' in html or '"iterations":300' in html
    assert "View cut at" not in html
    # mentions are off by default (weak links); on request they appear
    assert (D1, "mentions", f"{B}/id/agency/bo-thong-tin-va-truyen-thong") not in triples
    _, edges_m = page_data(client.get("/viz/documents/qd-2021-9001-test", params={"mentions": "true"}).text)
    assert (D1, "mentions", f"{B}/id/agency/bo-thong-tin-va-truyen-thong") in {(e["from"], e["label"], e["to"]) for e in edges_m}
    assert_offline(html)


def test_depth_control_and_depth_two(client: TestClient) -> None:
    html = client.get("/viz/documents/qd-2021-9001-test").text
    for d in (1, 2, 3):
        assert f'href="?depth={d}&amp;cap=150"' in html
    assert '<select name="depth">' in html
    nodes, _ = page_data(client.get("/viz/documents/qd-2021-9001-test", params={"depth": 2}).text)
    ids = {n["id"] for n in nodes}
    assert PLATFORM in ids and f"{B}/id/unit/cuc-doi-moi-thu-nghiem" in ids  # through the programme / agency
    assert client.get("/viz/documents/qd-2021-9001-test", params={"depth": 4}).status_code == 422


def test_cap_cuts_with_visible_note(client: TestClient) -> None:
    r = client.get("/viz/documents/qd-2021-9001-test", params={"cap": 3})
    html = r.text
    nodes, edges = page_data(html)
    assert len(nodes) == 3
    assert re.search(r"View cut at 3 nodes: at least \d+ more neighbours", html)
    # legal relations are kept first
    assert {e["label"] for e in edges} == {"based_on"}
    assert_offline(html)
    g = client.get("/viz/documents/qd-2021-9001-test", params={"cap": 3, "format": "json"}).json()
    assert g["cut"] is True and g["omitted"] >= 1 and len(g["nodes"]) == 3


def test_platform_and_agency_pages(client: TestClient) -> None:
    nodes, edges = page_data(client.get("/viz/platforms/nen-tang-thu-nghiem-a").text)
    rels = {(e["from"], e["label"], e["to"]) for e in edges}
    assert (PLATFORM, "governingAgency", AGENCY) in rels
    assert (PLATFORM, "focalUnit", f"{B}/id/unit/cuc-doi-moi-thu-nghiem") in rels
    assert ({n["id"]: n["kind"] for n in nodes})[PLATFORM] == "platform"
    html = client.get("/viz/agencies/bo-thu-nghiem").text
    nodes, edges = page_data(html)
    ids = {n["id"]: n for n in nodes}
    assert ids[f"{B}/id/unit/cuc-doi-moi-thu-nghiem"]["kind"] == "unit"
    assert (D1, "passed_by", AGENCY) in {(e["from"], e["label"], e["to"]) for e in edges}
    assert_offline(html)


def test_generic_iri_page(client: TestClient) -> None:
    html = client.get("/viz", params={"iri": f"{D1}/dieu_1"}).text
    nodes, edges = page_data(html)
    assert {n["id"]: n["kind"] for n in nodes}[f"{D1}/dieu_1"] == "provision"
    assert (f"{D1}/dieu_1", "is_part_of", D1) in {(e["from"], e["label"], e["to"]) for e in edges}
    assert 'name="iri"' in html  # the depth form keeps the IRI
    assert_offline(html)


@pytest.mark.parametrize("url, code", [
    ("/viz/documents/qd-2021-9999-test", "not_found"), ("/viz/documents/not-an-id", "invalid_id"),
    ("/viz/platforms/nen-tang-khong-co", "not_found"), ("/viz/agencies/bo-thu-nghiemx", "not_found"),
    ("/viz?iri=http://example.org/nothing", "not_found")])
def test_unknown_ids_use_the_error_shape(client: TestClient, url: str, code: str) -> None:
    r = client.get(url)
    assert r.status_code in (400, 404)
    body = r.json()
    assert set(body) == {"error"} and body["error"]["code"] == code and body["error"]["message"]
    if url.startswith("/viz/agencies"):
        assert "bo-thu-nghiem" in body["error"]["suggestions"]


def test_neighbourhood_is_deterministic_and_capped(store: OxigraphStore) -> None:
    a = neighbourhood(store, D1, depth=3, cap=5).to_json()
    b = neighbourhood(store, D1, depth=3, cap=5).to_json()
    assert a == b and len(a["nodes"]) == 5 and a["cut"] is True
    full = neighbourhood(store, D1, depth=3, cap=500)
    assert not full.cut and full.nodes[0].iri == D1
    assert all(e.source in {n.iri for n in full.nodes} and e.target in {n.iri for n in full.nodes} for e in full.edges)
