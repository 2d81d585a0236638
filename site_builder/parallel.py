"""Work shared among forked processes: how reading and rendering use both cores.

Workers are forked, so they inherit the work (parsed articles, the Jinja environment and its
collection) from the parent's memory instead of receiving it pickled; only results travel back.
Where forking is unavailable, or the work is too small to repay starting a pool, it runs here.
"""

from __future__ import annotations

from typing import Callable, Iterator, TypeVar

Result = TypeVar("Result")

_work: Callable[[int], object] | None = None  # set in each worker only, by _adopt


def in_chunks(work: Callable[[int], Result], count: int, processes: int, chunk_size: int,
              parallel_from: int) -> Iterator[tuple[range, list[Result]]]:
    """`work(0)` … `work(count - 1)`, yielded as (positions, results) as each chunk is done.

    Across `processes` forked workers (chunks in any order) when `count` reaches `parallel_from`,
    else one position at a time in this process. `work` may be a closure: it is never pickled.
    """
    if processes <= 1 or count < parallel_from or not _can_fork():
        for position in range(count):
            yield range(position, position + 1), [work(position)]
        return
    import multiprocessing  # loaded only for a pool: an edit build's work is too small for one

    chunks = [range(start, min(count, start + chunk_size)) for start in range(0, count, chunk_size)]
    # With fork, a worker's initializer arguments are inherited, not pickled: each worker adopts `work`.
    with multiprocessing.get_context("fork").Pool(processes, initializer=_adopt, initargs=(work,)) as pool:
        yield from pool.imap_unordered(_run_chunk, chunks)


def _can_fork() -> bool:
    import multiprocessing  # see in_chunks

    return "fork" in multiprocessing.get_all_start_methods()


def _adopt(work: Callable[[int], object]) -> None:
    global _work
    _work = work


def _run_chunk(positions: range) -> tuple[range, list]:
    return positions, [_work(position) for position in positions]
