"""The stable, versioned JSON report (documented in README.md)."""

from __future__ import annotations

from mantracheck.formatters import indented
from mantracheck.models import LintResult

#: Bumped when a field changes meaning or disappears (adding fields does not bump it).
JSON_VERSION = 1


def format_json(result: LintResult) -> str:
    payload = {
        "version": JSON_VERSION,
        "files": [r.to_dict() for r in result.files],
        "summary": result.summary(),
        "notices": [str(n) for n in result.notices],
    }
    return indented.dumps(payload) + "\n"
