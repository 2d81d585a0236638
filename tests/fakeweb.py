"""A small web on 127.0.0.1 for the import, archive and link tests: news pages, broken servers and
a fake Internet Archive answering as web.archive.org does (Save Page Now, the availability API, CDX)."""

from __future__ import annotations

import gzip
import json
import re
import threading
import time
from pathlib import Path
from urllib.parse import unquote

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

REAL_PAGES = Path(__file__).parent / "fixtures" / "real-pages"
LIMIT = 20 * 1024 * 1024


def real_page(name: str) -> bytes:
    return (REAL_PAGES / name).read_bytes()


def news_page(title: str, paragraphs: int = 4, charset_meta: str | None = "utf-8", body_extra: str = "") -> str:
    """A plain news page with a headline, a byline and enough text to be an article."""
    meta = f'<meta charset="{charset_meta}">' if charset_meta else ""
    text = "".join(f"<p>Paragraph {n} of the report says what the ministry announced on the day, and what "
                   f"observers on the ground saw afterwards, in some detail.</p>" for n in range(paragraphs))
    return (f"<!DOCTYPE html><html lang=en><head>{meta}<title>{title}</title></head><body>"
            f"<article><h1>{title}</h1><p class=byline>By Jane Roe</p>{body_extra}{text}</article></body></html>")


@pytest.fixture
def web():
    """A threaded server (a stalling answer never holds up the others), stopped after the test."""
    server = HTTPServer(host="127.0.0.1", port=0, threaded=True)
    server.start()
    yield server
    server.clear()
    if server.is_running():
        server.stop()


def stall(seconds: float, started: threading.Event | None = None):
    """An answer that takes `seconds` to start; `started` is set when the request has arrived."""
    def handler(request: Request) -> Response:
        if started is not None:
            started.set()
        time.sleep(seconds)
        return Response(news_page("Too late"), content_type="text/html")
    return handler


def busy_then_page(page: bytes, times: list[float], retry_after: str = "1"):
    """429 with Retry-After on the first request, the page afterwards; `times` records each request."""
    def handler(request: Request) -> Response:
        times.append(time.monotonic())
        if len(times) == 1:
            return Response("busy", status=429, headers={"Retry-After": retry_after})
        return Response(page, content_type="text/html; charset=utf-8")
    return handler


def gzip_bomb() -> Response:
    """A few tens of kilobytes on the wire that expand to more than the limit."""
    body = gzip.compress(b" " * (LIMIT + 1024 * 1024), compresslevel=9)
    return Response(body, content_type="text/html", headers={"Content-Encoding": "gzip"})


def endless_body() -> Response:
    """Over the limit, sent in chunks with no Content-Length (so only counting can stop it)."""
    def chunks():
        chunk = b"<p>" + b"x" * 65530 + b"</p>"
        for _ in range(LIMIT // len(chunk) + 10):
            yield chunk
    return Response(chunks(), content_type="text/html")


class FakeArchive:
    """web.archive.org's answers, in the shapes its documentation gives:
    GET /save/<address> -> 302 to /web/<14-digit timestamp>/<address> (Save Page Now);
    /wayback/available?url= -> {"url", "archived_snapshots": {"closest": {"available", "url", "timestamp", "status"}}};
    /cdx/search/cdx?url=&output=json -> [[field names], [row], ...]."""

    def __init__(self, server: HTTPServer, save_status: int = 302, snapshots: dict[str, str] | None = None):
        self.server = server
        self.save_status = save_status
        self.snapshots = dict(snapshots or {})  # address -> timestamp already held
        self.saved: list[str] = []
        server.expect_request(re.compile(r"^/save/.*")).respond_with_handler(self._save)
        server.expect_request("/wayback/available").respond_with_handler(self._available)
        server.expect_request("/cdx/search/cdx").respond_with_handler(self._cdx)

    @property
    def base(self) -> str:
        return self.server.url_for("/").rstrip("/")

    def _save(self, request: Request) -> Response:
        address = unquote(request.full_path.split("/save/", 1)[1]).rstrip("?")
        if self.save_status != 302:
            return Response("<html><body>Sorry</body></html>", status=self.save_status, content_type="text/html")
        self.saved.append(address)
        self.snapshots[address] = "20261207101112"
        return Response("", status=302, headers={"Location": f"/web/20261207101112/{address}"})

    def _available(self, request: Request) -> Response:
        address = request.args.get("url", "")
        timestamp = self.snapshots.get(address)
        closest = {"closest": {"status": "200", "available": True, "url": f"{self.base}/web/{timestamp}/{address}",
                               "timestamp": timestamp}} if timestamp else {}
        return Response(json.dumps({"url": address, "archived_snapshots": closest}), content_type="application/json")

    def _cdx(self, request: Request) -> Response:
        address = request.args.get("url", "")
        timestamp = self.snapshots.get(address)
        rows = [["urlkey", "timestamp", "original", "mimetype", "statuscode", "digest", "length"]]
        if timestamp:
            rows.append(["key", timestamp, address, "text/html", "200", "DIGEST", "1234"])
        return Response(json.dumps(rows if timestamp else []), content_type="application/json")
