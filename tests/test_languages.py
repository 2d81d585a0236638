"""Pieces in their language: tags checked, lang/dir on titles and texts, translations, bidi controls, slugs."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from lxml import etree

from site_builder.ingest.article_file import make_slug
from site_builder.languages import direction, normalise_tag

ATOM = "http://www.w3.org/2005/Atom"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
ENGLISH = dict(title="Russian jets strike targets near Aleppo", outlet="The Wire", date="2015-10-09", language="en",
               event="2015-10-09-aleppo-strikes", tags=["Syria"],
               body="Russian jets struck targets near Aleppo on Friday, the defence ministry said.")
RUSSIAN = dict(title="Российские самолёты нанесли удары под Алеппо", outlet="Вести", date="2015-10-09", language="ru",
               event="2015-10-09-aleppo-strikes", tags=["Syria"],
               body="Российские самолёты нанесли удары по целям под Алеппо, сообщило Министерство обороны.")
ARABIC = dict(title="غارات روسية قرب حلب", outlet="الجزيرة", date="2015-10-10", language="ar",
              event="2015-10-09-aleppo-strikes", tags=["Syria"],
              body="شنت طائرات روسية غارات على مواقع قرب مدينة حلب، بحسب وزارة الدفاع.")


def multilingual(site) -> None:
    """A small collection of English, Russian and Arabic pieces on one story, and a translation."""
    site.add_article("aleppo-strikes", **ENGLISH)
    site.add_article("vesti-aleppo", **RUSSIAN)
    site.add_article("aljazeera-aleppo", **ARABIC)
    site.add_article("aljazeera-aleppo-en", title="Russian raids near Aleppo", outlet=None, date=None, language="en",
                     translation_of="aljazeera-aleppo", translator="Sara Haddad",
                     translation_notes="Place names follow the wire services' spelling.",
                     body="Russian aircraft carried out raids on positions near the city of Aleppo, the ministry said.")


# --- the language field -------------------------------------------------------------------------

@pytest.mark.parametrize("written, tag", [("en", "en"), ("EN-us", "en-US"), ("ar", "ar"), ("zh-hant", "zh-Hant"),
                                          ("iw", "he")])
def test_a_language_tag_is_kept_in_its_standard_form(written, tag):
    assert normalise_tag(written) == tag


@pytest.mark.parametrize("written, hint", [("english", "did you mean `en` (English)?"),
                                           ("arabic", "did you mean `ar` (Arabic)?"),
                                           ("en_US", "did you mean `en-US`?"),
                                           ("xx-YY", "such as `en`"),
                                           ("<script>top.x=1</script>", "such as `en`")])
def test_a_wrong_language_is_an_error_at_its_line_with_a_did_you_mean(site, run, written, hint):
    site.add_article("piece", language=written)
    result = run("check", "--site", site.root)
    assert result.code == 1
    assert "content/articles/piece.md:5: `language`:" in result.err
    assert hint in result.err and "[SB150]" in result.err


def test_every_wrong_language_is_reported_at_once(site, run):
    site.add_article("one", language="english")
    site.add_article("two", language="arabic")
    result = run("check", "--site", site.root)
    assert "one.md:5" in result.err and "two.md:5" in result.err


def test_the_language_is_normalised_on_the_piece(site, read_collection):
    site.add_article("piece", language="AR-sy")
    assert read_collection(site).articles[0].language == "ar-SY"


@pytest.mark.parametrize("tag, expected", [("ar", "rtl"), ("fa", "rtl"), ("ur", "rtl"), ("he", "rtl"), ("ps", "rtl"),
                                           ("dv", "rtl"), ("yi", "rtl"), ("ckb", "rtl"), ("az-Arab", "rtl"),
                                           ("en", "ltr"), ("ru", "ltr"), ("az", "ltr"), ("zh", "ltr"),
                                           ("pa-Arab", "rtl"), ("pa", "ltr")])
def test_the_direction_follows_the_script_of_the_tag(tag, expected):
    assert direction(tag) == expected


# --- what an earlier build learnt of the tags (languages.use_known_tags) -------------------------

def test_an_edit_build_of_pieces_whose_tags_are_known_does_not_load_langcodes(site, run):
    """The first build asks langcodes and keeps its answers; a build that re-reads a piece in a
    known language takes them from the build state's folder (its data is slow to load)."""
    multilingual(site)
    assert run("build", "--site", site.root, "-q").code == 0
    assert (site.root / ".site-builder-cache" / "languages.pickle").is_file()
    piece = site.root / "content/articles/vesti-aleppo.md"
    piece.write_text(piece.read_text(encoding="utf-8") + "\nЕщё одно предложение.\n", encoding="utf-8")
    program = ("import sys; from site_builder.cli import main; "
               f"code = main(['build', '--site', {str(site.root)!r}, '-q']); print(code, 'langcodes' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, check=True,
                          env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)})
    assert done.stdout.split() == ["0", "False"], done.stderr
    assert "Ещё одно предложение." in site.page("articles/vesti-aleppo/").text_content()
    assert site.page("articles/aljazeera-aleppo/").cssselect("h1")[0].get("dir") == "rtl"


def test_a_wrong_tag_is_still_reported_at_its_line_once_the_tags_are_known(site, run):
    multilingual(site)
    assert run("build", "--site", site.root, "-q").code == 0
    site.add_article("vesti-aleppo", **{**RUSSIAN, "language": "russian"})
    result = run("build", "--site", site.root, "-q")
    assert result.code == 1
    assert "content/articles/vesti-aleppo.md:5: `language`: `russian` is not a language tag" in result.err
    site.add_article("vesti-aleppo", **{**RUSSIAN, "language": "ru_RU"})
    result = run("build", "--site", site.root, "-q")
    assert result.code == 1 and "`ru_RU` is a locale name, not a language tag (did you mean `ru-RU`?)" in result.err


def test_the_tags_kept_are_used_only_for_the_same_langcodes_and_code(tmp_path, monkeypatch):
    from site_builder import languages

    def fresh() -> None:  # as a new process
        monkeypatch.setattr(languages, "_KNOWN", languages._KnownTags())
        normalise_tag.cache_clear()
        direction.cache_clear()

    fresh()
    assert normalise_tag("RU") == "ru" and direction("ar") == "rtl"
    languages.keep_known_tags(tmp_path)
    fresh()
    languages.use_known_tags(tmp_path)
    assert languages._KNOWN.standard == {"RU": "ru"} and languages._KNOWN.directions == {"ar": "rtl"}
    monkeypatch.setattr(languages._KnownTags, "identity", staticmethod(lambda: ("another langcodes", None)))
    fresh()
    languages.use_known_tags(tmp_path)
    assert languages._KNOWN.standard == {} and languages._KNOWN.directions == {}
    fresh()


# --- lang and dir on the pages ------------------------------------------------------------------

def test_an_arabic_piece_page_marks_its_title_and_text_rtl_and_the_editors_words_not(site, run):
    multilingual(site)
    assert run("build", "--site", site.root, "-q").code == 0
    page = site.page("articles/aljazeera-aleppo/")
    assert page.getroottree().getroot().get("lang") == "en"
    title = page.cssselect("h1")[0]
    assert (title.get("lang"), title.get("dir")) == ("ar", "rtl")
    text = page.cssselect("section.article-text")[0]
    assert (text.get("lang"), text.get("dir")) == ("ar", "rtl")
    heading = page.cssselect("#text-heading")[0]  # "The text, as published by": the editors' words
    assert (heading.get("lang"), heading.get("dir")) == ("en", "ltr")
    assert page.cssselect(".context-panel")[0].get("lang") is None


def test_a_piece_in_the_sites_language_carries_no_redundant_attributes(site, run):
    multilingual(site)
    run("build", "--site", site.root, "-q")
    page = site.page("articles/aleppo-strikes/")
    assert page.cssselect("h1")[0].get("lang") is None
    assert page.cssselect("section.article-text")[0].get("lang") is None
    russian = site.page("articles/vesti-aleppo/")
    assert russian.cssselect("h1")[0].get("lang") == "ru" and russian.cssselect("h1")[0].get("dir") is None


@pytest.mark.parametrize("listing", ["", "outlets/ljzyr/", "tags/syria/", "events/2015-10-09-aleppo-strikes/",
                                     "articles/aleppo-strikes/"])
def test_every_list_isolates_each_title_in_its_language(site, run, listing):
    multilingual(site)
    run("build", "--site", site.root, "-q")
    page = site.page(listing or "")
    titles = {bdi.text_content(): bdi for bdi in page.cssselect("a bdi")}
    arabic = titles[ARABIC["title"]]
    assert (arabic.get("lang"), arabic.get("dir")) == ("ar", "rtl")
    if RUSSIAN["title"] in titles:
        assert titles[RUSSIAN["title"]].get("lang") == "ru"


def test_annotation_notes_in_an_arabic_text_are_marked_as_the_editors_language(site, run):
    site.write("content/articles/aljazeera-aleppo.md", "---\ntitle: غارات روسية قرب حلب\noutlet: الجزيرة\n"
               "date: 2015-10-10\nlanguage: ar\nannotations:\n  - quote: وزارة الدفاع\n"
               "    note: The ministry gave no list of targets.\n---\n\n" + ARABIC["body"] + "\n")
    assert run("build", "--site", site.root, "-q").code == 0
    note = site.page("articles/aljazeera-aleppo/").cssselect(".annotation-note")[0]
    assert (note.get("lang"), note.get("dir")) == ("en", "ltr")


def test_feeds_mark_each_entry_in_its_language(site, run):
    multilingual(site)
    run("build", "--site", site.root, "-q")
    atom = etree.parse(str(site.build_dir / "feed.xml")).getroot()
    entries = {entry.findtext(f"{{{ATOM}}}title"): entry for entry in atom.iter(f"{{{ATOM}}}entry")}
    arabic = entries[ARABIC["title"]]
    assert arabic.get(XML_LANG) == "ar" and entries[RUSSIAN["title"]].get(XML_LANG) == "ru"
    assert entries[ENGLISH["title"]].get(XML_LANG) is None  # the feed's own language
    content = arabic.find(f"{{{ATOM}}}content")
    assert content.get(XML_LANG) == "en"  # the editors' context first, then the outlet's text marked
    assert '<div lang="ar" dir="rtl">' in content.text
    items = {item["title"]: item for item in json.loads((site.build_dir / "feed.json").read_text())["items"]}
    assert items[ARABIC["title"]]["language"] == "ar"


def test_the_json_ld_gives_the_originals_language(site, run):
    multilingual(site)
    run("build", "--site", site.root, "-q")
    script = site.page("articles/vesti-aleppo/").cssselect('script[type="application/ld+json"]')[0].text
    assert '"inLanguage": "ru"' in script


# --- bidi controls ------------------------------------------------------------------------------

def test_bidi_controls_in_a_title_are_kept_and_isolated(site, run):
    title = "Strikes \u202eon Aleppo"  # an unterminated right-to-left override, as collected
    site.add_article("piece", title=title)
    site.add_article("other", title="Other piece")
    assert run("build", "--site", site.root, "-q").code == 0
    bdi = [b for b in site.page("").cssselect("a bdi") if "Aleppo" in b.text_content()][0]
    assert bdi.text_content() == title  # the outlet's words stay as collected, inside their own isolate


def test_bidi_controls_in_editorial_notes_are_removed_with_a_warning_at_their_line(site, run):
    site.add_article("piece", stance_notes="Quotes \u202eboth sides", caveats=["Unverified \u2067figures"])
    result = run("build", "--site", site.root)
    assert result.code == 0
    assert "piece.md:5: warning: `stance_notes`: invisible direction controls (U+202E) removed" in result.err
    assert "piece.md:7: warning: `caveats` item 1: invisible direction controls (U+2067) removed" in result.err
    assert "[SB151]" in result.err
    page = (site.build_dir / "articles/piece/index.html").read_text(encoding="utf-8")
    assert "\u202e" not in page and "Quotes both sides" in page


def test_bidi_controls_in_the_editorial_notes_section_are_removed(site, run):
    site.add_article("piece", body="The text.\n\n## Editorial notes\n\nA note \u202bwith a control.")
    result = run("build", "--site", site.root)
    assert "piece.md:9: warning: the editorial notes: invisible direction controls (U+202B) removed" in result.err
    assert "\u202b" not in (site.build_dir / "articles/piece/index.html").read_text(encoding="utf-8")


# --- translations -------------------------------------------------------------------------------

def test_a_translation_inherits_the_originals_outlet_date_and_event(site, read_collection):
    multilingual(site)
    collection = read_collection(site)
    translation = next(a for a in collection.articles if a.slug == "aljazeera-aleppo-en")
    assert (translation.outlet, str(translation.date), translation.event) == ("الجزيرة", "2015-10-10",
                                                                              "2015-10-09-aleppo-strikes")


def test_a_translation_keeps_what_it_sets_itself(site, read_collection):
    multilingual(site)
    site.add_article("aljazeera-aleppo-en", title="Russian raids", outlet="Al Jazeera English", date="2015-10-11",
                     translation_of="aljazeera-aleppo", language="en")
    translation = next(a for a in read_collection(site).articles if a.slug == "aljazeera-aleppo-en")
    assert (translation.outlet, str(translation.date)) == ("Al Jazeera English", "2015-10-11")


def test_original_and_translation_link_to_each_other_with_hreflang(site, run):
    multilingual(site)
    run("build", "--site", site.root, "-q")
    original = site.page("articles/aljazeera-aleppo/")
    link = original.cssselect(".piece-versions a")[0]
    assert link.get("href") == "/articles/aljazeera-aleppo-en/" and link.get("hreflang") == "en"
    alternate = original.cssselect('link[rel="alternate"][hreflang]')[0]
    assert (alternate.get("hreflang"), alternate.get("href")) == ("en", "/articles/aljazeera-aleppo-en/")
    translation = site.page("articles/aljazeera-aleppo-en/")
    back = translation.cssselect(".piece-versions a")[0]
    assert back.get("hreflang") == "ar" and back.cssselect("bdi")[0].get("lang") == "ar"
    assert "(the original)" in back.text_content()
    assert translation.cssselect('link[rel="alternate"][hreflang="ar"]')


def test_the_translators_words_are_marked_as_theirs(site, run):
    multilingual(site)
    run("build", "--site", site.root, "-q")
    page = site.page("articles/aljazeera-aleppo-en/")
    notes = page.cssselect(".translation-notes")[0]
    assert "The translator's notes (Sara Haddad)" in notes.text_content()
    assert "wire services' spelling" in notes.text_content()
    assert "Sara Haddad" in page.cssselect(".context-facts")[0].text_content()


def test_a_translation_of_nothing_is_an_error_with_a_did_you_mean(site, run):
    multilingual(site)
    site.add_article("aljazeera-aleppo-en", title="Russian raids", translation_of="aljazeera-alepo")
    result = run("check", "--site", site.root)
    assert result.code == 1
    assert ("aljazeera-aleppo-en.md:5: `translation_of` `aljazeera-alepo` names no article "
            "(did you mean `aljazeera-aleppo`?) [SB220]") in result.err


def test_a_translation_of_a_translation_or_a_loop_is_an_error(site, run):
    multilingual(site)
    site.add_article("aljazeera-aleppo-fr", title="Frappes russes", translation_of="aljazeera-aleppo-en")
    site.add_article("loop-a", title="A", translation_of="loop-b")
    site.add_article("loop-b", title="B", translation_of="loop-a")
    site.add_article("self", title="S", translation_of="self")
    result = run("check", "--site", site.root)
    assert ("`translation_of` `aljazeera-aleppo-en` is itself a translation of `aljazeera-aleppo` "
            "(name the original directly: `translation_of: aljazeera-aleppo`) [SB221]") in result.err
    assert "loop-a.md:5" in result.err and "loop-b.md:5" in result.err and "the two name each other" in result.err
    assert "self.md:5: `translation_of` names this piece itself" in result.err


def test_editing_the_original_re_renders_the_translation_and_back(site, run):
    multilingual(site)
    run("build", "--site", site.root, "-q")
    site.add_article("aljazeera-aleppo", **{**ARABIC, "title": "غارات روسية جديدة قرب حلب"})
    run("build", "--site", site.root, "-q")
    assert "غارات روسية جديدة قرب حلب" in site.page("articles/aljazeera-aleppo-en/").cssselect(
        ".piece-versions")[0].text_content()
    site.add_article("aljazeera-aleppo-en", title="Russian air raids near Aleppo", outlet=None, date=None,
                     language="en", translation_of="aljazeera-aleppo")
    run("build", "--site", site.root, "-q")
    assert "Russian air raids near Aleppo" in site.page("articles/aljazeera-aleppo/").cssselect(
        ".piece-versions")[0].text_content()


# --- slugs --------------------------------------------------------------------------------------

@pytest.mark.parametrize("title, slug", [
    ("Российские самолёты нанесли удары под Алеппо", "rossiiskie-samolety-nanesli-udary-pod-aleppo"),
    ("غارات روسية قرب حلب", "grt-rwsy-qrb-hlb"),
    ("俄罗斯空袭阿勒颇附近目标", "e-luo-si-kong-xi-a-le-po-fu-jin-mu-biao"),
    ("Ρωσικές αεροπορικές επιδρομές κοντά στο Χαλέπι", "rosikes-aeroporikes-epidromes-konta-sto-khalepi"),
])
def test_non_latin_titles_give_readable_stable_ascii_slugs(title, slug):
    assert make_slug(title, "fallback", set()) == slug
    assert make_slug(title, "fallback", set()) == slug  # the same title, the same slug, every time


def test_two_titles_never_give_the_same_slug():
    taken: set[str] = set()
    for title in ("Удары под Алеппо", "Удары под Алеппо", "Udary pod Aleppo", "УДАРЫ ПОД АЛЕППО!"):
        taken.add(make_slug(title, "fallback", taken))
    assert taken == {"udary-pod-aleppo", "udary-pod-aleppo-2", "udary-pod-aleppo-3", "udary-pod-aleppo-4"}


def test_a_title_with_nothing_to_transliterate_falls_back_to_the_file_name():
    assert make_slug("🔥🔥", "aleppo-report", set()) == "aleppo-report"


# --- import -------------------------------------------------------------------------------------

RUSSIAN_PAGE = ("<!DOCTYPE html><html lang=\"{lang}\"><head><title>Удары под Алеппо</title></head><body><article>"
                "<h1>Удары под Алеппо</h1><p>" + " ".join([RUSSIAN["body"]] * 6) + "</p></article></body></html>")


@pytest.mark.parametrize("lang, written", [("RU-ru", "ru-RU"), ("xx", "ru"), ("", "ru")])
def test_import_writes_a_language_tag_check_accepts(site, run, tmp_path, lang, written):
    source = tmp_path / "page.html"
    source.write_text(RUSSIAN_PAGE.format(lang=lang), encoding="utf-8")
    assert run("import", "--site", site.root, source, "-q").code == 0
    imported = (site.root / "content/articles/udary-pod-aleppo.md").read_text(encoding="utf-8")
    assert f"\nlanguage: {written}\n" in imported  # a tag no registry knows is not kept: the text is read instead


# --- in the browser -----------------------------------------------------------------------------

def test_the_arabic_text_is_laid_out_right_to_left_on_its_page_and_in_a_list(site, run, page):
    from webserver import serve

    multilingual(site)
    assert run("build", "--site", site.root, "-q").code == 0
    with serve(site.build_dir) as base:
        page.goto(base + "articles/aljazeera-aleppo/")
        for selector in ("h1", "section.article-text p"):
            element = page.locator(selector).first
            assert element.evaluate("e => [getComputedStyle(e).direction, e.closest('[lang]').lang]") == ["rtl", "ar"]
        assert page.locator("#context-heading").evaluate("e => getComputedStyle(e).direction") == "ltr"
        page.goto(base)
        title = page.locator("a bdi", has_text=ARABIC["title"])
        assert title.evaluate("e => [getComputedStyle(e).direction, e.closest('[lang]').lang]") == ["rtl", "ar"]
        english = page.locator("a bdi", has_text=ENGLISH["title"])
        assert english.evaluate("e => getComputedStyle(e).direction") == "ltr"
