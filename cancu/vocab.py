"""Vocabulary terms as Python names (rdflib DefinedNamespace), checked against ontology.ttl by a test.

Code never spells an ontology IRI as a string: it uses CC.x, ELI.x, ORG.x, PROV.x.
"""

from __future__ import annotations

from rdflib import Namespace
from rdflib.namespace import DefinedNamespace
from rdflib.term import URIRef

from cancu.registry import CC as CC_IRI
from cancu.registry import DOC_TYPES, RELATION_KINDS, ROLES
from cancu.registry import ELI as ELI_IRI

ELI = Namespace(ELI_IRI)


class CC(DefinedNamespace):
    """cancu's own terms: classes, relation kinds not in ELI, programme roles and provenance."""

    _NS = Namespace(CC_IRI)
    _fail = True

    # Documents by type (all rdfs:subClassOf eli:LegalResource)
    LegalDocument: URIRef
    Law: URIRef  # Luật
    Ordinance: URIRef  # Pháp lệnh
    Decree: URIRef  # Nghị định
    Resolution: URIRef  # Nghị quyết
    PartyResolution: URIRef  # Nghị quyết của Đảng (…-NQ/TW)
    Decision: URIRef  # Quyết định
    Circular: URIRef  # Thông tư
    JointCircular: URIRef  # Thông tư liên tịch
    Directive: URIRef  # Chỉ thị
    Plan: URIRef  # Kế hoạch
    Guidance: URIRef  # Hướng dẫn
    Notice: URIRef  # Thông báo
    Report: URIRef  # Báo cáo
    Submission: URIRef  # Tờ trình
    Scheme: URIRef  # Đề án (as a document)
    Dispatch: URIRef  # Công điện
    Conclusion: URIRef  # Kết luận
    Regulation: URIRef  # Quy chế
    ConsolidatedText: URIRef  # Văn bản hợp nhất
    OfficialLetter: URIRef  # Công văn

    # Structure
    Provision: URIRef  # any subdivision (Phần … Điểm), rdfs:subClassOf eli:LegalResourceSubdivision
    Part: URIRef  # Phần
    Chapter: URIRef  # Chương
    Section: URIRef  # Mục / Roman-numeral section
    Article: URIRef  # Điều
    Clause: URIRef  # Khoản
    Point: URIRef  # Điểm
    Item: URIRef  # numbered, lettered or dash item
    Annex: URIRef  # Phụ lục
    AnnexRow: URIRef  # a row of an annex table
    Task: URIRef  # an annex row that assigns a task
    Indicator: URIRef  # an annex row that sets a target (chỉ tiêu)

    # Actors and programme entities
    Agency: URIRef  # org:Organization in the state apparatus
    Unit: URIRef  # Vụ, Cục, Tổng cục, Viện, Trung tâm … of an agency
    Enterprise: URIRef
    Person: URIRef
    Programme: URIRef  # Chương trình, Chiến lược, Đề án, Kế hoạch (by title)
    Platform: URIRef  # Nền tảng …
    Signature: URIRef  # who signed, in which role, for whom
    Link: URIRef  # qualified relation: provenance of one asserted link

    # Document metadata (beyond ELI)
    number: URIRef  # số hiệu as written canonically ("749/QĐ-TTg")
    numberKey: URIRef  # folded number without year ("749/qd-ttg"), for look-ups
    year: URIRef
    issuerName: URIRef  # issuer as written
    typeName: URIRef  # document type as written ("Quyết định")
    place: URIRef  # place of issue
    field: URIRef  # lĩnh vực
    proposedBy: URIRef  # "Theo đề nghị của …" (text)
    continuedFrom: URIRef  # the gazette issue a part printed across issues continues from ("201 + 202")
    continuedIn: URIRef  # … and the issue it goes on in
    sourceFile: URIRef  # present only on documents ingested from a file (not stubs)
    signature: URIRef
    signer: URIRef
    signerName: URIRef
    signerRole: URIRef  # e.g. "THỨ TRƯỞNG"
    signedFor: URIRef  # on whose behalf, e.g. "THỦ TƯỚNG"
    signingMode: URIRef  # "KT." | "TM." | "Q." | "TL." | "TUQ.", or chains like "TM. KT."
    text: URIRef
    label: URIRef  # provision label as written ("Điều 1", "Phụ lục II")
    heading: URIRef
    ordinal: URIRef

    # Relation kinds of vbpl.vn's "Lược đồ" (each rdfs:subPropertyOf an ELI property)
    guides: URIRef  # hướng dẫn
    details: URIRef  # quy định chi tiết
    amends: URIRef  # sửa đổi, bổ sung
    replaces: URIRef  # thay thế
    repeals: URIRef  # bãi bỏ
    corrects: URIRef  # đính chính
    consolidates: URIRef  # hợp nhất
    consolidatedBy: URIRef  # được hợp nhất bởi (inverse of consolidates, ⊑ eli:consolidated_by)
    suspends: URIRef  # đình chỉ
    halts: URIRef  # tạm ngưng hiệu lực
    implements: URIRef  # thực hiện (a nested "… thực hiện Nghị quyết số …")

    # Programme roles
    approves: URIRef
    namesPlatform: URIRef
    governingAgency: URIRef  # cơ quan chủ quản
    focalUnit: URIRef  # đơn vị đầu mối của cơ quan chủ quản
    ministryFocalUnit: URIRef  # đơn vị đầu mối của Bộ
    coreEnterprise: URIRef  # doanh nghiệp nòng cốt
    operatingAgency: URIRef  # cơ quan vận hành nền tảng
    connectingOrganization: URIRef  # doanh nghiệp, cơ quan kết nối / cung cấp dịch vụ trên nền tảng
    regulates: URIRef  # document -> platform it establishes or regulates (its legal basis)
    leadAgency: URIRef  # cơ quan chủ trì
    coordinatingAgency: URIRef  # cơ quan phối hợp
    monitoringAgency: URIRef  # cơ quan chủ trì theo dõi, đánh giá
    product: URIRef  # kết quả / sản phẩm
    deadline: URIRef  # thời gian hoàn thành
    unitOfMeasure: URIRef  # đơn vị (of an indicator)
    target: URIRef
    mentions: URIRef
    internalReference: URIRef  # a provision (or the document) -> the document itself or one of its own parts

    # Agencies over time
    successor: URIRef
    successionDate: URIRef
    abbreviation: URIRef

    # Provenance of a link (qualified-relation pattern, one shape everywhere)
    qualifiedLink: URIRef  # subject -> Link
    linkRelation: URIRef  # the property asserted
    linkTarget: URIRef
    inProvision: URIRef  # the provision or annex row it came from
    quote: URIRef  # the quoted text
    charStart: URIRef
    charEnd: URIRef

    # SKOS schemes
    DocumentTypes: URIRef
    RelationKinds: URIRef
    documentTypeConcept: URIRef


# Relation name used in ingest models -> RDF property (cancu.registry holds the kinds).
RELATION_PROPERTIES: dict[str, URIRef] = {k.code: URIRef(k.prop) for k in RELATION_KINDS}

# Programme role name used in ingest models -> RDF property (cancu.registry holds the roles).
ROLE_PROPERTIES: dict[str, URIRef] = {r.code: CC[r.path.split(":", 1)[1]] for r in ROLES if r.asserted}

# Vietnamese type name (or alias) -> class (cancu.registry holds the types).
TYPE_CLASSES: dict[str, URIRef] = {n: URIRef(t.cls) for t in DOC_TYPES for n in (t.vi, *t.aliases)}
