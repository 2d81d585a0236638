"""What an edit build works out again of the page keys, and what it takes from the last build's.

An edit build whose pieces' summaries are the last build's (incremental.PageKeys.last) keys only
the pages that may show a change. These tests check the shortcuts that spare it work over every
piece or every template: each is taken when it may be (or not, when it must not be), and build/
is then exactly what a clean build makes.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from site_builder import build as build_module
from site_builder import incremental

from test_incremental import REPO, articles, assert_same_as_clean, build, make_site, replace_in
from test_plan_kept import add_text


def append_to_notes(path: Path) -> None:
    """A sentence at the end of a piece's editorial notes: its word count (the text's), its
    provenance and its annotations stay as they were, so the data files show it as before."""
    path.write_text(path.read_text(encoding="utf-8") + "\nAn editors' note, added.\n", encoding="utf-8")


def _count_calls(monkeypatch, owner, name: str) -> list:
    calls = []
    original = getattr(owner, name)

    def counted(*args, **kwargs):
        calls.append(args)
        return original(*args, **kwargs)
    monkeypatch.setattr(owner, name, counted)
    return calls


def test_an_edit_build_reads_the_templates_only_when_the_last_keys_do_not_vouch_for_them(tmp_path, monkeypatch):
    site = make_site(tmp_path / "site", n=20)
    checked = _count_calls(monkeypatch, build_module, "theme_is_tracked")
    build(site)
    assert len(checked) == 1, "a build without a last build's keys checks the theme"
    add_text(articles(site)[2])
    report = build(site)
    assert report.plan.replanned is not None and len(checked) == 1, "the last keys' basis covers the theme"
    assert_same_as_clean(site, tmp_path)


def _show_texts_on_tag_pages(site: Path) -> None:
    """A theme that shows every piece's text on its tags' pages: the keys cannot follow it."""
    override = site / "themes" / "default" / "templates" / "tag.html"
    override.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(REPO / "themes" / "default" / "templates" / "tag.html", override)
    replace_in(override, "{% block main %}",
               "{% block main %}{% for piece in tag.articles %}{{ piece.text_html }}{% endfor %}")


def test_a_theme_the_keys_cannot_follow_is_found_on_every_build(tmp_path, monkeypatch):
    """Its keys' basis is not of a tracked theme's form, so no last build vouches for it: each
    edit build checks the theme again, plans every page, and shows the edit on the tags' pages."""
    site = make_site(tmp_path / "site", n=20)
    _show_texts_on_tag_pages(site)
    build(site)
    checked = _count_calls(monkeypatch, build_module, "theme_is_tracked")
    tagged = next(path for path in articles(site) if "\ntags:" in path.read_text(encoding="utf-8"))
    for words in ("A paragraph on the tag pages.", "Another one."):
        add_text(tagged, words)
        report = build(site)
        assert report.plan.replanned is None and len(checked) == 1
        assert any(words in page.read_text(encoding="utf-8") for page in (site / "build" / "tags").glob("*/index.html"))
        assert_same_as_clean(site, tmp_path)
        checked.clear()  # the clean build's


def test_data_files_showing_a_changed_piece_as_before_keep_their_keys_without_hashing_every_piece(tmp_path,
                                                                                                  monkeypatch):
    """A piece's data body (word count, provenance, annotations' keys) compared with the last
    build's is enough: the data files' keys are the last build's; twice in a row on one piece
    (the first edit build keeps that piece's new data body for the second)."""
    site = make_site(tmp_path / "site", n=20)
    build(site)
    hashed = _count_calls(monkeypatch, incremental.PageKeys, "_data_bodies_of")
    piece = articles(site)[4]
    for _ in range(2):
        append_to_notes(piece)
        report = build(site)
        assert report.plan.replanned is not None
        assert hashed == [], "pieces.json and .csv keep the last build's keys"
        assert_same_as_clean(site, tmp_path)
        hashed.clear()  # the clean build's


def test_a_changed_data_body_keys_the_data_files_again(tmp_path, monkeypatch):
    """A new paragraph changes the piece's word count: pieces.json and .csv show it."""
    site = make_site(tmp_path / "site", n=20)
    build(site)
    hashed = _count_calls(monkeypatch, incremental.PageKeys, "_data_bodies_of")
    add_text(articles(site)[4], "Several more words in the text itself.")
    build(site)
    assert len(hashed) == 1, "pieces.json and .csv show the same: hashed once"
    assert_same_as_clean(site, tmp_path)
    hashed.clear()  # the clean build's
    append_to_notes(articles(site)[4])  # then the data body made for it is the one to compare with
    build(site)
    assert hashed == []
    assert_same_as_clean(site, tmp_path)
