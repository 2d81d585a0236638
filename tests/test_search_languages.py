"""Search across languages: a collection of English, Russian and Arabic pieces, searched from an
English interface, finds each piece by an inflected form of its words (Pagefind's stemmer for the
piece's language), and no piece is lost or indexed twice, in a whole index or after an edit.

The browser tests share one built site (module scope) and rebuild it once, for the edit.
"""

from __future__ import annotations

import json
import zlib
from pathlib import Path

import pytest

from conftest import SITE_YML, Site, article
from test_search import settled_titles
from webserver import serve

PIECES = {
    # slug: (title, language, body)
    "council-vote": ("The council vote", "en",
                     "(Reuters) The councillors voted on the harbour budget after a long debate about the ferries."),
    "vybory-v-gorode": ("Выборы в городском совете", "ru",
                        "(Reuters) Депутаты снова баллотировались на выборах. Избиратели пришли к урнам рано утром."),
    "intikhabat": ("الانتخابات في المدينة", "ar",
                   "(Reuters) ترشح المرشحون للانتخابات البلدية مرة أخرى، وشارك الناخبون في التصويت."),
    "ferry-strike": ("The ferry strike", None,
                     "Ferry crews stopped work for a day; the harbour stood still."),
}


def write_pieces(site: Site, extra: dict[str, str] | None = None) -> None:
    for slug, (title, language, body) in PIECES.items():
        site.write(f"content/articles/{slug}.md",
                   article(title=title, language=language, body=body + (extra or {}).get(slug, "")))


def fragments(bundle: Path) -> dict[str, str]:
    """Each page a bundle indexed (its URL) with its fragment's id."""
    pages = {}
    for fragment in (bundle / "fragment").iterdir():
        data = json.loads(zlib.decompress(fragment.read_bytes(), 16 + zlib.MAX_WBITS).removeprefix(b"pagefind_dcd"))
        pages[data["url"]] = fragment.name.split(".")[0]
    return pages


def manifest(index: Path) -> dict:
    module = (index / "pagefind.js").read_text(encoding="utf-8")
    start = module.index("/*MANIFEST*/") + len("/*MANIFEST*/")
    return json.JSONDecoder().raw_decode(module, start)[0]


def test_each_language_is_indexed_apart_with_its_own_stemmer_and_every_piece_once(site, run):
    write_pieces(site)
    assert run("build", "--site", str(site.root), "-q").code == 0
    base = site.build_dir / "pagefind" / "base"
    assert sorted(item.name for item in base.iterdir() if item.is_dir()) == ["ar", "en", "ru"]
    for language in ("ar", "en", "ru"):
        entry = json.loads((base / language / "pagefind-entry.json").read_text())
        assert list(entry["languages"]) == [language], "one language per bundle: the module loads its stemmer"
        assert entry["languages"][language]["wasm"] == language
    indexed = {language: fragments(base / language) for language in ("ar", "en", "ru")}
    pieces = [url for pages in indexed.values() for url in pages if url.startswith("/articles/")]
    assert sorted(pieces) == sorted(f"/articles/{slug}/" for slug in PIECES), "every piece indexed, once"
    assert "/articles/vybory-v-gorode/" in indexed["ru"] and "/articles/intikhabat/" in indexed["ar"]
    assert "/articles/ferry-strike/" in indexed["en"], "a piece without a language is in the site's"
    assert manifest(site.build_dir / "pagefind")["languages"] == ["ar", "en", "ru"]
    assert (site.build_dir / "pagefind" / "pagefind-ui.js").is_file(), "the UI where themes load it from"


def test_an_edit_is_indexed_in_its_own_languages_delta_and_supersedes_its_old_version(site, run):
    write_pieces(site)
    assert run("build", "--site", str(site.root), "-q").code == 0
    index = site.build_dir / "pagefind"
    old_id = fragments(index / "base" / "ru")["/articles/vybory-v-gorode/"]
    write_pieces(site, {"vybory-v-gorode": " Наблюдатели отметили нарушения."})
    assert run("build", "--site", str(site.root), "-q").code == 0
    found = manifest(index)
    assert found["deltaLanguages"] == ["ru"] and found["languages"] == ["ar", "en", "ru"]
    assert found["superseded"] == [old_id]
    assert list(fragments(index / "delta" / "ru")) == ["/articles/vybory-v-gorode/"]
    assert found["changed"] == [fragments(index / "delta" / "ru")["/articles/vybory-v-gorode/"]]


def test_a_piece_in_a_language_new_to_the_site_is_searchable_after_an_edit_build(site, run):
    write_pieces(site)
    assert run("build", "--site", str(site.root), "-q").code == 0
    site.write("content/articles/wahl.md", article(title="Die Wahl", language="de-AT", body="Die Wähler wählten."))
    assert run("build", "--site", str(site.root), "-q").code == 0
    found = manifest(site.build_dir / "pagefind")
    assert "de" not in found["languages"] and found["deltaLanguages"] == ["de"]
    assert list(fragments(site.build_dir / "pagefind" / "delta" / "de")) == ["/articles/wahl/"]
    assert run("build", "--site", str(site.root), "--full-search", "-q").code == 0
    assert manifest(site.build_dir / "pagefind")["languages"] == ["ar", "de", "en", "ru"]


def test_a_collection_in_one_language_keeps_a_single_bundle(site, run):
    site.write("content/articles/one.md", article(title="One", body="Only English here."))
    assert run("build", "--site", str(site.root), "-q").code == 0
    base = site.build_dir / "pagefind" / "base"
    assert sorted(item.name for item in base.iterdir() if item.is_dir()) == ["en"]


def test_the_bundle_language_is_the_primary_subtag_and_a_bad_tag_falls_back_to_the_sites():
    from site_builder.search import index_language
    assert index_language("pt-BR", "en") == "pt"
    assert index_language("zh_Hant", "en") == "zh"
    assert index_language("", "fr-CA") == "fr"
    assert index_language("not a tag", "ru") == "ru"
    assert index_language("", "") == "en"


# --- in the browser: one site, searched from its English interface ---------------------------

@pytest.fixture(scope="module")
def languages_site(tmp_path_factory, browser):
    site = Site(tmp_path_factory.mktemp("languages") / "site")
    site.write("site.yml", SITE_YML)
    write_pieces(site)
    from site_builder.cli import main
    assert main(["build", "--site", str(site.root), "-q"]) == 0
    with serve(site.build_dir) as base:
        yield site, base


def search_for(page, base: str, query: str) -> None:
    page.goto(base + "search/?q=" + query)
    page.wait_for_selector(".pagefind-ui__message", state="attached")
    page.wait_for_function("() => !document.querySelector('.pagefind-ui__message').textContent.includes('Searching')")


@pytest.mark.parametrize("query, title", [
    ("выборы", "Выборы в городском совете"),  # the text has "выборах"
    ("избирателей", "Выборы в городском совете"),  # "Избиратели"
    ("انتخابات", "الانتخابات في المدينة"),  # the text has "للانتخابات", the title "الانتخابات"
    ("المرشح", "الانتخابات في المدينة"),  # "المرشحون"
    ("councillor", "The council vote"),
])
def test_a_word_in_any_language_finds_its_piece_from_an_english_page(languages_site, page, query, title):
    _, base = languages_site
    search_for(page, base, query)
    assert settled_titles(page, [title]) == [title]
    assert page.evaluate("document.documentElement.lang") == "en"


def test_results_carry_their_pieces_language_and_direction(languages_site, page):
    _, base = languages_site
    search_for(page, base, "انتخابات")
    settled_titles(page, ["الانتخابات في المدينة"])
    page.wait_for_selector(".pagefind-ui__result-title[lang='ar']")
    title = page.locator(".pagefind-ui__result-title").first
    assert title.get_attribute("dir") == "rtl"
    assert title.evaluate("element => getComputedStyle(element).direction") == "rtl"
    excerpt = page.locator(".pagefind-ui__result-excerpt").first
    assert excerpt.get_attribute("lang") == "ar"
    search_for(page, base, "выборы")
    settled_titles(page, ["Выборы в городском совете"])
    page.wait_for_selector(".pagefind-ui__result-title[lang='ru'][dir='ltr']")


def test_the_language_filter_lists_each_language_and_narrows_the_results(languages_site, page):
    _, base = languages_site
    search_for(page, base, "Reuters")  # agency copy, in three languages
    every = [title for title, language, _ in PIECES.values() if title != "The ferry strike"]
    assert sorted(settled_titles(page, every, any_order=True)) == sorted(every)
    labels = [label.strip() for label in page.locator(".pagefind-ui__filter-label").all_inner_texts()]
    assert {"Arabic (1)", "English (1)", "Russian (1)"} <= set(labels), "named in the page's language, counted"
    page.get_by_label("Russian").check()
    assert settled_titles(page, ["Выборы в городском совете"]) == ["Выборы в городском совете"]


def test_an_edited_piece_is_found_by_its_new_word_in_its_language(languages_site, page):
    site, base = languages_site
    write_pieces(site, {"vybory-v-gorode": " Наблюдатели отметили нарушения на участках.",
                        "intikhabat": " وقال المراقبون إن الاقتراع كان هادئا."})
    from site_builder.cli import main
    assert main(["build", "--site", str(site.root), "-q"]) == 0
    assert manifest(site.build_dir / "pagefind")["deltaLanguages"] == ["ar", "ru"], "indexed apart, per language"
    search_for(page, base, "нарушение")  # the text has "нарушения"
    assert settled_titles(page, ["Выборы в городском совете"]) == ["Выборы в городском совете"]
    search_for(page, base, "مراقبون")  # the text has "المراقبون"
    assert settled_titles(page, ["الانتخابات في المدينة"]) == ["الانتخابات في المدينة"]
    search_for(page, base, "выборы")  # an old word still finds the piece once, from delta/ alone
    assert settled_titles(page, ["Выборы в городском совете"]) == ["Выборы в городском совете"]


def test_results_in_three_languages_keep_axe_at_zero_in_light_and_dark(languages_site, browser):
    from test_quality import AXE, require
    require(AXE)
    _, base = languages_site
    found = {}
    for scheme in ("light", "dark"):
        context = browser.new_context(bypass_csp=True, color_scheme=scheme)  # the CSP would refuse axe
        tab = context.new_page()
        search_for(tab, base, "Reuters")
        tab.wait_for_selector(".pagefind-ui__result-title[lang='ar']")
        tab.wait_for_selector(".pagefind-ui__result-title[lang='ru']")
        tab.add_script_tag(path=str(AXE))
        found[scheme] = tab.evaluate("""async () => (await axe.run(document, {resultTypes: ['violations']}))
            .violations.map(v => v.id + ': ' + v.nodes.map(n => n.target.join(' ')).join(', '))""")
        context.close()
    assert found == {"light": [], "dark": []}
