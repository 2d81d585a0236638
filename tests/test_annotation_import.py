"""`site-builder import FILE.json`: Hypothesis and W3C annotations attached to the pieces they are on,
every one not used reported with its reason, nothing in the collection lost."""

from __future__ import annotations

import copy
import json
from datetime import date
from pathlib import Path

import pytest
import yaml

from site_builder.ingest.annotation_import import MAX_FILE_BYTES, code_points, normalise_url
from site_builder.ingest.front_matter_edit import add_or_update_annotation

FIXTURES = Path(__file__).parent / "fixtures" / "annotations"
EXPORT = FIXTURES / "hypothesis-export.json"
TEXT = """\
The aircraft carried out about 20 sorties against 12 targets, the ministry said. Warships launched 26 cruise missiles \
from the Caspian Sea to strike Islamic State targets.

Readers reacted: 😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀 Yes. Then, a moment later: Yes.
"""
# An article as an editor leaves it: comments, odd quoting and spacing, a key order of their own.
STRIKE = f"""\
---
# imported from the outlet's page, 2024
title:   'Russian warships strike'   # the headline as published
outlet: "The Outlet"
date: 2015-10-08
source_url: https://www.example.com/news/strike
tags: [Syria,   navy]
draft: true
---

{TEXT}"""
ATTACHED = {"Kx3mQ1a2Ee6_sorties", "As0astralEe6_astr", "Hs1hostileEe6_xss"}
SKIPPED = {  # id -> words of the reason the report gives
    "Rp7reply0Ee6_reply": "a reply to another annotation",
    "Pn4pagenotEe6_page": "a page note",
    "Hl5highlitEe6_high": "a highlight with no note",
    "Pv6privateEe6_priv": "private",
    "Gr7groupEe6_group": "shared only in the Hypothesis group `Kq2sLx9a`",
    "El8elsewhEe6_other": "its page is not in the collection",
    "Ft9footerEe6_foot": "header, footer or a sidebar",
    "Hd2hiddenEe6_hide": "hidden by a moderator",
    "Rs3rangeEe6_range": "XPath RangeSelector, which is not read",
}


@pytest.fixture
def strike(site) -> Path:
    return site.write("content/articles/strike.md", STRIKE)


def annotations_of(path: Path) -> dict[str, dict]:
    front = path.read_text(encoding="utf-8").split("---\n")[1]
    return {entry["id"]: entry for entry in yaml.safe_load(front).get("annotations") or []}


def write_json(tmp_path: Path, name: str, data) -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def report_line(out: str, key: str) -> str:
    lines = [line for line in out.splitlines() if f": {key}" in line]
    assert len(lines) == 1, f"{key}: {lines}"
    return lines[0]


# --- Hypothesis ---------------------------------------------------------------------------------

def test_a_hypothesis_export_attaches_notes_on_passages_and_reports_every_other_annotation_with_its_reason(
        site, strike, run):
    result = run("import", "--site", site.root, EXPORT)
    assert result.code == 0, result.err
    for key in ATTACHED:
        assert report_line(result.out, key).startswith("attached ")
    for key, reason in SKIPPED.items():
        line = report_line(result.out, key)
        assert line.startswith("skipped ") and reason in line, line
    assert "Attached 3, updated 0, unchanged 0, skipped 9, failed 0." in result.out
    assert set(annotations_of(strike)) == ATTACHED


def test_an_imported_annotation_keeps_the_annotator_note_tags_date_and_id_and_is_found_in_the_text(site, strike, run):
    run("import", "--site", site.root, EXPORT)
    entry = annotations_of(strike)["Kx3mQ1a2Ee6_sorties"]
    assert entry == {
        "quote": "about 20 sorties", "prefix": "The aircraft carried out ", "suffix": " against 12 targets",
        "at": 25, "note": "The Defence Ministry's report for 6 October gives these figures.", "by": "Jane Doe",
        "tags": ["figures", "sources"], "id": "Kx3mQ1a2Ee6_sorties", "created": date(2024, 3, 5)}
    assert run("check", "--site", site.root).code == 0


def test_a_hypothesis_position_counted_in_utf16_units_is_converted_to_code_points(site, strike, run):
    """`Yes.` is there twice: Hypothesis's hint (230 UTF-16 units, after 20 emoji) means the first,
    at code point 210; read as code points it would be nearer the second, at 237."""
    run("import", "--site", site.root, EXPORT)
    assert annotations_of(strike)["As0astralEe6_astr"]["at"] == 210
    assert code_points("a😀b", 3) == 2 and code_points("a😀b", 1) == 1 and code_points("abc", 5) == 5


def test_a_note_with_html_is_kept_as_the_annotator_wrote_it(site, strike, run):
    run("import", "--site", site.root, EXPORT)
    entry = annotations_of(strike)["Hs1hostileEe6_xss"]
    assert entry["note"] == "<script>alert(1)</script><img src=x onerror=alert(2)> **Check** the figure."
    assert entry["by"] == "mallory" and entry["tags"] == ["<b>tag</b>"]  # no display name: the account's name


def test_importing_the_same_export_twice_changes_nothing(site, strike, run):
    run("import", "--site", site.root, EXPORT)
    once = strike.read_bytes()
    result = run("import", "--site", site.root, EXPORT)
    assert result.code == 0 and strike.read_bytes() == once
    assert "Attached 0, updated 0, unchanged 3, skipped 9" in result.out


def test_an_updated_export_rewrites_only_what_changed(site, strike, run, tmp_path):
    run("import", "--site", site.root, EXPORT)
    before = strike.read_text(encoding="utf-8").splitlines()
    export = json.loads(EXPORT.read_text(encoding="utf-8"))
    for annotation in export["annotations"]:
        if annotation["id"] == "Kx3mQ1a2Ee6_sorties":
            annotation["text"] = "The ministry's report for 6 October gives these figures\nand no others."
    result = run("import", "--site", site.root, write_json(tmp_path, "export-2.json", export))
    assert report_line(result.out, "Kx3mQ1a2Ee6_sorties").endswith("(note)")
    after = strike.read_text(encoding="utf-8").splitlines()
    removed = [line for line in before if line not in after]
    added = [line for line in after if line not in before]
    assert removed == ["    note: The Defence Ministry's report for 6 October gives these figures."]
    assert added == ["    note: |-", "      The ministry's report for 6 October gives these figures", "      and no others."]


def test_the_editors_lines_stay_byte_for_byte(site, strike, run):
    run("import", "--site", site.root, EXPORT)
    text = strike.read_text(encoding="utf-8")
    front, body = STRIKE.split("---\n")[1], STRIKE.split("---\n", 2)[2]
    assert text.startswith("---\n" + front) and text.endswith("---\n" + body)


def test_dry_run_shows_where_each_annotation_would_go_and_writes_nothing(site, strike, run):
    result = run("import", "--site", site.root, "--dry-run", EXPORT)
    assert result.code == 0
    assert "would attach" in report_line(result.out, "As0astralEe6_astr")
    assert "-> content/articles/strike.md (at 210: “Yes.”)" in report_line(result.out, "As0astralEe6_astr")
    assert strike.read_text(encoding="utf-8") == STRIKE


def test_an_api_search_result_is_read_like_an_export(site, strike, run, tmp_path):
    rows = json.loads(EXPORT.read_text(encoding="utf-8"))["annotations"]
    result = run("import", "--site", site.root, write_json(tmp_path, "search.json", {"total": len(rows), "rows": rows}))
    assert result.code == 0 and set(annotations_of(strike)) == ATTACHED


def test_an_annotation_is_found_whatever_the_form_of_its_address():
    same = ["https://www.example.com/news/strike", "http://example.com/news/strike/", "https://example.com/news/strike#x",
            "https://EXAMPLE.com/news/strike?utm_source=t&utm_campaign=c&fbclid=1&gclid=2"]
    assert {normalise_url(url) for url in same} == {"example.com/news/strike"}
    assert normalise_url("https://example.com/news?id=2&b=1") == normalise_url("https://example.com/news?b=1&id=2")
    assert normalise_url("https://example.com/news?id=2") != normalise_url("https://example.com/news?id=3")


# --- W3C ------------------------------------------------------------------------------------------

def w3c(key: str, exact: str, note: str = "A note.", **extra) -> dict:
    return {"@context": "http://www.w3.org/ns/anno.jsonld", "id": f"urn:uuid:{key}", "type": "Annotation",
            "body": {"type": "TextualBody", "value": note, "format": "text/plain"},
            "target": {"source": "https://example.com/news/strike",
                       "selector": {"type": "TextQuoteSelector", "exact": exact}}, **extra}


@pytest.mark.parametrize("shape", ["annotation", "list", "page", "collection"])
def test_w3c_annotations_are_read_in_every_container(site, strike, run, tmp_path, shape):
    items = [w3c("one", "about 20 sorties"), w3c("two", "cruise missiles")]
    data = {"annotation": items[0], "list": items,
            "page": {"type": "AnnotationPage", "items": items},
            "collection": {"type": "AnnotationCollection", "first": {"type": "AnnotationPage", "items": items[:1],
                                                                     "next": {"type": "AnnotationPage", "items": items[1:]}}}
            }[shape]
    result = run("import", "--site", site.root, write_json(tmp_path, "w3c.jsonld", data))
    assert result.code == 0, result.err
    expected = {"urn:uuid:one"} if shape == "annotation" else {"urn:uuid:one", "urn:uuid:two"}
    assert set(annotations_of(strike)) == expected


def test_w3c_selectors_refined_by_others_and_tag_bodies_are_read(site, strike, run, tmp_path):
    annotation = w3c("refined", "", motivation="questioning")
    annotation["body"] = [{"type": "TextualBody", "value": "Which ministry?", "purpose": "questioning"},
                          {"type": "TextualBody", "value": "sources", "purpose": "tagging"}]
    annotation["creator"] = {"type": "Person", "name": "Ann Lee"}
    annotation["target"]["selector"] = [{"type": "CssSelector", "value": "main p:first-child", "refinedBy": {
        "type": "TextQuoteSelector", "exact": "the ministry said", "prefix": "12 targets, "}}]
    run("import", "--site", site.root, write_json(tmp_path, "refined.json", annotation))
    entry = annotations_of(strike)["urn:uuid:refined"]
    assert (entry["quote"], entry["note"], entry["tags"], entry["kind"], entry["by"]) == (
        "the ministry said", "Which ministry?", ["sources"], "question", "Ann Lee")


def test_w3c_annotations_that_cannot_be_used_are_reported(site, strike, run, tmp_path):
    items = [w3c("reply", "about 20 sorties", motivation="replying"),
             {**w3c("page", ""), "target": "https://example.com/news/strike"},
             {**w3c("bodyless", "about 20 sorties"), "body": "https://elsewhere.example/note.html"},
             {**w3c("xpath", ""), "target": {"source": "https://example.com/news/strike",
                                             "selector": {"type": "XPathSelector", "value": "/p[1]"}}}]
    result = run("import", "--site", site.root, write_json(tmp_path, "w3c.json", items))
    assert "a reply" in report_line(result.out, "urn:uuid:reply")
    assert "on the whole page" in report_line(result.out, "urn:uuid:page")
    assert "a link to https://elsewhere.example/note.html" in report_line(result.out, "urn:uuid:bodyless")
    assert "an XPathSelector, which is not read" in report_line(result.out, "urn:uuid:xpath")
    assert annotations_of(strike) == {}


# --- bad input ----------------------------------------------------------------------------------

@pytest.mark.parametrize("content, reason", [
    (b'{"export_date": "2024", "annotations": [', "not valid JSON (line 1"),
    (b'{"title": "a feed", "items": []}', "not a known annotation format"),
    (b"\xff\xfe{}", "not UTF-8"),
    (b'{"type": "AnnotationCollection", "first": "https://example.org/page1"}', "pages are not in the file"),
])
def test_a_file_that_is_not_annotations_gets_one_line_and_the_batch_goes_on(site, strike, run, tmp_path, content, reason):
    bad = tmp_path / "bad.json"
    bad.write_bytes(content)
    result = run("import", "--site", site.root, bad, EXPORT)
    assert result.code == 1
    assert [line for line in result.err.splitlines() if line.startswith(str(bad))] == [
        line for line in result.err.splitlines() if reason in line]
    assert set(annotations_of(strike)) == ATTACHED  # the good file after it was imported


def test_an_export_over_the_size_limit_is_refused_with_its_size(site, strike, run, tmp_path):
    huge = tmp_path / "huge.json"
    with huge.open("wb") as file:
        file.truncate(50_000_000)
    result = run("import", "--site", site.root, huge)
    assert result.code == 1
    assert f"50.0 MB is more than an annotation file may hold ({MAX_FILE_BYTES // 1_000_000} MB)" in result.err
    assert strike.read_text(encoding="utf-8") == STRIKE


def test_bad_entries_get_a_line_each_and_the_rest_are_attached(site, strike, run, tmp_path):
    export = json.loads(EXPORT.read_text(encoding="utf-8"))
    good = next(a for a in export["annotations"] if a["id"] == "Kx3mQ1a2Ee6_sorties")
    empty, too_long, no_id = (copy.deepcopy(good) for _ in range(3))
    empty["id"], empty["target"][0]["selector"][2]["exact"] = "empty", ""
    too_long["id"], too_long["target"][0]["selector"][2]["exact"] = "too-long", "x " * 400
    del no_id["id"]
    export["annotations"] = ["not an object", empty, too_long, no_id, good]
    result = run("import", "--site", site.root, write_json(tmp_path, "export.json", export))
    assert result.code == 1
    assert "export.json: annotation 1: not an annotation" in result.err
    assert "export.json: annotation 4: it has no `id`" in result.err
    assert "the quote is empty" in report_line(result.out, "empty")
    assert "the quote is longer than the text" in report_line(result.out, "too-long")
    assert set(annotations_of(strike)) == {"Kx3mQ1a2Ee6_sorties"}


def test_an_annotation_list_the_writer_cannot_edit_safely_is_left_as_it_is(site, run):
    flow = STRIKE.replace("draft: true\n", "draft: true\nannotations: [{quote: Yes., note: Mine., id: mine}]\n")
    path = site.write("content/articles/strike.md", flow)
    result = run("import", "--site", site.root, EXPORT)
    assert result.code == 1
    assert "write it as a list" in result.err
    assert path.read_text(encoding="utf-8") == flow


# --- a changed source -------------------------------------------------------------------------

def test_reimporting_a_changed_source_says_which_annotations_moved_and_which_were_lost(site, run, tmp_path):
    source = tmp_path / "strike.txt"
    source.write_text("Russian warships strike\n\n" + TEXT + "\nA closing paragraph the outlet later removed.\n",
                      encoding="utf-8")
    run("import", "--site", site.root, source)
    article = next((site.root / "content" / "articles").glob("*.md"))
    text = article.read_text(encoding="utf-8")
    for key, quote in (("sorties", "about 20 sorties"), ("closing", "A closing paragraph the outlet later removed"),
                       ("missiles", "26 cruise missiles from the Caspian Sea"), ("yes", "Then, a moment later")):
        text = add_or_update_annotation(text, {"id": key, "quote": quote, "note": "Note."})
    article.write_text(text, encoding="utf-8")
    source.write_text("Russian warships strike\n\nUpdated at noon. " + TEXT.replace("26 cruise", "26 Kalibr cruise")
                      .replace("Then, a moment", "Then a moment"), encoding="utf-8")
    result = run("import", "--site", site.root, source)
    assert result.code == 0, result.err
    said = {key: next(line for line in result.err.splitlines() if f"annotation `{key}`" in line)
            for key in ("sorties", "closing", "missiles", "yes")}
    assert "moved: its passage is now at 42 (was at 25)" in said["sorties"]
    assert "is lost" in said["closing"] and "fix its quote, or remove it" in said["closing"]
    assert "is placed approximately" in said["missiles"]
    assert f"({article.relative_to(site.root)}:" in said["sorties"]
    assert set(annotations_of(article)) == {"sorties", "closing", "missiles", "yes"}  # every one kept
