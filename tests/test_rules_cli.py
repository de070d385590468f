"""Team rule packs: scaffold, test, and the generated reference."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from mantracheck.cli import cli

ROOT = Path(__file__).resolve().parent.parent


def invoke(*args: str, cwd: Path | None = None):
    runner = CliRunner()
    if cwd is None:
        return runner.invoke(cli, list(args))
    import os

    old = os.getcwd()
    os.chdir(cwd)
    try:
        return runner.invoke(cli, list(args))
    finally:
        os.chdir(old)


def test_new_scaffold_passes_its_own_examples_and_refuses_to_overwrite(tmp_path: Path) -> None:
    made = invoke("rules", "new", "team.no-synergy", cwd=tmp_path)
    assert made.exit_code == 0, made.output
    path = tmp_path / "rules" / "team" / "no-synergy.yaml"
    assert path.is_file()
    tested = invoke("rules", "test", str(path))
    assert tested.exit_code == 0, tested.output
    assert "1 rule, 2 examples: 2 passed, 0 failed" in tested.output
    again = invoke("rules", "new", "team.no-synergy", cwd=tmp_path)
    assert again.exit_code == 2 and "already exists" in again.output
    assert invoke("rules", "new", "NoDot", cwd=tmp_path).exit_code == 2


def test_rules_test_reports_failing_examples(tmp_path: Path) -> None:
    invoke("rules", "new", "team.jargon", cwd=tmp_path)
    path = tmp_path / "rules" / "team" / "jargon.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("A sentence this rule must not flag.", "Please replace me."), encoding="utf-8")
    result = invoke("rules", "test", str(tmp_path / "rules"))
    assert result.exit_code == 1
    assert f"{path}: examples.good[0]: fired on 'replace me': 'Please replace me.'" in result.output


def test_rules_test_warns_of_a_field_no_finding_fills(tmp_path: Path) -> None:
    invoke("rules", "new", "team.jargon", cwd=tmp_path)
    path = tmp_path / "rules" / "team" / "jargon.yaml"
    text = path.read_text(encoding="utf-8").replace("'{match}' -- say", "'{mtach}' -- say {replacement}").replace("What to write instead.", "Write '{match}' as 'Hi {first_name},'.")
    path.write_text(text, encoding="utf-8")
    result = invoke("rules", "test", str(path))
    assert result.exit_code == 0, result.output  # a warning: braces may be meant (a placeholder)
    assert f"warning: {path}: message: {{mtach}} is not a field of existence rules (they fill {{match}}): it is printed as written" in result.output
    assert f"warning: {path}: message: {{replacement}} is not a field" in result.output
    assert f"warning: {path}: suggestions[0]: {{first_name}} is not a field" in result.output
    assert result.output.count("warning:") == 3
    assert "warning" not in invoke("rules", "test").output  # the built-in rules name only fields they fill


def test_rules_test_invalid_pack_exits_2(tmp_path: Path) -> None:
    bad = tmp_path / "team" / "x.yaml"
    bad.parent.mkdir()
    bad.write_text("kind: existence\nseverity: loud\n", encoding="utf-8")
    result = invoke("rules", "test", str(bad))
    assert result.exit_code == 2
    assert str(bad) in result.output


def test_builtin_rules_pass_rules_test() -> None:
    result = invoke("rules", "test")
    assert result.exit_code == 0, result.output


def test_rules_test_on_the_builtin_folder_as_the_rules_hook_passes_it(tmp_path: Path) -> None:
    """The mantracheck-rules hook passes changed files under rules/: in this repository that
    includes the settings files beside the packs and built-in rules with lookarounds."""
    from mantracheck.engine.loader import builtin_rules_dir

    root = builtin_rules_dir()
    whole = invoke("rules", "test", str(root))
    assert whole.exit_code == 0, whole.output
    assert whole.output.startswith(f"{len(list(root.glob('*/*.yaml')))} rules, ")
    files = invoke("rules", "test", str(root / "courtesy" / "asap.yaml"), str(root / "courtesy-score.yaml"), str(root / "profiles.yaml"))
    assert files.exit_code == 0, files.output
    assert files.output.startswith("1 rule, ")  # asap.yaml (a lookaround regex), not the settings
    # a team's copy of the same rule outside the built-in folder runs on RE2, which refuses it
    pack = tmp_path / "team"
    pack.mkdir()
    (pack / "asap.yaml").write_text((root / "courtesy" / "asap.yaml").read_text())
    copy = invoke("rules", "test", str(pack))
    assert copy.exit_code == 2 and "not supported by RE2" in copy.output, copy.output


def test_generated_rule_reference_is_current() -> None:
    result = invoke("rules", "docs", "--output", str(ROOT / "docs" / "rules.md"), "--check")
    assert result.exit_code == 0, "docs/rules.md is stale: run `mantracheck rules docs --output docs/rules.md`"


def test_rule_reference_covers_every_builtin_rule() -> None:
    from mantracheck.engine.loader import load_rules

    text = invoke("rules", "docs").output
    for rule in load_rules().rules:
        assert f"### `{rule.id}`" in text
        assert rule.bad[0] in text and rule.good[0] in text


def test_docs_of_a_teams_own_packs(tmp_path: Path) -> None:
    """`rules docs --rules DIR` documents the team's packs (not the built-in rules), in a file
    with the mode a new file gets (not mkstemp's 0600), and keeps an existing file's mode."""
    import os
    import stat

    assert invoke("rules", "new", "team.no-synergy", cwd=tmp_path).exit_code == 0
    out = tmp_path / "team-rules.md"
    for args in (("rules", "docs", "--rules", "rules", "--output", str(out)), ("rules", "--rules", "rules", "docs", "--output", str(out))):
        made = invoke(*args, cwd=tmp_path)
        assert made.exit_code == 0, made.output
        text = out.read_text(encoding="utf-8")
        assert text.startswith("<!-- Generated by `mantracheck rules docs --rules DIR") and "# Rule reference: team" in text
        assert "team.no-synergy" in text and "overpromise.guarantee" not in text
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE(out.stat().st_mode) == 0o666 & ~umask
    out.chmod(0o640)
    assert invoke("rules", "docs", "--rules", "rules", "--output", str(out), cwd=tmp_path).exit_code == 0
    assert stat.S_IMODE(out.stat().st_mode) == 0o640


def test_click_usage_errors_are_one_line_too() -> None:
    for args, says in (
        (("lint", "--format", "bogus", "-"), "Invalid value for '--format': 'bogus' is not one of"),
        (("lint", "--nope", "x"), "No such option '--nope'"),
        (("rules", "explain"), "Missing argument 'RULE_ID'"),
        (("nosuchcommand",), "No such command 'nosuchcommand'"),
        (("--bogus",), "No such option"),  # the group's own options
    ):
        result = invoke(*args)
        assert result.exit_code == 2, args
        (line,) = result.stderr.splitlines()
        assert line.startswith("mantracheck: error: ") and says in line and line.endswith("--help')"), line


def test_rules_lists_and_explains_the_packs_of_the_config_as_lint_runs_them(tmp_path: Path) -> None:
    """A team's packs named by the config's rule_paths are listed and explained, as a lint in
    the same folder runs them; --rules adds more."""
    made = invoke("rules", "new", "team.no-synergy", "--dir", "style", cwd=tmp_path)
    assert made.exit_code == 0, made.output
    (tmp_path / ".git").mkdir()  # the repository the config's rule_paths must stay inside
    (tmp_path / ".mantracheck.toml").write_text('rule_paths = ["style"]\n', encoding="utf-8")
    (tmp_path / "a.txt").write_text("A sentence with replace me in it.\n", encoding="utf-8")
    linted = invoke("lint", "--format", "json", "a.txt", cwd=tmp_path)
    assert '"team.no-synergy"' in linted.output, linted.output
    listed = invoke("rules", cwd=tmp_path)
    assert listed.exit_code == 0 and "team.no-synergy" in listed.output, listed.output
    explained = invoke("rules", "explain", "team.no-synergy", cwd=tmp_path)
    assert explained.exit_code == 0 and explained.output.startswith("team.no-synergy  (existence, warning)"), explained.output
    # elsewhere (no config) the rule is unknown, as lint there would not run it
    assert invoke("rules", "explain", "team.no-synergy", cwd=tmp_path / "style").exit_code == 0  # (the config above is found)
    other = tmp_path.parent / (tmp_path.name + "-other")
    (other / ".git").mkdir(parents=True)
    assert invoke("rules", "explain", "team.no-synergy", cwd=other).exit_code == 2
