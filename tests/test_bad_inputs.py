"""Bad inputs: each gives one clear line naming the file and the problem; a batch goes on.

Part 1 calls ingest.readers directly. Part 2 runs the CLI (`python -m cancu.cli`) on batches
that mix good and bad files; it is skipped only while the pipeline cannot be imported.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent / "fixtures"))
import make_inputs as mk  # noqa: E402

from ingest.readers import DEFAULT_MAX_BYTES, ReadError, read_text  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0


# --- part 1: the reader -------------------------------------------------------------------------
def _sparse(path: Path, size: int) -> Path:
    with path.open("wb") as fh:
        fh.truncate(size)
    return path


def _zip(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return path


def _docx_without_text() -> bytes:
    return mk.docx_bytes(paragraphs_before=[""], table=[[""]], paragraphs_after=[])


BAD = {
    # name: (file name, bytes or builder, problem pattern)
    "empty": ("empty.txt", b"", r": empty$"),
    "white space only": ("blank.txt", b" \r\n\t\n  ", r": empty \(only white space\)$"),
    "binary junk": ("junk.txt", bytes(range(256)) * 40, r": binary, not text$"),
    "wrong encoding": (
        "shiftjis.txt", ("日本語の文書です。" * 30).encode("shift_jis"),
        r": not UTF-8 \(bad byte 0x[0-9A-F]{2} at offset \d+\) and not a recognised Vietnamese encoding "
        r"\(tried Windows-1258, TCVN3 \(ABC\), VNI\)",
    ),
    "over 20 MB": ("huge.txt", lambda p: _sparse(p, DEFAULT_MAX_BYTES + 1),
                   r": too large: 20,971,521 bytes, over the limit of 20,971,520 bytes"),
    "HTML with only scripts": (
        "scripts.html", b"<html><head><script>var a='x';</script></head><body><script>alert(1)</script>"
                        b"<style>p{}</style><nav>Menu</nav></body></html>",
        r": HTML page has no body text",
    ),
    "zero-byte PDF": ("zero.pdf", b"", r": empty$"),
    "PDF without text layer": ("scan.pdf", lambda p: p.write_bytes(mk.image_only_pdf()),
                               r": no text layer \(scanned PDF\?\)"),
    "truncated PDF": ("cut.pdf", lambda p: p.write_bytes(mk.text_pdf([["VĂN BẢN GIẢ LẬP"]])[:120]),
                      r": (corrupt PDF|no text layer)"),
    "PDF name, not a PDF": ("fake.pdf", b"just text pretending", r": named \.pdf but is not a PDF"),
    "corrupt DOCX (zip garbage)": ("broken.docx", b"PK\x03\x04" + bytes(range(200)) * 3, r": corrupt DOCX"),
    "DOCX name, not a zip": ("plain.docx", "Quyết định giả lập".encode(), r": corrupt DOCX: not a zip archive"),
    "zip that is not a DOCX": ("bundle.docx", lambda p: _zip(p, {"a.txt": b"x"}), r": a zip archive, not a DOCX"),
    "DOCX with no text": ("blank.docx", lambda p: p.write_bytes(_docx_without_text()), r": DOCX has no text"),
    "unsupported: PNG": ("scan.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, r": a PNG image, not a document"),
    "unsupported: legacy .doc": ("old.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512,
                                 r": legacy Word \.doc/\.xls \(OLE2\) is not supported"),
    "unsupported: RTF": ("letter.rtf", rb"{\rtf1\ansi Quyet dinh}", r": RTF is not supported"),
    "a directory": ("folder", lambda p: p.mkdir(), r": is a directory, not a file$"),
    "broken link": ("gone.txt", lambda p: p.symlink_to(p.parent / "missing.txt"), r": no such file"),
    "truncated UTF-16": ("cut16.txt", "Quyết định".encode("utf-16")[:-1], r": invalid UTF-16 at byte \d+"),
    "invalid UTF-8 after BOM": ("bom.txt", b"\xef\xbb\xbfQuy\xe1\xbb\n\xff", r": invalid UTF-8 at byte \d+"),
}


@pytest.mark.parametrize("case", list(BAD), ids=list(BAD))
def test_bad_input_gives_one_line_naming_file_and_problem(tmp_path: Path, case: str):
    name, content, problem = BAD[case]
    path = tmp_path / name
    if callable(content):
        content(path)
    else:
        path.write_bytes(content)
    with pytest.raises(ReadError) as err:
        read_text(path)
    msg = str(err.value)
    assert "\n" not in msg
    assert msg.startswith(str(path) + ": "), msg
    assert re.search(problem, msg), msg


@pytest.mark.skipif(IS_ROOT, reason="root can read a mode-000 file")
def test_unreadable_file(tmp_path: Path):
    p = tmp_path / "secret.txt"
    p.write_text("Quyết định giả lập")
    p.chmod(0)
    with pytest.raises(ReadError, match=r"secret\.txt: cannot read: permission denied"):
        read_text(p)


def test_table_with_missing_cells_reads_padded(tmp_path: Path):
    html = ("<html><body><table><tr><td>TT</td><td>Nhiệm vụ</td><td>Chủ trì</td></tr>"
            "<tr><td>1</td></tr><tr><td>2</td><td></td><td>Bộ Giả lập</td></tr></table></body></html>")
    p = tmp_path / "t.html"
    p.write_text(html, encoding="utf-8")
    assert read_text(p) == "TT | Nhiệm vụ | Chủ trì\n1 |  |\n2 |  | Bộ Giả lập\n"
    q = tmp_path / "t.docx"
    q.write_bytes(mk.docx_bytes(paragraphs_before=["Trước"], table=[["TT", "Việc", "Chủ trì"], ["1"]],
                                paragraphs_after=["Sau"]))
    assert read_text(q) == "Trước\n\nTT | Việc | Chủ trì\n1 |  |\n\nSau\n"


def test_html_scripts_never_leak(tmp_path: Path):
    p = tmp_path / "page.html"
    p.write_text(mk.html_page(), encoding="utf-8")
    assert "MUST_NOT_LEAK" not in read_text(p)


def test_utf16_without_bom_is_read(tmp_path: Path):
    p = tmp_path / "u16.txt"
    p.write_bytes(mk.document_text().encode("utf-16-le"))
    assert read_text(p) == mk.document_text()


# --- part 2: the CLI ----------------------------------------------------------------------------
def cli(test):  # noqa: ANN001, ANN201  (marks the tests that run the real `cancu` command)
    return test


def decision(number: str, day: int, cites: str | None = None, cites_day: int = 1, title: str = "THỨ NHẤT") -> str:
    """A plainly fictional decision of the 'Bộ Giả lập' (issuer code TEST), in the corpus layout."""
    basis = (f"Căn cứ Quyết định số {cites} ngày {cites_day:02d} tháng 4 năm 2031 của Bộ Giả lập;\n\n"
             if cites else "Căn cứ Nghị định số 9900/2030/NĐ-CP ngày 02 tháng 3 năm 2030 của Chính phủ;\n\n")
    return (
        "BỘ GIẢ LẬP\n-------\n\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\n---------------\n\n"
        f"Số: {number}\n\nHà Nội, ngày {day:02d} tháng 4 năm 2031\n\n"
        f"QUYẾT ĐỊNH\n\nVỀ VIỆC BAN HÀNH VĂN BẢN GIẢ LẬP {title}\n\nBỘ TRƯỞNG BỘ GIẢ LẬP\n\n"
        + basis
        + "QUYẾT ĐỊNH:\n\nĐiều 1. Ban hành văn bản giả lập để kiểm thử.\n\n"
        "Điều 2. Quyết định này có hiệu lực từ ngày ký.\n\nBỘ TRƯỞNG\n\nNguyễn Văn Giả\n"
    )


NO_NUMBER = ("BỘ GIẢ LẬP\n\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n\nHà Nội, ngày 05 tháng 4 năm 2031\n\n"
             "QUYẾT ĐỊNH\n\nVỀ VIỆC VĂN BẢN GIẢ LẬP KHÔNG CÓ SỐ\n\nĐiều 1. Không có số hiệu.\n")
TRUNCATED_HEADER = "BỘ GIẢ LẬP\n-------\n\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n\nSố: 9009/QĐ-TEST\n\nHà Nội, ngày"


def run(*args: str, env_extra: dict[str, str] | None = None, tmp: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "CANCU_DATA": str(tmp / "data"), "PYTHONPATH": str(ROOT)}
    env.update(env_extra or {})
    return subprocess.run([sys.executable, "-m", "cancu.cli", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=600)


def error_lines(stderr: str, path: Path) -> list[str]:
    return [line for line in stderr.splitlines() if path.name in line]


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def batch(tmp_path: Path) -> dict[str, Path]:
    d = tmp_path / "in"
    d.mkdir()
    files = {
        "good1": d / "a-9001.txt",
        "good2": d / "b-9002.html",
        "empty": d / "c-empty.txt",
        "binary": d / "d-junk.txt",
        "nonumber": d / "e-nonumber.txt",
        "scan": d / "g-scan.pdf",
        "corrupt": d / "h-corrupt.docx",
    }
    files["good1"].write_text(decision("9001/QĐ-TEST", 1), encoding="utf-8")
    body = "".join(f"<p>{line}</p>" for line in decision("9002/QĐ-TEST", 2, title="THỨ HAI").splitlines() if line)
    files["good2"].write_text(f"<html><body><script>var leak='SCRIPT_LEAK';</script>{body}</body></html>",
                              encoding="utf-8")
    files["empty"].write_bytes(b"")
    files["binary"].write_bytes(bytes(range(256)) * 8)
    files["nonumber"].write_text(NO_NUMBER, encoding="utf-8")
    files["scan"].write_bytes(mk.image_only_pdf())
    files["corrupt"].write_bytes(b"PK\x03\x04garbage")
    return files


BAD_IN_BATCH = {"empty": r"empty", "binary": r"binary", "nonumber": r"no document number",
                "scan": r"no text layer", "corrupt": r"corrupt DOCX"}


@cli
def test_parse_batch_goes_on_names_each_bad_file_and_summarises(tmp_path: Path, batch: dict[str, Path]):
    r = run("parse", str(batch["good1"].parent), tmp=tmp_path)
    assert r.returncode != 0
    docs = [json.loads(line) for line in r.stdout.splitlines() if line.strip()]
    assert sorted(d["number"] for d in docs) == ["9001/QĐ-TEST", "9002/QĐ-TEST"]
    assert "SCRIPT_LEAK" not in r.stdout
    for key, problem in BAD_IN_BATCH.items():
        lines = error_lines(r.stderr, batch[key])
        assert len(lines) == 1, f"{key}: expected one error line naming {batch[key].name}, got {lines!r}"
        assert re.search(problem, lines[0], re.IGNORECASE), f"{key}: {lines[0]!r} should say /{problem}/"
    assert re.search(r"\b2\b.*\b5\b|\b5\b.*\b2\b", r.stderr.splitlines()[-1] if r.stderr else ""), (
        f"expected a summary line with 2 parsed and 5 failed, last stderr line: {r.stderr.splitlines()[-1:]!r}")


@cli
def test_ingest_batch_goes_on_and_summarises(tmp_path: Path, batch: dict[str, Path]):
    out = tmp_path / "rdf"
    r = run("ingest", str(batch["good1"].parent), "-o", str(out), tmp=tmp_path)
    assert r.returncode != 0
    assert len([p for p in out.glob("*.nq") if p.name != "gazetteer.nq"]) == 2
    for key in BAD_IN_BATCH:
        assert len(error_lines(r.stderr, batch[key])) == 1, f"{key}: {r.stderr}"
    assert re.search(r"ingested 2 documents.*5 errors", r.stderr), r.stderr


@cli
def test_bad_batch_changes_nothing_stored(tmp_path: Path, batch: dict[str, Path]):
    out = tmp_path / "rdf"
    first = run("ingest", str(batch["good1"]), str(batch["good2"]), "-o", str(out), tmp=tmp_path)
    assert first.returncode == 0, first.stderr
    before = snapshot(out)
    bad = [str(batch[k]) for k in BAD_IN_BATCH]
    r = run("ingest", *bad, "-o", str(out), tmp=tmp_path)
    assert r.returncode != 0
    assert snapshot(out) == before


@cli
def test_truncated_header_is_reported_not_stored_silently(tmp_path: Path):
    p = tmp_path / "truncated.txt"
    p.write_text(TRUNCATED_HEADER, encoding="utf-8")
    r = run("ingest", str(p), "-o", str(tmp_path / "rdf"), tmp=tmp_path)
    lines = error_lines(r.stderr, p)
    assert len(lines) == 1 and re.search(r"date|truncated", lines[0]), (
        f"expected one line naming {p.name} and its missing date, got stderr {r.stderr!r}")
    assert r.returncode != 0


@cli
def test_duplicate_document_in_one_batch(tmp_path: Path):
    a, b = tmp_path / "dup-a.txt", tmp_path / "dup-b.docx"
    a.write_text(decision("9001/QĐ-TEST", 1), encoding="utf-8")
    lines = [line for line in decision("9001/QĐ-TEST", 1).splitlines() if line]
    b.write_bytes(mk.docx_bytes(paragraphs_before=lines, table=[["TT", "Việc"], ["1", "Giả lập"]], paragraphs_after=[]))
    r = run("parse", str(a), str(b), tmp=tmp_path)
    assert r.returncode != 0
    assert len(r.stdout.strip().splitlines()) == 1
    dup = error_lines(r.stderr, b)
    assert len(dup) == 1 and "duplicate" in dup[0] and a.name in dup[0], r.stderr


@cli
def test_citation_cycle_both_ingest(tmp_path: Path):
    a, b = tmp_path / "cycle-a.txt", tmp_path / "cycle-b.txt"
    a.write_text(decision("9001/QĐ-TEST", 1, cites="9002/QĐ-TEST", cites_day=2), encoding="utf-8")
    b.write_text(decision("9002/QĐ-TEST", 2, cites="9001/QĐ-TEST", cites_day=1, title="THỨ HAI"), encoding="utf-8")
    r = run("parse", str(a), str(b), tmp=tmp_path)
    assert r.returncode == 0, r.stderr
    docs = {d["number"]: d for d in map(json.loads, r.stdout.splitlines())}
    assert [x["number"] for x in docs["9001/QĐ-TEST"]["legal_bases"]] == ["9002/QĐ-TEST"]
    assert [x["number"] for x in docs["9002/QĐ-TEST"]["legal_bases"]] == ["9001/QĐ-TEST"]
    out = tmp_path / "rdf"
    r = run("ingest", str(a), str(b), "-o", str(out), tmp=tmp_path)
    assert r.returncode == 0, r.stderr
    assert len([p for p in out.glob("*.nq") if p.name != "gazetteer.nq"]) == 2


@cli
def test_huge_file_in_a_batch(tmp_path: Path):
    good, huge = tmp_path / "good.txt", _sparse(tmp_path / "huge.txt", DEFAULT_MAX_BYTES + 1)
    good.write_text(decision("9001/QĐ-TEST", 1), encoding="utf-8")
    r = run("parse", str(good), str(huge), tmp=tmp_path)
    assert r.returncode != 0
    assert len(r.stdout.strip().splitlines()) == 1
    lines = error_lines(r.stderr, huge)
    assert len(lines) == 1 and "too large" in lines[0] and "20,971,520" in lines[0], r.stderr


@cli
def test_directory_with_unreadable_file(tmp_path: Path):
    d = tmp_path / "in"
    d.mkdir()
    (d / "good.txt").write_text(decision("9001/QĐ-TEST", 1), encoding="utf-8")
    (d / "dangling.txt").symlink_to(d / "nowhere.txt")
    locked = d / "locked.txt"
    locked.write_text(decision("9003/QĐ-TEST", 3), encoding="utf-8")
    locked.chmod(0)
    try:
        r = run("parse", str(d), tmp=tmp_path)
    finally:
        locked.chmod(0o644)
    numbers = [json.loads(line)["number"] for line in r.stdout.splitlines()]
    assert "9001/QĐ-TEST" in numbers
    assert r.returncode != 0, "a dangling link named *.txt in the folder was skipped silently"
    assert len(error_lines(r.stderr, d / "dangling.txt")) == 1, r.stderr
    if not IS_ROOT:
        assert len(error_lines(r.stderr, locked)) == 1, r.stderr


@cli
@pytest.mark.parametrize("name,data,problem", [
    ("old.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512, r"legacy Word"),
    ("scan.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, r"PNG image"),
    ("shiftjis.txt", ("日本語の文書です。" * 30).encode("shift_jis"), r"not UTF-8"),
])
def test_unsupported_format_named_on_the_command_line(tmp_path: Path, name: str, data: bytes, problem: str):
    p = tmp_path / name
    p.write_bytes(data)
    r = run("parse", str(p), tmp=tmp_path)
    assert r.returncode != 0
    lines = error_lines(r.stderr, p)
    assert len(lines) == 1 and re.search(problem, lines[0]), r.stderr


@cli
@pytest.mark.parametrize("kind", ["utf16", "tcvn3", "vni", "cp1258", "docx", "pdf"])
def test_other_encodings_and_containers_parse_to_the_same_number(tmp_path: Path, kind: str):
    text = decision("9001/QĐ-TEST", 1)
    p = tmp_path / f"doc-{kind}.{ {'docx': 'docx', 'pdf': 'pdf'}.get(kind, 'txt') }"
    data = {
        "utf16": lambda: text.encode("utf-16"),
        "tcvn3": lambda: mk.tcvn3_bytes(text),
        "vni": lambda: mk.vni_bytes(text),
        "cp1258": lambda: mk.cp1258_bytes(text),
        "docx": lambda: mk.docx_bytes(paragraphs_before=[l for l in text.splitlines() if l], table=[["TT"], ["1"]],
                                      paragraphs_after=[]),
        "pdf": lambda: mk.text_pdf([[l for l in text.splitlines() if l]]),
    }[kind]()
    p.write_bytes(data)
    r = run("parse", str(p), tmp=tmp_path)
    assert r.returncode == 0, r.stderr
    doc = json.loads(r.stdout)
    assert (doc["number"], doc["date_issued"]) == ("9001/QĐ-TEST", "2031-04-01")
