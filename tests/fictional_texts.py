"""Plainly fictional documents for tests: one header, as a decision of Bộ Thử nghiệm prints it, with the number,
date, type line, title, Căn cứ lines and body each test needs."""

from __future__ import annotations

NOTICE = "VĂN BẢN GIẢ LẬP — KHÔNG CÓ THẬT"
ARTICLE = "Điều 1. Văn bản giả lập, mọi nội dung là hư cấu, chỉ dùng để kiểm thử.\n"


def fictional_text(number: str, date: str, title: str, bases: list[str], body: str, kind: str = "QUYẾT ĐỊNH",
                   issuer: str = "Bộ Thử nghiệm") -> str:
    """`date` as printed after the place ("ngày 02 tháng 03 năm 2099"); each basis becomes a "Căn cứ …;" line;
    `body` follows them as written (usually "QUYẾT ĐỊNH:" and the articles)."""
    head = (f"{NOTICE}\n\n{issuer.upper()}\n-------\n\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\n"
            f"---------------\n\nSố: {number}\n\nHà Nội, {date}\n\n{kind}\n\n{title}\n\nBỘ TRƯỞNG {issuer.upper()}\n\n")
    return head + "".join(f"Căn cứ {b};\n\n" for b in bases) + body
