"""`site-builder new DIR`: a collection that builds at once and shows every editorial feature.

An editor's first contact with the tool is a working example, not an empty folder. `site.yml` is
written from the same declarations the validator uses (config.SITE_FIELDS), every option with
its description and default, so it cannot fall out of step with the code. The example articles,
outlets.yml, .gitignore and the GitHub Pages workflow are plain files in `starter/`, inside the
package, so an installed wheel carries them.
"""

from __future__ import annotations

import textwrap
from pathlib import Path
from types import MappingProxyType
from typing import Any

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


class ScaffoldError(Exception):
    """The new collection cannot be written where asked; nothing was written."""


def create_site(target: Path, title: str) -> list[str]:
    """Write a new collection into `target` (missing or empty); return the files written."""
    _refuse_unless_empty(target)
    files = {
        CONFIG_FILE: site_yml(title),
        "requirements.txt": requirements_txt(),
        **{destination: (STARTER_DIR / source).read_text(encoding="utf-8")
           for destination, source in STARTER_FILES.items()},
        **{f"content/articles/{p.name}": p.read_text(encoding="utf-8")
           for p in sorted((STARTER_DIR / "articles").glob("*.md"))},
    }
    for relative, text in files.items():
        path = target / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return list(files)


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


def requirements_txt() -> str:
    """What the Pages workflow installs: the site-builder this collection was made with."""
    return (
        "# The site-builder the GitHub Pages workflow installs (pip install -r requirements.txt).\n"
        "# If your copy of site-builder does not come from PyPI, name where it does, e.g.\n"
        "#   site-builder @ git+https://github.com/<owner>/<repository>@<tag>\n"
        f"site-builder=={__version__}\n"
    )
