"""The interface in the site's language: catalogues complete, English as the fallback, locale dates, direction."""

from __future__ import annotations

import re

import pytest
from lxml import html as lxml_html
from babel.messages.pofile import read_po

from site_builder.catalogues import extract, languages, missing_strings, pot_path
from site_builder.i18n import po_path
from site_builder.render import default_theme_dir

THEME = default_theme_dir()
SHIPPED = ("en", "fr", "de", "ru", "ar")


def set_language(site, language: str) -> None:
    site.write("site.yml", site.root.joinpath("site.yml").read_text() + f"language: {language}\n")


def test_the_default_theme_ships_the_five_interface_languages():
    assert set(SHIPPED) <= set(languages(THEME))


def test_the_catalogue_template_holds_every_string_of_the_theme_as_it_is_now():
    """Fails when a template string was added or changed without `make messages`."""
    current = {m.id for m in extract(THEME) if m.id}
    with pot_path(THEME).open("rb") as handle:
        committed = {m.id for m in read_po(handle) if m.id}
    assert current == committed, "run `make messages` and translate the new strings"


@pytest.mark.parametrize("language", SHIPPED)
def test_every_shipped_catalogue_translates_every_string_with_its_placeholders(language):
    template = extract(THEME)
    missing = missing_strings(template, [po_path(THEME, language)])
    assert not missing, f"{language}: " + "; ".join(f"{m.where}: {m.msgid}" for m in missing)
    with po_path(THEME, language).open("rb") as handle:
        catalog = read_po(handle)
    errors = [(m.id, [str(e) for e in errs]) for m, errs in catalog.check()]
    assert not errors  # the same %(name)s placeholders, and every plural form the language has


def test_a_french_interface_speaks_french_with_french_dates(site, run):
    set_language(site, "fr")
    site.add_article("piece", caveats=["One caveat."])
    assert run("build", "--site", site.root, "-q").code == 0
    home = site.page("")
    assert home.get("lang") == "fr" and home.get("dir") == "ltr"
    assert "9 octobre 2015" in home.text_content()
    assert "Tous les articles, du plus récent au plus ancien" in home.text_content()
    assert "1 réserve" in home.text_content()
    timeline = site.page("timeline/").text_content()
    assert "octobre 2015" in timeline and "October" not in timeline


def test_an_arabic_interface_is_right_to_left(site, run):
    set_language(site, "ar")
    site.add_article("piece")
    assert run("build", "--site", site.root, "-q").code == 0
    article = site.page("articles/piece/")
    assert (article.get("lang"), article.get("dir")) == ("ar", "rtl")
    assert "السياق من المحرّرين" in article.text_content()


def test_a_language_without_a_catalogue_warns_at_its_line_and_shows_english(site, run):
    set_language(site, "es")
    site.add_article("piece")
    result = run("build", "--site", site.root)
    assert result.code == 0
    line = next(i for i, text in enumerate(site.root.joinpath("site.yml").read_text().splitlines(), 1)
                if text.startswith("language:"))
    assert f"site.yml:{line}: warning: `language`: the theme has no catalogue for `es`" in result.err + result.out
    assert "[SB404]" in result.err + result.out
    assert "Every piece, newest first" in site.page("").text_content()


def test_a_site_theme_adds_a_language_string_by_string_and_the_rest_falls_back_to_english(site, run):
    set_language(site, "es")
    site.add_article("piece")
    assert run("translations", "es", "--update", "--site", site.root).code == 0
    po = site.root / "themes/default/locale/es/LC_MESSAGES/messages.po"
    text = po.read_text(encoding="utf-8")
    po.write_text(text.replace('msgid "Every piece, newest first"\nmsgstr ""',
                               'msgid "Every piece, newest first"\nmsgstr "Todas las piezas, las más recientes primero"'),
                  encoding="utf-8")
    result = run("build", "--site", site.root)
    assert result.code == 0 and "SB404" not in result.err + result.out
    home = site.page("").text_content()
    assert "Todas las piezas, las más recientes primero" in home
    assert "The collection at a glance" in home  # not translated yet: English
    listed = run("translations", "es", "--site", site.root)
    assert listed.code == 1
    assert "missing: The collection at a glance" in listed.out
    assert "missing: Every piece, newest first" not in listed.out


def test_a_site_theme_rewords_a_string_the_default_theme_already_translates(site, run):
    """The most specific theme's catalogue wins string by string, as for templates: an editor
    can reword one French string and keep the rest of the default theme's French."""
    set_language(site, "fr")
    site.add_article("piece")
    site.write("themes/default/locale/fr/LC_MESSAGES/messages.po",
               'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
               'msgid "Every piece, newest first"\nmsgstr "Toutes les pièces, les plus récentes d\'abord"\n')
    assert run("build", "--site", site.root, "-q").code == 0
    home = site.page("").text_content()
    assert "Toutes les pièces, les plus récentes d'abord" in home
    assert "Tous les articles, du plus récent au plus ancien" not in home
    assert "Rechercher" in site.page("search/").text_content()  # the rest: the default theme's French


def test_the_merged_catalogue_is_kept_compiled_while_the_po_files_are_the_same(site, run, monkeypatch):
    """A build keeps the merged catalogue in the state's folder and the next reads it without
    parsing a .po; an edit to a .po is read on the next build."""
    from site_builder import i18n

    parsed = []
    merged = i18n._merged
    monkeypatch.setattr(i18n, "_merged", lambda sources: parsed.append(len(sources)) or merged(sources))

    def build() -> str:
        monkeypatch.setattr(i18n, "_in_memory", {})  # as a new process: only what is on disk
        assert run("build", "--site", site.root, "-q").code == 0
        return site.page("").text_content()

    def translate(words: str) -> None:
        site.write("themes/default/locale/es/LC_MESSAGES/messages.po",
                   'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
                   f'msgid "Every piece, newest first"\nmsgstr "{words}"\n')

    set_language(site, "es")
    site.add_article("piece")
    translate("Todas las piezas")
    assert "Todas las piezas" in build() and parsed == [1]
    kept = list((site.root / ".site-builder-cache").glob("catalogue-*.mo"))
    assert len(kept) == 1
    site.add_article("other", title="Another piece")
    assert "Todas las piezas" in build() and parsed == [1]  # read as kept, not parsed
    translate("Cada pieza")
    home = build()
    assert "Cada pieza" in home and "Todas las piezas" not in home and parsed == [1, 1]
    assert list((site.root / ".site-builder-cache").glob("catalogue-*.mo")) != kept  # the old one removed
    assert len(list((site.root / ".site-builder-cache").glob("catalogue-*.mo"))) == 1
    kept = list((site.root / ".site-builder-cache").glob("catalogue-*.mo"))
    kept[0].write_bytes(b"damaged")
    assert "Cada pieza" in build() and parsed == [1, 1, 1]  # a damaged copy is made again
    monkeypatch.setattr(i18n, "_in_memory", {})
    translate("Una pieza")
    assert run("check", "--site", site.root).code == 0 and parsed == [1, 1, 1, 1]
    assert list((site.root / ".site-builder-cache").glob("catalogue-*.mo")) == kept  # check writes nothing


def test_a_language_that_is_not_a_tag_is_an_error_with_a_did_you_mean(site, run):
    set_language(site, "French")
    site.add_article("piece")
    result = run("check", "--site", site.root)
    assert result.code == 1
    assert "`language`: `French` is not a language tag (did you mean `fr` (French)?) [SB150]" in result.err + result.out


# An all-Arabic collection: any Latin word its pages show is ours, not the editors' or an outlet's.
ARABIC_SITE = """\
title: مجموعة الاختبار
description: مجموعة صغيرة للاختبار.
base_url: /
language: ar
stances:
  pro: يتبنّى رواية الحكومة.
  mixed: يعرض روايات عدة.
  critical: يعارض الحملة.
verdicts:
  true: تؤكده الأدلة.
  false: تنفيه الأدلة.
annotation_kinds:
  comment: ملاحظة من المحرّرين.
"""
ARABIC_PIECE = """\
---
title: {title}
outlet: {outlet}
date: {date}
stance: {stance}
event: strikes
caveats:
  - الأرقام من الوزارة وحدها.
claims:
  - id: precise
    text: كانت الضربات دقيقة.
    verdict: 'false'
    role: makes
annotations:
  - quote: كانت الضربات دقيقة
    note: الوزارة وحدها تقول ذلك.
  - quote: قالت الوزارة
    note: مصدر رسمي.
    by: سارة
corrections:
  - date: 2016-01-05
    kind: clarification
    field: caveats
    was: قبل الثامن
    now: بعد السابع
    why: الأرقام تطابق تقرير الوزارة.
---

قالت الوزارة إن كانت الضربات دقيقة. انظر [[{other}]].
"""
# Words of ours that are names in every language (formats, standards, tools), and the editors' keys (stances
# and verdicts, annotation kinds and claim ids are slugs: readers see them as written).
NAMES = {"pro", "mixed", "critical", "true", "false", "comment", "precise", "LD", "JavaScript", "JSON", "CSV",
         "Atom", "BibTeX", "CSL", "RIS", "SPDX", "SHA", "Schema", "Draft", "UTF", "RFC", "Excel", "Markdown",
         "HTML", "Python", "Zotero", "citeproc", "W3C", "Web", "Annotation", "Annotations", "Feed", "site",
         "builder", "import", "Internet", "Archive", "Pagefind", "Creative", "Commons", "Attribution",
         "International", "CC", "BY", "APA", "MLA", "Chicago", "Harvard", "Vancouver", "IEEE", "Turabian"}


def visible_latin_words(page) -> set[str]:
    """The Latin-script words a reader sees (text, and the titles and labels read aloud), less code and addresses."""
    # Citations are in their style's language (APA's English), as a reference manager reads them.
    for element in page.xpath("//script | //style | //code | //pre | //*[@lang='en'] | //*[contains(@class, 'citation')]"):
        element.drop_tree()
    texts = page.xpath("//body//text()") + page.xpath("//body//@title | //body//@aria-label | //body//@alt"
                                                      " | //body//@placeholder | //body//@data-preview")
    words = set()
    for text in texts:
        text = re.sub(r"\S*(?:/|\.(?:json|csv|xml|bib|ris|jsonld|md|yml))\S*", " ", str(text))  # paths, file names
        words |= set(re.findall(r"[A-Za-z]{2,}", text))
    return words - NAMES


def test_an_arabic_collection_in_an_arabic_interface_shows_no_english_word(site, run):
    site.write("site.yml", ARABIC_SITE)
    site.write("content/articles/first.md", ARABIC_PIECE.format(title="الضربات الأولى", outlet="صحيفة الشرق",
                                                                date="2015-10-09", stance="pro", other="second"))
    site.write("content/articles/second.md", ARABIC_PIECE.format(title="الضربات الثانية", outlet="صحيفة الغرب",
                                                                 date="2015-11-02", stance="critical", other="first"))
    site.write("content/events.yml", "strikes:\n  title: ضربات أكتوبر\n  description: الأسابيع الأولى من الحملة.\n")
    result = run("build", "--site", site.root, "-q")
    assert result.code == 0, result.err + result.out
    leftovers = {}
    for path in sorted(site.build_dir.rglob("*.html")):
        words = visible_latin_words(lxml_html.fromstring(path.read_bytes()))
        if words:
            leftovers[str(path.relative_to(site.build_dir))] = sorted(words)
    assert not leftovers, "\n".join(f"{path}: {words}" for path, words in leftovers.items())
