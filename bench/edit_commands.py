"""Time one-article edit builds of built corpora, as commands, alternating them: median wall and CPU.

    .venv/bin/python bench/edit_commands.py --edits 5 LABEL=CODE:CORPUS [LABEL=CODE:CORPUS ...]

CODE is a folder holding a copy of `site_builder` (and `themes/default`), compiled, as
`run.freeze` makes one; CORPUS a site folder built by that copy already (its build state and
spare folder in place: `annotation_cost.py` would build it clean first). Each round appends a
sentence to the same piece of every corpus (as `annotation_cost.py` does), waits past the
racy-stat window, as an editor's next save would be, and times `python -m site_builder build -q`
(CPU: user + system of the command and the children it waited for, Pagefind included; not the
state saved in the background, which the next build's load waits for if it is not done).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

from annotation_cost import edit

SETTLE_SECONDS = 2.1  # hashing.RACY_SECONDS: a file saved more recently is read again anyway


def timed(code: Path, corpus: Path) -> tuple[float, float]:
    """(wall seconds, CPU seconds) of one build of `corpus` by the copy in `code`."""
    environment = dict(os.environ, PYTHONPATH=str(code))
    started = time.perf_counter()
    process = subprocess.Popen([sys.executable, "-m", "site_builder", "build", "-q"], cwd=corpus, env=environment,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"build failed in {corpus}: {process.stderr.read().decode()[-2000:]}")
    return wall, usage.ru_utime + usage.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--edits", type=int, default=5)
    parser.add_argument("runs", nargs="+", metavar="LABEL=CODE:CORPUS")
    args = parser.parse_args()
    runs = []
    for run in args.runs:
        label, _, rest = run.partition("=")
        code, _, corpus = rest.partition(":")
        runs.append((label, Path(code).resolve(), Path(corpus).resolve()))
    times: dict[str, list[tuple[float, float]]] = {label: [] for label, _, _ in runs}
    for number in range(args.edits):
        for label, code, corpus in runs:
            edit(corpus, f"edit-{number}-{time.time_ns()}")
            time.sleep(SETTLE_SECONDS)
            times[label].append(timed(code, corpus))
        print(f"edit {number + 1}: " + ", ".join(f"{label} {times[label][-1][0]:.2f} s" for label, _, _ in runs),
              flush=True)
    print("| run | edits | wall, median (s) | CPU, median (s) |\n|---|---|---|---|")
    for label, measured in times.items():
        print(f"| {label} | {len(measured)} | {statistics.median(w for w, _ in measured):.2f} "
              f"| {statistics.median(c for _, c in measured):.2f} |")


if __name__ == "__main__":
    main()
