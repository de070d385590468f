"""spaCy token patterns matched on a Doc's arrays: the subset the built-in rules use.

spaCy's ``Matcher`` makes a Token object for every token of every text and calls Python for
every ``IN``/``NOT_IN`` at every token; on the ten token patterns left after
``compile_to_phrases`` that was a third of a lint run. This matcher reads the columns once
per text (``Doc.to_array``), starts only where the first token can match (looked up in an
index of the values that open a pattern) and walks the pattern from there. It returns the
same set of (start, end) token spans as the Matcher does (tests/test_matching.py compares
them on generated texts), but for one bound: a match spans at most ``MAX_MATCH_TOKENS`` tokens,
so that an open repeat (``*``, ``+``, ``{n,}``) over a long run of matching tokens costs a
bounded walk from each start, and a text is matched in time linear in its length. Repeats
``{n}``, ``{n,m}``, ``{n,}`` and ``{,m}`` are spelled out as plain, ``?`` and ``*`` tokens. What
it cannot express (``!``, ``REGEX``, comparisons, POS, DEP, extensions) is left to spaCy's
Matcher by ``supported`` returning False (engine/schema.py refuses an open repeat there).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

#: Pattern attributes matched on string values, and the Doc column each reads.
STRING_ATTRS = {"ORTH": "ORTH", "TEXT": "ORTH", "LOWER": "LOWER", "NORM": "NORM", "LEMMA": "LEMMA"}
#: Boolean attributes, and the Doc column each reads (IS_SENT_START reads SENT_START == 1).
FLAG_ATTRS = {
    "IS_SENT_START": "SENT_START",
    "IS_TITLE": "IS_TITLE",
    "IS_PUNCT": "IS_PUNCT",
    "IS_SPACE": "IS_SPACE",
    "IS_ALPHA": "IS_ALPHA",
    "IS_DIGIT": "IS_DIGIT",
    "IS_UPPER": "IS_UPPER",
    "IS_LOWER": "IS_LOWER",
    "LIKE_NUM": "LIKE_NUM",
    "LIKE_URL": "LIKE_URL",
    "LIKE_EMAIL": "LIKE_EMAIL",
}
OPS = {"?", "*", "+"}
#: A counted repeat, as spaCy writes it: {n}, {n,m}, {n,} or {,m}.
COUNTED = re.compile(r"\{(\d*)(?:(,)(\d*))?\}")
#: The most tokens a counted repeat may ask for (engine/schema.py refuses more).
MAX_REPEAT = 16
#: The longest match, in tokens (a long sentence): the bound that keeps matching linear.
MAX_MATCH_TOKENS = 64

# One token spec: (column, kind, value) tests; kind is "eq", "in", "not_in" or "flag".
Test = tuple[str, str, Any]


def supported(pattern: Sequence[dict[str, Any]]) -> bool:
    """Whether ``TokenMatcher`` can run this pattern exactly."""
    if not pattern:
        return False
    for spec in pattern:
        if not isinstance(spec, dict):
            return False
        for key, value in spec.items():
            name = str(key).upper()
            if name == "OP":
                if not isinstance(value, str) or (value not in OPS and counted(value) is None):
                    return False
            elif name in STRING_ATTRS:
                if isinstance(value, str):
                    continue
                if not (isinstance(value, dict) and len(value) == 1 and next(iter(value)) in ("IN", "NOT_IN")):
                    return False
                values = next(iter(value.values()))
                if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
                    return False
            elif name in FLAG_ATTRS:
                if not isinstance(value, bool):
                    return False
            else:
                return False
    return True


def counted(op: Any) -> tuple[int, int | None] | None:
    """(least, most) of a counted repeat such as '{2,4}' (most None for '{2,}'), or None
    when ``op`` is not one."""
    found = COUNTED.fullmatch(op) if isinstance(op, str) else None
    if found is None or not (found.group(1) or found.group(3)):
        return None
    least = int(found.group(1) or 0)
    if not found.group(2):
        return least, least
    most = int(found.group(3)) if found.group(3) else None
    return (least, most) if most is None or most >= least else None


def _spelled_out(op: str) -> list[str]:
    """A spec's operator as plain ('' ), optional ('?') and open ('*') steps: '+' is one
    plain step and an open one; a counted repeat, its least plain steps, then optional
    ones up to its most (or an open one)."""
    if op == "+":
        return ["", "*"]
    bounds = counted(op)
    if bounds is None:
        return [op]
    least, most = bounds
    return [""] * least + (["*"] if most is None else ["?"] * (most - least))


class TokenMatcher:
    """Token patterns (``supported`` ones) under keys; ``__call__(doc)`` gives (key, start, end)."""

    def __init__(self, strings: Any) -> None:
        self._strings = strings
        self._patterns: list[tuple[str, list[tuple[list[Test], str]], list[tuple[str, frozenset[int]]]]] = []
        #: per pattern (same order): its anchors, see ``_anchors``
        self._anchors: list[list[tuple[str, str, Any, int, int]]] = []
        #: per column, the values an anchor of some pattern tests for (for the start index)
        self._openers: dict[str, set[int]] = defaultdict(set)
        self._columns: set[str] = set()

    def __len__(self) -> int:
        return len(self._patterns)

    def add(self, key: str, pattern: Sequence[dict[str, Any]]) -> None:
        specs: list[tuple[list[Test], str]] = []
        for spec in pattern:
            tests: list[Test] = []
            for raw_key, value in spec.items():
                name = str(raw_key).upper()
                if name == "OP":
                    continue
                if name in STRING_ATTRS:
                    column = STRING_ATTRS[name]
                    if isinstance(value, str):
                        tests.append((column, "eq", self._strings.add(value)))
                    else:
                        (how, values), = value.items()
                        tests.append((column, how.lower(), frozenset(self._strings.add(v) for v in values)))
                else:
                    tests.append((FLAG_ATTRS[name], "flag", value))
                self._columns.add(tests[-1][0])
            specs.extend((tests, op) for op in _spelled_out(str(spec.get("OP", ""))))
        # What a text must hold for a match to exist: a value of every positive test of
        # every token that must be there (a plain step: '+' is spelled out as one).
        required = []
        for tests, op in specs:
            if op == "":
                for column, how, value in tests:
                    if how in ("eq", "in"):
                        required.append((column, frozenset([value]) if how == "eq" else value))
        self._patterns.append((key, specs, required))
        anchors = _anchors(specs)
        self._anchors.append(anchors)
        for column, how, value, _, _ in anchors:
            self._openers[column].update([value] if how == "eq" else value)

    def __call__(self, doc: Any, table: Any = None) -> list[tuple[str, int, int]]:
        """The matches in ``doc``; ``table`` may lend columns already read (an object with
        ``name in table`` and ``table.list(name)``, like ``engine.context.Columns``)."""
        n = len(doc)
        if n == 0 or not self._patterns:
            return []
        cols = _Columns(doc, table)  # each column read when first needed (most never are)
        index = _OpenerIndex(self._openers, cols)  # built per column when first asked
        present: dict[str, set[int]] = {}
        shared = table is not None and hasattr(table, "set")
        out: list[tuple[str, int, int]] = []
        for (key, specs, required), anchors in zip(self._patterns, self._anchors):
            for column, values in required:
                if column not in present:
                    present[column] = table.set(column) if shared and column in table else set(cols[column])
                if values.isdisjoint(present[column]):
                    break
            else:
                self._match(key, specs, self._starts(anchors, index, n), cols, n, out)
        return out

    @staticmethod
    def _match(key: str, specs: list[tuple[list[Test], str]], starts: Sequence[int], cols: dict[str, list[Any]], n: int, out: list[tuple[str, int, int]]) -> None:
        if all(op == "" for _, op in specs):  # one token per spec: one possible end, no search
            length = len(specs)
            for start in starts:
                if start + length <= n and all(_holds(tests, cols, start + j) for j, (tests, _) in enumerate(specs)):
                    out.append((key, start, start + length))
            return
        for start in starts:
            for end in _ends(specs, start, cols, n):
                out.append((key, start, end))

    @staticmethod
    def _starts(anchors: list[tuple[str, str, Any, int, int]], index: _OpenerIndex, n: int) -> Sequence[int]:
        """Where a match may start, ascending: from the anchor whose values occur least in
        the text (every start if the pattern has no anchor)."""
        best: Sequence[int] | None = None
        best_cost = n + 1
        best_anchor = ("eq", 0, 0)
        for column, how, value, low, high in anchors:
            where = index[column]
            at = where.get(value, ()) if how == "eq" else [i for v in value if v in where for i in where[v]]
            cost = len(at) * (high - low + 1)
            if cost < best_cost:
                if cost == 0:
                    return ()
                best, best_cost, best_anchor = at, cost, (how, low, high)
        if best is None:
            return range(n)
        how, low, high = best_anchor
        if low == high == 0:
            return best if how == "eq" else sorted(best)  # (positions of one value: ascending)
        return sorted({i - d for i in best for d in range(low, high + 1) if i >= d})


def _anchors(specs: list[tuple[list[Test], str]]) -> list[tuple[str, str, Any, int, int]]:
    """The tokens a match must hold at a bounded distance from its start: for each spec that
    must match at least once (no OP, or '+') and has a positive test (a value or a value
    list), with only one-token and optional specs before it, that test and the least and
    most tokens between the start and it. A match starting at s has such a token at s + d
    for some d in [least, most], so the token positions of the test's values, moved back by
    those distances, hold every start."""
    anchors = []
    low = high = 0
    for tests, op in specs:
        if op == "":  # (a '+' is spelled out as a plain step and an open one)
            positive = [t for t in tests if t[1] in ("eq", "in")]
            if positive:
                column, how, value = positive[0]
                anchors.append((column, how, value, low, high))
        if op == "":
            low, high = low + 1, high + 1
        elif op == "?":
            high += 1
        else:  # '*' or '+': what follows is at no bounded distance
            break
    return anchors


class _Columns(dict):  # type: ignore[type-arg]
    """column -> its values as a list, read off the lent table (or the Doc) when first asked;
    SENT_START as booleans (is a start)."""

    def __init__(self, doc: Any, table: Any) -> None:
        super().__init__()
        self._doc, self._table = doc, table

    def __missing__(self, column: str) -> list[Any]:
        if self._table is not None and column in self._table:
            values: list[Any] = self._table.list(column)
        else:
            from spacy.attrs import IDS

            values = self._doc.to_array(IDS[column]).tolist()
        if column == "SENT_START":
            values = [v == 1 for v in values]
        self[column] = values
        return values


class _OpenerIndex(dict):  # type: ignore[type-arg]
    """column -> {value: token positions} for the values some pattern's anchor tests, built for a
    column the first time a pattern that passed the literal check asks for it (most texts
    give no pattern of a column a chance)."""

    def __init__(self, openers: dict[str, set[int]], cols: dict[str, list[Any]]) -> None:
        super().__init__()
        self._openers, self._cols = openers, cols

    def __missing__(self, column: str) -> dict[int, list[int]]:
        wanted = self._openers[column]
        where: dict[int, list[int]] = defaultdict(list)
        for i, v in enumerate(self._cols[column]):
            if v in wanted:
                where[v].append(i)
        self[column] = where
        return where


def _holds(tests: list[Test], cols: dict[str, list[Any]], i: int) -> bool:
    for column, how, value in tests:
        v = cols[column][i]
        if how == "eq":
            if v != value:
                return False
        elif how == "in":
            if v not in value:
                return False
        elif how == "not_in":
            if v in value:
                return False
        elif bool(v) != value:
            return False
    return True


def _closure(specs: list[tuple[list[Test], str]], states: set[int]) -> set[int]:
    """``states`` (indexes of the spec to match next) with every optional spec skipped."""
    todo = list(states)
    while todo:
        j = todo.pop()
        if j < len(specs) and specs[j][1] in ("?", "*") and j + 1 not in states:
            states.add(j + 1)
            todo.append(j + 1)
    return states


def _ends(specs: list[tuple[list[Test], str]], start: int, cols: dict[str, list[Any]], n: int) -> list[int]:
    """Every end (ascending, after ``start``) of a match of ``specs`` from token ``start``, at
    most ``MAX_MATCH_TOKENS`` tokens on: the specs as an automaton whose states are the spec
    to match next, all walked at once (no path is tried twice, whatever the repeats)."""
    done = len(specs)
    ends = []
    states = _closure(specs, {0})
    i = start
    limit = min(n, start + MAX_MATCH_TOKENS)
    while states and i < limit:
        after = set()
        for j in states:
            if j < done and _holds(specs[j][0], cols, i):
                after.add(j if specs[j][1] == "*" else j + 1)
        i += 1
        states = _closure(specs, after)
        if done in states:
            ends.append(i)
    return ends
