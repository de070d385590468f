"""The stable, versioned JSON report (documented in docs/lint.md).

A file name that is not valid UTF-8 (Python keeps its undecodable bytes as surrogate escapes,
U+DC80-U+DCFF) is shown in ``path`` with U+FFFD for those bytes, so that the report stays
valid UTF-8 for every JSON reader, and its exact bytes follow in ``path_bytes``, lowercase hex
(``bytes.fromhex`` in Python, ``Buffer.from(s, "hex")`` in Node, ``xxd -r -p``): two such
names stay distinct, and a tool can open the file. A name that is valid UTF-8 has no
``path_bytes``; its ``path`` is exact (control characters JSON-escaped).
"""

from __future__ import annotations

import os
from typing import Any

from mantracheck.formatters import indented
from mantracheck.models import FileReport, LintResult

#: Bumped when a field changes meaning or disappears (adding fields does not bump it).
JSON_VERSION = 1


def file_dict(report: FileReport) -> dict[str, Any]:
    """``report.to_dict()``, with ``path_bytes`` after ``path`` for a name that is not UTF-8."""
    out = report.to_dict()
    path = report.path
    if path.isascii():
        return out
    try:
        path.encode("utf-8")
    except UnicodeEncodeError:
        try:
            raw = os.fsencode(path)
        except UnicodeEncodeError:  # a lone surrogate that is not an undecodable byte
            raw = path.encode("utf-8", "surrogatepass")
        out = {"path": raw.decode("utf-8", "replace"), "path_bytes": raw.hex(), **{k: v for k, v in out.items() if k != "path"}}
    return out


def format_json(result: LintResult) -> str:
    payload = {
        "version": JSON_VERSION,
        "files": [file_dict(r) for r in result.files],
        "summary": result.summary(),
        "notices": [str(n) for n in result.notices],
    }
    return indented.dumps(payload) + "\n"
