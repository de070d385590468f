"""Immutable data passed between modules: severities, findings, reports, exit codes."""

from __future__ import annotations

import enum
import operator
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

_T = TypeVar("_T", bound=type)


def _pickled_by_fields(cls: _T) -> _T:
    """Pickle a frozen slots dataclass as ``cls(*fields)``: reports cross from worker
    processes to the parent (--jobs), and the default pickling of such a class (a state dict,
    set back one ``object.__setattr__`` at a time) made loading them 8 times slower."""
    fields = operator.attrgetter(*cls.__slots__)  # type: ignore[attr-defined]

    def __reduce__(self: Any) -> tuple[type, tuple[Any, ...]]:
        return cls, fields(self)

    cls.__reduce__ = __reduce__  # type: ignore[assignment,method-assign]
    return cls


class Severity(enum.IntEnum):
    """Ordered so that ``a >= b`` means "a is at least as serious as b"."""

    INFO = 1
    WARNING = 2
    ERROR = 3

    @classmethod
    def parse(cls, value: str) -> Severity:
        try:
            return cls[value.upper()]
        except KeyError:
            raise ValueError(f"expected one of error, warning, info, got {value!r}") from None

    def __str__(self) -> str:
        return self.name.lower()


class ExitCode(enum.IntEnum):
    CLEAN = 0
    FINDINGS = 1
    USAGE = 2


@dataclass(frozen=True, slots=True)
class Span:
    """Half-open character span ``[start, end)``."""

    start: int
    end: int


@_pickled_by_fields
@dataclass(frozen=True, slots=True)
class Fix:
    """Replace ``[start, end)`` of the *source* text with ``replacement``."""

    start: int
    end: int
    replacement: str


@_pickled_by_fields
@dataclass(frozen=True, slots=True)
class Finding:
    """One problem at one place. Lines and columns are 1-based; columns count characters.

    ``end_line``/``end_column`` name the character just after the match (as SARIF does).
    ``field`` is the key path of the text it was found in, in a file of keyed strings
    (YAML/JSON fields, gettext msgids, PHP language arrays); None elsewhere.
    """

    rule: str
    severity: Severity
    line: int
    column: int
    end_line: int
    end_column: int
    message: str
    match: str
    suggestions: tuple[str, ...] = ()
    fix: Fix | None = None
    field: str | None = None

    def sort_key(self) -> tuple[int, int, str]:
        return (self.line, self.column, self.rule)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "rule": self.rule,
            "severity": str(self.severity),
            "line": self.line,
            "column": self.column,
            "end_line": self.end_line,
            "end_column": self.end_column,
            "message": self.message,
            "match": self.match,
            "suggestions": list(self.suggestions),
            "fix": (
                None
                if self.fix is None
                else {"start": self.fix.start, "end": self.fix.end, "replacement": self.fix.replacement}
            ),
        }
        if self.field is not None:
            out["field"] = self.field
        return out


@dataclass(frozen=True, slots=True)
class Notice:
    """Something the user should know that is not a finding (a skipped file, a skipped rule)."""

    message: str
    path: str | None = None

    def __str__(self) -> str:
        return f"{self.path}: {self.message}" if self.path else self.message


@_pickled_by_fields
@dataclass(frozen=True, slots=True)
class FileReport:
    """What linting one input produced. ``error`` is set when the input could not be read;
    ``skipped`` when that was on purpose (binary, too big), which does not fail the run."""

    path: str
    findings: tuple[Finding, ...] = ()
    error: str | None = None
    encoding: str | None = None
    scores: dict[str, Any] | None = None
    fixed: int = 0
    diff: str | None = None
    skipped: bool = False

    @property
    def unreadable(self) -> bool:
        """Could not be checked (an I/O error, invalid YAML or JSON...): fails the run."""
        return self.error is not None and not self.skipped

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "path": self.path,
            "findings": [f.to_dict() for f in self.findings],
        }
        if self.error is not None:
            out["error"] = self.error
        if self.skipped:
            out["skipped"] = True
        if self.scores is not None:
            out["scores"] = self.scores
        if self.fixed:
            out["fixed"] = self.fixed
        return out


@dataclass(frozen=True, slots=True)
class RuleMeta:
    """What machine-readable outputs say about a rule that ran (SARIF's reportingDescriptor)."""

    id: str
    severity: Severity
    summary: str
    description: str
    link: str | None = None
    suggestions: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class LintResult:
    files: tuple[FileReport, ...]
    notices: tuple[Notice, ...] = ()
    rules: tuple[RuleMeta, ...] = ()

    @property
    def findings(self) -> tuple[Finding, ...]:
        return tuple(f for r in self.files for f in r.findings)

    def tally(self, min_courtesy: float | None = None) -> Tally:
        tally = Tally(min_courtesy)
        for report in self.files:
            tally.add(report)
        return tally

    def summary(self) -> dict[str, int]:
        return self.tally().summary()

    def below_courtesy(self, minimum: float | None) -> tuple[FileReport, ...]:
        """Files whose courtesy score is below ``minimum`` (none when it is None)."""
        return tuple(self.tally(minimum).below)

    def exit_code(self, fail_on: Severity, min_courtesy: float | None = None) -> ExitCode:
        return self.tally(min_courtesy).exit_code(fail_on)


class Tally:
    """The counts of a run, added to one report at a time (so a streamed run needs no list
    of its reports): the summary, the exit code, and the files below a courtesy minimum."""

    def __init__(self, min_courtesy: float | None = None) -> None:
        self.min_courtesy = min_courtesy
        self.counts = {str(s): 0 for s in sorted(Severity, reverse=True)}
        self.top: Severity | None = None
        self.files = self.with_findings = self.unreadable = self.skipped = self.fixed = 0
        self.below: list[FileReport] = []

    def add(self, report: FileReport, severities: Sequence[Severity] | None = None) -> None:
        """Count ``report``; ``severities`` stands for its findings' when it comes without
        them (rendered where it was made: see ``LintRun.rendered``)."""
        self.files += 1
        counts = self.counts
        if severities is None:
            severities = [f.severity for f in report.findings]
        for severity in severities:
            counts[str(severity)] += 1
            if self.top is None or severity > self.top:
                self.top = severity
        self.with_findings += bool(severities)
        self.unreadable += report.unreadable
        self.skipped += report.skipped
        self.fixed += report.fixed
        if self.min_courtesy is not None and report.scores is not None and report.scores["courtesy"]["value"] < self.min_courtesy:
            self.below.append(report)

    def summary(self) -> dict[str, int]:
        return {
            "files": self.files,
            "files_with_findings": self.with_findings,
            "unreadable_files": self.unreadable,
            "skipped_files": self.skipped,
            "findings": sum(self.counts.values()),
            **self.counts,
            "fixed": self.fixed,
        }

    def exit_code(self, fail_on: Severity) -> ExitCode:
        """1 when a finding reaches ``fail_on``, a courtesy score is below the minimum, or a
        file could not be checked (as ruff and flake8 do for E902); skipped files do not count."""
        if (self.top is not None and self.top >= fail_on) or self.below or self.unreadable:
            return ExitCode.FINDINGS
        return ExitCode.CLEAN
