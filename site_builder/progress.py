"""Progress bars for the long steps of a build, on standard error, only where someone watches."""

from __future__ import annotations

import sys

PROGRESS_AFTER_SECONDS = 1.0  # a step quicker than this shows no bar at all


class Progress:
    """A progress bar (tqdm) shown only on a terminal and only for a step that runs over a second:
    a quick incremental build prints its one summary line and nothing else."""

    def __init__(self, label: str, enabled: bool, total: int | None = None):
        self.bar = None
        if enabled and sys.stdout.isatty():
            from tqdm import tqdm

            self.bar = tqdm(total=total, desc=label, unit=" files", delay=PROGRESS_AFTER_SECONDS, leave=False,
                            file=sys.stderr)

    def tick(self, count: int) -> None:
        if self.bar is not None:
            self.bar.update(count)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()

    def __enter__(self) -> "Progress":
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()
