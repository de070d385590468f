"""SARIF 2.1.0 (validated in the tests against the official JSON schema). No timestamps."""

from __future__ import annotations

import os
from pathlib import PurePath
from typing import Any
from urllib.parse import quote

from mantracheck import __version__
from mantracheck.formatters import indented
from mantracheck.models import Finding, LintResult, Severity

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
INFO_URI = "https://pypi.org/project/mantracheck/"
LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}


def _uri(path: str) -> str:
    if path == "<stdin>":
        return "stdin"
    if os.path.isabs(path):
        try:
            path = os.path.relpath(path)
        except ValueError:  # pragma: no cover - another drive on Windows
            return PurePath(path).as_uri()
    # A file name that is not valid UTF-8 (undecodable bytes, kept by Python as surrogate
    # escapes) is percent-encoded byte for byte.
    return quote(PurePath(path).as_posix(), errors="surrogateescape")


def _region(f: Finding) -> dict[str, Any]:
    return {
        "startLine": f.line,
        "startColumn": f.column,
        "endLine": f.end_line,
        "endColumn": f.end_column,
        "snippet": {"text": f.match},
    }


def format_sarif(result: LintResult) -> str:
    metas = sorted({m.id: m for m in result.rules}.values(), key=lambda m: m.id)
    seen = {f.rule for f in result.findings}
    known = {m.id for m in metas}
    index = {}
    rules: list[dict[str, Any]] = []
    for meta in metas:
        index[meta.id] = len(rules)
        descriptor: dict[str, Any] = {
            "id": meta.id,
            "name": meta.id.replace(".", "/"),
            "shortDescription": {"text": meta.summary or meta.id},
            "fullDescription": {"text": meta.description or meta.summary or meta.id},
            "help": {"text": meta.description + ("\n\nSuggestions:\n" + "\n".join(f"- {s}" for s in meta.suggestions) if meta.suggestions else "")},
            "defaultConfiguration": {"level": LEVELS[meta.severity]},
        }
        if meta.link:
            descriptor["helpUri"] = meta.link
        rules.append(descriptor)
    for rule_id in sorted(seen - known):  # e.g. engine-level findings about directives
        index[rule_id] = len(rules)
        rules.append({"id": rule_id, "shortDescription": {"text": rule_id}})

    results = []
    artifacts: dict[str, int] = {}
    for report in result.files:
        uri = _uri(report.path)
        for f in report.findings:
            artifacts.setdefault(uri, len(artifacts))
            location = {"physicalLocation": {"artifactLocation": {"uri": uri, "index": artifacts[uri]}, "region": _region(f)}}
            item: dict[str, Any] = {
                "ruleId": f.rule,
                "ruleIndex": index[f.rule],
                "level": LEVELS[f.severity],
                "message": {"text": f.message + ("" if not f.suggestions else " Suggestion: " + " ".join(f.suggestions))},
                "locations": [location],
            }
            if f.field is not None:
                item["properties"] = {"field": f.field}
            if f.fix is not None:
                item["fixes"] = [
                    {
                        "description": {"text": f"Replace '{f.match}' with '{f.fix.replacement}'"},
                        "artifactChanges": [
                            {
                                "artifactLocation": {"uri": uri, "index": artifacts[uri]},
                                "replacements": [
                                    {
                                        "deletedRegion": {"startLine": f.line, "startColumn": f.column, "endLine": f.end_line, "endColumn": f.end_column},
                                        "insertedContent": {"text": f.fix.replacement},
                                    }
                                ],
                            }
                        ],
                    }
                ]
            results.append(item)
    run: dict[str, Any] = {
        "tool": {"driver": {"name": "mantracheck", "version": __version__, "informationUri": INFO_URI, "rules": rules}},
        "columnKind": "unicodeCodePoints",
        "artifacts": [{"location": {"uri": uri}} for uri in artifacts],
        "results": results,
    }
    unreadable = [r for r in result.files if r.error is not None]
    if unreadable or result.notices:
        run["invocations"] = [
            {
                "executionSuccessful": True,
                "toolExecutionNotifications": [
                    {"level": "warning", "message": {"text": f"{r.path}: {r.error}"}} for r in unreadable
                ]
                + [{"level": "note", "message": {"text": str(n)}} for n in result.notices],
            }
        ]
    return indented.dumps({"$schema": SCHEMA, "version": "2.1.0", "runs": [run]}) + "\n"
