"""Full-text search with facets (Pagefind), exercised in a real browser under a sub-path.

The site is built once per module with `--base-url /repo/sub/` and served at that prefix, as
GitHub Pages serves a project site, so a wrong asset or index URL fails every test here.
"""

from __future__ import annotations

import time

import pytest

from conftest import SITE_YML, Site, article
from webserver import serve

BASE = "/repo/sub/"
PIECES = {
    # slug: (title, outlet, date, stance, tags, body)
    "kalibr-launch": ("Kalibr launch from the Caspian", "Outlet A", "2015-10-07", "pro-kremlin", ["caspian"],
                      "The flotilla fired twenty-six missiles across Iran. Strike reports spread fast."),
    "hama-offensive": ("Hama offensive begins", "Outlet A", "2015-10-08", "mixed", ["hama"],
                       "Ground forces advanced north of Hama under air cover. Strike reports were mixed."),
    "turkish-protest": ("Turkey protests airspace violation", "Outlet B", "2015-10-06", "critical", ["turkey"],
                        "Ankara summoned the ambassador after two incursions. Strike reports named no targets."),
    "palmyra-retaken": ("Palmyra retaken", "Outlet C", "2016-03-27", "mixed", ["palmyra"],
                        "The ancient city changed hands again. Strike reports came from every side."),
}


def built_site(root, added: dict[str, str]) -> Site:
    """PIECES (with `added[slug]` after a piece's text), built under BASE."""
    site = Site(root)
    site.write("site.yml", SITE_YML)
    for slug, (title, outlet, date, stance, tags, body) in PIECES.items():
        site.write(f"content/articles/{slug}.md", article(title=title, outlet=outlet, date=date, stance=stance,
                                                          tags=tags, body=body + added.get(slug, "")))
    build_under_base(site)
    return site


def build_under_base(site: Site) -> None:
    from site_builder.cli import main
    assert main(["build", "--site", str(site.root), "--base-url", BASE, "-q"]) == 0


@pytest.fixture(scope="module")
def search_site(tmp_path_factory, browser):
    notes = "\n\n## Editorial notes\n\nThe editors checked the zebrafinch reference."
    site = built_site(tmp_path_factory.mktemp("search") / "site", {"palmyra-retaken": notes})
    with serve(site.build_dir, BASE) as base:
        yield site, base


def search(page, base: str, query: str):
    """Open the search page, type a query the way a reader does, and wait for the answer."""
    failed = []
    page.on("requestfailed", lambda request: failed.append(request.url))
    page.on("response", lambda response: response.status >= 400 and failed.append(f"{response.status} {response.url}"))
    page.goto(base + "search/")
    field = page.get_by_label("Words to search for")
    field.fill(query)
    page.wait_for_selector(".pagefind-ui__message", state="attached")
    page.wait_for_function("() => { const said = document.querySelector('.pagefind-ui__message').textContent;"
                           " return said.trim() !== '' && !said.includes('Searching'); }")
    assert failed == [], "every search asset and index chunk loads from under the sub-path"
    return page


def result_titles(page) -> list[str]:
    return [link.inner_text() for link in page.query_selector_all(".pagefind-ui__result-link")]


def settled_titles(page, expected: list[str], *, any_order: bool = False, timeout_s: float = 30.0) -> list[str]:
    """The result titles once they match `expected` (the UI re-renders as results stream in),
    or whatever is shown when the bounded wait runs out."""
    deadline = time.monotonic() + timeout_s
    normalise = sorted if any_order else list
    while time.monotonic() < deadline:
        titles = result_titles(page)
        if normalise(titles) == normalise(expected):
            return titles
        page.wait_for_timeout(100)
    return result_titles(page)


def test_a_query_finds_the_expected_piece_first_with_its_context(page, search_site):
    _, base = search_site
    search(page, base, "flotilla")
    assert result_titles(page)[0] == "Kalibr launch from the Caspian"
    first = page.query_selector(".pagefind-ui__result")
    assert first.query_selector("mark").inner_text().lower() == "flotilla", "the excerpt highlights the match"
    tags = [t.inner_text() for t in first.query_selector_all(".pagefind-ui__result-tag")]
    assert {"Outlet: Outlet A", "Date: 7 October 2015", "Stance: pro-kremlin"} <= set(tags)
    link = page.query_selector(".pagefind-ui__result-link").get_attribute("href")
    assert link == f"{BASE}articles/kalibr-launch/"


def test_an_outlet_filter_narrows_the_results_and_works_from_the_keyboard(page, search_site):
    _, base = search_site
    search(page, base, "strike reports")
    every_piece = sorted(title for title, *_ in PIECES.values())
    assert sorted(settled_titles(page, every_piece, any_order=True)) == every_piece
    checkbox = page.get_by_label("Outlet A", exact=False).first
    checkbox.focus()
    page.keyboard.press("Space")
    outlet_a = ["Hama offensive begins", "Kalibr launch from the Caspian"]
    assert sorted(settled_titles(page, outlet_a, any_order=True)) == outlet_a


def test_results_can_be_ordered_newest_first(page, search_site):
    _, base = search_site
    search(page, base, "strike reports")
    page.select_option("#search-sort", "desc")
    page.wait_for_url("**/search/?q=strike+reports&sort=desc")
    newest_first = ["Palmyra retaken", "Hama offensive begins", "Kalibr launch from the Caspian",
                    "Turkey protests airspace violation"]
    assert settled_titles(page, newest_first) == newest_first


def test_a_query_with_no_match_says_so(page, search_site):
    _, base = search_site
    search(page, base, "quasar")
    assert result_titles(page) == []
    assert "No results for quasar" in page.inner_text(".pagefind-ui__message")


def test_editorial_notes_are_searchable_but_navigation_and_footer_are_not(page, search_site):
    _, base = search_site
    search(page, base, "zebrafinch")
    assert result_titles(page) == ["Palmyra retaken"]
    for word in ("timeline", "reading"):  # in every page's navigation and footer, in no article
        search(page, base, word)
        assert result_titles(page) == []


def test_the_header_search_box_on_any_page_leads_to_results(page, search_site):
    _, base = search_site
    page.goto(base + "articles/palmyra-retaken/")
    page.get_by_label("Search the collection").fill("ambassador")
    page.keyboard.press("Enter")
    page.wait_for_selector(".pagefind-ui__result-link")
    assert page.url.startswith(base + "search/?q=ambassador")
    assert result_titles(page) == ["Turkey protests airspace violation"]


def test_after_edits_searches_answer_as_a_clean_build_would(page, tmp_path):
    """An edit is indexed on its own (pagefind/delta/) beside the full index (base/), which still
    holds the old version of the edited piece and the deleted one: neither may be found, and a
    piece added since must take its place among base/'s results in date order."""
    site = built_site(tmp_path / "site", {"kalibr-launch": " The northernmost battery fired first."})
    title, outlet, date, stance, tags, body = PIECES["hama-offensive"]
    site.write("content/articles/hama-offensive.md", article(
        title=title, outlet=outlet, date=date, stance=stance, tags=tags,
        body=body.replace("Strike reports were mixed.", "Zeppelin sightings were mixed. Strikebreakers gathered.")))
    (site.root / "content/articles/turkish-protest.md").unlink()
    site.write("content/articles/aleppo-siege.md", article(
        title="Aleppo siege tightens", outlet="Outlet B", date="2016-01-15", stance="mixed", tags=["aleppo"],
        body="Strike reports from the eastern districts."))
    build_under_base(site)
    assert (site.build_dir / "pagefind" / "delta").is_dir(), "the edits were indexed on their own"

    with serve(site.build_dir, BASE) as base:
        search(page, base, "zeppelin")
        assert settled_titles(page, ["Hama offensive begins"]) == ["Hama offensive begins"]
        # Unknown to base/, whose pages have "strike": Pagefind alone would offer them there.
        search(page, base, "strikebreakers")
        assert settled_titles(page, ["Hama offensive begins"]) == ["Hama offensive begins"]
        search(page, base, "ambassador")  # only in the deleted piece
        assert result_titles(page) == []
        # Unknown to delta/, whose Hama piece has "north": Pagefind alone would offer it there.
        search(page, base, "northernmost")
        assert settled_titles(page, ["Kalibr launch from the Caspian"]) == ["Kalibr launch from the Caspian"]
        page.goto(base + "search/?q=strike+reports&sort=desc")
        newest_first = ["Palmyra retaken", "Aleppo siege tightens", "Kalibr launch from the Caspian"]
        assert settled_titles(page, newest_first) == newest_first
        page.goto(base + "search/?q=strike+reports&sort=asc")
        assert settled_titles(page, newest_first[::-1]) == newest_first[::-1]


def test_without_javascript_the_search_page_offers_the_lists_instead(browser, search_site):
    _, base = search_site
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(base + "search/")
    message = page.inner_text(".no-js")
    assert "Search needs JavaScript" in message
    hrefs = [a.get_attribute("href") for a in page.query_selector_all(".no-js a")]
    assert hrefs == [BASE, f"{BASE}outlets/", f"{BASE}tags/", f"{BASE}events/", f"{BASE}timeline/"]
    context.close()


def test_a_site_with_search_off_builds_without_an_index(site, run):
    site.write("site.yml", SITE_YML + "search: false\n")
    site.add_article("piece")
    assert run("build", "--site", site.root).code == 0
    assert not (site.build_dir / "pagefind").exists()
    assert not (site.build_dir / "search").exists()
    assert not site.page("").cssselect("form[role=search]")


def test_the_index_is_part_of_the_atomic_build(site, run):
    site.add_article("piece", body="Findable words.")
    assert run("build", "--site", site.root).code == 0
    assert (site.build_dir / "pagefind" / "base" / "en" / "pagefind-entry.json").is_file()
    assert site.page("").cssselect("form[role=search] input[name=q]")


def indexed_page_count(site) -> int:
    import json
    entry = json.loads((site.build_dir / "pagefind" / "base" / "en" / "pagefind-entry.json").read_text())
    return sum(language["page_count"] for language in entry["languages"].values())


def test_the_pages_a_theme_marks_for_search_are_the_ones_indexed(site, run):
    """Only pages marked data-pagefind-body reach the indexer (the rest cost it time for nothing);
    which pages those are is the theme's choice, so a theme marking its outlet pages gets them."""
    site.add_article("one", outlet="Outlet A", body="Findable words.")
    site.add_article("two", outlet="Outlet B", body="More findable words.")
    assert run("build", "--site", site.root).code == 0
    assert indexed_page_count(site) == 2, "the default theme indexes the articles only"
    site.write("site.yml", site.root.joinpath("site.yml").read_text() + "theme: mine\n")
    site.write("themes/mine/templates/outlet.html",
               "{% extends 'base.html' %}{% block main %}<div data-pagefind-body><h1>{{ outlet.name }}</h1>"
               "</div>{% endblock %}")
    assert run("build", "--site", site.root).code == 0
    assert indexed_page_count(site) == 4, "two articles and the two outlet pages the theme marked"


def test_a_failing_indexer_is_reported_and_the_previous_site_kept(site, run, monkeypatch, tmp_path):
    from site_builder import search as search_module
    site.add_article("piece", body="Findable words.")
    assert run("build", "--site", site.root).code == 0
    before = {p: p.read_bytes() for p in site.build_dir.rglob("*") if p.is_file()}
    broken = tmp_path / "pagefind"
    broken.write_text("#!/bin/sh\necho 'Error: No space left on device' >&2\nexit 1\n")
    broken.chmod(0o755)
    monkeypatch.setattr(search_module, "get_executable", lambda: broken)
    site.add_article("piece", body="Findable words, edited.")
    result = run("build", "--site", site.root)
    assert result.code == 1
    assert "Pagefind says Error: No space left on device" in result.err
    assert "run with search: false in site.yml to build without it" in result.err
    assert {p: p.read_bytes() for p in site.build_dir.rglob("*") if p.is_file()} == before


def test_an_indexer_killed_for_memory_is_explained(site, run, monkeypatch, tmp_path):
    """Pagefind holds every word it indexes (about 0.4 GB per 1,000 pages): the kernel may kill it."""
    from site_builder import search as search_module
    site.add_article("piece", body="Findable words.")
    killed = tmp_path / "pagefind"
    killed.write_text("#!/bin/sh\nkill -KILL $$\n")
    killed.chmod(0o755)
    monkeypatch.setattr(search_module, "get_executable", lambda: killed)
    result = run("build", "--site", site.root)
    assert result.code == 1
    assert "Pagefind was killed (SIGKILL); if the system ran out of memory" in result.err
    assert "run with search: false in site.yml to build without it" in result.err
    assert not site.build_dir.exists()


# --- annotations: their notes are found, as the editors' words, and annotated pieces can be picked ---

NOTE_ANNOTATION = """\
annotations:
  - quote: twenty-six missiles
    note: The zeugma of the ministry's briefing; its own count was *twenty-six*.
    kind: context
    by: Jo Student
"""


@pytest.fixture(scope="module")
def annotated_search_site(tmp_path_factory, browser):
    """PIECES with one annotated piece, whose note alone holds the word `zeugma`."""
    site = Site(tmp_path_factory.mktemp("annotated-search") / "site")
    site.write("site.yml", SITE_YML)
    for slug, (title, outlet, date, stance, tags, body) in PIECES.items():
        text = article(title=title, outlet=outlet, date=date, stance=stance, tags=tags, body=body)
        if slug == "kalibr-launch":
            text = text.replace("---\n\n", NOTE_ANNOTATION + "---\n\n", 1)
        site.write(f"content/articles/{slug}.md", text)
    build_under_base(site)
    with serve(site.build_dir, BASE) as base:
        yield site, base


def settled(page, selector: str, count: int, timeout_s: float = 30.0) -> list:
    """The elements matching `selector` once there are `count` of them and none is still a
    placeholder (results stream in; each shows ". . ." until its fragment has loaded)."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline and (len(page.query_selector_all(selector)) != count
                                           or page.query_selector(".pagefind-ui__loading")):
        page.wait_for_timeout(100)
    return page.query_selector_all(selector)


def test_a_word_only_in_a_note_finds_the_note_labelled_as_its_annotators_words(page, annotated_search_site):
    _, base = annotated_search_site
    search(page, base, "zeugma")
    [result] = settled(page, ".pagefind-ui__result", 1)
    assert result.query_selector(".pagefind-ui__result-title a").inner_text() == "Kalibr launch from the Caspian"
    [note] = result.query_selector_all(".pagefind-ui__result-nested")
    link = note.query_selector("a")
    assert link.inner_text() == "Note by Jo Student on “twenty-six missiles”", "whose words they are, and on what"
    assert "zeugma" in note.query_selector("mark").inner_text().lower()
    excerpts = [e.inner_text() for e in result.query_selector_all(".pagefind-ui__result-excerpt")]
    assert len(excerpts) == 1, "no excerpt presents the note as the outlet's text"
    href = link.get_attribute("href")
    assert href.startswith(f"{BASE}articles/kalibr-launch/#annotation-twenty-six-missiles-")
    link.click()
    page.wait_for_url(f"**{href}")
    target = page.evaluate("() => { const t = document.querySelector(':target'); return t && t.className; }")
    assert "annotation-note" in target, "the link lands on the note beside its passage"


def test_the_outlets_words_are_excerpted_without_the_note_inside_them(page, annotated_search_site):
    _, base = annotated_search_site
    search(page, base, "flotilla")
    [result] = settled(page, ".pagefind-ui__result", 1)
    excerpt = result.query_selector(".pagefind-ui__result-excerpt").inner_text()
    assert "fired twenty-six missiles across Iran" in excerpt, "the outlet's sentence, whole"
    assert "zeugma" not in excerpt
    assert result.query_selector_all(".pagefind-ui__result-nested") == [], "the note does not match: not shown"


def test_the_annotated_filter_narrows_the_results_to_annotated_pieces(page, annotated_search_site):
    _, base = annotated_search_site
    search(page, base, "strike reports")
    every_piece = sorted(title for title, *_ in PIECES.values())
    assert sorted(settled_titles(page, every_piece, any_order=True)) == every_piece
    group = page.locator("details", has=page.locator("legend", has_text="annotated"))
    group.locator("summary").click(timeout=90_000)  # the filter group, closed by default
    group.get_by_label("yes", exact=False).check()
    assert settled_titles(page, ["Kalibr launch from the Caspian"]) == ["Kalibr launch from the Caspian"]


def test_without_javascript_an_annotated_collections_search_page_offers_its_annotations(browser, annotated_search_site):
    _, base = annotated_search_site
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(base + "search/")
    assert f"{BASE}annotations/" in [a.get_attribute("href") for a in page.query_selector_all(".no-js a")]
    context.close()
