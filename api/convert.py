"""Store dataclasses -> response models, and the ids the API speaks (cancu.iri.DocId)."""

from __future__ import annotations

from functools import lru_cache

from cancu.iri import ELI_PATH, DocId
from cancu.registry import RELATION_KINDS
from graph.store import DocSummary, LinkRow, Provenance

from api.schemas import DocumentOut, LinkOut, ProvenanceOut

# Relation kinds in words, as vbpl.vn's "Lược đồ" names them (Vietnamese), then English.
RELATION_LABELS: dict[str, str] = {k.code: k.label for k in RELATION_KINDS}


@lru_cache(maxsize=65536)  # pure, and a chain or a page converts the same hub IRIs again and again
def doc_id(iri: str) -> str | None:
    """API id of a document IRI ('.../eli/vn/qd/2020/749/ttg' -> 'qd-2020-749-ttg'); None otherwise."""
    if ELI_PATH not in iri:
        return None
    parts = iri.split(ELI_PATH, 1)[1].strip("/").split("/")
    if len(parts) < 3 or len(parts) > 4:
        return None
    try:
        did = DocId(*parts)
        DocId.parse(did.id)
    except (TypeError, ValueError):
        return None
    return did.id


def doc_fields(d: DocSummary) -> dict[str, object]:
    """DocumentOut's fields (the summary's, and its API id), for the models that extend it (cheaper than building a
    DocumentOut and dumping it)."""
    return dict(id=doc_id(d.iri), **vars(d))


def doc_out(d: DocSummary) -> DocumentOut:
    return DocumentOut(**doc_fields(d))


def provenance_out(p: Provenance) -> ProvenanceOut:
    return ProvenanceOut(**vars(p), document_id=doc_id(p.document))


def link_out(row: LinkRow, outgoing: bool) -> LinkOut:
    other = row.target if outgoing else row.source
    return LinkOut(relation=row.relation, relation_label=RELATION_LABELS.get(row.relation, row.relation),
                   document=doc_out(other), provenance=[provenance_out(p) for p in row.provenance])
