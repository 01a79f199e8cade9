"""A document's text as escaped HTML with links, anchors and one highlight placed at character spans.

The text keeps its line breaks (shown with `white-space: pre-wrap`); runs of lines written as cells
joined by " | " (annex tables, as ingest.tables reads them) become HTML tables. Spans index into the
text, so a citation is linked exactly where ingest found it. Links never overlap (the first kept
wins, as nested <a> is not HTML); the highlight is widened to whole links so tags always nest.
Every character of the text goes through markupsafe.escape.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass, field

from markupsafe import Markup, escape

_TABLE_LINE = re.compile(r"^[^\n]*\S[ \t]*\|[ \t]*[^\n]*$")


@dataclass(frozen=True)
class Link:
    start: int
    end: int
    href: str
    title: str = ""
    cls: str = ""


@dataclass(frozen=True)
class Anchor:
    pos: int
    id: str
    cls: str = "anchor"


@dataclass
class Table:
    """A run of table lines: each line's cells as (start, end) spans, the row id of each line if any.

    A table printed one cell per line (api.line_tables) also says which lines are (repeated) headers and
    which cells span columns."""

    start: int
    end: int
    lines: list[list[tuple[int, int]]]
    row_ids: dict[int, str] = field(default_factory=dict)  # line index -> row anchor id
    heads: set[int] = field(default_factory=lambda: {0})  # line indexes drawn as header rows
    colspans: dict[tuple[int, int], int] = field(default_factory=dict)  # (line, cell) -> columns it spans


def find_tables(text: str) -> list[Table]:
    """Runs of two or more lines holding ' | ' cells (a header and at least one row); blank lines between
    them do not end a run (some copies put one after every row)."""
    tables: list[Table] = []
    run: list[list[tuple[int, int]]] = []
    run_start = run_end = 0
    pos = 0
    for line in text.splitlines(keepends=True):
        body = line.rstrip("\r\n")
        if "|" in body and _TABLE_LINE.match(body):
            if not run:
                run_start = pos
            run.append(_cells(body, pos))
            run_end = pos + len(body)
        elif not body.strip():
            pass
        else:
            if len(run) >= 2:
                tables.append(Table(run_start, run_end, run))
            run = []
        pos += len(line)
    if len(run) >= 2:
        tables.append(Table(run_start, run_end, run))
    return tables


def _cells(line: str, offset: int) -> list[tuple[int, int]]:
    out, start = [], 0
    for part in line.split("|"):
        lead = len(part) - len(part.lstrip())
        out.append((offset + start + lead, offset + start + len(part.rstrip())))
        start += len(part) + 1
    return out


def cell_text(text: str, cell: tuple[int, int]) -> str:
    return text[cell[0]:cell[1]]


def keep_apart(links: list[Link]) -> list[Link]:
    """Links in text order with none overlapping the one before (the earlier, then the longer, wins)."""
    out: list[Link] = []
    for link in sorted(links, key=lambda k: (k.start, -k.end)):
        if link.end > link.start and (not out or link.start >= out[-1].end):
            out.append(link)
    return out


def widen(hl: tuple[int, int] | None, links: list[Link]) -> tuple[int, int] | None:
    """The highlight grown to cover every link it cuts, so <mark> and <a> nest."""
    if hl is None:
        return None
    s, e = hl
    for link in links:
        if link.start < s < link.end:
            s = link.start
        if link.start < e < link.end:
            e = link.end
    return s, e


class Renderer:
    """Emits pieces of one text in order; anchors are emitted once, at or before the piece holding them."""

    def __init__(self, text: str, links: list[Link], anchors: list[Anchor], hl: tuple[int, int] | None):
        self.text = text
        self.links = keep_apart(links)
        self.starts = [k.start for k in self.links]
        self.anchors = sorted(anchors, key=lambda a: a.pos)
        self.anchor_pos = [a.pos for a in self.anchors]
        self.next_anchor = 0
        self.hl = widen(hl, self.links)
        self.hl_done = False

    def _anchors_until(self, pos: int, out: list[str]) -> None:
        while self.next_anchor < len(self.anchors) and self.anchors[self.next_anchor].pos <= pos:
            a = self.anchors[self.next_anchor]
            out.append(f'<span class="{escape(a.cls)}" id="{escape(a.id)}"></span>')
            self.next_anchor += 1

    def piece(self, a: int, b: int) -> str:
        """text[a:b] as HTML with the links and the highlight clipped to it."""
        out: list[str] = []
        self._anchors_until(a, out)
        i = max(bisect_left(self.starts, a) - 1, 0)
        links = []
        for k in self.links[i:]:
            if k.start >= b:
                break
            if k.end > a:
                links.append(k)
        points = {a, b}
        for k in links:
            points.update((max(k.start, a), min(k.end, b)))
        hl = self.hl if self.hl and self.hl[0] < b and self.hl[1] > a else None
        if hl:
            points.update((max(hl[0], a), min(hl[1], b)))
        points.update(self.anchor_pos[self.next_anchor:bisect_left(self.anchor_pos, b, self.next_anchor)])
        cuts = sorted(points)
        open_link: Link | None = None
        in_hl = False
        li = 0
        for p, q in zip(cuts, cuts[1:]):
            if open_link and open_link.end <= p:
                out.append("</a>")
                open_link = None
            if in_hl and hl[1] <= p:
                out.append("</mark>")
                in_hl = False
            self._anchors_until(p, out)
            if hl and not in_hl and hl[0] <= p < hl[1]:
                first = not self.hl_done
                self.hl_done = True
                out.append('<mark id="hl">' if first else "<mark>")
                in_hl = True
            while li < len(links) and links[li].end <= p:
                li += 1
            if open_link is None and li < len(links) and links[li].start <= p < links[li].end:
                k = links[li]
                cls = f' class="{escape(k.cls)}"' if k.cls else ""
                out.append(f'<a href="{escape(k.href)}"{cls} title="{escape(k.title)}">')
                open_link = k
            out.append(str(escape(self.text[p:q])))
        if open_link:
            out.append("</a>")
        if in_hl:
            out.append("</mark>")
        return "".join(out)


def render(text: str, links: list[Link], anchors: list[Anchor], hl: tuple[int, int] | None = None,
           tables: list[Table] | None = None) -> Markup:
    """The whole text: plain runs in <div class="run">, table runs as <table>, first line as header."""
    r = Renderer(text, links, anchors, hl)
    out: list[str] = []
    pos = 0
    for t in tables if tables is not None else find_tables(text):
        if t.start > pos:
            out.append(f'<div class="run">{r.piece(pos, t.start)}</div>')
        out.append('<div class="table-wrap"><table class="annex">')
        for n, cells in enumerate(t.lines):
            tag = "th" if n in t.heads else "td"
            rid = t.row_ids.get(n)
            attr = f' id="{escape(rid)}"' if rid else ""
            span = [f' colspan="{t.colspans[(n, k)]}"' if (n, k) in t.colspans else "" for k in range(len(cells))]
            out.append(f"<tr{attr}>" + "".join(f"<{tag}{span[k]}>{r.piece(c0, c1)}</{tag}>"
                                               for k, (c0, c1) in enumerate(cells)) + "</tr>")
        out.append("</table></div>")
        pos = t.end
    if pos < len(text):
        out.append(f'<div class="run">{r.piece(pos, len(text))}</div>')
    return Markup("".join(out))
