"""Findings as LSP diagnostics, and what the server says about a rule (its link, its
explanation): pure functions of the findings, the document and the rules, like the CLI's
formatters.

A diagnostic carries the finding's rule id as ``code``, ``source`` "mantracheck", the
severity the profile and config gave it, its message followed by one ``suggestion:`` line per
suggestion (as the CLI's text output prints them), and as ``data`` the rule id and the fix
(source offsets), so that a code action never has to guess.

``codeDescription`` links to the rule's documentation, offline: the section of the generated
rule reference (``docs/rules.md#courtesyapology``, a file URI) when mantracheck runs from a
clone, which is how it is installed for now; else the rule's own YAML file (description,
suggestions, good and bad examples), which is shipped in the wheel and is the whole doc of a
team's own rule. ``mantracheck lsp --docs-url URL`` links built-in rules to ``URL#anchor``
instead (a hosted copy of docs/rules.md).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from lsprotocol import types

from mantracheck.lsp.positions import TextIndex
from mantracheck.models import Finding, Severity

SOURCE = "mantracheck"
SEVERITY = {
    Severity.ERROR: types.DiagnosticSeverity.Error,
    Severity.WARNING: types.DiagnosticSeverity.Warning,
    Severity.INFO: types.DiagnosticSeverity.Information,
}
_DOCS = Path(__file__).resolve().parent.parent.parent / "docs"


def anchor(rule_id: str) -> str:
    """The rule's section in docs/rules.md (as mantracheck.docs links its table of contents)."""
    return rule_id.replace(".", "")


class RuleDocs:
    """Links to and explanations of the rules of one rule set."""

    def __init__(self, ruleset: Any, docs_url: str | None = None, docs: Path = _DOCS) -> None:
        self.ruleset = ruleset
        self.rules = ruleset.by_id()
        self.docs_url = docs_url.rstrip("#") if docs_url else None
        reference = docs / "rules.md"
        self.reference = reference.as_uri() if reference.is_file() else None
        formats = docs / "formats.md"
        self.directives = formats.as_uri() + "#inline-suppression" if formats.is_file() else None

    def href(self, rule_id: str) -> str | None:
        rule = self.rules.get(rule_id)
        if rule is None:
            return self.directives if rule_id.startswith("mantracheck.") else None
        if rule.builtin and self.docs_url:
            return f"{self.docs_url}#{anchor(rule_id)}"
        if rule.builtin and self.reference:
            return f"{self.reference}#{anchor(rule_id)}"
        return Path(rule.path).resolve().as_uri()

    def markdown(self, rule_id: str) -> str | None:
        """The rule's section of the rule reference (what, why, suggestions, examples)."""
        from mantracheck.docs import render_rule

        rule = self.rules.get(rule_id)
        if rule is None:
            return None
        return render_rule(rule, list(self.ruleset.profiles.values())).strip()

    def plain(self, rule_id: str) -> str | None:
        """A few lines for a message box: why, what to write instead, a bad and a good example."""
        rule = self.rules.get(rule_id)
        if rule is None:
            return None
        lines = [f"{rule.id}: {' '.join(rule.description.split())}"]
        lines += [f"Suggestion: {s}" for s in rule.suggestions]
        lines += [f"Bad: {t}" for t in rule.bad[:1]] + [f"Good: {t}" for t in rule.good[:1]]
        href = self.href(rule_id)
        if href:
            lines.append(f"More: {href}")
        return "\n".join(lines)


def message(finding: Finding) -> str:
    return finding.message + "".join(f"\nsuggestion: {s}" for s in finding.suggestions)


def finding_span(finding: Finding, linted: TextIndex, base: int) -> tuple[int, int]:
    """The finding's [start, end) offsets in the document (``base``: characters before the
    linted text, a byte-order mark the editor kept)."""
    return base + linted.offset_of(finding.line, finding.column), base + linted.offset_of(finding.end_line, finding.end_column)


def to_diagnostic(finding: Finding, span: tuple[int, int], index: TextIndex, docs: RuleDocs | None) -> types.Diagnostic:
    href = docs.href(finding.rule) if docs is not None else None
    fix = finding.fix
    data: dict[str, Any] = {"rule": finding.rule}
    if fix is not None:
        data["fix"] = {"start": fix.start, "end": fix.end, "replacement": fix.replacement}
    return types.Diagnostic(
        range=index.range(*span),
        severity=SEVERITY[finding.severity],
        code=finding.rule,
        code_description=types.CodeDescription(href=href) if href else None,
        source=SOURCE,
        message=message(finding),
        data=data,
    )


def to_diagnostics(findings: Iterable[Finding], spans: Sequence[tuple[int, int]], index: TextIndex, docs: RuleDocs | None) -> list[types.Diagnostic]:
    return [to_diagnostic(f, span, index, docs) for f, span in zip(findings, spans)]


def problem(text: str, code: str, severity: types.DiagnosticSeverity = types.DiagnosticSeverity.Error) -> types.Diagnostic:
    """One diagnostic at the top of a document, for what stops it being linted (a config
    that cannot be used, a file mantracheck cannot read)."""
    start = types.Position(line=0, character=0)
    return types.Diagnostic(range=types.Range(start=start, end=start), severity=severity, code=code, source=SOURCE, message=text)
