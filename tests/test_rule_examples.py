"""Every rule's own examples, run as self-tests (habit 3: no rule without examples)."""

from __future__ import annotations

import pytest

from mantracheck.api import Options, make_linter
from mantracheck.engine.loader import load_rules

RULES = load_rules().rules


def _fired(rule_id: str, text: str) -> list[str]:
    linter = make_linter(Options(select=(rule_id,)))
    return [f"{f.line}:{f.column} {f.match!r}" for f in linter.lint_text(text).findings if f.rule == rule_id]


def test_there_are_enough_builtin_rules() -> None:
    packs = {r.pack for r in RULES}
    assert {"courtesy", "overpromise"} <= packs
    assert len([r for r in RULES if r.pack in ("courtesy", "overpromise")]) >= 25


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.id)
def test_rule_has_good_and_bad_examples(rule) -> None:
    assert rule.good, f"{rule.id} has no good example"
    assert rule.bad, f"{rule.id} has no bad example"
    assert rule.suggestions, f"{rule.id} has no suggestion"


@pytest.mark.parametrize(
    ("rule", "text"), [(r, t) for r in RULES for t in r.bad], ids=lambda x: getattr(x, "id", None) or x[:40]
)
def test_bad_example_fires(rule, text: str) -> None:
    assert _fired(rule.id, text), f"{rule.id} did not fire on its bad example: {text!r}"


@pytest.mark.parametrize(
    ("rule", "text"), [(r, t) for r in RULES for t in r.good], ids=lambda x: getattr(x, "id", None) or x[:40]
)
def test_good_example_is_clean(rule, text: str) -> None:
    assert _fired(rule.id, text) == [], f"{rule.id} fired on its good example: {text!r}"
