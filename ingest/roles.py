"""Programme roles: the decision approves a programme; a platform's governing agency, focal units
and core enterprises (the platform-table layout of 186/QĐ-BTTTT's annex, Mục III).

Annex task rows (lead / coordinating agencies) are NOT turned into Roles here: the RDF writer reads
them from `AnnexRow` (which already has the row id, the raw cells and the span).
"""

from __future__ import annotations

import re

from cancu.text import squash
from ingest.models import AnnexRow, Document, Role
from ingest.tables import ROLE_COLUMNS, column_field, parse_annexes, split_agencies

__all__ = ["find_roles", "approval_roles", "platform_roles"]

_OBJECT_KIND = {
    "governing_agency": "agency",
    "focal_unit": "unit",
    "ministry_focal_unit": "unit",
    "core_enterprise": "enterprise",
}
_KINDS = ("Chương trình", "Chiến lược", "Đề án", "Kế hoạch")
_APPROVE_RE = re.compile(
    r"Điều\s+1\.\s*(?:Phê duyệt|Ban hành kèm theo (?:Quyết định|Nghị quyết|Chỉ thị) này|Ban hành)\s+",
)
_SHORT_RE = re.compile(r"\(\s*(?:sau đây\s+)?gọi tắt là\s+([^)]+?)\s*\)")
_TITLE_END_RE = re.compile(r"\s*(?:\(|\s+với\s+(?:những|các)\s+nội dung|:|\.\s|\.$|;|\n\s*\n)")


def approval_roles(doc: Document) -> list[Role]:
    """'Phê duyệt Chương trình …' / 'Ban hành kèm theo … Chương trình hành động …' in Điều 1
    (else in the title) → Role(document approves programme); a '(gọi tắt là …)' short name gives
    a second Role(programme short_name name)."""
    text = doc.text
    m = _APPROVE_RE.search(text)
    if m:
        start = m.end()
        rest = text[start:start + 1500]
        quoted = re.match(r"[\u201c\"]([^\u201d\"]+)[\u201d\"]", rest)
        if quoted:
            title, t_start, t_end = quoted.group(1), start + 1, start + quoted.end() - 1
            after = rest[quoted.end():]
        else:
            e = _TITLE_END_RE.search(rest)
            cut = e.start() if e else len(rest)
            title, t_start, t_end = rest[:cut], start, start + cut
            after = rest[cut:]
        title = squash(title).rstrip(" ,")
        if not title.startswith(_KINDS):
            return []
        roles = [Role("document", doc.number or doc.source, "approves", "programme", title,
                      provision="dieu_1", quote=squash(text[m.start():t_end]), start=t_start, end=t_end)]
        sm = _SHORT_RE.match(after.lstrip())
        if sm and squash(sm.group(1)) not in _KINDS:
            off = t_end + (len(after) - len(after.lstrip())) + sm.start(1)
            roles.append(Role("programme", title, "short_name", "name", squash(sm.group(1)),
                              provision="dieu_1", quote=squash(sm.group()), start=off, end=off + len(sm.group(1))))
        return roles
    title = doc.title or ""
    letters = [c for c in title if c.isalpha()]
    if letters and sum(c.isupper() for c in letters) / len(letters) < 0.6:
        tm = re.search(r"(?:phê duyệt|Phê duyệt|ban hành|Ban hành)\s+(?:kèm theo\s+)?((?:%s)\b.*)" % "|".join(_KINDS), title)
        if tm:
            prog = squash(re.sub(r"\s+do\s+[^,]*ban hành$", "", tm.group(1)))
            return [Role("document", doc.number or doc.source, "approves", "programme", prog, quote=title)]
    return []


def platform_roles(rows: list[AnnexRow], text: str = "") -> list[Role]:
    """Roles from platform-table rows: one Role per agency / unit / enterprise named in a role column,
    with the row id as provision and the quoted cell (span located inside the row when `text` is given)."""
    out: list[Role] = []
    for r in rows:
        if r.kind != "platform" or not r.task:
            continue
        for header, cell in r.cells.items():
            fld = column_field(header)
            if fld not in ROLE_COLUMNS or not cell.strip():
                continue
            start = end = 0
            if text:
                k = text.find(cell, r.start, r.end)
                if k >= 0:
                    start, end = k, k + len(cell)
            for item in split_agencies(cell):
                out.append(Role("platform", r.task, fld, _OBJECT_KIND[fld], item,
                                provision=r.id, quote=cell, start=start, end=end))
    return out


def find_roles(doc: Document, rows: list[AnnexRow] | None = None) -> list[Role]:
    """All programme roles of a parsed document (approval, platform tables, platforms in sentences and task rows:
    ingest.platforms). `rows`: its annex rows when the
    caller has parsed them already (an empty list included), so the annexes are not parsed twice."""
    from ingest.platforms import find_platform_roles

    rows = (doc.annex_rows or parse_annexes(doc.text)[1]) if rows is None else rows
    return approval_roles(doc) + platform_roles(rows, doc.text) + find_platform_roles(doc, rows)
