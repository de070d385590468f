"""The tokenizer guard's quick check never lets a run that must be cut through."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from mantracheck.nlp import get_pipeline
from mantracheck.tokenize_guard import CHUNK, LONG, RUN, _RUN, may_need_cutting

#: Whitespace of every kind (str.split and the regex's \s must agree on all of them).
SPACES = [" ", "\n", "\t", "\x0b", "\x1c", "\x85", "\xa0", "\u2028", "\u3000"]


@settings(max_examples=300, deadline=None)
@given(
    pieces=st.lists(
        st.one_of(
            st.sampled_from([*SPACES, "a", "Hi", "!", "_"]),
            st.builds(lambda c, k: c * k, st.sampled_from(["=", "_", "a", "!a", "-", "\u00e9"]), st.integers(RUN - 3, RUN + 3)),
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
