"""Small sites written inline, and helpers to build them and read the result."""

from __future__ import annotations

import textwrap
from dataclasses import dataclass
from pathlib import Path

import pytest
from lxml import html as lxml_html

from site_builder.cli import main
from site_builder.collection import Collection

SITE_YML = """\
title: Test Collection
description: A small collection for tests.
base_url: /
stances:
  pro-kremlin: Advocates the Russian government's case.
  mixed: Several parties' accounts.
  critical: Argues against the campaign.
"""


def article(title="A piece", outlet="The Outlet", date="2015-10-09", body="Some text.", **extra) -> str:
    """An article file: front matter from keyword arguments (None leaves a key out), then body."""
    lines = ["---"]
    fields = {"title": title, "outlet": outlet, "date": date, **extra}
    for key, value in fields.items():
        if value is None:
            continue
        if isinstance(value, (list, tuple)):
            lines.append(f"{key}:")
            lines += [f"  - {item}" for item in value]
        else:
            lines.append(f"{key}: {value}")
    lines.append("---")
    return "\n".join(lines) + "\n\n" + textwrap.dedent(body).strip() + "\n"


@dataclass
class Site:
    root: Path

    def write(self, relative: str, text: str) -> Path:
        path = self.root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return path

    def add_article(self, slug: str, **fields) -> Path:
        return self.write(f"content/articles/{slug}.md", article(**fields))

    @property
    def build_dir(self) -> Path:
        return self.root / "build"

    def page(self, relative: str):
        """The parsed HTML of a built page (`articles/x/` means articles/x/index.html)."""
        path = self.build_dir / relative
        if relative.endswith("/") or relative == "":
            path = path / "index.html"
        return lxml_html.fromstring(path.read_bytes())


@dataclass
class Result:
    code: int
    out: str
    err: str


@pytest.fixture
def site(tmp_path: Path) -> Site:
    site = Site(tmp_path / "site")
    site.write("site.yml", SITE_YML)
    (site.root / "content" / "articles").mkdir(parents=True)
    return site


@pytest.fixture
def run(capsys):
    """Run the CLI in-process, as an editor would from the shell."""

    def run_cli(*args: str) -> Result:
        code = main([str(a) for a in args])
        captured = capsys.readouterr()
        return Result(code, captured.out, captured.err)

    return run_cli


# --- a site stopped at a stage: read, or planned, and nothing rendered or written -------------------
# The site_builder API each stage needs is used in the helper below it and nowhere else in the tests.

def collection_of(root: Path) -> Collection:
    """The site at `root` read and validated, and its collection made (what `check` does)."""
    from site_builder.build import check
    from site_builder.config import load_config

    return check(load_config(root)).collection


def planned_items_of(root: Path, collection: Collection) -> list:
    """Every file `collection` would make, as planned: a PageJob (path, template, context, kind,
    subject, pieces shown in full) per page, an OutputFile per plain file. No template is
    rendered and nothing is written."""
    from site_builder.config import load_config
    from site_builder.render import plan_site, theme_dirs

    config = load_config(root)
    return plan_site(collection, config, theme_dirs(config)).items


@pytest.fixture
def read_collection():
    """`read_collection(site)`: the site's Collection, without rendering or writing anything."""

    def read(site: Site) -> Collection:
        return collection_of(site.root)

    return read


@pytest.fixture
def planned_site(read_collection):
    """`planned_site(site)`: the site's planned pages and files, without rendering or writing any."""

    def plan(site: Site) -> list:
        return planned_items_of(site.root, read_collection(site))

    return plan


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under `folder` with its bytes, to prove a failed build changed nothing."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


# --- the browser: one Debian chromium for the whole session -------------------------------------

BROWSER_FIXTURES = {"browser", "page"}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test that drives the browser is slow (`make test-fast` leaves it out): marked here,
    from the fixtures it uses (directly or through another fixture), so a new one cannot be missed.

    They are also one xdist group, so that `make test` on two workers (`--dist loadgroup`) still
    starts one browser for the whole session: the browser tests run one after another on one
    worker while the other worker takes the rest of the suite.

    A browser test that fails is run once more (pytest-rerunfailures): beside the other worker's
    builds on a 2-core machine, a page now and then waits on a rebuild or a fetch past its bound.
    A real fault fails both runs, and the first failure is still printed."""
    for item in items:
        if BROWSER_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.slow)
            item.add_marker(pytest.mark.xdist_group("browser"))
            item.add_marker(pytest.mark.flaky(reruns=1))


CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run"]


@pytest.fixture(scope="session")
def browser():
    """Headless Debian chromium driven by Playwright (never a downloaded browser).

    Missing chromium skips the browser tests loudly; CI sets SITE_BUILDER_REQUIRE_BROWSER=1,
    which turns that skip into a failure.
    """
    import os

    if not CHROMIUM.exists():
        reason = f"{CHROMIUM} is missing: browser tests NOT RUN (make test installs Debian's chromium as root)"
        if os.environ.get("SITE_BUILDER_REQUIRE_BROWSER"):
            pytest.fail(reason)
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@pytest.fixture
def page(browser):
    context = browser.new_context()
    tab = context.new_page()
    yield tab
    context.close()
