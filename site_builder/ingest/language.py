"""Which language an article is written in, when the source does not say.

Uses py3langid (a maintained fork of langid.py, offline, no model download). A guess below 90%
confidence or on a text too short to judge is left empty rather than recorded as fact.
"""

from __future__ import annotations

from functools import cache

MIN_WORDS = 30
MIN_PROBABILITY = 0.9


@cache
def _identifier():
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def load_model() -> None:
    """Load the model now: called before a pool of workers is forked, they share this one copy
    instead of each loading its own (most of a worker's start)."""
    _identifier()


def detect_language(text: str) -> str:
    if len(text.split()) < MIN_WORDS:
        return ""
    language, probability = _identifier().classify(text)
    return language if probability >= MIN_PROBABILITY else ""


def written_tag(tag: str) -> str:
    """`tag` in the standard form `check` accepts (`EN-us` -> `en-US`), or "" when it is not a
    language tag a registry knows (`<html lang="xx">`, `lang="english"`): an import never writes
    a `language` that check would refuse."""
    from site_builder.languages import NotALanguageTag, normalise_tag

    try:
        return normalise_tag(tag) if tag else ""
    except NotALanguageTag:
        return ""
