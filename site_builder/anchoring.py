"""Finding an annotation's passage in a piece's text: exactly, or approximately after the text changed.

An annotation quotes its passage (`exact`) with optional words before and after it (`prefix`,
`suffix`) and an optional position hint, as the W3C Web Annotation model's TextQuoteSelector and
TextPositionSelector do and as Hypothesis anchors. Positions count code points (Python's string
indexes), as the W3C model does. Curly quotes and apostrophes, dashes and no-break spaces count
as the straight ones an editor types (the match is then not letter for letter: `Anchor.exact`).

The quote is looked for exactly first. When the text has changed (a re-imported source, a fixed
typo, words inserted nearby) it is found approximately: edlib's infix alignment gives the
passages within a bounded edit distance of the quote (the measure Hypothesis's own matcher
uses), and each is scored, as Hypothesis scores them, on the quote, the prefix, the suffix and
the distance from the hint. An exact copy of the quote whose context has changed is weighed
against changed passages elsewhere, and against one at the position hint: the text may repeat
the passage (a headline and a citation line) and the edit may have touched the one meant.

What cannot be placed with confidence is never placed: the caller reports it with the closest
passage. That is: nothing close enough; two places that fit about as well (the less the best
fits, the wider the lead it needs); a short quote with no context that is not in the text
letter for letter; a short quote whose context is gone, or whose words between its prefix and
suffix changed too much (the alignment may have matched only a part of them); and a quote
whose words and context fit one place while its position points at another that may well be
it. bench/anchoring.py measures this on real texts with random edits.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

import edlib

MIN_APPROXIMATE = 12  # characters: a shorter quote must match exactly (too little to recognise it by)
MAX_QUOTE_ERRORS = 0.25  # an approximate passage differs from the quote in at most this share of it,
MAX_QUOTE_ERRORS_IN_CONTEXT = 0.5  # ... or this share when the words around it are as they were
CONTEXT_CONFIRMS = 0.75  # how much of the context must be found for that
MAX_CONTEXT_ERRORS = 0.5  # context this far off counts as not matching at all
# A quote shorter than this may well occur again elsewhere, or be what an edit turned other words
# into: when the annotation gives its context, some of that context must be found around it too;
# when it gives none, it must be in the text as it is (typography aside).
SELF_EVIDENT_QUOTE = 40
MIN_CONTEXT_FIT = 0.4
# Typographic variants an editor's keyboard does not type count as the same character (one for one,
# so positions do not move): curly quotes and apostrophes, dashes, the no-break space.
_TYPOGRAPHY = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201a": "'", "\u2032": "'", "\u201c": '"', "\u201d": '"',
                             "\u201e": '"', "\u2033": '"', "\u2013": "-", "\u2014": "-", "\u2010": "-", "\u2011": "-",
                             "\u00a0": " "})
EDGE = 8  # characters of context next to a passage that mark where it begins or ends
HINT_DRIFT = 0.1  # share of the text by which edits before a passage may have moved it from its hint
TIE = 0.02  # two places whose scores differ by less than this are indistinguishable,
UNSURE = 0.5  # ... or by less than this share of what the best one lacks of a perfect fit
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
    if not quote.exact.strip():
        return Unanchored("the quote is empty")
    if len(quote.exact) > len(text):
        return Unanchored("the quote is longer than the text")
    found = _anchor(_plain_typography(text), TextQuote(quote.exact.translate(_TYPOGRAPHY),
                    quote.prefix.translate(_TYPOGRAPHY), quote.suffix.translate(_TYPOGRAPHY), quote.start))
    if isinstance(found, Anchor):
        return Anchor(found.start, found.end, text[found.start:found.end] == quote.exact)
    return found


@lru_cache(maxsize=4)
def _plain_typography(text: str) -> str:
    """`text` with _TYPOGRAPHY's variants made plain (kept for the text's next annotations)."""
    return text.translate(_TYPOGRAPHY)


def _anchor(text: str, quote: TextQuote) -> Anchor | Unanchored:
    exact = quote.exact
    found = [_Candidate(start, start + len(exact), 0) for start in _occurrences(text, exact)]
    if found and len(exact) >= MIN_APPROXIMATE and not _context_intact(text, quote, found):
        found += _elsewhere(text, quote, found)
    if not found:
        if len(exact) < MIN_APPROXIMATE:
            return Unanchored(f"not in the text (a quote under {MIN_APPROXIMATE} characters must match exactly)",
                              _closest(text, exact))
        found = _approximate(text, quote)
        if not found:
            return Unanchored("not in the text, nor anything close enough to it", _closest(text, exact))
    at_hint = _at_hint(text, quote) if not any(_near_hint(text, quote, c) for c in found) else []
    if len(exact) >= MIN_APPROXIMATE:
        found += at_hint
    best, runner_up = _ranked(text, quote, found)
    if runner_up is not None:
        return Unanchored(f"it fits {_count(found)} places equally well: add words before or after it (prefix, "
                          "suffix) or its position", (best.start, best.end))
    doubt = _doubt(text, quote, best)
    if doubt:
        return Unanchored(doubt, (best.start, best.end))
    if _hint_disagrees(text, quote, best, found + at_hint):
        return Unanchored("its words and the words around it fit one place, its position another: "
                          "check which is meant and correct the quote, its context or its position",
                          (best.start, best.end))
    return Anchor(best.start, best.end, best.errors == 0)


def _context_intact(text: str, quote: TextQuote, found: list[_Candidate]) -> bool:
    """Whether some place has the quote's context (if any) as given around it."""
    return any(_context_fit(text, quote, c) in (None, 1.0) for c in found)


def _elsewhere(text: str, quote: TextQuote, found: list[_Candidate]) -> list[_Candidate]:
    """Passages close to the quote other than those `found`: when the words around every copy
    of the quote have changed, the passage meant may be another one, changed itself. (The
    alignment keeps only the closest places, so the copies found are blanked out first.)"""
    masked = list(text)
    for c in found:
        masked[c.start:c.end] = "\0" * (c.end - c.start)
    return [c for c in _approximate("".join(masked), quote) if all(_apart(c, other) for other in found)]


def _hint_disagrees(text: str, quote: TextQuote, best: _Candidate, found: list[_Candidate]) -> bool:
    """Whether the position hint points at another place that may well be the passage: the quote
    as it is, or close to it with some of its context around it. Two copies of a passage (a
    headline and a citation line) are then told apart only by the words edited around them, which
    is no evidence of which is meant."""
    return quote.start is not None and not _near_hint(text, quote, best) and any(
        _near_hint(text, quote, c) and _apart(c, best) and _plausible(text, quote, c) for c in found)


def _plausible(text: str, quote: TextQuote, candidate: _Candidate) -> bool:
    """Whether `candidate` may be the passage: close to the quote, or fairly close with some of its
    context around it (measured from the context's edges: the alignment may cut into it)."""
    if candidate.errors <= len(quote.exact) * MAX_QUOTE_ERRORS:
        return True
    context = _context_fit(text, quote, _enclosed(text, quote, candidate))
    return context is not None and context >= MIN_CONTEXT_FIT


def _doubt(text: str, quote: TextQuote, candidate: _Candidate) -> str:
    """Why `candidate` is not a confident place for the quote ("" if it is)."""
    exact = quote.exact
    context = _context_fit(text, quote, candidate)
    if len(exact) < SELF_EVIDENT_QUOTE and context is None and candidate.errors:
        return (f"not in the text as quoted (a quote under {SELF_EVIDENT_QUOTE} characters with no words "
                "around it, prefix or suffix, must match exactly)")
    if len(exact) < SELF_EVIDENT_QUOTE and context is not None and context < MIN_CONTEXT_FIT:
        return "the words around it have changed (its prefix and suffix are not there)"
    if candidate.errors > len(exact) * MAX_QUOTE_ERRORS and (context is None or context < CONTEXT_CONFIRMS):
        return "only a passage much changed from the quote is there, and the words around it differ"
    if len(exact) < SELF_EVIDENT_QUOTE and candidate.errors and context is not None and \
            _enclosed(text, quote, candidate).errors > len(exact) * MAX_QUOTE_ERRORS_IN_CONTEXT:
        return "the words between its prefix and suffix are much changed from the quote"
    return ""


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


def _enclosed(text: str, quote: TextQuote, candidate: _Candidate) -> _Candidate:
    """The passage from where the prefix ends to where the suffix begins, around `candidate`.

    The alignment spans the fewest letters that match the quote best: words inserted at the
    passage's edge, or a long word replacing a short one there, are left out of it, so a passage
    found approximately can be a mere part of the one meant. What lies between its context
    shows how much the passage really changed. The context's letters nearest the passage mark
    its edges (the rest may have been edited)."""
    start, end = candidate.start, candidate.end
    reach, slack = len(quote.exact) + 2 * EDGE, candidate.errors + 1  # outwards, and into the alignment
    before, after = quote.prefix[-EDGE:], quote.suffix[:EDGE]
    if before:
        window_start = max(0, start - len(before) - reach)
        found = _aligned(before, text[window_start:min(start + slack, end - 1)], int(len(before) * MAX_QUOTE_ERRORS))
        if found:
            start = min((window_start + f.end for f in found), key=lambda edge: abs(edge - start))
    if after:
        window_start = max(start + 1, end - slack)
        found = _aligned(after, text[window_start:end + reach + len(after)], int(len(after) * MAX_QUOTE_ERRORS))
        if found:
            end = min((window_start + f.start for f in found), key=lambda edge: abs(edge - end))
    if (start, end) == (candidate.start, candidate.end):
        return candidate
    return _Candidate(start, end, _distance(quote.exact, text[start:end]))


def _distance(one: str, other: str) -> int:
    one_symbols, other_symbols = _symbols(one, other)
    return edlib.align(one_symbols, other_symbols, mode="NW", task="distance")["editDistance"]


def _near_hint(text: str, quote: TextQuote, candidate: _Candidate) -> bool:
    """Whether `candidate` is where the position hint says, give or take what edits before it shift."""
    return quote.start is not None and abs(candidate.start - quote.start) <= max(len(quote.exact), HINT_DRIFT * len(text))


def _at_hint(text: str, quote: TextQuote) -> list[_Candidate]:
    """Passages close to the quote around the position hint (none without a hint).

    A passage the text repeats (a headline in a citation line, a pull quote) may have been edited
    at the hint and left intact elsewhere: the search of the whole text, which keeps only the
    closest matches, would then never see the one the hint points at."""
    if quote.start is None:
        return []
    margin = max(len(quote.exact), int(HINT_DRIFT * len(text)))
    window_start = max(0, quote.start - margin)
    window = text[window_start:quote.start + len(quote.exact) + margin]
    return [_Candidate(window_start + c.start, window_start + c.end, c.errors) for c in _approximate(window, quote)]


def _apart(one: _Candidate, other: _Candidate) -> bool:
    return one.start >= other.end or one.end <= other.start


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
    if len(set(query).union(target)) <= _EDLIB_ALPHABET:  # nearly always; counting is slower
        return query, target
    counts = Counter(query) + Counter(target)
    kept = {char for char, _ in counts.most_common(_EDLIB_ALPHABET - 1)}
    fold = "\uffff"
    return ("".join(c if c in kept else fold for c in query), "".join(c if c in kept else fold for c in target))


def _ranked(text: str, quote: TextQuote, candidates: list[_Candidate]) -> tuple[_Candidate, _Candidate | None]:
    """The best-scoring candidate, and a rival that fits as well at another place (None if none).

    The less the best place fits, the further ahead of the others it must be: when the words in
    and around both were edited, a small lead is chance. Among places that fit equally well, the
    position hint decides when one is clearly the nearest (the hint's weight in the score is
    small, as in Hypothesis, so that a moved passage is found)."""
    scored = sorted(((_score(text, quote, c), c) for c in candidates), key=lambda pair: (-pair[0], pair[1].start))
    best_score = scored[0][0]
    margin = max(TIE, (_perfect_score(quote) - best_score) * UNSURE)
    tied = _distinct_places([c for score, c in scored if best_score - score < margin])
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
        if all(_apart(candidate, other) for other in places):
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


def _perfect_score(quote: TextQuote) -> float:
    """The score of a place where the quote, its context and its position are all as given."""
    return (QUOTE_WEIGHT + PREFIX_WEIGHT * bool(quote.prefix) + SUFFIX_WEIGHT * bool(quote.suffix)
            + POSITION_WEIGHT * (quote.start is not None)) / QUOTE_WEIGHT


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
    errors = 0 if expected == found else _distance(expected, found)  # context as written: most of it
    errors += len(whole) - len(expected)  # context cut off by the text's start or end is missing
    return max(0.0, 1 - errors / (len(whole) * MAX_CONTEXT_ERRORS))


def _closest(text: str, exact: str) -> tuple[int, int] | None:
    """The passage closest to the quote, however far: for the editor to compare with."""
    found = _aligned(exact, text, -1)
    return (found[0].start, found[0].end) if found else None


def _count(candidates: list[_Candidate]) -> str:
    places = len({c.start for c in candidates})
    return "several" if places < 2 else f"{places}"
