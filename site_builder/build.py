"""The pipeline, wired in one place: config -> read -> outlets -> collection -> plan -> render -> write.

`check` runs the stages up to the collection; `build` runs them all. Each stage collects its
problems, and we stop before writing anything if any of them is an error, so build/ is never
touched by a bad run. What one build leaves the next is the build state (`site_builder.state`);
how the search index follows the pages is `site_builder.indexing`.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field, replace
from enum import Enum
from itertools import chain
from pathlib import Path
from typing import Callable, Iterator

import jinja2

from site_builder import problem_codes as codes
from site_builder.annotation_pages import PlannedPage, has_annotations, plan_listings
from site_builder.buildinfo import build_info_file
from site_builder.citations import CitationMemo
from site_builder.collection import Collection, build_collection
from site_builder.config import CONFIG_FILE, SiteConfig
from site_builder.data_memo import RowMemo
from site_builder.errors import ContentError, Problem, errors_only
from site_builder.events import EVENTS_FILE, read_events
from site_builder.hashing import InputFiles, code_fingerprint, digest, folder_stamp, inputs_stamp
from site_builder.incremental import KeysRecord, PageKeys, every_page_key, render_pages, theme_is_tracked
from site_builder.incremental import summaries as summaries_of
from site_builder.i18n import interface_for, interface_problems
from site_builder.indexing import SearchStep, no_search_index
from site_builder.languages import keep_known_tags
from site_builder.outlets import OUTLETS_FILE, read_outlets
from site_builder.pages import page_paths, read_pages, site_menu
from site_builder.progress import Progress
from site_builder.published import PublishedPiece, last_published, published_pieces, published_record
from site_builder.published import unrecorded_changes
from site_builder.reader import read_articles, renderer_for
from site_builder.render import OutputFile, PageJob, SitePlan, plan_site, template_problem, theme_dirs
from site_builder.search import INDEX_DIR, SearchIndexError, index_is_partial
from site_builder.state import BuildState, BuildSummary, CollectionRecord, OutputRecord, PlanRecord, SearchRecord
from site_builder.state import cache_dir, compiled_templates_dir, last_build
from site_builder.writers import KeptFiles, Staging, Written, write_site


class SaveState(Enum):
    """When a build writes its state to disk for the next one."""

    NOW = "now"  # before returning
    IN_BACKGROUND = "in background"  # from a child process, so a command that exits next need not wait
    NEVER = "never"  # kept in memory only (the preview server saves it when it stops)


@dataclass(frozen=True)
class BuildOptions:
    """What a command asks of a build. The named constructors say how each caller lives."""

    drafts: bool = False  # publish drafts too
    full_search: bool = False  # index every page afresh unless the index is whole: exact ranking
    core_only: bool = False  # only the kinds of pages Pelican writes, no search: like-for-like benchmarks
    jobs: int | None = None  # worker processes for a clean build's work; None: every core we may use
    progress: bool = False  # progress bars for the steps that take over a second
    # The only files that may have changed since the state's build (from the preview's watcher,
    # which saw every save); the others are not read again. None: stamp every input file.
    changed: frozenset[str] | None = None
    skip_if_unchanged: bool = True  # nothing changed since build/ was written: read nothing
    search_later: bool = False  # pages changed: keep the old index for now (Report.search_pending)
    save: SaveState = SaveState.NOW

    @classmethod
    def for_command_line(cls, *, drafts: bool, jobs: int | None, progress: bool, core_only: bool,
                         full_search: bool) -> "BuildOptions":
        """`site-builder build`: the state is saved by a child process while the command exits."""
        return cls(drafts, full_search, core_only, jobs, progress, save=SaveState.IN_BACKGROUND)

    @classmethod
    def for_preview_start(cls, drafts: bool) -> "BuildOptions":
        """The preview server's first build: it needs the collection even if nothing changed."""
        return cls(drafts, skip_if_unchanged=False)

    @classmethod
    def for_preview_rebuild(cls, drafts: bool, changed: set[str] | None) -> "BuildOptions":
        """A rebuild after saves: one process (the server's threads exist now, so no forking),
        the edited pages first and the search index on a thread afterwards, the state in memory."""
        return cls(drafts, jobs=1, changed=frozenset(changed) if changed is not None else None,
                   skip_if_unchanged=False, search_later=True, save=SaveState.NEVER)


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
    search_pending: bool = False  # the search index predates this build's pages (BuildOptions.search_later)
    state: BuildState | None = None  # the build state as this build left it
    plan: SitePlan | None = None  # every planned file (or kept: KeptFiles), and the environment that rendered the pages


def check(config: SiteConfig, include_drafts: bool = False) -> Report:
    """Validate the site without writing anything; raise ContentError listing every problem."""
    return _read(config, include_drafts, BuildState(""), 1, None)[0]


def build(config: SiteConfig, options: BuildOptions = BuildOptions(), state: BuildState | None = None) -> Report:
    """Build the site into config.output_dir, atomically; raise ContentError and leave build/ as it was.

    Incremental: with the state of the last build (`state`, kept in memory by the preview server,
    else read from the site's folder) only changed articles are read again, only pages whose
    inputs changed are rendered, only files whose bytes changed are written, and the search index
    is brought up to date rather than made afresh. When no input file changed, nothing is done.
    """
    started = time.perf_counter()
    if options.core_only:
        config = replace(config, search=False)
    themes = theme_dirs(config)
    # The catalogues too: the reader puts some of their words in the pieces' texts (previews, note labels).
    key = digest(code_fingerprint(), repr(config), options.drafts, options.core_only,
                 interface_for(config.language, themes, cache_dir(config.root)).stamp)
    stats = InputFiles()  # each input file's file_stat, taken for the stamp: the reader reuses them
    # The watcher already knows what changed: stamping every input file is only for the shortcut.
    stamp = "" if options.changed is not None else inputs_stamp([config.root / CONFIG_FILE, config.content_dir,
                                                                  *themes], key, stats)
    redo_search = options.full_search and config.search and index_is_partial(config.output_dir / INDEX_DIR)
    if options.skip_if_unchanged and stamp and state is None and not redo_search:
        unchanged = _unchanged_since(config, key, stamp)
        if unchanged is not None:
            return Report(config, None, unchanged.warnings, unchanged.files, time.perf_counter() - started,
                          unchanged.published, unchanged.drafts_hidden)
    if state is None or state.key != key:
        state = BuildState.load(config.root, key)
    output = state.output_in(config.output_dir)
    # The staging folder for the write step, opened now: a child links the previous build's files
    # into it while this process reads and plans (see writers.Staging).
    staging = Staging(config.output_dir, output.file_hashes, spare=output.spare)
    jobs = options.jobs or len(os.sched_getaffinity(0))
    try:
        theme = _Theme(themes, _site_key(key, config, themes), state.page_keys())
        read, published = _read_for_build(config, options, state, jobs, stats, theme)
        citations = _citations(read.collection, config, state, jobs)
        plan, page_keys, stale = _plan(read.collection, config, theme, key, state, output, staging,
                                       options.core_only, citations)
        search = _search_step(config, state, output, options, redo_search) if config.search else None
        info = build_info_file(config, options.drafts,  # what serve, deploy and the next check read (buildinfo)
                               published_record(published))
        written = _render_and_write(plan, stale, staging, themes, search, jobs, options.progress, config.root, info)
    finally:
        staging.close()
    state.record_output(OutputRecord(page_keys, written.hashes, folder_stamp(config.output_dir), staging.spare_left),
                        search.record if search else SearchRecord())
    state.record_inputs(stamp, BuildSummary(read.warnings, read.published, read.drafts_hidden, written.count))
    if options.save is SaveState.NOW:
        state.save(config.root)
    elif options.save is SaveState.IN_BACKGROUND:
        state.save_in_background(config.root)
    if options.save is not SaveState.NEVER:
        keep_known_tags(cache_dir(config.root))  # for the next build's language checks (languages)
    return Report(config, read.collection, read.warnings, written.count, time.perf_counter() - started,
                  read.published, read.drafts_hidden, written.changed, len(stale),
                  search_pending=bool(search and search.pending), state=state, plan=plan)


def _unchanged_since(config: SiteConfig, key: str, stamp: str) -> BuildSummary | None:
    """What the last build reported, if no input file changed since and build/ is still what it wrote."""
    last = last_build(config.root, key)
    if last and last.inputs_stamp == stamp and last.output_stamp and last.output_stamp == folder_stamp(config.output_dir):
        return last.summary
    return None


def _read(config: SiteConfig, include_drafts: bool, state: BuildState, jobs: int, progress: Progress | None,
          changed: frozenset[str] | None = None, set_aside: Callable[[list], None] | None = None,
          stats: InputFiles | None = None, theme: "_Theme | None" = None) -> tuple[Report, dict[str, PublishedPiece]]:
    """Steps 1-3: every article (front matter validated against the schema, Markdown rendered
    unless the state has it), the outlet and event profiles, the standalone pages and the menu,
    and the collection made of them; with what each piece publishes (for the build's record).
    `theme`: the theme the pages will be rendered with (None: no page will be)."""
    articles, problems = read_articles(config, state.article_entries(), jobs, progress.tick if progress else None,
                                       changed, set_aside, stats)
    basis = _collection_basis(config, include_drafts, state, articles) if state.key else ""
    reusable = state.collection_made_from(basis) if basis else None
    if reusable is not None and theme is not None and not theme.tracked(reusable.collection):
        reusable = None  # its outlets, tags, events... hold the last build's articles, bodies included
    if reusable is not None:
        # The same front matter and outlet profiles as last time: the same collection, but for
        # the articles themselves (an edited text), which are this build's. Its other parts
        # (outlets, tags, claims...) hold the articles it was made with, whose summaries are
        # this build's: a tracked theme shows nothing else of them.
        current = {article.slug: article for article in articles}
        collection = replace(reusable.collection,
                             articles=tuple(current[article.slug] for article in reusable.collection.articles))
        collection_problems = reusable.problems
    else:
        renderer = renderer_for(config, articles)
        outlets, outlet_problems = read_outlets(config, renderer)
        events, event_problems = read_events(config, renderer)
        pages, page_problems = read_pages(config, renderer)
        menu, menu_problems = site_menu(config, pages, _annotated(articles, include_drafts))
        collection, collection_problems = build_collection(articles, outlets, config, include_drafts,
                                                           state.related_memo(), events=events, pages=pages, menu=menu)
        collection_problems = outlet_problems + event_problems + page_problems + menu_problems + collection_problems
        state.keep_collection(CollectionRecord(basis, collection, collection_problems) if basis else None)
    problems += collection_problems
    problems += interface_problems(config.root, config.language, theme_dirs(config))  # no catalogue: English
    # A verdict or stance changed since it was published needs a correction (site_builder.published).
    published, memo = published_pieces(articles, state.summary_keys(), state.published_memo())
    state.keep_published(memo)
    problems += unrecorded_changes(last_published(config, published), published, articles, collection.claims)
    if errors_only(problems):
        raise ContentError(problems)
    return Report(config, collection, warnings=problems, published=len(collection),
                  drafts_hidden=collection.drafts_hidden), published


def _read_for_build(config: SiteConfig, options: BuildOptions, state: BuildState, jobs: int,
                    stats: InputFiles, theme: "_Theme") -> tuple[Report, dict[str, PublishedPiece]]:
    """`_read`, with each rendered body moved to the state's pack at once, to wait there for the
    page that shows it (holding them all would fill memory, and every forked renderer would
    inherit them). On a content error the articles read so far are saved: worth keeping while
    the editor fixes the rest."""
    save_to = config.root if options.save is not SaveState.NEVER else None
    with Progress("Reading", enabled=options.progress) as progress:
        try:
            with state.bodies_to_pack(save_to) as set_aside:
                return _read(config, options.drafts, state, jobs, progress, options.changed, set_aside, stats, theme)
        except ContentError:
            if save_to is not None:
                state.save(save_to)
            raise


def _collection_basis(config: SiteConfig, include_drafts: bool, state: BuildState, articles: list) -> str:
    """What the collection is made from (besides the code and site options the state is keyed
    by): each article's summary (everything but its body), the outlet and event profiles and the
    standalone pages. An edited text changes none of them, and then the collection need not be
    made again."""
    summaries, memo = summaries_of(articles, state.full_keys(), state.summary_memo())
    state.remember_summaries(memo, summaries)
    editors_files = [config.root / OUTLETS_FILE, config.root / EVENTS_FILE, *page_paths(config)]
    # The pieces as one string (a summary key is hex of one length; no path holds a NUL): quicker
    # to hash than as 10,000 pickled pairs.
    pieces = "\0".join([f"{summaries[article.slug]}{article.path}" for article in articles])
    return digest(include_drafts, [(str(path), _bytes_or_error(path)) for path in editors_files], pieces,
                  _annotated(articles, include_drafts))  # the menu links /annotations/ only then


def _annotated(articles: list, include_drafts: bool) -> bool:
    return has_annotations(article for article in articles if include_drafts or not article.draft)


def _bytes_or_error(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as error:  # missing or unreadable: its problem is reported when it is read
        return repr(error).encode()


def _citations(collection: Collection, config: SiteConfig, state: BuildState, jobs: int) -> CitationMemo:
    """Step 4a: each piece's formatted citations, made again only for pieces whose metadata changed."""
    citations = CitationMemo(state.citation_memo(), config, state.full_keys())
    citations.prepare(collection.articles, jobs)
    state.keep_citations(citations.kept())
    return citations


class _Theme:
    """The theme's folders, its site key (`_site_key`), and whether the page keys can follow it
    (`theme_is_tracked`), found once per build."""

    def __init__(self, folders: list[Path], site_key: str, last: KeysRecord | None):
        self.folders, self.site_key, self._last = folders, site_key, last
        self._tracked: bool | None = None

    def tracked(self, collection: Collection) -> bool:
        """`theme_is_tracked`, which reads every template: asked only when the last build's page
        keys do not answer it. They do when they start from the key a tracked theme's keys of
        this `collection` start from (`every_page_key`): it covers every file of the theme, so
        that build had this theme, and it was tracked (an untracked theme's keys start from a
        hash of that key and more). Its collection need not be this one: a reused collection
        has the menu and the annotated pieces of the one made from the same inputs."""
        if self._tracked is None:
            last = self._last
            self._tracked = (last is not None and last.basis[0] == every_page_key(self.site_key, collection)) \
                or theme_is_tracked(self.folders)
        return self._tracked


def _plan(collection: Collection, config: SiteConfig, theme: _Theme, key: str, state: BuildState,
          output: OutputRecord, staging: Staging, core_only: bool,
          citations: CitationMemo) -> tuple[SitePlan, KeysRecord, list[PageJob]]:
    """Step 4: every page planned with its dependency key; the stale ones are those to render.

    When only pieces' bodies changed since the last build, and build/ is what it wrote, only the
    pages that may show a change are planned (render.plan_site with the last plan): the others
    are the last build's, with their keys."""
    try:
        full_keys = state.full_keys()
        themes, tracked = theme.folders, theme.tracked(collection)
        keys = PageKeys(collection, theme.site_key, full_keys, tracked, state.summary_memo(), state.page_keys(),
                        state.summary_keys())
        listings = () if core_only else _annotation_listings(collection, keys, state)
        last = _last_plan(keys, output, core_only, tracked)
        if last is not None and not staging.previous_if_linked():  # build/ lost files since: plan everything
            last = None
        plan = plan_site(collection, config, themes, core_only, compiled_templates_dir(config.root),
                         RowMemo(cache_dir(config.root), key, full_keys), citations, listings,
                         last, keys.changed_bodies if last is not None else ())
        pages = plan.pages
        page_keys = keys.of_all(pages)
        if plan.replanned is not None:  # the pages of the sections kept have the last build's keys
            page_keys, planned_keys = keys.last_keys_but(plan.replanned), page_keys
            page_keys.update(planned_keys)
    except jinja2.TemplateError as error:
        raise ContentError([template_problem(error, config.root)]) from None
    previous = staging.previous_if_linked()  # {} if build/ lost files since: render everything
    written_keys = output.page_keys.keys if output.page_keys else {}
    stale = [page for page in pages
             if not (page.path in previous and written_keys.get(page.path) == page_keys[page.path])]
    return plan, keys.record(page_keys, plan.outline), stale


def _last_plan(keys: PageKeys, output: OutputRecord, core_only: bool, tracked: bool) -> PlanRecord | None:
    """The last build's plan in outline, to start this one from: while only pieces' bodies
    changed since (the page keys' basis is the last build's, which also means the same code,
    options, theme and summaries) and build/ is what that build wrote. A theme the keys cannot
    follow (`theme_is_tracked`) makes any page show any body: then every page is planned."""
    last = keys.last
    if core_only or not tracked or last is None or last is not output.page_keys:
        return None
    return last.plan


def _annotation_listings(collection: Collection, keys: PageKeys, state: BuildState) -> tuple[PlannedPage, ...]:
    """The annotation listings' pages as the last build planned them, while the annotated pieces
    (their order, dates and annotations) are the same: planning them goes through every
    annotation, and an edit build changes few."""
    basis = keys.annotated_pieces_key()
    planned = state.annotation_listings(basis)
    if planned is None:
        planned = plan_listings(collection.articles)
        state.keep_annotation_listings(basis, planned)
    return planned


def _search_step(config: SiteConfig, state: BuildState, output: OutputRecord, options: BuildOptions,
                 redo_search: bool) -> SearchStep:
    # An index that is not whole is no start for a --full-search build: it indexes everything.
    start_from = config.output_dir if output.stamp and not redo_search else None
    return SearchStep(config, state.search_index(), start_from, options.search_later, options.full_search)


def _render_and_write(plan: SitePlan, stale: list[PageJob], staging: Staging, themes: list[Path],
                      search: SearchStep | None, jobs: int, progress: bool, root: Path, info: OutputFile) -> Written:
    """Steps 5-6: render the stale pages and write them, the others linked from the last build,
    into the staging folder; index it for search; swap it in. Pages stream from the renderers to
    the writer, so they are never all in memory at once."""
    unchanged = _made_already(plan.items, {page.path for page in stale})
    with Progress("Rendering", enabled=progress, total=len(stale)) as progress_bar:
        try:
            files = chain(unchanged, [info], render_pages(plan.env, stale, jobs, progress_bar.tick))
            return write_site(staging.output_dir, files, [t / "static" for t in themes],
                              finish=search or no_search_index, staging=staging)
        except jinja2.TemplateError as error:
            raise ContentError([template_problem(error, root)]) from None
        except SearchIndexError as error:
            raise ContentError([Problem("build", 0, str(error), "run with search: false in site.yml to build without it",
                                        code=codes.SEARCH_INDEX_FAILED)]) from None


def _made_already(items: list[PageJob | OutputFile | KeptFiles],
                  stale_paths: set[str]) -> Iterator[OutputFile | KeptFiles]:
    """The plan's files made already, and the files to keep (the last build's): those the plan
    keeps, and those of the pages not to render again, in the plan's order."""
    kept: list[str] = []
    for item in items:
        if isinstance(item, KeptFiles):
            kept.extend(item.paths)
        elif not isinstance(item, PageJob):
            if kept:
                yield KeptFiles(kept)
                kept = []
            yield item
        elif item.path not in stale_paths:
            kept.append(item.path)
            kept.extend(item.also)
    if kept:
        yield KeptFiles(kept)


def _site_key(key: str, config: SiteConfig, themes: list[Path]) -> str:
    """What every page depends on: the code and options (`key`), the theme's files, the outlet profiles."""
    theme_files = [(str(path), path.read_bytes()) for theme in themes for path in sorted(theme.rglob("*"))
                   if path.is_file()]
    outlets = config.root / OUTLETS_FILE
    return digest(key, theme_files, outlets.read_bytes() if outlets.is_file() else None)
