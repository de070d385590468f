"""All patterns of a run compiled into as few matchers as possible, run once per text."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

from mantracheck.engine.kinds import pattern_key
from mantracheck.engine.regex import MATCH_GROUP, compile_regex
from mantracheck.engine.schema import Pattern, Rule
from mantracheck.errors import RuleError

_POS_ATTRS = {"POS", "TAG", "MORPH"}
_DEP_ATTRS = {"DEP", "HEAD", "ENT_TYPE"}


def derived_needs(rule: Rule) -> frozenset[str]:
    """What a rule needs from the pipeline: declared, plus what its patterns use."""
    needs = set(rule.needs)
    for pattern in _all_patterns(rule):
        if pattern.type == "lemma":
            needs.add("lemma")
        elif pattern.type == "tokens":
            attrs = {str(k).upper() for spec in pattern.value for k in spec}
            if "LEMMA" in attrs:
                needs.add("lemma")
            if attrs & _POS_ATTRS:
                needs.add("pos")
            if attrs & _DEP_ATTRS:
                needs.add("dep")
    return frozenset(needs)


def _all_patterns(rule: Rule) -> Iterable[Pattern]:
    yield from rule.patterns
    for patterns in rule.extra_patterns.values():
        yield from patterns


def _roles(rule: Rule) -> Iterable[tuple[str, Sequence[Pattern]]]:
    if rule.patterns:
        yield "patterns", rule.patterns
    yield from rule.extra_patterns.items()


class MatcherBank:
    def __init__(self, nlp: Any, rules: Sequence[Rule]) -> None:
        from spacy.matcher import Matcher, PhraseMatcher

        self._strings = nlp.vocab.strings
        self._phrase = PhraseMatcher(nlp.vocab, attr="NORM")
        self._lemma = PhraseMatcher(nlp.vocab, attr="LEMMA")
        self._tokens = Matcher(nlp.vocab, validate=True)
        self._regexes: list[tuple[str, Any]] = []
        phrases: dict[str, list[str]] = defaultdict(list)
        lemmas: dict[str, list[str]] = defaultdict(list)
        for rule in rules:
            for role, patterns in _roles(rule):
                key = pattern_key(rule.id, role)
                for pattern in patterns:
                    if pattern.type == "phrase":
                        phrases[key].append(pattern.value)
                    elif pattern.type == "lemma":
                        lemmas[key].append(pattern.value)
                    elif pattern.type == "regex":
                        self._regexes.append((key, compile_regex(pattern.value, pattern.case_sensitive)))
                    else:
                        try:
                            self._tokens.add(key, [pattern.value])
                        except Exception as exc:  # spaCy raises ValueError / MatchPatternError
                            detail = " ".join(str(exc).split())
                            raise RuleError(rule.path, pattern.where + ".tokens", f"invalid spaCy token pattern: {detail[:300]}") from None
        for key, texts in phrases.items():
            self._phrase.add(key, list(nlp.tokenizer.pipe(texts)))
        for key, texts in lemmas.items():
            self._lemma.add(key, list(nlp.pipe(texts)))
        self._has = (bool(phrases), bool(lemmas), len(self._tokens) > 0)

    def run(self, doc: Any, normalized: str) -> dict[str, list[tuple[int, int]]]:
        out: dict[str, list[tuple[int, int]]] = defaultdict(list)
        strings = self._strings
        for matcher, present in zip((self._phrase, self._lemma, self._tokens), self._has):
            if not present:
                continue
            for match_id, start, end in matcher(doc):
                last = doc[end - 1]
                out[strings[match_id]].append((doc[start].idx, last.idx + len(last.text)))
        for key, regex in self._regexes:
            narrow = MATCH_GROUP in regex.groupindex
            for match in regex.finditer(normalized):
                start, end = match.span(MATCH_GROUP) if narrow and match.group(MATCH_GROUP) is not None else match.span()
                if end > start:
                    out[key].append((start, end))
        return out
