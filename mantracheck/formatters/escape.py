"""Text from a repository (file names, matches, messages built from them, config values) made
safe to print for a person or a line-reading program (a terminal, a CI log, GitHub's runner).

A file name or a team rule's match can hold a newline (which would start a line of its own,
say ``::error::...``, a GitHub workflow command) or an escape sequence (``ESC ] 52;`` writes
the clipboard, ``ESC ] 0;`` the window title, ``ESC [ 2J`` clears the screen). ``printable``
shows each control character as a visible escape, as git and ruff do for file names:
``\\n``, ``\\r``, ``\\x1b``, ``\\x7f``, ``\\x9b``; a byte of a file name that is not valid
UTF-8 (kept by Python as a surrogate escape, U+DC80-U+DCFF) as ``\\xff``, so two such names
stay distinct; any other lone surrogate, and the Unicode line and paragraph separators
(which some readers take as line breaks), as ``\\uXXXX``. Tab is kept. A backslash is not
doubled (a Windows path keeps its separators), so a name holding the four characters
``\\x1b`` prints like one holding an ESC; the JSON and SARIF outputs are exact.
"""

from __future__ import annotations

import re

#: C0 but tab, DEL, C1, U+2028/U+2029, and every surrogate.
_CONTROL = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")
_NAMED = {"\n": "\\n", "\r": "\\r"}


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    named = _NAMED.get(char)
    if named is not None:
        return named
    code = ord(char)
    if code <= 0xFF:
        return f"\\x{code:02x}"
    if 0xDC80 <= code <= 0xDCFF:  # an undecodable byte of a file name (os.fsdecode)
        return f"\\x{code - 0xDC00:02x}"
    return f"\\u{code:04x}"


def printable(text: str) -> str:
    """``text`` with its control characters shown as visible escapes (see the module)."""
    if _CONTROL.search(text) is None:
        return text
    return _CONTROL.sub(_escape, text)
