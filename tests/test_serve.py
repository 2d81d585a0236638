"""`site-builder serve`, run for real: a subprocess serving a small site on a free port.

No mocks and no fixed waits: every check polls with a bounded deadline. Each server is stopped
with SIGINT (Ctrl-C) and must exit 0 promptly, which every test therefore also checks.
"""

from __future__ import annotations

import asyncio
import gzip
from concurrent.futures import ThreadPoolExecutor
import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from dataclasses import dataclass, field

import pytest
from tornado.websocket import websocket_connect

from conftest import Site
from site_builder.buildinfo import BUILD_INFO_FILE, read_build_info
from site_builder.serve import PAUSE_SECONDS

DEADLINE = 15.0  # seconds; generous for a slow machine, the usual case is well under one


def wait_until(check, what: str, timeout: float = DEADLINE):
    """Poll `check` until it returns something truthy; fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while not (result := check()):
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(0.05)
    return result


@dataclass
class Server:
    """A running `serve` subprocess and everything it printed (stdout and stderr, merged)."""

    process: subprocess.Popen
    port: int
    lines: list[str] = field(default_factory=list)

    def get(self, path: str) -> tuple[int, http.client.HTTPMessage, str]:
        """GET the raw `path`, exactly as given: http.client neither normalises nor encodes it."""
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
        try:
            connection.request("GET", path)
            response = connection.getresponse()
            return response.status, response.headers, response.read().decode("utf-8", "replace")
        finally:
            connection.close()

    def answering(self) -> bool:
        assert self.process.poll() is None, "the server exited:\n" + self.output
        try:
            self.get("/")
            return True
        except OSError:
            return False

    def started(self) -> bool:
        """Answering, and its "Serving at" line read: the line is printed, and read by another
        thread, a moment after the socket first answers."""
        return self.answering() and any(line.startswith("Serving at") for line in list(self.lines))

    def wait_for_text(self, path: str, text: str, status: int = 200) -> str:
        def served():
            code, _, body = self.get(path)
            return body if code == status and text in body else None
        return wait_until(served, f"{text!r} at {path} with status {status}")

    def count(self, prefix: str) -> int:
        return sum(line.startswith(prefix) for line in list(self.lines))

    @property
    def output(self) -> str:
        return "".join(self.lines)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def serve():
    """Start `python -m site_builder serve` on a site; stop each with SIGINT and check it exits 0."""
    servers: list[Server] = []

    def start(site: Site, *options: str) -> Server:
        port = free_port()
        process = subprocess.Popen([sys.executable, "-m", "site_builder", "serve", "--site", str(site.root),
                                    "--port", str(port), *options], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                   text=True, env={**os.environ, "PYTHONUNBUFFERED": "1"})
        server = Server(process, port)
        servers.append(server)
        threading.Thread(target=lambda: server.lines.extend(iter(process.stdout.readline, "")), daemon=True).start()
        wait_until(server.started, "the server to answer")
        return server

    yield start
    for server in servers:
        server.process.send_signal(signal.SIGINT)
        try:
            code = server.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.process.kill()
            raise AssertionError("the server did not stop within 10 s of SIGINT:\n" + server.output) from None
        assert code == 0, server.output
        wait_until(lambda: "Stopped." in server.output, "the goodbye line", timeout=2)


def test_serves_the_site_and_reloads_on_save(site, serve):
    site.add_article("caspian", title="Caspian strike", body="The first version.")
    server = serve(site)
    with urllib.request.urlopen(f"http://127.0.0.1:{server.port}/articles/caspian/", timeout=5) as response:
        body = response.read().decode()
        assert response.headers["Cache-Control"] == "no-store"
    assert "The first version." in body
    assert "livereload.js" in body  # injected into what is served ...
    built = [p for p in site.build_dir.rglob("*.html")]
    assert built and not [p for p in built if "livereload" in p.read_text()]  # ... never into build/

    site.add_article("caspian", title="Caspian strike", body="The edited version.")
    server.wait_for_text("/articles/caspian/", "The edited version.")
    assert "livereload" not in (site.build_dir / "articles/caspian/index.html").read_text()
    # Search survives the rebuild: the fresh index is served, never from a cache.
    status, headers, entry = server.get("/pagefind/base/en/pagefind-entry.json")
    assert status == 200 and headers["Cache-Control"] == "no-store" and json.loads(entry)
    status, headers, _ = server.get("/no/such/page/")
    assert status == 404 and "livereload.js" in server.get("/no/such/page/")[2]  # build/404.html


def test_a_broken_build_shows_every_problem_until_fixed(site, serve):
    """The error page has status 500; it lists every problem, HTML-escaped, and reloads itself."""
    site.add_article("good", title="A good piece", body="Still here.")
    server = serve(site)
    site.add_article("bad-stance", stance="<b>bold</b>")
    site.write("content/articles/bad-yaml.md", "---\ntitle: A piece\noutlet: [unclosed\n---\n\nText.\n")
    page = server.wait_for_text("/articles/good/", "content/articles/bad-stance.md:5:", status=500)
    assert "&lt;b&gt;bold&lt;/b&gt;" in page and "<b>bold</b>" not in page
    assert "content/articles/bad-yaml.md:4: YAML syntax error" in page
    assert page.count("<li>") == 2 and "2 problems" in page  # a YAML error alone: no false "missing" fields
    assert "livereload.js" in page
    wait_until(lambda: "content/articles/bad-stance.md:5:" in server.output, "the terminal to have them too")
    assert server.get("/")[0] == 500  # every page shows it

    (site.root / "content/articles/bad-yaml.md").unlink()
    site.add_article("bad-stance", stance="mixed", body="Fixed now.")
    server.wait_for_text("/articles/bad-stance/", "Fixed now.")
    assert server.get("/articles/good/")[0] == 200


@pytest.mark.slow  # about 3 s: waits for the real pause and rebuilds
def test_two_saves_a_second_apart_both_reload_the_browser(site, serve):
    """livereload ignores reloads within 3 s of the last by default; an editor's second save must not be lost."""
    site.add_article("piece", body="Version zero.")
    server = serve(site)

    async def browser_session() -> None:
        socket_ = await websocket_connect(f"ws://127.0.0.1:{server.port}/livereload")
        await socket_.write_message(json.dumps({"command": "hello", "protocols": ["http://livereload.com/protocols/official-7"]}))
        assert json.loads(await socket_.read_message())["command"] == "hello"
        await socket_.write_message(json.dumps({"command": "info", "url": f"http://127.0.0.1:{server.port}/"}))
        for version in ("one", "two"):
            saved = time.monotonic()
            site.add_article("piece", body=f"Version {version}.")
            message = json.loads(await asyncio.wait_for(socket_.read_message(), DEADLINE))
            assert message["command"] == "reload"
            assert f"Version {version}." in server.get("/articles/piece/")[2]  # reloaded after the build
            await asyncio.sleep(max(0.0, saved + 1.0 - time.monotonic()))  # the next save 1 s after this one
        socket_.close()

    # On a thread of its own: the session's Playwright browser may hold this thread's event loop.
    with ThreadPoolExecutor(max_workers=1) as worker:
        worker.submit(asyncio.run, browser_session()).result()
    assert server.count("Shown at once") == 2


@pytest.mark.slow  # about 3 s: waits for the real pause and rebuilds
def test_text_edits_are_written_to_build_once_the_editor_pauses(site, serve):
    """Each text edit is served from memory at once; the rebuild that writes build/ waits for a
    pause in the saves (it would compete with the next edit's preview), then takes them all in.
    Any other change is rebuilt at once."""
    site.add_article("piece", body="Version zero.")
    server = serve(site)
    for version in ("one", "two", "three"):
        site.add_article("piece", body=f"Version {version}.")
        server.wait_for_text("/articles/piece/", f"Version {version}.")
        time.sleep(0.3)
    assert server.count("Rebuilt") == 0, server.output
    assert "Version zero." in (site.build_dir / "articles/piece/index.html").read_text()
    wait_until(lambda: server.count("Rebuilt") >= 1, "the rebuild after the pause")
    assert server.count("Rebuilt") == 1 and "Version three." in (site.build_dir / "articles/piece/index.html").read_text()
    site.add_article("other", body="A new piece.")  # not a text edit: rebuilt without a pause
    started = time.monotonic()
    wait_until(lambda: server.count("Rebuilt") >= 2, "the rebuild")
    assert time.monotonic() - started < PAUSE_SECONDS


@pytest.mark.slow  # about 3 s: waits for the real pause and rebuilds
def test_a_burst_of_changes_is_one_rebuild(site, serve):
    site.add_article("first", body="The first piece.")
    server = serve(site)
    for number in range(20):
        site.add_article(f"burst-{number:02}", title=f"Burst {number}", body=f"Burst text {number}.")
    wait_until(lambda: server.count("Rebuilt") >= 1, "a rebuild")
    rebuilt = [line for line in server.lines if line.startswith("Rebuilt")]
    assert "(21 articles)" in rebuilt[0], server.output  # the one rebuild saw every file
    server.wait_for_text("/articles/burst-19/", "Burst text 19.")
    # A later save is the barrier: had the burst left a second rebuild pending, we would count three.
    site.add_article("first", body="The first piece, edited.")
    server.wait_for_text("/articles/first/", "The first piece, edited.")
    wait_until(lambda: server.count("Rebuilt") >= 2, "the second rebuild")
    assert server.count("Rebuilt") == 2, server.output


def test_nothing_outside_the_build_folder_is_served(site, serve, tmp_path):
    site.add_article("piece")
    secret = tmp_path / "secret.txt"
    secret.write_text("top secret\n")
    server = serve(site)
    (site.build_dir / "leak.txt").symlink_to(secret)
    (site.build_dir / "leak-dir").symlink_to(tmp_path, target_is_directory=True)
    for path in ("/../site.yml", "/%2e%2e/site.yml", "/%2E%2E%2Fsite.yml", "/articles/../../site.yml",
                 "//etc/passwd", "/%2fetc/passwd", "/leak.txt", "/leak-dir/secret.txt", "/leak-dir/"):
        status, _, body = server.get(path)
        assert status == 404, path
        assert "top secret" not in body and "stances:" not in body and "root:" not in body, path
    assert server.get("/articles/piece/")[0] == 200


def test_a_sub_path_site_is_served_under_its_base_path(site, serve):
    site.write("site.yml", site.root.joinpath("site.yml").read_text().replace("base_url: /", "base_url: /repo/"))
    site.add_article("piece", body="Under a sub-path.")
    server = serve(site)
    for path in ("/", "/repo"):
        status, headers, _ = server.get(path)
        assert (status, headers["Location"]) == (302, "/repo/"), path
    assert "Serving at http://127.0.0.1:%d/repo/" % server.port in server.output
    body = server.wait_for_text("/repo/articles/piece/", "Under a sub-path.")
    assert 'href="/repo/' in body
    assert server.get("/articles/piece/")[0] == 404  # outside the base path, as on GitHub Pages
    status, headers, _ = server.get("/repo/articles/piece")
    assert (status, headers["Location"]) == (302, "/repo/articles/piece/")


def test_the_preview_keeps_the_base_path_the_last_build_was_given(site, serve, run):
    """`build --base-url /repo/` prints a preview address under /repo/: plain `serve` serves
    there, and its rebuilds keep build/ fit for publishing under /repo/."""
    site.add_article("piece", body="Built for a sub-path.")
    built = run("build", "--site", site.root, "--base-url", "/repo/")
    assert "Preview it: site-builder serve (it keeps --base-url /repo/), then open http://127.0.0.1:8000/repo/" in built.out

    server = serve(site)

    assert "Serving at http://127.0.0.1:%d/repo/" % server.port in server.output
    assert "the base path of the last build (--base-url /repo/)" in server.output
    body = server.wait_for_text("/repo/articles/piece/", "Built for a sub-path.")
    assert 'href="/repo/' in body and 'href="/static/' not in body
    site.add_article("piece", title="Retitled", body="Edited in the preview.")
    server.wait_for_text("/repo/articles/piece/", "Edited in the preview.")
    wait_until(lambda: server.count("Rebuilt") >= 1, "the rebuild")
    assert read_build_info(site.build_dir).base_path == "/repo/"
    assert 'href="/repo/' in (site.build_dir / "index.html").read_text()
    assert server.get("/repo/" + BUILD_INFO_FILE)[0] == 404  # the build's record is not served


def test_serve_base_url_overrides_site_yml_and_the_last_build(site, serve, run):
    site.add_article("piece", body="Previewed for a project site.")
    assert run("build", "--site", site.root).code == 0  # for site.yml's `/`
    server = serve(site, "--base-url", "/reading-room/")
    server.wait_for_text("/reading-room/articles/piece/", "Previewed for a project site.")
    assert server.get("/articles/piece/")[0] == 404
    assert ("warning: build/ was built for /; this preview rebuilds it for /reading-room/. Before deploying, "
            "build it again: site-builder build\n") in server.output
    assert read_build_info(site.build_dir).base_path == "/reading-room/"


def test_a_preview_for_another_base_path_warns_that_the_build_for_publishing_is_replaced(site, serve, run):
    site.add_article("piece")
    assert run("build", "--site", site.root, "--base-url", "/repo/").code == 0
    server = serve(site, "--base-url", "/")
    assert ("warning: build/ was built for /repo/; this preview rebuilds it for /. Before deploying, build it "
            "again: site-builder build --base-url /repo/") in server.output
    assert server.get("/articles/piece/")[0] == 200


def test_a_plain_build_returns_the_preview_to_site_yml(site, serve, run):
    site.add_article("piece")
    assert run("build", "--site", site.root, "--base-url", "/repo/").code == 0
    assert run("build", "--site", site.root).code == 0
    server = serve(site)
    assert "Serving at http://127.0.0.1:%d/ " % server.port in server.output
    assert server.get("/articles/piece/")[0] == 200


def test_theme_and_site_options_changes_rebuild(site, serve):
    site.add_article("piece")
    server = serve(site)
    site.write("themes/default/static/override.css", "/* the site's own theme */\n")  # a site theme appears
    server.wait_for_text("/static/override.css", "the site's own theme")
    site.write("site.yml", site.root.joinpath("site.yml").read_text().replace("Test Collection", "Renamed Collection"))
    server.wait_for_text("/", "Renamed Collection")


@pytest.mark.slow  # about 3 s: waits for the real pause and rebuilds
def test_an_edit_is_served_first_and_the_search_index_catches_up(site, serve):
    """The rebuild after a save links the previous search index (the page is served at once);
    a thread then re-indexes and swaps the new index in."""
    site.add_article("piece", body="Version zero.")
    server = serve(site)
    site.add_article("piece", body="Now with a word nobody used before: quixotical.")
    server.wait_for_text("/articles/piece/", "quixotical")
    wait_until(lambda: server.count("Search index updated") >= 1, "the search index to catch up")
    fragments = (site.build_dir / "pagefind").rglob("*.pf_fragment")
    assert any(b"quixotical" in gzip.decompress(path.read_bytes()) for path in fragments)


@pytest.mark.slow  # about 3 s: waits for the real pause and rebuilds
def test_an_edit_to_a_text_is_shown_at_once_and_matches_the_rebuild(site, serve):
    """A text-only edit is rendered and served from memory before the full rebuild; the page the
    rebuild then writes is the same, byte for byte."""
    site.add_article("piece", body="Version zero.", tags=["alpha"])
    site.add_article("other", body="Links to [[piece]].", tags=["alpha"])
    server = serve(site)
    site.add_article("piece", body="Version one, edited.", tags=["alpha"])
    shown = server.wait_for_text("/articles/piece/", "Version one, edited.")
    wait_until(lambda: server.count("Rebuilt") >= 1, "the rebuild")
    assert server.count("Shown at once") == 1, server.output
    assert server.get("/articles/piece/")[2] == shown
    site.add_article("piece", title="A new title", body="Version two.", tags=["alpha"])  # front matter: no shortcut
    server.wait_for_text("/articles/piece/", "Version two.")
    wait_until(lambda: server.count("Rebuilt") >= 2, "the second rebuild")
    assert server.count("Shown at once") == 1, server.output
