"""What annotations cost a build: the same corpus with and without them, side by side.

    .venv/bin/python bench/annotation_cost.py --n 10000 [--runs 3] [--edits 5] [--against REV]

Writes `make_corpus.py N` twice into bench/corpora/ (git-ignored): `<N>-annotated` (about three
annotations per piece) and `<N>-plain` (`--no-annotations`: every other byte the same). Then, in
rounds that alternate the two corpora (a busy machine slows both alike), it times clean builds
(`--runs`, no output and no cache) and one-article edit builds (`--edits`: a sentence appended to
the same piece's text, then a full `build`). Each build is `site-builder build -q` run by a frozen
copy of the working tree (bench/run.py's `freeze`); besides its wall time it reports its CPU time
(user + system of the command and the workers it waited for: what the machine's load does not
change much). `--against REV` also runs site_builder as it was at git revision REV, on copies of
both corpora of its own, alternating with the others.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from run import CORPORA, EDITED, freeze  # noqa: E402

CORPUS_KINDS = {"annotated": "make_corpus.py", "plain": "make_corpus.py --no-annotations"}


def make_corpora(n: int) -> dict[str, Path]:
    """The annotated and the plain corpus (written once), as `make_corpus.py` writes them."""
    folders = {}
    for kind in CORPUS_KINDS:
        folder = CORPORA / f"{n}-{kind}"
        if not (folder / ".complete").exists():
            shutil.rmtree(folder, ignore_errors=True)
            subprocess.run([sys.executable, str(Path(__file__).with_name("make_corpus.py")), str(n), str(folder),
                            *(["--no-annotations"] if kind == "plain" else [])], check=True, stdout=subprocess.DEVNULL)
            (folder / ".complete").write_text("")
        folders[kind] = folder
    return folders


def timed(command: list[str], folder: Path) -> tuple[float, float]:
    """(wall seconds, CPU seconds) of one run of `command` in `folder`."""
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=folder, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise SystemExit(f"build failed in {folder}: {process.stderr.read().decode()[-2000:]}")
    return wall, usage.ru_utime + usage.ru_stime


def clean(folder: Path) -> None:
    for name in ("build", ".site-builder-cache", ".spare-build"):
        shutil.rmtree(folder / name, ignore_errors=True)


def edit(folder: Path, marker: str) -> None:
    articles = sorted((folder / "content" / "articles").glob("*.md"))
    article = articles[len(articles) // 2]  # the same piece in both corpora
    with open(article, "a", encoding="utf-8") as file:
        file.write(f"\n{EDITED} {marker}.\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=10000)
    parser.add_argument("--runs", type=int, default=3, help="clean builds of each corpus")
    parser.add_argument("--edits", type=int, default=5, help="one-article edit builds of each corpus")
    parser.add_argument("--against", metavar="REV", help="also time site_builder at git revision REV")
    args = parser.parse_args()
    folders = make_corpora(args.n)
    versions = {"": [*freeze(), "build", "-q"]}
    if args.against:
        versions[f"@{args.against}"] = [*freeze(args.against), "build", "-q"]
    runs: list[tuple[str, Path, list[str]]] = []
    for version, command in versions.items():
        for kind, folder in folders.items():
            if version:
                folder = _copy(folder, version)
            runs.append((kind + version, folder, command))
    results: dict[str, dict[str, list[tuple[float, float]]]] = {name: {"clean": [], "edit": []} for name, _, _ in runs}
    for number in range(args.runs):
        for name, folder, command in runs:
            clean(folder)
            results[name]["clean"].append(timed(command, folder))
            print(f"clean {number + 1} {name}: {results[name]['clean'][-1][0]:.1f} s", flush=True)
    for number in range(args.edits):
        for name, folder, command in runs:
            edit(folder, f"edit-{number}-{time.time_ns()}")
            results[name]["edit"].append(timed(command, folder))
        print(f"edit {number + 1}: " + ", ".join(f"{name} {results[name]['edit'][-1][0]:.2f} s" for name, _, _ in runs),
              flush=True)
    print(report(args.n, results))


def _copy(folder: Path, version: str) -> Path:
    """A corpus of the other version's own (the build cache is per site folder)."""
    copy = folder.with_name(folder.name + version)
    if not (copy / ".complete").exists():
        shutil.rmtree(copy, ignore_errors=True)
        shutil.copytree(folder / "content", copy / "content")
        shutil.copy2(folder / "site.yml", copy / "site.yml")
        (copy / ".complete").write_text("")
    return copy


def report(n: int, results: dict[str, dict[str, list[tuple[float, float]]]]) -> str:
    """A Markdown table: medians of wall and CPU seconds, and annotated/plain for each version."""
    lines = [f"N={n:,}, load average at the end {os.getloadavg()[0]:.1f}", "",
             "| build | corpus | runs | wall, median (s) | CPU, median (s) | annotated/plain, wall | CPU |",
             "|---|---|---|---|---|---|---|"]
    for measure in ("clean", "edit"):
        for name, found in results.items():
            times = found[measure]
            wall, cpu = statistics.median(t for t, _ in times), statistics.median(c for _, c in times)
            kind, _, version = name.partition("@")
            ratio = ("", "")
            if kind == "annotated":
                plain = results["plain" + (f"@{version}" if version else "")][measure]
                ratio = (f"{wall / statistics.median(t for t, _ in plain):.2f}",
                         f"{cpu / statistics.median(c for _, c in plain):.2f}")
            lines.append(f"| {measure} | {name} | {len(times)} | {wall:.2f} | {cpu:.2f} | {ratio[0]} | {ratio[1]} |")
    return "\n".join(lines)


if __name__ == "__main__":
    main()
