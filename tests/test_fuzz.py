"""Property tests on arbitrary input (tests/test_text_roundtrip.py covers well-formed prose):
decoding random bytes, line and column of CR/LF/CRLF text, extraction and masking of random
text in every format, suppression directives, rule files and YAML limits, and the CLI on
random files. Inputs that once crashed (saved by bench/fuzz.py) are replayed from
tests/fuzz_cases/."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from mantracheck.cli import cli
from mantracheck.engine import suppress
from mantracheck.engine.loader import load_rules, parse_rule
from mantracheck.errors import InputError, RuleError
from mantracheck.fix import _encode
from mantracheck.text import LineIndex, extract
from mantracheck.text.formats import FORMATS
from mantracheck.text.placeholders import Masker, compile_placeholders
from mantracheck.text.reader import C1_HANDLER, decode_bytes
from mantracheck.yamlio import YamlError, check_limits
from tests.test_text_roundtrip import check_pieces, check_spans

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
CASES = Path(__file__).resolve().parent / "fuzz_cases"
#: characters that mean something to some reader: markup, placeholders, YAML, JSON, MIME
SYNTAX = "<>/!-{}%#[]()=*_`&;:\"',.|?@\\$ \t\r\n"
MARKUP_TEXT = st.text(alphabet=st.one_of(st.sampled_from(SYNTAX), st.sampled_from("aeoWguarnt"), st.characters(exclude_categories=("Cs",))), max_size=200)
EXTENSIONS = {"text": ".txt", "markdown": ".md", "html": ".html", "email": ".eml", "yaml": ".yaml", "json": ".json"}


@SETTINGS
@given(st.binary(max_size=300))
@example(b"\xef\xbb\xbf\xff")  # a UTF-8 BOM, then invalid UTF-8
@example(b"\xff\xfe\x00")  # a UTF-16 BOM, then half a code unit
@example(b"caf\xe9 \x81\x8d\x8f\x90\x9d")  # Windows-1252, with its five undefined bytes
def test_decoding_random_bytes_is_lossless_or_a_one_line_reason(data: bytes) -> None:
    try:
        src = decode_bytes(data)
    except InputError as exc:
        assert "\n" not in str(exc) and str(exc)
        return
    if src.encoding == "cp1252":
        assert src.text.encode("cp1252", errors=C1_HANDLER) == data
    else:
        assert _encode(src.text, src.encoding, data) == data  # what --fix writes back


def _reference_position(text: str, offset: int) -> tuple[int, int]:
    line_start, line = 0, 1
    for m in re.finditer(r"\r\n|\r|\n", text):
        if m.end() > offset:
            break
        line_start, line = m.end(), line + 1
    return line, offset - line_start + 1


@SETTINGS
@given(st.text(alphabet="ab\r\n\u2028\x0b", max_size=60), st.data())
def test_line_and_column_with_cr_lf_and_crlf(text: str, data: st.DataObject) -> None:
    index = LineIndex(text)
    for offset in data.draw(st.lists(st.integers(0, len(text)), max_size=10)):
        if offset > 0 and text[offset - 1 : offset + 1] == "\r\n":
            continue  # between CR and LF: not a character position
        assert index.position(offset) == _reference_position(text, offset)


@SETTINGS
@given(st.sampled_from(sorted(FORMATS)), MARKUP_TEXT, st.data())
def test_extraction_of_arbitrary_text_keeps_its_invariants(fmt: str, source: str, data: st.DataObject) -> None:
    try:
        parts = extract(source, fmt)
    except InputError as exc:
        assert fmt in ("yaml", "json") and "\n" not in str(exc)
        return
    for ex in parts:
        check_pieces(source, ex, None)
        check_spans(source, ex, data)


@SETTINGS
@given(MARKUP_TEXT)
def test_masking_keeps_length_and_line_breaks(text: str) -> None:
    masker = Masker(text, compile_placeholders())
    assert len(masker.masked) == len(text)
    assert [i for i, c in enumerate(masker.masked) if c in "\r\n"] == [i for i, c in enumerate(text) if c in "\r\n"]
    ends = [(m.start, m.end) for m in masker.masks]
    assert all(a < b <= c for (a, b), (c, _) in zip(ends, ends[1:] + [(len(text) + 1, 0)]))


DIRECTIVE_TEXT = st.lists(st.sampled_from(["mantracheck:", " ", "disable", "enable", "-next-line", "-line", "-file", "=", ",", "overpromise", "courtesy.please", "x", "\n", "#", "<!--", "-->", "{#", "#}", "é"]), max_size=15).map("".join)


@SETTINGS
@given(DIRECTIVE_TEXT, st.text(alphabet="ab \n", max_size=20))
def test_suppression_directives_parse_or_are_reported(comment: str, before: str) -> None:
    source = before + comment + "\nWe guarantee it.\n"
    start = len(before)
    lines = LineIndex(source)
    directives, problems = suppress.parse([(start, start + len(comment), comment)], lines, source)
    for d in directives:
        assert d.kind in suppress.KINDS
        assert start <= d.start <= d.end <= start + len(comment)
    for p in problems:
        assert p.rule == "mantracheck.invalid-directive" and p.line >= 1


YAML_VALUES = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(max_size=20), st.sampled_from(["existence", "substitution", "require", "metric", "error", "support", "(a+)+$", "(?=x)", "we guarantee"])),
    lambda children: st.one_of(st.lists(children, max_size=4), st.dictionaries(st.sampled_from(["phrase", "lemma", "regex", "tokens", "LOWER", "REGEX", "good", "bad", "default", "max", "swap", "replacement"]), children, max_size=4)),
    max_leaves=12,
)
RULE_KEYS = ["kind", "severity", "profiles", "message", "description", "link", "needs", "patterns", "exceptions", "suggestions", "examples", "skip_when", "swap", "max", "measure", "whole", "when", "unless_sentence"]


def _maybe(valid: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.one_of(valid, valid, valid, YAML_VALUES)


RULE_FILES = st.one_of(
    st.dictionaries(st.sampled_from(RULE_KEYS), YAML_VALUES, max_size=10),
    st.fixed_dictionaries(
        {
            "kind": _maybe(st.sampled_from(["existence", "substitution", "require", "metric"])),
            "severity": _maybe(st.sampled_from(["error", "warning", "info"])),
            "message": _maybe(st.just("'{match}' {replacement} {value}")),
            "description": _maybe(st.just("Why.")),
            "examples": _maybe(st.just({"good": ["Fine."], "bad": ["We guarantee it."]})),
        },
        optional={key: YAML_VALUES for key in RULE_KEYS if key not in ("kind", "severity", "message", "description", "examples")},
    ),
)


@SETTINGS
@given(RULE_FILES)
def test_a_rule_file_is_a_rule_or_a_rule_error(raw: dict[str, Any]) -> None:
    ruleset = load_rules()
    try:
        rule = parse_rule(Path("team/fuzzed.yaml"), "team", raw, ruleset.profiles, False)
    except RuleError as exc:
        assert str(exc).startswith("team/fuzzed.yaml") and "\n" not in str(exc)
        return
    assert rule.id == "team.fuzzed"


@SETTINGS
@given(st.lists(st.sampled_from(list("&*ab:[]{},- \n\"'!|>") + ["&a ", "*a", "&b ", "*b", "<<: ", "- &a [*a, *a]\n"]), max_size=60).map("".join))
def test_yaml_limits_raise_only_yaml_errors(text: str) -> None:
    try:
        check_limits(text)
    except (YamlError, yaml.YAMLError):
        pass


FILE_BYTES = st.one_of(st.binary(max_size=200), MARKUP_TEXT.map(lambda s: s.encode("utf-8")), MARKUP_TEXT.map(lambda s: s.encode("utf-16")))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.sampled_from(sorted(EXTENSIONS.values())), FILE_BYTES), min_size=1, max_size=6))
def test_the_cli_on_random_files(tmp_path_factory: pytest.TempPathFactory, files: list[tuple[str, bytes]]) -> None:
    folder = tmp_path_factory.mktemp("fuzz")
    for i, (ext, data) in enumerate(files):
        (folder / f"f{i}{ext}").write_bytes(data)
    result = CliRunner().invoke(cli, ["lint", "--no-config", "--format", "json", str(folder)])
    _no_crash(result.output, result.exit_code, result.exception)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=300))
def test_the_cli_on_random_standard_input(data: bytes) -> None:
    result = CliRunner().invoke(cli, ["lint", "--no-config", "-"], input=data)
    if result.exit_code == 2:  # binary standard input is a usage error, in one line
        assert result.output.startswith("mantracheck: error: standard input: ") and result.output.count("\n") == 1
        return
    _no_crash(result.output, result.exit_code, result.exception)


def _no_crash(output: str, exit_code: int, exception: BaseException | None) -> None:
    assert "Traceback" not in output and "internal error" not in output, output
    assert exception is None or isinstance(exception, SystemExit), repr(exception)
    assert exit_code in (0, 1), output


def _regression_cases() -> list[Path]:
    return sorted(p for p in CASES.iterdir() if p.is_file() and p.name != "README.md") if CASES.is_dir() else []


@pytest.mark.parametrize("case", _regression_cases(), ids=lambda p: p.name)
def test_saved_fuzz_cases_no_longer_crash_or_hang(case: Path) -> None:
    """Each input bench/fuzz.py once saw crash or hang, linted by a real process with a
    time limit (a hang fails here instead of hanging the suite)."""
    proc = subprocess.run([sys.executable, "-m", "mantracheck", "lint", "--no-config", str(case)], check=False, capture_output=True, text=True, timeout=120, env={**os.environ, "CI": ""})
    _no_crash(proc.stdout + proc.stderr, proc.returncode, None)
