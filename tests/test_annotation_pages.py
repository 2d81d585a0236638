"""Annotations beyond their piece's page: /annotations/ (every note, by piece), a page per
annotator for a class, the menu's link, and what the search index holds of the notes."""

from __future__ import annotations

import gzip
import json
from datetime import date, timedelta

from conftest import SITE_YML, Site, article

BODY = "The flotilla fired twenty-six missiles across Iran. Strike reports spread fast, the ministry said."


def annotated(slug: str, annotations: str, site: Site, **fields) -> None:
    """An article whose front matter holds `annotations` (YAML lines under `annotations:`)."""
    text = article(body=fields.pop("body", BODY), **fields)
    site.write(f"content/articles/{slug}.md", text.replace("---\n\n", "annotations:\n" + annotations + "---\n\n", 1))


CLASS_NOTES = """\
  - quote: Strike reports
    note: Whose reports? Jo asks.
    kind: question
    by: Jo Student
  - quote: twenty-six missiles
    note: The ministry's own count.
    kind: context
    by: Sam Lee
  - quote: the ministry said
    note: The editors' note, for the class.
"""


def menu_labels(site: Site, page: str = "") -> list[str]:
    return [a.text_content() for a in site.page(page).cssselect("nav[aria-label=Site] a")]


def entries(site: Site, page: str) -> list[tuple[str, str, str, str]]:
    """(piece, quoted passage, note label, note text) for each annotation a listing page shows."""
    found = []
    for section in site.page(page).cssselect(".annotated-piece"):
        piece = section.cssselect(".annotated-piece-title")[0].text_content()
        for entry in section.cssselect(".annotation-entry"):
            note = entry.cssselect(".annotation-entry-note")[0]
            label = note.cssselect(".annotation-label")[0].text_content()
            found.append((piece, entry.cssselect("blockquote")[0].text_content(), label,
                          note.text_content().replace(label, "", 1).strip()))
    return found


def test_a_site_without_annotations_has_no_annotations_page_nor_link(site, run):
    site.add_article("plain", body=BODY)
    assert run("build", "--site", site.root).code == 0
    assert not (site.build_dir / "annotations").exists()
    assert "Annotations" not in menu_labels(site)
    assert not [a for a in site.page("search/").cssselect(".no-js a") if "annotations" in a.get("href")]


def test_the_annotations_page_lists_every_note_by_piece_with_whose_it_is_and_a_link_to_it(site, run):
    annotated("older", CLASS_NOTES, site, title="The older piece", date="2015-10-07")
    annotated("newer", "  - quote: flotilla\n    note: Which **ships**?\n    kind: correction\n", site,
              title="The newer piece", date="2015-10-09")
    site.add_article("plain", title="Not annotated", body=BODY)
    assert run("build", "--site", site.root).code == 0
    assert menu_labels(site)[-1] == "Annotations", "linked from the menu, after the other sections"
    assert entries(site, "annotations/") == [
        ("The newer piece", "flotilla", "Editors' note · correction", "Which ships?"),
        ("The older piece", "twenty-six missiles", "Note by Sam Lee · context", "The ministry's own count."),
        ("The older piece", "Strike reports", "Note by Jo Student · question", "Whose reports? Jo asks."),
        ("The older piece", "the ministry said", "Editors' note · comment", "The editors' note, for the class."),
    ], "newest piece first, each piece's notes in the order of its text"
    page = site.page("annotations/")
    links = [a.get("href") for a in page.cssselect(".annotation-in-text a")]
    assert links[0].startswith("/articles/newer/#annotation-flotilla-")
    for link in links:
        path, anchor = link.split("#")
        assert site.page(path.lstrip("/")).get_element_by_id(anchor).get("class").startswith("annotation-note")
    assert page.cssselect("main h1")[0].text_content() == "Annotations"
    assert [dt.text_content() for dt in page.cssselect(".annotation-kinds dt")] == \
        ["comment", "context", "correction", "question"], "site.yml's kinds, explained"


def test_each_annotator_and_the_editors_get_a_page_of_their_own_notes(site, run):
    annotated("piece", CLASS_NOTES, site)
    assert run("build", "--site", site.root).code == 0
    voices = {a.text_content(): a.get("href") for a in site.page("annotations/").cssselect(".annotators a")}
    assert voices == {"Jo Student": "/annotations/by/jo-student/", "Sam Lee": "/annotations/by/sam-lee/",
                      "The editors": "/annotations/editors/"}
    assert [(label, text) for _, _, label, text in entries(site, "annotations/by/jo-student/")] == \
        [("Note by Jo Student · question", "Whose reports? Jo asks.")]
    assert [text for *_, text in entries(site, "annotations/editors/")] == ["The editors' note, for the class."]
    page = site.page("annotations/by/sam-lee/")
    assert page.cssselect("main h1")[0].text_content() == "Notes by Sam Lee"
    assert not page.cssselect(".annotators"), "the voices are listed once, on /annotations/"
    assert [a.get("href") for a in page.cssselect("main a[href^='/annotations/']")][-2:] == \
        ["/annotations/", "/annotations/#annotators-heading"]
    assert site.page("annotations/").get_element_by_id("annotators-heading").text_content() == "By annotator"


def test_notes_in_one_voice_get_no_annotator_pages(site, run):
    annotated("piece", "  - quote: flotilla\n    note: One.\n  - quote: Strike reports\n    note: Two.\n", site)
    assert run("build", "--site", site.root).code == 0
    assert len(entries(site, "annotations/")) == 2
    assert not site.page("annotations/").cssselect(".annotators")
    assert not (site.build_dir / "annotations" / "by").exists()
    assert not (site.build_dir / "annotations" / "editors").exists()


def test_annotators_whose_names_make_the_same_address_each_get_one(site, run):
    annotated("piece", "  - quote: flotilla\n    note: One.\n    by: Jo Lee\n"
                       "  - quote: Strike reports\n    note: Two.\n    by: jo lee\n", site)
    assert run("build", "--site", site.root).code == 0
    voices = {a.text_content(): a.get("href") for a in site.page("annotations/").cssselect(".annotators a")}
    assert voices == {"Jo Lee": "/annotations/by/jo-lee/", "jo lee": "/annotations/by/jo-lee-2/"}


def test_annotator_names_and_notes_stay_text_on_the_listing(site, run):
    annotated("piece", "  - quote: flotilla\n    note: '<script>alert(1)</script> *ok*'\n"
                       "    by: '<img src=x onerror=alert(2)>'\n  - quote: Strike reports\n    note: Two.\n", site)
    assert run("build", "--site", site.root).code == 0
    for page in ("annotations/", "annotations/by/img-src-x-onerror-alert-2/"):
        html = (site.build_dir / page / "index.html").read_text()
        assert "<script>alert" not in html and "<img src=x" not in html
        assert "&lt;img src=x onerror=alert(2)&gt;" in html


def test_a_menu_naming_annotations_shows_it_once_there_are_some(site, run):
    site.write("site.yml", SITE_YML + "menu: [home, annotations]\n")
    site.add_article("piece", body=BODY)
    result = run("build", "--site", site.root)
    assert result.code == 0 and "annotations" not in result.err, "not yet a problem: no note has been written"
    assert menu_labels(site) == ["All pieces"]
    annotated("piece", "  - quote: flotilla\n    note: Which ships?\n", site)
    assert run("build", "--site", site.root).code == 0
    assert menu_labels(site) == ["All pieces", "Annotations"]
    assert menu_labels(site, "annotations/") == ["All pieces", "Annotations"]
    assert site.page("annotations/").cssselect("nav[aria-label=Site] a[aria-current=page]")[0].text == "Annotations"


def test_the_annotation_pages_declare_the_annotated_pieces(site, planned_site):
    from site_builder.render import PageKind

    annotated("piece", CLASS_NOTES, site)
    site.add_article("plain", body=BODY)
    planned = {job.path: job for job in planned_site(site) if hasattr(job, "kind")}
    listing = [job for job in planned.values() if job.kind is PageKind.ANNOTATIONS]
    assert sorted(job.path for job in listing) == ["annotations.jsonld", "annotations/by/jo-student/index.html",
                                                   "annotations/by/sam-lee/index.html",
                                                   "annotations/editors/index.html", "annotations/index.html"]
    assert {job.in_full for job in listing} == {("piece",)}


# --- the search index ------------------------------------------------------------------------------

def fragments(site: Site) -> dict[str, dict]:
    """Pagefind's record of each indexed page, by address."""
    found = {}
    for path in (site.build_dir / "pagefind" / "base" / "en" / "fragment").iterdir():
        data = gzip.decompress(path.read_bytes())
        record = json.loads(data[data.index(b"{"):])
        found[record["url"]] = record
    return found


def test_a_note_is_indexed_once_apart_from_the_outlets_sentence_under_whose_note_it_is(site, run):
    annotated("piece", "  - quote: twenty-six missiles\n    note: The zeugma count.\n    by: Jo Student\n"
                       "    kind: context\n", site)
    site.add_article("plain", body="Nothing noted here.")
    assert run("build", "--site", site.root).code == 0
    record = fragments(site)["/articles/piece/"]
    content = record["content"]
    assert content.count("zeugma") == 1
    assert "fired twenty-six missiles across Iran" in content, "the outlet's sentence is whole"
    assert content.index("zeugma") > content.index("the ministry said"), "the note comes after the text"
    heading = [a for a in record["anchors"] if a["id"].startswith("search-note-")]
    assert [a["text"] for a in heading] == ["Note by Jo Student on “twenty-six missiles”"]
    assert record["filters"]["annotated"] == ["yes"]
    assert record["filters"]["annotation"] == ["context"]
    assert record["filters"]["annotator"] == ["Jo Student"]
    assert "annotated" not in fragments(site)["/articles/plain/"]["filters"]
    hidden = site.page("articles/piece/").cssselect(".search-notes")[0]
    assert hidden.get("hidden") is not None, "readers see the note beside its passage, not this copy"


# --- incremental builds --------------------------------------------------------------------------

def test_adding_editing_and_removing_annotations_builds_as_a_clean_build_would(site, run, tmp_path):
    from test_incremental import assert_same_as_clean

    site.write("site.yml", SITE_YML + "search: false\n")  # an index updated in place is not a fresh one's bytes
    annotated("piece", CLASS_NOTES, site, title="Annotated")
    site.add_article("plain", title="Plain", body=BODY)
    assert run("build", "--site", site.root).code == 0
    listing = site.build_dir / "annotations" / "index.html"
    before = listing.stat().st_ino

    annotated("piece", CLASS_NOTES, site, title="Annotated", body=BODY + "\n\nA new closing paragraph.")
    assert run("build", "--site", site.root).code == 0
    assert listing.stat().st_ino == before, "a text edited, its notes unchanged: the listings are not rendered again"
    assert_same_as_clean(site.root, tmp_path)

    annotated("plain", "  - quote: flotilla\n    note: A second piece's note.\n    by: Ana Pupil\n", site, title="Plain")
    assert run("build", "--site", site.root).code == 0
    assert (site.build_dir / "annotations" / "by" / "ana-pupil" / "index.html").is_file()
    assert_same_as_clean(site.root, tmp_path)

    annotated("plain", "  - quote: flotilla\n    note: Edited by Ana.\n    by: Ana Pupil\n", site, title="Plain")
    assert run("build", "--site", site.root).code == 0
    assert "Edited by Ana." in listing.read_text()
    assert_same_as_clean(site.root, tmp_path)

    site.add_article("plain", title="Plain", body=BODY)  # its only note removed
    assert run("build", "--site", site.root).code == 0
    assert not (site.build_dir / "annotations" / "by" / "ana-pupil").exists()
    assert "A second piece" not in listing.read_text()
    assert_same_as_clean(site.root, tmp_path)

    site.add_article("piece", title="Annotated", body=BODY)  # the last notes removed
    assert run("build", "--site", site.root).code == 0
    assert not (site.build_dir / "annotations").exists()
    assert "Annotations" not in menu_labels(site)
    assert_same_as_clean(site.root, tmp_path)


# --- a long listing, in pages ---------------------------------------------------------------------

def annotate_many(site: Site, count: int) -> None:
    """`count` annotated pieces, one a day from 1 January 2015 (`p000` the oldest): each with an
    editors' note, and every other one with Jo Student's too."""
    for number in range(count):
        notes = f"  - quote: flotilla\n    note: The editors on piece {number}.\n"
        if number % 2 == 0:
            notes += f"  - quote: Strike reports\n    note: Jo on piece {number}.\n    by: Jo Student\n"
        annotated(f"p{number:03d}", notes, site, title=f"Piece {number:03d}",
                  date=(date(2015, 1, 1) + timedelta(days=number)).isoformat())


def pieces_on(site: Site, page: str) -> list[str]:
    return [title.text_content() for title in site.page(page).cssselect(".annotated-piece-title")]


def pagination(site: Site, page: str) -> dict:
    """What a listing page's navigation offers: its label, page links, the current one, prev and next."""
    tree = site.page(page)
    navs = tree.cssselect("nav.pagination")
    if not navs:
        return {}
    nav = navs[0]
    return {"label": nav.get("aria-label"),
            "pages": [a.text_content().replace("Page ", "") for a in nav.cssselect("a:not([rel])")],
            "current": [a.get("href") for a in nav.cssselect("a[aria-current=page]")],
            "prev": [a.get("href") for a in nav.cssselect("a[rel=prev]")] +
                    [link.get("href") for link in tree.cssselect("head link[rel=prev]")],
            "next": [a.get("href") for a in nav.cssselect("a[rel=next]")] +
                    [link.get("href") for link in tree.cssselect("head link[rel=next]")]}


def listing_files(site: Site) -> dict[str, int]:
    """Every file of the annotation listings, by path, with its inode (a page rendered again is a new file)."""
    folder = site.build_dir / "annotations"
    return {path.relative_to(folder).as_posix(): path.stat().st_ino for path in folder.rglob("index.html")}


def test_a_long_listing_is_cut_into_pages_of_fifty_pieces_newest_first_with_links_between_them(site, run):
    annotate_many(site, 120)
    assert run("build", "--site", site.root).code == 0
    assert pieces_on(site, "annotations/") == [f"Piece {n:03d}" for n in range(119, 69, -1)]
    assert pieces_on(site, "annotations/page/2/") == [f"Piece {n:03d}" for n in range(69, 19, -1)]
    assert pieces_on(site, "annotations/page/3/") == [f"Piece {n:03d}" for n in range(19, -1, -1)]
    assert not (site.build_dir / "annotations" / "page" / "1").exists(), "page 1 is /annotations/ itself"
    assert not (site.build_dir / "annotations" / "page" / "4").exists()

    assert pagination(site, "annotations/") == {"label": "Pages of annotations", "pages": ["1", "2", "3"],
                                                "current": ["/annotations/"], "prev": [],
                                                "next": ["/annotations/page/2/"] * 2}
    assert pagination(site, "annotations/page/2/") == {
        "label": "Pages of annotations", "pages": ["1", "2", "3"], "current": ["/annotations/page/2/"],
        "prev": ["/annotations/"] * 2, "next": ["/annotations/page/3/"] * 2}
    assert pagination(site, "annotations/page/3/")["prev"] == ["/annotations/page/2/"] * 2
    assert pagination(site, "annotations/page/3/")["next"] == []

    second = site.page("annotations/page/2/")
    assert second.cssselect("main h1")[0].text_content() == "Annotations (page 2 of 3)"
    assert second.cssselect("title")[0].text_content().startswith("Annotations (page 2 of 3) · ")
    assert not second.cssselect(".annotation-kinds, .annotators"), "the kinds and the voices are on the first page"
    first = site.page("annotations/")
    assert first.cssselect("main h1")[0].text_content() == "Annotations (page 1 of 3)"
    assert "180 notes on 120 pieces" in first.cssselect("main p")[0].text_content(), "counted over every page"

    sitemap = (site.build_dir / "sitemap.xml").read_text()
    for address in ("annotations/", "annotations/page/2/", "annotations/page/3/", "annotations/editors/page/3/"):
        assert f"/{address}</loc>" in sitemap


def test_an_annotators_listing_is_cut_into_pages_of_its_own(site, run):
    annotate_many(site, 120)
    assert run("build", "--site", site.root).code == 0
    assert pieces_on(site, "annotations/by/jo-student/") == [f"Piece {n:03d}" for n in range(118, 18, -2)]
    assert pieces_on(site, "annotations/by/jo-student/page/2/") == [f"Piece {n:03d}" for n in range(18, -1, -2)]
    assert not (site.build_dir / "annotations" / "by" / "jo-student" / "page" / "3").exists()
    assert pagination(site, "annotations/by/jo-student/page/2/") == {
        "label": "Pages of Jo Student's notes", "pages": ["1", "2"], "current": ["/annotations/by/jo-student/page/2/"],
        "prev": ["/annotations/by/jo-student/"] * 2, "next": []}
    assert site.page("annotations/by/jo-student/page/2/").cssselect("main h1")[0].text_content() == \
        "Notes by Jo Student (page 2 of 2)"
    assert len(pieces_on(site, "annotations/editors/page/3/")) == 20
    assert not site.page("annotations/by/jo-student/").cssselect(".annotators"), "only /annotations/ lists them"


def test_editing_a_note_renders_again_only_the_listing_pages_holding_its_piece(site, run, tmp_path):
    from test_incremental import assert_same_as_clean

    site.write("site.yml", SITE_YML + "search: false\n")
    annotate_many(site, 120)
    assert run("build", "--site", site.root).code == 0
    before = listing_files(site)
    assert len(before) == 3 + 3 + 2

    path = site.root / "content" / "articles" / "p051.md"  # the 69th newest: page 2 of /annotations/ and the editors'
    path.write_text(path.read_text().replace("The editors on piece 51.", "The editors, rewritten, on piece 51."))
    assert run("build", "--site", site.root).code == 0
    after = listing_files(site)
    assert sorted(page for page in after if after[page] != before[page]) == \
        ["editors/page/2/index.html", "page/2/index.html"]
    assert "rewritten, on piece 51" in (site.build_dir / "annotations" / "page" / "2" / "index.html").read_text()
    assert_same_as_clean(site.root, tmp_path)

    before = after  # an editors' note on a piece: its pages, and the first pages counting the editors' notes
    path.write_text(path.read_text().replace("annotations:\n", "annotations:\n  - quote: the ministry said\n"
                                                               "    note: Another.\n", 1))
    assert run("build", "--site", site.root).code == 0
    after = listing_files(site)
    assert sorted(page for page in after if after[page] != before[page]) == \
        ["editors/index.html", "editors/page/2/index.html", "index.html", "page/2/index.html"]
    assert_same_as_clean(site.root, tmp_path)

    before = after  # an older piece's first note: the last pages take it, and the first pages count it
    annotated("p-old", "  - quote: flotilla\n    note: The oldest noted.\n", site, title="Oldest", date="2014-06-01")
    assert run("build", "--site", site.root).code == 0
    after = listing_files(site)
    assert sorted(page for page in after if after[page] != before[page]) == \
        ["editors/index.html", "editors/page/3/index.html", "index.html", "page/3/index.html"]
    assert pieces_on(site, "annotations/page/3/")[-1] == "Oldest"
    assert_same_as_clean(site.root, tmp_path)


def test_an_edit_build_plans_the_annotation_listings_again_only_when_annotated_pieces_change(site):
    from site_builder.build import BuildOptions, SaveState, build
    from site_builder.config import load_config
    from site_builder.render import PageKind

    def planned(report) -> dict:
        return {job.path: job.subject for job in report.plan.pages
                if job.kind is PageKind.ANNOTATIONS and job.path.endswith("index.html")}

    annotate_many(site, 60)
    config = load_config(site.root)
    first = build(config, BuildOptions(save=SaveState.NEVER))
    path = site.root / "content" / "articles" / "p005.md"  # on page 2 of /annotations/
    path.write_text(path.read_text().replace("the ministry said.", "the ministry said. A sentence added."))
    second = build(config, BuildOptions(save=SaveState.NEVER), first.state)
    # the piece's page, and its word count in data/pieces.json and pieces.csv: no listing page
    assert second.pages_rendered == 3
    assert all(planned(second)[page] is planned(first)[page] for page in planned(first)), "kept, not planned again"

    path.write_text(path.read_text().replace("The editors on piece 5.", "The editors, rewritten, on piece 5."))
    third = build(config, BuildOptions(save=SaveState.NEVER), second.state)
    assert planned(third) == planned(second) and planned(third)["annotations/index.html"] is not \
        planned(second)["annotations/index.html"], "planned again, to the same pages"
    assert "rewritten, on piece 5" in (site.build_dir / "annotations" / "page" / "2" / "index.html").read_text()


def test_the_navigation_of_a_long_listing_links_the_first_last_and_nearby_pages():
    from site_builder.annotation_pages import ListingPage

    assert ListingPage(None, 10, 20).numbers == [1, None, 8, 9, 10, 11, 12, None, 20]
    assert ListingPage(None, 1, 20).numbers == [1, 2, 3, None, 20]
    assert ListingPage(None, 4, 20).numbers == [1, 2, 3, 4, 5, 6, None, 20]
    assert ListingPage(None, 1, 1).numbers == [1]
    assert (ListingPage(None, 2, 3).previous, ListingPage(None, 2, 3).next) == ("annotations/", "annotations/page/3/")


def test_a_piece_s_link_and_byline_are_rendered_once_for_all_the_listings_that_show_it():
    """The listings show an annotated piece on /annotations/ and on each voice's page: the same
    link and byline, rendered once per process (`once_per_article`), the macro part of the key."""
    from types import SimpleNamespace

    from site_builder.render import _once_per_article

    calls = []

    def link(article):
        calls.append(("link", article.slug))
        return f"<a>{article.slug}</a>"

    def byline(article):
        calls.append(("byline", article.slug))
        return "by"

    once = _once_per_article()
    one, two = SimpleNamespace(slug="one"), SimpleNamespace(slug="two")
    shown = [once(link, one), once(byline, one), once(link, one), once(link, two), once(byline, one)]
    assert shown == ["<a>one</a>", "by", "<a>one</a>", "<a>two</a>", "by"]
    assert calls == [("link", "one"), ("byline", "one"), ("link", "two")]
