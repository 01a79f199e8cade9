"""Official Gazette (Công báo) page furniture, blanked in place before parsing (GUIDE §8).

The gazette prints, inside a document's text, running headers ("CÔNG BÁO/Số 987 + 988/Ngày 25-8-2024"),
page numbers, the section banner ("VĂN BẢN QUY PHẠM PHÁP LUẬT", the issuer repeated under it) and
e-signature stamps ("Người ký: …", "Email: …", "Cơ quan: …", "Thời gian ký: …"), which fall anywhere,
even inside a number ("199/2016/TT-" / "BTC"). Each page break (furniture with the blank lines around it)
is overwritten by spaces ending in the one line break that was there, so the text keeps its length and
every character span stays where it was in the file, and what the break had split reads as one wrapped
line: a number or sentence continues on the next line, as in any PDF line wrap.
"""

from __future__ import annotations

import re
from itertools import accumulate

# a PDF's text layer may put the page number on the header's own line, before or after it
_RUNNING_HEADER = re.compile(
    r"[ \t]*(?:\d{1,4}[ \t]+)?CÔNG BÁO[ \t]*/[ \t]*Số[ \t]+\d[\d \t+]*/[ \t]*Ngày[ \t]+\d{1,2}[-/.]\d{1,2}[-/.]\d{4}"
    r"(?:[ \t]+\d{1,4})?[ \t]*"
)
_PAGE_NUMBER = re.compile(r"[ \t]*\d{1,4}[ \t]*")
_BANNER = re.compile(r"[ \t]*(?:VĂN BẢN QUY PHẠM PHÁP LUẬT|VĂN BẢN HỢP NHẤT|VĂN BẢN KHÁC)(?:[ \t]*-[ \t]*[A-ZĐÀ-Ỹ ,]+)?[ \t]*")
_STAMP_OPEN = re.compile(r"[ \t]*(?:Người ký|Ký bởi)[ \t]*:.*")
_STAMP_LINE = re.compile(r"[ \t]*(?:Email|Cơ quan|Thời gian ký|Ngày ký)[ \t]*:.*")
_STAMP_TIME = re.compile(r"[ \t]*(?:Thời gian ký|Ngày ký)[ \t]*:[ \t]*\d")


def furniture_lines(lines: list[str]) -> set[int]:
    """Indexes of the lines that are gazette furniture, not the document's words."""
    out: set[int] = set()
    n = len(lines)
    for i, line in enumerate(lines):
        if ":" not in line and "VĂN BẢN" not in line and "CÔNG BÁO" not in line:
            continue  # every furniture line but a page number (found beside its header) has one of these
        # each regex only where its literal stands: most lines with a ':' are the document's own
        if "CÔNG BÁO" in line and _RUNNING_HEADER.fullmatch(line):
            out.add(i)
            for j in (_next_filled(lines, i, -1), _next_filled(lines, i, 1)):  # its page number, above or below
                if j is not None and _PAGE_NUMBER.fullmatch(lines[j]):
                    out.add(j)
        elif ("Người ký" in line or "Ký bởi" in line) and _STAMP_OPEN.fullmatch(line):
            block = [i]
            j = i + 1
            while j < n and j <= i + 4 and _STAMP_LINE.fullmatch(lines[j]):
                block.append(j)
                j += 1
            if any(_STAMP_TIME.match(lines[k]) for k in block):  # a stamp ends with the signing time
                out.update(block)
        elif "VĂN BẢN" in line and _BANNER.fullmatch(line) and i < n - 1:
            out.add(i)
            first = _next_filled(lines, i, 1)
            second = _next_filled(lines, first, 1) if first is not None else None
            if second is not None and lines[first].split() == lines[second].split():  # the issuer, repeated
                out.add(first)
    return out


def _next_filled(lines: list[str], i: int, step: int) -> int | None:
    j = i + step
    while 0 <= j < len(lines) and not lines[j].strip():
        j += step
    return j if 0 <= j < len(lines) else None


def blank_furniture(text: str) -> str:
    """`text` with each page break's furniture and surrounding blank lines turned to spaces, same length."""
    if "CÔNG BÁO" not in text and "Người ký" not in text and "Ký bởi" not in text:
        return text
    lines = text.split("\n")
    furniture = furniture_lines(lines)
    if not furniture:
        return text
    ends = list(accumulate(map(len, lines)))  # line i starts at ends[i - 1] + i (its line breaks before it)
    out: list[str] = []
    kept = 0  # text[:kept] is in `out`
    done = 0  # lines before `done` are in a run already blanked
    for f in sorted(furniture):
        if f < done:
            continue
        # the run of furniture and blank lines around it, each way to the first line of the document's words
        i, j = f, f + 1
        while i > 0 and (i - 1 in furniture or not lines[i - 1].strip()):
            i -= 1
        while j < len(lines) and (j in furniture or not lines[j].strip()):
            j += 1
        # from the line break before the run to the end of its last line; the break after it stays
        lo = ends[i - 1] + i - 1 if i > 0 else 0
        hi = ends[j - 1] + j - 1 if j < len(lines) else len(text)
        out += (text[kept:lo], " " * (hi - lo))
        kept, done = hi, j
    out.append(text[kept:])
    return "".join(out)
