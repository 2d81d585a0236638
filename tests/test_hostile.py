"""A hostile collection: published XSS payloads in every field and in the body; nothing may run.

The site is generated here: ten articles, each carrying a tenth of the payloads (hostile_payloads.py)
in every front-matter field that reaches a page (title, outlet, authors, language, stance notes,
caveats, tags, author bio, claims' text, author, note and evidence, source URL), and ALL payloads
in its body, footnotes and editorial notes, and in its annotations' notes, annotators and tags
(anchored to passages of the text); outlet and event profiles (content/outlets.yml,
content/events.yml), a standalone page, the menu and site.yml's
texts carry them too, and two imported originals (a saved web page with the payloads as live HTML,
and a scraped text) go through `site-builder import` to their article and "as collected" pages
(and copies to download). Then every built page, the originals' copies, the feeds, the sitemap, the search page with results
and the link previews are opened in headless Chromium, and each must show no dialog, set no
payload global, send no request to another host, trigger no CSP refusal (the sanitiser alone must
hold), and keep no event-handler attribute or script URL in its DOM. Harmless formatting and the
text after an unclosed `<style>` or `<textarea>` must still be there.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlparse

import pytest
import yaml

from conftest import Site
from site_builder.fields import printable
from hostile_payloads import PAYLOADS
from webserver import serve

pytestmark = pytest.mark.slow

GROUPS = 10
LOCAL_HOST = "127.0.0.1"
THE_END = "This is where hostile text {k} ends."


def group(k: int) -> list[str]:
    return PAYLOADS[k::GROUPS]


def joined(k: int) -> str:
    return " ".join(group(k))


def front_matter(k: int) -> dict:
    return {
        "title": f"Hostile {k} {joined(k)}",
        "outlet": f"Outlet {k} {joined(k)}",
        "date": f"2015-10-{k + 1:02d}",
        "author": group(k),
        "source_url": f'https://example.invalid/{k}?q="><script>top.__xss_source_{k}=1</script>',
        "stance": "mixed",
        "stance_notes": "\n\n".join(group(k)),
        "caveats": group(k),
        "tags": group(k),
        "event": "hostile-event",
        "related": [f"hostile-{(k + 1) % GROUPS}"],
        "language": "en",  # a payload here is refused by check (SB150): tests/test_languages.py
        "author_bio": joined(k),
        "claims": [{"id": f"claim-{k}", "text": joined(k), "by": group(k)[1], "verdict": "disputed",
                    "role": "reports", "note": joined(k),
                    "evidence": [f'https://example.invalid/e{k}"><script>top.__xss_evidence_{k}=1</script>']}],
        "annotations": [{"quote": f"Hostile text {k}", "note": "\n\n".join(group(k)), "by": group(k)[1],
                         "tags": group(k)},
                        {"quote": THE_END.format(k=k), "note": joined(k), "kind": "question"}],
    }


def body(k: int) -> str:
    paragraphs = [f"Hostile text {k}, with a note[^n] and a link to [[hostile-{(k + 2) % GROUPS}]]."]
    paragraphs += PAYLOADS  # each on its own, where a raw HTML block would start
    paragraphs.append("Inline: " + " and ".join(PAYLOADS))  # and inside running text
    paragraphs.append(THE_END.format(k=k))
    notes = "\n\n".join(group(k) + [f"Editors' last word on {k}."])
    return "\n\n".join(paragraphs) + f"\n\n[^n]: A note: {joined(k)}\n\n## Editorial notes\n\n{notes}\n"


FORMATTING = """---
title: Harmless formatting
outlet: Plain Outlet
date: 2015-11-01
stance: news
---

Some *emphasis*, some **strong words** and [a link](https://127.0.0.1/elsewhere).

- first item
- second item

1. one
2. two

| Side | Claim |
|:-----|------:|
| A    | yes   |

> A quoted sentence.

![A photo](http://127.0.0.1/photo.png) and ![another](https://127.0.0.1/photo2.png)

Safe entities: AT&amp;T, 5 &lt; 6.
"""


def write_site(root: Path) -> Site:
    site = Site(root)
    site.write("site.yml", yaml.safe_dump({
        "title": "Hostile site <script>top.__xss_site=1</script>",
        "description": "\"><img src=x onerror=top.__xss_desc=1>",
        "stances": {"mixed": "Several <b onmouseover=top.__xss_st=1>accounts</b>", "news": "Reports."},
        "verdicts": {"disputed": "<script>top.__xss_verdict=1</script>"},
        "menu": ["home", "hostile-page", {"title": "<img src=x onerror=top.__xss_menu=1>", "url": "events/"}],
    }, allow_unicode=True))
    site.write("content/events.yml", yaml.safe_dump({"hostile-event": {
        "title": joined(0), "description": "\n\n".join(group(1)) + "\n\nSee [[hostile-1]]."}}, allow_unicode=True))
    site.write("content/pages/hostile-page.md", "---\n" + yaml.safe_dump(
        {"title": joined(2), "description": group(3)[0]}, allow_unicode=True) + "---\n\n" + body(4))
    outlets = {}
    for k in range(GROUPS):
        site.write(f"content/articles/hostile-{k}.md",
                   "---\n" + yaml.safe_dump(front_matter(k), allow_unicode=True) + "---\n\n" + body(k))
        outlets[f"Outlet {k} {joined(k)}"] = {"kind": joined(k), "affiliation": group(k)[0], "leaning": group(k)[-1],
                                              "url": f'https://example.invalid/o{k}"onmouseover="top.__xss_o=1',
                                              "notes": "\n\n".join(group(k)) + f"\n\nSee [[hostile-{k}]]."}
    site.write("content/outlets.yml", yaml.safe_dump(outlets, allow_unicode=True))
    site.write("content/articles/formatting.md", FORMATTING)
    return site


def write_sources(folder: Path) -> Path:
    """Raw pages to import: the payloads as live HTML in a saved web page, and as scraped text."""
    prose = " ".join(["The ministry said the strikes continued overnight near the city."] * 12)
    page = (f"<html><head><title>Imported page {PAYLOADS[1]}</title>"
            f"<meta name=\"author\" content='{PAYLOADS[3]}'></head><body><article><h1>Imported page</h1>"
            + "".join(f"<p>{prose} {payload}</p>" for payload in PAYLOADS) + "</article></body></html>")
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "hostile-page.html").write_text(page)
    (folder / "hostile-scrape.txt").write_text("Imported scrape\n\n" + "\n\n".join(f"{prose} {p}" for p in PAYLOADS))
    return folder


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory, browser):
    folder = tmp_path_factory.mktemp("hostile")
    site = write_site(folder / "site")
    from site_builder.cli import main
    assert main(["import", "--site", str(site.root), "-q", str(write_sources(folder / "sources"))]) == 0
    assert main(["build", "--site", str(site.root), "--drafts", "-q"]) == 0  # the imports are drafts
    with serve(site.build_dir) as base:
        yield site, base


# What each opened page is checked for, in the page itself (returns the findings).
DOM_CHECK = """() => {
  const found = Object.keys(window).filter(k => k.startsWith('__xss')).map(k => 'global ' + k);
  const urlAttributes = ['href', 'src', 'action', 'formaction', 'xlink:href', 'data', 'background',
                         'poster', 'srcdoc', 'lowsrc', 'dynsrc', 'srcset'];
  // Not from content: the theme's empty favicon, and Pagefind UI's own search form.
  const ours = (el, attr) => (el.tagName === 'LINK' && el.rel === 'icon' && attr.value === 'data:,') ||
                             (el.matches('form.pagefind-ui__form') && attr.value === 'javascript:void(0);');
  for (const el of document.querySelectorAll('*')) {
    for (const attr of el.attributes) {
      const name = attr.name.toLowerCase();
      if (name.startsWith('on')) found.push(`${el.tagName} has ${name}`);
      if (!urlAttributes.includes(name)) continue;
      const value = attr.value.replace(/[\\u0000-\\u0020]/g, '').toLowerCase();
      if (/^(javascript|vbscript|data):/.test(value) && !ours(el, attr)) found.push(`${el.tagName} ${name}=${attr.value}`);
    }
  }
  // Chromium's XML viewer styles feed.xml with a <style> of its own.
  // The theme's own read-only citation boxes (the cite block) are the only textareas a page may hold.
  const foreign = 'iframe, frame, frameset, object, embed, applet, style:not(#xml-viewer-style), base, ' +
                  'textarea:not(details.cite-block textarea.citation-text[readonly]), ' +
                  'xmp, plaintext, meta[http-equiv]:not([http-equiv="Content-Security-Policy"]), ' +
                  'script:not([src]):not([type="application/ld+json"])';
  for (const el of document.querySelectorAll(foreign)) found.push('element ' + el.outerHTML.slice(0, 80));
  return found;
}"""


class Watch:
    """Everything a payload could do from a page that the test can observe from outside it."""

    def __init__(self, page):
        self.dialogs: list[str] = []
        self.foreign: list[str] = []
        self.refused: list[str] = []
        page.on("dialog", lambda dialog: (self.dialogs.append(dialog.message), dialog.dismiss()))
        page.on("console", lambda message: "Content Security Policy" in message.text and self.refused.append(message.text))
        page.context.route("**/*", self._route)

    def _route(self, route) -> None:
        if urlparse(route.request.url).hostname == LOCAL_HOST:
            route.continue_()
        else:
            self.foreign.append(route.request.url)
            route.abort()

    def findings(self, page, where: str) -> list[str]:
        page.wait_for_timeout(30)  # let timers and autofocus handlers fire, were there any
        found = [f"dialog: {d}" for d in self.dialogs] + [f"request: {u}" for u in self.foreign]
        found += [f"CSP refused: {r}" for r in self.refused] + page.evaluate(DOM_CHECK)
        self.dialogs.clear(), self.foreign.clear(), self.refused.clear()
        return [f"{where}: {f}" for f in found]


def every_page(build_dir: Path) -> list[str]:
    pages = [p.relative_to(build_dir).as_posix() for p in sorted(build_dir.rglob("*.html"))]
    return pages + ["feed.xml", "feed.json", "sitemap.xml"] + originals(build_dir)


def originals(build_dir: Path) -> list[str]:
    """The imported originals' copies, offered for download: opened too, as a reader might."""
    return [p.relative_to(build_dir).as_posix() for p in sorted(build_dir.glob("articles/*/source/original*.txt"))]


def test_no_payload_runs_on_any_page(hostile_site, page):
    site, base = hostile_site
    watch = Watch(page)
    pages = every_page(site.build_dir)
    assert len(pages) > 100, "articles, outlets, a tag page per payload, claims, events, feeds"
    assert sum(p.endswith("/source/index.html") for p in pages) == 2, "the imported originals, shown as collected"
    assert [p.rsplit("/", 1)[1] for p in originals(site.build_dir)] == ["original.html.txt", "original.txt"], \
        "and their copies, as plain text: the saved page's live payloads never run on the site"
    problems = []
    for relative in pages:
        page.goto(base + relative.removesuffix("index.html"), wait_until="load")
        problems += watch.findings(page, relative)
    assert problems == [], f"{len(problems)} findings on {len(pages)} pages:\n" + "\n".join(problems[:40])


def test_text_around_raw_html_survives_and_hostile_text_is_shown_as_text(hostile_site):
    site, _ = hostile_site
    for k in range(GROUPS):
        page = site.page(f"articles/hostile-{k}/")
        text = page.cssselect(".article-text")[0].text_content()
        assert THE_END.format(k=k) in text, "an unclosed <style>/<textarea> swallowed the rest of the text"
        assert "<textarea>" in text and "<script>top.__xss_1=1</script>" in text, "shown as the outlet's characters"
        assert f"Editors' last word on {k}." in page.cssselect(".editorial-notes")[0].text_content()
        notes = page.cssselect(".article-text .annotation-note")
        assert len(notes) == 2 and "Note by " in notes[0].text_content(), "annotation notes shown, hostile HTML as text"
        assert all(page.get_element_by_id(m.get("aria-details")) is not None for m in page.cssselect("mark"))
        assert page.cssselect("h1")[0].text_content() == printable(f"Hostile {k} {joined(k)}")  # controls dropped


def test_harmless_formatting_survives(hostile_site):
    site, _ = hostile_site
    text = site.page("articles/formatting/").cssselect(".article-text")[0]
    assert [e.text for e in text.cssselect("em")] == ["emphasis"]
    assert [e.text for e in text.cssselect("strong")] == ["strong words"]
    assert [a.get("href") for a in text.cssselect("p > a")] == ["https://127.0.0.1/elsewhere"]
    assert [li.text for li in text.cssselect("ul > li")] == ["first item", "second item"]
    assert [li.text for li in text.cssselect("ol > li")] == ["one", "two"]
    assert [c.text for c in text.cssselect("table td")] == ["A", "yes"]
    assert [c.get("align") for c in text.cssselect("table th")] == ["left", "right"]
    assert text.cssselect("blockquote p")[0].text == "A quoted sentence."
    assert [i.get("src") for i in text.cssselect("img")] == ["http://127.0.0.1/photo.png", "https://127.0.0.1/photo2.png"]
    assert "AT&T, 5 < 6." in text.text_content()


def test_search_results_filters_and_link_previews_run_nothing(hostile_site, page):
    site, base = hostile_site
    watch = Watch(page)
    page.goto(base + "search/?q=hostile")
    page.wait_for_selector(".pagefind-ui__result-link")
    page.wait_for_function("() => document.querySelectorAll('.pagefind-ui__result-link').length >= 5")
    titles = page.eval_on_selector_all(".pagefind-ui__result-link", "links => links.map(a => a.textContent)")
    assert any(t.startswith("Hostile ") and "<script>" in t for t in titles), "titles shown as text"
    for toggle in page.query_selector_all(".pagefind-ui__filter-name"):  # open every filter: hostile outlet and tag names
        toggle.click()
    assert watch.findings(page, "search") == []
    page.goto(base + "articles/hostile-0/")
    links = page.query_selector_all("a.internal-link")
    assert len(links) >= 2
    for link in links:  # focus shows the card like hovering does, and no card is in the way
        link.focus()
        page.wait_for_selector(".link-preview:not([hidden])")
        assert " · " in page.inner_text(".link-preview"), "the card: title, then outlet · date · stance"
        page.keyboard.press("Escape")
    assert watch.findings(page, "previews") == []
