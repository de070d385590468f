"""The rule schema: what a rule file may hold, checked once when it is loaded.

Every problem is a ``RuleError`` naming the file, the key and what was expected.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
import dataclasses
from dataclasses import dataclass, field
from typing import Any

from mantracheck.errors import RuleError, kind_of
from mantracheck.errors import shown_key as _key
from mantracheck.models import Severity
from mantracheck.nlp import CAPABILITIES

PATTERN_TYPES = ("phrase", "lemma", "regex", "tokens")
SKIP_CONDITIONS = ("negated", "hedged", "question", "conditional", "link_text")
ID_PART = re.compile(r"^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$")

COMMON_KEYS = {
    "kind": "the rule kind",
    "severity": "error, warning or info, or a mapping of profile to severity with a 'default'",
    "profiles": "a list of profile names",
    "message": "the message template",
    "description": "why the rule exists",
    "link": "a URL backing the rule",
    "needs": f"a list drawn from {', '.join(CAPABILITIES)}",
    "patterns": "a list of patterns",
    "exceptions": "a list of patterns whose matches excuse an overlapping hit",
    "suggestions": "a list of suggestions",
    "examples": "a mapping with 'good' and 'bad' lists",
    "scope": "'message' for a rule that asks something of a whole message (a greeting, a sign-off), so fragments (subject lines, partials, notices) are not asked; default 'any'",
    "profile_options": "a mapping of profile name to the rule's own keys (and patterns, exceptions) that differ in that profile, e.g. social: {min_words: 0}",
}
SCOPES = ("any", "message")


@dataclass(frozen=True, slots=True)
class Pattern:
    type: str  # phrase | lemma | regex | tokens
    value: Any
    case_sensitive: bool = False
    where: str = ""

    @property
    def display(self) -> str:
        if self.type == "tokens":
            return str(self.value)
        return str(self.value)


@dataclass(frozen=True)
class Rule:
    id: str
    pack: str
    name: str
    kind: str
    severity: Severity
    profile_severity: Mapping[str, Severity]
    profiles: frozenset[str]
    message: str
    description: str
    link: str | None
    needs: frozenset[str]
    patterns: tuple[Pattern, ...]
    exceptions: tuple[Pattern, ...]
    suggestions: tuple[str, ...]
    good: tuple[str, ...]
    bad: tuple[str, ...]
    options: Mapping[str, Any]
    path: str
    builtin: bool = True
    extra_patterns: Mapping[str, tuple[Pattern, ...]] = field(default_factory=dict)
    #: 'message': asked only of whole messages, never of fragments; 'any': of every text
    scope: str = "any"
    #: profile -> (options, patterns, extra patterns) where the profile's differ
    by_profile: Mapping[str, tuple[Mapping[str, Any], tuple[Pattern, ...], Mapping[str, tuple[Pattern, ...]]]] = field(default_factory=dict)

    def for_profile(self, profile: str | None) -> Rule:
        """The rule as it runs in ``profile`` (its ``profile_options`` applied)."""
        found = self.by_profile.get(profile) if profile else None
        if found is None:
            return self
        options, patterns, extra = found
        return dataclasses.replace(self, options=options, patterns=patterns, extra_patterns=extra, exceptions=extra.get("exceptions", ()))

    def severity_for(self, profile: str | None) -> Severity:
        if profile is not None and profile in self.profile_severity:
            return self.profile_severity[profile]
        return self.severity

    def one_line(self) -> str:
        """The first sentence of the description (for listings)."""
        text = " ".join(self.description.split())
        cut = re.search(r"(?<=[.!?])\s", text)
        return text[: cut.start()] if cut else text


class Checker:
    """Validates one rule file's raw mapping; collects typed values or raises RuleError."""

    def __init__(self, path: str, raw: Mapping[str, Any], *, trusted: bool = False) -> None:
        self.path = path
        self.raw = raw
        #: a built-in rule: its regexes may use Python-only syntax (see engine.regex)
        self.trusted = trusted

    def fail(self, key: str | None, problem: str) -> RuleError:
        return RuleError(self.path, key, problem)

    def string(self, key: str, *, required: bool = True, default: str = "") -> str:
        value = self.raw.get(key)
        if value is None:
            if required:
                raise self.fail(key, "missing; expected " + COMMON_KEYS.get(key, "a string"))
            return default
        if not isinstance(value, str) or (required and not value.strip()):
            raise self.fail(key, f"expected a non-empty string, got {_show(value)}")
        return value

    def string_list(self, key: str, *, required: bool = False, value: Any = None, where: str | None = None) -> tuple[str, ...]:
        where = where or key
        value = self.raw.get(key) if value is None else value
        if value is None:
            if required:
                raise self.fail(where, "missing; expected a list of strings")
            return ()
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            raise self.fail(where, f"expected a list of non-empty strings, got {_show(value)}")
        return tuple(value)

    def number(self, key: str, *, required: bool = False, default: float | None = None, minimum: float | None = None) -> float | None:
        value = self.raw.get(key)
        if value is None:
            if required:
                raise self.fail(key, "missing; expected a number")
            return default
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise self.fail(key, f"expected a number, got {_show(value)}")
        if minimum is not None and value < minimum:
            raise self.fail(key, f"expected a number of at least {minimum}, got a smaller one")
        return value

    def choice(self, key: str, allowed: tuple[str, ...], *, default: str | None = None) -> str:
        value = self.raw.get(key, default)
        if value not in allowed:
            raise self.fail(key, f"expected one of {', '.join(allowed)}, got {_show(value)}")
        return value  # type: ignore[return-value]

    def patterns(self, key: str, *, required: bool = False, value: Any = None) -> tuple[Pattern, ...]:
        value = self.raw.get(key) if value is None else value
        if value is None:
            if required:
                raise self.fail(key, "missing; expected a list of patterns (phrase, lemma, regex or tokens)")
            return ()
        if not isinstance(value, list) or not value:
            raise self.fail(key, f"expected a non-empty list of patterns, got {_show(value)}")
        return tuple(self.pattern(item, f"{key}[{i}]") for i, item in enumerate(value))

    def pattern(self, item: Any, where: str) -> Pattern:
        if isinstance(item, str):
            if not item.strip():
                raise self.fail(where, "an empty phrase matches nothing")
            return Pattern("phrase", item, where=where)
        if not isinstance(item, dict):
            raise self.fail(where, f"expected a phrase string or a mapping with one of {', '.join(PATTERN_TYPES)}, got {_show(item)}")
        types = [t for t in PATTERN_TYPES if t in item]
        unknown = set(item) - set(PATTERN_TYPES) - {"case_sensitive"}
        if unknown:
            raise self.fail(f"{where}.{_key(min(map(str, unknown)))}", f"unknown key; a pattern takes one of {', '.join(PATTERN_TYPES)} (and case_sensitive for regex)")
        if len(types) != 1:
            raise self.fail(where, f"expected exactly one of {', '.join(PATTERN_TYPES)}, got {', '.join(types) or 'none'}")
        kind = types[0]
        value = item[kind]
        case = item.get("case_sensitive", False)
        if not isinstance(case, bool):
            raise self.fail(f"{where}.case_sensitive", f"expected true or false, got {_show(case)}")
        if kind in ("phrase", "lemma"):
            if not isinstance(value, str) or not value.strip():
                raise self.fail(f"{where}.{kind}", f"expected a non-empty string, got {_show(value)}")
        elif kind == "regex":
            if not isinstance(value, str) or not value:
                raise self.fail(f"{where}.regex", f"expected a regular expression string, got {_show(value)}")
            from mantracheck.engine.regex import check_regex

            problem = check_regex(value, trusted=self.trusted)
            if problem:
                raise self.fail(f"{where}.regex", problem)
        else:
            if not isinstance(value, list) or not value or not all(isinstance(t, dict) for t in value):
                raise self.fail(f"{where}.tokens", f"expected a list of spaCy token specs (mappings), got {_show(value)}")
            if not self.trusted and _has_token_regex(value):
                raise self.fail(f"{where}.tokens", "REGEX in a token pattern is matched by Python's backtracking re, which a pattern can hang; use a 'regex:' pattern (matched by RE2 in linear time) or IN lists instead")
            problem = _repeat_problem(value)
            if problem:
                raise self.fail(f"{where}.tokens", problem)
        return Pattern(kind, value, case, where=where)


def _repeat_problem(pattern: list[dict[str, Any]]) -> str | None:
    """Why a token pattern's repeats could make matching slow, or None. A counted repeat is
    spelled out token by token (by spaCy too), so it may ask for at most ``MAX_REPEAT``; an
    open repeat ('*', '+', '{n,}') is bounded only where mantracheck's own token matcher runs
    the pattern (spaCy's Matcher takes time growing with the square of a run of matching
    tokens)."""
    from mantracheck.engine.token_matcher import MAX_REPEAT, OPS, counted, supported

    open_op = None
    for spec in pattern:
        op = next((v for k, v in spec.items() if str(k).upper() == "OP"), None)
        if op is not None and not isinstance(op, str):
            return f"OP must be a string such as ?, *, +, ! or {{n,m}}, got {kind_of(op)}"
        if op is None or op in OPS or op == "!":
            open_op = open_op or (op if op in ("*", "+") else None)
            continue
        bounds = counted(op)
        if bounds is None:
            return "unknown OP; expected ?, *, +, !, {n}, {n,m}, {n,} or {,m}"
        if max(bounds[0], bounds[1] or 0) > MAX_REPEAT:
            return f"OP {op} asks for more than {MAX_REPEAT} tokens, which makes matching slow and memory-hungry; use '*' or a repeat of at most {{0,{MAX_REPEAT}}}"
        if bounds[1] is None:
            open_op = open_op or op
    if open_op and not supported(pattern):
        return (
            f"an open repeat (OP {open_op}) in a pattern that spaCy's Matcher runs (it uses an attribute or operator "
            "mantracheck's token matcher does not) takes time growing with the square of the text; use a counted repeat such as {0,8}"
        )
    return None


def _has_token_regex(value: Any) -> bool:
    """Whether a spaCy token pattern uses the REGEX operator anywhere."""
    if isinstance(value, dict):
        return any((isinstance(k, str) and k.upper() == "REGEX") or _has_token_regex(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_token_regex(v) for v in value)
    return False


def _show(value: Any) -> str:
    """How an error describes a value it rejects: its kind, never the value (``kind_of``)."""
    return kind_of(value)

