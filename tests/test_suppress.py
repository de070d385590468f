"""Inline suppression directives, in each format's comment syntax."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

import mantracheck
from mantracheck.cli import cli
from mantracheck.engine.suppress import INVALID, UNKNOWN_RULE, UNUSED

FIXTURES = Path(__file__).parent / "fixtures" / "formats"
GUARANTEE = ("overpromise.guarantee",)


def lines_of(text: str, fmt: str, **options: object) -> list[tuple[int, str]]:
    findings = mantracheck.lint_text(text, input_format=fmt, select=GUARANTEE, **options)
    return [(f.line, f.rule) for f in findings]


G = "overpromise.guarantee"


def test_disable_next_line_suppresses_exactly_one_line() -> None:
    findings = mantracheck.lint_paths([str(FIXTURES / "suppress.html")], select=GUARANTEE).files[0].findings
    assert [(f.line, f.column, f.match) for f in findings] == [(4, 4, "We guarantee"), (5, 4, "We guarantee")]


def test_directives_in_each_comment_syntax() -> None:
    assert lines_of("{# mantracheck: disable-next-line=overpromise.guarantee #}\nWe guarantee it.\nWe guarantee it.\n", "text") == [(3, G)]
    assert lines_of("{{!-- mantracheck: disable-next-line=overpromise --}}\nWe guarantee it.\nWe guarantee it.\n", "html") == [(3, G)]
    assert lines_of("We guarantee it. <%# mantracheck: disable-line=overpromise.guarantee %>\nWe guarantee it.\n", "text") == [(2, G)]
    assert lines_of("# mantracheck: disable-next-line=overpromise.guarantee\nWe guarantee it.\nWe guarantee it.\n", "text") == [(3, G)]
    yaml_text = "# mantracheck: disable-next-line=overpromise.guarantee\nsubject: We guarantee it.\nbody: We guarantee it.  # mantracheck: disable-line=overpromise\nresponse: We guarantee it.\n"
    assert lines_of(yaml_text, "yaml") == [(4, G)]


def test_directive_lines_in_plain_text_are_not_prose() -> None:
    (ex,) = mantracheck.text.extract("Hi.\nmantracheck: disable=overpromise\nWe guarantee it.\n", "text")
    assert "mantracheck" not in ex.clean and "disable" not in ex.clean


def test_disable_enable_regions_and_packs() -> None:
    text = "We guarantee a.\n<!-- mantracheck: disable=overpromise -->\nWe guarantee b.\n<!-- mantracheck: enable -->\nWe guarantee c.\n<!-- mantracheck: disable -->\nWe guarantee d.\n<!-- mantracheck: enable=overpromise.guarantee -->\nWe guarantee e.\n"
    assert lines_of(text, "html") == [(1, G), (5, G), (9, G)]


def test_disable_file_and_markdown() -> None:
    assert lines_of("We guarantee it.\n\n<!-- mantracheck: disable-file=overpromise.guarantee -->\n", "markdown") == []
    assert lines_of("We guarantee it.\n\n<!-- mantracheck: disable-file=courtesy -->\n", "markdown") == [(1, G)]


def test_unknown_rule_and_bad_directive_are_reported() -> None:
    text = "<!-- mantracheck: disable-next-line=overpromise.guarantees -->\nWe guarantee it.\n<!-- mantracheck: disalbe=overpromise -->\n"
    findings = mantracheck.lint_text(text, input_format="html", select=GUARANTEE)
    got = [(f.line, f.column, f.rule, str(f.severity)) for f in findings]
    assert got == [(1, 6, UNKNOWN_RULE, "warning"), (2, 1, G, "error"), (3, 6, INVALID, "warning")]
    assert findings[0].match == "mantracheck: disable-next-line=overpromise.guarantees"
    assert "overpromise.guarantees" in findings[0].message


def test_unused_directives_only_when_asked() -> None:
    text = "<!-- mantracheck: disable-next-line=overpromise.guarantee -->\nAll good here.\n<!-- mantracheck: disable-next-line=overpromise -->\nWe guarantee it.\n"
    assert lines_of(text, "html") == []
    findings = mantracheck.lint_text(text, input_format="html", select=GUARANTEE, report_unused_directives=True)
    assert [(f.line, f.rule) for f in findings] == [(1, UNUSED)]


def test_cli_report_unused_directives(tmp_path: Path) -> None:
    page = tmp_path / "a.html"
    page.write_text("<!-- mantracheck: disable-line=overpromise.guarantee --><p>Fine.</p>\n")
    runner = CliRunner()
    plain = runner.invoke(cli, ["lint", "--format", "json", "--select", "overpromise", str(page)])
    assert plain.exit_code == 0 and json.loads(plain.output)["files"][0]["findings"] == []
    unused = runner.invoke(cli, ["lint", "--format", "json", "--select", "overpromise", "--report-unused-directives", str(page)])
    (finding,) = json.loads(unused.output)["files"][0]["findings"]
    assert (finding["rule"], finding["line"], finding["column"], finding["severity"]) == (UNUSED, 1, 6, "warning")
    assert unused.exit_code == 0  # a warning; --fail-on warning would fail
    assert runner.invoke(cli, ["lint", "--select", "overpromise", "--report-unused-directives", "--fail-on", "warning", str(page)]).exit_code == 1


def test_a_directive_inside_a_field_acts_in_that_field_only(tmp_path: Path) -> None:
    """An HTML comment in one YAML/JSON/PO string silenced every later field of the file (the
    other messages); a YAML '#' comment outside the values still acts on the whole file."""
    yaml_file = tmp_path / "macros.yaml"
    yaml_file.write_text(
        '- body: "<p>Thanks!</p> <!-- mantracheck: disable=overpromise --> <p>We guarantee it.</p>"\n'
        '- body: "<p>We guarantee a refund.</p>"\n',
        encoding="utf-8",
    )
    po_file = tmp_path / "messages.po"
    po_file.write_text('msgid "See <!-- mantracheck: disable --> our terms."\nmsgstr ""\n\nmsgid "We guarantee a refund."\nmsgstr ""\n', encoding="utf-8")
    whole = tmp_path / "whole.yaml"
    whole.write_text('# mantracheck: disable=overpromise\n- body: "We guarantee a refund."\n', encoding="utf-8")
    result = mantracheck.lint_paths([str(yaml_file), str(po_file), str(whole)], select=("overpromise",))
    found = {Path(r.path).name: [(f.line, f.match) for f in r.findings] for r in result.files}
    assert found == {"macros.yaml": [(2, "We guarantee")], "messages.po": [(4, "We guarantee")], "whole.yaml": []}
