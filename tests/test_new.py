"""`site-builder new`: a collection that builds at once, and whose example shows every feature."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from lxml import html as lxml_html

from site_builder import __version__
from site_builder.config import SITE_FIELDS, load_config
from site_builder.scaffold import FALLBACK_IDENTITY, STARTER_DIR

EXAMPLE = "closing-the-old-mill-bridge-will-strangle-our-high-street"
OTHER = "council-announces-old-mill-bridge-closure"
EDITOR = ("Ada Editor", "ada@example.org")
REPO = Path(__file__).resolve().parent.parent


def git_config_env(tmp: Path, identity: tuple[str, str] | None) -> dict[str, str]:
    """The environment of an editor whose git knows `identity` (or no one), whatever this machine's git says."""
    config = tmp / "gitconfig"
    config.write_text(f"[user]\n\tname = {identity[0]}\n\temail = {identity[1]}\n" if identity else "")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GIT_AUTHOR_", "GIT_COMMITTER_", "EMAIL"))}
    return {**env, "GIT_CONFIG_GLOBAL": str(config), "GIT_CONFIG_NOSYSTEM": "1", "HOME": str(tmp)}


@pytest.fixture
def editors_git(tmp_path, monkeypatch) -> Path:
    """For in-process runs: git configured with EDITOR as the only identity."""
    for key, value in git_config_env(tmp_path, EDITOR).items():
        monkeypatch.setenv(key, value)
    return tmp_path


def git(folder: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=folder, capture_output=True, text=True, check=True).stdout.strip()


@pytest.fixture(scope="module")
def new_site(tmp_path_factory) -> Path:
    """`new` then `build`, as an editor runs them: real processes, in the new folder."""
    root = tmp_path_factory.mktemp("new") / "bridge-watch"
    env = git_config_env(tmp_path_factory.mktemp("home"), EDITOR)
    made = subprocess.run([sys.executable, "-m", "site_builder", "new", str(root)], capture_output=True, text=True,
                          env=env)
    assert made.returncode == 0, made.stderr
    assert "Created a new collection" in made.stdout and made.stderr == ""
    built = subprocess.run([sys.executable, "-m", "site_builder", "build"], cwd=root, capture_output=True, text=True,
                           env=env)
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
        mapping = field.name in ("stances", "verdicts", "annotation_kinds")
        assert (dict(value) if mapping else value) == (dict(field.default) if mapping else field.default), field.name


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
    # annotations: passages highlighted, each with its note (the editors', or a named annotator's)
    text = article.cssselect(".article-text")[0]
    assert [m.text_content() for m in text.cssselect("mark")] == ["£50,000 a week", "with a weight limit",
                                                                  "plan a temporary footbridge first"]
    labels = [n.cssselect(".annotation-label")[0].text_content() for n in text.cssselect(".annotation-note")]
    assert labels == ["1 Editors' note · context", "2 Editors' note · correction", "3 Note by Jo Student · question"]
    assert not text.cssselect(".footnote"), "no footnote marks in the outlet's text"
    # the editorial-notes section, apart from the outlet's text
    [notes] = article.cssselect("section.editorial-notes")
    assert notes.cssselect("h2")[0].text_content() == "Editorial notes"
    assert "What would settle it" in notes.text_content()
    # related reading, and the outlet's profile
    assert [a.get("href") for a in article.cssselect(".related li a")] == [other_href]
    assert article.cssselect(".outlet-kind")[0].text_content() == "(local weekly newspaper)"


IMPORT_ONLY_FIELDS = {"language", "author_bio", "word_count", "provenance"}  # written by `import`, not by editors
IMPORT_ONLY_ANNOTATION_FIELDS = {"at", "created"}  # filled when annotations are imported


def test_the_example_article_sets_every_editorial_key_the_schema_declares():
    """A key added to the schema must be shown in the example too, or editors never meet it."""
    from site_builder.reader import split_front_matter
    from site_builder.schema import ANNOTATION_FIELDS, ARTICLE_FIELDS, CLAIM_FIELDS

    text = (STARTER_DIR / "articles" / f"{EXAMPLE}.md").read_text(encoding="utf-8")
    front_matter = yaml.safe_load(split_front_matter(text, EXAMPLE)[0])
    assert {f.name for f in ARTICLE_FIELDS} - IMPORT_ONLY_FIELDS <= set(front_matter)
    claim_keys = {key for claim in front_matter["claims"] for key in claim}
    assert {f.name for f in CLAIM_FIELDS} <= claim_keys
    assert {claim["role"] for claim in front_matter["claims"]} >= {"makes", "disputes"}
    annotation_keys = {key for annotation in front_matter["annotations"] for key in annotation}
    assert {f.name for f in ANNOTATION_FIELDS} - IMPORT_ONLY_ANNOTATION_FIELDS <= annotation_keys


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
    assert 'site-builder build --base-url "${base_url%/}/"' in commands  # the full address: absolute links
    assert any(step.get("with", {}).get("path") == "build" for step in steps)
    assert f"site-builder=={__version__}" in (new_site / "requirements.txt").read_text().splitlines()


# --- git: the first commit, so that a push or `deploy` can follow at once ---------------------------

def test_new_starts_a_git_repository_on_main_with_every_file_in_its_first_commit(new_site):
    assert git(new_site, "rev-parse", "--abbrev-ref", "HEAD") == "main", "the branch the Pages workflow builds"
    assert git(new_site, "log", "--format=%an <%ae>|%s").splitlines() == \
        [f"{EDITOR[0]} <{EDITOR[1]}>|New collection, made by site-builder {__version__}"]
    committed = set(git(new_site, "ls-tree", "-r", "--name-only", "HEAD").splitlines())
    assert {"site.yml", "requirements.txt", ".gitignore", ".github/workflows/pages.yml",
            f"content/articles/{EXAMPLE}.md"} <= committed
    assert git(new_site, "status", "--porcelain") == "", "after a build too: build/ and its debris are ignored"


def test_new_prints_how_to_push_the_repository_and_switch_pages_on(tmp_path, run, editors_git):
    result = run("new", tmp_path / "class-collection")
    sha = git(tmp_path / "class-collection", "rev-parse", "--short", "HEAD")
    assert f"Started a git repository on branch main, with these files as its first commit ({sha})." in result.out
    for step in ("create an empty repository named class-collection",
                 "git remote add origin https://github.com/YOUR-ACCOUNT/class-collection.git",
                 "git push -u origin main", "Settings > Pages, choose Source: GitHub Actions",
                 f"it installs site-builder=={__version__}"):
        assert step in result.out
    assert result.err == ""


def test_deploy_works_on_a_collection_just_made(tmp_path, run, editors_git):
    """It used to stop at "is not inside a git repository": `new` now leaves a repository and a commit."""
    root = tmp_path / "fresh"
    assert run("new", root).code == 0
    assert run("build", "--site", root, "-q").code == 0
    deployed = run("deploy", "--site", root)
    assert deployed.code == 0, deployed.err
    assert "index.html" in git(root, "ls-tree", "-r", "--name-only", "gh-pages").splitlines()


def test_with_no_git_identity_the_first_commit_is_signed_by_a_plain_fallback(tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    root = tmp_path / "anonymous"
    made = subprocess.run([sys.executable, "-m", "site_builder", "new", str(root)], capture_output=True, text=True,
                          env=git_config_env(home, None))
    assert made.returncode == 0, made.stderr
    assert git(root, "log", "--format=%an <%ae>") == f"{FALLBACK_IDENTITY[0]} <{FALLBACK_IDENTITY[1]}>"
    assert 'git does not know your name and email yet, so that commit is signed "site-builder new"' in made.stdout
    assert 'git config --global user.name "Your Name"' in made.stdout


def test_inside_a_repository_new_commits_nothing_and_says_so(tmp_path, run, editors_git):
    outer = tmp_path / "school-repo"
    outer.mkdir()
    git(outer, "init", "-q")
    result = run("new", outer / "collections" / "term-1")
    assert result.code == 0
    assert not (outer / "collections" / "term-1" / ".git").exists()
    assert f"is inside the git repository at {outer}, so no repository was started" in result.out
    assert git(outer, "status", "--porcelain") == "?? collections/", "left for its owner to commit"


def test_no_git_option_and_a_machine_without_git_still_make_the_collection(tmp_path, run, editors_git, monkeypatch):
    assert run("new", tmp_path / "plain", "--no-git").code == 0
    assert (tmp_path / "plain" / "site.yml").is_file() and not (tmp_path / "plain" / ".git").exists()
    monkeypatch.setenv("PATH", str(tmp_path / "nothing-here"))
    result = run("new", tmp_path / "gitless")
    assert result.code == 0 and not (tmp_path / "gitless" / ".git").exists()
    assert "git is not installed, so no repository was started" in result.out


# --- --generator: where the workflow gets site-builder before it is on PyPI ------------------------

def requirement(root: Path) -> str:
    [line] = [line for line in (root / "requirements.txt").read_text().splitlines() if not line.startswith("#")]
    return line


def test_generator_from_a_git_url_pinned_to_a_tag(tmp_path, run, editors_git):
    url = "git+https://github.com/reading-lab/site-builder@v0.1.0"
    assert run("new", tmp_path / "c", "--generator", url).code == 0
    assert requirement(tmp_path / "c") == f"site-builder @ {url}"


def test_generator_wheel_travels_with_the_collection_and_is_committed(tmp_path, run, editors_git):
    wheel = tmp_path / "site_builder-0.1.0-py3-none-any.whl"
    wheel.write_bytes(b"PK not really a wheel")
    result = run("new", tmp_path / "c", "--generator", wheel)
    assert result.code == 0
    assert requirement(tmp_path / "c") == "./generator/site_builder-0.1.0-py3-none-any.whl"
    assert (tmp_path / "c" / "generator" / wheel.name).read_bytes() == wheel.read_bytes()
    assert f"generator/{wheel.name}" in git(tmp_path / "c", "ls-tree", "-r", "--name-only", "HEAD").splitlines()
    assert f"  generator/{wheel.name}" in result.out


def test_generator_from_a_source_folder_warns_that_github_cannot_reach_it(tmp_path, run, editors_git):
    result = run("new", tmp_path / "c", "--generator", REPO)
    assert result.code == 0
    assert requirement(tmp_path / "c") == f"site-builder @ {REPO.as_uri()}"
    assert f"warning: requirements.txt installs site-builder from {REPO}, which only this computer has" in result.err


@pytest.mark.parametrize("spec, complaint", [
    ("git+https://github.com/reading-lab/site-builder", "a git URL needs a tag or commit at its end"),
    ("no/such/wheel.whl", "no such file or folder; give a git URL with a tag"),
    ("README.md", "not a site-builder wheel (site_builder-*.whl)"),
    ("content", "this folder holds no site-builder pyproject.toml"),
])
def test_a_generator_that_cannot_be_installed_is_refused_before_anything_is_written(tmp_path, run, spec, complaint,
                                                                                     monkeypatch):
    monkeypatch.chdir(REPO)
    target = tmp_path / "c"
    result = run("new", target, "--generator", spec)
    assert result.code == 1
    assert result.err.startswith(f"site-builder new: --generator {spec}: {complaint}")
    assert not target.exists()


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
    """They live inside site_builder/, so a wheel carries them (tests/test_wheel.py checks the wheel)."""
    assert STARTER_DIR.parent.name == "site_builder"
    assert {p.name for p in STARTER_DIR.iterdir()} >= {"articles", "gitignore", "outlets.yml", "pages.yml"}

