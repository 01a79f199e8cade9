"""api.line_tables on a plainly fictional annex printed one cell per line: drawn only when its header and
rows can be told, with exactly the text's own lines in its cells."""

from __future__ import annotations

from api.line_tables import RowFacts, line_tables
from api.marked_text import render

HEAD = "TT\nNhiệm vụ\nCơ quan\nchủ trì\nCơ quan\nphối hợp\nThời gian\nthực hiện\n"
TEXT = ("PHỤ LỤC\nVĂN BẢN GIẢ LẬP\n\n" + HEAD + "1.\nNhóm nhiệm vụ giả lập\n1.1\nThử nghiệm nền tảng\ngiả lập A.\n"
        "Bộ Thử nghiệm\nCông ty X\nQuý I/2099\n1.2\nThử nghiệm nền tảng\n" + HEAD + "giả lập B.\nCục Giả lập Một\n"
        "Quý II/2099\n")
ROWS = [RowFacts("phu_luc/hang_1_1", "1.1"), RowFacts("phu_luc/hang_1_2", "1.2")]


def test_rows_by_their_numbers_and_headers_repeated() -> None:
    span = (0, len(TEXT))
    [t] = line_tables(TEXT, [span], {span: ROWS}, [])
    cells = [[TEXT[a:b] for a, b in line] for line in t.lines]
    assert cells[0] == ["TT", "Nhiệm vụ", "Cơ quan\nchủ trì", "Cơ quan\nphối hợp", "Thời gian\nthực hiện"]
    assert cells[1:] == [["1.", "Nhóm nhiệm vụ giả lập"],
                         ["1.1", "Thử nghiệm nền tảng\ngiả lập A.\nBộ Thử nghiệm\nCông ty X\nQuý I/2099"],
                         ["1.2", "Thử nghiệm nền tảng"], cells[0], ["", "giả lập B.\nCục Giả lập Một\nQuý II/2099"]]
    assert t.heads == {0, 4} and t.row_ids == {2: "phu_luc/hang_1_1", 3: "phu_luc/hang_1_2"}
    assert all(t.colspans[(n, 1)] == 4 for n in (1, 2, 3, 5))
    html = str(render(TEXT, [], [], None, [t]))
    assert html.count("<tr") == 6 and '<tr id="phu_luc/hang_1_2"><td>1.2</td><td colspan="4">' in html


def test_nothing_drawn_when_it_cannot_be_told() -> None:
    span = (0, len(TEXT))
    assert line_tables(TEXT, [span], {}, []) == []  # no stored rows: ingest did not trust the layout
    assert line_tables(TEXT, [span], {span: ROWS}, [(30, 40)]) == []  # the annex already has a ' | ' table
    other = TEXT.replace(HEAD + "giả lập B.", HEAD.replace("Cơ quan\nphối hợp\n", "") + "giả lập B.")
    assert line_tables(other, [(0, len(other))], {(0, len(other)): ROWS}, []) == []  # a header of other columns
    unknown = [RowFacts("phu_luc/hang_9", "9")]
    assert line_tables(TEXT, [span], {span: unknown}, []) == []  # no row of the graph stands in it


def test_nothing_drawn_where_a_merged_cell_may_be_printed_mid_span() -> None:
    """A lead column before the task column: one lead cell spans several tasks (ingest's `layout_doubt`)."""
    lead_first = TEXT.replace("TT\nNhiệm vụ\nCơ quan\nchủ trì\n", "TT\nCơ quan\nchủ trì\nNhiệm vụ\n")
    span = (0, len(lead_first))
    assert line_tables(lead_first, [span], {span: ROWS}, []) == []
