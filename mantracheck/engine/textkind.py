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
#: Formats of templates that may be a web page rather than a message.
PAGE_FORMATS = frozenset({"html", "blade"})
#: The layout a template extends: Twig/Django/Jinja/Nunjucks/Liquid ``{% extends "x" %}``,
#: Blade ``@extends('x')``, Ghost/Handlebars ``{{!< x}}`` (in the first 2,000 characters).
_EXTENDS = re.compile(r"""\{%-?\s*extends\s+(?P<a>[^%]{1,300}?)\s*-?%\}|@extends\(\s*(?P<b>[^)]{1,300})\)|\{\{!<\s*(?P<c>[^}]{1,300})\}\}""")
#: Words in a template's path or its layout's name that say it is sent, not shown on a page.
MAIL_WORDS = ("mail", "newsletter", "notification")
#: A form control: something a browser shows and a mail client does not run.
_FORM_CONTROL = re.compile(r"<(?:form|input|textarea|select)\b", re.IGNORECASE)

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
    (
        "A web page is a fragment (what it says is a notice on a page, not a message): an HTML "
        f"template whose path does not say it is sent (none of {', '.join(MAIL_WORDS)} in it) and that "
        "extends a layout whose name does not say so either (`{% extends \"helpdesk/public_base.html\" %}`, "
        "`@extends('layouts.app')`) or holds a form control (`<form>`, `<input>`, `<textarea>`, `<select>`)."
    ),
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
    source: str = "",
) -> str:
    """MESSAGE or FRAGMENT for one text (``label``: its key path in a YAML/JSON/PO/PHP file;
    ``source``: the file's text, where a template says it is a web page)."""
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
    if fmt in PAGE_FORMATS and label is None and is_web_page(path, source):
        return FRAGMENT
    words = clean.strip()
    if words and "\n" not in words and not _SENTENCE_END.search(words):
        return FRAGMENT
    return MESSAGE


def is_web_page(path: str, source: str) -> bool:
    """Whether an HTML template is a web page, not a mail: its path does not say it is sent
    (``MAIL_WORDS``), and it extends a layout whose name does not say so or holds a form
    control (``HOW``)."""
    if any(word in path.lower() for word in MAIL_WORDS):
        return False
    found = _EXTENDS.search(source, 0, 2000)
    if found is not None:
        layout = (found.group("a") or found.group("b") or found.group("c") or "").lower()
        if not any(word in layout for word in MAIL_WORDS):
            return True
    return _FORM_CONTROL.search(source) is not None
