"""`/annotations.jsonld`: the collection's annotations as W3C Web Annotations, for any tool to read.

One `AnnotationCollection` (https://www.w3.org/TR/annotation-model/) with its `AnnotationPage`s
embedded (`first`, each page's `next`), so the whole export is one file a static host serves.
Each annotation targets the piece's published page with a `TextQuoteSelector` (the passage, with
the words before and after it) and a `TextPositionSelector` (code points into the piece's text as
published: the outlet's words, not the page's headings or our notes), and, where the piece has a
`source_url`, the outlet's original page with the quote alone (positions there are the outlet's,
which we do not know). The note is a `TextualBody` in its Markdown source (`text/markdown`: what
the editor wrote, so importing the file gives the same note back); each tag is a `tagging` body.

`site-builder import annotations.jsonld` reads this format back (ingest/annotation_import.py).
"""

from __future__ import annotations

import json
from typing import Any, Iterator
from urllib.parse import quote

from site_builder.collection import Collection
from site_builder.config import SiteConfig
from site_builder.reader import Article
from site_builder.urls import absolute

EXPORT_PATH = "annotations.jsonld"
CONTEXT = "http://www.w3.org/ns/anno.jsonld"
PAGE_SIZE = 500  # annotations per AnnotationPage
NOTE_FORMAT = "text/markdown"
# An annotation kind's W3C motivation; a kind not listed is a comment. Import reads it backwards.
MOTIVATIONS = {"comment": "commenting", "context": "describing", "correction": "editing", "question": "questioning"}
DEFAULT_MOTIVATION = "commenting"


def annotated_articles(collection: Collection, config: SiteConfig | None = None) -> list[Article]:
    """The pieces the export shows: those with an annotation placed in their text."""
    return [article for article in collection.articles if article.has_placed_annotations]


def annotations_jsonld(collection: Collection, config: SiteConfig) -> bytes:
    """annotations.jsonld: every placed annotation, in the collection's order, then the text's."""
    items = [annotation_json(article, annotation, config)
             for article in annotated_articles(collection)
             for annotation in sorted(article.annotations, key=lambda a: a.span or (0, 0)) if annotation.span]
    collection_id = absolute(config, EXPORT_PATH)
    document: dict[str, Any] = {
        "@context": CONTEXT,
        "id": collection_id,
        "type": "AnnotationCollection",
        "label": f"{config.title}: the editors' annotations",
        "total": len(items),
    }
    pages = list(_pages(items, collection_id))
    if pages:
        document["first"] = pages[0]
        document["last"] = pages[-1]["id"]
    # Compact: with `indent`, json falls back to its pure-Python encoder, many times slower for a
    # large collection's export.
    return (json.dumps(document, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8")


def _pages(items: list[dict], collection_id: str) -> Iterator[dict]:
    """The pages, each the `next` of the one before (embedded, so the file holds them all)."""
    chunks = [items[start:start + PAGE_SIZE] for start in range(0, len(items), PAGE_SIZE)]
    pages = [{"id": f"{collection_id}#page-{number}", "type": "AnnotationPage", "partOf": collection_id,
              "startIndex": number * PAGE_SIZE, "items": chunk} for number, chunk in enumerate(chunks)]
    for page, following in zip(pages, pages[1:]):
        page["next"] = following
    yield from pages


def annotation_id(config: SiteConfig, slug: str, annotation_key: str) -> str:
    """`…/annotations.jsonld#<slug>/<id>`: unique in the collection, and read back by import."""
    return f"{absolute(config, EXPORT_PATH)}#{slug}/{quote(annotation_key, safe='')}"


def annotation_json(article: Article, annotation, config: SiteConfig) -> dict[str, Any]:
    """One placed annotation as a W3C Annotation."""
    start, end = annotation.span
    passage = {"type": "TextQuoteSelector", "exact": annotation.quote.exact}
    if annotation.quote.prefix:
        passage["prefix"] = annotation.quote.prefix
    if annotation.quote.suffix:
        passage["suffix"] = annotation.quote.suffix
    targets: list[dict[str, Any]] = [{
        "type": "SpecificResource",
        "source": absolute(config, f"articles/{article.slug}/"),
        "selector": [passage, {"type": "TextPositionSelector", "start": start, "end": end}],
    }]
    if article.source_url:
        targets.append({"type": "SpecificResource", "source": article.source_url, "selector": passage})
    motivation = MOTIVATIONS.get(annotation.kind, DEFAULT_MOTIVATION)
    bodies: list[dict[str, Any]] = [{"type": "TextualBody", "value": annotation.note, "format": NOTE_FORMAT,
                                     "language": article.language or config.language, "purpose": motivation}]
    bodies += [{"type": "TextualBody", "value": tag, "purpose": "tagging"} for tag in annotation.tags]
    result: dict[str, Any] = {
        "id": annotation_id(config, article.slug, annotation.id),
        "type": "Annotation",
        "motivation": motivation,
        "creator": _creator(annotation.by, config),
    }
    if annotation.created:
        result["created"] = f"{annotation.created.isoformat()}T00:00:00Z"
    result["body"] = bodies if len(bodies) > 1 else bodies[0]
    result["target"] = targets if len(targets) > 1 else targets[0]
    return result


def _creator(by: str, config: SiteConfig) -> dict[str, str]:
    """The named annotator, else the site's editors (an organisation: import reads it as no `by`)."""
    if by:
        return {"type": "Person", "name": by}
    return {"id": absolute(config, ""), "type": "Organization", "name": f"{config.title} editors"}
