"""content/events.yml: the editors' own title, description and dates for each event.

Articles group themselves into events by a shared `event:` key; this file says what the story is,
in the editors' words, so an event page is not titled from its key alone. One mapping keyed by
the event key, validated like outlets.yml (the same field declarations, a line for every mistake).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from site_builder import problem_codes as codes
from site_builder.config import SiteConfig
from site_builder.errors import Problem
from site_builder.fields import Field, Invalid, IsoDate, Markdown, Slug, Text, validate
from site_builder.markup import MarkdownRenderer
from site_builder.reader import wikilinks_in
from site_builder.yamlsource import SourceMapping, load_mapping_file

EVENTS_FILE = "content/events.yml"

EVENT_FIELDS: tuple[Field, ...] = (
    Field("title", Text(), "The story in a few words, as the event page and lists name it.", default=""),
    Field("description", Markdown(), "What happened, in a sentence or two: the editors' words, shown as theirs.",
          default=""),
    Field("start", IsoDate(), "The day the story began (YYYY-MM-DD).", default=None),
    Field("end", IsoDate(), "The day it ended, for a story that lasted more than a day; needs `start`.", default=None),
)


@dataclass(frozen=True)
class EventProfile:
    key: str
    title: str
    description_html: str
    start: date | None
    end: date | None
    line: int
    wikilinks: tuple[tuple[str, int], ...] = ()  # (slug, line) in the description: checked by the collection


def read_events(config: SiteConfig, renderer: MarkdownRenderer) -> tuple[dict[str, EventProfile] | None, list[Problem]]:
    """Profiles by event key; None when the site keeps no events.yml (profiles are optional)."""
    source, problems = load_mapping_file(config.root, EVENTS_FILE)
    if source is None:
        return None, []
    profiles = {}
    for key, value in source.values.items():
        profile, found = _profile(source, key, value, renderer)
        problems += found
        if profile is not None:
            profiles[profile.key] = profile
    return profiles, problems


def _profile(source: SourceMapping, key: str, value: object,
             renderer: MarkdownRenderer) -> tuple[EventProfile | None, list[Problem]]:
    line = source.line_of(key)
    try:
        key = Slug().convert(key, {})  # as an article's `event:` is read, or the two never match
    except Invalid as error:
        return None, [Problem(EVENTS_FILE, line, f"event key {error.message}", error.hint, code=error.code)]
    if value is not None and not isinstance(value, dict):
        return None, [Problem(EVENTS_FILE, line, f"`{key}`: expected indented `key: value` lines",
                              "indent " + ", ".join(f.name for f in EVENT_FIELDS) + " under the event's key",
                              code=codes.NOT_KEY_VALUE_BLOCK)]
    child = source.child(key)
    values, problems = validate(child, EVENT_FIELDS, EVENTS_FILE)
    problems += _dates_in_order(values, child)
    text = values["description"]
    description = renderer.render(text).html if text else ""
    links = tuple(wikilinks_in(text, child.line_of("description")))
    return EventProfile(key, values["title"], description, values["start"], values["end"], line, links), problems


def _dates_in_order(values: dict, source: SourceMapping) -> list[Problem]:
    """A range needs its start, and must not end before it starts (a swapped pair, usually)."""
    start, end = values["start"], values["end"]
    if end is None:
        return []
    if start is None:
        values["end"] = None
        return [Problem(EVENTS_FILE, source.line_of("end"), "`end` without `start`",
                        "add `start:` (YYYY-MM-DD), or write a one-day event as `start:` alone",
                        code=codes.EVENT_DATES)]
    if end < start:
        values["end"] = None
        return [Problem(EVENTS_FILE, source.line_of("end"), f"`end` ({end}) is before `start` ({start})",
                        "swap the two dates, or correct the one mistyped", code=codes.EVENT_DATES)]
    return []
