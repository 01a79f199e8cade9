"""One identity per real document: the catalogue of who is who (issue 14), one rule for ingest and load.

A law is cited by name and full date ("Luật Đầu tư ngày 17 tháng 6 năm 2020"), by name and year ("Bộ
luật Dân sự năm 2015"), by number ("Luật số 61/2020/QH14") or by name and number; each form alone gives
another id (cancu.iri). The catalogue joins the forms that name one document, from what the batch says:
an ingested document's own number, title and date, and every citation that pairs a name with a number
or a date. It is time-aware: the same name in two years (Luật Việc làm 2013 and 2025) is two laws, a
citation by name and year joins the one law of that name and year, and where two remain it is left as
it was written, never guessed. A citation by name and a date no law of that name and year is known to
have goes to the one law of that name and year whose date is unknown, or to the only law of that name
and year (the date written otherwise is listed in `despite_date`; the citing text keeps it), and stays
unresolved between two (`_join_misdated`). Names are compared folded (case, diacritics, "và"/"&", spacing).

The canonical id of a group is, in order: the id of the ingested document, the name-and-date id, the
number id, a name-and-date id whose date the law does not have, the name-and-year id (the smallest where
several): a pure function of the batch, so the order in which files come never changes the graph. `cancu
ingest` builds it from parsed documents (ingest.identity), every load from the stored graphs
(graph.reresolve): both describe what they hold as `Described` and call `build_from`.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Iterable

from cancu.iri import DocId, id_of
from cancu.numbers import LAW_TYPES, number_of
from cancu.text import fold

_ISO_DATE = re.compile(r"\d{4}-\d\d-\d\d")  # xsd:date, as ingest writes eli:date_document

_LAW_PREFIX = re.compile(r"^(?:bo\s+)?luat\s+")
_PUNCTUATION = re.compile(r"[^\w\s]")


def name_key(title: str) -> str:
    """'Luật Tổ chức Chính phủ' -> 'to chuc chinh phu'; '&' and 'và' are one word; spacing and punctuation do not
    count ("Luật Quản lý, sử dụng tài sản công" is also written without its comma), as in the id's slug."""
    key = _PUNCTUATION.sub(" ", fold(title).replace("&", " va "))
    return " ".join(_LAW_PREFIX.sub("", key).split())


@dataclass(frozen=True)
class Described:
    """What one source says a document is: the id it gives it and the facts that id rests on. Built from a parsed
    Document at ingest, or from a stored graph at load (graph.reresolve), so both go through one rule."""

    doc_id: str
    type: str | None = None
    title: str | None = None
    date: str | None = None
    year: int | None = None
    number: str | None = None
    ingested: bool = False  # its own text says it (rather than a citation)

    @classmethod
    def of_values(cls, doc_id: str, type: str | None, title: str | None, date: str | None, year: str | None,
                  number: str | None, ingested: bool) -> "Described":
        """From a stored graph's values (graph.reresolve), which any RDF file may give: a value `build_from`
        cannot read (a year that is no integer, a number outside the grammar, a date that is not ISO) is left
        out, as if the graph were silent on it; else one such file would stop every later load of its store."""
        try:
            number_of(number) if number else None
        except ValueError:
            number = None
        try:
            y = int(year) if year else None
        except ValueError:
            y = None
        return cls(doc_id, type, title, date if date and _ISO_DATE.fullmatch(date) else None, y, number, ingested)


@dataclass
class Catalogue:
    """Ids that name the same document -> the one id each of them stands for."""

    canonical: dict[str, str] = field(default_factory=dict)
    ambiguous: dict[str, list[str]] = field(default_factory=dict)  # an id with two candidate documents
    # an ingested document's provisions by the id a pinpoint gives them: "dieu_18/khoan_2" -> "chuong_ii/dieu_18/khoan_2"
    provisions: dict[str, dict[str, str]] = field(default_factory=dict)
    # ingested documents that claim one identity (two laws with one number): each kept, none a canonical id
    conflicts: list[list[str]] = field(default_factory=list)
    # a name-and-date id joined to the one law of that name and year although that law has another date:
    # id -> the law's known dates (the citing text's quote keeps the date it states)
    despite_date: dict[str, list[str]] = field(default_factory=dict)

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


_DATED_LAW = re.compile(r"luat-(\d{4}-\d\d-\d\d)-.+")


def _rank(doc_id: str, ingested: set[str], numbered: set[str], despite: set[str]) -> tuple[int, str]:
    if doc_id in ingested:
        return 0, doc_id
    if _DATED_LAW.fullmatch(doc_id) and doc_id not in despite:
        return 1, doc_id
    if doc_id in numbered:
        return 2, doc_id
    return (3 if doc_id in despite else 4), doc_id


def _law_ids(title: str, date: str | None, year: int | None) -> tuple[str | None, str | None]:
    """(name-and-date id, name-and-year id) of a law."""
    by_date = DocId.for_law(title, date).id if date else None
    y = int(date[:4]) if date else year
    by_year = DocId.for_law(title, str(y)).id if y else None
    return by_date, by_year


def build_from(items: Iterable[Described], provisions: dict[str, dict[str, str]]) -> Catalogue:
    """The catalogue of everything described: a pure function of the set of items, whatever their order."""
    groups = _Groups()
    ingested: set[str] = set()
    numbered: set[str] = set()
    # (name key, year) -> the dated or numbered ids of laws of that name and year
    by_name_year: dict[tuple[str, int], set[str]] = defaultdict(set)
    year_ids: dict[tuple[str, int], str] = {}

    facts: dict[str, tuple[str, str]] = {}  # id -> ("date", d) or ("number", n): what the id itself fixes
    misdated: dict[str, str] = {}  # a name-and-date id -> the date of the law a batch before joined it to

    def law(title: str, date: str | None, year: int | None, number: str | None, own: str | None = None) -> None:
        year = year or (number_of(number).year if number else None)
        by_date, by_year = _law_ids(title, date, year)
        y = int(date[:4]) if date else year
        ids = [i for i in (own, by_date) if i]
        if by_date:
            facts[by_date] = ("date", date)
        if number:
            num_id = number_id(number)
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

    for it in items:
        if it.ingested:
            ingested.add(it.doc_id)
            groups.find(it.doc_id)
            if it.type in LAW_TYPES and it.title:
                law(it.title, it.date, None, it.number, own=it.doc_id)
            elif it.number and number_of(it.number).year:
                num_id = number_id(it.number)
                if num_id and num_id != it.doc_id:
                    groups.join(it.doc_id, num_id)
        elif it.title and it.type in LAW_TYPES:
            # a stored stub's id may be another form its batch chose for it (the law's number, or its date)
            date = it.date or date_of_id(it.doc_id)
            number = it.number or number_of_id(it.doc_id)
            alias = it.doc_id if it.doc_id and it.doc_id not in _law_ids(it.title, date, it.year) and "undated" not in it.doc_id \
                and it.doc_id != (number_id(number) if number else None) else None
            law(it.title, date, it.year, number, own=alias)
            if alias and date and date_of_id(alias) not in (None, date):  # a batch took this date for the law's
                misdated[_law_ids(it.title, date, it.year)[0] or ""] = date_of_id(alias) or ""
    cat = Catalogue(provisions={d: p for d, p in provisions.items() if p})
    # laws of one name and year whose groups fix no two dates and no two numbers are one law: "Luật Tổ chức
    # Chính phủ ngày 18 tháng 02 năm 2025" and "Luật Tổ chức Chính phủ số 63/2025/QH15"
    fixed: dict[str, set[tuple[str, str]]] = defaultdict(set)
    for i, fact in facts.items():
        fixed[groups.find(i)].add(fact)
    for key in sorted(by_name_year):
        roots = sorted({groups.find(r) for r in by_name_year[key]})
        known = set().union(*(fixed[r] for r in roots))
        if len(roots) > 1 and all(sum(k == kind for k, _ in known) <= 1 for kind in ("date", "number")):
            for r in roots[1:]:
                groups.join(roots[0], r)
    despite = _join_misdated(groups, by_name_year, facts, ingested | numbered, cat) | set(misdated)
    for i, date in misdated.items():
        cat.despite_date.setdefault(i, [date])
    # a name-and-year citation joins the one law of that name and year; two candidates: left as written
    for key, by_year in sorted(year_ids.items()):
        roots = {groups.find(r) for r in by_name_year.get(key, ())}
        if len(roots) == 1:
            groups.join(by_year, roots.pop())
        elif len(roots) > 1:
            cat.ambiguous[by_year] = sorted(roots)
    members: dict[str, list[str]] = defaultdict(list)
    for x in list(groups.parent):
        members[groups.find(x)].append(x)
    for ids in members.values():
        own = sorted(i for i in ids if i in ingested)
        if len(own) > 1:  # two ingested documents claim one identity: both kept, a citation of it left as written
            cat.conflicts.append(own)
            cat.ambiguous.update((i, own) for i in ids if i not in ingested)
            continue
        best = min(ids, key=lambda i: _rank(i, ingested, numbered, despite))
        for i in ids:
            if i != best:
                cat.canonical[i] = best
    cat.ambiguous = {i: sorted({cat.resolve(c) or c for c in cs}) for i, cs in cat.ambiguous.items()}
    cat.conflicts.sort()
    return cat


def _join_misdated(groups: _Groups, by_name_year: dict[tuple[str, int], set[str]], facts: dict[str, tuple[str, str]],
                   known: set[str], cat: Catalogue) -> set[str]:
    """A law cited by name and a date no law known otherwise (ingested, or by a number) has: of the laws of that
    name and year, drop those known to have another date; the one left (its date unknown) is it. None left and
    only one law of that name and year: it is that law with the date written otherwise (the ids are returned,
    to rank after its own, and listed in cat.despite_date). Two left: unresolved, the candidates listed. Where
    the other law is itself known only from citations by name and date, or two dates take one law of unknown
    date, nothing in the texts says which date is the law's: left as written (a count of citing documents
    would be a guess, and would join the two real laws of one name and year that 2025 has)."""
    named = {groups.find(r) for roots in by_name_year.values() for r in roots}
    members: dict[str, list[str]] = defaultdict(list)
    for x in list(groups.parent):
        if (root := groups.find(x)) in named:
            members[root].append(x)
    dates = {r: sorted(facts[i][1] for i in ids if facts.get(i, ("",))[0] == "date") for r, ids in members.items()}
    known_roots = {r for r, ids in members.items() if any(i in known for i in ids)}
    targets: dict[str, set[str]] = defaultdict(set)  # a citation's group -> the law(s) it is taken for
    claims: dict[str, set[str]] = defaultdict(set)  # a law of unknown date -> the citations taking it
    unresolved: dict[str, list[str]] = {}
    for key in sorted(by_name_year):
        roots = sorted({groups.find(r) for r in by_name_year[key]})
        for g in roots:
            if g in known_roots or not dates[g]:
                continue
            others = [h for h in roots if h != g]
            undated = [h for h in others if not dates[h]]
            if len(undated) == 1:
                targets[g].add(undated[0])
                claims[undated[0]].add(g)
            elif len(undated) > 1:
                unresolved[g] = undated
            elif len(others) == 1 and others[0] in known_roots:
                targets[g].add(others[0])
    despite: set[str] = set()
    for g, hs in sorted(targets.items()):
        if len(hs) != 1 or g in unresolved:
            continue
        h = next(iter(hs))
        if claims.get(h, set()) - {g}:
            continue  # another date takes this law too
        if dates[h]:
            for i in members[g]:
                if _DATED_LAW.fullmatch(i):
                    despite.add(i)
                    cat.despite_date[i] = dates[h]
        groups.join(g, h)
    for g, candidates in unresolved.items():
        cat.ambiguous.update((i, candidates) for i in members[g])
    return despite


def date_of_id(doc_id: str) -> str | None:
    """The date a law's name-and-date id fixes ('luat-2024-06-29-bao-hiem-xa-hoi' -> '2024-06-29')."""
    m = _DATED_LAW.fullmatch(doc_id)
    return m[1] if m else None


def number_of_id(doc_id: str) -> str | None:
    """The number a law's numbered id stands for ('luat-2024-41-qh15' -> '41/2024/QH15'), checked by building the
    id back from it (so a name-and-year id whose name starts with a digit is not taken for one)."""
    m = re.fullmatch(r"luat-(\d{4})-(\d+[a-z]?)-([a-z]+\d*)", doc_id)
    if not m:
        return None
    number = f"{m[2]}/{m[1]}/{m[3].upper()}"
    return number if number_id(number) == doc_id else None


def number_id(number: str) -> str | None:
    """The id a numbered citation of a law gets ('luat-2024-41-qh15'), as ingest.resolve gives it."""
    n = number_of(number)
    return id_of(n, n.year, "Luật" if n.issuer.startswith("QH") else None)


def pinpoint_ids(provision_ids: Iterable[str]) -> dict[str, str]:
    """A document's provisions from their article on ("dieu_18/khoan_2") -> their full id, where that is one
    provision other than itself (an attached regulation numbering its articles again makes "dieu_1" two: left out;
    a provision whose id starts at its article needs no entry)."""
    by_short: dict[str, list[str]] = defaultdict(list)
    for pid in provision_ids:
        at = pid.find("dieu_")
        if at == 0 or (at > 0 and pid[at - 1] == "/"):
            by_short[pid[at:]].append(pid)
    return {short: ids[0] for short, ids in by_short.items() if len(ids) == 1 and ids[0] != short}


# Texts the gazette prints across issues (ingest.parts): how two parts of one identity are named, here
# because the load's re-resolution (graph.reresolve) reports them as ingest does.
PARTS = "two parts of one document printed across gazette issues"


def part_name(continued_from: str | None, continued_in: str | None) -> str:
    """'the first part' / 'the part continued from Công báo số 201 + 202' / 'the text'."""
    if continued_from:
        return f"the part continued from Công báo số {continued_from}"
    return "the first part" if continued_in else "the text"


def different_parts(continued_from: Iterable[str | None]) -> bool:
    """Whether documents of one identity are different parts of it (they continue from different issues), rather
    than copies of one part (a text and its PDF)."""
    return len(set(continued_from)) > 1
