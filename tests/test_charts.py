"""Charts (site_builder.charts): each picture's figures, read back from its SVG, agree with the
collection; the blindspot note follows site.yml's rule; charts change only where their pieces do.

The pictures are parsed, not compared with a snapshot: a bar's share of the width, a column's
segments and heights, the markers' shapes and the matrix's cells are turned back into counts and
compared with counts made here from the pieces written.
"""

from __future__ import annotations

import gzip
import re
import shutil
from collections import Counter
from datetime import date, timedelta
from pathlib import Path

import pytest

from conftest import SITE_YML, Site

REPO = Path(__file__).resolve().parent.parent
STANCES = ["pro-kremlin", "mixed", "critical"]
OUTLETS = ["Red Daily", "Blue Wire", "Grey Post", "Green Times"]
EVENT = "2015-03-02-summit"


def piece(i: int) -> dict:
    """The i-th generated piece: stances, outlets and tags in cycles, dates spread over 18 months."""
    return {"title": f"Piece {i}", "outlet": OUTLETS[i % 4], "date": (date(2015, 1, 5) + timedelta(days=8 * i)).isoformat(),
            "stance": STANCES[(i * i) % 3], "tags": [f"tag-{i % 5}", f"tag-{i % 2}"]}


@pytest.fixture(scope="module")
def many(tmp_path_factory) -> tuple[Site, list[dict]]:
    """70 pieces (enough to count per month instead of marking each), 2 on an event, claims."""
    site = Site(tmp_path_factory.mktemp("charts") / "site")
    site.write("site.yml", SITE_YML)
    pieces = [piece(i) for i in range(70)]
    for i, fields in enumerate(pieces):
        extra = {"event": EVENT} if i in (7, 8) else {}
        site.add_article(f"piece-{i}", **fields, **extra)
    from site_builder.cli import main

    assert main(["build", "--site", str(site.root), "-q"]) == 0
    return site, pieces


CLAIM_FM = "claims:\n  - id: {id}\n    role: {role}{rest}"


def _claims_site(site: Site) -> None:
    """Three pieces on one claim (makes, reports, disputes) from two outlets; a second claim, false."""
    first = "\n    text: Strikes hit the target.\n    verdict: supported"
    for slug, outlet, role, rest in (("c1", "Red Daily", "makes", first), ("c2", "Red Daily", "reports", ""),
                                     ("c3", "Blue Wire", "disputes", "")):
        site.write(f"content/articles/{slug}.md", f"---\ntitle: {slug}\noutlet: {outlet}\ndate: 2015-05-0{slug[1]}\n"
                   f"stance: mixed\n" + CLAIM_FM.format(id="strikes-hit", role=role, rest=rest) + "\n---\n\nText.\n")
    site.write("content/articles/c4.md", "---\ntitle: c4\noutlet: Grey Post\ndate: 2015-05-04\nstance: mixed\n"
               + CLAIM_FM.format(id="pending", role="makes", rest="\n    text: Something pending.\n    verdict: false") + "\n---\n\nText.\n")


# --- reading the pictures back --------------------------------------------------------------------

def svg(page, chart_id: str):
    (figure,) = page.xpath(f"//figure[@id='chart-{chart_id}']")
    (picture,) = figure.xpath(".//svg[@role='img']")
    assert picture.xpath("./title")[0].text_content().strip()  # named for screen readers
    assert figure.xpath(".//table"), "the figures in words beside the picture"
    return picture


def percent(value: str) -> float:
    return float(value.rstrip("%"))


def series_of(rect, keys: list[str]) -> str:
    """The series a bar segment draws: its pattern's number is the series' place in site.yml."""
    style = int(re.search(r"-p(-?\d+)\)", rect.get("fill")).group(1))
    return keys[style] if style >= 0 else "unassessed"


def share_counts(picture, keys: list[str], total: int) -> Counter:
    """A bar of shares, back into counts: each segment's width is its share of 100%."""
    counts = Counter()
    for rect in picture.xpath("./rect[@fill]"):
        counts[series_of(rect, keys)] += round(percent(rect.get("width")) * total / 100)
        assert rect.xpath("./title")[0].text_content().endswith(f": {round(percent(rect.get('width')) * total / 100)}")
    return counts


def column_counts(picture, keys: list[str]) -> dict[str, Counter]:
    """A time chart's columns, back into counts per period and stance (heights against the tallest)."""
    top = int(picture.xpath("./text[@class='m']")[0].text)
    scale = 100 / top
    periods = {}
    for group in picture.xpath("./g"):
        label, total = re.fullmatch(r"(.+): (\d+) pieces", group.xpath("./title")[0].text).groups()
        counts = Counter({series_of(r, keys): round(float(r.get("height")) / scale) for r in group.xpath("./rect")})
        assert sum(counts.values()) == int(total)
        periods[label] = counts
    return periods


# --- the figures agree with the collection --------------------------------------------------------

def test_the_home_page_counts_pieces_per_month_per_stance_per_outlet_and_top_tags(many):
    site, pieces = many
    page = site.page("")
    expected_months = Counter()
    for p in pieces:
        expected_months[(date.fromisoformat(p["date"]).strftime("%b %Y"), p["stance"])] += 1
    months = column_counts(svg(page, "time"), STANCES)
    assert {(m, s): n for m, c in months.items() for s, n in c.items() if n} == dict(expected_months)
    assert share_counts(svg(page, "stances"), STANCES, 70) == Counter(p["stance"] for p in pieces)
    bars = svg(page, "outlets").xpath("./rect[@fill]")
    outlets = Counter()
    for rect in bars:
        outlet, stance, n = re.fullmatch(r"(.+), (.+): (\d+)", rect.xpath("./title")[0].text).groups()
        outlets[(outlet, stance)] = int(n)
    assert outlets == Counter((p["outlet"], p["stance"]) for p in pieces)
    tags = Counter(t for p in pieces for t in set(p["tags"]))
    shown = [t.text for t in svg(page, "tags").xpath("./text")]
    assert shown == [f"{tag} · {n}" for tag, n in sorted(tags.items(), key=lambda item: (-item[1], item[0]))[:10]]


def test_an_outlet_page_shows_its_pieces_by_stance_and_over_time(many):
    site, pieces = many
    page = site.page("outlets/red-daily/")
    mine = [p for p in pieces if p["outlet"] == "Red Daily"]
    assert share_counts(svg(page, "stances"), STANCES, len(mine)) == Counter(p["stance"] for p in mine)
    months = column_counts(svg(page, "time"), STANCES) if svg(page, "time").xpath("./g") else None
    markers = svg(page, "time").xpath("./svg")
    if months is None:  # few enough to mark each piece: a shape per piece, its class the stance's place
        assert Counter(STANCES[int(m.get("class")[1])] for m in markers) == Counter(p["stance"] for p in mine)
    else:
        assert sum(sum(c.values()) for c in months.values()) == len(mine)


def test_the_timeline_marks_each_piece_when_few_and_lists_them(site, run):
    for i in range(6):
        site.add_article(f"p{i}", **piece(i * 9))
    assert run("build", "--site", site.root, "-q").code == 0
    picture = svg(site.page("timeline/"), "timeline")
    markers = picture.xpath("./svg")
    assert Counter(STANCES[int(m.get("class")[1])] for m in markers) == Counter(piece(i * 9)["stance"] for i in range(6))
    assert len(site.page("timeline/").xpath("//ol[@class='timeline']/li")) == 6


def test_a_large_timeline_counts_per_period_and_lists_pieces_on_a_page_per_month(tmp_path, run, monkeypatch):
    from site_builder import render

    monkeypatch.setattr(render, "TIMELINE_LIST_MAX", 50)
    site = Site(tmp_path / "site")
    site.write("site.yml", SITE_YML)
    pieces = [piece(i) for i in range(70)]
    for i, fields in enumerate(pieces):
        site.add_article(f"piece-{i}", **fields, **({"event": EVENT} if i in (7, 8) else {}))
    assert run("build", "--site", site.root, "-q").code == 0
    page = site.page("timeline/")
    months = column_counts(svg(page, "timeline"), STANCES)
    assert sum(sum(c.values()) for c in months.values()) == 70
    assert not page.xpath("//ol[@class='timeline']")
    links = page.xpath("//ul[@class='month-index']//a/@href")
    assert len(links) == len({p["date"][:7] for p in pieces})
    listed = sum(len(site.page(href.lstrip("/")).xpath("//ol[@class='timeline']/li")) for href in links)
    assert listed == 70
    (span,) = svg(page, "timeline").xpath("./rect[@class='span']")
    assert "Summit" in span.xpath("./title")[0].text


def test_the_claims_page_counts_verdicts_and_a_claim_page_shows_outlets_by_role(site, run):
    _claims_site(site)
    assert run("build", "--site", site.root, "-q").code == 0
    verdicts = ["supported", "disputed", "false", "unverified", "opinion"]
    counts = share_counts(svg(site.page("claims/"), "verdicts"), verdicts, 2)
    assert counts == Counter({"supported": 1, "false": 1})
    cells = {}
    for marker in svg(site.page("claims/strikes-hit/"), "roles").xpath("./svg"):
        outlet, role, n = re.fullmatch(r"(.+) (\w+): (\d+)", marker.xpath("./title")[0].text).groups()
        cells[(outlet, role)] = int(n)
    assert cells == {("Red Daily", "makes"): 1, ("Red Daily", "reports"): 1, ("Blue Wire", "disputes"): 1}


# --- the blindspot --------------------------------------------------------------------------------

def test_the_bundled_collections_event_notes_its_blindspot(tmp_path, run):
    site = Site(tmp_path / "site")
    site.root.mkdir()
    shutil.copy(REPO / "site.yml", site.root / "site.yml")
    shutil.copytree(REPO / "content", site.root / "content")
    assert run("build", "--site", site.root, "-q").code == 0
    page = site.page("events/2015-10-07-hama-ground-offensive/")
    note = page.xpath("//p[@class='blindspot']")[0].text_content()
    assert "none of its 2 pieces from the critical side" in note
    stances = ["pro-kremlin", "leans-pro-kremlin", "mixed", "leans-critical", "critical"]
    assert share_counts(svg(page, "coverage"), stances, 2) == Counter({"pro-kremlin": 1, "mixed": 1})


@pytest.mark.parametrize("options, stances, expected", [
    ("", ["pro-kremlin", "mixed"], "none of its 2 pieces from the critical side"),
    ("", ["pro-kremlin", "critical"], None),
    ("blindspot: outlet\n", ["pro-kremlin", "mixed"], None),
    ("blindspot: never\n", ["pro-kremlin", "pro-kremlin"], None),
    ("", ["pro-kremlin", "pro-kremlin"], "none of its 2 pieces from the critical side"),
    ("blindspot_share: 50\n", ["pro-kremlin", "pro-kremlin", "critical", "mixed"], None),
    ("blindspot_share: 40\n", ["pro-kremlin", "pro-kremlin", "critical", "pro-kremlin", "mixed"],
     "only 1 of its 5 pieces from the critical side"),
])
def test_the_blindspot_rule_is_site_yml_s(site, run, options, stances, expected):
    site.write("site.yml", SITE_YML + options)
    for i, stance in enumerate(stances):
        site.add_article(f"e{i}", outlet=OUTLETS[i % 2], stance=stance, event=EVENT)
    assert run("build", "--site", site.root, "-q").code == 0
    note = site.page(f"events/{EVENT}/").xpath("//p[@class='blindspot']")
    if expected is None:
        assert not note
    else:
        assert expected in note[0].text_content()


def test_one_outlet_alone_is_a_blindspot_unless_the_rule_is_off(site, run):
    for i, stance in enumerate(["pro-kremlin", "critical"]):
        site.add_article(f"e{i}", outlet="Red Daily", stance=stance, event=EVENT)
    assert run("build", "--site", site.root, "-q").code == 0
    note = site.page(f"events/{EVENT}/").xpath("//p[@class='blindspot']")[0].text_content()
    assert "all 2 pieces on this event come from one outlet, Red Daily" in note


# --- incremental, size, safety --------------------------------------------------------------------

def test_an_edit_redraws_only_the_charts_that_show_the_piece(site, run):
    for i in range(8):
        site.add_article(f"p{i}", **piece(i))
    assert run("build", "--site", site.root, "-q").code == 0
    pages = {name: site.build_dir / "outlets" / name / "index.html" for name in ("red-daily", "blue-wire")}
    before = {name: (path.stat().st_ino, path.read_bytes()) for name, path in pages.items()}
    edited = site.root / "content/articles/p0.md"  # Red Daily's: moved to another month
    edited.write_text(edited.read_text().replace(f"date: {piece(0)['date']}", "date: 2016-12-01"))
    assert run("build", "--site", site.root, "-q").code == 0
    assert pages["blue-wire"].stat().st_ino == before["blue-wire"][0]  # not rendered again
    assert pages["red-daily"].read_bytes() != before["red-daily"][1]
    assert "2016-12-01" in pages["red-daily"].read_text()  # its marker on the time axis


def test_hostile_names_stay_text_inside_the_pictures(site, run):
    hostile = "<script>alert(1)</script>"
    site.add_article("h1", outlet=f"'{hostile}'", tags=[f"'{hostile}'"], stance="mixed")
    site.add_article("h2", outlet="Other", stance="mixed", date="2016-03-01")
    assert run("build", "--site", site.root, "-q").code == 0
    home = (site.build_dir / "index.html").read_text()
    assert "<script>alert" not in home and "&lt;script&gt;alert(1)" in home


def test_the_heaviest_bundled_page_with_its_css_weighs_under_30_kb_gzipped(tmp_path, run):
    site = Site(tmp_path / "site")
    site.root.mkdir()
    shutil.copy(REPO / "site.yml", site.root / "site.yml")
    shutil.copytree(REPO / "content", site.root / "content")
    assert run("build", "--site", site.root, "-q").code == 0
    css = sum(len(gzip.compress(path.read_bytes(), 9)) for path in (site.build_dir / "static").glob("style.*.css"))
    heaviest = max(len(gzip.compress(path.read_bytes(), 9)) for path in site.build_dir.rglob("*.html"))
    assert heaviest + css < 30 * 1024


def test_a_time_axis_of_10000_pieces_stays_small_and_counts_every_piece(tmp_path):
    """The timeline's chart at N=10,000 (the page itself is measured in bench/README.md): per month,
    twelve events drawn of 3,000, and a few kilobytes compressed."""
    from types import SimpleNamespace

    from site_builder.charts import over_time
    from site_builder.config import load_config
    from site_builder.i18n import interface_for
    from site_builder.render import default_theme_dir

    (tmp_path / "site.yml").write_text(SITE_YML)
    config = load_config(tmp_path)
    pieces = [SimpleNamespace(date=date(2015, 1, 1) + timedelta(days=(i * 7919) % 1826), stance=STANCES[i % 3],
                              title=f"Piece {i}") for i in range(10_000)]
    events = [SimpleNamespace(key=f"e{i}", title=f"Event {i}", start=None, end=None, articles=pieces[i:i + 2 + i % 3])
              for i in range(0, 9000, 3)]
    english = interface_for("en", [default_theme_dir()])
    chart = over_time("timeline", "Pieces over time", pieces, config, english, events)
    assert chart.heading == "Month" and chart.total == 10_000 and len(chart.spans) == 12
    picture = chart.svg()
    assert len(gzip.compress(picture.encode(), 9)) < 8 * 1024
    assert sum(int(n) for n in re.findall(r"<title>[^<]*: (\d+) pieces</title>", picture)) == 10_000
