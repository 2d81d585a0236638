"""Scraped plain text -> Extracted: find the byline, outlet and date; strip the page's debris.

Text copied from a news page carries the page around the article: server warnings, link stubs
left by the scraper (`[Name](#)`), navigation labels, share and comment prompts, related-story
lists, disclaimers, copyright lines and author bios. We read the text line by line with a small
state machine (header, body, related list, trailer), recognise each kind of line by its pattern,
and record every line we drop with its reason so the cleaning can be audited. A value the text
does not state is left empty: never guessed.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field

from site_builder.ingest.dates import DATE_PATTERN, parse_date
from site_builder.ingest.extracted import Extracted, RemovedLine

LINK_STUB = re.compile(r"\[([^\]]*)\]\(#\)")
_NAME = r"[A-Z][\w'’.-]*(?:\s+[A-Z][\w'’.-]*){0,3}"
NAME_LINE = re.compile(rf"^{_NAME}$")

SERVER_WARNING = re.compile(r"^(Warning|Notice|Deprecated|Fatal error|Parse error|Strict Standards):\s.*\b(on line|in /)")
TITLE_WITH_SITE = re.compile(r"^(?P<title>.+?)\s+\|\s+(?P<site>[^|]{2,60})$")
BY_NAME_OUTLET = re.compile(r"^by\s+(?P<names>[^,]{3,60}),\s+(?P<outlet>[^,:]{2,60}):?$", re.IGNORECASE)
BYLINE = re.compile(r"^By:?\s+(?P<names>.{3,120})$")
OUTLET_DATE = re.compile(rf"^(?P<outlet>[A-Z][^,]{{1,60}}),\s+(?P<date>{DATE_PATTERN})$")
LABEL_STUBS = re.compile(r"^[A-Z][\w -]{1,30}:\s*(\[[^\]]*\]\(#\)[,\s]*)+$")
WHOLE_LINE_STUB = re.compile(r"^\[[^\]]*\]\(#\)$")
PHOTO_CREDIT = re.compile(r"^\[(Featured )?(Photo|Image|Picture|Video)\b[^\]]*\]$", re.IGNORECASE)
SOURCE_URL_LINE = re.compile(r"^(Source|Original(ly)?( published)?( at)?|Read (more|the original) at):?\s*<?(?P<url>https?://\S+?)>?$",
                             re.IGNORECASE)
RELATED_HEADING = re.compile(r"^(RELATED( STORIES| ARTICLES| POSTS)?|Related( stories| articles| posts)?|Read more|"
                             r"You may also like|More from [\w ]+|Recommended):?$")
ORIGINAL_SOURCE = re.compile(r"^The original source of this article is\s+(?P<outlet>.+?)\.?$")
COPYRIGHT = re.compile(r"^(Copyright\s*)?©|^Copyright\b", re.IGNORECASE)
ARTICLES_BY = re.compile(r"^Articles by:\s*(?P<names>.+)$")
ABOUT_AUTHOR = re.compile(r"^About the author:?$", re.IGNORECASE)
DISCLAIMER = re.compile(r"^Disclaimer:", re.IGNORECASE)
COMMENT_FORM = re.compile(r"^(Leave a (Reply|Comment)|Post a comment|\d+ comments?)$", re.IGNORECASE)
PROMPT = re.compile(r"(Comment on .* Facebook page|^Become a (Member|Patron|Subscriber)\b|^Share (this|on)\b|"
                    r"^Click to (share|print|email)\b|^Subscribe (to|now)\b|^Follow us\b|"
                    r"^Your email address will not be published|^Donate\b|^Support (us|our work)\b)", re.IGNORECASE)
BIO_VERBS = r"(lives|is|was|has|had|writes|wrote|served|works|worked|can be reached|grew up|holds|teaches|covers)"
TERMINAL = ('.', '!', '?', '"', '”', '’', "'", ')', ':', ';')


@dataclass
class _Scan:
    """What the scan has found so far; mutable only inside this module."""

    title: str = ""
    authors: list[str] = field(default_factory=list)
    outlet: str = ""
    date: datetime.date | None = None
    source_url: str = ""
    bios: list[list[str]] = field(default_factory=list)
    removed: list[RemovedLine] = field(default_factory=list)
    body: list[tuple[int, str]] = field(default_factory=list)  # (line number, text); "" marks a blank line
    mode: str = "header"  # header -> body -> (related) -> trailer: bio | disclaimer | comments | footer

    def drop(self, number: int, text: str, reason: str) -> None:
        self.removed.append(RemovedLine(number, text, reason))


def extract_text(text: str, title: str = "") -> Extracted:
    """Extract an article from scraped plain text (or Markdown that came from a scrape).

    `title` is given when the source already named it (Markdown front matter); otherwise the
    first line of the text is the title.
    """
    scan = _Scan(title=title)
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            scan.body.append((number, ""))
            if scan.mode == "related":
                scan.mode = "body"
            continue
        _classify(scan, number, line)
    bio = max(scan.bios, key=lambda parts: len(" ".join(parts)), default=[])
    return Extracted(
        title=scan.title,
        authors=tuple(dict.fromkeys(scan.authors)),
        outlet=scan.outlet,
        date=scan.date,
        source_url=scan.source_url,
        author_bio="\n\n".join(LINK_STUB.sub(r"\1", part) for part in bio),
        text=_paragraphs(scan.body),
        removed=tuple(scan.removed),
    )


def _classify(scan: _Scan, number: int, line: str) -> None:
    """Decide what one non-blank line is; every branch either keeps, drops or records it."""
    if SERVER_WARNING.match(line):
        return scan.drop(number, line, "server warning")
    if not scan.title:
        return _take_title(scan, number, line)
    if line.casefold() == scan.title.casefold():
        return scan.drop(number, line, "title repeated")
    if scan.mode == "header" and _header_metadata(scan, number, line):
        return None
    if _page_debris(scan, number, line):
        return None
    if scan.mode in ("bio", "disclaimer", "comments", "footer"):
        return _trailer_line(scan, number, line)
    if _is_bio(scan, line):
        scan.bios.append([line])
        return scan.drop(number, line, "author bio (moved to author_bio)")
    scan.body.append((number, line))
    if scan.mode == "header" and len(line.split()) >= 12:
        scan.mode = "body"


def _take_title(scan: _Scan, number: int, line: str) -> None:
    match = TITLE_WITH_SITE.match(line)
    if match:
        scan.title = match.group("title").strip()
        scan.outlet = _site_name(match.group("site"))
        scan.drop(number, line, "title line with site name (title and outlet taken)")
    else:
        scan.title = line.lstrip("#").strip()


def _header_metadata(scan: _Scan, number: int, line: str) -> bool:
    """Byline, `by X, Outlet:`, `Outlet, Month DD, YYYY` and date lines above the text."""
    match = BY_NAME_OUTLET.match(LINK_STUB.sub(r"\1", line))
    if match and _names(match.group("names")):
        scan.authors += _names(match.group("names"))
        scan.outlet = scan.outlet or match.group("outlet").strip()
        scan.drop(number, line, "byline with outlet (author and outlet taken)")
        return True
    match = BYLINE.match(LINK_STUB.sub(r"\1", line))
    if match and _names(match.group("names")):
        scan.authors += _names(match.group("names"))
        scan.drop(number, line, "byline (author taken)")
        return True
    match = OUTLET_DATE.match(line)
    if match and len(match.group("outlet").split()) <= 6 and parse_date(match.group("date")):
        scan.outlet = scan.outlet or match.group("outlet").strip()
        scan.date = scan.date or parse_date(match.group("date"))
        scan.drop(number, line, "outlet and date line (taken)")
        return True
    if parse_date(line):
        scan.date = scan.date or parse_date(line)
        scan.drop(number, line, "date line (taken)")
        return True
    return False


def _page_debris(scan: _Scan, number: int, line: str) -> bool:
    """Lines that belong to the page around the article, wherever they appear."""
    reason = ""
    if match := ARTICLES_BY.match(line):
        scan.authors += _names(LINK_STUB.sub(r"\1", match.group("names")))
        scan.mode, reason = "footer", "author list (author taken)"
    elif LABEL_STUBS.match(line):
        reason = "navigation label with link stubs"
    elif PHOTO_CREDIT.match(line):
        reason = "photo credit"
    elif PROMPT.search(line):
        reason = "share/comment prompt"
    elif WHOLE_LINE_STUB.match(line):
        reason = "link stub"
    elif match := SOURCE_URL_LINE.match(line):
        scan.source_url = scan.source_url or match.group("url")
        reason = "source address line (source_url taken)"
    elif RELATED_HEADING.match(line):
        scan.mode, reason = "related", "related-story list"
    elif scan.mode == "related" and not line.endswith(TERMINAL) and len(line.split()) <= 20:
        reason = "related-story list"
    elif match := ORIGINAL_SOURCE.match(line):
        scan.outlet = scan.outlet or match.group("outlet").strip()
        scan.mode, reason = "footer", "source line (outlet taken)"
    elif COPYRIGHT.match(line):
        scan.mode, reason = "footer", "copyright line"
    elif ABOUT_AUTHOR.match(line):
        scan.bios.append([])
        scan.mode, reason = "bio", "author bio heading"
    elif DISCLAIMER.match(line):
        scan.mode, reason = "disclaimer", "site disclaimer"
    elif COMMENT_FORM.match(line):
        scan.mode, reason = "comments", "comment form"
    elif scan.mode == "related":
        scan.mode = "body"
    if reason:
        scan.drop(number, line, reason)
    return bool(reason)


def _trailer_line(scan: _Scan, number: int, line: str) -> None:
    """Below the article: author names, bios, disclaimers and comment forms."""
    if scan.mode == "comments":
        return scan.drop(number, line, "comment form")
    if NAME_LINE.match(line) and len(line.split()) <= 4 and (not scan.authors or line in scan.authors):
        scan.authors.append(line)
        return scan.drop(number, line, "author name (taken)")
    if scan.mode == "bio" or _is_bio(scan, line):
        if scan.mode != "bio" or not scan.bios:
            scan.bios.append([])
        scan.bios[-1].append(line)
        return scan.drop(number, line, "author bio (moved to author_bio)")
    return scan.drop(number, line, "site disclaimer" if scan.mode == "disclaimer" else "page footer")


def _is_bio(scan: _Scan, line: str) -> bool:
    """`Stephen Lendman lives in Chicago…`, `Craig has been writing…`: about the author, not the story."""
    names = {n for author in scan.authors for n in (author, author.split()[0])}
    return any(re.match(rf"^{re.escape(name)}\b[^.]{{0,30}}\b{BIO_VERBS}\b", line) for name in names)


def _names(text: str) -> list[str]:
    """`Stephen Lendman`, `A and B`, `A, B`; empty if the text is not a list of personal names."""
    parts = [p.strip() for p in re.split(r",|\band\b|&", text) if p.strip()]
    return parts if parts and all(NAME_LINE.match(p) and len(p.split()) <= 4 for p in parts) else []


def _site_name(site: str) -> str:
    """`U.S. PATRIOT NEWS & REVIEWS` -> `U.S. Patriot News & Reviews` (shouting is not the name)."""
    site = site.strip()
    if site.upper() != site:
        return site
    return " ".join(word if "." in word else word.capitalize() for word in site.split())


def _paragraphs(body: list[tuple[int, str]]) -> str:
    """Kept lines -> Markdown paragraphs: stubs unwrapped, broken sentences joined, headings marked."""
    blocks: list[str] = []
    blank_before = True
    for index, (_, line) in enumerate(body):
        if not line:
            blank_before = True
            continue
        line = LINK_STUB.sub(r"\1", line)
        blank_after = index + 1 >= len(body) or not body[index + 1][1]
        if blocks and not blocks[-1].endswith(TERMINAL) and line[:1].islower() and not blocks[-1].startswith("#"):
            blocks[-1] += " " + line  # a sentence the scrape broke across lines
        elif blocks and blank_before and blank_after and _looks_like_heading(line):
            blocks.append("## " + line)
        else:
            blocks.append(line)
        blank_before = False
    return "\n\n".join(blocks) + "\n" if blocks else ""


def _looks_like_heading(line: str) -> bool:
    words = line.split()
    return 1 <= len(words) <= 10 and not line.endswith(TERMINAL + (",",)) and line[:1].isupper()
