"""The bench corpus (bench/corpus.py): real sentences from ../shared/data, each file a function
of the seed and its number, no sentence repeated more than 50 times in 10,000 files, and a
clear refusal when the data is absent."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import pytest

from tests.conftest import ROOT, shared


@pytest.fixture(scope="module")
def corpus():
    shared("agent-replies")  # skips cleanly without the shared data
    spec = importlib.util.spec_from_file_location("bench_corpus", ROOT / "bench" / "corpus.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_each_file_depends_only_on_seed_and_number(corpus, tmp_path: Path) -> None:
    later = corpus.document(41)
    folder = corpus.write_corpus(tmp_path, 45)
    written = {p.name: p.read_text(encoding="utf-8") for p in folder.rglob("*") if p.is_file() and not p.name.startswith(".")}
    assert written == dict(corpus.document(i) for i in range(45))
    assert corpus.document(41) == later
    assert corpus.document(41, seed=1) != later


def test_the_three_kinds(corpus) -> None:
    placeholder = re.compile(r"\{\{.*?\}\}|%\{.*?\}")
    for i in range(0, 300, 3):
        reply, macro, email = (corpus.document(i + k) for k in range(3))
        assert reply[0].startswith("reply-") and reply[0].endswith(".txt")
        assert not placeholder.search(reply[1])
        assert macro[0].startswith("macro-") and placeholder.search(macro[1])
        assert email[0].startswith("email-") and email[0].endswith(".md")
        assert email[1].startswith("# ") and "]({{ unsubscribe_url }})" in email[1]
        for _, text in (reply, macro, email):
            assert 100 <= len(text.split()) <= 260, text


def test_bank_sentences_stay_whole_when_joined(corpus) -> None:
    """What makes the counts true: a sentence from a bank is one unit of the split, wherever
    it is put."""
    for name, bank in corpus.banks().items():
        if name == "slogans":  # headings and mantras, not sentences in a paragraph
            continue
        some = [s for s, _ in bank[:: max(1, len(bank) // 200)]]
        assert corpus.sentences(" ".join(some)) == some, name


def test_no_sentence_more_than_50_times_in_10000_files(corpus) -> None:
    stats = corpus.stats([corpus.document(i)[1] for i in range(10_000)])
    assert stats.max_repeat <= corpus.MAX_REPEAT == 50, stats.most_repeated
    assert stats.distinct >= 10_000
    assert stats.shares["composed"] < 0.2 * stats.sentences


def test_mantras_are_distinct_slogans(corpus) -> None:
    lines = corpus.mantras(1000).splitlines()
    slogans = {s for s, _ in corpus.banks()["slogans"]}
    assert len(lines) == len(set(lines)) == 1000
    assert set(lines) <= slogans


def test_without_the_shared_data_it_says_so_and_fails(corpus, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(corpus, "DATA", tmp_path / "absent")
    corpus.banks.cache_clear()
    try:
        with pytest.raises(corpus.MissingData, match="cannot run without it"):
            corpus.document(0)
        assert corpus.main(["--stats", "10", "--seed", "7"]) == 2
        assert f"{tmp_path / 'absent'}" in capsys.readouterr().err
        assert not (ROOT / "bench" / "corpus" / "10" / ".complete").exists() or "seed=7" not in (ROOT / "bench" / "corpus" / "10" / ".complete").read_text()
    finally:
        monkeypatch.undo()
        corpus.banks.cache_clear()
