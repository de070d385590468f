"""``path:line:col: severity rule-id message``, then the suggestions, then a summary.

``text`` follows each finding with its suggestions; ``concise`` is exactly one line per
finding (and each file's score line, with ``--scores``), then the summary. A finding in a
YAML/JSON/PO/PHP string ends with the key path of its text: ``(in templates[0].body)``.
File names, rule ids, messages and suggestions are shown ``printable`` (a newline or an
escape sequence from a repository as a visible ``\\n`` or ``\\x1b``), so each finding is
one line."""

from __future__ import annotations

from collections.abc import Iterator

from mantracheck.formatters.escape import printable
from mantracheck.models import FileReport, LintResult


def iter_text(result: LintResult, *, suggestions: bool = True) -> Iterator[str]:
    """The text output one line at a time (with its newline), so a large run can be written
    as it is formatted instead of being held whole; without ``suggestions``, the concise
    output."""
    for report in result.files:
        yield from report_lines(report, suggestions=suggestions)
    line = summary_line(result.summary())
    if line:
        yield line


def report_lines(report: FileReport, *, suggestions: bool = True) -> Iterator[str]:
    """One file's findings (each followed by its suggestions, unless not ``suggestions``)
    and its score line."""
    path = printable(report.path)
    for f in report.findings:
        yield f"{path}:{f.line}:{f.column}: {f.severity} {printable(f.rule)} {printable(f.message)}{field_note(f.field)}\n"
        if suggestions:
            for suggestion in f.suggestions:
                yield f"    suggestion: {printable(suggestion)}\n"
    if report.scores is not None:
        yield score_line(path, report.scores) + "\n"


def field_note(field: str | None, limit: int = 60) -> str:
    """`` (in KEY)`` after a finding in a keyed file (a long key, such as a msgid, cut)."""
    if field is None:
        return ""
    return f" (in {printable(field if len(field) <= limit else field[: limit - 3] + '...')})"


def summary_line(summary: dict[str, int]) -> str:
    """``Found 3 problems (1 error, 2 warnings) in 2 files.``, or "" when there are none."""
    if not summary["findings"]:
        return ""
    parts = [f"{summary[k]} {k}{'s' if summary[k] != 1 and k != 'info' else ''}" for k in ("error", "warning", "info") if summary[k]]
    files = summary["files_with_findings"]
    return f"Found {summary['findings']} problem{'s' if summary['findings'] != 1 else ''} ({', '.join(parts)}) in {files} file{'s' if files != 1 else ''}.\n"


def format_text(result: LintResult) -> str:
    return "".join(iter_text(result))


def format_concise(result: LintResult) -> str:
    return "".join(iter_text(result, suggestions=False))


def score_line(path: str, scores: dict) -> str:  # type: ignore[type-arg]
    """``path: courtesy 72/100 (missing: greeting, sign-off); overpromise risk 30/100``
    (``path`` as given: a caller shows it ``printable``)."""
    courtesy = scores["courtesy"]
    missing = [m["name"] for m in courtesy.get("missing", [])]
    extra = f" (missing: {', '.join(missing)})" if missing else ""
    return f"{path}: courtesy {courtesy['value']}/100{extra}; overpromise risk {scores['overpromise_risk']['value']}/100"
