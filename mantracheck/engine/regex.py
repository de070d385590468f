"""Rule regexes: checked when loaded and compiled in one place.

Patterns from your own rule packs are matched with RE2 (``google-re2``), which runs in time
linear in the text whatever the pattern, so no rule file can hang a run with catastrophic
backtracking such as ``(a+)+$``. RE2 has no lookarounds and no backreferences, and its ``\\w``,
``\\d`` and ``\\b`` are ASCII-only (use ``\\pL`` for any letter); a pattern it cannot run is
refused when the pack is loaded, naming the file and the key. The built-in packs' patterns
are part of mantracheck (reviewed, and run against their examples in the test suite) and use
Python's ``re`` for its lookarounds.

Why not a time limit per text: Python's ``re`` cannot be interrupted from Python, so a limit
needs a subprocess per match, and a limit makes findings depend on how busy the machine is.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache
from typing import Any

try:  # the regex parser: re._parser since 3.11, sre_parse before
    from re import _parser as _sre  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover
    import sre_parse as _sre  # type: ignore[no-redef]

#: The span a regex reports can be narrowed with a group of this name: (?P<m>...).
MATCH_GROUP = "m"
MAX_LENGTH = 2000
#: Memory RE2 may use for one compiled pattern (its default is 8 MiB).
RE2_MAX_MEM = 32 << 20

#: Patterns of the built-in packs: matched with Python's re (see the module docstring).
_TRUSTED: set[str] = set()


def _re2() -> Any:
    try:
        import re2
    except ImportError:  # pragma: no cover - google-re2 is a dependency
        return None
    return re2


def check_regex(pattern: str, *, trusted: bool = False) -> str | None:
    """Why ``pattern`` cannot be used, or None. ``trusted`` patterns (the built-in packs')
    may use Python-only syntax; every other one must run on RE2."""
    if len(pattern) > MAX_LENGTH:
        return f"regex is {len(pattern)} characters long; the limit is {MAX_LENGTH}"
    if trusted:
        # Checked by the test suite (tests/test_matching.py), not at every start, where
        # compiling all of them was a third of loading the rules; each is compiled the first
        # time a text can match it.
        _TRUSTED.add(pattern)
        return None
    return regex_problem(pattern)


def regex_problem(pattern: str, engine: str = "re2") -> str | None:
    """Why ``pattern`` is not usable on ``engine`` ("re2" or "re"), or None."""
    try:
        compiled: Any = re.compile(pattern)
    except re.error as exc:
        return f"invalid regular expression: {exc}"
    if engine == "re2":
        re2 = _re2()
        if re2 is None:  # pragma: no cover
            return "the regex engine for rule packs (google-re2) is not installed; reinstall mantracheck"
        try:
            compiled = compile_re2(pattern, True)
        except re2.error as exc:
            return f"not supported by RE2, the linear-time engine that runs your own regexes ({_re2_reason(exc)}); lookarounds and backreferences are not available"
    empty = compiled.search("x")
    if empty is not None and empty.end() == 0 and compiled.match("") is not None:
        return "regex matches the empty string; it would flag every position"
    return None


@lru_cache(maxsize=1024)
def parsed_regex(pattern: str, case_sensitive: bool = False) -> Any:
    """``pattern`` as Python's regex parser reads it (with IGNORECASE unless case-sensitive),
    parsed once for the readers of its structure (the literal and RE2-set prefilters); they
    only read the tree. Raises what the parser raises."""
    return _sre.parse(pattern, 0 if case_sensitive else re.IGNORECASE)


def _re2_reason(exc: Exception) -> str:
    reason = exc.args[0] if exc.args else str(exc)
    return reason.decode("utf-8", "replace") if isinstance(reason, bytes) else str(reason)


def compile_re2(pattern: str, case_sensitive: bool, dot_all: bool = False) -> Re2Pattern:
    """``pattern`` on RE2 (linear time), with ``re.Pattern``'s API; raises RE2's error."""
    re2 = _re2()
    options = re2.Options()
    options.case_sensitive = case_sensitive
    options.dot_nl = dot_all
    options.log_errors = False
    options.max_mem = RE2_MAX_MEM
    return Re2Pattern(re2.compile(pattern, options))


@lru_cache(maxsize=4096)
def compile_regex(pattern: str, case_sensitive: bool = False) -> Any:
    """A compiled pattern with ``finditer`` and ``groupindex`` (``re.Pattern`` or RE2)."""
    if pattern not in _TRUSTED and _re2() is not None:
        try:
            return compile_re2(pattern, case_sensitive)
        except _re2().error:
            pass  # Python-only syntax: only a built-in pattern gets past check_regex with it
    return re.compile(pattern, 0 if case_sensitive else re.IGNORECASE)


class Re2Pattern:
    """RE2 with the part of ``re.Pattern``'s API the matcher uses (group names in ``span``)."""

    def __init__(self, compiled: Any) -> None:
        self._compiled = compiled
        self.groupindex: dict[str, int] = dict(compiled.groupindex)
        self.pattern: str = compiled.pattern

    @property
    def raw(self) -> Any:
        """The ``re2`` package's own pattern (its matches span bytes when given bytes)."""
        return self._compiled

    def finditer(self, text: str) -> Iterator[Re2Match]:
        for match in self._compiled.finditer(text):
            yield Re2Match(match, self.groupindex)

    def search(self, text: str, pos: int = 0) -> Re2Match | None:
        match = self._compiled.search(text, pos)
        return None if match is None else Re2Match(match, self.groupindex)

    def match(self, text: str) -> Re2Match | None:
        match = self._compiled.match(text)
        return None if match is None else Re2Match(match, self.groupindex)


class Re2Match:
    __slots__ = ("_match", "_names")

    def __init__(self, match: Any, names: dict[str, int]) -> None:
        self._match = match
        self._names = names

    def _index(self, group: int | str) -> int:
        return self._names[group] if isinstance(group, str) else group

    def span(self, group: int | str = 0) -> tuple[int, int]:
        return self._match.span(self._index(group))  # type: ignore[no-any-return]

    def group(self, group: int | str = 0) -> str | None:
        return self._match.group(self._index(group))  # type: ignore[no-any-return]

    def start(self, group: int | str = 0) -> int:
        return self.span(group)[0]

    def end(self, group: int | str = 0) -> int:
        return self.span(group)[1]

