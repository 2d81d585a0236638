"""Fetch pages from the web for `import URL` and `check --links`: politely, within limits, never trusting the server.

httpx does the HTTP; this module decides what a well-behaved reader of news sites does with it.
Redirects are followed here, not by httpx, so each one is checked (only http/https, no loop, at most
`MAX_REDIRECTS`) and recorded. The body is decompressed here too, from the raw stream with a cap on
each step, so a small gzip body that would expand to gigabytes is refused after 20 MB of output,
not after filling memory. A server that says "too many requests" (429) or "unavailable" (503) is
asked again after the wait it names (`Retry-After`), or a growing one, a few times at most. Nothing
here writes a file: the caller keeps the bytes only once the whole page has arrived.
"""

from __future__ import annotations

import email.utils
import threading
import time
import zlib
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Iterator
from urllib.parse import urljoin, urlsplit

import httpx

from site_builder import __version__
from site_builder import problem_codes as codes

MAX_BYTES = 20 * 1024 * 1024  # a news page is well under 5 MB; anything larger is not one
MAX_REDIRECTS = 5
USER_AGENT = f"site-builder/{__version__} (+https://pypi.org/project/site-builder/; an editor's reading collection)"
HTML_TYPES = ("text/html", "application/xhtml+xml")
REDIRECTS = (301, 302, 303, 307, 308)
PERMANENT = (301, 308)
BUSY = (429, 503)
_CHUNK = 64 * 1024


class FetchError(Exception):
    """An address that gave no page; the message is the reason shown to the editor, `code` its kind."""

    def __init__(self, message: str, code: str, status: int = 0):
        super().__init__(message)
        self.code = code
        self.status = status


@dataclass(frozen=True)
class FetchSettings:
    """How patient and how polite to be. The defaults suit real news sites; tests shorten the waits."""

    connect_timeout: float = 10.0
    read_timeout: float = 20.0  # between two pieces of the answer; the whole answer gets 3 times this
    max_bytes: int = MAX_BYTES
    max_redirects: int = MAX_REDIRECTS
    retries: int = 3  # further attempts after a 429 or 503
    backoff: float = 2.0  # seconds before the first retry when the server names no wait; doubled each time
    max_wait: float = 60.0  # a server asking to wait longer than this is reported, not waited for
    concurrency: int = 4  # requests at a time overall; one at a time per host, always

    @property
    def timeout(self) -> httpx.Timeout:
        return httpx.Timeout(self.read_timeout, connect=self.connect_timeout)


@dataclass(frozen=True)
class Fetched:
    """A page as received: the bytes after decompression, and where and when they came from."""

    requested_url: str
    url: str  # after redirects
    status: int
    content_type: str  # the media type alone, lower case (`text/html`)
    charset: str  # as the Content-Type header declares it, or ""
    body: bytes
    fetched_at: datetime
    redirects: tuple[tuple[int, str], ...] = ()  # (status, address it pointed to), in order

    @property
    def permanently_moved(self) -> bool:
        return bool(self.redirects) and all(status in PERMANENT for status, _ in self.redirects)


def refuse_non_web(url: str) -> None:
    """Raise FetchError for anything but an http(s) address with a host, before any request is made:
    `file:` would read this computer's files, `javascript:` and `ftp:` are not pages."""
    parts = urlsplit(url.strip())
    if parts.scheme.lower() not in ("http", "https"):
        scheme = f"`{parts.scheme}:` " if parts.scheme else ""
        raise FetchError(f"not a web address: {scheme}addresses are not fetched (only http:// and https://)",
                         codes.NOT_A_WEB_PAGE_ADDRESS)
    if not parts.hostname:
        raise FetchError("not a web address: it names no host", codes.NOT_A_WEB_PAGE_ADDRESS)


def new_client(settings: FetchSettings) -> httpx.Client:
    """One client for a batch: its connections are reused for pages of the same site."""
    headers = {"User-Agent": USER_AGENT, "Accept": "text/html,application/xhtml+xml;q=0.9,*/*;q=0.5",
               "Accept-Encoding": "gzip, deflate"}  # only what _Decompressor can cap
    limits = httpx.Limits(max_connections=settings.concurrency * 2, max_keepalive_connections=settings.concurrency)
    return httpx.Client(headers=headers, timeout=settings.timeout, follow_redirects=False, limits=limits)


class HostGate:
    """One request at a time per host, across the threads of a batch (a site is never hit in parallel)."""

    def __init__(self) -> None:
        self._locks: dict[str, threading.Lock] = {}
        self._guard = threading.Lock()

    @contextmanager
    def turn(self, url: str) -> Iterator[None]:
        host = (urlsplit(url).hostname or "").lower()
        with self._guard:
            lock = self._locks.setdefault(host, threading.Lock())
        with lock:
            yield


def fetch(client: httpx.Client, url: str, settings: FetchSettings, gate: HostGate | None = None,
          method: str = "GET") -> Fetched:
    """The page at `url` after its redirects, or FetchError saying why there is none.

    A 4xx or 5xx answer is an error (`status` says which); `method="HEAD"` reads no body."""
    refuse_non_web(url)
    gate = gate or HostGate()
    redirects: list[tuple[int, str]] = []
    seen = {url}
    current = url
    while True:
        with gate.turn(current):
            answer = ask(client, current, settings, method)
        location = answer.headers.get("location", "")
        if answer.status in REDIRECTS and location:
            current = _next_address(current, location, seen, redirects, answer.status, settings)
            continue
        if answer.status >= 400:
            raise FetchError(_http_reason(answer.status), codes.ADDRESS_HTTP_ERROR, answer.status)
        content_type, charset = _content_type(answer.headers.get("content-type", ""))
        return Fetched(url, current, answer.status, content_type, charset, answer.body,
                       datetime.now(timezone.utc).replace(microsecond=0), tuple(redirects))


def _next_address(current: str, location: str, seen: set[str], redirects: list, status: int,
                  settings: FetchSettings) -> str:
    target = urljoin(current, location.strip())
    redirects.append((status, target))
    if urlsplit(target).scheme.lower() not in ("http", "https"):
        raise FetchError(f"redirected to `{target}`, which is not a web address", codes.TOO_MANY_REDIRECTS)
    if target in seen:
        raise FetchError(f"redirect loop: {' -> '.join(address for _, address in redirects)}", codes.TOO_MANY_REDIRECTS)
    if len(redirects) > settings.max_redirects:
        raise FetchError(f"more than {settings.max_redirects} redirects (last to {target})", codes.TOO_MANY_REDIRECTS)
    seen.add(target)
    return target


@dataclass(frozen=True)
class Answer:
    """One answer, not followed: its status, headers and (for a success) body."""

    status: int
    headers: httpx.Headers
    body: bytes


def ask(client: httpx.Client, url: str, settings: FetchSettings, method: str = "GET") -> Answer:
    """One request (no redirect followed), asked again after the server's wait when it is busy (429, 503)."""
    for attempt in range(settings.retries + 1):
        answer = _request(client, method, url, settings)
        if answer.status not in BUSY or attempt == settings.retries:
            if answer.status in BUSY:
                raise FetchError(f"{_http_reason(answer.status)}, asked {attempt + 1} times; try again later",
                                 codes.SERVER_BUSY, answer.status)
            return answer
        retry_after = _retry_after(answer.headers.get("retry-after", ""))
        wait = retry_after if retry_after is not None else settings.backoff * 2 ** attempt
        if wait > settings.max_wait:
            raise FetchError(f"{_http_reason(answer.status)}: the server asks to wait {wait:.0f} s; try again later",
                             codes.SERVER_BUSY, answer.status)
        time.sleep(wait)
    raise AssertionError("unreachable")


def _request(client: httpx.Client, method: str, url: str, settings: FetchSettings) -> Answer:
    try:
        with client.stream(method, url) as response:
            read_body = method != "HEAD" and response.status_code < 300
            return Answer(response.status_code, response.headers, _read_body(response, settings) if read_body else b"")
    except httpx.TimeoutException:
        raise FetchError(f"no answer within {settings.read_timeout:g} s (the server stalled)", codes.ADDRESS_UNREACHABLE) from None
    except httpx.TooManyRedirects:  # not raised with follow_redirects=False; kept for safety
        raise FetchError("too many redirects", codes.TOO_MANY_REDIRECTS) from None
    except httpx.HTTPError as error:
        raise FetchError(f"cannot connect: {_short(error)}", codes.ADDRESS_UNREACHABLE) from None


def _read_body(response: httpx.Response, settings: FetchSettings) -> bytes:
    """The decompressed body, refused as soon as it passes the limit (counted after decompression)."""
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > settings.max_bytes:
        raise FetchError(_too_large_limit(settings.max_bytes), codes.PAGE_TOO_LARGE)
    decompressor = _Decompressor(response.headers.get("content-encoding", ""), settings.max_bytes)
    deadline = time.monotonic() + 3 * settings.read_timeout
    for raw in response.iter_raw(_CHUNK):
        decompressor.feed(raw)
        if time.monotonic() > deadline:
            raise FetchError(f"the page took over {3 * settings.read_timeout:g} s to arrive (the server stalled)",
                             codes.ADDRESS_UNREACHABLE)
    return decompressor.finish()


class _Decompressor:
    """gzip or deflate undone step by step, each step capped, so output never passes `limit`."""

    def __init__(self, encoding: str, limit: int):
        encodings = [e.strip().lower() for e in encoding.split(",") if e.strip() and e.strip().lower() != "identity"]
        if len(encodings) > 1 or (encodings and encodings[0] not in ("gzip", "x-gzip", "deflate")):
            raise FetchError(f"the server sent the page compressed as `{encoding}`, which was not asked for",
                             codes.NOT_A_WEB_PAGE)
        wbits = {"deflate": zlib.MAX_WBITS}.get(encodings[0], 16 + zlib.MAX_WBITS) if encodings else None
        self._zlib = zlib.decompressobj(wbits) if wbits else None
        self._limit = limit
        self._parts: list[bytes] = []
        self._size = 0

    def feed(self, raw: bytes) -> None:
        if self._zlib is None:
            self._keep(raw)
            return
        try:
            data = raw
            while data:
                self._keep(self._zlib.decompress(data, self._limit - self._size + 1))
                data = self._zlib.unconsumed_tail
        except zlib.error:
            raise FetchError("the page's compressed data is corrupt", codes.NOT_A_WEB_PAGE) from None

    def finish(self) -> bytes:
        if self._zlib is not None:
            self._keep(self._zlib.flush())
        return b"".join(self._parts)

    def _keep(self, data: bytes) -> None:
        self._size += len(data)
        if self._size > self._limit:
            raise FetchError(_too_large_limit(self._limit), codes.PAGE_TOO_LARGE)
        self._parts.append(data)


def _too_large_limit(limit: int) -> str:
    return f"the page is larger than {limit / 1024 / 1024:g} MB (however compressed), so not a news page; not kept"


def _content_type(header: str) -> tuple[str, str]:
    media_type, _, parameters = header.partition(";")
    charset = ""
    for parameter in parameters.split(";"):
        name, _, value = parameter.partition("=")
        if name.strip().lower() == "charset":
            charset = value.strip().strip("\"'").lower()
    return media_type.strip().lower(), charset


def _retry_after(header: str) -> float | None:
    """Retry-After as seconds: a number, or an HTTP date (RFC 9110); None when absent or unreadable."""
    header = header.strip()
    if not header:
        return None
    if header.isdigit():
        return float(header)
    try:
        when = email.utils.parsedate_to_datetime(header)
    except (TypeError, ValueError):
        return None
    return max(0.0, (when - datetime.now(timezone.utc)).total_seconds())


_REASONS = {400: "Bad Request", 401: "Unauthorized (a login is needed)", 403: "Forbidden (the site refuses readers "
            "like this one)", 404: "Not Found", 410: "Gone (removed for good)", 429: "Too Many Requests",
            451: "Unavailable For Legal Reasons", 500: "Internal Server Error", 502: "Bad Gateway",
            503: "Service Unavailable", 504: "Gateway Timeout"}


def _http_reason(status: int) -> str:
    return f"HTTP {status} {_REASONS.get(status, 'error')}"


def _short(error: Exception) -> str:
    text = str(error) or type(error).__name__
    return text.splitlines()[0][:200]


@dataclass
class Batch:
    """What a batch of fetches shares: one client, the per-host gate and the settings."""

    settings: FetchSettings = field(default_factory=FetchSettings)
    client: httpx.Client | None = None
    gate: HostGate = field(default_factory=HostGate)

    def __enter__(self) -> "Batch":
        self.client = new_client(self.settings)
        return self

    def __exit__(self, *exc_info) -> None:
        if self.client is not None:
            self.client.close()

    def fetch(self, url: str, method: str = "GET") -> Fetched:
        assert self.client is not None, "use the batch as a context manager"
        return fetch(self.client, url, self.settings, self.gate, method)

    def ask(self, url: str, method: str = "GET") -> Answer:
        """One request, its redirect not followed (an archive's answer is in where it points)."""
        assert self.client is not None, "use the batch as a context manager"
        refuse_non_web(url)
        with self.gate.turn(url):
            return ask(self.client, url, self.settings, method)
