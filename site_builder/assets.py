"""The theme's stylesheets and scripts, minified and fingerprinted: `style.css` -> `static/style.1a2b3c4d5e.css`.

A fingerprinted name changes whenever the file's bytes change, so a browser (or a CDN) may keep it
for ever and still never show a stale stylesheet after a rebuild. Templates name an asset by its
source name through one global, `asset('style.css')`, which returns the fingerprinted URL; a name
the theme chain does not have is a template error at its line, not a broken link in the output.

The theme chain is searched most specific first, so a site theme's `style.css` replaces the
default one. Every other static file (images, fonts) is copied as it is by the writer, and so are
the unminified originals, for a site's own templates that still name `static/style.css`.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator

import jinja2
import rcssmin
import rjsmin

MINIFIERS: dict[str, Callable[[str], str]] = {
    ".css": rcssmin.cssmin,
    ".js": lambda script: rjsmin.jsmin(script, keep_bang_comments=False),
}
FINGERPRINT_LENGTH = 10  # hex digits of SHA-256: collisions are irrelevant at a theme's size


@dataclass(frozen=True)
class Asset:
    """One minified file: the name templates use and the path it is published at inside build/."""

    name: str
    path: str
    content: bytes


class ThemeAssets:
    """Every minifiable file of the theme chain, published under a fingerprinted name."""

    def __init__(self, static_dirs: list[Path], generated: dict[str, str] | None = None) -> None:
        sources = dict(generated or {})
        for folder in reversed(static_dirs):  # most specific last, so it wins
            if folder.is_dir():
                for source in sorted(folder.rglob("*")):
                    if source.is_file() and source.suffix in MINIFIERS and not source.name.startswith("."):
                        sources[source.relative_to(folder).as_posix()] = source.read_text(encoding="utf-8")
        self._assets = {name: publish(name, text) for name, text in sorted(sources.items())}

    def path(self, name: str) -> str:
        """`style.css` -> `static/style.<hash>.css` (relative to the site's base URL)."""
        try:
            return self._assets[name].path
        except KeyError:  # a template error, so the build reports the template's file and line
            known = ", ".join(self._assets) or "none"
            raise jinja2.TemplateRuntimeError(f"asset('{name}'): no static/{name} in the theme (it has {known})") from None

    def __iter__(self) -> Iterator[Asset]:
        return iter(self._assets.values())


def publish(name: str, text: str) -> Asset:
    """Minify `text` and name it after a hash of the result."""
    suffix = Path(name).suffix
    content = MINIFIERS[suffix](text).strip().encode("utf-8") + b"\n"
    digest = hashlib.sha256(content).hexdigest()[:FINGERPRINT_LENGTH]
    return Asset(name, f"static/{name.removesuffix(suffix)}.{digest}{suffix}", content)
