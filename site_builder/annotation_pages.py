"""The annotations as readers browse them: `/annotations/`, and one page per annotator.

`/annotations/` lists every placed annotation, grouped by piece (newest piece first, notes in
the order the piece's page numbers them), each with its passage, its note, its kind and whose
note it is. A class collection has several annotators, and a teacher reads one student's notes
at a time: when the notes are in more than one voice (named annotators, and the editors' own
notes without `by:`), each voice gets a page, `/annotations/by/<annotator>/` or
`/annotations/editors/`, listed at the top of `/annotations/`. A site without annotations has
none of these pages, and its menu no link to them.

The pages show each annotated piece's title, outlet and date and its annotations, never its
text; `listing_key` is what they show of a piece, so an edit to a text that leaves its
annotations as they were renders none of them again.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Iterable

from slugify import slugify

from site_builder.annotations import Annotation, in_reading_order
from site_builder.reader import Article

LISTING_PATH = "annotations/"  # the menu section `annotations` links here
EDITORS = "the editors"  # whose the notes without `by:` are, as the pages say


@dataclass(frozen=True)
class AnnotatedPiece:
    """A piece and its placed annotations, in reading order."""

    article: Article
    annotations: tuple[Annotation, ...]


@dataclass(frozen=True)
class Voice:
    """An annotator (`name`), or the editors (`name` ""), with the address of their page."""

    name: str
    path: str  # inside the site: annotations/by/<slug>/ or annotations/editors/
    count: int

    @property
    def label(self) -> str:
        return self.name or EDITORS

    def wrote(self, annotation: Annotation) -> bool:
        return annotation.by == self.name


def has_annotations(articles: Iterable[Article]) -> bool:
    """Whether any of `articles` has a placed annotation: then the site lists them (and links the list)."""
    return any(annotation.span for article in articles for annotation in article.annotations)


def annotated_pieces(articles: Iterable[Article]) -> tuple[AnnotatedPiece, ...]:
    """The pieces with placed annotations, in the order given (the collection's: newest first)."""
    pieces = (AnnotatedPiece(article, tuple(in_reading_order(article.annotations))) for article in articles)
    return tuple(piece for piece in pieces if piece.annotations)


def voices(pieces: Iterable[AnnotatedPiece]) -> tuple[Voice, ...]:
    """Every voice the notes are in, named annotators by name, then the editors; () when there is
    only one (its page would repeat /annotations/)."""
    counts = Counter(annotation.by for piece in pieces for annotation in piece.annotations)
    if len(counts) < 2:
        return ()
    named = sorted((name for name in counts if name), key=lambda name: (name.casefold(), name))
    paths = _unique_paths(named)
    found = [Voice(name, paths[name], counts[name]) for name in named]
    if counts[""]:
        found.append(Voice("", "annotations/editors/", counts[""]))
    return tuple(found)


def pieces_by(voice: Voice, pieces: Iterable[AnnotatedPiece]) -> tuple[AnnotatedPiece, ...]:
    """`pieces` with only `voice`'s notes, and only those with one."""
    kept = (AnnotatedPiece(piece.article, tuple(a for a in piece.annotations if voice.wrote(a))) for piece in pieces)
    return tuple(piece for piece in kept if piece.annotations)


def listing_key(article: Article) -> tuple:
    """What the annotation pages show of a piece besides its summary: each placed annotation as
    shown, in reading order (where it is in the text is not shown, only the order)."""
    return tuple((a.id, a.quote.exact, a.note_html, a.kind, a.by, a.tags, a.created)
                 for a in in_reading_order(article.annotations))


def _unique_paths(names: list[str]) -> dict[str, str]:
    """Each annotator's page address; names that make the same slug (`Jo Lee`, `jo lee`) get -2, -3...
    in the order given, so an address stays the same while the names do."""
    paths, taken = {}, set()
    for name in names:
        base = slugify(name) or "annotator"
        slug, number = base, 2
        while slug in taken:
            slug, number = f"{base}-{number}", number + 1
        taken.add(slug)
        paths[name] = f"annotations/by/{slug}/"
    return paths
