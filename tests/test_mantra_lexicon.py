"""The word frequency table and the overpromise hits of the scores, against plain references:
the table built a list at a time against one built an entry at a time, and the overpromise
rules skipped where none of their patterns matched against every rule run."""

from __future__ import annotations

import gzip
import re
from pathlib import Path

import pytest

from mantracheck.scoring import mantra_lexicon
from mantracheck.scoring.mantra_lexicon import FrequencyTable, frequency_table

_ENTRY = re.compile(rb'^\s*"((?:[^"\\]|\\.)*)":\s*(-?[0-9.]+(?:[eE][-+]?[0-9]+)?),?\s*$', re.MULTILINE)


def reference_table(path: Path, max_rank: int) -> FrequencyTable:
    """The definition, one entry at a time: the first ``max_rank`` entries in file order; a
    word (lower case) keeps the value of its first form, and is a name when that form has a
    capital first letter and is not all capitals; the floor is the last entry's value."""
    table: dict[str, float] = {}
    capitalised: set[str] = set()
    last, entries = 0.0, 0
    for match in _ENTRY.finditer(gzip.decompress(path.read_bytes())):
        if entries >= max_rank:
            break
        entries += 1
        last = float(match.group(2))
        form = match.group(1).decode("utf-8", "replace")
        word = form.lower()
        if word not in table:
            table[word] = last
            if len(form) > 1 and form[0].isupper() and not form.isupper():
                capitalised.add(word)
    return FrequencyTable(table, last, f"spacy-lookups-data en_lexeme_prob (top {entries} entries)", frozenset(capitalised))


def built(max_rank: int) -> FrequencyTable:
    return frequency_table.__wrapped__(max_rank)  # type: ignore[attr-defined]  # not the cached one


TRICKY = [
    (".", -3.0), ("The", -3.5), ("the", -3.6), ("THE", -3.7),  # capital first: a name? no, "The" is first
    ("apple", -4.0), ("Apple", -4.1),  # lower case first: not a name
    ("Perrier", -5.0), ("perrier", -5.1),  # capital first: a name
    ("NASA", -5.2), ("nasa", -5.3),  # all capitals first: not a name
    ("I", -5.4), ("A", -5.5), ("a", -5.6),  # one letter: never a name
    ("\\n\\n", -6.0), ('\\"', -6.1), ("say \\\"hi\\\"", -6.2), ("back\\\\slash", -6.3),  # escapes kept as written
    ("ΟΔΟΣ", -7.0), ("Σ", -7.1), ("ΑΣ", -7.2), ("σ", -7.3),  # final sigma: lower-cased form by form
    ("İstanbul", -7.4), ("Straße", -7.5), ("STRASSE", -7.6), ("café", -7.7), ("Café", -7.8),
    ("K", -7.9), ("k", -8.0),  # the Kelvin sign lower-cases to k
    ("x", -1e-05), ("y", -2.5E+01),  # exponents
]


def write_table(path: Path, entries: list[tuple[str, float]], *, extra_lines: tuple[bytes, ...] = ()) -> Path:
    body = b"{\n" + b"".join(f'  "{form}":{value!r},\n'.encode() for form, value in entries) + b"".join(extra_lines) + b'  "last":-20.0\n}\n'
    path.write_bytes(gzip.compress(body))
    return path


@pytest.mark.parametrize("max_rank", [1, 2, 5, 17, len(TRICKY), len(TRICKY) + 5, 10**6])
def test_table_equals_the_entry_by_entry_definition_on_tricky_forms(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, max_rank: int) -> None:
    path = write_table(tmp_path / "prob.json.gz", TRICKY, extra_lines=(b"\n", b'   "spaced"  :  -9.5 ,  \n', b'  "not a number":"x",\n'))
    monkeypatch.setattr(mantra_lexicon, "_prob_file", lambda: path)
    got, want = built(max_rank), reference_table(path, max_rank)
    assert (got.logprob, got.floor, got.source, got.capitalised) == (want.logprob, want.floor, want.source, want.capitalised)
    if max_rank >= 10:
        assert "perrier" in got.capitalised and "the" in got.capitalised and "apple" not in got.capitalised
        assert "nasa" not in got.capitalised and "a" not in got.capitalised


def test_table_spans_chunks_of_the_compressed_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # entries enough for several 256 KiB reads, with forms that repeat in other casings far apart
    entries = [(f"Word{i % 5000}" if i % 3 else f"word{i % 5000}", -float(i) / 1000) for i in range(60000)]
    path = write_table(tmp_path / "prob.json.gz", entries)
    monkeypatch.setattr(mantra_lexicon, "_prob_file", lambda: path)
    assert path.stat().st_size > 1 << 18  # more than one read of the compressed file
    for max_rank in (4999, 5000, 5001, 59999, 60000, 60001):
        got, want = built(max_rank), reference_table(path, max_rank)
        assert (got.logprob, got.floor, got.source, got.capitalised) == (want.logprob, want.floor, want.source, want.capitalised)


@pytest.mark.parametrize("max_rank", [1, 1000, 150000])
def test_table_equals_the_definition_on_the_installed_file(max_rank: int) -> None:
    got, want = built(max_rank), reference_table(mantra_lexicon._prob_file(), max_rank)
    assert (got.logprob, got.floor, got.source, got.capitalised) == (want.logprob, want.floor, want.source, want.capitalised)
    assert len(got.logprob) > 0.5 * max_rank


# -- overpromise hits: rules skipped where none of their patterns matched -------------------
def test_overpromise_hits_skip_only_rules_that_cannot_fire(no_network: None) -> None:
    from mantracheck.engine.context import TextContext
    from mantracheck.engine.kinds import KINDS
    from mantracheck.engine.loader import load_rules
    from mantracheck.nlp import get_pipeline
    from mantracheck.scoring.courtesy_overpromise import _checker, overpromise_hits
    from mantracheck.text.offsets import OffsetMap

    packs = ("overpromise",)
    checker = _checker(packs, None, None)
    assert checker.rules and any(triggers is not None for _, _, triggers in checker.plan)
    texts = [example for rule in load_rules().rules if rule.pack == "overpromise" for example in (*rule.good, *rule.bad)]
    texts += ["We guarantee it will be fixed within the hour, 100%.", "Thanks for waiting.", ""]
    nlp = get_pipeline(None).nlp
    flagged = 0
    for text in texts:
        doc = nlp(text)
        got = [(h.rule, h.start, h.end) for h in overpromise_hits(text, doc, packs)]
        ctx = TextContext(text, doc, OffsetMap.identity(len(text)), {}, checker.cues)
        ctx.matches = checker.bank.run(doc, ctx.normalized)
        every = [(rule.id, hit.start, hit.end) for rule in checker.rules for hit in KINDS[rule.kind].check(rule, ctx)]
        assert got == every, text
        flagged += bool(got)
    assert flagged >= len(texts) // 3  # the bad examples are flagged: the comparison is not empty


# -- pronunciation: searched for word by word, then indexed -------------------------------
def test_a_searched_word_has_the_phones_the_index_gives(no_network: None) -> None:
    from mantracheck.scoring.mantra_lexicon import _cmu_index, _cmu_search, _cmu_text

    index = _cmu_index()
    heads = [line.partition(" ")[0] for line in _cmu_text().splitlines()]
    assert len(heads) == len(set(heads))  # one line a word: a search finds the index's line
    keys = list(index)
    words = keys[:3] + keys[-3:] + keys[:: max(1, len(keys) // 400)]
    words += ["read", "read(2)", "a(2)", "people", "peopl", "peoples", "PEOPLE", "", " ", "a b", "the\n", "zorblat", "album", "AH0"]
    words += [h for h in heads if "(" in h][:5] + [h.split("(")[0] for h in heads if "(" in h][:5]
    commented = [line.partition(" ")[0] for line in _cmu_text().splitlines() if "#" in line and "(" not in line.partition(" ")[0]][:3]
    assert commented  # entries with a trailing comment are among them
    for word in words + commented:
        assert _cmu_search(word) == index.get(word), word


def test_lookups_switch_to_the_index_after_some_searches(monkeypatch: pytest.MonkeyPatch, no_network: None) -> None:
    from mantracheck.scoring import mantra_lexicon as lexicon

    searched: list[str] = []
    real_search = lexicon._cmu_search
    monkeypatch.setattr(lexicon, "_cmu_search", lambda w: searched.append(w) or real_search(w))
    monkeypatch.setattr(lexicon, "_index", None)
    monkeypatch.setattr(lexicon, "_searches", 0)
    monkeypatch.setattr(lexicon, "SEARCHES_BEFORE_INDEX", 3)
    words = ["people", "serving", "zorblat", "love", "most", "like"]
    got = [lexicon._cmu_lookup(w) for w in words]
    assert searched == words[:3] and lexicon._index is not None
    assert got == [lexicon._cmu_index().get(w) for w in words] and got[0] == "P IY1 P AH0 L" and got[2] is None
