"""All patterns of a run compiled into as few matchers as possible, run once per text."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from mantracheck.engine.kinds import pattern_key
from mantracheck.engine.prefilter import RegexSet
from mantracheck.engine.regex import (
    MATCH_GROUP,
    Re2Pattern,
    compile_re2,
    compile_regex,
    parsed_regex,
)
from mantracheck.engine.schema import Pattern, Rule
from mantracheck.engine.token_matcher import FLAG_ATTRS, STRING_ATTRS, TokenMatcher
from mantracheck.engine.token_matcher import supported as token_matcher_supports
from mantracheck.errors import RuleError
from mantracheck.nlp import COLUMN_NAMES

_POS_ATTRS = {"POS", "TAG", "MORPH"}
#: Token attributes a phrase matcher can key on (TEXT is ORTH): those the array matcher reads.
_STRING_ATTRS = STRING_ATTRS
#: Boolean token flags checked after a phrase match, as Token attribute names (is_title...).
_FLAGS = {name: name.lower() for name in FLAG_ATTRS}
#: A token pattern is compiled to at most this many phrases; past it, spaCy's Matcher runs it.
MAX_VARIANTS = 2000
Check = tuple[int, str, bool]


try:  # the regex parser: re._parser since 3.11, sre_parse before
    from re import _parser as _sre  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover
    import sre_parse as _sre  # type: ignore[no-redef]

MAX_PREFIXES = 64


def literal_prefixes(pattern: str, case_sensitive: bool = False) -> frozenset[str] | None:
    r"""Strings one of which every match of ``pattern`` must contain, case-folded unless
    ``case_sensitive``; None when no such set can be read off.

    Used as a prefilter: a regex none of whose required strings occurs in a text cannot
    match it, so it is not run. Of the required sets the pattern has (one per mandatory
    literal, group or alternation), the most selective is kept: for
    ``\b(?:will|is)\s+(?:\w+\s+){0,4}?(?P<m>immediately|instantly)`` that is
    the alternation's words (the parser factors out their shared "i"), not {"will", "is"}.
    """
    try:
        parsed = parsed_regex(pattern, case_sensitive)
    except Exception:  # noqa: BLE001 - any pattern the parser rejects just gets no prefilter
        return None
    best = _best(_required(list(parsed)))
    if best is None:
        return None
    return frozenset(best if case_sensitive else {p.casefold() for p in best})


def required_literals(pattern: str, case_sensitive: bool = False) -> tuple[frozenset[str], ...]:
    """Every set of strings ``literal_prefixes`` can choose from, most selective first: a
    match must contain one string of *each* set, so a text that lacks all strings of any
    one of them cannot match. () when none can be read off."""
    try:
        parsed = parsed_regex(pattern, case_sensitive)
    except Exception:  # noqa: BLE001 - any pattern the parser rejects just gets no prefilter
        return ()
    found: dict[frozenset[str], None] = {}
    for c in sorted(_usable(_required(list(parsed))), key=_selectivity, reverse=True):
        found.setdefault(frozenset(c if case_sensitive else {p.casefold() for p in c}), None)
    return tuple(found)


def _usable(candidates: list[set[str]]) -> list[set[str]]:
    return [c for c in candidates if c and "" not in c and len(c) <= MAX_PREFIXES]


def _selectivity(c: set[str]) -> tuple[int, int]:
    return (min(len(x) for x in c), -len(c))


def _best(candidates: list[set[str]]) -> set[str] | None:
    usable = _usable(candidates)
    if not usable:
        return None
    return max(usable, key=_selectivity)


def _required(items: list[Any]) -> list[set[str]]:
    """Sets of strings, each of which some match must contain one of (for a sequence)."""
    op_literal, op_subpattern, op_branch = _sre.LITERAL, _sre.SUBPATTERN, _sre.BRANCH
    op_max, op_min = _sre.MAX_REPEAT, _sre.MIN_REPEAT
    out: list[set[str]] = []
    run: list[str] = []
    for op, av in items:
        if op == op_literal:
            run.append(chr(av))
            continue
        if run:
            out.append({"".join(run)})
            run = []
        if op == op_subpattern:
            out.extend(_required(list(av[-1])))
        elif op == op_branch:
            choices = [_best(_required(list(alternative))) for alternative in av[1]]
            if all(choices):
                out.append(set().union(*choices))  # type: ignore[arg-type]
        elif op in (op_max, op_min) and av[0] >= 1:
            out.extend(_required(list(av[2])))
    if run:
        out.append({"".join(run)})
    return out


def norm_checker(nlp: Any) -> Callable[[str], bool]:
    """Whether matching ``value`` on NORM is exactly matching it on LOWER (and on ORTH, for
    caseless values): true unless a tokenizer exception or a lexeme norm makes some token's
    NORM differ from its lower-cased text in a way that involves ``value``."""
    from spacy.attrs import NORM, ORTH

    special: set[str] = set()
    for tokens in nlp.tokenizer.rules.values():
        for token in tokens:
            orth, norm = token.get(ORTH), token.get(NORM)
            if orth is not None and norm is not None and norm != orth.lower():
                special.update((norm, orth.lower()))
    vocab = nlp.vocab

    def ok(value: str) -> bool:
        return value not in special and value == value.lower() and vocab[value].norm_ == value

    return ok


def compile_to_phrases(pattern: list[dict[str, Any]], norm_ok: Callable[[str], bool] | None = None) -> tuple[str, list[tuple[list[str], list[Check]]]] | None:
    """A token pattern as phrases of one attribute plus flag checks, when that is exact.

    Every token must name one string attribute (a value or an ``IN`` list), shared by the
    whole pattern, plus optional boolean flags and an optional ``?``. LOWER, ORTH and NORM
    may be mixed when ``norm_ok`` says every LOWER/ORTH value means the same on NORM.
    Anything else (other operators, predicates, wildcards, POS/DEP) returns None: spaCy's
    Matcher runs it. The phrase matcher is a hash trie; the Matcher calls Python for every
    ``IN`` at every token, which made it most of the run time.
    """
    attrs = {_STRING_ATTRS.get(str(k).upper()) for spec in pattern for k in spec} - {None}
    if len(attrs) > 1:
        if norm_ok is None or not attrs <= {"LOWER", "NORM", "ORTH"}:
            return None
        unified = []
        for spec in pattern:
            spec = dict(spec)
            for key in [k for k in spec if str(k).upper() in ("LOWER", "ORTH", "TEXT")]:
                value = spec.pop(key)
                values = value["IN"] if isinstance(value, dict) and set(value) == {"IN"} and isinstance(value["IN"], list) else [value]
                if not all(isinstance(v, str) and norm_ok(v) and (str(key).upper() == "LOWER" or v.lower() == v.upper()) for v in values):
                    return None
                if "NORM" in spec:
                    return None
                spec["NORM"] = value
            unified.append(spec)
        pattern = unified
    attr = None
    per_token: list[tuple[list[str], list[tuple[str, bool]], bool]] = []
    for spec in pattern:
        words: list[str] | None = None
        flags: list[tuple[str, bool]] = []
        optional = False
        for key, value in spec.items():
            name = str(key).upper()
            if name == "OP":
                if value != "?":
                    return None
                optional = True
            elif name in _STRING_ATTRS:
                if words is not None or (attr is not None and _STRING_ATTRS[name] != attr):
                    return None
                attr = _STRING_ATTRS[name]
                if isinstance(value, str):
                    words = [value]
                elif isinstance(value, dict) and set(value) == {"IN"} and isinstance(value["IN"], list) and value["IN"] and all(isinstance(v, str) for v in value["IN"]):
                    words = list(dict.fromkeys(value["IN"]))
                else:
                    return None
            elif name in _FLAGS and isinstance(value, bool):
                flags.append((_FLAGS[name], value))
            else:
                return None
        if words is None:
            return None
        per_token.append((words, flags, optional))
    if attr is None:
        return None
    variants: list[tuple[list[str], list[Check]]] = [([], [])]
    for words, flags, optional in per_token:
        grown = []
        for done, checks in variants:
            for word in words:
                at = len(done)
                grown.append((done + [word], checks + [(at, f, v) for f, v in flags]))
            if optional:
                grown.append((done, checks))
        if len(grown) > MAX_VARIANTS:
            return None
        variants = grown
    return attr, [(w, c) for w, c in variants if w]
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


#: The pattern roles that only excuse a rule's matches (``exceptions``, ``unless_sentence``).
_EXCUSING = ("#exceptions", "#unless")


def _roles(rule: Rule) -> Iterable[tuple[str, Sequence[Pattern]]]:
    if rule.patterns:
        yield "patterns", rule.patterns
    yield from rule.extra_patterns.items()


class MatcherBank:
    """Phrases (NORM), lemma phrases (LEMMA), token patterns and regexes of all rules of a run.

    Token patterns that ``compile_to_phrases`` can express exactly go into phrase matchers
    keyed per attribute, with their flag checks applied to each match; the rest run in a
    ``TokenMatcher`` on the Doc's arrays, or, if they use what it cannot express, in spaCy's
    Matcher. A regex runs only on a text that holds one string of each set it requires
    (``required_literals``), and is compiled the first time that happens.
    """

    def __init__(self, nlp: Any, rules: Sequence[Rule]) -> None:
        from spacy.matcher import Matcher, PhraseMatcher

        vocab = nlp.vocab
        self._strings = strings = vocab.strings
        self._phrase = PhraseMatcher(vocab, attr="NORM")
        self._lemma = PhraseMatcher(vocab, attr="LEMMA")
        self._compiled: dict[str, Any] = {}
        self._checks: dict[int, tuple[str, list[Check]]] = {}
        self._fast = TokenMatcher(strings)
        self._tokens = Matcher(vocab)
        self._regexes: list[tuple[str, str, tuple[frozenset[str], ...], bool]] = []
        self._compiled_regex: dict[tuple[str, bool], Any] = {}
        phrases: dict[str, list[str]] = defaultdict(list)
        lemmas: dict[str, list[str]] = defaultdict(list)
        variants: dict[str, dict[tuple[str, tuple[Check, ...]], list[list[str]]]] = defaultdict(lambda: defaultdict(list))
        validator = Matcher(vocab, validate=True)
        norm_ok = norm_checker(nlp)
        for rule in rules:
            for role, patterns in _roles(rule):
                key = pattern_key(rule.id, role)
                for pattern in patterns:
                    if pattern.type == "phrase":
                        phrases[key].append(pattern.value)
                    elif pattern.type == "lemma":
                        lemmas[key].append(pattern.value)
                    elif pattern.type == "regex":
                        required = required_literals(pattern.value, pattern.case_sensitive)
                        self._regexes.append((key, pattern.value, required, pattern.case_sensitive))
                    else:
                        try:
                            validator.add("check", [pattern.value])
                        except Exception as exc:  # noqa: BLE001 - spaCy raises ValueError / MatchPatternError
                            detail = " ".join(str(exc).split())
                            raise RuleError(rule.path, pattern.where + ".tokens", f"invalid spaCy token pattern: {detail[:300]}") from None
                        compiled = compile_to_phrases(pattern.value, norm_ok)
                        if compiled is None:
                            if token_matcher_supports(pattern.value):
                                self._fast.add(key, pattern.value)
                            else:
                                self._tokens.add(key, [pattern.value])
                            continue
                        attr, found = compiled
                        for words, checks in found:
                            variants[attr][(key, tuple(checks))].append(words)
        # Compiled variants are added to their phrase matcher only when a text holds their
        # first word (no match can start elsewhere): a run over one small file builds about a
        # quarter of the pattern Docs (1,122 of 4,563 for the bench's reply). Pending ones are
        # keyed by the value the phrase matcher reads off the pattern's first token (that of
        # the word's lexeme).
        self._pending: dict[str, dict[int, list[tuple[str, list[str]]]]] = {}
        for attr, groups in variants.items():
            self._compiled[attr] = PhraseMatcher(vocab, attr=attr)
            pending = self._pending[attr] = defaultdict(list)
            for (key, flags), word_lists in groups.items():
                variant_key = f"{key}\x1f{len(self._checks)}"
                self._checks[strings.add(variant_key)] = (key, list(flags))
                for words in word_lists:
                    pending[_first_value(vocab, attr, words[0])].append((variant_key, words))
        self._vocab = vocab
        for key, texts in phrases.items():
            self._phrase.add(key, list(nlp.tokenizer.pipe(texts)))
        for key, texts in lemmas.items():
            self._lemma.add(key, list(nlp.pipe(texts)))
        self._plain = [m for m, present in ((self._phrase, phrases), (self._lemma, lemmas), (self._tokens, len(self._tokens))) if present]
        # A rule's exception and unless-sentence regexes can only excuse one of its matches:
        # they run on a text only when another of its patterns matched there (a metric's
        # exceptions excuse what a measure finds, so theirs always run).
        self._gated: dict[str, frozenset[str]] = {}
        for rule in rules:
            keys = [pattern_key(rule.id, role) for role, _ in _roles(rule)]
            gates = frozenset(k for k in keys if not k.endswith(_EXCUSING))
            if rule.kind != "metric" and gates:
                self._gated.update((k, gates) for k in keys if k.endswith(_EXCUSING))
        # One RE2 scan tells which regexes can match an ASCII text (engine/prefilter.py).
        self._set = RegexSet([(pattern, case_sensitive) for _, pattern, _, case_sensitive in self._regexes]) if self._regexes else None
        self._uncovered = frozenset(range(len(self._regexes))) - (self._set.covered if self._set is not None else frozenset())
        # The regexes RE2 runs with the same matches on ASCII text (prefilter.to_re2_exact),
        # translated and compiled when first a candidate: index -> the compiled pattern, or
        # None where Python's re runs it
        self._exact: dict[int, Any] = {}

    def keys_of(self, rule_ids: Iterable[str]) -> set[str]:
        """The regex pattern keys of these rules (``id`` and ``id#role``)."""
        ids = set(rule_ids)
        return {key for key, *_ in self._regexes if key.partition("#")[0] in ids}

    def _regex(self, pattern: str, case_sensitive: bool) -> Any:
        compiled = self._compiled_regex.get((pattern, case_sensitive))
        if compiled is None:
            compiled = self._compiled_regex[(pattern, case_sensitive)] = compile_regex(pattern, case_sensitive)
        return compiled

    def run(self, doc: Any, normalized: str, table: Any = None, regex_skip: frozenset[str] = frozenset()) -> dict[str, list[tuple[int, int]]]:
        """Every pattern key's spans (clean-text offsets) in ``doc``. ``table`` may pass the
        Doc's ``Columns`` when the caller has them (they are read once per text). The regexes
        of the keys in ``regex_skip`` are not run (a long text's runner runs them on the whole
        text, ``run_regexes``: an anchor such as \\A means the text's start, not a piece's)."""
        from mantracheck.engine.context import Columns

        out: dict[str, list[tuple[int, int]]] = defaultdict(list)
        if table is None:
            table = Columns(doc)
        idx = table.list("IDX")
        ends = (table.array[:, 0] + table.array[:, 1]).tolist()
        strings = self._strings
        for matcher in self._plain:
            for match_id, start, end in matcher(doc):
                out[strings[match_id]].append((idx[start], ends[end - 1]))
        if len(self._fast):
            for key, start, end in self._fast(doc, table):
                out[key].append((idx[start], ends[end - 1]))
        if self._pending:
            self._add_pending(table)
        checks = self._checks
        for matcher in self._compiled.values():
            for match_id, start, end in matcher(doc):
                key, flags = checks[match_id]
                if not flags or all(_flag(doc, table, start + i, flag) == value for i, flag, value in flags):
                    out[key].append((idx[start], ends[end - 1]))
        self.run_regexes(normalized, out, skip=regex_skip, gate=True)
        return out

    def run_regexes(
        self,
        normalized: str,
        out: dict[str, list[tuple[int, int]]] | None = None,
        *,
        skip: frozenset[str] = frozenset(),
        only: frozenset[str] | None = None,
        gate: bool = False,
    ) -> dict[str, list[tuple[int, int]]]:
        """The regex patterns' spans in ``normalized`` (added to ``out``), but for the keys in
        ``skip``, or only those in ``only``. With ``gate`` (``out`` holds every other pattern's
        spans already), a rule's exceptions run only if something else of the rule matched."""
        out = defaultdict(list) if out is None else out
        if not self._regexes:
            return out
        regexes = self._regexes
        candidates = self._set.candidates(normalized) if self._set is not None else None
        if candidates is None:
            todo: Iterable[int] = range(len(regexes))
        else:  # the set has ruled out the other covered patterns
            todo = sorted(candidates.union(self._uncovered)) if self._uncovered else sorted(candidates)
        folded = None
        data = None
        gated = self._gated if gate else {}
        deferred: list[int] = []  # the gated regexes, run once the others have
        for indices in (todo, deferred):
            for i in indices:
                key, pattern, required, case_sensitive = regexes[i]
                if key in skip or (only is not None and key not in only):
                    continue
                gates = gated.get(key)
                if gates is not None:
                    if indices is todo:
                        deferred.append(i)
                        continue
                    if not any(out.get(g) for g in gates):
                        continue  # nothing of its rule matched: nothing to excuse
                if candidates is not None and i in candidates:  # (candidates: an ASCII text)
                    exact = self._exact[i] if i in self._exact else self._exact_regex(i)
                    if exact is not None:
                        if data is None:
                            data = normalized.encode("ascii")
                        self._finditer_ascii(out, key, exact, data)
                        continue
                if candidates is None or i not in candidates:
                    if folded is None:
                        folded = normalized.casefold()
                    haystack = normalized if case_sensitive else folded
                    for strings_ in required:  # (plain loops: twice as fast as all(any(...)))
                        for p in strings_:
                            if p in haystack:
                                break
                        else:
                            break  # none of this set's strings occurs: it cannot match
                    else:
                        self._finditer(out, key, self._regex(pattern, case_sensitive), normalized)
                    continue
                self._finditer(out, key, self._regex(pattern, case_sensitive), normalized)
        return out

    def _exact_regex(self, i: int) -> Any:
        """Regex ``i`` translated exactly onto RE2 (compiled once), or None."""
        import re2

        from mantracheck.engine.prefilter import to_re2_exact

        _key, pattern, _required, case_sensitive = self._regexes[i]
        # Only for a pattern on Python's re (the built-in ones): a team's own already runs
        # on RE2, as written (engine/regex.py), and keeps doing so.
        python = isinstance(self._regex(pattern, case_sensitive), re.Pattern)
        translated = to_re2_exact(pattern, case_sensitive, MATCH_GROUP) if python else None
        found = None
        if translated is not None:
            try:
                found = compile_re2(translated, True)  # (the translation carries its own (?i))
            except re2.error:
                pass  # (too big for RE2's memory: Python's re runs it)
        self._exact[i] = found
        return found

    @staticmethod
    def _finditer(out: dict[str, list[tuple[int, int]]], key: str, regex: Any, normalized: str) -> None:
        narrow = MATCH_GROUP in regex.groupindex
        for match in regex.finditer(normalized):
            start, end = match.span(MATCH_GROUP) if narrow and match.group(MATCH_GROUP) is not None else match.span()
            if end > start:
                out[key].append((start, end))

    @staticmethod
    def _finditer_ascii(out: dict[str, list[tuple[int, int]]], key: str, regex: Re2Pattern, data: bytes) -> None:
        """``_finditer`` for an ASCII text given as its bytes: RE2 runs on them directly (a
        str costs its wrapper an encoding and an offset map per match), and a byte offset is
        a character offset."""
        group = regex.groupindex.get(MATCH_GROUP)
        for match in regex.raw.finditer(data):
            start, end = match.span() if group is None else match.span(group)
            if start < 0:  # the span group took no part: the whole match
                start, end = match.span()
            if end > start:
                out[key].append((start, end))

    def _add_pending(self, table: Any) -> None:
        """Add the pending variants whose first word's value occurs in the text."""
        from spacy.tokens import Doc

        vocab = self._vocab
        for attr in list(self._pending):
            pending = self._pending[attr]
            hits = pending.keys() & table.set(attr)
            if not hits:
                continue
            by_key: dict[str, list[list[str]]] = defaultdict(list)
            for value in hits:
                for variant_key, words in pending.pop(value):
                    by_key[variant_key].append(words)
            for word in {w for lists in by_key.values() for words in lists for w in words}:
                vocab[word]  # into the vocab once: a Doc of unknown words builds their lexemes anew
            matcher = self._compiled[attr]
            for variant_key, word_lists in by_key.items():
                matcher.add(variant_key, [Doc(vocab, words=w, lemmas=w if attr == "LEMMA" else None) for w in word_lists])
            if not pending:
                del self._pending[attr]


#: Token flags read off the Doc's columns: the column, and the flag for each value.
_FLAG_COLUMNS = {flag: column for flag, column in ((_FLAGS[a], c) for a, c in FLAG_ATTRS.items()) if column in COLUMN_NAMES}


def _flag(doc: Any, table: Any, i: int, flag: str) -> Any:
    """``getattr(doc[i], flag)`` without making the Token, where the columns hold the flag:
    ``is_sent_start`` is True, False or None (not set) for SENT_START 1, -1 or 0."""
    column = _FLAG_COLUMNS.get(flag)
    if column is None:
        return getattr(doc[i], flag)
    v = table.list(column)[i]
    if column == "SENT_START":
        return True if v == 1 else None if v == 0 else False
    return bool(v)


def _first_value(vocab: Any, attr: str, word: str) -> int:
    """What a phrase matcher on ``attr`` reads off a pattern Doc's token made from ``word``."""
    if attr == "LEMMA":
        return int(vocab.strings.add(word))
    lexeme = vocab[word]
    return int({"LOWER": lexeme.lower, "NORM": lexeme.norm, "ORTH": lexeme.orth}[attr])
