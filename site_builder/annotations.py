"""Annotations: the editors' notes on quoted passages of a piece, kept beside its text, never in it.

An article's front matter lists its annotations (`annotations:`); each quotes its passage, with
optional words before and after it and a position hint, as Hypothesis and the W3C Web
Annotation model's TextQuoteSelector do. The passage is found in the plain text of the outlet's
text as rendered (`plain_text`: what a reader sees and Hypothesis quotes) by
`site_builder.anchoring`, exactly or, after the text changed, approximately; what cannot be
placed with confidence is a `check` error at the annotation's line, never a guess.

`highlight` then marks each placed passage in the text's HTML with `<mark>` and puts its note
right after the passage, so the note follows its words in reading order (screen readers read it
there, and narrow screens and print show it there) while the theme floats it into the margin
on wide screens; no script is involved.
"""

from __future__ import annotations

import hashlib
import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Iterator, Mapping, Sequence

from lxml import etree
from lxml import html as lxml_html
from slugify import slugify

from site_builder import problem_codes as codes
from site_builder.anchoring import Anchor, TextQuote, Unanchored, anchor
from site_builder.errors import Problem
from site_builder.i18n import ENGLISH, Interface
from site_builder.markup import MarkdownRenderer, plain_paragraph
from site_builder.yamlsource import SourceMapping

# The W3C motivation of each kind site.yml may declare; any other kind is a comment.
MOTIVATIONS = {"comment": "commenting", "context": "describing", "correction": "editing", "question": "questioning"}
NOTE_ID_PREFIX = "annotation-"  # the note's element id on the page: annotation-<id>
# Text in the rendered text that is not the outlet's words, or repeats them: sidenote copies of
# footnotes, the footnote list's heading and back-links, and the annotations' own notes and marks.
_NOT_THE_TEXT = frozenset({"sidenote", "annotations-heading", "footnote-backref", "annotation-note", "annotation-ref"})
_INLINE = frozenset({"a", "abbr", "b", "bdi", "bdo", "cite", "code", "data", "del", "dfn", "em", "i", "ins", "kbd",
                     "mark", "q", "s", "samp", "small", "span", "strong", "sub", "sup", "time", "u", "var"})
# Where a run of whitespace is part of a line of text (elsewhere it only separates blocks).
_PHRASING_PARENTS = _INLINE | {"p", "h1", "h2", "h3", "h4", "h5", "h6", "pre", "td", "th", "dt", "dd", "caption",
                               "figcaption"}
_NOTE_AFTER = frozenset({"h1", "h2", "h3", "h4", "h5", "h6", "pre"})  # a note goes after these, not inside
_LIST_ROLES = {"ul": "list", "ol": "list", "li": "listitem"}
_WHITESPACE_RE = re.compile(r"\s+")
# Every character `\s` matches (str.isspace) but the space: `_long_runs` makes each a space with
# str.replace, found by `in` at C speed (a regular expression is slow on a text's many spaces).
_OTHER_SPACES = ("\n", "\t", "\r", "\v", "\f", "\x1c", "\x1d", "\x1e", "\x1f", "\x85", "\xa0", "\u1680",
                 *(chr(code) for code in range(0x2000, 0x200b)), "\u2028", "\u2029", "\u202f", "\u205f", "\u3000")
SHOWN_QUOTE = 80  # characters of a quote or passage shown in a message


@dataclass(frozen=True)
class Annotation:
    """One editors' note on a passage of a piece's text."""

    id: str
    quote: TextQuote
    note: str  # Markdown source
    note_html: str  # sanitised HTML
    kind: str
    by: str = ""
    tags: tuple[str, ...] = ()
    created: date | None = None
    line: int = 0  # line in the article file (for problems)
    span: tuple[int, int] | None = None  # where it was anchored in plain_text; None: not placed (a check error)

    @property
    def motivation(self) -> str:
        """The W3C Web Annotation motivation of its kind."""
        return MOTIVATIONS.get(self.kind, "commenting")


def note_label(annotation: Annotation, words: Interface = ENGLISH) -> str:
    """Whose words the note is, as the page says, in the interface's language."""
    return words.gettext("Note by %(name)s", name=annotation.by) if annotation.by else words.gettext("Editors' note")


# --- the text annotations are anchored in -------------------------------------------------------

@dataclass(slots=True)
class _Slot:
    """One text node of the HTML: `element.text` or `element.tail`, starting at `start` in plain_text.
    (Not frozen: a frozen dataclass is slower to make, and a text has a slot per text node.)"""

    element: Any
    attribute: str  # "text" or "tail"
    start: int
    text: str = field(repr=False)

    @property
    def context(self) -> Any:
        """The element the text is directly inside."""
        return self.element if self.attribute == "text" else self.element.getparent()


def plain_text(text_html: str) -> str:
    """The outlet's text as a reader sees it: the text nodes of the rendered text, in document
    order, without the editors' notes and marks or the sidenote copies of footnotes. Annotation
    positions count code points in it, so it is the same before and after `highlight`."""
    if not text_html.strip():
        return ""
    return "".join(slot.text for slot in _slots(_parse(text_html)))


def _parse(text_html: str) -> Any:
    return lxml_html.fragment_fromstring(text_html, create_parent="div")


def _slots(root: Any) -> list[_Slot]:
    slots: list[_Slot] = []
    _add_slots(root, slots, 0)  # the <div> `_parse` made
    return slots


def _add_slots(element: Any, slots: list[_Slot], position: int) -> int:
    """Append a slot for each non-empty text node inside `element` (a tag not excluded), in
    document order, from `position` in plain_text; the position after them. (A list filled
    by one recursion: a generator per element, each yielding through its parents, cost much of
    reading an annotated piece.)"""
    text = element.text
    if text:
        slots.append(_Slot(element, "text", position, text))
        position += len(text)
    for child in element:
        if isinstance(child.tag, str) and not _excluded(child):
            position = _add_slots(child, slots, position)
        tail = child.tail
        if tail:
            slots.append(_Slot(child, "tail", position, tail))
            position += len(tail)
    return position


def _excluded(element: Any) -> bool:
    return not _NOT_THE_TEXT.isdisjoint((element.get("class") or "").split())


# --- reading an article's annotations -----------------------------------------------------------

def annotate_text(items: Sequence[dict[str, Any] | None], source: SourceMapping, text_html: str, shown: str,
                  renderer: MarkdownRenderer) -> tuple[str, tuple[Annotation, ...], list[Problem]]:
    """`highlight(text_html, annotations)`, the annotations `read_annotations` reads and the
    problems it finds, with the text's HTML parsed once for both: parsing and walking it is
    much of the work of each."""
    if not items:
        return text_html, (), []
    root = _parse(text_html) if text_html.strip() else None
    slots = _slots(root) if root is not None else []
    annotations, problems = _read_annotations(items, source, "".join(slot.text for slot in slots), shown, renderer)
    placed = in_reading_order(annotations)
    return (_highlighted(root, slots, placed, renderer.words) if placed else text_html), annotations, problems


def read_annotations(items: Sequence[dict[str, Any] | None], source: SourceMapping, text_html: str, shown: str,
                     renderer: MarkdownRenderer) -> tuple[tuple[Annotation, ...], list[Problem]]:
    """The article's annotations (validated by the schema; a bad item is None), each anchored in
    the text, and the problems of placing them."""
    if not items:
        return (), []
    return _read_annotations(items, source, plain_text(text_html), shown, renderer)


def _read_annotations(items: Sequence[dict[str, Any] | None], source: SourceMapping, text: str, shown: str,
                      renderer: MarkdownRenderer) -> tuple[tuple[Annotation, ...], list[Problem]]:
    """`read_annotations`, given the text's `plain_text`."""
    squeezed = _Squeezed(text)
    annotations, problems = [], []
    explicit = {item["id"]: source.line_of("annotations", index)
                for index, item in enumerate(items) if item and item["id"]}
    taken: dict[str, int] = {}
    for index, item in enumerate(items):
        if item is None:
            continue
        line = source.line_of("annotations", index)
        where = f"`annotations`: item {index + 1}: "
        quote = TextQuote(item["quote"], item["prefix"], item["suffix"], item["at"])
        annotation_id = item["id"] or _unused(default_id(quote), explicit, taken)
        if annotation_id in taken:
            problems.append(Problem(shown, line, f"{where}the id `{annotation_id}` is already used by the annotation "
                                    f"on line {taken[annotation_id]}", "give this one another `id:`",
                                    code=codes.ANNOTATION_ID_TWICE))
        taken.setdefault(annotation_id, line)
        span, placed = _place(quote, text, squeezed, shown, line, where)
        problems += placed
        annotations.append(Annotation(
            id=annotation_id, quote=quote, note=item["note"], kind=item["kind"], by=item["by"], tags=item["tags"],
            note_html=renderer.render(item["note"], footnote_prefix=NOTE_ID_PREFIX + annotation_id).html,
            created=item["created"], line=line, span=span))
    return tuple(annotations), problems


def exact_span(text: str, quote: TextQuote) -> tuple[int, int] | None:
    """Where a build places `quote` in `text` (a `plain_text`), if it places it word for word;
    else None. The preview checks with it that the quote it writes lands on the selected words."""
    if not _squeeze(quote.exact).strip():
        return None
    squeezed = _Squeezed(text)
    found = squeezed.anchor(quote)
    return squeezed.original(found) if isinstance(found, Anchor) and found.exact else None


def default_id(quote: TextQuote) -> str:
    """An annotation's id when it gives none: its quote's first words, and a digest of the quote
    and its context (the same annotation gets the same id in every build and every export)."""
    words = slugify(quote.exact, max_length=40, word_boundary=True) or "annotation"
    digest = hashlib.sha256("\0".join((quote.prefix, quote.exact, quote.suffix)).encode("utf-8")).hexdigest()
    return f"{words}-{digest[:6]}"


def _unused(wanted: str, explicit: Mapping[str, int], taken: Mapping[str, int]) -> str:
    """`wanted`, or `wanted-2`, `-3`...: two notes on the same passage are each an annotation."""
    candidate, number = wanted, 2
    while candidate in explicit or candidate in taken:
        candidate, number = f"{wanted}-{number}", number + 1
    return candidate


def _place(quote: TextQuote, text: str, squeezed: _Squeezed, shown: str, line: int,
           where: str) -> tuple[tuple[int, int] | None, list[Problem]]:
    """Where the quote's passage is in `text`, and what the editor must hear about it."""
    exact = _squeeze(quote.exact)
    if not exact.strip():
        return None, [Problem(shown, line, f"{where}the quote is empty", "copy the words the note is about from the "
                              "page into `quote:`", code=codes.ANNOTATION_QUOTE_EMPTY)]
    if len(exact) > len(squeezed.text):
        return None, [Problem(shown, line, f"{where}the quote ({len(exact):,} characters) is longer than the text "
                              f"({len(squeezed.text):,})", "quote only the words of this text the note is about",
                              code=codes.ANNOTATION_QUOTE_TOO_LONG)]
    found = squeezed.anchor(quote)
    shown_quote = _shorten(exact)
    if isinstance(found, Unanchored):
        passage = _whole_words(squeezed.text, found.closest) if found.closest else exact
        closest = f"; the closest passage is `{_shorten(passage)}`" if passage != exact else ""
        return None, [Problem(shown, line, f"{where}the quote `{shown_quote}` cannot be placed: {found.reason}{closest}",
                              "copy the words exactly as the page shows them into `quote:`; for words the text holds "
                              "more than once, add `prefix:` or `suffix:` with the words around them",
                              code=codes.ANNOTATION_NOT_PLACED)]
    span = squeezed.original(found)
    if found.exact:
        return span, []
    return span, [Problem(shown, line, f"{where}the quote `{shown_quote}` is not in the text word for word; placed on "
                          f"`{_shorten(_squeeze(text[span[0]:span[1]]))}`",
                          "if that is the passage, copy it into `quote:` so it matches exactly", severity="warning",
                          code=codes.ANNOTATION_PLACED_APPROXIMATELY)]


def _squeeze(text: str) -> str:
    return _WHITESPACE_RE.sub(" ", text)


def _spaces_only(text: str) -> str:
    """`text` with every whitespace character made a space."""
    for character in _OTHER_SPACES:
        if character in text:
            text = text.replace(character, " ")
    return text


def _long_runs(text: str) -> Iterator[tuple[int, int]]:
    """(start, end) of each run of whitespace in `text` that squeezing shortens or that ends it:
    a lone whitespace character inside the text stays one character, so it needs no stretch of
    its own (most of a text's whitespace: a stretch per word would be a loop over every word)."""
    spaced = _spaces_only(text)
    start = spaced.find("  ")
    while start != -1:
        end = start + 2
        while end < len(spaced) and spaced[end] == " ":
            end += 1
        yield start, end
        start = spaced.find("  ", end)
    if spaced.endswith(" ") and not spaced.endswith("  "):
        yield len(spaced) - 1, len(spaced)


class _Squeezed:
    """The text with each run of whitespace made one space, and the way back to the text.

    A page shows a line break inside a paragraph, or between two paragraphs, as a space: the
    quote an editor copies has a space there, or a YAML line break folded into one. Passages
    are looked for in this form; their positions are given back in the text's own."""

    def __init__(self, text: str):
        # Stretches of the text: (start in the squeezed text, start in the text, length in the
        # text, is whitespace); a whitespace stretch is one character long once squeezed.
        self._stretches: list[tuple[int, int, int, bool]] = []
        squeezed = original = 0
        kept: list[str] = []  # the squeezed text, in pieces
        for start, end in _long_runs(text):
            if start > original:
                self._stretches.append((squeezed, original, start - original, False))
                kept.append(text[original:start])
                squeezed += start - original
            self._stretches.append((squeezed, start, end - start, True))
            kept.append(" ")
            squeezed, original = squeezed + 1, end
        if original < len(text):
            self._stretches.append((squeezed, original, len(text) - original, False))
            kept.append(text[original:])
        self.text = _spaces_only("".join(kept))
        self._squeezed_starts = [stretch[0] for stretch in self._stretches]
        self._original_starts = [stretch[1] for stretch in self._stretches]

    def anchor(self, quote: TextQuote) -> Anchor | Unanchored:
        hint = None if quote.start is None else self._squeezed_position(quote.start)
        return anchor(self.text, TextQuote(_squeeze(quote.exact), _squeeze(quote.prefix), _squeeze(quote.suffix), hint))

    def original(self, found: Anchor) -> tuple[int, int]:
        """The anchored passage's (start, end) in the text."""
        start, _ = self._original_span(found.start)
        _, end = self._original_span(found.end - 1)
        return start, end

    def _original_span(self, index: int) -> tuple[int, int]:
        squeezed, original, length, space = self._stretches[bisect_right(self._squeezed_starts, index) - 1]
        if space:
            return original, original + length
        return original + index - squeezed, original + index - squeezed + 1

    def _squeezed_position(self, position: int) -> int:
        if not self._stretches:
            return 0
        squeezed, original, length, space = self._stretches[max(0, bisect_right(self._original_starts, position) - 1)]
        return squeezed if space else squeezed + min(position - original, length)


def _whole_words(text: str, span: tuple[int, int]) -> str:
    """The passage at `span`, widened to the words it cuts (the editor copies whole words)."""
    start, end = span
    while 0 < start < len(text) and text[start - 1].isalnum() and text[start].isalnum():
        start -= 1
    while 0 < end < len(text) and text[end].isalnum() and text[end - 1].isalnum():
        end += 1
    return text[start:end]


def _shorten(text: str) -> str:
    if len(text) <= SHOWN_QUOTE:
        return text
    half = SHOWN_QUOTE // 2 - 2
    return f"{text[:half].rstrip()} … {text[-half:].lstrip()}"


# --- showing them ---------------------------------------------------------------------------------

def highlight(text_html: str, annotations: Sequence[Annotation], words: Interface = ENGLISH) -> str:
    """`text_html` with each placed annotation's passage in `<mark>` elements and its note after it.

    A passage that crosses a link, emphasis or a paragraph's end is marked one text node at a time
    (one `<mark>` per piece, so the HTML stays well nested); a piece inside several passages is in
    one `<mark>` per passage, nested. Every mark of an annotation carries its id in
    `data-annotation` and points at its note with `aria-details`. The note, numbered, and a link
    to it follow the passage's last words, outside any link or emphasis they are in (after a
    heading or preformatted block, not inside it). The text's words are unchanged: `plain_text`
    of the result is that of `text_html`."""
    placed = in_reading_order(annotations)
    if not placed:
        return text_html
    root = _parse(text_html)
    return _highlighted(root, _slots(root), placed, words)


def _highlighted(root: Any, slots: list[_Slot], placed: list[Annotation], words: Interface) -> str:
    """`highlight` of the text parsed as `root`, whose text nodes are `slots`."""
    numbers = {a.id: number for number, a in enumerate(placed, 1)}
    last_marks: dict[str, Any] = {}
    for slot in _slots_marked(slots, placed):
        _mark_slot(slot, placed, last_marks)
    after: dict[Any, Any] = {}  # keyed by the element itself: lxml keeps one proxy per element while it is held
    for annotation in placed:
        if annotation.id in last_marks:
            label = note_label(annotation, words)
            _add_note(last_marks[annotation.id], annotation, numbers[annotation.id], after, label)
    return _serialise(root)


def in_reading_order(annotations: Sequence[Annotation]) -> list[Annotation]:
    """The placed annotations as the page numbers them: by where their passage starts."""
    return sorted((a for a in annotations if a.span and a.span[1] > a.span[0]), key=lambda a: (a.span[0], -a.span[1]))


def notes_apart(text_html: str) -> str:
    """The highlighted text without the notes (its marks and numbered links kept): for a feed,
    whose readers ignore the theme and would run the notes into the outlet's sentences."""
    if "annotation-note" not in text_html:
        return text_html
    root = _parse(text_html)
    for note in root.xpath("//span[contains(concat(' ', @class, ' '), ' annotation-note ')]"):
        note.drop_tree()  # keeps its tail: the outlet's words after it
    return _serialise(root)


def _slots_marked(slots: list[_Slot], placed: Sequence[Annotation]) -> list[_Slot]:
    """The slots a placed passage overlaps, in document order: a text has many text nodes and
    a few passages, so each passage's are found by bisection instead of trying every node."""
    starts = [slot.start for slot in slots]
    touched: set[int] = set()
    for annotation in placed:
        start, end = annotation.span
        first = max(0, bisect_right(starts, start) - 1)
        last = bisect_left(starts, end)  # the slots starting before the passage's end
        touched.update(range(first, last))
    return [slots[index] for index in sorted(touched)]


def _mark_slot(slot: _Slot, placed: Sequence[Annotation], last_marks: dict[str, Any]) -> None:
    """Split one text node at the passages' ends and wrap each piece in the marks covering it."""
    end = slot.start + len(slot.text)
    covering = [a for a in placed if a.span[0] < end and a.span[1] > slot.start]
    if not covering:
        return
    cuts = sorted({slot.start, end} | {p for a in covering for p in a.span if slot.start < p < end})
    pieces: list[Any] = []  # strings and elements, in order
    phrasing = _tag(slot.context) in _PHRASING_PARENTS
    for start, stop in zip(cuts, cuts[1:]):
        text = slot.text[start - slot.start:stop - slot.start]
        inside = [a for a in covering if a.span[0] <= start and a.span[1] >= stop]
        if not inside or (not text.strip() and not phrasing):
            pieces.append(text)
            continue
        outer = inner = None
        for annotation in inside:
            mark = etree.Element("mark", {"class": f"annotation-mark annotation-kind-{annotation.kind}",
                                          "data-annotation": annotation.id,
                                          "aria-details": NOTE_ID_PREFIX + annotation.id})
            if inner is None:
                outer = mark
            else:
                inner.append(mark)
            inner = mark
            last_marks[annotation.id] = outer
        inner.text = text
        pieces.append(outer)
    _replace_slot(slot, pieces)


def _tag(element: Any) -> str:
    return element.tag if element is not None and isinstance(element.tag, str) else ""


def _replace_slot(slot: _Slot, pieces: list[Any]) -> None:
    """Put `pieces` (text and elements) where the slot's text was."""
    leading = "".join(p for p in _leading_text(pieces))
    rest = pieces[len(list(_leading_text(pieces))):]
    setattr(slot.element, slot.attribute, leading or None)
    if slot.attribute == "text":
        parent, index = slot.element, 0
    else:
        parent = slot.element.getparent()
        index = parent.index(slot.element) + 1
    previous = None
    for piece in rest:
        if isinstance(piece, str):
            previous.tail = (previous.tail or "") + piece
        else:
            parent.insert(index, piece)
            index += 1
            previous = piece


def _leading_text(pieces: list[Any]) -> Iterator[str]:
    for piece in pieces:
        if not isinstance(piece, str):
            return
        yield piece


def _add_note(mark: Any, annotation: Annotation, number: int, after: dict[Any, Any], label: str) -> None:
    """The numbered link and the note, after the passage's last mark (see `highlight`)."""
    anchor_point = mark
    while _tag(anchor_point.getparent()) in _INLINE:
        anchor_point = anchor_point.getparent()
    if _tag(anchor_point.getparent()) in _NOTE_AFTER:
        anchor_point = anchor_point.getparent()
    previous = after.get(anchor_point, anchor_point)  # notes ending at one place keep their order
    ref, note = _reference(annotation, number, label), _note(annotation, number, label)
    note.tail, previous.tail = previous.tail, None
    parent = previous.getparent()
    index = parent.index(previous) + 1
    parent.insert(index, ref)
    parent.insert(index + 1, note)
    after[anchor_point] = note


def _reference(annotation: Annotation, number: int, label: str) -> Any:
    """A small numbered link to the note: a keyboard stop at the passage, and the number that
    pairs passage and note when several notes share the margin."""
    sup = etree.Element("sup", {"class": "annotation-ref", "data-pagefind-ignore": ""})
    link = etree.SubElement(sup, "a", {"href": f"#{NOTE_ID_PREFIX}{annotation.id}",
                                       "id": f"{NOTE_ID_PREFIX}ref-{annotation.id}"})
    hidden = etree.SubElement(link, "span", {"class": "visually-hidden"})
    hidden.text = f"{label} "
    hidden.tail = str(number)
    return sup


def _note(annotation: Annotation, number: int, label_text: str) -> Any:
    """The note as phrasing content (it sits inside the passage's paragraph): its blocks become
    spans the theme shows as blocks, its lists keep their roles. Labelled as whose words it is."""
    note = etree.Element("span", {"class": f"annotation-note annotation-kind-{annotation.kind}", "role": "note",
                                  "id": NOTE_ID_PREFIX + annotation.id, "data-annotation": annotation.id})
    label = etree.SubElement(note, "span", {"class": "annotation-label", "data-pagefind-ignore": ""})
    number_element = etree.SubElement(label, "span", {"class": "annotation-number"})
    number_element.text = str(number)
    number_element.tail = f" {label_text} · "
    kind = etree.SubElement(label, "span", {"class": "annotation-kind"})
    kind.text = annotation.kind
    body = etree.SubElement(note, "span", {"class": "annotation-body"})
    words = plain_paragraph(annotation.note_html)
    if words is not None:  # most notes: the paragraph `_as_phrasing` makes of it, without parsing it
        etree.SubElement(body, "span", {"class": "annotation-p"}).text = words
        return note
    fragment = _parse(annotation.note_html) if annotation.note_html.strip() else None
    if fragment is not None:
        body.text = fragment.text
        for child in list(fragment):
            body.append(child)
        for element in body.iter():
            if element is not body and isinstance(element.tag, str):
                _as_phrasing(element)
    return note


def _as_phrasing(element: Any) -> None:
    tag = element.tag
    if tag in _INLINE or tag in ("br", "img"):
        return
    role = _LIST_ROLES.get(tag)
    kept = {name: value for name, value in element.attrib.items() if name in ("lang", "dir", "title")}
    if (element.get("id") or "").startswith(NOTE_ID_PREFIX):
        kept["id"] = element.get("id")
    element.attrib.clear()
    element.attrib.update(kept)
    element.set("class", f"annotation-{tag}")
    if role:
        element.set("role", role)
    element.tag = "span"


def _serialise(root: Any) -> str:
    """The HTML inside `root` (the `<div>` `_parse` wraps the text in), serialised in one call."""
    return lxml_html.tostring(root, encoding="unicode")[len("<div>"):-len("</div>")]
