"""The build cache's objects saved in parts, each read back only when used.

The articles' rendered bodies are most of the cache, yet an incremental build shows only the
bodies of the pages it renders again. So when the cache is saved, the bodies go to an append-only
pack file (`bodies-*.pack`) and the pickle keeps only where each one is; loading the cache reads
the pickle alone, and each body is read from the pack the first time something asks for it
(`LazyTexts`). A body already in the pack is not written again. A build also moves each body to
the pack as soon as it is rendered (`PackWriter`), so that a clean build does not hold them all
in memory. Likewise the fields of an object that no loop over every object reads (its cold
fields) go to the pack as one pickle of their own, unpickled on first use: loading the cache
then makes one call per object, not one per field, and reads none of them.

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
import struct
import threading
from datetime import date
from pathlib import Path
from typing import Any, BinaryIO, Callable, Iterable

PACK_PREFIX, PACK_SUFFIX = "bodies-", ".pack"
_COMPACT_SLACK = 8_000_000  # dead bytes always tolerated: not worth rewriting a pack for
_Layout = tuple  # (class, names of what is saved hot, names of the cold fields): LazyTexts._layout
_saving = threading.local()  # .pack while a cache is being saved: only then are texts moved to a pack
_SPAN = struct.Struct("<qq")  # an (offset, length) pair, as a `_Stored` holds them
_SHAREABLE = (str, date)  # immutable values that recur across records: `shared` gives one object for each


class _Loading(threading.local):
    """.pack while a cache is being loaded: the pack its texts are in. Pickled by name, so that
    a saved cache's pack (`_Pack.__reduce__`) is read back as the pack it is being loaded with."""

    pack: _Pack | None = None

    def __reduce__(self) -> str:
        return "_loading"


_loading = _Loading()


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

    def __reduce__(self) -> tuple:
        """In a saved cache (which names its pack once, every object's `_Stored` after that):
        the pack it is loaded with, by a builtin's call, which costs no Python code."""
        return getattr, (_loading, "pack")

    def __del__(self) -> None:
        try:
            os.close(self.fd)
        except (OSError, AttributeError):
            pass


# Where an object's parts are (its `_stored`): (the pack, their spans, the layout). The spans are
# an (offset, length) pair per LAZY_FIELDS entry, then one for the pickle of its cold fields (those
# the layout names; no layout: they are in the object), packed as bytes (`_SPAN`). A plain tuple
# of one bytes object: loading the cache makes it without calling any Python code, and makes
# no integer objects.
_Stored = tuple


def _stored(pack: _Pack, spans: list[int], layout: _Layout | None) -> _Stored:
    return pack, struct.pack(f"<{len(spans)}q", *spans), layout


def _spans(stored: _Stored) -> tuple[int, ...]:
    _, spans, _ = stored
    return struct.unpack(f"<{len(spans) // 8}q", spans)


def _read_part(stored: _Stored, index: int) -> bytes:
    """The bytes of the `index`th of the object's parts (see `_Stored`)."""
    pack, spans, _ = stored
    return pack.read(*_SPAN.unpack_from(spans, _SPAN.size * index))


def saved_apart(cls: type) -> type:
    """Class decorator, over @dataclass, for a LazyTexts class with defaults among the fields
    saved apart: dataclass leaves each default as a class attribute, which an object whose value
    is still saved apart would read instead of reaching __getattr__. (Its __init__ keeps them.)"""
    lazy = set(cls.LAZY_FIELDS)
    hot = set(cls.__dataclass_fields__) if cls.HOT_FIELDS is None else set(cls.HOT_FIELDS)
    for name in cls.__dataclass_fields__:
        if (name in lazy or name not in hot) and name in cls.__dict__:
            delattr(cls, name)
    return cls


def _restored(cls: type, hot: dict[str, Any]) -> Any:
    """An object as a save left it (`LazyTexts.__reduce_ex__`): its hot fields and where the rest
    is in the pack (`hot`, its __dict__ to be, made by the pickle). One call per object, which is
    all loading costs for it. The saved layout (in `_stored`, pickled once) names the cold fields,
    so a state saved by a class split otherwise is still read right."""
    item = _new(cls)
    _set(item, "__dict__", hot)
    return item


_new, _set = object.__new__, object.__setattr__


def shared(value: Any) -> Any:
    """While a cache is saved, one object for all equal strings and dates (`value` if it is the
    first): the pickle then writes it once and loading makes it once. The same path, slug, key,
    stance, outlet or day recurs across thousands of records, and making each copy again was
    much of what loading cost. At any other time, `value` itself."""
    seen: dict | None = getattr(_saving, "seen", None)
    if seen is None or type(value) not in _SHAREABLE:
        return value
    return seen.setdefault((type(value), value), value)


class LazyTexts:
    """Mixin for a (frozen) dataclass saved with the cache in parts, each read back when used.

    - `LAZY_FIELDS`, long texts: in the pack, read from it on first access (a field that is not
      a str is stored as text by its `LAZY_CODECS` entry: encode, decode);
    - `HOT_FIELDS` (None: every field not lazy), what a build reads of every object, with the
      cached properties named in `DERIVED` (worked out from other fields, so that reading them
      needs no other): in the cache's pickle;
    - the other fields, cold: pickled together into the pack, unpickled all at once on first
      access to any of them.
    So loading the cache costs one call per object and its hot fields. Pickled at any other time
    (a digest, a result coming back from a worker process) the object is whole as usual."""

    LAZY_FIELDS: tuple[str, ...] = ()
    LAZY_CODECS: dict[str, tuple[Callable[[Any], str], Callable[[str], Any]]] = {}
    HOT_FIELDS: tuple[str, ...] | None = None
    DERIVED: tuple[str, ...] = ()

    @classmethod
    def _layout(cls) -> _Layout:
        """(the class, what is saved hot, the cold fields), worked out once per class."""
        layout = cls.__dict__.get("_LAYOUT")
        if layout is None:
            fields = [name for name in cls.__dataclass_fields__ if name not in cls.LAZY_FIELDS]  # type: ignore[attr-defined]
            hot = fields if cls.HOT_FIELDS is None else [name for name in fields if name in cls.HOT_FIELDS]
            cold = tuple(name for name in fields if name not in hot)
            shadowed = [name for name in cold + cls.LAZY_FIELDS if name in cls.__dict__]
            if shadowed:
                raise TypeError(f"{cls.__name__}: the defaults of {shadowed} would hide them when saved apart "
                                "(decorate the dataclass with textstore.saved_apart)")
            layout = cls._LAYOUT = (cls, tuple(hot) + cls.DERIVED, cold)  # type: ignore[attr-defined]
        return layout

    def __reduce_ex__(self, protocol: Any) -> Any:
        """While a cache is saved: the texts and the cold fields' pickle into the pack being
        written (once), and the object as one call (`_restored`) with where they are and its hot fields."""
        target: _Pack | None = getattr(_saving, "pack", None)
        if target is None:
            return super().__reduce_ex__(protocol)  # whole (__getstate__)
        layout = self._layout()
        stored = self._put_in(target, layout)
        _saving.live_bytes += sum(_spans(stored)[1::2])
        hot = {name: shared(getattr(self, name)) for name in layout[1]}
        hot["_stored"] = stored
        return _restored, (layout[0], hot)

    def __getstate__(self) -> dict[str, Any]:
        """The whole object: its fields in their declared order, whether read back or not, and
        not what DERIVED works out from them (a digest of a loaded copy is the original's)."""
        return {name: getattr(self, name) for name in self.__dataclass_fields__}  # type: ignore[attr-defined]

    def move_to(self, pack: _Pack) -> None:
        """Put the texts in `pack` now and let go of them (they are read back when used)."""
        self._put_in(pack)
        for name in self.LAZY_FIELDS:
            self.__dict__.pop(name, None)

    def __getattr__(self, name: str) -> Any:
        """Called only for a field not in __dict__: one still in the pack. Read it once."""
        stored = self.__dict__.get("_stored")
        if stored is not None:
            lazy, (_, spans, layout) = self.LAZY_FIELDS, stored
            if layout is not None and name in layout[2] and len(spans) > _SPAN.size * len(lazy):
                self.__dict__.update(zip(layout[2], pickle.loads(_read_part(stored, len(lazy)))))
                return self.__dict__[name]
            if name in lazy:
                value = self._decoded(name, _read_part(stored, lazy.index(name)).decode("utf-8"))
                self.__dict__[name] = value
                return value
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    def _put_in(self, pack: _Pack, layout: _Layout | None = None) -> _Stored:
        """Where the texts, and with `layout` the cold fields' pickle, are in `pack`: written
        there unless they already are."""
        values = self.__dict__
        stored: _Stored | None = values.get("_stored")
        stored_pack, _, stored_layout = stored if stored is not None else (None, b"", None)
        old = _spans(stored) if stored is not None else ()
        layout = layout or stored_layout  # cold fields already apart stay so
        in_pack = stored_pack is not None and stored_pack.identity == pack.identity
        count = len(self.LAZY_FIELDS)
        spans = list(old[:2 * count]) if in_pack and len(old) >= 2 * count else []
        if not spans:
            for index, name in enumerate(self.LAZY_FIELDS):
                data = self._encoded(name, values[name]).encode("utf-8") if name in values else _read_part(stored, index)
                spans += (pack.append(data), len(data))
        if layout is not None and layout[2]:
            kept = len(old) > 2 * count and stored_layout == layout  # the pickle of these cold fields
            if kept and in_pack:
                spans += old[2 * count:2 * count + 2]
            else:
                data = _read_part(stored, count) if kept else self._pickled(layout[2])
                spans += (pack.append(data), len(data))
        values["_stored"] = stored = _stored(pack, spans, layout)
        return stored

    def _pickled(self, names: tuple[str, ...]) -> bytes:
        values = tuple(getattr(self, name) for name in names)
        target, _saving.pack = getattr(_saving, "pack", None), None  # anything LazyTexts in them is saved whole
        try:
            return pickle.dumps(values, protocol=5)
        finally:
            _saving.pack = target

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
        _saving.pack, _saving.live_bytes, _saving.seen = pack, 0, {}
        try:
            pickle.dump(value, file, protocol=5)
        finally:
            _saving.pack = _saving.seen = None
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
