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


def inputs_stamp(paths: list[Path], extra: Any, seen: dict[str, tuple] | None = None) -> str:
    """(path, size, mtime, ctime, inode) of every file under `paths`, plus `extra` (the command's
    options). Each file's `file_stat` goes into `seen` too: the reader need not stat it again."""
    entries = []
    for top in paths:
        if top.is_file():
            entries.append(_stat_entry(str(top), seen))
            continue
        for folder, subfolders, names in os.walk(top):
            subfolders.sort()
            for name in sorted(names):
                entries.append(_stat_entry(os.path.join(folder, name), seen))
    return digest(entries, extra)


def _stat_entry(path: str, seen: dict[str, tuple] | None) -> tuple:
    stat = file_stat(path)
    if seen is not None and stat:
        seen[path] = stat
    return (path, *stat) if stat else (path, None)


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
