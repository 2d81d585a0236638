"""Write the built site atomically: a failed or interrupted build leaves build/ exactly as it was.

Everything is written into a fresh temporary folder beside build/; only when every file is in
place is the old build/ swapped out for it. Readers of build/ (a preview server, a deploy) never
see a half-written site.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path, PurePosixPath
from typing import Callable, Iterable

from site_builder.render import OutputFile

STAGING_PREFIX = ".build-"


def write_site(output_dir: Path, files: Iterable[OutputFile], static_dirs: list[Path],
               finish: Callable[[Path], None] | None = None) -> int:
    """Write `files` plus each theme's static/ folder to `output_dir`; return the file count.

    `static_dirs` are most specific first: a site theme's file wins over the default theme's.
    `finish` runs on the complete staging folder before it replaces `output_dir` (the search
    index is built there, so it is part of the same atomic swap).
    """
    output_dir = output_dir.resolve()
    output_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=output_dir.parent))
    try:
        count = _copy_static(static_dirs, staging / "static")
        for output in files:
            target = _inside(staging, output.path)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(output.content)
            count += 1
        if finish is not None:
            finish(staging)
        _swap_into_place(staging, output_dir)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return count


def _copy_static(static_dirs: list[Path], target: Path) -> int:
    copied: set[PurePosixPath] = set()
    for folder in static_dirs:
        if not folder.is_dir():
            continue
        for source in sorted(folder.rglob("*")):
            relative = PurePosixPath(source.relative_to(folder).as_posix())
            if source.is_file() and relative not in copied and not source.name.startswith("."):
                destination = target / relative
                destination.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(source, destination)
                copied.add(relative)
    return len(copied)


def _inside(root: Path, relative: str) -> Path:
    """Refuse output paths that would escape the build folder (a slug is never `..`, but be sure)."""
    target = (root / relative).resolve()
    if root.resolve() not in target.parents:
        raise ValueError(f"refusing to write outside the build folder: {relative}")
    return target


def _swap_into_place(staging: Path, output_dir: Path) -> None:
    """Replace output_dir by staging with two renames on the same file system."""
    staging.chmod(0o755)  # mkdtemp creates 0700; a web server must be able to read the site
    if output_dir.exists():
        retired = Path(tempfile.mkdtemp(prefix=STAGING_PREFIX + "old-", dir=output_dir.parent))
        os.replace(output_dir, retired / output_dir.name)
        os.replace(staging, output_dir)
        shutil.rmtree(retired, ignore_errors=True)
    else:
        os.replace(staging, output_dir)
