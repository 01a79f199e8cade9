"""Plain dataclasses that ingest produces; every fact keeps the character span it came from.

These are the only types ingest hands on (to `to_rdf` and to `cancu parse`), so a reader of
the RDF or CLI code never needs to open the parsers.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from dataclasses import field as dc_field
from typing import Any


@dataclass
class Ref:
    """A reference to another document, as written at one place in the text.

    `relation` is one of cancu.vocab.RELATION_PROPERTIES ('based_on', 'cites', 'amends' …).
    A law cited by name has `title` and no `number`.
    """

    text: str  # the quoted Căn cứ line, or the sentence the citation stands in
    relation: str = "cites"
    number: str | None = None  # canonical "749/QĐ-TTg"
    type: str | None = None  # "Quyết định"
    issuer: str | None = None  # "Thủ tướng Chính phủ"
    date: str | None = None  # ISO date of the cited document
    year: int | None = None
    title: str | None = None  # law cited by name: "Luật Tổ chức Chính phủ"
    provision: str | None = None  # provision id where it stands ("dieu_1/khoan_2"), None in the preamble
    start: int = 0  # span of the reference itself in the normalised text
    end: int = 0
    nested: bool = False  # named inside another reference ("… thực hiện Nghị quyết số 52-NQ/TW …")
    doc_id: str | None = None  # resolved cancu.iri.DocId.id of the target
    pinpoint: str | None = None  # the provision of the target it names ("dieu_18/khoan_2"), as far as the text says
    via_start: int | None = None  # a relation the text states between two other documents: span start of its subject
    via: str | None = None  # … and the subject's resolved id ("88/2025/NĐ-CP details 193/2025/QH15")


@dataclass
class SelfRef:
    """Words by which a document points at itself or at one of its own parts ("Quyết định này",
    "Phụ lục I kèm theo Nghị quyết này", "khoản 3 Điều 11 Thông tư này").

    Kept apart from `Ref`: it is no citation of another document, so it never becomes a document-to-document edge.
    """

    text: str  # the sentence it stands in
    target: str | None = None  # provision id it names ("phu_luc_1", "chuong_ii/dieu_11/khoan_3"); None: the whole document
    provision: str | None = None  # provision id where it stands, None in the preamble
    start: int = 0  # span of the words themselves
    end: int = 0


@dataclass
class Signer:
    name: str
    role: str | None = None  # "PHÓ THỦ TƯỚNG"
    mode: str | None = None  # "KT." | "TM." | "Q." | "TL." | "TUQ."
    on_behalf_of: str | None = None  # "THỦ TƯỚNG", "CHÍNH PHỦ"
    start: int = 0
    end: int = 0


@dataclass
class Provision:
    """A structural unit: Phần, Chương, Mục, Điều, Khoản, Điểm, Roman section, item, annex."""

    id: str  # stable path under the document: "dieu_1/khoan_2/diem_a", "phu_luc_2"
    kind: str  # part | chapter | section | article | clause | point | item | annex
    label: str  # as written: "Điều 1", "a)", "II.", "-" (a dash item: id "…/gach_{n}", n-th dash under its parent)
    heading: str = ""
    text: str = ""
    start: int = 0
    end: int = 0
    parent: str | None = None


@dataclass
class Mention:
    """A named entity found in the text, resolved to a gazetteer id when known."""

    kind: str  # agency | unit | enterprise | person | programme | platform
    text: str
    entity_id: str | None = None  # slug of the canonical entity
    name: str | None = None  # canonical name
    start: int = 0
    end: int = 0
    provision: str | None = None


@dataclass
class AnnexRow:
    """One row of an annex table, columns mapped by header, agency cells split into items."""

    annex: str  # "Phụ lục II"
    annex_id: str  # provision id "phu_luc_2"
    stt: str
    kind: str = "task"  # task | indicator | platform
    group: str | None = None
    parent: str | None = None
    task: str = ""
    lead: list[str] = dc_field(default_factory=list)
    coordinating: list[str] = dc_field(default_factory=list)
    product: str | None = None
    deadline: str | None = None
    unit: str | None = None
    cells: dict[str, str] = dc_field(default_factory=dict)  # header -> raw cell
    lines: list[int] = dc_field(default_factory=list)  # 1-based physical lines
    start: int = 0
    end: int = 0
    key: str = ""  # set when the numbering restarts per group, so ids stay unique ("g2_1")

    @property
    def id(self) -> str:
        return f"{self.annex_id}/hang_{(self.key or self.stt).replace('.', '_')}"


@dataclass
class Role:
    """A programme role: (subject) --relation--> (object), with where it came from."""

    subject_kind: str  # platform | programme | document | task
    subject: str  # name / id
    relation: str  # approves | governing_agency | focal_unit | ministry_focal_unit | core_enterprise | lead | coordinating
    object_kind: str
    object: str
    provision: str | None = None
    quote: str = ""
    start: int = 0
    end: int = 0


@dataclass
class Heading:
    """What a document's header says (ingest.header reads it, Document carries it)."""

    number: str | None = None
    type: str | None = None
    issuer: str | None = None
    co_issuers: list[str] = dc_field(default_factory=list)  # the other bodies of a joint document (TTLT, NQLT)
    signer: str | None = None
    date_issued: str | None = None
    date_in_force: str | None = None
    title: str | None = None
    place: str | None = None
    field: str | None = None
    proposed_by: str | None = None
    signature: Signer | None = None
    continued_from: str | None = None  # the gazette issue a text printed across issues began in ("201 + 202")


@dataclass(kw_only=True)
class Document(Heading):
    source: str  # path as given
    legal_bases: list[Ref] = dc_field(default_factory=list)
    cites: list[Ref] = dc_field(default_factory=list)
    related: list[Ref] = dc_field(default_factory=list)  # relations stated between other documents
    self_refs: list[SelfRef] = dc_field(default_factory=list)
    provisions: list[Provision] = dc_field(default_factory=list)
    annex_rows: list[AnnexRow] = dc_field(default_factory=list)
    mentions: list[Mention] = dc_field(default_factory=list)
    roles: list[Role] = dc_field(default_factory=list)
    errors: list[str] = dc_field(default_factory=list)
    continued_in: str | None = None  # the gazette issue a text printed across issues goes on in; this file holds one part
    text: str = ""  # normalised full text (spans index into it)
    doc_id: str | None = None

    def to_json(self) -> dict[str, Any]:
        """The `cancu parse` record (README, "Parse output")."""
        out = {"source": self.source, **asdict(self)}
        out.pop("text")
        for refs in ("legal_bases", "cites", "related"):  # a reference's unset fields are left out
            out[refs] = [{k: v for k, v in ref.items() if v is not None} for ref in out[refs]]
        return out
