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
    assert "1 rules, 2 examples: 2 passed, 0 failed" in tested.output
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


def test_generated_rule_reference_is_current() -> None:
    result = invoke("rules", "docs", "--output", str(ROOT / "docs" / "rules.md"), "--check")
    assert result.exit_code == 0, "docs/rules.md is stale: run `mantracheck rules docs --output docs/rules.md`"


def test_rule_reference_covers_every_builtin_rule() -> None:
    from mantracheck.engine.loader import load_rules

    text = invoke("rules", "docs").output
    for rule in load_rules().rules:
        assert f"### `{rule.id}`" in text
        assert rule.bad[0] in text and rule.good[0] in text
