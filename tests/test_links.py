"""`check --links`: every external address of the collection asked once, against a web on 127.0.0.1;
dead ones are errors at their line, moved and suspicious ones warnings; answers kept for a day.
Plain `check` and `build` never go online."""

from __future__ import annotations

from werkzeug import Response

from tests.fakeweb import FakeArchive, news_page, web  # noqa: F401


def collection_with_links(site, web) -> dict[str, str]:
    """One piece citing a live page, a dead one (with an archived copy), a gone one, a moved one and a soft 404."""
    web.expect_request("/live").respond_with_data(news_page("Live"), content_type="text/html")
    web.expect_request("/dead").respond_with_data("no", status=404)
    web.expect_request("/gone").respond_with_data("no", status=410)
    web.expect_request("/old").respond_with_response(Response(status=301, headers={"Location": "/live"}))
    web.expect_request("/deleted").respond_with_response(Response(status=302, headers={"Location": "/"}))
    web.expect_request("/").respond_with_data(news_page("Home"), content_type="text/html")
    web.expect_request("/soft").respond_with_data("<title>Page not found | Site</title>", content_type="text/html")
    web.expect_request("/report.pdf").respond_with_data(b"%PDF-1.7", content_type="application/pdf")
    url = {name: web.url_for(f"/{name}") for name in ("live", "dead", "gone", "old", "deleted", "soft", "report.pdf")}
    FakeArchive(web, snapshots={url["dead"]: "20240102030405"})
    site.write("site.yml", (site.root / "site.yml").read_text() + f"archive_service: {web.url_for('/').rstrip('/')}\n")
    site.write("content/articles/piece.md", f"""---
title: A piece
outlet: The Outlet
date: 2015-10-09
source_url: {url['live']}
claims:
  - id: a-claim
    text: Something was said.
    verdict: disputed
    evidence:
      - {url['dead']}
      - {url['report.pdf']}
annotations:
  - quote: Some text
    note: See [the report]({url['old']}).
---

Some text, and [a link]({url['gone']}).

## Editorial notes

Compare <{url['deleted']}> and {url['soft']}.
""")
    return url


def test_dead_moved_and_suspicious_addresses_are_reported_at_their_line(site, run, web):
    url = collection_with_links(site, web)
    offline = run("check", "--site", site.root)
    assert offline.code == 0 and not web.log, "plain check never goes online"
    result = run("check", "--site", site.root, "--links")
    assert result.code == 1
    err = result.err.splitlines()
    assert (f"content/articles/piece.md:11: {url['dead']} is dead: HTTP 404 Not Found (an archived copy exists: "
            f"{web.url_for('/').rstrip('/')}/web/20240102030405/{url['dead']}; link it, or the page's new address) "
            "[SB820]") in err
    assert any(line.startswith(f"content/articles/piece.md:18: {url['gone']} is dead: HTTP 410") and
               "no archived copy is known" in line for line in err)
    assert (f"content/articles/piece.md:15: warning: {url['old']} moved permanently to {url['live']} "
            "(write the new address) [SB821]") in err
    assert any(line.startswith(f"content/articles/piece.md:22: warning: {url['deleted']} answers with the site's home")
               and line.endswith("[SB822]") for line in err)
    assert any(line.startswith(f"content/articles/piece.md:22: warning: {url['soft']} answers 200 with an error page")
               for line in err)
    assert not [line for line in err if line.split(": ")[1].startswith((url["live"], url["report.pdf"]))]
    assert "7 addresses checked, 2 dead, 3 warnings" in result.out


def test_answers_are_kept_for_a_day_so_a_second_run_asks_nothing(site, run, web):
    collection_with_links(site, web)
    first = run("check", "--site", site.root, "--links")
    asked = len(web.log)
    second = run("check", "--site", site.root, "--links")
    assert second.code == first.code == 1 and second.err == first.err
    assert len(web.log) == asked, "every answer came from the cache"


def test_a_collection_whose_links_all_answer_passes(site, run, web):
    web.expect_request("/live").respond_with_data(news_page("Live"), content_type="text/html")
    site.add_article("piece", source_url=web.url_for("/live"))
    result = run("check", "--site", site.root, "--links")
    assert result.code == 0, result.err
    assert "1 addresses checked, 0 dead, 0 warnings" in result.out


def test_build_never_goes_online(site, run, web):
    collection_with_links(site, web)
    assert run("build", "--site", site.root, "-q").code == 0
    assert not web.log
