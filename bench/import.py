"""How fast does `site-builder import` read a large batch of saved pages? (issue #18)

    .venv/bin/python bench/import.py [--pages 1000] [--target 0.6] [--against COMMIT] [--rounds N]

Pages: the 36 real saved news pages of tests/fixtures/real-pages/, repeated with variations until
there are --pages of them (each copy gets its own headline suffix and an extra paragraph, so no two
have the same bytes, slug or address). Both contenders run in this process's run, on the same files:

- baseline: a plain single-process loop over `trafilatura.extract` (read, decode, extract);
- ours: `site-builder import FOLDER -q` into a fresh site, in a child process (as an editor runs
  it), which extracts on every core, keeps each original and writes each draft.

With `--against COMMIT`, that commit's import (its tree exported with `git archive`) runs too,
alternating with this one and the loop in each of `--rounds` rounds, and the drafts each writes
are compared byte for byte (exit status 1 if they differ): a speed change must not change them.

Prints both times and the ratio; exit status 1 when the ratio is above --target. Also the CPU
time each used (ours: the command and its workers): on a machine shared with other jobs the wall
times depend on what else runs, while the CPU ratio is what one core of ours does against the loop,
so a quiet two-core machine's ratio is about half of it (plus the command's start).
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import trafilatura

ROOT = Path(__file__).resolve().parents[1]
REAL_PAGES = ROOT / "tests" / "fixtures" / "real-pages"


def make_pages(folder: Path, count: int) -> list[Path]:
    """`count` saved pages: the real ones, each copy with its own title suffix and paragraph."""
    originals = sorted(REAL_PAGES.glob("*.html"))
    pages = []
    for n in range(count):
        source = originals[n % len(originals)]
        html = source.read_text(encoding="utf-8", errors="replace")
        html = re.sub(r"(<title[^>]*>)", rf"\g<1>Copy {n}: ", html, count=1, flags=re.IGNORECASE)
        html = re.sub(r"https?://", f"https://copy{n}.", html)  # its own address too: a piece of its own
        html = re.sub(r"(</article>|</body>)", rf"<p>Bench copy {n} of {source.stem}.</p>\g<1>", html, count=1,
                      flags=re.IGNORECASE)
        path = folder / f"{n:04}-{source.name}"
        path.write_text(html, encoding="utf-8")
        pages.append(path)
    return pages


def baseline(pages: list[Path]) -> tuple[float, float]:
    """(wall, CPU) seconds of a plain loop over trafilatura.extract."""
    started, cpu = time.perf_counter(), time.process_time()
    for path in pages:
        trafilatura.extract(path.read_bytes().decode("utf-8", "replace"))
    return time.perf_counter() - started, time.process_time() - cpu


def ours(pages_folder: Path, work: Path, code: Path = ROOT) -> tuple[float, float]:
    """(wall, CPU) seconds of the import command (of the tree at `code`), its workers included."""
    site = work / "site"
    shutil.rmtree(site, ignore_errors=True)
    (site / "content" / "articles").mkdir(parents=True)
    (site / "site.yml").write_text("title: Bench\n")
    env = {**os.environ, "PYTHONPATH": str(code)}
    started, cpu = time.perf_counter(), _children_cpu()
    subprocess.run([sys.executable, "-m", "site_builder", "import", "--site", str(site), "-q", str(pages_folder)],
                   check=False, env=env, stdout=subprocess.DEVNULL)
    seconds, cpu = time.perf_counter() - started, _children_cpu() - cpu
    print(f"  ours wrote {len(list((site / 'content' / 'articles').glob('*.md')))} drafts")
    return seconds, cpu


def export(commit: str, folder: Path) -> Path:
    """The repository's tree at `commit`, written to `folder` (no worktree: nothing in .git changes);
    `commit` may also be a folder holding such a tree, used as it is."""
    if Path(commit).is_dir():
        return Path(commit)
    folder.mkdir()
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", commit], check=True, capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", str(folder)], input=archive, check=True)
    return folder


def drafts(site: Path) -> dict[str, bytes]:
    """Every file an import wrote under content/, by its path there."""
    content = site / "content"
    return {str(path.relative_to(content)): path.read_bytes() for path in sorted(content.rglob("*")) if path.is_file()}


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)  # waited-for descendants: the pool's workers too
    return usage.ru_utime + usage.ru_stime


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=1000)
    parser.add_argument("--target", type=float, default=0.6)
    parser.add_argument("--against", metavar="COMMIT", help="also time this commit's import (or a folder's "
                        "copy of the code), alternating")
    parser.add_argument("--rounds", type=int, default=1)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="import-bench-"))
    try:
        folder = work / "pages"
        folder.mkdir()
        pages = make_pages(folder, args.pages)
        print(f"{len(pages)} pages, {sum(p.stat().st_size for p in pages) / 1e6:.0f} MB, {os.cpu_count()} cores")
        print(f"  load average before: {os.getloadavg()[0]:.1f}")
        before = export(args.against, work / "before") if args.against else None
        met, same = True, True
        for round_ in range(1, args.rounds + 1):
            print(f"round {round_}, load average {os.getloadavg()[0]:.1f}")
            plain, plain_cpu = baseline(pages)
            print(f"  trafilatura.extract loop (1 process): {plain:.1f} s ({plain_cpu:.1f} s CPU)")
            if before:
                then, then_cpu = ours(folder, work, before)
                written_before = drafts(work / "site")
                print(f"  at {args.against} (all cores):{' ' * max(1, 17 - len(args.against))}{then:.1f} s "
                      f"({then_cpu:.1f} s CPU); ratio {then / plain:.2f}, CPU ratio {then_cpu / plain_cpu:.2f}")
            mine, mine_cpu = ours(folder, work)
            print(f"  site-builder import (all cores):      {mine:.1f} s ({mine_cpu:.1f} s CPU)")
            print(f"  ratio: {mine / plain:.2f} (target: at most {args.target}); CPU ratio {mine_cpu / plain_cpu:.2f}; "
                  f"load average after: {os.getloadavg()[0]:.1f}")
            met = met and mine / plain <= args.target
            if before:
                same = same and drafts(work / "site") == written_before
                print(f"  drafts byte for byte as at {args.against}: {'yes' if same else 'NO'}")
        return 0 if met and same else 1
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
