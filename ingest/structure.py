"""Segment the body into provisions with stable ids: Phần, Chương, Mục, Điều, Khoản, Điểm, Roman sections, items.

Ids are paths under the document ("dieu_1/khoan_2/diem_a", "muc_iii/khoan_1"), so a relation can
point at the exact provision it came from and the id survives re-ingest of the same text.
"""

from __future__ import annotations

import re

from cancu.text import fold
from ingest.models import Provision

# (kind, level, regex on a line, id prefix). Lower level = outer.
_HEADINGS: list[tuple[str, int, re.Pattern[str], str]] = [
    ("part", 0, re.compile(r"^(?:PHẦN|Phần)\s+(?:THỨ\s+|thứ\s+)?(?P<n>[IVXLC]+|\d+|[^\s.:]+)\b[.:]?\s*(?P<h>.*)$"), "phan"),
    ("chapter", 1, re.compile(r"^(?:CHƯƠNG|Chương)\s+(?P<n>[IVXLC]+|\d+)\b[.:]?\s*(?P<h>.*)$"), "chuong"),
    ("section", 2, re.compile(r"^(?:MỤC|Mục)\s+(?P<n>\d+|[IVXLC]+)\b[.:]?\s*(?P<h>.*)$"), "muc"),
    ("article", 3, re.compile(r"^Điều\s+(?P<n>\d+[a-z]?)\s*[.:]\s*(?P<h>.*)$"), "dieu"),
    ("section", 4, re.compile(r"^(?P<n>[IVX]{1,5})\s*[.]\s+(?P<h>\S.*)$"), "muc"),
    ("clause", 5, re.compile(r"^(?P<n>\d{1,3})\s*[.]\s+(?P<h>\S.*)$"), "khoan"),
    ("point", 6, re.compile(r"^(?P<n>[a-zđ])\s*\)\s+(?P<h>\S.*)$"), "diem"),
]
ANNEX_START = re.compile(r"^\s*PHỤ LỤC\b", re.MULTILINE)


def parse_structure(text: str, start: int, end: int) -> list[Provision]:
    """Provisions of text[start:end], in document order, each spanning until the next sibling or ancestor."""
    out: list[Provision] = []
    stack: list[tuple[int, Provision]] = []  # (level, provision)
    seen: dict[str, int] = {}
    pos = start
    for line in text[start:end].splitlines(keepends=True):
        stripped = line.strip()
        hit = _heading(stripped)
        if hit:
            kind, level, number, heading, prefix = hit
            # A Roman-numeral line directly inside an article that already has clauses is a clause-like item, keep.
            while stack and stack[-1][0] >= level:
                _close(stack.pop()[1], pos)
            parent = stack[-1][1] if stack else None
            pid = f"{prefix}_{_slug_number(number)}"
            full = f"{parent.id}/{pid}" if parent else pid
            if full in seen:  # a repeated label under the same parent (transcription noise): keep ids unique
                seen[full] += 1
                full = f"{full}_{seen[full]}"
            else:
                seen[full] = 1
            label = stripped[: len(stripped) - len(heading)].strip() if heading else stripped
            prov = Provision(id=full, kind=kind, label=label, heading=heading.strip(), start=pos + line.index(stripped),
                             parent=parent.id if parent else None)
            out.append(prov)
            stack.append((level, prov))
        pos += len(line)
    while stack:
        _close(stack.pop()[1], end)
    for prov in out:
        prov.text = text[prov.start:prov.end].strip()
    return out


def _close(prov: Provision, pos: int) -> None:
    prov.end = pos


def _heading(line: str) -> tuple[str, int, str, str, str] | None:
    for kind, level, rx, prefix in _HEADINGS:
        m = rx.match(line)
        if m:
            return kind, level, m["n"], m["h"], prefix
    return None


def _slug_number(n: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", fold(n)).strip("_")


def innermost(provisions: list[Provision], pos: int) -> Provision | None:
    """The deepest provision whose span contains `pos`."""
    best = None
    for prov in provisions:
        if prov.start <= pos < prov.end and (best is None or prov.start >= best.start):
            best = prov
    return best
