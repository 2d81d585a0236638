"""An imported original as its "text as collected" page shows it, and the copy of it to download.

A saved news page is mostly navigation, advertising and scripts around a few kilobytes of article
(hundreds of kilobytes in all), and republishing it whole is a copyright exposure. So the page
never embeds it: it shows what `import` read from it, with the same extractors (for a saved page,
the article text trafilatura finds and the metadata the page states; for plain text and Markdown,
the text itself), and links to the file. The file is published beside the page under a `.txt`
name, so every host serves it as plain text: a saved page never becomes a live page, with its
scripts, on the site's own origin (the site's Content-Security-Policy lives in our pages, not in
it). The link's `download` attribute gives it back its own name.

Everything here is read when the page is rendered, which happens only when its dependency key
(the article's full key, covering the original's bytes) changed: `check` and unchanged pages never
run an extractor.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from site_builder.ingest.extracted import Extracted

SAVED_PAGE_SUFFIXES = frozenset({".html", ".htm"})


def download_path(slug: str, source: str) -> str:
    """`articles/<slug>/source/original.html.txt`: the original's own suffix (the reader sees
    what it was), then `.txt` (what it is served as); a fixed name, so no address ever needs escaping."""
    suffix = Path(source).suffix.lower()
    if not re.fullmatch(r"\.[a-z0-9]{1,8}", suffix) or suffix == ".txt":
        suffix = ""
    return f"articles/{slug}/source/original{suffix}.txt"


@dataclass(frozen=True)
class Shown:
    """What the page shows of an original, read afresh for each rendering (nothing of it is kept)."""

    size: int
    sha256: str  # of the bytes published (the import recorded its own: they differ if the file was edited)
    saved_page: bool  # a saved web page: shown by its extracted text, never its markup
    found: Extracted  # what the import's extractor reads from it today (empty if it finds no article)
    text: str = ""  # a plain-text or Markdown original, whole: it holds nothing but the piece and its debris
    extracted_html: str = ""  # a saved page's article text, rendered and sanitised like an article's


@dataclass(frozen=True)
class Original:
    """An imported original (`path`), read only when its page or its copy is made."""

    path: Path
    base_path: str  # for the links in the extracted text

    def read_bytes(self) -> bytes:
        return self.path.read_bytes()

    def shown(self) -> Shown:
        data = self.read_bytes()
        sha256 = hashlib.sha256(data).hexdigest()
        text = _decoded(data)
        found = _extracted(text, self.path.suffix.lower())
        if self.path.suffix.lower() not in SAVED_PAGE_SUFFIXES:
            return Shown(len(data), sha256, False, found, text=text)
        from site_builder.markup import MarkdownRenderer

        rendered = MarkdownRenderer(self.base_path).render(found.text, footnote_prefix="original") if found.text else None
        return Shown(len(data), sha256, True, found, extracted_html=rendered.html if rendered else "")


def _decoded(data: bytes) -> str:
    """The text as import decoded it (UTF-8, else Windows-1252); "" when it is not text."""
    from site_builder.ingest.decode import Unreadable, decode

    try:
        return decode(data).text
    except Unreadable:
        return ""


def _extracted(text: str, suffix: str) -> Extracted:
    """The import's extractor for this kind of file, run on `text`; empty when it finds no article
    (an original put in content/sources/ by hand, or a newer extractor)."""
    from site_builder.ingest.decode import Unreadable
    from site_builder.ingest.importer import EXTRACTORS  # trafilatura's import: only when a page shows one

    extract = EXTRACTORS.get(suffix)
    if extract is None or not text:
        return Extracted()
    try:
        return extract(text)
    except Unreadable:
        return Extracted()


def human_size(size: int) -> str:
    """`6.1 kB (6,064 bytes)`: a readable size, and the exact count for comparing with a copy."""
    if size < 1000:
        return f"{size:,} bytes"
    scaled, unit = (size / 1e6, "MB") if size >= 999_950 else (size / 1e3, "kB")
    return f"{scaled:.1f} {unit} ({size:,} bytes)"
