"""Provisions and their ids: dash items ("- …") on real corpus text, and ids that do not move."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.models import Document, Provision
from ingest.pipeline import parse_path
from ingest.structure import Innermost, parse_structure
from ingest.to_rdf import document_quads

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def d175() -> Document:
    return parse_path(ROOT / "corpus" / "175-NQ-CP-2023.txt")


def by_id(doc: Document) -> dict[str, Provision]:
    return {p.id: p for p in doc.provisions}


def test_dash_items_are_numbered_under_their_parent(d175: Document) -> None:
    """175/NQ-CP, '2. Vai trò của Trung tâm dữ liệu quốc gia' then five '- …' lines; the first runs over a
    page footnote until the next dash."""
    provs = by_id(d175)
    items = [p for p in d175.provisions if p.parent == "dieu_1/muc_ii/khoan_2"]
    assert [p.id for p in items] == [f"dieu_1/muc_ii/khoan_2/gach_{n}" for n in range(1, 6)]
    first = provs["dieu_1/muc_ii/khoan_2/gach_1"]
    assert first.kind == "item" and first.label == "-"
    assert first.heading.startswith("Tích hợp, đồng bộ, lưu trữ, khai thác, chia sẻ")
    assert first.text.startswith("- Tích hợp") and "cơ sở dữ liệu khác." in first.text
    assert first.end == provs["dieu_1/muc_ii/khoan_2/gach_2"].start
    assert provs["dieu_1/muc_ii/khoan_2/gach_5"].text.endswith("phát triển nền khoa học công nghệ quốc gia.")


def test_dash_items_under_a_point(d175: Document) -> None:
    """'a) Về dữ liệu' followed by '- Hoàn thành xây dựng …': the item hangs from the point."""
    item = by_id(d175)["dieu_1/muc_iii/khoan_2/diem_a/gach_1"]
    assert item.parent == "dieu_1/muc_iii/khoan_2/diem_a"
    assert item.heading.startswith("Hoàn thành xây dựng và đưa vào khai thác kho dữ liệu tổng hợp")


def test_recipients_are_not_items() -> None:
    """2390/BTTTT-THH: the '- Như trên; - Bộ trưởng; …' lines after 'Nơi nhận:' address the letter."""
    doc = parse_path(ROOT / "corpus" / "2390-BTTTT-THH-2020.txt")
    assert not any(p.kind == "item" for p in doc.provisions)
    d3 = parse_path(ROOT / "corpus" / "03-NQ-CP-2025.txt")
    assert not any(p.kind == "item" and "Ban Bí thư" in p.heading for p in d3.provisions)


def test_dash_items_leave_other_ids_and_spans_alone() -> None:
    """Adding the dash lines changes nothing about the articles, clauses and points around them (fictional text)."""
    text = ("Điều 1. Phạm vi\n1. Nền tảng thử nghiệm A gồm:\n- thành phần thứ nhất;\n- thành phần thứ hai.\n"
            "2. Công ty X thực hiện.\nNơi nhận:\n- Như trên;\n")
    provs = parse_structure(text, 0, len(text))
    assert [(p.id, p.kind) for p in provs] == [
        ("dieu_1", "article"), ("dieu_1/khoan_1", "clause"), ("dieu_1/khoan_1/gach_1", "item"),
        ("dieu_1/khoan_1/gach_2", "item"), ("dieu_1/khoan_2", "clause")]
    plain = parse_structure(text.replace("\n- thành", "\n# thành"), 0, len(text))  # same length, no dash
    assert [(p.id, p.start, p.end) for p in plain] == [(p.id, p.start, p.end) for p in provs if p.kind != "item"]
    assert provs[3].text == "- thành phần thứ hai."


def test_dash_items_in_rdf_and_as_provenance(d175: Document) -> None:
    iri = "http://127.0.0.1:8000/eli/vn/nq/2023/175/cp"
    quads = {(q.subject.value, q.predicate.value, q.object.value) for q in document_quads(d175, "http://127.0.0.1:8000")}
    item = f"{iri}/dieu_1/muc_ii/khoan_2/gach_3"
    assert (item, "http://data.europa.eu/eli/ontology#is_part_of", f"{iri}/dieu_1/muc_ii/khoan_2") in quads
    assert (item, "http://www.w3.org/1999/02/22-rdf-syntax-ns#type", "https://w3id.org/cancu/ontology#Item") in quads
    # a mention inside a dash item now points at the item
    ms = [m for m in d175.mentions if m.provision == "dieu_1/muc_ii/khoan_2/gach_4"]
    assert any(m.entity_id == "quoc-hoi" for m in ms)


def test_innermost_prefers_the_deepest(d175: Document) -> None:
    at = Innermost(d175.provisions)
    item = by_id(d175)["dieu_1/muc_ii/khoan_2/gach_2"]
    assert at(item.start + 5) is item
    assert at(0) is None
