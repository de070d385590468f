"""Long texts are analysed a piece at a time (engine/runner.py PIECE), with the same findings."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

import mantracheck.engine.runner as runner
from mantracheck.api import Options, make_linter
from mantracheck.engine.runner import pieces
from mantracheck.text import format_for_path

REAL_COPY = Path(__file__).resolve().parents[2] / "shared" / "data" / "real-copy"


def keys(report):
    return sorted((f.rule, f.line, f.column, f.end_line, f.end_column, f.message, f.match) for f in report.findings)


def lint_both(linter, text, monkeypatch, piece, path="<text>", fmt="text"):
    monkeypatch.setattr(runner, "PIECE", 10**9)
    whole = linter.lint_text(text, path, fmt)
    monkeypatch.setattr(runner, "PIECE", piece)
    pieced = linter.lint_text(text, path, fmt)
    return whole, pieced


@pytest.mark.parametrize(
    "text, size, expected",
    [
        # (a cut is looked for in the second half of each window)
        ("aaaa bbbb cccc dddd.\n\neeee. ffff gggg hhhh", 30, [(0, 22), (22, 42)]),  # the blank line
        ("aaaa bbbb cccc dd. eeee\nffff gggg hhhh", 30, [(0, 19), (19, 38)]),  # a sentence end before a line end
        ("aaaa bbbb cccc\ndddd eeee ffff", 20, [(0, 15), (15, 29)]),  # a line end
        ("aaaa bbbb cccc dddd", 12, [(0, 10), (10, 19)]),  # a space
        ("a" * 25, 10, [(0, 10), (10, 20), (20, 25)]),  # no space at all: hard cuts
        ("short", 10, [(0, 5)]),
        ("", 10, [(0, 0)]),
    ],
)
def test_pieces_cut_where_a_reader_would(text, size, expected):
    got = list(pieces(text, size))
    assert got == expected
    assert got[0][0] == 0 and got[-1][1] == len(text)
    assert all(a[1] == b[0] for a, b in zip(got, got[1:]))  # contiguous, nothing lost
    assert all(end - start <= size for start, end in got)


def test_pieces_of_a_long_text_are_linear_and_bounded():
    text = "Please wait. Send it. " * 20_000
    got = list(pieces(text, 1000))
    assert max(end - start for start, end in got) <= 1000
    assert "".join(text[a:b] for a, b in got) == text
    assert all(text[b - 2 : b] == ". " for _, b in got[:-1])  # each cut after a sentence


MESSAGE = """Hi Sam,

Thank you for writing to us about your order. {middle}

Send us the receipt and we will guarantee a refund within the hour. Would you like a call back?
{middle}
Best regards,
Ana
"""


def test_a_long_message_gives_the_same_findings_in_pieces(monkeypatch):
    middle = "Your parcel left our warehouse on Monday and is with the courier now. " * 40
    text = MESSAGE.format(middle=middle)
    linter = make_linter(Options(profile="support"))
    whole, pieced = lint_both(linter, text, monkeypatch, piece=700)
    assert len(text) > 4 * 700
    assert keys(whole) == keys(pieced)
    rules = {f.rule for f in whole.findings}
    assert {"overpromise.time-commitment", "courtesy.please"} <= rules, rules
    assert "courtesy.greeting" not in rules and "courtesy.sign-off" not in rules


def test_rules_that_read_the_whole_text_see_every_piece(monkeypatch):
    """A greeting must be in the first piece, a sign-off in the last; a 'please' in any piece
    answers a question in another; the word count is the whole text's."""
    filler = "The courier collected your parcel this morning from our depot. " * 30
    linter = make_linter(Options(profile="support"))
    no_greeting = f"Your order shipped.\n\n{filler}\n\nBest regards,\nAna\n"
    no_signoff = f"Hi Sam,\n\n{filler}\n\nThe parcel is on its way.\n"
    for text, rule in ((no_greeting, "courtesy.greeting"), (no_signoff, "courtesy.sign-off")):
        whole, pieced = lint_both(linter, text, monkeypatch, piece=500)
        assert keys(whole) == keys(pieced)
        assert rule in {f.rule for f in pieced.findings}
    # A question early, "please" only at the end (two pieces apart): no please-in-questions
    asked = f"Hi Sam,\n\nCould you send the receipt?\n\n{filler}\n\nPlease reply here.\n\nBest,\nAna\n"
    whole, pieced = lint_both(linter, asked, monkeypatch, piece=500)
    assert keys(whole) == keys(pieced)
    assert "courtesy.please-in-questions" not in {f.rule for f in pieced.findings}


def test_each_doc_of_a_long_text_is_one_piece(monkeypatch):
    """The point of pieces: no Doc is made of more than PIECE characters."""
    linter = make_linter(Options(profile="support"))
    made = []
    nlp = linter.pipeline.nlp

    class Recording:
        def __getattr__(self, name):
            return getattr(nlp, name)

        def __call__(self, text):
            made.append(len(text))
            return nlp(text)

        def pipe(self, texts, **kw):
            texts = list(texts)
            made.extend(len(t) for t in texts)
            return nlp.pipe(texts, **kw)

    monkeypatch.setattr(linter, "pipeline", dataclasses.replace(linter.pipeline, nlp=Recording()))
    monkeypatch.setattr(runner, "PIECE", 5000)
    text = "Please wait. Send it. " * 2000
    report = linter.lint_text(text)
    assert report.error is None
    assert made and max(made) <= 5000 and sum(made) == len(text)


def test_scores_read_the_whole_text(monkeypatch):
    """With scores the text is not cut: the courtesy score reads its whole Doc."""
    linter = make_linter(Options(profile="support", scores=True))
    monkeypatch.setattr(runner, "PIECE", 100)
    report = linter.lint_text("Hi Sam, thank you for your patience. " * 20)
    assert report.scores is not None and report.scores["courtesy"]["value"] > 50


@pytest.mark.skipif(not REAL_COPY.is_dir(), reason="../shared/data/real-copy is absent")
@pytest.mark.parametrize("profile", ["support", "marketing"])
def test_real_copy_gives_the_same_findings_in_pieces(monkeypatch, profile):
    linter = make_linter(Options(profile=profile))
    checked = 0
    for path in sorted(REAL_COPY.rglob("*")):
        fmt = format_for_path(str(path)) if path.is_file() else None
        if not fmt or path.name.startswith("LICENSE"):
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        whole, pieced = lint_both(linter, text, monkeypatch, piece=1000, path=str(path), fmt=fmt)
        assert keys(whole) == keys(pieced), path
        checked += 1
    assert checked >= 150


def test_anchored_patterns_of_whole_text_rules_read_the_whole_text(monkeypatch):
    """\\A and \\Z in the patterns of a rule about the whole text (the social greeting after
    the @handles, a closing "thanks") mean the text's start and end, not a piece's."""
    linter = make_linter(Options(profile="social"))
    filler = "Your parcel left our warehouse this morning and the courier has it now. " * 20
    text = f"@sam Hi Sam! {filler}\n\n{filler}\n\nThanks again for waiting! ^JD"
    whole, pieced = lint_both(linter, text, monkeypatch, piece=400)
    assert keys(whole) == keys(pieced)
    fired = {f.rule for f in pieced.findings}
    assert not fired & {"courtesy.greeting", "courtesy.sign-off", "courtesy.gratitude"}, fired
    # ...and a piece's start is not the text's: a greeting there is not the opening
    late = f"@sam {filler}\n\nHi Sam! {filler}\n\nThanks! ^JD"
    whole, pieced = lint_both(linter, late, monkeypatch, piece=400)
    assert keys(whole) == keys(pieced)
    assert "courtesy.greeting" in {f.rule for f in pieced.findings}
