"""mantracheck: check the words a company puts in front of its customers."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"
__all__ = ["__version__", "lint_text", "lint_paths", "start_lint", "LintRun", "Finding", "Severity", "LintResult", "FileReport", "Options", "score_mantra", "rank_mantras", "MantraReport", "SubScore"]

if TYPE_CHECKING:  # pragma: no cover
    from mantracheck.api import LintRun, Options, lint_paths, lint_text, start_lint
    from mantracheck.models import FileReport, Finding, LintResult, Severity
    from mantracheck.scoring.mantra import MantraReport, SubScore, rank_mantras, score_mantra


def __getattr__(name: str) -> Any:
    """Keep ``import mantracheck`` (and ``--version``) free of spaCy until something is used."""
    if name in ("lint_text", "lint_paths", "start_lint", "LintRun", "Options"):
        from mantracheck import api

        return getattr(api, name)
    if name in ("Finding", "Severity", "LintResult", "FileReport"):
        from mantracheck import models

        return getattr(models, name)
    if name in ("score_mantra", "rank_mantras", "MantraReport", "SubScore"):
        from mantracheck.scoring import mantra

        return getattr(mantra, name)
    raise AttributeError(f"module 'mantracheck' has no attribute {name!r}")
