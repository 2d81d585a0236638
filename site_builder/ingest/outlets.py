"""The publication's name, and the site's name taken off a headline.

Pages name themselves inconsistently: `og:site_name` may be an edition ("U.S."), a domain in
capitals ("DW.COM"), a URL, or a name with a tagline ("Correctiv - Recherchen für die
Gesellschaft"); titles carry the site, a section and a date ("Headline | Culture | DW | 19.01.2020").
The outlet is the first of: the page's stated site name or JSON-LD publisher when it names the
publication; a small table of common publishers by domain; the site part of the title. The
address's host is never the outlet.
"""

from __future__ import annotations

import re

from site_builder.ingest.dates import find_date

# Domain -> the publication's name as it styles itself, then other names pages use for it.
KNOWN_OUTLETS: dict[str, tuple[str, ...]] = {
    "bbc.co.uk": ("BBC News", "BBC", "BBC News Online"),
    "bbc.com": ("BBC News", "BBC"),
    "theguardian.com": ("The Guardian", "Guardian", "the Guardian"),
    "nytimes.com": ("The New York Times", "New York Times", "NYTimes.com", "NYT"),
    "washingtonpost.com": ("The Washington Post", "Washington Post"),
    "wsj.com": ("The Wall Street Journal", "Wall Street Journal", "WSJ"),
    "reuters.com": ("Reuters",),
    "apnews.com": ("AP News", "Associated Press", "AP"),
    "cnn.com": ("CNN", "CNN.com"),
    "foxnews.com": ("Fox News",),
    "npr.org": ("NPR",),
    "bloomberg.com": ("Bloomberg",),
    "ft.com": ("Financial Times", "FT"),
    "economist.com": ("The Economist", "Economist"),
    "independent.co.uk": ("The Independent", "Independent"),
    "telegraph.co.uk": ("The Telegraph", "Telegraph"),
    "aljazeera.com": ("Al Jazeera", "Al Jazeera English"),
    "rt.com": ("RT", "RT International"),
    "tass.com": ("TASS",),
    "tass.ru": ("ТАСС", "TASS"),
    "ria.ru": ("РИА Новости", "RIA Novosti"),
    "france24.com": ("France 24",),
    "lemonde.fr": ("Le Monde",),
    "lefigaro.fr": ("Le Figaro",),
    "elpais.com": ("El País", "EL PAÍS", "Ediciones EL PAÍS"),
    "spiegel.de": ("Der Spiegel", "DER SPIEGEL", "SPIEGEL ONLINE", "Spiegel Online"),
    "dw.com": ("DW", "Deutsche Welle", "DW.COM"),
    "faz.net": ("Frankfurter Allgemeine Zeitung", "FAZ", "FAZ.NET", "F.A.Z."),
    "sueddeutsche.de": ("Süddeutsche Zeitung", "Süddeutsche.de", "SZ.de", "SZ"),
    "welt.de": ("Die Welt", "WELT", "DIE WELT"),
    "tagesschau.de": ("tagesschau.de", "tagesschau"),
    "globalresearch.ca": ("Global Research",),
}
_SEPARATORS = re.compile(r"\s*\|\s*|\s+[-–—›»·•]\s+|\s+::\s+")


def known_names(host: str) -> tuple[str, ...]:
    """The table's names for a host (`www.bbc.co.uk`, `edition.cnn.com`), or ()."""
    host = host.casefold().removeprefix("www.")
    for domain, names in KNOWN_OUTLETS.items():
        if host == domain or host.endswith("." + domain):
            return names
    return ()


def choose_outlet(site_names: list[str], publisher: str, host: str, title_suffix: str) -> str:
    """The publication's name; "" when nothing names it (never the host in capitals)."""
    table = known_names(host)
    stated = [name for name in site_names if not _is_domain(name)] + [publisher] + [n for n in site_names if _is_domain(n)]
    for candidate in stated:
        name = _publication_part(candidate, host)
        if not name:
            continue
        if table:
            same = next((known for known in table if known.casefold() == name.casefold()), "")
            if same or _relates_to_host(name, host):
                return table[0] if same else name
            continue  # an edition or a section ("U.S."): the table knows better
        return name
    if table:
        return table[0]
    return title_suffix if title_suffix and not (_is_domain(title_suffix) and title_suffix.isupper()) else ""


def same_name(name: str, host: str) -> bool:
    """`Futurezoneat` ~ futurezone.at: a name made from the address, not one the page states."""
    return bool(name) and _key(name) == _key(host.removeprefix("www."))


def _publication_part(name: str, host: str) -> str:
    """`Correctiv - Recherchen für die Gesellschaft` -> `Correctiv`; URLs and capitalised domains -> ""."""
    name = " ".join(name.split())
    parts = [part for part in _SEPARATORS.split(name) if part]
    if len(parts) > 1:
        related = [part for part in parts if _relates_to_host(part, host)]
        name = related[0] if related else parts[0]
    if not name or "://" in name or name.startswith("www.") or (_is_domain(name) and name.isupper()):
        return ""
    return name


def _is_domain(text: str) -> bool:
    return bool(re.fullmatch(r"[\w-]+(\.[\w-]+)+", text.strip())) and not re.fullmatch(r"(\w\.)+\w?", text.strip())


def _relates_to_host(name: str, host: str) -> bool:
    """`ZEIT ONLINE` ~ zeit.de, `South China Morning Post` ~ scmp.com, `Vancouver Sun` ~ vancouversun.com."""
    labels = [label for label in host.casefold().removeprefix("www.").split(".")[:-1] if len(label) > 2]
    words = re.findall(r"[^\W_]+", name.casefold())
    if not labels or not words:
        return False
    joined, initials = "".join(words), "".join(word[0] for word in words)
    return any(label in (joined, initials) or (len(label) > 3 and label in joined) for label in labels) \
        or any(word == label or (len(word) > 3 and word in label) for label in labels for word in words)


def strip_site(title: str, site_names: set[str]) -> str:
    """`Headline | Section | Outlet | 19.01.2020` -> `Headline`; `Outlet: Headline` -> `Headline`.

    Only parts that are a site name (or a date beside one) come off; a title's own dash or colon
    clause stays.
    """
    names = {_key(name) for name in site_names if name}
    spans = [match.span() for match in re.finditer(r"(?:(?!" + _SEPARATORS.pattern + r").)+", title)]
    parts = [title[start:end] for start, end in spans]
    first, cut = 0, len(parts)
    if len(parts) > 1 and _key(parts[0]) in names:
        first = 1
    while cut > first + 1 and (_key(parts[cut - 1]) in names or _is_date(parts[cut - 1])):
        cut -= 1
    if cut < len(parts) and not any(_key(part) in names for part in parts[cut:]):
        cut = len(parts)  # only dates came off: they may be the headline's own ("Budget | 2020-2021")
    if parts:
        title = title[spans[first][0]:spans[cut - 1][1]]
    prefix = re.match(r"^([^:]{2,40}):\s+(.+)$", title)
    if prefix and _key(prefix[1]) in names:
        title = prefix[2]
    return title.strip()


def _key(text: str) -> str:
    return re.sub(r"\W+", "", text.casefold().removeprefix("www."))


def _is_date(text: str) -> bool:
    return bool(re.fullmatch(r"[\d./\s-]{8,12}", text.strip())) and find_date(text, day_first=True) is not None
