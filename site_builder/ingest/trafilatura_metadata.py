"""trafilatura's reading of a saved page's metadata: the five fields html.py uses, from the tree it parsed.

`trafilatura.extract_metadata` does the same steps, plus three html.py never reads (categories,
tags, licence: each a search of the whole page), and always runs the two expensive ones: its
author search (on a copy of the page) and htmldate's date search. html.py needs trafilatura's
author only when the page shows no byline and states no author, and its date only when no
ISO date is stated in JSON-LD or <meta>, so those two are read on first use. The steps are
trafilatura's own functions called in its order; tests/test_import_html.py checks that every
field equals `extract_metadata`'s on every real page, so an upgrade that changes the steps
fails there.
"""

from __future__ import annotations

from functools import cached_property
from typing import Any

import htmldate
from lxml.html import HtmlElement
from trafilatura import metadata as steps
from trafilatura.settings import Document


class TrafilaturaMetadata:
    """title, url and sitename as read at once; author and date (ISO) read when first asked."""

    def __init__(self, tree: HtmlElement, date_params: dict[str, Any]):
        self._tree = tree
        self._date_params = date_params
        document = steps.examine_meta(tree)
        if document.author and " " not in document.author:
            document.author = None
        try:
            document = steps.extract_meta_json(tree, document)
        except Exception:  # trafilatura's JSON-LD reader has bugs; extract_metadata ignores them too
            pass
        self._stated_author: str | None = document.author
        self._url: str | None = document.url or steps.extract_url(tree, None)  # htmldate is given it untrimmed
        self.title = _trimmed(document.title or steps.extract_title(tree))
        self.url = _trimmed(self._url)
        self.sitename: str = _trimmed(_sitename(document.sitename or steps.extract_sitename(tree), self._url)) or ""

    @cached_property
    def author(self) -> str | None:
        return _trimmed(self._stated_author or steps.extract_author(self._tree))

    @cached_property
    def date(self) -> str | None:
        return _trimmed(htmldate.find_date(self._tree, **{**self._date_params, "url": self._url}))


def _sitename(sitename: str | None, url: str | None) -> str | None:
    """As extract_metadata tidies it: no leading `@`, capitalised, else the URL's host."""
    if sitename:
        sitename = sitename.lstrip("@")
        if sitename and "." not in sitename and not sitename[0].isupper():
            sitename = sitename.title()
        return sitename
    match = steps.META_URL.match(url) if url else None
    return match[1] if match else None


def _trimmed(value: str | None) -> str | None:
    """As extract_metadata leaves every field: entities decoded, spaces trimmed, length capped, "" as None."""
    document = Document()
    document.title = value
    document.clean_and_trim()
    return document.title
