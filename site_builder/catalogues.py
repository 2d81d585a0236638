"""The theme's catalogues: extract its strings, bring each language's .po up to date, list what is missing.

The strings are the templates' (`_()`, `ngettext`, `{% trans %}`, read with Jinja's own Babel
extractor, `jinja2.ext.babel_extract`) and the few our Python puts on pages (charts' titles,
descriptions: `_()` in the modules of PYTHON_SOURCES). Script strings are not extracted: the
templates hand them to the scripts (data attributes), so they are translated with the rest.

`python -m site_builder.catalogues` (make messages) updates the default theme's messages.pot and
every .po beside it; `site-builder translations LANG` lists the strings a language lacks.
"""

from __future__ import annotations

import copy
import sys
from dataclasses import dataclass
from pathlib import Path

from babel.messages.catalog import Catalog, Message
from babel.messages.extract import extract_from_file
from babel.messages.pofile import read_po, write_po

from site_builder.i18n import DOMAIN, po_path

PACKAGE_DIR = Path(__file__).resolve().parent
# The modules that put words of ours on pages.
PYTHON_SOURCES = ("render.py", "charts.py", "feeds.py", "annotations.py", "markup.py", "data_export.py", "datasets.py",
                  "related.py")
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2)}
JINJA_OPTIONS = {"extensions": "jinja2.ext.i18n", "trim_blocks": "true", "lstrip_blocks": "true", "trimmed": "true"}


def extract(theme: Path, python_sources: bool = True) -> Catalog:
    """Every string of a theme's templates (and, for the default theme, of our Python), in file order."""
    catalog = Catalog(domain=DOMAIN, project="site-builder", version="", msgid_bugs_address="", copyright_holder="",
                      header_comment="# The interface strings of a site-builder theme.\n")
    sources = sorted((theme / "templates").glob("*.html")) + sorted((theme / "templates").glob("*.xml"))
    for path in sources:
        for line, text, comments, context in extract_from_file("jinja2", str(path), KEYWORDS, options=JINJA_OPTIONS):
            catalog.add(text, locations=[(path.relative_to(theme).as_posix(), line)], auto_comments=comments,
                        context=context)
    if python_sources:
        for name in PYTHON_SOURCES:
            for line, text, comments, context in extract_from_file("python", str(PACKAGE_DIR / name), KEYWORDS):
                catalog.add(text, locations=[(f"site_builder/{name}", line)], auto_comments=comments, context=context)
    return catalog


def pot_path(theme: Path) -> Path:
    return theme / "locale" / f"{DOMAIN}.pot"


def languages(theme: Path) -> list[str]:
    """The catalogue folders a theme holds."""
    folder = theme / "locale"
    return sorted(p.parent.parent.name for p in folder.glob(f"*/LC_MESSAGES/{DOMAIN}.po")) if folder.is_dir() else []


def update(theme: Path, template: Catalog, new_languages: tuple[str, ...] = ()) -> list[Path]:
    """Write the theme's messages.pot and bring each .po up to date with it (new strings empty,
    changed ones fuzzy, gone ones kept as obsolete); `new_languages` get a .po of their own."""
    written = [_write(pot_path(theme), template)]
    for language in sorted(set(languages(theme)) | set(new_languages)):
        path = po_path(theme, language)
        catalog = _read(path) if path.is_file() else Catalog(locale=language, domain=DOMAIN)
        catalog.update(copy.deepcopy(template), update_header_comment=True)  # update() shares its messages
        if language == "en":  # the source language: its catalogue says each string as written
            _copy_sources(catalog)
        written.append(_write(path, catalog))
    return written


@dataclass(frozen=True)
class Missing:
    """A string of the theme a catalogue does not translate (or only as a fuzzy guess)."""

    msgid: str
    fuzzy: bool
    where: str  # its first place in the templates


def missing_strings(template: Catalog, catalogues: list[Path]) -> list[Missing]:
    """The strings of `template` none of `catalogues` (merged, most specific last) translates."""
    done: set = set()
    fuzzy: set = set()
    for path in catalogues:
        for message in _read(path):
            if message.id and _complete(message) and not message.fuzzy:
                done.add(message.id)
            elif message.id and message.fuzzy:
                fuzzy.add(message.id)
    return [Missing(_shown(m.id), m.id in fuzzy, ":".join(map(str, m.locations[0])) if m.locations else "")
            for m in template if m.id and m.id not in done]


def _complete(message: Message) -> bool:
    strings = message.string if isinstance(message.string, (list, tuple)) else [message.string]
    return all(strings)


def _shown(msgid) -> str:
    return msgid[0] if isinstance(msgid, (list, tuple)) else msgid


def _copy_sources(catalog: Catalog) -> None:
    for message in catalog:
        if message.id and (not _complete(message) or message.fuzzy):
            message.string = (message.id if not message.pluralizable
                              else tuple(message.id[min(i, 1)] for i in range(catalog.num_plurals)))
            message.flags.discard("fuzzy")


def _read(path: Path) -> Catalog:
    with path.open("rb") as handle:
        return read_po(handle)


def _write(path: Path, catalog: Catalog) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as handle:
        write_po(handle, catalog, width=100, sort_output=False, ignore_obsolete=False, include_previous=True)
    return path


@dataclass(frozen=True)
class LanguageReport:
    """What `site-builder translations` says: the strings a language lacks in a site's theme chain."""

    language: str
    folder: str  # the catalogue folder (`pt_BR`)
    total: int
    missing: list[Missing]
    written: Path | None = None  # the site's catalogue, when --update wrote it


def site_translations(root: Path, theme_name: str, themes: list[Path], language: str, write: bool) -> LanguageReport:
    """The strings of the site's theme chain that `language` lacks; with `write`, the site's own
    theme gets a catalogue holding every string (translated ones kept, the rest to fill in)."""
    from site_builder.i18n import catalogue_folder, _candidates

    template = extract(themes[-1])
    for theme in themes[:-1]:  # a site's own templates may add strings
        for message in extract(theme, python_sources=False):
            if message.id and message.id not in template:
                template[message.id] = message
    folder = catalogue_folder(language, themes) or _candidates(language)[-1]
    written = None
    if write:
        own = root / "themes" / theme_name
        path = po_path(own, folder)
        catalog = _read(path) if path.is_file() else Catalog(locale=folder, domain=DOMAIN)
        catalog.update(copy.deepcopy(template))
        written = _write(path, catalog)
    files = [po for theme in reversed(themes) if (po := po_path(theme, folder)).is_file()]
    if written and written not in files:
        files.append(written)
    return LanguageReport(language, folder, len(template), missing_strings(template, files), written)


def main(argv: list[str]) -> int:
    """`python -m site_builder.catalogues [LANG...]`: update the default theme's catalogues (and
    start LANG's), then list what each still lacks; exit 1 if anything does."""
    from site_builder.render import default_theme_dir

    theme = default_theme_dir()
    template = extract(theme)
    for path in update(theme, template, tuple(argv)):
        print(f"Wrote {path.relative_to(theme.parent.parent)}")
    gaps = 0
    for language in languages(theme):
        missing = missing_strings(template, [po_path(theme, language)])
        gaps += len(missing)
        print(f"{language}: {len(template) - len(missing)} of {len(template)} strings translated")
    return 1 if gaps else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
