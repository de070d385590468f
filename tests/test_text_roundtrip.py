"""Round-trip properties of every extractor: each clean piece maps to the very source
characters it came from (copies equal, replaced pieces decode from their whole source span,
opaque pieces are whole placeholders or markup)."""

from __future__ import annotations

import base64
import html
import json
import quopri
import re

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mantracheck.text import extract
from mantracheck.text.offsets import COPY, GAP, OPAQUE, QUOTED, REPLACE, Extracted, LineIndex, OffsetMap, TextBuilder, compose
from mantracheck.text.placeholders import STAND_IN, compile_placeholders, is_block

SETTINGS = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
PLACEHOLDER = compile_placeholders()

WORDS = st.sampled_from(["we", "guarantee", "refund", "Sam", "today", "it's", "café", "naïve", "100%", "a", "the", "order"])
PLACEHOLDERS = st.sampled_from(
    ["{{ first_name }}", "{{{ raw }}}", "{% if vip %}", "{% endif %}", "{# note #}", "${name}", "%{ticket.number}", "%(name)s", "<%= user.name %>", "[[agent]]", "{{#if x}}", "{{/if}}", "{{!-- c --}}", "https://example.com/a?b=1", "help@example.com"]
)
PUNCT = st.sampled_from([" ", " ", " ", ", ", ". ", "\n", "\r\n", "! ", "? ", " - "])


def prose(extra: st.SearchStrategy[str] = st.nothing()) -> st.SearchStrategy[str]:
    token = st.one_of(WORDS, PLACEHOLDERS, extra)
    return st.lists(st.tuples(token, PUNCT), max_size=25).map(lambda items: "".join(a + b for a, b in items))


def check_pieces(source: str, ex: Extracted, opaque_ok: re.Pattern[str] | None = None) -> None:
    """The invariants every extractor keeps."""
    clean_pos = 0
    for p in ex.offsets.pieces:
        assert p.clean_start == clean_pos, "pieces are contiguous in the clean text"
        clean_pos = p.clean_end
        assert 0 <= p.src_start <= p.src_end <= len(source)
        text, src = ex.clean[p.clean_start : p.clean_end], source[p.src_start : p.src_end]
        if p.kind in (COPY, QUOTED):
            assert text == src
        elif p.kind == OPAQUE and opaque_ok is not None:
            assert opaque_ok.fullmatch(src), f"opaque piece is not whole markup: {src!r}"
        elif p.kind == GAP:
            assert not text.strip()
    assert clean_pos == len(ex.clean)
    for s, e, _ in ex.comments:
        assert 0 <= s <= e <= len(source)


def check_spans(source: str, ex: Extracted, data: st.DataObject) -> None:
    """Random clean spans map to source spans; a copied-only span starts and ends on the
    same characters in the source (between them the source may hold skipped markup or
    indentation)."""
    if not ex.clean:
        return
    for _ in range(5):
        a = data.draw(st.integers(0, len(ex.clean) - 1))
        b = data.draw(st.integers(a + 1, len(ex.clean)))
        span = ex.offsets.to_source(a, b)
        if span is None:
            continue
        assert 0 <= span[0] <= span[1] <= len(source)
        if ex.offsets.is_copy(a, b):
            assert source[span[0]] == ex.clean[a] and source[span[1] - 1] == ex.clean[b - 1]
            assert _is_subsequence(ex.clean[a:b], source[span[0] : span[1]])


def _is_subsequence(needle: str, hay: str) -> bool:
    it = iter(hay)
    return all(ch in it for ch in needle)


MARKUP_OR_PLACEHOLDER = re.compile(r"(?s)<[^<>]*>|<!--.*?-->|" + PLACEHOLDER.pattern)


@SETTINGS
@given(prose(), st.data())
def test_plain_text(source: str, data: st.DataObject) -> None:
    ex = extract(source, "text")[0]
    check_pieces(source, ex, MARKUP_OR_PLACEHOLDER)
    check_spans(source, ex, data)
    # Everything outside placeholders is copied, in order.
    assert PLACEHOLDER.sub("", source) == "".join(source[p.src_start : p.src_end] for p in ex.offsets.pieces if p.kind == COPY)


HTML_BITS = st.sampled_from(["<p>", "</p>", "<b>", "</b>", "<br>", "<div class=\"x\">", "</div>", "&amp;", "&mdash;", "&#8217;", "&nbsp;", "<!-- c -->", "<script>we guarantee()</script>", "<style>p{}</style>", "<a href=\"https://x.y/guarantee\">", "</a>"])


@SETTINGS
@given(prose(HTML_BITS), st.data())
def test_html(source: str, data: st.DataObject) -> None:
    ex = extract(source, "html")[0]
    check_pieces(source, ex, MARKUP_OR_PLACEHOLDER)
    check_spans(source, ex, data)
    for p in ex.offsets.pieces:
        if p.kind == REPLACE:  # an entity, decoded
            assert html.unescape(source[p.src_start : p.src_end]) == ex.clean[p.clean_start : p.clean_end]
    assert "guarantee()" not in ex.clean and "p{}" not in ex.clean and "x.y" not in ex.clean


MD_BITS = st.sampled_from(["**bold**", "*em*", "_u_", "`CODEWORD`", "[link](https://x.y/TARGETWORD \"t\")", "![ALTWORD](i.png)", "&amp;", "\\*", "<b>", "<!-- c -->", "\n\n# ", "\n\n> ", "\n\n- ", "\n\n1. ", "\n\n```\nFENCEWORD\n```\n\n", "\n\n    INDENTWORD\n\n", "  \n"])


@SETTINGS
@given(prose(MD_BITS), st.data())
def test_markdown(source: str, data: st.DataObject) -> None:
    ex = extract(source, "markdown")[0]
    check_spans(source, ex, data)
    # Markdown syntax between the pieces: emphasis marks, brackets, targets, code spans.
    check_pieces(source, ex, None)
    for p in ex.offsets.pieces:
        if p.kind == REPLACE:  # an escape or an entity
            src = source[p.src_start : p.src_end]
            assert src.startswith(("&", "\\"))
            assert html.unescape(src.lstrip("\\")) == ex.clean[p.clean_start : p.clean_end]
    if re.search(r"(?m)^\s*<", source):
        return  # a line opening with a tag starts a raw HTML block: what follows is HTML text
    for hidden in ("CODEWORD", "TARGETWORD", "ALTWORD", "FENCEWORD"):  # (an indented line may continue a list item)
        assert hidden not in ex.clean


@SETTINGS
@given(st.text(alphabet="ab 'é\n#:-", max_size=40).map(str.strip).filter(bool), st.sampled_from(["|", ">", '"', "'", None]), st.data())
def test_yaml_fields(value: str, style: str | None, data: st.DataObject) -> None:
    source = yaml.safe_dump({"title": "x", "body": value, "nested": [{"subject": value}]}, default_style=style, width=10**6, allow_unicode=True)
    parts = extract(source, "yaml")
    assert [p.label for p in parts] == ["body", "nested[0].subject"] or not value.strip()
    for ex in parts:
        check_pieces(source, ex, None)
        check_spans(source, ex, data)
        assert ex.clean == value or value.strip() == ""  # plain text, no placeholders: the value itself


@SETTINGS
@given(st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=40), st.data())
def test_json_fields(value: str, data: st.DataObject) -> None:
    value = value.replace("<", "(")  # keep it plain text
    source = json.dumps({"actions": [{"field": "comment_value", "value": value}], "body": value}, indent=1)
    parts = extract(source, "json")
    for ex in parts:
        check_pieces(source, ex, MARKUP_OR_PLACEHOLDER)
        check_spans(source, ex, data)
        for p in ex.offsets.pieces:
            if p.kind == REPLACE:  # an escape
                assert json.loads('"' + source[p.src_start : p.src_end] + '"') == ex.clean[p.clean_start : p.clean_end]


def _email(body: bytes, cte: str, html_part: bool = False) -> str:
    if cte == "quoted-printable":
        encoded = quopri.encodestring(body).decode("ascii")
    elif cte == "base64":
        encoded = base64.encodebytes(body).decode("ascii")
    else:
        encoded = body.decode("utf-8")
    kind = "html" if html_part else "plain"
    return (
        "From: a@example.com\nSubject: Your order\nMIME-Version: 1.0\n"
        'Content-Type: multipart/alternative; boundary="XYZ"\n\npreamble\n--XYZ\n'
        f"Content-Type: text/{kind}; charset=utf-8\nContent-Transfer-Encoding: {cte}\n\n{encoded}\n--XYZ--\n"
    )


@SETTINGS
@given(prose(), st.sampled_from(["7bit", "quoted-printable", "base64"]), st.data())
def test_email_bodies(body: str, cte: str, data: st.DataObject) -> None:
    body = body.replace("\r", "")
    source = _email(body.encode("utf-8"), cte)
    parts = extract(source, "email")
    assert parts[0].label == "subject" and parts[0].clean == "Your order"
    for ex in parts:
        check_pieces(source, ex, None)
        check_spans(source, ex, data)
    if body.strip():
        ex = parts[1]
        # The body reads back exactly (placeholders as stand-ins), whatever the encoding.
        expected = PLACEHOLDER.sub(lambda m: " " if is_block(m) else STAND_IN, body)
        assert ex.clean.rstrip("\n") == expected.rstrip("\n")
        if cte == "quoted-printable":
            for p in ex.offsets.pieces:
                if p.kind == REPLACE:
                    decoded = quopri.decodestring(source[p.src_start : p.src_end].encode()).decode("utf-8")
                    assert decoded == ex.clean[p.clean_start : p.clean_end]


def test_base64_positions_point_at_the_encoded_line() -> None:
    body = ("Hello Sam.\n" * 8 + "We guarantee it.\n").encode()
    source = _email(body, "base64")
    ex = extract(source, "email")[1]
    start = ex.clean.index("guarantee")
    span = ex.offsets.to_source(start, start + len("guarantee"))
    assert span is not None
    encoded_lines = base64.encodebytes(body).decode().splitlines()
    line, col = LineIndex(source).position(span[0])
    # the match's bytes sit at the end of the data: the last encoded line
    assert source.splitlines()[line - 1] == encoded_lines[-1] and col == 1


def test_compose_keeps_copies_exact_and_replaced_spans_whole() -> None:
    source = "key: |\n    Hello &amp;\n    world\n"
    value = "Hello &amp;\nworld\n"
    outer_builder = TextBuilder(source)
    outer_builder.copy(11, 23)
    outer_builder.copy(27, 33)
    outer = outer_builder.build().offsets
    inner = extract(value, "html")[0]
    composed = compose(inner.offsets, outer)
    assert isinstance(composed, OffsetMap)
    ex = Extracted(inner.clean, composed)
    check_pieces(source, ex, None)
    amp = inner.clean.index("&")
    assert composed.to_source(amp, amp + 1) == (17, 22)
    w = inner.clean.index("world")
    assert composed.to_source(w, w + 5) == (27, 32)
    assert composed.to_source(0, w + 5) == (11, 32)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.tuples(st.sampled_from([COPY, QUOTED, REPLACE, OPAQUE, GAP]), st.integers(0, 6), st.integers(0, 4), st.integers(0, 3)), max_size=8),
    st.lists(st.tuples(st.integers(0, 40), st.integers(-2, 8)), min_size=1, max_size=20),
)
def test_to_source_quick_path_gives_what_the_pieces_give(shape, spans) -> None:
    """to_source's path for a span inside one verbatim piece answers as the general one does."""
    from mantracheck.text.offsets import Piece, _span

    pieces, clean, src = [], 0, 0
    for kind, length, replaced, skip in shape:
        src += skip  # source the clean text leaves out (markup)
        size = length if kind in (COPY, QUOTED) else replaced if kind != GAP else 0
        pieces.append(Piece(clean, clean + length, src, src + size, kind))
        clean, src = clean + length, src + size
    offsets = OffsetMap(pieces)

    def general(start: int, end: int) -> tuple[int, int] | None:
        found = offsets._pieces_in(start, max(end, start + 1))
        if not found or any(p.kind == OPAQUE for p in found):
            return None
        return _span(found, start, end)

    for start, width in spans:
        assert offsets.to_source(start, start + width) == general(start, start + width), (pieces, start, width)
