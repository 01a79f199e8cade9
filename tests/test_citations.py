"""Citations in the body and relations the text states between other documents, on real corpus text."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cancu.text import fold
from ingest.models import Document
from ingest.pipeline import parse_path

ROOT = Path(__file__).resolve().parent.parent
GOLD = {g["file"]: g for g in json.loads((ROOT / "tests/gold/citations.json").read_text(encoding="utf-8"))}


@pytest.fixture(scope="module")
def docs() -> dict[str, Document]:
    return {f"corpus/{p.name}": parse_path(p) for p in sorted((ROOT / "corpus").glob("*.txt"))}


# Citations the text really makes that gold/citations.json does not list, each checked by hand.
GOLD_OMITS = {
    ("corpus/03-NQ-CP-2025.txt", "1552/btttt-tth"): "Phụ lục II row 73: 'yêu cầu tại văn bản số 1552/BTTTT-TTH và 708/BTTTT-CATTT'",
    ("corpus/03-NQ-CP-2025.txt", "708/btttt-cattt"): "the same annex row 73",
    ("corpus/71-NQ-CP-2025.txt", "57-nq/tw"): "the title: '… THỰC HIỆN NGHỊ QUYẾT SỐ 57-NQ/TW …' (also a legal basis)",
}


def test_body_citations_match_gold(docs: dict[str, Document]) -> None:
    """Numbered documents cited outside the Căn cứ lines (gold: other_citations): none missed, none invented."""
    diffs = []
    for file, gold in GOLD.items():
        want = {fold(n) for n in gold.get("other_citations", [])}
        have = {fold(r.number) for r in docs[file].cites if r.number and not r.nested}
        diffs += [f"{file}: missed {m}" for m in sorted(want - have)]
        diffs += [f"{file}: wrongly found {w}" for w in sorted(have - want) if (file, w) not in GOLD_OMITS]
    print("\n".join(diffs))
    assert not diffs


def stated(doc: Document) -> set[tuple[str, str, str]]:
    return {(r.via, r.relation, r.doc_id) for r in doc.related}


def test_detail_relation_between_two_cited_documents(docs: dict[str, Document]) -> None:
    """1527/QĐ-BKHCN: 'Nghị định số 88/2025/NĐ-CP … quy định chi tiết và hướng dẫn … Nghị quyết số 193/2025/QH15'."""
    assert ("nd-2025-88-cp", "details", "nq-2025-193-qh15") in stated(docs["corpus/1527-QD-BKHCN-2025.txt"])


def test_amendment_stated_in_a_basis_line(docs: dict[str, Document]) -> None:
    """982/QĐ-TTg: 'Nghị quyết số 11/NQ-CP … về sửa đổi, bổ sung, cập nhật Nghị quyết số 71/NQ-CP'."""
    assert ("nq-2026-11-cp", "amends", "nq-2025-71-cp") in stated(docs["corpus/982-QD-TTg-2026.txt"])


def test_passive_amendment_is_turned_round(docs: dict[str, Document]) -> None:
    """29/2026/TT-BTC: 'Nghị định số 29/2025/NĐ-CP … được sửa đổi, bổ sung bởi Nghị định số 166/2025/NĐ-CP'."""
    rels = stated(docs["corpus/29-2026-TT-BTC.txt"])
    assert ("nd-2025-166-cp", "amends", "nd-2025-29-cp") in rels
    assert ("nd-2025-29-cp", "amends", "nd-2025-166-cp") not in rels


def test_a_letter_about_a_programme_does_not_act(docs: dict[str, Document]) -> None:
    """03/NQ-CP: 'công văn số 83/BKHCN-BTTTT-VP … về Chương trình hành động … thực hiện Nghị quyết số 57-NQ/TW'."""
    assert not any(via.startswith("cv-") for via, _, _ in stated(docs["corpus/03-NQ-CP-2025.txt"]))


def test_citation_provision_is_the_innermost(docs: dict[str, Document]) -> None:
    repeal = next(r for r in docs["corpus/20-2021-TT-BLDTBXH.txt"].cites if r.relation == "repeals")
    assert repeal.provision == "chuong_v/dieu_18/khoan_2"
    assert "hết hiệu lực" in repeal.text


def test_a_long_can_cu_line_costs_linear_memory():
    """Issue 16.6: every nested citation once quoted the whole line (20,000 decrees: 20 GB). Fictional numbers."""
    from ingest.citations import QUOTE_MAX
    from ingest.pipeline import parse_text

    n = 3000
    line = "Căn cứ " + ", ".join(f"Nghị định số {i}/2020/NĐ-TEST" for i in range(1, n + 1)) + ";\n"
    text = ("CÔNG TY X\nSố: 9999/QĐ-TEST\nHà Nội, ngày 01 tháng 01 năm 2024\nQUYẾT ĐỊNH\nVề việc thử nghiệm\n"
            + line + "QUYẾT ĐỊNH:\nĐiều 1. Thử nghiệm.\n")
    doc = parse_text(text, "fictional.txt")
    assert [r.number for r in doc.legal_bases] == ["1/2020/NĐ-TEST"]
    assert len(doc.cites) == n - 1 and all(r.nested for r in doc.cites)
    assert max(len(r.text) for r in doc.legal_bases + doc.cites) <= QUOTE_MAX + 4
    assert "Nghị định số 2500/2020/NĐ-TEST" in doc.cites[2498].text  # the window stands around its reference
