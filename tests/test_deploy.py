"""`deploy` with real git repositories (no mocks), and a crawl of a site published under a sub-path."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
import urllib.error
import urllib.request
from collections import deque
from pathlib import Path
from urllib.parse import urldefrag, urljoin, urlparse

import pytest
from lxml import html as lxml_html

from linkcheck import broken_links
from site_builder.buildinfo import BUILD_INFO_FILE
from site_builder.deploy import pages_address
from webserver import serve


def git(cwd: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True).stdout.strip()


@pytest.fixture(autouse=True)
def isolated_git(monkeypatch, tmp_path):
    """No user or system git config, and no repository found above tmp_path."""
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", os.devnull)
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))


@pytest.fixture
def repo(site, tmp_path):
    """The site folder as a committed git repository with a bare `origin`; returns the bare repo."""
    site.add_article("first-piece", title="The first piece", tags="[missiles]")
    site.add_article("second-piece", title="The second piece", date="2015-10-10", tags="[missiles]")
    site.write(".gitignore", "/build/\n")
    git(site.root, "init", "-q", "-b", "main")
    git(site.root, "config", "user.email", "editor@example.org")
    git(site.root, "config", "user.name", "Editor")
    git(site.root, "add", "-A")
    git(site.root, "commit", "-q", "-m", "Add the first pieces")
    origin = tmp_path / "origin.git"
    git(tmp_path, "init", "-q", "--bare", str(origin))
    git(site.root, "remote", "add", "origin", str(origin))
    return origin


def branches(repository: Path) -> list[str]:
    return git(repository, "branch", "--format=%(refname:short)").splitlines()


def test_deploy_push_publishes_the_build_with_nojekyll_cname_and_source_commit(site, run, repo):
    site.write("site.yml", site.root.joinpath("site.yml").read_text() + "cname: reading.example.org\n")
    git(site.root, "commit", "-q", "-am", "Set the custom domain")
    assert run("build", "--site", site.root).code == 0
    built = sorted(p.relative_to(site.build_dir).as_posix() for p in site.build_dir.rglob("*") if p.is_file()
                   and p.name != BUILD_INFO_FILE)  # the build's record of what it was built for stays home

    result = run("deploy", "--site", site.root, "--push")

    assert result.code == 0, result.err
    published = git(repo, "ls-tree", "-r", "--name-only", "gh-pages").splitlines()
    assert sorted(published) == sorted(built + [".nojekyll", "CNAME"])
    assert "articles/first-piece/index.html" in published
    assert git(repo, "show", "gh-pages:index.html") == (site.build_dir / "index.html").read_text().strip()
    assert git(repo, "show", "gh-pages:CNAME") == "reading.example.org"
    assert git(repo, "show", "gh-pages:.nojekyll") == ""
    source = git(site.root, "rev-parse", "--short", "HEAD")
    message = git(repo, "log", "-1", "--format=%B", "gh-pages")
    assert message == f"Deploy {source} of main: Set the custom domain"
    commit = git(repo, "rev-parse", "--short", "gh-pages")
    assert f"Published {len(built)} files (and .nojekyll, CNAME) to gh-pages at {commit}" in result.out
    assert "Pushed gh-pages to origin" in result.out


def test_deploy_without_push_updates_only_the_local_branch(site, run, repo):
    assert run("build", "--site", site.root).code == 0

    result = run("deploy", "--site", site.root, "--message", "Weekly update")

    assert result.code == 0, result.err
    assert "gh-pages" in branches(site.root)
    assert branches(repo) == []
    assert "git push origin gh-pages" in result.out
    message = git(site.root, "log", "-1", "--format=%B", "gh-pages")
    assert message.startswith("Weekly update\n\nDeploy ")
    assert "CNAME" not in git(site.root, "ls-tree", "-r", "--name-only", "gh-pages").splitlines()


def test_deploy_says_when_search_ranks_changed_pages_approximately(site, run, repo):
    """An edit is indexed for search apart from the full index (fast, approximate ranking for
    it): deploy says so and how to publish an exact index."""
    assert run("build", "--site", site.root).code == 0
    site.add_article("first-piece", title="The first piece", tags="[missiles]", body="Edited since.")
    assert run("build", "--site", site.root).code == 0
    assert (site.build_dir / "pagefind" / "delta").is_dir()

    result = run("deploy", "--site", site.root)
    assert result.code == 0, result.err
    assert "site-builder build --full-search, then deploy again" in result.out

    assert run("build", "--site", site.root, "--full-search").code == 0
    result = run("deploy", "--site", site.root)
    assert result.code == 0, result.err
    assert "--full-search" not in result.out


def test_uncommitted_content_is_marked_dirty(site, run, repo):
    site.add_article("third-piece", title="A third piece not yet committed", tags="[missiles]")
    assert run("build", "--site", site.root).code == 0

    assert run("deploy", "--site", site.root).code == 0

    source = git(site.root, "rev-parse", "--short", "HEAD")
    assert git(site.root, "log", "-1", "--format=%s", "gh-pages") == f"Deploy {source}-dirty of main: Add the first pieces"


def test_refuses_outside_a_git_repository(site, run):
    site.add_article("first-piece")
    assert run("build", "--site", site.root).code == 0

    result = run("deploy", "--site", site.root, "--push")

    assert result.code == 1
    assert "is not inside a git repository" in result.err
    assert len(result.err.strip().splitlines()) == 1


def test_refuses_without_a_build(site, run, repo):
    result = run("deploy", "--site", site.root, "--push")

    assert result.code == 1
    assert "run site-builder build first" in result.err
    assert branches(site.root) == ["main"] and branches(repo) == []


def test_refuses_a_stale_build(site, run, repo):
    assert run("build", "--site", site.root).code == 0
    future = time.time() + 60
    os.utime(site.root / "content/articles/first-piece.md", (future, future))

    result = run("deploy", "--site", site.root, "--push")

    assert result.code == 1
    assert "content changed since the last build" in result.err
    assert "content/articles/first-piece.md" in result.err
    assert "run site-builder build first" in result.err
    assert branches(site.root) == ["main"] and branches(repo) == []


# --- a build must fit where the remote publishes it ------------------------------------------------

@pytest.mark.parametrize("url, cname, expected", [
    ("https://github.com/owner/repo.git", "", ("https://owner.github.io/repo/", "/repo/")),
    ("https://github.com/owner/repo", "", ("https://owner.github.io/repo/", "/repo/")),
    ("https://editor@github.com/Owner/Reading-Room/", "", ("https://owner.github.io/Reading-Room/", "/Reading-Room/")),
    ("git@github.com:owner/repo.git", "", ("https://owner.github.io/repo/", "/repo/")),
    ("git@github.com:owner/repo", "", ("https://owner.github.io/repo/", "/repo/")),
    ("ssh://git@github.com/owner/repo.git", "", ("https://owner.github.io/repo/", "/repo/")),
    ("https://github.com/owner/owner.github.io.git", "", ("https://owner.github.io/", "/")),
    ("git@github.com:Owner/owner.GitHub.io.git", "", ("https://owner.github.io/", "/")),
    ("https://github.com/owner/repo.git", "reading.example.org", ("https://reading.example.org/", "/")),
    ("https://gitlab.com/owner/repo.git", "", None),
    ("/srv/git/repo.git", "", None),
    ("https://github.com.evil.example/owner/repo.git", "", None),
    ("", "", None),
])
def test_where_github_pages_serves_a_remote(url, cname, expected):
    assert pages_address(url, cname) == expected


def test_refuses_a_root_build_for_a_github_project_repository(site, run, repo):
    git(site.root, "remote", "set-url", "origin", "git@github.com:owner/reading-room.git")
    assert run("build", "--site", site.root).code == 0

    result = run("deploy", "--site", site.root)

    assert result.code == 1
    assert result.err.strip() == ("deploy: build/ was built for /, but origin (git@github.com:owner/reading-room.git) "
                                  "is served at https://owner.github.io/reading-room/: run site-builder build "
                                  "--base-url /reading-room/ (or set base_url: /reading-room/ in site.yml), "
                                  "then deploy again")
    assert branches(site.root) == ["main"]
    assert run("build", "--site", site.root, "--base-url", "/reading-room/").code == 0
    assert run("deploy", "--site", site.root).code == 0
    assert "gh-pages" in branches(site.root)


def test_a_user_site_and_a_custom_domain_are_served_at_the_root(site, run, repo):
    git(site.root, "remote", "set-url", "origin", "https://github.com/owner/owner.github.io.git")
    assert run("build", "--site", site.root, "--base-url", "/reading-room/").code == 0
    refused = run("deploy", "--site", site.root)
    assert refused.code == 1 and "run site-builder build --base-url / (" in refused.err
    assert run("build", "--site", site.root).code == 0
    assert run("deploy", "--site", site.root).code == 0

    git(site.root, "remote", "set-url", "origin", "https://github.com/owner/reading-room.git")
    site.write("site.yml", site.root.joinpath("site.yml").read_text() + "cname: reading.example.org\n")
    assert run("build", "--site", site.root).code == 0
    assert run("deploy", "--site", site.root).code == 0
    assert run("build", "--site", site.root, "--base-url", "/reading-room/").code == 0
    refused = run("deploy", "--site", site.root)
    assert refused.code == 1 and "is served at https://reading.example.org/" in refused.err


def test_refuses_a_build_with_drafts(site, run, repo):
    site.add_article("unfinished", title="Not ready", draft="true")
    assert run("build", "--site", site.root, "--drafts").code == 0

    result = run("deploy", "--site", site.root)

    assert result.code == 1
    assert "includes drafts" in result.err and "run site-builder build first" in result.err
    assert branches(site.root) == ["main"]
    assert run("build", "--site", site.root).code == 0
    assert run("deploy", "--site", site.root).code == 0
    published = git(site.root, "ls-tree", "-r", "--name-only", "gh-pages").splitlines()
    assert "articles/first-piece/index.html" in published and "articles/unfinished/index.html" not in published


def test_deploying_the_same_build_again_makes_no_new_commit(site, run, repo):
    assert run("build", "--site", site.root).code == 0
    first = run("deploy", "--site", site.root, "--push")
    assert first.code == 0, first.err
    commit = git(repo, "rev-parse", "gh-pages")

    again = run("deploy", "--site", site.root, "--push", "--message", "Same again")

    assert again.code == 0, again.err
    assert "Already published: gh-pages at " in again.out and "no new commit" in again.out
    assert git(site.root, "rev-parse", "gh-pages") == git(repo, "rev-parse", "gh-pages") == commit
    assert git(site.root, "rev-list", "--count", "gh-pages") == "1"
    site.add_article("second-piece", title="The second piece, retitled", date="2015-10-10", tags="[missiles]")
    assert run("build", "--site", site.root).code == 0
    changed = run("deploy", "--site", site.root, "--push")
    assert changed.code == 0 and "Published " in changed.out
    assert git(repo, "rev-list", "--count", "gh-pages") == "2"


def test_build_and_deploy_count_the_same_files(site, run, repo):
    built = run("build", "--site", site.root)
    files = sum(1 for path in site.build_dir.rglob("*") if path.is_file() and path.name != BUILD_INFO_FILE)
    assert f"({files} files, " in built.out

    deployed = run("deploy", "--site", site.root)

    assert f"Published {files} files (and .nojekyll) to gh-pages" in deployed.out
    assert len(git(site.root, "ls-tree", "-r", "--name-only", "gh-pages").splitlines()) == files + 1
    assert f"({files} files, nothing changed" in run("build", "--site", site.root).out  # the no-change shortcut too


# --- the published site, served under its sub-path as GitHub Pages serves a project site ----------

def page_links(page: bytes, page_url: str) -> list[str]:
    """Every href/src (and form action) on a page, as absolute URLs without fragments."""
    tree = lxml_html.fromstring(page)
    urls = []
    for element in tree.iter():
        for attribute in ("href", "src", "action"):
            value = element.get(attribute)
            if value and not value.startswith(("#", "mailto:", "javascript:")):
                urls.append(urldefrag(urljoin(page_url, value)).url)
    return urls


def crawl(start: str) -> tuple[set[str], list[str]]:
    """Breadth-first over every same-host link from `start`; (URLs fetched, problems found)."""
    host = urlparse(start).netloc
    seen, queue, problems = {start}, deque([(start, "(start)")]), []
    while queue:
        url, found_on = queue.popleft()
        try:
            with urllib.request.urlopen(url, timeout=10) as response:
                body, kind = response.read(), response.headers.get_content_type()
        except urllib.error.HTTPError as error:
            problems.append(f"{found_on}: {url} ({error.code})")
            continue
        if kind != "text/html":
            continue
        for link in page_links(body, url):
            parts = urlparse(link)
            if parts.netloc != host or link in seen:
                continue
            seen.add(link)
            if not parts.path.startswith("/reading-room/"):
                problems.append(f"{url}: {link} (outside /reading-room/)")
                continue
            queue.append((link, url))
    return seen, problems


@pytest.mark.slow
def test_site_published_under_a_sub_path_has_no_broken_or_escaping_links(site, run, tmp_path):
    site.add_article("first-piece", title="The first piece", tags="[missiles]", event="strike-1",
                     body="See [[second-piece]].[^1]\n\n[^1]: An annotation.")
    site.add_article("second-piece", title="The second piece", date="2015-10-10", outlet="Other Outlet",
                     tags="[missiles, caspian sea]", event="strike-1")
    assert run("build", "--site", site.root, "--base-url", "/reading-room/").code == 0
    assert broken_links(site.build_dir, "/reading-room/") == []
    www = tmp_path / "www"
    shutil.copytree(site.build_dir, www / "reading-room")

    with serve(www, "/") as base:
        fetched, problems = crawl(base + "reading-room/")

    assert problems == []
    paths = {urlparse(url).path for url in fetched}
    for expected in ("/reading-room/articles/first-piece/", "/reading-room/articles/second-piece/",
                     "/reading-room/tags/", "/reading-room/outlets/", "/reading-room/search/"):
        assert expected in paths
    assert any(path.endswith(".css") for path in paths)
