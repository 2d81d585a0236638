"""Languages of pieces: BCP 47 tags checked and normalised, their writing direction, bidi controls.

Tags are checked with langcodes (the IANA registry and CLDR data), not a hand list. The direction
comes from the tag's script, as CLDR's likely-subtags give it (`ar` -> Arab, `yi` -> Hebr,
`az-Arab` -> Arab): a language written in several scripts gets the direction of the one named.

Loading langcodes' data takes longer than an edit build spends reading the piece it reads again,
and a site uses a handful of tags: what langcodes said of each tag (its standard form, if valid,
and its direction) is kept in the build state's folder (`use_known_tags`, `keep_known_tags`), for
the same langcodes and our same code. A tag not known so is asked of langcodes, and a wrong tag
always is (for its did-you-mean): the checks are the same, only where the answer comes from differs.
"""

from __future__ import annotations

import os
import pickle
import re
from functools import lru_cache
from importlib.util import find_spec
from pathlib import Path

from site_builder import problem_codes as codes
from site_builder.errors import Problem
from site_builder.hashing import code_fingerprint
from site_builder.state import replacing

# ISO 15924 scripts written right to left (Unicode's Script_Extensions with bidi class R or AL;
# CLDR scriptMetadata's `rtl` column): living ones first, then historic ones.
RTL_SCRIPTS = frozenset({
    "Adlm", "Arab", "Hebr", "Mand", "Mend", "Nkoo", "Rohg", "Samr", "Syrc", "Thaa", "Yezi",
    "Armi", "Avst", "Chrs", "Cprt", "Elym", "Hatr", "Hung", "Khar", "Lydi", "Mani", "Merc", "Mero", "Narb", "Nbat",
    "Ougr", "Orkh", "Palm", "Phli", "Phlp", "Phnx", "Prti", "Sarb", "Sogd", "Sogo",
})

# The explicit embeddings and overrides (U+202A-U+202E) and isolates (U+2066-U+2069): invisible,
# and able to reorder the text around them (the "Trojan Source" trick).
BIDI_CONTROLS_RE = re.compile("[\u202a-\u202e\u2066-\u2069]")
_TAG_SHAPE_RE = re.compile(r"[A-Za-z]{2,8}(?:[-_][A-Za-z0-9]{1,8})*")


class NotALanguageTag(ValueError):
    """`hint` says what was probably meant."""

    def __init__(self, message: str, hint: str):
        super().__init__(message)
        self.message, self.hint = message, hint


class _KnownTags:
    """What langcodes said of the tags seen (kept in the build state's folder between builds)."""

    FILE = "languages.pickle"
    FORMAT = 1

    def __init__(self) -> None:
        self.standard: dict[str, str] = {}  # tag as written (valid) -> its standard form
        self.directions: dict[str, str] = {}  # tag -> `ltr` or `rtl`
        self.learnt = False  # asked langcodes something not kept yet

    @staticmethod
    def identity() -> tuple:
        """Whose answers they are: our code's, and the installed langcodes' (its data comes with it)."""
        spec = find_spec("langcodes")
        try:
            stat = os.stat(spec.origin) if spec and spec.origin else None
        except OSError:
            stat = None
        return code_fingerprint(), (stat.st_size, stat.st_mtime_ns, stat.st_ino) if stat else None

    def use(self, folder: Path) -> None:
        try:
            with open(folder / self.FILE, "rb") as file:
                kept = pickle.load(file)
        except Exception:  # noqa: BLE001 (none yet, unreadable, damaged: langcodes answers)
            return
        if isinstance(kept, tuple) and len(kept) == 4 and kept[:2] == (self.FORMAT, self.identity()):
            self.standard.update(kept[2])
            self.directions.update(kept[3])

    def keep(self, folder: Path) -> None:
        if not self.learnt:
            return
        try:
            folder.mkdir(exist_ok=True)
            with replacing(folder / self.FILE) as file:
                pickle.dump((self.FORMAT, self.identity(), self.standard, self.directions), file, protocol=5)
        except OSError:
            return  # a read-only site folder still builds; the next build asks langcodes again
        self.learnt = False


_KNOWN = _KnownTags()


def use_known_tags(folder: Path) -> None:
    """Take what langcodes said of tags in an earlier build, as kept in `folder` (the build state's)."""
    _KNOWN.use(folder)


def keep_known_tags(folder: Path) -> None:
    """Keep in `folder` what langcodes said of the tags this process checked, if anything new."""
    _KNOWN.keep(folder)


@lru_cache(maxsize=256)
def normalise_tag(raw: str) -> str:
    """`raw` as a well-formed, valid BCP 47 tag in its standard form (`EN-us` -> `en-US`, `iw` ->
    `he`); raises NotALanguageTag with a did-you-mean for a name (`arabic`), a POSIX locale
    (`en_US`) or a tag no registry knows (`xx-YY`)."""
    text = raw.strip()
    known = _KNOWN.standard.get(text)
    if known is not None:
        return known
    import langcodes  # its data loads slowly: only for a tag not known from an earlier build

    if "_" in text and _TAG_SHAPE_RE.fullmatch(text) and langcodes.tag_is_valid(text):
        fixed = langcodes.standardize_tag(text)
        raise NotALanguageTag(f"`{text}` is a locale name, not a language tag", f"did you mean `{fixed}`?")
    if _TAG_SHAPE_RE.fullmatch(text) and langcodes.tag_is_valid(text) and text.casefold() != "und":
        _KNOWN.standard[text] = standard = langcodes.standardize_tag(text)
        _KNOWN.learnt = True
        return standard
    raise NotALanguageTag(f"`{text}` is not a language tag", _suggestion(text))


def _suggestion(text: str) -> str:
    """A tag for a language's name (`arabic`, `Russisch`), else for the tag's language alone."""
    import langcodes  # see normalise_tag

    example = "a BCP 47 tag such as `en`, `ru`, `ar` or `pt-BR`"
    try:
        found = langcodes.find(text)
    except (LookupError, ImportError, ValueError):
        found = None
    if found is None:
        first = re.split(r"[-_\s]", text, maxsplit=1)[0]
        if first and first != text and langcodes.tag_is_valid(first):
            found = langcodes.Language.get(first)
    if found is None:
        return f"write {example}"
    return f"did you mean `{found.to_tag()}` ({found.display_name()})?"


@lru_cache(maxsize=256)
def direction(tag: str) -> str:
    """`rtl` for a tag whose script (named, or the likely one) is written right to left, else `ltr`."""
    if not tag:
        return "ltr"
    known = _KNOWN.directions.get(tag)
    if known is not None:
        return known
    import langcodes  # see normalise_tag

    try:
        script = langcodes.Language.get(tag).maximize().script
    except (LookupError, ValueError):
        return "ltr"
    _KNOWN.directions[tag] = found = "rtl" if script in RTL_SCRIPTS else "ltr"
    _KNOWN.learnt = True
    return found


def language_name(tag: str, in_language: str) -> str:
    """`ru` as `Russian` (in English), `Russe` (in French): CLDR's names, via language_data."""
    import langcodes  # see normalise_tag

    try:
        return langcodes.Language.get(tag).display_name(in_language)
    except (LookupError, ImportError, ValueError):
        return tag


def lang_attributes(tag: str, surrounding: str) -> dict[str, str]:
    """The `lang` (and `dir`) an element in `tag` needs inside one in `surrounding`: none when
    they are the same, so pages do not fill with redundant attributes."""
    if not tag or tag.casefold() == surrounding.casefold():
        return {}
    attributes = {"lang": tag}
    if direction(tag) != direction(surrounding):
        attributes["dir"] = direction(tag)
    return attributes


def bidi_controls(text: str) -> list[str]:
    """The bidi control characters in `text`, as `U+202E` names for a message."""
    return [f"U+{ord(c):04X}" for c in BIDI_CONTROLS_RE.findall(text)]


def without_bidi_controls(text: str) -> str:
    return BIDI_CONTROLS_RE.sub("", text)


# The editors' parts of an article's rendered text: annotation notes, the sidenote copies of
# footnotes and the footnote list. They sit inside the outlet's text but are in the site's language.
_EDITORS_PARTS_RE = re.compile(r'<(span|div) class="(annotation-note|sidenote|footnote)\b')


def mark_editors_parts(text_html: str, tag: str, site_language: str) -> str:
    """`text_html` (in `tag`) with its editors' parts marked as in the site's language, so an
    English note inside an Arabic text is read, and laid out, as English."""
    attributes = lang_attributes(site_language, tag)
    if not attributes:
        return text_html
    marked = "".join(f' {name}="{value}"' for name, value in attributes.items())
    return _EDITORS_PARTS_RE.sub(lambda m: f"<{m.group(1)}{marked} class=\"{m.group(2)}", text_html)


# The editors' own front-matter fields: (key, key inside each list item, or "" for a plain value).
EDITORS_FIELDS = (("stance_notes", ""), ("translation_notes", ""), ("caveats", "*"), ("claims", "note"),
                  ("annotations", "note"), ("corrections", "why"))


def strip_editors_controls(values: dict, line_of, path: str) -> list[Problem]:
    """Remove bidi controls from the editors' fields of `values` (validated front matter), with a
    warning at each one's line. Removed, not isolated: an editor cannot see them, they never
    belong in a note, and a note whose words display in another order than written would mislead."""
    problems = []
    for key, part in EDITORS_FIELDS:
        value = values.get(key)
        if part == "" and isinstance(value, str) and bidi_controls(value):
            problems.append(_controls_removed(path, line_of(key), f"`{key}`", value))
            values[key] = without_bidi_controls(value)
        elif isinstance(value, tuple):
            items = list(value)
            for index, item in enumerate(items):
                text = item if part == "*" else (item or {}).get(part)
                if not isinstance(text, str) or not bidi_controls(text):
                    continue
                where = f"`{key}` item {index + 1}" + ("" if part == "*" else f" `{part}`")
                problems.append(_controls_removed(path, line_of(key, index, *(() if part == "*" else (part,))),
                                                  where, text))
                items[index] = without_bidi_controls(text) if part == "*" else {**item, part: without_bidi_controls(text)}
            values[key] = tuple(items)
    return problems


def editors_notes_problem(notes: str, line: int, path: str) -> Problem | None:
    """The warning for bidi controls in the editorial notes section (removed by the reader)."""
    return _controls_removed(path, line, "the editorial notes", notes) if bidi_controls(notes) else None


def _controls_removed(path: str, line: int, where: str, text: str) -> Problem:
    found = ", ".join(dict.fromkeys(bidi_controls(text)))
    return Problem(path, line, f"{where}: invisible direction controls ({found}) removed",
                   "they can show the words around them in another order than written; delete them in the file",
                   severity="warning", code=codes.BIDI_CONTROLS_IN_NOTES)
