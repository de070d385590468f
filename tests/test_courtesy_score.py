"""The courtesy and overpromise-risk scores: markers and spans, ordering, missing elements."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mantracheck.models import Severity
from mantracheck.nlp import language
from mantracheck.scoring.courtesy import (
    OverpromiseHit,
    courtesy_score,
    overpromise_risk,
    score_courtesy,
    score_text,
)
from mantracheck.scoring.courtesy_markers import Detector, Tokens, fold
from mantracheck.scoring.courtesy_model import load_model

pytestmark = pytest.mark.usefixtures("no_network")

POLITE = (
    "Hi Sam, thanks so much for getting in touch, and sorry for the trouble with your order. "
    "Could you please send us the order number? We would be happy to take a look.\n\n"
    "Best regards,\nAlex"
)
CURT = "Send the order number. Why did you not read the FAQ?? You should have checked it."


def markers(text: str, name: str) -> list[tuple[int, int, str]]:
    return [(m.start, m.end, m.text) for m in score_courtesy(text).courtesy.markers if m.name == name]


def test_strategy_markers_have_exact_spans() -> None:
    text = "Hi Sam, could you please check the invoice? Thanks!"
    assert markers(text, "greeting") == [(0, 2, "Hi")]
    assert markers(text, "counterfactual_request") == [(8, 17, "could you")]
    assert markers(text, "please") == [(18, 24, "please")]
    assert markers(text, "gratitude") == [(44, 50, "Thanks")]
    for m in score_courtesy(text).courtesy.markers:
        assert text[m.start : m.end] == m.text


def test_please_position_comes_from_the_sentencizer() -> None:
    text = "Please send the file. Could you please add the log too?"
    starts = markers(text, "please_start")
    later = markers(text, "please")
    assert starts == [(0, 6, "Please")]
    assert later == [(32, 38, "please")]


def test_sentence_initial_you_and_direct_questions() -> None:
    text = "You broke the build. Why did you push to main? What is x?"
    assert markers(text, "second_person_start") == [(0, 3, "You")]
    assert markers(text, "why_question") == [(21, 24, "Why")]  # "why" is its own strategy
    assert markers(text, "direct_question") == [(47, 51, "What")]
    assert markers(text, "second_person") == [(29, 32, "you")]
    assert markers("Your order has shipped.", "second_person_start") == []  # "Your" opens notices


def test_request_forms_from_token_patterns() -> None:
    assert markers("Would you mind sending it?", "counterfactual_request") == [(0, 9, "Would you")]
    assert markers("Can you send it?", "indicative_request") == [(0, 7, "Can you")]
    assert markers("Can you send it?", "counterfactual_request") == []


def test_lemmas_find_inflected_forms() -> None:
    assert markers("We apologized for the mix-up and thanked them.", "apologizing") == [(3, 13, "apologized")]
    assert [t for _, _, t in markers("We apologized for the mix-up and thanked them.", "gratitude")] == ["thanked"]


def test_polite_text_scores_higher_than_curt_one() -> None:
    polite, curt = score_courtesy(POLITE).courtesy, score_courtesy(CURT).courtesy
    assert polite.value > curt.value
    pairs = [
        ("Thanks for your patience! Could you send the receipt, please?", "Send the receipt."),
        ("Great question. I think the setting is under Account.", "Actually, the setting is obviously under Account."),
        ("Sorry about that, we'll take a look.", "So what do you want?!"),
    ]
    for nicer, ruder in pairs:
        assert score_courtesy(nicer).courtesy.value > score_courtesy(ruder).courtesy.value, (nicer, ruder)


def test_value_is_explained_by_its_markers() -> None:
    model = load_model()
    score = score_courtesy(POLITE).courtesy
    logit = model.intercept + sum(m.weight for m in score.markers)
    assert score.value == round(100 / (1 + math.exp(-logit)))
    assert 0 <= score.value <= 100


def test_a_strategy_counts_once() -> None:
    score = score_courtesy("Thanks for the logs. Thanks again, that helps.").courtesy
    thanks = [m for m in score.markers if m.name == "gratitude"]
    assert [m.text for m in thanks] == ["Thanks", "Thanks"]
    assert thanks[0].weight != 0 and thanks[1].weight == 0


def test_every_lexicon_marker_is_a_shipped_entry() -> None:
    model = load_model()
    score = score_courtesy(POLITE).courtesy
    lexicon = [m for m in score.markers if m.name == "lexicon"]
    assert lexicon, "the learned lexicon should show up as evidence"
    for m in lexicon:
        assert m.weight == 0 or m.weight in model.lexicon.values()


def test_missing_elements() -> None:
    assert score_courtesy(POLITE).courtesy.missing == ()
    missing = {m.name for m in score_courtesy(CURT).courtesy.missing}
    assert {"greeting", "thanks"} <= missing
    assert "apology" not in missing  # no problem reported
    problem = "Your parcel is delayed because the courier lost it in transit. We have sent another one today."
    missing = {m.name for m in score_courtesy(problem).courtesy.missing}
    assert "apology" in missing
    apologetic = "Sorry, your parcel is delayed because the courier lost it in transit. We have sent another one."
    assert "apology" not in {m.name for m in score_courtesy(apologetic).courtesy.missing}


def test_short_texts_need_no_greeting_or_sign_off() -> None:
    missing = {m.name for m in score_courtesy("Done, thanks!").courtesy.missing}
    assert "greeting" not in missing and "sign_off" not in missing


def test_sign_off_must_close_the_text() -> None:
    body = (
        "Hi Sam, thanks for writing. We have looked at your account and the refund went out this "
        "morning to the card you paid with, and your bank may take a few days to show it."
    )
    assert "sign_off" in {m.name for m in score_courtesy(body).courtesy.missing}
    assert "sign_off" not in {m.name for m in score_courtesy(body + "\n\nKind regards,\nAlex").courtesy.missing}


def test_overpromise_risk_from_the_overpromise_rules() -> None:
    text = "We guarantee your refund will arrive within 24 hours."
    risky = score_courtesy(text).overpromise_risk
    assert risky.value > 0
    assert risky.markers and all(m.name.startswith("overpromise.") for m in risky.markers)
    assert any(m.text == "We guarantee" and (m.start, m.end) == (0, 12) for m in risky.markers)
    safe = score_courtesy("We'll look into it and email you when we know more.").overpromise_risk
    assert safe.value == 0 and safe.markers == ()


def test_overpromise_risk_accepts_hits_and_grows_with_them() -> None:
    text = "We guarantee it. We promise it."
    doc = language()(text)
    one = overpromise_risk(text, doc, hits=[OverpromiseHit("overpromise.guarantee", 0, 12, Severity.ERROR)])
    two = overpromise_risk(
        text,
        doc,
        hits=[
            OverpromiseHit("overpromise.guarantee", 0, 12, Severity.ERROR),
            OverpromiseHit("overpromise.guarantee", 17, 27, Severity.ERROR),
        ],
    )
    warning = overpromise_risk(text, doc, hits=[OverpromiseHit("overpromise.guarantee", 0, 12, Severity.WARNING)])
    assert 0 < warning.value < one.value < two.value <= 100
    assert [m.text for m in two.markers] == ["We guarantee", "We promise"]


def test_score_text_reuses_the_callers_doc() -> None:
    doc = language()(POLITE)
    assert score_text(POLITE, doc) == score_courtesy(POLITE)
    assert courtesy_score(POLITE, doc) == score_courtesy(POLITE).courtesy


def test_to_dict_shape() -> None:
    out = score_courtesy("We guarantee it. " + CURT).to_dict()
    assert set(out) == {"courtesy", "overpromise_risk"}
    assert set(out["courtesy"]) == {"value", "markers", "missing"}
    assert set(out["overpromise_risk"]) == {"value", "markers"}
    assert set(out["courtesy"]["markers"][0]) == {"name", "start", "end", "text", "weight"}
    assert set(out["courtesy"]["missing"][0]) == {"name", "message"}
    assert out["overpromise_risk"]["markers"][0]["name"].startswith("overpromise.")


# -- the scorer's token view and pattern matcher against what they replaced ----------------


PIECES = [
    "Could", "could", "you", "You", "would", "u", "ya", "Can", "will", "wo", "n't", "please", "Please",
    "thanks", "Thanks", "sorry", "Hi", "Best", "regards", "I", "we're", "don\u2019t", "3", "10:30",
    "isn't", "?", "!", ".", ",", "...", "\u2018ok\u2019", " ", "  ", "\n", "\n\n", "\t", "-", "Sam",
]
texts = st.lists(st.sampled_from(PIECES), max_size=40).map(lambda parts: " ".join(parts).replace(" \n", "\n"))


def _reference(doc: object) -> dict[str, object]:
    """What the scorer read off Token objects before Tokens (one pass per use)."""
    positions = [-1] * len(doc)  # type: ignore[arg-type]
    sentences = []
    for sent in doc.sents:  # type: ignore[attr-defined]
        n = 0
        for token in sent:
            if not (token.is_space or token.is_punct):
                positions[token.i] = n
                n += 1
        words = [t for t in sent if not (t.is_space or t.is_punct)]
        if words:
            sentences.append((words[0].idx, sent[-1].idx + len(sent[-1].text)))
    return {
        "texts": [t.text for t in doc],  # type: ignore[attr-defined]
        "lowers": [fold(t.text) for t in doc],  # type: ignore[attr-defined]
        "lemmas": [fold(t.lemma_ or t.text) for t in doc],  # type: ignore[attr-defined]
        "starts": [t.idx for t in doc],  # type: ignore[attr-defined]
        "spaces": [t.is_space for t in doc],  # type: ignore[attr-defined]
        "positions": positions,
        "n_words": sum(1 for t in doc if t.is_alpha or t.like_num),  # type: ignore[attr-defined]
        "sentences": sentences,
    }


@settings(max_examples=300, deadline=None)
@given(texts)
def test_token_view_reads_what_token_objects_give(text: str) -> None:
    doc = language(None)(text)
    view = Tokens(doc, {})
    got = {name: getattr(view, name) for name in _reference(doc)}
    got["spaces"] = [bool(v) for v in view.spaces]
    assert got == _reference(doc)


def test_token_view_shares_one_fold_table_per_vocab() -> None:
    nlp = language(None)
    folds: dict[int, tuple[str, str]] = {}
    first = Tokens(nlp("Thanks \u2018Sam\u2019, thanks"), folds)
    assert first.lowers == ["thanks", "'", "sam", "'", ",", "thanks"]
    assert folds[nlp.vocab.strings["Thanks"]] == ("Thanks", "thanks")
    assert Tokens(nlp("Thanks"), folds).lowers == ["thanks"]


@settings(max_examples=300, deadline=None)
@given(texts)
def test_request_forms_match_as_spacy_matcher_finds_them(text: str) -> None:
    nlp = language(None)
    fast = Detector(load_model(), nlp)
    assert fast._fast is not None  # the built-in request forms run on the array matcher
    spacy_only = Detector(load_model(), nlp)
    spacy_only._fast = None
    doc = nlp(text)
    assert fast.strategies_in(text, doc) == spacy_only.strategies_in(text, doc)


def test_patterns_the_array_matcher_cannot_express_stay_on_spacy(tmp_path: object) -> None:
    import copy

    from mantracheck.scoring.courtesy_model import default_path, parse_model
    from mantracheck.yamlio import load_yaml_file

    raw = copy.deepcopy(load_yaml_file(default_path()))
    name = next(n for n, s in raw["strategies"].items() if s.get("tokens") and s.get("position", "anywhere") == "anywhere")
    raw["strategies"][name]["tokens"].append([{"LOWER": {"REGEX": "^pl(s|z)$"}}])
    model = parse_model(raw, "test.yaml")
    det = Detector(model, language(None))
    assert det._fast is None
    text = "Hey, plz fix it"
    found = [(f.name, text[f.start : f.end]) for f in det.strategies_in(text, language(None)(text))]
    assert (name, "plz") in found
