"""HTML reports: one self-contained file (inline CSS and a few lines of JS, no network) that a
marketing lead can open or attach.

``format_lint_html``: a summary (findings per rule and severity, scores), then each file with
its findings highlighted in context. ``format_mantra_html``: the ranking with sub-score bars,
facts and suggestions. Every piece of text from the linted files is escaped, so a template's
own HTML or script shows as text and never runs in the report.
"""

from __future__ import annotations

import html
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from importlib import resources
from typing import Any

from mantracheck import __version__
from mantracheck.models import Finding, LintResult

Reader = Callable[[str], "str | None"]
SEVERITIES = ("error", "warning", "info")
#: Lines of context shown around a finding.
CONTEXT = 1
_FILTER_JS = """
document.querySelectorAll('input[data-severity]').forEach(function (box) {
  box.addEventListener('change', function () {
    document.querySelectorAll('.finding.sev-' + box.dataset.severity).forEach(function (item) {
      item.hidden = !box.checked;
    });
  });
});
"""


def _e(value: object) -> str:
    return html.escape(str(value), quote=True)


def _style() -> str:
    css = resources.files("mantracheck.web").joinpath("static").joinpath("style.css").read_text(encoding="utf-8")
    return css.replace("</", "<\\/")  # (it cannot end the style element)


def _page(title: str, body: Iterable[str], script: str = "") -> str:
    head = (
        "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        f"<meta name=\"generator\" content=\"mantracheck {_e(__version__)}\">\n"
        f"<title>{_e(title)}</title>\n<style>\n{_style()}\n</style>\n</head>\n<body>\n"
        f"<header class=\"top\"><h1>{_e(title)}</h1></header>\n<main>\n"
    )
    tail = "</main>\n" + (f"<script>{script}</script>\n" if script else "") + "</body>\n</html>\n"
    return head + "".join(body) + tail


def _context(text: str | None, finding: Finding) -> str:
    """The finding's lines with its span marked (code points, as the report counts them)."""
    if text is None:
        return f"<div class=\"context\"><mark class=\"sev-{_e(finding.severity)}\">{_e(finding.match)}</mark></div>"
    lines = text.split("\n")
    first = max(finding.line - 1 - CONTEXT, 0)
    last = min(finding.end_line - 1 + CONTEXT, len(lines) - 1)
    out = []
    for i in range(first, last + 1):
        line = lines[i].rstrip("\r")
        start = finding.column - 1 if i == finding.line - 1 else 0 if finding.line - 1 < i <= finding.end_line - 1 else None
        end = finding.end_column - 1 if i == finding.end_line - 1 else len(line)
        if start is None or i > finding.end_line - 1:
            shown = _e(line)
        else:
            shown = f"{_e(line[:start])}<mark class=\"sev-{_e(finding.severity)}\">{_e(line[start:end])}</mark>{_e(line[end:])}"
        out.append(f"<span class=\"lineno\">{i + 1:>5} </span>{shown}")
    return "<div class=\"context\">" + "\n".join(out) + "</div>"


def _finding(text: str | None, f: Finding) -> str:
    suggestions = "".join(f"<li>{_e(s)}</li>" for s in f.suggestions)
    fix = f"<p class=\"hint\">Fix: replace with \u201c{_e(f.fix.replacement)}\u201d (<code>--fix</code>)</p>" if f.fix else ""
    return (
        f"<li class=\"finding sev-{_e(f.severity)}\"><div class=\"finding-head\">"
        f"<span class=\"badge sev-{_e(f.severity)}\">{_e(f.severity)}</span><code>{_e(f.rule)}</code>"
        f"<span class=\"where\">line {f.line}, column {f.column}</span></div>"
        f"<p class=\"message\">{_e(f.message)}</p>{_context(text, f)}"
        + (f"<ul class=\"suggestions\">{suggestions}</ul>" if suggestions else "")
        + fix
        + "</li>\n"
    )


def _scores(scores: dict[str, Any] | None) -> str:
    if not scores:
        return ""
    courtesy, risk = scores["courtesy"], scores["overpromise_risk"]
    missing = ", ".join(m["name"] for m in courtesy.get("missing", []))
    return (
        f"<p>Courtesy <meter min=\"0\" max=\"100\" low=\"40\" high=\"70\" optimum=\"100\" value=\"{int(courtesy['value'])}\"></meter> "
        f"<strong>{int(courtesy['value'])}/100</strong>" + (f" (missing: {_e(missing)})" if missing else "")
        + f"; overpromise risk <strong>{int(risk['value'])}/100</strong></p>\n"
    )


def format_lint_html(result: LintResult, read: Reader | None = None) -> str:
    """The report of a lint run; ``read(path)`` gives a file's text for the context (None: the
    matched words only)."""
    by_rule: Counter[tuple[str, str]] = Counter((f.rule, str(f.severity)) for f in result.findings)
    by_severity = Counter(str(f.severity) for f in result.findings)
    summary = result.summary()
    body = ["<section class=\"report-summary pane\"><h2>Summary</h2>\n"]
    body.append(
        f"<p>{summary['findings']} finding{'s' if summary['findings'] != 1 else ''} in "
        f"{summary['files_with_findings']} of {len(result.files)} file{'s' if len(result.files) != 1 else ''}: "
        + ", ".join(f"{by_severity[s]} {s}" for s in SEVERITIES if by_severity[s])
        + ".</p>\n"
    )
    if by_rule:
        body.append("<table><thead><tr><th scope=\"col\">Rule</th><th scope=\"col\">Severity</th><th scope=\"col\">Findings</th></tr></thead><tbody>\n")
        for (rule, severity), n in sorted(by_rule.items(), key=lambda item: (-item[1], item[0])):
            body.append(f"<tr><td><code>{_e(rule)}</code></td><td><span class=\"badge sev-{_e(severity)}\">{_e(severity)}</span></td><td>{n}</td></tr>\n")
        body.append("</tbody></table>\n")
        body.append("<p class=\"controls\">Show: " + " ".join(
            f"<label><input type=\"checkbox\" data-severity=\"{s}\" checked> {s}</label>" for s in SEVERITIES
        ) + "</p>\n")
    problems = [r for r in result.files if r.error]
    if problems:
        body.append("<h3>Not checked</h3><ul>" + "".join(f"<li><code>{_e(r.path)}</code>: {_e(r.error)}</li>" for r in problems) + "</ul>\n")
    if result.notices:
        body.append("<h3>Notices</h3><ul>" + "".join(f"<li>{_e(n)}</li>" for n in result.notices) + "</ul>\n")
    body.append("</section>\n")
    for report in result.files:
        if not report.findings and not report.scores:
            continue
        text = read(report.path) if read is not None and report.findings else None
        body.append(f"<section class=\"report-file\"><h2><code>{_e(report.path)}</code></h2>\n{_scores(report.scores)}")
        if report.findings:
            body.append("<ol class=\"findings\">\n" + "".join(_finding(text, f) for f in report.findings) + "</ol>\n")
        body.append("</section>\n")
    return _page("mantracheck report", body, _FILTER_JS if by_rule else "")


def format_mantra_html(records: Sequence[dict[str, Any]]) -> str:
    """The ranking of ``records`` (the mantra JSON objects, best first)."""
    subscores = ("brevity", "simplicity", "memorability", "focus")
    rows = []
    for r in records:
        bars = "".join(
            f"<td><div class=\"bar\"><meter min=\"0\" max=\"100\" value=\"{int(r['subscores'][k])}\" aria-label=\"{k}\"></meter>"
            f"<span class=\"bar-value\">{int(r['subscores'][k])}</span></div></td>"
            for k in subscores
        )
        rows.append(f"<tr><td>{int(r['rank'])}</td><th scope=\"row\">{_e(r['text'])}</th><td class=\"total\">{int(r['score'])}</td>{bars}</tr>\n")
    details = []
    for r in records:
        suggestions = "".join(f"<li>{_e(s)}</li>" for s in r.get("suggestions", []))
        facts = []
        for group, values in (r.get("plain") or r.get("facts") or {}).items():
            for key, value in (values or {}).items():
                if value in (None, "", [], {}):
                    continue
                shown = ", ".join(map(str, value)) if isinstance(value, list) else value
                facts.append(f"<li>{_e(group)} \u00b7 {_e(str(key).replace('_', ' '))}: {_e(shown)}</li>")
        details.append(
            f"<details><summary>{int(r['rank'])}. {_e(r['text'])} ({int(r['score'])})</summary>"
            + (f"<ul class=\"suggestions\">{suggestions}</ul>" if suggestions else "")
            + f"<ul class=\"facts\">{''.join(facts)}</ul></details>\n"
        )
    head = "".join(f"<th scope=\"col\">{k.capitalize()}</th>" for k in subscores)
    body = [
        "<section class=\"pane\"><h2>Ranking</h2><div class=\"table-wrap\"><table>",
        f"<thead><tr><th scope=\"col\">Rank</th><th scope=\"col\">Mantra</th><th scope=\"col\">Score</th>{head}</tr></thead><tbody>\n",
        *rows,
        "</tbody></table></div>\n",
        *details,
        "</section>\n",
    ]
    return _page("mantracheck mantras", body)
