"""`site.yml`: the site's options, declared once with their types, defaults and docs."""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType
from typing import ClassVar, Mapping
from urllib.parse import urlparse

from pygments.styles import STYLE_MAP

from site_builder import problem_codes as codes
from site_builder.errors import ContentError, Problem, errors_only
from site_builder.fields import (BaseUrl, Boolean, Choice, Choices, Field, Integer, Invalid, LanguageTag, Record, Slug,
                                 Text, TextList, TextMapping, Url, validate)
from site_builder.languages import use_known_tags
from site_builder.licences import Licence, LicenceOption
from site_builder.state import cache_dir
from site_builder.yamlsource import load_mapping

CONFIG_FILE = "site.yml"


class PygmentsStyle(Choice):
    """A Pygments style: its own are known at once; a plugin's only by listing every installed
    package's entry points, a cost every build would pay, so only for a name not its own."""

    def convert(self, value: object, choices: Choices) -> str:
        if isinstance(value, str) and value in STYLE_MAP:
            return value
        from pygments.styles import get_all_styles

        return Choice(tuple(sorted(get_all_styles())), about=self.about).convert(value, choices)


@dataclass(frozen=True)
class MenuItem:
    """One link of the site's menu: a section or page by its name (`name`), or any address with
    its own title (`title`, `url`: a full https:// address or a path inside the site)."""

    name: str = ""
    title: str = ""
    url: str = ""
    line: int = 0  # its line in site.yml, for a name that turns out to name nothing


@dataclass(frozen=True)
class SitePath(Text):
    """A full http(s) address, or a path inside the site (`articles/x/`), which gets the base URL."""

    description: str = "http(s) URL or a path inside the site"

    def convert(self, value: object, choices: Choices) -> str:
        text = Text(self.description).convert(value, choices)
        if "://" in text or text.startswith(("http:", "https:")):
            return Url().convert(text, choices)
        if not text or any(c.isspace() for c in text) or text.startswith("//") or ":" in text.split("/")[0]:
            raise Invalid(f"`{text}` is not a web address or a path inside the site",
                          "write `https://…` for another site, or a path such as `articles/my-piece/`",
                          code=codes.NOT_A_WEB_ADDRESS)
        return text.lstrip("/")  # inside the site: under its base URL, like every link


@dataclass(frozen=True)
class Menu:
    """The menu: a list of section or page names (`outlets`, `about`) and `title:`/`url:` pairs."""

    description: str = "list of section or page names, or `title:` and `url:` pairs"
    link: ClassVar[Record] = Record((Field("title", Text(), "The link's text.", required=True),
                   Field("url", SitePath(), "Where it leads.", required=True)))

    def convert(self, value: object, choices: Choices) -> tuple[MenuItem, ...]:
        if not isinstance(value, list):
            raise Invalid("expected a list", "write one `- item` per line under `menu:`", code=codes.NOT_A_LIST)
        items = []
        for index, item in enumerate(value):
            try:
                if isinstance(item, dict):
                    items.append(MenuItem(**self.link.convert(item, choices)))
                else:
                    items.append(MenuItem(name=Slug("section or page name").convert(item, choices)))
            except Invalid as error:
                raise Invalid(f"item {index + 1}: {error.message}", error.hint, at=(index,) + error.at,
                              code=error.code) from None
        return tuple(items)


DEFAULT_STANCES = {
    "news": "Reports events without evident advocacy.",
    "analysis": "Interprets events; argues from evidence.",
    "opinion": "Argues a position.",
}

DEFAULT_VERDICTS = {
    "supported": "The evidence available supports the claim.",
    "disputed": "Credible evidence contradicts the claim, or credible sources disagree.",
    "false": "The evidence shows the claim is wrong.",
    "unverified": "No independent evidence either way; it rests on its source alone.",
    "opinion": "A judgement or prediction, not a checkable statement of fact.",
}

DEFAULT_ANNOTATION_KINDS = {
    "comment": "The editors' remark on the passage.",
    "context": "What a reader needs to know to weigh the passage: a source, a date, what happened next.",
    "correction": "The passage is wrong, and what is right.",
    "question": "What the passage leaves open, for readers or a class to look into.",
}

SITE_FIELDS: tuple[Field, ...] = (
    Field("title", Text(), "The site's name, shown in the header and the browser tab.", required=True),
    Field("description", Text(), "One sentence saying what the collection is; shown on the home page.", default=""),
    Field("base_url", BaseUrl(), "Where the site is served: `/` at a domain root, `/<repo>/` for a GitHub "
          "Pages project site, or the full `https://…/` address. `build --base-url` overrides it.", default="/"),
    Field("editors", TextList(accept_single=True), "The collection's editors, as they are to be cited (`Jane Doe` "
          "or `Doe, Jane`): the authors of each piece's annotated edition in its *Cite this piece* block. Empty: "
          "the site's title stands for them.", default=()),
    Field("language", LanguageTag(), "The site's language as a BCP 47 tag (`en`, `fr`, `pt-BR`): the pages' `lang`, "
          "and the language of the interface (the theme's words, dates and numbers; right to left for `ar`, `he`, "
          "`fa`, ...). The default theme speaks en, fr, de, ru and ar; another language needs a catalogue in the "
          "site's theme (`site-builder translations LANG --update`), else the interface is in English.", default="en"),
    Field("theme", Slug(), "The theme: `themes/<theme>/` in the site folder, falling back template by "
          "template to the default theme.", default="default"),
    Field("stances", TextMapping(), "The stances an article may take, in display order: "
          "`key: what it means`.", default=MappingProxyType(DEFAULT_STANCES)),
    Field("verdicts", TextMapping(), "The verdicts a claim may receive, in display order: `key: what it means`.",
          default=MappingProxyType(DEFAULT_VERDICTS)),
    Field("annotation_kinds", TextMapping(), "The kinds of note an annotation may be, in display order: "
          "`key: what it means`.", default=MappingProxyType(DEFAULT_ANNOTATION_KINDS)),
    Field("related_count", Integer(), "How many pieces the *Related reading* block shows at most.", default=5),
    Field("strict_events", Boolean(), "Treat an `event` used by only one piece as an error (a typo, usually) "
          "instead of a warning.", default=False),
    Field("blindspot", Choice(("sides", "outlet", "never")), "When an event page notes a blindspot in its coverage. "
          "`sides`: the stances, in their order above, run from one side of a scale to the other (the middle one "
          "of an odd number is on neither side), and the note shows when one side has at most `blindspot_share` "
          "per cent of the event's pieces while the other has more, or when one outlet has every piece. "
          "`outlet`: only the one-outlet rule (for stances that are not a scale, such as news, analysis, "
          "opinion). `never`: no note.", default="sides"),
    Field("blindspot_share", Integer(), "The share of an event's pieces (per cent) at or under which a side of "
          "the stance scale counts as missing (`blindspot: sides`); 0: only a side with no piece at all.",
          default=10),
    Field("feed_count", Integer(), "How many of the newest pieces the Atom and JSON feeds carry.", default=20),
    Field("cname", Text(), "A custom domain for GitHub Pages (written to CNAME by `deploy`), e.g. "
          "`reading.example.org`.", default=""),
    Field("search", Boolean(), "Build the full-text search index (Pagefind) and the /search/ page.", default=True),
    Field("publish_originals", Boolean(), "Publish what each article was imported from: a page with the text "
          "read from the original and its details, and the file itself to download (as plain text, never "
          "as a live page). `false` keeps `content/sources/` private: the article page says the editors "
          "keep the original.", default=True),
    Field("notes_heading", Text(), "The Markdown heading (level 2) that starts the editor's notes "
          "in an article body.", default="Editorial notes"),
    Field("menu", Menu(), "The links of the site's navigation, in order: a section (`home`, `outlets`, `tags`, "
          "`events`, `timeline`, `claims`, `annotations` (shown once there are annotations), `corrections`, `search`, `data`), a page of content/pages/ by its file name, or a link "
          "written as `title:` and `url:` lines. Empty: the sections, then the pages that set `menu:`.",
          default=()),
    Field("archive_service", Url(), "The web archive `import --archive` and `site-builder archive` ask for a copy of "
          "each source (the Internet Archive's Wayback Machine, or a service answering as it does).",
          default="https://web.archive.org"),
    Field("pygments_style", PygmentsStyle(about="a Pygments style name (`default`, `friendly`, `monokai`, ...: "
          "see pygments.org/styles)"), "The Pygments style for code blocks.", default="default"),
    Field("licence", LicenceOption(), "The licence under which others may reuse the editors' work: their "
          "context, claims and annotations, and the data under /data/ (never the outlets' texts, which stay "
          "their publishers'). Shown in every page's footer, on the Data page and in the data files. An SPDX "
          "identifier of an open-data licence (`CC-BY-4.0`, `CC-BY-SA-4.0`, `CC0-1.0`, `ODbL-1.0`, ...), or "
          "`name:` and `url:` lines (and `id:`) for another. Empty: no licence is stated.", default=None),
)


@dataclass(frozen=True)
class SiteConfig:
    """Validated site options; `root` is the folder holding site.yml and content/."""

    root: Path
    title: str
    description: str
    base_url: str
    language: str
    theme: str
    stances: Mapping[str, str]
    verdicts: Mapping[str, str]
    annotation_kinds: Mapping[str, str]
    related_count: int
    strict_events: bool
    blindspot: str
    blindspot_share: int
    search: bool
    publish_originals: bool
    feed_count: int
    cname: str
    notes_heading: str
    pygments_style: str
    archive_service: str
    menu: tuple[MenuItem, ...]
    licence: Licence | None = None
    editors: tuple[str, ...] = ()
    base_url_given: bool = False  # base_url came from `--base-url`, not site.yml (buildinfo records it)

    @property
    def base_path(self) -> str:
        """The URL path every internal link starts with: `/` or `/<repo>/`."""
        return _path_of(self.base_url)

    @property
    def content_dir(self) -> Path:
        return self.root / "content"

    @property
    def output_dir(self) -> Path:
        return self.root / "build"


@lru_cache(maxsize=16)
def _path_of(base_url: str) -> str:
    """Remembered: every link on every page asks, and nearly always about the same base_url."""
    path = urlparse(base_url).path or "/"
    return path if path.endswith("/") else path + "/"


def load_config(root: Path, base_url: str | None = None) -> SiteConfig:
    """Read and validate `root/site.yml`; raise ContentError listing every problem."""
    path = root / CONFIG_FILE
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ContentError([Problem(CONFIG_FILE, 0, f"no {CONFIG_FILE} in {root}",
                                    "run the command in the site folder, or pass --site DIR",
                                    code=codes.NO_SITE_YML)]) from None
    except (OSError, UnicodeDecodeError) as error:
        code = codes.NOT_UTF8 if isinstance(error, UnicodeDecodeError) else codes.UNREADABLE_FILE
        raise ContentError([Problem(CONFIG_FILE, 0, f"cannot read: {error}", "save it as UTF-8 text", code=code)]) from None
    source, problems = load_mapping(text, CONFIG_FILE)
    use_known_tags(cache_dir(root))  # the site's language, and its pieces', as an earlier build checked them
    values, invalid = validate(source, SITE_FIELDS, CONFIG_FILE)
    problems += invalid
    if base_url is not None:
        problems += _override_base_url(values, base_url)
    if errors_only(problems):
        raise ContentError(problems)
    for mapping in ("stances", "verdicts", "annotation_kinds"):
        values[mapping] = MappingProxyType(dict(values[mapping]))
    values["menu"] = tuple(replace(item, line=source.line_of("menu", index))  # for "names no page", found later
                           for index, item in enumerate(values["menu"]))
    return SiteConfig(root=root, **values, base_url_given=base_url is not None)


def base_url_problems(base_url: str) -> list[Problem]:
    """What is wrong with a `--base-url` given on the command line (nothing: [])."""
    return _override_base_url({}, base_url)


def base_path_of(base_url: str) -> str:
    """The path of a (valid) base URL, ending in `/`: what `SiteConfig.base_path` would be."""
    return _path_of(base_url)


def _override_base_url(values: dict, base_url: str) -> list[Problem]:
    try:
        values["base_url"] = BaseUrl().convert(base_url, {})
    except Invalid as error:
        return [Problem("--base-url", 0, error.message, error.hint, code=error.code)]
    return []

