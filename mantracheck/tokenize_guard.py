"""Keep spaCy's tokenizer linear on runs of punctuation.

spaCy peels prefixes and suffixes off a whitespace-free chunk one at a time, searching the
rest of the chunk again each time, so a long run of punctuation costs quadratic time: 8,000
``=`` take 17 s, 100,000 would take most of an hour (measured with spaCy 3.8). Such a run is
never prose. The guard cuts every run of ``RUN`` or more characters that are neither letters,
digits nor whitespace (``_`` counts as punctuation here), and every whitespace-free run of
``LONG`` or more characters, into tokens of ``CHUNK`` characters, and tokenizes the rest of
the text as before, so the Doc's text, and every offset into it, is exactly the input.

It also keeps spaCy's tokenizer cache working. spaCy caches how it split each
whitespace-free chunk, but once a Doc holds one special case ("I'm", "don't", "can't") it
caches no later chunk of that Doc (the flag is never reset: explosion/spaCy#13950, open), so
support copy, which has a contraction in its first lines, was split afresh almost word by
word: 1.7 ms for a 2 KB email. The guard tokenizes each chunk it has not seen before on its
own first (a one-chunk Doc, which spaCy caches unless the chunk itself is special), so the
text's own pass finds it in the cache: 0.12 ms for the same email. A chunk is split the same
way alone as inside a text (spaCy reads chunks one at a time), so the Doc is the same.
"""

from __future__ import annotations

import re
from typing import Any

RUN = 200
#: A whitespace-free run this long is cut too, whatever it holds: "a:a:a:..." is quadratic
#: as well (16,000 characters take a second), and no word is this long.
LONG = 1000
CHUNK = 32
#: Chunks up to this long are seeded into spaCy's cache; at most ``SEEDS`` of them per
#: tokenizer (past that, spaCy's own caching as before), and spaCy's cache is made that big
#: (its default, 10,000 chunks, would fill and leave later seeds tokenized twice for
#: nothing; 100,000 cost a few MB). Both go with the pipeline (``nlp.release_pipelines``).
SEED_CHARS = 40
SEEDS = 100_000
_RUN = re.compile(rf"(?:[^\w\s]|_){{{RUN},}}|\S{{{LONG},}}")


def may_need_cutting(text: str, chunks: list[str] | None = None) -> bool:
    """False when no run can be cut: both kinds are at least ``RUN`` characters without
    whitespace (``str.split`` and ``\\s`` agree on what whitespace is). A quarter of the
    time of the search itself on prose, which tries every character. ``chunks``: the text
    already split."""
    return len(text) >= RUN and max(map(len, text.split() if chunks is None else chunks), default=0) >= RUN


class GuardedTokenizer:
    """Wraps a spaCy tokenizer (``nlp.tokenizer = GuardedTokenizer(nlp.tokenizer)``)."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.seeded: set[str] = set()
        if getattr(inner, "max_cache_size", SEEDS) < SEEDS:
            inner.max_cache_size = SEEDS

    def _seed(self, chunks: list[str]) -> None:
        seeded, inner = self.seeded, self.inner
        for chunk in set(chunks).difference(seeded):
            if len(chunk) <= SEED_CHARS:
                if len(seeded) >= SEEDS:
                    return
                seeded.add(chunk)
                inner(chunk)

    def __call__(self, text: str) -> Any:
        chunks = text.split()
        self._seed(chunks)
        if not may_need_cutting(text, chunks) or _RUN.search(text) is None:
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
