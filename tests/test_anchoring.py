"""Anchoring an annotation's quote in a piece's text: exactly, approximately after edits, never wrongly."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from lxml import html

from site_builder.anchoring import Anchor, TextQuote, Unanchored, anchor
from site_builder.markup import MarkdownRenderer
from site_builder.reader import split_notes

TEXT = ("The Defence Ministry said the warships fired 26 cruise missiles at 11 targets. "
        "Officials in Washington said four of the missiles crashed in Iran. "
        "The ministry said the missiles hit all their targets. "
        "Later the ministry said the missiles hit all their targets again, on 8 October.")


def passage(result) -> str:
    assert isinstance(result, Anchor), result
    return TEXT[result.start:result.end]


def passage_in(text: str, result) -> tuple[int, str]:
    assert isinstance(result, Anchor), result
    return result.start, text[result.start:result.end]


def test_an_exact_quote_is_found_where_it_is():
    result = anchor(TEXT, TextQuote("four of the missiles crashed in Iran"))
    assert passage(result) == "four of the missiles crashed in Iran" and result.exact


def test_a_quote_found_twice_is_placed_by_its_context_or_not_at_all():
    quote = "the missiles hit all their targets"
    assert isinstance(anchor(TEXT, TextQuote(quote)), Unanchored)
    by_suffix = anchor(TEXT, TextQuote(quote, suffix=" again, on 8"))
    assert by_suffix.start == TEXT.index(quote + " again")
    by_prefix = anchor(TEXT, TextQuote(quote, prefix="The ministry said "))
    assert by_prefix.start == TEXT.index(quote)
    by_position = anchor(TEXT, TextQuote(quote, start=TEXT.rindex(quote) + 3))
    assert by_position.start == TEXT.rindex(quote)


def test_a_quote_whose_words_changed_a_little_is_found_approximately():
    edited = TEXT.replace("crashed in Iran", "crashed in northern Iran")
    result = anchor(edited, TextQuote("four of the missiles crashed in Iran", prefix="Washington said "))
    assert isinstance(result, Anchor) and not result.exact
    assert edited[result.start:result.end].startswith("four of the missiles crashed in")


def test_what_is_gone_is_reported_with_the_closest_passage_never_placed():
    result = anchor(TEXT, TextQuote("the submarine launched forty ballistic rockets"))
    assert isinstance(result, Unanchored) and result.closest is not None


def test_a_short_quote_must_match_exactly():
    typo = anchor(TEXT, TextQuote("26 cruise misiles"))  # short, and no words around it to confirm it
    assert isinstance(typo, Unanchored) and TEXT[slice(*typo.closest)] == "26 cruise missiles"
    assert isinstance(anchor(TEXT, TextQuote("26 cruise misiles", prefix="warships fired ")), Anchor)
    assert isinstance(anchor(TEXT, TextQuote("the warships fired 26 cruise misiles at 11 targets")), Anchor)
    assert isinstance(anchor(TEXT, TextQuote("Iram")), Unanchored)


def test_empty_and_overlong_quotes_are_refused_with_a_reason():
    assert "empty" in anchor(TEXT, TextQuote("  ")).reason
    assert "longer than the text" in anchor("short", TextQuote("a quote longer than the text")).reason


def test_positions_count_code_points_in_any_script():
    text = "Министр заявил: «Все ракеты поразили цели». 🚀 Затем он добавил подробности."
    result = anchor(text, TextQuote("Все ракеты поразили цели"))
    assert text[result.start:result.end] == "Все ракеты поразили цели"
    after_emoji = anchor(text, TextQuote("Затем он добавил"))
    assert after_emoji.start == text.index("Затем")


# --- never on a wrong span: what the benchmark (bench/anchoring.py) found ------------------------

FILLER = " ".join(f"Paragraph {n} reports what the team found at the site that year." for n in range(12))
HEADLINE = "Flint flake tool partially covered by birch tar adds to evidence of Neanderthal complex thinking"


def test_a_repeated_passage_edited_where_the_position_points_is_not_placed_on_its_other_copy():
    text = f"{HEADLINE}\n{FILLER}\nCitation: {HEADLINE} (2019)."
    quote = TextQuote("birch tar adds to evidence", prefix="tool partially covered by ",
                      suffix=" of Neanderthal complex thinking", start=text.index("birch"))
    assert passage_in(text, anchor(text, quote)) == (text.index("birch"), "birch tar adds to evidence")
    edited = text.replace("evidence of Neanderthal complex thinking\n", "evidence of early human thinking\n", 1)
    result = anchor(edited, quote)  # the citation's copy fits the context better; the position says the headline
    assert isinstance(result, Unanchored) and "position" in result.reason


def test_a_passage_changed_where_the_position_points_is_found_there_not_at_an_unchanged_copy():
    text = ("Microsoft will invest US$1 billion over the next four years to speed up the development of carbon "
            f"removal.\n{FILLER}\nIt announced a fund which will invest US$1 billion over the next four years "
            "to speed up development of new technologies.")
    edited = text.replace("over the next", "over next", 1)
    quote = TextQuote("will invest US$1 billion over the next four years", prefix="Microsoft ",
                      suffix=" to speed up the development of ", start=len("Microsoft "))
    result = anchor(edited, quote)
    assert isinstance(result, Anchor) and not result.exact
    assert result.start == len("Microsoft ") and edited[result.start:result.end].endswith("four years")


def test_a_short_quote_without_context_is_never_placed_on_similar_words():
    text = f"{FILLER} Der Parteichef traf ihn am 30. März 2017 in Essen."
    assert isinstance(anchor(text, TextQuote("im März 2017")), Unanchored)  # another date, nearly the same letters


def test_straight_quotes_and_hyphens_typed_for_curly_quotes_and_dashes_still_place_the_quote():
    text = f"{FILLER} Russia’s warplanes made about 20 sorties – the ministry said – on “key” targets."
    result = anchor(text, TextQuote("Russia's warplanes made about 20 sorties - the ministry said - on \"key\""))
    assert passage_in(text, result)[1] == "Russia’s warplanes made about 20 sorties – the ministry said – on “key”"
    assert not result.exact  # not letter for letter: `check` says so, and the editor may copy the page's own


def test_a_short_quote_with_many_words_inserted_inside_it_is_not_placed_on_a_part_of_them():
    text = f"{FILLER} Der Grill kommt auf eine Temperatur von 800 Grad Spülmaschine. und zaubert im Test Steaks."
    quote = TextQuote("800 Grad und", prefix="auf eine Temperatur von ", suffix=" zaubert im Test")
    result = anchor(text, quote)
    assert isinstance(result, Unanchored) and "between its prefix and suffix" in result.reason
    small_change = text.replace("Grad Spülmaschine. und", "Grad, und")
    assert passage_in(small_change, anchor(small_change, quote))[1] == "800 Grad, und"


def test_a_changed_passage_whose_context_is_intact_wins_over_an_unchanged_copy_whose_context_is_not():
    text = ("Microsoft will invest US$1 billion over the next four years to speed up the development of carbon "
            f"removal technology.\n{FILLER}\nA fund which will invest US$1 billion over the next four years to "
            "speed up the development of carbon removal technology\nand more.")
    quote = TextQuote("next four years to speed up the development", prefix="US$1 billion over the ",
                      suffix=" of carbon removal technology.")  # written by hand: the full stop tells the copies apart
    assert passage_in(text, anchor(text, quote))[0] == text.index("next four")
    edited = text.replace("speed up the development of carbon removal technology.",
                          "speed up development of carbon removal technology.")
    edited = edited.replace("US$1 billion over the next four years to speed up the development of carbon removal "
                            "technology\nand", "US$1 bn over the next four years to speed up the development of new "
                            "removal methods\nand")
    assert passage_in(edited, anchor(edited, quote)) == (text.index("next four"), "next four years to speed up development")


def test_the_benchmark_corpus_quotes_passages_of_its_own_texts_letter_for_letter():
    spec = importlib.util.spec_from_file_location("make_corpus", Path(__file__).parent.parent / "bench" / "make_corpus.py")
    make_corpus = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(make_corpus)
    renderer, count = MarkdownRenderer(), 0
    for article in make_corpus.make_corpus(40, seed=3, annotations=True)["articles"]:
        rendered = renderer.render(split_notes(make_corpus._markdown_text(article), "Editorial notes").text).html
        text = "".join(html.fragment_fromstring(rendered, create_parent="div").itertext())
        for annotation in article["annotations"]:
            quote = TextQuote(annotation["quote"], annotation.get("prefix", ""), annotation.get("suffix", ""))
            assert passage_in(text, anchor(text, quote))[1] == quote.exact
            count += 1
    assert count > 80  # about 3 a piece
