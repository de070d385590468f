"""Immutable data passed between modules: severities, findings, reports, exit codes."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any


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


@dataclass(frozen=True, slots=True)
class Fix:
    """Replace ``[start, end)`` of the *source* text with ``replacement``."""

    start: int
    end: int
    replacement: str


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem at one place. Lines and columns are 1-based; columns count characters.

    ``end_line``/``end_column`` name the character just after the match (as SARIF does).
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

    def sort_key(self) -> tuple[int, int, str]:
        return (self.line, self.column, self.rule)

    def to_dict(self) -> dict[str, Any]:
        return {
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


@dataclass(frozen=True, slots=True)
class Notice:
    """Something the user should know that is not a finding (a skipped file, a skipped rule)."""

    message: str
    path: str | None = None

    def __str__(self) -> str:
        return f"{self.path}: {self.message}" if self.path else self.message


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

    def summary(self) -> dict[str, int]:
        counts = {str(s): 0 for s in sorted(Severity, reverse=True)}
        for finding in self.findings:
            counts[str(finding.severity)] += 1
        return {
            "files": len(self.files),
            "files_with_findings": sum(1 for r in self.files if r.findings),
            "unreadable_files": sum(1 for r in self.files if r.unreadable),
            "skipped_files": sum(1 for r in self.files if r.skipped),
            "findings": sum(counts.values()),
            **counts,
            "fixed": sum(r.fixed for r in self.files),
        }

    def below_courtesy(self, minimum: float | None) -> tuple[FileReport, ...]:
        """Files whose courtesy score is below ``minimum`` (none when it is None)."""
        if minimum is None:
            return ()
        return tuple(r for r in self.files if r.scores is not None and r.scores["courtesy"]["value"] < minimum)

    def exit_code(self, fail_on: Severity, min_courtesy: float | None = None) -> ExitCode:
        """1 when a finding reaches ``fail_on``, a courtesy score is below the minimum, or a
        file could not be checked (as ruff and flake8 do for E902); skipped files do not count."""
        if any(f.severity >= fail_on for f in self.findings) or self.below_courtesy(min_courtesy):
            return ExitCode.FINDINGS
        if any(r.unreadable for r in self.files):
            return ExitCode.FINDINGS
        return ExitCode.CLEAN
