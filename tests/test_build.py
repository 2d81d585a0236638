"""What a reader sees: the home page, article pages with their context, links that resolve."""

from __future__ import annotations

import json

from linkcheck import broken_anchors, broken_links

ANNOTATED_BODY = """
Intro paragraph with a claim.[^1]

## First section

Text of the first section.

## Second section

| Figure | Source |
|:-------|-------:|
| 600 | Ministry |

```python
print("highlighted")
```

[^1]: The editor doubts this claim.

## Editorial notes

The editor's *own* view of this piece.
"""


def build_two_articles(site, run, *args):
    site.add_article("older-piece", title="Older piece", outlet="Outlet A", date="2015-10-01",
                     author="Ann Author", stance="mixed", body="Old text.")
    site.add_article("newer-piece", title="Newer piece", outlet="Outlet B", date="2015-11-20",
                     author="[Bo One, Cy Two]", stance="pro-kremlin",
                     stance_notes='"Relays the *ministry* line."',
                     caveats=['"Casualty figures come from **one party** only."', "Date inferred."],
                     tags=["cruise missiles", "isis"], source_url="https://example.org/story",
                     body=ANNOTATED_BODY)
    result = run("build", "--site", site.root, *args)
    assert result.code == 0, result.err
    return result


def test_home_lists_every_published_article_newest_first_with_its_context(site, run):
    build_two_articles(site, run)
    home = site.page("")
    items = home.cssselect(".piece-item")
    assert [i.cssselect("h2 a")[0].text_content() for i in items] == ["Newer piece", "Older piece"]
    newest = items[0].text_content()
    for expected in ("Outlet B", "Bo One and Cy Two", "20 November 2015", "pro-kremlin"):
        assert expected in newest


def test_context_panel_comes_before_the_text_and_notes_after(site, run):
    build_two_articles(site, run)
    page = site.page("articles/newer-piece/")
    sections = [s.get("class") for s in page.cssselect("article.piece > section")]
    assert sections == ["context-panel", "article-text", "editorial-notes"]
    panel = page.cssselect(".context-panel")[0]
    facts = dict(zip([dt.text_content() for dt in panel.cssselect("dt")],
                     [dd.text_content().strip() for dd in panel.cssselect("dd")]))
    assert facts["Outlet"] == "Outlet B"
    assert facts["Author"] == "Bo One and Cy Two"
    assert facts["Published"] == "20 November 2015"
    assert "https://example.org/story" in [a.get("href") for a in panel.cssselect("dd a")]
    assert panel.cssselect("dd a.outlet")[0].get("href") == "/outlets/outlet-b/"
    assert facts["Stance"] == "Stance: pro-kremlin Advocates the Russian government's case."
    assert panel.cssselect(".stance-notes em")[0].text == "ministry"
    caveats = panel.cssselect(".caveats li")
    assert [c.text_content() for c in caveats] == ["Casualty figures come from one party only.", "Date inferred."]
    assert caveats[0].cssselect("strong")[0].text == "one party"


def test_editorial_notes_are_kept_apart_from_the_outlets_text_and_its_footnotes_stay_its_own(site, run):
    build_two_articles(site, run)
    page = site.page("articles/newer-piece/")
    text = page.cssselect(".article-text")[0]
    notes = page.cssselect(".editorial-notes")[0]
    assert "own view" not in text.text_content()
    assert "The editor's own view of this piece." in notes.text_content()
    assert notes.cssselect("h2")[0].text_content() == "Editorial notes"
    annotations = text.cssselect(".annotations")[0]
    assert "Footnotes" in annotations.text_content()  # the outlet's own: not labelled as the editors'
    assert "Editor" not in annotations.cssselect("h2")[0].text_content()
    assert "The editor doubts this claim." in annotations.text_content()


def test_markdown_features_tables_toc_and_highlighted_code(site, run):
    build_two_articles(site, run)
    page = site.page("articles/newer-piece/")
    assert [a.text_content() for a in page.cssselect(".toc a")] == ["First section", "Second section"]
    assert page.cssselect(".article-text table td")[0].text_content() == "600"
    assert page.cssselect(".article-text .highlight .nb")[0].text_content() == "print"
    [pygments] = [link.get("href") for link in page.cssselect("link[rel=stylesheet]") if "/pygments." in link.get("href")]
    assert ".highlight .nb" in (site.build_dir / pygments.lstrip("/")).read_text()


def test_every_internal_link_resolves_at_the_domain_root(site, run):
    build_two_articles(site, run)
    assert broken_links(site.build_dir, "/") == []
    assert broken_anchors(site.build_dir) == []
    assert (site.build_dir / "404.html").is_file()


def test_every_internal_link_resolves_under_a_github_pages_sub_path(site, run):
    build_two_articles(site, run, "--base-url", "/my-repo/")
    assert broken_links(site.build_dir, "/my-repo/") == []
    home = site.page("")
    assert home.cssselect(".site-title")[0].get("href") == "/my-repo/"
    assert home.cssselect(".piece-item a")[0].get("href") == "/my-repo/articles/newer-piece/"
    not_found = site.page("404.html")
    assert [l.get("href") for l in not_found.cssselect("link[rel=stylesheet]")][0].startswith("/my-repo/static/style.")


def test_base_url_from_site_yml_may_be_a_full_address(site, run):
    site.write("site.yml", site.root.joinpath("site.yml").read_text().replace("base_url: /", "base_url: https://example.org/repo"))
    build_two_articles(site, run)
    assert broken_links(site.build_dir, "/repo/") == []


def test_drafts_are_checked_but_not_published_unless_asked(site, run):
    site.add_article("published", title="Published")
    site.add_article("work-in-progress", title="Unfinished", outlet=None, date=None, draft="true")
    result = run("build", "--site", site.root)
    assert result.code == 0, result.err
    assert "1 drafts not published" in result.out
    assert not (site.build_dir / "articles" / "work-in-progress").exists()
    assert "Unfinished" not in site.page("").text_content()
    assert run("build", "--site", site.root, "--drafts").code == 0
    assert "Unfinished" in site.page("").text_content()


def test_raw_html_in_article_text_never_becomes_script(site, run):
    site.add_article("hostile", title='Title <script>alert(1)</script>',
                     body='Text <script>alert(2)</script> <img src=x onerror="alert(3)"> '
                          '[click](javascript:alert(4)) *kept*')
    assert run("build", "--site", site.root).code == 0
    raw = (site.build_dir / "articles" / "hostile" / "index.html").read_text()
    assert "<script>" not in raw and "<img src=x" not in raw and "javascript:" not in raw
    page = site.page("articles/hostile/")
    assert not page.xpath("//*[@onerror]"), "no event handler attribute survives"
    text = page.cssselect(".article-text p")[0].text_content()
    assert '<script>alert(2)</script> <img src=x onerror="alert(3)">' in text, "raw HTML is shown as text"
    scripts = [s for s in page.iter("script") if s.get("type") != "application/ld+json"]
    assert [s.get("src").split(".")[0] for s in scripts] == ["/static/theme", "/static/preview", "/static/cite"], \
        "only the theme's own scripts"
    structured = page.xpath('//script[@type="application/ld+json"]')
    assert json.loads(structured[0].text)["about"]["headline"] == "Title <script>alert(1)</script>"
    assert page.cssselect("h1")[0].text_content() == "Title <script>alert(1)</script>"
    assert page.cssselect(".article-text em")[0].text == "kept"
