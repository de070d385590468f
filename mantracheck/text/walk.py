"""Folder walks: every file under a folder, in a stable order, without what .gitignore names.

The walk keeps its own stack instead of recursing (``os.walk`` recurses, one frame per level:
a tree 1,500 folders deep raised RecursionError), lists each folder once, sorted by name (its
files, then each subfolder in turn, as ``os.walk`` with sorted names would), and does not
follow links to folders, so a link loop cannot make it endless; links to files are listed,
unless ``leaves`` says they lead outside what is being linted (a committed ``leak.txt ->
../../secret.txt``): such a link, to a file or a folder, is handed to ``leaves`` (which
records it) and not followed.

.gitignore files are read with pathspec, whose ``GitIgnoreSpec`` follows git's rules (anchored
and directory patterns, ``**``, negation, the last match winning). Those in the walked tree
apply below their folder, a deeper one before a shallower one; when the walked folder is inside
a git repository (a ``.git`` folder or file above it), the repository's ``.git/info/exclude``
and the .gitignore files from its root down to the walked folder apply too, unless they ignore
the walked folder itself (a folder named outright is walked). A file under an ignored folder is
never listed, whatever a later pattern says, as in git.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from mantracheck.config import repository_root

if TYPE_CHECKING:
    from pathspec import GitIgnoreSpec

#: Folders never descended into: version control, dependencies, virtual environments, caches.
SKIP_DIRS = frozenset({
    ".git", ".hg", ".svn", "node_modules", ".venv", "venv", "__pycache__", ".tox", ".nox",
    ".mypy_cache", ".pytest_cache", ".ruff_cache",
})
GITIGNORE = ".gitignore"
#: A licence file's name before its extension, in any case: LICENSE, licence.md, UNLICENSE.
_LICENCE_WORDS = frozenset({"LICENSE", "LICENCE", "UNLICENSE", "UNLICENCE"})
#: The other legal files, named by convention in capitals: COPYING, NOTICE, COPYRIGHT.txt
#: (a template called notice.html is copy).
_LEGAL_WORDS = frozenset({"COPYING", "NOTICE", "COPYRIGHT"})
#: What may follow one of those in a licence file's name: a licence's id (LICENSE-MIT,
#: LICENSE_APACHE-2.0, COPYING.LESSER is an extension), or THIRD-PARTY; not any word in
#: capitals (NOTICE_MAINTENANCE.html, LICENSE_EXPIRED.txt are templates).
_LICENCE_IDS = frozenset({"MIT", "APACHE", "GPL", "LGPL", "AGPL", "BSD", "MPL", "ISC", "EPL", "CC", "CC0", "OFL", "ZLIB", "THIRD", "3RD", "LESSER"})


def is_legal_file(name: str) -> bool:
    """Whether a file name is a licence's or a legal notice's (LICENSE, License.txt, COPYING,
    NOTICE.md, and in capitals with a licence's id: LICENSE-MIT, COPYING_LESSER,
    LICENSE-THIRD-PARTY.md): text the team did not write and must not change, whose capitals
    and "WITHOUT WARRANTY" are not its copy. A folder walk passes over such files; named
    outright, one is linted. A template about licences or notices (license_key_email.txt,
    LICENSE_EXPIRED.txt, NOTICE_MAINTENANCE.html) is not one."""
    stem = name.split(".", 1)[0]
    if stem.upper() in _LICENCE_WORDS or stem in _LEGAL_WORDS:
        return True
    parts = stem.replace("-", "_").split("_")
    return len(parts) > 1 and parts[0] in _LICENCE_WORDS | _LEGAL_WORDS and parts[1] in _LICENCE_IDS


#: The folders PHP frameworks keep their language arrays in, in any case: Laravel's ``lang/``
#: and ``resources/lang/``, OpenCart's ``language/``, CodeIgniter's ``Language/``, Yii's
#: ``messages/``, Kohana's ``i18n/``.
LANGUAGE_DIRS = frozenset({
    "lang", "langs", "language", "languages", "locale", "locales", "i18n", "l10n", "translation", "translations", "messages",
})


def in_language_folder(path: str) -> bool:
    """Whether a file's path (absolute, so the walked folder's own name counts) has a language folder:
    a folder walk reads a ``.php`` file only there, since elsewhere a ``return [...]`` array is
    configuration ("'timezone' => 'UTC'"), not copy. Named outright, a ``.php`` file is read."""
    parts = path.replace(os.sep, "/").split("/")[:-1]
    return any(part.lower() in LANGUAGE_DIRS for part in parts)


@dataclass(frozen=True, slots=True)
class _Patterns:
    """One .gitignore's patterns. A path relative to the walked folder is made relative to
    the .gitignore's folder by removing ``strip`` from its start and putting ``add`` there."""

    spec: GitIgnoreSpec
    strip: str
    add: str

    def verdict(self, rel: str) -> bool | None:
        """True: ignored; False: re-included by a negation; None: no pattern matches."""
        return self.spec.check_file(self.add + rel[len(self.strip):]).include


Chain = tuple[_Patterns, ...]


def _ignored(chain: Chain, rel: str) -> bool:
    """Whether ``rel`` (ending in "/" for a folder) is ignored: the deepest .gitignore with a
    matching pattern decides."""
    for patterns in reversed(chain):
        verdict = patterns.verdict(rel)
        if verdict is not None:
            return verdict
    return False


@dataclass
class FolderWalk:
    """``iter(FolderWalk(root, ...))``: the paths of the files under ``root`` (``root`` joined
    with their names), less those ignored; ``ignored_files`` and ``ignored_dirs`` count what
    .gitignore patterns left out (a folder's contents are not counted)."""

    root: str
    #: called with the OSError of a folder that cannot be listed (``exc.filename`` is the folder)
    onerror: Callable[[OSError], None]
    #: called with (path, problem) for a .gitignore that cannot be read
    warn: Callable[[str, str], None]
    #: called with (path, "file" or "folder") for each symbolic link: whether it leads outside
    #: what is being linted (then not followed); None: links to files are listed
    leaves: Callable[[str, str], bool] | None = None
    ignored_files: int = 0
    ignored_dirs: int = 0

    def __iter__(self) -> Iterator[str]:
        stack: list[tuple[str, str, Chain]] = [(self.root, "", self._enclosing_patterns())]
        while stack:
            folder, rel, chain = stack.pop()
            try:
                with os.scandir(folder) as listing:
                    entries = sorted(listing, key=lambda e: e.name)
            except OSError as exc:
                if exc.filename is None:
                    exc.filename = folder
                self.onerror(exc)
                continue
            if any(e.name == GITIGNORE for e in entries):
                patterns = self._read(os.path.join(folder, GITIGNORE), strip=rel + "/" if rel else "", add="")
                if patterns is not None:
                    chain = (*chain, patterns)
            subfolders = []
            for entry in entries:
                child = f"{rel}/{entry.name}" if rel else entry.name
                path = os.path.join(folder, entry.name)
                if _is_dir(entry):
                    if entry.name in SKIP_DIRS:
                        continue
                    if entry.is_symlink():  # never followed; told when it leaves the roots
                        if self.leaves is not None and not (chain and _ignored(chain, child)):  # (to git, a link is a file)
                            self.leaves(path, "folder")
                        continue
                    if chain and _ignored(chain, child + "/"):
                        self.ignored_dirs += 1
                        continue
                    subfolders.append((path, child, chain))
                elif chain and _ignored(chain, child):
                    self.ignored_files += 1
                elif not (entry.is_symlink() and self.leaves is not None and self.leaves(path, "file")):
                    yield path
            stack.extend(reversed(subfolders))

    def _enclosing_patterns(self) -> Chain:
        """The patterns of the git repository the walked folder is in (none outside one)."""
        here = os.path.abspath(self.root)
        found = repository_root(Path(here))
        if found is None:
            return ()
        repo = str(found)
        above = os.path.relpath(here, repo).replace(os.sep, "/")
        if above == ".":
            above = ""
        folders = [repo]
        for part in above.split("/") if above else []:
            folders.append(os.path.join(folders[-1], part))
        folders.pop()  # the walked folder's own .gitignore is read by the walk
        chain: list[_Patterns] = []
        sources = [(os.path.join(repo, ".git", "info", "exclude"), repo)] if os.path.isdir(os.path.join(repo, ".git")) else []
        sources += [(os.path.join(folder, GITIGNORE), folder) for folder in folders]
        for path, folder in sources:
            if os.path.isfile(path):
                lead = os.path.relpath(here, folder).replace(os.sep, "/")
                patterns = self._read(path, strip="", add="" if lead == "." else lead + "/")
                if patterns is not None:
                    chain.append(patterns)
        if chain and above and _ignored(tuple(chain), ""):
            return ()  # the folder itself is ignored, yet named outright: walk it
        return tuple(chain)

    def _read(self, path: str, strip: str, add: str) -> _Patterns | None:
        import pathspec

        try:
            with open(path, encoding="utf-8", errors="surrogateescape") as handle:
                lines = handle.read().splitlines()
        except OSError as exc:
            self.warn(path, f"cannot read .gitignore: {(exc.strerror or str(exc)).lower()}; its patterns are not applied")
            return None
        try:
            spec = pathspec.GitIgnoreSpec.from_lines(lines)
        except Exception:  # noqa: BLE001 - a pattern pathspec refuses: git ignores such a line too
            spec = pathspec.GitIgnoreSpec.from_lines([line for line in lines if _valid(line)])
        return _Patterns(spec, strip, add) if spec.patterns else None


def _valid(line: str) -> bool:
    import pathspec

    try:
        pathspec.GitIgnoreSpec.from_lines([line])
    except Exception:  # noqa: BLE001
        return False
    return True


def _is_dir(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_dir()
    except OSError:  # as os.walk: an entry that cannot be checked is listed as a file
        return False
