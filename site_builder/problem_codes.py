"""Every kind of problem `check` reports, with a stable code and an explanation for editors.

Each problem line ends with its code (`content/articles/x.md:5: unknown key `caveat` ... [SB101]`),
and `site-builder check --explain SB101` prints the longer text kept here: what went wrong, why
it matters and an example of the fix. Codes never change meaning once published, so an editor can
search for one, and a teacher can refer to one in a handout.

Numbering: SB0xx a file as a whole or its YAML, SB1xx a front-matter or site.yml value, SB2xx
links between pieces, SB3xx the original an article was imported from, SB4xx the theme and build,
SB5xx footnotes and headings in an article's text and notes, SB6xx annotations (notes anchored to
quoted passages), SB7xx corrections (the editors' dated record of what they changed and why),
SB8xx addresses on the web (importing a page by its address, archiving it, checking links).
This module imports nothing from the package, so any stage can use its constants.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass


@dataclass(frozen=True)
class ProblemKind:
    """One kind of problem: its code, a short name, and the explanation `--explain` prints."""

    code: str
    name: str
    summary: str
    explanation: str
    example: str  # a message as `check` prints it
    before: str   # the file as it was
    after: str    # the file fixed

    def explain(self) -> str:
        """The text `check --explain CODE` prints."""
        return "\n".join([
            f"{self.code} {self.name}: {self.summary}",
            "",
            textwrap.fill(" ".join(self.explanation.split()), width=88),
            "",
            "For example, check prints:",
            "",
            textwrap.indent(self.example, "    "),
            "",
            "Before:",
            "",
            textwrap.indent(self.before, "    "),
            "",
            "After:",
            "",
            textwrap.indent(self.after, "    "),
        ])


KINDS: dict[str, ProblemKind] = {}


def _kind(code: str, name: str, summary: str, explanation: str, example: str, before: str, after: str) -> str:
    """Register a kind and return its code, the value stages pass as `Problem(..., code=...)`."""
    if code in KINDS:
        raise ValueError(f"problem code {code} is declared twice")
    KINDS[code] = ProblemKind(code, name, summary, explanation, example, before, after)
    return code


def explain(code: str) -> str | None:
    """The explanation of `code` (any case, with or without brackets), or None if unknown."""
    kind = KINDS.get(code.strip().strip("[]").upper())
    return kind.explain() if kind else None


def listing() -> str:
    """One line per code, for `check --explain` without a (known) code."""
    return "\n".join(f"{k.code}  {k.name:28} {k.summary}" for k in KINDS.values())


# --- SB0xx: a file as a whole, and its YAML --------------------------------------------------

NO_SITE_YML = _kind(
    "SB001", "no-site-yml", "the folder has no site.yml",
    """Every command works on a site folder: the folder holding site.yml, content/ and build/.
    The command was run somewhere else, or site.yml was renamed or deleted. Run it in the site
    folder, pass the folder with --site, or create a new collection with `site-builder new`.""",
    "site.yml: no site.yml in /home/me/Documents (run the command in the site folder, or pass --site DIR) [SB001]",
    "$ cd ~/Documents\n$ site-builder check",
    "$ cd ~/Documents/my-collection\n$ site-builder check      # or: site-builder check --site ~/Documents/my-collection")

UNREADABLE_FILE = _kind(
    "SB002", "unreadable-file", "a file could not be read",
    """The file exists but could not be opened, usually because of its permissions or because it
    is a folder or a broken link. Check that your user may read it.""",
    "content/articles/piece.md: cannot read: Permission denied (check the file's permissions) [SB002]",
    "$ ls -l content/articles/piece.md\n--w------- 1 me me 2301 piece.md",
    "$ chmod u+r content/articles/piece.md")

NOT_UTF8 = _kind(
    "SB003", "not-utf8", "a file is not saved as UTF-8 text",
    """Articles, site.yml and outlets.yml must be saved as UTF-8, the encoding every modern
    editor uses by default. A file saved by an old word processor or copied from Windows may use
    another encoding (Latin-1, Windows-1252), which turns accented letters and curly quotes into
    bytes that cannot be read. Open the file and save it again choosing UTF-8 (in VS Code: the
    encoding in the status bar, then "Save with Encoding").""",
    "content/articles/cafe.md: not UTF-8 text (byte 14) (re-save the file as UTF-8) [SB003]",
    "title: caf\\xe9          # the é saved as one Latin-1 byte",
    "title: café            # the same line saved as UTF-8")

NO_FRONT_MATTER = _kind(
    "SB004", "no-front-matter", "an article does not start with front matter",
    """An article file starts with its front matter: a line of three dashes, the `key: value`
    lines (title, outlet, date, ...), and another line of three dashes. Only then comes the text.
    Without it the builder cannot tell the article's details from its text.""",
    "content/articles/piece.md:1: no front matter (start the file with a `---` line, ...) [SB004]",
    "Russian warships strike Islamic State targets\n\nThe text ...",
    "---\ntitle: Russian warships strike Islamic State targets\noutlet: Unknown outlet\n"
    "date: 2015-10-08\n---\n\nThe text ...")

FRONT_MATTER_NOT_CLOSED = _kind(
    "SB005", "front-matter-not-closed", "the front matter has no closing `---` line",
    """The front matter opens with `---` but no second `---` line ends it, so the whole file would
    be read as front matter. Add a line of three dashes after the last key, before the text.""",
    "content/articles/piece.md:1: front matter is never closed (add a `---` line after the last front-matter key) [SB005]",
    "---\ntitle: A piece\noutlet: The Outlet\n\nThe text ...",
    "---\ntitle: A piece\noutlet: The Outlet\n---\n\nThe text ...")

UNSTABLE_FILE_NAME = _kind(
    "SB006", "unstable-file-name", "an article's file name would make a poor URL",
    """The file name (without .md) becomes the article's address: content/articles/my-piece.md is
    published at /articles/my-piece/. Spaces, capitals and accents make addresses that break when
    copied or change between systems, so file names use lowercase letters, digits and hyphens.
    Rename the file; links to it ([[slug]] and `related:`) use the new name.""",
    "content/articles/Bad Name.md: file name `Bad Name.md` does not make a stable URL (rename it to `bad-name.md` ...) [SB006]",
    "content/articles/Bad Name.md",
    "content/articles/bad-name.md")

DUPLICATE_SLUG = _kind(
    "SB007", "duplicate-slug", "two articles would be published at the same address",
    """Two files in content/articles/ (in different sub-folders) have the same name, so both
    would be published at the same /articles/<name>/ address and one would hide the other. Rename
    one of them.""",
    "content/articles/2016/piece.md: another article already has the URL slug `piece` (rename one of this and content/articles/2015/piece.md) [SB007]",
    "content/articles/2015/piece.md\ncontent/articles/2016/piece.md",
    "content/articles/2015/piece.md\ncontent/articles/2016/piece-follow-up.md")

ARTICLE_TOO_LARGE = _kind(
    "SB008", "article-too-large", "an article file is too large to be one piece",
    """An article is one news or opinion piece: even a long report is a few hundred kilobytes of
    text. A file of several megabytes is almost always a mistake (a log, a whole web archive or a
    binary pasted into the text) and would make every build slow, so it is refused before it is
    read. Check that it holds the text you meant, or split a real book-length text into parts.""",
    "content/articles/piece.md: 19.8 MB is too large for one article (the limit is 2 MB) (check that it holds the text you meant, or split it into parts) [SB008]",
    "$ ls -lh content/articles/piece.md\n-rw-r--r-- 1 me me 20M piece.md",
    "$ ls -lh content/articles/piece*.md\n-rw-r--r-- 1 me me 180K piece-part-1.md\n-rw-r--r-- 1 me me 160K piece-part-2.md")

PAGE_ADDRESS = _kind(
    "SB009", "page-address", "a standalone page's file name cannot be its address",
    """A file in content/pages/ is published at the address of its name: content/pages/about.md at
    /about/. The name must be a slug (lowercase letters, digits and hyphens), and it must not be
    one of the addresses the site makes itself (articles, outlets, tags, events, timeline, claims,
    search, static, pagefind), or the page and the section would hide each other. Rename the
    file.""",
    "content/pages/events.md: page `events` would take the address of the site's own /events/ section (rename the file, e.g. to `events-guide.md`) [SB009]",
    "content/pages/events.md",
    "content/pages/events-guide.md")

YAML_SYNTAX = _kind(
    "SB010", "yaml-syntax", "front matter or a .yml file is not valid YAML",
    """Front matter, site.yml and outlets.yml are written in YAML: `key: value` lines, lists as
    `- item` lines indented under their key. The line given is where the reader got lost, which is
    often just after the real mistake. The usual causes: a value containing `: ` or starting with
    a symbol such as `[`, `*`, `&` or a quote without quotes around it, an unclosed bracket or
    quote, or uneven indentation. Put such values in double quotes, or use `>-` and write the
    text on the indented lines below.""",
    "content/articles/piece.md:3: YAML syntax error: mapping values are not allowed here (check the indentation ...) [SB010]",
    "title: Syria: the offensive begins\ntags: [isis, hama",
    "title: \"Syria: the offensive begins\"\ntags: [isis, hama]")

DUPLICATE_KEY = _kind(
    "SB011", "duplicate-key", "a key is written twice",
    """The same key appears twice in one block. YAML would silently keep only the second value, so
    one of the two would be lost without a word. Keep one line, or merge the two values (for a
    list, put all the items under one key).""",
    "content/articles/piece.md:5: duplicate key `tags` (it is already set on line 3; keep one) [SB011]",
    "tags: [isis]\nstance: mixed\ntags: [hama]",
    "tags: [isis, hama]\nstance: mixed")

KEY_NOT_A_NAME = _kind(
    "SB012", "key-not-a-name", "a key is a number or another non-word",
    """Keys are names such as `title` or `tags`. A line starting with a number, a date or true/false
    before the colon is read as a key that is not a name. Usually a value lost its key, or a line
    that belongs in a list or a text lost its indentation.""",
    "content/articles/piece.md:6: key 2015 is not a name (keys are words such as `title` or `tags`) [SB012]",
    "stance_notes: >-\n  Written in October\n2015: a date that lost its indentation",
    "stance_notes: >-\n  Written in October\n  2015: a date kept inside the text")

NOT_KEY_VALUE_LINES = _kind(
    "SB013", "not-key-value-lines", "front matter or a .yml file is a list or a single value",
    """Front matter, site.yml and outlets.yml are mappings: each line names a key and gives its
    value (`title: A piece`). This file's block is a list (`- item` lines) or a lone value
    instead. Give every value its key.""",
    "content/articles/piece.md:2: expected `key: value` lines, found a list (front matter and site.yml are mappings ...) [SB013]",
    "---\n- A piece\n- The Outlet\n---",
    "---\ntitle: A piece\noutlet: The Outlet\n---")

YAML_TOO_COMPLEX = _kind(
    "SB014", "yaml-too-complex", "YAML nested too deeply, or anchors and aliases that expand without end",
    """YAML lets a value be named once (`&name`) and repeated (`*name`). Repeats of repeats grow
    exponentially: ten short lines can stand for a billion values (the "billion laughs" attack),
    and a value can even contain itself. Front matter and site.yml need neither, nor lists inside
    lists many levels deep, so such a block is refused before it is expanded: write the values
    out, or remove the anchors.""",
    "content/articles/piece.md:2: YAML anchors and aliases expand to more than 100000 values (write the values out, without `&` anchors and `*` aliases) [SB014]",
    "a: &a [lol, lol, lol]\nb: &b [*a, *a, *a]\nc: [*b, *b, *b]",
    "tags: [lol, lol, lol]")

# --- SB1xx: a value in front matter, site.yml or outlets.yml ----------------------------------

UNKNOWN_KEY = _kind(
    "SB101", "unknown-key", "a key the schema does not know",
    """Every key an article, site.yml or an outlet profile may use is declared in the schema (see
    docs/reference.md). A key that is not declared is most often a misspelling, and its value would
    otherwise be ignored without a word, so it is an error. The hint names the closest known key.""",
    "content/articles/piece.md:5: unknown key `caveat` (did you mean `caveats`?) [SB101]",
    "caveat:\n  - The date is inferred.",
    "caveats:\n  - The date is inferred.")

MISSING_REQUIRED = _kind(
    "SB102", "missing-required", "a required key is missing or empty",
    """Some keys must be filled in: `title` always; `outlet` and `date` for every published article;
    `title` in site.yml; `id` in a claim; `source`, `sha256` and `imported` in a provenance block.
    While an article is unfinished, mark it `draft: true`: a draft may leave outlet and date empty,
    and is checked but not published.""",
    "content/articles/piece.md:2: missing required `outlet` (add a `outlet:` line: text, or mark the article `draft: true`) [SB102]",
    "---\ntitle: A piece\ndate: 2015-10-09\n---",
    "---\ntitle: A piece\noutlet: Unknown outlet\ndate: 2015-10-09\n---")

EMPTY_IN_DRAFT = _kind(
    "SB103", "empty-in-draft", "a draft leaves a required key empty (a warning)",
    """A draft may leave `outlet` or `date` empty, so this is only a warning: a reminder of what must
    be filled in before the article is published with `draft: false`. If the outlet or the date is
    not stated anywhere, say so (`outlet: Unknown outlet`) and explain in a caveat.""",
    "content/articles/piece.md:3: warning: `date` is empty (fill it in before setting `draft: false`) [SB103]",
    "draft: true\ndate:",
    "draft: false\ndate: 2015-10-08\ncaveats:\n  - \"**Date inferred.** The text gives no date; ...\"")

NOT_TEXT = _kind(
    "SB110", "not-text", "a text value is a list or a mapping",
    """The key expects one piece of text, but its value is a list (`- item` lines or `[...]`) or
    indented `key: value` lines. For a long text, use `>-` and write the text on the indented
    lines below it; the lines are joined into one paragraph.""",
    "content/articles/piece.md:7: `caveats`: item 2: expected Markdown text, found a list [SB110]",
    "stance_notes:\n  - Quotes both sides.\n  - Weighs neither.",
    "stance_notes: >-\n  Quotes both sides\n  and weighs neither.")

NOT_A_SLUG = _kind(
    "SB111", "not-a-slug", "a key that becomes part of an address is not a slug",
    """Some values are used in addresses or as keys shared between files: `event`, `related`, claim
    `id`, `theme`, the keys of `stances` and `verdicts`. They are written as slugs: lowercase
    letters, digits and hyphens, no spaces (`2015-10-07-caspian-missile-strike`).""",
    "content/articles/piece.md:9: `event`: `Caspian strike` is not a slug (use lowercase letters, digits and hyphens, e.g. `caspian-strike`) [SB111]",
    "event: Caspian strike",
    "event: 2015-10-07-caspian-missile-strike")

NOT_A_LANGUAGE_TAG = _kind(
    "SB150", "not-a-language-tag", "a `language` is not a BCP 47 language tag",
    """A piece's `language` (and the site's, in site.yml) is a BCP 47 tag: `en`, `ru`, `ar`,
    `pt-BR`, `zh-Hant`. It tells screen readers how to pronounce the text, search how to stem it,
    and browsers which way to lay it out (Arabic, Persian, Urdu, Hebrew... right to left). A
    language's name (`english`, `arabic`), a locale name with an underscore (`en_US`) or a code
    no registry knows (`xx-YY`) is none of these; the hint names the tag meant when it can. Case
    does not matter: `EN-us` is read as `en-US`.""",
    "content/articles/piece.md:9: `language`: `arabic` is not a language tag (did you mean `ar` (Arabic)?) [SB150]",
    "language: arabic",
    "language: ar")

BIDI_CONTROLS_IN_NOTES = _kind(
    "SB151", "bidi-controls-in-notes", "invisible direction controls in the editors' words, removed (a warning)",
    """The characters U+202A-U+202E and U+2066-U+2069 are invisible, and change the order in which
    the text around them is shown: a note could display words in another order than written
    ("Trojan Source"). In the editors' own fields (stance notes, caveats, claim and annotation
    notes, translation notes, corrections, the editorial notes) they are removed, and this warning
    says where: they usually come from copying text out of a right-to-left page. Delete them in
    the file to silence it. The outlet's words (title and text) are never edited: there they are
    kept and isolated on the page so they cannot reach outside the title or paragraph.""",
    "content/articles/piece.md:12: warning: `stance_notes`: invisible direction controls (U+202E) removed (...) [SB151]",
    "stance_notes: Quotes \u202eboth sides",
    "stance_notes: Quotes both sides")

BAD_DATE = _kind(
    "SB112", "bad-date", "a date is not written YYYY-MM-DD, or does not exist",
    """Dates are written year-month-day with digits: 2015-10-09. This form sorts correctly, means the
    same in every country and is what feeds and search engines expect. A date that does not exist
    (2015-02-30) is reported too. If the day is not known, choose a plausible one and say in a
    caveat that it is inferred.""",
    "content/articles/piece.md:4: `date`: `October 9, 2015` is not a date in the form YYYY-MM-DD (...) [SB112]",
    "date: October 9, 2015",
    "date: 2015-10-09")

NOT_TRUE_OR_FALSE = _kind(
    "SB113", "not-true-or-false", "a yes/no value is not `true` or `false`",
    """Switches such as `draft`, `search` and `strict_events` take `true` or `false`, without
    quotes. Any other word (`maybe`, `later`, `"false"` in quotes) is an error rather than a
    guess, so an unfinished article is never published by accident.""",
    "content/articles/piece.md:5: `draft`: expected true or false, found `maybe` (write `true` or `false`) [SB113]",
    "draft: maybe",
    "draft: true")

NOT_A_WEB_ADDRESS = _kind(
    "SB114", "not-a-web-address", "an address does not start with http:// or https://",
    """`source_url`, claim `evidence` and an outlet's `url` are full web addresses, as copied from the
    browser's address bar, starting with https:// (or http://).""",
    "content/articles/piece.md:5: `source_url`: `www.example.org` is not a web address (...) [SB114]",
    "source_url: www.example.org/story",
    "source_url: https://www.example.org/story")

BAD_BASE_URL = _kind(
    "SB115", "bad-base-url", "`base_url` (or --base-url) is not a path or an address",
    """`base_url` says where the site is served. `/` for a site at the root of a domain; `/<repo>/`
    for a GitHub Pages project site (https://<owner>.github.io/<repo>/); or the full
    https://<owner>.github.io/<repo>/ address, which feeds and the sitemap need. It must start
    with / or https:// and have no ?query or #fragment.""",
    "site.yml:3: `base_url`: `my-repo` must start with / or https:// (e.g. `/`, `/my-repo/` ...) [SB115]",
    "base_url: my-repo",
    "base_url: /my-repo/")

NOT_ALLOWED = _kind(
    "SB116", "not-allowed-value", "a value is not one of those allowed",
    """Some keys take one of a fixed list of values. An article's `stance` must be one of the stances
    declared in site.yml, and a claim's `verdict` one of its verdicts; a claim's `role` is makes,
    reports or disputes. The hint lists the allowed values. To add a stance or a verdict, declare
    it in site.yml first, with a line saying what it means.""",
    "content/articles/piece.md:5: `stance`: `neutral` is not one of the allowed values (allowed: news, analysis, opinion) [SB116]",
    "# site.yml\nstances:\n  news: Reports events.\n# the article\nstance: neutral",
    "# site.yml\nstances:\n  news: Reports events.\n  neutral: Gives each side's account without taking one.\n"
    "# the article\nstance: neutral")

NOT_A_LIST = _kind(
    "SB117", "not-a-list", "a list value is written as plain text",
    """`caveats`, `tags`, `related`, `claims` and `evidence` are lists: one `- item` per line,
    indented under the key, or `[a, b]` on one line for short items.""",
    "content/articles/piece.md:5: `caveats`: expected a list, found `one string` (write one `- item` per line under the key) [SB117]",
    "caveats: The date is inferred.",
    "caveats:\n  - The date is inferred.")

EMPTY_LIST_ITEM = _kind(
    "SB118", "empty-list-item", "a list has an item with nothing after its dash",
    """A line with a lone `-` is an empty item, usually left over from a deletion. Remove the line or
    write the item after the dash.""",
    "content/articles/piece.md:8: `tags`: empty list item (remove the lone `-` or give it a value) [SB118]",
    "tags:\n  - isis\n  -",
    "tags:\n  - isis")

NOT_KEY_VALUE_BLOCK = _kind(
    "SB119", "not-a-mapping", "a value that needs indented `key: value` lines has something else",
    """Some values are themselves groups of keys, written indented under their name: `stances` and
    `verdicts` in site.yml (`key: what it means`), each outlet in outlets.yml, each claim, and
    `provenance`. This one has a single value or a list instead.""",
    "content/outlets.yml:1: `The Outlet`: expected indented `key: value` lines (indent kind, affiliation, ...) [SB119]",
    "The Outlet: a news agency",
    "The Outlet:\n  kind: news agency")

NOT_A_WHOLE_NUMBER = _kind(
    "SB120", "not-a-whole-number", "a number is not a whole number of zero or more",
    """Counts such as `related_count`, `feed_count` and `word_count` are written with digits only,
    with no quotes, units or decimal point.""",
    "site.yml:9: `feed_count`: expected a whole number, found `twenty` (write digits only, e.g. 1200) [SB120]",
    "feed_count: twenty",
    "feed_count: 20")

EVENT_DATES = _kind(
    "SB130", "event-dates", "an event in events.yml ends before it starts, or has an end and no start",
    """An event's `start` and `end` in content/events.yml give the days the story ran, shown on its
    page and in the list of events. `end` is for a story that lasted more than a day and needs a
    `start`; a one-day event has `start` alone. An end before the start is usually two dates
    swapped, or a mistyped year.""",
    "content/events.yml:5: `end` (2015-10-01) is before `start` (2015-10-07) (swap the two dates, or correct the one mistyped) [SB130]",
    "2015-10-07-hama-ground-offensive:\n  start: 2015-10-07\n  end: 2015-10-01",
    "2015-10-07-hama-ground-offensive:\n  start: 2015-10-07\n  end: 2015-10-10")

UNKNOWN_LICENCE = _kind(
    "SB140", "unknown-licence", "site.yml's `licence` is not an identifier site_builder knows",
    """`licence` says under which terms the editors' work (context, claims, annotations and the data
    under /data/) may be reused; it is shown in every page's footer, on the Data page and in the
    data files. Write the SPDX identifier of an open-data licence (CC-BY-4.0, CC-BY-SA-4.0, CC0-1.0,
    ODbL-1.0 and the other Creative Commons and Open Data Commons licences), or, for any other
    licence, its `name:` and `url:` (and its SPDX `id:` if it has one) on indented lines.""",
    "site.yml:12: `licence`: `CC-BY-4` is not a licence identifier known here (did you mean `CC-BY-4.0`? ...) [SB140]",
    "licence: CC-BY-4",
    "licence: CC-BY-4.0")

INVALID_VALUE = _kind(
    "SB199", "invalid-value", "a value does not fit its key",
    """The value does not have the form its key expects. The message says what was expected;
    docs/reference.md lists every key with its type and an example.""",
    "content/articles/piece.md:5: `key`: expected ..., found ... [SB199]",
    "key: a value of the wrong form",
    "key: a value of the form docs/reference.md gives")

# --- SB2xx: links between pieces, outlets, events and claims ----------------------------------

LINK_TO_NOTHING = _kind(
    "SB201", "link-to-nothing", "a [[wikilink]] or `related` slug names no article",
    """`[[slug]]` in a text and the slugs under `related:` name another article by its file name,
    without .md. No article has this name: it is misspelt, or the article was renamed or not
    written yet. The hint names the closest existing slug. Readers would meet a broken link, so it
    is an error.""",
    "content/articles/piece.md:14: wikilink `russian-warships-strike` names no article (did you mean `russian-warships-strike-islamic-state-targets-with-cruise-missiles`?) [SB201]",
    "Compare [[russian-warships-strike]].",
    "Compare [[russian-warships-strike-islamic-state-targets-with-cruise-missiles|the wire-copy patchwork]].")

LINK_TO_DRAFT = _kind(
    "SB202", "link-to-draft", "a link points to an article that is still a draft",
    """Drafts are not published, so a link to one would be broken on the site. Publish the other
    article (`draft: false`, once it is ready), or remove the link until it is.""",
    "content/articles/piece.md:14: related `other-piece` links to a draft (publish it (`draft: false`) or remove the link) [SB202]",
    "# other-piece.md\ndraft: true",
    "# other-piece.md\ndraft: false")

OUTLET_WITHOUT_PROFILE = _kind(
    "SB203", "outlet-without-profile", "an article's outlet has no profile in outlets.yml (a warning)",
    """content/outlets.yml describes each outlet (what kind it is, who owns it, its leaning), and
    every article shows that profile. The outlet is written differently in the article and in
    outlets.yml, or has no profile yet. The name must match exactly, capitals and punctuation
    included.""",
    "content/articles/piece.md:3: warning: outlet `Global research` has no profile in content/outlets.yml (did you mean `Global Research`? ...) [SB203]",
    "outlet: Global research",
    "outlet: Global Research")

LONELY_EVENT = _kind(
    "SB204", "lonely-event", "an `event` is used by only one article",
    """`event` groups the pieces that cover the same story, so readers can compare how each outlet
    told it. An event key used by one piece alone is usually a typo of another piece's key. It is
    a warning (an error with `strict_events: true` in site.yml). If no other piece covers the
    story yet, leave `event` out until one does.""",
    "content/articles/piece.md:9: warning: event `2015-10-07-hama-offensive` is covered by no other piece (did you mean `2015-10-07-hama-ground-offensive`?) [SB204]",
    "event: 2015-10-07-hama-offensive",
    "event: 2015-10-07-hama-ground-offensive")

CLAIM_INCOMPLETE = _kind(
    "SB205", "claim-incomplete", "a claim has no text or no verdict anywhere",
    """A claim is recorded once in full (its `text` and `verdict`), where it first appears; other
    articles carrying it may give only its `id`. This claim has no text, or no verdict, in any
    article. Add them where the claim is first recorded.""",
    "content/articles/piece.md:20: claim `six-hundred-dead` has no verdict (add `verdict:` where the claim is first recorded) [SB205]",
    "claims:\n  - id: six-hundred-dead\n    text: The strikes killed 600 fighters.",
    "claims:\n  - id: six-hundred-dead\n    text: The strikes killed 600 fighters.\n    verdict: unverified")

CLAIM_DISAGREEMENT = _kind(
    "SB206", "claim-disagreement", "one claim is given two different texts or verdicts",
    """Articles carrying the same claim `id` share one claim: one text and one verdict, shown on the
    claim's page. Here the text or verdict differs from the one given in another article. Give
    them only once, where the claim first appears, and elsewhere write just the `id` (with this
    piece's `role`, and `by` or `note` if they differ).""",
    "content/articles/b.md:12: claim `six-hundred-dead` has a different verdict here than in content/articles/a.md (...) [SB206]",
    "claims:\n  - id: six-hundred-dead\n    verdict: false\n    role: reports",
    "claims:\n  - id: six-hundred-dead\n    role: reports")

EVENT_WITHOUT_TITLE = _kind(
    "SB210", "event-without-title", "an event has no title in events.yml (a warning)",
    """When a site keeps content/events.yml, each event its articles name should have an entry
    there with a `title` (and, ideally, a one-sentence `description` and its dates), so its page
    and the list of events say what the story is in the editors' words. Without one, the event
    is titled from its key ("Hama ground offensive"). The key is written differently in the
    article and in events.yml, or the event has no entry yet.""",
    "content/articles/piece.md:9: warning: event `2015-10-07-hama-ground-offensive` has no title in content/events.yml (add `2015-10-07-hama-ground-offensive:` with a `title:` to content/events.yml) [SB210]",
    "# content/events.yml\n2015-10-07-caspian-missile-strike:\n  title: Caspian Sea cruise-missile strike",
    "# content/events.yml\n2015-10-07-caspian-missile-strike:\n  title: Caspian Sea cruise-missile strike\n"
    "2015-10-07-hama-ground-offensive:\n  title: Syrian ground offensive in northern Hama")

EVENT_UNUSED = _kind(
    "SB211", "event-unused", "an entry in events.yml is named by no article (a warning)",
    """Every key in content/events.yml describes an event that articles name with `event:`. No
    article, draft or published, names this one: the key is misspelt (here or in the articles), or
    the pieces on it were removed. It gets no page. The hint names the closest key the articles
    use.""",
    "content/events.yml:4: warning: event `2015-10-07-hama-offensive` is named by no article (did you mean `2015-10-07-hama-ground-offensive`?) [SB211]",
    "2015-10-07-hama-offensive:\n  title: Syrian ground offensive in northern Hama",
    "2015-10-07-hama-ground-offensive:\n  title: Syrian ground offensive in northern Hama")

MENU_NAMES_NOTHING = _kind(
    "SB212", "menu-names-nothing", "a `menu` item in site.yml names no page or section",
    """An item of `menu:` in site.yml written as a single word names a part of the site: one of the
    sections (home, outlets, tags, events, timeline, claims, search) or a standalone page by its file
    name in content/pages/ (without .md). This one names neither: it is misspelt, or the page was
    renamed. Any other link is written as `title:` and `url:` lines.""",
    "site.yml:12: `menu`: item 3: `abuot` names no page or section (did you mean `about`?) [SB212]",
    "menu:\n  - home\n  - abuot",
    "menu:\n  - home\n  - about")

TRANSLATION_OF_NOTHING = _kind(
    "SB220", "translation-of-nothing", "`translation_of` names no article",
    """`translation_of: slug` says the piece is a translation of another article, named by its
    file name without .md. No article has this name: it is misspelt, or the original was renamed
    or not collected yet. The hint names the closest slug. Without its original a translation
    inherits nothing (outlet, date, event, claims) and links to nothing, so it is an error.""",
    "content/articles/piece-ru.md:4: `translation_of` `caspian-strike` names no article (did you mean `caspian-strikes`?) [SB220]",
    "translation_of: caspian-strike",
    "translation_of: caspian-strikes")

TRANSLATION_CHAIN = _kind(
    "SB221", "translation-chain", "a translation names another translation (or itself) as its original",
    """Every translation names the original directly: a translation of a translation would leave
    readers unsure which text is the outlet's, and a loop (a translation of itself, or two pieces
    naming each other) has no original at all. Name the piece the others were translated from.""",
    "content/articles/piece-fr.md:4: `translation_of` `piece-ru` is itself a translation of `piece` (name `piece` instead) [SB221]",
    "translation_of: piece-ru",
    "translation_of: piece")

# --- SB3xx: the original an article was imported from -----------------------------------------

ORIGINAL_MISSING = _kind(
    "SB301", "original-missing", "the original named under `provenance` is missing",
    """`site-builder import` keeps the original of each article, byte for byte, in content/sources/
    and records it under `provenance`. That file is gone or was renamed, so readers could no
    longer see the text as collected. Restore it from version control (`git checkout --
    content/sources/<file>`) or, if the article was not imported, remove the provenance block.""",
    "content/articles/piece.md:40: provenance: cannot read the original `content/sources/001.txt` (No such file or directory) [SB301]",
    "$ git status\n  deleted: content/sources/001.txt",
    "$ git checkout -- content/sources/001.txt")

ORIGINAL_CHANGED = _kind(
    "SB302", "original-changed", "the original was edited after import (a warning)",
    """Originals are evidence and are never edited: corrections belong in the article. The file in
    content/sources/ no longer matches the SHA-256 recorded when it was imported. Restore it from
    version control, or import the new version with `site-builder import` (which keeps your front
    matter and notes).""",
    "content/articles/piece.md:40: warning: provenance: `content/sources/001.txt` no longer matches its SHA-256 (...) [SB302]",
    "$ git diff --stat\n  content/sources/001.txt | 2 +-",
    "$ git checkout -- content/sources/001.txt")

# --- SB4xx: the theme and the build -----------------------------------------------------------

THEME_NOT_FOUND = _kind(
    "SB401", "theme-not-found", "site.yml names a theme that has no folder",
    """`theme: mine` in site.yml uses templates and styles from themes/mine/ in the site folder,
    falling back to the default theme file by file. There is no such folder.""",
    "site.yml: theme `mine` not found (create themes/mine/ or set `theme: default`) [SB401]",
    "theme: mine",
    "theme: default        # or create themes/mine/templates/ with the files to override")

TEMPLATE_ERROR = _kind(
    "SB402", "template-error", "a theme template could not be rendered",
    """A Jinja template in the site's theme has a syntax error or uses a name that does not exist.
    The line given is in the template. Compare it with the same file in the default theme, or
    remove the override to fall back to the default.""",
    "themes/mine/templates/article.html:1: template error: 'no_such' is undefined (...) [SB402]",
    "{% block main %}{{ no_such }}{% endblock %}",
    "{% block main %}{{ article.title }}{% endblock %}")

SEARCH_INDEX_FAILED = _kind(
    "SB403", "search-index-failed", "the search index could not be built",
    """The full-text search index is built by Pagefind, which comes with site-builder. It failed to
    run (the message says why, often a missing or blocked program). Reinstall site-builder, or
    build without search for now with `search: false` in site.yml.""",
    "build: Pagefind failed: ... (run with search: false in site.yml to build without it) [SB403]",
    "search: true",
    "search: false")

NO_INTERFACE_CATALOGUE = _kind(
    "SB404", "no-interface-catalogue", "no catalogue translates the theme into the site's language (a warning)",
    """`language` in site.yml is also the language of the interface: the theme's own words ("Context
    from the editors", "Caveats", dates). The default theme ships catalogues for en, fr, de, ru and
    ar; for another language, or another wording, a theme can add one in
    themes/<name>/locale/<lang>/LC_MESSAGES/messages.po (`site-builder translations LANG --update`
    writes it with every string to translate). Until then the interface is shown in English.""",
    "site.yml:4: warning: `language`: the theme has no catalogue for `es`: its words are shown in English (...) [SB404]",
    "language: es",
    "language: es          # and themes/mine/locale/es/LC_MESSAGES/messages.po translated")

UNEXPECTED = _kind(
    "SB499", "unexpected-error", "the build failed for a reason not in your files",
    """Something went wrong that is not a mistake in the content: a full disk, a file locked by
    another program, or a bug in site-builder. The preview server keeps running and shows it; the
    terminal shows the details. If it persists, report it with those details.""",
    "build: OSError: [Errno 28] No space left on device (see the terminal) [SB499]",
    "(a full disk)",
    "(free some space, then save a file to rebuild)")

# --- SB5xx: footnotes and headings in an article's text and notes -------------------------------

FOOTNOTE_WITHOUT_NOTE = _kind(
    "SB501", "footnote-without-note", "a footnote mark `[^1]` has no note",
    """A footnote is two pieces: the mark `[^1]` right after the words it is about, and the note,
    a line of its own starting `[^1]: `. A mark whose note is missing is shown to readers as the
    characters `[^1]`, so it is an error. The article's text and the editors' notes (everything
    under the notes heading named in site.yml) are shown as two separate parts, each with its own
    footnotes: a mark in the text needs its note in the text too (usually at the end of the text,
    just above the notes heading). Add the note, move it into the right part, or remove the mark.""",
    "content/articles/piece.md:14: footnote mark `[^2]` has no note in the text: the page would show `[^2]` as typed "
    "(add a note `[^2]: ...` on its own line in the text, or remove the mark) [SB501]",
    "Air strikes killed 600 fighters.[^2]\n\n## Editorial notes",
    "Air strikes killed 600 fighters.[^2]\n\n[^2]: Editor's note: the only source is the Russian ministry.\n\n"
    "## Editorial notes")

NOTE_WITHOUT_MARK = _kind(
    "SB502", "note-without-mark", "a footnote note has no mark (a warning)",
    """A footnote note (a line starting `[^3]: `) is shown in the list of annotations, but no
    `[^3]` mark in the same part ties it to the words it is about, so readers cannot tell what it
    comments on. Often the mark was lost when the text was replaced, or it sits in the other part
    (the text and the editors' notes are shown apart). Put the mark right after the words the note
    is about, or delete the note.""",
    "content/articles/piece.md:30: warning: footnote note `[^3]:` has no mark in the text: it is attached to no words "
    "(put `[^3]` right after the words it is about, or delete the note) [SB502]",
    "The ministry gave no figures.\n\n[^3]: Editor's note: later reports gave 600.",
    "The ministry gave no figures.[^3]\n\n[^3]: Editor's note: later reports gave 600.")

NOTES_HEADING_REPEATED = _kind(
    "SB503", "notes-heading-repeated", "the editors' notes heading is written twice (a warning)",
    """The editors' notes start at the heading named by `notes_heading` in site.yml (`## Editorial
    notes` by default); `site-builder import` writes it at the end of each new article. A second
    heading of the same name would be shown twice on the page. Keep the first and write your notes
    under it.""",
    "content/articles/piece.md:40: warning: a second `## Editorial notes` heading: the page would show it twice "
    "(the notes already start at line 31; delete this heading) [SB503]",
    "## Editorial notes\n\n## Editorial notes\n\nThe figures come from the ministry alone.",
    "## Editorial notes\n\nThe figures come from the ministry alone.")

FOOTNOTE_NOTE_TWICE = _kind(
    "SB504", "footnote-note-twice", "two footnote notes have the same label",
    """Two notes in the same part start with the same label (`[^1]: `). Markdown keeps only the
    last, so the other annotation would silently disappear from the page. Merge the two notes, or
    give one of them its own label and mark.""",
    "content/articles/piece.md:33: footnote note `[^1]:` is given twice in the text: the page would show only this one "
    "(the other is on line 31; merge them, or give one another label) [SB504]",
    "Text[^1] and more text.\n\n[^1]: The first note.\n[^1]: The second note.",
    "Text[^1] and more text.[^2]\n\n[^1]: The first note.\n[^2]: The second note.")

# --- SB6xx: annotations, notes anchored to a quoted passage of the text ---------------------------

ANNOTATION_QUOTE_EMPTY = _kind(
    "SB601", "annotation-quote-empty", "an annotation's quote is only spaces",
    """An annotation is found on the page by quoting its passage: `quote:` holds the words the note
    is about, exactly as the page shows them. A quote of nothing but spaces names no words, so the
    note could be attached anywhere. Copy the words from the page into the quote.""",
    "content/articles/piece.md:12: `annotations`: item 1: the quote is empty "
    "(copy the words the note is about from the page into `quote:`) [SB601]",
    'annotations:\n  - quote: " "\n    note: The ministry is the only source.',
    'annotations:\n  - quote: "about 600 ISIS terrorists"\n    note: The ministry is the only source.')

ANNOTATION_QUOTE_TOO_LONG = _kind(
    "SB602", "annotation-quote-too-long", "an annotation's quote is longer than the whole text",
    """The quote must be a passage of the piece's text, but it is longer than the text itself: it was
    probably copied from another piece, or with the notes or the page around the text. Quote only
    the words of this piece's text that the note is about.""",
    "content/articles/piece.md:12: `annotations`: item 1: the quote (2,400 characters) is longer than "
    "the text (1,800) (quote only the words of this text the note is about) [SB602]",
    "annotations:\n  - quote: \"(a whole other article)\"",
    'annotations:\n  - quote: "killed about 600 ISIS terrorists"')

ANNOTATION_NOT_PLACED = _kind(
    "SB603", "annotation-not-placed", "an annotation's quote cannot be placed in the text with confidence",
    """Each annotation is attached to the passage its quote names. The quote is looked for exactly,
    then, when the text has changed since the note was written, approximately (as Hypothesis does):
    by the quote, the words before and after it (`prefix`, `suffix`) and its position (`at`). This
    one could not be placed with confidence: the words are not in the text (often a straight ' or "
    where the page has a curly one, or words changed by a re-import), or they occur several times
    and nothing tells which is meant. Rather than attach the note to the wrong words, the build
    stops. The message shows the closest passage found: copy the words exactly as the page shows
    them into `quote:`, and for a passage the text holds more than once add `prefix:` or `suffix:`
    with a few words around it.""",
    "content/articles/piece.md:12: `annotations`: item 1: the quote `the strike` cannot be placed: it fits 2 places "
    "equally well: add words before or after it (prefix, suffix) or its position (copy the words exactly as the page "
    "shows them into `quote:`; for words the text holds more than once, add `prefix:` or `suffix:` with the words "
    "around them) [SB603]",
    'annotations:\n  - quote: "the strike"\n    note: Only the ministry says so.',
    'annotations:\n  - quote: "the strike"\n    suffix: " was part of a massive"\n    note: Only the ministry says so.')

ANNOTATION_PLACED_APPROXIMATELY = _kind(
    "SB604", "annotation-placed-approximately", "an annotation's quote was found only approximately (a warning)",
    """The quote is no longer in the text word for word (the text was re-imported, or a typo fixed),
    but one passage matches it closely, with its context, so the note is attached there and the
    page is built. Check that the passage shown is the one the note is about, then copy it into
    `quote:` so the annotation matches exactly again.""",
    "content/articles/piece.md:12: warning: `annotations`: item 1: the quote `killed about 600 ISIS terorists` is "
    "not in the text word for word; placed on `killed about 600 ISIS terrorists` (if that is the passage, copy it "
    "into `quote:` so it matches exactly) [SB604]",
    'annotations:\n  - quote: "killed about 600 ISIS terorists"',
    'annotations:\n  - quote: "killed about 600 ISIS terrorists"')

ANNOTATION_ID_TWICE = _kind(
    "SB605", "annotation-id-twice", "two annotations of one article have the same id",
    """An annotation's `id` names it on the page (its address, `#annotation-<id>`) and in the
    exported annotations, so within one article each must be different. Two annotations were given
    the same `id:`; rename one.""",
    "content/articles/piece.md:20: `annotations`: item 2: the id `source-of-figure` is already used by the "
    "annotation on line 12 (give this one another `id:`) [SB605]",
    "annotations:\n  - quote: 600 ISIS\n    id: source-of-figure\n  - quote: 522 sorties\n    id: source-of-figure",
    "annotations:\n  - quote: 600 ISIS\n    id: source-of-figure\n  - quote: 522 sorties\n    id: sorties-figure")

# --- SB7xx: corrections, the editors' dated record of what they changed and why ---------------------

CORRECTION_FIELD_UNKNOWN = _kind(
    "SB701", "correction-field-unknown", "a correction's `field` names nothing the piece or profile has",
    """Each correction says what changed in `field:`: a front-matter key of the piece (`stance`,
    `caveats`, `date`, ...), a claim the piece carries (`claims.<id>` or `claims.<id>.verdict`,
    `.note`, ...), one of its annotations (`annotations.<id>`) or its editorial notes (`notes`); in
    content/outlets.yml, one of the profile's keys (`kind`, `affiliation`, `leaning`, `url`,
    `notes`). The page links the changed field to its correction, so the field must exist: a
    misspelt key or a claim the piece does not carry would leave readers with a correction that
    points at nothing.""",
    "content/articles/piece.md:14: `corrections`: item 1: `field`: `claims.precise-strikes.verdcit` names nothing "
    "in this piece (did you mean `claims.precise-strikes.verdict`?) [SB701]",
    "corrections:\n  - date: 2026-12-07\n    kind: correction\n    field: claims.precise-strikes.verdcit",
    "corrections:\n  - date: 2026-12-07\n    kind: correction\n    field: claims.precise-strikes.verdict")

CORRECTION_IN_FUTURE = _kind(
    "SB702", "correction-in-future", "a correction is dated after today",
    """A correction's `date` is the day the editors made the change, so it cannot be later than
    today: readers and the corrections feed would see a change announced before it was made. It is
    usually a typo in the year or the month; write the day the change was made.""",
    "content/articles/piece.md:15: `corrections`: item 1: `date`: 2062-12-07 is after today (2026-12-07) "
    "(write the day the editors made the change) [SB702]",
    "corrections:\n  - date: 2062-12-07",
    "corrections:\n  - date: 2026-12-07")

CHANGE_WITHOUT_CORRECTION = _kind(
    "SB703", "change-without-correction", "a stance or verdict changed since it was published, with no correction",
    """Readers trust the editors' verdicts and stances; changing one silently, after readers have
    seen it, is what a corrections policy exists to prevent (the International Fact-Checking
    Network's principles ask for open and honest corrections). `check` and `build` compare each
    piece's stance and each claim's verdict with the last published version: the source commit
    of the last `deploy` (named on the gh-pages branch), else the commit the current branch last
    pushed, else the last commit; in a site that is not in git, the last build. A changed one
    needs a new entry in the piece's `corrections:` (for a claim, in the piece that declares it)
    whose `field` is `stance` or `claims.<id>.verdict`, saying what it was, what it is now and
    why. A new piece, or a first verdict, needs none.""",
    "content/articles/piece.md:12: claim `precise-strikes`: the verdict changed from `disputed` to `false` since "
    "the last published version (commit 1a2b3c4, deployed to gh-pages) and no correction records it (add an entry "
    "to `corrections:` with `field: claims.precise-strikes.verdict`, e.g. ...) [SB703]",
    "claims:\n  - id: precise-strikes\n    verdict: false",
    "claims:\n  - id: precise-strikes\n    verdict: false\ncorrections:\n  - date: 2026-12-07\n"
    "    kind: correction\n    field: claims.precise-strikes.verdict\n    was: disputed\n    now: \"false\"\n"
    "    why: The note already said the claim is not borne out; the evidence shows it is false.")

# --- SB8xx: addresses on the web: importing by address, archiving, checking links ------------------

NOT_A_WEB_PAGE_ADDRESS = _kind(
    "SB801", "not-a-web-page-address", "an address to import or check is not http:// or https://",
    """`site-builder import` fetches pages from the web only: an address must start with http:// or
    https:// and name a host. A `file:` address would read files of this computer, and `ftp:` or
    `javascript:` addresses are not pages, so they are refused before anything is requested. For a
    page saved on your computer, give its path instead of an address.""",
    "file:///etc/passwd: not a web address: `file:` addresses are not fetched (only http:// and https://) [SB801]",
    "$ site-builder import file:///home/me/story.html",
    "$ site-builder import /home/me/story.html")

ADDRESS_UNREACHABLE = _kind(
    "SB802", "address-unreachable", "the server could not be reached, or stopped answering",
    """The host does not exist, refused the connection, or stopped sending the page before it was
    complete (import waits `--timeout` seconds between two pieces of an answer). Nothing was kept.
    Check the address in a browser; if the site is slow, import it again with a longer
    `--timeout`; if it is gone, look for an archived copy (web.archive.org) and import that.""",
    "https://slow.example.org/story: no answer within 20 s (the server stalled) [SB802]",
    "$ site-builder import https://slow.example.org/story",
    "$ site-builder import --timeout 60 https://slow.example.org/story")

ADDRESS_HTTP_ERROR = _kind(
    "SB803", "address-http-error", "the server answered with an error (404, 410, 500, ...)",
    """The server answered, but with an error instead of the page: 404 (not found) and 410 (gone)
    mean the piece was moved or deleted; 401 and 403 that it needs a login or refuses automated
    readers; 5xx that the site is failing. For a vanished piece, import an archived copy; for a
    login page, save the page from your browser and import the file.""",
    "https://news.example.org/deleted: HTTP 410 Gone (removed for good) [SB803]",
    "$ site-builder import https://news.example.org/deleted",
    "$ site-builder import https://web.archive.org/web/2024/https://news.example.org/deleted")

TOO_MANY_REDIRECTS = _kind(
    "SB804", "too-many-redirects", "the address redirects in a loop, too often, or off the web",
    """A page may move and its old address redirect to the new one; import follows at most five
    such redirects and records them. This address went round in a loop, needed more, or pointed
    to something that is not a web address. Open it in a browser to see where it ends, and import
    that address (a site that redirects every automated reader to a consent page in a loop needs
    the page saved from the browser).""",
    "https://news.example.org/a: redirect loop: https://news.example.org/b -> https://news.example.org/a [SB804]",
    "$ site-builder import https://news.example.org/a",
    "$ site-builder import ~/Downloads/story.html   # saved from the browser")

PAGE_TOO_LARGE = _kind(
    "SB805", "page-too-large", "the page is larger than 20 MB once decompressed",
    """A news page is a few hundred kilobytes, rarely a few megabytes. An answer larger than 20 MB
    (counted after decompression, so a small compressed file that would expand to gigabytes is
    refused as soon as it passes the limit) is a video, an archive or a malicious answer, not a
    piece to annotate. Nothing was kept. Check that the address is the article itself.""",
    "https://news.example.org/huge: the page is larger than 20 MB (however compressed), so not a news page; "
    "not kept [SB805]",
    "$ site-builder import https://news.example.org/video.mp4",
    "$ site-builder import https://news.example.org/story-about-the-video")

NOT_A_WEB_PAGE = _kind(
    "SB806", "not-a-web-page", "the address gives a PDF, an image or another file, not an HTML page",
    """Import reads web pages (HTML). The server sent something else: a PDF, an image, a feed or a
    download, as its Content-Type says. For a PDF, copy its text into a .txt file (keeping the PDF
    yourself) and import that; for a feed, import the address of the article it links to.""",
    "https://news.example.org/report.pdf: a PDF (application/pdf), not a web page: save its text as a .txt file "
    "and import that [SB806]",
    "$ site-builder import https://news.example.org/report.pdf",
    "$ site-builder import report.txt   # the PDF's text, copied into a file")

PAGE_WITHOUT_ARTICLE = _kind(
    "SB807", "page-without-article", "the page is empty or holds no article text",
    """The server sent a page, but it is empty, or nothing in it reads as an article: a cookie
    wall, a login form, a page built by JavaScript in the browser, or a section front listing
    other pieces. Open it in a browser: if the text shows there, save the page from the browser
    (File > Save Page As) and import the file.""",
    "https://news.example.org/app: no article text found in the page [SB807]",
    "$ site-builder import https://news.example.org/app",
    "$ site-builder import ~/Downloads/story.html   # saved after the browser ran the page")

SERVER_BUSY = _kind(
    "SB808", "server-busy", "the server kept saying it is busy (429 or 503)",
    """The site answered "too many requests" (429) or "unavailable" (503). Import waits as long as
    the server asks (its Retry-After), up to a minute, and asks again a few times; it still
    refused, or asked to wait longer. Import the address again later: pieces already imported are
    left as they are.""",
    "https://news.example.org/story: HTTP 429 Too Many Requests: the server asks to wait 3600 s; try again "
    "later [SB808]",
    "$ site-builder import --from list.txt     # at the busiest hour",
    "$ site-builder import --from list.txt     # an hour later: the rest are imported")

ARCHIVE_FAILED = _kind(
    "SB810", "archive-failed", "no archived copy could be made or found (a warning)",
    """`import --archive` and `site-builder archive` ask the Internet Archive (`archive_service` in
    site.yml) to save each source, and, when it cannot, for the latest copy it already holds. The
    service was down, slow, refused, or holds no copy. The piece itself is imported; run
    `site-builder archive` again later to archive what is still missing.""",
    "content/articles/piece.md: warning: https://news.example.org/story: no archived copy: the archive "
    "answered HTTP 523 and holds no earlier copy (run site-builder archive again later) [SB810]",
    "provenance:\n  source: content/sources/story-1a2b3c4d.html",
    "provenance:\n  source: content/sources/story-1a2b3c4d.html\n"
    "  archive_url: https://web.archive.org/web/20261207101112/https://news.example.org/story\n"
    "  archived: 2026-12-07")

LINK_DEAD = _kind(
    "SB820", "link-dead", "an external address answers with an error or not at all",
    """`check --links` asks every external address of the collection (sources, evidence, links in
    the texts, notes and annotations) whether it still answers. This one answered 4xx or 5xx, or
    could not be reached. Readers following it will find nothing: point it to an archived copy
    (the message says when the Internet Archive holds one) or to where the page moved.""",
    "content/articles/piece.md:6: https://news.example.org/gone is dead: HTTP 404 Not Found (an archived copy "
    "exists: https://web.archive.org/web/2024/https://news.example.org/gone) [SB820]",
    "source_url: https://news.example.org/gone",
    "source_url: https://news.example.org/gone\n# (and the archived copy linked, or the new address)")

LINK_MOVED = _kind(
    "SB821", "link-moved", "an external address is permanently redirected (a warning)",
    """The address answers with a permanent redirect (301 or 308) to another one: the page moved
    for good. It still works, but the old address may stop redirecting one day. Replace it with
    the new address the message names.""",
    "content/articles/piece.md:6: warning: https://news.example.org/old moved permanently to "
    "https://news.example.org/new (write the new address) [SB821]",
    "source_url: https://news.example.org/old",
    "source_url: https://news.example.org/new")

LINK_SUSPICIOUS = _kind(
    "SB822", "link-suspicious", "an external address answers with the site's home or error page (a warning)",
    """The address answers 200, but with the site's home page, or with a page whose title says it
    is not found (a "soft 404"): many sites do that for deleted pieces instead of answering 404.
    Open it in a browser; if the piece is gone, link an archived copy instead.""",
    "content/articles/piece.md:6: warning: https://news.example.org/deleted answers with the site's home page "
    "(https://news.example.org/), not the piece: it may have been removed [SB822]",
    "source_url: https://news.example.org/deleted",
    "source_url: https://web.archive.org/web/2024/https://news.example.org/deleted")
