"""rules/courtesy-score.yaml: found, loaded and validated; a broken copy names the key."""

from __future__ import annotations

from pathlib import Path

import pytest

from mantracheck.engine.loader import builtin_rules_dir
from mantracheck.errors import RuleError
from mantracheck.scoring.courtesy import score_courtesy
from mantracheck.scoring.courtesy_model import load_model
from mantracheck.yamlio import load_yaml_file

pytestmark = pytest.mark.usefixtures("no_network")

SOURCE = builtin_rules_dir() / "courtesy-score.yaml"


def test_builtin_file_loads_and_documents_each_strategy() -> None:
    model = load_model()
    assert model.path == str(SOURCE)
    names = {s.name for s in model.strategies}
    paper = {"gratitude", "please", "please_start", "apologizing", "greeting", "deference", "hedges",
             "counterfactual_request", "first_person_plural", "direct_question", "second_person_start",
             "direct_start", "factuality"}
    assert paper <= names
    # the paper's positive and negative lexicon: VADER's words, read from the installed package
    assert model.sentiment is not None and model.sentiment.package == "vaderSentiment"
    assert model.sentiment.valences["stupid"] < 0 < model.sentiment.valences["helpful"]
    for strategy in model.strategies:
        assert strategy.detect, strategy.name
    assert model.lexicon, "the fitted lexicon ships with the data"
    assert set(model.severity_weights) == {"error", "warning", "info"}


def broken(tmp_path: Path, old: str, new: str) -> str:
    text = SOURCE.read_text(encoding="utf-8")
    assert old in text, old
    path = tmp_path / "courtesy-score.yaml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return str(path)


@pytest.mark.parametrize(
    ("old", "new", "key"),
    [
        ("    position: not_sentence_start\n\n  please_start:", "    position: sideways\n\n  please_start:", "strategies.please.position"),
        ("    gratitude: ", "    thankfulness: ", "fitted.weights.gratitude"),
        ("  intercept: ", "  intercept: high # ", "fitted.intercept"),
        ("    regex: ['[!?]{2,}']", "    regex: ['[!?']", "strategies.exclamation.regex[0]"),
        ("      - [{LOWER: {IN: [could, would]}}", "      - [{POS: VERB}", "strategies.counterfactual_request.tokens[0]"),
        ("    side: polite\n    paper: Gratitude", "    side: kind\n    paper: Gratitude", "strategies.gratitude.side"),
        ("    strategy: apologizing", "    strategy: apologising", "expected.apology.strategy"),
        ("    error: 0.5", "    error: 1.5", "overpromise.severity_weights.error"),
        ("  lexicon:\n", '  lexicon:\n    "please": 1.0\n', "fitted.lexicon.please"),
        ("version: 1", "version: 1\ncolour: blue", "colour"),
        ("  package: vaderSentiment", "  package: no_such_sentiment_package", "sentiment.package"),
        ("lemma_exceptions: {does: do,", "lemma_exceptions: {Does: do,", "lemma_exceptions.Does"),
        ("    positive: ", "    positivity: ", "fitted.sentiment.positivity"),
        ('  lexicon:\n', '  lexicon:\n    "one two three four": 1.0\n', "fitted.lexicon.one two three four"),
    ],
)
def test_broken_copy_names_file_and_key(tmp_path: Path, old: str, new: str, key: str) -> None:
    path = broken(tmp_path, old, new)
    with pytest.raises(RuleError) as info:
        load_model(path)
    assert info.value.path == path
    assert info.value.key == key
    assert info.value.problem  # says what was expected
    assert path in str(info.value) and key in str(info.value)


def test_invalid_token_pattern_is_reported_when_compiled(tmp_path: Path) -> None:
    path = broken(tmp_path, "      - [{LOWER: {IN: [could, would]}}", "      - [{LOWR: {IN: [could, would]}}")
    model = load_model(path)
    with pytest.raises(RuleError) as info:
        score_courtesy("Could you help?", model=model)
    assert info.value.key == "strategies.counterfactual_request.tokens[0]"


def test_file_is_plain_data() -> None:
    raw = load_yaml_file(str(SOURCE))
    assert isinstance(raw, dict) and raw["version"] == 1
    assert not SOURCE.parent.joinpath("courtesy-score").exists()  # a file, never a pack folder
