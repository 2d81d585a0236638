"""Related reading: for each article, the other pieces most worth reading next, and why.

Each pair of pieces is scored (see `RELATED_WEIGHTS`): links made by hand first, then a shared
event, shared claims, shared tags weighted by rarity (a tag on every piece says nothing), and
closeness in date as the tie-breaker. A piece must share at least one of the first four to be
listed at all.

Scoring looks at every article at once, yet an edit to an article's text changes none of what it
compares. So the ranking is remembered in a memo kept by the build cache, under a key made of
exactly what scoring reads, and a build that changed none of that reuses it instead of scoring
again (`related_reading`).
"""

from __future__ import annotations

import math
import pickle
from collections import defaultdict
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from site_builder.hashing import digest
from site_builder.i18n import Interface
from site_builder.reader import Article
from site_builder.urls import name_slug

if TYPE_CHECKING:
    import numpy as np

RELATED_WEIGHTS = MappingProxyType({
    "hand link": 100.0,       # the editors said so
    "same event": 50.0,       # the same story, told by another outlet
    "shared claim": 20.0,     # per claim both pieces carry
    "shared tag": 4.0,        # per tag, times ln(1 + pieces / pieces with that tag)
    "date": 5.0,              # times max(0, 1 - days apart / 365)
})


@dataclass(frozen=True)
class RelatedPiece:
    article: Article
    score: float
    reasons: tuple[str, ...]


def related_reading(articles: list[Article], limit: int, memo: dict | None) -> Mapping[str, tuple[RelatedPiece, ...]]:
    """Up to `limit` related pieces for each article, best first, read-only, keyed by slug.

    Reused from `memo` (kept by the build cache) while no piece's slug, title, date, tags, event,
    claims or hand links changed (an edit to an article's text changes none of them); `memo=None`
    scores afresh and remembers nothing."""
    if memo is None:
        return MappingProxyType(_all_related(articles, limit))
    key = digest(limit, [(a.slug, a.title, a.date, a.tags, a.event, tuple(c.id for c in a.claims),
                          tuple(s for s, _ in a.related)) for a in articles])
    if memo.get("key") != key:
        related = _all_related(articles, limit)
        memo.clear()
        memo.update(key=key, ranked={slug: pickle.dumps(tuple((p.article.slug, p.score, p.reasons) for p in ranked),
                                                        protocol=5)
                                     for slug, ranked in related.items()})
    return _RememberedRelated(memo["ranked"], {a.slug: a for a in articles})


class _RememberedRelated(Mapping):
    """Remembered related reading, made into RelatedPieces only for the pages that show it: an
    edit build renders a few, and making every list for every article would be work in proportion
    to N for nothing. Each article's list stays pickled until then too, so that loading the cache
    does not unpickle them all."""

    def __init__(self, ranked: dict[str, bytes], by_slug: dict[str, Article]):
        self._ranked, self._by_slug, self._made = ranked, by_slug, {}

    def __getitem__(self, slug: str) -> tuple[RelatedPiece, ...]:
        made = self._made.get(slug)
        if made is None:
            made = self._made[slug] = tuple(RelatedPiece(self._by_slug[other], score, reasons)
                                            for other, score, reasons in pickle.loads(self._ranked[slug]))
        return made

    def __iter__(self) -> Iterator[str]:
        return iter(self._ranked)

    def __len__(self) -> int:
        return len(self._ranked)

    def __reduce__(self):  # pickled with a collection (build._read): what it is made from, not what it made
        return _RememberedRelated, (self._ranked, self._by_slug)


def _all_related(articles: list[Article], limit: int) -> dict[str, tuple[RelatedPiece, ...]]:
    """Related reading for every article, in time that grows about linearly with N.

    Scoring every pair in Python takes time in N², far too long for a large collection. Here
    NumPy scores a block of rows at once (tag weights summed by `bincount`, the other reasons added
    on top, the date bonus as one vector operation); only the few best candidates of each row,
    within a small margin of the cut, are scored again exactly by `_score`, which decides the
    order and reasons.
    """
    import numpy as np  # here: a build that reuses related reading need not load it
    features = [_features(a) for a in articles]
    total = len(articles)
    members: dict[str, list[int]] = defaultdict(list)
    for position, feature in enumerate(features):
        for tag in feature.tag_slugs:
            members[tag].append(position)
    tag_counts = {tag: len(items) for tag, items in members.items()}
    tag_rows = {tag: np.array(items, dtype=np.int64) for tag, items in members.items()}
    tag_weight = {tag: RELATED_WEIGHTS["shared tag"] * math.log(1 + total / count) for tag, count in tag_counts.items()}
    boosts = _other_reasons(features)
    days = np.array([a.date.toordinal() if a.date else np.nan for a in articles], dtype=float)
    related = {}
    for start in range(0, total, _ROWS_PER_BLOCK):
        rows = range(start, min(total, start + _ROWS_PER_BLOCK))
        for position, candidates in zip(rows, _block_candidates(rows, features, tag_rows, tag_weight, boosts, days,
                                                                limit)):
            feature = features[position]
            scored = (_score(feature, features[other], tag_counts, total) for other in candidates)
            ranked = sorted((p for p in scored if p is not None), key=lambda p: (-p.score, p.article.title.casefold()))
            related[feature.article.slug] = tuple(ranked[:limit])
    return related


_ROWS_PER_BLOCK = 256  # rows scored at once: a block is 256 x N floats, so memory grows with N, not N²
_MARGIN = 0.01  # candidates this close below the cut are re-scored exactly (scores are rounded to 0.001)


def _other_reasons(features: list[_Features]) -> list[list[tuple[int, float]]]:
    """Per article, (other position, weight) for hand links, a shared event and shared claims."""
    sharing: dict[tuple[str, str], list[int]] = defaultdict(list)
    for position, feature in enumerate(features):
        sharing["slug", feature.article.slug].append(position)
        for slug in feature.hand:
            sharing["hand", slug].append(position)
        if feature.article.event:
            sharing["event", feature.article.event].append(position)
        for claim in feature.claim_ids:
            sharing["claim", claim].append(position)
    boosts = []
    for feature in features:
        found = [(other, RELATED_WEIGHTS["hand link"]) for slug in feature.hand for other in sharing.get(("slug", slug), ())]
        found += [(other, RELATED_WEIGHTS["hand link"]) for other in sharing.get(("hand", feature.article.slug), ())]
        if feature.article.event:
            found += [(other, RELATED_WEIGHTS["same event"]) for other in sharing["event", feature.article.event]]
        found += [(other, RELATED_WEIGHTS["shared claim"]) for claim in feature.claim_ids for other in sharing["claim", claim]]
        boosts.append(found)
    return boosts


def _block_candidates(rows: range, features: list[_Features], tag_rows: dict[str, np.ndarray],
                      tag_weight: dict[str, float], boosts: list[list[tuple[int, float]]], days: np.ndarray,
                      limit: int) -> list[list[int]]:
    """For each row, the positions whose approximate score may reach its top `limit`, in
    collection order. Scores are summed for the whole block at once (`bincount`); the date bonus
    and the cut are then computed only for the pairs that share something, usually a small part
    of the block."""
    import numpy as np  # here: a build that reuses related reading need not load it
    if limit <= 0:
        return [[] for _ in rows]
    total = len(features)
    flat: list[np.ndarray] = []
    weights: list[np.ndarray] = []
    for offset, position in enumerate(rows):
        for tag in features[position].tag_slugs:
            flat.append(tag_rows[tag] + offset * total)
            weights.append(np.full(len(tag_rows[tag]), tag_weight[tag]))
        if boosts[position]:
            others, amounts = zip(*boosts[position])
            flat.append(np.array(others, dtype=np.int64) + offset * total)
            weights.append(np.array(amounts))
    if not flat:
        return [[] for _ in rows]
    scores = np.bincount(np.concatenate(flat), np.concatenate(weights), minlength=len(rows) * total)
    pairs = np.flatnonzero(scores)  # row-major: each row's pairs together, in collection order
    row_of, other = np.divmod(pairs, total)
    mine = np.asarray(rows)[row_of]
    distinct = other != mine
    row_of, other, mine, scores = row_of[distinct], other[distinct], mine[distinct], scores[pairs[distinct]]
    # fmax turns the NaN of a missing date into no bonus
    scores += RELATED_WEIGHTS["date"] * np.fmax(1 - np.abs(days[mine] - days[other]) / 365, 0)
    bounds = np.searchsorted(row_of, np.arange(len(rows) + 1))
    candidates = []
    for offset in range(len(rows)):
        start, end = bounds[offset], bounds[offset + 1]
        if end - start <= limit:
            candidates.append(other[start:end].tolist())
            continue
        row_scores = scores[start:end]
        cut = np.partition(row_scores, -limit)[-limit]
        candidates.append(other[start:end][row_scores >= cut - _MARGIN].tolist())
    return candidates


@dataclass(frozen=True)
class _Features:
    """What related reading compares, computed once per article: slugify is slow, so it runs once per
    tag here, not once per pair of articles."""

    article: Article
    tag_slugs: frozenset[str]
    tag_slug_of: tuple[tuple[str, str], ...]  # (name, slug) in the article's order
    claim_ids: frozenset[str]
    hand: frozenset[str]


class Reason(str):
    """Why a piece is related, in English (what the collection and its tests read), with its kind and
    values, so that a page can say it in the interface's language (`reason_in`)."""

    kind: str
    values: Any

    @classmethod
    def of(cls, kind: str, english: str, values: Any = ()) -> Reason:
        reason = cls(english)
        reason.kind, reason.values = kind, values
        return reason


def reason_in(reason: str, words: Interface) -> str:
    """A reason in the interface's language (a plain string, e.g. from an older memo, as it is)."""
    kind, values = getattr(reason, "kind", ""), getattr(reason, "values", ())
    if kind == "hand":
        return words.gettext("linked by the editors")
    if kind == "event":
        return words.gettext("same event")
    if kind == "claims":
        return words.ngettext("shares claim: %(names)s", "shares claims: %(names)s", len(values),
                              names=words.gettext(", ").join(values))
    if kind == "tags":
        return words.gettext("shares tags: %(names)s", names=words.gettext(", ").join(values))
    if kind == "days":
        return (words.gettext("published the same day") if values == 0 else
                words.ngettext("published %(num)s day apart", "published %(num)s days apart", values))
    return str(reason)


def _features(article: Article) -> _Features:
    slug_of = tuple((name, name_slug(name)) for name in article.tags)
    return _Features(article, frozenset(s for _, s in slug_of), slug_of, frozenset(c.id for c in article.claims),
                     frozenset(s for s, _ in article.related))


def _score(mine: _Features, theirs: _Features, tag_counts: Mapping[str, int], total: int) -> RelatedPiece | None:
    article, other = mine.article, theirs.article
    score, reasons = 0.0, []
    if other.slug in mine.hand or article.slug in theirs.hand:
        score += RELATED_WEIGHTS["hand link"]
        reasons.append(Reason.of("hand", "linked by the editors"))
    if article.event and article.event == other.event:
        score += RELATED_WEIGHTS["same event"]
        reasons.append(Reason.of("event", "same event"))
    shared_claims = sorted(mine.claim_ids & theirs.claim_ids)
    if shared_claims:
        score += RELATED_WEIGHTS["shared claim"] * len(shared_claims)
        english = f"shares claim{'s' if len(shared_claims) > 1 else ''}: {', '.join(shared_claims)}"
        reasons.append(Reason.of("claims", english, tuple(shared_claims)))
    shared = list(dict.fromkeys((name, slug) for name, slug in mine.tag_slug_of if slug in theirs.tag_slugs))
    if shared:
        score += sum(RELATED_WEIGHTS["shared tag"] * math.log(1 + total / tag_counts[slug]) for _, slug in shared)
        reasons.append(Reason.of("tags", "shares tags: " + ", ".join(name for name, _ in shared),
                                 tuple(name for name, _ in shared)))
    if not reasons:
        return None
    if article.date and other.date:
        days = abs((article.date - other.date).days)
        score += RELATED_WEIGHTS["date"] * max(0.0, 1 - days / 365)
        if days <= 31:
            reasons.append(Reason.of("days", "published the same day" if days == 0
                                     else f"published {days} day{'s' if days > 1 else ''} apart", days))
    return RelatedPiece(other, round(score, 3), tuple(reasons))

