"""`check --links`: is every external address of the collection still there?

Only this command goes online (`check` and `build` never do). Addresses are found line by line in
the content files (front matter, texts, notes, annotations, outlet and event profiles; not the
provenance block, which records history, nor the originals), so each report points at `path:line`.
Each address is asked once, a few at a time and one at a time per host (ingest/fetch.py), and its
answer is kept for a day in `.site-builder-cache/links.json`, so a second run is instant and
polite. An address is dead (4xx, 5xx, unreachable: an error), moved (a permanent redirect: a
warning) or suspicious (a 200 that is the site's home or an error page, a "soft 404": a warning);
for a dead or suspicious one, the message says whether the Internet Archive holds a copy.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import asdict, dataclass
from pathlib import Path
from urllib.parse import urlsplit

from site_builder import problem_codes as codes
from site_builder.config import SiteConfig
from site_builder.errors import Problem, display_path
from site_builder.ingest.fetch import HTML_TYPES, Batch, FetchError, FetchSettings
from site_builder.progress import Progress
from site_builder.state import CACHE_DIR

CACHE_NAME = "links.json"
CACHE_SECONDS = 24 * 3600
CHECK_BYTES = 2 * 1024 * 1024  # enough of a page to read its title; larger answers are alive
_ADDRESS = re.compile(r"""https?://[^\s<>"'`\]\[(){}|\\^]+""")
_TRAILING = ".,;:!?*_~"
_ERROR_TITLE = re.compile(r"\b(404|not found|page not found|no longer available|does not exist|nicht gefunden|"
                          r"introuvable|no encontrada|non trovata)\b", re.IGNORECASE)
_TITLE = re.compile(rb"<title[^>]*>(.*?)</title>", re.IGNORECASE | re.DOTALL)


@dataclass(frozen=True)
class Verdict:
    """What an address answered: `alive`, `dead`, `busy`, `moved` or `suspicious`, and the details."""

    state: str
    detail: str = ""  # the reason, for dead, busy and suspicious
    moved_to: str = ""
    archived: str = ""  # an archived copy's address, when one was looked for and found
    checked: float = 0.0


@dataclass(frozen=True)
class Mention:
    path: str
    line: int
    address: str


def mentions(config: SiteConfig) -> list[Mention]:
    """Every external address in the content files, at its line (provenance and originals left out)."""
    found = []
    for path in sorted(_content_files(config)):
        shown = display_path(path, config.root)
        in_provenance = False
        for number, line in enumerate(path.read_text(encoding="utf-8", errors="replace").splitlines(), 1):
            if re.match(r"provenance\s*:", line):
                in_provenance = True
                continue
            if in_provenance and line[:1] in (" ", "\t"):
                continue
            in_provenance = False
            found += [Mention(shown, number, match.group(0).rstrip(_TRAILING)) for match in _ADDRESS.finditer(line)]
    return found


def _content_files(config: SiteConfig):
    for parent, folders, names in os.walk(config.content_dir):
        folders[:] = [f for f in folders if not f.startswith(".") and Path(parent, f) != config.content_dir / "sources"]
        yield from (Path(parent, name) for name in names if name.endswith((".md", ".yml", ".yaml"))
                    and not name.startswith("."))


def check_links(config: SiteConfig, settings: FetchSettings, progress: bool = True,
                now: float | None = None) -> list[Problem]:
    """A problem for each mention of a dead, moved or suspicious address."""
    found = mentions(config)
    now = time.time() if now is None else now
    cache = _load_cache(config, now)
    asked = sorted({mention.address for mention in found} - set(cache))
    settings = FetchSettings(**{**asdict(settings), "max_bytes": min(settings.max_bytes, CHECK_BYTES)})
    with Batch(settings) as batch, ThreadPoolExecutor(settings.concurrency) as pool, \
            Progress("Checking links", progress, total=len(asked)) as bar:
        futures = {pool.submit(_verdict, batch, config, address, now): address for address in asked}
        for future in as_completed(futures):
            cache[futures[future]] = future.result()
            bar.tick(1)
    _save_cache(config, cache)
    return [problem for mention in found if (problem := _problem(mention, cache[mention.address]))]


def _verdict(batch: Batch, config: SiteConfig, address: str, now: float) -> Verdict:
    try:
        fetched = batch.fetch(address)
    except FetchError as error:
        if error.code in (codes.PAGE_TOO_LARGE, codes.NOT_A_WEB_PAGE):
            return Verdict("alive", checked=now)  # a large file or an odd encoding: it is there
        if error.code == codes.SERVER_BUSY:
            return Verdict("busy", str(error), checked=now)
        return Verdict("dead", str(error), archived=_archived(batch, config, address), checked=now)
    soft = _soft_404(address, fetched.url, fetched.body if fetched.content_type in HTML_TYPES else b"")
    if soft:
        return Verdict("suspicious", soft, archived=_archived(batch, config, address), checked=now)
    if fetched.redirects and fetched.redirects[0][0] in (301, 308):
        return Verdict("moved", moved_to=fetched.url, checked=now)
    return Verdict("alive", checked=now)


def _soft_404(asked: str, final: str, body: bytes) -> str:
    """Why a 200 answer is probably not the page: the site's home instead of a deeper address, or a
    page whose title says it is not found; "" when it looks like the page."""
    if urlsplit(asked).path.strip("/") and not urlsplit(final).path.strip("/") and asked != final:
        return f"answers with the site's home page ({final}), not the piece: it may have been removed"
    title = _TITLE.search(body[:200_000])
    text = " ".join(title.group(1).decode("utf-8", "replace").split()) if title else ""
    if text and _ERROR_TITLE.search(text):
        return f"answers 200 with an error page (titled `{text[:80]}`): it may have been removed"
    return ""


def _archived(batch: Batch, config: SiteConfig, address: str) -> str:
    """The archive's latest copy of `address`, or "" (none, or the archive did not answer)."""
    from site_builder.ingest.archive import latest_copy

    return latest_copy(batch, config.archive_service, address)


def _problem(mention: Mention, verdict: Verdict) -> Problem | None:
    archived = f"an archived copy exists: {verdict.archived}" if verdict.archived else "no archived copy is known"
    if verdict.state == "dead":
        return Problem(mention.path, mention.line, f"{mention.address} is dead: {verdict.detail}",
                       f"{archived}; link it, or the page's new address", code=codes.LINK_DEAD)
    if verdict.state == "busy":
        return Problem(mention.path, mention.line, f"{mention.address} could not be checked: {verdict.detail}",
                       "run check --links again later", severity="warning", code=codes.LINK_DEAD)
    if verdict.state == "moved":
        return Problem(mention.path, mention.line, f"{mention.address} moved permanently to {verdict.moved_to}",
                       "write the new address", severity="warning", code=codes.LINK_MOVED)
    if verdict.state == "suspicious":
        return Problem(mention.path, mention.line, f"{mention.address} {verdict.detail}", archived,
                       severity="warning", code=codes.LINK_SUSPICIOUS)
    return None


def _cache_path(config: SiteConfig) -> Path:
    return config.root / CACHE_DIR / CACHE_NAME


def _load_cache(config: SiteConfig, now: float) -> dict[str, Verdict]:
    """Answers younger than a day; an unreadable cache is no cache."""
    try:
        stored = json.loads(_cache_path(config).read_text(encoding="utf-8"))
        verdicts = {address: Verdict(**fields) for address, fields in stored.items()}
    except (OSError, ValueError, TypeError, AttributeError):
        return {}
    return {address: verdict for address, verdict in verdicts.items() if 0 <= now - verdict.checked < CACHE_SECONDS}


def _save_cache(config: SiteConfig, cache: dict[str, Verdict]) -> None:
    path = _cache_path(config)
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor, temporary = tempfile.mkstemp(prefix=".links.", dir=path.parent)
    with os.fdopen(descriptor, "w", encoding="utf-8") as file:
        json.dump({address: asdict(verdict) for address, verdict in sorted(cache.items())}, file)
    os.replace(temporary, path)
