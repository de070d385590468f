"""The Python API: what the CLI and the tests call."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field

from mantracheck.engine.loader import RuleSet, load_rules
from mantracheck.engine.runner import Linter, Source
from mantracheck.errors import InputError, UsageError
from mantracheck.models import FileReport, Finding, LintResult, Notice, Severity
from mantracheck.text import format_for_path, read_file
from mantracheck.text.formats import FORMATS

STDIN = "-"
#: Folders never descended into when linting a directory.
SKIP_DIRS = {".git", ".hg", ".svn", "node_modules", ".venv", "venv", "__pycache__", ".tox", ".mypy_cache", ".pytest_cache", ".ruff_cache"}


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
    )


def lint_text(text: str, *, path: str = "<text>", input_format: str = "text", options: Options | None = None, **kwargs: object) -> list[Finding]:
    """Findings for one text. Keyword arguments are ``Options`` fields (profile, select...)."""
    options = _options(options, kwargs)
    return list(make_linter(options).lint_text(text, path, options.input_format or input_format).findings)


def lint_paths(paths: Sequence[str], *, options: Options | None = None, stdin_text: str | None = None, **kwargs: object) -> LintResult:
    """Lint files and folders (recursing into text-like files); ``-`` reads ``stdin_text``."""
    options = _options(options, kwargs)
    linter = make_linter(options)
    reports: list[FileReport] = []
    notices: list[Notice] = list(linter.notices)

    def sources() -> Iterator[Source]:
        for path, fmt in iter_inputs(paths, options.input_format, notices):
            if path == STDIN:
                yield Source("<stdin>", stdin_text or "", fmt)
                continue
            try:
                src = read_file(path)
            except InputError as exc:
                reports.append(FileReport(path=path, error=str(exc)))
                continue
            yield Source(path, src.text, fmt, src.encoding)

    reports.extend(linter.lint_sources(sources()))
    reports.sort(key=lambda r: r.path)
    return LintResult(files=tuple(reports), notices=tuple(notices))


def iter_inputs(paths: Iterable[str], forced: str | None, notices: list[Notice]) -> Iterator[tuple[str, str]]:
    """(path, format) for every input: files as given, folders walked, '-' for stdin."""
    if forced is not None and forced not in FORMATS:
        raise UsageError(f"unknown input format {forced!r}; expected one of {', '.join(sorted(FORMATS))}")
    for path in paths:
        if path == STDIN:
            yield STDIN, forced or "text"
        elif os.path.isdir(path):
            for root, dirs, files in os.walk(path):
                dirs[:] = sorted(d for d in dirs if d not in SKIP_DIRS and not d.startswith("."))
                for name in sorted(files):
                    full = os.path.join(root, name)
                    fmt = forced or format_for_path(full)
                    if fmt is not None:
                        yield full, fmt
        elif os.path.exists(path) or os.path.islink(path):
            yield path, forced or format_for_path(path) or "text"
        else:
            raise UsageError(f"{path}: no such file or folder")


def _options(options: Options | None, kwargs: dict[str, object]) -> Options:
    if options is not None and kwargs:
        raise TypeError("pass either options= or keyword options, not both")
    if options is not None:
        return options
    for key in ("select", "ignore", "rule_paths", "placeholders"):
        if isinstance(kwargs.get(key), str):
            kwargs[key] = (kwargs[key],)
        elif key in kwargs:
            kwargs[key] = tuple(kwargs[key])  # type: ignore[arg-type]
    return Options(**kwargs)  # type: ignore[arg-type]
