"""Header fields: from the site's metadata block when a page copy has one, else from the document itself.

A document as issued has no metadata block: then every field comes from the letterhead, the
"Số:" line, the place-and-date line, the type line and title, the preamble and the signature block.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from dataclasses import field as dc_field
from itertools import accumulate
from typing import Callable

from cancu.numbers import ADOPTED_TYPES, JOINT_TYPES, LAW_TYPES, TYPE_NAMES, DocNumber, find_numbers
from cancu.text import fold, squash
from ingest.dates import LONG_DATE, iso, parse_short
from ingest.models import Heading, Signer

MISSING = "[...]"
_META_KEYS = {
    "Số hiệu": "number",
    "Ngày ban hành": "date_issued",
    "Ngày có hiệu lực": "date_in_force",
    "Loại văn bản": "type",
    "Cơ quan ban hành": "issuer",
    "Người ký": "signer",
    "Lĩnh vực": "field",
}
_META_LINE = re.compile(rf"^({'|'.join(_META_KEYS)})[ \t]+(.+?)[ \t]*$", re.MULTILINE)
_PAGE_DATE = re.compile(r"^Thứ \w+, Ngày \d{1,2}/\d{1,2}/\d{4}\s*$")
# "Số: 158/2025/NĐ-CP", and with the type before it: "Luật số: 41/2024/QH15", "Nghị quyết số: 78/2025/UBTVQH15"
NUMBER_LINE = re.compile(
    rf"^[ \t]*(?:[^\n|]*\|\s*)?(?:Số\s*:?|(?:{'|'.join(TYPE_NAMES)})[ \t]+số[ \t]*:)[ \t]+(?P<rest>[^\n|]+)", re.MULTILINE
)
HEAD = 6000  # the letterhead block stands in the first pages, sometimes printed after the preamble (GUIDE §8)
_PLACE_DATE = re.compile(
    r"^[ \t]*(?:[^\n|]*\|\s*)?(?P<place>[A-ZĐÀ-Ỹ][^\n,|]{1,40}),\s*" + LONG_DATE.pattern, re.MULTILINE | re.IGNORECASE
)
# The type line over the title; a consolidated text keeps the footnote mark of its first note ("NGHỊ ĐỊNH1")
_TYPE_LINE = re.compile(
    rf"^[ \t]*({'|'.join(w.upper() for w in TYPE_NAMES)})\d{{0,2}}(?:[ \t]+(?P<same_line>[A-ZĐÀ-Ỹ][A-ZĐÀ-Ỹ ,-]+?))?[ \t]*$",
    re.MULTILINE,
)
# Laws and National Assembly resolutions are dated by their adoption: "Luật này đã được Quốc hội … thông qua ngày …"
_ADOPTED = re.compile(
    rf"(?:{'|'.join(TYPE_NAMES)})\s+này\s+(?:đã\s+)?được\s+(?:Quốc\s+hội|Ủy\s+ban\s+[Tt]hường\s+vụ\s+Quốc\s+hội)"
    r"[^.;]{0,300}?thông\s+qua\s+" + LONG_DATE.pattern, re.IGNORECASE
)
# A consolidated text authenticates itself at its end: "BỘ TÀI CHÍNH / Số: 06/VBHN-BTC / XÁC THỰC VĂN BẢN HỢP NHẤT"
_AUTHENTICATION = re.compile(r"^\s*XÁC\s+THỰC\s+VĂN\s+BẢN\s+HỢP\s+NHẤT\s*$", re.MULTILINE)
CONSOLIDATED = "Văn bản hợp nhất"
# A text the gazette continues from an earlier issue opens with a banner naming it instead of its header: the issuer,
# "<Type> số <number> ngày <date>" and the title (on that line or the next), then "(Tiếp theo Công báo số 201 + 202)".
# "BỘ TÀI CHÍNH" / "Thông tư số 102/2018/TT-BTC ngày 14 tháng 11 năm 2018" / "hướng dẫn kế toán Bảo hiểm xã hội";
# a law: "Luật số 91/2015/QH13 ngày 24 tháng 11 năm 2015 Bộ luật dân sự", a heading where the text resumes after it.
CONTINUED_FROM = re.compile(r"^[ \t]*\(Tiếp[ \t]+theo[ \t]+Công[ \t]+báo[ \t]+số[ \t]+(?P<issue>\d[\d \t+]*?)[ \t]*\)", re.MULTILINE)
_BANNER_HEAD = 1500  # the banner and its mark stand in the first lines
_NAMED = re.compile(rf"^[ \t]*(?P<type>{'|'.join(TYPE_NAMES)})(?P<name>(?:[ \t]+[^\W\d]\S*){{0,12}}?)[ \t]+số[ \t]*:?[ \t]*(?=\d)", re.MULTILINE)
_DATE_NEXT = re.compile(r"[ \t]*\n?[ \t]*" + LONG_DATE.pattern, re.IGNORECASE)
_RESUMES = re.compile(r"^(?:Phần|PHẦN|Chương|CHƯƠNG|Mục|MỤC|Điều[ \t]+\d|Phụ lục|PHỤ LỤC)\b")
_LAW_TITLE = re.compile(r"^(Bộ luật|Luật)[ \t]+(\S.*)$", re.IGNORECASE)
# A place-date line whose day and month were left blank in print ("Hà Nội, ngày       tháng      năm 2026"): the year only
_YEAR_ONLY = re.compile(r"^[ \t]*[A-ZĐÀ-Ỹ][^\n,|]{1,40},[ \t]*ngày[ \t.…]*tháng[ \t.…]*năm[ \t]+(?P<year>(?:19|20)\d\d)\b",
                        re.MULTILINE | re.IGNORECASE)
_VV_LINE = re.compile(r"^\s*V/v[ \t]+(?P<title>.+)$", re.MULTILINE)
_NATIONAL = re.compile(r"CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM|CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM")
_PREAMBLE_START = re.compile(r"^[ \t]*(Căn cứ|Thực hiện|Theo đề nghị|Xét đề nghị)\b", re.MULTILINE)
_PROPOSER = re.compile(r"^(?:\[\.\.\.\]\s*|Theo\s+|Xét\s+)đề nghị của\s+(?P<who>.+?)(?:\s+tại\s|[;,.]?\s*$)", re.MULTILINE | re.DOTALL)
_IN_FORCE_SIGNING = re.compile(r"có hiệu lực(?: thi hành)?(?: kể)? từ ngày ký(?: ban hành)?", re.IGNORECASE)
_IN_FORCE_DATE = re.compile(r"này có hiệu lực(?: thi hành)?(?: kể)? từ ngày\s+" + LONG_DATE.pattern[len("ngày\\s+"):], re.IGNORECASE)
_MODE = re.compile(r"^(?:[^\n|]*\|\s*)?(TM|T/M|KT|Q|TL|TUQ)\.?\s+(.+?)\s*$")
_ROLE = re.compile(
    r"^(?:PHÓ )?(?:THỦ TƯỚNG|BỘ TRƯỞNG(?:, CHỦ NHIỆM)?|THỨ TRƯỞNG|BÍ THƯ|CHỦ TỊCH|CHỦ NHIỆM|CỤC TRƯỞNG|"
    r"VỤ TRƯỞNG|CHÁNH VĂN PHÒNG|TỔNG BÍ THƯ|THỐNG ĐỐC|TỔNG CỤC TRƯỞNG|GIÁM ĐỐC|TRƯỞNG BAN)$"
)
_SIGNATURE_FIRST = frozenset("TKQ" + "PTBCVG")  # what a line without '|' that `_MODE` or `_ROLE` matches starts with
_SIGNED_MARK = re.compile(r"^\(?\[?(?:đã ký|Đã ký|ĐÃ KÝ)\]?\)?$")


@dataclass
class Header(Heading):
    year: int | None = None
    year_only: int | None = None  # the year of a place-date line printed with day and month left blank
    body_start: int = 0  # where the document itself starts (after a site metadata block)
    meta: dict[str, str] = dc_field(default_factory=dict)


def _first_number(*written: str | None) -> DocNumber | None:
    """The first of `written` that reads as a document number: a site block's number field damaged in a copy
    ("71NQ-CP") gives way to the document's own number line instead of failing the parse (found by fuzzing)."""
    for text in written:
        if text:
            try:
                return DocNumber.parse(text)
            except ValueError:
                continue
    return None


def parse_header(text: str, issuer_name: "IssuerNamer") -> Header:
    """Read every header field; metadata-block values win where both exist (they were curated by the site)."""
    meta, site_title, body_start = _site_block(text)
    body = text[body_start:]
    own = _from_document(body, body_start, issuer_name)
    h = replace(own, body_start=body_start, meta=meta)  # the document's own reading, where the site block is silent
    h.type = meta.get("type") or own.type
    h.issuer = meta.get("issuer") or own.issuer
    h.signer = meta.get("signer") or own.signer
    h.date_issued = parse_short(meta.get("date_issued", "")) or own.date_issued
    h.date_in_force = parse_short(meta.get("date_in_force", "")) or own.date_in_force
    h.field = meta.get("field")
    number = _first_number(meta.get("number"), own.number)
    h.number = str(number) if number else None
    if number:
        if not h.type:
            h.type = number.type_name
        if not h.issuer:
            h.issuer = issuer_name(number.issuer)
        if number.type_code in JOINT_TYPES:  # every body after the type code issued it: "TTLT-VKSNDTC-TANDTC-BCA"
            h.co_issuers = [issuer_name(code) or code for code in number.units]
    h.issuer = _with_term(h.issuer, text[:4000])
    h.year = _year(h, site_title)
    if h.date_issued and not h.date_in_force and _IN_FORCE_SIGNING.search(body):
        h.date_in_force = h.date_issued
    if not h.title and site_title:
        h.title = site_title
    return h


def _with_term(issuer: str | None, head: str) -> str | None:
    """The Party Central Committee is one body per term: 'Ban Chấp hành Trung ương Đảng (khóa XI)'."""
    if issuer != "Ban Chấp hành Trung ương Đảng":
        return issuer
    m = re.search(r"Ban Chấp hành Trung ương(?: Đảng)?\s+kho[áa]\s+([IVXL]+)\b", head, re.IGNORECASE)
    return f"{issuer} (khóa {m[1].upper()})" if m else issuer


def _site_block(text: str) -> tuple[dict[str, str], str | None, int]:
    """The 'Số hiệu … Lĩnh vực' block of a page copy, the site's title line before it, and where the body starts."""
    head = text[:4000]
    lines = list(_META_LINE.finditer(head))
    if len(lines) < 3 or lines[0].group(1) != "Số hiệu":
        return {}, None, 0
    meta = {_META_KEYS[m[1]]: m[2] for m in lines if m[2].strip() != MISSING}
    before = [ln for ln in head[: lines[0].start()].splitlines() if ln.strip() and not _PAGE_DATE.match(ln.strip())]
    return meta, (before[-1].strip() if before else None), lines[-1].end()


class IssuerNamer:
    """Maps a number's issuer code or an upper-case letterhead line to the body's proper name."""

    def __init__(self, by_code: dict[str, str], by_fold: dict[str, str]):
        self._by_code = {fold(k): v for k, v in by_code.items()}
        self._by_fold = by_fold

    def __call__(self, code: str) -> str | None:
        return self._by_code.get(fold(code))

    def known_prefix(self, text: str) -> str | None:
        """The longest known body name that `text` starts with ('Bộ Chính trị và Chương trình' -> 'Bộ Chính trị')."""
        words = text.split()
        for n in range(len(words), 0, -1):
            name = self._by_fold.get(fold(" ".join(words[:n])))
            if name:
                return " ".join(words[:n]) if fold(" ".join(words[:n])) == fold(name) else name
        return None

    def letterhead(self, lines: list[str]) -> str | None:
        """The body named by the letterhead's last lines ('BỘ THÔNG TIN VÀ' + 'TRUYỀN THÔNG').

        The issuing body is written last, under its superior ('BAN CHẤP HÀNH TRUNG ƯƠNG' / 'ĐẢNG ĐOÀN QUỐC HỘI').
        """
        for i in range(len(lines)):
            name = self._by_fold.get(fold(" ".join(lines[i:])))
            if name:
                return name
        spans = (self._by_fold.get(fold(" ".join(lines[i:j]))) for i in range(len(lines)) for j in range(len(lines), i, -1))
        best = max(filter(None, spans), key=len, default=None)  # the first of the longest names
        if best:
            return best
        joined = " ".join(lines)
        m = re.match(r"(ỦY BAN NHÂN DÂN|UBND|HỘI ĐỒNG NHÂN DÂN)\s+(TỈNH|THÀNH PHỐ)\s+(.+)", joined)
        if m:
            body = "Ủy ban nhân dân" if m[1] != "HỘI ĐỒNG NHÂN DÂN" else "Hội đồng nhân dân"
            return f"{body} {m[2].lower()} {m[3].title()}"
        return None


def _from_document(body: str, offset: int, issuer_name: IssuerNamer) -> Header:
    """Header fields read from the document itself (letterhead, Số line, date line, title, signature)."""
    mark = CONTINUED_FROM.search(body, 0, _BANNER_HEAD)
    if mark:  # its banner names it; what stands after the mark (a form's "Số:" line) is no header of it
        own = _banner(body[:mark.start()], issuer_name)
        own.continued_from = squash(mark["issue"])
        if own.number:
            m = _IN_FORCE_DATE.search(body)
            own.date_in_force = iso(m[1], m[2], m[3]) if m else None
            own.signature = find_signature(body, offset)
            own.signer = own.signature.name if own.signature else None
        return own
    own = Header()
    num_m = NUMBER_LINE.search(body[:HEAD])
    if num_m:
        # a long number wraps: "01/2022/TTLT-VKSNDTC-TANDTC-" / "BCA-BQP-BLĐTBXH"
        hit = next(find_numbers(body[num_m.start("rest"): num_m.end("rest") + 80]), None)
        if hit:
            own.number = str(hit[0])
    pd = _PLACE_DATE.search(body, num_m.end(), num_m.end() + 600) if num_m else None
    pd = pd or _PLACE_DATE.search(body[:HEAD])
    if pd:
        own.place = pd["place"].strip()
        own.date_issued = iso(pd[2], pd[3], pd[4])
    else:
        blank = _YEAR_ONLY.search(body, num_m.end(), num_m.end() + 600) if num_m else None
        own.year_only = int(blank["year"]) if blank else None
    consolidated = _authentication(body, offset, issuer_name)
    nat = _NATIONAL.search(body[:HEAD])
    cut = min(x for x in (nat.start() if nat else None, num_m.start() if num_m else None, 3000) if x is not None)
    letter_lines = [
        ln.split("|")[0].strip() for ln in body[:cut].splitlines()
        if ln.strip() and not re.fullmatch(r"[-–_\s]+|\[\.\.\.\]", ln.strip()) and "ĐẢNG CỘNG SẢN" not in ln
    ][-4:]  # the body's name closes the letterhead; earlier lines may be a preamble printed before it
    own.issuer = issuer_name.letterhead(letter_lines)
    type_m = _TYPE_LINE.search(body[:HEAD])
    vv = _VV_LINE.search(body[:3000])
    if type_m:
        own.type = next(w for w in TYPE_NAMES if w.upper() == type_m[1].strip())
        own.title = squash(f"{type_m['same_line']} {_title_after(body, type_m.end()) or ''}") if type_m["same_line"] \
            else _title_after(body, type_m.end())
    elif vv:
        own.type, own.title = "Công văn", squash(vv["title"])
    pre = _PREAMBLE_START.search(body)
    prop = _PROPOSER.search(body, pre.start() if pre else 0)
    if prop and prop.start() < len(body) // 2 + 2000:
        who = squash(prop["who"])
        own.proposed_by = re.sub(r"[;,.]$", "", who).strip()
    m = _IN_FORCE_DATE.search(body)
    if m:
        own.date_in_force = iso(m[1], m[2], m[3])
    own.signature = find_signature(body, offset)
    if not own.date_issued and own.type in ADOPTED_TYPES:
        adopted = _adoption(body)
        if adopted:
            own.date_issued = iso(adopted[1], adopted[2], adopted[3])
    if consolidated:
        if own.type and own.title:  # the title of what it consolidates: "Nghị định quy định chi tiết …"
            sentence_case = not own.title.isupper()
            own.title = f"{own.type} {own.title[:1].lower() if sentence_case else own.title[:1]}{own.title[1:]}"
        own.number, own.date_issued, own.place, own.issuer, own.signature = consolidated
        own.type, own.date_in_force = CONSOLIDATED, None
    own.signer = own.signature.name if own.signature else None
    return own


def _banner(head: str, issuer_name: IssuerNamer) -> Header:
    """Number, type, date, title and issuer of a continued text from the banner before its "(Tiếp theo …)" mark;
    an empty Header when no line there names a document by its number."""
    named = _NAMED.search(head)
    hit = next(find_numbers(head[named.end():]), None) if named else None
    if not named or not hit or hit[1] != 0:
        return Header()
    own = Header(number=str(hit[0]), type=named["type"])
    pos = named.end() + hit[2]
    date = _DATE_NEXT.match(head, pos)
    if date:
        own.date_issued, pos = iso(date[1], date[2], date[3]), date.end()
    title = squash(f"{named['name']} {_banner_title(head[pos:])}")
    law = _LAW_TITLE.match(title) if own.type in LAW_TYPES else None
    if law:  # "Luật số 91/2015/QH13 … Bộ luật dân sự": the title names the law's kind
        own.type = next(t for t in TYPE_NAMES if fold(t) == fold(law[1]))
        title = law[2]
    own.title = title[:1].upper() + title[1:] if title else None  # mid-sentence in the banner: "hướng dẫn …"
    lines = [ln.strip() for ln in head[:named.start()].splitlines() if ln.strip()]
    own.issuer = issuer_name.letterhead(lines[-3:]) if lines else None
    return own


def _banner_title(rest: str) -> str:
    """The title after the banner's number and date: up to a blank line or a heading where the text resumes."""
    return _paragraph(rest, lambda s, para: bool(_RESUMES.match(s))).rstrip(" ;,.")


def _adoption(body: str) -> re.Match[str] | None:
    """The last closing formula "… thông qua ngày …": the pattern is tried only just before each "thông qua"."""
    found, pos = None, body.find("thông qua")
    while pos >= 0:
        found = _ADOPTED.search(body, max(0, pos - 400), pos + 60) or found
        pos = body.find("thông qua", pos + 1)
    return found


def _last(rx: re.Pattern[str], text: str) -> re.Match[str] | None:
    """The last match of `rx` in `text` (a closing formula stands at the end)."""
    found = None
    for found in rx.finditer(text):
        pass
    return found


def _authentication(body: str, offset: int, issuer_name: IssuerNamer
                    ) -> tuple[str, str | None, str | None, str | None, Signer | None] | None:
    """A consolidated text's own number, date, place, issuer and signer, from its closing authentication block:
    the issuer and "Số: N/VBHN-…" stand just before "XÁC THỰC VĂN BẢN HỢP NHẤT", the place-date line and the
    signature after it. None when the text has no such block or no VBHN number in it."""
    mark = _last(_AUTHENTICATION, body) if "XÁC" in body else None
    if not mark:
        return None
    lo = max(0, mark.start() - 600)
    numbers = list(NUMBER_LINE.finditer(body, lo, min(len(body), mark.end() + 300)))
    hits = [h for m in numbers for h in find_numbers(m["rest"]) if h[0].type_code == "VBHN"]
    if not hits:
        return None
    number = hits[-1][0]
    num_line = next(m for m in numbers if any(h[0] == number for h in find_numbers(m["rest"])))
    after = body[mark.end(): mark.end() + 600]
    pd = _PLACE_DATE.search(after)
    before = [ln.strip() for ln in body[max(0, num_line.start() - 200): num_line.start()].splitlines() if ln.strip()]
    issuer = issuer_name(number.issuer) or issuer_name.letterhead(before[-2:])
    signature = find_signature(after, offset + mark.end())
    return (str(number), iso(pd[2], pd[3], pd[4]) if pd else None, pd["place"].strip() if pd else None,
            issuer, signature)


def _title_after(body: str, pos: int) -> str | None:
    """The paragraph after the type line (the title), joined across PDF line breaks."""
    return _paragraph(body[pos:], lambda s, para: bool(_PREAMBLE_START.match(s))
                      or bool(para and s.isupper() and not para[-1].isupper())) or None


def _paragraph(rest: str, ends: Callable[[str, list[str]], bool]) -> str:
    """The first paragraph of `rest`, its lines joined: up to a blank line, or a line that `ends` it (given the
    lines before it)."""
    para: list[str] = []
    for line in rest.splitlines():
        s = line.strip()
        if not s:
            if para:
                break
            continue
        if ends(s, para):
            break
        para.append(s)
    return squash(" ".join(para))


def find_signature(body: str, offset: int = 0) -> Signer | None:
    """The first signature block: mode lines (TM./KT./Q./TL.), the role line, an optional '[đã ký]', the name."""
    lines = body.splitlines(keepends=True)
    starts = [0, *accumulate(map(len, lines))]
    for i, raw in enumerate(lines):
        s = raw.strip()
        if not s or ("|" not in s and s[0] not in _SIGNATURE_FIRST):
            continue  # most lines: neither a mode line nor a role line can start so
        if not (_MODE.match(s) or _ROLE.match(s.split("|")[-1].strip())):
            continue
        modes: list[tuple[str, str]] = []
        role: str | None = None
        for j in range(i, min(len(lines), i + 8)):
            t = lines[j].strip()
            mm = _MODE.match(t)
            if mm and not role:
                modes.append((mm[1].replace("T/M", "TM") + ".", mm[2].strip()))
            elif _ROLE.match(t.split("|")[-1].strip()) and not role:
                role = t.split("|")[-1].strip()
            elif t and not _SIGNED_MARK.match(t) and (role or modes):
                if _is_name(t):
                    start = offset + starts[j] + lines[j].index(t)
                    on_behalf = " / ".join(target for _, target in modes) or None
                    mode = " ".join(m for m, _ in modes) or None
                    return Signer(name=t, role=role or (modes[-1][1] if modes else None), mode=mode,
                                  on_behalf_of=on_behalf, start=start, end=start + len(t))
                break
    return None


def _is_name(line: str) -> bool:
    words = line.split()
    return 2 <= len(words) <= 5 and all(w[0].isupper() and not w.isupper() for w in words if w.isalpha() or w[0].isalpha())


def _year(h: Header, site_title: str | None) -> int | None:
    if h.date_issued:
        return int(h.date_issued[:4])
    if h.number:
        number = DocNumber.parse(h.number)
        if number.year:
            return number.year
    if h.year_only:
        return h.year_only
    if site_title:
        m = re.search(r"\bnăm\s+((?:19|20)\d\d)\b", site_title)
        if m:
            return int(m[1])
    return None
