"""One edit build of a built site, in this process, with its CPU time (and a cProfile if asked).

    PYTHONPATH=CODE .venv/bin/python bench/edit_build.py SITE notes|text|none [--profile OUT] [--index 5000]

`notes` appends a sentence to an article (the corpus's articles end with their editorial notes);
`text` adds one at the start of its body, which changes its word count and moves its annotations
(pieces.json, pieces.csv and annotations.csv are made again). The build runs in process, as
`build(load_config(SITE), BuildOptions())` (the command's run() ends with os._exit), state saved
before it returns. PYTHONPATH chooses the copy of site_builder to measure.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import time
from pathlib import Path


def edit(article: Path, kind: str) -> None:
    text, marker = article.read_text(encoding="utf-8"), f"edit{time.time_ns()}"
    if kind == "notes":
        text += f"\nEdited note {marker}.\n"
    elif kind == "text":
        end = text.index("\n---\n", 4) + 5  # the end of the front matter
        text = text[:end] + f"\nAn added sentence {marker} here.\n" + text[end:]
    article.write_text(text, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("site", type=Path)
    parser.add_argument("kind", choices=["notes", "text", "none"])
    parser.add_argument("--profile", type=Path)
    parser.add_argument("--index", type=int, default=5000, help="which article (in file name order)")
    args = parser.parse_args()
    from site_builder.build import BuildOptions, build  # from PYTHONPATH's copy
    from site_builder.config import load_config

    site = args.site.resolve()
    edit(sorted((site / "content" / "articles").glob("*.md"))[args.index], args.kind)
    config = load_config(site)
    profiler = cProfile.Profile() if args.profile else None
    cpu, wall = time.process_time(), time.perf_counter()
    if profiler:
        profiler.enable()
    report = build(config, BuildOptions())
    if profiler:
        profiler.disable()
        profiler.dump_stats(args.profile)
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    print(f"{args.kind}: cpu {cpu:.3f} s wall {wall:.3f} s rendered {report.pages_rendered} "
          f"changed {report.files_changed} load {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
