"""Translations of pieces: each names its original (`translation_of`), inherits what it does not say.

A translation is another text of the same piece, so what the editors recorded about the piece
(the outlet, the date, the event it covers, the claims it carries) is the original's unless the
translation sets its own: the editor does not copy it, and a correction made to the original
reaches the translation (Hugo users ask for this: gohugoio/hugo#11603). Resolved right after
reading, so every later stage sees complete pieces.
"""

from __future__ import annotations

import difflib
from dataclasses import replace
from typing import TYPE_CHECKING

from site_builder import problem_codes as codes
from site_builder.errors import Problem
from site_builder.hashing import digest

if TYPE_CHECKING:  # the reader calls this module once every piece is read
    from site_builder.reader import Article

INHERITED = ("outlet", "date", "event", "claims")


def with_originals(articles: list[Article]) -> tuple[list[Article], list[Problem]]:
    """Every translation completed from its original; a `translation_of` naming no piece, a
    translation or itself reported at its line (the translation then inherits nothing)."""
    by_slug = {article.slug: article for article in articles}
    problems: list[Problem] = []
    resolved = []
    for article in articles:
        if not article.translation_of:
            resolved.append(article)
            continue
        original = by_slug.get(article.translation_of)
        problem = _problem(article, original, sorted(by_slug))
        if problem is not None:
            problems.append(problem)
            resolved.append(article)
        else:
            resolved.append(_inherit(article, original))
    return resolved, problems


def keys_with_originals(keys: dict[str, str], originals: dict[str, str]) -> dict[str, str]:
    """`keys` (each piece's key from its own file, by slug) with each translation's made from its
    original's too (`originals`: a translation's slug -> the slug it names). A translation shows
    what it inherits, so whatever is kept by a piece's key (its summary, its citations, its data
    rows) must be made again when its original's file changes, though its own did not."""
    if not originals:
        return keys
    keyed = dict(keys)
    for slug, original in originals.items():
        keyed[slug] = digest(keys[slug], keys.get(original, ""))  # "": none yet, so nothing inherited
    return keyed


def _problem(article: Article, original: Article | None, slugs: list[str]) -> Problem | None:
    named = article.translation_of
    if original is None:
        close = difflib.get_close_matches(named, slugs, n=1, cutoff=0.5)
        return Problem(article.path, article.translation_of_line, f"`translation_of` `{named}` names no article",
                       f"did you mean `{close[0]}`?" if close else "no slug is close to it; name the original by its "
                       "file name without .md", code=codes.TRANSLATION_OF_NOTHING)
    if original.slug == article.slug:
        return Problem(article.path, article.translation_of_line, "`translation_of` names this piece itself",
                       "name the piece this one was translated from", code=codes.TRANSLATION_CHAIN)
    if original.translation_of:
        first = original.translation_of
        return Problem(article.path, article.translation_of_line,
                       f"`translation_of` `{named}` is itself a translation of `{first}`",
                       f"name the original directly: `translation_of: {first}`" if first != article.slug else
                       f"the two name each other: remove `translation_of` from the original ({original.path})",
                       code=codes.TRANSLATION_CHAIN)
    return None


def _inherit(translation: Article, original: Article) -> Article:
    """The translation with the original's values for the fields it leaves empty."""
    inherited = {name: getattr(original, name) for name in INHERITED if not getattr(translation, name)}
    if "outlet" in inherited:
        inherited["outlet_line"] = translation.translation_of_line
    if "event" in inherited:
        inherited["event_line"] = translation.translation_of_line
    return replace(translation, **inherited) if inherited else translation
