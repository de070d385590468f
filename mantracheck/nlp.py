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

        def lookup_lemmatize(self, token: Any) -> list[str]:
            table = self.lookups.get_table("lemma_lookup", {})
            lower = token.lower_
            return [table.get(lower, lower)]

        def __call__(self, doc: Any) -> Any:
            import numpy

            if len(doc) == 0:
                return doc
            cache = self.__dict__.setdefault("_mc_cache", {})
            table = self.lookups.get_table("lemma_lookup", {})
            strings = doc.vocab.strings
            lowers = doc.to_array("LOWER").tolist()
            lemmas = []
            for h in lowers:
                lemma = cache.get(h)
                if lemma is None:
                    word = strings[h]
                    lemma = cache[h] = strings.add(table.get(word, word))
                lemmas.append(lemma)
            doc.from_array(["LEMMA"], numpy.asarray(lemmas, dtype="uint64").reshape(-1, 1))
            return doc

    @Language.factory("mantracheck_lemmatizer", default_config={"mode": "lookup", "overwrite": True})
    def make_lemmatizer(nlp: Any, name: str, mode: str, overwrite: bool) -> Any:
        return LowerLookupLemmatizer(nlp.vocab, None, name, mode=mode, overwrite=overwrite)

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


def _build_blank() -> Pipeline:
    import spacy

    _register_components()
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    nlp.add_pipe("mantracheck_paragraphs")
    nlp.add_pipe("mantracheck_lemmatizer")
    try:
        nlp.initialize()  # loads the lemma tables from the installed spacy-lookups-data
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


def get_pipeline(name: str | None = None) -> Pipeline:
    """The pipeline for ``name`` (None: the built-in blank English one), built once."""
    with _lock:
        pipeline = _cache.get(name)
        if pipeline is None:
            pipeline = _build_blank() if name in (None, "", "blank", "blank:en") else _load_trained(name)
            _cache[name] = pipeline
        return pipeline


def language(name: str | None = None) -> Language:
    return get_pipeline(name).nlp
