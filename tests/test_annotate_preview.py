"""Annotating from the preview: `serve` on 127.0.0.1, an article page, a passage selected, a note
saved into the piece's file as an editor would write it, and the page reloaded with it.

Servers run for real (the `serve` fixture of test_serve.py: a subprocess on a free port). The
HTTP tests post as the page's script does; the browser tests (slow) select, type and click.
"""

from __future__ import annotations

import hashlib
import html
import http.client
import json
import re
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from conftest import Site, article
from test_serve import serve, wait_until  # noqa: F401 (the fixture)
from site_builder.annotate import ENDPOINT, annotator_name, editing_for, passage
from site_builder.annotations import exact_span

REPO = Path(__file__).resolve().parent.parent
BUNDLED = "russia-and-syria-on-the-offensive-against-isis-ground-operations-coordinated"
AXE = REPO / ".tools" / "node_modules" / "axe-core" / "axe.min.js"

# An article file as an editor leaves it: comments, odd spacing and quoting, a folded caveat, an
# annotation written by hand without an id, a list indented its own way, no newline games.
MESSY = """\
---
# Collected by hand, 9 Oct
title:    "Strike on Hama"    # as the page titles it
outlet: 'The Outlet'
date: 2015-10-09
caveats:
  - >-
    A long caveat, folded
    over two lines.
annotations:   # ours
    -   quote: about 20 sorties
        note: The ministry's own figure.   # keep
        kind:   context
tags: [one,   two]
---

Russia’s warplanes made about 20 sorties and hit 12 targets, the ministry said.

The observatory said the fighting went on. The observatory said the fighting went on all night.
"""

# A save rebuilds the bundled collection at low priority: on a loaded machine (the test suite's
# other worker building beside it) that takes far longer than the half second it takes alone.
REBUILT_MS = 90_000


# --- the server side, over HTTP, as the page's script talks to it --------------------------------

class Page:
    """An article page as served, and what its script knows: the secret, the file's SHA-256."""

    def __init__(self, server, slug: str):
        self.server, self.slug = server, slug
        status, _, self.html = server.get(f"/articles/{slug}/")
        assert status == 200
        found = re.search(r'data-annotate="([^"]*)"', self.html)
        assert found, "the page has no annotating script"
        self.settings = json.loads(html.unescape(found.group(1)))

    def post(self, request: dict, origin: str | None = "", token: str | None = None, host: str | None = None,
             content_type: str = "application/json") -> tuple[int, dict]:
        headers = {"Content-Type": content_type, "X-Site-Builder-Token": self.settings["token"] if token is None else token,
                   "Origin": f"http://127.0.0.1:{self.server.port}" if origin == "" else origin,
                   "Host": host or f"127.0.0.1:{self.server.port}"}
        headers = {name: value for name, value in headers.items() if value is not None}
        body = {"slug": self.slug, "sha256": self.settings["sha256"], **request}
        connection = http.client.HTTPConnection("127.0.0.1", self.server.port, timeout=10)
        try:
            connection.request("POST", ENDPOINT, json.dumps(body), headers)
            response = connection.getresponse()
            return response.status, json.loads(response.read() or b"{}")
        finally:
            connection.close()


def wait_for_mark(server, slug: str, annotation_id: str, present: bool = True) -> str:
    def shown():
        status, _, body = server.get(f"/articles/{slug}/")
        return body if status == 200 and (f'data-annotation="{annotation_id}"' in body) == present else None
    return wait_until(shown, f"the page {'with' if present else 'without'} {annotation_id}")


@pytest.fixture
def messy(site) -> Path:
    site.write("site.yml", "title: Annotated\n")
    return site.write("content/articles/strike.md", MESSY)


def test_a_saved_note_adds_only_its_lines_and_the_page_shows_it_highlighted(site, serve, messy):
    server = serve(site, "--annotator", "Jo Student")
    page = Page(server, "strike")
    status, answer = page.post({"action": "add", "exact": "the fighting went on",
                                "start": MESSY.split("---\n\n")[1].index("fighting went on all") - 4,
                                "note": "Which night?\nThe report does not say.", "kind": "question", "tags": "dates, ask"})
    assert status == 200, answer
    served = wait_for_mark(server, "strike", answer["id"])
    assert f'<mark class="annotation-mark annotation-kind-question" data-annotation="{answer["id"]}"' in served
    assert messy.read_text() == MESSY.replace("        kind:   context\n", f"""\
        kind:   context
    -   quote: the fighting went on
        suffix: ' all'
        at: {answer_start(messy)}
        note: |
          Which night?
          The report does not say.
        kind: question
        by: Jo Student
        tags: [dates, ask]
        id: {answer['id']}
        created: {time.strftime('%Y-%m-%d')}
""")


def answer_start(path: Path) -> int:
    """Where the second "the fighting went on" starts in the text as the page shows it."""
    from site_builder.annotations import plain_text
    from site_builder.markup import MarkdownRenderer

    text = plain_text(MarkdownRenderer("/", {}).render(path.read_text().split("---\n\n")[1]).html)
    return text.index("the fighting went on all")


def test_edit_changes_only_the_note_and_delete_gives_the_file_back_byte_for_byte(site, serve, messy):
    server = serve(site)
    page = Page(server, "strike")
    status, answer = page.post({"action": "add", "exact": "12 targets", "start": 40, "note": "Which ones?"})
    assert status == 200, answer
    wait_for_mark(server, "strike", answer["id"])
    added = messy.read_text()

    page = Page(server, "strike")
    status, read = page.post({"action": "read", "id": answer["id"]})
    assert (status, read["note"], read["kind"], read["tags"]) == (200, "Which ones?", "comment", [])
    status, _ = page.post({"action": "edit", "id": answer["id"], "note": "Which twelve?", "kind": "comment", "tags": ""})
    assert status == 200
    wait_until(lambda: "Which twelve?" in server.get("/articles/strike/")[2], "the edited note")
    assert messy.read_text() == added.replace("note: Which ones?", "note: Which twelve?")

    page = Page(server, "strike")
    status, _ = page.post({"action": "delete", "id": answer["id"]})
    assert status == 200
    wait_for_mark(server, "strike", answer["id"], present=False)
    assert messy.read_bytes() == MESSY.encode()


def test_a_note_written_by_hand_without_an_id_is_edited_in_place(site, serve, messy):
    server = serve(site)
    page = Page(server, "strike")
    hand_written = re.search(r'data-annotation="(about-20-sorties-[^"]+)"', page.html).group(1)
    status, _ = page.post({"action": "edit", "id": hand_written, "note": "The ministry's figure, unverified.",
                           "kind": "context", "tags": ""})
    assert status == 200
    assert messy.read_text() == MESSY.replace("note: The ministry's own figure.   # keep",
                                              "note: The ministry's figure, unverified.")


def test_a_file_changed_on_disk_since_the_page_was_made_is_not_written(site, serve, messy):
    server = serve(site)
    page = Page(server, "strike")
    edited_elsewhere = MESSY.replace("all night", "all night long")
    messy.write_text(edited_elsewhere)  # the editor saves in another window; the page is not reloaded
    status, answer = page.post({"action": "add", "exact": "12 targets", "start": 40, "note": "Late."})
    assert status == 409 and "changed on disk" in answer["error"]
    assert messy.read_text() == edited_elsewhere
    assert not list(messy.parent.glob(".*"))  # no temporary file left behind


@pytest.mark.parametrize("headers", [
    {"token": "guessed"},
    {"token": ""},
    {"origin": None},
    {"origin": "null"},
    {"origin": "http://127.0.0.1:1"},  # another port: another origin
    {"origin": "http://evil.example"},
    {"host": "evil.example", "origin": "http://evil.example"},  # a name rebound to 127.0.0.1
], ids=["wrong secret", "no secret", "no origin", "null origin", "another port", "another site", "another host"])
def test_a_request_without_the_secret_or_from_another_origin_gets_403_and_changes_nothing(site, serve, messy, headers):
    server = serve(site)
    page = Page(server, "strike")
    status, _ = page.post({"action": "add", "exact": "12 targets", "start": 40, "note": "Intruder."}, **headers)
    assert status == 403
    assert messy.read_text() == MESSY


def test_the_request_names_a_piece_never_a_path(site, serve, messy):
    server = serve(site)
    page = Page(server, "strike")
    for slug in ("../../site", "strike.md", "/etc/passwd", "nope"):
        status, _ = page.post({"action": "add", "slug": slug, "exact": "12 targets", "start": 40, "note": "x"})
        assert status == 404, slug
    status, _ = page.post({"action": "add", "exact": "12 targets", "start": 40, "note": "x"}, content_type="text/plain")
    assert status == 400
    assert messy.read_text() == MESSY


def test_a_hostile_note_is_sanitised_on_the_page(site, serve, messy):
    server = serve(site)
    page = Page(server, "strike")
    status, answer = page.post({"action": "add", "exact": "12 targets", "start": 40,
                                "note": "<script>alert(1)</script><img src=x onerror=alert(2)> [x](javascript:alert(3))"})
    assert status == 200
    served = wait_for_mark(server, "strike", answer["id"])
    note = served[served.index(f'id="annotation-{answer["id"]}"'):]
    note = note[:note.index("</span></span>")]
    assert "<script" not in note and "onerror" not in note and "javascript:" not in note


def test_build_output_never_holds_the_editing_script(site, serve, messy, run):
    server = serve(site)
    page = Page(server, "strike")
    status, answer = page.post({"action": "add", "exact": "12 targets", "start": 40, "note": "Built later."})
    assert status == 200
    wait_for_mark(server, "strike", answer["id"])
    wait_until(lambda: f'data-annotation="{answer["id"]}"' in (site.build_dir / "articles/strike/index.html").read_text(),
               "the rebuild to write the page")
    assert run("build", "--site", site.root).code == 0
    for path in site.build_dir.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            assert b"__site_builder__" not in data and b"data-annotate" not in data, path
    assert not list(site.build_dir.rglob("annotate.js"))


def test_the_editing_script_is_on_article_pages_only_and_allowed_by_their_policy(site, serve, messy):
    server = serve(site)
    _, _, home = server.get("/")
    assert "__site_builder__" not in home
    page = Page(server, "strike")
    policy = re.search(r'http-equiv="Content-Security-Policy" content="([^"]*)"', page.html).group(1)
    assert "script-src" in policy and "'self'" in policy.split("script-src")[1].split(";")[0]
    assert '<script src="/__site_builder__/annotate.js" defer' in page.html  # same origin: 'self' allows it
    status, _, script = server.get("/__site_builder__/annotate.js")
    assert status == 200 and page.settings["token"] not in script  # the secret is in pages only


# --- the quote written: what a build needs to place it, and no more ----------------------------

TEXT = "He said yes. She said yes. They said no. Then he said yes again, and she said yes."


@pytest.mark.parametrize("occurrence, context", [
    (0, ("He said ", "")),
    (1, ("She said ", "")),
    (2, ("", " again,")),  # "he said yes" twice: the word after tells them apart
    (3, ("she said ", "")),
])
def test_the_quote_gets_the_fewest_words_around_it_that_place_it(occurrence, context):
    start = [match.start() for match in re.finditer("yes", TEXT)][occurrence]
    quote = passage(TEXT, "yes", start + 1)  # the page's count may be off by a little
    assert (quote.exact, (quote.prefix, quote.suffix), quote.start) == ("yes", context, start)
    assert exact_span(TEXT, quote) == (start, start + 3)


def test_a_unique_quote_needs_no_context_and_whitespace_is_as_the_page_shows_it():
    text = "First paragraph ends here.\n\nSecond  paragraph starts."
    quote = passage(text, "ends here.\n Second", 20)
    assert (quote.exact, quote.prefix, quote.suffix, quote.start) == ("ends here. Second", "", "", 16)
    assert exact_span(text, quote) == (16, 34)


def test_editing_is_offered_on_loopback_only_and_signed_with_the_annotators_name(tmp_path, monkeypatch):
    assert editing_for("0.0.0.0", 8000, "") is None and editing_for("192.168.1.5", 8000, "") is None
    assert editing_for("127.0.0.1", 8000, "").hosts >= {"127.0.0.1:8000", "localhost:8000"}
    assert editing_for("127.0.0.1", 8000, "").secret != editing_for("127.0.0.1", 8000, "").secret
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(tmp_path / "none"))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    assert annotator_name("Ann", tmp_path) == "Ann"
    assert annotator_name(None, tmp_path) == ""
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    subprocess.run(["git", "-C", str(tmp_path), "config", "user.name", "Jo Student"], check=True)
    assert annotator_name(None, tmp_path) == "Jo Student"


# --- in the browser (slow) ------------------------------------------------------------------------

def git(root: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(root), "-c", "user.name=Test", "-c", "user.email=test@example.org", *args],
                          capture_output=True, text=True, check=True).stdout


@pytest.fixture
def bundled(tmp_path) -> Site:
    """The bundled collection in a git repository of its own, as an editor's clone of it."""
    site = Site(tmp_path / "site")
    site.root.mkdir()
    shutil.copy(REPO / "site.yml", site.root / "site.yml")
    shutil.copytree(REPO / "content", site.root / "content")
    git(site.root, "init", "-q")
    git(site.root, "add", "-A")
    git(site.root, "commit", "-q", "-m", "the collection")
    return site


def select_words(tab, words: str) -> None:
    """Select `words` in the outlet's text (their first occurrence outside a note)."""
    tab.evaluate("""(words) => {
        const walker = document.createTreeWalker(document.querySelector('.article-text'), NodeFilter.SHOW_TEXT);
        for (let node; (node = walker.nextNode());) {
            const at = node.data.indexOf(words);
            if (at < 0 || node.parentElement.closest('.annotation-note, .voice-label')) continue;
            const range = document.createRange();
            range.setStart(node, at);
            range.setEnd(node, at + words.length);
            getSelection().removeAllRanges();
            getSelection().addRange(range);
            return;
        }
        throw new Error('not in the text: ' + words);
    }""", words)


def added_lines(site: Site) -> list[str]:
    """The lines `git diff` shows added to the piece's file; it must show none removed."""
    diff = git(site.root, "diff", "--unified=0", "--", f"content/articles/{BUNDLED}.md").splitlines()
    assert not [line for line in diff if line.startswith("-") and not line.startswith("---")], diff
    return [line[1:] for line in diff if line.startswith("+") and not line.startswith("+++")]


def test_select_note_save_edit_delete_in_the_browser_and_the_file_comes_back_byte_for_byte(bundled, serve, page):
    from playwright.sync_api import expect

    at = text_of(bundled, BUNDLED).index("Syria's military is rejuvenated")
    server = serve(bundled, "--annotator", "Jo Student")
    refused = []
    page.on("console", lambda message: refused.append(message.text) if "Content Security Policy" in message.text else None)
    page.goto(f"http://127.0.0.1:{server.port}/articles/{BUNDLED}/")
    select_words(page, "Syria's military is rejuvenated")
    page.get_by_role("button", name="Annotate", exact=True).click()
    page.get_by_role("textbox", name="Note").fill("Rejuvenated by whom?\n\nThe piece names **no source**.")
    page.get_by_label("Kind").select_option("question")
    page.get_by_label("Tags").fill("sources")
    started = time.monotonic()
    page.get_by_role("button", name="Save").click()
    mark = page.locator('mark[data-annotation^="syria-s-military-is-rejuvenated"]')
    expect(mark).to_have_text("Syria's military is rejuvenated", timeout=REBUILT_MS)
    print(f"\nfrom Save to the page with the mark: {time.monotonic() - started:.2f} s")
    annotation_id = mark.get_attribute("data-annotation")
    assert added_lines(bundled) == [
        "  - quote: Syria's military is rejuvenated",
        f"    at: {at}",
        "    note: |",
        "      Rejuvenated by whom?",
        "",
        "      The piece names **no source**.",
        "    kind: question",
        "    by: Jo Student",
        "    tags: [sources]",
        f"    id: {annotation_id}",
        f"    created: {time.strftime('%Y-%m-%d')}",
    ]
    expect(page.locator(f"#annotation-{annotation_id} strong")).to_have_text("no source")

    mark.click()
    page.get_by_role("button", name="Edit", exact=True).click()
    expect(page.get_by_role("textbox", name="Note")).to_have_value("Rejuvenated by whom?\n\nThe piece names **no source**.")
    page.get_by_role("textbox", name="Note").fill("According to whom? No source is named.")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(f"#annotation-{annotation_id}")).to_contain_text("No source is named.", timeout=REBUILT_MS)
    assert added_lines(bundled)[2:4] == ["    note: According to whom? No source is named.", "    kind: question"]

    page.once("dialog", lambda dialog: dialog.accept())
    page.locator(f'mark[data-annotation="{annotation_id}"]').click()
    page.get_by_role("button", name="Delete", exact=True).click()
    expect(page.locator(f'mark[data-annotation="{annotation_id}"]')).to_have_count(0, timeout=REBUILT_MS)
    assert git(bundled.root, "status", "--porcelain", "--", "content") == ""  # byte for byte as committed
    assert (bundled.root / f"content/articles/{BUNDLED}.md").read_bytes() == \
        (REPO / f"content/articles/{BUNDLED}.md").read_bytes()
    assert refused == []


def text_of(site: Site, slug: str) -> str:
    """The piece's text as a build anchors annotations in it."""
    from conftest import collection_of
    from site_builder.annotations import plain_text

    return plain_text(next(a for a in collection_of(site.root).articles if a.slug == slug).text_html)


def test_everything_works_by_keyboard_selection_included(bundled, serve, page):
    """"Annotate a passage" lets the caret move in the text: Shift and the arrows select, Enter
    annotates; after the reload the note's "Edit or delete" button has the focus."""
    from playwright.sync_api import expect

    server = serve(bundled)
    page.goto(f"http://127.0.0.1:{server.port}/articles/{BUNDLED}/")
    page.get_by_role("button", name="Annotate a passage").focus()
    page.keyboard.press("Enter")
    for _ in range(3):
        page.keyboard.press("Control+Shift+ArrowRight")  # "Russian air power", the text's first words
    page.keyboard.press("Enter")
    expect(page.get_by_role("dialog", name="Annotate")).to_contain_text("Russian air power")
    page.keyboard.type("Whose air power? Russian and Syrian.")
    page.keyboard.press("Tab")  # the kind
    page.keyboard.press("Tab")  # the tags
    page.keyboard.type("keyboard")
    page.keyboard.press("Enter")  # submits the form
    mark = page.locator('mark[data-annotation^="russian-air-power"]')
    expect(mark.first).to_be_visible(timeout=REBUILT_MS)
    source = (bundled.root / f"content/articles/{BUNDLED}.md").read_text()
    assert "  - quote: Russian air power\n    suffix: ' together'\n    at: 0\n" in source  # the words occur twice
    expect(page.locator(":focus")).to_have_text(re.compile("Edit or delete"))

    page.once("dialog", lambda dialog: dialog.accept())
    page.keyboard.press("Enter")  # the focused "Edit or delete": the menu, on Edit
    page.keyboard.press("Tab")
    expect(page.locator(":focus")).to_have_text("Delete")
    page.keyboard.press("Enter")
    expect(page.locator('mark[data-annotation^="russian-air-power"]')).to_have_count(0, timeout=REBUILT_MS)
    assert git(bundled.root, "status", "--porcelain", "--", "content") == ""


def test_a_page_on_another_port_posting_gets_403_and_nothing_changes(bundled, serve, page, tmp_path):
    """The attack a preview must withstand: any web page open in the same browser may send
    requests to 127.0.0.1. It has no secret, and its Origin is its own."""
    from webserver import serve as serve_folder

    server = serve(bundled)
    target = f"http://127.0.0.1:{server.port}{ENDPOINT}"
    request = json.dumps({"action": "add", "slug": BUNDLED, "sha256": "0" * 64, "exact": "Russian air power",
                          "start": 0, "note": "Planted.", "token": "guessed"})
    (tmp_path / "attack").mkdir()
    (tmp_path / "attack" / "index.html").write_text("<!doctype html><title>Elsewhere</title><p>A page elsewhere.")
    before = (bundled.root / f"content/articles/{BUNDLED}.md").read_bytes()
    with serve_folder(tmp_path / "attack") as elsewhere:
        assert str(server.port) not in elsewhere  # another origin: another port on the same machine
        page.goto(elsewhere)
        with page.expect_response(target) as response:  # a "simple" request: sent without asking first
            page.evaluate("""([url, body]) => fetch(url, {method: 'POST', mode: 'no-cors', body,
                                                          headers: {'Content-Type': 'text/plain'}})""", [target, request])
        assert response.value.status == 403
        # With the token header or as JSON, the browser asks first (a preflight), is not let through,
        # and sends no POST at all.
        failed = page.evaluate("""([url, body]) => fetch(url, {method: 'POST', body, headers: {
                                      'Content-Type': 'application/json', 'X-Site-Builder-Token': 'guessed'}})
                                  .then(() => false, () => true)""", [target, request])
        assert failed
    assert (bundled.root / f"content/articles/{BUNDLED}.md").read_bytes() == before


def test_a_hostile_note_runs_no_script_in_the_preview(site, serve, messy, page):
    from playwright.sync_api import expect

    server = serve(site)
    page.goto(f"http://127.0.0.1:{server.port}/articles/strike/")
    alerts = []
    page.on("dialog", lambda dialog: (alerts.append(dialog.message), dialog.dismiss()))
    select_words(page, "12 targets")
    page.get_by_role("button", name="Annotate", exact=True).click()
    page.get_by_role("textbox", name="Note").fill(
        '<script>alert("script")</script><img src=x onerror="alert(\'img\')"> [link](javascript:alert("link")) '
        '<svg onload="alert(\'svg\')"></svg> plain words')
    page.get_by_role("button", name="Save").click()
    note = page.locator(".annotation-note", has_text="plain words")
    expect(note).to_be_visible(timeout=REBUILT_MS)
    assert note.locator("script, img[onerror], svg, a[href^='javascript']").count() == 0
    page.reload()
    expect(note).to_be_visible()
    assert alerts == []


@pytest.mark.parametrize("state", ["as loaded", "selecting by keyboard", "the form open", "the menu open"])
def test_the_editing_controls_pass_axe(bundled, serve, browser, state):
    if not AXE.exists():
        pytest.skip(f"{AXE} is missing (make quality-tools): axe NOT RUN")
    server = serve(bundled)
    context = browser.new_context(bypass_csp=True, viewport={"width": 1280, "height": 900})  # to inject axe
    tab = context.new_page()
    tab.goto(f"http://127.0.0.1:{server.port}/articles/{BUNDLED}/")
    tab.wait_for_selector(".annotate-bar")
    if state == "selecting by keyboard":
        tab.get_by_role("button", name="Annotate a passage").click()
    elif state == "the form open":
        select_words(tab, "Syria's military is rejuvenated")
        tab.get_by_role("button", name="Annotate", exact=True).click()
    elif state == "the menu open":
        tab.locator("mark.annotation-mark").first.click()
        tab.get_by_role("button", name="Edit", exact=True).wait_for()
    tab.add_script_tag(path=str(AXE))
    violations = tab.evaluate("""async () => (await axe.run(document, {resultTypes: ['violations']}))
        .violations.map(v => v.id + ': ' + v.nodes.map(n => n.target.join(' ')).join(', '))""")
    context.close()
    assert violations == []
