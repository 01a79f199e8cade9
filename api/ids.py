"""API ids of entities and annex rows, both ways, and near matches for unknown ones.

Entity id: the slug after /id/{kind}/ (`bo-thong-tin-va-truyen-thong`).
Task id: the document id, then the row's path below the document with '/' written '~'
(`nq-2025-03-cp~phu_luc_2~hang_11` <-> {base}/eli/vn/nq/2025/03/cp/phu_luc_2/hang_11): stable as long
as the document id and the annex numbering are, and readable without a look-up.
"""

from __future__ import annotations

import difflib
import re

from cancu.config import base_iri
from cancu.iri import ELI_PATH, DocId
from cancu.registry import ENTITY_KINDS, named_kinds
from cancu.text import fold
from graph.store import EntitySummary

from api.convert import doc_id
from api.errors import ApiError

ENTITY_PATHS = {k.code: k.path for k in named_kinds()}  # kind -> /{path}/{slug} (None: no resource of its own)
KINDS_BY_PATH = {path: [k for k, p in ENTITY_PATHS.items() if p == path] for path in ENTITY_PATHS.values() if path}
ROW_KINDS = tuple(k.code for k in ENTITY_KINDS if k.row)  # annex rows: named by a task id
ROW_ROLES = ("lead", "coordinating", "monitoring")  # the roles an annex row gives the agencies it names
_SLUG = re.compile(r"[a-z0-9][a-z0-9-]{0,300}")
_ROW_PART = re.compile(r"[a-z0-9_]{1,60}")


def entity_iri(kind: str, slug: str) -> str:
    return f"{base_iri()}/id/{kind}/{slug}"


def entity_id(iri: str) -> str | None:
    """Slug of an entity IRI ({base}/id/{kind}/{slug}); None for anything else."""
    marker = "/id/"
    if marker not in iri:
        return None
    parts = iri.split(marker, 1)[1].split("/")
    return parts[1] if len(parts) == 2 else None


def check_slug(raw: str) -> str:
    slug = raw.strip().lower()
    if not _SLUG.fullmatch(slug):
        raise ApiError(400, "invalid_id", f"not an entity id: {raw!r} (expected a slug such as 'bo-thong-tin-va-truyen-thong')",
                       ["bo-thong-tin-va-truyen-thong"])
    return slug


def task_id(row_iri: str) -> str | None:
    """Task id of an annex-row IRI; None if the IRI is not below a document IRI."""
    if ELI_PATH not in row_iri:
        return None
    path = row_iri.split(ELI_PATH, 1)[1].strip("/").split("/")
    for n in (4, 3):  # document paths have 3 (laws) or 4 segments
        doc = doc_id(row_iri.split(ELI_PATH, 1)[0] + ELI_PATH + "/".join(path[:n]))
        if doc and len(path) > n and all(_ROW_PART.fullmatch(p) for p in path[n:]):
            return "~".join([doc, *path[n:]])
    return None


def task_iri(raw: str) -> str:
    """IRI of a task id; 400 if it is not one."""
    parts = raw.strip().lower().split("~")
    try:
        did = DocId.parse(parts[0])
    except ValueError:
        did = None
    if did is None or len(parts) < 2 or not all(_ROW_PART.fullmatch(p) for p in parts[1:]):
        raise ApiError(400, "invalid_id", f"not a task id: {raw!r}", ["nq-2025-03-cp~phu_luc_2~hang_11"])
    return did.iri() + "/" + "/".join(parts[1:])


def near_entities(wanted: str, known: list[EntitySummary], n: int = 5, id_of=entity_id) -> list[str]:
    """Ids of entities whose id or label is close to `wanted` (diacritics and case ignored)."""
    key = fold(wanted).replace("-", " ")
    by_key: dict[str, str] = {}
    for e in known:
        eid = id_of(e.iri)
        if not eid:
            continue
        for name in (eid.replace("-", " ").replace("~", " "), *(fold(x) for x in (e.label, *e.alt_labels) if x)):
            by_key.setdefault(name, eid)
    contains = [eid for name, eid in by_key.items() if key and key in name]
    close = [by_key[k] for k in difflib.get_close_matches(key, list(by_key), n=n, cutoff=0.6)]
    return list(dict.fromkeys(contains + close))[:n]


def find_entity(name_or_id: str, known: list[EntitySummary]) -> EntitySummary | None:
    """The entity whose id, label, alt label or abbreviation equals `name_or_id` after folding."""
    key = fold(name_or_id.strip())
    for e in known:
        if entity_id(e.iri) == name_or_id.strip().lower():
            return e
    for e in known:
        if any(fold(x) == key for x in (e.label, *e.alt_labels) if x):
            return e
    return None


def entity_href(kind: str, iri: str) -> str | None:
    """Path of this entity's resource in the API, if it has one."""
    if kind in ROW_KINDS:
        tid = task_id(iri)
        return f"/tasks/{tid}" if tid else None
    if kind == "document":
        did = doc_id(iri)
        return f"/documents/{did}" if did else None
    path, eid = ENTITY_PATHS.get(kind), entity_id(iri)
    if eid and path:
        return f"/{path}/{eid}"
    return f"/id/{iri.split('/id/', 1)[1]}" if "/id/" in iri else None
