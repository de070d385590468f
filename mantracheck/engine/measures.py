"""The fixed list of measures a metric rule may compare with a threshold.

Each measure yields ``(start, end, value)`` items over the clean text: per sentence, per
word, or once for the whole text. Nothing here evaluates user text as code.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

from mantracheck.engine.context import TextContext
from mantracheck.text.placeholders import STAND_IN

Item = tuple[int, int, float]
#: A word in capitals: r"(?<![\w'’-])[A-Z][A-Z'’-]*[A-Z](?![\w'’-])", searched without its
#: look-behind (a pattern that starts with one is tried at every character; one that starts
#: with [A-Z] skips ahead to the next capital), which caps_word_length checks instead.
_CAPS_WORD = re.compile(r"[A-Z][A-Z'’-]*[A-Z](?![\w'’-])")
_WORDISH = re.compile(r"[\w'’-]")
#: A run of "!" and "?": the runs that hold a "!" are r"[!?]*![!?]*"'s matches.
_BANG_RUN = re.compile(r"[!?]+")


def sentence_words(ctx: TextContext) -> Iterator[Item]:
    """Words in each sentence (a placeholder counts as one word)."""
    doc = ctx.doc
    for start, end in ctx.sentences:
        span = doc.char_span(start, end, alignment_mode="expand")
        if span is None:
            continue
        yield start, end, sum(1 for t in span if t.is_alpha or t.like_num or "-" in t.text and t.text.strip("-").isalnum())


def text_words(ctx: TextContext) -> Iterator[Item]:
    """Words in the whole text (reported at its first sentence)."""
    if ctx.sentences:
        start, end = ctx.sentences[0]
        yield start, end, ctx.word_count


def reading_grade(ctx: TextContext) -> Iterator[Item]:
    """Flesch-Kincaid grade of the whole text (textstat), reported at its first sentence."""
    if not ctx.sentences:
        return
    import textstat

    start, end = ctx.sentences[0]
    yield start, end, round(float(textstat.flesch_kincaid_grade(ctx.clean)), 1)


def exclamation_marks(ctx: TextContext) -> Iterator[Item]:
    """Exclamation marks in the whole text, reported at the last one."""
    count = ctx.clean.count("!")
    if count:
        last = ctx.clean.rfind("!")
        yield last, last + 1, count


def exclamation_run(ctx: TextContext) -> Iterator[Item]:
    """Length of each run of exclamation (and question) marks: "!!!", "?!"."""
    text = ctx.clean
    if "!" not in text:
        return
    for match in _BANG_RUN.finditer(text):
        if "!" in match.group():
            yield match.start(), match.end(), match.end() - match.start()


def caps_word_length(ctx: TextContext) -> Iterator[Item]:
    """Letters in each word written in capitals ("PLEASE" -> 6); acronyms are short."""
    text = ctx.clean
    for match in _CAPS_WORD.finditer(text):
        start = match.start()
        # The look-behind: a match right after a word character is inside a word, and so
        # would be every match the full pattern could find in its place (each of its
        # characters is one), so skipping it skips nothing the pattern finds.
        if start and _WORDISH.match(text, start - 1):
            continue
        yield start, match.end(), sum(c.isalpha() for c in match.group())


#: A run of words in capitals: capitals, apostrophes and hyphens, spaces and a comma between.
_CAPS_RUN = re.compile(r"[A-Z][A-Z'’]*[A-Z](?:[ \t,]+[A-Z][A-Z'’]*[A-Z])*")
#: Words in capitals that name a file, not a raised voice.
_FILE_WORDS = frozenset("README LICENSE LICENCE CHANGELOG TODO NOTICE AUTHORS CONTRIBUTING COPYING INSTALL".split())


def caps_run(ctx: TextContext) -> Iterator[Item]:
    """Letters in each run of words in capitals in running prose ("PLEASE", "DO NOT SHARE"),
    once per run. Not a run: a line with no lower-case word of its own (a heading, a button, a
    label: "MY ACCOUNT", "ORDER NUMBER:"), a code or date format (letters joined to digits,
    hyphens, underscores or $ % { } [ ]: "SAVE20", "DD-MM-YYYY", "$SITENAME$"), a file name
    ("README")."""
    text = ctx.clean
    for match in _CAPS_RUN.finditer(text):
        start, end = match.span()
        if start and (text[start - 1].isalnum() or text[start - 1] in "_-$%{[/.@#"):
            continue
        if end < len(text) and (text[end].isalnum() or text[end] in "_-$%}]/@"):
            continue
        if match.group() in _FILE_WORDS:
            continue
        line_start = text.rfind("\n", 0, start) + 1
        line_end = text.find("\n", end)
        line = text[line_start : len(text) if line_end < 0 else line_end].replace(STAND_IN, "")
        if not any(c.islower() for c in line):
            continue  # a heading, a button or a label, not a voice raised in a sentence
        yield start, end, sum(c.isalpha() for c in match.group())


MEASURES: dict[str, Callable[[TextContext], Iterator[Item]]] = {
    "sentence_words": sentence_words,
    "text_words": text_words,
    "reading_grade": reading_grade,
    "exclamation_marks": exclamation_marks,
    "exclamation_run": exclamation_run,
    "caps_word_length": caps_word_length,
    "caps_run": caps_run,
}
