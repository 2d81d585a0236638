"""Corrections: the editors' dated record of what they changed, from what to what, and why.

A correction is data, an entry of `corrections:` in a piece's front matter or an outlet's profile
(schema.CORRECTION_FIELDS), never a silent edit: the page shows it beside the field it changed, the
site lists every one in /corrections/ and its feed, a claim's ClaimReview says when it was last
modified, and `check` can tell a recorded change of a verdict from a silent one
(site_builder.published). Here: the entry as pages show it, the check that its `field` names
something the piece or profile has, and the site-wide log, newest first.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from datetime import date
from typing import Any, Iterable, Sequence

from site_builder import problem_codes as codes
from site_builder.errors import Problem
from site_builder.fields import Invalid, IsoDate
from site_builder.markup import MarkdownRenderer
from site_builder.schema import ANNOTATION_FIELDS, ARTICLE_FIELDS, CLAIM_FIELDS
from site_builder.yamlsource import SourceMapping

# What a piece's correction may name: its front-matter keys but those that are not the editors'
# statements to readers (the record itself, drafts, what import writes), and its editorial notes.
NOT_CORRECTED = frozenset({"corrections", "claims", "annotations", "draft", "provenance", "word_count"})
ARTICLE_KEYS = tuple(f.name for f in ARTICLE_FIELDS if f.name not in NOT_CORRECTED) + ("notes",)
CLAIM_KEYS = tuple(f.name for f in CLAIM_FIELDS if f.name != "id")
ANNOTATION_KEYS = ("quote", "note", "kind", "by", "tags")


@dataclass(frozen=True)
class Correction:
    """One entry of a `corrections:` list, its Markdown rendered and sanitised."""

    number: int  # its place in its list, from 1: its address on the page, `#correction-<number>`
    date: date
    kind: str  # correction | clarification | update
    field: str  # what changed: `stance`, `claims.<id>.verdict`, `annotations.<id>`, `notes`, ...
    was_html: str
    now_html: str
    why_html: str
    evidence: tuple[str, ...]
    line: int = 0

    def touches(self, name: str) -> bool:
        """True when it corrects `name` or a part of it (`claims.x` is touched by `claims.x.verdict`)."""
        return self.field == name or self.field.startswith(name + ".")

    @property
    def claim_id(self) -> str:
        """The claim it corrects (`claims.<id>...`), or ""."""
        parts = self.field.split(".")
        return parts[1] if len(parts) > 1 and parts[0] == "claims" else ""


@dataclass(frozen=True)
class Correctable:
    """What a correction's `field` may name: plain keys, and the claims and annotations it holds."""

    keys: tuple[str, ...]
    claims: tuple[str, ...] = ()
    annotations: tuple[str, ...] = ()
    what: str = "this piece"  # as messages name it

    def names(self) -> list[str]:
        """Every name a `field` may be (for the hint when one names nothing)."""
        found = list(self.keys)
        for claim in self.claims:
            found += [f"claims.{claim}", *(f"claims.{claim}.{key}" for key in CLAIM_KEYS)]
        for annotation in self.annotations:
            found += [f"annotations.{annotation}", *(f"annotations.{annotation}.{key}" for key in ANNOTATION_KEYS)]
        return found

    def __contains__(self, field: str) -> bool:
        head, _, rest = field.partition(".")
        if not rest:
            return head in self.keys
        name, _, key = rest.partition(".")
        if head == "claims":
            return name in self.claims and (not key or key in CLAIM_KEYS)
        if head == "annotations":
            return name in self.annotations and (not key or key in ANNOTATION_KEYS)
        return False


def read_corrections(items: Sequence[dict[str, Any] | None], source: SourceMapping, shown: str,
                     renderer: MarkdownRenderer, correctable: Correctable,
                     today: date | None = None) -> tuple[tuple[Correction, ...], list[Problem]]:
    """The entries the schema accepted (a bad one is None: its problems are reported already),
    rendered, with a problem for each `field` that names nothing and each date after `today`
    (in a bad entry too: every problem at once)."""
    today = today or date.today()
    raw = source.values.get("corrections")
    problems = [problem for index, entry in enumerate(raw if isinstance(raw, list) else [])
                if isinstance(entry, dict) for problem in _entry_problems(entry, index, source, shown, correctable, today)]
    corrections = tuple(Correction(
        number=index + 1, date=item["date"], kind=item["kind"], field=item["field"],
        was_html=renderer.render_inline(item["was"]) if item["was"] else "",
        now_html=renderer.render_inline(item["now"]) if item["now"] else "",
        why_html=renderer.render(item["why"]).html, evidence=item["evidence"],
        line=source.line_of("corrections", index)) for index, item in enumerate(items or ()) if item is not None)
    return corrections, problems


def _entry_problems(entry: dict, index: int, source: SourceMapping, shown: str, correctable: Correctable,
                    today: date) -> list[Problem]:
    where = f"`corrections`: item {index + 1}: "
    problems = []
    named = entry.get("field")
    if isinstance(named, str) and named.strip() and named.strip() not in correctable:
        problems.append(Problem(shown, source.line_of("corrections", index, "field"),
                                f"{where}`field`: `{named.strip()}` names nothing in {correctable.what}",
                                _field_hint(named.strip(), correctable), code=codes.CORRECTION_FIELD_UNKNOWN))
    try:
        day = IsoDate().convert(entry.get("date"), {})
    except Invalid:
        return problems  # the schema says why
    if day > today:
        problems.append(Problem(shown, source.line_of("corrections", index, "date"),
                                f"{where}`date`: {day.isoformat()} is after today ({today.isoformat()})",
                                "write the day the editors made the change", code=codes.CORRECTION_IN_FUTURE))
    return problems


def _field_hint(field: str, correctable: Correctable) -> str:
    head, _, rest = field.partition(".")
    claim = rest.partition(".")[0]
    if head == "claims" and claim and claim not in correctable.claims:
        carried = ", ".join(f"`{c}`" for c in correctable.claims) or "none"
        return (f"this piece does not carry the claim `{claim}` (it carries: {carried}); record a claim's "
                "correction in the piece that declares it")
    if head == "annotations" and rest and rest.partition(".")[0] not in correctable.annotations:
        declared = ", ".join(f"`{a}`" for a in correctable.annotations) or "none"
        return f"no annotation of this piece has that id (declared: {declared}); give the annotation an `id:`"
    close = difflib.get_close_matches(field, correctable.names(), n=1, cutoff=0.6)
    if close:
        return f"did you mean `{close[0]}`?"
    others = ", `claims.<id>.verdict` or `annotations.<id>`" if correctable.what == "this piece" else ""
    return "name one of its keys (" + ", ".join(f"`{k}`" for k in correctable.keys) + f"){others}"


# --- the site-wide log ------------------------------------------------------------------------------

@dataclass(frozen=True)
class LoggedCorrection:
    """A correction as the site-wide log shows it: what it corrects and where it is shown."""

    correction: Correction
    subject: str  # "piece", "claim" or "outlet"
    title: str  # the piece's title, the claim's text or the outlet's name
    page: str  # the page that shows it, inside the site (`articles/x/`)
    anchor: str  # its id on that page (`correction-2`)
    recorded_in: str = ""  # for a claim's: the title of the piece whose front matter holds it

    @property
    def link(self) -> str:
        return f"{self.page}#{self.anchor}"


def corrections_log(entries: Iterable[LoggedCorrection]) -> tuple[LoggedCorrection, ...]:
    """Newest first; on one day, by what they correct, the later entry of one list first."""
    return tuple(sorted(entries, key=lambda e: (-e.correction.date.toordinal(), e.title.casefold(), e.page,
                                                -e.correction.number)))


def latest(corrections: Iterable[Correction]) -> date | None:
    """The date of the newest of `corrections` (a claim's ClaimReview `dateModified`), None if none."""
    return max((c.date for c in corrections), default=None)
