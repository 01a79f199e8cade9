"""Names: the agency gazetteer, alias resolution, and the mention finder.

The gazetteer is data (`ingest/data/agencies.json`); provincial People's Committees and Councils
("Ủy ban nhân dân tỉnh X", "UBND TP Hà Nội", "HĐND tỉnh X") are recognised by pattern instead.

`find_mentions` matches gazetteer names with a spaCy PhraseMatcher (attr LOWER) over syllable tokens
with punctuation split off (GUIDE §4: no word segmentation in the hot path), tokenising only the windows
of the text where a name can start (one regex scan finds them), and finds enterprises,
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
from typing import Any, Iterator

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
    "title_end",
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
    return [Entity(id=e["id"], kind=e["kind"], name=nfc(e["name"]), aliases=tuple(nfc(a) for a in e.get("aliases") or ()),
                   **{k: e.get(k) for k in ("abbreviation", "parent", "successor", "succession_date", "source")})
            for e in json.loads(DATA.read_text(encoding="utf-8"))["entities"]]


@lru_cache(maxsize=1)
def _index() -> tuple[dict[str, Entity], dict[str, Entity]]:
    by_key: dict[str, Entity] = {}
    by_code: dict[str, Entity] = {}
    for ent in load_gazetteer():
        for n in (ent.name, *ent.aliases):
            by_key.setdefault(fold(n), ent)
        if ent.abbreviation:
            by_code.setdefault(fold(ent.abbreviation), ent)
    return by_key, by_code


# --- provinces (pattern-based) ---------------------------------------------------------------

_CITIES = {"ha noi", "ho chi minh", "hai phong", "da nang", "can tho", "hue"}
_PROV_RE = re.compile(
    # every branch a plain word, so the engine skips ahead to a U, Ủ or H (a class or look-ahead first would not)
    r"(?P<body>Uỷ ban nhân dân|Ủỷ ban nhân dân|Ủy ban nhân dân|UBND|Hội đồng nhân dân|HĐND)\s+"
    r"(?P<level>tỉnh|thành phố|Thành phố|TP\.?|Tp\.?)\s*"
    r"(?P<place>(?:[A-ZĐÂĂÊÔƠƯÀ-Ỹ][\wÀ-ỹ]*)(?:\s+[A-ZĐÂĂÊÔƠƯÀ-Ỹ][\wÀ-ỹ]*){0,3})",
)


def _province_entity(m: re.Match[str]) -> Entity:
    council = m["body"] in ("Hội đồng nhân dân", "HĐND")
    city = m["level"].rstrip(".").lower() in ("thành phố", "tp") or fold(m["place"]) in _CITIES
    name = f"{'Hội đồng nhân dân' if council else 'Ủy ban nhân dân'} {'thành phố' if city else 'tỉnh'} {m['place']}"
    return Entity(id=slug(name), kind="agency", name=name, abbreviation="HĐND" if council else "UBND")


def resolve_agency(name: str) -> Entity | None:
    """The gazetteer entity for a name, alias or number code; case- and diacritic-insensitive.

    Provincial People's Committees / Councils resolve by pattern ("UBND TP Hà Nội").
    """
    if not name:
        return None
    key = fold(name).strip(" .,;:")
    by_key, by_code = _index()
    ent = by_key.get(key) or by_code.get(key)
    if ent:
        return ent
    m = _PROV_RE.fullmatch(nfc(name).strip(" .,;:"))
    if m:
        return _province_entity(m)
    return None


def issuer_by_code(code: str) -> Entity | None:
    """The issuer named by a number code: 'TTg' → Thủ tướng Chính phủ, 'BTTTT', 'QH15' → Quốc hội."""
    if not code:
        return None
    key, by_code = fold(code), _index()[1]
    m = re.fullmatch(r"(qh|ubtvqh|ddqh)\d{1,2}", key)  # QH15, UBTVQH15, ĐĐQH15: term-numbered
    return by_code.get(key) or (by_code.get(m.group(1)) if m else None)


# --- tokenisation ---------------------------------------------------------------------------

# A syllable is a run of letters/digits; every other non-space character is its own token.
_TOKEN_RE = re.compile(r"[^\W_]+|[^\w\s]|_")
_WORD_RE = re.compile(r"[^\W_]+")


def tokenize(text: str, start: int = 0, end: int | None = None) -> tuple[list[str], list[int], list[int]]:
    """Syllable tokens of text[start:end] with punctuation split off: (words, starts, ends), offsets into `text`."""
    found = list(_TOKEN_RE.finditer(text, start, len(text) if end is None else end))
    return [m.group() for m in found], [m.start() for m in found], [m.end() for m in found]


_NLP: Any = None
_MATCHER: Any = None
_PATTERN_ENT: dict[int, Entity] = {}
_FIRST: list[re.Pattern[str]] = []  # the first token of some gazetteer name: in lower case, in any case
_LONGEST: dict[tuple[str, ...], int] = {}  # first one or two tokens of a name (lowercased) -> most tokens a name has
_NEXT_TOKEN = re.compile(r"\s*([^\W_]+|[^\w\s]|_)")
_EXTENT: dict[int, re.Pattern[str]] = {}  # n -> up to n - 1 further tokens
_GAP = "\u2063"  # a token no name contains: separates the windows the matcher sees, so no match spans two


def _nlp() -> tuple[Any, Any]:
    """The module-level spaCy pipeline (blank 'xx') and PhraseMatcher, built once, with the candidate finders."""
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
                head = tuple(w.lower() for w in words[:2])
                _LONGEST[head] = max(_LONGEST.get(head, 0), len(words))
        _EXTENT.update({n: re.compile(r"(?:\s*(?:[^\W_]+|[^\w\s]|_)){1,%d}" % (n - 1))
                        for n in set(_LONGEST.values()) if n > 1})
        first_re = _head_re(list(_LONGEST))
        _FIRST[:] = [re.compile(first_re), re.compile(first_re, re.I)]
        _NLP, _MATCHER = nlp, matcher
    return _NLP, _MATCHER


def _head_re(heads: list[tuple[str, ...]]) -> str:
    """A regex for the first token of a name when one of the second tokens of names starting with it follows.
    The second is only looked at, not consumed, so a name that starts there is still found. The first tokens
    are factored into a trie (one branch per letter) so the engine tries a few letters at each position, not
    every first token; a word token must end there (`_after`), so at most one first token can match."""
    seconds: dict[str, set[str]] = {}
    for head in heads:
        seconds.setdefault(head[0], set()).add(head[1] if len(head) > 1 else "")

    def ending(first: str) -> str:
        alt = _after(first)
        if "" not in seconds[first]:  # no one-token name starts with it: a second token must follow
            tails = sorted(seconds[first], key=len, reverse=True)
            alt += r"(?=\s*(?:" + "|".join(re.escape(t) + _after(t) for t in tails) + "))"
        return alt

    def trie(words: list[str], depth: int) -> str:
        """The regex for the rest of `words`, which share their first `depth` characters."""
        by_next: dict[str, list[str]] = {}
        for w in words:
            if len(w) > depth:
                by_next.setdefault(w[depth], []).append(w)
        alts = [re.escape(c) + trie(ws, depth + 1) for c, ws in sorted(by_next.items())]
        alts += [ending(w) for w in words if len(w) == depth]
        return alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"

    return trie(list(seconds), 0)  # no leading lookbehind: it would stop the engine skipping ahead; `_windows` checks


def _after(token: str) -> str:
    """What must follow `token` for it to be a whole token: no letter or digit after a syllable."""
    return r"(?![^\W_])" if _WORD_RE.fullmatch(token) else ""


def _windows(text: str) -> list[tuple[int, int]]:
    """Merged spans of `text` that hold every possible gazetteer match: from each place where the first one or
    two tokens of a name stand, as many tokens as its longest name has. The matcher then tokenises only these
    (about a tenth of a legal text) instead of the whole text, and finds exactly the same matches."""
    spans: list[tuple[int, int]] = []
    longest, next_token, extent = _LONGEST, _NEXT_TOKEN, _EXTENT
    low, first_re = text.lower(), _FIRST[0]
    if len(low) != len(text):  # a letter whose lower case is longer ("İ") would shift offsets: search `text`
        low, first_re = text, _FIRST[1]
    for m in first_re.finditer(low):
        if m.start() and _WORD_RE.match(low, m.start() - 1) and _WORD_RE.match(low, m.start()):
            continue  # inside a syllable, not at a token's start
        first = m.group().lower()
        second = next_token.match(low, m.end())
        n = max(longest.get((first,), 0), longest.get((first, second[1].lower()), 0) if second else 0)
        if n > 1:
            rest = extent[n].match(low, m.end())
            spans.append((m.start(), rest.end() if rest else m.end()))
        elif n:
            spans.append(m.span())
    merged: list[tuple[int, int]] = []
    for a, b in spans:  # by start already: one scan, left to right
        if merged and a <= merged[-1][1]:
            if b > merged[-1][1]:
                merged[-1] = (merged[-1][0], b)
        else:
            merged.append((a, b))
    return merged


# --- patterns for enterprises, programmes, platforms ----------------------------------------

_UP = "A-ZĐÂĂÊÔƠƯÀÁẢÃẠẰẮẲẴẶẦẤẨẪẬÈÉẺẼẸỀẾỂỄỆÌÍỈĨỊÒÓỎÕỌỒỐỔỖỘỜỚỞỠỢÙÚỦŨỤỪỨỬỮỰỲÝỶỸỴ"
_SYL = r"[\wÀ-ỹ&]+"
# Head words of names. No leading \b: it stops the regex engine from skipping ahead to a literal, which made
# these scans ten times slower; `_word_heads` checks the boundary on the few hits instead.
_ENTERPRISE_RE = re.compile(r"T(?:ập đoàn|ổng công ty)(?=\s)|Công ty(?=\s)")
_PROGRAMME_RE = re.compile(r"(?:C(?:hương trình|hiến lược)|Đề án|Kế hoạch)(?=[ \u201c\"])")
_PLATFORM_RE = re.compile(r"Nền tảng(?= )")
_WORD_CHAR = re.compile(r"\w")


def _word_heads(pattern: re.Pattern[str], text: str) -> Iterator[re.Match[str]]:
    """The matches of `pattern` that a leading \b would let through (at the start of a word)."""
    return (m for m in pattern.finditer(text) if m.start() == 0 or not _WORD_CHAR.match(text, m.start() - 1))

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


def title_end(text: str, pos: int, limit: int = 40, loose: bool = False) -> int:
    """End of a title that starts at `pos` (after the head word), conservatively (ingest.platforms reads platform
    names with the same rule)."""
    end = pos
    n = 0
    i = pos
    L = len(text)
    while i < L and n < limit:
        c = text[i]
        if c == " " or (c == "\n" and not text.startswith("\n", i + 1) and not _in_table_row(text, i)):
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


def _in_table_row(text: str, i: int) -> bool:
    """Whether the line holding position `i` is a table row ("a | b | c"): its line break ends a name,
    where in running text a single line break is only a wrapped line."""
    return text.find("|", text.rfind("\n", 0, i) + 1, i) != -1


def _enterprise_end(text: str, pos: int) -> int:
    """End of an enterprise name: up to the last capitalised syllable, gaps of ≤2 lowercase ones."""
    end = -1
    gap = 0
    i = pos
    for _ in range(12):
        m = _NEXT_SYL_RE.match(text, i)
        if not m or ("\n" in text[i:m.start(1)] and _in_table_row(text, i)):
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
    for m in _word_heads(_ENTERPRISE_RE, text):
        end = _enterprise_end(text, m.end())
        if end > 0:
            s = text[m.start():end]
            out.append(Mention("enterprise", s, slug(s), s, m.start(), end))
    for m in _word_heads(_PROGRAMME_RE, text):
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
        end = title_end(text, m.end())
        tail = text[m.end():end].strip()
        if end <= m.end() or not tail or tail.lower() in _GENERIC_TAIL:
            continue
        if not (_CAP_RE.match(tail) or tail[0].isdigit()) and len(tail.split()) < 2:
            continue
        s = text[m.start():end]
        out.append(Mention("programme", s, slug(s), s, m.start(), end))
    for m in _word_heads(_PLATFORM_RE, text):
        end = title_end(text, m.end(), limit=15, loose=True)
        tail = text[m.end():end].strip()
        if not tail or tail.lower() in _GENERIC_TAIL:
            continue
        s = text[m.start():end]
        out.append(Mention("platform", s, slug(s), s, m.start(), end))
    return out


def _longest_first(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """spaCy's `filter_spans` on (start, end) token pairs, without making a Span of each match: the longest
    (then the earliest) span wins, one is dropped when its first or last token is taken; by start."""
    kept: list[tuple[int, int]] = []
    taken: set[int] = set()
    for s, e in sorted(spans, key=lambda se: (se[1] - se[0], -se[0]), reverse=True):
        if s not in taken and e - 1 not in taken:
            kept.append((s, e))
            taken.update(range(s, e))
    return sorted(kept)


def _gazetteer_matches(text: str) -> list[tuple[int, int, Entity]]:
    """Gazetteer names in `text` as (start, end, entity): the PhraseMatcher over the windows where a name can
    start, longest match first, the same as over the whole text."""
    from spacy.tokens import Doc

    nlp, matcher = _nlp()
    words: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    for a, b in _windows(text):
        w, s, e = tokenize(text, a, b)
        gap = 1 if words else 0  # the `_GAP` token between two windows
        words += [_GAP] * gap + w
        starts += [a] * gap + s
        ends += [a] * gap + e
    if not words:
        return []
    doc = Doc(nlp.vocab, words=words, spaces=[False] * len(words))  # offsets come from `starts`
    matches = matcher(doc)
    label_of = {(s, e): mid for mid, s, e in matches}
    return [(starts[first], ends[last - 1], _PATTERN_ENT[label_of[(first, last)]])
            for first, last in _longest_first([(s, e) for _, s, e in matches])]


def find_mentions(text: str) -> list[Mention]:
    """Agencies, units, enterprises, programmes and platforms named in `text`, with spans.

    Gazetteer names: PhraseMatcher (case-insensitive) on syllable tokens, longest match wins;
    a code glued to a document number ("186/QĐ-BTTTT") is not a mention. Provincial bodies by
    pattern. Mentions are sorted by start offset.
    """
    out: list[Mention] = []
    for a, b, ent in _gazetteer_matches(text):
        if (a > 0 and text[a - 1] in "-/") or (b < len(text) and text[b] in "-/"):
            continue  # a code inside a document number
        if text[a].islower():
            continue  # "chính phủ số" (e-government), not the Government
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
