"""Archived copies of sources: the Internet Archive asked to save each page, or for its latest copy.

The web forgets: outlets delete or rewrite pieces. So `import --archive` and `site-builder archive`
ask the Wayback Machine (`archive_service` in site.yml) for a snapshot: Save Page Now
(`/save/<address>`, which answers with a redirect to, or a Content-Location of, `/web/<timestamp>/
<address>`), and when it cannot (down, slow, refusing, rate-limited), the latest copy it already
holds, from its availability API (`/wayback/available?url=`) and then its CDX index
(`/cdx/search/cdx?url=`). The copy is recorded in the piece's provenance (`archive_url`,
`archived`), rewriting only that block. An archive that fails is reported, never fatal: the piece
stays as it was, and `site-builder archive` can be run again for what is missing.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Iterator
from urllib.parse import quote, urlencode, urljoin

from site_builder import problem_codes as codes
from site_builder.config import SiteConfig
from site_builder.errors import Problem, display_path
from site_builder.ingest import article_file
from site_builder.ingest.fetch import Batch, FetchError, FetchSettings
from site_builder.ingest.importer import provenance_of, write_atomically
from site_builder.reader import split_front_matter

_SNAPSHOT = re.compile(r"/web/(\d{14})[a-z_]*/(.+)$")


@dataclass(frozen=True)
class Archived:
    """What became of one piece: archived (with its copy), already archived, or a warning why not."""

    article: str  # the file, as shown to the editor
    address: str
    snapshot: Snapshot | None = None
    problem: Problem | None = None


def archive_articles(paths: list[Path], config: SiteConfig, settings: FetchSettings, *,
                     again: bool = False) -> Iterator[Archived]:
    """Archive the source of each article that has none recorded (every one with `again`)."""
    with Batch(settings) as batch:
        for path in paths:
            text = path.read_text(encoding="utf-8")
            provenance, shown = provenance_of(text), display_path(path, config.root)
            address = _source_url(text)
            if not provenance or not address or (provenance.get("archive_url") and not again):
                continue
            try:
                snapshot = snapshot_of(batch, config.archive_service, address)
                record(path, snapshot)
            except (ArchiveError, OSError, ValueError) as error:
                yield Archived(shown, address, problem=Problem(
                    shown, 0, f"{address}: no archived copy: {error}", "run site-builder archive again later",
                    severity="warning", code=codes.ARCHIVE_FAILED))
                continue
            yield Archived(shown, address, snapshot)


def _source_url(text: str) -> str:
    from site_builder.yamlsource import load_mapping

    front_matter, _, problems = split_front_matter(text, "")
    value = load_mapping(front_matter, "")[0].values.get("source_url") if not problems else None
    return value if isinstance(value, str) and value.startswith(("http://", "https://")) else ""


class ArchiveError(Exception):
    """No copy could be made or found; the message says what each way answered."""


@dataclass(frozen=True)
class Snapshot:
    url: str
    day: date


def snapshot_of(batch: Batch, service: str, address: str) -> Snapshot:
    """A copy of `address`: a new one if Save Page Now makes it, else the latest the archive holds."""
    reasons = []
    for way in (_save_page_now, _available, _latest_in_index):
        try:
            found = way(batch, service.rstrip("/"), address)
        except (FetchError, ValueError, KeyError, TypeError, IndexError) as error:
            reasons.append(f"{way.__doc__}: {error}")
            continue
        if found is not None:
            return found
        reasons.append(f"{way.__doc__}: none")
    raise ArchiveError("; ".join(reasons))


def latest_copy(batch: Batch, service: str, address: str) -> str:
    """The latest copy the archive already holds (no new one is made), or "" (none, or no answer)."""
    for way in (_available, _latest_in_index):
        try:
            found = way(batch, service.rstrip("/"), address)
        except (FetchError, ValueError, KeyError, TypeError, IndexError):
            continue
        if found is not None:
            return found.url
    return ""


def _save_page_now(batch: Batch, service: str, address: str) -> Snapshot | None:
    """saving it"""
    answer = batch.ask(f"{service}/save/{quote(address, safe=':/?=&%#+,;@')}")
    if answer.status >= 400:
        raise FetchError(f"HTTP {answer.status}", "")
    for header in ("location", "content-location"):
        found = _snapshot_at(urljoin(service + "/", answer.headers.get(header, "")), service)
        if found:
            return found
    memento = re.search(r'<([^>]+)>;\s*rel="[^"]*\bmemento\b', answer.headers.get("link", ""))
    return _snapshot_at(urljoin(service + "/", memento.group(1)), service) if memento else None


def _available(batch: Batch, service: str, address: str) -> Snapshot | None:
    """the latest copy"""
    answer = batch.ask(f"{service}/wayback/available?{urlencode({'url': address})}")
    if answer.status >= 400:
        raise FetchError(f"HTTP {answer.status}", "")
    closest = json.loads(answer.body or b"{}").get("archived_snapshots", {}).get("closest") or {}
    if not closest.get("available") or str(closest.get("status", "200")) != "200":
        return None
    return _snapshot_at(str(closest["url"]), service) or _snapshot(service, str(closest["timestamp"]), address)


def _latest_in_index(batch: Batch, service: str, address: str) -> Snapshot | None:
    """its index"""
    query = urlencode({"url": address, "output": "json", "filter": "statuscode:200", "limit": "-1",
                       "fl": "timestamp,original"})
    answer = batch.ask(f"{service}/cdx/search/cdx?{query}")
    if answer.status >= 400:
        raise FetchError(f"HTTP {answer.status}", "")
    rows = json.loads(answer.body or b"[]")
    if len(rows) < 2:  # the first row names the fields
        return None
    fields = rows[0]
    latest = max(rows[1:], key=lambda row: row[fields.index("timestamp")])
    return _snapshot(service, latest[fields.index("timestamp")], latest[fields.index("original")])


def _snapshot_at(url: str, service: str) -> Snapshot | None:
    found = _SNAPSHOT.search(url)
    return _snapshot(service, found.group(1), found.group(2)) if found else None


def _snapshot(service: str, timestamp: str, address: str) -> Snapshot:
    """The copy's address on the service, and its day (a timestamp is YYYYMMDDhhmmss)."""
    day = date(int(timestamp[:4]), int(timestamp[4:6]), int(timestamp[6:8]))
    return Snapshot(f"{service}/web/{timestamp}/{address}", day)


def recorded_archive(path: Path) -> str:
    """The archive address an article's provenance records, or ""."""
    return str(provenance_of(path.read_text(encoding="utf-8")).get("archive_url") or "")


def record(path: Path, snapshot: Snapshot) -> None:
    """Write the copy into the article's provenance: its two lines replaced or added, every other
    line of the file left byte for byte."""
    text = path.read_text(encoding="utf-8")
    front_matter, body, problems = split_front_matter(text, "")
    if problems or not provenance_of(text):
        raise ValueError("the article has no readable provenance")
    write_atomically(path, f"---\n{_with_archive(front_matter, snapshot)}---\n{body}")


def _with_archive(front_matter: str, snapshot: Snapshot) -> str:
    lines = front_matter.splitlines(keepends=True)
    start = next(i for i, line in enumerate(lines) if re.match(r"provenance\s*:", line))
    end = start + 1
    while end < len(lines) and lines[end][:1] in (" ", "\t"):
        end += 1
    block = [line for line in lines[start + 1:end] if not re.match(r"\s+(archive_url|archived)\s*:", line)]
    indent = re.match(r"\s*", block[0]).group(0) if block else "  "
    added = [f"{indent}archive_url: {snapshot.url}\n", f"{indent}archived: {snapshot.day.isoformat()}\n"]
    return "".join(lines[:start + 1] + block + added + lines[end:])
