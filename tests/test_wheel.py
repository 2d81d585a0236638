"""The generator as users get it: a wheel, installed in a fresh virtual environment with nothing
from this checkout on the path, makes a collection that builds, both by hand and by the commands
of the workflow `new` writes (run here as GitHub would run them).

Dependencies come from the package index through pip (its cache makes reruns quick); the wheel
itself is built with the hatchling of the running environment when it has one, so no build
back end is downloaded.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
import yaml
from lxml import html as lxml_html

from site_builder import __version__
from site_builder.scaffold import STARTER_DIR

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parent.parent
PAGES_BASE_PATH = "/bridge-watch"  # the path of the address actions/configure-pages reports for a project site
PAGES_ORIGIN = "https://octocat.github.io"  # and its host (its `base_url` output is the two together)


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    isolation = ["--no-isolation"] if importlib.util.find_spec("hatchling") else []
    built = subprocess.run([sys.executable, "-m", "build", "--wheel", *isolation, "--outdir", str(out), str(REPO)],
                           capture_output=True, text=True)
    assert built.returncode == 0, built.stdout + built.stderr
    [wheel] = out.glob("*.whl")
    assert wheel.name == f"site_builder-{__version__}-py3-none-any.whl"
    return wheel


@pytest.fixture(scope="module")
def fresh_env(tmp_path_factory, wheel) -> dict[str, str]:
    """A new virtual environment holding the wheel and what it requires; the environment variables
    of a shell in it (no PYTHONPATH to this checkout, a git that knows who commits)."""
    home = tmp_path_factory.mktemp("home")
    venv = home / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    (home / "gitconfig").write_text("[user]\n\tname = Ada Editor\n\temail = ada@example.org\n")
    inherited = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV")}
    env = {**inherited, "PATH": f"{venv / 'bin'}{os.pathsep}{os.environ['PATH']}", "VIRTUAL_ENV": str(venv),
           "HOME": str(home), "GIT_CONFIG_GLOBAL": str(home / "gitconfig"), "GIT_CONFIG_NOSYSTEM": "1"}
    installed = subprocess.run([venv / "bin" / "python", "-m", "pip", "install", "-q", str(wheel)],
                               capture_output=True, text=True, env=env)
    assert installed.returncode == 0, installed.stderr
    return env


def shell(command: str, cwd: Path, env: dict[str, str]) -> str:
    """Run `command` as a workflow's `run:` step is run (bash -e); its output."""
    done = subprocess.run(["bash", "-e", "-c", command], cwd=cwd, env=env, capture_output=True, text=True)
    assert done.returncode == 0, f"{command}\n{done.stdout}\n{done.stderr}"
    return done.stdout


def test_the_wheel_carries_the_starter_files_and_the_default_theme(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    starter = {f"site_builder/starter/{p.relative_to(STARTER_DIR).as_posix()}"
               for p in STARTER_DIR.rglob("*") if p.is_file()}
    assert len(starter) >= 5 and starter <= names
    theme = REPO / "themes" / "default"
    assert {f"site_builder/themes/default/{p.relative_to(theme).as_posix()}" for p in theme.rglob("*") if p.is_file()} \
        <= names
    assert {"site_builder/preview_assets/annotate.js", "site_builder/preview_assets/annotate.css"} <= names  # serve's


def test_the_installed_wheel_makes_a_collection_that_its_own_workflow_builds(wheel, fresh_env, tmp_path):
    where = shell("python -c 'import site_builder; print(site_builder.__file__)'", tmp_path, fresh_env)
    assert where.startswith(fresh_env["VIRTUAL_ENV"]), "the wheel is what runs, not this checkout"
    assert shell("site-builder --version", tmp_path, fresh_env).strip() == f"site-builder {__version__}"

    # new, then build by hand: what the editor does first
    made = shell(f"site-builder new bridge-watch --generator {wheel}", tmp_path, fresh_env)
    root = tmp_path / "bridge-watch"
    assert "Started a git repository on branch main" in made
    assert "Built 2 articles" in shell("site-builder build", root, fresh_env)
    assert (root / "build" / "index.html").is_file()

    # then every command of the workflow's build job, in order, as GitHub runs them
    workflow = yaml.safe_load((root / ".github" / "workflows" / "pages.yml").read_text())
    commands = [step["run"] for step in workflow["jobs"]["build"]["steps"] if "run" in step]
    assert commands[0].startswith("pip install -r requirements.txt")
    for command in commands:
        command = command.replace("${{ steps.pages.outputs.base_url }}", PAGES_ORIGIN + PAGES_BASE_PATH)
        assert "${{" not in command, f"an expression this test does not stand in for: {command}"
        shell(command, root, fresh_env)

    home = lxml_html.fromstring((root / "build" / "index.html").read_bytes())
    stylesheets = [link.get("href") for link in home.cssselect('link[rel="stylesheet"]')]
    assert stylesheets and all(href.startswith(f"{PAGES_BASE_PATH}/") for href in stylesheets), \
        "built for the address Pages serves the site at"
    article_links = [a.get("href") for a in home.cssselect('a[href*="/articles/"]')]
    assert article_links and all(href.startswith(f"{PAGES_BASE_PATH}/articles/") for href in article_links)
