"""Self-references ("Nghị quyết này", "Phụ lục kèm theo", "khoản 3 Điều 11 Thông tư này"), on real corpus text.

They resolve to the document itself or to the provision they name, carry where they stand and what they
quote, and become cc:internalReference links, never citations: the document graph the API serves shows none.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from cancu.iri import DocId
from cancu.vocab import CC, RELATION_PROPERTIES
from graph.oxigraph_store import OxigraphStore
from ingest.citations import find_self
from ingest.models import Document
from ingest.pipeline import parse_path
from ingest.to_rdf import document_quads

ROOT = Path(__file__).resolve().parent.parent
B = "http://127.0.0.1:8000"


@pytest.fixture(scope="module")
def docs() -> dict[str, Document]:
    names = ["175-NQ-CP-2023.txt", "12-NQ-CP-2023.txt", "186-QD-BTTTT-2022.txt", "20-2021-TT-BLDTBXH.txt",
             "29-2026-TT-BTC.txt", "982-QD-TTg-2026.txt"]
    return {n: parse_path(ROOT / "corpus" / n) for n in names}


def refs(doc: Document) -> list[tuple[str, str | None, str | None]]:
    """(words as written, target, provision) of each self-reference."""
    return [(doc.text[r.start:r.end], r.target, r.provision) for r in doc.self_refs]


def test_this_resolution_in_its_articles(docs: dict[str, Document]) -> None:
    """175/NQ-CP, Điều 3: '1. Nghị quyết này có hiệu lực thi hành kể từ ngày ký ban hành.'"""
    doc = docs["175-NQ-CP-2023.txt"]
    assert ("Nghị quyết này", None, "dieu_3/khoan_1") in refs(doc)
    ref = next(r for r in doc.self_refs if r.provision == "dieu_3/khoan_1")
    assert ref.text.startswith("Nghị quyết này có hiệu lực thi hành")
    assert not any(r.number and r.number.startswith("175/") for r in doc.cites + doc.legal_bases)


def test_own_number_in_an_annex_heading(docs: dict[str, Document]) -> None:
    """175/NQ-CP, Phụ lục I: '(Kèm theo Nghị quyết số 175/NQ-CP ngày 30 tháng 10 năm 2023 …)'; the header's
    'Số: 175/NQ-CP' line identifies the document and is no reference."""
    got = refs(docs["175-NQ-CP-2023.txt"])
    assert ("Nghị quyết số 175/NQ-CP", None, "phu_luc_1") in got
    assert all(provision for _, _, provision in got)


def test_annex_attached_resolves_to_the_annex(docs: dict[str, Document]) -> None:
    """12/NQ-CP: '- Căn cứ Phụ lục kèm theo, giao nhiệm vụ cụ thể …' names the one annex the text has."""
    got = refs(docs["12-NQ-CP-2023.txt"])
    assert ("Phụ lục kèm theo", "phu_luc", "dieu_3/muc_iii/khoan_1/gach_2") in got


def test_annex_missing_from_the_text_falls_back_to_the_document(docs: dict[str, Document]) -> None:
    """186/QĐ-BTTTT: '… tại Phụ lục kèm theo Quyết định này.' The corpus copy lacks its annex: point at the
    document rather than at an annex IRI nothing describes."""
    assert ("Phụ lục kèm theo Quyết định này", None, "dieu_1/muc_iii/khoan_1") in refs(docs["186-QD-BTTTT-2022.txt"])


def test_provision_named_with_this_circular(docs: dict[str, Document]) -> None:
    """20/2021/TT-BLĐTBXH: '… quy định tại khoản 3 Điều 11 Thông tư này' and '… nêu tại Điều 9 của\\nThông tư này'."""
    got = refs(docs["20-2021-TT-BLDTBXH.txt"])
    assert ("khoản 3 Điều 11 Thông tư này", "chuong_ii/dieu_11/khoan_3", "chuong_iv/dieu_16/khoan_1") in got
    assert ("Điều 9 của\nThông tư này", "chuong_ii/dieu_9", "chuong_v/dieu_18/khoan_3/diem_b") in got
    assert ("khoản 1 Điều 2 Thông tư này", "dieu_2/khoan_1", "dieu_1/khoan_1") in refs(docs["29-2026-TT-BTC.txt"])


def test_another_type_with_nay_is_not_the_document(docs: dict[str, Document]) -> None:
    """982/QĐ-TTg approves a Đề án: '… quy định tại\\nĐề án này' points at the scheme, not at the decision."""
    words = {w for w, _, _ in refs(docs["982-QD-TTg-2026.txt"])}
    assert "Quyết định này" in words and not any("Đề án" in w for w in words)


def test_find_self_on_a_fictional_sentence() -> None:
    text = "Điều 2. Nền tảng thử nghiệm A thực hiện theo Phụ lục II kèm theo Quyết định này và Quy chế này."
    found = find_self(text, 0, len(text), "Quyết định")
    assert [(text[f.start:f.end], f.annex) for f in found] == [("Phụ lục II kèm theo Quyết định này", "II")]
    assert find_self(text, 0, len(text), "Nghị quyết") == []  # another type's "này" is not this document


def _self_quads(doc: Document) -> tuple[str, list[ox.Quad]]:
    d = DocId.parse(doc.doc_id).iri(B)
    return d, document_quads(doc, B)


def test_rdf_internal_reference_with_provenance(docs: dict[str, Document]) -> None:
    d, quads = _self_quads(docs["20-2021-TT-BLDTBXH.txt"])
    here, target = ox.NamedNode(f"{d}/chuong_iv/dieu_16/khoan_1"), ox.NamedNode(f"{d}/chuong_ii/dieu_11/khoan_3")
    store = ox.Store()
    store.extend(quads)
    assert ox.Quad(here, ox.NamedNode(str(CC.internalReference)), target, ox.NamedNode(d)) in store
    links = list(store.query(f"""PREFIX cc: <{CC}>
        SELECT ?quote ?start WHERE {{ {here} cc:qualifiedLink ?l . ?l cc:linkRelation cc:internalReference ;
        cc:linkTarget {target} ; cc:inProvision {here} ; cc:quote ?quote ; cc:charStart ?start }}""",
        use_default_graph_as_union=True))
    assert len(links) == 1 and "khoản 3 Điều 11 Thông tư này" in links[0]["quote"].value


def test_no_citation_of_itself_in_rdf(docs: dict[str, Document]) -> None:
    """No relation property (based_on, cites, amends …) runs from the document or its parts to itself or its parts."""
    relations = {str(p) for p in RELATION_PROPERTIES.values()}
    for doc in docs.values():
        d, quads = _self_quads(doc)
        inside = [q for q in quads if q.predicate.value in relations
                  and (q.object.value == d or q.object.value.startswith(d + "/"))]
        assert inside == [], doc.source


def test_document_graph_shows_no_self_link(docs: dict[str, Document], tmp_path: Path) -> None:
    """What the API returns for 175/NQ-CP: its links out and in name no node of its own."""
    d, quads = _self_quads(docs["175-NQ-CP-2023.txt"])
    path = tmp_path / "175.nq"
    ox.serialize(quads, str(path), ox.RdfFormat.N_QUADS)
    store = OxigraphStore(None)
    store.load(path)
    rows = store.links_from(d) + store.links_to(d)
    assert rows and not any(r.target.iri.startswith(d) and r.source.iri.startswith(d) for r in rows)
