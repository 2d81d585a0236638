"""Keeping the search index in step with the pages: which way to bring it up to date, and when.

`site_builder.search` drives Pagefind (a whole index, or a delta of changed pages); this module
decides, for each build, between linking the previous index (no page changed), a delta (few
changed), a whole new index, or (the preview server) linking the stale one now and refreshing it
on a thread afterwards, so the edited page is served without waiting for Pagefind.
"""

from __future__ import annotations

import shutil
import tempfile
import threading
from pathlib import Path

from site_builder.config import SiteConfig
from site_builder.hashing import digest, folder_stamp
from site_builder.search import INDEX_DIR, INDEX_LAYOUT, IndexedPages, PageChanges, SearchIndexError
from site_builder.search import update_search_index, write_search_index
from site_builder.state import BuildState, OutputRecord, SearchRecord
from site_builder.writers import KeptFiles, Written, mirror_tree, write_site


def search_key(base: IndexedPages, compared: PageChanges, language: str) -> str:
    """What a search index was built from: every page's bytes (Pagefind indexes the HTML only),
    said as base/'s record (its identity) and how the pages differ from it (`base.compare`), which
    together name every page: an edit build need not list them all again."""
    return digest(base.identity(), compared.added, compared.removed, language, INDEX_LAYOUT)


def indexed_record(base: IndexedPages, hashes: dict[str, str], language: str) -> SearchRecord:
    """The record of an index made afresh from the pages among `hashes`."""
    return SearchRecord(search_key(base, base.compare(hashes), language), base)


def no_search_index(staging: Path, written: Written) -> None:
    """A staging folder started from an earlier build may hold its search index: not this one's."""
    shutil.rmtree(staging / INDEX_DIR, ignore_errors=True)


class SearchStep:
    """Index the staging folder (called by writers.write_site once every page is in it): link the
    previous index when no page changed, index only the changed pages when few did
    (search.update_search_index), else everything afresh.

    `later` (the preview server): rather than index everything afresh, link the previous index,
    so the edited page is served at once; `pending` then says the index is stale until
    `refresh_search_index`. `full`: never index changed pages apart (the caller gives no
    `previous_dir` when its index holds some already). `record` is what was indexed, for the
    build state once the build has been swapped in."""

    def __init__(self, config: SiteConfig, previous: SearchRecord, previous_dir: Path | None, later: bool = False,
                 full: bool = False):
        self.config, self.previous, self.previous_dir, self.later, self.full = config, previous, previous_dir, later, full
        self.record, self.pending = SearchRecord("", previous.base), False

    def __call__(self, staging: Path, written: Written) -> None:
        previous_index = self.previous_dir / INDEX_DIR if self.previous_dir else None
        base = self.previous.base
        if previous_index and previous_index.is_dir() and base is not None:
            # The previous key was made against the same base/, so the same pages make the same key.
            compared = base.compare(written.hashes)
            key = search_key(base, compared, self.config.language)
            if key == self.previous.key and self._link(previous_index, staging):
                self.record = SearchRecord(key, base)
                return
            if not self.full and update_search_index(staging, self.config.language, written.hashes, base,
                                                     previous_index, compared=compared):
                self.record = SearchRecord(key, base)
                return
        if previous_index and previous_index.is_dir() and self.later and self._link(previous_index, staging):
            self.record, self.pending = self.previous, True  # it describes the pages it was built from
            return
        self.record = indexed_record(write_search_index(staging, self.config.language, written.hashes),
                                     written.hashes, self.config.language)

    @staticmethod
    def _link(previous_index: Path, staging: Path) -> bool:
        if mirror_tree(previous_index, staging / INDEX_DIR):
            return True
        shutil.rmtree(staging / INDEX_DIR, ignore_errors=True)
        return False


def refresh_search_index(config: SiteConfig, state: BuildState, lock: threading.Lock) -> bool:
    """Bring a stale search index (a build with `SearchStep.later`) up to date; True if swapped in.

    The pages are indexed into a scratch folder without holding `lock`, so the preview server keeps
    rebuilding meanwhile; the index is swapped in (a normal atomic write, every other file linked)
    only if no build replaced build/ in the meantime, else that build's own refresh follows.
    """
    output_dir = config.output_dir
    with lock:
        output = state.output_in(output_dir)
        if not output.stamp:
            return False
        hashes = dict(output.file_hashes)
        scratch = Path(tempfile.mkdtemp(prefix=".search-", dir=output_dir.parent))
    try:
        indexed = write_search_index(output_dir, config.language, hashes, scratch / INDEX_DIR)
        with lock:
            if folder_stamp(output_dir) != output.stamp:
                return False
            write_site(output_dir, [KeptFiles(list(hashes))], [], previous=hashes,
                       finish=lambda staging, written: mirror_tree(scratch / INDEX_DIR, staging / INDEX_DIR) or None)
            state.record_output(OutputRecord(output.page_keys, output.file_hashes, folder_stamp(output_dir),
                                             output.spare),
                                indexed_record(indexed, hashes, config.language))
        return True
    except (OSError, SearchIndexError):
        return False  # the next rebuild tries again
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
