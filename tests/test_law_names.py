"""Laws cited by name (ingest.citations.find_refs), on sentences quoted from ../shared/gazette as the PDF breaks them.

An amending law's name lists the laws it amends; the list is one name, whose date is the amending law's. A date
after "có hiệu lực kể từ" or "trước" is not the date of the law named before it.
"""

from __future__ import annotations

from ingest.citations import find_refs

# thue_tncn/van-ban-hop-nhat-so-06-vbhn-btc-469375.txt, lines 86-88 (a footnote quoting Thông tư 40/2025/TT-BTC)
AMENDING_BY_DATE = """Căn cứ Luật sửa đổi, bổ sung một số điều của Luật Chứng khoán, Luật Kế toán, Luật Kiểm toán độc lập, 
Luật Ngân sách nhà nước, Luật Quản lý, sử dụng tài sản công, Luật Quản lý thuế, Luật Thuế thu nhập cá nhân, 
Luật Dự trữ quốc gia, Luật Xử lý vi phạm hành chính ngày 19 tháng 11 năm 2024; """
# thue_tncn/van-ban-hop-nhat-so-08-vbhn-btc-469538.txt, lines 122-124
AMENDING_SHORTER = """Căn cứ Luật sửa đổi, bổ sung một số điều của Luật Đầu tư công, Luật Đầu tư theo phương 
thức đối tác công tư, Luật Đầu tư, Luật Nhà ở, Luật Đấu thầu, Luật Điện lực, Luật Doanh 
nghiệp, Luật Thuế tiêu thụ đặc biệt và Luật Thi hành Án dân sự ngày 11 tháng 01 năm 2022; """
# thue_tncn/van-ban-hop-nhat-so-111-vbhn-vpqh-469594.txt, lines 584-586 (a footnote)
IN_FORCE_FROM = """2 Điểm này được sửa đổi, bổ sung theo quy định tại Điều 4 của Luật số 09/2026/QH16 sửa 
đổi, bổ sung một số điều của Luật Thuế thu nhập cá nhân, Luật Thuế giá trị gia tăng, Luật Thuế thu 
nhập doanh nghiệp và Luật Thuế tiêu thụ đặc biệt, có hiệu lực kể từ ngày 24 tháng 4 năm 2026. """
# hd_kinh_te/nghi-quyet-so-141-nq-cp-469678.txt, lines 72-75: a draft, and a deadline
DEADLINE = """pháp luật của Nhà nước, trên cơ sở đó chủ động tổ chức xây dựng dự án Luật 
sửa đổi, bổ sung một số điều của Luật Thương mại, Luật Cạnh tranh, Luật Quản 
lý ngoại thương, Luật Bảo vệ quyền lợi người tiêu dùng theo quy định, trình 
Chính phủ trước ngày 10 tháng 7 năm 2026."""
# enacting formulas quoted by consolidated texts (the law enacted has no number yet): tests/fixtures/gazette/
# van-ban-hop-nhat-so-47-vbhn-vpqh-41398.txt, line 52, and thue_tncn/van-ban-hop-nhat-so-111-vbhn-vpqh-469594.txt, 36-37
ENACTING = "Quốc hội ban hành Luật sửa đổi, bổ sung một số điều của Luật Bảo hiểm y tế số 25/2008/QH12.”. "
ENACTING_LIST = """Quốc hội ban hành Luật sửa đổi, bổ sung một số điều của Luật Thuế thu nhập cá nhân 
số 109/2025/QH15; Luật Thuế giá trị gia tăng số 48/2024/QH15 đã được sửa đổi, bổ sung một """


def test_an_amending_law_is_one_name_with_its_date() -> None:
    [ref] = find_refs(AMENDING_BY_DATE)
    assert ref.title == ("Luật sửa đổi, bổ sung một số điều của Luật Chứng khoán, Luật Kế toán, Luật Kiểm toán độc "
                         "lập, Luật Ngân sách nhà nước, Luật Quản lý, sử dụng tài sản công, Luật Quản lý thuế, Luật "
                         "Thuế thu nhập cá nhân, Luật Dự trữ quốc gia, Luật Xử lý vi phạm hành chính")
    assert ref.date == "2024-11-19"


def test_a_list_joined_by_va_is_part_of_the_amending_name() -> None:
    [ref] = find_refs(AMENDING_SHORTER)
    assert ref.title.startswith("Luật sửa đổi, bổ sung một số điều của Luật Đầu tư công, ")
    assert ref.title.endswith("Luật Thuế tiêu thụ đặc biệt và Luật Thi hành Án dân sự")
    assert ref.date == "2022-01-11"


def test_a_date_of_entry_into_force_is_no_law_s_date() -> None:
    refs = find_refs(IN_FORCE_FROM)
    assert [(str(r.number), r.title, r.date) for r in refs] == [("09/2026/QH16", None, None)]


def test_a_deadline_is_no_law_s_date() -> None:
    assert find_refs(DEADLINE) == []


def test_the_number_in_an_enacting_formula_is_the_amended_law_s() -> None:
    assert [(r.title, str(r.number)) for r in find_refs(ENACTING)] == [("Luật Bảo hiểm y tế", "25/2008/QH12")]
    assert [(r.title, str(r.number)) for r in find_refs(ENACTING_LIST)] == [
        ("Luật Thuế thu nhập cá nhân", "109/2025/QH15"), ("Luật Thuế giá trị gia tăng", "48/2024/QH15")]
