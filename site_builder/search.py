"""The search index: Pagefind, driven from Python, over the finished pages.

Pagefind reads the built HTML and writes a chunked index under `pagefind/`, which a browser
downloads piece by piece (a query fetches a few small files, not the whole index). It runs on the
staging folder before it replaces build/, so the index is part of the atomic build: a failed
indexing run leaves the previous site, index included, untouched.

What is indexed is decided by the theme: `data-pagefind-body` marks the article (title, stance
notes, caveats, text, editorial notes); navigation, footers and cross-link blocks are outside it
or marked `data-pagefind-ignore`. Filters, sort keys and result metadata are data attributes.
"""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from pagefind.index import IndexConfig, PagefindIndex

INDEX_DIR = "pagefind"
# Copies of text that is indexed elsewhere on the page (sidenotes repeat the footnotes).
EXCLUDE_SELECTORS = [".sidenote", "[data-pagefind-ignore]"]


class SearchIndexError(Exception):
    """Pagefind failed; the build stops and build/ keeps its previous contents."""


def write_search_index(site_dir: Path, language: str) -> None:
    """Index every page under `site_dir` into `site_dir/pagefind/`."""
    try:
        # Pagefind's API is async. Run it on a thread of its own: the caller may already be
        # inside an event loop (the preview server's, a test browser's), where asyncio.run fails.
        with ThreadPoolExecutor(max_workers=1) as worker:
            worker.submit(asyncio.run, _index(site_dir, language)).result()
    except Exception as error:  # the service reports failures as assorted exception types
        raise SearchIndexError(f"the search index could not be written: {error}") from error


async def _index(site_dir: Path, language: str) -> None:
    config = IndexConfig(output_path=str(site_dir / INDEX_DIR), exclude_selectors=EXCLUDE_SELECTORS,
                         force_language=language.split("-")[0])
    # Files are written when the context exits; calling write_files() as well would write them twice.
    async with PagefindIndex(config=config) as index:
        await index.add_directory(str(site_dir))
