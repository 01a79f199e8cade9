"""Annex tables from a PDF's geometry, and text copies whose table layout cannot be trusted (issue 15).

The Công báo PDF and the hand-made gold live in ../shared (GUIDE §7); without them these tests skip with one
line, except under CI=true, where they fail.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.accuracy import GOLD_175, PDF_175, annex_rows_of_source, grid_scores
from cancu.text import nfc
from ingest.pdf_tables import Grid
from ingest.tables import grid_rows, parse_annexes, split_agencies
from shared_data import need

ROOT = Path(__file__).resolve().parent.parent


def test_175_annex_from_pdf_geometry_matches_gold() -> None:
    need(PDF_175, GOLD_175)
    rows, warnings = annex_rows_of_source(PDF_175)
    s = grid_scores(rows)
    assert warnings == []
    assert s["rows"].f1 >= 0.97 and s["cells"].f1 >= 0.97, [d for v in s.values() for d in v.diffs]
    ids = [r.id for r in rows]
    assert len(ids) == len(set(ids))  # rows of one span get their own ids
    carried = next(r for r in rows if r.task.startswith("Xây dựng, ban hành quy định về quy chuẩn"))
    assert carried.lead == ["Bộ Thông tin và Truyền thông"]  # the blank STT cell at the top of PDF page 31


def test_175_text_copy_stores_no_row_and_says_why() -> None:
    errors: list[str] = []
    _, rows = parse_annexes(nfc((ROOT / "corpus" / "175-NQ-CP-2023.txt").read_text(encoding="utf-8")), errors)
    assert [r for r in rows if r.annex == "Phụ lục I"] == []
    assert any(e.startswith("Phụ lục I: table not read") for e in errors)


def test_readable_text_copy_tables_still_read() -> None:
    errors: list[str] = []
    _, rows = parse_annexes(nfc((ROOT / "corpus" / "982-QD-TTg-2026.txt").read_text(encoding="utf-8")), errors)
    assert len(rows) == 34 and errors == []


H = ["STT", "Đơn vị", "Nhiệm vụ chủ trì", "Đơn vị phối hợp", "Thời gian hoàn thành"]


def test_grid_rows_fill_down_and_carry_over_a_page_break() -> None:
    """Fictional grids in the shape pdfplumber returns: None under a vertical merge, '' at a page top."""
    p1 = Grid(1, [H, ["1", "Cơ quan thử nghiệm A", "Nhiệm vụ thử nghiệm một", "(1) Cơ quan X\n(2) Cơ quan Y", "2099"],
                  [None, None, "Nhiệm vụ thử nghiệm hai", "Cơ quan X", "2099"]])
    p2 = Grid(2, [H, ["", "", "Nhiệm vụ thử nghiệm ba", "Cơ quan Y", "2098"],
                  ["2", "Cơ quan thử nghiệm B", "Nhiệm vụ thử nghiệm bốn", "", "2097"]])
    rows = grid_rows([p1, p2], "Phụ lục I", "phu_luc_1")
    got = [(r.stt, r.cells["Đơn vị"], r.task, r.coordinating, r.deadline) for r in rows]
    assert got == [
        ("1", "Cơ quan thử nghiệm A", "Nhiệm vụ thử nghiệm một", ["Cơ quan X", "Cơ quan Y"], "2099"),
        ("1", "Cơ quan thử nghiệm A", "Nhiệm vụ thử nghiệm hai", ["Cơ quan X"], "2099"),
        ("1", "Cơ quan thử nghiệm A", "Nhiệm vụ thử nghiệm ba", ["Cơ quan Y"], "2098"),
        ("2", "Cơ quan thử nghiệm B", "Nhiệm vụ thử nghiệm bốn", [], "2097"),
    ]
    assert [r.id for r in rows] == ["phu_luc_1/hang_1-1", "phu_luc_1/hang_1-2", "phu_luc_1/hang_1-3", "phu_luc_1/hang_2"]


def test_grid_rows_join_a_row_cut_by_a_page_break() -> None:
    """No vertical merge in the table: a blank STT at a page top is the rest of the row above."""
    h = ["TT", "Nhiệm vụ", "Cơ quan chủ trì", "Thời gian hoàn thành"]
    p1 = Grid(1, [h, ["1.", "Nghiên cứu thử nghiệm", "Cơ quan thử nghiệm A", ""]])
    p2 = Grid(2, [h, ["", "phần còn lại của nhiệm vụ", "", "2099"], ["2.", "Nhiệm vụ khác", "Cơ quan thử nghiệm B", "2098"]])
    rows = grid_rows([p1, p2], "Phụ lục", "phu_luc")
    assert [(r.stt, r.task, r.deadline) for r in rows] == [
        ("1", "Nghiên cứu thử nghiệm phần còn lại của nhiệm vụ", "2099"), ("2", "Nhiệm vụ khác", "2098")]


def test_numbered_agency_cells_split_at_their_numbers() -> None:
    assert split_agencies("(1) Bộ Thông tin và Truyền\nthông\n(2) VTV, VOV") == ["Bộ Thông tin và Truyền thông", "VTV, VOV"]
