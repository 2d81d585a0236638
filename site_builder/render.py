"""Collection -> pages: the Jinja environment, the theme chain, and one function per page kind.

A site's theme (`themes/<name>/` in the site folder) may hold a single template or stylesheet;
anything it lacks falls back to the default theme, so overriding one template is one file.

Beside the pages, every site gets the files machines read (`site_builder.feeds`): feed.xml,
feed.json, sitemap.xml (every page rendered here except 404.html) and robots.txt, and its
annotations as W3C Web Annotations, annotations.jsonld (`site_builder.annotation_export`). Those, and each
page's canonical link, Open Graph tags and JSON-LD, hold absolute addresses only when site.yml's
`base_url` is a full `https://…/` address; see `site_builder.urls`.
"""

from __future__ import annotations

import html
import traceback
from dataclasses import dataclass, field
from datetime import date
from enum import Enum
from functools import cached_property, partial
from itertools import accumulate
from pathlib import Path
from typing import Any, Callable, Iterable

import jinja2
from markupsafe import Markup
from pygments.formatters import HtmlFormatter

from site_builder import __version__
from site_builder.annotation_export import EXPORT_PATH, annotated_articles, annotations_jsonld
from site_builder.annotation_pages import PiecesOnPage, PlannedPage, has_annotations, plan_listings
from site_builder.annotations import in_reading_order, note_label
from site_builder.assets import ThemeAssets
from site_builder.citations import (COLLECTION_BIB, COLLECTION_CSL, DOWNLOADS, CitationMemo, collection_bib,
                                    collection_csl, outlet_of)
from site_builder import problem_codes as codes
from site_builder.collection import Collection
from site_builder.config import SiteConfig
from site_builder.data_export import DATA_TEMPLATE, make_data_file, plan_data
from site_builder.data_memo import RowMemo
from site_builder.errors import ContentError, Problem, display_path
from site_builder.feeds import atom_feed, corrections_feed, feed_articles, json_feed, robots_txt, sitemap_lines, sitemap_of
from site_builder.i18n import Interface, interface_for
from site_builder.jsonld import annotated_reading, claim_review, script_json
from site_builder.languages import language_name, lang_attributes
from site_builder.markup import LinkTarget, internal_link_attributes
from site_builder.related import reason_in
from site_builder.reader import Article
from site_builder.state import PlanRecord
from site_builder.urls import absolute, has_origin, url_for

PACKAGE_DIR = Path(__file__).resolve().parent
DEFAULT_THEME = "default"


@dataclass(frozen=True)
class OutputFile:
    """One file of the built site: its path inside build/ and its bytes."""

    path: str
    content: bytes

    @property
    def paths(self) -> tuple[str, ...]:
        return (self.path,)


@dataclass(frozen=True)
class KeptFiles:
    """Files of the previous build to keep as they are (pages not rendered again, a plan's
    sections kept from the last build's): given to the writer as one item, rather than an
    OutputFile with no bytes per file."""

    paths: list[str]


def default_theme_dir() -> Path:
    """The default theme: inside the package when installed from a wheel, else the source tree."""
    for candidate in (PACKAGE_DIR / "themes" / DEFAULT_THEME, PACKAGE_DIR.parent / "themes" / DEFAULT_THEME):
        if (candidate / "templates").is_dir():
            return candidate
    raise FileNotFoundError("the default theme is missing from this installation of site_builder")


def theme_dirs(config: SiteConfig) -> list[Path]:
    """The theme chain, most specific first: the site's own theme, then the default theme."""
    chain = []
    site_theme = config.root / "themes" / config.theme
    if site_theme.is_dir():
        chain.append(site_theme)
    elif config.theme != DEFAULT_THEME:
        raise ContentError([Problem("site.yml", 0, f"theme `{config.theme}` not found",
                                    f"create themes/{config.theme}/ or set `theme: default`",
                                    code=codes.THEME_NOT_FOUND)])
    default = default_theme_dir()
    if not chain or chain[0].resolve() != default.resolve():
        chain.append(default)
    return chain


def make_environment(config: SiteConfig, themes: list[Path], compiled_templates: Path | None = None) -> jinja2.Environment:
    """The theme chain's templates with the site's options and our filters; the collection and
    the assets are added by `plan_site`, to an environment of its own for each plan.

    `compiled_templates` is a folder where compiled templates are kept between builds (Jinja
    checks each against its source), so a build need not compile the theme again."""
    env = jinja2.Environment(
        extensions=["jinja2.ext.i18n"],
        bytecode_cache=_compiled_templates(compiled_templates),
        loader=jinja2.ChoiceLoader([  # `default/base.html` lets a site's base.html extend the default one
            jinja2.FileSystemLoader([str(t / "templates") for t in themes]),
            jinja2.PrefixLoader({DEFAULT_THEME: jinja2.FileSystemLoader(str(default_theme_dir() / "templates"))})]),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals.update(site=config, url=lambda path="": url_for(config, path), generator=f"site_builder {__version__}")
    env.globals["absolute_url"] = lambda path="": absolute(config, path)  # canonical and og:url
    env.globals["public_address_known"] = has_origin(config)  # else those are left out (site_builder.urls)
    env.globals["og_locale"] = config.language.replace("-", "_")  # Open Graph writes `pt_BR`
    interface = interface_for(config.language, themes)
    env.install_gettext_callables(interface.translations.gettext, _locale_ngettext(interface), newstyle=True,
                                  pgettext=interface.translations.pgettext)  # `_()`, `ngettext`, `{% trans %}`
    env.policies["ext.i18n.trimmed"] = True  # a {% trans %} block's line breaks are not part of its msgid
    env.globals["interface"] = interface  # its `direction` for <html dir>, its locale's dates
    env.globals["describe"] = lambda article: describe(article, interface)
    env.filters["long_date"] = interface.long_date
    env.filters["month_name"] = interface.month
    env.filters["day_in_month"] = interface.day
    env.filters["number"] = interface.number
    env.filters["percent"] = interface.percent
    env.filters["reason"] = lambda reason: reason_in(reason, interface)  # why a piece is related
    env.filters["translated"] = lambda message, values=(): _translated(interface, message, values)
    env.filters["join_names"] = lambda names: join_names(names, interface.translations.gettext(" and "))
    env.filters["pagefind_filter_value"] = pagefind_filter_value
    env.filters["human_size"] = _human_size
    env.globals["citation_outlet"] = outlet_of  # the outlet, unless it is `Unknown outlet`
    env.globals["citation_path"] = citation_path
    env.filters["in_reading_order"] = in_reading_order  # an article's placed annotations, as its page numbers them
    env.globals["charts"] = chart_functions(config, interface)
    env.globals["piece_link_attributes"] = lambda article: internal_link_attributes(
        config.base_path, article.slug, LinkTarget(article.title, article.outlet, article.date, article.stance),
        interface)
    env.globals["note_label"] = lambda annotation: note_label(annotation, interface)
    env.globals.update(language_functions(config))
    return env


def language_functions(config: SiteConfig) -> dict[str, Callable]:
    """What templates use to mark a piece's language: `lang_attrs(piece)` on an element holding
    its title or text (` lang="ar" dir="rtl"`, nothing when it is the site's language),
    `editors_lang_attrs(piece)` on the editors' words inside such an element, `piece_title(piece)`
    its title isolated in a <bdi> (another direction, or stray bidi controls in the outlet's
    title, cannot reorder the list around it), `language_name(tag)` in the site's language."""
    def attributes(values: dict[str, str]) -> Markup:
        return Markup("").join(Markup(' {}="{}"').format(name, value) for name, value in values.items())

    def piece_title(article: Article) -> Markup:
        return Markup("<bdi{}>{}</bdi>").format(lang_attrs(article), article.title)

    def lang_attrs(article: Article) -> Markup:
        return attributes(lang_attributes(article.language, config.language))

    return {"lang_attrs": lang_attrs, "piece_title": piece_title,
            "editors_lang_attrs": lambda article: attributes(
                lang_attributes(config.language, article.language) if article.language else {}),
            "language_name": lambda tag: language_name(tag, config.language)}


def _locale_ngettext(interface: Interface) -> Callable[[str, str, int], str]:
    """Jinja's `ngettext`, with the count (`%(num)s`) written as the locale writes numbers
    (`1 234`, `1.234`): Jinja would put the bare integer there."""
    def ngettext(singular: str, plural: str, count: int) -> str:
        return interface.translations.ngettext(singular, plural, count).replace("%(num)s", interface.number(count))
    return ngettext


def _translated(interface: Interface, message: str, values=()) -> str:
    """A string of ours kept in Python (the Data page's), translated with its values (translated too)."""
    return interface.gettext(message, **{name: interface.gettext(value) for name, value in values})


def chart_functions(config: SiteConfig, interface: Interface) -> dict[str, Callable]:
    """The charts templates may draw (site_builder.charts), given the site's options, in the
    interface's words. Each takes only what its page already shows, so the page's dependency key covers it."""
    def link(path: str) -> str:
        return url_for(config, path)

    words = interface
    return {
        "stances": lambda chart_id, title, articles: _charts().by_stance(chart_id, title, articles, config, words),
        "over_time": lambda chart_id, title, articles, events=(): _charts().over_time(
            chart_id, title, articles, config, words, events, link),
        "verdicts": lambda claims: _charts().by_verdict(claims, config, words),
        "outlets": lambda articles, outlets: _charts().by_outlet(articles, config, outlets, link, words),
        "tags": lambda tags: _charts().by_tag(tags, link, words),
        "roles": lambda claim: _charts().by_role(claim, words),
        "blindspot": lambda articles: _charts().blindspot(articles, config, words),
        "swatch": lambda *args, **kwargs: _charts().swatch(*args, **kwargs),
        "series_name": lambda key: _charts().series_name(key, words),
    }


def _human_size(size: int) -> str:
    from site_builder.originals import human_size  # only pages of imported pieces show one

    return human_size(size)


def _charts():
    from site_builder import charts  # loaded by the first chart drawn: an edit build often renders none

    return charts


def pagefind_filter_value(value: str) -> str:
    """Escaped twice more than an attribute needs: Pagefind (1.5) decodes a filter attribute's
    character references twice, then its UI inserts the value as HTML.

    A tag or outlet name such as `<img src=x onerror=…>` must appear in the filter list as those
    characters, never become an element (found by tests/test_hostile.py; the CSP blocked it too).
    """
    return html.escape(html.escape(value))


def join_names(names: tuple[str, ...] | list[str], last: str = " and ") -> str:
    """`A`, `A and B`, `A, B and C` (`last` in the interface's language)."""
    names = list(names)
    if len(names) < 2:
        return "".join(names)
    return ", ".join(names[:-1]) + last + names[-1]


def describe(article: Article, interface: Interface) -> str:
    """An article page's description (meta, Open Graph, JSON-LD): what the page is, in one line."""
    return interface.gettext("%(title)s: %(outlet)s, %(date)s, with the editors' context and caveats.",
                             title=article.title, outlet=article.outlet or interface.gettext("outlet unknown"),
                             date=interface.long_date(article.date))


class Deferred:
    """`show(make(*args))`, computed only when a page is rendered (as `{{ value | safe }}` or text):
    JSON-LD costs a JSON dump per page, and an incremental build renders few of its pages."""

    def __init__(self, show, make, *args: Any):
        self._show, self._make, self._args = show, make, args

    def __html__(self) -> str:
        return self._show(self._make(*self._args))

    __str__ = __html__


class PageKind(Enum):
    """What a page shows of the collection, which is what its dependency key covers (incremental)."""

    ARTICLE = "article"  # one piece in full, with the summaries of the pieces it points to
    SOURCE = "source"  # one piece's original: its "text as collected" page, and its copy to download
    OUTLET = "outlet"  # an outlet's name and the summaries of its pieces
    TAG = "tag"  # a tag's name and the summaries of its pieces
    EVENT = "event"  # an event's entry in events.yml and the summaries of its pieces
    PAGE = "page"  # one of the editors' standalone pages (content/pages/), and nothing else
    CLAIM = "claim"  # a claim, its verdict and the summaries of the pieces carrying it
    CITATION = "citation"  # one piece's citation to download (BibTeX, RIS and CSL-JSON): its metadata alone
    FEED = "feed"  # the newest pieces in full (feeds), or the annotated ones (annotations.jsonld)
    ANNOTATIONS = "annotations"  # a page of annotated pieces' summaries and annotations (in_full: those pieces)
    DATA = "data"  # a file of /data/ or the Data page: a dataset as of the date of the data (subject: DataSubject)
    LISTING = "listing"  # the whole collection: every summary (home, lists, search, 404, corrections and their feed)


@dataclass(frozen=True)
class PageJob:
    """A page still to render: its template and context (kept apart so a build can skip or share
    it), and what it declares it shows: its `kind`, the outlet, tag, event, claim or piece it is
    about (`subject`) and the pieces whose full text it shows (`in_full`, by slug)."""

    path: str
    template: str
    context: dict[str, Any]
    kind: PageKind = PageKind.LISTING
    subject: Any = None
    in_full: tuple[str, ...] = ()
    # Files made together with `path` and keyed with it (a piece's citation in its other formats):
    # one planned item instead of three keeps planning and keying an edit build small.
    also: tuple[str, ...] = ()

    @property
    def paths(self) -> tuple[str, ...]:
        """Every file this job writes."""
        return (self.path, *self.also)


@dataclass(frozen=True)
class SitePlan:
    """Every file of a site before rendering: pages to render (PageJob), files made already
    (OutputFile) and the last build's files kept as they are (KeptFiles), with the environment
    that renders the pages and the plan in outline for the next build."""

    env: jinja2.Environment
    items: list[PageJob | OutputFile | KeptFiles] = field(default_factory=list)
    outline: PlanRecord | None = None  # None for a `core_only` plan: no build starts from it
    # A plan made from the last one (`plan_site`'s `last`): the last plan's files of the sections
    # planned again; the others are kept. None: every section was planned.
    replanned: tuple[str, ...] | None = None

    @property
    def pages(self) -> list[PageJob]:
        return [item for item in self.items if isinstance(item, PageJob)]


def plan_site(collection: Collection, config: SiteConfig, themes: list[Path], core_only: bool = False,
              compiled_templates: Path | None = None, data_rows: RowMemo | None = None,
              citations: CitationMemo | None = None,
              annotation_listings: tuple[PlannedPage, ...] | None = None,
              last: PlanRecord | None = None, changed: Iterable[str] = ()) -> SitePlan:
    """Every page of the site as a job to render, then the feeds, sitemap and robots.txt as files.

    Static assets are copied by the writer. Each page is listed in the sitemap with the newest
    date of the pieces it shows (the date its content last changed, as far as we know). Pages
    are only planned here: `render_page` renders one, so a build renders only those whose
    inputs changed, across processes. `core_only` plans only the kinds of pages Pelican writes
    (home, articles, outlet and tag lists) for like-for-like benchmarks. `data_rows` holds the data
    files' records as the last build made them (data_memo.RowMemo). `annotation_listings`
    is `annotation_pages.plan_listings` of the collection's articles when the caller has it.

    `last` is the last build's plan in outline, given when this collection has the same site key
    and pieces' summaries as that build's (incremental.PageKeys.last), with `changed`, the pieces
    whose body changed since: then only the sections that may differ are planned, `changed`'s
    and `REPLANNED`, and the other sections are the last build's files, kept.
    """
    env, assets = _environment(collection, config, themes, compiled_templates, citations)
    plan = _Planner(collection, config, env, assets, data_rows, annotation_listings, last)
    if last is None:
        _plan_every_section(plan, core_only)
    else:
        _plan_again(plan, changed)
    return plan.made(outlined=not core_only)


def _environment(collection: Collection, config: SiteConfig, themes: list[Path], compiled_templates: Path | None,
                 citations: CitationMemo | None) -> tuple[jinja2.Environment, ThemeAssets]:
    """The plan's environment (`make_environment` with the collection and the assets), and the
    theme's assets, which the pages name by their fingerprinted paths."""
    env = make_environment(config, themes, compiled_templates)
    env.globals["collection"] = collection
    once = env.globals["once_per_article"] = _once_per_article()
    env.globals["piece_item"] = partial(once, lambda article: env.get_template(PIECE_ITEM).render(article=article))
    env.globals["menu"] = collection.menu
    env.globals["citations"] = citations or CitationMemo({}, config)  # `citations.of(article)` (site_builder.citations)
    env.globals["annotations_listed"] = has_annotations(collection.articles)  # /annotations/ exists
    assets = ThemeAssets([t / "static" for t in themes], {"pygments.css": pygments_css(config.pygments_style)})
    env.globals["asset"] = lambda name: url_for(config, assets.path(name))  # minified, fingerprinted
    return env, assets


class _Planner:
    """A plan being made, section by section (state.PlanRecord): its items, every file they make
    and every page's line of the sitemap, in plan order. The planners of each kind of page call
    `add` (a page), `file` (any other file), `listing` and `about`."""

    def __init__(self, collection: Collection, config: SiteConfig, env: jinja2.Environment, assets: ThemeAssets,
                 data_rows: RowMemo | None, annotation_listings: tuple[PlannedPage, ...] | None,
                 last: PlanRecord | None):
        self.collection, self.config, self.env, self.assets = collection, config, env, assets
        self.words: Interface = env.globals["interface"]
        self.data_rows, self.annotation_listings, self.last = data_rows, annotation_listings, last
        self.items: list[PageJob | OutputFile | KeptFiles] = []
        self.files: list[str] = []
        # The sitemap's lines: kept from the last plan (text), or a page's (address, date), made
        # into text in one go (`_unwritten` says where).
        self.lines: list[str | tuple[str, date | None]] = []
        self._unwritten: list[list[int]] = []
        self.sections: list[str] = []
        self.file_counts: list[int] = []
        self.line_counts: list[int] = []
        self.replanned: list[str] = []
        if last is not None:  # where each section of the last plan starts
            self._file_starts = list(accumulate(last.file_counts, initial=0))
            self._line_starts = list(accumulate(last.line_counts, initial=0))

    @cached_property
    def annotated(self) -> list[Article]:
        """The pieces with placed annotations (annotations.jsonld and data/annotations.csv show them)."""
        return annotated_articles(self.collection)

    def add(self, job: PageJob, modified: date | None) -> None:
        """A page, listed in the sitemap with the date its content last changed."""
        self.lines.append((_served_at(job.path), modified))
        self.file(job)

    def file(self, item: PageJob | OutputFile | KeptFiles) -> None:
        """A file that is no page to list in the sitemap (or files, for a job making several)."""
        self.items.append(item)
        self.files.extend(item.paths)

    def listing(self, template: str, path: str, modified: date | None, **context: Any) -> None:
        self.add(PageJob(path, template, context), modified)

    def about(self, kind: PageKind, path: str, modified: date | None, subject: Any) -> None:
        """A page about one outlet, tag, event or claim: its template is named after its kind."""
        self.add(PageJob(path, f"{kind.value}.html", {kind.value: subject}, kind, subject), modified)

    def section(self, name: str, plan_it: Callable[..., None], *args: Any) -> None:
        """Plan one section: `plan_it(self, *args)` plans its files."""
        files, lines = len(self.files), len(self.lines)
        plan_it(self, *args)
        self.sections.append(name)
        self.file_counts.append(len(self.files) - files)
        self.line_counts.append(len(self.lines) - lines)
        if len(self.lines) > lines:
            if self._unwritten and self._unwritten[-1][1] == lines:
                self._unwritten[-1][1] = len(self.lines)
            else:
                self._unwritten.append([lines, len(self.lines)])

    def replan(self, index: int, plan_it: Callable[..., None], *args: Any) -> None:
        """Plan the last plan's section `index` again."""
        self.replanned.extend(self.last.files[self._file_starts[index]:self._file_starts[index + 1]])
        self.section(self.last.sections[index], plan_it, *args)

    def keep(self, first: int, end: int) -> None:
        """The last plan's sections from `first` to `end` (excluded), as they are: their files are
        the last build's, one KeptFiles for the writer."""
        last = self.last
        files = last.files[self._file_starts[first]:self._file_starts[end]]
        if files:
            self.items.append(KeptFiles(list(files)))
            self.files.extend(files)
        self.lines.extend(last.sitemap[self._line_starts[first]:self._line_starts[end]])
        self.sections.extend(last.sections[first:end])
        self.file_counts.extend(last.file_counts[first:end])
        self.line_counts.extend(last.line_counts[first:end])

    def sitemap(self) -> OutputFile | KeptFiles:
        """sitemap.xml, of every page planned so far: kept when it lists what the last one did."""
        for start, end in self._unwritten:
            self.lines[start:end] = sitemap_lines(self.config, self.lines[start:end])
        self._unwritten = []
        if self.last is not None and tuple(self.lines) == self.last.sitemap:
            return KeptFiles([SITEMAP])
        return OutputFile(SITEMAP, sitemap_of(self.lines))

    def made(self, outlined: bool) -> SitePlan:
        outline = PlanRecord(tuple(self.sections), tuple(self.file_counts), tuple(self.files),
                             tuple(self.line_counts), tuple(self.lines)) if outlined else None
        return SitePlan(self.env, self.items, outline, tuple(self.replanned) if self.last is not None else None)


SITEMAP = "sitemap.xml"


def _plan_every_section(plan: _Planner, core_only: bool) -> None:
    plan.section(ASSETS, _plan_assets)
    plan.section("(home)", _plan_home)
    for article in plan.collection.articles:
        plan.section(article.slug, _plan_piece, article)  # a piece's section is named by its slug
    for name, plan_it in CORE_SECTIONS if core_only else SECTIONS:
        plan.section(name, plan_it)


def _plan_again(plan: _Planner, changed: Iterable[str]) -> None:
    """The last plan, with its sections that may differ planned again (see `plan_site`)."""
    last = plan.last
    where = {name: index for index, name in enumerate(last.sections)}
    by_slug = plan.collection.by_slug
    pieces = {slug: by_slug[slug] for slug in changed if slug in by_slug}
    again = sorted([where[slug] for slug in pieces if slug in where] + [where[name] for name in REPLANNED])
    start = 0
    for index in again:
        plan.keep(start, index)
        name = last.sections[index]
        if name in REPLANNED:
            plan.replan(index, REPLANNED[name])
        else:
            plan.replan(index, _plan_piece, pieces[name])
        start = index + 1
    plan.keep(start, len(last.sections))


# --- the planners of each kind of page, in plan order --------------------------------------------

def _plan_assets(plan: _Planner) -> None:
    """The theme's minified stylesheets and scripts (site_builder.assets)."""
    for asset in plan.assets:
        plan.file(OutputFile(asset.path, asset.content))


def _plan_home(plan: _Planner) -> None:
    articles = plan.collection.articles
    plan.listing("index.html", "index.html", _newest_of_sorted(articles), articles=articles)


def _plan_piece(plan: _Planner, article: Article) -> None:
    """A piece's page, its "text as collected" page and original when it has one, and its citation."""
    config = plan.config
    plan.add(article_page_job(article, config, plan.words), article.date)
    if article.provenance and config.publish_originals:
        source, download = source_page_jobs(article, config)
        plan.add(source, article.provenance.imported)
        plan.file(download)  # a file to download, not a page: not in the sitemap
    plan.file(citation_files_job(article))  # files to download too


def _plan_outlets(plan: _Planner) -> None:
    plan.listing("outlets.html", "outlets/index.html", _newest_of_sorted(plan.collection.articles))
    for outlet in plan.collection.outlets:
        plan.about(PageKind.OUTLET, f"outlets/{outlet.slug}/index.html", _newest_of_sorted(outlet.articles), outlet)


def _plan_tags(plan: _Planner) -> None:
    plan.listing("tags.html", "tags/index.html", _newest_of_sorted(plan.collection.articles))
    for tag in plan.collection.tags:
        plan.about(PageKind.TAG, f"tags/{tag.slug}/index.html", _newest_of_sorted(tag.articles), tag)


def _plan_events(plan: _Planner) -> None:
    events = plan.collection.events
    plan.listing("events.html", "events/index.html", _newest_of_newest(_newest_of_oldest_first(e.articles)
                                                                       for e in events))
    for event in events:
        plan.about(PageKind.EVENT, f"events/{event.key}/index.html", _newest_of_oldest_first(event.articles), event)


def _plan_standalone_pages(plan: _Planner) -> None:
    for page in plan.collection.pages:
        plan.about(PageKind.PAGE, f"{page.slug}/index.html", None, page)


TIMELINE_LIST_MAX = 300  # dated pieces the timeline lists on its own page; beyond, a page per month


def _plan_timeline(plan: _Planner) -> None:
    """/timeline/: the chart, and the pieces month by month, on the page itself while they are
    few, else on a page per month (`/timeline/2015-10/`), so the page stays light at any size."""
    months = plan.collection.months()
    split = sum(len(articles) for _, articles in months) > TIMELINE_LIST_MAX
    plan.listing("timeline.html", "timeline/index.html", _newest_of_sorted(plan.collection.articles),
                 month_pages=months if split else ())
    if not split:
        return
    for index, (month, articles) in enumerate(months):
        plan.listing("timeline_month.html", f"timeline/{month.isoformat()[:7]}/index.html", articles[-1].date,
                     month=month, articles=articles, previous=months[index - 1][0] if index else None,
                     following=months[index + 1][0] if index + 1 < len(months) else None)


def _plan_claims(plan: _Planner) -> None:
    claims = plan.collection.claims
    newest = [_newest_of_oldest_first([a.article for a in claim.appearances]) for claim in claims]
    plan.listing("claims.html", "claims/index.html", _newest_of_newest(newest))
    for claim, modified in zip(claims, newest):
        path = f"claims/{claim.id}/index.html"
        review = Deferred(script_json, claim_review, claim, plan.config, _served_at(path))
        plan.add(PageJob(path, "claim.html", {"claim": claim, "claim_review": review}, PageKind.CLAIM, claim), modified)


def _plan_annotation_pages(plan: _Planner) -> None:
    """/annotations/ and a listing per annotator (site_builder.annotation_pages), when there are
    annotations, each in pages. A page declares the pieces it shows: which pieces those are
    depends on their bodies (PageKeys); its `PlannedPage` is the rest of what it shows. Its
    pieces and their notes are gathered only if it is rendered."""
    planned = plan.annotation_listings
    if planned is None:
        planned = plan_listings(plan.collection.articles)
    if not planned:
        return
    articles = plan.collection.by_slug
    for page in planned:
        plan.add(PageJob(page.listing.path + "index.html", page.template,
                         {"listing": page.listing, "pieces": PiecesOnPage(page, articles)},
                         PageKind.ANNOTATIONS, page, page.slugs), page.modified)


def _plan_corrections(plan: _Planner) -> None:
    corrections = plan.collection.corrections
    plan.listing("corrections.html", "corrections/index.html", corrections[0].correction.date if corrections else None)
    # The corrections feed shows what the corrections page shows: every piece's summary (its
    # corrections are front matter) and the outlet profiles (in every page's key).
    plan.file(PageJob(CORRECTIONS_FEED, GENERATED_TEMPLATE, {"collection": plan.collection, "config": plan.config}))


def _plan_search(plan: _Planner) -> None:
    if plan.config.search:
        plan.listing("search.html", "search/index.html", None)


def _plan_404(plan: _Planner) -> None:
    plan.file(PageJob("404.html", "404.html", {}))  # served for any missing path: not a page to index


def _plan_collection_files(plan: _Planner) -> None:
    for path in (COLLECTION_BIB, COLLECTION_CSL):  # every piece's metadata: every summary, as a listing
        plan.file(PageJob(path, GENERATED_TEMPLATE, {"collection": plan.collection, "config": plan.config}))


def _plan_feeds(plan: _Planner) -> None:
    """The feeds and annotations.jsonld (GENERATED), declaring the pieces they show in full."""
    collection, config = plan.collection, plan.config
    for path, (_, shown, kind) in GENERATED.items():
        pieces = plan.annotated if shown is annotated_articles else shown(collection, config)
        plan.file(PageJob(path, GENERATED_TEMPLATE, {"collection": collection, "config": config},
                          kind, in_full=tuple([article.slug for article in pieces])))


def _plan_data(plan: _Planner) -> None:
    """/data/ and the Data page, which lists the data files this plan writes: planned after them."""
    data_files, data_page = plan_data(plan.collection, plan.config, plan.files, plan.data_rows, plan.annotated)
    for item in data_files:
        plan.file(item)
    plan.add(data_page, data_page.subject.data_date)


def _plan_machine_files(plan: _Planner) -> None:
    """sitemap.xml (every page planned: this section is the last), robots.txt, the code's colours."""
    plan.file(plan.sitemap())
    plan.file(OutputFile("robots.txt", robots_txt(plan.config)))
    plan.file(OutputFile("static/pygments.css", pygments_css(plan.config.pygments_style).encode()))


ASSETS = "(assets)"
# Every section after the pieces', in plan order; a name in parentheses is never a piece's slug.
SECTIONS: tuple[tuple[str, Callable[[_Planner], None]], ...] = (
    ("(outlets)", _plan_outlets), ("(tags)", _plan_tags), ("(events)", _plan_events),
    ("(pages)", _plan_standalone_pages), ("(timeline)", _plan_timeline), ("(claims)", _plan_claims),
    ("(annotations)", _plan_annotation_pages), ("(corrections)", _plan_corrections), ("(search)", _plan_search),
    ("(404)", _plan_404), ("(collection files)", _plan_collection_files), ("(feeds)", _plan_feeds),
    ("(data)", _plan_data), ("(files)", _plan_machine_files))
CORE_SECTIONS = (("(outlets)", _plan_outlets), ("(tags)", _plan_tags), ("(404)", _plan_404))
# The sections a plan made from the last one plans again whatever changed: those whose pages are
# chosen by the pieces' bodies (incremental.CHOSEN_BY_BODIES: the annotation listings, the feeds
# and annotations.jsonld, /data/), and the files made already, cheaper to make than to vouch for
# (the sitemap is put together from the last one's lines). Every other section's pages show no
# body but that of the piece a section is named after (tests/test_plan_kept.py checks it).
REPLANNED: dict[str, Callable[[_Planner], None]] = {
    ASSETS: _plan_assets, "(annotations)": _plan_annotation_pages, "(feeds)": _plan_feeds, "(data)": _plan_data,
    "(files)": _plan_machine_files}


PIECE_ITEM = "_piece_item.html"  # an article's entry in the lists: the theme's to override


def _once_per_article() -> Callable[[Callable[[Article], str], Article], Markup]:
    """`once(render, article)`: `render(article)` made once per build for each article, however
    many pages show it: the home page, its outlet's and its tags' lists show each article five
    times on average, and the annotation listings show each annotated piece's link and byline on
    /annotations/ and on the page of each voice that wrote a note on it. `render` is part of the
    key (held, so its identity is never reused)."""
    rendered: dict[tuple[Callable, str], Markup] = {}

    def once(render: Callable[[Article], str], article: Article) -> Markup:
        key = (render, article.slug)
        html = rendered.get(key)
        if html is None:
            html = rendered[key] = Markup(render(article))
        return html
    return once


def _compiled_templates(folder: Path | None) -> jinja2.BytecodeCache | None:
    if folder is None:
        return None
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:  # no cache folder: compile as before
        return None
    return jinja2.FileSystemBytecodeCache(str(folder))


def article_page_job(article: Article, config: SiteConfig, words: Interface) -> PageJob:
    """An article's page (also used by the preview server to show an edited text at once)."""
    path = f"articles/{article.slug}/index.html"
    reading = Deferred(script_json, _annotated_reading, article, config, _served_at(path), words)
    return PageJob(path, "article.html", {"article": article, "reading_jsonld": reading}, PageKind.ARTICLE, article,
                   (article.slug,))


def citation_files_job(article: Article) -> PageJob:
    """The piece's citation as BibTeX, RIS and CSL-JSON, beside its page, named after it: one job
    for the three files, which show the same metadata."""
    first, *others = [citation_path(article, extension) for extension in DOWNLOADS]
    return PageJob(first, CITATION_TEMPLATE, {"article": article}, PageKind.CITATION, article, also=tuple(others))


def planned_paths(items: list["PageJob | OutputFile | KeptFiles"]) -> list[str]:
    """Every file path `items` make (a job may make several)."""
    return [path for item in items for path in item.paths]


def citation_path(article: Article, extension: str) -> str:
    return f"articles/{article.slug}/{article.slug}.{extension}"


def source_page_jobs(article: Article, config: SiteConfig) -> tuple[PageJob, PageJob]:
    """The "text as collected" page and the original's copy to download (see site_builder.originals).
    Both show the original, which the article's full key covers."""
    from site_builder.originals import Original, download_path  # only for imported pieces: not every site has any

    provenance = article.provenance
    download = download_path(article.slug, provenance.source)
    original = Original(config.root / provenance.source, config.base_path)
    page = PageJob(f"articles/{article.slug}/source/index.html", "source.html",
                   {"article": article, "original": original, "download": download}, PageKind.SOURCE, article,
                   (article.slug,))
    return page, PageJob(download, ORIGINAL_TEMPLATE, {"original": original}, PageKind.SOURCE, article, (article.slug,))


def _annotated_reading(article: Article, config: SiteConfig, page_url: str, words: Interface) -> dict:
    return annotated_reading(article, config, page_url, describe(article, words))


def _newest_of_newest(dates) -> date | None:
    return max((d for d in dates if d), default=None)


def _newest_of_oldest_first(articles) -> date | None:
    """The newest date of pieces sorted oldest first, undated last (an event's, a claim's): the
    last date, found without comparing every date of every event and claim."""
    return next((a.date for a in reversed(articles) if a.date), None)


def _newest_of_sorted(articles) -> date | None:
    """`_newest` of pieces in the collection's order, newest first: the first date (comparing
    every date of every list page adds up on a large collection)."""
    return next((a.date for a in articles if a.date), None)


def _served_at(path: str) -> str:
    """`articles/x/index.html` -> `articles/x/`: the address a page is served at."""
    return "" if path == "index.html" else path.removesuffix("index.html")


def pygments_css(style: str) -> str:
    return HtmlFormatter(style=style).get_style_defs(".highlight") + "\n"


# Files made by a function instead of a template, planned as pages so that a build makes them
# again only when what they show changed (PageKeys): making the feeds, feedgen's import included,
# is a visible part of an edit build. Each function takes the collection and the config, and so
# does the one saying which pieces the file shows in full (its key covers those, as for a feed).
# The export shows the annotated pieces' annotations (their places included) and summaries, not
# their texts: keyed as the annotation listings are, an edited text that moves no passage leaves it.
GENERATED = {  # path -> (function making it, pieces it shows, what it shows of them)
    "feed.xml": (atom_feed, feed_articles, PageKind.FEED),
    "feed.json": (json_feed, feed_articles, PageKind.FEED),
    EXPORT_PATH: (annotations_jsonld, annotated_articles, PageKind.ANNOTATIONS),
}
FEEDS = ("feed.xml", "feed.json")  # generated in the interface's words (the fixed labels of an entry's context)
COLLECTION_FILES = {COLLECTION_BIB: collection_bib, COLLECTION_CSL: collection_csl}  # listings: every summary
GENERATED_TEMPLATE = "(generated)"  # their jobs' template: no theme file has that name
CORRECTIONS_FEED = "corrections.xml"  # generated too, in the theme's words (its function is given the environment)
ORIGINAL_TEMPLATE = "(original)"  # an imported original's copy, byte for byte (site_builder.originals)
CITATION_TEMPLATE = "(citation)"  # a piece's citation file (site_builder.citations)


def render_files(env: jinja2.Environment, job: PageJob) -> list[OutputFile]:
    """Every file of a job: its page, or a piece's citation in each format."""
    if job.template == CITATION_TEMPLATE:
        citations = env.globals["citations"].of(job.context["article"])
        texts = {"bib": citations.bibtex, "ris": citations.ris, "csl.json": citations.csl_json}
        return [OutputFile(path, texts[extension].encode("utf-8"))
                for path, extension in zip(job.paths, DOWNLOADS, strict=True)]
    return [render_page(env, job)]


def render_page(env: jinja2.Environment, job: PageJob) -> OutputFile:
    """A job's one file (a page, a feed, a data file); `render_files` for any job."""
    if job.template == GENERATED_TEMPLATE and job.path == CORRECTIONS_FEED:
        return OutputFile(job.path, corrections_feed(env=env, **job.context))
    if job.template == GENERATED_TEMPLATE and job.path in COLLECTION_FILES:
        return OutputFile(job.path, COLLECTION_FILES[job.path](**job.context))
    if job.template == GENERATED_TEMPLATE and job.path in FEEDS:
        return OutputFile(job.path, GENERATED[job.path][0](**job.context, words=env.globals["interface"]))
    if job.template == GENERATED_TEMPLATE:
        return OutputFile(job.path, GENERATED[job.path][0](**job.context))
    if job.template == DATA_TEMPLATE:
        return OutputFile(job.path, make_data_file(job.context))
    if job.template == ORIGINAL_TEMPLATE:
        return OutputFile(job.path, job.context["original"].read_bytes())
    html = env.get_template(job.template).render(page_url=_served_at(job.path), **job.context)
    return OutputFile(job.path, html.encode("utf-8"))


def template_problem(error: jinja2.TemplateError, root: Path) -> Problem:
    """A broken theme template is the site author's file too: point at its line."""
    filename, line = getattr(error, "filename", None), getattr(error, "lineno", None) or 0
    if filename is None:  # a runtime error: Jinja puts the template's file and line in the traceback
        frames = [f for f in traceback.extract_tb(error.__traceback__) if f.filename.endswith((".html", ".xml"))]
        filename, line = (frames[-1].filename, frames[-1].lineno or 0) if frames else ("theme", 0)
    shown = display_path(Path(filename), root) if filename != "theme" else filename
    return Problem(shown, line, f"template error: {error.message or error}", "fix the template or remove the override",
                   code=codes.TEMPLATE_ERROR)
