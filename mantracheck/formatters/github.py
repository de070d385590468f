"""GitHub Actions workflow commands: each finding becomes a pull-request annotation."""

from __future__ import annotations

from mantracheck.models import LintResult, Severity

LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def _data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _prop(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")


def format_github(result: LintResult) -> str:
    lines = []
    for report in result.files:
        if report.error is not None:
            lines.append(f"::warning file={_prop(report.path)},title=mantracheck::{_data('could not read: ' + report.error)}")
        for f in report.findings:
            message = f.message + ("" if not f.suggestions else " Suggestion: " + " ".join(f.suggestions))
            lines.append(
                f"::{LEVELS[f.severity]} file={_prop(report.path)},line={f.line},col={f.column},"
                f"endLine={f.end_line},endColumn={f.end_column},title={_prop(f.rule)}::{_data(message)}"
            )
    return "\n".join(lines) + ("\n" if lines else "")
