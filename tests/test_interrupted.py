"""Interrupted builds and imports lose nothing.

A real `site-builder build` subprocess is killed with SIGKILL (its whole process group: workers
and the Pagefind service too) at several moments: at fractions of a full build's duration, as soon
as its staging folder appears, and while Pagefind writes the index. After every kill build/ must
be byte for byte the previous complete site; the next build must succeed, produce exactly what a
build from scratch produces, and remove the staging folders the killed builds left behind.

`site-builder import` is killed the same way: no article may be left truncated, and an existing
article's front matter and editorial notes are never touched by a killed re-import.
"""

from __future__ import annotations

import errno
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import SITE_YML, Site, article, snapshot

pytestmark = pytest.mark.slow

PIECES = 60
KILL_FRACTIONS = (0.1, 0.3, 0.5, 0.7, 0.85, 0.95)


def write_collection(site: Site, version: str) -> None:
    """PIECES articles sharing tags and outlets; `version` changes every page's text."""
    for n in range(PIECES):
        body = "\n\n".join(f"Paragraph {p} of piece {n}, {version}: the flotilla fired missiles across the sea."
                           for p in range(30))
        site.add_article(f"piece-{n}", title=f"Piece {n} ({version})", outlet=f"Outlet {n % 5}",
                         date=f"2015-10-{n % 28 + 1:02d}", stance="mixed", tags=[f"tag-{n % 7}", "common"],
                         body=body + f"\n\n## Editorial notes\n\nNotes on {n}, {version}.")


def new_site(root: Path, version: str) -> Site:
    site = Site(root)
    site.write("site.yml", SITE_YML)
    write_collection(site, version)
    return site


def start_build(site: Site) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "site_builder", "build", "--site", str(site.root), "-q"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)


def finish(process: subprocess.Popen) -> None:
    _, err = process.communicate(timeout=300)
    assert process.returncode == 0, err.decode()


def kill(process: subprocess.Popen) -> None:
    """SIGKILL: no handler, no cleanup; the whole group, as when a machine loses power."""
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    process.wait(timeout=30)


def staging_folders(site: Site) -> list[Path]:
    return sorted(site.root.glob(".build-*"))


def kill_when(process: subprocess.Popen, condition, timeout: float = 120) -> bool:
    """Kill as soon as `condition()` holds; False if the build finished first."""
    deadline = time.monotonic() + timeout
    while process.poll() is None and time.monotonic() < deadline:
        if condition():
            kill(process)
            return True
        time.sleep(0.002)
    process.wait(timeout=30)
    return False


def built_from_scratch(site: Site, folder: Path) -> dict[str, bytes]:
    """What a complete build of `site`'s current content is (outside the search index)."""
    clean = Site(folder)
    shutil.rmtree(folder, ignore_errors=True)
    shutil.copytree(site.root / "content", clean.root / "content")
    clean.write("site.yml", SITE_YML)
    finish(start_build(clean))
    return without_index(snapshot(clean.build_dir))


def complete_site_after_kill(site: Site, previous: dict[str, bytes], new: dict[str, bytes], when: str) -> dict[str, bytes]:
    """build/ after a kill is the previous complete site, or (killed after the swap) the new one."""
    now = snapshot(site.build_dir)
    if now != previous:
        assert without_index(now) == new, f"build/ is neither the previous nor the new complete site (killed {when})"
        assert pages_indexed(site) == PIECES, f"the new site's search index is complete (killed {when})"
    return now


def test_a_killed_build_leaves_a_complete_site_and_the_next_build_cleans_up(tmp_path):
    site = new_site(tmp_path / "site", "first version")
    finish(start_build(site))
    previous = snapshot(site.build_dir)
    assert "pagefind/pagefind.js" in previous and len(previous) > PIECES

    write_collection(site, "second version")  # every page changes: the next build rewrites everything
    # Timed on a clean build once Python's compiled modules are warm (the first build after a code
    # change compiles them): the kills below land at fractions of a build like those they interrupt.
    started = time.monotonic()
    new = built_from_scratch(site, tmp_path / "clean")
    duration = time.monotonic() - started
    killed, left_behind = [], 0
    for fraction in KILL_FRACTIONS:
        process = start_build(site)
        time.sleep(duration * fraction)
        if process.poll() is None:
            kill(process)
            killed.append(f"at {fraction:.0%}")
        else:
            finish(process)
        previous = complete_site_after_kill(site, previous, new, f"at {fraction:.0%}")
        left_behind += bool(staging_folders(site))

    moments = {
        "as its staging folder appears": lambda: bool(staging_folders(site)),
        "while Pagefind writes the index": lambda: any((f / "pagefind").exists() for f in staging_folders(site)),
    }
    for moment, condition in moments.items():
        write_collection(site, f"edited {moment}")
        new = built_from_scratch(site, tmp_path / "clean")
        process = start_build(site)
        if kill_when(process, condition):
            killed.append(moment)
        previous = complete_site_after_kill(site, previous, new, moment)
        left_behind += bool(staging_folders(site))

    assert len(killed) >= 5, f"most kills must land mid-build (killed: {killed})"
    assert left_behind, "a SIGKILLed build leaves its staging folder (so the clean-up below is tested)"

    finish(start_build(site))  # the next build succeeds...
    assert staging_folders(site) == [], "...and removes what killed builds left behind"
    assert without_index(snapshot(site.build_dir)) == new, "the same site as a build from scratch"
    assert pages_indexed(site) == PIECES


def without_index(files: dict[str, bytes]) -> dict[str, bytes]:
    """Pagefind's files differ between two builds of the same pages (its chunking is not deterministic)."""
    return {path: data for path, data in files.items() if not path.startswith("pagefind/")}


def pages_indexed(site: Site) -> int:
    entry = json.loads((site.build_dir / "pagefind" / "base" / "en" / "pagefind-entry.json").read_text())
    return sum(language["page_count"] for language in entry["languages"].values())


# --- import ---------------------------------------------------------------------------------

def source_text(n: int, version: str) -> str:
    paragraphs = "\n\n".join(f"Paragraph {p} of the report {n} ({version}) says the strikes hit targets near Hama."
                             for p in range(40))
    return f"Report number {n} on the offensive\n\nBy Jane Doe\n\n{paragraphs}\n"


def import_sources(site: Site, folder: Path) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "site_builder", "import", "--site", str(site.root), "-q",
                             str(folder)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)


def test_a_killed_import_leaves_no_truncated_article_and_keeps_the_editors_work(tmp_path):
    site = Site(tmp_path / "site")
    site.write("site.yml", SITE_YML)
    (site.root / "content" / "articles").mkdir(parents=True)
    sources = tmp_path / "sources"
    sources.mkdir()
    for n in range(40):
        (sources / f"report-{n}.txt").write_text(source_text(n, "first"))
    process = import_sources(site, sources)
    finish(process)
    articles = site.root / "content" / "articles"
    edited = sorted(articles.glob("*.md"))[0]
    front_matter, _, rest = edited.read_text().partition("\n---\n")
    front_matter = front_matter.replace("stance:\n", "stance: mixed\n")
    notes_heading = "## Editorial notes\n"
    edited.write_text(front_matter + "\n---\n" + rest + "The editors' own reading, written by hand.\n")
    editor_front_matter = edited.read_text().partition("\n---\n")[0]
    editor_notes = edited.read_text().partition(notes_heading)[2]

    for n in range(40):  # every source changed: a re-import rewrites every article
        (sources / f"report-{n}.txt").write_text(source_text(n, "second"))
    reference = Site(tmp_path / "reference")
    shutil.copytree(site.root, reference.root)
    finish(import_sources(reference, sources))
    expected = {p.name: p.read_bytes() for p in (reference.root / "content" / "articles").glob("*.md")}
    before = {p.name: p.read_bytes() for p in articles.glob("*.md")}

    started = time.monotonic()
    finish(import_sources(Site(shutil.copytree(site.root, tmp_path / "timing")), sources))
    duration = time.monotonic() - started
    killed = 0
    for fraction in (0.3, 0.5, 0.7, 0.9):
        process = import_sources(site, sources)
        time.sleep(duration * fraction)
        killed += process.poll() is None
        kill(process)
        for path in articles.glob("*.md"):
            assert path.read_bytes() in (before.get(path.name), expected[path.name]), f"{path.name} is half-written"
        text = edited.read_text()
        assert text.partition("\n---\n")[0].splitlines()[:-6] == editor_front_matter.splitlines()[:-6]
        assert "stance: mixed" in text and text.partition(notes_heading)[2] == editor_notes, "the editor's work is kept"
    assert killed >= 2, "most kills must land mid-import"
    finish(import_sources(site, sources))
    assert {p.name: p.read_bytes() for p in articles.glob("*.md")} == expected


def test_an_import_that_cannot_write_leaves_the_article_as_it_was(site, run, tmp_path, monkeypatch):
    """A full disk mid-write (simulated: the flush to disk fails) is one `failed` line; the article
    on disk is untouched and no temporary file is left beside it."""
    source = tmp_path / "report.txt"
    source.write_text(source_text(1, "first"))
    assert run("import", "--site", site.root, "-q", source).code == 0
    [article_path] = (site.root / "content" / "articles").glob("*.md")
    before = article_path.read_bytes()
    source.write_text(source_text(1, "second"))

    def disk_full(descriptor):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "fsync", disk_full)
    result = run("import", "--site", site.root, source)
    assert result.code == 1
    shown = article_path.relative_to(site.root).as_posix()
    assert f"cannot write {shown} (No space left on device); it is unchanged" in result.out + result.err
    assert article_path.read_bytes() == before
    assert [p.name for p in article_path.parent.iterdir()] == [article_path.name], "no temporary file left"
