"""Measured facts about one candidate mantra: words, sounds, structure and word choice.

Everything here is measured, not scored: the scorer (mantra.py) turns these facts into
sub-scores with the weights and target ranges of rules/mantra-score.yaml. Works on the
blank pipeline: sentences come from the sentencizer, lemmas from the lookup lemmatizer,
sounds from the CMU dictionary, and what a word can be (a verb, a past form) from the rule
lemmatizer's dictionary (mantra_lexicon); no part-of-speech tags are needed.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import Any

from mantracheck.scoring.mantra_lexicon import (
    CLITICS,
    Dictionary,
    FrequencyTable,
    Pronunciation,
    dictionary,
    pronounce,
)
from mantracheck.scoring.mantra_model import MantraModel

#: a word: letters and digits, joined by apostrophes or hyphens ("don't", "best-in-class")
WORD = re.compile(r"[^\W_]+(?:['\u2019\-][^\W_]+)*")
#: what ends a clause inside a sentence (sentences come from the sentencizer)
CLAUSE_BREAK = re.compile(r"[,;:\u2014\u2013()]|\s-\s|[.!?]")
#: a word family's everyday form: "excellence" is as familiar as "excellent", "kindness" as "kind"
FAMILY = (("iness", "y"), ("ness", ""), ("ence", "ent"), ("ance", "ant"))
#: forms of "be" and "do" that open a question or statement, not an instruction
NOT_IMPERATIVE = frozenset({"am", "is", "are", "was", "were", "does", "did", "has", "had"})
#: after these the line's first word is its subject, not an instruction's verb
SUBJECT_NEXT = frozenset({"is", "are", "was", "were", "can", "will", "would", "should", "must", "may", "might", "who", "that"})


@dataclass(frozen=True, slots=True)
class Word:
    text: str
    lower: str
    lemma: str
    start: int
    end: int
    clause: int
    pron: Pronunciation
    #: log probability of the word itself (distinctiveness)
    logprob: float
    #: of the word or its lemma, whichever is more frequent ("salads" is as familiar as "salad")
    familiarity: float
    function: bool
    #: a rare capitalised word that is inside its sentence, not in the dictionary, or most
    #: often written with a capital: a brand or a person's name ("Ask for Haig",
    #: "Perrier."), never counted as an unfamiliar word
    name: bool

    @property
    def is_number(self) -> bool:
        return self.lower.replace(",", "").replace(".", "").isdigit()


@dataclass(frozen=True, slots=True)
class Features:
    """Every measured fact behind a mantra's sub-scores (see rules/mantra-score.yaml)."""

    words: tuple[Word, ...]
    characters: int
    sentences: int
    #: the sentences a reader sees as one line: 1 for a run of short fragments
    #: ("Listen first. Fix fast. Follow up."), else ``sentences``
    lines: int
    #: the fragments of such a run (2 or more sentences of at most fragment_words words each)
    fragments: tuple[str, ...]
    syllables: int
    # simplicity
    familiar_share: float
    reading_ease: float
    long_words: tuple[tuple[str, int], ...]
    rare_words: tuple[str, ...]
    jargon: tuple[tuple[str, str], ...]
    spelled_words: tuple[str, ...]
    names: tuple[str, ...]
    # memorability: sound and structure
    alliteration: tuple[tuple[str, tuple[str, ...]], ...]
    end_rhymes: tuple[tuple[str, str], ...]
    internal_rhymes: tuple[tuple[str, str], ...]
    assonance: tuple[tuple[str, tuple[str, ...]], ...]
    repeated_words: tuple[tuple[str, int], ...]
    parallel: tuple[str, ...]
    stress_pattern: str
    alternation: float
    # memorability: the cues of Danescu-Niculescu-Mizil et al. (2012)
    content_logprob: float
    function_share: float
    word_length: float
    mean_familiarity: float
    indefinite_articles: tuple[str, ...]
    third_person: tuple[str, ...]
    first_second: tuple[str, ...]
    present_tense: tuple[str, ...]
    past_tense: tuple[str, ...]
    # memorability: slogan craft
    imperative: str
    verbs: tuple[str, ...]
    benefits: tuple[str, ...]
    abstract: tuple[str, ...]
    # focus
    people: tuple[str, ...]
    actions: tuple[str, ...]
    self_talk: tuple[str, ...]
    passive: tuple[str, ...]
    hedges: tuple[str, ...]

    @property
    def n_words(self) -> int:
        return len(self.words)

    def inputs(self, device_words: int, device_cap: int) -> dict[str, float]:
        """The memorability model's inputs, by the names of the data file's features.
        Devices count fully in a line of up to ``device_words`` words and by
        device_words/words beyond (in a long text, repeated sounds turn up by chance)."""
        n = max(self.n_words, 1)
        damp = min(1.0, device_words / n)
        end = set(self.end_rhymes)
        rhymes = len(self.end_rhymes) + sum(1 for pair in self.internal_rhymes if pair not in end)
        sound = min(len(self.alliteration) + rhymes + len(self.assonance), device_cap)
        structure = min(len(self.repeated_words) + len(self.parallel), device_cap)
        return {
            "words_log": math.log(n),
            "familiarity": self.mean_familiarity,
            "content_logprob": self.content_logprob,
            "syllables_per_word": self.syllables / n,
            "function_share": self.function_share,
            "indefinite_rate": len(self.indefinite_articles) / n,
            "third_person_rate": len(self.third_person) / n,
            "first_second_rate": len(self.first_second) / n,
            "past_rate": len(self.past_tense) / n,
            "present_rate": len(self.present_tense) / n,
            "sound": sound * damp,
            "structure": structure * damp,
            "rhythm": self.alternation,
            "imperative": 1.0 if self.imperative else 0.0,
            "verb": 1.0 if self.verbs else 0.0,
            "benefit": 1.0 if self.benefits else 0.0,
            "abstract_rate": len(self.abstract) / n,
        }


def _phrase_regex(phrases: Sequence[str]) -> re.Pattern[str]:
    if not phrases:
        return re.compile(r"(?!x)x")
    alts = "|".join(re.escape(p).replace(r"\ ", r"\s+") for p in sorted(set(phrases), key=len, reverse=True))
    return re.compile(r"(?<![\w'\-])(?:" + alts + r")(?![\w'\-])", re.IGNORECASE)


_compiled: dict[int, tuple[MantraModel, re.Pattern[str], re.Pattern[str]]] = {}


def _regexes(model: MantraModel) -> tuple[re.Pattern[str], re.Pattern[str]]:
    found = _compiled.get(id(model))
    if found is None or found[0] is not model:
        found = _compiled[id(model)] = (model, _phrase_regex(tuple(model.simplicity.jargon)), _phrase_regex(model.focus.self_words))
    return found[1], found[2]


def _lemma(doc: Any, start: int, end: int, lower: str) -> str:
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None or len(span) != 1:
        return lower
    return span[0].lemma_.lower() or lower


def _logprob(freq: FrequencyTable, lower: str) -> float:
    value = freq.logprob.get(lower)
    if value is not None:
        return value
    parts = [p for p in re.split(r"['\-]", lower) if p]
    if "'" in lower:  # spaCy's own split: "don't" -> "do" + "n't"
        for clitic in CLITICS:
            if lower.endswith(clitic) and len(lower) > len(clitic):
                parts = [lower[: -len(clitic)], clitic]
                break
    if len(parts) > 1:
        return min(freq.get(p) for p in parts)
    return freq.floor


def _family(freq: FrequencyTable, lower: str) -> float:
    """The log probability of the word family's everyday form ("excellence" -> "excellent")."""
    for suffix, base in FAMILY:
        if lower.endswith(suffix) and len(lower) > len(suffix) + 2:
            return freq.logprob.get(lower[: -len(suffix)] + base, freq.floor)
    return freq.floor


def extract_words(text: str, doc: Any, model: MantraModel, freq: FrequencyTable) -> tuple[Word, ...]:
    function = model.memorability.words["function_words"]
    breaks = [m.start() for m in CLAUSE_BREAK.finditer(text)]
    starts = {s.start_char for s in doc.sents}
    starts |= {t.idx for t in doc if t.i > 0 and doc[t.i - 1].is_sent_start and not (doc[t.i - 1].is_alpha or doc[t.i - 1].like_num)}
    words = []
    clause = 0
    b = 0
    for match in WORD.finditer(text):
        while b < len(breaks) and breaks[b] < match.start():
            b += 1
            clause += 1
        lower = match.group().lower().replace("\u2019", "'")
        pron = pronounce(lower)
        logprob = _logprob(freq, lower)
        lemma = _lemma(doc, match.start(), match.end(), lower)
        familiarity = max(logprob, freq.logprob.get(lemma, freq.floor), _family(freq, lower))
        capital = match.group()[0].isupper() and not match.group().isupper()
        rare = familiarity < model.simplicity.familiar_logprob
        words.append(
            Word(
                text=match.group(),
                lower=lower,
                lemma=lemma,
                start=match.start(),
                end=match.end(),
                clause=clause,
                pron=pron,
                logprob=logprob,
                familiarity=familiarity,
                function=lower in function,
                name=capital and rare and (match.start() not in starts or pron.spelled or lower in freq.capitalised),
            )
        )
    return tuple(words)


def measure(text: str, doc: Any, model: MantraModel, freq: FrequencyTable, hedge_regex: re.Pattern[str]) -> Features:
    """All the facts about one mantra (``doc`` is the pipeline's Doc of ``text``)."""
    words = extract_words(text, doc, model, freq)
    n = len(words)
    sentences = sum(1 for s in doc.sents if any(t.is_alpha or t.like_num for t in s)) if n else 0
    fragments = _fragments(text, doc, model.memorability.fragment_words)
    lexicon = dictionary()
    syllables = sum(w.pron.syllables for w in words)
    simp = model.simplicity
    scored = [w for w in words if not w.is_number and not w.name]
    familiar = sum(1 for w in scored if w.familiarity >= simp.familiar_logprob)
    jargon_re, self_re = _regexes(model)
    content = [w for w in words if not w.function and not w.is_number]
    mem = model.memorability.words
    lowered = text.replace("\u2019", "'")
    jargon = [(m.start(), m.end()) for m in jargon_re.finditer(lowered)]
    # Jargon is rare in general English but a cliche in corporate copy: it is not the
    # distinctive word choice of memorable lines, so it is left out of that measure.
    distinct = [w for w in content if not any(s <= w.start < e for s, e in jargon)] or content
    return Features(
        words=words,
        characters=len(text.strip()),
        sentences=sentences,
        lines=1 if fragments else sentences,
        fragments=fragments,
        syllables=syllables,
        familiar_share=familiar / len(scored) if scored else 1.0,
        reading_ease=_flesch(n, max(sentences, 1), syllables),
        long_words=_unique((w.lower, w.pron.syllables) for w in scored if w.pron.syllables >= simp.long_word_syllables),
        rare_words=_unique(w.lower for w in scored if w.familiarity < simp.familiar_logprob),
        jargon=_unique((m.group().lower(), simp.jargon[" ".join(m.group().lower().split())]) for m in jargon_re.finditer(lowered)),
        spelled_words=_unique(w.lower for w in words if w.pron.spelled and not w.is_number),
        names=_unique(w.text for w in words if w.name),
        alliteration=_alliteration(content, words, model.memorability.alliteration_window),
        end_rhymes=_end_rhymes(words),
        internal_rhymes=_internal_rhymes(content),
        assonance=_assonance(content, model.memorability.assonance_min),
        repeated_words=_repeated(content),
        parallel=_parallel(words) + ((f"a run of {len(fragments)} short fragments",) if fragments else ()),
        stress_pattern=" ".join(_stress(w) for w in words),
        alternation=_alternation(words),
        content_logprob=sum(w.logprob for w in distinct) / len(distinct) if distinct else (sum(w.logprob for w in words) / n if n else 0.0),
        function_share=sum(1 for w in words if w.function) / n if n else 0.0,
        word_length=sum(len(w.lower) for w in words) / n if n else 0.0,
        mean_familiarity=sum(w.familiarity for w in scored) / len(scored) if scored else 0.0,
        indefinite_articles=tuple(w.lower for w in words if w.lower in mem["indefinite_articles"]),
        third_person=tuple(w.lower for w in words if w.lower in mem["third_person_pronouns"]),
        first_second=tuple(w.lower for w in words if w.lower in mem["first_second_pronouns"]),
        present_tense=tuple(w.lower for w in words if w.lower in mem["present_tense"]),
        past_tense=tuple(w.lower for w in words if lexicon.past_form(w.lower) is not None),
        imperative=_imperative(words, lexicon, mem["verb_leads"]),
        verbs=_verbs(words, lexicon, model),
        benefits=_unique(w.lower for w in words if w.lower in mem["benefit_words"] or w.lemma in mem["benefit_words"]),
        abstract=_unique(w.lower for w in content if len(w.lower) > 5 and w.lower.endswith(model.memorability.abstract_suffixes) and not w.name),
        people=_unique(w.lower for w in words if w.lower in model.focus.people),
        actions=_unique(w.lower for w in words if _is_action(w, model)),
        self_talk=_unique(m.group().lower() for m in self_re.finditer(lowered)),
        passive=_passive(words, model),
        hedges=_unique(" ".join(m.group().lower().split()) for m in hedge_regex.finditer(lowered)),
    )


def _unique(items: Any) -> tuple[Any, ...]:
    return tuple(dict.fromkeys(items))


def _flesch(words: int, sentences: int, syllables: int) -> float:
    if not words:
        return 0.0
    return round(206.835 - 1.015 * words / sentences - 84.6 * syllables / words, 1)


def _fragments(text: str, doc: Any, most: int) -> tuple[str, ...]:
    """The sentences of a run of two or more short fragments, each of at most ``most``
    words ("Listen first. Fix fast. Follow up."): read as one line, not as many sentences."""
    found: list[str] = []
    for sent in doc.sents:
        count = len(WORD.findall(sent.text))
        if count:
            if count > most:
                return ()
            found.append(sent.text.strip())
    return tuple(found) if len(found) >= 2 else ()


def _imperative(words: Sequence[Word], lexicon: Dictionary, leads: frozenset[str]) -> str:
    """The verb an instruction opens with ("Just do it", "Think different", "Listen first"),
    after a leading "just", "always", "never"...; "" when the line opens otherwise."""
    i = 0
    while i < len(words) - 1 and words[i].lower in leads:
        i += 1
    if not words:
        return ""
    first = words[i].lower
    if first in NOT_IMPERATIVE or not lexicon.is_verb(first):
        return ""
    if i + 1 < len(words) and words[i + 1].clause == words[i].clause:
        after = words[i + 1].lower
        # "People serving people", "Customers are...": the first word is the subject
        if lexicon.ing_lemma(after) is not None or lexicon.past_form(after) is not None or after in SUBJECT_NEXT:
            return ""
    return first


def _verbs(words: Sequence[Word], lexicon: Dictionary, model: MantraModel) -> tuple[str, ...]:
    """Words that are verbs here: an -ing or past form of a dictionary verb, a dictionary verb
    after a pronoun or a modal ("we serve", "you can"), an instruction's opening verb, or a
    verb of doing from the focus list. Without a tagger a noun that is also a verb ("milk")
    counts only after a pronoun or modal."""
    subjects = model.memorability.words["verb_leads"] | {"i", "we", "you", "they", "he", "she", "it", "who", "can", "will", "would", "could", "should", "must", "may", "might", "to"}
    found: list[str] = []
    lead = _imperative(words, lexicon, model.memorability.words["verb_leads"])
    for i, w in enumerate(words):
        word = w.lower
        after = i > 0 and words[i - 1].lower in subjects
        if (
            (lead and word == lead and not found)
            or lexicon.ing_lemma(word) is not None and word not in model.focus.not_actions
            or lexicon.past_form(word) is not None
            or after and (lexicon.is_verb(word) or (word.endswith("s") and lexicon.is_verb(word[:-1])))
            or w.lemma in model.focus.actions and not w.function
        ):
            found.append(word)
    return _unique(found)


def _is_action(word: Word, model: MantraModel) -> bool:
    focus = model.focus
    if word.lemma in focus.actions or word.lower in focus.actions:
        return True
    return word.lower.endswith("ing") and len(word.lower) > 4 and not word.function and word.lower not in focus.people and word.lower not in focus.not_actions


def _passive(words: Sequence[Word], model: MantraModel) -> tuple[str, ...]:
    focus = model.focus
    found = []
    for a, b in pairwise(words):
        if a.lower in focus.passive_be and a.clause == b.clause:
            participle = b.lower in focus.passive_participles or dictionary().ed_lemma(b.lower) is not None
            if participle and b.lower not in focus.not_participles:
                found.append(f"{a.lower} {b.lower}")
    return _unique(found)


def _alliteration(content: Sequence[Word], words: Sequence[Word], window: int) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """Runs of content words opening with the same consonant sound, each within
    ``window`` words of the previous one, naming at least two different words."""
    position = {id(w): i for i, w in enumerate(words)}
    groups: list[tuple[str, list[Word]]] = []
    open_runs: dict[str, list[Word]] = {}
    for w in content:
        onset = w.pron.onset
        if onset is None:
            continue
        run = open_runs.get(onset)
        if run is not None and position[id(w)] - position[id(run[-1])] <= window:
            run.append(w)
        else:
            run = open_runs[onset] = [w]
            groups.append((onset, run))
    out = []
    for onset, run in groups:
        distinct = _unique(w.lower for w in run)
        if len(distinct) >= 2:
            out.append((onset, distinct))
    return tuple(out)


def _rhymes(a: Word, b: Word) -> bool:
    ra, rb = a.pron.rhyme, b.pron.rhyme
    if not ra or ra != rb or a.lower == b.lower or a.lemma == b.lemma:
        return False
    last_a, last_b = a.lower.rsplit("-", 1)[-1], b.lower.rsplit("-", 1)[-1]
    if last_a.endswith(last_b) or last_b.endswith(last_a):  # "world-class"/"best-in-class": the same word
        return False
    # "serving"/"giving" share only an unstressed ending; a rhyme needs its stressed vowel
    return a.pron.stressed_vowels != () and b.pron.stressed_vowels != ()


def _end_rhymes(words: Sequence[Word]) -> tuple[tuple[str, str], ...]:
    """The last words of consecutive clauses that rhyme ("vague ... Haig")."""
    ends: list[Word] = []
    for i, w in enumerate(words):
        if i + 1 == len(words) or words[i + 1].clause != w.clause:
            ends.append(w)
    return _unique((a.lower, b.lower) for a, b in pairwise(ends) if _rhymes(a, b))


def _internal_rhymes(content: Sequence[Word]) -> tuple[tuple[str, str], ...]:
    found = []
    for i, a in enumerate(content):
        for b in content[i + 1 :]:
            if _rhymes(a, b):
                found.append((a.lower, b.lower))
    return _unique(found)


def _assonance(content: Sequence[Word], minimum: int) -> tuple[tuple[str, tuple[str, ...]], ...]:
    by_vowel: dict[str, list[str]] = {}
    for w in content:
        for vowel in dict.fromkeys(w.pron.stressed_vowels):
            if w.lower not in by_vowel.setdefault(vowel, []):
                by_vowel[vowel].append(w.lower)
    return tuple((v, tuple(ws)) for v, ws in sorted(by_vowel.items()) if len(ws) >= minimum)


def _repeated(content: Sequence[Word]) -> tuple[tuple[str, int], ...]:
    counts = Counter(w.lemma for w in content)
    first: dict[str, str] = {}
    for w in content:
        first.setdefault(w.lemma, w.lower)
    return tuple((first[lemma], n) for lemma, n in counts.items() if n >= 2)


def _parallel(words: Sequence[Word]) -> tuple[str, ...]:
    """Repeated phrases, clauses opening or closing alike, a word framing its clause."""
    found: list[str] = []
    lowers = [w.lower for w in words]
    seen: set[tuple[str, ...]] = set()
    for size in (4, 3, 2):
        for i in range(len(lowers) - size + 1):
            gram = tuple(lowers[i : i + size])
            if gram in seen or any(set(gram) <= set(s) and _contains(s, gram) for s in seen):
                continue
            if any(tuple(lowers[j : j + size]) == gram for j in range(i + size, len(lowers) - size + 1)) and not all(words[i + k].function for k in range(size)):
                seen.add(gram)
                found.append("repeated phrase: " + " ".join(gram))
    clauses: dict[int, list[Word]] = {}
    for w in words:
        clauses.setdefault(w.clause, []).append(w)
    runs = [ws for ws in clauses.values() if ws]
    if len(runs) >= 2:
        openings = Counter(ws[0].lower for ws in runs)
        found += [f"clauses open alike: {w}" for w, n in openings.items() if n >= 2]
        closings = Counter(ws[-1].lower for ws in runs if len(ws) > 1)
        found += [f"clauses close alike: {w}" for w, n in closings.items() if n >= 2]
    for ws in runs:
        if len(ws) >= 3 and ws[0].lemma == ws[-1].lemma and not ws[0].function:
            found.append(f"framed: {ws[0].lower} ... {ws[-1].lower}")
    return _unique(found)


def _contains(longer: tuple[str, ...], shorter: tuple[str, ...]) -> bool:
    n = len(shorter)
    return any(longer[i : i + n] == shorter for i in range(len(longer) - n + 1))


def _syllable_stresses(word: Word) -> str:
    """'1' stressed, '0' unstressed per syllable; a one-syllable function word is unstressed."""
    stresses = word.pron.stresses
    if len(stresses) == 1:
        return "0" if word.function else "1"
    return "".join("1" if s in "12" else "0" for s in stresses)


def _stress(word: Word) -> str:
    return _syllable_stresses(word).replace("1", "/").replace("0", "x")


def _alternation(words: Sequence[Word]) -> float:
    seq = "".join(_syllable_stresses(w) for w in words)
    if len(seq) < 2:
        return 0.5
    return round(sum(1 for a, b in pairwise(seq) if a != b) / (len(seq) - 1), 3)
