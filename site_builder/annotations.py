"""Anchored annotations: an editor's note on a passage of a piece's text, kept beside the text.

STAND-IN for the core of issue 16 (branch ann-core): the minimum the exchange (import, export)
needs, written to the shared design. On merge, the core's version of this module wins.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date
from html.parser import HTMLParser

from site_builder.anchoring import Anchor, TextQuote, anchor


@dataclass(frozen=True)
class Annotation:
    id: str
    quote: TextQuote
    note: str  # Markdown source
    note_html: str  # sanitised HTML
    kind: str
    by: str = ""
    tags: tuple[str, ...] = ()
    created: date | None = None
    line: int = 0  # line in the article file (for problems)
    span: tuple[int, int] | None = None  # where it was anchored in the text; None: could not be placed


class _TextNodes(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def plain_text(text_html: str) -> str:
    """The text annotations are anchored in: the text nodes of the rendered text, in order."""
    parser = _TextNodes()
    parser.feed(text_html)
    parser.close()
    return "".join(parser.parts)


def default_id(exact: str, prefix: str, suffix: str) -> str:
    return "a-" + hashlib.sha256(f"{prefix}\x00{exact}\x00{suffix}".encode()).hexdigest()[:10]


def read_annotations(entries: tuple[dict, ...], raw: list, lines: list[int], text_html: str,
                     render) -> tuple[Annotation, ...]:
    """The declared annotations of one article, each anchored in its text where it can be; the
    quote and its context as written (`raw`: validation strips the spaces that tell words apart)."""
    text = plain_text(text_html)
    found = []
    for entry, given, line in zip(entries, raw or [], lines):
        exact, prefix, suffix = (str(given.get(key) or "") for key in ("quote", "prefix", "suffix"))
        quote = TextQuote(exact, prefix, suffix, entry["at"])
        placed = anchor(text, quote)
        found.append(Annotation(
            id=entry["id"] or default_id(quote.exact, quote.prefix, quote.suffix), quote=quote,
            note=entry["note"], note_html=render(entry["note"]), kind=entry["kind"] or "comment", by=entry["by"],
            tags=entry["tags"], created=entry["created"], line=line,
            span=(placed.start, placed.end) if isinstance(placed, Anchor) else None))
    return tuple(found)
