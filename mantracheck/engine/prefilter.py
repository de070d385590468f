"""Which rule regexes can match a text, for all of them in one pass (an RE2 ``Set``).

Most texts match few of a run's regexes, and Python's ``re`` searches a text once per
pattern. So each pattern is also translated into an RE2 pattern that matches *at least*
wherever the original does (a superset: lookarounds are dropped, a possessive repeat becomes
a greedy one), and all translations go into one ``re2.Set``, which reports in a single
linear-time scan which of them match somewhere. Only those regexes are then run, on Python's
``re`` as before, so the findings are exactly what they were; the set only skips runs that
could not have matched.

Exactness rests on the translation being a superset, which holds only where the two engines
agree on what a class means. They agree on ASCII text (RE2's ``\\w``, ``\\d`` and ``\\b`` are
ASCII-only, Python's Unicode), so the set is used only for an ASCII text, and only for patterns
whose every character is ASCII, written or escaped (the engines fold case differently beyond
it: Python's IGNORECASE matches "i" with U+0130, RE2's does not); anything else takes the literal prefilter
(``matching.required_literals``) as before. A text the set cannot scan (its DFA ran out of
memory) is detected by a canary pattern that matches every text, and falls back the same way.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from mantracheck.engine.regex import parsed_regex

try:  # the regex parser: re._parser since 3.11, sre_parse before
    from re import _parser as _sre  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover
    import sre_parse as _sre  # type: ignore[no-redef]

#: RE2's largest counted repeat.
_MAX_COUNT = 1000
#: In the superset, a repeat bounded above this ("[^.!?]{0,60}", "(?:\w+\s+){0,6}") is left
#: unbounded: still a superset, and the set's DFA need not count (the bounded repeats of the
#: overpromise pack took the set from 16 to 45 MB on the 1,000-file bench corpus; 23 unbounded).
_COUNTED = 3
#: Memory for each set's compiled program and DFA cache.
SET_MAX_MEM = 64 << 20
#: Patterns per RE2 set. One DFA for the union of every pattern has so many states that it
#: keeps rebuilding its cache: with the 145 built-in regexes one set took 0.59 ms per 1 KB
#: text, eight sets of 20 0.11 ms together, 29 sets of 5 0.12 ms (bench corpus, ASCII texts).
SET_CHUNK = 20
_IGNORECASE, _MULTILINE, _DOTALL = 2, 8, 16
#: Flags a translation understands (UNICODE is the default for str patterns; VERBOSE is
#: handled by the parser; ASCII only narrows what matches).
_KNOWN_FLAGS = _IGNORECASE | _MULTILINE | _DOTALL | 32 | 64 | 256
#: Python's \s on ASCII text also holds \v and \x1c-\x1f, which RE2's \s does not.
_CLASS = {
    "CATEGORY_DIGIT": "0-9",
    "CATEGORY_WORD": "0-9A-Za-z_",
    "CATEGORY_SPACE": "\\t\\n\\x0b\\f\\r\\x1c-\\x1f ",
}
_NEGATED = {"CATEGORY_NOT_DIGIT": "CATEGORY_DIGIT", "CATEGORY_NOT_WORD": "CATEGORY_WORD", "CATEGORY_NOT_SPACE": "CATEGORY_SPACE"}


class Untranslatable(Exception):
    """The pattern uses something the translation does not cover: it keeps the old path."""


def to_re2(pattern: str, case_sensitive: bool) -> str | None:
    """An RE2 pattern matching, on ASCII text, wherever ``pattern`` (Python ``re``) does, or
    None when no such translation is made (non-ASCII pattern, backreferences, ...)."""
    if not pattern.isascii():
        return None
    try:
        parsed = parsed_regex(pattern, case_sensitive)
        flags = parsed.state.flags
        if flags & ~_KNOWN_FLAGS:
            return None
        body = _seq(list(parsed), flags)
    except Exception:  # noqa: BLE001 - Untranslatable, or a pattern the parser rejects: it keeps the old path
        return None
    return ("(?i)" if flags & _IGNORECASE else "") + body


def to_re2_exact(pattern: str, case_sensitive: bool, group: str) -> str | None:
    """An RE2 pattern with the same matches as ``pattern`` on ASCII text, the same spans and
    the same span of the group named ``group``, or None when that cannot be vouched for.

    Both engines search leftmost-first (the first alternative, the greedy or lazy repeat's
    preference, as a backtracking engine takes them), so they agree wherever they read the
    pattern alike; the translation refuses what they do not: lookarounds and atomic or
    possessive groups (RE2 has none), ``$`` (Python's also matches before a final newline),
    a named group inside a repeat (which iteration it reports), and patterns that can match
    the empty string (where finditer's steps differ). Classes are those of ``to_re2``, which
    mean the same on ASCII text. tests/test_prefilter.py compares the two engines' matches.
    """
    if not pattern.isascii():
        return None
    try:
        parsed = parsed_regex(pattern, case_sensitive)
        flags = parsed.state.flags
        if flags & ~_KNOWN_FLAGS or parsed.getwidth()[0] == 0:
            return None
        keep = {number: name for name, number in parsed.state.groupdict.items() if name == group}
        body = _seq(list(parsed), flags, _Exact(keep))
    except Exception:  # noqa: BLE001 - Untranslatable, or a pattern the parser rejects: Python's re runs it
        return None
    return ("(?i)" if flags & _IGNORECASE else "") + body


class _Exact:
    """The stricter translation's state: the group to keep, and the repeats around here."""

    def __init__(self, keep: dict[int, str]) -> None:
        self.keep, self.depth = keep, 0


def _char(code: int) -> str:
    if code > 127:
        # A typographic apostrophe or dash (\u2019, \u2013) is written as an escape; it never
        # occurs in an ASCII text, which is all the set scans. A letter Python folds onto an
        # ASCII one (U+0130 onto "i", the Kelvin sign onto "k") where RE2 does not keeps the
        # old path.
        if _folds_to_ascii(code):
            raise Untranslatable("a non-ASCII letter with an ASCII case")
        return f"\\x{{{code:x}}}"
    c = chr(code)
    return c if c.isalnum() else f"\\x{{{code:x}}}"


def _folds_to_ascii(code: int) -> bool:
    c = chr(code)
    return any(ord(x) < 128 for x in c.lower() + c.upper() + c.casefold())


def _seq(items: list[Any], flags: int, exact: _Exact | None = None) -> str:
    return "".join(_item(op, av, flags, exact) for op, av in items)


def _item(op: Any, av: Any, flags: int, exact: _Exact | None = None) -> str:  # noqa: C901, PLR0911, PLR0912 - one case per opcode
    name = str(op)
    if exact is not None and name in ("ASSERT", "ASSERT_NOT", "ATOMIC_GROUP", "POSSESSIVE_REPEAT"):
        raise Untranslatable(name)
    if name == "LITERAL":
        return _char(av)
    if name == "NOT_LITERAL":
        return f"[^{_char(av)}]"
    if name == "ANY":
        return "(?s:.)" if flags & _DOTALL else "."
    if name == "IN":
        return _class(av)
    if name == "BRANCH":
        return "(?:" + "|".join(_seq(list(b), flags, exact) for b in av[1]) + ")"
    if name == "SUBPATTERN":
        _group, add, remove, sub = av
        if (add | remove) & ~_KNOWN_FLAGS or remove & _IGNORECASE or (add & _IGNORECASE and not flags & _IGNORECASE):
            raise Untranslatable(name)  # scoped case flags: rare, not worth the care
        inner = _seq(list(sub), (flags | add) & ~remove, exact)
        if exact is not None and _group in exact.keep:
            if exact.depth:
                raise Untranslatable("the named group inside a repeat")
            return f"(?P<{exact.keep[_group]}>{inner})"
        return "(?:" + inner + ")"
    if name == "ATOMIC_GROUP":  # matches a subset of the plain group's matches
        return "(?:" + _seq(list(av), flags) + ")"
    if name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
        lo, hi, sub = av
        if exact is not None:
            exact.depth += 1
        inner = "(?:" + _seq(list(sub), flags, exact) + ")"
        if exact is not None:
            exact.depth -= 1
        if lo > _MAX_COUNT:
            raise Untranslatable("repeat count")
        lazy = "?" if exact is not None and name == "MIN_REPEAT" else ""  # (the superset ignores it)
        if hi == _sre.MAXREPEAT or hi > _MAX_COUNT or (exact is None and hi > _COUNTED):
            if exact is not None and hi != _sre.MAXREPEAT:
                raise Untranslatable("repeat count")
            return inner + ("*" if lo == 0 else "+" if lo == 1 else f"{{{lo},}}") + lazy
        return inner + f"{{{lo},{hi}}}" + lazy
    if name in ("ASSERT", "ASSERT_NOT"):
        return ""  # a lookaround only ever removes matches
    if name == "AT":
        if exact is not None and str(av) not in ("AT_BEGINNING", "AT_BEGINNING_STRING", "AT_BOUNDARY", "AT_NON_BOUNDARY", "AT_END_STRING"):
            raise Untranslatable(str(av))
        return _at(str(av), flags)
    raise Untranslatable(name)  # GROUPREF, GROUPREF_EXISTS, ...


def _at(where: str, flags: int) -> str:
    if where == "AT_BEGINNING":
        return "(?m:^)" if flags & _MULTILINE else "^"
    if where == "AT_BEGINNING_STRING":
        return "\\A"
    if where == "AT_BOUNDARY":
        return "\\b"  # the same as Python's on ASCII text
    if where == "AT_NON_BOUNDARY":
        return "\\B"
    if where == "AT_END_STRING":
        return "\\z"
    return ""  # $: end of text or before a final newline; dropping it only adds matches


def _class(items: list[Any]) -> str:
    negate = False
    parts: list[str] = []
    #: \W, \S, \D inside a class ([a\W], or what the parser makes of a|\W): RE2 cannot
    #: nest a negated class, so the class becomes an alternation of its members
    negated: list[str] = []
    for op, av in items:
        name = str(op)
        if name == "NEGATE":
            negate = True
        elif name == "LITERAL":
            parts.append(_char(av))
        elif name == "RANGE":
            if av[1] > 127 and (av[1] - av[0] > 5000 or any(_folds_to_ascii(c) for c in range(max(128, av[0]), av[1] + 1))):
                raise Untranslatable("a range over non-ASCII letters with ASCII cases")
            parts.append(f"{_char(av[0])}-{_char(av[1])}")
        elif name == "CATEGORY" and str(av) in _CLASS:
            parts.append(_CLASS[str(av)])
        elif name == "CATEGORY" and str(av) in _NEGATED:
            negated.append(f"[^{_CLASS[_NEGATED[str(av)]]}]")
        else:
            raise Untranslatable(name)
    if negated:
        if negate:
            raise Untranslatable("negated class inside a negated class")
        members = ([f"[{''.join(parts)}]"] if parts else []) + negated
        return members[0] if len(members) == 1 else "(?:" + "|".join(members) + ")"
    if not parts:
        raise Untranslatable("empty class")
    return ("[^" if negate else "[") + "".join(parts) + "]"


class RegexSet:
    """``candidates(text)``: the indexes of the patterns that may match ``text``, or None
    when the set cannot tell (a non-ASCII text, or the scan failed)."""

    def __init__(self, patterns: Sequence[tuple[str, bool]]) -> None:
        self.covered: frozenset[int] = frozenset()
        #: (an RE2 set, the pattern index of each of its entries), ``SET_CHUNK`` patterns each
        self._sets: list[tuple[Any, list[int]]] = []
        try:
            import re2
        except ImportError:  # pragma: no cover - google-re2 is a dependency
            return
        translated = [(i, to_re2(p, cs)) for i, (p, cs) in enumerate(patterns)]
        translated = [(i, t) for i, t in translated if t is not None]
        if not translated:
            return
        options = re2.Options()
        options.max_mem = SET_MAX_MEM
        options.log_errors = False
        for start in range(0, len(translated), SET_CHUNK):
            chunk = translated[start : start + SET_CHUNK]
            found = re2.Set.SearchSet(options)
            try:
                found.Add("\\A")  # the canary: every successful scan reports it
                for _, t in chunk:
                    found.Add(t)
                found.Compile()
            except re2.error:
                self._sets = []
                return  # too big for RE2: every pattern keeps the literal prefilter
            self._sets.append((found, [-1] + [i for i, _ in chunk]))
        self.covered = frozenset(i for i, _ in translated)

    def candidates(self, text: str) -> set[int] | None:
        if not self._sets or not text.isascii():
            return None
        out: set[int] = set()
        for found, index in self._sets:
            hits = found.Match(text)
            if not hits or 0 not in hits:
                return None  # the canary is missing: the scan gave up (DFA out of memory)
            out.update(index[h] for h in hits if h)
        return out
