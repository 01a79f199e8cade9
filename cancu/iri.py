"""The IRI template, in one place (GUIDE §2).

    document   {base}/eli/vn/{type}/{year}/{number}/{issuer}     .../eli/vn/qd/2020/749/ttg
    law        {base}/eli/vn/luat/{yyyy-mm-dd}/{name}            .../eli/vn/luat/2015-06-19/to-chuc-chinh-phu
    provision  {document}/dieu_1/khoan_2/diem_a                  annex row: {document}/phu_luc_2/hang_11
    entity     {base}/id/{kind}/{slug}                           .../id/agency/bo-thong-tin-va-truyen-thong

A document's key is number + issuer + year, never the number alone (two 50/NQ-CP exist).
Laws are cited by name and date, so that pair is their key. The API id is the IRI path
after /eli/vn/ with '/' written as '-' (`qd-2020-749-ttg`); `DocId` converts both ways.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from cancu.config import base_iri
from cancu.numbers import TYPE_CODES, DocNumber
from cancu.text import slug

UNDATED = "undated"
ELI_PATH = "/eli/vn/"


@dataclass(frozen=True)
class DocId:
    """Stable identity of a document: type slug, year (or full date for laws), number (or name slug for laws), issuer."""

    type: str
    year: str
    number: str
    issuer: str = ""

    @classmethod
    def for_number(cls, number: DocNumber, year: int | None, type_name: str | None = None) -> "DocId":
        type_slug = TYPE_CODES[number.type_code][1] if number.type_code else _type_slug(type_name or number.type_name)
        issuer = slug("-".join(p for p in (number.issuer, *number.units) if p))
        if not issuer:  # "07/2017/TT", a form "Biểu số 805/TTr-Sở": no body, so no identity to give
            raise ValueError(f"no issuing body in {number}: not a document identifier")
        return cls(type_slug, str(number.year or year or UNDATED), number.num, issuer)

    @classmethod
    def for_law(cls, name: str, date_iso: str) -> "DocId":
        """`date_iso` is the law's date; a year or UNDATED when the citation gives no more."""
        return cls("luat", date_iso, slug(re.sub(r"^(Bộ\s+)?Luật\s+", "", name, flags=re.I)) or "luat")

    @classmethod
    def parse(cls, doc_id: str) -> "DocId":
        """Parse an API id ('qd-2020-749-ttg', 'luat-2015-06-19-to-chuc-chinh-phu'); ValueError if malformed."""
        m = re.fullmatch(rf"luat-(\d{{4}}-\d\d-\d\d|\d{{4}}|{UNDATED})-([a-z0-9-]+)", doc_id)
        if m:
            return cls("luat", m[1], m[2])
        m = re.fullmatch(rf"([a-z]+)-(\d{{4}}|{UNDATED})-(\d{{1,5}}(?:\.\d{{1,3}})?[a-z]?)-([a-z0-9-]+)", doc_id)
        if not m:
            raise ValueError(f"not a document id: {doc_id!r} (expected e.g. 'qd-2020-749-ttg')")
        return cls(m[1], m[2], m[3], m[4])

    @classmethod
    def from_iri(cls, iri: str) -> "DocId":
        """The id of a document IRI (type/year/number[/issuer] after /eli/vn/); ValueError for any other IRI."""
        path = iri.split(ELI_PATH, 1)[1] if ELI_PATH in iri else iri
        parts = path.strip("/").split("/")[:4]
        if len(parts) < 3 or not all(parts):
            raise ValueError(f"not a document IRI: {iri[:200]!r}")
        return cls(*parts)

    @property
    def id(self) -> str:
        return "-".join(p for p in (self.type, self.year, self.number, self.issuer) if p)

    def iri(self, base: str | None = None) -> str:
        parts = [p for p in (self.type, self.year, self.number, self.issuer) if p]
        return f"{base or base_iri()}{ELI_PATH}{'/'.join(parts)}"


def id_of(number: DocNumber, year: int | None, type_name: str | None) -> str | None:
    """The id a number names, or None (kept as an unresolved reference) when it names no issuing body."""
    try:
        return DocId.for_number(number, year, type_name).id
    except ValueError:
        return None


def _type_slug(type_name: str | None) -> str:
    from cancu.numbers import TYPE_BY_NAME
    from cancu.text import fold

    code = TYPE_BY_NAME.get(fold(type_name or ""))
    return TYPE_CODES[code][1] if code else "vb"


def split_provision(iri: str) -> tuple[str, str]:
    """(document IRI, provision id) of a provision or annex-row IRI ('…/luat/2024-06-29/bao-hiem-xa-hoi/chuong_ii/
    dieu_18' -> ('…/luat/2024-06-29/bao-hiem-xa-hoi', 'chuong_ii/dieu_18')); ('iri', '') for a document. A document's
    path segments are slugs (letters, digits, '-'); every provision segment holds a '_' ('dieu_18', 'phu_luc_2')."""
    head, sep, path = iri.partition(ELI_PATH)
    parts = path.split("/")
    at = next((i for i, p in enumerate(parts) if "_" in p), len(parts))
    return f"{head}{sep}{'/'.join(parts[:at])}", "/".join(parts[at:])


def entity_iri(kind: str, name: str, base: str | None = None) -> str:
    """IRI of a named entity (agency, enterprise, person, platform, programme)."""
    return f"{base or base_iri()}/id/{kind}/{slug(name)}"
