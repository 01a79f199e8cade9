"""ingest.readers: every container and encoding comes out as the same normalised text."""

from __future__ import annotations

import re
import sys
import unicodedata
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent / "fixtures"))
import make_inputs as mk  # noqa: E402

from ingest.encodings import (  # noqa: E402
    TCVN3,
    VNI_PAIRS,
    VNI_SINGLE,
    decode_tcvn3,
    decode_vni,
    guess_legacy,
    repair_legacy_unicode,
)
from legacy_encoders import encode_tcvn3, encode_vni  # noqa: E402
from ingest.readers import ReadError, html_to_text, normalise, read_text  # noqa: E402

CORPUS = Path(__file__).resolve().parents[1] / "corpus"


def write(tmp_path: Path, name: str, data: bytes | str) -> Path:
    p = tmp_path / name
    p.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return p


# --- plain text and normalisation ----------------------------------------------------------------
def test_corpus_page_copy_reads_unchanged_but_for_spaces():
    path = CORPUS / "186-QD-BTTTT-2022.txt"
    raw = path.read_text(encoding="utf-8")
    text = read_text(path)
    assert text.splitlines()[0] == "Thứ 6, Ngày 25/10/2024"  # page date line kept for the parser
    assert "Số hiệu 186/QĐ-BTTTT" in text
    assert "\u00a0" not in text
    assert [l.rstrip() for l in raw.replace("\u00a0", " ").splitlines()] == text.splitlines()


@pytest.mark.parametrize("name", sorted(p.name for p in CORPUS.glob("*.txt")))
def test_every_corpus_file_is_nfc_and_keeps_its_lines(name: str):
    raw = (CORPUS / name).read_text(encoding="utf-8")
    text = read_text(CORPUS / name)
    assert unicodedata.is_normalized("NFC", text)
    assert len(text.splitlines()) == len(raw.rstrip("\n").splitlines())


@pytest.mark.parametrize(
    "bom,codec",
    [(b"\xef\xbb\xbf", "utf-8"), (b"", "utf-8"), (b"", "utf-16"), (b"", "utf-16-le"), (b"", "utf-16-be")],
)
def test_unicode_encodings(tmp_path, bom, codec):
    text = "Số: 9001/QĐ-TEST\nVĂN BẢN GIẢ LẬP về đường truyền\n"
    p = write(tmp_path, "a.txt", bom + text.encode(codec))
    assert read_text(p) == text


def test_normalisation(tmp_path):
    raw = (
        "S\u00f4\u0301: 9001/\u00d0-TEST\r\n"  # decomposed ố, Icelandic eth for Đ
        "Ha\u0300\u00a0N\u00f4\u0323i,\u202fnga\u0300y 01\r"  # NBSP, narrow NBSP, old Mac CR
        "Quy\u200bết\u200d đ\u00adịnh\ufeff\n"  # zero-width, soft hyphen, stray BOM
        "\u00d0iều 1.\tNội dung\n"
    )
    text = read_text(write(tmp_path, "n.txt", raw))
    assert text == "Số: 9001/Đ-TEST\nHà Nội, ngày 01\nQuyết định\nĐiều 1.\tNội dung\n"
    assert unicodedata.is_normalized("NFC", text)


def test_page_furniture_removed_only_when_certain():
    text = "Điều 1. Một\n\n3\n\fĐiều 2. Hai\n- 4 -\nTrang 5/9\n1\n2\nĐiều 3\n"
    out = normalise(text)
    # "3" before the page break is a page number; "1", "2" mid-page may be list items: kept
    assert out == "Điều 1. Một\n\nĐiều 2. Hai\n1\n2\nĐiều 3\n"


def test_text_without_vietnamese_letters_is_returned(tmp_path):
    assert read_text(write(tmp_path, "plain.txt", "Nothing Vietnamese here.\n")) == "Nothing Vietnamese here.\n"


def test_ascii_text_with_a_stray_windows_1252_symbol(tmp_path):
    assert read_text(write(tmp_path, "w.txt", b"Copyright \xa9 2031 test\n")) == "Copyright © 2031 test\n"


# --- legacy encodings ---------------------------------------------------------------------------
def test_windows_1258_with_combining_tone_marks(tmp_path):
    data = mk.cp1258_bytes(mk.LEGACY_SAMPLE)
    assert b"\xec" in data or b"\xf2" in data  # tone written as a combining mark byte
    assert read_text(write(tmp_path, "cp1258.txt", data)) == mk.LEGACY_SAMPLE


def test_windows_1258_declared_in_html(tmp_path):
    body = "<p>Quyết định về đường truyền giả lập</p>"
    html = b'<html><head><meta http-equiv="Content-Type" content="text/html; charset=windows-1258"></head><body>'
    p = write(tmp_path, "p.html", html + mk.cp1258_bytes(body) + b"</body></html>")
    assert read_text(p) == "Quyết định về đường truyền giả lập\n"


def test_tcvn3_table_agrees_with_independent_tables():
    # TCVN 5712 positions 0xA1-0xAE as listed in X11's TCVNtoUCS2.c, and words from the npm
    # package vietnamese-conversion's examples: the three sources must agree.
    x11 = {0xA1: "Ă", 0xA2: "Â", 0xA3: "Ê", 0xA4: "Ô", 0xA5: "Ơ", 0xA6: "Ư", 0xA7: "Đ",
           0xA8: "ă", 0xA9: "â", 0xAA: "ê", 0xAB: "ô", 0xAC: "ơ", 0xAD: "ư", 0xAE: "đ",
           0xB5: "à", 0xB8: "á", 0xBE: "ắ", 0xC7: "ầ", 0xD5: "ế", 0xDE: "ị", 0xE9: "ộ", 0xEA: "ờ", 0xF9: "ự", 0xFE: "ỵ"}
    assert {k: TCVN3[k] for k in x11} == x11
    assert decode_tcvn3(b"B\xb6o Th\xbeng, M\xad\xeang Kh\xad\xacng") == "Bảo Thắng, Mường Khương"
    assert len(TCVN3) == 74  # 67 toned/hatted small letters + 7 capitals (Ă Â Ê Ô Ơ Ư Đ)


def test_vni_table_is_complete_and_matches_known_text():
    assert decode_vni("Xin chaøo caùc baïn".encode("latin-1")) == "Xin chào các bạn"
    assert decode_vni("Vieät Nam, ñöôøng, ÑÖÔØNG".encode("latin-1")) == "Việt Nam, đường, ĐƯỜNG"
    letters = set(VNI_PAIRS.values()) | set(VNI_SINGLE.values())
    all_viet = {unicodedata.normalize("NFC", b + t) for b in "aăâeêioôơuưy" for t in ("", "\u0300", "\u0301", "\u0303", "\u0309", "\u0323")}
    expected = (all_viet | {"đ"}) - set("aeiouy")
    assert expected | {c.upper() for c in expected} == letters


@pytest.mark.parametrize("encode,name", [(encode_tcvn3, "TCVN3 (ABC)"), (encode_vni, "VNI-Windows")])
def test_legacy_font_encodings_are_detected_and_converted(tmp_path, encode, name):
    data = encode(mk.LEGACY_SAMPLE)
    assert guess_legacy(data)[0] == name
    assert read_text(write(tmp_path, "legacy.txt", data)) == mk.LEGACY_SAMPLE


def test_tcvn3_capitals_typed_in_caps_come_back_as_capitals():
    text = "BỘ THÔNG TIN VÀ TRUYỀN THÔNG\nBộ Thông tin và Truyền thông\nQUYẾT ĐỊNH:"
    assert decode_tcvn3(encode_tcvn3(text)) == text


def test_every_letter_round_trips_through_both_tables():
    small = "àáảãạăằắẳẵặâầấẩẫậđèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵ"
    assert decode_vni(encode_vni(small + " " + small.upper())) == small + " " + small.upper()
    assert decode_tcvn3(encode_tcvn3(small)) == small


def test_tcvn3_in_a_unicode_container_is_repaired(tmp_path):
    # .VnTime text saved as UTF-8 HTML: the bytes were TCVN3, the page says Latin-1 letters
    mojibake = encode_tcvn3("Bộ Thông tin và Truyền thông ban hành quyết định giả lập").decode("cp1252")
    assert repair_legacy_unicode(mojibake)[1] == "TCVN3 (ABC)"
    p = write(tmp_path, "vntime.html", f"<html><body><p>{mojibake}</p></body></html>")
    assert read_text(p) == "Bộ Thông tin và Truyền thông ban hành quyết định giả lập\n"
    real = "Bộ Thông tin và Truyền thông"
    assert repair_legacy_unicode(real) == (real, None)
    assert repair_legacy_unicode("Café résumé déjà vu") == ("Café résumé déjà vu", None)


# --- HTML ---------------------------------------------------------------------------------------
def test_html_page_body_only_no_script_text(tmp_path):
    text = read_text(write(tmp_path, "page.html", mk.html_page()))
    assert text == mk.document_text()
    for leak in ("SCRIPT", "NAV_", "FOOTER", "NOSCRIPT", "Cổng thông tin", "secret"):
        assert leak not in text


def test_html_is_sniffed_from_content_not_extension(tmp_path):
    assert read_text(write(tmp_path, "saved.txt", mk.html_page())) == mk.document_text()


def test_html_tables_br_and_missing_cells():
    html = (
        "<html><body><div class='content1'><p>Dòng một<br/>Dòng hai</p>"
        "<table><tr><th>TT</th><th>Nhiệm vụ</th><th>Chủ trì</th><th>Thời hạn</th></tr>"
        "<tr><td colspan='4'>I. Nhóm giả lập</td></tr>"
        "<tr><td>1</td><td>Việc <b>một</b><br>dòng hai</td><td>Bộ Giả lập</td></tr>"
        "<tr><td>2</td><td>Việc | hai</td><td></td><td>2031</td></tr></table></div></body></html>"
    )
    assert html_to_text(html) == (
        "Dòng một\nDòng hai\n\n"
        "TT | Nhiệm vụ | Chủ trì | Thời hạn\n"
        "I. Nhóm giả lập |  |  |\n"
        "1 | Việc một dòng hai | Bộ Giả lập |\n"
        "2 | Việc / hai |  | 2031\n"
    )


# --- DOCX ---------------------------------------------------------------------------------------
def test_docx_keeps_paragraph_table_paragraph_order(tmp_path):
    text = read_text(write(tmp_path, "d.docx", mk.docx_bytes()))
    assert text == mk.document_text()
    assert text.index("Điều 1.") < text.index("TT | Nhiệm vụ") < text.index("Điều 2.")


def test_docx_is_sniffed_from_content(tmp_path):
    assert read_text(write(tmp_path, "download.bin", mk.docx_bytes())) == mk.document_text()


def test_docx_merged_and_short_rows_keep_columns(tmp_path):
    import io

    import docx

    d = docx.Document()
    d.add_paragraph("Trước bảng")
    t = d.add_table(rows=2, cols=3)
    t.cell(0, 0).merge(t.cell(0, 1)).text = "Gộp"
    t.cell(0, 2).text = "C"
    t.cell(1, 0).text = "a"
    t.cell(1, 2).text = "c"
    buf = io.BytesIO()
    d.save(buf)
    assert read_text(write(tmp_path, "m.docx", buf.getvalue())) == "Trước bảng\n\nGộp |  | C\na |  | c\n"


# --- PDF ----------------------------------------------------------------------------------------
def test_pdf_text_layer_in_reading_order_without_page_numbers(tmp_path):
    pages = [mk.HEADER[:6] + ["1"], ["- 2 -"] + mk.HEADER[6:] + mk.TAIL + ["2"]]
    text = read_text(write(tmp_path, "d.pdf", mk.text_pdf(pages)))
    lines = [l for l in text.splitlines() if l]
    assert lines == mk.HEADER + mk.TAIL


def test_pdf_without_text_layer_is_refused(tmp_path):
    p = write(tmp_path, "scan.pdf", mk.image_only_pdf())
    with pytest.raises(ReadError, match=r"scan\.pdf: no text layer \(scanned PDF\?\)"):
        read_text(p)


def test_pdf_is_sniffed_from_content(tmp_path):
    p = write(tmp_path, "noext", mk.text_pdf([["Quyết định 9001/QĐ-TEST", "VĂN BẢN GIẢ LẬP"]]))
    assert read_text(p) == "Quyết định 9001/QĐ-TEST\nVĂN BẢN GIẢ LẬP\n"


def _encrypted(pdf: bytes) -> bytes:
    """The same PDF behind the standard security handler, with a user password nobody knows."""
    enc = (b"/Encrypt << /Filter /Standard /V 1 /R 2 /O <" + b"41" * 32 + b"> /U <" + b"42" * 32 + b"> /P -4 >> "
           b"/ID [<" + b"43" * 16 + b"> <" + b"43" * 16 + b">] ")
    assert pdf.count(b"/Root 1 0 R >>") == 1
    return pdf.replace(b"/Root 1 0 R >>", b"/Root 1 0 R " + enc + b">>")


def _glyph_id_pdf() -> bytes:
    """A page set in a CID font with no ToUnicode map: the text layer holds glyph numbers, not letters."""
    gids = [3, 68, 75, 72, 3, 44, 81, 3, 1200, 300, 17, 18, 19, 20] * 10
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type0 /BaseFont /ABCDEF+Fictional /Encoding /Identity-H /DescendantFonts [6 0 R] >>",
        mk._stream(b"BT /F1 11 Tf 56 790 Td <" + "".join(f"{g:04X}" for g in gids).encode() + b"> Tj ET"),
        b"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /ABCDEF+Fictional /CIDSystemInfo << /Registry (Adobe) "
        b"/Ordering (Identity) /Supplement 0 >> /FontDescriptor 7 0 R /DW 500 >>",
        b"<< /Type /FontDescriptor /FontName /ABCDEF+Fictional /Flags 32 /FontBBox [0 -200 1000 900] /ItalicAngle 0 "
        b"/Ascent 900 /Descent -200 /CapHeight 700 /StemV 80 >>",
    ]
    return mk._pdf(objects)


def test_pdf_hyphen_that_ends_a_line_stays_in_the_number(tmp_path):
    # pdfium joins the two lines and marks the hyphen U+FFFE: the number must come out whole
    p = write(tmp_path, "h.pdf", mk.text_pdf([["Thay thế bởi Thông tư số 05/2031/TT-", "BGL ngày 10/5/2031", "Dòng ba"]]))
    assert read_text(p) == "Thay thế bởi Thông tư số 05/2031/TT-BGL ngày 10/5/2031\nDòng ba\n"


def test_pdf_pages_are_read_in_order_and_end_in_page_breaks(tmp_path):
    pages = [[f"Trang giả lập số {i}"] for i in range(1, 6)]
    text = read_text(write(tmp_path, "p.pdf", mk.text_pdf(pages)))
    assert text.splitlines() == [f"Trang giả lập số {i}" for i in range(1, 6)]


def test_pdf_glyph_gap_is_measured_along_the_baseline(tmp_path):
    """Two glyphs side by side on one baseline are one line, whatever the writing direction; the next line is not."""
    import pypdfium2 as pdfium

    from ingest.readers import _gap_on_baseline

    ops = (b"BT /F1 10 Tf 1 0 0 1 100 700 Tm (ab) Tj ET BT /F1 10 Tf 1 0 0 1 111.12 700 Tm (cd) Tj ET "
           b"BT /F1 10 Tf 1 0 0 1 100 686 Tm (ef) Tj ET BT /F1 10 Tf 1 0 0 1 200 700 Tm (gh) Tj ET "
           b"BT /F1 10 Tf 0 -1 1 0 500 700 Tm (ij) Tj ET BT /F1 10 Tf 0 -1 1 0 500 688.88 Tm (kl) Tj ET")
    doc = pdfium.PdfDocument(_with_content(ops))
    try:
        page = doc[0]
        tp = page.get_textpage()
        text = tp.get_text_range()
        at = {c: text.index(c) for c in "bcdeghjk"}
        assert _gap_on_baseline(tp, at["b"], at["c"]) == pytest.approx(0, abs=0.01)  # "ab" then "cd" where b's advance ends
        assert _gap_on_baseline(tp, at["b"], at["e"]) is None  # the line below
        assert _gap_on_baseline(tp, at["d"], at["g"]) is None  # same baseline, far to the right: a new cell
        assert _gap_on_baseline(tp, at["c"], at["b"]) is None  # backwards
        assert _gap_on_baseline(tp, at["j"], at["k"]) == pytest.approx(0, abs=0.01)  # the same printed sideways, downwards
        assert _gap_on_baseline(tp, at["b"], at["k"]) is None  # other direction
        tp.close()
        page.close()
    finally:
        doc.close()


def _with_content(ops: bytes) -> bytes:
    """A one-page PDF whose content stream is `ops`, font /F1 a plain Latin font with widths 556."""
    font = (b"<< /Type /Font /Subtype /Type1 /BaseFont /ArialMT /FontDescriptor 5 0 R /Encoding /WinAnsiEncoding "
            b"/FirstChar 32 /LastChar 255 /Widths [" + b" ".join([b"556"] * 224) + b"] >>")
    return mk._pdf([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> /Contents 6 0 R >>",
        font,
        b"<< /Type /FontDescriptor /FontName /ArialMT /Flags 32 /FontBBox [-665 -325 2000 1040] /ItalicAngle 0 "
        b"/Ascent 905 /Descent -212 /CapHeight 716 /StemV 80 >>",
        mk._stream(ops),
    ])


@pytest.mark.parametrize(
    "name,make,problem",
    [
        ("garbage.pdf", lambda: b"%PDF-1.7\n" + bytes(range(256)) * 8, r"corrupt PDF: Data format error$"),
        ("cut.pdf", lambda: mk.text_pdf([["VĂN BẢN GIẢ LẬP"]])[:300], r"corrupt PDF"),
        ("locked.pdf", lambda: _encrypted(mk.text_pdf([["VĂN BẢN GIẢ LẬP"]])), r"encrypted PDF; remove the password first$"),
        ("empty.pdf", lambda: mk._pdf([b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [] /Count 0 >>"]),
         r"PDF has no pages$"),
        ("broken-page.pdf", lambda: mk._pdf([b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R 9 0 R] /Count 2 >>",
                                             b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>"]),
         r"corrupt PDF: page 2: Failed to load page$"),
        ("glyphs.pdf", _glyph_id_pdf, r"PDF text layer has no Unicode mapping \(glyph codes, not letters\)"),
        ("scan.pdf", mk.image_only_pdf, r"no text layer \(scanned PDF\?\); OCR it first$"),
    ],
)
def test_bad_pdfs_give_one_clear_line(tmp_path, name, make, problem):
    p = write(tmp_path, name, make())
    with pytest.raises(ReadError, match=rf"^{re.escape(str(p))}: {problem}"):
        read_text(p)


def test_pdf_page_limit(tmp_path, monkeypatch):
    p = write(tmp_path, "long.pdf", mk.text_pdf([[f"Điều {i}. Giả lập"] for i in range(3)]))
    monkeypatch.setenv("CANCU_MAX_PDF_PAGES", "2")
    with pytest.raises(ReadError, match=r"long\.pdf: PDF has 3 pages, over the limit of 2 pages \(CANCU_MAX_PDF_PAGES\)$"):
        read_text(p)
    monkeypatch.setenv("CANCU_MAX_PDF_PAGES", "3")
    assert read_text(p) == "Điều 0. Giả lập\nĐiều 1. Giả lập\nĐiều 2. Giả lập\n"


def test_pdf_text_limit_stops_at_the_page_that_passes_it(tmp_path, monkeypatch):
    p = write(tmp_path, "wordy.pdf", mk.text_pdf([["Văn bản giả lập " * 5] for _ in range(4)]))
    # pages are not read on once the raw text has passed twice the limit
    monkeypatch.setenv("CANCU_MAX_CHARS", "75")
    with pytest.raises(ReadError, match=r"wordy\.pdf: PDF text passes twice the limit of 75 characters "
                                        r"\(CANCU_MAX_CHARS\) by page 2 of 4$"):
        read_text(p)


# --- limits -------------------------------------------------------------------------------------
def test_size_limit_from_environment(tmp_path, monkeypatch):
    p = write(tmp_path, "big.txt", "Quyết định giả lập. " * 100)
    monkeypatch.setenv("CANCU_MAX_BYTES", "1000")
    with pytest.raises(ReadError) as err:
        read_text(p)
    msg = str(err.value)
    assert "big.txt" in msg and f"{p.stat().st_size:,} bytes" in msg and "limit of 1,000 bytes" in msg
    monkeypatch.setenv("CANCU_MAX_BYTES", "5000")
    assert read_text(p).startswith("Quyết định")
    assert read_text(p, limit=10_000)


def _with_member(docx: bytes, name: str, size: int) -> bytes:
    """The DOCX with one more member of `size` zero bytes: deflate packs it a thousand to one (a zip bomb)."""
    import io
    import zipfile

    buf = io.BytesIO(docx)
    with zipfile.ZipFile(buf, "a", zipfile.ZIP_DEFLATED) as zf, zf.open(name, "w") as member:
        for start in range(0, size, 1 << 20):
            member.write(bytes(min(1 << 20, size - start)))
    return buf.getvalue()


def _understated(docx: bytes, name: str, size: int) -> bytes:
    """The DOCX with `name`'s uncompressed size given as `size` in its local header and the zip directory."""
    data = bytearray(docx)
    raw = name.encode()
    at = data.find(raw)
    seen = 0
    while at != -1:
        for sig, offset, field in ((b"PK\x03\x04", 30, 22), (b"PK\x01\x02", 46, 24)):
            if data[at - offset:at - offset + 4] == sig:
                data[at - offset + field:at - offset + field + 4] = size.to_bytes(4, "little")
                seen += 1
        at = data.find(raw, at + 1)
    assert seen == 2
    return bytes(data)


def test_docx_zip_bomb_is_refused_from_the_zip_directory(tmp_path, monkeypatch):
    bomb = _with_member(mk.docx_bytes(), "word/media/image1.bin", 60_000_000)
    assert len(bomb) < 200_000  # a small file ...
    p = write(tmp_path, "bomb.docx", bomb)
    with pytest.raises(ReadError, match=r"bomb\.docx: DOCX inflates to 60\.\d MB, over the limit of 50 MB "
                                        r"\(CANCU_MAX_INFLATED\)$"):
        read_text(p)
    monkeypatch.setenv("CANCU_MAX_INFLATED", "70000000")
    assert read_text(p) == mk.document_text()  # ... that is a DOCX after all, under a higher limit


def test_docx_that_understates_its_size_unpacks_no_further(tmp_path, monkeypatch):
    # the directory says 1 kB for a document.xml of several MB: zipfile stops at the stated size,
    # the CRC then fails; nothing past the limit is unpacked and the file is refused by name
    big = mk.docx_bytes(paragraphs_before=["Văn bản giả lập, đoạn dài. " * 2000] * 60)
    monkeypatch.setenv("CANCU_MAX_INFLATED", "1000000")
    with pytest.raises(ReadError, match="over the limit of 1 MB"):
        read_text(write(tmp_path, "honest.docx", big))
    p = write(tmp_path, "liar.docx", _understated(big, "word/document.xml", 1000))
    with pytest.raises(ReadError, match=r"liar\.docx: corrupt DOCX: damaged member word/document\.xml \(Bad CRC-32"):
        read_text(p)


@pytest.mark.parametrize("kind", ["txt", "html", "docx", "pdf"])
def test_text_length_limit(tmp_path, monkeypatch, kind):
    make = {"txt": lambda: mk.document_text().encode(), "html": lambda: mk.html_page().encode(),
            "docx": mk.docx_bytes, "pdf": lambda: mk.text_pdf([[l for l in mk.document_text().splitlines() if l]])}
    p = write(tmp_path, f"d.{kind}", make[kind]())
    size = len(read_text(p))
    monkeypatch.setenv("CANCU_MAX_CHARS", str(size - 1))
    with pytest.raises(ReadError, match=rf"d\.{kind}: text is {size:,} characters long, over the limit of "
                                        rf"{size - 1:,} characters \(CANCU_MAX_CHARS\)"):
        read_text(p)
    monkeypatch.setenv("CANCU_MAX_CHARS", str(size))
    assert len(read_text(p)) == size


def test_default_text_limit_keeps_every_literal_under_oxigraphs_16_mib():
    from ingest.readers import DEFAULT_MAX_CHARS

    assert DEFAULT_MAX_CHARS * 4 < 16 * 1024 * 1024  # 4 UTF-8 bytes is the most a character takes


def test_read_error_is_a_value_error_with_one_line():
    err = ReadError(Path("x/y.txt"), "bad\nthing")
    assert isinstance(err, ValueError) and str(err) == "x/y.txt: bad thing" and err.problem == "bad thing"
