"""A truncated copy without 'QUYẾT ĐỊNH:' or an article: its Căn cứ run is the preamble only if a number is cited."""

from __future__ import annotations

from ingest.pipeline import _unmarked_preamble

CITED = "Căn cứ Nghị định số 9998/2099/NĐ-TEST của Chính phủ (giả lập);\nCăn cứ Quyết định số 9997/QĐ-TEST;\n\n[...]\n"
UNCITED = "Căn cứ tình hình thực tế của đơn vị thử nghiệm A (giả lập, không dẫn văn bản nào);\n\n[...]\n"


def test_a_can_cu_line_must_hold_a_number_within_300_characters() -> None:
    start, end = _unmarked_preamble(CITED, 0, len(CITED))
    assert (start, CITED[start:end].count("Căn cứ")) == (0, 2)
    assert _unmarked_preamble(UNCITED, 0, len(UNCITED)) == (0, 0)
