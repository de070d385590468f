"""What a partition's replies add up to, merged exactly whatever the order or the engine.

Everything kept is a count (a per-group histogram of the 0-100 courtesy score, findings per
rule, replies missing each cue, flagged phrases) or the k smallest row keys (examples,
malformed rows), so merging partitions in any order gives the same aggregate, and the mean
and quartiles computed from it at the end are the same to the last digit as over all rows.
"""

from __future__ import annotations

import heapq
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

#: A row: (file index, partition index, record index in the partition).
RowKey = tuple[int, int, int]
#: An example: (row key, the reply's id or "", the reply text, the flagged words, and where
#: they are in the text: start and end, in characters).
Example = tuple[RowKey, str, str, str, int, int]


def _smallest(a: list[Any], b: Iterable[Any], k: int) -> list[Any]:
    return heapq.nsmallest(k, [*a, *b]) if k > 0 else []


#: An example reply is cut after this many characters (or 40 after its match).
EXAMPLE_CHARS = 280


def keep_examples(store: dict[str, list[Example]], findings: list[tuple[str, str, int, int]], example: tuple[RowKey, str, str] | None, k: int) -> None:
    """Keep ``example`` for each rule of ``findings`` if it is among the ``k`` smallest keys."""
    if example is None or k <= 0:
        return
    key, ident, text = example
    done = set()
    for rule, match, start, end in findings:
        if rule in done:
            continue
        done.add(rule)
        kept = store.setdefault(rule, [])
        if len(kept) < k or key < kept[-1][0]:
            limit = max(EXAMPLE_CHARS, end + 40)
            shown = text if len(text) <= limit else text[: limit - 1] + "\u2026"
            kept.append((key, ident, shown, match, start, end))
            kept.sort()
            del kept[k:]


@dataclass
class GroupStats:
    replies: int = 0
    #: replies by courtesy score (0-100); sparse, since a partition holds few replies of a group
    histogram: Counter[int] = field(default_factory=Counter)
    risk_sum: int = 0
    overpromise_replies: int = 0
    findings: Counter[str] = field(default_factory=Counter)
    flagged: Counter[str] = field(default_factory=Counter)
    missing: Counter[str] = field(default_factory=Counter)
    phrases: Counter[tuple[str, str]] = field(default_factory=Counter)
    examples: dict[str, list[Example]] = field(default_factory=dict)

    def add(self, courtesy: int, risk: int, missing: Iterable[str], findings: list[tuple[str, str, int, int]], phrase_rules: frozenset[str], overpromise_rules: frozenset[str], example: tuple[RowKey, str, str] | None, k: int) -> None:
        """One reply: its scores, missing cues and (rule, matched words, start, end) findings;
        ``example`` (its key, id and text) is None when no reply text is kept
        (``--no-examples``), and then no flagged phrase either; ``k`` examples are kept per rule."""
        self.replies += 1
        self.histogram[max(0, min(100, courtesy))] += 1
        self.risk_sum += risk
        self.missing.update(set(missing))
        rules = {f[0] for f in findings}
        self.flagged.update(rules)
        if rules & overpromise_rules:
            self.overpromise_replies += 1
        for rule, match, _, _ in findings:
            self.findings[rule] += 1
            phrase = " ".join(match.lower().split())
            if rule in phrase_rules and phrase and example is not None:
                self.phrases[(rule, phrase)] += 1
        keep_examples(self.examples, findings, example, k)

    def merge(self, other: GroupStats, k: int) -> None:
        self.replies += other.replies
        self.histogram.update(other.histogram)
        self.risk_sum += other.risk_sum
        self.overpromise_replies += other.overpromise_replies
        self.findings.update(other.findings)
        self.flagged.update(other.flagged)
        self.missing.update(other.missing)
        self.phrases.update(other.phrases)
        for rule, items in other.examples.items():
            self.examples[rule] = _smallest(self.examples.get(rule, []), items, k)


@dataclass
class Aggregate:
    """The whole audit so far: groups by their key, and the counts of rows not audited."""

    examples: int = 3
    #: examples per rule kept in each group (``examples`` are kept over all replies)
    group_examples: int = 1
    groups: dict[tuple[str, ...], GroupStats] = field(default_factory=dict)
    overall_examples: dict[str, list[Example]] = field(default_factory=dict)
    rows: int = 0
    filtered: int = 0
    empty: int = 0
    malformed: int = 0
    malformed_rows: list[tuple[RowKey, str]] = field(default_factory=list)
    not_linted: int = 0
    not_linted_rows: list[tuple[RowKey, str]] = field(default_factory=list)
    no_month: int = 0
    #: records per (file, partition): how partition rows become file rows
    records: dict[tuple[int, int], int] = field(default_factory=dict)
    #: row problems listed (the rest are counted)
    listed: int = 20

    def group(self, key: tuple[str, ...]) -> GroupStats:
        stats = self.groups.get(key)
        if stats is None:
            stats = self.groups[key] = GroupStats()
        return stats

    def add(self, group: tuple[str, ...], courtesy: int, risk: int, missing: Iterable[str], findings: list[tuple[str, str, int, int]], phrase_rules: frozenset[str], overpromise_rules: frozenset[str], example: tuple[RowKey, str, str] | None) -> None:
        """One reply of ``group`` (see ``GroupStats.add``)."""
        self.group(group).add(courtesy, risk, missing, findings, phrase_rules, overpromise_rules, example, self.group_examples)
        keep_examples(self.overall_examples, findings, example, self.examples)

    def bad_row(self, key: RowKey, reason: str) -> None:
        self.malformed += 1
        if len(self.malformed_rows) < self.listed or key < self.malformed_rows[-1][0]:
            self.malformed_rows = _smallest(self.malformed_rows, [(key, reason)], self.listed)

    def unlinted(self, key: RowKey, reason: str) -> None:
        self.not_linted += 1
        self.not_linted_rows = _smallest(self.not_linted_rows, [(key, reason)], self.listed)

    def merge(self, other: Aggregate) -> Aggregate:
        for key, stats in other.groups.items():
            self.group(key).merge(stats, self.group_examples)
        for rule, items in other.overall_examples.items():
            self.overall_examples[rule] = _smallest(self.overall_examples.get(rule, []), items, self.examples)
        self.rows += other.rows
        self.filtered += other.filtered
        self.empty += other.empty
        self.malformed += other.malformed
        self.malformed_rows = _smallest(self.malformed_rows, other.malformed_rows, self.listed)
        self.not_linted += other.not_linted
        self.not_linted_rows = _smallest(self.not_linted_rows, other.not_linted_rows, self.listed)
        self.no_month += other.no_month
        self.records.update(other.records)
        return self

    def overall(self) -> GroupStats:
        """All replies as one group (its examples the ``examples`` smallest keys overall)."""
        total = GroupStats()
        for key in sorted(self.groups):
            total.merge(self.groups[key], 0)
        total.examples = {rule: list(items) for rule, items in self.overall_examples.items()}
        return total
