"""The grammar of Vietnamese document numbers (số hiệu), after Nghị định 30/2020/NĐ-CP, Phụ lục III.

One small class, `DocNumber`, parses and formats every form (GUIDE §2):

    normative      17/2017/NĐ-CP        law / NA resolution  86/2015/QH13
    administrative 749/QĐ-TTg           official letter      2390/BTTTT-THH
    party          52-NQ/TW             consolidated text    26/VBHN-NHNN

`find_numbers` finds them in running text, across PDF line breaks ("35/2017/TT-\\nBLĐTBXH").
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Iterator

from cancu.registry import DOC_TYPES
from cancu.text import fold, nfc

# Views of cancu.registry.DOC_TYPES, the one table of document types.
TYPE_CODES: dict[str, tuple[str, str]] = {t.code: (t.vi, t.slug) for t in DOC_TYPES}  # code -> (name, IRI slug)
LAW_TYPES = frozenset(n for t in DOC_TYPES if t.law for n in (t.vi, *t.aliases))  # identified by name and date
JOINT_TYPES = frozenset(t.code for t in DOC_TYPES if t.joint)  # every code after the type names an issuing body
ADOPTED_TYPES = frozenset(n for t in DOC_TYPES if t.adopted for n in (t.vi, *t.aliases))  # dated by adoption
# Names a type line may carry, longest first so "Nghị quyết liên tịch" wins over "Nghị quyết".
TYPE_NAMES: tuple[str, ...] = tuple(sorted({n for t in DOC_TYPES for n in (t.vi, *t.aliases)}, key=len, reverse=True))
# Folded name, alias or word -> code ("quyet dinh" -> "QĐ", "van ban" -> "CV").
TYPE_BY_NAME: dict[str, str] = {fold(n): t.code for t in DOC_TYPES for n in (t.vi, *t.aliases, *t.words)}
_CODE_BY_FOLD = {fold(code): code for code in TYPE_CODES}
# Codes users type without their Đ ("QD" for "QĐ"), restored before parsing.
_UNACCENTED = {fold(code).upper(): code for code in TYPE_CODES if fold(code).upper() != code.upper()}
_UNACCENTED_RE = re.compile(rf"(?<=[/-])({'|'.join(_UNACCENTED)})(?=[-/]|\b)")

# A block of the number after a slash: starts upper-case, no spaces ("QĐ", "TTg", "BLĐTBXH", "TT&TT").
_TOKEN = r"[A-ZĐ][A-Za-zĐđ0-9&]*(?![\w])"
_SLASH = r"[ \t]?/[ \t]*(?:\n[ \t]*)?"
_DASH = r"[-–](?:[ \t]*\n[ \t]*)?"
# A number opens with a digit, the look-behind after it: a pattern that opens with a digit class lets the engine
# skip ahead to the next digit, one that opens with a look-behind tries every position of the text.
STATE_RE = re.compile(
    rf"(?P<num>\d(?<![\w/.-]\d)\d{{0,4}}(?:\.\d{{1,3}})?[a-z]?){_SLASH}(?:(?P<year>(?:19|20)\d\d){_SLASH})?"
    rf"(?P<codes>{_TOKEN}(?:{_DASH}{_TOKEN})*)"
)
PARTY_RE = re.compile(
    rf"(?P<num>\d(?<![\w/.-]\d)\d{{0,4}})[-–](?P<type>[A-ZĐ][A-ZĐa-z]{{0,3}}){_SLASH}(?P<body>{_TOKEN})"
)


@dataclass(frozen=True)
class DocNumber:
    """A parsed document number. `issuer` is the code of the issuing body; `units` the drafting units."""

    num: str
    issuer: str
    type_code: str | None = None
    year: int | None = None
    units: tuple[str, ...] = field(default_factory=tuple)
    party: bool = False

    @classmethod
    def parse(cls, text: str) -> "DocNumber":
        """Parse one number as written; raise ValueError naming the text if it is not one."""
        found = next(find_numbers(nfc(text).strip()), None)
        if found is None:
            raise ValueError(f"not a document number: {text!r}")
        return found[0]

    @classmethod
    def from_match(cls, m: re.Match[str]) -> "DocNumber":
        if "body" in m.groupdict():
            return cls(num=m["num"].lstrip("0") or "0", issuer=m["body"], type_code=_type(m["type"]), party=True)
        codes = [c for c in re.split(r"\s*[-–]\s*", m["codes"]) if c]
        year = int(m["year"]) if m["year"] else None
        type_code = _type(codes[0]) if len(codes) > 1 or codes[0] in TYPE_CODES else None
        rest = codes[1:] if type_code else codes
        if not rest:  # "18/QĐ" alone: type without issuer
            rest = [""]
        return cls(num=m["num"], issuer=rest[0], type_code=type_code, year=year, units=tuple(rest[1:]))

    def __str__(self) -> str:
        if self.party:
            return f"{self.num}-{self.type_code}/{self.issuer}"
        parts = [p for p in (self.type_code, self.issuer, *self.units) if p]
        year = f"{self.year}/" if self.year else ""
        return f"{self.num}/{year}{'-'.join(parts)}"

    @property
    def key(self) -> str:
        """Diacritic- and case-free key without year: what a user types ("749/qd-ttg")."""
        if self.party:
            return fold(f"{self.num.lstrip('0')}-{self.type_code}/{self.issuer}")
        parts = [p for p in (self.type_code, self.issuer, *self.units) if p]
        return fold(f"{self.num.lstrip('0') or '0'}/{'-'.join(parts)}")

    @property
    def type_name(self) -> str | None:
        """Vietnamese type name; an official letter (no type code) is a Công văn."""
        if self.type_code:
            return TYPE_CODES[self.type_code][0]
        if self.year is None and not re.match(r"QH|UBTVQH", self.issuer):
            return "Công văn"
        return None


@lru_cache(maxsize=1 << 14)
def number_of(text: str) -> DocNumber:
    """`DocNumber.parse`, remembered: ingest and the identity catalogue parse the same few numbers again and again."""
    return DocNumber.parse(text)


def _type(code: str) -> str | None:
    return _CODE_BY_FOLD.get(fold(code)) if fold(code) in _CODE_BY_FOLD else None


def find_numbers(text: str) -> Iterator[tuple[DocNumber, int, int]]:
    """Every document number in `text` with its span, in order, party forms included."""
    hits: list[tuple[int, int, DocNumber]] = []
    for m in PARTY_RE.finditer(text):
        hits.append((m.start(), m.end(), DocNumber.from_match(m)))
    taken = [(s, e) for s, e, _ in hits]
    for m in STATE_RE.finditer(text):
        if any(s <= m.start() < e for s, e in taken):
            continue
        number = DocNumber.from_match(m)
        if not number.issuer and not number.type_code:
            continue
        hits.append((m.start(), m.end(), number))
    for start, end, number in sorted(hits, key=lambda h: h[0]):
        yield number, start, end


@dataclass(frozen=True)
class UserRef:
    """What a user typed, reduced to what can be matched: a full number, or number + type only ("QĐ 749")."""

    number: DocNumber | None
    num: str | None = None
    type_code: str | None = None
    year: int | None = None

    @property
    def key(self) -> str | None:
        return self.number.key if self.number else None


def parse_user_ref(text: str) -> UserRef:
    """Accept the usual spellings: '749/QĐ-TTg', '749/QD-TTg', 'QĐ 749/QĐ-TTg', 'Quyết định số 749/QĐ-TTg', 'QĐ 749'."""
    raw = nfc(text).strip()
    if not raw:
        raise ValueError("empty reference")
    # Users type without diacritics ("QD", "ND"): restore the codes so the grammar matches.
    restored = _UNACCENTED_RE.sub(lambda m: _UNACCENTED[m[1]], raw)
    year_m = re.search(r"\b(?:năm|nam)\s+((?:19|20)\d\d)\b", restored, re.IGNORECASE)
    year = int(year_m[1]) if year_m else None
    hit = next(find_numbers(restored), None) or next(find_numbers(restored.upper()), None)  # "749/qd-ttg"
    if hit:
        number = hit[0]
        if year and not number.year:
            return UserRef(number=number, year=year)
        return UserRef(number=number, year=number.year or year)
    m = re.match(r"^\s*(?P<code>[A-Za-zĐđ]{1,4}|[^\d]+?)\s*(?:số|so)?\s*(?P<num>\d{1,5})\s*$", restored, re.IGNORECASE)
    if m:
        code = _type(m["code"]) or TYPE_BY_NAME.get(fold(m["code"]).removesuffix(" so").strip())
        return UserRef(number=None, num=m["num"], type_code=code, year=year)
    if re.fullmatch(r"\d{1,5}", restored):
        return UserRef(number=None, num=restored, year=year)
    raise ValueError(f"not a document reference: {text!r}")
