"""What readers last saw of the editors' stances and verdicts, and the check that a change to one
since then is recorded as a correction.

A silent change of a verdict is what a corrections policy exists to prevent, so `check` and
`build` compare each published piece's stance and each claim's verdict with the last published
state, and a change that no new correction entry records (`field: stance`, or
`claims.<id>.verdict`) is an error. The last published state, in order of preference:

1. In git, the source commit of the last `deploy`: its gh-pages commit says `Deploy <sha> of
   <branch>` (site_builder.deploy), and that commit is exactly what was published. Else the
   commit the current branch last pushed (its upstream: the Pages workflow `new` writes publishes
   every push), else the last commit. Only the article files that differ from that commit are
   read from git (`git diff`, then one `git cat-file --batch`), so a check costs two git commands.
2. Without git (or a repository with no commit yet), the previous build: every build records its
   published stances, verdicts and counts of corrections in build/'s own record
   (site_builder.buildinfo), which is never deployed.
3. With neither, nothing is compared: never a false error.

A new piece (not in the published state), a first stance or verdict, and a draft are never
compared. Counting corrections, rather than dating them, keeps builds reproducible and needs no
clock: a change needs one more entry for its field than the published version had.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Iterable

from site_builder import problem_codes as codes
from site_builder.buildinfo import BUILD_INFO_FILE
from site_builder.collection import Claim
from site_builder.config import SiteConfig
from site_builder.errors import Problem
from site_builder.fields import yaml_word
from site_builder.reader import ARTICLES_DIR, Article, split_front_matter
from site_builder.yamlsource import load_mapping

DEPLOY_REFS = ("refs/heads/gh-pages", "refs/remotes/origin/gh-pages")  # where `deploy` publishes by default
_DEPLOY_LINE = re.compile(r"^Deploy ([0-9a-f]{4,40})(?:-dirty)? of ", re.MULTILINE)
GIT_TIMEOUT = 30  # seconds; a git that hangs (a lock, a prompt) must not hang the build
# Reading only: take no optional lock (a `git commit` in another window must not fail because a build ran).
_GIT_ENV = {**os.environ, "GIT_OPTIONAL_LOCKS": "0"}


@dataclass(frozen=True)
class PublishedPiece:
    """What readers saw of one piece: its stance, the verdicts it declares, and how many
    corrections it recorded for each field the guard watches (`stance`, `claims.<id>.verdict`)."""

    stance: str = ""
    verdicts: dict[str, str] = field(default_factory=dict)
    corrected: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class PublishedState:
    where: str  # how messages name it: "commit 1a2b3c4, the source of the last deploy to gh-pages"
    pieces: dict[str, PublishedPiece]  # by the article file's path, relative to the site folder


def piece_of(article: Article) -> PublishedPiece:
    """What a piece as read now publishes."""
    return PublishedPiece(article.stance, {c.id: c.verdict for c in article.claims if c.verdict},
                          _watched(c.field for c in article.corrections) if article.corrections else {})


def published_pieces(articles: Iterable[Article], summary_keys: dict[str, str] | None = None,
                     known: dict[str, PublishedPiece] | None = None) -> tuple[dict[str, PublishedPiece],
                                                                                dict[str, PublishedPiece]]:
    """What each piece published now shows, by path: made once per build for the guard and the
    build's record (each of them went over every piece); and the memo for the next build.

    `known` (the last build's memo) holds pieces by their summary key (`summary_keys`, by slug),
    which covers what `piece_of` reads: an edit build then reads no piece's claims and
    corrections, which loading the build state leaves cold (reader.Article). A translation's
    covers its original's file too (translations.keys_with_originals), whose claims it inherits."""
    summary_keys, known = summary_keys or {}, known or {}
    pieces, memo = {}, {}
    plain: dict[str, PublishedPiece] = {}  # one piece per stance for those with no verdict or correction
    for article in articles:
        if article.draft:
            continue
        key = summary_keys.get(article.slug)
        piece = known.get(key) if key else None
        if piece is None:
            piece = piece_of(article)
        if not piece.verdicts and not piece.corrected:  # most pieces: the memo then holds a few objects
            piece = plain.setdefault(piece.stance, piece)
        if key:
            memo[key] = piece
        pieces[article.path] = piece
    return pieces, memo


def published_record(pieces: dict[str, PublishedPiece]) -> dict[str, Any]:
    """The build's record of what it published (JSON), for the next check of a site not in git.
    Pieces that share a PublishedPiece (published_pieces: most do) share its value, which the
    build's record file then encodes once (buildinfo)."""
    values: dict[int, dict[str, Any]] = {}  # by the piece's id: the pieces live in `pieces` meanwhile
    record = {}
    for path in sorted(pieces):
        piece = pieces[path]
        value = values.get(id(piece))
        if value is None:
            value = values[id(piece)] = {"stance": piece.stance, "verdicts": piece.verdicts,
                                         "corrected": piece.corrected}
        record[path] = value
    return record


def last_published(config: SiteConfig, current: dict[str, PublishedPiece]) -> PublishedState | None:
    """The state to compare with (see the module docstring), or None when none is known; `current`
    is `published_pieces` of the articles read now."""
    return _from_git(config, current) or _from_last_build(config.output_dir)


def unrecorded_changes(state: PublishedState | None, current: dict[str, PublishedPiece], articles: list[Article],
                       claims: Iterable[Claim], today: date | None = None) -> list[Problem]:
    """An error for each stance or verdict changed since `state` with no new correction for it
    (`current`: `published_pieces(articles)`)."""
    if state is None:
        return []
    today = today or date.today()
    problems = []
    for article in articles:
        before = state.pieces.get(article.path)
        if article.draft or before is None or not before.stance or before.stance == article.stance:
            continue
        if current[article.path].corrected.get("stance", 0) <= before.corrected.get("stance", 0):
            problems.append(_stance_problem(article, before.stance, state.where, today))
    verdicts_before: dict[str, str] = {}
    counts_before: Counter[str] = Counter()
    for piece in state.pieces.values():
        for claim_id, verdict in piece.verdicts.items():
            verdicts_before.setdefault(claim_id, verdict)
        if piece.corrected:  # most pieces have none: Counter.update is slow even on nothing
            counts_before.update(piece.corrected)
    counts_now: Counter[str] = Counter()
    for piece in current.values():
        if piece.corrected:
            counts_now.update(piece.corrected)
    for claim in claims:
        was = verdicts_before.get(claim.id)
        key = f"claims.{claim.id}.verdict"
        if was and claim.verdict and was != claim.verdict and counts_now[key] <= counts_before[key]:
            problems.append(_verdict_problem(claim, was, state.where, today))
    return problems


def _stance_problem(article: Article, was: str, where: str, today: date) -> Problem:
    now = f"`{article.stance}`" if article.stance else "none"
    return Problem(article.path, article.stance_line, f"the stance changed from `{was}` to {now} since the last "
                   f"published version ({where}) and no correction records it",
                   _hint("stance", was, article.stance or '""', today), code=codes.CHANGE_WITHOUT_CORRECTION)


def _verdict_problem(claim: Claim, was: str, where: str, today: date) -> Problem:
    path, line = next(((a.article.path, c.line) for a in claim.appearances for c in a.article.claims
                       if c.id == claim.id and c.verdict), (claim.appearances[0].article.path, 0))
    return Problem(path, line, f"claim `{claim.id}`: the verdict changed from `{was}` to `{claim.verdict}` since the "
                   f"last published version ({where}) and no correction records it",
                   _hint(f"claims.{claim.id}.verdict", was, claim.verdict, today),
                   code=codes.CHANGE_WITHOUT_CORRECTION)


def _hint(field_name: str, was: str, now: str, today: date) -> str:
    return (f"add an entry to this piece's `corrections:`, e.g. `- {{date: {today.isoformat()}, kind: correction, "
            f"field: {field_name}, was: {was}, now: {now}, why: \"<the reason, for readers>\"}}` "
            "(kind `update` when new information changed it)")


def _watched(fields: Iterable[str]) -> dict[str, int]:
    """How many corrections each watched field has (a stance, a claim's verdict)."""
    counts = Counter(f for f in fields if f == "stance" or (f.startswith("claims.") and f.endswith(".verdict")))
    return dict(sorted(counts.items()))


# --- without git: the previous build's record -----------------------------------------------------

def _from_last_build(output_dir: Path) -> PublishedState | None:
    try:
        record = json.loads((output_dir / BUILD_INFO_FILE).read_text(encoding="utf-8"))["published"]
        pieces = {path: PublishedPiece(str(p["stance"]), dict(p["verdicts"]), dict(p["corrected"]))
                  for path, p in record.items()}
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None  # no build yet, or one made before builds kept this record
    return PublishedState("the last build", pieces)


# --- in git: the last deploy's source, the last push or the last commit ----------------------------

def _from_git(config: SiteConfig, current: dict[str, PublishedPiece]) -> PublishedState | None:
    root = config.root
    # The site folder inside the repository, and the last commit (none: not in git, or no commit yet).
    found = (_git(root, "rev-parse", "--show-prefix", "--verify", "--quiet", "HEAD^{commit}") or "").split("\n")
    if len(found) < 2 or not found[1]:
        return None
    prefix, head = found[0], found[1]
    commit, where = _baseline_commit(root, head)
    if not config.content_dir.is_relative_to(root):
        return None
    folder = (config.content_dir / ARTICLES_DIR).relative_to(root).as_posix()
    changes = _changed_files(root, commit, folder)
    published = _git(root, "ls-tree", "-r", "-z", "--name-only", commit, "--", folder)
    if changes is None or published is None:
        return None
    # A file the commit has and the working tree has not changed is as readers saw it (a file the
    # commit lacks, untracked or ignored, was never published).
    unchanged = set(published.split("\0")) - set(changes)
    pieces = {path: piece for path, piece in current.items() if path in unchanged}
    before = _files_at(root, commit, [prefix + old for old in changes.values() if old])
    for path, old in changes.items():
        piece = _piece_in(before.get(prefix + old, ""), old) if old else None
        if piece is not None:
            pieces[path] = piece
    return PublishedState(where, pieces)


def _baseline_commit(root: Path, head: str) -> tuple[str, str]:
    """(commit, how messages name it): the last deploy's source, else the upstream, else `head`."""
    listed = (_git(root, "for-each-ref", "--format=%(refname:short)%00%(contents)%00", *DEPLOY_REFS) or "").split("\0")
    for branch, message in zip(listed[0::2], listed[1::2]):
        found = _DEPLOY_LINE.search(message)
        commit = _commit(root, found.group(1)) if found else None
        if commit:
            return commit, f"commit {commit[:7]}, the source of the last deploy to {branch.strip()}"
    upstream = (_git(root, "rev-parse", "@{upstream}^{commit}", "--abbrev-ref", "@{upstream}") or "").split()
    if len(upstream) == 2:
        return upstream[0], f"commit {upstream[0][:7]}, last pushed to {upstream[1]}"
    return head, f"the last commit, {head[:7]}"


def _commit(root: Path, name: str) -> str | None:
    found = _git(root, "rev-parse", "--verify", "--quiet", f"{name}^{{commit}}")
    return found.strip() if found else None


def _changed_files(root: Path, commit: str, folder: str) -> dict[str, str] | None:
    """The article files that differ between `commit` and the working tree: path now -> path in
    `commit` ("" for a file `commit` did not have; a deleted file maps to itself)."""
    output = _git(root, "diff", "--name-status", "-z", "-M", "--relative", "--no-ext-diff", commit, "--", folder)
    if output is None:
        return None
    parts = output.split("\0")
    changes: dict[str, str] = {}
    position = 0
    while position < len(parts) - 1:
        status = parts[position]
        if status[:1] in ("R", "C"):
            old, new = parts[position + 1], parts[position + 2]
            changes[new] = old if status[0] == "R" else ""
            position += 3
        else:
            path = parts[position + 1]
            changes[path] = "" if status == "A" else path
            position += 2
    return changes


def _files_at(root: Path, commit: str, paths: list[str]) -> dict[str, str]:
    """The text of each of `paths` (from the repository's top) in `commit`, read by one git process."""
    if not paths:
        return {}
    wanted = [p for p in paths if "\n" not in p]
    try:
        result = subprocess.run(["git", "cat-file", "--batch"], cwd=root, capture_output=True, timeout=GIT_TIMEOUT,
                                env=_GIT_ENV, input="".join(f"{commit}:{p}\n" for p in wanted).encode())
    except (OSError, subprocess.SubprocessError):
        return {}
    texts, data, position = {}, result.stdout, 0
    for path in wanted:
        end = data.find(b"\n", position)
        header = data[position:end].split() if end >= 0 else []
        if len(header) != 3 or header[1] != b"blob":
            position = end + 1 if end >= 0 else len(data)
            continue
        size = int(header[2])
        texts[path] = data[end + 1:end + 1 + size].decode("utf-8", errors="replace")
        position = end + 1 + size + 1
    return texts


def _piece_in(text: str, path: str) -> PublishedPiece | None:
    """What an article file as it was published showed; None for a draft or an unreadable file."""
    front_matter, _, problems = split_front_matter(text.lstrip("\ufeff"), path)
    values = load_mapping(front_matter, path)[0].values if not problems else {}
    if not values or values.get("draft") is True:
        return None
    verdicts = {str(c["id"]): _word(c.get("verdict")) for c in _items(values.get("claims"))
                if c.get("id") is not None and _word(c.get("verdict"))}
    fields = [_word(c.get("field")) for c in _items(values.get("corrections"))]
    return PublishedPiece(_word(values.get("stance")), verdicts, _watched(fields))


def _items(value: Any) -> list[dict]:
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def _word(value: Any) -> str:
    value = yaml_word(value)
    return str(value).strip() if isinstance(value, (str, int, float)) else ""


def _git(root: Path, *args: str) -> str | None:
    """git's output in the site folder, or None when git is missing or the command fails."""
    try:
        result = subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, timeout=GIT_TIMEOUT,
                                errors="replace", env=_GIT_ENV)
    except (OSError, subprocess.SubprocessError):
        return None
    return result.stdout if result.returncode == 0 else None
