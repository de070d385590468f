"""The stable, versioned JSON report (documented in docs/lint.md).

``iter_json`` writes it a piece at a time: the head, each file's object as its report comes
(``file_json``, made where the report is made), then the summary and the notices, so a run
of any size is never held whole. ``format_json`` joins the pieces for a collected run. Either
way the text is ``json.dumps(payload, indent=2, ensure_ascii=False)`` of the whole report.

A file name that is not valid UTF-8 (Python keeps its undecodable bytes as surrogate escapes,
U+DC80-U+DCFF) is shown in ``path`` with U+FFFD for those bytes, so that the report stays
valid UTF-8 for every JSON reader, and its exact bytes follow in ``path_bytes``, lowercase hex
(``bytes.fromhex`` in Python, ``Buffer.from(s, "hex")`` in Node, ``xxd -r -p``): two such
names stay distinct, and a tool can open the file. A name that is valid UTF-8 has no
``path_bytes``; its ``path`` is exact (control characters JSON-escaped).
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from mantracheck.formatters import indented
from mantracheck.models import FileReport, LintResult, Notice

#: Bumped when a field changes meaning or disappears (adding fields does not bump it).
JSON_VERSION = 1
_HEAD = '{\n  "version": ' + str(JSON_VERSION) + ',\n  "files": '


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


def file_json(report: FileReport) -> str:
    """One file's object, laid out as it sits in the report's ``files`` list."""
    return indented.dumps_nested(file_dict(report), 2)


def iter_json(files: Iterable[str], summary: Callable[[], dict[str, int]], notices: Iterable[Notice | str]) -> Iterator[str]:
    """The report in pieces: ``files`` are the ``file_json`` of each report, pulled one at a
    time; ``summary()`` is called once they are all written."""
    yield _HEAD
    separator = "[\n    "
    for piece in files:
        yield separator + piece
        separator = ",\n    "
    end = "[]" if separator.startswith("[") else "\n  ]"
    summary_json = indented.dumps_nested(summary(), 1)
    notices_json = indented.dumps_nested([str(n) for n in notices], 1)
    yield f'{end},\n  "summary": {summary_json},\n  "notices": {notices_json}\n}}\n'


def format_json(result: LintResult) -> str:
    return "".join(iter_json((file_json(r) for r in result.files), result.summary, result.notices))


def format_json_compact(result: LintResult) -> str:
    """The same report without the layout (one line, no spaces after separators), written by
    json's C encoder: what ``mantracheck serve`` answers, where indentation was a quarter of the
    time a request took and half its bytes."""
    payload = {"version": JSON_VERSION, "files": [file_dict(r) for r in result.files], "summary": result.summary(), "notices": [str(n) for n in result.notices]}
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
