"""The rule engine: loading and validating packs, selection, identity, positions."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from mantracheck.api import Options, make_linter
from mantracheck.engine.loader import load_rules
from mantracheck.engine.runner import render, select_rules
from mantracheck.errors import RuleError, UsageError
from mantracheck.models import Severity


def write_pack(root: Path, pack: str, files: dict[str, str]) -> Path:
    folder = root / pack
    folder.mkdir(parents=True, exist_ok=True)
    for name, body in files.items():
        (folder / name).write_text(textwrap.dedent(body), encoding="utf-8")
    return root


GOOD_RULE = """\
    kind: existence
    severity: warning
    message: "'{match}' is our word for it."
    description: A test rule.
    patterns: [synergy]
    suggestions: ["Say what you mean."]
    examples:
      good: ["We work together."]
      bad: ["Pure synergy."]
"""


def test_custom_pack_gets_id_from_folder_and_file(tmp_path: Path) -> None:
    write_pack(tmp_path, "team", {"jargon.yaml": GOOD_RULE})
    ruleset = load_rules((str(tmp_path),))
    rule = ruleset.by_id()["team.jargon"]
    assert rule.pack == "team" and rule.severity is Severity.WARNING and not rule.builtin
    linter = make_linter(Options(rule_paths=(str(tmp_path),), select=("team",)), ruleset)
    findings = linter.lint_text("Hello.\nWe love synergy here.").findings
    assert [(f.rule, f.line, f.column, f.end_column, f.match) for f in findings] == [("team.jargon", 2, 9, 16, "synergy")]
    assert findings[0].message == "'synergy' is our word for it."


@pytest.mark.parametrize(
    ("body", "key", "problem"),
    [
        (GOOD_RULE.replace("kind: existence", "kind: exists"), "kind", "expected one of existence, metric, require, substitution"),
        (GOOD_RULE.replace("severity: warning", "severity: fatal"), "severity", "expected one of error, warning, info"),
        (GOOD_RULE + "    colour: red\n", "colour", "unknown key for a existence rule"),
        (GOOD_RULE.replace("patterns: [synergy]", "patterns: [{regex: '(unclosed'}]"), "patterns[0].regex", "invalid regular expression"),
        (GOOD_RULE.replace("patterns: [synergy]", "patterns: [{regex: 'a*'}]"), "patterns[0].regex", "matches the empty string"),
        (GOOD_RULE.replace("patterns: [synergy]", "patterns: [{phrase: x, regex: y}]"), "patterns[0]", "expected exactly one of"),
        (GOOD_RULE.replace('      bad: ["Pure synergy."]\n', ""), "examples.bad", "missing"),
        (GOOD_RULE.replace("    profiles", "").replace("kind: existence", "kind: existence\n    profiles: [sales]"), "profiles[0]", "unknown profile; expected one of"),
        (GOOD_RULE.replace("kind: existence", "kind: existence\n    skip_when: [sarcastic]"), "skip_when[0]", "expected one of negated"),
        (GOOD_RULE.replace("kind: existence", "kind: metric\n    measure: vibes\n    max: 3"), "measure", "expected one of"),
    ],
)
def test_invalid_rule_names_file_key_and_expectation(tmp_path: Path, body: str, key: str, problem: str) -> None:
    write_pack(tmp_path, "team", {"broken.yaml": body})
    with pytest.raises(RuleError) as info:
        load_rules((str(tmp_path),))
    message = str(info.value)
    assert message.startswith(str(tmp_path / "team" / "broken.yaml"))
    assert f": {key}:" in message
    assert problem in message


def test_broken_yaml_is_reported_with_position(tmp_path: Path) -> None:
    write_pack(tmp_path, "team", {"broken.yaml": "kind: existence\nmessage: [unclosed\n"})
    with pytest.raises(RuleError, match=r"broken\.yaml: invalid YAML at line \d+, column \d+"):
        load_rules((str(tmp_path),))


def test_yaml_bomb_is_refused(tmp_path: Path) -> None:
    bomb = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 9)}]\n" for i in range(12)
    )
    write_pack(tmp_path, "team", {"bomb.yaml": bomb})
    with pytest.raises(RuleError, match="aliases"):
        load_rules((str(tmp_path),))


def test_bad_token_pattern_is_reported_at_lint_setup(tmp_path: Path) -> None:
    body = GOOD_RULE.replace("patterns: [synergy]", "patterns: [{tokens: [{NOSUCHATTR: x}]}]")
    write_pack(tmp_path, "team", {"tok.yaml": body})
    ruleset = load_rules((str(tmp_path),))
    with pytest.raises(RuleError, match=r"tok\.yaml: patterns\[0\]\.tokens: invalid spaCy token pattern"):
        make_linter(Options(rule_paths=(str(tmp_path),), select=("team",)), ruleset)


def test_pack_name_cannot_shadow_a_builtin_pack(tmp_path: Path) -> None:
    write_pack(tmp_path, "overpromise", {"mine.yaml": GOOD_RULE})
    with pytest.raises(RuleError, match="taken by a built-in pack"):
        load_rules((str(tmp_path),))


def test_selection_by_pack_and_id_and_unknown_names() -> None:
    ruleset = load_rules()
    _, chosen = select_rules(ruleset, "support", select=("overpromise",))
    assert chosen and all(r.pack == "overpromise" for r in chosen)
    _, chosen = select_rules(ruleset, "support", select=("overpromise",), ignore=("overpromise.guarantee",))
    assert "overpromise.guarantee" not in {r.id for r in chosen}
    with pytest.raises(UsageError, match="unknown rule or pack 'nonsense'"):
        select_rules(ruleset, "support", select=("nonsense",))
    with pytest.raises(UsageError, match="unknown profile 'sales'"):
        select_rules(ruleset, "sales")


def test_profile_changes_rule_set() -> None:
    ruleset = load_rules()
    _, support = select_rules(ruleset, "support")
    _, marketing = select_rules(ruleset, "marketing")
    assert "courtesy.greeting" in {r.id for r in support}
    assert "courtesy.greeting" not in {r.id for r in marketing}


def test_message_templates_fill_known_fields_only() -> None:
    assert render("'{match}' -> '{replacement}' {unknown} {0}", {"match": "ASAP", "replacement": "soon"}) == "'ASAP' -> 'soon' {unknown} {0}"
    assert render("{match.__class__}", {"match": "x"}) == "{match.__class__}"


def test_skip_when_negated_hedged_question_conditional(tmp_path: Path) -> None:
    body = GOOD_RULE.replace("patterns: [synergy]", "patterns: [{lemma: guarantee}]").replace(
        "kind: existence", "kind: existence\n    skip_when: [negated, hedged, question, conditional]"
    )
    write_pack(tmp_path, "team", {"promise.yaml": body})
    linter = make_linter(Options(rule_paths=(str(tmp_path),), select=("team",)))
    fired = lambda text: [(f.column, f.match) for f in linter.lint_text(text).findings]  # noqa: E731
    assert fired("We guaranteed it.") == [(4, "guaranteed")]
    assert fired("We can’t guarantee it.") == []
    assert fired("We do not guarantee it.") == []
    # Negation does not reach past a clause break.
    assert fired("We cannot guarantee a date, but we guarantee a reply.") == [(36, "guarantee")]
    assert fired("We'll do our best to guarantee it.") == []
    assert fired("Can we guarantee it?") == []
    assert fired("If we guarantee it, you win.") == []


def test_placeholders_are_never_flagged_and_positions_map_to_source(tmp_path: Path) -> None:
    body = GOOD_RULE.replace("patterns: [synergy]", "patterns: [synergy, placeholder]")
    write_pack(tmp_path, "team", {"jargon.yaml": body})
    linter = make_linter(Options(rule_paths=(str(tmp_path),), select=("team",)))
    source = "Hi {{ synergy }},\r\nthe {{ x }} synergy\rwins"
    findings = linter.lint_text(source).findings
    assert [(f.line, f.column, f.match) for f in findings] == [(2, 13, "synergy")]


def test_require_rule_reports_at_the_opening() -> None:
    linter = make_linter(Options(select=("courtesy.greeting",)))
    text = "Your order shipped this morning and will be with you in a few days. Thanks!"
    findings = linter.lint_text(text).findings
    assert [(f.rule, f.line, f.column) for f in findings] == [("courtesy.greeting", 1, 1)]
    assert linter.lint_text("Hi {{ first_name }}, " + text).findings == ()


def test_region_findings_are_reported_even_when_the_region_holds_a_placeholder(tmp_path: Path) -> None:
    """A missing greeting is about the opening sentence; a placeholder in it must not hide it,
    while a matched word inside a placeholder is still never reported."""
    long_sentence = GOOD_RULE.replace("kind: existence", "kind: metric\n    measure: sentence_words\n    max: 5").replace(
        "    patterns: [synergy]\n", ""
    ).replace('good: ["We work together."]', 'good: ["We work well."]').replace('bad: ["Pure synergy."]', 'bad: ["One two three four five six."]')
    write_pack(tmp_path, "team", {"long.yaml": long_sentence})
    linter = make_linter(Options(rule_paths=(str(tmp_path),), select=("team", "courtesy.greeting")))
    text = "Your order {{ order_id }} shipped this morning and will be with you in a few days, so keep an eye out for it."
    found = {(f.rule, f.line, f.column, f.match) for f in linter.lint_text(text).findings}
    assert ("team.long", 1, 1, "Your order") in found  # the words before the placeholder, not over it
    assert any(rule == "courtesy.greeting" and (line, col) == (1, 1) for rule, line, col, _ in found)


def test_at_most_a_thousand_findings_of_a_rule_per_text_and_one_that_says_how_many_more() -> None:
    from mantracheck.api import lint_text
    from mantracheck.engine.runner import MAX_FINDINGS_PER_RULE

    text = "We guarantee it. " * (MAX_FINDINGS_PER_RULE + 250)
    found = [f for f in lint_text(text, select=("overpromise.guarantee",))]
    assert len(found) == MAX_FINDINGS_PER_RULE + 1
    last = found[-1]
    assert last.rule == "overpromise.guarantee" and last.match == ""
    assert last.message == "and 250 more overpromise.guarantee findings in this text from here on, not listed (at most 1,000 per rule per text)"
    assert (last.line, last.column) == (1, 17 * MAX_FINDINGS_PER_RULE + 1)
