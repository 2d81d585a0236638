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

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from pagefind_bin import get_executable

INDEX_DIR = "pagefind"
# Copies of text that is indexed elsewhere on the page (sidenotes repeat the footnotes).
EXCLUDE_SELECTORS = [".sidenote", "[data-pagefind-ignore]"]
BODY_MARK = b"data-pagefind-body"  # once any page has it, Pagefind indexes only the pages that do


class SearchIndexError(Exception):
    """Pagefind failed; the build stops and build/ keeps its previous contents."""


def write_search_index(site_dir: Path, language: str, output_dir: Path | None = None) -> None:
    """Index the pages under `site_dir` into `output_dir` (default `site_dir/pagefind/`)."""
    output_dir = output_dir or site_dir / INDEX_DIR
    try:
        scratch = Path(tempfile.mkdtemp(prefix=".search-", dir=site_dir.parent))
        try:
            _link_indexed_pages(site_dir, scratch)
            _index(scratch, output_dir, language)
        finally:
            shutil.rmtree(scratch, ignore_errors=True)
    except (OSError, subprocess.SubprocessError) as error:
        raise SearchIndexError(f"the search index could not be written: {error}") from error


def _link_indexed_pages(site_dir: Path, scratch: Path) -> None:
    """Hard-link into `scratch` (same paths) only the pages Pagefind will index.

    Pagefind parses every HTML file it is given before it learns that only the pages marked
    `data-pagefind-body` count: at N=10,000 the 2,000-odd list pages cost it 7 s of 39. Which pages
    carry the mark is the theme's business, so the pages themselves are read, not their paths:
    by GNU grep and cp, which leave the preview server's threads the interpreter (reading 366 MB
    in Python slowed the preview of the next edit); in Python where those are missing.
    """
    try:
        found = subprocess.run(["grep", "-rlZ", "--include=*.html", "-F", "-e", BODY_MARK.decode(), "."],
                               cwd=site_dir, capture_output=True, check=False)
        if found.returncode not in (0, 1):
            raise subprocess.SubprocessError(found.stderr.decode(errors="replace"))
        names = found.stdout or subprocess.run(["find", ".", "-name", "*.html", "-print0"], cwd=site_dir,
                                               capture_output=True, check=True).stdout
        subprocess.run(["xargs", "-0r", "cp", "--parents", "-l", "-t", str(scratch)], input=names, cwd=site_dir,
                       capture_output=True, check=True)
    except (OSError, subprocess.SubprocessError):  # not GNU tools (macOS): the same, in Python
        shutil.rmtree(scratch, ignore_errors=True)
        scratch.mkdir()
        _link_indexed_pages_here(site_dir, scratch)


def _link_indexed_pages_here(site_dir: Path, scratch: Path) -> None:
    pages = sorted(path for path in site_dir.rglob("*.html") if path.relative_to(site_dir).parts[0] != INDEX_DIR)
    marked = [path for path in pages if BODY_MARK in path.read_bytes()]
    for path in marked or pages:
        target = scratch / path.relative_to(site_dir)
        target.parent.mkdir(parents=True, exist_ok=True)
        os.link(path, target)


def _index(site_dir: Path, output_dir: Path, language: str) -> None:
    """Run Pagefind's own command (from the `pagefind[bin]` wheel) on `site_dir`.

    Not its Python API: the API's service took 53 s where the command takes 38 s at N=10,000,
    for the same index (the same fragments and word index; Pagefind orders filter files anew on
    every run either way)."""
    command = [str(get_executable()), "--site", str(site_dir), "--output-path", str(output_dir),
               "--force-language", language.split("-")[0], "--silent"]
    for selector in EXCLUDE_SELECTORS:
        command += ["--exclude-selectors", selector]
    done = subprocess.run(command, capture_output=True, text=True, errors="replace")
    if done.returncode != 0:
        reason = (done.stderr or done.stdout).strip().splitlines()
        raise SearchIndexError(f"the search index could not be written: Pagefind says "
                               f"{reason[-1] if reason else f'nothing (exit {done.returncode})'}")
