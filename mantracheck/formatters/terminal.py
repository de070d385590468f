"""Findings for a person at a terminal: grouped by file, the source line, a caret under
the span, colour. Used only on a TTY (never in pipes, JSON, or under CI=true unless asked)."""

from __future__ import annotations

import io
from collections import Counter
from collections.abc import Callable

from mantracheck.formatters.escape import printable
from mantracheck.models import LintResult, Severity

STYLES = {Severity.ERROR: "bold red", Severity.WARNING: "yellow", Severity.INFO: "cyan"}
Reader = Callable[[str], "str | None"]

#: Control characters from the linted files (ESC above all) would reach the terminal and could
#: rewrite it; in a source line each is shown as one visible character, so the caret still
#: lines up (file names, messages and suggestions are shown ``printable``, as in text output).
_VISIBLE = {c: 0x2400 + c for c in range(0x20) if c != 0x09} | {0x7F: 0x2421} | {c: 0xFFFD for c in range(0x80, 0xA0)}


def visible(text: str) -> str:
    """``text`` with its control characters (except tab) replaced by visible stand-ins."""
    return text.translate(_VISIBLE)


def format_terminal(result: LintResult, read: Reader, *, width: int = 100, color: bool = True) -> str:
    from rich.console import Console
    from rich.text import Text

    buffer = io.StringIO()
    console = Console(file=buffer, force_terminal=color, color_system="standard" if color else None, width=width, highlight=False, soft_wrap=True)
    from mantracheck.formatters.text import field_note, score_line

    for report in result.files:
        if not report.findings:
            if report.scores is not None:
                console.print(Text(score_line(printable(report.path), report.scores), style="dim"))
            continue
        console.print(Text(printable(report.path), style="bold underline"))
        source = read(report.path)
        lines = source.splitlines() if source is not None else []
        for f in report.findings:
            head = Text()
            head.append(f"  {f.line}:{f.column}", style="dim")
            head.append(f"  {f.severity}", style=STYLES[f.severity])
            head.append(f"  {printable(f.rule)}", style="bold")
            head.append(f"  {printable(f.message)}")
            head.append(field_note(f.field), style="dim")
            console.print(head)
            if 0 < f.line <= len(lines):
                line = lines[f.line - 1].expandtabs(1)
                end = f.end_column if f.end_line == f.line else len(line) + 1
                width_ = max(end - f.column, 1)
                console.print(Text("    │ ", style="dim") + Text(visible(line)))
                console.print(Text("    │ ", style="dim") + Text(" " * (f.column - 1) + "^" * width_, style=STYLES[f.severity]))
            for suggestion in f.suggestions:
                console.print(Text("    = ", style="dim") + Text(printable(suggestion), style="green"))
        if report.scores is not None:
            console.print(Text("  " + score_line("", report.scores)[2:], style="dim"))
        console.print()
    summary = result.summary()
    if summary["findings"]:
        counts = ", ".join(f"{summary[k]} {k}" for k in ("error", "warning", "info") if summary[k])
        console.print(Text(f"Found {summary['findings']} problems ({counts}) in {summary['files_with_findings']} of {summary['files']} files.", style="bold"))
    else:
        console.print(Text(f"No problems in {summary['files']} files.", style="bold green"))
    return buffer.getvalue()


def format_statistics(result: LintResult) -> str:
    """Counts per rule, most frequent first (``--statistics``)."""
    counts = Counter((f.rule, f.severity) for f in result.findings)
    if not counts:
        return ""
    width = max(len(printable(rule)) for rule, _ in counts)
    rows = sorted(counts.items(), key=lambda item: (-item[1], item[0][0]))
    return "".join(f"{n:>6}  {printable(rule):<{width}}  {sev}\n" for (rule, sev), n in rows)
