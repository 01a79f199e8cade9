"""Segment the body into provisions with stable ids: Phần, Chương, Mục, Điều, Khoản, Điểm, Roman sections, dash items.

Ids are paths under the document ("dieu_1/khoan_2/diem_a", "muc_iii/khoan_1"), so a relation can
point at the exact provision it came from and the id survives re-ingest of the same text.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import Counter
from typing import Sequence

from cancu.text import fold
from ingest.models import AnnexRow, Provision

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


# A dash item ("- …" or "– …") sits below every heading; it is numbered by its position under its parent.
_DASH = re.compile(r"^(?P<n>[-–])\s+(?P<h>\S.*)$")
_DASH_LEVEL = 7
# "Nơi nhận:" opens the list of recipients, whose dash lines are addresses, not provisions; so does a
# letter's "Kính gửi:", whose list ends at the first line of text.
_RECIPIENTS = re.compile(r"^Nơi nhận\s*:")
_ADDRESSEES = re.compile(r"^Kính gửi\s*:")


def parse_structure(text: str, start: int, end: int) -> list[Provision]:
    """Provisions of text[start:end], in document order, each spanning until the next sibling or ancestor."""
    out: list[Provision] = []
    stack: list[tuple[int, Provision]] = []  # (level, provision)
    seen: Counter[str] = Counter()
    dashes: dict[str | None, int] = {}  # parent id -> dash items so far
    recipients = addressees = False
    pos = start
    for line in text[start:end].splitlines(keepends=True):
        stripped = line.strip()
        dash = stripped.startswith(("-", "–"))  # what `_DASH` needs first: most lines are not worth the regex
        if addressees and stripped and not (dash and _DASH.match(stripped)):
            addressees = False
        hit = _heading(stripped) or (None if recipients or addressees or not dash else _dash(stripped))
        if hit:
            kind, level, number, heading, prefix = hit
            while stack and stack[-1][0] >= level:
                stack.pop()[1].end = pos
            parent = stack[-1][1] if stack else None
            if prefix == "gach":
                parent_id = parent.id if parent else None
                number = str(dashes.get(parent_id, 0) + 1)
                dashes[parent_id] = int(number)
            pid = f"{prefix}_{slug_number(number)}"
            full = f"{parent.id}/{pid}" if parent else pid
            seen[full] += 1
            if seen[full] > 1:  # a repeated label under the same parent (transcription noise): keep ids unique
                full = f"{full}_{seen[full]}"
            label = stripped[: len(stripped) - len(heading)].strip() if heading else stripped
            prov = Provision(id=full, kind=kind, label=label, heading=heading.strip(), start=pos + line.index(stripped),
                             parent=parent.id if parent else None)
            out.append(prov)
            stack.append((level, prov))
            recipients = False
        elif stripped.startswith("Kính gửi") and _ADDRESSEES.match(stripped):
            addressees = True
        elif stripped.startswith("Nơi nhận") and _RECIPIENTS.match(stripped):
            recipients = True
            while stack and stack[-1][0] >= _DASH_LEVEL:
                stack.pop()[1].end = pos
        pos += len(line)
    while stack:
        stack.pop()[1].end = end
    for prov in out:
        prov.text = text[prov.start:prov.end].strip()
    return out


_HEADING_START = frozenset("PCMĐIVX0123456789")  # what a heading of _HEADINGS can start with, a point apart
# The headings a line can be by its first character, each regex opening with its own letters; a line opening with
# any other character can only be a clause numbered in other digits (`\d`), which the clause regex decides.
_FIRSTS = {"part": "P", "chapter": "C", "section": "MIVX", "article": "Đ", "clause": "0123456789",
           "point": "abcdefghijklmnopqrstuvwxyzđ"}
_BY_FIRST = {c: [h for h in _HEADINGS if c in _FIRSTS[h[0]] and (h[0] != "section" or (c == "M") == (h[1] == 2))]
             for c in "".join(_FIRSTS.values())}
_OTHER_FIRST = [h for h in _HEADINGS if h[0] == "clause"]


def _heading(line: str) -> tuple[str, int, str, str, str] | None:
    if not line or (line[0] not in _HEADING_START and ")" not in line[1:4]):
        return None  # most lines: not worth seven regexes
    for kind, level, rx, prefix in _BY_FIRST.get(line[0], _OTHER_FIRST):
        m = rx.match(line)
        if m:
            return kind, level, m["n"], m["h"], prefix
    return None


def _dash(line: str) -> tuple[str, int, str, str, str] | None:
    m = _DASH.match(line)
    return ("item", _DASH_LEVEL, "", m["h"], "gach") if m else None


def slug_number(n: str) -> str:
    """The id segment of a provision number as written ("11" -> "11", "IV" -> "iv", "đ" -> "d")."""
    if n.isascii() and n.isalnum():  # most numbers: their fold is their lower case, with nothing to replace
        return n.lower()
    return re.sub(r"[^a-z0-9]+", "_", fold(n)).strip("_")


class Innermost:
    """The deepest span holding a position, by bisection: references, mentions and roles ask thousands of times.

    Deepest = the latest start among the spans that hold the position (nested spans start later), and among
    equal starts the later in the given order.
    """

    def __init__(self, spans: Sequence[Provision | AnnexRow]):
        order = sorted(range(len(spans)), key=lambda i: (spans[i].start, i))
        self._spans = [spans[i] for i in order]
        self._starts = [p.start for p in self._spans]

    def __call__(self, pos: int) -> Provision | AnnexRow | None:
        i = bisect_right(self._starts, pos) - 1
        while i >= 0:
            if pos < self._spans[i].end:
                return self._spans[i]
            i -= 1
        return None
