"""A link checker for built sites: every internal href/src must resolve to a file in build/.

Used by every build test, at the domain root and under a sub-path, so a broken link is found by
the test suite and not by a reader.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote, urldefrag, urlparse

from lxml import html as lxml_html


def internal_links(build_dir: Path) -> list[tuple[str, str]]:
    """(page, url) for every href/src on every page that points inside the site."""
    links = []
    for page in sorted(build_dir.rglob("*.html")):
        tree = lxml_html.fromstring(page.read_bytes())
        for element in tree.iter():
            for attribute in ("href", "src"):
                url = element.get(attribute)
                if url and not urlparse(url).scheme and not url.startswith(("#", "//", "mailto:")):
                    links.append((page.relative_to(build_dir).as_posix(), url))
    return links


def broken_links(build_dir: Path, base_path: str = "/") -> list[str]:
    """Internal links that do not start with the base path or name no file, as `page: url`."""
    broken = []
    for page, url in internal_links(build_dir):
        path = unquote(urldefrag(url).url)
        if not path.startswith(base_path):
            broken.append(f"{page}: {url} (not under {base_path})")
            continue
        target = build_dir / path[len(base_path):]
        if path.endswith("/"):
            target = target / "index.html"
        if not target.is_file():
            broken.append(f"{page}: {url} (no such file)")
    return broken


def broken_anchors(build_dir: Path) -> list[str]:
    """Same-page `#anchor` links whose target id is missing."""
    broken = []
    for page in sorted(build_dir.rglob("*.html")):
        tree = lxml_html.fromstring(page.read_bytes())
        ids = {element.get("id") for element in tree.iter() if element.get("id")}
        for link in tree.iter("a"):
            href = link.get("href") or ""
            if href.startswith("#") and len(href) > 1 and unquote(href[1:]) not in ids:
                broken.append(f"{page.relative_to(build_dir)}: {href}")
    return broken
