"""The text as collected: an imported original shown readably, never republished as a live page.

A saved news page is shown by the article text the import's extractor reads from it and the
details it states, with the file to download as plain text; the page's navigation, advertising
and scripts never reach our pages. `publish_originals: false` keeps originals private: no page,
no file, no link. Claim notes show on the article pages carrying the claim.
"""

from __future__ import annotations

import hashlib
import mimetypes
from datetime import date
from pathlib import Path

import yaml

from conftest import SITE_YML
from site_builder.serve import content_type
from test_incremental import assert_same_as_clean, build as build_incrementally

FIXTURES = Path(__file__).parent / "fixtures" / "html"
ARTICLE_SENTENCE = "four warships in the Caspian Sea had fired 26 cruise missiles"
AD = ('<div class="advert"><script>top.__xss_advert=1</script><a href="https://ads.example/buy">'
      'ADVERTISEMENT: cheap offers on everything for your home</a><img src="https://ads.example/a.png"></div>\n')


def saved_page(folder: Path) -> Path:
    """The news-site fixture as a real saved page is: a few kB of article in half a megabyte of
    navigation, advertising and scripts."""
    page = (FIXTURES / "news-site.html").read_text(encoding="utf-8")
    navigation = "<nav><ul>" + "".join(f'<li><a href="/section/{i}">Section {i}</a></li>' for i in range(300)) + "</ul></nav>"
    page = page.replace("<body>", "<body>" + navigation + AD * 1200, 1).replace("</body>", AD * 1200 + "</body>")
    path = folder / "caspian-strike.html"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(page, encoding="utf-8")
    return path


def imported(site, run, *sources: Path) -> dict[str, Path]:
    """Import `sources`, build with drafts (imports are drafts), and map each source's name to its article."""
    result = run("import", "--site", site.root, "-q", *sources)
    assert result.code == 0, result.err
    built = run("build", "--site", site.root, "--drafts", "-q")
    assert built.code == 0, built.err
    articles = {}
    for path in (site.root / "content" / "articles").glob("*.md"):
        front = yaml.safe_load(path.read_text(encoding="utf-8").split("---")[1])
        articles[front["provenance"]["original_name"]] = path
    return articles


def with_option(site, value: str, more: str = "") -> None:
    site.write("site.yml", SITE_YML + f"publish_originals: {value}\n" + more)


# --- a saved web page -------------------------------------------------------------------------------


def test_a_saved_page_is_shown_by_its_extracted_text_and_details_with_the_file_to_download(site, run, tmp_path):
    original = saved_page(tmp_path / "raw")
    slug = imported(site, run, original)["caspian-strike.html"].stem
    page = site.page(f"articles/{slug}/source/")
    text = page.cssselect(".collected-page-text")[0].text_content()
    assert ARTICLE_SENTENCE in text
    assert "Questions over the targets" in [h.text_content() for h in page.cssselect(".collected-page-text h2")]
    states = dict(zip((dt.text_content() for dt in page.cssselect(".original-states dt")),
                      (dd.text_content() for dd in page.cssselect(".original-states dd"))))
    assert states == {"Title": "Russian warships fire cruise missiles at Syria from the Caspian Sea",
                      "Outlet": "The Example Times", "Author": "Jane Carter", "Published": "8 October 2015",
                      "Address": "https://www.example-times.co.uk/world/2015/oct/08/russia-caspian-missiles"}
    data = original.read_bytes()
    file_facts = page.cssselect(".original-file")[0].text_content()
    assert hashlib.sha256(data).hexdigest() in file_facts
    assert f"{len(data):,} bytes" in file_facts and "caspian-strike.html" in file_facts
    assert f"{date.today().day} {date.today():%B %Y}" in file_facts, "the import date"
    [link] = page.cssselect("a.download-original")
    assert link.get("download") == "caspian-strike.html", "downloaded under its own name"
    assert link.get("href") == f"/articles/{slug}/source/original.html.txt"
    assert (site.build_dir / link.get("href").lstrip("/")).read_bytes() == data, "byte for byte"


def test_the_saved_page_itself_is_never_shown_on_the_page(site, run, tmp_path):
    original = saved_page(tmp_path / "raw")
    slug = imported(site, run, original)["caspian-strike.html"].stem
    built = site.build_dir / "articles" / slug / "source" / "index.html"
    html = built.read_text(encoding="utf-8")
    assert original.stat().st_size > 400_000
    assert built.stat().st_size < 20_000, "the article's few kB, not the saved page's half megabyte"
    assert "ADVERTISEMENT" not in html and "__xss_advert" not in html and "Section 299" not in html
    assert "&lt;script&gt;" not in html, "no escaped copy of the page's markup either"
    scripts = site.page(f"articles/{slug}/source/").cssselect("script")
    assert all(s.get("src", "").startswith("/static/") for s in scripts), "only the theme's own scripts"


def test_the_original_is_published_only_as_plain_text(site, run, tmp_path):
    """Served as text/plain by the preview, and by GitHub Pages (by its `.txt` suffix): never a
    page that runs on the site's origin, where the saved page's scripts would run unhindered."""
    slug = imported(site, run, saved_page(tmp_path / "raw"))["caspian-strike.html"].stem
    published = sorted(p.name for p in (site.build_dir / "articles" / slug / "source").iterdir())
    assert published == ["index.html", "original.html.txt"]
    assert mimetypes.guess_type("original.html.txt")[0] == "text/plain"
    assert content_type(Path("original.html.txt")) == "text/plain; charset=utf-8"
    assert [p for p in site.build_dir.rglob("*") if "caspian-strike" in p.name] == []


def test_a_saved_page_with_no_article_today_still_builds_and_offers_the_file(site, run):
    """An original put in content/sources/ by hand (or one a newer extractor reads no article from)."""
    data = (FIXTURES / "empty-shell.html").read_bytes()
    site.write("content/sources/shell.html", data.decode())
    sha = hashlib.sha256(data).hexdigest()
    site.write("content/articles/shell.md", f"""---
title: A page that moved
outlet: The Example Times
date: 2015-10-08
provenance:
  source: content/sources/shell.html
  original_name: shell.html
  sha256: {sha}
  imported: 2024-01-05
---

The text, as the editors copied it by hand.
""")
    assert run("build", "--site", site.root, "-q").code == 0
    page = site.page("articles/shell/source/")
    assert "No article text can be read from this page today" in page.text_content()
    assert page.cssselect("a.download-original")[0].get("href") == "/articles/shell/source/original.html.txt"
    assert "Not stated" in page.cssselect(".original-states")[0].text_content()


# --- a plain-text original ----------------------------------------------------------------------------


def test_a_plain_text_original_is_shown_whole_with_its_details_and_the_file(site, run, tmp_path):
    scrape = tmp_path / "raw" / "scrape.txt"
    scrape.parent.mkdir()
    scrape.write_text("Caspian strike\n\nBy Jane Carter\n\n" + "The ministry said the strikes continued overnight. " * 20
                      + "\n\nShare this article\n", encoding="utf-8")
    slug = imported(site, run, scrape)["scrape.txt"].stem
    page = site.page(f"articles/{slug}/source/")
    shown = page.cssselect("pre.collected-text")[0].text_content()
    assert shown == scrape.read_text(encoding="utf-8"), "whole, debris included: the text as collected"
    assert "Jane Carter" in page.cssselect(".original-states")[0].text_content()
    [link] = page.cssselect("a.download-original")
    assert (link.get("href"), link.get("download")) == (f"/articles/{slug}/source/original.txt", "scrape.txt")
    assert (site.build_dir / link.get("href").lstrip("/")).read_bytes() == scrape.read_bytes()


# --- keeping originals private --------------------------------------------------------------------------


def test_publish_originals_false_publishes_no_original_and_links_to_none(site, run, tmp_path):
    with_option(site, "false")
    articles = imported(site, run, saved_page(tmp_path / "raw"), FIXTURES / "jsonld-blog.html")
    for path in articles.values():
        assert not (site.build_dir / "articles" / path.stem / "source").exists()
        facts = site.page(f"articles/{path.stem}/").cssselect(".context-facts")[0].text_content()
        assert "the original the editors collected is kept by them and not published" in facts
    for built in site.build_dir.rglob("*"):
        if built.is_file() and built.suffix in (".html", ".xml", ".json", ".txt"):
            text = built.read_text(encoding="utf-8", errors="replace")
            assert "/source/" not in text and "original.html" not in text, built
    assert "text as collected" not in (site.build_dir / "sitemap.xml").read_text()
    assert any("articles/" in line for line in (site.build_dir / "sitemap.xml").read_text().splitlines())


def test_the_option_is_in_new_site_yml_and_the_reference(site, run, tmp_path):
    assert run("new", tmp_path / "fresh").code == 0
    assert "publish_originals: true" in (tmp_path / "fresh" / "site.yml").read_text()
    reference = (Path(__file__).parent.parent / "docs" / "reference.md").read_text()
    assert "`publish_originals`" in reference


def test_turning_the_option_off_and_on_builds_as_a_clean_build_would(site, run, tmp_path):
    articles = imported(site, run, saved_page(tmp_path / "raw"), FIXTURES / "jsonld-blog.html")
    for path in articles.values():  # published, so a build without --drafts shows them
        path.write_text(path.read_text(encoding="utf-8").replace("draft: true", "draft: false"), encoding="utf-8")
    build_incrementally(site.root)
    for value in ("false", "true"):
        with_option(site, value, "search: false\n")  # as in test_incremental: Pagefind's own file names vary
        build_incrementally(site.root)
        assert_same_as_clean(site.root, tmp_path)
    [kept] = (site.root / "content" / "sources").glob("caspian-strike-*.html")
    kept.write_text(kept.read_text(encoding="utf-8").replace(
        '<p class="note"', "<p>A correction the outlet added later, in a sentence of its own.</p><p class=\"note\""),
        encoding="utf-8")
    build_incrementally(site.root)  # a changed original (check warns): its page and its copy follow
    assert_same_as_clean(site.root, tmp_path)
    slug = articles["caspian-strike.html"].stem
    page = site.page(f"articles/{slug}/source/")
    assert "A correction the outlet added later" in page.text_content()
    facts = page.cssselect(".original-file")[0].text_content()
    assert hashlib.sha256(kept.read_bytes()).hexdigest() in facts, "the SHA-256 of the file offered"
    assert "the file has changed since the import" in facts


# --- claim notes on article pages ------------------------------------------------------------------------


CLAIM = ("claims:\n  - id: six-hundred-dead\n    text: Six hundred people died\n    verdict: disputed\n"
         "    role: makes\n")


def test_a_claims_note_shows_on_every_article_page_carrying_it_marked_as_the_editors(site, run):
    site.write("content/articles/first.md", "---\ntitle: First\noutlet: A\ndate: 2015-10-01\n" + CLAIM
               + "    note: The figure comes from one unnamed official.\n---\n\nText.\n")
    site.write("content/articles/second.md", "---\ntitle: Second\noutlet: B\ndate: 2015-10-02\n" + CLAIM
               + "---\n\nText.\n")
    site.write("content/articles/third.md", "---\ntitle: Third\noutlet: C\ndate: 2015-10-03\n"
               + CLAIM.replace("makes", "disputes") + "    note: This piece cites the hospital's own count.\n---\n\nText.\n")
    assert run("build", "--site", site.root, "-q").code == 0
    expected = {"first": "The figure comes from one unnamed official.",
                "second": "The figure comes from one unnamed official.",  # the claim's note: it has none of its own
                "third": "This piece cites the hospital's own count."}
    for slug, note in expected.items():
        [shown] = site.page(f"articles/{slug}/").cssselect(".claims-here .claim-note-here")
        assert shown.text_content().split() == ("The editors' note: " + note).split()
        assert shown.cssselect(".note-owner")[0].text_content() == "The editors' note:"
