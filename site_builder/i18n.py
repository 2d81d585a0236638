"""The interface in the site's language: gettext catalogues with the theme, dates in its locale,
and its writing direction.

`language` in site.yml names the interface language. Each theme may hold catalogues in
`locale/<lang>/LC_MESSAGES/messages.po`; a site's theme is merged over the default theme string
by string, so an override can add a language or reword a few strings. The .po files are the only
source: nothing generated is kept in git or in a site's theme, and an editor's edit to a .po shows
on the next build. A build keeps the merged catalogue, compiled, in the build state's folder
(keyed by the .po files' bytes and our code), since parsing .po files with Babel costs every
build more than reading the few files it reads again; in memory it is kept per process, keyed on
the files' modification times.

A string missing from a catalogue (or fuzzy) shows in English, the language the templates are
written in; `site-builder translations LANG` lists them (site_builder.catalogues).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from io import BytesIO
from pathlib import Path

from babel import Locale, UnknownLocaleError
from babel.dates import format_date, format_skeleton
from babel.numbers import format_decimal, format_percent
from babel.support import NullTranslations, Translations

from site_builder import problem_codes as codes
from site_builder.errors import Problem
from site_builder.hashing import code_fingerprint, digest
from site_builder.languages import direction
from site_builder.state import replacing

# Every list names each piece's date and counts: a build formats the same few thousand dates and
# numbers tens of thousands of times, and Babel works each out from the locale's patterns anew.
@lru_cache(maxsize=1 << 16)
def _formatted_date(value: date, pattern: str, locale: Locale) -> str:
    return format_date(value, pattern, locale=locale)


@lru_cache(maxsize=1 << 14, typed=True)
def _formatted_number(value: int | float, locale: Locale) -> str:
    return format_decimal(value, locale=locale)


SOURCE_LANGUAGE = "en"  # the language the templates are written in: the fallback for every string
DOMAIN = "messages"


@dataclass(frozen=True)
class Interface:
    """The language the theme's words are shown in: its catalogue (None: English), locale and direction."""

    tag: str  # as site.yml writes it (the pages' `lang`)
    catalogue: str | None  # the catalogue folder used (`fr`, `pt_BR`), None when there is none
    translations: NullTranslations
    locale: Locale
    rtl: bool
    stamp: tuple = ()  # the catalogues' paths and modification times: what the words were read from

    @property
    def direction(self) -> str:
        return "rtl" if self.rtl else "ltr"

    def long_date(self, value: date | None) -> str:
        """`9 October 2015`, `9 octobre 2015`, `9. Oktober 2015`: the locale's long date."""
        if value is None:
            return self.translations.gettext("undated")
        if self.locale.language == SOURCE_LANGUAGE:  # unambiguous in every English-reading country
            return _formatted_date(value, "d MMMM y", self.locale)
        return _formatted_date(value, "long", self.locale)

    def month(self, value: date) -> str:
        """`October 2015` as a heading (the month standing alone: `октябрь 2015 г.`)."""
        return format_skeleton("yMMMM", value, locale=self.locale)

    def short_month(self, value: date) -> str:
        """`Oct 2015`: a month on a chart's axis or in its figures."""
        return format_skeleton("yMMM", value, locale=self.locale)

    def day(self, value: date) -> str:
        """`9 Oct`: a day in a month the heading already names."""
        if self.locale.language == SOURCE_LANGUAGE:
            return format_date(value, "d MMM", locale=self.locale)
        return format_skeleton("MMMd", value, locale=self.locale)

    def number(self, value: int | float) -> str:
        return _formatted_number(value, self.locale)

    def percent(self, share: float) -> str:
        """`42%`, `42 %`: a share (0 to 1) as the locale writes it, rounded to a whole per cent."""
        return format_percent(share, locale=self.locale)

    def gettext(self, message: str, /, **values: object) -> str:
        """`message` in the interface's language, its `%(name)s` placeholders filled."""
        text = self.translations.gettext(message)
        return text % values if values else text

    def ngettext(self, singular: str, plural: str, n: int, /, **values: object) -> str:
        """The plural form the language uses for `n` (`%(num)s` is `n`, as the locale writes numbers)."""
        return self.translations.ngettext(singular, plural, n) % {"num": self.number(n), **values}


# The templates' own words, for what is rendered outside a site's build (an original's text, tests).
ENGLISH = Interface(SOURCE_LANGUAGE, None, NullTranslations(), Locale.parse(SOURCE_LANGUAGE), False)


def interface_for(language: str, themes: list[Path], keep_in: Path | None = None) -> Interface:
    """The interface for site.yml's `language`, with the theme chain's catalogues (most specific
    first); `keep_in` is the folder where the merged catalogue is kept compiled for the next
    build (None: nothing is written, as for `check`)."""
    folder = catalogue_folder(language, themes)
    if folder is None:
        return Interface(language, None, NullTranslations(), Locale.parse(SOURCE_LANGUAGE), is_rtl(language))
    files = tuple(po for theme in reversed(themes) if (po := po_path(theme, folder)).is_file())
    stamps = tuple((str(f), f.stat().st_mtime_ns) for f in files)
    return Interface(language, folder, _translations(stamps, keep_in), _locale(folder), is_rtl(language), stamps)


def site_interface(config) -> Interface:
    """The interface of a site (its `language`, its theme chain's catalogues), for the stages
    before rendering that put words on pages (link previews, annotation labels in a text)."""
    from site_builder.errors import ContentError
    from site_builder.render import default_theme_dir, theme_dirs  # render imports the reader, which imports this

    try:
        themes = theme_dirs(config)
    except ContentError:  # a missing theme is reported by the build; the words fall back to the default's
        themes = [default_theme_dir()]
    return interface_for(config.language, themes)


def po_path(theme: Path, folder: str) -> Path:
    return theme / "locale" / folder / "LC_MESSAGES" / f"{DOMAIN}.po"


def catalogue_folder(language: str, themes: list[Path]) -> str | None:
    """The most specific catalogue any theme holds for `language` (`pt-BR`: pt_BR, else pt)."""
    for candidate in _candidates(language):
        if any(po_path(theme, candidate).is_file() for theme in themes):
            return candidate
    return None


def is_rtl(language: str) -> bool:
    """Whether the language is written right to left (from its likely script, as for pieces)."""
    return direction(language) == "rtl"


def catalogue_problems(language: str, themes: list[Path], line: int) -> list[Problem]:
    """A warning when no theme has a catalogue for the interface language (English is shown)."""
    if catalogue_folder(language, themes) is not None or _candidates(language)[-1] == SOURCE_LANGUAGE:
        return []
    folder = _candidates(language)[-1]
    return [Problem("site.yml", line, f"`language`: the theme has no catalogue for `{language}`: "
                    "its words are shown in English",
                    f"translate them in themes/<your theme>/locale/{folder}/LC_MESSAGES/messages.po "
                    f"(site-builder translations {language} --update writes it)",
                    code=codes.NO_INTERFACE_CATALOGUE, severity="warning")]


def interface_problems(root: Path, language: str, themes: list[Path]) -> list[Problem]:
    """`catalogue_problems` at the line of `language` in site.yml (read again: only when warning)."""
    if catalogue_folder(language, themes) is not None:
        return []
    from site_builder.yamlsource import load_mapping

    try:
        source, _ = load_mapping((root / "site.yml").read_text(encoding="utf-8"), "site.yml")
        line = source.line_of("language")
    except (OSError, UnicodeDecodeError):
        line = 0
    return catalogue_problems(language, themes, line)


def _candidates(language: str) -> list[str]:
    """Catalogue folder names for a tag, most specific first: `zh-Hant-TW` -> zh_Hant_TW, zh_TW, zh_Hant, zh."""
    parts = language.replace("_", "-").split("-")
    base = parts[0].lower()
    script = next((p.title() for p in parts[1:] if len(p) == 4 and p.isalpha()), "")
    region = next((p.upper() for p in parts[1:] if len(p) == 2 or (len(p) == 3 and p.isdigit())), "")
    names = ["_".join(p for p in (base, script, region) if p), f"{base}_{region}" if region else "",
             f"{base}_{script}" if script else "", base]
    return list(dict.fromkeys(n for n in names if n))


@lru_cache(maxsize=8)
def _locale(folder: str) -> Locale:
    try:
        return Locale.parse(folder)
    except (ValueError, UnknownLocaleError):
        return Locale.parse(folder.split("_")[0]) if "_" in folder else Locale.parse(SOURCE_LANGUAGE)


_MEMO_SIZE = 8
_in_memory: dict[tuple[tuple[str, int], ...], Translations] = {}  # by stamps; a preview server sees edits


def _translations(stamps: tuple[tuple[str, int], ...], keep_in: Path | None) -> Translations:
    """The merged catalogue of the files in `stamps`: from memory, else as compiled in `keep_in`."""
    found = _in_memory.get(stamps)
    if found is None:
        if len(_in_memory) >= _MEMO_SIZE:
            _in_memory.clear()
        found = _in_memory[stamps] = _compiled([path for path, _ in stamps], keep_in)
    return found


COMPILED_PREFIX, COMPILED_SUFFIX = "catalogue-", ".mo"


def _compiled(paths: list[str], keep_in: Path | None) -> Translations:
    """The catalogues at `paths` merged: as kept compiled in `keep_in` under a name made of their
    bytes and our code (which merges them), so an edit to either makes them afresh; else parsed."""
    sources = [Path(path).read_bytes() for path in paths]
    kept = keep_in / f"{COMPILED_PREFIX}{digest(code_fingerprint(), sources)}{COMPILED_SUFFIX}" if keep_in else None
    if kept is not None:
        try:
            return Translations(BytesIO(kept.read_bytes()), domain=DOMAIN)
        except Exception:  # noqa: BLE001 (not made yet, unreadable, damaged: made afresh)
            pass
    compiled = _merged(sources)
    if kept is not None:
        _keep(kept, compiled)
    return Translations(BytesIO(compiled), domain=DOMAIN)


def _keep(path: Path, compiled: bytes) -> None:
    """Write `path` atomically, in place of the catalogues kept for other bytes (one language at a time)."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with replacing(path) as file:
            file.write(compiled)
        for old in path.parent.glob(f"{COMPILED_PREFIX}*{COMPILED_SUFFIX}"):
            if old != path:
                old.unlink(missing_ok=True)
    except OSError:
        pass  # a read-only site folder still builds; only the next build is slower


def _merged(sources: list[bytes]) -> bytes:
    """The catalogues merged string by string, the most specific theme's last (so it wins), as a
    compiled .mo; fuzzy and empty entries are left out, so they fall back to English."""
    from babel.messages.catalog import Catalog  # Babel's .po tools: only when no compiled copy is kept
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    merged: Catalog | None = None
    for source in sources:
        catalog = read_po(BytesIO(source))
        if merged is None:
            merged = Catalog(locale=catalog.locale, domain=DOMAIN)  # its plural rule: the locale's
        for message in catalog:
            if message.id and _translated(message) and not message.fuzzy:
                # Babel's catalogue keeps the string it has for an id: a more specific theme's replaces it.
                merged.delete(message.id, message.context)
                merged[message.id] = message
    buffer = BytesIO()
    write_mo(buffer, merged, use_fuzzy=False)
    return buffer.getvalue()


def _translated(message) -> bool:
    strings = message.string if isinstance(message.string, (list, tuple)) else [message.string]
    return all(strings)
