"""Small things a newcomer hit (issue 17, part 6): concise output, mantra line numbers, the
rule list on a terminal, the empty sub-score line."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from mantracheck.cli import cli

OVERPROMISE = "We guarantee your refund will arrive within 24 hours.\n"
FINDING = re.compile(r"^.+?:\d+:\d+: (error|warning|info) [a-z0-9.-]+ .+$")


# -- lint --format concise -------------------------------------------------------------
@pytest.mark.parametrize("extra", [[], ["--progress"]], ids=["streamed", "collected"])
def test_concise_is_one_line_per_finding(tmp_path: Path, extra: list[str]) -> None:
    (tmp_path / "a.txt").write_text(OVERPROMISE, encoding="utf-8")
    (tmp_path / "b.md").write_text("# Sale\n\nBest deals, guaranteed. 100% risk-free!\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["lint", "--format", "concise", *extra, str(tmp_path)])
    assert result.exit_code == 1, result.output
    lines = result.stdout.splitlines()
    assert lines[-1].startswith("Found ")
    findings = lines[:-1]
    assert len(findings) >= 4 and all(FINDING.match(line) for line in findings), result.stdout
    assert result.stdout.count("Found ") == 1 and int(lines[-1].split()[1]) == len(findings)


def test_text_keeps_its_suggestion_lines() -> None:
    text = CliRunner().invoke(cli, ["lint", "--format", "text", "--no-color", "-"], input=OVERPROMISE)
    assert "    suggestion: " in text.stdout


def test_concise_api_formatter_matches_the_command(tmp_path: Path) -> None:
    from mantracheck.api import lint_paths
    from mantracheck.formatters.text import format_concise

    (tmp_path / "a.txt").write_text(OVERPROMISE, encoding="utf-8")
    result = CliRunner().invoke(cli, ["lint", "--format", "concise", str(tmp_path)])
    assert result.stdout == format_concise(lint_paths([str(tmp_path)]))
