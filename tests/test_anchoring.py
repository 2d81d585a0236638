"""Anchoring an annotation's quote in a piece's text: exactly, approximately after edits, never wrongly."""

from __future__ import annotations

from site_builder.anchoring import Anchor, TextQuote, Unanchored, anchor

TEXT = ("The Defence Ministry said the warships fired 26 cruise missiles at 11 targets. "
        "Officials in Washington said four of the missiles crashed in Iran. "
        "The ministry said the missiles hit all their targets. "
        "Later the ministry said the missiles hit all their targets again, on 8 October.")


def passage(result) -> str:
    assert isinstance(result, Anchor), result
    return TEXT[result.start:result.end]


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
    assert isinstance(anchor(TEXT, TextQuote("26 cruise misiles")), Anchor)  # long enough to be recognised
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
