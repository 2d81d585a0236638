"""What an index per language costs: indexing time and index size, one language against three.

    .venv/bin/python bench/search_languages.py --n 1000 [--runs 3]

Generates a corpus (bench/make_corpus.py), builds it once with `search: false`, then times
`site_builder.search.write_search_index` on that build twice over: as it is (every piece in the
site's language, one bundle) and with two thirds of the pieces marked Russian and Arabic (the
theme's `data-search-language`, as a piece's `language` writes it: three bundles). The words are
the same synthetic English either way, so the difference is the cost of the bundles themselves.
"""

from __future__ import annotations

import argparse
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH.parent))
sys.path.insert(0, str(BENCH))
from search import set_search  # noqa: E402
from site_builder.search import write_search_index  # noqa: E402


def mark_languages(build: Path) -> None:
    """Every third piece Russian, every third Arabic, as article.html marks a piece's language."""
    pieces = sorted((build / "articles").glob("*/index.html"))
    for position, page in enumerate(pieces):
        language = ("", "ru", "ar")[position % 3]
        if language:
            text = page.read_text(encoding="utf-8")
            marked = text.replace("data-pagefind-body", f'data-pagefind-body data-search-language="{language}"', 1)
            page.unlink()  # never write into a file linked elsewhere
            page.write_text(marked, encoding="utf-8")


def measure(build: Path, runs: int) -> tuple[float, float, int, int]:
    """Median wall time, median CPU time (Pagefind's and grep's, as child processes: steadier
    than the wall time on a shared machine), the index's bytes and files."""
    times, cpu = [], []
    for _ in range(runs):
        output = build.parent / "index"
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        write_search_index(build, "en", {}, output)
        times.append(time.perf_counter() - started)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu.append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
    files = [path for path in output.rglob("*") if path.is_file()]
    size = sum(path.stat().st_size for path in files)
    shutil.rmtree(output)
    return statistics.median(times), statistics.median(cpu), size, len(files)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        site = Path(folder) / "site"
        subprocess.run([sys.executable, str(BENCH / "make_corpus.py"), str(args.n), str(site)], check=True,
                       stdout=subprocess.DEVNULL)
        set_search(site, False)
        subprocess.run([sys.executable, "-m", "site_builder", "build", "--site", str(site), "-q"], check=True)
        build = site / "build"
        for label in ("one language", "en + ru + ar"):
            if label != "one language":
                mark_languages(build)
            seconds, cpu, size, files = measure(build, args.runs)
            print(f"N={args.n} {label}: indexing {seconds:.2f} s ({cpu:.2f} s CPU), "
                  f"index {size / 1e6:.1f} MB in {files:,} files")


if __name__ == "__main__":
    main()
