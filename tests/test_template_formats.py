"""Issue 19, items 6 and 7: the formats the copy lives in (Twig, Blade, ERB, Liquid,
Nunjucks/Jinja, MJML, Inky, gettext catalogs, PHP language arrays), read with exact positions
and template syntax never flagged; every finding in a file of keyed strings names its key path;
a YAML/JSON file with no text in the fields looked for says so."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

import mantracheck
from mantracheck.cli import cli
from mantracheck.text import LineIndex, extract, format_for_path
from tests.conftest import shared
from tests.test_text_roundtrip import SETTINGS, check_pieces, check_spans, prose

GUARANTEE = ("overpromise.guarantee",)
ASAP = ("courtesy.asap",)


def lint(tmp_path: Path, name: str, source: str, select: tuple[str, ...] = GUARANTEE, **options: object) -> list[tuple[int, int, str, str | None]]:
    """(line, column, match, field) of each finding; each starts where the file has its
    first word (matched by the source itself when that part of the text was copied)."""
    path = tmp_path / name
    path.write_text(source, encoding="utf-8")
    (report,) = mantracheck.lint_paths([str(path)], select=select, **options).files
    assert report.error is None, report.error
    lines = LineIndex(source)
    for f in report.findings:
        start = lines.line_start(f.line) + f.column - 1
        assert source[start : start + 2] == f.match[:2], (f, source[start : start + 20])
    return [(f.line, f.column, f.match, f.field) for f in report.findings]


def fixed(tmp_path: Path, name: str, source: str) -> str:
    """The file after ``--fix`` with the ASAP rule ("ASAP" -> "when you can")."""
    path = tmp_path / name
    path.write_text(source, encoding="utf-8")
    mantracheck.lint_paths([str(path)], select=ASAP, fix="fix")
    return path.read_text(encoding="utf-8")


def paragraphs(source: str, fmt: str) -> list[str]:
    (text,) = extract(source, fmt)
    return [p.strip() for p in text.clean.split("\n\n") if p.strip()]


def test_every_format_can_be_named_on_the_command_line() -> None:
    from mantracheck.cli.lint import INPUT_FORMATS
    from mantracheck.text import FORMATS

    assert sorted(INPUT_FORMATS) == sorted(FORMATS)
    php = "<?php\n$_['a'] = 'We guarantee it.';\n"
    result = CliRunner().invoke(cli, ["lint", "--no-config", "--select", "overpromise.guarantee", "--format", "concise", "--input-format", "php", "-"], input=php)
    assert result.stdout.startswith("<stdin>:2:12: error overpromise.guarantee") and result.stdout.splitlines()[0].endswith("(in a)")


def test_extensions_pick_the_formats() -> None:
    names = {
        "a.twig": "html", "a.html.twig": "html", "a.txt.twig": "text", "a.mjml.twig": "mjml", "a.mjml": "mjml",
        "a.blade.php": "blade", "a.php": "php", "a.html.erb": "html", "a.text.erb": "text",
        "a.liquid": "text", "a.html.liquid": "html", "a.njk": "html", "a.html.njk": "html", "a.j2": "text", "a.html.j2": "html",
        "a.inky": "inky", "a.html.inky": "inky", "a.po": "po", "messages.pot": "po",
    }  # fmt: skip
    assert {name: format_for_path(name) for name in names} == names


# -- template languages: text is a copy of the source -------------------------------------
TWIG = """{% block subject %}We guarantee delivery{% endblock %}
{# We guarantee nothing in a comment #}
<p>Hello {{ customer.name|default('guarantee') }},</p>
{% if guarantee %}<p>We guarantee a reply. Reply ASAP.</p>{% endif %}
"""


def test_twig(tmp_path: Path) -> None:
    assert lint(tmp_path, "mail.html.twig", TWIG) == [(1, 20, "We guarantee", None), (4, 22, "We guarantee", None)]
    assert fixed(tmp_path, "fix.html.twig", TWIG) == TWIG.replace("ASAP", "when you can")


BLADE = """@extends('emails/layout')
{{-- We guarantee nothing here --}}
@section('content')
  <p>{!! __('Hi :name, we guarantee a reply. Reply ASAP.', ['name' => '<b>'.$user->name.'</b>']) !!}</p>
  <a href="{{ $url }}">{{ __('Don\\'t wait: we guarantee it') }}</a>
  @if ($guarantee) <p>We guarantee it. Reply ASAP.</p> @endif
  @lang("Double \\"quoted\\": we guarantee it")
  {{ $guarantee }} @php $x = 'we guarantee'; @endphp
@endsection
"""


def test_blade_reads_translated_strings_and_masks_its_syntax(tmp_path: Path) -> None:
    assert lint(tmp_path, "mail.blade.php", BLADE) == [
        (4, 24, "we guarantee", None),  # in __('...'), after the :name placeholder
        (5, 44, "we guarantee", None),  # after an escaped quote
        (6, 23, "We guarantee", None),
        (7, 29, "we guarantee", None),  # after \"quoted\"
    ]
    (text,) = extract(BLADE, "blade")
    assert "Don't wait: we guarantee it" in text.clean and 'Double "quoted": we guarantee it' in text.clean
    assert "Placeholder" in text.clean and "@" not in text.clean and "name" not in text.clean


def test_blade_fixes_its_html_but_never_a_translated_string(tmp_path: Path) -> None:
    """A fix inside __('...') could break its quotes ("You're welcome"): only offered in the
    template's own text."""
    assert fixed(tmp_path, "fix.blade.php", BLADE) == BLADE.replace("Reply ASAP.</p>", "Reply when you can.</p>")


def test_blade_comment_holds_directives(tmp_path: Path) -> None:
    source = "{{-- mantracheck: disable-next-line=overpromise --}}\n<p>{{ __('We guarantee it.') }}</p>\n<p>We guarantee it.</p>\n"
    assert lint(tmp_path, "d.blade.php", source) == [(3, 4, "We guarantee", None)]


ERB = """<%# We guarantee nothing in a comment %>
<p>Hello <%= @user.name %>, we guarantee a reply. Reply ASAP.</p>
<% if guarantee? %><p>We guarantee it.</p><% end %>
<%= t('guarantee', default: 'We guarantee') %>
"""


@pytest.mark.parametrize("name", ["mail.html.erb", "mail.text.erb"])
def test_erb(tmp_path: Path, name: str) -> None:
    assert lint(tmp_path, name, ERB) == [(2, 29, "we guarantee", None), (3, 23, "We guarantee", None)]
    assert fixed(tmp_path, "fix-" + name, ERB) == ERB.replace("ASAP", "when you can")


LIQUID = """{% comment %}We guarantee nothing{% endcomment %}
Hi {{ customer.first_name | default: "guarantee" }},
{%- if order -%} we guarantee your order ships. Reply ASAP. {%- endif -%}
{% raw %}{% endraw %}
"""


@pytest.mark.parametrize("name", ["mail.liquid", "mail.html.liquid"])
def test_liquid(tmp_path: Path, name: str) -> None:
    assert lint(tmp_path, name, LIQUID) == [(3, 18, "we guarantee", None)]
    assert fixed(tmp_path, "fix-" + name, LIQUID) == LIQUID.replace("ASAP", "when you can")


HTML_LIQUID = """<div class="BUTTON">
  <p>Hi {{ customer.first_name }},</p>
  <p>Thanks for your order: it ships today.</p>
  <a href="https://example.com/TRACK">TRACK YOUR ORDER</a>
</div>
"""


@pytest.mark.parametrize("name", ["order.liquid", "order.mustache", "order.j2", "order.tpl", "order.erb"])
def test_a_bare_template_of_html_is_read_as_html(tmp_path: Path, name: str) -> None:
    """A .liquid/.mustache/.j2/.tpl/.erb file is plain text or HTML by what it holds: read as
    text, this email's class name and button were shouting and it had no greeting."""
    from mantracheck.text.formats import format_of

    assert format_of(name, HTML_LIQUID) == "html"
    courtesy = ("courtesy.greeting", "courtesy.shouting")
    assert lint(tmp_path, name, HTML_LIQUID, select=courtesy) == lint(tmp_path, "order.html", HTML_LIQUID, select=courtesy) == []
    plain = "Hi {{ name }},\n\nYour order shipped. Questions? Write to <help@acme.example> or reply.\n\nAna\n"
    assert format_of(name, plain) == "text"  # an address in brackets is no HTML
    assert format_of("order.txt" + name[name.index(".") :], HTML_LIQUID) == "text"  # the name says text
    assert format_of("order.text.erb", HTML_LIQUID) == "text"
    # named outright with --input-format text, it is text, as asked
    (tmp_path / "forced").mkdir()
    forced = tmp_path / "forced" / name
    forced.write_text(HTML_LIQUID, encoding="utf-8")
    (report,) = mantracheck.lint_paths([str(forced)], select=courtesy, input_format="text").files
    assert any(f.rule == "courtesy.shouting" for f in report.findings)


NUNJUCKS = """{# We guarantee nothing #}
{% extends "base.njk" %}
{% block body %}<p>Dear {{ name }}, we guarantee a reply. Reply ASAP.</p>{% endblock %}
"""


@pytest.mark.parametrize("name", ["mail.njk", "mail.html.j2", "mail.j2"])
def test_nunjucks_and_jinja(tmp_path: Path, name: str) -> None:
    assert lint(tmp_path, name, NUNJUCKS) == [(3, 37, "we guarantee", None)]
    assert fixed(tmp_path, "fix-" + name, NUNJUCKS) == NUNJUCKS.replace("ASAP", "when you can")


MJML = """<mjml>
  <mj-head>
    <mj-title>We guarantee it</mj-title>
    <mj-attributes><mj-text title="We guarantee" /></mj-attributes>
    <mj-style>.guarantee { color: red } /* We guarantee */</mj-style>
    <mj-preview>We guarantee delivery</mj-preview>
  </mj-head>
  <mj-body>
    <mj-text css-class="guarantee">We guarantee a reply. Reply ASAP</mj-text>
    <mj-button href="https://example.com/guarantee" title="We guarantee">Shop now</mj-button>
    <mj-text>we guarantee it</mj-text>
  </mj-body>
</mjml>
"""


def test_mjml_reads_content_never_styles_or_attributes(tmp_path: Path) -> None:
    assert lint(tmp_path, "mail.mjml.twig", MJML) == [(6, 17, "We guarantee", None), (9, 36, "We guarantee", None), (11, 14, "we guarantee", None)]
    assert fixed(tmp_path, "fix.mjml", MJML) == MJML.replace("ASAP", "when you can")
    # the preview is read, each content element is a block of its own (no sentence runs
    # from one into the next); the title, styles and attributes are not read
    assert paragraphs(MJML, "mjml") == ["We guarantee delivery", "We guarantee a reply. Reply ASAP", "Shop now", "we guarantee it"]


def test_a_button_or_a_label_block_is_not_a_request(tmp_path: Path) -> None:
    """A button's text ("Contact us", "Call to action": a paragraph of its own, one short line
    with no sentence end) asks for nothing; the same verb in running text does."""
    mail = """<mjml><mj-body><mj-column>
  <mj-text><p>Hi Sam,</p><p>Your order has shipped and should arrive on Tuesday.</p></mj-text>
  <mj-button href="https://example.com"><p>Call to action
    </p></mj-button>
  <mj-button href="#"><p>Contact us</p></mj-button>
  <mj-text><p>Send us a photo of the label when it arrives.</p><p>Thanks, the Acme team</p></mj-text>
</mj-column></mj-body></mjml>
"""
    assert lint(tmp_path, "mail.mjml", mail, select=("courtesy.please",)) == [(6, 15, "Send", None)]


INKY = """<container>
  <row><columns>
    <callout><p>We guarantee a reply. Reply ASAP</p></callout>
    <button href="https://example.com/guarantee">Shop now</button><spacer size="16"></spacer>we guarantee it
  </columns></row>
</container>
"""


def test_inky(tmp_path: Path) -> None:
    assert lint(tmp_path, "mail.html.inky", INKY) == [(3, 17, "We guarantee", None), (4, 94, "we guarantee", None)]
    assert fixed(tmp_path, "fix.inky", INKY) == INKY.replace("ASAP", "when you can")
    assert paragraphs(INKY, "inky") == ["We guarantee a reply. Reply ASAP", "Shop now", "we guarantee it"]
    assert paragraphs(INKY, "html")[1:] == ["Shop nowwe guarantee it"]  # (read as plain HTML)


# -- gettext catalogs ---------------------------------------------------------------------
PO = r"""# Translator comment: we guarantee nothing here
msgid ""
msgstr ""
"Project-Id-Version: Shop\n"
"Content-Type: text/plain; charset=UTF-8\n"

#: views/order.py:10
#, python-format
msgid "Your order %(number)s ships today and we "
"guarantee it."
msgstr "We guarantee (a translation, never read)"

msgid "Say \"we guarantee\" twice"
msgid_plural "%d items: we guarantee them"
msgstr[0] ""
msgstr[1] ""

#~ msgid "We guarantee an obsolete entry"
#~ msgstr ""
"""


def test_po_reads_each_msgid_and_skips_the_header(tmp_path: Path) -> None:
    texts = extract(PO, "po")
    assert [t.label for t in texts] == ["Your order %(number)s ships today and we guarantee it.", 'Say "we guarantee" twice', 'Say "we guarantee" twice']
    assert [t.clean for t in texts] == ["Your order Placeholder ships today and we guarantee it.", 'Say "we guarantee" twice', "Placeholder items: we guarantee them"]
    assert lint(tmp_path, "shop.po", PO) == [
        (9, 46, "we guarantee", "Your order %(number)s ships today and we guarantee it."),  # across two quoted lines: the text
        (13, 14, "we guarantee", 'Say "we guarantee" twice'),  # after an escaped quote
        (14, 25, "we guarantee", 'Say "we guarantee" twice'),
    ]


def test_po_match_across_lines_is_the_text_and_never_fixed(tmp_path: Path) -> None:
    source = 'msgid "Reply "\n"ASAP please"\nmsgstr ""\n'
    assert fixed(tmp_path, "fix.po", source) == source


# -- PHP language arrays ------------------------------------------------------------------
PHP = r"""<?php
// Heading: we guarantee nothing in a comment
$_['heading_title'] = 'We guarantee delivery';
$_['text_escaped']  = 'We can\'t guarantee it, but we guarantee %s';
$_['text_double']   = "Hello $name, \"we guarantee\"\tit";
$_['text_concat']   = 'Hi ' . $name . ', we guarantee ' . 'it.';
$_['text_html']     = '<p>Read <a href="%s">our terms</a>. We guarantee it.</p>';
$_['guarantee']     = $config['guarantee'];

class Mailer { public function body() { return ['body' => 'We guarantee this is code']; } }

return [
    'welcome' => 'Welcome, :name! We guarantee it.',
    'nested'  => ['deep' => "We guarantee it", 'list' => array('a', 'We guarantee it')],
];
"""


def test_php_language_arrays_decode_escapes_and_mask_variables(tmp_path: Path) -> None:
    texts = {t.label: t.clean for t in extract(PHP, "php")}
    assert texts == {
        "heading_title": "We guarantee delivery",
        "text_escaped": "We can't guarantee it, but we guarantee Placeholder",
        "text_double": 'Hello Placeholder, "we guarantee"\tit',
        "text_concat": "Hi Placeholder, we guarantee it.",
        "text_html": texts["text_html"],
        "welcome": "Welcome, Placeholder! We guarantee it.",
        "nested.deep": "We guarantee it",
        "nested.list[0]": "a",
        "nested.list[1]": "We guarantee it",
    }
    assert " ".join(texts["text_html"].split()) == "Read our terms. We guarantee it."
    assert lint(tmp_path, "en-gb.php", PHP) == [
        (3, 24, "We guarantee", "heading_title"),
        (4, 52, "we guarantee", "text_escaped"),  # after \' : exact
        (5, 39, "we guarantee", "text_double"),  # after $name and \"
        (6, 42, "we guarantee", "text_concat"),
        (7, 60, "We guarantee", "text_html"),
        (13, 35, "We guarantee", "welcome"),
        (14, 30, "We guarantee", "nested.deep"),
        (14, 70, "We guarantee", "nested.list[1]"),
    ]


def test_php_strings_are_never_rewritten(tmp_path: Path) -> None:
    source = "<?php\n$_['text'] = 'Please reply ASAP';\n"
    assert fixed(tmp_path, "fix.php", source) == source


def test_po_and_php_comments_hold_directives(tmp_path: Path) -> None:
    php = "<?php\n// mantracheck: disable-next-line=overpromise\n$_['a'] = 'We guarantee it.';\n/* mantracheck: disable-next-line=overpromise */\n$_['b'] = 'We guarantee it.';\n$_['c'] = 'We guarantee it.';\n"
    assert lint(tmp_path, "en.php", php) == [(6, 12, "We guarantee", "c")]
    po = '# mantracheck: disable-next-line=overpromise\nmsgid "We guarantee it."\nmsgstr ""\n\nmsgid "We guarantee that."\nmsgstr ""\n'
    assert lint(tmp_path, "shop.pot", po) == [(5, 8, "We guarantee", "We guarantee that.")]


def test_each_string_of_a_po_or_php_file_is_its_own_text() -> None:
    """The whole-message rules (a greeting, a sign-off) see one string at a time."""
    assert [t.clean for t in extract("<?php\n$_['a'] = 'Hi Sam,';\n$_['b'] = 'Thanks, Ana';\n", "php")] == ["Hi Sam,", "Thanks, Ana"]
    assert [t.clean for t in extract('msgid "Hi Sam,"\nmsgstr ""\n\nmsgid "Thanks, Ana"\nmsgstr ""\n', "po")] == ["Hi Sam,", "Thanks, Ana"]


# -- hostile input ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    "fmt,source",
    [
        ("php", "<?php\n" + "$_['a'] = <<<A\nx\n" * 20_000),  # unclosed heredocs (took 68 s)
        ("php", "<?php\nreturn " + "[" * 5_000 + "'a'" + "]" * 5_000 + ";"),  # (a RecursionError)
        ("blade", "@if( a " * 20_000),  # unclosed arguments
        ("blade", "{{ __('a " * 20_000),
    ],
    ids=["heredocs", "nesting", "arguments", "calls"],
)
def test_unclosed_syntax_takes_linear_time(fmt: str, source: str) -> None:
    started = time.perf_counter()
    extract(source, fmt)
    assert time.perf_counter() - started < 5


# -- round trips ---------------------------------------------------------------------------
def _php_literal(value: str, quote: str) -> str:
    body = value.replace("\\", "\\\\").replace(quote, "\\" + quote)
    return quote + (body.replace("$", "\\$") if quote == '"' else body) + quote


@SETTINGS
@given(st.lists(prose(), min_size=1, max_size=4), st.sampled_from(["'", '"']), st.data())
def test_php_strings_round_trip(values: list[str], quote: str, data: st.DataObject) -> None:
    """Each value, written as a PHP string, reads back as the same text as the plain
    value does; every piece maps to the characters it came from."""
    source = "<?php\n" + "".join(f"$_['k{i}'] = {_php_literal(v, quote)};\n" for i, v in enumerate(values))
    texts = {t.label: t for t in extract(source, "php")}
    for i, value in enumerate(values):
        if f"k{i}" in texts:
            assert texts[f"k{i}"].clean == extract(value, "text")[0].clean
            check_pieces(source, texts[f"k{i}"])
            check_spans(source, texts[f"k{i}"], data)
        else:
            assert not extract(value, "text")[0].clean.strip()


@SETTINGS
@given(prose(), st.lists(st.integers(0, 200), max_size=3), st.data())
def test_po_msgid_round_trip(value: str, cuts: list[int], data: st.DataObject) -> None:
    """A msgid split over quoted lines anywhere (not inside an escape) reads as the value."""
    escaped = [{"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"}.get(c, c) for c in value]
    lines = ['"' + "".join(escaped[a:b]) + '"' for a, b in zip([0, *sorted(cuts)], [*sorted(cuts), len(escaped)])]
    source = 'msgid ""\nmsgstr "Language: en\\n"\n\nmsgid ' + "\n".join(lines) + '\nmsgstr ""\n'
    texts = extract(source, "po")
    expected = extract(value, "text")[0].clean
    if not value.strip() or not expected.strip():
        assert texts == [] or not texts[0].clean.strip()
        return
    (text,) = texts
    assert text.clean == expected and text.label == value
    check_pieces(source, text)
    check_spans(source, text, data)


BLADE_BITS = st.sampled_from(["{{ __('we guarantee') }}", "{!! __(\"it\\'s :name\") !!}", "{{ $x }}", "{!! $y !!}", "@if ($a)", "@endif", "{{-- c --}}", "@lang('Don\\'t')", "@php $a = 1; @endphp", "<p>", "</p>", "&amp;"])


@SETTINGS
@given(prose(BLADE_BITS), st.data())
def test_blade_round_trip(source: str, data: st.DataObject) -> None:
    (text,) = extract(source, "blade")
    check_pieces(source, text)
    check_spans(source, text, data)
    assert "{{" not in text.clean and "@if" not in text.clean and "__(" not in text.clean


# -- item 7: the key path of every finding in a keyed file ---------------------------------
KEYED = {
    "macros.yaml": ("templates:\n  - subject: Hello\n    body: We guarantee it.\n", "templates[0].body"),
    "macros.json": ('{"macros": [{"actions": [{"field": "comment_value", "value": "We guarantee it."}]}]}', "macros[0].actions[0].value"),
    "shop.po": ('msgid "We guarantee it."\nmsgstr ""\n', "We guarantee it."),
    "en.php": ("<?php\nreturn ['mail' => ['body' => 'We guarantee it.']];\n", "mail.body"),
}


@pytest.mark.parametrize("name", sorted(KEYED))
def test_findings_name_their_key_path_in_every_output(tmp_path: Path, name: str) -> None:
    source, field = KEYED[name]
    path = tmp_path / name
    path.write_text(source, encoding="utf-8")
    args = ["lint", "--no-config", "--select", "overpromise.guarantee", str(path)]
    runner = CliRunner()
    as_json = json.loads(runner.invoke(cli, [*args, "--format", "json"]).stdout)
    assert [f["field"] for f in as_json["files"][0]["findings"]] == [field]
    assert runner.invoke(cli, [*args, "--format", "concise"]).stdout.splitlines()[0].endswith(f" (in {field})")
    sarif = json.loads(runner.invoke(cli, [*args, "--format", "sarif"]).stdout)
    assert [r["properties"] for r in sarif["runs"][0]["results"]] == [{"field": field}]


def test_naming_key_paths_does_not_parse_the_file_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from mantracheck.text import fields

    calls = []
    parse = fields.parse_yaml
    monkeypatch.setattr(fields, "parse_yaml", lambda text: calls.append(1) or parse(text))
    path = tmp_path / "macros.yaml"
    path.write_text(KEYED["macros.yaml"][0] + "# a new text, not remembered\n", encoding="utf-8")
    (report,) = mantracheck.lint_paths([str(path)], select=GUARANTEE).files
    assert [f.field for f in report.findings] == ["templates[0].body"] and calls == [1]


def test_plain_files_have_no_field(tmp_path: Path) -> None:
    path = tmp_path / "reply.txt"
    path.write_text("We guarantee it.\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["lint", "--no-config", "--select", "overpromise.guarantee", "--format", "json", str(path)])
    (finding,) = json.loads(result.stdout)["files"][0]["findings"]
    assert "field" not in finding
    concise = CliRunner().invoke(cli, ["lint", "--no-config", "--select", "overpromise.guarantee", "--format", "concise", str(path)])
    assert concise.stdout.splitlines()[0].endswith("goes wrong.")


def test_a_long_msgid_is_cut_in_text_output_only(tmp_path: Path) -> None:
    msgid = "We guarantee it. " + "More words follow here. " * 5
    path = tmp_path / "long.po"
    path.write_text(f'msgid "{msgid}"\nmsgstr ""\n', encoding="utf-8")
    args = ["lint", "--no-config", "--select", "overpromise.guarantee", str(path)]
    assert CliRunner().invoke(cli, [*args, "--format", "concise"]).stdout.splitlines()[0].endswith(f" (in {msgid[:57]}...)")
    assert json.loads(CliRunner().invoke(cli, [*args, "--format", "json"]).stdout)["files"][0]["findings"][0]["field"] == msgid


def test_a_po_file_with_no_entry_says_so(tmp_path: Path) -> None:
    """Read as gettext (by its name, or --input-format po), a file with no msgid is skipped
    with a notice, not passed in silence."""
    header = tmp_path / "empty.pot"
    header.write_text('msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n', encoding="utf-8")
    reply = tmp_path / "reply.txt"
    reply.write_text("Hi Ann,\n\nWe guarantee a refund by Monday!\n\nThanks,\nBob\n", encoding="utf-8")
    for args in ([str(header)], ["--input-format", "po", str(reply)]):
        result = CliRunner().invoke(cli, ["lint", "--no-config", *args])
        assert result.exit_code == 0, result.output
        assert 'no text to lint: no gettext entry (msgid "...") with English text' in result.stderr and "1 file skipped" in result.stderr


# -- a YAML/JSON file with no text in the fields looked for --------------------------------
@pytest.mark.parametrize("name,source", [("ci.yml", "name: ci\non: push\njobs: {}\n"), ("package-data.json", '{"name": "shop", "copy": "We guarantee it."}')])
def test_a_yaml_or_json_file_with_no_text_says_which_fields_were_looked_for(tmp_path: Path, name: str, source: str) -> None:
    path = tmp_path / name
    path.write_text(source, encoding="utf-8")
    result = CliRunner().invoke(cli, ["lint", "--no-config", str(path)])
    assert result.exit_code == 0, result.output
    assert f"{path}: no text to lint: no string in the fields looked for (subject, body, message, response, value[field=comment_value], value[field=comment_value_html]); name the fields" in result.stderr
    assert 'fields = ["KEY", "KEY[SIBLING=VALUE]"] in the configuration' in result.stderr
    (report,) = mantracheck.lint_paths([str(path)]).files
    assert report.skipped and not report.unreadable and report.findings == ()
    (named,) = mantracheck.lint_paths([str(path)], fields=("copy", "name")).files
    assert named.error is None


def test_an_empty_field_is_no_notice(tmp_path: Path) -> None:
    path = tmp_path / "banner.yaml"
    path.write_text('name: "Authentication Required"\nbody: ""\n', encoding="utf-8")
    (report,) = mantracheck.lint_paths([str(path)]).files
    assert report.error is None and not report.skipped


# -- the real copy ------------------------------------------------------------------------
def test_every_real_copy_file_is_read_as_a_known_format_and_linted() -> None:
    root = shared("real-copy")
    files = sorted(os.path.join(d, f) for d, _, names in os.walk(root) for f in names)
    copy = [f for f in files if not os.path.basename(f).startswith("LICENSE") and not f.endswith(".sql")]
    assert len(copy) >= 329  # (SOURCES.md's 330 count the .sql)
    assert [f for f in copy if format_for_path(f) is None] == []
    result = mantracheck.lint_paths([str(root)])
    assert [(r.path, r.error) for r in result.files if r.error is not None] == []
    assert {r.path for r in result.files} >= set(copy)
