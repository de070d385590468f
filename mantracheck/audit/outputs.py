"""The audit report (``report.build``'s dict) as JSON, CSV, Parquet or an HTML summary: pure
functions of the dict, in a registry. CSV and Parquet hold one row per group (and one for
all replies); JSON holds everything, histograms and examples included."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from typing import Any

from mantracheck.formatters.html import _e, _page

FORMATS = ("json", "csv", "parquet", "html")
#: Histogram bars in the HTML charts: scores 0-4, 5-9, ... 95-100.
BIN = 5
_NONE = '<span class="empty">(none)</span>'


def format_json(report: dict[str, Any]) -> str:
    return json.dumps(report, indent=2, ensure_ascii=False) + "\n"


def table(report: dict[str, Any]) -> tuple[list[str], list[list[Any]]]:
    """(header, rows): one row for all replies (``scope`` overall), then one per group."""
    labels = [g["name"] for g in report["options"]["group_by"]]
    entries = [("overall", {}, report["overall"])] + [("group", g["group"], g) for g in report["groups"]]
    rules = sorted({rule for _, _, s in entries for rule in s["findings_per_100"]})
    cues = list(report["overall"]["missing_share"])
    fixed = ["replies", "courtesy_mean", "courtesy_min", "courtesy_q1", "courtesy_median", "courtesy_q3", "courtesy_max",
             "overpromise_rate", "overpromise_replies", "overpromise_risk_mean",
             *(f"missing_share.{c}" for c in cues), *(f"per_100.{r}" for r in rules)]
    # (a group named like a column of its own, --group-by replies, is group.replies: no two
    # columns share a name, which Parquet would resolve by keeping one)
    taken = {"scope", *fixed}
    header = ["scope", *(f"group.{label}" if label in taken else label for label in labels), *fixed]
    rows = []
    for scope, group, s in entries:
        c, o = s["courtesy"], s["overpromise"]
        rows.append([
            scope, *(group.get(label, "") for label in labels), s["replies"],
            c["mean"], c["min"], c["q1"], c["median"], c["q3"], c["max"],
            o["rate"], o["replies"], o["risk_mean"],
            *(s["missing_share"].get(cue) for cue in cues),
            *(s["findings_per_100"].get(rule, 0.0) for rule in rules),
        ])
    return header, rows


def format_csv(report: dict[str, Any]) -> str:
    header, rows = table(report)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(["" if v is None else v for v in row] for row in rows)
    return out.getvalue()


def format_parquet(report: dict[str, Any]) -> bytes:
    import pyarrow as pa
    import pyarrow.parquet as pq

    header, rows = table(report)
    columns = {name: [row[i] for row in rows] for i, name in enumerate(header)}
    sink = pa.BufferOutputStream()
    pq.write_table(pa.table(columns), sink)
    return sink.getvalue().to_pybytes()


# -- HTML ---------------------------------------------------------------------------------
def _pct(share: float | None) -> str:
    return "" if share is None else f"{100 * share:.1f}%"


def _histogram_svg(histogram: list[list[int]]) -> str:
    bins = [0] * (100 // BIN + 1)
    for score, count in histogram:
        bins[min(score // BIN, len(bins) - 2) if score == 100 else score // BIN] += count
    bins = bins[:-1]
    top = max(bins) or 1
    w, h = 8, 60
    bars = "".join(
        f"<rect x=\"{i * (w + 2)}\" y=\"{h - round(h * n / top)}\" width=\"{w}\" height=\"{round(h * n / top)}\" fill=\"#9db9e8\"><title>{i * BIN}-{i * BIN + BIN - 1 if i < len(bins) - 1 else 100}: {n}</title></rect>"
        for i, n in enumerate(bins)
    )
    width = len(bins) * (w + 2)
    return (
        f"<svg role=\"img\" aria-label=\"courtesy score histogram, 0 to 100\" width=\"{width}\" height=\"{h + 14}\" viewBox=\"0 0 {width} {h + 14}\">{bars}"
        f"<text x=\"0\" y=\"{h + 12}\" font-size=\"10\" fill=\"#5a6275\">0</text><text x=\"{width - 18}\" y=\"{h + 12}\" font-size=\"10\" fill=\"#5a6275\">100</text></svg>"
    )


def _box_svg(c: dict[str, Any]) -> str:
    if c["median"] is None:
        return ""
    x = lambda v: round(2 * v, 1)
    return (
        f"<svg role=\"img\" aria-label=\"courtesy quartiles\" width=\"204\" height=\"18\" viewBox=\"-2 0 204 18\">"
        f"<line x1=\"0\" y1=\"9\" x2=\"200\" y2=\"9\" stroke=\"#d6dae3\"/>"
        f"<line x1=\"{x(c['min'])}\" y1=\"9\" x2=\"{x(c['max'])}\" y2=\"9\" stroke=\"#5a6275\"/>"
        f"<rect x=\"{x(c['q1'])}\" y=\"3\" width=\"{max(x(c['q3']) - x(c['q1']), 1)}\" height=\"12\" fill=\"#9db9e8\" stroke=\"#1f5fbf\"/>"
        f"<line x1=\"{x(c['median'])}\" y1=\"2\" x2=\"{x(c['median'])}\" y2=\"16\" stroke=\"#1d2330\" stroke-width=\"2\"/>"
        f"<title>min {c['min']}, q1 {c['q1']}, median {c['median']}, q3 {c['q3']}, max {c['max']}</title></svg>"
    )


def _rule_bars(s: dict[str, Any], rules: dict[str, Any]) -> str:
    per = sorted(s["findings_per_100"].items(), key=lambda item: (-item[1], item[0]))
    if not per:
        return "<p class=\"empty\">No findings.</p>"
    top = per[0][1] or 1
    rows = "".join(
        f"<tr><td><code>{_e(rule)}</code></td><td><span class=\"badge sev-{_e(rules.get(rule, {}).get('severity', 'info'))}\">{_e(rules.get(rule, {}).get('severity', ''))}</span></td>"
        f"<td><div class=\"bar\"><div class=\"bar-fill\" style=\"width:{100 * v / top:.1f}%\"></div><span class=\"bar-value\">{v:.2f}</span></div></td>"
        f"<td>{s['replies_flagged'].get(rule, 0)}</td></tr>"
        for rule, v in per
    )
    return ("<table><thead><tr><th scope=\"col\">Rule</th><th scope=\"col\">Severity</th><th scope=\"col\">Findings per 100 replies</th>"
            f"<th scope=\"col\">Replies flagged</th></tr></thead><tbody>{rows}</tbody></table>")


def format_html(report: dict[str, Any]) -> str:
    t, s, rules = report["totals"], report["overall"], report["rules"]
    c, o = s["courtesy"], s["overpromise"]
    labels = [g["name"] for g in report["options"]["group_by"]]
    body = ["<section class=\"report-summary pane\"><h2>Summary</h2>\n"]
    inputs = ", ".join(f"<code>{_e(i['path'])}</code> ({i['records']:,} records)" for i in report["inputs"])
    body.append(f"<p>{t['replies']:,} replies audited from {inputs}; {t['filtered_out']:,} rows filtered out"
                f" ({_e(', '.join(report['options']['where']) or 'no filter')}), {t['empty']:,} empty, {t['malformed']:,} malformed, {t['not_linted']:,} not linted.</p>\n")
    if c["mean"] is not None:
        body.append(
            f"<p>Courtesy: mean <strong>{c['mean']}</strong>, median <strong>{c['median']}</strong> (quartiles {c['q1']}-{c['q3']}) {_box_svg(c)}</p>\n"
            f"<figure>{_histogram_svg(c['histogram'])}<figcaption class=\"hint\">Replies by courtesy score, in bands of {BIN}</figcaption></figure>\n"
            f"<p>Overpromises in <strong>{_pct(o['rate'])}</strong> of replies ({o['replies']:,}); missing: "
            + ", ".join(f"{_e(cue.replace('_', ' '))} {_pct(v)}" for cue, v in s["missing_share"].items()) + ".</p>\n"
        )
    body.append(_rule_bars(s, rules))
    if s.get("top_phrases"):
        body.append("<h3>Most common flagged phrases</h3><table><thead><tr><th scope=\"col\">Phrase</th><th scope=\"col\">Rule</th><th scope=\"col\">Count</th></tr></thead><tbody>"
                    + "".join(f"<tr><td>{_e(p['phrase'])}</td><td><code>{_e(p['rule'])}</code></td><td>{p['count']:,}</td></tr>" for p in s["top_phrases"])
                    + "</tbody></table>\n")
    if report["malformed"]:
        body.append("<h3>Malformed rows</h3><ul>" + "".join(f"<li><code>{_e(m['file'])}</code> {_e('line' if 'line' in m else 'row')} {m.get('line', m.get('row'))}: {_e(m['reason'])}</li>" for m in report["malformed"]) + "</ul>\n")
    body.append("</section>\n")
    if report["groups"]:
        head = "".join(f"<th scope=\"col\">{_e(label)}</th>" for label in labels)
        cues = list(s["missing_share"])
        rows = []
        for g in report["groups"]:
            gc = g["courtesy"]
            rows.append(
                "<tr>" + "".join(f"<td>{_e(g['group'][label]) or _NONE}</td>" for label in labels)
                + f"<td>{g['replies']:,}</td><td class=\"total\">{gc['mean']}</td><td>{_box_svg(gc)}</td><td>{_pct(g['overpromise']['rate'])}</td>"
                + "".join(f"<td>{_pct(g['missing_share'][cue])}</td>" for cue in cues) + "</tr>\n"
            )
        body.append(
            "<section class=\"pane\"><h2>By " + _e(", ".join(labels)) + "</h2><div class=\"table-wrap\"><table><thead><tr>" + head
            + "<th scope=\"col\">Replies</th><th scope=\"col\">Courtesy mean</th><th scope=\"col\">Courtesy quartiles</th><th scope=\"col\">Overpromise rate</th>"
            + "".join(f"<th scope=\"col\">No {_e(cue.replace('_', ' '))}</th>" for cue in cues)
            + "</tr></thead><tbody>\n" + "".join(rows) + "</tbody></table></div></section>\n"
        )
    if s.get("examples"):
        body.append("<section class=\"pane\"><h2>Examples</h2><p class=\"hint\">The first replies in the export that each rule flagged.</p>\n")
        for rule, items in s["examples"].items():
            shown = "".join(
                f"<li class=\"finding sev-{_e(rules.get(rule, {}).get('severity', 'info'))}\"><div class=\"finding-head\"><span class=\"where\">{_e(i['file'])} {'line' if 'line' in i else 'row'} {i.get('line', i.get('row'))}"
                + (f", id {_e(i['id'])}" if i.get("id") else "") + f"</span></div><div class=\"context\">{_mark(i)}</div></li>"
                for i in items
            )
            body.append(f"<details><summary><code>{_e(rule)}</code> {_e(rules.get(rule, {}).get('summary', ''))}</summary><ol class=\"findings\">{shown}</ol></details>\n")
        body.append("</section>\n")
    return _page("mantracheck audit", body)


def _mark(example: dict[str, Any]) -> str:
    """The example's text with its finding marked (where the finding says it is)."""
    text, start, end = example["text"], example["start"], example["end"]
    if not 0 <= start < end <= len(text):
        return _e(text)
    return f"{_e(text[:start])}<mark>{_e(text[start:end])}</mark>{_e(text[end:])}"


RENDER: dict[str, Callable[[dict[str, Any]], str | bytes]] = {
    "json": format_json,
    "csv": format_csv,
    "parquet": format_parquet,
    "html": format_html,
}
