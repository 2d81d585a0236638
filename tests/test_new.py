"""`site-builder new`: a collection that builds at once, and whose example shows every feature."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from lxml import html as lxml_html

from site_builder.config import SITE_FIELDS, load_config
from site_builder.scaffold import STARTER_DIR

EXAMPLE = "closing-the-old-mill-bridge-will-strangle-our-high-street"
OTHER = "council-announces-old-mill-bridge-closure"


@pytest.fixture(scope="module")
def new_site(tmp_path_factory) -> Path:
    """`new` then `build`, as an editor runs them: real processes, in the new folder."""
    root = tmp_path_factory.mktemp("new") / "bridge-watch"
    made = subprocess.run([sys.executable, "-m", "site_builder", "new", str(root)], capture_output=True, text=True)
    assert made.returncode == 0, made.stderr
    assert "Created a new collection" in made.stdout and made.stderr == ""
    built = subprocess.run([sys.executable, "-m", "site_builder", "build"], cwd=root, capture_output=True, text=True)
    assert built.returncode == 0, built.stderr
    assert built.stderr == "", "the new collection builds with no warning at all"
    assert "Built 2 articles" in built.stdout
    return root


def page(root: Path, relative: str):
    return lxml_html.fromstring((root / "build" / relative / "index.html").read_bytes())


def test_new_writes_the_files_a_collection_needs(new_site):
    for relative in ("site.yml", "requirements.txt", ".gitignore", ".github/workflows/pages.yml",
                     "content/outlets.yml", f"content/articles/{EXAMPLE}.md", f"content/articles/{OTHER}.md"):
        assert (new_site / relative).is_file(), relative
    assert "/build/" in (new_site / ".gitignore").read_text().splitlines()


def test_site_yml_has_every_option_commented_and_set_to_its_default(new_site):
    text = (new_site / "site.yml").read_text()
    keys = [line.split(":")[0] for line in text.splitlines() if line and line[0].isalpha()]
    assert keys == [field.name for field in SITE_FIELDS], "every option, in the order declared"
    for field in SITE_FIELDS:
        assert f"# {' '.join(field.doc.split()[:6])}" in text, f"{field.name} is described above its line"
    config = load_config(new_site)
    assert config.title == "Bridge watch", "the title comes from the folder's name"
    for field in SITE_FIELDS[1:]:
        value = getattr(config, field.name)
        assert (dict(value) if field.name in ("stances", "verdicts") else value) == \
            (dict(field.default) if field.name in ("stances", "verdicts") else field.default), field.name


def test_the_example_article_shows_each_editorial_feature(new_site):
    article = page(new_site, f"articles/{EXAMPLE}")
    other_href = f"/articles/{OTHER}/"
    # stance, its notes and the caveats
    assert article.cssselect(".piece-meta .stance-opinion")
    assert article.cssselect(".stance-notes p")
    assert len(article.cssselect(".caveats li")) == 2
    # a claim with its verdict badge, and the claim carried by the other piece
    badges = [b.get("class") for b in article.cssselect(".claims-here .verdict")]
    assert badges == ["verdict verdict-unverified", "verdict verdict-supported"]
    # the event: "same story elsewhere" names the other outlet's piece
    [same_story] = article.cssselect(".same-story")
    assert "Same story elsewhere" in same_story.text_content()
    assert [a.get("href") for a in same_story.cssselect("td a.internal-link")] == [other_href]
    # wikilinks resolved to the other article, with its title (in stance notes and editorial notes)
    assert [a.get("href") for a in article.cssselect(".stance-notes a")] == [other_href]
    [notes_link] = article.cssselect(".editorial-notes a.internal-link")
    assert notes_link.get("href") == other_href and notes_link.text_content().startswith("Council to close")
    # footnotes: editor's annotations, shown as sidenotes in the margin
    assert len(article.cssselect(".article-text .sidenote")) == 2
    assert article.cssselect(".footnote.annotations li")
    # the editorial-notes section, apart from the outlet's text
    [notes] = article.cssselect("section.editorial-notes")
    assert notes.cssselect("h2")[0].text_content() == "Editorial notes"
    assert "What would settle it" in notes.text_content()
    # related reading, and the outlet's profile
    assert [a.get("href") for a in article.cssselect(".related li a")] == [other_href]
    assert article.cssselect(".outlet-kind")[0].text_content() == "(local weekly newspaper)"


IMPORT_ONLY_FIELDS = {"language", "author_bio", "word_count", "provenance"}  # written by `import`, not by editors


def test_the_example_article_sets_every_editorial_key_the_schema_declares():
    """A key added to the schema must be shown in the example too, or editors never meet it."""
    from site_builder.reader import split_front_matter
    from site_builder.schema import ARTICLE_FIELDS, CLAIM_FIELDS

    text = (STARTER_DIR / "articles" / f"{EXAMPLE}.md").read_text(encoding="utf-8")
    front_matter = yaml.safe_load(split_front_matter(text, EXAMPLE)[0])
    assert {f.name for f in ARTICLE_FIELDS} - IMPORT_ONLY_FIELDS <= set(front_matter)
    claim_keys = {key for claim in front_matter["claims"] for key in claim}
    assert {f.name for f in CLAIM_FIELDS} <= claim_keys
    assert {claim["role"] for claim in front_matter["claims"]} >= {"makes", "disputes"}


def test_the_claims_tracker_and_event_page_come_from_the_example(new_site):
    claim = page(new_site, "claims/old-mill-bridge-unsafe")
    assert "disputes" in claim.text_content() and "reports" in claim.text_content()
    event = page(new_site, "events/2024-03-12-old-mill-bridge-closure")
    assert len(event.cssselect(f'a[href="/articles/{EXAMPLE}/"]')) >= 1


def test_the_pages_workflow_installs_site_builder_and_builds_for_the_pages_address(new_site):
    workflow = yaml.safe_load((new_site / ".github/workflows/pages.yml").read_text())
    steps = workflow["jobs"]["build"]["steps"]
    commands = "\n".join(step.get("run", "") for step in steps)
    assert "pip install -r requirements.txt" in commands
    assert 'site-builder build --base-url "${base_path%/}/"' in commands
    assert any(step.get("with", {}).get("path") == "build" for step in steps)
    from site_builder import __version__
    assert f"site-builder=={__version__}" in (new_site / "requirements.txt").read_text().splitlines()


def test_new_refuses_a_folder_that_is_not_empty(tmp_path, run):
    target = tmp_path / "mine"
    target.mkdir()
    (target / "notes.txt").write_text("keep me")
    result = run("new", target)
    assert result.code == 1
    assert f"site-builder new: {target} is not empty (it holds notes.txt); nothing was written." in result.err
    assert sorted(p.name for p in target.iterdir()) == ["notes.txt"]
    assert (target / "notes.txt").read_text() == "keep me"


def test_new_accepts_an_empty_folder_or_a_fresh_git_repository(tmp_path, run):
    empty = tmp_path / "empty"
    empty.mkdir()
    assert run("new", empty, "--title", "Reading: the 2024 election").code == 0
    assert load_config(empty).title == "Reading: the 2024 election", "a title with `: ` is quoted in site.yml"
    cloned = tmp_path / "cloned"
    (cloned / ".git").mkdir(parents=True)
    assert run("new", cloned).code == 0
    assert (cloned / "site.yml").is_file()


def test_the_starter_files_are_package_data():
    """They live inside site_builder/, so a wheel carries them (hatchling packages the whole folder)."""
    assert STARTER_DIR.parent.name == "site_builder"
    assert {p.name for p in STARTER_DIR.iterdir()} >= {"articles", "gitignore", "outlets.yml", "pages.yml"}


@pytest.mark.slow
def test_the_wheel_carries_the_starter_files(tmp_path):
    """An installed site-builder must be able to run `new`: the starter files are in the wheel."""
    import zipfile

    repo = Path(__file__).resolve().parent.parent
    done = subprocess.run([sys.executable, "-m", "pip", "wheel", str(repo), "--no-deps", "-q", "-w", str(tmp_path)],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    [wheel] = tmp_path.glob("*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    expected = {f"site_builder/starter/{p.relative_to(STARTER_DIR).as_posix()}"
                for p in STARTER_DIR.rglob("*") if p.is_file()}
    assert len(expected) >= 5 and expected <= names
    assert "site_builder/scaffold.py" in names
