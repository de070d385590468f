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


# -- the mantracheck hook reads copy, not code ------------------------------------------
#: How a team widens the hook (README quotes this): the default list plus reStructuredText
#: and AsciiDoc. Overriding 'files' replaces the default list, so it is repeated.
WIDEN_SNIPPET = """\
      - id: mantracheck
        files: '(?i)\\.(txt|text|tmpl|tpl|j2|jinja|jinja2|liquid|mustache|erb|njk|nunjucks|md|markdown|html|htm|xhtml|hbs|handlebars|twig|mjml|inky|php|po|pot|eml|yaml|yml|json|rst|adoc)$'
"""
CODE_AND_COPY = {
    "app.py": "# We guarantee this works within 24 hours.\nprint('hi')\n",
    "docs/guide.rst": "We guarantee your refund will arrive within 24 hours.\n",
    "templates/update.md": "Hi Sam,\n\nThanks for your patience. We can't promise a date yet, but we'll update you as soon as we hear back.\n\nBest,\nAna\n",
}


def test_hook_skips_code_and_formats_it_does_not_read(tmp_path_factory: pytest.TempPathFactory) -> None:
    repo = make_repo(tmp_path_factory, "code-and-copy", CODE_AND_COPY)
    done = _pre_commit(repo, "try-repo", str(ROOT), "mantracheck", "--all-files", "--verbose")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Passed" in done.stdout and "app.py" not in done.stdout and "guide.rst" not in done.stdout


def test_hook_widened_in_the_config_lints_more(tmp_path_factory: pytest.TempPathFactory) -> None:
    """WIDEN_SNIPPET, as a team's .pre-commit-config.yaml holds it, with real pre-commit
    against a clone of this checkout (its HEAD plus the working tree's hook manifest)."""
    shadow = tmp_path_factory.mktemp("shadow") / "mantracheck"
    _git(shadow.parent, "clone", "-q", str(ROOT), str(shadow))
    shutil.copy(ROOT / ".pre-commit-hooks.yaml", shadow / ".pre-commit-hooks.yaml")
    _git(shadow, "-c", "user.email=t@example.invalid", "-c", "user.name=t", "commit", "-q", "--allow-empty", "-am", "the working tree's hook manifest")
    rev = subprocess.run(["git", "rev-parse", "HEAD"], cwd=shadow, check=True, capture_output=True, text=True).stdout.strip()
    config = f"repos:\n  - repo: {shadow}\n    rev: {rev}\n    hooks:\n{WIDEN_SNIPPET}"
    repo = make_repo(tmp_path_factory, "widened", {**CODE_AND_COPY, ".pre-commit-config.yaml": config})
    done = _pre_commit(repo, "run", "--all-files")
    assert done.returncode == 1, done.stdout + done.stderr
    assert "docs/guide.rst:1:1: error overpromise.guarantee" in done.stdout, done.stdout
    assert "app.py" not in done.stdout and "templates/update.md" not in done.stdout
