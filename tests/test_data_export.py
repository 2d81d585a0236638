"""/data/: the collection as open data. Each JSON file validates against the JSON Schema published
beside it, the files hold one record per piece, claim, outlet, event and annotation, every
front-matter key is exported, hostile text stays inert (in CSV and on the Data page), the files
are byte-identical from build to build, and an edit changes its own record only."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import shutil

import jsonschema
import pytest

from site_builder.data_export import DATA_FILES, FORMULA_STARTS, csv_cell, neutralised
from site_builder.schema import ARTICLE_FIELDS
from tests.conftest import collection_of, planned_items_of

SOURCE = b"The original page, as collected.\n"
STRIKE = """\
---
title: Strike
outlet: The Outlet
date: 2015-10-08
author: [Ann Lee, Bo Chen]
source_url: https://www.example.com/news/strike
stance: mixed
stance_notes: Gives *both* accounts.
caveats:
  - The date is inferred.
  - "Figures are the ministry's: see [its report](https://example.org/mod)."
tags: [strikes, caspian]
event: 2015-10-07-caspian-missile-strike
related: [report]
language: en
author_bio: Ann reports from Beirut.
word_count: 12
claims:
  - id: caspian-launch
    text: Warships fired cruise missiles from the Caspian Sea.
    by: Russian Defence Ministry
    verdict: supported
    note: Widely documented.
    evidence: [https://example.org/evidence]
annotations:
  - quote: about 20 sorties
    note: The ministry's figure.
    kind: context
    by: Jane Doe
    tags: [figures]
    id: sorties
    created: 2016-02-01
corrections:
  - date: 2016-03-01
    kind: clarification
    field: caveats
    was: no date
    now: the date is inferred
    why: The text gives none.
    evidence: [https://example.org/why]
provenance:
  source: content/sources/strike.txt
  original_name: strike.txt
  sha256: {sha}
  imported: 2016-01-15
---

The aircraft carried out about 20 sorties against 12 targets, the ministry said.
"""


def report(stance="critical", caveat="Single-sourced."):
    return f"""\
---
title: Report
outlet: Other Paper
date: 2015-10-09
stance: {stance}
caveats:
  - {caveat}
event: 2015-10-07-caspian-missile-strike
claims:
  - id: caspian-launch
    role: disputes
    note: It doubts the range.
---

A report on the strike.
"""


HOSTILE = """\
---
title: "=HYPERLINK(\\"http://evil.example/\\",\\"click\\")"
outlet: "@SUM(A1:A9)"
date: 2015-10-10
tags: ["+1", "-2", "<script>alert(1)</script>"]
caveats:
  - "-cmd|' /C calc'!A0"
---

Text.
"""


@pytest.fixture
def data_site(site):
    site.write("site.yml", site.root.joinpath("site.yml").read_text() + "licence: CC-BY-4.0\n")
    site.root.joinpath("content/sources").mkdir(parents=True)
    site.root.joinpath("content/sources/strike.txt").write_bytes(SOURCE)
    site.write("content/articles/strike.md", STRIKE.replace("{sha}", hashlib.sha256(SOURCE).hexdigest()))
    site.write("content/articles/report.md", report())
    site.write("content/articles/hostile.md", HOSTILE)
    site.write("content/outlets.yml", "The Outlet:\n  kind: newspaper\n  url: https://www.example.com/\n"
                                      "  notes: Founded in *1990*.\n")
    site.write("content/events.yml", "2015-10-07-caspian-missile-strike:\n  title: Caspian strike\n"
                                     "  description: Cruise missiles from the Caspian.\n")
    return site


def built(site, run) -> dict[str, bytes]:
    result = run("build", "--site", site.root)
    assert result.code == 0, result.err
    folder = site.build_dir / "data"
    return {path.name: path.read_bytes() for path in sorted(folder.iterdir())}


def csv_rows(data: bytes) -> list[dict[str, str]]:
    assert data.startswith("\ufeff".encode())
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def test_each_json_file_validates_against_its_own_draft_2020_12_schema(data_site, run):
    files = built(data_site, run)
    for name in ("pieces", "claims", "outlets", "events"):
        schema = json.loads(files[f"{name}.schema.json"])
        jsonschema.Draft202012Validator.check_schema(schema)
        document = json.loads(files[f"{name}.json"])
        assert document["$schema"] == f"/data/{name}.schema.json"
        validator = jsonschema.Draft202012Validator(schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)
        validator.validate(document)
        assert document["count"] == len(document[name])
        assert document["license"] == {"id": "CC-BY-4.0", "name": "Creative Commons Attribution 4.0 International",
                                       "url": "https://creativecommons.org/licenses/by/4.0/"}


def test_the_files_hold_one_record_per_piece_claim_outlet_event_and_annotation(data_site, run):
    files = built(data_site, run)
    collection = collection_of(data_site.root)
    expected = {"pieces": len(collection.articles), "claims": len(collection.claims),
                "outlets": len(collection.outlets), "events": len(collection.events)}
    assert expected == {"pieces": 3, "claims": 1, "outlets": 3, "events": 1}
    for name, count in expected.items():
        assert len(json.loads(files[f"{name}.json"])[name]) == count
        assert len(csv_rows(files[f"{name}.csv"])) == count
    annotations = json.loads(data_site.build_dir.joinpath("annotations.jsonld").read_bytes())
    rows = csv_rows(files["annotations.csv"])
    assert len(rows) == annotations["total"] == 1
    assert rows[0]["id"] == annotations["first"]["items"][0]["id"]
    assert (rows[0]["piece"], rows[0]["quote"], rows[0]["start"], rows[0]["end"]) == \
        ("strike", "about 20 sorties", "25", "41")


def test_every_front_matter_key_of_a_piece_is_exported_with_its_value(data_site, run):
    pieces = {piece["slug"]: piece for piece in json.loads(built(data_site, run)["pieces.json"])["pieces"]}
    strike = pieces["strike"]
    for field in ARTICLE_FIELDS:
        if field.name != "draft":  # only published pieces are exported
            assert field.name in strike or f"{field.name}_html" in strike, field.name
    assert strike["url"] == "/articles/strike/"
    assert strike["author"] == ["Ann Lee", "Bo Chen"]
    assert strike["stance_notes_html"] == "<p>Gives <em>both</em> accounts.</p>"
    assert strike["caveats_html"][1] == 'Figures are the ministry\'s: see <a href="https://example.org/mod" rel="noopener noreferrer nofollow">its report</a>.'
    assert strike["claims"] == [{"id": "caspian-launch", "role": "makes", "by": "Russian Defence Ministry"}]
    assert strike["annotations"] == ["sorties"]
    assert strike["corrections"][0]["evidence"] == ["https://example.org/why"]
    assert strike["provenance"]["imported"] == "2016-01-15"
    assert (strike["event"], strike["related"], strike["tags"]) == \
        ("2015-10-07-caspian-missile-strike", ["report"], ["strikes", "caspian"])
    assert pieces["report"]["provenance"] is None
    claim = json.loads(built(data_site, run)["claims.json"])["claims"][0]
    assert [(p["piece"], p["role"]) for p in claim["pieces"]] == [("strike", "makes"), ("report", "disputes")]


def test_the_date_of_the_data_is_the_newest_the_collection_records_not_the_build_day(data_site, run):
    files = built(data_site, run)
    assert {json.loads(files[f"{name}.json"])["data_date"] for name in ("pieces", "claims")} == {"2016-03-01"}
    page = data_site.page("data/")
    assert page.cssselect("time")[0].get("datetime") == "2016-03-01"


def test_csv_cells_that_a_spreadsheet_would_run_as_formulas_are_neutralised_and_json_keeps_them(data_site, run):
    files = built(data_site, run)
    row = next(r for r in csv_rows(files["pieces.csv"]) if r["slug"] == "hostile")
    assert row["title"] == "'=HYPERLINK(\"http://evil.example/\",\"click\")"
    assert row["outlet"] == "'@SUM(A1:A9)"
    assert row["tags"] == "'+1\n-2\n<script>alert(1)</script>"
    assert row["caveats_html"].startswith("'-cmd")
    assert row["word_count"] == "1"
    outlet = next(r for r in csv_rows(files["outlets.csv"]) if r["name"].endswith("SUM(A1:A9)"))
    assert outlet["name"] == "'@SUM(A1:A9)"
    piece = next(p for p in json.loads(files["pieces.json"])["pieces"] if p["slug"] == "hostile")
    assert piece["title"].startswith("=HYPERLINK") and piece["tags"][0] == "+1"


@pytest.mark.parametrize("text", ["=1+1", "+1", "-1", "@A1", "\tx", "\rx"])
def test_every_formula_start_gets_the_neutralising_prefix(text):
    assert neutralised(text) == "'" + text
    assert csv_cell([text, "b"])[0] not in FORMULA_STARTS  # a list's first item starts its cell


def test_numbers_are_written_as_numbers_and_never_prefixed():
    assert csv_cell(-3) == -3 and csv_cell(0) == 0  # no count is negative, but a number is never text
    assert csv_cell("1-2") == "1-2" and csv_cell("") == "" and csv_cell(None) == ""
    assert csv_cell([{"id": "x"}]) == '[{"id":"x"}]'


def test_html_in_a_field_or_the_licence_is_never_rendered_on_the_data_page_or_in_the_footer(data_site, run):
    data_site.write("site.yml", data_site.root.joinpath("site.yml").read_text().replace(
        "licence: CC-BY-4.0\n", 'licence:\n  name: "<script>alert(1)</script> Licence"\n'
                                "  url: https://example.org/licence\n"))
    built(data_site, run)
    for page in ("data/index.html", "index.html", "articles/hostile/index.html"):
        html = data_site.build_dir.joinpath(page).read_text()
        assert "<script>alert(1)" not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt; Licence" in html
    footer = data_site.page("").cssselect("footer a[rel=license]")[0]
    assert footer.get("href") == "https://example.org/licence"


def test_the_data_page_documents_every_field_of_every_dataset_from_its_schema(data_site, run):
    files = built(data_site, run)
    page = data_site.page("data/")
    documented = {table.cssselect("caption")[0].text_content().split()[-1]:
                  [row.cssselect("th code")[0].text_content() for row in table.cssselect("tbody tr")]
                  for table in page.cssselect("table.data-fields")}
    for name in ("pieces", "claims", "outlets", "events"):
        schema = json.loads(files[f"{name}.schema.json"])
        assert documented[name] == list(schema["$defs"]["record"]["properties"])
    assert documented["annotations"] == next(csv.reader(io.StringIO(files["annotations.csv"].decode("utf-8-sig"))))
    linked = {a.get("href") for a in page.cssselect("table.data-files a")}
    assert "/data/pieces.csv" in linked and "/annotations.jsonld" in linked
    assert "Creative Commons Attribution 4.0 International" in page.cssselect(".data-licence")[0].text_content()


def test_the_data_page_links_a_registered_file_only_when_the_build_writes_it(data_site, planned_site):
    items = planned_site(data_site)
    page = next(item for item in items if item.path == "data/index.html")
    linked = {file.path for file in page.context["data_files"]}
    planned = {item.path for item in items}
    assert {file.path for file in DATA_FILES} & planned == linked
    assert "data/collection.bib" in {file.path for file in DATA_FILES}  # registered for part 1's files
    if "data/collection.bib" not in planned:
        assert "data/collection.bib" not in linked


def test_two_builds_give_byte_identical_data_files(data_site, run):
    first = built(data_site, run)
    shutil.rmtree(data_site.build_dir)
    shutil.rmtree(data_site.root / ".site-builder-cache", ignore_errors=True)
    assert built(data_site, run) == first


def test_editing_one_piece_changes_its_record_and_nothing_else(data_site, run):
    before = built(data_site, run)
    data_site.write("content/articles/report.md", report(caveat="Single-sourced; the ministry's figures."))
    after = built(data_site, run)
    changed = {name for name in before if before[name] != after[name]}
    assert changed == {"pieces.json", "pieces.csv"}
    old, new = before["pieces.json"].decode().splitlines(), after["pieces.json"].decode().splitlines()
    assert [line for line in new if line not in old] == [next(line for line in new if '"slug":"report"' in line)]
    assert len(old) == len(new)


def test_an_unknown_licence_is_an_error_naming_its_line_with_a_hint(site, run):
    site.write("site.yml", site.root.joinpath("site.yml").read_text() + "licence: CC-BY-4\n")
    site.add_article("a")
    result = run("build", "--site", site.root)
    assert result.code == 1
    assert "site.yml:8: `licence`: `CC-BY-4` is not a licence identifier known here (did you mean `CC-BY-4.0`?" \
        in result.err and "[SB140]" in result.err
    assert not site.build_dir.exists()


def test_without_a_licence_the_data_says_so_and_the_footer_names_none(site, run):
    site.add_article("a")
    files = built(site, run)
    assert json.loads(files["pieces.json"])["license"] is None
    assert not site.page("").cssselect("footer a[rel=license]")
    assert "have not stated a licence" in site.page("data/").cssselect(".data-licence")[0].text_content()


def test_a_text_edit_remakes_only_the_data_files_showing_what_it_changed(site):
    """A new word re-makes pieces.json and pieces.csv (word count); the same number of words re-makes none."""
    from site_builder.build import BuildOptions, build
    from site_builder.config import load_config

    site.add_article("a", body="One two three.")
    site.add_article("b", date="2015-10-10", body="Other text.", tags=["x"])

    def pages_rendered() -> int:
        return build(load_config(site.root), BuildOptions(jobs=1)).pages_rendered

    pages_rendered()
    site.add_article("a", body="One two four.")
    same_count = pages_rendered()
    site.add_article("a", body="One two four five.")
    assert pages_rendered() - same_count == 2
    pieces = {p["slug"]: p["word_count"] for p in json.loads(site.build_dir.joinpath("data/pieces.json").read_bytes())["pieces"]}
    assert pieces == {"a": 4, "b": 2}


# --- the memo of records, beside the build state ------------------------------------------------

def memo_of(site, dataset: str):
    return site.root / ".site-builder-cache" / f"data-{dataset}.memo"


def build_in_process(site, jobs: int = 1):
    from site_builder.build import BuildOptions, build
    from site_builder.config import load_config

    return build(load_config(site.root), BuildOptions(jobs=jobs))


def data_files(site) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted((site.build_dir / "data").iterdir())}


def add_a_sentence_to_the_text(site, slug: str) -> None:
    path = site.root / "content" / "articles" / f"{slug}.md"
    path.write_text(path.read_text().replace("\n---\n\n", "\n---\n\nA sentence added first.\n\n", 1))


def test_a_parallel_clean_build_leaves_the_records_beside_the_state_for_the_first_edit(data_site, monkeypatch):
    """The workers that make the data files keep their records (build.pickle does not carry them):
    the first edit after a clean build reuses every other piece's lines, here a planted one."""
    from site_builder import incremental

    monkeypatch.setattr(incremental, "_PARALLEL_FROM", 2)
    build_in_process(data_site, jobs=2)
    assert b'"slug":"report"' not in (data_site.root / ".site-builder-cache" / "build.pickle").read_bytes()
    memo = memo_of(data_site, "pieces")
    assert memo.read_bytes().count(b"Single-sourced.") == 2  # report's caveat, in its JSON and CSV lines
    memo.write_bytes(memo.read_bytes().replace(b"Single-sourced.", b"Planted-in-memo"))
    add_a_sentence_to_the_text(data_site, "strike")
    build_in_process(data_site)
    files = data_files(data_site)
    assert b"Planted-in-memo" in files["pieces.csv"] and b"Planted-in-memo" in files["pieces.json"]
    word_counts = {piece["slug"]: piece["word_count"] for piece in json.loads(files["pieces.json"])["pieces"]}
    assert word_counts["strike"] == 17  # its own record is made again: 13 words, and 4 added


def test_an_edit_that_remakes_no_data_file_neither_reads_nor_writes_the_memo(data_site):
    build_in_process(data_site)
    before = {name: memo_of(data_site, name).stat() for name in ("pieces", "annotations")}
    for memo in before:
        memo_of(data_site, memo).chmod(0)  # unreadable: a build that opened it would make every record again
    path = data_site.root / "content/articles/report.md"
    path.write_text(path.read_text() + "\n## Editorial notes\n\nA note on the text, not a word of it.\n")
    files = data_files(data_site)
    report = build_in_process(data_site)
    assert report.pages_rendered > 0 and data_files(data_site) == files
    for name, stat in before.items():
        memo_of(data_site, name).chmod(0o600)
        assert (memo_of(data_site, name).stat().st_ino, memo_of(data_site, name).stat().st_mtime_ns) == \
            (stat.st_ino, stat.st_mtime_ns)
    add_a_sentence_to_the_text(data_site, "strike")
    build_in_process(data_site)
    assert memo_of(data_site, "pieces").stat().st_ino != before["pieces"].st_ino  # remade: written again


@pytest.mark.parametrize("damage", ["deleted", "truncated", "garbage"])
def test_a_damaged_memo_is_ignored_and_the_files_are_those_of_a_clean_build(data_site, tmp_path, damage):
    build_in_process(data_site)
    for name in ("pieces", "annotations"):
        memo = memo_of(data_site, name)
        if damage == "deleted":
            memo.unlink()
        else:
            memo.write_bytes(memo.read_bytes()[:memo.stat().st_size // 2] if damage == "truncated" else b"\x80\x05x")
    add_a_sentence_to_the_text(data_site, "strike")
    build_in_process(data_site)
    incremental = data_files(data_site)
    shutil.rmtree(data_site.build_dir)
    shutil.rmtree(data_site.root / ".site-builder-cache")
    build_in_process(data_site)
    assert incremental == data_files(data_site)
