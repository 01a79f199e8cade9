"""The number grammar (cancu.numbers) on real strings: every number in the corpus, GUIDE §2's forms, user input."""

from __future__ import annotations

import pytest

from cancu.iri import DocId
from cancu.numbers import DocNumber, find_numbers, parse_user_ref
from cancu.text import nfc

# Every distinct number as written in corpus/ (incl. PDF line breaks and an en dash) -> canonical form.
CORPUS = [
    ('03/NQ-CP', '03/NQ-CP'),
    ('57-NQ/TW', '57-NQ/TW'),
    ('04/TTr-BKHCN-BTTTT', '04/TTr-BKHCN-BTTTT'),
    ('83/BKHCN-BTTTT-VP', '83/BKHCN-BTTTT-VP'),
    ('45-NQ/TW', '45-NQ/TW'),
    ('109/2022/NĐ-CP', '109/2022/NĐ-CP'),
    ('80/2020/NĐ-CP', '80/2020/NĐ-CP'),
    ('79/2021/NĐ-CP', '79/2021/NĐ-CP'),
    ('97/2018/NĐ-CP', '97/2018/NĐ-CP'),
    ('1552/BTTTT-TTH', '1552/BTTTT-TTH'),
    ('708/BTTTT-CATTT', '708/BTTTT-CATTT'),
    ('107/2021/NĐ-CP', '107/2021/NĐ-CP'),
    ('87/2021/NĐ-CP', '87/2021/NĐ-CP'),
    ('97/2023/NĐ-CP', '97/2023/NĐ-CP'),
    ('37/2018/QĐ-TTg', '37/2018/QĐ-TTg'),
    ('157/2007/QĐ-TTg', '157/2007/QĐ-TTg'),
    ('05/2022/QĐ-TTg', '05/2022/QĐ-TTg'),
    ('06/QĐ-TTg', '06/QĐ-TTg'),
    ('137/2015/NĐ-CP', '137/2015/NĐ-CP'),
    ('12/NQ-CP', '12/NQ-CP'),
    ('15-NQ/TW', '15-NQ/TW'),
    ('768/QĐ-TTg', '768/QĐ-TTg'),
    ('88/NQ-CP', '88/NQ-CP'),
    ('12-CT/TW', '12-CT/TW'),
    ('12-NQ/TW', '12-NQ/TW'),
    ('91/2021/NĐ-CP', '91/2021/NĐ-CP'),
    ('97/2019/QH14', '97/2019/QH14'),
    ('115/2020/QH14', '115/2020/QH14'),
    ('146/QĐ-TTg', '146/QĐ-TTg'),
    ('52-NQ/TW', '52-NQ/TW'),
    ('50/NQ-CP', '50/NQ-CP'),
    ('01/NQ-CP', '01/NQ-CP'),
    ('1527/QĐ-BKHCN', '1527/QĐ-BKHCN'),
    ('193/2025/QH15', '193/2025/QH15'),
    ('71/NQ-CP', '71/NQ-CP'),
    ('88/2025/NĐ-CP', '88/2025/NĐ-CP'),
    ('55/2025/NĐ-CP', '55/2025/NĐ-CP'),
    ('17/2017/NĐ-CP', '17/2017/NĐ-CP'),
    ('175/NQ-CP', '175/NQ-CP'),
    ('39/2022/NĐ-CP', '39/2022/NĐ-CP'),
    ('01/2018/NĐ-CP', '01/2018/NĐ-CP'),
    ('27-NQ/TW', '27-NQ/TW'),
    ('186/QĐ-BTTTT', '186/QĐ-BTTTT'),
    ('749/QĐ-TTg', '749/QĐ-TTg'),
    ('942/QĐ-TTg', '942/QĐ-TTg'),
    ('20/2021/TT-BLĐTBXH', '20/2021/TT-BLĐTBXH'),
    ('69/2020/QH14', '69/2020/QH14'),
    ('14/2017/NĐ-CP', '14/2017/NĐ-CP'),
    ('112/2021/NĐ-CP', '112/2021/NĐ-CP'),
    ('35/2017/TT-BLĐTBXH', '35/2017/TT-BLĐTBXH'),
    ('35/2017/TT-\nBLĐTBXH', '35/2017/TT-BLĐTBXH'),
    ('20-NQ/TW', '20-NQ/TW'),
    ('2390/BTTTT-THH', '2390/BTTTT-THH'),
    ('274/QĐ-TTg', '274/QĐ-TTg'),
    ('274/QĐ–TTg', '274/QĐ-TTg'),
    ('61/2018/NĐ-CP', '61/2018/NĐ-CP'),
    ('2844/VPCP-KSTT', '2844/VPCP-KSTT'),
    ('26/BC-BTTTT', '26/BC-BTTTT'),
    ('29/2026/TT-BTC', '29/2026/TT-BTC'),
    ('97/2015/QH13', '97/2015/QH13'),
    ('29/2025/NĐ-CP', '29/2025/NĐ-CP'),
    ('166/2025/NĐ-CP', '166/2025/NĐ-CP'),
    ('148/2016/TT-BTC', '148/2016/TT-BTC'),
    ('287/2016/TT-BTC', '287/2016/TT-BTC'),
    ('154/2025/TT-BTC', '154/2025/TT-BTC'),
    ('156/2025/TT-BTC', '156/2025/TT-BTC'),
    ('199/2016/TT-\nBTC', '199/2016/TT-BTC'),
    ('38/2022/TT-BTC', '38/2022/TT-BTC'),
    ('56/2024/TT-BTC', '56/2024/TT-BTC'),
    ('263/2016/TT-BTC', '263/2016/TT-BTC'),
    ('23/2019/TT-BTC', '23/2019/TT-BTC'),
    ('218/2016/TT-BTC', '218/2016/TT-BTC'),
    ('75/2022/TT-BTC', '75/2022/TT-BTC'),
    ('64/2025/TT-BTC', '64/2025/TT-BTC'),
    ('3260-KH/ĐĐQH15', '3260-KH/ĐĐQH15'),
    ('328/KH-UBND', '328/KH-UBND'),
    ('17/NQ-CP', '17/NQ-CP'),
    ('411/QĐ-TTg', '411/QĐ-TTg'),
    ('16/2021/QH15', '16/2021/QH15'),
    ('99/NQ-CP', '99/NQ-CP'),
    ('505/QĐ-TTg', '505/QĐ-TTg'),
    ('982/QĐ-TTg', '982/QĐ-TTg'),
    ('68-NQ/TW', '68-NQ/TW'),
    ('11/NQ-CP', '11/NQ-CP'),
    ('72/TTr-BKHCN', '72/TTr-BKHCN'),
    ('3374/ BKHCN-\nCNCNTT', '3374/BKHCN-CNCNTT'),
    ('3374/ BKHCN-CNCNTT', '3374/BKHCN-CNCNTT'),
]

# GUIDE §2 forms and other real spellings.
GUIDE = [
    ("17/2017/NĐ-CP", "17/2017/NĐ-CP"), ("18/2020/QĐ-TTg", "18/2020/QĐ-TTg"), ("15/2024/QĐ-UBND", "15/2024/QĐ-UBND"),
    ("86/2015/QH13", "86/2015/QH13"), ("749/QĐ-TTg", "749/QĐ-TTg"), ("14/CT-TTg", "14/CT-TTg"),
    ("2844/VPCP-KSTT", "2844/VPCP-KSTT"), ("26/VBHN-NHNN", "26/VBHN-NHNN"), ("57-NQ/TW", "57-NQ/TW"),
    ("01/2012/TTLT-BTC-BKHĐT", "01/2012/TTLT-BTC-BKHĐT"), ("749/QÐ-TTg", "749/QĐ-TTg"),  # U+00D0 eth
    ("749 /QĐ-TTg", "749/QĐ-TTg"), ("17/2017/NĐ-\nCP", "17/2017/NĐ-CP"),
]


@pytest.mark.parametrize("written,canonical", CORPUS + GUIDE)
def test_canonical_form(written: str, canonical: str) -> None:
    assert str(DocNumber.parse(written)) == canonical


@pytest.mark.parametrize("written,canonical", CORPUS + GUIDE)
def test_found_in_running_text(written: str, canonical: str) -> None:
    text = f"Căn cứ văn bản số {written} ngày 01 tháng 01 năm 2020 của cơ quan;"
    hits = [str(n) for n, _, _ in find_numbers(nfc(text))]  # ingest normalises before finding
    assert hits == [canonical]


@pytest.mark.parametrize("text", [
    "ngày 03/6/2020", "Quý II/2023", "giai đoạn 2022 - 2025", "tỷ lệ 50/100 người", "Nghị quyết số /NQ-CP ngày 01",
    "(3)Q.Cường", "điểm 1.1 khoản 1", "năm 2025/2026", "Hà Nội, ngày 11 tháng 02 năm 2022",
])
def test_not_a_number(text: str) -> None:
    assert list(find_numbers(text)) == []


def test_party_and_state_forms_differ() -> None:
    party = DocNumber.parse("52-NQ/TW")
    assert party.party and party.type_code == "NQ" and party.issuer == "TW"
    state = DocNumber.parse("50/NQ-CP")
    assert not state.party and state.issuer == "CP" and state.year is None


def test_official_letter_has_no_type_code() -> None:
    n = DocNumber.parse("2390/BTTTT-THH")
    assert n.type_code is None and n.type_name == "Công văn" and n.units == ("THH",)


def test_key_ignores_year_case_diacritics_and_leading_zeros() -> None:
    assert DocNumber.parse("01/2018/NĐ-CP").key == DocNumber.parse("1/ND-CP").key == "1/nd-cp"


@pytest.mark.parametrize("typed", ["749/QĐ-TTg", "749/QD-TTg", "QĐ 749/QĐ-TTg", "Quyết định số 749/QĐ-TTg",
                                   "quyết định số 749/qđ-ttg".replace("qđ-ttg", "QĐ-TTg"), " 749/QĐ-TTg "])
def test_user_spellings_reduce_to_one_key(typed: str) -> None:
    assert parse_user_ref(typed).key == "749/qd-ttg"


def test_user_number_and_type_only() -> None:
    ref = parse_user_ref("QĐ 749")
    assert ref.number is None and ref.num == "749" and ref.type_code == "QĐ"


def test_user_year() -> None:
    assert parse_user_ref("50/NQ-CP năm 2021").year == 2021


@pytest.mark.parametrize("bad", ["", "   ", "hello", "QĐ"])
def test_user_garbage_is_refused(bad: str) -> None:
    with pytest.raises(ValueError):
        parse_user_ref(bad)


@pytest.mark.parametrize("number,year,doc_id", [
    ("749/QĐ-TTg", 2020, "qd-2020-749-ttg"), ("17/2017/NĐ-CP", None, "nd-2017-17-cp"),
    ("52-NQ/TW", 2019, "nq-2019-52-tw"), ("2390/BTTTT-THH", 2020, "cv-2020-2390-btttt-thh"),
    ("50/NQ-CP", 2020, "nq-2020-50-cp"), ("50/NQ-CP", 2021, "nq-2021-50-cp"), ("50/NQ-CP", None, "nq-undated-50-cp"),
])
def test_doc_ids_round_trip(number: str, year: int | None, doc_id: str) -> None:
    d = DocId.for_number(DocNumber.parse(number), year)
    assert d.id == doc_id
    assert DocId.parse(doc_id) == d == DocId.from_iri(d.iri("https://example.org"))


def test_law_ids_by_name_and_date() -> None:
    d = DocId.for_law("Luật Tổ chức Chính phủ", "2015-06-19")
    assert d.id == "luat-2015-06-19-to-chuc-chinh-phu"
    assert d.iri("https://x.org") == "https://x.org/eli/vn/luat/2015-06-19/to-chuc-chinh-phu"
    assert DocId.parse(d.id) == d


@pytest.mark.parametrize("bad", ["qd-749", "qd-20-749-ttg", "QD-2020-749-TTG", "luat-20150619-to-chuc", ""])
def test_malformed_ids_are_refused(bad: str) -> None:
    with pytest.raises(ValueError):
        DocId.parse(bad)


def test_split_provision() -> None:
    from cancu.iri import split_provision
    b = "http://x/eli/vn/"
    assert split_provision(b + "luat/2024-06-29/bao-hiem-xa-hoi/chuong_ii/dieu_18") == (
        b + "luat/2024-06-29/bao-hiem-xa-hoi", "chuong_ii/dieu_18")
    assert split_provision(b + "nq/2025/03/cp/phu_luc_2/hang_11") == (b + "nq/2025/03/cp", "phu_luc_2/hang_11")
    assert split_provision(b + "qd/2020/749/ttg") == (b + "qd/2020/749/ttg", "")
