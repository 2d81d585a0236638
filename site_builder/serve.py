"""`site-builder serve`: build the site, serve build/ and reload the browser on every save.

livereload supplies the browser side: its WebSocket protocol, livereload.js and the script tag it
injects into HTML responses (never into build/). The rest is ours, as its defaults do not fit:
- its poller sees one changed file per 0.8 s tick and drops reloads within 3 s of the last, so a
  burst of saves meant many builds and a quick second save was lost. `SiteWatcher` compares
  snapshots of every watched file and, once quiet for QUIET_SECONDS, runs ONE build, sends ONE reload;
- its static handler serves whatever a path names. `SiteHandler` serves only files inside build/,
  under the base path as GitHub Pages does, with `Cache-Control: no-store` (no stale search index).
A rebuild is the normal atomic build (`build.build`), so a request never meets a half-written
site; making it incremental is later work. A failed build keeps the server up: every page shows
the problems until the next good save brings the site back.
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
from contextlib import suppress
from pathlib import Path
from string import Template
from urllib.parse import unquote

from livereload import Server
from livereload.handlers import LiveReloadHandler
from livereload.watcher import Watcher
from tornado.ioloop import IOLoop, PeriodicCallback
from tornado.web import RequestHandler

from site_builder import problem_codes as codes
from site_builder.build import build
from site_builder.cache import BuildCache
from site_builder.config import CONFIG_FILE
from site_builder.errors import ContentError, Problem
from site_builder.render import default_theme_dir

POLL_SECONDS = 0.1  # how often the watched files are compared with their last snapshot
QUIET_SECONDS = 0.3  # a burst of saves (a git checkout, a search-and-replace) is one rebuild
ERROR_PAGE = Template("""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Build failed</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto}code{color:#a00}</style>
</head><body><h1>The site could not be built</h1><p>$count. Fix and save: this page reloads by itself.</p>
<ul>$items</ul></body></html>
""")


class Preview:
    """The site being previewed and the outcome of its last build (read by every request)."""

    def __init__(self, root: Path, drafts: bool, quiet: bool):
        self.root, self.drafts, self.quiet = root, drafts, quiet
        self.output_dir, self.base_path = root / "build", "/"  # until a build has read site.yml
        self.problems: list[Problem] = []  # non-empty: the last build failed, show them
        self.cache = BuildCache()  # kept in memory between rebuilds: an edit re-renders only what it affects

    def watched(self) -> list[Path]:
        """Everything a build reads: content, site.yml, the site's themes and the default theme."""
        return [self.root / "content", self.root / CONFIG_FILE, self.root / "themes", default_theme_dir()]

    def rebuild(self, verb: str = "Rebuilt") -> None:
        """Build once; a failure is kept for the browser to show instead of stopping the server."""
        started = time.perf_counter()
        try:
            # Only the first build, before the server's threads exist, may fork worker processes.
            report = build(self.root, include_drafts=self.drafts, cache=self.cache, jobs=None if verb == "Built" else 1)
        except ContentError as error:
            return self._failed(error.problems)
        except Exception as error:  # an OS error or a bug must not take the preview down either
            traceback.print_exc()
            return self._failed([Problem("build", 0, f"{type(error).__name__}: {error}", "see the terminal",
                                          code=codes.UNEXPECTED)])
        self.output_dir, self.base_path, self.problems = report.config.output_dir, report.config.base_path, []
        for warning in report.warnings:
            print(warning, file=sys.stderr, flush=True)
        if not self.quiet:
            print(f"{verb} in {time.perf_counter() - started:.2f} s ({report.published} articles).", flush=True)

    def _failed(self, problems: list[Problem]) -> None:
        self.problems = problems
        print(*problems, f"Build failed ({_count(problems)}); the browser shows them until the next good save.",
              sep="\n", file=sys.stderr, flush=True)


class SiteWatcher(Watcher):
    """Replaces livereload's poller: snapshot, wait for quiet, rebuild once, reload once."""

    def __init__(self, preview: Preview):
        super().__init__()
        self.preview = preview
        self._seen: dict[str, tuple[int, int, int]] = {}
        self._changed_at: float | None = None

    def start(self, callback) -> bool:
        """Called by livereload when serving starts; True tells it not to run its own poller."""
        self._seen = snapshot(self._tasks)
        PeriodicCallback(self._tick, POLL_SECONDS * 1000).start()
        return True

    async def _tick(self) -> None:
        """One poll. PeriodicCallback awaits it, so builds never overlap; saves made during a
        build differ from the snapshot taken before it and start the next one."""
        current = snapshot(self._tasks)
        if current != self._seen:
            self._seen, self._changed_at = current, time.monotonic()
            return
        if self._changed_at is None or time.monotonic() - self._changed_at < QUIET_SECONDS:
            return
        self._changed_at = None
        await IOLoop.current().run_in_executor(None, self.preview.rebuild)  # keep serving meanwhile
        LiveReloadHandler.reload_waiters("*")  # "*": a full page reload, whatever changed


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

    def initialize(self, preview: Preview, live_script: bytes = b"") -> None:
        self.preview, self.live_script = preview, live_script

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
        if target is not None and target.is_dir():
            if not path.endswith("/"):  # relative links in index.html need the trailing slash
                return self.redirect(self.request.path + "/")
            target = inside(preview.output_dir, os.path.join(relative, "index.html"))
        if target is None or not self._send(target):
            self._not_found()

    head = get

    def _send(self, file: Path, status: int = 200) -> bool:
        try:
            content = file.read_bytes()  # whole: livereload injects its script into the first chunk
        except OSError:  # missing, a folder, or swapped away by a rebuild this instant
            return False
        self.set_status(status)
        self.set_header("Content-Type", content_type(file))
        if file.suffix == ".html":
            content = allow_inline_script(content, self.live_script)
        self.finish(content)
        return True

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

    def __init__(self, preview: Preview):
        super().__init__(watcher=SiteWatcher(preview))
        self.preview = preview
        LiveReloadHandler.DEFAULT_RELOAD_TIME = 0  # its 3 s throttle would drop a quick second save

    def get_web_handlers(self, script):
        return [(r"/.*", SiteHandler, {"preview": self.preview, "live_script": script})]

    def _setup_logging(self) -> None:
        pass  # its INFO chatter (every reload, every browser connecting) is noise to an editor


def serve(root: Path, host: str = "127.0.0.1", port: int = 8000, open_browser: bool = False,
          drafts: bool = False, quiet: bool = False) -> int:
    """Build, then serve until Ctrl-C (exit 0) or SIGTERM; 1 if the port cannot be used."""
    preview = Preview(root, drafts, quiet)
    try:
        preview.rebuild("Built")
        server = PreviewServer(preview)
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
    print("Stopped.", flush=True)
    return 0


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
