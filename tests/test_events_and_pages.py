"""Events of their own (content/events.yml, /events/), standalone pages (content/pages/) and the menu.

The site: three pieces, two on the event `2015-10-07-caspian-missile-strike` and one on
`2015-10-20-aleppo-offensive` (a lonely event: a warning, and still a page).
"""

from __future__ import annotations

import shutil

import pytest

from conftest import SITE_YML, snapshot
from site_builder.state import CACHE_DIR

CASPIAN = "2015-10-07-caspian-missile-strike"
ALEPPO = "2015-10-20-aleppo-offensive"
EVENTS_YML = f"""\
{CASPIAN}:
  title: Caspian Sea cruise-missile strike
  description: >-
    Russian warships fired cruise missiles at Syria; compare [[tass-strike]].
    <script>alert(1)</script>
  start: 2015-10-07
  end: 2015-10-08
{ALEPPO}:
  title: Aleppo offensive
  start: 2015-10-20
"""
ABOUT = """\
---
title: About the collection
description: Who made it and why.
menu: 2
---

We read [[rt-footage]] with care. <script>alert(1)</script>
"""
SYLLABUS = """\
---
title: Syllabus
menu: 1
---

Week 1: the Caspian strike.
"""


def write_site(site, events=EVENTS_YML, pages=True):
    site.add_article("tass-strike", title="Kalibr missiles strike targets", outlet="TASS", date="2015-10-08",
                     event=CASPIAN)
    site.add_article("rt-footage", title="Footage of the launch", outlet="RT", date="2015-10-07", event=CASPIAN)
    site.add_article("aleppo-report", title="Aleppo push begins", outlet="RT", date="2015-10-21", event=ALEPPO)
    if events is not None:
        site.write("content/events.yml", events)
    if pages:
        site.write("content/pages/about.md", ABOUT)
        site.write("content/pages/syllabus.md", SYLLABUS)


def problems(site, run, command="check"):
    result = run(command, "--site", site.root)
    assert "Traceback" not in result.err
    return result


def nav(page) -> list[tuple[str, str, str | None]]:
    return [(a.text_content(), a.get("href"), a.get("aria-current")) for a in page.cssselect("nav[aria-label=Site] a")]


# --- events -----------------------------------------------------------------------------------

def test_an_event_page_shows_the_editors_title_description_and_dates(site, run):
    write_site(site)
    assert problems(site, run, "build").code == 0

    page = site.page(f"events/{CASPIAN}/")
    assert page.cssselect("h1")[0].text_content().startswith("Caspian Sea cruise-missile strike")
    assert [t.get("datetime") for t in page.cssselect("h1 time")] == ["2015-10-07", "2015-10-08"]
    about = page.cssselect("section.context-panel")[0]
    assert "by the editors" in about.cssselect("h2")[0].text_content()
    link = about.cssselect("a.internal-link")[0]
    assert (link.get("href"), link.text_content()) == ("/articles/tass-strike/", "Kalibr missiles strike targets")
    assert not page.cssselect("main script") and "<script>alert(1)</script>" in about.text_content()
    assert page.findtext(".//title").startswith("Caspian Sea cruise-missile strike")


def test_the_events_index_lists_every_event_with_its_dates_and_pieces_and_the_menu_links_it(site, run):
    write_site(site)
    assert problems(site, run, "build").code == 0

    page = site.page("events/")
    rows = [[cell.text_content().strip() for cell in row.cssselect("th, td")] for row in page.cssselect("tbody tr")]
    assert rows == [["Caspian Sea cruise-missile strike", "7 October 2015 to 8 October 2015", "2"],
                    ["Aleppo offensive", "20 October 2015", "1"]]
    assert ("Events", "/events/", "page") in nav(page)
    assert ("Events", "/events/", None) in nav(site.page(""))
    article = site.page("articles/tass-strike/")
    assert article.cssselect(".same-story h2 a")[0].text_content() == "Caspian Sea cruise-missile strike"


def test_without_events_yml_events_are_titled_from_their_keys_and_nothing_is_warned(site, run):
    write_site(site, events=None)
    result = problems(site, run, "build")
    assert result.code == 0 and "SB210" not in result.err and "SB211" not in result.err

    assert site.page(f"events/{CASPIAN}/").cssselect("h1")[0].text_content().startswith("Caspian missile strike")
    assert "7 October 2015" in site.page("events/").cssselect("tbody tr")[0].text_content()


def test_check_warns_about_an_event_without_a_title_and_an_entry_no_article_names(site, run):
    write_site(site, events=f"{CASPIAN}:\n  description: Untitled.\n2015-10-20-aleppo-offensiv:\n  title: Aleppo\n")

    result = problems(site, run)

    assert result.code == 0, "warnings only"
    assert (f"content/articles/rt-footage.md:5: warning: event `{CASPIAN}` has no title in content/events.yml "
            f"(add a `title:` under `{CASPIAN}:` in content/events.yml) [SB210]") in result.err
    assert (f"content/articles/aleppo-report.md:5: warning: event `{ALEPPO}` has no title in content/events.yml "
            "(did you mean `2015-10-20-aleppo-offensiv`, or add") in result.err
    assert ("content/events.yml:3: warning: event `2015-10-20-aleppo-offensiv` is named by no article "
            f"(did you mean `{ALEPPO}`?) [SB211]") in result.err
    built = problems(site, run, "build")
    assert built.code == 0
    assert site.page(f"events/{ALEPPO}/").cssselect("h1")[0].text_content().startswith("Aleppo offensive")


def test_an_entry_used_only_by_a_draft_is_not_unused(site, run):
    write_site(site, events=EVENTS_YML + "2016-01-01-later:\n  title: Later\n")
    site.add_article("unfinished", title="Unfinished", event="2016-01-01-later", draft="true")
    assert "SB211" not in problems(site, run).err


@pytest.mark.parametrize("events_yml, expected", [
    (f"{CASPIAN}:\n  titel: X\n", "content/events.yml:2: unknown key `titel` (did you mean `title`?) [SB101]"),
    (f"{CASPIAN}:\n  start: 7 October 2015\n",
     "content/events.yml:2: `start`: `7 October 2015` is not a date in the form YYYY-MM-DD"),
    (f"{CASPIAN}:\n  start: 2015-10-08\n  end: 2015-10-07\n",
     "content/events.yml:3: `end` (2015-10-07) is before `start` (2015-10-08) (swap the two dates, "
     "or correct the one mistyped) [SB130]"),
    (f"{CASPIAN}:\n  end: 2015-10-07\n", "content/events.yml:2: `end` without `start`"),
    ("Caspian Strike:\n  title: X\n", "content/events.yml:1: event key `Caspian Strike` is not a slug"),
    (f"{CASPIAN}: Just a title\n", f"content/events.yml:1: `{CASPIAN}`: expected indented `key: value` lines"),
    (f"{CASPIAN}:\n  title: [a, b\n", "content/events.yml:3: YAML syntax error"),
    (f"{CASPIAN}:\n  description: See [[no-such-piece]].\n",
     "content/events.yml:2: wikilink `no-such-piece` names no article"),
])
def test_each_mistake_in_events_yml_is_an_error_at_its_line(site, run, events_yml, expected):
    write_site(site, events=events_yml)
    site.write("build/index.html", "previous build")
    before = snapshot(site.build_dir)

    result = problems(site, run, "build")

    assert result.code == 1
    assert expected in result.err
    assert snapshot(site.build_dir) == before


def test_every_mistake_in_events_yml_is_reported_at_once(site, run):
    write_site(site, events=f"{CASPIAN}:\n  titel: X\n  start: 2015-13-01\n{ALEPPO}:\n  start: 2015-10-20\n"
                            "  end: 2015-10-01\n")
    err = problems(site, run).err
    assert all(code in err for code in ("[SB101]", "[SB112]", "[SB130]"))


# --- standalone pages -------------------------------------------------------------------------

def test_a_page_is_published_at_its_file_name_as_the_editors_text(site, run):
    write_site(site)
    assert problems(site, run, "build").code == 0

    page = site.page("about/")
    assert page.cssselect("main h1")[0].text_content() == "About the collection"
    assert page.findtext(".//title") == "About the collection · Test Collection"
    assert page.cssselect("meta[name=description]")[0].get("content") == "Who made it and why."
    body = page.cssselect("main article[data-pagefind-body]")[0]
    assert "by the editors" in body.cssselect(".voice-label")[0].text_content()
    assert body.cssselect("a.internal-link")[0].text_content() == "Footage of the launch"
    assert not page.cssselect("main script") and "<script>alert(1)</script>" in body.text_content()
    assert page.get("lang") == "en" and len(page.cssselect("main")) == 1
    sitemap = (site.build_dir / "sitemap.xml").read_text()
    assert "<loc>/about/</loc>" in sitemap and "<loc>/syllabus/</loc>" in sitemap and "/events/</loc>" in sitemap


def test_the_default_menu_is_the_sections_then_the_pages_by_their_menu_order(site, run):
    write_site(site)
    site.write("content/pages/unlisted.md", "---\ntitle: Unlisted\n---\n\nNot in the menu.\n")
    assert problems(site, run, "build").code == 0

    assert nav(site.page("syllabus/")) == [
        ("All pieces", "/", None), ("Outlets", "/outlets/", None), ("Tags", "/tags/", None),
        ("Events", "/events/", None), ("Timeline", "/timeline/", None), ("Claims", "/claims/", None),
        ("Syllabus", "/syllabus/", "page"), ("About the collection", "/about/", None)]
    assert (site.build_dir / "unlisted" / "index.html").is_file()


def test_a_menu_in_site_yml_names_sections_pages_and_links_under_the_base_url(site, run):
    write_site(site)
    site.write("site.yml", SITE_YML.replace("base_url: /", "base_url: /repo/") + """\
menu:
  - home
  - about
  - events
  - title: Course site
    url: https://school.example.org/course
  - title: The Caspian strike
    url: /events/2015-10-07-caspian-missile-strike/
""")
    assert problems(site, run, "build").code == 0

    assert nav(site.page("about/")) == [
        ("All pieces", "/repo/", None), ("About the collection", "/repo/about/", "page"), ("Events", "/repo/events/", None),
        ("Course site", "https://school.example.org/course", None),
        ("The Caspian strike", f"/repo/events/{CASPIAN}/", None)]
    assert nav(site.page(f"events/{CASPIAN}/"))[-1][2] == "page"


@pytest.mark.parametrize("menu, expected", [
    ("menu:\n  - home\n  - abuot\n", "site.yml:10: `menu`: `abuot` names no page or section (did you mean `about`?) [SB212]"),
    ("menu:\n  - title: Bad\n    url: javascript:alert(1)\n",
     "site.yml:10: `menu`: item 1: `url`: `javascript:alert(1)` is not a web address or a path inside the site"),
    ("menu:\n  - title: No address\n", "site.yml:9: `menu`: item 1: missing `url`"),
    ("menu:\n  - Not A Name\n", "site.yml:9: `menu`: item 1: `Not A Name` is not a slug"),
    ("menu: home\n", "site.yml:8: `menu`: expected a list"),
])
def test_each_mistake_in_the_menu_is_an_error_at_its_line(site, run, menu, expected):
    write_site(site)
    site.write("site.yml", SITE_YML + menu)

    result = problems(site, run)

    assert result.code == 1
    assert expected in result.err


@pytest.mark.parametrize("name, text, expected", [
    ("events.md", "---\ntitle: Events\n---\n",
     "content/pages/events.md: page `events` would take the address of the site's own /events/ section "
     "(rename the file, e.g. to `events-guide.md`) [SB009]"),
    ("articles.md", "---\ntitle: A\n---\n", "content/pages/articles.md: page `articles` would take the address"),
    ("About Us.md", "---\ntitle: A\n---\n",
     "content/pages/About Us.md: file name `About Us.md` does not make a stable URL (rename it to `about-us.md`"),
    ("notitle.md", "---\ndescription: x\n---\n", "content/pages/notitle.md:2: missing required `title`"),
    ("typo.md", "---\ntitle: T\nmenus: 1\n---\n", "content/pages/typo.md:3: unknown key `menus` (did you mean `menu`?) [SB101]"),
    ("order.md", "---\ntitle: T\nmenu: first\n---\n", "content/pages/order.md:3: `menu`: expected a whole number"),
    ("bare.md", "Just text.\n", "content/pages/bare.md:1: no front matter"),
    ("yaml.md", "---\ntitle: T: the page\n---\n", "content/pages/yaml.md:2: YAML syntax error"),
    ("link.md", "---\ntitle: T\n---\n\nSee [[nothing-here]].\n", "content/pages/link.md:5: wikilink `nothing-here` names no article"),
])
def test_each_mistake_in_a_page_is_an_error_with_its_file_and_line(site, run, name, text, expected):
    write_site(site)
    site.write(f"content/pages/{name}", text)

    result = problems(site, run)

    assert result.code == 1
    assert expected in result.err
    if name == "yaml.md":
        assert "missing required" not in result.err, "a YAML error is reported alone"


def test_a_yaml_error_in_a_page_the_menu_names_is_not_also_a_menu_error(site, run):
    write_site(site)
    site.write("content/pages/about.md", "---\ntitle: T: x\n---\n")
    site.write("site.yml", SITE_YML + "menu:\n  - about\n")
    err = problems(site, run).err
    assert "SB010" in err and "SB212" not in err


def test_pages_and_the_events_index_are_planned_with_what_they_show(site, planned_site):
    from site_builder.render import PageKind

    write_site(site)

    planned = {item.path: item for item in planned_site(site)}

    about = planned["about/index.html"]
    assert (about.kind, about.template, about.subject.slug, about.in_full) == (PageKind.PAGE, "page.html", "about", ())
    assert (planned["events/index.html"].kind, planned["events/index.html"].template) == (PageKind.LISTING, "events.html")
    assert planned[f"events/{CASPIAN}/index.html"].subject.title == "Caspian Sea cruise-missile strike"


# --- incremental builds -----------------------------------------------------------------------

def _pages_of(folder):
    """Every file but the search index, which an incremental build updates rather than remakes."""
    return {path: content for path, content in snapshot(folder).items() if not path.startswith("pagefind/")}


def _clean_build(site, tmp_path, run):
    copy = tmp_path / "clean"
    shutil.rmtree(copy, ignore_errors=True)
    shutil.copytree(site.root, copy, ignore=shutil.ignore_patterns("build", CACHE_DIR, ".trash-*", ".build-*", ".spare-*"))
    assert run("build", "--site", copy).code == 0
    return _pages_of(copy / "build")


@pytest.mark.parametrize("edit", [
    lambda s: s.write("content/events.yml", EVENTS_YML.replace("Caspian Sea cruise-missile strike", "Kalibr launch")),
    lambda s: s.write("content/events.yml", EVENTS_YML.replace("end: 2015-10-08", "end: 2015-10-09")),
    lambda s: (s.root / "content" / "events.yml").unlink(),
    lambda s: s.write("content/pages/about.md", ABOUT.replace("About the collection", "About us")),
    lambda s: s.write("content/pages/about.md", ABOUT.replace("menu: 2", "menu: 0")),
    lambda s: s.write("content/pages/new-page.md", "---\ntitle: New\nmenu: 3\n---\n\nNew.\n"),
    lambda s: (s.root / "content" / "pages" / "syllabus.md").unlink(),
    lambda s: s.add_article("rt-footage", title="Footage retitled", outlet="RT", date="2015-10-07", event=CASPIAN),
    lambda s: s.write("site.yml", SITE_YML + "menu:\n  - about\n  - syllabus\n"),
], ids=["event title", "event dates", "events.yml deleted", "page title", "menu order", "new page",
        "page deleted", "a linked piece retitled", "menu in site.yml"])
def test_an_incremental_build_after_an_edit_is_byte_identical_to_a_clean_build(site, run, tmp_path, edit):
    write_site(site)
    assert run("build", "--site", site.root).code == 0

    edit(site)
    assert run("build", "--site", site.root).code == 0

    assert _pages_of(site.build_dir) == _clean_build(site, tmp_path, run)
