"""A MANTRA file in the editor: each candidate's score and sub-scores, and a diagnostic
below the bar the ``mantracheck-mantra`` pre-commit hook keeps.

The files are the hook's (``MANTRA``, ``MANTRA.md``, ``mantra.txt``) and each is read as the
hook reads it (``mantracheck.cli.mantra.candidate_lines``: one candidate per line, '#' lines
and blank lines skipped, a bullet or surrounding quotes dropped). The bar is the hook's
``--min-score``: the one in the repository's .pre-commit-config.yaml, else the hook's 60.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from lsprotocol import types

from mantracheck.lsp.diagnostics import SOURCE
from mantracheck.lsp.positions import TextIndex

MANTRA_NAMES = frozenset({"MANTRA", "MANTRA.md", "mantra.txt"})
CODE = "mantracheck.mantra-score"
_BULLET = re.compile(r"(?:[-*+>]|\d+[.)])\s+")


def is_mantra_file(name: str) -> bool:
    return name in MANTRA_NAMES


@dataclass(frozen=True)
class Candidate:
    """A scored line: its 0-based line, the [start, end) of the candidate's text on it."""

    line: int
    start: int
    end: int
    report: Any  # mantracheck.scoring.mantra.MantraReport


def _span(line: str, candidate: str) -> tuple[int, int]:
    """Where ``candidate`` (what ``candidate_lines`` made of ``line``) sits in ``line``:
    the same steps, keeping offsets (spaces, a bullet, spaces, surrounding quotes, spaces)."""
    lo, hi = 0, len(line)

    def strip() -> None:
        nonlocal lo, hi
        while lo < hi and line[lo].isspace():
            lo += 1
        while hi > lo and line[hi - 1].isspace():
            hi -= 1

    strip()
    bullet = _BULLET.match(line, lo, hi)
    if bullet:
        lo = bullet.end()
        strip()
    if hi - lo >= 2 and (line[lo] == line[hi - 1] and line[lo] in "\"'" or line[lo] == "\u201c" and line[hi - 1] == "\u201d"):
        lo, hi = lo + 1, hi - 1
        strip()
    if line[lo:hi] == candidate:
        return lo, hi
    start = line.find(candidate)  # (a line split further by a form feed or U+2028)
    return (start, start + len(candidate)) if start >= 0 else (0, len(line))


def candidates(text: str, index: TextIndex, model: str | None = None) -> list[Candidate]:
    """Every candidate of a MANTRA file, scored, in the order of the file."""
    from mantracheck.cli.mantra import candidate_lines
    from mantracheck.scoring.mantra import scorer

    found: list[tuple[int, int, int, str]] = []
    for line in range(index.line_count):
        line_text = index.line_text(line)
        for _, candidate in candidate_lines(line_text):
            lo, hi = _span(line_text, candidate)
            start = index.line_start(line)
            found.append((line, start + lo, start + hi, candidate))
    if not found:
        return []
    reports = scorer(None, model).score_many([c for *_, c in found])
    return [Candidate(line, start, end, report) for (line, start, end, _), report in zip(found, reports)]


def summary(report: Any) -> str:
    """``92 · brevity 100 · simplicity 85 · memorability 78 · focus 100``"""
    return " · ".join([str(report.score), *(f"{s.name} {s.value}" for s in report.subscores)])


def details(report: Any) -> str:
    """The sub-scores' facts in plain words and the suggestions, as the CLI's text shows them."""
    from mantracheck.formatters.mantra import describe

    return "\n".join(line.strip() for line in describe(report))


def diagnostics(found: list[Candidate], index: TextIndex, bar: int, href: str | None) -> list[types.Diagnostic]:
    out = []
    for c in found:
        if c.report.score >= bar:
            continue
        text = f"mantra scores {summary(c.report)}, below the minimum of {bar} the mantracheck-mantra hook keeps"
        text += "".join(f"\nsuggestion: {s}" for s in c.report.suggestions)
        out.append(
            types.Diagnostic(
                range=index.range(c.start, c.end),
                severity=types.DiagnosticSeverity.Error,
                code=CODE,
                code_description=types.CodeDescription(href=href) if href else None,
                source=SOURCE,
                message=text,
                data={"score": c.report.score, "min_score": bar},
            )
        )
    return out


def inlay_hints(found: list[Candidate], index: TextIndex, first: int, last: int) -> list[types.InlayHint]:
    """A hint after each candidate on lines ``first``..``last``: its score and sub-scores."""
    return [
        types.InlayHint(
            position=index.position(index.line_end(c.line)),
            label=summary(c.report),
            padding_left=True,
            tooltip=details(c.report),
        )
        for c in found
        if first <= c.line <= last
    ]


def hover(c: Candidate, bar: int) -> str:
    report = c.report
    verdict = "below" if report.score < bar else "at or above"
    head = f"**mantra score {report.score}** ({verdict} the hook's minimum of {bar})"
    rows = ["| sub-score | value |", "| --- | ---: |", *(f"| {s.name} | {s.value} |" for s in report.subscores)]
    return "\n\n".join([head, "\n".join(rows), details(report).replace("\n", "  \n")])
