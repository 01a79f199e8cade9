"""A document's full text for the reader and the Akoma Ntoso export, with its provisions placed in it.

The graph stores each provision's text (cc:text) and every link's character span (cc:charStart/End)
into the normalised full text ingest read, but not that full text itself. So the text is read again
from the document's cc:sourceFile with ingest's own reader (the same normalisation, hence the same
offsets), and accepted only if it is the text the graph was built from: every provision's text must
be found in order and every stored link span must lie inside its quoted sentence. An upload's file never
reaches a lasting place, so its text is the one kept with the store when it was uploaded
(api.upload_texts). A file that moved or changed, or a text not kept, gives None, and the reader falls
back to the provisions' own text with the links listed per provision. Links that do not match the text are
left unplaced (see `span_matches`).
"""

from __future__ import annotations

import os
import re
import stat
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from cancu.config import PROJECT_ROOT, current
from cancu.text import nfc, squash
from graph.store import DocSummary, LinkRow, Provenance, ProvisionRow, Store

from api.page_urls import ROW_KINDS


@dataclass(frozen=True)
class Placed:
    """A provision (not an annex row) with its span in the full text."""

    row: ProvisionRow
    start: int
    end: int


@dataclass(frozen=True)
class SourceText:
    text: str
    placed: tuple[Placed, ...]  # document order


def candidates(source_file: str) -> list[Path]:
    """Where a stored cc:sourceFile may be: as written if absolute, else under the working directory
    (where `cancu ingest` ran) or the project root."""
    path = Path(source_file)
    if path.is_absolute():
        return [path]
    return [Path.cwd() / path, PROJECT_ROOT / path]


@lru_cache(maxsize=32)
def _read(path: str, mtime_ns: int, size: int) -> str | None:
    """The normalised text of a file, cached by (path, mtime, size) so a changed file is read again."""
    from ingest.readers import ReadError, read_text

    try:
        return nfc(read_text(path))
    except (ReadError, OSError, ValueError):
        return None


def read_source(source_file: str) -> str | None:
    """The normalised text of the first candidate that is a regular file; None if none can be read. A FIFO
    or a device (/dev/stdin) is passed over: opening or reading one may wait forever."""
    for path in candidates(source_file):
        try:
            st = os.stat(path)
        except OSError:
            continue
        if not stat.S_ISREG(st.st_mode):
            continue
        text = _read(str(path), st.st_mtime_ns, st.st_size)
        if text is not None:
            return text
    return None


def place(text: str, provisions: list[ProvisionRow]) -> list[Placed] | None:
    """Each provision's span, searched in document order (a provision starts after the one before it);
    None if one is missing: then this is not the text the graph was built from. Annexes are read apart
    from the body (a body may run on into an annex whose heading the structure parser did not take for
    one), so they keep their own cursor; an annex stores its subtitle, not its text, and is found by its
    label at the start of a line."""
    out: list[Placed] = []
    cursor = annex_cursor = 0
    for row in provisions:
        if row.kind in ROW_KINDS:
            continue
        if row.kind == "annex":
            label = re.compile(r"^[ \t]*" + re.escape(row.label or "") + r"(?!\w)", re.MULTILINE | re.IGNORECASE)
            m = label.search(text, annex_cursor) if row.label else None
            if not m:
                return None
            start = m.end() - len(row.label or "")
            out.append(Placed(row, start, m.end()))
            annex_cursor = m.end()
            continue
        body = row.text or row.label or ""
        start = text.find(body, cursor) if body else -1
        if start < 0:
            return None
        out.append(Placed(row, start, start + len(body)))
        cursor = start + 1
    return out


def span_matches(text: str, p: Provenance) -> bool:
    """True if the span stands in this text where its quoted sentence says (quotes are stored with white
    space squashed): the words of the quote before and after the span are the text's own around it.

    A link whose subject is this document may have been asserted by another one ("88/2025/NĐ-CP
    quy định chi tiết 193/2025/QH15" read in a third document): its span then points into that other
    text, and is not placed here even where two texts share a sentence."""
    if p.start is None or p.end is None or not (0 <= p.start < p.end <= len(text)):
        return False
    quote, span = squash(p.quote or ""), squash(text[p.start:p.end])
    at = quote.find(span)
    while at >= 0:
        before, after = quote[:at].rstrip(), quote[at + len(span):].lstrip()
        if (squash(text[max(0, p.start - 2 * len(before) - 8):p.start]).endswith(before)
                and squash(text[p.end:p.end + 2 * len(after) + 8]).startswith(after)):
            return True
        at = quote.find(span, at + 1)
    return False


def full_text(store: Store, doc: DocSummary) -> str | None:
    """The unverified text of a document: the one kept for an upload, else its source file's."""
    from api.upload import is_upload
    from api.upload_texts import read_kept

    if not doc.source_file:
        return None
    if is_upload(doc.source_file):
        return read_kept(store, doc.iri, current().max_chars)
    return read_source(doc.source_file)


def source_text(store: Store, doc: DocSummary, provisions: list[ProvisionRow],
                links: list[LinkRow]) -> SourceText | None:
    """The verified full text of an ingested document, or None (see the module docstring)."""
    text = full_text(store, doc)
    if text is None:
        return None
    if not provisions and not links and not any(x and x in text for x in (doc.number, doc.title)):
        return None  # nothing else to check it by: its number or title must at least be there
    placed = place(text, provisions)
    spans = [p for link in links for p in link.provenance if p.start is not None]
    if placed is None or (spans and not any(span_matches(text, p) for p in spans)):
        return None
    return SourceText(text, tuple(placed))
