"""The build state: what the last build read and wrote, so the next one redoes only what changed.

This module is its one owner. `BuildState` holds four typed records and is read and changed only
through its methods:
- `ReadRecord`: per article file (keyed by the SHA-256 of its bytes) the reader's entry with the
  rendered Article; the memo of summary keys; related reading; and the collection with what it
  was made from, reused while those are the same;
- `OutputRecord`: what build/ holds: each page's dependency key (incremental.KeysRecord) with
  the plan in outline (`PlanRecord`), each output file's SHA-256, build/'s folder stamp, and the
  spare folder kept for the next build;
- `SearchRecord`: which pages the search index was made from, and what its base/ indexed;
- `LastBuild`: a stamp of every input file and what the build reported, saved apart (the
  no-change shortcut reads it without the rest).

It lives beside the site in `.site-builder-cache/` (which ignores itself in git). Everything is
keyed by a fingerprint of site_builder's own code and the build's options, so an upgrade or a
site.yml change starts afresh. A state that cannot be read (truncated, corrupted, written by
another version) is ignored and rebuilt: it only ever saves time.
"""

from __future__ import annotations

import io
import os
import pickle
import tempfile
import threading
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO, Callable, Iterator

from site_builder import textstore
from site_builder.hashing import folder_stamp
from site_builder.translations import keys_with_originals

if TYPE_CHECKING:
    from site_builder.collection import Collection
    from site_builder.errors import Problem
    from site_builder.incremental import KeysRecord
    from site_builder.reader import CachedArticle
    from site_builder.search import IndexedPages
    from site_builder.writers import Spare

CACHE_DIR = ".site-builder-cache"
CACHE_FILE = "build.pickle"
STAMP_FILE = "stamp.pickle"  # the no-change shortcut's part of the state: read without the rest
LOCK_FILE = ".lock"  # held by whoever writes the state (see save_in_background)
TEMPLATES_DIR = "templates"  # compiled templates (render.make_environment), checked by Jinja against their source
FORMAT = 11  # bump when the layout of `BuildState` or its records changes


@dataclass(frozen=True)
class CollectionRecord:
    """A collection with what it is made from (`basis`: see build._collection_basis) and its problems."""

    basis: str
    collection: Collection
    problems: list[Problem]


@dataclass
class ReadRecord:
    """What the last build read, and what it made of it that does not depend on the pages."""

    articles: dict[str, CachedArticle] = field(default_factory=dict)  # by file path (reader.read_articles)
    summary_keys: dict[str, str] = field(default_factory=dict)  # "render key path" -> summary key
    related: dict = field(default_factory=dict)  # related reading's memo (collection.build_collection)
    citations: dict = field(default_factory=dict)  # the pieces' citations (citations.CitationMemo.kept)
    published: dict = field(default_factory=dict)  # what each piece publishes, by summary key (published_pieces)
    # The annotation listings' pages as planned (annotation_pages.plan_listings), with the key of the
    # annotated pieces they were planned from (incremental.PageKeys.annotated_pieces_key).
    annotation_listings: tuple[str, tuple] = ("", ())
    collection: CollectionRecord | None = None


@dataclass(frozen=True)
class OutputRecord:
    """What the last build wrote into build/, recorded once it was swapped in."""

    page_keys: KeysRecord | None = None  # each page's dependency key, and what they were made from
    file_hashes: dict[str, str] = field(default_factory=dict)  # output path -> SHA-256 of its bytes
    stamp: tuple = ()  # build/'s folder stamp: build/ must still be that folder for the rest to hold
    spare: Spare | None = None  # the build before, kept beside build/ to start the next from

    def __getstate__(self) -> dict:
        """The spare's files saved as they differ from build/'s: an edit build changes few, and
        the whole list again would be a seventh of the state to load."""
        state = dict(self.__dict__)
        if self.spare is not None:
            state["spare"] = _SpareDifference.between(self.spare, self.file_hashes)
        # Its paths one object each with the plan's (textstore.shared): loading makes them once.
        state["file_hashes"] = {textstore.shared(path): sha for path, sha in self.file_hashes.items()}
        return state

    def __setstate__(self, state: dict) -> None:
        spare = state.get("spare")
        if isinstance(spare, _SpareDifference):
            state["spare"] = spare.applied_to(state["file_hashes"])
        self.__dict__.update(state)


@dataclass(frozen=True)
class PlanRecord:
    """A build's plan in outline (render.plan_site), for the next edit build to plan only what may
    have changed and keep the rest: the plan's sections in plan order (a piece's files, named by
    its slug, or the pages of one kind, named in parentheses), every file they make, in order,
    and their pages' lines of sitemap.xml. Kept with the page keys (incremental.KeysRecord), it
    holds while their basis does: the same site key and pieces' summaries plan the same sections."""

    sections: tuple[str, ...] = ()
    file_counts: tuple[int, ...] = ()  # each section's number of files
    files: tuple[str, ...] = ()
    line_counts: tuple[int, ...] = ()  # each section's number of pages in the sitemap
    sitemap: tuple[str, ...] = ()  # its lines, a page each

    def __getstate__(self) -> dict:
        """Its slugs and paths as one object each with their equals elsewhere in the state
        (textstore.shared): loading then makes fewer objects."""
        state = dict(self.__dict__)
        state["sections"] = tuple(textstore.shared(section) for section in self.sections)
        state["files"] = tuple(textstore.shared(path) for path in self.files)
        return state


@dataclass(frozen=True)
class _SpareDifference:
    """A spare as saved: how its files differ from build/'s (`file_hashes`)."""

    changed: dict[str, str]  # path -> SHA-256 in the spare, where build/ has other bytes or no such file
    missing: tuple[str, ...]  # build/'s files the spare lacks
    stamp: tuple

    @classmethod
    def between(cls, spare: Spare, file_hashes: dict[str, str]) -> "_SpareDifference":
        hashes = spare.hashes
        return cls({path: sha for path, sha in hashes.items() if file_hashes.get(path) != sha},
                   tuple(path for path in file_hashes if path not in hashes), spare.stamp)

    def applied_to(self, file_hashes: dict[str, str]) -> Spare:
        from site_builder.writers import Spare  # imports the renderer, which the no-change shortcut never needs

        hashes = dict(file_hashes)
        for path in self.missing:
            del hashes[path]
        hashes.update(self.changed)
        return Spare(hashes, self.stamp)


@dataclass(frozen=True)
class SearchRecord:
    """What build/pagefind/ was made from."""

    key: str = ""  # the pages the index was made from (indexing.search_key)
    base: IndexedPages | None = None  # what pagefind/base/ indexed, for updating it


@dataclass(frozen=True)
class BuildSummary:
    """What a build reported: repeated by a build that finds nothing changed."""

    warnings: list[Problem] = field(default_factory=list)
    published: int = 0
    drafts_hidden: int = 0
    files: int = 0


@dataclass(frozen=True)
class LastBuild:
    """The no-change shortcut's record: every input file's stamp, build/'s, and the summary."""

    inputs_stamp: str = ""
    output_stamp: tuple = ()
    summary: BuildSummary = BuildSummary()


class BuildState:
    """Everything carried from one build to the next (see the module docstring)."""

    def __init__(self, key: str):
        self.key = key  # code fingerprint + build options: anything else means start afresh
        self._read = ReadRecord()
        self._output = OutputRecord()
        self._search = SearchRecord()
        self._inputs_stamp, self._summary = "", BuildSummary()  # for LastBuild
        self._pack_name = ""  # the file beside the pickle holding the article bodies (textstore)
        self._reset_transient()

    def _reset_transient(self) -> None:
        """What one build works out from the read record and several steps use: not saved."""
        self._full_keys: dict[str, str] | None = None  # full_keys(), once the articles are read
        self._summary_keys: dict[str, str] = {}  # this build's summary key by slug (remember_summaries)

    def __getstate__(self) -> dict:
        state = dict(self.__dict__)
        state.pop("_full_keys", None)
        state.pop("_summary_keys", None)
        return state

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)
        self._reset_transient()

    # --- what was read --------------------------------------------------------------------------

    def article_entries(self) -> dict[str, CachedArticle]:
        """The reader's entry for each article file, which the reader updates in place (so the
        full keys are worked out again once it has)."""
        self._reset_transient()
        return self._read.articles

    def full_keys(self) -> dict[str, str]:
        """Each read article's full key by slug: its render key, and a translation's original's
        too (translations.keys_with_originals). Made once per build, as the collection's basis,
        the citations, the page keys and the data rows all need it."""
        if self._full_keys is None:
            own, originals = {}, {}
            for entry in self._read.articles.values():
                article = entry.article
                if article:
                    own[article.slug] = entry.render_key
                    if article.translation_of:
                        originals[article.slug] = article.translation_of
            self._full_keys = keys_with_originals(own, originals)
        return self._full_keys

    def summary_memo(self) -> dict[str, str]:
        return self._read.summary_keys

    def remember_summaries(self, memo: dict[str, str], by_slug: dict[str, str]) -> None:
        """The memo for the next build, and this build's summary keys (`by_slug`) for its page keys."""
        self._read.summary_keys = memo
        self._summary_keys = by_slug

    def summary_keys(self) -> dict[str, str]:
        """This build's summary key of each article read, by slug (empty before they are read)."""
        return self._summary_keys

    def related_memo(self) -> dict:
        """Related reading's memo, which collection.build_collection updates in place."""
        return self._read.related

    def citation_memo(self) -> dict:
        """The pieces' formatted citations, which citations.CitationMemo reads and build.py replaces."""
        return self._read.citations

    def keep_citations(self, kept: dict) -> None:
        self._read.citations = kept

    def published_memo(self) -> dict:
        """What each piece published, by its summary key (published.published_pieces)."""
        return self._read.published

    def keep_published(self, memo: dict) -> None:
        self._read.published = memo

    def annotation_listings(self, basis: str) -> tuple | None:
        """The annotation listings' pages, if they were planned from `basis`."""
        kept_basis, planned = self._read.annotation_listings
        return planned if kept_basis == basis else None

    def keep_annotation_listings(self, basis: str, planned: tuple) -> None:
        self._read.annotation_listings = (basis, planned)

    def collection_made_from(self, basis: str) -> CollectionRecord | None:
        """The collection last made from `basis`, if it was."""
        record = self._read.collection
        return record if record is not None and record.basis == basis else None

    def keep_collection(self, record: CollectionRecord | None) -> None:
        self._read.collection = record

    # --- what was written -----------------------------------------------------------------------

    def output_in(self, output_dir: Path) -> OutputRecord:
        """What the last build wrote, if `output_dir` is still the folder it wrote (else empty):
        a build/ replaced or edited by hand since cannot be trusted to hold it."""
        output = self._output
        return output if output.stamp and output.stamp == folder_stamp(output_dir) else OutputRecord(spare=output.spare)

    def page_keys(self) -> KeysRecord | None:
        """The last build's page keys: a memo for keying this build's pages (incremental.PageKeys)."""
        return self._output.page_keys

    def search_index(self) -> SearchRecord:
        return self._search

    def record_output(self, output: OutputRecord, search: SearchRecord) -> None:
        """A build (or a search refresh) has swapped build/ in: remember what it holds."""
        self._output, self._search = output, search

    def record_inputs(self, inputs_stamp: str, summary: BuildSummary) -> None:
        """What this build was made from (its input files' stamp) and what it reported."""
        self._inputs_stamp, self._summary = inputs_stamp, summary

    # --- on disk --------------------------------------------------------------------------------

    @classmethod
    def load(cls, root: Path, key: str) -> "BuildState":
        """The last build's state, or an empty one if it is missing, unreadable or for other options.

        Only the pickle is read; article bodies stay in the pack until a page needs them (textstore)."""
        folder = cache_dir(root)
        try:
            with _locked(folder, exclusive=False), open(folder / CACHE_FILE, "rb") as file:
                header = pickle.load(file)
                if isinstance(header, tuple) and len(header) == 4 and header[:2] == (FORMAT, key):
                    stored = textstore.load(file, folder, header[2], header[3])
                    if isinstance(stored, BuildState) and stored.key == key:
                        stored._pack_name = header[2]
                        return stored
        except Exception:  # noqa: BLE001 (any damage at all: the state is only ever an optimisation)
            pass
        return cls(key)

    def save(self, root: Path) -> None:
        """Write atomically (temporary file, then rename): a killed build never leaves half a state."""
        folder = cache_dir(root)
        try:
            folder.mkdir(exist_ok=True)
            with _locked(folder, exclusive=True):
                self._save_unlocked(folder)
        except OSError:
            pass  # a read-only site folder still builds; only the next build is slower

    def save_in_background(self, root: Path) -> None:
        """`save` in a forked child, so a build is over for the editor once build/ is in place.
        The child holds the state's lock until it is done: the next build's `load` waits for it.
        Where there is no fork, it saves here."""
        folder = cache_dir(root)
        lock = _writing_lock(folder)
        if lock is None:
            return
        try:
            child = os.fork() if hasattr(os, "fork") else -1
        except OSError:
            child = -1
        if child == 0:
            try:  # detached from the terminal or pipe that waits for the command's output
                null = os.open(os.devnull, os.O_RDWR)
                for descriptor in (0, 1, 2):
                    os.dup2(null, descriptor)
                self._save_unlocked(folder)
            finally:
                os._exit(0)
        try:
            if child < 0:
                self._save_unlocked(folder)
            else:
                threading.Thread(target=os.waitpid, args=(child, 0), daemon=True).start()  # no zombie
        except OSError:
            pass
        finally:
            os.close(lock)  # the child's copy keeps the lock held until it exits

    @contextmanager
    def bodies_to_pack(self, root: Path | None) -> Iterator[Callable[[list], None] | None]:
        """A function that moves articles' rendered bodies into the state's pack and frees them
        (see textstore.PackWriter), or None without a writable state folder (`root` None: not saving)."""
        folder = cache_dir(root) if root is not None else None
        lock = _writing_lock(folder) if folder is not None else None
        if lock is None:
            yield None
            return
        try:
            with textstore.PackWriter(folder, self._pack_name) as pack:
                yield pack.move
            self._pack_name = pack.name
        finally:
            os.close(lock)

    def _save_unlocked(self, folder: Path) -> None:
        ignore = folder / ".gitignore"
        if not ignore.exists():
            ignore.write_text("# site-builder's build cache: safe to delete\n*\n")
        body = io.BytesIO()  # the pickle without the bodies, which go to the pack
        self._pack_name, pack_size = textstore.dump(self, body, folder, self._pack_name)
        with replacing(folder / CACHE_FILE) as file:
            pickle.dump((FORMAT, self.key, self._pack_name, pack_size), file, protocol=5)
            file.write(body.getbuffer())
        with replacing(folder / STAMP_FILE) as file:
            last = LastBuild(self._inputs_stamp, self._output.stamp, self._summary)
            pickle.dump((FORMAT, self.key, last), file, protocol=5)
        textstore.delete_other_packs(folder, self._pack_name)


def last_build(root: Path, key: str) -> LastBuild | None:
    """The last build's `LastBuild`, read without the rest of the state (which is large), so a
    build with nothing to do finishes at once."""
    try:
        with _locked(cache_dir(root), exclusive=False), open(cache_dir(root) / STAMP_FILE, "rb") as file:
            stored = pickle.load(file)
        if isinstance(stored, tuple) and len(stored) == 3 and stored[:2] == (FORMAT, key):
            return stored[2] if isinstance(stored[2], LastBuild) else None
    except Exception:  # noqa: BLE001 (as for the state itself)
        pass
    return None


def compiled_templates_dir(root: Path) -> Path:
    return cache_dir(root) / TEMPLATES_DIR


def cache_dir(root: Path) -> Path:
    return root / CACHE_DIR


def _writing_lock(folder: Path) -> int | None:
    """The cache folder, made if need be, locked for writing; None where it cannot be (read-only)."""
    try:
        folder.mkdir(exist_ok=True)
        return _lock(folder, exclusive=True)
    except OSError:
        return None


def _lock(folder: Path, exclusive: bool) -> int:
    """A descriptor holding a lock on the cache (flock: released when every copy of it is closed,
    by the kernel if the process dies). Readers share it; a writer has it alone."""
    descriptor = os.open(folder / LOCK_FILE, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        import fcntl
    except ImportError:  # Windows: no advisory locks
        return descriptor
    fcntl.flock(descriptor, fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH)
    return descriptor


@contextmanager
def _locked(folder: Path, exclusive: bool) -> Iterator[None]:
    try:
        descriptor = _lock(folder, exclusive)
    except OSError:
        if exclusive or not folder.is_dir():
            raise
        descriptor = -1  # a read-only site folder: nobody can be writing its cache
    try:
        yield
    finally:
        if descriptor >= 0:
            os.close(descriptor)


@contextmanager
def replacing(path: Path) -> Iterator[BinaryIO]:
    """A temporary file that replaces `path` once written in full (and is deleted otherwise): how
    every file of the state's folder is written, so a killed build never leaves half of one."""
    handle, temporary = tempfile.mkstemp(prefix=".tmp-", dir=path.parent)
    try:
        with os.fdopen(handle, "w+b") as file:
            yield file
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
