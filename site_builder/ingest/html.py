"""Saved news page (HTML) -> Extracted: the article as Markdown plus the metadata the page states.

Telling an article from menus, cookie banners, share buttons, related links and comments is a hard
problem, so trafilatura (a maintained extractor) does it; this module sets it up and fixes what it
gets wrong for an importer that must never guess: its Markdown drops the `> ` of quotes, keeps
<sup>/<sub>/<u> and `#`/`javascript:` links, and resolves relative links against the host only; it
takes dates from URLs and page text (kept only if <meta>, JSON-LD or <time datetime> states them),
swaps headline and site in `<title>U.S. strikes | Site</title>` and names a site after the URL host.
`removed` stays empty: HTML has no source lines to point at.
"""

from __future__ import annotations

import json
import re
import uuid
from datetime import date
from urllib.parse import urljoin, urlsplit

import trafilatura
from lxml.html import HtmlElement
from trafilatura.xml import xmltotxt

from site_builder.ingest.decode import Unreadable
from site_builder.ingest.extracted import Extracted

_OPTIONS = dict(  # no metadata here: with a URL known, trafilatura resolves links against the host only
    output_format="markdown", include_links=True, include_formatting=True, include_comments=False,
    include_tables=True, favor_precision=True, with_metadata=False,
)
# no search of the free text, publication (not modification) date, the URL only as a last resort
_DATE_PARAMS = {"extensive_search": False, "original_date": True, "deferred_url_extractor": True}
_SEPARATOR = r"\s+[|–—-]\s+"
_ISO_START = re.compile(r"\s*(\d{4})\D?(\d\d)\D?(\d\d)")


def extract_html(text: str, source_name: str = "") -> Extracted:
    """`source_name` is part of the common extractor signature; HTML does not need it."""
    tree = trafilatura.load_html(text)
    document = trafilatura.bare_extraction(text, **_OPTIONS) if tree is not None else None
    meta = trafilatura.extract_metadata(text, date_config=_DATE_PARAMS, extensive=False)
    url = (_source_url(meta.url or "") or _source_url(_jsonld_url(tree))) if tree is not None else ""
    markdown = _markdown(document.body, url) if document is not None and document.body is not None else ""
    if not markdown:
        raise Unreadable("no article text found in the page")
    title_tag = " ".join(tree.xpath("string(//head/title)").split())
    outlet = _outlet(meta.sitename or "", title_tag, meta.url or "")
    return Extracted(
        title=_headline(meta.title or "", title_tag, outlet), authors=_authors(meta.author),
        outlet=outlet, date=_stated_date(meta.date, tree), source_url=url,
        language=_language(tree), text=markdown,
    )


def _split_title(title_tag: str) -> tuple[str, str]:
    """`Headline | Site` -> ("Headline", "Site"), split at the last separator; else (title, "")."""
    match = re.fullmatch(f"(.+){_SEPARATOR}(.+)", title_tag)
    return (match[1], match[2]) if match else (title_tag, "")


def _names_site(part: str) -> bool:
    """`The Example Times`, `Times of India`, `example.com`; not `the war goes on`."""
    words = part.split()
    capitalised = 0 < len(words) <= 5 and not any(word[0].islower() for word in words if len(word) > 3)
    return capitalised or bool(re.fullmatch(r"[\w-]+(\.[\w-]+)+", part))


def _outlet(sitename: str, title_tag: str, url: str) -> str:
    headline, suffix = _split_title(title_tag)
    host = urlsplit(url).hostname or ""
    if sitename == headline or (sitename in (host, host.removeprefix("www.")) and sitename not in title_tag):
        sitename = ""  # the headline taken for the site (it has a dot), or only the URL's host
    return sitename or (suffix if _names_site(suffix) else "")


def _headline(title: str, title_tag: str, outlet: str) -> str:
    headline, suffix = _split_title(title_tag)
    if suffix and title in (headline, suffix):  # trafilatura's pick from the <title>
        title = headline if _names_site(suffix) or suffix == outlet else title_tag
    return re.sub(f"{_SEPARATOR}{re.escape(outlet)}$", "", title) if outlet else title


def _authors(raw: str | None) -> tuple[str, ...]:
    names = (re.sub(r"^by\s+", "", name.strip(), flags=re.IGNORECASE) for name in (raw or "").split(";"))
    return tuple(dict.fromkeys(name for name in names if name))


def _stated_date(iso: str | None, tree: HtmlElement) -> date | None:
    """trafilatura's date if the page's metadata states it (ISO-like, as the standards ask), else None."""
    stated = tree.xpath("//meta/@content | //time/@datetime")
    for script in tree.xpath('//script[@type="application/ld+json"]/text()'):
        stated += re.findall(r'"date\w*"\s*:\s*"([^"]*)"', script)
    matches = (_ISO_START.match(value) for value in stated)
    stated_here = iso and any(m and "-".join(m.groups()) == iso for m in matches)
    return date.fromisoformat(iso) if stated_here else None  # htmldate returns only valid dates


def _jsonld_url(tree: HtmlElement) -> str:
    """The `url` (or `mainEntityOfPage`) of a JSON-LD article, which trafilatura does not read."""
    for script in tree.xpath('//script[@type="application/ld+json"]/text()'):
        try:
            data = json.loads(script)
        except ValueError:
            continue
        items = data if isinstance(data, list) else data.get("@graph", [data]) if isinstance(data, dict) else []
        for item in (item for item in items if isinstance(item, dict)):
            page = item.get("mainEntityOfPage")
            url = item.get("url") or (page.get("@id") if isinstance(page, dict) else page)
            if re.search(r"Article|Posting", str(item.get("@type"))) and isinstance(url, str):
                return url
    return ""


def _source_url(url: str) -> str:
    """An http(s) address of a page, not a site root (trafilatura may read one from <base>)."""
    parts = urlsplit(url.strip())
    return url.strip() if parts.scheme in ("http", "https") and parts.netloc and parts.path not in ("", "/") else ""


def _language(tree: HtmlElement) -> str:
    """`<html lang>` or og:locale as `en` / `pt-BR`; "" when absent or not a language tag."""
    root = tree.getroottree().getroot()
    raw = root.get("lang") or root.get("{http://www.w3.org/XML/1998/namespace}lang") or ""
    parts = re.split(r"[-_]", (raw or "".join(tree.xpath('//meta[@property="og:locale"]/@content')[:1])).strip())
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
