"""Raw bytes -> text, or a one-line reason why not.

Scraped files arrive in whatever encoding the page had. UTF-8 is tried first; a file that is not
UTF-8 but decodes as Windows-1252 (a superset of Latin-1 for printable text) is accepted with a
warning; binary files and empty files are refused with a reason.
"""

from __future__ import annotations

from dataclasses import dataclass


class Unreadable(Exception):
    """The source cannot become article text; the message is the reason shown to the editor."""


@dataclass(frozen=True)
class Decoded:
    text: str
    warning: str = ""


def decode(data: bytes) -> Decoded:
    if not data.strip():
        raise Unreadable("empty file")
    if b"\x00" in data[:8192]:
        raise Unreadable("binary file (contains NUL bytes), not text")
    try:
        return Decoded(data.decode("utf-8-sig"))
    except UnicodeDecodeError as error:
        position = error.start
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
