"""What full-text search (Pagefind) costs: build time, index size, and bytes downloaded per query.

    .venv/bin/python bench/search.py --n 1000 10000 [--runs K] [--keep]

For each N: generate a synthetic site with bench/make_corpus.py in a temporary folder, time
`site-builder build` with `search: false` and with `search: true` (median of --runs; by default 3
runs up to N=2000 and 1 above), measure build/pagefind/ on disk, then serve build/ under /bench/,
open /bench/search/?q=WORD in headless Chromium (WORD: a marker word found in about 1% of the
articles) and sum the response bodies the browser fetched from /bench/pagefind/.
"""

from __future__ import annotations

import argparse
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
SITE_BUILDER = REPO / ".venv" / "bin" / "site-builder"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
PREFIX = "/bench/"

sys.path.insert(0, str(BENCH))
sys.path.insert(0, str(REPO / "tests"))
from make_corpus import MARKERS  # noqa: E402
from webserver import serve  # noqa: E402


def generate(n: int, site: Path) -> float:
    started = time.perf_counter()
    subprocess.run([sys.executable, str(BENCH / "make_corpus.py"), str(n), str(site), "--format", "ours"],
                   check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - started


def set_search(site: Path, on: bool) -> None:
    config = site / "site.yml"
    text, count = re.subn(r"(?m)^search: .*$", f"search: {'true' if on else 'false'}", config.read_text(encoding="utf-8"))
    assert count == 1, "site.yml has no `search:` line"
    config.write_text(text, encoding="utf-8")


def timed_build(site: Path) -> float:
    started = time.perf_counter()
    done = subprocess.run([str(SITE_BUILDER), "build", "-q", "--base-url", PREFIX], cwd=site, capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        sys.exit(f"build failed in {site}:\n{done.stderr}")
    if done.stderr.strip():
        print(f"  build printed {len(done.stderr.splitlines())} warning line(s), e.g. {done.stderr.splitlines()[0]}")
    return elapsed


def median_build(site: Path, search: bool, runs: int) -> tuple[float, list[float]]:
    set_search(site, search)
    times = [timed_build(site) for _ in range(runs)]
    print(f"  search: {str(search).lower():5}  runs: {', '.join(f'{t:.1f}' for t in times)} s")
    return statistics.median(times), times


def index_size(build: Path) -> tuple[int, int]:
    files = [p for p in (build / "pagefind").rglob("*") if p.is_file()]
    return sum(p.stat().st_size for p in files), len(files)


def pick_word(site: Path, n: int) -> tuple[str, int]:
    """The marker word whose number of articles is closest to 1% of N."""
    texts = [p.read_text(encoding="utf-8").lower() for p in (site / "content" / "articles").glob("*.md")]
    counts = {w: sum(1 for t in texts if re.search(rf"\b{w}\b", t)) for w in MARKERS}
    word = min((w for w in counts if counts[w]), key=lambda w: (abs(counts[w] - n / 100), w))
    return word, counts[word]


def query_download(build: Path, word: str) -> dict:
    """Open the search page for `word` in a fresh browser; bytes fetched from pagefind/ and in all."""
    from playwright.sync_api import sync_playwright

    with serve(build, PREFIX) as base, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page()
        finished = []
        page.on("requestfinished", lambda request: finished.append(request))
        started = time.perf_counter()
        page.goto(f"{base}search/?q={word}")
        page.wait_for_selector(".pagefind-ui__result", timeout=120_000)
        page.wait_for_load_state("networkidle")
        seconds = time.perf_counter() - started
        message = page.inner_text(".pagefind-ui__message")
        shown = page.locator(".pagefind-ui__result").count()
        sizes = {}
        for request in finished:
            response = request.response()
            sizes[request.url] = len(response.body()) if response else 0
        browser.close()
    index_urls = [u for u in sizes if u.startswith(base + "pagefind/")]
    return {"pagefind_bytes": sum(sizes[u] for u in index_urls), "pagefind_requests": len(index_urls),
            "page_bytes": sum(sizes.values()), "requests": len(sizes), "message": message, "shown": shown,
            "seconds": seconds, "kinds": _kinds(index_urls, sizes)}


def _kinds(urls: list[str], sizes: dict[str, int]) -> dict[str, tuple[int, int]]:
    """Requests and bytes per kind of Pagefind file, by extension (pf_index, pf_fragment, wasm, js, ...)."""
    kinds: dict[str, tuple[int, int]] = {}
    for url in urls:
        ext = url.split("?")[0].rsplit(".", 1)[-1]
        kind = {"pagefind": "wasm"}.get(ext, ext)
        count, total = kinds.get(kind, (0, 0))
        kinds[kind] = (count + 1, total + sizes[url])
    return kinds


def bench(n: int, runs: int, keep: bool) -> dict:
    workdir = Path(tempfile.mkdtemp(prefix=f"search-bench-{n}-"))
    site = workdir / "site"
    print(f"N={n}: generating in {site}", flush=True)
    gen = generate(n, site)
    print(f"  generated in {gen:.1f} s", flush=True)
    plain, _ = median_build(site, False, runs)
    search, _ = median_build(site, True, runs)  # last: build/ keeps the index for what follows
    index_bytes, index_files = index_size(site / "build")
    word, df = pick_word(site, n)
    query = query_download(site / "build", word)
    print(f"  query {word!r} (in {df} articles): {query['message']!r}, {query['shown']} shown, "
          f"{query['pagefind_requests']} pagefind requests in {query['seconds']:.1f} s", flush=True)
    for kind, (count, total) in sorted(query["kinds"].items()):
        print(f"    {kind:12} {count:3} files {total / 1024:9.1f} KB")
    if keep:
        print(f"  kept {workdir}")
    else:
        shutil.rmtree(workdir)
    return {"n": n, "runs": runs, "gen": gen, "plain": plain, "search": search, "index_bytes": index_bytes,
            "index_files": index_files, "word": word, "df": df, **query}


def print_table(rows: list[dict]) -> None:
    header = ["N", "runs", "build no-search s", "build search s", "pagefind adds s", "index MB", "index files",
              "query download KB", "of which index data KB", "page total KB", "query (in N articles)", "results"]
    lines = [[f"{r['n']}", f"{r['runs']}", f"{r['plain']:.1f}", f"{r['search']:.1f}", f"{r['search'] - r['plain']:.1f}",
              f"{r['index_bytes'] / 1e6:.2f}", f"{r['index_files']}", f"{r['pagefind_bytes'] / 1024:.0f}",
              f"{sum(b for k, (_, b) in r['kinds'].items() if k.startswith('pf_') or k == 'json') / 1024:.0f}",
              f"{r['page_bytes'] / 1024:.0f}", f"{r['word']} ({r['df']})", r["message"]] for r in rows]
    widths = [max(len(h), *(len(line[i]) for line in lines)) for i, h in enumerate(header)]
    for line in [header, ["-" * w for w in widths], *lines]:
        print(" | ".join(cell.ljust(w) for cell, w in zip(line, widths)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, nargs="+", default=[1000], help="corpus sizes (articles)")
    parser.add_argument("--runs", type=int, help="builds per setting (default: 3 up to N=2000, else 1)")
    parser.add_argument("--keep", action="store_true", help="keep the generated sites (paths are printed)")
    args = parser.parse_args()
    started = time.perf_counter()
    rows = [bench(n, args.runs or (3 if n <= 2000 else 1), args.keep) for n in args.n]
    print()
    print_table(rows)
    print(f"\ntotal runtime {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
