"""Unicode -> the legacy Vietnamese encodings ingest.encodings reads: the exact inverse of its tables, to make
test inputs (the project only ever decodes them)."""

from __future__ import annotations

import unicodedata

from ingest.encodings import TCVN3, VNI_PAIRS, VNI_SINGLE


def encode_tcvn3(text: str) -> bytes:
    """Unicode -> TCVN3; toned capitals take the small code (as typed with a .VnTimeH font)."""
    inverse = {ch: code for code, ch in TCVN3.items() if ch != "đ" or code == 0xAE}
    out = bytearray()
    for ch in unicodedata.normalize("NFC", text):
        if ch in inverse:
            out.append(inverse[ch])
        elif ch.lower() in inverse and ch not in "ĂÂÊÔƠƯĐ":
            out.append(inverse[ch.lower()])
        elif ord(ch) < 0x80:
            out.append(ord(ch))
        else:
            raise ValueError(f"no TCVN3 code for {ch!r}")
    return bytes(out)


def encode_vni(text: str) -> bytes:
    """Unicode -> VNI-Windows bytes."""
    single_inv = {ch: code for code, ch in VNI_SINGLE.items()}
    pair_inv = {ch: code for code, ch in VNI_PAIRS.items()}
    out = bytearray()
    for ch in unicodedata.normalize("NFC", text):
        if ch in pair_inv:
            out += pair_inv[ch]
        elif ch in single_inv:
            out.append(single_inv[ch])
        elif ord(ch) < 0x80:
            out.append(ord(ch))
        else:
            raise ValueError(f"no VNI code for {ch!r}")
    return bytes(out)
