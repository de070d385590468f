"""Keep HTML parsing linear on unclosed tags and comments.

``html.parser.HTMLParser`` (before CPython 3.13.4 / 3.12.11) and markdown-it's inline HTML
rule search the rest of the text for the end of every tag or comment they meet, so thousands
of unclosed ``<a `` or ``<!--`` take quadratic time (10,000 ``<a `` took 10 s, a megabyte of
them hours). A ``<`` whose tag never ends before the next ``<`` (or a ``<!--`` with no
``-->`` after it) is not markup a reader sees. When a text holds many of them, each is
replaced by a space in what the parser reads (same length, so every offset stays; the text
that is linted is still copied from the source).
"""

from __future__ import annotations

import bisect
import re

#: Below this many unclosed tags the parsers' cost is negligible; the text is left alone.
MIN_UNCLOSED = 64
_OPENER = re.compile(r"<(?=[!?/A-Za-z])")


def defuse_unclosed_tags(text: str) -> str:
    if text.count("<") < MIN_UNCLOSED:
        return text
    opens = [m.start() for m in _OPENER.finditer(text)]
    closes = [m.start() for m in re.finditer(">", text)]
    last_comment_end = text.rfind("-->")
    unclosed = []
    for n, i in enumerate(opens):
        if text.startswith("<!--", i):
            if last_comment_end < i + 4:
                unclosed.append(i)
            continue
        k = bisect.bisect_right(closes, i)
        next_open = opens[n + 1] if n + 1 < len(opens) else len(text)
        if k == len(closes) or closes[k] > next_open:
            unclosed.append(i)
    if len(unclosed) < MIN_UNCLOSED:
        return text
    chars = list(text)
    for i in unclosed:
        chars[i] = " "
    return "".join(chars)
