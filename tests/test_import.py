"""`site-builder import`: the five raw articles and similar scrapes become draft articles, losing nothing."""

from __future__ import annotations

import hashlib
import shutil
from datetime import date
from pathlib import Path

import pytest
import yaml

RAW = Path(__file__).resolve().parents[2] / "shared" / "raw-articles"

# What each raw article states (None/() where the text does not say: never guessed).
EXPECTED = {
    "000_e6a1ecda9f78ab1e.txt": dict(
        title="Russia and Syria on the Offensive Against ISIS. Ground Operations Coordinated with High Tech Smart Bombing",
        author="Stephen Lendman", outlet="Global Research", date="2015-10-09"),
    "001_9231a5553ee8d8ff.txt": dict(
        title="Russian warships strike Islamic State targets with cruise missiles", author=None, outlet=None, date=None),
    "002_d9c9e31db17eb91a.txt": dict(
        title="LIGHTNING: Russian airstrikes crush ISIS to cover Syrian Army advance",
        author="Matfey Shaheen", outlet="The Duran", date=None),
    "003_f4d96206db15184b.txt": dict(
        title="Russian Cruise Missiles Strike ISIS, 600 Terrorists Dead — Russians Write ‘That’s For Paris’ On Bomb",
        author=None, outlet=None, date=None),
    "004_91a2bfeb85509564.txt": dict(
        title="Is There Russian and US Cooperation Going on in Syria Now?",
        author="Craig Smith", outlet="U.S. Patriot News & Reviews", date=None),
}

# Lines of page debris that must not survive into the article text.
DEBRIS = [
    "Warning: Cannot modify header", "U.S. PATRIOT NEWS & REVIEWS", "](#)", "Region:", "Theme:", "In-depth Report:",
    "Leave a Reply", "Your email address will not be published", "Comment on Global Research Articles",
    "Become a Member of Global Research", "RELATED STORIES", "ISIS Syria Command Center Destroyed",
    "Jihadi John", "Disclaimer:", "Copyright ©", "The original source of this article",
    "contains copyrighted material", "For media inquiries", "Articles by:", "About the author",
    "lives in Chicago", "Craig has been writing", "[Featured Photo", "by Matfey Shaheen, The Duran:",
]


def front_matter_and_body(path: Path) -> tuple[dict, str]:
    _, front, body = path.read_text(encoding="utf-8").split("---\n", 2)
    return yaml.safe_load(front), body


@pytest.fixture
def imported(site, run):
    result = run("import", "--site", site.root, RAW)
    assert result.code == 0, result.err
    articles = {}
    for path in (site.root / "content" / "articles").glob("*.md"):
        meta, body = front_matter_and_body(path)
        articles[meta["provenance"]["original_name"]] = (path, meta, body)
    return result, articles


def test_the_five_raw_articles_get_the_metadata_their_text_states_and_nothing_invented(imported):
    result, articles = imported
    assert sorted(articles) == sorted(EXPECTED)
    for name, expected in EXPECTED.items():
        _, meta, _ = articles[name]
        assert meta["title"] == expected["title"], name
        assert meta["author"] == expected["author"], name
        assert meta["outlet"] == expected["outlet"], name
        assert (str(meta["date"]) if meta["date"] else None) == expected["date"], name
        assert meta["draft"] is True
        for editorial in ("stance", "stance_notes", "caveats", "tags"):
            assert editorial in meta and not meta[editorial], f"{name}: `{editorial}` is left for the editor"
        assert meta["language"] == "en"
        assert meta["word_count"] > 200
    assert "Imported 5, updated 0, unchanged 0, failed 0" in result.out


def test_debris_is_removed_and_author_bios_move_to_front_matter(imported):
    _, articles = imported
    for name, (path, meta, body) in articles.items():
        text = body.split("## Editorial notes")[0]
        for debris in DEBRIS:
            assert debris not in text, f"{name} still has {debris!r}"
    lendman = articles["000_e6a1ecda9f78ab1e.txt"]
    assert lendman[1]["author_bio"].startswith("Stephen Lendman lives in Chicago.")
    assert "RT International reported US, UK" in lendman[2], "a link stub inside a sentence keeps its words"
    assert "Russia's aerospace forces against the IS positions" in lendman[2], "a sentence broken by the scrape is joined"
    smith = articles["004_91a2bfeb85509564.txt"]
    assert smith[1]["author_bio"].startswith("Craig has been writing for several years")
    assert "## The Pseudo Russian Stance" in smith[2]


def test_originals_are_kept_byte_for_byte_with_their_sha256(imported, site):
    _, articles = imported
    for name, (path, meta, _) in articles.items():
        provenance = meta["provenance"]
        kept = (site.root / provenance["source"]).read_bytes()
        assert kept == (RAW / name).read_bytes()
        assert provenance["sha256"] == hashlib.sha256(kept).hexdigest()
        assert provenance["source"].startswith("content/sources/")
        assert provenance["imported"] == date.today()


def test_imported_drafts_pass_check_with_warnings_naming_what_is_missing(imported, site, run):
    result = run("check", "--site", site.root)
    assert result.code == 0, result.err
    assert "`outlet` is empty (fill it in before setting `draft: false`)" in result.err
    assert "OK: 5 articles checked (5 drafts)" in result.out
    assert "OK: 5 articles checked (5 drafts)" in run("check", "--site", site.root, "--drafts").out


def test_check_counts_the_drafts_it_checked_with_or_without_drafts(site, run):
    site.add_article("published", title="Published")
    site.add_article("draft-one", title="Draft one", draft="true")
    site.add_article("draft-two", title="Draft two", draft="true")
    for options in ((), ("--drafts",)):
        result = run("check", "--site", site.root, *options)
        assert result.code == 0, result.err
        assert "OK: 3 articles checked (2 drafts), no errors." in result.out, options


def test_the_article_page_links_to_the_text_as_collected(imported, site, run):
    _, articles = imported
    path, _, _ = articles["004_91a2bfeb85509564.txt"]
    assert run("build", "--site", site.root, "--drafts").code == 0
    page = site.page(f"articles/{path.stem}/")
    link = [a for a in page.cssselect("a") if a.text_content() == "the text as collected"][0]
    assert link.get("href") == f"/articles/{path.stem}/source/"
    source_page = site.page(f"articles/{path.stem}/source/")
    assert "Warning: Cannot modify header information" in source_page.cssselect("pre")[0].text_content()


def test_reimporting_the_same_sources_changes_nothing(imported, site, run):
    before = {p: p.read_bytes() for p in (site.root / "content").rglob("*") if p.is_file()}
    result = run("import", "--site", site.root, RAW)
    assert result.code == 0
    assert "Imported 0, updated 0, unchanged 5, failed 0" in result.out
    after = {p: p.read_bytes() for p in (site.root / "content").rglob("*") if p.is_file()}
    assert after == before


def test_a_changed_source_updates_the_text_and_keeps_every_editorial_field(imported, site, run, tmp_path):
    _, articles = imported
    path, _, _ = articles["002_d9c9e31db17eb91a.txt"]
    annotated = path.read_text().replace("stance:\n", "stance: mixed  # the editor's choice\n") \
        .replace("tags:\n", "tags: [damascus, yarmouk]\n").replace("draft: true", "draft: false") \
        + "The editor's own *notes*.\n"
    path.write_text(annotated)
    changed = tmp_path / "changed" / "002_d9c9e31db17eb91a.txt"
    changed.parent.mkdir()
    changed.write_text((RAW / "002_d9c9e31db17eb91a.txt").read_text() + "\nA correction appended by the outlet.\n")
    result = run("import", "--site", site.root, changed)
    assert result.code == 0, result.err
    assert "Imported 0, updated 1" in result.out
    meta, body = front_matter_and_body(path)
    assert "stance: mixed  # the editor's choice\n" in path.read_text()
    assert meta["tags"] == ["damascus", "yarmouk"] and meta["draft"] is False
    assert "A correction appended by the outlet." in body
    assert body.endswith("## Editorial notes\n\nThe editor's own *notes*.\n")
    assert meta["provenance"]["sha256"] == hashlib.sha256(changed.read_bytes()).hexdigest()
    old_original = site.root / "content/sources" / f"002_d9c9e31db17eb91a-{hashlib.sha256((RAW / '002_d9c9e31db17eb91a.txt').read_bytes()).hexdigest()[:8]}.txt"
    assert old_original.is_file(), "the earlier original is kept too"


def test_an_edited_article_is_never_overwritten_silently(imported, site, run, tmp_path):
    _, articles = imported
    path, _, _ = articles["002_d9c9e31db17eb91a.txt"]
    edited = path.read_text().replace("The Syrian Army is advancing", "The Syrian Army is advancing[^1]") + "\n[^1]: Editor's note.\n"
    edited = edited.replace("## Editorial notes\n", "[^1]: Editor's note.\n\n## Editorial notes\nKeep me.\n")
    path.write_text(edited)
    changed = tmp_path / "002_d9c9e31db17eb91a.txt"
    changed.write_text((RAW / "002_d9c9e31db17eb91a.txt").read_text() + "\nNew paragraph.\n")
    result = run("import", "--site", site.root, changed)
    assert result.code == 1
    assert "an editor has also changed the article text since import; use --force" in result.err
    assert path.read_text() == edited
    forced = run("import", "--site", site.root, changed, "--force")
    assert forced.code == 0
    assert "New paragraph." in path.read_text() and "Keep me." in path.read_text()
    text = path.read_text().split("## Editorial notes")[0]
    assert "The Syrian Army is advancing[^1]" in text and "[^1]: Editor's note." in text, "the footnote is kept"


def test_slugs_are_readable_transliterated_and_never_overwrite(site, run, tmp_path):
    sources = tmp_path / "in"
    sources.mkdir()
    (sources / "a.txt").write_text(
        "Удары по Сирии: «Калибр» из Каспия\n\nРоссийские корабли Каспийской флотилии выпустили крылатые ракеты по "
        "целям в Сирии, сообщило министерство обороны. Ракеты пролетели около полутора тысяч километров над "
        "территорией Ирана и Ирака. По данным ведомства, все цели были поражены, а мирные жители не пострадали. "
        "Независимого подтверждения этим данным пока нет.\n")
    (sources / "b.txt").write_text("Same headline\n\n" + "One text about the strike and more. " * 10)
    (sources / "c.txt").write_text("Same headline\n\n" + "Another text about the strike entirely. " * 10)
    result = run("import", "--site", site.root, sources)
    assert result.code == 0, result.err
    names = sorted(p.name for p in (site.root / "content/articles").glob("*.md"))
    assert names == ["same-headline-2.md", "same-headline.md", "udary-po-sirii-kalibr-iz-kaspiia.md"]
    meta, _ = front_matter_and_body(site.root / "content/articles/udary-po-sirii-kalibr-iz-kaspiia.md")
    assert meta["language"] == "ru"


def test_dry_run_prints_the_metadata_and_every_removed_line_and_writes_nothing(site, run):
    result = run("import", "--site", site.root, RAW / "004_91a2bfeb85509564.txt", "--dry-run")
    assert result.code == 0
    assert "outlet:      U.S. Patriot News & Reviews" in result.out
    assert "date:        (not found)" in result.out
    assert "removed 9 lines as debris:" in result.out
    assert "line 1: server warning: Warning: Cannot modify header information" in result.out
    assert "line 31: comment form: Leave a Reply" in result.out
    assert "Would import 1" in result.out
    assert not list((site.root / "content").rglob("*.md")) and not (site.root / "content/sources").exists()


def test_bad_sources_each_get_one_line_and_the_batch_continues(site, run, tmp_path):
    batch = tmp_path / "batch"
    batch.mkdir()
    shutil.copy(RAW / "002_d9c9e31db17eb91a.txt", batch / "good.txt")
    (batch / "empty.txt").write_text("  \n\n")
    (batch / "binary.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 10)
    (batch / "latin1.txt").write_bytes("Caf\xe9 strikes\n\nThe caf\xe9 was hit by a strike near the front line today.\n".encode("cp1252"))
    (batch / "no-text.html").write_text("<html><body><nav><a href='/'>Home</a></nav></body></html>")
    locked = batch / "locked.txt"
    locked.write_text("Title\n\nText.\n")
    locked.chmod(0)
    result = run("import", "--site", site.root, batch, tmp_path / "missing.txt", batch / "notes.pdf")
    locked.chmod(0o644)
    assert result.code == 1
    err = result.err
    assert f"{batch / 'empty.txt'}: empty file" in err
    assert f"{batch / 'binary.txt'}: binary file (contains NUL bytes), not text" in err
    assert f"{batch / 'latin1.txt'}: warning: not UTF-8 (bad byte at 3); read as Windows-1252" in err
    assert f"{batch / 'no-text.html'}: no article text found" in err
    assert f"{tmp_path / 'missing.txt'}: no such file or folder" in err
    assert f"{batch / 'notes.pdf'}: no such file or folder" in err or "unsupported file type" in err
    import os
    if os.geteuid() != 0:  # root reads any file
        assert f"{locked}: cannot read: Permission denied" in err
    assert "Imported" in result.out and "failed" in result.out
    latin = site.root / "content/articles/cafe-strikes.md"
    assert "The café was hit" in latin.read_text()
    assert (site.root / "content/articles/lightning-russian-airstrikes-crush-isis-to-cover-syrian-army-advance.md").is_file()


def test_an_unsupported_file_type_is_named(site, run, tmp_path):
    pdf = tmp_path / "notes.pdf"
    pdf.write_bytes(b"%PDF-1.4")
    result = run("import", "--site", site.root, pdf)
    assert result.code == 1
    assert "notes.pdf: unsupported file type `.pdf`" in result.err


def test_markdown_sources_keep_their_front_matter_values(site, run, tmp_path):
    source = tmp_path / "clip.md"
    source.write_text("---\ntitle: Clipped piece\nauthor: [Ann One, Bo Two]\nurl: https://example.org/p\n"
                      "date: 2016-03-14\n---\n\nThe clipped **text** of the piece, with [a link](https://example.org).\n\n"
                      "Share this article\n")
    result = run("import", "--site", site.root, source)
    assert result.code == 0, result.err
    meta, body = front_matter_and_body(site.root / "content/articles/clipped-piece.md")
    assert meta["author"] == ["Ann One", "Bo Two"]
    assert meta["source_url"] == "https://example.org/p"
    assert str(meta["date"]) == "2016-03-14"
    assert "The clipped **text** of the piece, with [a link](https://example.org)." in body
    assert "Share this" not in body


# --- `--force` keeps every editorial footnote: re-anchored to the same words, or the update refused ---------

OUTLET_TEXT = """---
title: Strikes hit the south
outlet: The Outlet
---

The ministry said the strikes hit forty targets overnight. Residents reported heavy damage in the
old town.

Officials gave no figures for casualties. Aid groups asked for access to the area.
"""


@pytest.fixture
def annotated(site, run, tmp_path):
    """An imported piece an editor has annotated: two footnote marks placed inside the outlet's
    text (its lines wrapped anew), their notes at the end of the text, and notes of their own
    under the notes heading."""
    source = tmp_path / "saved" / "strikes.md"
    source.parent.mkdir()
    source.write_text(OUTLET_TEXT)
    assert run("import", "--site", site.root, source).code == 0
    path = site.root / "content/articles/strikes-hit-the-south.md"
    text = path.read_text().replace("forty targets overnight.", "forty targets overnight.[^1]") \
        .replace("heavy damage in the old town.", "heavy damage in the\nold town.[^town]") \
        .replace("## Editorial notes\n", "[^1]: Editor's note: the ministry is a party to the conflict.\n"
                 "    It gave no list of the targets.\n\n[^town]: Editor's note: the old town is the market.\n\n"
                 "## Editorial notes\n\nThe editor's own notes.\n")
    path.write_text(text)
    return source, path


def resave(source: Path, text: str) -> None:
    source.write_text(text)


def test_force_replaces_the_outlets_text_and_places_each_mark_after_the_same_words(annotated, site, run):
    source, path = annotated
    resave(source, OUTLET_TEXT.replace("The ministry said", "The defence ministry said")
           .replace("heavy damage in the\nold town.", "heavy damage in the old town.")
           + "\nUpdate: the ministry later said fifty targets.\n")
    mark_line = line_of(path, "[^1]")
    result = run("import", "--site", site.root, source, "--force")
    assert result.code == 0, result.err
    assert (f"{source}: warning: `[^1]` (line {mark_line}) followed “The ministry said the strikes hit forty targets "
            "overnight.”; the new text changed the start, so it is placed after “ministry said the strikes hit forty "
            "targets overnight.”: check it is where it belongs") in result.err
    text, notes = path.read_text().split("---\n", 2)[2].split("## Editorial notes\n")
    assert text == (
        "\nThe defence ministry said the strikes hit forty targets overnight.[^1] Residents reported heavy damage in "
        "the old town.[^town]\n\nOfficials gave no figures for casualties. Aid groups asked for access to the area.\n\n"
        "Update: the ministry later said fifty targets.\n\n"
        "[^1]: Editor's note: the ministry is a party to the conflict.\n    It gave no list of the targets.\n\n"
        "[^town]: Editor's note: the old town is the market.\n\n")
    assert notes == "\nThe editor's own notes.\n\n", "kept byte for byte"
    checked = run("check", "--site", site.root, "--drafts")
    assert checked.code == 0 and "SB50" not in checked.err


def test_force_refuses_and_writes_nothing_when_a_marks_words_are_gone_or_found_twice(annotated, site, run):
    source, path = annotated
    before = path.read_bytes()
    resave(source, OUTLET_TEXT.replace("forty targets overnight.", "40 targets at night.")
           + "\nLater: Residents reported heavy damage in the old town.\n")
    result = run("import", "--site", site.root, source, "--force")
    assert result.code == 1
    assert path.read_bytes() == before
    article = "content/articles/strikes-hit-the-south.md"
    assert (f"{source}: 2 editorial footnotes of {article} cannot be kept in the new text, so nothing was written:\n"
            f"  {article}:{line_of(path, '[^1]')}: `[^1]` after “The ministry said the strikes hit forty targets "
            "overnight.”: these words are not in the new text\n"
            f"  {article}:{line_of(path, '[^town]')}: `[^town]` after “Residents reported heavy damage in the old "
            "town.”: these words are in the new text 2 times\n"
            "  To place them by hand: delete just these marks from the article (keep their notes), import again with "
            "--force, then put each mark back after its words; `site-builder check` lists each note still without "
            "a mark [SB502].") in result.err
    assert "failed 1" in result.out


def line_of(path: Path, mark: str) -> int:
    return next(number for number, line in enumerate(path.read_text().splitlines(), 1) if mark in line)


def test_the_outlets_own_footnotes_come_and_go_with_its_text(site, run, tmp_path):
    source = tmp_path / "strikes.md"
    source.write_text(OUTLET_TEXT.replace("overnight.", "overnight.[^1]") + "\n[^1]: Ministry statement, 8 October.\n")
    assert run("import", "--site", site.root, source).code == 0
    path = site.root / "content/articles/strikes-hit-the-south.md"
    path.write_text(path.read_text().replace("the area.", "the area.[^ed]")
                    .replace("## Editorial notes", "[^ed]: Editor's note: which groups?\n\n## Editorial notes"))
    source.write_text(OUTLET_TEXT.replace("damage in the", "damage[^2] in the")
                      + "\n[^2]: Reported by our correspondent.\n")
    result = run("import", "--site", site.root, source, "--force")
    assert result.code == 0, result.err
    text = path.read_text().split("## Editorial notes")[0]
    assert "overnight.[^1]" not in text and "Ministry statement" not in text, "the outlet dropped its footnote"
    assert "damage[^2] in the" in text and "[^2]: Reported by our correspondent." in text
    assert "access to the area.[^ed]" in text and "[^ed]: Editor's note: which groups?" in text


def test_an_editors_label_that_the_new_text_also_uses_is_refused_with_a_rename_hint(annotated, site, run):
    source, path = annotated
    before = path.read_bytes()
    resave(source, OUTLET_TEXT.replace("the area.", "the area.[^1]") + "\n[^1]: The outlet's own note.\n")
    result = run("import", "--site", site.root, source, "--force")
    assert result.code == 1 and path.read_bytes() == before
    assert f"content/articles/strikes-hit-the-south.md:{line_of(path, '[^1]')}: `[^1]` after “The ministry said the " \
           "strikes hit forty targets overnight.”: the new text has a footnote `[^1]` of its own" in result.err
    assert "rename your mark and its note (e.g. `[^ed1]`), then import again with --force." in result.err


def test_after_a_forced_update_the_next_changed_source_updates_without_force(annotated, site, run):
    source, path = annotated
    resave(source, OUTLET_TEXT + "\nA first update.\n")
    assert run("import", "--site", site.root, source, "--force").code == 0
    resave(source, OUTLET_TEXT + "\nA first update.\n\nA second update.\n")
    result = run("import", "--site", site.root, source)
    assert result.code == 0, result.err
    text = path.read_text()
    assert "A second update." in text and "overnight.[^1]" in text and "[^town]: Editor's note" in text


@pytest.mark.parametrize("source", [RAW / "000_e6a1ecda9f78ab1e.txt", RAW / "004_91a2bfeb85509564.txt",
                                    Path(__file__).parent / "fixtures/html/news-site.html"])
def test_the_dry_run_and_the_written_file_give_the_same_word_count(site, run, source):
    dry = run("import", "--site", site.root, source, "--dry-run")
    shown = int(next(line.split()[1] for line in dry.out.splitlines() if line.strip().startswith("words:")))
    assert run("import", "--site", site.root, source).code == 0
    [written] = (site.root / "content/articles").glob("*.md")
    meta, body = front_matter_and_body(written)
    assert shown == meta["word_count"] > 100


def test_the_word_count_leaves_out_link_addresses_and_the_editors_footnotes():
    from site_builder.reader import count_words

    assert count_words("The U.S. said 1,400 [a link](https://example.org/a/b) and <https://x.org/y> well-known.[^1]\n\n"
                       "[^1]: An editor's note.\n    Its second paragraph.\n") == 8
