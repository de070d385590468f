"""`mantracheck lsp` (issue 23): the real server as a subprocess, a real LSP client (pygls's
LanguageClient, tests/lsp_client.py) talking to it over stdio or TCP.

Each behaviour a user sees in the editor: the same findings at the same places as
`mantracheck lint --format json` (positions converted to UTF-16, or UTF-32 when the client
asks), a finding that goes when it is fixed, code actions that fix or silence a finding
once applied, hovers, a MANTRA file's scores, config reloads, a broken config, a document
too large, and a clean shutdown.
"""

from __future__ import annotations

import json
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lsprotocol import types

from mantracheck.lsp.positions import TextIndex
from tests.lsp_client import Editor, apply_text_edits, default_capabilities, utf16_position

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parent.parent

MARKDOWN = (
    "Hi {{ first_name }} 👋,\n\n"
    "Thanks for writing. 🎉 We guarantee a refund ASAP!\n\n"
    "```\nWe guarantee this code is never linted.\n```\n\n"
    "Best,\nAna\n"
)
HTML = (
    "<p>Hi {{ name }},</p>\n"
    "<p>&#128512; 🙂 We guarantee you will love it, 100% of the time.</p>\n"
    "<p>Reply ASAP.</p>\n"
    "<p>Thanks,<br>Ana</p>\n"
)
TEMPLATE = "Hi {{ name }},\n{# internal note #}\nWe guarantee it ASAP 😀 and 100% of the time.\nThanks,\nAna\n"
YAML = (
    "macros:\n"
    "  - title: Refund\n"
    "    body: |\n"
    "      Hi there, 🙂 we guarantee a refund ASAP.\n"
    "      Thanks, Ana\n"
    "  - title: Other\n"
    "    body: \"Hi Sam, 😀 we guarantee it. Thanks, Ana\"\n"
)
JSON = '{"macros": [{"body": "Hi 😀, we guarantee a refund ASAP. Thanks, Ana"}]}\n'
CRLF = "Hi Sam,\r\n\r\n😀 We guarantee a reply ASAP.\r\n\r\nBest,\r\nAna\r\n"
EMAIL = "Subject: Your refund 😀\nFrom: a@example.com\nTo: b@example.com\nContent-Type: text/plain; charset=utf-8\n\nHi Sam,\n\n🎉 We guarantee a refund ASAP.\n\nBest,\nAna\n"
PO = '# Support replies\nmsgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n#: refund.php:3\nmsgid "Hi %s, 😀 we guarantee a refund ASAP. Thanks, Ana"\nmsgstr ""\n'
PHP = "<?php\n// Replies\nreturn [\n    'refund' => 'Hi :name, 😀 we guarantee a refund ASAP. Thanks, Ana',\n    'other' => \"We guarantee it.\",\n];\n"
BLADE = "<p>Hi {{ $name }},</p>\n{{-- note --}}\n<p>😀 We guarantee a refund ASAP.</p>\n<p>Best, Ana</p>\n"
FILES = {
    "reply.md": (MARKDOWN, "markdown"),
    "welcome.html": (HTML, "html"),
    "note.txt.j2": (TEMPLATE, "jinja"),
    "macros.yaml": (YAML, "yaml"),
    "macros.json": (JSON, "json"),
    "crlf.md": (CRLF, "markdown"),
    "reply.eml": (EMAIL, "plaintext"),
    "messages.po": (PO, "po"),
    "lang.php": (PHP, "php"),
    "reply.blade.php": (BLADE, "blade"),
}
MANTRA = "# our mantra candidates\nPeople serving people.\n- \"We guarantee 100% satisfaction, always.\"\nListen first. Fix fast.\n"


def workspace(root: Path, config: str = '[tool.mantracheck]\nprofile = "support"\n') -> Path:
    (root / ".git").mkdir(parents=True, exist_ok=True)  # discovery stops at the repository root
    (root / "pyproject.toml").write_text(config, encoding="utf-8")
    for name, (text, _) in FILES.items():
        (root / name).write_bytes(text.encode("utf-8"))
    return root


def cli_json(root: Path, *paths: str) -> dict[str, list[dict]]:
    result = subprocess.run([sys.executable, "-m", "mantracheck", "lint", "--format", "json", *paths], cwd=root, capture_output=True, text=True, timeout=300, check=False)
    assert result.returncode in (0, 1), result.stderr
    return {f["path"]: f["findings"] for f in json.loads(result.stdout)["files"]}


def expected(text: str, finding: dict) -> tuple:
    start = utf16_position(text, finding["line"], finding["column"])
    end = utf16_position(text, finding["end_line"], finding["end_column"])
    message = finding["message"] + "".join(f"\nsuggestion: {s}" for s in finding["suggestions"])
    return (finding["rule"], start.line, start.character, end.line, end.character, finding["severity"], message)


def seen(d: types.Diagnostic) -> tuple:
    severity = {types.DiagnosticSeverity.Error: "error", types.DiagnosticSeverity.Warning: "warning", types.DiagnosticSeverity.Information: "info"}[d.severity]  # type: ignore[index]
    return (d.code, d.range.start.line, d.range.start.character, d.range.end.line, d.range.end.character, severity, d.message)


def at(d: types.Diagnostic) -> types.Range:
    return d.range


def by_code(diagnostics: list[types.Diagnostic], code: str) -> types.Diagnostic:
    found = [d for d in diagnostics if d.code == code]
    assert found, f"no {code} in {[d.code for d in diagnostics]}"
    return found[0]


def action(actions: list, starts: str) -> types.CodeAction:
    found = [a for a in actions if isinstance(a, types.CodeAction) and a.title.startswith(starts)]
    assert found, f"no action '{starts}...' in {[a.title for a in actions]}"
    return found[0]


@pytest.fixture(scope="module")
def shared(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Editor]:
    """One server over a workspace of every format, shared by the tests that only read."""
    root = workspace(tmp_path_factory.mktemp("lsp") / "ws")
    (root / "MANTRA").write_text(MANTRA, encoding="utf-8")
    editor = Editor(root)
    yield editor
    assert editor.shutdown() == 0, editor.stderr.decode(errors="replace")


# -- diagnostics ------------------------------------------------------------------------
def test_diagnostics_are_the_clis_findings_at_the_same_places(shared: Editor) -> None:
    cli = cli_json(shared.root, *FILES)
    assert {name for name, found in cli.items() if found} == set(FILES), cli  # every file has findings
    for name, (text, language) in FILES.items():
        uri = shared.open(name, text, language)
        diagnostics = shared.diagnostics(uri)
        assert sorted(map(seen, diagnostics)) == sorted(expected(text, f) for f in cli[name]), name
        for d in diagnostics:
            assert d.source == "mantracheck"
            assert d.code_description is not None and d.code_description.href.startswith("file://"), d
            assert d.data["rule"] == d.code


def test_positions_count_utf16_units_after_an_emoji(shared: Editor) -> None:
    uri = shared.open("emoji.md", "🎉🎉 We guarantee it.\n", "markdown")
    guarantee = by_code(shared.diagnostics(uri), "overpromise.guarantee")
    # two emoji (two UTF-16 units each) and a space before "We": character 5, not 3
    assert (guarantee.range.start.line, guarantee.range.start.character) == (0, 5)
    assert guarantee.range.end.character == 5 + len("We guarantee")


def test_code_description_links_the_rules_section_of_the_reference(shared: Editor) -> None:
    uri = shared.open("link.md", "We guarantee it.\n", "markdown")
    d = by_code(shared.diagnostics(uri), "overpromise.guarantee")
    assert d.code_description is not None
    assert d.code_description.href == (ROOT / "docs" / "rules.md").as_uri() + "#overpromiseguarantee"
    assert "### `overpromise.guarantee`" in (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")


def test_a_change_that_fixes_a_finding_removes_it(shared: Editor) -> None:
    uri = shared.open("change.md", "Hi Sam,\n\nWe guarantee a reply today.\n\nBest,\nAna\n", "markdown")
    assert "overpromise.guarantee" in [d.code for d in shared.diagnostics(uri)]
    shared.change(uri, "Hi Sam,\n\nWe will reply today.\n\nBest,\nAna\n")
    assert "overpromise.guarantee" not in [d.code for d in shared.diagnostics(uri)]


def test_a_burst_of_changes_ends_with_the_last_texts_findings(shared: Editor) -> None:
    uri = shared.open("burst.md", "Hi Sam,\n\nThanks.\n\nBest,\nAna\n", "markdown")
    shared.diagnostics(uri)
    words = "We guarantee a reply ASAP"
    for i in range(1, len(words) + 1):
        shared.change(uri, f"Hi Sam,\n\n{words[:i]}.\n\nBest,\nAna\n")
    last = shared.diagnostics(uri)
    assert sorted(d.code for d in last) == ["courtesy.asap", "overpromise.guarantee"]
    # coalesced: far fewer lints than changes, never one for an old version after a newer one
    versions = [p.version for p in shared.published[uri]]
    assert versions == sorted(versions) and len(versions) < len(words)


def test_an_unsaved_document_is_linted_by_its_language(shared: Editor) -> None:
    uri = shared.open("", "We guarantee it.\n", "markdown", uri="untitled:Untitled-1")
    assert "overpromise.guarantee" in [d.code for d in shared.diagnostics(uri)]


def test_a_document_in_no_format_it_reads_gets_no_diagnostics(shared: Editor) -> None:
    uri = shared.open("script.py", "# We guarantee it\n", "python")
    assert shared.diagnostics(uri) == []
    # a YAML file with none of the fields looked for: skipped by the CLI, so nothing here
    assert shared.diagnostics(shared.open("compose.yaml", "services:\n  web:\n    image: nginx\n", "yaml")) == []


def test_a_file_it_cannot_read_is_one_warning(shared: Editor) -> None:
    [d] = shared.diagnostics(shared.open("broken.json", '{"body": "We guarantee it.",\n', "json"))
    assert d.code == "mantracheck.not-linted" and d.severity == types.DiagnosticSeverity.Warning and "JSON" in d.message


# -- code actions -----------------------------------------------------------------------
def test_code_action_applies_a_rules_fix(shared: Editor) -> None:
    uri = shared.open("fix.md", "Hi Sam,\n\n🙂 We will reply ASAP.\n\nBest,\nAna\n", "markdown")
    asap = by_code(shared.diagnostics(uri), "courtesy.asap")
    fix = action(shared.code_actions(uri, asap.range, [asap]), "Replace 'ASAP'")
    assert fix.kind == types.CodeActionKind.QuickFix and fix.is_preferred and fix.edit is not None
    shared.apply(fix.edit)
    assert shared.texts[uri] == "Hi Sam,\n\n🙂 We will reply as soon as we can.\n\nBest,\nAna\n"
    assert "courtesy.asap" not in [d.code for d in shared.diagnostics(uri)]


def test_fix_all_applies_every_fix(shared: Editor) -> None:
    uri = shared.open("fixall.md", "Hi Sam, ASAP.\n\nReply ASAP, ASAP.\n", "markdown")
    first = by_code(shared.diagnostics(uri), "courtesy.asap")
    fix_all = action(shared.code_actions(uri, first.range, only=["source.fixAll"]), "Apply every mantracheck fix")
    assert fix_all.kind == "source.fixAll.mantracheck" and fix_all.edit is not None
    shared.apply(fix_all.edit)
    assert "ASAP" not in shared.texts[uri]
    assert "courtesy.asap" not in [d.code for d in shared.diagnostics(uri)]


@pytest.mark.parametrize(
    "name, language, text, rule, comment",
    [
        ("quiet.md", "markdown", "Hi Sam,\n\nWe guarantee a reply.\n\nBest,\nAna\n", "overpromise.guarantee", "<!-- mantracheck: disable-next-line=overpromise.guarantee -->\n"),
        ("quiet.html", "html", "<p>Hi Sam,</p>\n  <p>😀 We guarantee a reply.</p>\n<p>Best, Ana</p>\n", "overpromise.guarantee", "  <!-- mantracheck: disable-next-line=overpromise.guarantee -->\n"),
        ("quiet.txt.j2", "jinja", "Hi {{ name }},\nWe guarantee a reply.\nBest,\nAna\n", "overpromise.guarantee", "{# mantracheck: disable-next-line=overpromise.guarantee #}\n"),
        ("quiet.hbs", "handlebars", "<p>Hi {{name}},</p>\n<p>We guarantee a reply.</p>\n<p>Best, Ana</p>\n", "overpromise.guarantee", "{{!-- mantracheck: disable-next-line=overpromise.guarantee --}}\n"),
        ("quiet.txt", "plaintext", "Hi Sam,\nWe guarantee a reply.\nBest,\nAna\n", "overpromise.guarantee", "# mantracheck: disable-next-line=overpromise.guarantee\n"),
        ("quiet.yaml", "yaml", "macros:\n  - body: \"Hi Sam, we guarantee a reply. Best, Ana\"\n", "overpromise.guarantee", "  # mantracheck: disable-next-line=overpromise.guarantee\n"),
        ("quiet.po", "po", PO, "overpromise.guarantee", "# mantracheck: disable-next-line=overpromise.guarantee\n"),
        ("quiet.php", "php", PHP, "overpromise.guarantee", "    // mantracheck: disable-next-line=overpromise.guarantee\n"),
        ("quiet.blade.php", "blade", BLADE, "overpromise.guarantee", "{{-- mantracheck: disable-next-line=overpromise.guarantee --}}\n"),
        ("quiet.eml", "plaintext", EMAIL, "overpromise.guarantee", "# mantracheck: disable-next-line=overpromise.guarantee\n"),
    ],
)
def test_code_action_adds_a_disable_comment_in_the_files_syntax(shared: Editor, name: str, language: str, text: str, rule: str, comment: str) -> None:
    uri = shared.open(name, text, language)
    before = shared.diagnostics(uri)
    target = by_code(before, rule)
    disable = action(shared.code_actions(uri, target.range, [target]), f"Disable {rule}")
    assert disable.edit is not None
    shared.apply(disable.edit)
    assert comment in shared.texts[uri], shared.texts[uri]
    after = shared.diagnostics(uri)
    assert [d.code for d in after].count(rule) == [d.code for d in before].count(rule) - 1  # that one finding
    assert sorted(d.code for d in after if d.code != rule) == sorted(d.code for d in before if d.code != rule)  # nothing else changed


def test_disable_in_the_middle_of_a_markdown_paragraph_keeps_the_paragraph(shared: Editor) -> None:
    text = "Hi Sam,\n\nThanks for writing.\nWe guarantee a reply.\n\nBest,\nAna\n"
    uri = shared.open("para.md", text, "markdown")
    target = by_code(shared.diagnostics(uri), "overpromise.guarantee")
    disable = action(shared.code_actions(uri, target.range, [target]), "Disable overpromise.guarantee")
    shared.apply(disable.edit)  # type: ignore[arg-type]
    assert shared.texts[uri] == text.replace("a reply.", "a reply. <!-- mantracheck: disable-line=overpromise.guarantee -->")
    assert "overpromise.guarantee" not in [d.code for d in shared.diagnostics(uri)]


def test_disable_inside_a_yaml_block_scalar_wraps_the_field(shared: Editor) -> None:
    text = "macros:\n  - title: Refund\n    body: |\n      Hi Sam,\n      we guarantee a refund.\n      Best, Ana\n  - body: \"We guarantee it.\"\n"
    uri = shared.open("block.yaml", text, "yaml")
    before = shared.diagnostics(uri)
    target = next(d for d in before if d.code == "overpromise.guarantee" and d.range.start.line == 4)
    disable = action(shared.code_actions(uri, target.range, [target]), "Disable overpromise.guarantee")
    shared.apply(disable.edit)  # type: ignore[arg-type]
    after = shared.diagnostics(uri)
    assert [d.range.start.line for d in after if d.code == "overpromise.guarantee"] == [8]  # the other field's still there
    assert "# mantracheck: disable=overpromise.guarantee" in shared.texts[uri] and "# mantracheck: enable=overpromise.guarantee" in shared.texts[uri]


def test_json_has_no_comments_so_no_disable_action(shared: Editor) -> None:
    uri = shared.open("nocomment.json", '{"body": "Hi Sam, we guarantee it. Thanks, Ana"}\n', "json")
    target = by_code(shared.diagnostics(uri), "overpromise.guarantee")
    titles = [a.title for a in shared.code_actions(uri, target.range, [target])]
    assert not [t for t in titles if t.startswith("Disable")] and "Explain overpromise.guarantee" in titles


def test_explain_action_runs_a_command_that_shows_the_explanation(shared: Editor) -> None:
    uri = shared.open("explain.md", "We guarantee it.\n", "markdown")
    target = by_code(shared.diagnostics(uri), "overpromise.guarantee")
    explain = action(shared.code_actions(uri, target.range, [target]), "Explain overpromise.guarantee")
    assert explain.command is not None and explain.edit is None
    text = shared.execute(explain.command.command, *(explain.command.arguments or []))
    assert text.startswith("### `overpromise.guarantee`") and "**Why:**" in text
    shown = shared.message(lambda m: m.type == types.MessageType.Info and "overpromise.guarantee" in m.message)
    assert "Suggestion:" in shown.message


# -- hover ------------------------------------------------------------------------------
def test_hover_on_a_finding_explains_its_rule(shared: Editor) -> None:
    uri = shared.open("hover.md", "Hi Sam,\n\n🎉 We guarantee it.\n", "markdown")
    target = by_code(shared.diagnostics(uri), "overpromise.guarantee")
    hover = shared.hover(uri, target.range.start.line, target.range.start.character + 3)
    assert hover is not None and isinstance(hover.contents, types.MarkupContent)
    assert hover.contents.kind == types.MarkupKind.Markdown
    assert hover.contents.value.startswith("**overpromise.guarantee** · error")
    assert "**Why:**" in hover.contents.value and "suggestion:" in hover.contents.value
    assert hover.range == target.range
    assert shared.hover(uri, 0, 1) is None


# -- MANTRA -----------------------------------------------------------------------------
def test_mantra_file_shows_each_lines_scores_and_flags_those_below_the_hooks_bar(shared: Editor) -> None:
    result = subprocess.run([sys.executable, "-m", "mantracheck", "mantra", "--format", "json", "--files", "MANTRA"], cwd=shared.root, capture_output=True, text=True, check=False)
    cli = {r["line"]: r for r in map(json.loads, result.stdout.splitlines())}
    uri = shared.open("MANTRA")
    hints = shared.inlay_hints(uri)
    assert [h.position.line + 1 for h in hints] == sorted(cli)
    for hint in hints:
        r = cli[hint.position.line + 1]
        assert hint.label == " · ".join([str(r["score"]), *(f"{k} {v}" for k, v in r["subscores"].items())])
        assert hint.position.character == len(MANTRA.splitlines()[hint.position.line])
    low = [line for line, r in cli.items() if r["score"] < 60]
    diagnostics = shared.diagnostics(uri)
    assert low and [d.range.start.line + 1 for d in diagnostics] == low
    d = diagnostics[0]
    assert d.code == "mantracheck.mantra-score" and d.severity == types.DiagnosticSeverity.Error
    assert "below the minimum of 60" in d.message
    line = MANTRA.splitlines()[low[0] - 1]
    assert (d.range.start.character, d.range.end.character) == (line.index("We"), line.index("always.") + len("always."))  # the candidate, not its bullet or quotes
    hover = shared.hover(uri, 1, 2)
    assert hover is not None and f"**mantra score {cli[2]['score']}**" in hover.contents.value  # type: ignore[union-attr]


def test_hook_min_score_is_the_hooks() -> None:
    from mantracheck.lsp.engines import HOOK_MIN_SCORE
    from mantracheck.yamlio import load_yaml_file

    hooks = {h["id"]: h for h in load_yaml_file(str(ROOT / ".pre-commit-hooks.yaml"))}
    args = hooks["mantracheck-mantra"]["args"]
    assert int(args[args.index("--min-score") + 1]) == HOOK_MIN_SCORE


def test_mantra_bar_follows_the_repositorys_pre_commit_config(tmp_path: Path) -> None:
    from mantracheck.lsp.engines import hook_min_score

    (tmp_path / ".git").mkdir()
    assert hook_min_score(tmp_path) == 60
    config = "repos:\n  - repo: local\n    hooks:\n      - id: mantracheck-mantra\n        args: [--min-score, '75']\n"
    (tmp_path / ".pre-commit-config.yaml").write_text(config, encoding="utf-8")
    assert hook_min_score(tmp_path / "sub") == 60 or hook_min_score(tmp_path) == 75
    assert hook_min_score(tmp_path) == 75


def _recycling_engines(root: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Any, Any]:
    """Engines that rebuild after 1,000 characters, and the loaded slot of ``root`` (a repository)."""
    from mantracheck.lsp import engines as eng

    monkeypatch.setattr(eng, "RECYCLE_CHARS", 1000)
    (root / ".git").mkdir()
    engines = eng.Engines(eng.ServerOptions())
    engines.set_folders([root])
    slot = engines.slot(root)
    slot.refresh()
    return engines, slot


def test_engines_and_pipelines_are_built_afresh_after_recycle_chars(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A long editing session does not keep every word it has read: past RECYCLE_CHARS the
    slots get new engines on a new pipeline, and the same text gets the same findings."""
    from mantracheck.nlp import get_pipeline

    engines, slot = _recycling_engines(tmp_path, monkeypatch)
    text = "Hi Sam, your refund is guaranteed and will arrive within the hour. Best, Ana\n"
    first_engine, first_pipeline = slot.engine, get_pipeline()
    assert first_engine is not None
    before = [(f.rule, f.line, f.column) for f in first_engine.lint(None, "reply.txt", text, "text").findings]
    assert before
    engines.reading(600)
    assert slot.engine is first_engine and get_pipeline() is first_pipeline  # (under the bar)
    engines.reading(600)
    assert slot.engine is not first_engine and get_pipeline() is not first_pipeline
    assert slot.engine is not None and slot.error is None
    second = slot.engine
    after = [(f.rule, f.line, f.column) for f in second.lint(None, "reply.txt", text, "text").findings]
    assert after == before
    engines.reading(300)  # the count starts again from the text that crossed the bar: 900
    assert slot.engine is second
    engines.reading(300)
    assert slot.engine is not second


def test_a_rebuild_leaves_a_config_change_to_be_found_and_said(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The rebuild keeps each slot's configuration and its stamp: a config broken just before
    it is still reported by the slot's next check, with the last good engine kept."""
    engines, slot = _recycling_engines(tmp_path, monkeypatch)
    good = slot.engine
    (tmp_path / "pyproject.toml").write_text('[tool.mantracheck]\nprofile = "nonsense"\n', encoding="utf-8")
    replaced = engines.reading(2000)
    assert good is not None and replaced == {id(good): slot.engine} and slot.engine is not good
    changed, news = slot.refresh()
    assert changed and news is not None and "unknown profile" in news
    assert slot.engine is replaced[id(good)]  # (the last configuration that worked, rebuilt)


# -- configuration ----------------------------------------------------------------------
def test_config_change_reloads_with_and_without_a_file_watcher(tmp_path: Path) -> None:
    root = workspace(tmp_path / "ws")
    editor = Editor(root)
    try:
        assert editor.wait_for(lambda: editor.registrations or None, what="the watcher registration")[0].method == types.WORKSPACE_DID_CHANGE_WATCHED_FILES
        uri = editor.open("reply.md", MARKDOWN, "markdown")
        assert "courtesy.asap" in [d.code for d in editor.diagnostics(uri)]
        # the editor reports the change: the open document is linted again, unchanged
        (root / "pyproject.toml").write_text('[tool.mantracheck]\nignore = ["courtesy.asap"]\n', encoding="utf-8")
        editor.client.workspace_did_change_watched_files(
            types.DidChangeWatchedFilesParams(changes=[types.FileEvent(uri=(root / "pyproject.toml").as_uri(), type=types.FileChangeType.Changed)])
        )
        editor.diagnostics(uri, check=lambda ds: "courtesy.asap" not in [d.code for d in ds] and bool(ds))
        # no report (an editor without file watching): the next change sees the new config
        (root / ".mantracheck.toml").write_text('profile = "marketing"\n', encoding="utf-8")
        text = MARKDOWN + "\nIt is the best service in the world.\n"
        (root / "reply.md").write_text(text, encoding="utf-8")
        editor.change(uri, text)
        diagnostics = editor.diagnostics(uri)
        assert "overpromise.superlative" in [d.code for d in diagnostics]  # marketing's, from .mantracheck.toml (before pyproject.toml)
        assert sorted(map(seen, diagnostics)) == sorted(expected(text, f) for f in cli_json(root, "reply.md")["reply.md"])
        assert editor.shutdown() == 0
    finally:
        editor.kill()


def test_a_broken_config_is_shown_and_the_server_keeps_running(tmp_path: Path) -> None:
    root = workspace(tmp_path / "ws")
    editor = Editor(root)
    try:
        uri = editor.open("reply.md", MARKDOWN, "markdown")
        before = editor.diagnostics(uri)
        (root / "pyproject.toml").write_text('[tool.mantracheck]\nprofile = "nonsense"\n', encoding="utf-8")
        editor.client.workspace_did_change_watched_files(
            types.DidChangeWatchedFilesParams(changes=[types.FileEvent(uri=(root / "pyproject.toml").as_uri(), type=types.FileChangeType.Changed)])
        )
        shown = editor.message(lambda m: m.type == types.MessageType.Error)
        assert "pyproject.toml: profile: unknown profile" in shown.message and "still using the configuration from before" in shown.message
        # still answering, with the last configuration that worked
        assert sorted(map(seen, editor.diagnostics(uri, version=editor.change(uri, MARKDOWN)))) == sorted(map(seen, before))
        assert editor.hover(uri, 2, 26) is not None
        (root / "pyproject.toml").write_text('[tool.mantracheck]\nprofile = "marketing"\n', encoding="utf-8")
        editor.change(uri, MARKDOWN + "\n")
        assert "courtesy.greeting" not in [d.code for d in editor.diagnostics(uri)]
        assert editor.shutdown() == 0
    finally:
        editor.kill()


def test_a_config_broken_from_the_start_is_one_diagnostic_and_a_message(tmp_path: Path) -> None:
    root = workspace(tmp_path / "ws", config="[tool.mantracheck]\nprofile = [\n")
    editor = Editor(root)
    try:
        assert "invalid TOML" in editor.message(lambda m: m.type == types.MessageType.Error).message
        uri = editor.open("reply.md", MARKDOWN, "markdown")
        [d] = editor.diagnostics(uri)
        assert d.code == "mantracheck.config-error" and "pyproject.toml" in d.message
        (root / "pyproject.toml").write_text("[tool.mantracheck]\n", encoding="utf-8")
        editor.change(uri, MARKDOWN)
        assert "overpromise.guarantee" in [d.code for d in editor.diagnostics(uri)]
        assert editor.shutdown() == 0
    finally:
        editor.kill()


def test_excluded_files_get_no_diagnostics(tmp_path: Path) -> None:
    root = workspace(tmp_path / "ws", config='[tool.mantracheck]\nexclude = ["vendor/**"]\n')
    (root / "vendor").mkdir()
    editor = Editor(root)
    try:
        assert editor.diagnostics(editor.open("vendor/reply.md", MARKDOWN, "markdown")) == []
        assert editor.diagnostics(editor.open("reply.md", MARKDOWN, "markdown")) != []
        assert editor.shutdown() == 0
    finally:
        editor.kill()


# -- limits, encodings, transports, the end ---------------------------------------------
def test_a_5_mb_document_is_refused_with_a_message_not_a_hang(shared: Editor) -> None:
    big = "We guarantee it. " * (5_000_000 // 17)
    uri = shared.open("big.md", big, "markdown")
    shown = shared.message(lambda m: "big.md" in m.message, timeout=30)
    assert shown.type == types.MessageType.Warning and "not linted" not in shown.message and "over the 1,000,000" in shown.message
    [d] = shared.diagnostics(uri)
    assert d.code == "mantracheck.too-large"
    small = shared.open("after-big.md", "We guarantee it.\n", "markdown")
    assert "overpromise.guarantee" in [d.code for d in shared.diagnostics(small)]  # still answering
    shared.close(uri)


def test_utf32_positions_when_the_client_offers_them(tmp_path: Path) -> None:
    root = workspace(tmp_path / "ws")
    caps = default_capabilities(general=types.GeneralClientCapabilities(position_encodings=[types.PositionEncodingKind.Utf32, types.PositionEncodingKind.Utf16]))
    editor = Editor(root, capabilities=caps)
    try:
        assert editor.encoding == "utf-32"
        uri = editor.open("emoji.md", "🎉🎉 We guarantee it ASAP.\n", "markdown")
        diagnostics = editor.diagnostics(uri)
        assert by_code(diagnostics, "overpromise.guarantee").range.start.character == 3  # code points
        asap = by_code(diagnostics, "courtesy.asap")
        fix = action(editor.code_actions(uri, asap.range, [asap]), "Replace 'ASAP'")
        editor.apply(fix.edit)  # type: ignore[arg-type]
        assert editor.texts[uri] == "🎉🎉 We guarantee it as soon as we can.\n"
        assert editor.shutdown() == 0
    finally:
        editor.kill()


def test_plain_changes_when_the_client_cannot_take_versioned_edits(tmp_path: Path) -> None:
    root = workspace(tmp_path / "ws")
    editor = Editor(root, capabilities=default_capabilities(document_changes=False, watch=False))
    try:
        uri = editor.open("fix.md", "Reply ASAP.\n", "markdown")
        asap = by_code(editor.diagnostics(uri), "courtesy.asap")
        fix = action(editor.code_actions(uri, asap.range, [asap]), "Replace 'ASAP'")
        assert fix.edit is not None and fix.edit.changes and not fix.edit.document_changes
        assert not editor.registrations
        assert editor.shutdown() == 0
    finally:
        editor.kill()


def test_exit_without_shutdown_exits_1(tmp_path: Path) -> None:
    editor = Editor(workspace(tmp_path / "ws"))
    try:
        assert editor.exit() == 1
    finally:
        editor.kill()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_tcp(tmp_path: Path) -> None:
    root = workspace(tmp_path / "ws")
    port = _free_port()
    server = subprocess.Popen([sys.executable, "-m", "mantracheck", "lsp", "--tcp", str(port)], cwd=root, stderr=subprocess.PIPE, text=True)
    try:
        editor = Editor(root, tcp=port)  # (one client: the server ends with its connection)
        uri = editor.open("reply.md", MARKDOWN, "markdown")
        assert "overpromise.guarantee" in [d.code for d in editor.diagnostics(uri)]
        editor.shutdown()
        assert server.wait(30) == 0
    finally:
        if server.poll() is None:
            server.kill()
        server.wait(30)


def test_lsp_is_a_command() -> None:
    result = subprocess.run([sys.executable, "-m", "mantracheck", "lsp", "--help"], capture_output=True, text=True, check=False)
    assert result.returncode == 0 and "--tcp PORT" in result.stdout and "docs/editors.md" in result.stdout
    missing = subprocess.run([sys.executable, "-m", "mantracheck", "lsp", "--config", "nowhere.toml"], capture_output=True, text=True, check=False)
    assert missing.returncode == 2 and "nowhere.toml: config file not found" in missing.stderr


# -- positions, without a server --------------------------------------------------------
@pytest.mark.parametrize("encoding, expected_units", [("utf-16", 5), ("utf-32", 3), ("utf-8", 9)])
def test_text_index_counts_code_units(encoding: str, expected_units: int) -> None:
    index = TextIndex("x\r\n🎉🎉 We\rnext\nlast", encoding)
    assert index.line_count == 4
    offset = "x\r\n🎉🎉 We".index("We")
    position = index.position(offset)
    assert (position.line, position.character) == (1, expected_units)
    assert index.offset(position) == offset
    assert index.offset(types.Position(line=1, character=999)) == len("x\r\n🎉🎉 We")  # past the end: the line's end
    assert index.offset(types.Position(line=9, character=0)) == len(index.text)


def test_text_index_lines_end_only_at_cr_and_lf() -> None:
    index = TextIndex("a\x0cb\u2028c\x85d\ne")  # a form feed, a line separator, NEL: not line ends in the LSP
    assert index.line_count == 2 and index.line_text(0) == "a\x0cb\u2028c\x85d"


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(["a", " ", "\n", "\r", "é", "€", "🎉", "\u2028", "\x0c"]), max_size=40), st.sampled_from(["utf-8", "utf-16", "utf-32"]))
def test_text_index_round_trips_every_offset(text: str, encoding: str) -> None:
    index = TextIndex(text, encoding)
    for offset in range(len(text) + 1):
        if offset and text[offset - 1] == "\r" and offset < len(text) and text[offset] == "\n":
            continue  # between CR and LF: no position of its own
        position = index.position(offset)
        assert index.offset(position) == offset
        line = index.line_text(position.line)
        before = line[: offset - index.line_start(position.line)]
        units = {"utf-8": len(before.encode("utf-8")), "utf-16": len(before.encode("utf-16-le")) // 2, "utf-32": len(before)}[encoding]
        assert position.character == units
    assert apply_text_edits(text, []) == text


def test_the_editor_reads_a_bare_template_of_html_as_lint_does(tmp_path: Path) -> None:
    """A .liquid email of HTML: its markup is no copy (a class name in capitals no shouting),
    as `lint` reads it."""
    from mantracheck.lsp import engines as eng

    (tmp_path / ".git").mkdir()
    engines = eng.Engines(eng.ServerOptions(use_config=False))
    engines.set_folders([tmp_path])
    slot = engines.slot(tmp_path)
    slot.refresh()
    assert slot.engine is not None
    text = '<div class="BUTTON">\n  <p>Hi Sam,</p>\n  <p>Thanks for your order: it ships today.</p>\n</div>\n'
    path = tmp_path / "order.liquid"
    path.write_text(text, encoding="utf-8")
    rules = {f.rule for f in slot.engine.lint(str(path), "order.liquid", text, "text").findings}
    assert "courtesy.shouting" not in rules and "courtesy.greeting" not in rules, rules
    as_text = {f.rule for f in slot.engine.lint(None, "order.liquid", text, "text").findings}  # (no path: no file to say)
    assert "courtesy.shouting" in as_text
