"""The pipeline, wired in one place: config -> read -> outlets -> collection -> render -> write.

`check` runs the first three stages; `build` runs them all. Each stage collects its problems, and
we stop before writing anything if any of them is an error, so build/ is never touched by a bad run.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import threading
import time
import traceback
from dataclasses import dataclass, field, replace
from itertools import chain
from pathlib import Path
from typing import Callable

import jinja2

from site_builder import problem_codes as codes
from site_builder.cache import BuildCache
from site_builder.hashing import code_fingerprint, digest, folder_stamp, inputs_stamp
from site_builder.cache import bodies_to_pack, load as load_cache, load_stamp, save as save_cache
from site_builder.cache import save_in_background as save_cache_in_background
from site_builder.collection import Collection, build_collection
from site_builder.config import CONFIG_FILE, SiteConfig, load_config
from site_builder.errors import ContentError, Problem, display_path, errors_only
from site_builder.incremental import PageKeys, render_pages, theme_is_tracked
from site_builder.incremental import summaries as summaries_of
from site_builder.outlets import OUTLETS_FILE, read_outlets
from site_builder.reader import read_articles, renderer_for
from site_builder.render import OutputFile, PageJob, plan_site, theme_dirs
from site_builder.search import INDEX_DIR, SearchIndexError, index_is_partial, update_search_index, write_search_index
from site_builder.writers import Staging, Written, mirror_tree, write_site


@dataclass(frozen=True)
class Report:
    """What a run did, for the CLI to print."""

    config: SiteConfig
    collection: Collection | None  # None when nothing changed since the last build: nothing was read
    warnings: list[Problem] = field(default_factory=list)
    files_written: int = 0
    seconds: float = 0.0
    published: int = 0
    drafts_hidden: int = 0
    files_changed: int = 0  # files whose bytes differ from the previous build's
    pages_rendered: int = 0
    search_pending: bool = False  # the search index predates this build's pages (build(search_later=True))
    cache: BuildCache | None = None  # the cache as this build left it


def check(root: Path, base_url: str | None = None, include_drafts: bool = False) -> Report:
    """Validate the site without writing anything; raise ContentError listing every problem."""
    # 1. Site options: everything else depends on them (stances, notes heading, base URL).
    config = load_config(root, base_url)
    return _read(config, include_drafts, BuildCache(), 1, None)


def _read(config: SiteConfig, include_drafts: bool, cache: BuildCache, jobs: int, progress: "_Progress | None",
          changed: set[str] | None = None, set_aside: Callable[[list], None] | None = None,
          stats: dict[str, tuple] | None = None) -> Report:
    # 2. Every article: front matter validated against the schema, Markdown rendered (unless cached).
    articles, problems = read_articles(config, cache.articles, jobs, progress.tick if progress else None, changed,
                                       set_aside, stats)
    basis = _collection_basis(config, include_drafts, cache, articles) if cache.key else ""
    if basis and cache.collection_record and cache.collection_record[0] == basis:
        # The same front matter and outlet profiles as last time: the same collection, but for
        # the articles themselves (an edited text), which are this build's.
        _, kept, found = cache.collection_record
        current = {article.slug: article for article in articles}
        collection = replace(kept, articles=tuple(current[article.slug] for article in kept.articles))
    else:
        # 3. The outlet profiles, whose notes may link to articles.
        outlets, outlet_problems = read_outlets(config, renderer_for(config, articles))
        # 4. The collection: outlets, tags, events, claims, related reading, backlinks; links checked.
        collection, found = build_collection(articles, outlets, config, include_drafts, cache.related)
        found = outlet_problems + found
        cache.collection_record = (basis, collection, found) if basis else None
    problems += found
    if errors_only(problems):
        raise ContentError(problems)
    return Report(config, collection, warnings=problems, published=len(collection),
                  drafts_hidden=collection.drafts_hidden)


def build(root: Path, base_url: str | None = None, include_drafts: bool = False, *, jobs: int | None = None,
          cache: BuildCache | None = None, progress: bool = False, core_only: bool = False,
          changed: set[str] | None = None, search_later: bool = False, persist: bool = True,
          shortcut: bool = True, save_in_background: bool = False, kept: list | None = None,
          full_search: bool = False) -> Report:
    """Build the site into root/build, atomically; raise ContentError and leave build/ as it was.

    Incremental: with the cache of the last build (`.site-builder-cache/`, or `cache` kept in
    memory by the preview server) only changed articles are read again, only pages whose inputs
    changed are rendered, only files whose bytes changed are written, and the search index is
    reused when no page it indexes changed. When no input file changed at all, nothing is done.
    `jobs` processes share a clean build's work (default: every core this process may use).
    `core_only` builds only the kinds of pages Pelican writes (home, articles, outlet and tag
    lists), without search: for comparing like with like in benchmarks. `changed` (from the
    preview server's watcher, which saw every save) names the only files that may have changed
    since the cached build: the other articles are not even read again. `search_later` keeps the
    previous search index when pages changed (`Report.search_pending`; see refresh_search_index).
    `persist=False` leaves the cache in memory only (the preview server saves it when it stops);
    `shortcut=False` reads the collection even when nothing changed (the preview server needs it).
    `save_in_background` (the command line) returns while a child process saves the cache.
    `kept` (the command line, which exits next) is given the planned pages instead of freeing
    them: freeing 12,000 of them took 35 ms of an edit build at N=10,000. `full_search` indexes
    every page afresh unless the index already is a full one (search.index_is_partial), for an
    exact ranking before publishing.
    """
    started = time.perf_counter()
    config = load_config(root, base_url)
    if core_only:
        config = replace(config, search=False)
    themes = theme_dirs(config)
    jobs = jobs or len(os.sched_getaffinity(0))
    key = digest(code_fingerprint(), repr(config), include_drafts, core_only)
    # The watcher already knows what changed: stamping every input file is only for the shortcut below.
    stats: dict[str, tuple] = {}  # each input file's file_stat, taken for the stamp
    stamp = "" if changed is not None else inputs_stamp([root / CONFIG_FILE, config.content_dir, *themes], key, stats)
    redo_search = full_search and config.search and index_is_partial(config.output_dir / INDEX_DIR)
    last = load_stamp(root, key) if shortcut and stamp and cache is None and not redo_search else None
    if last and last[0] == stamp and last[1] and last[1] == folder_stamp(config.output_dir):
        return Report(config, None, last[2]["warnings"], last[3], time.perf_counter() - started,
                      last[2]["published"], last[2]["drafts_hidden"])  # nothing changed since build/ was written
    memory = cache if cache is not None and cache.key == key else load_cache(root, key)
    if cache is not None and cache is not memory:  # the caller's copy follows what we use
        cache.__dict__.update(memory.__dict__)
        memory = cache
    trusted = bool(memory.output_stamp) and memory.output_stamp == folder_stamp(config.output_dir)
    # The staging folder for step 6, opened now: a child links the previous build's files into it
    # while this process reads and plans (see writers.Staging).
    staging = Staging(config.output_dir, memory.file_hashes if trusted else {}, spare=memory.spare)
    try:
        report = _read_for_build(config, include_drafts, memory, jobs, progress, changed, root if persist else None,
                                 stats)
        env, items, page_keys, stale = _plan(report.collection, config, themes, key, memory, staging, core_only)
        # An index that is not whole is no start for a --full-search build: it indexes everything.
        search_from = config.output_dir if trusted and not redo_search else None
        search = _SearchStep(config, memory, search_from, search_later, full_search) if config.search else None
        written = _render_and_write(env, items, stale, staging, themes, search, jobs, progress, root)
        if kept is not None:
            kept.append((env, items))
    finally:
        staging.close()
    memory.spare = staging.spare_left
    memory.page_keys, memory.file_hashes = page_keys, written.hashes
    memory.search_key, memory.search_base = (search.key, search.indexed) if search else ("", None)
    memory.inputs_stamp, memory.output_stamp = stamp, folder_stamp(config.output_dir)
    memory.summary = {"warnings": report.warnings, "published": report.published,
                      "drafts_hidden": report.drafts_hidden}
    if persist:
        (save_cache_in_background if save_in_background else save_cache)(root, memory)
    return Report(config, report.collection, report.warnings, written.count, time.perf_counter() - started,
                  report.published, report.drafts_hidden, written.changed, len(stale),
                  search_pending=bool(search and search.pending), cache=memory)


def _read_for_build(config: SiteConfig, include_drafts: bool, memory: BuildCache, jobs: int, progress: bool,
                    changed: set[str] | None, save_to: Path | None, stats: dict[str, tuple]) -> Report:
    """Steps 2-4; on a content error the articles read so far are saved to the cache (`save_to`),
    worth keeping while the editor fixes the rest."""
    progress_bar = _Progress("Reading", enabled=progress)
    try:
        # Each rendered body goes to the cache's pack at once, to wait for the page that shows it:
        # a clean build held 100 MB of them (and every forked renderer inherited them).
        with bodies_to_pack(save_to, memory) as set_aside:
            return _read(config, include_drafts, memory, jobs, progress_bar, changed, set_aside, stats)
    except ContentError:
        if save_to is not None:
            save_cache(save_to, memory)
        raise
    finally:
        progress_bar.close()


def _collection_basis(config: SiteConfig, include_drafts: bool, cache: BuildCache, articles: list) -> str:
    """What the collection is made from (besides the code and site options the cache is keyed
    by): each article's summary (everything but its body) and the outlet profiles. Building it
    took 0.25 s of an edit build at N=10,000, where an edited text changes neither."""
    summaries, cache.summary_keys = summaries_of(articles, _full_keys(cache), cache.summary_keys)
    outlets = config.root / OUTLETS_FILE
    try:
        profiles = outlets.read_bytes()
    except OSError as error:
        profiles = repr(error).encode()
    return digest(include_drafts, profiles, [(article.path, summaries[article.slug]) for article in articles])


def _plan(collection: Collection, config: SiteConfig, themes: list[Path], key: str, memory: BuildCache,
          staging: Staging, core_only: bool) -> tuple[jinja2.Environment, list, dict[str, str], list[PageJob]]:
    """Step 5: every page planned with its dependency key; the stale ones are those to render."""
    try:
        env, items = plan_site(collection, config, themes, core_only=core_only)
        keys = PageKeys(collection, _site_key(key, config, themes), _full_keys(memory), theme_is_tracked(themes),
                        memory.summary_keys, memory.keys_record)
        page_keys = {item.path: keys.of(item) for item in items if isinstance(item, PageJob)}
        memory.keys_record = keys.record(page_keys)
    except jinja2.TemplateError as error:
        raise ContentError([_template_problem(error, config.root)]) from None
    previous = staging.previous_if_linked()  # {} if build/ lost files since: render everything
    stale = [item for item in items if isinstance(item, PageJob)
             and not (item.path in previous and memory.page_keys.get(item.path) == page_keys[item.path])]
    return env, items, page_keys, stale


def _render_and_write(env: jinja2.Environment, items: list, stale: list[PageJob], staging: Staging,
                      themes: list[Path], search: "_SearchStep | None", jobs: int, progress: bool,
                      root: Path) -> Written:
    """Step 6: render the stale pages and write them, the rest linked, into the staging folder;
    index it for search; swap it in. Pages stream from the renderers to the writer, so they are
    never all in memory at once."""
    stale_paths = {job.path for job in stale}
    kept = (OutputFile(item.path, None) if isinstance(item, PageJob) else item
            for item in items if not (isinstance(item, PageJob) and item.path in stale_paths))
    progress_bar = _Progress("Rendering", enabled=progress, total=len(stale))
    try:
        files = chain(kept, render_pages(env, stale, jobs, progress_bar.tick))
        return write_site(staging.output_dir, files, [t / "static" for t in themes], finish=search or _no_search_index,
                          staging=staging)
    except jinja2.TemplateError as error:
        raise ContentError([_template_problem(error, root)]) from None
    except SearchIndexError as error:
        raise ContentError([Problem("build", 0, str(error), "run with search: false in site.yml to build without it",
                                    code=codes.SEARCH_INDEX_FAILED)]) from None
    finally:
        progress_bar.close()


def _no_search_index(staging: Path, written: Written) -> None:
    """A staging folder started from an earlier build may hold its search index: not this one's."""
    shutil.rmtree(staging / INDEX_DIR, ignore_errors=True)


def _site_key(key: str, config: SiteConfig, themes: list[Path]) -> str:
    """What every page depends on: the code and options (`key`), the theme's files, the outlet profiles."""
    theme_files = [(str(path), path.read_bytes()) for theme in themes for path in sorted(theme.rglob("*"))
                   if path.is_file()]
    outlets = config.root / OUTLETS_FILE
    return digest(key, theme_files, outlets.read_bytes() if outlets.is_file() else None)


def _full_keys(memory: BuildCache) -> dict[str, str]:
    return {cached.article.slug: cached.render_key for cached in memory.articles.values() if cached.article}


def _search_key(file_hashes: dict[str, str], language: str) -> str:
    """What a search index was built from: every page's bytes (Pagefind indexes the HTML only)."""
    return digest(sorted((path, sha) for path, sha in file_hashes.items() if path.endswith(".html")), language)


class _SearchStep:
    """Index the staging folder: link the previous index when no page changed, index only the
    changed pages when few did (search.update_search_index), else everything afresh.

    `later` (the preview server): rather than index everything afresh, link the previous index,
    so the edited page is served at once; `pending` then says the index is stale until
    `refresh_search_index`. `full`: never index changed pages apart (the caller gives no
    `previous_dir` when its index holds some already). What was indexed (`key`, `indexed`) goes to the cache once the build has been swapped in."""

    def __init__(self, config: SiteConfig, memory: BuildCache, previous_dir: Path | None, later: bool = False,
                 full: bool = False):
        self.config, self.memory, self.previous_dir, self.later, self.full = config, memory, previous_dir, later, full
        self.key, self.indexed, self.pending = "", memory.search_base, False

    def __call__(self, staging: Path, written: Written) -> None:
        self.key = _search_key(written.hashes, self.config.language)
        previous_index = self.previous_dir / INDEX_DIR if self.previous_dir else None
        if previous_index and previous_index.is_dir():
            if self.key == self.memory.search_key and self._link(previous_index, staging):
                return
            if not self.full and self.indexed and update_search_index(staging, self.config.language, written.hashes,
                                                                      self.indexed, previous_index):
                return
            if self.later and self._link(previous_index, staging):
                self.key, self.pending = self.memory.search_key, True  # it describes the pages it was built from
                return
        self.indexed = write_search_index(staging, self.config.language, written.hashes)

    @staticmethod
    def _link(previous_index: Path, staging: Path) -> bool:
        if mirror_tree(previous_index, staging / INDEX_DIR):
            return True
        shutil.rmtree(staging / INDEX_DIR, ignore_errors=True)
        return False


def refresh_search_index(config: SiteConfig, memory: BuildCache, lock: threading.Lock) -> bool:
    """Bring a stale search index (a build with `search_later`) up to date; True if swapped in.

    The pages are indexed into a scratch folder without holding `lock`, so the preview server keeps
    rebuilding meanwhile; the index is swapped in (a normal atomic write, every other file linked)
    only if no build replaced build/ in the meantime, else that build's own refresh follows.
    """
    output = config.output_dir
    with lock:
        built = folder_stamp(output)
        if not built or built != memory.output_stamp:
            return False
        hashes = dict(memory.file_hashes)
        scratch = Path(tempfile.mkdtemp(prefix=".search-", dir=output.parent))
    try:
        indexed = write_search_index(output, config.language, hashes, scratch / INDEX_DIR)
        with lock:
            if folder_stamp(output) != built:
                return False
            files = [OutputFile(path, None) for path in hashes]
            write_site(output, files, [], previous=hashes,
                       finish=lambda staging, written: mirror_tree(scratch / INDEX_DIR, staging / INDEX_DIR) or None)
            memory.search_key, memory.output_stamp = _search_key(hashes, config.language), folder_stamp(output)
            memory.search_base = indexed
        return True
    except (OSError, SearchIndexError):
        return False  # the next rebuild tries again
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


PROGRESS_AFTER_SECONDS = 1.0  # a step quicker than this shows no bar at all


class _Progress:
    """A progress bar (tqdm) on standard error, shown only for a step that runs over a second."""

    def __init__(self, label: str, enabled: bool, total: int | None = None):
        self.bar = None
        if enabled and sys.stdout.isatty():
            from tqdm import tqdm

            self.bar = tqdm(total=total, desc=label, unit=" files", delay=PROGRESS_AFTER_SECONDS, leave=False,
                            file=sys.stderr)

    def tick(self, count: int) -> None:
        if self.bar is not None:
            self.bar.update(count)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


def _template_problem(error: jinja2.TemplateError, root: Path) -> Problem:
    """A broken theme template is the site author's file too: point at its line."""
    filename, line = getattr(error, "filename", None), getattr(error, "lineno", None) or 0
    if filename is None:  # a runtime error: Jinja puts the template's file and line in the traceback
        frames = [f for f in traceback.extract_tb(error.__traceback__) if f.filename.endswith((".html", ".xml"))]
        filename, line = (frames[-1].filename, frames[-1].lineno or 0) if frames else ("theme", 0)
    shown = display_path(Path(filename), root) if filename != "theme" else filename
    return Problem(shown, line, f"template error: {error.message or error}", "fix the template or remove the override",
                   code=codes.TEMPLATE_ERROR)
