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

_SKIPPED_TAGS = {"script", "style", "noscript", "footer", "aside", "nav", "figure", "figcaption", "form", "template",
                 "select", "button", "svg"}
_OTHER_CONTENT = re.compile(
    r"comment|related|teaser|recommend|promo|footer|popular|most-?read|newsletter|\bnav(?![a-z])|menu|"
    r"breadcrumb|popup|summary-item|latest|trending|widget|advert|cookie|caption|credit|more-", re.IGNORECASE)
_BYLINE_MARK = re.compile(r"byline|author|contributor|autor|creator", re.IGNORECASE)
_DATE_MARK = re.compile(r"date|publish|posted|timestamp", re.IGNORECASE)
_LABELLED = re.compile(r"^(?:by|von|par|por|door|authors?|autor(?:in|en|i)?|auteurs?|автор[ыа]?)\b"
                       r"|^(?:date|datum|published|veröffentlicht|publié|publicado|опубликовано)\b", re.IGNORECASE)
_UPDATED = re.compile(r"updated|aktualisiert|last modified|geändert|\bstand\b|mis à jour|actualizado|обновлено",
                      re.IGNORECASE)
_LABEL_TAGS = {"p", "li", "span", "div", "em", "strong", "dd", "small", "b", "i"}
_AUTHOR_PAGE = re.compile(r"/(?:authors?|profiles?|autor(?:en)?|people|contributors?|redaktion|staff|journalists?)/|\bauthor\b",
                          re.IGNORECASE)
MAX_BYLINE = 160


@dataclass(frozen=True)
class Shown:
    """What the page shows with the article; empty when it shows nothing we can read for sure."""

    authors: tuple[str, ...] = ()
    date: date | None = None
    elsewhere: str = ""  # the words of the parts showing other articles (teasers, comments, credits)


def shown_in_page(tree: HtmlElement, day_first: bool | None, site_names: set[str]) -> Shown:
    """The first byline and date after the page's headline (before it when none follows).

    A labelled byline ("By …", "Von …", "Author: …") is preferred to a merely marked one (an
    element whose class says `author`), which is as often an author box or a teaser's.
    """
    bylines: list[list[list[str]]] = [[], []]  # [before h1, after h1]: labelled ones first, then marked
    dates: list[date | None] = [None, None]
    after_headline = False
    elsewhere: list[str] = []
    body = tree.find("body")
    stack = list(reversed(body if body is not None else tree))
    while stack:
        element = stack.pop()
        if not isinstance(element.tag, str):
            continue
        if _elsewhere(element):
            elsewhere.append(_text(element))
            continue
        if element.tag == "h1" and _text(element):
            after_headline = True
        slot = int(after_headline)
        names = _byline(element, site_names)
        if names:
            names.element = element
            bylines[slot].append(names)
        dates[slot] = dates[slot] or _date(element, day_first)
        stack.extend(reversed(element))
    labelled = [names for names in bylines[1] + bylines[0] if names.labelled]
    authors = (labelled or bylines[1] or bylines[0] or [_Names()])[0]
    for inner in labelled[1:]:  # "Von A und B - Aktualisiert am …" reads best in its own <li>
        if authors.element in inner.element.iterancestors():
            authors = inner
    return Shown(tuple(authors), dates[1] or dates[0], " ".join(elsewhere))


def _elsewhere(element: HtmlElement) -> bool:
    """Parts of the page that show something other than this article (an <aside> holding the h1 is not)."""
    if element.tag in _SKIPPED_TAGS:
        return element.tag not in ("aside", "footer") or not element.xpath(".//h1")
    return bool(_OTHER_CONTENT.search(_marks(element))) and not element.xpath(".//h1")


def _marks(element: HtmlElement) -> str:
    return " ".join(filter(None, (element.get("class"), element.get("id"), element.get("itemprop"), element.get("rel"))))


def _text(element: HtmlElement) -> str:
    """The element's words, with a space between elements (`By<span>Name</span>` is two words)."""
    return " ".join(" ".join(element.itertext()).split())


class _Names(list):
    """Names found in one byline, remembering whether the byline was labelled ("By …")."""

    labelled = False
    element: HtmlElement | None = None


def _byline(element: HtmlElement, site_names: set[str]) -> list[str]:
    marked = _BYLINE_MARK.search(_marks(element))
    text = _text(element)
    labelled = bool(_LABELLED.match(text)) and (marked or element.tag in _LABEL_TAGS)
    if not text or len(text) > MAX_BYLINE or not (marked or labelled):
        return []
    names = person_names(text, site_names)
    if not names and marked:  # "Richard Adams Education editor": the name is the link to the author's page
        names = [name for link in element.iter("a") if _AUTHOR_PAGE.search(link.get("href", "") + " " + link.get("rel", ""))
                 for name in person_names(_text(link), site_names)]
    found = _Names(dict.fromkeys(names))
    found.labelled = bool(labelled)
    return found


def _date(element: HtmlElement, day_first: bool | None) -> date | None:
    marked = element.tag == "time" or _DATE_MARK.search(_marks(element))
    text = _text(element)
    if not text or len(text) > 80 or _UPDATED.search(text):
        return None
    if marked or (element.tag in _LABEL_TAGS and _LABELLED.match(text)):
        return find_date(text, day_first)
    return None


def day_first(language: str) -> bool | None:
    """Whether `01/02/2020` is 1 February on a page in `language`: US English no, unknown English unsure."""
    language = language.casefold()
    if language in ("en-us", "en-ca", "en-ph") or not language:
        return False if language else None
    return None if language == "en" else True
