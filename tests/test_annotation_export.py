"""W3C out: `build/annotations.jsonld` holds every annotation as the Web Annotation model has it, and
importing it into a copy of the collection without annotations gives the same annotations back."""

from __future__ import annotations

import json
import shutil

from tests.conftest import collection_of

ARTICLE = """\
---
title: {title}
outlet: The Outlet
date: {date}
source_url: {source_url}
language: {language}
annotations:
{annotations}
---

{text}
"""
STRIKE_TEXT = ("The aircraft carried out about 20 sorties against 12 targets, the ministry said. It said so twice: "
               "the ministry said.\n\nWarships launched *26 cruise missiles* from the Caspian Sea, [a map]"
               "(https://example.org/map) shows.")
STRIKE_ANNOTATIONS = """\
  - quote: about 20 sorties
    prefix: 'carried out '
    suffix: ' against 12'
    note: |
      The Defence Ministry's report for 6 October gives these figures.

      See *its* table.
    kind: context
    by: Jane Doe
    tags: [figures, sources]
    id: sorties-figures
    created: 2024-03-05
  - quote: the ministry said
    suffix: .
    at: 120
    note: Which ministry?
    kind: question
    id: which-ministry
  - quote: "cruise missiles from the Caspian"
    note: A passage across emphasis.
    kind: correction"""
OTHER_ANNOTATIONS = """\
  - quote: Le texte 😀 dit
    note: Un commentaire.
    by: Ann Lee"""
W3C_CONTEXT = "http://www.w3.org/ns/anno.jsonld"


def write_collection(site, base_url="https://example.org/reading/", with_annotations=True):
    site.write("site.yml", site.root.joinpath("site.yml").read_text().replace("base_url: /", f"base_url: {base_url}"))
    for slug, title, date, url, language, entries, text in (
            ("strike", "Strike", "2015-10-08", "https://www.example.com/news/strike", "en", STRIKE_ANNOTATIONS,
             STRIKE_TEXT),
            ("other", "Autre", "2015-10-09", "", "fr", OTHER_ANNOTATIONS, "Le texte 😀 dit ceci, et le reste.")):
        site.write(f"content/articles/{slug}.md", ARTICLE.format(
            title=title, date=date, source_url=url, language=language, text=text,
            annotations=entries if with_annotations else "").replace("annotations:\n\n", ""))
    site.write("content/articles/plain.md", "---\ntitle: Plain\noutlet: O\ndate: 2015-10-01\n---\n\nNo notes here.\n")


def exported(site) -> dict:
    return json.loads((site.build_dir / "annotations.jsonld").read_text(encoding="utf-8"))


def items_of(document: dict) -> list[dict]:
    items, page = [], document.get("first")
    while isinstance(page, dict):
        items += page["items"]
        page = page.get("next")
    return items


def assert_w3c_collection(document: dict) -> None:
    """The shape the Web Annotation Data Model gives a collection and its annotations."""
    assert document["@context"] == W3C_CONTEXT and document["type"] == "AnnotationCollection"
    assert document["id"].endswith("annotations.jsonld") and isinstance(document["total"], int)
    page, start = document.get("first"), 0
    while isinstance(page, dict):
        assert page["type"] == "AnnotationPage" and page["partOf"] == document["id"] and page["startIndex"] == start
        assert isinstance(page["items"], list) and page["id"]
        start += len(page["items"])
        page = page.get("next")
    assert start == document["total"]
    for annotation in items_of(document):
        assert annotation["type"] == "Annotation" and annotation["id"]
        assert annotation["motivation"] in {"commenting", "describing", "editing", "questioning"}
        assert annotation["creator"]["type"] in {"Person", "Organization"} and annotation["creator"]["name"]
        bodies = annotation["body"] if isinstance(annotation["body"], list) else [annotation["body"]]
        note = bodies[0]
        assert note["type"] == "TextualBody" and note["format"] == "text/markdown" and note["purpose"] == \
            annotation["motivation"] and note["language"] and note["value"]
        assert all(b["type"] == "TextualBody" and b["purpose"] == "tagging" for b in bodies[1:])
        targets = annotation["target"] if isinstance(annotation["target"], list) else [annotation["target"]]
        page_target = targets[0]
        assert page_target["type"] == "SpecificResource" and "/articles/" in page_target["source"]
        quote, position = page_target["selector"]
        assert quote["type"] == "TextQuoteSelector" and quote["exact"]
        assert position["type"] == "TextPositionSelector" and 0 <= position["start"] < position["end"]
        for original in targets[1:]:
            assert original["selector"] == quote and "/articles/" not in original["source"]


def test_the_build_publishes_every_placed_annotation_as_a_w3c_annotation_collection(site, run):
    write_collection(site)
    assert run("build", "--site", site.root).code == 0
    document = exported(site)
    assert_w3c_collection(document)
    assert document["total"] == 4
    by_id = {a["id"].rsplit("/", 1)[1]: a for a in items_of(document)}
    sorties = by_id["sorties-figures"]
    assert sorties["id"] == "https://example.org/reading/annotations.jsonld#strike/sorties-figures"
    assert sorties["motivation"] == "describing" and sorties["creator"] == {"type": "Person", "name": "Jane Doe"}
    assert sorties["created"] == "2024-03-05T00:00:00Z"
    assert sorties["body"][0]["value"].startswith("The Defence Ministry's report") and sorties["body"][0]["language"] == "en"
    assert [b["value"] for b in sorties["body"][1:]] == ["figures", "sources"]
    page, original = sorties["target"]
    assert page["source"] == "https://example.org/reading/articles/strike/"
    assert page["selector"][0] == {"type": "TextQuoteSelector", "exact": "about 20 sorties", "prefix": "carried out ",
                                   "suffix": " against 12"}
    assert page["selector"][1] == {"type": "TextPositionSelector", "start": 25, "end": 41}
    assert original["source"] == "https://www.example.com/news/strike"
    assert by_id["which-ministry"]["target"][0]["selector"][1]["start"] == 99  # the second of two (62, 99), by its hint
    assert by_id["which-ministry"]["creator"]["type"] == "Organization"  # no annotator: the site's editors
    other = next(a for a in items_of(document) if "#other/" in a["id"])
    assert other["body"]["language"] == "fr" and other["target"]["selector"][1] == {
        "type": "TextPositionSelector", "start": 0, "end": 14}  # the emoji is one code point (UTF-16: two units)


def test_positions_count_code_points_in_the_text_as_published():
    from site_builder.annotations import plain_text

    text = plain_text("<p>Le texte 😀 dit <em>ceci</em>.</p>")
    assert text[text.index("😀"):].startswith("😀 dit ceci")


def test_a_collection_without_annotations_publishes_an_empty_collection(site, run):
    site.add_article("plain")
    assert run("build", "--site", site.root).code == 0
    document = exported(site)
    assert_w3c_collection(document)
    assert document["total"] == 0 and "first" not in document


def test_an_edit_build_publishes_the_annotations_as_they_are_now(site, run):
    write_collection(site)
    run("build", "--site", site.root)
    write_collection(site, with_annotations=False)
    site.write("content/articles/other.md", site.root.joinpath("content/articles/other.md").read_text().replace(
        "language: fr\n", f"language: fr\nannotations:\n{OTHER_ANNOTATIONS}\n"))
    assert run("build", "--site", site.root).code == 0
    assert [a["id"].split("#")[1].split("/")[0] for a in items_of(exported(site))] == ["other"]
    assert exported(site)["total"] == 1


def annotations_by_article(root) -> dict[str, list[tuple]]:
    return {article.slug: sorted((a.id, a.quote.exact, a.quote.prefix, a.quote.suffix, a.note, a.kind, a.by, a.tags,
                                  a.created) for a in article.annotations)
            for article in collection_of(root).articles}


def test_importing_the_export_into_a_copy_without_annotations_gives_the_same_annotations_back(site, run, tmp_path):
    write_collection(site)
    assert run("build", "--site", site.root).code == 0
    export = tmp_path / "annotations.jsonld"
    shutil.copy(site.build_dir / "annotations.jsonld", export)
    copy = type(site)(tmp_path / "copy")
    shutil.copytree(site.root, copy.root, ignore=shutil.ignore_patterns("build", ".site-builder-cache"))
    write_collection(copy, with_annotations=False)
    assert all(not a for a in annotations_by_article(copy.root).values())

    result = run("import", "--site", copy.root, export)
    assert result.code == 0, result.err
    assert "Attached 4, updated 0, unchanged 0, skipped 0, failed 0." in result.out
    assert annotations_by_article(copy.root) == annotations_by_article(site.root)
    again = run("import", "--site", copy.root, export)
    assert "Attached 0, updated 0, unchanged 4" in again.out
