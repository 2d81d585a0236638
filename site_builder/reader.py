"""content/articles/*.md -> Article: split front matter, validate it, render the Markdown.

Reading is two passes. First every file's front matter is parsed and validated, which gives the
index of all articles (slug -> title, outlet, date, stance). Then each body is rendered with that
index, so a `[[slug]]` wikilink becomes a link labelled with the target's title and carrying its
preview. The body has two voices that must never be confused: the outlet's text, and the
editor's notes (from the notes heading named in site.yml to the end of the file); they are
rendered apart so the theme can show them apart.
"""

from __future__ import annotations

import os
import errno
import hashlib
import json
import re
from dataclasses import dataclass, field
from functools import cached_property
from datetime import date
from pathlib import Path
from typing import Any, Callable

from site_builder import problem_codes as codes
from site_builder.annotations import Annotation, annotate_text
from site_builder.config import SiteConfig
from site_builder.corrections import ARTICLE_KEYS, Correctable, Correction, read_corrections
from site_builder.errors import Problem, display_path
from site_builder.fields import SLUG_RE, slugify_hint, validate
from site_builder.hashing import InputFiles, digest, file_stat, trusted_stat
from site_builder.languages import editors_notes_problem, mark_editors_parts, strip_editors_controls, without_bidi_controls
from site_builder.i18n import site_interface
from site_builder.markup import (FENCE_RE, WIKILINK_RE, LinkTarget, MarkdownRenderer, TocEntry, footnote_problems,
                                 footnotes_in, prose_lines)
from site_builder.parallel import in_chunks
from site_builder.schema import ARTICLE_FIELDS
from site_builder.textstore import LazyTexts, saved_apart, shared
from site_builder.translations import with_originals
from site_builder.yamlsource import UNREADABLE_BLOCK, SourceMapping, load_mapping

ARTICLES_DIR = "articles"
MAX_ARTICLE_BYTES = 2_000_000  # a long report is a few hundred kB; a far larger file stalls the build
_WORD_RE = re.compile(r"\w+(?:['’.,/-]\w+)*")  # U.S., 1,400, 9/11 and well-known are one word each
_NOT_READ_RE = re.compile(r"\]\([^)]*\)|<https?://[^>\s]*>|\[\^[^\]]+\]")  # link addresses, footnote marks
_NOTE_RE = re.compile(r"^ {0,3}\[\^[^\]]+\]:.*(?:\n(?: {4}|\t).*|\n[ \t]*(?=\n(?: {4}|\t)))*", re.MULTILINE)


@dataclass
class CachedArticle:
    """One article file as the last build read it (kept by the build state for the next build)."""

    sha256: str
    link_target: LinkTarget | None  # for other articles' wikilinks
    parse_problems: list
    wikilink_slugs: tuple[str, ...] = ()
    provenance_source: str = ""  # the original it was imported from, if any
    render_key: str = ""
    article: Article | None = None
    problems: list = field(default_factory=list)
    stat: tuple = ()  # file_stat() when sha256 was taken, if old enough to trust (trusted_stat)

    def __getstate__(self) -> dict:
        """Its strings and dates as one object each with their equals elsewhere in the state
        (textstore.shared): loading then makes fewer objects."""
        state = dict(self.__dict__)
        target = self.link_target
        if target is not None:
            state["link_target"] = LinkTarget(**{name: shared(value) for name, value in vars(target).items()})
        state["wikilink_slugs"] = tuple(shared(slug) for slug in self.wikilink_slugs)
        state["provenance_source"], state["render_key"] = shared(self.provenance_source), shared(self.render_key)
        return state


@dataclass(frozen=True)
class Provenance:
    """The original an article was imported from, shown to readers as "the text as collected"
    (site_builder.originals reads it when that page is made)."""

    source: str
    original_name: str
    sha256: str
    imported: date
    archive_url: str = ""  # the Internet Archive's copy of the source, if one was made or found
    archived: date | None = None


@dataclass(frozen=True)
class ArticleClaim:
    """A claim as one article records it; the collection merges these by `id`."""

    id: str
    text: str
    by: str
    verdict: str
    role: str
    note_html: str
    evidence: tuple[str, ...]
    line: int


@saved_apart
@dataclass(frozen=True)
class Article(LazyTexts):
    """One piece with its editorial context, ready to render. HTML fields are already sanitised.

    A cached article is loaded with only what a build reads of every piece (HOT_FIELDS and the
    cached properties in DERIVED); the bodies and the table of contents (LAZY_FIELDS) are read
    from the cache's pack, the other fields (cold) unpickled, when first used: an edit build
    renders the pages of a few pieces, and loading every field of every piece was most of the
    time it took to load the cache (textstore)."""

    LAZY_FIELDS = ("text_html", "notes_html", "toc")
    LAZY_CODECS = {"toc": (lambda toc: json.dumps([[e.level, e.anchor, e.text] for e in toc]),
                           lambda text: tuple(TocEntry(*entry) for entry in json.loads(text)))}
    # What loops over every piece read in an edit build (keys, the published-state guard, the
    # collection reused as it was): everything else is cold.
    HOT_FIELDS = ("slug", "path", "date", "stance", "draft", "translation_of", "provenance")
    DERIVED = ("has_placed_annotations", "newest_day")

    slug: str
    path: str  # as shown in messages, relative to the site root
    title: str
    outlet: str
    date: date | None
    authors: tuple[str, ...]
    source_url: str
    stance: str
    stance_notes_html: str
    caveats_html: tuple[str, ...]
    tags: tuple[str, ...]
    draft: bool
    text_html: str
    notes_html: str
    toc: tuple[TocEntry, ...]
    word_count: int
    language: str = ""
    author_bio_html: str = ""
    provenance: Provenance | None = None
    event: str = ""
    related: tuple[tuple[str, int], ...] = ()  # (slug, line) linked by hand
    wikilinks: tuple[tuple[str, int], ...] = ()  # (slug, line) linked from the text, notes or context
    claims: tuple[ArticleClaim, ...] = ()
    annotations: tuple[Annotation, ...] = ()  # every one declared; those not placed have no span
    corrections: tuple[Correction, ...] = ()  # the editors' record of what they changed, oldest first
    outlet_line: int = 0
    event_line: int = 0
    stance_line: int = 0
    translation_of: str = ""  # the slug of the original this piece translates
    translators: tuple[str, ...] = ()
    translation_notes_html: str = ""  # the translator's words
    translation_of_line: int = 0

    @cached_property
    def has_placed_annotations(self) -> bool:
        """Whether an annotation is placed in the text: asked of every piece (the annotation
        listings and export, their keys), which need not unpickle every piece's annotations."""
        return any(annotation.span for annotation in self.annotations)

    @cached_property
    def newest_day(self) -> date | None:
        """The newest day the piece records: its publication or import, a correction, an annotation."""
        days = [self.date, self.provenance.imported if self.provenance else None,
                *(correction.date for correction in self.corrections),
                *(annotation.created for annotation in self.annotations)]
        return max((day for day in days if day is not None), default=None)


@dataclass(frozen=True)
class Body:
    text: str
    notes: str
    heading: str = ""  # the notes heading line exactly as written, "" when there are no notes


@dataclass(frozen=True)
class _Parsed:
    """Pass one: a file's validated front matter and raw body, before any Markdown is rendered."""

    path: Path
    shown: str
    values: dict[str, Any]
    source: SourceMapping
    body: str
    body_line: int


def article_paths(config: SiteConfig, listed: InputFiles | None = None) -> list[str]:
    """Every article file, in a stable order (by path components, as Path sorts); hidden and
    `_`-prefixed files are the editor's scratch. Paths as strings: making or sorting Path objects
    is a cost every edit build would pay per article. Taken from `listed` (the build's stamp
    listed every input file a moment ago) when it holds the folder, else found by os.walk."""
    folder = str(config.content_dir / ARTICLES_DIR)
    found = listed.under(folder) if listed is not None else None
    if found is None:
        found = [os.path.join(parent, name) for parent, _, names in os.walk(folder) for name in names]
    # An article's file name ends in `.md` and starts with neither `.` nor `_`.
    paths = [path for path in found if path.endswith(".md") and not path.startswith((".", "_"), path.rfind(os.sep) + 1)]
    start = len(folder) + 1
    if any(path.find(os.sep, start) >= 0 for path in paths):  # in subfolders: their files sort among the others
        paths.sort(key=lambda path: path[start:].split(os.sep))
    else:
        paths.sort()  # listed in this order already, most likely: then sorting costs little
    return paths


def _stem(path: str) -> str:
    """An article's file name without `.md`: what wikilinks name it by."""
    return os.path.splitext(os.path.basename(path))[0]


def _stems(paths: list[str]) -> list[str]:
    """`_stem` of each of `paths`, articles' (each ending in `.md`): an edit build asks of every article."""
    return [path[path.rfind(os.sep) + 1:-3] for path in paths]


def read_articles(config: SiteConfig, cache: dict[str, CachedArticle] | None = None, jobs: int = 1,
                  tick: Callable[[int], None] | None = None, changed: set[str] | None = None,
                  set_aside: Callable[[list[Article]], None] | None = None,
                  stats: InputFiles | None = None) -> tuple[list[Article], list[Problem]]:
    """Read every article, collecting all problems rather than stopping at the first.

    `cache` (file path -> CachedArticle, updated in place) skips parsing a file whose bytes are
    unchanged, and rendering it while the targets of its wikilinks and its provenance original
    are unchanged too. Files still to render are shared among `jobs` processes when there are
    enough of them; `tick(n)` is told as each n are done (for a progress bar). When `changed` is
    given, a cached file not in it is taken as unchanged without reading it. `set_aside` is given
    each batch of articles as soon as they are rendered (the build moves their bodies to disk).
    `stats` (path -> file_stat, taken moments ago for the build's stamp) spares listing the files and
    stat-ing them again.
    """
    cache = {} if cache is None else cache
    problems: list[Problem] = []
    entries: list[tuple[str, CachedArticle]] = []
    parsed: dict[str, _Parsed] = {}
    paths = article_paths(config, stats)
    before = dict(cache)
    for stale in set(cache).difference(paths):
        del cache[stale]
    retargeted = {_stem(name) for name in before if name not in cache}  # wikilinks to these change
    index: dict[str, LinkTarget] = {}  # each article's link target, by the name wikilinks give it
    for path, stem, cached in zip(paths, _stems(paths), _cached_parses(paths, config, cache, parsed, changed, jobs,
                                                                      stats or {}), strict=True):
        if cached.parse_problems:
            problems += cached.parse_problems
        if before.get(path) is not cached:
            retargeted.add(stem)
        if cached.link_target is not None:
            entries.append((path, cached))
            index[stem] = cached.link_target
    renderer = MarkdownRenderer(config.base_path, index, site_interface(config))
    stale_renders = []
    for path, cached in entries:
        # The key follows from the bytes (which this entry is of) and from the pieces its wikilinks
        # name: kept while none of those was added, changed or deleted, so an edit build need not
        # hash every article's key again. An original outside the collection is read each time.
        reusable = cached.render_key and not cached.provenance_source and (
            not retargeted or retargeted.isdisjoint(cached.wikilink_slugs))
        key = cached.render_key if reusable else _render_key(cached, index, config)
        if cached.article is None or cached.render_key != key:
            cached.render_key = key
            stale_renders.append((path, cached))
    todo = [parsed.pop(p, None) or _parse(Path(p), config)[0] for p, _ in stale_renders]
    parsed.clear()  # _render_all lets go of each parsed body once rendered: memory holds one copy
    fresh = _render_all(todo, config, renderer, jobs, tick, set_aside)
    for (_, cached), (article, found) in zip(stale_renders, fresh):
        cached.article, cached.problems = article, found
    articles, found = with_originals([cached.article for _, cached in entries])
    problems += [p for _, cached in entries for p in cached.problems] + found
    return articles, problems + _duplicate_slugs(articles)


def reread_article(path: Path, config: SiteConfig, cache: dict[str, CachedArticle]) -> Article | None:
    """The article at `path` read afresh, its wikilinks resolved against the cached articles, or
    None if it has any problem (the preview server's quick look at an edit; the cache is untouched)."""
    article, problems = read_one_article(path, config, cache)
    return None if problems else article


def read_one_article(path: Path, config: SiteConfig,
                     cache: dict[str, CachedArticle]) -> tuple[Article | None, list[Problem]]:
    """As `reread_article`, with the problems found (an article with warnings only is still one:
    the preview annotates it)."""
    entry, problems = _parse(path, config)
    if entry is None or problems:
        return None, problems
    index = {_stem(file): cached.link_target for file, cached in cache.items() if cached.link_target is not None}
    return _render(entry, config, MarkdownRenderer(config.base_path, index, site_interface(config)))


def _cached_parses(paths: list[str], config: SiteConfig, cache: dict[str, CachedArticle],
                   parsed: dict[str, _Parsed], changed: set[str] | None, jobs: int,
                   stats: dict[str, tuple]) -> list[CachedArticle]:
    """Each file's cache entry (in the order of `paths`), parsed afresh (and kept in `parsed`) when
    its bytes changed.

    A file whose size, times and inode are those recorded is not even read (reading and hashing
    every file would cost each build time in proportion to N), as git trusts its index, nor one the
    watcher did not see change (`changed`). The others are read, and parsed if their bytes changed,
    across `jobs` processes when there are many (a clean build parses every file's front matter)."""
    entries: list[CachedArticle | None] = []  # each path's, in order; None until parsed
    todo: list[int] = []  # the positions of the files to read
    for path in paths:
        cached = cache.get(path)
        if cached is not None and cached.sha256 and (
                (changed is not None and path not in changed) or cached.stat == (stats.get(path) or file_stat(path)) != ()):
            entries.append(cached)
        else:
            todo.append(len(entries))
            entries.append(None)
    known = [cache.get(paths[position]) for position in todo]  # the cache entry of each file to read, if any
    work = in_chunks(lambda index: _parse_if_changed(Path(paths[todo[index]]), config, known[index]), len(todo), jobs,
                     chunk_size=64, parallel_from=_PARALLEL_FROM)
    for indices, results in work:
        for index, (stat, fresh, entry) in zip(indices, results):
            position, path = todo[index], paths[todo[index]]
            if fresh is None:  # the same bytes as recorded: only the stat was out of date
                entries[position] = known[index]
                known[index].stat = trusted_stat(stat)
                continue
            entries[position] = fresh
            if entry is not None:
                parsed[path] = entry
            if fresh.sha256:
                cache[path] = fresh
    return entries


def _parse_if_changed(path: Path, config: SiteConfig,
                      cached: CachedArticle | None) -> tuple[tuple, CachedArticle | None, _Parsed | None]:
    """(the file's stat, a new cache entry or None if its bytes are `cached`'s, the parsed file)."""
    stat = file_stat(path)
    try:
        sha = hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        sha = ""  # _parse reports why it cannot be read
    if cached is not None and sha and cached.sha256 == sha:
        return stat, None, None
    entry, found = _parse(path, config)
    fresh = CachedArticle(sha, _link_target(entry) if entry else None, found, stat=trusted_stat(stat))
    if entry is not None:
        fresh.wikilink_slugs = tuple(dict.fromkeys(slug for slug, _ in _wikilinks(entry)))
        fresh.provenance_source = (entry.values["provenance"] or {}).get("source", "")
    return stat, fresh, entry


def _render_key(cached: CachedArticle, index: dict[str, LinkTarget], config: SiteConfig) -> str:
    """What an article's rendering depends on besides its own bytes: the pieces its wikilinks name
    (their titles label the links) and the original it was imported from (shown on its page)."""
    original = b""
    if cached.provenance_source:
        try:
            original = (config.root / cached.provenance_source).read_bytes()
        except OSError:
            original = b"missing"
    return digest(cached.sha256, [(slug, index.get(slug)) for slug in cached.wikilink_slugs],
                  hashlib.sha256(original).hexdigest())


_PARALLEL_FROM = 64  # articles: fewer render faster in this process than a pool starts


def _render_all(entries: list[_Parsed], config: SiteConfig, renderer: MarkdownRenderer, jobs: int,
                tick: Callable[[int], None] | None,
                set_aside: Callable[[list[Article]], None] | None = None) -> list[tuple[Article, list[Problem]]]:
    """Render `entries`, across `jobs` forked processes when there are enough to be worth it."""
    results: list = [None] * len(entries)
    chunks = in_chunks(lambda position: _render(entries[position], config, renderer), len(entries), jobs,
                       chunk_size=32, parallel_from=_PARALLEL_FROM)
    for positions, rendered in chunks:
        for position, result in zip(positions, rendered):
            results[position] = result
            entries[position] = None  # let go of the parsed body: the article holds what pages need
        if set_aside:
            set_aside([article for article, _ in rendered if article is not None])
        if tick:
            tick(len(rendered))
    return results


def _parse(path: Path, config: SiteConfig) -> tuple[_Parsed | None, list[Problem]]:
    shown = display_path(path, config.root)
    try:
        size = path.stat().st_size
        if size > MAX_ARTICLE_BYTES:
            return None, [Problem(shown, 0, f"{size / 1e6:.1f} MB is too large for one article "
                                  f"(the limit is {MAX_ARTICLE_BYTES // 1_000_000} MB)",
                                  "check that it holds the text you meant, or split it into parts",
                                  code=codes.ARTICLE_TOO_LARGE)]
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        return None, [Problem(shown, 0, f"not UTF-8 text (byte {error.start})", "re-save the file as UTF-8",
                              code=codes.NOT_UTF8)]
    except OSError as error:
        hint = ("it is a symbolic link that leads back to itself: remove it, or point it at the file"
                if error.errno == errno.ELOOP else "check the file's permissions")
        return None, [Problem(shown, 0, f"cannot read: {error.strerror or error}", hint, code=codes.UNREADABLE_FILE)]
    front_matter, body, problems = split_front_matter(text.lstrip("\ufeff"), shown)
    if problems:  # without a well-formed block, every field would also be reported missing
        return None, problems
    source, problems = load_mapping(front_matter, shown, first_line=2)
    if any(problem.code in UNREADABLE_BLOCK for problem in problems):
        return None, problems  # an unreadable block has no values: "missing `title`" would be false
    values, field_problems = validate(source, ARTICLE_FIELDS, shown,
                                      {"stances": list(config.stances), "verdicts": list(config.verdicts),
                                       "annotation_kinds": list(config.annotation_kinds)})
    problems += field_problems + strip_editors_controls(values, source.line_of, shown)
    if not SLUG_RE.match(path.stem):
        problems.append(Problem(shown, 0, f"file name `{path.name}` does not make a stable URL",
                                f"rename it to `{slugify_hint(path.stem)}.md` (lowercase letters, digits, hyphens)",
                                code=codes.UNSTABLE_FILE_NAME))
    values["title"] = values["title"] or path.stem
    body_line = front_matter.count("\n") + 3
    return _Parsed(path, shown, values, source, body, body_line), problems


def renderer_for(config: SiteConfig, articles: list[Article]) -> MarkdownRenderer:
    """A renderer whose wikilinks resolve to `articles` (for Markdown outside articles, e.g. outlet notes)."""
    return MarkdownRenderer(config.base_path, {a.slug: LinkTarget(a.title, a.outlet, a.date, a.stance, a.draft)
                                               for a in articles}, site_interface(config))


def _link_target(parsed: _Parsed) -> LinkTarget:
    values = parsed.values
    return LinkTarget(values["title"], values["outlet"] or "", values["date"], values["stance"], values["draft"])


def _render(parsed: _Parsed, config: SiteConfig, renderer: MarkdownRenderer) -> tuple[Article, list[Problem]]:
    values, source, shown = parsed.values, parsed.source, parsed.shown
    body = split_notes(parsed.body, config.notes_heading)
    text_render = renderer.render(body.text)
    provenance, problems = read_provenance(values["provenance"], config, shown, source.line_of("provenance"))
    problems += _body_problems(body, parsed, config.notes_heading)
    body, found = _notes_without_controls(body, parsed)
    problems += found
    text_html, annotations, found = annotate_text(values["annotations"], source, text_render.html, shown, renderer)
    text_html = mark_editors_parts(text_html, values["language"], config.language)
    problems += found
    correctable = Correctable(ARTICLE_KEYS, _claim_ids(source), tuple(a.id for a in annotations))
    corrections, found = read_corrections(values["corrections"], source, shown, renderer, correctable)
    problems += found
    article = Article(
        slug=parsed.path.stem,
        path=shown,
        title=values["title"],
        outlet=values["outlet"] or "",
        date=values["date"],
        authors=values["author"],
        source_url=values["source_url"],
        stance=values["stance"],
        stance_notes_html=renderer.render(values["stance_notes"]).html if values["stance_notes"] else "",
        caveats_html=tuple(renderer.render_inline(c) for c in values["caveats"]),
        tags=values["tags"],
        draft=values["draft"],
        text_html=text_html,
        notes_html=renderer.render(body.notes, footnote_prefix="notes").html if body.notes.strip() else "",
        toc=text_render.toc,
        word_count=count_words(body.text),
        language=values["language"],
        author_bio_html=renderer.render(values["author_bio"]).html if values["author_bio"] else "",
        provenance=provenance,
        event=values["event"],
        related=tuple((slug, source.line_of("related", i)) for i, slug in enumerate(values["related"])),
        wikilinks=_wikilinks(parsed),
        claims=tuple(_claim(c, i, source, renderer) for i, c in enumerate(values["claims"]) if c),
        annotations=annotations,
        corrections=corrections,
        outlet_line=source.line_of("outlet"),
        event_line=source.line_of("event"),
        stance_line=source.line_of("stance"),
        translation_of=values["translation_of"],
        translators=values["translator"],
        translation_notes_html=renderer.render(values["translation_notes"]).html if values["translation_notes"] else "",
        translation_of_line=source.line_of("translation_of"),
    )
    return article, problems


def _notes_without_controls(body: Body, parsed: _Parsed) -> tuple[Body, list[Problem]]:
    """The editorial notes without bidi controls (languages.strip_editors_controls says why)."""
    line = parsed.body_line + body.text.count("\n")
    problem = editors_notes_problem(body.notes, line, parsed.shown)
    if problem is None:
        return body, []
    return Body(body.text, without_bidi_controls(body.notes), body.heading), [problem]


def count_words(text: str) -> int:
    """The words of a piece's Markdown text as readers read them: not its link addresses, nor the
    editors' footnotes. The import's dry run, the `word_count` it writes and the reading time on
    the page all count with this, so they agree."""
    return len(_WORD_RE.findall(_NOT_READ_RE.sub("]", _NOTE_RE.sub("", text))))


def _claim(claim: dict[str, Any], index: int, source: SourceMapping, renderer: MarkdownRenderer) -> ArticleClaim:
    return ArticleClaim(claim["id"], claim["text"], claim["by"], claim["verdict"], claim["role"],
                        renderer.render_inline(claim["note"]) if claim["note"] else "", claim["evidence"],
                        source.line_of("claims", index))


def _wikilinks(parsed: _Parsed) -> tuple[tuple[str, int], ...]:
    """Every `[[slug]]` in the body and the front matter's Markdown fields, with its line."""
    source = parsed.source
    found = wikilinks_in(parsed.body, parsed.body_line)
    for key in ("stance_notes", "author_bio", "translation_notes"):
        found += wikilinks_in(str(source.values.get(key) or ""), source.line_of(key))
    for index, caveat in enumerate(_as_list(source.values.get("caveats"))):
        found += wikilinks_in(str(caveat or ""), source.line_of("caveats", index))
    for key, part in (("claims", "note"), ("annotations", "note"), ("corrections", "why")):
        for index, item in enumerate(_as_list(source.values.get(key))):
            note = item.get(part) if isinstance(item, dict) else None
            found += wikilinks_in(str(note or ""), source.line_of(key, index, part))
    return tuple(found)


def _claim_ids(source: SourceMapping) -> tuple[str, ...]:
    """The ids the piece's claims give, even where a claim has a problem of its own: a correction
    naming it should not be reported too."""
    return tuple(str(item["id"]) for item in _as_list(source.values.get("claims"))
                 if isinstance(item, dict) and item.get("id") is not None)


def wikilinks_in(text: str, first_line: int) -> list[tuple[str, int]]:
    """Wikilinks in Markdown text, skipping code (fenced blocks and `inline spans`), as Markdown does."""
    return [(m.group("slug").strip(), line) for line, prose in prose_lines(text, first_line)
            for m in WIKILINK_RE.finditer(prose)]


def _body_problems(body: Body, parsed: _Parsed, heading: str) -> list[Problem]:
    """Footnotes that break the page, and the notes heading written twice. The text and the notes
    are rendered as two documents, so a mark's note must be in the same part as the mark."""
    text_line = parsed.body_line
    notes_line = text_line + body.text.count("\n") + 1  # the line after the notes heading
    text, notes = footnotes_in(body.text, text_line), footnotes_in(body.notes, notes_line)
    in_notes = f"the notes under `## {heading}`"
    problems = footnote_problems(parsed.shown, text, notes, "the text", in_notes)
    problems += footnote_problems(parsed.shown, notes, text, in_notes, "the text")
    pattern = _notes_heading_re(heading)
    for line, prose in prose_lines(body.notes, notes_line):
        if pattern.match(prose):
            problems.append(Problem(parsed.shown, line, f"a second `{prose.strip()}` heading: the page would show it "
                                    "twice", f"the notes already start at line {notes_line - 1}; delete this heading",
                                    severity="warning", code=codes.NOTES_HEADING_REPEATED))
    return problems


def _as_list(value: Any) -> list:
    return value if isinstance(value, list) else []


def read_provenance(record: dict | None, config: SiteConfig, shown: str, line: int) -> tuple[Provenance | None, list[Problem]]:
    """Load the original named by `provenance`; a missing original is an error, a changed one a warning."""
    if not record:
        return None, []
    path = config.root / record["source"]
    try:
        data = path.read_bytes()
    except OSError as error:
        return None, [Problem(shown, line, f"provenance: cannot read the original `{record['source']}` "
                                          f"({error.strerror or error})",
                              "restore it from version control, or remove the provenance block",
                              code=codes.ORIGINAL_MISSING)]
    problems = []
    if hashlib.sha256(data).hexdigest() != record["sha256"]:
        problems.append(Problem(shown, line, f"provenance: `{record['source']}` no longer matches its SHA-256",
                                "originals are never edited; restore it or re-import the source", severity="warning",
                                code=codes.ORIGINAL_CHANGED))
    provenance = Provenance(record["source"], record["original_name"], record["sha256"], record["imported"],
                            record.get("archive_url") or "", record.get("archived"))
    return provenance, problems


def split_front_matter(text: str, shown: str) -> tuple[str, str, list[Problem]]:
    """Return (front matter, body, problems) for a file that starts with a `---`-delimited block."""
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].strip() != "---":
        return "", text, [Problem(shown, 1, "no front matter",
                                  "start the file with a `---` line, then `title: ...`, then another `---` line",
                                  code=codes.NO_FRONT_MATTER)]
    for index in range(1, len(lines)):
        if lines[index].strip() in ("---", "..."):
            return "".join(lines[1:index]), "".join(lines[index + 1:]), []
    return "".join(lines[1:]), "", [
        Problem(shown, 1, "front matter is never closed", "add a `---` line after the last front-matter key",
                code=codes.FRONT_MATTER_NOT_CLOSED)]


def split_notes(body: str, heading: str) -> Body:
    """Split the body at the `## <heading>` line (outside code fences) into text and notes."""
    pattern = _notes_heading_re(heading)
    lines = body.splitlines(keepends=True)
    in_fence = False
    for index, line in enumerate(lines):
        if FENCE_RE.match(line):
            in_fence = not in_fence
        elif not in_fence and pattern.match(line.rstrip("\n")):
            return Body("".join(lines[:index]), "".join(lines[index + 1:]), line)
    return Body(body, "")


def _notes_heading_re(heading: str) -> re.Pattern:
    return re.compile(rf"^##\s+{re.escape(heading)}\s*#*\s*$", re.IGNORECASE)


def _duplicate_slugs(articles: list[Article]) -> list[Problem]:
    first_seen: dict[str, Article] = {}
    problems = []
    for article in articles:
        if article.slug in first_seen:
            problems.append(Problem(article.path, 0, f"another article already has the URL slug `{article.slug}`",
                                    f"rename one of this and {first_seen[article.slug].path}",
                                    code=codes.DUPLICATE_SLUG))
        else:
            first_seen[article.slug] = article
    return problems
