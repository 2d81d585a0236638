"""Long texts of the build cache kept in a pack file beside its pickle, read back only when used.

The articles' rendered bodies are most of the cache, yet an incremental build shows only the
bodies of the pages it renders again. So when the cache is saved, the bodies go to an append-only
pack file (`bodies-*.pack`) and the pickle keeps only where each one is; loading the cache reads
the pickle alone, and each body is read from the pack the first time something asks for it
(`LazyTexts`). A body already in the pack is not written again. A build also moves each body to
the pack as soon as it is rendered (`PackWriter`), so that a clean build does not hold them all
in memory.

The pack only grows while bodies change; when more of it is dead than alive, the next save
writes a fresh pack and deletes the others. A process still using an old pack keeps reading it
through its open descriptor (the file is gone from the folder only). A save killed half-way leaves
bytes at the end of the pack that no pickle points to: dead space, reclaimed like the rest.
"""

from __future__ import annotations

import ctypes
import os
import pickle
import secrets
import threading
from pathlib import Path
from typing import Any, BinaryIO, Callable, Iterable

PACK_PREFIX, PACK_SUFFIX = "bodies-", ".pack"
_COMPACT_SLACK = 8_000_000  # dead bytes always tolerated: not worth rewriting a pack for
_saving = threading.local()  # .pack while a cache is being saved: only then are texts moved to a pack
_loading = threading.local()  # .pack while a cache is being loaded: the pack its texts are in


class _Pack:
    """One pack file, open for reading (and appending when saving). Closed when nothing uses it."""

    def __init__(self, path: Path, writable: bool = False):
        flags = os.O_RDWR | os.O_CREAT | os.O_APPEND if writable else os.O_RDONLY
        self.path, self.fd = path, os.open(path, flags | getattr(os, "O_CLOEXEC", 0), 0o600)
        stat = os.fstat(self.fd)
        self.identity = (stat.st_dev, stat.st_ino)

    def size(self) -> int:
        return os.fstat(self.fd).st_size

    def append(self, data: bytes) -> int:
        """Write `data` at the end; its offset. O_APPEND: another process appending meanwhile
        cannot interleave, and our descriptor's position then says where our bytes went."""
        view = memoryview(data)
        while view:
            view = view[os.write(self.fd, view):]
        return os.lseek(self.fd, 0, os.SEEK_CUR) - len(data)

    def read(self, offset: int, length: int) -> bytes:
        data = os.pread(self.fd, length, offset)
        if len(data) != length:
            raise OSError(f"{self.path} is shorter than the cache says")
        return data

    def __del__(self) -> None:
        try:
            os.close(self.fd)
        except (OSError, AttributeError):
            pass


class StoredText:
    """A text in a pack, or on its way there (`text` set, `pack` not yet)."""

    __slots__ = ("pack", "offset", "length", "text")

    def __init__(self, pack: _Pack | None = None, offset: int = 0, length: int = 0, text: str | None = None):
        self.pack, self.offset, self.length, self.text = pack, offset, length, text

    def read(self) -> str:
        if self.text is not None:
            return self.text
        assert self.pack is not None
        return self.pack.read(self.offset, self.length).decode("utf-8")

    def put_in(self, pack: _Pack) -> None:
        """Make sure the text is in `pack` (written there once), and let go of the copy in memory."""
        if self.pack is None or self.pack.identity != pack.identity:
            data = self.read().encode("utf-8")
            self.pack, self.offset, self.length, self.text = pack, pack.append(data), len(data), None

    def __reduce__(self) -> tuple:
        """Pickled while a cache is saved: into the pack being written (once), then where it is."""
        target: _Pack | None = getattr(_saving, "pack", None)
        if target is None:  # pickled for any other reason: carry the text itself
            return StoredText, (None, 0, 0, self.read())
        self.put_in(target)
        _saving.live_bytes += self.length
        return _stored_in_loading_pack, (self.offset, self.length)


def _stored_in_loading_pack(offset: int, length: int) -> StoredText:
    return StoredText(_loading.pack, offset, length)


class LazyTexts:
    """Mixin for a (frozen) dataclass whose `LAZY_FIELDS` may stay in the pack until first read.

    Pickled while a cache is saved, those fields become StoredText; pickled at any other time
    (a digest, a result coming back from a worker process) the object is whole as usual. A field
    that is not a str is stored as text by its `LAZY_CODECS` entry (encode, decode)."""

    LAZY_FIELDS: tuple[str, ...] = ()
    LAZY_CODECS: dict[str, tuple[Callable[[Any], str], Callable[[str], Any]]] = {}

    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        stored: dict[str, StoredText] = state.pop("_stored", {})
        if getattr(_saving, "pack", None) is not None:
            for name in self.LAZY_FIELDS:
                if name not in stored and name in state:  # kept on the object: the next save reuses it
                    stored[name] = StoredText(text=self._encoded(name, state[name]))
                state.pop(name, None)
            self.__dict__["_stored"] = state["_stored"] = stored
        else:
            for name, text in stored.items():
                if name not in state:
                    state[name] = self._decoded(name, text.read())
        return state

    def move_to(self, pack: _Pack) -> None:
        """Put the texts in `pack` now and let go of them (they are read back when used)."""
        stored = self.__dict__.setdefault("_stored", {})
        for name in self.LAZY_FIELDS:
            if name in self.__dict__:
                stored[name] = stored.get(name) or StoredText(text=self._encoded(name, self.__dict__[name]))
                stored[name].put_in(pack)
                del self.__dict__[name]

    def __getattr__(self, name: str) -> Any:
        """Called only for a field not in __dict__: a text still in the pack. Read it once."""
        stored = self.__dict__.get("_stored")
        if stored is None or name not in stored:
            raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")
        value = self._decoded(name, stored[name].read())
        object.__setattr__(self, name, value)
        return value

    def _encoded(self, name: str, value: Any) -> str:
        return self.LAZY_CODECS[name][0](value) if name in self.LAZY_CODECS else value

    def _decoded(self, name: str, text: str) -> Any:
        return self.LAZY_CODECS[name][1](text) if name in self.LAZY_CODECS else text


def dump(value: Any, file: BinaryIO, folder: Path, pack_name: str) -> tuple[str, int]:
    """Pickle `value` into `file`, its long texts into the pack `pack_name` in `folder` (a fresh
    pack when that one is missing or mostly dead). Returns the name of the pack used and its
    size, which `load` must be given; the other packs in `folder` may go once `file` is in place."""
    name = pack_name or _new_pack_name()
    while True:
        pack = _Pack(folder / name, writable=True)
        start = file.tell()
        _saving.pack, _saving.live_bytes = pack, 0
        try:
            pickle.dump(value, file, protocol=5)
        finally:
            _saving.pack = None
        if pack.size() <= 2 * _saving.live_bytes + _COMPACT_SLACK:
            return name, pack.size()
        file.seek(start)  # mostly dead: write every live text once more, into a new pack
        file.truncate()
        name = _new_pack_name()


def load(file: BinaryIO, folder: Path, pack_name: str, pack_size: int) -> Any:
    """Unpickle what `dump` wrote; OSError if the pack is missing or shorter than it was."""
    pack = _Pack(folder / pack_name)
    if pack.size() < pack_size:
        raise OSError(f"{pack.path} is shorter than the cache says")
    _loading.pack = pack
    try:
        return pickle.load(file)
    finally:
        _loading.pack = None


class PackWriter:
    """Moves objects' texts into a pack (`move`) and frees them; they are read back when used.

    Used while a build reads its articles: otherwise a clean build would hold every rendered body,
    which only the article pages need, and every forked renderer would inherit them."""

    def __init__(self, folder: Path, pack_name: str):
        self.name = pack_name or _new_pack_name()
        self.folder = folder
        self._pack: _Pack | None = None

    def move(self, objects: Iterable[LazyTexts]) -> None:
        if self._pack is None:
            self._pack = _Pack(self.folder / self.name, writable=True)
        for item in objects:  # the memory freed is reused for the next articles to arrive
            item.move_to(self._pack)

    def __enter__(self) -> "PackWriter":
        return self

    def __exit__(self, *exc_info) -> None:
        if self._pack is not None:
            _give_back_freed_memory()
        self._pack = None


def _give_back_freed_memory() -> None:
    """glibc keeps freed blocks for reuse; ask it to return whole free pages to the system."""
    try:
        ctypes.CDLL(None).malloc_trim(0)
    except (OSError, AttributeError):  # not glibc
        pass


def delete_other_packs(folder: Path, keep: str) -> None:
    for path in folder.glob(f"{PACK_PREFIX}*{PACK_SUFFIX}"):
        if path.name != keep:
            try:
                path.unlink()
            except OSError:
                pass


def _new_pack_name() -> str:
    return f"{PACK_PREFIX}{secrets.token_hex(6)}{PACK_SUFFIX}"
