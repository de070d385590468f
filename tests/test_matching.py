"""Token patterns compiled to phrase matchers must match exactly what spaCy's Matcher does."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mantracheck.engine.matching import compile_to_phrases
from mantracheck.nlp import get_pipeline

VOCAB = ["wo", "n't", "ca", "hi", "Hi", "hello", "please", "send", "Send", "us", "the", "receipt", "can", "you", "we", "'ll", "will", "fix", "it", ".", ",", "!", "\n\n", "Thanks", "Best"]
PATTERNS: list[list[dict[str, Any]]] = [
    [{"IS_SENT_START": True, "LOWER": {"IN": ["hi", "hello"]}}],
    [{"LOWER": "can"}, {"LOWER": "you"}, {"LOWER": "please", "OP": "?"}, {"LOWER": {"IN": ["send", "fix"]}}],
    [{"NORM": "will"}, {"LOWER": "fix"}],  # mixed attributes: not compiled
    [{"NORM": "we"}, {"NORM": "will"}, {"NORM": {"IN": ["fix", "send"]}}],
    [{"ORTH": "Send", "IS_TITLE": True}, {"LOWER": "us", "OP": "?"}],
    [{"LOWER": "send"}, {"IS_PUNCT": True}],  # a wildcard token: not compiled
    [{"LOWER": {"IN": ["thanks", "best"]}, "OP": "+"}],  # '+': not compiled
    [{"LEMMA": {"IN": ["thank", "fix"]}}],
    [{"NORM": "will"}, {"LOWER": {"IN": ["fix", "send"]}}, {"ORTH": ",", "OP": "?"}, {"LOWER": "it"}],  # unified on NORM
    [{"LOWER": {"IN": ["can", "we"]}}, {"NORM": "will"}],  # 'can' is a special norm: not unified
]


def test_compile_declines_what_it_cannot_express_exactly() -> None:
    assert compile_to_phrases(PATTERNS[0]) is not None
    assert compile_to_phrases(PATTERNS[2]) is None
    from mantracheck.engine.matching import norm_checker

    ok = norm_checker(get_pipeline().nlp)
    assert compile_to_phrases(PATTERNS[8], ok)[0] == "NORM"  # type: ignore[index]
    assert compile_to_phrases(PATTERNS[9], ok) is None
    assert compile_to_phrases(PATTERNS[8]) is None  # without the checker, mixed attributes stay in the Matcher
    assert compile_to_phrases(PATTERNS[5]) is None
    assert compile_to_phrases(PATTERNS[6]) is None
    attr, variants = compile_to_phrases(PATTERNS[1])  # type: ignore[misc]
    assert attr == "LOWER"
    assert sorted(" ".join(w) for w, _ in variants) == ["can you fix", "can you please fix", "can you please send", "can you send"] and len(variants) == 4


@pytest.mark.parametrize("index", range(len(PATTERNS)))
@settings(max_examples=60, deadline=None)
@given(words=st.lists(st.sampled_from(VOCAB), min_size=1, max_size=25))
def test_compiled_patterns_match_like_the_matcher(index: int, words: list[str]) -> None:
    from spacy.matcher import Matcher

    from mantracheck.engine.matching import MatcherBank
    from mantracheck.engine.schema import Pattern, Rule
    from mantracheck.models import Severity

    nlp = get_pipeline().nlp
    text = " ".join(words)
    doc = nlp(text)
    matcher = Matcher(nlp.vocab)
    matcher.add("p", [PATTERNS[index]])
    expected = sorted({(doc[s].idx, doc[e - 1].idx + len(doc[e - 1].text)) for _, s, e in matcher(doc)})
    rule = Rule(
        id="t.p", pack="t", name="p", kind="existence", severity=Severity.INFO, profile_severity={}, profiles=frozenset({"support"}),
        message="m", description="d", link=None, needs=frozenset(), patterns=(Pattern("tokens", PATTERNS[index]),), exceptions=(),
        suggestions=("s",), good=("g",), bad=("b",), options={"skip_when": ()}, path="<test>",
    )
    got = sorted(set(MatcherBank(nlp, [rule]).run(doc, text)["t.p"]))
    assert got == expected


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        (r"\bwithin\s+\d+\s+hours?", {"within"}),
        # the parser factors the alternatives' shared "i" out; what is left is still required
        (r"\b(?:will|is)\s+(?:\w+\s+){0,4}?(?P<m>immediately|instantly)\b", {"mmediately", "nstantly"}),
        (r"@\w+|\bhttps?://\S+", {"@", "http"}),
        (r"(?:x)?ABC", {"abc"}),
        (r"a*|b", None),
        (r"\w+", None),
    ],
)
def test_literal_prefixes(pattern: str, expected: set[str] | None) -> None:
    from mantracheck.engine.matching import literal_prefixes

    got = literal_prefixes(pattern)
    assert (set(got) if got is not None else None) == expected


def _builtin_regexes() -> list[tuple[str, bool]]:
    from mantracheck.engine.loader import load_rules

    out = []
    for rule in load_rules().rules:
        for patterns in [rule.patterns, *rule.extra_patterns.values()]:
            out += [(p.value, p.case_sensitive) for p in patterns if p.type == "regex"]
    return out


def test_every_builtin_regex_is_valid_and_never_matches_the_empty_string() -> None:
    """What check_regex checks for a pack of your own; the built-in packs' patterns are
    checked here instead of at every start (they may use Python-only syntax)."""
    from mantracheck.engine.regex import regex_problem

    patterns = _builtin_regexes()
    assert len(patterns) > 30
    assert [(p, regex_problem(p, engine="re")) for p, _ in patterns if regex_problem(p, engine="re")] == []
    assert regex_problem("(?:y)?", engine="re") is not None  # the check can fail
    assert regex_problem("(unclosed", engine="re") is not None


REGEX_WORDS = ["We", "will", "'ll", "never", "immediately", "within", "24", "hours", "100%", "guaranteed", "ASAP", "best", "the", "#1", "@user", "https://x.io", "!!", "is", "are", "fixed", "today", "Free", "risk-free", "lifetime", "won't", "happen", "again", "\n", ",", "."]


@settings(max_examples=150, deadline=None)
@given(words=st.lists(st.sampled_from(REGEX_WORDS), min_size=1, max_size=30))
def test_regex_prefilter_never_hides_a_match(words: list[str]) -> None:
    from mantracheck.engine.matching import literal_prefixes
    from mantracheck.engine.regex import compile_regex

    text = " ".join(words)
    for pattern, case_sensitive in _builtin_regexes():
        prefixes = literal_prefixes(pattern, case_sensitive)
        if prefixes is not None and compile_regex(pattern, case_sensitive).search(text):
            haystack = text if case_sensitive else text.casefold()
            assert any(p in haystack for p in prefixes), (pattern, text)


@settings(max_examples=150, deadline=None)
@given(words=st.lists(st.sampled_from(REGEX_WORDS), min_size=1, max_size=30))
def test_every_required_literal_set_is_required(words: list[str]) -> None:
    """The bank skips a regex when a text lacks every string of any one of its sets."""
    from mantracheck.engine.matching import required_literals
    from mantracheck.engine.regex import compile_regex

    text = " ".join(words)
    for pattern, case_sensitive in _builtin_regexes():
        if compile_regex(pattern, case_sensitive).search(text):
            haystack = text if case_sensitive else text.casefold()
            for strings in required_literals(pattern, case_sensitive):
                assert any(p in haystack for p in strings), (pattern, text, strings)


def test_required_literals_most_selective_first() -> None:
    from mantracheck.engine.matching import literal_prefixes, required_literals

    pattern = r"\b(?:will|is)\s+(?:\w+\s+){0,4}?(?P<m>immediately|instantly)\b"
    sets = required_literals(pattern)
    assert sets[0] == literal_prefixes(pattern)
    assert {"will", "is"} in [set(s) for s in sets]
    assert required_literals(r"\w+") == ()


# -- token patterns on arrays -------------------------------------------------------------
EXTRA_TOKEN_PATTERNS: list[list[dict[str, Any]]] = [
    [{"LOWER": "the"}, {"IS_TITLE": True, "OP": "*"}, {"LOWER": "please", "OP": "?"}, {"LOWER": "team"}],
    [{"IS_TITLE": True, "OP": "+"}, {"LOWER": "us"}],
    [{"LOWER": "we", "OP": "*"}, {"LOWER": {"NOT_IN": ["the", "us"]}, "OP": "+"}],
    [{"IS_SENT_START": False, "LOWER": "send"}, {"IS_PUNCT": True, "OP": "?"}, {"LIKE_NUM": True}],
    [{"LOWER": {"IN": ["will", "'ll", "wo"]}, "NORM": "will"}, {"LEMMA": {"IN": ["fix", "send"]}}],
    # anchors after optional specs: starts are found back from "team" / "send" / "us"
    [{"LOWER": "the", "OP": "?"}, {"IS_TITLE": True, "OP": "?"}, {"LOWER": "team"}, {"LOWER": "us", "OP": "+"}],
    [{"LOWER": {"IN": ["the", "we", "you"]}}, {"LOWER": "please", "OP": "?"}, {"IS_PUNCT": True, "OP": "?"}, {"LOWER": "send"}],
    [{"IS_TITLE": True}, {"LOWER": {"IN": ["us", "team"]}, "OP": "+"}, {"LOWER": "send"}],
    # counted repeats, spelled out as plain, optional and open steps
    [{"LOWER": "the"}, {"IS_TITLE": True, "OP": "{1,3}"}, {"LOWER": "team"}],
    [{"IS_ALPHA": True, "OP": "{2}"}, {"LOWER": "us"}],
    [{"LOWER": "we", "OP": "{,2}"}, {"LOWER": {"NOT_IN": ["the", "us"]}, "OP": "{2,}"}],
    # several open repeats: every path walked at once, not one after another
    [{"IS_ALPHA": True, "OP": "*"}, {"IS_TITLE": True, "OP": "+"}, {"IS_ALPHA": True, "OP": "*"}, {"LOWER": "team"}],
]
ARRAY_VOCAB = [*VOCAB, "team", "Team", "The", "Support", "12", "Placeholder", "[", "]", "fixed", "sent"]


def _builtin_token_patterns() -> list[list[dict[str, Any]]]:
    from mantracheck.engine.loader import load_rules

    out = []
    for rule in load_rules().rules:
        for patterns in [rule.patterns, *rule.extra_patterns.values()]:
            out += [p.value for p in patterns if p.type == "tokens"]
    return out


def test_token_matcher_runs_every_builtin_token_pattern() -> None:
    """No built-in token pattern falls back to spaCy's Matcher (what made it slow)."""
    from mantracheck.engine.token_matcher import supported

    assert [p for p in _builtin_token_patterns() if not supported(p)] == []
    assert not supported([{"LOWER": "a", "OP": "!"}]) and not supported([{"POS": "VERB"}]) and not supported([{"LOWER": {"REGEX": "x"}}])
    assert supported([{"LOWER": "a", "OP": "{2,4}"}]) and supported([{"LOWER": "a", "OP": "{2,}"}]) and not supported([{"LOWER": "a", "OP": "{x}"}])


def test_an_open_repeat_over_a_long_run_stops_at_the_longest_match() -> None:
    """A match spans at most MAX_MATCH_TOKENS tokens: an open repeat over thousands of
    matching tokens gives one bounded match per start, not a walk to the end of the text."""
    from mantracheck.engine.token_matcher import MAX_MATCH_TOKENS, TokenMatcher

    nlp = get_pipeline().nlp
    doc = nlp("we " * 3000 + "it")
    ours = TokenMatcher(nlp.vocab.strings)
    ours.add("p", [{"LOWER": "we"}, {"IS_ALPHA": True, "OP": "*"}, {"LOWER": "it"}])
    found = ours(doc)
    # only the starts within reach of "it" match, each once, at the end
    assert sorted(s for _, s, _ in found) == list(range(3000 - MAX_MATCH_TOKENS + 1, 3000))
    assert {e for _, _, e in found} == {3001}


@pytest.mark.parametrize("index", range(len(PATTERNS) + len(EXTRA_TOKEN_PATTERNS)))
@settings(max_examples=80, deadline=None)
@given(words=st.lists(st.sampled_from(ARRAY_VOCAB), min_size=1, max_size=20), glue=st.sampled_from([" ", "\n", ". ", "  "]))
def test_token_matcher_matches_like_spacy(index: int, words: list[str], glue: str) -> None:
    from spacy.matcher import Matcher

    from mantracheck.engine.token_matcher import TokenMatcher

    pattern = [*PATTERNS, *EXTRA_TOKEN_PATTERNS][index]
    nlp = get_pipeline().nlp
    doc = nlp(glue.join(words))
    spacy_matcher = Matcher(nlp.vocab)
    spacy_matcher.add("p", [pattern])
    ours = TokenMatcher(nlp.vocab.strings)
    ours.add("p", pattern)
    assert sorted({(s, e) for _, s, e in ours(doc)}) == sorted({(s, e) for _, s, e in spacy_matcher(doc)})


@settings(max_examples=60, deadline=None)
@given(words=st.lists(st.sampled_from(ARRAY_VOCAB + ["always", "never", "best", "bug", "back", "running", "call", "Best"]), min_size=1, max_size=25))
def test_token_matcher_matches_builtin_patterns_like_spacy(words: list[str]) -> None:
    from spacy.matcher import Matcher

    from mantracheck.engine.token_matcher import TokenMatcher

    nlp = get_pipeline().nlp
    doc = nlp(" ".join(words))
    for pattern in _builtin_token_patterns():
        spacy_matcher = Matcher(nlp.vocab)
        spacy_matcher.add("p", [pattern])
        ours = TokenMatcher(nlp.vocab.strings)
        ours.add("p", pattern)
        assert sorted({(s, e) for _, s, e in ours(doc)}) == sorted({(s, e) for _, s, e in spacy_matcher(doc)}), pattern


def _all_patterns_match_like_spacy(text: str) -> None:
    """All patterns in one matcher (their anchors share one start index), read from a Doc
    and from a lent Columns table (whose value sets the matchers share), against spaCy's
    Matcher, pattern by pattern."""
    from spacy.matcher import Matcher

    from mantracheck.engine.context import Columns
    from mantracheck.engine.token_matcher import TokenMatcher, supported

    nlp = get_pipeline().nlp
    doc = nlp(text)
    ours = TokenMatcher(nlp.vocab.strings)
    expected = []
    for i, pattern in enumerate([*_builtin_token_patterns(), *PATTERNS, *EXTRA_TOKEN_PATTERNS]):
        if supported(pattern):
            ours.add(str(i), pattern)
            spacy_matcher = Matcher(nlp.vocab)
            spacy_matcher.add("p", [pattern])
            expected += sorted((str(i), s, e) for _, s, e in set(spacy_matcher(doc)))
    # the same matches, pattern by pattern, each pattern's by start then end
    assert ours(doc) == expected
    table = Columns(doc)
    assert ours(doc, table) == expected
    assert ours(doc, table) == expected  # (the table's cached value sets, asked again)


@settings(max_examples=60, deadline=None)
@given(words=st.lists(st.sampled_from(ARRAY_VOCAB + ["always", "never", "best", "bug", "back", "Best", "regards", "the"]), min_size=1, max_size=25))
def test_token_matcher_with_every_pattern_at_once_matches_like_spacy(words: list[str]) -> None:
    _all_patterns_match_like_spacy(" ".join(words))


ANCHOR_VOCAB = ["the", "The", "Team", "team", "us", "please", ",", "send", "we", "you", "x", "Best", "best", "regards", "the best"]


@settings(max_examples=300, deadline=None)
@given(words=st.lists(st.sampled_from(ANCHOR_VOCAB), min_size=1, max_size=12), glue=st.sampled_from([" ", "\n"]))
def test_token_matcher_starts_found_back_from_anchors(words: list[str], glue: str) -> None:
    """Texts made of the patterns' own words, so that matches whose start lies before their
    anchor (optional specs first) are common."""
    _all_patterns_match_like_spacy(glue.join(words))


# -- placeholder regex pruning ------------------------------------------------------------
PLACEHOLDER_PIECES = ["{{ name }}", "{{", "}}", "{%", "%}", "{% if x %}", "{# c #}", "{{!-- c --}}", "{{#if}}", "{{/if}}", "{{else}}", "<%= x %>", "<% y %>", "<%#", "%>", "${v}", "%{ticket.number}", "%(name)s", "[[X]]", "{{{ raw }}}", "{% comment %}", "{% endcomment %}", "https://a.io/x", "www.b.org", "mailto:c@d.io", "e@f.com", "a.b+c@x.co", "@", "hi", "50%", "$5", " ", "\n", ".", "x", "else"]


@settings(max_examples=300, deadline=None)
@given(pieces=st.lists(st.sampled_from(PLACEHOLDER_PIECES), max_size=25))
def test_pruned_placeholder_regex_finds_what_the_full_one_does(pieces: list[str]) -> None:
    from mantracheck.text.placeholders import _DEFAULT, pruned_for

    text = "".join(pieces)
    pruned = pruned_for(text)
    got = [(m.span(), m.lastgroup) for m in pruned.finditer(text)] if pruned is not None else []
    assert got == [(m.span(), m.lastgroup) for m in _DEFAULT.finditer(text)]


@settings(max_examples=150, deadline=None)
@given(words=st.lists(st.sampled_from(ARRAY_VOCAB), min_size=1, max_size=15), annotated=st.booleans(), unset=st.lists(st.integers(0, 14), max_size=4))
def test_phrase_flags_read_off_the_columns_are_the_tokens_own(words: list[str], annotated: bool, unset: list[int]) -> None:
    """The compiled phrase patterns' flag checks read the columns instead of making Tokens:
    the same value as the Token attribute, is_sent_start's None (not set) included."""
    from mantracheck.engine.context import Columns
    from mantracheck.engine.matching import _FLAGS, _flag

    nlp = get_pipeline().nlp
    doc = nlp(" ".join(words)) if annotated else nlp.make_doc(" ".join(words))
    for i in unset:
        if 0 < i < len(doc) and annotated:
            doc[i].is_sent_start = False
    table = Columns(doc)
    for flag in _FLAGS.values():
        assert [_flag(doc, table, i, flag) for i in range(len(doc))] == [getattr(t, flag) for t in doc], flag


TEAM_PLACEHOLDERS = (r"\[[A-Z_]+\]", r"@@\w+@@", r"\$[A-Z]+\$", r"\{[a-z]+", r"x+\.")


@settings(max_examples=300, deadline=None)
@given(pieces=st.lists(st.sampled_from([*PLACEHOLDER_PIECES, "[NAME]", "[x]", "@@id@@", "@@", "$SITE$", "$", "{a", "{", "xx.", "ab", "é", "[ÉTÉ]", "€", "\U0001f600"]), max_size=25))
def test_team_placeholders_on_re2_find_what_one_python_alternation_does(pieces: list[str]) -> None:
    """A team's placeholders run on RE2 beside the built-in regex: the masks are those of the
    single alternation (built-in, team, links) Python's re used to run, with the team's
    patterns read as RE2 reads them (\\w, \\d, \\b ASCII)."""
    import re

    from mantracheck.text.placeholders import _DEFAULT_PARTS, _LINKS, Mask, TeamPlaceholders, _alternation, is_block, is_comment

    text = "".join(pieces)
    # (a team's placeholders run on RE2, where \w and friends are ASCII: docs/formats.md)
    team = [f"(?a:{part})" for part in _alternation("x", list(TEAM_PLACEHOLDERS))]
    one = re.compile("|".join(_DEFAULT_PARTS + team + _alternation("u", _LINKS)), re.DOTALL)
    expected = [Mask(m.start(), m.end(), is_block(m), is_comment(m)) for m in one.finditer(text) if m.end() > m.start()]
    assert list(TeamPlaceholders(TEAM_PLACEHOLDERS).masks(text)) == expected


def test_team_placeholders_that_backtrack_on_python_re_run_in_linear_time() -> None:
    """'\\w+\\s*\\w+\\s*\\w+\\s*:' is cubic per start on a long word for Python's re (and
    '(\\w+\\s*)+\\$' exponential); on RE2 both take one pass."""
    import time

    from mantracheck.text.placeholders import Masker, compile_placeholders

    started = time.monotonic()
    masker = Masker("a" * 20_000 + " word" * 4_000 + " ok: [NAME] $", compile_placeholders([r"\w+\s*\w+\s*\w+\s*:", r"(\w+\s*)+\$", r"\[[A-Z]+\]"]))
    assert time.monotonic() - started < 5
    assert [masker.text[m.start : m.end] for m in masker.masks] == ["word word ok:", "[NAME]"]


def test_many_team_placeholders_are_found_in_linear_time() -> None:
    """Each search of the team's RE2 pattern reads from where the last one stopped (the re2
    package, given a str, encodes the whole text on every call: 640 KB of placeholders took 79 s)."""
    import time

    from mantracheck.text.placeholders import Masker, compile_placeholders

    text = "Héllo %name% there. " * 32_000
    started = time.monotonic()
    masker = Masker(text, compile_placeholders(["%[a-z]+%"]))
    assert time.monotonic() - started < 10
    assert len(masker.masks) == 32_000 and {text[m.start : m.end] for m in masker.masks} == {"%name%"}


def test_a_rules_exception_regexes_run_only_where_it_matched_else_always_for_a_metric() -> None:
    """Exceptions and unless-sentence patterns can only excuse a match of their own rule, so
    the bank runs their regexes on a text only where another pattern of the rule matched
    (tokens, phrases or a regex); a metric's exceptions excuse what a measure finds: always."""
    from mantracheck.engine.matching import MatcherBank
    from mantracheck.engine.schema import Pattern, Rule
    from mantracheck.models import Severity

    def rule(rule_id: str, kind: str, patterns: tuple[Pattern, ...]) -> Rule:
        return Rule(
            id=rule_id, pack="t", name=rule_id, kind=kind, severity=Severity.INFO, profile_severity={}, profiles=frozenset({"support"}),
            message="m", description="d", link=None, needs=frozenset(), patterns=patterns, exceptions=(),
            suggestions=("s",), good=("g",), bad=("b",), options={"skip_when": ()}, path="<test>",
            extra_patterns={"exceptions": (Pattern("regex", r"\bcall\b"),), "unless": (Pattern("regex", r"\bkindly\b"),)},
        )

    nlp = get_pipeline().nlp
    bank = MatcherBank(nlp, [rule("t.words", "existence", (Pattern("phrase", "send us"),)), rule("t.regex", "existence", (Pattern("regex", r"\bsend\b"),)), rule("t.metric", "metric", ())])

    def matches(text: str) -> dict[str, list[tuple[int, int]]]:
        return {k: v for k, v in bank.run(nlp(text), text).items() if v}

    quiet = matches("Kindly call us.")
    assert quiet == {"t.metric#exceptions": [(7, 11)], "t.metric#unless": [(0, 6)]}
    loud = matches("Kindly send us a photo, or call us.")
    assert loud["t.words"] == [(7, 14)] and loud["t.regex"] == [(7, 11)]
    for rule_id in ("t.words", "t.regex", "t.metric"):
        assert loud[f"{rule_id}#exceptions"] == [(27, 31)]
    assert loud["t.words#unless"] == loud["t.regex#unless"] == [(0, 6)]
    # asked for outright (a long text's whole-text pass), every regex runs
    assert bank.run_regexes("Kindly call us.")["t.regex#exceptions"] == [(7, 11)]
