"""Formats end to end: real templates and hand-written fixtures, through the API and the CLI.
Positions are checked by reading the reported line:col back from the original file."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

import mantracheck
from mantracheck.cli import cli
from mantracheck.models import Finding
from mantracheck.text import LineIndex, format_for_path, read_file
from mantracheck.text.placeholders import compile_placeholders
from tests.conftest import shared

FIXTURES = Path(__file__).parent / "fixtures" / "formats"
GUARANTEE = ("overpromise.guarantee",)


def span_of(text: str, f: Finding) -> tuple[int, int]:
    lines = LineIndex(text)
    return lines.line_start(f.line) + f.column - 1, lines.line_start(f.end_line) + f.end_column - 1


def read_back(path: Path | str, f: Finding) -> str:
    text = read_file(str(path)).text
    start, end = span_of(text, f)
    return text[start:end]


def guarantees(name: str, **options: object) -> list[tuple[int, int, str]]:
    path = FIXTURES / name
    result = mantracheck.lint_paths([str(path)], select=GUARANTEE, **options)
    (report,) = result.files
    assert report.error is None
    for f in report.findings:
        assert read_back(path, f) == f.match
    return [(f.line, f.column, f.match) for f in report.findings if f.rule == "overpromise.guarantee"]


def test_extensions_pick_formats() -> None:
    assert [format_for_path(p) for p in ("a.md", "a.HTML", "a.hbs", "a.eml", "a.yml", "a.json", "a.html.erb", "a.txt.erb", "a.j2")] == [
        "markdown", "html", "html", "email", "yaml", "json", "html", "text", "text",
    ]


def test_extension_lookup_is_the_longest_suffix(monkeypatch: pytest.MonkeyPatch) -> None:
    """format_for_path looks extensions up by the name's dots: the same answer as trying every
    extension, longest first, on every kind of name (one registered without a dot too)."""
    import itertools

    from mantracheck.text import formats

    monkeypatch.setitem(formats.EXTENSIONS, "file", "text")  # like "Dockerfile": no dot

    def reference(path: str) -> str | None:
        name = path.rsplit("/", 1)[-1].lower()
        for ext in sorted(formats.EXTENSIONS, key=len, reverse=True):
            if name.endswith(ext):
                return formats.EXTENSIONS[ext]
        return None

    parts = ["", "a", ".", ".md", ".HTML", ".erb", ".j2", ".txt", ".html", ".yml", "file", "x.y", ".md.j2", "README"]
    names = ["".join(p) for n in range(1, 4) for p in itertools.product(parts, repeat=n)]
    for name in [*names, *(f"dir.md/{n}" for n in names[:50])]:
        assert format_for_path(name) == reference(name), name


def test_handlebars_email_with_if_blocks() -> None:
    # The title, the script, the comment and the URL say "guarantee" too: none is prose.
    assert guarantees("welcome.hbs") == [(11, 4, "We guarantee")]


def test_html_email() -> None:
    # The comment, the link target and the preheader entity are not flagged; the guarantee
    # inside <strong> is reported at the word itself.
    assert guarantees("reply.html") == [(5, 53, "guaranteed")]


def test_eml_with_a_quoted_earlier_message() -> None:
    # Lines 16-17 (the quote) and line 15 (the attribution) say "guarantee" too.
    assert guarantees("quoted.eml") == [(11, 1, "we guarantee")]


def test_zendesk_json_macro_export() -> None:
    # comment_value (plain, with a \u2014 escape) and comment_value_html; the "subject"
    # action is not a reply text.
    assert guarantees("macros.json") == [(7, 116, "we guarantee"), (14, 99, "We guarantee")]


def test_markdown_skips_code_front_matter_and_link_targets() -> None:
    # front matter (2), fence (12), inline code and the disable-line'd sentence (15) are out
    assert guarantees("reply.md") == [(8, 17, "guaranteed"), (8, 44, "we guarantee"), (17, 23, "we guarantee")]


def test_html_code_kbd_samp_and_var_are_not_prose_and_never_fixed(tmp_path: Path) -> None:
    """As Markdown's `code`: each stands for one word in its sentence; --fix leaves it alone."""
    page = tmp_path / "help.html"
    page.write_text(
        "<p>Type <code>guaranteed ASAP</code> in the box, then we will reply ASAP.</p>\n"
        "<pre><code>refund = 'guaranteed'</code></pre>\n<p>Press <kbd>Ctrl</kbd>+<kbd>S</kbd>; "
        "it prints <samp>guaranteed</samp> for <var>ASAP</var>.</p>\n",
        encoding="utf-8",
    )
    result = mantracheck.lint_paths([str(page)], select=("overpromise.guarantee", "courtesy.asap"))
    assert [(f.rule, f.line, f.column) for f in result.files[0].findings] == [("courtesy.asap", 1, 69)]
    CliRunner().invoke(cli, ["lint", "--no-config", "--select", "courtesy.asap", "--fix", str(page)])
    assert page.read_text(encoding="utf-8").splitlines()[0] == "<p>Type <code>guaranteed ASAP</code> in the box, then we will reply as soon as we can.</p>"
    # an unclosed <code> ends with its paragraph, as in a browser: the rest is still read
    page.write_text("<p>Use <code>x</p>\n<p>We will reply ASAP.</p>\n<p>Please reply asap.</p>\n", encoding="utf-8")
    result = mantracheck.lint_paths([str(page)], select=("courtesy.asap",))
    assert [(f.line, f.match) for f in result.files[0].findings] == [(2, "ASAP"), (3, "asap")]


@pytest.mark.parametrize(
    ("name", "data", "where"),
    [
        # Markdown: a line ending in one space, an indented continuation line, a quote's "  b"
        ("reply.md", b"Hi Sam, \nwe guarantee a refund.\n\n- Ships today\n    and we guarantee it.\n\n> a\n>  b we guarantee it\n", [(2, 1), (5, 9), (8, 6)]),
        # HTML whose </head> is left out (optional in HTML): the body is still read
        ("reset.html", b'<html>\n<head>\n<meta charset="utf-8">\n<title>Reset</title>\n<body>\n<p>We guarantee a refund.</p>\n', [(6, 4)]),
        # gettext with CRLF line ends, and a bare \x escape (a crash before)
        ("crlf.po", b'msgid ""\r\nmsgstr ""\r\n\r\nmsgid "We guarantee a refund."\r\nmsgstr ""\r\n', [(4, 8)]),
        ("escape.po", b'msgid "Bad escape \\xg we guarantee."\nmsgstr ""\n', [(1, 23)]),
        # an email whose text/plain part is blank: its HTML part is the body
        ("blank-plain.eml", b'Subject: Hi\nMIME-Version: 1.0\nContent-Type: multipart/alternative; boundary="b"\n\n--b\nContent-Type: text/plain\n\n\n--b\nContent-Type: text/html\n\n<p>We guarantee a refund.</p>\n--b--\n', [(12, 4)]),
        # a YAML field that holds a list of strings
        ("macro.yaml", b"body:\n  - Hi, we guarantee a refund.\n  - More text here.\nsubject: Hello\n", [(2, 9)]),
    ],
)
def test_copy_these_readers_used_to_drop_silently(tmp_path: Path, name: str, data: bytes, where: list[tuple[int, int]]) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    (report,) = mantracheck.lint_paths([str(path)], select=GUARANTEE).files
    assert report.error is None
    assert [(f.line, f.column) for f in report.findings] == where
    for f in report.findings:
        assert read_back(path, f).lower() in ("we guarantee",), f


def test_input_format_overrides_the_extension(tmp_path: Path) -> None:
    page = tmp_path / "page.txt"
    page.write_text("<p>We <em>really</em> guarantee it.</p>\n<!-- We guarantee it. -->\n")
    as_text = mantracheck.lint_paths([str(page)], select=GUARANTEE).files[0].findings
    as_html = mantracheck.lint_paths([str(page)], select=GUARANTEE, input_format="html").files[0].findings
    assert len(as_text) == 1 and as_text[0].line == 2  # as text, the comment is prose
    assert as_html == ()  # "We <em>really</em> guarantee" runs across a tag; the comment is out


def test_broken_yaml_is_reported_and_other_files_still_linted(tmp_path: Path) -> None:
    (tmp_path / "bad.yaml").write_text("body: [unclosed\n")
    (tmp_path / "good.yaml").write_text("body: We guarantee it.\n")
    result = mantracheck.lint_paths([str(tmp_path)], select=GUARANTEE)
    bad, good = result.files
    assert bad.error is not None and "invalid YAML" in bad.error
    assert [(f.line, f.column, f.match) for f in good.findings] == [(1, 7, "We guarantee")]


def test_yaml_block_scalars_map_each_line(tmp_path: Path) -> None:
    path = tmp_path / "t.yaml"
    path.write_text("notes: We guarantee it.\nbody: |\n    <p>Hello,</p>\n    <p>Your order &amp; refund:\n    we guarantee it.</p>\nsubject: >\n    Folded line and\n    we guarantee it\n")
    findings = mantracheck.lint_paths([str(path)], select=GUARANTEE).files[0].findings
    assert [(f.line, f.column, f.match) for f in findings] == [(5, 5, "we guarantee"), (8, 5, "we guarantee")]
    for f in findings:
        assert read_back(path, f) == f.match


def test_configurable_fields(tmp_path: Path) -> None:
    path = tmp_path / "t.json"
    path.write_text(json.dumps({"reply": {"text": "We guarantee it."}, "body": "We guarantee that too."}))
    found = mantracheck.lint_paths([str(path)], select=GUARANTEE, fields=("text",)).files[0].findings
    assert [f.match for f in found] == ["We guarantee"] and found[0].column == 21


def test_no_fix_inside_escaped_or_encoded_text(tmp_path: Path) -> None:
    pack = tmp_path / "rules" / "team"
    pack.mkdir(parents=True)
    (tmp_path / "rules" / "team" / "asap.yaml").write_text(
        "kind: substitution\nseverity: warning\nmessage: \"'{match}': say when\"\ndescription: d\nswap:\n  - {phrase: asap, replacement: as soon as we can}\n"
        "examples:\n  good: [\"We will reply soon.\"]\n  bad: [\"We will reply asap.\"]\n"
    )
    path = tmp_path / "t.json"
    path.write_text('{"body": "We reply asap.\\nThanks, asap"}')
    findings = mantracheck.lint_paths([str(path)], rule_paths=(str(tmp_path / "rules"),), select=("team",)).files[0].findings
    assert [f.match for f in findings] == ["asap", "asap"]
    assert all(f.fix is None for f in findings)  # a JSON string: rewriting it could break it
    md = tmp_path / "t.md"
    md.write_text("We reply asap &amp; well.\n")
    (f,) = mantracheck.lint_paths([str(md)], rule_paths=(str(tmp_path / "rules"),), select=("team",)).files[0].findings
    assert f.fix is not None and md.read_text()[f.fix.start : f.fix.end] == "asap"


def test_cli_positions_and_input_format(tmp_path: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(cli, ["lint", "--format", "json", "--select", "overpromise.guarantee", str(FIXTURES / "quoted.eml"), str(FIXTURES / "macros.json")])
    assert result.exit_code == 1, result.output
    payload = json.loads(result.output)
    got = [(Path(f["path"]).name, x["line"], x["column"], x["match"]) for f in payload["files"] for x in f["findings"]]
    assert got == [("macros.json", 7, 116, "we guarantee"), ("macros.json", 14, 99, "We guarantee"), ("quoted.eml", 11, 1, "we guarantee")]
    bad = runner.invoke(cli, ["lint", "--input-format", "docx", "-"], input="x")
    assert bad.exit_code == 2 and "docx" in bad.output
    html = runner.invoke(cli, ["lint", "--input-format", "html", "--select", "overpromise.guarantee", "-"], input="<p>Hi.</p>\n<!-- we guarantee -->\n<p>We guarantee it.</p>\n")
    assert html.exit_code == 1 and "<stdin>:3:4: error overpromise.guarantee" in html.output and ":2:" not in html.output


# -- acceptance over the real templates ------------------------------------------------------
_TAG = re.compile(r"<[^<>]+>")


def _forbidden_spans(text: str) -> list[tuple[int, int]]:
    spans = [m.span() for m in compile_placeholders().finditer(text)]  # placeholders, URLs, emails
    spans += [m.span() for m in _TAG.finditer(text)]
    return spans


@pytest.mark.parametrize("folder", ["osticket", "postmark"])
def test_real_templates_positions_read_back_and_skip_markup(folder: str) -> None:
    root = shared("support-templates", folder)
    result = mantracheck.lint_paths([str(root)])
    assert result.files and all(r.error is None for r in result.files)
    checked = 0
    for report in result.files:
        text = read_file(report.path).text
        forbidden = _forbidden_spans(text)
        for f in report.findings:
            start, end = span_of(text, f)
            assert text[start:end] == f.match, (report.path, f)
            assert f.match.strip(), (report.path, f)
            for s, e in forbidden:
                assert e <= start or s >= end, f"{report.path}:{f.line}:{f.column} {f.rule} overlaps {text[s:e]!r}"
            checked += 1
    assert checked > 0


PROBE = {"rule_paths": (str(FIXTURES / "rules"),), "select": ("probe",)}


def test_osticket_golden_probe_positions() -> None:
    """Every "guarantee" word in the osTicket templates that is prose, at its exact place
    (a fixed probe rule, so the built-in packs can change)."""
    root = shared("support-templates", "osticket")
    result = mantracheck.lint_paths([str(root)], **PROBE)  # type: ignore[arg-type]
    got = sorted((str(Path(r.path).relative_to(root)), f.line, f.column, f.match) for r in result.files for f in r.findings)
    assert got == [
        ("email/task.overdue.alert.yaml", 20, 32, "guarantee"),
        ("email/ticket.overdue.yaml", 22, 32, "guarantee"),
        ("ticket/installed.yaml", 30, 55, "guaranteed"),
    ]
    for name, line, col, match in got:
        f = Finding("probe.guarantee", 3, line, col, line, col + len(match), "", match)  # type: ignore[arg-type]
        assert read_back(root / name, f) == match


def test_postmark_placeholders_stand_for_words() -> None:
    root = shared("support-templates", "postmark")
    text = (root / "welcome" / "content.txt").read_text()
    (ex,) = mantracheck.text.extract(text, "text")
    assert "Welcome, Placeholder!" in ex.clean and "{{" not in ex.clean and "https://" not in ex.clean
