"""``json.dumps(value, indent=2, ensure_ascii=False)``, the same text, a few times faster.

With ``indent`` set, the standard library leaves its C encoder and walks the value in pure
Python, one generator per list and mapping; a JSON report of 10,000 files (scores carry
dozens of markers per file) spends longer there than in linting. This walks the value once
into a list of strings, with the C string escaper, and gives up on anything but the types
the reports hold (str, int, float, bool, None, list, tuple, dict with str keys): then it
hands the value to ``json.dumps`` unchanged. tests/test_outputs_and_fixes.py compares the two on
generated values.
"""

from __future__ import annotations

import json
import math
from json.encoder import encode_basestring  # type: ignore[attr-defined]
from typing import Any


class _Unsupported(Exception):
    pass


def dumps(value: Any) -> str:
    """``json.dumps(value, indent=2, ensure_ascii=False)``."""
    return dumps_nested(value, 0)


def dumps_nested(value: Any, depth: int) -> str:
    """``value`` as it appears ``depth`` levels deep in an indented document: its lines after
    the first indented by ``2 * depth`` more spaces (the first line is where its key or list
    item starts), so that a document can be written a piece at a time."""
    newline = "\n" + "  " * depth
    out: list[str] = []
    try:
        _encode(value, out, newline)
    except (_Unsupported, RecursionError):
        # JSON escapes the newlines inside strings: every newline of the text is the layout's.
        return json.dumps(value, indent=2, ensure_ascii=False).replace("\n", newline)
    return "".join(out)


def _scalar(value: Any) -> str:
    """A scalar as json.dumps writes it, checked in json's own order (True before int)."""
    if isinstance(value, str):
        return encode_basestring(value)  # type: ignore[no-any-return]
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int):
        return int.__repr__(value)
    if isinstance(value, float):
        if math.isnan(value):
            return "NaN"
        if value == float("inf"):
            return "Infinity"
        if value == -float("inf"):
            return "-Infinity"
        return float.__repr__(value)
    raise _Unsupported


def _encode(value: Any, out: list[str], newline: str) -> None:
    if isinstance(value, dict):
        if not value:
            out.append("{}")
            return
        inner = newline + "  "
        sep = "{" + inner
        for key, item in value.items():
            if type(key) is not str:
                raise _Unsupported  # json's key coercion (int, float, bool, None keys): leave it to json
            if isinstance(item, (dict, list, tuple)):
                out.append(sep + encode_basestring(key) + ": ")
                _encode(item, out, inner)
            else:
                out.append(sep + encode_basestring(key) + ": " + _scalar(item))
            sep = "," + inner
        out.append(newline + "}")
    elif isinstance(value, (list, tuple)):
        if not value:
            out.append("[]")
            return
        inner = newline + "  "
        sep = "[" + inner
        for item in value:
            if isinstance(item, (dict, list, tuple)):
                out.append(sep)
                _encode(item, out, inner)
            else:
                out.append(sep + _scalar(item))
            sep = "," + inner
        out.append(newline + "]")
    else:
        out.append(_scalar(value))
