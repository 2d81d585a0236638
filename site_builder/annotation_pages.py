"""The annotations as readers browse them: `/annotations/`, and one page per annotator.

`/annotations/` lists every placed annotation, grouped by piece (newest piece first, notes in
the order the piece's page numbers them), each with its passage, its note, its kind and whose
note it is. A class collection has several annotators, and a teacher reads one student's notes
at a time: when the notes are in more than one voice (named annotators, and the editors' own
notes without `by:`), each voice gets a page, `/annotations/by/<annotator>/` or
`/annotations/editors/`, listed at the top of `/annotations/`. A site without annotations has
none of these pages, and its menu no link to them.

Each listing is cut into pages of `PER_PAGE` pieces (`/annotations/`, `/annotations/page/2/`, ...,
the same under an annotator's address), as Pelican and Hugo paginate: a collection of 10,000
annotated pieces would otherwise make one page of tens of megabytes, rendered whole again for
every note edited. Only a listing's first page counts its notes, and only /annotations/'s names
the voices (`Overview`), so a note added elsewhere leaves the later pages, and the other voices'
pages, as they were.

The pages show each annotated piece's title, outlet and date and its annotations, never its
text; `listing_key` is what they show of a piece, so an edit to a text that leaves its
annotations as they were renders none of them again.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from functools import cached_property
from typing import Iterable, Iterator

from slugify import slugify

from site_builder.annotations import Annotation, in_reading_order
from site_builder.hashing import digest
from site_builder.reader import Article

LISTING_PATH = "annotations/"  # the menu section `annotations` links here
EDITORS = "the editors"  # whose the notes without `by:` are, as the pages say
PER_PAGE = 50  # pieces on a page of a listing
AROUND = 2  # page links either side of the current page in a listing's navigation (then the first and last)


@dataclass(frozen=True)
class AnnotatedPiece:
    """A piece and its placed annotations, in reading order."""

    article: Article
    annotations: tuple[Annotation, ...]


@dataclass(frozen=True)
class Voice:
    """An annotator (`name`), or the editors (`name` ""), with the address of their listing."""

    name: str
    path: str  # inside the site: annotations/by/<slug>/ or annotations/editors/

    @property
    def label(self) -> str:
        return self.name or EDITORS

    def wrote(self, annotation: Annotation) -> bool:
        return annotation.by == self.name


@dataclass(frozen=True)
class Tally:
    """A voice and how many notes it wrote, as the list of voices shows them."""

    voice: Voice
    notes: int


@dataclass(frozen=True)
class Overview:
    """What a listing's first page says of the whole listing: how many notes on how many pieces,
    and on /annotations/ every voice with its count (kept off the later pages, which a count
    would re-render)."""

    notes: int
    pieces: int
    voices: tuple[Tally, ...]


@dataclass(frozen=True)
class ListingPage:
    """One page of a listing: whose notes (`voice`; None for every annotation), where the page
    sits among the listing's pages, and the first page's overview. These fields are all a page
    shows besides its pieces' annotations, so they are its key's subject (render.PageJob)."""

    voice: Voice | None
    number: int  # from 1
    pages: int
    overview: Overview | None = None  # on the first page only

    @property
    def first(self) -> str:
        return self.voice.path if self.voice else LISTING_PATH

    @property
    def path(self) -> str:
        return self.address(self.number)

    def address(self, number: int) -> str:
        """The address of the listing's page `number`: the first page is the listing's own."""
        return self.first if number == 1 else f"{self.first}page/{number}/"

    @property
    def previous(self) -> str | None:
        return self.address(self.number - 1) if self.number > 1 else None

    @property
    def next(self) -> str | None:
        return self.address(self.number + 1) if self.number < self.pages else None

    @property
    def numbers(self) -> list[int | None]:
        """The page numbers the navigation links: the first, the last and those around this one;
        None where some are left out (200 links on each of 200 pages would weigh on every page)."""
        kept = sorted({1, self.pages, *range(max(1, self.number - AROUND), min(self.pages, self.number + AROUND) + 1)})
        shown: list[int | None] = []
        for number in kept:
            if shown and number - shown[-1] > 1:
                shown.append(None)
            shown.append(number)
        return shown

    @property
    def first_piece(self) -> int:
        """The position of the page's first piece in the listing, from 1."""
        return (self.number - 1) * PER_PAGE + 1


def has_annotations(articles: Iterable[Article]) -> bool:
    """Whether any of `articles` has a placed annotation: then the site lists them (and links the list)."""
    return any(article.has_placed_annotations for article in articles)


def annotated_pieces(articles: Iterable[Article]) -> tuple[AnnotatedPiece, ...]:
    """The pieces with placed annotations, in the order given (the collection's: newest first)."""
    pieces = (AnnotatedPiece(article, tuple(in_reading_order(article.annotations))) for article in articles)
    return tuple(piece for piece in pieces if piece.annotations)


def voices(pieces: Iterable[AnnotatedPiece]) -> tuple[Tally, ...]:
    """Every voice the notes are in, named annotators by name, then the editors; () when there is
    only one (its page would repeat /annotations/)."""
    counts = Counter(annotation.by for piece in pieces for annotation in piece.annotations)
    if len(counts) < 2:
        return ()
    named = sorted((name for name in counts if name), key=lambda name: (name.casefold(), name))
    paths = _unique_paths(named)
    found = [Tally(Voice(name, paths[name]), counts[name]) for name in named]
    if counts[""]:
        found.append(Tally(Voice("", "annotations/editors/"), counts[""]))
    return tuple(found)


def listing_pages(voice: Voice | None, pieces: tuple[AnnotatedPiece, ...],
                  everyone: tuple[Tally, ...]) -> Iterator[tuple[ListingPage, tuple[AnnotatedPiece, ...]]]:
    """The pages of `voice`'s listing (None: every annotation) of `pieces` (newest first), each
    with the pieces it shows; `everyone` is every voice, which the first page of /annotations/
    lists. An annotator's page links there rather than list them again: a class of 400 would
    make 160,000 links, and a note by anyone would change every annotator's page."""
    pages = max(1, -(-len(pieces) // PER_PAGE))
    notes = sum(len(piece.annotations) for piece in pieces)
    listed = everyone if voice is None else ()
    for number in range(1, pages + 1):
        overview = Overview(notes, len(pieces), listed) if number == 1 else None
        yield ListingPage(voice, number, pages, overview), pieces[(number - 1) * PER_PAGE:number * PER_PAGE]


def pieces_by_voice(pieces: Iterable[AnnotatedPiece]) -> dict[str, tuple[AnnotatedPiece, ...]]:
    """For each annotator's name ("" for the editors), `pieces` with only their notes, and only
    those with one; in one pass, as a class collection may have hundreds of annotators."""
    notes_by: dict[str, dict[str, list[Annotation]]] = {}
    articles = {}
    for piece in pieces:
        articles[piece.article.slug] = piece.article
        for annotation in piece.annotations:
            notes_by.setdefault(annotation.by, {}).setdefault(piece.article.slug, []).append(annotation)
    return {name: tuple(AnnotatedPiece(articles[slug], tuple(notes)) for slug, notes in by_piece.items())
            for name, by_piece in notes_by.items()}


@dataclass(frozen=True)
class PlannedPage:
    """A page of a listing as planned: where it sits (`listing`), its template, the pieces it
    shows (by slug) and its sitemap date, with `declared`, the hash of what it declares (the
    page's key covers it). The build state keeps these while the annotated pieces are the same:
    planning them goes through every annotation of the collection."""

    listing: ListingPage
    template: str
    slugs: tuple[str, ...]
    modified: date | None
    declared: str


def plan_listings(articles: Sequence[Article]) -> tuple[PlannedPage, ...]:
    """Every page of /annotations/ and of each voice's listing, for `articles` in the collection's
    order; () without annotations."""
    pieces = annotated_pieces(articles)
    if not pieces:
        return ()
    everyone = voices(pieces)
    by_voice = pieces_by_voice(pieces)
    listings = [(None, "annotations.html", pieces)]
    listings += [(tally.voice, "annotator.html", by_voice.get(tally.voice.name, ())) for tally in everyone]
    planned = []
    for voice, template, shown in listings:
        for page, on_page in listing_pages(voice, shown, everyone):
            slugs = tuple(piece.article.slug for piece in on_page)
            modified = next((p.article.date for p in on_page if p.article.date), None)  # the collection's order
            planned.append(PlannedPage(page, template, slugs, modified, digest(page, slugs)))
    return tuple(planned)


class PiecesOnPage(Sequence):
    """The pieces a planned page shows, each with its annotations by the page's voice, made only
    when the page is rendered (an edit build renders few of them)."""

    def __init__(self, page: PlannedPage, articles: dict[str, Article]):
        self._page, self._articles = page, articles

    @cached_property
    def _pieces(self) -> tuple[AnnotatedPiece, ...]:
        voice = self._page.listing.voice
        pieces = []
        for slug in self._page.slugs:
            article = self._articles[slug]
            notes = tuple(a for a in in_reading_order(article.annotations) if voice is None or voice.wrote(a))
            pieces.append(AnnotatedPiece(article, notes))
        return tuple(pieces)

    def __getitem__(self, index):
        return self._pieces[index]

    def __len__(self) -> int:
        return len(self._page.slugs)


def listing_key(article: Article) -> tuple:
    """What the annotation pages and the export (annotations.jsonld) show of a piece besides its
    summary: each annotation as written and where it was placed (the export gives its position),
    in reading order. A text edit that moves no passage leaves it as it was."""
    return tuple((a.id, a.quote, a.note, a.note_html, a.kind, a.by, a.tags, a.created, a.span)
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
