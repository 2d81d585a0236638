"""`site-builder import`: raw sources -> content/articles/*.md, with the originals kept in content/sources/.

For each source: read the bytes, decode, extract (plain text, HTML or Markdown), then decide:
the same bytes were imported before -> unchanged; a known source whose bytes changed -> update
the text and keep every editorial field and footnote (or refuse, writing nothing, when a footnote
cannot be placed in the new text), saying which annotations moved in it or were lost; otherwise
-> a new draft article under a fresh slug.
One failing source never stops the batch.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Callable, Iterable, Iterator

from site_builder.config import SiteConfig
from site_builder.errors import display_path
from site_builder.ingest import article_file, reanchor
from site_builder.ingest.annotation_moves import annotation_moves
from site_builder.ingest.decode import Unreadable, decode
from site_builder.ingest.extracted import Extracted
from site_builder.ingest.html import extract_html
from site_builder.ingest.language import detect_language
from site_builder.ingest.markdown_source import extract_markdown
from site_builder.ingest.plaintext import extract_text
from site_builder.reader import ARTICLES_DIR, article_paths, split_front_matter
from site_builder.yamlsource import load_mapping

SOURCES_DIR = "sources"
MIN_WORDS = 5  # fewer words than this is a page's leftovers (a menu, a caption), not an article
EXTRACTORS: dict[str, Callable[[str], Extracted]] = {
    ".txt": extract_text,
    ".text": extract_text,
    ".html": extract_html,
    ".htm": extract_html,
    ".md": extract_markdown,
    ".markdown": extract_markdown,
}


@dataclass(frozen=True)
class Outcome:
    """What happened to one source: imported, updated, unchanged or failed (and why)."""

    source: str
    status: str
    article: str = ""
    message: str = ""
    found: Extracted | None = None
    warnings: tuple[str, ...] = ()


@dataclass
class _Known:
    """Existing articles by what identifies their source, so a re-import finds its article."""

    by_sha: dict[str, Path] = field(default_factory=dict)
    by_name: dict[str, Path] = field(default_factory=dict)
    by_url: dict[str, Path] = field(default_factory=dict)
    slugs: set[str] = field(default_factory=set)

    def remember(self, path: Path, sha: str, name: str, url: str) -> None:
        self.slugs.add(path.stem)
        self.by_sha[sha] = path
        self.by_name.setdefault(name, path)
        if url:
            self.by_url.setdefault(url, path)

    def find(self, sha: str, name: str, url: str) -> Path | None:
        return self.by_sha.get(sha) or self.by_name.get(name) or (self.by_url.get(url) if url else None)


def discover(paths: Iterable[Path]) -> tuple[list[Path], list[Outcome]]:
    """Files to import and the paths that cannot be.

    Folders are searched recursively for known types, skipping hidden files and READMEs (a folder
    of sources often describes itself); a file named explicitly is always imported.
    """
    files: list[Path] = []
    failures: list[Outcome] = []
    for path in paths:
        if path.is_dir():
            files += sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in EXTRACTORS
                            and not p.stem.upper() == "README"
                            and not any(part.startswith(".") for part in p.relative_to(path).parts))
        elif path.is_file() and path.suffix.lower() in EXTRACTORS:
            files.append(path)
        elif path.exists():
            failures.append(Outcome(str(path), "failed", message=f"unsupported file type `{path.suffix}` "
                                    f"(import reads {', '.join(sorted(EXTRACTORS))})"))
        else:
            failures.append(Outcome(str(path), "failed", message="no such file or folder"))
    return files, failures


def import_sources(files: list[Path], config: SiteConfig, *, dry_run: bool = False, force: bool = False,
                   today: date | None = None) -> Iterator[Outcome]:
    """Import each file in turn, yielding its outcome as soon as it is known (for progress output)."""
    known = _known_articles(config)
    for path in files:
        try:
            yield _import_one(path, config, known, dry_run=dry_run, force=force, today=today or date.today())
        except Unreadable as reason:
            yield Outcome(str(path), "failed", message=str(reason))
        except OSError as error:
            yield Outcome(str(path), "failed", message=f"cannot read: {error.strerror or error}")


def _import_one(path: Path, config: SiteConfig, known: _Known, *, dry_run: bool, force: bool, today: date) -> Outcome:
    data = path.read_bytes()
    decoded = decode(data)
    found = EXTRACTORS[path.suffix.lower()](decoded.text)
    if len(found.text.split()) < MIN_WORDS:
        raise Unreadable("no article text found")
    if not found.language:
        found = replace(found, language=detect_language(found.text))
    warnings = (decoded.warning,) if decoded.warning else ()
    sha = hashlib.sha256(data).hexdigest()
    existing = known.find(sha, path.name, found.source_url)
    if existing is not None and known.by_sha.get(sha) == existing and not force:
        return Outcome(str(path), "unchanged", _shown(existing, config), found=found, warnings=warnings)

    source = config.content_dir / SOURCES_DIR / f"{path.stem}-{sha[:8]}{path.suffix.lower()}"
    provenance = {
        "source": display_path(source, config.root),
        "original_name": path.name,
        "sha256": sha,
        "text_sha256": article_file.text_digest(found.text),
        "imported": today,
    }
    if existing is not None:
        text = existing.read_text(encoding="utf-8")
        if not force and _edited_since_import(text, config):
            return Outcome(str(path), "failed", _shown(existing, config), found=found, warnings=warnings,
                           message="the source changed, but an editor has also changed the article text since "
                                   "import; use --force to replace the text (front matter, notes and footnotes "
                                   "are kept, each footnote mark placed after the same words in the new text)")
        merged = _carry_footnotes(text, found, config, _shown(existing, config))
        if merged.unplaced:
            return Outcome(str(path), "failed", _shown(existing, config), found=found, warnings=warnings,
                           message=reanchor.refusal(_shown(existing, config), merged.unplaced))
        provenance["text_sha256"] = article_file.text_digest(merged.text)  # edits are counted from this text
        warnings += merged.notices
        warnings += annotation_moves(text, article_file.current_text(text, config.notes_heading), merged.text,
                                     _shown(existing, config), config.base_path)
        content = article_file.updated_article(text, merged.text, found, provenance, config.notes_heading)
        target, status = existing, "updated"
    else:
        slug = article_file.make_slug(found.title, path.stem, known.slugs)
        target = config.content_dir / ARTICLES_DIR / f"{slug}.md"
        content, status = article_file.new_article(found, provenance, config.notes_heading), "imported"
    if not dry_run:
        try:
            _write_new(source, data)
            write_atomically(target, content)
        except OSError as error:  # a full disk, say: the article is left exactly as it was
            return Outcome(str(path), "failed", _shown(target, config), found=found, warnings=warnings,
                           message=f"cannot write {_shown(target, config)} ({error.strerror or error}); it is unchanged")
    known.remember(target, sha, path.name, found.source_url)
    return Outcome(str(path), status, _shown(target, config), found=found, warnings=warnings)


def _known_articles(config: SiteConfig) -> _Known:
    known = _Known()
    for path in map(Path, article_paths(config)):
        known.slugs.add(path.stem)
        try:
            front_matter, _, problems = split_front_matter(path.read_text(encoding="utf-8"), "")
        except (OSError, UnicodeDecodeError):
            continue
        values = load_mapping(front_matter, "")[0].values if not problems else {}
        provenance = values.get("provenance")
        if isinstance(provenance, dict) and provenance.get("sha256"):
            known.remember(path, str(provenance["sha256"]), str(provenance.get("original_name", "")),
                           str(values.get("source_url") or ""))
    return known


def _edited_since_import(text: str, config: SiteConfig) -> bool:
    recorded = _provenance(text).get("text_sha256")
    return bool(recorded) and article_file.text_digest(article_file.current_text(text, config.notes_heading)) != recorded


def _carry_footnotes(text: str, found: Extracted, config: SiteConfig, shown: str) -> reanchor.Merged:
    """The new text with the editors' footnotes of the article's current text carried over."""
    current, first_line = article_file.current_text(text, config.notes_heading), article_file.text_line(text)
    return reanchor.carry_footnotes(current, found.text, _outlet_text(_provenance(text), config), first_line)


def _outlet_text(provenance: dict, config: SiteConfig) -> str | None:
    """The text as last imported, extracted again from its original (its footnotes are the
    outlet's, not the editor's); None when the original is gone or unreadable."""
    source = config.root / str(provenance.get("source") or "")
    extract = EXTRACTORS.get(source.suffix.lower())
    try:
        return extract(decode(source.read_bytes()).text).text if extract and source.is_file() else None
    except (OSError, Unreadable):
        return None


def _provenance(text: str) -> dict:
    front_matter, _, problems = split_front_matter(text, "")
    provenance = load_mapping(front_matter, "")[0].values.get("provenance") if not problems else None
    return provenance if isinstance(provenance, dict) else {}


def _write_new(path: Path, data: bytes) -> None:
    """Originals are written once and never replaced: the same name always holds the same bytes."""
    if not path.exists():
        write_atomically(path, data)


def write_atomically(path: Path, content: str | bytes) -> None:
    """Write a temporary file beside `path`, flush it to the disk, then rename it over `path`.

    An import killed at any moment (or a power cut) leaves the old file or the new one, never
    half of one. The temporary name is hidden (`.name.xxxx.tmp`), so a leftover is never read as
    an article, and unique, so two imports never write into one file.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    data = content.encode("utf-8") if isinstance(content, str) else content
    descriptor, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(descriptor, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        os.chmod(temporary, _file_mode(path))
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    folder = os.open(path.parent, os.O_RDONLY)  # the rename itself reaches the disk too
    try:
        os.fsync(folder)
    finally:
        os.close(folder)


def _file_mode(path: Path) -> int:
    """The mode the file has, or a new file's usual one (mkstemp's 0600 would hide it from others)."""
    try:
        return path.stat().st_mode & 0o777
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def _shown(path: Path, config: SiteConfig) -> str:
    return display_path(path, config.root)
