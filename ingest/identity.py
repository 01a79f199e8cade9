"""One identity per real document, over a batch: a catalogue of who is who (issue 14).

A law is cited by name and full date ("Luật Đầu tư ngày 17 tháng 6 năm 2020"), by name and year ("Bộ
luật Dân sự năm 2015"), by number ("Luật số 61/2020/QH14") or by name and number; each form alone gives
another id (cancu.iri). The catalogue joins the forms that name one document, from what the batch says:
an ingested document's own number, title and date, and every citation that pairs a name with a number
or a date. It is time-aware: the same name in two years (Luật Việc làm 2013 and 2025) is two laws, a
citation by name and year joins the one law of that name and year, and where two remain it is left as
it was written, never guessed. Names are compared folded (case, diacritics, "và"/"&", spacing).

The canonical id of a group is, in order: the id of the ingested document, the name-and-date id, the
number id, the name-and-year id (the smallest where several): a pure function of the batch, so the
order in which files come never changes the graph.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field

from cancu.iri import DocId
from cancu.numbers import LAW_TYPES
from cancu.text import fold
from ingest.models import Document
from ingest.resolve import id_of, number_of

_LAW_PREFIX = re.compile(r"^(?:bo\s+)?luat\s+")


def name_key(title: str) -> str:
    """'Luật Tổ chức Chính phủ' -> 'to chuc chinh phu'; '&' and 'và' are one word, spacing does not count."""
    key = fold(title).replace("&", " va ")
    return " ".join(_LAW_PREFIX.sub("", key).split())


@dataclass
class Catalogue:
    """Ids that name the same document -> the one id each of them stands for."""

    canonical: dict[str, str] = field(default_factory=dict)
    ambiguous: dict[str, list[str]] = field(default_factory=dict)  # a name-and-year id with two candidate laws
    # an ingested document's provisions by the id a pinpoint gives them: "dieu_18/khoan_2" -> "chuong_ii/dieu_18/khoan_2"
    provisions: dict[str, dict[str, str]] = field(default_factory=dict)

    def resolve(self, doc_id: str | None) -> str | None:
        return self.canonical.get(doc_id, doc_id) if doc_id else doc_id


class _Groups:
    """Union-find over ids."""

    def __init__(self) -> None:
        self.parent: dict[str, str] = {}

    def find(self, x: str) -> str:
        self.parent.setdefault(x, x)
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def join(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


def _rank(doc_id: str, ingested: set[str], numbered: set[str]) -> tuple[int, str]:
    if doc_id in ingested:
        return 0, doc_id
    if re.fullmatch(r"luat-\d{4}-\d\d-\d\d-.+", doc_id):
        return 1, doc_id
    return (2 if doc_id in numbered else 3), doc_id


def _law_ids(title: str, date: str | None, year: int | None) -> tuple[str | None, str | None]:
    """(name-and-date id, name-and-year id) of a law."""
    by_date = DocId.for_law(title, date).id if date else None
    y = int(date[:4]) if date else year
    by_year = DocId.for_law(title, str(y)).id if y else None
    return by_date, by_year


def build(docs: list[Document]) -> Catalogue:
    """The catalogue of a batch: ingested documents' own facts and every citation pairing a name with a number."""
    groups = _Groups()
    ingested = {d.doc_id for d in docs if d.doc_id}
    numbered: set[str] = set()
    # (name key, year) -> the dated or numbered ids of laws of that name and year
    by_name_year: dict[tuple[str, int], set[str]] = defaultdict(set)
    year_ids: dict[tuple[str, int], str] = {}

    facts: dict[str, tuple[str, str]] = {}  # id -> ("date", d) or ("number", n): what the id itself fixes

    def law(title: str, date: str | None, year: int | None, number: str | None, own: str | None = None) -> None:
        by_date, by_year = _law_ids(title, date, year)
        y = int(date[:4]) if date else year
        ids = [i for i in (own, by_date) if i]
        if by_date:
            facts[by_date] = ("date", date)
        if number:
            num_id = _number_id(number)
            if num_id:
                ids.append(num_id)
                numbered.add(num_id)
                facts[num_id] = ("number", number_of(number).key)
        for other in ids[1:]:
            groups.join(ids[0], other)
        if y and by_year:
            year_ids[(name_key(title), y)] = by_year
            if ids:
                by_name_year[(name_key(title), y)].add(groups.find(ids[0]))

    for doc in docs:
        if doc.type in LAW_TYPES and doc.title and doc.doc_id:
            law(doc.title, doc.date_issued, None, doc.number, own=doc.doc_id)
        elif doc.doc_id and doc.number and number_of(doc.number).year:
            num_id = _number_id(doc.number)
            if num_id and num_id != doc.doc_id:
                groups.join(doc.doc_id, num_id)
        for ref in doc.legal_bases + doc.cites + doc.related:
            if ref.title and ref.type in LAW_TYPES:
                law(ref.title, ref.date, ref.year, ref.number)
    cat = Catalogue()
    for doc in docs:
        if doc.doc_id:
            cat.provisions[doc.doc_id] = pinpoint_ids(doc)
    # laws of one name and year whose groups fix no two dates and no two numbers are one law: "Luật Tổ chức
    # Chính phủ ngày 18 tháng 02 năm 2025" and "Luật Tổ chức Chính phủ số 63/2025/QH15"
    fixed: dict[str, set[tuple[str, str]]] = defaultdict(set)
    for i, fact in facts.items():
        fixed[groups.find(i)].add(fact)
    for key in by_name_year:
        roots = sorted({groups.find(r) for r in by_name_year[key]})
        known = set().union(*(fixed[r] for r in roots))
        if len(roots) > 1 and all(sum(k == kind for k, _ in known) <= 1 for kind in ("date", "number")):
            for r in roots[1:]:
                groups.join(roots[0], r)
    # a name-and-year citation joins the one law of that name and year; two candidates: left as written
    for key, by_year in year_ids.items():
        roots = {groups.find(r) for r in by_name_year.get(key, ())}
        if len(roots) == 1:
            groups.join(by_year, roots.pop())
        elif len(roots) > 1:
            cat.ambiguous[by_year] = sorted(roots)
    members: dict[str, list[str]] = defaultdict(list)
    for x in list(groups.parent):
        members[groups.find(x)].append(x)
    for ids in members.values():
        best = min(ids, key=lambda i: _rank(i, ingested, numbered))
        for i in ids:
            if i != best:
                cat.canonical[i] = best
    return cat


def _number_id(number: str) -> str | None:
    """The id a numbered citation of a law gets ('luat-2024-41-qh15'), as ingest.resolve gives it."""
    n = number_of(number)
    return id_of(n, n.year, "Luật" if n.issuer.startswith("QH") else None)


def pinpoint_ids(doc: Document) -> dict[str, str]:
    """The document's provisions from their article on ("dieu_18/khoan_2") -> their full id, where that is one
    provision (an attached regulation numbering its articles again makes "dieu_1" two: left out)."""
    by_short: dict[str, list[str]] = defaultdict(list)
    for p in doc.provisions:
        at = p.id.find("dieu_")
        if at == 0 or (at > 0 and p.id[at - 1] == "/"):
            by_short[p.id[at:]].append(p.id)
    return {short: ids[0] for short, ids in by_short.items() if len(ids) == 1}


def apply(doc: Document, cat: Catalogue) -> None:
    """Point every reference of `doc` at its document's one id (after ingest.resolve gave each its written id),
    and a pinpoint at the provision of an ingested document it names."""
    for ref in doc.legal_bases + doc.cites + doc.related:
        ref.doc_id = cat.resolve(ref.doc_id)
        ref.via = cat.resolve(ref.via)
        if ref.pinpoint and ref.doc_id in cat.provisions:
            ref.pinpoint = cat.provisions[ref.doc_id].get(ref.pinpoint, ref.pinpoint)


