"""GitHub Actions workflow commands: each finding becomes a pull-request annotation.

Data and properties are escaped as GitHub's runner decodes them (``%``, CR and LF; ``:`` and
``,`` in properties), so a newline in a file name or a match stays inside its annotation and
cannot start a command of its own; any other control character (an escape sequence, a byte
of a name that is not UTF-8) is shown ``printable`` (``\\x1b``), since the runner would pass
it on as it is. Such a file's annotations then name it as printed (GitHub does not place them
on its lines; they still show in the run's summary)."""

from __future__ import annotations

from mantracheck.formatters.escape import printable
from mantracheck.models import LintResult, Severity

LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def _data(text: str) -> str:
    return printable(text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A"))


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
