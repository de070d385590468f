"""The audit's result as data: one dict that every output format is made from
(``outputs``). Deterministic: groups sorted by their key, rules by id, no timings, no engine
(the same job gives the same bytes from any engine)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from mantracheck import __version__
from mantracheck.audit.aggregate import Aggregate, GroupStats, RowKey
from mantracheck.audit.job import AuditJob
from mantracheck.audit.readers import ExportFile

#: Flagged phrases listed per group.
TOP_PHRASES = 10
SCHEMA_VERSION = 1


def quantile(histogram: Sequence[int], p: float) -> float | None:
    """The ``p`` quantile of the values a histogram counts, interpolated between the two
    nearest ranks (numpy's default, "linear"): exact from the counts alone."""
    n = sum(histogram)
    if n == 0:
        return None
    h = (n - 1) * p
    lo = int(h)
    frac = h - lo

    def nth(k: int) -> int:
        seen = 0
        for value, count in enumerate(histogram):
            seen += count
            if seen > k:
                return value
        return len(histogram) - 1

    a = nth(lo)
    b = nth(lo + 1) if frac else a
    return round(a + frac * (b - a), 2)


def _row_numbers(agg: Aggregate) -> dict[tuple[int, int], int]:
    """The number of records before each partition of its file."""
    before: dict[tuple[int, int], int] = {}
    running: dict[int, int] = {}
    for (file, part) in sorted(agg.records):
        before[(file, part)] = running.get(file, 0)
        running[file] = running.get(file, 0) + agg.records[(file, part)]
    return before


def build(agg: Aggregate, files: Sequence[ExportFile], job: AuditJob, *, preset: str | None, rules: dict[str, dict[str, str]], cues: Sequence[str]) -> dict[str, Any]:
    before = _row_numbers(agg)

    def where(key: RowKey) -> dict[str, Any]:
        file, part, local = key
        f = files[file]
        n = before.get((file, part), 0) + local + 1
        return {"file": f.path, "line" if f.fmt == "jsonl" else "row": n}

    def stats(g: GroupStats) -> dict[str, Any]:
        n = g.replies
        histogram = [g.histogram.get(score, 0) for score in range(101)]
        nonzero = [[score, count] for score, count in enumerate(histogram) if count]
        per_100 = {rule: round(100 * g.findings[rule] / n, 2) for rule in sorted(g.findings)} if n else {}
        out: dict[str, Any] = {
            "replies": n,
            "courtesy": {
                "mean": round(sum(s * c for s, c in nonzero) / n, 2) if n else None,
                "min": nonzero[0][0] if nonzero else None,
                "q1": quantile(histogram, 0.25),
                "median": quantile(histogram, 0.5),
                "q3": quantile(histogram, 0.75),
                "max": nonzero[-1][0] if nonzero else None,
                "histogram": nonzero,
            },
            "overpromise": {
                "rate": round(g.overpromise_replies / n, 4) if n else None,
                "replies": g.overpromise_replies,
                "risk_mean": round(g.risk_sum / n, 2) if n else None,
            },
            "findings": dict(sorted(g.findings.items())),
            "findings_per_100": per_100,
            "replies_flagged": dict(sorted(g.flagged.items())),
            "missing": {cue: g.missing.get(cue, 0) for cue in cues},
            "missing_share": {cue: round(g.missing.get(cue, 0) / n, 4) if n else None for cue in cues},
        }
        if job.examples > 0:
            top = sorted(g.phrases.items(), key=lambda item: (-item[1], item[0]))[:TOP_PHRASES]
            out["top_phrases"] = [{"rule": rule, "phrase": phrase, "count": count} for (rule, phrase), count in top]
            out["examples"] = {
                rule: [
                    {**where(key), **({"id": ident} if ident else {}), "text": text, "match": match, "start": start, "end": end}
                    for key, ident, text, match, start, end in items
                ]
                for rule, items in sorted(g.examples.items())
            }
        return out

    labels = [label for label, _ in job.group_by]
    return {
        "version": SCHEMA_VERSION,
        "tool": f"mantracheck {__version__}",
        "inputs": [{"path": f.path, "format": f.fmt + (".gz" if f.gzip else ""), "records": sum(n for (i, _), n in agg.records.items() if i == f.index)} for f in files],
        "options": {
            "preset": preset,
            "text_column": job.text_column,
            "group_by": [{"name": label, "column": column} for label, column in job.group_by],
            "timestamp_column": job.timestamp,
            "where": [str(w) for w in job.where],
            "input_format": job.input_format,
            "profile": job.profile or "support",
            "select": list(job.select),
            "ignore": list(job.ignore),
            "examples": job.examples,
            "group_examples": min(job.examples, job.group_examples),
        },
        "totals": {
            "rows": agg.rows,
            "replies": sum(g.replies for g in agg.groups.values()),
            "filtered_out": agg.filtered,
            "empty": agg.empty,
            "malformed": agg.malformed,
            "not_linted": agg.not_linted,
            "no_month": agg.no_month,
        },
        "malformed": [{**where(key), "reason": reason} for key, reason in agg.malformed_rows],
        "not_linted": [{**where(key), "reason": reason} for key, reason in agg.not_linted_rows],
        "rules": {rule: rules[rule] for rule in sorted(rules)},
        "overall": stats(agg.overall()),
        "groups": [{"group": dict(zip(labels, key)), **stats(agg.groups[key])} for key in sorted(agg.groups)] if labels else [],
    }
