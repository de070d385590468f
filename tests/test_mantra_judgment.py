"""Mantra scores that agree with people (issue 21): every example of the issue, as a leader sees it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

import mantracheck
from mantracheck.cli import cli

IMPERATIVE = "Just do it."  # a classic three-word imperative of everyday words (was memorability 4)
QUESTION = "Got milk?"  # a two-word question (was 18)
JARGON = "Our holistic paradigm optimizes scalable deliverables across verticals for stakeholder value creation."  # 12 words (was 98)
OVERPROMISE = "Guaranteed happiness, 100% of the time!"  # two overpromise errors (was 62, passing the hook's 60)
FRAGMENTS = "Listen first. Fix fast. Follow up."  # a parallel run of short fragments (was three sentences)
HOOK_BAR = 60  # the mantracheck-mantra hook's default --min-score


def report(text: str) -> mantracheck.MantraReport:
    return mantracheck.score_mantra(text)


def facts(text: str, sub: str) -> dict:
    return report(text).to_dict()["facts"][sub]


# -- face validity -------------------------------------------------------------------------
def test_the_jargon_sentence_has_twelve_words() -> None:
    assert facts(JARGON, "brevity")["words"] == 12


def test_everyday_lines_are_memorable_and_jargon_is_not() -> None:
    imperative, question, jargon = (report(t).subscore("memorability").value for t in (IMPERATIVE, QUESTION, JARGON))
    assert imperative >= 40 and question >= 40, (imperative, question)
    assert jargon <= 60, jargon
    assert imperative > jargon and question > jargon
    assert report(IMPERATIVE).score > report(JARGON).score + 40


def test_an_instruction_is_measured() -> None:
    assert facts(IMPERATIVE, "memorability")["instruction"] == "do"
    assert facts("Think different.", "memorability")["instruction"] == "think"
    # the first word of "People serving people" is its subject, not an instruction
    assert facts("People serving people.", "memorability")["instruction"] == ""


# -- tense from the lemmatizer and the dictionary --------------------------------------------
@pytest.mark.parametrize("text", ["We exceed expectations.", "Together we succeed.", "Proceed with care.", "We exceed, succeed and proceed."])
def test_exceed_succeed_proceed_are_not_past_tense(text: str) -> None:
    r = report(text)
    assert r.to_dict()["facts"]["memorability"]["past_tense_words"] == []
    assert not any("past tense" in s for s in r.suggestions)


def test_past_forms_come_from_the_dictionary() -> None:
    assert facts("We exceeded expectations and went home.", "memorability")["past_tense_words"] == ["exceeded", "went"]
    assert facts("We need red beds.", "memorability")["past_tense_words"] == []  # -ed endings, no past forms
    assert facts("We are here.", "memorability")["past_tense_words"] == []


# -- overpromises cap the score below the hook's bar ----------------------------------------
def test_an_overpromise_caps_the_score_below_the_hooks_bar() -> None:
    r = report(OVERPROMISE)
    assert [o.split(" (")[1] for o in r.to_dict()["facts"]["focus"]["overpromises"]] == ["overpromise.guarantee, error)", "overpromise.hundred-percent, error)"]
    assert r.score < HOOK_BAR
    assert r.to_dict()["facts"]["focus"]["score_cap"] < HOOK_BAR
    assert facts("People serving people.", "focus")["score_cap"] == 100  # no overpromise, no cap


def test_the_hooks_command_fails_an_overpromising_mantra(tmp_path: Path) -> None:
    mantra = tmp_path / "MANTRA"
    mantra.write_text(OVERPROMISE + "\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["mantra", "--files", "--min-score", str(HOOK_BAR), str(mantra)])
    assert result.exit_code == 1
    assert f"below the minimum of {HOOK_BAR}" in result.output


# -- a run of short fragments is one line ----------------------------------------------------
def test_a_run_of_short_fragments_is_one_line() -> None:
    r = report(FRAGMENTS)
    brevity = r.to_dict()["facts"]["brevity"]
    assert brevity["sentences"] == 1 and brevity["fragments"] == ["Listen first.", "Fix fast.", "Follow up."]
    assert r.subscore("brevity").value == 100
    assert not any(s.startswith("make it one sentence") for s in r.suggestions)
    assert "a run of 3 short fragments" in r.to_dict()["facts"]["memorability"]["parallel"]
    assert r.subscore("brevity").value == report("Listen first, fix fast, follow up.").subscore("brevity").value


def test_long_sentences_are_still_counted() -> None:
    r = report("We answer every call. We fix what broke before the customer notices it.")
    assert r.to_dict()["facts"]["brevity"]["sentences"] == 2 and r.to_dict()["facts"]["brevity"]["fragments"] == []
    assert "make it one sentence (it has 2)" in r.suggestions


# -- word familiarity ------------------------------------------------------------------------
def test_excellence_is_not_a_rare_word() -> None:
    assert facts("Excellence.", "simplicity")["rare_words"] == []
    assert not any("rare word" in s for s in report("Excellence.").suggestions)
    assert facts("Kindness first.", "simplicity")["rare_words"] == []


# -- plain words in text output, figures in JSON ---------------------------------------------
def test_text_output_speaks_plainly() -> None:
    out = CliRunner().invoke(cli, ["mantra", "People serving people.", "Think different.", JARGON]).output
    assert "easy to say: 6 beats, stress on 1, 3 and 5" in out
    assert "common words" in out and "repeats 'people'" in out
    assert "word logprob" not in out and "stress pattern" not in out
    assert not re.search(r"[/x]{2,}", out.replace("x x", "")), "stress marks in the text output"
    assert not re.search(r"^  \w+ \d+: *$", out, re.MULTILINE), "an empty facts line"
    assert "  focus 40: does not say who it serves or what you do for them" in out


def test_json_keeps_the_figures() -> None:
    mem = facts("People serving people.", "memorability")
    assert mem["stress_pattern"] == "/x /x /x" and isinstance(mem["word_logprob"], float)


def test_the_famous_brands_were_chosen_from_a_ranking() -> None:
    """eval/famous_brands.txt: Interbrand's 100 Best Global Brands 2023, ranks 1 to 100."""
    path = Path(__file__).resolve().parent.parent / "eval" / "famous_brands.txt"
    ranks = [int(line.split("\t")[0]) for line in path.read_text(encoding="utf-8").splitlines() if line[:1].isdigit()]
    assert ranks == list(range(1, 101))
    assert "Interbrand" in path.read_text(encoding="utf-8")
