"""What /data/ costs a build: each step of the export timed on a built corpus (issue 21).

    PYTHONPATH=. .venv/bin/python bench/data_export.py SITE [--repeat 5]

SITE is a site built once already (e.g. `bench/make_corpus.py 10000 SITE`, then `build`): a
build in this process, which nothing changed, loads the collection from the build state; then
each step is timed alone (best of `--repeat`, CPU time of this process):

- planning the data files (the date of the data, the pieces each job declares, the schemas) and
  their dependency keys, which every build does;
- making each dataset's records, then its CSV and its JSON from them (a build makes the records
  once for both), which a clean build does for all of them and an edit build only for those
  showing something the edit changed (a sentence added to a text changes its word count, so
  pieces.json and pieces.csv; an edit to front matter, the files showing it).
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from site_builder.build import BuildOptions, build
from site_builder.config import load_config
from site_builder.data_export import plan_data
from site_builder.data_memo import RowMemo
from site_builder.datasets import DATASETS
from site_builder.incremental import PageKeys
from site_builder.render import PageKind, planned_paths


def best_of(repeat: int, step) -> float:
    times = []
    for _ in range(repeat):
        start = time.process_time()
        step()
        times.append(time.process_time() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("site", type=Path)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    config = load_config(args.site)
    report = build(config, BuildOptions(skip_if_unchanged=False, jobs=1))
    state = report.state
    collection = state._read.collection.collection  # noqa: SLF001 (a benchmark may look inside)
    print(f"{len(collection.articles):,} pieces, {len(collection.claims):,} claims, "
          f"{len(collection.outlets):,} outlets, {len(collection.events):,} events")
    planned = planned_paths(report.plan.items)  # a plan made from the last one keeps files (KeptFiles)
    items, _ = plan_data(collection, config, planned)
    jobs = [item for item in items if getattr(item, "kind", None) is PageKind.DATA]
    print(f"plan the data files: {best_of(args.repeat, lambda: plan_data(collection, config, planned)):.3f} s")
    page_keys = []

    def keys() -> None:
        for job in jobs:
            page_keys[-1].of(job)
    spent = []
    for _ in range(args.repeat):  # a PageKeys of its own each time: it remembers what it hashed
        page_keys.append(PageKeys(collection, "site", state.full_keys(), True, state.summary_memo()))
        spent.append(best_of(1, keys))
    print(f"their keys (a build keys them anyway; here, nothing from a last build): {min(spent):.3f} s")
    total = 0.0
    for dataset in DATASETS:
        def make(memo=None, dataset=dataset):
            items, _ = plan_data(collection, config, planned, memo)
            return [item.context["make"]() for item in items if getattr(item, "kind", None) is PageKind.DATA
                    and item.subject.dataset == dataset.name]
        spent = best_of(args.repeat, make)
        total += spent
        print(f"{dataset.name}: every record, JSON and CSV: {spent:.3f} s "
              f"({sum(map(len, make())):,} bytes), with the planning above")
        if dataset.pieces is not None:
            with tempfile.TemporaryDirectory() as folder:  # the memo's file: read, and written again each time
                memo = RowMemo(Path(folder), "bench", state.full_keys())
                make(memo)
                edited = collection.articles[len(collection.articles) // 2].slug

                def edit_and_make(edits=iter(range(1_000_000))) -> None:  # a new key each time: made again
                    memo.full_keys[edited] = f"edited {next(edits)}"
                    make(memo)
                print(f"{dataset.name}: one record changed since the last build: "
                      f"{best_of(args.repeat, edit_and_make):.3f} s")
    print(f"every data file: {total:.3f} s")

if __name__ == "__main__":
    main()
