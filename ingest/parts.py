"""Texts the Official Gazette prints across issues: which part a file holds, and how two parts of one document are told.

A long text stops with "(Xem tiếp Công báo số …)" and goes on in a later issue under a banner ending
"(Tiếp theo Công báo số …)". Each part is parsed from its own file, its spans index that file, so two parts
of one document are never joined into one: a batch names both files and says what they are.
"""

from __future__ import annotations

from cancu.identity import PARTS, different_parts, part_name
from ingest.models import Document


def begins_first(doc: Document) -> bool:
    """Sort key: the part that begins a text (its header and legal bases) before the parts that continue it."""
    return doc.continued_from is not None


def second_copy(doc: Document, kept: Document) -> str:
    """Why `doc` is not stored beside `kept`, the document of its id read before it: a copy, or another part."""
    if different_parts([doc.continued_from, kept.continued_from]):
        kept_part = part_name(kept.continued_from, kept.continued_in)
        return (f"{part_name(doc.continued_from, doc.continued_in)} of {doc.number} ({doc.doc_id}), whose "
                f"{kept_part.removeprefix('the ')} was read from {kept.source}: {PARTS}, not joined (each part's spans "
                f"index its own file); only {kept_part} is stored")
    return f"duplicate document {doc.number} ({doc.doc_id}), already read from {kept.source}"


def claim_line(docs: list[Document]) -> str:
    """The warning for ingested documents that claim one identity (ingest.identity keeps them apart)."""
    if different_parts(d.continued_from for d in docs):
        named = "; ".join(f"{part_name(d.continued_from, d.continued_in)}: {d.source} ({d.doc_id})" for d in docs)
        return f"{PARTS}, both kept and neither merged: {named}"
    named = "; ".join(f"{d.source} ({d.doc_id})" for d in docs)
    return f"two ingested documents claim one identity, both kept and neither merged: {named}"
