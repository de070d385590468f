"""The mantracheck-mantra hook, run by real pre-commit against a real temporary git repository."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.test_precommit import ROOT, _pre_commit, make_repo

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def mantra_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_repo(
        tmp_path_factory,
        "mantra-team",
        {
            "good/MANTRA.md": "# Our mantra\n\nPeople serving people like those we love the most.\n",
            "bad/mantra.txt": "Our mission is to leverage best-in-class synergies to holistically deliver world-class stakeholder value across all verticals.\n",
            "promise/MANTRA": "Guaranteed happiness, 100% of the time!\n",
            "notes.txt": "Not a mantra file; the hook must not look at it.\n",
        },
    )


def test_hook_passes_a_good_mantra_and_fails_a_bad_one(mantra_repo: Path) -> None:
    good = _pre_commit(mantra_repo, "try-repo", str(ROOT), "mantracheck-mantra", "--files", "good/MANTRA.md", "notes.txt")
    assert good.returncode == 0, good.stdout + good.stderr
    assert "Passed" in good.stdout
    bad = _pre_commit(mantra_repo, "try-repo", str(ROOT), "mantracheck-mantra", "--files", "bad/mantra.txt")
    assert bad.returncode == 1, bad.stdout + bad.stderr
    assert "below the minimum of 60" in bad.stdout
    skipped = _pre_commit(mantra_repo, "try-repo", str(ROOT), "mantracheck-mantra", "--files", "notes.txt")
    assert skipped.returncode == 0 and "no files to check" in skipped.stdout.lower(), skipped.stdout


def test_hook_blocks_a_mantra_with_an_overpromise(mantra_repo: Path) -> None:
    """Short, common words and two overpromise errors: the cap keeps it below the default bar."""
    done = _pre_commit(mantra_repo, "try-repo", str(ROOT), "mantracheck-mantra", "--files", "promise/MANTRA")
    assert done.returncode == 1, done.stdout + done.stderr
    assert "promise/MANTRA:1: mantra scores" in done.stdout and "below the minimum of 60" in done.stdout
