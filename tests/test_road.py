"""The whole road a new editor takes, end to end: `new` → `import` a saved page → annotate →
`check` → `build --base-url /repo/` → `serve` (the preview under /repo/) → `deploy` to a
repository that GitHub Pages would serve under /repo/ → the published tree links only inside
/repo/; and a build for `/` is then refused by `deploy`.

Everything is real: the CLI, a `serve` subprocess, git. The remote `origin` is
https://github.com/owner/repo.git as `git remote get-url` shows it (what deploy checks the base
path against), while git's `url.<base>.pushInsteadOf` sends the pushes to a local bare repository.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
from collections import deque
from pathlib import Path
from urllib.parse import urldefrag, urljoin, urlparse

import pytest
from lxml import html as lxml_html

from linkcheck import broken_links
from test_serve import Server, free_port, wait_until

FIXTURE = Path(__file__).parent / "fixtures" / "html" / "news-site.html"
REMOTE = "https://github.com/owner/repo.git"
URL_ATTRIBUTES = ("href", "src", "action", "poster")


def git(cwd: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True).stdout.strip()


@pytest.fixture(autouse=True)
def isolated_git(monkeypatch, tmp_path):
    """No user or system git config, no repository found above tmp_path, and an identity."""
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", os.devnull)
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    for who in ("AUTHOR", "COMMITTER"):
        monkeypatch.setenv(f"GIT_{who}_NAME", "Editor")
        monkeypatch.setenv(f"GIT_{who}_EMAIL", "editor@example.org")


def annotate(article: Path) -> None:
    """What the editor does by hand: stance, stance notes, a caveat, and publish (draft: false)."""
    text = article.read_text(encoding="utf-8")
    edits = {
        r"^stance:.*$": "stance: news",
        r"^stance_notes:.*$": "stance_notes: Reports the ministry's claims and the doubts about them side by side.",
        r"^caveats:.*$": "caveats:\n  - The ministry's figures could not be independently verified.",
        r"^draft: true$": "draft: false",
    }
    for pattern, replacement in edits.items():
        text, count = re.subn(pattern, replacement, text, count=1, flags=re.MULTILINE)
        assert count == 1, f"{pattern} not found in the imported front matter:\n{text}"
    article.write_text(text, encoding="utf-8")


def site_links(page: bytes, page_url: str) -> list[str]:
    """Every URL a page links or loads (srcset included), resolved against the page's address."""
    tree = lxml_html.fromstring(page)
    urls = []
    for element in tree.iter():
        if not isinstance(element.tag, str):
            continue  # comments and processing instructions
        values = [element.get(name) for name in URL_ATTRIBUTES]
        values += [candidate.split()[0] for candidate in (element.get("srcset") or "").split(",") if candidate.strip()]
        for value in values:
            if value and not value.startswith(("#", "mailto:", "javascript:")):
                urls.append(urldefrag(urljoin(page_url, value)).url)
    return urls


PREVIEW_OWN = "/__site_builder__/"


def outside(urls: list[str], host: str, base_path: str) -> list[str]:
    """The URLs on the site's own host whose path leaves the base path."""
    return [url for url in urls if urlparse(url).netloc == host and not urlparse(url).path.startswith(base_path)]


def start_preview(root: Path) -> Server:
    port = free_port()
    process = subprocess.Popen([sys.executable, "-m", "site_builder", "serve", "--site", str(root), "--port", str(port)],
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                               env={**os.environ, "PYTHONUNBUFFERED": "1"})
    server = Server(process, port)
    threading.Thread(target=lambda: server.lines.extend(iter(process.stdout.readline, "")), daemon=True).start()
    wait_until(server.started, "the preview to answer")
    return server


def crawl_preview(server: Server, start: str, base_path: str) -> tuple[set[str], list[str]]:
    """Every page reachable from `start` on the preview; (paths fetched, problems)."""
    host = f"127.0.0.1:{server.port}"
    seen, queue, problems = {start}, deque([start]), []
    while queue:
        path = queue.popleft()
        status, headers, body = server.get(path)
        if status != 200:
            problems.append(f"{path}: status {status}")
            continue
        if not headers.get("Content-Type", "").startswith("text/html"):
            continue
        links = site_links(body.encode(), f"http://{host}{path}")
        # The preview's own annotating script (serve.py, never in build/ nor published) has its
        # address at the server's root, beside the site: not a link of the site's.
        of_the_site = [url for url in links if not urlparse(url).path.startswith(PREVIEW_OWN)]
        problems += [f"{path}: {url} (outside {base_path})" for url in outside(of_the_site, host, base_path)]
        for url in links:
            parts = urlparse(url)
            if parts.netloc == host and parts.path.startswith(base_path) and parts.path not in seen:
                seen.add(parts.path)
                queue.append(parts.path)
    return seen, problems


def stop(server: Server) -> None:
    server.process.send_signal(signal.SIGINT)
    assert server.process.wait(timeout=10) == 0, server.output


@pytest.mark.slow
def test_the_road_from_new_to_a_site_published_under_repo(run, tmp_path):
    root = tmp_path / "class-collection"
    assert run("new", root).code == 0

    # Import a saved page, annotate it as the editor would, check.
    before = set((root / "content/articles").iterdir())
    imported = run("import", FIXTURE, "--site", root)
    assert imported.code == 0, imported.err
    [article] = set((root / "content/articles").iterdir()) - before
    annotate(article)
    checked = run("check", "--site", root)
    assert checked.code == 0, checked.err
    assert "no errors" in checked.out

    # Build for the project site's sub-path; the build says how to preview it.
    built = run("build", "--site", root, "--base-url", "/repo/")
    assert built.code == 0, built.err
    assert "then open http://127.0.0.1:8000/repo/" in built.out
    assert (root / "build/articles" / article.stem / "index.html").is_file()

    # The preview answers under /repo/, and its pages link only inside /repo/.
    server = start_preview(root)
    try:
        assert f"Serving at http://127.0.0.1:{server.port}/repo/" in server.output
        status, headers, _ = server.get("/")
        assert (status, headers["Location"]) == (302, "/repo/")
        fetched, problems = crawl_preview(server, "/repo/", "/repo/")
        assert problems == []
        assert f"/repo/articles/{article.stem}/" in fetched and "/repo/search/" in fetched
        assert "independently verified" in server.get(f"/repo/articles/{article.stem}/")[2]
    finally:
        stop(server)

    # A git repository with the work committed (`new` may have made one already), a GitHub remote.
    if subprocess.run(["git", "rev-parse", "--git-dir"], cwd=root, capture_output=True).returncode != 0:
        git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "Import and annotate the Caspian strike piece")
    bare = tmp_path / "remotes" / "repo.git"
    git(tmp_path, "init", "-q", "--bare", str(bare))
    git(root, "remote", "add", "origin", REMOTE)
    git(root, "config", f"url.{bare.parent}/.pushInsteadOf", "https://github.com/owner/")
    assert git(root, "remote", "get-url", "origin") == REMOTE
    assert git(root, "remote", "get-url", "--push", "origin") == str(bare)

    # The preview rebuilt build/ for /repo/ (the last build's base path), so deploy takes it.
    deployed = run("deploy", "--site", root, "--push")
    assert deployed.code == 0, deployed.err
    assert "Pushed gh-pages to origin" in deployed.out
    published_commit = git(bare, "rev-parse", "gh-pages")
    assert git(bare, "log", "-1", "--format=%s", "gh-pages").startswith("Deploy ")

    # The published tree: every link and asset inside /repo/, and every one of them there.
    published = tmp_path / "published"
    git(tmp_path, "clone", "-q", "--branch", "gh-pages", str(bare), str(published))
    pages = sorted(published.rglob("*.html"))
    assert len(pages) > 10 and (published / "articles" / article.stem / "index.html").is_file()
    escaping = [f"{page.relative_to(published)}: {url}" for page in pages
                for url in outside(site_links(page.read_bytes(), "https://owner.github.io/repo/"
                                              + page.relative_to(published).as_posix()),
                                   "owner.github.io", "/repo/")]
    assert escaping == []
    assert broken_links(published, "/repo/") == []
    assert not list(published.rglob(".site-builder-build.json"))

    # A build for `/` does not fit owner/repo: deploy refuses it and publishes nothing.
    assert run("build", "--site", root).code == 0
    refused = run("deploy", "--site", root, "--push")
    assert refused.code == 1
    assert len(refused.err.strip().splitlines()) == 1
    assert "run site-builder build --base-url /repo/" in refused.err
    assert git(bare, "rev-parse", "gh-pages") == published_commit
