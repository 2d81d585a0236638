"""What full-text search (Pagefind) costs: build time, index size, and bytes downloaded per query.

    .venv/bin/python bench/search.py --n 1000 10000 [--runs K] [--full-max N] [--keep]

For each N: generate a synthetic site with bench/make_corpus.py in a temporary folder, then
1. time `site-builder build --base-url /bench/` with `search: false` (median of --runs);
2. time site_builder's own indexing step (`site_builder.search.write_search_index`, what
   `search: true` adds) on a copy of that build, and index the copy once more with the Pagefind
   CLI as a reference;
3. up to N = --full-max, also time whole builds with `search: true`; above it that column is
   estimated as (1) + (2) and marked `~`;
4. check the index against the CLI's (a file missing or of another size, an unreadable
   pagefind-entry.json), measure build/pagefind/ on disk, serve the site under /bench/, open
   /bench/search/?q=WORD in headless Chromium (WORD: a marker word in about 1% of the articles) and
   sum the response bodies fetched from /bench/pagefind/. A damaged index is reported and the
   query is run on the CLI's index instead.
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
from site_builder.search import EXCLUDE_SELECTORS, write_search_index  # noqa: E402
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


def timed_index(build: Path, copy: Path) -> float:
    """site_builder's indexing step alone, on a copy of a build made without search."""
    shutil.rmtree(copy, ignore_errors=True)
    shutil.copytree(build, copy)
    started = time.perf_counter()
    write_search_index(copy, "en")
    return time.perf_counter() - started


def cli_index(site_dir: Path, output: Path) -> None:
    """The same index written by the Pagefind CLI (a process that exits only when its files are written)."""
    config = {"site": str(site_dir), "output_path": str(output), "force_language": "en",
              "exclude_selectors": EXCLUDE_SELECTORS}
    (output.parent / "pagefind.yml").write_text(json.dumps(config), encoding="utf-8")  # JSON is YAML
    subprocess.run([sys.executable, "-m", "pagefind", "--quiet"], cwd=output.parent, check=True)


def damaged(index: Path, reference: Path) -> list[str]:
    """Files of `index` missing or of another size than in the CLI's index (hashed names that differ
    between the two, filters and meta, are compared by count only), and an unreadable entry file."""
    ours = {str(p.relative_to(index)): p.stat().st_size for p in index.rglob("*") if p.is_file()}
    ref = {str(p.relative_to(reference)): p.stat().st_size for p in reference.rglob("*") if p.is_file()}
    bad = [name for name, size in ref.items() if name in ours and ours[name] != size and name != "pagefind-entry.json"]
    bad += [name for name in ref if name not in ours and not name.endswith((".pf_filter", ".pf_meta"))]
    try:
        json.loads((index / "pagefind-entry.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        bad.append("pagefind-entry.json (not JSON)")
    if len(ours) != len(ref):
        bad.append(f"{len(ours)} files, the CLI wrote {len(ref)}")
    return sorted(bad)


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
    site, copy = workdir / "site", workdir / "indexed"
    print(f"N={n}: generating in {site}", flush=True)
    print(f"  generated in {generate(n, site):.1f} s", flush=True)
    set_search(site, False)
    plain = [timed_build(site) for _ in range(runs)]
    runs_line("build, search: false", plain)
    reference = workdir / "cli" / "pagefind"
    reference.parent.mkdir()
    cli_index(site / "build", reference)
    indexing, problems = [], []
    for _ in range(runs):
        indexing.append(timed_index(site / "build", copy))
        problems += [f"indexing run {len(indexing)}: " + _summary(found)] if (found := damaged(copy / "pagefind", reference)) else []
    runs_line("site_builder indexing alone", indexing)
    row = {"n": n, "runs": runs, "plain": statistics.median(plain), "indexing": statistics.median(indexing)}
    measured = copy
    if n <= full_max:
        set_search(site, True)
        full = []
        for _ in range(runs):
            full.append(timed_build(site))
            problems += [f"search build {len(full)}: " + _summary(found)] if (found := damaged(site / "build" / "pagefind", reference)) else []
        runs_line("build, search: true", full)
        row["search"], measured = statistics.median(full), site / "build"
    else:
        row["search"] = None
    for problem in problems:
        print(f"  DAMAGED INDEX, {problem}")
    index = measured / "pagefind"
    row["index_ok"] = not damaged(index, reference)
    if not row["index_ok"]:  # measure the query on the CLI's complete index instead
        shutil.rmtree(index)
        shutil.copytree(reference, index)
    row["index_bytes"], row["index_files"] = index_size(index)
    row["damaged"] = len(problems)
    row["word"], row["df"] = pick_word(site, n)
    row.update(query_download(measured, row["word"]))
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
        search = r["search"] if r["search"] is not None else r["plain"] + r["indexing"]
        mark = "" if r["search"] is not None else "~"
        builds = r["runs"] * (2 if r["search"] is not None else 1)
        lines.append([f"{r['n']}", f"{r['runs']}", f"{r['plain']:.1f}", f"{mark}{search:.1f}",
                      f"{mark}{search - r['plain']:.1f}", f"{r['indexing']:.1f}", f"{r['damaged']} of {builds}",
                      f"{r['index_bytes'] / 1e6:.2f}", f"{r['index_files']}", f"{r['pagefind_bytes'] / 1024:.0f}",
                      f"{r['data_bytes'] / 1024:.0f}", f"{r['page_bytes'] / 1024:.0f}", f"{r['word']} ({r['df']})",
                      r["message"]])
    widths = [max(len(h), *(len(line[i]) for line in lines)) for i, h in enumerate(header)]
    for line in [header, ["-" * w for w in widths], *lines]:
        print(" | ".join(cell.ljust(w) for cell, w in zip(line, widths)))
    print("~ estimated: build without search + site_builder's indexing step timed alone (see --full-max).")
    print("damaged indexes: indexing runs (alone and in search builds) whose output differed from the Pagefind CLI's.")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, nargs="+", default=[1000], help="corpus sizes (articles)")
    parser.add_argument("--runs", type=int, help="runs per measurement (default: 3 up to N=2000, else 1)")
    parser.add_argument("--full-max", type=int, default=2000,
                        help="largest N for which whole builds with search: true are timed too (default 2000)")
    parser.add_argument("--keep", action="store_true", help="keep the generated sites (paths are printed)")
    args = parser.parse_args()
    started = time.perf_counter()
    rows = [bench(n, args.runs or (3 if n <= 2000 else 1), args.full_max, args.keep) for n in args.n]
    print()
    print_table(rows)
    print(f"\ntotal runtime {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
