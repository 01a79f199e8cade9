"""Find references to other documents (eyecite's find step) and classify them.

Căn cứ lines of the preamble give `based_on`; the first reference of each ';'-separated part of a
Căn cứ line is a legal basis, and so is one introduced by "được sửa đổi, bổ sung bởi"; any other
reference nested in the line ("… thực hiện Nghị quyết số 52-NQ/TW …") is a citation. References in
the body give `cites`, or a stronger relation when the sentence says this document amends,
replaces, repeals, guides, details or consolidates it. Words by which the document points at itself
("Quyết định này", "Phụ lục I kèm theo Nghị quyết này") are found apart (`find_self`): they cite nothing.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterable

from cancu.numbers import TYPE_BY_NAME, TYPE_CODES, TYPE_NAMES, DocNumber, find_numbers
from cancu.registry import DOC_TYPES, RELATION_KINDS
from cancu.text import fold, squash
from ingest.dates import LONG_DATE, SHORT_DATE, iso
from ingest.models import Ref
from ingest.structure import slug_number


def _alternation(names: Iterable[str], lower_start: bool = False) -> str:
    """Names as one regex alternation, longest first, any whitespace between words (a PDF breaks lines anywhere);
    with `lower_start` a name may also start in lower case, as it does inside a sentence ("công văn số …")."""
    def one(name: str) -> str:
        words = r"\s+".join(map(re.escape, name.split()))
        return f"[{name[0]}{name[0].lower()}]{words[1:]}" if lower_start and name[0].isupper() else words
    return "|".join(one(n) for n in sorted(set(names), key=len, reverse=True))


# Every name of a document type (cancu.registry.DOC_TYPES), before its number: "Quyết định số", "văn bản số".
_TYPE_WORD = re.compile(
    rf"({_alternation((n for t in DOC_TYPES for n in (t.vi, *t.aliases, *t.words)), lower_start=True)})(?:\s+số)?\s*$"
)
# A law cited by name: from "Luật"/"Bộ luật" to its number, date or year (PDF line breaks allowed). The name
# of an amending law lists the laws it amends ("Luật sửa đổi, bổ sung một số điều của Luật Chứng khoán, Luật Kế
# toán, …, Luật Xử lý vi phạm hành chính ngày 29 tháng 11 năm 2024"): one name, read whole (up to 400
# characters), so the date is never given to the last law of its list. A date after "(kể) từ", "trước",
# "đến", "sau" or "hiệu lực" is when something else happens ("…, có hiệu lực kể từ ngày 01 tháng 01 năm
# 2026"), never the date of the law named before it. An enacting formula ("Quốc hội ban hành Luật sửa đổi, bổ
# sung một số điều của Luật Bảo hiểm y tế số 25/2008/QH12") names a law that has no number yet: the number is
# the amended law's, so the name read there is the amended law's.
_NAME_CHAR = (r"(?:(?!Nghị quyết|Nghị định|Quyết định|Thông tư|Chỉ thị|Luật số)"
              r"(?:[^;:()\n\d.]|\n(?!Căn cứ)))")
LAW_RE = re.compile(  # each branch opens with its letter, the look-behind after it: the engine skips to B, L, l
    r"(?P<title>L(?<![\w]L)(?<!hành\sL)uật\s+sửa\s+đổi,?\s+bổ\s+sung\s" + _NAME_CHAR + r"{1,400}?"
    # "Luật bảo hiểm y tế" is a name; a lower-case "luật" starts one only before a capital ("luật trước ngày" does not)
    r"|(?:B(?<![\w]B)ộ\s+Luật\s+(?!số\b|này\b)|L(?<![\w]L)uật\s+(?!số\b|này\b|sửa\s+đổi,?\s+bổ\s+sung\s)"
    r"|l(?<![\w]l)uật\s+(?=[A-ZĐÀ-Ỹ]))"
    + _NAME_CHAR + r"{1,160}?)"
    r"(?<!\btừ)(?<!\btrước)(?<!\bđến)(?<!\bsau)(?<!hiệu\slực)"
    r"(?=\s+(?:số\s+\d+/\d{4}/QH\d+\s*)?ngày\s+\d{1,2}\s+tháng|\s+số\s+\d+/\d{4}/QH\d+|\s+năm\s+(?:19|20)\d\d(?!\d))"
)
_LAW_YEAR = re.compile(r"\s+năm\s+((?:19|20)\d\d)(?!\d)")  # "Bộ luật Dân sự năm 2015": name and year
# The Constitution, cited by name, with its year when the text gives one ("… Việt Nam năm 1992")
CONSTITUTION_RE = re.compile(
    r"(?<![\w])Hiến\s+pháp(?:\s+nước\s+Cộng\s+h[òo]à\s+xã\s+hội\s+chủ\s+nghĩa\s+Việt\s+Nam)?"
    r"(?:\s+năm\s+(?P<year>(?:19|20)\d\d))?(?![\w])"
)
CONSTITUTION = "Hiến pháp nước Cộng hòa xã hội chủ nghĩa Việt Nam"
_ISSUER_AFTER = re.compile(
    r"^\s*của\s+(?:Bộ trưởng\s+|Thủ trưởng\s+)?(?P<who>[^,;.()]{2,120}?)"
    r"(?=\s+(?:về|ban hành|Ban hành|quy định|Quy định|phê duyệt|hướng dẫn|sửa đổi|thực hiện|tại|để|nhằm|đã|trong)\b|[,;.(]|$)"
)
_DATE_AFTER = re.compile(
    r"^\s*(?:,\s*)?ngày\s+(?:(\d{1,2})\s+tháng\s+(\d{1,2})\s+năm\s+(\d{4})|(\d{1,2})/(\d{1,2})/(\d{4}))", re.IGNORECASE
)
_AMENDED_BY = re.compile(r"được\s+sửa\s+đổi,?\s+bổ\s+sung(?:\s+một\s+số\s+điều)?\s+(?:bởi|tại|theo)\s*$")
# "<type> này <verb> …": this document acts on the cited one (the verbs: cancu.registry, `acting`)
_ACTIVE_RE = [(k.code, re.compile(rf"\bnày\s+(?:\w+\s+){{0,2}}?(?:{k.acting})", re.I))
              for k in RELATION_KINDS if k.acting]
_CEASES = re.compile(r"[^.;|]{0,120}?\b(hết hiệu lực|bị bãi bỏ|được thay thế|bãi bỏ)", re.I)


# Words for a document's own type in "<type> này": every name of a type, "Văn bản này" (this document) fitting
# any type, and "Quy định này" (a regulation issued with a decision speaks so of itself).
_OWN_TYPE = _alternation([*(n for t in DOC_TYPES for n in (t.vi, *t.aliases, *t.words)), "Quy định"])
_SELF = re.compile(rf"\b(?:{_OWN_TYPE})\s+này\b")  # a sentence that speaks of this document
_SELF_REF = re.compile(
    # an annex of this document: "Phụ lục [I] [ban hành] kèm theo <type> này", or "… kèm theo" with nothing after
    rf"(?P<annex>Phụ\s+lục)(?:\s+(?P<annex_no>[IVXLC]+|\d+)\b)?\s+(?:(?:được\s+)?ban\s+hành\s+)?kèm\s+theo"
    rf"(?:\s+(?P<annex_type>{_OWN_TYPE})\s+này\b|(?=\s*(?:[.,;:)]|\n\n|$)))"
    # a provision of this document: "[điểm a] [khoản 3] Điều 11 [của] <type> này", or the document: "<type> này"
    rf"|(?:(?:điểm\s+(?P<point>[a-zđ])\s+)?(?:khoản\s+(?P<clause>\d+)\s+)?Điều\s+(?P<article>\d+[a-z]?)\s+(?:của\s+)?)?"
    rf"(?P<type>{_OWN_TYPE})\s+này\b"
)


# Where a self-reference can end, and where it can start: scanning for these literals and trying the full
# pattern only around them is ten times faster than running the full pattern at every position of the text.
_SELF_END = re.compile(r"này|kèm\s+theo")
_SELF_START = re.compile(rf"Phụ\s+lục|điểm\s|khoản\s|Điều\s|{_OWN_TYPE}")
_SELF_REACH = 120  # characters from the start of a self-reference to its end, at most


def _self_matches(text: str, start: int, end: int) -> list[re.Match[str]]:
    """`_SELF_REF` matches in text[start:end], left to right, not overlapping: for each place one can end,
    the leftmost start nearby whose match ends there."""
    out: list[re.Match[str]] = []
    for hit in _SELF_END.finditer(text, start, end):
        lo = max(start, hit.start() - _SELF_REACH, out[-1].end() if out else start)
        for cand in _SELF_START.finditer(text, lo, hit.start()):
            m = _SELF_REF.match(text, cand.start(), end)
            if m and m.end() == hit.end():
                out.append(m)
                break
    return out


@dataclass
class SelfFound:
    """A self-reference found in a text, before its target is resolved against the document's provisions."""

    start: int
    end: int
    quote: str  # the sentence it stands in
    annex: str | None = None  # "" for "Phụ lục" without a number, else its number as written ("I")
    article: str | None = None
    clause: str | None = None
    point: str | None = None


def find_self(text: str, start: int, end: int, own_type: str | None) -> list[SelfFound]:
    """Self-references in text[start:end]: "<type> này" counts only when <type> is the document's own type
    (or "Văn bản"), so "Đề án này" in a decision approving a Đề án points at the scheme, not the decision."""
    own = squash(own_type or "")
    out: list[SelfFound] = []
    for m in _self_matches(text, start, end):
        written = m["annex_type"] or m["type"]
        if written and squash(written) not in (own, "Văn bản"):
            continue
        s_start, s_end = _sentence(text, m.start(), start, end)
        out.append(SelfFound(m.start(), m.end(), squash(text[s_start:s_end]),
                             annex=(m["annex_no"] or "") if m["annex"] else None,
                             article=m["article"], clause=m["clause"], point=m["point"]))
    return out


@dataclass
class Found:
    """A reference found in a text, before it is classified."""

    start: int
    end: int
    number: DocNumber | None
    title: str | None
    type: str | None
    date: str | None
    issuer: str | None
    year: int | None = None  # a year the text gives without a full date ("Hiến pháp … năm 1992")
    pinpoint: str | None = None  # the provision it names: "khoản 2 Điều 18 của …" -> "dieu_18/khoan_2"


def find_refs(text: str, offset: int = 0) -> list[Found]:
    """Every numbered document and every law by name in `text`, in order; spans are absolute (offset added)."""
    found: list[Found] = []
    laws = list(LAW_RE.finditer(text))
    for m in laws:
        title = squash(m["title"])
        tail = text[m.end(): m.end() + 120]
        number = None
        nm = re.match(r"\s+số\s+(\d+/\d{4}/QH\d+)", tail)
        if nm:
            number = DocNumber.parse(nm[1])
            tail = tail[nm.end():]
        date = _date_of(_DATE_AFTER.match(tail))
        ym = None if date else _LAW_YEAR.match(tail)
        found.append(Found(offset + m.start(), offset + m.end(), number, _law_title(title), "Luật", date, "Quốc hội",
                           int(ym[1]) if ym else None))
    if "Hiến" in text:
        for m in CONSTITUTION_RE.finditer(text):
            found.append(Found(offset + m.start(), offset + m.end(), None, CONSTITUTION, "Hiến pháp", None, "Quốc hội",
                               int(m["year"]) if m["year"] else None))
    named = {f.number: [] for f in found if f.number}  # numbers of laws found by name -> where they were named
    for f in found:
        if f.number:
            named[f.number].append(f)
    for number, s, e in find_numbers(text):
        if any(f.start - offset <= s < f.end - offset + 40 for f in named.get(number, ())):
            continue  # the number of a law already found by name
        before = text[max(0, s - 30): s]
        tm = _TYPE_WORD.search(before)
        type_name = _type_name(tm[1]) if tm else number.type_name
        start = s - (len(before) - tm.start()) if tm else s
        after = text[e: e + 200]
        dm = _DATE_AFTER.match(after)
        date = _date_of(dm)
        issuer = None
        rest = after[dm.end():] if dm else after
        im = _ISSUER_AFTER.match(" " + squash(rest[:160]))
        if im and im["who"].strip():
            issuer = _clean_issuer(squash(im["who"]))
        if type_name == "Luật" and number.issuer.startswith("QH"):
            issuer = issuer or "Quốc hội"
        found.append(Found(offset + start, offset + e, number, None, type_name, date, issuer))
    for f in found:
        f.pinpoint = pinpoint_before(text, f.start - offset)
    found.sort(key=lambda f: f.start)
    return found


# "điểm a khoản 1 Điều 2 của" just before a reference: the provision of the cited document it names
_PINPOINT = re.compile(
    r"(?:điểm\s+(?P<point>[a-zđ])\s+)?(?:khoản\s+(?P<clause>\d{1,3})\s+)?Điều\s+(?P<article>\d{1,3}[a-z]?)"
    r"\s+(?:của\s+)?$", re.IGNORECASE)


def pinpoint_before(text: str, pos: int) -> str | None:
    """The provision id ("dieu_18/khoan_2/diem_a") a pinpoint right before `pos` names, else None."""
    m = _PINPOINT.search(text, max(0, pos - 60), pos)
    if not m:
        return None
    parts = [f"dieu_{slug_number(m['article'])}"]
    parts += [f"{kind}_{slug_number(m[g])}" for kind, g in (("khoan", "clause"), ("diem", "point")) if m[g]]
    return "/".join(parts)


def _date_of(m: re.Match[str] | None) -> str | None:
    """The ISO date of a `_DATE_AFTER` match, written either way."""
    return (iso(m[1], m[2], m[3]) if m[1] else iso(m[4], m[5], m[6])) if m else None


def _law_title(title: str) -> str:
    title = re.sub(r"^(Bộ\s+)?luật\b", lambda m: (m[1] or "") + "Luật", title)
    return title[0].upper() + title[1:]


def _type_name(word: str) -> str:
    """The type's name as the registry writes it: "nghị định" -> "Nghị định", "văn bản" (a letter) -> "Công văn"."""
    w = squash(word)
    w = w[0].upper() + w[1:]
    return w if w in TYPE_NAMES else TYPE_CODES[TYPE_BY_NAME[fold(w)]][0]


def _clean_issuer(who: str) -> str | None:
    who = re.sub(r"\s+(về|ban hành|quy định|phê duyệt|hướng dẫn|sửa đổi|thực hiện)\b.*$", "", who).strip(" ,;.-")
    if not who or who[0].islower():
        return None
    return re.sub(r"\s+khoá\b", " khóa", who)


def preamble_refs(text: str, start: int, end: int) -> list[Ref]:
    """Legal bases and nested citations of the preamble text[start:end]."""
    refs: list[Ref] = []
    statements = _statements(text, start, end)
    has_can_cu = any(kind == "Căn cứ" for kind, _, _ in statements)
    for kind, s, e in statements:
        line = text[s:e]
        found = find_refs(line, s)
        basis_stmt = kind == "Căn cứ" or (kind == "Thực hiện" and not has_can_cu and _starts_with_ref(line, found, s))
        whole = quote(text, s, e)
        seg_bounds = _segments(line, s)
        seg_starts = [b[0] for b in seg_bounds]
        last_seg, prev_end, pending = -1, 0, []  # one pass in text order: no work grows with refs x refs
        for f in found:
            i = bisect_right(seg_starts, f.start) - 1
            seg = seg_bounds[i] if i >= 0 and f.start < seg_bounds[i][1] else (s, e)
            first_in_seg, last_seg = i != last_seg, i
            prev_end = max([prev_end, *(x for x in pending if x <= f.start)])
            pending = [x for x in pending if x > f.start] + [f.end]
            between = text[max(seg[0], prev_end): f.start]
            principal = basis_stmt and (first_in_seg or bool(_AMENDED_BY.search(between)))
            here = whole if whole is not None else quote(text, *seg, around=(f.start, f.end))
            refs.append(_to_ref(f, here, "based_on" if principal else "cites", nested=basis_stmt and not principal))
        refs += stated_relations(text, found, whole if whole is not None else quote(text, s, e, around=(s, s)))
    return refs


QUOTE_MAX = 2000  # characters: a quote is its sentence or Căn cứ line, cut around the reference when longer


def quote(text: str, start: int, end: int, around: tuple[int, int] | None = None) -> str | None:
    """text[start:end] with white space squashed, as the quote of a reference; when longer than QUOTE_MAX, the
    window of QUOTE_MAX characters `around` the reference (None without one), so memory stays linear in the text."""
    if end - start <= QUOTE_MAX:
        return squash(text[start:end])
    if around is None:
        return None
    lo = max(start, min(around[0] - QUOTE_MAX // 2, end - QUOTE_MAX))
    return "… " + squash(text[lo: lo + QUOTE_MAX]) + " …"


def body_refs(text: str, start: int, end: int, provision_of) -> list[Ref]:
    """Citations in text[start:end]; the relation comes from the sentence's wording when it speaks of itself."""
    refs: list[Ref] = []
    found = find_refs(text[start:end], start)
    by_sentence: dict[tuple[int, int], list[Found]] = {}
    for f in found:
        by_sentence.setdefault(_sentence(text, f.start, start, end), []).append(f)
    for (s_start, s_end), group in by_sentence.items():
        if len(group) > 1:
            said = quote(text, s_start, s_end, around=(group[0].start, group[0].end))
            refs += stated_relations(text, group, said, provision_of(group[0].start))
    acting: dict[tuple[int, int], str | None] = {}
    for f in found:
        s_start, s_end = _sentence(text, f.start, start, end)
        if (s_start, s_end) not in acting:
            acting[s_start, s_end] = _acting(text[s_start:s_end])
        relation = _relation(text, f, s_end, acting[s_start, s_end])
        prov = provision_of(f.start)
        refs.append(_to_ref(f, quote(text, s_start, s_end, around=(f.start, f.end)), relation, provision=prov))
    return refs


_BETWEEN = re.compile(  # wording between two references that says how the first relates to the second
    r"(?P<passive>được\s+sửa\s+đổi,?\s+bổ\s+sung(?:\s+một\s+số\s+điều)?\s+(?:bởi|tại|theo))|"
    + "|".join(f"(?P<{k.code}>{k.between})" for k in RELATION_KINDS if k.between),  # cancu.registry, `between`
    re.IGNORECASE,
)


# what stands between the items of a list of documents: ",", "và", "and the amendment 'tại'/'bởi'"
_LIST_SEPARATOR = re.compile(r"\s*(?:,|,?\s+và)\s*(?:(?:bởi|tại|theo)\s+)?", re.IGNORECASE)
_NOT_ACTING = {t.vi for t in DOC_TYPES if not t.acts}  # a letter or report names what it speaks of


def stated_relations(text: str, found: list[Found], quote: str, provision: str | None = None) -> list[Ref]:
    """Relations the text states between two other documents ("Nghị định số 88/2025/NĐ-CP … quy định chi tiết
    … Nghị quyết số 193/2025/QH15"): the last signal between two consecutive references decides, and the
    passive "A được sửa đổi, bổ sung bởi B" turns it round (B amends A)."""
    out: list[Ref] = []
    amended: Found | None = None  # "A được sửa đổi, bổ sung bởi B, C và D": each of B, C, D amends A
    for a, b in zip(found, found[1:]):
        between = text[a.end:b.start]
        if len(between) > 250 or ";" in between:
            amended = None
            continue
        signals = list(_BETWEEN.finditer(between))
        if not signals:
            if amended is not None and _LIST_SEPARATOR.fullmatch(between):
                ref = _to_ref(amended, quote, "amends", provision=provision)
                ref.via_start = b.start
                out.append(ref)
            else:
                amended = None
            continue
        kind = signals[-1].lastgroup
        amended = a if kind == "passive" else None
        subject, target = (b, a) if kind == "passive" else (a, b)
        if subject.type in _NOT_ACTING or (subject.number and subject.number == target.number):
            continue  # a letter "về Chương trình … thực hiện Nghị quyết …" names its subject; it does not act
        ref = _to_ref(target, quote, "amends" if kind == "passive" else kind, provision=provision)
        ref.via_start = subject.start
        out.append(ref)
    return out


def _relation(text: str, f: Found, s_end: int, acting: str | None) -> str:
    """'cites' unless the sentence says this document acts on the reference (`acting`: `_acting` of it)."""
    if acting is None:
        return "cites"
    ceases = _CEASES.match(text, f.end, s_end)
    if ceases:
        return "replaces" if "thay thế" in ceases[1] else "repeals"
    return acting


def _acting(sentence: str) -> str | None:
    """How a sentence that speaks of this document ("<type> này") acts on what it cites: None when it does not
    speak of itself, 'cites' when it names no act. Once per sentence, not once per reference in it."""
    if not _SELF.search(sentence):
        return None
    return next((name for name, rx in _ACTIVE_RE if rx.search(sentence)), "cites")


def _to_ref(f: Found, quote: str, relation: str, nested: bool = False, provision: str | None = None) -> Ref:
    year = f.number.year if f.number and f.number.year else (int(f.date[:4]) if f.date else f.year)
    return Ref(text=quote, relation=relation, number=str(f.number) if f.number else None, type=f.type,
               issuer=f.issuer, date=f.date, year=year, title=f.title, provision=provision,
               start=f.start, end=f.end, nested=nested, pinpoint=f.pinpoint)


_STATEMENT = re.compile(r"^[ \t]*(Căn cứ|Thực hiện|Theo đề nghị|Xét đề nghị|Trên cơ sở|Theo|Xét|\[\.\.\.\])", re.MULTILINE)


def _statements(text: str, start: int, end: int) -> list[tuple[str, int, int]]:
    """Preamble statements; a PDF line that does not open a new statement continues the previous one."""
    marks = [(m[1], start + m.start(1)) for m in _STATEMENT.finditer(text[start:end])]
    return [(kind, s, e) for (kind, s), (_, e) in zip(marks, [*marks[1:], ("", end)])]


_SEGMENT_MARK = re.compile(r"[();]")


def _segments(line: str, offset: int) -> list[tuple[int, int]]:
    """Split a statement at top-level ';' (not inside parentheses)."""
    bounds, depth, last = [], 0, 0
    if ";" in line:  # only the parentheses and semicolons matter: visit those, not every character
        for m in _SEGMENT_MARK.finditer(line):
            ch, i = m.group(), m.start()
            depth += ch == "("
            depth -= ch == ")" and depth > 0
            if ch == ";" and depth == 0:
                bounds.append((offset + last, offset + i))
                last = i + 1
    bounds.append((offset + last, offset + len(line)))
    return bounds


def _starts_with_ref(line: str, found: list[Found], offset: int) -> bool:
    return bool(found) and found[0].start - offset <= len("Thực hiện ") + 1


# Where a sentence, table cell or list line ends: '. ', '.\n', a blank line, ' | '. Each match takes one
# character and looks at the rest, so overlapping ends ("\n\n\n") are all seen.
_BREAK = re.compile(r"\.(?=[ \n])|\n(?=\n)| (?=\| )")


@lru_cache(maxsize=4)
def _breaks(text: str) -> tuple[list[int], list[int]]:
    """Starts and ends of every sentence end in `text`, by start: found once per text, not once per reference
    (a scan to the next ' | ' ran to the end of a text without tables, for every reference in it)."""
    starts = [m.start() for m in _BREAK.finditer(text)]
    return starts, [s + (3 if text[s] == " " else 2) for s in starts]


def _sentence(text: str, pos: int, lo: int, hi: int) -> tuple[int, int]:
    """The sentence (or table row / list line) around `pos`, bounded by lo/hi: from just after the last end
    that lies whole in [lo, pos) to the first end that lies whole in [pos, hi)."""
    starts, ends = _breaks(text)
    left = lo
    i = bisect_right(starts, pos) - 1
    while i >= 0 and starts[i] >= lo:
        if ends[i] <= pos:
            left = starts[i] + 2
            break
        i -= 1
    right = hi
    i = bisect_left(starts, pos)
    while i < len(starts) and starts[i] < hi:
        if ends[i] <= hi:
            right = starts[i] + 1
            break
        i += 1
    return left, right


def date_before(text: str, pos: int, lo: int) -> str | None:
    """A date written earlier in the same sentence ("Ngày 03/6/2020, … ban hành Quyết định số 749/QĐ-TTg")."""
    s, _ = _sentence(text, pos, lo, pos)
    window = text[s:pos]
    m = max([*LONG_DATE.finditer(window), *SHORT_DATE.finditer(window)], key=lambda m: m.start(), default=None)
    return iso(m[1], m[2], m[3]) if m else None


__all__ = ["find_refs", "find_self", "preamble_refs", "body_refs", "date_before", "TYPE_CODES"]
