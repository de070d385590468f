"""The metric measures that scan the text with a regex find what their defining patterns
find (they search with faster equivalents)."""

from __future__ import annotations

import re
from types import SimpleNamespace
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from mantracheck.engine.measures import caps_word_length, exclamation_run

#: The patterns the measures are defined by.
CAPS_WORD = re.compile(r"(?<![\w'’-])[A-Z][A-Z'’-]*[A-Z](?![\w'’-])")
BANG_RUN = re.compile(r"[!?]*![!?]*")

PIECES = ["A", "B", "Z", "a", "z", "1", "_", "'", "\u2019", "-", " ", "!", "?", ".", "\n", "\u00c9", "PLEASE", "FREE!!", "?!", "ok", "é"]


def _ctx(text: str) -> Any:
    return SimpleNamespace(clean=text)


@settings(max_examples=1500, deadline=None)
@given(pieces=st.lists(st.sampled_from(PIECES), max_size=40))
def test_caps_and_bang_measures_match_their_defining_patterns(pieces: list[str]) -> None:
    text = "".join(pieces)
    assert list(caps_word_length(_ctx(text))) == [(m.start(), m.end(), sum(c.isalpha() for c in m.group())) for m in CAPS_WORD.finditer(text)]
    assert list(exclamation_run(_ctx(text))) == [(m.start(), m.end(), m.end() - m.start()) for m in BANG_RUN.finditer(text)]


def test_examples() -> None:
    assert list(caps_word_length(_ctx("Please CALL US-NOW, aBC and O'NEIL! I"))) == [(7, 11, 4), (12, 18, 5), (28, 34, 5)]
    assert list(exclamation_run(_ctx("Hi?? Now!! Really?!"))) == [(8, 10, 2), (17, 19, 2)]
