"""`site-builder import FILE.json`: annotations from Hypothesis or any W3C tool, attached to pieces.

A file is read whole (up to MAX_FILE_BYTES) and recognised by its shape: the Hypothesis client's
export (`{export_date, export_userid, client_version, annotations}`), a Hypothesis API search
result (`{total, rows}`, or its rows alone), or W3C Web Annotations (one Annotation, a list of
them, an AnnotationPage, or an AnnotationCollection with its pages in the file, as the build's
own annotations.jsonld). Each annotation then goes to the piece whose `source_url` (or published
page, for our own export) is its target, and is anchored in the piece's text by its quote; the
position hint of a Hypothesis selector counts UTF-16 code units (JavaScript's string indexes) and
is turned into code points first.

What cannot be used is said, one line per annotation with its reason, and never written: replies,
page notes, highlights without a note, private or hidden annotations, pages the collection does
not hold, passages not in the piece's text (a page's header, footer or sidebar). What is used is
written into the piece's front matter (front_matter_edit.py), keyed by the source's id: the same
file imported twice changes nothing, an updated one only what changed.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Any, Iterator
from urllib.parse import parse_qsl, unquote, urlencode, urlsplit

from site_builder.anchoring import Anchor, TextQuote, anchor
from site_builder.annotation_export import DEFAULT_MOTIVATION, EXPORT_PATH, MOTIVATIONS
from site_builder.annotations import plain_text
from site_builder.config import SiteConfig
from site_builder.errors import display_path
from site_builder.ingest.front_matter_edit import CannotEdit, edit_annotations
from site_builder.reader import Article, read_articles
from site_builder.urls import absolute

MAX_FILE_BYTES = 20_000_000  # a class's year of Hypothesis annotations is a few MB
WORLD = "group:__world__"  # Hypothesis: readable by anyone
KINDS = {motivation: kind for kind, motivation in MOTIVATIONS.items()}
_TRACKING_RE = re.compile(r"^(utm_\w+|fbclid|gclid|dclid|gclsrc|msclkid|yclid|mc_cid|mc_eid|igshid|_ga|_gl|"
                          r"ref_src|cmpid|ocid|spm)$", re.IGNORECASE)
_NOT_READ = {"RangeSelector": "Hypothesis's XPath RangeSelector", "XPathSelector": "an XPathSelector",
             "CssSelector": "a CssSelector", "FragmentSelector": "a FragmentSelector"}


class NotAnnotations(Exception):
    """The file cannot be read as annotations; the message is the one-line reason."""


@dataclass(frozen=True)
class Incoming:
    """One annotation as a file gives it, in our terms; `skip` says why it cannot be used."""

    label: str  # how the report names it: `file.json: <id>`
    id: str
    targets: tuple[str, ...]  # the addresses it is on
    quote: TextQuote | None = None
    utf16: bool = False  # the position hint counts UTF-16 code units (Hypothesis), not code points
    note: str = ""
    by: str = ""
    tags: tuple[str, ...] = ()
    created: date | None = None
    kind: str | None = None  # None: the file has no kind (Hypothesis); an entry's own stays
    skip: str = ""
    malformed: bool = False  # `skip` is a fault of the file's, not a choice of ours


@dataclass(frozen=True)
class Line:
    """One line of the report: what happened to one annotation (or to a whole file)."""

    status: str  # attached, updated, unchanged, skipped or failed
    label: str
    message: str = ""
    article: str = ""

    def __str__(self) -> str:
        where = f" -> {self.article}" if self.article else ""
        said = f" ({self.message})" if self.message and self.article else (f": {self.message}" if self.message else "")
        return f"{self.label}{where}{said}"


# --- reading a file ---------------------------------------------------------------------------

def is_annotation_file(path: Path) -> bool:
    return path.suffix.lower() in (".json", ".jsonld")


def read_file(path: Path, config: SiteConfig) -> list[Incoming]:
    """Every annotation in the file, or NotAnnotations with the reason the file cannot be read."""
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise NotAnnotations(f"{size / 1e6:.1f} MB is more than an annotation file may hold "
                                 f"({MAX_FILE_BYTES // 1_000_000} MB): export fewer annotations at a time "
                                 "(one group or one document)")
        data = json.loads(path.read_bytes().decode("utf-8-sig"))
    except OSError as error:
        raise NotAnnotations(f"cannot read: {error.strerror or error}") from None
    except UnicodeDecodeError:
        raise NotAnnotations("not UTF-8 text: an annotation export is JSON in UTF-8") from None
    except json.JSONDecodeError as error:
        raise NotAnnotations(f"not valid JSON (line {error.lineno}, column {error.colno}: {error.msg})") from None
    except RecursionError:
        raise NotAnnotations("JSON nested too deeply to be an annotation export") from None
    name = path.name
    hypothesis = _hypothesis_entries(data)
    if hypothesis is not None:
        return [_from_hypothesis(entry, index, name) for index, entry in enumerate(hypothesis, 1)]
    return [_from_w3c(entry, index, name, config) for index, entry in enumerate(_w3c_entries(data), 1)]


def _hypothesis_entries(data: Any) -> list | None:
    """The annotations of a Hypothesis client export or API search result; None if it is neither."""
    if isinstance(data, dict) and isinstance(data.get("annotations"), list) and \
            {"export_date", "export_userid", "client_version"} & set(data):
        return data["annotations"]
    if isinstance(data, dict) and isinstance(data.get("rows"), list) and "total" in data:
        return data["rows"]
    if isinstance(data, list) and data and all(isinstance(e, dict) and "uri" in e and "user" in e for e in data):
        return data  # the rows alone
    return None


def _w3c_entries(data: Any) -> list:
    """The annotations of W3C JSON(-LD): an Annotation, a list, a page or a collection."""
    if isinstance(data, list):
        return data
    if not isinstance(data, dict):
        raise NotAnnotations(_UNKNOWN)
    types = _types(data)
    if "Annotation" in types:
        return [data]
    if "AnnotationPage" in types:
        return list(_page_items(data))
    if "AnnotationCollection" in types:
        first = data.get("first")
        if isinstance(first, str):
            raise NotAnnotations(f"an AnnotationCollection whose pages are not in the file (`first` is a link, "
                                 f"{first}): save its pages and import them")
        return list(_page_items(first)) if isinstance(first, dict) else []
    raise NotAnnotations(_UNKNOWN)


_UNKNOWN = ("not a known annotation format: expected a Hypothesis export ({export_date, annotations: [...]}), a "
            "Hypothesis API search result ({total, rows: [...]}) or W3C Web Annotations (an Annotation, a list of "
            "them, an AnnotationPage or an AnnotationCollection)")


def _page_items(page: dict) -> Iterator:
    """A page's items, then those of the pages embedded after it (`next`)."""
    seen = 0
    while isinstance(page, dict) and seen < 100_000:
        items = page.get("items")
        yield from items if isinstance(items, list) else []
        page, seen = page.get("next"), seen + 1
    if isinstance(page, str):
        raise NotAnnotations(f"an AnnotationPage whose next page is not in the file ({page}): save every page")


def _types(value: dict) -> set[str]:
    kind = value.get("type", value.get("@type"))
    return {str(k) for k in kind} if isinstance(kind, list) else {str(kind)}


# --- Hypothesis -------------------------------------------------------------------------------

def _from_hypothesis(entry: Any, index: int, name: str) -> Incoming:
    if not isinstance(entry, dict):
        return Incoming(f"{name}: annotation {index}", "", (), skip="not an annotation (a JSON object)",
                        malformed=True)
    key = _text(entry.get("id"))
    label = f"{name}: {key or f'annotation {index}'}"
    if not key:
        return Incoming(label, "", (), skip="it has no `id`", malformed=True)
    targets = [t for t in entry.get("target") or [] if isinstance(t, dict)] if isinstance(entry.get("target"), list) else []
    uris = tuple(u for u in [_text(entry.get("uri"))] + [_text(t.get("source")) for t in targets] if u)
    quote, unread = _quote(targets, utf16=True)
    found = Incoming(label, key, uris, quote, True, _text(entry.get("text")), _hypothesis_user(entry),
                     tuple(_text(t) for t in entry.get("tags") or [] if _text(t)) if isinstance(entry.get("tags"), list)
                     else (), _day(entry.get("created")))
    return replace(found, skip=_hypothesis_skip(entry, found, unread))


def _hypothesis_skip(entry: dict, found: Incoming, unread: str) -> str:
    """Why a Hypothesis annotation is not imported ("" when it is)."""
    references = entry.get("references")
    if references:
        return "a reply to another annotation: replies stay on Hypothesis (only notes on passages are imported)"
    if entry.get("hidden"):
        return "hidden by a moderator of its Hypothesis group"
    readers = (entry.get("permissions") or {}).get("read") if isinstance(entry.get("permissions"), dict) else None
    if not isinstance(readers, list) or WORLD not in readers:
        groups = [r for r in readers or [] if isinstance(r, str) and r.startswith("group:")]
        if groups:
            return f"shared only in the Hypothesis group `{groups[0][6:]}`, not public: not published here"
        return "private (only its author can read it on Hypothesis): not published here"
    if found.quote is None:
        if unread:
            return f"no quoted passage: only {unread}, which is not read (it names page structure, not words)"
        return "a page note (on the whole page, no passage quoted): only notes on passages are imported"
    if not found.note.strip():
        return "a highlight with no note: there is nothing to show beside the passage"
    return ""


def _hypothesis_user(entry: dict) -> str:
    """The annotator's display name, else the name in `acct:name@hypothes.is`."""
    info = entry.get("user_info")
    shown = _text(info.get("display_name")) if isinstance(info, dict) else ""
    user = _text(entry.get("user"))
    return shown or (user[5:].split("@")[0] if user.startswith("acct:") else user)


# --- W3C --------------------------------------------------------------------------------------

def _from_w3c(entry: Any, index: int, name: str, config: SiteConfig) -> Incoming:
    if not isinstance(entry, dict) or "Annotation" not in _types(entry):
        return Incoming(f"{name}: annotation {index}", "", (), skip="not a W3C Annotation (no `type: Annotation`)",
                        malformed=True)
    given = _text(entry.get("id") or entry.get("@id"))
    label = f"{name}: {given or f'annotation {index}'}"
    if not given:
        return Incoming(label, "", (), skip="it has no `id`", malformed=True)
    raw_targets = entry.get("target")
    targets = [t for t in (raw_targets if isinstance(raw_targets, list) else [raw_targets]) if t is not None]
    uris = tuple(u for u in (_target_source(t) for t in targets) if u)
    specific = sorted((t for t in targets if isinstance(t, dict)), key=lambda t: not _is_ours(_target_source(t), config))
    quote, unread = _quote(specific, utf16=False)
    notes, tags, external = _bodies(entry)
    motivations = _as_list(entry.get("motivation"))
    found = Incoming(label, _our_id(given), uris, quote, False, "\n\n".join(notes), _creator(entry, config), tuple(tags),
                     _day(entry.get("created")),
                     next((KINDS[m] for m in motivations if m in KINDS), KINDS[DEFAULT_MOTIVATION]))
    if "replying" in motivations:
        return replace(found, skip="a reply to another annotation: only notes on passages are imported")
    if not uris:
        return replace(found, skip="it has no target (the page it is on)", malformed=True)
    if quote is None:
        return replace(found, skip=f"no quoted passage: only {unread}, which is not read" if unread else
                       "on the whole page (no TextQuoteSelector): only notes on passages are imported")
    if not found.note.strip():
        return replace(found, skip=(f"its note is not in the file (a link to {external[0]})" if external
                                    else "a highlight with no note: there is nothing to show beside the passage"))
    return found


def _target_source(target: Any) -> str:
    if isinstance(target, str):
        return target
    if isinstance(target, dict):
        source = target.get("source")
        if isinstance(source, dict):
            source = source.get("id") or source.get("@id")
        return _text(source or target.get("id"))
    return ""


def _bodies(entry: dict) -> tuple[list[str], list[str], list[str]]:
    """(notes, tags, bodies that are links): TextualBody values by purpose; `bodyValue` is a note."""
    notes, tags, external = [], [], []
    if _text(entry.get("bodyValue")):
        notes.append(_text(entry["bodyValue"]))
    for body in _as_list(entry.get("body")):
        if isinstance(body, str):
            external.append(body)
        elif isinstance(body, dict) and "value" in body:
            value = _text(body.get("value"))
            if value:
                (tags if "tagging" in _as_list(body.get("purpose")) else notes).append(value)
        elif isinstance(body, dict) and (body.get("id") or body.get("source")):
            external.append(_text(body.get("id") or body.get("source")))
    return notes, tags, external


def _creator(entry: dict, config: SiteConfig) -> str:
    """The annotator's name; none for the site's own editors (as the build's export names them)."""
    creator = next(iter(_as_list(entry.get("creator"))), None)
    if isinstance(creator, str):
        return "" if creator == absolute(config, "") else creator
    if not isinstance(creator, dict):
        return ""
    if "Organization" in _types(creator) and _text(creator.get("id")) == absolute(config, ""):
        return ""
    return _text(creator.get("name") or creator.get("nickname"))


def _our_id(given: str) -> str:
    """The annotation's own id in an export of ours (`…/annotations.jsonld#<slug>/<id>`), else as given."""
    marker = f"/{EXPORT_PATH}#"
    if marker in given or given.startswith(f"{EXPORT_PATH}#"):
        fragment = given.split("#", 1)[1]
        if "/" in fragment:
            return unquote(fragment.split("/", 1)[1])
    return given


# --- selectors (both formats) -------------------------------------------------------------------

def _quote(targets: list[dict], utf16: bool) -> tuple[TextQuote | None, str]:
    """The first target's quote with its position hint, or why there is none (a selector not read)."""
    unread = ""
    for target in targets:
        selectors = list(_flattened(target.get("selector")))
        quote = next((s for s in selectors if s.get("type") == "TextQuoteSelector"), None)
        position = next((s for s in selectors if s.get("type") == "TextPositionSelector"), None)
        if quote is not None:
            start = position.get("start") if position else None
            hint = start if isinstance(start, int) and not isinstance(start, bool) and start >= 0 else None
            return TextQuote(_text(quote.get("exact"), strip=False), _text(quote.get("prefix"), strip=False),
                             _text(quote.get("suffix"), strip=False), hint), ""
        unread = unread or next((_NOT_READ[s.get("type")] for s in selectors if s.get("type") in _NOT_READ), "")
    return None, unread


def _flattened(selector: Any) -> Iterator[dict]:
    """Every selector, those refining another (`refinedBy`) included."""
    for item in _as_list(selector):
        depth = 0
        while isinstance(item, dict) and depth < 20:
            yield item
            item, depth = item.get("refinedBy"), depth + 1


# --- attaching --------------------------------------------------------------------------------

def normalise_url(url: str) -> str:
    """An address as two tools may write the same page: no scheme, `www.`, fragment, tracking
    parameters or trailing slash; host in lower case; the other parameters sorted."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return url.strip()
    host = (parts.hostname or "").removeprefix("www.")
    if parts.port:
        host += f":{parts.port}"
    query = urlencode(sorted((k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
                             if not _TRACKING_RE.match(k)))
    return host + parts.path.rstrip("/") + (f"?{query}" if query else "")


def _is_ours(url: str, config: SiteConfig) -> bool:
    return normalise_url(url).startswith(normalise_url(absolute(config, "articles")))


@dataclass
class _Piece:
    article: Article
    text: str
    astral: bool  # the text has characters beyond the BMP: UTF-16 hints need converting


def pieces_by_address(articles: list[Article], config: SiteConfig) -> dict[str, _Piece]:
    """Each piece under its source_url and its published page, normalised."""
    found: dict[str, _Piece] = {}
    for article in articles:
        text = plain_text(article.text_html)
        piece = _Piece(article, text, any(ord(c) > 0xFFFF for c in text))
        for url in (article.source_url, absolute(config, f"articles/{article.slug}/")):
            if url:
                found.setdefault(normalise_url(url), piece)
    return found


def code_points(text: str, utf16_offset: int) -> int:
    """The code point index in `text` at `utf16_offset` UTF-16 code units (a character beyond
    the BMP, such as an emoji, is two of them); past the end, counted on as one each."""
    units = 0
    for index, char in enumerate(text):
        if units >= utf16_offset:
            return index
        units += 2 if ord(char) > 0xFFFF else 1
    return len(text) + (utf16_offset - units)


def import_annotations(path: Path, config: SiteConfig, *, dry_run: bool = False,
                       articles: list[Article] | None = None) -> list[Line]:
    """Attach the annotations of one file; one report line for each (or one for the file)."""
    try:
        incoming = read_file(path, config)
    except NotAnnotations as reason:
        return [Line("failed", str(path), str(reason))]
    if not incoming:
        return [Line("skipped", str(path), "no annotations in the file")]
    if articles is None:
        articles = read_articles(config)[0]
    pieces = pieces_by_address(articles, config)
    report: list[Line] = []
    planned: dict[Path, list[tuple[Incoming, dict]]] = {}
    for annotation in incoming:
        line, entry, piece = _place(annotation, pieces, config)
        if line is not None:
            report.append(line)
        else:
            planned.setdefault(config.root / piece.article.path, []).append((annotation, entry))
    for article_path, entries in planned.items():
        report += _write_entries(article_path, entries, config, dry_run)
    order = {a.label: i for i, a in enumerate(incoming)}
    return sorted(report, key=lambda line: order.get(line.label, -1))


def _place(annotation: Incoming, pieces: dict[str, _Piece], config: SiteConfig):
    """(a report line, None, None) when it cannot be used, else (None, the entry to write, its piece)."""
    if annotation.skip:
        return Line("failed" if annotation.malformed else "skipped", annotation.label, annotation.skip), None, None
    piece = next((pieces[n] for n in map(normalise_url, annotation.targets) if n in pieces), None)
    if piece is None:
        return Line("skipped", annotation.label, f"its page is not in the collection ({annotation.targets[0]}): "
                    "import the page first, or check its `source_url`"), None, None
    quote = annotation.quote
    if quote.start is not None and annotation.utf16 and piece.astral:
        quote = replace(quote, start=code_points(piece.text, quote.start))
    placed = anchor(piece.text, quote)
    shown = display_path(config.root / piece.article.path, config.root)
    if not isinstance(placed, Anchor):
        where = ("" if "empty" in placed.reason or "longer" in placed.reason else
                 " (it may be in the page's header, footer or a sidebar, which import leaves out)")
        return Line("skipped", annotation.label, f"its passage “{_short(quote.exact)}” is not in the text of "
                    f"{shown}: {placed.reason}{where}"), None, None
    return None, _entry(annotation, piece.text, placed), piece


def _entry(annotation: Incoming, text: str, placed: Anchor) -> dict:
    """The front-matter entry: the passage and its context as the piece's text has them (so it
    is found exactly next time), and the note, annotator, tags, kind, id and date as given."""
    quote = annotation.quote
    prefix = text[max(0, placed.start - len(quote.prefix)):placed.start]
    suffix = text[placed.end:placed.end + len(quote.suffix)]
    return {"quote": text[placed.start:placed.end], "prefix": prefix, "suffix": suffix, "at": placed.start,
            "note": annotation.note, "kind": annotation.kind, "by": annotation.by, "tags": annotation.tags,
            "id": annotation.id, "created": annotation.created}


def _write_entries(path: Path, entries: list[tuple[Incoming, dict]], config: SiteConfig, dry_run: bool) -> list[Line]:
    """Edit one article file for all its annotations, then write it once, atomically."""
    from site_builder.ingest.importer import write_atomically  # the import's own atomic write

    shown = display_path(path, config.root)
    try:
        original = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        return [Line("failed", a.label, f"cannot read {shown} ({getattr(error, 'strerror', None) or error})")
                for a, _ in entries]
    lines = []
    text, edits = edit_annotations(original, [entry for _, entry in entries])
    for (annotation, entry), edit in zip(entries, edits):
        if isinstance(edit, CannotEdit):
            lines.append(Line("failed", annotation.label, f"cannot add it to {shown}: {edit}"))
            continue
        status = {"added": "attached"}.get(edit.status, edit.status)
        said = f"at {entry['at']}: “{_short(entry['quote'])}”" if edit.status == "added" else ", ".join(edit.changed)
        lines.append(Line(status, annotation.label, said, shown))
    if text != original and not dry_run:
        try:
            write_atomically(path, text)
        except OSError as error:
            return [Line("failed", line.label, f"cannot write {shown} ({error.strerror or error}); it is unchanged")
                    if line.status in ("attached", "updated") else line for line in lines]
    return lines


# --- small helpers ----------------------------------------------------------------------------

def _text(value: Any, strip: bool = True) -> str:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        return ""
    return value.strip() if strip else value


def _as_list(value: Any) -> list:
    return value if isinstance(value, list) else ([] if value is None else [value])


def _day(value: Any) -> date | None:
    try:
        return date.fromisoformat(value[:10]) if isinstance(value, str) else None
    except ValueError:
        return None


def _short(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit - 1] + "…"
