"""content/outlets.yml: a profile of each outlet, so readers know who is speaking.

One mapping keyed by the outlet's name exactly as articles write it in `outlet:`. Validated with
the same schema mechanism as site.yml and front matter, with a line for every mistake.
"""

from __future__ import annotations

from dataclasses import dataclass

from site_builder import problem_codes as codes
from site_builder.config import SiteConfig
from site_builder.corrections import Correctable, Correction, read_corrections
from site_builder.errors import Problem
from site_builder.fields import Field, Markdown, Record, Text, TextList, Url, printable, validate
from site_builder.markup import MarkdownRenderer
from site_builder.schema import CORRECTION_FIELDS
from site_builder.yamlsource import load_mapping_file

OUTLETS_FILE = "content/outlets.yml"

OUTLET_FIELDS: tuple[Field, ...] = (
    Field("kind", Text(), "What kind of outlet it is (news agency, state broadcaster, blog, …).", default=""),
    Field("affiliation", Text(), "Ownership or affiliation, where established; `unknown` otherwise.", default=""),
    Field("leaning", Text(), "Its known editorial leaning, and who describes it so.", default=""),
    Field("url", Url(), "Its home page.", default=""),
    Field("notes", Markdown(), "What a reader should know about it, and what is uncertain.", default=""),
    Field("corrections", TextList(Record(CORRECTION_FIELDS)), "The editors' dated corrections of this profile, "
          "as in an article (`field`: one of the keys above); shown on the outlet's page and in /corrections/.",
          default=()),
)
PROFILE_CORRECTABLE = Correctable(tuple(f.name for f in OUTLET_FIELDS if f.name != "corrections"), what="this profile")


@dataclass(frozen=True)
class OutletProfile:
    name: str
    kind: str
    affiliation: str
    leaning: str
    url: str
    notes_html: str
    line: int
    corrections: tuple[Correction, ...] = ()


def read_outlets(config: SiteConfig, renderer: MarkdownRenderer) -> tuple[dict[str, OutletProfile] | None, list[Problem]]:
    """Profiles by outlet name; None when the site keeps no outlets.yml (profiles are optional)."""
    source, problems = load_mapping_file(config.root, OUTLETS_FILE)
    if source is None:
        return None, []
    profiles = {}
    for name, value in source.values.items():
        line = source.line_of(name)
        if value is not None and not isinstance(value, dict):
            problems.append(Problem(OUTLETS_FILE, line, f"`{name}`: expected indented `key: value` lines",
                                    "indent " + ", ".join(f.name for f in OUTLET_FIELDS) + " under the outlet's name",
                                    code=codes.NOT_KEY_VALUE_BLOCK))
            continue
        entry = source.child(name)
        values, found = validate(entry, OUTLET_FIELDS, OUTLETS_FILE)
        corrections, found_too = read_corrections(values["corrections"], entry, OUTLETS_FILE, renderer,
                                                  PROFILE_CORRECTABLE)
        problems += found + found_too
        notes = renderer.render(values["notes"]).html if values["notes"] else ""
        name = printable(name).strip()  # as an article's `outlet:` is read, or the two never match
        profiles[name] = OutletProfile(name, values["kind"], values["affiliation"], values["leaning"], values["url"],
                                       notes, line, corrections)
    return profiles, problems
