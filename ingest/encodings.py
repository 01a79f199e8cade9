"""Legacy Vietnamese 8-bit encodings: Windows-1258, TCVN3 (ABC) and VNI-Windows.

Old legal texts (and many web pages and PDFs made from them) were typed in the ".VnTime"
(TCVN3/ABC) or "VNI-Times" fonts: the bytes are not Unicode letters, and read as Latin-1 they
give mojibake such as "Bé Th«ng tin". We convert them rather than refuse, because the tables
are small, fixed and verified (see below), and a refused file would keep a real document out.

Mapping tables. Both are written here in our own form from the character tables of UniKey's
VnConv library (Pham Kim Long, `ukengine/data.cpp`, GPL; its `SingleByteTables` TCVN3 row and
`DoubleByteTables` VNI-WIN row). They were cross-checked entry by entry against two independent
published tables: the TCVN 5712 table of X11 (`TCVNtoUCS2.c`, X-TrueType, 1998; all lowercase
letters and the seven base capitals agree) and the `charsets.ts` tables of the npm package
`vietnamese-conversion` (every VNI entry and every TCVN3 lowercase entry agree).

TCVN3 has no code for capitals that carry a tone mark: ABC users typed them with the capital
".VnTimeH" fonts, which draw the lowercase codes as capitals. A plain byte stream cannot tell,
so a word typed in capitals ("QUYÕT") is upper-cased as a whole after decoding ("QUYẾT").
"""

from __future__ import annotations

import re
import unicodedata

# --- the order of Vietnamese letters used to lay out both tables ----------------------------
# For each vowel: plain, acute, grave, hook above, tilde, dot below.
_TONES = ("", "\u0301", "\u0300", "\u0309", "\u0303", "\u0323")

# --- TCVN3 (ABC) -----------------------------------------------------------------------------
# byte values of: small plain, then small acute, grave, hook, tilde, dot (capitals share them).
_TCVN3_SMALL: dict[str, tuple[int, ...]] = {
    "a": (0x61, 0xB8, 0xB5, 0xB6, 0xB7, 0xB9),
    "â": (0xA9, 0xCA, 0xC7, 0xC8, 0xC9, 0xCB),
    "ă": (0xA8, 0xBE, 0xBB, 0xBC, 0xBD, 0xC6),
    "e": (0x65, 0xD0, 0xCC, 0xCE, 0xCF, 0xD1),
    "ê": (0xAA, 0xD5, 0xD2, 0xD3, 0xD4, 0xD6),
    "i": (0x69, 0xDD, 0xD7, 0xD8, 0xDC, 0xDE),
    "o": (0x6F, 0xE3, 0xDF, 0xE1, 0xE2, 0xE4),
    "ô": (0xAB, 0xE8, 0xE5, 0xE6, 0xE7, 0xE9),
    "ơ": (0xAC, 0xED, 0xEA, 0xEB, 0xEC, 0xEE),
    "u": (0x75, 0xF3, 0xEF, 0xF1, 0xF2, 0xF4),
    "ư": (0xAD, 0xF8, 0xF5, 0xF6, 0xF7, 0xF9),
    "y": (0x79, 0xFD, 0xFA, 0xFB, 0xFC, 0xFE),
}
_TCVN3_CAPITALS = {0xA1: "Ă", 0xA2: "Â", 0xA3: "Ê", 0xA4: "Ô", 0xA5: "Ơ", 0xA6: "Ư", 0xA7: "Đ", 0xAE: "đ"}


def _tcvn3_table() -> dict[int, str]:
    table: dict[int, str] = dict(_TCVN3_CAPITALS)
    for vowel, codes in _TCVN3_SMALL.items():
        for mark, code in zip(_TONES, codes):
            if code >= 0x80:
                table[code] = unicodedata.normalize("NFC", vowel + mark)
    return table


TCVN3: dict[int, str] = _tcvn3_table()  # byte -> letter; bytes not listed are Windows-1252

# --- VNI-Windows -------------------------------------------------------------------------------
# A toned or hatted vowel is the ASCII base letter followed by one mark byte; the mark byte is
# the small form, +0x20 less for a capital base ("aù" = á, "AÙ" = Á).
_VNI_MARKS_SMALL: dict[str, tuple[str, int]] = {
    # letter: (base as typed, mark byte after a small base); capitals use mark - 0x20
    "á": ("a", 0xF9), "à": ("a", 0xF8), "ả": ("a", 0xFB), "ã": ("a", 0xF5), "ạ": ("a", 0xEF),
    "â": ("a", 0xE2), "ấ": ("a", 0xE1), "ầ": ("a", 0xE0), "ẩ": ("a", 0xE5), "ẫ": ("a", 0xE3), "ậ": ("a", 0xE4),
    "ă": ("a", 0xEA), "ắ": ("a", 0xE9), "ằ": ("a", 0xE8), "ẳ": ("a", 0xFA), "ẵ": ("a", 0xFC), "ặ": ("a", 0xEB),
    "é": ("e", 0xF9), "è": ("e", 0xF8), "ẻ": ("e", 0xFB), "ẽ": ("e", 0xF5), "ẹ": ("e", 0xEF),
    "ê": ("e", 0xE2), "ế": ("e", 0xE1), "ề": ("e", 0xE0), "ể": ("e", 0xE5), "ễ": ("e", 0xE3), "ệ": ("e", 0xE4),
    "ó": ("o", 0xF9), "ò": ("o", 0xF8), "ỏ": ("o", 0xFB), "õ": ("o", 0xF5), "ọ": ("o", 0xEF),
    "ô": ("o", 0xE2), "ố": ("o", 0xE1), "ồ": ("o", 0xE0), "ổ": ("o", 0xE5), "ỗ": ("o", 0xE3), "ộ": ("o", 0xE4),
    "ớ": ("ơ", 0xF9), "ờ": ("ơ", 0xF8), "ở": ("ơ", 0xFB), "ỡ": ("ơ", 0xF5), "ợ": ("ơ", 0xEF),
    "ú": ("u", 0xF9), "ù": ("u", 0xF8), "ủ": ("u", 0xFB), "ũ": ("u", 0xF5), "ụ": ("u", 0xEF),
    "ứ": ("ư", 0xF9), "ừ": ("ư", 0xF8), "ử": ("ư", 0xFB), "ữ": ("ư", 0xF5), "ự": ("ư", 0xEF),
    "ý": ("y", 0xF9), "ỳ": ("y", 0xF8), "ỷ": ("y", 0xFB), "ỹ": ("y", 0xF5),
}
# letters that are one byte of their own (small; the capital is byte - 0x20)
_VNI_SINGLE_SMALL = {
    "đ": 0xF1, "ơ": 0xF4, "ư": 0xF6, "í": 0xED, "ì": 0xEC, "ỉ": 0xE6, "ĩ": 0xF3, "ị": 0xF2, "ỵ": 0xEE,
}


def _vni_tables() -> tuple[dict[int, str], dict[bytes, str]]:
    single: dict[int, str] = {}
    for small, code in _VNI_SINGLE_SMALL.items():
        single[code] = small
        single[code - 0x20] = small.upper()
    byte_of = {ch: code for code, ch in single.items()}  # the horned bases ơ/ư of toned letters are one-byte letters
    pairs: dict[bytes, str] = {}
    for small, (base, mark) in _VNI_MARKS_SMALL.items():
        for letter, b, m in ((small, base, mark), (small.upper(), base.upper(), mark - 0x20)):
            pairs[bytes((byte_of[b] if b not in "aeouy" + "AEOUY" else ord(b), m))] = letter
    return single, pairs


VNI_SINGLE, VNI_PAIRS = _vni_tables()

# --- decoding ----------------------------------------------------------------------------------
_CP1252_FALLBACK = {b: bytes((b,)).decode("cp1252", errors="replace") for b in range(0x80, 0x100)}
for _b in (0x81, 0x8D, 0x8F, 0x90, 0x9D):  # undefined in cp1252: keep the Latin-1 control
    _CP1252_FALLBACK[_b] = chr(_b)


_CASE_EVIDENCE = set("ĂÂÊÔƠƯĐăâêôơưđ")  # letters TCVN3 codes in both cases (toned ones it does not)


def _caps(word: str) -> bool | None:
    """True: typed in capitals; False: not; None: no case evidence (only toned letters, one capital)."""
    evidence = [c for c in word if (c.isascii() and c.isalpha()) or c in _CASE_EVIDENCE]
    if any(c.islower() for c in evidence):
        return False
    if len(evidence) >= 2:
        return True
    return None


def _upper_capital_words(text: str) -> str:
    """TCVN3 capitals: 'QUYếT ĐịNH' (caps typed, tone from the small code) -> 'QUYẾT ĐỊNH'.

    A word with one capital and toned letters ('Bộ' or 'BỘ'?) follows its neighbours on the
    line; tokens with digits or '/' (numbers such as 9001/QĐ-TEST) are capitals anyway and say
    nothing about the line, so they are skipped.
    """
    lines = []
    for line in text.split("\n"):
        tokens = re.findall(r"\S+", line)
        caps = [None if re.search(r"[\d/]", tok) else _caps(tok) for tok in tokens]
        decided = any(c is not None for c in caps)
        for i, (tok, c) in enumerate(zip(tokens, caps)):
            if c is None and not re.search(r"[\d/]", tok):
                left = next((caps[j] for j in range(i - 1, -1, -1) if caps[j] is not None), None)
                right = next((caps[j] for j in range(i + 1, len(caps)) if caps[j] is not None), None)
                caps[i] = decided and left is not False and right is not False
        decisions = iter(caps)  # one a token, in the order re.sub meets them
        lines.append(re.sub(r"\S+", lambda m: m.group(0).upper() if next(decisions) else m.group(0), line))
    return "\n".join(lines)


def decode_tcvn3(data: bytes) -> str:
    """TCVN3 (ABC) bytes -> NFC Unicode text."""
    out = [TCVN3.get(b) or (_CP1252_FALLBACK[b] if b >= 0x80 else chr(b)) for b in data]
    return unicodedata.normalize("NFC", _upper_capital_words("".join(out)))


def decode_vni(data: bytes) -> str:
    """VNI-Windows bytes -> NFC Unicode text (base letter + mark byte pairs first)."""
    out: list[str] = []
    i, n = 0, len(data)
    while i < n:
        pair = data[i : i + 2]
        if len(pair) == 2 and pair[1] >= 0xC0 and pair in VNI_PAIRS:
            out.append(VNI_PAIRS[pair])
            i += 2
            continue
        b = data[i]
        out.append(VNI_SINGLE.get(b) or (_CP1252_FALLBACK[b] if b >= 0x80 else chr(b)))
        i += 1
    return unicodedata.normalize("NFC", "".join(out))


def decode_cp1258(data: bytes) -> str:
    """Windows-1258 bytes -> NFC: the code page writes tones as combining marks."""
    return unicodedata.normalize("NFC", data.decode("cp1258", errors="replace"))


# --- telling them apart -------------------------------------------------------------------------
_ONSET = r"(?:ngh|ng|gh|gi|kh|nh|ph|th|tr|ch|qu|[bcdđghklmnpqrstvx])?"
_NUCLEI = (
    "a ă â e ê i o ô ơ u ư y ai ao au ay âu ây eo êu ia iê iu oa oă oe oi oo ôi ơi ua uâ uê ui uô uơ uy "
    "ưa ưi ươ ưu yê iêu yêu oai oao oay oeo uây uôi ươi ươu uya uyê uyu uêu"
).split()
_CODA = r"(?:ch|ng|nh|[cmnpt])?"
_SYLLABLE = re.compile(rf"^{_ONSET}(?:{'|'.join(sorted(_NUCLEI, key=len, reverse=True))}){_CODA}$")
_TONE_MARKS = set(_TONES[1:])
_WORD = re.compile(r"[^\W\d_]+")


def _is_syllable(word: str) -> bool:
    nfd = unicodedata.normalize("NFD", word.lower())
    tones = sum(1 for c in nfd if c in _TONE_MARKS)
    bare = unicodedata.normalize("NFC", "".join(c for c in nfd if c not in _TONE_MARKS))
    return tones <= 1 and bool(_SYLLABLE.match(bare))


def vietnamese_score(text: str) -> tuple[int, int]:
    """(good, bad) counts over the non-ASCII parts of `text`.

    good: words with a non-ASCII letter that are well-formed Vietnamese syllables;
    bad: such words that are not, plus stray non-ASCII symbols (mojibake leaves '¸', '§', '«').
    """
    words = [w for w in _WORD.findall(text) if not w.isascii()]
    good = sum(map(_is_syllable, words))
    bad = len(words) - good
    for ch in text:
        if ord(ch) >= 0x80 and not ch.isalpha() and not ch.isspace() and unicodedata.category(ch)[0] != "M":
            if ch not in "–—‘’“”…•€™°§©®±×÷·«»≤≥²³½¼¾" or ch in "¸¶·«§©®¬":
                bad += 1
    return good, bad


CANDIDATES = {"Windows-1258": decode_cp1258, "TCVN3 (ABC)": decode_tcvn3, "VNI-Windows": decode_vni}


def guess_legacy(data: bytes) -> tuple[str, str, float] | None:
    """Best legacy decoding of non-UTF-8 bytes: (encoding name, text, share of good words).

    None when no candidate reads as Vietnamese (fewer than 3 good words or under 80% good).
    """
    best: tuple[str, str, float] | None = None
    for name, decode in CANDIDATES.items():
        text = decode(data)
        good, bad = vietnamese_score(text)
        share = good / (good + bad) if good + bad else 0.0
        if good >= 3 and share >= 0.8 and (best is None or share > best[2]):
            best = (name, text, share)
    return best


def repair_legacy_unicode(text: str) -> tuple[str, str | None]:
    """Text that is Unicode but holds TCVN3/VNI font codes ("Bé Th«ng tin", from .VnTime fonts).

    Returns (text, encoding repaired from) or (text, None) when it already reads as Vietnamese
    or is not clearly legacy. Real Vietnamese Unicode has letters outside cp1252 (ư, ạ, ộ …),
    so it never gets here.
    """
    try:
        raw = text.encode("cp1252")
    except UnicodeEncodeError:
        try:
            raw = text.encode("latin-1")
        except UnicodeEncodeError:
            return text, None
    if raw.isascii():
        return text, None
    good, bad = vietnamese_score(text)
    if good + bad and good / (good + bad) >= 0.5:
        return text, None
    guess = guess_legacy(raw)
    if guess is None or guess[0] == "Windows-1258":
        return text, None
    return guess[1], guess[0]
