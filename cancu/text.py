"""Text normalisation shared by ingest, the stores and the API."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_ETH = str.maketrans({"\u00d0": "\u0110", "\u00f0": "\u0111"})  # Ð/ð (Icelandic eth) typed for Đ/đ


def nfc(text: str) -> str:
    """NFC, with the look-alike eth mapped to Vietnamese Đ/đ."""
    if "\u00d0" in text or "\u00f0" in text:  # str.translate walks every character; most texts have no eth
        text = text.translate(_ETH)
    return text if unicodedata.is_normalized("NFC", text) else unicodedata.normalize("NFC", text)


def _base_letter(ch: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFD", ch) if not unicodedata.combining(c))


# Every precomposed Latin letter -> its base letter ('ộ' -> 'o'); 'đ' is a letter of its own, mapped by hand.
_FOLD = {cp: _base_letter(chr(cp)) for cp in range(0x00C0, 0x1EFA) if _base_letter(chr(cp)) != chr(cp)}
_FOLD.update({ord("đ"): "d", ord("Đ"): "D"})
_FOLD.update({ord(k): v for k, v in {"\u2013": "-", "\u2014": "-", "\u2011": "-", "\u2212": "-"}.items()})
_SPACES = re.compile(r"\s+")


@lru_cache(maxsize=1 << 16)
def fold(text: str) -> str:
    """Case- and diacritic-insensitive key: 'Bộ Thông tin' -> 'bo thong tin'."""
    stripped = nfc(text).translate(_FOLD)
    if not stripped.isascii():  # a combining mark left over from an unusual input
        stripped = "".join(c for c in unicodedata.normalize("NFD", stripped) if not unicodedata.combining(c))
    return _SPACES.sub(" ", stripped.casefold()).strip()


def slug(text: str) -> str:
    """ASCII slug for IRIs: 'Bộ Thông tin và Truyền thông' -> 'bo-thong-tin-va-truyen-thong'."""
    return re.sub(r"[^a-z0-9]+", "-", fold(text)).strip("-")


def squash(text: str) -> str:
    """Collapse runs of white space (line breaks inside a sentence included)."""
    return " ".join(text.split())  # str.split's white space is re's \s (both Py_UNICODE_ISSPACE); faster


MAX_DIGITS = 18  # every whole number of this many digits fits in 64 bits, far below int()'s 4300-digit limit
AFTER_NUMBERS = 10 ** MAX_DIGITS  # the sort value of a part that is no number: after every number


def ascii_int(text: str) -> int | None:
    """`text` as a whole number if it is 1 to MAX_DIGITS ASCII digits, else None. str.isdigit is no guard
    for int(): it takes '²', which int() refuses, and '٣', which stored data should not pass for 3; and
    int() refuses past 4300 digits."""
    if not 0 < len(text) <= MAX_DIGITS or not text.isascii() or not text.isdigit():
        return None
    return int(text)


def sort_number(text: str) -> int:
    """The value of an IRI part for sorting by number: `ascii_int`, AFTER_NUMBERS for anything else, so
    the order stays total and the same on every run whatever the part holds."""
    n = ascii_int(text)
    return AFTER_NUMBERS if n is None else n
