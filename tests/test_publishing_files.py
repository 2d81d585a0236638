"""The files a published site needs besides its pages: feeds, sitemap, robots.txt, metadata, 404.

One small site is built once, served at https://example.org/reading/ (a full base_url, so every
address in feeds, sitemap, canonical links and JSON-LD is absolute). feed_count is 2 of 3 pieces.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import feedparser
import pytest
from lxml import etree
from lxml import html as lxml_html

from conftest import SITE_YML, Site, article
from linkcheck import broken_anchors, broken_links
from site_builder.build import build
from site_builder.config import load_config

BASE = "https://example.org/reading/"
SCRIPT_TITLE = "Breaking </script><script>alert(1)</script> news"
SOURCE_URL = "https://news.example.com/story?id=1&page=2"
SITEMAP_NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}

ANNOTATED = """\
---
title: Cruise missiles strike from the Caspian
outlet: Outlet B & Co
date: 2015-11-20
author: [Bo One, Cy Two]
source_url: https://news.example.com/story?id=1&page=2
stance: pro-kremlin
stance_notes: Relays the *ministry* line without a second source.
caveats:
  - Casualty figures come from **one party** only.
tags: [cruise missiles, isis]
event: 2015-caspian-strike
claims:
  - id: six-hundred-dead
    text: The strikes killed 600 fighters.
    by: Russian Ministry of Defence
    verdict: unverified
    role: makes
provenance:
  source: content/sources/annotated.txt
  original_name: annotated.txt
  sha256: {sha}
  imported: 2024-01-05
---

The text, with a footnote.[^1] See also [[script-title]].

[^1]: The editors doubt it.

## Editorial notes

The editors' view.
"""


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Site:
    import hashlib

    site = Site(tmp_path_factory.mktemp("publishing") / "site")
    site.write("site.yml", SITE_YML.replace("base_url: /", f"base_url: {BASE}") + "feed_count: 2\n")
    original = "The original, as collected.\n"
    site.write("content/sources/annotated.txt", original)
    sha = hashlib.sha256(original.encode()).hexdigest()
    site.write("content/articles/annotated.md", ANNOTATED.replace("{sha}", sha))
    site.write("content/articles/script-title.md",
               article(title=json.dumps(SCRIPT_TITLE), outlet="Outlet A", date="2015-10-05", stance="mixed",
                       event="2015-caspian-strike", tags=["isis"]))
    site.write("content/articles/oldest.md", article(title="The oldest piece", outlet="Outlet A", date="2015-09-01"))
    build(load_config(site.root))
    return site


def read(site: Site, relative: str) -> bytes:
    return (site.build_dir / relative).read_bytes()


# --- feeds ------------------------------------------------------------------------------------------


def test_atom_feed_is_valid_and_carries_the_newest_pieces_with_their_context(built):
    feed = feedparser.parse(read(built, "feed.xml"))
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.version == "atom10"
    assert [e.link for e in feed.entries] == [BASE + "articles/annotated/", BASE + "articles/script-title/"]
    assert feed.feed.link == BASE
    assert any(link.rel == "self" and link.href == BASE + "feed.xml" for link in feed.feed.links)
    first = feed.entries[0]
    assert first.id == BASE + "articles/annotated/"
    assert first.title == "Cruise missiles strike from the Caspian"
    assert first.published.startswith("2015-11-20") and first.updated.startswith("2015-11-20")
    assert [a.name for a in first.authors] == ["Bo One", "Cy Two"]
    assert {t.term for t in first.tags} == {"cruise missiles", "isis"}
    for text in (first.summary, first.content[0].value):
        assert "Outlet B &amp; Co" in text
        assert "pro-kremlin" in text and "Advocates the Russian government" in text  # the stance and its meaning
        assert "Relays the <em>ministry</em> line" in text
        assert "Casualty figures come from <strong>one party</strong> only." in text
        assert 'href="https://news.example.com/story?id=1&amp;page=2"' in text
    content = first.content[0].value
    assert "The editors' view." in content, "the editorial notes travel with the text"
    assert 'href="/reading/' not in content and 'href="#' not in content, "links inside entries are absolute"
    second = feed.entries[1]
    assert second.title == SCRIPT_TITLE, "escaped in the XML, intact once parsed"
    assert "<script>" not in read(built, "feed.xml").decode()
    assert [a.name for a in second.authors] == ["Outlet A"], "an uncredited piece is the outlet's"


def test_json_feed_is_valid_json_feed_1_1_with_the_same_entries(built):
    # feedparser 6.0 (the current release) reads RSS and Atom only; JSON Feed support is unreleased.
    # So feed.json is checked against the JSON Feed 1.1 spec here, field by field.
    feed = json.loads(read(built, "feed.json"))
    assert feed["version"] == "https://jsonfeed.org/version/1.1"
    assert feed["title"] == "Test Collection"
    assert feed["home_page_url"] == BASE
    assert feed["feed_url"] == BASE + "feed.json"
    items = feed["items"]
    assert [i["url"] for i in items] == [BASE + "articles/annotated/", BASE + "articles/script-title/"]
    for item in items:
        assert isinstance(item["id"], str) and item["id"] == item["url"]
        assert item["title"] and item["content_html"]
        assert datetime.fromisoformat(item["date_published"]).tzinfo is not None, "RFC 3339 with an offset"
        assert all(isinstance(a["name"], str) for a in item["authors"])
    first = items[0]
    assert first["external_url"] == SOURCE_URL
    assert first["tags"] == ["cruise missiles", "isis"]
    assert [a["name"] for a in first["authors"]] == ["Bo One", "Cy Two"]
    assert first["date_published"].startswith("2015-11-20")
    for expected in ("Outlet B &amp; Co", "pro-kremlin", "Casualty figures come from <strong>one party</strong>",
                     "Relays the <em>ministry</em> line"):
        assert expected in first["content_html"]
    assert "external_url" not in items[1], "no source_url, no external_url"


def test_every_page_announces_both_feeds(built):
    for page in ("index.html", "articles/annotated/index.html", "404.html"):
        tree = lxml_html.fromstring(read(built, page))
        types = {link.get("type"): link.get("href") for link in tree.cssselect('link[rel="alternate"]')}
        assert types == {"application/atom+xml": "/reading/feed.xml", "application/feed+json": "/reading/feed.json"}


# --- sitemap and robots.txt -------------------------------------------------------------------------


def test_sitemap_lists_exactly_every_html_page_but_the_404(built):
    """Every *.html in build/ is a page served at its folder's address, except 404.html (served
    for missing paths, never indexed). Source pages ("the text as collected") are included."""
    tree = etree.fromstring(read(built, "sitemap.xml"))
    locations = [loc.text for loc in tree.findall("s:url/s:loc", SITEMAP_NS)]
    assert len(locations) == len(set(locations))
    assert all(loc.startswith(BASE) for loc in locations)
    pages = sorted(p.relative_to(built.build_dir).as_posix() for p in built.build_dir.rglob("*.html"))
    expected = {BASE + p.removesuffix("index.html") for p in pages if p != "404.html"}
    assert set(locations) == expected
    for kind in ("", "articles/annotated/", "articles/annotated/source/", "outlets/", "outlets/outlet-a/",
                 "tags/", "tags/isis/", "events/2015-caspian-strike/", "timeline/", "claims/",
                 "claims/six-hundred-dead/", "search/"):
        assert BASE + kind in expected
    lastmod = {u.findtext("s:loc", namespaces=SITEMAP_NS): u.findtext("s:lastmod", namespaces=SITEMAP_NS)
               for u in tree.findall("s:url", SITEMAP_NS)}
    assert lastmod[BASE + "articles/oldest/"] == "2015-09-01"
    assert lastmod[BASE] == "2015-11-20"
    assert lastmod[BASE + "search/"] is None


def test_robots_txt_allows_everything_and_names_the_sitemap(built):
    robots = read(built, "robots.txt").decode()
    assert "User-agent: *\nAllow: /\n" in robots
    assert f"Sitemap: {BASE}sitemap.xml" in robots.splitlines()


# --- page metadata ----------------------------------------------------------------------------------


def meta(tree, name: str) -> list[str]:
    return [m.get("content") for m in tree.xpath(f'//meta[@property="{name}" or @name="{name}"]')]


def test_article_page_has_canonical_open_graph_and_twitter_metadata(built):
    tree = built.page("articles/annotated/")
    assert [link.get("href") for link in tree.cssselect('link[rel="canonical"]')] == [BASE + "articles/annotated/"]
    assert meta(tree, "og:title") == ["Cruise missiles strike from the Caspian"]
    assert meta(tree, "og:url") == [BASE + "articles/annotated/"]
    assert meta(tree, "og:type") == ["article"]
    assert meta(tree, "og:site_name") == ["Test Collection"]
    assert meta(tree, "og:locale") == ["en"]
    assert meta(tree, "article:published_time") == ["2015-11-20"]
    assert meta(tree, "article:tag") == ["cruise missiles", "isis"]
    assert meta(tree, "twitter:card") == ["summary"]
    assert "Outlet B & Co" in meta(tree, "og:description")[0]


def test_other_pages_are_websites_with_their_own_canonical_address(built):
    for page, address in (("", BASE), ("tags/isis/", BASE + "tags/isis/"), ("claims/", BASE + "claims/")):
        tree = built.page(page)
        assert [link.get("href") for link in tree.cssselect('link[rel="canonical"]')] == [address]
        assert meta(tree, "og:type") == ["website"] and meta(tree, "og:url") == [address]


def article_jsonld(tree) -> dict:
    scripts = tree.xpath('//script[@type="application/ld+json"]')
    assert len(scripts) == 1
    return json.loads(scripts[0].text)


def test_article_json_ld_describes_our_page_as_commentary_on_the_original(built):
    data = article_jsonld(built.page("articles/annotated/"))
    assert data["@type"] == "CreativeWork", "our page is not the news article"
    assert data["url"] == BASE + "articles/annotated/"
    assert data["publisher"]["name"] == "Test Collection"
    for original in (data["about"], data["isBasedOn"]):
        assert original["@type"] == "NewsArticle"
        assert original["headline"] == "Cruise missiles strike from the Caspian"
        assert original["publisher"] == {"@type": "Organization", "name": "Outlet B & Co"}
        assert original["url"] == SOURCE_URL
        assert original["datePublished"] == "2015-11-20"
        assert [a["name"] for a in original["author"]] == ["Bo One", "Cy Two"]
    assert "url" not in article_jsonld(built.page("articles/oldest/"))["isBasedOn"], "no source_url, no url"


def test_a_hostile_title_cannot_break_out_of_json_ld_or_meta_tags(built):
    raw = read(built, "articles/script-title/index.html").decode()
    assert "<script>alert(1)" not in raw
    tree = lxml_html.fromstring(raw)
    assert not [s for s in tree.iter("script") if "alert" in (s.text or "") and s.get("type") != "application/ld+json"]
    data = article_jsonld(tree)
    assert data["about"]["headline"] == SCRIPT_TITLE, "escaped in the page, intact once parsed"
    assert meta(tree, "og:title") == [SCRIPT_TITLE]
    assert meta(tree, "twitter:title") == [SCRIPT_TITLE]
    assert SCRIPT_TITLE in tree.findtext(".//title")


# --- 404 and links ----------------------------------------------------------------------------------


def test_404_page_links_work_at_any_depth(built):
    """Every href/src is root-relative under /reading/; the only exceptions are a same-page
    `#main` skip link and the empty `data:` favicon, which resolve the same at any depth."""
    tree = lxml_html.fromstring(read(built, "404.html"))
    urls = [(el.tag, attr, el.get(attr)) for el in tree.iter() for attr in ("href", "src") if el.get(attr)]
    assert urls
    for tag, attr, url in urls:
        if url.startswith("#") or url.startswith("data:"):
            continue
        assert url.startswith("/reading/"), (tag, attr, url)
    assert tree.cssselect('a[href="/reading/search/"]'), "the 404 page offers search"
    assert not tree.cssselect('link[rel="canonical"]') and not meta(tree, "og:url")
    assert meta(tree, "robots") == ["noindex"]


def test_every_link_in_the_build_resolves(built):
    assert broken_links(built.build_dir, "/reading/") == []
    assert broken_anchors(built.build_dir) == []


def test_a_path_only_base_url_writes_root_relative_addresses(site, run):
    """Without a host in base_url the same files are built, quietly, with root-relative URLs."""
    site.add_article("piece", title="Piece", stance="mixed", source_url="https://example.org/story")
    result = run("build", "--site", site.root, "--base-url", "/repo/")
    assert result.code == 0 and result.err == ""
    feed = feedparser.parse(read(site, "feed.xml"))
    assert not feed.bozo and feed.entries[0].id == "/repo/articles/piece/"
    assert json.loads(read(site, "feed.json"))["items"][0]["url"] == "/repo/articles/piece/"
    assert b"<loc>/repo/articles/piece/</loc>" in read(site, "sitemap.xml")
    robots = read(site, "robots.txt").decode().splitlines()
    assert "# Sitemap: /repo/sitemap.xml" in robots  # a path-only Sitemap directive is invalid
    assert not any(line.startswith("Sitemap:") for line in robots)
    # A canonical link or og:url must be absolute (Lighthouse, search engines): without a host, none.
    assert not site.page("articles/piece/").cssselect('link[rel="canonical"], meta[property="og:url"]')
    assert Path(site.build_dir / "404.html").is_file()
