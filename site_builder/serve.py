"""`site-builder serve`: build the site, serve build/ and reload the browser on every save.

livereload supplies the browser side: its WebSocket protocol, livereload.js and the script tag it
injects into HTML responses (never into build/). The rest is ours, as its defaults do not fit:
- its poller sees one changed file per 0.8 s tick and drops reloads within 3 s of the last, so a
  burst of saves meant many builds and a quick second save was lost. `SiteWatcher` collects the
  changed files (from inotify on Linux, else by comparing snapshots) and, once quiet for
  QUIET_SECONDS, runs ONE build, sends ONE reload;
- its static handler serves whatever a path names. `SiteHandler` serves only files inside build/,
  under the base path as GitHub Pages does, with `Cache-Control: no-store` (no stale search index).
  The base path is the one the build/ being replaced was made for, unless told otherwise
  (`preview_base_url`): a build made for publishing under /repo/ is never quietly rebuilt for /.
A rebuild is the normal atomic build (`build.build`), so a request never meets a half-written
site, and incremental: the build cache stays in memory, the watcher tells the build which files
changed, and only the pages they affect are rendered. An edit to an article's text is served
from memory at once (`quick_preview`); as no other page shows it, the rebuild that writes it to
build/ waits for a pause of PAUSE_SECONDS in the saves. A failed build keeps the server up: every
page shows the problems until the next good save brings the site back.

On a loopback address, the preview is also where editors annotate: selecting words in a piece
offers a note, saved into the piece's file (`site_builder.annotate`: the endpoint, the script it
adds to article pages as they are served, never to build/). For that, the preview knows which
version of each article file every page it serves was made from (`source_sha256`).
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import html
import mimetypes
import os
import re
import signal
import sys
import threading
import time
import traceback
import webbrowser
from concurrent.futures import ThreadPoolExecutor
from contextlib import suppress
from pathlib import Path
from string import Template
from urllib.parse import unquote

try:
    from inotify_simple import INotify, flags
except ImportError:  # not Linux: compare snapshots instead
    INotify = flags = None
from livereload import Server
from livereload.handlers import LiveReloadHandler
from livereload.watcher import Watcher
from tornado.ioloop import IOLoop, PeriodicCallback
from tornado.web import RequestHandler

from site_builder import problem_codes as codes
from site_builder.annotate import (URL_PREFIX, AnnotationsHandler, AssetHandler, Editing, annotator_name, article_slug,
                                   editing_for, with_editing)
from site_builder.build import BuildOptions, build
from site_builder.buildinfo import BUILD_INFO_FILE, read_build_info
from site_builder.config import CONFIG_FILE, base_path_of, base_url_problems, load_config
from site_builder.errors import ContentError, Problem
from site_builder.incremental import summary
from site_builder.indexing import refresh_search_index
from site_builder.reader import ARTICLES_DIR, reread_article
from site_builder.render import article_page_job, default_theme_dir, render_page
from site_builder.state import BuildState

POLL_SECONDS = 0.1  # how often watched files are compared with their last snapshot (without inotify)
INOTIFY_POLL_SECONDS = 0.01  # how often inotify's queue is read (a cheap, non-blocking read)
QUIET_SECONDS = 0.05  # a burst of saves (a git checkout, a search-and-replace) is one rebuild
PAUSE_SECONDS = 2.0  # text edits already shown at once: the full rebuild waits for a pause this long
ERROR_PAGE = Template("""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Build failed</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto}code{color:#a00}</style>
</head><body><h1>The site could not be built</h1><p>$count. Fix and save: this page reloads by itself.</p>
<ul>$items</ul></body></html>
""")


class Preview:
    """The site being previewed and the outcome of its last build (read by every request)."""

    def __init__(self, root: Path, drafts: bool, quiet: bool, base_url: str | None = None):
        self.root, self.drafts, self.quiet = root, drafts, quiet
        self.base_url = base_url  # overrides site.yml's (see `preview_base_url`); None: site.yml's
        # Until a build has read site.yml:
        self.output_dir, self.base_path = root / "build", base_path_of(base_url) if base_url else "/"
        self.problems: list[Problem] = []  # non-empty: the last build failed, show them
        self.state: BuildState | None = None  # kept in memory between rebuilds: an edit re-renders only what it affects
        self.last = None  # the last good build's Report (its collection and plan, for `quick_preview`)
        self.overlay: dict[str, tuple[int, bytes]] = {}  # pages shown before build/ has them (quick_preview)
        self._built_sources: dict[str, str] = {}  # slug -> SHA-256 of the file build/'s page was made from
        self._shown_sources: dict[str, tuple[int, str]] = {}  # the same for overlay pages (with their number)
        self._shown = 0  # quick previews made: each overlay page carries its number
        self.lock = threading.Lock()  # one writer of build/ at a time: a rebuild, or the search refresh
        self._search_state = threading.Lock()
        self._searching = self._search_again = False

    def watched(self) -> list[Path]:
        """Everything a build reads: content, site.yml, the site's themes and the default theme."""
        return [self.root / "content", self.root / CONFIG_FILE, self.root / "themes", default_theme_dir()]

    def rebuild(self, changed: set[str] | None = None, first: bool = False) -> None:
        """Build once; a failure is kept for the browser to show instead of stopping the server.

        `changed` (the files the watcher saw change) lets the build skip re-reading the others;
        `first`: the build the server starts with (BuildOptions.for_preview_start)."""
        started = time.perf_counter()
        try:
            # Only the first build, before the server's threads exist, may fork worker processes.
            # The edited page is served first; the search index catches up on a thread of its own.
            with self.lock:
                shown_before = self._shown  # quick previews made so far: this build reads their files
                try:
                    options = (BuildOptions.for_preview_start(self.drafts) if first
                               else BuildOptions.for_preview_rebuild(self.drafts, changed))
                    report = build(load_config(self.root, self.base_url), options, self.state)
                    self._built_sources = {Path(path).stem: entry.sha256
                                           for path, entry in report.state.article_entries().items()}
                finally:  # build/ now has those pages (or the problems page shows); later previews stay
                    self.overlay = {path: page for path, page in self.overlay.items() if page[0] > shown_before}
                    self._shown_sources = {slug: shown for slug, shown in self._shown_sources.items()
                                           if shown[0] > shown_before}
        except ContentError as error:
            return self._failed(error.problems)
        except Exception as error:  # an OS error or a bug must not take the preview down either
            traceback.print_exc()
            return self._failed([Problem("build", 0, f"{type(error).__name__}: {error}", "see the terminal",
                                          code=codes.UNEXPECTED)])
        self.output_dir, self.base_path, self.problems = report.config.output_dir, report.config.base_path, []
        self.last, self.state = report, report.state
        for warning in report.warnings:
            print(warning, file=sys.stderr, flush=True)
        if not self.quiet:
            verb = "Built" if first else "Rebuilt"
            print(f"{verb} in {time.perf_counter() - started:.2f} s ({report.published} articles).", flush=True)
        if report.search_pending:
            self._refresh_search(report.config)

    def quick_preview(self, changed: set[str] | None) -> bool:
        """Show an edit to articles' text at once, before the full rebuild that follows.

        When every changed file is an article whose front matter (all that other pages show of
        it) is as before, only its own page can change: render it with the last build's
        collection and serve it from memory (`overlay`) until the rebuild has written build/.
        False (nothing done) for anything else: a new, deleted or renamed file, changed front
        matter, a theme or site.yml edit, or an article with a problem.
        """
        report, state = self.last, self.state
        if not changed or report is None or report.collection is None or report.plan is None or self.problems:
            return False
        config, articles_dir = report.config, report.config.content_dir / ARTICLES_DIR
        by_slug = {article.slug: article for article in report.collection.articles}
        pages, sources = {}, {}
        # No lock: a rebuild may be running (a thread of its own) and must not delay the edit. The
        # last build's collection and the cached link targets are only read; if the rebuild
        # changes them under us, we give up and the rebuild shows the edit.
        env = report.plan.env
        for changed_path in changed:
            path = Path(changed_path)
            old = by_slug.get(path.stem)
            if path.suffix != ".md" or path.parent != articles_dir or old is None:
                return False
            try:
                sources[old.slug] = hashlib.sha256(path.read_bytes()).hexdigest()  # before: never newer than the page
                new = reread_article(path, config, state.article_entries())
            except OSError:
                return False
            except RuntimeError:  # the state changed size while we read it
                return False
            if new is None or summary(new) != summary(old):
                return False
            page = render_page(env, article_page_job(new, config, env.globals["interface"]))
            pages[str((config.output_dir / page.path).resolve())] = page.content  # as `inside` names it
        self._shown += 1
        self.overlay = {**self.overlay, **{path: (self._shown, content) for path, content in pages.items()}}
        self._shown_sources = {**self._shown_sources, **{slug: (self._shown, sha) for slug, sha in sources.items()}}
        if not self.quiet:
            print(f"Shown at once: {len(pages)} edited page{'s' if len(pages) != 1 else ''}; rebuilding the rest.",
                  flush=True)
        return True

    def source_sha256(self, slug: str) -> str:
        """The SHA-256 of the article file the served page of `slug` was made from ("" if unknown)."""
        shown = self._shown_sources.get(slug)
        return shown[1] if shown else self._built_sources.get(slug, "")

    def _refresh_search(self, config) -> None:
        """Re-index on a thread (one at a time; a request made meanwhile runs when it ends)."""
        with self._search_state:
            if self._searching:
                self._search_again = True
                return
            self._searching, self._search_again = True, False

        def run() -> None:
            lower_priority()  # Pagefind, started from this thread, inherits it
            while True:
                done = refresh_search_index(config, self.state, self.lock)
                if done and not self.quiet:
                    print("Search index updated.", flush=True)
                with self._search_state:
                    if not self._search_again:
                        self._searching = False
                        return
                    self._search_again = False

        threading.Thread(target=run, daemon=True, name="search-index").start()

    def _failed(self, problems: list[Problem]) -> None:
        self.problems = problems
        print(*problems, f"Build failed ({_count(problems)}); the browser shows them until the next good save.",
              sep="\n", file=sys.stderr, flush=True)


class SiteWatcher(Watcher):
    """Replaces livereload's poller: collect changes, wait for quiet, rebuild once, reload once."""

    def __init__(self, preview: Preview):
        super().__init__()
        self.preview = preview
        self._watching: Changes | None = None
        self._pending: set[str] | None = set()  # None: unknown (rebuild without a hint)
        self._changed_at: float | None = None
        self._last_save = 0.0  # when a change was last seen
        self._queued: set[str] | None = set()  # changes the next full rebuild must take in
        self._queued_all_shown = True  # ... all of them already shown by quick previews
        self._rebuilding = False
        # Rebuilds on a thread of lower priority: the quick preview of the next save must not wait for CPU.
        self._rebuilder = ThreadPoolExecutor(max_workers=1, thread_name_prefix="rebuild", initializer=lower_priority)

    def start(self, callback) -> bool:
        """Called by livereload when serving starts; True tells it not to run its own poller."""
        self._watching = watch_changes([Path(task) for task in self._tasks])
        PeriodicCallback(self._tick, self._watching.interval * 1000).start()
        return True

    async def _tick(self) -> None:
        """One poll. PeriodicCallback awaits it, so builds never overlap; saves made during a
        build are collected meanwhile and start the next one."""
        changed = self._watching.poll()
        if changed is None or changed:
            self._pending = None if changed is None or self._pending is None else self._pending | changed
            self._changed_at = self._last_save = time.monotonic()
            return
        if self._changed_at is None or time.monotonic() - self._changed_at < QUIET_SECONDS:
            return
        hint, self._pending, self._changed_at = self._pending, set(), None
        loop = IOLoop.current()
        shown = await loop.run_in_executor(None, self.preview.quick_preview, hint)
        if shown:  # the edited text is served from memory already
            LiveReloadHandler.reload_waiters("*")
        self._queued = None if hint is None or self._queued is None else self._queued | hint
        self._queued_all_shown = self._queued_all_shown and shown
        if not self._rebuilding:
            self._rebuilding = True
            loop.add_callback(self._rebuild_queued)

    async def _rebuild_queued(self) -> None:
        """Full rebuilds, one at a time, each of everything saved since the last began; quick
        previews of later edits go on meanwhile (a rebuild of a large collection takes seconds)."""
        loop = IOLoop.current()
        try:
            while self._queued is None or self._queued:
                await self._pause_if_all_shown()
                hint, all_shown = self._queued, self._queued_all_shown
                self._queued, self._queued_all_shown = set(), True
                await loop.run_in_executor(self._rebuilder, self.preview.rebuild, hint)  # keep serving
                if not all_shown:
                    LiveReloadHandler.reload_waiters("*")  # "*": a full page reload, whatever changed
        finally:
            self._rebuilding = False

    async def _pause_if_all_shown(self) -> None:
        """While every queued change is a text edit already served from memory (which no other
        page shows), wait for the editor to pause before rebuilding: a large collection's rebuild
        takes seconds of the interpreter, and the quick preview of the next save would share it."""
        while self._queued is not None and self._queued_all_shown and self._pending is not None \
                and time.monotonic() - self._last_save < PAUSE_SECONDS:
            await asyncio.sleep(0.05)


class Changes:
    """Which watched files changed since the last poll, by comparing snapshots (any platform)."""

    interval = POLL_SECONDS  # seconds between polls

    def __init__(self, paths: list[Path]):
        self.paths = paths
        self._seen = snapshot(paths)

    def poll(self) -> set[str] | None:
        current = snapshot(self.paths)
        changed = {path for path in current.keys() | self._seen.keys() if current.get(path) != self._seen.get(path)}
        self._seen = current
        return changed


class InotifyChanges(Changes):
    """The same from Linux's inotify: no walk over every file on each poll (slow for a large
    collection), so the watcher can poll often and an edit is seen within milliseconds."""

    interval = INOTIFY_POLL_SECONDS
    MASK = 0 if flags is None else (flags.CREATE | flags.MODIFY | flags.CLOSE_WRITE | flags.DELETE | flags.MOVED_FROM | flags.MOVED_TO
            | flags.ATTRIB)

    def __init__(self, paths: list[Path]):
        self.inotify = INotify(nonblocking=True)
        self.folders: dict[int, tuple[str, set[str] | None]] = {}  # watch -> (folder, names of interest)
        for path in paths:
            if path.is_dir():
                self._watch_tree(str(path))
            elif path.parent.is_dir():  # site.yml, or themes/ before it exists: its folder, only that name
                self._watch(str(path.parent), {path.name})

    def _watch(self, folder: str, names: set[str] | None = None) -> None:
        """Watch `folder` for `names` (None: everything in it); a folder watched twice gets the union."""
        with suppress(OSError):
            watch = self.inotify.add_watch(folder, self.MASK)
            _, known = self.folders.get(watch, (folder, set()))
            self.folders[watch] = (folder, None if names is None or known is None else known | names)

    def _watch_tree(self, top: str) -> set[str]:
        """Watch `top` and every folder below it; return the files found (new when `top` is new)."""
        found = set()
        for folder, subfolders, names in os.walk(top):
            subfolders[:] = [d for d in subfolders if not d.startswith(".")]
            self._watch(folder)
            found |= {os.path.join(folder, n) for n in names if _watched_name(n)}
        return found

    def poll(self) -> set[str] | None:
        changed: set[str] = set()
        for event in self.inotify.read(timeout=0):
            if event.mask & flags.Q_OVERFLOW:
                return None  # events were lost: rebuild without a hint
            folder, names = self.folders.get(event.wd, (None, None))
            if folder is None or not event.name or (names is not None and event.name not in names):
                continue
            if not _watched_name(event.name):
                continue
            path = os.path.join(folder, event.name)
            changed.add(path)
            if event.mask & flags.ISDIR and event.mask & (flags.CREATE | flags.MOVED_TO):
                changed |= self._watch_tree(path)
            elif event.mask & flags.ISDIR:
                return None  # a folder went away: which files it held is not known here
        return changed


def watch_changes(paths: list[Path]) -> Changes:
    try:
        return InotifyChanges(paths) if INotify is not None else Changes(paths)
    except OSError:  # no inotify instances left, or a file system without it
        return Changes(paths)


def lower_priority() -> None:
    """Lower the calling thread's CPU priority (Linux gives each thread its own nice value; other
    systems would lower the whole process, so there it does nothing)."""
    if not sys.platform.startswith("linux"):
        return
    with suppress(OSError, AttributeError):
        os.setpriority(os.PRIO_PROCESS, 0, min(19, os.getpriority(os.PRIO_PROCESS, 0) + 10))


def _watched_name(name: str) -> bool:
    return not name.startswith(".") and not name.endswith("~")  # hidden files and backups: editor scratch


def snapshot(paths) -> dict[str, tuple[int, int, int]]:
    """Each watched file's (mtime, size, inode): edits, new and deleted files and editors' atomic
    saves (a new inode) all change it. Hidden files and `~` backups (editor scratch) are skipped."""
    files = [str(path) for path in paths if os.path.isfile(path)]
    for top in (str(path) for path in paths if os.path.isdir(path)):
        for folder, subfolders, names in os.walk(top):
            subfolders[:] = [d for d in subfolders if not d.startswith(".")]
            files += [os.path.join(folder, n) for n in names if not n.startswith(".") and not n.endswith("~")]
    seen = {}
    for file in files:
        with suppress(OSError):  # deleted while we looked: the next snapshot sees it gone
            stat = os.stat(file)
            seen[file] = (stat.st_mtime_ns, stat.st_size, stat.st_ino)
    return seen


def inside(root: Path, relative: str) -> Path | None:
    """`root/relative` fully resolved, or None if it would leave root: `..`, absolute paths,
    NUL bytes and symlinks pointing out are all refused, whatever the URL's encoding was."""
    if relative.startswith("/") or "\\" in relative or "\0" in relative or ".." in relative.split("/"):
        return None
    root = root.resolve()
    target = (root / relative).resolve()
    return target if target == root or root in target.parents else None


class SiteHandler(RequestHandler):
    """build/ under the base path, as GitHub Pages serves it; the error page while broken."""

    def initialize(self, preview: Preview, live_script: bytes = b"", editing: Editing | None = None) -> None:
        self.preview, self.live_script, self.editing = preview, live_script, editing

    def set_default_headers(self) -> None:
        self.set_header("Cache-Control", "no-store")  # a rebuild must never meet a cached page or index

    def compute_etag(self) -> None:  # no 304s either: every request reads the current build
        return None

    def get(self) -> None:
        preview, path = self.preview, unquote(self.request.path)
        if preview.problems:
            return self._error_page(preview.problems)
        if path in ("/", preview.base_path.rstrip("/")) and path != preview.base_path:
            return self.redirect(preview.base_path)
        relative = path[len(preview.base_path):] if path.startswith(preview.base_path) else None
        target = inside(preview.output_dir, relative) if relative is not None else None
        if target is not None and target.name == BUILD_INFO_FILE:  # the build's record, never published
            target = None
        if target is not None and target.is_dir():
            if not path.endswith("/"):  # relative links in index.html need the trailing slash
                return self.redirect(self.request.path + "/")
            target = inside(preview.output_dir, os.path.join(relative, "index.html"))
        if target is None or not self._send(target):
            self._not_found()

    head = get

    def _send(self, file: Path, status: int = 200) -> bool:
        shown = self.preview.overlay.get(str(file))  # an edit shown before build/ has it
        content = shown[1] if shown else None
        try:
            content = file.read_bytes() if content is None else content  # whole: livereload injects its script
        except OSError:  # missing, a folder, or swapped away by a rebuild this instant
            return False
        self.set_status(status)
        self.set_header("Content-Type", content_type(file))
        if file.suffix == ".html":
            content = self._with_editing(file, allow_inline_script(content, self.live_script))
        self.finish(content)
        return True

    def _with_editing(self, file: Path, content: bytes) -> bytes:
        """An article's page gets the annotating script, when this preview annotates."""
        last = self.preview.last
        if self.editing is None or last is None or last.collection is None:
            return content
        slug = article_slug(self.preview.output_dir, file)
        sha = self.preview.source_sha256(slug) if slug else ""
        return with_editing(content, self.editing, slug, sha, dict(last.config.annotation_kinds)) if sha else content

    def _not_found(self) -> None:
        page = inside(self.preview.output_dir, "404.html")
        if page is None or not self._send(page, 404):
            self.set_status(404)
            self.finish("Not found\n")

    def _error_page(self, problems: list[Problem]) -> None:
        """Status 500, so nothing mistakes it for the page; the live-reload script is injected
        like on any HTML response, so the next good save brings the site back by itself."""
        items = "\n".join(f"<li><code>{html.escape(str(p))}</code></li>" for p in problems)
        self.set_status(500)
        self.set_header("Content-Type", "text/html; charset=utf-8")
        self.finish(ERROR_PAGE.substitute(count=html.escape(_count(problems)), items=items))


def allow_inline_script(page: bytes, script_element: bytes) -> bytes:
    """Let the page's Content-Security-Policy run livereload's inline loader, by its hash.

    Built pages allow only the site's own script files. livereload injects one small inline
    <script> into every HTML response; only this served copy's policy names it (build/ never
    does), so the preview reloads and a stray inline script in a page would still be refused.
    """
    found = re.search(rb"<script[^>]*>(.*?)</script>", script_element, re.DOTALL)
    if not found:
        return page
    digest = base64.b64encode(hashlib.sha256(found.group(1)).digest())
    return _CSP_SCRIPT_SRC.sub(lambda m: m.group(0) + b" 'sha256-" + digest + b"'", page, count=1)


_CSP_SCRIPT_SRC = re.compile(rb'<meta http-equiv="Content-Security-Policy" content="[^"]*?script-src', re.IGNORECASE)


def content_type(file: Path) -> str:
    """Pagefind's own suffixes (.pf_meta, .pf_fragment, ...) are unknown: binary, as they should be."""
    kind = mimetypes.guess_type(file.name)[0] or "application/octet-stream"
    return f"{kind}; charset=utf-8" if kind.startswith("text/") or kind.endswith(("javascript", "json")) else kind


class PreviewServer(Server):
    """livereload's server with our handler for the site and our watcher for the rebuilds."""

    def __init__(self, preview: Preview, editing: Editing | None = None):
        super().__init__(watcher=SiteWatcher(preview))
        self.preview, self.editing = preview, editing
        LiveReloadHandler.DEFAULT_RELOAD_TIME = 0  # its 3 s throttle would drop a quick second save

    def get_web_handlers(self, script):
        site = [(r"/.*", SiteHandler, {"preview": self.preview, "live_script": script, "editing": self.editing})]
        if self.editing is None:
            return site
        return [(URL_PREFIX + "annotations", AnnotationsHandler, {"preview": self.preview, "editing": self.editing}),
                (URL_PREFIX + r"([\w.]+)", AssetHandler)] + site

    def _setup_logging(self) -> None:
        pass  # its INFO chatter (every reload, every browser connecting) is noise to an editor


def serve(root: Path, host: str = "127.0.0.1", port: int = 8000, open_browser: bool = False,
          drafts: bool = False, quiet: bool = False, base_url: str | None = None, annotator: str | None = None) -> int:
    """Build, then serve until Ctrl-C (exit 0) or SIGTERM; 1 if the port cannot be used.

    `annotator`: the name new annotations are signed with (None: git's user.name)."""
    if base_url is not None and base_url_problems(base_url):
        raise ContentError(base_url_problems(base_url))
    base_url, notes = preview_base_url(root, base_url, drafts)
    for note in notes:
        print(note, file=sys.stderr, flush=True)
    preview = Preview(root, drafts, quiet, base_url)
    try:
        preview.rebuild(first=True)
        editing = editing_for(host, port, annotator_name(annotator, root))
        if editing is None:
            print(f"Annotating from the preview is off: it is offered only on this machine's own address "
                  f"(--host 127.0.0.1), not on {host}.", file=sys.stderr, flush=True)
        server = PreviewServer(preview, editing)
        for path in preview.watched():
            server.watch(str(path))
        url = f"http://{host}:{port}{preview.base_path}"
        IOLoop.current().add_callback(_started, url, open_browser)
        server.serve(port=port, host=host)
    except KeyboardInterrupt:  # Ctrl-C during the first build, before the loop took over the signal
        pass
    except OSError as error:
        print(f"error: cannot serve on {host}:{port}: {error.strerror or error}", file=sys.stderr)
        return 1
    _keep_state(preview)
    print("Stopped.", flush=True)
    return 0


def preview_base_url(root: Path, given: str | None, drafts: bool) -> tuple[str | None, list[str]]:
    """The base URL to preview with (None: site.yml's), and what to tell the editor about it.

    The preview rebuilds build/, so it keeps what the last build was made for: a site built with
    `build --base-url /repo/` to be published is previewed under /repo/, never quietly rebuilt
    for `/`. Only `--base-url` given here, or a plain `build`, changes that. When the preview is
    told to build something else than the build it replaces (another base path, or drafts), it
    says so loudly: build/ must be built again before `deploy` (which would refuse it anyway).
    """
    last = read_build_info(root / "build")
    if given is None and last is not None and last.base_url_given:
        given = last.base_url
        notes = [f"Previewing for {last.base_path}, the base path of the last build (--base-url {last.base_url}); "
                 f"serve --base-url / previews for the domain root."] if last.base_path != "/" else []
    else:
        notes = []
        if given is not None and last is not None and base_path_of(given) != last.base_path:
            notes.append(f"warning: build/ was built for {last.base_path}; this preview rebuilds it for "
                         f"{base_path_of(given)}. Before deploying, build it again: site-builder build"
                         + (f" --base-url {last.base_url}" if last.base_url_given else ""))
    if drafts and last is not None and not last.drafts:
        notes.append("warning: this preview rebuilds build/ with the drafts, which deploy refuses to publish. "
                     "Before deploying, build it again: site-builder build")
    return given, notes


def _keep_state(preview: Preview) -> None:
    """Rebuilds kept their state in memory only: save it for the next build (unless a rebuild
    still holds build/ after a few seconds; the next build then reads what changed again)."""
    if preview.state is not None and preview.lock.acquire(timeout=5):
        try:
            preview.state.save(preview.root)
        finally:
            preview.lock.release()


def _started(url: str, open_browser: bool) -> None:
    """Runs once listening succeeded: announce, open a browser, let Ctrl-C stop the loop cleanly."""
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, loop.stop)
    print(f"Serving at {url} (Ctrl-C to stop)", flush=True)
    if open_browser:
        threading.Thread(target=webbrowser.open, args=(url,), daemon=True).start()


def _count(problems: list[Problem]) -> str:
    return f"{len(problems)} problem{'s' if len(problems) != 1 else ''}"
