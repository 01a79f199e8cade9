"""The PDF reader on the real Công báo: each gazette PDF parses as its text copy does.

`../shared/gazette/pdf/bhxh/<slug>.pdf` are the original gazette PDFs, `../shared/gazette/bhxh/<slug>.txt`
the same documents as text (extracted by the collection's author). Read through our PDF reader, a
PDF must give the parser what the text gives it: number, type, date of issue and legal bases.
A file that holds no document naming itself (the first part of a consolidated text) must be refused from both copies.

Without ../shared (a user's checkout) these tests skip in one line; with CI=true they fail.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.models import Document
from ingest.pipeline import parse_path, unstorable
from ingest.readers import read_text
from shared_data import GAZETTE, missing

PDFS = GAZETTE / "pdf" / "bhxh"
TEXTS = GAZETTE / "bhxh"
PAIRS = sorted(p.stem for p in PDFS.glob("*.pdf") if (TEXTS / f"{p.stem}.txt").is_file())


def _require_gazette() -> None:
    if not PAIRS:
        missing(f"gazette PDFs not found ({PDFS} with text copies in {TEXTS})")


def _fields(doc: Document) -> dict[str, object]:
    return {
        "number": doc.number,
        "type": doc.type,
        "date_issued": doc.date_issued,
        "legal_bases": [r.doc_id or r.number or r.title for r in doc.legal_bases],
    }


@pytest.mark.parametrize("slug", PAIRS or ["(no gazette)"])
def test_pdf_parses_like_its_text_copy(slug: str):
    _require_gazette()
    pdf_doc, txt_doc = parse_path(PDFS / f"{slug}.pdf"), parse_path(TEXTS / f"{slug}.txt")
    if unstorable(txt_doc):  # a file holding no whole document is refused from either copy
        assert unstorable(pdf_doc), f"{slug}: the text copy is refused ({unstorable(txt_doc)}), the PDF is not"
        return
    pdf, txt = _fields(pdf_doc), _fields(txt_doc)
    assert txt["number"] and pdf == txt, f"{slug}: the PDF parses otherwise than its text copy"


def test_gazette_pdf_text_is_clean():
    """NFC, no pdfium marks left, one space between words, and the number split over a line kept whole."""
    _require_gazette()
    for slug in PAIRS:
        text = read_text(PDFS / f"{slug}.pdf")
        assert not {"\r", "\f", "\ufffe", "\x02"} & set(text), slug
        assert "  " not in text, slug
    # "157/2025/NĐ-" at a line end, "CP" on the next: pdfium joins them; the hyphen must stay
    assert "Điều 12 Nghị định số 157/2025/NĐ-CP (tháng 7 năm 2029)" in read_text(
        PDFS / "thong-tu-so-88-2025-tt-bca-46337.pdf")


def test_gazette_annex_table_words_are_not_split():
    """An annex form whose letters are placed one by one: pdfium broke lines inside words ("c" / "ụ th" / "ể")."""
    _require_gazette()
    text = read_text(PDFS / "nghi-dinh-so-212-2025-nd-cp-45740.pdf")
    assert "3. Thông tin cụ thể như sau:" in text
    assert "Đơn vị: triệu đồng" in text
    # the running header printed sideways on a landscape page comes out as one line
    assert "CÔNG BÁO/Số 1053 + 1054/Ngày 10-8-2025 81" in text
