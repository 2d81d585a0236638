"""Keep the editors' footnotes when an article's text is replaced by a new version of its source.

Editors annotate the outlet's text with footnotes: a mark (`[^1]`) right after the words a note is
about, and the note itself (a `[^1]: ...` line, usually at the end of the text). When a re-saved
source replaces the text, each editorial mark is placed after the same words in the new text,
found there exactly once, and each editorial note follows the new text. A mark whose words are
gone or ambiguous is never guessed (annotations landing on the wrong words are worse than none):
the update is refused with the list of such marks, and nothing is written.

Footnotes of the outlet's own (in the text as last imported, or whose note the new text repeats
word for word) are the outlet's words: they come and go with its text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from site_builder.markup import FENCE_RE, FOOTNOTE_MARK_RE, FOOTNOTE_NOTE_RE, footnotes_in

MIN_ANCHOR_WORDS = 4  # "He said[^1]": two words are found too often, so earlier words are added
MAX_ANCHOR_WORDS = 12  # a long sentence: its last words suffice
LONGEST_ANCHOR = 24  # words looked back when the fragment is found more than once
_SENTENCE_END_RE = re.compile(r"[.!?][\"'”’)\]]*$")


@dataclass(frozen=True)
class Unplaced:
    """An editorial mark that cannot be kept: its label, line in the article file, words and why."""

    label: str
    line: int
    words: str
    reason: str
    clash: bool = False  # the new text has a footnote of its own with this label

    def __str__(self) -> str:
        where = f" after “{self.words}”" if self.words else ""
        return f"`[^{self.label}]`{where}: {self.reason}"


@dataclass(frozen=True)
class Merged:
    """The new text with the editorial footnotes carried over, or the marks that could not be."""

    text: str
    unplaced: tuple[Unplaced, ...] = ()
    notices: tuple[str, ...] = ()  # marks placed after fewer words than they followed: worth a look


@dataclass(frozen=True)
class _Mark:
    label: str
    line: int
    before: tuple[str, ...]  # the words before it in its paragraph, other marks left out
    preferred: int  # how many of them make its sentence fragment (see _fragment_length)

    @property
    def words(self) -> tuple[str, ...]:
        return self.before[-self.preferred:]


def carry_footnotes(current: str, new: str, outlet: str | None, first_line: int = 1) -> Merged:
    """`new` with the editorial footnote marks and notes of `current` (the text as the editor left
    it, starting at `first_line` of its file). `outlet` is the text as last imported, whose own
    footnotes are not the editor's; None when its original cannot be read."""
    new = new.strip()
    prose, notes = _split_note_blocks(current, first_line)
    outlet_labels = _labels(outlet or "") | {label for label, _, block in notes if block.strip() in new}
    clashing = _labels(new)  # an editorial label the new text uses too would mix two footnotes
    insertions: list[tuple[int, str]] = []
    unplaced, notices = [], []
    for mark in _marks(prose, outlet_labels):
        words = " ".join(mark.words)
        position, used, reason = _place(mark, new)
        if mark.label in clashing:
            unplaced.append(Unplaced(mark.label, mark.line, words, _clash(mark.label), clash=True))
        elif reason:
            unplaced.append(Unplaced(mark.label, mark.line, words, reason))
        else:
            insertions.append((position, f"[^{mark.label}]"))
            if len(used) < len(mark.words):
                notices.append(f"`[^{mark.label}]` (line {mark.line}) followed “{words}”; the new text changed the "
                               f"start, so it is placed after “{' '.join(used)}”: check it is where it belongs")
    kept = [(label, line, block) for label, line, block in notes if label not in outlet_labels]
    unplaced += [Unplaced(label, line, "", _clash(label), clash=True)
                 for label, line, _ in kept if label in clashing and label not in {m.label for m in unplaced}]
    if unplaced:
        return Merged(new, tuple(sorted(unplaced, key=lambda mark: mark.line)))
    text = "\n\n".join([_insert(new, insertions), *(block.strip("\n") for _, _, block in kept)])
    return Merged(text, notices=tuple(notices))


def refusal(article: str, unplaced: tuple[Unplaced, ...]) -> str:
    """The message of an update refused because some editorial footnotes cannot be kept: each
    with its line and words, then how to go on (nothing is dropped without the editor's hand)."""
    count = f"{len(unplaced)} editorial footnote{'s' if len(unplaced) != 1 else ''}"
    lines = [f"{count} of {article} cannot be kept in the new text, so nothing was written:"]
    lines += [f"  {article}:{mark.line}: {mark}" for mark in unplaced]
    if any(mark.clash for mark in unplaced):
        lines.append("  For a label the new text also uses: rename your mark and its note (e.g. `[^ed1]`), then "
                     "import again with --force.")
    if not all(mark.clash for mark in unplaced):
        lines.append("  To place them by hand: delete just these marks from the article (keep their notes), "
                     "import again with --force, then put each mark back after its words; `site-builder check` "
                     "lists each note still without a mark [SB502].")
    return "\n".join(lines)


def _clash(label: str) -> str:
    return f"the new text has a footnote `[^{label}]` of its own"


def _split_note_blocks(text: str, first_line: int) -> tuple[list[tuple[int, str]], list[tuple[str, int, str]]]:
    """(prose lines with their file line, notes as (label, line, block)), a note's indented or lazy
    continuation lines belonging to its block, as Python-Markdown reads them."""
    prose: list[tuple[int, str]] = []
    notes: list[tuple[str, int, str]] = []
    lines = text.splitlines(keepends=True)
    index, in_fence = 0, False
    while index < len(lines):
        line = lines[index]
        if FENCE_RE.match(line):
            in_fence = not in_fence
        match = None if in_fence else FOOTNOTE_NOTE_RE.match(line)
        if not match:
            prose.append((first_line + index, line))
            index += 1
            continue
        end = _note_end(lines, index)
        notes.append((match.group("label"), first_line + index, "".join(lines[index:end])))
        prose += [(first_line + i, "\n") for i in range(index, end)]  # keeps paragraphs apart
        index = end
    return prose, notes


def _note_end(lines: list[str], start: int) -> int:
    end = start + 1
    while end < len(lines):
        line = lines[end]
        if line.startswith(("    ", "\t")):
            end += 1
        elif not line.strip():
            following = next((later for later in lines[end:] if later.strip()), "")
            if not following.startswith(("    ", "\t")):
                break
            end += 1
        elif lines[end - 1].strip() and not FOOTNOTE_NOTE_RE.match(line) and not FENCE_RE.match(line):
            end += 1  # a lazy continuation of the note's paragraph
        else:
            break
    return end


def _labels(text: str) -> set[str]:
    found = footnotes_in(text)
    return {label for label, _ in found.marks + found.notes}


def _marks(prose: list[tuple[int, str]], outlet_labels: set[str]) -> list[_Mark]:
    """Every editorial mark in the prose, with the words before it in its paragraph."""
    marks: list[_Mark] = []
    paragraph: list[str] = []
    for line, prose_line in _prose_only(prose):
        if not prose_line.strip():
            paragraph = []
            continue
        start = len("".join(paragraph))
        paragraph.append(prose_line)
        joined = "".join(paragraph)
        for match in FOOTNOTE_MARK_RE.finditer(joined, start):
            if match.group("label") not in outlet_labels:
                before = FOOTNOTE_MARK_RE.sub("", joined[:match.start()]).split()
                marks.append(_Mark(match.group("label"), line, tuple(before), _fragment_length(before)))
    return marks


def _prose_only(prose: list[tuple[int, str]]):
    """The prose lines, code blocks blanked (a `[^1]` in code is not a mark)."""
    in_fence = False
    for line, text in prose:
        if FENCE_RE.match(text):
            in_fence = not in_fence
            yield line, "\n"
        else:
            yield line, "\n" if in_fence else text


def _fragment_length(words: list[str]) -> int:
    """How many of the words before a mark make its sentence fragment: at most MAX_ANCHOR_WORDS,
    and at least MIN_ANCHOR_WORDS even when that reaches into the sentence before."""
    start = len(words) - 1
    while start > 0 and not _SENTENCE_END_RE.search(words[start - 1]):
        start -= 1
    return min(max(len(words) - max(start, 0), MIN_ANCHOR_WORDS), MAX_ANCHOR_WORDS, len(words))


def _place(mark: _Mark, text: str) -> tuple[int, tuple[str, ...], str]:
    """Where in `text` the mark goes, after which words, or why it cannot be placed.

    Its sentence fragment, found exactly once, places it. Found more than once, more of the words
    before it are tried; not found (the outlet changed the start of the sentence), fewer of them,
    never fewer than MIN_ANCHOR_WORDS. Either way only words found exactly once place a mark."""
    if not mark.before:
        return 0, (), "no words before it in its paragraph to find it by"
    found = _find(mark.words, text)
    if len(found) == 1:
        return found[0], mark.words, ""
    if found:
        lengths = range(mark.preferred + 1, min(len(mark.before), LONGEST_ANCHOR) + 1)
    else:
        lengths = range(mark.preferred - 1, MIN_ANCHOR_WORDS - 1, -1)
    for length in lengths:
        tried = _find(mark.before[-length:], text)
        if len(tried) == 1:
            return tried[0], mark.before[-length:], ""
        if bool(tried) != bool(found):  # longer words not found, or shorter ones found several times
            break
    return 0, (), f"these words are in the new text {len(found)} times" if found else "these words are not in the new text"


def _find(words: tuple[str, ...], text: str) -> list[int]:
    """Where each occurrence of `words` ends in `text`, whatever the spaces or line breaks between them."""
    pattern = r"\s+".join(map(re.escape, words))
    if re.match(r"\w", words[0]):
        pattern = r"(?<!\w)" + pattern
    if re.search(r"\w$", words[-1]):
        pattern += r"(?!\w)"
    return [match.end() for match in re.finditer(pattern, text)]


def _insert(text: str, insertions: list[tuple[int, str]]) -> str:
    """`text` with each mark inserted at its position, marks at one position in their order."""
    parts, last = [], 0
    for position, mark in sorted(insertions, key=lambda insertion: insertion[0]):
        parts += [text[last:position], mark]
        last = position
    return "".join(parts) + text[last:]
