"""The document types, the relation kinds between documents and the roles of entities, one row each: every other
table of them is derived from these three.

A document type (DOC_TYPES) is a type of Nghị định 30/2020/NĐ-CP, Phụ lục III: its code (ký hiệu) in numbers, its
Vietnamese and English names (the skos:prefLabel of its cc:DocumentTypes concept, whose local name is the slug),
the slug of its IRIs, its RDF class, the other names that mean it (aliases, on a type line too, and words, only in
running text) and what it is (a law, a joint document, dated by its adoption, acting on others). cancu.numbers'
tables, cancu.vocab.TYPE_CLASSES, the citation grammar's type words and ingest.header's type lines are built
from it; tests/test_ontology.py checks ontology.ttl's scheme against it.

A kind is what vbpl.vn's "Lược đồ" names (căn cứ, sửa đổi, thay thế …). Its row holds the code the API and the
models use, its Vietnamese and English names (the skos:prefLabel of its cc:RelationKinds concept), the RDF
property asserted and the ELI property it is or specialises, the wording that states it in a sentence (for
ingest.citations), its label in the API and its line on graph pages. cancu.vocab.RELATION_PROPERTIES,
ingest.citations' wording patterns, graph.shared.RELATIONS, api.convert.RELATION_LABELS and api.viz_graph's
styles are built from RELATION_KINDS; tests/test_registry.py checks ontology.ttl, shapes.ttl and
context.jsonld against it. Adding a kind is one row here plus its terms in those three files.

Adding a type is one row in DOC_TYPES plus its class and concept in ontology.ttl.

A role (ROLES) links a document, programme, platform or annex row to an entity; Store.roles reads it along
its property path. cancu.vocab.ROLE_PROPERTIES (what ingest asserts), graph.store.ROLE_PROPERTIES,
api.graph_views.ROLE_LABELS and the graph pages' role styles are built from ROLES.

An entity kind (ENTITY_KINDS) is what a role points at or an annex row is: its code (the API's `kind` and the
IRI segment /id/{code}/{slug}), its names, RDF class, route, page label and graph-page style. ingest.to_rdf's
entity classes, graph.shared's kind tables (how both stores name a node's kind), api.ids' and api.page_urls'
routes, the entity pages' labels and home sections, /search's kinds and the graph pages' node styles are built
from it; tests/test_registry.py checks ontology.ttl, shapes.ttl, context.jsonld and the /viz routes against it.
"""

from __future__ import annotations

from dataclasses import dataclass

# The namespaces, written once: every module that spells an IRI takes them from here.
CC = "https://w3id.org/cancu/ontology#"
ELI = "http://data.europa.eu/eli/ontology#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
ORG = "http://www.w3.org/ns/org#"
PROV = "http://www.w3.org/ns/prov#"
XSD = "http://www.w3.org/2001/XMLSchema#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDF_TYPE = RDF + "type"
CLAIM = "https://w3id.org/cancu/claim#"  # what a document says of another it cites (graph.own_facts)


@dataclass(frozen=True)
class RelationKind:
    code: str  # API and model name: "based_on"
    vi: str  # skos:prefLabel @vi of its concept
    en: str  # skos:prefLabel @en of its concept
    prop: str  # the RDF property asserted (IRI)
    eli: str  # the ELI property it is, or is an rdfs:subPropertyOf
    label: str  # in API answers: Vietnamese as vbpl.vn says it, then English
    acting: str | None = None  # regex: "<type> này … <acting>" says this document acts so on what it cites
    between: str | None = None  # regex: wording between two references saying the first acts so on the second
    colour: str = "#909497"  # its edges on graph pages
    dashed: bool = False
    rank: int = 99  # graph pages keep lower ranks first when a neighbourhood is cut


RELATION_KINDS: list[RelationKind] = [
    RelationKind("based_on", "căn cứ ban hành", "legal basis", ELI + "based_on", ELI + "based_on",
                 "căn cứ ban hành (legal basis)", colour="#1f4e79", rank=0),
    RelationKind("cites", "dẫn chiếu", "cites", ELI + "cites", ELI + "cites", "dẫn chiếu (cited in the body)",
                 colour="#7f8c8d", dashed=True, rank=11),
    RelationKind("amends", "sửa đổi, bổ sung", "amends", CC + "amends", ELI + "amends", "sửa đổi, bổ sung (amends)",
                 acting=r"sửa đổi|bổ sung", between=r"sửa\s+đổi,?\s+bổ\s+sung", colour="#c0392b", rank=1),
    RelationKind("replaces", "thay thế", "replaces", CC + "replaces", ELI + "repeals", "thay thế (replaces)",
                 acting=r"thay thế", between=r"thay\s+thế", colour="#922b21", rank=2),
    RelationKind("repeals", "bãi bỏ", "repeals", CC + "repeals", ELI + "repeals", "bãi bỏ (repeals)",
                 acting=r"bãi bỏ", between=r"bãi\s+bỏ", colour="#641e16", rank=3),
    RelationKind("guides", "hướng dẫn", "guides", CC + "guides", ELI + "ensures_implementation_of",
                 "hướng dẫn (guides)", acting=r"hướng dẫn", between=r"hướng\s+dẫn", colour="#2874a6", dashed=True,
                 rank=4),
    RelationKind("details", "quy định chi tiết", "details", CC + "details", ELI + "ensures_implementation_of",
                 "quy định chi tiết (details)", acting=r"quy định chi tiết",
                 between=r"quy\s+định\s+chi\s+tiết(?:\s+và\s+hướng\s+dẫn)?", colour="#2874a6", dashed=True, rank=5),
    RelationKind("corrects", "đính chính", "corrects", CC + "corrects", ELI + "corrects", "đính chính (corrects)",
                 acting=r"đính chính", colour="#a04000", dashed=True, rank=6),
    RelationKind("consolidates", "hợp nhất", "consolidates", CC + "consolidates", ELI + "consolidates",
                 "hợp nhất (consolidates)", acting=r"hợp nhất", between=r"hợp\s+nhất", rank=7),
    RelationKind("suspends", "đình chỉ", "suspends", CC + "suspends", ELI + "changes", "đình chỉ (suspends)",
                 acting=r"đình chỉ", rank=8),
    RelationKind("halts", "tạm ngưng hiệu lực", "halts the effect of", CC + "halts", ELI + "changes",
                 "tạm ngưng hiệu lực (halts)", acting=r"tạm ngưng hiệu lực", rank=9),
    RelationKind("implements", "thực hiện", "implements", CC + "implements", ELI + "ensures_implementation_of",
                 "thực hiện (implements)", between=r"thực\s+hiện", colour="#5d6d7e", dashed=True, rank=10),
]


@dataclass(frozen=True)
class Role:
    code: str  # API and model name: "governing_agency"
    path: str  # the property (path) Store.roles follows from subject to entity, as a CURIE: "cc:governingAgency"
    label: str  # in API answers: Vietnamese, then English
    asserted: bool  # a programme role ingest states with provenance (a cc:Link), not derived from metadata
    colour: str = "#909497"  # its edges on graph pages
    dashed: bool = False

    @property
    def edge(self) -> str:
        """What graph pages call its edges: the local name of the path's last property ("signer")."""
        return self.path.rsplit("/", 1)[-1].split(":", 1)[1]


ROLES: list[Role] = [
    Role("approves", "cc:approves", "phê duyệt (approves)", True, "#b7950b"),  # document -> programme
    Role("regulates", "cc:regulates", "văn bản điều chỉnh (regulates)", True, "#b7950b",
         True),  # document -> platform it establishes or regulates (its legal basis)
    Role("names_platform", "cc:namesPlatform", "nền tảng của chương trình (names platform)", True,
         "#c0392b"),  # programme -> platform
    Role("governing_agency", "cc:governingAgency", "cơ quan chủ quản (governing agency)", True,
         "#1b5e3a"),  # platform -> agency
    Role("focal_unit", "cc:focalUnit", "đơn vị đầu mối (focal unit)", True, "#4f9a68"),  # platform -> unit
    Role("ministry_focal_unit", "cc:ministryFocalUnit", "đơn vị đầu mối của Bộ (ministry focal unit)", True,
         "#4f9a68", True),  # platform -> unit
    Role("core_enterprise", "cc:coreEnterprise", "doanh nghiệp nòng cốt (core enterprise)", True,
         "#8e44ad"),  # platform -> enterprise
    Role("operating", "cc:operatingAgency", "cơ quan vận hành (operating agency)", True, "#1b5e3a",
         True),  # platform -> agency that runs it (vận hành)
    Role("connecting", "cc:connectingOrganization",
         "kết nối, cung cấp dịch vụ trên nền tảng (connecting organization)", True, "#8e44ad",
         True),  # platform -> enterprise or agency connecting to it (kết nối)
    Role("lead", "cc:leadAgency", "cơ quan chủ trì (lead agency)", True, "#1b5e3a"),  # task row -> agency
    Role("coordinating", "cc:coordinatingAgency", "cơ quan phối hợp (coordinating agency)", True,
         "#52be80", True),  # task row -> agency
    Role("monitoring", "cc:monitoringAgency", "cơ quan chủ trì theo dõi, đánh giá (monitoring agency)", True,
         "#d35400", True),  # indicator row -> agency
    Role("issued", "eli:passed_by", "cơ quan ban hành (issued by)", False, "#34495e"),  # document -> issuing body
    Role("signed", "cc:signature/cc:signer", "người ký (signed by)", False, "#7f8c8d", True),  # through its cc:Signature
    Role("mentions", "cc:mentions", "nhắc đến (mentions)", False, "#d5d8dc", True),  # named anywhere in the text
]


@dataclass(frozen=True)
class DocType:
    code: str  # ký hiệu in numbers ("QĐ"): the skos:notation of its concept
    vi: str  # as written on the type line, capitalised ("Quyết định"): skos:prefLabel @vi
    en: str  # skos:prefLabel @en
    slug: str  # in IRIs and API ids (qd-2020-749-ttg), lower-case letters; the local name of its dt: concept
    cls: str  # its RDF class (IRI), a subclass of cc:LegalDocument
    aliases: tuple[str, ...] = ()  # other names of the same type, on a type line too ("Bộ luật")
    words: tuple[str, ...] = ()  # words naming it only in running text ("văn bản số 12/BTTTT")
    law: bool = False  # identified by name and date of adoption, cited by name
    joint: bool = False  # every code after the type in its number names an issuing body
    adopted: bool = False  # dated by the vote that adopted it when no date stands in its header
    acts: bool = True  # can amend, guide, replace … other documents (a letter or report only speaks of them)


DOC_TYPES: list[DocType] = [
    DocType("L", "Luật", "Law", "luat", CC + "Law", aliases=("Bộ luật", "Hiến pháp"), law=True, adopted=True),
    DocType("PL", "Pháp lệnh", "Ordinance", "pl", CC + "Ordinance", adopted=True),
    DocType("NĐ", "Nghị định", "Decree", "nd", CC + "Decree"),
    DocType("NQ", "Nghị quyết", "Resolution", "nq", CC + "Resolution", adopted=True),
    DocType("NQLT", "Nghị quyết liên tịch", "Joint resolution", "nqlt", CC + "Resolution", joint=True),
    DocType("QĐ", "Quyết định", "Decision", "qd", CC + "Decision"),
    DocType("TT", "Thông tư", "Circular", "tt", CC + "Circular"),
    DocType("TTLT", "Thông tư liên tịch", "Joint circular", "ttlt", CC + "JointCircular", joint=True),
    DocType("CT", "Chỉ thị", "Directive", "ct", CC + "Directive"),
    DocType("KH", "Kế hoạch", "Plan", "kh", CC + "Plan"),
    DocType("HD", "Hướng dẫn", "Guidance", "hd", CC + "Guidance"),
    DocType("TB", "Thông báo", "Notice", "tb", CC + "Notice", acts=False),
    DocType("BC", "Báo cáo", "Report", "bc", CC + "Report", acts=False),
    DocType("TTr", "Tờ trình", "Submission", "ttr", CC + "Submission", acts=False),
    DocType("ĐA", "Đề án", "Scheme", "da", CC + "Scheme"),
    DocType("CĐ", "Công điện", "Official dispatch", "cd", CC + "Dispatch"),
    DocType("KL", "Kết luận", "Conclusion", "kl", CC + "Conclusion"),
    DocType("QC", "Quy chế", "Regulation", "qc", CC + "Regulation"),
    DocType("VBHN", "Văn bản hợp nhất", "Consolidated text", "vbhn", CC + "ConsolidatedText"),
    DocType("CV", "Công văn", "Official letter", "cv", CC + "OfficialLetter", words=("Văn bản",), acts=False),
]


@dataclass(frozen=True)
class EntityKind:
    code: str  # API `kind` and IRI segment ({base}/id/{code}/{slug}): "agency"
    vi: str  # Vietnamese name, on entity pages: "Cơ quan"
    en: str  # English name, on entity pages: "agency"
    cls: str  # its RDF class (IRI); the first kind whose class a node has is its kind
    legend: str  # its name on graph pages
    style: tuple[str, str, str, str]  # graph-page node: vis shape, background, border, font colour
    path: str | None = None  # API resource /{path}/{slug} and page /browse/{path}/{slug}; None: none of its own
    viz: bool = False  # a graph page /viz/{path}/{slug} of its own
    home: int = 0  # its list's place on the home page, under "{vi} ({path})" (0: not listed)
    row: bool = False  # an annex row (labelled by its cc:text, named by a task id), not a named entity

    @property
    def label(self) -> str:
        """Its name on entity pages: "Cơ quan (agency)"."""
        return f"{self.vi} ({self.en})"


ENTITY_KINDS: list[EntityKind] = [
    EntityKind("agency", "Cơ quan", "agency", CC + "Agency", "Agency", ("hexagon", "#2e8b57", "#1b5e3a", "#1b3d2a"),
               "agencies", viz=True, home=3),
    EntityKind("unit", "Đơn vị", "unit", CC + "Unit", "Unit of an agency", ("hexagon", "#93d3a8", "#4f9a68", "#1b3d2a"),
               "agencies"),
    EntityKind("enterprise", "Doanh nghiệp", "enterprise", CC + "Enterprise", "Enterprise",
               ("star", "#8e44ad", "#5e2a75", "#3b1a4a"), "enterprises", home=4),
    EntityKind("platform", "Nền tảng số", "platform", CC + "Platform", "Platform",
               ("database", "#c0392b", "#7d241b", "#ffffff"), "platforms", viz=True, home=1),
    EntityKind("programme", "Chương trình", "programme", CC + "Programme", "Programme",
               ("ellipse", "#f7dc6f", "#b7950b", "#4d3f06"), "programmes", home=2),
    EntityKind("person", "Cá nhân", "person", CC + "Person", "Person", ("diamond", "#7f8c8d", "#4d5656", "#2e3535")),
    EntityKind("task", "Nhiệm vụ", "annex task", CC + "Task", "Annex row: task", ("dot", "#f0a23b", "#b36b0c", "#4d3206"),
               row=True),
    EntityKind("indicator", "Chỉ tiêu", "annex indicator", CC + "Indicator", "Annex row: indicator",
               ("triangle", "#e07b53", "#a3461f", "#4d2010"), row=True),
    EntityKind("row", "Dòng phụ lục", "annex row", CC + "AnnexRow", "Annex row", ("dot", "#f2c88a", "#b38a4a", "#4d3a1a"),
               row=True),
]

# A document's parts (ingest.structure's levels, and the annexes), in document order: kind -> RDF class.
PROVISION_CLASSES = {k: CC + k.capitalize() for k in ("part", "chapter", "section", "article", "clause", "point", "item",
                                                      "annex")}


def named_kinds() -> list[EntityKind]:
    """The named entities (what the search index holds), in table order."""
    return [k for k in ENTITY_KINDS if not k.row]
