"""Documents as issued carry no site metadata block: the letterhead, 'Số:' line, place-and-date line,
type line and signature block must give the same header as the block does."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.header import _site_block
from ingest.pipeline import parse_text

ROOT = Path(__file__).resolve().parent.parent
FIELDS = ["number", "type", "issuer", "signer", "date_issued", "date_in_force"]
# Files whose own text keeps letterhead, number line, date line and (where signed) the signature block.
COMPLETE_HEADERS = ["03-NQ-CP-2025.txt", "12-NQ-CP-2023.txt", "175-NQ-CP-2023.txt", "20-2021-TT-BLDTBXH.txt",
                    "29-2026-TT-BTC.txt", "982-QD-TTg-2026.txt", "2844-VPCP-KSTT-2021.txt", "3260-KH-DDQH15-2025.txt",
                    "274-QD-TTg-2019.txt", "328-KH-UBND-2019-TienGiang.txt", "1527-QD-BKHCN-2025.txt"]


@pytest.mark.parametrize("path", sorted((ROOT / "corpus").glob("*.txt")), ids=lambda p: p.name)
def test_document_text_never_contradicts_the_block(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    _, _, start = _site_block(text)
    assert start > 0, "every corpus file is a page copy with a metadata block"
    full, bare = parse_text(text, path.name), parse_text(text[start:], path.name)
    for f in FIELDS:
        if getattr(bare, f) is not None:
            assert getattr(bare, f) == getattr(full, f), f"{path.name}: {f}"
    if path.name in COMPLETE_HEADERS:
        assert [getattr(bare, f) for f in FIELDS] == [getattr(full, f) for f in FIELDS]
        assert bare.doc_id == full.doc_id
