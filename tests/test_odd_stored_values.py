"""Valid RDF with odd values, loaded as `cancu load` would: the API answers each page normally (a sensible
value, or the odd part left out), never a 500 and never a wait without end. Every document is fictional."""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor, TimeoutError
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from lxml import etree

from api.akn import NS
from api.app import create_app
from api.viz_graph import _roman
from cancu.text import AFTER_NUMBERS, ascii_int, sort_number
from graph.oxigraph_store import OxigraphStore

B = "http://127.0.0.1:8000"
D = f"{B}/eli/vn/qd/2024/9999/test"
DOC_ID = "qd-2024-9999-test"
AKN = {"Accept": "application/akn+xml"}
PREFIXES = """@prefix cc: <https://w3id.org/cancu/ontology#> . @prefix eli: <http://data.europa.eu/eli/ontology#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> . @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
"""
HUGE = "9" * 5000  # past int()'s 4300-digit limit


def api(tmp_path: Path, body: str) -> TestClient:
    """A client of the API over an in-memory store holding the graph <D> with `body` (TriG statements)."""
    (tmp_path / "odd.trig").write_text(f"{PREFIXES}<{D}> {{\n{body}\n}}\n", encoding="utf-8")
    store = OxigraphStore(None)
    store.load(tmp_path / "odd.trig")
    return TestClient(create_app(store))


@pytest.fixture(autouse=True)
def base(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CANCU_BASE", B)


def source(tmp_path: Path, text: str) -> str:
    """A source file holding `text`, as the cc:sourceFile statement of <D>."""
    (tmp_path / "9999.txt").write_text(text, encoding="utf-8")
    return f'<{D}> a cc:LegalDocument, cc:Decision ; cc:number "9999/QĐ-TEST" ; cc:sourceFile "{tmp_path / "9999.txt"}" .'


# ---- numbers in IRIs and dates ------------------------------------------------------------------

def test_ascii_int_takes_ascii_digits_int_can_read() -> None:
    assert [ascii_int(s) for s in ("2024", "007", "²", "٣", "", "-1", "9" * 18, "9" * 19)] == [
        2024, 7, None, None, None, None, 10 ** 18 - 1, None]
    assert sorted(["12", "²", "x", "3", HUGE], key=lambda s: (sort_number(s), s)) == ["3", "12", HUGE, "x", "²"]
    assert sort_number(HUGE) == AFTER_NUMBERS


def test_a_content_length_int_cannot_read_is_no_length() -> None:
    """The SPARQL endpoint's early 413 reads Content-Length: 5000 digits (a real server refuses them before
    the app; an ASGI caller may not) leave the body's own cap to decide."""
    with TestClient(create_app(OxigraphStore(None))) as c:
        r = c.post("/sparql", content=b"ASK { ?s ?p ?o }",
                   headers={"Content-Type": "application/sparql-query", "Content-Length": HUGE})
    assert r.status_code == 200, r.text
    assert r.json()["boolean"] is False


def test_a_provision_number_int_cannot_read_sorts_after_the_numbers(tmp_path: Path) -> None:
    """Articles without cc:ordinal sort by the number in their IRI: a superscript '²' (str.isdigit says yes,
    int() says no) and 5000 digits (past int()'s limit) sort after every number, by IRI."""
    parts = "\n".join(f'<{D}/dieu_{n}> a cc:Article ; eli:is_part_of <{D}> ; cc:label "Điều {n[:3]}" .'
                      for n in ("²", HUGE, "3"))
    with api(tmp_path, f'<{D}> a cc:LegalDocument, cc:Decision ; cc:number "9999/QĐ-TEST" .\n{parts}') as c:
        r = c.get(f"/documents/{DOC_ID}")
    assert r.status_code == 200, r.text
    assert [p["iri"].removeprefix(D + "/dieu_") for p in r.json()["provisions"]] == ["3", HUGE, "²"]


def test_an_annex_row_id_with_digits_int_cannot_read_is_read(tmp_path: Path) -> None:
    """The reader puts annex rows on their table lines in the order of the digit runs of their ids ('hang_g2_1'
    -> (2, 1)): a run of 5000 digits sorts after the others instead of stopping the page."""
    annex = f"{D}/phu_luc_1"
    rows = "\n".join(f'<{annex}/hang_g{n}> a cc:Task ; eli:is_part_of <{annex}> ; cc:label "{label}" ;'
                     f' cc:text "Nhiệm vụ {label}" .' for n, label in ((HUGE, "2"), ("1", "1")))
    text = "QUYẾT ĐỊNH\nSố: 9999/QĐ-TEST\nPhụ lục I\nTT | Nhiệm vụ\n1 | Nhiệm vụ 1\n2 | Nhiệm vụ 2\n"
    body = f'{source(tmp_path, text)}\n<{annex}> a cc:Annex ; eli:is_part_of <{D}> ; cc:label "Phụ lục I" ; cc:ordinal 1 .\n{rows}'
    with api(tmp_path, body) as c:
        r = c.get(f"/read/{DOC_ID}", headers={"Accept": "text/html"})
    assert r.status_code == 200, r.text
    assert '<tr id="phu_luc_1/hang_g1"><td>1</td>' in r.text
    assert f'<tr id="phu_luc_1/hang_g{HUGE}"><td>2</td>' in r.text


def test_a_date_in_superscript_digits_has_no_year(tmp_path: Path) -> None:
    """/resolve with a year compares it with the year of eli:date_document: '²⁰²⁴-01-01' gives none."""
    doc = (f'<{D}> a cc:LegalDocument, cc:Decision ; cc:number "9999/QĐ-TEST" ; cc:numberKey "9999/qd-test" ;'
           ' eli:date_document "²⁰²⁴-01-01" .')
    with api(tmp_path, doc) as c:
        r = c.get("/resolve", params={"ref": "9999/QĐ-TEST", "year": 2024})
        assert c.get("/resolve", params={"ref": "9999/QĐ-TEST"}).json()["id"] == DOC_ID
    assert r.status_code == 404, r.text
    assert r.json()["error"]["message"] == "'9999/QĐ-TEST' exists, but not in 2024 (found: year unknown)"


# ---- Roman annex numbers ------------------------------------------------------------------------

def test_roman_numerals_stop_at_3999() -> None:
    assert [_roman(n) for n in ("2", "49", "1994", "3999", "4000", "0", "2a", "²", HUGE)] == [
        "II", "XLIX", "MCMXCIV", "MMMCMXCIX", "4000", "0", "2A", "²", HUGE]


def test_an_annex_number_past_roman_numerals_stays_arabic(tmp_path: Path) -> None:
    """An agency's graph names the annex of a row it leads: a number of 5000 digits is written as it is (it
    stopped the page; 20 digits ran it for ever)."""
    body = (f'<{D}> a cc:LegalDocument, cc:Decision ; cc:number "9999/QĐ-TEST" .\n'
            f'<{D}/phu_luc_{HUGE}/hang_1> a cc:Task ; eli:is_part_of <{D}> ; cc:text "Nhiệm vụ thử nghiệm" ;'
            f' cc:label "1" ; cc:leadAgency <{B}/id/agency/co-quan-x> .\n'
            f'<{B}/id/agency/co-quan-x> a cc:Agency ; skos:prefLabel "Cơ quan X" .')
    with api(tmp_path, body) as c:
        r = c.get("/viz/agencies/co-quan-x", headers={"Accept": "text/html"})
    assert r.status_code == 200, r.text
    assert f"Phụ lục {HUGE} · hàng 1" in r.text


# ---- Akoma Ntoso ----------------------------------------------------------------------------------

def akn_tree(body: bytes) -> etree._Element:
    return etree.fromstring(body, etree.XMLParser(huge_tree=True))


def test_akn_leaves_out_characters_xml_does_not_allow(tmp_path: Path) -> None:
    """A title or issuer name holding \\u0001 or \\u000B is valid RDF but not XML 1.0: the export drops them."""
    doc = source(tmp_path, "QUYẾT ĐỊNH\nSố: 9999/QĐ-TEST\nVề việc thử nghiệm\n").replace(
        " .", ' ; eli:title "Về việc\\u0001 thử nghiệm" ; cc:issuerName "Bộ\\u000BThử" ; cc:year 2024 .')
    with api(tmp_path, doc) as c:
        r = c.get("/eli/vn/qd/2024/9999/test", headers=AKN)
    assert r.status_code == 200, r.text
    [issuer] = akn_tree(r.content).xpath("//a:TLCOrganization[@eId='issuer']", namespaces={"a": NS})
    assert issuer.get("showAs") == "BộThử"


def test_akn_of_a_document_whose_iri_is_no_eli_document_iri_is_not_acceptable(tmp_path: Path) -> None:
    """A stored document may have any IRI; one with no type/year/number has no AKN name: 406, as for a stub."""
    odd = f"{B}/eli/vn/qd/x"
    (tmp_path / "x.txt").write_text("QUYẾT ĐỊNH\nSố: 9999/QĐ-TEST\n", encoding="utf-8")
    body = (f'<{D}> a cc:LegalDocument, cc:Decision ; cc:number "9998/QĐ-TEST" ; eli:cites <{odd}> .\n'
            f'<{odd}> a cc:LegalDocument ; cc:number "9999/QĐ-TEST" ; cc:sourceFile "{tmp_path / "x.txt"}" .')
    with api(tmp_path, body) as c:
        r = c.get("/eli/vn/qd/x", headers=AKN)
    assert r.status_code == 406, r.text
    assert r.json()["error"]["message"] == f"{odd} is not an ELI document IRI, so it has no Akoma Ntoso name"


def test_akn_leaves_out_a_ref_to_a_work_with_no_akn_name(tmp_path: Path) -> None:
    """A citation span to a document whose IRI is no ELI document IRI is written as plain text, no <ref>."""
    odd = f"{B}/eli/vn/qd/x"
    text = "QUYẾT ĐỊNH\nSố: 9999/QĐ-TEST\nCăn cứ Quyết định số 9998/QĐ-TEST;\n"
    start = text.index("9998")
    body = (source(tmp_path, text).replace(" .", f" ; eli:cites <{odd}> ; cc:qualifiedLink <{D}/link/1> .") + "\n"
            f'<{odd}> a cc:LegalDocument ; cc:number "9998/QĐ-TEST" .\n'
            f'<{D}/link/1> cc:linkRelation eli:cites ; cc:linkTarget <{odd}> ; cc:quote "Căn cứ Quyết định số 9998/QĐ-TEST;" ;'
            f' cc:charStart {start} ; cc:charEnd {start + len("9998/QĐ-TEST")} .')
    with api(tmp_path, body) as c:
        r = c.get("/eli/vn/qd/2024/9999/test", headers=AKN)
    assert r.status_code == 200, r.text
    tree = akn_tree(r.content)
    assert tree.xpath("//a:ref", namespaces={"a": NS}) == []
    assert "Căn cứ Quyết định số 9998/QĐ-TEST;" in tree.xpath("string(//a:act)", namespaces={"a": NS})


def test_akn_writes_provisions_nested_deeper_than_python_recurses(tmp_path: Path) -> None:
    """1200 sections, each inside the one before: every one is an element inside its parent's."""
    n = 1200
    text = "QUYẾT ĐỊNH\nSố: 9999/QĐ-TEST\n" + "".join(f"Mục {i}.\n" for i in range(n))
    parts = "\n".join(f'<{D}/muc_{i}> a cc:Section ; eli:is_part_of <{D}/muc_{i - 1}> ; cc:label "Mục {i}." ;'
                      f" cc:ordinal {i} ." for i in range(1, n))
    body = (source(tmp_path, text) + f'\n<{D}/muc_0> a cc:Section ; eli:is_part_of <{D}> ; cc:label "Mục 0." ;'
            f" cc:ordinal 0 .\n{parts}")
    with api(tmp_path, body) as c:
        r = c.get("/eli/vn/qd/2024/9999/test", headers=AKN)
    assert r.status_code == 200, r.text
    [last] = akn_tree(r.content).xpath(f"//a:section[@eId='sec_{n - 1}']", namespaces={"a": NS})
    chain = [last, *last.iterancestors(f"{{{NS}}}section")]
    assert [s.get("eId") for s in chain] == [f"sec_{i}" for i in reversed(range(n))]
    assert last.findtext(f"{{{NS}}}num") == f"Mục {n - 1}."


# ---- source files ---------------------------------------------------------------------------------

def test_a_source_file_that_is_a_fifo_is_no_source_text(tmp_path: Path) -> None:
    """cc:sourceFile naming a FIFO: the reader falls back to the stored provisions instead of waiting for a
    writer for ever. (Should it wait, the test opens the FIFO's other end so the request ends and fails.)"""
    fifo = tmp_path / "9999.fifo"
    os.mkfifo(fifo)
    body = (f'<{D}> a cc:LegalDocument, cc:Decision ; cc:number "9999/QĐ-TEST" ; cc:sourceFile "{fifo}" .\n'
            f'<{D}/dieu_1> a cc:Article ; eli:is_part_of <{D}> ; cc:label "Điều 1." ; cc:text "Điều 1. Thử nghiệm." ;'
            " cc:ordinal 1 .")
    with api(tmp_path, body) as c, ThreadPoolExecutor(1) as pool:
        asked = pool.submit(c.get, f"/read/{DOC_ID}", headers={"Accept": "text/html"})
        try:
            r = asked.result(timeout=60)
        except TimeoutError:
            os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))  # end of file for the waiting reader
            asked.result(timeout=60)
            pytest.fail("the reader waited on the FIFO")
    assert r.status_code == 200, r.text
    assert "Thử nghiệm." in r.text
