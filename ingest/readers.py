"""Read a legal document file (txt, html, docx, pdf) into normalised Unicode text.

Everything downstream (header, structure, citations) works on one kind of text: NFC, LF line
ends, tables as " | " rows (the corpus format), no page furniture. The format is sniffed from the
bytes, not trusted from the extension, because saved web pages and renamed files lie. Any file
we cannot read gives a ReadError whose one-line message names the file and the problem, so a
batch can report it and go on.
"""

from __future__ import annotations

import io
import logging
import math
import re
import zipfile
import zlib
from contextlib import closing
from pathlib import Path

from cancu.config import Settings, current
from cancu.text import nfc
from ingest.encodings import decode_cp1258, guess_legacy, repair_legacy_unicode

log = logging.getLogger(__name__)

# the defaults, named for tests and messages; the values in force come from cancu.config.Settings
DEFAULT_MAX_BYTES = Settings.max_bytes
DEFAULT_MAX_CHARS = Settings.max_chars
HTML_SUFFIXES = {".html", ".htm", ".xhtml", ".aspx", ".php"}
INPUT_SUFFIXES = {".txt", ".html", ".htm", ".docx", ".pdf"}  # what `cancu ingest` takes from a folder, an upload's names


class ReadError(ValueError):
    """A file that cannot be read as a document; str() is '<file>: <problem>' on one line."""

    def __init__(self, path: Path | str, problem: str) -> None:
        self.path = str(path)
        self.problem = " ".join(str(problem).split())
        super().__init__(f"{self.path}: {self.problem}")

    def __reduce__(self) -> tuple:  # crosses from a parse worker process (ingest.parse_worker) intact
        return (ReadError, (self.path, self.problem))


def read_text(path: Path | str, *, limit: int | None = None) -> str:
    """The normalised text of the document at `path`, whatever its container and encoding.

    Raises ReadError (message names the file and the problem) for missing, empty, oversized,
    binary, corrupt, scanned or unsupported files.
    """
    path = Path(path)
    data = _read_bytes(path, current().max_bytes if limit is None else limit)
    kind = sniff(data, path)
    if kind == "pdf":
        text = _pdf_text(data, path)
    elif kind == "docx":
        text = _docx_text(data, path)
    else:
        text = _decode_text(data, path)
        if kind == "html" or _looks_like_html(text):
            kind = "html"
            text = html_to_text(text)
    repaired, legacy = repair_legacy_unicode(text)
    if legacy:
        log.warning("%s: text was in %s font codes; converted to Unicode", path, legacy)
        text = repaired
    text = normalise(text)
    if len(text) > (cap := current().max_chars):
        raise ReadError(path, f"text is {len(text):,} characters long, over the limit of {cap:,} characters "
                              "(CANCU_MAX_CHARS)")
    if not text.strip():
        what = {"html": "HTML page has no body text (only scripts, styles or navigation?)"}.get(kind, "no text")
        raise ReadError(path, what)
    return text


# --- bytes and sniffing -------------------------------------------------------------------------
def _read_bytes(path: Path, limit: int) -> bytes:
    try:
        if path.is_dir():
            raise ReadError(path, "is a directory, not a file")
        size = path.stat().st_size
        if size > limit:
            raise ReadError(path, f"too large: {size:,} bytes, over the limit of {limit:,} bytes (CANCU_MAX_BYTES)")
        with path.open("rb") as fh:
            data = fh.read(limit + 1)
    except FileNotFoundError:
        raise ReadError(path, "no such file (or a broken link)") from None
    except PermissionError:
        raise ReadError(path, "cannot read: permission denied") from None
    except OSError as exc:
        raise ReadError(path, f"cannot read: {exc.strerror or exc}") from None
    if len(data) > limit:  # grew while we read, or a special file
        raise ReadError(path, f"too large: over the limit of {limit:,} bytes (CANCU_MAX_BYTES)")
    if not data.strip():
        raise ReadError(path, "empty" if not data else "empty (only white space)")
    return data


_UNSUPPORTED_MAGIC = [
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "legacy Word .doc/.xls (OLE2) is not supported; save it as .docx"),
    (b"{\\rtf", "RTF is not supported; save it as .docx or .txt"),
    (b"\x89PNG\r\n\x1a\n", "a PNG image, not a document (scanned? OCR it first)"),
    (b"\xff\xd8\xff", "a JPEG image, not a document (scanned? OCR it first)"),
    (b"GIF8", "a GIF image, not a document"),
    (b"II*\x00", "a TIFF image, not a document (scanned? OCR it first)"),
    (b"MM\x00*", "a TIFF image, not a document (scanned? OCR it first)"),
    (b"%!PS", "PostScript is not supported; convert it to PDF"),
    (b"\x1f\x8b", "gzip-compressed; unpack it first"),
    (b"Rar!", "a RAR archive; unpack it first"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive; unpack it first"),
    (b"\x7fELF", "binary, not text (an executable)"),
    (b"MZ", "binary, not text (an executable)"),
]


def sniff(data: bytes, path: Path) -> str:
    """'pdf', 'docx', 'html' or 'text' from the bytes; ReadError for anything else."""
    head = data[:1024]
    if b"%PDF-" in head:
        return "pdf"
    if data.startswith(b"PK\x03\x04") or data.startswith(b"PK\x05\x06"):
        return "docx"
    if path.suffix.lower() == ".pdf":
        raise ReadError(path, "named .pdf but is not a PDF (no %PDF- header; truncated or corrupt?)")
    if path.suffix.lower() in {".docx", ".docm"}:
        raise ReadError(path, "corrupt DOCX: not a zip archive")
    for magic, problem in _UNSUPPORTED_MAGIC:
        if data.startswith(magic):
            raise ReadError(path, problem)
    if path.suffix.lower() in HTML_SUFFIXES:
        return "html"
    return "text"


def _decode_text(data: bytes, path: Path) -> str:
    """Bytes of a text or HTML file -> str: UTF-8 (± BOM), UTF-16 (BOM or evident), legacy."""
    if data.startswith(b"\xef\xbb\xbf"):
        return _strict(data[3:], "utf-8", path)
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return _strict(data, "utf-16", path)
    utf16 = _utf16_without_bom(data)
    if utf16:
        return _strict(data, utf16, path)
    if b"\x00" in data[:8192] or _control_share(data[:8192]) > 0.05:
        raise ReadError(path, "binary, not text")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        utf8_error = exc
    declared = _declared_charset(data)
    if declared in {"windows-1258", "cp1258"}:
        return decode_cp1258(data)
    guess = guess_legacy(data)
    if guess is not None:
        name, text, _ = guess
        if name != "Windows-1258":
            log.warning("%s: converted from the legacy %s font encoding", path, name)
        return text
    high = sum(1 for b in data if b >= 0x80)
    if high <= max(2, len(data) // 200):  # a stray symbol in ASCII text: a Western code page
        return data.decode("cp1252", errors="replace")
    raise ReadError(
        path,
        f"not UTF-8 (bad byte 0x{data[utf8_error.start]:02X} at offset {utf8_error.start}) and not a recognised "
        "Vietnamese encoding (tried Windows-1258, TCVN3 (ABC), VNI); convert it to UTF-8 first",
    )


def _strict(data: bytes, codec: str, path: Path) -> str:
    try:
        return data.decode(codec)
    except UnicodeDecodeError as exc:
        raise ReadError(path, f"invalid {codec.upper()} at byte {exc.start} (truncated or mixed encodings?)") from None


def _utf16_without_bom(data: bytes) -> str | None:
    sample = data[:4096]
    if len(sample) < 8:
        return None
    even, odd = sample[0::2], sample[1::2]
    if odd.count(0) > 0.4 * len(odd) and even.count(0) < 0.05 * len(even):
        return "utf-16-le"
    if even.count(0) > 0.4 * len(even) and odd.count(0) < 0.05 * len(odd):
        return "utf-16-be"
    return None


_NOT_CONTROL = bytes(b for b in range(256) if not (b < 0x20 and b not in (9, 10, 12, 13, 27)))


def _control_share(sample: bytes) -> float:
    # the control bytes, counted in C, not byte by byte
    return len(sample.translate(None, _NOT_CONTROL)) / len(sample) if sample else 0.0


_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([\w-]+)""", re.IGNORECASE)


def _declared_charset(data: bytes) -> str | None:
    m = _META_CHARSET.search(data[:4096])
    return m.group(1).decode("ascii").lower() if m else None


_HTML_START = re.compile(r"^\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body)\b", re.I | re.S)


def _looks_like_html(text: str) -> bool:
    return bool(_HTML_START.match(text[:2048]))


# --- HTML ---------------------------------------------------------------------------------------
_NOISE_TAGS = [
    "script", "style", "noscript", "template", "iframe", "svg", "canvas", "object", "embed", "head",
    "nav", "header", "footer", "aside", "button", "select", "input", "textarea", "link", "meta",
]
# where vbpl.vn and thuvienphapluat.vn keep the text, then generic containers
_CONTENT_SELECTORS = [
    "#toanvancontent", ".toanvancontent", "#divContentDoc", ".cldivContentDocVn", ".content1",
    "#ctl00_Content_ThongTinVB_divNoiDung", "#divNoiDung", ".fulltext", ".vbContent",
    "article", "main", "#content", ".content",
]
_BLOCK_TAGS = {
    "p", "div", "section", "article", "main", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "dl", "dt",
    "dd", "blockquote", "pre", "center", "address", "figure", "figcaption", "hr", "body", "html", "caption",
}


_ROW = "\x00"  # marks a table row line, whose empty cells ("a |  | b") must keep their spaces


def html_to_text(html: str) -> str:
    """Body text of an HTML page: blocks -> lines, <br> -> newline, tables -> ' | ' rows."""
    from bs4 import BeautifulSoup, Comment

    soup = BeautifulSoup(html, "lxml")
    for tag in soup(_NOISE_TAGS):
        tag.decompose()
    for comment in soup.find_all(string=lambda s: isinstance(s, Comment)):
        comment.extract()
    root = _content_root(soup)
    out: list[str] = []
    _emit(root, out)
    text = "".join(out)
    lines = [line[1:].strip() if line.startswith(_ROW) else " ".join(line.split()) for line in text.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip("\n") + "\n"


def _content_root(soup: object) -> object:
    body = soup.body or soup  # type: ignore[attr-defined]
    total = len(body.get_text(" ", strip=True))
    for selector in _CONTENT_SELECTORS:
        for node in soup.select(selector):  # type: ignore[attr-defined]
            size = len(node.get_text(" ", strip=True))
            if size >= 200 or (total and size >= 0.3 * total and size > 0):
                return node
    return body


def _emit(node: object, out: list[str]) -> None:
    from bs4 import NavigableString, Tag

    for child in node.children:  # type: ignore[attr-defined]
        if isinstance(child, NavigableString):
            out.append(re.sub(r"\s+", " ", str(child)))
        elif isinstance(child, Tag):
            name = child.name
            if name == "br":
                out.append("\n")
            elif name == "table":
                out.append("\n\n")
                out.extend(_ROW + row + "\n" for row in _html_table_rows(child))
                out.append("\n")
            elif name == "pre":
                out.append("\n\n" + child.get_text() + "\n\n")
            elif name in _BLOCK_TAGS:
                out.append("\n\n")
                _emit(child, out)
                out.append("\n\n")
            else:
                _emit(child, out)


def _html_table_rows(table: object) -> list[str]:
    """One line per <tr> (`_pipe_lines`); colspan keeps columns."""
    rows: list[list[str]] = []
    for tr in table.find_all("tr"):  # type: ignore[attr-defined]
        if tr.find_parent("table") is not table:
            continue  # a nested table's row: its text is in the outer cell
        cells: list[str] = []
        for td in tr.find_all(["td", "th"], recursive=False):
            parts: list[str] = []
            _emit(td, parts)
            cells += _cells("".join(parts), td.get("colspan"))
        rows.append(cells)
    return _pipe_lines(rows)


def _cells(text: str, span: object) -> list[str]:
    """A table cell on one line ('|' in it would split it: '/'), then an empty cell for each further column it
    spans (1 to 50 in all), so the columns after it keep their places."""
    try:
        n = max(1, min(int(str(span)), 50))
    except (TypeError, ValueError):
        n = 1
    return [" ".join(text.replace("|", "/").split())] + [""] * (n - 1)


def _pipe_lines(rows: list[list[str]]) -> list[str]:
    """Rows as lines of cells joined by ' | ', padded to the widest row; a row of empty cells is left out."""
    width = max((len(r) for r in rows), default=0)
    return [" | ".join(r + [""] * (width - len(r))).rstrip() for r in rows if any(c for c in r)]


# --- DOCX ---------------------------------------------------------------------------------------
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _docx_text(data: bytes, path: Path) -> str:
    """Paragraphs and tables in body order (tables as ' | ' rows)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            names = set(zf.namelist())
            if "word/document.xml" not in names:
                kind = "an ODF document" if "content.xml" in names else "a zip archive"
                raise ReadError(path, f"{kind}, not a DOCX (no word/document.xml)")
            _check_inflation(zf, path)
    except ReadError:
        raise
    except (zipfile.BadZipFile, ValueError, OverflowError) as exc:  # a damaged directory: offsets past either end
        raise ReadError(path, f"corrupt DOCX: not a readable zip archive ({exc})") from None
    try:
        import docx

        document = docx.Document(io.BytesIO(data))
    except Exception as exc:  # python-docx raises many kinds on broken parts
        raise ReadError(path, f"corrupt DOCX: {type(exc).__name__}: {exc}") from None
    lines: list[str] = []
    _docx_blocks(document.element.body, lines)
    if not any(line.strip() for line in lines):
        raise ReadError(path, "DOCX has no text")
    return "\n".join(lines) + "\n"


def _check_inflation(zf: zipfile.ZipFile, path: Path) -> None:
    """Refuse a DOCX that unpacks to more than Settings.max_inflated bytes, or has a damaged member.

    The sizes come from the zip directory, so a zip bomb is refused before anything is unpacked.
    A directory that understates a size gains nothing: zipfile stops each member at its stated
    size (and its CRC then fails), which the full read below turns into "damaged member".
    """
    limit = current().max_inflated
    declared = sum(info.file_size for info in zf.infolist())
    if declared > limit:
        raise ReadError(path, f"DOCX inflates to {_mb(declared)} MB, over the limit of {_mb(limit)} MB (CANCU_MAX_INFLATED)")
    for info in zf.infolist():
        try:
            with zf.open(info) as member:
                while member.read(1 << 20):
                    pass
        except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError, ValueError,
                OverflowError) as exc:  # ValueError: an offset before the start ("negative seek value", found by fuzzing)
            raise ReadError(path, f"corrupt DOCX: damaged member {info.filename} ({exc})") from None


def _mb(size: int) -> str:
    return f"{size / 1_000_000:,.1f}".removesuffix(".0")


def _docx_blocks(container: object, lines: list[str]) -> None:
    for child in container.iterchildren():  # type: ignore[attr-defined]
        tag = child.tag
        if tag == f"{_W}p":
            lines += [_docx_par_text(child), ""]
        elif tag == f"{_W}tbl":
            lines += [*_docx_table_rows(child), ""]
        elif tag in (f"{_W}sdt", f"{_W}sdtContent", f"{_W}customXml", f"{_W}ins"):
            _docx_blocks(child, lines)


def _docx_par_text(p: object) -> str:
    """Visible text of a w:p: runs, tabs, line breaks; deleted text (w:del) skipped."""
    parts: list[str] = []
    for el in p.iter():  # type: ignore[attr-defined]
        tag = el.tag
        if tag == f"{_W}t":
            if not any(a.tag == f"{_W}del" for a in el.iterancestors()):
                parts.append(el.text or "")
        elif tag == f"{_W}tab":
            parts.append("\t")
        elif tag in (f"{_W}br", f"{_W}cr"):
            parts.append("\n")
        elif tag == f"{_W}noBreakHyphen":
            parts.append("-")
    return "".join(parts)


def _docx_table_rows(tbl: object) -> list[str]:
    rows: list[list[str]] = []
    for tr in tbl.iterchildren(f"{_W}tr"):  # type: ignore[attr-defined]
        cells: list[str] = []
        for tc in tr.iterchildren(f"{_W}tc"):
            texts: list[str] = []
            for el in tc.iterchildren():
                if el.tag == f"{_W}p":
                    texts.append(_docx_par_text(el))
                elif el.tag == f"{_W}tbl":  # nested table: flatten into the cell
                    texts.extend(_docx_table_rows(el))
            span = tc.find(f"{_W}tcPr/{_W}gridSpan")
            cells += _cells(" ".join(texts), None if span is None else span.get(f"{_W}val"))
        rows.append(cells)
    return _pipe_lines(rows)


# --- PDF ----------------------------------------------------------------------------------------
# pdfium joins a line that ended in a hyphen to the next and marks the hyphen U+FFFE (replaced by
# "-" below); Vietnamese words are never split, so in the gazette it is the hyphen of a number
# ("157/2025/NĐ-" + "CP")
_SAMPLES_PER_PAGE = 32


def _pdf_text(data: bytes, path: Path) -> str:
    """Text layer in reading order (pdfium's); every page ends with a form feed (page furniture is trimmed later).

    Pages are read one at a time and every pdfium object is closed as soon as it is done, so
    memory follows the text, not the file; the page count and the text length are bounded.
    """
    import pypdfium2 as pdfium

    # loaded by hand: pypdfium2's PdfDocument(bytes) reads FPDF_GetLastError even when the load
    # worked (a PDF of no pages), and that error can be left over from another file
    handle = pdfium.raw.FPDF_LoadMemDocument64(data, len(data), None)
    if not handle:
        code = pdfium.raw.FPDF_GetLastError()
        if code in (pdfium.raw.FPDF_ERR_PASSWORD, pdfium.raw.FPDF_ERR_SECURITY):
            raise ReadError(path, "encrypted PDF; remove the password first")
        raise ReadError(path, f"corrupt PDF: {pdfium.internal.ErrorToStr.get(code)}")
    pdf = pdfium.PdfDocument(handle)  # closes the handle when closed
    try:
        count, limit, chars = len(pdf), current().max_pdf_pages, current().max_chars
        if count == 0:
            raise ReadError(path, "PDF has no pages")
        if count > limit:
            raise ReadError(path, f"PDF has {count:,} pages, over the limit of {limit:,} pages (CANCU_MAX_PDF_PAGES)")
        pages: list[str] = []
        size = unmapped = sampled = 0
        for index in range(count):
            text, errors, samples = _pdf_page(pdf, index, path)
            pages.append(text)
            size, unmapped, sampled = size + len(text), unmapped + errors, sampled + samples
            if size > 2 * chars:  # raw text: CRLF, trailing spaces; read_text checks the final length exactly
                raise ReadError(path, f"PDF text passes twice the limit of {chars:,} characters (CANCU_MAX_CHARS) "
                                      f"by page {index + 1:,} of {count:,}")
    finally:
        pdf.close()
    text = "".join(page + "\f" for page in pages).replace("\ufffe", "-")
    if not text.replace("\f", "").strip():
        raise ReadError(path, "no text layer (scanned PDF?); OCR it first")
    if unmapped * 3 > sampled:  # pdfium hands out glyph numbers as characters: the text is noise
        raise ReadError(path, "PDF text layer has no Unicode mapping (glyph codes, not letters); OCR it or re-export it")
    return text


def _pdf_page(pdf: object, index: int, path: Path) -> tuple[str, int, int]:
    """One page's text, and how many of a sample of its characters pdfium could not map to Unicode."""
    import pypdfium2 as pdfium

    try:
        with closing(pdf.get_page(index)) as page, closing(page.get_textpage()) as textpage:  # type: ignore[attr-defined]
            text = textpage.get_text_range()
            count = textpage.count_chars()
            sample = range(0, count, max(1, count // _SAMPLES_PER_PAGE))
            errors = sum(1 for i in sample if pdfium.raw.FPDFText_HasUnicodeMapError(textpage, i) == 1)
            if len(text) == count:  # text index = char index (pdfium may drop or add one, rarely)
                text = _join_split_lines(textpage, text)
            return text, errors, len(sample)
    except pdfium.PdfiumError as exc:
        raise ReadError(path, f"corrupt PDF: page {index + 1}: {_pdfium_reason(exc)}") from None


def _join_split_lines(textpage: object, text: str) -> str:
    """Remove the line breaks pdfium puts between two glyphs that stand side by side on one baseline.

    It does so in some annex tables of the gazette, where letters are placed one by one
    ("Thông tin c" / "ụ th" / "ể như sau:"); a break there is no line end.
    """
    out: list[str] = []
    last = 0
    for m in re.finditer("\r\n", text):
        i = m.start()
        if 0 < i and i + 2 < len(text) and not text[i - 1].isspace() and not text[i + 2].isspace():
            gap = _gap_on_baseline(textpage, i - 1, i + 2)
            if gap is not None:
                out += [text[last:i], " " if gap > 0.2 else ""]
                last = i + 2
    return "".join(out) + text[last:]


def _gap_on_baseline(textpage: object, a: int, b: int) -> float | None:
    """Space from glyph a to glyph b in ems, when b follows a on a's baseline within a third of an em.

    Measured along the writing direction, so it holds for the running headers printed sideways
    on landscape pages too (pdfium's char angle turns clockwise).
    """
    import ctypes

    import pypdfium2.raw as raw

    angle = raw.FPDFText_GetCharAngle(textpage, a)
    if abs(angle - raw.FPDFText_GetCharAngle(textpage, b)) > 0.01:
        return None
    size = raw.FPDFText_GetFontSize(textpage, a) or 1.0
    dx, dy = math.cos(angle), -math.sin(angle)
    ax, ay, bx, by = (ctypes.c_double() for _ in range(4))
    raw.FPDFText_GetCharOrigin(textpage, a, ax, ay)
    raw.FPDFText_GetCharOrigin(textpage, b, bx, by)
    along = (bx.value - ax.value) * dx + (by.value - ay.value) * dy
    across = (bx.value - ax.value) * dy - (by.value - ay.value) * dx
    if abs(across) > 0.25 * size or along < 0:
        return None
    # loose boxes span each glyph's advance, so two letters set side by side touch (gap 0)
    a_end = max(_along(textpage.get_charbox(a, loose=True), dx, dy))  # type: ignore[attr-defined]
    b_start = min(_along(textpage.get_charbox(b, loose=True), dx, dy))  # type: ignore[attr-defined]
    gap = (b_start - a_end) / size
    return gap if -0.3 < gap < 0.3 else None


def _along(box: tuple[float, float, float, float], dx: float, dy: float) -> list[float]:
    left, bottom, right, top = box
    return [x * dx + y * dy for x in (left, right) for y in (bottom, top)]


def _pdfium_reason(exc: Exception) -> str:
    """pdfium's own words ("Data format error"), without the wrapper's "Failed to load document"."""
    m = re.search(r"\(PDFium: (.+?)\.?\)", str(exc))
    return m.group(1) if m else str(exc).rstrip(".")


# --- normalisation ------------------------------------------------------------------------------
_SPACES = dict.fromkeys(map(ord, "\u00a0\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000"), " ")
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)
_TRANSLATE = {**_SPACES, **_INVISIBLE, ord("\u2028"): "\n", ord("\u2029"): "\n", ord("\v"): "\n", ord("\x85"): "\n"}
_TO_TRANSLATE = re.compile("[" + "".join(map(chr, _TRANSLATE)) + "]+")  # str.translate is slow per character
_PAGE_FURNITURE = re.compile(
    r"^[ \t]*(?:-[ \t]*\d{1,4}[ \t]*-|–[ \t]*\d{1,4}[ \t]*–|Trang[ \t]+\d{1,4}(?:[ \t]*(?:/|trên)[ \t]*\d{1,4})?"
    r"|Page[ \t]+\d{1,4}(?:[ \t]+of[ \t]+\d{1,4})?)[ \t]*$",
    re.IGNORECASE,
)
_CONTROLS = re.compile("[\x00-\x08\x0b\x0d-\x1f\x7f-\x9f]")  # category Cc but tab, line feed, form feed
_LONE_NUMBER = re.compile(r"^[ \t]*\d{1,4}(?:[ \t]*/[ \t]*\d{1,4})?[ \t]*$")


def normalise(text: str) -> str:
    """NFC (Ð -> Đ), LF line ends, plain spaces, no zero-width characters, no page furniture.

    A lone number line is removed only next to a page break (form feed), where it is surely a
    page number; elsewhere it could be a table cell or a list number, so it stays.
    """
    text = _TO_TRANSLATE.sub(lambda m: m.group().translate(_TRANSLATE), text.replace("\r\n", "\n").replace("\r", "\n"))
    text = nfc(text)
    text = _CONTROLS.sub("", text)
    if "\f" in text:
        pages = text.split("\f")
        last = len(pages) - 1
        text = "\n".join(_trim_page(p, top=i > 0, bottom=i < last) for i, p in enumerate(pages))
        text = re.sub(r"\n[ \t]*\n(?:[ \t]*\n)+", "\n\n", text)  # page seams leave blank runs
    lines = [line.rstrip() for line in text.split("\n")]
    lines = [line for line in lines if not _PAGE_FURNITURE.match(line)]
    text = "\n".join(lines).strip("\n")
    return text + "\n" if text else ""


def _trim_page(page: str, *, top: bool, bottom: bool) -> str:
    """Blank a page-number line at the top (after a break) and/or bottom (before one) of a page."""
    lines = page.split("\n")
    orders = ([range(len(lines))] if top else []) + ([range(len(lines) - 1, -1, -1)] if bottom else [])
    for order in orders:
        for i in order:
            if not lines[i].strip():
                continue
            if _LONE_NUMBER.match(lines[i]) or _PAGE_FURNITURE.match(lines[i]):
                lines[i] = ""
            break
    return "\n".join(lines)
