"""Whole messages and fragments: which texts are asked for a greeting, thanks and a sign-off.

A rule with ``scope: message`` asks something of a whole message to a customer (a reply, an
email body, a macro, a post). A fragment (a subject line, a heading or button label, a template
partial, a notice shown on a page, an interface string) is never asked for one. The decision
is made per text by the first of ``HOW`` that applies; ``rules explain`` prints them.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from pathlib import PurePath

MESSAGE, FRAGMENT = "message", "fragment"
KINDS = (MESSAGE, FRAGMENT)

#: Keys of YAML/JSON/PO/PHP strings that hold a line, not a message.
FRAGMENT_KEYS = frozenset(
    "subject title heading header headline label button cta preheader preview summary name "
    "placeholder tooltip caption alt hint".split()
)
#: Formats whose every string is an interface string (a notice, a label), not a message.
STRING_TABLES = frozenset({"po", "php"})
#: Folders that hold template partials (pieces included into a message).
PARTIAL_FOLDERS = frozenset({"partials", "_partials", "includes", "_includes", "components", "layouts", "blocks"})
#: Words in a file name that make it a piece of a message ("email_text_footer.txt", "base.html").
PARTIAL_NAMES = frozenset({"footer", "header", "base", "layout", "signature", "partial", "snippet"})
#: The first key of a locale file: "en", "en-GB", "en_US" (Rails, i18next: interface strings).
_LOCALE = re.compile(r"^[a-z]{2}(?:[-_][A-Za-z]{2})?$")
_SENTENCE_END = re.compile(r"[.!?:;][\"')\]\u201d\u2019]*(?:\s|$)")
_KEY_PART = re.compile(r"[^.\[\]]+")
_WORD_SPLIT = re.compile(r"[_\-\s]+")

HOW = (
    "The config says so: an override's `kind` for the file, or a `fragment_fields` pattern "
    "that matches the text's key path (YAML/JSON/PO/PHP; `*` for any characters: `*.subject`).",
    "In the social profile every text is a whole message: one post or chat message is all the customer reads.",
    f"A YAML/JSON/PO/PHP string whose key (or a word of it: `button_continue`) is one of {', '.join(sorted(FRAGMENT_KEYS))} is a fragment.",
    "Every string of a gettext catalog, a PHP language array or a locale file (YAML/JSON whose "
    "first key is a language code: `en.greeting`) is a fragment (interface strings: notices, "
    "labels); an override with kind = \"message\" says otherwise.",
    f"A file in a {', '.join(sorted(PARTIAL_FOLDERS))} folder, whose name starts with '_' or "
    f"holds one of the words {', '.join(sorted(PARTIAL_NAMES))} (`email_text_footer.txt`), is a fragment (a template partial or layout).",
    "A text on one line with no sentence end (a subject line, a heading, a button) is a fragment.",
    "Anything else is a whole message.",
)


def field_matches(pattern: str, label: str) -> bool:
    """Whether a ``fragment_fields`` pattern names a key path: ``*`` stands for any characters,
    everything else is literal (``replies[1].subject``); ``*.subject`` matches a top-level
    ``subject`` too."""
    regex = _field_regex(pattern)
    return regex.fullmatch(label) is not None or regex.fullmatch("." + label) is not None


@functools.lru_cache(maxsize=256)
def _field_regex(pattern: str) -> re.Pattern[str]:
    return re.compile(".*".join(re.escape(part) for part in pattern.split("*")), re.S)


def text_kind(
    path: str,
    fmt: str,
    label: str | None,
    clean: str,
    *,
    profile: str | None = None,
    forced: str | None = None,
    fragment_fields: Sequence[str] = (),
) -> str:
    """MESSAGE or FRAGMENT for one text (``label``: its key path in a YAML/JSON/PO/PHP file)."""
    if forced in KINDS:
        return forced
    if label is not None and any(field_matches(pattern, label) for pattern in fragment_fields):
        return FRAGMENT
    if profile == "social":
        return MESSAGE
    parts = _KEY_PART.findall(label or "")
    if parts and FRAGMENT_KEYS.intersection(_WORD_SPLIT.split(parts[-1].lower())):
        return FRAGMENT  # "subject", "email.title", "button_continue", "heading-title"
    if fmt in STRING_TABLES or (parts and _LOCALE.match(parts[0])):
        return FRAGMENT
    pure = PurePath(path)
    name_words = _WORD_SPLIT.split(pure.name.lower().split(".")[0])
    if pure.name.startswith("_") or PARTIAL_FOLDERS.intersection(p.lower() for p in pure.parts[:-1]) or PARTIAL_NAMES.intersection(name_words):
        return FRAGMENT
    words = clean.strip()
    if words and "\n" not in words and not _SENTENCE_END.search(words):
        return FRAGMENT
    return MESSAGE
