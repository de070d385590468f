"""substitution: flag a phrase and propose its replacement (fixable)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from mantracheck.engine.context import Hit, TextContext, drop_overlaps
from mantracheck.engine.kinds import Kind, pattern_key
from mantracheck.engine.kinds.existence import KEYS as EXISTENCE_KEYS
from mantracheck.engine.kinds.existence import candidate_spans, parse_common
from mantracheck.engine.schema import Checker, Pattern, Rule, _show

KEYS = {
    **EXISTENCE_KEYS,
    "swap": "a list of mappings, each one pattern (phrase, lemma, regex or tokens) and its 'replacement'",
    "fix": "true or false: whether --fix may apply the replacement (default true)",
}


def parse(checker: Checker) -> tuple[dict[str, Any], dict[str, tuple[Pattern, ...]]]:
    options, extra = parse_common(checker)
    swap = checker.raw.get("swap")
    if not isinstance(swap, list) or not swap:
        raise checker.fail("swap", "missing; expected a list of {phrase|lemma|regex|tokens: ..., replacement: ...}")
    replacements = []
    for i, entry in enumerate(swap):
        where = f"swap[{i}]"
        if not isinstance(entry, dict) or not isinstance(entry.get("replacement"), str):
            raise checker.fail(where, "expected a mapping with a pattern and a string 'replacement'")
        pattern_fields = {k: v for k, v in entry.items() if k != "replacement"}
        extra[f"swap{i}"] = (checker.pattern(pattern_fields, where),)
        replacements.append(entry["replacement"])
    fix = checker.raw.get("fix", True)
    if not isinstance(fix, bool):
        raise checker.fail("fix", f"expected true or false, got {_show(fix)}")
    options.update(replacements=tuple(replacements), fix=fix)
    return options, extra


def match_case(replacement: str, matched: str, sentence_start: bool) -> str:
    if sentence_start and replacement[:1].islower():
        return replacement[:1].upper() + replacement[1:]
    if not sentence_start and matched[:1].islower() and replacement[:1].isupper() and not replacement[:2].isupper():
        return replacement[:1].lower() + replacement[1:]
    return replacement


def check(rule: Rule, ctx: TextContext) -> Iterable[Hit]:
    found: dict[tuple[int, int], str] = {}
    for i, replacement in enumerate(rule.options["replacements"]):
        for span in candidate_spans(rule, ctx, f"swap{i}"):
            found.setdefault(span, replacement)
    for start, end in drop_overlaps(list(found)):
        matched = ctx.clean[start:end]
        at_start = ctx.sentence_at(start)[0] == start
        replacement = match_case(found[(start, end)], matched, at_start)
        yield Hit(start, end, {"replacement": replacement}, replacement if rule.options["fix"] else None)


KIND = Kind(
    name="substitution",
    summary="flag a phrase and propose its replacement (applied by --fix)",
    keys=KEYS,
    parse=parse,
    check=check,
    needs_patterns=False,
    triggers=lambda rule: tuple(pattern_key(rule.id, f"swap{i}") for i in range(len(rule.options["replacements"]))),
    fields=("replacement",),
)
