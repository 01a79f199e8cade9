"""Ruled tables of a PDF's annex pages, read from the page geometry (GUIDE §8), not from the text layer.

Why: a text copy prints a table one cell per line with a vertically merged cell in the middle of its span,
so line order alone assigns rows to the wrong lead agency (175/NQ-CP). The ruling lines say which cells
belong together. pdfplumber finds the grid; this module only prepares the pages for it:

- a landscape table drawn on a portrait page with text rotated 90° (175/NQ-CP) comes back transposed and
  character-reversed, so such pages get /Rotate set (pypdfium2) in an in-memory copy before reading;
- only pages from the first annex heading ("Phụ lục …" at a line start) on are read: body tables are not
  annex tables, and reading every page costs time.

The grids keep pdfplumber's distinction between a cell covered by a merge (None) and an empty cell ('');
assembling rows from them (fill down, carry-over at a page top) is `ingest.tables.grid_rows`.
"""

from __future__ import annotations

import io
import re
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

from cancu.text import nfc

__all__ = ["Grid", "PdfTables", "read_pdf_tables"]

# An annex heading at a line start, as in ingest.tables (kept loose: the page text of pypdfium2 is plain)
_ANNEX_HEAD = re.compile(r"^[ \t]*(?:PHỤ LỤC|Phụ lục)(?:[ \t]+(?:SỐ[ \t]+|số[ \t]+)?([IVXLC]+|\d+))?[ \t]*$", re.M)
_MAX_PAGES = 400  # a bound on the work one file may cost


@dataclass
class Grid:
    """One ruled table on one page: rows of cells, None where a merged cell covers the position."""

    page: int  # 1-based page of the PDF
    rows: list[list[str | None]]


@dataclass
class PdfTables:
    """The annex headings (number as written or None, 1-based page) and the grids from the first one on."""

    annexes: list[tuple[str | None, int]]
    grids: list[Grid]


def read_pdf_tables(path: Path | str) -> PdfTables:
    """Grids of the ruled tables on a PDF's annex pages, rotated pages read upright."""
    import pdfplumber
    import pypdfium2 as pdfium

    data = Path(path).read_bytes()
    doc = pdfium.PdfDocument(data)
    try:
        annexes = _annex_pages(doc)
        if not annexes:
            return PdfTables([], [])
        first = annexes[0][1] - 1
        pages = range(first, min(len(doc), first + _MAX_PAGES))
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            turns = {i: _turn(pdf.pages[i]) for i in pages if _has_rules(pdf.pages[i])}
        if any(turns.values()):
            for i, angle in turns.items():
                if angle:
                    doc[i].set_rotation(angle)
            buf = io.BytesIO()
            doc.save(buf)
            data = buf.getvalue()
    finally:
        doc.close()
    grids: list[Grid] = []
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        for i in sorted(turns):
            for table in pdf.pages[i].find_tables():
                rows = [[nfc(c) if c is not None else None for c in row] for row in table.extract()]
                if rows and max(len(r) for r in rows) >= 2:
                    grids.append(Grid(i + 1, rows))
    return PdfTables(annexes, grids)


def _annex_pages(doc: object) -> list[tuple[str | None, int]]:
    """(number, 1-based page) of each annex heading, from pypdfium2's page text (fast; no layout analysis)."""
    out: list[tuple[str | None, int]] = []
    for i in range(min(len(doc), _MAX_PAGES)):  # type: ignore[arg-type]
        with closing(doc[i]) as page, closing(page.get_textpage()) as textpage:  # type: ignore[index]
            text = nfc(textpage.get_text_range()).replace("\r\n", "\n").replace("\r", "\n")
        out += [(m.group(1), i + 1) for m in _ANNEX_HEAD.finditer(text)]
    return out


def _has_rules(page: object) -> bool:
    """Whether a page draws ruling lines or boxes at all (a page without them holds no ruled table)."""
    return bool(page.lines or page.rects)  # type: ignore[attr-defined]


def _turn(page: object) -> int:
    """Clockwise rotation (0, 90, 270) that makes most of the page's characters upright.

    A character drawn with matrix (0, b, -b, 0), b > 0, runs bottom to top: a quarter turn clockwise
    (/Rotate 90) sets it upright; b < 0 runs top to bottom and needs 270.
    """
    up = turned_up = turned_down = 0
    for c in page.chars:  # type: ignore[attr-defined]
        if not c["text"].strip():
            continue
        a, b = c["matrix"][0], c["matrix"][1]
        if abs(a) >= abs(b):
            up += 1
        elif b > 0:
            turned_up += 1
        else:
            turned_down += 1
    if max(turned_up, turned_down) <= up:
        return 0
    return 90 if turned_up >= turned_down else 270
