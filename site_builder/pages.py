"""content/pages/*.md: the editors' standalone pages (About, a syllabus, lesson instructions), and
the site's menu.

A page is Markdown with a small front matter (`title`, optionally `description` and `menu`),
rendered by the same sanitising pipeline as articles and published at `/<file name>/`. Every word
of it is the editors', so it is shown as theirs. The menu is site.yml's `menu:` resolved against
the sections the site makes and these pages; without one, the sections and then the pages that
ask for a place (`menu: 1`, `menu: 2`, ...).
"""

from __future__ import annotations

import difflib
import os
from dataclasses import dataclass
from pathlib import Path

from site_builder import problem_codes as codes
from site_builder.config import SiteConfig
from site_builder.errors import Problem, display_path
from site_builder.fields import SLUG_RE, Field, Integer, Text, slugify_hint, validate
from site_builder.markup import MarkdownRenderer
from site_builder.reader import MAX_ARTICLE_BYTES, split_front_matter, wikilinks_in
from site_builder.yamlsource import load_mapping

PAGES_DIR = "content/pages"

PAGE_FIELDS: tuple[Field, ...] = (
    Field("title", Text(), "The page's title, its heading and its label in the menu.", required=True),
    Field("description", Text(), "One sentence saying what the page is for (search engines and link previews).",
          default=""),
    Field("menu", Integer(), "Its place in the site's menu (1 first), when site.yml sets no `menu:`; "
          "without it the page is linked from the menu only if site.yml names it.", default=None),
)

# The sections the site makes, by the name a menu item uses, with their label and address. A page
# may not take the address of one, nor of the folders the build writes beside them.
SECTIONS: dict[str, tuple[str, str]] = {
    "home": ("All pieces", ""),
    "outlets": ("Outlets", "outlets/"),
    "tags": ("Tags", "tags/"),
    "events": ("Events", "events/"),
    "timeline": ("Timeline", "timeline/"),
    "claims": ("Claims", "claims/"),
    "annotations": ("Annotations", "annotations/"),  # only when there are annotations
    "corrections": ("Corrections", "corrections/"),
    "search": ("Search", "search/"),
    "data": ("Data", "data/"),  # the collection as open data (site_builder.data_export)
}
# Search has its own box, and every page's footer links to the corrections and the data.
DEFAULT_MENU = ("home", "outlets", "tags", "events", "timeline", "claims", "annotations")
RESERVED_SLUGS = frozenset(SECTIONS) - {"home"} | {"articles", "static", "pagefind"}


@dataclass(frozen=True)
class Page:
    """A standalone page: `body_html` is its Markdown, rendered and sanitised."""

    slug: str
    path: str  # as shown in messages: content/pages/about.md
    title: str
    description: str
    menu: int | None
    body_html: str
    wikilinks: tuple[tuple[str, int], ...]  # (slug, line), checked against the articles by the collection

    @property
    def url_path(self) -> str:
        return f"{self.slug}/"


@dataclass(frozen=True)
class MenuEntry:
    """A link of the menu as the theme shows it: `path` inside the site, or an outside `url`."""

    label: str
    path: str = ""
    url: str = ""


def page_paths(config: SiteConfig) -> list[Path]:
    """The page files, by name; hidden and `_`-prefixed files are the editor's scratch."""
    folder = config.root / PAGES_DIR
    names = sorted(n for n in os.listdir(folder) if n.endswith(".md") and not n.startswith((".", "_"))) \
        if folder.is_dir() else []
    return [folder / name for name in names]


def read_pages(config: SiteConfig, renderer: MarkdownRenderer) -> tuple[tuple[Page, ...], list[Problem]]:
    """Every standalone page, and every problem in them (all at once)."""
    pages, problems = [], []
    for path in page_paths(config):
        page, found = _read_page(path, config, renderer)
        problems += found
        if page is not None:
            pages.append(page)
    return tuple(pages), problems


def _read_page(path: Path, config: SiteConfig, renderer: MarkdownRenderer) -> tuple[Page | None, list[Problem]]:
    shown = display_path(path, config.root)
    text, problems = _text_of(path, shown)
    if text is None:
        return None, problems
    front_matter, body, problems = split_front_matter(text.lstrip("\ufeff"), shown)
    if problems:  # without a well-formed block, the title would also be reported missing
        return None, problems
    source, problems = load_mapping(front_matter, shown, first_line=2)
    if problems:  # a YAML error alone, not a cascade of missing keys after it
        return None, problems
    values, problems = validate(source, PAGE_FIELDS, shown)
    problems += _address_problems(path.stem, shown)
    body_line = front_matter.count("\n") + 3
    page = Page(path.stem, shown, values["title"] or path.stem, values["description"], values["menu"],
                renderer.render(body).html, tuple(wikilinks_in(body, body_line)))
    return page, problems


def _text_of(path: Path, shown: str) -> tuple[str | None, list[Problem]]:
    try:
        size = path.stat().st_size
        if size > MAX_ARTICLE_BYTES:
            return None, [Problem(shown, 0, f"{size / 1e6:.1f} MB is too large for a page "
                                  f"(the limit is {MAX_ARTICLE_BYTES // 1_000_000} MB)",
                                  "check that it holds the text you meant", code=codes.ARTICLE_TOO_LARGE)]
        return path.read_text(encoding="utf-8"), []
    except UnicodeDecodeError as error:
        return None, [Problem(shown, 0, f"not UTF-8 text (byte {error.start})", "re-save the file as UTF-8",
                              code=codes.NOT_UTF8)]
    except OSError as error:
        return None, [Problem(shown, 0, f"cannot read: {error.strerror or error}", "check the file's permissions",
                              code=codes.UNREADABLE_FILE)]


def _address_problems(slug: str, shown: str) -> list[Problem]:
    if not SLUG_RE.match(slug):
        return [Problem(shown, 0, f"file name `{slug}.md` does not make a stable URL",
                        f"rename it to `{slugify_hint(slug)}.md` (lowercase letters, digits, hyphens)",
                        code=codes.PAGE_ADDRESS)]
    if slug in RESERVED_SLUGS:
        return [Problem(shown, 0, f"page `{slug}` would take the address of the site's own /{slug}/ section",
                        f"rename the file, e.g. to `{slug}-guide.md`", code=codes.PAGE_ADDRESS)]
    return []


# --- the menu ---------------------------------------------------------------------------------

def site_menu(config: SiteConfig, pages: tuple[Page, ...],
              annotated: bool = False) -> tuple[tuple[MenuEntry, ...], list[Problem]]:
    """The menu's links, in order: site.yml's `menu:`, or the default (sections, then pages).
    `annotations` links /annotations/ only while there are annotations (`annotated`): named in
    site.yml before the first note, it is simply not shown yet."""
    by_slug = {page.slug: page for page in pages}
    if not config.menu:
        listed = sorted((p for p in pages if p.menu is not None), key=lambda p: (p.menu, p.title.casefold()))
        names = [*DEFAULT_MENU, *(p.slug for p in listed)]
        return tuple(entry for name in names if (entry := _named(name, by_slug, config, annotated))), []
    on_disk = {path.stem for path in page_paths(config)}  # a page with a problem of its own is no menu problem too
    entries, problems = [], []
    for item in config.menu:
        if not item.name:
            inside = "://" not in item.url
            entries.append(MenuEntry(item.title, path=item.url if inside else "", url="" if inside else item.url))
        elif (entry := _named(item.name, by_slug, config, annotated)) is not None:
            entries.append(entry)
        elif item.name not in on_disk and item.name != "annotations":
            problems.append(_names_nothing(item.name, item.line, list(SECTIONS) + sorted(on_disk), config))
    return tuple(entries), problems


def _named(name: str, pages: dict[str, Page], config: SiteConfig, annotated: bool) -> MenuEntry | None:
    if name in SECTIONS:
        if (name == "search" and not config.search) or (name == "annotations" and not annotated):
            return None
        label, path = SECTIONS[name]
        return MenuEntry(label, path)
    page = pages.get(name)
    return MenuEntry(page.title, page.url_path) if page else None


def _names_nothing(name: str, line: int, known: list[str], config: SiteConfig) -> Problem:
    if name == "search" and not config.search:
        hint = "the site has no search page (`search: false`): remove it"
    else:
        close = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
        hint = (f"did you mean `{close[0]}`?" if close else
                f"add content/pages/{name}.md, or use one of: " + ", ".join(SECTIONS))
    return Problem("site.yml", line, f"`menu`: `{name}` names no page or section", hint, code=codes.MENU_NAMES_NOTHING)
