"""site.yml's `licence`: the terms under which the editors' work (context, claims, annotations,
the data under /data/) may be reused, shown in every page's footer, on the Data page and in the
data files.

A licence is an SPDX identifier for the licences open data is usually published under (its name
and address are known here), or a mapping with `name` and `url` (and `id`) for any other. It
never covers the outlets' texts: those remain their publishers'.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass

from site_builder import problem_codes as codes
from site_builder.fields import Choices, Field, Invalid, Record, Text, Url

# SPDX identifier -> (SPDX full name, the licence's own address). Open-data licences only: the
# software licences of the SPDX list do not fit a collection's notes and data.
KNOWN_LICENCES: dict[str, tuple[str, str]] = {
    "CC-BY-4.0": ("Creative Commons Attribution 4.0 International",
                  "https://creativecommons.org/licenses/by/4.0/"),
    "CC-BY-SA-4.0": ("Creative Commons Attribution Share Alike 4.0 International",
                     "https://creativecommons.org/licenses/by-sa/4.0/"),
    "CC-BY-NC-4.0": ("Creative Commons Attribution Non Commercial 4.0 International",
                     "https://creativecommons.org/licenses/by-nc/4.0/"),
    "CC-BY-NC-SA-4.0": ("Creative Commons Attribution Non Commercial Share Alike 4.0 International",
                        "https://creativecommons.org/licenses/by-nc-sa/4.0/"),
    "CC-BY-ND-4.0": ("Creative Commons Attribution No Derivatives 4.0 International",
                     "https://creativecommons.org/licenses/by-nd/4.0/"),
    "CC-BY-NC-ND-4.0": ("Creative Commons Attribution Non Commercial No Derivatives 4.0 International",
                        "https://creativecommons.org/licenses/by-nc-nd/4.0/"),
    "CC0-1.0": ("Creative Commons Zero v1.0 Universal", "https://creativecommons.org/publicdomain/zero/1.0/"),
    "ODbL-1.0": ("Open Data Commons Open Database License v1.0", "https://opendatacommons.org/licenses/odbl/1-0/"),
    "ODC-By-1.0": ("Open Data Commons Attribution License v1.0", "https://opendatacommons.org/licenses/by/1-0/"),
    "PDDL-1.0": ("Open Data Commons Public Domain Dedication & License 1.0",
                 "https://opendatacommons.org/licenses/pddl/1-0/"),
}


@dataclass(frozen=True)
class Licence:
    """A licence as pages and data files name it: `id` is its SPDX identifier, or "" if it has none."""

    id: str
    name: str
    url: str

    def as_json(self) -> dict[str, str]:
        """The data files' `license` (the spelling of schema.org, DCAT and Frictionless)."""
        return {"id": self.id, "name": self.name, "url": self.url} if self.id else {"name": self.name, "url": self.url}


@dataclass(frozen=True)
class LicenceOption:
    """`licence: CC-BY-4.0`, or `name:` and `url:` (and `id:`) lines for a licence not known here."""

    description: str = "an SPDX licence identifier (`CC-BY-4.0`), or `name:` and `url:` lines"
    other: Record = Record((Field("id", Text(), "Its SPDX identifier, if it has one.", default=""),
                            Field("name", Text(), "The licence's name.", required=True),
                            Field("url", Url(), "Where its terms are published.", required=True)))

    def convert(self, value: object, choices: Choices) -> Licence:
        if isinstance(value, dict):
            return Licence(**self.other.convert(value, choices))
        text = Text(self.description).convert(value, choices)
        canonical = {key.lower(): key for key in KNOWN_LICENCES}  # SPDX identifiers ignore case
        key = canonical.get(text.lower())
        if key is None:
            raise Invalid(f"`{text}` is not a licence identifier known here", _hint(text), code=codes.UNKNOWN_LICENCE)
        name, url = KNOWN_LICENCES[key]
        return Licence(key, name, url)


def _hint(text: str) -> str:
    close = difflib.get_close_matches(text.upper(), [key.upper() for key in KNOWN_LICENCES], n=1, cutoff=0.6)
    known = {key.upper(): key for key in KNOWN_LICENCES}
    start = f"did you mean `{known[close[0]]}`? " if close else ""
    return (start + "known: " + ", ".join(KNOWN_LICENCES)
            + "; for another, write `name:` and `url:` lines under `licence:`")
