"""The files machines read: the Atom and JSON feeds, the corrections feed, the sitemap and robots.txt.

One function per file, each returning its bytes for `render_site`. A feed entry carries the piece
*with its context* (outlet, date, stance and what it means, why, caveats, the original's address)
ahead of the text, because a feed reader shows the entry alone, away from our page's context
panel. Feeds and sitemaps need absolute addresses: they are complete only when site.yml's
`base_url` is a full `https://…/` address (see `site_builder.urls`); with a bare path they hold
root-relative URLs, fine for a preview but not for a published site. The fixed words of an
entry (its context's labels, its headings) are in the interface's language (`words`).
"""

from __future__ import annotations

import html
import json
import re
from datetime import date, datetime, timezone

import jinja2
from markupsafe import Markup

from site_builder import __version__
from site_builder.annotations import in_reading_order, note_label, notes_apart
from site_builder.collection import Collection
from site_builder.config import SiteConfig
from site_builder.languages import lang_attributes
from site_builder.i18n import Interface
from site_builder.reader import Article
from site_builder.urls import absolute, has_origin

JSON_FEED_VERSION = "https://jsonfeed.org/version/1.1"
ATOM = "http://www.w3.org/2005/Atom"
XML = "http://www.w3.org/XML/1998/namespace"
EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)  # for undated pieces: builds stay reproducible


def atom_feed(collection: Collection, config: SiteConfig, words: Interface) -> bytes:
    """feed.xml (Atom, RFC 4287): the newest `feed_count` pieces, newest first.

    feedgen writes the XML, so titles and HTML content are escaped correctly (content is
    `type="html"`). Only one link per entry (our page): feedgen 1.0 drops `rel` on entry links,
    so a second link would become a second "alternate"; the original's address is in the content.
    """
    from feedgen.feed import FeedGenerator  # here: it loads lxml, which builds without a feed to write skip

    articles = feed_articles(collection, config)
    feed = FeedGenerator()
    feed.id(absolute(config, ""))
    feed.title(config.title)
    if config.description:
        feed.subtitle(config.description)
    feed.author({"name": config.title})
    feed.link(href=absolute(config, ""), rel="alternate", type="text/html")
    feed.link(href=absolute(config, "feed.xml"), rel="self", type="application/atom+xml")
    feed.language(config.language)
    feed.generator("site_builder", version=__version__)
    feed.updated(max((_moment(a) for a in articles), default=EPOCH))
    for article in articles:
        entry = feed.add_entry(order="append")
        entry.id(_page(config, article))
        entry.title(article.title)
        entry.link(href=_page(config, article), rel="alternate", type="text/html")
        entry.updated(_moment(article))
        if article.date:
            entry.published(_moment(article))
        entry.author([{"name": name} for name in _authors(article, words)])
        for tag in article.tags:
            entry.category(term=tag)
        entry.summary(context_html(article, config, words), type="html")
        entry.content(full_html(article, config, words), type="html")
    return _entries_in_their_language(feed.atom_str(pretty=True, encoding="UTF-8"), articles, config)


def _entries_in_their_language(atom: bytes, articles: list[Article], config: SiteConfig) -> bytes:
    """`xml:lang` on each entry in another language than the feed's (feedgen sets it only on the
    feed), and the site's back on its summary and content: those are the editors' context, where
    full_html marks the outlet's text in its own language."""
    languages = {_page(config, a): a.language for a in articles if lang_attributes(a.language, config.language)}
    if not languages:
        return atom
    from lxml import etree

    root = etree.fromstring(atom)
    for entry in root.iterfind(f"{{{ATOM}}}entry"):
        language = languages.get(entry.findtext(f"{{{ATOM}}}id"))
        if language:
            entry.set(f"{{{XML}}}lang", language)
            for part in ("summary", "content"):
                entry.find(f"{{{ATOM}}}{part}").set(f"{{{XML}}}lang", config.language)
    return etree.tostring(root, pretty_print=True, xml_declaration=True, encoding="UTF-8")


def corrections_feed(collection: Collection, config: SiteConfig, env: jinja2.Environment) -> bytes:
    """corrections.xml (Atom): every correction, clarification and update, newest first, each
    linking to the page that shows it. Its words come from the theme (`_corrections.html`), like
    the corrections page's, so they are translated with the interface."""
    from feedgen.feed import FeedGenerator  # here: it loads lxml, which builds without a feed to write skip

    words = env.get_template("_corrections.html").module
    page = absolute(config, "corrections/")
    feed = FeedGenerator()
    feed.id(page)
    feed.title(_text(words.feed_title()))
    feed.subtitle(_text(words.feed_subtitle()))
    feed.author({"name": config.title})
    feed.link(href=page, rel="alternate", type="text/html")
    feed.link(href=absolute(config, "corrections.xml"), rel="self", type="application/atom+xml")
    feed.language(config.language)
    feed.generator("site_builder", version=__version__)
    feed.updated(max((_midnight(e.correction.date) for e in collection.corrections), default=EPOCH))
    for logged in collection.corrections:
        address = absolute(config, logged.link)
        entry = feed.add_entry(order="append")
        entry.id(address)
        entry.title(_text(words.feed_entry_title(logged)))
        entry.link(href=address, rel="alternate", type="text/html")
        entry.updated(_midnight(logged.correction.date))
        entry.published(_midnight(logged.correction.date))
        entry.category(term=logged.correction.kind)
        entry.content(_absolute_links(str(words.feed_entry_html(logged, address)), config, address), type="html")
    return feed.atom_str(pretty=True, encoding="UTF-8")


def _text(markup: Markup) -> str:
    """A macro's output as plain text (a feed's and an entry's title are text, not HTML)."""
    return Markup(markup).striptags()


def _midnight(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=timezone.utc)


def json_feed(collection: Collection, config: SiteConfig, words: Interface) -> bytes:
    """feed.json (JSON Feed 1.1): the same entries as feed.xml, for readers that prefer JSON."""
    items = []
    for article in feed_articles(collection, config):
        item = {
            "id": _page(config, article),
            "url": _page(config, article),
            "title": article.title,
            "content_html": full_html(article, config, words),
            "summary": _context_text(article, config, words),
            "authors": [{"name": name} for name in _authors(article, words)],
        }
        if article.source_url:
            item["external_url"] = article.source_url
        if article.date:
            item["date_published"] = _moment(article).isoformat()
        if article.tags:
            item["tags"] = list(article.tags)
        if article.language:
            item["language"] = article.language
        items.append(item)
    feed = {
        "version": JSON_FEED_VERSION,
        "title": config.title,
        "home_page_url": absolute(config, ""),
        "feed_url": absolute(config, "feed.json"),
        "language": config.language,
        "authors": [{"name": config.title, "url": absolute(config, "")}],
        "items": items,
    }
    if config.description:
        feed["description"] = config.description
    return (json.dumps(feed, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def sitemap_lines(config: SiteConfig, pages: list[tuple[str, date | None]]) -> list[str]:
    """sitemap.xml's line of each page (its address under the base, last known date), so search
    engines find all: an edit build keeps the last build's lines, and makes only those of the
    pages it plans again (render.plan_site)."""
    site = absolute(config)  # every page's address is this plus its path: computed once, not per page
    return [f"  <url><loc>{html.escape(site + path.lstrip('/'), quote=False)}</loc>"
            + (f"<lastmod>{modified.isoformat()}</lastmod>" if modified else "") + "</url>" for path, modified in pages]


def sitemap_of(lines: list[str]) -> bytes:
    """sitemap.xml of its pages' lines (`sitemap_lines`)."""
    return ("\n".join(['<?xml version="1.0" encoding="UTF-8"?>',
                       '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">', *lines, "</urlset>"])
            + "\n").encode("utf-8")


def robots_txt(config: SiteConfig) -> bytes:
    """robots.txt: everything may be crawled; here is the sitemap.

    Crawlers read robots.txt only at a domain's root, so under `/<repo>/` it is a hint for a
    custom domain (`cname`) more than a rule; the sitemap can also be submitted by hand.
    """
    sitemap = absolute(config, "sitemap.xml")
    if has_origin(config):
        return f"User-agent: *\nAllow: /\n\nSitemap: {sitemap}\n".encode("utf-8")
    # The Sitemap directive must be a full address; a path-only one is invalid (Lighthouse flags it).
    note = "# Set a full https:// base_url in site.yml to name the sitemap here:\n"
    return f"User-agent: *\nAllow: /\n\n{note}# Sitemap: {sitemap}\n".encode("utf-8")


def context_html(article: Article, config: SiteConfig, words: Interface) -> str:
    """The editors' context as HTML, every value escaped; rich fields are already sanitised HTML."""
    authors = words.gettext(", ").join(article.authors) or words.gettext("Not credited")
    published = words.long_date(article.date) if article.date else words.gettext("Date unknown")
    facts = [(words.gettext("Outlet"), Markup.escape(article.outlet or words.gettext("Outlet unknown"))),
             (words.gettext("Author"), Markup.escape(authors)), (words.gettext("Published"), Markup.escape(published))]
    if article.stance:
        facts.append((words.gettext("Stance"), Markup("<strong>{}</strong>: {}").format(
            article.stance, config.stances.get(article.stance, ""))))
    if article.source_url:
        facts.append((words.gettext("Original"), Markup('<a href="{0}">{0}</a>').format(article.source_url)))
    parts = [Markup("<p><strong>{}:</strong> {}</p>").format(label, value) for label, value in facts]
    if article.stance_notes_html:
        parts.append(Markup("<p><strong>{}:</strong></p>").format(words.gettext("Why this stance"))
                     + Markup(article.stance_notes_html))
    if article.caveats_html:
        parts.append(Markup("<p><strong>{}:</strong></p><ul>").format(words.gettext("Caveats"))
                     + Markup("").join(Markup("<li>{}</li>").format(Markup(c)) for c in article.caveats_html)
                     + Markup("</ul>"))
    parts.append(Markup('<p><a href="{}">{}</a></p>').format(
        _page(config, article), words.gettext("Read it on %(site)s with the editors' notes", site=config.title)))
    return _absolute_links("\n".join(parts), config, article)


def full_html(article: Article, config: SiteConfig, words: Interface) -> str:
    """Context first, then the outlet's text and the editors' notes, each under its own heading."""
    heading = words.gettext("The text, as published by %(outlet)s",
                            outlet=article.outlet or words.gettext("an unknown outlet"))
    parts = [context_html(article, config, words), str(Markup("<hr><h2>{}</h2>").format(heading)),
             _in_language(_absolute_links(notes_apart(article.text_html), config, article), article, config)]
    placed = in_reading_order(article.annotations)
    if placed:
        parts += [str(Markup("<h2>{}</h2>").format(words.gettext("The editors' notes on passages"))), "<ol>", *(
            str(Markup("<li><strong>{}</strong> ({}) {}: {}</li>").format(
                note_label(a, words), a.kind, words.gettext("on “%(passage)s”", passage=a.quote.exact),
                Markup(_absolute_links(a.note_html, config, article))))
            for a in placed), "</ol>"]
    if article.notes_html:
        parts += [str(Markup("<h2>{}</h2>").format(config.notes_heading)),
                  _absolute_links(article.notes_html, config, article)]
    return "\n".join(parts)


def _in_language(text_html: str, article: Article, config: SiteConfig) -> str:
    """The outlet's text in an element marking its language, when not the feed's."""
    attributes = lang_attributes(article.language, config.language)
    if not attributes:
        return text_html
    return str(Markup("<div{}>").format(Markup("").join(Markup(' {}="{}"').format(k, v) for k, v in attributes.items()))
               + Markup(text_html) + Markup("</div>"))


def _context_text(article: Article, config: SiteConfig, words: Interface) -> str:
    """A plain-text summary (JSON Feed's `summary` is text): who, when, which stance."""
    summary = words.gettext("%(outlet)s, %(date)s.", outlet=article.outlet or words.gettext("Outlet unknown"),
                            date=words.long_date(article.date) if article.date else words.gettext("Date unknown"))
    if article.stance:
        summary += " " + words.gettext("Stance: %(stance)s (%(meaning)s).", stance=article.stance,
                                       meaning=config.stances.get(article.stance, "").rstrip("."))
    return summary


def _absolute_links(html: str, config: SiteConfig, article: Article | str) -> str:
    """Feed readers show entries away from our site: root-relative and `#` links must be absolute
    (`#` ones to `article`'s page, or to the page address given)."""
    site = absolute(config, "")
    page = article if isinstance(article, str) else _page(config, article)
    html = re.sub(r'(\s(?:href|src)=")' + re.escape(config.base_path) + "(?!/)", lambda m: m.group(1) + site, html)
    return re.sub(r'(\shref=")#', lambda m: m.group(1) + page + "#", html)


def feed_articles(collection: Collection, config: SiteConfig) -> list[Article]:
    """The pieces the feeds carry, in full: the newest `feed_count`."""
    return list(collection.articles[: max(config.feed_count, 0)])


def _page(config: SiteConfig, article: Article) -> str:
    return absolute(config, f"articles/{article.slug}/")


def _authors(article: Article, words: Interface) -> list[str]:
    """The credited authors; uncredited pieces are the outlet's (never our editors')."""
    return list(article.authors) or [article.outlet or words.gettext("Outlet unknown")]


def _moment(article: Article) -> datetime:
    """Feeds need instants: the article's date at midnight UTC (its import date if undated)."""
    day = article.date or (article.provenance.imported if article.provenance else None)
    return datetime(day.year, day.month, day.day, tzinfo=timezone.utc) if day else EPOCH
