"""Vietnamese dates as written in legal text -> ISO strings."""

from __future__ import annotations

import re
from datetime import date

# "ngày 03 tháng 6 năm 2020", across PDF line breaks
LONG_DATE = re.compile(r"ngày\s+(\d{1,2})\s+tháng\s+(\d{1,2})\s+năm\s+(\d{4})", re.IGNORECASE)
# "ngày 07/3/2019", "03/06/2020"
SHORT_DATE = re.compile(r"(?<![\d/])(\d{1,2})/(\d{1,2})/(\d{4})(?![\d/])")


def iso(day: str | int, month: str | int, year: str | int) -> str | None:
    """ISO date, or None when the parts are not a real calendar date."""
    try:
        return date(int(year), int(month), int(day)).isoformat()
    except ValueError:
        return None


def parse_short(text: str) -> str | None:
    """'11/02/2022' (a metadata block value) -> '2022-02-11'."""
    m = SHORT_DATE.fullmatch(text.strip())
    return iso(m[1], m[2], m[3]) if m else None
