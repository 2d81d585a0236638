"""Plain snippets skip Markdown (markup._PLAIN_RE): the result must be what Markdown gives.

Checked on every stance note, caveat and claim note of a generated corpus, and on snippets made
to look plain while holding Markdown syntax (those must take the slow path and render as Markdown).
"""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import pytest

from site_builder import markup
from site_builder.markup import MarkdownRenderer

REPO = Path(__file__).resolve().parent.parent


def _corpus_snippets() -> list[str]:
    spec = importlib.util.spec_from_file_location("make_corpus", REPO / "bench" / "make_corpus.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    snippets = []
    for article in module.make_corpus(150, seed=3)["articles"]:
        snippets += [article["stance_notes"], *article["caveats"]]
        snippets += [claim["note"] for claim in article["claims"] if claim.get("note")]
    return snippets


TRICKY = ["1999. The year it began.", "Under_scored words", "A line  with two spaces", "Plain text\nSecond line",
          "Fish & chips", "A <b>tag</b>", "Says \"quoted\" words", "Header\n===", "- a list", "Hello *world*",
          "See [[other]] piece", "A [link](https://example.org)", "Ends with a footnote[^1]", "Tab\tinside",
          "Quote: “it was” — said", "100% sure, $5 (or so); ok?"]


def _full(renderer: MarkdownRenderer, text: str) -> str:
    """Markdown's own result, with the fast path switched off."""
    saved = markup._PLAIN_RE
    markup._PLAIN_RE = re.compile(r"(?!)")  # matches nothing
    try:
        return renderer.render(text).html
    finally:
        markup._PLAIN_RE = saved


@pytest.mark.parametrize("text", _corpus_snippets()[:400] + TRICKY)
def test_the_fast_path_renders_what_markdown_renders(text):
    renderer = MarkdownRenderer()
    assert renderer.render(text).html == _full(renderer, text)
    assert renderer.render_inline(text) == _inline_full(renderer, text)


def _inline_full(renderer: MarkdownRenderer, text: str) -> str:
    saved = markup._PLAIN_RE
    markup._PLAIN_RE = re.compile(r"(?!)")
    try:
        return renderer.render_inline(text)
    finally:
        markup._PLAIN_RE = saved


def test_most_corpus_snippets_take_the_fast_path():
    snippets = _corpus_snippets()
    assert sum(bool(markup._PLAIN_RE.fullmatch(s.strip())) for s in snippets) > 0.9 * len(snippets)


# Documents converted without the inline patterns they cannot use (markup._INLINE_PATTERN_NEEDS).
PATTERN_CASES = ["`code` and \\`escaped\\`", "\\*not emphasis\\*", "A note[^n].\n\n[^n]: The note.", "See [[other]].",
                 "[a link](https://example.org) and [a ref][r]\n\n[r]: https://example.org/r", "[short]\n\n[short]: /s",
                 "![an image](x.png) ![ref][i]\n\n[i]: y.png", "<https://example.org> and <editor@example.org>",
                 "Two spaces  \nthen a break", "Tab before the end\t\nof a line", "&amp; &#169; &copy; & bare",
                 "*em* **strong** _em_ __strong__ ***both***", "Nothing special at all.\n\n## A heading\n\nMore text."]


def _corpus_bodies() -> list[str]:
    spec = importlib.util.spec_from_file_location("make_corpus", REPO / "bench" / "make_corpus.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return [article["body"] for article in module.make_corpus(60, seed=5)["articles"]]


@pytest.mark.parametrize("text", PATTERN_CASES + _corpus_bodies())
def test_leaving_out_the_inline_patterns_a_text_cannot_use_changes_nothing(text):
    gated = MarkdownRenderer()
    assert gated.render(text) == _with_every_pattern(text)


def test_each_kind_of_text_gets_a_converter_without_the_patterns_it_cannot_use():
    renderer = MarkdownRenderer()
    renderer.render("Plain words only, and a second sentence to be sure.\n\nAnother paragraph.")
    converter = renderer._md
    assert "link" not in converter.inlinePatterns and "em_strong" not in converter.inlinePatterns
    renderer.render("A [link](https://example.org) with *emphasis*.")
    assert "link" in renderer._md.inlinePatterns and "em_strong" in renderer._md.inlinePatterns


def _with_every_pattern(text: str):
    saved = markup._INLINE_PATTERN_NEEDS
    markup._INLINE_PATTERN_NEEDS = {}
    try:
        return MarkdownRenderer().render(text)
    finally:
        markup._INLINE_PATTERN_NEEDS = saved
