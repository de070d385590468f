"""The facts behind a mantra's sub-scores in plain words, for people (text and terminal output).

A leader choosing a mantra reads "easy to say: 6 beats, stress on 1, 3 and 5", "common
words", "repeats 'people'"; the measured figures behind them (word log probabilities,
stress marks, rates) stay in the JSON and CSV output. Pure functions of a MantraReport's facts.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from mantracheck.scoring.mantra import MantraReport, SubScore

__all__ = ["plain_facts"]

#: a line of at most this many syllables can be said in one breath
BREATH_SYLLABLES = 12
#: reading ease means something for a sentence, not for a two-word line
READING_EASE_WORDS = 8


def _quoted(words: Sequence[str]) -> str:
    return ", ".join(f"'{w}'" for w in words)


def _and(items: Sequence[str]) -> str:
    items = list(items)
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _brevity(f: Mapping[str, Any]) -> list[str]:
    words, syllables, sentences = f["words"], f["syllables"], f["sentences"]
    out = [f"{words} word{'s' if words != 1 else ''}, {syllables} syllable{'s' if syllables != 1 else ''}"]
    if f.get("fragments"):
        out.append(f"a run of {len(f['fragments'])} short fragments, read as one line")
    elif sentences > 1:
        out.append(f"{sentences} sentences")
    else:
        out.append("one line")
    return out


def _simplicity(f: Mapping[str, Any], words: int) -> list[str]:
    rare = list(f.get("rare_words") or ())
    out = [f"uncommon words: {_quoted(rare)}" if rare else "common words"]
    if f.get("long_words"):
        out.append(f"long words: {_quoted(f['long_words'])}")
    if words >= READING_EASE_WORDS:
        ease = f.get("reading_ease", 100)
        out.append("easy to read" if ease >= 70 else "fairly easy to read" if ease >= 50 else "hard to read")
    for item in f.get("jargon") or ():
        word, _, plain = item.partition(" -> ")
        out.append(f"jargon: '{word}' (drop it)" if plain in ("", "(drop)") else f"jargon: '{word}' (say '{plain}')")
    if f.get("names"):
        out.append(f"names: {', '.join(f['names'])}")
    return out


def _beats(pattern: str) -> tuple[int, list[int]]:
    """Syllables and the 1-based positions of the stressed ones, from the stress pattern."""
    marks = [c for c in pattern if c in "/x"]
    return len(marks), [i for i, c in enumerate(marks, 1) if c == "/"]


def _parallel(item: str) -> str:
    kind, _, what = item.partition(": ")
    if kind == "repeated phrase":
        return f"repeats the phrase '{what}'"
    if kind == "clauses open alike":
        return f"its parts open alike ('{what}')"
    if kind == "clauses close alike":
        return f"its parts close alike ('{what}')"
    if kind == "framed":
        first = what.split(" ... ")[0]
        return f"opens and closes with '{first}'"
    return item


def _memorability(f: Mapping[str, Any]) -> list[str]:
    out = []
    for item in f.get("repetition") or ():
        word, _, count = item.rpartition(" x")
        out.append(f"repeats '{word}'" + (f" ({count} times)" if count not in ("", "2") else ""))
    out += [_parallel(p) for p in f.get("parallel") or ()]
    for item in f.get("end_rhyme") or ():
        out.append(f"rhymes: {item}")
    for item in f.get("internal_rhyme") or ():
        out.append(f"rhymes inside: {item}")
    for item in f.get("alliteration") or ():
        out.append(f"alliteration: {item.partition(': ')[2]}")
    if f.get("assonance"):
        out.append("echoing vowels: " + " / ".join(item.partition(": ")[2] for item in f["assonance"]))
    hooks = bool(out)
    beats, stressed = _beats(f.get("stress_pattern", ""))
    if beats:
        if beats > BREATH_SYLLABLES:
            out.append(f"a mouthful: {beats} beats")
        else:
            where = f", stress on {_and([str(i) for i in stressed])}" if stressed else ""
            easy = "easy to say: " if f.get("rhythm", 0) >= 0.6 or beats <= 3 else ""
            out.append(f"{easy}{beats} beat{'s' if beats != 1 else ''}{where}")
    if f.get("instruction"):
        out.append(f"tells people what to do ('{f['instruction']}')")
    if f.get("benefits"):
        out.append(f"names a benefit: {_quoted(f['benefits'])}")
    if f.get("abstract_words"):
        out.append(f"abstract words: {_quoted(f['abstract_words'])}")
    if f.get("past_tense_words"):
        out.append(f"past tense: {_quoted(f['past_tense_words'])}")
    if not hooks:
        out.append("no hook: no repeated word, sound or phrase")
    return out


def _focus(f: Mapping[str, Any]) -> list[str]:
    out = []
    people, actions = f.get("people") or (), f.get("actions") or ()
    if people:
        out.append(f"names who it serves: {', '.join(people)}")
    if actions:
        out.append(f"says what you do: {', '.join(actions)}")
    if not people and not actions:
        out.append("does not say who it serves or what you do for them")
    elif not people:
        out.append("does not say who it serves")
    elif not actions:
        out.append("does not say what you do for them")
    if f.get("about_us"):
        out.append(f"about us: {_quoted(f['about_us'])}")
    if f.get("passive"):
        out.append(f"passive: {_quoted(f['passive'])}")
    if f.get("hedges"):
        out.append(f"hedges: {_quoted(f['hedges'])}")
    if f.get("overpromises"):
        promises = [p.split(" (", 1)[0] for p in f["overpromises"]]
        cap = f.get("score_cap")
        out.append(f"promises it cannot keep: {_quoted(promises)}" + (f" (the score can be {cap} at most)" if cap is not None and cap < 100 else ""))
    return out


_PLAIN: dict[str, Callable[[Mapping[str, Any], int], list[str]]] = {
    "brevity": lambda f, n: _brevity(f),
    "simplicity": _simplicity,
    "memorability": lambda f, n: _memorability(f),
    "focus": lambda f, n: _focus(f),
}


def plain_facts(report: MantraReport, sub: SubScore) -> str:
    """One sub-score's facts in plain words, "; "-separated (never empty)."""
    facts = sub.facts_dict()
    words = report.subscore("brevity").fact("words")
    found = _PLAIN[sub.name](facts, words) if sub.name in _PLAIN else []
    return "; ".join(found) or "nothing measured"
