"""The data files' records kept from one build to the next, piece by piece (datasets.Dataset.pieces),
so that an edit serialises its own pieces' records only and copies the others' bytes.

Each such dataset has a file of its own in the build state's folder, `data-<name>.memo`, apart
from build.pickle: every build reads the pickle, and a build that remakes no data file (an edit
to the editors' notes) need not read tens of megabytes of records with it. The file is read only
when the dataset is made again, and written (atomically) only when its records changed, by the
process that made them: a clean build makes the data files in forked workers, and leaves the
memo filled for the first edit.

A file holds a pickled header (FORMAT, the build key, the index: each piece's full key, its
number of records and where its JSON and CSV lines are; the size of each block), then all the JSON lines, each ending
with ",\n", then all the CSV lines. A piece's lines are reused while its full key is the same (its
file, its links' targets, its provenance original, and for a translation the file of the piece it
translates, whose outlet, date, event and claims it inherits: state.BuildState.full_keys); the
build key covers the rest (the code and the site's options). A row of pieces or of annotations
shows nothing else: not another piece's summary, nor outlets.yml or events.yml. A file that
cannot be read, or for another key, is as good as none: it only saves time.
"""

from __future__ import annotations

import mmap
import os
import pickle
import tempfile
from pathlib import Path
from typing import Callable, Iterable

FORMAT = 1
MEMO_PREFIX, MEMO_SUFFIX = "data-", ".memo"

# slug -> (full key, records, JSON start, JSON end, CSV start, CSV end); offsets in its blocks
Index = dict[str, tuple[str, int, int, int, int, int]]


class DatasetLines:
    """A dataset's records as made: the JSON lines (each ending ",\n"), the CSV lines, how many."""

    __slots__ = ("json", "csv", "count")

    def __init__(self, json: bytes, csv: bytes, count: int):
        self.json, self.csv, self.count = json, csv, count


class _Block:
    """One output block (the JSON or the CSV lines) built from new bytes and runs of the last
    build's block: neighbouring unchanged pieces are copied as one run."""

    def __init__(self, last: memoryview | None):
        self.last = last
        self.parts: list[bytes | memoryview] = []
        self.size = 0
        self._run: tuple[int, int] | None = None  # the run of `last` being extended

    def reuse(self, start: int, end: int) -> tuple[int, int]:
        if self._run is not None and self._run[1] == start:
            self._run = (self._run[0], end)
        else:
            self._close_run()
            self._run = (start, end)
        return self._moved(end - start)

    def add(self, data: bytes) -> tuple[int, int]:
        self._close_run()
        self.parts.append(data)
        return self._moved(len(data))

    def joined(self) -> bytes:
        self._close_run()
        return b"".join(self.parts)

    def _moved(self, length: int) -> tuple[int, int]:
        self.size += length
        return self.size - length, self.size

    def _close_run(self) -> None:
        if self._run is not None:
            assert self.last is not None
            self.parts.append(self.last[self._run[0]:self._run[1]])
            self._run = None


class RowMemo:
    """The memo of every dataset made piece by piece, in `folder` (None: none kept, as for
    `check`), for the build keyed `key` whose pieces have `full_keys` (by slug)."""

    def __init__(self, folder: Path | None, key: str, full_keys: dict[str, str]):
        self.folder, self.key, self.full_keys = folder, key, full_keys

    def lines(self, name: str, pieces: Iterable, made: Callable[[object], tuple[list[str], list[str]]]) -> DatasetLines:
        """The records of `pieces` (articles) in their order: the memo's where a piece's full key
        is the same, else `made(piece)` (its JSON and CSV lines); the memo updated if need be."""
        index, json_last, csv_last = self._read(name)
        json_block, csv_block = _Block(json_last), _Block(csv_last)
        kept: Index = {}
        count, remade = 0, False
        for article in pieces:
            key = self.full_keys.get(article.slug)
            entry = index.get(article.slug)
            if key is not None and entry is not None and entry[0] == key:
                records = entry[1]
                json_span, csv_span = json_block.reuse(entry[2], entry[3]), csv_block.reuse(entry[4], entry[5])
            else:
                json_lines, csv_lines = made(article)
                records, remade = len(csv_lines), True
                json_span = json_block.add("".join([line + ",\n" for line in json_lines]).encode("utf-8"))
                csv_span = csv_block.add("".join(csv_lines).encode("utf-8"))
            count += records
            if key is not None:
                kept[article.slug] = (key, records, *json_span, *csv_span)
        result = DatasetLines(json_block.joined(), csv_block.joined(), count)
        if remade or kept.keys() != index.keys():
            self._write(name, kept, result)
        return result

    def _path(self, name: str) -> Path | None:
        return self.folder / f"{MEMO_PREFIX}{name}{MEMO_SUFFIX}" if self.folder is not None else None

    def _read(self, name: str) -> tuple[Index, memoryview | None, memoryview | None]:
        path = self._path(name)
        if path is None:
            return {}, None, None
        try:
            with open(path, "rb") as file:
                header = pickle.load(file)
                start = file.tell()
                if not (isinstance(header, tuple) and len(header) == 5 and header[:2] == (FORMAT, self.key)):
                    return {}, None, None
                index, json_size, csv_size = header[2:]
                view = memoryview(mmap.mmap(file.fileno(), 0, access=mmap.ACCESS_READ))  # unmapped once unused
            if len(view) != start + json_size + csv_size:  # cut short, or grown by someone else
                return {}, None, None
            return index, view[start:start + json_size], view[start + json_size:]
        except Exception:  # noqa: BLE001 (missing, damaged, another version: made afresh)
            return {}, None, None

    def _write(self, name: str, index: Index, lines: DatasetLines) -> None:
        path = self._path(name)
        if path is None:
            return
        try:
            path.parent.mkdir(exist_ok=True)
            handle, temporary = tempfile.mkstemp(prefix=".tmp-", dir=path.parent)
            try:
                with os.fdopen(handle, "wb") as file:
                    pickle.dump((FORMAT, self.key, index, len(lines.json), len(lines.csv)), file, protocol=5)
                    file.write(lines.json)
                    file.write(lines.csv)
                os.replace(temporary, path)
            except BaseException:
                Path(temporary).unlink(missing_ok=True)
                raise
        except OSError:
            pass  # a read-only site folder still builds; only the next build is slower
