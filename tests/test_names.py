"""Gazetteer, alias resolution and the mention finder, on real corpus text."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from cancu.text import nfc
from ingest.names import Entity, find_mentions, issuer_by_code, load_gazetteer, resolve_agency, tokenize

CORPUS = Path(__file__).resolve().parents[1] / "corpus"


def _text(name: str) -> str:
    return nfc((CORPUS / name).read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    "name, eid",
    [
        ("Bộ Thông tin và Truyền thông", "bo-thong-tin-va-truyen-thong"),
        ("Bộ TT&TT", "bo-thong-tin-va-truyen-thong"),
        ("Bộ TTTT", "bo-thong-tin-va-truyen-thong"),
        ("BTTTT", "bo-thong-tin-va-truyen-thong"),
        ("bo thong tin va truyen thong", "bo-thong-tin-va-truyen-thong"),
        ("Bộ Khoa học và công nghệ", "bo-khoa-hoc-va-cong-nghe"),
        ("Bộ Công An", "bo-cong-an"),
        ("Ngân hàng nhà nước Việt Nam", "ngan-hang-nha-nuoc-viet-nam"),
        ("Ngân hàng Nhà nước", "ngan-hang-nha-nuoc-viet-nam"),
        ("Bộ Tài nguyên và môi trường", "bo-tai-nguyen-va-moi-truong"),
        ("VTV", "dai-truyen-hinh-viet-nam"),
        ("TTXVN", "thong-tan-xa-viet-nam"),
        ("Viện Hàn lâm Khoa học và Công nghệ", "vien-han-lam-khoa-hoc-va-cong-nghe-viet-nam"),
        ("Bộ Văn hóa, Thể thao và Du lịch", "bo-van-hoa-the-thao-va-du-lich"),
        ("Bộ Lao động - Thương binh và Xã hội", "bo-lao-dong-thuong-binh-va-xa-hoi"),
        ("UBND TP Hà Nội", "uy-ban-nhan-dan-thanh-pho-ha-noi"),
        ("Ủy ban nhân dân thành phố Hà Nội", "uy-ban-nhan-dan-thanh-pho-ha-noi"),
        ("Ủy ban nhân dân tỉnh Tiền Giang", "uy-ban-nhan-dan-tinh-tien-giang"),
        ("UBND tỉnh Tiền Giang", "uy-ban-nhan-dan-tinh-tien-giang"),
    ],
)
def test_resolve_agency(name, eid):
    ent = resolve_agency(name)
    assert ent is not None and ent.id == eid


def test_resolve_unknown():
    assert resolve_agency("Bộ Thử nghiệm") is None
    assert resolve_agency("Các bộ, ngành, địa phương") is None
    assert resolve_agency("") is None


def test_issuer_by_code():
    assert issuer_by_code("TTg").name == "Thủ tướng Chính phủ"
    assert issuer_by_code("CP").name == "Chính phủ"
    assert issuer_by_code("BTTTT").id == "bo-thong-tin-va-truyen-thong"
    assert issuer_by_code("BLĐTBXH").id == "bo-lao-dong-thuong-binh-va-xa-hoi"
    assert issuer_by_code("VPCP").id == "van-phong-chinh-phu"
    assert issuer_by_code("QH15").id == "quoc-hoi"
    assert issuer_by_code("XYZ") is None


def test_gazetteer_shape():
    ents = load_gazetteer()
    ids = {e.id for e in ents}
    assert len(ids) == len(ents)
    for e in ents:
        assert isinstance(e, Entity) and e.kind in ("agency", "unit")
        if e.parent:
            assert e.parent in ids, e.id
        if e.successor:
            assert e.successor in ids and e.source, e.id  # successions are sourced
    units = {e.id: e.parent for e in ents if e.kind == "unit"}
    assert units["vu-quan-ly-doanh-nghiep"] == "bo-thong-tin-va-truyen-thong"
    assert units["cuc-quan-ly-lao-dong-ngoai-nuoc"] == "bo-lao-dong-thuong-binh-va-xa-hoi"
    assert units["cuc-quan-ly-giam-sat-chinh-sach-thue-phi-va-le-phi"] == "bo-tai-chinh"
    mic = resolve_agency("Bộ TT&TT")
    assert mic.successor == "bo-khoa-hoc-va-cong-nghe" and mic.succession_date == "2025-03-01"


def test_tokenize_splits_punctuation():
    words, starts, ends = tokenize("Bộ Thông tin và Truyền thông; Bộ TT&TT,Thanh tra")
    assert words[:6] == ["Bộ", "Thông", "tin", "và", "Truyền", "thông"] and words[6] == ";"
    assert "&" in words and "," in words


def test_mentions_186():
    t = _text("186-QD-BTTTT-2022.txt")
    ms = find_mentions(t)
    for m in ms:
        assert t[m.start:m.end] == m.text
    unit = [m for m in ms if m.kind == "unit"]
    assert unit and unit[0].entity_id == "vu-quan-ly-doanh-nghiep"
    ids = {m.entity_id for m in ms if m.kind == "agency"}
    assert {"bo-thong-tin-va-truyen-thong", "thu-tuong-chinh-phu", "chinh-phu"} <= ids
    # 'chính phủ số' (e-government) is not the Government; the code in '186/QĐ-BTTTT' is no mention
    assert not any(m.text == "chính phủ" for m in ms)
    assert not any(m.text == "BTTTT" for m in ms)
    progs = {m.name for m in ms if m.kind == "programme"}
    assert "Chương trình Chuyển đổi số quốc gia đến năm 2025, định hướng đến năm 2030" in progs
    assert "Chương trình phát triển nền tảng số quốc gia" in progs


def test_mentions_annex_cells_and_provinces():
    t = _text("03-NQ-CP-2025.txt")
    ids = {m.entity_id for m in find_mentions(t)}
    assert {"dai-truyen-hinh-viet-nam", "dai-tieng-noi-viet-nam", "thong-tan-xa-viet-nam",
            "ngan-hang-nha-nuoc-viet-nam", "bao-hiem-xa-hoi-viet-nam", "bo-van-hoa-the-thao-va-du-lich"} <= ids
    t12 = _text("12-NQ-CP-2023.txt")
    ms12 = find_mentions(t12)
    assert any(m.entity_id == "uy-ban-nhan-dan-thanh-pho-ha-noi" and m.text == "UBND TP Hà Nội" for m in ms12)
    t175 = _text("175-NQ-CP-2023.txt")
    ms = find_mentions(t175)
    assert any(m.kind == "enterprise" and m.text == "Tập đoàn Điện lực Việt Nam" for m in ms)
    assert any(m.kind == "platform" and m.text.startswith("Nền tảng tích hợp, chia sẻ dữ liệu") for m in ms)
    assert any(m.entity_id == "ban-co-yeu-chinh-phu" for m in ms)


def test_mentions_units_other_ministries():
    ms = find_mentions(_text("20-2021-TT-BLDTBXH.txt"))
    assert any(m.entity_id == "cuc-quan-ly-lao-dong-ngoai-nuoc" and m.kind == "unit" for m in ms)
    ms = find_mentions(_text("29-2026-TT-BTC.txt"))
    assert any(m.entity_id == "cuc-quan-ly-giam-sat-chinh-sach-thue-phi-va-le-phi" for m in ms)


def test_mentions_speed_smoke():
    text = "\n".join(_text(p.name) for p in sorted(CORPUS.glob("*.txt")))
    find_mentions(text[:1000])
    t0 = time.perf_counter()
    find_mentions(text)
    rate = len(text) / (time.perf_counter() - t0)
    print(f"find_mentions: {rate / 1e6:.2f} M chars/s")
    assert rate > 500_000  # smoke only; the benchmark figure is printed by bench/ (≈4 M chars/s here)


def _whole_text_matches(text: str) -> list[tuple[int, int, str]]:
    """Gazetteer matches the slow way: the PhraseMatcher over the whole text, spaCy's own filter_spans."""
    from spacy.tokens import Doc
    from spacy.util import filter_spans

    from ingest import names

    nlp, matcher = names._nlp()
    words, starts, ends = tokenize(text)
    doc = Doc(nlp.vocab, words=words, spaces=[False] * len(words))
    matches = matcher(doc)
    label_of = {(s, e): mid for mid, s, e in matches}
    return [(starts[sp.start], ends[sp.end - 1], names._PATTERN_ENT[label_of[(sp.start, sp.end)]].id)
            for sp in filter_spans([doc[s:e] for _, s, e in matches])]


@pytest.mark.parametrize("name", ["03-NQ-CP-2025.txt", "175-NQ-CP-2023.txt", "3260-KH-DDQH15-2025.txt",
                                  "20-2021-TT-BLDTBXH.txt", "12-NQ-CP-2023.txt"])
def test_windows_find_what_the_whole_text_finds(name: str) -> None:
    """The matcher sees only the windows where a name can start; it must find exactly what it finds when it
    tokenises the whole text: same spans, same entities."""
    from ingest.names import _gazetteer_matches

    text = _text(name)
    whole = _whole_text_matches(text)
    assert len(whole) > 20
    assert [(a, b, ent.id) for a, b, ent in _gazetteer_matches(text)] == whole


def test_windows_edges_fictional() -> None:
    """A name at the very start, across a line break, glued to punctuation, after '_', and inside a longer word."""
    from ingest.names import _gazetteer_matches

    text = "Bộ Tài chính;Bộ Thông tin\nvà Truyền thông (Bộ TT&TT)_Bộ Công an, XBộ Công an"
    got = [(text[a:b], ent.id) for a, b, ent in _gazetteer_matches(text)]
    assert got == [("Bộ Tài chính", "bo-tai-chinh"), ("Bộ Thông tin\nvà Truyền thông", "bo-thong-tin-va-truyen-thong"),
                   ("Bộ TT&TT", "bo-thong-tin-va-truyen-thong"), ("Bộ Công an", "bo-cong-an")]
    assert [(a, b, ent.id) for a, b, ent in _gazetteer_matches(text)] == _whole_text_matches(text)
    longer = "İ " + text  # lower-casing 'İ' adds a character: the windows are then found case-blind in the text
    assert [(a, b, ent.id) for a, b, ent in _gazetteer_matches(longer)] == _whole_text_matches(longer)


def test_a_table_row_ends_a_name_at_its_line_break() -> None:
    """In a table row the next line is the next row ("II | Nhóm …"), not the rest of the name; in running
    text a single line break is a wrapped line and the name goes on (fictional names)."""
    row = ("TT | Tên nền tảng | Doanh nghiệp nòng cốt\n1 | Nền tảng thử nghiệm A | Tập đoàn giả lập Một\n"
           "II | Nhóm nền tảng thử nghiệm\n")
    assert [m.text for m in find_mentions(row) if m.kind == "enterprise"] == ["Tập đoàn giả lập Một"]
    wrapped = "Giao Tập đoàn Thử nghiệm\nGiả lập Một chủ trì thực hiện.\n"
    assert [m.text for m in find_mentions(wrapped) if m.kind == "enterprise"] == ["Tập đoàn Thử nghiệm\nGiả lập Một"]
