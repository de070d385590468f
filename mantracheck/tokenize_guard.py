"""Keep spaCy's tokenizer linear on runs of punctuation.

spaCy peels prefixes and suffixes off a whitespace-free chunk one at a time, searching the
rest of the chunk again each time, so a long run of punctuation costs quadratic time: 8,000
``=`` take 17 s, 100,000 would take most of an hour (measured with spaCy 3.8). Such a run is
never prose. The guard cuts every run of ``RUN`` or more characters that are neither letters,
digits nor whitespace (``_`` counts as punctuation here), and every whitespace-free run of
``LONG`` or more characters, into tokens of ``CHUNK`` characters, and tokenizes the rest of
the text as before, so the Doc's text, and every offset into it, is exactly the input.
"""

from __future__ import annotations

import re
from typing import Any

RUN = 200
#: A whitespace-free run this long is cut too, whatever it holds: "a:a:a:..." is quadratic
#: as well (16,000 characters take a second), and no word is this long.
LONG = 1000
CHUNK = 32
_RUN = re.compile(rf"(?:[^\w\s]|_){{{RUN},}}|\S{{{LONG},}}")


def may_need_cutting(text: str) -> bool:
    """False when no run can be cut: both kinds are at least ``RUN`` characters without
    whitespace (``str.split`` and ``\\s`` agree on what whitespace is). A quarter of the
    time of the search itself on prose, which tries every character."""
    return len(text) >= RUN and max(map(len, text.split()), default=0) >= RUN


class GuardedTokenizer:
    """Wraps a spaCy tokenizer (``nlp.tokenizer = GuardedTokenizer(nlp.tokenizer)``)."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner

    def __call__(self, text: str) -> Any:
        if not may_need_cutting(text) or _RUN.search(text) is None:
            return self.inner(text)
        from spacy.tokens import Doc

        vocab = self.inner.vocab
        docs, pos = [], 0
        for m in _RUN.finditer(text):
            if m.start() > pos:
                docs.append(self.inner(text[pos : m.start()]))
            run = m.group()
            words = [run[i : i + CHUNK] for i in range(0, len(run), CHUNK)]
            docs.append(Doc(vocab, words=words, spaces=[False] * len(words)))
            pos = m.end()
        if pos < len(text):
            docs.append(self.inner(text[pos:]))
        doc = Doc.from_docs(docs, ensure_whitespace=False)
        assert doc.text == text
        return doc

    def __getattr__(self, name: str) -> Any:  # pipe(), vocab, rules... of the real tokenizer
        return getattr(self.inner, name)


def guard(nlp: Any) -> None:
    """Install the guard on ``nlp`` once."""
    if not isinstance(nlp.tokenizer, GuardedTokenizer):
        nlp.tokenizer = GuardedTokenizer(nlp.tokenizer)
