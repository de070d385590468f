"""The warm engines behind the language server: the CLI's session, kept per configuration.

A document is linked as ``mantracheck lint`` run in its workspace folder would link it: the
config discovered from that folder (``mantracheck.config.load_config``, the same walk up to
the repository root), its overrides matched against the document's path, its ``exclude``
honoured, a team's rule files left out, and the document's path shown relative to the
folder (what decides a fragment by its name or folder). A document outside every workspace
folder is linted as if the CLI ran in its own folder.

Each starting folder keeps a *stamp* of every file its discovery looks at (the four config
names in each folder up to the repository root, ``.pre-commit-config.yaml``): checking it is
a few ``stat`` calls, done before every lint, so an edited, created or deleted config is
picked up even by an editor that does not report file changes. A config that cannot be used
keeps the last one that could (and says why, once); with none, the folder's documents get one
diagnostic naming the problem.

An editor session can last for days, and spaCy's vocabulary keeps every word it has read
(every half-typed word included), so after ``RECYCLE_CHARS`` of linted text the engines and
the pipelines are built afresh (``nlp.release_pipelines``), as ``serve`` and the audit's
workers do.

Nothing here is thread-safe: the server calls it from its one lint thread.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mantracheck.api import STDIN_NAME, Options, _lint_guarded, _Session, _too_long_for
from mantracheck.config import CONFIG_NAMES, Config, load_config, repository_root
from mantracheck.engine.runner import Source
from mantracheck.errors import MantracheckError
from mantracheck.models import FileReport

#: What the ``mantracheck-mantra`` pre-commit hook passes as ``--min-score`` (see
#: .pre-commit-hooks.yaml; tests/test_lsp.py keeps the two in step).
HOOK_MIN_SCORE = 60
#: Characters of text linted before the engines and pipelines are built afresh (a re-lint of
#: a 20 KB document on each pause in typing reaches it after some 1,600 pauses).
RECYCLE_CHARS = 32 << 20
PRE_COMMIT_CONFIG = ".pre-commit-config.yaml"
_MIN_SCORE_ARG = re.compile(r"--min-score(?:=|\s+)(\d+)$")


@dataclass(frozen=True)
class ServerOptions:
    """What the command line of ``mantracheck lsp`` chose (the same as ``lint``'s)."""

    config_path: str | None = None
    use_config: bool = True
    model: str | None = None
    rule_paths: tuple[str, ...] = ()


Stamp = tuple[Any, ...]


def _stamp(path: Path) -> tuple[int, int, int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_mtime_ns, st.st_size, st.st_ino)


def discovery_stamp(start: Path, options: ServerOptions) -> Stamp:
    """Every file whose change could change the config found from ``start``."""
    if not options.use_config:
        return ()
    if options.config_path is not None:
        return (_stamp(Path(options.config_path)),)
    root = repository_root(start)
    stamps: list[Any] = []
    for candidate in (start, *start.parents):
        stamps.extend(_stamp(candidate / name) for name in CONFIG_NAMES)
        if candidate == root:
            break
    stamps.append(_stamp((root or start) / PRE_COMMIT_CONFIG))
    return tuple(stamps)


def hook_min_score(start: Path) -> int:
    """The ``--min-score`` of the ``mantracheck-mantra`` hook in the repository's
    .pre-commit-config.yaml, or the hook's own default."""
    from mantracheck.yamlio import YamlError, load_yaml_file

    path = (repository_root(start) or start) / PRE_COMMIT_CONFIG
    if not path.is_file():
        return HOOK_MIN_SCORE
    try:
        data = load_yaml_file(str(path))
    except (YamlError, OSError):
        return HOOK_MIN_SCORE
    repos = data.get("repos") if isinstance(data, dict) else None
    for repo in repos if isinstance(repos, list) else []:
        hooks = repo.get("hooks") if isinstance(repo, dict) else None
        for hook in hooks if isinstance(hooks, list) else []:
            if not isinstance(hook, dict) or hook.get("id") != "mantracheck-mantra":
                continue
            args = hook.get("args")
            if isinstance(args, list):
                words = [str(a) for a in args]
                for i, word in enumerate(words):
                    found = _MIN_SCORE_ARG.match(word) or (_MIN_SCORE_ARG.match(f"{word} {words[i + 1]}") if i + 1 < len(words) else None)
                    if found:
                        return int(found.group(1))
    return HOOK_MIN_SCORE


class Engine:
    """One configuration's warm session: its rules loaded and its linters built."""

    def __init__(self, options: ServerOptions, config: Config) -> None:
        self.config = config
        self.session = _Session(Options(model=options.model, rule_paths=options.rule_paths), config, fix=None)
        self.ruleset = self.session.ruleset
        self.own_rule_files = self.ruleset.own_rule_files()
        self.linter_for(STDIN_NAME)  # (the base linter, built now rather than on a keystroke)

    def linter_for(self, path: str) -> Any:
        return self.session.linter_for(path)

    def skips(self, path: str | None) -> bool:
        """Whether the CLI would leave this file out: excluded by the config, or a rule file
        of the team's own packs."""
        if path is None:
            return False
        if self.config.exclude and self.config.is_excluded(path):
            return True
        return bool(self.own_rule_files) and os.path.realpath(path) in self.own_rule_files

    def lint(self, path: str | None, shown: str, text: str, fmt: str) -> FileReport:
        """The CLI's report of ``text`` as the file ``path`` (absolute; None for an unsaved
        document), shown as ``shown``."""
        linter = self.linter_for(path or STDIN_NAME)
        too_long = _too_long_for(linter, text)
        if too_long:
            return FileReport(shown, error=too_long, skipped=True)
        if fmt == "text" and path is not None:
            from mantracheck.text.formats import format_of

            fmt = format_of(path, text) or fmt  # as lint reads it: a .liquid template of HTML is HTML
        return _lint_guarded(linter, [Source(shown, text, fmt)])[0]

    def severity(self, path: str | None, rule_id: str) -> Any:
        return self.linter_for(path or STDIN_NAME).severities.get(rule_id)


class Slot:
    """The engine for one starting folder (a workspace folder, or a loose file's folder)."""

    def __init__(self, start: Path, engines: Engines) -> None:
        self.start = start
        self.engines = engines
        self.stamp: Stamp | None = None
        self.engine: Engine | None = None
        self.error: str | None = None
        self.min_score = HOOK_MIN_SCORE

    def refresh(self, force: bool = False) -> tuple[bool, str | None]:
        """Load, or reload when a file discovery reads changed (or ``force``). Returns whether
        a reload changed the engine or its error (the first load is no change), and a new
        problem to tell the user about (each only once)."""
        stamp = discovery_stamp(self.start, self.engines.options)
        if stamp == self.stamp and not force:
            return False, None
        first = self.stamp is None
        self.stamp = stamp
        before = (self.engine, self.error)
        self.min_score = hook_min_score(self.start)
        options = self.engines.options
        try:
            config = load_config(options.config_path, use_config=options.use_config, start=str(self.start))
            self.engine = self.engines.engine_for(config)
            self.error = None
        except MantracheckError as exc:
            problem = " ".join(str(exc).split())
            self.error = problem
        except Exception as exc:  # noqa: BLE001 - a bug: said in one line, the server keeps running
            self.error = f"internal error while loading the configuration ({type(exc).__name__}: {' '.join(str(exc).split())[:200]}); please report it"
        changed = not first and (self.engine, self.error) != before
        news = self.error if self.error is not None and self.error != before[1] else None
        return changed, news


class Engines:
    """Every slot, and the engines shared by slots whose configuration is the same."""

    def __init__(self, options: ServerOptions) -> None:
        self.options = options
        self.folders: list[Path] = []
        self.slots: dict[Path, Slot] = {}
        self._engines: dict[Config, Engine] = {}
        self._read = 0  # characters linted since the engines were built

    def reading(self, chars: int) -> dict[int, Engine]:
        """Count a document about to be linted; past ``RECYCLE_CHARS``, build the engines afresh
        (``_recycle``). Returns what replaced each engine (by the old one's id), or nothing."""
        self._read += chars
        if self._read <= RECYCLE_CHARS:
            return {}
        self._read = chars
        return self._recycle()

    def _recycle(self) -> dict[int, Engine]:
        """Forget the pipelines and give every slot an engine built afresh for the configuration
        it has (the same findings). Stamps and problems are left alone, so a config changed
        since a slot last looked is still found, and said, when it next does."""
        from mantracheck.nlp import release_pipelines

        release_pipelines()
        fresh: dict[Config, Engine] = {}
        replaced: dict[int, Engine] = {}
        for slot in self.slots.values():
            old = slot.engine
            if old is None:
                continue
            new = fresh.get(old.config)
            if new is None:
                try:
                    new = Engine(self.options, old.config)
                except Exception:  # noqa: BLE001 - (a team rule file broke meanwhile: the old engine stays; a reload says why)
                    new = old
                fresh[old.config] = new
            slot.engine = replaced[id(old)] = new
        self._engines = fresh  # (a new dict: the loop thread may be reading the old one)
        return replaced

    def set_folders(self, folders: list[Path]) -> None:
        # deepest first, so that a nested workspace folder wins
        self.folders = sorted({f.resolve() for f in folders}, key=lambda p: len(p.parts), reverse=True)

    def folder_of(self, path: str | None) -> Path:
        """The workspace folder holding ``path``; else its own folder; else the first
        workspace folder (an unsaved document), else the current folder."""
        if path is not None:
            resolved = _real(path)
            for folder in self.folders:
                if resolved == folder or folder in resolved.parents:
                    return folder
            return resolved.parent
        return self.folders[-1] if self.folders else Path.cwd()

    def slot(self, start: Path) -> Slot:
        found = self.slots.get(start)
        if found is None:
            found = self.slots[start] = Slot(start, self)
        return found

    def engine_for(self, config: Config) -> Engine:
        """The engine for a configuration, built once and shared by the slots that find it."""
        found = self._engines.get(config)
        if found is None:
            found = Engine(self.options, config)
            self._engines[config] = found
            live = {id(s.engine) for s in self.slots.values()} | {id(found)}
            self._engines = {c: e for c, e in self._engines.items() if id(e) in live}
        return found

    def reload_all(self) -> list[tuple[Slot, str | None]]:
        """Rebuild every slot's engine (a config or rule file changed; a change to a team's
        rule pack does not show in the config itself): each slot, and the problem it now has
        to tell, if new."""
        self._engines.clear()
        return [(slot, slot.refresh(force=True)[1]) for slot in self.slots.values()]

    def rule_files(self) -> set[str]:
        """The real paths of the team rule files every engine loaded (a change reloads)."""
        return {path for engine in tuple(self._engines.values()) for path in engine.own_rule_files}


def _real(path: str) -> Path:
    """``path`` with the links in its folders resolved (workspace folders are), not its own name."""
    absolute = os.path.abspath(path)
    return Path(os.path.realpath(os.path.dirname(absolute))) / os.path.basename(absolute)


def relative_name(path: str, folder: Path) -> str:
    """``path`` as the CLI run in ``folder`` shows it."""
    try:
        return _real(path).relative_to(folder).as_posix()
    except ValueError:
        return os.path.basename(path)
