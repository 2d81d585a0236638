"""Annotations as readers meet them, in a real browser: the note tied to its highlighted passage,
beside it in the margin on a wide screen, right after it on a phone and on paper, and reachable
from the keyboard. No JavaScript is needed for any of it."""

from __future__ import annotations

import pytest

from conftest import Site, article
from webserver import serve

ANNOTATIONS = """\
annotations:
  - quote: about 20 sorties
    note: The ministry's own figure.
    kind: context
  - quote: "sorties and hit 12 targets, the Russian Defense Ministry said. Securing"
    note: A passage across a link, emphasis and a paragraph's end.
    by: Jo Student
  - quote: about 20 sorties
    note: A second note on the same words.
    kind: question
"""
BODY = """\
Russia’s warplanes made about 20 sorties and hit 12 targets, the [Russian *Defense Ministry*](https://example.org) said.

Securing the coastal province has emerged as a major objective of the Russian air offensive that began on September
30 in support of government forces, and one the ministry returns to in every briefing it gives.

""" + "\n\n".join(["The observatory and other activists said a military helicopter was downed in northern Hama, "
                   "and that the fighting went on through the night."] * 6)


@pytest.fixture(scope="module")
def annotated_url(tmp_path_factory):
    from site_builder.cli import main

    site = Site(tmp_path_factory.mktemp("annotated") / "site")
    site.write("site.yml", "title: Annotated\n")
    site.write("content/articles/piece.md", article(body=BODY).replace("---\n\n", ANNOTATIONS + "---\n\n", 1))
    assert main(["build", "--site", str(site.root), "-q"]) == 0
    with serve(site.build_dir) as base:
        yield base + "articles/piece/"


@pytest.fixture
def tab(browser):
    contexts = []

    def open_tab(url: str, width: int = 1280, **options):
        context = browser.new_context(viewport={"width": width, "height": 900}, java_script_enabled=False, **options)
        contexts.append(context)
        page = context.new_page()
        page.goto(url)
        return page

    yield open_tab
    for context in contexts:
        context.close()


def box(page, selector: str) -> dict:
    return page.locator(selector).first.bounding_box()


def test_each_mark_points_at_a_note_that_holds_its_text(tab, annotated_url):
    page = tab(annotated_url)
    pairs = page.eval_on_selector_all("mark", """marks => marks.map(m => {
        const note = document.getElementById(m.getAttribute('aria-details'));
        return [m.dataset.annotation, note && note.dataset.annotation, note && note.textContent];
    })""")
    assert len(pairs) >= 6, "one mark per piece of each passage"
    for annotation, noted, text in pairs:
        assert annotation == noted and text, f"{annotation}: its note exists"
    notes = page.eval_on_selector_all(".annotation-note", "ns => ns.map(n => n.textContent)")
    assert len(notes) == 3, "each note once"
    assert any("The ministry's own figure." in n and "Editors' note" in n for n in notes)
    assert any("Note by Jo Student" in n for n in notes), "a named annotator's words say whose they are"


def test_on_a_wide_screen_the_note_sits_in_the_margin_beside_its_passage(tab, annotated_url):
    page = tab(annotated_url, 1280)
    text, mark, note = box(page, ".article-text > p"), box(page, "mark"), box(page, ".annotation-note")
    assert note["x"] >= text["x"] + text["width"], "in the right margin"
    assert abs(note["y"] - mark["y"]) < 2 * mark["height"], "level with its passage"


def test_on_a_phone_the_note_comes_right_after_its_passage_in_the_text_column(tab, annotated_url):
    page = tab(annotated_url, 375)
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    text, mark, note = box(page, ".article-text > p"), box(page, "mark"), box(page, ".annotation-note")
    assert note["y"] >= mark["y"] + mark["height"] - 1, "below its passage"
    assert note["y"] - (mark["y"] + mark["height"]) < 3 * mark["height"], "right after it"
    assert text["x"] <= note["x"] and note["x"] + note["width"] <= text["x"] + text["width"] + 1, "in the column"


def test_printed_the_notes_are_shown_after_their_passages(tab, annotated_url):
    page = tab(annotated_url, 1280)
    page.emulate_media(media="print")
    notes = page.locator(".annotation-note")
    assert notes.count() == 3 and all(notes.nth(i).is_visible() for i in range(3))
    mark, note = box(page, "mark"), box(page, ".annotation-note")
    assert note["y"] >= mark["y"], "after its passage, not in a margin paper lacks"


def test_the_keyboard_reaches_each_note_from_its_passage(tab, annotated_url):
    page = tab(annotated_url, 1280)
    note_ids = page.eval_on_selector_all(".annotation-note", "ns => ns.map(n => n.id)")
    reached = []
    for _ in range(40):
        page.keyboard.press("Tab")
        href = page.evaluate("document.activeElement.getAttribute('href') || ''")
        if href.startswith("#annotation-"):
            reached.append(href[1:])
            assert "note" in page.evaluate("document.activeElement.textContent").lower(), "it says where it leads"
            if len(reached) == len(note_ids):
                break
    assert reached == note_ids, "one stop per note, in reading order"
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == f"#{note_ids[-1]}"
    assert page.evaluate(f"document.getElementById('{note_ids[-1]}').matches(':target')")
