"""What an extractor found in one raw source: metadata, clean Markdown, and what it threw away.

Every extractor (plain text, HTML, Markdown) returns this record, so the rest of the import does
not care where an article came from. `removed` lists every line dropped as debris, so an editor
can audit the cleaning with `import --dry-run`.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field


@dataclass(frozen=True)
class RemovedLine:
    """A line of the source dropped as debris, with why (line is 1-based in the source)."""

    line: int
    text: str
    reason: str


@dataclass(frozen=True)
class Extracted:
    """An article as found in a raw source. Empty values mean "not found", never a guess."""

    title: str = ""
    authors: tuple[str, ...] = ()
    outlet: str = ""
    date: datetime.date | None = None
    source_url: str = ""
    language: str = ""
    author_bio: str = ""
    text: str = ""  # the article text as Markdown, debris removed
    removed: tuple[RemovedLine, ...] = field(default_factory=tuple)
    notes: tuple[str, ...] = ()  # why a field was left empty or which source won a disagreement
