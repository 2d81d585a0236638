"""Annotations beyond their piece's page: /annotations/ (every note, by piece), a page per
annotator for a class, the menu's link, and what the search index holds of the notes."""

from __future__ import annotations

import gzip
import json

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
    assert page.cssselect(".annotators a[aria-current=page]")[0].text_content() == "Sam Lee"


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
    assert sorted(job.path for job in listing) == ["annotations/by/jo-student/index.html",
                                                   "annotations/by/sam-lee/index.html",
                                                   "annotations/editors/index.html", "annotations/index.html"]
    assert {job.in_full for job in listing} == {("piece",)}


# --- the search index ------------------------------------------------------------------------------

def fragments(site: Site) -> dict[str, dict]:
    """Pagefind's record of each indexed page, by address."""
    found = {}
    for path in (site.build_dir / "pagefind" / "base" / "fragment").iterdir():
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
