"""The mantra score through the API and the CLI: exact facts, ranking, outputs, exit codes."""

from __future__ import annotations

import csv
import io
import json

import pytest
from click.testing import CliRunner

import mantracheck
from mantracheck.cli import cli
from mantracheck.cli.mantra import candidates_in
from mantracheck.scoring.mantra_lexicon import pronounce, spelled_syllables
from tests.conftest import run_cli

GOOD = "People serving people like those we love the most."
BAD = "Our mission is to leverage best-in-class synergies to holistically deliver world-class stakeholder value across all verticals."
SUBSCORES = ["brevity", "simplicity", "memorability", "focus"]


def facts(text: str, sub: str) -> dict:
    return mantracheck.score_mantra(text).to_dict()["facts"][sub]


# -- pronunciation and frequency, offline ----------------------------------------------------
def test_pronunciation_comes_from_the_cmu_dictionary(no_network: None) -> None:
    people = pronounce("people")
    assert people.phones == ("P", "IY1", "P", "AH0", "L")
    assert (people.syllables, people.stresses, people.spelled) == (2, "10", False)
    assert pronounce("vague").rhyme == pronounce("haig").rhyme == ("EY", "G")
    assert pronounce("smile").onset == "S" and pronounce("apple").onset is None


def test_unknown_words_fall_back_to_spelling(no_network: None) -> None:
    word = pronounce("zorblat")
    assert word.spelled and word.syllables == 2 and word.onset == "Z"
    assert spelled_syllables("snorkelize") == 3
    assert facts("Zorblat helps people.", "brevity")["syllables_from_spelling"] == ["zorblat"]


# -- facts for known inputs ------------------------------------------------------------------
def test_brevity_facts_of_the_example(no_network: None) -> None:
    report = mantracheck.score_mantra(GOOD)
    assert report.to_dict()["facts"]["brevity"] == {"words": 9, "syllables": 12, "characters": 50, "sentences": 1, "fragments": [], "syllables_from_spelling": []}
    assert report.subscore("brevity").value < 100  # one word over the 2-8 target
    assert "cut 1 word: the strongest mantras run 2-8 words" in report.suggestions


def test_repetition_focus_and_actions(no_network: None) -> None:
    mem = facts(GOOD, "memorability")
    assert mem["repetition"] == ["people x2"]
    focus = facts(GOOD, "focus")
    assert focus["people"] == ["people"] and "serving" in focus["actions"]
    assert focus["overpromises"] == [] and focus["about_us"] == []
    assert mantracheck.score_mantra(GOOD).subscore("focus").value == 100


def test_sound_devices_are_measured_from_pronunciation(no_network: None) -> None:
    assert facts("Don't be vague, ask for Haig.", "memorability")["end_rhyme"] == ["vague / haig"]
    assert facts("Serve with a smile, solve with a song.", "memorability")["alliteration"] == ["s: serve, smile, solve, song"]
    # "Knowledge" and "nurture" alliterate by sound (n), "know" and "kind" do not
    assert facts("Knowledge that nurtures.", "memorability")["alliteration"] == ["n: knowledge, nurtures"]
    assert facts("Know kind people.", "memorability")["alliteration"] == []
    parallel = facts("We are Ladies and Gentlemen serving Ladies and Gentlemen.", "memorability")["parallel"]
    assert parallel == ["repeated phrase: ladies and gentlemen"]
    # three short sentences opening alike: parallel clauses, and a run of fragments (one line)
    assert facts("Better taste. Better nutrition. Better eggs.", "memorability")["parallel"] == ["clauses open alike: better", "a run of 3 short fragments"]


def test_word_choice_cues(no_network: None) -> None:
    mem = facts("He said she was a hero.", "memorability")
    assert (mem["indefinite_articles"], mem["third_person_pronouns"], mem["personal_pronouns"], mem["past_tense"]) == (1, 2, 2, 2)


def test_jargon_long_and_rare_words(no_network: None) -> None:
    report = mantracheck.score_mantra(BAD)
    simp = report.to_dict()["facts"]["simplicity"]
    assert simp["jargon"][:3] == ["leverage -> use", "best-in-class -> (drop)", "synergies -> teamwork"]
    assert "holistically -> (drop)" in simp["jargon"]
    assert "holistically" in simp["long_words"] and simp["rare_words"] == ["holistically", "stakeholder"]
    assert report.subscore("simplicity").value == 0
    assert "'leverage' -> 'use'" in report.suggestions
    assert "drop 'holistically': it is jargon and the line reads as well without it" in report.suggestions
    assert "cut 8 words: the strongest mantras run 2-8 words" in report.suggestions


def test_names_are_not_unfamiliar_words(no_network: None) -> None:
    simp = facts("Don't be vague, ask for Haig.", "simplicity")
    assert simp["names"] == ["Haig"] and simp["rare_words"] == [] and simp["familiar_words"] == 1.0
    # sentence-initial, but most often written with a capital in the frequency table
    assert facts("Perrier. Precious water.", "simplicity")["names"] == ["Perrier"]
    # a rare word at the start of a sentence is still a rare word
    assert facts("Unforgettable.", "simplicity")["rare_words"] == ["unforgettable"]


def test_a_plural_is_as_familiar_as_its_lemma(no_network: None) -> None:
    assert facts("Sensational in salads.", "simplicity")["rare_words"] == ["sensational"]


def test_focus_passive_hedge_about_us_and_overpromises(no_network: None) -> None:
    assert facts("Customers are served by us.", "focus")["passive"] == ["are served"]
    assert facts("We try to help customers.", "focus")["hedges"] == ["try"]
    assert facts(BAD, "focus")["about_us"] == ["our mission"]
    report = mantracheck.score_mantra("We guarantee happy customers.")
    assert report.to_dict()["facts"]["focus"]["overpromises"] == ["We guarantee (overpromise.guarantee, error)"]
    assert any(s.startswith("'We guarantee' (overpromise.guarantee):") for s in report.suggestions)
    assert report.subscore("focus").value < mantracheck.score_mantra("We delight happy customers.").subscore("focus").value


def test_report_shape_and_types() -> None:
    report = mantracheck.score_mantra(GOOD)
    assert isinstance(report, mantracheck.MantraReport)
    data = report.to_dict()
    assert list(data) == ["text", "score", "subscores", "facts", "suggestions"]
    assert list(data["subscores"]) == SUBSCORES == list(data["facts"])
    assert all(isinstance(v, int) and 0 <= v <= 100 for v in data["subscores"].values())
    with pytest.raises(AttributeError):
        report.score = 5  # type: ignore[misc]


# -- ranking ---------------------------------------------------------------------------------
def test_the_example_ranks_far_above_the_jargon(no_network: None) -> None:
    ranked = mantracheck.rank_mantras([BAD, GOOD])
    assert [r.text for r in ranked] == [GOOD, BAD]
    assert [r.index for r in ranked] == [1, 0]
    good, bad = ranked
    assert good.score - bad.score >= 40
    for name in ("brevity", "simplicity", "focus"):
        assert good.subscore(name).value > bad.subscore(name).value + 30, name


def test_ties_keep_the_input_order() -> None:
    ranked = mantracheck.rank_mantras(["We help people.", "Something else entirely here.", "We help people."])
    same = [r.index for r in ranked if r.text == "We help people."]
    assert same == [0, 2]


def test_batch_and_single_scores_agree() -> None:
    texts = [GOOD, BAD, "Eat fresh.", "We try to help customers."]
    batch = {r.text: r.to_dict() for r in mantracheck.rank_mantras(texts)}
    assert all(batch[t] == mantracheck.score_mantra(t).to_dict() for t in texts)


# -- the command line -------------------------------------------------------------------------
def test_cli_ranks_and_explains() -> None:
    result = CliRunner().invoke(cli, ["mantra", GOOD, BAD])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].split() == ["rank", "score", *SUBSCORES, "text"]
    assert lines[1].split()[0] == "1" and lines[1].endswith(GOOD)
    assert lines[2].split()[0] == "2" and lines[2].endswith(BAD)
    # the facts in plain words (the measured figures are in the JSON)
    assert "  simplicity 0: " in result.output and "jargon: 'leverage' (say 'use')" in result.output
    assert "word logprob" not in result.output and "stress pattern" not in result.output
    assert "  suggestion: 'leverage' -> 'use'" in result.output


def test_cli_json_is_one_object_per_line(tmp_path) -> None:
    path = tmp_path / "candidates.txt"
    path.write_text(f"# our candidates\n{BAD}\n\n- {GOOD}\n\"Eat fresh.\"\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["mantra", "--format", "json", "--file", str(path)])
    assert result.exit_code == 0, result.output
    objects = [json.loads(line) for line in result.output.splitlines()]
    assert len(objects) == 3
    for i, obj in enumerate(objects, 1):
        assert set(obj) == {"rank", "line", "file", "text", "score", "subscores", "facts", "suggestions"}
        assert obj["rank"] == i and list(obj["subscores"]) == SUBSCORES and list(obj["facts"]) == SUBSCORES
        assert obj["file"] == str(path)
    assert {o["text"]: o["line"] for o in objects} == {BAD: 2, GOOD: 4, "Eat fresh.": 5}  # lines of the file
    assert objects[-1]["text"] == BAD


def test_cli_csv() -> None:
    result = CliRunner().invoke(cli, ["mantra", "--format", "csv", GOOD, BAD])
    rows = list(csv.reader(io.StringIO(result.output)))
    assert rows[0] == ["rank", "line", "score", *SUBSCORES, "text", "suggestions", "file"]
    assert [r[0] for r in rows[1:]] == ["1", "2"] and rows[1][7] == GOOD and rows[2][1] == "2"
    assert "'leverage' -> 'use'" in rows[2][8].split(" | ")


def test_cli_reads_standard_input() -> None:
    result = CliRunner().invoke(cli, ["mantra", "--format", "json", "--file", "-"], input=f"{GOOD}\n{BAD}\n")
    assert [json.loads(x)["text"] for x in result.output.splitlines()] == [GOOD, BAD]


def test_min_score_gate() -> None:
    passed = CliRunner().invoke(cli, ["mantra", "--min-score", "50", GOOD])
    assert passed.exit_code == 0
    failed = CliRunner().invoke(cli, ["mantra", "--min-score", "50", GOOD, BAD])
    assert failed.exit_code == 1
    assert f"mantracheck: mantra 2 scores {mantracheck.score_mantra(BAD).score}, below the minimum of 50" in failed.output


def test_usage_errors_exit_2(tmp_path) -> None:
    empty = CliRunner().invoke(cli, ["mantra"])
    assert empty.exit_code == 2 and "no candidates" in empty.output
    missing = CliRunner().invoke(cli, ["mantra", "--file", str(tmp_path / "nope.txt")])
    assert missing.exit_code == 2 and "nope.txt: no such file" in missing.output
    blank = tmp_path / "blank.txt"
    blank.write_text("\n# only a heading\n\n", encoding="utf-8")
    assert CliRunner().invoke(cli, ["mantra", "--file", str(blank)]).exit_code == 2


def test_candidates_in_a_file() -> None:
    text = "# Our mantra\n\n* People first.\n1. \u201cWe listen.\u201d\n> 'Be kind.'\n"
    assert candidates_in(text) == ["People first.", "We listen.", "Be kind."]


def test_terminal_table_has_bars() -> None:
    from mantracheck.formatters.mantra import format_mantra_terminal

    out = format_mantra_terminal(mantracheck.rank_mantras([GOOD, BAD]), color=False, width=160)
    assert "█" in out and "brevity" in out and GOOD in out


@pytest.mark.slow
def test_acceptance_command_offline_as_a_subprocess() -> None:
    proc = run_cli("mantra", GOOD, BAD)
    assert proc.returncode == 0, proc.stderr
    table = proc.stdout.splitlines()
    assert table[1].endswith(GOOD) and table[2].endswith(BAD)
    good, bad = (int(line.split()[1]) for line in table[1:3])
    assert good - bad >= 40
    assert "network access attempted" not in proc.stderr


@pytest.mark.slow
def test_json_from_stdin_offline_as_a_subprocess() -> None:
    proc = run_cli("mantra", "--format", "json", "--min-score", "50", "--file", "-", input=f"{GOOD}\n{BAD}\n")
    assert proc.returncode == 1, proc.stderr
    assert [json.loads(x)["rank"] for x in proc.stdout.splitlines()] == [1, 2]
    assert "below the minimum of 50" in proc.stderr


def test_files_flag_reads_every_argument_as_a_file(tmp_path) -> None:
    a, b = tmp_path / "MANTRA", tmp_path / "mantra.txt"
    a.write_text(f"{GOOD}\n", encoding="utf-8")
    b.write_text(f"{BAD}\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["mantra", "--format", "json", "--min-score", "60", "--files", str(a), str(b)])
    assert result.exit_code == 1
    assert [json.loads(x)["text"] for x in result.stdout.splitlines()] == [GOOD, BAD]


def test_details_are_shown_for_few_candidates_unless_asked() -> None:
    few = CliRunner().invoke(cli, ["mantra", GOOD]).output
    assert "  suggestion: " in few
    assert "  suggestion: " not in CliRunner().invoke(cli, ["mantra", "--no-details", GOOD]).output
    many = CliRunner().invoke(cli, ["mantra", *[f"We help people {i}." for i in range(11)]]).output
    assert "  suggestion: " not in many and len(many.splitlines()) == 12


def test_the_hook_is_declared_for_mantra_files() -> None:
    import re
    from pathlib import Path

    import yaml

    hooks = yaml.safe_load((Path(__file__).resolve().parent.parent / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    hook = next(h for h in hooks if h["id"] == "mantracheck-mantra")
    assert hook["entry"] == "mantracheck mantra --files" and hook["args"] == ["--min-score", "60"]
    pattern = re.compile(hook["files"])
    assert all(pattern.search(p) for p in ("MANTRA", "MANTRA.md", "mantra.txt", "docs/MANTRA.md"))
    assert not any(pattern.search(p) for p in ("notes.txt", "MANTRA.txt.bak", "my-mantra.txt", "mantra.md"))
