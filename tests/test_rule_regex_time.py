"""Every built-in rule's regex (run on Python's re: see engine/regex.py) takes time linear in
the text: on runs of the characters its quantifiers could split many ways (newlines, handles,
dashes, dots...), each finishes in milliseconds at 5,000 characters, where a quadratic one
took seconds (a greeting pattern on a line of dashes, a request pattern on blank lines)."""

from __future__ import annotations

import time

import pytest

from mantracheck.engine.loader import load_rules
from mantracheck.engine.regex import compile_regex

N = 5_000
ADVERSARIAL = {
    "newlines": "\n" * N,
    "space-newlines": " \n" * (N // 2),
    "dot-newlines": ". \n" * (N // 3),
    "handles-on-lines": "@a \n" * (N // 4),
    "handles": "@ab " * (N // 4),
    "dashes": "-" * N,
    "equals": "=" * N + "\n",
    "bangs": "!" * N,
    "dots": "." * N,
    "thanks": "thanks. " * (N // 8),
    "labels": "Ab: " * (N // 4),
    "placeholders": "Placeholder, " * (N // 13),
    "words-then-question": "a " * (N // 2) + "?",
    "clauses": "If x, " * (N // 6),
    "greetings": "hi " * (N // 3),
}


def _patterns():
    for rule in load_rules(()).rules:
        for role, patterns in (("patterns", rule.patterns), *rule.extra_patterns.items()):
            for pattern in patterns:
                if pattern.type == "regex":
                    yield pytest.param(pattern, id=f"{rule.id}:{pattern.where}")


@pytest.mark.parametrize("pattern", list(_patterns()))
def test_builtin_regex_is_linear_on_adversarial_text(pattern):
    regex = compile_regex(pattern.value, pattern.case_sensitive)
    for name, text in ADVERSARIAL.items():
        started = time.perf_counter()
        for _ in regex.finditer(text):
            pass
        took = time.perf_counter() - started
        assert took < 0.5, f"{name}: {took:.2f} s on {len(text):,} characters"
