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
    assert {FINGERPRINTED.match(url)["stem"] for url in urls} == {"style", "pygments", "theme", "preview"}
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
