"""Write the built site atomically: a failed or interrupted build leaves build/ exactly as it was.

Everything is written into a fresh temporary folder beside build/; only when every file is in
place is the old build/ swapped out for it. Readers of build/ (a preview server, a deploy) never
see a half-written site.

Only files whose bytes changed are written. Every other file is hard-linked from the previous
build/ into the staging folder (the same inode: no bytes copied, its modification time kept),
so an incremental build costs a link per unchanged file and the swap stays atomic. A linked
file is never written to: a changed file is a new file, so the previous build/ is never touched.
"""

from __future__ import annotations

import ctypes
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
import threading
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Callable, Iterable

from site_builder.hashing import folder_stamp
from site_builder.render import KeptFiles, OutputFile  # noqa: F401 (KeptFiles: the writer's input, named here too)

STAGING_PREFIX = ".build-"
SPARE_PREFIX = ".spare-"  # not a staging name: a build's clean-up of killed builds leaves it alone
FRESH_FILES = frozenset({"index.html"})  # always a new file: `deploy` dates a build by its home page


@dataclass
class Written:
    """What a write did: every file's SHA-256 (for the next build) and how many were new bytes."""

    hashes: dict[str, str] = field(default_factory=dict)
    changed: int = 0

    @property
    def count(self) -> int:
        return len(self.hashes)


def write_site(output_dir: Path, files: Iterable[OutputFile | KeptFiles], static_dirs: list[Path],
               finish: Callable[[Path, "Written"], None] | None = None,
               previous: dict[str, str] | None = None, staging: "Staging | None" = None) -> Written:
    """Write `files` plus each theme's static/ folder to `output_dir`.

    `static_dirs` are most specific first: a site theme's file wins over the default theme's.
    `previous` maps each file of the current `output_dir` to its SHA-256 (the last build's
    record, trusted only when build/ is still that build): a file with the same bytes is linked
    from it, and an OutputFile whose `content` is None is taken from it as it is. `finish` runs on
    the complete staging folder before it replaces `output_dir` (the search index is built
    there, so it is part of the same atomic swap). `staging` is one the caller opened earlier
    (with the same `previous`), whose links may already be in place; by default one is opened here.
    """
    with staging or Staging(output_dir, previous or {}, prelink=False) as staging:
        writer = _Writer(staging)
        _copy_static(static_dirs, writer)
        for output in files:
            if isinstance(output, KeptFiles):
                writer.keep(output.paths)
            else:
                writer.put(output.path, output.content)
        writer.drop_unclaimed()
        if finish is not None:
            finish(staging.folder, writer.written)
        staging.swap_into_place(writer.written.hashes)
    return writer.written


@dataclass(frozen=True)
class Spare:
    """A replaced build kept beside build/ (SPARE_PREFIX + its name) for the next staging folder:
    its files' SHA-256s and the folder's stamp when put there (see Staging)."""

    hashes: dict[str, str]
    stamp: tuple


class Staging:
    """The folder the next build/ is assembled in, beside build/, under the writers' lock.

    Starting it from the previous build's files makes most of an incremental build a matter of
    keeping them. The build before that one (replaced by the last swap and kept as the spare) is
    already nearly this build: it is renamed into place and only the files that differ from the
    previous build are changed, rather than every folder and file linked anew on every build (kernel
    time that grows with the site); another process checks meanwhile that none of its files was
    deleted (else the folder is emptied and linked as below). A build that replaced no build of
    known files (a clean build) leaves a spare all the same: its own files linked beside build/, so
    the first edit build starts from them like any later one. Without a spare (`spare` not matching
    its folder), a forked child hard-links every file of the previous build into a new folder while
    this process reads and plans. Files the build writes anew replace what is there (never written
    into: a linked file is the previous build's too); files it no longer makes are removed before
    the swap. Leaving the `with` block without `swap_into_place` deletes the folder: build/ stays as
    it was.
    """

    def __init__(self, output_dir: Path, previous: dict[str, str], prelink: bool = True, spare: Spare | None = None):
        self.output_dir, self.previous = output_dir.resolve(), previous
        self.spare_path = self.output_dir.with_name(SPARE_PREFIX + self.output_dir.name)
        self.spare_left: Spare | None = None  # the spare this build leaves for the next (swap_into_place)
        self._prelinker = 0  # the child linking build/'s files in (_fork_linker)
        self._checker: subprocess.Popen | None = None  # asking whether the adopted spare has every file
        self._spare: dict[str, str] = {}  # the adopted spare's files, once the checker says they are all there
        self._spare_unlike: frozenset[str] = frozenset()  # and `_unlike` then
        self._present: dict[str, str] | None = None
        self._unlike: frozenset[str] | None = None  # see unlike_previous
        self.output_dir.parent.mkdir(parents=True, exist_ok=True)
        self._lock = _writers_lock(self.output_dir.parent)
        try:
            remove_stale_staging(self.output_dir)
            self.folder: Path | None = Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=self.output_dir.parent))
            self._keeps_spare = prelink
            if prelink and not (previous and self._adopt_spare(spare)):
                if self.spare_path.exists():  # not the one recorded (or a clean build): of no use
                    _discard(self.spare_path)
                if previous and hasattr(os, "fork"):
                    self._prelinker = _fork_linker(self.output_dir, self.folder, sorted(previous))
        except BaseException:
            os.close(self._lock)
            raise

    def _adopt_spare(self, spare: Spare | None) -> bool:
        """Start from the spare, if it is the one recorded and build/ still has the files it lacks.

        Whether someone deleted files from the spare is asked of every one of its files: another
        process asks while this one reads and plans (`present` waits for its answer)."""
        if spare is None or not spare.stamp or folder_stamp(self.spare_path) != spare.stamp:
            return False
        needed = [relative for relative, sha in self.previous.items() if spare.hashes.get(relative) != sha]
        if not _all_files(self.output_dir, needed):
            return False  # build/ lost files since: the caller renders every page (previous_if_linked)
        try:
            os.rmdir(self.folder)
            os.rename(self.spare_path, self.folder)
        except OSError:
            self.folder.mkdir(exist_ok=True)
            return False
        self._spare = spare.hashes
        self._spare_unlike = frozenset(needed).union(spare.hashes.keys() - self.previous.keys())
        self._checker = _start_checker(self.folder, spare.hashes)
        if self._checker is None:  # no process: asked here
            if not _all_files(self.folder, spare.hashes):
                self._start_afresh()  # someone deleted files from the spare
                return False
            self._present, self._unlike = dict(spare.hashes), self._spare_unlike
        return True

    def previous_if_linked(self) -> dict[str, str]:
        """`previous`, or {} when the child could not link it all: someone deleted or moved files
        in build/ since it was written, so its record cannot be trusted for any page."""
        self.present()  # waits for the child; a failure empties `previous`
        return self.previous

    def present(self) -> dict[str, str]:
        """The files in the folder (and their SHA-256s) before this build writes any, once the
        checker has found the spare whole or the child has linked them; empty if it failed."""
        if self._present is None and self._checker is not None:
            self._present = self._spare_if_whole()
        if self._present is None:
            self._present = {}
            if self._prelinker > 0:
                _, status = os.waitpid(self._prelinker, 0)
                self._prelinker = 0
                if os.waitstatus_to_exitcode(status) == 0:
                    self._present = dict(self.previous)
                    self._unlike = frozenset()
                else:  # start from an empty folder: each file is written as it comes
                    shutil.rmtree(self.folder, ignore_errors=True)
                    self.folder.mkdir()
                    self.previous = {}
        return self._present

    def _spare_if_whole(self) -> dict[str, str] | None:
        """The spare's files, once the checker says none is missing; else None, and the folder
        emptied and linked from build/ by a child as a build without a spare is (someone deleted
        files from the spare: it says nothing of build/)."""
        whole = self._checker.wait() == 0
        self._checker = None
        if whole:
            self._unlike = self._spare_unlike
            return dict(self._spare)
        self._start_afresh()
        if self.previous and hasattr(os, "fork"):
            self._prelinker = _fork_linker(self.output_dir, self.folder, sorted(self.previous))
        return None

    def _start_afresh(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)
        self.folder.mkdir()

    def unlike_previous(self) -> frozenset[str] | None:
        """The files whose place in the folder does not hold the previous build's file (other
        bytes, or none), once `present` is known; None when that is not known file by file
        (nothing linked): then any may be."""
        self.present()
        return self._unlike

    def swap_into_place(self, written: dict[str, str]) -> None:
        """Swap the folder in (`written`: its files' SHA-256s); the replaced build becomes the
        spare when its files are known, else the spare is made of this build's files."""
        replaced = _swap_into_place(self.folder, self.output_dir)
        self.folder = None
        if replaced is not None and self._keeps_spare and self.previous and not self.spare_path.exists():
            try:
                os.rename(replaced, self.spare_path)
                self.spare_left = Spare(self.previous, folder_stamp(self.spare_path))
                return
            except OSError:
                pass
        if replaced is not None:
            _discard(replaced)
        if self._keeps_spare and written:
            self._spare_of_output(written)

    def _spare_of_output(self, written: dict[str, str]) -> None:
        """Link build/'s files (`written`, and the search index) into the spare. Its bytes are
        those of build/, so the next build renames it into place and changes only what it makes
        anew: without it, that build would link every file while it plans, as a clean build
        leaves no replaced build to keep."""
        if mirror_tree(self.output_dir, self.spare_path):
            self.spare_left = Spare(dict(written), folder_stamp(self.spare_path))
        elif self.spare_path.exists():
            _discard(self.spare_path)

    def __enter__(self) -> "Staging":
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    def close(self) -> None:
        """Wait for the child, delete the folder unless swapped in, release the lock; once only."""
        if self._lock < 0:  # already closed (write_site closes the staging the caller opened)
            return
        try:
            if self._checker is not None:
                self._checker.wait()
                self._checker = None
            if self._prelinker > 0:
                os.waitpid(self._prelinker, 0)
                self._prelinker = 0
            if self.folder is not None:
                shutil.rmtree(self.folder, ignore_errors=True)
                self.folder = None
        finally:
            os.close(self._lock)
            self._lock = -1


def _all_files(folder: Path, paths: Iterable[str]) -> bool:
    """Whether every one of `paths` is there: the folders are ours (build/ and the spare), so a
    file they should have is either there or deleted. Asked relative to the folder's descriptor,
    with `access` (no stat result made, no path resolved from the root): it is asked of every
    file of the site on every edit build."""
    if os.access not in os.supports_dir_fd:  # Windows
        prefix = str(folder) + os.sep
        return all(os.path.isfile(prefix + relative) for relative in paths)
    try:
        descriptor = os.open(folder, os.O_RDONLY)
    except OSError:
        return False
    try:
        exists, found = os.access, os.F_OK
        return all(exists(relative, found, dir_fd=descriptor) for relative in paths)
    finally:
        os.close(descriptor)


# Exits 0 when every file named on stdin (NUL-separated) is in the folder argv[1]: `_all_files`.
_CHECKER = """import os, sys
names = sys.stdin.buffer.read()
folder = os.open(sys.argv[1], os.O_RDONLY)
sys.exit(0 if all(os.access(name, os.F_OK, dir_fd=folder) for name in names.split(b"\\0") if name) else 1)
"""


def _start_checker(folder: Path, paths: Iterable[str]) -> subprocess.Popen | None:
    """Start a process asking what `_all_files(folder, paths)` asks (exit status 0: all there);
    None if it cannot be started. A new interpreter, not a fork: a forked child would share this
    process's memory copy-on-write while it runs, and every page this process writes meanwhile
    (reading the articles writes many) would be copied, costing as much as the check saves."""
    if os.access not in os.supports_dir_fd:  # Windows
        return None
    try:
        with tempfile.TemporaryFile() as listing:
            listing.write(os.fsencode("\0".join(paths)))
            listing.seek(0)
            return subprocess.Popen([sys.executable, "-I", "-S", "-c", _CHECKER, os.fspath(folder)], stdin=listing,
                                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    except OSError:
        return None


def _fork_linker(source: Path, target: Path, paths: list[str]) -> int:
    """Fork a child that hard-links `paths` from `source` into `target`; its pid (0 if no child).
    It exits 0 when every link is made, 1 otherwise."""
    try:
        child = os.fork()
    except OSError:
        return 0
    if child:
        return child
    code = 1
    try:
        folders: set[str] = set()
        for relative in paths:
            _inside(target, relative)  # the same refusal as for every written path
            folder = os.path.dirname(relative)
            if folder not in folders:
                os.makedirs(target / folder, exist_ok=True)
                folders.add(folder)
            os.link(source / relative, target / relative)
        code = 0
    finally:
        os._exit(code)


def remove_stale_staging(output_dir: Path) -> None:
    """Clean up after a build that was killed (SIGKILL, a power cut): delete its staging folders.

    Where folders cannot be exchanged in one step (see `_exchange`), a kill between the two
    renames of a swap leaves the previous site in `.build-old-*/build`: it is put back first.
    """
    leftovers = sorted(output_dir.parent.glob(STAGING_PREFIX + "*"))
    if not output_dir.exists():
        retired = [folder / output_dir.name for folder in leftovers
                   if folder.name.startswith(STAGING_PREFIX + "old-") and (folder / output_dir.name).is_dir()]
        if retired:
            os.replace(max(retired, key=lambda folder: folder.stat().st_mtime), output_dir)
    for folder in leftovers:
        shutil.rmtree(folder, ignore_errors=True)


def _writers_lock(folder: Path) -> int:
    """An exclusive lock on the folder holding build/ (a descriptor to close), so a build never
    deletes the staging folder of another one still running (a preview server's rebuild, say).
    The kernel releases it when its process dies, so a killed build never leaves it held."""
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        import fcntl
    except ImportError:  # Windows: no advisory locks
        return descriptor
    fcntl.flock(descriptor, fcntl.LOCK_EX)
    return descriptor


class _Writer:
    """Puts files into the staging folder: keeps what is there when the bytes match, else links
    the previous build's copy when that matches, else writes."""

    def __init__(self, staging: Staging):
        self.root, self.previous_dir, self.previous = staging.folder, staging.output_dir, staging.previous
        self.present = staging.present()  # in the folder before this build: linked, or the spare's
        self.unclaimed = set(self.present)  # of those, not yet produced by this build
        unlike = staging.unlike_previous()
        # Files that `keep` claims one by one: any (None), or those not linked as the previous build has them.
        self._one_by_one = None if unlike is None else unlike | FRESH_FILES
        self.written = Written()
        self._folders: set[Path] = set()

    def put(self, relative: str, content: bytes | None) -> None:
        if content is None and self._kept_as_linked(relative):  # most files of an incremental build
            return
        there = self.present.get(relative) if relative in self.unclaimed else None
        target = _inside(self.root, relative)
        self.unclaimed.discard(relative)
        if relative in self.written.hashes:  # a later file of the same name wins
            there = ""
        if target.parent not in self._folders:
            target.parent.mkdir(parents=True, exist_ok=True)
            self._folders.add(target.parent)
        if content is None:  # unchanged by the caller's account: the previous build has it
            content = None if relative not in FRESH_FILES else (self.previous_dir / relative).read_bytes()
        if content is None:
            self.written.hashes[relative] = self.previous[relative]
            _replace_with_link(self.previous_dir / relative, target, there is not None)
            return
        sha = hashlib.sha256(content).hexdigest()
        self.written.hashes[relative] = sha
        if relative not in FRESH_FILES:
            if there == sha:
                return
            if self.previous.get(relative) == sha and link_previous(self.previous_dir / relative, target, there is not None):
                return
        if there is not None:  # the previous build's inode (or the spare's): replace it, never write into it
            remove_file(target)
        target.write_bytes(content)
        self.written.changed += 1

    def keep(self, paths: list[str]) -> None:
        """`put(path, None)` for each of `paths`: an edit build keeps every file of the site but a
        few, in long runs. The usual file, linked in the folder as the previous build has it, is
        claimed with the rest of the run at once; only the others are claimed one by one."""
        for relative in self._claim_linked(paths):
            self.put(relative, None)

    def _claim_linked(self, paths: list[str]) -> list[str]:
        """Claim those of `paths` that are linked as the previous build has them, together, and
        return the others (all of them when a file is named twice or claimed already: one by one,
        as `put` handles those)."""
        one_by_one = self._one_by_one
        if one_by_one is None:
            return paths
        odd = one_by_one.intersection(paths)
        usual = [relative for relative in paths if relative not in odd] if odd else paths
        claimed = set(usual)
        if len(claimed) != len(usual) or not claimed <= self.unclaimed:
            return paths
        self.unclaimed -= claimed
        self.written.hashes.update(zip(usual, map(self.present.__getitem__, usual)))
        return [relative for relative in paths if relative in odd] if odd else []

    def _kept_as_linked(self, relative: str) -> bool:
        """Claim `relative` as it is in the folder, if it is there as the previous build has it
        (linked, not yet claimed, and not a file made fresh every build)."""
        there = self.present.get(relative)
        if there is None or relative not in self.unclaimed or there != self.previous.get(relative) \
                or relative in FRESH_FILES:
            return False
        self.unclaimed.discard(relative)
        self.written.hashes[relative] = there
        return True

    def drop_unclaimed(self) -> None:
        """Remove the linked files this build did not produce (a deleted article's page), and
        their folders once empty."""
        for relative in sorted(self.unclaimed, reverse=True):
            path = self.root / relative
            path.unlink()
            for folder in path.parents:
                if folder == self.root or any(folder.iterdir()):
                    break
                folder.rmdir()
        self.unclaimed.clear()


def link_previous(source: Path, target: Path, replacing: bool = False) -> bool:
    """Hard-link a file of the previous build into staging (`replacing` the file there); False
    if it is gone (then write it)."""
    try:
        _replace_with_link(source, target, replacing)
        return True
    except OSError:
        return False


def _replace_with_link(source: Path, target: Path, replacing: bool) -> None:
    if replacing:
        remove_file(target)
    os.link(source, target)


def remove_file(path: Path) -> None:
    try:
        path.unlink()
    except FileNotFoundError:
        pass


def mirror_tree(source: Path, target: Path) -> bool:
    """Make `target` hold exactly `source`'s files, as hard links: a file already linked there is
    kept (a spare staging folder has most of them), any other replaced, any extra removed.
    False if any link fails.

    Inodes come from the folder listings (no stat per file): the search index alone has about a
    file per article."""
    try:
        _mirror_folder(os.fspath(source), os.fspath(target))
    except OSError:
        return False
    return True


def _mirror_folder(source: str, target: str) -> None:
    os.makedirs(target, exist_ok=True)
    present = {entry.name: entry for entry in os.scandir(target)}
    for entry in os.scandir(source):
        there, copy = present.pop(entry.name, None), os.path.join(target, entry.name)
        if entry.is_dir(follow_symlinks=False):
            if there is not None and not there.is_dir(follow_symlinks=False):
                _remove_entry(there)
            _mirror_folder(entry.path, copy)
        elif there is None or there.inode() != entry.inode():
            if there is not None:
                _remove_entry(there)
            os.link(entry.path, copy)
    for extra in present.values():
        _remove_entry(extra)


def _remove_entry(entry: os.DirEntry) -> None:
    if entry.is_dir(follow_symlinks=False):
        shutil.rmtree(entry.path)
    else:
        os.unlink(entry.path)


def _copy_static(static_dirs: list[Path], writer: _Writer) -> None:
    copied: set[PurePosixPath] = set()
    for folder in static_dirs:
        if not folder.is_dir():
            continue
        for source in sorted(folder.rglob("*")):
            relative = PurePosixPath(source.relative_to(folder).as_posix())
            if source.is_file() and relative not in copied and not source.name.startswith("."):
                writer.put(f"static/{relative}", source.read_bytes())
                copied.add(relative)


def _inside(root: Path, relative: str) -> Path:
    """Refuse output paths that would escape the build folder (a slug is never `..`, but be sure).

    Checked on the path's text, not by resolving it (a file system call per page): the staging
    folder is new and holds no symbolic links, so only `..`, absolute paths and NUL could escape."""
    parts = PurePosixPath(relative).parts
    if not parts or parts[0] == "/" or ".." in parts or "\0" in relative or "\\" in relative:
        raise ValueError(f"refusing to write outside the build folder: {relative}")
    return root / relative


def _swap_into_place(staging: Path, output_dir: Path) -> Path | None:
    """Replace output_dir by staging: one exchange where the system has it, else two renames.
    Returns where the replaced build now is (None if there was none): the caller keeps or
    discards it."""
    staging.chmod(0o755)  # mkdtemp creates 0700; a web server must be able to read the site
    if output_dir.exists() and _exchange(staging, output_dir):
        return staging  # the previous build, now under the staging name
    if output_dir.exists():
        retired = Path(tempfile.mkdtemp(prefix=STAGING_PREFIX + "old-", dir=output_dir.parent))
        os.replace(output_dir, retired / output_dir.name)
        os.replace(staging, output_dir)
        return retired / output_dir.name
    os.replace(staging, output_dir)
    return None


TRASH_PREFIX = ".trash-"


def _discard(folder: Path) -> None:
    """Delete a replaced build in a child process: deleting a folder per page takes time that
    grows with the site, which the build (and the editor waiting for it) need not wait for.

    The folder is first renamed out of the staging names (so the next build's clean-up leaves it
    to its deleter); trash whose deleter died (the machine stopped) is deleted along with it.
    """
    trash = folder.with_name(f"{TRASH_PREFIX}{os.getpid()}-{folder.name}")
    try:
        os.replace(folder, trash)
    except OSError:
        trash = folder
    orphans = [path for path in folder.parent.glob(TRASH_PREFIX + "*") if path != trash and not _deleter_alive(path)]
    try:
        child = os.fork() if hasattr(os, "fork") else -1
    except OSError:
        child = -1
    if child == 0:  # the child: delete, then leave without running the parent's clean-up handlers
        try:
            os.closerange(3, 1 << 16)  # above all the writers' lock: the next build must not wait for us
            for path in [trash, *orphans]:
                shutil.rmtree(path, ignore_errors=True)
        finally:
            os._exit(0)
    if child < 0:
        for path in [trash, *orphans]:
            shutil.rmtree(path, ignore_errors=True)
        return
    threading.Thread(target=os.waitpid, args=(child, 0), daemon=True).start()  # no zombie in a long-lived server


def _deleter_alive(trash: Path) -> bool:
    try:
        os.kill(int(trash.name[len(TRASH_PREFIX):].split("-", 1)[0]), 0)
        return True
    except (ValueError, ProcessLookupError):
        return False
    except PermissionError:
        return True


_RENAME_EXCHANGE = 2  # linux/fs.h
_AT_FDCWD = -100


def _exchange(first: Path, second: Path) -> bool:
    """Swap two folders atomically with Linux's renameat2(RENAME_EXCHANGE): with two renames, a
    build killed between them would leave no build/ at all. False where it is unavailable."""
    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):  # not Linux, or a C library older than glibc 2.28
        return False
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    return renameat2(_AT_FDCWD, os.fsencode(first), _AT_FDCWD, os.fsencode(second), _RENAME_EXCHANGE) == 0
