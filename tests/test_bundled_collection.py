"""The collection shipped in content/ builds cleanly, with every piece published and annotated."""

from __future__ import annotations

import shutil
from pathlib import Path

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
        assert len(annotations) == 2, f"{slug}: its two editors' notes, anchored to their passages"
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
