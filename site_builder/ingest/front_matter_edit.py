"""Add or update one entry of an article's `annotations:` list, changing nothing else in the file.

An article file is the editor's: comments, key order, quoting and blank lines are theirs, so an
import (or an edit made from the preview) must not re-dump the YAML. The edit is made on the
text, line by line, at the lines yamlsource reports for the list, its items and their keys:
an entry whose `id` is already there has only the keys that changed rewritten (keys the caller
does not give are the editor's and stay); a new entry is appended after the last one, indented
as the others are. The result is parsed again and compared with what was meant: the entry must
read back as given and every other value as it was, or the edit is refused (CannotEdit).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

import yaml

from site_builder.reader import split_front_matter
from site_builder.yamlsource import load_mapping

KEY = "annotations"
KEY_ORDER = ("quote", "prefix", "suffix", "at", "note", "kind", "by", "tags", "id", "created")
_DASH_RE = re.compile(r"^(\s*)-(\s+)\S")
_WIDE = 1_000_000  # never fold a long line: a quote is one line


class CannotEdit(Exception):
    """The front matter cannot be edited safely; the message says why, for the editor."""


@dataclass(frozen=True)
class Edit:
    """The file's new text, whether the entry was added, updated or left unchanged, and the keys
    that changed (for the import's report)."""

    text: str
    status: str  # "added", "updated" or "unchanged"
    changed: tuple[str, ...] = ()


def add_or_update_annotation(file_text: str, entry: dict[str, Any]) -> str:
    """`file_text` with `entry` added to its annotations, or the entry with its `id` updated."""
    return edit_annotation(file_text, entry).text


def edit_annotations(file_text: str, entries: list[dict[str, Any]]) -> tuple[str, list[Edit | CannotEdit]]:
    """Several entries into one file (an import's), with what became of each.

    Entries already there as given are recognised from one reading of the file, the others are
    edited in turn, and the result is checked once. If that check fails, each entry is edited and
    checked alone, so an entry the writer cannot place costs only itself."""
    try:
        known = _items_by_id(file_text)
        text, outcomes = file_text, []
        for entry in entries:
            item = known.get(str(entry.get("id")))
            if item is not None and _matches(item, entry):
                outcomes.append(Edit(text, "unchanged"))
                continue
            edit = edit_annotation(text, entry, verify=False)
            text = edit.text
            outcomes.append(edit)
        _verify(file_text, text, [e for e, o in zip(entries, outcomes) if o.status != "unchanged"])
        return text, outcomes
    except CannotEdit:
        return _one_by_one(file_text, entries)


def _one_by_one(file_text: str, entries: list[dict[str, Any]]) -> tuple[str, list[Edit | CannotEdit]]:
    text, outcomes = file_text, []
    for entry in entries:
        try:
            edit = edit_annotation(text, entry)
        except CannotEdit as reason:
            outcomes.append(reason)
            continue
        text = edit.text
        outcomes.append(edit)
    return text, outcomes


def _items_by_id(file_text: str) -> dict[str, dict]:
    lines = file_text.splitlines(keepends=True)
    items = _mapping(lines, _closing_line(lines)).values.get(KEY)
    return {str(item.get("id")): item for item in items if isinstance(item, dict)} if isinstance(items, list) else {}


def _matches(item: dict, entry: dict[str, Any]) -> bool:
    """Whether the file's entry already says all that `entry` gives."""
    return all(value is None or _same(item.get(key), value) or (_empty(value) and key not in item)
               for key, value in entry.items())


def edit_annotation(file_text: str, entry: dict[str, Any], verify: bool = True, index: int | None = None) -> Edit:
    """As `add_or_update_annotation`, saying what it did.

    In `entry`, a key given as None is left as the file has it; "" or an empty list removes it
    from an existing entry (and leaves it out of a new one). `verify=False` leaves the check of
    the result to the caller (edit_annotations checks several edits at once). `index` names the
    entry to update by its place in the list instead of its `id`: an entry written by hand
    often has none (the preview edits those too)."""
    if index is None and not entry.get("id"):
        raise CannotEdit("an annotation needs an `id` to be added or updated")
    lines = file_text.splitlines(keepends=True)
    close = _closing_line(lines)
    source = _mapping(lines, close)
    values = source.values
    if index is not None:
        edit = _edit_list(lines, close, _list_of(source, index), entry, index)
        if verify and edit.status != "unchanged":
            _verify_at(file_text, edit.text, index, entry)
        return edit
    if KEY not in values:
        edit = _insert_list(lines, close, entry)
    elif values[KEY] is None or values[KEY] == []:
        edit = _replace_empty_list(lines, source.line_of(KEY) - 1, close, entry)
    elif not isinstance(values[KEY], list):
        raise CannotEdit(f"`{KEY}` is not a list")
    else:
        edit = _edit_list(lines, close, source, entry)
    if verify and edit.status != "unchanged":
        _verify(file_text, edit.text, [entry])
    return edit


def remove_annotation(file_text: str, index: int) -> str:
    """`file_text` without the entry at `index` of its annotations: that entry's lines go, and
    nothing else. When it was the only entry, `annotations:` goes too, unless the list has
    comments of the editor's (then it stays, as `annotations: []`). Undoes an added entry byte
    for byte."""
    lines = file_text.splitlines(keepends=True)
    close = _closing_line(lines)
    source = _list_of(_mapping(lines, close), index)
    items = source.values[KEY]
    key_line = _list_line(lines, source)
    start = source.line_of(KEY, index) - 1
    dash_indent, _ = _indents(lines[start])
    if lines[start].lstrip().startswith("- {"):
        raise CannotEdit("the annotation is written on one line (`- {...}`): remove it by hand")
    end = source.line_of(KEY, index + 1) - 2 if index + 1 < len(items) else _block_end(lines, key_line, close, 0)
    end = _trim(lines, start, end, len(dash_indent))
    if len(items) > 1:
        out = lines[:start] + lines[end + 1:]
    else:
        list_end = _block_end(lines, key_line, close, 0)
        kept = [number for number in range(key_line + 1, list_end + 1)
                if lines[number].strip() and not start <= number <= end]  # the editor's comments
        comment = re.search(r"\s+#.*$", lines[key_line].rstrip("\n"))
        if kept or comment:
            head = f"{KEY}: []{comment.group(0) if comment else ''}\n"
            out = lines[:key_line] + [head] + lines[key_line + 1:start] + lines[end + 1:]
        else:
            out = lines[:key_line] + lines[list_end + 1:]
    after = "".join(out)
    _verify_removed(file_text, after, index)
    return after


# --- reading the file -------------------------------------------------------------------------

def _closing_line(lines: list[str]) -> int:
    """The index of the front matter's closing `---`."""
    if not lines or lines[0].strip() != "---":
        raise CannotEdit("the file has no front matter (it must start with a `---` line)")
    for index in range(1, len(lines)):
        if lines[index].strip() in ("---", "..."):
            return index
    raise CannotEdit("the front matter is never closed (no second `---` line)")


def _mapping(lines: list[str], close: int):
    """The front matter parsed, its lines counted as the file's (1-based)."""
    source, problems = load_mapping("".join(lines[1:close]), "", first_line=2)
    if problems:
        raise CannotEdit(f"its front matter has a problem ({problems[0].message}): run `site-builder check` and fix it")
    return source


# --- writing an entry -----------------------------------------------------------------------

def _ordered(entry: dict[str, Any]) -> list[tuple[str, Any]]:
    """The entry's keys in the documented order, then any others; empty values left out."""
    keys = [k for k in KEY_ORDER if k in entry] + [k for k in entry if k not in KEY_ORDER]
    return [(k, entry[k]) for k in keys if not _empty(entry[k])]


def _empty(value: Any) -> bool:
    return value is None or value == "" or value == () or value == []


class _Dumper(yaml.SafeDumper):
    """Multi-line text as a literal block (`note: |`), as an editor writes it by hand."""


def _text_style(text: str) -> str | None:
    """A literal block for several lines, unless one of them would end the front matter (a
    Markdown rule `---` in a note): that text is written on one line, in double quotes."""
    if "\n" not in text:
        return None
    return '"' if any(line.strip() in ("---", "...") for line in text.splitlines()) else "|"


_Dumper.add_representer(str, lambda dumper, text: dumper.represent_scalar(
    "tag:yaml.org,2002:str", text, style=_text_style(text)))
_Dumper.add_representer(tuple, lambda dumper, items: dumper.represent_list(list(items)))


def _key_lines(key: str, value: Any, first_prefix: str, indent: str) -> list[str]:
    """`key: value` as YAML lines, the first starting with `first_prefix` (`  - ` or the indent)."""
    if isinstance(value, date):  # plain, as editors write dates (the reader validates the form)
        text = f"{key}: {value.isoformat()}\n"
    elif isinstance(value, (list, tuple)):
        text = f"{key}: " + yaml.dump(list(value), Dumper=_Dumper, default_flow_style=True, allow_unicode=True,
                                      width=_WIDE).strip() + "\n"
    else:
        text = yaml.dump({key: value}, Dumper=_Dumper, allow_unicode=True, width=_WIDE, sort_keys=False,
                         default_flow_style=False)
    dumped = text.splitlines(keepends=True)
    return [first_prefix + dumped[0]] + [indent + line if line.strip() else line for line in dumped[1:]]


def _entry_lines(entry: dict[str, Any], dash_indent: str, key_indent: str) -> list[str]:
    lines: list[str] = []
    for position, (key, value) in enumerate(_ordered(entry)):
        first = dash_indent + "-" + " " * (len(key_indent) - len(dash_indent) - 1) if position == 0 else key_indent
        lines += _key_lines(key, value, first, key_indent)
    return lines


def _insert_list(lines: list[str], close: int, entry: dict[str, Any]) -> Edit:
    """A front matter without `annotations:`: the list goes last, before the closing `---`."""
    block = [f"{KEY}:\n"] + _entry_lines(entry, "  ", "    ")
    before = lines[:close]
    if before and not before[-1].endswith("\n"):
        before[-1] += "\n"
    return Edit("".join(before + block + lines[close:]), "added", tuple(k for k, _ in _ordered(entry)))


def _replace_empty_list(lines: list[str], start: int, close: int, entry: dict[str, Any]) -> Edit:
    """`annotations:` or `annotations: []` (with any comment after it) becomes the list."""
    comment = re.search(r"\s+#.*$", lines[start].rstrip("\n"))
    end = _block_end(lines, start, close, 0)
    head = f"{KEY}:{comment.group(0) if comment else ''}\n"
    block = [head] + _entry_lines(entry, "  ", "    ")
    return Edit("".join(lines[:start] + block + lines[end + 1:]), "added", tuple(k for k, _ in _ordered(entry)))


def _edit_list(lines: list[str], close: int, source, entry: dict[str, Any], index: int | None = None) -> Edit:
    items = source.values[KEY]
    key_line = _list_line(lines, source)
    starts = [source.line_of(KEY, index) - 1 for index in range(len(items))]
    list_end = _block_end(lines, key_line, close, 0)
    match = index if index is not None else next(
        (i for i, item in enumerate(items) if isinstance(item, dict) and str(item.get("id")) == str(entry["id"])), None)
    dash_indent, key_indent = _indents(lines[starts[0]])
    if match is None:
        at = list_end + 1
        added = _entry_lines(entry, dash_indent, key_indent)
        return Edit("".join(lines[:at] + added + lines[at:]), "added", tuple(k for k, _ in _ordered(entry)))
    dash_indent, key_indent = _indents(lines[starts[match]])  # each entry as it is written
    item_end = starts[match + 1] - 1 if match + 1 < len(items) else list_end
    item_end = _trim(lines, starts[match], item_end, len(dash_indent))
    return _update_item(lines, source, match, starts[match], item_end, entry, dash_indent, key_indent)


def _list_line(lines: list[str], source) -> int:
    """The index of the `annotations:` line, when the list is written one entry a line."""
    key_line = source.line_of(KEY) - 1
    if re.match(rf"{KEY}\s*:\s*\[", lines[key_line]):
        raise CannotEdit(f"`{KEY}` is written on one line (`[...]`): write it as a list, one `- quote:` entry each")
    return key_line


def _list_of(source, index: int):
    """`source` when its annotations list has an entry (a mapping) at `index`."""
    items = source.values.get(KEY)
    if not isinstance(items, list) or not 0 <= index < len(items) or not isinstance(items[index], dict):
        raise CannotEdit(f"there is no annotation number {index + 1} in the file: it changed, reload the page")
    return source


def _update_item(lines: list[str], source, index: int, start: int, end: int, entry: dict[str, Any],
                 dash_indent: str, key_indent: str) -> Edit:
    """Rewrite the keys of item `index` (lines start..end) whose value changed; add the new ones."""
    item = source.values[KEY][index]
    if _matches(item, entry):
        return Edit("".join(lines), "unchanged")
    if lines[start].lstrip().startswith("- {") or "{" in lines[start].split(":", 1)[0]:
        raise CannotEdit("the annotation is written on one line (`- {...}`): write one `key: value` per line")
    key_starts = sorted((source.line_of(KEY, index, key) - 1, key) for key in item)
    replacements: dict[int, tuple[int, list[str]]] = {}  # first line -> (last line, new lines)
    changed, additions = [], []
    for key, value in entry.items():
        if value is None or _same(item.get(key), value):
            continue
        if key not in item and _empty(value):
            continue
        changed.append(key)
        if key not in item:
            additions += _key_lines(key, value, key_indent, key_indent)
            continue
        first = next(i for i, (line, name) in enumerate(key_starts) if name == key)
        line = key_starts[first][0]
        last = key_starts[first + 1][0] - 1 if first + 1 < len(key_starts) else end
        last = _trim(lines, line, last, len(key_indent))
        prefix = lines[line][:len(key_indent)] if line == start else key_indent
        replacements[line] = (last, [] if _empty(value) else _key_lines(key, value, prefix, key_indent))
    if not changed:
        return Edit("".join(lines), "unchanged")
    if start in replacements and not replacements[start][1]:
        raise CannotEdit(f"cannot remove `{changed[0]}`, the entry's first key: remove it by hand")
    out, position = [], 0
    for first in sorted(replacements):
        last, new = replacements[first]
        out += lines[position:first] + new
        position = last + 1
    out += lines[position:end + 1] + additions + lines[end + 1:]
    return Edit("".join(out), "updated", tuple(changed))


def _same(existing: Any, value: Any) -> bool:
    """Whether the file's value (as YAML read it: dates stay text) is the one meant."""
    if isinstance(value, (list, tuple)):
        return isinstance(existing, list) and [str(v) for v in existing] == [str(v) for v in value]
    if isinstance(value, date):
        return str(existing) == value.isoformat()
    if _empty(value):
        return _empty(existing)
    return type(existing) is type(value) and existing == value


def _indents(item_line: str) -> tuple[str, str]:
    """The indentation of an item's dash and of its keys, as the list is written."""
    found = _DASH_RE.match(item_line)
    if not found:
        return "  ", "    "
    return found.group(1), found.group(1) + " " + found.group(2)


def _block_end(lines: list[str], start: int, close: int, column: int) -> int:
    """The last line of the block that starts at `start`: the lines after it indented deeper
    than `column` (or list dashes at it), blank lines and comments between them included."""
    end = start
    for index in range(start + 1, close):
        line = lines[index]
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        indent = len(line) - len(line.lstrip())
        if indent > column or (indent == column and line.lstrip().startswith("- ") and column == 0):
            end = index
        else:
            break
    return end


def _trim(lines: list[str], start: int, end: int, column: int) -> int:
    """`end` moved up past blank lines and comments no deeper than `column`: those belong to
    what follows, not to the value ending here."""
    while end > start:
        stripped = lines[end].strip()
        indent = len(lines[end]) - len(lines[end].lstrip())
        if stripped and not (stripped.startswith("#") and indent <= column):
            break
        end -= 1
    return end


# --- checking the result ----------------------------------------------------------------------

def _verify(before: str, after: str, entries: list[dict[str, Any]]) -> None:
    """The entries read back as meant, and everything else as it was; else nothing is written."""
    old, new = _front_values(before), _front_values(after)
    if {k: v for k, v in old.items() if k != KEY} != {k: v for k, v in new.items() if k != KEY}:
        raise CannotEdit("the edit would change other keys: add the annotation by hand")
    ids = {str(entry["id"]) for entry in entries}
    old_items = [i for i in (old.get(KEY) or []) if not _is_one_of(i, ids)]
    new_items = [i for i in (new.get(KEY) or []) if not _is_one_of(i, ids)]
    if old_items != new_items:
        raise CannotEdit("the edit would change other annotations: add this one by hand")
    for entry in entries:
        written = [i for i in (new.get(KEY) or []) if _is_one_of(i, {str(entry["id"])})]
        if len(written) != 1 or not _matches(written[0], entry):
            raise CannotEdit("it would not read back as written (a line that ends the front matter?): "
                             "add the annotation by hand")


def _verify_at(before: str, after: str, index: int, entry: dict[str, Any]) -> None:
    """As `_verify`, for the entry at `index` (which may have no id)."""
    old, new = _front_values(before), _front_values(after)
    _same_apart_from_list(old, new)
    old_items, new_items = list(old.get(KEY) or []), list(new.get(KEY) or [])
    if len(old_items) != len(new_items) or old_items[:index] + old_items[index + 1:] != \
            new_items[:index] + new_items[index + 1:]:
        raise CannotEdit("the edit would change other annotations: edit this one by hand")
    if not isinstance(new_items[index], dict) or not _matches(new_items[index], entry):
        raise CannotEdit("it would not read back as written (a line that ends the front matter?): edit it by hand")


def _verify_removed(before: str, after: str, index: int) -> None:
    """Only the entry at `index` went; everything else reads as it did."""
    old, new = _front_values(before), _front_values(after)
    _same_apart_from_list(old, new)
    old_items = list(old.get(KEY) or [])
    if list(new.get(KEY) or []) != old_items[:index] + old_items[index + 1:]:
        raise CannotEdit("removing it would change other annotations: remove it by hand")


def _same_apart_from_list(old: dict[str, Any], new: dict[str, Any]) -> None:
    if {k: v for k, v in old.items() if k != KEY} != {k: v for k, v in new.items() if k != KEY}:
        raise CannotEdit("the edit would change other keys: make it by hand")


def _front_values(text: str) -> dict[str, Any]:
    front_matter, _, problems = split_front_matter(text, "")
    source, parse_problems = load_mapping(front_matter, "")
    if problems or parse_problems:
        raise CannotEdit("the edit would leave the front matter unreadable: add the annotation by hand")
    return source.values


def _is_one_of(item: Any, ids: set[str]) -> bool:
    return isinstance(item, dict) and str(item.get("id")) in ids
