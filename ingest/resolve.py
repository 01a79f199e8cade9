"""Give every reference the stable id of the document it points at (eyecite's resolve step).

A number without a year ("Quyết định số 749/QĐ-TTg") is resolved, in order, from: the same number
with a year earlier in the same document, a date earlier in the same sentence, the registry of
documents known to this ingest run (only when exactly one year fits: the same administrative
number recurs across years), and otherwise stays undated rather than guessed. A self-reference
("Phụ lục I kèm theo Nghị quyết này") resolves to the provision it names when the text has it.
"""

from __future__ import annotations

from collections import defaultdict

from cancu.iri import UNDATED, DocId, id_of
from cancu.numbers import LAW_TYPES, DocNumber, number_of
from cancu.text import fold
from ingest.citations import SelfFound, date_before
from ingest.models import Document, Provision, Ref
from ingest.structure import slug_number

Registry = dict[str, set[int]]  # number key -> years of known documents with that number


def registry_of(docs: list[Document]) -> Registry:
    """Years of every document number that this batch ingests or cites with a year."""
    reg: Registry = defaultdict(set)
    for doc in docs:
        if doc.number and doc.date_issued:
            reg[number_of(doc.number).key].add(int(doc.date_issued[:4]))
        for ref in doc.legal_bases + doc.cites:
            if ref.number and ref.year:
                reg[number_of(ref.number).key].add(ref.year)
    return reg


def own_id(doc: Document, year: int | None) -> str | None:
    """The document's own id: laws by name + date, everything else by number + year."""
    if doc.type in LAW_TYPES and doc.title and doc.date_issued:
        return DocId.for_law(doc.title, doc.date_issued).id
    if not doc.number:
        return None
    return id_of(number_of(doc.number), year, doc.type)


def resolve(doc: Document, registry: Registry | None = None) -> None:
    """Fill `doc_id` (and `year` when inferred) on every reference of `doc`, in text order."""
    seen: dict[str, set[int]] = defaultdict(set)
    law_numbers: dict[str, str] = {}
    refs = sorted(doc.legal_bases + doc.cites, key=lambda r: r.start)
    for ref in refs + sorted(doc.related, key=lambda r: r.start):
        if ref.title:  # law by name; by name and number without a date: its number's id, for the number names
            # one law where the name and year may name two (Luật Tổ chức chính quyền địa phương of Feb and Jun 2025)
            year_or_date = ref.date or (str(ref.year) if ref.year else UNDATED)
            by_number = id_of(number_of(ref.number), ref.year, ref.type) if ref.number and not ref.date else None
            ref.doc_id = by_number or DocId.for_law(ref.title, year_or_date).id
            if ref.number:
                law_numbers[number_of(ref.number).key] = ref.doc_id
            continue
        if not ref.number:
            continue
        number = number_of(ref.number)
        key = number.key
        if key in law_numbers:  # "(Luật số 69/2020/QH14)" after the law's name
            ref.doc_id = law_numbers[key]
            continue
        year = ref.year
        if year is None:
            year = _infer_year(doc, ref, number, seen, registry)
            ref.year = year
        if year:
            seen[key].add(year)
        ref.doc_id = id_of(number, year, ref.type)
    ids_by_start = {r.start: r.doc_id for r in refs}
    own = doc.doc_id
    for ref in doc.related:  # the subject is the reference (or this document) at via_start
        ref.via = ids_by_start.get(ref.via_start, own) if ref.via_start is not None else None


def _infer_year(doc: Document, ref: Ref, number: DocNumber, seen: dict[str, set[int]],
                registry: Registry | None) -> int | None:
    if len(seen.get(number.key, ())) == 1:
        return next(iter(seen[number.key]))
    before = date_before(doc.text, ref.start, 0)
    if before:
        return int(before[:4])
    if registry and len(registry.get(number.key, ())) == 1:
        return next(iter(registry[number.key]))
    return None


def self_target(found: SelfFound, provisions: list[Provision], here: str | None) -> str | None:
    """Id of the provision a self-reference names (annex, article, clause, point), as deep as the text has it;
    None for the document as a whole, or when the named part is not in the text or is ambiguous."""
    if found.annex is not None:
        annexes = [p for p in provisions if p.kind == "annex"]
        if found.annex:
            return next((p.id for p in annexes if fold(p.label) == fold(f"Phụ lục {found.annex}")), None)
        return annexes[0].id if len(annexes) == 1 else None
    if not found.article:
        return None
    segment = f"dieu_{slug_number(found.article)}"
    articles = [p for p in provisions if p.kind == "article" and p.id.rsplit("/", 1)[-1] == segment]
    if len(articles) > 1:  # numbering restarts (an attached regulation): the article in the same top-level part
        top = (here or "").split("/", 1)[0]
        articles = [p for p in articles if p.id.split("/", 1)[0] == top]
    if len(articles) != 1:
        return None
    target = articles[0].id
    ids = {p.id for p in provisions}
    for prefix, number in (("khoan", found.clause), ("diem", found.point)):
        if not number or f"{target}/{prefix}_{slug_number(number)}" not in ids:
            break
        target = f"{target}/{prefix}_{slug_number(number)}"
    return target
