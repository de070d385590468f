"""require: the text, or its opening or closing, must contain one of the patterns."""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Iterator
from typing import Any

from mantracheck.engine.context import Hit, TextContext
from mantracheck.engine.kinds import Kind, pattern_key
from mantracheck.engine.schema import SKIP_CONDITIONS, Checker, Pattern, Rule
from mantracheck.text.placeholders import STAND_IN

REGIONS = ("whole", "opening", "closing")
KEYS = {
    "region": f"one of {', '.join(REGIONS)}: where a pattern must appear (default whole)",
    "sentences": "how many sentences the opening or closing region holds (default 2)",
    "when": "patterns: the requirement applies only when one of these is present",
    "when_skip": f"a list drawn from {', '.join(SKIP_CONDITIONS)}: 'when' matches to ignore",
    "min_words": "the requirement applies only to texts of at least this many words (default 0)",
    "edge_placeholder": "what a first (opening) or last (closing) sentence that is only a placeholder means: 'skip' it (a link after a sign-off; default) or 'unknown' (a template fills it, say with a signature: nothing is asked)",
}
EDGES = ("skip", "unknown")


def parse(checker: Checker) -> tuple[dict[str, Any], dict[str, tuple[Pattern, ...]]]:
    region = checker.choice("region", REGIONS, default="whole")
    sentences = checker.number("sentences", default=2, minimum=1)
    min_words = checker.number("min_words", default=0, minimum=0)
    when_skip = checker.string_list("when_skip")
    for i, condition in enumerate(when_skip):
        if condition not in SKIP_CONDITIONS:
            raise checker.fail(f"when_skip[{i}]", f"expected one of {', '.join(SKIP_CONDITIONS)}")
    extra = {}
    if checker.raw.get("when") is not None:  # (a profile's options may set it to null)
        extra["when"] = checker.patterns("when", required=True)
    edge = checker.choice("edge_placeholder", EDGES, default="skip")
    return {"region": region, "sentences": int(sentences or 2), "min_words": int(min_words or 0), "when_skip": when_skip, "edge_placeholder": edge}, extra


def _worded(ctx: TextContext, sentences: Iterable[tuple[int, int]]) -> Iterator[tuple[int, int]]:
    """The sentences that hold a word of their own, not only links, placeholders --
    "Placeholder" in the clean text --, entities and symbols: a URL after a sign-off is not
    the closing, nor "{{ name }} <{{ email }}>" before a greeting the opening."""
    return ((s, e) for s, e in sentences if _WORD.search(_STAND_INS.sub(" ", ctx.clean[s:e])))


#: What is not a word of the text's own: a placeholder's stand-in, an HTML entity left as text.
_STAND_INS = re.compile(rf"\b{STAND_IN}\b|&#?\w+;")
_WORD = re.compile(r"[^\W\d_]")


def _region(rule: Rule, ctx: TextContext) -> tuple[int, int] | None:
    region = rule.options["region"]
    if not ctx.sentences:
        return None
    if region == "whole":
        return ctx.sentences[0][0], ctx.sentences[-1][1]
    # the first (or last) n sentences with words, read from that end only
    opening = region == "opening"
    chosen = list(itertools.islice(_worded(ctx, ctx.sentences if opening else reversed(ctx.sentences)), rule.options["sentences"]))
    edge = ctx.sentences[0] if opening else ctx.sentences[-1]
    if not chosen or (rule.options["edge_placeholder"] == "unknown" and chosen[0] != edge):
        return None  # no words; or the text opens (ends) with a placeholder: what fills it is not known
    if not opening:
        chosen.reverse()
    return chosen[0][0], chosen[-1][1]


def _first_line(ctx: TextContext, start: int, end: int) -> tuple[int, int]:
    newline = ctx.clean.find("\n", start, end)
    end = newline if newline >= 0 else end
    return start, max(len(ctx.clean[start:end].rstrip()) + start, start + 1)


def check(rule: Rule, ctx: TextContext) -> Iterable[Hit]:
    if ctx.word_count < rule.options["min_words"]:
        return
    trigger = None
    if "when" in rule.extra_patterns:
        for start, end in sorted(ctx.spans(pattern_key(rule.id, "when"))):
            if not ctx.excused(start, end, rule.options["when_skip"]):
                trigger = (start, end)
                break
        if trigger is None:
            return
    region = _region(rule, ctx)
    if region is None:
        return
    exceptions = pattern_key(rule.id, "exceptions")
    for start, end in ctx.spans(rule.id):
        if region[0] <= start and end <= region[1] and not ctx.overlaps(start, end, exceptions):
            return
    if trigger is not None:
        yield Hit(trigger[0], trigger[1], {"when": ctx.clean[trigger[0]:trigger[1]]})
        return
    closing = rule.options["region"] == "closing"
    edge = ctx.sentences[-1] if closing else ctx.sentences[0]
    sentence = next(_worded(ctx, reversed(ctx.sentences) if closing else ctx.sentences), edge)
    start, end = _first_line(ctx, *sentence)
    yield Hit(start, end, {"region": rule.options["region"]}, region=True)


KIND = Kind(
    name="require",
    summary="the text, or its opening or closing sentences, must contain one of the patterns (optionally only 'when' a trigger is present)",
    keys=KEYS,
    parse=parse,
    check=check,
    reads_whole_text=lambda rule: True,
    fields=("when", "region"),
)
