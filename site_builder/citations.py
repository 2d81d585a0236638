"""Citing a piece: its CSL-JSON item, and from it formatted citations, BibTeX and RIS.

Two things can be cited. The *original* (the outlet's piece: title, outlet, authors, date,
address) is what a researcher quotes; the *annotated edition* (this collection's page: the
editors, the site, its address, the date of its last correction) is what they read. Each is
one CSL-JSON item; every other format is made from that item, so they never disagree.

Only what the editors recorded goes in: a piece with no author, outlet (or `Unknown outlet`,
the guide's way of saying so) or date has no such field, and each style does what it does
without it (APA writes "n.d."); nothing is invented.

Formatting with citeproc-py is the costly part of a piece's citations (csl_styles), so they are
kept in the build state's pack by a hash of its items (`CitationMemo`, `PieceCitations`) and made
again only when its metadata changes; a clean build makes the missing ones in the forked workers.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass
from typing import Iterable

from site_builder.config import SiteConfig
from site_builder.corrections import latest
from site_builder.csl_styles import STYLES, Formatted, format_all
from site_builder.hashing import digest
from site_builder.parallel import in_chunks
from site_builder.reader import Article
from site_builder.textstore import LazyTexts
from site_builder.urls import absolute, has_origin

UNKNOWN_OUTLET = "unknown outlet"  # what the guide tells editors to write when no outlet is stated
COLLECTION_BIB = "data/collection.bib"
COLLECTION_CSL = "data/collection.csl.json"
DOWNLOADS = {"bib": "BibTeX", "ris": "RIS", "csl.json": "CSL-JSON"}  # file extension -> format name


@dataclass(frozen=True)
class PieceCitations(LazyTexts):
    """Everything the cite block and the downloads show of one piece.

    All in one field that the build state keeps in its pack (LazyTexts), like the articles'
    bodies: loading the state then reads where each piece's citations are, not the citations,
    and an edit build reads only those of the pages it renders."""

    LAZY_FIELDS = ("formats",)
    LAZY_CODECS = {"formats": (lambda formats: json.dumps(_plain(formats), ensure_ascii=False),
                               lambda text: _formats(json.loads(text)))}

    formats: tuple  # (original, edition, bibtex, ris, csl_json): see the properties

    @property
    def original(self) -> tuple[Formatted, ...]:
        return self.formats[0]

    @property
    def edition(self) -> tuple[Formatted, ...]:
        return self.formats[1]

    @property
    def bibtex(self) -> str:
        return self.formats[2]

    @property
    def ris(self) -> str:
        return self.formats[3]

    @property
    def csl_json(self) -> str:
        """The original's item, as a one-item CSL-JSON list."""
        return self.formats[4]


def _plain(formats: tuple) -> list:
    original, edition, *files = formats
    return [[[entry.style.key, entry.html, entry.text] for entry in entries] for entries in (original, edition)] + files


def _formats(plain: list) -> tuple:
    styles = {style.key: style for style in STYLES}
    original, edition, *files = plain
    return (*(tuple(Formatted(styles[key], html, text) for key, html, text in entries) for entries in (original, edition)),
            *files)


def outlet_of(article: Article) -> str:
    return "" if article.outlet.strip().lower() == UNKNOWN_OUTLET else article.outlet


def original_item(article: Article) -> dict:
    """The outlet's piece as CSL-JSON (`article-newspaper`: news and opinion pieces alike)."""
    item: dict = {"id": article.slug, "type": "article-newspaper", "title": article.title}
    if article.authors:
        item["author"] = [csl_name(name) for name in article.authors]
    if outlet_of(article):
        item["container-title"] = outlet_of(article)
    if article.date:
        item["issued"] = {"date-parts": [[article.date.year, article.date.month, article.date.day]]}
    if article.source_url:
        item["URL"] = article.source_url
    if article.language:
        item["language"] = article.language
    return item


def edition_item(article: Article, config: SiteConfig) -> dict:
    """This collection's page of the piece as CSL-JSON: a web page by the site's editors (or the
    site, when site.yml names none), dated by its last correction, at its address when known."""
    item: dict = {"id": f"{article.slug}-annotated", "type": "webpage", "title": article.title,
                  "genre": "Annotated edition"}
    if config.editors:
        item["author"] = [csl_name(name) for name in config.editors]
        item["container-title"] = config.title
    else:
        item["author"] = [{"literal": config.title}]
    changed = latest(article.corrections) or (article.provenance.imported if article.provenance else None)
    if changed:
        item["issued"] = {"date-parts": [[changed.year, changed.month, changed.day]]}
    if has_origin(config):
        item["URL"] = absolute(config, f"articles/{article.slug}/")
    item["language"] = article.language or config.language
    return item


def csl_name(name: str) -> dict:
    """`Jane Doe` or `Doe, Jane` -> family and given; a one-word credit (`Reuters`) stays whole."""
    if "," in name:
        family, given = (part.strip() for part in name.split(",", 1))
    else:
        given, _, family = name.strip().rpartition(" ")
    return {"family": family, "given": given} if given and family else {"literal": name.strip()}


def cite(article: Article, config: SiteConfig) -> PieceCitations:
    """Every citation of one piece (citeproc-py runs here: see CitationMemo)."""
    original, edition = original_item(article), edition_item(article, config)
    return PieceCitations((format_all(original), format_all(edition), bibtex_entry(original), ris_record(original),
                           csl_json([original])))


class CitationMemo:
    """Each piece's citations by a hash of what they are made from, kept between builds.

    `known` is the last build's `kept()`; `files` each piece's file key (its render key) by slug,
    which spares hashing every piece's metadata again when its file has not changed."""

    def __init__(self, known: dict | None, config: SiteConfig, files: dict[str, str] | None = None):
        known = known or {}
        self._known: dict[str, PieceCitations] = known.get("citations", {})
        self._by_file: dict[str, str] = known.get("by_file", {})
        self._config, self._files = config, files or {}
        self._used: dict[str, PieceCitations] = {}
        self._used_files: dict[str, str] = {}

    def of(self, article: Article) -> PieceCitations:
        """The piece's citations (hashed from its metadata: the preview renders an edited piece
        from memory before its file key is known)."""
        key = self._metadata_key(article)
        found = self._used.get(key) or self._known.get(key)
        if found is None:
            found = cite(article, self._config)
        self._used[key] = found
        return found

    def prepare(self, articles: Iterable[Article], processes: int) -> None:
        """Make the citations not known yet, across the forked workers when there are many."""
        keyed = [(self._key(article), article) for article in articles]
        missing = [(key, article) for key, article in keyed if key not in self._known]
        for positions, made in in_chunks(lambda i: cite(missing[i][1], self._config), len(missing), processes,
                                         chunk_size=32, parallel_from=64):
            for position, citations in zip(positions, made):
                self._known[missing[position][0]] = citations
        self._used.update((key, self._known[key]) for key, _ in keyed)

    def kept(self) -> dict:
        """What the next build may reuse: the citations this one used, and their files' keys."""
        return {"citations": dict(self._used), "by_file": dict(self._used_files)}

    def _key(self, article: Article) -> str:
        file_key = self._files.get(article.slug)
        key = self._by_file.get(file_key) if file_key else None
        if key is None:
            key = self._metadata_key(article)
        if file_key:
            self._used_files[file_key] = key
        return key

    def _metadata_key(self, article: Article) -> str:
        return digest(original_item(article), edition_item(article, self._config))


def csl_json(items: list[dict]) -> str:
    return json.dumps(items, ensure_ascii=False, indent=1) + "\n"


# --- BibTeX -------------------------------------------------------------------------------------

_BIBTEX_SPECIAL = {"\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "%": r"\%", "&": r"\&", "$": r"\$",
                   "#": r"\#", "_": r"\_", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}"}


def bibtex_escape(text: str) -> str:
    """Text safe inside braces: every character TeX or BibTeX gives a meaning escaped, lines joined."""
    text = " ".join(text.split())
    return "".join(_BIBTEX_SPECIAL.get(char, char) for char in text)


def bibtex_key(item: dict) -> str:
    """A key that stays the same as long as the piece's file name does: `slug` in ASCII."""
    ascii_slug = unicodedata.normalize("NFKD", item["id"]).encode("ascii", "ignore").decode()
    return re.sub(r"[^A-Za-z0-9_:-]+", "-", ascii_slug).strip("-") or "piece"


def bibtex_entry(item: dict) -> str:
    """One `@article` entry (biblatex's type for a newspaper piece, which BibTeX reads too)."""
    fields = [("title", "{" + bibtex_escape(item["title"]) + "}")]  # inner braces: styles keep its case
    if item.get("author"):
        fields.append(("author", " and ".join(_bibtex_name(name) for name in item["author"])))
    if item.get("container-title"):
        fields.append(("journal", bibtex_escape(item["container-title"])))
    if item.get("issued"):
        year, month, day = item["issued"]["date-parts"][0]
        fields += [("year", str(year)), ("month", str(month)), ("date", f"{year:04d}-{month:02d}-{day:02d}")]
    if item.get("URL"):
        fields.append(("url", bibtex_escape(item["URL"])))
    if item.get("language"):
        fields.append(("langid", bibtex_escape(item["language"])))
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields)
    return f"@article{{{bibtex_key(item)},\n{body}\n}}\n"


def _bibtex_name(name: dict) -> str:
    if "literal" in name:
        return "{" + bibtex_escape(name["literal"]) + "}"  # braced: a corporate name is not split
    return f"{bibtex_escape(name['family'])}, {bibtex_escape(name['given'])}"


# --- RIS ----------------------------------------------------------------------------------------

def ris_record(item: dict) -> str:
    """One RIS record: `TY` first, `ER` last; a value's line breaks become spaces (a newline
    would end the tag)."""
    lines = [("TY", "NEWS"), ("TI", item["title"])]
    lines += [("AU", _ris_name(name)) for name in item.get("author", ())]
    if item.get("container-title"):
        lines.append(("T2", item["container-title"]))
    if item.get("issued"):
        year, month, day = item["issued"]["date-parts"][0]
        lines += [("PY", f"{year:04d}"), ("DA", f"{year:04d}/{month:02d}/{day:02d}")]
    if item.get("URL"):
        lines.append(("UR", item["URL"]))
    if item.get("language"):
        lines.append(("LA", item["language"]))
    lines.append(("ER", ""))
    return "".join(f"{tag}  - {' '.join(value.split())}\r\n" for tag, value in lines)


def _ris_name(name: dict) -> str:
    return name["literal"] if "literal" in name else f"{name['family']}, {name['given']}"


# --- the collection's files -------------------------------------------------------------------

def collection_bib(collection, config: SiteConfig) -> bytes:
    """Every piece's BibTeX entry, in the collection's order."""
    return "\n".join(bibtex_entry(original_item(article)) for article in collection.articles).encode("utf-8")


def collection_csl(collection, config: SiteConfig) -> bytes:
    return csl_json([original_item(article) for article in collection.articles]).encode("utf-8")
