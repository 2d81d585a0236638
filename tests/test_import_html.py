"""The HTML extractor: article Markdown and stated metadata from saved news pages, debris and guesses left out."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
import trafilatura

from site_builder.ingest.decode import Unreadable
from site_builder.ingest.html import extract_html

FIXTURES = Path(__file__).parent / "fixtures" / "html"
PARAGRAPHS = (
    "<p>Residents of villages north of Homs reported heavy air strikes overnight, the third night of raids in the area, "
    "and said at least two bridges on the main road had been destroyed.</p>"
    "<p>A spokesman for the Russian defence ministry said its aircraft had flown more than twenty sorties and had struck "
    "command posts and ammunition depots belonging to armed groups, which he did not name.</p>"
)


def fixture(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


def page(head: str, body: str = PARAGRAPHS) -> str:
    return f"<!DOCTYPE html><html><head>{head}</head><body><article>{body}</article></body></html>"


@pytest.fixture(scope="module")
def news():
    return extract_html(fixture("news-site.html"), "news-site.html")


@pytest.fixture(scope="module")
def blog():
    return extract_html(fixture("jsonld-blog.html"), "jsonld-blog.html")


# --- metadata ------------------------------------------------------------------------------------------------------


def test_news_site_metadata_from_meta_and_open_graph(news):
    assert news.title == "Russian warships fire cruise missiles at Syria from the Caspian Sea"
    assert news.authors == ("Jane Carter",)
    assert news.outlet == "The Example Times"
    assert news.date == date(2015, 10, 8)
    assert news.source_url == "https://www.example-times.co.uk/world/2015/oct/08/russia-caspian-missiles"
    assert news.language == "en-GB"
    assert news.removed == ()


def test_jsonld_metadata(blog):
    assert blog.title == "Airbase at Hmeimim: six months on"  # not "... - Patriot Review"
    assert blog.authors == ("Mark Ellison", "Olga Petrova")
    assert blog.outlet == "Patriot Review"
    assert blog.date == date(2016, 6, 15)
    # trafilatura does not read a JSON-LD url; the extractor does
    assert blog.source_url == "https://patriot-review.example.com/2016/06/15/hmeimim-six-months-on/"
    assert blog.language == "en-US"  # <html lang="en-us">, normalised


def test_trafilatura_alone_would_guess_a_date_for_the_bare_page():
    # precondition for the next test: the fixture is a real trap (the date comes from "Copyright 2015")
    assert trafilatura.extract_metadata(fixture("no-metadata.html")).date == "2015-01-01"


def test_page_without_metadata_yields_empty_fields_not_guesses():
    bare = extract_html(fixture("no-metadata.html"))
    assert bare.title == "Strikes reported near Homs"
    assert (bare.authors, bare.outlet, bare.date, bare.source_url, bare.language) == ((), "", None, "", "")
    assert bare.text.startswith("Residents of several villages north of Homs")
    assert "the number of civilian casualties." in bare.text
    assert "Back to the list" not in bare.text and "Copyright" not in bare.text


def test_source_line_wrapping_is_not_kept_in_paragraphs():
    text = extract_html(fixture("no-metadata.html")).text
    assert "heavy air strikes overnight, the third consecutive night" in text
    assert all(not line.startswith(" ") for line in text.splitlines())


def test_date_only_in_the_url_is_not_taken():
    html = page('<title>Strikes near Homs</title><link rel="canonical" href="https://news.example.com/2015/10/08/homs">')
    assert trafilatura.extract_metadata(html).date == "2015-10-08"  # what trafilatura would say
    found = extract_html(html)
    assert found.date is None
    assert found.source_url == "https://news.example.com/2015/10/08/homs"
    assert found.outlet == ""  # trafilatura names the site after the host: "news.example.com"


def test_date_from_a_time_element_is_taken():
    html = page("<title>Strikes near Homs</title>", '<time datetime="2015-10-09T08:00:00+03:00">9 Oct</time>' + PARAGRAPHS)
    assert extract_html(html).date == date(2015, 10, 9)


def test_site_suffix_of_the_title_is_the_outlet_not_part_of_the_headline():
    # no og:site_name, no h1: trafilatura takes the part with a dot ("U.S.") for the site and the site for the title
    found = extract_html(page("<title>U.S. warns Moscow over Syria strikes | The Example Times</title>"))
    assert found.title == "U.S. warns Moscow over Syria strikes"
    assert found.outlet == "The Example Times"


def test_site_suffix_is_cut_from_an_og_title_too():
    head = ('<meta property="og:title" content="Russia widens air strikes to Raqqa | The Example Times">'
            '<meta property="og:site_name" content="The Example Times">')
    found = extract_html(page(head))
    assert (found.title, found.outlet) == ("Russia widens air strikes to Raqqa", "The Example Times")


def test_dash_inside_a_headline_is_not_taken_for_a_site():
    found = extract_html(page("<title>Syria - the war nobody can win</title>"))
    assert found.title == "Syria - the war nobody can win"
    assert found.outlet == ""


def test_base_href_is_not_a_source_url_and_og_locale_gives_the_language():
    found = extract_html(page('<title>x</title><base href="https://news.example.com/"><meta property="og:locale" content="pt_BR">'))
    assert found.source_url == ""
    assert found.outlet == ""
    assert found.language == "pt-BR"


# --- article text --------------------------------------------------------------------------------------------------


def test_markdown_keeps_headings_quotes_lists_links_and_emphasis(news, blog):
    lines = news.text.splitlines()
    assert "## Questions over the targets" in lines
    assert "> The overwhelming majority of the strikes have not been against Isil, and that is a matter of great concern to us." in lines
    assert "- The flight path required permission from Iran and Iraq." in lines
    assert "[defence ministry's website](https://www.example.org/defence-ministry/statement-2015-10-07)" in news.text
    assert "**all of the targets had been destroyed**" in news.text
    assert "*Buyan-M*" in news.text
    assert "### What remains at the base" in blog.text.splitlines()


def test_multi_paragraph_quote_stays_one_quote():
    quote = "<blockquote><p>We will strike the terrorists.</p><p>We will not stop.</p></blockquote>"
    text = extract_html(page("<title>x</title>", PARAGRAPHS + quote + PARAGRAPHS)).text
    assert "\n\n> We will strike the terrorists.\n>\n> We will not stop.\n\n" in text


def test_relative_links_resolve_against_the_page_url(news):
    assert "[began on 30 September](https://www.example-times.co.uk/world/2015/sep/30/russia-begins-air-strikes-syria)" in news.text


def test_links_going_nowhere_become_plain_text(news):
    assert "- It was the first combat use of the Kalibr cruise missile." in news.text.splitlines()
    assert "javascript:" not in news.text
    assert "#note-1" not in news.text
    assert "which entered service in 2013.1" in news.text  # the footnote mark, as text


def test_no_raw_html_in_the_markdown(news, blog):
    for text in (news.text, blog.text):
        assert not re.search(r"(?<!\\)</?[a-zA-Z][^>]*>", text)
    assert "<" not in extract_html(page("<title>x</title>", PARAGRAPHS + "<p>CO<sub>2</sub> and <u>this</u></p>")).text


@pytest.mark.parametrize("debris", [
    "We use cookies", "Accept all cookies",  # cookie banner
    "Business", "Sport",  # navigation
    "Related stories", "Turkey says Russian jet violated its airspace",
    "Share this article", "Share on Facebook", "Print this page",
    "Comments (2)", "reader_1984", "predictable from the very first day", "demonstration for the cameras",
    "All rights reserved", "Privacy policy",  # footer
    "By Jane Carter",  # the byline is metadata, not text
])
def test_news_site_debris_is_left_out(news, debris):
    assert debris not in news.text


@pytest.mark.parametrize("debris", [
    "Leave a Reply", "Your email address will not be published", "Post Comment",  # comment form
    "Recent Posts", "Palmyra after the recapture", "Archives", "Search for",  # sidebar widgets
    "Analysis", "About the Review",  # navigation and categories
    "Proudly powered by WordPress",  # footer
])
def test_blog_debris_is_left_out(blog, debris):
    assert debris not in blog.text


def test_article_text_is_all_there(news, blog):
    assert news.text.startswith("Russia's defence ministry said on Wednesday")
    assert "neither the launch nor the flight path." in news.text
    assert news.text.endswith("1\\. Figures from the ministry's own briefing.")  # the footnote, escaped as trafilatura does
    assert blog.text.startswith("When the first Russian aircraft arrived at the Hmeimim airbase")
    assert blog.text.endswith("in the way the naval facility at Tartus has been for decades.")


# --- refusals ------------------------------------------------------------------------------------------------------


def test_page_without_article_text_is_unreadable():
    with pytest.raises(Unreadable, match="^no article text found in the page$"):
        extract_html(fixture("empty-shell.html"), "empty-shell.html")


@pytest.mark.parametrize("text", ["", "   \n", "<html><body></body></html>"])
def test_empty_input_is_unreadable(text):
    with pytest.raises(Unreadable):
        extract_html(text)
