"""Anchored annotations: declared beside the text, checked at their line, highlighted on the page.

The highlighting is a pure function of the text's HTML and the placed annotations, tested here
on small fragments; the checks and the page are tested on small sites built for real.
"""

from __future__ import annotations

import random
import re

import pytest
from lxml import etree
from lxml import html as lxml_html

from conftest import article
from site_builder.anchoring import TextQuote
from site_builder.annotations import Annotation, _Squeezed, default_id, highlight, plain_text
from site_builder.markup import plain_paragraph

TEXT = ('<p>Russia’s warplanes made about 20 sorties and hit 12 targets, the '
        '<a href="https://example.org">Russian <em>Defense Ministry</em></a> said.</p>\n'
        '<p>Securing the coastal province has emerged as an objective.</p>\n'
        '<h2 id="next">A heading about sorties</h2>\n'
        '<ul>\n<li>first item</li>\n<li>second item</li>\n</ul>')


def placed(quote: str, note: str = "A note.", *, id: str = "", occurrence: int = 0, **fields) -> Annotation:
    """An annotation placed on the `occurrence`-th place `quote` is in the text."""
    text, start = plain_text(TEXT), -1
    for _ in range(occurrence + 1):
        start = text.index(quote, start + 1)
    return Annotation(id=id or default_id(TextQuote(quote)), quote=TextQuote(quote), note=note,
                      note_html=f"<p>{note}</p>", kind=fields.pop("kind", "comment"), span=(start, start + len(quote)),
                      **fields)


def parsed(fragment: str):
    return lxml_html.fragment_fromstring(fragment, create_parent="div")


def marks_of(root, annotation: Annotation) -> list:
    return root.xpath(f"//mark[@data-annotation='{annotation.id}']")


def test_the_plain_text_is_what_a_reader_reads_without_the_notes_or_sidenote_copies():
    text = plain_text(TEXT)
    assert text.startswith("Russia’s warplanes made about 20 sorties")
    assert "the Russian Defense Ministry said.\n" in text, "text inside links and emphasis, in order"
    footnoted = '<p>Text<sup id="fnref:1"><a href="#fn:1">1</a></sup><span class="sidenote" aria-hidden="true">Copy</span>.</p>'
    assert plain_text(footnoted) == "Text1.", "the sidenote is a copy of the footnote"


def test_a_passage_inside_a_paragraph_is_marked_and_its_note_follows_it():
    sorties = placed("about 20 sorties", "The ministry's own figure.", kind="context")
    result = highlight(TEXT, [sorties])
    root = parsed(result)
    [mark] = marks_of(root, sorties)
    assert mark.text == "about 20 sorties" and mark.get("aria-details") == f"annotation-{sorties.id}"
    ref, note = mark.getnext(), mark.getnext().getnext()
    assert ref.tag == "sup" and ref.cssselect("a")[0].get("href") == f"#annotation-{sorties.id}"
    assert note.get("id") == f"annotation-{sorties.id}" and note.get("role") == "note"
    assert note.cssselect(".annotation-label")[0].text_content() == "1 Editors' note · context"
    assert note.cssselect(".annotation-body")[0].text_content() == "The ministry's own figure."
    assert note.tail == " and hit 12 targets, the ", "the text goes on after the note"
    assert plain_text(result) == plain_text(TEXT), "the outlet's words are unchanged"


def test_a_passage_across_a_link_emphasis_and_a_paragraph_end_is_marked_piece_by_piece():
    long = placed("the Russian Defense Ministry said. Securing the".replace(". ", ".\n"))
    root = parsed(highlight(TEXT, [long]))
    pieces = marks_of(root, long)
    assert [m.text for m in pieces] == ["the ", "Russian ", "Defense Ministry", " said.", "Securing the"]
    assert [m.getparent().tag for m in pieces] == ["p", "a", "em", "p", "p"], "each mark inside its own element"
    assert not root.xpath("/div/mark"), "the line break between paragraphs is not marked"
    [note] = root.cssselect(".annotation-note")
    assert note.getparent().tag == "p" and note.getprevious().getprevious() is pieces[-1], "after its last words"


def test_a_note_on_words_in_a_link_or_heading_goes_after_the_link_or_heading():
    ministry, heading = placed("Defense Ministry"), placed("sorties", occurrence=1)
    root = parsed(highlight(TEXT, [ministry, heading]))
    notes = root.cssselect(".annotation-note")
    assert [n.getprevious().getprevious().tag for n in notes] == ["a", "h2"]
    assert not root.cssselect("a .annotation-note, h2 .annotation-note, a .annotation-ref")


def test_overlapping_and_nested_passages_nest_their_marks_and_show_each_note_once():
    outer = placed("made about 20 sorties and hit")
    inner = placed("20 sorties")
    across = placed("sorties and hit 12 targets")
    result = highlight(TEXT, [across, inner, outer])
    root = parsed(result)
    assert [n.get("data-annotation") for n in root.cssselect(".annotation-note")] == [inner.id, outer.id, across.id]
    assert "".join(m.text_content() for m in marks_of(root, outer)) == "made about 20 sorties and hit"
    assert "".join(m.text_content() for m in marks_of(root, across)) == "sorties and hit 12 targets"
    sorties = [m for m in root.iter("mark") if m.text == "sorties"][0]
    covering = {sorties.get("data-annotation")} | {m.get("data-annotation") for m in sorties.iterancestors("mark")}
    assert covering == {outer.id, inner.id, across.id}, "the words all three quote are in three nested marks"
    assert plain_text(result) == plain_text(TEXT)
    etree.fromstring(f"<div>{result}</div>".replace("&nbsp;", " "))  # well-formed: every element closed in order


def test_several_notes_on_one_passage_each_appear_once_in_order():
    first, second = placed("about 20 sorties", "First."), placed("about 20 sorties", "Second.", id="second",
                                                                   by="Jane Doe")
    root = parsed(highlight(TEXT, [first, second]))
    notes = root.cssselect(".annotation-note")
    assert [n.cssselect(".annotation-body")[0].text_content() for n in notes] == ["First.", "Second."]
    assert notes[1].cssselect(".annotation-label")[0].text_content() == "2 Note by Jane Doe · comment"
    [piece] = [m for m in root.iter("mark") if m.text == "about 20 sorties"]
    assert {piece.get("aria-details"), piece.getparent().get("aria-details")} == {f"annotation-{first.id}",
                                                                                "annotation-second"}


def test_a_passage_across_list_items_marks_no_whitespace_between_them():
    items = placed("first item\nsecond")
    root = parsed(highlight(TEXT, [items]))
    assert [m.getparent().tag for m in marks_of(root, items)] == ["li", "li"]
    assert all(child.tag == "li" for child in root.cssselect("ul")[0]), "nothing but list items in the list"


def test_a_note_keeps_its_blocks_as_spans_inside_the_paragraph():
    note = placed("about 20 sorties")
    note = Annotation(**{**note.__dict__, "note_html": "<p>One.</p>\n<ul>\n<li>a</li>\n</ul>\n<h3 id='x'>H</h3>"})
    root = parsed(highlight(TEXT, [note]))
    body = root.cssselect(".annotation-body")[0]
    assert {e.tag for e in body.iter()} == {"span"}
    assert [e.get("role") for e in body.iter() if e.get("role")] == ["list", "listitem"]
    assert body.cssselect(".annotation-h3")[0].get("id") is None, "no second id on the page"


@pytest.mark.parametrize("words", ["One plain sentence.", "Words, quotes “like these” and 12% (or so)?",
                                   "Ünïcödé wörds — and dashes – too"])
def test_a_note_of_plain_words_is_shown_as_its_parsed_paragraph_would_be(words):
    """A plain paragraph is taken apart without parsing it: the same as parsing gives (`<p >`
    takes the parser's way, and comes out the same)."""
    note = placed("about 20 sorties", words)
    assert note.note_html == f"<p>{words}</p>" and plain_paragraph(note.note_html) == words
    parsed_way = Annotation(**{**note.__dict__, "note_html": f"<p >{words}</p>"})
    assert plain_paragraph(parsed_way.note_html) is None
    assert highlight(TEXT, [note]) == highlight(TEXT, [parsed_way])
    body = parsed(highlight(TEXT, [note])).cssselect(".annotation-body")[0]
    assert etree.tostring(body, encoding="unicode") == f'<span class="annotation-body"><span class="annotation-p">{words}</span></span>'


def test_only_plain_words_skip_the_parser():
    for rendered in ("<p>A &amp; B</p>", "<p>A <em>B</em></p>", "<p>A</p>\n<p>B</p>", "<p>Two  spaces</p>", "A", ""):
        assert plain_paragraph(rendered) is None, rendered


def test_squeezed_text_maps_every_position_as_each_run_of_whitespace_made_one_space_does():
    """Positions go back and forth between a text and its squeezed form exactly as if every run
    of whitespace (of any kind `\\s` matches, at the ends too) stood for one space."""
    spaces = [" ", " ", "\n", "\t", "\u00a0", "\u2003", "\x1c", "\r\n"]
    rng = random.Random(16)
    for _ in range(3000):
        text = "".join(rng.choice(["a", "bc", "d", *spaces]) for _ in range(rng.randint(0, 24)))
        squeezed = _Squeezed(text)
        runs = [(run.start(), run.end()) for run in re.finditer(r"\s+", text)]
        assert squeezed.text == re.sub(r"\s+", " ", text)
        # The reference: each character's place in the squeezed text, a run's characters all at its space.
        at, shift = [], 0
        for position in range(len(text)):
            run = next(((start, end) for start, end in runs if start <= position < end), None)
            at.append(position - shift - (position - run[0]) if run else position - shift)
            if run and position == run[1] - 1:
                shift += run[1] - run[0] - 1
        for position, place in enumerate(at):
            assert squeezed._squeezed_position(position) == place, (text, position)
            run = next(((start, end) for start, end in runs if start <= position < end), (position, position + 1))
            assert squeezed._original_span(place) == run, (text, position)


def test_highlight_leaves_a_text_without_placed_annotations_as_it_was():
    unplaced = Annotation("x", TextQuote("nowhere"), "N.", "<p>N.</p>", "comment", span=None)
    assert highlight(TEXT, []) == TEXT and highlight(TEXT, [unplaced]) == TEXT


# --- on a built site ----------------------------------------------------------------------------

BODY = """\
Russia’s warplanes made about 20 sorties and hit 12 targets, the ministry said.

The ministry said the strikes would go on."""


def annotated(annotations: str, body: str = BODY) -> str:
    return article(body=body).replace("---\n\n", f"annotations:\n{annotations}---\n\n", 1)


def test_an_annotated_piece_builds_with_its_passages_marked_and_notes_labelled(site, run):
    site.write("content/articles/a.md", annotated(
        '  - quote: "about 20 sorties"\n'
        "    note: The *ministry's* own figure.\n"
        "    kind: context\n"
        "  - quote: ministry said\n"
        "    prefix: 'The '\n"
        "    note: Which ministry?\n"
        "    by: Ann Student\n"
        "    kind: question\n"))
    result = run("build", "--site", site.root)
    assert result.code == 0 and result.err == "", result.err
    page = site.page("articles/a/")
    text = page.cssselect(".article-text")[0]
    assert [m.text_content() for m in text.cssselect("mark")] == ["about 20 sorties", "ministry said"]
    second = text.cssselect("mark")[1]
    assert second.getparent().text == "The ", "the prefix chose the second paragraph's passage"
    labels = [n.cssselect(".annotation-label")[0].text_content() for n in text.cssselect(".annotation-note")]
    assert labels == ["1 Editors' note · context", "2 Note by Ann Student · question"]
    assert text.cssselect(".annotation-note em")[0].text == "ministry's", "the note is Markdown"


def test_a_quote_copied_across_a_line_break_matches_with_a_space(site, run):
    site.write("content/articles/a.md", annotated(
        "  - quote: ministry said. The ministry\n    note: Crosses the paragraphs.\n"))
    result = run("check", "--site", site.root)
    assert result.code == 0 and result.err == "", result.err


def test_every_annotation_problem_is_reported_at_its_line_with_its_code(site, run):
    site.write("content/articles/a.md", annotated(
        '  - quote: "20 sortys"\n'                 # 6: short and not exact
        "    note: x\n"
        "  - quote: the ministry said\n"          # 8: twice? no: "the ministry said" once; approximate below
        "    note: fine\n"
        "  - quote: Russia's warplanes made about 20\n"  # 10: straight apostrophe: approximate
        "    note: approximate\n"
        "  - quote: ministry\n"                    # 12: twice in the text
        "    note: ambiguous\n"
        '  - quote: "   "\n'                       # 14
        "    note: blank\n"
        "  - quote: x\n"                           # 16
        "    nots: y\n"
        "    kind: coment\n"
        "  - quote: said\n"                        # 19
        "    prefix: 'ministry '\n"
        "    suffix: ' the'\n"
        "    note: dup\n"
        "    id: same\n"
        "  - quote: would go on\n"                 # 24
        "    note: dup\n"
        "    id: same\n"
        f"  - quote: {'long ' * 40}\n"            # 27
        "    note: too long\n"))
    result = run("check", "--site", site.root)
    assert result.code == 1
    path = "content/articles/a.md"
    lines = result.err.splitlines()
    expected = [
        (6, "SB603", "the quote `20 sortys` cannot be placed: not in the text (a quote under 12 characters"),
        (10, "SB604", "warning: `annotations`: item 3: the quote `Russia's warplanes made about 20` is not in the text "
                      "word for word; placed on `Russia’s warplanes made about 20`"),
        (12, "SB603", "the quote `ministry` cannot be placed: it fits 2 places equally well"),
        (14, "SB601", "the quote is empty"),
        (16, "SB102", "missing required `note`"),
        (17, "SB101", "unknown key `nots` (did you mean `note`?)"),
        (18, "SB116", "`kind`: `coment` is not one of the allowed values (did you mean `comment`?"),
        (24, "SB605", "the id `same` is already used by the annotation on line 19"),
        (27, "SB602", "characters) is longer than the text"),
    ]
    for line, code, message in expected:
        assert any(l.startswith(f"{path}:{line}: ") and message in l and l.endswith(f"[{code}]") for l in lines), \
            (line, code, result.err)
    assert not any(l.startswith(f"{path}:8:") for l in lines), "a good annotation among bad ones is fine"


def test_a_quote_that_cannot_be_placed_says_the_closest_passage_and_the_fix(site, run):
    site.write("content/articles/a.md", annotated("  - quote: warplanes flew 500 missions and struck 99\n"
                                                  "    note: x\n"))
    result = run("check", "--site", site.root)
    assert result.code == 1
    assert "cannot be placed: not in the text, nor anything close enough to it; the closest passage is `" in result.err
    assert "copy the words exactly as the page shows them into `quote:`" in result.err


@pytest.mark.parametrize("kinds", ["annotation_kinds:\n  remark: A remark.\n"])
def test_the_kinds_are_the_ones_site_yml_declares(site, run, kinds):
    site.write("site.yml", (site.root / "site.yml").read_text() + kinds)
    site.write("content/articles/a.md", annotated("  - quote: about 20 sorties\n    note: x\n    kind: remark\n"))
    assert run("build", "--site", site.root).code == 0
    assert site.page("articles/a/").cssselect(".annotation-note.annotation-kind-remark")


def test_a_feed_shows_the_notes_after_the_text_never_inside_the_outlets_sentences(site, run):
    import json

    site.write("content/articles/a.md", annotated("  - quote: about 20 sorties\n    note: The ministry's own figure.\n"))
    assert run("build", "--site", site.root).code == 0
    [entry] = json.loads((site.build_dir / "feed.json").read_text())["items"]
    content = parsed(entry["content_html"])
    paragraph = [p for p in content.iter("p") if "warplanes" in p.text_content()][0]
    assert "ministry's own figure" not in paragraph.text_content(), "the outlet's sentence is whole"
    assert paragraph.cssselect("mark")[0].text == "about 20 sorties"
    [note] = content.cssselect("ol li")
    assert note.text_content() == "Editors' note (comment) on “about 20 sorties”: The ministry's own figure."
