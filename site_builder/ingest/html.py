"""Saved news page (HTML) -> Extracted: the article as Markdown plus the metadata the page states.

Metadata comes from three kinds of source that often disagree: what the page shows with the
article (byline, printed date: shown.py), its structured metadata (JSON-LD, <meta>), and
trafilatura's reading of both. What the page shows wins; structured values are taken when the
page shows none and they agree; organisations never become authors (names.py); the outlet and
the title's site suffix follow outlets.py. A field left empty because sources disagree gets a
note, which `import --dry-run` prints.

Telling an article from menus, cookie banners, share buttons, related links and comments is a hard
problem, so trafilatura (a maintained extractor) does it; this module sets it up and fixes what it
gets wrong for an importer that must never guess: its Markdown drops the `> ` of quotes, keeps
<sup>/<sub>/<u> and `#`/`javascript:` links, and resolves relative links against the host only; it
takes dates from URLs and page text (its date is kept only if <meta>, JSON-LD or <time datetime>
states it; a date printed with the article is read by shown.py),
swaps headline and site in `<title>U.S. strikes | Site</title>` and names a site after the URL host.
`removed` stays empty: HTML has no source lines to point at.
"""

from __future__ import annotations

import html
import json
import re
import uuid
from datetime import date
from urllib.parse import urljoin, urlsplit

import trafilatura
from lxml import etree
from lxml.html import HtmlElement
from trafilatura.xml import xmltotxt

from site_builder.ingest.decode import Unreadable
from site_builder.ingest.extracted import Extracted
from site_builder.ingest.names import person_names
from site_builder.ingest.outlets import choose_outlet, known_names, same_name, strip_site
from site_builder.ingest.shown import Shown, day_first, shown_in_page
from site_builder.ingest.trafilatura_metadata import TrafilaturaMetadata

_OPTIONS = dict(  # no metadata here: with a URL known, trafilatura resolves links against the host only
    output_format="markdown", include_links=True, include_formatting=True, include_comments=False,
    include_tables=True, favor_precision=True, with_metadata=False,
)
# no search of the free text, publication (not modification) date, the URL only as a last resort
_DATE_PARAMS = {"extensive_search": False, "original_date": True, "deferred_url_extractor": True}
_SEPARATOR = r"\s+[|–—-]\s+"
_ISO_START = re.compile(r"\s*(\d{4})\D?(\d\d)\D?(\d\d)")
_AUTHOR_META = ("author", "article:author", "og:article:author", "dc.creator", "sailthru.author", "parsely-author",
                "citation_author", "cse_author", "byl")
# compiled once: element.xpath() compiles its expression on every call
_TITLE_TAG = etree.XPath("string(//head/title)")
_META_TAGS = etree.XPath("//meta[@content]")
_HEADINGS = etree.XPath("//h1")
_STATED_DATES = etree.XPath("//meta/@content | //time/@datetime")
_JSON_LD = etree.XPath('//script[@type="application/ld+json"]/text()')
_OG_LOCALE = etree.XPath('//meta[@property="og:locale"]/@content')
_PUBLISHED_META = ("article:published_time", "og:article:published_time", "datepublished", "parsely-pub-date",
                   "citation_publication_date", "dc.date", "date", "pubdate", "sailthru.date")


def extract_html(text: str, source_name: str = "") -> Extracted:
    """`source_name` is part of the common extractor signature; HTML does not need it.

    The page is parsed once: trafilatura's extraction works on a copy of the tree, and its
    metadata, the byline shown and the page's own statements are all read from it.
    """
    tree = trafilatura.load_html(text)
    document = trafilatura.bare_extraction(tree, **_OPTIONS) if tree is not None else None
    if document is None or document.body is None:
        raise Unreadable("no article text found in the page")
    meta = TrafilaturaMetadata(tree, _DATE_PARAMS)
    article = _jsonld_article(tree)
    url = _source_url(meta.url or "") or _source_url(_jsonld_url(article))
    markdown = _markdown(document.body, url)
    if not markdown:
        raise Unreadable("no article text found in the page")
    title_tag = " ".join(_TITLE_TAG(tree).split())
    metas = _meta_tags(tree)
    language = _language(tree, metas)
    outlet = _outlet(metas, article, meta.sitename, title_tag, meta.url or "")
    site_names = _site_names(metas, outlet, meta.url or "")
    shown = shown_in_page(tree, day_first(language), site_names)
    notes: list[str] = []
    return Extracted(
        title=_title(tree, metas, _headline(meta.title or "", title_tag, outlet), site_names),
        authors=_choose_authors(shown, metas, article, meta, site_names, notes),
        outlet=outlet, date=_choose_date(shown.date, _stated_date(meta, tree, metas, article), notes), source_url=url,
        language=language, text=markdown, notes=tuple(notes),
    )


def _meta_tags(tree: HtmlElement) -> list[tuple[str, str]]:
    """(name|property|itemprop casefolded, content) of every <meta> with a content, in page order."""
    return [((m.get("name") or m.get("property") or m.get("itemprop") or "").casefold(), " ".join(m.get("content", "").split()))
            for m in _META_TAGS(tree)]


def _meta(metas: list[tuple[str, str]], *names: str) -> list[str]:
    """`content` of the <meta> tags named in `names` (any case), in page order."""
    wanted = {name.casefold() for name in names}
    return [content for name, content in metas if name in wanted]


def _outlet(metas: list[tuple[str, str]], article: dict, sitename: str, title_tag: str, url: str) -> str:
    headline, suffix = _split_title(title_tag)
    host = urlsplit(url).hostname or ""
    publisher = article.get("publisher")
    publisher_name = publisher.get("name", "") if isinstance(publisher, dict) else ""
    # trafilatura's site name may be the headline, the URL's host, or a `<meta name=author>` ("Site, City, Country")
    if sitename in (headline, host, host.removeprefix("www.")) or same_name(sitename, host):
        sitename = ""
    stated = _meta(metas, "og:site_name") + [sitename.split(",")[0]] if sitename else _meta(metas, "og:site_name")
    return choose_outlet(stated, str(publisher_name or ""), host, suffix if _names_site(suffix) else "")


def _site_names(metas: list[tuple[str, str]], outlet: str, url: str) -> set[str]:
    """Every name the site goes by: none of them is a headline's part or an author."""
    host = (urlsplit(url).hostname or "").removeprefix("www.")
    names = {outlet, host, host.split(".")[0], *known_names(host)}
    names |= set(_meta(metas, "og:site_name", "application-name", "apple-mobile-web-app-title", "publisher"))
    return {name for name in names if name}


def _title(tree: HtmlElement, metas: list[tuple[str, str]], title: str, site_names: set[str]) -> str:
    """og:title (else trafilatura's pick) without the site's name; the page's <h1> if the title only adds to it."""
    social = [strip_site(value, site_names) for value in _meta(metas, "og:title") if value]
    title = next((value for value in social if value), "") or strip_site(title, site_names)
    headings = [" ".join(h.text_content().split()) for h in _HEADINGS(tree)]
    for heading in (h for h in headings if h and h != title):
        if re.match(re.escape(heading) + _SEPARATOR, title):
            return heading
    return title


def _choose_authors(page: Shown, metas: list[tuple[str, str]], article: dict, meta: TrafilaturaMetadata,
                    site_names: set[str], notes: list[str]) -> tuple[str, ...]:
    """The byline shown wins; else JSON-LD and <meta> people when they agree; else trafilatura's."""
    shown = page.authors
    stated = [names for names in (_jsonld_people(article, site_names),
                                  [n for value in _meta(metas, *_AUTHOR_META) for n in person_names(value, site_names)])
              if names]
    stated = [list(dict.fromkeys(names)) for names in stated]
    if shown:
        others = [name for names in stated for name in names if name not in shown]
        if others and not any(name in shown for names in stated for name in names):
            notes.append(f"author: the page's metadata names {', '.join(dict.fromkeys(others))}; "
                         f"the byline shown on the page ({', '.join(shown)}) is taken")
        return shown
    if stated:
        fullest = max(stated, key=len)
        if all(set(names) <= set(fullest) for names in stated):
            return tuple(fullest)
        notes.append("author: left empty: the page shows no byline and its metadata disagrees ("
                     + " / ".join(", ".join(names) for names in stated) + ")")
        return ()
    if any(_meta(metas, *_AUTHOR_META)) or article.get("author"):
        return ()  # the page's own author fields name no person: trafilatura's reading of them would not either
    names = (name for raw in (meta.author or "").split(";") for name in person_names(raw, site_names))
    return tuple(name for name in names if name not in page.elsewhere)  # not a teaser's or a comment's byline


def _jsonld_people(article: dict, site_names: set[str]) -> list[str]:
    """People among a JSON-LD article's `author`s (an Organization is not an author)."""
    authors = article.get("author") or []
    people: list[str] = []
    for author in authors if isinstance(authors, list) else [authors]:
        if isinstance(author, dict) and "Organization" not in str(author.get("@type")):
            author = author.get("name")
        if isinstance(author, str):  # JSON-LD written by templates often keeps HTML entities (O&#039;Donnell)
            people += person_names(html.unescape(author), site_names)
    return people


def _choose_date(shown: date | None, stated: date | None, notes: list[str]) -> date | None:
    """The date printed with the article wins over the metadata's (often the last update's)."""
    if shown and stated and shown != stated:
        notes.append(f"date: the page shows {shown.isoformat()}, its metadata says {stated.isoformat()}; "
                     "the date shown is taken")
    return shown or stated


def _split_title(title_tag: str) -> tuple[str, str]:
    """`Headline | Site` -> ("Headline", "Site"), split at the last separator; else (title, "")."""
    match = re.fullmatch(f"(.+){_SEPARATOR}(.+)", title_tag)
    return (match[1], match[2]) if match else (title_tag, "")


def _names_site(part: str) -> bool:
    """`The Example Times`, `Times of India`, `example.com`; not `the war goes on`."""
    words = part.split()
    capitalised = 0 < len(words) <= 5 and not any(word[0].islower() for word in words if len(word) > 3)
    return capitalised or bool(re.fullmatch(r"[\w-]+(\.[\w-]+)+", part))


def _headline(title: str, title_tag: str, outlet: str) -> str:
    headline, suffix = _split_title(title_tag)
    if suffix and title in (headline, suffix):  # trafilatura's pick from the <title>
        title = headline if _names_site(suffix) or suffix == outlet else title_tag
    return re.sub(f"{_SEPARATOR}{re.escape(outlet)}$", "", title) if outlet else title


def _stated_date(meta: TrafilaturaMetadata, tree: HtmlElement, metas: list[tuple[str, str]], article: dict) -> date | None:
    """The publication date the page's metadata states (JSON-LD, <meta>, <time datetime>), else None.

    trafilatura's date is kept only if the page states it in ISO form: it also reads dates from the
    URL and the free text ("Copyright 2015").
    """
    for value in [article.get("datePublished"), *_meta(metas, *_PUBLISHED_META)]:
        match = _ISO_START.match(value) if isinstance(value, str) else None
        if match and re.fullmatch(r"\s*\d{4}-\d\d-\d\d.*", value):
            try:
                return date(*map(int, match.groups()))
            except ValueError:
                continue
    iso = meta.date  # htmldate's search, run only when no ISO date is stated above
    if not iso:
        return None
    stated = _STATED_DATES(tree)
    for script in _JSON_LD(tree):
        stated += re.findall(r'"date\w*"\s*:\s*"([^"]*)"', script)
    matches = (_ISO_START.match(value) for value in stated)
    stated_here = any(m and "-".join(m.groups()) == iso for m in matches)
    return date.fromisoformat(iso) if stated_here else None  # htmldate returns only valid dates


def _jsonld_article(tree: HtmlElement) -> dict:
    """The first JSON-LD item that is an article (NewsArticle, BlogPosting, ...), or {}."""
    for script in _JSON_LD(tree):
        try:
            data = json.loads(script)
        except ValueError:
            continue
        items = data if isinstance(data, list) else data.get("@graph", [data]) if isinstance(data, dict) else []
        for item in (item for item in items if isinstance(item, dict)):
            if re.search(r"Article|Posting|Report", str(item.get("@type"))):
                return item
    return {}


def _jsonld_url(article: dict) -> str:
    """The `url` (or `mainEntityOfPage`) of a JSON-LD article, which trafilatura does not read."""
    page = article.get("mainEntityOfPage")
    url = article.get("url") or (page.get("@id") if isinstance(page, dict) else page)
    return url if isinstance(url, str) else ""


def _source_url(url: str) -> str:
    """An http(s) address of a page, not a site root (trafilatura may read one from <base>)."""
    parts = urlsplit(url.strip())
    return url.strip() if parts.scheme in ("http", "https") and parts.netloc and parts.path not in ("", "/") else ""


def _language(tree: HtmlElement, metas: list[tuple[str, str]]) -> str:
    """`<html lang>` or og:locale as `en` / `pt-BR`; "" when absent or not a language tag."""
    root = tree.getroottree().getroot()
    raw = root.get("lang") or root.get("{http://www.w3.org/XML/1998/namespace}lang") or ""
    parts = re.split(r"[-_]", (raw or "".join(_OG_LOCALE(tree)[:1])).strip())
    if not re.fullmatch(r"[A-Za-z]{2,3}", parts[0]):
        return ""
    region = parts[1].upper() if len(parts) > 1 and re.fullmatch(r"[A-Za-z]{2}|\d{3}", parts[1]) else ""
    return parts[0].lower() + (f"-{region}" if region else "")


def _markdown(body: HtmlElement, base_url: str) -> str:
    """trafilatura's Markdown with real (absolute) links only, no inline HTML, `> ` quotes."""
    _unwrap_lines(body)
    _fix_links(body, base_url)
    for hi in body.iter("hi"):
        if hi.get("rend") in ("#sup", "#sub", "#u"):  # trafilatura would write these as HTML
            del hi.attrib["rend"]
    token = uuid.uuid4().hex  # marks where each quote starts and ends; nothing in it is escaped
    for quote in list(body.iter("quote")):
        quote.text = f"Q{token}S {quote.text or ''}"
        if len(quote):
            quote[-1].tail = f"{quote[-1].tail or ''} Q{token}E"
        else:
            quote.text += f" Q{token}E"
    markdown = re.sub(f"Q{token}S(.*?)Q{token}E", _blockquote, xmltotxt(body, include_formatting=True), flags=re.S)
    return re.sub(r"\n{3,}", "\n\n", markdown).strip()


def _unwrap_lines(body: HtmlElement) -> None:
    """The page source's line wrapping is not part of the text (trafilatura keeps it), code aside."""
    for element in body.iter():
        if next(element.iterancestors("code"), None) is None:
            if element.tag != "code" and (element.text or "").strip():
                element.text = re.sub(r"\s*\n\s*", " ", element.text)
            if (element.tail or "").strip():
                element.tail = re.sub(r"\s*\n\s*", " ", element.tail)


def _fix_links(body: HtmlElement, base_url: str) -> None:
    """Resolve links against the page's URL; links going nowhere (`#`, `javascript:`) become text."""
    for ref in list(body.iter("ref")):
        target = (ref.get("target") or "").strip()
        resolved = urljoin(base_url, target) if base_url else target
        if target.startswith("#") or urlsplit(resolved).scheme not in ("http", "https"):
            ref.tag = "hi"  # a span without `rend` renders as plain text
            ref.attrib.clear()
        else:
            ref.set("target", resolved)


def _blockquote(match: re.Match[str]) -> str:
    lines = (line.rstrip() for line in match[1].strip().splitlines())
    return "\n\n" + "\n".join(f"> {line}" if line else ">" for line in lines) + "\n\n"
