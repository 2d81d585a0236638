"""An edit build that changed only pieces' bodies plans only the pages that may show the change.

The last build's plan is kept in outline (state.PlanRecord); an edit build whose site key and
pieces' summaries are the last build's (incremental.PageKeys.last) plans the changed pieces'
sections and the sections chosen by bodies (render.REPLANNED) and keeps every other file as the
last build wrote it. Each test checks both that the shortcut was taken (or not, when it must not
be) and that build/ is then exactly what a clean build makes.
"""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

from site_builder.build import BuildOptions, SaveState, build as build_site
from site_builder.config import load_config
from site_builder.incremental import CHOSEN_BY_BODIES
from site_builder.render import REPLANNED, PageKind, plan_site, theme_dirs

from test_incremental import (_add, _delete, _edit_text, _retitle, _template, articles, assert_same_as_clean, build,
                              make_site, replace_in, unlinked)


def piece_pages(slug: str, source: bool = False) -> set[str]:
    """The pages of a piece's own section: its page, its citation, and its source page and original."""
    pages = {f"articles/{slug}/index.html", f"articles/{slug}/{slug}.bib"}
    return pages | ({f"articles/{slug}/source/index.html", f"articles/{slug}/source/original.txt"} if source else set())


def chosen_by_bodies(report) -> set[str]:
    return {job.path for job in report.plan.pages if job.kind in CHOSEN_BY_BODIES}


def add_text(path: Path, words: str = "A new closing paragraph.") -> None:
    replace_in(path, "## Editorial notes", f"{words}\n\n## Editorial notes")


def with_source(site: Path, slug: str = "zz-from-a-source") -> str:
    """A piece imported from a plain-text original: it has a source page and a file to download."""
    original = "The original text, as collected.\n"
    (site / "content" / "sources").mkdir(exist_ok=True)
    (site / "content" / "sources" / f"{slug}.txt").write_text(original, encoding="utf-8")
    sha = hashlib.sha256(original.encode()).hexdigest()
    (site / "content" / "articles" / f"{slug}.md").write_text(
        f"---\ntitle: From a source\noutlet: The Newcomer\ndate: 2016-03-04\nprovenance:\n"
        f"  source: content/sources/{slug}.txt\n  original_name: {slug}.txt\n  sha256: {sha}\n"
        f"  imported: 2024-01-05\n---\n\nThe text.\n\n## Editorial notes\n\nNone.\n", encoding="utf-8")
    return slug


def test_a_body_edit_plans_only_the_pages_of_that_piece_and_those_chosen_by_bodies(tmp_path):
    site = make_site(tmp_path / "site")
    clean = build(site)
    assert clean.plan.replanned is None, "a clean build plans everything"
    edited = articles(site)[3].stem
    _edit_text(site)
    report = build(site)
    assert report.plan.replanned is not None, "planned from the last plan"
    planned = {job.path for job in report.plan.pages}
    assert planned == piece_pages(edited) | chosen_by_bodies(report)
    assert len(report.plan.pages) < len(clean.plan.pages) / 4  # what makes an edit build at N=10,000 quick
    assert {job.path for job in clean.plan.pages if job.kind in CHOSEN_BY_BODIES} == chosen_by_bodies(report)
    assert report.pages_rendered <= 5  # the piece's page; pieces.json and .csv (its word count); the Data page
    assert_same_as_clean(site, tmp_path)


def test_edits_to_bodies_build_as_a_clean_build_would(tmp_path):
    """The newest piece (in the feeds), an annotated one (the listings, annotations.jsonld), a
    note added (a listing page more), a piece with a source page: each time from the last plan."""
    site = make_site(tmp_path / "site", n=60)
    slug = with_source(site)
    build(site)
    newest = max(articles(site), key=lambda path: path.read_text(encoding="utf-8").split("\ndate: ")[1][:10])
    annotated = next(path for path in articles(site) if "\nannotations:\n" in path.read_text(encoding="utf-8"))
    source = site / "content" / "articles" / f"{slug}.md"
    edits = [
        ("in the feeds", lambda: add_text(newest, "The newest piece, edited.")),
        ("its text", lambda: add_text(annotated, "A paragraph the editors annotate.")),
        ("its notes", lambda: replace_in(annotated, "\n---\n", "\n  - quote: the editors annotate\n"
                                         "    note: A note on a new paragraph.\n---\n")),  # annotations come last
        ("with a source", lambda: replace_in(source, "The text.", "The text, edited.")),
        ("several", lambda: [add_text(path) for path in articles(site)[10:14]]),
    ]
    for name, edit in edits:
        edit()
        report = build(site)
        assert report.plan.replanned is not None, name
        assert_same_as_clean(site, tmp_path)


def test_a_piece_with_a_source_page_plans_its_source_page_again(tmp_path):
    site = make_site(tmp_path / "site", n=20)
    slug = with_source(site)
    build(site)
    replace_in(site / "content" / "articles" / f"{slug}.md", "The text.", "The text, edited.")
    report = build(site)
    assert report.plan.replanned is not None
    assert {job.path for job in report.plan.pages} == piece_pages(slug, source=True) | chosen_by_bodies(report)
    assert_same_as_clean(site, tmp_path)


def _page_text(site: Path) -> None:
    """A standalone page's text: no other page shows it, but the page is part of the collection."""
    path = site / "content" / "pages" / "about.md"
    if not path.exists():
        path.parent.mkdir(exist_ok=True)
        path.write_text("---\ntitle: About\nmenu: 1\n---\n\nWho we are.\n", encoding="utf-8")
    else:
        replace_in(path, "Who we are.", "Who we are, and why.")


def test_anything_but_bodies_plans_every_page(tmp_path):
    """A new, deleted or retitled piece, a theme change, a standalone page: every page planned."""
    site = make_site(tmp_path / "site")
    build(site)
    for edit in (_add, _delete, _retitle, _template, _page_text, _page_text):
        edit(site)
        report = build(site)
        assert report.plan.replanned is None, edit.__name__
        assert_same_as_clean(site, tmp_path)
    assert "Who we are, and why." in (site / "build" / "about" / "index.html").read_text(encoding="utf-8")


def test_files_lost_from_build_come_back(tmp_path):
    """Without a spare, the folder linked from build/ misses them: every page is planned (and
    rendered); with one, the spare has them, and the kept files are the spare's."""
    site = make_site(tmp_path / "site", n=20)
    build(site)
    for spare in (False, True):
        if spare:
            _edit_text(site)
            build(site)  # the one before is the spare now
        else:
            shutil.rmtree(site / ".spare-build")  # the clean build's (its own files): deleted by hand
        lost = site / "build" / "articles" / unlinked(site)[int(spare)].stem / "index.html"
        lost.unlink()
        add_text(articles(site)[1 + int(spare)])
        report = build(site)
        assert (report.plan.replanned is not None) == spare
        assert lost.is_file()
        assert_same_as_clean(site, tmp_path)


def test_the_preview_keeps_its_plan_in_memory_and_starts_from_it(tmp_path):
    site = make_site(tmp_path / "site", n=20)
    config = load_config(site)
    first = build_site(config, BuildOptions.for_preview_start(False))
    add_text(articles(site)[2])
    again = build_site(config, BuildOptions.for_preview_rebuild(False, None), first.state)
    assert again.plan.replanned is not None
    assert again.plan.env.globals["collection"] is again.collection  # what the preview's quick view renders with
    assert_same_as_clean(site, tmp_path)


def test_every_page_showing_a_body_is_in_that_piece_s_section_or_in_one_planned_again(tmp_path):
    """What lets an edit build keep the other sections: their pages show no body."""
    site = make_site(tmp_path / "site")
    with_source(site)
    config = load_config(site)
    report = build_site(config, BuildOptions(save=SaveState.NEVER))
    plan = plan_site(report.collection, config, theme_dirs(config))
    outline = plan.outline
    section_of, start = {}, 0
    for name, count in zip(outline.sections, outline.file_counts):
        section_of.update({path: name for path in outline.files[start:start + count]})
        start += count
    assert start == len(outline.files) == len(set(outline.files))
    showing = [job for job in plan.pages if job.in_full]
    assert {job.kind for job in showing} == {PageKind.ARTICLE, PageKind.SOURCE, PageKind.FEED,
                                             PageKind.ANNOTATIONS, PageKind.DATA}
    for job in showing:
        assert section_of[job.path] in REPLANNED or (job.in_full == (section_of[job.path],)), job.path
    assert all(section_of[job.path] in REPLANNED for job in plan.pages if job.kind in CHOSEN_BY_BODIES)
    assert len(outline.sitemap) == sum(outline.line_counts)
