"""Annotating from the preview: select words in a piece, write the note, and it is saved into the
piece's file, as an editor would have written it by hand.

Only `serve` has this, and only on a loopback address: the published site stays plain files (the
script, its style and the endpoint below exist in this server alone, never in build/). The
browser side is `preview_assets/annotate.js`; the server side is this module:
- `with_editing` adds the script to an article page as it is served, with what it needs: the
  piece's slug, the SHA-256 of the file the page was made from, the kinds of note, and a secret
  made for this run of `serve`. The page's Content-Security-Policy allows the site's own
  (same-origin) script and style files, so these need no hash; the secret sits in the page, which
  no other origin can read.
- `AnnotationsHandler` takes the edits (JSON, POST): only with the secret and an `Origin` that is
  this server's own (a page on any other origin, another port included, gets 403). It names the
  article by its slug, looked up among the collection's articles: nothing in a request is used as
  a path. A file that changed since its page was made is not written (409), and a write is
  atomic (a temporary file renamed over it).
- The quote saved is computed here, from the text as the page showed it (`passage`): the selected
  words with as few words around them as a build needs to place them there and nowhere else,
  checked with the build's own anchoring, and the position hint.
The file is edited by `ingest.front_matter_edit`, which changes only the annotation's lines.
The watcher then sees the save like any other and the page reloads with the note.
"""

from __future__ import annotations

import hashlib
import hmac
import html
import ipaddress
import json
import os
import re
import secrets
import subprocess
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from tornado.web import RequestHandler

from site_builder.anchoring import TextQuote
from site_builder.annotations import default_id, exact_span, plain_text
from site_builder.ingest.front_matter_edit import CannotEdit, add_or_update_annotation, edit_annotation, remove_annotation
from site_builder.reader import read_one_article, split_front_matter
from site_builder.yamlsource import load_mapping

URL_PREFIX = "/__site_builder__/"  # outside any base path a site is built for; never in build/
ENDPOINT = URL_PREFIX + "annotations"
ASSETS = Path(__file__).parent / "preview_assets"
ASSET_TYPES = {"annotate.js": "text/javascript; charset=utf-8", "annotate.css": "text/css; charset=utf-8"}
TOKEN_HEADER = "X-Site-Builder-Token"
DEFAULT_KIND = "comment"
MAX_CONTEXT_WORDS = 40  # a prefix or suffix never grows past this many words
MAX_REQUEST_BYTES = 256 * 1024


@dataclass(frozen=True)
class Editing:
    """What the editing endpoint trusts: this run's secret, the `Host`s this server answers to
    (its Origin is `http://<host>`), and the annotator's name for new notes."""

    secret: str
    hosts: frozenset[str]
    annotator: str = ""

    def allows(self, remote_ip: str, host: str, origin: str, token: str) -> bool:
        """A request from this machine, addressed to this server, by a page this server served."""
        return (_is_loopback(remote_ip) and host in self.hosts and origin == f"http://{host}"
                and hmac.compare_digest(token.encode(), self.secret.encode()))


def editing_for(host: str, port: int, annotator: str) -> Editing | None:
    """The editing this server may offer: none unless it listens on a loopback address only."""
    if host != "localhost" and not _is_loopback(host):
        return None
    names = {host, "localhost", "127.0.0.1", "[::1]"}
    return Editing(secrets.token_urlsafe(32), frozenset(f"{name}:{port}" for name in names), annotator)


def annotator_name(given: str | None, root: Path) -> str:
    """`serve --annotator NAME`, else git's `user.name` (for the site's repository), else none."""
    if given is not None:
        return given.strip()
    try:
        found = subprocess.run(["git", "config", "user.name"], cwd=root, capture_output=True, text=True, timeout=5)
    except (OSError, subprocess.SubprocessError):
        return ""
    return found.stdout.strip() if found.returncode == 0 else ""


def _is_loopback(address: str) -> bool:
    try:
        return ipaddress.ip_address(address.strip("[]")).is_loopback
    except ValueError:
        return False


# --- the page, as served ------------------------------------------------------------------------

def article_slug(output_dir: Path, page: Path) -> str | None:
    """The slug of the piece whose page `page` is (articles/<slug>/index.html), if it is one."""
    try:
        parts = page.relative_to(output_dir.resolve()).parts
    except ValueError:
        return None
    if len(parts) == 3 and parts[0] == "articles" and parts[2] == "index.html":
        return parts[1]
    return None


def with_editing(page: bytes, editing: Editing, slug: str, sha256: str, kinds: dict[str, str]) -> bytes:
    """`page` with the annotating script and style, and what the script needs in its attributes."""
    settings = {"endpoint": ENDPOINT, "token": editing.secret, "slug": slug, "sha256": sha256,
                "kinds": [[name, meaning] for name, meaning in kinds.items()],
                "defaultKind": DEFAULT_KIND if DEFAULT_KIND in kinds else next(iter(kinds), DEFAULT_KIND),
                "annotator": editing.annotator}
    tags = (f'<link rel="stylesheet" href="{URL_PREFIX}annotate.css">'
            f'<script src="{URL_PREFIX}annotate.js" defer data-annotate="{html.escape(json.dumps(settings))}"></script>')
    return page.replace(b"</head>", tags.encode() + b"</head>", 1)


class AssetHandler(RequestHandler):
    """The script and its style (public: they hold no secret)."""

    def get(self, name: str) -> None:
        if name not in ASSET_TYPES:
            self.set_status(404)
            return self.finish("Not found\n")
        self.set_header("Content-Type", ASSET_TYPES[name])
        self.set_header("Cache-Control", "no-store")
        self.finish((ASSETS / name).read_bytes())


# --- the endpoint -------------------------------------------------------------------------------

class Refused(Exception):
    """A request not carried out: its HTTP status, and why, for the editor."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status


class AnnotationsHandler(RequestHandler):
    """POST {action: read | add | edit | delete, slug, sha256, ...}: see `carry_out`."""

    def initialize(self, preview, editing: Editing) -> None:
        self.preview, self.editing = preview, editing

    def set_default_headers(self) -> None:
        self.set_header("Cache-Control", "no-store")
        self.set_header("Content-Type", "application/json; charset=utf-8")

    def post(self) -> None:
        headers = self.request.headers
        if not self.editing.allows(self.request.remote_ip or "", headers.get("Host", ""), headers.get("Origin", ""),
                                   headers.get(TOKEN_HEADER, "")):
            return self._answer(403, {"error": "Only pages served by this preview may annotate."})
        if not headers.get("Content-Type", "").startswith("application/json") or \
                len(self.request.body) > MAX_REQUEST_BYTES:
            return self._answer(400, {"error": "Send the annotation as JSON."})
        try:
            request = json.loads(self.request.body)
            if not isinstance(request, dict):
                raise ValueError
            self._answer(200, carry_out(self.preview, self.editing, request))
        except ValueError:
            self._answer(400, {"error": "Send the annotation as JSON."})
        except Refused as refused:
            self._answer(refused.status, {"error": str(refused)})

    def _answer(self, status: int, body: dict) -> None:
        self.set_status(status)
        self.finish(json.dumps(body))


def carry_out(preview, editing: Editing, request: dict[str, Any]) -> dict[str, Any]:
    """Read, add, edit or delete one annotation of the piece `request["slug"]`, in its file.

    The file must be the one the page was made from (`request["sha256"]`). An annotation is named
    by its id as the page shows it (`data-annotation`); one written without an `id:` is found by
    its place in the list."""
    path, config = _article_file(preview, request.get("slug")), preview.last.config
    before = path.read_bytes()
    if hashlib.sha256(before).hexdigest() != request.get("sha256"):
        raise Refused(409, f"{_shown(path, config)} changed on disk since this page was made (saved in another "
                           "window?). Nothing was written: reload the page, then annotate again.")
    article = _article(path, config, preview)
    text, action = before.decode("utf-8"), request.get("action")
    kinds = config.annotation_kinds
    if action == "read":
        index = _index(article, request.get("id"))
        return {"id": request["id"], **_item(text, index)}
    if action == "add":
        after, annotation_id = _added(text, article, request, editing.annotator, kinds)
        message = "Saved"
    elif action == "edit":
        annotation_id = request.get("id")
        after = _edited(text, _index(article, annotation_id), request, kinds)
        message = "Saved" if after != text else "Nothing changed"
    elif action == "delete":
        annotation_id = request.get("id")
        after = _removed(text, _index(article, annotation_id))
        message = "Deleted"
    else:
        raise Refused(400, "Unknown action.")
    if after != text:
        _replace(path, before, after)
    return {"id": annotation_id, "message": message, "changed": after != text}


def _article_file(preview, slug: Any) -> Path:
    """The file of the piece `slug`, among those the last build read (never a path from the request)."""
    report = preview.last
    if report is None or report.collection is None or preview.problems:
        raise Refused(409, "The site has problems: fix them (the preview shows them), then annotate.")
    article = next((a for a in report.collection.articles if a.slug == slug), None)
    if article is None:
        raise Refused(404, "No such piece in the collection.")
    return report.config.root / article.path


def _article(path: Path, config, preview):
    """The piece as its file now reads (its text and annotations), or why it cannot be annotated."""
    for _ in range(3):  # a rebuild may update the cache we read link targets from: try again
        try:
            article, problems = read_one_article(path, config, preview.state.article_entries())
            break
        except RuntimeError:
            continue
    else:
        raise Refused(503, "The preview is busy rebuilding: try again.")
    errors = [p for p in problems if p.severity != "warning"]
    if article is None or errors:
        raise Refused(409, f"Fix this first: {errors[0] if errors else 'the file cannot be read'}")
    return article


def _shown(path: Path, config) -> str:
    try:
        return path.relative_to(config.root).as_posix()
    except ValueError:
        return str(path)


def _index(article, annotation_id: Any) -> int:
    for index, annotation in enumerate(article.annotations):
        if annotation.id == annotation_id:
            return index
    raise Refused(409, "That note is no longer in the file: reload the page.")


def _item(text: str, index: int) -> dict[str, Any]:
    """The entry at `index` as the file has it (the note's Markdown, the kind, the tags)."""
    item = _items(text)[index]
    return {"note": str(item.get("note") or ""), "kind": item.get("kind") or DEFAULT_KIND,
            "tags": [str(tag) for tag in item.get("tags") or []], "quote": str(item.get("quote") or ""),
            "by": str(item.get("by") or "")}


def _items(text: str) -> list[dict[str, Any]]:
    front_matter, _, _ = split_front_matter(text.lstrip("\ufeff"), "")
    source, _ = load_mapping(front_matter, "")
    return source.values.get("annotations") or []


# --- the edits ----------------------------------------------------------------------------------

def _added(text: str, article, request: dict[str, Any], annotator: str, kinds) -> tuple[str, str]:
    selected, near = request.get("exact"), request.get("start")
    if not isinstance(selected, str) or not isinstance(near, int):
        raise Refused(400, "Select the words to annotate.")
    quote = passage(plain_text(article.text_html), selected, near)
    taken = {annotation.id for annotation in article.annotations}
    annotation_id = _unused(default_id(quote), taken)
    entry = {"quote": quote.exact, "prefix": quote.prefix, "suffix": quote.suffix, "at": quote.start,
             "note": _note(request), "kind": _kind(request, kinds), "by": annotator, "tags": _tags(request),
             "id": annotation_id, "created": date.today()}
    return _edit(lambda: add_or_update_annotation(text, entry)), annotation_id


def _edited(text: str, index: int, request: dict[str, Any], kinds) -> str:
    """The note, kind and tags as the form gives them; a kind or tags the entry did not write
    stay unwritten when the form leaves them at the default."""
    item = _items(text)[index]
    kind, tags = _kind(request, kinds), _tags(request)
    entry = {"note": _note(request),
             "kind": None if "kind" not in item and kind == DEFAULT_KIND else kind,
             "tags": None if "tags" not in item and not tags else tags}
    return _edit(lambda: edit_annotation(text, entry, index=index).text)


def _removed(text: str, index: int) -> str:
    return _edit(lambda: remove_annotation(text, index))


def _edit(make) -> str:
    try:
        return make()
    except CannotEdit as reason:
        raise Refused(409, f"The file cannot be changed safely: {reason}.") from None


def _note(request: dict[str, Any]) -> str:
    """The note's Markdown; several lines end with a line break, as `note: |` holds them."""
    note = request.get("note")
    note = note.replace("\r\n", "\n").replace("\r", "\n").strip() if isinstance(note, str) else ""
    if not note:
        raise Refused(400, "Write the note first.")
    return note + "\n" if "\n" in note else note


def _kind(request: dict[str, Any], kinds) -> str:
    kind = request.get("kind") or DEFAULT_KIND
    if kind not in kinds:
        raise Refused(400, f"Unknown kind of note `{kind}`: choose one of {', '.join(kinds)}.")
    return kind


def _tags(request: dict[str, Any]) -> list[str]:
    tags = request.get("tags") or ""
    words = tags.split(",") if isinstance(tags, str) else [str(tag) for tag in tags]
    return list(dict.fromkeys(word.strip() for word in words if word.strip()))


def _unused(wanted: str, taken: set[str]) -> str:
    candidate, number = wanted, 2
    while candidate in taken:
        candidate, number = f"{wanted}-{number}", number + 1
    return candidate


def passage(text: str, selected: str, near: int) -> TextQuote:
    """The quote for the words `selected` at about position `near` of `text` (a `plain_text`).

    The words are found in the text (whitespace as the page shows it: one space), at the place
    nearest `near`; the quote gets the fewest words before and after it (prefix, suffix) with
    which a build places it there and nowhere else, and that place as its position hint."""
    words = selected.split()
    if not words:
        raise Refused(400, "Select the words to annotate.")
    pattern = re.compile("(?=(" + r"\s+".join(map(re.escape, words)) + "))")
    found = [match.span(1) for match in pattern.finditer(text)]
    if not found:
        raise Refused(409, "The selected words are not in the outlet's text as this page shows it (select within "
                           "the text, not a note): reload the page and select them again.")
    start, end = min(found, key=lambda span: abs(span[0] - near))
    exact = " ".join(words)
    befores, afters = _word_starts_before(text, start), _word_ends_after(text, end)
    for count in range(max(len(befores), len(afters)) + 1):
        prefix = _squeeze(text[befores[min(count, len(befores)) - 1]:start]) if count and befores else ""
        suffix = _squeeze(text[end:afters[min(count, len(afters)) - 1]]) if count and afters else ""
        for quote in (TextQuote(exact, prefix, ""), TextQuote(exact, "", suffix), TextQuote(exact, prefix, suffix)):
            if exact_span(text, quote) == (start, end):
                hinted = TextQuote(quote.exact, quote.prefix, quote.suffix, start)
                if exact_span(text, hinted) == (start, end):
                    return hinted
    hinted = TextQuote(exact, "", "", start)  # the same words, with the same words around them, elsewhere
    if exact_span(text, hinted) == (start, end):
        return hinted
    raise Refused(409, "Those words occur several times with the same words around them: select a longer passage.")


def _word_starts_before(text: str, start: int) -> list[int]:
    """Where the 1st, 2nd, ... word before `start` begins (nearest first)."""
    window = max(0, start - 60 * MAX_CONTEXT_WORDS)
    return [window + m.start() for m in re.finditer(r"\S+", text[window:start])][::-1][:MAX_CONTEXT_WORDS]


def _word_ends_after(text: str, end: int) -> list[int]:
    """Where the 1st, 2nd, ... word after `end` ends (nearest first)."""
    return [end + m.end() for m in re.finditer(r"\S+", text[end:end + 60 * MAX_CONTEXT_WORDS])][:MAX_CONTEXT_WORDS]


def _squeeze(text: str) -> str:
    return re.sub(r"\s+", " ", text)


# --- writing ------------------------------------------------------------------------------------

def _replace(path: Path, before: bytes, text: str) -> None:
    """Write `text` to `path` atomically (a hidden temporary file, which the watcher ignores,
    renamed over it), unless the file changed since it was read as `before`."""
    temporary = path.with_name(f".{path.name}.annotating")
    try:
        with open(temporary, "w", encoding="utf-8", newline="") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(temporary, path.stat().st_mode & 0o7777)
        if path.read_bytes() != before:
            raise Refused(409, "The file changed on disk while saving: nothing was written; reload the page.")
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)
