"""Limits on what one document becomes (citations, quads), checked where ingest, `cancu ingest` and uploads
store a document. Why: a small file can become a huge graph (20,000 decrees on one Căn cứ line); the limit
turns that into one clear refusal naming the setting, before anything is written.
"""

from __future__ import annotations

from cancu.config import Settings, current
from ingest.models import Document


class LimitExceeded(ValueError):
    """A document past one of the limits; `limit` is the setting's variable, str() one line naming both."""

    def __init__(self, limit: str, problem: str) -> None:
        self.limit, self.problem = limit, problem
        super().__init__(f"{problem} (limit {limit})")

    def __reduce__(self) -> tuple:  # crosses from a parse worker process intact
        return (LimitExceeded, (self.limit, self.problem))


def citations(doc: Document) -> int:
    """The citations a document stores: its legal bases, citations and related (nested) ones."""
    return len(doc.legal_bases) + len(doc.cites) + len(doc.related)


def check_document(doc: Document, settings: Settings | None = None) -> None:
    """LimitExceeded if `doc` has more citations than CANCU_MAX_CITATIONS."""
    cap = (settings or current()).max_citations
    n = citations(doc)
    if n > cap:
        raise LimitExceeded("CANCU_MAX_CITATIONS", f"the document has {n:,} citations, over the limit of {cap:,}")


def check_quads(n: int, settings: Settings | None = None) -> None:
    """LimitExceeded if a document's graph has more quads than CANCU_MAX_QUADS."""
    cap = (settings or current()).max_quads
    if n > cap:
        raise LimitExceeded("CANCU_MAX_QUADS", f"the document's graph has {n:,} quads, over the limit of {cap:,}")


def too_slow(seconds: float) -> LimitExceeded:
    """The refusal of a document whose parse was stopped after `seconds` (CANCU_MAX_PARSE_SECONDS)."""
    return LimitExceeded("CANCU_MAX_PARSE_SECONDS", f"parsing took longer than {seconds:g} s and was stopped")
