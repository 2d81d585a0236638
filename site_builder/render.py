"""Collection -> pages: the Jinja environment, the theme chain, and one function per page kind.

A site's theme (`themes/<name>/` in the site folder) may hold a single template or stylesheet;
anything it lacks falls back to the default theme, so overriding one template is one file.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Iterator

import jinja2
from pygments.formatters import HtmlFormatter

from site_builder import __version__
from site_builder.collection import Collection
from site_builder.config import SiteConfig
from site_builder.errors import ContentError, Problem
from site_builder.jsonld import claim_review, script_json
from site_builder.markup import LinkTarget, internal_link_attributes

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
                                    f"create themes/{config.theme}/ or set `theme: default`")])
    default = default_theme_dir()
    if not chain or chain[0].resolve() != default.resolve():
        chain.append(default)
    return chain


def make_environment(config: SiteConfig, themes: list[Path]) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader([str(t / "templates") for t in themes]),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals.update(site=config, url=lambda path="": url_for(config, path), generator=f"site_builder {__version__}")
    env.filters["long_date"] = long_date
    env.filters["join_names"] = join_names
    env.globals["piece_link_attributes"] = lambda article: internal_link_attributes(
        config.base_path, article.slug, LinkTarget(article.title, article.outlet, article.date, article.stance))
    return env


def url_for(config: SiteConfig, path: str) -> str:
    """A root-relative URL under the site's base path, so links work at `/` and under `/<repo>/`."""
    return config.base_path + path.lstrip("/")


def long_date(value: date | None) -> str:
    """`9 October 2015`: unambiguous in every English-reading country."""
    return f"{value.day} {value:%B %Y}" if value else "undated"


def join_names(names: tuple[str, ...] | list[str]) -> str:
    """`A`, `A and B`, `A, B and C`."""
    names = list(names)
    if len(names) < 2:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def render_site(collection: Collection, config: SiteConfig, themes: list[Path]) -> Iterator[OutputFile]:
    """Every page of the site, rendered; static assets are copied by the writer."""
    env = make_environment(config, themes)
    env.globals["collection"] = collection
    yield _page(env, "index.html", "index.html", articles=collection.articles)
    for article in collection.articles:
        yield _page(env, "article.html", f"articles/{article.slug}/index.html", article=article)
        if article.provenance:
            yield _page(env, "source.html", f"articles/{article.slug}/source/index.html", article=article)
    yield _page(env, "outlets.html", "outlets/index.html")
    for outlet in collection.outlets:
        yield _page(env, "outlet.html", f"outlets/{outlet.slug}/index.html", outlet=outlet)
    yield _page(env, "tags.html", "tags/index.html")
    for tag in collection.tags:
        yield _page(env, "tag.html", f"tags/{tag.slug}/index.html", tag=tag)
    for event in collection.events:
        yield _page(env, "event.html", f"events/{event.key}/index.html", event=event)
    yield _page(env, "timeline.html", "timeline/index.html")
    yield _page(env, "claims.html", "claims/index.html")
    for claim in collection.claims:
        path = f"claims/{claim.id}/index.html"
        review = script_json(claim_review(claim, config, path.removesuffix("index.html")))
        yield _page(env, "claim.html", path, claim=claim, claim_review=review)
    if config.search:
        yield _page(env, "search.html", "search/index.html")
    yield _page(env, "404.html", "404.html")
    yield OutputFile("static/pygments.css", pygments_css(config.pygments_style).encode())


def pygments_css(style: str) -> str:
    return HtmlFormatter(style=style).get_style_defs(".highlight") + "\n"


def _page(env: jinja2.Environment, template: str, path: str, **context: Any) -> OutputFile:
    page_url = "" if path == "index.html" else path.removesuffix("index.html")
    html = env.get_template(template).render(page_url=page_url, **context)
    return OutputFile(path, html.encode("utf-8"))
