"""Names: the agency gazetteer, alias resolution, and the mention finder.

The gazetteer is data (`ingest/data/agencies.json`); provincial People's Committees and Councils
("Ủy ban nhân dân tỉnh X", "UBND TP Hà Nội", "HĐND tỉnh X") are recognised by pattern instead.

`find_mentions` matches gazetteer names with a spaCy PhraseMatcher (attr LOWER) over syllable tokens
with punctuation split off (GUIDE §4: no word segmentation in the hot path), and finds enterprises,
programmes and platforms with conservative regular expressions. People are not searched for:
signers come from the header parser.
"""

from __future__ import annotations

from bisect import bisect_right

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from cancu.text import fold, nfc, slug
from ingest.models import Mention

DATA = Path(__file__).parent / "data" / "agencies.json"

__all__ = [
    "Entity",
    "load_gazetteer",
    "resolve_agency",
    "issuer_by_code",
    "find_mentions",
    "tokenize",
    "AGENCY_HEADS",
]


@dataclass(frozen=True)
class Entity:
    """One real body (agency) or one of its units."""

    id: str
    kind: str  # agency | unit
    name: str
    aliases: tuple[str, ...] = ()
    abbreviation: str | None = None
    parent: str | None = None
    successor: str | None = None
    succession_date: str | None = None
    source: str | None = None


@lru_cache(maxsize=1)
def load_gazetteer() -> list[Entity]:
    """All gazetteer entries, in file order."""
    raw = json.loads(DATA.read_text(encoding="utf-8"))
    out = []
    for e in raw["entities"]:
        out.append(
            Entity(
                id=e["id"],
                kind=e["kind"],
                name=nfc(e["name"]),
                aliases=tuple(nfc(a) for a in e.get("aliases") or ()),
                abbreviation=e.get("abbreviation"),
                parent=e.get("parent"),
                successor=e.get("successor"),
                succession_date=e.get("succession_date"),
                source=e.get("source"),
            )
        )
    return out


@lru_cache(maxsize=1)
def _index() -> tuple[dict[str, Entity], dict[str, Entity], dict[str, Entity]]:
    by_key: dict[str, Entity] = {}
    by_code: dict[str, Entity] = {}
    by_id: dict[str, Entity] = {}
    for ent in load_gazetteer():
        by_id[ent.id] = ent
        for n in (ent.name, *ent.aliases):
            by_key.setdefault(fold(n), ent)
        if ent.abbreviation:
            by_code.setdefault(fold(ent.abbreviation), ent)
    return by_key, by_code, by_id


def entity_by_id(entity_id: str) -> Entity | None:
    """The gazetteer entry with this id."""
    return _index()[2].get(entity_id)


# --- provinces (pattern-based) ---------------------------------------------------------------

_CITIES = {"ha noi", "ho chi minh", "hai phong", "da nang", "can tho", "hue"}
_PROV_RE = re.compile(
    r"(?P<body>[UỦ]ỷ ban nhân dân|Ủy ban nhân dân|Uỷ ban nhân dân|UBND|Hội đồng nhân dân|HĐND)\s+"
    r"(?P<level>tỉnh|thành phố|Thành phố|TP\.?|Tp\.?)\s*"
    r"(?P<place>(?:[A-ZĐÂĂÊÔƠƯÀ-Ỹ][\wÀ-ỹ]*)(?:\s+[A-ZĐÂĂÊÔƠƯÀ-Ỹ][\wÀ-ỹ]*){0,3})",
)


def _province_entity(m: re.Match[str]) -> Entity:
    body = m.group("body")
    council = body in ("Hội đồng nhân dân", "HĐND")
    place = m.group("place")
    level_raw = m.group("level").rstrip(".").lower()
    city = level_raw in ("thành phố", "tp") or fold(place) in _CITIES
    level = "thành phố" if city else "tỉnh"
    head = "Hội đồng nhân dân" if council else "Ủy ban nhân dân"
    name = f"{head} {level} {place}"
    abbr = "HĐND" if council else "UBND"
    return Entity(id=slug(name), kind="agency", name=name, abbreviation=abbr)


def resolve_agency(name: str) -> Entity | None:
    """The gazetteer entity for a name, alias or number code; case- and diacritic-insensitive.

    Provincial People's Committees / Councils resolve by pattern ("UBND TP Hà Nội").
    """
    if not name:
        return None
    key = fold(name).strip(" .,;:")
    by_key, by_code, _ = _index()
    ent = by_key.get(key) or by_code.get(key)
    if ent:
        return ent
    m = _PROV_RE.fullmatch(nfc(name).strip(" .,;:"))
    if m:
        return _province_entity(m)
    return None


_CODE_EXTRA = {"ubnd": "UBND", "hdnd": "HĐND"}


def issuer_by_code(code: str) -> Entity | None:
    """The issuer named by a number code: 'TTg' → Thủ tướng Chính phủ, 'BTTTT', 'QH15' → Quốc hội."""
    if not code:
        return None
    key = fold(code)
    _, by_code, by_id = _index()
    if key in by_code:
        return by_code[key]
    m = re.fullmatch(r"(qh|ubtvqh|ddqh)\d{1,2}", key)  # QH15, UBTVQH15, ĐĐQH15: term-numbered
    if m:
        return by_code.get(m.group(1))
    return None


# --- tokenisation ---------------------------------------------------------------------------

# A syllable is a run of letters/digits; every other non-space character is its own token.
_TOKEN_RE = re.compile(r"[^\W_]+|[^\w\s]|_")


def tokenize(text: str) -> tuple[list[str], list[int], list[int]]:
    """Syllable tokens with punctuation split off: (words, starts, ends)."""
    words: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    add_word, add_start, add_end = words.append, starts.append, ends.append  # hot loop: bound methods
    for m in _TOKEN_RE.finditer(text):
        add_word(m.group())
        a, b = m.span()
        add_start(a)
        add_end(b)
    return words, starts, ends


_NLP: Any = None
_MATCHER: Any = None
_PATTERN_ENT: dict[int, Entity] = {}


def _nlp() -> tuple[Any, Any]:
    """The module-level spaCy pipeline (blank 'xx') and PhraseMatcher, built once."""
    global _NLP, _MATCHER
    if _MATCHER is None:
        import spacy
        from spacy.matcher import PhraseMatcher
        from spacy.tokens import Doc

        nlp = spacy.blank("xx")
        matcher = PhraseMatcher(nlp.vocab, attr="LOWER")
        seen: set[tuple[str, str]] = set()
        for ent in load_gazetteer():
            for n in (ent.name, *ent.aliases):
                words = tokenize(n)[0]
                key = (ent.id, " ".join(w.lower() for w in words))
                if key in seen:
                    continue
                seen.add(key)
                label = f"{ent.kind}|{ent.id}"
                matcher.add(label, [Doc(nlp.vocab, words=words)])
                _PATTERN_ENT[nlp.vocab.strings[label]] = ent
        _NLP, _MATCHER = nlp, matcher
    return _NLP, _MATCHER


# --- patterns for enterprises, programmes, platforms ----------------------------------------

_UP = "A-ZĐÂĂÊÔƠƯÀÁẢÃẠẰẮẲẴẶẦẤẨẪẬÈÉẺẼẸỀẾỂỄỆÌÍỈĨỊÒÓỎÕỌỒỐỔỖỘỜỚỞỠỢÙÚỦŨỤỪỨỬỮỰỲÝỶỸỴ"
_SYL = r"[\wÀ-ỹ&]+"
_ENTERPRISE_RE = re.compile(r"\b(Tập đoàn|Tổng công ty|Công ty)(?=\s)")
_PROGRAMME_RE = re.compile(r"\b(Chương trình|Chiến lược|Đề án|Kế hoạch)(?=[ \u201c\"])")
_PLATFORM_RE = re.compile(r"\bNền tảng(?= )")

# words that end a programme / platform title (a following clause, not the title)
_SYL_RE = re.compile(_SYL)
_NEXT_SYL_RE = re.compile(r"(?:[ \t]|\n(?![ \t]*\n))+(" + _SYL + ")")  # a single line break is a space
_TITLE_STOP = {
    "của", "do", "được", "đã", "sẽ", "để", "theo", "tại", "với", "cho", "này", "đó", "là", "nhằm",
    "thì", "phải", "gồm", "hoặc", "thuộc", "nếu", "mà",
}
_TRAILING = {"và", "hoặc", "các", "những", "của"}  # never the last word of a title
_TITLE_STOP2 = {("ban", "hành"), ("phê", "duyệt"), ("triển", "khai"), ("thực", "hiện")}
_TITLE_COMMA_OK = re.compile(r",\s+(?=(định hướng|tầm nhìn|giai đoạn)\b)")
_GENERIC_TAIL = {"hành động", "số", "số quốc gia", "công tác", "này"}


def _title_end(text: str, pos: int, limit: int = 40, loose: bool = False) -> int:
    """End of a title that starts at `pos` (after the head word), conservatively."""
    end = pos
    n = 0
    i = pos
    L = len(text)
    while i < L and n < limit:
        c = text[i]
        if c == " " or (c == "\n" and not text.startswith("\n", i + 1)):
            i += 1
            continue
        if c == ",":
            m = _TITLE_COMMA_OK.match(text, i)
            if m:
                i = m.end()
                continue
            if loose:  # platform names: "Nền tảng tích hợp, chia sẻ dữ liệu"
                m = _NEXT_SYL_RE.match(text, i + 1)
                if m and m.group(1)[0].islower() and m.group(1).lower() not in _TITLE_STOP:
                    i += 1
                    continue
            break
        m = _SYL_RE.match(text, i)
        if not m:
            if c in "-–/" and n:
                i += 1
                continue
            break
        w = m.group().lower()
        if w in _TITLE_STOP:
            nxt = _NEXT_SYL_RE.match(text, m.end())
            if not (loose and w == "của" and nxt and _CAP_RE.match(nxt.group(1))):
                break
        nxt = _NEXT_SYL_RE.match(text, m.end())
        if nxt and (w, nxt.group(1).lower()) in _TITLE_STOP2:
            break
        if w not in _TRAILING:
            end = m.end()
        n += 1
        i = m.end()
    return end


_CAP_RE = re.compile(f"[{_UP}]")


def _enterprise_end(text: str, pos: int) -> int:
    """End of an enterprise name: up to the last capitalised syllable, gaps of ≤2 lowercase ones."""
    end = -1
    gap = 0
    i = pos
    for _ in range(12):
        m = _NEXT_SYL_RE.match(text, i)
        if not m:
            break
        w = m.group(1)
        if _CAP_RE.match(w) or w.isdigit():
            end = m.end()
            gap = 0
        else:
            if w.lower() in _TITLE_STOP:
                break
            gap += 1
            if gap > 2:
                break
        i = m.end()
    return end


def _pattern_mentions(text: str) -> list[Mention]:
    out: list[Mention] = []
    for m in _ENTERPRISE_RE.finditer(text):
        end = _enterprise_end(text, m.end())
        if end > 0:
            s = text[m.start():end]
            out.append(Mention("enterprise", s, slug(s), s, m.start(), end))
    for m in _PROGRAMME_RE.finditer(text):
        j = m.end()
        while j < len(text) and text[j] == " ":
            j += 1
        if j < len(text) and text[j] in "\u201c\"":  # quoted title: take the quotation
            close = text.find("\u201d" if text[j] == "\u201c" else '"', j + 1)
            if 0 < close - j < 400:
                s = text[m.start():close + 1]
                name = text[j + 1:close]
                out.append(Mention("programme", s, slug(name), name, m.start(), close + 1))
            continue
        end = _title_end(text, m.end())
        tail = text[m.end():end].strip()
        if end <= m.end() or not tail or tail.lower() in _GENERIC_TAIL:
            continue
        if not (_CAP_RE.match(tail) or tail[0].isdigit()) and len(tail.split()) < 2:
            continue
        s = text[m.start():end]
        out.append(Mention("programme", s, slug(s), s, m.start(), end))
    for m in _PLATFORM_RE.finditer(text):
        end = _title_end(text, m.end(), limit=15, loose=True)
        tail = text[m.end():end].strip()
        if not tail or tail.lower() in _GENERIC_TAIL:
            continue
        s = text[m.start():end]
        out.append(Mention("platform", s, slug(s), s, m.start(), end))
    return out


def find_mentions(text: str) -> list[Mention]:
    """Agencies, units, enterprises, programmes and platforms named in `text`, with spans.

    Gazetteer names: PhraseMatcher (case-insensitive) on syllable tokens, longest match wins;
    a code glued to a document number ("186/QĐ-BTTTT") is not a mention. Provincial bodies by
    pattern. Mentions are sorted by start offset.
    """
    from spacy.tokens import Doc
    from spacy.util import filter_spans

    nlp, matcher = _nlp()
    words, starts, ends = tokenize(text)
    out: list[Mention] = []
    if words:
        doc = Doc(nlp.vocab, words=words, spaces=[False] * len(words))  # offsets come from `starts`
        matches = matcher(doc)
        label_of = {(s, e): mid for mid, s, e in matches}
        for sp in filter_spans([doc[s:e] for _, s, e in matches]):
            a, b = starts[sp.start], ends[sp.end - 1]
            if (a > 0 and text[a - 1] in "-/") or (b < len(text) and text[b] in "-/"):
                continue  # a code inside a document number
            if text[a].islower():
                continue  # "chính phủ số" (e-government), not the Government
            ent = _PATTERN_ENT[label_of[(sp.start, sp.end)]]
            out.append(Mention(ent.kind, text[a:b], ent.id, ent.name, a, b))
    covered = sorted((m.start, m.end) for m in out)  # non-overlapping: the last span starting before decides
    covered_starts = [a for a, _ in covered]
    for m in _PROV_RE.finditer(text):
        i = bisect_right(covered_starts, m.start()) - 1
        if i >= 0 and covered[i][0] <= m.start() < covered[i][1]:
            continue
        ent = _province_entity(m)
        out.append(Mention("agency", m.group(), ent.id, ent.name, m.start(), m.end()))
    out.extend(_pattern_mentions(text))
    out.sort(key=lambda x: (x.start, -x.end))
    return out


# Words that begin an agency item in a table cell (used by ingest.tables to split cells).
AGENCY_HEADS = (
    "Bộ", "bộ", "Ban", "Văn phòng", "Ủy ban", "Uỷ ban", "UBND", "HĐND", "Hội đồng", "Ngân hàng", "Thanh tra",
    "Kiểm toán", "Viện", "Tòa án", "Toà án", "Đài", "Thông tấn", "Bảo hiểm", "Tập đoàn", "Tổng công ty",
    "Công ty", "Cục", "Vụ", "Tổng cục", "Trung tâm", "Quốc hội", "Chính phủ", "Thủ tướng", "Sở",
    "Cơ quan", "cơ quan", "Học viện", "Đại học", "Trường", "Hiệp hội", "hiệp hội", "Khu", "Quỹ", "Đảng",
    "Mặt trận", "Địa phương", "địa phương", "Doanh nghiệp", "doanh nghiệp", "Tổ chức", "tổ chức",
    "Các", "các", "Tỉnh", "Thành phố", "Đơn vị", "đơn vị", "Hội",
)
