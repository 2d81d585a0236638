"""Which strings in a byline or an `author` field are people.

News pages put the publisher, its postal identity ("Publisher GmbH, City, Country"), a wire
service, a desk or a job title where a reader expects a person. An organisation is not an
author, so a name is taken only if it looks like a person's: two to five capitalised words
(particles such as `von`, `de la` allowed), no legal form, no newsroom word, no address, no
domain or URL. A value that fails is left out, never "fixed".
"""

from __future__ import annotations

import re

# A label before the names: "By", "Von", "Author:", "Eine Analyse von", "Analysis by", "Autori:".
_LABEL = re.compile(
    r"^(?:[^\W\d_]+\s+){0,3}?(?:by|von|par|por|door|di|av|af)\s+"
    r"|^(?:authors?|autor(?:in|en|i)?|auteurs?|autores?|автор[ыа]?|written by|text|texto)\s*:?\s+",
    re.IGNORECASE)
_CREDIT = re.compile(r"^(?:photo|foto|bild|image|picture|illustration|video|graphic|grafik|credit|quelle|source)",
                     re.IGNORECASE)
_SPLIT = re.compile(r"\s*(?:,|;|/|\||&|\band\b|\bund\b|\bet\b|\by\b|\bи\b)\s*", re.IGNORECASE)
_PARTICLES = {"von", "van", "der", "den", "de", "del", "della", "di", "da", "du", "la", "le", "bin", "ibn", "al", "el",
              "ter", "ten", "zu", "dos", "das", "y", "af", "st."}
# Words that make a name an organisation, a desk or a role (compared case-insensitively).
ORGANISATION_WORDS = {
    "media", "medien", "news", "group", "gruppe", "staff", "editorial", "editors", "board", "redaktion", "agency",
    "agentur", "press", "presse", "wire", "online", "verlag", "publishing", "publications", "network", "desk", "team",
    "newsroom", "company", "corporation", "foundation", "institute", "magazine", "zeitung", "journal", "radio", "tv",
    "television", "service", "dienst", "reporters", "correspondents", "contributors", "bureau", "associated",
    "international", "digital", "studios", "productions", "editor", "redakteur", "redakteurin", "correspondent",
    "korrespondent", "reporter", "analyst", "columnist", "contributor", "writer", "photographer", "senior", "chief",
    "programme", "program", "university", "universität", "ministry", "council", "community", "club", "admin",
    "administrator", "submitted", "guest", "anonymous", "unknown", "twitter", "facebook", "instagram", "linkedin",
    "youtube", "whatsapp", "telegram", "mastodon", "e-mail", "email", "rss",
}
_INTERFACE_WORDS = {"view", "more", "articles", "read", "all", "posts", "follow", "stories", "contact", "subscribe",
                    "share", "print", "comments", "home", "menu", "search", "login", "archive"}
PUBLISHING_HOUSES = {"condé nast", "conde nast", "hearst", "axel springer", "gannett", "news corp", "dotdash meredith",
                     "vox media", "future plc", "reach plc", "tribune publishing", "bertelsmann", "burda"}
_ROLES = {"editor", "redakteur", "redakteurin", "correspondent", "korrespondent", "reporter", "analyst", "columnist",
          "contributor", "writer", "photographer", "senior", "chief", "guest", "submitted", "admin", "administrator"}
LEGAL_FORMS = {"gmbh", "ltd", "ltd.", "inc", "inc.", "llc", "s.a.", "sa", "ag", "plc", "co.", "corp", "corp.", "kg",
               "se", "s.l.", "srl", "s.r.l.", "b.v.", "bv", "n.v.", "oy", "ab", "as", "a/s", "limited", "pty"}


def person_names(text: str, not_names: set[str] = frozenset()) -> list[str]:
    """The people named in a byline or `author` value, in order, without duplicates.

    `not_names` are the site's own names (outlet, site name), never an author either.
    """
    text = " ".join(re.sub(r"@\w+", " ", text).split())
    if _CREDIT.match(text):
        return []
    keep: list[str] = []
    for raw in _SPLIT.split(_LABEL.sub("", text, count=1)):
        if is_organisation(raw):
            break  # what follows an organisation is its address ("Publisher GmbH, New York, USA")
        part = " ".join(re.sub(r"\([^)]*\)", " ", raw).split()).strip(" .:-–—")
        if is_person(part, not_names):
            keep.append(part)
    return list(dict.fromkeys(keep))


def is_organisation(name: str) -> bool:
    """A legal form, a newsroom word, a domain or a URL: the publisher, not a person."""
    words = [word.casefold().strip(",.()") for word in name.split()]
    if not words:
        return False
    return (" ".join(words) in PUBLISHING_HOUSES or words[0] in {"the", "der", "die", "das"}
            or words[-1] in LEGAL_FORMS or name.split()[-1].casefold() in LEGAL_FORMS
            or any(word in ORGANISATION_WORDS - _ROLES for word in words)
            or bool(re.search(r"://|\bwww\.|\w\.(?:com|net|org|de|co|uk|fr|ru|es|it|info)\b", name)))


def is_person(name: str, not_names: set[str] = frozenset()) -> bool:
    """Two to five capitalised words, no organisation or role word, no digits, address, domain or URL."""
    words = name.split()
    if not 2 <= len(words) <= 5 or name.casefold() in {n.casefold() for n in not_names}:
        return False
    if re.search(r"\d|@|://|\bwww\b|\.[a-z]{2,6}\b|[<>{}\[\]=]", name):
        return False
    lowered = [word.casefold().strip(",.") for word in words]
    if any(word in ORGANISATION_WORDS or word in _INTERFACE_WORDS for word in lowered) or lowered[-1] in LEGAL_FORMS:
        return False
    if sum(word.isupper() and len(word) > 2 for word in words) > 1:  # "CNN WIRE", "SPIEGEL ONLINE"
        return False
    capitalised = all(word[0].isupper() or not word[0].isalpha() or word.casefold() in _PARTICLES for word in words)
    return capitalised and words[0].casefold() not in _PARTICLES - {"de", "van", "von", "da", "di", "el", "al"}
