"""Programme roles: approval (real corpus) and platform tables (plainly fictional fixture)."""

from __future__ import annotations

from pathlib import Path

from cancu.text import nfc
from ingest.models import Document
from ingest.roles import approval_roles, find_roles, platform_roles
from ingest.tables import parse_annexes

ROOT = Path(__file__).resolve().parents[1]


def _doc(rel: str, **kw) -> Document:
    return Document(source=rel, text=nfc((ROOT / rel).read_text(encoding="utf-8")), **kw)


def test_186_approves_programme_with_short_name():
    d = _doc("corpus/186-QD-BTTTT-2022.txt", number="186/QĐ-BTTTT")
    roles = approval_roles(d)
    assert roles[0].relation == "approves" and roles[0].subject == "186/QĐ-BTTTT"
    assert roles[0].object == ("Chương trình thúc đẩy phát triển và sử dụng các nền tảng số quốc gia phục vụ "
                               "chuyển đổi số, phát triển chính phủ số, kinh tế số, xã hội số")  # gold 'approves'
    assert roles[0].provision == "dieu_1" and roles[0].quote.startswith("Điều 1. Phê duyệt")
    assert roles[1].relation == "short_name" and roles[1].object == "Chương trình phát triển nền tảng số quốc gia"
    assert d.text[roles[1].start:roles[1].end] == roles[1].object


def test_other_approvals():
    cases = {
        "corpus/749-QD-TTg-2020.txt": "Chương trình Chuyển đổi số quốc gia đến năm 2025, định hướng đến năm 2030",
        "corpus/982-QD-TTg-2026.txt": "Đề án hỗ trợ, phát triển các doanh nghiệp công nghệ số vươn ra toàn cầu đến năm 2030, tầm nhìn đến năm 2045",
        "corpus/274-QD-TTg-2019.txt": "Đề án Cổng Dịch vụ công quốc gia",
        "corpus/175-NQ-CP-2023.txt": "Đề án Trung tâm dữ liệu quốc gia",
    }
    for path, title in cases.items():
        roles = approval_roles(_doc(path))
        assert roles and roles[0].object == title, path
        assert all(r.relation != "short_name" for r in roles)  # '(gọi tắt là Đề án)' is generic
    r03 = approval_roles(_doc("corpus/03-NQ-CP-2025.txt"))[0]
    assert r03.object.startswith("Chương trình hành động của Chính phủ thực hiện Nghị quyết số 57-NQ/TW")
    assert approval_roles(_doc("corpus/20-2021-TT-BLDTBXH.txt")) == []


def test_platform_table_fixture_is_plainly_fictional():
    text = (ROOT / "tests/fixtures/platform_annex_fictional.txt").read_text(encoding="utf-8")
    assert "VĂN BẢN GIẢ LẬP — KHÔNG CÓ THẬT" in text and "9001/QĐ-TEST" in text


def test_platform_roles_from_fictional_table():
    d = _doc("tests/fixtures/platform_annex_fictional.txt", number="9001/QĐ-TEST")
    provs, rows = parse_annexes(d.text)
    assert [p.id for p in provs] == ["phu_luc"] and provs[0].heading == "DANH MỤC NỀN TẢNG SỐ QUỐC GIA"
    assert [r.kind for r in rows] == ["platform"] * 3 and rows[0].group == "Nhóm nền tảng thử nghiệm"
    roles = platform_roles(rows, d.text)
    got = {(r.subject, r.relation, r.object) for r in roles}
    assert ("Nền tảng thử nghiệm A", "governing_agency", "Bộ Thử nghiệm") in got
    assert ("Nền tảng thử nghiệm A", "focal_unit", "Cục Giả lập Một") in got
    assert ("Nền tảng thử nghiệm A", "ministry_focal_unit", "Vụ Giả lập Hai") in got
    assert ("Nền tảng thử nghiệm A", "core_enterprise", "Công ty X") in got
    assert ("Nền tảng thử nghiệm A", "core_enterprise", "Công ty Y") in got
    assert ("Nền tảng thử nghiệm B", "governing_agency", "Ủy ban nhân dân tỉnh Giả Định") in got
    assert ("Nền tảng thử nghiệm C", "core_enterprise", "Công ty W") in got
    assert not any(r.subject == "Nền tảng thử nghiệm C" and r.relation == "focal_unit" for r in roles)  # empty cell
    for r in roles:  # provenance: row id, quoted cell, span of the cell in the text
        assert r.provision.startswith("phu_luc/hang_") and d.text[r.start:r.end] == r.quote
    kinds = {r.relation: r.object_kind for r in roles}
    assert kinds == {"governing_agency": "agency", "focal_unit": "unit", "ministry_focal_unit": "unit",
                     "core_enterprise": "enterprise"}


def test_find_roles_combines():
    d = _doc("tests/fixtures/platform_annex_fictional.txt", number="9001/QĐ-TEST")
    roles = find_roles(d)
    assert roles[0].relation == "approves" and roles[0].object == "Chương trình thử nghiệm nền tảng giả lập"
    assert sum(r.relation == "core_enterprise" for r in roles) == 5
    assert find_roles(_doc("corpus/12-NQ-CP-2023.txt"))[0].relation == "approves"  # task rows: no platform roles
