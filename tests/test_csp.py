"""The Content-Security-Policy: every page allows only the site's own scripts and styles.

A sanitiser bug or a theme mistake should still not let a collected article run script: the
policy (a <meta> tag, as GitHub Pages sends no custom headers) is the second line of defence.
Checked on the built files, in a real browser (previews, Pagefind's WebAssembly search), and on
the preview server, whose live-reload loader is allowed by its hash in the served copy only.
"""

from __future__ import annotations

import re

from lxml import html as lxml_html

from conftest import article
from test_serve import serve  # noqa: F401 (a fixture)
from webserver import serve as serve_folder

POLICY = ("default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; "
          "img-src 'self' https: http: data:; object-src 'none'; base-uri 'self'; form-action 'self'")


def build_small_site(site, run) -> None:
    site.add_article("first", title="The first piece", stance="mixed", tags=["caspian"],
                     body="Text with a table.\n\n| a | b |\n|:--|--:|\n| 1 | 2 |\n\nSee [[second]].")
    site.add_article("second", title="The second piece", outlet="Other Outlet", stance="critical",
                     body="The flotilla fired missiles.")
    result = run("build", "--site", site.root, "-q")
    assert result.code == 0, result.err


def policy_of(tree) -> str:
    [meta] = tree.xpath('//meta[@http-equiv="Content-Security-Policy"]')
    return meta.get("content")


def test_every_built_page_carries_the_policy_and_needs_no_inline_script_or_style(site, run):
    build_small_site(site, run)
    pages = sorted(site.build_dir.rglob("*.html"))
    assert len(pages) > 8
    for path in pages:
        tree = lxml_html.fromstring(path.read_bytes())
        assert policy_of(tree) == POLICY, path
        head = tree.find("head")
        first_loaded = next(e for e in head if e.tag in ("script", "link", "style"))
        assert head.index(first_loaded) > head.index(tree.xpath('//meta[@http-equiv]')[0]), "policy before any asset"
        inline = [s for s in tree.iter("script") if not s.get("src") and s.get("type") != "application/ld+json"]
        assert inline == [], f"{path}: inline script would be refused"
        assert not tree.xpath("//style | //*[@style]"), f"{path}: inline style would be refused"
        assert not tree.xpath("//*[@*[starts-with(name(), 'on')]]"), f"{path}: event handler attributes"


def csp_errors(messages: list[str]) -> list[str]:
    return [m for m in messages if "Content Security Policy" in m]


def test_previews_and_search_work_under_the_policy_and_inline_script_is_refused(site, run, page):
    build_small_site(site, run)
    messages: list[str] = []
    page.on("console", lambda message: messages.append(message.text))
    with serve_folder(site.build_dir) as base:
        page.goto(base + "articles/first/")
        page.hover("a.internal-link")
        page.wait_for_selector(".link-preview:not([hidden])")  # preview.js ran
        assert "Other Outlet" in page.inner_text(".link-preview")
        ran = page.evaluate("""() => { const s = document.createElement('script');
            s.textContent = 'window.__inline_ran = 1'; document.head.appendChild(s); return window.__inline_ran; }""")
        assert ran is None, "an inline script injected into the page must be refused"
        messages.clear()  # that refusal was the point; nothing else may be refused
        page.goto(base + "search/?q=flotilla")
        page.wait_for_selector(".pagefind-ui__result-link")  # Pagefind's WebAssembly ran
        assert page.inner_text(".pagefind-ui__result-link") == "The second piece"
    assert csp_errors(messages) == []


def test_live_reload_works_under_the_policy_of_the_served_copy_only(site, serve, page):
    site.add_article("piece", body="Version one.")
    server = serve(site)
    messages: list[str] = []
    page.on("console", lambda message: messages.append(message.text))
    with page.expect_websocket(timeout=15000) as socket:  # livereload.js loaded and connected
        page.goto(f"http://127.0.0.1:{server.port}/articles/piece/")
    assert socket.value.url.endswith("/livereload")
    site.add_article("piece", body="Version two.")
    page.wait_for_function("() => document.body.innerText.includes('Version two.')", timeout=15000)
    assert csp_errors(messages) == []
    served = server.get("/articles/piece/")[2]
    assert re.search(r"script-src [^;]*'sha256-[A-Za-z0-9+/=]+'", served)
    built = (site.build_dir / "articles" / "piece" / "index.html").read_text()
    assert "sha256-" not in built and "livereload" not in built, "build/ never allows the loader"
