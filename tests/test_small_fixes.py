"""Small things a newcomer hit (issue 17, part 6): concise output, mantra line numbers, the
rule list on a terminal, the empty sub-score line."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from mantracheck.cli import cli

OVERPROMISE = "We guarantee your refund will arrive within 24 hours.\n"
FINDING = re.compile(r"^.+?:\d+:\d+: (error|warning|info) [a-z0-9.-]+ .+$")
GOOD = "People serving people like those we love the most."
BAD = "Our mission is to leverage best-in-class synergies to holistically deliver world-class stakeholder value across all verticals."


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


# -- mantra line numbers ---------------------------------------------------------------
def test_mantra_json_line_is_the_line_in_the_file(tmp_path: Path) -> None:
    path = tmp_path / "candidates.md"
    path.write_text(f"# Our candidates\n\n{BAD}\n\n<!-- -->\n- {GOOD}\n\n\n\"Eat fresh.\"\n", encoding="utf-8")
    lines = path.read_text(encoding="utf-8").splitlines()
    result = CliRunner().invoke(cli, ["mantra", "--format", "json", "--file", str(path)])
    assert result.exit_code == 0, result.output
    objects = [json.loads(line) for line in result.stdout.splitlines()]
    for obj in objects:
        assert obj["file"] == str(path)
        assert obj["text"] in lines[obj["line"] - 1], (obj["line"], obj["text"])
    assert {o["text"]: o["line"] for o in objects} == {BAD: 3, "<!-- -->": 5, GOOD: 6, "Eat fresh.": 9}


def test_mantra_arguments_are_numbered_by_position_without_a_file() -> None:
    result = CliRunner().invoke(cli, ["mantra", "--format", "json", GOOD, BAD])
    objects = [json.loads(line) for line in result.stdout.splitlines()]
    assert [(o["file"], o["line"], o["text"]) for o in objects] == [(None, 1, GOOD), (None, 2, BAD)]


def test_mantra_min_score_message_names_the_file_and_line(tmp_path: Path) -> None:
    good, bad = tmp_path / "MANTRA.md", tmp_path / "mantra.txt"
    good.write_text(f"# Our mantra\n\n{GOOD}\n", encoding="utf-8")
    bad.write_text(f"# candidates\n\n\n{GOOD}\n\n{BAD}\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["mantra", "--min-score", "60", "--files", str(good), str(bad)])
    assert result.exit_code == 1
    failed = [line for line in result.stderr.splitlines() if "below the minimum" in line]
    assert len(failed) == 1 and failed[0].startswith(f"mantracheck: {bad}:6: mantra scores "), result.stderr
    assert failed[0].endswith(f"below the minimum of 60: {BAD}")
    csv_rows = CliRunner().invoke(cli, ["mantra", "--format", "csv", "--files", str(good), str(bad)]).stdout.splitlines()
    assert csv_rows[0].endswith(",file") and any(row.startswith("3,6,") and row.endswith(f",{bad}") for row in csv_rows[1:]), csv_rows


# -- mantra text: no empty sub-score line ----------------------------------------------
def test_no_sub_score_line_ends_in_an_empty_colon() -> None:
    result = CliRunner().invoke(cli, ["mantra", "--no-color", "Excellence.", "We care.", "Listen first. Fix fast. Follow up."])
    assert result.exit_code == 0, result.output
    subscore_lines = [line for line in result.stdout.splitlines() if re.match(r"^  (brevity|simplicity|memorability|focus) \d+", line)]
    assert len(subscore_lines) == 12
    assert all(not line.rstrip().endswith(":") for line in subscore_lines), result.stdout
    assert "  focus 40: does not say who it serves or what you do for them" in result.stdout.splitlines()


# -- rules on a terminal ---------------------------------------------------------------
def _run_on_a_terminal(args: list[str], columns: int) -> str:
    """``python -m mantracheck ARGS`` with its output on a pseudo-terminal of ``columns``."""
    import fcntl
    import pty
    import struct
    import termios

    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, columns, 0, 0))
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES", "CI", "NO_COLOR")}
    proc = subprocess.Popen([sys.executable, "-m", "mantracheck", *args], stdin=subprocess.DEVNULL, stdout=slave, stderr=slave, env=env)
    os.close(slave)
    chunks = []
    while True:
        try:
            data = os.read(master, 65536)
        except OSError:  # EIO: the child closed the terminal
            break
        if not data:
            break
        chunks.append(data)
    os.close(master)
    assert proc.wait(timeout=120) == 0
    return b"".join(chunks).decode("utf-8").replace("\r\n", "\n")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="a pseudo-terminal of a set width")
def test_rules_on_a_terminal_wrap_to_its_width() -> None:
    from mantracheck.engine.loader import load_rules

    rules = load_rules().rules
    for columns in (80, 50):
        out = _run_on_a_terminal(["rules"], columns)
        lines = out.splitlines()
        assert max(len(line) for line in lines) <= columns, "\n".join(line for line in lines if len(line) > columns)
        words = " ".join(out.split())
        for rule in rules:
            assert any(line.startswith(rule.id + " ") for line in lines), rule.id
            assert " ".join(rule.one_line().split()) in words, rule.id


def test_rules_off_a_terminal_stay_one_line_per_rule() -> None:
    from mantracheck.engine.loader import load_rules

    lines = CliRunner().invoke(cli, ["rules"]).stdout.splitlines()
    for rule in load_rules().rules:
        (line,) = [x for x in lines if x.startswith(rule.id + " ")]
        assert line.endswith(rule.one_line())
