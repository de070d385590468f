"""One partition's audit, where the partition is read: on a local worker process or a Dask
worker. Each process builds its linter once (``linter_for``) and keeps it warm, until it has
read ``RECYCLE_BYTES`` of replies (see there)."""

from __future__ import annotations

import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from mantracheck.audit import readers
from mantracheck.audit.aggregate import Aggregate, RowKey
from mantracheck.audit.presets import MONTH
from mantracheck.audit.rows import Where, as_text, lookup, month_of
from mantracheck.engine.runner import Linter, Source
from mantracheck.models import Finding
from mantracheck.text import LineIndex

#: Replies handed to the linter at a time (it batches the NLP work within).
BATCH = 256
#: A process starts again with a fresh linter after auditing about this much reply text:
#: spaCy's vocabulary keeps every new word it sees, and real replies carry words seen once
#: (reference numbers, addresses, names): measured, +2.7 KB a reply in one process that never
#: starts again, 233 MB flat in one that does (bench/README.md, "Memory of a long-lived
#: worker"). A local worker is replaced by a fresh fork of the warm parent (cheap); a Dask
#: worker, which lives as long as its cluster, builds its linter again (0.1-0.2 s, and its
#: caches warm again over the next few thousand replies: about 1.5 CPU-s), so it does so less
#: often (``WORKER_RECYCLE_BYTES``).
RECYCLE_BYTES = 8 << 20
WORKER_RECYCLE_BYTES = 32 << 20
INPUT_FORMATS = ("auto", "text", "html", "markdown")
_MARKUP = re.compile(r"<(?:[A-Za-z][\w:-]*|/[A-Za-z][\w:-]*|!--)[^<>]*>|&(?:[A-Za-z][A-Za-z0-9]{1,31}|#[0-9]{1,7}|#[xX][0-9A-Fa-f]{1,6});")


@dataclass(frozen=True)
class AuditJob:
    """What every partition is audited with (sent to each worker with its partitions)."""

    text_column: str
    #: (label in the output, column, or ``month`` for the month of ``timestamp``)
    group_by: tuple[tuple[str, str], ...] = ()
    timestamp: str | None = None
    id_column: str | None = None
    where: tuple[Where, ...] = ()
    input_format: str = "auto"
    profile: str | None = None
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    rule_paths: tuple[str, ...] = ()
    model: str | None = None
    #: example replies kept per rule over all replies (0: no reply text at all, nor phrases)
    examples: int = 3
    #: and per rule in each group
    group_examples: int = 1

    def columns(self) -> list[str]:
        """Every column a partition reads."""
        cols = [self.text_column, *(c for _, c in self.group_by if c != MONTH), *(w.column for w in self.where)]
        if any(c == MONTH for _, c in self.group_by) and self.timestamp:
            cols.append(self.timestamp)
        if self.id_column:
            cols.append(self.id_column)
        return list(dict.fromkeys(cols))

    def lint_key(self) -> tuple[Any, ...]:
        return (self.profile, self.select, self.ignore, self.rule_paths, self.model)


_linters: dict[tuple[Any, ...], Linter] = {}
_build_lock = threading.Lock()
_lint_lock = threading.Lock()
#: Characters of reply text this process's linters have read since they were built.
_read_since_build = 0


def linter_for(job: AuditJob) -> Linter:
    """This process's linter for the job's rules, built on first use (a Dask worker builds it
    when the plugin is registered): the spaCy pipeline and matchers stay warm for every
    partition the process audits. Each reply is a whole message (asked for a greeting,
    thanks and a sign-off), whatever its length."""
    from mantracheck.api import Options, make_linter

    key = job.lint_key()
    with _build_lock:
        linter = _linters.get(key)
        if linter is None:
            options = Options(profile=job.profile, select=job.select, ignore=job.ignore, rule_paths=job.rule_paths, model=job.model, scores=True)
            linter = make_linter(options)
            linter.text_kind = "message"
            _linters[key] = linter
    return linter


def audit_on_worker(part: readers.Partition, job: AuditJob) -> Aggregate:
    """``audit_partition`` in a process that lives longer than one audit (a Dask worker):
    once its linters have read ``WORKER_RECYCLE_BYTES`` of replies, it forgets them and the
    spaCy pipeline (``nlp.release_pipelines``), and the next partition builds them afresh, so
    that a worker's memory stays bounded whatever the archive's size and vocabulary."""
    from mantracheck.nlp import release_pipelines

    global _read_since_build
    agg = audit_partition(part, job)
    with _lint_lock:  # (no lint in progress in another thread of this worker)
        if _read_since_build >= WORKER_RECYCLE_BYTES:
            with _build_lock:
                _linters.clear()
            release_pipelines()
            _read_since_build = 0
    return agg


def fmt_of(text: str, input_format: str) -> str:
    if input_format != "auto":
        return input_format
    return "html" if _MARKUP.search(text) else "text"


def empty_aggregate(job: AuditJob) -> Aggregate:
    """An aggregate with nothing in it yet, keeping as many examples as ``job`` asks."""
    return Aggregate(examples=job.examples, group_examples=min(job.examples, job.group_examples))


def audit_partition(part: readers.Partition, job: AuditJob) -> Aggregate:
    """The aggregate of one partition's replies."""
    agg = empty_aggregate(job)
    records = readers.read(part, job.columns())
    agg.records[(part.file, part.index)] = records.count
    linter = linter_for(job)
    pending: list[tuple[RowKey, tuple[str, ...], str, str]] = []
    for local, row, reason in records.items:
        key = (part.file, part.index, local)
        agg.rows += 1
        if row is None:
            agg.bad_row(key, reason or "malformed")
            continue
        if not all(w.matches(lookup(row, w.column)) for w in job.where):
            agg.filtered += 1
            continue
        text = lookup(row, job.text_column)
        if text is not None and not isinstance(text, str):
            agg.bad_row(key, f"{job.text_column!r} is not text")
            continue
        if text is None or not text.strip():
            agg.empty += 1
            continue
        ident = as_text(lookup(row, job.id_column)) if job.id_column else ""
        pending.append((key, _group_key(row, job, agg), ident, text))
        if len(pending) >= BATCH:
            _lint(linter, pending, job, agg)
            pending = []
    if pending:
        _lint(linter, pending, job, agg)
    return agg


def _group_key(row: dict[str, Any], job: AuditJob, agg: Aggregate) -> tuple[str, ...]:
    out = []
    for _, column in job.group_by:
        if column == MONTH:
            month = month_of(lookup(row, job.timestamp)) if job.timestamp else None
            if month is None:
                agg.no_month += 1
            out.append(month or "unknown")
        else:
            out.append(as_text(lookup(row, column)))
    return tuple(out)


def _rule_sets(linter: Linter) -> tuple[frozenset[str], frozenset[str]]:
    """(rules whose findings are flagged words, overpromise rules): a ``require`` rule's
    finding is a missing greeting or sign-off, whose words are the reply's own, not a phrase."""
    cached = getattr(linter, "_audit_rule_sets", None)
    if cached is None:
        phrase = frozenset(r.id for r in linter.rules if r.kind != "require")
        promise = frozenset(r.id for r in linter.rules if r.pack == "overpromise")
        cached = (phrase, promise)
        linter._audit_rule_sets = cached  # type: ignore[attr-defined]
    return cached


def _lint(linter: Linter, pending: Sequence[tuple[RowKey, tuple[str, ...], str, str]], job: AuditJob, agg: Aggregate) -> None:
    from mantracheck.api import _lint_guarded, _too_long_for

    phrase_rules, promise_rules = _rule_sets(linter)
    sources, kept = [], []
    for item in pending:
        too_long = _too_long_for(linter, item[3])
        if too_long:
            agg.unlinted(item[0], too_long)
            continue
        sources.append(Source("<reply>", item[3], fmt_of(item[3], job.input_format)))
        kept.append(item)
    global _read_since_build
    with _lint_lock:  # one lint at a time per process (a Dask worker with several threads)
        reports = _lint_guarded(linter, sources)
        _read_since_build += sum(len(s.text) for s in sources)
    for (key, group, ident, text), report in zip(kept, reports):
        if report.error is not None:
            agg.unlinted(key, report.error)
            continue
        if not report.scores:
            agg.empty += 1  # no words to read (markup only)
            continue
        courtesy = report.scores["courtesy"]
        lines = LineIndex(text)
        findings = [(f.rule, f.match, *_offsets(lines, f)) for f in report.findings]
        example = (key, ident, text) if job.examples > 0 else None
        agg.add(
            group,
            int(courtesy["value"]),
            int(report.scores["overpromise_risk"]["value"]),
            (m["name"] for m in courtesy.get("missing", [])),
            findings,
            phrase_rules,
            promise_rules,
            example,
        )


def _offsets(lines: LineIndex, finding: Finding) -> tuple[int, int]:
    """Where a finding is in its reply (characters), from its line and column."""
    start = lines.line_start(finding.line) + finding.column - 1
    return start, lines.line_start(finding.end_line) + finding.end_column - 1
