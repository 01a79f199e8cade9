"""Response models of the graph endpoints: chains, relations, programmes, tasks, agencies, uploads."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from api.schemas import DocumentOut, LinkOut, Page, ProvenanceOut


class ProvisionOut(BaseModel):
    iri: str
    kind: str = Field(description="chapter | section | article | clause | point | item | annex | task | indicator | row …")
    parent: str | None = None
    label: str | None = Field(default=None, description="as written: 'Điều 1', 'Phụ lục II', '11'")
    heading: str | None = None
    ordinal: int | None = None
    task_id: str | None = Field(default=None, description="for annex rows: the id under /tasks/{id}")
    text: str | None = Field(default=None, description="only with ?text=true")


class DocumentDetailOut(DocumentOut):
    provisions: list[ProvisionOut] = Field(default_factory=list, description="in document order; text only with ?text=true")


class DocumentListPage(Page):
    items: list[DocumentOut]


class ChainNodeOut(DocumentOut):
    depth: int = Field(description="hops from the start document")


class ChainEdgeOut(BaseModel):
    source: str
    source_id: str | None
    target: str
    target_id: str | None
    relation: str
    relation_label: str
    provenance: list[ProvenanceOut]


class ChainOut(BaseModel):
    """Legal bases up (or documents built on it down), transitively; each node once (cycle-safe)."""

    start: DocumentOut
    direction: str = Field(description="up: what it is based on; down: what is based on it")
    depth: int
    relations: list[str]
    max_nodes: int
    truncated: bool = Field(description="true when the node cap cut the walk: some documents were left out")
    nodes: list[ChainNodeOut]
    edges: list[ChainEdgeOut]


class RelationGroupOut(BaseModel):
    relation: str
    label_vi: str
    label_en: str
    outgoing: list[LinkOut] = Field(description="this document -> other")
    incoming: list[LinkOut] = Field(description="other -> this document")


class RelationsOut(BaseModel):
    document: DocumentOut
    groups: list[RelationGroupOut] = Field(description="every relation kind, both ways (empty groups included)")


class EntityOut(BaseModel):
    id: str | None = Field(description="slug after /id/{kind}/ (entities) or the task id (annex rows)")
    iri: str
    kind: str
    label: str | None = None
    href: str | None = Field(default=None, description="this resource in the API")


class EntityPage(Page):
    items: list[EntityOut]


class RoleOut(BaseModel):
    """Someone or something linked in a role, with where the text says so."""

    role: str = Field(description="governing_agency, focal_unit, ministry_focal_unit, core_enterprise, lead, coordinating, "
                                  "monitoring, approves, names_platform, issued, signed, mentions")
    role_label: str
    entity: EntityOut
    provenance: list[ProvenanceOut] = Field(default_factory=list, description=(
        "where the text states it; on agency and platform pages the first PROVENANCE_CAP only"))
    provenance_total: int | None = Field(None, description="set when `provenance` holds only the first ones: how many "
                                                           "there are (all of them: provenance_href)")
    provenance_href: str | None = None


class LegalBasisOut(BaseModel):
    """The document that approves/lists an item, and that document's own legal bases."""

    document: DocumentOut
    role: str = Field(description="regulates (its title, Phạm vi điều chỉnh or an article heading names the "
                                   "platform) | approves | lists (its annex row or a sentence names the item's role) | "
                                   "contains (the task is a row of it)")
    provenance: list[ProvenanceOut] = Field(default_factory=list)
    legal_bases: list[LinkOut] = Field(default_factory=list)


class ItemOut(BaseModel):
    """A programme or a platform with everything connected to it."""

    id: str
    iri: str
    kind: str
    label: str | None
    alt_labels: list[str]
    legal_basis: list[LegalBasisOut] = Field(description="one page (limit/offset): approving documents first, "
                                             "then the documents whose annex lists the item, by IRI")
    legal_basis_total: int = Field(description="legal-basis documents in all pages")
    limit: int
    offset: int
    agencies: list[RoleOut] = Field(description="one page (limit/offset) of the governing agency, focal units …, "
                                                "with the first provenance of each")
    agencies_total: int = Field(description="agencies and units in all pages")
    enterprises: list[RoleOut] = Field(description="one page (limit/offset)")
    enterprises_total: int = Field(description="enterprises in all pages")
    counts: dict[str, int] = Field(description="the item's role edges by role (towards agencies, enterprises, "
                                               "programmes …), all pages")
    related: list[RoleOut] = Field(description="programmes naming this platform, platforms a programme names")
    tasks_total: int = Field(description="annex rows (tasks, indicators) of the legal-basis documents, all pages; "
                                         "the first document's rows: tasks_href")
    tasks_href: str | None = None


class TaskOut(BaseModel):
    id: str = Field(description="document id + '~' + the row's path with '/' as '~': nq-2025-03-cp~phu_luc_2~hang_11")
    iri: str
    kind: str = Field(description="task | indicator | row")
    row_label: str | None
    text: str | None
    annex: ProvisionOut | None
    document: DocumentOut | None
    attributes: dict[str, list[str]] = Field(description="deadline, product, target, unit_of_measure as written")
    agencies: list[RoleOut] = Field(description="lead, coordinating, monitoring, with the quoted row")
    legal_basis: list[LegalBasisOut]


class TaskSummaryOut(BaseModel):
    id: str
    iri: str
    kind: str
    row_label: str | None
    text: str | None
    document_id: str | None
    lead: list[str]
    coordinating: list[str]
    monitoring: list[str]
    deadline: list[str]


class TaskPage(Page):
    items: list[TaskSummaryOut]


class SuccessionOut(BaseModel):
    entity: EntityOut
    date: str | None = Field(description="date the predecessor's role passed to this entity (cc:successionDate)")


class RolePage(BaseModel):
    total: int
    items: list[RoleOut]


class AgencyOut(BaseModel):
    id: str
    iri: str
    kind: str = Field(description="agency | unit | enterprise | person")
    label: str | None
    alt_labels: list[str]
    abbreviation: list[str]
    parent: EntityOut | None
    units: list[EntityOut]
    successors: list[SuccessionOut] = Field(description="cc:successor followed to the end, in order")
    holds_role_today: EntityOut = Field(description="the last successor (itself if none)")
    counts: dict[str, int] = Field(description="edges by role, all pages")
    documents_issued: RolePage
    documents_signed: RolePage
    tasks: RolePage = Field(description="lead / coordinating / monitoring rows")
    platforms: RolePage = Field(description="platforms and programmes it holds a role in")
    limit: int
    offset: int


class UploadOut(DocumentOut):
    quads: int
    replaced: bool = Field(description="true if an ingested document with this id was already stored")
    warnings: list[str]


class CypherIn(BaseModel):
    query: str = Field(min_length=1, max_length=100_000)
    params: dict[str, Any] = Field(default_factory=dict)


class CypherOut(BaseModel):
    rows: list[dict[str, Any]]
    truncated: bool


class ProvisionCitationOut(LinkOut):
    """A link whose other end is a provision: `document` is the document that provision belongs to."""

    provision: str = Field(description="IRI of the provision at the other end (the citing one, or the one cited)")


class ProvisionDetailOut(BaseModel):
    document: DocumentOut
    provision: str = Field(description="its IRI: {document}/{provision id}")
    found: bool = Field(description="the document is ingested and has this provision (false: known only from citations)")
    detail: ProvisionOut | None = None
    cited_by: list[ProvisionCitationOut] = Field(default_factory=list,
                                                 description="provisions of other documents that cite this one by number")
    cites: list[ProvisionCitationOut] = Field(default_factory=list,
                                              description="provisions of other documents this one cites by number")


class ProvenancePage(BaseModel):
    """Every place the text states one role edge, in pages."""

    subject: str
    role: str
    object: str
    total: int
    limit: int
    offset: int
    items: list[ProvenanceOut]
