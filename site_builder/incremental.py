"""Which pages an edit affects, and rendering only those (across processes when there are many).

Each page gets a dependency key: a hash of everything it shows. A page whose key equals the one
recorded by the last build, and whose file the last build wrote, is not rendered again.

- Every key starts from the site key: site_builder's code, the site options, every template
  and static file of the theme chain, content/outlets.yml (shown on outlet and article pages)
  and the menu (shown on every page; it names the standalone pages by their titles).
- An event's entry in content/events.yml (as rendered: its description's wikilinks show other
  pieces' titles) counts on the pages that show the event: its own page, the pages of its
  pieces, and the lists. A standalone page depends on itself alone (its rendered text).
- An article is hashed two ways. Its *full* key covers everything (its file's bytes, its links'
  targets, its provenance original, a translation's original's file). Its *summary* covers what
  other pages show of it: every field but the body (text, notes, table of contents, word count,
  author bio, provenance).
- An article page depends on its own full key and on the summaries of the pieces it shows:
  related reading (with scores and reasons), backlinks, its translations or original, the same
  event, its claims' other appearances, its outlet. A tag, outlet, event or claim page depends on the summaries of its
  pieces; the home page and the other lists on the summaries of all pieces. A page of an
  annotation listing (/annotations/, an annotator's) depends on its place in the listing and the
  summaries and annotations (`annotation_pages.listing_key`) of the pieces on it, not their texts.

Charts (site_builder.charts) are drawn from the pieces their page already lists, from their
summaries (stance, date, outlet, event, claims' roles, tags), and from the site options (the
stances' order, the blindspot rule): the keys above cover them, so an edit redraws only the
charts of the pages that show that piece.

So a change to an article's text re-renders its page (and its source page) only; a new title
also re-renders the pages that list it. While only bodies changed (`PageKeys.last`), an edit
build does not even plan the other pages: it starts from the last build's plan in outline
(`KeysRecord.plan`, render.plan_site) and keeps their files and keys. This holds for themes that show the body only on the
article's own page and reach the collection only through the lookups the default theme uses;
`theme_is_tracked` checks the templates for that, and otherwise every page depends on every
article in full (still correct, just slower).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, fields
from functools import cached_property
from pathlib import Path
from typing import Callable, Iterable, Iterator

import jinja2

from site_builder.annotation_pages import PlannedPage, has_annotations, listing_key
from site_builder.hashing import digest
from site_builder.collection import Claim, Collection, Event
from site_builder.parallel import in_chunks
from site_builder.reader import Article
from site_builder.render import OutputFile, PageJob, PageKind, render_files
from site_builder.state import PlanRecord
from site_builder.textstore import shared

BODY_FIELDS = frozenset({"text_html", "notes_html", "toc", "annotations", "word_count", "author_bio_html", "provenance",
                         "wikilinks", "outlet_line", "event_line", "stance_line", "translation_of_line"})
ARTICLE_TEMPLATES = frozenset({"article.html", "source.html"})  # may show `article.<body field>`
ANNOTATION_TEMPLATES = frozenset({"annotations.html", "annotator.html", "_annotation_list.html"})  # may show `<piece>.annotations`
ITEM_TEMPLATES = frozenset({"outlet.html", "tag.html", "event.html", "claim.html", "page.html"})
SAFE_LOOKUPS = frozenset({"outlet_of", "event_of", "claims_in", "tag_slug", "related", "backlinks", "versions_of"})
_BODY_USE = re.compile(r"(?<![\w.])(\w+(?:\.\w+)*)\.(" + "|".join(sorted(BODY_FIELDS)) + r")\b")
_JINJA_CODE = re.compile(r"\{\{.*?\}\}|\{%.*?%\}", re.DOTALL)
_STRING_LITERAL = re.compile(r"'[^']*'|\"[^\"]*\"")
_COLLECTION_USE = re.compile(r"\bcollection\b(?:\.(\w+))?")


def theme_is_tracked(themes: list[Path]) -> bool:
    """True when the templates use articles and the collection only in ways the keys account for."""
    seen: set[str] = set()
    for theme in themes:
        folder = theme / "templates"
        for path in sorted(folder.rglob("*")) if folder.is_dir() else []:
            name = path.relative_to(folder).as_posix()
            if not path.is_file() or name in seen:
                continue
            seen.add(name)
            source = path.read_text(encoding="utf-8", errors="replace")
            if not _template_is_tracked(name, source):
                return False
    return True


def _template_is_tracked(name: str, source: str) -> bool:
    source = " ".join(_JINJA_CODE.findall(source))  # expressions and statements, not the page's words
    source = _STRING_LITERAL.sub("''", source)  # nor the words inside them (`_("Search the collection")`)
    for match in _BODY_USE.finditer(source):
        owner = match.group(1)
        if owner.endswith("profile"):  # an outlet profile's notes: content/outlets.yml is in the site key
            continue
        if name in ANNOTATION_TEMPLATES and match.group(2) == "annotations":  # their key covers them
            continue
        if name not in ARTICLE_TEMPLATES or owner != "article":
            return False
    if name in ARTICLE_TEMPLATES | ITEM_TEMPLATES | ANNOTATION_TEMPLATES or name.startswith("_") or name == "base.html":
        return all(m.group(1) in SAFE_LOOKUPS for m in _COLLECTION_USE.finditer(source))
    return True  # the lists (home, outlets, tags, timeline, claims, ...) depend on every summary anyway


def summary(article: Article) -> tuple:
    """What other pages may show of an article: everything but its body (see BODY_FIELDS)."""
    return (tuple(getattr(article, f.name) for f in fields(article) if f.name not in BODY_FIELDS),
            tuple(slug for slug, _ in article.wikilinks))


def summary_key(article: Article) -> str:
    return digest(*summary(article))


@dataclass(frozen=True)
class KeysRecord:
    """One build's page keys and what they were made from, kept by the cache for the next."""

    basis: tuple[str, str, str]  # (site key, summaries of every article, the standalone pages)
    keys: dict[str, str]  # page path -> dependency key
    full_keys: dict[str, str]  # article slug -> full key
    # Pages chosen by their pieces' bodies (CHOSEN_BY_BODIES) -> a hash of what they declared: which
    # pieces they show (the annotated ones), and for a page of an annotation listing its place and
    # counts, follow from the bodies, which the basis does not cover.
    declared: dict[str, str] = field(default_factory=dict)
    # An annotated piece's full key -> the hash of what the annotation listings show of it.
    listing_keys: dict[str, str] = field(default_factory=dict)
    # A piece's full key -> what the data files show of its body (`_data_body`).
    data_bodies: dict[str, str] = field(default_factory=dict)
    # The build's plan in outline (render.plan_site), which holds while the basis does. A record
    # saved without it reads as None (its class's default): the next build plans every page.
    plan: PlanRecord | None = None
    annotated: str = ""  # the build's `annotated_pieces_key` ("" in a record saved without it)

    def __getstate__(self) -> dict:
        """Its paths, slugs and full keys as one object each with their equals elsewhere in the
        state (textstore.shared): loading then makes fewer objects."""
        state = dict(self.__dict__)
        state["keys"] = {shared(path): key for path, key in self.keys.items()}
        state["full_keys"] = {shared(slug): shared(key) for slug, key in self.full_keys.items()}
        state["listing_keys"] = {shared(key): value for key, value in self.listing_keys.items()}
        state["data_bodies"] = {shared(key): value for key, value in self.data_bodies.items()}
        return state


def summaries(articles: Iterable[Article], full_keys: dict[str, str],
              known: dict[str, str] | None) -> tuple[dict[str, str], dict[str, str]]:
    """Each article's `summary_key` by slug, and what the next build needs to reuse them (`known`
    is the last build's): an edit changes few articles, and hashing every summary again is a
    large part of an edit build."""
    known = known or {}
    by_slug, remembered = {}, {}
    for article in articles:
        slug = article.slug
        full = full_keys.get(slug)
        if full is None:
            by_slug[slug] = summary_key(article)
            continue
        # The render key covers the file's bytes, not where it is: the same text in two files
        # makes two articles.
        memo = f"{full} {article.path}"
        key = known.get(memo)
        if key is None:
            key = summary_key(article)
        remembered[memo] = by_slug[slug] = key
    return by_slug, remembered


def every_page_key(site_key: str, collection: Collection) -> str:
    """The site key (build._site_key) with what else every page shows: the menu, and whether the
    site lists annotations (the menu, the search page). A tracked theme's keys start from it
    (`PageKeys.site_key`); an untracked theme's from a hash of it and every piece in full."""
    return digest(site_key, collection.menu, has_annotations(collection.articles))


class PageKeys:
    """Dependency keys for a build's pages (see the module docstring)."""

    def __init__(self, collection: Collection, site_key: str, full_keys: dict[str, str], tracked: bool,
                 known_summaries: dict[str, str] | None = None, last: "KeysRecord | None" = None,
                 summary_keys: dict[str, str] | None = None):
        """`known_summaries` (the build state's memo, which build._read keeps up to date) spares
        hashing every article's summary again, and `summary_keys` (build._read's, by slug) even
        looking them up again. `last` (the
        last build's `record()`) spares keying again the pages whose inputs it shows unchanged."""
        self.collection = collection
        self.full = full_keys
        if summary_keys and summary_keys.keys() >= collection.by_slug.keys():
            self.summary = summary_keys
        else:
            self.summary, _ = summaries(collection.articles, full_keys, known_summaries)
        self._claims: dict[str, str] = {}
        self._listing: dict[tuple[str, ...], str] = {}
        self._listing_keys: dict[str, str] = {}  # full key -> listing key, for the next build
        self._known_listing_keys = last.listing_keys if last is not None else {}
        self._annotated = ""  # annotated_pieces_key, once made
        self._annotated_kept = False  # it was the last build's: its listing keys are carried over
        self._declared: dict[str, str] = {}
        self._declarations: dict[tuple, str] = {}  # (subject, pieces in full) -> its hash, for `_declaration`
        self._data_keys: dict[tuple, str] = {}
        self._data_body_memo: dict[str, str] = {}  # for the next build (KeysRecord.data_bodies)
        self._known_data_body_memo = last.data_bodies if last is not None else {}
        self._every_data_body_made = False  # `_data_bodies_of` ran: the memo holds every piece's
        site_key = every_page_key(site_key, collection)
        summary = self.summary  # every summary key as one string (hex of one length): quicker to hash
        everything = digest(collection.drafts_hidden, " ".join([summary[a.slug] for a in collection.articles]),
                            [event.profile for event in collection.events])
        if not tracked:  # any page may show anything: each depends on every article in full
            everything = digest(everything, [full_keys[a.slug] for a in collection.articles])
            site_key = digest(site_key, everything)
        self.site_key, self.everything = site_key, everything
        # A standalone page shows itself alone: no other page's key covers it, but it is part of the collection.
        self._basis = (site_key, everything, digest(collection.pages))
        # With the same site key, summaries and standalone pages, the collection is the same (it is
        # made from those), and so is every page's key but those of pages showing a body that changed.
        self.last = last if last is not None and last.basis == self._basis else None

    def record(self, keys: dict[str, str], plan: PlanRecord | None = None) -> "KeysRecord":
        """What the next build's PageKeys needs of this one (`keys`: the keys `of` gave), with the
        build's `plan` in outline."""
        return KeysRecord(self._basis, keys, self.full, self._declared, self._every_listing_key(),
                          self._every_data_body(), plan, self._annotated)

    def _every_data_body(self) -> dict[str, str]:
        """The data body of every piece, by its full key, for the next build: this build's, when it
        made them all (a data file shows every piece); else the last build's, with those of the
        pieces whose body changed made by this one (`_data_body_as_before`), if it made them."""
        if self._every_data_body_made or not self._data_body_memo:
            return self._data_body_memo or self._known_data_body_memo
        bodies = dict(self._known_data_body_memo)
        for slug in self.changed_bodies:
            bodies.pop(self.last.full_keys.get(slug), None)
        bodies.update(self._data_body_memo)
        return bodies

    def _every_listing_key(self) -> dict[str, str]:
        """The listing key of every annotated piece, by its full key, for the next build: made by
        this one, or the last build's for the pieces whose body did not change."""
        if not self._annotated_kept:
            return self._listing_keys  # annotated_pieces_key made every one
        keys = dict(self._known_listing_keys)
        for slug in self.changed_bodies:
            keys.pop(self.last.full_keys.get(slug), None)
        keys.update(self._listing_keys)
        return keys

    def last_keys_but(self, paths: Iterable[str]) -> dict[str, str]:
        """The last build's page keys, but for the pages among `paths` (a plan made from the last
        one: the files of the sections it planned again): the pages it kept have them still."""
        keys = dict(self.last.keys)
        for path in paths:
            keys.pop(path, None)
        return keys

    def of_all(self, jobs: Iterable[PageJob]) -> dict[str, str]:
        """`of` each job, by path. The usual case of an edit build, a page that shows no changed
        body and is not chosen by bodies, is taken from the last build's keys here, without a call
        per page: there are tens of thousands at N=10,000, and all but a few are that case."""
        last = self.last
        if last is None:
            return {job.path: self.of(job) for job in jobs}
        known, changed, chosen = last.keys, self.changed_bodies, CHOSEN_BY_BODIES
        keys = {}
        for job in jobs:
            key = known.get(job.path) if job.kind not in chosen and changed.isdisjoint(job.in_full) else None
            keys[job.path] = key if key is not None else self.of(job)
        return keys

    def of(self, job: PageJob) -> str:
        """The page's key, from what it declares it shows (its kind, subject and pieces in full)."""
        last = self.last
        chosen_by_bodies = job.kind in CHOSEN_BY_BODIES
        if chosen_by_bodies:
            declared = self._declared[job.path] = self._declaration(job)
        if last is not None and job.path in last.keys:
            if (self.changed_bodies.isdisjoint(job.in_full) or self._shown_as_before(job)) and \
                    (not chosen_by_bodies or last.declared.get(job.path) == declared):
                return last.keys[job.path]
        subject = job.subject
        if job.kind is PageKind.ARTICLE:
            shows = self._article_page(subject)
        elif job.kind is PageKind.CITATION:  # its metadata, which its summary covers
            shows = self.summary[subject.slug]
        elif job.kind is PageKind.SOURCE:
            shows = self.full[subject.slug]
        elif job.kind is PageKind.FEED:
            shows = [self.full[slug] for slug in job.in_full]
        elif job.kind is PageKind.ANNOTATIONS:
            shows = (self._declaration(job), self._annotation_listing(job.in_full))
        elif job.kind in (PageKind.OUTLET, PageKind.TAG):
            shows = (subject.name, self._summaries(subject.articles))
        elif job.kind is PageKind.EVENT:
            shows = self._event(subject)
        elif job.kind is PageKind.PAGE:
            shows = subject
        elif job.kind is PageKind.CLAIM:
            shows = self._claim(subject)
        elif job.kind is PageKind.DATA:
            shows = (subject, self.everything, self._data_bodies(subject.dataset, job.in_full))
        else:
            shows = self.everything
        # The JSON-LD in a page's context is made from the same article or claim and the site options.
        return digest(self.site_key, job.template, job.path, shows)

    def annotated_pieces_key(self) -> str:
        """What the annotation listings are planned from (annotation_pages.plan_listings): the
        annotated pieces in the collection's order, their dates and what the listings show of
        their annotations. The same key plans the same pages."""
        if self._annotated:
            return self._annotated
        last = self.last
        if last is not None and last.annotated and all(self._listed_as_before_for(slug) for slug in self.changed_bodies):
            # The same summaries (the order, the dates), and every piece listed as before.
            self._annotated, self._annotated_kept = last.annotated, True
        else:
            self._annotated = digest("\n".join(f"{a.slug} {a.date} {self._listing_key(a.slug)}"  # one string: quicker to hash
                                               for a in self.collection.articles if a.has_placed_annotations))
        return self._annotated

    def _shown_as_before(self, job: PageJob) -> bool:
        """Whether a page that shows pieces' listing keys rather than their bodies (a page of an
        annotation listing, annotations.jsonld, data/annotations.csv), or their data bodies (the
        other data files: `_data_body`), shows each changed piece as the last build did (its
        summary is the same: `last`). Then its key is the last build's, as every other piece it
        shows is unchanged: hashing what a data file shows of every piece is not needed."""
        changed = self.changed_bodies.intersection(job.in_full)
        if job.kind is PageKind.ANNOTATIONS or (job.kind is PageKind.DATA and job.subject.dataset == "annotations"):
            return all(self._listed_as_before_for(slug) for slug in changed)
        if job.kind is PageKind.DATA:
            return all(self._data_body_as_before(slug) for slug in changed)
        return False

    def _data_body_as_before(self, slug: str) -> bool:
        """Whether a piece whose body changed shows the data files what it showed the last build."""
        before = self._known_data_body_memo.get(self.last.full_keys.get(slug))
        return before is not None and before == self._data_body(slug)

    def _listed_as_before_for(self, slug: str) -> bool:
        """Whether a piece whose body changed has the listing key it had (or had and has no annotations)."""
        article = self.collection.by_slug.get(slug)
        if article is None:  # not published (a hidden draft): on no listing, now or before
            return True
        before = self._known_listing_keys.get(self.last.full_keys.get(slug))
        return before == (self._listing_key(slug) if article.has_placed_annotations else None)

    def _declaration(self, job: PageJob) -> str:
        """The hash of what a page chosen by its pieces' bodies declares: a planned listing page
        hashed it when it was planned; a data file's JSON and CSV declare the same (every piece,
        for two of them): hashed once."""
        if isinstance(job.subject, PlannedPage):
            return job.subject.declared
        declared = self._declarations.get((job.subject, job.in_full))
        if declared is None:
            declared = self._declarations[job.subject, job.in_full] = digest(job.subject, job.in_full)
        return declared

    def _annotation_listing(self, slugs: tuple[str, ...]) -> str:
        """What the annotation pages show of their pieces: summaries and annotations, not texts (an
        edited text leaves them as they were). Hashed once per set of pieces (a page of
        /annotations/ and of an annotator's listing may show the same), and each piece's
        annotations only when its file changed since the last build (a piece's full key)."""
        key = self._listing.get(slugs)
        if key is None:
            key = self._listing[slugs] = digest([(self.summary[slug], self._listing_key(slug)) for slug in slugs])
        return key

    def _listing_key(self, slug: str) -> str:
        full = self.full[slug]
        key = self._listing_keys.get(full) or self._known_listing_keys.get(full)
        if key is None:
            key = digest(listing_key(self.collection.by_slug[slug]))
        self._listing_keys[full] = key
        return key

    @cached_property
    def changed_bodies(self) -> frozenset[str]:
        """The pieces whose full key is not the last build's: found once, not for every page
        showing them (the annotation listings show each annotated piece two or three times)."""
        last = self.last.full_keys if self.last is not None else {}
        return frozenset(slug for slug, key in self.full.items() if last.get(slug) != key)

    def _article_page(self, article: Article) -> tuple:
        collection = self.collection
        outlet = collection.outlet_of(article)
        event = collection.event_of(article)
        return (self.full[article.slug],
                (outlet.slug, outlet.name) if outlet else None,
                [(p.article.slug, self.summary[p.article.slug], p.score, p.reasons)
                 for p in collection.related.get(article.slug, ())],
                self._summaries(collection.backlinks.get(article.slug, ())),
                self._summaries(collection.versions_of(article)),
                self._event(event) if event else None,
                [self._claim(claim) for claim, _ in collection.claims_in(article)])

    def _data_bodies(self, dataset: str, slugs: tuple[str, ...]):
        """What a data file shows of its pieces' bodies (data_export.plan_data): the
        annotations as the listings show them, or each piece's word count, provenance and placed
        annotations' keys; not their texts, so an edit that changes none of those leaves it."""
        if dataset == "annotations":
            return self._annotation_listing(slugs)
        key = self._data_keys.get((dataset, slugs))  # its JSON and its CSV show the same
        if key is None:
            key = self._data_keys[dataset, slugs] = digest(self._data_bodies_of(slugs))
        return key

    def _data_bodies_of(self, slugs: tuple[str, ...]) -> list[str]:
        """The data bodies of the pieces a data file shows; the memo then holds each of them."""
        self._every_data_body_made = True
        return self._data_bodies_made(slugs)

    def _data_body(self, slug: str) -> str:
        """The data body of one piece whose body changed (`_data_body_as_before`)."""
        return self._data_bodies_made((slug,))[0]

    def _data_bodies_made(self, slugs: Iterable[str]) -> list[str]:
        """`_data_body` of each piece, made again only when its file changed since the last build
        (its full key): an edit build changes one piece of the thousands a data file shows. In
        one loop, not a call per piece: a data file shows every piece."""
        full, memo, known, by_slug = self.full, self._data_body_memo, self._known_data_body_memo, self.collection.by_slug
        bodies = []
        for slug in slugs:
            file_key = full[slug]
            body = memo.get(file_key) or known.get(file_key)
            if body is None:
                body = _data_body(by_slug[slug])
            memo[file_key] = body
            bodies.append(body)
        return bodies

    def _event(self, event: Event) -> tuple:
        return event.profile, self._summaries(event.articles)

    def _claim(self, claim: Claim) -> str:
        key = self._claims.get(claim.id)
        if key is None:  # a claim is shown on every page of the pieces carrying it: hash it once
            key = self._claims[claim.id] = digest(
                claim.id, claim.text, claim.by, claim.verdict, claim.note_html, claim.evidence, claim.corrections,
                [(self.summary[a.article.slug], a.role, a.by, a.note_html) for a in claim.appearances])
        return key

    def _summaries(self, articles) -> list[str]:
        return [self.summary[a.slug] for a in articles]


def _data_body(article: Article) -> str:
    """What the data files show of a piece's body, as one string (pickling 10,000 tuples of
    dataclasses and dates for a key was a visible part of an edit build)."""
    provenance = article.provenance
    made = f"{provenance.source}\0{provenance.original_name}\0{provenance.sha256}\0{provenance.imported}" \
        if provenance else ""
    return f"{article.word_count}\0{made}\0" + "\0".join([a.id for a in article.annotations if a.span])


# Pages whose pieces in full are chosen by what the pieces' bodies hold (annotations are in the
# body): their key is reused only while they declare the same pieces and subject.
CHOSEN_BY_BODIES = frozenset({PageKind.FEED, PageKind.ANNOTATIONS, PageKind.DATA})
_PARALLEL_FROM = 200  # pages: fewer render faster in this process than a pool starts


def render_pages(env: jinja2.Environment, jobs: list[PageJob], processes: int,
                 tick: Callable[[int], None] | None = None) -> Iterator[OutputFile]:
    """Render `jobs` (in any order), across `processes` forked workers when there are enough.

    A generator: pages go to the writer as they come, so they are never all in memory at once.
    A template error in a worker is raised again here, by rendering that page in this process
    (where its traceback points at the template line).
    """
    def render_or_none(position: int) -> list[OutputFile] | None:
        try:
            return render_files(env, jobs[position])
        except jinja2.TemplateError:
            return None

    for positions, pages in in_chunks(render_or_none, len(jobs), processes, chunk_size=64,
                                      parallel_from=_PARALLEL_FROM):
        for position, files in zip(positions, pages):
            yield from files if files is not None else render_files(env, jobs[position])  # raises, with its traceback
        if tick:
            tick(len(pages))
