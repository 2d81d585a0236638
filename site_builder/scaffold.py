"""`site-builder new DIR`: a collection that builds at once and shows every editorial feature.

An editor's first contact with the tool is a working example, not an empty folder. `site.yml` is
written from the same declarations the validator uses (config.SITE_FIELDS), every option with
its description and default, so it cannot fall out of step with the code. The example articles,
outlets.yml, .gitignore and the GitHub Pages workflow are plain files in `starter/`, inside the
package, so an installed wheel carries them.

The workflow builds the site on GitHub, where only what the repository holds and what pip can
fetch exist: `requirements.txt` pins the generator it installs (this version from PyPI, or the
git URL, wheel or folder given with `--generator`), and `new` starts the git repository with a
first commit, because both `deploy` and a push need one.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import textwrap
import tomllib
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any, Literal

import yaml

from site_builder import __version__
from site_builder.config import CONFIG_FILE, SITE_FIELDS
from site_builder.fields import Field
from site_builder.reference import field_facts

STARTER_DIR = Path(__file__).parent / "starter"
STARTER_FILES = {  # where each starter file goes in the new site (dot-files are stored without the dot)
    ".gitignore": "gitignore",
    ".github/workflows/pages.yml": "pages.yml",
    "content/outlets.yml": "outlets.yml",
    "content/pages/about.md": "about.md",
}
ALLOWED_IN_EMPTY_FOLDER = {".git"}  # a freshly cloned or `git init`ed repository counts as empty
COMMENT_WIDTH = 96
DISTRIBUTION = "site-builder"  # the name on PyPI (the import package is site_builder)
CARRIED_WHEEL_DIR = "generator"  # where a wheel given with --generator travels inside the collection
GIT_BRANCH = "main"  # the branch the Pages workflow builds on every push
FALLBACK_IDENTITY = ("site-builder new", "site-builder-new@example.invalid")  # when git knows no one
GENERATOR_FORMS = ("a git URL with a tag (git+https://github.com/<owner>/<repository>@v0.1.0), "
                   "a site-builder wheel (site_builder-*.whl) or a folder holding site-builder's pyproject.toml")


class ScaffoldError(Exception):
    """The new collection cannot be written where asked; nothing was written."""


def create_site(target: Path, title: str, generator: Generator | None = None) -> list[str]:
    """Write a new collection into `target` (missing or empty); return the files written."""
    generator = generator or Generator.from_index()
    _refuse_unless_empty(target)
    files = {
        CONFIG_FILE: site_yml(title),
        "requirements.txt": requirements_txt(generator),
        **{destination: (STARTER_DIR / source).read_text(encoding="utf-8")
           for destination, source in STARTER_FILES.items()},
        **{f"content/articles/{p.name}": p.read_text(encoding="utf-8")
           for p in sorted((STARTER_DIR / "articles").glob("*.md"))},
    }
    for relative, text in files.items():
        path = target / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    if not generator.wheel:
        return list(files)
    carried = f"{CARRIED_WHEEL_DIR}/{generator.wheel.name}"
    (target / CARRIED_WHEEL_DIR).mkdir()
    shutil.copyfile(generator.wheel, target / carried)
    return [*files, carried]


def default_title(target: Path) -> str:
    """`my-reading-list/` becomes "My reading list"."""
    words = target.resolve().name.replace("-", " ").replace("_", " ").strip()
    return words[:1].upper() + words[1:] if words else "My reading collection"


def _refuse_unless_empty(target: Path) -> None:
    if target.exists() and not target.is_dir():
        raise ScaffoldError(f"{target} is a file, not a folder; choose a new folder name")
    found = sorted(p.name for p in target.iterdir() if p.name not in ALLOWED_IN_EMPTY_FOLDER) if target.exists() else []
    if found:
        shown = ", ".join(found[:3]) + (", ..." if len(found) > 3 else "")
        raise ScaffoldError(f"{target} is not empty (it holds {shown}); nothing was written. "
                            "Choose a new folder name, e.g. site-builder new my-collection")


# --- site.yml, from the schema ----------------------------------------------------------------

def site_yml(title: str) -> str:
    """Every site option, commented with its description, type and default, set to its default."""
    header = (
        "# site.yml: the options of this collection. Every option is listed with what it does and\n"
        "# its default; change what you need. `site-builder check` validates this file, and\n"
        "# `site-builder docs --output -` prints the reference of every option and front-matter key.\n"
    )
    return header + "".join(_option(field, title if field.name == "title" else field.default) for field in SITE_FIELDS)


def _option(field: Field, value: Any) -> str:
    facts = field_facts(field)
    about = [facts.type]
    about += [facts.required] if facts.required else [f"default: {facts.default}"]
    about += [f"allowed: {facts.allowed}"] if facts.allowed else []
    comment = textwrap.wrap(facts.description, COMMENT_WIDTH - 2) + textwrap.wrap("; ".join(about), COMMENT_WIDTH - 2)
    plain = dict(value) if isinstance(value, MappingProxyType) else value
    setting = yaml.safe_dump({field.name: plain}, allow_unicode=True, sort_keys=False, default_flow_style=False,
                             width=COMMENT_WIDTH)
    setting = setting.replace(": ''\n", ': ""\n')  # an empty value, as editors write it
    return "\n" + "".join(f"# {line}\n" for line in comment) + setting


# --- the generator the workflow installs --------------------------------------------------------

@dataclass(frozen=True)
class Generator:
    """Where the Pages workflow gets site-builder: one line of requirements.txt, and why there."""
    requirement: str
    source: str  # for the comment above it
    wheel: Path | None = None  # a wheel the collection carries, in CARRIED_WHEEL_DIR
    local_folder: Path | None = None  # only this computer has it: the workflow cannot install it

    @classmethod
    def from_index(cls) -> Generator:
        """This very version, from PyPI: what a collection made by a published site-builder needs."""
        return cls(f"{DISTRIBUTION}=={__version__}", "this version, from PyPI")

    @classmethod
    def parse(cls, spec: str) -> Generator:
        """`--generator SPEC`: a git URL pinned to a tag, a wheel, or a source folder."""
        if spec.startswith("git+"):
            return cls._git_url(spec)
        path = Path(spec).expanduser()
        if not path.exists():
            raise ScaffoldError(f"--generator {spec}: no such file or folder; give {GENERATOR_FORMS}")
        if path.is_file():
            if not (path.name.startswith("site_builder-") and path.suffix == ".whl"):
                raise ScaffoldError(f"--generator {spec}: not a site-builder wheel (site_builder-*.whl); "
                                    f"give {GENERATOR_FORMS}")
            return cls(f"./{CARRIED_WHEEL_DIR}/{path.name}", f"the wheel in {CARRIED_WHEEL_DIR}/", wheel=path)
        if _project_name(path / "pyproject.toml") != DISTRIBUTION:
            raise ScaffoldError(f"--generator {spec}: this folder holds no site-builder pyproject.toml; "
                                f"give {GENERATOR_FORMS}")
        folder = path.resolve()
        return cls(f"{DISTRIBUTION} @ {folder.as_uri()}", "a folder on the computer that made the collection",
                   local_folder=folder)

    @classmethod
    def _git_url(cls, url: str) -> Generator:
        if not re.fullmatch(r"git\+(https|ssh|http|file)://\S+/[^/@\s]+@[^/@\s]+", url):
            raise ScaffoldError(f"--generator {url}: a git URL needs a tag or commit at its end, "
                                "e.g. git+https://github.com/<owner>/<repository>@v0.1.0, so that every "
                                "build installs the same site-builder")
        return cls(f"{DISTRIBUTION} @ {url}", "its git repository, at the tag named")


def _project_name(pyproject: Path) -> str | None:
    """The distribution a pyproject.toml declares, normalised as pip compares names."""
    try:
        name = tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]["name"]
    except (OSError, tomllib.TOMLDecodeError, KeyError, TypeError):
        return None
    return re.sub(r"[-_.]+", "-", str(name)).lower()


def requirements_txt(generator: Generator) -> str:
    """What the Pages workflow installs: exactly one site-builder, named once, here."""
    return (
        "# The site-builder that the GitHub Pages workflow installs (pip install -r requirements.txt):\n"
        f"# {generator.source}. To build with another one, change the line below,\n"
        "# e.g. to site-builder==<version> or site-builder @ git+https://github.com/<owner>/<repository>@<tag>\n"
        f"{generator.requirement}\n"
    )


# --- git ------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class GitSetup:
    """What `new` did with git, for the next steps it prints."""
    status: Literal["committed", "inside", "no-git", "failed"]
    detail: str = ""  # the first commit, the enclosing repository's folder, or git's complaint
    fallback_identity: bool = False  # git knew no name or email: the commit is signed FALLBACK_IDENTITY


def start_repository(target: Path, message: str) -> GitSetup:
    """A repository on GIT_BRANCH with a first commit of everything in `target`.

    A target already inside a repository is left to its owner: committing there is their call."""
    if shutil.which("git") is None:
        return GitSetup("no-git")
    inside = _git(target, "rev-parse", "--show-toplevel")
    if inside.returncode == 0:
        return GitSetup("inside", inside.stdout.strip())
    identity = [] if _git_knows_who_commits(target) else \
        ["-c", f"user.name={FALLBACK_IDENTITY[0]}", "-c", f"user.email={FALLBACK_IDENTITY[1]}"]
    for step in (["init", "-q"], ["symbolic-ref", "HEAD", f"refs/heads/{GIT_BRANCH}"], ["add", "--all"],
                 [*identity, "commit", "-q", "-m", message]):
        done = _git(target, *step)
        if done.returncode != 0:
            complaint = (done.stderr.strip().splitlines() or [f"git {step[0]} failed"])[-1]
            return GitSetup("failed", complaint)
    return GitSetup("committed", _git(target, "rev-parse", "--short", "HEAD").stdout.strip(), bool(identity))


def _git_knows_who_commits(target: Path) -> bool:
    """A name and email set in git's config (or its environment), not guessed from the host name."""
    return all(_git(target, "-c", "user.useConfigOnly=true", "var", ident).returncode == 0
               for ident in ("GIT_AUTHOR_IDENT", "GIT_COMMITTER_IDENT"))


def _git(folder: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["git", *args], cwd=folder, capture_output=True, text=True, stdin=subprocess.DEVNULL)
