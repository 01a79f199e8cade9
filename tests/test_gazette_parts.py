"""Texts the gazette prints across issues (issue 13): a continuation is read by the banner that names it, and two
parts of one document in one batch are named as such, never joined.

The fictional texts print the gazette's layout with plainly fictional numbers (9999/2099/TT-TEST); the real banner
is read from ../shared/gazette when it is here (one-line skip otherwise, a failure under CI=true).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from fictional_texts import NOTICE, fictional_text
from ingest.pipeline import parse_path, parse_text, unstorable
from ingest.readers import read_text
from shared_data import GAZETTE, need

ROOT = Path(__file__).resolve().parents[1]
BODY = ("Điều 1. Phạm vi điều chỉnh\nThông tư này hướng dẫn thử nghiệm A cho Công ty X; văn bản giả lập, mọi nội dung "
        "là hư cấu, chỉ dùng để kiểm thử việc đọc một văn bản in qua hai số Công báo.\n")
FILLER = ("Mẫu số 01 dùng cho Công ty X, văn bản giả lập, mọi nội dung là hư cấu, chỉ dùng để kiểm thử phần tiếp theo "
          "của một văn bản in qua hai số Công báo; không có giá trị pháp lý và không trích dẫn văn bản thật nào.\n")
FIRST_PART = fictional_text("9999/2099/TT-TEST", "ngày 02 tháng 03 năm 2099", "Hướng dẫn thử nghiệm A",
                            ["Nghị định số 9998/2098/NĐ-TEST ngày 01 tháng 01 năm 2098 của Chính phủ Thử nghiệm"],
                            BODY + "\n(Xem tiếp Công báo số 9001 + 9002)\n", kind="THÔNG TƯ")
CONTINUATION = (f"{NOTICE}\n\nCÔNG BÁO/Số 9003 + 9004/Ngày 05-03-2099\n2\n\nVĂN BẢN QUY PHẠM PHÁP LUẬT\n\n"
                "BỘ THỬ NGHIỆM\n\n\nThông tư số 9999/2099/TT-TEST ngày 02 tháng 03 năm 2099\nhướng dẫn thử nghiệm A\n\n"
                "(Tiếp theo Công báo số 9001 + 9002)\n\nPhụ lục số 01\n"
                "(Ban hành kèm theo Thông tư số 9999/2099/TT-TEST ngày 02 tháng 03 năm 2099 của Bộ Thử nghiệm)\n"
                "Căn cứ Quyết định số ……/QĐ-…… (một dòng của mẫu, không phải căn cứ của Thông tư)\n"
                + FILLER + "Số: ……/QĐ-……\nHà Nội, ngày 09 tháng 09 năm 2098\n" + FILLER)
LAW_FIRST = (f"{NOTICE}\n\nQUỐC HỘI\n\nLuật số: 9999/2099/QH99\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n\nBỘ LUẬT\nTHỬ NGHIỆM\n\n"
             "Căn cứ Hiến pháp Thử nghiệm;\nQuốc hội ban hành Bộ luật thử nghiệm.\n\nPhần thứ nhất\nQUY ĐỊNH CHUNG\n\n"
             + BODY.replace("Thông tư này", "Bộ luật này") + FILLER + "\n(Xem tiếp Công báo số 9001 + 9002)\n")
LAW_CONTINUATION = (f"{NOTICE}\n\nCÔNG BÁO/Số 9003 + 9004/Ngày 05-03-2099\n3\n\nVĂN BẢN QUY PHẠM PHÁP LUẬT\n\nQUỐC HỘI\n\n"
                    "Luật số 9999/2099/QH99 ngày 02 tháng 03 năm 2099 Bộ luật thử nghiệm\nPhần thứ ba\nNGHĨA VỤ THỬ NGHIỆM\n"
                    "(Tiếp theo Công báo số 9001 + 9002)\n\nĐiều 365. Điều thử nghiệm\n" + FILLER + FILLER)


def test_a_continuation_is_read_by_its_banner() -> None:
    d = parse_text(CONTINUATION, "continuation.txt")
    assert (d.number, d.type, d.date_issued, d.title) == ("9999/2099/TT-TEST", "Thông tư", "2099-03-02",
                                                          "Hướng dẫn thử nghiệm A")
    assert d.doc_id == parse_text(FIRST_PART, "first.txt").doc_id  # one document, two parts
    assert unstorable(d) is None and d.continued_from == "9001 + 9002"
    assert [e for e in d.errors if "Tiếp theo Công báo số 9001 + 9002" in e and "only the part printed" in e]
    assert d.legal_bases == [] and d.place is None  # a form's "Căn cứ …" and place-date lines are not its own


def test_a_laws_banner_names_its_kind_and_the_heading_after_it_is_no_title() -> None:
    d = parse_text(LAW_CONTINUATION, "law-continuation.txt")
    assert (d.number, d.type, d.date_issued, d.title) == ("9999/2099/QH99", "Bộ luật", "2099-03-02", "Thử nghiệm")
    assert d.doc_id == "luat-2099-03-02-thu-nghiem" and d.issuer == "Quốc hội"
    assert [p.id for p in d.provisions][:2] == ["phan_ba", "phan_ba/dieu_365"]


def test_a_continuation_without_a_banner_is_refused_by_name() -> None:
    text = CONTINUATION.replace("Thông tư số 9999/2099/TT-TEST ngày 02 tháng 03 năm 2099\n", "")
    assert "Tiếp theo Công báo số 9001 + 9002" in unstorable(parse_text(text, "bare.txt"))


def test_a_blank_day_and_month_leave_the_year() -> None:
    text = fictional_text("9999/QĐ-TEST", "ngày       tháng      năm 2099", "Về việc thử nghiệm A", [], BODY + FILLER)
    d = parse_text(text, "undated.txt")
    assert (d.date_issued, d.doc_id) == (None, "qd-2099-9999-test")
    assert "no date of issue found: its place-date line leaves day and month blank (năm 2099)" in d.errors


def _cancu(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "CANCU_DATA": str(tmp_path), "CANCU_OXIGRAPH": str(tmp_path / "ox")}
    run = subprocess.run([sys.executable, "-m", "cancu.cli", *args], capture_output=True, text=True, cwd=ROOT, env=env,
                         timeout=600)
    assert "Traceback" not in run.stderr, run.stderr
    return run


def _parts_lines(run: subprocess.CompletedProcess[str]) -> list[str]:
    return [ln for ln in run.stderr.splitlines() if "two parts of one document printed across gazette issues" in ln]


def test_two_parts_are_named_as_parts_by_ingest_and_load(tmp_path: Path) -> None:
    src = tmp_path / "src"
    src.mkdir()
    # the continuation's name sorts first: the first part is still the one stored
    for name, text in (("a-continuation.txt", CONTINUATION), ("b-first.txt", FIRST_PART),
                       ("c-law-continuation.txt", LAW_CONTINUATION), ("d-law-first.txt", LAW_FIRST)):
        (src / name).write_text(text, encoding="utf-8")
    run = _cancu(tmp_path, "ingest", str(src), "-o", str(tmp_path / "rdf"))
    lines = _parts_lines(run)
    # one id: the continuation is named with the first part it belongs to, and not stored
    same_id = [ln for ln in lines if ln.startswith(f"cancu: {src / 'a-continuation.txt'}: ")]
    assert len(same_id) == 1 and str(src / "b-first.txt") in same_id[0] and "only the first part is stored" in same_id[0]
    # a law's first part without its adoption date has another id than its dated continuation: both kept, named
    claims = [ln for ln in lines if "both kept and neither merged" in ln]
    assert len(claims) == 1 and str(src / "c-law-continuation.txt") in claims[0] and str(src / "d-law-first.txt") in claims[0]
    rdf = tmp_path / "rdf"
    assert sorted(p.name for p in rdf.glob("*.nq")) == [
        "gazetteer.nq", "luat-2099-03-02-thu-nghiem.nq", "luat-2099-9999-qh99.nq", "tt-2099-9999-test.nq"]
    assert "b-first.txt" in (rdf / "tt-2099-9999-test.nq").read_text(encoding="utf-8")
    assert run.returncode == 1  # a file not stored

    load = _cancu(tmp_path, "load", str(rdf))  # the store hears of the two law parts the same way
    claims = [ln for ln in _parts_lines(load) if "both kept and neither merged" in ln]
    assert len(claims) == 1 and "c-law-continuation.txt" in claims[0] and "d-law-first.txt" in claims[0]
    # the circular's continuation, ingested in a batch of its own, meets its first part in the store
    alone = tmp_path / "alone"
    alone.mkdir()
    (alone / "a-continuation.txt").write_text(CONTINUATION, encoding="utf-8")
    assert _cancu(tmp_path, "ingest", str(alone), "-o", str(tmp_path / "rdf2")).returncode == 0
    again = [ln for ln in _parts_lines(_cancu(tmp_path, "load", str(tmp_path / "rdf2" / "tt-2099-9999-test.nq")))
             if "not loaded" in ln]  # (the two law parts stay named at every load)
    assert len(again) == 1 and "b-first.txt" in again[0] and "not loaded, the stored document kept" in again[0]
    assert "the part continued from Công báo số 9001 + 9002, the first part" in again[0]


def test_real_continuation_banner() -> None:
    need(GAZETTE)
    path = GAZETTE / "bhxh" / "thong-tu-so-102-2018-tt-btc-28383.txt"
    d = parse_path(path)
    assert (d.number, d.type, d.date_issued, d.issuer, d.title) == (
        "102/2018/TT-BTC", "Thông tư", "2018-11-14", "Bộ Tài chính", "Hướng dẫn kế toán Bảo hiểm xã hội")
    assert unstorable(d) is None and d.continued_from == "201 + 202" and d.legal_bases == []
    # spans stay true to the file as read: each "(Ban hành kèm theo Thông tư số 102/2018/TT-BTC …)" of its annexes is
    # a self-reference where the text has it; the banner naming the document is none
    text = read_text(path)
    assert len(d.text) == len(text) and len(d.self_refs) >= 10
    assert {text[r.start:r.end] for r in d.self_refs} == {"Thông tư số 102/2018/TT-BTC"}
    assert min(r.start for r in d.self_refs) > text.index("(Tiếp theo Công báo số 201 + 202)")
