"""The pipeline: blank by default, a trained one only when named, never downloaded;
rules that need tags run with a pipeline that has them and are skipped (with a notice) without."""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mantracheck.api import Options, lint_paths, make_linter
from mantracheck.errors import PipelineError
from mantracheck.nlp import get_pipeline

POS_RULE = """\
    kind: existence
    severity: warning
    needs: [pos]
    message: "'{match}' opens a bare command."
    description: Commands at the start of a sentence read as orders.
    patterns:
      - tokens: [{IS_SENT_START: true, POS: VERB}]
    unless_sentence: [please]
    suggestions: ["Add please."]
    examples:
      good: ["Please send the receipt."]
      bad: ["Send the receipt."]
"""


@pytest.fixture(scope="module")
def tagged_pipeline(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A tiny pipeline of our own whose attribute ruler hand-sets POS tags (no trained model)."""
    import spacy

    nlp = spacy.blank("en")
    ruler = nlp.add_pipe("attribute_ruler")
    nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
    nlp.initialize()  # (initialize clears the ruler, so its patterns come after)
    ruler.add([[{"LOWER": {"IN": ["send", "reply", "check"]}}]], {"POS": "VERB"})
    ruler.add([[{"LOWER": {"IN": ["receipt", "email"]}}]], {"POS": "NOUN"})
    path = tmp_path_factory.mktemp("pipeline") / "tagged"
    nlp.to_disk(path)
    return str(path)


@pytest.fixture
def pos_pack(tmp_path: Path) -> str:
    (tmp_path / "team").mkdir()
    (tmp_path / "team" / "bare-command.yaml").write_text(textwrap.dedent(POS_RULE), encoding="utf-8")
    return str(tmp_path)


def test_default_pipeline_is_blank_with_lemmas(no_network: None) -> None:
    pipeline = get_pipeline()
    assert pipeline.name == "blank:en"
    assert pipeline.capabilities == {"lemma"}
    doc = pipeline.nlp("Thanks for the refunds.\n\nBest,\nAna")
    assert [t.lemma_ for t in doc][:4] == ["thank", "for", "the", "refund"]
    assert len(list(doc.sents)) == 2  # a blank line ends a sentence


def test_rule_needing_pos_is_skipped_with_one_notice_on_blank(pos_pack: str) -> None:
    result = lint_paths(["-"], stdin_text="Send the receipt.", rule_paths=(pos_pack,), select=("team",))
    assert result.findings == ()
    assert [n.message for n in result.notices] == [
        "rule team.bare-command skipped: it needs pos, which the pipeline 'blank:en' does not provide (name a trained pipeline with --model)"
    ]


def test_rule_needing_pos_runs_with_a_tagged_pipeline(pos_pack: str, tagged_pipeline: str, no_network: None) -> None:
    linter = make_linter(Options(rule_paths=(pos_pack,), select=("team",), model=tagged_pipeline))
    assert "pos" in linter.pipeline.capabilities
    assert linter.notices == []
    findings = linter.lint_text("Send the receipt. Please check the email.").findings
    assert [(f.rule, f.column, f.match) for f in findings] == [("team.bare-command", 1, "Send")]


def test_missing_trained_pipeline_is_a_one_line_error() -> None:
    with pytest.raises(PipelineError, match="'en_core_web_sm' is not installed .*never downloads"):
        get_pipeline("en_core_web_sm")


def test_cli_missing_model_exits_2() -> None:
    from click.testing import CliRunner

    from mantracheck.cli import cli

    result = CliRunner().invoke(cli, ["lint", "--model", "no_such_pipeline_xyz", "-"], input="Hello there.")
    assert result.exit_code == 2
    assert result.output.strip().splitlines() == [
        (
            "mantracheck: error: spaCy pipeline 'no_such_pipeline_xyz' is not installed (mantracheck never downloads one); "
            "install it as a package or give a path to a saved pipeline"
        )
    ]


SENTENCE_PIECES = ["Hi", "there", "Sam", ".", "!", "?", "...", "?!", "\u3002", ")", '"', " ", "  ", "\n", "\n\n", " \n", "\n \n", "\t", "\r\n\r\n", "Best,", "x.", "{{ name }}"]


def _reference_pipeline() -> object:
    """What the blank pipeline was before its components worked on arrays: spaCy's
    sentencizer, the token-by-token blank-line component, and an initialized lemmatizer."""
    import spacy

    from mantracheck.nlp import _register_components

    _register_components()
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    nlp.add_pipe("mantracheck_paragraphs")
    nlp.add_pipe("mantracheck_lemmatizer")
    nlp.initialize()
    return nlp


@pytest.fixture(scope="module")
def reference_nlp() -> object:
    return _reference_pipeline()


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(pieces=st.lists(st.sampled_from(SENTENCE_PIECES), max_size=30))
def test_array_components_annotate_like_the_ones_they_replace(reference_nlp: Any, pieces: list[str]) -> None:
    from spacy.attrs import LEMMA, NORM, SENT_START

    text = "".join(pieces)
    try:
        expected = reference_nlp(text).to_array([SENT_START, LEMMA, NORM]).tolist()
    except IndexError:
        return  # the token-by-token component could not handle this text at all
    assert get_pipeline().nlp(text).to_array([SENT_START, LEMMA, NORM]).tolist() == expected


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(texts=st.lists(st.lists(st.sampled_from([*SENTENCE_PIECES, "Thanks", "-", "'", "50%"]), max_size=20).map("".join), max_size=8), batch_size=st.integers(1, 5))
def test_a_batch_is_annotated_as_each_doc_alone(reference_nlp: Any, texts: list[str], batch_size: int) -> None:
    """nlp.pipe runs the annotator on whole batches, the arrays of its Docs laid end to end:
    every Doc gets what the reference components give it alone, the columns to_array reads
    off it, and the sentences and word count TextContext computes from those columns."""
    from spacy.attrs import IDS, LEMMA, NORM, SENT_START

    from mantracheck.engine.context import TextContext
    from mantracheck.nlp import COLUMN_NAMES, COLUMNS_KEY, SENTENCES_KEY

    docs = list(get_pipeline().nlp.pipe(texts, batch_size=batch_size))
    assert [doc.text for doc in docs] == texts
    for text, doc in zip(texts, docs):
        try:
            expected = reference_nlp(text).to_array([SENT_START, LEMMA, NORM]).tolist()
        except IndexError:
            expected = None  # the token-by-token component could not handle this text
        if expected is not None:
            assert doc.to_array([SENT_START, LEMMA, NORM]).tolist() == expected
        if len(doc) == 0:
            assert COLUMNS_KEY not in doc.user_data and SENTENCES_KEY not in doc.user_data
            continue
        fresh = doc.to_array([IDS[name] for name in COLUMN_NAMES]).reshape(len(doc), len(COLUMN_NAMES))
        assert doc.user_data[COLUMNS_KEY].tolist() == fresh.tolist()
        computed = TextContext(text, doc, None, {}, None)  # type: ignore[arg-type]
        stashed = TextContext(text, doc, None, {}, None)  # type: ignore[arg-type]
        stashed.use_stash = True
        assert stashed._sentence_info is doc.user_data[SENTENCES_KEY]
        assert stashed.sentences == computed.sentences
        assert stashed.word_count == computed.word_count
        assert all(type(a) is int and type(b) is int for a, b in stashed.sentences) and type(stashed.word_count) is int


@settings(max_examples=300, deadline=None)
@given(pieces=st.lists(st.sampled_from([*SENTENCE_PIECES, "Thanks", "THANKS", "sorry!", "50%", "well-known", "\u2019s", "don't", "\u2019cause", "y'all", "caf\u00e9", "\U0001f600", "#123", "a.m."]), max_size=30))
def test_the_columns_the_annotator_leaves_are_the_docs_own(pieces: list[str]) -> None:
    """engine.context.Columns takes the annotator's columns instead of reading the Doc again:
    they must be exactly what to_array reads off the annotated Doc."""
    from spacy.attrs import IDS

    from mantracheck.engine.context import Columns
    from mantracheck.nlp import COLUMN_NAMES, COLUMNS_KEY

    doc = get_pipeline().nlp("".join(pieces))
    if len(doc) == 0:
        assert COLUMNS_KEY not in doc.user_data
        return
    stashed = doc.user_data[COLUMNS_KEY]
    assert Columns(doc, use_stash=True).array is stashed
    assert Columns(doc).array is not stashed  # not vouched for: read from the Doc
    fresh = doc.to_array([IDS[name] for name in COLUMN_NAMES]).reshape(len(doc), len(COLUMN_NAMES))
    assert stashed.dtype == fresh.dtype and stashed.tolist() == fresh.tolist()


@settings(max_examples=400, deadline=None)
@given(pieces=st.lists(st.sampled_from([*SENTENCE_PIECES, "Thanks", "ok", "-", "'"]), max_size=30))
def test_sentence_spans_are_read_as_the_tokens_give_them(pieces: list[str]) -> None:
    """TextContext.sentences (numpy over the columns) against Doc.sents and Token objects:
    from a sentence's first token that is neither space nor punctuation to the end of its
    last token (the start of a whitespace token that ends it); sentences without one left out."""
    from mantracheck.engine.context import TextContext

    text = "".join(pieces)
    doc = get_pipeline().nlp(text)
    expected = []
    for sent in doc.sents:
        words = [t for t in sent if not (t.is_space or t.is_punct)]
        if words:
            last = sent[-1]
            expected.append((words[0].idx, last.idx if last.is_space else last.idx + len(last.text)))
    ctx = TextContext(text, doc, None, {}, None)  # type: ignore[arg-type]
    assert ctx.sentences == expected
    assert all(type(a) is int and type(b) is int for a, b in ctx.sentences)


@pytest.mark.parametrize("argv", [["--version"], ["--help"], ["lint", "--help"], ["mantra", "--help"], ["rules", "--help"]])
def test_help_and_version_never_build_the_pipeline(argv: list[str]) -> None:
    """spaCy (half a second to import) is loaded only by a command that needs it."""
    import subprocess
    import sys

    code = f"import sys\nfrom mantracheck.cli import main\ntry:\n    main({argv!r})\nexcept SystemExit:\n    pass\nprint('spacy' in sys.modules, 'numpy' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], check=False, capture_output=True, text=True, timeout=120)
    assert out.stdout.strip().splitlines()[-1] == "False False", out.stdout + out.stderr


def test_the_linter_trusts_the_annotators_columns_only_when_nothing_runs_after_it() -> None:
    """A component after the annotator (a trained parser, a user's own) may change what the
    columns hold; then the linter reads them off the Doc again."""
    import spacy
    from spacy.language import Language

    from mantracheck.engine.context import Columns
    from mantracheck.engine.loader import load_rules
    from mantracheck.engine.runner import Linter
    from mantracheck.nlp import COLUMN_NAMES, COLUMNS_KEY, Pipeline, _register_components

    assert Linter(load_rules())._use_stash  # the built-in blank pipeline: annotator last

    @Language.component("test_every_token_starts_a_sentence")
    def every_token(doc):  # type: ignore[no-untyped-def]
        for token in doc:
            token.is_sent_start = True
        return doc

    _register_components()
    nlp = spacy.blank("en")
    nlp.add_pipe("mantracheck_annotate")
    nlp.add_pipe("test_every_token_starts_a_sentence")
    doc = nlp("One two three. Four five.")
    stale = doc.user_data[COLUMNS_KEY][:, COLUMN_NAMES.index("SENT_START")].tolist()
    assert stale != [1] * len(doc)  # the stash no longer says what the Doc holds
    assert Columns(doc).list("SENT_START") == [1] * len(doc)
    assert not Linter(load_rules(), pipeline=Pipeline(nlp, "test", frozenset({"lemma"})))._use_stash


def test_the_annotators_word_table_grows_and_follows_the_lemma_table() -> None:
    """The annotator keeps one row per word seen: past its first capacity (4,096 words) and
    after a new lemma table, the columns are still the Doc's own."""
    import spacy
    from spacy.attrs import IDS

    from mantracheck.nlp import COLUMN_NAMES, COLUMNS_KEY, _register_components

    _register_components()
    nlp = spacy.blank("en")
    annotator = nlp.add_pipe("mantracheck_annotate")
    capacity = len(annotator._words)
    words = [f"Word{i}" for i in range(capacity + 100)]

    def check(text: str) -> list[str]:
        doc = nlp(text)
        fresh = doc.to_array([IDS[name] for name in COLUMN_NAMES]).reshape(len(doc), len(COLUMN_NAMES))
        assert doc.user_data[COLUMNS_KEY].tolist() == fresh.tolist()
        return [t.lemma_ for t in doc]

    assert check(" ".join(words[: capacity - 10])) == [w.lower() for w in words[: capacity - 10]]
    assert check(" ".join(reversed(words))) == [w.lower() for w in reversed(words)]  # crosses the capacity in one Doc
    assert len(annotator._words) > capacity
    annotator.use_table({"word3": "lemma-three"})
    assert check("Word3 Word4") == ["lemma-three", "word4"]


def test_the_annotators_word_table_is_filled_safely_from_threads() -> None:
    """Texts annotated from several threads at once (an API user's own pool) get their own
    words' columns: a row is claimed and filled under a lock."""
    from concurrent.futures import ThreadPoolExecutor

    import spacy
    from spacy.attrs import IDS

    from mantracheck.nlp import COLUMN_NAMES, COLUMNS_KEY, _register_components

    _register_components()
    nlp = spacy.blank("en")
    nlp.add_pipe("mantracheck_annotate")
    texts = [" ".join(f"T{t}word{i} shared{i % 7}" for i in range(300)) for t in range(8)]

    def annotate(text: str) -> bool:
        doc = nlp(text)
        fresh = doc.to_array([IDS[name] for name in COLUMN_NAMES]).reshape(len(doc), len(COLUMN_NAMES))
        return bool(doc.user_data[COLUMNS_KEY].tolist() == fresh.tolist())

    import sys

    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # switch threads as often as possible, to provoke a race
    try:
        with ThreadPoolExecutor(8) as pool:
            assert all(pool.map(annotate, texts * 3))
    finally:
        sys.setswitchinterval(interval)


def test_sentences_of_starts_a_sentence_at_every_docs_first_token() -> None:
    """Whatever SENT_START says there (a Doc laid after another in a batch, or a pipeline
    that leaves it unset), each Doc's first token opens a sentence of its own."""
    import numpy

    from mantracheck.nlp import COLUMN_NAMES, sentences_of

    at = {name: i for i, name in enumerate(COLUMN_NAMES)}
    columns = numpy.zeros((4, len(COLUMN_NAMES)), dtype="uint64")  # "Hi there" + "Bye now", SENT_START unset
    columns[:, at["IDX"]] = [0, 3, 0, 4]
    columns[:, at["LENGTH"]] = [2, 5, 3, 3]
    columns[:, at["IS_ALPHA"]] = 1
    assert sentences_of(columns, numpy.array([0, 2, 4])) == [([(0, 8)], 2, 2), ([(0, 7)], 2, 2)]
    assert sentences_of(columns, numpy.array([0, 4])) == [([(0, 7)], 4, 4)]  # one Doc: one sentence


@pytest.mark.parametrize(
    "text, starts",
    [
        ("Shipped.\n  Send us a photo.", ["Shipped", "Send"]),  # a line break and indentation after a full stop
        ("Shipped.  Send us a photo.", ["Shipped", "Send"]),  # two spaces after it
        ("Shipped.\n\n\n  \n\nSend us a photo.", ["Shipped", "Send"]),  # blank lines with spaces (HTML, MJML)
        ("\n  Send us a photo.", ["\n  ", "Send"]),  # a Doc's first token stays a start
        ("Done.  ", ["Done", " "]),  # nothing after the white space: it stays
    ],
)
def test_a_sentence_starts_at_its_first_token_that_is_not_white_space(text: str, starts: list[str]) -> None:
    """spaCy's sentencizer starts a sentence at the first token after a full stop that is not
    punctuation, white space included; rules anchored at a sentence's first word
    (IS_SENT_START) would miss "Send" then. The array annotator and the reference agree."""
    doc = get_pipeline().nlp(text)
    assert [t.text for t in doc if t.is_sent_start] == starts
    assert [t.text for t in _reference_pipeline()(text) if t.is_sent_start] == starts


def test_a_request_after_an_indented_line_break_is_seen() -> None:
    import mantracheck

    for text in ("Your order has shipped.\n    Send us a photo of the label so we can check it.", "Your order has shipped.  Send us a photo of the label so we can check it."):
        assert [f.match for f in mantracheck.lint_text(text, select=("courtesy.please",))] == ["Send"], text
