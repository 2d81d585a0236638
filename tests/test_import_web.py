"""`site-builder import URL...`: pages fetched from a web on 127.0.0.1 become drafts, kept byte for byte,
and every bad address is one line with its reason and code while the rest of the batch is imported."""

from __future__ import annotations

import hashlib
import os
import re
import signal
import subprocess
import sys
import threading
import time

import pytest
import yaml
from werkzeug import Response

from site_builder import __version__
from site_builder.ingest.fetch import FetchError, FetchSettings, Batch
from tests.conftest import snapshot
from tests.fakeweb import busy_then_page, endless_body, gzip_bomb, news_page, real_page, stall, web  # noqa: F401

FAST = ("--timeout", "1")


def articles_of(site) -> dict[str, tuple[dict, str]]:
    found = {}
    for path in sorted((site.root / "content" / "articles").glob("*.md")):
        _, front, body = path.read_text(encoding="utf-8").split("---\n", 2)
        found[path.name] = (yaml.safe_load(front), body)
    return found


def test_an_address_becomes_a_draft_with_its_page_kept_byte_for_byte_and_where_and_when_it_came_from(site, run, web):
    page = real_page("dw.com.colonial.html")
    web.expect_request("/story").respond_with_data(page, content_type="text/html; charset=utf-8")
    address = web.url_for("/story")
    result = run("import", "--site", site.root, address)
    assert result.code == 0, result.err
    [(name, (meta, body))] = articles_of(site).items()
    assert meta["source_url"] == address and meta["draft"] is True
    assert "Germany" in meta["title"] and "colonial" in body
    provenance = meta["provenance"]
    kept = site.root / provenance["source"]
    assert kept.read_bytes() == page and provenance["sha256"] == hashlib.sha256(page).hexdigest()
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", provenance["fetched"])
    assert "requested_url" not in provenance and "redirects" not in provenance
    assert run("check", "--site", site.root, "--drafts").code == 0


def test_the_request_names_site_builder_and_its_version(site, run, web):
    web.expect_request("/story").respond_with_data(news_page("A report"), content_type="text/html")
    run("import", "--site", site.root, web.url_for("/story"))
    [(request, _)] = web.log
    assert request.headers["User-Agent"].startswith(f"site-builder/{__version__} ")


def test_redirects_are_followed_and_recorded_with_the_address_asked_for(site, run, web):
    web.expect_request("/old").respond_with_response(Response(status=301, headers={"Location": "/older"}))
    web.expect_request("/older").respond_with_response(Response(status=302, headers={"Location": "/new"}))
    web.expect_request("/new").respond_with_data(news_page("Moved report"), content_type="text/html")
    result = run("import", "--site", site.root, web.url_for("/old"))
    assert result.code == 0, result.err
    [(meta, _)] = articles_of(site).values()
    assert meta["source_url"] == web.url_for("/new")
    assert meta["provenance"]["requested_url"] == web.url_for("/old")
    assert meta["provenance"]["redirects"] == [web.url_for("/older"), web.url_for("/new")]


def test_reimporting_an_address_with_the_same_bytes_changes_nothing_and_changed_bytes_only_the_text(site, run, web):
    web.expect_request("/story").respond_with_data(news_page("A report"), content_type="text/html")
    address = web.url_for("/story")
    assert run("import", "--site", site.root, address).code == 0
    [path] = (site.root / "content" / "articles").glob("*.md")
    path.write_text(path.read_text().replace("stance:\n", "stance: mixed\n").replace(
        "## Editorial notes\n", "## Editorial notes\n\nOur own reading.\n"))
    before = snapshot(site.root / "content")
    again = run("import", "--site", site.root, address)
    assert again.code == 0 and "unchanged" in again.out
    assert snapshot(site.root / "content") == before

    web.clear()
    web.expect_request("/story").respond_with_data(news_page("A report", paragraphs=6), content_type="text/html")
    updated = run("import", "--site", site.root, address)
    assert updated.code == 0 and "updated" in updated.out, updated.err
    text = path.read_text()
    assert "stance: mixed" in text and "Our own reading." in text and "Paragraph 5" in text
    assert len(list((site.root / "content" / "sources").iterdir())) == 2


def test_a_changed_page_never_replaces_text_an_editor_changed_without_force(site, run, web):
    web.expect_request("/story").respond_with_data(news_page("A report"), content_type="text/html")
    address = web.url_for("/story")
    run("import", "--site", site.root, address)
    [path] = (site.root / "content" / "articles").glob("*.md")
    path.write_text(path.read_text().replace("Paragraph 0 of the report", "Paragraph 0 of THE report"))
    edited = path.read_bytes()
    web.clear()
    web.expect_request("/story").respond_with_data(news_page("A report", paragraphs=6), content_type="text/html")
    refused = run("import", "--site", site.root, address)
    assert refused.code == 1 and "--force" in refused.err
    assert path.read_bytes() == edited
    assert run("import", "--site", site.root, "--force", address).code == 0
    assert "Paragraph 5" in path.read_text()


BAD = {
    "/missing": (404, "HTTP 404 Not Found", "SB803"),
    "/gone": (410, "HTTP 410 Gone", "SB803"),
    "/broken": (500, "HTTP 500 Internal Server Error", "SB803"),
}


def test_each_bad_address_gets_one_line_with_its_reason_and_code_and_the_rest_is_imported(site, run, web, tmp_path):
    existing = site.add_article("kept", title="Kept piece", body="The editors' piece, untouched.")
    before = existing.read_bytes()
    for path, (status, _, _) in BAD.items():
        web.expect_request(path).respond_with_data("no", status=status)
    web.expect_request("/loop-a").respond_with_response(Response(status=302, headers={"Location": "/loop-b"}))
    web.expect_request("/loop-b").respond_with_response(Response(status=302, headers={"Location": "/loop-a"}))
    web.expect_request("/report.pdf").respond_with_data(b"%PDF-1.7 ...", content_type="application/pdf")
    web.expect_request("/empty").respond_with_data(b"", content_type="text/html")
    web.expect_request("/nothing").respond_with_data("<html><body><nav>Home</nav></body></html>", content_type="text/html")
    web.expect_request("/image").respond_with_data(b"\x89PNG...", content_type="image/png")
    web.expect_request("/good").respond_with_data(news_page("A good report"), content_type="text/html")
    listed = tmp_path / "list.txt"
    addresses = [web.url_for(p) for p in (*BAD, "/loop-a", "/report.pdf", "/empty", "/nothing", "/image", "/good")]
    listed.write_text("# this week's reading\n\n" + "\n".join(addresses) + "\n")
    result = run("import", "--site", site.root, "--from", listed, "file:///etc/passwd", "javascript:alert(1)",
                 "ftp://example.org/x")
    assert result.code == 1
    lines = result.err.splitlines()

    def line_of(address: str) -> str:
        [line] = [line for line in lines if line.startswith(f"{address}: ")]
        return line

    for path, (_, reason, code) in BAD.items():
        assert reason in line_of(web.url_for(path)) and line_of(web.url_for(path)).endswith(f"[{code}]")
    assert "redirect loop" in line_of(web.url_for("/loop-a")) and line_of(web.url_for("/loop-a")).endswith("[SB804]")
    assert "a PDF" in line_of(web.url_for("/report.pdf")) and line_of(web.url_for("/report.pdf")).endswith("[SB806]")
    assert "empty page" in line_of(web.url_for("/empty")) and line_of(web.url_for("/empty")).endswith("[SB807]")
    assert "no article text" in line_of(web.url_for("/nothing"))
    assert "image/png" in line_of(web.url_for("/image"))
    for refused in ("file:///etc/passwd", "javascript:alert(1)", "ftp://example.org/x"):
        assert "not a web address" in line_of(refused) and line_of(refused).endswith("[SB801]")
    assert "Imported 1, updated 0, unchanged 0, failed 11" in result.out
    assert existing.read_bytes() == before
    assert sorted(meta["title"] for meta, _ in articles_of(site).values()) == ["A good report", "Kept piece"]
    assert all(request.path != "/etc/passwd" for request, _ in web.log)


def test_a_stalled_server_times_out_and_an_oversized_page_is_refused_however_compressed(site, run, web):
    web.expect_request("/stall").respond_with_handler(stall(3))
    web.expect_request("/bomb").respond_with_response(gzip_bomb())
    web.expect_request("/endless").respond_with_response(endless_body())
    web.expect_request("/huge").respond_with_data(b"x" * (20 * 1024 * 1024 + 1), content_type="text/html")
    started = time.monotonic()
    result = run("import", "--site", site.root, *FAST, *(web.url_for(p) for p in ("/stall", "/bomb", "/endless", "/huge")))
    assert result.code == 1
    assert time.monotonic() - started < 3, "the stall is cut at the timeout, not waited out"
    assert f"{web.url_for('/stall')}: no answer within 1 s (the server stalled) [SB802]" in result.err
    for path in ("/bomb", "/endless", "/huge"):
        assert f"{web.url_for(path)}: the page is larger than 20 MB" in result.err
    assert result.err.count("[SB805]") == 3
    assert not (site.root / "content" / "sources").exists()


def test_a_busy_server_is_asked_again_after_the_wait_it_names(site, run, web):
    times: list[float] = []
    web.expect_request("/busy").respond_with_handler(busy_then_page(news_page("Finally").encode(), times))
    result = run("import", "--site", site.root, web.url_for("/busy"))
    assert result.code == 0, result.err
    assert len(times) == 2 and times[1] - times[0] >= 0.9


def test_a_server_asking_for_too_long_a_wait_is_reported_not_waited_for(web):
    web.expect_request("/busy").respond_with_data("busy", status=503, headers={"Retry-After": "3600"})
    with Batch(FetchSettings(read_timeout=1)) as batch, pytest.raises(FetchError) as raised:
        batch.fetch(web.url_for("/busy"))
    assert raised.value.code == "SB808" and "3600 s; try again later" in str(raised.value)


def test_the_charset_comes_from_the_header_or_the_page_and_valid_utf8_wins_over_a_wrong_one(site, run, web):
    russian = "Министерство обороны сообщило об ударах"
    web.expect_request("/header").respond_with_data(news_page(russian, charset_meta=None).encode("cp1251"),
                                                    content_type="text/html; charset=windows-1251")
    web.expect_request("/meta").respond_with_data(news_page(russian + " 2", charset_meta="windows-1251").encode("cp1251"),
                                                  content_type="text/html")
    web.expect_request("/wrong").respond_with_data(news_page(russian + " 3").encode("utf-8"),
                                                   content_type="text/html; charset=iso-8859-1")
    result = run("import", "--site", site.root, *(web.url_for(p) for p in ("/header", "/meta", "/wrong")))
    assert result.code == 0, result.err
    titles = sorted(meta["title"] for meta, _ in articles_of(site).values())
    assert titles == [russian, russian + " 2", russian + " 3"]
    assert "declared as iso-8859-1, but it is UTF-8" in result.err
    by_title = {meta["title"]: meta for meta, _ in articles_of(site).values()}
    assert by_title[russian]["provenance"]["charset"] == "windows-1251"


def test_the_same_address_twice_in_a_batch_is_fetched_once(site, run, web):
    web.expect_request("/story").respond_with_data(news_page("A report"), content_type="text/html")
    address = web.url_for("/story")
    assert run("import", "--site", site.root, address, address).code == 0
    assert len(web.log) == 1 and len(articles_of(site)) == 1


def test_import_with_nothing_to_import_says_what_to_give(site, run):
    result = run("import", "--site", site.root)
    assert result.code == 2 and "--from FILE" in result.err


def test_an_import_killed_during_a_fetch_leaves_no_file_behind(site, web):
    """The page's bytes are kept only once they have all arrived: a kill while a server is still
    sending leaves content/ exactly as it was (no source, no article, no temporary file)."""
    site.add_article("kept", title="Kept piece")
    before = snapshot(site.root / "content")
    arrived = threading.Event()
    web.expect_request("/slow").respond_with_handler(stall(5, arrived))
    web.expect_request("/good").respond_with_data(news_page("A report"), content_type="text/html")
    process = subprocess.Popen([sys.executable, "-m", "site_builder", "import", "--site", str(site.root),
                                web.url_for("/good"), web.url_for("/slow")], stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL, start_new_session=True,
                               env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)})
    assert arrived.wait(20), "the slow request was made"
    time.sleep(0.5)  # the other page has had time to arrive and be written, or not: both are fine
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    after = snapshot(site.root / "content")
    assert not [name for name in after if name.endswith(".tmp")]
    assert {name: data for name, data in after.items() if name in before} == before
    new = set(after) - set(before)
    assert not [name for name in new if "slow" in name], "nothing of the page still arriving"
    for name in new:  # the page that had arrived is imported whole, or not at all
        if name.startswith("articles/"):
            provenance = yaml.safe_load(after[name].decode().split("---\n")[1])["provenance"]
            assert hashlib.sha256(after[provenance["source"].removeprefix("content/")]).hexdigest() == provenance["sha256"]
