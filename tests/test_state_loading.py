"""Loading the build state reads of each article only what loops over every piece use.

An edit build renders the pages of a few pieces; the rest of each article (its cold fields, one
pickle per article, and its texts, in the pack) is read back when something first asks for it
(textstore.LazyTexts, reader.Article). These tests pin that down: what a loaded article holds,
that reading a field gives exactly the original value, that an edit build unpickles only the
pieces it renders, and that an article pickled for any other purpose travels whole.
"""

from __future__ import annotations

import json
import pickle
from dataclasses import fields, replace
from pathlib import Path

import pytest

from site_builder import state as state_module
from site_builder import textstore
from site_builder.build import check
from site_builder.config import load_config
from site_builder.hashing import digest
from site_builder.reader import Article
from site_builder.state import CACHE_DIR, CACHE_FILE, BuildState

from test_incremental import assert_same_as_clean, build, make_site, replace_in

HOT = set(Article.HOT_FIELDS) | set(Article.DERIVED) | {"_stored"}


def _loaded(site: Path) -> list[Article]:
    with open(site / CACHE_DIR / CACHE_FILE, "rb") as file:
        key = pickle.load(file)[1]
    state = BuildState.load(site, key)
    return [entry.article for entry in state.article_entries().values()]


def _read_afresh(site: Path) -> dict[str, Article]:
    """Every article as the reader makes it, from the files (`check` keeps no state)."""
    collection = check(load_config(site), include_drafts=True).collection
    return {article.slug: article for article in collection.articles}


def _cold(article: Article) -> bool:
    return set(vars(article)) <= HOT


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    site = make_site(tmp_path_factory.mktemp("loading") / "site", n=12)
    build(site)
    return site


def test_a_loaded_article_holds_its_hot_fields_only(built):
    loaded = _loaded(built)
    assert loaded and all(set(vars(article)) == HOT for article in loaded)
    assert any(article.has_placed_annotations for article in loaded)  # the corpus is annotated


def test_reading_a_cold_field_gives_the_original_value_and_unpickles_that_article_only(built):
    fresh = _read_afresh(built)
    loaded = _loaded(built)
    first, others = loaded[0], loaded[1:]
    assert first.annotations == fresh[first.slug].annotations and first.annotations
    assert "claims" in vars(first) and "text_html" not in vars(first)  # the texts stay in the pack
    assert all(_cold(article) for article in others)
    for article in loaded:  # every field, cold, lazy and hot, as the reader made it
        for name in (f.name for f in fields(Article)):
            assert getattr(article, name) == getattr(fresh[article.slug], name), (article.slug, name)
        assert article == fresh[article.slug]


def test_the_derived_values_are_those_of_the_fields(built):
    fresh = _read_afresh(built)
    for article in _loaded(built):
        assert _cold(article)
        placed, newest = article.has_placed_annotations, article.newest_day
        assert _cold(article)  # answered without unpickling the annotations
        whole = fresh[article.slug]
        assert placed == any(a.span for a in whole.annotations)
        days = {whole.date, whole.provenance.imported if whole.provenance else None,
                *(c.date for c in whole.corrections), *(a.created for a in whole.annotations)} - {None}
        assert newest == max(days, default=None)


def test_an_article_pickled_for_a_worker_or_a_digest_is_whole(built):
    fresh = _read_afresh(built)
    for article in _loaded(built):
        copy = pickle.loads(pickle.dumps(article, protocol=5))
        assert "_stored" not in vars(copy) and {f.name for f in fields(Article)} <= set(vars(copy))
        assert copy == fresh[article.slug]
        assert digest(article) == digest(fresh[article.slug])  # page keys made from either agree


def test_a_replaced_article_is_whole_and_saved_afresh(built, tmp_path):
    article = _loaded(built)[0]
    changed = replace(article, title="Another title")
    assert changed.annotations == article.annotations and changed.title == "Another title"
    assert changed.has_placed_annotations == article.has_placed_annotations


def test_an_edit_build_unpickles_only_the_pieces_it_renders(tmp_path):
    site = make_site(tmp_path / "site", n=40)
    build(site)
    oldest = check(load_config(site)).collection.articles[-1]  # in no feed: its page alone shows its text
    replace_in(site / oldest.path, "## Editorial notes", "A new closing paragraph.\n\n## Editorial notes")
    report = build(site)  # loads the state the first build saved
    articles = [entry.article for entry in report.state.article_entries().values()]
    unpickled = {article.slug for article in articles if not _cold(article)}
    collection = report.collection
    shown = {oldest.slug, *(p.article.slug for p in collection.related.get(oldest.slug, ())),
             *(a.slug for a in collection.backlinks.get(oldest.slug, ()))}  # its page lists them
    assert len(articles) == 40 and unpickled <= shown and len(shown) < 10, (unpickled, shown)
    assert_same_as_clean(site, tmp_path)


def test_a_state_split_otherwise_is_read_by_its_own_layout(tmp_path, monkeypatch):
    """The saved layout names the hot and cold fields: a class split otherwise still reads it right."""
    built = make_site(tmp_path / "site", n=6)
    build(built)
    fresh = _read_afresh(built)
    saved = _loaded(built)
    monkeypatch.setattr(Article, "HOT_FIELDS", Article.HOT_FIELDS + ("outlet", "title"))
    monkeypatch.delattr(Article, "_LAYOUT")
    folder = built / CACHE_DIR
    with open(folder / CACHE_FILE, "rb") as file:
        header = pickle.load(file)
    state = BuildState.load(built, header[1])
    state._save_unlocked(folder)  # saved with titles and outlets hot: the cold pickles made again
    monkeypatch.undo()
    reloaded = [entry.article for entry in BuildState.load(built, header[1]).article_entries().values()]
    assert [a.slug for a in reloaded] == [a.slug for a in saved]
    assert all({"outlet", "title"} <= set(vars(a)) <= HOT | {"outlet", "title"} for a in reloaded)
    assert all(a == fresh[a.slug] for a in reloaded)


def test_a_state_saved_in_another_format_is_ignored(tmp_path, monkeypatch):
    site = make_site(tmp_path / "site", n=6)
    key = build(site).state.key
    path = site / CACHE_DIR / CACHE_FILE
    with open(path, "rb") as file:
        header, body = pickle.load(file), file.read()
    assert BuildState.load(site, key).article_entries()
    with open(path, "wb") as file:  # as main's code before this layout wrote it
        pickle.dump((state_module.FORMAT - 1, *header[1:]), file, protocol=5)
        file.write(body)
    assert BuildState.load(site, key).article_entries() == {}


def test_a_save_reuses_the_cold_pickles_and_texts_of_articles_it_did_not_touch(built, monkeypatch):
    made = []
    dumps = textstore.pickle.dumps
    monkeypatch.setattr(textstore.pickle, "dumps", lambda *a, **k: made.append(1) or dumps(*a, **k))
    folder = built / CACHE_DIR
    with open(folder / CACHE_FILE, "rb") as file:
        key = pickle.load(file)[1]
    before = sorted(path.stat().st_size for path in folder.glob("bodies-*.pack"))
    BuildState.load(built, key)._save_unlocked(folder)
    assert made == []
    assert sorted(path.stat().st_size for path in folder.glob("bodies-*.pack")) == before


def test_a_translation_publishes_what_it_inherits_after_an_edit_of_its_original(tmp_path):
    """The published record (the guard's baseline without git) is memoized by summary key, but not a
    translation's: its file is unchanged when its original's claims change, and it inherits them."""
    site = make_site(tmp_path / "site", n=6)
    folder = site / "content/articles"
    claim = "- id: claim-{0}\n  text: Claim {0}.\n  by: Someone\n  verdict: disputed\n"
    original = "---\ntitle: An original\noutlet: The Outlet\ndate: 2015-10-09\nclaims:\n{}---\n\nA text.\n"
    (folder / "an-original.md").write_text(original.format(claim.format(1)))
    (folder / "a-translation.md").write_text("---\ntitle: A translation\ntranslation_of: an-original\n"
                                             "language: fr\n---\n\nUn texte.\n")
    build(site)
    (folder / "an-original.md").write_text(original.format(claim.format(1) + claim.format(2)))
    build(site)
    record = json.loads((site / "build/.site-builder-build.json").read_text())["published"]
    assert record["content/articles/a-translation.md"]["verdicts"] == {"claim-1": "disputed", "claim-2": "disputed"}
    assert_same_as_clean(site, tmp_path)


def test_a_state_saved_into_a_new_pack_carries_the_cold_fields_over(tmp_path):
    site = make_site(tmp_path / "site", n=6)
    build(site)
    fresh = _read_afresh(site)
    folder = site / CACHE_DIR
    with open(folder / CACHE_FILE, "rb") as file:
        key = pickle.load(file)[1]
    state = BuildState.load(site, key)
    [old_pack] = folder.glob("bodies-*.pack")
    state._pack_name = ""  # as when the pack is mostly dead: every part is copied to a new one
    state._save_unlocked(folder)
    assert not old_pack.exists()
    loaded = [entry.article for entry in BuildState.load(site, key).article_entries().values()]
    assert loaded and all(_cold(a) and a == fresh[a.slug] for a in loaded)


def test_moving_a_loaded_articles_texts_keeps_its_cold_fields_within_reach(built, tmp_path):
    fresh = _read_afresh(built)
    article = _loaded(built)[0]
    pack = textstore._Pack(tmp_path / "other.pack", writable=True)
    article.move_to(pack)
    assert _cold(article) and article == fresh[article.slug]


def test_a_loaded_state_makes_one_object_of_equal_strings_and_dates(built):
    with open(built / CACHE_DIR / CACHE_FILE, "rb") as file:
        key = pickle.load(file)[1]
    state = BuildState.load(built, key)
    entries = list(state.article_entries().values())
    slugs = {id(entry.article.slug) for entry in entries}
    render_keys = {id(entry.render_key) for entry in entries}
    assert all(entry.link_target.date is entry.article.date for entry in entries if entry.article.date)
    assert all(entry.link_target.stance is entry.article.stance for entry in entries)
    assert len({id(entry.article.stance) for entry in entries}) == len({entry.article.stance for entry in entries})
    output = state._output
    record = output.page_keys
    assert {id(slug) for slug in record.full_keys} == slugs
    assert {id(full) for full in record.full_keys.values()} == render_keys
    assert {id(path) for path in record.plan.files} <= {id(path) for path in output.file_hashes}
    assert {id(path) for path in record.keys} <= {id(path) for path in record.plan.files}


def test_values_are_shared_only_while_a_state_is_saved_and_only_with_equals_of_their_type():
    first, second = "".join(["a", "b"]), "".join(["a", "b"])
    assert textstore.shared(second) is second  # not saving: the value itself
    textstore._saving.seen = {}
    try:
        assert textstore.shared(first) is first and textstore.shared(second) is first
        assert textstore.shared(1) == 1 and textstore.shared(True) is True  # 1 == True, yet not shared
        assert textstore.shared(["a"]) == ["a"]
    finally:
        textstore._saving.seen = None


def test_a_loaded_article_is_made_by_the_pickle_with_where_its_parts_are_as_one_bytes_object(built):
    """Its `_stored` is a plain tuple the pickle makes (no Python code runs for it), the spans
    one bytes object rather than an integer each, the pack the one the state was loaded with."""
    with open(built / CACHE_DIR / CACHE_FILE, "rb") as file:
        header = pickle.load(file)
    loaded = [entry.article for entry in BuildState.load(built, header[1]).article_entries().values()]
    stored = [vars(article)["_stored"] for article in loaded]
    assert all(type(where) is tuple and type(where[1]) is bytes for where in stored)
    assert len({id(where[0]) for where in stored}) == 1 and stored[0][0].path.name == header[2]
    assert all(article.text_html for article in loaded)  # read from where the spans say
