"""Themes: a site overrides one template or stylesheet and the rest comes from the default theme;
the theme's CSS and JS are published minified under fingerprinted names; no page carries inline
script or style (the Content-Security-Policy forbids them); page weights stay within budget."""

from __future__ import annotations

import gzip
import re
import shutil
from pathlib import Path

import pytest

from conftest import Site

REPO = Path(__file__).resolve().parent.parent
FINGERPRINTED = re.compile(r"^/static/(?P<stem>[\w-]+)\.(?P<hash>[0-9a-f]{10})\.(?P<ext>css|js)$")


def use_theme(site, name="mine"):
    site.write("site.yml", site.root.joinpath("site.yml").read_text() + f"theme: {name}\n")


def stylesheet_href(page) -> str:
    [href] = [link.get("href") for link in page.cssselect("link[rel=stylesheet]") if "/style." in link.get("href")]
    return href


def read_stylesheet(site, page) -> str:
    return (site.build_dir / stylesheet_href(page).lstrip("/")).read_text()


def test_one_overridden_template_falls_back_to_the_default_theme_for_the_rest(site, run):
    use_theme(site)
    site.write("themes/mine/templates/index.html",
               "{% extends 'base.html' %}{% block main %}<ul class='my-list'>{% for a in articles %}"
               "<li>{{ a.title }} ({{ a.stance }})</li>{% endfor %}</ul>{% endblock %}")
    site.add_article("piece", title="Piece", stance="mixed")
    assert run("build", "--site", site.root).code == 0
    home = site.page("")
    assert home.cssselect(".my-list li")[0].text == "Piece (mixed)"
    assert home.cssselect(".site-header")  # base.html still comes from the default theme
    article = site.page("articles/piece/")
    assert article.cssselect(".context-panel"), "article.html still comes from the default theme"
    assert (site.build_dir / "static" / "style.css").is_file()


def test_one_template_restyles_the_entries_of_every_list(site, run):
    """_piece_item.html is each article's entry on the home page and its outlet's and tags' lists."""
    use_theme(site)
    site.write("themes/mine/templates/_piece_item.html", "<li class='mine'>{{ article.title }} / {{ article.outlet }}</li>")
    site.add_article("piece", title="Piece", outlet="Outlet A", tags=["harbour"])
    assert run("build", "--site", site.root).code == 0
    for page in ("", "outlets/outlet-a/", "tags/harbour/"):
        assert [li.text for li in site.page(page).cssselect("li.mine")] == ["Piece / Outlet A"], page


def test_a_site_stylesheet_replaces_the_default_one_of_the_same_name(site, run):
    use_theme(site)
    site.write("themes/mine/static/style.css", "body { color: rebeccapurple; }\n")
    site.write("themes/mine/static/extra.js", "// site's own script\n")
    site.add_article("piece")
    assert run("build", "--site", site.root).code == 0
    assert read_stylesheet(site, site.page("")) == "body{color:rebeccapurple}\n"
    assert (site.build_dir / "static" / "style.css").read_text() == "body { color: rebeccapurple; }\n"
    assert (site.build_dir / "static" / "extra.js").is_file()


def test_a_missing_theme_is_reported(site, run):
    use_theme(site, "nowhere")
    site.add_article("piece")
    result = run("build", "--site", site.root)
    assert result.code == 1
    assert "site.yml: theme `nowhere` not found (create themes/nowhere/ or set `theme: default`)" in result.err


# --- minified, fingerprinted assets ---------------------------------------------------------------

def test_css_and_js_are_published_minified_under_fingerprinted_names(site, run):
    site.add_article("piece", body="Text.\n\n```python\nprint(1)\n```")
    assert run("build", "--site", site.root).code == 0
    page = site.page("articles/piece/")
    urls = [link.get("href") for link in page.cssselect("link[rel=stylesheet]")] + \
           [script.get("src") for script in page.cssselect("script[src]")]
    assert {FINGERPRINTED.match(url)["stem"] for url in urls} == {"style", "pygments", "theme", "preview", "cite"}
    theme_static = REPO / "themes" / "default" / "static"
    for url in urls:
        published = (site.build_dir / url.lstrip("/")).read_text()
        stem, ext = FINGERPRINTED.match(url)["stem"], FINGERPRINTED.match(url)["ext"]
        if stem != "pygments":
            source = (theme_static / f"{stem}.{ext}").read_text()
            assert len(published) < 0.8 * len(source), f"{url} is minified"
        assert "/*" not in published and "\n\n" not in published, f"{url} has no comments or blank lines"


def test_a_changed_stylesheet_gets_a_new_name(site, run):
    site.add_article("piece")
    assert run("build", "--site", site.root).code == 0
    before = stylesheet_href(site.page(""))
    use_theme(site)
    site.write("themes/mine/static/style.css", "body { color: rebeccapurple; }\n")
    assert run("build", "--site", site.root).code == 0
    after = stylesheet_href(site.page(""))
    assert FINGERPRINTED.match(before) and FINGERPRINTED.match(after) and before != after


def test_an_unknown_asset_is_reported_at_its_template_line(site, run):
    use_theme(site)
    site.write("themes/mine/templates/index.html",
               "{% extends 'base.html' %}\n{% block styles %}<link rel='stylesheet' href='{{ asset(\"nope.css\") }}'>"
               "{% endblock %}\n")
    site.add_article("piece")
    result = run("build", "--site", site.root)
    assert result.code == 1
    assert "themes/mine/templates/index.html:2:" in result.err
    assert "asset('nope.css'): no static/nope.css in the theme" in result.err
    assert "Traceback" not in result.err


# --- the bundled collection: no inline code, page weights -----------------------------------------

@pytest.fixture(scope="module")
def bundled(tmp_path_factory) -> Site:
    """The repository's own collection (every page kind, real article lengths), built once."""
    from site_builder.cli import main

    site = Site(tmp_path_factory.mktemp("bundled") / "site")
    site.root.mkdir()
    shutil.copy(REPO / "site.yml", site.root / "site.yml")
    shutil.copytree(REPO / "content", site.root / "content")
    assert main(["build", "--site", str(site.root), "-q"]) == 0
    return site


def built_pages(site: Site) -> list[Path]:
    return sorted(site.build_dir.rglob("*.html"))


def test_no_page_has_inline_script_style_or_event_handlers(bundled):
    for path in built_pages(bundled):
        page = bundled.page(str(path.relative_to(bundled.build_dir)))
        where = path.relative_to(bundled.build_dir)
        assert not page.cssselect("style"), f"{where}: a <style> block"
        assert not page.xpath("//*[@style]"), f"{where}: a style attribute"
        assert not page.xpath("//@*[starts-with(name(), 'on')]"), f"{where}: an inline event handler"
        for script in page.iter("script"):
            assert script.get("src") or script.get("type") == "application/ld+json", f"{where}: an inline script"


PAGE_BUDGET = 30 * 1024  # bytes: an article page's HTML plus its CSS, compressed as served


def article_weight(site: Site, path: Path) -> tuple[int, int]:
    """(bytes as served with gzip, bytes uncompressed) of an article's HTML plus every stylesheet it links."""
    page = site.page(str(path.relative_to(site.build_dir)))
    files = [path] + [site.build_dir / link.get("href").lstrip("/") for link in page.cssselect("link[rel=stylesheet]")]
    return (sum(len(gzip.compress(f.read_bytes(), 9)) for f in files), sum(f.stat().st_size for f in files))


def test_every_article_page_with_its_css_weighs_under_30_kb(bundled):
    articles = sorted((bundled.build_dir / "articles").glob("*/index.html"))
    assert len(articles) == 5
    for path in articles:
        served, raw = article_weight(bundled, path)
        assert served < PAGE_BUDGET, f"{path.parent.name}: {served} bytes served ({raw} uncompressed)"


def test_search_assets_load_only_on_the_search_page(bundled):
    for path in built_pages(bundled):
        where = str(path.relative_to(bundled.build_dir))
        page = bundled.page(where)
        loaded = [e.get("src") or e.get("href") for e in page.cssselect("script[src], link[rel=stylesheet]")]
        uses_pagefind = any("pagefind" in url for url in loaded)
        assert uses_pagefind == (where == "search/index.html"), f"{where} loads {loaded}"


# --- in a real browser: measure, phones, sidenotes, dark theme, no JavaScript, print ----------------

ARTICLE = "articles/russia-and-syria-on-the-offensive-against-isis-ground-operations-coordinated/"


@pytest.fixture(scope="module")
def bundled_url(bundled):
    from webserver import serve

    with serve(bundled.build_dir) as base:
        yield base


@pytest.fixture
def tab_for(browser):
    """A new tab with the given browser-context options (viewport, colour scheme, JavaScript)."""
    contexts = []

    def open_tab(width=1280, **options):
        context = browser.new_context(viewport={"width": width, "height": 900}, **options)
        contexts.append(context)
        return context.new_page()

    yield open_tab
    for context in contexts:
        context.close()


CHARACTERS_PER_LINE = """() => {
  const counts = [];
  for (const p of document.querySelectorAll('.article-text > p:not(:has(.annotation-note))')) {
    const lines = Math.round(p.getBoundingClientRect().height / parseFloat(getComputedStyle(p).lineHeight));
    if (lines >= 3) counts.push(p.textContent.length / (lines - 0.5));  // the last line is half full
  }
  counts.sort((a, b) => a - b);
  return counts[Math.floor(counts.length / 2)];
}"""


@pytest.mark.parametrize("width", [768, 1280, 1920])
def test_the_text_column_holds_60_to_75_characters_a_line(tab_for, bundled_url, width):
    tab = tab_for(width)
    tab.goto(bundled_url + ARTICLE)
    assert 60 <= tab.evaluate(CHARACTERS_PER_LINE) <= 75


def test_no_page_scrolls_sideways_on_a_320_px_phone(tab_for, bundled, bundled_url):
    tab = tab_for(320)
    for path in built_pages(bundled):
        where = path.relative_to(bundled.build_dir).as_posix().removesuffix("index.html")
        tab.goto(bundled_url + where)
        assert tab.evaluate("document.documentElement.scrollWidth") <= 320, where


def test_annotation_notes_sit_in_the_margin_when_there_is_room_else_right_after_their_passage(tab_for, bundled_url):
    wide = tab_for(1280)
    wide.goto(bundled_url + ARTICLE)
    note, text = wide.locator(".annotation-note").first, wide.locator(".article-text > p").first
    assert note.is_visible()
    assert note.bounding_box()["x"] >= text.bounding_box()["x"] + text.bounding_box()["width"], "in the right margin"
    phone = tab_for(375)
    phone.goto(bundled_url + ARTICLE)
    note, mark = phone.locator(".annotation-note").first, phone.locator("mark").first
    assert note.is_visible() and note.bounding_box()["y"] >= mark.bounding_box()["y"], "below its passage"


def background(tab, selector: str) -> str:
    return tab.eval_on_selector(selector, "e => getComputedStyle(e).backgroundColor")


def test_dark_theme_follows_the_system_and_the_toggle_remembers_the_choice(tab_for, bundled, bundled_url):
    [applies_choice] = bundled.page("").xpath("//head/script[contains(@src, '/theme.')]")
    assert applies_choice.get("defer") is None and applies_choice.get("async") is None, "runs before the first paint"
    light = tab_for(color_scheme="light")
    light.goto(bundled_url)
    assert background(light, "body") == "rgb(255, 255, 255)"
    dark = tab_for(color_scheme="dark")
    dark.goto(bundled_url)
    assert background(dark, "body") == "rgb(20, 20, 22)"
    toggle = dark.get_by_role("button", name="Dark theme")
    assert toggle.get_attribute("aria-pressed") == "true"
    toggle.click()
    assert background(dark, "body") == "rgb(255, 255, 255)"
    assert toggle.get_attribute("aria-pressed") == "false"
    dark.goto(bundled_url + ARTICLE)  # another page, same reader: the choice is remembered
    assert dark.evaluate("document.documentElement.dataset.theme") == "light"
    assert background(dark, "body") == "rgb(255, 255, 255)"


def test_article_pages_work_without_javascript(tab_for, bundled_url):
    tab = tab_for(java_script_enabled=False, color_scheme="dark")
    tab.goto(bundled_url + ARTICLE)
    assert tab.locator(".context-panel").is_visible() and tab.locator(".article-text").is_visible()
    assert tab.locator(".editorial-notes").is_visible()
    assert not tab.locator(".theme-toggle").is_visible(), "a toggle that cannot work is not shown"
    assert background(tab, "body") == "rgb(20, 20, 22)", "the system's dark scheme still applies"


def test_print_drops_navigation_prints_addresses_and_keeps_the_notes(tab_for, bundled_url):
    tab = tab_for(1280)
    tab.goto(bundled_url + ARTICLE)
    tab.emulate_media(media="print")
    for hidden in (".site-header nav", ".site-search", ".site-footer"):
        assert not tab.locator(hidden).first.is_visible(), hidden
    assert tab.locator(".article-text .annotation-note").first.is_visible(), "notes printed beside their passage"
    source = tab.locator("main a[href^='http']").first
    printed = source.evaluate("a => getComputedStyle(a, '::after').content")
    assert source.get_attribute("href") in printed, "a printed link shows its address"


def test_the_editors_words_never_look_like_the_outlets(tab_for, bundled_url):
    for scheme in ("light", "dark"):
        tab = tab_for(color_scheme=scheme)
        tab.goto(bundled_url + ARTICLE)
        text = background(tab, ".article-text")
        for editors in (".context-panel", ".editorial-notes"):
            assert background(tab, editors) != text, f"{editors} is tinted ({scheme})"
            assert tab.eval_on_selector(editors, "e => getComputedStyle(e).borderLeftStyle") == "solid"
        assert tab.locator(".context-panel h2").inner_text().lower() == "context from the editors"
        assert tab.locator(".article-text .voice-label").inner_text().lower().startswith("the text, as published by")


BADGE_LOOK = """els => els.map(e => [e.className, e.textContent.trim(), getComputedStyle(e, '::before').content,
                                   getComputedStyle(e).borderTopStyle + ' ' + getComputedStyle(e).borderTopWidth])"""


def test_stance_and_verdict_badges_differ_by_label_and_shape_not_only_colour(tab_for, bundled_url):
    tab = tab_for()
    looks = {}
    for path, selector in (("outlets/", ".stance"), ("claims/", ".verdict-legend .verdict")):
        tab.goto(bundled_url + path)
        for kind, label, glyph, border in tab.eval_on_selector_all(selector, BADGE_LOOK):
            assert label and glyph not in ("none", "normal", '""'), f"{kind} has a word and a symbol"
            looks.setdefault(selector, {})[kind] = (glyph, border)
    for selector, kinds in looks.items():
        assert len(kinds) >= 3 and len(set(kinds.values())) == len(kinds), f"each {selector} has its own shape"


# --- a second theme: themes/minimal restyles everything with two templates and one stylesheet ------

def test_the_minimal_theme_restyles_the_site_without_copying_the_default_theme(tmp_path, run):
    from linkcheck import broken_links

    site = Site(tmp_path / "site")
    shutil.copytree(REPO / "content", site.root / "content")
    shutil.copytree(REPO / "themes" / "minimal", site.root / "themes" / "minimal")
    site.write("site.yml", (REPO / "site.yml").read_text().replace("theme: default", "theme: minimal"))
    assert "theme: minimal" in (site.root / "site.yml").read_text()
    assert run("build", "--site", site.root).code == 0
    minimal = sorted(p.name for p in (REPO / "themes" / "minimal").rglob("*") if p.is_file())
    assert minimal == ["base.html", "index.html", "style.css"], "a theme is only what differs"

    home = site.page("")
    assert home.cssselect(".reading-list li"), "the home page comes from the minimal theme"
    assert "Georgia" in read_stylesheet(site, home), "so does the stylesheet, minified and fingerprinted"
    assert FINGERPRINTED.match(stylesheet_href(home))
    for page in (home, site.page("claims/"), site.page("articles/russian-warships-strike-islamic-state-targets-with-cruise-missiles/")):
        footer = page.cssselect(".site-footer")[0].text_content()
        assert "the editors' marked as theirs" in footer, "every page has the minimal footer (its base.html)"
        assert page.cssselect(".site-header nav a"), "the header still comes from the default base.html"
    article = site.page("articles/russian-warships-strike-islamic-state-targets-with-cruise-missiles/")
    assert article.cssselect(".context-panel .stance"), "article.html comes from the default theme"
    assert broken_links(site.build_dir, "/") == []
