"""md_subset against markdown-it: wherever the subset tokenizer accepts a text, its tokens must
be markdown-it's, field for field, and the extracted text the same; where it cannot be sure,
it must decline (None) and markdown-it parses the text."""

from __future__ import annotations

import importlib.util

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import mantracheck.text.markdown as md
from mantracheck.text.md_subset import simple_tokens
from mantracheck.text.placeholders import Masker, compile_placeholders
from tests.conftest import ROOT, SHARED_DATA

PLACEHOLDERS = compile_placeholders()


def reduced(tokens):
    return [
        # (not a link's href: md_subset gives none, the walker reads none)
        (t.type, t.map, t.content, t.markup, [(c.type, c.content, c.markup) for c in (t.children or [])])
        for t in tokens
        if t.type == "inline"  # all the walker reads; md_subset gives no others
    ]


def same_as_markdown_it(text: str) -> bool:
    """True when the subset accepts ``text`` (as the extractor sees it: masked); asserts
    that it then gives markdown-it's tokens."""
    masked = Masker(text, PLACEHOLDERS).masked
    fast = simple_tokens(masked)
    if fast is None:
        return False
    assert reduced(fast) == reduced(md._parser().parse(masked)), text
    return True


def extracted_both_ways(text: str, monkeypatch: pytest.MonkeyPatch) -> None:
    fast = md.extract_markdown(text, PLACEHOLDERS)
    with monkeypatch.context() as m:
        m.setattr(md, "simple_tokens", lambda _: None)
        slow = md.extract_markdown(text, PLACEHOLDERS)
    assert (fast.clean, fast.offsets._pieces, fast.comments, fast.fixable, fast.base) == (slow.clean, slow.offsets._pieces, slow.comments, slow.fixable, slow.base), text


def bench_corpus():
    spec = importlib.util.spec_from_file_location("bench_corpus", ROOT / "bench" / "corpus.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_bench_emails_match_wherever_the_subset_takes_them(monkeypatch: pytest.MonkeyPatch) -> None:
    """The bench's emails are real marketing copy (../shared/data): the subset takes the ones
    it can be sure of (no '&', for one) and gives markdown-it's tokens and text for them."""
    if not SHARED_DATA.is_dir():
        pytest.skip("../shared/data is not here: the bench corpus is made from it")
    corpus = bench_corpus()
    emails = [corpus.document(i)[1] for i in range(2, 1200, 3)]  # every third file is an email
    assert all(e.startswith("# ") for e in emails)
    taken = 0
    for text in emails:
        taken += same_as_markdown_it(text)
        extracted_both_ways(text, monkeypatch)
    assert taken >= len(emails) // 4, taken  # 184 of 400 when the corpus was made


@pytest.mark.parametrize(
    "text",
    [
        "# Deals\n\nHi {{ first_name }},\n\nSave **now** and **later**.\nMore [here]({{ url }}).\n",
        "**[Shop now](x)**\n",
        "[a](b) [c](d)\n\n## Two\n",
        "Café **crème** au lait, naïve résumé.\n",
        "See [the menu](menu-é%20x) today.\n",
        "Line one\nline two\n# Heading after a paragraph\nthird\n",
        "",
        "\n\n\n",
        "Just text with (parentheses), 50%, $5 and a question? Yes!\n",
    ],
)
def test_subset_texts_are_accepted_and_match(text: str, monkeypatch: pytest.MonkeyPatch) -> None:
    assert same_as_markdown_it(text)
    extracted_both_ways(text, monkeypatch)


@pytest.mark.parametrize(
    "text",
    [
        "- a list\n",
        "1. ordered\n",
        "2) ordered\n",
        "> quote\n",
        "    indented code\n",
        "```\nfence\n```\n",
        "Title\n=====\n",
        "Title\n-----\n",
        "***\n",
        "a *single* star\n",
        "a ***triple*** run\n",
        "snake_case and _em_\n",
        "`code`\n",
        "<b>html</b>\n",
        "Q&amp;A\n",
        "an \\*escape\n",
        "| a | b |\n| - | - |\n",
        "~~struck~~\n",
        "![image](x)\n",
        "[ref]: /url\n",
        "[shortcut]\n",
        "[a](b \"title\")\n",
        "[click](javascript:alert)\n",
        "# Closed #\n",
        "#  two spaces\n",
        "#hashtag\n",
        "trailing space \n",
        " leading space\n",
        "tab\there\n",
        "crlf\r\nline\n",
        "Save **50%**!\n",  # a run both left- and right-flanking: ambiguous
        "**open only\n",
        "close only**\n",
        "a**b**c\n",
        "\u00a0nbsp first\n",
        "ends in nbsp\u00a0\n",
    ],
)
def test_outside_the_subset_it_declines(text: str) -> None:
    assert simple_tokens(text) is None


def test_real_texts_match_wherever_accepted(monkeypatch: pytest.MonkeyPatch) -> None:
    paths = [ROOT / "README.md", *sorted((ROOT / "tests").rglob("*.md")), *sorted((ROOT / "tests").rglob("*.txt"))]
    if SHARED_DATA.exists():
        paths += sorted(p for p in SHARED_DATA.rglob("*") if p.suffix in (".md", ".txt") and p.stat().st_size < 2_000_000)
    accepted = 0
    for path in paths:
        text = path.read_text(encoding="utf-8", errors="replace")
        for chunk in [text, *text.split("\n\n")[:400]]:
            if same_as_markdown_it(chunk):
                accepted += 1
                extracted_both_ways(chunk, monkeypatch)
    assert accepted > 20  # the comparison ran on real paragraphs, not only on refusals


PIECES = [
    "# ", "## ", "####### ", "**", "*", "***", "[", "]", "(", ")", "x", "a", "Hi", "word", " ", "  ",
    "\n", "\n\n", "!", "1.", "1)", "-", "+", "=", "#", ".", ",", ":", ";", "'", '"', "%", "$", "?",
    "é", "\u00a0", "\u2019", "\u3000", "[Shop](x)", "[a b](c)", "![i](x)", "{{ name }}", "https://x.io/a",
]


@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(PIECES), max_size=40))
def test_generated_texts_match_wherever_accepted(pieces: list[str]) -> None:
    same_as_markdown_it("".join(pieces))


WORD = st.sampled_from(["we", "Save", "today", "50%", "order", "Hi", "x", "café", "(soon)", "now!", "it's", "\"new\""])


@st.composite
def subset_documents(draw: st.DrawFn) -> str:
    blocks = []
    for _ in range(draw(st.integers(1, 5))):
        if draw(st.booleans()):
            blocks.append("#" * draw(st.integers(1, 6)) + " " + " ".join(draw(st.lists(WORD, min_size=1, max_size=5))))
            continue
        lines = []
        for _ in range(draw(st.integers(1, 3))):
            words = draw(st.lists(WORD, min_size=1, max_size=8))
            out = []
            for w in words:
                kind = draw(st.sampled_from(["plain", "plain", "strong", "link", "strong-link"]))
                if kind == "strong":
                    w = f"**{w}**"
                elif kind == "link":
                    w = f"[{w}](x)"
                elif kind == "strong-link":
                    w = f"**[{w}](x)**"
                out.append(w)
            lines.append(" ".join(out))
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks) + draw(st.sampled_from(["", "\n", "\n\n"]))


@settings(max_examples=800, deadline=None)
@given(subset_documents())
def test_generated_subset_documents_match(text: str) -> None:
    same_as_markdown_it(text)


def test_generated_subset_documents_are_mostly_accepted() -> None:
    """The generator above must exercise the subset, not only its refusals."""
    from hypothesis import find

    found = find(subset_documents(), lambda t: "**" in t and "](" in t and "\n#" in t and same_as_markdown_it(t))
    assert simple_tokens(found) is not None
