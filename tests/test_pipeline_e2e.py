"""The whole pipeline on the bundled corpus, through the real CLI: ingest -> load -> API answers (issue 2)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from graph.oxigraph_store import OxigraphStore

ROOT = Path(__file__).resolve().parent.parent


def cancu(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "cancu.cli", *args], capture_output=True, text=True, cwd=ROOT,
                          env={**os.environ, **(env or {})})


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data = tmp_path_factory.mktemp("data")
    env = {"CANCU_DATA": str(data)}
    ing = cancu("ingest", "corpus", "-o", str(data / "rdf"), env=env)
    assert ing.returncode == 0, ing.stderr
    assert "ingested 22 documents" in ing.stderr
    load = cancu("load", str(data / "rdf"), env=env)
    assert load.returncode == 0, load.stderr
    return data


@pytest.fixture(scope="module")
def client(built: Path) -> TestClient:
    store = OxigraphStore(built / "oxigraph", read_only=True)
    return TestClient(create_app(store))


def test_resolve_then_legal_bases_of_186(client: TestClient) -> None:
    r = client.get("/resolve", params={"ref": "186/QĐ-BTTTT"})
    assert r.status_code == 200, r.text
    doc_id = r.json()["id"]
    bases = client.get(f"/documents/{doc_id}/legal-bases").json()["items"]
    got = {(b["document"]["number"], b["document"]["date"], b["document"]["issuer"]) for b in bases}
    assert got == {
        ("17/2017/NĐ-CP", "2017-02-17", "Chính phủ"),
        ("01/NQ-CP", "2022-01-08", "Chính phủ"),
        ("749/QĐ-TTg", "2020-06-03", "Thủ tướng Chính phủ"),
        ("942/QĐ-TTg", "2021-06-15", "Thủ tướng Chính phủ"),
    }
    for b in bases:  # every link says where it came from
        assert b["provenance"][0]["quote"].startswith("Căn cứ")
        assert b["document"]["number"] in b["provenance"][0]["quote"]


def test_cited_by_749_shows_basis_and_body_citation(client: TestClient) -> None:
    items = client.get("/documents/qd-2020-749-ttg/cited-by").json()["items"]
    got = {(i["document"]["number"], i["relation"]) for i in items}
    assert ("186/QĐ-BTTTT", "based_on") in got
    assert ("2390/BTTTT-THH", "cites") in got


@pytest.mark.parametrize("ref", ["749/QĐ-TTg", "749/QD-TTg", "QĐ 749/QĐ-TTg", "Quyết định số 749/QĐ-TTg", "749/qd-ttg"])
def test_usual_spellings_resolve(client: TestClient, ref: str) -> None:
    r = client.get("/resolve", params={"ref": ref})
    assert r.status_code == 200 and r.json()["id"] == "qd-2020-749-ttg"


def test_ambiguous_number_is_not_guessed(client: TestClient) -> None:
    r = client.get("/resolve", params={"ref": "50/NQ-CP"})
    body = r.json()
    assert r.status_code == 300 and body["ambiguous"] is True
    assert sorted(c["date"] for c in body["candidates"]) == ["2020-04-17", "2021-05-20"]
    one = client.get("/resolve", params={"ref": "50/NQ-CP", "year": 2021})
    assert one.status_code == 200 and one.json()["id"] == "nq-2021-50-cp"


def test_unknown_number_gives_404_with_near_matches(client: TestClient) -> None:
    r = client.get("/resolve", params={"ref": "749/QĐ-BTTTT"})
    assert r.status_code == 404
    assert any("749" in s for s in r.json()["error"]["suggestions"])


def test_reingest_is_idempotent(built: Path, tmp_path: Path) -> None:
    """Loading the same RDF again leaves the same number of triples (on a copy: the module's API holds a
    read-only handle on the built store, and a load under a running API is what the README says not to do)."""
    copy = tmp_path / "data"
    shutil.copytree(built, copy)
    env = {"CANCU_DATA": str(copy)}
    before = OxigraphStore(copy / "oxigraph", read_only=True).status().triples
    again = cancu("load", str(copy / "rdf"), env=env)
    assert again.returncode == 0, again.stderr
    assert OxigraphStore(copy / "oxigraph", read_only=True).status().triples == before


def test_entity_iris_dereference_by_content_negotiation(client: TestClient) -> None:
    iri_path = "/id/agency/bo-thong-tin-va-truyen-thong"
    as_json = client.get(iri_path, headers={"Accept": "application/json"}, follow_redirects=False)
    assert as_json.status_code == 303 and as_json.headers["location"] == "/agencies/bo-thong-tin-va-truyen-thong"
    turtle = client.get(iri_path, headers={"Accept": "text/turtle"})
    assert turtle.status_code == 200 and "Bộ Thông tin và Truyền thông" in turtle.text
    row = client.get("/eli/vn/nq/2025/03/cp/phu_luc_2/hang_11", headers={"Accept": "application/json"},
                     follow_redirects=False)
    assert row.headers["location"] == "/tasks/nq-2025-03-cp~phu_luc_2~hang_11"


def test_json_ld_context_is_published(client: TestClient) -> None:
    r = client.get("/context.jsonld")
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/ld+json")
    assert "based_on" in r.json()["@context"]
