"""Publish the last good build to the `gh-pages` branch, for GitHub Pages "deploy from a branch".

Why a command and not a copy-paste recipe: a deploy must publish exactly what was checked and
built, and say which source commit it came from. So it refuses a missing or stale build (content
edited since the last `build`), names the source commit in the gh-pages commit message, and adds
`.nojekyll` (Pages must not run Jekyll over our files) and `CNAME` (site.yml `cname`).

Reading build/ is safe while a build runs: `build` writes a staging folder and swaps it in with a
rename (see writers.py), so build/ is only ever a complete site, never a half-written one. We also
check that build/ was not swapped while we read it, and push only after that check.

The commit itself is made by ghp-import (git fast-import: the working tree is never touched).
"""

from __future__ import annotations

import subprocess
from contextlib import chdir
from dataclasses import dataclass
from pathlib import Path

import ghp_import

from site_builder.config import CONFIG_FILE, SiteConfig
from site_builder.search import INDEX_DIR, index_is_partial

SOURCES = ("content", "themes", CONFIG_FILE)  # what a build is made from, relative to the site folder


class DeployError(Exception):
    """A reason not to deploy, as one line for the editor."""


@dataclass(frozen=True)
class Deployed:
    branch: str
    commit: str
    files: int
    message: str
    search_partial: bool = False  # the search index holds pages indexed apart (search.index_is_partial)


def deploy(config: SiteConfig, branch: str = "gh-pages", remote: str = "origin",
           push: bool = False, message: str | None = None) -> Deployed:
    """Commit config.output_dir to `branch` of the site's git repository; push it if asked."""
    root, build_dir = config.root, config.output_dir
    _git(root, "rev-parse", "--show-toplevel", error=f"{root} is not inside a git repository")
    _git(root, "check-ref-format", "--branch", branch, error=f"`{branch}` is not a valid branch name")
    stamp = _check_build(build_dir, root)
    source = _source_line(root)
    text = f"{message}\n\n{source}" if message else source
    try:
        with chdir(root):
            ghp_import.ghp_import(str(build_dir), mesg=text, branch=branch, remote=remote, push=False,
                                  nojekyll=True, cname=config.cname or None)
    except ghp_import.GhpError as error:
        raise DeployError(f"ghp-import: {error.message}") from None
    except OSError as error:  # git fast-import quit early (its own message is printed above)
        raise DeployError(f"git fast-import failed: {error.strerror or error}") from None
    if _build_stamp(build_dir) != stamp:
        raise DeployError("build/ was replaced while deploying (a build ran): run site-builder deploy again")
    commit = _git(root, "rev-parse", "--short", branch, error=f"git did not create the {branch} branch")
    if _git(root, "log", "-1", "--format=%B", branch).strip() != text.strip():
        raise DeployError(f"git fast-import did not commit to {branch} (see the git message above)")
    files = len(_git(root, "ls-tree", "-r", "--name-only", branch).splitlines())
    if push:
        _git(root, "push", remote, branch, error=f"could not push {branch} to {remote}", detail=True)
    return Deployed(branch, commit, files, text, index_is_partial(build_dir / INDEX_DIR))


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
