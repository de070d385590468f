"""Issue 20: overpromise recall without crying wolf.

Every example quoted in the issue is a regression test here (the misses are caught, the two
false alarms are gone), the skip conditions read the clause that governs a match, and no rule
flags its own suggestion.
"""

from __future__ import annotations

import re
import time

import pytest

from mantracheck.api import Options, make_linter

_LINTERS: dict[str, object] = {}


def overpromises(text: str, profile: str = "support") -> list[tuple[str, str]]:
    """(rule, matched phrase) of the overpromise findings on ``text`` under ``profile``."""
    linter = _LINTERS.get(profile)
    if linter is None:
        linter = _LINTERS[profile] = make_linter(Options(profile=profile, select=("overpromise",)))
    return [(f.rule, f.match) for f in linter.lint_text(text).findings]  # type: ignore[attr-defined]


# -- skip conditions read the clause that governs the match ---------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "We tried to call U. Your refund is GUARANTEED.",
        "We'll try to call u. Your refund is GUARANTEED.",  # "try" is a hedge, of its own sentence
        "We may call u. We guarantee a refund.",
        "We can't reach u. We guarantee a refund.",  # negation
        "Did you get our email? We guarantee a refund.",  # the question is the first sentence
        "We do not store cards. Your refund is guaranteed.",
    ],
)
def test_a_condition_in_a_sentence_hidden_before_the_match_does_not_excuse_it(text: str) -> None:
    assert [rule for rule, _ in overpromises(text)] == ["overpromise.guarantee"]


@pytest.mark.parametrize(
    "text",
    [
        "We can't guarantee a date yet.",
        "We'll try to guarantee it, Mr. Smith.",
        "Can we guarantee delivery by Friday?",
        "We do not, e.g. for custom orders, guarantee a date.",
    ],
)
def test_a_condition_in_the_clause_of_the_match_still_excuses_it(text: str) -> None:
    assert overpromises(text) == []


@pytest.mark.parametrize(
    ("text", "phrase"),
    [
        ("Don't miss the leading expo of new ideas in Europe.", "leading"),
        ("Don't forget to visit the UK's biggest garden centre.", "biggest"),
        ("Don't forget: we offer the best rates in town.", "best rates"),
    ],
)
def test_a_negation_that_invites_does_not_negate_what_follows_it(text: str, phrase: str) -> None:
    assert [match for _, match in overpromises(text, "marketing")] == [phrase]


def test_a_real_negation_after_an_invitation_still_excuses() -> None:
    assert overpromises("Don't miss it because we don't claim to be the biggest.", "marketing") == []


def test_a_question_mark_ending_a_later_sentence_does_not_make_an_earlier_claim_a_question() -> None:
    assert overpromises("Your refund is guaranteed. Any questions?") == [("overpromise.guarantee", "guaranteed")]
    assert overpromises("Your refund will arrive within 24 hours! Any questions?") != []


def test_a_condition_reaches_over_commas_but_not_over_a_semicolon_or_but() -> None:
    assert overpromises("If it hasn't arrived by Friday, your refund will arrive within 24 hours.") == []
    found = overpromises("If you need us, call; your refund will arrive within 24 hours.")
    assert [rule for rule, _ in found] == ["overpromise.time-commitment"]
    found = overpromises("If you need us, call, but your refund will arrive within 24 hours.")
    assert [rule for rule, _ in found] == ["overpromise.time-commitment"]


def test_clause_scoped_conditions_stay_linear_on_one_long_sentence_with_many_matches() -> None:
    """Thousands of matches and hidden sentence ends in one sentence of the pipeline: each
    condition is a bounded look (SCOPE, a bisect), so twice the text takes about twice as long."""
    unit = "we may call u. If not, we can't say; your refund is guaranteed, we guarantee it "

    def seconds(n: int) -> float:
        started = time.perf_counter()
        overpromises(unit * n)
        return time.perf_counter() - started

    seconds(50)  # warm up
    small, large = seconds(400), seconds(1600)
    assert large < 4 * small * 2.5, (small, large)


# -- every example in issue 20 -------------------------------------------------------------

#: (text, the rule expected to flag it): the misses the issue lists (paraphrased there).
ISSUE_MISSES = [
    # superlatives and leadership claims without "the"
    ("Best pizza in Leeds.", "overpromise.superlative"),
    ("a leading provider of payroll software", "overpromise.ranking-claim"),
    ("top-quality parts every time", "overpromise.superlative"),
    ("the region's biggest garden centre", "overpromise.ranking-claim"),
    ("groundbreaking", "overpromise.superlative"),
    ("ultimate", "overpromise.superlative"),
    ("leading-edge", "overpromise.superlative"),
    ("like never before", "overpromise.superlative"),
    # certainty about outcomes the writer does not control
    ("Our partner team will sort this out for you.", "overpromise.outcome-promise"),
    ("We will grow your savings with you.", "overpromise.certainty"),
    ("Problem solved for good!", "overpromise.absolute"),
    # absolutes about outcomes
    ("you'll never have to contact us about this again", "overpromise.absolute"),
    ("no ticket ever goes unsolved", "overpromise.absolute"),
    ("we will always be there whatever happens", "overpromise.absolute"),
    # firm times without "will"
    ("Delivered tomorrow before noon.", "overpromise.time-commitment"),
    ("We reply instantly.", "overpromise.immediacy"),
    ("instant support 24/7", "overpromise.immediacy"),
    # guarantees in other words
    ("or your money back!", "overpromise.guarantee"),
    ("100% more productive", "overpromise.hundred-percent"),
    # prize and selection claims
    ("You have won a £500 voucher", "overpromise.prize"),
    ("you've been selected to receive a reward", "overpromise.prize"),
    ("your prize is awaiting collection", "overpromise.prize"),
    # a skip condition applied too widely (two sentences read as one)
    ("We tried to call U. Your refund is GUARANTEED.", "overpromise.guarantee"),
]


@pytest.mark.parametrize("profile", ["support", "marketing"])
@pytest.mark.parametrize(("text", "rule"), ISSUE_MISSES, ids=[t for t, _ in ISSUE_MISSES])
def test_the_misses_issue_20_lists_are_caught(text: str, rule: str, profile: str) -> None:
    found = overpromises(text, profile)
    assert rule in {r for r, _ in found}, found
    assert all(match.strip() for _, match in found)  # every finding names the phrase


def test_the_prize_rule_runs_in_support_and_marketing_only() -> None:
    assert overpromises("You have won a £500 voucher", "social") == []
    assert overpromises("You have won a £500 voucher", "script") == []


@pytest.mark.parametrize("profile", ["support", "marketing"])
@pytest.mark.parametrize(
    "text",
    [
        "We'll update you by Friday.",  # time-commitment's own suggested wording
        "We'll update you by Friday",
        "Most banks show it within five working days.",  # a hedged policy statement
    ],
)
def test_the_false_alarms_issue_20_lists_are_gone(text: str, profile: str) -> None:
    assert overpromises(text, profile) == []


# -- no rule flags its own suggestion -------------------------------------------------------

_QUOTED = re.compile(r"\"([^\"]+)\"|\u201c([^\u201d]+)\u201d")
#: A quoted passage right after these words is what the suggestion warns against or a word it
#: asks for ('rather than "100% secure"', 'Replace "rest assured" with ...', 'Add "please": ...'),
#: not wording it recommends.
_NOT_A_WORDING = re.compile(r"(?:rather\s+than|instead\s+of|replace|add|avoid|not)\s*$", re.IGNORECASE)


def suggested_wordings(suggestion: str) -> list[str]:
    """The wordings a suggestion recommends. A suggestion that quotes its example ('Describe
    the next step instead: "We've sent the replacement ..."') recommends each quoted passage,
    except one introduced as the thing to avoid or replace or as a word to add; one that quotes
    nothing is itself the advice ('Write it in normal case; ...') and is run whole."""
    quoted = [
        (m.group(1) or m.group(2)).strip()
        for m in _QUOTED.finditer(suggestion)
        if not _NOT_A_WORDING.search(suggestion[: m.start()])
    ]
    if _QUOTED.search(suggestion) is None:
        return [suggestion]
    return [q for q in quoted if q]


def _suggestion_cases() -> list[tuple[str, str, str]]:
    from mantracheck.engine.loader import load_rules

    cases = []
    for rule in load_rules().rules:
        for suggestion in rule.suggestions:
            for wording in suggested_wordings(suggestion):
                for profile in rule.profiles:
                    cases.append((rule.id, profile, wording))
    return cases


SUGGESTION_CASES = _suggestion_cases()


def test_suggested_wordings_are_read_as_documented() -> None:
    assert suggested_wordings('Hedge the time ("usually within 2 business days") or promise an update instead ("we\'ll update you by Friday").') == [
        "usually within 2 business days",
        "we'll update you by Friday",
    ]
    assert suggested_wordings('Say what you can show: "Encrypted (AES-256)" rather than "100% secure".') == ["Encrypted (AES-256)"]
    assert suggested_wordings('Replace "rest assured" with what you did: "I\'ve flagged your order."') == ["I've flagged your order."]
    assert suggested_wordings("Write it in normal case.") == ["Write it in normal case."]
    assert len(SUGGESTION_CASES) > 60  # every pack, every rule, every profile


@pytest.mark.parametrize(("rule", "profile", "wording"), SUGGESTION_CASES, ids=[f"{r}@{p}:{w[:30]}" for r, p, w in SUGGESTION_CASES])
def test_no_rule_flags_its_own_suggestion(rule: str, profile: str, wording: str) -> None:
    linter = make_linter(Options(profile=profile, select=(rule,)))
    found = [(f.rule, f.match) for f in linter.lint_text(wording).findings if f.rule == rule]
    assert found == [], f"{rule} under {profile} flags its own suggested wording {wording!r}: {found}"


# -- hedges that only work on one side, or only before a number ------------------------------


def test_can_hedges_only_a_claim_after_it() -> None:
    assert overpromises("Applications can be approved within an hour.") == []  # GUIDELINES: can hedges
    assert [r for r, _ in overpromises("It's the best service you can buy.")] == ["overpromise.superlative"]


def test_an_approximation_hedges_only_the_number_it_is_next_to() -> None:
    assert overpromises("Your refund will arrive within about 3 days.") == []
    assert overpromises("Your refund will arrive within 24 hours, up to 3 days for some banks.") == []
    assert [r for r, _ in overpromises("The best service around.")] == ["overpromise.superlative"]
    found = overpromises("We are the world leader in fixed-rate business loans of up to 15 years.", "marketing")
    assert [r for r, _ in found] == ["overpromise.ranking-claim"]


# -- a review's probes of the stage-7 round (eval/README.md): ordinary support and marketing text
@pytest.mark.parametrize(
    "text",
    [
        "From March, the new pricing will increase your Business plan by $5 a month.",
        "Adding two seats will increase your invoice value to $240.",
        "The new rate increases sales tax by 2% from April.",
        "The mobile app saves business cards straight to your contacts.",
        "Our team will provide the best possible solution for your case.",
        "The export tool provides the best way to move your data.",
        "TLS 1.2 is the industry standard for secure connections.",
        "Select the first choice in the drop-down menu.",
        "Your first choice for the delivery slot is booked for Friday.",
        "We respect each member's choice in this matter.",
        "Winner of the Viewers' Choice for Best Drama.",
        "Your instant coffee delivery is scheduled for Friday.",
        "Get instant SMS support.",
        "The most commonly-reported issue is a stale cache.",
        "The most time-consuming step is the import.",
        "Your order is still within the 30-day guarantee, so I've started a return.",
        "Please don't wait for a guaranteed refund before you cancel.",
        "It's first choice in my version of the app.",
    ],
)
def test_the_reviews_false_alarms_stay_gone(text: str) -> None:
    assert overpromises(text, "support") == [] and overpromises(text, "marketing") == []


@pytest.mark.parametrize(
    ("text", "phrase"),
    [
        ("Book online to make your stay at Britain's biggest holiday park.", "biggest"),
        ("Call today to make an appointment at London's number one dental practice.", "number one"),
        ("We are focused on delivering results and offer the best rates in town.", "best rates"),
        ("Do not hesitate to contact the UK's leading dental practice.", "leading"),
    ],
)
def test_an_aim_frame_or_an_invitation_does_not_hide_a_claim_after_it(text: str, phrase: str) -> None:
    assert [match for _, match in overpromises(text, "marketing")] == [phrase]
