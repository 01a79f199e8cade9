"""Annex tables a text copy prints one cell per line (982/QĐ-TTg), drawn as HTML tables in the reader.

Why: such a table reaches the reader as plain lines. Which line belongs to which column is exactly what a
text copy does not say: ingest.tables reads it with heuristics (and refuses a layout it cannot trust, so an
annex without stored rows, like 175/NQ-CP's Phụ lục I, is not drawn here), and its reading is sometimes
wrong (982's row 1.6 has a product's last lines in the deadline column), so a split checked against it
would still be a guess. What a text copy does say is kept: the header cells (ingest's header reader gives
the column count), the rows, each opened by the row number of a row the graph stores (in order) or by a
group number, and a header repeated after a page break; only where ingest's own test of the layout
(`layout_doubt`) finds no cell printed in the middle of its span, since rows read from a PDF's ruling
lines may stand in a text layer that prints them so. A row is drawn as its number and one cell across the
other columns holding its lines as printed; lines a page break carries past a repeated header are a row of
their own, without a number. Every cell is a span of the text, so the table holds exactly the text of the
file, its spans stay exact, and no cell is made up.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass

from cancu.text import squash

from api.marked_text import Table

__all__ = ["LOOKAHEAD", "RowFacts", "line_tables"]
LOOKAHEAD = 3  # rows a table line may skip to find its row (a row whose line was cut has none of its own)


@dataclass(frozen=True)
class RowFacts:
    """An annex row the graph stores: its anchor and its number as written."""

    anchor: str
    label: str


def _label(s: str) -> str:
    return s.strip().rstrip(".").strip()


_NUMBER = re.compile(r"^(?:\d+(?:\.\d+)*|[IVXLC]+)\.?$")


def line_tables(text: str, annexes: list[tuple[int, int]], rows: dict[tuple[int, int], list[RowFacts]],
                taken: list[tuple[int, int]]) -> list[Table]:
    """Tables for each annex span (start, end) that holds a one-cell-per-line table and rows of the graph
    (`rows[annex span]`, in table order), outside the spans already `taken` by other tables."""
    from ingest.tables import layout_doubt, text_lines

    out: list[Table] = []
    if not any(rows.get(span) for span in annexes):
        return out
    lines = text_lines(text)
    starts = [ln.start for ln in lines]
    for a_start, a_end in annexes:
        facts = rows.get((a_start, a_end))
        if not facts or any(s < a_end and a_start < e for s, e in taken):
            continue
        lo, hi = bisect_left(starts, a_start), bisect_left(starts, a_end + 1)
        head = next((i for i in range(lo, hi) if _header(lines, i, hi)), None)
        hdr = _header(lines, head, hi) if head is not None else None
        if hdr is None or layout_doubt(hdr[0], lines, hdr[1], hi):  # rows stored from a PDF's ruling lines
            continue  # say nothing of how its text layer prints them: ingest's own test of that text
        table = _read(lines, head, hi, facts)
        if table is not None:
            out.append(table)
    return out


def _header(lines: list, i: int, end: int) -> tuple[list[str], int] | None:
    """Header cells starting at line i and the line after them (ingest's own header reader)."""
    from ingest.tables import read_line_header

    return read_line_header(lines, i, end) if lines[i].text.strip().upper() in ("TT", "STT") else None


@dataclass
class _Segment:
    kind: str  # head | row | group | more (lines after a header that no row number opens: a row's next page)
    first: int
    end: int  # line after its last
    row: RowFacts | None = None
    headers: list[str] | None = None


def _segments(lines: list, head: int, hi: int, facts: list[RowFacts]) -> list[_Segment] | None:
    """The table's lines cut at each header, row number of a stored row (in order) and group number (the
    parent of the next row's number, or a Roman numeral); None if a repeated header has other columns."""
    out: list[_Segment] = []
    ncol = 0
    i, qi = head, 0
    while i < hi:
        t = lines[i].text.strip()
        if not t:
            i += 1
            continue
        hdr = _header(lines, i, hi)
        if hdr is not None:
            if ncol and len(hdr[0]) != ncol:
                return None
            ncol = len(hdr[0])
            out.append(_Segment("head", i, hdr[1], headers=hdr[0]))
            i = hdr[1]
            continue
        hit = next((j for j in range(qi, min(qi + LOOKAHEAD, len(facts))) if _label(t) == _label(facts[j].label)), None)
        nxt = facts[qi].label if qi < len(facts) else ""
        if hit is not None:
            qi = hit + 1
            out.append(_Segment("row", i, i + 1, row=facts[hit]))
        elif _NUMBER.match(t) and (_label(nxt).startswith(_label(t) + ".") or not t[0].isdigit()):
            out.append(_Segment("group", i, i + 1))
        elif out[-1].kind == "head":
            out.append(_Segment("more", i, i + 1))
        else:
            out[-1].end = i + 1
        i += 1
    return out


def _read(lines: list, head: int, hi: int, facts: list[RowFacts]) -> Table | None:
    """The table from the header at line `head` to the annex end, or None if it cannot be drawn faithfully."""
    segments = _segments(lines, head, hi, facts)
    if not segments or not any(s.kind == "row" for s in segments):
        return None
    ncol = len(segments[0].headers or [])
    table = Table(_start(lines[head]), 0, [])
    for seg in segments:
        n = len(table.lines)
        body = [ln for ln in lines[seg.first:seg.end] if ln.text.strip()]
        if seg.kind == "head":
            cells = _header_cells(body, seg.headers or [])
            if cells is None:
                return None
            table.heads.add(n)
            table.lines.append(cells)
            continue
        number = body[0] if seg.kind != "more" else None
        rest = body[1:] if number else body
        first = (_start(number), _end(number)) if number else (_start(body[0]), _start(body[0]))
        table.lines.append([first, (_start(rest[0]), _end(rest[-1])) if rest else (first[1], first[1])])
        table.colspans[(n, 1)] = ncol - 1
        if seg.row is not None:
            table.row_ids[n] = seg.row.anchor
    table.end = max(c[1] for line in table.lines for c in line)
    return table


def _header_cells(body: list, cells: list[str]) -> list[tuple[int, int]] | None:
    """Spans of the header cells, each one or more whole lines of `body`, which they must use up."""
    out: list[tuple[int, int]] = []
    k = 0
    for cell in cells:
        first, acc = k, ""
        while k < len(body):
            acc = squash(f"{acc} {body[k].text}")
            k += 1
            if acc == squash(cell):
                break
        else:
            return None
        out.append((_start(body[first]), _end(body[k - 1])))
    return out if k == len(body) else None


def _start(ln) -> int:  # noqa: ANN001
    return ln.start + len(ln.text) - len(ln.text.lstrip())


def _end(ln) -> int:  # noqa: ANN001
    return ln.start + len(ln.text.rstrip())
