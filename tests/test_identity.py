"""One node per real document over a batch (issue 14): the catalogue of ingest.identity.

Citations below are as the gazette writes them (Luật Tổ chức Chính phủ 2015 and 2025, 63/2025/QH15).
"""

from __future__ import annotations

import random

from ingest import identity
from ingest.models import Document, Ref
from ingest.resolve import resolve


def _citing(source: str, *refs: Ref) -> Document:
    doc = Document(source=source, number="9999/QĐ-TEST", type="Quyết định", date_issued="2026-01-01",
                   doc_id=f"qd-2026-9999-{source}")
    doc.legal_bases = list(refs)
    return doc


def law(title: str, date: str | None = None, year: int | None = None, number: str | None = None) -> Ref:
    return Ref(text=title, relation="based_on", title=title, type="Luật", date=date,
               year=year or (int(date[:4]) if date else None) or (int(number.split("/")[1]) if number else None),
               number=number)


def resolved(docs: list[Document]) -> list[list[str | None]]:
    cat = identity.build(docs)
    out = []
    for d in docs:
        resolve(d)
        identity.apply(d, cat)
        out.append([r.doc_id for r in d.legal_bases])
    return out


def test_name_date_number_and_year_of_one_law_are_one_node() -> None:
    docs = [_citing("a", law("Luật Tổ chức Chính phủ", date="2025-02-18")),
            _citing("b", law("Luật Tổ chức Chính phủ", number="63/2025/QH15")),
            _citing("c", law("Luật tổ chức  Chính phủ", year=2025)),  # typed otherwise: case and spacing
            _citing("d", Ref(text="Luật số 63/2025/QH15", relation="based_on", number="63/2025/QH15", type="Luật",
                             year=2025))]
    ids = {i for row in resolved(docs) for i in row}
    assert ids == {"luat-2025-02-18-to-chuc-chinh-phu"}


def test_same_name_other_year_is_another_law() -> None:
    docs = [_citing("a", law("Luật Tổ chức Chính phủ", date="2015-06-19")),
            _citing("b", law("Luật Tổ chức Chính phủ", date="2025-02-18"))]
    assert resolved(docs) == [["luat-2015-06-19-to-chuc-chinh-phu"], ["luat-2025-02-18-to-chuc-chinh-phu"]]


def test_two_laws_of_one_name_and_year_leave_a_citation_by_year_unresolved() -> None:
    docs = [_citing("a", law("Luật Tổ chức chính quyền địa phương", date="2025-02-19")),
            _citing("b", law("Luật Tổ chức chính quyền địa phương", date="2025-06-16")),
            _citing("c", law("Luật Tổ chức chính quyền địa phương", year=2025))]
    cat = identity.build(docs)
    assert sorted(cat.ambiguous["luat-2025-to-chuc-chinh-quyen-dia-phuong"]) == [
        "luat-2025-02-19-to-chuc-chinh-quyen-dia-phuong", "luat-2025-06-16-to-chuc-chinh-quyen-dia-phuong"]
    assert resolved(docs)[2] == ["luat-2025-to-chuc-chinh-quyen-dia-phuong"]  # as written, never guessed


def test_the_ingested_law_is_the_node_and_order_does_not_matter() -> None:
    own = Document(source="law.txt", number="41/2024/QH15", type="Luật", title="BẢO HIỂM XÃ HỘI",
                   date_issued="2024-06-29", doc_id="luat-2024-06-29-bao-hiem-xa-hoi")
    docs = [own, _citing("a", Ref(text="x", relation="based_on", number="41/2024/QH15", type="Luật", year=2024)),
            _citing("b", law("Luật Bảo hiểm xã hội", year=2024)),
            _citing("c", law("Luật Bảo hiểm xã hội", number="41/2024/QH15"))]
    first = resolved(docs)
    assert {i for row in first[1:] for i in row} == {"luat-2024-06-29-bao-hiem-xa-hoi"}
    shuffled = docs[:]
    random.Random(7).shuffle(shuffled)
    again = dict(zip((d.source for d in shuffled), resolved(shuffled)))
    assert [again[d.source] for d in docs] == first


def test_a_name_and_number_goes_by_its_number_where_the_name_and_year_name_two() -> None:
    """'Luật Tổ chức chính quyền địa phương số 72/2025/QH15' (nghi-dinh-so-140-2026-nd-cp): the number names one law
    even where the name and year name two; the number's node, not the unresolved name-and-year one."""
    docs = [_citing("a", law("Luật Tổ chức chính quyền địa phương", date="2025-02-19")),
            _citing("b", law("Luật Tổ chức chính quyền địa phương", date="2025-06-16")),
            _citing("c", law("Luật Tổ chức chính quyền địa phương", number="72/2025/QH15"))]
    assert resolved(docs)[2] == ["luat-2025-72-qh15"]



def test_a_comma_more_or_less_is_one_name_and_two_dates_stay_two_laws() -> None:
    """A name written with and without a comma ("Luật Quản lý, sử dụng tài sản công" / "Luật Quản lý sử dụng …") is
    one name: two dates of it are two laws, never joined through the one name-and-year id both spell (fictional)."""
    docs = [_citing("a", law("Luật Thử nghiệm A, B", date="2099-01-01")),
            _citing("b", law("Luật Thử nghiệm A B", date="2099-06-01")),
            _citing("c", law("Luật Thử nghiệm A B", year=2099))]
    assert resolved(docs) == [["luat-2099-01-01-thu-nghiem-a-b"], ["luat-2099-06-01-thu-nghiem-a-b"],
                              ["luat-2099-thu-nghiem-a-b"]]
