"""``path:line:col: severity rule-id message``, then the suggestions, then a summary."""

from __future__ import annotations

from mantracheck.models import LintResult


def format_text(result: LintResult) -> str:
    lines: list[str] = []
    for report in result.files:
        for f in report.findings:
            lines.append(f"{report.path}:{f.line}:{f.column}: {f.severity} {f.rule} {f.message}")
            for suggestion in f.suggestions:
                lines.append(f"    suggestion: {suggestion}")
        if report.scores is not None:
            lines.append(score_line(report.path, report.scores))
    summary = result.summary()
    if summary["findings"]:
        parts = [f"{summary[k]} {k}{'s' if summary[k] != 1 and k != 'info' else ''}" for k in ("error", "warning", "info") if summary[k]]
        files = summary["files_with_findings"]
        lines.append(f"Found {summary['findings']} problem{'s' if summary['findings'] != 1 else ''} ({', '.join(parts)}) in {files} file{'s' if files != 1 else ''}.")
    return "\n".join(lines) + ("\n" if lines else "")


def score_line(path: str, scores: dict) -> str:  # type: ignore[type-arg]
    """``path: courtesy 72/100 (missing: greeting, sign-off); overpromise risk 30/100``."""
    courtesy = scores["courtesy"]
    missing = [m["name"] for m in courtesy.get("missing", [])]
    extra = f" (missing: {', '.join(missing)})" if missing else ""
    return f"{path}: courtesy {courtesy['value']}/100{extra}; overpromise risk {scores['overpromise_risk']['value']}/100"
