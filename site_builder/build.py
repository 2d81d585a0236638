"""The pipeline, wired in one place: config -> read -> outlets -> collection -> render -> write.

`check` runs the first three stages; `build` runs them all. Each stage collects its problems, and
we stop before writing anything if any of them is an error, so build/ is never touched by a bad run.
"""

from __future__ import annotations

import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path

import jinja2

from site_builder import problem_codes as codes
from site_builder.collection import Collection, build_collection
from site_builder.config import SiteConfig, load_config
from site_builder.errors import ContentError, Problem, display_path, errors_only
from site_builder.outlets import read_outlets
from site_builder.reader import read_articles, renderer_for
from site_builder.render import render_site, theme_dirs
from site_builder.search import SearchIndexError, write_search_index
from site_builder.writers import write_site


@dataclass(frozen=True)
class Report:
    """What a run did, for the CLI to print."""

    config: SiteConfig
    collection: Collection
    warnings: list[Problem] = field(default_factory=list)
    files_written: int = 0
    seconds: float = 0.0


def check(root: Path, base_url: str | None = None, include_drafts: bool = False) -> Report:
    """Validate the site without writing anything; raise ContentError listing every problem."""
    # 1. Site options: everything else depends on them (stances, notes heading, base URL).
    config = load_config(root, base_url)
    # 2. Every article: front matter validated against the schema, Markdown rendered.
    articles, problems = read_articles(config)
    # 3. The outlet profiles, whose notes may link to articles.
    outlets, outlet_problems = read_outlets(config, renderer_for(config, articles))
    # 4. The collection: outlets, tags, events, claims, related reading, backlinks; links checked.
    collection, collection_problems = build_collection(articles, outlets, config, include_drafts)
    problems += outlet_problems + collection_problems
    if errors_only(problems):
        raise ContentError(problems)
    return Report(config, collection, warnings=problems)


def build(root: Path, base_url: str | None = None, include_drafts: bool = False) -> Report:
    """Build the site into root/build, atomically; raise ContentError and leave build/ as it was."""
    started = time.perf_counter()
    report = check(root, base_url, include_drafts)
    config = report.config
    # 5. Render every page through the theme chain (site theme, then the default theme).
    themes = theme_dirs(config)
    try:
        pages = list(render_site(report.collection, config, themes))
    except jinja2.TemplateError as error:
        raise ContentError([_template_problem(error, root)]) from None
    # 6. Write pages and static assets to a staging folder, index it for search, then swap it in.
    index_search = (lambda site: write_search_index(site, config.language)) if config.search else None
    try:
        written = write_site(config.output_dir, pages, [t / "static" for t in themes], finish=index_search)
    except SearchIndexError as error:
        raise ContentError([Problem("build", 0, str(error), "run with search: false in site.yml to build without it",
                                    code=codes.SEARCH_INDEX_FAILED)]) from None
    return Report(config, report.collection, report.warnings, written, time.perf_counter() - started)


def _template_problem(error: jinja2.TemplateError, root: Path) -> Problem:
    """A broken theme template is the site author's file too: point at its line."""
    filename, line = getattr(error, "filename", None), getattr(error, "lineno", None) or 0
    if filename is None:  # a runtime error: Jinja puts the template's file and line in the traceback
        frames = [f for f in traceback.extract_tb(error.__traceback__) if f.filename.endswith((".html", ".xml"))]
        filename, line = (frames[-1].filename, frames[-1].lineno or 0) if frames else ("theme", 0)
    shown = display_path(Path(filename), root) if filename != "theme" else filename
    return Problem(shown, line, f"template error: {error.message or error}", "fix the template or remove the override",
                   code=codes.TEMPLATE_ERROR)
