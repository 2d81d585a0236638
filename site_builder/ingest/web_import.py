"""`site-builder import URL...`: pages fetched from the web become draft articles, as saved pages do.

Addresses are checked first (only http/https, before any request), then fetched a few at a time
on threads (one at a time per host: fetch.HostGate), and each page, as soon as it has arrived
whole, goes through the same extraction and the same re-import rules as a saved `.html` file
(importer.extract, importer.apply). A bad address is one failed outcome with its reason and
code; the rest of the batch goes on.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor, as_completed
from datetime import date
from pathlib import Path
from typing import Iterator

from site_builder.config import SiteConfig
from site_builder.ingest.decode import Unreadable
from site_builder.ingest.fetch import Batch, FetchError, FetchSettings, refuse_non_web
from site_builder.ingest.importer import Outcome, Raw, apply, extract, known_articles


def read_address_list(path: Path) -> list[str]:
    """One address a line; blank lines and `#` comments (whole lines or after an address) ignored."""
    addresses = []
    for line in path.read_text(encoding="utf-8-sig").splitlines():
        address = line.split(" #", 1)[0].strip() if not line.lstrip().startswith("#") else ""
        if address:
            addresses.append(address)
    return addresses


def import_addresses(addresses: list[str], config: SiteConfig, settings: FetchSettings, *, dry_run: bool = False,
                     force: bool = False, today: date | None = None) -> Iterator[Outcome]:
    """Fetch and import each address (each once), yielding outcomes as pages arrive."""
    wanted: list[str] = []
    for address in dict.fromkeys(addresses):
        try:
            refuse_non_web(address)
            wanted.append(address)
        except FetchError as error:
            yield Outcome(address, "failed", message=str(error), code=error.code)
    if not wanted:
        return
    known = known_articles(config)
    with Batch(settings) as batch, ThreadPoolExecutor(max_workers=settings.concurrency) as pool:
        futures = {pool.submit(batch.fetch, address): address for address in wanted}
        for future in as_completed(futures):
            address = futures[future]
            try:
                read = extract(Raw.of_page(future.result()))
            except (FetchError, Unreadable) as error:
                yield Outcome(address, "failed", message=str(error), code=error.code)
                continue
            yield apply(read, config, known, dry_run=dry_run, force=force, today=today or date.today())


def is_address(argument: str) -> bool:
    """An argument that names an address rather than a file: `scheme:` first (not a Windows drive
    letter, not an existing file). `file:` and `javascript:` count, so they are refused as addresses."""
    scheme, colon, _ = argument.partition(":")
    return bool(colon) and len(scheme) > 1 and scheme.replace("+", "").replace("-", "").replace(".", "").isalnum() \
        and scheme[0].isalpha() and not Path(argument).exists()
