"""files → normalise → segment → parse → extract → resolve: one `Document` per file.

Problems that do not stop parsing (no number, no date, a truncated header) are recorded in
`Document.errors`; a file that cannot be read at all raises `ingest.readers.ReadError`.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import fields
from functools import lru_cache
from pathlib import Path
from typing import Callable

from cancu.numbers import LAW_TYPES, find_numbers
from cancu.text import fold, nfc, squash
from ingest import names, roles, tables
from ingest.citations import body_refs, find_self, preamble_refs
from ingest.furniture import blank_furniture
from ingest.header import CONSOLIDATED, HEAD, NUMBER_LINE, IssuerNamer, parse_header
from ingest.models import AnnexRow, Document, Heading, Ref, SelfRef
from ingest.readers import read_text
from ingest.resolve import Registry, number_of, own_id, resolve, self_target
from ingest.structure import ANNEX_START, Innermost, parse_structure

_DECISION_MARK = re.compile(
    r"^\s*(QUYẾT ĐỊNH|QUYẾT NGHỊ|NGHỊ QUYẾT|CHỈ THỊ|BAN HÀNH)\s*:\s*$", re.MULTILINE
)
# The opening formula of a consolidated text: the base document "…, được sửa đổi, bổ sung bởi:" its amending ones
_CONSOLIDATION = re.compile(r"được\s+sửa\s+đổi,?\s+bổ\s+sung\s+bởi\s*:")
_CONTINUED = re.compile(r"\(Xem\s+tiếp\s+Công\s+báo\s+số\s+(?P<issue>\d[\d \t+]*?)\s*\)")
MIN_WORDS = 40
_FATAL = ("header truncated", "almost no text", "the continuation of a text")  # errors that leave no document worth storing
TRUNCATED = "header truncated: no date of issue and no text after the number line"
_OPENER = re.compile(r"^[ \t]*(Căn cứ|Thực hiện|Theo đề nghị|Xét đề nghị|\[\.\.\.\] đề nghị)", re.MULTILINE)
_FIRST_HEADING = re.compile(r"^[ \t]*(Điều\s+1\s*[.:]|Chương\s+I\b|CHƯƠNG\s+I\b|I\s*\.\s+\S|Phần\s+I\b|PHẦN\s+I\b)", re.MULTILINE)


@lru_cache(maxsize=1)
def issuer_namer() -> IssuerNamer:
    """Issuer names by number code and by folded name, from the gazetteer."""
    entities = names.load_gazetteer()
    by_code = {e.abbreviation: e.name for e in entities if e.abbreviation}
    by_fold = {fold(n): e.name for e in entities for n in (e.name, *e.aliases)}
    return IssuerNamer(by_code, by_fold)


def unstorable(doc: Document) -> str | None:
    """Why `doc` must not be stored (no identity, or a header cut before its date), else None."""
    if not doc.doc_id or any(e.startswith(_FATAL) for e in doc.errors):
        return "; ".join(doc.errors) or "no document identity"
    return None


def parse_path(path: Path | str, registry: Registry | None = None) -> Document:
    """Read and parse one file (txt, html, docx, pdf)."""
    path = Path(path)
    return parse_text(read_text(path), str(path), registry)


def parse_text(text: str, source: str, registry: Registry | None = None) -> Document:
    """Parse normalised text; spans in the result index into `Document.text`."""
    text = blank_furniture(nfc(text))
    h = parse_header(text, issuer_namer())
    doc = Document(source=source, text=text, **{f.name: getattr(h, f.name) for f in fields(Heading)})
    words = len(text.split(maxsplit=MIN_WORDS))  # the count when under MIN_WORDS: no need to split a whole text
    if words < MIN_WORDS:
        doc.errors.append(f"almost no text ({words} words besides gazette page furniture: pages printed as images?)")
    consolidation = _CONSOLIDATION.search(text, h.body_start, h.body_start + HEAD)
    if consolidation and _OPENER.search(text, h.body_start, consolidation.start()):
        consolidation = None  # the formula opens a consolidated text; after a Căn cứ line it is a legal basis's wording
    if h.continued_from and doc.number:
        doc.errors.append(f"the text continues one begun in an earlier gazette issue (\"Tiếp theo Công báo số "
                          f"{h.continued_from}\"): this file holds only the part printed in this issue, without the "
                          "header and legal bases printed there")
    elif h.continued_from:
        doc.errors.append(f"the continuation of a text begun in an earlier gazette issue (\"Tiếp theo Công báo số "
                          f"{h.continued_from}\") with no banner naming it by number")
    continued = _CONTINUED.search(text, max(h.body_start, len(text) - 2000))
    if continued:
        doc.continued_in = squash(continued["issue"])
        doc.errors.append(f"the text continues in a later gazette issue (\"Xem tiếp Công báo số {doc.continued_in}\"): "
                          + ("this file holds its first part" if not h.continued_from else "the rest is printed there"))
    if consolidation and doc.type != CONSOLIDATED and not h.continued_from:
        doc.errors.append("a consolidated text (văn bản hợp nhất) without its own N/VBHN number and authentication "
                          "block: the part of it printed in another gazette issue?")
        doc.type, doc.number = CONSOLIDATED, None
    if not doc.number and not (doc.type in LAW_TYPES and doc.title):
        doc.errors.append("no document number found (no 'Số:' line and no 'Số hiệu' field)")
    if not doc.date_issued:
        body = NUMBER_LINE.search(text, h.body_start)
        if body and len(text[body.end():].strip()) < 120:
            doc.errors.append(TRUNCATED)
        elif h.year_only:
            doc.errors.append(f"no date of issue found: its place-date line leaves day and month blank (năm {h.year_only})")
        else:
            doc.errors.append("no date of issue found")
    if not doc.type:
        doc.errors.append("no document type found")

    annex_m = ANNEX_START.search(text, h.body_start)
    body_end = annex_m.start() if annex_m else len(text)
    # a continuation opens mid-text: no preamble, so no legal basis (its Căn cứ lines are in the earlier issue)
    p_start, p_end = _preamble(text, h.body_start, body_end) if not h.continued_from else (0, 0)
    provisions = parse_structure(text, p_end if p_end else h.body_start, body_end)
    annex_provs, rows = tables.parse_annexes(text, doc.errors, source)
    doc.provisions = provisions + annex_provs
    doc.annex_rows = _unique_row_ids(rows)

    row_at, provision_at = Innermost(rows), Innermost(doc.provisions)

    def provision_of(pos: int) -> str | None:
        """The annex row, else the deepest provision, at `pos`."""
        hit = row_at(pos) or provision_at(pos)
        return hit.id if hit else None

    if p_end:
        refs = (preamble_refs(text, p_start, p_end) + body_refs(text, h.body_start, p_start, provision_of)
                + body_refs(text, p_end, len(text), provision_of))
    else:
        refs = body_refs(text, h.body_start, len(text), provision_of)
    own_key = number_of(doc.number).key if doc.number else None
    is_own = [_is_self(r, doc, own_key) for r in refs]
    own = [r for r, o in zip(refs, is_own) if o]
    refs = [r for r, o in zip(refs, is_own) if not o]
    for ref in refs:
        ref.issuer = _issuer(ref)
    if doc.type == CONSOLIDATED and p_start:  # "<base> …, được sửa đổi, bổ sung bởi: <amending> …" opens it
        for r in refs:
            if h.body_start <= r.start < p_start and r.via_start is None:
                r.relation = "consolidates"
    doc.legal_bases = [r for r in refs if r.relation == "based_on" and r.via_start is None]
    doc.cites = [r for r in refs if r.relation != "based_on" and r.via_start is None]
    doc.related = [r for r in refs if r.via_start is not None]
    year = int(doc.date_issued[:4]) if doc.date_issued else h.year
    doc.doc_id = own_id(doc, year)
    resolve(doc, registry)
    doc.self_refs = _self_refs(doc, own, provision_of)
    doc.mentions = names.find_mentions(text)
    for m in doc.mentions:
        m.provision = provision_of(m.start)
    doc.roles = roles.find_roles(doc, doc.annex_rows)
    return doc


def _self_refs(doc: Document, own_number: list[Ref], provision_of: Callable[[int], str | None]) -> list[SelfRef]:
    """The document's references to itself, in text order: "<type> này" and annexes "kèm theo", and its own
    number where the body or an annex names it ("(Kèm theo Nghị quyết số 175/NQ-CP …)"). The number line of
    the header, outside every provision, identifies the document rather than referring to it: left out."""
    out = []
    for f in find_self(doc.text, 0, len(doc.text), doc.type):
        here = provision_of(f.start)
        out.append(SelfRef(f.quote, self_target(f, doc.provisions, here), here, f.start, f.end))
    out += [SelfRef(r.text, None, r.provision, r.start, r.end) for r in own_number if r.provision]
    return sorted(out, key=lambda r: r.start)


def _unique_row_ids(rows: list[AnnexRow]) -> list[AnnexRow]:
    """Where the TT numbering restarts in each group (12/NQ-CP), prefix the group's ordinal to the row id."""
    counts = Counter((r.annex_id, r.stt) for r in rows)
    annexes_with_repeats = {annex for (annex, _), n in counts.items() if n > 1}
    groups: dict[tuple[str, str | None], int] = {}
    for r in rows:
        if r.annex_id in annexes_with_repeats and not r.key:  # a key set by the table reader stays
            g = groups.setdefault((r.annex_id, r.group), len([k for k in groups if k[0] == r.annex_id]) + 1)
            r.key = f"g{g}_{r.stt}"
    return rows


def _issuer(ref: Ref) -> str | None:
    """Issuer as written when it names a known body (extra words trimmed), else from the number's code."""
    namer = issuer_namer()
    if ref.issuer:
        known = namer.known_prefix(ref.issuer)
        if known:
            return known if not re.search(r"khóa\s+[IVX]+", ref.issuer) else ref.issuer
    if ref.number and not ref.title:
        return namer(number_of(ref.number).issuer) or (ref.issuer if ref.issuer and len(ref.issuer.split()) <= 8 else None)
    return ref.issuer


def _preamble(text: str, start: int, end: int) -> tuple[int, int]:
    """(start, end) of the preamble (Căn cứ … up to 'QUYẾT ĐỊNH:' or the first article); (0, 0) if none."""
    mark = _DECISION_MARK.search(text, start, end)
    first = _FIRST_HEADING.search(text, start, end)
    p_end = mark.start() if mark else (first.start(1) if first else 0)
    if not p_end:
        return _unmarked_preamble(text, start, end)
    opener = _OPENER.search(text, start, p_end)
    return (opener.start(1) if opener else p_end), p_end


def _unmarked_preamble(text: str, start: int, end: int) -> tuple[int, int]:
    """A truncated copy with Căn cứ lines but no 'QUYẾT ĐỊNH:' and no article: the run of opener paragraphs."""
    m = re.search(r"^Căn cứ\b", text[start:end], re.MULTILINE)
    if not m or next(find_numbers(text[start + m.start(): start + m.start() + 300]), None) is None:
        return 0, 0
    p_start = pos = start + m.start()
    for line in text[p_start:end].splitlines(keepends=True):
        s = line.strip()
        if s == "[...]" or (s and not _OPENER.match(s) and text[pos - 2: pos] == "\n\n"):
            break
        pos += len(line)
    return p_start, pos


def _is_self(ref: Ref, doc: Document, own_key: str | None) -> bool:
    """Whether `ref` is the document's own number (`own_key`: its key) of its own year."""
    if not ref.number or not doc.number:
        return False
    same = number_of(ref.number).key == own_key
    year = int(doc.date_issued[:4]) if doc.date_issued else None
    return same and (ref.year is None or year is None or ref.year == year)
