"""The spaCy pipeline: built lazily, once per process, never downloaded.

By default: ``spacy.blank("en")`` + a sentencizer that also breaks at blank lines + the
lookup lemmatizer fed from ``spacy-lookups-data`` (lower-cased lemmas, so that rule
patterns need not care about capitals). A trained pipeline may be named by package name
or path; it is loaded if installed and never fetched.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
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
#: How to forget what is built on a pipeline (``built_on_pipelines``).
_dependents: list[Callable[[], None]] = []


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

        return ArrayAnnotator(nlp.vocab, Sentencizer.default_punct_chars)

    @Language.component("mantracheck_paragraphs")
    def paragraphs(doc: Any) -> Any:
        """A blank line ends a sentence, whatever the punctuation (headers, sign-offs); and a
        sentence starts at a token that is not white space."""
        text = doc.text
        for match in _PARAGRAPH.finditer(text):
            span = doc.char_span(match.end(), match.end() + 1, alignment_mode="expand")
            if span is not None and span.start > 0:
                doc[span.start].is_sent_start = True
                gap = doc[span.start - 1]
                if gap.is_space and gap.i > 0 and gap.is_sent_start:
                    gap.is_sent_start = False  # the break belongs to the sentence before it
        for token in doc:
            if token.is_space and token.is_sent_start:
                after = next((t for t in doc[token.i + 1 :] if not t.is_space), None)
                if after is not None:
                    after.is_sent_start = True
                    if token.i > 0:
                        token.is_sent_start = False
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


#: What ``engine.context.Columns`` reads off a Doc, in this order (one ``to_array``).
COLUMN_NAMES = ("IDX", "LENGTH", "SENT_START", "IS_SPACE", "IS_PUNCT", "IS_ALPHA", "LIKE_NUM", "LOWER", "NORM", "ORTH", "LEMMA", "IS_TITLE")
#: Where the blank pipeline leaves those columns in ``doc.user_data``.
COLUMNS_KEY = "mantracheck.columns"
#: Where it leaves each Doc's sentence spans, word count and length (``sentences_of``).
SENTENCES_KEY = "mantracheck.sentences"

_AT = {name: i for i, name in enumerate(COLUMN_NAMES)}
#: The columns that depend on the word alone (its lexeme) and the lemma of its lower-cased
#: form, kept once per word; IDX, NORM (a tokenizer exception may set it on the token:
#: "n't" -> "not") and SENT_START belong to the token.
_WORD_COLUMNS = ("LENGTH", "IS_SPACE", "IS_PUNCT", "IS_ALPHA", "LIKE_NUM", "LOWER", "ORTH", "IS_TITLE")
#: The word table's extra column after COLUMN_NAMES: 1 for sentence-final punctuation.
_FINAL = len(COLUMN_NAMES)


class ArrayAnnotator:
    """The blank pipeline's one component after the tokenizer: spaCy's ``sentencizer``
    followed by ``mantracheck_paragraphs`` (sentence starts, also at blank lines) and the
    lower-case lookup lemmas, computed on arrays and written with one ``from_array``.

    It reads only the token-level columns off the Doc (ORTH, IDX, NORM, SPACY); what depends
    on the word alone comes from a table of the words seen so far, one row per word, laid
    out as ``COLUMN_NAMES`` (plus a sentence-final flag), so that one fancy index gives most
    of a Doc's columns. It leaves those ``COLUMN_NAMES`` columns in
    ``doc.user_data[COLUMNS_KEY]``, so that the linter does not read them again, and the
    Doc's sentence spans and word count in ``doc.user_data[SENTENCES_KEY]``. ``nlp.pipe``
    hands it whole batches, whose arrays it works on end to end. The same annotations and
    columns as the components it stands for and as ``to_array``, a Doc alone or in a batch
    (tests/test_nlp.py compares them).

    The sentence starts: a sentence starts after a run of sentence-final punctuation at the
    first token that is neither punctuation nor sentence-final (spaCy's
    ``Sentencizer.predict``); so such a "word" token starts one exactly when a
    sentence-final token lies between it and the word token before it. A blank line starts
    one at the token that holds the character after it (``char_span(..,
    alignment_mode="expand")``), moving a start off a whitespace token just before it.
    """

    _READ = ("ORTH", "IDX", "NORM", "SPACY")

    def __init__(self, vocab: Any, punct_chars: Any) -> None:
        import numpy
        from spacy.attrs import IDS

        self.punct = frozenset(vocab.strings.add(c) for c in punct_chars)
        self.table: dict[str, str] = {}
        self._ids = [IDS[name] for name in self._READ]
        self._row: dict[int, int] = {}  # ORTH -> its row in self._words
        self._words = numpy.zeros((4096, len(COLUMN_NAMES) + 1), dtype="uint64")
        self._word_at = [_AT[name] for name in _WORD_COLUMNS]
        self._adding = threading.Lock()

    def use_table(self, table: dict[str, str]) -> None:
        with self._adding:
            self.table = table
            self._row.clear()  # the lemmas change

    def _rows(self, orth: list[int], vocab: Any) -> list[int]:
        rows = list(map(self._row.get, orth))
        if None in rows:
            for i, row in enumerate(rows):
                if row is None:
                    rows[i] = self._add(orth[i], vocab)
        return rows  # type: ignore[return-value]

    def _add(self, orth: int, vocab: Any) -> int:
        with self._adding:  # (a row is claimed and filled in one step, whatever the threads)
            row = self._row.get(orth)
            if row is not None:
                return row  # (seen twice in the same Doc, or added meanwhile)
            return self._add_new(orth, vocab)

    def _add_new(self, orth: int, vocab: Any) -> int:
        import numpy

        lex = vocab[orth]
        row = len(self._row)
        if row == len(self._words):
            self._words = numpy.concatenate([self._words, numpy.zeros_like(self._words)])
        word = lex.lower_
        values = self._words[row]
        values[self._word_at] = numpy.array([len(lex.orth_), lex.is_space, lex.is_punct, lex.is_alpha, lex.like_num, lex.lower, orth, lex.is_title], dtype="uint64")
        values[_AT["LEMMA"]] = vocab.strings.add(self.table.get(word, word))
        values[_FINAL] = orth in self.punct
        self._row[orth] = row
        return row

    def __call__(self, doc: Any) -> Any:
        self._annotate([doc])
        return doc

    def pipe(self, docs: Iterable[Any], batch_size: int = 128) -> Iterator[Any]:
        """``__call__`` on batches of Docs (what ``nlp.pipe`` calls): each step runs once on
        the batch's arrays laid end to end, not once per Doc (on reply-sized texts, numpy's
        cost per call, not per token, was most of the annotator's time)."""
        from spacy.util import minibatch

        for batch in minibatch(docs, size=batch_size):
            self._annotate(batch)
            yield from batch

    def _annotate(self, batch: list[Any]) -> None:
        import numpy
        from spacy.attrs import LEMMA, SENT_START

        docs = [doc for doc in batch if len(doc)]
        if not docs:
            return
        k = len(self._ids)
        reads = [doc.to_array(self._ids).reshape(len(doc), k) for doc in docs]
        read = reads[0] if len(reads) == 1 else numpy.concatenate(reads)
        lengths = numpy.array([len(doc) for doc in docs])
        bounds = numpy.zeros(len(docs) + 1, dtype="int64")
        numpy.cumsum(lengths, out=bounds[1:])  # Doc i holds rows bounds[i] .. bounds[i + 1]
        firsts, edges = bounds[:-1], bounds.tolist()
        rows = self._rows(read[:, 0].tolist(), docs[0].vocab)  # (may grow the table: first)
        columns = self._words[rows]
        columns[:, _AT["IDX"]] = read[:, 1]
        columns[:, _AT["NORM"]] = read[:, 2]
        final, punct = columns[:, _FINAL], columns[:, _AT["IS_PUNCT"]]
        sent = numpy.full(len(columns), -1, dtype="int64")
        sent[firsts] = 1
        words = numpy.flatnonzero((final | punct) == 0)
        if len(words):
            # A word starts a sentence when a sentence-final token lies between it and the
            # word before it in its Doc (or the Doc's start): counts of such tokens so far.
            finals = numpy.cumsum(final)
            at_word = finals[words]
            before = numpy.empty_like(at_word)
            before[1:] = at_word[:-1]
            doc_of_word = numpy.searchsorted(bounds, words, side="right") - 1
            opens = numpy.ones(len(words), dtype=bool)  # the first word of its Doc
            opens[1:] = doc_of_word[1:] != doc_of_word[:-1]
            before[opens] = (finals - final)[firsts[doc_of_word[opens]]]
            sent[words[at_word > before]] = 1
        spaces = numpy.flatnonzero(columns[:, _AT["IS_SPACE"]])
        if len(spaces):
            cuts = numpy.searchsorted(spaces, bounds).tolist()
            at = spaces.tolist()
            starts = columns[spaces, _AT["IDX"]].tolist()
            strings = docs[0].vocab.strings
            texts = [strings[o] for o in columns[spaces, _AT["ORTH"]].tolist()]
            trailing = read[spaces, 3].tolist()
            for i in range(len(docs)):
                lo, hi = cuts[i], cuts[i + 1]
                if lo < hi:
                    base, end = edges[i], edges[i + 1]
                    local = [a - base for a in at[lo:hi]]
                    self._paragraphs(columns[base:end], local, starts[lo:hi], texts[lo:hi], trailing[lo:hi], sent[base:end])
            self._off_space(columns[:, _AT["IS_SPACE"]], sent, bounds)
        columns[:, _AT["SENT_START"]] = sent.view("uint64")
        written = columns[:, [_AT["SENT_START"], _AT["LEMMA"]]]
        found = sentences_of(columns, bounds)
        for i, doc in enumerate(docs):
            lo, hi = edges[i], edges[i + 1]
            doc.from_array([SENT_START, LEMMA], written[lo:hi])
            doc.user_data[COLUMNS_KEY] = columns[lo:hi, :_FINAL]
            doc.user_data[SENTENCES_KEY] = found[i]

    @staticmethod
    def _off_space(space: Any, sent: Any, bounds: Any) -> None:
        """A sentence starts at a token that is not white space: a start that spaCy's rule or
        a blank line put on a whitespace token ("Shipped.\n  Send us...", two spaces after a
        full stop) moves to the next token of its Doc that is not (the Doc's first token
        stays a start too); with none after it, it stays."""
        import numpy

        on_space = numpy.flatnonzero((sent == 1) & (space != 0))
        if not len(on_space):
            return
        solid = numpy.flatnonzero(space == 0)
        after = numpy.searchsorted(solid, on_space)
        doc_end = bounds[numpy.searchsorted(bounds, on_space, side="right")]
        firsts = set(bounds[:-1].tolist())
        for at, j, end in zip(on_space.tolist(), after.tolist(), doc_end.tolist()):
            if j < len(solid) and solid[j] < end:
                sent[solid[j]] = 1
                if at not in firsts:
                    sent[at] = -1

    @staticmethod
    def _paragraphs(columns: Any, at: list[int], starts: list[int], words: list[str], trailing: list[int], sent: Any) -> None:
        """``mantracheck_paragraphs`` on one Doc's arrays. A blank line lies in whitespace,
        and the text's whitespace is the whitespace tokens plus single trailing spaces, so
        the regex runs over each run of consecutive whitespace tokens (not over
        ``doc.text``, which builds a Token object per token): ``at`` holds their positions,
        ``starts`` their character offsets, ``words`` their text and ``trailing`` whether a
        space follows each."""
        import bisect

        n = len(columns)
        texts = [w + " " if t else w for w, t in zip(words, trailing)]
        k, m = 0, len(at)
        while k < m:
            first = k  # a run of consecutive whitespace tokens: at[first] .. at[k]
            while k + 1 < m and at[k + 1] == at[k] + 1:
                k += 1
            run = texts[first] if k == first else "".join(texts[first : k + 1])
            last, k = k, k + 1
            if run.count("\n") < 2:
                continue
            for match in _PARAGRAPH.finditer(run):
                char = starts[first] + match.end()
                r = bisect.bisect_right(starts, char, first, last + 1) - 1  # the run's token at or before char
                end = starts[r] + len(words[r])
                if char < end:
                    start = at[r]
                elif char < end + trailing[r] or at[r] + 1 < n:
                    start = at[r] + 1  # its trailing space, or just after the run: the next token
                else:
                    continue  # no token holds it (the text ends there)
                if 0 < start < n:
                    sent[start] = 1
                    gap = start - 1
                    if columns[gap, _AT["IS_SPACE"]] and gap > 0 and sent[gap] == 1:
                        sent[gap] = -1  # the break belongs to the sentence before it


def sentences_of(columns: Any, bounds: Any) -> list[tuple[list[tuple[int, int]], int, int]]:
    """For each Doc of ``columns`` (laid out as ``COLUMN_NAMES``, uint64; Doc ``i`` in rows
    ``bounds[i]`` to ``bounds[i + 1]``, none empty): its sentence spans, its word count and
    its length. What ``TextContext.sentences`` and ``word_count`` are, defined here once.

    A sentence starts at each token whose SENT_START is 1, and at each Doc's first token; it
    runs from its first token that is neither space nor punctuation to the end of its last
    token (a trailing whitespace token ends it where that token starts); sentences without
    such a token are left out. A word is a token that is alphabetic or like a number.
    """
    import numpy

    idx, length, space = columns[:, _AT["IDX"]], columns[:, _AT["LENGTH"]], columns[:, _AT["IS_SPACE"]]
    n_docs = len(bounds) - 1
    firsts = bounds[:-1]
    counts = numpy.add.reduceat((columns[:, _AT["IS_ALPHA"]] | columns[:, _AT["LIKE_NUM"]]).astype("int64"), firsts).tolist()
    sizes = numpy.diff(bounds).tolist()
    is_start = columns[:, _AT["SENT_START"]] == 1
    is_start[firsts] = True
    starts = numpy.flatnonzero(is_start)
    wordlike = numpy.flatnonzero((space == 0) & (columns[:, _AT["IS_PUNCT"]] == 0))
    if len(wordlike) == 0:
        return [([], counts[i], sizes[i]) for i in range(n_docs)]
    stops = numpy.append(starts[1:], len(columns))
    first = wordlike[numpy.minimum(numpy.searchsorted(wordlike, starts), len(wordlike) - 1)]  # first word at or after each start
    has_word = (first >= starts) & (first < stops)
    last = stops - 1
    ends = idx[last] + numpy.where(space[last] != 0, 0, length[last])
    spans = list(zip(idx[first[has_word]].tolist(), ends[has_word].tolist()))
    cuts = numpy.searchsorted(starts[has_word], bounds).tolist()
    return [(spans[cuts[i] : cuts[i + 1]], counts[i], sizes[i]) for i in range(n_docs)]


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


#: A name ``import`` takes as a top-level module (no dots: a dotted name imports its parents).
_MODULE_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
_META_BYTES = 1 << 20


def pipeline_package_problem(name: str, *, untrusted: Path | None = None) -> str | None:
    """Why ``name`` is not an installed spaCy pipeline package, or None; found without
    importing anything (``spacy.load`` imports a package of that name and calls its
    ``load()``, whatever the package). A pipeline package is what ``spacy package`` builds:

    - an installed distribution of that name (``spacy.util.is_package``'s test) declaring
      itself in the entry-point group ``spacy_models`` (what ``spacy.util.get_installed_models``
      lists);
    - the module ``import name`` finds (``importlib.util.find_spec``, which runs nothing) is
      a package folder holding a ``meta.json`` with ``lang`` and ``pipeline`` (what
      ``spacy.util.get_package_path`` would find by importing it);
    - that folder is not inside ``untrusted`` (the repository: ``python -m`` puts the current
      folder on ``sys.path``, so a package committed there would be found first), unless it
      lies in this interpreter's site-packages (a virtual environment in the repository's
      ``.venv`` is installed, not committed).
    """
    import importlib.util
    import json
    from importlib import metadata

    if not _MODULE_NAME.match(name):
        return "not the name of an installed spaCy pipeline package (a path, or not a plain package name)"
    try:
        dist = metadata.distribution(name)
    except (metadata.PackageNotFoundError, ValueError):
        return "not an installed spaCy pipeline package (nothing of that name is installed; mantracheck never downloads one)"
    if not any(ep.group == "spacy_models" and ep.name == name and ep.value.split(":")[0].strip() == name for ep in dist.entry_points):
        return "not an installed spaCy pipeline package (the installed package of that name declares no spaCy pipeline)"
    try:
        spec = importlib.util.find_spec(name)
    except (ImportError, ValueError):
        spec = None
    folders = list(spec.submodule_search_locations or ()) if spec is not None else []
    if len(folders) != 1:
        return "not an installed spaCy pipeline package (no package folder of that name is importable)"
    folder = Path(folders[0]).resolve()
    if untrusted is not None and folder.is_relative_to(untrusted.resolve()) and folder.parent not in _site_packages():
        return f"not an installed spaCy pipeline package: the package that would be imported is inside the repository ({folder})"
    meta_path = folder / "meta.json"
    try:
        with open(meta_path, "rb") as handle:
            meta = json.loads(handle.read(_META_BYTES))
    except (OSError, ValueError):
        meta = None
    if not isinstance(meta, dict) or not isinstance(meta.get("lang"), str) or not isinstance(meta.get("pipeline"), list):
        return "not an installed spaCy pipeline package (its folder has no meta.json with 'lang' and 'pipeline')"
    return None


def _site_packages() -> set[Path]:
    """The folders this interpreter installs packages into (its environment's and the user's)."""
    import site
    import sysconfig

    found = {sysconfig.get_paths()[key] for key in ("purelib", "platlib")}
    found.update(getattr(site, "getsitepackages", list)())
    if site.ENABLE_USER_SITE:
        found.add(site.getusersitepackages())
    return {Path(p).resolve() for p in found}


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


def built_on_pipelines(cache: dict[Any, Any]) -> dict[Any, Any]:
    """Declare a module's cache of objects built on a pipeline (a matcher on its vocabulary,
    a linter): ``release_pipelines`` empties it with the pipelines. Returns ``cache``."""
    _dependents.append(cache.clear)
    return cache


def release_pipelines() -> None:
    """Forget every pipeline this process built, and every cache declared with
    ``built_on_pipelines``: the next use builds them afresh. spaCy's vocabulary keeps every
    word a pipeline has read (reference numbers, addresses, names: a few KB a reply on real
    archives), so a process that lives for a whole archive calls this now and then; what
    still holds the old objects keeps them until it lets go. Not safe while another thread
    is using a pipeline through these caches: callers hold their own lint lock."""
    with _lock:
        for clear in _dependents:
            clear()
        _cache.clear()


def language(name: str | None = None) -> Language:
    return get_pipeline(name).nlp
