"""Code actions: apply a rule's fix, silence one finding with a directive, explain a rule.

A fix is the finding's own (``Finding.fix``: offsets the engine mapped back from the clean
text, offered only where the source was copied verbatim). A directive is written in the
file's own comment syntax (docs/formats.md): ``{# #}`` in a Jinja, Twig or Nunjucks
template, ``{{!-- --}}`` in Handlebars and Mustache, ``<%# %>`` in ERB, ``{{-- --}}`` in
Blade, ``<!-- -->`` in HTML and Markdown, ``#`` in YAML and gettext, ``//`` in PHP, a line
of its own in plain text; JSON has no comments, so none is offered there.

Where the comment goes is tried, not assumed: each placement is applied to a copy of the
document and linted again, and the first that silences the finding, and changes nothing
else (no other finding appears or goes, no directive warning), is offered. In order:
``disable-next-line`` on a line of its own above the finding (not in the middle of a
Markdown paragraph, which it would split in two); ``disable-line`` at the end of the
finding's line; in YAML, an HTML comment inside an HTML block scalar, or ``disable`` and
``enable`` comments around the field (a ``#`` line inside a block scalar is text).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from lsprotocol import types

from mantracheck.lsp.positions import TextIndex
from mantracheck.models import Finding
from mantracheck.text.fields import _HTML_TAG  # what makes a field's value HTML

EXPLAIN = "mantracheck.explainRule"
FIX_ALL_KIND = "source.fixAll.mantracheck"
#: Placements are tried (each a lint of the whole document) only below this size; above
#: it the first placement is offered untried.
VERIFY_LIMIT = 200_000

_TEMPLATE_COMMENTS: tuple[tuple[tuple[str, ...], tuple[str, str]], ...] = (
    ((".blade.php",), ("{{-- ", " --}}")),
    ((".j2", ".jinja", ".jinja2", ".twig", ".njk", ".nunjucks"), ("{# ", " #}")),
    ((".hbs", ".handlebars", ".mustache"), ("{{!-- ", " --}}")),
    ((".erb",), ("<%# ", " %>")),
)
_FORMAT_COMMENTS: dict[str, tuple[str, str]] = {
    "html": ("<!-- ", " -->"),
    "markdown": ("<!-- ", " -->"),
    "mjml": ("<!-- ", " -->"),
    "inky": ("<!-- ", " -->"),
    "blade": ("{{-- ", " --}}"),
    "yaml": ("# ", ""),
    "po": ("# ", ""),
    "php": ("// ", ""),
    "text": ("# ", ""),
    "email": ("# ", ""),
}
#: Formats whose comments are only whole lines (a ``#`` after words in plain text is text).
_LINE_ONLY = frozenset({"text", "email", "po"})
_BLOCK_SCALAR = re.compile(r":[ \t]*[|>][0-9+-]*[ \t]*(?:#.*)?$")
_DIRECTIVE_RULES = ("mantracheck.invalid-directive", "mantracheck.unknown-directive-rule")


def comment_syntax(name: str, fmt: str) -> tuple[str, str] | None:
    """(opening, closing) of a comment in a file named ``name`` read as ``fmt``; None when
    the format has no comments (JSON)."""
    lower = name.lower()
    for suffixes, syntax in _TEMPLATE_COMMENTS:
        if lower.endswith(suffixes):
            return syntax
    return _FORMAT_COMMENTS.get(fmt)


@dataclass(frozen=True)
class Edit:
    """Replace the document's [start, end) with ``text`` (offsets in code points)."""

    start: int
    end: int
    text: str


def apply_edits(text: str, edits: Sequence[Edit]) -> str:
    for edit in sorted(edits, key=lambda e: (e.start, e.end), reverse=True):
        text = text[: edit.start] + edit.text + text[edit.end :]
    return text


def workspace_edit(uri: str, version: int | None, edits: Sequence[Edit], index: TextIndex, document_changes: bool) -> types.WorkspaceEdit:
    text_edits = [types.TextEdit(range=index.range(e.start, e.end), new_text=e.text) for e in edits]
    if document_changes:
        identifier = types.OptionalVersionedTextDocumentIdentifier(uri=uri, version=version)
        return types.WorkspaceEdit(document_changes=[types.TextDocumentEdit(text_document=identifier, edits=text_edits)])  # type: ignore[list-item]
    return types.WorkspaceEdit(changes={uri: text_edits})


def fix_edits(findings: Sequence[Finding], base: int) -> list[Edit]:
    """The fixes of ``findings`` that do not overlap, in order."""
    out: list[Edit] = []
    for fix in sorted((f.fix for f in findings if f.fix is not None), key=lambda x: (x.start, x.end)):  # type: ignore[union-attr]
        if out and fix.start < out[-1].end:
            continue
        out.append(Edit(base + fix.start, base + fix.end, fix.replacement))
    return out


def _eol(index: TextIndex) -> str:
    text = index.text
    if index.line_count > 1:
        end = index.line_end(0)
        return text[end : index.line_start(1)]
    return "\n"


def _indent(line: str) -> str:
    return line[: len(line) - len(line.lstrip(" \t"))]


def placements(index: TextIndex, fmt: str, name: str, finding: Finding, span: tuple[int, int], field_span: tuple[int, int] | None) -> list[tuple[str, list[Edit]]]:
    """The ways to silence ``finding`` with a directive, best first: (title, edits).
    ``field_span``: the source span of the string holding it, in a YAML, JSON, PO or PHP file."""
    syntax = comment_syntax(name, fmt)
    if syntax is None:
        return []
    opening, closing = syntax
    rule, eol = finding.rule, _eol(index)
    line = index.line_of(span[0])
    line_text = index.line_text(line)
    start = index.line_start(line)
    previous_blank = line == 0 or not index.line_text(line - 1).strip()
    # A line inside a string of a YAML, PO or PHP file is the string's text: a comment
    # there would reach the customer (a line holding only a directive is read as one).
    inside = field_span is not None and field_span[0] < start
    out: list[tuple[str, list[Edit]]] = []
    if inside:
        pass
    elif fmt != "markdown" or previous_blank or opening.startswith("{"):
        comment = f"{_indent(line_text)}{opening}mantracheck: disable-next-line={rule}{closing}{eol}"
        out.append((f"Disable {rule} for this line (mantracheck: disable-next-line)", [Edit(start, start, comment)]))
    if not inside and (fmt not in _LINE_ONLY or opening.startswith(("{", "<"))):
        end = start + len(line_text.rstrip())
        out.append((f"Disable {rule} on this line (mantracheck: disable-line)", [Edit(end, end, f" {opening}mantracheck: disable-line={rule}{closing}")]))
    if fmt == "yaml" and field_span is not None:
        first, last = index.line_of(field_span[0]), index.line_of(max(field_span[1] - 1, field_span[0]))
        if _HTML_TAG.search(index.text, *field_span):  # (an HTML value only: in plain text the comment would show)
            comment = f"{_indent(index.line_text(first))}<!-- mantracheck: disable-next-line={rule} -->{eol}"
            out.append((f"Disable {rule} for this line (an HTML comment in the field)", [Edit(start, start, comment)]))
        key = first - 1 if first > 0 and _BLOCK_SCALAR.search(index.line_text(first - 1)) else first
        outer = _indent(index.line_text(key))
        after = index.line_start(last + 1) if last + 1 < index.line_count else len(index.text)
        closing_line = f"{outer}# mantracheck: enable={rule}" + (eol if last + 1 < index.line_count else "")
        edits = [Edit(index.line_start(key), index.line_start(key), f"{outer}# mantracheck: disable={rule}{eol}")]
        edits.append(Edit(after, after, closing_line if after < len(index.text) else eol + closing_line))
        out.append((f"Disable {rule} in this field (mantracheck: disable ... enable)", edits))
    return out


def silences(before: Sequence[Finding], after: Sequence[Finding] | None, target: Finding) -> bool:
    """Whether linting after an edit lost ``target`` (and maybe others of its rule, on the
    same line) and nothing else changed: no other finding gone or new, no directive warning."""
    if after is None:
        return False

    def key(f: Finding) -> tuple[str, str, str]:
        return (f.rule, f.match, f.message)

    gone = Counter(map(key, before)) - Counter(map(key, after))
    new = Counter(map(key, after)) - Counter(map(key, before))
    if new or key(target) not in gone:
        return False
    return all(rule == target.rule for rule, _, _ in gone) and not any(f.rule in _DIRECTIVE_RULES for f in after if key(f) in new)


def explain_action(rule: str, uri: str) -> types.CodeAction:
    return types.CodeAction(
        title=f"Explain {rule}",
        kind=types.CodeActionKind.QuickFix,
        command=types.Command(title=f"Explain {rule}", command=EXPLAIN, arguments=[rule, uri]),
    )


def wanted(only: Sequence[str] | None, kind: str) -> bool:
    """Whether the client asked for actions of ``kind`` (``only`` holds kinds and their
    prefixes: "source" asks for "source.fixAll.mantracheck")."""
    return only is None or any(kind == k or kind.startswith(k + ".") for k in only)


def fix_title(finding: Finding) -> str:
    fix = finding.fix
    assert fix is not None
    return f"Replace '{finding.match}' with '{fix.replacement}' ({finding.rule})"


def overlapping(spans: Sequence[tuple[int, int]], lo: int, hi: int) -> list[int]:
    """Indexes of the spans that touch [lo, hi] (a cursor touches the span it is in, or at
    either end of)."""
    return [i for i, (s, e) in enumerate(spans) if s <= hi and e >= lo]

