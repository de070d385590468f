"""existence: flag each match of the patterns, unless excused."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from mantracheck.engine.context import Hit, TextContext, drop_overlaps
from mantracheck.engine.kinds import Kind, pattern_key
from mantracheck.engine.schema import SKIP_CONDITIONS, Checker, Pattern, Rule

KEYS = {
    "skip_when": f"a list drawn from {', '.join(SKIP_CONDITIONS)}: excuse a match in such a sentence",
    "unless_sentence": "patterns: excuse a match whose sentence also matches one of these",
}


def parse_common(checker: Checker) -> tuple[dict[str, Any], dict[str, tuple[Pattern, ...]]]:
    skip = checker.string_list("skip_when")
    for i, condition in enumerate(skip):
        if condition not in SKIP_CONDITIONS:
            raise checker.fail(f"skip_when[{i}]", f"expected one of {', '.join(SKIP_CONDITIONS)}")
    extra: dict[str, tuple[Pattern, ...]] = {}
    if "unless_sentence" in checker.raw:
        extra["unless"] = checker.patterns("unless_sentence", required=True)
    return {"skip_when": skip}, extra


def candidate_spans(rule: Rule, ctx: TextContext, role: str = "patterns") -> list[tuple[int, int]]:
    """Pattern matches minus those excused by exceptions, skip conditions and sentence rules."""
    out = []
    exceptions = pattern_key(rule.id, "exceptions")
    unless = pattern_key(rule.id, "unless")
    for start, end in ctx.spans(pattern_key(rule.id, role)):
        if ctx.overlaps(start, end, exceptions):
            continue
        if ctx.excused(start, end, rule.options.get("skip_when", ())):
            continue
        if "unless" in rule.extra_patterns and ctx.in_same_sentence(start, unless):
            continue
        out.append((start, end))
    return out


def check(rule: Rule, ctx: TextContext) -> Iterable[Hit]:
    for start, end in drop_overlaps(candidate_spans(rule, ctx)):
        yield Hit(start, end)


KIND = Kind(
    name="existence",
    summary="flag each match of the patterns (unless negated, hedged or excepted, where the rule says so)",
    keys=KEYS,
    parse=parse_common,
    check=check,
    triggers=lambda rule: (pattern_key(rule.id),),
)
