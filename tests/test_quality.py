"""The default theme measured by the tools web professionals use, on the bundled collection.

- axe-core (npm), injected with Playwright into Debian's chromium, on the home, an article, two
  outlets (one with its pieces over time), an event, the timeline, the claims and a claim (every
  kind of chart), the annotations and the search page (with results shown), a corrected article
  and the corrections page, in light and dark: 0 violations.
- Lighthouse (npm) on the same pages: performance, accessibility, best practices and SEO >= 0.95
  (SEO 1.0 on the home and article pages).
- axe and the Nu checker also on an Arabic piece (right to left, annotated) and a list mixing English,
  Russian and Arabic titles, added to a copy of the bundled collection.
- The W3C Nu HTML checker (npm vnu-jar, run by Debian's Java) on every built page: 0 errors.

The site is built with its served address as `base_url` (http://127.0.0.1:<port>/), as a
published site is, so canonical links and robots.txt hold absolute addresses. Each tool runs once
over the whole site; the scores are printed and written to a report in the temporary folder.
`make test` installs the tools (`make quality-tools`: .tools/node_modules from
.tools/package-lock.json, and Debian's default-jre-headless).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import tempfile
from datetime import date
from pathlib import Path

import pytest

from conftest import Site
from webserver import serve

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parent.parent
TOOLS = REPO / ".tools"
AXE = TOOLS / "node_modules" / "axe-core" / "axe.min.js"
VNU = TOOLS / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
LIGHTHOUSE = TOOLS / "lighthouse-pages.mjs"
REPORT_DIR = Path(tempfile.gettempdir()) / "site-builder-quality"

CORRECTED = "russian-warships-strike-islamic-state-targets-with-cruise-missiles"
PAGES = {
    "home": "",
    "article": "articles/russia-and-syria-on-the-offensive-against-isis-ground-operations-coordinated/",
    "outlet": "outlets/global-research/",
    "outlet-over-time": "outlets/unknown-outlet/",  # its pieces by stance and over time (charts)
    "timeline": "timeline/",
    "event": "events/2015-10-07-hama-ground-offensive/",
    "claims": "claims/",
    "claim": "claims/most-russian-strikes-not-aimed-at-isis/",  # outlets by role (a chart)
    "annotations": "annotations/",
    "search": "search/",
    "corrected": f"articles/{CORRECTED}/",
    "corrections": "corrections/",
    "data": "data/",
    "arabic": "articles/ghrat-rwsy-ly-mwaq-qrb-hlb/",  # an Arabic piece (rtl) with a note, on an English site
    "mixed-list": "tags/syrian-army/",  # English, Russian and Arabic titles in one list
    # The same collection with an Arabic interface (right to left, mirrored), built into ar/ beside it.
    "arabic-home": "ar/",
    "arabic-article": "ar/articles/russia-and-syria-on-the-offensive-against-isis-ground-operations-coordinated/",
}
SCHEMES = ("light", "dark")
LIGHTHOUSE_MINIMUM = 0.95
# SEO in full where it was lost to a root-relative canonical link (now absolute or absent).
LIGHTHOUSE_FULL_SEO = ("home", "article")


def require(*tools: Path | str) -> None:
    """Skip loudly when a tool is missing; CI (SITE_BUILDER_REQUIRE_BROWSER=1) fails instead."""
    missing = [str(t) for t in tools if not (Path(t).exists() if isinstance(t, Path) else shutil.which(t))]
    if missing:
        reason = f"quality tools missing: {', '.join(missing)} (run `make quality-tools`): NOT RUN"
        if os.environ.get("SITE_BUILDER_REQUIRE_BROWSER"):
            pytest.fail(reason)
        pytest.skip(reason)


def report(name: str, data: object, summary: str, capsys) -> None:
    """Write the full results to the report folder and print the summary past pytest's capture."""
    REPORT_DIR.mkdir(exist_ok=True)
    path = REPORT_DIR / f"{name}.json"
    path.write_text(json.dumps(data, indent=2))
    with capsys.disabled():
        print(f"\n{summary}\n  (full report: {path})")


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """The bundled collection, built for and served at http://127.0.0.1:<port>/."""
    from site_builder.cli import main

    site = Site(tmp_path_factory.mktemp("quality") / "site")
    site.root.mkdir()
    shutil.copy(REPO / "site.yml", site.root / "site.yml")
    shutil.copytree(REPO / "content", site.root / "content")
    ensure_corrected(site.root / "content" / "articles" / f"{CORRECTED}.md")
    add_pieces_in_other_languages(site.root / "content" / "articles")
    arabic = Site(tmp_path_factory.mktemp("quality-ar") / "site")
    shutil.copytree(site.root, arabic.root)
    arabic.write("site.yml", re.sub(r"(?m)^language:.*$", "language: ar", (site.root / "site.yml").read_text()))
    with serve(site.build_dir) as base:  # serves the folder by name, so it may be built after
        assert main(["build", "--site", str(site.root), "--base-url", base, "-q"]) == 0
        assert main(["build", "--site", str(arabic.root), "--base-url", base + "ar/", "-q"]) == 0
        shutil.copytree(arabic.build_dir, site.build_dir / "ar")
        yield site, base


def open_page(tab, base: str, name: str) -> None:
    """Load a page the way a reader sees it; the search page with results for a query."""
    tab.goto(base + PAGES[name], wait_until="networkidle")
    if name == "search":
        tab.get_by_label("Words to search for").fill("Palmyra")
        tab.wait_for_selector(".pagefind-ui__result-link")
        tab.wait_for_function("() => !document.querySelector('.pagefind-ui__message').textContent.includes('Searching')")


def ensure_corrected(path: Path) -> None:
    """The corrected piece measured has corrections, whether or not the bundled collection gives it
    some yet: a clarification of its caveats and an update of a claim it carries."""
    text = path.read_text(encoding="utf-8")
    if "\ncorrections:" in text:
        return
    claim = re.search(r"^  - id: (\S+)", text, re.MULTILINE).group(1)
    today = date.today().isoformat()
    entries = (f"corrections:\n  - date: {today}\n    kind: clarification\n    field: caveats\n"
               f"    was: \"an earlier wording\"\n    now: \"the wording shown\"\n    why: The earlier wording was *more certain* "
               f"than the evidence.\n    evidence:\n      - https://example.org/evidence\n"
               f"  - date: {today}\n    kind: update\n    field: claims.{claim}.evidence\n    why: A primary source was added.\n")
    front_end = text.index("\n---\n", 4) + 1
    path.write_text(text[:front_end] + entries + text[front_end:], encoding="utf-8")


def add_pieces_in_other_languages(folder: Path) -> None:
    """An Arabic piece (annotated, right to left) and a Russian one beside the bundled English pieces."""
    common = "outlet: {outlet}\ndate: 2015-10-10\nstance: mixed\ntags:\n  - syrian army\n"
    (folder / "ghrat-rwsy-ly-mwaq-qrb-hlb.md").write_text(
        "---\ntitle: غارات روسية على مواقع قرب حلب\n" + common.format(outlet="الجزيرة") + "language: ar\n"
        "annotations:\n  - quote: بحسب وزارة الدفاع\n    note: The ministry named no targets.\n---\n\n"
        "شنت طائرات روسية غارات على مواقع قرب مدينة حلب، بحسب وزارة الدفاع الروسية.\n\n"
        "وقال سكان إن الغارات استمرت حتى ساعات الصباح.\n", encoding="utf-8")
    (folder / "udary-pod-aleppo.md").write_text(
        "---\ntitle: Российские самолёты нанесли удары под Алеппо\n" + common.format(outlet="Вести")
        + "language: ru\n---\n\nРоссийские самолёты нанесли удары по целям под Алеппо, сообщило Министерство "
        "обороны.\n", encoding="utf-8")


def test_axe_finds_no_accessibility_violations_in_light_or_dark(browser, served, capsys):
    require(AXE)
    _, base = served
    results, lines = {}, ["axe-core violations (page, scheme):"]
    for scheme in SCHEMES:
        # The pages' Content-Security-Policy would refuse the injected axe script.
        context = browser.new_context(bypass_csp=True, color_scheme=scheme, viewport={"width": 1280, "height": 900})
        tab = context.new_page()
        for name in PAGES:
            open_page(tab, base, name)
            tab.add_script_tag(path=str(AXE))
            violations = tab.evaluate("""async () => (await axe.run(document, {resultTypes: ['violations']}))
                .violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                                       nodes: v.nodes.map(n => n.target.join(' ') + ': ' + n.failureSummary)}))""")
            results[f"{name} {scheme}"] = violations
            lines.append(f"  {name:11} {scheme:5} {len(violations)}")
        context.close()
    report("axe", results, "\n".join(lines), capsys)
    assert {page: v for page, v in results.items() if v} == {}


@pytest.mark.alone  # its performance score measures the page's timing: run after the parallel run, on a quiet machine
def test_lighthouse_scores_at_least_95_in_every_category(served, capsys):
    require(LIGHTHOUSE, TOOLS / "node_modules" / "lighthouse", "node", Path("/usr/bin/chromium"))
    _, base = served
    REPORT_DIR.mkdir(exist_ok=True)
    output = REPORT_DIR / "lighthouse.json"
    subprocess.run(["node", str(LIGHTHOUSE), str(output), *(base + path for path in PAGES.values())],
                   check=True, timeout=300, env={**os.environ, "CHROME_PATH": "/usr/bin/chromium"})
    results = json.loads(output.read_text())
    lines = ["Lighthouse (performance, accessibility, best-practices, seo):"]
    low = {}
    for name, path in PAGES.items():
        result = results[base + path]
        scores = result["scores"]
        lines.append(f"  {name:11} " + "  ".join(f"{category} {score:.2f}" for category, score in scores.items()))
        if result["runtimeError"] or any(score is None or score < LIGHTHOUSE_MINIMUM for score in scores.values()):
            low[name] = result
        elif name in LIGHTHOUSE_FULL_SEO and scores.get("seo") != 1.0:
            low[name] = result
    report("lighthouse-summary", {name: results[base + path]["scores"] for name, path in PAGES.items()},
           "\n".join(lines), capsys)
    assert low == {}


def test_the_nu_html_checker_finds_no_errors_on_any_page(served, capsys):
    require(VNU, "java")
    site, _ = served
    pages = sorted(str(p) for p in site.build_dir.rglob("*.html"))
    checked = subprocess.run(["java", "-jar", str(VNU), "--errors-only", "--format", "json", *pages],
                             capture_output=True, text=True, timeout=300)
    messages = json.loads(checked.stderr or '{"messages": []}')["messages"]
    errors = [f"{m.get('url', '').rsplit('/build/', 1)[-1]}:{m.get('lastLine', 0)}: {m['message']}" for m in messages]
    report("vnu", messages, f"Nu HTML checker: {len(pages)} pages, {len(errors)} errors", capsys)
    assert len(pages) > 40
    assert errors == []
