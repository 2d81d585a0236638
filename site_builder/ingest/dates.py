"""Dates as news pages print them: `October 09, 2015`, `Oct. 9, 2015`, `9 October 2015`, `2015-10-09`,
`19.01.2020`, `19. Januar 2020`, `19 janvier 2020`, `19 de enero de 2020`, `19 января 2020`.

A small strict grammar rather than a general date parser: a general parser reads "vor 8 Stunden"
or "4 Min Read" as a date, and an importer that must never guess cannot afford that.
"""

from __future__ import annotations

import re
from datetime import date

MONTHS = {name: number for number, names in enumerate([
    ("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"), ("may",), ("june", "jun"),
    ("july", "jul"), ("august", "aug"), ("september", "sep", "sept"), ("october", "oct"),
    ("november", "nov"), ("december", "dec"),
], start=1) for name in names}
# The same months in German, French, Spanish and Russian (genitive and nominative), full and short.
MONTHS |= {name: number for number, names in enumerate([
    ("januar", "jänner", "janvier", "janv", "enero", "ene", "января", "январь", "янв"),
    ("februar", "februar", "février", "fevrier", "févr", "fevr", "febrero", "февраля", "февраль", "фев"),
    ("märz", "maerz", "mär", "mars", "marzo", "марта", "март", "мар"),
    ("avril", "avr", "abril", "abr", "апреля", "апрель", "апр"),
    ("mai", "mayo", "мая", "май"),
    ("juni", "juin", "junio", "июня", "июнь", "июн"),
    ("juli", "juillet", "juil", "julio", "июля", "июль", "июл"),
    ("août", "aout", "agosto", "ago", "августа", "август", "авг"),
    ("septembre", "septiembre", "setiembre", "сентября", "сентябрь", "сен", "сент"),
    ("oktober", "okt", "octobre", "octubre", "октября", "октябрь", "окт"),
    ("novembre", "noviembre", "ноября", "ноябрь", "ноя"),
    ("dezember", "dez", "décembre", "decembre", "déc", "diciembre", "dic", "декабря", "декабрь", "дек"),
], start=1) for name in names}

_NAME = r"(?P<{}>[^\W\d_]{{3,10}})\.?"
_FOUND = [  # searched in this order; the first that reads a real date wins
    re.compile(r"(?<!\d)(?P<year>\d{4})-(?P<month>\d{2})-(?P<day>\d{2})(?!\d)"),
    re.compile(r"(?<![\d.])(?P<day>\d{1,2})\.\s?(?P<month>\d{1,2})\.\s?(?P<year>\d{4})(?!\d)"),
    re.compile(r"(?<![\d/])(?P<first>\d{1,2})/(?P<second>\d{1,2})/(?P<year>\d{4})(?!\d)"),
    re.compile(r"(?<!\d)(?P<day>\d{1,2})(?:\.|er|st|nd|rd|th)?\s+(?:de\s+)?" + _NAME.format("name")
               + r",?\s+(?:de\s+)?(?P<year>\d{4})(?!\d)", re.IGNORECASE),
    re.compile(_NAME.format("name") + r"\s+(?P<day>\d{1,2})(?:st|nd|rd|th)?,?\s+(?P<year>\d{4})(?!\d)", re.IGNORECASE),
]

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


def find_date(text: str, day_first: bool | None = None) -> date | None:
    """The first date written anywhere in `text`, or None.

    `19/01/2020` is read only when it can mean one date: a part above 12 says which is the day,
    else `day_first` (from the page's language: True for en-GB or de, False for en-US, None when
    unknown) decides, and None leaves it unread.
    """
    for pattern in _FOUND:
        for match in pattern.finditer(text):
            found = _read(match.groupdict(), day_first)
            if found:
                return found
    return None


def _read(parts: dict[str, str | None], day_first: bool | None) -> date | None:
    if parts.get("first"):
        first, second = int(parts["first"]), int(parts["second"])
        if first > 12 or second > 12:
            day_first = first > 12
        if day_first is None:
            return None
        parts = {"day": str(first if day_first else second), "month": str(second if day_first else first),
                 "year": parts["year"]}
    month = MONTHS.get(parts["name"].casefold()) if parts.get("name") else int(parts["month"])
    try:
        return date(int(parts["year"]), month, int(parts["day"])) if month else None
    except ValueError:
        return None
