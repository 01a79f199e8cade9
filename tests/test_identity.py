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


# A citation by name and a date no law known otherwise has (fictional laws, numbers of the year 2099).

def test_a_date_no_law_has_goes_to_the_one_law_of_that_name_and_year_whose_date_is_unknown() -> None:
    """(b) Of the two laws of the name and year, the one known with another date is dropped; the one left, known
    only by its number, is the law cited by name and date, and the number's citations land on the same node."""
    docs = [_citing("a", law("Luật Thử nghiệm A", date="2099-02-01", number="9998/2099/QH99")),
            _citing("b", law("Luật Thử nghiệm A", number="9999/2099/QH99")),
            _citing("c", law("Luật Thử nghiệm A", date="2099-06-16"))]
    cat = identity.build(docs)
    assert resolved(docs) == [["luat-2099-02-01-thu-nghiem-a"], ["luat-2099-06-16-thu-nghiem-a"],
                              ["luat-2099-06-16-thu-nghiem-a"]]
    assert not cat.despite_date  # the law had no known date: nothing was written otherwise


def test_a_date_of_the_only_law_of_that_name_and_year_written_otherwise_is_that_law() -> None:
    """(c) One law of the name and year, known by its number with another date: a citation giving another date is
    that law; the mismatch is listed and the citation keeps the date it states."""
    docs = [_citing("a", law("Luật Thử nghiệm B", date="2099-11-29", number="9997/2099/QH99")),
            _citing("b", law("Luật Thử nghiệm B", date="2099-11-19"))]
    cat = identity.build(docs)
    assert resolved(docs) == [["luat-2099-11-29-thu-nghiem-b"], ["luat-2099-11-29-thu-nghiem-b"]]
    assert cat.despite_date == {"luat-2099-11-19-thu-nghiem-b": ["2099-11-29"]}
    assert docs[1].legal_bases[0].date == "2099-11-19"
    # what a later load sees: the citation already on the law's id with its own date; the law's date stays the id
    again = identity.build(docs)
    assert again.resolve("luat-2099-11-29-thu-nghiem-b") == "luat-2099-11-29-thu-nghiem-b"
    assert again.despite_date == cat.despite_date


def test_two_dates_of_one_name_and_year_known_only_by_citations_stay_two_laws_whatever_the_counts() -> None:
    """Both known only by citations by name and date: which date is the law's, or whether they are two laws, no text
    says; more documents citing one date decides nothing (a count would be a guess)."""
    docs = [_citing("a", law("Luật Thử nghiệm D", date="2099-11-26")),
            _citing("b", law("Luật Thử nghiệm D", date="2099-11-26")),
            _citing("c", law("Luật Thử nghiệm D", date="2099-12-08"))]
    assert resolved(docs) == [["luat-2099-11-26-thu-nghiem-d"], ["luat-2099-11-26-thu-nghiem-d"],
                              ["luat-2099-12-08-thu-nghiem-d"]]
    assert not identity.build(docs).despite_date


def test_a_law_of_unknown_date_taken_by_two_dates_is_neither() -> None:
    """(b) Two dates of the name and year, one number of unknown date: either date may be the number's (or neither),
    so all three stay as written, whichever date more documents cite."""
    docs = [_citing("a", law("Luật Thử nghiệm E", date="2099-02-19")),
            _citing("b", law("Luật Thử nghiệm E", date="2099-06-16")),
            _citing("c", law("Luật Thử nghiệm E", date="2099-06-16")),
            _citing("d", law("Luật Thử nghiệm E", number="9994/2099/QH99"))]
    assert resolved(docs) == [["luat-2099-02-19-thu-nghiem-e"], ["luat-2099-06-16-thu-nghiem-e"],
                              ["luat-2099-06-16-thu-nghiem-e"], ["luat-2099-9994-qh99"]]


def test_a_date_with_two_laws_of_unknown_date_left_is_unresolved_and_both_listed() -> None:
    """(d) Two laws of the name and year known only by their numbers: the citation by name and date is either."""
    docs = [_citing("a", law("Luật Thử nghiệm C", number="9995/2099/QH99")),
            _citing("b", law("Luật Thử nghiệm C", number="9996/2099/QH99")),
            _citing("c", law("Luật Thử nghiệm C", date="2099-03-03"))]
    cat = identity.build(docs)
    assert resolved(docs) == [["luat-2099-9995-qh99"], ["luat-2099-9996-qh99"], ["luat-2099-03-03-thu-nghiem-c"]]
    assert cat.ambiguous["luat-2099-03-03-thu-nghiem-c"] == ["luat-2099-9995-qh99", "luat-2099-9996-qh99"]
