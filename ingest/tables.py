"""Annexes ("PHỤ LỤC I", "Phụ lục", "Phụ lục ... (Kèm theo ...)") and their tables.

Two layouts are read:
  (a) rows written as cells joined by " | " (transcriptions, thuvienphapluat copies);
  (b) PDF text with one cell per line, cells wrapped over several lines and the header row
      repeated after each page break (Công báo texts), unless the layout cannot be read with
      confidence (merged cells printed mid-span: no rows, a line in `errors`);
  (c) ruled tables of a PDF read from its geometry (`ingest.pdf_tables`, `grid_rows`).
Columns are mapped by their header text, never by position (`column_field`). Agency cells are
split into items by `split_agencies` (rules in its docstring, after tests/gold/03-NQ-CP-annex.json).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from cancu.text import fold, squash
from ingest.models import AnnexRow, Provision
from ingest.names import AGENCY_HEADS, resolve_agency
from ingest.pdf_tables import Grid, PdfTables

__all__ = ["parse_annexes", "grid_rows", "split_agencies", "column_field", "annex_id", "ROLE_COLUMNS"]

_ROMAN = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100}
_ROMAN_RE = re.compile(r"^[IVXLC]+\.?$")
_ANNEX_RE = re.compile(
    r"^[ \t]*(PHỤ LỤC|Phụ lục|PHỤ  LỤC)(?:[ \t]+(?:SỐ[ \t]+|số[ \t]+)?([IVXLC]+|\d+)(?:\.([IVXLC]+|\d+))?)?[ \t]*(?:[:.\-–][ \t]*(.*))?$",
    re.M,
)
_SUBTITLE_RE = re.compile(r"^\((?:Kèm|Ban hành kèm|kèm)", re.I)
_STT_RE = re.compile(r"^(\d+(?:\.\d+)*)\.?$")

# Column headers → AnnexRow fields. Keys are folded header prefixes, checked longest first.
_HEADER_FIELDS: list[tuple[str, str]] = [
    ("stt", "stt"),
    ("tt", "stt"),
    ("co quan chu tri theo doi", "lead"),
    ("co quan chu tri", "lead"),
    ("don vi chu tri", "lead"),
    ("don vi thuc hien", "lead"),
    ("co quan thuc hien", "lead"),
    ("co quan phoi hop", "coordinating"),
    ("don vi phoi hop", "coordinating"),
    ("ket qua", "product"),
    ("san pham", "product"),
    ("thoi gian", "deadline"),
    ("tien do", "deadline"),
    ("ten nhiem vu", "task"),
    ("nhiem vu", "task"),
    ("chi tieu", "task"),
    ("noi dung", "task"),
    ("ten nen tang", "task"),
    ("nen tang", "task"),
    ("co quan chu quan", "governing_agency"),
    ("don vi dau moi cua co quan chu quan", "focal_unit"),
    ("don vi dau moi cua bo", "ministry_focal_unit"),
    ("don vi dau moi", "focal_unit"),
    ("doanh nghiep nong cot", "core_enterprise"),
    ("don vi tinh", "unit"),
]
ROLE_COLUMNS = ("governing_agency", "focal_unit", "ministry_focal_unit", "core_enterprise")

# Full header names (folded) known to occur; a PDF header cell grows while it stays a prefix of one.
_KNOWN_HEADERS = [
    "tt", "stt", "ten nhiem vu", "nhiem vu", "nhiem vu, giai phap", "nhiem vu, de an, du an", "nhiem vu chu tri",
    "chi tieu", "don vi", "don vi tinh", "don vi chu tri", "don vi phoi hop", "don vi thuc hien",
    "co quan chu tri", "co quan chu tri thuc hien", "co quan chu tri theo doi, danh gia", "co quan phoi hop",
    "co quan phoi hop thuc hien", "co quan thuc hien", "ket qua", "san pham", "san pham du kien",
    "thoi gian hoan thanh", "thoi gian thuc hien", "thoi gian trinh", "cap trinh", "ghi chu", "noi dung",
    "tien do", "tien do thuc hien", "cap phe duyet", "ten nen tang", "ten nen tang so", "co quan chu quan", "don vi dau moi cua co quan chu quan",
    "don vi dau moi cua bo", "doanh nghiep nong cot", "kinh phi", "nguon kinh phi",
]


@lru_cache(maxsize=4096)
def column_field(header: str, indicator_table: bool = False) -> str | None:
    """The AnnexRow field a column header maps to (None: kept only in `cells`).

    'Đơn vị' alone is the unit of measure in an indicator table (one with 'Chỉ tiêu'),
    and the responsible unit (lead) elsewhere.
    """
    h = fold(header).rstrip(" .:")
    if h == "don vi":
        return "unit" if indicator_table else "lead"
    for key, fld in sorted(_HEADER_FIELDS, key=lambda kv: -len(kv[0])):
        if h == key or h.startswith(key + " ") or h.startswith(key + ","):
            return fld
    return None


def _roman(s: str) -> int:
    s = s.rstrip(".")
    total = 0
    for a, b in zip(s, s[1:] + " "):
        v = _ROMAN[a]
        total += -v if b != " " and _ROMAN[b] > v else v
    return total


def annex_id(number: str | None, index: int, count: int) -> str:
    """Provision id of an annex: 'phu_luc_2' for 'Phụ lục II'; 'phu_luc' for a single unnumbered one."""
    if number:
        parts = [str(_roman(p)) if _ROMAN_RE.match(p) else p for p in number.split(".")]
        return "phu_luc_" + "_".join(parts)
    return "phu_luc" if count == 1 else f"phu_luc_{index + 1}"


# --- agency cells -----------------------------------------------------------------------------

# Collective phrases kept whole: their internal commas are protected before splitting.
_COLLECTIVE_RES = [
    re.compile(r"(?:[Cc]ác\s+)?[Bb]ộ,\s*(?:ban,\s*)?ngành(?:(?:,\s*|\s+và\s+)(?:các\s+)?địa phương)?"),
    re.compile(r"(?:[Cc]ác\s+)?[Tt]ỉnh,\s*thành phố"),
    re.compile(r"[Tt]ập đoàn,\s*doanh nghiệp"),
    re.compile(r"[Cc]ơ quan,\s*tổ chức(?:,\s*|\s+và\s+)doanh nghiệp"),
    re.compile(r"[Cc]ơ quan,\s*tổ chức,\s*cá nhân"),
]
_PROTECT = "\u0001"
_NUMBERED = re.compile(r"(?:^|(?<=\s))\(\d{1,2}\)\s*")
_VA_CAC = re.compile(r"\s+và\s+(?=các\s)")
_VA = re.compile(r"\s+và\s+")
_DISTRIB = re.compile(r"^(?P<head>[Cc]ác\s+)?(?P<kind>Bộ|bộ)\s*:\s*(?P<rest>.+)$", re.S)


def _is_head(item: str) -> bool:
    s = item.strip()
    if not s:
        return False
    if resolve_agency(s):
        return True
    first = s.split()[0].rstrip(",;")
    if first.isupper() and (first in ("UBND", "HĐND") or resolve_agency(first)):  # VTV, TTXVN
        return True
    return any(s == h or s.startswith(h + " ") or s.startswith(h + ",") for h in AGENCY_HEADS)


def _split_glued(item: str) -> list[str]:
    """'Bộ Thông tin và Truyền thông Bộ Khoa học và Công nghệ' → two names (separator lost)."""
    words = item.split()
    for i in range(1, len(words)):
        left, right = " ".join(words[:i]), " ".join(words[i:])
        if right.split()[0] in ("Bộ", "Ban", "Văn phòng", "Ủy", "Uỷ", "Ngân", "Thanh", "Viện", "Đài", "Thông", "Bảo"):
            if resolve_agency(left) and resolve_agency(right):
                return [left, right]
    return [item]


def _split_va(item: str) -> list[str]:
    """Split at ' và ' only where both sides are known agencies (names containing 'và' stay whole)."""
    for m in _VA.finditer(item):
        left, right = item[: m.start()], item[m.end():]
        if resolve_agency(left) and (resolve_agency(right) or _split_va(right) != [right]):
            return [left, *_split_va(right)]
    return [item]


def split_agencies(cell: str) -> list[str]:
    """Split an agency cell into items.

    Rules (tests/gold/03-NQ-CP-annex.json notes): split on ',' and ';'; collective phrases
    ('Các bộ, ngành, địa phương', 'Các tỉnh, thành phố …', 'Tập đoàn, doanh nghiệp …') stay whole;
    a comma piece that does not begin an agency ('Thể thao và Du lịch', 'Công nghệ', 'Bình Dương')
    stays with the item before it; ' và các …' starts a new item; 'X và Y' splits when both are
    known agencies; two known names glued without a separator are split; 'Các Bộ: A, B' is
    distributed to 'Bộ A', 'Bộ B'. A cell numbered '(1) … (2) …' is split at its numbers only
    (tests/gold 175-NQ-CP notes: '(2) VTV, VOV' is one entry). Items are exact substrings of the
    cell (except distribution).
    """
    text = squash(cell)
    if not text:
        return []
    if _NUMBERED.match(text):  # "(1) Bộ Tư pháp (2) VTV, VOV": the cell's own numbering says what one item is
        return [p.strip(" ;,") for p in _NUMBERED.split(text) if p.strip(" ;,")]
    protected = text
    for rx in _COLLECTIVE_RES:
        protected = rx.sub(lambda m: m.group().replace(",", _PROTECT), protected)
    items: list[str] = []
    for raw in re.split(r"\s*[;,]\s*", protected):
        p = raw.replace(_PROTECT, ",").strip()
        if not p:
            continue
        if items and not _is_head(p):
            # keep the original separator: find how the previous item and this piece were joined
            prev = items[-1]
            joined = re.search(re.escape(prev) + r"\s*[,;]\s*" + re.escape(p), text)
            items[-1] = joined.group() if joined else f"{prev}, {p}"
        else:
            items.append(p)
    out = [c for it in items for a in _VA_CAC.split(it) for b in _split_va(a) for c in _split_glued(b)]
    final: list[str] = []
    for it in out:
        m = _DISTRIB.match(it)
        if m:
            kind = m.group("kind").capitalize()
            final.extend(f"{kind} {x.strip()}" for x in re.split(r"\s*,\s*", m.group("rest")) if x.strip())
        else:
            final.append(it.strip())
    return [x for x in final if x]


# --- annex blocks -----------------------------------------------------------------------------


@dataclass
class _Line:
    no: int  # 1-based
    start: int
    end: int
    text: str


@dataclass
class _Block:
    number: str | None
    label: str
    start_line: int  # index into lines
    end_line: int  # exclusive
    title: str = ""
    subtitle: str = ""
    extra: list[str] = field(default_factory=list)


def text_lines(text: str, begin: int = 0) -> list[_Line]:
    """The lines of `text` from the line that starts at `begin` (numbered as in the whole text)."""
    out = []
    pos = begin
    for i, t in enumerate(text[begin:].split("\n"), start=text.count("\n", 0, begin) + 1):
        out.append(_Line(i, pos, pos + len(t), t))
        pos += len(t) + 1
    return out


def _find_blocks(lines: list[_Line]) -> list[_Block]:
    heads = []
    for i, ln in enumerate(lines):
        m = _ANNEX_RE.match(ln.text)
        if m:
            num = f"{m[2]}.{m[3]}" if m[3] else m[2]
            heads.append((i, num, (m[4] or "").strip()))
    ends = [i for i, _, _ in heads[1:]] + [len(lines)]
    return [_Block(num, "Phụ lục" + (f" {num}" if num else ""), i, end, title) for (i, num, title), end in zip(heads, ends)]


def _read_titles(block: _Block, lines: list[_Line]) -> int:
    """Fill title/subtitle; return the index of the first line after them."""
    i = block.start_line + 1
    title_parts: list[str] = [block.title] if block.title else []
    sub_parts: list[str] = []
    while i < block.end_line:
        t = lines[i].text.strip()
        if not t:
            i += 1
            if sub_parts and ")" in sub_parts[-1]:
                break
            continue
        if sub_parts:
            if ")" in " ".join(sub_parts):
                break
            sub_parts.append(t)
            i += 1
            continue
        if _SUBTITLE_RE.match(t):
            sub_parts.append(t)
            i += 1
            if t.endswith(")"):
                break
            continue
        if " | " in t or _is_tt(t) or _ROMAN_RE.match(t.split()[0]) and title_parts:
            break
        # title lines are upper case (possibly wrapped); stop at the first mixed-case body line
        letters = [c for c in t if c.isalpha()]
        if letters and sum(c.isupper() for c in letters) / len(letters) > 0.8 and len(title_parts) < 6:
            title_parts.append(t)
            i += 1
            continue
        break
    block.title = squash(" ".join(title_parts))
    block.subtitle = squash(" ".join(sub_parts))
    return i


def _is_tt(cell: str) -> bool:
    """Whether a stripped cell or line is the 'TT'/'STT' head of a table. A longer one is not (folding drops
    only combining marks): the fold of every line of an annex, looked at once each, is not worth computing."""
    return len(cell) <= 12 and fold(cell) in ("tt", "stt")


def _known_columns(cells: list[str]) -> bool:
    """Whether cells after the TT one name at least two known columns: a header row, not a row of a table."""
    return sum(1 for c in cells[1:] if column_field(c) is not None) >= 2


def _is_pipe_header(t: str) -> list[str] | None:
    if " | " not in t and not t.strip().endswith("|"):
        return None
    cells = [c.strip() for c in t.split("|")]
    return cells if _is_tt(cells[0]) and _known_columns(cells) else None


def _header_start_ok(cur: str, line: str) -> bool:
    f = fold(f"{cur} {line}".strip())
    return any(h == f or h.startswith(f + " ") or h.startswith(f + ",") for h in _KNOWN_HEADERS)


def read_line_header(lines: list[_Line], i: int, end: int) -> tuple[list[str], int] | None:
    """Header cells of a one-cell-per-line table starting at line i ('TT'/'STT'); (cells, next i)."""
    if not _is_tt(lines[i].text.strip()):
        return None
    cells = [lines[i].text.strip()]
    j = i + 1
    while j < end:
        t = lines[j].text.strip()
        if not t:
            break
        if t[0].islower() and len(cells) > 1 and _header_start_ok(cells[-1], t):
            cells[-1] = f"{cells[-1]} {t}"
        elif t.startswith("(") and t.endswith(")") and len(cells) > 1:  # "(Bộ/ngành/địa phương)" under a header
            cells[-1] = f"{cells[-1]} {t}"
        elif t[0].isupper() and _header_start_ok("", t) and not _STT_RE.match(t):
            cells.append(t)
        else:
            break
        j += 1
    return (cells, j) if _known_columns(cells) else None


def _new_row(label: str, aid: str, raw_stt: str, kind: str, group: str | None, ln: _Line | None = None) -> AnnexRow:
    """A row numbered `raw_stt` ("1.2." -> stt "1.2", parent row "1"), on line `ln` when it has one."""
    stt = raw_stt.strip().rstrip(".")
    row = AnnexRow(annex=label, annex_id=aid, stt=stt, kind=kind, group=group,
                   parent=stt.rsplit(".", 1)[0] if "." in stt else None)
    if ln:
        row.lines, row.start, row.end = [ln.no], ln.start, ln.end
    return row


def _fill_row(row: AnnexRow, headers: list[str], cells: list[str], indicator: bool) -> None:
    row.cells = dict(zip(headers, cells))
    _apply_fields(row, headers, indicator)


def _apply_fields(row: AnnexRow, headers: list[str], indicator: bool) -> None:
    row.lead, row.coordinating = [], []
    for h in headers[1:]:
        c = squash(row.cells.get(h, ""))
        fld = column_field(h, indicator)
        if fld in ("lead", "coordinating"):
            setattr(row, fld, split_agencies(c))
        elif fld in ("task", "product", "deadline", "unit"):
            setattr(row, fld, c)


def _table_kind(headers: list[str]) -> tuple[str, bool]:
    fields = [column_field(h) for h in headers]
    folded = [fold(h) for h in headers]
    if any(f in ROLE_COLUMNS for f in fields):
        return "platform", False
    indicator = any(h.startswith("chi tieu") or "theo doi" in h for h in folded)
    return ("indicator" if indicator else "task"), indicator


def _pipe_rows(block: _Block, aid: str, lines: list[_Line], i: int, headers: list[str]) -> tuple[list[AnnexRow], int]:
    kind, indicator = _table_kind(headers)
    rows: list[AnnexRow] = []
    group: str | None = None
    j = i
    while j < block.end_line:
        ln = lines[j]
        t = ln.text
        if not t.strip():
            j += 1
            continue
        if "|" not in t:
            break
        cells = [c.strip() for c in t.split("|")]
        cells += [""] * (len(headers) - len(cells))
        first = cells[0]
        if _ROMAN_RE.match(first):
            group = cells[1] if len(cells) > 1 else ""
            j += 1
            continue
        if not first and rows:  # continuation line of the row above
            _append_cells(rows[-1], headers, cells, indicator, skip_repeats=True)
            rows[-1].lines.append(ln.no)
            rows[-1].end = ln.end
            j += 1
            continue
        if not _STT_RE.match(first):
            j += 1
            continue
        row = _new_row(block.label, aid, first, kind, group, ln)
        _fill_row(row, headers, cells[: len(headers)], indicator)
        rows.append(row)
        j += 1
    return rows, j


# --- one-cell-per-line (PDF) tables -----------------------------------------------------------

_DEADLINE_RE = re.compile(
    r"^(?:Quý\s+[IV]+/\d{4}|Năm\s+\d{4}|\d{4}(?:\s*[-–]\s*\d{4})?|\d{1,2}/\d{4}|Tháng\s+\d{1,2}/\d{4}|"
    r"Nhiệm vụ thường|Thường xuyên|Hằng năm|Hàng năm|Trong năm \d{4}|Từ năm \d{4}.*|Giai đoạn.*)",
    re.I,
)


def _starts_cell(prev: str, t: str) -> bool:
    """Does line t start a new cell (vs. continue the previous cell's text)?"""
    if not prev:
        return True
    if not t[0].isupper() and not t[0].isdigit() and t[0] not in "(“\"":
        return False
    return not prev.rstrip().endswith((",", " và", " của", " các", " về", " cho", " với", "-", " và các", " thuộc"))


def _next_column(headers: list[str], indicator: bool, col: int, t: str, is_deadline: bool) -> int:
    """Column of a new cell in a PDF row: agencies after the lead stay in 'coordinating';
    a date-like cell jumps to the deadline column; otherwise the next column."""
    ncol = len(headers)
    fields = [column_field(h, indicator) for h in headers]
    cur = fields[col] if col < ncol else None
    if is_deadline and "deadline" in fields[col + 1:]:
        return fields.index("deadline", col + 1)
    if cur == "coordinating" and _is_head(t):
        return col
    return min(col + 1, ncol - 1)


def _pdf_rows(block: _Block, aid: str, lines: list[_Line], i: int, headers: list[str]) -> list[AnnexRow]:
    """Best-effort reading of a one-cell-per-line table: rows start at an STT line; within a row,
    lines are assigned to columns in order, a new column starting at a line that begins a cell.
    Page breaks (repeated header) restart the column sequence of the row being read."""
    kind, indicator = _table_kind(headers)
    ncol = len(headers)
    rows: list[AnnexRow] = []
    group: str | None = None
    row: AnnexRow | None = None
    col = 1
    chunk_cells: list[str] = []
    acc: dict[int, list[str]] = {}

    def flush_chunk() -> None:
        for k, v in enumerate(chunk_cells, start=1):
            if v and k < ncol:
                acc.setdefault(k, []).append(v)

    def close_row() -> None:
        nonlocal row
        if row is None:
            return
        flush_chunk()
        cells = [row.stt] + [squash(" ".join(acc.get(k, []))) for k in range(1, ncol)]
        _fill_row(row, headers, cells, indicator)
        rows.append(row)
        row = None

    j = i
    while j < block.end_line:
        ln = lines[j]
        t = ln.text.strip()
        if not t:
            j += 1
            continue
        hdr = read_line_header(lines, j, block.end_line)
        if hdr:  # repeated header after a page break: restart the column sequence
            flush_chunk()
            chunk_cells, col = [], 1
            j = hdr[1]
            continue
        gm = re.match(r"^(\d+|[IVX]+)\.\s+(\S.*)$", t)
        if gm and not _STT_RE.match(t) and (t[len(gm.group(1)) + 2:][:1].isupper()):
            # group heading "2. Đẩy mạnh ..." (number and title on one line), maybe wrapped
            close_row()
            group = gm.group(2)
            while j + 1 < block.end_line and lines[j + 1].text.strip() and lines[j + 1].text.strip()[0].islower():
                j += 1
                group += " " + lines[j].text.strip()
            chunk_cells, col, acc = [], 1, {}
            j += 1
            continue
        if _STT_RE.match(t) and len(t) <= 8:
            close_row()
            row = _new_row(block.label, aid, t, kind, group, ln)
            chunk_cells, col, acc = [], 1, {}
            j += 1
            continue
        if row is None:
            j += 1
            continue
        if not chunk_cells:
            chunk_cells = [t]
            col = 1
        else:
            cur_fld = column_field(headers[col], indicator) if col < ncol else None
            is_deadline = bool(_DEADLINE_RE.match(t)) and len(t) < 30
            new = _starts_cell(chunk_cells[-1], t)
            if cur_fld == "task" and new and not chunk_cells[-1].rstrip().endswith((".", ";", ":", ")")):
                new = _is_head(t) or is_deadline
            if new:
                nxt = _next_column(headers, indicator, col, t, is_deadline)
                if nxt == col:  # another agency in the same cell (no separator in the PDF text)
                    chunk_cells[col - 1] = f"{chunk_cells[col - 1]}; {t}"
                else:
                    col = nxt
                    chunk_cells += [""] * (col - 1 - len(chunk_cells)) + [t]
            else:
                chunk_cells[-1] = f"{chunk_cells[-1]} {t}"
        row.lines.append(ln.no)
        row.end = ln.end
        j += 1
    close_row()
    # a numbered row with only a title, followed by its sub-rows (1. → 1.1, 1.2 …), is a group heading
    out: list[AnnexRow] = []
    heading: dict[str, str] = {}
    for k, r in enumerate(rows):
        empty = not (r.lead or r.coordinating or r.product or r.deadline)
        if empty and k + 1 < len(rows) and rows[k + 1].parent == r.stt:
            heading[r.stt] = r.task
            continue
        if r.parent in heading:
            r.group = heading[r.parent]
        out.append(r)
    return out


# --- ruled grids (PDF geometry) ---------------------------------------------------------------


def _grid_header(raw: list[str | None]) -> list[str] | None:
    cells = [squash(c or "") for c in raw]
    if not cells or fold(cells[0]).rstrip(" .") not in ("tt", "stt"):
        return None
    return cells if _known_columns(cells) else None


def grid_rows(grids: list[Grid], label: str, aid: str, text: str = "", lo: int = 0, hi: int | None = None) -> list[AnnexRow]:
    """Rows of one annex from its ruled grids, in page order.

    Rules (GUIDE §8, notes of the 175/NQ-CP gold): a header row (TT/STT + known columns) starts a table and
    is skipped where a page repeats it; a covered cell (None) takes the value above it; a blank STT cell
    at the top of a page continues the previous page: when the table merges cells vertically, the row is
    a new task under the carried-over span (STT and every merged column), else it is the rest of the
    previous page's last row (its cells are appended). A row whose only content is a number and a
    title (cells after the second all empty) is a section heading: its title is the group of the rows
    under it. Rows sharing an STT (a span) get keys '1-1', '1-2' … so their ids differ. A row's span is
    where its task text stands in `text` (between lo and hi), else empty at `lo`.
    """
    hi = len(text) if hi is None else hi
    headers: list[str] | None = None
    kind, indicator = "task", False
    rows: list[AnnexRow] = []
    merged: set[int] = set()
    last: list[str] = []
    group: str | None = None
    cursor = lo
    for grid in grids:
        page_top = True
        for raw in grid.rows:
            hdr = _grid_header(raw)
            if hdr:
                if hdr != headers:
                    headers, merged, last = hdr, set(), []
                    kind, indicator = _table_kind(hdr)
                continue
            if headers is None or len(raw) != len(headers):
                continue
            cells = [squash(c) if c is not None else None for c in raw]
            if cells[0] and cells[1] and all(not c for c in cells[2:]):
                group, last, page_top = cells[1], [], False
                continue
            for c, v in enumerate(cells):
                if v is None:
                    merged.add(c)
                    cells[c] = last[c] if c < len(last) else ""
            filled: list[str] = [c or "" for c in cells]
            if not filled[0] and last:
                task_col = next((k for k, h in enumerate(headers) if column_field(h, indicator) == "task"), 1)
                starts_low = filled[task_col][:1].islower()
                if page_top and rows and (not merged or starts_low):
                    _append_cells(rows[-1], headers, filled, indicator)
                    page_top = False
                    continue
                for c in merged | {0}:
                    if not filled[c]:
                        filled[c] = last[c]
            page_top = False
            if not filled[0]:
                continue
            row = _new_row(label, aid, filled[0], kind, group)
            _fill_row(row, headers, filled, indicator)
            row.start = row.end = lo
            task = row.task or next((v for v in filled[1:] if v), "")
            found = _locate(text, task, cursor, hi)
            if found:
                row.start, row.end = found
                cursor = found[0]
            rows.append(row)
            last = filled
    counts = Counter(r.stt for r in rows)
    seen: Counter[str] = Counter()
    for r in rows:
        if counts[r.stt] > 1:
            seen[r.stt] += 1
            r.key = f"{r.stt}-{seen[r.stt]}"
    return rows


def _append_cells(row: AnnexRow, headers: list[str], cells: list[str], indicator: bool, skip_repeats: bool = False) -> None:
    """The rest of a row that a line or page break cut: each non-empty cell joins its column with one space;
    with `skip_repeats`, one that repeats text already in the row (15 folded characters or more) is a wrapped
    duplicate, dropped."""
    existing = [fold(v) for v in row.cells.values()] if skip_repeats else []
    for h, c in zip(headers[1:], cells[1:]):
        if c and not (existing and len(fold(c)) >= 15 and any(fold(c) in e for e in existing)):
            row.cells[h] = f"{row.cells.get(h, '')} {c}".strip()
    _apply_fields(row, headers, indicator)


def _locate(text: str, cell: str, lo: int, hi: int) -> tuple[int, int] | None:
    """Span of a cell's words in text[lo:hi], whatever the line breaks between them (first 12 words)."""
    words = cell.split()[:12]
    if not words or not text:
        return None
    m = re.compile(r"\s+".join(map(re.escape, words))).search(text, lo, hi)
    return (m.start(), m.end()) if m else None


# --- entry point ------------------------------------------------------------------------------


def layout_doubt(headers: list[str], lines: list[_Line], j: int, end: int) -> str | None:
    """Why a one-cell-per-line table cannot be read with confidence, else None.

    A text copy prints a vertically merged cell where its text is centred, in the middle of its span
    (GUIDE §8): where the lead column stands before the task column, one lead cell spans several tasks,
    and table text before the first row number is a row whose number is printed later.
    """
    fields = [column_field(h) for h in headers]
    if "lead" in fields and "task" in fields and fields.index("lead") < fields.index("task"):
        return (f"its '{headers[fields.index('lead')]}' column comes before the task column, so one cell spans "
                "several tasks, and a text copy prints such a cell in the middle of its span")
    while j < end and not lines[j].text.strip():
        j += 1
    if j < end and not _STT_RE.match(lines[j].text.strip()) and not re.match(r"^(\d+|[IVX]+)\.\s", lines[j].text):
        return f"table text on line {lines[j].no} comes before the first row number (a merged cell printed mid-span)"
    return None


_FURNITURE_IN_CELL = re.compile(r"CÔNG BÁO/|Người ký:|Thời gian ký:")


def _rows_doubt(rows: list[AnnexRow]) -> str | None:
    """Why rows read from a one-cell-per-line table are not to be trusted, else None: row numbers that
    do not run in order (a year or a number inside a cell taken for a row number) or page furniture
    inside a cell (a page break the reader did not see)."""
    prev = 0
    for r in rows:
        top = r.stt.split(".")[0]
        if not top.isdigit() or not prev <= int(top) <= prev + 3:
            return f"row numbers do not run in order ({r.stt!r} after {prev})"
        prev = int(top)
        if any(_FURNITURE_IN_CELL.search(v) for v in r.cells.values()):
            return f"page furniture inside row {r.stt}'s cells"
    return None


def _pdf_grids(source: str | None, errors: list[str] | None) -> PdfTables | None:
    """The ruled tables of `source` when it is a PDF file, else None; a PDF whose geometry cannot be read
    gives one warning and the text layer is used."""
    if not source:
        return None
    path = Path(source)
    try:
        with path.open("rb") as fh:
            if b"%PDF-" not in fh.read(1024):
                return None
    except OSError:
        return None
    try:
        from ingest.pdf_tables import read_pdf_tables

        return read_pdf_tables(path)
    except Exception as exc:  # a broken page must not cost the document: fall back to the text layer
        if errors is not None:
            errors.append(f"annex tables not read from the PDF geometry ({type(exc).__name__}: {exc}); text layer used")
        return None


def _grids_of(pdf: PdfTables | None, number: str | None) -> list[Grid]:
    """The grids on the pages of the annex numbered `number` (up to the next annex heading)."""
    if pdf is None:
        return []
    heads = pdf.annexes
    for k, (num, page) in enumerate(heads):
        if num == number:
            stop = heads[k + 1][1] if k + 1 < len(heads) else 10**9
            return [g for g in pdf.grids if page <= g.page < stop]
    return []


def parse_annexes(text: str, errors: list[str] | None = None, source: str | None = None) -> tuple[list[Provision], list[AnnexRow]]:
    """Annex provisions (title, subtitle, span) and their table rows, columns mapped by header.

    When `source` is a PDF file, an annex whose pages hold ruled tables is read from their geometry
    (`grid_rows`). A one-cell-per-line table that cannot be read with confidence (`layout_doubt`) gives
    no rows and a line in `errors`: a guessed row would be stored as a fact.
    """
    first = _ANNEX_RE.search(text)
    if not first:  # most documents have no annex: skip cutting the text into lines
        return [], []
    lines = text_lines(text, first.start())  # from the first annex head, which starts a line (re.M '^')
    blocks = _find_blocks(lines)
    pdf = _pdf_grids(source, errors)
    unnumbered = sum(1 for b in blocks if not b.number)
    provisions: list[Provision] = []
    rows: list[AnnexRow] = []
    for k, b in enumerate(blocks):
        aid = annex_id(b.number, k, len(blocks) if unnumbered == len(blocks) else 0)
        i = _read_titles(b, lines)
        start = lines[b.start_line].start
        end = lines[b.end_line - 1].end if b.end_line > b.start_line else lines[b.start_line].end
        provisions.append(
            Provision(id=aid, kind="annex", label=b.label, heading=b.title, text=b.subtitle, start=start, end=end)
        )
        grids = _grids_of(pdf, b.number)
        if grids:
            rows.extend(grid_rows(grids, b.label, aid, text, start, end))
            continue
        j = i
        while j < b.end_line:
            t = lines[j].text.strip()
            headers = _is_pipe_header(t) if t else None
            if headers:
                got, j = _pipe_rows(b, aid, lines, j + 1, headers)
                rows.extend(got)
                continue
            if t and _is_tt(t):
                hdr = read_line_header(lines, j, b.end_line)
                if hdr:
                    doubt = layout_doubt(hdr[0], lines, hdr[1], b.end_line)
                    got = [] if doubt else _pdf_rows(b, aid, lines, hdr[1], hdr[0])
                    doubt = doubt or _rows_doubt(got)
                    if doubt:
                        if errors is not None:
                            errors.append(f"{b.label}: table not read, no rows stored: {doubt}")
                        break
                    rows.extend(got)
                    break
            j += 1
    return provisions, rows
