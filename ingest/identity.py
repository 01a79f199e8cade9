"""The identity catalogue of a batch of parsed documents (`cancu ingest`): what each document says of
identities, described for the one rule (cancu.identity), and its references pointed at the ids it gives.
"""

from __future__ import annotations

from typing import Iterator

from cancu.identity import Catalogue, Described, build_from, pinpoint_ids
from cancu.numbers import LAW_TYPES
from ingest.models import Document


def described(docs: list[Document]) -> Iterator[Described]:
    """What a batch of parsed documents says of identities: each one's own facts, and every law cited by name."""
    for doc in docs:
        if doc.doc_id:
            yield Described(doc.doc_id, doc.type, doc.title, doc.date_issued, None, doc.number, ingested=True)
        for ref in doc.legal_bases + doc.cites + doc.related:
            if ref.title and ref.type in LAW_TYPES:
                yield Described(ref.doc_id or "", ref.type, ref.title, ref.date, ref.year, ref.number)


def build(docs: list[Document]) -> Catalogue:
    """The catalogue of a batch: ingested documents' own facts and every citation pairing a name with a number."""
    return build_from(described(docs), {d.doc_id: pinpoint_ids(p.id for p in d.provisions) for d in docs if d.doc_id})


def apply(doc: Document, cat: Catalogue) -> None:
    """Point every reference of `doc` at its document's one id (after ingest.resolve gave each its written id),
    and a pinpoint at the provision of an ingested document it names."""
    for ref in doc.legal_bases + doc.cites + doc.related:
        ref.doc_id = cat.resolve(ref.doc_id)
        ref.via = cat.resolve(ref.via)
        if ref.pinpoint and ref.doc_id in cat.provisions:
            ref.pinpoint = cat.provisions[ref.doc_id].get(ref.pinpoint, ref.pinpoint)


