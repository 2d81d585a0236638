"""Screenshots of the default theme for the README: home and an article, 375 px and 1280 px wide,
light and dark. Builds the bundled collection into a temporary folder (build/ is left alone),
serves it on 127.0.0.1 and photographs it with Debian's chromium through Playwright.

    .venv/bin/python tools/screenshots.py            # writes docs/screenshots/*.png
    .venv/bin/python tools/screenshots.py --out /tmp/shots --full-page   # whole pages, to review
    .venv/bin/python tools/screenshots.py --annotate   # only docs/screenshots/annotate.png (the guide's)
    .venv/bin/python tools/screenshots.py --charts     # only docs/screenshots/chart-*.png (the guide's)

Each picture is the first screen a reader sees (the viewport, not the whole page), so the files
stay small; --full-page is for reviewing the theme, not for committing.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))  # the test suite's small web server

from webserver import serve  # noqa: E402

from site_builder.cli import main as site_builder  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
ARTICLE = "articles/russia-and-syria-on-the-offensive-against-isis-ground-operations-coordinated/"
PAGES = {"home": "", "article": ARTICLE}
VIEWPORTS = {375: 812, 1280: 800}  # width: height (a phone, a laptop)
SCHEMES = ("light", "dark")


def build_bundled_site(folder: Path) -> Path:
    """The repository's own collection, built into `folder`/site/build."""
    site = folder / "site"
    site.mkdir()
    shutil.copy(REPO / "site.yml", site / "site.yml")
    shutil.copytree(REPO / "content", site / "content")
    if site_builder(["build", "--site", str(site), "-q"]) != 0:
        raise SystemExit("the bundled collection did not build")
    return site / "build"


def take_screenshots(out: Path, full_page: bool = False) -> list[Path]:
    from playwright.sync_api import sync_playwright

    out.mkdir(parents=True, exist_ok=True)
    written = []
    with tempfile.TemporaryDirectory() as tmp, serve(build_bundled_site(Path(tmp))) as base, \
            sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--headless", "--no-sandbox"])
        for width, height in VIEWPORTS.items():
            for scheme in SCHEMES:
                context = browser.new_context(viewport={"width": width, "height": height}, color_scheme=scheme)
                tab = context.new_page()
                for name, path in PAGES.items():
                    tab.goto(base + path, wait_until="networkidle")
                    target = out / f"{name}-{width}-{scheme}.png"
                    tab.screenshot(path=str(target), full_page=full_page)
                    written.append(target)
                context.close()
        browser.close()
    return written


ANNOTATE_PASSAGE = "Syria's military is rejuvenated"
SELECT = """(words) => {
    const walker = document.createTreeWalker(document.querySelector('.article-text'), NodeFilter.SHOW_TEXT);
    for (let node; (node = walker.nextNode());) {
        const at = node.data.indexOf(words);
        if (at < 0) continue;
        const range = document.createRange();
        range.setStart(node, at);
        range.setEnd(node, at + words.length);
        getSelection().removeAllRanges();
        getSelection().addRange(range);
        return;
    }
}"""


# Each chart of the bundled collection, photographed on its own (the figure: caption, picture,
# legend): on a 375 px phone in the light scheme, and 1280 px wide in the dark one.
CHARTS = {
    "event-coverage": ("events/2015-10-07-hama-ground-offensive/", "#chart-coverage", "main"),
    "outlet": ("outlets/unknown-outlet/", "#chart-stances", "#chart-time"),
    "timeline": ("timeline/", "#chart-timeline", None),
    "claims-verdicts": ("claims/", "#chart-verdicts", None),
    "claim-roles": ("claims/most-russian-strikes-not-aimed-at-isis/", "#chart-roles", None),
    "home": ("", ".at-a-glance", None),
}
CHART_VIEWS = ((375, "light"), (1280, "dark"))


def take_chart_screenshots(out: Path, site: Path | None = None) -> list[Path]:
    """docs/screenshots/chart-<name>-<width>-<scheme>.png: each chart's figure (and, for the event,
    the blindspot note below it), from the bundled collection or from `site`'s build."""
    from playwright.sync_api import sync_playwright

    out.mkdir(parents=True, exist_ok=True)
    written = []
    with tempfile.TemporaryDirectory() as tmp, serve(site or build_bundled_site(Path(tmp))) as base, \
            sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--headless", "--no-sandbox"])
        for width, scheme in CHART_VIEWS:
            context = browser.new_context(viewport={"width": width, "height": 900}, color_scheme=scheme)
            tab = context.new_page()
            for name, (path, first, last) in CHARTS.items():
                tab.goto(base + path, wait_until="networkidle")
                box = _union(tab, first, last)
                target = out / f"chart-{name}-{width}-{scheme}.png"
                tab.screenshot(path=str(target), clip=box, full_page=True)
                written.append(target)
            context.close()
        browser.close()
    return written


def _union(tab, first: str, last: str | None) -> dict:
    """The box around the element `first` (down to the end of `last` when given; `main`: down to
    the blindspot note)."""
    top = tab.locator(first).first.bounding_box()
    if last == "main":
        last = ".blindspot"
    bottom = tab.locator(last).first.bounding_box() if last else top
    pad = 8
    return {"x": max(0, top["x"] - pad), "y": max(0, top["y"] - pad),
            "width": max(top["width"], bottom["width"]) + 2 * pad,
            "height": bottom["y"] + bottom["height"] - top["y"] + 2 * pad}


def take_annotate_screenshot(out: Path) -> Path:
    """The guide's picture of annotating in `serve`: a passage selected, the note being written."""
    import os
    import signal
    import socket
    import subprocess
    import time
    import urllib.request

    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as playwright:
        site = Path(tmp) / "site"
        site.mkdir()
        shutil.copy(REPO / "site.yml", site / "site.yml")
        shutil.copytree(REPO / "content", site / "content")
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        server = subprocess.Popen([sys.executable, "-m", "site_builder", "serve", "--site", str(site), "--port", str(port),
                                   "--annotator", "Jo Student", "-q"], env={**os.environ, "PYTHONPATH": str(REPO)})
        try:
            for _ in range(600):
                try:
                    urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=1)
                    break
                except OSError:
                    time.sleep(0.1)
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--headless", "--no-sandbox"])
            tab = browser.new_context(viewport={"width": 960, "height": 640}).new_page()
            tab.goto(f"http://127.0.0.1:{port}/{ARTICLE}", wait_until="networkidle")
            tab.get_by_text(ANNOTATE_PASSAGE).first.scroll_into_view_if_needed()
            tab.evaluate(SELECT, ANNOTATE_PASSAGE)
            tab.get_by_role("button", name="Annotate", exact=True).click()
            tab.get_by_role("textbox", name="Note").fill("Rejuvenated by whom? The piece names **no source**.")
            tab.get_by_label("Kind").select_option("question")
            tab.get_by_label("Tags").fill("sources")
            target = out / "annotate.png"
            tab.screenshot(path=str(target))
            browser.close()
        finally:
            server.send_signal(signal.SIGINT)
            server.wait(timeout=30)
    return target


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=REPO / "docs" / "screenshots")
    parser.add_argument("--full-page", action="store_true", help="the whole page, not the first screen")
    parser.add_argument("--annotate", action="store_true", help="only the picture of annotating in serve")
    parser.add_argument("--charts", action="store_true", help="only the pictures of the charts")
    parser.add_argument("--site-build", type=Path, help="photograph the charts of this build/ folder instead")
    args = parser.parse_args()
    if args.charts:
        written = take_chart_screenshots(args.out, args.site_build)
    elif args.annotate:
        written = [take_annotate_screenshot(args.out)]
    else:
        written = take_screenshots(args.out, args.full_page) + take_chart_screenshots(args.out) + \
            [take_annotate_screenshot(args.out)]
    for path in written:
        print(f"{path} ({path.stat().st_size // 1024} KB)")


if __name__ == "__main__":
    main()
