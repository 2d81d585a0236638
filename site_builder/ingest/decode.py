"""Raw bytes -> text, or a one-line reason why not.

Scraped files arrive in whatever encoding the page had. UTF-8 is tried first: bytes
that are valid UTF-8 are almost never anything else, whatever a server claims. Otherwise the
charset the server declared (`declared`, from its Content-Type header), else the one the page
declares (`<meta charset>`), else Windows-1252 (a superset of Latin-1 for printable text) with a
warning; binary files and empty files are refused with a reason.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

_META_CHARSET = re.compile(rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([A-Za-z0-9_:.-]{1,40})""", re.IGNORECASE)


class Unreadable(Exception):
    """The source cannot become article text; the message is the reason shown to the editor, `code`
    its kind when it has one (a fetched page's problems do; a file's reasons predate the codes)."""

    def __init__(self, message: str, code: str = ""):
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class Decoded:
    text: str
    warning: str = ""


def decode(data: bytes, declared: str = "") -> Decoded:
    if not data.strip():
        raise Unreadable("empty file")
    if b"\x00" in data[:8192]:
        raise Unreadable("binary file (contains NUL bytes), not text")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        position = error.start
    else:
        claimed = _codec(declared) or _codec(_page_charset(data))
        mismatch = claimed not in (None, "utf-8") and not data.isascii()
        return Decoded(text, f"declared as {declared or _page_charset(data)}, but it is UTF-8: read as UTF-8" if mismatch else "")
    for charset in (declared, _page_charset(data)):
        codec = _codec(charset)
        if codec and codec != "utf-8":
            try:
                return Decoded(data.decode(codec))
            except UnicodeDecodeError:
                continue
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        raise Unreadable(f"not UTF-8 (bad byte at {position}) and not Windows-1252 either; re-save it as UTF-8") from None
    if _control_ratio(text) > 0.05:
        raise Unreadable("binary file (mostly control characters), not text")
    return Decoded(text, f"not UTF-8 (bad byte at {position}); read as Windows-1252, check accented letters")


def _control_ratio(text: str) -> float:
    controls = sum(1 for ch in text if ord(ch) < 32 and ch not in "\n\r\t\f")
    return controls / max(len(text), 1)


def _page_charset(data: bytes) -> str:
    """The charset a page declares in its first few kilobytes (`<meta charset>` or http-equiv), or ""."""
    found = _META_CHARSET.search(data[:4096])
    return found.group(1).decode("ascii").lower() if found else ""


def _codec(charset: str) -> str | None:
    """Python's name for a charset label, or None when unknown (a typo in a page is not fatal)."""
    if not charset:
        return None
    try:
        name = codecs.lookup(charset).name
    except LookupError:
        return None
    return "cp1252" if name in ("latin-1", "ascii") else name  # as browsers read them (WHATWG Encoding)
