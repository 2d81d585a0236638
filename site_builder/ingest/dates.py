"""Dates as news pages print them: `October 09, 2015`, `Oct. 9, 2015`, `9 October 2015`, `2015-10-09`."""

from __future__ import annotations

import re
from datetime import date

MONTHS = {name: number for number, names in enumerate([
    ("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"), ("may",), ("june", "jun"),
    ("july", "jul"), ("august", "aug"), ("september", "sep", "sept"), ("october", "oct"),
    ("november", "nov"), ("december", "dec"),
], start=1) for name in names}

_MONTH = r"(?P<month>[A-Za-z]{3,9})\.?"
DATE_PATTERN = (
    rf"(?:{_MONTH}\s+(?P<day>\d{{1,2}}),?\s+(?P<year>\d{{4}})"
    rf"|(?P<day2>\d{{1,2}})\s+(?P<month2>[A-Za-z]{{3,9}})\.?,?\s+(?P<year2>\d{{4}})"
    rf"|(?P<iso>\d{{4}}-\d{{2}}-\d{{2}}))"
)
_DATE_RE = re.compile(DATE_PATTERN)


def parse_date(text: str) -> date | None:
    """The date written in `text` (the whole string), or None if it is not one date."""
    match = _DATE_RE.fullmatch(text.strip())
    return _from_match(match) if match else None


def _from_match(match: re.Match) -> date | None:
    if match.group("iso"):
        try:
            return date.fromisoformat(match.group("iso"))
        except ValueError:
            return None
    month_name = (match.group("month") or match.group("month2")).lower()
    day = int(match.group("day") or match.group("day2"))
    year = int(match.group("year") or match.group("year2"))
    month = MONTHS.get(month_name)
    if month is None:
        return None
    try:
        return date(year, month, day)
    except ValueError:
        return None
