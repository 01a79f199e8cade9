"""A seeded synthetic corpus in the corpus text format, plus its RDF, for the benchmarks.

    python -m bench.synth --out bench/corpus/s10k --n 10000 --seed 7 [--rdf] [--workers 2]

Every document is plainly fictional: issuers are "… Thử nghiệm" bodies with codes ending in TEST
(CPTEST, TTGTEST, BTCTEST …), titles say "thử nghiệm", signers have made-up names, and each text
carries the line SYNTH_MARK twice (after the site block and above the signature). Nothing here can
pass for a real document. Agencies in annex task tables come from the cancu gazetteer (so agency
resolution does its real work) or from a fixed list of fictional units; platforms are fictional.

Distributions (documents are generated in date order, 1995 → 2025):
- 2–15 Căn cứ lines per document (mean ≈ 6), 0–2 clauses per article, a third of them citing;
- a citation points at: a hub law (≈ 30 % of citations, Zipf over 30 laws, so the top laws are cited
  thousands of times at 100k), an earlier document chosen by preferential attachment (≈ 40 %),
  a recent earlier document (≈ 20 %), or a document outside the corpus (≈ 10 %, becomes a stub);
- 1–5 articles (+ the entry-into-force article); an annex task table in ≈ 10 % of documents (3–25 rows);
- a platform table (the layout of tests/fixtures/platform_annex_fictional.txt: governing agency, focal
  units, core enterprises) in ≈ 5 % of the decisions (QĐ) that have no task table, ≈ 2.5 % of documents.
  It is drawn from a second random.Random derived from the seed, so every other document is the same as
  before platform tables existed.

Layout written: DIR/txt/NNN/*.txt (1,000 per folder), DIR/manifest.json. With --rdf (or
`write_rdf`): DIR/rdf/part-NNNN.nq (N-Quads, one named graph per document, 500 documents per file,
made by the real ingest code: ingest.pipeline.parse_text + ingest.to_rdf.document_quads),
DIR/rdf/gazetteer.nq and DIR/docs.tsv (doc id, number, parsed legal bases, bytes) for the API bench.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import sys
import time
from bisect import bisect_right
from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Iterator

from cancu.numbers import TYPE_CODES  # code -> Vietnamese name, from cancu.registry

SYNTH_MARK = "VĂN BẢN TỔNG HỢP GIẢ LẬP – KHÔNG CÓ GIÁ TRỊ PHÁP LÝ"
DOCS_PER_DIR = 1000
DOCS_PER_NQ = 500

# (code, name, letterhead, head-of-body line, signer role, types it issues with weights)
ISSUERS: list[tuple[str, str, str, str, str, list[tuple[str, int]]]] = [
    ("CPTEST", "Chính phủ Thử nghiệm", "CHÍNH PHỦ THỬ NGHIỆM", "CHÍNH PHỦ THỬ NGHIỆM", "THỦ TƯỚNG",
     [("NĐ", 5), ("NQ", 3)]),
    ("TTGTEST", "Thủ tướng Thử nghiệm", "THỦ TƯỚNG THỬ NGHIỆM", "THỦ TƯỚNG THỬ NGHIỆM", "THỦ TƯỚNG",
     [("QĐ", 8), ("CT", 1)]),
    ("BTCTEST", "Bộ Thử nghiệm Tài khóa", "BỘ THỬ NGHIỆM\nTÀI KHÓA", "BỘ TRƯỞNG BỘ THỬ NGHIỆM TÀI KHÓA", "BỘ TRƯỞNG",
     [("TT", 4), ("QĐ", 4)]),
    ("BSOTEST", "Bộ Thử nghiệm Số hóa", "BỘ THỬ NGHIỆM\nSỐ HÓA", "BỘ TRƯỞNG BỘ THỬ NGHIỆM SỐ HÓA", "BỘ TRƯỞNG",
     [("TT", 3), ("QĐ", 5), ("KH", 1)]),
    ("BNVTEST", "Bộ Thử nghiệm Nhân sự", "BỘ THỬ NGHIỆM\nNHÂN SỰ", "BỘ TRƯỞNG BỘ THỬ NGHIỆM NHÂN SỰ", "BỘ TRƯỞNG",
     [("TT", 3), ("QĐ", 5)]),
    ("BYTTEST", "Bộ Thử nghiệm Sức khỏe", "BỘ THỬ NGHIỆM\nSỨC KHỎE", "BỘ TRƯỞNG BỘ THỬ NGHIỆM SỨC KHỎE", "BỘ TRƯỞNG",
     [("TT", 3), ("QĐ", 5)]),
    ("BGDTEST", "Bộ Thử nghiệm Học tập", "BỘ THỬ NGHIỆM\nHỌC TẬP", "BỘ TRƯỞNG BỘ THỬ NGHIỆM HỌC TẬP", "BỘ TRƯỞNG",
     [("TT", 3), ("QĐ", 5)]),
    ("UBNDTEST", "Ủy ban nhân dân tỉnh Thử nghiệm", "ỦY BAN NHÂN DÂN\nTỈNH THỬ NGHIỆM",
     "ỦY BAN NHÂN DÂN TỈNH THỬ NGHIỆM", "CHỦ TỊCH", [("QĐ", 6), ("KH", 3), ("CT", 1)]),
]
ISSUER_WEIGHTS = [10, 14, 12, 12, 10, 10, 10, 22]
NORMATIVE = {"NĐ", "TT"}  # numbers carry the year: 12/2019/NĐ-CPTEST
MARK_LINE = {"NĐ": "NGHỊ ĐỊNH:", "NQ": "QUYẾT NGHỊ:", "QĐ": "QUYẾT ĐỊNH:", "CT": "CHỈ THỊ:", "TT": "BAN HÀNH:",
             "KH": "QUYẾT ĐỊNH:"}

LAW_TOPICS = [
    "Tổ chức Chính quyền Thử nghiệm", "Ban hành văn bản Thử nghiệm", "Ngân sách Thử nghiệm", "Giao dịch điện tử Thử nghiệm",
    "Công nghệ thông tin Thử nghiệm", "Cán bộ Thử nghiệm", "An toàn thông tin Thử nghiệm", "Đầu tư công Thử nghiệm",
    "Quản lý thuế Thử nghiệm", "Khoa học Thử nghiệm", "Giáo dục Thử nghiệm", "Khám bệnh Thử nghiệm",
    "Đất đai Thử nghiệm", "Xây dựng Thử nghiệm", "Doanh nghiệp Thử nghiệm", "Đấu thầu Thử nghiệm",
    "Tiếp cận thông tin Thử nghiệm", "Lưu trữ Thử nghiệm", "Viễn thông Thử nghiệm", "Dữ liệu Thử nghiệm",
    "Thống kê Thử nghiệm", "Kế toán Thử nghiệm", "Kiểm toán Thử nghiệm", "Phòng cháy Thử nghiệm",
    "Bảo vệ môi trường Thử nghiệm", "Tài nguyên nước Thử nghiệm", "Giao thông Thử nghiệm", "Du lịch Thử nghiệm",
    "Báo chí Thử nghiệm", "Thanh tra Thử nghiệm",
]
SUBJECTS = [
    "quy định chức năng, nhiệm vụ thử nghiệm của đơn vị giả lập", "ban hành quy chế thử nghiệm về quản lý dữ liệu mẫu",
    "phê duyệt chương trình thử nghiệm chuyển đổi số giả lập", "hướng dẫn thử nghiệm thủ tục hành chính mẫu",
    "về kế hoạch thử nghiệm phát triển nền tảng số giả lập", "quy định thử nghiệm về ngân sách mẫu",
    "ban hành danh mục thử nghiệm dịch vụ công giả lập", "về việc thử nghiệm đánh giá chỉ số mẫu",
    "phê duyệt đề án thử nghiệm đào tạo nhân lực giả lập", "sửa đổi quy định thử nghiệm về lưu trữ mẫu",
]
FIELDS = ["Công nghệ thông tin", "Bộ máy hành chính", "Tài chính nhà nước", "Giáo dục", "Thể thao - Y tế", "Đầu tư"]
SURNAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Hồ"]
GIVEN = ["Thử", "Nghiệm", "Mẫu", "Giả", "Lập", "Khảo", "Sát", "Phỏng"]
FICTIONAL_UNITS = ["Sở Thử nghiệm Số {}", "Trung tâm Giả lập Dữ liệu {}", "Viện Thử nghiệm Chính sách {}",
                   "Cục Mẫu Hạ tầng {}", "Ban Giả lập Điều phối {}"]
PLATFORMS = ["Nền tảng thử nghiệm định danh giả lập", "Nền tảng thử nghiệm hóa đơn mẫu", "Nền tảng thử nghiệm học trực tuyến mẫu",
             "Nền tảng thử nghiệm bản đồ giả lập", "Nền tảng thử nghiệm thanh toán mẫu", "Nền tảng thử nghiệm y tế từ xa giả lập"]
# Platform tables draw from PLATFORMS plus these (all fictional); PLATFORMS itself stays as it was, since
# task tables pick from it and a longer list would change their text for the same seed.
PLATFORM_CATALOGUE = PLATFORMS + [
    "Nền tảng thử nghiệm dịch vụ công giả lập", "Nền tảng thử nghiệm chia sẻ dữ liệu mẫu",
    "Nền tảng thử nghiệm truy xuất nguồn gốc giả lập", "Nền tảng thử nghiệm hội nghị trực tuyến mẫu",
    "Nền tảng thử nghiệm quản lý văn bản giả lập", "Nền tảng thử nghiệm thương mại điện tử mẫu",
]
PLATFORM_SHARE = 0.05  # of the decisions without a task table
PLATFORM_GROUPS = ["Nhóm nền tảng thử nghiệm phục vụ người dân", "Nhóm nền tảng giả lập phục vụ doanh nghiệp",
                   "Nhóm nền tảng mẫu dùng chung"]  # a group row heads half of the tables, as in the fixture
FOCAL_UNITS = ["Cục Giả lập Chuyển đổi số {}", "Trung tâm Thử nghiệm Dữ liệu {}", "Vụ Giả lập Tổng hợp {}",
               "Viện Thử nghiệm Hạ tầng số {}"]  # no "Kế hoạch"/"Đề án": the ingest would read a programme name
ENTERPRISES = [f"{kind} {tag}" for kind in ("Công ty thử nghiệm", "Tập đoàn giả lập", "Công ty cổ phần mẫu",
                                             "Tổng công ty thử nghiệm")
               for tag in ("Alpha", "Beta", "Gamma", "Delta", "Một", "Hai", "Ba", "Bốn", "Năm", "Sáu")]
TASK_VERBS = ["Xây dựng", "Hoàn thiện", "Rà soát", "Triển khai", "Đánh giá", "Nâng cấp", "Tổ chức", "Nghiên cứu"]
TASK_OBJECTS = ["quy chế thử nghiệm về chia sẻ dữ liệu mẫu", "{}", "hệ thống thông tin giả lập phục vụ báo cáo",
                "chương trình đào tạo thử nghiệm kỹ năng số", "cơ sở dữ liệu mẫu về thủ tục hành chính",
                "bộ chỉ số thử nghiệm đánh giá chuyển đổi số", "đề án thử nghiệm hạ tầng dùng chung"]
PRODUCTS = ["Quyết định của cơ quan thử nghiệm", "Báo cáo giả lập", "Hệ thống đưa vào sử dụng thử nghiệm", "Đề án mẫu",
            "Thông tư thử nghiệm", "Kế hoạch giả lập"]
FILLER = [
    "Nội dung này chỉ phục vụ đo hiệu năng của phần mềm, được sinh tự động và không có giá trị áp dụng.",
    "Các cơ quan, đơn vị giả lập có trách nhiệm thử nghiệm, theo dõi và báo cáo kết quả định kỳ theo mẫu.",
    "Bảo đảm kết nối, chia sẻ dữ liệu mẫu giữa các hệ thống thông tin thử nghiệm, tránh trùng lặp, lãng phí.",
    "Kinh phí thực hiện được bảo đảm từ nguồn giả định trong dự toán thử nghiệm hằng năm của đơn vị.",
    "Định kỳ hằng quý tổng hợp, đánh giá tình hình thực hiện và đề xuất điều chỉnh nội dung thử nghiệm.",
]


@dataclass
class Meta:
    """What later documents need to cite one document."""

    i: int
    type: str  # type code: NĐ, QĐ, L ...
    issuer: int  # index into ISSUERS (-1 for laws)
    number: str  # as written after "Số:"; for laws "N/YYYY/QHTEST"
    date: date
    title: str

    @property
    def type_name(self) -> str:
        return TYPE_CODES[self.type][0]


def _gazetteer_agencies() -> list[str]:
    """Ministries and central bodies from the real gazetteer (agencies only)."""
    try:
        from ingest.names import load_gazetteer

        names = [e.name for e in load_gazetteer() if e.kind == "agency" and e.name.startswith(("Bộ ", "Văn phòng", "Ngân hàng", "Thanh tra", "Bảo hiểm"))]
    except Exception:  # the generator still works without the ingest package
        names = []
    return names or ["Bộ Tài chính", "Bộ Nội vụ", "Bộ Y tế"]


def _long_date(d: date) -> str:
    return f"ngày {d.day:02d} tháng {d.month:02d} năm {d.year}" if d.month < 3 else f"ngày {d.day} tháng {d.month} năm {d.year}"


def _doc_date(i: int, n: int, rng: random.Random) -> date:
    start, span = date(1995, 1, 1), (date(2025, 12, 31) - date(1995, 1, 1)).days
    return start + timedelta(days=min(span, int(span * (i + rng.random()) / n)))


class Generator:
    """Stateful, seeded generator; `documents()` yields (relative path, text) in date order."""

    def __init__(self, n: int, seed: int) -> None:
        self.n, self.rng = n, random.Random(seed)
        self.platform_rng = random.Random(f"platforms:{seed}")  # separate: the main stream stays as it was
        self.platform_docs = 0
        self.agencies = _gazetteer_agencies()
        self.docs: list[Meta] = []
        self.laws: list[Meta] = []
        self.counters: dict[tuple[str, int, int], int] = {}
        self.attach: list[int] = []  # preferential attachment pool (indices of cited corpus documents)
        self.law_weights = [1 / (r + 1) ** 1.1 for r in range(len(LAW_TOPICS))]
        self.law_cum = [sum(self.law_weights[: k + 1]) for k in range(len(LAW_TOPICS))]

    # -- identities ----------------------------------------------------------------------------

    def _number(self, type_code: str, issuer: int, d: date) -> str:
        key = (type_code, issuer, d.year)
        k = self.counters.get(key) or self.rng.randint(1, 40)
        self.counters[key] = k + self.rng.randint(1, 3)
        code = ISSUERS[issuer][0]
        return f"{k}/{d.year}/{type_code}-{code}" if type_code in NORMATIVE else f"{k}/{type_code}-{code}"

    def _new_meta(self, i: int) -> Meta:
        rng = self.rng
        d = _doc_date(i, self.n, rng)
        if i < len(LAW_TOPICS) and self.n >= len(LAW_TOPICS):  # the hub laws come first (oldest)
            d = date(1995 + i // 3, 1 + (i * 5) % 12, 1 + (i * 7) % 27)
            m = Meta(i, "L", -1, f"{10 + i}/{d.year}/QHTEST", d, f"Luật {LAW_TOPICS[i]}")
            self.laws.append(m)
            return m
        issuer = rng.choices(range(len(ISSUERS)), ISSUER_WEIGHTS)[0]
        types, weights = zip(*ISSUERS[issuer][5])
        t = rng.choices(types, weights)[0]
        subject = rng.choice(SUBJECTS)
        return Meta(i, t, issuer, self._number(t, issuer, d), d, f"{subject} số {i}")

    # -- citations -----------------------------------------------------------------------------

    def _target(self, i: int) -> Meta | None:
        """An earlier document to cite (None: a document outside the corpus)."""
        rng = self.rng
        r = rng.random()
        if r < 0.30 and self.laws:
            k = bisect_right(self.law_cum, rng.random() * self.law_cum[-1])
            return self.laws[min(k, len(self.laws) - 1)]
        if i <= len(self.laws) + 1:
            return None
        if r < 0.70 and self.attach:
            return self.docs[rng.choice(self.attach)]
        if r < 0.90:
            lo = max(len(self.laws), i - 200)
            return self.docs[rng.randrange(lo, i)]
        return None

    def _external(self, d: date) -> str:
        """A citation of a document outside the corpus (number and date only: a stub)."""
        rng = self.rng
        year = rng.randint(1990, d.year)
        od = date(year, rng.randint(1, 12), rng.randint(1, 28))
        if od > d:
            od = d - timedelta(days=30)
        kind = rng.random()
        if kind < 0.2:
            return f"Nghị quyết số {rng.randint(1, 60)}-NQ/TWTEST {_long_date(od)} của Ban Thử nghiệm Trung ương"
        if kind < 0.6:
            return f"Nghị định số {rng.randint(1, 300)}/{od.year}/NĐ-CPTEST {_long_date(od)} của Chính phủ Thử nghiệm"
        return f"Quyết định số {rng.randint(1, 2500)}/QĐ-TTGTEST {_long_date(od)} của Thủ tướng Thử nghiệm"

    def _cite(self, target: Meta | None, d: date, with_so: bool = True) -> str:
        if target is None:
            return self._external(d)
        if target.type == "L":
            return f"{target.title} {_long_date(target.date)}"
        so = "số " if with_so else ""
        return (f"{target.type_name} {so}{target.number} {_long_date(target.date)} của {ISSUERS[target.issuer][1]} "
                f"{target.title.split(' số ')[0]}")

    def _note_cited(self, target: Meta | None) -> None:
        if target is not None and target.type != "L":
            self.attach.append(target.i)

    # -- text ------------------------------------------------------------------------------------

    def _signer(self) -> str:
        rng = self.rng
        return f"{rng.choice(SURNAMES)} {rng.choice(['Văn', 'Thị'])} {rng.choice(GIVEN)}"

    def _agency(self) -> str:
        if self.rng.random() < 0.7:
            return self.rng.choice(self.agencies)
        return self.rng.choice(FICTIONAL_UNITS).format(self.rng.randint(1, 9))

    def _law_text(self, m: Meta, signer: str) -> str:
        d = m.date
        lines = [f"{m.title} {m.number} do Quốc hội Thử nghiệm ban hành", f"Số hiệu {m.number}",
                 f"Ngày ban hành {d:%d/%m/%Y}", f"Ngày có hiệu lực {d:%d/%m/%Y}", "Loại văn bản Luật",
                 "Cơ quan ban hành Quốc hội Thử nghiệm", f"Người ký {signer}", f"Lĩnh vực {self.rng.choice(FIELDS)}",
                 "", SYNTH_MARK, "", "QUỐC HỘI THỬ NGHIỆM", "-------", "", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
                 "Độc lập - Tự do - Hạnh phúc", "---------------", "", f"Luật số: {m.number}", "",
                 f"Hà Nội, {_long_date(d)}", "", "LUẬT", "", m.title.removeprefix("Luật ").upper(), "",
                 "Quốc hội Thử nghiệm ban hành luật thử nghiệm này.", ""]
        for k in range(1, 6):
            lines += [f"Điều {k}. Quy định thử nghiệm {k}", self.rng.choice(FILLER), ""]
        lines += [SYNTH_MARK, "", "CHỦ TỊCH QUỐC HỘI THỬ NGHIỆM", "", signer, ""]
        return "\n".join(lines)

    def document(self, i: int) -> tuple[str, str]:
        """(relative path, text) of document i; documents must be made in order 0..n-1."""
        rng = self.rng
        m = self._new_meta(i)
        self.docs.append(m)
        signer = self._signer()
        if m.type == "L":
            return self._path(m), self._law_text(m, signer)
        code, iname, letterhead, head, role, _ = ISSUERS[m.issuer]
        d = m.date
        title_line = m.title
        lines = [f"{m.type_name} {m.number} năm {d.year} {title_line} do {iname} ban hành",
                 f"Số hiệu {m.number}", f"Ngày ban hành {d:%d/%m/%Y}", f"Ngày có hiệu lực {d:%d/%m/%Y}",
                 f"Loại văn bản {m.type_name}", f"Cơ quan ban hành {iname}", f"Người ký {signer}",
                 f"Lĩnh vực {rng.choice(FIELDS)}", "", SYNTH_MARK, "",
                 letterhead, "-------", "", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
                 "---------------", "", f"Số: {m.number}", "", f"Hà Nội, {_long_date(d)}", "",
                 m.type_name.upper(), "", title_line.upper(), "", head, ""]
        n_bases = min(15, max(2, int(rng.lognormvariate(1.6, 0.45))))
        seen: set[int] = set()
        for _ in range(n_bases):
            t = self._target(i)
            if t is not None and t.i in seen:
                continue
            if t is not None:
                seen.add(t.i)
            self._note_cited(t)
            lines += [f"Căn cứ {self._cite(t, d, rng.random() < 0.85)};", ""]
        lines += [f"Theo đề nghị của {rng.choice(self.agencies)},", "", MARK_LINE[m.type], ""]
        n_art = rng.randint(1, 5)
        annex = rng.random() < 0.10
        for k in range(1, n_art + 1):
            lines.append(f"Điều {k}. {rng.choice(FILLER)}")
            lines.append("")
            for c in range(1, rng.randint(0, 2) + 1):
                sent = rng.choice(FILLER)
                if rng.random() < 0.35:
                    t = self._target(i)
                    self._note_cited(t)
                    sent = f"Thực hiện theo quy định tại Điều {rng.randint(1, 20)} {self._cite(t, d)}. {sent}"
                lines += [f"{c}. {sent}", ""]
        lines += [f"Điều {n_art + 1}. {m.type_name} này có hiệu lực thi hành kể từ ngày ký ban hành.", "",
                  "Nơi nhận:", "- Như Điều 1;", "- Lưu: VT, TEST.", "", SYNTH_MARK, ""]
        mode = rng.random()
        if mode < 0.4:
            lines += [f"KT. {role}", f"PHÓ {role}" if role != "BỘ TRƯỞNG" else "THỨ TRƯỞNG"]
        else:
            lines.append(role)
        lines += ["", signer, ""]
        if annex:
            lines += self._annex(m)
        elif m.type == "QĐ" and self.platform_rng.random() < PLATFORM_SHARE:
            lines += self._platform_annex(m)
            self.platform_docs += 1
        return self._path(m), "\n".join(lines)

    def _annex(self, m: Meta) -> list[str]:
        rng = self.rng
        lines = ["PHỤ LỤC", "", f"DANH MỤC NHIỆM VỤ THỬ NGHIỆM SỐ {m.i}", "",
                 f"(Kèm theo {m.type_name} số {m.number} {_long_date(m.date)} của {ISSUERS[m.issuer][1]})", "",
                 "TT | Tên nhiệm vụ | Cơ quan chủ trì | Cơ quan phối hợp | Kết quả | Thời gian hoàn thành"]
        for r in range(1, rng.randint(3, 25) + 1):
            obj = rng.choice(TASK_OBJECTS).format(rng.choice(PLATFORMS))
            coord = ", ".join(self._agency() for _ in range(rng.randint(0, 3)))
            lines.append(f"{r}. | {rng.choice(TASK_VERBS)} {obj}. | {self._agency()} | {coord} | "
                         f"{rng.choice(PRODUCTS)} | {rng.randint(1, 12)}/{m.date.year + rng.randint(0, 2)}")
        return lines + [""]

    def _platform_annex(self, m: Meta) -> list[str]:
        """A platform catalogue annex (only in decisions without a task annex, so that one keeps its id)."""
        rng = self.platform_rng
        lines = ["PHỤ LỤC", "", "DANH MỤC NỀN TẢNG SỐ THỬ NGHIỆM", "",
                 f"(Kèm theo {m.type_name} số {m.number} {_long_date(m.date)} của {ISSUERS[m.issuer][1]})", "",
                 "TT | Tên nền tảng | Cơ quan chủ quản | Đơn vị đầu mối của cơ quan chủ quản | Đơn vị đầu mối của Bộ | "
                 "Doanh nghiệp nòng cốt"]
        platforms = rng.sample(PLATFORM_CATALOGUE, rng.randint(2, 6))
        if rng.random() < 0.5:
            lines.append(f"I | {rng.choice(PLATFORM_GROUPS)} |  |  |  |")
        for r, name in enumerate(platforms, 1):
            focal = rng.choice(FOCAL_UNITS).format(rng.randint(1, 9)) if rng.random() < 0.8 else ""
            ministry = rng.choice(FOCAL_UNITS).format(rng.randint(1, 9))
            firms = rng.sample(ENTERPRISES, rng.randint(1, 3))
            sep = "; " if rng.random() < 0.3 else ", "
            lines.append(f"{r} | {name} | {rng.choice(self.agencies)} | {focal} | {ministry} | {sep.join(firms)}")
        return lines + [""]

    def _path(self, m: Meta) -> str:
        slug = m.number.replace("/", "-").replace("Đ", "D")
        return f"{m.i // DOCS_PER_DIR:03d}/{m.i:06d}-{slug}-{m.date.year}.txt"

    def documents(self) -> Iterator[tuple[str, str]]:
        for i in range(self.n):
            yield self.document(i)


def write_corpus(out: Path, n: int, seed: int) -> dict:
    """Write n synthetic documents under out/txt; return (and write) the manifest."""
    t0 = time.perf_counter()
    gen = Generator(n, seed)
    txt = out / "txt"
    size = 0
    for rel, text in gen.documents():
        f = txt / rel
        f.parent.mkdir(parents=True, exist_ok=True)
        data = text.encode("utf-8")
        size += len(data)
        f.write_bytes(data)
    cited = Counter(gen.attach)
    manifest = {"n": n, "seed": seed, "bytes": size, "seconds": round(time.perf_counter() - t0, 2),
                "laws": len(gen.laws), "platform_tables": gen.platform_docs,
                "top_cited_docs": sorted(cited.values(), reverse=True)[:5], "synthetic_mark": SYNTH_MARK}
    (out / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
    return manifest


def text_files(out: Path) -> list[Path]:
    """The corpus files, in generation (date) order."""
    return sorted((out / "txt").glob("*/*.txt"))


def rdf_files(out: Path) -> list[Path]:
    """The RDF `write_rdf` made: the document parts, then the gazetteer."""
    return sorted((out / "rdf").glob("part-*.nq")) + [out / "rdf" / "gazetteer.nq"]


def _rdf_chunk(args: tuple[list[str], str]) -> tuple[int, int, list[str], list[str]]:
    """Worker: parse a chunk of files and write one N-Quads file; (docs, quads, tsv lines, errors)."""
    import pyoxigraph

    from ingest.pipeline import parse_text
    from ingest.to_rdf import document_quads

    files, target = args
    quads: list = []
    rows, errors = [], []
    docs = 0
    for f in files:
        text = Path(f).read_text(encoding="utf-8")
        try:
            doc = parse_text(text, f)
            qs = document_quads(doc)
        except Exception as exc:  # reported, never fatal: a generator bug must not stop the bench
            errors.append(f"{f}: {type(exc).__name__}: {exc}")
            continue
        quads += qs
        docs += 1
        rows.append(f"{doc.doc_id}\t{doc.number or ''}\t{len(doc.legal_bases)}\t{len(text.encode())}\t{doc.title or ''}")
    tmp = Path(target + ".tmp")
    tmp.write_bytes(pyoxigraph.serialize(quads, format=pyoxigraph.RdfFormat.N_QUADS))
    tmp.replace(target)
    return docs, len(quads), rows, errors


def write_rdf(out: Path, workers: int | None = None) -> dict:
    """Parse the corpus with the real ingest code (all cores) and write out/rdf/*.nq and out/docs.tsv."""
    from multiprocessing import get_context

    import pyoxigraph

    from ingest.to_rdf import gazetteer_quads

    t0 = time.perf_counter()
    files = [str(f) for f in text_files(out)]
    rdf = out / "rdf"
    rdf.mkdir(parents=True, exist_ok=True)
    jobs = [(files[k:k + DOCS_PER_NQ], str(rdf / f"part-{k // DOCS_PER_NQ:04d}.nq"))
            for k in range(0, len(files), DOCS_PER_NQ)]
    workers = workers or os.cpu_count() or 1
    docs = quads = 0
    rows: list[str] = []
    errors: list[str] = []
    with get_context("fork").Pool(workers) as pool:
        for d, q, r, e in pool.imap(_rdf_chunk, jobs):
            docs, quads = docs + d, quads + q
            rows += r
            errors += e
    gaz = list(gazetteer_quads())
    (rdf / "gazetteer.nq").write_bytes(pyoxigraph.serialize(gaz, format=pyoxigraph.RdfFormat.N_QUADS))
    (out / "docs.tsv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    info = {"docs": docs, "quads": quads + len(gaz), "files": len(jobs) + 1, "errors": len(errors),
            "first_errors": errors[:5], "seconds": round(time.perf_counter() - t0, 2), "workers": workers}
    (out / "rdf.json").write_text(json.dumps(info, ensure_ascii=False, indent=1), encoding="utf-8")
    return info


def ensure(out: Path, n: int, seed: int = 7, rdf: bool = True) -> dict:
    """Generate (and convert) once; later calls reuse what is on disk if n and seed match."""
    mf = out / "manifest.json"
    info = json.loads(mf.read_text()) if mf.exists() else {}
    if (info.get("n"), info.get("seed")) != (n, seed):
        shutil.rmtree(out, ignore_errors=True)
        out.mkdir(parents=True)
        info = write_corpus(out, n, seed)
    if rdf:
        if not (out / "rdf.json").exists():
            write_rdf(out)
        info["rdf"] = json.loads((out / "rdf.json").read_text())
    return info


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--n", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--rdf", action="store_true", help="also write the RDF (real ingest code, all cores)")
    ap.add_argument("--workers", type=int, default=None)
    a = ap.parse_args(argv)
    a.out.mkdir(parents=True, exist_ok=True)
    m = write_corpus(a.out, a.n, a.seed)
    print(f"wrote {m['n']} documents, {m['bytes'] / 1e6:.1f} MB in {m['seconds']} s -> {a.out}/txt")
    if a.rdf:
        r = write_rdf(a.out, a.workers)
        print(f"RDF: {r['docs']} documents, {r['quads']} quads, {r['errors']} errors in {r['seconds']} s -> {a.out}/rdf")
    return 0


if __name__ == "__main__":
    sys.exit(main())
