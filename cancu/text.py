"""Text normalisation shared by ingest, the stores and the API."""

from __future__ import annotations

import re
import unicodedata

_ETH = str.maketrans({"\u00d0": "\u0110", "\u00f0": "\u0111"})  # Ð/ð (Icelandic eth) typed for Đ/đ
_DASHES = str.maketrans({"\u2013": "-", "\u2014": "-", "\u2011": "-", "\u2212": "-"})


def nfc(text: str) -> str:
    """NFC, with the look-alike eth mapped to Vietnamese Đ/đ."""
    return unicodedata.normalize("NFC", text.translate(_ETH))


def fold(text: str) -> str:
    """Case- and diacritic-insensitive key: 'Bộ Thông tin' -> 'bo thong tin'.

    'đ' is a letter of its own (no combining mark), so it is mapped by hand.
    """
    text = nfc(text).translate(_DASHES).replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFD", text)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return re.sub(r"\s+", " ", stripped.casefold()).strip()


def slug(text: str) -> str:
    """ASCII slug for IRIs: 'Bộ Thông tin và Truyền thông' -> 'bo-thong-tin-va-truyen-thong'."""
    return re.sub(r"[^a-z0-9]+", "-", fold(text)).strip("-")


def squash(text: str) -> str:
    """Collapse runs of white space (line breaks inside a sentence included)."""
    return re.sub(r"\s+", " ", text).strip()
