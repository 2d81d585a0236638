"""Publish the last good build to the `gh-pages` branch, for GitHub Pages "deploy from a branch".

Why a command and not a copy-paste recipe: a deploy must publish exactly what was checked and
built, and say which source commit it came from. So it refuses a missing or stale build (content
edited since the last `build`), a build with drafts, and a build for another base path than the
one GitHub Pages serves the remote repository under (every stylesheet and link would break);
names the source commit in the gh-pages commit message; adds `.nojekyll` (Pages must not run
Jekyll over our files) and `CNAME` (site.yml `cname`); and makes no new commit when the branch
already holds this very site.

Reading build/ is safe while a build runs: `build` writes a staging folder and swaps it in with a
rename (see writers.py), so build/ is only ever a complete site, never a half-written one. We also
check that build/ was not swapped while we read it, and push only after that check.

The commit itself is made by ghp-import (git fast-import: the working tree is never touched).
"""

from __future__ import annotations

import os
import re
import subprocess
import tempfile
from contextlib import chdir
from dataclasses import dataclass
from pathlib import Path

import ghp_import

from site_builder.buildinfo import BUILD_INFO_FILE, BuildInfo, read_build_info
from site_builder.config import CONFIG_FILE, SiteConfig
from site_builder.search import INDEX_DIR, index_is_partial

SOURCES = ("content", "themes", CONFIG_FILE)  # what a build is made from, relative to the site folder
# A GitHub repository's address as git shows it: https://github.com/owner/repo(.git),
# git@github.com:owner/repo(.git), ssh://git@github.com/owner/repo(.git).
GITHUB_REMOTE = re.compile(r"^(?:(?:https?|ssh|git)://)?(?:[^@/]+@)?github\.com[:/](?P<owner>[^/]+)/"
                           r"(?P<repo>[^/]+?)(?:\.git)?/?$", re.IGNORECASE)


class DeployError(Exception):
    """A reason not to deploy, as one line for the editor."""


@dataclass(frozen=True)
class Deployed:
    branch: str
    commit: str
    files: int  # the files of build/ published (as many as `build` reports)
    added: tuple[str, ...]  # what deploy adds beside them: .nojekyll, CNAME
    message: str
    search_partial: bool = False  # the search index holds pages indexed apart (search.index_is_partial)
    unchanged: bool = False  # the branch already held this very site: no new commit was made


def deploy(config: SiteConfig, branch: str = "gh-pages", remote: str = "origin",
           push: bool = False, message: str | None = None) -> Deployed:
    """Commit config.output_dir to `branch` of the site's git repository; push it if asked."""
    root, build_dir = config.root, config.output_dir
    _git(root, "rev-parse", "--show-toplevel", error=f"{root} is not inside a git repository")
    _git(root, "check-ref-format", "--branch", branch, error=f"`{branch}` is not a valid branch name")
    stamp = _check_build(build_dir, root)
    _check_fits_remote(_built_for(build_dir), root, remote, config.cname)
    source = _source_line(root)
    text = f"{message}\n\n{source}" if message else source
    _commit(build_dir, root, text, branch, remote, config.cname)
    if _build_stamp(build_dir) != stamp:
        raise DeployError("build/ was replaced while deploying (a build ran): run site-builder deploy again")
    if _git(root, "log", "-1", "--format=%B", branch).strip() != text.strip():
        raise DeployError(f"git fast-import did not commit to {branch} (see the git message above)")
    unchanged = _undo_if_unchanged(root, branch)
    commit = _git(root, "rev-parse", "--short", branch, error=f"git did not create the {branch} branch")
    published = _git(root, "ls-tree", "-r", "--name-only", branch).splitlines()
    added = tuple(name for name in (".nojekyll", "CNAME") if name in published)
    if push:
        _git(root, "push", remote, branch, error=f"could not push {branch} to {remote}", detail=True)
    message_now = _git(root, "log", "-1", "--format=%B", branch).strip()
    return Deployed(branch, commit, len(published) - len(added), added, message_now,
                    index_is_partial(build_dir / INDEX_DIR), unchanged)


def _commit(build_dir: Path, root: Path, text: str, branch: str, remote: str, cname: str) -> None:
    """Commit build/, without the build's own record (buildinfo), to `branch` with ghp-import.

    ghp-import publishes a whole folder: it is given a folder of links to build/'s entries, all
    but the record (links it follows; a build itself never makes any)."""
    with tempfile.TemporaryDirectory(prefix="site-builder-deploy-") as view:
        for entry in os.scandir(build_dir):
            if entry.name != BUILD_INFO_FILE:
                os.symlink(Path(entry.path).resolve(), Path(view, entry.name), target_is_directory=entry.is_dir())
        try:
            with chdir(root):
                ghp_import.ghp_import(view, mesg=text, branch=branch, remote=remote, push=False,
                                      nojekyll=True, cname=cname or None, followlinks=True)
        except ghp_import.GhpError as error:
            raise DeployError(f"ghp-import: {error.message}") from None
        except OSError as error:  # git fast-import quit early (its own message is printed above)
            raise DeployError(f"git fast-import failed: {error.strerror or error}") from None


def _undo_if_unchanged(root: Path, branch: str) -> bool:
    """Drop the commit just made if its files are exactly its parent's: True if it was.

    ghp-import always commits; a second deploy of the same build would add a commit that changes
    nothing (and, pushed, a Pages rebuild for nothing)."""
    trees = subprocess.run(["git", "rev-parse", f"{branch}^{{tree}}", f"{branch}~1^{{tree}}"], cwd=root,
                           capture_output=True, text=True)
    lines = trees.stdout.split()
    if trees.returncode != 0 or len(lines) != 2 or lines[0] != lines[1]:
        return False  # the first commit on the branch, or a change
    new = _git(root, "rev-parse", branch)
    _git(root, "update-ref", "-m", "site-builder deploy: nothing changed", f"refs/heads/{branch}", f"{new}~1", new,
         error=f"could not take back the empty commit on {branch}")
    return True


def _built_for(build_dir: Path) -> BuildInfo:
    """What build/ was built for; refuse a build with drafts, or one that does not say."""
    info = read_build_info(build_dir)
    if info is None:
        raise DeployError(f"{build_dir} does not say what it was built for (an older site-builder made it): "
                          f"run site-builder build first")
    if info.drafts:
        raise DeployError(f"{build_dir} includes drafts (serve --drafts or build --drafts made it): "
                          f"run site-builder build first")
    return info


def _check_fits_remote(info: BuildInfo, root: Path, remote: str, cname: str) -> None:
    """Refuse a build for another base path than GitHub Pages serves the remote's repository under."""
    url = subprocess.run(["git", "remote", "get-url", remote], cwd=root, capture_output=True, text=True).stdout.strip()
    served = pages_address(url, cname)
    if served is None:
        return  # not a GitHub repository (or no such remote): where it is served is not ours to know
    address, base_path = served
    if info.base_path != base_path:
        raise DeployError(f"build/ was built for {info.base_path}, but {remote} ({url}) is served at {address}: "
                          f"run site-builder build --base-url {base_path} (or set base_url: {base_path} in {CONFIG_FILE}), "
                          f"then deploy again")


def pages_address(remote_url: str, cname: str = "") -> tuple[str, str] | None:
    """(address, base path) where GitHub Pages serves the repository at `remote_url`; None when
    it is not a GitHub repository. A custom domain (`cname`) and a user or organisation site
    (`owner.github.io`) are served at `/`, a project site under `/<repo>/`."""
    found = GITHUB_REMOTE.match(remote_url)
    if found is None:
        return None
    owner, repo = found["owner"], found["repo"]
    if cname:
        return f"https://{cname}/", "/"
    if repo.lower() == f"{owner.lower()}.github.io":
        return f"https://{repo.lower()}/", "/"
    return f"https://{owner.lower()}.github.io/{repo}/", f"/{repo}/"


def _check_build(build_dir: Path, root: Path) -> tuple[int, int]:
    """Refuse a missing or stale build; return its stamp, to notice a build swapped in meanwhile."""
    index = build_dir / "index.html"
    if not index.is_file():
        raise DeployError(f"no build in {build_dir}: run site-builder build first")
    built = index.stat().st_mtime_ns
    newer = [path for path in _source_files(root) if path.stat().st_mtime_ns > built]
    if newer:
        shown = newer[0].relative_to(root).as_posix()
        raise DeployError(f"content changed since the last build ({shown}): run site-builder build first")
    return _build_stamp(build_dir)


def _source_files(root: Path) -> list[Path]:
    files = []
    for name in SOURCES:
        path = root / name
        files += [path] if path.is_file() else [p for p in path.rglob("*") if p.is_file()]
    return files


def _build_stamp(build_dir: Path) -> tuple[int, int]:
    """The folder's inode and the home page's mtime: both change when a new build is swapped in."""
    try:
        return build_dir.stat().st_ino, (build_dir / "index.html").stat().st_mtime_ns
    except FileNotFoundError:
        return 0, 0


def _source_line(root: Path) -> str:
    """`Deploy <short sha>[-dirty] of <branch>: <subject>` for the commit the site was built from."""
    sha = _git(root, "rev-parse", "--short", "HEAD", error="the repository has no commit yet: commit the site first")
    branch = _git(root, "rev-parse", "--abbrev-ref", "HEAD")
    subject = _git(root, "log", "-1", "--format=%s")
    dirty = "-dirty" if _git(root, "status", "--porcelain", "--", *SOURCES) else ""
    return f"Deploy {sha}{dirty} of {branch}: {subject}"


def _git(root: Path, *args: str, error: str | None = None, detail: bool = False) -> str:
    """Run git in the site folder; its output, stripped. A failure raises DeployError(`error`),
    followed by git's own last line of complaint when `detail`."""
    result = subprocess.run(["git", *args], cwd=root, capture_output=True, text=True)
    if result.returncode != 0:
        lines = result.stderr.strip().splitlines() or [f"git {args[0]} failed"]
        said = next((line for line in lines if line.startswith(("fatal:", "error:"))), lines[-1])
        raise DeployError(f"{error}: {said}" if error and detail else error or said)
    return result.stdout.strip()
