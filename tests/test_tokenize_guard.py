"""The tokenizer guard: its quick check never lets a run that must be cut through, and its
seeding of spaCy's cache never changes a split."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mantracheck.nlp import get_pipeline
from mantracheck.tokenize_guard import _RUN, CHUNK, LONG, RUN, may_need_cutting

#: Whitespace of every kind (str.split and the regex's \s must agree on all of them).
SPACES = [" ", "\n", "\t", "\x0b", "\x1c", "\x85", "\xa0", "\u2028", "\u3000"]


@settings(max_examples=300, deadline=None)
@given(
    pieces=st.lists(
        st.one_of(
            st.sampled_from([*SPACES, "a", "Hi", "!", "_"]),
            st.builds(
                lambda c, k: c * k,
                st.sampled_from(["=", "_", "a", "!a", "-", "\u00e9"]),
                st.integers(RUN - 3, RUN + 3),
            ),
            st.builds(lambda k: "ab" * k, st.integers(LONG // 2 - 2, LONG // 2 + 2)),
        ),
        max_size=12,
    )
)
def test_the_quick_check_passes_every_text_the_guard_would_cut(pieces: list[str]) -> None:
    text = "".join(pieces)
    if _RUN.search(text) is not None:
        assert may_need_cutting(text)


def test_every_kind_of_whitespace_ends_a_run_for_both() -> None:
    import re
    import sys

    assert all(chr(c).isspace() == bool(re.match(r"\s", chr(c))) for c in range(sys.maxunicode + 1))


def test_a_long_run_is_cut_and_the_text_kept() -> None:
    nlp = get_pipeline().nlp
    text = "Hello " + "=" * (RUN + 10) + "\u3000" + "x" * (LONG + 5) + " bye"
    assert may_need_cutting(text)
    doc = nlp.tokenizer(text)
    assert doc.text == text
    assert max(len(t) for t in doc) == CHUNK
    assert not may_need_cutting("Hello " + "=" * (RUN - 1) + "\u2028" + "=" * (RUN - 1))


# -- the cache seeding (explosion/spaCy#13950) ---------------------------------------------
REAL_COPY = Path(__file__).resolve().parents[2] / "shared" / "data" / "real-copy"
TRICKY = [
    "I'm",
    "can't",
    "don't!",
    "(we'll)",
    "U.S.",
    "e.g.",
    ":)",
    "3pm,",
    "$20.",
    "re-open",
    "“Thanks”",
    "Hi",
    "Sam,",
    "https://a.example/x?y=1.",
    "--",
    "a/b",
    "We've",
    "’s",
    "o'clock",
]


def _tokens(doc: Any) -> list[tuple[str, int, str]]:
    return [(t.text, t.idx, t.whitespace_) for t in doc]


def _fresh() -> Any:
    import spacy

    return spacy.blank("en").tokenizer


def _pair() -> tuple[Any, Any]:
    from mantracheck.tokenize_guard import GuardedTokenizer

    return GuardedTokenizer(_fresh()), _fresh()


_PAIR = _pair()  # shared by the examples: the seeded cache fills up as they run


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.lists(st.sampled_from(TRICKY), min_size=1, max_size=4).map("".join),
        min_size=1,
        max_size=30,
    ),
    st.sampled_from([" ", "\n", "  "]),
)
def test_seeding_the_cache_never_changes_a_split(chunks: list[str], sep: str) -> None:
    seeded, plain = _PAIR
    seeded(" ".join(reversed(chunks)))  # the chunks seen before, in another Doc
    text = sep.join(chunks)
    assert _tokens(seeded(text)) == _tokens(plain(text))


def test_seeding_real_copy_splits_as_spacy_does() -> None:
    files = sorted(p for p in REAL_COPY.rglob("*") if p.is_file()) if REAL_COPY.is_dir() else []
    if not files:
        pytest.skip("../shared/data/real-copy is absent")
    from mantracheck.tokenize_guard import GuardedTokenizer

    seeded, plain = GuardedTokenizer(_fresh()), _fresh()
    texts = [p.read_text(encoding="utf-8", errors="replace")[:20_000] for p in files]
    for text in texts + texts:  # the second time round every chunk has been seeded
        if not may_need_cutting(text):
            assert _tokens(seeded(text)) == _tokens(plain(text))
    assert len(seeded.seeded) > 1000


def test_seeding_stops_at_its_limits(monkeypatch: pytest.MonkeyPatch) -> None:
    import mantracheck.tokenize_guard as guard

    monkeypatch.setattr(guard, "SEEDS", 3)
    seeded = guard.GuardedTokenizer(_fresh())
    seeded("one two " + "x" * (guard.SEED_CHARS + 1) + " three four five")
    assert len(seeded.seeded) == 3 and seeded.seeded < {"one", "two", "three", "four", "five"}  # the long chunk skipped, then full
    assert _tokens(seeded("one six")) == _tokens(_fresh()("one six"))


def test_the_guard_makes_spacys_cache_hold_what_it_seeds() -> None:
    from mantracheck.tokenize_guard import SEEDS, GuardedTokenizer

    assert _fresh().max_cache_size < SEEDS  # spaCy's default would fill and drop later seeds
    assert GuardedTokenizer(_fresh()).inner.max_cache_size == SEEDS
