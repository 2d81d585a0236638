"""The collection's distributions as pictures: the figures, and the SVG that draws them.

Every chart is computed here from the pieces a page already shows (an event's, an outlet's, a
claim's, or the whole collection for the lists), so a page's dependency key (incremental.py)
covers its charts: stance, date, outlet, event, claims and tags are all in a piece's summary.

No chart library: the ones on PyPI either ship script (plotly, pygal's tooltips), fill series
with fixed colours only (leather, pygal), or write heavy SVG (matplotlib), and none draws a
series by pattern or shape with colours a theme restyles. The SVG written here is small and
plain: series are told apart by pattern (bars) or shape (markers) as well as colour, colours are
CSS custom properties (`--chart-1` …, light and dark in style.css), and horizontal positions are
percentages of the width while text keeps its size, so a chart fills any width down to a 360 px
phone without shrinking its words. Each chart's `<title>` states its figures; the theme prints
the same figures beside it as a table (`_charts.html`), for screen readers and readers without CSS.
Those sentences are in the interface's language (`words`): their strings are in the theme's
catalogues (site_builder.catalogues extracts `_()` and `ngettext` from this module), and their
numbers and dates are written as its locale writes them.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Iterable, Sequence

from markupsafe import Markup, escape

from site_builder.config import SiteConfig
from site_builder.i18n import Interface
from site_builder.reader import Article

def _(message: str) -> str:
    """Marks a string for the catalogues: it is translated where it is used, by `words.gettext`."""
    return message


def ngettext(singular: str, plural: str, count: int) -> tuple[str, str]:
    """Marks a plural pair for the catalogues; `words.ngettext(*pair, n)` says it."""
    return singular, plural


# What a series or unit is called, for the keys of ours (the stances and verdicts are the editors' words).
SERIES_NAMES = {"unassessed": _("unassessed"), "no verdict yet": _("no verdict yet"), "makes": _("makes"),
                "reports": _("reports"), "disputes": _("disputes"), "pieces": _("pieces")}
PIECES = ngettext("%(num)s piece", "%(num)s pieces", 0)
CLAIMS = ngettext("%(num)s claim", "%(num)s claims", 0)

STYLES = 6  # patterns (and marker shapes) before they repeat; the colours are --chart-1 … --chart-6
UNASSESSED = "unassessed"
ROLES = ("makes", "reports", "disputes")
MAX_BUCKETS = 72  # columns on a time axis: the finest of week, month, year that fits
MAX_POINTS = 60  # up to this many pieces, a time axis marks each piece; beyond, it counts them per period
MAX_STACK = 8  # …unless more than this many share a period (markers would pile off the chart)
MAX_SPANS = 12  # events drawn on the timeline: the ones with most pieces
TOP = 10  # outlets and tags on the home page
LABEL_CHARS = 34  # an SVG label is cut here (the table beside it has the whole name)

PATTERNS = (  # one tile per style: solid, diagonal, dots, horizontal, cross-hatch, vertical
    "",
    '<path d="M0 6L6 0M-1 1L1 -1M5 7L7 5" class="k"/>',
    '<circle cx="3" cy="3" r="1.4" class="f"/>',
    '<path d="M0 1.5H6M0 4.5H6" class="k"/>',
    '<path d="M0 0L6 6M6 0L0 6" class="k"/>',
    '<path d="M1.5 0V6M4.5 0V6" class="k"/>',
)
SHAPES = (  # a marker per style, drawn in a 12 × 12 box: circle, square, triangle, diamond, triangle down, cross
    '<circle cx="6" cy="6" r="5"/>',
    '<rect x="1" y="1" width="10" height="10"/>',
    '<path d="M6 0L12 11H0Z"/>',
    '<path d="M6 0L12 6L6 12L0 6Z"/>',
    '<path d="M0 1H12L6 12Z"/>',
    '<path d="M0 3L3 0L6 3L9 0L12 3L9 6L12 9L9 12L6 9L3 12L0 9L3 6Z"/>',
)


@dataclass(frozen=True)
class Series:
    """One category a chart counts: a stance, a verdict or a claim's role, in the declared order."""

    key: str
    style: int  # which pattern, shape and colour (0 … STYLES-1; -1: the neutral one, for "unassessed")


@dataclass(frozen=True)
class Row:
    """One bar (or period, or matrix row): its label and its count per series."""

    label: str
    counts: tuple[int, ...]
    href: str = ""
    start: date | None = None  # a period's first day (time charts)
    end: date | None = None  # the day after its last

    @property
    def total(self) -> int:
        return sum(self.counts)


@dataclass(frozen=True)
class Span:
    """An event on a time axis: from its first day to the day after its last."""

    label: str
    start: date
    end: date
    pieces: int
    href: str = ""

    @property
    def last(self) -> date:
        return self.end - timedelta(days=1)


@dataclass(frozen=True)
class Point:
    """One piece on a time axis, when there are few enough to mark each."""

    day: date
    style: int
    label: str


@dataclass(frozen=True)
class Chart:
    """A chart's figures. `kind` is how it is drawn: `share` (one bar of proportions), `rows`
    (a bar per row), `time` (periods or pieces on a time axis) or `matrix` (rows × series)."""

    id: str  # unique on its page
    kind: str
    title: str  # what it shows, with its figures: the SVG's <title>
    heading: str  # what the rows are (the table's first column)
    series: tuple[Series, ...]
    rows: tuple[Row, ...]
    unit: str = "pieces"
    spans: tuple[Span, ...] = ()
    points: tuple[Point, ...] = ()
    words: Interface | None = field(default=None, compare=False)  # the language its SVG's words are in

    @property
    def total(self) -> int:
        return sum(row.total for row in self.rows)

    @property
    def totals(self) -> tuple[int, ...]:
        """Each series' count over every row."""
        return tuple(sum(column) for column in zip(*(row.counts for row in self.rows))) or (0,) * len(self.series)

    def svg(self) -> Markup:
        return Markup(DRAW[self.kind](self))


# ---------------------------------------------------------------------------------------------
# The figures
# ---------------------------------------------------------------------------------------------

def stance_series(articles: Iterable[Article], config: SiteConfig) -> tuple[Series, ...]:
    """The declared stances in order, then "unassessed" if a piece has none."""
    series = tuple(Series(key, index % STYLES) for index, key in enumerate(config.stances))
    if any(not article.stance for article in articles):
        series += (Series(UNASSESSED, -1),)
    return series


def _stance_counts(articles: Iterable[Article], series: Sequence[Series]) -> tuple[int, ...]:
    counts = Counter(article.stance or UNASSESSED for article in articles)
    return tuple(counts[s.key] for s in series)


def by_stance(chart_id: str, title: str, articles: Sequence[Article], config: SiteConfig, words: Interface) -> Chart:
    """One bar of the pieces' stances, in site.yml's order (an event's coverage, an outlet's lean)."""
    series = stance_series(articles, config)
    counts = _stance_counts(articles, series)
    rows = tuple(Row(s.key, tuple(n if i == j else 0 for j in range(len(series))))
                 for i, (s, n) in enumerate(zip(series, counts)))
    return Chart(chart_id, "share", _sentence(title, series, counts, words), "Stance", series, rows, words=words)


def by_verdict(claims: Sequence, config: SiteConfig, words: Interface) -> Chart:
    """The claims' verdicts at a glance, in site.yml's order (then "no verdict yet")."""
    keys = list(config.verdicts)
    series = tuple(Series(key, index % STYLES) for index, key in enumerate(keys))
    counts = Counter(claim.verdict or "" for claim in claims)
    if counts[""]:
        series += (Series("no verdict yet", -1),)
    values = tuple(counts[s.key if s.style >= 0 else ""] for s in series)
    rows = tuple(Row(s.key, tuple(n if i == j else 0 for j in range(len(series))))
                 for i, (s, n) in enumerate(zip(series, values)))
    title = words.gettext("Claims by verdict")
    return Chart("verdicts", "share", _sentence(title, series, values, words, CLAIMS), "Verdict", series, rows,
                 unit="claims", words=words)


def by_outlet(articles: Sequence[Article], config: SiteConfig, outlets, url, words: Interface) -> Chart:
    """The outlets with most pieces (TOP), each bar by stance."""
    series = stance_series(articles, config)
    ranked = sorted(outlets, key=lambda outlet: (-len(outlet.articles), outlet.name))[:TOP]
    rows = tuple(Row(o.name, _stance_counts(o.articles, series), url(f"outlets/{o.slug}/")) for o in ranked)
    figures = _list(words, (f"{row.label} {words.number(row.total)}" for row in rows))
    if len(outlets) > TOP:
        title = words.ngettext("The %(num)s outlet with most pieces, by stance: %(figures)s.",
                               "The %(num)s outlets with most pieces, by stance: %(figures)s.", len(rows), figures=figures)
    else:
        title = words.gettext("Pieces per outlet, by stance: %(figures)s.", figures=figures)
    return Chart("outlets", "rows", title, "Outlet", series, rows, words=words)


def by_tag(tags, url, words: Interface) -> Chart:
    """The tags on most pieces (TOP)."""
    ranked = sorted(tags, key=lambda tag: (-len(tag.articles), tag.name))[:TOP]
    series = (Series("pieces", -1),)
    rows = tuple(Row(t.name, (len(t.articles),), url(f"tags/{t.slug}/")) for t in ranked)
    title = words.gettext("Top tags: %(figures)s.",
                          figures=_list(words, (f"{row.label} {words.number(row.total)}" for row in rows)))
    return Chart("tags", "rows", title, "Tag", series, rows, words=words)


def by_role(claim, words: Interface) -> Chart:
    """Which outlets make, report or dispute a claim: pieces per outlet and role."""
    series = tuple(Series(role, index) for index, role in enumerate(ROLES))
    counts: dict[str, Counter] = {}
    for appearance in claim.appearances:
        counts.setdefault(appearance.article.outlet or words.gettext("Outlet unknown"), Counter())[appearance.role] += 1
    rows = tuple(Row(outlet, tuple(c[role] for role in ROLES)) for outlet, c in sorted(counts.items()))
    title = words.gettext("Pieces per outlet and role: %(figures)s.", figures=_list(words, (
        f"{row.label}: " + words.gettext(", ").join(f"{series_name(role, words)} {words.number(n)}"
                                                    for role, n in zip(ROLES, row.counts) if n) for row in rows)))
    return Chart("roles", "matrix", title, "Outlet", series, rows, words=words)


def over_time(chart_id: str, title: str, articles: Sequence[Article], config: SiteConfig, words: Interface,
              events: Sequence = (), url=None) -> Chart | None:
    """The dated pieces on a time axis by period (week, month or year: the finest that fits),
    stance-marked; each piece marked on its own when few. `events` are drawn as spans (the
    MAX_SPANS with most pieces). None when no piece is dated."""
    dated = sorted((a for a in articles if a.date), key=lambda a: a.date)
    if not dated:
        return None
    series = stance_series(dated, config)
    spans = _spans(events, url)
    first = min([dated[0].date] + [s.start for s in spans])
    last = max([dated[-1].date] + [s.end - timedelta(days=1) for s in spans])
    unit = period_unit(first, last)
    buckets: dict[date, list[Article]] = {}
    for article in dated:
        buckets.setdefault(period_start(article.date, unit), []).append(article)
    rows, start = [], period_start(first, unit)
    while start <= last:
        end = next_period(start, unit)
        rows.append(Row(period_label(start, unit, words), _stance_counts(buckets.get(start, ()), series), "", start, end))
        start = end
    points = ()
    if len(dated) <= MAX_POINTS and max(len(b) for b in buckets.values()) <= MAX_STACK:
        style = {s.key: s.style for s in series}
        points = tuple(Point(a.date, style[a.stance or UNASSESSED],
                             f"{a.title} ({series_name(a.stance or UNASSESSED, words)})") for a in dated)
    sentence = _time_sentence(title, unit, dated, rows, series, spans, words)
    return Chart(chart_id, "time", sentence, unit.capitalize(), series, tuple(rows), spans=spans, points=points,
                 words=words)


def _time_sentence(title: str, unit: str, dated: Sequence[Article], rows: Sequence[Row], series: Sequence[Series],
                   spans: Sequence[Span], words: Interface) -> str:
    """What a time chart shows, in words: its span, its busiest period, its stances and events."""
    busiest = max(rows, key=lambda row: row.total)
    by_unit = {"week": _("%(title)s, by week"), "month": _("%(title)s, by month"), "year": _("%(title)s, by year")}
    most = {"week": _("the most in one week: %(count)s (%(period)s)"),
            "month": _("the most in one month: %(count)s (%(period)s)"),
            "year": _("the most in one year: %(count)s (%(period)s)")}
    parts = [words.gettext(by_unit[unit], title=title) + words.gettext(": ")
             + words.gettext("%(count)s from %(first)s to %(last)s", count=words.ngettext(*PIECES, len(dated)),
                             first=rows[0].label, last=rows[-1].label)
             + words.gettext("; ") + words.gettext(most[unit], count=words.number(busiest.total), period=busiest.label),
             words.gettext("By stance: %(figures)s", figures=_shares(series, _stance_counts(dated, series), words))]
    if spans:
        parts.append(words.gettext("Events: %(events)s", events=words.gettext("; ").join(s.label for s in spans)))
    return words.gettext(". ").join(parts) + words.gettext(".")


def _spans(events: Sequence, url) -> tuple[Span, ...]:
    dated = [e for e in events if e.start or e.articles and any(a.date for a in e.articles)]
    ranked = sorted(dated, key=lambda e: (-len(e.articles), e.key))[:MAX_SPANS]
    spans = []
    for event in sorted(ranked, key=lambda e: (_event_days(e)[0], e.key)):
        first, last = _event_days(event)
        spans.append(Span(event.title, first, last + timedelta(days=1), len(event.articles),
                          url(f"events/{event.key}/") if url else ""))
    return tuple(spans)


def _event_days(event) -> tuple[date, date]:
    """An event's first and last day: the editors' dates, else its pieces'."""
    days = [a.date for a in event.articles if a.date]
    first = event.start or min(days)
    last = event.end or max(days + [first])
    return first, max(first, last)


def period_unit(first: date, last: date) -> str:
    for unit in ("week", "month", "year"):
        if _periods_between(first, last, unit) <= MAX_BUCKETS:
            return unit
    return "year"


def _periods_between(first: date, last: date, unit: str) -> int:
    if unit == "week":
        return (period_start(last, unit) - period_start(first, unit)).days // 7 + 1
    if unit == "month":
        return (last.year - first.year) * 12 + last.month - first.month + 1
    return last.year - first.year + 1


def period_start(day: date, unit: str) -> date:
    if unit == "week":
        return day - timedelta(days=day.weekday())  # weeks start on Monday (ISO 8601)
    if unit == "month":
        return day.replace(day=1)
    return day.replace(month=1, day=1)


def next_period(start: date, unit: str) -> date:
    if unit == "week":
        return start + timedelta(days=7)
    if unit == "month":
        return date(start.year + start.month // 12, start.month % 12 + 1, 1)
    return date(start.year + 1, 1, 1)


def period_label(start: date, unit: str, words: Interface) -> str:
    """`week of 5 Oct 2015`, `Oct 2015`, `2015`, in the interface's language."""
    if unit == "week":
        return words.gettext("week of %(date)s", date=words.day(start) + " " + str(start.year))
    return words.short_month(start) if unit == "month" else str(start.year)


def series_name(key: str, words: Interface) -> str:
    """A series as readers see it: our own keys translated, the editors' stances and verdicts as they wrote them."""
    return words.gettext(SERIES_NAMES[key]) if key in SERIES_NAMES else key


def _shares(series: Sequence[Series], counts: Sequence[int], words: Interface) -> str:
    return words.gettext(", ").join(f"{series_name(s.key, words)} {words.number(n)}" for s, n in zip(series, counts))


def _list(words: Interface, items: Iterable[str]) -> str:
    return words.gettext("; ").join(items)


def _sentence(title: str, series: Sequence[Series], counts: Sequence[int], words: Interface,
              unit: tuple[str, str] = PIECES) -> str:
    return words.gettext("%(title)s: %(count)s; %(figures)s.", title=title, count=words.ngettext(*unit, sum(counts)),
                         figures=_shares(series, counts, words))


def blindspot(articles: Sequence[Article], config: SiteConfig, words: Interface) -> str:
    """The note an event page shows when its coverage has a blindspot (site.yml `blindspot`), else "".

    `sides`: the stances, in their declared order, run from one side of a scale to the other (the
    middle one of an odd number is on neither side); a side that has at most `blindspot_share`
    per cent of the pieces, while the other has more, is missing. Any rule but `never`: every
    piece from one outlet."""
    if config.blindspot == "never" or not articles:
        return ""
    outlets = {article.outlet for article in articles}
    if len(articles) > 1 and len(outlets) == 1:
        return words.ngettext("all %(num)s piece on this event comes from one outlet, %(outlet)s.",
                              "all %(num)s pieces on this event come from one outlet, %(outlet)s.", len(articles),
                              outlet=next(iter(outlets)) or words.gettext("outlet unknown"))
    if config.blindspot != "sides":
        return ""
    stances = list(config.stances)
    half = len(stances) // 2
    sides = (stances[:half], stances[len(stances) - half:])
    counts = [sum(a.stance in side for a in articles) for side in sides]
    names = (sides[0][0] if half else "", sides[1][-1] if half else "")
    for missing, present in ((0, 1), (1, 0)):
        if half and 100 * counts[missing] / len(articles) <= config.blindspot_share < 100 * counts[present] / len(articles):
            return _missing_side(counts[missing], counts[present], len(articles), names[missing], names[present],
                                 sides[missing], words)
    return ""


def _missing_side(few: int, many: int, total: int, missing: str, present: str, stances: Sequence[str],
                  words: Interface) -> str:
    """The blindspot note of a side with few pieces: `only 1 of its 5 pieces from the critical side …`."""
    values = {"total": words.number(total), "missing": missing, "present": present,
              "stances": words.gettext(", ").join(stances), "few": words.number(few),
              "count": words.ngettext(*PIECES, many)}
    if not few:
        return words.ngettext("none of its %(total)s piece from the %(missing)s side of the stance scale "
                              "(%(stances)s); %(count)s from the %(present)s side.",
                              "none of its %(total)s pieces from the %(missing)s side of the stance scale "
                              "(%(stances)s); %(count)s from the %(present)s side.", total, **values)
    return words.ngettext("only %(few)s of its %(total)s piece from the %(missing)s side of the stance scale "
                          "(%(stances)s); %(count)s from the %(present)s side.",
                          "only %(few)s of its %(total)s pieces from the %(missing)s side of the stance scale "
                          "(%(stances)s); %(count)s from the %(present)s side.", total, **values)


# ---------------------------------------------------------------------------------------------
# The SVG
# ---------------------------------------------------------------------------------------------

def _pct(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".") + "%"


def _defs(chart: Chart) -> str:
    """The series' patterns, named after the chart (ids are unique on the page); the legend's
    swatches use them too."""
    tiles = []
    for s in chart.series:
        tile = PATTERNS[s.style] if s.style >= 0 else ""
        tiles.append(f'<pattern id="{chart.id}-p{s.style}" width="6" height="6" patternUnits="userSpaceOnUse" '
                     f'class="c{s.style}"><rect width="6" height="6" class="b"/>{tile}</pattern>')
    return "<defs>" + "".join(dict.fromkeys(tiles)) + "</defs>"


def _open(chart: Chart, height: int) -> str:
    return (f'<svg role="img" class="chart chart-{chart.kind}" height="{height}" width="100%">'
            f"<title>{escape(chart.title)}</title>{_defs(chart)}")


def _fill(chart: Chart, s: Series) -> str:
    return f'fill="url(#{chart.id}-p{s.style})"'


def _segments(chart: Chart, counts: Sequence[int], scale: float, y: int, height: int, label: str = "") -> str:
    """A stacked bar: a rect per series, `scale` per cent of the width per count."""
    parts, x = [], 0.0
    for s, n in zip(chart.series, counts):
        if n:
            what = f"{label}{series_name(s.key, chart.words)}: {chart.words.number(n)}"
            parts.append(f'<rect x="{_pct(x)}" width="{_pct(n * scale)}" y="{y}" height="{height}" '
                         f'{_fill(chart, s)}><title>{escape(what)}</title></rect>')
            x += n * scale
    return "".join(parts)


def _draw_share(chart: Chart) -> str:
    total = chart.total
    body = _segments(chart, chart.totals, 100 / total, 1, 26) if total else ""
    return _open(chart, 28) + '<rect width="100%" height="28" class="frame"/>' + body + "</svg>"


def _draw_rows(chart: Chart) -> str:
    top = max((row.total for row in chart.rows), default=0) or 1
    parts = [_open(chart, 34 * len(chart.rows) + 2)]
    for index, row in enumerate(chart.rows):
        y = 34 * index
        parts.append(f'<text x="0" y="{y + 13}">{escape(_cut(row.label))} · {chart.words.number(row.total)}</text>')
        parts.append(_segments(chart, row.counts, 100 / top, y + 18, 14, f"{row.label}, "))
    return "".join(parts) + "</svg>"


def _draw_matrix(chart: Chart) -> str:
    columns = (57, 73, 89)
    parts = [_open(chart, 24 + 24 * len(chart.rows))]
    parts += [f'<text x="{x}%" y="14" class="m">{escape(series_name(s.key, chart.words))}</text>'
              for x, s in zip(columns, chart.series)]
    for index, row in enumerate(chart.rows):
        y = 24 + 24 * index
        parts.append(f'<text x="0" y="{y + 16}">{escape(_cut(row.label, 26))}</text>'
                     f'<line x1="0" x2="100%" y1="{y + 0.5}" y2="{y + 0.5}" class="grid"/>')
        for x, s, n in zip(columns, chart.series, row.counts):
            if n:
                parts.append(f'<svg x="{x - 4}%" y="{y + 6}" width="12" height="12" class="c{s.style} o">'
                             f'<title>{escape(row.label)} {escape(series_name(s.key, chart.words))}: '
                             f'{chart.words.number(n)}</title>{SHAPES[s.style]}</svg>'
                             f'<text x="{x + 1}%" y="{y + 16}">{chart.words.number(n)}</text>')
    return "".join(parts) + "</svg>"


def _draw_time(chart: Chart) -> str:
    """Columns (or markers) on a date axis, events as spans in a lane above them."""
    first, last = chart.rows[0].start, chart.rows[-1].end
    days = (last - first).days or 1

    def x(day: date) -> float:
        return 100 * (day - first).days / days

    lane = 10 * len(chart.spans) + 4 if chart.spans else 0
    tallest = max((row.total for row in chart.rows), default=1) if chart.points else 0
    base = lane + (13 * tallest + 6 if chart.points else 120)
    height = base + 22
    parts = [_open(chart, height), f'<line x1="0" x2="100%" y1="{base + 0.5}" y2="{base + 0.5}" class="axis"/>']
    for index, span in enumerate(chart.spans):
        parts.append(f'<rect x="{_pct(x(span.start))}" width="{_pct(max(x(span.end) - x(span.start), 0.4))}" '
                     f'y="{10 * index + 1}" height="7" class="span"><title>{escape(_span_title(span, chart.words))}'
                     '</title></rect>')
    if chart.points:
        parts += _markers(chart, x, base)
    else:
        top = max(row.total for row in chart.rows) or 1
        parts.append(f'<text x="0" y="{lane + 12}" class="m">{chart.words.number(top)}</text>')
        for row in chart.rows:
            if row.total:
                parts.append(_column(chart, row, x(row.start), x(row.end) - x(row.start), base, 100 / top))
    parts += _ticks(chart, x, base)
    return "".join(parts) + "</svg>"


def _span_title(span: Span, words: Interface) -> str:
    return words.gettext("Event: %(event)s, %(count)s", event=span.label, count=words.ngettext(*PIECES, span.pieces))


def _column(chart: Chart, row: Row, left: float, width: float, base: int, scale: float) -> str:
    parts, y = [f'<g><title>{escape(row.label)}: {escape(chart.words.ngettext(*PIECES, row.total))}</title>'], float(base)
    for s, n in zip(chart.series, row.counts):
        if n:
            h = n * scale
            y -= h
            parts.append(f'<rect x="{_pct(left + width * 0.1)}" width="{_pct(width * 0.8)}" y="{y:.1f}" '
                         f'height="{h:.1f}" {_fill(chart, s)}/>')
    return "".join(parts) + "</g>"


def _markers(chart: Chart, x, base: int) -> list[str]:
    """A shape per piece, stacked upwards when several fall in one period."""
    stacked: Counter = Counter()
    parts = []
    for point in chart.points:
        row = next(r for r in chart.rows if r.start <= point.day < r.end)
        level = stacked[row.start]
        stacked[row.start] += 1
        parts.append(f'<svg x="{_pct(x(point.day))}" y="{base - 14 - 13 * level}" width="12" height="12" '
                     f'class="c{point.style} o" overflow="visible"><title>{escape(point.label)}, '
                     f'{escape(chart.words.long_date(point.day))}</title><g transform="translate(-6)">'
                     f'{SHAPES[max(point.style, 0)]}</g></svg>')
    return parts


def _ticks(chart: Chart, x, base: int) -> list[str]:
    """Year labels under the axis (or the first and last period when the axis spans one year)."""
    first, last = chart.rows[0].start, chart.rows[-1].end
    years = [date(year, 1, 1) for year in range(first.year + 1, last.year + 1) if date(year, 1, 1) < last]
    step = max(1, -(-len(years) // 5))  # at most about five labels: they must fit a phone
    parts = []
    for day in years[::step]:
        parts.append(f'<line x1="{_pct(x(day))}" x2="{_pct(x(day))}" y1="{base}" y2="{base + 6}" class="axis"/>'
                     f'<text x="{_pct(x(day))}" y="{base + 18}" class="m">{day.year}</text>')
    if not years:  # within a year: its first and last period, at either end
        parts.append(f'<text x="0" y="{base + 18}">{escape(chart.rows[0].label)}</text>')
        if len(chart.rows) > 1:
            parts.append(f'<text x="100%" y="{base + 18}" class="e">'
                         f'{escape(chart.rows[-1].label)}</text>')
    return parts


def _cut(label: str, chars: int = LABEL_CHARS) -> str:
    return label if len(label) <= chars else label[:chars - 1].rstrip() + "…"


DRAW = {"share": _draw_share, "rows": _draw_rows, "matrix": _draw_matrix, "time": _draw_time}


def swatch(chart: Chart, s: Series) -> Markup:
    """A legend's sample of a series: its pattern (bars) or shape (markers), from the chart's defs."""
    if chart.kind == "matrix" or (chart.kind == "time" and chart.points):
        return Markup(f'<svg class="swatch c{s.style} o" width="12" height="12" aria-hidden="true">'
                      f'{SHAPES[max(s.style, 0)]}</svg>')
    return Markup(f'<svg class="swatch" width="14" height="14" aria-hidden="true">'
                  f'<rect width="14" height="14" {_fill(chart, s)}/></svg>')
