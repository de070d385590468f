"""Issue 18, items 7 and 8: an email in RFC 5322's own line ending (CRLF) is read as email,
and Markdown nested past markdown-it's limit does not hide the rest of the file."""

from __future__ import annotations

import time
from email.parser import Parser
from email.policy import compat32
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import mantracheck
from mantracheck.cli import cli
from mantracheck.errors import InputError
from mantracheck.text import LineIndex, extract, mime
from tests.test_text_roundtrip import check_pieces

FIXTURES = Path(__file__).parent / "fixtures" / "formats"
GUARANTEE = ("overpromise.guarantee",)
EMAIL = (FIXTURES / "multipart-qp.eml").read_bytes().decode("utf-8")


def findings(text: str, fmt: str, select: tuple[str, ...] = GUARANTEE) -> list[tuple[int, int, int, int]]:
    """(line, column, end line, end column) of every finding, each checked to start on the
    word it names."""
    found = mantracheck.lint_text(text, input_format=fmt, select=select)
    lines = LineIndex(text)
    for f in found:
        start = lines.line_start(f.line) + f.column - 1
        assert text[start : start + 2].lower() == f.match[:2].lower(), (f, text[start : start + 20])
    return [(f.line, f.column, f.end_line, f.end_column) for f in found]


def with_line_ending(text: str, eol: str) -> str:
    return text.replace("\r\n", "\n").replace("\n", eol)


# -- 7. CRLF email ---------------------------------------------------------------------------
def test_the_fixture_really_is_crlf() -> None:
    """(quoted.eml passed by luck: a test of CRLF email must be sure it reads CRLF)"""
    assert EMAIL.count("\r\n") == EMAIL.count("\n") > 20


@pytest.mark.parametrize("eol", ["\r\n", "\n", "\r"], ids=["crlf", "lf", "cr"])
def test_an_email_gives_the_same_findings_whatever_its_line_ending(eol: str) -> None:
    """The subject and the plain-text part's guarantee (across a soft line break) are found,
    at the same lines; no header, preamble, boundary, HTML twin, quoted reply or epilogue is
    linted."""
    assert findings(with_line_ending(EMAIL, eol), "email") == [(3, 10, 3, 22), (15, 43, 16, 4)]


def test_a_crlf_quoted_printable_body_is_decoded() -> None:
    subject, body = extract(EMAIL, "email")
    assert subject.clean == "We guarantee delivery by Friday"
    assert "today, and we guarantee it will reach you by Friday. Your café voucher follows." in body.clean.replace("\r\n", " ")
    for leaked in ("=\r\n", "=C3", "Content-Type", "--=-part-1", "preamble", "HTML twin", "Epilogue", "apparently"):
        assert leaked not in body.clean, leaked
    assert not body.fixable


def test_the_crlf_fixture_from_before_now_reads_its_headers() -> None:
    """quoted.eml (CRLF) had its headers end after the first line: its subject was never linted
    and the other headers were read as the body."""
    source = (FIXTURES / "quoted.eml").read_bytes().decode("utf-8")
    parts = extract(source, "email")
    assert [p.label for p in parts] == ["subject", "body"]
    assert parts[0].clean == "Re: Where is my order?"
    assert parts[1].clean.startswith("Hi Sam,") and parts[1].fixable


ASAP_EMAIL = (
    "From: a@example.com\nSubject: Your order\nMIME-Version: 1.0\n"
    "Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: {cte}\n\n"
    "Hi Sam,\n\nWe'll send the refund ASAP, {rest}\nthanks for waiting.\n"
)


@pytest.mark.parametrize("eol", ["\r\n", "\n"], ids=["crlf", "lf"])
def test_fix_never_edits_an_encoded_body(tmp_path: Path, eol: str) -> None:
    """The same fixable finding: applied in a 7bit body, reported but left alone in a
    quoted-printable one (the text there is not the file's text)."""
    plain = tmp_path / "plain.eml"
    encoded = tmp_path / "encoded.eml"
    plain.write_bytes(with_line_ending(ASAP_EMAIL.format(cte="7bit", rest="caf\u00e9 or not,"), eol).encode())
    encoded.write_bytes(with_line_ending(ASAP_EMAIL.format(cte="quoted-printable", rest="caf=C3=A9 or n=\not,"), eol).encode())
    before = encoded.read_bytes()
    result = CliRunner().invoke(cli, ["lint", "--no-config", "--select", "courtesy.asap", "--format", "concise", "--fix", str(plain), str(encoded)])
    assert not isinstance(result.exception, Exception), result.output
    assert encoded.read_bytes() == before
    assert "ASAP" in result.output and "encoded.eml:9:" in result.output, result.output
    assert "as soon as we can" in plain.read_bytes().decode() and b"ASAP" not in plain.read_bytes()
    assert eol.encode() * 2 in plain.read_bytes()  # (the fix kept the line endings)


def test_a_body_the_parser_does_not_agree_with_is_reported_not_guessed(monkeypatch: pytest.MonkeyPatch) -> None:
    """Where the span found in the source does not hold the payload email's parser read, the
    file cannot be checked (a one-line error), rather than linted at a guessed place."""
    real = mime._subparts
    monkeypatch.setattr(mime, "_subparts", lambda *args: real(*args)[::-1])  # the parts swapped
    with pytest.raises(InputError, match="cannot place the text/plain part of this email"):
        extract(EMAIL, "email")


# The located spans against email's parser, on generated MIME: nested multiparts, preambles
# and epilogues, repeated and missing delimiters, delimiter-like lines, parts without the
# blank line after their headers, attached messages, and every line ending (mixed too).
LINES = st.sampled_from(["Hello Sam.", "We guarantee it.", "", " ", "  indented", "Note: a header?", "From here", "--", "--b0", "--b1 ", "--b0--", "--b1--x", "--b0x", "=41=\\", "> quoted"])


@st.composite
def mime_part(draw: st.DrawFn, depth: int = 0) -> list[str]:
    if depth < 2 and draw(st.integers(0, 2)) == 0:
        boundary = f"b{depth}"
        lines = [f'Content-Type: multipart/{draw(st.sampled_from(["mixed", "alternative"]))}; boundary="{boundary}"', ""]
        lines += draw(st.lists(LINES, max_size=2))  # preamble
        for child in draw(st.lists(mime_part(depth + 1), max_size=3)):
            lines += ["--" + boundary + draw(st.sampled_from(["", "", " ", "\t"]))] * draw(st.sampled_from([1, 1, 1, 2]))
            lines += child
        if draw(st.booleans()):
            lines += ["--" + boundary + "--"] + draw(st.lists(LINES, max_size=2))  # epilogue
        return lines
    ctype = draw(st.sampled_from(["text/plain", "text/html", "application/octet-stream", "message/rfc822", None]))
    lines = [f"Content-Type: {ctype}"] if ctype else []
    lines += draw(st.lists(st.sampled_from(["Content-Transfer-Encoding: 7bit", "X-Folded: a", "\tcontinued"]), max_size=2))
    if draw(st.integers(0, 4)):
        lines.append("")
    return lines + draw(st.lists(LINES, max_size=4))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mime_part(), st.sampled_from(["\n", "\r\n", "\r", "mixed"]), st.data())
def test_every_part_is_found_where_emails_parser_read_it(lines: list[str], eol: str, data: st.DataObject) -> None:
    lines = ["From: a@example.com", "Subject: hi", *lines]
    ends = [data.draw(st.sampled_from(["\n", "\r\n", "\r"])) if eol == "mixed" else eol for _ in lines]
    source = "".join(line + end for line, end in zip(lines, ends))
    if data.draw(st.booleans()):
        source = source[: -len(ends[-1])]
    msg = Parser(policy=compat32).parsestr(source)
    leaves = mime._leaves(source, msg)
    assert leaves
    for part, pieces in leaves:
        payload: Any = part.get_payload()
        if isinstance(payload, str):
            assert pieces is not None and "".join(source[a:b] for a, b in pieces) == payload, (pieces, payload)
            assert len(pieces) == 1 or payload.startswith("From ")  # (see the next test)


def test_a_stray_from_line_ending_the_headers_goes_to_the_body() -> None:
    """email's parser moves a last header line 'From ...' to the body and drops the blank
    line after it: the body is linted from that line, the blank line included."""
    source = "From: a@example.com\r\nContent-Type: text/plain\r\nFrom here on, listen.\r\n\r\nWe guarantee it.\r\n"
    assert extract(source, "email")[0].clean == "From here on, listen.\r\n\r\nWe guarantee it.\r\n"
    assert findings(source, "email") == [(5, 1, 5, 13)]


# -- 8. Markdown nesting ---------------------------------------------------------------------
def nested_list(levels: int, text: str = "level {}") -> str:
    return "".join("  " * i + "- " + text.format(i) + "\n" for i in range(levels))


def test_what_follows_ten_nested_list_levels_is_linted() -> None:
    """markdown-it's commonmark limit (20 levels, ten lists deep) skipped the rest of the file."""
    source = nested_list(12) + "\nWe guarantee it.\n"
    assert findings(source, "markdown") == [(14, 1, 14, 13)]


def test_a_list_deeper_than_the_parser_goes_is_linted_and_markdown_resumes_after_it() -> None:
    """Past markdown-it's 20 levels the deep lines are read as plain text; what follows is
    Markdown again: its code is not linted, its paragraph is."""
    source = nested_list(60) + "  " * 60 + "- We guarantee it deep down.\n\n```\nWe guarantee nothing in code.\n```\n\nWe guarantee it.\n"
    assert findings(source, "markdown") == [(61, 123, 61, 135), (67, 1, 67, 13)]


def test_three_thousand_nested_quotes_are_linted_in_time() -> None:
    """tests/hostile/deep-quotes.md: the text after 3,000 '> ' was silently not linted."""
    source = "> " * 3000 + "We guarantee it.\n"
    started = time.monotonic()
    assert findings(source, "markdown") == [(1, 6001, 1, 6013)]
    assert time.monotonic() - started < 20


def test_deep_markdown_maps_back_exactly() -> None:
    """The plain text of a block nested too deep is copied from the source, piece by piece,
    with its markers, lazy lines, tabs and CRLF line breaks."""
    source = nested_list(25, "item {} we *guarantee*") + "\t" * 30 + "- tabbed\r\n" + "> " * 40 + "quoted\r\nlazy line\r\n\r\n" + "   1. " * 15 + "ordered\n\nEnd.\n"
    ex = extract(source, "markdown")[0]
    check_pieces(source, ex, None)
    for word in ("item 24 we *guarantee*", "tabbed", "quoted", "lazy line", "ordered", "End."):
        assert word in ex.clean, word


def test_a_match_in_a_base64_body_is_the_decoded_words() -> None:
    """An encoded line maps back whole: the finding's match (and message) show the words that
    matched, decoded, never the base64 (the clean text is not a copy of the source there)."""
    import base64

    from mantracheck.api import lint_text

    body = base64.encodebytes(b"Hi Ana, we guarantee your refund. Thanks, Sam").decode()
    eml = "From: a@example.com\nSubject: hi\nMIME-Version: 1.0\nContent-Type: text/plain\nContent-Transfer-Encoding: base64\n\n" + body
    (found,) = [f for f in lint_text(eml, input_format="email") if f.rule == "overpromise.guarantee"]
    assert found.match == "we guarantee" and "'we guarantee'" in found.message
