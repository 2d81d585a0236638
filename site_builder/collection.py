"""All articles together: outlets, tags, events, claims, related reading and backlinks.

This is the one stage that sees every article at once, so everything that needs the whole
collection is computed here, once, before any page is rendered; templates only look things up.
Cross-references are also checked here (a wikilink or `related` slug naming no article, a claim
stated two ways, an event covered once), each reported at its file and line.

Related reading is scored in `site_builder.related`; this module only asks it for the ranking.
"""

from __future__ import annotations

import difflib
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cached_property
from datetime import date
from types import MappingProxyType
from collections.abc import Iterable, Mapping

from site_builder import problem_codes as codes
from site_builder.config import SiteConfig
from site_builder.corrections import Correction, LoggedCorrection, corrections_log
from site_builder.errors import Problem
from site_builder.events import EVENTS_FILE, EventProfile
from site_builder.outlets import OUTLETS_FILE, OutletProfile
from site_builder.pages import MenuEntry, Page
from site_builder.reader import Article, ArticleClaim
from site_builder.related import RelatedPiece, related_reading
from site_builder.urls import name_slug


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
    profile: EventProfile | None = None  # the editors' entry in content/events.yml, if any

    @property
    def title(self) -> str:
        """The editors' title; else from the key: `2015-10-07-caspian-missile-strike` -> `Caspian missile strike`."""
        if self.profile and self.profile.title:
            return self.profile.title
        words = self.key.split("-")
        if len(words) > 3 and all(w.isdigit() for w in words[:3]):
            words = words[3:]
        return " ".join(words).capitalize()

    @property
    def description_html(self) -> str:
        return self.profile.description_html if self.profile else ""

    @property
    def start(self) -> date | None:
        """The first day of the story: from events.yml, else the date its key starts with."""
        return self.profile.start if self.profile and self.profile.start else self.day

    @property
    def end(self) -> date | None:
        return self.profile.end if self.profile else None

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
    corrections: tuple[Correction, ...] = ()  # those of its pieces that touch it (`claims.<id>...`), oldest first


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
    pages: tuple[Page, ...] = ()  # the editors' standalone pages, by file name
    menu: tuple[MenuEntry, ...] = ()  # the site's navigation, as every page shows it
    corrections: tuple[LoggedCorrection, ...] = ()  # every published correction, newest first (/corrections/)
    translations: tuple[tuple[str, tuple[Article, ...]], ...] = ()  # original's slug -> its published translations

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
    def by_slug(self) -> dict[str, Article]:
        """Each published piece by its slug: made once per build, for every step that looks a
        piece up (keying, planning, the translations), instead of once by each."""
        return {article.slug: article for article in self.articles}

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

    @cached_property
    def _versions(self) -> dict[str, tuple[Article, ...]]:
        """Each piece's published versions in other languages: the original first, then its translations."""
        by_slug = self.by_slug
        found: dict[str, tuple[Article, ...]] = {}
        for original, translations in self.translations:
            every = ((by_slug[original],) if original in by_slug else ()) + translations
            for version in every:
                found[version.slug] = tuple(other for other in every if other.slug != version.slug)
        return found

    def versions_of(self, article: Article) -> tuple[Article, ...]:
        """The other published versions of `article` (its original, its translations): only pages
        that exist, so a language switcher never leads to a missing page."""
        return self._versions.get(article.slug, ())

    def outlet_of(self, article: Article) -> Outlet | None:
        return self._outlets_by_slug.get(name_slug(article.outlet)) if article.outlet else None

    def event_of(self, article: Article) -> Event | None:
        return self._events_by_key.get(article.event)

    def claims_in(self, article: Article) -> list[tuple[Claim, Appearance]]:
        return list(self._claims_by_slug.get(article.slug, ()))  # by slug: a re-read copy of the article finds them too

    def tag_slug(self, name: str) -> str:
        return name_slug(name)

    def months(self) -> list[tuple[date, list[Article]]]:
        """Dated pieces grouped by month, oldest month first (the timeline)."""
        groups: dict[date, list[Article]] = defaultdict(list)
        for article in sorted((a for a in self.articles if a.date), key=lambda a: a.date):
            groups[article.date.replace(day=1)].append(article)
        return sorted(groups.items())


def build_collection(articles: list[Article], outlets: dict[str, OutletProfile] | None, config: SiteConfig,
                     include_drafts: bool = False, memo: dict | None = None, *,
                     events: dict[str, EventProfile] | None = None, pages: tuple[Page, ...] = (),
                     menu: tuple[MenuEntry, ...] = ()) -> tuple[Collection, list[Problem]]:
    """Relate every published article to the others; report broken or inconsistent cross-references.

    `memo` (kept by the build cache) remembers related reading while nothing it depends on changed.
    `events` are the editors' profiles from events.yml; `pages` and `menu` are carried to the pages.
    """
    published = sorted((a for a in articles if include_drafts or not a.draft), key=_newest_first)
    problems = _check_links(articles, {a.slug for a in published}, _editors_links(pages, events))
    claims, claim_problems = _merge_claims(published)
    grouped, event_problems = _group_events(published, config.strict_events, events)
    grouped_outlets = _group_outlets(published, outlets)
    collection = Collection(
        articles=tuple(published),
        drafts_hidden=len(articles) - len(published),
        outlets=grouped_outlets,
        tags=_group_tags(published),
        events=grouped,
        claims=claims,
        related=related_reading(published, config.related_count, memo),
        backlinks=MappingProxyType(_backlinks(published)),
        pages=pages,
        menu=menu,
        corrections=_log(published, grouped_outlets, claims),
        translations=_translations(published),
    )
    return collection, (problems + claim_problems + event_problems + _check_outlets(published, outlets)
                        + _check_event_profiles(articles, grouped, events))


def _restored_collection(plain: dict) -> Collection:
    related = plain["related"]  # a dict if it was a MappingProxyType; related reading's own mapping is read-only
    return Collection(**{**plain, "related": MappingProxyType(related) if isinstance(related, dict) else related,
                         "backlinks": MappingProxyType(plain["backlinks"])})


def _newest_first(article: Article) -> tuple[int, str]:
    """Sort key: date descending (undated drafts last), then title for a stable order."""
    ordinal = article.date.toordinal() if article.date else date.min.toordinal()
    return (-ordinal, article.title.casefold())


# --- cross-reference checks -------------------------------------------------------------------

def _check_links(articles: list[Article], published: set[str],
                 others: list[tuple[str, tuple[tuple[str, int], ...]]] = ()) -> list[Problem]:
    """Every wikilink and `related` slug must name a published article; so must the wikilinks
    of the editors' other texts (`others`: each file's path and its links)."""
    every_slug = sorted(a.slug for a in articles)
    sources = [(a.path, kind, links) for a in articles for kind, links in (("wikilink", a.wikilinks),
                                                                           ("related", a.related))]
    sources += [(path, "wikilink", links) for path, links in others]
    problems = []
    for path, kind, links in sources:
        for slug, line in links:
            if slug in published:
                continue
            if slug in every_slug:
                problems.append(Problem(path, line, f"{kind} `{slug}` links to a draft",
                                        "publish it (`draft: false`) or remove the link", code=codes.LINK_TO_DRAFT))
            else:
                problems.append(Problem(path, line, f"{kind} `{slug}` names no article",
                                        _closest("slug", slug, every_slug), code=codes.LINK_TO_NOTHING))
    return problems


def _editors_links(pages: tuple[Page, ...], events: dict[str, EventProfile] | None) -> list:
    """The wikilinks of standalone pages and event descriptions, by file."""
    found = [(page.path, page.wikilinks) for page in pages]
    return found + [(EVENTS_FILE, profile.wikilinks) for profile in (events or {}).values()]


def _check_outlets(articles: Iterable[Article], profiles: dict[str, OutletProfile] | None) -> list[Problem]:
    if profiles is None:
        return []
    return [Problem(a.path, a.outlet_line, f"outlet `{a.outlet}` has no profile in {OUTLETS_FILE}",
                    _outlet_hint(a.outlet, list(profiles)),
                    severity="warning", code=codes.OUTLET_WITHOUT_PROFILE)
            for a in articles if a.outlet and a.outlet not in profiles]


def _check_event_profiles(articles: list[Article], events: tuple[Event, ...],
                          profiles: dict[str, EventProfile] | None) -> list[Problem]:
    """With an events.yml, every published event has a title there, and every entry is used."""
    if profiles is None:
        return []
    problems = [Problem(e.articles[0].path, e.articles[0].event_line, f"event `{e.key}` has no title in {EVENTS_FILE}",
                        _event_hint(e.key, profiles), severity="warning", code=codes.EVENT_WITHOUT_TITLE)
                for e in events if not (e.key in profiles and profiles[e.key].title)]
    named = sorted({a.event for a in articles if a.event})
    return problems + [Problem(EVENTS_FILE, p.line, f"event `{p.key}` is named by no article",
                               _closest("event", p.key, named), severity="warning", code=codes.EVENT_UNUSED)
                       for p in profiles.values() if p.key not in named]


def _event_hint(key: str, profiles: dict[str, EventProfile]) -> str:
    if key in profiles:
        return f"add a `title:` under `{key}:` in {EVENTS_FILE}"
    add = f"add `{key}:` with a `title:` to {EVENTS_FILE}"
    close = difflib.get_close_matches(key, list(profiles), n=1, cutoff=0.6)
    return f"did you mean `{close[0]}`, or {add}?" if close else add


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
            slug = name_slug(article.outlet)
            names.setdefault(slug, article.outlet)
            by_slug[slug].append(article)
    outlets = [Outlet(slug, names[slug], (profiles or {}).get(names[slug]), tuple(items))
               for slug, items in by_slug.items()]
    return tuple(sorted(outlets, key=lambda o: o.name.casefold()))


def _translations(articles: list[Article]) -> tuple[tuple[str, tuple[Article, ...]], ...]:
    """Each original's published translations, by language; `translation_of` checked by the reader."""
    by_original: dict[str, list[Article]] = defaultdict(list)
    for article in articles:
        if article.translation_of:
            by_original[article.translation_of].append(article)
    return tuple((slug, tuple(sorted(items, key=lambda a: (a.language, a.slug))))
                 for slug, items in sorted(by_original.items()))


def _group_tags(articles: list[Article]) -> tuple[Tag, ...]:
    by_slug: dict[str, list[Article]] = defaultdict(list)
    names: dict[str, str] = {}
    for article in articles:
        for tag in article.tags:
            slug = name_slug(tag)
            names.setdefault(slug, tag)
            if not by_slug[slug] or by_slug[slug][-1] is not article:  # two spellings of one tag
                by_slug[slug].append(article)
    return tuple(sorted((Tag(s, names[s], tuple(items)) for s, items in by_slug.items()),
                        key=lambda t: t.name.casefold()))


def _group_events(articles: list[Article], strict: bool,
                  profiles: dict[str, EventProfile] | None) -> tuple[tuple[Event, ...], list[Problem]]:
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
    events = [Event(key, tuple(sorted(items, key=lambda a: (a.date or date.max, a.title))), (profiles or {}).get(key))
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
        corrections = tuple(c for _, c in _claim_corrections(claim_id, appearances))
        claims.append(Claim(claim_id, text, entries[0][1].by, verdict, first_note, evidence, appearances, corrections))
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


def _claim_corrections(claim_id: str, appearances: Iterable[Appearance]) -> list[tuple[Article, Correction]]:
    """The corrections touching a claim, wherever they are recorded among the pieces carrying it
    (the piece that declares it, by the editors' convention), each once, oldest piece first."""
    pieces = dict.fromkeys(appearance.article.slug for appearance in appearances)
    by_slug = {appearance.article.slug: appearance.article for appearance in appearances}
    return [(by_slug[slug], c) for slug in pieces for c in by_slug[slug].corrections if c.claim_id == claim_id]


# --- the corrections log ----------------------------------------------------------------------

def _log(articles: list[Article], outlets: tuple[Outlet, ...], claims: tuple[Claim, ...]) -> tuple[LoggedCorrection, ...]:
    """Every correction of a published piece, claim or profiled outlet, with the page showing it.

    A claim's correction is shown on the claim's page, numbered as that page numbers them; the
    others on their piece's or outlet's page, numbered as in their list."""
    entries, on_claim_pages = [], set()
    for claim in claims:
        for index, (article, correction) in enumerate(_claim_corrections(claim.id, claim.appearances), 1):
            on_claim_pages.add((article.slug, correction.number))
            entries.append(LoggedCorrection(correction, "claim", claim.text, f"claims/{claim.id}/",
                                            f"correction-{index}", article.title))
    for article in articles:
        entries += [LoggedCorrection(c, "piece", article.title, f"articles/{article.slug}/", f"correction-{c.number}")
                    for c in article.corrections if (article.slug, c.number) not in on_claim_pages]
    for outlet in outlets:
        entries += [LoggedCorrection(c, "outlet", outlet.name, f"outlets/{outlet.slug}/", f"correction-{c.number}")
                    for c in (outlet.profile.corrections if outlet.profile else ())]
    return corrections_log(entries)


# --- backlinks ------------------------------------------------------------------------------

def _backlinks(articles: list[Article]) -> dict[str, tuple[Article, ...]]:
    """Which pieces link here from their text, notes or context (newest first, each once)."""
    linking: dict[str, list[Article]] = defaultdict(list)
    for article in articles:  # already newest first
        for slug in dict.fromkeys(s for s, _ in article.wikilinks):
            if slug != article.slug:
                linking[slug].append(article)
    return {slug: tuple(items) for slug, items in linking.items()}
