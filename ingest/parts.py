"""Texts the Official Gazette prints across issues: which part a file holds, and how two parts of one document are told.

A long text stops with "(Xem tiếp Công báo số …)" and goes on in a later issue under a banner ending
"(Tiếp theo Công báo số …)". Each part is parsed from its own file, its spans index that file, so two parts
of one document are never joined into one: a batch names both files and says what they are.
"""

from __future__ import annotations

from ingest.models import Document


def part_name(doc: Document) -> str:
    """'the first part' / 'the part continued from Công báo số 201 + 202' / 'the text'."""
    if doc.continued_from:
        return f"the part continued from Công báo số {doc.continued_from}"
    return "the first part" if doc.continued_in else "the text"


def printed_in_parts(docs: list[Document]) -> bool:
    """Whether documents of one identity are different parts of it (they continue from different issues), rather
    than copies of one part (a text and its PDF)."""
    return len({d.continued_from for d in docs}) > 1


def begins_first(doc: Document) -> bool:
    """Sort key: the part that begins a text (its header and legal bases) before the parts that continue it."""
    return doc.continued_from is not None


def second_copy(doc: Document, kept: Document) -> str:
    """Why `doc` is not stored beside `kept`, the document of its id read before it: a copy, or another part."""
    if printed_in_parts([doc, kept]):
        return (f"{part_name(doc)} of {doc.number} ({doc.doc_id}), whose {part_name(kept).removeprefix('the ')} was "
                f"read from {kept.source}: two parts of one document printed across gazette issues, not joined "
                f"(each part's spans index its own file); only {part_name(kept)} is stored")
    return f"duplicate document {doc.number} ({doc.doc_id}), already read from {kept.source}"


def claim_line(docs: list[Document]) -> str:
    """The warning for ingested documents that claim one identity (ingest.identity keeps them apart)."""
    named = "; ".join(f"{d.source} ({d.doc_id})" for d in docs)
    if printed_in_parts(docs):
        named = "; ".join(f"{part_name(d)}: {d.source} ({d.doc_id})" for d in docs)
        return f"two parts of one document printed across gazette issues, both kept and neither merged: {named}"
    return f"two ingested documents claim one identity, both kept and neither merged: {named}"
