"""Hashes and stamps: how a build tells what changed since the last one.

`digest` makes a dependency key of any picklable values; the stamps say, from file metadata
alone, whether a file or folder is still the one seen before. Kept apart from the build state
(`site_builder.state`), which stores them, so that the stages computing keys need not know it.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import time
from stat import S_ISDIR, S_ISLNK
from functools import lru_cache
from pathlib import Path
from typing import Any


def digest(*parts: Any) -> str:
    """A short stable hash of picklable values (dataclasses included), for cache keys."""
    return hashlib.blake2b(pickle.dumps(parts, protocol=5), digest_size=16).hexdigest()


@lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """site_builder's own source: a change to the code may change any output (the search
    module, search_module.js, is written into build/ too)."""
    package = Path(__file__).resolve().parent
    hasher = hashlib.blake2b(digest_size=16)
    for path in sorted([*package.rglob("*.py"), *package.glob("*.js")]):
        hasher.update(path.relative_to(package).as_posix().encode())
        hasher.update(path.read_bytes())
    return hasher.hexdigest()


class InputFiles(dict):
    """Each file `inputs_stamp` found -> its `file_stat` (() if it could not stat it), and the
    folders it listed: a later step that lists one of them (the reader, its articles) need not
    walk it again, nor stat its files."""

    def __init__(self) -> None:
        super().__init__()
        self.listed: set[str] = set()

    def under(self, folder: str) -> list[str] | None:
        """The files under `folder` as os.walk finds them (symbolic links to folders not followed),
        each folder's files by name and then its subfolders by name; None if it was not listed."""
        if folder not in self.listed:
            return None
        prefix = folder + os.sep
        return [path for path in self if path.startswith(prefix)]


def inputs_stamp(paths: list[Path], extra: Any, seen: InputFiles | None = None) -> str:
    """(path, size, mtime, ctime, inode) of every file under `paths`, plus `extra` (the command's
    options). Each file's `file_stat` goes into `seen` too: the reader need not stat it again."""
    seen = InputFiles() if seen is None else seen
    for top in paths:
        if top.is_file():
            seen[str(top)] = file_stat(top)
        else:
            _list(str(top), seen)
    # The files as a plain dict (no `listed`, a set, whose order is not stable): pickled in C,
    # where a list of a new tuple per file was made in Python first.
    return digest(dict(seen), extra)


def _list(folder: str, seen: InputFiles) -> None:
    """Every file under `folder` into `seen`, in os.walk's order with each folder's names sorted.
    Each name is stat-ed in the open folder (the system need not look up the whole path of each),
    once: the stat says whether it is a folder, too."""
    try:
        handle = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    except OSError:  # missing or unreadable: as os.walk, nothing in it
        return
    subfolders = []
    try:
        names = sorted(os.listdir(handle))
        seen.listed.add(folder)
        prefix = folder + os.sep
        for name in names:
            try:
                stat = os.stat(name, dir_fd=handle)
            except OSError:  # a broken link, say: as os.walk, a file that cannot be stat-ed
                seen[prefix + name] = ()
                continue
            if not S_ISDIR(stat.st_mode):
                seen[prefix + name] = (stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns, stat.st_ino)
            elif not _is_link(name, handle):  # as os.walk, a link to a folder is not followed
                subfolders.append(prefix + name)
    except OSError:  # the folder cannot be listed: as os.walk, nothing in it
        return
    finally:
        os.close(handle)
    for subfolder in subfolders:
        _list(subfolder, seen)


def _is_link(name: str, folder: int) -> bool:
    try:
        return S_ISLNK(os.stat(name, dir_fd=folder, follow_symlinks=False).st_mode)
    except OSError:
        return False


RACY_SECONDS = 2  # coarser than any file system's clock tick we expect (FAT's is 2 s)


def file_stat(path: str | Path) -> tuple:
    """(size, mtime, ctime, inode): with all four unchanged, a file is taken to be unchanged.
    ctime is there because tools that copy times (`cp -p`, `touch -r`) can set mtime, not ctime."""
    try:
        stat = os.stat(path)
    except OSError:
        return ()
    return (stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns, stat.st_ino)


def trusted_stat(stat: tuple) -> tuple:
    """`stat`, or () when the file was modified too recently for its stat to prove anything:
    a save within the same clock tick as the one just read would leave size and mtime alike."""
    if not stat or max(stat[1], stat[2]) > time.time_ns() - RACY_SECONDS * 1_000_000_000:
        return ()
    return stat


def folder_stamp(folder: Path) -> tuple:
    """A folder's identity: a build swaps in a new folder, so another build/ has another stamp."""
    try:
        stat = os.stat(folder)
    except OSError:
        return ()
    return (stat.st_ino, stat.st_mtime_ns, stat.st_ctime_ns)
