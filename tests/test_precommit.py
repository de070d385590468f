"""The pre-commit hook, run by real pre-commit against a real temporary git repository."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.slow


def _git(cwd: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True)


def _pre_commit(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PRE_COMMIT")}
    env.setdefault("GIT_AUTHOR_NAME", "t")
    return subprocess.run(
        [sys.executable, "-m", "pre_commit", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env=env,
        timeout=1200,
    )


def make_repo(tmp_path_factory: pytest.TempPathFactory, name: str, files: dict[str, str]) -> Path:
    """A real git repository holding ``files`` (relative path -> text), all staged."""
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    repo = tmp_path_factory.mktemp(name)
    _git(repo, "init", "-q")
    _git(repo, "config", "user.email", "t@example.invalid")
    _git(repo, "config", "user.name", "t")
    for rel, text in files.items():
        (repo / rel).parent.mkdir(parents=True, exist_ok=True)
        (repo / rel).write_text(text, encoding="utf-8")
    _git(repo, "add", ".")
    return repo


@pytest.fixture(scope="module")
def user_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_repo(
        tmp_path_factory,
        "support-team",
        {
            "templates/refund-promise.txt": "Hi {{ first_name }},\n\nWe guarantee your refund will arrive within 24 hours.\n\nThanks,\nThe Support Team\n",
            "templates/refund-update.txt": "Hi {{ first_name }},\n\nThanks for your patience. We can't promise a date yet, but we'll update you "
            "as soon as we hear back from the bank.\n\nBest,\nThe Support Team\n",
        },
    )


def test_hook_fails_on_overpromise_and_passes_on_clean_template(user_repo: Path) -> None:
    bad = _pre_commit(user_repo, "try-repo", str(ROOT), "mantracheck", "--files", "templates/refund-promise.txt")
    assert bad.returncode == 1, bad.stdout + bad.stderr
    assert "templates/refund-promise.txt:3:1: error overpromise.guarantee" in bad.stdout, bad.stdout
    good = _pre_commit(user_repo, "try-repo", str(ROOT), "mantracheck", "--files", "templates/refund-update.txt")
    assert good.returncode == 0, good.stdout + good.stderr
    assert "Passed" in good.stdout
