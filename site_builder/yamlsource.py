"""Load a YAML mapping and remember the line of every key and item in it.

Editors need `path:line` for every mistake, but PyYAML's `safe_load` forgets where values came
from. We compose the node tree ourselves, record each node's line, then construct plain Python
values. Timestamps are not resolved: a date stays a string so the schema can say which form it
expects instead of PyYAML raising on `2015-13-45`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from site_builder import problem_codes as codes
from site_builder.errors import Problem

PathKey = tuple[Any, ...]  # ("claims", 0, "verdict")
MAX_VALUES = 100_000  # values in one block once aliases are expanded; real front matter has < 1,000
MAX_DEPTH = 50  # lists and mappings inside each other; real front matter nests 3 deep
# Problems after which the block has no values at all: anything more said about it (every
# required key "missing") would be false, so a reader reports these alone.
UNREADABLE_BLOCK = frozenset({codes.YAML_SYNTAX, codes.NOT_KEY_VALUE_LINES, codes.YAML_TOO_COMPLEX})


class _Loader(yaml.SafeLoader):
    """SafeLoader without implicit timestamps (dates are validated by the schema)."""


_Loader.yaml_implicit_resolvers = {
    first_char: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first_char, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


class _FastLoader(getattr(yaml, "CSafeLoader", _Loader)):
    """The same, parsed by libyaml (20x faster); a document it finds fault with is read again by
    `_Loader`, whose messages and lines the problems report."""


_FastLoader.yaml_implicit_resolvers = _Loader.yaml_implicit_resolvers


@dataclass(frozen=True)
class SourceMapping:
    """A YAML mapping's values plus the file line of each key, list item and nested key."""

    values: dict[str, Any]
    lines: dict[PathKey, int] = field(default_factory=dict)
    start_line: int = 1

    def child(self, key: str) -> "SourceMapping":
        """The mapping under `key`, with its own lines, for validating nested records."""
        value = self.values.get(key)
        lines = {path[1:]: line for path, line in self.lines.items() if path[:1] == (key,) and len(path) > 1}
        return SourceMapping(value if isinstance(value, dict) else {}, lines, self.line_of(key))

    def line_of(self, *path: Any) -> int:
        """The line of the most specific part of `path` that exists (the key, else its parent)."""
        for end in range(len(path), 0, -1):
            line = self.lines.get(tuple(path[:end]))
            if line is not None:
                return line
        return self.start_line


def load_mapping_file(root: Path, name: str) -> tuple[SourceMapping | None, list[Problem]]:
    """An optional YAML file of profiles beside the articles (content/outlets.yml, events.yml):
    None when the site keeps none, an empty mapping with the reason when it cannot be read."""
    try:
        text = (root / name).read_text(encoding="utf-8")
    except FileNotFoundError:
        return None, []
    except (OSError, UnicodeDecodeError) as error:
        code = codes.NOT_UTF8 if isinstance(error, UnicodeDecodeError) else codes.UNREADABLE_FILE
        return SourceMapping({}, {}), [Problem(name, 0, f"cannot read: {error}", "save it as UTF-8 text", code=code)]
    return load_mapping(text, name)


def load_mapping(text: str, path: str, first_line: int = 1) -> tuple[SourceMapping, list[Problem]]:
    """Parse `text` (which starts at `first_line` of file `path`) as a YAML mapping.

    Returns the mapping (empty on failure) and the problems found; never raises for bad YAML.
    """
    mapping, problems = _load(text, path, first_line, _FastLoader)
    if problems and _FastLoader is not _Loader:
        return _load(text, path, first_line, _Loader)
    return mapping, problems


def _load(text: str, path: str, first_line: int, loader_class: type) -> tuple[SourceMapping, list[Problem]]:
    offset = first_line - 1
    empty = SourceMapping({}, {}, first_line)
    try:
        loader = loader_class(text)
        try:
            root = loader.get_single_node()
            if root is None:
                return empty, []
            if not isinstance(root, yaml.MappingNode):
                return empty, [
                    Problem(path, root.start_mark.line + 1 + offset,
                            "expected `key: value` lines, found a "
                            + ("list" if isinstance(root, yaml.SequenceNode) else "single value"),
                            "front matter and site.yml are mappings of names to values", code=codes.NOT_KEY_VALUE_LINES)
                ]
            too_complex = _too_complex(root)
            if too_complex:
                return empty, [Problem(path, root.start_mark.line + 1 + offset, too_complex,
                                       "write the values out, without `&` anchors and `*` aliases",
                                       code=codes.YAML_TOO_COMPLEX)]
            problems = _duplicate_keys(root, path, offset)
            lines: dict[PathKey, int] = {}
            _record_lines(root, (), lines, offset)
            values = loader.construct_object(root, deep=True)
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 + offset if mark else first_line
        reason = error.problem or error.context or "could not be read"
        return empty, [Problem(path, line, f"YAML syntax error: {reason}",
                               "check the indentation and quote values that contain ': ' or start with a symbol",
                               code=codes.YAML_SYNTAX)]
    except yaml.reader.ReaderError as error:  # a control character: invisible in most editors
        line = text.count("\n", 0, error.position) + first_line
        return empty, [Problem(path, line, f"YAML syntax error: character U+{error.character:04X} is not allowed",
                               "delete it: most editors do not show it",
                               code=codes.YAML_SYNTAX)]
    except yaml.YAMLError as error:
        reason = str(error).splitlines()[0] if str(error) else "could not be read"
        return empty, [Problem(path, first_line, f"YAML syntax error: {reason}", code=codes.YAML_SYNTAX)]
    except RecursionError:  # the pure-Python composer recurses once per level of nesting
        return empty, [Problem(path, first_line, f"YAML nested more than {MAX_DEPTH} levels deep",
                               "write the values out, without `&` anchors and `*` aliases", code=codes.YAML_TOO_COMPLEX)]
    bad_keys = [k for k in values if not isinstance(k, str)]
    for key in bad_keys:
        problems.append(Problem(path, lines.get((key,), first_line), f"key {key!r} is not a name",
                                "keys are words such as `title` or `tags`", code=codes.KEY_NOT_A_NAME))
        del values[key]
    return SourceMapping(values, lines, first_line), problems


def _too_complex(root: yaml.Node) -> str:
    """Why the composed block must not be constructed (a "billion laughs", a cycle, deep nesting), or "".

    Aliases make the node tree a graph that shares nodes; each node's expanded size is counted once
    (memoised), without recursion, so even ten lines of nested aliases are judged in microseconds.
    Most blocks are plainly within the limits, which a simpler walk tells first (`_within_limits`).
    """
    if _within_limits(root):
        return ""
    size: dict[int, int] = {}
    stack: list[tuple[yaml.Node, int, bool]] = [(root, 1, False)]
    open_nodes: set[int] = set()
    while stack:
        node, depth, children_done = stack.pop()
        if depth > MAX_DEPTH:
            return f"YAML nested more than {MAX_DEPTH} levels deep"
        children = _children(node)
        if children_done:
            open_nodes.discard(id(node))
            size[id(node)] = 1 + sum(size[id(child)] for child in children)
            if size[id(node)] > MAX_VALUES:
                return f"YAML anchors and aliases expand to more than {MAX_VALUES} values"
            continue
        if id(node) in size:
            continue
        if id(node) in open_nodes:
            return "a YAML alias refers to the value that contains it"
        open_nodes.add(id(node))
        stack.append((node, depth, True))
        stack.extend((child, depth + 1, False) for child in children if id(child) not in size)
    return ""


def _within_limits(root: yaml.Node) -> bool:
    """Whether the block, aliases expanded, has at most MAX_VALUES values and MAX_DEPTH levels.

    It walks the expanded tree, so it stops as soon as either limit is passed: within MAX_VALUES
    steps, a cycle included (it nests without end). False says only that `_too_complex` must
    look closer, for the reason to give."""
    count, stack = 0, [(root, 1)]
    while stack:
        node, depth = stack.pop()
        count += 1
        if depth > MAX_DEPTH or count > MAX_VALUES:
            return False
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                stack.append((key, depth + 1))
                stack.append((value, depth + 1))
        elif isinstance(node, yaml.SequenceNode):
            stack.extend((item, depth + 1) for item in node.value)
    return True


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    return list(node.value) if isinstance(node, yaml.SequenceNode) else []


def _record_lines(node: yaml.Node, prefix: PathKey, lines: dict[PathKey, int], offset: int) -> None:
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            if isinstance(key_node, yaml.ScalarNode):
                key_path = prefix + (key_node.value,)
                lines[key_path] = key_node.start_mark.line + 1 + offset
                _record_lines(value_node, key_path, lines, offset)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            lines[prefix + (index,)] = item.start_mark.line + 1 + offset
            _record_lines(item, prefix + (index,), lines, offset)


def _duplicate_keys(root: yaml.MappingNode, path: str, offset: int) -> list[Problem]:
    """PyYAML silently keeps the last of two equal keys; an editor has lost a value."""
    seen: dict[str, int] = {}
    problems = []
    for key_node, _ in root.value:
        if not isinstance(key_node, yaml.ScalarNode):
            continue
        line = key_node.start_mark.line + 1 + offset
        if key_node.value in seen:
            problems.append(Problem(path, line, f"duplicate key `{key_node.value}`",
                                    f"it is already set on line {seen[key_node.value]}; keep one", code=codes.DUPLICATE_KEY))
        else:
            seen[key_node.value] = line
    return problems
