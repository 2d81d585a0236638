"""The staging folder's start: the spare (the build before last) is adopted only while it holds
every file recorded of it, which another process checks while the build reads and plans."""

from __future__ import annotations

import os
from pathlib import Path

from site_builder import writers
from site_builder.hashing import folder_stamp
from site_builder.writers import Spare, Staging


def _site(root: Path, files: dict[str, str]) -> None:
    for relative, text in files.items():
        (root / relative).parent.mkdir(parents=True, exist_ok=True)
        (root / relative).write_text(text)


def _with_spare(tmp_path: Path) -> tuple[Path, dict[str, str], Spare]:
    """build/ and a spare beside it that differs in one page: their records, as a build leaves them."""
    build_files = {f"articles/piece-{n}/index.html": f"piece {n}" for n in range(6)} | {"index.html": "home"}
    spare_files = dict(build_files, **{"articles/piece-2/index.html": "piece 2, before its edit"})
    _site(tmp_path / "build", build_files)
    _site(tmp_path / ".spare-build", spare_files)
    return tmp_path / "build", build_files, Spare(spare_files, folder_stamp(tmp_path / ".spare-build"))


def _files(folder: Path) -> dict[str, str]:
    return {path.relative_to(folder).as_posix(): path.read_text() for path in folder.rglob("*") if path.is_file()}


def test_the_spare_is_checked_by_another_process_while_the_build_goes_on(tmp_path, monkeypatch):
    build, previous, spare = _with_spare(tmp_path)
    asked = []
    real = writers._all_files
    monkeypatch.setattr(writers, "_all_files",
                        lambda folder, paths: asked.append(Path(folder).name) or real(folder, paths))
    with Staging(build, previous, spare=spare) as staging:
        assert asked == ["build"], "only build/'s few files are asked in this process"
        assert staging._checker is not None and staging._checker.pid != os.getpid()
        assert staging.present() == spare.hashes
        assert staging.unlike_previous() == {"articles/piece-2/index.html"}
        assert staging.previous_if_linked() == previous
        spare_files = _files(tmp_path / "build") | {"articles/piece-2/index.html": "piece 2, before its edit"}
        assert _files(staging.folder) == spare_files


def test_a_file_deleted_deep_in_the_spare_makes_the_build_link_build_instead(tmp_path):
    """Deleting a page leaves the spare's own stamp as it was: only asking for every file finds it.
    The spare is then of no use, but build/ still is: its files are linked, none rendered again."""
    build, previous, spare = _with_spare(tmp_path)
    (tmp_path / ".spare-build" / "articles" / "piece-4" / "index.html").unlink()
    assert folder_stamp(tmp_path / ".spare-build") == spare.stamp
    with Staging(build, previous, spare=spare) as staging:
        assert staging.present() == previous
        assert staging.previous_if_linked() == previous
        assert staging.unlike_previous() == frozenset()
        assert _files(staging.folder) == _files(build)
        assert os.stat(staging.folder / "index.html").st_ino == os.stat(build / "index.html").st_ino


def test_without_fork_the_spare_is_checked_in_process(tmp_path, monkeypatch):
    monkeypatch.setattr(writers, "_start_checker", lambda folder, paths: None)
    build, previous, spare = _with_spare(tmp_path)
    (tmp_path / ".spare-build" / "articles" / "piece-4" / "index.html").unlink()
    with Staging(build, previous, spare=spare) as staging:
        assert staging.present() == previous
        assert _files(staging.folder) == _files(build)
    build, previous, spare = _with_spare(tmp_path / "whole")
    with Staging(build, previous, spare=spare) as staging:
        assert staging._checker is None and staging.present() == spare.hashes


def test_the_checking_process_finds_a_missing_file_among_many(tmp_path):
    names = [f"articles/piece-{n}/index.html" for n in range(3000)] + ["ünïcode/page.html"]
    for name in names:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("")
    assert writers._start_checker(tmp_path, names).wait() == 0
    assert writers._start_checker(tmp_path, [*names, "articles/gone/index.html"]).wait() == 1
    assert writers._start_checker(tmp_path, []).wait() == 0
    assert writers._start_checker(tmp_path / "missing", names).wait() == 1
