"""Collection -> pages: the Jinja environment, the theme chain, and one function per page kind.

A site's theme (`themes/<name>/` in the site folder) may hold a single template or stylesheet;
anything it lacks falls back to the default theme, so overriding one template is one file.

Beside the pages, every site gets the files machines read (`site_builder.feeds`): feed.xml,
feed.json, sitemap.xml (every page rendered here except 404.html) and robots.txt. Those, and each
page's canonical link, Open Graph tags and JSON-LD, hold absolute addresses only when site.yml's
`base_url` is a full `https://…/` address; see `site_builder.urls`.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Callable, Iterator

import jinja2
from markupsafe import Markup
from pygments.formatters import HtmlFormatter

from site_builder import __version__
from site_builder.assets import ThemeAssets
from site_builder.cache import CACHE_DIR
from site_builder import problem_codes as codes
from site_builder.collection import Collection
from site_builder.config import SiteConfig
from site_builder.errors import ContentError, Problem
from site_builder.feeds import atom_feed, json_feed, robots_txt, sitemap_xml
from site_builder.jsonld import annotated_reading, claim_review, script_json
from site_builder.markup import LinkTarget, internal_link_attributes
from site_builder.reader import Article
from site_builder.urls import absolute, url_for

PACKAGE_DIR = Path(__file__).resolve().parent
DEFAULT_THEME = "default"


@dataclass(frozen=True)
class OutputFile:
    """One file of the built site: its path inside build/ and its bytes."""

    path: str
    content: bytes


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


_ENVIRONMENTS: dict[str, jinja2.Environment] = {}


def environment_for(config: SiteConfig, themes: list[Path]) -> jinja2.Environment:
    """One environment per site and theme chain in a process, so the preview server's rebuilds
    reuse the compiled templates (Jinja recompiles a template whose file changed), and its quick
    preview renders with the collection and assets the last `plan_site` set in it."""
    key = repr((config, themes))
    if key not in _ENVIRONMENTS:
        _ENVIRONMENTS.clear()  # a process builds one site at a time; keep only the latest
        _ENVIRONMENTS[key] = make_environment(config, themes)
    return _ENVIRONMENTS[key]


def make_environment(config: SiteConfig, themes: list[Path]) -> jinja2.Environment:
    env = jinja2.Environment(
        bytecode_cache=_compiled_templates(config),
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
    env.globals["og_locale"] = config.language.replace("-", "_")  # Open Graph writes `pt_BR`
    env.globals["describe"] = describe
    env.filters["long_date"] = long_date
    env.filters["join_names"] = join_names
    env.filters["pagefind_filter_value"] = pagefind_filter_value
    env.globals["piece_link_attributes"] = lambda article: internal_link_attributes(
        config.base_path, article.slug, LinkTarget(article.title, article.outlet, article.date, article.stance))
    return env


def long_date(value: date | None) -> str:
    """`9 October 2015`: unambiguous in every English-reading country."""
    return f"{value.day} {value:%B %Y}" if value else "undated"


def pagefind_filter_value(value: str) -> str:
    """Escaped twice more than an attribute needs: Pagefind (1.5) decodes a filter attribute's
    character references twice, then its UI inserts the value as HTML.

    A tag or outlet name such as `<img src=x onerror=…>` must appear in the filter list as those
    characters, never become an element (found by tests/test_hostile.py; the CSP blocked it too).
    """
    return html.escape(html.escape(value))


def join_names(names: tuple[str, ...] | list[str]) -> str:
    """`A`, `A and B`, `A, B and C`."""
    names = list(names)
    if len(names) < 2:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def describe(article: Article) -> str:
    """An article page's description (meta, Open Graph, JSON-LD): what the page is, in one line."""
    return (f"{article.title}: {article.outlet or 'outlet unknown'}, {long_date(article.date)}, "
            "with the editors' context and caveats.")


class Deferred:
    """`show(make(*args))`, computed only when a page is rendered (as `{{ value | safe }}` or text):
    JSON-LD costs a JSON dump per page, and an incremental build renders few of its pages."""

    def __init__(self, show, make, *args: Any):
        self._show, self._make, self._args = show, make, args

    def __html__(self) -> str:
        return self._show(self._make(*self._args))

    __str__ = __html__


@dataclass(frozen=True)
class PageJob:
    """A page still to render: its template and context (kept apart so a build can skip or share it)."""

    path: str
    template: str
    context: dict[str, Any]


def render_site(collection: Collection, config: SiteConfig, themes: list[Path]) -> Iterator[OutputFile]:
    """Every file of the site, rendered (see `plan_site`)."""
    env, items = plan_site(collection, config, themes)
    for item in items:
        yield render_page(env, item) if isinstance(item, PageJob) else item


def plan_site(collection: Collection, config: SiteConfig, themes: list[Path],
              core_only: bool = False) -> tuple[jinja2.Environment, list[PageJob | OutputFile]]:
    """Every page of the site as a job to render, then the feeds, sitemap and robots.txt as files.

    Static assets are copied by the writer. Each page is listed in the sitemap with the newest
    date of the pieces it shows (the date its content last changed, as far as we know). Pages
    are only planned here: `render_page` renders one, so a build renders only those whose
    inputs changed, across processes. `core_only` plans only the kinds of pages Pelican writes
    (home, articles, outlet and tag lists) for like-for-like benchmarks.
    """
    env = environment_for(config, themes)
    env.globals["collection"] = collection
    env.globals["piece_item"] = _once_per_article(env, "_piece_item.html")
    assets = ThemeAssets([t / "static" for t in themes], {"pygments.css": pygments_css(config.pygments_style)})
    env.globals["asset"] = lambda name: url_for(config, assets.path(name))  # minified, fingerprinted
    items: list[PageJob | OutputFile] = [OutputFile(asset.path, asset.content) for asset in assets]
    sitemap: list[tuple[str, date | None]] = []

    def add(job: PageJob, modified: date | None) -> None:
        sitemap.append((_served_at(job.path), modified))
        items.append(job)

    def page(template: str, path: str, modified: date | None, **context: Any) -> None:
        add(PageJob(path, template, context), modified)

    articles = collection.articles
    page("index.html", "index.html", _newest_of_sorted(articles), articles=articles)
    for article in articles:
        add(article_page_job(article, config), article.date)
        if article.provenance:
            page("source.html", f"articles/{article.slug}/source/index.html", article.provenance.imported,
                 article=article)
    page("outlets.html", "outlets/index.html", _newest_of_sorted(articles))
    for outlet in collection.outlets:
        page("outlet.html", f"outlets/{outlet.slug}/index.html", _newest_of_sorted(outlet.articles), outlet=outlet)
    page("tags.html", "tags/index.html", _newest_of_sorted(articles))
    for tag in collection.tags:
        page("tag.html", f"tags/{tag.slug}/index.html", _newest_of_sorted(tag.articles), tag=tag)
    if core_only:
        items.append(PageJob("404.html", "404.html", {}))
        return env, items
    for event in collection.events:
        page("event.html", f"events/{event.key}/index.html", _newest(event.articles), event=event)
    page("timeline.html", "timeline/index.html", _newest_of_sorted(articles))
    claimed = [a.article for claim in collection.claims for a in claim.appearances]
    page("claims.html", "claims/index.html", _newest(claimed))
    for claim in collection.claims:
        path = f"claims/{claim.id}/index.html"
        review = Deferred(script_json, claim_review, claim, config, _served_at(path))
        page("claim.html", path, _newest([a.article for a in claim.appearances]), claim=claim, claim_review=review)
    if config.search:
        page("search.html", "search/index.html", None)
    items.append(PageJob("404.html", "404.html", {}))  # served for any missing path: not a page to index
    for path in GENERATED:
        items.append(PageJob(path, GENERATED_TEMPLATE, {"collection": collection, "config": config}))
    items.append(OutputFile("sitemap.xml", sitemap_xml(config, sitemap)))
    items.append(OutputFile("robots.txt", robots_txt(config)))
    items.append(OutputFile("static/pygments.css", pygments_css(config.pygments_style).encode()))
    return env, items


def _once_per_article(env: jinja2.Environment, template: str) -> Callable[[Article], Markup]:
    """`template` rendered for an article once per build, however many pages show it: the home
    page, its outlet's and its tags' lists show each article five times on average."""
    rendered: dict[str, Markup] = {}

    def render(article: Article) -> Markup:
        html = rendered.get(article.slug)
        if html is None:
            html = rendered[article.slug] = Markup(env.get_template(template).render(article=article))
        return html
    return render


def _compiled_templates(config: SiteConfig) -> jinja2.BytecodeCache | None:
    """Compiled templates, kept in the build cache's folder (Jinja checks each against its
    source): compiling the theme took a tenth of a second of every build that rendered a page."""
    folder = config.root / CACHE_DIR / "templates"
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:  # no cache folder: compile as before
        return None
    return jinja2.FileSystemBytecodeCache(str(folder))


def article_page_job(article: Article, config: SiteConfig) -> PageJob:
    """An article's page (also used by the preview server to show an edited text at once)."""
    path = f"articles/{article.slug}/index.html"
    reading = Deferred(script_json, _annotated_reading, article, config, _served_at(path))
    return PageJob(path, "article.html", {"article": article, "reading_jsonld": reading})


def _annotated_reading(article: Article, config: SiteConfig, page_url: str) -> dict:
    return annotated_reading(article, config, page_url, describe(article))


def _newest(articles) -> date | None:
    return max((a.date for a in articles if a.date), default=None)


def _newest_of_sorted(articles) -> date | None:
    """`_newest` of pieces in the collection's order, newest first: the first date (80,000 dates
    compared took a tenth of a second of each build at N=10,000)."""
    return next((a.date for a in articles if a.date), None)


def _served_at(path: str) -> str:
    """`articles/x/index.html` -> `articles/x/`: the address a page is served at."""
    return "" if path == "index.html" else path.removesuffix("index.html")


def pygments_css(style: str) -> str:
    return HtmlFormatter(style=style).get_style_defs(".highlight") + "\n"


# Files made by a function instead of a template, planned as pages so that a build makes them
# again only when what they show changed (PageKeys): making the feeds, feedgen's import included,
# took 50 ms of every edit build at N=10,000. Each function takes the collection and the config.
GENERATED = {"feed.xml": atom_feed, "feed.json": json_feed}  # path -> function
GENERATED_TEMPLATE = "(generated)"  # their jobs' template: no theme file has that name


def render_page(env: jinja2.Environment, job: PageJob) -> OutputFile:
    if job.template == GENERATED_TEMPLATE:
        return OutputFile(job.path, GENERATED[job.path](**job.context))
    html = env.get_template(job.template).render(page_url=_served_at(job.path), **job.context)
    return OutputFile(job.path, html.encode("utf-8"))
