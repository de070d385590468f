"""Pure formatters for mantra reports: a ranked tuple of MantraReport in, a string out.

``json``: JSON Lines, one object per candidate in rank order (``MantraReport.to_dict()``
plus ``rank`` and ``line``, the candidate's 1-based position in the input).
``csv``: one row per candidate with the sub-scores side by side.
``text``: a ranking table, then each candidate's facts and suggestions.
``format_mantra_terminal``: the same for a person at a terminal, with bars (rich).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Sequence
from typing import Any

from mantracheck.scoring.mantra import MantraReport

SUBSCORES = ("brevity", "simplicity", "memorability", "focus")
#: show each candidate's facts and suggestions when there are at most this many
DETAIL_LIMIT = 10


def _record(rank: int, report: MantraReport) -> dict[str, Any]:
    return {"rank": rank, "line": report.index + 1, **report.to_dict()}


def format_mantra_json(reports: Sequence[MantraReport], details: bool | None = None) -> str:
    return "".join(json.dumps(_record(i, r), ensure_ascii=False) + "\n" for i, r in enumerate(reports, 1))


def format_mantra_csv(reports: Sequence[MantraReport], details: bool | None = None) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["rank", "line", "score", *SUBSCORES, "text", "suggestions"])
    for i, r in enumerate(reports, 1):
        subs = r.to_dict()["subscores"]
        writer.writerow([i, r.index + 1, r.score, *(subs[k] for k in SUBSCORES), r.text, " | ".join(r.suggestions)])
    return buffer.getvalue()


def _fact_value(value: Any) -> str:
    if isinstance(value, tuple):
        return ", ".join(value) if value else "none"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def describe(report: MantraReport) -> list[str]:
    """The facts behind each sub-score and the suggestions, as indented lines."""
    lines = []
    for sub in report.subscores:
        facts = "; ".join(f"{k.replace('_', ' ')} {_fact_value(v)}" for k, v in sub.facts if v not in ((), "", None))
        lines.append(f"  {sub.name} {sub.value}: {facts}")
    lines += [f"  suggestion: {s}" for s in report.suggestions]
    return lines


def _show_details(reports: Sequence[MantraReport], details: bool | None) -> bool:
    return len(reports) <= DETAIL_LIMIT if details is None else details


def format_mantra_text(reports: Sequence[MantraReport], details: bool | None = None) -> str:
    width = max([len(s) for s in SUBSCORES])
    head = f"{'rank':>4}  {'score':>5}  " + "  ".join(f"{s:>{width}}" for s in SUBSCORES) + "  text"
    out = [head]
    for i, r in enumerate(reports, 1):
        subs = r.to_dict()["subscores"]
        out.append(f"{i:>4}  {r.score:>5}  " + "  ".join(f"{subs[s]:>{width}}" for s in SUBSCORES) + f"  {r.text}")
    if _show_details(reports, details):
        for i, r in enumerate(reports, 1):
            out += ["", f"#{i} ({r.score}) {r.text}", *describe(r)]
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
        table.add_row(str(i), Text(str(r.score), style="bold " + style(r.score)), *cells, r.text)
    console.print(table)
    if _show_details(reports, details):
        for i, r in enumerate(reports, 1):
            console.print()
            console.print(Text(f"#{i} ({r.score}) {r.text}", style="bold"))
            for line in describe(r):
                console.print(Text(line, style="green" if line.startswith("  suggestion:") else ""))
    return buffer.getvalue()


MantraFormatter = Callable[[Sequence[MantraReport], "bool | None"], str]

MANTRA_FORMATTERS: dict[str, MantraFormatter] = {
    "text": format_mantra_text,
    "json": format_mantra_json,
    "csv": format_mantra_csv,
}
