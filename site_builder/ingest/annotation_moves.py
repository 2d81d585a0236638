"""What a new version of a piece's text does to its annotations: which moved, which were lost.

Annotations live in the front matter, not in the text, so replacing the text (a re-import of a
changed source, or `--force`) keeps every one of them. But each must still be found in the new
text: the import says, one line per annotation, which is now placed approximately (its quoted
words changed), which is at another place, and which cannot be placed at all (`check` then
reports it until the editor fixes its quote).
"""

from __future__ import annotations

from site_builder.anchoring import Anchor, TextQuote, anchor
from site_builder.annotations import plain_text
from site_builder.markup import MarkdownRenderer
from site_builder.reader import split_front_matter
from site_builder.yamlsource import load_mapping

CONTEXT = 32  # characters each side of a quote, as Hypothesis keeps them


def annotation_moves(existing: str, old_text: str, new_text: str, shown: str, base_path: str = "/") -> tuple[str, ...]:
    """One line for each annotation of the article file `existing` that did not stay where it
    was when its text `old_text` becomes `new_text` (both Markdown, as the file holds them)."""
    entries = _entries(existing)
    if not entries:
        return ()
    renderer = MarkdownRenderer(base_path)
    before, after = (plain_text(renderer.render(text).html) for text in (old_text, new_text))
    lines = []
    for line, entry in entries:
        quote = TextQuote(*(str(entry.get(key) or "") for key in ("quote", "prefix", "suffix")),
                          entry["at"] if isinstance(entry.get("at"), int) else None)
        old = anchor(before, quote)
        said = _move(old, anchor(after, _with_context(quote, old, before)), after)
        if said:
            name = f"`{entry['id']}`" if entry.get("id") else f"“{_short(quote.exact)}”"
            lines.append(f"annotation {name} ({shown}:{line}) {said}")
    return tuple(lines)


def _with_context(quote: TextQuote, old, before: str) -> TextQuote:
    """The quote with the words around it and the position it had in the old text, where it gives
    none: Hypothesis keeps them for this, and without them a short quote whose words changed
    cannot be told from similar words elsewhere."""
    if not isinstance(old, Anchor):
        return quote
    return TextQuote(quote.exact, quote.prefix or before[max(0, old.start - CONTEXT):old.start],
                     quote.suffix or before[old.end:old.end + CONTEXT], old.start if quote.start is None else quote.start)


def _move(old, new, text: str) -> str:
    """What became of one annotation ("" when it is where it was)."""
    if not isinstance(new, Anchor):
        closest = f"; the closest passage is “{_short(text[new.closest[0]:new.closest[1]])}”" if new.closest else ""
        return f"is lost: {new.reason}{closest}; fix its quote, or remove it"
    if not new.exact:
        return f"is placed approximately: its words now read “{_short(text[new.start:new.end])}”; check its quote"
    if isinstance(old, Anchor) and old.start != new.start:
        return f"moved: its passage is now at {new.start} (was at {old.start})"
    return ""


def _entries(existing: str) -> list[tuple[int, dict]]:
    """(file line, entry) for each annotation the file declares with a quote."""
    front_matter, _, problems = split_front_matter(existing, "")
    if problems:
        return []
    source, problems = load_mapping(front_matter, "", first_line=2)
    entries = source.values.get("annotations") if not problems else None
    if not isinstance(entries, list):
        return []
    return [(source.line_of("annotations", index), entry) for index, entry in enumerate(entries)
            if isinstance(entry, dict) and isinstance(entry.get("quote"), str) and entry["quote"].strip()]


def _short(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit - 1] + "…"
