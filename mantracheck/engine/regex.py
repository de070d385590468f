"""User regexes: checked when loaded and compiled in one place."""

from __future__ import annotations

import re
from functools import lru_cache

#: The span a regex reports can be narrowed with a group of this name: (?P<m>...).
MATCH_GROUP = "m"
MAX_LENGTH = 2000


def check_regex(pattern: str) -> str | None:
    """Why ``pattern`` cannot be used, or None."""
    if len(pattern) > MAX_LENGTH:
        return f"regex is {len(pattern)} characters long; the limit is {MAX_LENGTH}"
    try:
        compiled = re.compile(pattern)
    except re.error as exc:
        return f"invalid regular expression: {exc}"
    if compiled.match("") is not None and compiled.search("x") is not None and compiled.search("x").end() == 0:
        return "regex matches the empty string; it would flag every position"
    return None


@lru_cache(maxsize=4096)
def compile_regex(pattern: str, case_sensitive: bool = False) -> re.Pattern[str]:
    return re.compile(pattern, 0 if case_sensitive else re.IGNORECASE)
