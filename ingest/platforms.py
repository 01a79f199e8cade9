"""Platforms named in real sentences and annex rows, and who governs, builds or runs them.

A small grammar, each rule with its provenance (provision or annex row, quote, span):

- "<agency> [chủ trì[, phối hợp với <agencies>]] <verbs> Nền tảng X" (also after "giao"): the verbs say the
  role: quản lý → governing_agency; chủ trì, xây dựng, triển khai, phát triển, nâng cấp, hoàn thiện → lead;
  vận hành, cung cấp → operating; kết nối → connecting; "phối hợp với" → coordinating;
- a point that opens "Chủ trì …" or "Là đầu mối …" under a heading "Trách nhiệm của <agency>" names its
  agency (lead, focal_unit) for the platforms it builds ("xây dựng và triển khai Nền tảng X");
- a body task whose item says "Đơn vị chủ trì: <agency>" (lead) for the platforms it builds;
- an annex row whose task or product builds a platform: its lead agencies → lead, coordinating → coordinating;
- a document whose title, "Phạm vi điều chỉnh" or an article heading ("Điều 6. Nền tảng số …") names a
  platform regulates it.

Names: "Nền tảng" with a capital (a proper name) anywhere; "nền tảng X" in lower case only inside an annex
task or product cell, where the cell is the name of the work. Plural or generic phrases ("các nền tảng số",
"nền tảng số dùng chung …") are no platforms. One key per platform (`platform_key`): abbreviations in
parentheses and line breaks do not count, and a bare name that a longer "… của <body>" name of the same
document extends is that platform; every spelling is kept as an alternative label.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from cancu.text import fold, squash
from ingest.models import AnnexRow, Document, Role
from ingest.names import resolve_agency, title_end
from ingest.structure import Innermost
from ingest.tables import split_agencies

__all__ = ["PlatformName", "find_platform_names", "platform_key", "platform_roles_in_text", "annex_platform_roles",
           "regulated_platforms", "find_platform_roles"]

# The look-behind after the first letter, not before it: a pattern that opens with a letter class lets the
# engine skip ahead to an N; one that opens with a look-behind tries every position of the text.
_HEAD = re.compile(r"([Nn])(?<![\w][Nn])ền tảng(?= )")
_GENERIC_TAILS = ("số", "số dùng chung", "số quốc gia", "kết nối", "công nghệ", "cốt lõi", "dữ liệu", "dữ liệu số",
                  "khoa học", "số hóa", "số trong nước", "pháp lý", "vững chắc", "quan trọng")
_NAME_STOPS = re.compile(r"\s+(?:cung cấp|phục vụ|bảo đảm|đảm bảo|hỗ trợ|nhằm|trên|đáp ứng|để|theo|tại|cho|gồm|"
                         r"thuộc|đã|đang|được|do|với|và các|và|hoặc)(?=\s|$).*$", re.S)
_PAREN = re.compile(r"\s*\(([^()]{1,40})\)")
_OF_BODY = re.compile(r"\s+của\s+[A-ZĐ].*$")
_VERB_ROLE = {"quản lý": "governing_agency", "chủ trì": "lead", "xây dựng": "lead", "triển khai": "lead",
              "phát triển": "lead", "nâng cấp": "lead", "hoàn thiện": "lead", "vận hành": "operating",
              "cung cấp": "operating", "kết nối": "connecting", "cung cấp dịch vụ": "connecting"}
_VERB = "(?:" + "|".join(sorted(map(re.escape, _VERB_ROLE), key=len, reverse=True)) + ")"  # longest first
_BETWEEN = re.compile(
    r"^\s*(?:có trách nhiệm\s+|chịu trách nhiệm\s+)?(?P<lead>chủ trì)?\s*,?\s*"
    r"(?:phối hợp với\s+(?P<coord>[^;:.]+?)\s*,?\s*(?=" + _VERB + r"))?"
    r"(?P<verbs>" + _VERB + r"(?:\s*(?:,|và)\s*" + _VERB + r")*)(?:\s+(?:với|vào|trên))?\s*$"
)
_BUILD_BEFORE = re.compile(r"(?:xây dựng|triển khai|phát triển|nâng cấp|hoàn thiện|vận hành)(?:\s*(?:,|và)\s*" + _VERB
                           + r")*\s*$", re.I)
_RESPONSIBLE = re.compile(r"^(?:Trách nhiệm của|Nhiệm vụ của)\s+(.+?)\s*[:.]?$")
_POINT_OPEN = re.compile(r"^\s*(?:[a-zđ]\)|\d+\.|-)?\s*(Chủ trì|Là đầu mối|Là cơ quan đầu mối|Kết nối)\b")
_OPENER_ROLE = {"Chủ trì": "lead", "Là đầu mối": "focal_unit", "Là cơ quan đầu mối": "focal_unit", "Kết nối": "connecting"}
# a line that starts something else: a numbered clause, a point, a dash item, or the next platform name
_NEW_LINE_ITEM = re.compile(r"\n[ \t]*(?:\d+[.)]|[a-zđ]\)|[-+•]|Nền tảng\b)")
_COORD_AFTER_LEAD = re.compile(r"^\s*(?:[a-zđ]\)|\d+\.|-)?\s*Chủ trì\s*,?\s*phối hợp với\s+([^;:]+?)\s*(?:triển khai|thực hiện|xây dựng)")
_LEAD_ITEM = re.compile(r"Đơn vị chủ trì\s*:\s*([^.;\n]+)")


@dataclass
class PlatformName:
    """A platform named at [start, end) of the text, with the name as written and its key."""

    written: str
    key: str
    start: int
    end: int


def platform_key(name: str) -> str:
    """The name a platform is known by: spaces collapsed, abbreviations in parentheses dropped, capital N."""
    s = _PAREN.sub("", squash(name)).strip(" ,;.")
    return s[:1].upper() + s[1:]


def _abbreviations(name: str) -> list[str]:
    return [m.group(1) for m in _PAREN.finditer(name) if m.group(1).isupper()]


def find_platform_names(text: str, start: int = 0, end: int | None = None, lower_ok: bool = False,
                        known: list[str] | None = None) -> list[PlatformName]:
    """Platforms named in text[start:end] (rules in the module docstring). A lower-case 'nền tảng …' counts
    where `lower_ok` (an annex cell; not 'nền tảng số …', a kind of platform) or where it spells a name of
    `known` (the capitalised names of the same document: 'Điều 6. Nền tảng số thi hành án dân sự' / 'vận hành
    nền tảng số thi hành án dân sự')."""
    end = len(text) if end is None else end
    if text.find("ền tảng", start, end) < 0:  # most texts name no platform: skip compiling `known`
        return []
    known_res = [re.compile(r"\s+".join(map(re.escape, k.split())), re.I) for k in known or []]
    out: list[PlatformName] = []
    for m in _HEAD.finditer(text, start, end):
        before = fold(text[max(start, m.start() - 12):m.start()]).split()
        if before and before[-1] in ("cac", "nhung", "moi"):
            continue  # plural: a kind of platform, not one
        if m.group(1) == "n":
            hit = next(filter(None, (k.match(text, m.start(), end) for k in known_res)), None)
            if hit:
                out.append(PlatformName(hit.group(), platform_key(hit.group()), m.start(), hit.end()))
                continue
            if not lower_ok or fold(text[m.end():m.end() + 4]).strip().startswith("so"):
                continue
        stop = min(title_end(text, m.end(), limit=15, loose=True), end)
        # "a) Nền tảng X\nNền tảng X và …", "Điều 6. Nền tảng X\n1. …" (the marker's '.' lies past the name's end)
        item = _NEW_LINE_ITEM.search(text, m.end(), min(end, stop + 2))
        stop = item.start() if item and item.start() < stop else stop
        written = text[m.start():stop]
        abbr = re.match(r"\s*\([A-Z]{2,12}\)", text[stop:stop + 16])
        if abbr:
            written += abbr.group()
            stop += abbr.end()
        cut = _NAME_STOPS.sub("", squash(written))
        tail = fold(cut)[len("nen tang"):].strip()
        if not tail or tail in map(fold, _GENERIC_TAILS) or tail.startswith(("so dung chung", "so cua", "so de")):
            continue
        if len(tail.split()) < 2:
            continue
        written = text[m.start():m.start() + _span_len(text, m.start(), cut)]
        out.append(PlatformName(written, platform_key(written), m.start(), m.start() + len(written)))
    return out


def _span_len(text: str, start: int, squashed: str) -> int:
    """Length in `text` from `start` of the words of `squashed` (line breaks in the text count as spaces)."""
    m = re.compile(r"\s+".join(map(re.escape, squashed.split()))).match(text, start)
    return m.end() - start if m else len(squashed)


def _merge_keys(names: list[PlatformName]) -> None:
    """A bare name that a longer '… của <body>' name in the same document extends takes that key."""
    full = {fold(_OF_BODY.sub("", n.key)): n.key for n in names if _OF_BODY.search(n.key)}
    for n in names:
        if not _OF_BODY.search(n.key) and fold(n.key) in full:
            n.key = full[fold(n.key)]


def _agency(name: str) -> tuple[str, str]:
    """(object kind, canonical name) of an agency named in a role."""
    ent = resolve_agency(name)
    if ent:
        return ent.kind, ent.name
    return ("collective" if fold(name).startswith("cac ") else "agency"), squash(name)


def _sentence_start(text: str, pos: int, floor: int) -> int:
    """Start of the clause holding `pos`: after the last '.', ';', ':' or blank line before it."""
    cut = max(text.rfind(". ", floor, pos), text.rfind(";", floor, pos), text.rfind(":", floor, pos),
              text.rfind("\n\n", floor, pos), text.rfind(".\n", floor, pos))
    return max(floor, cut + 1)


def platform_roles_in_text(doc: Document, names: list[PlatformName]) -> list[Role]:
    """Roles from sentences of the body (rules 1–3 of the module docstring)."""
    provs = {p.id: p for p in doc.provisions}
    agencies = [m for m in doc.mentions if m.kind in ("agency", "unit", "enterprise") and m.name]
    text, provision_at = doc.text, Innermost(doc.provisions)
    out: list[Role] = []
    for n in names:
        prov = provision_at(n.start)
        floor = prov.start if prov else 0
        clause_start = _sentence_start(text, n.start, floor)
        where = prov.id if prov else None
        # 1. an agency, then role verbs, then the platform
        before = [a for a in agencies if clause_start <= a.start and a.end <= n.start]
        hit = False
        if before:
            a = before[-1]
            m = _BETWEEN.match(text[a.end:n.start])
            if m:
                hit = True
                quote = squash(text[a.start:n.end])
                rels = {_VERB_ROLE[v] for v in re.findall(_VERB, m.group("verbs"))}
                if m.group("lead"):
                    rels.add("lead")
                who = ("enterprise", a.name) if a.kind == "enterprise" else _agency(a.name or a.text)
                for rel in sorted(rels):
                    out.append(_role(n, rel, *who, where, quote, a.start, n.end))
                for c in split_agencies(m.group("coord") or ""):
                    out.append(_role(n, "coordinating", *_agency(c), where, quote, a.start, n.end))
        if hit or not prov:
            continue
        builds = bool(_BUILD_BEFORE.search(text[clause_start:n.start]))
        # 2. a point "Chủ trì …" (building it) / "Là đầu mối …" / "Kết nối <platform>" under "Trách nhiệm của <agency>"
        point, owner = _responsible_owner(provs, prov, text)
        if point is not None and owner:
            opener = _POINT_OPEN.match(text[point.start:point.end])
            if opener and (builds or opener.group(1) != "Chủ trì"):
                rel = _OPENER_ROLE[opener.group(1)]
                if rel == "connecting" and text[point.start + opener.end():n.start].strip():
                    continue  # "Kết nối" names what connects only when the platform follows it at once
                quote = squash(text[point.start:n.end])
                # "các bộ, cơ quan ngang bộ, …; Ủy ban nhân dân các tỉnh, …": each part holds the role
                for who in (o.strip() for o in owner.split(";")) if rel == "connecting" else [owner]:
                    if who:
                        out.append(_role(n, rel, *_agency(who), point.id, quote, point.start, n.end))
                cm = _COORD_AFTER_LEAD.match(text[point.start:point.end])
                if rel == "lead" and cm:
                    for c in split_agencies(cm.group(1)):
                        out.append(_role(n, "coordinating", *_agency(c), point.id, quote, point.start, n.end))
                continue
        # 3. a body task with "- Đơn vị chủ trì: <agency>" among its items
        lm = _LEAD_ITEM.search(text, prov.start, prov.end) if builds else None
        if lm and resolve_agency(lm.group(1).strip()):
            quote = squash(text[clause_start:n.end]) + " … " + squash(lm.group())
            for c in split_agencies(lm.group(1)):
                out.append(_role(n, "lead", *_agency(c), prov.id, quote, clause_start, lm.end()))
    return out


def _responsible_owner(provs: dict, prov, text: str):  # -> (point Provision | None, agency name | None)
    """The point under a 'Trách nhiệm của <agency>' heading that holds `prov`, and that agency (the heading
    read on to its first point: a heading may wrap onto a second line)."""
    point = p = prov
    while p is not None:
        m = _RESPONSIBLE.match(squash(p.heading or ""))
        if m:
            item = _NEW_LINE_ITEM.search(text, p.start + 1, p.end)
            head = re.sub(r"^\s*(?:\d+\.|[a-zđ]\))?\s*", "", text[p.start:item.start() if item else p.end])
            full = _RESPONSIBLE.match(squash(head))
            return point, (full or m).group(1).strip(" ;,:.")
        point = p
        p = provs.get(p.parent) if p.parent else None
    return None, None


def annex_platform_roles(doc: Document, rows: list[AnnexRow]) -> list[Role]:
    """An annex row whose task or product builds a platform: lead → lead, coordinating → coordinating."""
    out: list[Role] = []
    for r in rows:
        if r.kind == "platform":
            continue  # catalogue rows: ingest.roles.platform_roles
        for cell in (r.task, r.product or ""):
            names = [n for n in find_platform_names(cell, lower_ok=True)
                     if _BUILD_BEFORE.search(cell[:n.start]) or n.start == 0]
            for n in names:
                quote = squash(cell)
                for rel, items in (("lead", r.lead), ("coordinating", r.coordinating)):
                    for item in items:
                        out.append(_role(n, rel, *_agency(item), r.id, quote, r.start, r.end))
            if names:
                break
    return out


def regulated_platforms(doc: Document) -> list[Role]:
    """A title or 'Phạm vi điều chỉnh' naming a platform: the document regulates it (its legal basis)."""
    out: list[Role] = []
    subject = doc.number or doc.source
    named = find_platform_names(doc.title) if doc.title else []
    if named:
        at = re.search(r"\s+".join(map(re.escape, doc.title.split())), doc.text)  # the title as printed, wrapped
        start, end = (at.start(), at.end()) if at else (0, 0)
        for n in named:
            out.append(Role("document", subject, "regulates", "platform", n.key, quote=doc.title, start=start, end=end))
    if "ền tảng" not in doc.text:  # no platform named anywhere: no provision can regulate one
        return out
    for p in doc.provisions:
        named = find_platform_names(p.heading) if p.kind == "article" and p.heading else []
        if named:
            hs = doc.text.find(p.heading, p.start, p.end)
            for n in named:
                if n.start == 0 and hs >= 0:  # the article is about the platform: "Điều 6. Nền tảng số …"
                    out.append(Role("document", subject, "regulates", "platform", n.key, provision=p.id,
                                    quote=squash(p.label + " " + p.heading), start=hs, end=hs + n.end))
        if doc.text.find("ền tảng", p.start, p.end) >= 0 and fold(p.heading or "").startswith("pham vi dieu chinh"):
            for n in find_platform_names(doc.text, p.start, p.end):
                out.append(Role("document", subject, "regulates", "platform", n.key, provision=p.id,
                                quote=squash(doc.text[_sentence_start(doc.text, n.start, p.start):n.end]),
                                start=n.start, end=n.end))
    return out


def _role(n: PlatformName, rel: str, kind: str, name: str, where: str | None, quote: str, start: int, end: int) -> Role:
    return Role("platform", n.key, rel, kind, name, provision=where, quote=quote, start=start, end=end)


def find_platform_roles(doc: Document, rows: list[AnnexRow]) -> list[Role]:
    """Every platform role of a parsed document, and one 'short_name' Role per other spelling of a platform
    (an alternative label), in text order of the evidence."""
    capital = find_platform_names(doc.text)
    names = find_platform_names(doc.text, known=sorted({n.key for n in capital}, key=len, reverse=True))
    _merge_keys(names)
    roles = regulated_platforms(doc) + platform_roles_in_text(doc, names) + annex_platform_roles(doc, rows)
    named = {r.subject for r in roles if r.subject_kind == "platform"} | {r.object for r in roles if r.relation == "regulates"}
    seen: set[tuple[str, str]] = set()
    for n in names:
        if n.key not in named:
            continue
        for alt in sorted({squash(n.written), *_abbreviations(n.written)}):
            alt = alt[:1].upper() + alt[1:]  # "nền tảng …" mid-sentence and "Nền tảng …" are one label
            if alt != n.key and (n.key, alt) not in seen:
                seen.add((n.key, alt))
                roles.append(Role("platform", n.key, "short_name", "name", alt, quote=squash(n.written),
                                  start=n.start, end=n.end))
    return roles
