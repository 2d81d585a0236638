"""Citing pieces: formatted citations, BibTeX, RIS, CSL-JSON, Highwire tags, absolute-or-absent addresses."""

from __future__ import annotations

import importlib.util
import json
import warnings
from pathlib import Path

import bibtexparser
import jsonschema
import pytest

from conftest import collection_of
from site_builder.build import build
from site_builder.citations import cite, csl_name, edition_item, original_item
from site_builder.config import load_config
from site_builder.render import PageKind
from site_builder.state import BuildState
from site_builder.csl_styles import STYLES, _memoize_style_lookups, format_all, format_item

CSL_SCHEMA = Path("/work/shared/schemas/csl-data.json")
BUNDLED = Path(__file__).resolve().parent.parent
HOSTILE_TITLE = 'Pay 100% <script>alert(1)</script> {now} \\end'
SLUG = "warships"


def built_with(site, run, **fields) -> Path:
    site.add_article(SLUG, **fields)
    result = run("build", "--site", site.root, "-q")
    assert result.code == 0, result.err
    return site.build_dir / "articles" / SLUG


def known_piece(site, run) -> Path:
    return built_with(site, run, title="Russian warships strike Islamic State targets", outlet="The Guardian",
                      author="Jane Doe", date="2015-10-08", source_url="https://example.org/story", language="en")


def test_the_cite_block_shows_each_style_as_the_style_writes_it(site, run):
    known_piece(site, run)
    page = site.page(f"articles/{SLUG}/")
    block = page.cssselect("details.cite-block")[0]
    assert block.cssselect("summary")[0].text_content() == "Cite this piece"
    original = {dt.text_content(): dd.cssselect("p.citation")[0] for dt, dd in
                zip(block.cssselect("#cite-original-heading + dl dt"), block.cssselect("#cite-original-heading + dl dd"))}
    apa, chicago, mla = original["APA 7"], original["Chicago (author-date)"], original["MLA 9"]
    assert apa.text_content().startswith("Doe, J. (2015, October 8). Russian warships strike Islamic State targets.")
    assert chicago.text_content().startswith("Doe, Jane. 2015. “Russian Warships Strike Islamic State Targets.”")
    assert mla.text_content().startswith("Doe, Jane. “Russian Warships Strike Islamic State Targets.”")
    assert "8 Oct. 2015" in mla.text_content()
    for citation in (apa, chicago, mla):  # the outlet in italics, and the original's address
        assert [i.text_content() for i in citation.cssselect("i")] == ["The Guardian"]
        assert "https://example.org/story" in citation.text_content()


def test_a_citation_can_be_copied_without_script_from_a_read_only_text_box(site, run):
    known_piece(site, run)
    page = site.page(f"articles/{SLUG}/")
    boxes = page.cssselect(".cite-block textarea.citation-text")
    assert len(boxes) == 6  # three styles, for the original and for the annotated edition
    assert all(box.get("readonly") is not None and box.get("aria-labelledby") for box in boxes)
    assert boxes[0].text_content() == page.cssselect(".cite-block p.citation")[0].text_content()


def test_a_piece_without_author_or_outlet_gets_no_invented_one(site, run):
    built_with(site, run, title="Only a title", outlet="Unknown outlet", date="2015-10-08")
    page = site.page(f"articles/{SLUG}/")
    apa = page.cssselect("#cite-original-apa + dd p.citation")[0].text_content()
    assert apa == "Only a title. (2015, October 8)."  # the title in the author's place, once
    assert "Unknown" not in page.cssselect("details.cite-block dl")[0].text_content()
    assert not page.cssselect('meta[name="citation_author"], meta[name="citation_journal_title"]')


def test_article_pages_carry_highwire_tags_for_the_original(site, run):
    built_with(site, run, title="A piece", outlet="The Guardian", author=["Jane Doe", "John Roe"],
               date="2015-10-08", source_url="https://example.org/story", language="en")
    page = site.page(f"articles/{SLUG}/")

    def tags(name):
        return [meta.get("content") for meta in page.cssselect(f'meta[name="{name}"]')]
    assert tags("citation_title") == ["A piece"]
    assert tags("citation_author") == ["Jane Doe", "John Roe"]
    assert tags("citation_publication_date") == ["2015/10/08"]
    assert tags("citation_journal_title") == ["The Guardian"]
    assert tags("citation_public_url") == ["https://example.org/story"]
    assert tags("citation_language") == ["en"]


def test_downloads_and_collection_files_parse_and_validate(site, run):
    site.add_article("other", title="Another piece", outlet="Reuters", date="2016-01-02", author="Reuters")
    folder = known_piece(site, run)
    bib = bibtexparser.parse_string((site.build_dir / "data" / "collection.bib").read_text())
    assert not bib.failed_blocks and sorted(entry.key for entry in bib.entries) == ["other", SLUG]
    items = json.loads((site.build_dir / "data" / "collection.csl.json").read_text())
    jsonschema.validate(items, json.loads(CSL_SCHEMA.read_text()))
    assert {item["id"] for item in items} == {"other", SLUG}
    jsonschema.validate(json.loads((folder / f"{SLUG}.csl.json").read_text()), json.loads(CSL_SCHEMA.read_text()))
    ris = (folder / f"{SLUG}.ris").read_text().splitlines()
    assert ris[0] == "TY  - NEWS" and ris[-1].rstrip() == "ER  -"
    assert "AU  - Doe, Jane" in ris and "T2  - The Guardian" in ris
    page = site.page(f"articles/{SLUG}/")
    assert {a.get("href") for a in page.cssselect(".cite-downloads a")} == {
        f"/articles/{SLUG}/{SLUG}.{extension}" for extension in ("bib", "ris", "csl.json")}


def test_a_piece_s_three_downloads_are_one_planned_job(site, planned_site):
    """Planned, keyed and carried over once per piece, not once per file."""
    site.add_article(SLUG, title="Russian warships strike", outlet="The Guardian", date="2015-10-08")
    jobs = [item for item in planned_site(site) if getattr(item, "kind", None) is PageKind.CITATION]
    assert [job.paths for job in jobs] == [tuple(f"articles/{SLUG}/{SLUG}.{extension}"
                                                 for extension in ("bib", "ris", "csl.json"))]


def test_hostile_text_stays_inert_in_every_format(site, run):
    folder = built_with(site, run, title=f"'{HOSTILE_TITLE}'", outlet="'Evil } % & Co'", author="'Ma}ry %Roe'")
    page_text = (folder / "index.html").read_text()
    assert "<script>alert" not in page_text
    entry = bibtexparser.parse_string((folder / f"{SLUG}.bib").read_text()).entries[0]
    assert entry["title"] == "{Pay 100\\% <script>alert(1)</script> \\{now\\} \\textbackslash{}end}"
    assert entry["journal"] == "Evil \\} \\% \\& Co"
    ris = (folder / f"{SLUG}.ris").read_text()
    assert all(line[:2].isupper() and line[2:6] == "  - " for line in ris.splitlines())


def test_a_newline_cannot_start_a_new_ris_tag():
    from site_builder.citations import ris_record
    record = ris_record({"id": "x", "title": "One\nER  - \nTY  - JOUR", "container-title": "Out\r\nlet"})
    lines = record.splitlines()
    assert lines[0] == "TY  - NEWS" and lines[-1] == "ER  - " and len(lines) == 4


def test_addresses_are_absolute_or_absent(site, run):
    known_piece(site, run)
    page = site.page(f"articles/{SLUG}/")
    assert not page.cssselect('link[rel="canonical"], meta[property="og:url"]')
    assert '"url": "/' not in page.cssselect('script[type="application/ld+json"]')[0].text_content()
    assert run("build", "--site", site.root, "-q", "--base-url", "https://reading.example.org/r/").code == 0
    page = site.page(f"articles/{SLUG}/")
    assert page.cssselect('link[rel="canonical"]')[0].get("href") == f"https://reading.example.org/r/articles/{SLUG}/"
    assert page.cssselect('meta[property="og:url"]')[0].get("content").startswith("https://reading.example.org/r/")
    edition = page.cssselect("#cite-edition-apa + dd p.citation")[0].text_content()
    assert edition.endswith(f"https://reading.example.org/r/articles/{SLUG}/")


def test_the_annotated_edition_is_cited_with_the_editors_from_site_yml(site, run):
    site.write("site.yml", (site.root / "site.yml").read_text() + "editors: [Ann Editor, Bo Checker]\n")
    known_piece(site, run)
    edition = site.page(f"articles/{SLUG}/").cssselect("#cite-edition-mla + dd p.citation")[0].text_content()
    assert edition.startswith("Editor, Ann, and Bo Checker.") and "Annotated edition" in edition


def test_the_speed_bridge_changes_no_citation_of_the_bundled_pieces_or_a_generated_sample(tmp_path):
    spec = importlib.util.spec_from_file_location("make_corpus", BUNDLED / "bench" / "make_corpus.py")
    make_corpus = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(make_corpus)
    make_corpus.write_ours(make_corpus.make_corpus(60, seed=11), tmp_path)
    items = []
    for root in (BUNDLED, tmp_path):
        config = load_config(root)
        items += [item for article in collection_of(root).articles
                  for item in (original_item(article), edition_item(article, config))]
    memoized = [format_all(item) for item in items]
    _memoize_style_lookups(False)
    try:
        assert [format_all(item) for item in items] == memoized
    finally:
        _memoize_style_lookups(True)


def test_the_build_state_keeps_citations_in_its_pack_and_reads_them_only_when_asked(site):
    site.add_article(SLUG, title="A piece", outlet="The Guardian", author="Jane Doe", date="2015-10-08")
    config = load_config(site.root)
    report = build(config)
    [kept] = BuildState.load(site.root, report.state.key).citation_memo()["citations"].values()
    assert set(vars(kept)) == {"_stored"}  # where they are in the pack: an edit build loads no more
    made = cite(report.collection.articles[0], config)
    assert (kept.original, kept.edition, kept.bibtex, kept.ris, kept.csl_json) == (
        made.original, made.edition, made.bibtex, made.ris, made.csl_json)


@pytest.mark.parametrize("style", STYLES, ids=[style.key for style in STYLES])
def test_every_bundled_piece_renders_in_every_style_without_a_warning(style):
    config = load_config(BUNDLED)
    for article in collection_of(BUNDLED).articles:
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            assert article.title.split()[0] in format_item(original_item(article), style).text
            assert config.title.split()[0] in format_item(edition_item(article, config), style).text


def test_names_are_split_into_family_and_given_and_a_single_word_stays_whole():
    assert csl_name("Jane Doe") == {"family": "Doe", "given": "Jane"}
    assert csl_name("Doe, Jane") == {"family": "Doe", "given": "Jane"}
    assert csl_name("Reuters") == {"literal": "Reuters"}
