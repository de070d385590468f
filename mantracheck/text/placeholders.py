"""Template placeholders: found in the source, replaced by a stand-in word, never flagged."""

from __future__ import annotations

import re
from collections.abc import Iterable

#: What a value placeholder becomes in the clean text: one ordinary, capitalised word, so
#: that "Hi {{ first_name }}," reads as a greeting with a name.
STAND_IN = "Placeholder"

# Block and comment tags stand for no word: they become a space (never glue words together).
_BLOCK = [
    r"\{%-?.*?-?%\}",  # Jinja / Liquid / Twig tags
    r"\{#.*?#\}",  # Jinja comments
    r"\{\{!--.*?--\}\}",  # Handlebars comments
    r"\{\{![^}]*\}\}",  # Mustache / Handlebars comments
    r"\{\{[#/^>][^}]*\}\}",  # Handlebars / Mustache sections and partials
    r"\{\{\s*else\s*\}\}",  # Handlebars else
    r"<%(?!=)-?.*?-?%>",  # ERB statements
]
# Value placeholders stand for a word.
_VALUE = [
    r"\{\{\{.*?\}\}\}",  # triple-stash
    r"\{\{.*?\}\}",  # Jinja / Liquid / Handlebars / Mustache / Twig variables
    r"<%=.*?%>",  # ERB output
    r"\$\{[^}\n]*\}",  # ${var}
    r"%\{[^}\n]*\}",  # osTicket %{var}
    r"%\([A-Za-z_][\w.]*\)[sdif]",  # %(var)s
    r"\[\[[^\]\n]*\]\]",  # [[var]]
]

_DEFAULT = re.compile(
    "|".join(f"(?P<b{i}>{p})" for i, p in enumerate(_BLOCK))
    + "|"
    + "|".join(f"(?P<v{i}>{p})" for i, p in enumerate(_VALUE)),
    re.DOTALL,
)


def compile_placeholders(extra: Iterable[str] = ()) -> re.Pattern[str]:
    """The placeholder regex, with a team's extra value-placeholder patterns added."""
    extra = list(extra)
    if not extra:
        return _DEFAULT
    parts = [_DEFAULT.pattern] + [f"(?P<x{i}>{p})" for i, p in enumerate(extra)]
    return re.compile("|".join(parts), re.DOTALL)


def is_block(match: re.Match[str]) -> bool:
    return (match.lastgroup or "").startswith("b")
