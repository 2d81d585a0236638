"""Markdown to safe HTML: one configured Python-Markdown, then an allow-list sanitiser.

Article text is scraped from the open web, so whatever HTML it carries must not run in a reader's
browser. Two layers keep it inert:

1. **Raw HTML in Markdown is text, never markup.** Python-Markdown normally passes a line starting
   with a tag through as a raw HTML block that runs until the tag is closed, so one unclosed
   `<style>`, `<textarea>`, `<div>` or `<body onload>` in a scraped page swallowed every paragraph
   after it (a sanitiser then drops that block, and the article with it). We switch raw HTML off:
   a tag in the text is shown as the characters the outlet published (`&lt;style&gt;`), and the
   text around it stays ordinary Markdown. Formatting is written in Markdown (emphasis, links,
   lists, tables, quotes, images); entities such as `&amp;` and `<https://…>` autolinks still work.
2. **Every rendered fragment goes through nh3** (the Rust `ammonia` sanitiser) with an allow-list
   that keeps what Markdown produces (headings with ids, footnotes, tables, highlighted code) and
   drops what Markdown syntax alone can still produce: `javascript:`/`data:` link and image URLs.
   No `style` attribute survives (the pages' Content-Security-Policy would block it anyway), so
   table alignment uses the `align` attribute.
"""

from __future__ import annotations

import copy
import datetime
import html
import re
from dataclasses import dataclass
from typing import Iterator, Mapping
from xml.etree import ElementTree

import markdown
import nh3
from markdown.extensions import Extension
from markdown.extensions.codehilite import CodeHiliteExtension
from markdown.extensions.fenced_code import FencedCodeExtension
from markdown.extensions.footnotes import FootnoteExtension
from markdown.extensions.sane_lists import SaneListExtension
from markdown.extensions.tables import TableExtension
from markdown.extensions.toc import TocExtension
from markdown.inlinepatterns import InlineProcessor
from markdown.treeprocessors import Treeprocessor

from site_builder import problem_codes as codes
from site_builder.errors import Problem
from site_builder.fields import printable
from site_builder.i18n import ENGLISH, Interface

FOOTNOTES_HEADING = "Footnotes"
WIKILINK_RE = re.compile(r"\[\[(?P<slug>[^\]|]+?)(?:\|(?P<label>[^\]]+))?\]\]")
# Footnotes as Python-Markdown's footnotes extension reads them: a note is a line starting (after
# up to 3 spaces) with `[^label]:`; any other `[^label]` is a mark, shown literally if no note has
# its label. A code span or fenced block holds neither.
FOOTNOTE_NOTE_RE = re.compile(r"^ {0,3}\[\^(?P<label>[^\]]+)\]:")
FOOTNOTE_MARK_RE = re.compile(r"\[\^(?P<label>[^\]]+)\]")
FENCE_RE = re.compile(r"^\s*(```|~~~)")
_CODE_SPAN_RE = re.compile(r"(`+).+?\1")


def _standard_extensions() -> list[Extension]:
    """Python-Markdown's own extensions, made here: named by a string, each one is first looked
    for among every installed package's entry points, a search every build that renders a page
    would pay for."""
    return [
        TableExtension(use_align_attribute=True),  # not style="text-align: …", which the CSP blocks
        FootnoteExtension(BACKLINK_TITLE="Back to the text"),
        TocExtension(toc_depth="2-4"),
        FencedCodeExtension(),
        CodeHiliteExtension(css_class="highlight", guess_lang=False),
        SaneListExtension(),
    ]


_ALLOWED_ATTRIBUTES = {
    "*": {"id", "class", "title", "lang", "dir"},
    "a": {"href", "hreflang", "data-preview"},
    "span": {"aria-hidden"},
    "img": {"src", "alt", "width", "height"},
    "td": {"colspan", "rowspan", "align"},
    "th": {"colspan", "rowspan", "align", "scope"},
    "ol": {"start"},
    "blockquote": {"cite"},
    "q": {"cite"},
    "time": {"datetime"},
}
_ALLOWED_TAGS = set(nh3.ALLOWED_TAGS) - {"area", "map", "center", "acronym", "tt", "strike"} | {"section"}


# One line of words and plain punctuation, starting with a letter: nothing in it is Markdown syntax
# (no list marker, heading, emphasis, link, code, HTML or entity), so Markdown would only wrap it in
# a paragraph, and the sanitiser would leave it alone. Skipping both for such snippets saves a
# Markdown run per stance note, caveat and claim note; tests/test_markup_fast_path.py checks the
# two agree on every snippet of a generated corpus.
_PLAIN_RE = re.compile(r"[^\W\d_](?:[^\W_]|[ ,.;:'?()%/$’‘“”—–-])*")


@dataclass(frozen=True)
class TocEntry:
    level: int
    anchor: str
    text: str


@dataclass(frozen=True)
class LinkTarget:
    """What a link to another piece shows: its title, and a preview (outlet, date, stance)."""

    title: str
    outlet: str
    date: datetime.date | None
    stance: str
    draft: bool = False

    def preview(self, words: Interface = ENGLISH) -> str:
        """`Outlet · 9 October 2015 · stance`, the date as the interface's locale writes it."""
        outlet, when = self.outlet or words.gettext("outlet unknown"), words.long_date(self.date)
        return " · ".join(part for part in (outlet, when, self.stance) if part)


def article_url(base_path: str, slug: str) -> str:
    return f"{base_path}articles/{slug}/"


def internal_link_attributes(base_path: str, slug: str, target: LinkTarget,
                             words: Interface = ENGLISH) -> dict[str, str]:
    """The attributes every link to another piece carries, so previews work wherever it appears."""
    return {"href": article_url(base_path, slug), "class": "internal-link", "title": target.title,
            "data-preview": target.preview(words)}


@dataclass(frozen=True)
class Footnotes:
    """The footnote marks and notes of one Markdown document, each as (label, line)."""

    marks: tuple[tuple[str, int], ...]
    notes: tuple[tuple[str, int], ...]


def footnotes_in(text: str, first_line: int = 1) -> Footnotes:
    """Every footnote mark and note in `text` (whose first line is `first_line` of its file).

    Found in the Markdown source rather than the HTML, so each can be reported with its line."""
    marks, notes = [], []
    if "[^" not in text:  # most texts: no line need be looked at
        return Footnotes((), ())
    for line, prose in prose_lines(text, first_line):
        note = FOOTNOTE_NOTE_RE.match(prose)
        if note:
            notes.append((note.group("label"), line))
            prose = prose[note.end():]
        marks += [(mark.group("label"), line) for mark in FOOTNOTE_MARK_RE.finditer(prose)]
    return Footnotes(tuple(marks), tuple(notes))


def footnote_problems(shown: str, part: Footnotes, other: Footnotes, where: str, elsewhere: str) -> list[Problem]:
    """In one part of the body (`where`): marks without a note, notes without a mark or given twice.
    A note or mark found in the other part (`elsewhere`) is named in the hint."""
    problems = []
    noted, marked = {label for label, _ in part.notes}, {label for label, _ in part.marks}
    other_notes, other_marks = dict(reversed(other.notes)), dict(reversed(other.marks))  # the first of each label
    for label, line in part.marks:
        if label not in noted:
            hint = (f"its note on line {other_notes[label]} is in {elsewhere}, which is shown apart: move it into {where}"
                    if label in other_notes else f"add a note `[^{label}]: ...` on its own line in {where}, "
                                                 "or remove the mark")
            problems.append(Problem(shown, line, f"footnote mark `[^{label}]` has no note in {where}: the page would "
                                                 f"show `[^{label}]` as typed", hint, code=codes.FOOTNOTE_WITHOUT_NOTE))
    seen: dict[str, int] = {}
    for label, line in part.notes:
        if label in seen:
            problems.append(Problem(shown, line, f"footnote note `[^{label}]:` is given twice in {where}: the page "
                                                 "would show only this one",
                                    f"the other is on line {seen[label]}; merge them, or give one another label",
                                    code=codes.FOOTNOTE_NOTE_TWICE))
        elif label not in marked:
            hint = (f"its mark on line {other_marks[label]} is in {elsewhere}, which is shown apart: move the note there"
                    if label in other_marks else f"put `[^{label}]` right after the words it is about, "
                                                 "or delete the note")
            problems.append(Problem(shown, line, f"footnote note `[^{label}]:` has no mark in {where}: it is attached "
                                                 "to no words", hint, severity="warning", code=codes.NOTE_WITHOUT_MARK))
        seen.setdefault(label, line)
    return problems


def prose_lines(text: str, first_line: int = 1) -> Iterator[tuple[int, str]]:
    """(line number, line with code spans blanked) for each line outside fenced code blocks."""
    in_fence = False
    for offset, line in enumerate(text.splitlines()):
        if FENCE_RE.match(line):
            in_fence = not in_fence
        elif not in_fence:
            yield first_line + offset, _CODE_SPAN_RE.sub(lambda span: " " * len(span.group(0)), line)


@dataclass(frozen=True)
class Rendered:
    html: str
    toc: tuple[TocEntry, ...] = ()


class _LabelFootnotes(Treeprocessor):
    """Turn the footnotes block into a labelled "Footnotes" section.

    The footnotes are those of the part they end: the outlet's own in its text, the editors' in
    their notes (the editors annotate the outlet's text with anchored annotations, never with
    footnote marks in it), so the label names no voice; the part's own heading does. Runs after
    the footnotes and inline processors.
    """

    def run(self, root: ElementTree.Element) -> None:
        for block in root.iter("div"):
            if block.get("class") == "footnote":
                block.tag = "section"
                block.set("class", "footnote annotations")
                for rule in block.findall("hr"):
                    block.remove(rule)
                heading = ElementTree.Element("h2", {"class": "annotations-heading"})
                heading.text = FOOTNOTES_HEADING
                block.insert(0, heading)


class _Sidenotes(Treeprocessor):
    """Copy each footnote next to its reference as a sidenote, for wide screens.

    The theme shows sidenotes in the margin when there is room and the footnote list otherwise
    (and in print), with CSS alone. The copy is hidden from assistive technology, which reads
    the footnote list instead.
    """

    def run(self, root: ElementTree.Element) -> None:
        notes = {item.get("id"): item for item in root.iter("li") if (item.get("id") or "").startswith("fn:")}
        for parent in list(root.iter()):
            for index, child in reversed(list(enumerate(parent))):
                ref_id = child.get("id") or ""
                if child.tag == "sup" and ref_id.startswith("fnref") and ":" in ref_id:
                    note = notes.get("fn:" + ref_id.split(":", 1)[1])
                    if note is not None:
                        self._insert(parent, index, child, note)

    def _insert(self, parent: ElementTree.Element, index: int, ref: ElementTree.Element, note: ElementTree.Element) -> None:
        sidenote = ElementTree.Element("span", {"class": "sidenote", "aria-hidden": "true"})
        number = ElementTree.SubElement(sidenote, "span", {"class": "sidenote-number"})
        number.text = "".join(ref.itertext())
        for paragraph in note.findall("p"):
            copied = copy.deepcopy(paragraph)
            copied.tag = "span"
            copied.set("class", "sidenote-text")
            for backref in copied.findall("a[@class='footnote-backref']"):
                copied.remove(backref)
            _strip_trailing_space(copied)
            sidenote.append(copied)
        sidenote.tail, ref.tail = ref.tail, None
        parent.insert(index + 1, sidenote)


def _strip_trailing_space(element: ElementTree.Element) -> None:
    """The footnotes extension puts a no-break space before its back-link; without the link it is debris."""
    last = element[-1] if len(element) else None
    if last is not None and last.tail:
        last.tail = last.tail.rstrip("\xa0 ")
    elif last is None and element.text:
        element.text = element.text.rstrip("\xa0 ")


class _WikiLinks(InlineProcessor):
    """`[[slug]]` and `[[slug|label]]` -> a link to that piece, labelled with its title by default."""

    def __init__(self, base_path: str, index: Mapping[str, LinkTarget], words: Interface):
        super().__init__(WIKILINK_RE.pattern)
        self.base_path, self.index, self.words = base_path, index, words

    def handleMatch(self, match: re.Match, data: str):  # noqa: N802 (Markdown's API name)
        slug, label = match.group("slug").strip(), (match.group("label") or "").strip()
        target = self.index.get(slug)
        if target is None:  # reported by the collection with the closest slug; shown as plain text
            element = ElementTree.Element("span", {"class": "broken-link"})
            element.text = label or slug
        else:
            element = ElementTree.Element("a", internal_link_attributes(self.base_path, slug, target, self.words))
            element.text = label or target.title
        return element, match.start(0), match.end(0)


class _SiteExtension(Extension):
    def __init__(self, base_path: str, index: Mapping[str, LinkTarget], words: Interface):
        super().__init__()
        self.base_path, self.index, self.words = base_path, index, words

    def extendMarkdown(self, md: markdown.Markdown) -> None:  # noqa: N802 (Markdown's API name)
        md.preprocessors.deregister("html_block")  # raw HTML is text: see the module docstring
        md.inlinePatterns.deregister("html")
        md.inlinePatterns.register(_WikiLinks(self.base_path, self.index, self.words), "wikilink", 175)
        md.treeprocessors.register(_Sidenotes(md), "sidenotes", 2)
        md.treeprocessors.register(_LabelFootnotes(md), "label_footnotes", 1)


# Python-Markdown tries every inline pattern on every run of text; most cannot match a text that
# lacks their telltale characters (tabs become spaces first, hence the tab for line breaks). A
# document is converted without the patterns it cannot use: an eighth less time for a typical one.
_INLINE_PATTERN_NEEDS = {
    "backtick": ("`",), "escape": ("\\",), "footnote": ("[^",), "wikilink": ("[[",),
    "reference": ("[",), "link": ("[",), "short_reference": ("[",),
    "image_link": ("![",), "image_reference": ("![",), "short_image_ref": ("![",),
    "autolink": ("<",), "automail": ("<",), "linebreak": ("  \n", "\t"), "entity": ("&",), "em_strong": ("*", "_"),
}


class MarkdownRenderer:
    """Reusable Markdown converters (building one costs more than converting a short text).

    `index` maps every article slug to what a link to it shows, for `[[wikilinks]]`; `words`, the
    interface whose language their previews and the annotations' labels are in.
    One converter is kept per set of inline patterns a document can use (see _INLINE_PATTERN_NEEDS).
    """

    def __init__(self, base_path: str = "/", index: Mapping[str, LinkTarget] | None = None,
                 words: Interface = ENGLISH) -> None:
        self._base_path, self._index, self.words = base_path, index or {}, words
        self._converters: dict[frozenset[str], markdown.Markdown] = {}
        self._md: markdown.Markdown | None = None  # the converter of the last document rendered

    def _converter(self, unusable: frozenset[str]) -> markdown.Markdown:
        converter = self._converters.get(unusable)
        if converter is None:
            converter = markdown.Markdown(
                extensions=[*_standard_extensions(), _SiteExtension(self._base_path, self._index, self.words)],
                output_format="html",
            )
            for name in unusable:
                converter.inlinePatterns.deregister(name)
            self._converters[unusable] = converter
        return converter

    def render(self, text: str, *, footnote_prefix: str = "") -> Rendered:
        """Render a document; `footnote_prefix` keeps ids unique when several share a page."""
        plain = text.strip()
        if _PLAIN_RE.fullmatch(plain) and "  " not in plain:  # most stance notes, caveats, claim notes
            return Rendered(f"<p>{plain}</p>")
        text = printable(text)
        self._md = self._converter(frozenset(name for name, needs in _INLINE_PATTERN_NEEDS.items()
                                             if not any(need in text for need in needs)))
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


def plain_paragraph(rendered: str) -> str | None:
    """The words of `rendered` when it is one paragraph of plain words, as `render` makes of a
    plain snippet (`<p>words</p>`: no markup, no character reference); else None. Who takes
    a note apart can then skip parsing it as HTML."""
    if rendered.startswith("<p>") and rendered.endswith("</p>"):
        words = rendered[3:-4]
        if _PLAIN_RE.fullmatch(words) and "  " not in words:
            return words
    return None


def sanitize(fragment: str) -> str:
    """Keep formatting, drop anything that could run script or restyle the page.

    nh3 decodes character references, so `&#14;` comes out as a raw control character: those go too.
    """
    return printable(nh3.clean(
        fragment,
        tags=_ALLOWED_TAGS,
        attributes=_ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    ))


def _prefix_footnote_ids(body: str, prefix: str) -> str:
    return re.sub(r'(id="|href="#)(fn(?:ref)?:)', lambda m: f"{m.group(1)}{prefix}-{m.group(2)}", body)


def _flatten_toc(tokens: list[dict]) -> list[TocEntry]:
    entries = []
    for token in tokens:
        entries.append(TocEntry(token["level"], token["id"], html.unescape(token["name"])))
        entries.extend(_flatten_toc(token.get("children", [])))
    return entries
