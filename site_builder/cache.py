"""The build cache: what the last build read and wrote, so the next one redoes only what changed.

It lives beside the site in `.site-builder-cache/` (which ignores itself in git) and holds:
- per article file, keyed by the SHA-256 of its bytes: the parsed front matter's link target,
  and the rendered Article with its problems, reused while the file, the targets of its
  wikilinks and its provenance original are unchanged;
- related reading, reused while no piece's title, date, tags, event, claims or hand links changed;
- the manifest of the last build: each page's dependency key and each output file's SHA-256,
  the search index's key, and a stamp of every input file for the no-change shortcut.

Everything is keyed by a fingerprint of site_builder's own code and the site options, so an
upgrade or a site.yml change starts afresh. A cache that cannot be read (truncated, corrupted,
written by another version) is ignored and rebuilt: the cache only ever saves time.
"""

from __future__ import annotations


import io
import os
import pickle
import tempfile
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, BinaryIO, Callable, Iterator

from site_builder import textstore

CACHE_DIR = ".site-builder-cache"
CACHE_FILE = "build.pickle"
STAMP_FILE = "stamp.pickle"  # the no-change shortcut's part of the cache: read without the rest
LOCK_FILE = ".lock"  # held by whoever writes the cache (see save_in_background)
FORMAT = 3  # bump when the layout of `BuildCache` changes


@dataclass
class BuildCache:
    """Everything carried from one build to the next (see the module docstring)."""

    key: str = ""  # code fingerprint + site options: anything else means start afresh
    articles: dict[str, CachedArticle] = field(default_factory=dict)  # by file path
    related_key: str = ""
    related: dict = field(default_factory=dict)  # slug -> ((slug, score, reasons), ...)
    page_keys: dict[str, str] = field(default_factory=dict)  # output path -> dependency key
    keys_record: Any = None  # incremental.KeysRecord: the page keys and what they were made from
    summary_keys: dict[str, str] = field(default_factory=dict)  # article render key and path -> summary key
    collection_record: Any = None  # (what it is made from, collection.Collection, its problems): build._read
    file_hashes: dict[str, str] = field(default_factory=dict)  # output path -> SHA-256 of its bytes
    search_key: str = ""  # the pages the search index was built from
    search_base: Any = None  # search.IndexedPages: what build/pagefind/base/ indexed, for updating it
    inputs_stamp: str = ""  # every input file's (path, size, mtime, ctime, inode): equal means nothing changed
    output_stamp: tuple = ()  # build/'s identity when written: it must still be that folder
    spare: Any = None  # writers.Spare: the build before, kept beside build/ to start the next from
    summary: dict = field(default_factory=dict)  # what a skipped build reports (counts, warnings)
    pack_name: str = ""  # the file beside the pickle holding the article bodies (textstore)


def cache_dir(root: Path) -> Path:
    return root / CACHE_DIR


def load(root: Path, key: str) -> BuildCache:
    """The last build's cache, or an empty one if it is missing, unreadable or for other options.

    Only the pickle is read; article bodies stay in the pack until a page needs them (textstore)."""
    folder = cache_dir(root)
    try:
        with _locked(folder, exclusive=False), open(folder / CACHE_FILE, "rb") as file:
            header = pickle.load(file)
            if isinstance(header, tuple) and len(header) == 4 and header[:2] == (FORMAT, key):
                stored = textstore.load(file, folder, header[2], header[3])
                if isinstance(stored, BuildCache) and stored.key == key:
                    stored.pack_name = header[2]
                    return stored
    except Exception:  # noqa: BLE001 (any damage at all: the cache is only ever an optimisation)
        pass
    return BuildCache(key=key)


def save(root: Path, cache: BuildCache) -> None:
    """Write atomically (temporary file, then rename): a killed build never leaves half a cache."""
    folder = cache_dir(root)
    try:
        folder.mkdir(exist_ok=True)
        with _locked(folder, exclusive=True):
            _save_unlocked(folder, cache)
    except OSError:
        pass  # a read-only site folder still builds; only the next build is slower


@contextmanager
def bodies_to_pack(root: Path | None, cache: BuildCache) -> Iterator[Callable[[list], None] | None]:
    """A function that moves articles' rendered bodies into the cache's pack and frees them (see
    textstore.PackWriter), or None without a writable cache folder (`root` None: not saving)."""
    folder = cache_dir(root) if root is not None else None
    lock = _writing_lock(folder) if folder is not None else None
    if lock is None:
        yield None
        return
    try:
        with textstore.PackWriter(folder, cache.pack_name) as pack:
            yield pack.move
        cache.pack_name = pack.name
    finally:
        os.close(lock)


def save_in_background(root: Path, cache: BuildCache) -> None:
    """`save` in a forked child, so a build is over for the editor once build/ is in place (saving
    took a second at N=10,000). The child holds the cache's lock until it is done: the next
    build's `load` waits for it. Where there is no fork, it saves here."""
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
            _save_unlocked(folder, cache)
        finally:
            os._exit(0)
    try:
        if child < 0:
            _save_unlocked(folder, cache)
        else:
            threading.Thread(target=os.waitpid, args=(child, 0), daemon=True).start()  # no zombie
    except OSError:
        pass
    finally:
        os.close(lock)  # the child's copy keeps the lock held until it exits


def _save_unlocked(folder: Path, cache: BuildCache) -> None:
    ignore = folder / ".gitignore"
    if not ignore.exists():
        ignore.write_text("# site-builder's build cache: safe to delete\n*\n")
    body = io.BytesIO()  # the pickle without the bodies: a fifth of the cache
    cache.pack_name, pack_size = textstore.dump(cache, body, folder, cache.pack_name)
    with _replacing(folder / CACHE_FILE) as file:
        pickle.dump((FORMAT, cache.key, cache.pack_name, pack_size), file, protocol=5)
        file.write(body.getbuffer())
    with _replacing(folder / STAMP_FILE) as file:
        pickle.dump((FORMAT, cache.key, cache.inputs_stamp, cache.output_stamp, cache.summary,
                     len(cache.file_hashes)), file, protocol=5)
    textstore.delete_other_packs(folder, cache.pack_name)


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
def _replacing(path: Path) -> Iterator[BinaryIO]:
    """A temporary file that replaces `path` once written in full (and is deleted otherwise)."""
    handle, temporary = tempfile.mkstemp(prefix=".tmp-", dir=path.parent)
    try:
        with os.fdopen(handle, "w+b") as file:
            yield file
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def load_stamp(root: Path, key: str) -> tuple[str, tuple, dict, int] | None:
    """(inputs stamp, build/'s stamp, summary, file count) of the last build, without loading the
    rest of the cache (100 MB at N=10,000), so a build with nothing to do finishes at once."""
    try:
        with _locked(cache_dir(root), exclusive=False), open(cache_dir(root) / STAMP_FILE, "rb") as file:
            stored = pickle.load(file)
        if isinstance(stored, tuple) and len(stored) == 6 and stored[0] == FORMAT and stored[1] == key:
            return stored[2], stored[3], stored[4], stored[5]
    except Exception:  # noqa: BLE001 (as for the cache itself)
        pass
    return None


