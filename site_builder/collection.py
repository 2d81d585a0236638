"""All articles together: outlets, tags, events, claims, related reading and backlinks.

This is the one stage that sees every article at once, so everything that needs the whole
collection is computed here, once, before any page is rendered; templates only look things up.
Cross-references are also checked here (a wikilink or `related` slug naming no article, a claim
stated two ways, an event covered once), each reported at its file and line.

Related reading is ranked by a score (see `RELATED_WEIGHTS`): links made by hand first, then a
shared event, shared claims, shared tags weighted by rarity (a tag on every piece says nothing),
and closeness in date as the tie-breaker. A piece must share at least one of the first four to
be listed at all.
"""

from __future__ import annotations

import difflib
import hashlib
import math
import pickle
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from datetime import date
from types import MappingProxyType
from collections.abc import Iterable, Iterator, Mapping

from slugify import slugify

from site_builder import problem_codes as codes
from site_builder.hashing import digest
from site_builder.config import SiteConfig
from site_builder.errors import Problem
from site_builder.outlets import OUTLETS_FILE, OutletProfile
from site_builder.reader import Article, ArticleClaim

RELATED_WEIGHTS = MappingProxyType({
    "hand link": 100.0,       # the editors said so
    "same event": 50.0,       # the same story, told by another outlet
    "shared claim": 20.0,     # per claim both pieces carry
    "shared tag": 4.0,        # per tag, times ln(1 + pieces / pieces with that tag)
    "date": 5.0,              # times max(0, 1 - days apart / 365)
})


@dataclass(frozen=True)
class Outlet:
    slug: str
    name: str
    profile: OutletProfile | None
    articles: tuple[Article, ...]  # newest first

    @property
    def first_date(self) -> date | None:
        return min((a.date for a in self.articles if a.date), default=None)

    @property
    def last_date(self) -> date | None:
        return max((a.date for a in self.articles if a.date), default=None)

    @property
    def stances(self) -> dict[str, int]:
        counts: dict[str, int] = defaultdict(int)
        for article in self.articles:
            counts[article.stance or "unassessed"] += 1
        return dict(counts)


@dataclass(frozen=True)
class Tag:
    slug: str
    name: str
    articles: tuple[Article, ...]


@dataclass(frozen=True)
class Event:
    key: str
    articles: tuple[Article, ...]  # oldest first: the order the story was told

    @property
    def title(self) -> str:
        """`2015-10-07-caspian-missile-strike` -> `Caspian missile strike`."""
        words = self.key.split("-")
        if len(words) > 3 and all(w.isdigit() for w in words[:3]):
            words = words[3:]
        return " ".join(words).capitalize()

    @property
    def day(self) -> date | None:
        try:
            return date.fromisoformat(self.key[:10])
        except ValueError:
            return None


@dataclass(frozen=True)
class Appearance:
    article: Article
    role: str  # makes | reports | disputes
    by: str
    note_html: str


@dataclass(frozen=True)
class Claim:
    id: str
    text: str
    by: str
    verdict: str
    note_html: str
    evidence: tuple[str, ...]
    appearances: tuple[Appearance, ...]  # oldest first


@dataclass(frozen=True)
class RelatedPiece:
    article: Article
    score: float
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class Collection:
    """The published articles, newest first, and everything that relates them."""

    articles: tuple[Article, ...]
    drafts_hidden: int = 0
    outlets: tuple[Outlet, ...] = ()
    tags: tuple[Tag, ...] = ()
    events: tuple[Event, ...] = ()
    claims: tuple[Claim, ...] = ()
    related: Mapping[str, tuple[RelatedPiece, ...]] = field(default_factory=dict)
    backlinks: Mapping[str, tuple[Article, ...]] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.articles)

    def __reduce__(self):
        """Pickled by the build cache (build._read keeps a collection while its inputs are the
        same): the read-only mappings as what they wrap, the lookups made on demand left out."""
        plain = {name: getattr(self, name) for name in self.__dataclass_fields__}
        plain["backlinks"] = dict(self.backlinks)
        if isinstance(plain["related"], MappingProxyType):
            plain["related"] = dict(plain["related"])
        return _restored_collection, (plain,)

    @cached_property
    def _outlets_by_slug(self) -> dict[str, Outlet]:
        return {o.slug: o for o in self.outlets}

    @cached_property
    def _events_by_key(self) -> dict[str, Event]:
        return {e.key: e for e in self.events}

    @cached_property
    def _claims_by_slug(self) -> dict[str, list[tuple[Claim, Appearance]]]:
        found: dict[str, list[tuple[Claim, Appearance]]] = defaultdict(list)
        for claim in self.claims:
            for appearance in claim.appearances:
                found[appearance.article.slug].append((claim, appearance))
        return found

    def outlet_of(self, article: Article) -> Outlet | None:
        return self._outlets_by_slug.get(_slug(article.outlet)) if article.outlet else None

    def event_of(self, article: Article) -> Event | None:
        return self._events_by_key.get(article.event)

    def claims_in(self, article: Article) -> list[tuple[Claim, Appearance]]:
        return list(self._claims_by_slug.get(article.slug, ()))  # by slug: a re-read copy of the article finds them too

    def tag_slug(self, name: str) -> str:
        return _slug(name)

    def months(self) -> list[tuple[date, list[Article]]]:
        """Dated pieces grouped by month, oldest month first (the timeline)."""
        groups: dict[date, list[Article]] = defaultdict(list)
        for article in sorted((a for a in self.articles if a.date), key=lambda a: a.date):
            groups[article.date.replace(day=1)].append(article)
        return sorted(groups.items())


def build_collection(articles: list[Article], outlets: dict[str, OutletProfile] | None, config: SiteConfig,
                     include_drafts: bool = False, memo: dict | None = None) -> tuple[Collection, list[Problem]]:
    """Relate every published article to the others; report broken or inconsistent cross-references.

    `memo` (kept by the build cache) remembers related reading while nothing it depends on changed.
    """
    published = sorted((a for a in articles if include_drafts or not a.draft), key=_newest_first)
    problems = _check_links(articles, {a.slug for a in published})
    claims, claim_problems = _merge_claims(published)
    events, event_problems = _group_events(published, config.strict_events)
    collection = Collection(
        articles=tuple(published),
        drafts_hidden=len(articles) - len(published),
        outlets=_group_outlets(published, outlets),
        tags=_group_tags(published),
        events=events,
        claims=claims,
        related=_read_only(_remembered_related(published, config.related_count, memo)),
        backlinks=MappingProxyType(_backlinks(published)),
    )
    return collection, problems + claim_problems + event_problems + _check_outlets(published, outlets)


def _read_only(mapping: Mapping) -> Mapping:
    return mapping if isinstance(mapping, _RememberedRelated) else MappingProxyType(mapping)


def _restored_collection(plain: dict) -> Collection:
    return Collection(**{**plain, "related": _read_only(plain["related"]),
                         "backlinks": MappingProxyType(plain["backlinks"])})


def _newest_first(article: Article) -> tuple[int, str]:
    """Sort key: date descending (undated drafts last), then title for a stable order."""
    ordinal = article.date.toordinal() if article.date else date.min.toordinal()
    return (-ordinal, article.title.casefold())


# --- cross-reference checks -------------------------------------------------------------------

def _check_links(articles: list[Article], published: set[str]) -> list[Problem]:
    """Every wikilink and `related` slug must name a published article."""
    every_slug = sorted(a.slug for a in articles)
    problems = []
    for article in articles:
        for kind, links in (("wikilink", article.wikilinks), ("related", article.related)):
            for slug, line in links:
                if slug in published:
                    continue
                if slug in every_slug:
                    problems.append(Problem(article.path, line, f"{kind} `{slug}` links to a draft",
                                            "publish it (`draft: false`) or remove the link", code=codes.LINK_TO_DRAFT))
                else:
                    problems.append(Problem(article.path, line, f"{kind} `{slug}` names no article",
                                            _closest("slug", slug, every_slug), code=codes.LINK_TO_NOTHING))
    return problems


def _check_outlets(articles: Iterable[Article], profiles: dict[str, OutletProfile] | None) -> list[Problem]:
    if profiles is None:
        return []
    return [Problem(a.path, a.outlet_line, f"outlet `{a.outlet}` has no profile in {OUTLETS_FILE}",
                    _outlet_hint(a.outlet, list(profiles)),
                    severity="warning", code=codes.OUTLET_WITHOUT_PROFILE)
            for a in articles if a.outlet and a.outlet not in profiles]


def _outlet_hint(outlet: str, profiles: list[str]) -> str:
    """A misspelt outlet is the likelier mistake; a new outlet needs its profile written."""
    add = f"add `{outlet}:` to {OUTLETS_FILE}"
    close = difflib.get_close_matches(outlet, profiles, n=1, cutoff=0.5)
    return f"did you mean `{close[0]}`, or {add}?" if close else f"no outlet is close to it: {add}"


def _closest(what: str, value: str, candidates: list[str]) -> str:
    close = difflib.get_close_matches(value, candidates, n=1, cutoff=0.5)
    return f"did you mean `{close[0]}`?" if close else f"no {what} is close to it"


# --- grouping ---------------------------------------------------------------------------------

def _group_outlets(articles: list[Article], profiles: dict[str, OutletProfile] | None) -> tuple[Outlet, ...]:
    by_slug: dict[str, list[Article]] = defaultdict(list)
    names: dict[str, str] = {}
    for article in articles:
        if article.outlet:
            slug = _slug(article.outlet)
            names.setdefault(slug, article.outlet)
            by_slug[slug].append(article)
    outlets = [Outlet(slug, names[slug], (profiles or {}).get(names[slug]), tuple(items))
               for slug, items in by_slug.items()]
    return tuple(sorted(outlets, key=lambda o: o.name.casefold()))


def _group_tags(articles: list[Article]) -> tuple[Tag, ...]:
    by_slug: dict[str, list[Article]] = defaultdict(list)
    names: dict[str, str] = {}
    for article in articles:
        for tag in article.tags:
            slug = _slug(tag)
            names.setdefault(slug, tag)
            if not by_slug[slug] or by_slug[slug][-1] is not article:  # two spellings of one tag
                by_slug[slug].append(article)
    return tuple(sorted((Tag(s, names[s], tuple(items)) for s, items in by_slug.items()),
                        key=lambda t: t.name.casefold()))


def _group_events(articles: list[Article], strict: bool) -> tuple[tuple[Event, ...], list[Problem]]:
    by_key: dict[str, list[Article]] = defaultdict(list)
    for article in articles:
        if article.event:
            by_key[article.event].append(article)
    problems = []
    for key, items in by_key.items():
        if len(items) == 1:
            others = [k for k in by_key if k != key]
            problems.append(Problem(items[0].path, items[0].event_line, f"event `{key}` is covered by no other piece",
                                    _closest("event", key, others) if others else "check its spelling",
                                    severity="error" if strict else "warning", code=codes.LONELY_EVENT))
    events = [Event(key, tuple(sorted(items, key=lambda a: (a.date or date.max, a.title))))
              for key, items in by_key.items()]
    return tuple(sorted(events, key=lambda e: e.key)), problems


def _merge_claims(articles: list[Article]) -> tuple[tuple[Claim, ...], list[Problem]]:
    """One Claim per id; its text and verdict must agree wherever they are stated."""
    stated: dict[str, list[tuple[Article, ArticleClaim]]] = defaultdict(list)
    for article in sorted(articles, key=lambda a: (a.date or date.max, a.path)):
        for claim in article.claims:
            stated[claim.id].append((article, claim))
    claims, problems = [], []
    for claim_id, entries in stated.items():
        text, verdict, found = _agreed(claim_id, entries)
        problems += found
        first_note = next((c.note_html for _, c in entries if c.note_html), "")
        evidence = tuple(dict.fromkeys(url for _, c in entries for url in c.evidence))
        appearances = tuple(Appearance(a, c.role, c.by, c.note_html) for a, c in entries)
        claims.append(Claim(claim_id, text, entries[0][1].by, verdict, first_note, evidence, appearances))
    return tuple(sorted(claims, key=lambda c: c.id)), problems


def _agreed(claim_id: str, entries: list[tuple[Article, ArticleClaim]]) -> tuple[str, str, list[Problem]]:
    problems = []
    agreed = {}
    for key in ("text", "verdict"):
        first = next(((a, c) for a, c in entries if getattr(c, key)), None)
        if first is None:
            article, claim = entries[0]
            problems.append(Problem(article.path, claim.line, f"claim `{claim_id}` has no {key}",
                                    f"add `{key}:` where the claim is first recorded", code=codes.CLAIM_INCOMPLETE))
            agreed[key] = ""
            continue
        agreed[key] = getattr(first[1], key)
        for article, claim in entries:
            if getattr(claim, key) and getattr(claim, key) != agreed[key]:
                problems.append(Problem(article.path, claim.line,
                                        f"claim `{claim_id}` has a different {key} here than in {first[0].path}",
                                        f"use the same {key} (`{agreed[key]}`), or leave it out and keep only the `id`"
                                        if key == "verdict" else
                                        f"state it once; elsewhere `id: {claim_id}` alone is enough",
                                        code=codes.CLAIM_DISAGREEMENT))
    return agreed["text"], agreed["verdict"], problems


# --- related reading and backlinks ------------------------------------------------------------

@dataclass(frozen=True)
class _Features:
    """What related reading compares, computed once per article (slugify is slow, N² calls were minutes)."""

    article: Article
    tag_slugs: frozenset[str]
    tag_slug_of: tuple[tuple[str, str], ...]  # (name, slug) in the article's order
    claim_ids: frozenset[str]
    hand: frozenset[str]


def _remembered_related(articles: list[Article], limit: int, memo: dict | None) -> dict[str, tuple[RelatedPiece, ...]]:
    """Related reading, reused from `memo` while no piece's slug, title, date, tags, event, claims
    or hand links changed (an edit to an article's text changes none of them)."""
    if memo is None:
        return _all_related(articles, limit)
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
    """Remembered related reading, made into RelatedPieces only for the pages that show it (an
    edit build renders a few): making all 60,000 took a tenth of a second at N=10,000. Each
    article's list stays pickled until then too: loading them with the cache took 30 ms."""

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

    Scoring every pair in Python took minutes at N=1,000 and hours at N=10,000. Here NumPy scores
    a block of rows at once (tag weights summed by `bincount`, the other reasons added on top, the
    date bonus as one vector operation); only the few best candidates of each row, within a small
    margin of the cut, are scored again exactly by `_score`, which decides the order and reasons.
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


_ROWS_PER_BLOCK = 256  # rows scored at once: a block is 256 x N floats (20 MB at N=10,000)
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
    and the cut are then computed only for the pairs that share something, a tenth of them."""
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


def _features(article: Article) -> _Features:
    slug_of = tuple((name, _slug(name)) for name in article.tags)
    return _Features(article, frozenset(s for _, s in slug_of), slug_of, frozenset(c.id for c in article.claims),
                     frozenset(s for s, _ in article.related))


def _score(mine: _Features, theirs: _Features, tag_counts: Mapping[str, int], total: int) -> RelatedPiece | None:
    article, other = mine.article, theirs.article
    score, reasons = 0.0, []
    if other.slug in mine.hand or article.slug in theirs.hand:
        score += RELATED_WEIGHTS["hand link"]
        reasons.append("linked by the editors")
    if article.event and article.event == other.event:
        score += RELATED_WEIGHTS["same event"]
        reasons.append("same event")
    shared_claims = sorted(mine.claim_ids & theirs.claim_ids)
    if shared_claims:
        score += RELATED_WEIGHTS["shared claim"] * len(shared_claims)
        reasons.append(f"shares claim{'s' if len(shared_claims) > 1 else ''}: {', '.join(shared_claims)}")
    shared = list(dict.fromkeys((name, slug) for name, slug in mine.tag_slug_of if slug in theirs.tag_slugs))
    if shared:
        score += sum(RELATED_WEIGHTS["shared tag"] * math.log(1 + total / tag_counts[slug]) for _, slug in shared)
        reasons.append("shares tags: " + ", ".join(name for name, _ in shared))
    if not reasons:
        return None
    if article.date and other.date:
        days = abs((article.date - other.date).days)
        score += RELATED_WEIGHTS["date"] * max(0.0, 1 - days / 365)
        if days <= 31:
            reasons.append("published the same day" if days == 0 else f"published {days} day{'s' if days > 1 else ''} apart")
    return RelatedPiece(other, round(score, 3), tuple(reasons))


MAX_NAME_SLUG = 80  # a page's folder name; file systems refuse names over 255 bytes


@lru_cache(maxsize=None)
def _slug(name: str) -> str:
    """slugify, remembered: the same few hundred tag and outlet names come up on every page.

    A name with no letters or digits (`!!!`, an emoji) or a very long one gets a hash of the name,
    so its page neither lands on the list page (`tags//`) nor fails with "file name too long".
    """
    slug = slugify(name)
    if slug and len(slug) <= MAX_NAME_SLUG:
        return slug
    digest = hashlib.sha256(name.encode("utf-8", "surrogatepass")).hexdigest()[:10]
    return f"{slug[:MAX_NAME_SLUG - 11].rstrip('-')}-{digest}".lstrip("-")


def _backlinks(articles: list[Article]) -> dict[str, tuple[Article, ...]]:
    """Which pieces link here from their text, notes or context (newest first, each once)."""
    linking: dict[str, list[Article]] = defaultdict(list)
    for article in articles:  # already newest first
        for slug in dict.fromkeys(s for s, _ in article.wikilinks):
            if slug != article.slug:
                linking[slug].append(article)
    return {slug: tuple(items) for slug, items in linking.items()}
