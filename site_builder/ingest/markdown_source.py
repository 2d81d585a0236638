"""A Markdown source -> Extracted: its own front matter where it has one, then the text cleaned.

Markdown files arrive from other tools (a note-taking app, another generator, a clipper) with
whatever front matter they had. We take the fields we understand when they are plain values,
and run the text through the same debris cleaning as scraped plain text.
"""

from __future__ import annotations

from dataclasses import replace

from site_builder.ingest.dates import parse_date
from site_builder.ingest.extracted import Extracted
from site_builder.ingest.plaintext import extract_text
from site_builder.reader import split_front_matter
from site_builder.yamlsource import load_mapping


def extract_markdown(text: str) -> Extracted:
    if not text.lstrip().startswith("---"):
        return extract_text(text)
    front_matter, body, problems = split_front_matter(text.lstrip(), "")
    if problems:
        return extract_text(text)
    values = load_mapping(front_matter, "")[0].values
    title = _plain(values.get("title"))
    found = extract_text(body, title=title)
    authors = values.get("author") or values.get("authors")
    return replace(
        found,
        authors=found.authors or tuple(a for a in map(_plain, authors if isinstance(authors, list) else [authors]) if a),
        outlet=found.outlet or _plain(values.get("outlet") or values.get("publisher") or values.get("site_name")),
        date=found.date or parse_date(_plain(values.get("date"))[:10] if values.get("date") else ""),
        source_url=found.source_url or _url(_plain(values.get("source_url") or values.get("url") or values.get("source"))),
    )


def _plain(value: object) -> str:
    return str(value).strip() if isinstance(value, (str, int, float)) and not isinstance(value, bool) else ""


def _url(value: str) -> str:
    return value if value.startswith(("http://", "https://")) else ""
