"""Finding an annotation's passage in a piece's text: exactly, or approximately after the text changed.

An annotation quotes its passage (`exact`) with optional words before and after it (`prefix`,
`suffix`) and an optional position hint, as the W3C Web Annotation model's TextQuoteSelector and
TextPositionSelector do and as Hypothesis anchors. Positions count code points (Python's string
indexes), as the W3C model does.

The quote is looked for exactly first. When the text has changed (a re-imported source, a fixed
typo, words inserted nearby) it is found approximately: edlib's infix alignment gives the
passages within a bounded edit distance of the quote (the measure Hypothesis's own matcher
uses), and each is scored, as Hypothesis scores them, on the quote, the prefix, the suffix and
the distance from the hint. What cannot be placed with confidence (nothing close enough, or two
places that fit equally well) is never placed: the caller reports it with the closest passage.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import edlib

MIN_APPROXIMATE = 12  # characters: a shorter quote must match exactly (too little to recognise it by)
MAX_QUOTE_ERRORS = 0.25  # an approximate passage differs from the quote in at most this share of it,
MAX_QUOTE_ERRORS_IN_CONTEXT = 0.5  # ... or this share when the words around it are as they were
CONTEXT_CONFIRMS = 0.75  # how much of the context must be found for that
MAX_CONTEXT_ERRORS = 0.5  # context this far off counts as not matching at all
# A quote shorter than this may well occur again elsewhere, or be what an edit turned other words
# into: when the annotation gives its context, some of that context must be found around it too.
SELF_EVIDENT_QUOTE = 40
MIN_CONTEXT_FIT = 0.4
TIE = 0.02  # two places whose scores differ by less than this are indistinguishable
# Hypothesis's weights: the quote matters most, then its context, the position hint least.
QUOTE_WEIGHT, PREFIX_WEIGHT, SUFFIX_WEIGHT, POSITION_WEIGHT = 50, 20, 20, 2
_EDLIB_ALPHABET = 256  # edlib aligns over at most this many distinct symbols


@dataclass(frozen=True)
class TextQuote:
    """What an annotation says of its passage."""

    exact: str
    prefix: str = ""
    suffix: str = ""
    start: int | None = None  # where the passage began when the annotation was written


@dataclass(frozen=True)
class Anchor:
    """Where the passage is: text[start:end]."""

    start: int
    end: int
    exact: bool  # the quote matched letter for letter (else: placed approximately)


@dataclass(frozen=True)
class Unanchored:
    """Why the passage could not be placed, and the closest passage found (start, end), if any."""

    reason: str
    closest: tuple[int, int] | None = None


@dataclass(frozen=True)
class _Candidate:
    start: int
    end: int
    errors: int  # edit distance between the quote and text[start:end]


def anchor(text: str, quote: TextQuote) -> Anchor | Unanchored:
    """The passage `quote` names in `text`, or why it cannot be placed."""
    exact = quote.exact
    if not exact.strip():
        return Unanchored("the quote is empty")
    if len(exact) > len(text):
        return Unanchored("the quote is longer than the text")
    found = [_Candidate(start, start + len(exact), 0) for start in _occurrences(text, exact)]
    if not found:
        if len(exact) < MIN_APPROXIMATE:
            return Unanchored(f"not in the text (a quote under {MIN_APPROXIMATE} characters must match exactly)",
                              _closest(text, exact))
        found = _approximate(text, quote)
        if not found:
            return Unanchored("not in the text, nor anything close enough to it", _closest(text, exact))
    best, runner_up = _ranked(text, quote, found)
    if runner_up is not None:
        return Unanchored(f"it fits {_count(found)} places equally well: add words before or after it (prefix, "
                          "suffix) or its position", (best.start, best.end))
    context = _context_fit(text, quote, best)
    if len(exact) < SELF_EVIDENT_QUOTE and context is not None and context < MIN_CONTEXT_FIT:
        return Unanchored("the words around it have changed (its prefix and suffix are not there)",
                          (best.start, best.end))
    if best.errors > len(exact) * MAX_QUOTE_ERRORS and (context is None or context < CONTEXT_CONFIRMS):
        return Unanchored("only a passage much changed from the quote is there, and the words around it differ",
                          (best.start, best.end))
    return Anchor(best.start, best.end, best.errors == 0)


def _occurrences(text: str, exact: str) -> list[int]:
    starts, at = [], text.find(exact)
    while at >= 0:
        starts.append(at)
        at = text.find(exact, at + 1)
    return starts


def _approximate(text: str, quote: TextQuote) -> list[_Candidate]:
    """Passages close to the quote: those closest to the quote alone, and, when there is context,
    the quote's place inside the passages closest to prefix + quote + suffix (the context tells
    apart two passages the quote alone cannot, and finds a passage much changed from its quote).
    `anchor` then decides which of them, if any, is close enough."""
    loosest = MAX_QUOTE_ERRORS_IN_CONTEXT if quote.prefix or quote.suffix else MAX_QUOTE_ERRORS
    exact, limit = quote.exact, int(len(quote.exact) * loosest)
    candidates = {(c.start, c.end): c for c in _aligned(exact, text, limit)}
    whole = quote.prefix + exact + quote.suffix
    if whole != exact:
        for around in _aligned(whole, text, int(len(whole) * MAX_QUOTE_ERRORS)):
            margin = limit + 1
            window_start = max(0, around.start + len(quote.prefix) - margin)
            window = text[window_start:min(len(text), around.end - len(quote.suffix) + margin)]
            for inside in _aligned(exact, window, limit):
                candidates.setdefault((window_start + inside.start, window_start + inside.end),
                                      _Candidate(window_start + inside.start, window_start + inside.end, inside.errors))
    return list(candidates.values())


def _aligned(query: str, target: str, limit: int) -> list[_Candidate]:
    """edlib's infix alignment: every place in `target` at the smallest edit distance from
    `query`, if that distance is at most `limit` (-1: any)."""
    if not query or not target:
        return []
    query_symbols, target_symbols = _symbols(query, target)
    result = edlib.align(query_symbols, target_symbols, mode="HW", task="locations", k=limit)
    if result["editDistance"] < 0:
        return []
    return [_Candidate(start, end + 1, result["editDistance"]) for start, end in result["locations"]]


def _symbols(query: str, target: str) -> tuple:
    """The two strings as edlib can take them: a text with more distinct characters than edlib's
    alphabet holds has its rarest ones folded into one symbol (they still count as characters)."""
    counts = Counter(query) + Counter(target)
    if len(counts) <= _EDLIB_ALPHABET:
        return query, target
    kept = {char for char, _ in counts.most_common(_EDLIB_ALPHABET - 1)}
    fold = "\uffff"
    return ("".join(c if c in kept else fold for c in query), "".join(c if c in kept else fold for c in target))


def _ranked(text: str, quote: TextQuote, candidates: list[_Candidate]) -> tuple[_Candidate, _Candidate | None]:
    """The best-scoring candidate, and a rival that fits as well at another place (None if none).

    Among places that fit equally well, the position hint decides when one is clearly the nearest
    (the hint's weight in the score is small, as in Hypothesis, so that a moved passage is found)."""
    scored = sorted(((_score(text, quote, c), c) for c in candidates), key=lambda pair: (-pair[0], pair[1].start))
    best_score = scored[0][0]
    tied = _distinct_places([c for score, c in scored if best_score - score < TIE])
    if len(tied) == 1:
        return tied[0], None
    if quote.start is not None:
        by_distance = sorted(tied, key=lambda c: abs(c.start - quote.start))
        nearest, next_nearest = (abs(c.start - quote.start) for c in by_distance[:2])
        if nearest * 2 < next_nearest:
            return by_distance[0], None
    return tied[0], tied[1]


def _distinct_places(candidates: list[_Candidate]) -> list[_Candidate]:
    """One candidate per place: approximate matches of one passage differ by a letter or two."""
    places: list[_Candidate] = []
    for candidate in candidates:
        if all(candidate.start >= other.end or candidate.end <= other.start for other in places):
            places.append(candidate)
    return places


def _score(text: str, quote: TextQuote, candidate: _Candidate) -> float:
    """Hypothesis's score: the quote's, the prefix's and the suffix's similarity, and closeness to
    the position hint, weighted; a part the annotation does not give scores neither way."""
    score = QUOTE_WEIGHT * (1 - candidate.errors / len(quote.exact))
    if quote.prefix:
        score += PREFIX_WEIGHT * _prefix_fit(text, quote, candidate)
    if quote.suffix:
        score += SUFFIX_WEIGHT * _suffix_fit(text, quote, candidate)
    if quote.start is not None:
        score += POSITION_WEIGHT * (1 - min(1.0, abs(candidate.start - quote.start) / max(len(text), 1)))
    return score / QUOTE_WEIGHT


def _context_fit(text: str, quote: TextQuote, candidate: _Candidate) -> float | None:
    """How much of the given context is found around `candidate` (0 to 1); None if none is given."""
    fits = ([_prefix_fit(text, quote, candidate)] if quote.prefix else []) + \
           ([_suffix_fit(text, quote, candidate)] if quote.suffix else [])
    return sum(fits) / len(fits) if fits else None


def _prefix_fit(text: str, quote: TextQuote, candidate: _Candidate) -> float:
    before = text[max(0, candidate.start - len(quote.prefix)):candidate.start]
    return _similarity(quote.prefix[-len(before):] if before else "", before, quote.prefix)


def _suffix_fit(text: str, quote: TextQuote, candidate: _Candidate) -> float:
    after = text[candidate.end:candidate.end + len(quote.suffix)]
    return _similarity(quote.suffix[:len(after)], after, quote.suffix)


def _similarity(expected: str, found: str, whole: str) -> float:
    """1 for context found as written, falling to 0 at MAX_CONTEXT_ERRORS of it changed."""
    if not found:
        return 0.0
    expected_symbols, found_symbols = _symbols(expected, found)
    errors = edlib.align(expected_symbols, found_symbols, mode="NW", task="distance")["editDistance"]
    errors += len(whole) - len(expected)  # context cut off by the text's start or end is missing
    return max(0.0, 1 - errors / (len(whole) * MAX_CONTEXT_ERRORS))


def _closest(text: str, exact: str) -> tuple[int, int] | None:
    """The passage closest to the quote, however far: for the editor to compare with."""
    found = _aligned(exact, text, -1)
    return (found[0].start, found[0].end) if found else None


def _count(candidates: list[_Candidate]) -> str:
    places = len({c.start for c in candidates})
    return "several" if places < 2 else f"{places}"
