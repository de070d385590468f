"""The spaCy pipeline: built lazily, once per process, never downloaded.

By default: ``spacy.blank("en")`` + a sentencizer that also breaks at blank lines + the
lookup lemmatizer fed from ``spacy-lookups-data`` (lower-cased lemmas, so that rule
patterns need not care about capitals). A trained pipeline may be named by package name
or path; it is loaded if installed and never fetched.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from mantracheck.errors import PipelineError

if TYPE_CHECKING:  # pragma: no cover
    from spacy.language import Language

#: What a rule may declare under ``needs``.
CAPABILITIES = ("lemma", "pos", "dep")

_PARAGRAPH = re.compile(r"\n[ \t\r\f\v]*\n")
_lock = threading.Lock()
_cache: dict[str | None, Pipeline] = {}
_registered = False


@dataclass(frozen=True)
class Pipeline:
    nlp: Any  # spacy.language.Language
    name: str
    capabilities: frozenset[str]


def _register_components() -> None:
    """Register our two small components with spaCy (once)."""
    global _registered
    if _registered:
        return
    from spacy.language import Language
    from spacy.pipeline import Lemmatizer

    class LowerLookupLemmatizer(Lemmatizer):
        """spaCy's lookup lemmatizer, keyed on the lower-cased form ("Thanks" -> "thanks").

        Lemmas depend only on the lower-cased word, so they are cached per word and written
        with one ``Doc.from_array`` call instead of a Python call per token.
        """

        def use_table(self, table: dict[str, str]) -> None:
            """Lemmas from this plain word -> lemma dict (what ``initialize`` would have put
            into a spaCy ``Table``; the dict loads in a sixth of the time)."""
            self.__dict__["_mc_table"] = table

        def _table(self) -> Any:
            table = self.__dict__.get("_mc_table")
            return table if table is not None else self.lookups.get_table("lemma_lookup", {})

        def lookup_lemmatize(self, token: Any) -> list[str]:
            table = self._table()
            lower = token.lower_
            return [table.get(lower, lower)]

        def __call__(self, doc: Any) -> Any:
            import numpy

            if len(doc) == 0:
                return doc
            cache = self.__dict__.setdefault("_mc_cache", {})
            lemmas = lookup_lemmas(doc.to_array("LOWER").tolist(), doc.vocab.strings, self._table(), cache)
            doc.from_array(["LEMMA"], numpy.asarray(lemmas, dtype="uint64").reshape(-1, 1))
            return doc

    @Language.factory("mantracheck_lemmatizer", default_config={"mode": "lookup", "overwrite": True})
    def make_lemmatizer(nlp: Any, name: str, mode: str, overwrite: bool) -> Any:
        return LowerLookupLemmatizer(nlp.vocab, None, name, mode=mode, overwrite=overwrite)

    @Language.factory("mantracheck_annotate")
    def make_annotator(nlp: Any, name: str) -> Any:
        from spacy.pipeline import Sentencizer

        return ArrayAnnotator(ArraySentencizer(nlp.vocab, Sentencizer.default_punct_chars))

    @Language.component("mantracheck_paragraphs")
    def paragraphs(doc: Any) -> Any:
        """A blank line ends a sentence, whatever the punctuation (headers, sign-offs)."""
        text = doc.text
        for match in _PARAGRAPH.finditer(text):
            span = doc.char_span(match.end(), match.end() + 1, alignment_mode="expand")
            if span is not None and span.start > 0:
                doc[span.start].is_sent_start = True
                gap = doc[span.start - 1]
                if gap.is_space and gap.i > 0 and gap.is_sent_start:
                    gap.is_sent_start = False  # the break belongs to the sentence before it
        return doc

    _registered = True


def lookup_lemmas(lowers: list[int], strings: Any, table: dict[str, str], cache: dict[int, int]) -> list[int]:
    """The lemma hashes for these LOWER hashes: the table's lemma of each lower-cased word, or
    the word itself; ``cache`` keeps them per word (a lemma depends on nothing else)."""
    lemmas = []
    for h in lowers:
        lemma = cache.get(h)
        if lemma is None:
            word = strings[h]
            lemma = cache[h] = strings.add(table.get(word, word))
        lemmas.append(lemma)
    return lemmas


class ArraySentencizer:
    """spaCy's ``sentencizer`` followed by ``mantracheck_paragraphs``, computed on the Doc's
    columns (``starts``, for ``ArrayAnnotator``) instead of a Token object per token.

    The same sentence starts, token for token (tests/test_nlp.py compares them with the two
    components it replaces): a sentence starts after a run of sentence-final punctuation at
    the first token that is not punctuation, and a blank line starts one at the token that
    holds the character after it (``char_span(.., alignment_mode="expand")``), moving a start
    off a whitespace token just before it.
    """

    def __init__(self, vocab: Any, punct_chars: Any) -> None:
        self.punct = frozenset(vocab.strings.add(c) for c in punct_chars)

    def starts(self, doc: Any, cols: list[list[int]]) -> list[int]:
        """SENT_START values (1 or -1) from the columns ORTH, IS_PUNCT, IDX, LENGTH, SPACY,
        IS_SPACE of a non-empty Doc."""
        orth, is_punct = cols[0], cols[1]
        n = len(orth)
        punct = self.punct
        starts = [-1] * n
        starts[0] = 1
        start, seen_period = 0, False
        for i in range(n):  # spaCy's Sentencizer.predict
            final = orth[i] in punct
            if seen_period and not is_punct[i] and not final:
                starts[start] = 1
                start, seen_period = i, False
            elif final:
                seen_period = True
        starts[start] = 1
        if any(cols[5]):
            self._paragraphs(doc, cols, starts)
        return starts

    @staticmethod
    def _paragraphs(doc: Any, cols: list[list[int]], starts: list[int]) -> None:
        """``mantracheck_paragraphs`` on the arrays. A blank line lies in whitespace, and the
        text's whitespace is the whitespace tokens plus single trailing spaces, so the
        regex runs over each run of consecutive whitespace tokens (not over ``doc.text``,
        which builds a Token object per token)."""
        import bisect

        orth, idx, length, spacy_ws, is_space = cols[0], cols[2], cols[3], cols[4], cols[5]
        n = len(orth)
        strings = doc.vocab.strings
        i = 0
        while i < n:
            if not is_space[i]:
                i += 1
                continue
            first, pieces = i, []
            while i < n and is_space[i]:
                pieces.append(strings[orth[i]] + (" " if spacy_ws[i] else ""))
                i += 1
            run = "".join(pieces)
            if "\n" not in run:
                continue
            for match in _PARAGRAPH.finditer(run):
                char = idx[first] + match.end()
                t = bisect.bisect_right(idx, char) - 1
                if t < 0 or char >= idx[t] + length[t] + spacy_ws[t]:
                    continue  # no token holds it (the text ends there)
                start = t + 1 if char == idx[t] + length[t] else t
                if 0 < start < n:
                    starts[start] = 1
                    gap = start - 1
                    if is_space[gap] and gap > 0 and starts[gap] == 1:
                        starts[gap] = -1  # the break belongs to the sentence before it


#: What ``engine.context.Columns`` reads off a Doc, in this order (one ``to_array``).
COLUMN_NAMES = ("IDX", "LENGTH", "SENT_START", "IS_SPACE", "IS_PUNCT", "IS_ALPHA", "LIKE_NUM", "LOWER", "NORM", "ORTH", "LEMMA", "IS_TITLE")
#: Where the blank pipeline leaves those columns in ``doc.user_data``.
COLUMNS_KEY = "mantracheck.columns"


class ArrayAnnotator:
    """The blank pipeline's one component after the tokenizer: ``ArraySentencizer``'s
    sentence starts and the lower-case lookup lemmas, from one ``to_array`` and written with
    one ``from_array``; it also leaves the Doc's ``COLUMN_NAMES`` columns in
    ``doc.user_data[COLUMNS_KEY]``, so that the linter does not read them again. The same
    annotations as the two components it stands for (tests/test_nlp.py compares them)."""

    _READ = ("IDX", "LENGTH", "IS_SPACE", "IS_PUNCT", "IS_ALPHA", "LIKE_NUM", "LOWER", "NORM", "ORTH", "IS_TITLE", "SPACY")

    def __init__(self, sentencizer: ArraySentencizer) -> None:
        from spacy.attrs import IDS

        self.sentencizer = sentencizer
        self.table: dict[str, str] = {}
        self._cache: dict[int, int] = {}
        self._ids = [IDS[name] for name in self._READ]
        at = {name: i for i, name in enumerate(self._READ)}
        self._sentence_cols = [at[c] for c in ("ORTH", "IS_PUNCT", "IDX", "LENGTH", "SPACY", "IS_SPACE")]
        self._lower = at["LOWER"]
        self._into = [COLUMN_NAMES.index(name) for name in self._READ[:-1]]  # all but SPACY
        self._sent_at, self._lemma_at = COLUMN_NAMES.index("SENT_START"), COLUMN_NAMES.index("LEMMA")

    def use_table(self, table: dict[str, str]) -> None:
        self.table = table
        self._cache.clear()

    def __call__(self, doc: Any) -> Any:
        import numpy
        from spacy.attrs import LEMMA, SENT_START

        n = len(doc)
        if n == 0:
            return doc
        array = doc.to_array(self._ids).reshape(n, len(self._ids))
        rows = array.T.tolist()
        starts = self.sentencizer.starts(doc, [rows[i] for i in self._sentence_cols])
        lemmas = lookup_lemmas(rows[self._lower], doc.vocab.strings, self.table, self._cache)
        written = numpy.empty((n, 2), dtype="uint64")
        written[:, 0] = numpy.asarray(starts, dtype="int64").astype("uint64")
        written[:, 1] = lemmas
        doc.from_array([SENT_START, LEMMA], written)
        columns = numpy.empty((n, len(COLUMN_NAMES)), dtype="uint64")
        columns[:, self._into] = array[:, :-1]
        columns[:, self._sent_at] = written[:, 0]
        columns[:, self._lemma_at] = written[:, 1]
        doc.user_data[COLUMNS_KEY] = columns
        return doc


def _build_blank() -> Pipeline:
    import spacy

    _register_components()
    nlp = spacy.blank("en")
    # spaCy's sentencizer + blank-line breaks, and the lower-case lookup lemmatizer, on arrays
    lemmatizer: Any = nlp.add_pipe("mantracheck_annotate")
    try:
        # The lemma table of the installed spacy-lookups-data, found as spaCy's own
        # Lemmatizer.initialize finds it, read into a plain dict. Nothing else in the blank
        # pipeline needs initializing (the sentencizer has no data).
        from spacy.util import load_language_data, registry

        lemmatizer.use_table(load_language_data(registry.lookups.get("en")["lemma_lookup"]))
    except Exception as exc:  # pragma: no cover - only without spacy-lookups-data
        raise PipelineError(
            f"cannot load the lemma tables from spacy-lookups-data ({exc}); "
            "reinstall mantracheck with its dependencies"
        ) from exc
    return Pipeline(nlp=nlp, name="blank:en", capabilities=frozenset({"lemma"}))


def _probe_capabilities(nlp: Any) -> frozenset[str]:
    """What the pipeline really annotates, found by running it on a probe sentence."""
    doc = nlp("Please send us the receipt. We will check it today.")
    caps = set()
    if doc.has_annotation("LEMMA"):
        caps.add("lemma")
    if doc.has_annotation("POS") or doc.has_annotation("TAG"):
        caps.add("pos")
    if doc.has_annotation("DEP"):
        caps.add("dep")
    return frozenset(caps)


def _load_trained(name: str) -> Pipeline:
    import spacy

    _register_components()
    try:
        nlp = spacy.load(name)
    except OSError as exc:
        raise PipelineError(
            f"spaCy pipeline {name!r} is not installed (mantracheck never downloads one); "
            "install it as a package or give a path to a saved pipeline"
        ) from exc
    except Exception as exc:
        raise PipelineError(f"spaCy pipeline {name!r} could not be loaded: {exc}") from exc
    if not (nlp.has_pipe("parser") or nlp.has_pipe("senter") or nlp.has_pipe("sentencizer")):
        nlp.add_pipe("sentencizer", first=True)
    if "mantracheck_paragraphs" not in nlp.pipe_names and not nlp.has_pipe("parser"):
        nlp.add_pipe("mantracheck_paragraphs", after="sentencizer" if nlp.has_pipe("sentencizer") else None)
    return Pipeline(nlp=nlp, name=name, capabilities=_probe_capabilities(nlp))


def _harden(pipeline: Pipeline) -> Pipeline:
    """Make a pipeline safe on hostile text, once, where it is built: its tokenizer stays
    linear on long runs of punctuation (``mantracheck.tokenize_guard``), and the built-in blank
    pipeline, which has no parser or NER, takes any text under the file size limit in one piece
    (spaCy's 1,000,000-character guard is about a parser's memory). A trained pipeline keeps
    spaCy's limit; longer texts are skipped with a notice (``api._too_long_for``)."""
    from mantracheck.text.reader import MAX_BYTES
    from mantracheck.tokenize_guard import guard

    guard(pipeline.nlp)
    if pipeline.name == "blank:en":
        pipeline.nlp.max_length = max(pipeline.nlp.max_length, MAX_BYTES + 1)
    return pipeline


def get_pipeline(name: str | None = None) -> Pipeline:
    """The pipeline for ``name`` (None: the built-in blank English one), built once."""
    with _lock:
        pipeline = _cache.get(name)
        if pipeline is None:
            pipeline = _harden(_build_blank() if name in (None, "", "blank", "blank:en") else _load_trained(name))
            _cache[name] = pipeline
        return pipeline


def language(name: str | None = None) -> Language:
    return get_pipeline(name).nlp
