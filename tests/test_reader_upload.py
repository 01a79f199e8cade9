"""An uploaded document's reader page shows its full text with its citations linked in place, from the text
kept with the store (api.upload_texts): through POST /documents, across a restart, and replaced with the
document. The upload is plainly fictional (9999/QĐ-TEST, "Nền tảng thử nghiệm A")."""

from __future__ import annotations

from pathlib import Path
from typing import Iterator

import lxml.html
import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.upload_texts import TEXTS_DIR, file_name
from corpus_store import B, ROOT
from graph.oxigraph_store import OxigraphStore
from ingest.pipeline import parse_text

KEY = "test-key-fictional"
DOC = f"{B}/eli/vn/qd/2099/9999/test"
BASIS = "Quyết định số 9998/QĐ-TEST ngày 02 tháng 02 năm 2098 của Bộ Thử nghiệm"
TEXT = ((ROOT / "tests" / "fixtures" / "platform_annex_fictional.txt").read_text(encoding="utf-8")
        .replace("9001/QĐ-TEST", "9999/QĐ-TEST")
        .replace("\nQUYẾT ĐỊNH:\n", f"\nCăn cứ {BASIS} về nền tảng giả lập;\n\nQUYẾT ĐỊNH:\n", 1))


@pytest.fixture()
def store_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty on-disk store, served read-only as `cancu serve` does (uploads open a writer beside it)."""
    monkeypatch.setenv("CANCU_BASE", B)
    monkeypatch.setenv("CANCU_API_KEY", KEY)
    path = tmp_path / "data" / "oxigraph"
    path.parent.mkdir()
    OxigraphStore(path).close()
    return path


def serve(path: Path) -> TestClient:
    return TestClient(create_app(OxigraphStore(path, read_only=True)))


def upload(c: TestClient, text: str, name: str = "gia-lap.txt", replace: bool = False):  # noqa: ANN201
    return c.post("/documents", params={"replace": str(replace).lower()}, headers={"X-API-Key": KEY},
                  files={"file": (name, text.encode("utf-8"), "text/plain")})


def reader_text(c: TestClient) -> lxml.html.HtmlElement:
    r = c.get("/read/qd-2099-9999-test")
    assert r.status_code == 200, r.text[:300]
    return lxml.html.fromstring(r.text).get_element_by_id("text")


def files_under(root: Path) -> set[Path]:
    return {p for p in root.rglob("*") if p.is_file()}


def test_an_upload_is_read_in_full_with_its_citations_in_place(store_dir: Path) -> None:
    parsed = parse_text(TEXT, "gia-lap.txt")  # what the spans of the upload index into
    outside = files_under(store_dir.parent.parent) - files_under(store_dir)
    with serve(store_dir) as c:
        r = upload(c, TEXT, "../../gia-lap.txt")
        assert r.status_code == 201, r.text
        section = reader_text(c)
        assert "fallback" not in (section.get("class") or "")
        table_at = parsed.text.index("TT | Tên nền tảng")  # the annex table is a <table>: cells without " | "
        assert section.text_content()[:table_at] == parsed.text[:table_at]  # the text itself, nothing added or lost
        cite = section.cssselect('a.cite[href="/read/qd-2098-9998-test"]')
        assert [a.text_content() for a in cite] == ["Quyết định số 9998/QĐ-TEST"]
        basis = parsed.legal_bases[0]
        assert parsed.text[basis.start:basis.end] == cite[0].text_content()  # linked at its own span
        assert section.cssselect("table.annex") and "Nền tảng thử nghiệm A" in section.cssselect("table.annex")[0].text_content()
        akn = c.get("/eli/vn/qd/2099/9999/test", headers={"Accept": "application/akn+xml"})  # needs the text too
        assert akn.status_code == 200 and akn.content.count(b"<ref ") == 1, akn.text[:300]
    identities = store_dir.with_name(store_dir.name + ".identity")  # graph.reresolve's state, beside the store
    kept = files_under(store_dir.parent.parent) - files_under(store_dir) - files_under(identities) - outside
    assert kept == set(), f"written outside the store's directory: {kept}"
    texts = list((store_dir / TEXTS_DIR).iterdir())
    assert [p.name for p in texts] == [file_name(DOC)]  # named by the IRI's hash, not by the file name sent
    assert texts[0].read_text(encoding="utf-8") == parsed.text
    with serve(store_dir) as c:  # a restart: the text is still there
        section = reader_text(c)
        assert "fallback" not in (section.get("class") or "") and "Nền tảng thử nghiệm A" in section.text_content()


def test_a_replaced_upload_shows_its_new_text_and_a_refused_one_changes_nothing(store_dir: Path) -> None:
    changed = TEXT.replace("Danh mục nền tảng tại Phụ lục", "Danh mục nền tảng thử nghiệm tại Phụ lục")
    with serve(store_dir) as c:
        assert upload(c, TEXT).status_code == 201
        assert upload(c, changed).status_code == 409  # refused: the kept text stays the first one
        assert "Danh mục nền tảng tại Phụ lục" in reader_text(c).text_content()
        assert upload(c, changed, replace=True).status_code == 201
        section = reader_text(c)
        assert "fallback" not in (section.get("class") or "")
        assert "Danh mục nền tảng thử nghiệm tại Phụ lục" in section.text_content()
        assert "Danh mục nền tảng tại Phụ lục" not in section.text_content()
    assert [p.name for p in (store_dir / TEXTS_DIR).iterdir()] == [file_name(DOC)]  # no temporary file left


def test_a_kept_text_that_no_longer_matches_the_graph_is_not_shown(store_dir: Path) -> None:
    with serve(store_dir) as c:
        assert upload(c, TEXT).status_code == 201
        kept = store_dir / TEXTS_DIR / file_name(DOC)
        kept.write_text(TEXT.replace("Điều 1. Phê duyệt", "Điều 1. Bãi bỏ"), encoding="utf-8")
        section = reader_text(c)
        assert "fallback" in section.get("class") and "Điều 1. Phê duyệt" in section.text_content()
