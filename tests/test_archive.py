"""Archived copies: `import --archive` and `site-builder archive` ask a fake Internet Archive on 127.0.0.1
(answering as web.archive.org does) for a snapshot, record it in the provenance, and the article page
links it beside the source. An archive that fails is reported and never fails the import."""

from __future__ import annotations

import time

import yaml
from werkzeug import Response

from tests.conftest import snapshot
from tests.fakeweb import FakeArchive, news_page, stall, web  # noqa: F401


def use_archive(site, archive: FakeArchive) -> None:
    site.write("site.yml", (site.root / "site.yml").read_text() + f"archive_service: {archive.base}\n")


def provenance_of(path) -> dict:
    return yaml.safe_load(path.read_text().split("---\n")[1])["provenance"]


def serve_story(web, path="/story", title="A report") -> str:
    web.expect_request(path).respond_with_data(news_page(title), content_type="text/html")
    return web.url_for(path)


def test_import_archive_saves_the_page_and_the_article_page_links_the_copy(site, run, web):
    archive = FakeArchive(web)
    use_archive(site, archive)
    address = serve_story(web)
    result = run("import", "--site", site.root, "--archive", address)
    assert result.code == 0, result.err
    assert archive.saved == [address]
    [path] = (site.root / "content" / "articles").glob("*.md")
    provenance = provenance_of(path)
    assert provenance["archive_url"] == f"{archive.base}/web/20261207101112/{address}"
    assert str(provenance["archived"]) == "2026-12-07"
    assert f"archived     {address} -> {provenance['archive_url']}" in result.out
    assert run("build", "--site", site.root, "-q", "--drafts").code == 0, "the recorded fields are valid front matter"
    page = site.page(f"articles/{path.stem}/")
    [link] = page.cssselect("a.archived-copy")
    assert link.get("href") == provenance["archive_url"]
    assert "7 December 2026" in link.getparent().text_content()


def test_when_save_page_now_refuses_the_latest_existing_copy_is_recorded(site, run, web):
    address = serve_story(web)
    archive = FakeArchive(web, save_status=523, snapshots={address: "20240102030405"})
    use_archive(site, archive)
    assert run("import", "--site", site.root, "--archive", address).code == 0
    [path] = (site.root / "content" / "articles").glob("*.md")
    assert provenance_of(path)["archive_url"] == f"{archive.base}/web/20240102030405/{address}"
    assert str(provenance_of(path)["archived"]) == "2024-01-02"


def test_the_index_is_asked_when_the_availability_api_knows_nothing(site, run, web):
    address = serve_story(web)
    archive = FakeArchive(web, save_status=429, snapshots={})
    web.clear()  # the availability API answers "nothing", the CDX index knows one copy
    address = serve_story(web)
    web.expect_request("/save/" + address).respond_with_data("busy", status=429, headers={"Retry-After": "3600"})
    web.expect_request("/wayback/available").respond_with_json({"url": address, "archived_snapshots": {}})
    web.expect_request("/cdx/search/cdx").respond_with_json(
        [["timestamp", "original"], ["20230101000000", address], ["20250506070809", address]])
    use_archive(site, archive)
    assert run("import", "--site", site.root, "--archive", address).code == 0
    [path] = (site.root / "content" / "articles").glob("*.md")
    assert provenance_of(path)["archive_url"] == f"{archive.base}/web/20250506070809/{address}"


def test_an_archive_that_is_down_is_reported_and_the_import_succeeds_and_archive_can_run_again(site, run, web):
    address = serve_story(web)
    web.expect_request("/save/" + address).respond_with_data("down", status=503, headers={"Retry-After": "3600"})
    web.expect_request("/wayback/available").respond_with_data("down", status=503, headers={"Retry-After": "3600"})
    web.expect_request("/cdx/search/cdx").respond_with_data("down", status=503, headers={"Retry-After": "3600"})
    site.write("site.yml", (site.root / "site.yml").read_text() + f"archive_service: {web.url_for('/').rstrip('/')}\n")
    result = run("import", "--site", site.root, "--archive", address)
    assert result.code == 0, "the import itself succeeded"
    [path] = (site.root / "content" / "articles").glob("*.md")
    [warning] = [line for line in result.err.splitlines() if "[SB810]" in line]
    assert warning.startswith(f"{path.relative_to(site.root)}: warning: {address}: no archived copy")
    assert "archive_url" not in provenance_of(path)

    web.clear()
    serve_story(web)
    archive = FakeArchive(web)
    before = path.read_text()
    again = run("archive", "--site", site.root)
    assert again.code == 0, again.err
    assert archive.saved == [address]
    after = path.read_text()
    assert provenance_of(path)["archive_url"].endswith(f"/web/20261207101112/{address}")
    assert [line for line in after.splitlines() if "archive" not in line] == before.splitlines(), "only two lines added"
    unchanged = snapshot(site.root / "content")
    assert run("archive", "--site", site.root).code == 0 and archive.saved == [address], "archived ones are skipped"
    assert snapshot(site.root / "content") == unchanged


def test_a_slow_archive_is_cut_at_the_timeout(site, run, web):
    address = serve_story(web)
    web.expect_request("/save/" + address).respond_with_handler(stall(5))
    web.expect_request("/wayback/available").respond_with_handler(stall(5))
    web.expect_request("/cdx/search/cdx").respond_with_handler(stall(5))
    site.write("site.yml", (site.root / "site.yml").read_text() + f"archive_service: {web.url_for('/').rstrip('/')}\n")
    started = time.monotonic()
    result = run("import", "--site", site.root, "--archive", "--timeout", "0.3", address)
    assert result.code == 0 and "[SB810]" in result.err
    assert time.monotonic() - started < 4.5


def test_a_reimported_page_keeps_its_archived_copy(site, run, web):
    archive = FakeArchive(web)
    use_archive(site, archive)
    address = serve_story(web)
    run("import", "--site", site.root, "--archive", address)
    [path] = (site.root / "content" / "articles").glob("*.md")
    recorded = provenance_of(path)["archive_url"]
    web.clear()
    web.expect_request("/story").respond_with_response(Response(news_page("A report", paragraphs=7),
                                                                content_type="text/html"))
    assert run("import", "--site", site.root, address).code == 0
    assert provenance_of(path)["archive_url"] == recorded and str(provenance_of(path)["archived"]) == "2026-12-07"
    assert run("check", "--site", site.root, "--drafts").code == 0
