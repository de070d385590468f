"""Pure formatters for mantra reports: a ranked tuple of MantraReport in, a string out.

``json``: JSON Lines, one object per candidate in rank order (``MantraReport.to_dict()``
plus ``rank``, ``line`` and ``file``: where the candidate came from, see ``Origin``).
``csv``: one row per candidate with the sub-scores side by side (``file`` last).
``text``: a ranking table, then each candidate's facts in plain words and suggestions.
``format_mantra_terminal``: the same for a person at a terminal, with bars (rich).
The text and terminal views show a candidate's control characters ``printable`` (a line of a
``--file`` can hold an escape sequence); JSON and CSV keep the text exact.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from mantracheck.formatters.escape import printable
from mantracheck.formatters.mantra_plain import plain_facts
from mantracheck.scoring.mantra import MantraReport

SUBSCORES = ("brevity", "simplicity", "memorability", "focus")
#: show each candidate's facts and suggestions when there are at most this many
DETAIL_LIMIT = 10


@dataclass(frozen=True, slots=True)
class Origin:
    """Where a candidate came from: the line of the file it is on, or, for a text given
    directly (a command-line argument, a list passed to ``rank_mantras``), ``file`` None and
    its 1-based position among them as ``line``."""

    file: str | None
    line: int


def _origin(report: MantraReport, origins: Sequence[Origin] | None) -> Origin:
    return Origin(None, report.index + 1) if origins is None else origins[report.index]


def _record(rank: int, report: MantraReport, origin: Origin) -> dict[str, Any]:
    return {"rank": rank, "line": origin.line, "file": origin.file, **report.to_dict()}


def format_mantra_json(reports: Sequence[MantraReport], details: bool | None = None, *, origins: Sequence[Origin] | None = None) -> str:
    """``origins[report.index]`` is where each report's candidate came from (default: its
    position in the input)."""
    return "".join(json.dumps(_record(i, r, _origin(r, origins)), ensure_ascii=False) + "\n" for i, r in enumerate(reports, 1))


def format_mantra_csv(reports: Sequence[MantraReport], details: bool | None = None, *, origins: Sequence[Origin] | None = None) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["rank", "line", "score", *SUBSCORES, "text", "suggestions", "file"])
    for i, r in enumerate(reports, 1):
        subs = r.to_dict()["subscores"]
        origin = _origin(r, origins)
        writer.writerow([i, origin.line, r.score, *(subs[k] for k in SUBSCORES), r.text, " | ".join(r.suggestions), origin.file or ""])
    return buffer.getvalue()


def describe(report: MantraReport) -> list[str]:
    """Each sub-score's facts in plain words (mantra_plain) and the suggestions, as indented
    lines; the measured figures behind them are in the JSON and CSV output."""
    lines = [printable(f"  {sub.name} {sub.value}: {plain_facts(report, sub)}") for sub in report.subscores]
    lines += [f"  suggestion: {printable(s)}" for s in report.suggestions]
    return lines


def _show_details(reports: Sequence[MantraReport], details: bool | None) -> bool:
    return len(reports) <= DETAIL_LIMIT if details is None else details


def format_mantra_text(reports: Sequence[MantraReport], details: bool | None = None, *, origins: Sequence[Origin] | None = None) -> str:
    width = max([len(s) for s in SUBSCORES])
    head = f"{'rank':>4}  {'score':>5}  " + "  ".join(f"{s:>{width}}" for s in SUBSCORES) + "  text"
    out = [head]
    for i, r in enumerate(reports, 1):
        subs = r.to_dict()["subscores"]
        out.append(f"{i:>4}  {r.score:>5}  " + "  ".join(f"{subs[s]:>{width}}" for s in SUBSCORES) + f"  {printable(r.text)}")
    if _show_details(reports, details):
        for i, r in enumerate(reports, 1):
            out += ["", f"#{i} ({r.score}) {printable(r.text)}", *describe(r)]
    return "\n".join(out) + "\n"


def _bar(value: int, width: int = 10) -> str:
    full = round(value * width / 100)
    return "█" * full + "·" * (width - full)


def format_mantra_terminal(reports: Sequence[MantraReport], details: bool | None = None, *, width: int = 100, color: bool = True) -> str:
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    buffer = io.StringIO()
    console = Console(file=buffer, force_terminal=color, color_system="standard" if color else None, width=width, highlight=False)
    table = Table(show_edge=False, pad_edge=False, header_style="bold")
    table.add_column("#", justify="right")
    table.add_column("score", justify="right")
    for name in SUBSCORES:
        table.add_column(name)
    table.add_column("text", overflow="fold")

    def style(v: int) -> str:
        return "green" if v >= 75 else "yellow" if v >= 50 else "red"

    for i, r in enumerate(reports, 1):
        subs = r.to_dict()["subscores"]
        cells = [Text(f"{_bar(subs[s], 6)} {subs[s]:>3}", style=style(subs[s])) for s in SUBSCORES]
        table.add_row(str(i), Text(str(r.score), style="bold " + style(r.score)), *cells, Text(printable(r.text)))
    console.print(table)
    if _show_details(reports, details):
        for i, r in enumerate(reports, 1):
            console.print()
            console.print(Text(f"#{i} ({r.score}) {printable(r.text)}", style="bold"))
            for line in describe(r):
                console.print(Text(line, style="green" if line.startswith("  suggestion:") else ""))
    return buffer.getvalue()


class MantraFormatter(Protocol):
    def __call__(self, reports: Sequence[MantraReport], details: bool | None = None, *, origins: Sequence[Origin] | None = None) -> str: ...


MANTRA_FORMATTERS: dict[str, MantraFormatter] = {
    "text": format_mantra_text,
    "json": format_mantra_json,
    "csv": format_mantra_csv,
}
