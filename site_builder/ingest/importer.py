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
from functools import lru_cache
from datetime import date
from pathlib import Path
from pathlib import PurePosixPath
from typing import Callable, Iterable, Iterator
from urllib.parse import unquote, urlsplit

from slugify import slugify

from site_builder import problem_codes as codes
from site_builder.config import SiteConfig
from site_builder.errors import display_path
from site_builder.parallel import in_chunks
from site_builder.ingest import article_file, reanchor
from site_builder.ingest.annotation_moves import annotation_moves
from site_builder.ingest.decode import Unreadable, decode
from site_builder.ingest.extracted import Extracted
from site_builder.ingest.fetch import HTML_TYPES, Fetched
from site_builder.ingest.html import extract_html
from site_builder.ingest.language import detect_language, load_model, written_tag
from site_builder.ingest.markdown_source import extract_markdown
from site_builder.ingest.ordered_writes import OrderedWrites
from site_builder.ingest.plaintext import extract_text
from site_builder.reader import ARTICLES_DIR, article_paths, split_front_matter
from site_builder.yamlsource import load_mapping

SOURCES_DIR = "sources"
PARALLEL_FROM = 16  # files; a smaller batch is done before a pool of workers would have started
PARALLEL_CHUNK = 4  # files per task at least; a large batch sends up to 16 (fewer results to pass back)
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
    code: str = ""  # the problem code of a failure, when it has one


@dataclass
class _Known:
    """Existing articles by what identifies their source, so a re-import finds its article."""

    by_sha: dict[str, Path] = field(default_factory=dict)
    by_name: dict[str, Path] = field(default_factory=dict)
    by_url: dict[str, Path] = field(default_factory=dict)
    slugs: set[str] = field(default_factory=set)

    def remember(self, path: Path, sha: str, name: str, *urls: str) -> None:
        self.slugs.add(path.stem)
        self.by_sha[sha] = path
        if name:
            self.by_name.setdefault(name, path)
        for url in urls:
            if url:
                self.by_url.setdefault(url, path)

    def find(self, sha: str, name: str, urls: tuple[str, ...]) -> Path | None:
        """By the same bytes, else the same file name (files only), else the same address."""
        found = self.by_sha.get(sha) or (self.by_name.get(name) if name else None)
        return found or next((self.by_url[url] for url in urls if url in self.by_url), None)


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
                   today: date | None = None, processes: int | None = None) -> Iterator[Outcome]:
    """Import each file, yielding its outcome as soon as it is known (for progress output).

    Reading and extracting (nearly all the work) runs on every core for a large batch; deciding
    stays here, in the order the files were given, so slugs never depend on timing, and the
    decided files are written on threads (ordered_writes.py), outcomes still in that order."""
    known = known_articles(config)
    processes = processes or os.cpu_count() or 1
    if processes > 1 and len(files) >= PARALLEL_FROM:
        load_model()  # a batch this large nearly always has a piece that does not state its language
    pending: dict[int, tuple] = {}
    next_position = 0
    with OrderedWrites[Decision]() as writes:
        for positions, results in in_chunks(lambda i: _read_file(files[i]), len(files), processes,
                                            chunk_size=_chunk_size(len(files), processes), parallel_from=PARALLEL_FROM):
            pending.update(zip(positions, results))
            while next_position in pending:
                read = pending.pop(next_position)
                if isinstance(read, Read):
                    if _waits_for(read, known, writes.items()):
                        yield from _written(writes.done(everything=True), known)
                    decision = decide(read, config, known, dry_run=dry_run, force=force, today=today or date.today())
                    writes.add(decision, decision.write)
                else:
                    writes.add(Decision(Outcome(str(files[next_position]), "failed", message=read[0], code=read[1])),
                               None)
                next_position += 1
            yield from _written(writes.done(), known)
        yield from _written(writes.done(everything=True), known)


def _chunk_size(count: int, processes: int) -> int:
    """Files per task: each worker still gets about ten tasks, so none is left idle at the end."""
    return max(PARALLEL_CHUNK, min(16, count // (processes * 10)))


def _waits_for(read: Read, known: "_Known", waiting: list["Decision"]) -> bool:
    """Whether deciding `read` needs the waiting writes done: it may be one of their pieces, or
    its article is one of those being written (its decision reads that file)."""
    found = known.find(*_identity(read))
    return any(decision.may_be(read) or (found is not None and decision.target == found) for decision in waiting)


def _written(done: Iterable[tuple["Decision", BaseException | None]], known: "_Known") -> Iterator[Outcome]:
    """The outcome of each decision whose files are written (or failed to be), remembering the pieces written."""
    for decision, error in done:
        if error is not None and not isinstance(error, OSError):
            raise error
        yield decision.settle(known, error)


def _read_file(path: Path) -> "Read | tuple[str, str]":
    """A file extracted, or (reason, code): exceptions with codes do not cross processes whole."""
    try:
        return extract(Raw.of_file(path))
    except Unreadable as reason:
        return str(reason), reason.code
    except OSError as error:
        return f"cannot read: {error.strerror or error}", ""


@dataclass(frozen=True)
class Raw:
    """One source's bytes and where they came from: a file the editor named, or a page fetched."""

    label: str  # what the editor gave, a path or an address: each outcome line starts with it
    name: str  # the original's file name (provenance `original_name`)
    suffix: str  # which extractor reads it
    data: bytes
    fetched: Fetched | None = None

    @classmethod
    def of_file(cls, path: Path) -> "Raw":
        return cls(str(path), path.name, path.suffix.lower(), path.read_bytes())

    @classmethod
    def of_page(cls, fetched: Fetched) -> "Raw":
        """A page as received; what its server sent decides how it is read (a PDF is refused here)."""
        return cls(fetched.requested_url, page_file_name(fetched.url), _page_suffix(fetched), fetched.body, fetched)


@dataclass(frozen=True)
class Read:
    """A source read and extracted: the half of an import that touches no file, so it can run in a worker."""

    raw: Raw
    found: Extracted
    sha: str
    warnings: tuple[str, ...]


def extract(raw: Raw) -> Read:
    """Decode and extract one source, or raise Unreadable with the reason."""
    fetched = raw.fetched
    try:
        decoded = decode(raw.data, fetched.charset if fetched else "")
        found = EXTRACTORS[raw.suffix](decoded.text)
    except Unreadable as reason:
        raise Unreadable(_page_reason(str(reason)), codes.PAGE_WITHOUT_ARTICLE) if fetched else reason from None
    if len(found.text.split()) < MIN_WORDS:
        raise Unreadable("no article text found", codes.PAGE_WITHOUT_ARTICLE if fetched else "")
    found = replace(found, language=written_tag(found.language) or written_tag(detect_language(found.text)))
    if fetched:  # where the page was found, whatever it says of itself
        found = replace(found, source_url=fetched.url)
    return Read(raw, found, hashlib.sha256(raw.data).hexdigest(), (decoded.warning,) if decoded.warning else ())


@dataclass(frozen=True)
class Decision:
    """What a read source does to the collection, decided before any file is written: the outcome
    to report once `write` has run (None: nothing to write), and the piece to remember then."""

    outcome: Outcome
    read: Read | None = None
    source: Path | None = None  # the original, kept under this name unless it is already there
    target: Path | None = None  # the article
    content: str = ""
    dry_run: bool = False

    @property
    def write(self) -> Callable[[], None] | None:
        if self.target is None or self.dry_run:
            return None
        return self._write

    def _write(self) -> None:
        _write_new(self.source, self.read.raw.data)
        write_atomically(self.target, self.content)

    def may_be(self, read: Read) -> bool:
        """Whether `read` will be found as this piece once it is remembered: same bytes, name or address."""
        if self.read is None or self.target is None:
            return False
        (sha, name, urls), (other_sha, other_name, other_urls) = _identity(self.read), _identity(read)
        return sha == other_sha or bool(name) and name == other_name or bool(set(filter(None, urls)) & set(other_urls))

    def settle(self, known: "_Known", error: OSError | None) -> Outcome:
        """The outcome to report, remembering the piece when its files were written (or on a dry run)."""
        if self.target is None:
            return self.outcome
        if error is not None:  # a full disk, say: the article is left exactly as it was
            return replace(self.outcome, status="failed",
                           message=f"cannot write {self.outcome.article} ({error.strerror or error}); it is unchanged")
        sha, name, urls = _identity(self.read)
        known.remember(self.target, sha, name, *urls)
        return self.outcome


def _identity(read: Read) -> tuple[str, str, tuple[str, ...]]:
    """What finds a source's article again: its bytes, its file name (files only), its addresses."""
    raw = read.raw
    urls = (raw.fetched.url, raw.fetched.requested_url) if raw.fetched else (read.found.source_url,)
    return read.sha, "" if raw.fetched else raw.name, urls


def apply(read: Read, config: SiteConfig, known: "_Known", *, dry_run: bool, force: bool, today: date) -> Outcome:
    """Decide what a read source does to the collection (new, updated, unchanged, refused), and write it."""
    decision = decide(read, config, known, dry_run=dry_run, force=force, today=today)
    try:
        if decision.write:
            decision.write()
    except OSError as error:
        return decision.settle(known, error)
    return decision.settle(known, None)


def decide(read: Read, config: SiteConfig, known: "_Known", *, dry_run: bool, force: bool, today: date) -> Decision:
    """What a read source does to the collection (new, updated, unchanged, refused); nothing is written.

    A new piece's slug is taken at once, so the next decision cannot take it too."""
    raw, found, warnings = read.raw, read.found, read.warnings
    sha, name, urls = _identity(read)
    existing = known.find(sha, name, urls)
    if existing is not None and known.by_sha.get(sha) == existing and not force:
        return Decision(Outcome(raw.label, "unchanged", _shown(existing, config), found=found, warnings=warnings))

    stem = Path(raw.name).stem
    source = config.content_dir / SOURCES_DIR / f"{stem}-{sha[:8]}{raw.suffix}"
    provenance = {
        "source": _shown(source, config, created=True),
        "original_name": raw.name,
        "sha256": sha,
        "text_sha256": article_file.text_digest(found.text),
        "imported": today,
        **(_fetch_record(raw.fetched) if raw.fetched else {}),
    }
    if existing is not None:
        text = existing.read_text(encoding="utf-8")
        if not force and _edited_since_import(text, config):
            return Decision(Outcome(raw.label, "failed", _shown(existing, config), found=found, warnings=warnings,
                            message="the source changed, but an editor has also changed the article text since "
                                    "import; use --force to replace the text (front matter, notes and footnotes "
                                    "are kept, each footnote mark placed after the same words in the new text)"))
        merged = _carry_footnotes(text, found, config, _shown(existing, config))
        if merged.unplaced:
            return Decision(Outcome(raw.label, "failed", _shown(existing, config), found=found, warnings=warnings,
                                    message=reanchor.refusal(_shown(existing, config), merged.unplaced)))
        provenance["text_sha256"] = article_file.text_digest(merged.text)  # edits are counted from this text
        provenance.update(_kept_archive(text))
        warnings += merged.notices
        warnings += annotation_moves(text, article_file.current_text(text, config.notes_heading), merged.text,
                                     _shown(existing, config), config.base_path)
        content = article_file.updated_article(text, merged.text, found, provenance, config.notes_heading)
        target, status = existing, "updated"
    else:
        slug = article_file.make_slug(found.title, stem, known.slugs)
        known.slugs.add(slug)
        target = config.content_dir / ARTICLES_DIR / f"{slug}.md"
        content, status = article_file.new_article(found, provenance, config.notes_heading), "imported"
    return Decision(Outcome(raw.label, status, _shown(target, config, created=status == "imported"), found=found,
                            warnings=warnings),
                    read, source, target, content, dry_run)


def page_file_name(url: str) -> str:
    """The name a fetched page is kept under: its address's last part (or host), as a slug, `.html`."""
    parts = urlsplit(url)
    last = PurePosixPath(unquote(parts.path)).stem
    return f"{slugify(last, max_length=60) or slugify(parts.hostname or '', max_length=60) or 'page'}.html"


def _page_suffix(fetched: Fetched) -> str:
    """`.html` for a web page, `.txt` for plain text; anything else is refused with what it is."""
    media_type = fetched.content_type
    if media_type in HTML_TYPES or (not media_type and not fetched.body.startswith(b"%PDF")):
        return ".html"
    if media_type == "text/plain":
        return ".txt"
    if media_type == "application/pdf" or fetched.body.startswith(b"%PDF"):
        raise Unreadable(f"a PDF ({media_type or 'by its content'}), not a web page: save its text as a .txt file "
                         "and import that", codes.NOT_A_WEB_PAGE)
    raise Unreadable(f"not a web page: the server sent `{media_type}`", codes.NOT_A_WEB_PAGE)


def _page_reason(reason: str) -> str:
    return "the server sent an empty page" if reason == "empty file" else reason


def _fetch_record(fetched: Fetched) -> dict:
    """What the provenance says of a fetched page: when, from where, by which way, in which charset."""
    record: dict = {"fetched": fetched.fetched_at.strftime("%Y-%m-%dT%H:%M:%SZ")}
    if fetched.requested_url != fetched.url:
        record["requested_url"] = fetched.requested_url
    if fetched.redirects:
        record["redirects"] = [address for _, address in fetched.redirects]
    if fetched.charset:
        record["charset"] = fetched.charset
    return record


def _kept_archive(text: str) -> dict:
    """The archived copy an article already records: a new version of its source keeps it (the
    archive still holds what was collected before)."""
    provenance = provenance_of(text)
    if not provenance.get("archive_url"):
        return {}
    try:
        archived = date.fromisoformat(str(provenance.get("archived") or ""))
    except ValueError:
        archived = None
    return {"archive_url": provenance["archive_url"], "archived": archived}


def known_articles(config: SiteConfig) -> _Known:
    """Every article with an imported source, by its bytes, file name and addresses."""
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
                           str(values.get("source_url") or ""), str(provenance.get("requested_url") or ""))
    return known


def _edited_since_import(text: str, config: SiteConfig) -> bool:
    recorded = provenance_of(text).get("text_sha256")
    return bool(recorded) and article_file.text_digest(article_file.current_text(text, config.notes_heading)) != recorded


def _carry_footnotes(text: str, found: Extracted, config: SiteConfig, shown: str) -> reanchor.Merged:
    """The new text with the editors' footnotes of the article's current text carried over."""
    current, first_line = article_file.current_text(text, config.notes_heading), article_file.text_line(text)
    return reanchor.carry_footnotes(current, found.text, _outlet_text(provenance_of(text), config), first_line)


def _outlet_text(provenance: dict, config: SiteConfig) -> str | None:
    """The text as last imported, extracted again from its original (its footnotes are the
    outlet's, not the editor's); None when the original is gone or unreadable."""
    source = config.root / str(provenance.get("source") or "")
    extractor = EXTRACTORS.get(source.suffix.lower())
    try:
        data = source.read_bytes() if extractor and source.is_file() else None
        return extractor(decode(data, str(provenance.get("charset") or "")).text).text if data is not None else None
    except (OSError, Unreadable):
        return None


def provenance_of(text: str) -> dict:
    """The `provenance` block of an article file's text, as a dict ({} when it has none)."""
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


def _shown(path: Path, config: SiteConfig, created: bool = False) -> str:
    """display_path, each folder resolved once: resolving asks the disk about every part of the path.

    `created`: a file this import writes, never a symbolic link, so it needs no look.
    """
    if not created and path.is_symlink():
        return display_path(path, config.root)
    folder = _shown_folder(path.parent, config.root)
    return path.name if folder == "." else f"{folder}/{path.name}"


@lru_cache(maxsize=64)
def _shown_folder(folder: Path, root: Path) -> str:
    return display_path(folder, root)
