"""The build's input files: the stamp lists and stats them once, and the reader finds the articles in
that listing (hashing.inputs_stamp, reader.article_paths) exactly as a walk of the folder would."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from site_builder.config import load_config
from site_builder.hashing import InputFiles, file_stat, inputs_stamp
from site_builder.reader import article_paths

from conftest import article


def awkward_folder(site) -> Path:
    """Articles in subfolders (one hidden), scratch files, a link to a file, a broken link and a
    link to a folder (not followed), named so that a subfolder sorts among the files."""
    folder = site.root / "content" / "articles"
    for name in ("b.md", "a.md", "aa/z.md", "aa/deeper/y.md", ".x/hidden-folder.md", "_draft.md", ".hidden.md",
                 "notes.txt", "a-b.md"):
        site.write(f"content/articles/{name}", article())
    os.symlink(folder / "a.md", folder / "link.md")
    os.symlink(folder / "missing.md", folder / "broken.md")
    os.symlink(folder / "aa", folder / "linked-folder")
    return folder


def walked(top: Path) -> list[tuple]:
    """What the stamp holds of `top`, taken as the stamp always did: os.walk, names sorted."""
    entries = []
    for folder, subfolders, names in os.walk(top):
        subfolders.sort()
        for name in sorted(names):
            path = os.path.join(folder, name)
            stat = file_stat(path)
            entries.append((path, *stat) if stat else (path, None))
    return entries


def test_the_stamp_lists_every_file_as_a_walk_does(site):
    folder = awkward_folder(site)
    listed = InputFiles()
    inputs_stamp([site.root / "site.yml", site.root / "content", site.root / "missing"], "options", listed)
    expected = [(str(site.root / "site.yml"), *file_stat(site.root / "site.yml"))] + walked(site.root / "content")
    assert [(path, *stat) if stat else (path, None) for path, stat in listed.items()] == expected
    assert listed[str(folder / "broken.md")] == ()  # found, not stat-ed: the reader reports it
    assert not any("linked-folder" in path for path in listed)


def test_the_stamp_changes_with_any_file_and_not_otherwise(site):
    awkward_folder(site)
    tops = [site.root / "site.yml", site.root / "content"]
    stamp = inputs_stamp(tops, "options")
    assert inputs_stamp(tops, "options") == stamp and inputs_stamp(tops, "other options") != stamp
    site.write("content/articles/aa/deeper/x.md", article())
    assert inputs_stamp(tops, "options") != stamp


def test_the_stamp_is_the_same_in_another_process(site):
    """It is compared with the one the last build saved: nothing in it may depend on the process
    (the order of a set of the folders listed does, with each process's string hashes)."""
    awkward_folder(site)
    script = ("import sys; from pathlib import Path; from site_builder.hashing import inputs_stamp; "
              "print(inputs_stamp([Path(sys.argv[1]) / 'site.yml', Path(sys.argv[1]) / 'content'], 'options'))")
    stamps = {subprocess.run([sys.executable, "-c", script, str(site.root)], capture_output=True, text=True, check=True,
                             env={**os.environ, "PYTHONHASHSEED": seed}).stdout for seed in ("1", "2", "3")}
    assert len(stamps) == 1 and stamps != {""}
    assert stamps == {inputs_stamp([site.root / "site.yml", site.root / "content"], "options") + "\n"}
    os.utime(site.root / "content" / "articles" / "a.md", ns=(1, 1))  # the same bytes, another time
    assert inputs_stamp([site.root / "site.yml", site.root / "content"], "options") + "\n" not in stamps


def test_the_articles_are_found_in_the_stamps_listing_as_by_a_walk(site):
    folder = awkward_folder(site)
    config = load_config(site.root)
    listed = InputFiles()
    inputs_stamp([site.root / "content"], "", listed)
    found = article_paths(config, listed)
    assert found == article_paths(config)  # walked afresh
    assert [Path(path).relative_to(folder).as_posix() for path in found] == [
        ".x/hidden-folder.md", "a-b.md", "a.md", "aa/deeper/y.md", "aa/z.md", "b.md", "broken.md", "link.md"]
    assert article_paths(config, InputFiles()) == found  # a listing without the folder: walked


def test_an_edit_build_finds_articles_added_renamed_and_deleted(site, run):
    articles = site.root / "content" / "articles"

    def built() -> set[str]:
        assert run("build", "--site", site.root, "-q").code == 0
        return {path.parent.name for path in (site.build_dir / "articles").glob("*/index.html")}

    site.add_article("first", title="The first piece")
    site.add_article("second", title="The second piece")
    assert built() == {"first", "second"}
    site.add_article("third", title="The third piece")
    assert built() == {"first", "second", "third"}
    (articles / "second.md").rename(articles / "renamed.md")
    assert built() == {"first", "renamed", "third"}
    (articles / "third.md").unlink()
    assert built() == {"first", "renamed"}
    site.write("content/articles/more/fourth.md", article(title="The fourth piece"))
    assert built() == {"first", "renamed", "fourth"}
    assert "The fourth piece" in site.page("").text_content()
