"""A small declarative schema: fields with a type, a default, a doc line, and per-key errors.

Both `site.yml` (config.py) and article front matter (schema.py) are declared with it, so both get
the same messages, the same "did you mean" hints, and one place to read which fields exist. The
declarations are data, so the reference documentation can be generated from them.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, replace
from datetime import date
from typing import Any, Mapping, Sequence
from urllib.parse import urlparse

from site_builder import problem_codes as codes
from site_builder.errors import Problem, errors_only
from site_builder.yamlsource import SourceMapping

SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
IDENTIFIER_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.:-]*")
MAX_SLUG_LENGTH = 100
# Characters no HTML page or XML feed may carry (C0 controls but tab and newlines, lone surrogates,
# non-characters): scraped text and YAML escapes bring them in; feedgen refuses them outright.
_UNPRINTABLE_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def printable(text: str) -> str:
    """`text` without the characters a page or feed cannot carry."""
    return _UNPRINTABLE_RE.sub("", text)


class Invalid(Exception):
    """A value that does not fit its field; `at` points inside a list (item index) for the line.

    `code` names the kind of mistake (problem_codes.py), so `check --explain` can say more.
    """

    def __init__(self, message: str, hint: str = "", at: tuple[Any, ...] = (), code: str = codes.INVALID_VALUE):
        super().__init__(message)
        self.message, self.hint, self.at, self.code = message, hint, at, code


# ---------------------------------------------------------------------------------------------
# Field types. Each converts a parsed YAML value (never None) or raises Invalid.
# `choices` carries lists that come from elsewhere (e.g. the stances declared in site.yml).
# ---------------------------------------------------------------------------------------------

Choices = Mapping[str, Sequence[str]]


@dataclass(frozen=True)
class Text:
    """A single line or paragraph of plain text."""

    description: str = "text"

    def convert(self, value: Any, choices: Choices) -> str:
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            raise Invalid(f"expected {self.description}, found {_kind(value)}",
                          "write it on one line after the colon, in quotes if it contains ': '", code=codes.NOT_TEXT)
        return printable(str(value)).strip()


@dataclass(frozen=True)
class Verbatim(Text):
    """Text kept exactly as written, spaces at its ends included: an annotation's quoted words,
    where " against 12" and "against 12" are not the same context."""

    description: str = "text, exactly as the page shows it"

    def convert(self, value: Any, choices: Choices) -> str:
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            raise Invalid(f"expected {self.description}, found {_kind(value)}",
                          'write it on one line after the colon, in double quotes: "..."', code=codes.NOT_TEXT)
        return printable(str(value))


@dataclass(frozen=True)
class Markdown(Text):
    """Text written in Markdown; rendered to HTML by the reader."""

    description: str = "Markdown text"


@dataclass(frozen=True)
class Wording(Markdown):
    """Markdown that may be a bare word YAML reads as something else: a correction's `was: false`
    is the verdict `false`, not a switch."""

    description: str = "Markdown text"

    def convert(self, value: Any, choices: Choices) -> str:
        return super().convert(yaml_word(value), choices)


@dataclass(frozen=True)
class Slug:
    """A short stable key used in URLs: lowercase letters, digits and hyphens."""

    description: str = "slug (lowercase-words-with-hyphens)"

    def convert(self, value: Any, choices: Choices) -> str:
        text = Text(self.description).convert(value, choices)
        if not SLUG_RE.match(text):
            raise Invalid(f"`{text}` is not a slug", f"use lowercase letters, digits and hyphens, e.g. `{slugify_hint(text)}`",
                          code=codes.NOT_A_SLUG)
        if len(text) > MAX_SLUG_LENGTH:  # it names a folder in build/: file systems refuse long names
            raise Invalid(f"a slug of {len(text)} characters is too long",
                          f"keep it to {MAX_SLUG_LENGTH} characters, e.g. `{text[:40].rstrip('-')}`", code=codes.NOT_A_SLUG)
        return text


@dataclass(frozen=True)
class Identifier:
    """A stable key that need not be a slug: an id another tool gave (Hypothesis's `Kx3m_…`, a
    `urn:uuid:…`), used as is in a page's element ids and the export's addresses."""

    description: str = "identifier (letters, digits, `-`, `_`, `.` and `:`)"

    def convert(self, value: Any, choices: Choices) -> str:
        text = Text(self.description).convert(value, choices)
        if not IDENTIFIER_RE.fullmatch(text) or len(text) > MAX_SLUG_LENGTH:
            raise Invalid(f"`{text}` is not an identifier", "use letters, digits, `-`, `_`, `.` and `:` (no spaces), "
                          f"at most {MAX_SLUG_LENGTH} characters, e.g. `{slugify_hint(text)}`", code=codes.NOT_A_SLUG)
        return text


@dataclass(frozen=True)
class LanguageTag:
    """A BCP 47 language tag (`en`, `ru`, `ar`, `pt-BR`), kept in its standard form."""

    description: str = "BCP 47 language tag (`en`, `ru`, `ar`, `pt-BR`)"

    def convert(self, value: Any, choices: Choices) -> str:
        from site_builder.languages import NotALanguageTag, normalise_tag

        text = Text(self.description).convert(value, choices)
        try:
            return normalise_tag(text)
        except NotALanguageTag as error:
            raise Invalid(error.message, error.hint, code=codes.NOT_A_LANGUAGE_TAG) from None


@dataclass(frozen=True)
class IsoDate:
    """A calendar date written as YYYY-MM-DD."""

    description: str = "date (YYYY-MM-DD)"

    def convert(self, value: Any, choices: Choices) -> date:
        text = str(value).strip() if isinstance(value, (str, int)) and not isinstance(value, bool) else None
        if text is not None and re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            try:
                return date.fromisoformat(text)
            except ValueError as error:
                raise Invalid(f"`{text}` is not a real date ({error})", "write dates as YYYY-MM-DD, e.g. 2015-10-09",
                              code=codes.BAD_DATE)
        shown = text if text is not None else _kind(value)
        raise Invalid(f"`{shown}` is not a date in the form YYYY-MM-DD", "write dates as YYYY-MM-DD, e.g. 2015-10-09",
                      code=codes.BAD_DATE)


@dataclass(frozen=True)
class Boolean:
    """A switch: `true` or `false` only, so a typo never publishes a draft."""

    description: str = "true or false"

    def convert(self, value: Any, choices: Choices) -> bool:
        if not isinstance(value, bool):
            raise Invalid(f"expected true or false, found `{value}`", "write `true` or `false`", code=codes.NOT_TRUE_OR_FALSE)
        return value


@dataclass(frozen=True)
class Url:
    """An absolute http(s) address."""

    description: str = "http(s) URL"

    def convert(self, value: Any, choices: Choices) -> str:
        text = Text(self.description).convert(value, choices)
        parts = urlparse(text)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise Invalid(f"`{text}` is not a web address", "write the full address, starting with https://",
                          code=codes.NOT_A_WEB_ADDRESS)
        return text


@dataclass(frozen=True)
class BaseUrl:
    """Where the site is served: `/`, a sub-path like `/repo/`, or a full `https://host/repo/`."""

    description: str = "URL or path ending in /"

    def convert(self, value: Any, choices: Choices) -> str:
        text = Text(self.description).convert(value, choices)
        parts = urlparse(text)
        if parts.scheme and (parts.scheme not in ("http", "https") or not parts.netloc):
            raise Invalid(f"`{text}` is not a web address or path", "e.g. `/`, `/my-repo/` or `https://example.org/my-repo/`",
                          code=codes.BAD_BASE_URL)
        if not parts.scheme and not text.startswith("/"):
            raise Invalid(f"`{text}` must start with / or https://", "e.g. `/`, `/my-repo/` or `https://example.org/my-repo/`",
                          code=codes.BAD_BASE_URL)
        if parts.query or parts.fragment:
            raise Invalid(f"`{text}` must not have a ?query or #fragment", "e.g. `/my-repo/`", code=codes.BAD_BASE_URL)
        return text


@dataclass(frozen=True)
class Choice:
    """One of a list of values; the list may be named in `choices_from` (e.g. site.yml stances)."""

    values: tuple[str, ...] = ()
    choices_from: str = ""
    about: str = ""  # describes a long list that comes from a library, instead of listing it

    @property
    def description(self) -> str:
        if self.about:
            return self.about
        if self.choices_from:
            return f"one of the {self.choices_from} in site.yml"
        return "one of: " + ", ".join(self.values)

    def convert(self, value: Any, choices: Choices) -> str:
        allowed = tuple(choices.get(self.choices_from, ())) if self.choices_from else self.values
        text = Text().convert(yaml_word(value), choices)
        if text not in allowed:
            raise Invalid(f"`{text}` is not one of the allowed values", _choice_hint(text, allowed), code=codes.NOT_ALLOWED)
        return text


@dataclass(frozen=True)
class TextList:
    """A YAML list of text items (each may be Markdown)."""

    item: "FieldType" = Text()
    accept_single: bool = False

    @property
    def description(self) -> str:
        return f"list of {self.item.description}" + (" (or a single one)" if self.accept_single else "")

    def convert(self, value: Any, choices: Choices) -> tuple[str, ...]:
        if self.accept_single and not isinstance(value, list):
            return (self.item.convert(value, choices),)
        if not isinstance(value, list):
            raise Invalid(f"expected a list, found {_kind(value)}", "write one `- item` per line under the key",
                          code=codes.NOT_A_LIST)
        items = []
        for index, item in enumerate(value):
            if item is None:
                raise Invalid("empty list item", "remove the lone `-` or give it a value", at=(index,),
                              code=codes.EMPTY_LIST_ITEM)
            try:
                items.append(self.item.convert(item, choices))
            except Invalid as error:
                raise Invalid(f"item {index + 1}: {error.message}", error.hint, at=(index,) + error.at,
                              code=error.code) from None
        return tuple(items)


@dataclass(frozen=True)
class TextMapping:
    """A mapping from slug keys to text, keeping the editor's order (e.g. stances and their labels)."""

    description: str = "mapping of slug: text"

    def convert(self, value: Any, choices: Choices) -> dict[str, str]:
        if not isinstance(value, dict) or not value:
            raise Invalid(f"expected `key: description` lines, found {_kind(value)}",
                          "indent one `key: description` per line under the name", code=codes.NOT_KEY_VALUE_BLOCK)
        result = {}
        for key, text in value.items():
            try:
                result[Slug().convert(yaml_word(key), choices)] = Text().convert("" if text is None else text, choices)
            except Invalid as error:
                raise Invalid(f"`{key}`: {error.message}", error.hint, at=(key,), code=error.code) from None
        return result


@dataclass(frozen=True)
class Integer:
    """A count: a whole number, zero or more."""

    description: str = "whole number"

    def convert(self, value: Any, choices: Choices) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise Invalid(f"expected a whole number, found {_kind(value)}", "write digits only, e.g. 1200",
                          code=codes.NOT_A_WHOLE_NUMBER)
        return value


@dataclass(frozen=True)
class Record:
    """A nested mapping with its own declared fields (e.g. an article's provenance)."""

    fields: tuple["Field", ...]
    description: str = "mapping"

    def convert(self, value: Any, choices: Choices) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise Invalid(f"expected indented `key: value` lines, found {_kind(value)}",
                          "indent the keys under the name: " + ", ".join(f.name for f in self.fields),
                          code=codes.NOT_KEY_VALUE_BLOCK)
        known = {f.name: f for f in self.fields}
        for key in value:
            if key not in known:
                close = difflib.get_close_matches(str(key), list(known), n=1, cutoff=0.6)
                raise Invalid(f"unknown key `{key}`", f"did you mean `{close[0]}`?" if close else
                              "known keys: " + ", ".join(known), at=(key,), code=codes.UNKNOWN_KEY)
        result = {}
        for name, declared in known.items():
            raw = value.get(name)
            if _is_empty(raw):
                if declared.required:
                    raise Invalid(f"missing `{name}`", f"add `{name}:` ({declared.type.description})",
                                  code=codes.MISSING_REQUIRED)
                result[name] = declared.default
                continue
            try:
                result[name] = declared.type.convert(raw, choices)
            except Invalid as error:
                raise Invalid(f"`{name}`: {error.message}", error.hint, at=(name,) + error.at, code=error.code) from None
        return result


FieldType = Text | Verbatim | Slug | LanguageTag | IsoDate | Boolean | Url | BaseUrl | Choice | TextList | TextMapping | Integer | Record


@dataclass(frozen=True)
class Field:
    """One declared key: its type, default, whether it is required, and what it is for."""

    name: str
    type: FieldType
    doc: str
    default: Any = None
    required: bool = False
    required_unless: str = ""  # the name of a boolean field that waives `required` (e.g. draft)
    inherited_with: str = ""  # a field that, when set, brings this value from elsewhere (translation_of)


# ---------------------------------------------------------------------------------------------
# Validation
# ---------------------------------------------------------------------------------------------

def validate(source: SourceMapping, fields: Sequence[Field], path: str,
             choices: Choices | None = None) -> tuple[dict[str, Any], list[Problem]]:
    """Convert every declared field of `source`, collecting one problem per bad key.

    Returns values for every declared field (defaults filled in; a bad value is replaced by its
    default so later stages can still run and report their own problems).
    """
    choices = choices or {}
    by_name = {f.name: f for f in fields}
    problems = [_unknown_key(source, key, path, list(by_name)) for key in source.values if key not in by_name]
    values: dict[str, Any] = {}
    for declared in fields:
        raw = source.values.get(declared.name)
        values[declared.name] = declared.default
        if raw is None or raw == "" or raw == []:
            continue
        if _is_record_list(declared) and isinstance(raw, list):
            values[declared.name], found = _validate_items(source, declared, path, choices)
            problems += found
            continue
        try:
            values[declared.name] = declared.type.convert(raw, choices)
        except Invalid as error:
            line = source.line_of(declared.name, *error.at)
            problems.append(Problem(path, line, f"`{declared.name}`: {error.message}", error.hint, code=error.code))
    for declared in fields:
        if not declared.required or not _is_empty(source.values.get(declared.name)):
            continue
        if declared.inherited_with and values.get(declared.inherited_with):
            continue
        if declared.required_unless and values.get(declared.required_unless):
            problems.append(Problem(path, source.line_of(declared.name), f"`{declared.name}` is empty",
                                    f"fill it in before setting `{declared.required_unless}: false`",
                                    severity="warning", code=codes.EMPTY_IN_DRAFT))
        else:
            unless = f", or mark the article `{declared.required_unless}: true`" if declared.required_unless else ""
            problems.append(Problem(path, source.line_of(declared.name), f"missing required `{declared.name}`",
                                    f"add a `{declared.name}:` line: {declared.type.description}{unless}",
                                    code=codes.MISSING_REQUIRED))
    return values, problems


def _is_record_list(declared: Field) -> bool:
    return isinstance(declared.type, TextList) and isinstance(declared.type.item, Record)


def _validate_items(source: SourceMapping, declared: Field, path: str,
                    choices: Choices) -> tuple[tuple[dict[str, Any] | None, ...], list[Problem]]:
    """Each item of a list of records (claims, annotations) checked on its own: every problem of
    every item is reported at its own line, and a bad item (None in the result, so the others
    keep their index and line) does not hide the good ones."""
    items: list[dict[str, Any] | None] = []
    problems: list[Problem] = []
    record: Record = declared.type.item
    for index, item in enumerate(source.values[declared.name]):
        where = f"`{declared.name}`: item {index + 1}: "
        if not isinstance(item, dict):
            error = (Invalid("empty list item", "remove the lone `-` or give it a value", code=codes.EMPTY_LIST_ITEM)
                     if item is None else _not_a_record(record, item))
            problems.append(Problem(path, source.line_of(declared.name, index), where + error.message, error.hint,
                                    code=error.code))
            items.append(None)
            continue
        values, found = validate(_item_source(source, declared.name, index), record.fields, path, choices)
        problems += [replace(problem, message=where + problem.message) for problem in found]
        items.append(None if errors_only(found) else values)
    return tuple(items), problems


def _not_a_record(record: Record, item: Any) -> Invalid:
    try:
        record.convert(item, {})
    except Invalid as error:
        return error
    raise AssertionError("only a mapping is a record")


def _item_source(source: SourceMapping, name: str, index: int) -> SourceMapping:
    """The mapping of list item `index` under `name`, with its own lines."""
    lines = {key[2:]: line for key, line in source.lines.items() if key[:2] == (name, index) and len(key) > 2}
    return SourceMapping(source.values[name][index], lines, source.line_of(name, index))


def _unknown_key(source: SourceMapping, key: str, path: str, known: list[str]) -> Problem:
    close = difflib.get_close_matches(key, known, n=1, cutoff=0.6)
    hint = f"did you mean `{close[0]}`?" if close else "known keys: " + ", ".join(known)
    return Problem(path, source.line_of(key), f"unknown key `{key}`", hint, code=codes.UNKNOWN_KEY)


def _choice_hint(value: str, allowed: Sequence[str]) -> str:
    if not allowed:
        return "none are declared yet: list them in site.yml"
    close = difflib.get_close_matches(value, allowed, n=1, cutoff=0.6)
    listing = "allowed: " + ", ".join(allowed)
    return f"did you mean `{close[0]}`? {listing}" if close else listing


def _is_empty(value: Any) -> bool:
    return value is None or value == "" or value == []


def yaml_word(value: Any) -> Any:
    """YAML reads an unquoted `false` or `true` as a boolean; as a key or a choice it was a word."""
    return str(value).lower() if isinstance(value, bool) else value


def _kind(value: Any) -> str:
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, bool):
        return f"`{str(value).lower()}`"
    return f"`{value}`"


def slugify_hint(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "my-slug"
