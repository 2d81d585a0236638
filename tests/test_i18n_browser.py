"""An Arabic interface mirrors the whole layout and says nothing in English; a French one shows French months."""

from __future__ import annotations

import re

from babel.messages.pofile import read_po
from conftest import article
from webserver import serve

from site_builder.catalogues import pot_path
from site_builder.render import default_theme_dir

# Words of ours that are also everyday words of the pieces (English titles, outlets) or Arabic loanwords.
NOT_INTERFACE = {"Internet Archive", "Atom feed", "JSON Feed", "JSON", "Page", "BibTeX", "CSL-JSON"}  # names, in every language


def english_interface_strings() -> set[str]:
    """The theme's English strings as shown (placeholders and markup removed), long enough to be telling."""
    with pot_path(default_theme_dir()).open("rb") as handle:
        ids = [m.id if isinstance(m.id, str) else m.id[1] for m in read_po(handle) if m.id]
    parts = set()
    for msgid in ids:
        for part in re.split(r"%\(\w+\)s|<[^>]+>", msgid):
            part = part.strip(" :.,()“”;·")
            if len(part) >= 4 and part not in NOT_INTERFACE:
                parts.add(part)
    return parts


def build(site, run, language: str) -> None:
    site.write("site.yml", site.root.joinpath("site.yml").read_text() + f"language: {language}\n")
    body = "Text of the piece.[^1]\n\n[^1]: A sidenote by the editors.\n\n" + "A long paragraph of text. " * 40
    site.write("content/articles/piece.md", article(title="Zebra", outlet="Zeta Press", body=body,
                                                    caveats=["Careful."], stance="mixed"))
    site.add_article("other", title="Yak", outlet="Zeta Press", date="2015-11-02")
    assert run("build", "--site", site.root, "-q").code == 0


def test_an_arabic_interface_is_mirrored_and_has_no_english_interface_string(site, run, page):
    build(site, run, "ar")
    with serve(site.build_dir) as base:
        page.set_viewport_size({"width": 1280, "height": 900})
        page.goto(base + "articles/piece/", wait_until="networkidle")
        assert page.evaluate("getComputedStyle(document.documentElement).direction") == "rtl"
        width = page.evaluate("document.documentElement.clientWidth")
        title = page.locator(".site-title").bounding_box()
        assert title["x"] + title["width"] > width / 2  # the site's name starts at the right
        sidenote = page.locator(".sidenote").first.bounding_box()
        text = page.locator(".article-text p").first.bounding_box()
        assert sidenote["x"] + sidenote["width"] <= text["x"] + 1  # the margin notes on the left
        for path in ("articles/piece/", ""):
            page.goto(base + path, wait_until="networkidle")
            # What readers see, less the pieces' own words (their titles, outlets, texts, the editors' notes).
            shown = page.evaluate("""() => { const c = document.body.cloneNode(true);
                c.querySelectorAll('.article-text, .caveats li, .internal-link, .outlet, .stance, .site-title, h1, '
                  + 'svg, .chart-data th[scope=row] a, .chart-legend, .footnotes, .sidenote, .citation, .citation-text, '
                  + 'dt[id^="cite-"]')
                  .forEach(e => e.remove());
                return c.innerText; }""")
            leftover = sorted(s for s in english_interface_strings() if re.search(rf"\b{re.escape(s)}\b", shown))
            assert not leftover, f"{path}: English interface strings: {leftover}"


def test_a_french_interface_shows_french_month_names(site, run, page):
    build(site, run, "fr")
    with serve(site.build_dir) as base:
        page.goto(base + "timeline/", wait_until="networkidle")
        shown = page.inner_text("main")
        assert "octobre 2015" in shown and "novembre 2015" in shown
        assert "October" not in shown
