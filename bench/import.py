"""How fast does `site-builder import` read a large batch of saved pages? (issue #18)

    .venv/bin/python bench/import.py [--pages 1000] [--target 0.6]

Pages: the 36 real saved news pages of tests/fixtures/real-pages/, repeated with variations until
there are --pages of them (each copy gets its own headline suffix and an extra paragraph, so no two
have the same bytes, slug or address). Both contenders run in this process's run, on the same files:

- baseline: a plain single-process loop over `trafilatura.extract` (read, decode, extract);
- ours: `site-builder import FOLDER -q` into a fresh site, in a child process (as an editor runs
  it), which extracts on every core, keeps each original and writes each draft.

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


def ours(pages_folder: Path, work: Path) -> tuple[float, float]:
    """(wall, CPU) seconds of the import command, its workers included."""
    site = work / "site"
    (site / "content" / "articles").mkdir(parents=True)
    (site / "site.yml").write_text("title: Bench\n")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    started, cpu = time.perf_counter(), _children_cpu()
    subprocess.run([sys.executable, "-m", "site_builder", "import", "--site", str(site), "-q", str(pages_folder)],
                   check=False, env=env, stdout=subprocess.DEVNULL)
    seconds, cpu = time.perf_counter() - started, _children_cpu() - cpu
    print(f"  ours wrote {len(list((site / 'content' / 'articles').glob('*.md')))} drafts")
    return seconds, cpu


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)  # waited-for descendants: the pool's workers too
    return usage.ru_utime + usage.ru_stime


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=1000)
    parser.add_argument("--target", type=float, default=0.6)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="import-bench-"))
    try:
        folder = work / "pages"
        folder.mkdir()
        pages = make_pages(folder, args.pages)
        print(f"{len(pages)} pages, {sum(p.stat().st_size for p in pages) / 1e6:.0f} MB, {os.cpu_count()} cores")
        print(f"  load average before: {os.getloadavg()[0]:.1f}")
        plain, plain_cpu = baseline(pages)
        print(f"  trafilatura.extract loop (1 process): {plain:.1f} s ({plain_cpu:.1f} s CPU)")
        mine, mine_cpu = ours(folder, work)
        print(f"  site-builder import (all cores):      {mine:.1f} s ({mine_cpu:.1f} s CPU)")
        print(f"  ratio: {mine / plain:.2f} (target: at most {args.target}); CPU ratio {mine_cpu / plain_cpu:.2f}; "
              f"load average after: {os.getloadavg()[0]:.1f}")
        return 0 if mine / plain <= args.target else 1
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
