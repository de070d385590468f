"""metric: a measure from a fixed list compared with a threshold."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from mantracheck.engine.context import Hit, TextContext
from mantracheck.engine.kinds import Kind, pattern_key
from mantracheck.engine.measures import MEASURES
from mantracheck.engine.schema import Checker, Pattern, Rule

KEYS = {
    "measure": f"one of {', '.join(sorted(MEASURES))}",
    "max": "flag values above this",
    "min": "flag values below this",
    "min_words": "apply only to texts of at least this many words (default 0)",
}


def parse(checker: Checker) -> tuple[dict[str, Any], dict[str, tuple[Pattern, ...]]]:
    measure = checker.choice("measure", tuple(sorted(MEASURES)))
    high = checker.number("max")
    low = checker.number("min")
    if high is None and low is None:
        raise checker.fail("max", "a metric rule needs 'max', 'min' or both")
    min_words = checker.number("min_words", default=0, minimum=0)
    return {"measure": measure, "max": high, "min": low, "min_words": int(min_words or 0)}, {}


#: Measures whose items are sentences or the whole text (places, not matched words).
REGION_MEASURES = frozenset({"sentence_words", "text_words", "reading_grade"})
#: Measures of the whole text (they read no Doc).
WHOLE_TEXT_MEASURES = frozenset({"text_words", "reading_grade", "exclamation_marks"})


def check(rule: Rule, ctx: TextContext) -> Iterable[Hit]:
    if ctx.word_count < rule.options["min_words"]:
        return
    high, low = rule.options["max"], rule.options["min"]
    measure = rule.options["measure"]
    exceptions = pattern_key(rule.id, "exceptions")
    for start, end, value in MEASURES[rule.options["measure"]](ctx):
        if (high is not None and value > high) or (low is not None and value < low):
            if ctx.overlaps(start, end, exceptions):
                continue
            shown = int(value) if float(value).is_integer() else value
            yield Hit(start, end, {"value": shown, "max": high, "min": low}, region=measure in REGION_MEASURES)


KIND = Kind(
    name="metric",
    summary="a measure (words per sentence, reading grade, exclamation marks, capitals...) against a threshold",
    keys=KEYS,
    parse=parse,
    check=check,
    needs_patterns=False,
    reads_whole_text=lambda rule: rule.options["measure"] in WHOLE_TEXT_MEASURES,
    fields=("value", "max", "min"),
)
