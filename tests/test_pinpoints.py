"""Pinpoint citations (issue 14, point 4): "khoản 2 Điều 1 của Nghị định số …" links the citing provision to the
cited provision, and the API shows it both ways. Fictional documents (9998/2026/NĐ-TEST, 9999/QĐ-TEST)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Iterator

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from graph.oxigraph_store import OxigraphStore
from ingest.citations import pinpoint_before

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures" / "pinpoint"
B = "http://127.0.0.1:8000"


@pytest.mark.parametrize("text, expected", [
    ("theo khoản 2 Điều 18 của ", "dieu_18/khoan_2"),
    ("tại điểm a khoản 1 Điều 2 ", "dieu_2/khoan_1/diem_a"),
    ("quy định tại Điều 5a của ", "dieu_5a"),
    ("theo quy định của ", None),
])
def test_pinpoint_grammar(text: str, expected: str | None) -> None:
    assert pinpoint_before(text + "Nghị định số 1/2020/NĐ-CP", len(text)) == expected


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    data = tmp_path_factory.mktemp("pin")
    env = {**os.environ, "CANCU_DATA": str(data), "CANCU_BASE": B}
    for args in (["ingest", str(FIXTURES), "-o", str(data / "rdf")], ["load", str(data / "rdf")]):
        run = subprocess.run([sys.executable, "-m", "cancu.cli", *args], capture_output=True, text=True, cwd=ROOT, env=env)
        assert run.returncode == 0, run.stderr
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("CANCU_BASE", B)
        with TestClient(create_app(OxigraphStore(data / "oxigraph", read_only=True))) as c:
            yield c


def test_cited_provision_shows_who_cites_it(client: TestClient) -> None:
    body = client.get("/documents/nd-2026-9998-test/provisions/dieu_1/khoan_2").json()
    assert body["found"] and body["provision"].endswith("/nd/2026/9998/test/chuong_i/dieu_1/khoan_2")
    assert body["detail"]["label"].startswith("2")
    [c] = body["cited_by"]
    assert c["provision"].endswith("/qd/2026/9999/test/dieu_1/khoan_1") and c["document"]["id"] == "qd-2026-9999-test"
    [p] = c["provenance"]
    assert "khoản 2 Điều 1 của Nghị định số 9998/2026/NĐ-TEST" in p["quote"] and p["document_id"] == "qd-2026-9999-test"


def test_citing_provision_shows_what_it_cites(client: TestClient) -> None:
    body = client.get("/documents/qd-2026-9999-test/provisions/dieu_1/khoan_1").json()
    assert [c["provision"].rsplit("/eli/vn/", 1)[1] for c in body["cites"]] == ["nd/2026/9998/test/chuong_i/dieu_1/khoan_2"]
    # the document-level link is unchanged: the decision still cites the decree as a whole
    cites = client.get("/documents/qd-2026-9999-test/citations").json()["items"]
    assert {i["document"]["id"] for i in cites} == {"nd-2026-9998-test"}


def test_unknown_provision_is_a_404_and_bad_ids_a_400(client: TestClient) -> None:
    r = client.get("/documents/nd-2026-9998-test/provisions/dieu_7")
    assert r.status_code == 404 and r.json()["error"]["code"] == "provision_not_found"
    r = client.get("/documents/nd-2026-9998-test/provisions/..%2Fetc")
    assert r.status_code in (400, 404)
    r = client.get("/documents/nd-2026-9998-test/provisions/Dieu 1")
    assert r.status_code == 400 and r.json()["error"]["code"] == "invalid_provision"


def test_reader_links_a_pinpoint_to_the_cited_provision(client: TestClient) -> None:
    html = client.get("/read/qd-2026-9999-test").text
    assert 'href="/read/nd-2026-9998-test#chuong_i/dieu_1/khoan_2"' in html
    assert 'id="chuong_i/dieu_1/khoan_2"' in client.get("/read/nd-2026-9998-test").text  # the anchor is there
