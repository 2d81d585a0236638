"""What full-text search (Pagefind) costs: build time, index size, and bytes downloaded per query.

    .venv/bin/python bench/search.py --n 1000 10000 [--runs K] [--full-max N] [--keep]

For each N: generate a synthetic site with bench/make_corpus.py in a temporary folder, then
1. time `site-builder build --base-url /bench/` with `search: false` (only up to N = --full-max:
   above it that column is estimated as the search build - (2) and marked `~`) and with `search: true`,
   the median of --runs each;
2. time site_builder's indexing step alone (`site_builder.search.write_search_index`, what
   `search: true` adds) on a copy of that build without its index, and index it once more with
   the Pagefind CLI as a reference;
3. check every index written against the CLI's (a file missing or of another size, an unreadable
   pagefind-entry.json), measure build/pagefind/ on disk, serve the site under /bench/, open
   /bench/search/?q=WORD in headless Chromium (WORD: a marker word in about 1% of the articles) and
   sum the response bodies fetched from /bench/pagefind/. If the build's index is damaged, that is
   reported and the query runs on the CLI's index instead.
"""

from __future__ import annotations

import argparse
import json
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
from site_builder.state import CACHE_DIR  # noqa: E402
from site_builder.search import BASE_DIR, EXCLUDE_SELECTORS, write_search_index  # noqa: E402

BUNDLE = f"{BASE_DIR}/en"  # the corpus is English: its one bundle (search.py: a bundle per language)
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
    """A clean build: the previous build and its cache are removed first, so nothing is reused."""
    shutil.rmtree(site / CACHE_DIR, ignore_errors=True)
    shutil.rmtree(site / "build", ignore_errors=True)
    started = time.perf_counter()
    done = subprocess.run([str(SITE_BUILDER), "build", "-q", "--base-url", PREFIX], cwd=site, capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        sys.exit(f"build failed in {site}:\n{done.stderr}")
    if done.stderr.strip():
        print(f"  build printed {len(done.stderr.splitlines())} warning line(s), e.g. {done.stderr.splitlines()[0]}")
    return elapsed


def timed_index(build: Path, copy: Path) -> float:
    """site_builder's indexing step alone, on a copy of a build made without search."""
    shutil.rmtree(copy, ignore_errors=True)
    shutil.copytree(build, copy)
    started = time.perf_counter()
    write_search_index(copy, "en", {})
    return time.perf_counter() - started


def cli_index(site_dir: Path, output: Path) -> None:
    """The same index written by the Pagefind CLI (a process that exits only when its files are written)."""
    config = {"site": str(site_dir), "output_path": str(output), "force_language": "en",
              "exclude_selectors": EXCLUDE_SELECTORS}
    (output.parent / "pagefind.yml").write_text(json.dumps(config), encoding="utf-8")  # JSON is YAML
    subprocess.run([sys.executable, "-m", "pagefind", "--quiet"], cwd=output.parent, check=True)


def listing(index: Path) -> tuple[dict[str, int], bool]:
    """An index's files and sizes, and whether its pagefind-entry.json is JSON."""
    try:
        entry_ok = bool(json.loads((index / "pagefind-entry.json").read_text(encoding="utf-8")))
    except (OSError, ValueError):
        entry_ok = False
    return {str(p.relative_to(index)): p.stat().st_size for p in index.rglob("*") if p.is_file()}, entry_ok


def damaged(ours: tuple[dict[str, int], bool], ref: tuple[dict[str, int], bool]) -> list[str]:
    """Files missing or of another size than in the CLI's index (filters and meta have other hashed
    names in the two, so they are only counted), and an unreadable entry file."""
    (files, entry_ok), (ref_files, _) = ours, ref
    bad = [f"{name} ({files[name]} of {size} bytes)" for name, size in ref_files.items()
           if name in files and files[name] != size and name != "pagefind-entry.json"]
    bad += [f"{name} missing" for name in ref_files if name not in files and not name.endswith((".pf_filter", ".pf_meta"))]
    bad += [] if entry_ok else ["pagefind-entry.json not JSON"]
    bad += [f"{len(files)} files, the CLI wrote {len(ref_files)}"] if len(files) != len(ref_files) else []
    return bad


def index_size(index: Path) -> tuple[int, int]:
    files = [p for p in index.rglob("*") if p.is_file()]
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
        page.locator(".pagefind-ui__message", has_text=re.compile(r"results? for")).wait_for(timeout=60_000)
        if page.locator(".pagefind-ui__result").count() or not page.inner_text(".pagefind-ui__message").startswith("No"):
            page.wait_for_selector(".pagefind-ui__result", timeout=60_000)
        page.wait_for_load_state("networkidle")
        seconds = time.perf_counter() - started
        message = page.inner_text(".pagefind-ui__message")
        sizes = {}
        for request in finished:
            response = request.response()
            sizes[request.url] = len(response.body()) if response else 0
        browser.close()
    kinds: dict[str, list[int]] = {}  # by extension: js, css, json, wasm, pf_meta, pf_index, pf_filter, pf_fragment
    for url in (u for u in sizes if u.startswith(base + "pagefind/")):
        ext = url.split("?")[0].rsplit(".", 1)[-1].replace("pagefind", "wasm")
        kinds.setdefault(ext, []).append(sizes[url])
    return {"pagefind_bytes": sum(sum(v) for v in kinds.values()), "page_bytes": sum(sizes.values()),
            "data_bytes": sum(sum(v) for k, v in kinds.items() if k.startswith("pf_") or k == "json"),
            "message": message, "seconds": seconds, "kinds": kinds}


def _summary(found: list[str]) -> str:
    return ", ".join(found[:6]) + (f" and {len(found) - 6} more" if len(found) > 6 else "")


def runs_line(label: str, times: list[float]) -> None:
    print(f"  {label:28} {', '.join(f'{t:.1f}' for t in times)} s", flush=True)


def bench(n: int, runs: int, full_max: int, keep: bool) -> dict:
    workdir = Path(tempfile.mkdtemp(prefix=f"search-bench-{n}-"))
    site, base, copy, reference = workdir / "site", workdir / "base", workdir / "indexed", workdir / "cli" / "pagefind"
    print(f"N={n}: generating in {site}", flush=True)
    print(f"  generated in {generate(n, site):.1f} s", flush=True)
    row = {"n": n, "runs": runs, "plain": None}
    if n <= full_max:
        set_search(site, False)
        plain = [timed_build(site) for _ in range(runs)]
        runs_line("build, search: false", plain)
        row["plain"] = statistics.median(plain)
    set_search(site, True)
    full, listings = [], []
    for _ in range(runs):
        full.append(timed_build(site))
        listings.append((f"search build {len(full)}", listing(site / "build" / "pagefind" / BUNDLE)))
    runs_line("build, search: true", full)
    shutil.copytree(site / "build", base, ignore=lambda folder, names: ["pagefind"] if Path(folder) == site / "build" else [])
    reference.parent.mkdir()
    cli_index(base, reference)
    indexing = []
    for _ in range(runs):
        indexing.append(timed_index(base, copy))
        listings.append((f"indexing run {len(indexing)}", listing(copy / "pagefind" / BUNDLE)))
    runs_line("site_builder indexing alone", indexing)
    row.update(search=statistics.median(full), indexing=statistics.median(indexing))
    problems = [f"{label}: {_summary(found)}" for label, found in
                ((label, damaged(found, listing(reference))) for label, found in listings) if found]
    for problem in problems:
        print(f"  DAMAGED INDEX, {problem}")
    index = site / "build" / "pagefind"
    row["index_ok"] = not damaged(listing(index / BUNDLE), listing(reference))
    if not row["index_ok"]:  # measure the query on the CLI's complete index instead
        shutil.rmtree(index / BUNDLE)
        shutil.copytree(reference, index / BUNDLE)
    row["index_bytes"], row["index_files"] = index_size(index)
    row["damaged"] = len(problems)
    row["word"], row["df"] = pick_word(site, n)
    row.update(query_download(site / "build", row["word"]))
    print(f"  query {row['word']!r} (in {row['df']} articles): {row['message']!r} in {row['seconds']:.1f} s")
    for kind, sizes in sorted(row["kinds"].items()):
        print(f"    {kind:12} {len(sizes):3} files {sum(sizes) / 1024:9.1f} KB")
    if keep:
        print(f"  kept {workdir}")
    else:
        shutil.rmtree(workdir)
    return row


def print_table(rows: list[dict]) -> None:
    header = ["N", "runs", "build no-search s", "build search s", "pagefind adds s", "indexing alone s",
              "damaged indexes", "index MB", "index files", "query download KB", "of which index data KB",
              "page total KB", "query (in N articles)", "results"]
    lines = []
    for r in rows:
        plain = r["plain"] if r["plain"] is not None else r["search"] - r["indexing"]
        mark = "" if r["plain"] is not None else "~"
        builds = r["runs"] * 2
        lines.append([f"{r['n']}", f"{r['runs']}", f"{mark}{plain:.1f}", f"{r['search']:.1f}",
                      f"{mark}{r['search'] - plain:.1f}", f"{r['indexing']:.1f}",
                      f"{r['damaged']} of {builds}" + ("" if r["index_ok"] else " (CLI index used)"),
                      f"{r['index_bytes'] / 1e6:.2f}", f"{r['index_files']}", f"{r['pagefind_bytes'] / 1024:.0f}",
                      f"{r['data_bytes'] / 1024:.0f}", f"{r['page_bytes'] / 1024:.0f}", f"{r['word']} ({r['df']})",
                      r["message"]])
    widths = [max(len(h), *(len(line[i]) for line in lines)) for i, h in enumerate(header)]
    for line in [header, ["-" * w for w in widths], *lines]:
        print(" | ".join(cell.ljust(w) for cell, w in zip(line, widths)))
    print("~ estimated: build with search - site_builder's indexing step timed alone (see --full-max).")
    print("damaged indexes: indexing runs (alone and in search builds) whose output differed from the Pagefind CLI's.")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, nargs="+", default=[1000], help="corpus sizes (articles)")
    parser.add_argument("--runs", type=int, help="runs per measurement (default: 3 up to N=2000, else 1)")
    parser.add_argument("--full-max", type=int, default=2000,
                        help="largest N for which builds with search: false are timed too (default 2000)")
    parser.add_argument("--keep", action="store_true", help="keep the generated sites (paths are printed)")
    args = parser.parse_args()
    started = time.perf_counter()
    rows = [bench(n, args.runs or (3 if n <= 2000 else 1), args.full_max, args.keep) for n in args.n]
    print()
    print_table(rows)
    print(f"\ntotal runtime {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
