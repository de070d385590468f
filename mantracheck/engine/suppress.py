"""Inline suppression: ``mantracheck:`` directives in a format's comments.

Directives (in ``<!-- -->``, ``{# #}``, ``{{!-- --}}``, ``<%# %>``, a YAML ``#`` comment, or a
plain-text line of its own)::

    mantracheck: disable=RULE[,RULE]     from here on (no list: every rule)
    mantracheck: enable[=RULE,...]       ends a disable (no list: all of them)
    mantracheck: disable-next-line=RULE  the line after the comment
    mantracheck: disable-line=RULE       the line(s) the comment is on
    mantracheck: disable-file[=RULE]     the whole file

RULE is a full rule id (``overpromise.guarantee``) or a pack (``overpromise``). A rule or pack
the run does not know is reported (``mantracheck.unknown-directive-rule``), so is a directive
that cannot be read (``mantracheck.invalid-directive``); with ``report_unused`` a directive
that suppressed nothing is reported too (``mantracheck.unused-directive``). These reports are
warnings and are never themselves suppressed.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field

from mantracheck.models import Finding, Severity
from mantracheck.text.offsets import LineIndex

UNKNOWN_RULE = "mantracheck.unknown-directive-rule"
INVALID = "mantracheck.invalid-directive"
UNUSED = "mantracheck.unused-directive"
META_RULES = (INVALID, UNKNOWN_RULE, UNUSED)

KINDS = ("disable-next-line", "disable-line", "disable-file", "disable", "enable")
_DIRECTIVE = re.compile(r"mantracheck:[ \t]*(?P<body>[^\r\n]*?)[ \t]*(?:-->|--\}\}|#\}|%>|\}\}|\*/)?[ \t]*$", re.MULTILINE)
_BODY = re.compile(r"(?P<kind>[a-z-]+)(?:[ \t]*=[ \t]*(?P<rules>[^\s,]+(?:[ \t]*,[ \t]*[^\s,]+)*))?(?:[ \t]+--.*)?$")


@dataclass
class Directive:
    kind: str
    rules: tuple[str, ...]  # empty: every rule
    start: int  # source offsets of the directive text
    end: int
    line: int  # lines of the whole comment
    end_line: int
    position: tuple[int, int]  # line and column where the directive starts
    used: set[str] = field(default_factory=set)
    #: (line, column) bounds of the string value the directive is written in (a YAML, JSON,
    #: PO or PHP field's HTML comment), outside which it does nothing; None: the whole file
    scope: tuple[tuple[int, int], tuple[int, int]] | None = None

    def covers(self, rule: str) -> str | None:
        """The name in this directive that selects ``rule`` ("" for all rules), or None."""
        if not self.rules:
            return ""
        pack = rule.split(".", 1)[0]
        for name in self.rules:
            if name == rule or name == pack:
                return name
        return None


def parse(comments: Iterable[tuple[int, int, str]], lines: LineIndex, source: str) -> tuple[list[Directive], list[Finding]]:
    """Directives in comment spans (source offsets), and findings for unreadable ones."""
    directives: list[Directive] = []
    problems: list[Finding] = []
    seen: set[tuple[int, int]] = set()
    for start, end, text in sorted(comments):
        if (start, end) in seen:
            continue
        seen.add((start, end))
        line, end_line = lines.position(start)[0], lines.position(max(end - 1, start))[0]
        for m in _DIRECTIVE.finditer(text):
            # Offsets inside the comment text are exact only when it is the source text.
            exact = source[start:end] == text
            d_start = start + m.start() if exact else start
            d_end = start + m.end("body") if exact else end
            body = _BODY.match(m.group("body").strip())
            if body is None or body.group("kind") not in KINDS:
                problems.append(_meta(INVALID, f"cannot read the directive {m.group('body').strip()!r}; expected one of {', '.join(KINDS)}, optionally =RULE[,RULE]", d_start, d_end, lines, source))
                continue
            rules = tuple(r.strip() for r in (body.group("rules") or "").split(",") if r.strip())
            directives.append(Directive(body.group("kind"), rules, d_start, d_end, line, end_line, lines.position(d_start)))
    return directives, problems


def apply(
    findings: Sequence[Finding],
    directives: Sequence[Directive],
    problems: Sequence[Finding],
    known: Collection[str],
    lines: LineIndex,
    source: str,
    report_unused: bool = False,
) -> list[Finding]:
    """The findings no directive suppresses, plus reports about the directives themselves."""
    out: list[Finding] = []
    for finding in findings:
        suppressors = _suppressors(finding, directives)
        if not suppressors:
            out.append(finding)
        for directive, name in suppressors:
            directive.used.add(name)
    out.extend(problems)
    for d in directives:
        for name in d.rules:
            if name not in known:
                out.append(_meta(UNKNOWN_RULE, f"unknown rule or pack {name!r} in a mantracheck directive; 'mantracheck rules' lists them", d.start, d.end, lines, source))
        if report_unused and d.kind != "enable":
            unused = [n for n in (d.rules or ("",)) if n not in d.used and (not n or n in known)]
            if unused:
                what = "any finding" if unused == [""] else ", ".join(unused)
                out.append(_meta(UNUSED, f"unused directive: 'mantracheck: {d.kind}' suppressed no finding of {what}", d.start, d.end, lines, source))
    out.sort(key=Finding.sort_key)
    return out


def _suppressors(finding: Finding, directives: Sequence[Directive]) -> list[tuple[Directive, str]]:
    """The directives (and the name in each) that suppress ``finding``. For disable/enable
    the last directive before the finding that names its rule (or all rules) decides."""
    where = (finding.line, finding.column)
    found: list[tuple[Directive, str]] = []
    current: tuple[Directive, str] | None = None
    for d in directives:
        name = d.covers(finding.rule)
        if name is None or (d.scope is not None and not d.scope[0] <= where < d.scope[1]):
            continue
        if d.kind in ("disable", "enable"):
            if d.position <= where:
                current = (d, name) if d.kind == "disable" else None
        elif d.kind == "disable-file" or (d.kind == "disable-line" and d.line <= finding.line <= d.end_line) or (d.kind == "disable-next-line" and finding.line == d.end_line + 1):
            found.append((d, name))
    if current is not None:
        found.append(current)
    return found


def _meta(rule: str, message: str, start: int, end: int, lines: LineIndex, source: str) -> Finding:
    line, col = lines.position(start)
    end_line, end_col = lines.position(end)
    return Finding(rule=rule, severity=Severity.WARNING, line=line, column=col, end_line=end_line, end_column=end_col, message=message, match=source[start:end])
