"""The search index: Pagefind, driven from Python, over the finished pages, updated by edits.

Pagefind reads the built HTML and writes a chunked index, which a browser downloads piece by
piece (a query fetches a few small files, not the whole index). It runs on the staging folder
before it replaces build/, so the index is part of the atomic build: a failed indexing run
leaves the previous site, index included, untouched.

Pagefind cannot update an index, and re-indexing every page for one edited article made a large
site's `build` slower than Pelican's. So `pagefind/` holds two of its indexes: `base/`, every page
as of the last full indexing, and `delta/`, only the pages changed since (an edit indexes a few
pages, whatever the site's size). `pagefind/pagefind.js` (search_module.js) is Pagefind's API
over both: it merges delta/ in (Pagefind's own mergeIndex) and drops base/'s results for pages
changed or deleted since. Once the changed pages outgrow a twentieth of the site (or a hundred
pages, whichever is more; at most half of base/), the build indexes everything afresh and the
delta is gone.

What is indexed is decided by the theme: `data-pagefind-body` marks the article (title, stance
notes, caveats, text, editorial notes, annotations' notes); navigation, footers and cross-link
blocks are outside it or marked `data-pagefind-ignore`. Filters, sort keys and result metadata
are data attributes. Each annotation's note is indexed under a heading of its own saying whose
note it is (`search-note-<id>`), so Pagefind makes a match there a sub-result of its own, which
the search page shows as the editors' words and links to the note.

Each language has indexes of its own (`base/<language>/`, `delta/<language>/`), so that its words
are stemmed by its own rules (Russian "выборах" and "выборы" are one word; Arabic "للانتخابات" is
"انتخابات" with a preposition and an article): Pagefind stems a query with the WebAssembly of the
index it loaded first, and an index merged into it (mergeIndex) is searched with that same
stemmer, so one index per language, each loaded by a Pagefind module of its own, is the only way
every language keeps its stemmer whatever the interface's. A page's language is the theme's
`data-search-language` on the element marked for search (the piece's `language`), else the site's.
"""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import signal
import subprocess
import tempfile
import threading
import zlib
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator
from urllib.parse import unquote

from pagefind_bin import get_executable

from site_builder.hashing import digest
from site_builder.writers import mirror_tree, remove_file

INDEX_DIR = "pagefind"
INDEX_LAYOUT = 2  # base/<language>/ bundles: an index of another layout is never linked as it was
BASE_DIR, DELTA_DIR = "base", "delta"  # inside INDEX_DIR
SORT_KEYS_FILE = "sort-keys.json"  # in BASE_DIR: each page's sort values, for merging sorted results
MODULE_FILE = "pagefind.js"
MODULE_SOURCE = Path(__file__).with_name("search_module.js")
MANIFEST_MARK = "/*MANIFEST*/"  # in MODULE_FILE, before what base/ and delta/ hold (update_search_index)
# The manifest of base/ alone (its `languages` are filled in); `deltaLanguages` are delta/'s bundles.
WHOLE_INDEX = {"delta": False, "superseded": [], "changed": [], "sortKeys": {}, "languages": [], "deltaLanguages": []}
# Copies of text that is indexed elsewhere on the page: sidenotes repeat the footnotes; the
# annotations' notes, which sit inside the outlet's sentences, are indexed once more apart from the
# text (the theme's `search-notes` block), so that no excerpt runs the editors' words into the outlet's.
EXCLUDE_SELECTORS = [".sidenote", ".annotation-note", "[data-pagefind-ignore]"]
BODY_MARK = b"data-pagefind-body"  # once any page has it, Pagefind indexes only the pages that do
SORT_ATTRIBUTE = re.compile(rb'data-pagefind-sort="([^"]*)"')
LANGUAGE_ATTRIBUTE = re.compile(rb'data-search-language="([^"]*)"')  # the piece's language (article.html)
ENTRY_FILE = "pagefind-entry.json"  # in every bundle (base/<language>/, delta/<language>/)
DELTA_MIN_PAGES, DELTA_FRACTION = 100, 20  # index everything afresh past max(100, a twentieth)


class SearchIndexError(Exception):
    """Pagefind failed; the build stops and build/ keeps its previous contents."""


@dataclass(frozen=True)
class PageChanges:
    """The site's pages as they differ from what base/ indexed: with base/'s record, all of them."""

    added: list[tuple[str, str]]  # (path, SHA-256) of each page new or changed since
    removed: list[tuple[str, str]]  # base/'s (path, SHA-256) of each page changed or gone since


@dataclass
class IndexedPages:
    """What the cache keeps about `pagefind/base/`: which page bytes it indexed, under which ids."""

    # page path -> (SHA-256, Pagefind id); id "" for a page left out (not marked `data-pagefind-body`),
    # so that an edit need not read the many list pages again to find that they still are not
    pages: dict[str, tuple[str, str]] = field(default_factory=dict)
    marked_only: bool = True  # the theme marks pages (BODY_MARK): unmarked pages are not indexed
    key: str = ""  # a digest of `pages`, made once (identity): an index's key says how its pages differ from them

    def compare(self, hashes: dict[str, str]) -> PageChanges:
        """How the pages among `hashes` (every file of the site) differ from base/'s: one look at
        every file (`_is_page` inlined), made once for both the changes and the key."""
        indexed, files, none = self.pages, hashes.get, ("",)
        added = sorted([(path, sha) for path, sha in hashes.items() if path.endswith(".html")
                        and indexed.get(path, none)[0] != sha and not path.startswith(INDEX_PREFIX)])
        return PageChanges(added, sorted([(path, sha) for path, (sha, _) in indexed.items() if files(path) != sha]))

    def changes(self, hashes: dict[str, str], compared: PageChanges | None = None) -> tuple[list[str], list[str]]:
        """The pages (new or changed) to index again, and base/'s ids of pages changed or gone
        (`compared`: `compare(hashes)`, if made already)."""
        compared = compared or self.compare(hashes)
        superseded = [self.pages[path][1] for path, _ in compared.removed if self.pages[path][1]]
        return [path for path, _ in compared.added], superseded

    def identity(self) -> str:
        """`key`, made on first use (a record made by a test, or saved without one)."""
        if not self.key:
            self.key = digest(sorted(self.pages.items()), self.marked_only)
        return self.key

    def indexed_count(self) -> int:
        return sum(1 for _, page_id in self.pages.values() if page_id)


def write_search_index(site_dir: Path, language: str, hashes: dict[str, str],
                       output_dir: Path | None = None) -> IndexedPages:
    """Index every page under `site_dir` into `output_dir` (default `site_dir/pagefind/`) afresh,
    one bundle per language in base/<language>/.

    `hashes` are the pages' SHA-256s (writers.Written): the returned record of them lets
    `update_search_index` index only what changes next."""
    output_dir = output_dir or site_dir / INDEX_DIR
    shutil.rmtree(output_dir, ignore_errors=True)  # a staging folder may start with an older index
    with _scratch(site_dir) as scratch:
        linked = scratch / ".all"
        linked.mkdir()
        marked_only = _link_indexed_pages(site_dir, linked)
        groups = _split_by_language(scratch, linked, language)
        ids = _index_languages(groups, output_dir / BASE_DIR)
        sort_keys = json.dumps(_sort_values(groups, ids), sort_keys=True)
        (output_dir / BASE_DIR / SORT_KEYS_FILE).write_text(sort_keys, encoding="utf-8")
        _write_module(output_dir, dict(WHOLE_INDEX, languages=sorted(groups)))
    pages = {path: (sha, ids.get(path, "")) for path, sha in hashes.items() if _is_page(path)}
    pages.update((path, ("", page_id)) for path, page_id in ids.items() if path not in pages)
    indexed = IndexedPages(pages, marked_only)
    indexed.identity()  # made now, while the pages are at hand, for every edit build's key
    return indexed


def update_search_index(site_dir: Path, language: str, hashes: dict[str, str], indexed: IndexedPages,
                        previous_dir: Path, output_dir: Path | None = None,
                        compared: PageChanges | None = None) -> bool:
    """Index only the pages changed since `indexed` (base/ in `previous_dir`, the last index
    folder) into `output_dir`; False (nothing written) when they are too many for that to pay.
    `compared` is `indexed.compare(hashes)` if the caller made it already."""
    output_dir = output_dir or site_dir / INDEX_DIR
    changed, superseded = indexed.changes(hashes, compared)
    count = indexed.indexed_count()
    limit = max(DELTA_MIN_PAGES, count // DELTA_FRACTION)
    base_languages = bundle_languages(previous_dir / BASE_DIR)
    if (not count or len(superseded) > min(limit, count // 2) or not base_languages
            or not (previous_dir / MODULE_FILE).is_file()):
        return False
    with _scratch(site_dir) as scratch:
        to_index = [path for path in changed if not indexed.marked_only or BODY_MARK in (site_dir / path).read_bytes()]
        if len(to_index) + len(superseded) > limit:
            return False
        groups: dict[str, Path] = {}
        for path in to_index:
            page_language = _language_of((site_dir / path).read_bytes(), language)
            folder = groups.setdefault(page_language, scratch / page_language)
            (folder / path).parent.mkdir(parents=True, exist_ok=True)
            os.link(site_dir / path, folder / path)
        shutil.rmtree(output_dir / DELTA_DIR, ignore_errors=True)
        # base/ is mirrored on a thread while Pagefind (another process) indexes the changed pages:
        # each is a fixed part of every edit build's wait, and they touch different folders.
        base_mirrored: list[bool] = []
        mirroring = threading.Thread(target=lambda: base_mirrored.append(
            mirror_tree(previous_dir / BASE_DIR, output_dir / BASE_DIR)))
        mirroring.start()
        try:
            delta_ids = _index_languages(groups, output_dir / DELTA_DIR)
        finally:
            mirroring.join()
        # Ids are short hashes of a page's text: one shared with a superseded page would hide it.
        if set(delta_ids.values()) & set(superseded) or base_mirrored != [True]:
            shutil.rmtree(output_dir, ignore_errors=True)
            return False
        sort_keys = _sort_values(groups, delta_ids)
        _write_module(output_dir, {"delta": bool(to_index), "superseded": sorted(superseded),
                                   "changed": sorted(delta_ids.values()), "sortKeys": sort_keys,
                                   "languages": base_languages, "deltaLanguages": sorted(groups)})
    return True


def bundle_languages(folder: Path) -> list[str]:
    """The languages `folder` (base/ or delta/) holds a Pagefind bundle for."""
    if not folder.is_dir():
        return []
    return sorted(item.name for item in folder.iterdir() if (item / ENTRY_FILE).is_file())


def index_language(tag: str, default: str) -> str:
    """The bundle a page in language `tag` goes to: its primary subtag ("pt-BR" is "pt"), which
    picks Pagefind's stemmer and word segmentation; `default`'s for a tag that is none."""
    for candidate in (tag, default):
        primary = candidate.strip().replace("_", "-").split("-")[0].lower()
        if re.fullmatch(r"[a-z]{2,3}", primary):
            return primary
    return "en"


def index_is_partial(index_dir: Path) -> bool:
    """Whether `index_dir` (a build's pagefind/) holds pages indexed apart since its last full
    indexing (delta/, or pages dropped from base/): their ranking is then only approximate."""
    try:
        module = (index_dir / MODULE_FILE).read_text(encoding="utf-8")
        start = module.index(MANIFEST_MARK) + len(MANIFEST_MARK)
        manifest, _ = json.JSONDecoder().raw_decode(module, start)
    except (OSError, ValueError):
        return False  # no index of ours: nothing to redo
    return bool(manifest.get("delta") or manifest.get("superseded"))


INDEX_PREFIX = INDEX_DIR + "/"


def _is_page(path: str) -> bool:
    return path.endswith(".html") and not path.startswith(INDEX_PREFIX)


@contextmanager
def _scratch(site_dir: Path) -> Iterator[Path]:
    """A folder beside `site_dir` (same file system, for hard links), removed afterwards; a file
    system or tool failure inside is a SearchIndexError."""
    try:
        folder = Path(tempfile.mkdtemp(prefix=".search-", dir=site_dir.parent))
        try:
            yield folder
        finally:
            shutil.rmtree(folder, ignore_errors=True)
    except (OSError, subprocess.SubprocessError) as error:
        raise SearchIndexError(f"the search index could not be written: {error}") from error


def _split_by_language(scratch: Path, pages: Path, default: str) -> dict[str, Path]:
    """Move the pages linked into `pages` into a folder per language under `scratch` (the
    site's language keeps the rest); {language: folder}, empty languages left out."""
    site_language = index_language(default, "en")
    groups = {}
    for path, tag in _attributes(pages, LANGUAGE_ATTRIBUTE):
        page_language = index_language(tag.decode("utf-8", "replace"), default)
        if page_language != site_language and (pages / path).is_file():  # moved already if tagged twice
            folder = groups.setdefault(page_language, scratch / page_language)
            (folder / path).parent.mkdir(parents=True, exist_ok=True)
            os.replace(pages / path, folder / path)
    if any(item.is_file() for item in pages.rglob("*.html")):
        groups[site_language] = pages
    return groups


def _index_languages(groups: dict[str, Path], output_dir: Path) -> dict[str, str]:
    """Index each language's folder into `output_dir/<language>/`; every page's path and id."""
    ids = {}
    for page_language, folder in sorted(groups.items()):
        _index(folder, output_dir / page_language, page_language)
        ids.update(_page_ids(output_dir / page_language))
    return ids


def _language_of(page: bytes, default: str) -> str:
    found = LANGUAGE_ATTRIBUTE.search(page)
    return index_language(found.group(1).decode("utf-8", "replace") if found else "", default)


def _link_indexed_pages(site_dir: Path, scratch: Path) -> bool:
    """Hard-link into `scratch` (same paths) only the pages Pagefind will index; True if those
    are the pages marked `data-pagefind-body` (False: no page is, so every page is indexed).

    Pagefind parses every HTML file it is given before it learns that only the pages marked
    `data-pagefind-body` count, so the many list pages, never indexed, would cost it time for
    nothing. Which pages carry the mark is the theme's business, so the pages themselves are read,
    not their paths: by GNU grep and cp, which leave the preview server's threads the interpreter
    (reading every page in Python slowed the preview of the next edit); in Python where those are
    missing.
    """
    try:
        found = subprocess.run(["grep", "-rlZ", "--include=*.html", "-F", "-e", BODY_MARK.decode(), "."],
                               cwd=site_dir, capture_output=True, check=False)
        if found.returncode not in (0, 1):
            raise subprocess.SubprocessError(found.stderr.decode(errors="replace"))
        names = found.stdout or subprocess.run(["find", ".", "-name", "*.html", "-print0"], cwd=site_dir,
                                               capture_output=True, check=True).stdout
        subprocess.run(["xargs", "-0r", "cp", "--parents", "-l", "-t", str(scratch)], input=names, cwd=site_dir,
                       capture_output=True, check=True)
        return bool(found.stdout)
    except (OSError, subprocess.SubprocessError):  # not GNU tools (macOS): the same, in Python
        shutil.rmtree(scratch, ignore_errors=True)
        scratch.mkdir()
        return _link_indexed_pages_here(site_dir, scratch)


def _link_indexed_pages_here(site_dir: Path, scratch: Path) -> bool:
    pages = sorted(path for path in site_dir.rglob("*.html") if _is_page(path.relative_to(site_dir).as_posix()))
    marked = [path for path in pages if BODY_MARK in path.read_bytes()]
    for path in marked or pages:
        target = scratch / path.relative_to(site_dir)
        target.parent.mkdir(parents=True, exist_ok=True)
        os.link(path, target)
    return bool(marked)


def _index(site_dir: Path, output_dir: Path, language: str) -> None:
    """Run Pagefind's own command (from the `pagefind[bin]` wheel) on `site_dir`.

    Not its Python API: the API's service is slower than the command at writing the same index
    (the same fragments and word index; Pagefind orders filter files anew on every run either
    way)."""
    command = [str(get_executable()), "--site", str(site_dir), "--output-path", str(output_dir),
               "--force-language", language.split("-")[0], "--silent"]
    for selector in EXCLUDE_SELECTORS:
        command += ["--exclude-selectors", selector]
    done = subprocess.run(command, capture_output=True, text=True, errors="replace")
    if done.returncode < 0:  # a signal: the kernel's out-of-memory killer sends SIGKILL
        raise SearchIndexError(f"the search index could not be written: Pagefind was killed "
                               f"({_signal_name(-done.returncode)}); if the system ran out of memory, "
                               f"Pagefind needs about 0.4 GB per 1,000 pages")
    if done.returncode != 0:
        reason = (done.stderr or done.stdout).strip().splitlines()
        raise SearchIndexError(f"the search index could not be written: Pagefind says "
                               f"{reason[-1] if reason else f'nothing (exit {done.returncode})'}")


def _signal_name(number: int) -> str:
    try:
        return signal.Signals(number).name
    except ValueError:
        return f"signal {number}"


FRAGMENT_URL = re.compile(rb'"url":"((?:[^"\\]|\\.)*)"')


def _page_ids(bundle: Path) -> dict[str, str]:
    """Each indexed page's path and Pagefind's id for it (its fragment's name), from the start of
    each fragment (gzip'd JSON that opens with the page's URL)."""
    ids = {}
    for fragment in (bundle / "fragment").iterdir():
        with open(fragment, "rb") as file:
            head = zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(file.read(4096), 4096)
        found = FRAGMENT_URL.search(head)
        if found:
            ids[_page_path(json.loads(b'"' + found.group(1) + b'"'))] = fragment.name.split(".")[0]
    return ids


def _page_path(url: str) -> str:
    """The file Pagefind indexed as `url` (it drops `index.html` from page addresses)."""
    path = unquote(url).lstrip("/")
    return path + "index.html" if path == "" or path.endswith("/") else path


def _sort_values(groups: dict[str, Path], ids: dict[str, str]) -> dict[str, dict[str, str]]:
    """{sort key: {page id: value}} from the indexed pages' `data-pagefind-sort="key:value"`
    attributes (in each language's folder)."""
    values: dict[str, dict[str, str]] = {}
    for folder in groups.values():
        for path, attribute in _attributes(folder, SORT_ATTRIBUTE):
            page_id = ids.get(path)
            for pair in attribute.decode("utf-8", "replace").split(","):
                key, colon, value = pair.partition(":")
                if colon and page_id:
                    values.setdefault(key.strip(), {})[page_id] = html.unescape(value.strip())
    return values


def _attributes(folder: Path, pattern: re.Pattern[bytes]) -> Iterator[tuple[str, bytes]]:
    """Each page under `folder` (path) with the value of an attribute matching `pattern`, found by
    GNU grep (as above; in Python where it is missing)."""
    try:
        found = subprocess.run(["grep", "-rHoZE", "--include=*.html", "-e", pattern.pattern.decode(), "."],
                               cwd=folder, capture_output=True, check=False)
        if found.returncode not in (0, 1):
            raise subprocess.SubprocessError(found.stderr.decode(errors="replace"))
        for line in found.stdout.splitlines():
            name, _, match = line.partition(b"\0")
            attribute = pattern.fullmatch(match)
            if attribute:
                yield os.fsdecode(name).removeprefix("./"), attribute.group(1)
    except (OSError, subprocess.SubprocessError):
        for page in folder.rglob("*.html"):
            for attribute in pattern.findall(page.read_bytes()):
                yield page.relative_to(folder).as_posix(), attribute


def _write_module(output_dir: Path, manifest: dict) -> None:
    """pagefind/pagefind.js (Pagefind's API over base/ and delta/), and a bundle's UI files beside
    it, where themes load them from (`pagefind/pagefind-ui.js`)."""
    source = MODULE_SOURCE.read_text(encoding="utf-8")
    placeholder = MANIFEST_MARK + json.dumps(WHOLE_INDEX)  # as search_module.js has it
    module = output_dir / MODULE_FILE
    remove_file(module)  # never write into a file that may be linked to an earlier build's
    module.write_text(source.replace(placeholder, MANIFEST_MARK + json.dumps(manifest, sort_keys=True)),
                      encoding="utf-8")
    bundles = [output_dir / BASE_DIR / name for name in manifest["languages"]]
    bundles += [output_dir / DELTA_DIR / name for name in manifest["deltaLanguages"]]
    for item in bundles[0].iterdir():  # the same files in every bundle
        if item.is_file() and item.name.startswith("pagefind-") and item.suffix in (".js", ".css") \
                and item.name != "pagefind-worker.js":
            remove_file(output_dir / item.name)
            os.link(item, output_dir / item.name)

