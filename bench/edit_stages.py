"""Stage timers for one edit build, in process (gc off, state saved in the background, as the CLI does).

    cd /tmp && PYTHONPATH=CODE /path/to/.venv/bin/python /path/to/bench/edit_stages.py SITE [--pin] [--no-edit]

CODE is the copy of site_builder to measure (run from outside the repository, or the repository's
own copy is imported first). Without --no-edit, a sentence is appended to one article first, and
the harness waits past the racy-stat window, as an editor's next save would.

--pin: the code fingerprint (part of the state key) is pinned to a constant, so that a state built
by an earlier version of the code is reused after the code is edited (a full rebuild otherwise).
Build the corpus once with --pin --no-edit first. Only valid while a change keeps the output the
same; rebuild when the state's layout changes. --profile OUT writes a cProfile of the build.
"""

from __future__ import annotations

import time

IMPORT_STARTED = (time.perf_counter(), time.process_time())

import argparse  # noqa: E402 (the imports are timed)
import gc  # noqa: E402
import os  # noqa: E402
from pathlib import Path  # noqa: E402

gc.disable()  # as the command does during its imports and its build
from site_builder import build, hashing, writers  # noqa: E402
from site_builder.config import load_config  # noqa: E402

IMPORTED = (time.perf_counter() - IMPORT_STARTED[0], time.process_time() - IMPORT_STARTED[1])
STAGES = ["inputs_stamp", "read_articles", "_collection_basis", "_read_for_build", "_citations", "_plan",
          "build_info_file", "_render_and_write", "published_record"]
SETTLE_SECONDS = 2.2  # past hashing.RACY_SECONDS: a file saved more recently is read again anyway


def timed(owner: object, name: str, label: str, times: dict[str, list[float]]) -> None:
    """Replace `owner.name` by a wrapper adding its wall and CPU seconds to times[label]."""
    function = getattr(owner, name)

    def wrapper(*args, **kwargs):
        wall, cpu = time.perf_counter(), time.process_time()
        try:
            return function(*args, **kwargs)
        finally:
            total = times.setdefault(label, [0.0, 0.0])
            total[0] += time.perf_counter() - wall
            total[1] += time.process_time() - cpu

    setattr(owner, name, wrapper)


def append_sentence(site: Path, index: int) -> None:
    article = sorted((site / "content" / "articles").glob("*.md"))[index]
    text = article.read_text(encoding="utf-8")
    article.write_text(text + f"\nEdited note edit{time.time_ns()}.\n", encoding="utf-8")
    time.sleep(SETTLE_SECONDS)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("site", type=Path)
    parser.add_argument("--pin", action="store_true")
    parser.add_argument("--no-edit", action="store_true")
    parser.add_argument("--profile", type=Path)
    parser.add_argument("--index", type=int, default=5000, help="which article (in file name order)")
    args = parser.parse_args()
    if args.pin:
        build.code_fingerprint = hashing.code_fingerprint = lambda: "pinned"
    site = args.site.resolve()
    if not args.no_edit:
        append_sentence(site, args.index)
    times: dict[str, list[float]] = {}
    for name in STAGES:
        if hasattr(build, name):
            timed(build, name, name, times)
    timed(build.BuildState, "load", "state.load", times)
    timed(writers.Staging, "__init__", "Staging.__init__", times)
    config = load_config(site)
    profiler = None
    if args.profile:
        import cProfile
        profiler = cProfile.Profile()
        profiler.enable()
    wall, cpu = time.perf_counter(), time.process_time()
    report = build.build(config, build.BuildOptions(save=build.SaveState.IN_BACKGROUND))
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    if profiler:
        profiler.disable()
        profiler.dump_stats(args.profile)
    print(f"imports {IMPORTED[0]:.3f} s wall / {IMPORTED[1]:.3f} s CPU; build {wall:.3f} / {cpu:.3f}; "
          f"rendered {report.pages_rendered}, changed {report.files_changed}; load average {os.getloadavg()[0]:.1f}")
    for label, (stage_wall, stage_cpu) in sorted(times.items(), key=lambda item: -item[1][1]):
        print(f"  {label:22s} {stage_wall:.3f} {stage_cpu:.3f}")


if __name__ == "__main__":
    main()
