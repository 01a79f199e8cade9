"""Annex tables: 03/NQ-CP against the gold, 12/NQ-CP against citations.json, splitting rules, layouts."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bench.accuracy import annex_scores
from cancu.text import nfc, squash
from ingest.tables import annex_id, column_field, parse_annexes, split_agencies

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpus"


def _parse(name: str):
    return parse_annexes(nfc((CORPUS / name).read_text(encoding="utf-8")))


def test_03_annex_f1_at_least_097():
    scores = annex_scores()
    for field, s in scores.items():
        print(f"{field:<14} found {s.found} missed {s.missed} wrong {s.wrong} F1 {s.f1:.3f}")
        for d in s.diffs[:20] if field != "overall" else []:
            print("   ", d)
    for field in ("lead", "coordinating", "product", "deadline", "task", "stt", "overall"):
        assert scores[field].f1 >= 0.97, field


def test_03_annex_provisions():
    provs, rows = _parse("03-NQ-CP-2025.txt")
    assert [(p.id, p.label) for p in provs] == [("phu_luc_1", "Phụ lục I"), ("phu_luc_2", "Phụ lục II")]
    assert provs[0].heading == "DANH MỤC CÁC CHỈ TIÊU CỤ THỂ"
    assert provs[1].text.startswith("(Kèm theo Chương trình hành động")
    assert sum(r.annex == "Phụ lục I" for r in rows) == 57
    assert sum(r.annex == "Phụ lục II" for r in rows) == 140


def test_03_indicator_rows():
    _, rows = _parse("03-NQ-CP-2025.txt")
    by = {(r.annex, r.stt): r for r in rows}
    r = by[("Phụ lục I", "11.1")]
    assert r.kind == "indicator" and r.parent == "11" and r.unit == "%" and r.product == "≥ 80"
    assert r.group == "Đến năm 2030" and r.coordinating == [] and r.deadline is None
    assert r.lead == ["Bộ Thông tin và Truyền thông"]
    assert r.id == "phu_luc_1/hang_11_1"
    assert by[("Phụ lục I", "36")].group == "Đến năm 2045"


def test_03_continuation_and_repairs():
    _, rows = _parse("03-NQ-CP-2025.txt")
    by = {(r.annex, r.stt): r for r in rows}
    r108 = by[("Phụ lục II", "108")]
    assert r108.lines == [510, 511]
    assert r108.task.endswith("(11) Mô hình điểm tại các tỉnh, thành phố có đảo.")
    assert r108.coordinating == []  # the duplicated wrapped lead tail on line 511 is dropped
    assert r108.lead[-1] == "Bộ Tài chính" and len(r108.lead) == 8
    r128 = by[("Phụ lục II", "128")]
    assert r128.lines == [533, 534] and "trưc tuyến" not in r128.task
    r110 = by[("Phụ lục II", "110")]
    assert r110.task.endswith("phần mềm của cơ sở khám chữa bệnh") and r110.lines == [513, 514]
    assert by[("Phụ lục II", "8")].lead == ["Bộ Thông tin và Truyền thông", "Bộ Khoa học và Công nghệ"]
    assert by[("Phụ lục II", "46")].lead[0] == "Bộ Khoa học, Công nghệ"
    assert by[("Phụ lục II", "76")].deadline == "2025 và những năm tiếp theo"
    # raw cells and spans are kept
    r1 = by[("Phụ lục II", "1")]
    assert r1.cells["Cơ quan phối hợp"] == "Ban Tuyên giáo Trung ương; các bộ, ngành, địa phương; VTV, VOV, TTXVN"
    text = nfc((CORPUS / "03-NQ-CP-2025.txt").read_text(encoding="utf-8"))
    assert text[r1.start:r1.end].startswith("1. | Xây dựng, trình Thủ tướng")


@pytest.mark.parametrize(
    "cell, items",
    [
        ("Ban Tuyên giáo Trung ương; các bộ, ngành, địa phương; VTV, VOV, TTXVN",
         ["Ban Tuyên giáo Trung ương", "các bộ, ngành, địa phương", "VTV", "VOV", "TTXVN"]),
        ("Bộ Văn hóa, Thể thao và Du lịch", ["Bộ Văn hóa, Thể thao và Du lịch"]),
        ("Bộ Lao động - Thương binh và Xã hội,Thanh tra Chính phủ, các bộ, ngành và địa phương",
         ["Bộ Lao động - Thương binh và Xã hội", "Thanh tra Chính phủ", "các bộ, ngành và địa phương"]),
        ("Bộ Công an, Bộ Thông tin và Truyền thông và các bộ, ngành",
         ["Bộ Công an", "Bộ Thông tin và Truyền thông", "các bộ, ngành"]),
        ("Bảo hiểm Xã hội Việt Nam, Bộ Công an và các địa phương Bắc Ninh, Bình Dương, An Giang",
         ["Bảo hiểm Xã hội Việt Nam", "Bộ Công an", "các địa phương Bắc Ninh, Bình Dương, An Giang"]),
        ("Các bộ, ngành, địa phương, doanh nghiệp liên quan, các cơ quan đại diện Việt Nam ở nước ngoài",
         ["Các bộ, ngành, địa phương", "doanh nghiệp liên quan", "các cơ quan đại diện Việt Nam ở nước ngoài"]),
        ("Các cơ quan Đảng, Quốc hội, Tòa án nhân dân tối cao, Viện Kiểm sát nhân dân tối cao",
         ["Các cơ quan Đảng", "Quốc hội", "Tòa án nhân dân tối cao", "Viện Kiểm sát nhân dân tối cao"]),
        ("Tập đoàn, doanh nghiệp công nghệ số", ["Tập đoàn, doanh nghiệp công nghệ số"]),
        ("Các tỉnh, thành phố trực thuộc TW", ["Các tỉnh, thành phố trực thuộc TW"]),
        ("Các thành phố trực thuộc Trung ương và một số tỉnh đủ điều kiện",
         ["Các thành phố trực thuộc Trung ương và một số tỉnh đủ điều kiện"]),
        ("Các bộ, ngành, địa phương là chủ quản CSDLQG, CSDL chuyên ngành",
         ["Các bộ, ngành, địa phương là chủ quản CSDLQG, CSDL chuyên ngành"]),
        ("Bộ Thông tin và Truyền thông Bộ Khoa học và Công nghệ",
         ["Bộ Thông tin và Truyền thông", "Bộ Khoa học và Công nghệ"]),
        ("Bộ Tài chính, bộ, ngành liên quan", ["Bộ Tài chính", "bộ, ngành liên quan"]),
        ("Văn phòng Chính phủ và Bộ Thông tin và Truyền thông", ["Văn phòng Chính phủ", "Bộ Thông tin và Truyền thông"]),
        ("Các Bộ: Quốc phòng, Xây dựng, Tài nguyên và Môi trường, Nông nghiệp và PTNT và các đơn vị liên quan",
         ["Bộ Quốc phòng", "Bộ Xây dựng", "Bộ Tài nguyên và Môi trường", "Bộ Nông nghiệp và PTNT", "các đơn vị liên quan"]),
        ("Cơ quan, tổ chức và doanh nghiệp liên quan", ["Cơ quan, tổ chức và doanh nghiệp liên quan"]),
        ("", []),
    ],
)
def test_split_agencies(cell, items):
    assert split_agencies(cell) == items


def test_column_mapping_by_header():
    assert column_field("Cơ quan chủ trì theo dõi, đánh giá") == "lead"
    assert column_field("Cơ quan phối hợp thực hiện") == "coordinating"
    assert column_field("Thời gian trình") == "deadline"
    assert column_field("Nhiệm vụ, đề án, dự án") == "task"
    assert column_field("Sản phẩm") == "product"
    assert column_field("Đơn vị", indicator_table=True) == "unit"
    assert column_field("Đơn vị") == "lead"
    assert column_field("Cấp trình") is None
    assert column_field("Doanh nghiệp nòng cốt") == "core_enterprise"
    assert annex_id("II", 1, 2) == "phu_luc_2" and annex_id(None, 0, 1) == "phu_luc"


def test_12_nq_cp_annex_matches_citations_gold():
    gold = next(g for g in json.loads((ROOT / "tests/gold/citations.json").read_text()) if g["doc"] == "12/NQ-CP")
    provs, rows = _parse("12-NQ-CP-2023.txt")
    assert [p.id for p in provs] == ["phu_luc"] and provs[0].heading == gold["annex"]["title"]
    assert len(rows) == gold["annex"]["row_count"]
    for g, r in zip(gold["annex"]["rows"], rows):
        assert r.stt == g["stt"] and r.lines[0] == g["line"] and r.task == g["task"]
        assert squash(r.cells["Cơ quan chủ trì thực hiện"]) == g["lead"]
        assert squash(r.cells["Cơ quan phối hợp thực hiện"]) == g["coordinating"]
        assert r.deadline == g["deadline"] and r.product == g["product"] and r.cells["Cấp trình"] == g["submitted_to"]
    titles = [gr["title"] for gr in gold["annex"]["groups"]]
    assert [r.group for r in rows][:1] == titles[:1] and rows[-1].group == titles[-1]


def test_982_pdf_layout_best_effort():
    provs, rows = _parse("982-QD-TTg-2026.txt")
    assert provs[0].id == "phu_luc" and provs[0].heading.startswith("DANH MỤC CÁC NHIỆM VỤ TRỌNG TÂM")
    stts = [r.stt for r in rows]
    assert stts[0] == "1.1" and stts[-1] == "8"  # gold: numbered tasks run 1.1 … 8.
    r = rows[0]
    assert r.group == "Rà soát, hoàn thiện thể chế"
    assert r.lead == ["Bộ Tài chính"] and r.deadline == "Nhiệm vụ thường xuyên"
    assert r.coordinating == ["Bộ Khoa học và Công nghệ", "Cơ quan, tổ chức và doanh nghiệp liên quan"]


def test_175_three_annexes():
    provs, _ = _parse("175-NQ-CP-2023.txt")
    assert [p.id for p in provs] == ["phu_luc_1", "phu_luc_2", "phu_luc_3"]
    assert provs[0].heading.startswith("NHIỆM VỤ CỦA CÁC BỘ, NGÀNH, ĐỊA PHƯƠNG")


def test_no_annex():
    assert parse_annexes("Điều 1. Phê duyệt …\nCăn cứ Phụ lục kèm theo, giao nhiệm vụ.") == ([], [])


def test_header_and_legal_bases_thresholds():
    """Held here so they cannot fall back."""
    from bench.accuracy import header_scores, legal_base_scores

    h = header_scores()
    for field, s in h.items():
        print(field, s.found, s.missed, s.wrong, f"{s.f1:.3f}", s.diffs[:5])
        assert s.f1 >= 0.98, field
    lb = legal_base_scores()
    assert lb.precision == 1.0 and lb.recall == 1.0, lb.diffs
