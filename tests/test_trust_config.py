"""A repository's configuration is untrusted input (issue 18, items 2-4): a config file cannot
make mantracheck load code (a folder or an arbitrary package as the spaCy pipeline), read rule
packs outside the repository, hide the files it should lint, or echo what a file holds in an
error; and config discovery stops at the repository root."""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from mantracheck.cli import cli
from mantracheck.config import discover, load_config

G = "We guarantee it.\n"
#: a finding any pipeline gives (a phrase, no lemma needed)
PHRASE = "Delivery is guaranteed.\n"
SECRET = "hunter2-s3cret"
PROMISE_RULE = """\
kind: existence
severity: error
message: "'{match}' is a promise."
description: Promises we cannot keep.
patterns: [promise]
suggestions: [Say what you will do.]
examples:
  good: [We will try.]
  bad: [We promise.]
"""


def invoke(*args: str, input: str | None = None, env: dict[str, str] | None = None) -> Any:
    return CliRunner().invoke(cli, list(args), input=input, env=env)


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def repo(folder: Path) -> Path:
    (folder / ".git").mkdir(parents=True)
    return folder


def one_error_line(result: Any) -> str:
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1, result.output
    return lines[0]


# -- item 4: discovery stops at the repository root ------------------------------------------
@pytest.mark.parametrize("git", ["folder", "file"])
def test_discovery_stops_at_the_repository_root(tmp_path: Path, git: str) -> None:
    write(tmp_path / ".mantracheck.toml", "profile = 'marketing'\n")  # above the repository
    root = tmp_path / "repo"
    deep = root / "emails" / "spring"
    deep.mkdir(parents=True)
    if git == "folder":
        (root / ".git").mkdir()
    else:  # a worktree or a submodule: .git is a file
        write(root / ".git", "gitdir: ../elsewhere/.git\n")
    assert discover(deep) is None
    assert load_config(start=str(deep)).path is None
    # A config inside the repository, at its root or below, is found as before.
    write(root / "pyproject.toml", "[tool.mantracheck]\nprofile = 'script'\n")
    assert discover(deep) == root / "pyproject.toml"
    write(root / "emails" / ".mantracheck.yaml", "profile: support\n")
    assert discover(deep) == root / "emails" / ".mantracheck.yaml"


def test_discovery_outside_any_repository_walks_up_as_before(tmp_path: Path) -> None:
    write(tmp_path / ".mantracheck.toml", "profile = 'marketing'\n")
    deep = tmp_path / "a" / "b"
    deep.mkdir(parents=True)
    assert discover(deep) == tmp_path / ".mantracheck.toml"


def test_cli_in_a_repository_ignores_a_config_above_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # A config above the repository that would hide every finding.
    write(tmp_path / ".mantracheck.toml", "ignore = ['overpromise']\n")
    root = repo(tmp_path / "repo")
    write(root / "reply.txt", G)
    monkeypatch.chdir(root)
    result = invoke("lint", "--format", "concise", "reply.txt")
    assert result.exit_code == 1, result.output
    assert result.output.startswith("reply.txt:1:1: error overpromise.guarantee"), result.output
