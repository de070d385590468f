"""The Python API: what the CLI and the tests call."""

from __future__ import annotations

import bisect
import os
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, TypeVar

from mantracheck.config import Config, Settings, check_names, with_cli
from mantracheck.engine.loader import RULE_SUFFIXES, RuleSet, load_rules
from mantracheck.engine.runner import Linter, Source
from mantracheck.errors import InputError, MantracheckError, UsageError
from mantracheck.models import FileReport, Finding, LintResult, Notice, RuleMeta, Severity
from mantracheck.text import LineIndex, format_for_path, read_file
from mantracheck.text.formats import EXTENSIONS, FORMATS, KEYED, format_of, keys_of, names_a_field
from mantracheck.text.walk import FolderWalk, in_language_folder, is_legal_file

T = TypeVar("T")

STDIN = "-"
STDIN_NAME = "<stdin>"
#: What a folder walk reads, for the notice on a folder with nothing to read.
READ_EXTENSIONS_HINT = f"it reads files ending in {', '.join(sorted({'.' + e.rsplit('.', 1)[-1] for e in EXTENSIONS}))}, and any file named on the command line"
FIX_MODES = (None, "fix", "diff")
#: The input format of what a folder walk found and could not read, why kept aside (see
#: ``iter_inputs``): a folder that could not be listed (it fails the run: a gate must not
#: pass what it did not see), a link that leads outside the paths being linted (skipped).
REFUSED = "refused"


@dataclass(frozen=True)
class Options:
    profile: str | None = None
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    rule_paths: tuple[str, ...] = ()
    model: str | None = None
    input_format: str | None = None
    placeholders: tuple[str, ...] = ()
    severities: dict[str, Severity] = field(default_factory=dict)
    #: string fields linted in YAML/JSON exports (KEY or KEY[SIBLING=VALUE]); () = the defaults
    fields: tuple[str, ...] = ()
    report_unused_directives: bool = False
    #: compute the courtesy and overpromise-risk scores of every text (about 1 ms a text)
    scores: bool = False


def make_linter(options: Options | None = None, ruleset: RuleSet | None = None) -> Linter:
    options = options or Options()
    ruleset = ruleset or load_rules(tuple(options.rule_paths))
    return Linter(
        ruleset,
        profile=options.profile,
        select=options.select,
        ignore=options.ignore,
        severities=options.severities,
        pipeline=options.model,
        placeholders=options.placeholders,
        fields=options.fields,
        report_unused_directives=options.report_unused_directives,
        scores=options.scores,
    )


def lint_text(text: str, *, path: str = "<text>", input_format: str = "text", options: Options | None = None, **kwargs: object) -> list[Finding]:
    """Findings for one text. Keyword arguments are ``Options`` fields (profile, select...)."""
    options = _options(options, kwargs)
    linter, fmt = make_linter(options), options.input_format or input_format
    return list(_keyed(linter, Source(path, text, fmt), linter.lint_text(text, path, fmt)).findings)


class _Session:
    """One run: the merged config, the rules, and one Linter per distinct set of settings."""

    def __init__(self, options: Options, config: Config, fix: str | None, fix_follow_links: bool = False) -> None:
        self.options = options
        self.config = with_cli(
            config,
            profile=options.profile,
            select=options.select,
            ignore=options.ignore,
            rule_paths=options.rule_paths,
            placeholders=options.placeholders,
            model=options.model,
            fields=options.fields,
            report_unused_directives=options.report_unused_directives,
        )
        self.ruleset = load_rules(tuple(self.config.rule_paths))
        if config.path is not None:  # (the file's own names: those given on the command line are the Linter's to check)
            check_names(config, [r.id for r in self.ruleset.rules], self.ruleset.packs, list(self.ruleset.profiles))
        self.fix = fix
        self.fix_follow_links = fix_follow_links
        #: why each input of the format REFUSED was not read (filled before workers fork)
        self.refused: dict[str, InputError] = {}
        self._linters: dict[Settings, Linter] = {}

    def linter_for(self, path: str) -> Linter:
        # (settings_for resolves the path against the config root: 30 us a file, skipped when
        # there is no override to match)
        settings = self.config.base if path == STDIN_NAME or not self.config.overrides else self.config.settings_for(path)
        linter = self._linters.get(settings)
        if linter is None:
            linter = Linter(
                self.ruleset,
                profile=settings.profile,
                select=settings.select,
                ignore=settings.ignore,
                severities={**settings.severity_map(), **self.options.severities},
                pipeline=self.config.model,
                placeholders=self.config.placeholders,
                fields=self.config.fields,
                report_unused_directives=self.config.report_unused_directives,
                scores=self.options.scores or self.config.min_courtesy is not None,
                text_kind=settings.kind,
                fragment_fields=self.config.fragment_fields,
            )
            self._linters[settings] = linter
        return linter

    def prepare(self, paths: Iterable[str]) -> None:
        """Build every linter the inputs need before workers fork (they inherit them warm)."""
        for path in paths:
            self.linter_for(path)
        if not self._linters:
            self.linter_for(STDIN_NAME)

    @property
    def linters(self) -> list[Linter]:
        return list(self._linters.values())

    def lint_chunk(self, chunk: Sequence[tuple[str, str]]) -> list[FileReport]:
        reports: list[FileReport | None] = [None] * len(chunk)
        groups: dict[int, tuple[Linter, list[tuple[int, Source]]]] = {}
        for i, (path, fmt) in enumerate(chunk):
            if fmt == REFUSED:
                refusal = self.refused[path]
                reports[i] = FileReport(path=path, error=str(refusal), skipped=refusal.skipped)
                continue
            try:
                src = read_file(path)
            except InputError as exc:
                reports[i] = FileReport(path=path, error=str(exc), skipped=exc.skipped)
                continue
            if fmt == "text" and self.options.input_format is None:
                fmt = format_of(path, src.text) or fmt  # a .liquid/.j2/.erb template of HTML is HTML
            linter = self.linter_for(path)
            too_long = _too_long_for(linter, src.text)
            if too_long:
                reports[i] = FileReport(path=path, error=too_long, encoding=src.encoding, skipped=True)
                continue
            groups.setdefault(id(linter), (linter, []))[1].append((i, Source(path, src.text, fmt, src.encoding)))
        for linter, items in groups.values():
            for (i, source), report in zip(items, _lint_guarded(linter, [s for _, s in items])):
                reports[i] = self.apply_fix(linter, source, report)
        return [r for r in reports if r is not None]

    def apply_fix(self, linter: Linter, source: Source, report: FileReport) -> FileReport:
        """``--fix``: the file written with every fix applied, and the report of the text as
        written (its findings where they now are, those left unfixed included); ``--diff``:
        the report with the diff of that text. Fixes are applied in rounds, each followed by a
        lint of the new text, until none is left that applies (a fix skipped because it
        overlapped another gets its turn; at most ``FIX_ROUNDS``)."""
        if self.fix is None or not any(f.fix is not None for f in report.findings):
            return report
        from mantracheck.fix import FixedButWarned, apply_fixes, fix_file

        if source.path == STDIN_NAME and self.fix == "fix":
            return report
        text, now, applied = source.text, report, 0
        for _ in range(FIX_ROUNDS):
            text_after, count = apply_fixes(text, [f.fix for f in now.findings if f.fix is not None])
            if not count:
                break
            after = _lint_guarded(linter, [replace(source, text=text_after)])[0]
            if after.error is not None:  # (the fixed text cannot be read: keep the fixes made so far)
                break
            text, now, applied = text_after, after, applied + count
        else:
            # still fixing after FIX_ROUNDS: a fix that writes its own match again ("team" ->
            # "support team"); what it would write is no fix
            looping = sorted({f.rule for f in now.findings if f.fix is not None})
            return replace(report, error=f"cannot fix: the fixes do not settle ({', '.join(looping)} keeps matching what its fix writes); left unchanged")
        if not applied:
            return report
        try:
            outcome = fix_file(source.path, source.text, source.encoding or "utf-8", text, applied, write=self.fix == "fix", follow_links=self.fix_follow_links)
        except FixedButWarned as exc:  # written: the report is of the text written, the warning stays
            return replace(now, fixed=applied, error=str(exc))
        except InputError as exc:
            return replace(report, error=str(exc))
        if self.fix == "diff":
            return replace(report, diff=outcome.diff or None)
        return replace(now, fixed=applied)


#: Rounds of fixes and lints ``--fix`` makes at most on one file (ruff makes up to 100; here a
#: round is needed only for a fix that overlapped one applied before it).
FIX_ROUNDS = 10


def _lint_guarded(linter: Linter, sources: list[Source]) -> list[FileReport]:
    """Lint a batch; if anything unexpected goes wrong (a bug, not a bad input: those are
    InputErrors), lint the batch one file at a time so that only the file that triggers it is
    reported, in one line naming it, and every other file is still linted."""
    try:
        return [_keyed(linter, s, r) for s, r in zip(sources, linter.lint_sources(sources))]
    except MantracheckError:
        raise
    except Exception:  # noqa: BLE001 - the last line of defence; reported per file below
        if len(sources) == 1:
            exc_info = sys.exc_info()[1]
            return [FileReport(path=sources[0].path, error=_internal(exc_info), encoding=sources[0].encoding)]
    out = []
    for source in sources:
        out.extend(_lint_guarded(linter, [source]))
    return out


def _keyed(linter: Linter, source: Source, report: FileReport) -> FileReport:
    """A YAML/JSON/PO/PHP file's findings, each with the key path of its text (``field``,
    found by where the finding starts); a YAML/JSON file with no text in the fields looked
    for is skipped, with a notice naming them and saying how to name others, and so is a PO
    file with no entry."""
    if source.fmt not in KEYED or report.error is not None:
        return report
    spans = keys_of(source.text, source.fmt, linter.placeholders, linter.fields)
    if not spans and source.fmt in ("yaml", "json") and not names_a_field(source.text, source.fmt, linter.fields):
        from mantracheck.text.fields import DEFAULT_FIELDS

        looked = ", ".join(linter.fields or DEFAULT_FIELDS)
        hint = 'name the fields that hold the copy with fields = ["KEY", "KEY[SIBLING=VALUE]"] in the configuration'
        return replace(report, error=f"no text to lint: no string in the fields looked for ({looked}); {hint}", skipped=True)
    if not spans and source.fmt == "po" and source.text.strip():
        # (a PHP file with no language array is code, of which a walk meets many: quiet)
        return replace(report, error='no text to lint: no gettext entry (msgid "...") with English text', skipped=True)
    if not report.findings:
        return report
    lines, starts = LineIndex(source.text), [start for start, _, _ in spans]

    def field(finding: Finding) -> str | None:
        at = lines.line_start(finding.line) + finding.column - 1
        i = bisect.bisect_right(starts, at) - 1
        return spans[i][2] if i >= 0 and at <= spans[i][1] else None

    return replace(report, findings=tuple(replace(f, field=field(f)) for f in report.findings))


def _internal(exc: BaseException | None) -> str:
    if isinstance(exc, RecursionError):
        return "nested too deeply to read"
    if isinstance(exc, MemoryError):
        return "not enough memory to lint this file"
    detail = " ".join(str(exc).split())
    detail = detail if len(detail) <= 200 else detail[:197] + "..."
    return f"internal error while linting ({type(exc).__name__}: {detail}); please report it"


def _too_long_for(linter: Linter, text: str) -> str | None:
    """A text longer than the spaCy pipeline accepts (a trained pipeline keeps spaCy's
    1,000,000-character limit: its parser needs about 1 GB per 100,000 characters)."""
    limit = linter.pipeline.nlp.max_length
    if len(text) <= limit:
        return None
    return f"{len(text):,} characters, over the {limit:,}-character limit of the spaCy pipeline {linter.pipeline.name!r}, skipped"


def lint_paths(paths: Sequence[str], *, progress: Callable[[FileReport], None] | None = None, **kwargs: Any) -> LintResult:
    """Lint files and folders (recursing into text-like files); ``-`` reads ``stdin_text``.
    Takes ``start_lint``'s arguments, and ``progress``, called with each report; returns the
    whole run at once."""
    run = start_lint(paths, **kwargs)
    reports = []
    for report in run.reports():
        reports.append(report)
        if progress:
            progress(report)
    return LintResult(files=tuple(reports), notices=run.notices, rules=run.rules)


@dataclass(frozen=True)
class LintRun:
    """A run whose inputs are listed and whose rules are built: ``notices`` and ``rules``
    are known before any file is linted; ``reports()`` lints, yielding one report per input
    in path order (the order of ``lint_paths``), so a caller can write each as it comes
    instead of holding them all."""

    notices: tuple[Notice, ...]
    rules: tuple[RuleMeta, ...]
    count: int
    _reports: Callable[[Callable[[FileReport], Any] | None], Iterator[Any]]

    def reports(self) -> Iterator[FileReport]:
        return self._reports(None)

    def rendered(self, render: Callable[[FileReport], T]) -> Iterator[T]:
        """``render(report)`` of every report, in the same order, computed where the report
        is made: with ``--jobs``, in the worker, so that only what ``render`` returns crosses
        back to this process (a module-level function, or anything a forked worker has)."""
        return self._reports(render)


def start_lint(
    paths: Sequence[str],
    *,
    options: Options | None = None,
    config: Config | None = None,
    stdin_text: str | None = None,
    jobs: int | None = 1,
    fix: str | None = None,
    fix_follow_links: bool = False,
    **kwargs: object,
) -> LintRun:
    """A run, linted one report at a time (see ``LintRun``).

    ``config`` comes from ``mantracheck.config.load_config`` (none by default); ``jobs``
    is the number of processes (None: one per CPU for many files); ``fix`` is None,
    ``"fix"`` (write fixes atomically) or ``"diff"`` (attach a diff, write nothing);
    ``fix_follow_links`` lets ``"fix"`` rewrite the file a symbolic link points to (by
    default a link is never written through); other keyword arguments are ``Options``
    fields (select, profile...).
    """
    from mantracheck.parallel import default_jobs, map_chunks

    if fix not in FIX_MODES:
        raise UsageError(f"fix must be one of fix, diff, got {fix!r}")
    options = _options(options, kwargs)
    session = _Session(options, config or Config(), fix, fix_follow_links)
    notices: list[Notice] = []
    inputs = [
        (p, f)
        for p, f in iter_inputs(paths, options.input_format, notices, session.refused)
        if p == STDIN or not (session.config.exclude and session.config.is_excluded(p))
    ]
    inputs = _without_rule_files(inputs, session.ruleset.own_rule_files(), notices)
    if fix is not None:
        inputs = _each_file_once(inputs)
    # Linted in the order they are reported: sorted by the path shown (stable, so an input
    # named twice is reported twice), standard input under its name.
    inputs.sort(key=lambda item: STDIN_NAME if item[0] == STDIN else item[0])
    files = [(p, f) for p, f in inputs if p != STDIN]
    session.prepare(STDIN_NAME if p == STDIN else p for p, _ in inputs)
    if inputs and not any(linter.rules or linter.notices for linter in session.linters):
        # (--select X --ignore X, or a profile whose rules are all ignored: a run that checks
        # nothing would pass everything; rules skipped for the pipeline are said in a notice)
        raise UsageError("the rules selected leave none to run (see --select, --ignore and the profile); 'mantracheck rules' lists them")
    for linter in session.linters:
        notices.extend(n for n in linter.notices if n not in notices)
    metas = {r.id: RuleMeta(r.id, linter.severities[r.id], r.one_line(), r.description, r.link, r.suggestions) for linter in session.linters for r in linter.rules}
    n_jobs = default_jobs(len(files)) if jobs is None else max(1, jobs)

    def reports(render: Callable[[FileReport], Any] | None) -> Iterator[Any]:
        lint_chunk = session.lint_chunk if render is None else _rendering(session.lint_chunk, render)
        # Files between two stdin entries are linted as one stream of chunks.
        i = 0
        while i < len(inputs):
            if inputs[i][0] == STDIN:
                report = _lint_stdin(session, stdin_text, inputs[i][1])
                yield report if render is None else render(report)
                i += 1
                continue
            j = i
            while j < len(inputs) and inputs[j][0] != STDIN:
                j += 1
            yield from map_chunks(lint_chunk, inputs[i:j], n_jobs)
            i = j

    return LintRun(notices=tuple(notices), rules=tuple(metas[k] for k in sorted(metas)), count=len(inputs), _reports=reports)


def _rendering(lint_chunk: Callable[[Sequence[tuple[str, str]]], list[FileReport]], render: Callable[[FileReport], T]) -> Callable[[Sequence[tuple[str, str]]], list[T]]:
    def lint_and_render(chunk: Sequence[tuple[str, str]]) -> list[T]:
        return [render(report) for report in lint_chunk(chunk)]

    return lint_and_render


def _without_rule_files(inputs: list[tuple[str, str]], rule_files: dict[str, str], notices: list[Notice]) -> list[tuple[str, str]]:
    """``inputs`` less the rule files of the user's own packs (YAML too, but rules, not copy;
    nothing else under a rule path is left out), with one notice per pack saying so."""
    if not rule_files:
        return inputs
    kept: list[tuple[str, str]] = []
    skipped: dict[str, list[str]] = {}
    for path, fmt in inputs:
        pack = rule_files.get(os.path.realpath(path)) if path != STDIN and path.endswith(RULE_SUFFIXES) else None
        if pack is None:
            kept.append((path, fmt))
        else:
            skipped.setdefault(pack, []).append(path)
    for pack, found in sorted(skipped.items()):
        n = len(found)
        notices.append(Notice(f"{n} file{'s' if n != 1 else ''} of the rule pack {pack!r} not linted (your rules, not copy)", os.path.dirname(found[0]) or "."))
    return kept


def _each_file_once(inputs: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """For ``--fix`` and ``--diff``: a file named twice (``a.txt ./a.txt``, a link and its
    target) is fixed once, under the first name that is not a link (``--fix`` refuses links);
    the second would find it changed since it was read and report findings already fixed."""
    keys: list[tuple[int, int] | None] = []
    plain: set[tuple[int, int]] = set()  # files named by a name that is not a link
    for path, _ in inputs:
        try:
            info = os.stat(path)
        except OSError:
            keys.append(None)
            continue
        key = (info.st_dev, info.st_ino)
        keys.append(key)
        if not os.path.islink(path):
            plain.add(key)
    seen: set[tuple[int, int]] = set()
    out = []
    for (path, fmt), found in zip(inputs, keys):
        if path == STDIN or found is None:
            out.append((path, fmt))
        elif found not in seen and not (found in plain and os.path.islink(path)):
            # (a link to a file also named as itself gives way to that name: --fix refuses links)
            out.append((path, fmt))
            seen.add(found)
    return out


def _lint_stdin(session: _Session, stdin_text: str | None, fmt: str) -> FileReport:
    linter = session.linter_for(STDIN_NAME)
    text = stdin_text or ""
    too_long = _too_long_for(linter, text)
    if too_long:
        return FileReport(STDIN_NAME, error=too_long, skipped=True)
    source = Source(STDIN_NAME, text, fmt)
    report = _lint_guarded(linter, [source])[0]
    return session.apply_fix(linter, source, report) if session.fix == "diff" else report


def iter_inputs(paths: Iterable[str], forced: str | None, notices: list[Notice], refused: dict[str, InputError] | None = None) -> Iterator[tuple[str, str]]:
    """(path, format) for every input: files as given (read whatever their extension and
    whatever .gitignore says, followed if they are links: the user chose them), folders
    walked (see ``mantracheck.text.walk``: .gitignore honoured, files of the formats in
    ``EXTENSIONS``, licence files passed over), '-' for stdin. A folder with nothing to read adds a notice.

    What a walk finds and must not or cannot read is yielded with the format ``REFUSED``,
    the reason in ``refused``: a link that leads outside the paths given (to a file it would
    read, or to a folder), skipped, and a folder that cannot be listed, which fails the run.
    A name given that is not there is a usage error; one that cannot be looked at (a folder
    above it cannot be searched) is yielded as a file, so that reading it says why."""
    if forced is not None and forced not in FORMATS:
        raise UsageError(f"unknown input format {forced!r}; expected one of {', '.join(sorted(FORMATS))}")
    paths = list(paths)
    inside = _inside([p for p in paths if p != STDIN])
    for path in paths:
        if path == STDIN:
            yield STDIN, forced or "text"
        elif os.path.isdir(path):
            yield from _walk_folder(path, forced, notices, inside, {} if refused is None else refused)
        elif _named(path):
            yield path, forced or format_for_path(path) or "text"
        else:
            raise UsageError(f"{path}: no such file or folder")


def _named(path: str) -> bool:
    """Whether a name given on the command line is there: False only when it surely is not
    (a typo); True when it is, or cannot be looked at (permission denied on a folder above)."""
    try:
        os.lstat(path)
    except (FileNotFoundError, NotADirectoryError):
        return False
    except OSError:
        return True
    return True


def _inside(roots: Sequence[str]) -> Callable[[str], bool]:
    """Whether a path leads inside ``roots`` (the files and folders named on the command
    line, links among them resolved: the user chose those), once every link is resolved."""
    folders, named = [], set()
    for root in roots:
        real = os.path.realpath(root)
        named.add(real)  # (a link to a folder named is inside too, not followed by the walk)
        if os.path.isdir(real):
            folders.append(os.path.join(real, ""))
    under = tuple(folders)

    def inside(path: str) -> bool:
        real = os.path.realpath(path)
        return real in named or real.startswith(under)

    return inside


def _walk_folder(path: str, forced: str | None, notices: list[Notice], inside: Callable[[str], bool], refused: dict[str, InputError]) -> Iterator[tuple[str, str]]:
    kept_aside: list[str] = []  # yielded after the files (the run sorts its inputs)

    def unlistable(exc: OSError) -> None:
        kept_aside.append(exc.filename)
        refused[exc.filename] = InputError(f"cannot list folder: {(exc.strerror or str(exc)).lower()}")

    def warn(where: str, problem: str) -> None:
        notices.append(Notice(problem, where))

    def leaves(link: str, kind: str) -> bool:
        if inside(link):
            return False
        if kind == "folder" or forced or format_for_path(link):  # (a file it would not read anyway: no word)
            kept_aside.append(link)
            refused[link] = InputError(f"symbolic link to a {kind} outside the paths being linted, not followed", skipped=True)
        return True

    walk = FolderWalk(path, unlistable, warn, leaves)
    read = other = legal = code = 0
    for full in walk:
        fmt = forced or format_for_path(full)
        if fmt is None:
            other += 1
        elif is_legal_file(os.path.basename(full)):
            legal += 1
        elif fmt == "php" and not forced and not in_language_folder(os.path.abspath(full)):
            code += 1
        else:
            read += 1
            yield full, fmt
    for aside in kept_aside:
        yield aside, REFUSED
    if not read and not kept_aside:
        notices.append(Notice(f"no files mantracheck reads ({_unread(walk, other, legal, code)}); {READ_EXTENSIONS_HINT}", path))


def _unread(walk: FolderWalk, other: int, legal: int = 0, code: int = 0) -> str:
    """What a folder with nothing to read held instead: 'the folder is empty', or counts."""

    def count(n: int, noun: str) -> str:
        return f"{n} {noun}{'s' if n != 1 else ''}"

    ignored = [count(n, noun) for n, noun in ((walk.ignored_files, "file"), (walk.ignored_dirs, "folder")) if n]
    parts = [" and ".join(ignored) + " ignored by .gitignore"] if ignored else []
    if other:
        parts.append(count(other, "file") + (" of another type" if other == 1 else " of other types"))
    if legal:
        parts.append(count(legal, "licence file") + " (name one outright to lint it)")
    if code:
        parts.append(count(code, ".php file") + " outside a language folder such as lang/ (name one outright to lint it)")
    return ", ".join(parts) or "the folder is empty"


def _options(options: Options | None, kwargs: dict[str, object]) -> Options:
    if options is not None and kwargs:
        raise TypeError("pass either options= or keyword options, not both")
    if options is not None:
        return options
    for key in ("select", "ignore", "rule_paths", "placeholders", "fields"):
        if isinstance(kwargs.get(key), str):
            kwargs[key] = (kwargs[key],)
        elif key in kwargs:
            kwargs[key] = tuple(kwargs[key])  # type: ignore[arg-type]
    return Options(**kwargs)  # type: ignore[arg-type]
