"""Overpromise hits for the risk score: the lint rules of the overpromise pack, run on a Doc.

The rules come from the rule engine as they are (patterns, exceptions, skip_when); nothing
is re-implemented here. Hits are clean-text spans, like the ones the lint runner sees before
it maps them back to the source.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from mantracheck.models import Severity
from mantracheck.nlp import built_on_pipelines


@dataclass(frozen=True, slots=True)
class OverpromiseHit:
    """One overpromise finding: the rule, its clean-text span and its severity."""

    rule: str
    start: int
    end: int
    severity: Severity


@dataclass(frozen=True)
class _Checker:
    rules: tuple[Any, ...]
    severities: dict[str, Severity]
    bank: Any
    cues: Any
    #: each rule with its kind's check and the pattern keys one of which must match for it
    #: to find anything (None: it runs on every text), as the lint runner plans them
    plan: tuple[tuple[Any, Any, frozenset[str] | None], ...]


_checkers: dict[tuple[str | None, str | None, tuple[str, ...]], _Checker] = built_on_pipelines({})


def _checker(packs: Sequence[str], profile: str | None, pipeline: str | None) -> _Checker:
    key = (profile, pipeline, tuple(packs))
    found = _checkers.get(key)
    if found is None:
        from mantracheck.engine.loader import load_rules
        from mantracheck.engine.matching import MatcherBank, derived_needs
        from mantracheck.engine.runner import plan_rules, select_rules
        from mantracheck.nlp import get_pipeline

        ruleset = load_rules()
        chosen_profile, rules = select_rules(ruleset, profile, select=tuple(p for p in packs if p in ruleset.packs))
        if not any(p in ruleset.packs for p in packs):
            rules = []
        pipe = get_pipeline(pipeline)
        usable = tuple(r for r in rules if not (derived_needs(r) - pipe.capabilities))
        severities = {r.id: r.severity_for(chosen_profile) for r in usable}
        found = _checkers[key] = _Checker(usable, severities, MatcherBank(pipe.nlp, usable), ruleset.cues, plan_rules(usable))
    return found


def overpromise_hits(clean: str, doc: Any, packs: Sequence[str], *, profile: str | None = None, pipeline: str | None = None) -> list[OverpromiseHit]:
    """The hits of the rules in ``packs`` (those active under ``profile``) on one text."""
    from mantracheck.engine.context import TextContext
    from mantracheck.engine.runner import runnable
    from mantracheck.text.offsets import OffsetMap

    checker = _checker(packs, profile, pipeline)
    if not checker.rules:
        return []
    ctx = TextContext(clean, doc, OffsetMap.identity(len(clean)), {}, checker.cues)
    ctx.matches = checker.bank.run(doc, ctx.normalized, ctx.table)
    hits = []
    for rule, check in runnable(checker.plan, ctx.matches):
        for hit in check(rule, ctx):
            hits.append(OverpromiseHit(rule.id, hit.start, hit.end, checker.severities[rule.id]))
    return hits
