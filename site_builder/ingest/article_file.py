"""Write an imported article as `content/articles/<slug>.md`, or update one without losing edits.

A new article gets every field the extractor found, the editorial fields present but empty for the
editor, `draft: true`, a provenance block and an empty editorial-notes section. Updating an
existing article (its source changed, or `--force`) replaces only the article text (into which
reanchor.py has carried the editors' footnotes) and the `provenance` and `word_count` keys: every
other front-matter line, comments included, and the editorial-notes section stay byte for byte
as the editor left them.
"""

from __future__ import annotations

import hashlib
import re
from datetime import date
from typing import Any

import yaml
from slugify import slugify

from site_builder.ingest.extracted import Extracted
from site_builder.reader import count_words, split_front_matter, split_notes

SLUG_MAX_LENGTH = 80
EDITORIAL_FIELDS = ("stance", "stance_notes", "caveats", "tags")
# libyaml's emitter (far cheaper per call than PyYAML's pure-Python one) writes what PyYAML's does,
# except characters beyond U+FFFF (escaped as `\U0001F600`) and the line breaks NEL, LS and PS
# (escaped, where PyYAML breaks the line): values holding one keep the pure-Python emitter, so a
# draft is the same bytes whichever writes it.
_PYTHON_EMITTER_ONLY = re.compile("[\x85\u2028\u2029\U00010000-\U0010FFFF]")
_FAST_DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)  # without libyaml, PyYAML's own


def text_digest(text: str) -> str:
    """Fingerprint of the article text, normalised so trailing whitespace edits do not count."""
    return hashlib.sha256(text.strip().encode("utf-8")).hexdigest()


def make_slug(title: str, fallback: str, taken: set[str]) -> str:
    """A readable ASCII slug (unicode transliterated); a clash gets -2, -3…, never an overwrite."""
    base = slugify(title, max_length=SLUG_MAX_LENGTH, word_boundary=True) or slugify(fallback) or "article"
    slug, counter = base, 2
    while slug in taken:
        slug, counter = f"{base}-{counter}", counter + 1
    return slug


def new_article(found: Extracted, provenance: dict[str, Any], notes_heading: str) -> str:
    """The full text of a freshly imported article file."""
    fields: dict[str, Any] = {
        "title": found.title,
        "outlet": found.outlet,
        "date": found.date,
        "author": list(found.authors) if len(found.authors) != 1 else found.authors[0],
        "source_url": found.source_url,
        "language": found.language,
        "word_count": count_words(found.text),
        "author_bio": found.author_bio,
        **{name: None for name in EDITORIAL_FIELDS},
        "draft": True,
        "provenance": provenance,
    }
    front_matter = "".join(yaml_key(key, value) for key, value in fields.items())
    return f"---\n{front_matter}---\n\n{found.text.strip()}\n\n## {notes_heading}\n\n"


def updated_article(existing: str, text: str, found: Extracted, provenance: dict[str, Any], notes_heading: str) -> str:
    """`existing` with the new `text` (the outlet's `found.text` with the editors' footnotes carried
    over), provenance and word count; everything else kept verbatim."""
    front_matter, body, problems = split_front_matter(existing, "")
    if problems:
        raise ValueError("the existing article has no readable front matter")
    for key, value in (("word_count", count_words(found.text)), ("provenance", provenance)):
        front_matter = replace_key(front_matter, key, yaml_key(key, value))
    notes = split_notes(body, notes_heading)
    heading = notes.heading or f"## {notes_heading}\n"
    return f"---\n{front_matter}---\n\n{text.strip()}\n\n{heading}{notes.notes}"


def current_text(existing: str, notes_heading: str) -> str:
    """The article text part of an existing file (what an editor may have changed since import)."""
    _, body, _ = split_front_matter(existing, "")
    return split_notes(body, notes_heading).text


def text_line(existing: str) -> int:
    """The file line the article text starts on (the blank line after the front matter's `---`)."""
    front_matter, _, _ = split_front_matter(existing, "")
    return front_matter.count("\n") + 3


def replace_key(front_matter: str, key: str, replacement: str) -> str:
    """Replace the top-level `key:` block (its line and the indented lines under it), or append it."""
    lines = front_matter.splitlines(keepends=True)
    start = next((i for i, line in enumerate(lines) if re.match(rf"{re.escape(key)}\s*:", line)), None)
    if start is None:
        return front_matter + replacement
    end = start + 1
    while end < len(lines) and (lines[end][:1] in (" ", "\t", "-") or not lines[end].strip()):
        end += 1
    return "".join(lines[:start]) + replacement + "".join(lines[end:])


def yaml_key(key: str, value: Any) -> str:
    """One front-matter key as YAML; empty values are written as a bare `key:` for the editor to fill."""
    if value is None or value == "" or value == []:
        return f"{key}:\n"
    if isinstance(value, date):
        return f"{key}: {value.isoformat()}\n"
    if isinstance(value, str) and "\n" in value:
        indented = "".join(f"  {line}\n" if line.strip() else "\n" for line in value.strip().splitlines())
        return f"{key}: |\n{indented}"
    if isinstance(value, dict):
        inner = "".join(f"  {line}\n" for k, v in value.items() for line in yaml_key(k, v).splitlines())
        return f"{key}:\n{inner}"
    dumper = _FAST_DUMPER if _libyaml_writes_alike(value) else yaml.SafeDumper
    return yaml.dump({key: value}, Dumper=dumper, allow_unicode=True, sort_keys=False, width=1000,
                     default_flow_style=False)


def _libyaml_writes_alike(value: Any) -> bool:
    """Whether libyaml writes `value` as PyYAML's own emitter does (see _PYTHON_EMITTER_ONLY)."""
    if isinstance(value, str):
        return not _PYTHON_EMITTER_ONLY.search(value)
    if isinstance(value, (list, tuple)):
        return all(map(_libyaml_writes_alike, value))
    if isinstance(value, dict):
        return all(_libyaml_writes_alike(k) and _libyaml_writes_alike(v) for k, v in value.items())
    return True
