"""Pure formatters: a LintResult in, a string out. One registry; commands never build output."""

from __future__ import annotations

from collections.abc import Callable

from mantracheck.formatters.github import format_github
from mantracheck.formatters.json import format_json
from mantracheck.formatters.sarif import format_sarif
from mantracheck.formatters.text import format_text
from mantracheck.models import LintResult

Formatter = Callable[[LintResult], str]

FORMATTERS: dict[str, Formatter] = {
    "text": format_text,
    "json": format_json,
    "sarif": format_sarif,
    "github": format_github,
}
