"""Files written on threads, their results handed back in the order the writes were asked for.

Each imported piece is two files written atomically (site_builder.ingest.importer.write_atomically),
each flushed to the disk and its folder too: one at a time, every flush waits for a journal
commit of its own, and a large import spent more time waiting for the disk than extracting.
Flushes waiting together are committed together, so the writes run on a few threads while the
caller goes on deciding the next pieces; results come back in order, so what is reported (and
remembered) never depends on timing.
"""

from __future__ import annotations

from collections import deque
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Callable, Generic, Iterator, TypeVar

Item = TypeVar("Item")


class OrderedWrites(Generic[Item]):
    """`add(item, write)` runs `write` on a thread; `done()` yields (item, error or None) in order.

    At most `waiting` writes are outstanding: `add` never blocks, but `done()` waits for the
    oldest while more are. Use as a context manager; leaving it waits for every write.
    """

    def __init__(self, threads: int = 8, waiting: int = 16):
        self._pool = ThreadPoolExecutor(threads, thread_name_prefix="write")
        self._waiting = waiting
        self._queue: deque[tuple[Item, Future | None]] = deque()

    def __enter__(self) -> "OrderedWrites[Item]":
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._pool.shutdown(wait=True)

    def add(self, item: Item, write: Callable[[], None] | None) -> None:
        """Queue `item`; `write` (if any) starts at once on a thread."""
        self._queue.append((item, self._pool.submit(write) if write else None))

    def items(self) -> list[Item]:
        """The items not yet handed back by `done()`, oldest first."""
        return [item for item, _ in self._queue]

    def done(self, everything: bool = False) -> Iterator[tuple[Item, BaseException | None]]:
        """Items whose write is over, in order, each with its error; all of them if `everything`.

        Stops at the first write still running, unless `everything` or too many are waiting.
        """
        while self._queue:
            item, future = self._queue[0]
            if future is not None and not future.done() and not everything and len(self._queue) <= self._waiting:
                return
            self._queue.popleft()
            yield item, future.exception() if future is not None else None
