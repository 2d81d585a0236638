"""The byline and date a reader sees with the article, read from the page's markup.

Publisher-level metadata (`<meta name="author">`, JSON-LD) often names the publisher or the
last update; what the page prints above or below the headline is what a reader cites. We walk the
page in document order, skipping the parts that show other articles (teasers, related links,
comments, footers, figure credits), and take the first byline and the first date found after
the headline (or before it, if none follows).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from lxml.html import HtmlElement

from site_builder.ingest.dates import find_date
from site_builder.ingest.names import person_names

class _Caseless:
    """A lowercase pattern searched in any case, as `re.IGNORECASE` would.

    Python's `re` searches several times slower with IGNORECASE, and every element's marks are
    searched: ASCII text (nearly all class names) is lowered and searched case-sensitively,
    which matches exactly the same; other text is searched with IGNORECASE.
    """

    def __init__(self, pattern: str):
        self.pattern = pattern
        self._lowered = re.compile(pattern)
        self._any_case = re.compile(pattern, re.IGNORECASE)

    def search(self, text: str) -> re.Match[str] | None:
        return self._lowered.search(text.lower()) if text.isascii() else self._any_case.search(text)

    def match(self, text: str) -> re.Match[str] | None:
        return self._lowered.match(text.lower()) if text.isascii() else self._any_case.match(text)


_SKIPPED_TAGS = {"script", "style", "noscript", "footer", "aside", "nav", "figure", "figcaption", "form", "template",
                 "select", "button", "svg"}
_OTHER_CONTENT = _Caseless(
    r"comment|related|teaser|recommend|promo|footer|popular|most-?read|newsletter|\bnav(?![a-z])|menu|"
    r"breadcrumb|popup|summary-item|latest|trending|widget|advert|cookie|caption|credit|more-")
_BYLINE_MARK = _Caseless(r"byline|author|contributor|autor|creator")
_DATE_MARK = _Caseless(r"date|publish|posted|timestamp")
_MARKED = _Caseless(f"{_BYLINE_MARK.pattern}|{_DATE_MARK.pattern}")
_LABEL_LENGTH = 32  # longer than any label and the character after it
_LABELLED = _Caseless(r"^(?:by|von|par|por|door|authors?|autor(?:in|en|i)?|auteurs?|автор[ыа]?)\b"
                       r"|^(?:date|datum|published|veröffentlicht|publié|publicado|опубликовано)\b")
_UPDATED = re.compile(r"updated|aktualisiert|last modified|geändert|\bstand\b|mis à jour|actualizado|обновлено",
                      re.IGNORECASE)
_LABEL_TAGS = {"p", "li", "span", "div", "em", "strong", "dd", "small", "b", "i"}
_AUTHOR_PAGE = re.compile(r"/(?:authors?|profiles?|autor(?:en)?|people|contributors?|redaktion|staff|journalists?)/|\bauthor\b",
                          re.IGNORECASE)
MAX_BYLINE = 160
MAX_DATE = 80


@dataclass(frozen=True)
class Shown:
    """What the page shows with the article; empty when it shows nothing we can read for sure."""

    authors: tuple[str, ...] = ()
    date: date | None = None
    others: tuple[HtmlElement, ...] = ()  # the parts showing other articles (teasers, comments, credits)

    @property
    def elsewhere(self) -> str:
        """The words of `others`, joined only when asked: most pages never need them."""
        return " ".join(_text(element) for element in self.others)


def shown_in_page(tree: HtmlElement, day_first: bool | None, site_names: set[str]) -> Shown:
    """The first byline and date after the page's headline (before it when none follows).

    A labelled byline ("By …", "Von …", "Author: …") is preferred to a merely marked one (an
    element whose class says `author`), which is as often an author box or a teaser's.
    """
    bylines: list[list[list[str]]] = [[], []]  # [before h1, after h1]: labelled ones first, then marked
    dates: list[date | None] = [None, None]
    after_headline = False
    elsewhere: list[HtmlElement] = []
    body = tree.find("body")
    stack = list(reversed(body if body is not None else tree))
    while stack:
        element = stack.pop()
        if not isinstance(element.tag, str):
            continue
        marks = _marks(element)
        if _elsewhere(element, marks):
            elsewhere.append(element)
            continue
        if element.tag == "h1" and any(piece.split() for piece in element.itertext()):
            after_headline = True
        slot = int(after_headline)
        text = _short_text(element, MAX_BYLINE) if _may_show(element, marks) else None
        if text:  # most elements: neither a byline nor a date can be read from them
            names = _byline(element, marks, text, site_names)
            if names:
                names.element = element
                bylines[slot].append(names)
            dates[slot] = dates[slot] or _date(element, marks, text, day_first)
        stack.extend(reversed(element))
    labelled = [names for names in bylines[1] + bylines[0] if names.labelled]
    authors = (labelled or bylines[1] or bylines[0] or [_Names()])[0]
    for inner in labelled[1:]:  # "Von A und B - Aktualisiert am …" reads best in its own <li>
        if authors.element in inner.element.iterancestors():
            authors = inner
    return Shown(tuple(authors), dates[1] or dates[0], tuple(elsewhere))


def _elsewhere(element: HtmlElement, marks: str) -> bool:
    """Parts of the page that show something other than this article (an <aside> holding the h1 is not)."""
    if element.tag in _SKIPPED_TAGS:
        return element.tag not in ("aside", "footer") or not element.xpath(".//h1")
    return bool(marks and _OTHER_CONTENT.search(marks)) and not element.xpath(".//h1")


def _marks(element: HtmlElement) -> str:
    return " ".join(filter(None, (element.get("class"), element.get("id"), element.get("itemprop"), element.get("rel"))))


def _text(element: HtmlElement) -> str:
    """The element's words, with a space between elements (`By<span>Name</span>` is two words)."""
    return " ".join(" ".join(element.itertext()).split())


def _short_text(element: HtmlElement, limit: int) -> str | None:
    """`_text(element)` when it is at most `limit` characters long, else None.

    Stops reading at the limit: a byline or a date is short, and joining all the words under
    every element of the page (the article's container, then each of its paragraphs…) made
    this walk cost as much as trafilatura's whole extraction.
    """
    parts: list[str] = []
    length = -1
    for piece in element.itertext():
        words = " ".join(piece.split())
        if words:
            length += len(words) + 1
            if length > limit:
                return None
            parts.append(words)
    return " ".join(parts)


def _may_show(element: HtmlElement, marks: str) -> bool:
    """Whether the element could hold a byline or a date: marked as one, or a label's tag starting with one.

    Most elements are neither, and this reads only their first words.
    """
    if element.tag == "time" or (marks and _MARKED.search(marks)):
        return True
    return element.tag in _LABEL_TAGS and _starts_with_label(element)


def _starts_with_label(element: HtmlElement) -> bool:
    """Whether the element's words start with a label ("By", "Von", "Published"…).

    A label is one short word, and `_text` puts a space after each piece of text, so the
    start of the first piece with words decides.
    """
    first = element.text if element.text and not element.text.isspace() else next(
        (piece for piece in element.itertext() if piece.strip()), "")
    return bool(_LABELLED.match(first.lstrip()[:_LABEL_LENGTH]))


class _Names(list):
    """Names found in one byline, remembering whether the byline was labelled ("By …")."""

    labelled = False
    element: HtmlElement | None = None


def _byline(element: HtmlElement, marks: str, text: str | None, site_names: set[str]) -> list[str]:
    """`text`: the element's words, None when they are too long for a byline (or not wanted)."""
    marked = bool(marks) and _BYLINE_MARK.search(marks)
    labelled = bool(text and _LABELLED.match(text)) and (marked or element.tag in _LABEL_TAGS)
    if not text or not (marked or labelled):
        return []
    names = person_names(text, site_names)
    if not names and marked:  # "Richard Adams Education editor": the name is the link to the author's page
        names = [name for link in element.iter("a") if _AUTHOR_PAGE.search(link.get("href", "") + " " + link.get("rel", ""))
                 for name in person_names(_text(link), site_names)]
    found = _Names(dict.fromkeys(names))
    found.labelled = bool(labelled)
    return found


def _date(element: HtmlElement, marks: str, text: str | None, day_first: bool | None) -> date | None:
    if not text or len(text) > MAX_DATE:
        return None
    marked = element.tag == "time" or (marks and _DATE_MARK.search(marks))
    if (marked or (element.tag in _LABEL_TAGS and _LABELLED.match(text))) and not _UPDATED.search(text):
        return find_date(text, day_first)
    return None


def day_first(language: str) -> bool | None:
    """Whether `01/02/2020` is 1 February on a page in `language`: US English no, unknown English unsure."""
    language = language.casefold()
    if language in ("en-us", "en-ca", "en-ph") or not language:
        return False if language else None
    return None if language == "en" else True
