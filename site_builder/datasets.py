"""The collection as datasets: pieces, claims, outlets, events and annotations, one record each.

Each `Dataset` declares its fields once, as the JSON Schema of one record (type and description
of every field); the JSON and CSV files, the published JSON Schemas and the Data page's field
list are all made from that declaration (site_builder.data_export), so they cannot drift apart.
A field that is a front-matter key takes its description from schema.py, where the editors'
reference takes it too.

The editors' Markdown fields (stance notes, caveats, a claim's note, ...) are given as the
sanitised HTML the site publishes (their names end in `_html`): that keeps their links and
emphasis, and is what readers saw. The outlets' texts are not in the data, only their titles.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, Callable, Iterable

from site_builder.annotation_export import annotated_articles, annotation_id
from site_builder.collection import Claim, Collection, Event, Outlet
from site_builder.config import SiteConfig
from site_builder.fields import Field
from site_builder.outlets import OUTLET_FIELDS
from site_builder.reader import Article
from site_builder.schema import ANNOTATION_FIELDS, ARTICLE_FIELDS, CLAIM_FIELDS, CORRECTION_FIELDS, PROVENANCE_FIELDS
from site_builder.urls import absolute
from site_builder.annotations import Annotation

TEXT = {"type": "string"}
ADDRESS = {"type": "string", "format": "uri-reference"}  # full when site.yml's base_url is; else from the root
WEB_ADDRESS = {"type": "string"}  # as the editor wrote it (an http(s) address, checked when read), or ""
DATE = {"type": ["string", "null"], "format": "date"}
COUNT = {"type": "integer", "minimum": 0}
TEXTS = {"type": "array", "items": TEXT}
HTML_NOTE = " As published: sanitised HTML made from the editors' Markdown."


def _doc(fields: tuple[Field, ...], name: str, extra: str = "") -> str:
    """A front-matter key's description, as schema.py declares it (and docs/reference.md shows it)."""
    return next(f.doc for f in fields if f.name == name) + extra


def _with(kind: dict[str, Any], description: str) -> dict[str, Any]:
    return {**kind, "description": description}


def _record(properties: dict[str, dict[str, Any]], nullable: bool = False) -> dict[str, Any]:
    """An object with exactly these fields, every one present (empty as "", [] or null)."""
    kind = ["object", "null"] if nullable else "object"
    return {"type": kind, "properties": properties, "required": list(properties), "additionalProperties": False}


def _records(properties: dict[str, dict[str, Any]]) -> dict[str, Any]:
    return {"type": "array", "items": _record(properties)}


@dataclass(frozen=True)
class Dataset:
    """One kind of record: `fields` is the JSON Schema of one (name -> type and description), in order."""

    name: str  # data/<name>.json, .csv and .schema.json
    title: str
    about: str  # what one record is, for the Data page and the schema's description
    fields: dict[str, dict[str, Any]]
    records: Callable[[Collection], Iterable[Any]]
    row: Callable[[Any, "Addresses"], dict[str, Any]]
    json: bool = True  # False: CSV only (the annotations' JSON is the W3C export)
    # For records made from one piece alone (and the options): the pieces having records, in the
    # records' order, and a piece's records. A build then makes again only an edited piece's.
    pieces: Callable[[Collection], Iterable[Article]] | None = None
    of_piece: Callable[[Article], Iterable[Any]] | None = None

    def rows(self, collection: Collection, config: SiteConfig) -> list[dict[str, Any]]:
        addresses = Addresses(config)
        return [self.row(record, addresses) for record in self.records(collection)]

    def record_schema(self) -> dict[str, Any]:
        return _record(self.fields)


def _by_piece(name: str, title: str, about: str, fields: dict[str, dict[str, Any]],
              pieces: Callable[[Collection], Iterable[Article]], of_piece: Callable[[Article], Iterable[Any]],
              row: Callable[[Any, "Addresses"], dict[str, Any]], json: bool = True) -> Dataset:
    """A dataset whose records come piece by piece."""
    def records(collection: Collection) -> Iterable[Any]:
        return (record for article in pieces(collection) for record in of_piece(article))
    return Dataset(name, title, about, fields, records, row, json, pieces, of_piece)


class Addresses:
    """The site's addresses for one export: the base worked out once, not per record."""

    def __init__(self, config: SiteConfig):
        self.config = config
        self.site = absolute(config, "")

    def of(self, path: str) -> str:
        return self.site + path


def iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


# --- pieces -----------------------------------------------------------------------------------

PIECE_FIELDS: dict[str, dict[str, Any]] = {
    "slug": _with(TEXT, "The piece's key: its file name in content/articles/ and its address."),
    "url": _with(ADDRESS, "The piece's page on this site, with the editors' context."),
    "title": _with(TEXT, _doc(ARTICLE_FIELDS, "title")),
    "outlet": _with(TEXT, _doc(ARTICLE_FIELDS, "outlet", " The `name` of a record of outlets.")),
    "date": _with(DATE, _doc(ARTICLE_FIELDS, "date")),
    "author": _with(TEXTS, _doc(ARTICLE_FIELDS, "author")),
    "source_url": _with(WEB_ADDRESS, _doc(ARTICLE_FIELDS, "source_url")),
    "language": _with(TEXT, _doc(ARTICLE_FIELDS, "language")),
    "stance": _with(TEXT, _doc(ARTICLE_FIELDS, "stance")),
    "stance_notes_html": _with(TEXT, _doc(ARTICLE_FIELDS, "stance_notes", HTML_NOTE)),
    "caveats_html": _with(TEXTS, _doc(ARTICLE_FIELDS, "caveats", HTML_NOTE)),
    "tags": _with(TEXTS, _doc(ARTICLE_FIELDS, "tags")),
    "event": _with(TEXT, _doc(ARTICLE_FIELDS, "event", " The `key` of a record of events.")),
    "related": _with(TEXTS, _doc(ARTICLE_FIELDS, "related")),
    "claims": _with(_records({
        "id": _with(TEXT, _doc(CLAIM_FIELDS, "id", " The `id` of a record of claims.")),
        "role": _with(TEXT, _doc(CLAIM_FIELDS, "role")),
        "by": _with(TEXT, _doc(CLAIM_FIELDS, "by"))}),
        _doc(ARTICLE_FIELDS, "claims", " Each with the piece's role; the claim itself is in claims.")),
    "annotations": _with(TEXTS, _doc(ARTICLE_FIELDS, "annotations", " Here: the `annotation` key of each one "
                                     "placed in the text; the annotations themselves are in annotations.")),
    "corrections": _with(_records({
        "date": _with(DATE, _doc(CORRECTION_FIELDS, "date")),
        "kind": _with(TEXT, _doc(CORRECTION_FIELDS, "kind")),
        "field": _with(TEXT, _doc(CORRECTION_FIELDS, "field")),
        "was_html": _with(TEXT, _doc(CORRECTION_FIELDS, "was", HTML_NOTE)),
        "now_html": _with(TEXT, _doc(CORRECTION_FIELDS, "now", HTML_NOTE)),
        "why_html": _with(TEXT, _doc(CORRECTION_FIELDS, "why", HTML_NOTE)),
        "evidence": _with(TEXTS, _doc(CORRECTION_FIELDS, "evidence"))}),
        _doc(ARTICLE_FIELDS, "corrections")),
    "word_count": _with(COUNT, _doc(ARTICLE_FIELDS, "word_count", " Counted from the text as published.")),
    "author_bio_html": _with(TEXT, _doc(ARTICLE_FIELDS, "author_bio", HTML_NOTE)),
    "translation_of": _with(TEXT, _doc(ARTICLE_FIELDS, "translation_of", " The `slug` of another record of pieces.")),
    "translator": _with(TEXTS, _doc(ARTICLE_FIELDS, "translator")),
    "translation_notes_html": _with(TEXT, _doc(ARTICLE_FIELDS, "translation_notes", HTML_NOTE)),
    "provenance": _with(_record({
        "source": _with(TEXT, _doc(PROVENANCE_FIELDS, "source")),
        "original_name": _with(TEXT, _doc(PROVENANCE_FIELDS, "original_name")),
        "sha256": _with(TEXT, _doc(PROVENANCE_FIELDS, "sha256")),
        "imported": _with(DATE, _doc(PROVENANCE_FIELDS, "imported"))}, nullable=True),
        _doc(ARTICLE_FIELDS, "provenance", " Null for a piece written by hand.")),
}


def piece_row(article: Article, addresses: Addresses) -> dict[str, Any]:
    provenance = article.provenance
    return {
        "slug": article.slug,
        "url": addresses.of(f"articles/{article.slug}/"),
        "title": article.title,
        "outlet": article.outlet,
        "date": iso(article.date),
        "author": list(article.authors),
        "source_url": article.source_url,
        "language": article.language,
        "stance": article.stance,
        "stance_notes_html": article.stance_notes_html,
        "caveats_html": list(article.caveats_html),
        "tags": list(article.tags),
        "event": article.event,
        "related": [slug for slug, _ in article.related],
        "claims": [{"id": claim.id, "role": claim.role, "by": claim.by} for claim in article.claims],
        "annotations": [annotation.id for annotation in article.annotations if annotation.span],
        "corrections": [{"date": iso(c.date), "kind": c.kind, "field": c.field, "was_html": c.was_html,
                         "now_html": c.now_html, "why_html": c.why_html, "evidence": list(c.evidence)}
                        for c in article.corrections],
        "word_count": article.word_count,
        "author_bio_html": article.author_bio_html,
        "translation_of": article.translation_of,
        "translator": list(article.translators),
        "translation_notes_html": article.translation_notes_html,
        "provenance": None if provenance is None else {
            "source": provenance.source, "original_name": provenance.original_name, "sha256": provenance.sha256,
            "imported": iso(provenance.imported)},
    }


# --- claims -----------------------------------------------------------------------------------

CLAIM_DATA_FIELDS: dict[str, dict[str, Any]] = {
    "id": _with(TEXT, _doc(CLAIM_FIELDS, "id")),
    "url": _with(ADDRESS, "The claim's page on this site."),
    "text": _with(TEXT, _doc(CLAIM_FIELDS, "text")),
    "by": _with(TEXT, _doc(CLAIM_FIELDS, "by")),
    "verdict": _with(TEXT, _doc(CLAIM_FIELDS, "verdict")),
    "note_html": _with(TEXT, _doc(CLAIM_FIELDS, "note", HTML_NOTE)),
    "evidence": _with(TEXTS, _doc(CLAIM_FIELDS, "evidence")),
    "pieces": _with(_records({
        "piece": _with(TEXT, "The `slug` of a record of pieces."),
        "role": _with(TEXT, _doc(CLAIM_FIELDS, "role")),
        "by": _with(TEXT, "Who made the claim, as this piece records it."),
        "note_html": _with(TEXT, "The editors' note on the claim in this piece." + HTML_NOTE)}),
        "The pieces carrying the claim, oldest first, with each one's role."),
}


def claim_row(claim: Claim, addresses: Addresses) -> dict[str, Any]:
    return {
        "id": claim.id,
        "url": addresses.of(f"claims/{claim.id}/"),
        "text": claim.text,
        "by": claim.by,
        "verdict": claim.verdict,
        "note_html": claim.note_html,
        "evidence": list(claim.evidence),
        "pieces": [{"piece": a.article.slug, "role": a.role, "by": a.by, "note_html": a.note_html}
                   for a in claim.appearances],
    }


# --- outlets ----------------------------------------------------------------------------------

OUTLET_DATA_FIELDS: dict[str, dict[str, Any]] = {
    "slug": _with(TEXT, "The outlet's key in its page's address."),
    "name": _with(TEXT, "The outlet's name, as the pieces' `outlet` gives it."),
    "url": _with(ADDRESS, "The outlet's page on this site."),
    "website": _with(WEB_ADDRESS, _doc(OUTLET_FIELDS, "url")),
    "kind": _with(TEXT, _doc(OUTLET_FIELDS, "kind")),
    "affiliation": _with(TEXT, _doc(OUTLET_FIELDS, "affiliation")),
    "leaning": _with(TEXT, _doc(OUTLET_FIELDS, "leaning")),
    "notes_html": _with(TEXT, _doc(OUTLET_FIELDS, "notes", HTML_NOTE)),
    "pieces": _with(TEXTS, "The `slug` of each of its pieces, newest first."),
    "first_date": _with(DATE, "The date of its oldest dated piece."),
    "last_date": _with(DATE, "The date of its newest dated piece."),
    "stances": _with({"type": "object", "additionalProperties": COUNT},
                     "How many of its pieces take each stance (`unassessed`: no stance given)."),
}


def outlet_row(outlet: Outlet, addresses: Addresses) -> dict[str, Any]:
    profile = outlet.profile
    return {
        "slug": outlet.slug,
        "name": outlet.name,
        "url": addresses.of(f"outlets/{outlet.slug}/"),
        "website": profile.url if profile else "",
        "kind": profile.kind if profile else "",
        "affiliation": profile.affiliation if profile else "",
        "leaning": profile.leaning if profile else "",
        "notes_html": profile.notes_html if profile else "",
        "pieces": [article.slug for article in outlet.articles],
        "first_date": iso(outlet.first_date),
        "last_date": iso(outlet.last_date),
        "stances": outlet.stances,
    }


# --- events -----------------------------------------------------------------------------------

EVENT_DATA_FIELDS: dict[str, dict[str, Any]] = {
    "key": _with(TEXT, _doc(ARTICLE_FIELDS, "event")),
    "url": _with(ADDRESS, "The event's page on this site."),
    "title": _with(TEXT, "The editors' title in content/events.yml, else made from the key."),
    "start": _with(DATE, "The first day of the story: from content/events.yml, else the date its key starts with."),
    "end": _with(DATE, "Its last day, for a story that lasted more than a day (content/events.yml)."),
    "description_html": _with(TEXT, "What happened, from content/events.yml." + HTML_NOTE),
    "pieces": _with(TEXTS, "The `slug` of each piece covering it, oldest first."),
}


def event_row(event: Event, addresses: Addresses) -> dict[str, Any]:
    return {
        "key": event.key,
        "url": addresses.of(f"events/{event.key}/"),
        "title": event.title,
        "start": iso(event.start),
        "end": iso(event.end),
        "description_html": event.description_html,
        "pieces": [article.slug for article in event.articles],
    }


# --- annotations (CSV; their JSON is /annotations.jsonld) -------------------------------------

ANNOTATION_DATA_FIELDS: dict[str, dict[str, Any]] = {
    "id": _with(ADDRESS, "The annotation's `id` in annotations.jsonld (W3C Web Annotation)."),
    "piece": _with(TEXT, "The `slug` of the annotated piece."),
    "annotation": _with(TEXT, _doc(ANNOTATION_FIELDS, "id")),
    "kind": _with(TEXT, _doc(ANNOTATION_FIELDS, "kind")),
    "by": _with(TEXT, _doc(ANNOTATION_FIELDS, "by", " Empty: the editors.")),
    "tags": _with(TEXTS, _doc(ANNOTATION_FIELDS, "tags")),
    "created": _with(DATE, _doc(ANNOTATION_FIELDS, "created")),
    "quote": _with(TEXT, _doc(ANNOTATION_FIELDS, "quote")),
    "prefix": _with(TEXT, _doc(ANNOTATION_FIELDS, "prefix")),
    "suffix": _with(TEXT, _doc(ANNOTATION_FIELDS, "suffix")),
    "start": _with(COUNT, "Where the passage starts in the piece's text as published, in characters (code points)."),
    "end": _with(COUNT, "Where it ends, in the same count."),
    "note": _with(TEXT, _doc(ANNOTATION_FIELDS, "note", " Its Markdown source, as the editors wrote it.")),
}


def placed_annotations(article: Article) -> list[tuple[Article, Annotation]]:
    """A piece's annotations as annotations.jsonld holds them (for the collection's pieces in
    their order, annotated_articles), in the text's order."""
    return [(article, annotation) for annotation in sorted(article.annotations, key=lambda a: a.span or (0, 0))
            if annotation.span]


def annotation_row(placed: tuple[Article, Annotation], addresses: Addresses) -> dict[str, Any]:
    article, annotation = placed
    return {
        "id": annotation_id(addresses.config, article.slug, annotation.id),
        "piece": article.slug,
        "annotation": annotation.id,
        "kind": annotation.kind,
        "by": annotation.by,
        "tags": list(annotation.tags),
        "created": iso(annotation.created),
        "quote": annotation.quote.exact,
        "prefix": annotation.quote.prefix,
        "suffix": annotation.quote.suffix,
        "start": annotation.span[0],
        "end": annotation.span[1],
        "note": annotation.note,
    }


def _(message: str) -> str:
    """Marks a string for the catalogues (site_builder.catalogues): the Data page shows it translated."""
    return message


DATASETS: tuple[Dataset, ...] = (
    _by_piece("pieces", _("Pieces"), _("One record per published piece: its front matter, its address and its word "
                                       "count."), PIECE_FIELDS, lambda collection: collection.articles,
              lambda article: (article,), piece_row),
    Dataset("claims", _("Claims"), _("One record per claim, with its verdict and every piece carrying it."),
            CLAIM_DATA_FIELDS, lambda collection: collection.claims, claim_row),
    Dataset("outlets", _("Outlets"), _("One record per outlet: its profile (content/outlets.yml) and its pieces."),
            OUTLET_DATA_FIELDS, lambda collection: collection.outlets, outlet_row),
    Dataset("events", _("Events"), _("One record per event (a story covered by several pieces)."),
            EVENT_DATA_FIELDS, lambda collection: collection.events, event_row),
    _by_piece("annotations", _("Annotations"), _("One record per annotation placed in a piece's text: the passage "
                                                 "and the editors' note on it. Also as W3C Web Annotations in "
                                                 "annotations.jsonld."),
              ANNOTATION_DATA_FIELDS, annotated_articles, placed_annotations, annotation_row, json=False),
)


def data_date(collection: Collection) -> date | None:
    """The date of the data: the newest day the collection records (a piece's publication or
    import, a correction, an annotation), never the day of the build, so a rebuild is identical."""
    return max((article.newest_day for article in collection.articles if article.newest_day), default=None)
