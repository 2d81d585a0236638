"""The collection shipped in content/ builds cleanly, with every piece published and annotated."""

from __future__ import annotations

import shutil
from pathlib import Path

import yaml
from conftest import Site
from linkcheck import broken_anchors, broken_links

def test_bundled_collection_builds_with_every_piece_in_context(tmp_path, run):
    repo = Path(__file__).resolve().parent.parent
    site = Site(tmp_path / "site")
    site.root.mkdir()
    shutil.copy(repo / "site.yml", site.root / "site.yml")
    shutil.copytree(repo / "content", site.root / "content")
    result = run("build", "--site", site.root, "--base-url", "/reading/")
    assert result.code == 0, result.err
    assert result.err == "", "the bundled collection has no warnings"
    articles = sorted(p.name for p in (site.build_dir / "articles").iterdir())
    assert len(articles) == 5
    for slug in articles:
        page = site.page(f"articles/{slug}/")
        panel = page.cssselect(".context-panel")[0]
        assert panel.cssselect(".stance"), f"{slug} has a stance"
        assert panel.cssselect(".caveats li"), f"{slug} has caveats"
        notes = page.cssselect(".editorial-notes")
        assert notes and len(notes[0].text_content()) > 200, f"{slug} has editorial notes"
        text = page.cssselect(".article-text")[0]
        annotations = text.cssselect(".annotation-note")
        assert len(annotations) >= 2, f"{slug}: the editors' notes, anchored to their passages"
        for note in annotations:
            marks = text.xpath(f".//mark[@aria-details='{note.get('id')}']")
            assert marks and len("".join(m.text_content() for m in marks)) > 20, f"{slug}: the passage is marked"
            assert "Editors' note" in note.cssselect(".annotation-label")[0].text_content()
        assert "[^" not in text.text_content() and not text.cssselect(".footnote"), f"{slug}: no footnote mark left"
    assert broken_links(site.build_dir, "/reading/") == []
    assert broken_anchors(site.build_dir) == []


def test_the_bundled_texts_are_exactly_as_imported():
    """The editors' notes are beside the text, never in it: each text is what import produced."""
    import re

    from site_builder.ingest.article_file import current_text, text_digest

    repo = Path(__file__).resolve().parent.parent
    for path in sorted((repo / "content" / "articles").glob("*.md")):
        source = path.read_text(encoding="utf-8")
        recorded = re.search(r"(?m)^  text_sha256: (\w+)$", source).group(1)
        assert text_digest(current_text(source, "Editorial notes")) == recorded, path.name


# --- the correction pass of issue #24: each change is data, dated, explained and sourced -----------

def front_matter(path: Path) -> dict:
    """An article's front matter with every value as written (`verdict: false` is the word, not a bool)."""
    return yaml.load(path.read_text(encoding="utf-8").split("---\n")[1], Loader=yaml.BaseLoader)


def test_every_bundled_correction_is_dated_explained_and_points_at_what_it_changed(tmp_path, run):
    repo = Path(__file__).resolve().parent.parent
    site = Site(tmp_path / "site")
    site.root.mkdir()
    shutil.copy(repo / "site.yml", site.root / "site.yml")
    shutil.copytree(repo / "content", site.root / "content")
    assert run("build", "--site", site.root).code == 0
    outlets = yaml.load((repo / "content" / "outlets.yml").read_text(encoding="utf-8"), Loader=yaml.BaseLoader)
    entries = [(path.stem, front_matter(path), entry) for path in sorted((repo / "content" / "articles").glob("*.md"))
               for entry in front_matter(path).get("corrections", [])]
    entries += [(None, profile, entry) for profile in outlets.values() for entry in profile.get("corrections", [])]
    assert len(entries) >= 30, "the pass of issue #24 is logged, point by point"
    for slug, fields, entry in entries:
        where = f"{slug or 'outlets.yml'}: {entry['field']}"
        assert entry["date"] == "2026-12-07", where
        assert entry["kind"] in ("correction", "clarification", "update"), where
        assert len(entry["why"].strip()) > 40, f"{where}: says why"
        assert all(url.startswith(("http://", "https://")) for url in entry.get("evidence", [])), where
        head, _, rest = entry["field"].partition(".")
        if head == "annotations":
            page = site.page(f"articles/{slug}/")
            assert page.get_element_by_id(f"annotation-{rest}") is not None, f"{where}: names a note on the page"
        elif head == "claims":
            claim_id, key = rest.split(".")
            assert claim_id in [claim["id"] for claim in fields["claims"]], where
            assert key in ("verdict", "note", "by", "evidence"), where
        else:  # a front-matter key, or the editorial notes (an article's body section, an outlet's `notes`)
            assert head in fields or head == "notes", f"{where}: names a field the entry has"


def test_the_key_corrections_of_the_bundled_collection():
    repo = Path(__file__).resolve().parent.parent
    articles = repo / "content" / "articles"
    paris = front_matter(articles / "russian-cruise-missiles-strike-isis-600-terrorists-dead-russians-write-thats-for.md")
    assert paris["stance"] == "mixed"
    assert {"field": "stance", "was": "leans-pro-kremlin", "now": "mixed"}.items() <= next(
        entry for entry in paris["corrections"] if entry["field"] == "stance").items(), "a stance change is logged"
    relayed = next(claim for claim in paris["claims"] if claim["id"] == "caspian-sea-cruise-missile-strikes")
    assert "a later round" not in relayed["note"] and "long-range" in relayed["note"]

    column = front_matter(articles / "russia-and-syria-on-the-offensive-against-isis-ground-operations-coordinated.md")
    claims = {claim["id"]: claim for claim in column["claims"]}
    assert claims["russian-strikes-precise-spare-civilians"]["verdict"] == "false"
    verdict_change = next(entry for entry in column["corrections"]
                          if entry["field"] == "claims.russian-strikes-precise-spare-civilians.verdict")
    assert (verdict_change["was"], verdict_change["now"], verdict_change["kind"]) == ("disputed", "false", "correction")
    assert "Mekdad" not in claims["us-coalition-struck-infrastructure-not-isis"]["by"], "his quotation marks end earlier"
    assert "17 September 2016" in claims["us-coalition-struck-infrastructure-not-isis"]["note"]

    warships = front_matter(articles / "russian-warships-strike-islamic-state-targets-with-cruise-missiles.md")
    date_caveat = next(caveat for caveat in warships["caveats"] if caveat.startswith("**Date inferred.**"))
    assert "no earlier than 8 October 2015" in date_caveat and "most likely" not in date_caveat
    naval = next(note for note in warships["annotations"] if note["quote"].startswith("Russia’s naval base"))
    assert "Tartus" in naval["note"] and "Hmeimim" in naval["note"]

    patriot = front_matter(articles / "is-there-russian-and-us-cooperation-going-on-in-syria-now.md")
    assert "cannot be traced" not in next(claim for claim in patriot["claims"]
                                          if claim["id"] == "most-russian-strikes-not-aimed-at-isis")["note"]
    assert any("Kuweires" in note["note"] for note in patriot["annotations"])
    duran = front_matter(articles / "lightning-russian-airstrikes-crush-isis-to-cover-syrian-army-advance.md")
    assert "does not mention the US-led coalition" not in duran["stance_notes"]
