"""Problems found in an editor's files, reported all at once as `path:line: message (hint) [CODE]`.

Every stage collects problems instead of raising at the first one, so an editor fixes a whole
batch of mistakes per run. Only `ContentError` crosses stage boundaries; the CLI turns it into
lines on stderr and exit code 1, never a traceback.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong in one file, at one line (1-based; 0 when the whole file is at fault)."""

    path: str
    line: int
    message: str
    hint: str = ""
    severity: str = "error"  # "error" fails the build; "warning" is reported only
    code: str = ""  # its kind, e.g. SB101 (see problem_codes.py); `check --explain SB101` explains it

    def __str__(self) -> str:
        location = f"{self.path}:{self.line}" if self.line else self.path
        prefix = "warning: " if self.severity == "warning" else ""
        text = f"{location}: {prefix}{one_line(self.message)}"
        text = f"{text} ({one_line(self.hint)})" if self.hint else text
        return f"{text} [{self.code}]" if self.code else text


MAX_SHOWN = 300  # characters of a message: a quoted value can be a whole pasted article


def one_line(text: str) -> str:
    """A message quotes the editor's values, which may hold line breaks, control characters or a
    whole pasted text: shown escaped and shortened, every problem stays one readable line."""
    shown = "".join(repr(c)[1:-1] if c.isspace() and c != " " or not c.isprintable() else c for c in text)
    return shown if len(shown) <= MAX_SHOWN else shown[:MAX_SHOWN // 2] + " … " + shown[-MAX_SHOWN // 3:]


class ContentError(Exception):
    """Raised once a stage has collected problems that make its output unusable."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


def display_path(path: Path, root: Path) -> str:
    """Paths in messages are relative to the site root, as an editor sees them in their editor."""
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except (ValueError, OSError, RuntimeError):  # outside the site, or a symlink loop (RuntimeError)
        try:
            return path.absolute().relative_to(root.absolute()).as_posix()
        except ValueError:
            return str(path)


def errors_only(problems: list[Problem]) -> list[Problem]:
    return [p for p in problems if p.severity == "error"]
