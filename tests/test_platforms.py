"""Platforms from real sentences and task rows, and GET /platforms on the bundled corpus (issue 15)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Iterator

import pyoxigraph as ox
import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from cancu.text import slug, squash
from graph.oxigraph_store import OxigraphStore
from ingest.pipeline import parse_path
from ingest.platforms import _merge_keys, find_platform_names
from ingest.to_rdf import document_quads, gazetteer_quads
from shared_data import GAZETTE, SHARED, need

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
GOLD = json.loads((ROOT / "tests" / "gold" / "platforms.json").read_text(encoding="utf-8"))["platforms"]
DECREE_152 = GAZETTE / "hd_kinh_te" / "nghi-dinh-so-152-2026-nd-cp-469524.txt"


def _platform_roles(path: Path) -> set[tuple[str, str, str, str | None]]:
    doc = parse_path(path)
    return {(r.subject, r.relation, r.object, r.provision) for r in doc.roles
            if r.subject_kind == "platform" and r.relation != "short_name"}


def test_175_sentences_name_platforms_and_their_agencies() -> None:
    got = _platform_roles(CORPUS / "175-NQ-CP-2023.txt")
    data, cloud = GOLD[0]["label"], GOLD[1]["label"]
    assert got == {
        (data, "lead", "Bộ Công an", "dieu_2/khoan_3/diem_b"),  # "3. Trách nhiệm của Bộ Công an … b) Chủ trì …"
        (data, "coordinating", "các bộ, ngành địa phương", "dieu_2/khoan_3/diem_b"),
        (data, "focal_unit", "Bộ Công an", "dieu_2/khoan_3/diem_d"),  # "d) Là đầu mối …"
        # "2. Trách nhiệm của các bộ, cơ quan ngang bộ, …; Ủy ban nhân dân các tỉnh, … d) Kết nối Nền tảng …"
        (data, "connecting", "các bộ, cơ quan ngang bộ, cơ quan trực thuộc Chính phủ", "dieu_2/khoan_2/diem_d"),
        (data, "connecting", "Ủy ban nhân dân các tỉnh, thành phố trực thuộc Trung ương", "dieu_2/khoan_2/diem_d"),
        (cloud, "lead", "Bộ Công an", "dieu_1/muc_v/khoan_2/diem_b"),  # "- Đơn vị chủ trì: Bộ Công an."
    }


def test_03_task_row_building_a_platform() -> None:
    got = _platform_roles(CORPUS / "03-NQ-CP-2025.txt")
    assert got == {("Nền tảng đào tạo trực tuyến mở đại trà", "lead", "Bộ Thông tin và Truyền thông", "phu_luc_2/hang_11"),
                   ("Nền tảng đào tạo trực tuyến mở đại trà", "coordinating", "Các bộ, ngành, địa phương", "phu_luc_2/hang_11")}


def test_gazette_decree_governs_builds_and_operates() -> None:
    """152/2026/NĐ-CP, Điều 6: 'Bộ Tư pháp có trách nhiệm xây dựng, quản lý, vận hành nền tảng số thi hành án dân sự'."""
    need(DECREE_152)
    doc = parse_path(DECREE_152)
    name = "Nền tảng số thi hành án dân sự"
    got = {(r.subject, r.relation, r.object, r.provision) for r in doc.roles if r.relation != "short_name"}
    assert {(name, rel, "Bộ Tư pháp", "chuong_i/dieu_6/khoan_1") for rel in ("governing_agency", "lead", "operating")} <= got
    assert ("152/2026/NĐ-CP", "regulates", name, "chuong_i/dieu_6") in got


@pytest.mark.parametrize("text", ["học tập trên các nền tảng số để trở thành phong trào",
                                  "triển khai các nền tảng số quốc gia, nền tảng số dùng chung của ngành, lĩnh vực",
                                  "tạo nền tảng để thay đổi một cách căn bản"])
def test_generic_phrases_are_no_platforms(text: str) -> None:
    assert find_platform_names(text, lower_ok=True) == []


def test_one_key_whatever_the_line_breaks_and_abbreviation() -> None:
    names = find_platform_names("kết nối Nền tảng tích hợp,\nchia sẻ dữ liệu quốc gia (NDXP) theo quy định")
    assert [(n.key, n.written) for n in names] == [
        ("Nền tảng tích hợp, chia sẻ dữ liệu quốc gia", "Nền tảng tích hợp,\nchia sẻ dữ liệu quốc gia (NDXP)")]


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    quads = list(gazetteer_quads())
    for f in sorted(CORPUS.glob("*.txt")):
        quads += document_quads(parse_path(f))
    path = tmp_path_factory.mktemp("platforms") / "corpus.nq"
    path.write_bytes(ox.serialize(quads, format=ox.RdfFormat.N_QUADS))
    store = OxigraphStore(None)
    store.load(path)
    with TestClient(create_app(store)) as c:
        yield c


def test_platforms_on_the_bundled_corpus(client: TestClient) -> None:
    listed = client.get("/platforms").json()
    assert sorted(i["label"] for i in listed["items"]) == sorted(p["label"] for p in GOLD)
    for p in GOLD:
        body = client.get(f"/platforms/{p['id']}").json()
        assert body["label"] == p["label"] and set(p["alt_labels"]) <= set(body["alt_labels"])
        got = {(a["role"], slug(a["entity"]["label"])) for a in body["agencies"]}
        assert got == {(a["role"], slug(a["agency"])) for a in p["agencies"]}
        for a in body["agencies"]:
            prov = a["provenance"][0]
            assert prov["quote"] and prov["document_id"] in {x["document"] for x in p["agencies"]}
        assert sorted(b["document"]["number"] for b in body["legal_basis"]) == sorted(p["legal_basis"])


def test_no_175_text_copy_annex_row_on_the_bo_cong_an_page(client: TestClient) -> None:
    tasks = client.get("/agencies/bo-cong-an", params={"limit": 500}).json()["tasks"]["items"]
    from_175_annex = [t for t in tasks for p in t["provenance"]
                      if p["document_id"] == "nq-2023-175-cp" and "/phu_luc_1/" in (p.get("provision") or "")]
    assert from_175_annex == []
    assert any(t["entity"]["kind"] == "task" for t in tasks)  # its other task rows are still there


def test_platform_roles_accuracy_held() -> None:
    from bench.accuracy import platform_scores

    s = platform_scores()
    assert s.precision == 1.0 and s.recall == 1.0, s.diffs


# --- operates, connects, regulates: stored, read back, shown (fictional fixture, runs everywhere) ---------

RULES = ROOT / "tests" / "fixtures" / "platform_rules_fictional.txt"
PLATFORM_A = "Nền tảng thử nghiệm A"


def test_fictional_rules_operates_connects_regulates() -> None:
    doc = parse_path(RULES)
    got = {(r.subject, r.relation, r.object_kind, r.object, r.provision) for r in doc.roles if r.relation != "short_name"}
    assert got == {
        ("9999/QĐ-TEST", "regulates", "platform", PLATFORM_A, None),  # the title
        ("9999/QĐ-TEST", "regulates", "platform", PLATFORM_A, "dieu_1"),  # Phạm vi điều chỉnh
        ("9999/QĐ-TEST", "regulates", "platform", PLATFORM_A, "dieu_2"),  # "Điều 2. Nền tảng thử nghiệm A" (not "… A 1")
        (PLATFORM_A, "governing_agency", "agency", "Ủy ban nhân dân tỉnh Giả Định", "dieu_2/khoan_1"),
        (PLATFORM_A, "operating", "agency", "Ủy ban nhân dân tỉnh Giả Định", "dieu_2/khoan_1"),
        (PLATFORM_A, "connecting", "enterprise", "Công ty X", "dieu_2/khoan_2"),  # "kết nối, cung cấp dịch vụ trên"
    }
    title = next(r for r in doc.roles if r.relation == "regulates" and r.provision is None)
    assert squash(doc.text[title.start:title.end]) == doc.title  # the span is the title as printed over two lines


def test_fictional_rules_in_rdf_with_provenance_and_valid_shapes() -> None:
    import rdflib

    from cancu.vocab import CC
    from graph.validate import validate

    quads = document_quads(parse_path(RULES))
    triples = {(q.subject.value, q.predicate.value, q.object.value) for q in quads}
    for prop in map(str, (CC.operatingAgency, CC.connectingOrganization, CC.regulates)):
        edges = [(s, o) for s, p, o in triples if p == prop]
        assert edges, prop
        for s, o in edges:  # each edge has its cc:Link with a quote
            links = [ln for s2, p, ln in triples if (s2, p) == (s, str(CC.qualifiedLink))
                     and (ln, str(CC.linkRelation), prop) in triples and (ln, str(CC.linkTarget), o) in triples]
            assert links and all(any(p == str(CC.quote) and x == ln for x, p, _ in triples) for ln in links), (prop, s, o)
    ds = rdflib.Dataset()
    ds.parse(data=ox.serialize(quads, format=ox.RdfFormat.N_QUADS).decode(), format="nquads")
    ok, report = validate(ds)
    assert ok, report


@pytest.fixture(scope="module")
def rules_client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    quads = list(gazetteer_quads()) + document_quads(parse_path(RULES))
    quads += document_quads(parse_path(ROOT / "tests" / "fixtures" / "platform_annex_fictional.txt"))
    path = tmp_path_factory.mktemp("platform-rules") / "rules.nq"
    path.write_bytes(ox.serialize(quads, format=ox.RdfFormat.N_QUADS))
    store = OxigraphStore(None)
    store.load(path)
    with TestClient(create_app(store)) as c:
        yield c


def test_platform_page_answers_operates_connects_and_regulating_legal_basis(rules_client: TestClient) -> None:
    body = rules_client.get("/platforms/nen-tang-thu-nghiem-a").json()
    agencies = {(a["role"], a["entity"]["label"]) for a in body["agencies"]}
    assert {("governing_agency", "Ủy ban nhân dân tỉnh Giả Định"), ("operating", "Ủy ban nhân dân tỉnh Giả Định")} <= agencies
    assert [(e["role"], e["entity"]["label"]) for e in body["enterprises"] if e["role"] == "connecting"] == [
        ("connecting", "Công ty X")]
    first = body["legal_basis"][0]  # the regulating document comes first, with its Căn cứ (9001/QĐ-TEST)
    assert (first["role"], first["document"]["number"]) == ("regulates", "9999/QĐ-TEST")
    assert {p["provision"] and p["provision"].rsplit("/", 1)[-1] for p in first["provenance"]} == {None, "dieu_1", "dieu_2"}
    assert [b["document"]["number"] for b in first["legal_bases"]] == ["9001/QĐ-TEST"]
    # the catalogue (9001/QĐ-TEST's annex) still lists it, after the regulating document
    assert [(b["role"], b["document"]["number"]) for b in body["legal_basis"][1:]] == [("lists", "9001/QĐ-TEST")]
    chain = rules_client.get("/documents/qd-2099-9999-test/chain", params={"direction": "up"}).json()
    assert "9001/QĐ-TEST" in {n.get("number") for n in chain["nodes"]}


def test_agency_page_and_graph_page_show_the_new_roles(rules_client: TestClient) -> None:
    held = rules_client.get("/agencies/uy-ban-nhan-dan-tinh-gia-dinh").json()["platforms"]["items"]
    assert {(i["role"], i["entity"]["label"]) for i in held} >= {("operating", PLATFORM_A), ("governing_agency", PLATFORM_A)}
    html = rules_client.get("/viz/platforms/nen-tang-thu-nghiem-a").text
    edges = json.loads(re.findall(r"new vis\.DataSet\((\[.*?\])\);\n", html, re.S)[1])
    labels = {e["label"] for e in edges}
    assert {"operatingAgency", "connectingOrganization", "regulates"} <= labels, labels


def test_gazette_sample_judgements_hold() -> None:
    """The hand-checked gazette sample (tests/gold/gazette-platforms-sample.json): every finding judged right is
    still found, and the precision over the sample is no lower than judged."""

    sample = json.loads((ROOT / "tests" / "gold" / "gazette-platforms-sample.json").read_text(encoding="utf-8"))
    files = sorted({f["file"] for f in sample["findings"]})
    need(*(SHARED / f for f in files))
    roles, names = set(), set()
    for f in files:
        doc = parse_path(SHARED / f)
        for r in doc.roles:
            if r.relation == "regulates":
                roles.add((f, r.object, r.relation, r.subject, r.provision))
            elif r.subject_kind == "platform" and r.relation != "short_name":
                roles.add((f, r.subject, r.relation, r.object, r.provision))
        capital = find_platform_names(doc.text)
        known = sorted({n.key for n in capital}, key=len, reverse=True)
        found = find_platform_names(doc.text, known=known)
        _merge_keys(found)
        names |= {(f, n.start, n.end, n.key) for n in found}

    def still(x: dict) -> bool:
        if x["kind"] == "role":
            return (x["file"], x["platform"], x["relation"], x["party"], x["provision"]) in roles
        return (x["file"], x["start"], x["end"], x["platform"]) in names

    right = [x for x in sample["findings"] if x["judgement"] == "right"]
    assert [x for x in right if not still(x)] == []
    wrong_found = sum(still(x) for x in sample["findings"] if x["judgement"] == "wrong")
    assert round(len(right) / (len(right) + wrong_found), 3) >= sample["sample"]["precision"]
