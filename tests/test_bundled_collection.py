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
    assert broken_links(site.build_dir, "/reading/") == []
    assert broken_anchors(site.build_dir) == []
