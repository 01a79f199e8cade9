"""Finding documents from what people type, and near matches when nothing fits.

A number alone never identifies a document (two 50/NQ-CP exist, of 2020 and 2021), so resolution
returns every candidate and lets the caller choose; near matches come from the search index's
number keys (same number with another issuer or type, then difflib over all keys).
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass

from cancu.iri import ELI_PATH, DocId
from cancu.numbers import UserRef, parse_user_ref
from cancu.text import ascii_int, fold
from graph.search_index import SearchIndex
from graph.store import DocSummary, Store

from api.convert import doc_id
from api.errors import ApiError

EXAMPLES = ["749/QĐ-TTg", "749/QD-TTg", "Quyết định số 749/QĐ-TTg", "QĐ 749"]


@dataclass
class Resolution:
    ref: str
    key: str | None
    candidates: list[DocSummary]


def parse_ref(ref: str) -> UserRef:
    """parse_user_ref, retried upper-cased: people type '749/qd-ttg' (the key is case-free anyway)."""
    try:
        return parse_user_ref(ref)
    except ValueError:
        pass
    try:
        return parse_user_ref(ref.upper())
    except ValueError as exc:
        raise ApiError(400, "invalid_reference", f"{exc}; write a number such as 749/QĐ-TTg", EXAMPLES) from exc


def resolve(ref: str, year: int | None, store: Store, index: SearchIndex) -> Resolution:
    """Every document the reference can mean (filtered by year if given); 404 with near matches if none."""
    user = parse_ref(ref)
    year = year or user.year
    if user.key:
        key: str | None = user.key
        docs = store.documents_by_key(user.key)
    else:  # "QĐ 749": number (and type) without issuer
        key = None
        type_code = fold(user.type_code or "")
        keys = sorted({k.key for k in index.keyed_documents(f"{user.num}/")
                       if not type_code or k.key.split("/", 1)[1].split("-", 1)[0] == type_code})
        docs = [d for k in keys for d in store.documents_by_key(k)]
    matching = [d for d in docs if year is None or _year(d) == year]
    if not matching:
        if docs:  # the number exists, the year does not
            years = ", ".join(sorted({str(y) if (y := _year(d)) is not None else "year unknown" for d in docs}))
            raise ApiError(404, "not_found", f"{ref!r} exists, but not in {year} (found: {years})",
                           [doc_id(d.iri) or d.iri for d in docs])
        raise ApiError(404, "not_found", f"no document numbered {ref!r} is known", near_numbers(user, index))
    return Resolution(ref, key, matching)


def near_numbers(user: UserRef, index: SearchIndex, n: int = 5) -> list[str]:
    """Numbers to try: the same number with another type or issuer first, then similar keys."""
    num = user.number.num if user.number else user.num
    out: list[str] = []
    for k in index.keyed_documents(f"{num.lstrip('0')}/" if num else "\x00"):
        if k.number and k.number not in out:
            out.append(k.number)
    if user.key:  # compared only with numbers of the same type and issuer: every key at 100k cost seconds a miss
        alike = index.numbers_like(user.key)
        for key in difflib.get_close_matches(user.key, list(alike), n=n, cutoff=0.7):
            if alike[key] and alike[key] not in out:
                out.append(alike[key])
    return out[:n]


def parse_doc_id(raw: str) -> DocId:
    try:
        return DocId.parse(raw.strip().lower())
    except ValueError as exc:
        raise ApiError(400, "invalid_id", str(exc), ["qd-2020-749-ttg", "luat-2015-06-19-to-chuc-chinh-phu"]) from exc


def get_document(raw_id: str, store: Store, index: SearchIndex) -> DocSummary:
    """The document with this API id; 400 if malformed, 404 with near ids if unknown."""
    did = parse_doc_id(raw_id)
    doc = store.document(did.iri())
    if doc is None:
        raise ApiError(404, "not_found", f"no document with id {did.id!r}", near_ids(did, index))
    return doc


def near_ids(did: DocId, index: SearchIndex, n: int = 5) -> list[str]:
    """Same type and number in other years (or with another issuer) first, then similar ids of the same type and
    year. Both are read by index ranges: a miss compared with every id cost ~2 s at 100k documents."""
    numbered = (doc_id(k.iri) for k in index.keyed_documents(f"{did.number.lstrip('0') or did.number}/"))
    same = [i for i in numbered if i and (p := DocId.parse(i)).number == did.number
            and (p.type == did.type or p.issuer == did.issuer)]
    year = did.iri().split(ELI_PATH, 1)[0] + f"{ELI_PATH}{did.type}/{did.year[:4]}"
    ids = [i for i in (doc_id(iri) for iri in index.document_iris(year)) if i]
    close = difflib.get_close_matches(did.id, ids, n=n, cutoff=0.7)
    return list(dict.fromkeys(same + close))[:n]


def _year(d: DocSummary) -> int | None:
    if d.year:
        return d.year
    return ascii_int(d.date[:4]) if d.date else None
