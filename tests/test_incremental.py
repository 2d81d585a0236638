"""Incremental builds: after every kind of change, the output is byte-identical to a clean build.

The fixture is a generated collection (bench/make_corpus.py: outlets, tags, events, claims,
related links and wikilinks). Each step changes the site, builds it incrementally (the cache and
the previous build/ in place), builds a copy of the same site from nothing, and compares the two
build/ trees file by file. Other tests check that the incremental build really did less (it
linked unchanged files instead of writing them), that a corrupted cache is ignored, and that a
failed incremental build leaves the previous build/ as it was.
"""

from __future__ import annotations

import importlib.util
import io
import json
import os
import pickle
import re
import shutil
import sys
import time
from pathlib import Path

import pytest

from site_builder import build as build_module
from site_builder import hashing, incremental, progress, reader, textstore, writers
from site_builder.build import BuildOptions, build as build_site
from site_builder.cli import main
from site_builder.config import load_config
from site_builder.errors import ContentError
from site_builder.state import CACHE_DIR, CACHE_FILE, BuildState, OutputRecord
from site_builder.writers import Spare

REPO = Path(__file__).resolve().parent.parent
ARTICLES = "content/articles"


def build(site: Path, **options):
    """A build as a library user makes one: the site's config and the options asked for."""
    return build_site(load_config(site), BuildOptions(**options))


def _make_corpus_module():
    spec = importlib.util.spec_from_file_location("make_corpus", REPO / "bench" / "make_corpus.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def make_site(root: Path, n: int = 40, search: bool = False) -> Path:
    corpus = _make_corpus_module()
    corpus.write_ours(corpus.make_corpus(n, seed=7, annotations=True), root)
    config = root / "site.yml"
    config.write_text(config.read_text().replace("search: true", f"search: {'true' if search else 'false'}"))
    return root


def tree(folder: Path, skip=lambda relative: False) -> dict[str, bytes]:
    files = {}
    for path in sorted(folder.rglob("*")):
        relative = path.relative_to(folder).as_posix()
        if path.is_file() and not skip(relative):
            files[relative] = path.read_bytes()
    return files


def clean_build_of(site: Path, scratch: Path) -> Path:
    """The same site copied without its build/ and cache, built from nothing."""
    copy = scratch / "clean"
    shutil.rmtree(copy, ignore_errors=True)
    shutil.copytree(site, copy, ignore=shutil.ignore_patterns("build", CACHE_DIR, ".trash-*", ".build-*", ".spare-*"))
    build(copy)
    return copy / "build"


def assert_same_as_clean(site: Path, scratch: Path, skip=lambda relative: False) -> None:
    incremental_files = tree(site / "build", skip)
    clean_files = tree(clean_build_of(site, scratch), skip)
    assert sorted(incremental_files) == sorted(clean_files)
    different = [path for path in clean_files if incremental_files[path] != clean_files[path]]
    assert different == []


def articles(site: Path) -> list[Path]:
    return sorted((site / ARTICLES).glob("*.md"))


def replace_in(path: Path, old: str, new: str, count: int = 1) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path.name}"
    path.write_text(text.replace(old, new, count), encoding="utf-8")


def _edit_text(site: Path) -> None:
    replace_in(articles(site)[3], "## Editorial notes", "A new closing paragraph, added by the editors.\n\n## Editorial notes")


def _annotate(site: Path) -> None:
    """An annotation on the paragraph _edit_text added: the page marks it, no other page changes."""
    replace_in(articles(site)[3], "\n---\n", "\n  - quote: added by the editors\n"
               "    note: An editors' note on their own words.\n---\n")  # the corpus's annotations come last


def _annotate_as_a_student(site: Path) -> None:
    """A second annotated piece, in a student's name: /annotations/ lists it, and each voice (the
    student, the editors) gets a page."""
    path = articles(site)[5]
    replace_in(path, "## Editorial notes", "A sentence the class discussed.\n\n## Editorial notes")
    replace_in(path, "\n---\n", "\n  - quote: the class discussed\n    note: Jo's note.\n"
               "    by: Jo Student\n---\n")


def _edit_a_note(site: Path) -> None:
    replace_in(articles(site)[5], "note: Jo's note.", "note: Jo's note, rewritten.\n    kind: question")


def _remove_annotations(site: Path) -> None:
    """Every note removed: the annotation pages and the menu's link to them go."""
    for path in articles(site):
        text = path.read_text(encoding="utf-8")
        path.write_text(re.sub(r"\nannotations:\n(?:  .*\n)+", "\n", text, count=1), encoding="utf-8")


def _retitle(site: Path) -> None:
    replace_in(articles(site)[5], "title: ", "title: Retitled ")


def _retitle_a_linked_piece(site: Path) -> None:
    """Pages whose wikilinks name it show its new title (their own files are unchanged)."""
    texts = {path: path.read_text(encoding="utf-8") for path in articles(site)}
    linked = next(path for path in texts if any(f"[[{path.stem}" in text for text in texts.values()))
    replace_in(linked, "title: ", "title: Linked and retitled ")


def _retag(site: Path) -> None:
    replace_in(articles(site)[7], "tags:\n", "tags:\n- a brand new tag\n")


def unlinked(site: Path) -> list[Path]:
    """Articles no other piece names (renaming or deleting one breaks no link)."""
    texts = {path: path.read_text(encoding="utf-8") for path in articles(site)}
    return [path for path in texts if not any(path.stem in text for other, text in texts.items() if other != path)]


def _rename(site: Path) -> None:
    path = unlinked(site)[2]
    path.rename(path.with_name("a-renamed-piece.md"))


def _delete(site: Path) -> None:
    unlinked(site)[4].unlink()


def _add(site: Path) -> None:
    target = articles(site)[0].stem
    (site / ARTICLES / "zz-new-piece.md").write_text(
        "---\ntitle: A new piece\noutlet: The Newcomer\ndate: 2016-02-03\nstance: mixed\ntags: [a brand new tag]\n"
        f"---\n\nIt links to [[{target}]].\n", encoding="utf-8")


def _outlets(site: Path) -> None:
    replace_in(site / "content" / "outlets.yml", "kind: ", "kind: renamed ")


def _site_options(site: Path) -> None:
    replace_in(site / "site.yml", "title: ", "title: Renamed ")


def _template(site: Path) -> None:
    override = site / "themes" / "default" / "templates" / "tag.html"
    override.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(REPO / "themes" / "default" / "templates" / "tag.html", override)
    replace_in(override, "{% block main %}", "{% block main %}<p class=\"override\">Overridden.</p>")


def _events(site: Path) -> None:
    """An events.yml appears: the event's pages, its pieces' pages and the lists show its title."""
    key = next(re.search(r"^event: (\S+)", path.read_text(encoding="utf-8"), re.MULTILINE).group(1)
               for path in articles(site) if "\nevent: " in path.read_text(encoding="utf-8"))
    (site / "content" / "events.yml").write_text(
        f"{key}:\n  title: An event of the editors' naming\n  description: Compare [[{unlinked(site)[0].stem}]].\n"
        "  start: 2015-10-07\n  end: 2015-10-09\n", encoding="utf-8")


def _retitle_a_piece_an_event_names(site: Path) -> None:
    replace_in(unlinked(site)[0], "title: ", "title: Named by an event, retitled ")


def _page(site: Path) -> None:
    (site / "content" / "pages").mkdir(exist_ok=True)
    (site / "content" / "pages" / "about.md").write_text(
        f"---\ntitle: About\nmenu: 1\n---\n\nStart with [[{articles(site)[1].stem}]].\n", encoding="utf-8")


def _retitle_page(site: Path) -> None:
    replace_in(site / "content" / "pages" / "about.md", "title: About", "title: About this collection")


def _correct(site: Path) -> None:
    """A correction is front matter: the piece's page, the lists that summarise it, the
    corrections page and its feed change."""
    replace_in(articles(site)[6], "\n---\n", "\ncorrections:\n  - date: 2026-01-02\n    kind: clarification\n"
               "    field: stance_notes\n    was: the old wording\n    why: The old wording overstated it.\n---\n")


def _correct_a_verdict(site: Path) -> None:
    """A verdict changed with its correction: the claim's page (its ClaimReview's dateModified too)."""
    path = next(path for path in articles(site) if "\n  verdict: disputed\n" in path.read_text(encoding="utf-8"))
    claim = re.search(r"- id: (\S+)\n(?:  .*\n)*?  verdict: disputed\n", path.read_text(encoding="utf-8")).group(1)
    replace_in(path, "\n  verdict: disputed\n", "\n  verdict: false\n")
    replace_in(path, "\n---\n", f"\ncorrections:\n  - date: 2026-01-03\n    kind: correction\n"
               f"    field: claims.{claim}.verdict\n    was: disputed\n    now: 'false'\n    why: New evidence.\n---\n")


def _correct_an_outlet(site: Path) -> None:
    text = (site / "content" / "outlets.yml").read_text(encoding="utf-8")
    first = text.splitlines()[0]
    replace_in(site / "content" / "outlets.yml", first + "\n", first + "\n  corrections:\n  - date: 2026-01-04\n"
               "    kind: update\n    field: kind\n    why: It changed hands.\n")


def _untouched_rebuild(site: Path) -> None:
    os.utime(site / "site.yml")  # a save without changes: everything is re-read, nothing rewritten


EDITS = [_edit_text, _annotate, _annotate_as_a_student, _edit_a_note, _retitle, _retitle_a_linked_piece, _retag,
         _rename, _delete, _add, _outlets, _events, _retitle_a_piece_an_event_names, _page, _retitle_page,
         _remove_annotations, _correct, _correct_a_verdict, _correct_an_outlet, _site_options, _template,
         _untouched_rebuild]


@pytest.mark.slow
@pytest.mark.parametrize("trust_stats", [False, True], ids=["fresh files", "files saved long ago"])
def test_each_incremental_build_is_byte_identical_to_a_clean_build(tmp_path, monkeypatch, trust_stats):
    if trust_stats:  # unchanged articles are then known by their stat alone, never re-read
        monkeypatch.setattr(hashing, "RACY_SECONDS", 0)
    site = make_site(tmp_path / "site")
    build(site)
    for edit in EDITS:
        edit(site)
        build(site)
        assert_same_as_clean(site, tmp_path), edit.__name__


def test_an_edit_keeping_size_and_modification_time_is_still_seen(tmp_path, monkeypatch):
    """Unchanged articles are known by their stat, not re-read; `cp -p` or `touch -r` can put back
    an edited file's size and modification time, but not its change time (ctime)."""
    monkeypatch.setattr(hashing, "RACY_SECONDS", 0)  # trust stats at once, as for files saved long ago
    site = make_site(tmp_path / "site", n=10)
    build(site)
    path = articles(site)[2]
    before, text = path.stat(), path.read_text()
    at = text.rindex("a ")
    path.write_text(text[:at] + "o" + text[at + 1:])  # same size
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert (path.stat().st_size, path.stat().st_mtime_ns) == (before.st_size, before.st_mtime_ns)
    build(site)
    assert_same_as_clean(site, tmp_path)


def test_an_edit_to_one_text_rewrites_only_that_page(tmp_path):
    """Unchanged files are the previous build's (hard-linked, same inode); the edited page is new."""
    site = make_site(tmp_path / "site", n=30)
    build(site)
    edited = articles(site)[3]
    pages = sorted((site / "build" / "articles").glob("*/index.html"))
    before = {page: page.stat().st_ino for page in pages}
    _edit_text(site)
    report = build(site)
    assert report.pages_rendered <= 3  # the article, and the pages that always change (home, 404)
    changed = [page for page in pages if page.stat().st_ino != before[page]]
    assert changed == [site / "build" / "articles" / edited.stem / "index.html"]
    assert "A new closing paragraph" in changed[0].read_text()


_ORIGINAL = "---\ntitle: An original\noutlet: The Outlet\ndate: {date}\ntags: [shared]\nclaims:\n{claims}---\n\nA text.\n"
_CLAIM = "- id: claim-{0}\n  text: Claim {0}.\n  by: Someone\n  verdict: disputed\n"


def _with_a_translation(site: Path, date: str = "2015-10-09", claims: str = _CLAIM.format(1)) -> Path:
    """An original and its translation, which states neither date nor claims (it inherits them)
    and has a tag of its own (so a page lists it without its original). The original's path."""
    folder = site / ARTICLES
    (folder / "a-translation.md").write_text("---\ntitle: A translation\ntranslation_of: an-original\n"
                                             "language: fr\ntags: [only-in-french]\n---\n\nUn texte.\n")
    original = folder / "an-original.md"
    original.write_text(_ORIGINAL.format(date=date, claims=claims))
    return original


def test_a_translation_s_data_rows_follow_its_original_s_claims(tmp_path):
    """data/pieces.* show a translation's inherited claims: its row is made again when only its
    original's file changed (the rows are kept by each piece's full key, which covers its original)."""
    site = make_site(tmp_path / "site", n=6)
    original = _with_a_translation(site)
    build(site)
    original.write_text(_ORIGINAL.format(date="2015-10-09", claims=_CLAIM.format(1) + _CLAIM.format(2)))
    build(site)
    rows = {row["slug"]: row for row in json.loads((site / "build/data/pieces.json").read_text())["pieces"]}
    assert [claim["id"] for claim in rows["a-translation"]["claims"]] == ["claim-1", "claim-2"]
    assert_same_as_clean(site, tmp_path)


def test_a_translation_s_citations_and_listings_follow_its_original_s_date(tmp_path):
    """A translation's summary and citations, kept by its full key, are made again when its
    original's date changes: its citation files and the tag page listing it alone show the new date."""
    site = make_site(tmp_path / "site", n=6)
    original = _with_a_translation(site)
    build(site)
    original.write_text(_ORIGINAL.format(date="2016-11-10", claims=_CLAIM.format(1)))
    build(site)
    assert "2016" in (site / "build/articles/a-translation/a-translation.bib").read_text()
    assert_same_as_clean(site, tmp_path)


def test_nothing_changed_means_nothing_done(tmp_path):
    site = make_site(tmp_path / "site", n=10)
    build(site)
    folder = (site / "build").stat().st_ino
    report = build(site)
    assert report.collection is None  # not even read
    assert (site / "build").stat().st_ino == folder


def test_parallel_and_serial_clean_builds_are_identical(tmp_path, monkeypatch):
    site = make_site(tmp_path / "site", n=30)
    build(site, jobs=1)
    serial = tree(site / "build")
    shutil.rmtree(site / "build")
    shutil.rmtree(site / CACHE_DIR)
    monkeypatch.setattr(reader, "_PARALLEL_FROM", 2)
    monkeypatch.setattr(incremental, "_PARALLEL_FROM", 2)
    build(site, jobs=2)
    assert tree(site / "build") == serial


@pytest.mark.parametrize("damage", [b"", b"not a pickle at all", b"\x80\x05truncated"])
def test_a_corrupted_cache_is_ignored(tmp_path, damage):
    site = make_site(tmp_path / "site", n=10)
    build(site)
    _edit_text(site)
    (site / CACHE_DIR / CACHE_FILE).write_bytes(damage)
    build(site)
    assert_same_as_clean(site, tmp_path)


def _pack(site: Path) -> Path:
    [pack] = (site / CACHE_DIR).glob("bodies-*.pack")
    return pack


@pytest.mark.parametrize("damage", ["deleted", "truncated"])
def test_a_damaged_body_pack_is_ignored(tmp_path, damage):
    """The article bodies live in a pack beside the cache's pickle; without it the cache is unusable."""
    site = make_site(tmp_path / "site", n=10)
    build(site)
    _edit_text(site)
    pack = _pack(site)
    if damage == "deleted":
        pack.unlink()
    else:
        pack.write_bytes(pack.read_bytes()[: pack.stat().st_size // 2])
    build(site)
    assert_same_as_clean(site, tmp_path)


def test_the_body_pack_is_rewritten_when_mostly_dead(tmp_path, monkeypatch):
    """Each edit appends the new body to the pack; once more of it is dead than alive it starts afresh."""
    monkeypatch.setattr(textstore, "_COMPACT_SLACK", 0)
    site = make_site(tmp_path / "site", n=6)
    build(site)
    live = _pack(site).stat().st_size
    sizes, names = [], set()
    for _ in range(10):  # enough edits to kill more than is alive (bodies, citations)
        _edit_text(site)
        build(site)
        sizes.append(_pack(site).stat().st_size)
        names.add(_pack(site).name)
    assert max(sizes) <= 2 * live * 1.2 and len(names) > 1, (live, sizes)
    assert_same_as_clean(site, tmp_path)


@pytest.mark.slow  # about 3 s: four builds, each save slowed by 0.5 s
def test_the_command_saves_the_cache_in_the_background_and_the_next_build_waits_for_it(tmp_path, capsys,
                                                                                       monkeypatch):
    saving = BuildState._save_unlocked

    def slow_save(*args):  # a large site's save: the next build starts long before it is done
        time.sleep(0.5)
        saving(*args)

    monkeypatch.setattr(BuildState, "_save_unlocked", slow_save)
    site = make_site(tmp_path / "site", n=40)
    for _ in range(3):  # each build starts while the last one's cache may still be being written
        assert main(["build", "--site", str(site), "-q"]) == 0
        _edit_text(site)
    assert main(["build", "--site", str(site)]) == 0
    changed = int(re.search(r"(\d+) changed", capsys.readouterr().out).group(1))
    # 5 before /data/, then pieces.json and pieces.csv too (the edited piece's word count)
    assert changed <= 7, "incremental: it found the cache saved by the build before"
    assert_same_as_clean(site, tmp_path)


def test_a_page_deleted_from_build_by_hand_comes_back(tmp_path):
    """The build's record of build/ is trusted only while every file in it is still there."""
    site = make_site(tmp_path / "site", n=10)
    build(site)
    page = sorted((site / "build" / "articles").glob("*/index.html"))[0]
    page.unlink()
    _edit_text(site)
    build(site)
    assert page.is_file()
    assert_same_as_clean(site, tmp_path)


def test_the_first_edit_after_a_clean_build_starts_from_a_spare_as_later_ones_do(tmp_path, monkeypatch):
    """A clean build replaces no build whose files it knows: it links its own files beside build/
    as the spare, so the first edit build renames that into place and links no file anew."""
    site = make_site(tmp_path / "site", n=12, search=True)
    build(site)
    spare, output = site / ".spare-build", site / "build"
    assert tree(spare, skip=lambda relative: False).keys() == tree(output).keys()
    page = sorted(output.glob("articles/*/index.html"))[0]
    assert (spare / page.relative_to(output)).stat().st_ino == page.stat().st_ino  # linked, not copied
    linkers = []
    monkeypatch.setattr(writers, "_fork_linker", lambda *args: linkers.append(args) or 0)
    kept = spare.stat().st_ino
    _edit_text(site)
    first = build(site)
    assert linkers == [] and output.stat().st_ino == kept, "started from the spare"
    assert_same_as_clean(site, tmp_path, skip=lambda relative: relative.startswith("pagefind/"))
    _edit_text(site)  # the same edit again: a later edit build renders as much as the first
    assert build(site).pages_rendered == first.pages_rendered and linkers == []


def test_the_build_before_last_is_the_next_staging_folder(tmp_path):
    """A swap keeps the replaced build beside build/ (the spare); the next build starts from it
    and changes only what differs, instead of linking every file anew. Whatever happened to the
    spare or to build/ meanwhile, the result is the clean build's."""
    site = make_site(tmp_path / "site", n=12, search=True)
    spare = site / ".spare-build"
    build(site)
    assert spare.is_dir(), "a clean build leaves its own files as the spare"
    for step in range(3):
        _edit_text(site) if step % 2 == 0 else _retitle(site)
        kept = spare.stat().st_ino
        build(site)
        assert (site / "build").stat().st_ino == kept, "the spare became build/"
        assert spare.is_dir()
        assert_same_as_clean(site, tmp_path, skip=lambda relative: relative.startswith("pagefind/"))
        index = site / "build" / "pagefind"
        if _search_manifest(site)["delta"]:  # a text edit; a new title changes most pages here
            assert len(_fragments(index / "delta" / "en")) == 1 and len(_fragments(index / "base" / "en")) == 12
        else:
            assert not (index / "delta").exists() and len(_fragments(index / "base" / "en")) == 12

    shutil.rmtree(spare / "articles")  # a spare someone deleted from is not used
    _edit_text(site)
    build(site)
    assert_same_as_clean(site, tmp_path, skip=lambda relative: relative.startswith("pagefind/"))
    page = sorted((site / "build" / "articles").glob("*/index.html"))[1]
    page.unlink()  # nor is build/'s record, once a page is gone from it
    _edit_text(site)
    build(site)
    assert page.is_file()
    assert_same_as_clean(site, tmp_path, skip=lambda relative: relative.startswith("pagefind/"))


def test_a_page_deleted_deep_in_the_spare_is_noticed(tmp_path):
    """Deleting a page from the spare leaves the spare folder's own stamp as it was: the check of
    every file (in another process) finds it, and the build starts from build/'s files instead."""
    site = make_site(tmp_path / "site", n=12)
    build(site)
    for _ in range(2):
        _edit_text(site)
        build(site)
    spare = site / ".spare-build"
    stamp = spare.stat().st_mtime_ns
    sorted(spare.glob("articles/*/index.html"))[7].unlink()  # not the edited piece's: _edit_text edits [3]
    assert spare.stat().st_mtime_ns == stamp
    _edit_text(site)
    build(site)
    assert_same_as_clean(site, tmp_path)
    _edit_text(site)
    build(site)  # and the spare the next build leaves is whole again
    assert_same_as_clean(site, tmp_path)


def test_text_edits_reuse_the_collection_and_every_page_shows_the_new_texts(tmp_path, monkeypatch):
    """With every piece's front matter as before, the last build's collection is reused (it is
    made from front matter); the texts must still be this build's everywhere, feeds included."""
    site = make_site(tmp_path / "site", n=12)
    build(site)
    made = []
    real = build_module.build_collection
    monkeypatch.setattr(build_module, "build_collection", lambda *args, **kwargs: made.append(1) or real(*args, **kwargs))
    for path in articles(site):
        replace_in(path, "## Editorial notes", "A paragraph added to every text.\n\n## Editorial notes")
    build(site)
    assert made == [], "the collection was reused"
    assert b"A paragraph added to every text." in (site / "build" / "feed.xml").read_bytes()
    assert_same_as_clean(site, tmp_path)
    made.clear()  # (the clean build compared with made one)
    _retitle(site)
    build(site)
    assert made == [1], "a new title: the collection is made again"
    assert_same_as_clean(site, tmp_path)


def test_the_spare_is_saved_as_its_difference_from_build():
    """The state keeps the spare's files as they differ from build/'s (an edit build changes
    few), not the whole list again, and loads it back whole."""
    build_files = {f"articles/piece-{n}/index.html": f"{n:064x}" for n in range(2000)}
    spare_files = dict(build_files, **{"articles/piece-7/index.html": "e" * 64, "articles/gone/index.html": "f" * 64})
    del spare_files["articles/piece-9/index.html"]  # a piece added since
    record = OutputRecord(None, build_files, (1, 2, 3), Spare(spare_files, (4, 5, 6)))
    saved = pickle.dumps(record)
    assert pickle.loads(saved) == record
    assert len(saved) < 1.1 * len(pickle.dumps(build_files))


def test_a_site_whose_cache_cannot_be_written_still_builds(tmp_path):
    """Bodies go to the cache's pack while articles are read; without a cache folder they stay in memory."""
    site = make_site(tmp_path / "site", n=10)
    (site / CACHE_DIR).write_text("a file where the cache folder would go")
    build(site)
    assert_same_as_clean(site, tmp_path)
    _edit_text(site)
    build(site)
    assert_same_as_clean(site, tmp_path)


def test_a_failed_incremental_build_leaves_the_previous_build(tmp_path):
    site = make_site(tmp_path / "site", n=10)
    build(site)
    before = tree(site / "build")
    replace_in(articles(site)[2], "date: ", "date: not-a-date ")
    with pytest.raises(ContentError):
        build(site)
    assert tree(site / "build") == before
    replace_in(articles(site)[2], "date: not-a-date ", "date: ")
    _edit_text(site)
    build(site)
    assert_same_as_clean(site, tmp_path)


def _search_manifest(site: Path) -> dict:
    """The list of base/'s superseded pages and the delta's presence, as pagefind/pagefind.js has them."""
    module = (site / "build" / "pagefind" / "pagefind.js").read_text()
    return json.loads(re.search(r"const MANIFEST = (?:/\*MANIFEST\*/)?(\{.*\});", module).group(1))


def _fragments(folder: Path) -> set[str]:
    return {path.name for path in (folder / "fragment").iterdir()} if folder.is_dir() else set()


@pytest.mark.slow
def test_an_edit_indexes_only_the_changed_page_for_search(tmp_path):
    """Pagefind cannot update an index, and re-indexing every page took 35 s at N=10,000: an
    edit is indexed on its own (pagefind/delta/) and the full index (base/) is linked as it was.
    tests/test_search.py checks in a browser that searches then answer as a clean build's do."""
    site = make_site(tmp_path / "site", n=20, search=True)
    build(site)
    index = site / "build" / "pagefind"
    base_entry = (index / "base" / "en" / "pagefind-entry.json").stat().st_ino
    before = _fragments(index / "base" / "en")
    assert len(before) == 20 and not (index / "delta").exists()
    assert _search_manifest(site) == {"delta": False, "superseded": [], "changed": [], "sortKeys": {},
                                      "languages": ["en"], "deltaLanguages": []}

    _edit_text(site)
    build(site)
    assert (index / "base" / "en" / "pagefind-entry.json").stat().st_ino == base_entry, "base/ is linked, not redone"
    assert _fragments(index / "base" / "en") == before
    assert len(_fragments(index / "delta" / "en")) == 1, "only the edited article is indexed"
    manifest = _search_manifest(site)
    assert manifest["delta"] and len(manifest["superseded"]) == 1
    assert f"{manifest['superseded'][0]}.pf_fragment" in before, "its old version in base/ is dropped"
    assert list(manifest["sortKeys"]["date"].values()) == [_front_matter_date(articles(site)[3])]
    assert_same_as_clean(site, tmp_path, skip=lambda relative: relative.startswith("pagefind/"))

    delta_entry = (index / "delta" / "en" / "pagefind-entry.json").stat().st_ino
    os.utime(site / "site.yml")  # everything re-read, no page changes: the index is linked, not redone
    build(site)
    assert (index / "delta" / "en" / "pagefind-entry.json").stat().st_ino == delta_entry

    for path in articles(site)[:12]:  # most of the site changes: everything is indexed afresh
        replace_in(path, "## Editorial notes", "Another paragraph.\n\n## Editorial notes")
    build(site)
    assert not (index / "delta").exists() and _search_manifest(site)["superseded"] == []
    assert len(_fragments(index / "base" / "en")) == 20 and _fragments(index / "base" / "en") != before


@pytest.mark.slow
def test_full_search_makes_the_index_whole_again(tmp_path):
    """`build --full-search` (before publishing): no page indexed apart, even when nothing changed
    since the build that indexed an edit apart (the no-change shortcut must not skip it)."""
    site = make_site(tmp_path / "site", n=20, search=True)
    build(site)
    _edit_text(site)
    build(site)
    index = site / "build" / "pagefind"
    assert (index / "delta").is_dir()

    assert main(["build", "--site", str(site), "--quiet", "--full-search"]) == 0
    assert not (index / "delta").exists() and _search_manifest(site)["superseded"] == []
    assert len(_fragments(index / "base" / "en")) == 20
    whole = (index / "base" / "en" / "pagefind-entry.json").stat().st_ino

    build(site, full_search=True)  # already whole, nothing changed: linked as it is
    assert (index / "base" / "en" / "pagefind-entry.json").stat().st_ino == whole
    _edit_text(site)
    build(site, full_search=True)  # an edit: everything indexed afresh, not apart
    assert not (index / "delta").exists() and (index / "base" / "en" / "pagefind-entry.json").stat().st_ino != whole


def _front_matter_date(path: Path) -> str:
    return re.search(r"^date: *'?([0-9-]+)", path.read_text(), re.MULTILINE).group(1)


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize("terminal", [True, False])
def test_a_progress_bar_shows_only_on_a_terminal(tmp_path, monkeypatch, capsys, terminal):
    site = make_site(tmp_path / "site", n=10)
    monkeypatch.setattr(progress, "PROGRESS_AFTER_SECONDS", 0)  # a real build of 10 pieces is quicker
    if terminal:
        monkeypatch.setattr(sys, "stdout", _Terminal())
    assert main(["build", "--site", str(site)]) == 0
    err = capsys.readouterr().err
    assert ("Rendering" in err and "files" in err) is terminal, err
