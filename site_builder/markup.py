"""Markdown to safe HTML: one configured Python-Markdown, then an allow-list sanitiser.

Article text is scraped from the open web, so whatever HTML it carries must not run in a reader's
browser. Every fragment we render goes through nh3 (the Rust `ammonia` sanitiser) with an allow-list
that keeps what Markdown produces (headings with ids, footnotes, tables, highlighted code).
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from xml.etree import ElementTree

import markdown
import nh3
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor

ANNOTATIONS_HEADING = "Editor's annotations"

_EXTENSIONS = ["tables", "footnotes", "toc", "fenced_code", "codehilite", "sane_lists"]
_EXTENSION_CONFIGS = {
    "codehilite": {"css_class": "highlight", "guess_lang": False},
    "toc": {"toc_depth": "2-4"},
    "footnotes": {"BACKLINK_TITLE": "Back to the text"},
}

_ALLOWED_ATTRIBUTES = {
    "*": {"id", "class", "title", "lang", "dir"},
    "a": {"href", "hreflang"},
    "img": {"src", "alt", "width", "height"},
    "td": {"colspan", "rowspan", "align", "style"},
    "th": {"colspan", "rowspan", "align", "scope", "style"},
    "ol": {"start"},
    "blockquote": {"cite"},
    "q": {"cite"},
    "time": {"datetime"},
}
_ALLOWED_TAGS = set(nh3.ALLOWED_TAGS) - {"area", "map", "center", "acronym", "tt", "strike"} | {"section"}


@dataclass(frozen=True)
class TocEntry:
    level: int
    anchor: str
    text: str


@dataclass(frozen=True)
class Rendered:
    html: str
    toc: tuple[TocEntry, ...] = ()


class _LabelFootnotes(Treeprocessor):
    """Turn the footnotes block into a labelled "Editor's annotations" section.

    Footnotes in article text are the editor's inline annotations, so a reader must see that they
    are not the outlet's words. Runs after the footnotes and inline processors.
    """

    def run(self, root: ElementTree.Element) -> None:
        for block in root.iter("div"):
            if block.get("class") == "footnote":
                block.tag = "section"
                block.set("class", "footnote annotations")
                for rule in block.findall("hr"):
                    block.remove(rule)
                heading = ElementTree.Element("h2", {"class": "annotations-heading"})
                heading.text = ANNOTATIONS_HEADING
                block.insert(0, heading)


class _LabelFootnotesExtension(Extension):
    def extendMarkdown(self, md: markdown.Markdown) -> None:  # noqa: N802 (Markdown's API name)
        md.treeprocessors.register(_LabelFootnotes(md), "label_footnotes", 1)


class MarkdownRenderer:
    """Reusable Markdown converter (building one costs more than converting a short text)."""

    def __init__(self) -> None:
        self._md = markdown.Markdown(
            extensions=[*_EXTENSIONS, _LabelFootnotesExtension()],
            extension_configs=_EXTENSION_CONFIGS,
            output_format="html",
        )

    def render(self, text: str, *, footnote_prefix: str = "") -> Rendered:
        """Render a document; `footnote_prefix` keeps ids unique when several share a page."""
        self._md.reset()
        body = self._md.convert(text)
        if footnote_prefix:
            body = _prefix_footnote_ids(body, footnote_prefix)
        toc = tuple(_flatten_toc(getattr(self._md, "toc_tokens", [])))
        return Rendered(sanitize(body), toc)

    def render_inline(self, text: str) -> str:
        """Render a short snippet (a caveat, a stance note) without a wrapping paragraph."""
        body = self.render(text).html.strip()
        match = re.fullmatch(r"<p>(.*)</p>", body, flags=re.DOTALL)
        return match.group(1) if match and "<p>" not in match.group(1) else body


def sanitize(fragment: str) -> str:
    """Keep formatting, drop anything that could run script or restyle the page."""
    return nh3.clean(
        fragment,
        tags=_ALLOWED_TAGS,
        attributes=_ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        filter_style_properties={"text-align"},
        link_rel="noopener noreferrer nofollow",
    )


def _prefix_footnote_ids(body: str, prefix: str) -> str:
    return re.sub(r'(id="|href="#)(fn(?:ref)?:)', lambda m: f"{m.group(1)}{prefix}-{m.group(2)}", body)


def _flatten_toc(tokens: list[dict]) -> list[TocEntry]:
    entries = []
    for token in tokens:
        entries.append(TocEntry(token["level"], token["id"], html.unescape(token["name"])))
        entries.extend(_flatten_toc(token.get("children", [])))
    return entries
