"""Where the HTML pages live, in one place: a document's reader, an entity's page, a place in a text.

/read/{doc-id}                 the reader (a stub gets the same page, with what is known about it)
/browse/{agencies|platforms|programmes|enterprises}/{slug}, /browse/tasks/{task-id}
/read/{doc-id}#dieu_1/khoan_2  a provision (its path below the document is its anchor)
/read/{doc-id}?hl=120-145#hl   a character span, highlighted
"""

from __future__ import annotations

from graph.store import Provenance

from api.convert import doc_id
from api.ids import ENTITY_PATHS, ROW_KINDS, entity_id, task_id


def read_href(doc_iri: str) -> str | None:
    did = doc_id(doc_iri)
    return f"/read/{did}" if did else None


def entity_href(kind: str | None, iri: str) -> str | None:
    """The HTML page of anything the graph names (None for a person or an IRI of no known shape)."""
    if kind == "document":
        return read_href(iri)
    if kind in ROW_KINDS:
        tid = task_id(iri)
        return f"/browse/tasks/{tid}" if tid else None
    path, slug = ENTITY_PATHS.get(kind or ""), entity_id(iri)
    return f"/browse/{path}/{slug}" if path and slug else None


def anchor_id(doc_iri: str, provision_iri: str | None) -> str | None:
    """The reader's anchor of a provision: its path below the document ('dieu_1/khoan_2')."""
    if provision_iri and provision_iri.startswith(doc_iri + "/"):
        return provision_iri[len(doc_iri) + 1:]
    return None


def place_href(p: Provenance) -> str | None:
    """The exact place a link was read from: its span highlighted, else its provision, else the document."""
    base = read_href(p.document)
    if base is None:
        return None
    if p.start is not None and p.end is not None:
        return f"{base}?hl={p.start}-{p.end}#hl"
    anchor = anchor_id(p.document, p.provision)
    return f"{base}#{anchor}" if anchor else base
